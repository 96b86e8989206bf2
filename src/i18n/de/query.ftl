## Die Suchsprache des Markts (/gpus, /watch, /rent <Suche>): wie eine Suche gelesen wird und
## was an einer nicht stimmt. Feldnamen, Operatoren und Einstellungen (ram, >=, sort=, …)
## tippen die Nutzer so: Sie bleiben in jeder Sprache, wie sie sind.

# Beschreibungen einer Suche, z. B. „RTX 4090 · ≥2 GPUs · ≤0,5/Tag · Land in [DE, NL] · Spot“.
query-all-servers = alle Server
query-all-free-servers = alle freien Server
query-in-currency = in { $currency }
query-spot = Spot
query-incl-rented = inkl. vermieteter
query-sorted-by = sortiert nach { $keys }
query-first = die ersten { $n }
query-condition = { $field } { $op } { $value }
query-condition-in = { $field } in { $values }
query-gpus-exactly = { $n ->
    [one] { $n } GPU
   *[other] { $n } GPUs
}
query-gpus-bound = { $op }{ $n ->
    [one] { $n } GPU
   *[other] { $n } GPUs
}
query-field-gpus = GPUs
query-field-price = Preis
query-field-ram = RAM
query-field-vram = VRAM
query-field-cpus = CPUs
query-field-down = Download
query-field-up = Upload
query-field-cc = Land
query-field-reliability = Zuverlässigkeit
query-field-rating = Bewertung
query-field-mrl = max. Mietdauer
query-field-cuda = CUDA
query-unit-gb = { $value } GB
query-unit-mbps = { $value } Mbit/s
query-unit-hours = { $value } Std.

# Probleme, jeweils nach „Ich habe `Begriff` nicht verstanden: …“.
query-too-long = eine Suche hat höchstens { $terms } Begriffe und { $chars } Zeichen
query-unclosed-quote = das Anführungszeichen wird nicht geschlossen
query-empty-model = ein Modellname darf nicht leer sein
query-too-many-gpus = so viele GPUs hat kein Server
query-zero-gpus = ein Server braucht mindestens 1 GPU (x1)
query-unknown-operator = unbekannter Operator; verwende = != < <= > >= oder in
query-expected-operator-value = hier fehlen ein Operator und ein Wert, z. B. { $name }=…
query-expected-operator = hier fehlt ein Operator: = != < <= > >= oder in
query-missing-value = nach `{ $op }` fehlt ein Wert
query-unclosed-bracket = die Klammer `[` wird nicht geschlossen
query-price-bound = eine Preisgrenze besteht aus <, <=, > oder >= und einem Preis, z. B. <5
query-unknown-currency = unbekannte Währung `{ $currency }`; verwende usd, clore oder btc
query-unknown-sort-key = unbekannter Sortierschlüssel `{ $key }`; sortiere nach id oder { $fields }, mit - für absteigend
query-limit-range = das Limit ist eine ganze Zahl von 1 bis { $max }
query-in-takes-list = `in` erwartet eine Liste, z. B. [DE,NL]
query-list-needs-in = eine Liste gehört zu `in`, z. B. cc in [DE,NL]
query-cc-operators = cc lässt sich nur mit =, != oder in vergleichen
query-text-after-list = unerwarteter Text nach `]`
query-empty-list = die Liste ist leer
query-zero-ceiling = eine Preisobergrenze muss über 0 liegen
query-setting-equals = hier geht nur `=`, z. B. { $example }
query-unknown-field = unbekanntes Feld `{ $name }`; Felder sind { $fields } sowie die Einstellungen max, currency, sort, limit
query-not-country = `{ $value }` ist kein Ländercode; verwende zwei Buchstaben, etwa DE
query-not-cuda = `{ $value }` ist keine CUDA-Version wie 12.4
query-reliability-range = reliability liegt zwischen 0 und 1 oder ist ein Prozentwert bis 100
query-rating-range = eine Bewertung (rating) liegt zwischen 0 und 5
query-not-price = `{ $value }` ist kein Preis; ein Preis ist eine endliche Zahl, 0 oder größer
query-not-number = `{ $value }` ist keine Zahl
query-negative = `{ $value }` muss eine endliche Zahl sein, 0 oder größer
