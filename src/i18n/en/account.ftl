## Your account: /settings, /key, /wallets, /myservers, /hostset.

settings-password-in-group = Set an SSH password only in a private chat with me. I deleted your message where I could and saved nothing; choose a different password, since others may have seen this one.
settings-locale-not-admin = Only this chat's admins choose its language. Set your own with /settings locale=… in a private chat with me.
settings-title = Your settings
settings-saved = Settings saved
settings-currency = Currency
settings-image = Default image
settings-image-default = { $image } (bot default)
settings-ssh-key = SSH key
settings-none = none
settings-ssh-password = SSH password
settings-password-saved = saved (encrypted)
settings-password-none = none: a new one per order
settings-language = Language
settings-language-chosen = { $name } ({ $code })
settings-language-auto = { $name } ({ $code }), from your app; choose with locale=en, de or ru
settings-change-with = Change with { $usage }
settings-chat-language-set = This chat's language is now { $name }: my answers here and the chat's team alerts use it.
settings-chat-language-cleared = This chat has no language of its own now: each member gets their own.

## /key
key-in-group = Never post your Clore API key in a group: I deleted your message where I could and did not save the key. Anyone who saw it can spend your balance, so create a new key at clore.ai and send it to me in a private chat with /key set <key>.
key-refused = Clore refused that key (invalid or revoked); nothing was saved. Check it at clore.ai → Profile → API.
# $reason: why Clore could not be asked, a whole sentence.
key-check-failed = I could not check the key with Clore, so I did not save it: { $reason } Your message was deleted; please send it again.
key-saved = Key saved, encrypted (fingerprint { $fingerprint }). I deleted your message so the key does not stay in this chat.
# $balances: amounts joined with " · ".
key-balances = Balances: { $balances }
key-next = Try /orders, /wallets, or rent with /rent <server id>.
key-status = Your Clore API key is set (fingerprint { $fingerprint }, saved { $saved }). /key remove deletes it.
key-removed = Your Clore API key is deleted. Watches stay, but renting and order alerts need a key again.
key-none-stored = You had no key stored.

## /wallets
wallets-title = Your Clore wallets
wallets-none = Clore lists no wallets for your key.
wallets-balance-unknown = unknown
wallets-deposit = { $currency } deposit address

## /myservers, /hostset
hosts-none = You host no servers on Clore.
hosts-title = { $n ->
    [one] Your { $n } server
   *[other] Your { $n } servers
}
hosts-offline = offline
hosts-rented = online, rented
hosts-free = online, free
hosts-no-gpu = no GPU listed
hosts-change-with = Change one, all or one model's with /hostset <name>|all|gpu=<model> on|off mrl=<hours> price=<$/day or btc/day> spot=<$/day or btc/day>.
hosts-unknown-name = You have no server named `{ $name }`. Yours: { $yours }.
hosts-yours-none = none
hosts-prices-unknown = Clore did not report this server's current BTC prices; give both price= and spot= (BTC per day).
hosts-unknown-gpu = None of your servers has a GPU matching `{ $gpu }`. Yours: { $yours }.
hosts-no-rate = The market gives no bitcoin rate right now to convert a dollar price; try again in a minute, or give the price in BTC a day.
hosts-too-dear = { $typed } reads as { $btc } a day, more than { $limit } a day for each of { $name }'s { $gpus ->
    [one] { $gpus } GPU
   *[other] { $gpus } GPUs
}: did you mean { $meant }?
hosts-available-yes = yes
hosts-available-no = no (hidden)
hosts-hours = { $hours } h
hosts-visibility-hidden = hidden
hosts-on-demand = On demand
hosts-spot-minimum = Spot minimum
hosts-rented-on-demand = online, rented on demand
hosts-rented-spot = online, rented on spot
hosts-offer = { $gpus }× { $model }
hosts-field-gpu = GPU
hosts-field-status = Status
hosts-rank = #{ $rank } of { $of } free { $offer }
hosts-rank-would = would be #{ $rank } of { $of } free { $offer }
hosts-figures = Free ones: cheapest { $cheapest } · p25 { $p25 } · median { $median } a day
hosts-cheaper-than = Cheaper than { $pct } % of free { $offer }
hosts-no-standing = Where it stands is unknown: the market is out of reach or its GPU is not listed.
hosts-suggest-quarter = Suggestion (cheapest quarter): ≤ { $price } to be among the cheapest quarter.
hosts-suggest-headroom = Suggestion (headroom): up to { $price } keeps it in the cheapest quarter.
hosts-suggest-hold = Suggestion (hold): it is in the cheapest quarter; keep the price.
hosts-suggest-few = Suggestion (few peers): under four free peers, the cheapest asks { $price }.
hosts-suggest-few-cheapest = Suggestion (few peers): under four free peers and it is the cheapest; keep the price.
hosts-suggest-alone = Suggestion (few peers): no other free server of its kind; keep the price.
hosts-suggest-rented = Suggestion (rented): the price is not competing now; keep it.
hosts-suggest-offline = Suggestion (offline): not for rent now; bring it online or make it public to compete.
hosts-summary = { $n ->
    [one] { $n } server
   *[other] { $n } servers
}: { $rented } rented ({ $on_demand } on demand, { $spot } spot), { $free } free ({ $quarter } in their cheapest quarter), { $offline } offline or hidden.
hosts-open-one = Press a number to open that server's screen.
hosts-rented-share = Rented { $day } of the last 24 h, { $week } of the last 7 d (of the time I saw).
hosts-rented-unseen = Rented in the last 7 d: not seen yet (I record it from the first look on).
hosts-set-button = Set { $price }

