## Market: /gpus, /server, /market, /history, /spend, /earnings, their charts, and typing suggestions.

# Shared by /gpus and /server.
market-free = free
market-rented = rented
market-stale = (Market data from { $age } ago: Clore is not answering right now.)

# /gpus: { $count } is servers-count ("3 servers"), { $query } the query described.
gpus-none = No servers match: { $query }.
gpus-none-hint = Loosen the filters, add `all` to include rented servers, or /watch the query to hear when one appears.
gpus-kind-spot = spot minimum
gpus-kind-on-demand = on demand
gpus-title = { $count } — { $query } — { $kind }, { $currency } per day
gpus-title-paged = { $title } — page { $page }/{ $pages }
gpus-no-price = no { $currency } price
gpus-ram = { $gb } GB RAM
gpus-rent-button = Rent #{ $id }
gpus-details-button = Details #{ $id }
gpus-prev = ◂ Prev
gpus-next = Next ▸
# The menus under a /gpus listing (Discord): { $count } is servers-count.
menu-sort = Sort…
menu-sort-price = Cheapest first
menu-sort-gpus = Most GPUs first
menu-sort-reliability = Most reliable first
menu-country = Country…
menu-country-any = Any country
menu-country-option = { $cc } — { $count }

# /server <id>
server-not-found = There is no server #{ $id } on the market (it may be hidden or gone).
server-title = Server #{ $id } — { $count }× { $model }
server-gpu = GPU
server-gpu-memory = GPU memory
server-gpu-memory-each = { $gb } GB each
server-cpu = CPU
server-cpu-threads = { $cpu } ({ $n ->
        [one] { $n } thread
       *[other] { $n } threads
    })
server-ram = RAM
server-gb = { $gb } GB
server-disk = Disk
server-network = Network
server-network-speed = ↓ { $down } / ↑ { $up } Mbps
server-country = Country
server-reliability = Reliability
server-rating = Rating
server-rating-value = { $rating }/5
server-rating-count = { $rating }/5 ({ $n ->
        [one] { $n } rating
       *[other] { $n } ratings
    })
server-cuda = CUDA
server-max-rental = Max rental
server-hours = { $h } h
server-status = Status
server-on-demand = On demand ({ $currency })
server-spot-from = Spot from ({ $currency })
server-spot-bids = { $n ->
    [one] { $n } active bid
   *[other] { $n } active bids
}
server-spot-highest = highest { $amount }
server-spot-minimum = minimum { $price }
server-spot-market = Spot market: { $details }.
server-spot-unavailable = Spot market unavailable: { $reason }

# /history: { $period } is day, week or month (the periods /history takes: 24h, 7d, 30d).
history-none = No price history for { $asked } in the last { $period ->
        [day] 24h
        [week] 7d
       *[month] 30d
    }. I record the market every poll since { $since }; /gpus { $asked } shows what is listed now.
history-none-yet = No price history yet: I record it from the next market poll on (every 30 s).
history-unit-usd = USD per day
history-unit-converted = { $currency } per day (at today's rate)
history-models-more = { $models } and { $n } more
history-title = { $models } — last { $period ->
        [day] 24h
        [week] 7d
       *[month] 30d
    }
history-cheapest = cheapest free
history-median = median free
history-free-servers = free servers
history-no-free = No free server was listed in this period.
# { $price } reads "$0.45/day", { $start } "$0.40"; { $change } is a signed whole number (+5, -12).
history-now = Cheapest free now { $price } ({ $free } free, { $time }), { $change } % since { $since } ({ $start }).
history-none-free-now = No server free now ({ $time }).
history-low = Low { $price } on { $when }.
history-band = 10–90 % of free prices
history-band-now = Most free servers lately: { $low } to { $high } (10–90 % of free prices).

# /spend
spend-none = No orders in the last { $period ->
        [day] 24h
        [week] 7d
       *[month] 30d
    }. /spend counts the orders I follow for you: rented here, or seen on your account once your key is set.
spend-title = Your spend — last { $period ->
        [day] 24h
        [week] 7d
       *[month] 30d
    }
spend-order = Order { $order } on #{ $server }
spend-more = … and { $n ->
        [one] { $n } more order
       *[other] { $n } more orders
    }.
spend-total = Total: { $total } (time run plus creation fees).

# /earnings: a host's servers, estimated from what the account poll saw.
earnings-none = Nothing recorded for your servers in the last { $period ->
        [day] 24h
        [week] 7d
       *[month] 30d
    }. Once your key is set and you host servers on Clore, I record what each does every minute or so.
earnings-title = Your servers' earnings — last { $period ->
        [day] 24h
        [week] 7d
       *[month] 30d
    } (estimate)
# $earned: an amount; $rented, $on_demand, $spot: shares of the time.
earnings-server = { $earned } · rented { $rented } (on demand { $on_demand }, spot { $spot })
earnings-total = Total: { $total }.
# $seen: the share of the time the account poll saw the servers.
earnings-estimate = An estimate, as Clore reports no earnings: price × time rented, as I saw your servers (seen { $seen } of the time); before Clore's fee; spot rentals counted at their minimum price.

# Discord's suggestions while a command is typed.
suggest-model = { $model } — { $n } free
suggest-country = { $query } — { $n } free
suggest-template = { $name } — { $image }
suggest-template-team = { $name } (team template)
suggest-order = order { $order } on server #{ $server }
suggest-all-orders = all { $n } running orders

# /market: { $models } is market-models, { $unit } the price unit (history-unit-usd or
# history-unit-converted). The col- messages head the table's columns; keep them short.
market-none = No GPU model on the market matches { $query }.
market-models = { $n ->
    [one] { $n } GPU model
   *[other] { $n } GPU models
}
market-title = Market — { $models }, { $unit }
market-title-query = Market: { $query } — { $models }, { $unit }
market-col-model = Model
market-col-free = Free
market-col-cheapest = Cheapest
market-col-median = Median
market-col-change = 24 h
market-col-low = 7 d low
market-change = { $change }%
market-chart-free = { $n } free
market-week-low = 7-day low
market-history-none = No price history yet, so no 24 h change or 7-day low: I record the market from the next poll on (every 30 s).
market-history-day = Price history only since { $since }: the 24 h change shows after a day of it, and the 7-day low covers what was recorded.
market-history-week = Price history since { $since }: the 7-day low covers only that.
market-history-full = 24 h: the cheapest now against a day ago. 7 d low: the lowest cheapest price of the week.
inline-offer-title = { $gpus } · { $day }/day
inline-offer-description = { $hour }/h · { $country } · reliability { $reliability } · #{ $server }
inline-offer-text =
    { $gpus } — server #{ $server }
    { $day }/day ({ $hour }/h) · { $country } · reliability { $reliability }
inline-offer-rent-button = Rent in clorebot
inline-bad-query-title = That search is not understood
inline-none-title = No free server matches
inline-no-market-title = The market is out of reach
inline-no-market = The Clore market could not be read just now; try again in a minute.
