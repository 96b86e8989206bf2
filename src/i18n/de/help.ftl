## Hilfe: /help, /start, die Befehlsmenüs (Kurzbeschreibungen: höchstens 100 Zeichen).

help-start-usage = /start
help-start-summary = Was clorebot kann und wie du anfängst

help-help-usage = /help [Befehl]
help-help-summary = Alle Befehle oder die Details zu einem

help-key-usage = /key set <API-Schlüssel> · /key remove · /key
help-key-summary = Clore-API-Schlüssel speichern, entfernen oder prüfen (nur im privaten Chat)
help-key-details = Einen Schlüssel bekommst du auf clore.ai → Profile → API. Er wird bei Clore geprüft, verschlüsselt gespeichert und nur als Fingerabdruck angezeigt. Schick ihn nie in eine Gruppe: Die Nachricht wird gelöscht und abgelehnt.

help-gpus-usage = /gpus [Suche]
help-gpus-summary = Den Marktplatz durchsuchen (ohne Schlüssel)
help-gpus-details =
    Suchbegriffe, in beliebiger Reihenfolge:
    • ein Modell: 4090, a100, "rtx 3090"
    • x2 oder 2x: mindestens 2 GPUs
    • <5 oder max=5: Preis pro Tag höchstens 5
    • Feld Operator Wert mit = != < <= > >= oder in [a,b]: gpus, price, ram, vram, cpus, down, up, cc, reliability, rating, mrl (Stunden), cuda — z. B. ram>=64 cc in [DE,NL] cuda>=12.2
    • spot oder ondemand, currency=usd|clore|btc, sort=price|-gpus|…, limit=N, all (auch vermietete)

help-market-usage = /market [Modelle]
help-market-summary = Der Markt je GPU-Modell: freie Server, günstigster, Median, 24-h-Änderung, 7-Tage-Tief
help-market-details = Jedes Modell auf dem Markt, die mit den meisten freien Servern zuerst, 8 pro Seite, als Tabelle und Diagramm (Preise in deiner Währung zum heutigen Kurs); nenne Modelle, um einzugrenzen — z. B. /market, /market rtx, /market a100. 24-h-Änderung und 7-Tage-Tief stammen aus dem aufgezeichneten Preisverlauf.
help-history-usage = /history <Suche> [24h|7d|30d]
help-history-summary = Preisdiagramm eines GPU-Modells: günstigster Preis, Medianpreis und Zahl freier Server
help-history-details = Aus dem, was jede Marktabfrage aufzeichnet, in USD pro Tag: stündlich über 24h, alle sechs Stunden über 7d (Standard), täglich über 30d — z. B. /history 4090 30d, /history "rtx 3090" 24h. Das schattierte Band zeigt, wo 10–90 % der freien Preise lagen.

help-spend-usage = /spend [7d|30d]
help-spend-summary = Was deine Bestellungen pro Tag kosten: Diagramm und Tabelle je Bestellung
help-spend-details = Zählt die Bestellungen, die clorebot für dich verfolgt (mit ihm gemietet oder auf deinem Konto gesehen): den Preis jeder Bestellung für die Zeit, die sie an jedem Tag lief, plus die Erstellungsgebühr am ersten Tag.
help-earnings-usage = /earnings [7d|30d]
help-earnings-summary = Was deine Server eingenommen haben: eine Schätzung je Server
help-earnings-details = Geschätzt aus dem, was clorebot etwa jede Minute von deinen Servern sieht: der Preis jeder Miete für die vermietete Zeit, vor Clores Gebühr, Spot-Mieten zum Mindestpreis. Zeigt, wie viel der Zeit gesehen wurde.

help-server-usage = /server <ID>
help-server-summary = Ausstattung, Preise und Spot-Markt eines Servers

help-rent-usage = /rent <ID oder Suche> [count=N] [image=…] [spot=<Preis> [guard=<max> [margin=…] [rebid]]] [ports=22:tcp,8888:http] [env K=V]… [currency=usd|clore|btc] [t=<Vorlage>]
help-rent-summary = Einen Server mieten (eine Suche wählt den günstigsten freien); fragt nach Bestätigung
help-rent-details = Zeigt den Preis und fragt nach deiner Bestätigung; die Bestellung erfolgt genau zu diesem Preis oder gar nicht. SSH nutzt deinen gespeicherten Schlüssel oder dein Passwort (/settings) oder ein neues Passwort, das nur du siehst. count=N (1–10, mit einer Suche) mietet die N günstigsten freien Treffer mit einer Bestätigung, wenn dein Guthaben für alle reicht. guard=<max> mit spot= hält das Gebot innerhalb dieser Obergrenze vor anderen Angeboten (wie /spotguard).

