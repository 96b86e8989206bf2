## /rent, /orders, /cancel, /spotprice, Button-Klicks und Mietversuche, die erst später geklärt werden.
## IDs, Befehle und Optionen (#123, /rent, spot=, currency=…) bleiben, wie sie sind.

## /rent: die Bestätigung.
rent-no-match = Kein freier Server mit einem Preis in { $currency } passt zu: { $query }. /gpus zeigt, was es gibt; /watch sagt dir Bescheid, sobald einer auftaucht.
rent-no-server = Auf dem Markt gibt es keinen Server #{ $server } (vielleicht ist er ausgeblendet oder nicht mehr da).
rent-server-rented = Server #{ $server } ist gerade vermietet. /gpus zeigt freie Server.
rent-no-spot = Server #{ $server } nimmt keine Spot-Gebote in { $currency } an.
rent-spot-below-min = Der Spot-Mindestpreis für #{ $server } ist { $min }; biete mindestens so viel.
rent-spot-too-high = Ein Spot-Gebot von { $bid } ist mehr als das { $times }-Fache des On-Demand-Preises von #{ $server } ({ $on_demand }); es wurde nichts angelegt. Miete ihn lieber On-Demand (lass spot= weg) oder biete weniger.
rent-spot-above-on-demand = Dein Gebot von { $bid } liegt über dem On-Demand-Preis von { $on_demand }: On-Demand zu mieten wäre günstiger und könnte nicht überboten werden.
rent-currency-refused = Server #{ $server } akzeptiert { $currency } nicht, nur { $accepted }.
rent-currency-note = Dieser Server akzeptiert { $mine } nicht; der Preis ist in { $currency } angegeben (mit currency=… wählst du selbst).
rent-no-price = Server #{ $server } hat in keiner der Währungen, die er akzeptiert, einen Preis.
rent-takes-nothing = nichts angegeben
rent-title = Server #{ $server } mieten?
rent-field-gpu = GPU
rent-field-price = Preis
rent-field-spot-bid = Spot-Gebot
rent-field-fee = Erstellungsgebühr
rent-field-image = Image
rent-field-ports = Ports
rent-field-max-rental = Max. Mietdauer
rent-field-location = Standort
rent-field-ssh = SSH-Zugang
rent-field-env = Umgebungsvariablen
rent-fee-about = etwa { $fee }
rent-hours = { $h } Std.
rent-login-saved-key = dein gespeicherter SSH-Schlüssel
rent-login-saved-password = dein gespeichertes Passwort
rent-login-new-password = ein neues Passwort, das nur du siehst
rent-spot-confirm-within = Eine Spot-Bestellung läuft, bis dich jemand überbietet. Bestätige innerhalb von { $within }.
rent-confirm-within = Bestätige innerhalb von { $within }; die Bestellung erfolgt zu { $price } oder gar nicht.
rent-env-deleted = Ich habe deine Nachricht aus diesem Chat gelöscht: Umgebungswerte können Geheimnisse sein.
# Was „Abbrechen“ nennt: „Abgebrochen: das Mieten von #123. Es wurde nichts getan.“
rent-abort-what = das Mieten von #{ $server }
rent-expired = Diese Bestätigung ist abgelaufen; es wurde nichts getan. Bitte führe /rent noch einmal aus.

