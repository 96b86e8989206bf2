## Язык запросов рынка (/gpus, /watch, /rent <запрос>): как читается запрос и что в нём не
## так. Имена полей, операторы и настройки (ram, >=, sort=, …) пользователи вводят как есть:
## они одинаковы во всех языках.

# Описания запроса, например «RTX 4090 · ≥2 GPU · ≤0,5/сутки · страна из [DE, NL] · спот».
query-all-servers = все серверы
query-all-free-servers = все свободные серверы
query-in-currency = в { $currency }
query-spot = спот
query-incl-rented = вкл. арендованные
query-sorted-by = сортировка: { $keys }
query-first = не более { $n }
query-condition = { $field } { $op } { $value }
query-condition-in = { $field } из { $values }
query-gpus-exactly = { $n } GPU
query-gpus-bound = { $op }{ $n } GPU
query-field-gpus = GPU
query-field-price = цена
query-field-ram = ОЗУ
query-field-vram = видеопамять
query-field-cpus = потоки CPU
query-field-down = входящая скорость
query-field-up = исходящая скорость
query-field-cc = страна
query-field-reliability = надёжность
query-field-rating = рейтинг
query-field-mrl = макс. срок аренды
query-field-cuda = CUDA
query-unit-gb = { $value } ГБ
query-unit-mbps = { $value } Мбит/с
query-unit-hours = { $value } ч

# Проблемы, каждая после «Не удалось понять `слово`: …».
query-too-long = в запросе может быть не более { $terms } слов и { $chars } символов
query-unclosed-quote = кавычка не закрыта
query-empty-model = название модели не может быть пустым
query-too-many-gpus = столько GPU нет ни у одного сервера
query-zero-gpus = у сервера должен быть хотя бы 1 GPU (x1)
query-unknown-operator = неизвестный оператор; используйте = != < <= > >= или in
query-expected-operator-value = нужны оператор и значение, например { $name }=…
query-expected-operator = нужен оператор: = != < <= > >= или in
query-missing-value = нет значения после `{ $op }`
query-unclosed-bracket = скобка `[` не закрыта
query-price-bound = ограничение цены — это <, <=, > или >= и цена, например <5
query-unknown-currency = неизвестная валюта `{ $currency }`; используйте usd, clore или btc
query-unknown-sort-key = неизвестный ключ сортировки `{ $key }`; сортируйте по id или { $fields }, а минус (-) перед ключом — по убыванию
query-limit-range = limit — целое число от 1 до { $max }
query-in-takes-list = `in` принимает список, например [DE,NL]
query-list-needs-in = список ставится после `in`, например cc in [DE,NL]
query-cc-operators = cc можно сравнивать только с помощью =, != или in
query-text-after-list = лишний текст после `]`
query-empty-list = список пуст
query-zero-ceiling = верхняя граница цены должна быть больше 0
query-setting-equals = здесь работает только `=`, например { $example }
query-unknown-field = неизвестное поле `{ $name }`; поля: { $fields }, а также настройки max, currency, sort, limit
query-not-country = `{ $value }` — не код страны; используйте две буквы, например DE
query-not-cuda = `{ $value }` — не версия CUDA вида 12.4
query-reliability-range = reliability — от 0 до 1 или процент до 100
query-rating-range = rating — от 0 до 5
query-not-price = `{ $value }` — не цена; цена — конечное число, 0 или больше
query-not-number = `{ $value }` — не число
query-negative = `{ $value }` должно быть конечным числом, 0 или больше
