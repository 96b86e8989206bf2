## /rent, /orders, /cancel, /spotprice, button presses, and rent attempts settled later.
## Ids, commands and options (#123, /rent, spot=, currency=…) stay as they are.

## /rent: the confirmation.
rent-no-match = No free server matches { $query } with a { $currency } price. /gpus shows what there is; /watch can tell you when one appears.
rent-no-server = There is no server #{ $server } on the market (it may be hidden or gone).
rent-server-rented = Server #{ $server } is rented right now. /gpus shows free servers.
rent-no-spot = Server #{ $server } takes no spot bids in { $currency }.
rent-spot-below-min = The minimum spot price for #{ $server } is { $min }; bid at least that.
rent-spot-too-high = A spot bid of { $bid } is more than { $times }× the on-demand price of #{ $server } ({ $on_demand }); nothing was set up. Rent it on demand instead (leave out spot=), or bid less.
rent-spot-above-on-demand = Your bid of { $bid } is above the on-demand price of { $on_demand }: renting on demand would cost less and could not be outbid.
rent-currency-refused = Server #{ $server } does not take { $currency }; it takes { $accepted }.
rent-currency-note = This server does not take { $mine }; priced in { $currency } (add currency=… to choose).
rent-no-price = Server #{ $server } has no price in any currency it accepts.
rent-takes-nothing = nothing listed
rent-title = Rent server #{ $server }?
rent-field-gpu = GPU
rent-field-price = Price
rent-field-spot-bid = Spot bid
rent-field-fee = Creation fee
rent-field-image = Image
rent-field-ports = Ports
rent-field-max-rental = Max rental
rent-field-location = Location
rent-field-ssh = SSH login
rent-field-env = Environment
rent-fee-about = about { $fee }
rent-hours = { $h } h
rent-login-saved-key = your saved SSH key
rent-login-saved-password = your saved password
rent-login-new-password = a new password, shown only to you
rent-spot-confirm-within = A spot order runs until someone outbids you. Confirm within { $within }.
rent-confirm-within = Confirm within { $within }; the order is made at { $price } or not at all.
rent-env-deleted = I deleted your message from this chat: environment values may be secrets.
# What Abort names: "Aborted: renting #123. Nothing was done."
rent-abort-what = renting #{ $server }
rent-expired = This confirmation has expired; nothing was done. Please run /rent again.