## /rent: was aus „Bestätigen“ geworden ist.
rent-running = Bestellung { $order } läuft auf #{ $server } — { $gpu } für { $price }.
rent-running-spot = Bestellung { $order } läuft auf #{ $server } — { $gpu } für { $price } (Spot-Gebot).
rent-accepted = #{ $server } ist gemietet — { $gpu } für { $price }. Clore führt die Bestellung noch nicht auf; ich schicke dir die Details, sobald es so weit ist.
rent-endpoints-pending = Die Zugänge werden gerade eingerichtet; /orders zeigt sie, sobald sie bereit sind, und ich sage dir Bescheid.
rent-password-for-order = SSH-Passwort für Bestellung { $order }
rent-password-for-server = SSH-Passwort für Server #{ $server }
rent-password-once = Wird nur dieses eine Mal gezeigt und nicht gespeichert. Speichere es dir oder lege mit /settings ein eigenes fest.
rent-password-gone = Dieses Passwort wurde bereits einmal gezeigt und wird nicht aufbewahrt. Falls du es nicht gespeichert hast, storniere die Bestellung (/cancel) und miete neu; mit /settings kannst du einen eigenen SSH-Schlüssel oder ein Passwort speichern.
# In einem Codeblock unter einer Bestellung: ein Container-Port und wo er erreichbar ist.
rent-port-forward = Port { $port } → { $host }:{ $public }
rent-unclear = Clores Antwort war nicht eindeutig, daher kann ich noch nicht sagen, ob eine Bestellung auf #{ $server } angelegt wurde. Ich prüfe, ob es sie gibt, und sage dir privat Bescheid, sobald ich es weiß; bis dahin wird keine weitere Bestellung für #{ $server } gesendet. Bitte miete ihn in der Zwischenzeit nicht noch einmal.
rent-busy = Ein früherer Versuch, #{ $server } zu mieten, wird noch mit Clore abgeglichen, deshalb habe ich nichts Neues gesendet. Das Ergebnis bekommst du in Kürze privat.
rent-busy-since = Ein früherer Versuch, #{ $server } zu mieten (um { $time }), wird noch mit Clore abgeglichen, deshalb habe ich nichts Neues gesendet. Das Ergebnis bekommst du in Kürze privat.
rent-settled-made = Bestellung { $order } auf #{ $server } läuft; die Details habe ich dir privat geschickt.
rent-settled-not-made = Dein Mietversuch für #{ $server } hat nicht geklappt; es wurde keine Bestellung angelegt.
rent-interrupted = Das Mieten von #{ $server } wurde unterbrochen, bevor etwas an Clore ging: Es wurde keine Bestellung angelegt. Führe /rent erneut aus, wenn du ihn noch willst.
rent-interrupted-made = Bestellung { $order } auf #{ $server } läuft; /orders zeigt, wie du sie erreichst.
# Ein Satzteil nach „Autorent-Watch #3 (…): “, daher klein.
rent-no-saved-login = du hast keinen gespeicherten SSH-Schlüssel und kein Passwort zum Anmelden, deshalb wurde nichts gemietet. Leg eins davon mit /settings sshkey="…" oder password=… fest.
rent-saved-key-bad = dein gespeicherter SSH-Schlüssel { $problem }, deshalb wurde nichts gemietet; speichere ihn neu mit /settings sshkey="…" oder entferne ihn mit /settings sshkey=none.
rent-cannot-send = Diese Bestellung kann so nicht gesendet werden ({ $why }). Es wurde keine Bestellung angelegt.
rent-price-changed = Der Preis von #{ $server } hat sich seit der Anzeige geändert: { $shown } → { $now }. Es wurde keine Bestellung angelegt; /rent { $server } zeigt den neuen Preis.
rent-price-changed-unknown = Der Preis von #{ $server } hat sich seit der Anzeige geändert. Es wurde keine Bestellung angelegt; mit /rent { $server } siehst du ihn.
rent-already-yours = Du mietest #{ $server } bereits: Bestellung { $order } (/orders zeigt sie). Es wurde keine zweite Bestellung angelegt.
rent-taken = Jemand anderes hat #{ $server } gerade eben gemietet. Es wurde keine Bestellung angelegt.
rent-low-balance = Dein { $currency }-Guthaben reicht für #{ $server } nicht (die ersten Stunden plus Erstellungsgebühr). Es wurde keine Bestellung angelegt; /wallets zeigt Guthaben und Einzahlungsadressen.
rent-went-offline = Server #{ $server } ist offline gegangen. Es wurde keine Bestellung angelegt.
rent-currency-dropped = Der Besitzer von #{ $server } akzeptiert { $currency } nicht mehr. Es wurde keine Bestellung angelegt.
rent-bid-too-low = Dein Gebot von { $bid } ist für #{ $server } zu niedrig: Jemand bietet mehr, oder es liegt unter dem Minimum. Es wurde keine Bestellung angelegt.
rent-refused-other = { $why } Es wurde keine Bestellung angelegt.
## /rent <Suche> count=N
rent-many-title = { $n ->
    [one] Diesen Server mieten?
   *[other] Diese { $n } Server mieten?
}
rent-many-fewer = { $n ->
    [one] Nur 1 freier Server passt zu { $query } (du wolltest { $asked }): „Bestätigen“ mietet diesen.
   *[other] Nur { $n } freie Server passen zu { $query } (du wolltest { $asked }): „Bestätigen“ mietet diese { $n }.
}
rent-many-field-total = Zusammen
rent-many-field-bids = Gebote zusammen
rent-many-fees = { $n } × etwa { $fee }
rent-many-confirm-within = Jede Bestellung erfolgt zum gezeigten Preis oder gar nicht; sie gehen im Abstand von 5 Sekunden hinaus (Clores Takt). Bestätige innerhalb von { $within }.
rent-many-spot-confirm-within = Jeder Server bekommt dasselbe Gebot, und eine Spot-Bestellung läuft, bis dich jemand überbietet; sie gehen im Abstand von 5 Sekunden hinaus (Clores Takt). Bestätige innerhalb von { $within }.
rent-many-abort-what = { $n ->
    [one] Miete eines Servers
   *[other] Miete von { $n } Servern
}
rent-many-low-balance = Dein { $currency }-Guthaben von { $balance } reicht nicht für { $n } Server: Clore verlangt für jeden die Erstellungsgebühr plus eine Stunde seines Preises im Wallet, { $need } für alle { $n }, und dein Guthaben deckt { $covered } davon. Es wurde nichts gemietet; /wallets zeigt Guthaben und Einzahlungsadressen, oder verlange mit count= weniger.
rent-many-made = ✓ Bestellung { $order } läuft auf #{ $server } — { $gpu } für { $price }.
rent-many-failed = #{ $server }: nicht bestätigt — { $why } Sieh unter /orders nach, ob eine Bestellung angelegt wurde, bevor du es erneut versuchst.
rent-many-all-made = { $n ->
    [one] Der Server ist gemietet:
   *[other] Alle { $n } Server sind gemietet:
}
rent-many-some-made = { $made } von { $n } Servern gemietet:
rent-many-some-made-checking = { $made } von { $n } Servern gemietet, { $checking } werden bei Clore geprüft:
rent-many-progress = { $n ->
    [one] Der Server wird gemietet…
   *[other] { $n } Server werden gemietet: { $done } von { $n } erledigt.
}
rent-many-progress-sending = #{ $server } — { $gpu }: Bestellung wird gesendet…
rent-many-progress-waiting = #{ $server } — { $gpu }: wartet, bis er dran ist

