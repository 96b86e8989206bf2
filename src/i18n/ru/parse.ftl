## Что разборщик команд говорит о команде, которую не может прочитать.

settings-locale-bad = язык должен быть en (English), de (Deutsch), ru (Русский) или auto (язык вашего приложения), а не `{ $value }`.
parse-usage =
    { $problem }
    Использование: { $usage }
parse-help-one = Спрашивайте об одной команде за раз.
parse-not-understood = Не понимаю `{ $term }`.
parse-spotprice-args = Укажите id заказа и новую цену за сутки.
parse-spend-period = Не понимаю `{ $term }`: используйте 7d или 30d.
parse-snooze-args = Укажите id отслеживания и на сколько, например /snooze 3 2h.
parse-snooze-too-long = Заглушить можно максимум на 30d; вместо этого удалите отслеживание командой /unwatch.
parse-cooldown-too-long = Пауза между оповещениями (cooldown) — не больше 30d, а не `{ $term }`; `once` оповестит только один раз.
parse-empty = Отправьте /help, чтобы увидеть список команд.
parse-control-character = В сообщении есть невидимый управляющий символ ({ $code }), который я не могу ни прочитать, ни сохранить. Наберите команду ещё раз без него.
parse-unknown-command = Неизвестная команда /{ $name }. Отправьте /help, чтобы увидеть список.
parse-market-not-model = `{ $term }` — не модель GPU: /market принимает только модели GPU, например /market 4090 или /market a100.
parse-history-period = `{ $term }` — не период: используйте 24h, 7d или 30d.
parse-history-not-model = `{ $term }` — не модель GPU: /history принимает модели и период (24h, 7d или 30d).
parse-history-which = Укажите GPU, например /history 4090 или /history 3090 30d.
parse-no-arguments = /{ $cmd } не принимает аргументов, но указано `{ $term }`.
parse-open-quote = Кавычка (") открыта, но не закрыта.
parse-give-id = Укажите { $what ->
    [server] id сервера
    [order] id заказа
   *[watch] id отслеживания
}.
parse-give-one-id = Укажите только один { $what ->
    [server] id сервера
    [order] id заказа
   *[watch] id отслеживания
}.
parse-id-not-number = { $what ->
    [server] Id сервера
    [order] Id заказа
   *[watch] Id отслеживания
} должен быть целым положительным числом, а не `{ $term }`.
parse-not-positive = { $field } должно быть положительным числом, а не `{ $term }`.
parse-not-number = { $field } должно быть числом, а не `{ $term }`.
parse-hostset-price = { $field }= — цена в сутки в BTC ({ $field }=0.00005 или 0.00005btc) или в долларах ({ $field }=$3.40, 3.40$ или 3.40usd), а не `{ $term }`.
parse-hostset-gpu = gpu= принимает модель GPU, например gpu=4090 или gpu="rtx 3090", а не `{ $term }`.
parse-query =
    Не удалось понять `{ $term }`: { $problem }.
    Язык запросов: /help { $cmd }.
parse-duration = `{ $term }` — не длительность: используйте, например, 30m, 2h или 1d.
parse-key-missing = Укажите ключ: { $usage }
parse-key-bad = Это не похоже на API-ключ Clore: { $problem }.
key-problem-empty = он пустой
key-problem-chars = в нём допустимы только печатные символы ASCII без пробелов
key-problem-length = его длина должна быть от { $min } до { $max } символов (у ключей Clore — 32)
parse-rent-image = image= требует имя Docker-образа.
parse-currency = Неизвестная валюта `{ $term }`; используйте usd, clore или btc.
parse-env-missing = После env должно идти NAME=значение.
parse-rent-which = Укажите сервер: id из /gpus или запрос вроде 4090.
parse-rent-count = count= — число от 1 до { $max }, а не `{ $term }`.
parse-rent-count-one-server = count= арендует несколько серверов по запросу (например, /rent 3060 count=3); id сервера называет только один сервер.
parse-env-bad = env требует NAME=значение, а не `{ $term }`.
parse-env-name = `{ $term }` — недопустимое имя переменной окружения.
parse-port = `{ $term }` — не номер порта (1-65535).
parse-port-proto = Протокол порта должен быть tcp или http, а не `{ $term }`.
parse-port-twice = Порт { $port } указан дважды.
parse-ports-empty = ports= требует хотя бы один порт, например ports=22:tcp,8888:http.
parse-max-orders = max_orders должно быть от 1 до 20, а не `{ $term }`.
parse-after-autorent = `{ $term }` указывается только после autorent.
parse-watch-what = Укажите, что отслеживать, например /watch 4090 max=4.
parse-autorent-max = Отслеживанию с autorent нужна максимальная цена (max=…).
parse-autorent-once = autorent и так останавливается после аренды (если нет keep); уберите once.
parse-hostset-args = Укажите имя сервера (см. /myservers) и что изменить.
parse-mrl-hours = mrl задаётся в целых часах, а не `{ $term }`.
parse-mrl-range = mrl должно быть от 1 до { $max } часов, а не `{ $term }`.
parse-hostset-what = Укажите, что изменить: on/off, mrl=, price= или spot=.
parse-host-name-long = Имя сервера — не длиннее { $max } символов; `{ $term }` длиннее (см. /myservers).
parse-settings-form = Настройки пишутся как имя=значение, а не `{ $term }`.
parse-password-short = password должен быть не короче { $min } символов: он защищает сервер в интернете.
parse-password-blank = password не может состоять только из пробелов, табуляций или переводов строки: он защищает сервер в интернете.
parse-settings-unknown = Неизвестная настройка `{ $term }`: используйте currency, image, sshkey, password, locale, quiet или tz.
parse-sshkey = sshkey: { $problem }.
parse-cancel-all-alone = `all` отменяет все активные заказы и ничего больше не принимает; чтобы выбрать заказы, укажите номера (/cancel 1001 1002).
parse-cancel-too-many = Указано заказов: { $n }; не больше { $max } за раз (или /cancel all).
parse-spotguard-args = Укажите id заказа и max=<цена в день> (или off).
parse-spotguard-margin = Отрыв должен быть меньше лимита ({ $max }).
parse-template-name = Имя шаблона — от 1 до { $max } символов из a-z, 0-9, - и _, а не `{ $term }`.
parse-template-action = Укажите save, show, delete или list.
parse-template-which = Укажите, какой шаблон.
parse-template-one = Укажите одно имя шаблона.
parse-template-command = command= требует команду запуска, не длиннее { $max } символов.
parse-guard-needs-max = margin= и rebid относятся к spot-защите: укажите её лимит через guard=<цена>.
parse-autorent-guard-spot = guard= держит spot-ставки впереди: добавьте spot в запрос наблюдения.
parse-autorent-guard-below = Лимит защиты ({ $guard }) ниже максимальной цены наблюдения ({ $max }), которую может поставить заказ.
parse-quiet-window = Тихие часы пишутся как «с-до» в 24-часовом формате, например 23:00-08:00; не `{ $term }`.
parse-quiet-empty = Тихие часы `{ $term }` начинаются и кончаются в одно время; укажите окно вроде 23:00-08:00 или quiet=off.
parse-quiet-tz = Неизвестный часовой пояс `{ $term }`: укажите имя IANA, например Europe/Berlin, America/New_York или UTC.
parse-digest-period = digest= — это hourly или daily, а не `{ $term }`.
parse-digest-autorent = Отслеживание с автоарендой арендует сразу; digest= к нему не подходит.
parse-start-link = Извините, эта ссылка clorebot незнакома: возможно, она устарела или набрана с ошибкой. Отправьте /help, чтобы узнать, что я умею, или /gpus, чтобы найти сервер.
parse-settings-idle = Не понимаю idle=`{ $term }`: укажите часы от 1 до 720 или off.
parse-settings-undercut = Не понимаю undercut=`{ $term }`: укажите число от 1 до 50 или off.
