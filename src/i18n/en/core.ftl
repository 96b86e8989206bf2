## Shared by every command: failures, money, durations.

servers-count = { $n ->
    [one] { $n } server
   *[other] { $n } servers
}

not-a-command = Commands start with /. Send /help for the list.
parser-panicked = Something went wrong reading that command (ref { $reference }).
internal-error = Something went wrong on our side (ref { $reference }). Please try again; if it keeps happening, tell the bot's operator this reference.
no-key = This needs your Clore API key. Get one at clore.ai → Profile → API, then send /key set <key> to me in a private chat (it is stored encrypted).
key-unreadable = Your saved Clore API key can no longer be read (the bot's encryption key changed). Please set it again with /key set <key> in a private chat.
admin-check-failed = I could not check with { $platform } whether you administer this chat, so nothing was changed. Please try again.
no-private-chat = I have no way to message you privately here. Start a private chat with me, then try again.
# After "with": "with { $platform }".
platform-telegram = Telegram
platform-discord = Discord
platform-console = the console

clore-invalid-key = Clore refused your API key (invalid or revoked). Set a new one with /key set <key> in a private chat.
clore-rate-limited = Clore is rate-limiting requests right now. Please try again in a few seconds.
clore-not-answering = Clore is not answering properly right now ({ $endpoint } failed after retries). Please try again shortly.
clore-invalid-input = Clore rejected the input to { $endpoint }.
clore-invalid-input-detail = Clore rejected the input to { $endpoint }: { $detail }
clore-max-step = The spot price can't be lowered that far at once; the lowest allowed now is { $max_step }.
clore-lower-every = A spot price can be lowered once every 10 minutes; the next change is possible in { $wait }.
clore-no-balance = There is not enough balance in the wallet for this order.
clore-already-rented = That server is already rented.
clore-offline = That server is offline.
clore-too-low = The price offered is too low for that server.
clore-currency-refused = The server's owner does not accept that currency.
clore-refused = Clore refused the request on { $endpoint }: { $error }
clore-invalid = { $field }: { $problem }
clore-uncertain = It is unclear whether the order on server #{ $server } was created ({ $cause }); check /orders before renting again.

# Money: { $amount } is already written the language's way (31.250,5 in German).
money-usd = ${ $amount }
money-clore = { $amount } CLORE
money-btc = { $amount } BTC
per-day = { $day }/day ({ $hour }/h)
per-day-short = { $day }/day
percent = { $n }%
no-value = —
unknown-value = ?

duration-days-hours = { $d }d { $h }h
duration-hours-minutes = { $h }h { $m }m
duration-minutes = { $m }m
duration-seconds = { $s }s
span-hours = { $n ->
    [one] { $n } hour
   *[other] { $n } hours
}
span-minutes = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}