## /orders
orders-none = Du hast keine Bestellungen.
orders-none-active = Du hast keine aktiven Bestellungen. /gpus findet einen Server; /rent mietet ihn.
orders-count = { $n ->
    [one] { $n } Bestellung
   *[other] { $n } Bestellungen
}
orders-count-active = { $n ->
    [one] { $n } aktive Bestellung
   *[other] { $n } aktive Bestellungen
}
# Die Teile einer Bestellzeile: „Bestellung 57 · #123 · 1× RTX 4090 · 0,45 $/Tag · 0,12 $ ausgegeben · noch 71 Std. 12 Min.“
orders-order = Bestellung { $order }
orders-price-spot = { $price } Spot
orders-spent = { $amount } ausgegeben
orders-ended = beendet
orders-left = noch { $time }
orders-starting = startet…
orders-no-active = Du hast keine aktive Bestellung { $order }. /orders listet deine auf.

## /spotprice
orders-spot-on-demand = Bestellung { $order } ist On-Demand; nur Spot-Bestellungen haben ein Gebot, das sich ändern lässt.
orders-spot-set = Bestellung { $order } bietet jetzt { $price }.
orders-spot-set-was = Bestellung { $order } bietet jetzt { $price } (vorher { $was }).
orders-spot-max-step = Clore senkt ein Gebot nur Stufe für Stufe: Der niedrigste Wert, den du jetzt setzen kannst, ist { $lowest }. Setz diesen und senke in 10 Minuten weiter.
orders-spot-lower-every = Ein Gebot lässt sich alle 10 Minuten einmal senken; dieses kannst du in { $wait } wieder senken.
orders-spot-too-low = { $price } liegt unter dem Spot-Mindestpreis des Servers; es wurde nichts geändert.
orders-spot-too-high = Ein Spot-Gebot von { $bid } ist mehr als das { $times }-Fache des On-Demand-Preises von #{ $server } ({ $on_demand }); das Gebot wurde nicht geändert. Biete weniger, oder storniere und miete ihn On-Demand.

