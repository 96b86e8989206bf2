## Frontends: was Telegram, Discord und die Konsole selbst sagen (Hinweise, Formulare, Menüs).

## Die Konsole.
console-message-deleted = (deine Nachricht wurde gelöscht)
console-only-you = (nur du siehst das)
console-no-buttons = Es gibt keine Buttons zum Drücken.
console-press-usage = Verwendung: /press N, mit N von 1 bis { $max }.
console-no-such-button = Es gibt keinen Button { $n }; wähle 1 bis { $max }.
console-chart = 📈 Diagramm: { $path }
console-chart-not-saved = (das Diagramm konnte nicht gespeichert werden: { $error })

## Telegram.
# Der Name des anonymen Admins einer Gruppe ohne Titel.
telegram-group-admin = Gruppenadmin
telegram-button-unusable = Dieser Button funktioniert hier nicht.
# { $who } erwähnt den Nutzer, { $bot } verlinkt den Bot (beides schon HTML).
telegram-note-not-started = { $who }, darauf kann ich nur in einem privaten Chat antworten, und du hast noch keinen mit mir begonnen: öffne { $bot }, tippe auf Starten und versuche es dann noch einmal.
telegram-note-sent-privately = { $who }, ich habe dir die Antwort in unserem privaten Chat geschickt.
telegram-note-deleted = Ich habe deine Nachricht gelöscht: Sie enthielt ein Geheimnis.
telegram-note-not-deleted = Deine Nachricht enthält ein Geheimnis, und ich darf sie hier nicht löschen (dazu brauche ich das Recht „Nachrichten löschen“): Bitte lösche sie selbst.
telegram-note-revoke-key = Falls es dein Clore-API-Schlüssel war, widerrufe ihn jetzt auf clore.ai und erstelle einen neuen: Diese Gruppe hat ihn gesehen.
telegram-slow-down = Bitte langsamer: Die Befehle kommen schneller, als Telegram mich in diesem Chat antworten lässt. Ich beantworte die, die ich habe; neue werden bis dahin übersprungen.

## Discord: Interaktionen.
discord-not-supported = Das wird nicht unterstützt.
discord-only-you-see = Nur du siehst meine Antwort.
discord-no-dm-for-form = Ich konnte keinen privaten Chat mit dir öffnen, um das Formular entgegenzunehmen; es wurde nichts getan. Bitte versuche es noch einmal.
discord-repeat = Das wurde schon erledigt.
discord-not-taken = Ich konnte das gerade nicht annehmen; es wurde nichts getan. Bitte versuche es gleich noch einmal.
discord-team-needs-server = Eine Team-Beobachtung oder -Vorlage gehört in einen Kanal, in dem clorebot schreibt, und hier ist clorebot nicht: Du hast es nur deinem Konto hinzugefügt. Lass here weg, dann gehört sie dir (Meldungen kommen per DM), oder lass clorebot mit diesem Link dem Server hinzufügen:

## Discord: Formulare (Titel und Beschriftungen höchstens 45 Zeichen, Platzhalter höchstens 100).
discord-form-key-title = Dein Clore-API-Schlüssel
discord-form-key-label = API-Schlüssel (clore.ai → Profile → API)
discord-form-key-placeholder = Nur du siehst dieses Formular
discord-form-password-title = Dein SSH-Passwort
discord-form-password-label = SSH-Passwort für neue Bestellungen oder none
discord-form-password-rest = Weitere Einstellungen
discord-form-rent-env-title = Mit Umgebungsvariablen mieten
discord-form-rent-env-what = Was gemietet wird (wie nach /rent)
discord-form-rent-env-env = Umgebung: ein NAME=Wert-Paar pro Zeile
discord-form-password-spaces = Ein Passwort darf keine Leerzeichen oder Anführungszeichen enthalten. Es wurde nichts gespeichert.
discord-form-env-misplaced = Schreib Umgebungswerte nur ins Feld „Umgebung“ und keine Anführungszeichen in das, was du mieten willst. Es wurde nichts gemietet.
discord-form-env-line-format = Umgebungszeile { $line } hat nicht die Form NAME=Wert. Es wurde nichts gemietet.
discord-form-env-line-quote = Umgebungszeile { $line } enthält ein Anführungszeichen, das ich nicht weitergeben kann. Es wurde nichts gemietet.
discord-form-template-title = Vorlage mit Geheimnissen
discord-form-template-what = Die Vorlage (wie nach /template)
discord-form-template-password = SSH-Passwort (optional)
discord-form-template-jupyter = Jupyter-Token (optional)
discord-form-template-misplaced = env-Werte, Passwort und Token nur in ihre eigenen Felder, und keine Anführungszeichen in der Vorlagenzeile. Nichts wurde gespeichert.
discord-form-template-spaces = Ein Passwort oder Token darf keine Leerzeichen oder Anführungszeichen enthalten. Nichts wurde gespeichert.
discord-form-unknown = Dieses Formular stammt nicht von mir.

