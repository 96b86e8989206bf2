## Справка: /help, /start, меню команд (краткие описания: не длиннее 100 символов).

help-start-usage = /start
help-start-summary = Что умеет clorebot и с чего начать

help-help-usage = /help [команда]
help-help-summary = Все команды или подробности об одной

help-key-usage = /key set <API-ключ> · /key remove · /key
help-key-summary = Сохранить, удалить или проверить API-ключ Clore (только в личном чате)
help-key-details = Ключ можно получить на clore.ai → Profile → API. Он проверяется в Clore, хранится в зашифрованном виде и показывается только как отпечаток. Никогда не отправляйте его в группу: сообщение будет удалено, а ключ отклонён.

help-gpus-usage = /gpus [запрос]
help-gpus-summary = Поиск по маркетплейсу (ключ не нужен)
help-gpus-details =
    Условия запроса, в любом порядке:
    • модель: 4090, a100, "rtx 3090"
    • x2 или 2x: не меньше 2 GPU
    • <5 или max=5: цена за сутки не выше 5
    • поле оператор значение с = != < <= > >= или in [a,b]: gpus, price, ram, vram, cpus, down, up, cc, reliability, rating, mrl (часы), cuda — например, ram>=64 cc in [DE,NL] cuda>=12.2
    • spot или ondemand, currency=usd|clore|btc, sort=price|-gpus|…, limit=N, all (включая арендованные)

help-history-usage = /history <запрос> [24h|7d|30d]
help-history-summary = График цен модели GPU: минимальная и медианная цена свободных серверов, их число
help-history-details = По данным каждого опроса рынка, в USD за сутки: по часам за 24h, каждые шесть часов за 7d (по умолчанию), по дням за 30d — например, /history 4090 30d, /history "rtx 3090" 24h.

help-spend-usage = /spend [7d|30d]
help-spend-summary = Сколько стоят ваши заказы по дням: график и таблица по заказам
help-spend-details = Учитывает заказы, которые clorebot отслеживает для вас (арендованные через него или замеченные на вашем аккаунте): цену каждого заказа за время работы в каждый день плюс плату за создание в день начала.

help-server-usage = /server <id>
help-server-summary = Характеристики, цены и спот-рынок одного сервера

help-rent-usage = /rent <id или запрос> [count=N] [image=…] [spot=<цена> [guard=<max> [margin=…] [rebid]]] [ports=22:tcp,8888:http] [env K=V]… [currency=usd|clore|btc] [t=<шаблон>]
help-rent-summary = Арендовать сервер (по запросу выбирается самый дешёвый свободный); с подтверждением
help-rent-details = Показывает цену и просит подтвердить; заказ создаётся ровно по этой цене или не создаётся вовсе. Для SSH используется ваш сохранённый ключ или пароль (/settings) либо новый пароль, который видите только вы. count=N (1–10, с запросом) арендует N самых дешёвых свободных серверов одним подтверждением, если баланса хватает на все. guard=<max> вместе со spot= держит ставку впереди других предложений в пределах этого лимита (как /spotguard).

help-orders-usage = /orders [all]
help-orders-summary = Ваши активные заказы (или все) с адресами SSH и HTTP

help-cancel-usage = /cancel <id заказа> [описание проблемы] · /cancel all · /cancel <id заказа> <id заказа>…
help-cancel-summary = Отменить заказ (можно сообщить о проблеме), несколько или все

help-spotprice-usage = /spotprice <id заказа> <цена за сутки>
help-spotprice-summary = Изменить ставку спот-заказа
help-spotprice-details = Clore снижает ставку не больше чем на один шаг за раз и не чаще раза в 10 минут.
help-spotguard-usage = /spotguard <id заказа> max=<цена в день> [margin=<цена>] [rebid] · /spotguard <id заказа> off
help-spotguard-summary = Держать спот-ставку впереди других предложений в пределах лимита
help-spotguard-details = При каждом опросе аккаунта ставка поднимается, чтобы оставаться на отрыв впереди ожидающих предложений (не выше max), и снижается, когда она сильно впереди; по умолчанию margin — 2 % от max. rebid арендует снова в пределах лимита, если заказ перебили.


help-wallets-usage = /wallets
help-wallets-summary = Ваши балансы и адреса для пополнения (видны только вам)

