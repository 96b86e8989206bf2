## Watches: /watch, /watches, /unwatch, /snooze, ihre Benachrichtigungen und Autorent-Ergebnisse.

watch-here-private = `here` legt einen Team-Watch an, der eine Gruppe oder einen Kanal benachrichtigt; lass es in diesem privaten Chat weg.
watch-here-admins = Nur Admins dieses Chats können Team-Watches anlegen (`here`).
watch-here-autorent = Autorent nutzt deinen eigenen Schlüssel und kann deshalb kein Team-Watch sein; lass `here` weg.
watch-too-many = { $n ->
    [one] Du hast { $n } Watch (persönliche und Team-Watches zusammen), mehr ist nicht erlaubt. Lösche zuerst einen mit /unwatch.
   *[other] Du hast { $n } Watches (persönliche und Team-Watches zusammen), mehr sind nicht erlaubt. Lösche zuerst welche mit /unwatch.
}
watch-team-too-many = { $n ->
    [one] Dieser Chat hat { $n } Team-Watch, mehr ist nicht erlaubt. Ein Admin kann ihn zuerst mit /unwatch löschen.
   *[other] Dieser Chat hat { $n } Team-Watches, mehr sind nicht erlaubt. Ein Admin kann zuerst welche mit /unwatch löschen.
}
watch-autorent-needs-login = Autorent braucht einen gespeicherten SSH-Schlüssel oder ein gespeichertes Passwort, damit du dich auf den Servern anmelden kannst, die es ohne dich mietet: /settings sshkey="ssh-ed25519 …" oder, in einem privaten Chat, /settings password=….

watch-autorent-confirm = Autorent-Watch anlegen?
watch-field-watching = Beobachtet
watch-field-rents = Mietet
watch-rents-cheapest = den günstigsten freien Treffer, mit deinem Schlüssel
watch-field-max-price = Höchstpreis
watch-field-max-orders = Max. Bestellungen gleichzeitig
watch-field-daily-cap = Ausgabenlimit pro Tag
watch-daily-cap = { $cap } in beliebigen 24 Std., Erstellungsgebühren inklusive
watch-field-after = Nach dem Mieten
watch-after-keep = beobachtet innerhalb dieser Grenzen weiter
watch-after-stop = hört auf
watch-autorent-warning = Das Geld wird ohne weitere Rückfrage ausgegeben. Ein Treffer, der bei der nächsten Marktprüfung frei ist, wird sofort gemietet.
watch-confirm = Bestätigen
watch-abort = Abbrechen
watch-abort-what = das Anlegen des Autorent-Watches

