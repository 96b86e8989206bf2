## Benachrichtigungen, die der Bot von sich aus schickt: Bestellungen, Guthaben, eigene Server.

alerts-order-ready = Bestellung { $order } auf #{ $server } ist bereit:
alerts-order-ending = Bestellung { $order } auf #{ $server } endet in { $left } (dann ist ihre maximale Mietdauer erreicht). Miete mit /rent #{ $server } erneut, wenn du den Server noch brauchst.
alerts-order-ended-spot = Bestellung { $order } auf #{ $server } ist beendet: Sie wurde überboten, storniert oder hat ihr Ende erreicht.
alerts-order-ended-max = Bestellung { $order } auf #{ $server } ist beendet: Sie hat ihre maximale Mietdauer erreicht.
alerts-order-ended-stopped = Bestellung { $order } auf #{ $server } ist beendet: Sie wurde storniert oder gestoppt.
alerts-low-balance = Wenig { $currency }-Guthaben: { $balance } reicht bei den Kosten deiner Bestellungen ({ $spend }) nur noch etwa { $covers }. Lade Guthaben auf (siehe /wallets), damit sie weiterlaufen.

alerts-host-online = Dein Server { $name } ist wieder online.
alerts-host-offline = Dein Server { $name } ist offline gegangen.
alerts-host-rented = Dein Server { $name } wurde vermietet.
alerts-host-free = Dein Server { $name } ist wieder frei (seine Miete ist beendet).
# $hours: how long (a duration); $price: a day, in the host's currency.
alerts-host-idle = Dein Server { $name } ist seit { $hours } frei, zu { $price } pro Tag. Wo er unter den freien Servern seines Modells steht, zeigt /myservers.
alerts-host-idle-unpriced = Dein Server { $name } ist seit { $hours } frei. Deine Server zeigt /myservers.
alerts-undercut-now = jetzt Platz { $rank } von { $of } zu { $price }
alerts-undercut-left = { $name } ist aus dem günstigsten Viertel der freien { $offer } gefallen: { $now }; das Viertel endet bei { $p25 }.
alerts-undercut-more = { $n } weitere freie { $offer } sind günstiger als { $name }: { $now }.
alerts-undercut-open = Wo er steht
guard-raised = #{ $order }: ein Gebot von { $waiting } wartet → deines ist jetzt { $bid } (Obergrenze { $cap }).
guard-lowered = #{ $order }: das beste andere Angebot ist { $best } → deines ist auf { $bid } gesenkt.
guard-at-cap = #{ $order }: ein anderes Angebot ({ $waiting }) ist nahe an deiner Obergrenze { $cap }. Hebe sie an, sonst wird die Bestellung vielleicht überboten.
guard-cap-button = Obergrenze { $max } (+{ $pct } %)
guard-changes = #{ $order }: dein Gebot hat sich in { $within } { $n ->
    [one] einmal
   *[other] { $n }-mal
} geändert: { $bids }. Jetzt { $bid } (Obergrenze { $cap }).
guard-outbid = #{ $order } auf Server { $server } wurde überboten: ein Gebot von { $winning } hat gewonnen.
guard-rent-again-button = Neu als Spot mieten zu { $bid } (#{ $server })
guard-rebid-none = Nichts innerhalb deiner Obergrenze { $cap } neu zu mieten: weder sein Server noch eine freie { $gpu }.
guard-rebid-refused = Das erneute Mieten auf Server { $server } zu { $bid } hat nicht geklappt. { $why }
guard-rebid-made = Neu gemietet innerhalb deiner Obergrenze { $cap }: Bestellung { $order } auf Server { $server } zu { $bid }, geschützt wie zuvor.
guard-rebid-accepted = Neu gemietet innerhalb deiner Obergrenze { $cap } auf Server { $server } zu { $bid }, geschützt wie zuvor; die Details sage ich dir, sobald Clore die Bestellung listet.

# Zusammenfassungen: zurückgehaltene Alarme, zusammen geschickt (alerts/digest.rs).
digest-title = { $n ->
    [one] Zusammenfassung: { $n } Alarm
   *[other] Zusammenfassung: { $n } Alarme
}
digest-watch = { $n ->
    [one] Watch #{ $id } ({ $query }): { $n } Treffer
   *[other] Watch #{ $id } ({ $query }): { $n } Treffer
}
digest-more-free = …und { $n } weitere noch frei
digest-gone = { $n } nicht mehr frei (weggelassen)
digest-others-more = …und { $n } weitere Alarme
