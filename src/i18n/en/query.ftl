## The market query language (/gpus, /watch, /rent <query>): what a query is read as, and
## what is wrong with one. Field names, operators and settings (ram, >=, sort=, …) are what
## users type: they stay as they are in every language.

# Query descriptions, e.g. "RTX 4090 · ≥2 GPUs · ≤0.5/day · cc in [DE, NL] · spot".
query-all-servers = all servers
query-all-free-servers = all free servers
query-in-currency = in { $currency }
query-spot = spot
query-incl-rented = incl. rented
query-sorted-by = by { $keys }
query-first = first { $n }
# A condition on a field: "RAM ≥ 64 GB", "cc in [DE, NL]", "2 GPUs", "≥2 GPUs".
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
# Field labels.
query-field-gpus = GPUs
query-field-price = price
query-field-ram = RAM
query-field-vram = VRAM
query-field-cpus = CPUs
query-field-down = down
query-field-up = up
query-field-cc = cc
query-field-reliability = reliability
query-field-rating = rating
query-field-mrl = mrl
query-field-cuda = CUDA
# Values with their unit ({ $value } may be a list, "[32, 64]").
query-unit-gb = { $value } GB
query-unit-mbps = { $value } Mbps
query-unit-hours = { $value } h

# Problems, each following "I didn't understand `term`: …".
query-too-long = a query is at most { $terms } terms and { $chars } characters
query-unclosed-quote = the quote is never closed
query-empty-model = a model name can't be empty
query-too-many-gpus = that is more GPUs than any server has
query-zero-gpus = a server needs at least 1 GPU (x1)
query-unknown-operator = unknown operator; use = != < <= > >= or in
query-expected-operator-value = expected an operator and a value, e.g. { $name }=…
query-expected-operator = expected an operator: = != < <= > >= or in
query-missing-value = missing value after `{ $op }`
query-unclosed-bracket = the `[` is never closed
query-price-bound = a price bound is <, <=, > or >= followed by a price, e.g. <5
query-unknown-currency = unknown currency `{ $currency }`; use usd, clore or btc
query-unknown-sort-key = unknown sort key `{ $key }`; sort by id or { $fields }, with - for descending
query-limit-range = the limit is a whole number from 1 to { $max }
query-in-takes-list = `in` takes a list, e.g. [DE,NL]
query-list-needs-in = a list goes with `in`, e.g. cc in [DE,NL]
query-cc-operators = cc compares only with =, != or in
query-text-after-list = unexpected text after `]`
query-empty-list = the list is empty
query-zero-ceiling = a price ceiling must be above 0
query-setting-equals = only `=` works here, e.g. { $example }
query-unknown-field = unknown field `{ $name }`; fields are { $fields }, and settings max, currency, sort, limit
query-not-country = `{ $value }` is not a country code; use two letters, like DE
query-not-cuda = `{ $value }` is not a CUDA version like 12.4
query-reliability-range = reliability is 0 to 1, or a percentage up to 100
query-rating-range = a rating is from 0 to 5
query-not-price = `{ $value }` is not a price; a price is a finite number, 0 or more
query-not-number = `{ $value }` is not a number
query-negative = `{ $value }` must be a finite number, 0 or more