help-orders-usage = /orders [all]
help-orders-summary = Deine laufenden Bestellungen (oder alle) mit SSH- und HTTP-Zugängen

help-cancel-usage = /cancel <Bestell-ID> [Problembeschreibung] · /cancel all · /cancel <Bestell-ID> <Bestell-ID>…
help-cancel-summary = Eine Bestellung stornieren (auf Wunsch mit Problemmeldung), mehrere oder alle

help-spotprice-usage = /spotprice <Bestell-ID> <Preis pro Tag>
help-spotprice-summary = Das Gebot einer Spot-Bestellung ändern
help-spotprice-details = Clore senkt ein Gebot höchstens um eine Stufe auf einmal und höchstens alle 10 Minuten.
help-spotguard-usage = /spotguard <Bestell-ID> max=<Preis pro Tag> [margin=<Preis>] [rebid] · /spotguard <Bestell-ID> off
help-spotguard-summary = Ein Spot-Gebot vor anderen Angeboten halten, bis zu einer Obergrenze
help-spotguard-details = Bei jeder Kontoabfrage wird das Gebot angehoben, um einen Abstand vor wartenden Angeboten zu halten (nie über max), und gesenkt, wenn es weit vorn liegt; margin ist ohne Angabe 2 % von max. rebid mietet innerhalb der Obergrenze neu, wenn die Bestellung überboten wird.


help-wallets-usage = /wallets
help-wallets-summary = Deine Guthaben und Einzahlungsadressen (privat angezeigt)

help-watch-usage = /watch <Suche> [max=<Preis>] [once] [here] [cooldown=30m] [digest=hourly|daily] [autorent [max_orders=N] [daily_cap=X] [keep] [t=<Vorlage>] [guard=<max> [margin=…] [rebid]]]
help-watch-summary = Benachrichtigung, sobald ein passender Server frei wird
help-watch-details =
    • once: einmal benachrichtigen, dann aufhören
    • here: ein Team-Watch, der diese Gruppe oder diesen Kanal benachrichtigt (nur Admins)
    • cooldown: Ruhezeit nach jeder Benachrichtigung
    • digest=hourly|daily: seine Treffer kommen als eine Nachricht pro Stunde oder Tag (Ruhestunden: /help settings)
    • count>=N, drop>=X% [in=24h] [median], rise>=X%, newlow=7d: ein Markt-Watch auf die ganze Suche — meldet sich, wenn mindestens N frei sind, wenn der günstigste (oder mittlere) freie Preis im Zeitfenster so weit gefallen oder gestiegen ist, oder wenn er der niedrigste des Zeitfensters ist
    • autorent: den günstigsten Treffer mit deinem Schlüssel mieten, innerhalb von Höchstpreis, max_orders (Standard 1) und daily_cap: was seine Bestellungen in beliebigen 24 Stunden kosten dürfen, Erstellungsgebühren eingeschlossen (Standard: max_orders × (Höchstpreis + Gebühr)); hört nach dem Mieten auf, außer mit keep; guard= (mit spot in der Suche) schützt jede gemietete Bestellung wie /spotguard

help-watches-usage = /watches
help-watches-summary = Deine Watches (in einer Gruppe: die des Teams)

help-unwatch-usage = /unwatch <Watch-ID>
help-unwatch-summary = Einen Watch löschen

help-snooze-usage = /snooze <Watch-ID> <Dauer|off>
help-snooze-summary = Einen Watch eine Weile stummschalten (30m, 2h, 1d; höchstens 30d)

help-myservers-usage = /myservers
help-myservers-summary = Für Hosts: deine Server, ihr Status und ihre Preise