## /rent: what came of Confirm.
rent-running = Order { $order } is running on #{ $server } — { $gpu } at { $price }.
rent-running-spot = Order { $order } is running on #{ $server } — { $gpu } at { $price } (spot bid).
rent-accepted = Rented #{ $server } — { $gpu } at { $price }. Clore has not listed the order yet; I'll message you its details when it does.
rent-endpoints-pending = Its endpoints are being set up; /orders shows them once ready, and I will tell you.
rent-password-for-order = SSH password for order { $order }
rent-password-for-server = SSH password for server #{ $server }
rent-password-once = Shown only this once and not stored. Save it, or set your own with /settings.
rent-password-gone = That password was already shown once and is not kept. If you did not save it, cancel the order (/cancel) and rent again; /settings can save your own SSH key or password.
# In a code block under an order: a container port and where it is reachable.
rent-port-forward = port { $port } → { $host }:{ $public }
rent-unclear = Clore did not answer clearly, so I can't say yet whether an order on #{ $server } was made. I'm checking whether it exists and will tell you privately as soon as I know; until then no other order for #{ $server } is sent. Please don't rent it again meanwhile.
rent-busy = An earlier attempt to rent #{ $server } is still being checked with Clore, so I sent nothing new. You'll get its outcome privately shortly.
rent-busy-since = An earlier attempt to rent #{ $server } (from { $time }) is still being checked with Clore, so I sent nothing new. You'll get its outcome privately shortly.
rent-settled-made = Order { $order } on #{ $server } is running; I sent you its details privately.
rent-settled-not-made = Your rent of #{ $server } did not go through; no order was made.
rent-interrupted = Renting #{ $server } was interrupted before anything was sent to Clore: no order was made. Run /rent again if you still want it.
rent-interrupted-made = Order { $order } on #{ $server } is running; /orders shows how to reach it.
# A clause after "Auto-rent watch #3: ", hence the small letter.
rent-no-saved-login = you have no saved SSH key or password to log in with, so nothing was rented. Set one with /settings sshkey="…" or password=….
rent-saved-key-bad = your saved SSH key { $problem }, so nothing was rented; save it again with /settings sshkey="…", or remove it with /settings sshkey=none.
rent-cannot-send = That order can't be sent ({ $why }). No order was made.
rent-price-changed = The price of #{ $server } changed since it was shown: { $shown } → { $now }. No order was made; /rent { $server } shows the new price.
rent-price-changed-unknown = The price of #{ $server } changed since it was shown. No order was made; /rent { $server } to see it.
rent-already-yours = You already rent #{ $server }: order { $order } (/orders shows it). No second order was made.
rent-taken = Someone else rented #{ $server } a moment ago. No order was made.
rent-low-balance = Your { $currency } balance is too low for #{ $server } (the first hours plus the creation fee). No order was made; /wallets shows balances and deposit addresses.
rent-went-offline = Server #{ $server } went offline. No order was made.
rent-currency-dropped = The owner of #{ $server } no longer takes { $currency }. No order was made.
rent-bid-too-low = Your bid of { $bid } is too low for #{ $server }: someone bids more or it is under the minimum. No order was made.
rent-refused-other = { $why } No order was made.
## /rent <query> count=N
rent-many-title = { $n ->
    [one] Rent this server?
   *[other] Rent these { $n } servers?
}
rent-many-fewer = { $n ->
    [one] Only 1 free server matches { $query } (you asked for { $asked }): Confirm rents this one.
   *[other] Only { $n } free servers match { $query } (you asked for { $asked }): Confirm rents these { $n }.
}
rent-many-field-total = Together
rent-many-field-bids = Bids together
rent-many-fees = { $n } × about { $fee }
rent-many-confirm-within = Each order is made at the price shown or not at all; they are sent one every 5 seconds (Clore's pace). Confirm within { $within }.
rent-many-spot-confirm-within = Each server gets the same bid, and a spot order runs until someone outbids you; they are sent one every 5 seconds (Clore's pace). Confirm within { $within }.
rent-many-abort-what = { $n ->
    [one] renting a server
   *[other] renting { $n } servers
}
rent-many-low-balance = Your { $currency } balance of { $balance } is not enough for { $n } servers: Clore needs each one's creation fee plus an hour of its price in the wallet, { $need } for all { $n }, and your balance covers { $covered } of them. Nothing was rented; /wallets shows balances and deposit addresses, or ask for fewer with count=.
rent-many-made = ✓ Order { $order } is running on #{ $server } — { $gpu } at { $price }.
rent-many-failed = #{ $server }: not confirmed — { $why } /orders shows whether an order was made before you try again.
rent-many-all-made = { $n ->
    [one] The server is rented:
   *[other] All { $n } servers are rented:
}
rent-many-some-made = { $made } of { $n } servers rented:
rent-many-some-made-checking = { $made } of { $n } servers rented, { $checking } being checked with Clore:
rent-many-progress = { $n ->
    [one] Renting the server…
   *[other] Renting { $n } servers: { $done } of { $n } done so far.
}
rent-many-progress-sending = #{ $server } — { $gpu }: sending the order…
rent-many-progress-waiting = #{ $server } — { $gpu }: waiting its turn

## /orders
orders-none = You have no orders.
orders-none-active = You have no active orders. /gpus finds a server; /rent rents it.
orders-count = { $n ->
    [one] { $n } order
   *[other] { $n } orders
}
orders-count-active = { $n ->
    [one] { $n } active order
   *[other] { $n } active orders
}
# The parts of an order's line: "Order 57 · #123 · 1× RTX 4090 · $0.45/day · spent $0.12 · 71h 12m left".
orders-order = Order { $order }
orders-price-spot = { $price } spot
orders-spent = spent { $amount }
orders-ended = ended
orders-left = { $time } left
orders-starting = starting…
orders-no-active = You have no active order { $order }. /orders lists yours.

## /spotprice
orders-spot-on-demand = Order { $order } is on demand; only spot orders have a bid to change.
orders-spot-set = Order { $order } now bids { $price }.
orders-spot-set-was = Order { $order } now bids { $price } (was { $was }).
orders-spot-max-step = Clore lowers a bid one step at a time: the lowest you can set now is { $lowest }. Try that, then lower again in 10 minutes.
orders-spot-lower-every = A bid can be lowered once every 10 minutes; you can lower this one again in { $wait }.
orders-spot-too-low = { $price } is below the server's minimum spot price; no change was made.
orders-spot-too-high = A spot bid of { $bid } is more than { $times }× the on-demand price of #{ $server } ({ $on_demand }); the bid was not changed. Bid less, or cancel and rent it on demand.

## /cancel
cancel-title = Cancel order { $order }?
cancel-issue = Reported issue ({ $n ->
    [one] { $n } character
   *[other] { $n } characters
}): { $issue }
cancel-confirm-within = The server is released at once. Confirm within { $within }.
cancel-keep = Keep it
# What Abort names: "Aborted: cancelling order 57. Nothing was done."
cancel-abort-what = cancelling order { $order }
cancel-done = Order { $order } is cancelled.
cancel-done-reported = Order { $order } is cancelled and the issue reported.
cancel-not-active = Clore says order { $order } is not active any more; nothing to cancel.
cancel-many-title = { $n ->
    [one] Cancel this order?
   *[other] Cancel these { $n } orders?
}
cancel-many-together = Together: { $per_day }; spent so far { $spent }.
cancel-many-abort-what = { $n ->
    [one] cancelling an order
   *[other] cancelling { $n } orders
}
cancel-many-not-running = { $n ->
    [one] Order { $orders } is not among your running orders; nothing was cancelled. /orders lists them.
   *[other] Orders { $orders } are not among your running orders; nothing was cancelled. /orders lists them.
}
cancel-many-done = Order { $order }: cancelled.
cancel-many-not-active = Order { $order }: Clore says it is not active any more.
cancel-many-unclear = Order { $order }: not confirmed — { $why } It may be cancelled; /orders shows whether it still runs.
cancel-many-all-done = { $n ->
    [one] The order is cancelled.
   *[other] All { $n } orders are cancelled.
}
cancel-many-some-done = { $done } of { $n } orders cancelled:

## Buttons and presses (shared by every confirmation).
press-confirm = Confirm
press-abort = Abort
# { $what } is a confirmation's short name: "renting #123", "cancelling order 57".
press-aborted = Aborted: { $what }. Nothing was done.
press-too-late = Too late to abort: { $what } was already confirmed.
press-not-yours = This button belongs to someone else's request — run the command yourself to get your own.
press-already-done = This was already done.
press-invalid = This button is no longer valid.
press-invalid-run-again = This button is no longer valid. Please run the command again.
press-old-version = This button is from an earlier version of the bot. Please run the command again.
press-expired-toast = Expired: nothing was done.
press-expired = This confirmation has expired; nothing was done. Please run the command again.
press-button-expired = This button has expired. Please run the command again.
press-sent-privately = Done — the details were sent to you privately.

## Rent attempts settled later (sent privately, maybe hours after the rent).
reconcile-what = { $gpu } at { $price }
reconcile-watch-listed = Auto-rent watch #{ $watch }: order { $order } on #{ $server } is listed now — { $what }.
reconcile-listed = Order { $order } on #{ $server } is listed now — { $what }.
reconcile-watch-made = Auto-rent watch #{ $watch } rented #{ $server } after all — { $what }: order { $order }.
reconcile-made = Order { $order } on #{ $server } was made after all — { $what }. Clore's answer to your rent was unclear, so I checked: it is running.
reconcile-endpoints-pending = Its endpoints are being set up; I'll tell you when they are ready.
reconcile-password-made = Its SSH password was made for this order: Show SSH password shows it to you once.
reconcile-show-password = Show SSH password
reconcile-watch-absent = Auto-rent watch #{ $watch }: renting #{ $server } did not go through after all — Clore never confirmed it and no order appeared. Nothing was rented; the watch carries on.
reconcile-absent = Your rent of #{ $server } ({ $gpu }) did not go through: Clore never confirmed it, and no order for #{ $server } appeared on your account. Nothing was rented; /rent #{ $server } to try again.
reconcile-abandoned = I could not find out whether your rent of #{ $server } from { $when } went through: Clore's order list did not answer for too long. Please look at /orders or the Clore dashboard; I no longer count it as pending.

## /spotguard
spotguard-on = Order { $order } is guarded: its bid is kept { $margin } ahead of any waiting offer, never above { $max }.
spotguard-rebid = If it is outbid anyway, I rent again within the cap and tell you.
spotguard-no-rebid = If it is outbid anyway, I tell you and offer to rent again. Lowering, when it is well ahead, is at most once per 10 minutes (Clore's rule).
spotguard-off = Order { $order } is no longer guarded; its bid stays as it is.
spotguard-none = Order { $order } had no guard.
spotguard-below-bid = Order { $order } already bids { $bid }, above the cap of { $max }. Give a cap at or above the bid, or lower the bid first with /spotprice.
spotguard-line = guard: cap { $max }, margin { $margin }{ $rebid }
spotguard-line-rebid = , rents again if outbid
rent-field-template = Template
rent-login-template-key = the template's SSH key
rent-login-template-password = the template's password
guard-cap-confirm = Raise the cap of order { $order }'s guard from { $old } to { $max }? Its bid may then rise up to it.
guard-cap-abort-what = raising the cap of order { $order }
guard-cap-gone = Order { $order } has no guard any more (it ended, or the guard was turned off); nothing was changed.
guard-cap-raised = Order { $order }'s guard now bids up to { $max }.
rent-guard-needs-spot = guard= keeps a spot bid ahead: give the bid with spot=… too.
rent-guard-below-bid = The guard's cap ({ $max }) is below the bid ({ $bid }): give a cap at or above it.
rent-field-guard = Spot guard
