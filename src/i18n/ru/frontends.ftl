## Фронтенды: что Telegram, Discord и консоль говорят сами (заметки, формы, меню).

## Консоль.
console-message-deleted = (ваше сообщение удалено)
console-only-you = (это видите только вы)
console-no-buttons = Нет кнопок, которые можно нажать.
console-press-usage = Использование: /press N, где N от 1 до { $max }.
console-no-such-button = Кнопки { $n } нет; выберите от 1 до { $max }.
console-chart = 📈 график: { $path }
console-chart-not-saved = (не удалось сохранить график: { $error })

## Telegram.
# Имя анонимного админа группы без названия.
telegram-group-admin = Админ группы
telegram-button-unusable = Эта кнопка здесь не работает.
# { $who } — упоминание пользователя, { $bot } — ссылка на бота (уже в HTML).
telegram-note-not-started = { $who }, на это я могу ответить только в личном чате, а вы ещё не начали его со мной: откройте { $bot }, нажмите «Запустить» и попробуйте снова.
telegram-note-sent-privately = { $who }, я отправил вам ответ в нашем личном чате.
telegram-note-deleted = Я удалил ваше сообщение: в нём был секрет.
telegram-note-not-deleted = В вашем сообщении есть секрет, а удалять его здесь мне нельзя (нужно право «Удаление сообщений»): пожалуйста, удалите его сами.
telegram-note-revoke-key = Если это был ваш API-ключ Clore, сейчас же отзовите его на clore.ai и создайте новый: эта группа его видела.
telegram-slow-down = Помедленнее, пожалуйста: команды приходят быстрее, чем Telegram позволяет мне отвечать в этом чате. Я отвечу на уже полученные, а новые до тех пор пропущу.

## Discord: взаимодействия.
discord-not-supported = Это не поддерживается.
discord-only-you-see = Мой ответ видите только вы.
discord-no-dm-for-form = Мне не удалось открыть с вами личный чат, чтобы принять форму; ничего не сделано. Попробуйте ещё раз.
discord-repeat = Это уже обработано.
discord-not-taken = Сейчас я не смог это принять; ничего не сделано. Попробуйте ещё раз чуть позже.
discord-team-needs-server = Командное наблюдение или шаблон живут в канале, где пишет clorebot, а здесь его нет: вы добавили clorebot только в свой аккаунт. Уберите here, и оно будет вашим (оповещения придут в личные сообщения), или попросите добавить clorebot на сервер по этой ссылке:

## Discord: формы (заголовки и подписи не длиннее 45 символов, подсказки — 100).
discord-form-key-title = Ваш API-ключ Clore
discord-form-key-label = API-ключ (clore.ai → Profile → API)
discord-form-key-placeholder = Эту форму видите только вы
discord-form-password-title = Ваш пароль SSH
discord-form-password-label = Пароль SSH для новых заказов или none
discord-form-password-rest = Другие настройки
discord-form-rent-env-title = Аренда с переменными окружения
discord-form-rent-env-what = Что арендовать (как после /rent)
discord-form-rent-env-env = Окружение: строки вида NAME=значение
discord-form-password-spaces = Пароль не может содержать пробелы или кавычки. Ничего не сохранено.
discord-form-env-misplaced = Указывайте переменные окружения только в поле «Окружение», а в поле «Что арендовать» не используйте кавычки. Ничего не арендовано.
discord-form-env-line-format = Строка окружения { $line } не имеет вида NAME=значение. Ничего не арендовано.
discord-form-env-line-quote = В строке окружения { $line } есть кавычка, которую я не могу передать. Ничего не арендовано.
discord-form-template-title = Шаблон с секретами
discord-form-template-what = Шаблон (как после /template)
discord-form-template-password = Пароль SSH (необязательно)
discord-form-template-jupyter = Токен Jupyter (необязательно)
discord-form-template-misplaced = Значения env, пароль и токен — только в свои поля, и без кавычек в строке шаблона. Ничего не сохранено.
discord-form-template-spaces = Пароль или токен не может содержать пробелы или кавычки. Ничего не сохранено.
discord-form-unknown = Эта форма не моя.

