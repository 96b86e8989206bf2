## Help: /help, /start, the command menus (summaries: at most 100 characters, Discord's limit).

help-start-usage = /start
help-start-summary = What clorebot does and how to begin

help-help-usage = /help [command]
help-help-summary = All commands, or the details of one

help-key-usage = /key set <api key> · /key remove · /key
help-key-summary = Store, remove or check your Clore API key (private chat only)
help-key-details = Get a key at clore.ai → Profile → API. It is checked with Clore, stored encrypted, and shown back only as a fingerprint. Never send it in a group: the message is deleted and refused.

help-gpus-usage = /gpus [query]
help-gpus-summary = Search the marketplace (no key needed)
help-gpus-details = 
    Query terms, in any order:
    • a model: 4090, a100, "rtx 3090"
    • x2 or 2x: at least 2 GPUs
    • <5 or max=5: price per day at most 5
    • field op value with = != < <= > >= or in [a,b]: gpus, price, ram, vram, cpus, down, up, cc, reliability, rating, mrl (hours), cuda — e.g. ram>=64 cc in [DE,NL] cuda>=12.2
    • spot or ondemand, currency=usd|clore|btc, sort=price|-gpus|…, limit=N, all (include rented)

help-market-usage = /market [models]
help-market-summary = The market per GPU model: free servers, cheapest, median, 24 h change, 7-day low
help-market-details = Every model on the market, the most free servers first, 8 a page, as a table and a chart (prices in your currency at today's rate); name models to narrow it — e.g. /market, /market rtx, /market a100. The 24 h change and the 7-day low come from the recorded price history.
help-history-usage = /history <query> [24h|7d|30d]
help-history-summary = A price chart of a GPU model: cheapest and median free price, free servers
help-history-details = From what every market poll records, in USD per day: hourly over 24h, every six hours over 7d (the default), daily over 30d — e.g. /history 4090 30d, /history "rtx 3090" 24h. The shaded band is where 10–90 % of free prices lay.

help-spend-usage = /spend [7d|30d]
help-spend-summary = What your orders cost per day: a chart and a table by order
help-spend-details = Counts the orders clorebot follows for you (rented with it or seen on your account): each order's price for the time it ran each day, plus its creation fee on the day it began.
help-earnings-usage = /earnings [7d|30d]
help-earnings-summary = What your hosted servers earned: an estimate by server
help-earnings-details = Estimated from what clorebot sees of your servers every minute or so: each rental's price for the time it was rented, before Clore's fee, spot rentals at their minimum price. Shows how much of the time it saw.

help-server-usage = /server <id>
help-server-summary = One server's specs, prices and spot market

help-rent-usage = /rent <id or query> [count=N] [image=…] [spot=<price> [guard=<max> [margin=…] [rebid]]] [ports=22:tcp,8888:http] [env K=V]… [currency=usd|clore|btc] [t=<template>]
help-rent-summary = Rent a server (a query picks the cheapest free match); asks to confirm
help-rent-details = Shows the price and asks you to confirm; the order is made at exactly that price or not at all. SSH uses your saved key or password (/settings), or a new password shown only to you. count=N (1–10, with a query) rents the N cheapest free matches with one confirmation, if your balance covers them all. guard=<max> with spot= keeps the bid ahead of other offers within that cap (as /spotguard).

help-orders-usage = /orders [all]
help-orders-summary = Your active orders (or all) with SSH and HTTP endpoints

help-cancel-usage = /cancel <order id> [issue text] · /cancel all · /cancel <order id> <order id>…
help-cancel-summary = Cancel an order (reporting a problem if you like), several, or all

help-spotprice-usage = /spotprice <order id> <price per day>
help-spotprice-summary = Change the bid of a spot order
help-spotprice-details = Clore lowers a bid at most one step at a time and at most once every 10 minutes.
help-spotguard-usage = /spotguard <order id> max=<price per day> [margin=<price>] [rebid] · /spotguard <order id> off
help-spotguard-summary = Keep a spot bid ahead of other offers, within a cap
help-spotguard-details = On every account poll the bid is raised to stay a margin ahead of waiting offers (never above max) and lowered when well ahead; margin defaults to 2 % of max. rebid rents again within the cap if the order is outbid.


help-wallets-usage = /wallets
help-wallets-summary = Your balances and deposit addresses (shown privately)

help-watch-usage = /watch <query> [max=<price>] [once] [here] [cooldown=30m] [digest=hourly|daily] [autorent [max_orders=N] [daily_cap=X] [keep] [t=<template>] [guard=<max> [margin=…] [rebid]]]
help-watch-summary = Get an alert when a matching server becomes available
help-watch-details = 
    • once: alert once, then stop
    • here: a team watch that alerts this group or channel (admins only)
    • cooldown: quiet time after each alert
    • digest=hourly|daily: its matches come as one message per hour or day (quiet hours: /help settings)
    • count>=N, drop>=X% [in=24h] [median], rise>=X%, newlow=7d: a market watch on the query as a whole — alerts when at least N are free, when the cheapest (or median) free price fell or rose that much within the window, or when it is the lowest of the window
    • autorent: rent the cheapest match with your key, within max price, max_orders (default 1) and daily_cap: what its orders may cost in any 24 hours, creation fees included (default: max_orders × (max price + fee)); stops after renting unless keep; guard= (with spot in the query) guards each order it rents, as /spotguard

help-watches-usage = /watches
help-watches-summary = Your watches (in a group: the team's)

help-unwatch-usage = /unwatch <watch id>
help-unwatch-summary = Delete a watch

help-snooze-usage = /snooze <watch id> <duration|off>
help-snooze-summary = Silence a watch for a while (30m, 2h, 1d; at most 30d)

help-myservers-usage = /myservers
help-myservers-summary = Hosts: your servers, their status and pricing

help-hostset-usage = /hostset <server name>|all|gpu=<model> [on|off] [mrl=<hours>] [price=<$/day or btc/day>] [spot=<$/day or btc/day>]
help-hostset-summary = Hosts: change a server's availability, max rental length or prices
help-hostset-details = A price is BTC a day as Clore's API takes it (0.00005 or 0.00005btc), or dollars a day ($3.40, 3.40$ or 3.40usd), converted at the market's bitcoin rate to the satoshi. A bitcoin price worth over $1000 a day per GPU is refused as a dollar amount missing its $. name=<server> names a server whose name reads like a change. What you leave out stays as it is. all changes every server, gpu=4090 those with that GPU; the confirmation lists each server's values before and after, and the answer each one's outcome.

help-settings-usage = /settings [currency=usd|clore|btc] [image=<docker image>] [sshkey="<public key>"|none] [password=<ssh password>|none] [locale=en|de|ru|auto] [quiet=23:00-08:00|off] [tz=Europe/Berlin] [idle=<hours>|off] [undercut=<n>|off]
help-settings-summary = Your defaults: display currency, image, SSH key or password, language, quiet hours
help-settings-details = The SSH password is stored encrypted and may only be set in a private chat. Languages: en (English), de (Deutsch), ru (Русский); auto follows your app. In a group, locale= sets the group's language (admins only). Quiet hours: quiet=23:00-08:00 tz=Europe/Berlin (an IANA time zone; UTC if none is given; the window may cross midnight) holds alerts that can wait and sends them as one digest when the window ends; orders ending or ended, a balance running out within hours and auto-rent outcomes still come at once. quiet=off turns them off. In a group, quiet= and tz= set the group's quiet hours, for its team alerts (admins only). Hosts: idle=24 alerts when a listed server has been free that many hours (once per free period); undercut=3 when that many more cheaper free servers of its model appear; off turns either off, none restores the default.

help-template-usage = /template save <name> [image=…] [ports=…] [env K=V]… [sshkey="<public key>"] [password=<ssh password>] [command="<start command>"] [jupyter=<token>] [here] · /template show <name> · /template delete <name>
help-template-summary = Save, show or delete a rent template: /rent … t=<name> and auto-rent use it
help-template-details = A name is 1 to 32 of a-z, 0-9, - and _; saving a name again replaces it; at most 20 templates. Options given to /rent win over the template's. env values, the password and the Jupyter token are stored encrypted, shown masked, and may only be saved in a private chat. here: a team template for this group (admins only; no secrets). A template an auto-rent watch uses is not deleted: /unwatch the watch first.

help-templates-usage = /templates
help-templates-summary = Your rent templates (in a group: the team's too)

help-overview-title = Commands:
help-overview-footer = /help <command> for details.
help-unknown = There is no /{ $name } command. Send /help for the list.
help-start =
    clorebot rents GPUs on the Clore.ai marketplace from this chat.

    1. /gpus 4090 — search the market (no key needed)
    2. /key set <your Clore API key> — in a private chat with me; stored encrypted
    3. /rent <server id> — rent with one confirmation; /orders shows SSH details
    4. /watch 4090 max=4 — get an alert when a cheap one appears

    /help lists everything. /settings locale=de or locale=ru switches the language.
