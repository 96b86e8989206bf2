## Für alle Befehle: Fehler, Geldbeträge, Dauern.

servers-count = { $n ->
    [one] { $n } Server
   *[other] { $n } Server
}

not-a-command = Befehle beginnen mit /. Sende /help für die Liste.
parser-panicked = Beim Lesen dieses Befehls ist etwas schiefgelaufen (Ref. { $reference }).
internal-error = Bei uns ist etwas schiefgelaufen (Ref. { $reference }). Bitte versuche es noch einmal; wenn es wieder passiert, nenne dem Betreiber des Bots diese Referenz.
no-key = Dafür brauche ich deinen Clore-API-Schlüssel. Du bekommst ihn auf clore.ai → Profile → API; schick mir dann /key set <Schlüssel> in einem privaten Chat (er wird verschlüsselt gespeichert).
key-unreadable = Dein gespeicherter Clore-API-Schlüssel lässt sich nicht mehr lesen (der Verschlüsselungsschlüssel des Bots hat sich geändert). Bitte setze ihn mit /key set <Schlüssel> in einem privaten Chat neu.
admin-check-failed = Ich konnte bei { $platform } nicht prüfen, ob du diesen Chat verwaltest, deshalb wurde nichts geändert. Bitte versuche es noch einmal.
no-private-chat = Ich kann dir hier keine private Nachricht schicken. Starte einen privaten Chat mit mir und versuche es dann noch einmal.
# Mit „bei“ davor: „bei { $platform }“.
platform-telegram = Telegram
platform-discord = Discord
platform-console = der Konsole

clore-invalid-key = Clore hat deinen API-Schlüssel abgelehnt (ungültig oder widerrufen). Setze einen neuen mit /key set <Schlüssel> in einem privaten Chat.
clore-rate-limited = Clore drosselt gerade die Anfragen. Bitte versuche es in ein paar Sekunden noch einmal.
clore-not-answering = Clore antwortet gerade nicht richtig (die Anfrage an { $endpoint } ist auch nach mehreren Versuchen fehlgeschlagen). Bitte versuche es gleich noch einmal.
clore-invalid-input = Clore hat die Eingabe für { $endpoint } abgelehnt.
clore-invalid-input-detail = Clore hat die Eingabe für { $endpoint } abgelehnt: { $detail }
clore-max-step = Der Spot-Preis lässt sich nicht so weit auf einmal senken; der niedrigste erlaubte Wert ist gerade { $max_step }.
clore-lower-every = Ein Spot-Preis lässt sich alle 10 Minuten einmal senken; die nächste Änderung ist in { $wait } möglich.
clore-no-balance = Das Guthaben in der Wallet reicht für diese Bestellung nicht.
clore-already-rented = Dieser Server ist bereits vermietet.
clore-offline = Dieser Server ist offline.
clore-too-low = Der gebotene Preis ist für diesen Server zu niedrig.
clore-currency-refused = Der Besitzer des Servers nimmt diese Währung nicht an.
clore-refused = Clore hat die Anfrage an { $endpoint } abgelehnt: { $error }
clore-invalid = { $field }: { $problem }
clore-uncertain = Es ist unklar, ob die Bestellung auf Server #{ $server } angelegt wurde ({ $cause }); prüfe /orders, bevor du erneut mietest.

money-usd = { $amount } $
money-clore = { $amount } CLORE
money-btc = { $amount } BTC
per-day = { $day }/Tag ({ $hour }/h)
per-day-short = { $day }/Tag
percent = { $n } %
no-value = —
unknown-value = ?

duration-days-hours = { $d } Tg. { $h } Std.
duration-hours-minutes = { $h } Std. { $m } Min.
duration-minutes = { $m } Min.
duration-seconds = { $s } s
span-hours = { $n ->
    [one] { $n } Stunde
   *[other] { $n } Stunden
}
span-minutes = { $n ->
    [one] { $n } Minute
   *[other] { $n } Minuten
}