watch-created-personal = Watch #{ $id }: { $query } — benachrichtigt dich privat{ $extras }.
watch-created-team = Watch #{ $id }: { $query } — benachrichtigt diesen Chat{ $extras }.
watch-once = einmalig
watch-cooldown = Ruhezeit { $duration }
watch-autorent-on = { $n ->
    [one] Autorent ist an: bis zu { $n } Bestellung gleichzeitig, höchstens { $cap } in beliebigen 24 Stunden.
   *[other] Autorent ist an: bis zu { $n } Bestellungen gleichzeitig, höchstens { $cap } in beliebigen 24 Stunden.
}
watch-no-market = Ich melde mich, sobald ein passender Server frei wird.
watch-nothing-now = Gerade passt nichts; ich melde mich, sobald etwas passt.
watch-matching-now = { $n ->
    [one] Gerade passt { $n } Server (der günstigste: #{ $id } für { $price }); ich melde mich, wenn ein neuer dazukommt.
   *[other] Gerade passen { $n } Server (der günstigste: #{ $id } für { $price }); ich melde mich, wenn ein neuer dazukommt.
}
watch-hint = /snooze { $id } 2h schaltet ihn stumm; /unwatch { $id } löscht ihn.

watch-list-personal = Deine Watches
watch-list-team = Team-Watches dieses Chats
watch-list-none-personal = Du hast keine Watches. Probier mal /watch 4090 max=4.
watch-list-none-team = Dieser Chat hat keine Team-Watches. Ein Admin kann mit /watch <Suche> here einen anlegen.
watch-state-broken = defekt, aus: ich verstehe ihn nicht mehr ({ $reason }) — lege ihn mit /watch neu an
watch-state-done = erledigt (einmal ausgelöst)
watch-state-off = aus
watch-state-snoozed = noch { $duration } stummgeschaltet
watch-state-autorent = Autorent
watch-state-last-alert = letzte Benachrichtigung vor { $ago }

watch-not-found = Du hast hier keinen Watch #{ $id }. /watches zeigt die, die du ändern kannst.
watch-deleted = Watch #{ $id } ({ $query }) ist gelöscht.
watch-snoozed = Watch #{ $id } ist für { $duration } stummgeschaltet (bis { $until }).
watch-awake = Watch #{ $id } ist wieder aktiv.

watch-broken-alert = Watch #{ $id } ({ $query }) ist defekt und jetzt aus, weil ich ihn nicht mehr verstehe: { $reason }.
    Er wird nicht mehr benachrichtigen. Um weiter zu beobachten, lege ihn mit /watch und einer Suche neu an, die heute funktioniert (siehe /help watch), und entferne dann diesen mit /unwatch { $id }.
watch-alert-title = { $n ->
    [one] Watch #{ $id } ({ $query }): { $n } neuer Treffer
   *[other] Watch #{ $id } ({ $query }): { $n } neue Treffer
}
watch-alert-more = …und { $n } weitere: /gpus { $query }
watch-alert-once = Das war ein einmaliger Watch; er ist jetzt aus.
watch-rent-button = #{ $id } mieten

watch-autorent-head = Autorent-Watch #{ $id } ({ $query })
watch-autorent-unreadable = { $head }: seine Regeln ließen sich nicht lesen; es wurde nichts gemietet.
watch-autorent-nothing-new = { $head }: nichts Neues zu mieten.
watch-autorent-refused = { $head }: #{ $server } für { $price } wäre ein Treffer, aber { $why }
watch-autorent-too-many = { $n ->
    [one] von diesem Watch läuft schon { $n } Bestellung oder wird noch mit Clore geprüft (max. { $max }); es wurde nichts gemietet.
   *[other] von diesem Watch laufen schon { $n } Bestellungen oder werden noch mit Clore geprüft (max. { $max }); es wurde nichts gemietet.
}
watch-autorent-earlier-open = sein vorheriger Mietversuch wird noch mit Clore abgeglichen, und dieser Watch hört nach einer Miete auf; es wurde nichts gemietet.
watch-autorent-over-cap = damit könnten die Bestellungen dieses Watches an einem Tag { $peak } kosten (inkl. Erstellungsgebühren, wenn die laufenden Bestellungen weiterlaufen), mehr als sein Tageslimit von { $cap }; es wurde nichts gemietet.
watch-autorent-owner-gone = { $head }: sein Besitzer existiert nicht mehr; es wurde nichts gemietet.
watch-autorent-rented = { $head } hat #{ $server } gemietet — { $gpu } für { $price }.
watch-autorent-order = Bestellung { $order }.
watch-autorent-not-listed = Clore führt die Bestellung noch nicht auf; ich schicke dir die Details, sobald es so weit ist.
watch-autorent-failed-why = { $head }: Das Mieten von #{ $server } hat nicht geklappt. { $why }
watch-autorent-failed = { $head }: Das Mieten von #{ $server } hat nicht geklappt.
watch-autorent-note = { $head }: { $text }
watch-autorent-settled = { $head } hat #{ $server } gemietet: Bestellung { $order } (Details kommen separat).
watch-autorent-stopped = Der Watch ist jetzt aus, wie eingestellt (füge keep hinzu, damit er weiter mietet).
watch-autorent-template = Mit Vorlage { $name } erstellt.
watch-digest-hourly = stündliche Zusammenfassung
watch-digest-daily = tägliche Zusammenfassung

# A team watch shared by its deep link (/start watch_<id>).
watch-shared-title = Team-Watch #{ $id } in { $chat }
watch-shared-field-when = Wann
watch-shared-field-rules = Meldungen
watch-shared-explain = „Selbst beobachten“ macht dir eine eigene Kopie: dieselbe Suche und dieselben Schwellen, mit Meldungen hier im privaten Chat. Die Kopie gehört dir allein – du kannst sie pausieren oder löschen.
watch-shared-button = Selbst beobachten
watch-shared-not-found = Leider gibt es keinen Team-Watch #{ $id } in einem Chat, in dem du bist. Der Link eines Team-Watches öffnet sich nur für die Mitglieder seines Chats.
watch-shared-broken = Dieser Watch lässt sich nicht kopieren: Seine Suche ist nicht mehr lesbar ({ $reason }).
watch-shared-check-failed = Ich konnte { $platform } nicht fragen, ob du im Chat dieses Watches bist. Bitte öffne den Link in einer Minute noch einmal.
watch-rent-private-button = #{ $id } privat mieten