help-hostset-usage = /hostset <Servername>|all|gpu=<Modell> [on|off] [mrl=<Stunden>] [price=<$/Tag oder BTC/Tag>] [spot=<$/Tag oder BTC/Tag>]
help-hostset-summary = Für Hosts: Verfügbarkeit, maximale Mietdauer oder Preise eines Servers ändern
help-hostset-details = Ein Preis ist BTC pro Tag, wie Clores API ihn erwartet (0.00005 oder 0.00005btc), oder Dollar pro Tag ($3.40, 3.40$ oder 3.40usd), zum Bitcoin-Kurs des Markts auf den Satoshi umgerechnet. Ein Bitcoin-Preis, der mehr als 1000 $ pro Tag und GPU wert ist, wird als Dollarbetrag ohne $ abgelehnt. name=<Server> nennt einen Server, dessen Name wie eine Änderung aussieht. Was du weglässt, bleibt, wie es ist. all ändert alle Server, gpu=4090 die mit dieser GPU; die Bestätigung zeigt die alten und neuen Werte jedes Servers, die Antwort das Ergebnis jedes einzelnen.

help-settings-usage = /settings [currency=usd|clore|btc] [image=<Docker-Image>] [sshkey="<öffentlicher Schlüssel>"|none] [password=<SSH-Passwort>|none] [locale=en|de|ru|auto] [quiet=23:00-08:00|off] [tz=Europe/Berlin] [idle=<Stunden>|off] [undercut=<n>|off]
help-settings-summary = Deine Voreinstellungen: Anzeigewährung, Image, SSH-Schlüssel oder -Passwort, Sprache, Ruhestunden
help-settings-details = Das SSH-Passwort wird verschlüsselt gespeichert und kann nur in einem privaten Chat gesetzt werden. Sprachen: en (English), de (Deutsch), ru (Русский); auto folgt deiner App. In einer Gruppe setzt locale= die Sprache der Gruppe (nur Admins). Ruhestunden: quiet=23:00-08:00 tz=Europe/Berlin (eine IANA-Zeitzone; ohne Angabe UTC; das Fenster darf über Mitternacht gehen) hält Alarme zurück, die warten können, und schickt sie am Ende des Fensters als eine Zusammenfassung; endende oder beendete Bestellungen, ein Guthaben, das in wenigen Stunden aufgebraucht ist, und Ergebnisse der Auto-Miete kommen trotzdem sofort. quiet=off schaltet sie ab. In einer Gruppe setzen quiet= und tz= die Ruhestunden der Gruppe für ihre Team-Alarme (nur Admins). Hosts: idle=24 meldet, wenn ein gelisteter Server so viele Stunden frei ist (einmal je freier Zeit); undercut=3, wenn so viele billigere freie Server seines Modells hinzukommen; off schaltet es ab, none stellt den Standard wieder her.

help-template-usage = /template save <Name> [image=…] [ports=…] [env K=V]… [sshkey="<öffentlicher Schlüssel>"] [password=<SSH-Passwort>] [command="<Startbefehl>"] [jupyter=<Token>] [here] · /template show <Name> · /template delete <Name>
help-template-summary = Mietvorlage speichern, zeigen oder löschen: für /rent … t=<Name> und Auto-Miete
help-template-details = Ein Name hat 1 bis 32 Zeichen aus a-z, 0-9, - und _; erneutes Speichern ersetzt die Vorlage; höchstens 20 Vorlagen. Optionen von /rent gehen denen der Vorlage vor. env-Werte, das Passwort und das Jupyter-Token werden verschlüsselt gespeichert, maskiert gezeigt und nur im privaten Chat angenommen. here: eine Team-Vorlage für diese Gruppe (nur Admins; ohne Geheimnisse). Eine Vorlage, die ein Auto-Miete-Watch nutzt, wird nicht gelöscht: erst den Watch mit /unwatch entfernen.

help-templates-usage = /templates
help-templates-summary = Deine Mietvorlagen (in einer Gruppe auch die des Teams)

help-overview-title = Befehle:
help-overview-footer = /help <Befehl> für Details.
help-unknown = Es gibt keinen Befehl /{ $name }. Sende /help für die Liste.
help-start =
    clorebot mietet GPUs auf dem Clore.ai-Marktplatz direkt aus diesem Chat.

    1. /gpus 4090 — den Markt durchsuchen (ohne Schlüssel)
    2. /key set <dein Clore-API-Schlüssel> — in einem privaten Chat mit mir; verschlüsselt gespeichert
    3. /rent <Server-ID> — mit einer Bestätigung mieten; /orders zeigt die SSH-Zugänge
    4. /watch 4090 max=4 — Benachrichtigung, sobald ein günstiger auftaucht

    /help listet alles auf. /settings locale=en oder locale=ru wechselt die Sprache.
