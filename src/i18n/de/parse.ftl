## Was der Befehlsleser zu einem Befehl sagt, den er nicht lesen kann.

settings-locale-bad = Sprache muss en (English), de (Deutsch) oder ru (Русский) sein, oder auto für die Sprache deiner App; nicht `{ $value }`.
parse-usage =
    { $problem }
    Verwendung: { $usage }
parse-help-one = Frag bitte immer nur nach einem Befehl.
parse-not-understood = Ich verstehe `{ $term }` nicht.
parse-spotprice-args = Gib die Bestell-ID und den neuen Preis pro Tag an.
parse-spend-period = Ich verstehe `{ $term }` nicht: nimm 7d oder 30d.
parse-snooze-args = Gib die Watch-ID an und wie lange, z. B. /snooze 3 2h.
parse-snooze-too-long = Stummschalten geht höchstens für 30d; lösch den Watch stattdessen mit /unwatch.
parse-cooldown-too-long = Eine Pause zwischen Alarmen (cooldown) ist höchstens 30d lang, nicht `{ $term }`; `once` alarmiert nur einmal.
parse-empty = Sende /help für die Liste der Befehle.
parse-control-character = Deine Nachricht enthält ein unsichtbares Steuerzeichen ({ $code }), das ich weder lesen noch speichern kann. Tippe den Befehl ohne es noch einmal.
parse-unknown-command = Unbekannter Befehl /{ $name }. Sende /help für die Liste.
parse-market-not-model = `{ $term }` ist kein GPU-Modell: /market nimmt nur GPU-Modelle, z. B. /market 4090 oder /market a100.
parse-history-period = `{ $term }` ist kein Zeitraum: nimm 24h, 7d oder 30d.
parse-history-not-model = `{ $term }` ist kein GPU-Modell: /history erwartet Modelle und einen Zeitraum (24h, 7d oder 30d).
parse-history-which = Gib eine GPU an, z. B. /history 4090 oder /history 3090 30d.
parse-no-arguments = /{ $cmd } erwartet keine Argumente, bekam aber `{ $term }`.
parse-open-quote = Ein Anführungszeichen (") wurde geöffnet, aber nicht geschlossen.
parse-give-id = Gib die { $what ->
    [server] Server-ID
    [order] Bestell-ID
   *[watch] Watch-ID
} an.
parse-give-one-id = Gib genau eine { $what ->
    [server] Server-ID
    [order] Bestell-ID
   *[watch] Watch-ID
} an.
parse-id-not-number = Die { $what ->
    [server] Server-ID
    [order] Bestell-ID
   *[watch] Watch-ID
} muss eine positive ganze Zahl sein, nicht `{ $term }`.
parse-not-positive = { $field } muss eine positive Zahl sein, nicht `{ $term }`.
parse-not-number = { $field } muss eine Zahl sein, nicht `{ $term }`.
parse-hostset-price = { $field }= ist ein Preis pro Tag in BTC ({ $field }=0.00005 oder 0.00005btc) oder in Dollar ({ $field }=$3.40, 3.40$ oder 3.40usd), nicht `{ $term }`.
parse-hostset-gpu = gpu= nimmt ein GPU-Modell, etwa gpu=4090 oder gpu="rtx 3090", nicht `{ $term }`.
parse-query =
    Ich habe `{ $term }` nicht verstanden: { $problem }.
    Siehe /help { $cmd } für die Suchsprache.
parse-duration = `{ $term }` ist keine Dauer: nimm z. B. 30m, 2h oder 1d.
parse-key-missing = Gib den Schlüssel an: { $usage }
parse-key-bad = Das sieht nicht nach einem Clore-API-Schlüssel aus: { $problem }.
key-problem-empty = er ist leer
key-problem-chars = er darf nur druckbare ASCII-Zeichen ohne Leerzeichen enthalten
key-problem-length = er muss zwischen { $min } und { $max } Zeichen lang sein (Clore-Schlüssel haben 32)
parse-rent-image = image= braucht den Namen eines Docker-Images.
parse-currency = Unbekannte Währung `{ $term }`; nimm usd, clore oder btc.
parse-env-missing = Auf env muss NAME=Wert folgen.
parse-rent-which = Gib einen Server an: eine ID aus /gpus oder eine Suche wie 4090.
parse-rent-count = count= nimmt eine Zahl von 1 bis { $max }, nicht `{ $term }`.
parse-rent-count-one-server = count= mietet mehrere Server zu einer Suche (etwa /rent 3060 count=3); eine Server-ID nennt nur einen Server.
parse-env-bad = env braucht NAME=Wert, nicht `{ $term }`.
parse-env-name = `{ $term }` ist kein gültiger Name für eine Umgebungsvariable.
parse-port = `{ $term }` ist keine Portnummer (1-65535).
parse-port-proto = Das Port-Protokoll muss tcp oder http sein, nicht `{ $term }`.
parse-port-twice = Port { $port } ist doppelt angegeben.
parse-ports-empty = ports= braucht mindestens einen Port, z. B. ports=22:tcp,8888:http.
parse-max-orders = max_orders muss zwischen 1 und 20 liegen, nicht `{ $term }`.
parse-after-autorent = `{ $term }` gehört hinter autorent.
parse-watch-what = Sag, worauf du warten willst, z. B. /watch 4090 max=4.
parse-autorent-max = Ein Autorent-Watch braucht einen Höchstpreis (max=…).
parse-autorent-once = autorent hört nach dem Mieten ohnehin auf (außer mit keep); lass once weg.
parse-hostset-args = Gib den Namen des Servers an (siehe /myservers) und was sich ändern soll.
parse-mrl-hours = mrl muss in ganzen Stunden angegeben werden, nicht `{ $term }`.
parse-mrl-range = mrl muss zwischen 1 und { $max } Stunden liegen, nicht `{ $term }`.
parse-hostset-what = Sag, was sich ändern soll: on/off, mrl=, price= oder spot=.
parse-host-name-long = Ein Servername hat höchstens { $max } Zeichen; `{ $term }` ist länger (siehe /myservers).
parse-settings-form = Einstellungen schreibt man Name=Wert, nicht `{ $term }`.
parse-password-short = password muss mindestens { $min } Zeichen haben: es schützt einen Server im Internet.
parse-password-blank = password darf nicht nur aus Leerzeichen, Tabs oder Zeilenumbrüchen bestehen: es schützt einen Server im Internet.
parse-settings-unknown = Unbekannte Einstellung `{ $term }`: nimm currency, image, sshkey, password, locale, quiet oder tz.
parse-sshkey = sshkey { $problem }.
parse-cancel-all-alone = `all` storniert jede laufende Bestellung und nimmt nichts weiter; nenne Bestellungen stattdessen mit Nummer (/cancel 1001 1002).
parse-cancel-too-many = { $n } Bestellungen genannt; höchstens { $max } auf einmal (oder /cancel all).
parse-spotguard-args = Nenne die Bestell-ID und max=<Preis pro Tag> (oder off).
parse-spotguard-margin = Der Abstand muss unter der Obergrenze ({ $max }) liegen.
parse-template-name = Ein Vorlagenname hat 1 bis { $max } Zeichen aus a-z, 0-9, - und _, nicht `{ $term }`.
parse-template-action = Gib save, show, delete oder list an.
parse-template-which = Sag, welche Vorlage.
parse-template-one = Gib einen Vorlagennamen an.
parse-template-command = command= braucht den Startbefehl, höchstens { $max } Zeichen.
parse-guard-needs-max = margin= und rebid gehören zu einem Spot-Schutz: gib seine Obergrenze mit guard=<Preis> an.
parse-autorent-guard-spot = guard= hält Spot-Gebote vorn: nimm spot in die Abfrage des Watches auf.
parse-autorent-guard-below = Die Obergrenze des Schutzes ({ $guard }) liegt unter dem Höchstpreis des Watches ({ $max }), den eine Bestellung bieten kann.
parse-quiet-window = Ruhestunden werden von-bis im 24-Stunden-Format geschrieben, etwa 23:00-08:00; nicht `{ $term }`.
parse-quiet-empty = Die Ruhestunden `{ $term }` beginnen und enden zur selben Zeit; gib ein Fenster wie 23:00-08:00 an oder quiet=off.
parse-quiet-tz = Unbekannte Zeitzone `{ $term }`: nimm einen IANA-Namen wie Europe/Berlin, America/New_York oder UTC.
parse-digest-period = digest= ist hourly oder daily, nicht `{ $term }`.
parse-digest-autorent = Ein Watch mit Auto-Miete mietet sofort; er nimmt kein digest=.
parse-start-link = Diesen Link kennt clorebot leider nicht: Er ist vielleicht veraltet oder falsch abgetippt. Sende /help, um zu sehen, was ich kann, oder /gpus, um einen Server zu finden.
parse-settings-idle = Ich verstehe idle=`{ $term }` nicht: gib Stunden von 1 bis 720 an, oder off.
parse-settings-undercut = Ich verstehe undercut=`{ $term }` nicht: gib eine Zahl von 1 bis 50 an, oder off.
