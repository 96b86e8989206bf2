## Dein Konto: /settings, /key, /wallets, /myservers, /hostset.

settings-password-in-group = Setze ein SSH-Passwort nur in einem privaten Chat mit mir. Ich habe deine Nachricht, soweit möglich, gelöscht und nichts gespeichert; wähle ein anderes Passwort, denn andere könnten dieses gesehen haben.
settings-locale-not-admin = Nur die Admins dieses Chats wählen seine Sprache. Deine eigene stellst du mit /settings locale=… in einem privaten Chat mit mir ein.
settings-title = Deine Einstellungen
settings-saved = Einstellungen gespeichert
settings-currency = Währung
settings-image = Standard-Image
settings-image-default = { $image } (Standard des Bots)
settings-ssh-key = SSH-Schlüssel
settings-none = keiner
settings-ssh-password = SSH-Passwort
settings-password-saved = gespeichert (verschlüsselt)
settings-password-none = keins: für jede Bestellung ein neues
settings-language = Sprache
settings-language-chosen = { $name } ({ $code })
settings-language-auto = { $name } ({ $code }), aus deiner App; wähle mit locale=en, de oder ru
settings-change-with = Ändern mit { $usage }
settings-chat-language-set = Die Sprache dieses Chats ist jetzt { $name }: Meine Antworten hier und die Team-Benachrichtigungen dieses Chats verwenden sie.
settings-chat-language-cleared = Dieser Chat hat jetzt keine eigene Sprache mehr: Jedes Mitglied bekommt seine eigene.

## /key
key-in-group = Poste deinen Clore-API-Schlüssel niemals in einer Gruppe: Ich habe deine Nachricht, soweit möglich, gelöscht und den Schlüssel nicht gespeichert. Wer ihn gesehen hat, kann dein Guthaben ausgeben – erstelle also auf clore.ai einen neuen Schlüssel und schick ihn mir in einem privaten Chat mit /key set <Schlüssel>.
key-refused = Clore hat diesen Schlüssel abgelehnt (ungültig oder widerrufen); es wurde nichts gespeichert. Prüfe ihn auf clore.ai → Profile → API.
key-check-failed = Ich konnte den Schlüssel nicht bei Clore prüfen und habe ihn deshalb nicht gespeichert: { $reason } Deine Nachricht wurde gelöscht; bitte schick ihn noch einmal.
key-saved = Schlüssel verschlüsselt gespeichert (Fingerabdruck { $fingerprint }). Ich habe deine Nachricht gelöscht, damit der Schlüssel nicht in diesem Chat stehen bleibt.
key-balances = Guthaben: { $balances }
key-next = Probier /orders, /wallets oder miete mit /rent <Server-ID>.
key-status = Dein Clore-API-Schlüssel ist gesetzt (Fingerabdruck { $fingerprint }, gespeichert am { $saved }). /key remove löscht ihn.
key-removed = Dein Clore-API-Schlüssel ist gelöscht. Deine Watches bleiben, aber zum Mieten und für Bestell-Benachrichtigungen brauchst du wieder einen Schlüssel.
key-none-stored = Du hattest keinen Schlüssel gespeichert.

## /wallets
wallets-title = Deine Clore-Wallets
wallets-none = Clore führt für deinen Schlüssel keine Wallets.
wallets-balance-unknown = unbekannt
wallets-deposit = Einzahlungsadresse { $currency }