## /cancel
cancel-title = Bestellung { $order } stornieren?
cancel-issue = Gemeldetes Problem ({ $n ->
    [one] { $n } Zeichen
   *[other] { $n } Zeichen
}): { $issue }
cancel-confirm-within = Der Server wird sofort freigegeben. Bestätige innerhalb von { $within }.
cancel-keep = Behalten
# Was „Abbrechen“ nennt: „Abgebrochen: die Stornierung von Bestellung 57. Es wurde nichts getan.“
cancel-abort-what = die Stornierung von Bestellung { $order }
cancel-done = Bestellung { $order } ist storniert.
cancel-done-reported = Bestellung { $order } ist storniert und das Problem gemeldet.
cancel-not-active = Laut Clore ist Bestellung { $order } nicht mehr aktiv; es gibt nichts zu stornieren.
cancel-many-title = { $n ->
    [one] Diese Bestellung stornieren?
   *[other] Diese { $n } Bestellungen stornieren?
}
cancel-many-together = Zusammen: { $per_day }; bisher ausgegeben { $spent }.
cancel-many-abort-what = { $n ->
    [one] Stornieren einer Bestellung
   *[other] Stornieren von { $n } Bestellungen
}
cancel-many-not-running = { $n ->
    [one] Bestellung { $orders } gehört nicht zu deinen laufenden Bestellungen; nichts wurde storniert. /orders listet sie.
   *[other] Die Bestellungen { $orders } gehören nicht zu deinen laufenden Bestellungen; nichts wurde storniert. /orders listet sie.
}
cancel-many-done = Bestellung { $order }: storniert.
cancel-many-not-active = Bestellung { $order }: laut Clore nicht mehr aktiv.
cancel-many-unclear = Bestellung { $order }: nicht bestätigt — { $why } Sie ist vielleicht storniert; /orders zeigt, ob sie noch läuft.
cancel-many-all-done = { $n ->
    [one] Die Bestellung ist storniert.
   *[other] Alle { $n } Bestellungen sind storniert.
}
cancel-many-some-done = { $done } von { $n } Bestellungen storniert:

## Buttons und Klicks (für alle Bestätigungen).
press-confirm = Bestätigen
press-abort = Abbrechen
# { $what } ist der Kurzname einer Bestätigung: „das Mieten von #123“, „die Stornierung von Bestellung 57“.
press-aborted = Abgebrochen: { $what }. Es wurde nichts getan.
press-too-late = Zu spät zum Abbrechen, schon bestätigt: { $what }.
press-not-yours = Dieser Button gehört zur Anfrage von jemand anderem — führ den Befehl selbst aus, um deinen eigenen zu bekommen.
press-already-done = Das wurde bereits erledigt.
press-invalid = Dieser Button ist nicht mehr gültig.
press-invalid-run-again = Dieser Button ist nicht mehr gültig. Bitte führe den Befehl noch einmal aus.
press-old-version = Dieser Button stammt aus einer früheren Version des Bots. Bitte führe den Befehl noch einmal aus.
press-expired-toast = Abgelaufen: Es wurde nichts getan.
press-expired = Diese Bestätigung ist abgelaufen; es wurde nichts getan. Bitte führe den Befehl noch einmal aus.
press-button-expired = Dieser Button ist abgelaufen. Bitte führe den Befehl noch einmal aus.
press-sent-privately = Erledigt — die Details habe ich dir privat geschickt.

