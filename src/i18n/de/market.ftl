## Markt: /gpus, /server, /market, /history, /spend, ihre Diagramme und Vorschläge beim Tippen.

# Gemeinsam für /gpus und /server.
market-free = frei
market-rented = vermietet
market-stale = (Marktdaten von vor { $age }: Clore antwortet gerade nicht.)

# /gpus: { $count } ist servers-count („3 Server“), { $query } die beschriebene Suche.
gpus-none = Keine Server passen zu: { $query }.
gpus-none-hint = Lockere die Filter, füge `all` hinzu, um auch vermietete Server zu sehen, oder beobachte die Suche mit /watch, dann sage ich dir Bescheid, sobald einer auftaucht.
gpus-kind-spot = Spot-Mindestpreis
gpus-kind-on-demand = On-Demand
gpus-title = { $count } — { $query } — { $kind }, { $currency } pro Tag
gpus-title-paged = { $title } — Seite { $page }/{ $pages }
gpus-no-price = kein Preis in { $currency }
gpus-ram = { $gb } GB RAM
gpus-rent-button = #{ $id } mieten
gpus-details-button = Details #{ $id }
gpus-prev = ◂ Zurück
gpus-next = Weiter ▸
# The menus under a /gpus listing (Discord): { $count } is servers-count.
menu-sort = Sortieren…
menu-sort-price = Günstigste zuerst
menu-sort-gpus = Meiste GPUs zuerst
menu-sort-reliability = Zuverlässigste zuerst
menu-country = Land…
menu-country-any = Jedes Land
menu-country-option = { $cc } — { $count }

# /server <id>
server-not-found = Auf dem Markt gibt es keinen Server #{ $id } (vielleicht ist er ausgeblendet oder nicht mehr da).
server-title = Server #{ $id } — { $count }× { $model }
server-gpu = GPU
server-gpu-memory = GPU-Speicher
server-gpu-memory-each = je { $gb } GB
server-cpu = CPU
server-cpu-threads = { $cpu } ({ $n ->
        [one] { $n } Thread
       *[other] { $n } Threads
    })
server-ram = RAM
server-gb = { $gb } GB
server-disk = Festplatte
server-network = Netzwerk
server-network-speed = ↓ { $down } / ↑ { $up } Mbit/s
server-country = Land
server-reliability = Zuverlässigkeit
server-rating = Bewertung
server-rating-value = { $rating }/5
server-rating-count = { $rating }/5 ({ $n ->
        [one] { $n } Bewertung
       *[other] { $n } Bewertungen
    })
server-cuda = CUDA
server-max-rental = Max. Mietdauer
server-hours = { $h } Std.
server-status = Status
server-on-demand = On-Demand ({ $currency })
server-spot-from = Spot ab ({ $currency })
server-spot-bids = { $n ->
    [one] { $n } aktives Gebot
   *[other] { $n } aktive Gebote
}
server-spot-highest = höchstes { $amount }
server-spot-minimum = Minimum { $price }
server-spot-market = Spot-Markt: { $details }.
server-spot-unavailable = Spot-Markt nicht verfügbar: { $reason }

# /history: { $period } ist day, week oder month (24h, 7d, 30d).
history-none = Kein Preisverlauf für { $asked } in den letzten { $period ->
        [day] 24 Stunden
        [week] 7 Tagen
       *[month] 30 Tagen
    }. Ich zeichne den Markt seit { $since } bei jeder Abfrage auf; /gpus { $asked } zeigt, was gerade angeboten wird.
history-none-yet = Noch kein Preisverlauf: Ich zeichne ihn ab der nächsten Marktabfrage auf (alle 30 s).
history-unit-usd = USD pro Tag
history-unit-converted = { $currency } pro Tag (zum heutigen Kurs)
history-models-more = { $models } und { $n } weitere
history-title = { $models } — letzte { $period ->
        [day] 24 Stunden
        [week] 7 Tage
       *[month] 30 Tage
    }
history-cheapest = günstigster freier
history-median = Median der freien
history-free-servers = freie Server
history-no-free = In diesem Zeitraum wurde kein freier Server angeboten.
history-now = Günstigster freier Server jetzt: { $price } ({ $free } frei, { $time }), { $change } % seit { $since } ({ $start }).
history-none-free-now = Gerade ist kein Server frei ({ $time }).
history-low = Tiefstwert { $price } am { $when }.
history-band = 10–90 % der freien Preise
history-band-now = Die meisten freien Server zuletzt: { $low } bis { $high } (10–90 % der freien Preise).

