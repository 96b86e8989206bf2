## Front-ends: what Telegram, Discord and the console say on their own (notes, forms, menus).

## The console.
console-message-deleted = (your message was deleted)
console-only-you = (only you can see this)
console-no-buttons = There are no buttons to press.
console-press-usage = Usage: /press N, with N from 1 to { $max }.
console-no-such-button = There is no button { $n }; choose 1 to { $max }.
console-chart = 📈 chart: { $path }
console-chart-not-saved = (the chart could not be saved: { $error })

## Telegram.
# The name of a group's anonymous admin, for a group without a title.
telegram-group-admin = Group admin
telegram-button-unusable = This button does not work here.
# { $who } is a mention of the user, { $bot } a link to the bot (both already HTML).
telegram-note-not-started = { $who }, I can only answer this in a private chat, and you have not started one with me yet: open { $bot }, press Start, then try again.
telegram-note-sent-privately = { $who }, I sent you the answer in our private chat.
telegram-note-deleted = I deleted your message: it held a secret.
telegram-note-not-deleted = Your message holds a secret and I may not delete it here (I need the “Delete messages” right): please delete it yourself.
telegram-note-revoke-key = If it was your Clore API key, revoke it at clore.ai now and make a new one: this group saw it.
telegram-slow-down = Slow down, please: commands are coming faster than Telegram lets me answer in this chat. I will answer the ones I have; new ones are skipped until then.

## Discord: interactions.
discord-not-supported = That is not supported.
discord-only-you-see = Only you can see my answer.
discord-no-dm-for-form = I could not open a private chat with you to take the form; nothing was done. Please try again.
discord-repeat = That was handled already.
discord-not-taken = I could not take that just now; nothing was done. Please try again in a moment.
discord-team-needs-server = A team watch or template lives in a channel clorebot posts in, and clorebot is not in this one: you added it to your account only. Leave out here to make it yours (alerts come to your DM), or have the server add clorebot with this link:

## Discord: forms (titles and labels at most 45 characters, placeholders at most 100).
discord-form-key-title = Your Clore API key
discord-form-key-label = API key (clore.ai → Profile → API)
discord-form-key-placeholder = Only you see this form
discord-form-password-title = Your SSH password
discord-form-password-label = SSH password for new orders, or none
discord-form-password-rest = Other settings
discord-form-rent-env-title = Rent with environment variables
discord-form-rent-env-what = What to rent (as after /rent)
discord-form-rent-env-env = Environment: one NAME=value per line
discord-form-password-spaces = A password cannot hold spaces or quotes. Nothing was saved.
discord-form-env-misplaced = Put environment values in the Environment box only, and no quotes in what to rent. Nothing was rented.
discord-form-env-line-format = Environment line { $line } is not NAME=value. Nothing was rented.
discord-form-env-line-quote = Environment line { $line } holds a quote, which I cannot pass on. Nothing was rented.
discord-form-template-title = Template with secrets
discord-form-template-what = The template (as after /template)
discord-form-template-password = SSH password (optional)
discord-form-template-jupyter = Jupyter token (optional)
discord-form-template-misplaced = Put env values, the password and the token in their own boxes only, and no quotes in the template line. Nothing was saved.
discord-form-template-spaces = A password or token cannot hold spaces or quotes. Nothing was saved.
discord-form-unknown = That form is not one of mine.

## Discord: slash command option descriptions (at most 100 characters), discord-opt-<command>-<option>.
discord-opt-help-command = A command to explain
discord-opt-key-action = set (opens a form), status, or remove
discord-opt-gpus-query = e.g. 4090 max=4 x2 cc in [DE,NL] — /help gpus for all terms
discord-opt-server-id = Server id
discord-opt-rent-target = Server id (#42) or a query: the cheapest free match
discord-opt-rent-image = Docker image (default: your /settings image)
discord-opt-rent-spot = Rent on the spot market at this bid per day
discord-opt-rent-ports = e.g. 22:tcp,8888:http
discord-opt-rent-template = A saved template (t=): what you leave out comes from it
discord-opt-rent-env = Add environment variables, in a form only you see
discord-opt-rent-count = How many servers: the cheapest free matches of a query (1–10)
discord-opt-rent-guard = With spot: keep the bid ahead of other offers, never above this per day
discord-opt-rent-margin = With guard: how far ahead of waiting offers (default 2 % of guard)
discord-opt-rent-rebid = With guard: rent again within the cap if outbid
discord-opt-orders-all = Include ended orders
discord-opt-cancel-orders = Order id, several (1001 1002), or all
discord-opt-cancel-issue = What was wrong (reported to the host)
discord-opt-spotprice-order = Order id
discord-opt-spotprice-price = New bid per day
discord-opt-spotguard-order = Order id
discord-opt-spotguard-max = The most to bid per day
discord-opt-spotguard-margin = How far ahead of waiting offers (default 2 % of max)
discord-opt-spotguard-rebid = Rent again within the cap if outbid
discord-opt-spotguard-off = Stop guarding
discord-opt-spend-period = 7d (default) or 30d
discord-opt-earnings-period = 7d (default) or 30d
discord-opt-market-query = GPU models to narrow it to, e.g. 4090 or a100 (all when empty)
discord-opt-history-query = A GPU model, e.g. 4090 or "rtx 3090"
discord-opt-history-period = 24h, 7d (default) or 30d
discord-opt-watch-query = e.g. 4090 max=4 x2 cc in [DE,NL] — /help gpus for all terms
discord-opt-watch-once = Switch off after the first alert
discord-opt-watch-here = Alert this channel (needs Manage Channels)
discord-opt-watch-cooldown = Quiet time between alerts, e.g. 30m
discord-opt-watch-digest = Collect its matches into one message per hour or day
discord-opt-watch-autorent = on, or guardrails: max_orders=N daily_cap=X keep
discord-opt-unwatch-id = Watch id
discord-opt-snooze-id = Watch id
discord-opt-snooze-for = How long, e.g. 2h, or off
discord-opt-hostset-all = Every one of your servers
discord-opt-hostset-gpu = Every server with this GPU model (4090, a100…)
discord-opt-hostset-name = Server name
discord-opt-hostset-state = Offer it for rent, or not
discord-opt-hostset-mrl = Maximum rental length, hours
discord-opt-hostset-price = On-demand price a day: BTC (0.00005) or dollars ($3.40)
discord-opt-hostset-spot = Minimum spot price a day: BTC (0.00002) or dollars ($1.50)
discord-opt-settings-currency = Display currency
discord-opt-settings-image = Default Docker image
discord-opt-settings-sshkey = Public SSH key for new orders, or none
discord-opt-settings-locale = Language code
discord-opt-settings-quiet = Quiet hours like 23:00-08:00, or off
discord-opt-settings-tz = Time zone of the quiet hours, like Europe/Berlin
discord-opt-settings-idle = Hosts: alert when a server is free this many hours, or off
discord-opt-settings-undercut = Hosts: alert when this many cheaper servers appear, or off
discord-opt-settings-password = Set or remove your SSH password, in a form only you see
discord-opt-template-action = save, show, delete or list
discord-opt-template-name = The template's name: a-z, 0-9, - and _, at most 32
discord-opt-template-image = Docker image
discord-opt-template-ports = Ports, e.g. 22:tcp,8888:http
discord-opt-template-sshkey = Public SSH key for its orders
discord-opt-template-command = Start command
discord-opt-template-here = A team template for this group (admins only)
discord-opt-template-secrets = Add env values, an SSH password or a Jupyter token, in a form only you see
