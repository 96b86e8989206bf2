## Market watches: /watch with count>=, drop>=, rise>=, newlow=; what they say when made, listed and fired.

mwatch-parse-count = `{ $term }`: count>= takes a whole number from 1 to { $max }, like count>=5.
mwatch-parse-pct = { $rise ->
    [true] `{ $term }`: give a percentage above 0 and at most { $max }, like rise>=10%.
   *[other] `{ $term }`: give a percentage above 0 and below 100, like drop>=10%.
}
mwatch-parse-newlow-window = `{ $term }`: say how far back to look, like newlow=7d.
mwatch-parse-op = `{ $term }`: the only comparison here is { $word }>=…, like { $word }>=5.
mwatch-parse-window = `{ $term }`: a window runs from 1h to 30d, like in=24h or newlow=7d.
mwatch-parse-two = `{ $term }`: one market condition per watch (this one has { $first }); make a second watch for it.
mwatch-parse-goes-with-move = `{ $term }` goes with drop>= or rise>=, like drop>=10% in=24h median.
mwatch-parse-autorent = A market watch can't auto-rent; leave out autorent or the market condition.
mwatch-parse-spot = `spot`: price history is recorded for on-demand prices only; leave out spot.
mwatch-parse-all = `all`: market watches look at free servers only; leave out all.
mwatch-parse-currency = `{ $term }`: price history is recorded in USD, so price moves compare in USD; leave out currency=.

mwatch-describe-count = at least { $n } free
mwatch-describe-move = the { $median ->
    [true] median
   *[other] cheapest
} free price { $rise ->
    [true] rises
   *[other] falls
} { $pct }% or more within { $window }
mwatch-describe-newlow = the cheapest free price is the lowest in { $window }

# A new market watch: $query is the query in words, $condition the condition in words.
mwatch-created-personal = Market watch #{ $id }: { $query }, when { $condition } — alerts you privately{ $extras }.
mwatch-created-team = Market watch #{ $id }: { $query }, when { $condition } — alerts this chat{ $extras }.
mwatch-now = { $n ->
    [0] Nothing matching is free right now.
    [one] Right now { $n } is free, at { $price }.
   *[other] Right now { $n } are free, the cheapest at { $price }.
}
mwatch-edge = I'll alert when it becomes true, stay quiet while it stays true, and alert again once it has stopped and comes back.
mwatch-needs-history = It becomes meaningful after { $window } of price history: from { $at }.
mwatch-needs-history-none = It becomes meaningful after { $window } of price history; none of these GPUs is recorded yet.

mwatch-duplicate = Market watch #{ $id } ({ $query }) already watches for this here; /watches lists it.

# /watches
mwatch-list-when = when { $condition }
mwatch-state-waiting = meaningful after { $window } of history (from { $at })
mwatch-state-waiting-none = meaningful after { $window } of history (none recorded yet)

# Alerts. $title is mwatch-alert-title.
mwatch-alert-title = Market watch #{ $id } ({ $query })
mwatch-alert-count = { $title }: { $n } free now, at least { $at_least } as asked.
mwatch-alert-move = { $title }: the { $median ->
    [true] median
   *[other] cheapest
} free price { $rise ->
    [true] rose
   *[other] fell
} { $pct }% within { $window }: { $from } → { $to }.
mwatch-alert-newlow = { $title }: the cheapest free price, { $price }, is the lowest in { $window } (lowest before: { $before }).
mwatch-alert-cheapest = Cheapest now: #{ $server } — { $gpu } at { $price }.