help-watch-usage = /watch <запрос> [max=<цена>] [once] [here] [cooldown=30m] [autorent [max_orders=N] [daily_cap=X] [keep] [t=<шаблон>] [guard=<max> [margin=…] [rebid]]]
help-watch-summary = Оповещение, когда появится подходящий свободный сервер
help-watch-details =
    • once: оповестить один раз и остановиться
    • here: командное отслеживание с оповещениями в эту группу или канал (только для админов)
    • cooldown: пауза после каждого оповещения
    • count>=N, drop>=X% [in=24h] [median], rise>=X%, newlow=7d: рыночная подписка на весь запрос — оповещает, когда свободно не меньше N, когда самая низкая (или медианная) свободная цена упала или выросла на столько за окно, или когда она — минимум за окно
    • autorent: арендовать самый дешёвый подходящий сервер с вашим ключом в пределах максимальной цены, max_orders (по умолчанию 1) и daily_cap: сколько его заказы могут стоить за любые 24 часа, включая плату за создание (по умолчанию: max_orders × (макс. цена + плата)); после аренды останавливается, если не указано keep; guard= (со spot в запросе) защищает каждый арендованный заказ, как /spotguard

help-watches-usage = /watches
help-watches-summary = Ваши отслеживания (в группе — командные)

help-unwatch-usage = /unwatch <id отслеживания>
help-unwatch-summary = Удалить отслеживание

help-snooze-usage = /snooze <id отслеживания> <длительность|off>
help-snooze-summary = Временно заглушить отслеживание (30m, 2h, 1d; не больше 30d)

help-myservers-usage = /myservers
help-myservers-summary = Для хостов: ваши серверы, их статус и цены

help-hostset-usage = /hostset <имя сервера> [on|off] [mrl=<часы>] [price=<btc/сутки>] [spot=<btc/сутки>]
help-hostset-summary = Для хостов: доступность, максимальный срок аренды или цены сервера
help-hostset-details = Цены указываются в BTC за сутки, как их принимает API Clore; то, что вы не указали, не меняется.

help-settings-usage = /settings [currency=usd|clore|btc] [image=<docker-образ>] [sshkey="<публичный ключ>"|none] [password=<пароль SSH>|none] [locale=en|de|ru|auto]
help-settings-summary = Ваши настройки: валюта, образ, SSH-ключ или пароль, язык
help-settings-details = Пароль SSH хранится в зашифрованном виде и задаётся только в личном чате. Языки: en (English), de (Deutsch), ru (Русский); auto — как в вашем приложении. В группе locale= задаёт язык группы (только админы).

help-template-usage = /template save <имя> [image=…] [ports=…] [env K=V]… [sshkey="<открытый ключ>"] [password=<пароль SSH>] [command="<команда запуска>"] [jupyter=<токен>] [here] · /template show <имя> · /template delete <имя>
help-template-summary = Сохранить, показать или удалить шаблон аренды: для /rent … t=<имя> и автоаренды
help-template-details = Имя — от 1 до 32 символов из a-z, 0-9, - и _; повторное сохранение заменяет шаблон; не больше 20 шаблонов. Параметры /rent важнее параметров шаблона. Значения env, пароль и токен Jupyter хранятся зашифрованными, показываются скрытыми и принимаются только в личном чате. here: командный шаблон этой группы (только админы; без секретов). Шаблон, который использует наблюдение с автоарендой, не удаляется: сначала удалите наблюдение через /unwatch.

help-templates-usage = /templates
help-templates-summary = Ваши шаблоны аренды (в группе — и командные)

help-overview-title = Команды:
help-overview-footer = /help <команда> — подробности.
help-unknown = Команды /{ $name } нет. Отправьте /help, чтобы увидеть список.
help-start =
    clorebot арендует GPU на маркетплейсе Clore.ai прямо из этого чата.

    1. /gpus 4090 — поиск по рынку (ключ не нужен)
    2. /key set <ваш API-ключ Clore> — в личном чате со мной; хранится в зашифрованном виде
    3. /rent <id сервера> — аренда с одним подтверждением; /orders покажет данные SSH
    4. /watch 4090 max=4 — оповещение, когда появится дешёвый сервер

    /help — список всех команд. /settings locale=en или locale=de меняет язык.