# /spend
spend-none = Keine Bestellungen in den letzten { $period ->
        [day] 24 Stunden
        [week] 7 Tagen
       *[month] 30 Tagen
    }. /spend zählt die Bestellungen, die ich für dich verfolge: hier gemietet oder auf deinem Konto gesehen, sobald dein Schlüssel gesetzt ist.
spend-title = Deine Ausgaben — letzte { $period ->
        [day] 24 Stunden
        [week] 7 Tage
       *[month] 30 Tage
    }
spend-order = Bestellung { $order } auf #{ $server }
spend-more = … und { $n ->
        [one] { $n } weitere Bestellung
       *[other] { $n } weitere Bestellungen
    }.
spend-total = Gesamt: { $total } (Laufzeit plus Erstellungsgebühren).

# /earnings: a host's servers, estimated from what the account poll saw.
earnings-none = Für deine Server ist in den letzten { $period ->
        [day] 24 Stunden
        [week] 7 Tagen
       *[month] 30 Tagen
    } nichts erfasst. Sobald dein Schlüssel gesetzt ist und du Server auf Clore anbietest, erfasse ich etwa jede Minute, was jeder tut.
earnings-title = Einnahmen deiner Server — letzte { $period ->
        [day] 24 Stunden
        [week] 7 Tage
       *[month] 30 Tage
    } (Schätzung)
# $earned: an amount; $rented, $on_demand, $spot: shares of the time.
earnings-server = { $earned } · vermietet { $rented } (On-Demand { $on_demand }, Spot { $spot })
earnings-total = Summe: { $total }.
# $seen: the share of the time the account poll saw the servers.
earnings-estimate = Eine Schätzung, da Clore keine Einnahmen meldet: Preis × vermietete Zeit, wie ich deine Server gesehen habe (gesehen { $seen } der Zeit); vor Clores Gebühr; Spot-Mieten zum Mindestpreis gezählt.

# Discords Vorschläge beim Tippen eines Befehls.
suggest-model = { $model } — { $n } frei
suggest-country = { $query } — { $n } frei
suggest-template = { $name } — { $image }
suggest-template-team = { $name } (Team-Vorlage)
suggest-order = Bestellung { $order } auf Server #{ $server }
suggest-all-orders = alle { $n } laufenden Bestellungen

# /market: { $models } ist market-models, { $unit } die Preiseinheit (history-unit-usd oder
# history-unit-converted). Die col-Meldungen sind Spaltenköpfe der Tabelle; kurz halten.
market-none = Kein GPU-Modell auf dem Markt passt zu { $query }.
market-models = { $n ->
    [one] { $n } GPU-Modell
   *[other] { $n } GPU-Modelle
}
market-title = Markt — { $models }, { $unit }
market-title-query = Markt: { $query } — { $models }, { $unit }
market-col-model = Modell
market-col-free = Frei
market-col-cheapest = Günstigster
market-col-median = Median
market-col-change = 24 h
market-col-low = 7-T-Tief
market-change = { $change } %
market-chart-free = { $n } frei
market-week-low = 7-Tage-Tief
market-history-none = Noch kein Preisverlauf, also keine 24-h-Änderung und kein 7-Tage-Tief: Ich zeichne den Markt ab der nächsten Abfrage auf (alle 30 s).
market-history-day = Preisverlauf erst seit { $since }: Die 24-h-Änderung erscheint nach einem Tag davon, das 7-Tage-Tief umfasst das Aufgezeichnete.
market-history-week = Preisverlauf seit { $since }: Das 7-Tage-Tief umfasst nur diese Zeit.
market-history-full = 24 h: der günstigste Preis jetzt gegenüber vor einem Tag. 7-T-Tief: der niedrigste günstigste Preis der Woche.
inline-offer-title = { $gpus } · { $day }/Tag
inline-offer-description = { $hour }/h · { $country } · Zuverlässigkeit { $reliability } · #{ $server }
inline-offer-text =
    { $gpus } — Server #{ $server }
    { $day }/Tag ({ $hour }/h) · { $country } · Zuverlässigkeit { $reliability }
inline-offer-rent-button = In clorebot mieten
inline-bad-query-title = Diese Suche verstehe ich nicht
inline-none-title = Kein freier Server passt
inline-no-market-title = Der Markt ist nicht erreichbar
inline-no-market = Der Clore-Markt ließ sich gerade nicht lesen; versuche es in einer Minute noch einmal.