## Discord: описания параметров слеш-команд (не длиннее 100 символов).
discord-opt-help-command = Команда, которую нужно объяснить
discord-opt-key-action = set (открывает форму), status или remove
discord-opt-gpus-query = напр. 4090 max=4 x2 cc in [DE,NL] — все условия: /help gpus
discord-opt-server-id = ID сервера
discord-opt-rent-target = ID сервера (#42) или запрос: будет выбран самый дешёвый свободный сервер
discord-opt-rent-image = Docker-образ (по умолчанию — образ из /settings)
discord-opt-rent-spot = Арендовать на спот-рынке по этой ставке в сутки
discord-opt-rent-ports = напр. 22:tcp,8888:http
discord-opt-rent-template = Сохранённый шаблон (t=): чего не указано, берётся из него
discord-opt-rent-env = Добавить переменные окружения в форме, которую видите только вы
discord-opt-rent-count = Сколько серверов: самые дешёвые свободные по запросу (1–10)
discord-opt-rent-guard = Со spot: держать ставку впереди других, не выше этого за день
discord-opt-rent-margin = С guard: отрыв от ожидающих предложений (по умолчанию 2 % от guard)
discord-opt-rent-rebid = С guard: арендовать снова в пределах лимита, если перебьют
discord-opt-orders-all = Показать и завершённые заказы
discord-opt-cancel-orders = ID заказа, несколько (1001 1002) или all
discord-opt-cancel-issue = Что было не так (сообщается владельцу сервера)
discord-opt-spotprice-order = ID заказа
discord-opt-spotprice-price = Новая ставка в сутки
discord-opt-spotguard-order = ID заказа
discord-opt-spotguard-max = Максимальная ставка в день
discord-opt-spotguard-margin = Отрыв от ожидающих предложений (по умолчанию 2 % от max)
discord-opt-spotguard-rebid = Арендовать снова в пределах лимита, если перебьют
discord-opt-spotguard-off = Снять защиту
discord-opt-spend-period = 7d (по умолчанию) или 30d
discord-opt-earnings-period = 7d (по умолчанию) или 30d
discord-opt-market-query = Модели GPU, чтобы сузить список, например 4090 или a100 (пусто — все)
discord-opt-history-query = Модель GPU, напр. 4090 или "rtx 3090"
discord-opt-history-period = 24h, 7d (по умолчанию) или 30d
discord-opt-watch-query = напр. 4090 max=4 x2 cc in [DE,NL] — все условия: /help gpus
discord-opt-watch-once = Отключить после первого оповещения
discord-opt-watch-here = Присылать оповещения в этот канал (нужно право «Управлять каналами»)
discord-opt-watch-cooldown = Пауза между оповещениями, напр. 30m
discord-opt-watch-digest = Собирать совпадения в одно сообщение раз в час или в день
discord-opt-watch-autorent = on или ограничения: max_orders=N daily_cap=X keep
discord-opt-unwatch-id = ID отслеживания
discord-opt-snooze-id = ID отслеживания
discord-opt-snooze-for = На сколько, напр. 2h, или off
discord-opt-hostset-all = Все ваши серверы
discord-opt-hostset-gpu = Все серверы с этой моделью GPU (4090, a100…)
discord-opt-hostset-name = Имя сервера
discord-opt-hostset-state = Сдавать в аренду или нет
discord-opt-hostset-mrl = Максимальный срок аренды в часах
discord-opt-hostset-price = Цена по требованию в сутки: BTC (0.00005) или доллары ($3.40)
discord-opt-hostset-spot = Минимальная спот-цена в сутки: BTC (0.00002) или доллары ($1.50)
discord-opt-settings-currency = Валюта отображения
discord-opt-settings-image = Docker-образ по умолчанию
discord-opt-settings-sshkey = Публичный SSH-ключ для новых заказов или none
discord-opt-settings-locale = Код языка
discord-opt-settings-quiet = Тихие часы, например 23:00-08:00, или off
discord-opt-settings-tz = Часовой пояс тихих часов, например Europe/Berlin
discord-opt-settings-idle = Хостам: сообщать, когда сервер свободен столько часов, или off
discord-opt-settings-undercut = Хостам: сообщать, когда появится столько более дешёвых, или off
discord-opt-settings-password = Задать или удалить пароль SSH в форме, которую видите только вы
discord-opt-template-action = save, show, delete или list
discord-opt-template-name = Имя шаблона: a-z, 0-9, - и _, не длиннее 32
discord-opt-template-image = Docker-образ
discord-opt-template-ports = Порты, например 22:tcp,8888:http
discord-opt-template-sshkey = Открытый SSH-ключ для его заказов
discord-opt-template-command = Команда запуска
discord-opt-template-here = Командный шаблон этой группы (только админы)
discord-opt-template-secrets = Значения env, пароль SSH или токен Jupyter — в форме, которую видите только вы
