# /hostset: die Bestätigung mit den alten und neuen Werten jedes Servers, der Fortschritt,
# während die Server nacheinander gesendet werden, und das Ergebnis jedes Servers.

hostset-title = { $n ->
    [one] { $n } Server ändern?
   *[other] { $n } Server ändern?
}
hostset-server = { $name } ({ $gpu }):
hostset-price = · Preis: { $values }
hostset-spot = · Spot-Minimum: { $values }
hostset-mrl = · Höchstmietdauer: { $values }
hostset-available = · verfügbar: { $values }
hostset-from-to = { $old } → { $new }
hostset-same = { $value } (unverändert)
hostset-btc-usd = { $btc } ({ $usd })
hostset-unknown = unbekannt
hostset-rate = Dollar umgerechnet zu { $rate } je Bitcoin, dem aktuellen Marktkurs.
hostset-mixed = Diese Server unterscheiden sich in GPU-Modell oder -Anzahl: ein Preis für alle passt vielleicht nicht zu jedem.
hostset-confirm-within = { $n ->
    [one] Nichts wird gesendet, bis du bestätigst (innerhalb von { $within }).
   *[other] Nichts wird gesendet, bis du bestätigst (innerhalb von { $within }). Die Server gehen nacheinander, in Clores Takt für deinen Schlüssel: insgesamt etwa { $takes }.
}
hostset-abort-what = { $n ->
    [one] Ändern von { $n } Server
   *[other] Ändern von { $n } Servern
}
hostset-progress = { $done } von { $n } gesendet…
hostset-progress-sent = ✓ { $name }: gesendet
hostset-progress-sending = ⏳ { $name }: wird gesendet…
hostset-progress-waiting = · { $name }: wartet
hostset-all-changed = { $n ->
    [one] Geändert:
   *[other] Alle { $n } geändert:
}
hostset-some-changed = { $changed } von { $n } geändert:
hostset-changed = ✓ { $name }: jetzt { $price } (bestätigt)
hostset-not-verified = ? { $name }: gesendet ({ $price }), aber Clore zeigt es noch nicht
hostset-failed = ✗ { $name }: { $why }
hostset-gone = { $name } gehört nicht mehr zu deinen Servern
hostset-interrupted = Diese Änderung wurde gerade gesendet, als der Bot neu startete. Nichts wird erneut gesendet; was Clore jetzt zeigt:
hostset-interrupted-has = ✓ { $name } hat die neuen Werte
hostset-interrupted-not = ✗ { $name } hat sie nicht (sende /hostset erneut, wenn du sie noch willst)