## Discord: Beschreibungen der Optionen der Slash-Befehle (höchstens 100 Zeichen).
discord-opt-help-command = Ein Befehl, der erklärt werden soll
discord-opt-key-action = set (öffnet ein Formular), status oder remove
discord-opt-gpus-query = z. B. 4090 max=4 x2 cc in [DE,NL] — /help gpus für alle Begriffe
discord-opt-server-id = Server-ID
discord-opt-rent-target = Server-ID (#42) oder eine Suche: der günstigste freie Treffer
discord-opt-rent-image = Docker-Image (Standard: dein Image aus /settings)
discord-opt-rent-spot = Auf dem Spot-Markt mieten, mit diesem Gebot pro Tag
discord-opt-rent-ports = z. B. 22:tcp,8888:http
discord-opt-rent-template = Eine gespeicherte Vorlage (t=): was du weglässt, kommt aus ihr
discord-opt-rent-env = Umgebungsvariablen hinzufügen, in einem Formular, das nur du siehst
discord-opt-rent-count = Wie viele Server: die günstigsten freien Treffer einer Suche (1–10)
discord-opt-rent-guard = Mit spot: das Gebot vor anderen Angeboten halten, nie über diesem Wert pro Tag
discord-opt-rent-margin = Mit guard: Abstand vor wartenden Angeboten (ohne Angabe 2 % von guard)
discord-opt-rent-rebid = Mit guard: innerhalb der Obergrenze neu mieten, wenn überboten
discord-opt-orders-all = Auch beendete Bestellungen zeigen
discord-opt-cancel-orders = Bestell-ID, mehrere (1001 1002) oder all
discord-opt-cancel-issue = Was nicht stimmte (wird dem Host gemeldet)
discord-opt-spotprice-order = Bestell-ID
discord-opt-spotprice-price = Neues Gebot pro Tag
discord-opt-spotguard-order = Bestell-ID
discord-opt-spotguard-max = Höchstes Gebot pro Tag
discord-opt-spotguard-margin = Abstand vor wartenden Angeboten (ohne Angabe 2 % von max)
discord-opt-spotguard-rebid = Innerhalb der Obergrenze neu mieten, wenn überboten
discord-opt-spotguard-off = Schutz beenden
discord-opt-spend-period = 7d (Standard) oder 30d
discord-opt-earnings-period = 7d (Standard) oder 30d
discord-opt-market-query = GPU-Modelle zum Eingrenzen, z. B. 4090 oder a100 (leer: alle)
discord-opt-history-query = Ein GPU-Modell, z. B. 4090 oder "rtx 3090"
discord-opt-history-period = 24h, 7d (Standard) oder 30d
discord-opt-watch-query = z. B. 4090 max=4 x2 cc in [DE,NL] — /help gpus für alle Begriffe
discord-opt-watch-once = Nach der ersten Benachrichtigung abschalten
discord-opt-watch-here = Diesen Kanal benachrichtigen (braucht „Kanäle verwalten“)
discord-opt-watch-cooldown = Ruhezeit zwischen Benachrichtigungen, z. B. 30m
discord-opt-watch-digest = Treffer als eine Nachricht pro Stunde oder Tag sammeln
discord-opt-watch-autorent = on, oder Grenzen: max_orders=N daily_cap=X keep
discord-opt-unwatch-id = Watch-ID
discord-opt-snooze-id = Watch-ID
discord-opt-snooze-for = Wie lange, z. B. 2h, oder off
discord-opt-hostset-all = Alle deine Server
discord-opt-hostset-gpu = Jeder Server mit diesem GPU-Modell (4090, a100…)
discord-opt-hostset-name = Servername
discord-opt-hostset-state = Zur Miete anbieten oder nicht
discord-opt-hostset-mrl = Maximale Mietdauer in Stunden
discord-opt-hostset-price = On-Demand-Preis pro Tag: BTC (0.00005) oder Dollar ($3.40)
discord-opt-hostset-spot = Mindest-Spot-Preis pro Tag: BTC (0.00002) oder Dollar ($1.50)
discord-opt-settings-currency = Anzeigewährung
discord-opt-settings-image = Standard-Docker-Image
discord-opt-settings-sshkey = Öffentlicher SSH-Schlüssel für neue Bestellungen oder none
discord-opt-settings-locale = Sprachcode
discord-opt-settings-quiet = Ruhestunden wie 23:00-08:00, oder off
discord-opt-settings-tz = Zeitzone der Ruhestunden, etwa Europe/Berlin
discord-opt-settings-idle = Hosts: melden, wenn ein Server so viele Stunden frei ist, oder off
discord-opt-settings-undercut = Hosts: melden, wenn so viele billigere Server auftauchen, oder off
discord-opt-settings-password = SSH-Passwort setzen oder entfernen, in einem Formular, das nur du siehst
discord-opt-template-action = save, show, delete oder list
discord-opt-template-name = Name der Vorlage: a-z, 0-9, - und _, höchstens 32
discord-opt-template-image = Docker-Image
discord-opt-template-ports = Ports, z. B. 22:tcp,8888:http
discord-opt-template-sshkey = Öffentlicher SSH-Schlüssel für ihre Aufträge
discord-opt-template-command = Startbefehl
discord-opt-template-here = Eine Team-Vorlage für diese Gruppe (nur Admins)
discord-opt-template-secrets = env-Werte, SSH-Passwort oder Jupyter-Token in einem Formular, das nur du siehst
