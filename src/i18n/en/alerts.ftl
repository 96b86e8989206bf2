## Alerts the engine sends on its own: orders, balances, hosted servers.

# $order: the order's id; $server: the server's id (shown after #).
alerts-order-ready = Order { $order } on #{ $server } is ready:
# $left: a duration (2h 5m).
alerts-order-ending = Order { $order } on #{ $server } ends in { $left } (its maximum rental time). Rent again with /rent #{ $server } if you still need it.
alerts-order-ended-spot = Order { $order } on #{ $server } has ended: it was outbid, cancelled or reached its end.
alerts-order-ended-max = Order { $order } on #{ $server } has ended: it reached its maximum rental time.
alerts-order-ended-stopped = Order { $order } on #{ $server } has ended: it was cancelled or stopped.
# $currency: USD, CLORE or BTC; $balance: an amount; $covers: a duration; $spend: the spend per day and hour.
alerts-low-balance = Low { $currency } balance: { $balance } covers about { $covers } of your orders' { $spend }. Top up (see /wallets) to keep them running.

alerts-host-online = Your server { $name } is back online.
alerts-host-offline = Your server { $name } went offline.
alerts-host-rented = Your server { $name } was rented.
alerts-host-free = Your server { $name } is free again (its rental ended).
# $hours: how long (a duration); $price: a day, in the host's currency.
alerts-host-idle = Your server { $name } has been free for { $hours } at { $price } a day. See where it stands among the free servers of its model with /myservers.
alerts-host-idle-unpriced = Your server { $name } has been free for { $hours }. See your servers with /myservers.
alerts-undercut-now = now #{ $rank } of { $of } at { $price }
alerts-undercut-left = { $name } left the cheapest quarter of free { $offer }: { $now }; the quarter ends at { $p25 }.
alerts-undercut-more = { $n } more free { $offer } are cheaper than { $name }: { $now }.
alerts-undercut-open = Where it stands
guard-raised = #{ $order }: a bid of { $waiting } is waiting → yours is now { $bid } (cap { $cap }).
guard-lowered = #{ $order }: the best other offer is { $best } → yours is lowered to { $bid }.
guard-at-cap = #{ $order }: another offer ({ $waiting }) is near your cap { $cap }. Raise the cap, or the order may be outbid.
guard-cap-button = Cap { $max } (+{ $pct } %)
# Several bid changes told together: $bids lists each new bid in turn (↑ raised, ↓ lowered).
guard-changes = #{ $order }: your bid moved { $n ->
    [one] once
   *[other] { $n } times
} in { $within }: { $bids }. It is now { $bid } (cap { $cap }).
guard-outbid = #{ $order } on server { $server } was outbid: a bid of { $winning } won.
guard-rent-again-button = Rent again as spot at { $bid } (#{ $server })
guard-rebid-none = Nothing to rent again within your cap { $cap }: neither its server nor a free { $gpu }.
guard-rebid-refused = Renting again on server { $server } at { $bid } did not go through. { $why }
guard-rebid-made = Rented again within your cap { $cap }: order { $order } on server { $server } at { $bid }, guarded as before.
guard-rebid-accepted = Rented again within your cap { $cap } on server { $server } at { $bid }, guarded as before; I'll tell you its details when Clore lists the order.

# Digests: held alerts sent together (alerts/digest.rs).
digest-title = { $n ->
    [one] Digest: { $n } alert
   *[other] Digest: { $n } alerts
}
digest-watch = { $n ->
    [one] Watch #{ $id } ({ $query }): { $n } match
   *[other] Watch #{ $id } ({ $query }): { $n } matches
}
digest-more-free = …and { $n } more still free
digest-gone = { $n } no longer free (left out)
digest-others-more = …and { $n } more alerts
