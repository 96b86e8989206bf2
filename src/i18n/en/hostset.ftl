# /hostset: the confirmation listing each server's values before and after, the progress
# while the servers are sent in turn, and each server's outcome.

hostset-title = { $n ->
    [one] Change { $n } server?
   *[other] Change { $n } servers?
}
hostset-server = { $name } ({ $gpu }):
hostset-price = · price: { $values }
hostset-spot = · spot minimum: { $values }
hostset-mrl = · max rental: { $values }
hostset-available = · available: { $values }
hostset-from-to = { $old } → { $new }
hostset-same = { $value } (unchanged)
hostset-btc-usd = { $btc } ({ $usd })
hostset-unknown = unknown
hostset-rate = Dollars converted at { $rate } per bitcoin, the market's rate now.
hostset-mixed = These servers differ in GPU model or count: one price for all of them may not suit each.
hostset-confirm-within = { $n ->
    [one] Nothing is sent until you confirm (within { $within }).
   *[other] Nothing is sent until you confirm (within { $within }). The servers go one at a time, at Clore's pace for your key: about { $takes } in all.
}
hostset-abort-what = { $n ->
    [one] changing { $n } server
   *[other] changing { $n } servers
}
hostset-progress = Sent { $done } of { $n }…
hostset-progress-sent = ✓ { $name }: sent
hostset-progress-sending = ⏳ { $name }: sending…
hostset-progress-waiting = · { $name }: waiting its turn
hostset-all-changed = { $n ->
    [one] Changed:
   *[other] All { $n } changed:
}
hostset-some-changed = { $changed } of { $n } changed:
hostset-changed = ✓ { $name }: now { $price } (verified)
hostset-not-verified = ? { $name }: sent ({ $price }), but Clore does not show it yet
hostset-failed = ✗ { $name }: { $why }
hostset-gone = { $name } is no longer among your servers
hostset-interrupted = This change was being sent when the bot restarted. Nothing is sent again; what Clore shows now:
hostset-interrupted-has = ✓ { $name } has the new values
hostset-interrupted-not = ✗ { $name } does not have them (send /hostset again if you still want them)
