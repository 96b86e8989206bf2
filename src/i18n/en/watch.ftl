## Watches: /watch, /watches, /unwatch, /snooze, their alerts and auto-rent outcomes.

watch-here-private = `here` makes a team watch that alerts a group or channel; in this private chat, leave it out.
watch-here-admins = Only admins of this chat can create team watches (`here`).
watch-here-autorent = Auto-rent uses your own key, so it can't be a team watch; drop `here`.
watch-too-many = You have { $n } watches (personal and team), the most allowed. Delete some with /unwatch first.
watch-team-too-many = { $n ->
    [one] This chat has { $n } team watch, the most allowed. An admin can delete it with /unwatch first.
   *[other] This chat has { $n } team watches, the most allowed. An admin can delete some with /unwatch first.
}
watch-autorent-needs-login = Auto-rent needs a saved SSH key or password, so you can log in to what it rents unattended: /settings sshkey="ssh-ed25519 …" or, in a private chat, /settings password=….

# The confirmation card of an auto-rent watch.
watch-autorent-confirm = Create an auto-rent watch?
watch-field-watching = Watching
watch-field-rents = Rents
watch-rents-cheapest = the cheapest free match, with your key
watch-field-max-price = Max price
watch-field-max-orders = Max orders at once
watch-field-daily-cap = Daily spend cap
watch-daily-cap = { $cap } in any 24 h, creation fees included
watch-field-after = After renting
watch-after-keep = keeps watching within these limits
watch-after-stop = stops
watch-autorent-warning = Money is spent without asking again. A match available at the next market check is rented at once.
watch-confirm = Confirm
watch-abort = Abort
# What the Abort button gives up ("Too late to abort: … was already confirmed").
watch-abort-what = the auto-rent watch

# A new watch. $extras is empty or " (once, cooldown 10m)".
watch-created-personal = Watch #{ $id }: { $query } — alerts you privately{ $extras }.
watch-created-team = Watch #{ $id }: { $query } — alerts this chat{ $extras }.
watch-once = once
watch-cooldown = cooldown { $duration }
watch-autorent-on = { $n ->
    [one] Auto-rent is on: up to { $n } order at once, costing at most { $cap } in any 24 hours.
   *[other] Auto-rent is on: up to { $n } orders at once, costing at most { $cap } in any 24 hours.
}
watch-no-market = I'll alert when a matching server becomes available.
watch-nothing-now = Nothing matches right now; I'll alert when something does.
watch-matching-now = { $n ->
    [one] { $n } server matches right now (cheapest #{ $id } at { $price }); I'll alert when a new one appears.
   *[other] { $n } servers match right now (cheapest #{ $id } at { $price }); I'll alert when a new one appears.
}
watch-hint = /snooze { $id } 2h silences it; /unwatch { $id } deletes it.

# /watches
watch-list-personal = Your watches
watch-list-team = This chat's team watches
watch-list-none-personal = You have no watches. Try /watch 4090 max=4.
watch-list-none-team = This chat has no team watches. An admin can add one with /watch <query> here.
watch-state-broken = broken, off: I no longer understand { $reason } — create it again with /watch
watch-state-done = done (fired once)
watch-state-off = off
watch-state-snoozed = snoozed for { $duration }
watch-state-autorent = auto-rent
watch-state-last-alert = last alert { $ago } ago

watch-not-found = You have no watch #{ $id } here. /watches lists the ones you can change.
watch-deleted = Watch #{ $id } ({ $query }) is deleted.
watch-snoozed = Watch #{ $id } is snoozed for { $duration } (until { $until }).
watch-awake = Watch #{ $id } is awake again.

# Alerts.
watch-broken-alert = Watch #{ $id } ({ $query }) is broken and now off: I no longer understand { $reason }.
    It will not alert again. To keep watching, create it again with /watch and a query that works today (see /help watch), then remove this one with /unwatch { $id }.
watch-alert-title = { $n ->
    [one] Watch #{ $id } ({ $query }): { $n } new match
   *[other] Watch #{ $id } ({ $query }): { $n } new matches
}
watch-alert-more = …and { $n } more: /gpus { $query }
watch-alert-once = This was a once watch; it is now off.
watch-rent-button = Rent #{ $id }

# Auto-rent outcomes. $head is watch-autorent-head; $why is a clause that ends the sentence.
watch-autorent-head = Auto-rent watch #{ $id } ({ $query })
watch-autorent-unreadable = { $head }: its rules could not be read; nothing was rented.
watch-autorent-nothing-new = { $head }: nothing new to rent.
watch-autorent-refused = { $head }: #{ $server } matches at { $price }, but { $why }
watch-autorent-too-many = { $n ->
    [one] { $n } order from this watch already runs or is being checked with Clore (max { $max }); nothing was rented.
   *[other] { $n } orders from this watch already run or are being checked with Clore (max { $max }); nothing was rented.
}
watch-autorent-earlier-open = its earlier rent is still being checked with Clore, and this watch stops after one; nothing was rented.
watch-autorent-over-cap = with it this watch's orders could cost { $peak } in a day (creation fees included, running orders running on), over its daily cap of { $cap }; nothing was rented.
watch-autorent-owner-gone = { $head }: its owner is gone; nothing was rented.
watch-autorent-rented = { $head } rented #{ $server } — { $gpu } at { $price }.
watch-autorent-order = Order { $order }.
watch-autorent-not-listed = Clore has not listed the order yet; I'll tell you its details when it does.
watch-autorent-failed-why = { $head }: renting #{ $server } did not go through. { $why }
watch-autorent-failed = { $head }: renting #{ $server } did not go through.
watch-autorent-note = { $head }: { $text }
watch-autorent-settled = { $head } rented #{ $server }: order { $order } (details sent separately).
watch-autorent-stopped = The watch is now off, as set (add keep to go on renting).
watch-autorent-template = Made with template { $name }.
watch-digest-hourly = hourly digest
watch-digest-daily = daily digest

# A team watch shared by its deep link (/start watch_<id>).
watch-shared-title = Team watch #{ $id } in { $chat }
watch-shared-field-when = When
watch-shared-field-rules = Alerts
watch-shared-explain = “Watch it myself” makes your own copy of it: the same query and thresholds, alerting you here in private. The copy is yours alone to snooze or remove.
watch-shared-button = Watch it myself
watch-shared-not-found = Sorry, there is no team watch #{ $id } in a chat you are in. A team watch’s link opens for the members of its chat.
watch-shared-broken = This watch cannot be copied: its query no longer reads ({ $reason }).
watch-shared-check-failed = I could not ask { $platform } whether you are in this watch’s chat. Please open the link again in a minute.
watch-rent-private-button = Rent #{ $id } privately