## /myservers, /hostset
hosts-none = Du stellst keine Server auf Clore bereit.
hosts-title = { $n ->
    [one] Dein { $n } Server
   *[other] Deine { $n } Server
}
hosts-offline = offline
hosts-rented = online, vermietet
hosts-free = online, frei
hosts-no-gpu = keine GPU angegeben
hosts-change-with = Ändere einen, alle oder die eines Modells mit /hostset <Name>|all|gpu=<Modell> on|off mrl=<Stunden> price=<$/Tag oder BTC/Tag> spot=<$/Tag oder BTC/Tag>.
hosts-unknown-name = Du hast keinen Server namens `{ $name }`. Deine: { $yours }.
hosts-yours-none = keine
hosts-prices-unknown = Clore hat die aktuellen BTC-Preise dieses Servers nicht gemeldet; gib sowohl price= als auch spot= an (BTC pro Tag).
hosts-unknown-gpu = Keiner deiner Server hat eine GPU passend zu `{ $gpu }`. Deine: { $yours }.
hosts-no-rate = Der Markt nennt gerade keinen Bitcoin-Kurs, um einen Dollarpreis umzurechnen; versuch es in einer Minute wieder oder gib den Preis in BTC pro Tag an.
hosts-too-dear = { $typed } bedeutet { $btc } pro Tag, mehr als { $limit } pro Tag für jede der { $gpus ->
    [one] { $gpus } GPU
   *[other] { $gpus } GPUs
} von { $name }: meintest du { $meant }?
hosts-available-yes = ja
hosts-available-no = nein (verborgen)
hosts-hours = { $hours } Std.
hosts-visibility-hidden = verborgen
hosts-on-demand = On-Demand
hosts-spot-minimum = Spot-Minimum
hosts-rented-on-demand = online, auf Abruf vermietet
hosts-rented-spot = online, am Spot-Markt vermietet
hosts-offer = { $gpus }× { $model }
hosts-field-gpu = GPU
hosts-field-status = Status
hosts-rank = Platz { $rank } von { $of } freien { $offer }
hosts-rank-would = wäre Platz { $rank } von { $of } freien { $offer }
hosts-figures = Freie: günstigster { $cheapest } · p25 { $p25 } · Median { $median } pro Tag
hosts-cheaper-than = Günstiger als { $pct } % der freien { $offer }
hosts-no-standing = Der Marktplatz ist nicht erreichbar oder die GPU nicht gelistet: die Platzierung ist unbekannt.
hosts-suggest-quarter = Vorschlag (günstigstes Viertel): ≤ { $price }, um im günstigsten Viertel zu sein.
hosts-suggest-headroom = Vorschlag (Spielraum): bis { $price } bleibt er im günstigsten Viertel.
hosts-suggest-hold = Vorschlag (halten): er ist im günstigsten Viertel; Preis behalten.
hosts-suggest-few = Vorschlag (wenige Mitbewerber): unter vier freien Mitbewerbern verlangt der günstigste { $price }.
hosts-suggest-few-cheapest = Vorschlag (wenige Mitbewerber): unter vier freien Mitbewerbern ist er der günstigste; Preis behalten.
hosts-suggest-alone = Vorschlag (wenige Mitbewerber): kein anderer freier Server dieser Art; Preis behalten.
hosts-suggest-rented = Vorschlag (vermietet): der Preis konkurriert gerade nicht; behalten.
hosts-suggest-offline = Vorschlag (offline): gerade nicht mietbar; online oder öffentlich schalten, um mitzubieten.
hosts-summary = { $n } Server: { $rented } vermietet ({ $on_demand } auf Abruf, { $spot } Spot), { $free } frei ({ $quarter } im günstigsten Viertel), { $offline } offline oder verborgen.
hosts-open-one = Eine Nummer drücken, um die Ansicht dieses Servers zu öffnen.
hosts-rented-share = Vermietet { $day } der letzten 24 Stunden, { $week } der letzten 7 Tage (der Zeit, in der ich ihn sah).
hosts-rented-unseen = Vermietet in den letzten 7 Tagen: noch nicht gesehen (ich zeichne es ab dem ersten Blick auf).
hosts-set-button = Auf { $price } setzen