## What is wrong with input to Clore, after the name of the field ("image: must name a Docker image").
validate-empty = must not be empty
validate-too-long = is { $n } characters; at most { $max } allowed
validate-token-char = contains '{ $char }'; allowed are letters, digits, spaces and - = . @ + /
validate-token-char-other = contains a non-ASCII or control character; allowed are letters, digits, spaces and - = . @ + /
validate-image-empty = must name a Docker image
validate-image-bad = is not a Docker image reference (letters, digits and . _ - / : @ only, e.g. pytorch/pytorch:latest)
validate-image-component = has `{ $part }`, which is not a valid name part: lowercase letters and digits, joined by one dot, one or two underscores, or dashes (e.g. pytorch/pytorch:latest)
validate-image-empty-part = has an empty name part (a name must not start or end with / or have two in a row)
validate-image-registry = has `{ $part }` where a registry goes, which is not a host name with an optional :port (e.g. ghcr.io or localhost:5000)
validate-image-tag = has the tag `{ $part }`; a tag is 1 to 128 letters, digits and _ . -, and starts with a letter, digit or _
validate-image-digest = has the digest `{ $part }`; a digest is algorithm:hex with at least 32 hex digits (e.g. sha256:…)
validate-ssh-one-line = must be one line
validate-ssh-not-a-key = must be a public key line such as "ssh-ed25519 AAAA… you@host"
validate-ssh-type = must start with a key type such as ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp256
validate-ssh-not-base64 = has a key body that is not base64; paste the whole line of your .pub file
validate-ssh-mismatch = has a key body that does not match its type; paste the whole line of your .pub file
validate-ssh-dsa = is a DSA (ssh-dss) key, which OpenSSH refuses by default since 7.0 and no longer supports since 9.8; make a new one with ssh-keygen -t ed25519
validate-ssh-ed25519 = has an { $kind } key body that does not hold exactly one 32-byte key; paste the whole line of your .pub file
validate-ssh-ecdsa = has a { $kind } key body whose curve name or point does not match that type (an uncompressed point of { $bytes } bytes); paste the whole line of your .pub file
validate-ssh-rsa = has an ssh-rsa key body that is not an RSA key (an odd exponent above 1 and a positive modulus); paste the whole line of your .pub file
validate-ssh-rsa-short = is a { $bits }-bit RSA key; at least { $min } bits are required (ssh-keygen -t ed25519 makes a short, strong key)
validate-ssh-sk = has a { $kind } key body that is not a whole security-key (FIDO) key; paste the whole line of your .pub file
validate-ssh-trailing = has bytes after the key in its body; paste the whole line of your .pub file
validate-price-not-finite = must be a finite number
validate-price-not-positive = must be greater than zero
validate-ports-too-many = { $n } given; at most { $max } allowed
validate-ports-http = at most one port may be http
validate-port-zero = port 0 is not a valid port
validate-port-twice = port { $port } is listed twice
validate-env-name-bad = '{ $name }' is not a valid variable name
validate-env-name-long = the name of { $name } is longer than { $max } characters
validate-env-value-long = the value of { $name } is longer than { $max } characters
validate-env-total = is { $n } characters when stringified; at most { $max } allowed
validate-server-name = must name one of your servers
validate-mrl-zero = must be at least 1 hour
validate-mrl-long = must be at most { $max } hours (ten years)
validate-issue-empty = must not be empty when given
settings-quiet = Quiet hours
settings-quiet-off = off; set with quiet=23:00-08:00 tz=Europe/Berlin
settings-quiet-not-admin = Only this chat's admins set its quiet hours. Set your own with /settings quiet=… in a private chat with me.
settings-idle = Idle alert
settings-idle-hours = hosts: after { $hours } h free
settings-undercut = Undercut
settings-undercut-n = hosts: alert when { $n } more cheaper servers appear
settings-host-alert-off = off
settings-chat-quiet-set = This chat's quiet hours are now { $hours }: team alerts that can wait are held then and come as one digest when they end.
settings-chat-quiet-off = This chat has no quiet hours now (time zone { $tz }).
settings-chat-quiet = This chat's quiet hours