## Mietversuche, die erst später geklärt werden (privat, manchmal Stunden nach dem Mieten).
reconcile-what = { $gpu } für { $price }
reconcile-watch-listed = Autorent-Watch #{ $watch }: Bestellung { $order } auf #{ $server } ist jetzt aufgeführt — { $what }.
reconcile-listed = Bestellung { $order } auf #{ $server } ist jetzt aufgeführt — { $what }.
reconcile-watch-made = Autorent-Watch #{ $watch } hat #{ $server } doch gemietet — { $what }: Bestellung { $order }.
reconcile-made = Bestellung { $order } auf #{ $server } wurde doch angelegt — { $what }. Clores Antwort auf deinen Mietversuch war nicht eindeutig, also habe ich nachgesehen: Die Bestellung läuft.
reconcile-endpoints-pending = Die Zugänge werden gerade eingerichtet; ich sage dir Bescheid, sobald sie bereit sind.
reconcile-password-made = Für diese Bestellung wurde ein SSH-Passwort erzeugt: „SSH-Passwort anzeigen“ zeigt es dir einmal.
reconcile-show-password = SSH-Passwort anzeigen
reconcile-watch-absent = Autorent-Watch #{ $watch }: Das Mieten von #{ $server } hat doch nicht geklappt — Clore hat es nie bestätigt, und es ist keine Bestellung aufgetaucht. Es wurde nichts gemietet; der Watch läuft weiter.
reconcile-absent = Dein Mietversuch für #{ $server } ({ $gpu }) hat nicht geklappt: Clore hat ihn nie bestätigt, und auf deinem Konto ist keine Bestellung für #{ $server } aufgetaucht. Es wurde nichts gemietet; mit /rent #{ $server } versuchst du es erneut.
reconcile-abandoned = Ich konnte nicht herausfinden, ob dein Mietversuch für #{ $server } vom { $when } geklappt hat: Clores Bestellliste hat zu lange nicht geantwortet. Bitte sieh unter /orders oder im Clore-Dashboard nach; ich führe ihn nicht mehr als offen.

## /spotguard
spotguard-on = Bestellung { $order } ist geschützt: Ihr Gebot bleibt { $margin } vor jedem wartenden Angebot, nie über { $max }.
spotguard-rebid = Wird sie trotzdem überboten, miete ich innerhalb der Obergrenze neu und sage es dir.
spotguard-no-rebid = Wird sie trotzdem überboten, sage ich es dir und biete an, neu zu mieten. Gesenkt wird, wenn sie weit vorn liegt, höchstens alle 10 Minuten (Clores Regel).
spotguard-off = Bestellung { $order } ist nicht mehr geschützt; ihr Gebot bleibt, wie es ist.
spotguard-none = Bestellung { $order } war nicht geschützt.
spotguard-below-bid = Bestellung { $order } bietet schon { $bid }, über der Obergrenze von { $max }. Nenne eine Obergrenze ab dem Gebot oder senke das Gebot zuerst mit /spotprice.
spotguard-line = Schutz: Obergrenze { $max }, Abstand { $margin }{ $rebid }
spotguard-line-rebid = , mietet neu, wenn überboten
rent-field-template = Vorlage
rent-login-template-key = der SSH-Schlüssel der Vorlage
rent-login-template-password = das Passwort der Vorlage
guard-cap-confirm = Die Obergrenze des Schutzes von Bestellung { $order } von { $old } auf { $max } anheben? Das Gebot kann dann bis dorthin steigen.
guard-cap-abort-what = Anheben der Obergrenze von Bestellung { $order }
guard-cap-gone = Bestellung { $order } hat keinen Schutz mehr (sie ist beendet oder der Schutz ist aus); nichts wurde geändert.
guard-cap-raised = Der Schutz von Bestellung { $order } bietet jetzt bis { $max }.
rent-guard-needs-spot = guard= hält ein Spot-Gebot vorn: gib das Gebot auch mit spot=… an.
rent-guard-below-bid = Die Obergrenze des Schutzes ({ $max }) liegt unter dem Gebot ({ $bid }): gib eine Obergrenze ab dem Gebot an.
rent-field-guard = Spot-Schutz
