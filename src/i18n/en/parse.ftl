## What the command parser says about a command it cannot read.

settings-locale-bad = language must be en (English), de (Deutsch) or ru (Русский), or auto for your app's language; not `{ $value }`.
parse-usage =
    { $problem }
    Usage: { $usage }
parse-help-one = Ask about one command at a time.
parse-not-understood = I don't understand `{ $term }`.
parse-spotprice-args = Give the order id and the new price per day.
parse-spend-period = I don't understand `{ $term }`: use 7d or 30d.
parse-snooze-args = Give the watch id and how long, e.g. /snooze 3 2h.
parse-snooze-too-long = A snooze lasts at most 30d; delete the watch with /unwatch instead.
parse-cooldown-too-long = A cooldown is at most 30d, not `{ $term }`; `once` alerts a single time.
parse-empty = Send /help for the list of commands.
parse-control-character = Your message holds an invisible control character ({ $code }), which I cannot read or store. Type the command again without it.
parse-unknown-command = Unknown command /{ $name }. Send /help for the list.
parse-market-not-model = `{ $term }` is not a GPU model: /market takes GPU models only, e.g. /market 4090 or /market a100.
parse-history-period = `{ $term }` is not a period: use 24h, 7d or 30d.
parse-history-not-model = `{ $term }` is not a GPU model: /history takes models and a period (24h, 7d or 30d).
parse-history-which = Say which GPU, e.g. /history 4090 or /history 3090 30d.
parse-no-arguments = /{ $cmd } takes no arguments, but got `{ $term }`.
parse-open-quote = A quote (") was opened but not closed.
parse-give-id = Give the { $what ->
    [server] server id
    [order] order id
   *[watch] watch id
}.
parse-give-one-id = Give one { $what ->
    [server] server id
    [order] order id
   *[watch] watch id
}.
parse-id-not-number = The { $what ->
    [server] server id
    [order] order id
   *[watch] watch id
} must be a positive whole number, not `{ $term }`.
parse-not-positive = { $field } must be a positive number, not `{ $term }`.
parse-not-number = { $field } must be a number, not `{ $term }`.
parse-hostset-price = { $field }= is a price a day in BTC ({ $field }=0.00005 or 0.00005btc) or in dollars ({ $field }=$3.40, 3.40$ or 3.40usd), not `{ $term }`.
parse-hostset-gpu = gpu= takes a GPU model, like gpu=4090 or gpu="rtx 3090", not `{ $term }`.
parse-query =
    I didn't understand `{ $term }`: { $problem }.
    See /help { $cmd } for the query language.
parse-duration = `{ $term }` is not a duration: use e.g. 30m, 2h or 1d.
parse-key-missing = Give the key: { $usage }
parse-key-bad = That does not look like a Clore API key: { $problem }.
key-problem-empty = it is empty
key-problem-chars = it may only contain printable ASCII characters without spaces
key-problem-length = it must be between { $min } and { $max } characters (Clore keys are 32)
parse-rent-image = image= needs a Docker image name.
parse-currency = Unknown currency `{ $term }`; use usd, clore or btc.
parse-env-missing = env must be followed by NAME=value.
parse-rent-which = Say which server: an id from /gpus, or a query like 4090.
parse-rent-count = count= takes a number from 1 to { $max }, not `{ $term }`.
parse-rent-count-one-server = count= rents several servers matching a query (like /rent 3060 count=3); a server id names one server.
parse-env-bad = env needs NAME=value, not `{ $term }`.
parse-env-name = `{ $term }` is not a valid environment variable name.
parse-port = `{ $term }` is not a port number (1-65535).
parse-port-proto = Port protocol must be tcp or http, not `{ $term }`.
parse-port-twice = Port { $port } is listed twice.
parse-ports-empty = ports= needs at least one port, e.g. ports=22:tcp,8888:http.
parse-max-orders = max_orders must be 1 to 20, not `{ $term }`.
parse-after-autorent = `{ $term }` only goes after autorent.
parse-watch-what = Say what to watch for, e.g. /watch 4090 max=4.
parse-autorent-max = An autorent watch needs a maximum price (max=…).
parse-autorent-once = autorent already stops after renting (unless keep); drop once.
parse-hostset-args = Give the server's name (see /myservers) and what to change.
parse-mrl-hours = mrl must be whole hours, not `{ $term }`.
parse-mrl-range = mrl must be 1 to { $max } hours, not `{ $term }`.
parse-hostset-what = Say what to change: on/off, mrl=, price= or spot=.
parse-host-name-long = A server name is at most { $max } characters; `{ $term }` is longer (see /myservers).
parse-settings-form = Settings are written name=value, not `{ $term }`.
parse-password-short = password must be at least { $min } characters: it guards a server on the internet.
parse-password-blank = password must not be only spaces, tabs or line breaks: it guards a server on the internet.
parse-settings-unknown = Unknown setting `{ $term }`: use currency, image, sshkey, password, locale, quiet or tz.
parse-sshkey = sshkey { $problem }.
parse-cancel-all-alone = `all` cancels every running order and takes nothing else; name orders by number instead (/cancel 1001 1002).
parse-cancel-too-many = { $n } orders named; at most { $max } at once (or /cancel all).
parse-spotguard-args = Give the order id and max=<price per day> (or off).
parse-spotguard-margin = The margin must be below the cap ({ $max }).
parse-template-name = A template name is 1 to { $max } of a-z, 0-9, - and _, not `{ $term }`.
parse-template-action = Say save, show, delete or list.
parse-template-which = Say which template.
parse-template-one = Give one template name.
parse-template-command = command= needs the start command, at most { $max } characters.
parse-guard-needs-max = margin= and rebid belong to a spot guard: give its cap with guard=<price>.
parse-autorent-guard-spot = guard= keeps spot bids ahead: add spot to the watch's query.
parse-autorent-guard-below = The guard's cap ({ $guard }) is below the watch's max price ({ $max }), which an order may bid.
parse-quiet-window = Quiet hours are written from-to in 24-hour time, like 23:00-08:00; not `{ $term }`.
parse-quiet-empty = Quiet hours `{ $term }` start and end at the same time; give a window like 23:00-08:00, or quiet=off.
parse-quiet-tz = Unknown time zone `{ $term }`: use an IANA name like Europe/Berlin, America/New_York or UTC.
parse-digest-period = digest= is hourly or daily, not `{ $term }`.
parse-digest-autorent = An auto-rent watch rents at once; it takes no digest=.
parse-start-link = Sorry, clorebot does not know this link: it may be old or mistyped. Send /help to see what I can do, or /gpus to find a server.
parse-settings-idle = I don't understand idle=`{ $term }`: give hours from 1 to 720, or off.
parse-settings-undercut = I don't understand undercut=`{ $term }`: give a number from 1 to 50, or off.
