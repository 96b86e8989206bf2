## Markt-Watches: /watch mit count>=, drop>=, rise>=, newlow=; was sie beim Anlegen, in der Liste und beim Auslösen sagen.

mwatch-parse-count = `{ $term }`: count>= nimmt eine ganze Zahl von 1 bis { $max }, etwa count>=5.
mwatch-parse-pct = { $rise ->
    [true] `{ $term }`: gib einen Prozentsatz über 0 und höchstens { $max } an, etwa rise>=10%.
   *[other] `{ $term }`: gib einen Prozentsatz über 0 und unter 100 an, etwa drop>=10%.
}
mwatch-parse-newlow-window = `{ $term }`: sag, wie weit zurück, etwa newlow=7d.
mwatch-parse-op = `{ $term }`: hier gibt es nur den Vergleich { $word }>=…, etwa { $word }>=5.
mwatch-parse-window = `{ $term }`: ein Zeitfenster reicht von 1h bis 30d, etwa in=24h oder newlow=7d.
mwatch-parse-two = `{ $term }`: eine Marktbedingung pro Watch (dieser hat schon { $first }); leg dafür einen zweiten Watch an.
mwatch-parse-goes-with-move = `{ $term }` gehört zu drop>= oder rise>=, etwa drop>=10% in=24h median.
mwatch-parse-autorent = Ein Markt-Watch kann nicht automatisch mieten; lass autorent oder die Marktbedingung weg.
mwatch-parse-spot = `spot`: der Preisverlauf wird nur für On-Demand-Preise aufgezeichnet; lass spot weg.
mwatch-parse-all = `all`: Markt-Watches betrachten nur freie Server; lass all weg.
mwatch-parse-currency = `{ $term }`: der Preisverlauf wird in USD aufgezeichnet, Preisbewegungen werden also in USD verglichen; lass currency= weg.

mwatch-describe-count = mindestens { $n } frei
mwatch-describe-move = der { $median ->
    [true] mittlere
   *[other] günstigste
} freie Preis { $rise ->
    [true] steigt
   *[other] fällt
} innerhalb von { $window } um { $pct } % oder mehr
mwatch-describe-newlow = der günstigste freie Preis ist der niedrigste seit { $window }

# Ein neuer Markt-Watch: $query ist die Suche in Worten, $condition die Bedingung in Worten.
mwatch-created-personal = Markt-Watch #{ $id }: { $query }, wenn { $condition } — benachrichtigt dich privat{ $extras }.
mwatch-created-team = Markt-Watch #{ $id }: { $query }, wenn { $condition } — benachrichtigt diesen Chat{ $extras }.
mwatch-now = { $n ->
    [0] Gerade ist nichts Passendes frei.
    [one] Gerade ist { $n } frei, für { $price }.
   *[other] Gerade sind { $n } frei, der günstigste für { $price }.
}
mwatch-edge = Ich melde mich, wenn es zutrifft, bleibe still, solange es zutrifft, und melde mich erneut, wenn es aufgehört hat und wiederkommt.
mwatch-needs-history = Aussagekräftig nach { $window } Preisverlauf: ab { $at }.
mwatch-needs-history-none = Aussagekräftig nach { $window } Preisverlauf; für diese GPUs ist noch nichts aufgezeichnet.

mwatch-duplicate = Markt-Watch #{ $id } ({ $query }) achtet hier schon darauf; /watches listet ihn.

# /watches
mwatch-list-when = wenn { $condition }
mwatch-state-waiting = aussagekräftig nach { $window } Verlauf (ab { $at })
mwatch-state-waiting-none = aussagekräftig nach { $window } Verlauf (noch nichts aufgezeichnet)

# Benachrichtigungen. $title ist mwatch-alert-title.
mwatch-alert-title = Markt-Watch #{ $id } ({ $query })
mwatch-alert-count = { $title }: jetzt { $n } frei, mindestens { $at_least } wie gewünscht.
mwatch-alert-move = { $title }: der { $median ->
    [true] mittlere
   *[other] günstigste
} freie Preis ist innerhalb von { $window } um { $pct } % { $rise ->
    [true] gestiegen
   *[other] gefallen
}: { $from } → { $to }.
mwatch-alert-newlow = { $title }: der günstigste freie Preis, { $price }, ist der niedrigste seit { $window } (bisher am niedrigsten: { $before }).
mwatch-alert-cheapest = Am günstigsten jetzt: #{ $server } — { $gpu } für { $price }.
