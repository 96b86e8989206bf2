## Рынок: /gpus, /server, /market, /history, /spend, их графики и подсказки при вводе.

# Общее для /gpus и /server.
market-free = свободен
market-rented = арендован
market-stale = (Данные рынка получены { $age } назад: Clore сейчас не отвечает.)

# /gpus: { $count } — это servers-count («3 сервера»), { $query } — описание запроса.
gpus-none = Подходящих серверов нет: { $query }.
gpus-none-hint = Ослабьте фильтры, добавьте `all`, чтобы включить арендованные серверы, или следите за запросом через /watch — я сообщу, когда такой сервер появится.
gpus-kind-spot = мин. спот-цена
gpus-kind-on-demand = по требованию
gpus-title = { $count } — { $query } — { $kind }, { $currency } в сутки
gpus-title-paged = { $title } — стр. { $page }/{ $pages }
gpus-no-price = нет цены в { $currency }
gpus-ram = { $gb } ГБ ОЗУ
gpus-rent-button = Арендовать #{ $id }
gpus-details-button = Подробнее #{ $id }
gpus-prev = ◂ Назад
gpus-next = Далее ▸
# The menus under a /gpus listing (Discord): { $count } is servers-count.
menu-sort = Сортировка…
menu-sort-price = Сначала дешёвые
menu-sort-gpus = Сначала больше GPU
menu-sort-reliability = Сначала надёжные
menu-country = Страна…
menu-country-any = Любая страна
menu-country-option = { $cc } — { $count }

# /server <id>
server-not-found = На рынке нет сервера #{ $id } (возможно, он скрыт или уже снят).
server-title = Сервер #{ $id } — { $count }× { $model }
server-gpu = GPU
server-gpu-memory = Память GPU
server-gpu-memory-each = по { $gb } ГБ
server-cpu = Процессор
server-cpu-threads = { $cpu } ({ $n ->
        [one] { $n } поток
        [few] { $n } потока
       *[many] { $n } потоков
    })
server-ram = ОЗУ
server-gb = { $gb } ГБ
server-disk = Диск
server-network = Сеть
server-network-speed = ↓ { $down } / ↑ { $up } Мбит/с
server-country = Страна
server-reliability = Надёжность
server-rating = Рейтинг
server-rating-value = { $rating }/5
server-rating-count = { $rating }/5 ({ $n ->
        [one] { $n } оценка
        [few] { $n } оценки
       *[many] { $n } оценок
    })
server-cuda = CUDA
server-max-rental = Макс. срок аренды
server-hours = { $h } ч
server-status = Статус
server-on-demand = По требованию ({ $currency })
server-spot-from = Спот от ({ $currency })
server-spot-bids = { $n ->
    [one] { $n } активная ставка
    [few] { $n } активные ставки
   *[many] { $n } активных ставок
}
server-spot-highest = максимальная { $amount }
server-spot-minimum = минимум { $price }
server-spot-market = Спот-рынок: { $details }.
server-spot-unavailable = Спот-рынок недоступен: { $reason }

# /history: { $period } — day, week или month (24h, 7d, 30d).
history-none = Нет истории цен для { $asked } за последние { $period ->
        [day] 24 часа
        [week] 7 дней
       *[month] 30 дней
    }. Я записываю состояние рынка при каждом опросе начиная с { $since }; /gpus { $asked } покажет, что предлагается сейчас.
history-none-yet = Истории цен пока нет: я начну записывать её со следующего опроса рынка (каждые 30 с).
history-unit-usd = USD в сутки
history-unit-converted = { $currency } в сутки (по сегодняшнему курсу)
history-models-more = { $models } и ещё { $n }
history-title = { $models } — за { $period ->
        [day] 24 часа
        [week] 7 дней
       *[month] 30 дней
    }
history-cheapest = минимум среди свободных
history-median = медиана среди свободных
history-free-servers = свободные серверы
history-no-free = За этот период не было ни одного свободного сервера.
history-now = Самый дешёвый свободный сейчас: { $price } (свободно: { $free }, { $time }), { $change } % с { $since } ({ $start }).
history-none-free-now = Сейчас свободных серверов нет ({ $time }).
history-low = Минимум { $price } — { $when }.
history-band = 10–90 % цен свободных
history-band-now = Большинство свободных серверов в последнее время: от { $low } до { $high } (10–90 % цен свободных).