## Was an einer Eingabe für Clore falsch ist, nach dem Namen des Felds („image: muss ein Docker-Image nennen“).
validate-empty = darf nicht leer sein
validate-too-long = ist { $n } Zeichen lang; erlaubt sind höchstens { $max }
validate-token-char = enthält '{ $char }'; erlaubt sind Buchstaben, Ziffern, Leerzeichen und - = . @ + /
validate-token-char-other = enthält ein Nicht-ASCII- oder Steuerzeichen; erlaubt sind Buchstaben, Ziffern, Leerzeichen und - = . @ + /
validate-image-empty = muss ein Docker-Image nennen
validate-image-bad = ist keine Docker-Image-Referenz (nur Buchstaben, Ziffern und . _ - / : @, z. B. pytorch/pytorch:latest)
validate-image-component = enthält `{ $part }`, keinen gültigen Namensteil: Kleinbuchstaben und Ziffern, verbunden durch einen Punkt, einen oder zwei Unterstriche oder Bindestriche (z. B. pytorch/pytorch:latest)
validate-image-empty-part = enthält einen leeren Namensteil (ein Name darf nicht mit / beginnen oder enden und keine zwei / hintereinander haben)
validate-image-registry = enthält `{ $part }` an der Stelle der Registry, aber das ist kein Hostname mit optionalem :Port (z. B. ghcr.io oder localhost:5000)
validate-image-tag = hat den Tag `{ $part }`; ein Tag besteht aus 1 bis 128 Buchstaben, Ziffern und _ . - und beginnt mit einem Buchstaben, einer Ziffer oder _
validate-image-digest = hat den Digest `{ $part }`; ein Digest ist Algorithmus:Hex mit mindestens 32 Hex-Ziffern (z. B. sha256:…)
validate-ssh-one-line = muss aus einer Zeile bestehen
validate-ssh-not-a-key = muss eine Public-Key-Zeile sein, etwa "ssh-ed25519 AAAA… du@host"
validate-ssh-type = muss mit einem Schlüsseltyp wie ssh-ed25519, ssh-rsa oder ecdsa-sha2-nistp256 beginnen
validate-ssh-not-base64 = hat einen Schlüsselteil, der kein Base64 ist; füge die ganze Zeile deiner .pub-Datei ein
validate-ssh-mismatch = hat einen Schlüsselteil, der nicht zu seinem Typ passt; füge die ganze Zeile deiner .pub-Datei ein
validate-ssh-dsa = ist ein DSA-Schlüssel (ssh-dss), den OpenSSH seit 7.0 standardmäßig ablehnt und seit 9.8 nicht mehr unterstützt; erzeuge einen neuen mit ssh-keygen -t ed25519
validate-ssh-ed25519 = hat einen { $kind }-Schlüsselteil, der nicht genau einen 32-Byte-Schlüssel enthält; füge die ganze Zeile deiner .pub-Datei ein
validate-ssh-ecdsa = hat einen { $kind }-Schlüsselteil, dessen Kurvenname oder Punkt nicht zum Typ passt (ein unkomprimierter Punkt von { $bytes } Bytes); füge die ganze Zeile deiner .pub-Datei ein
validate-ssh-rsa = hat einen ssh-rsa-Schlüsselteil, der kein RSA-Schlüssel ist (ein ungerader Exponent über 1 und ein positiver Modulus); füge die ganze Zeile deiner .pub-Datei ein
validate-ssh-rsa-short = ist ein RSA-Schlüssel mit { $bits } Bit; nötig sind mindestens { $min } Bit (ssh-keygen -t ed25519 erzeugt einen kurzen, starken Schlüssel)
validate-ssh-sk = hat einen { $kind }-Schlüsselteil, der kein vollständiger Sicherheitsschlüssel (FIDO) ist; füge die ganze Zeile deiner .pub-Datei ein
validate-ssh-trailing = hat nach dem Schlüssel noch weitere Bytes; füge die ganze Zeile deiner .pub-Datei ein
validate-price-not-finite = muss eine endliche Zahl sein
validate-price-not-positive = muss größer als null sein
validate-ports-too-many = { $n } angegeben; erlaubt sind höchstens { $max }
validate-ports-http = höchstens ein Port darf http sein
validate-port-zero = Port 0 ist kein gültiger Port
validate-port-twice = Port { $port } ist doppelt angegeben
validate-env-name-bad = '{ $name }' ist kein gültiger Variablenname
validate-env-name-long = der Name von { $name } ist länger als { $max } Zeichen
validate-env-value-long = der Wert von { $name } ist länger als { $max } Zeichen
validate-env-total = ist als String { $n } Zeichen lang; erlaubt sind höchstens { $max }
validate-server-name = muss einen deiner Server nennen
validate-mrl-zero = muss mindestens 1 Stunde sein
validate-mrl-long = darf höchstens { $max } Stunden sein (zehn Jahre)
validate-issue-empty = darf nicht leer sein, wenn angegeben
settings-quiet = Ruhestunden
settings-quiet-off = aus; setzen mit quiet=23:00-08:00 tz=Europe/Berlin
settings-quiet-not-admin = Nur die Admins dieses Chats setzen seine Ruhestunden. Deine eigenen setzt du mit /settings quiet=… in einem privaten Chat mit mir.
settings-idle = Leerlauf
settings-idle-hours = Hosts: Meldung nach { $hours } h frei
settings-undercut = Unterbietung
settings-undercut-n = Hosts: Meldung, wenn { $n } billigere Server hinzukommen
settings-host-alert-off = aus
settings-chat-quiet-set = Die Ruhestunden dieses Chats sind jetzt { $hours }: Team-Alarme, die warten können, werden dann zurückgehalten und kommen an ihrem Ende als eine Zusammenfassung.
settings-chat-quiet-off = Dieser Chat hat jetzt keine Ruhestunden (Zeitzone { $tz }).
settings-chat-quiet = Ruhestunden dieses Chats