# /spend
spend-none = За последние { $period ->
        [day] 24 часа
        [week] 7 дней
       *[month] 30 дней
    } заказов нет. /spend учитывает заказы, которые я отслеживаю для вас: арендованные здесь или замеченные в вашем аккаунте после того, как вы задали ключ.
spend-title = Ваши расходы — за { $period ->
        [day] 24 часа
        [week] 7 дней
       *[month] 30 дней
    }
spend-order = Заказ { $order } на #{ $server }
spend-more = … и ещё { $n ->
        [one] { $n } заказ
        [few] { $n } заказа
       *[many] { $n } заказов
    }.
spend-total = Итого: { $total } (время работы плюс плата за создание).

# Подсказки Discord при вводе команды.
suggest-model = { $model } — свободно: { $n }
suggest-country = { $query } — свободно: { $n }
suggest-template = { $name } — { $image }
suggest-template-team = { $name } (шаблон команды)
suggest-order = заказ { $order } на сервере #{ $server }
suggest-all-orders = все активные заказы ({ $n })

# /market: { $models } — market-models, { $unit } — единица цены (history-unit-usd или
# history-unit-converted). Сообщения col- — заголовки столбцов таблицы; держите их короткими.
market-none = На рынке нет модели GPU, подходящей под { $query }.
market-models = { $n ->
    [one] { $n } модель GPU
    [few] { $n } модели GPU
   *[many] { $n } моделей GPU
}
market-title = Рынок — { $models }, { $unit }
market-title-query = Рынок: { $query } — { $models }, { $unit }
market-col-model = Модель
market-col-free = Своб.
market-col-cheapest = Мин.
market-col-median = Медиана
market-col-change = 24 ч
market-col-low = Мин. 7 д
market-change = { $change } %
market-chart-free = свободно: { $n }
market-week-low = минимум за 7 дней
market-history-none = Истории цен пока нет, поэтому нет изменения за 24 ч и минимума за 7 дней: я записываю рынок со следующего опроса (каждые 30 с).
market-history-day = История цен есть только с { $since }: изменение за 24 ч появится через сутки, минимум за 7 дней — по тому, что записано.
market-history-week = История цен с { $since }: минимум за 7 дней охватывает только это время.
market-history-full = 24 ч: самая низкая цена сейчас против суток назад. Мин. 7 д: самая низкая цена за неделю.
inline-offer-title = { $gpus } · { $day }/сутки
inline-offer-description = { $hour }/ч · { $country } · надёжность { $reliability } · #{ $server }
inline-offer-text =
    { $gpus } — сервер #{ $server }
    { $day }/сутки ({ $hour }/ч) · { $country } · надёжность { $reliability }
inline-offer-rent-button = Арендовать в clorebot
inline-bad-query-title = Этот поиск мне непонятен
inline-none-title = Свободных серверов под запрос нет
inline-no-market-title = Рынок недоступен
inline-no-market = Не удалось прочитать рынок Clore; попробуйте через минуту.

# /earnings: a host's servers, estimated from what the account poll saw.
earnings-none = За последние { $period ->
        [day] 24 часа
        [week] 7 дней
       *[month] 30 дней
    } по вашим серверам ничего не записано. Когда ваш ключ задан и вы сдаёте серверы на Clore, я примерно раз в минуту записываю, что происходит с каждым.
earnings-title = Доход ваших серверов — последние { $period ->
        [day] 24 часа
        [week] 7 дней
       *[month] 30 дней
    } (оценка)
# $earned: an amount; $rented, $on_demand, $spot: shares of the time.
earnings-server = { $earned } · в аренде { $rented } (по запросу { $on_demand }, спот { $spot })
earnings-total = Итого: { $total }.
# $seen: the share of the time the account poll saw the servers.
earnings-estimate = Это оценка, так как Clore не сообщает о доходах: цена × время аренды, как я видел ваши серверы (видел { $seen } времени); до комиссии Clore; спот-аренда учтена по минимальной цене.
