## Ваш аккаунт: /settings, /key, /wallets, /myservers, /hostset.

settings-password-in-group = Задавайте SSH-пароль только в личном чате со мной. Я удалил ваше сообщение, где это было возможно, и ничего не сохранил; выберите другой пароль — этот могли увидеть другие.
settings-locale-not-admin = Язык этого чата выбирают только его администраторы. Свой язык задайте командой /settings locale=… в личном чате со мной.
settings-title = Ваши настройки
settings-saved = Настройки сохранены
settings-currency = Валюта
settings-image = Образ по умолчанию
settings-image-default = { $image } (образ бота по умолчанию)
settings-ssh-key = SSH-ключ
settings-none = нет
settings-ssh-password = SSH-пароль
settings-password-saved = сохранён (зашифрован)
settings-password-none = нет: новый для каждого заказа
settings-language = Язык
settings-language-chosen = { $name } ({ $code })
settings-language-auto = { $name } ({ $code }), из вашего приложения; выбрать: locale=en, de или ru
settings-change-with = Изменить: { $usage }
settings-chat-language-set = Язык этого чата теперь { $name }: на нём я отвечаю здесь и присылаю командные оповещения чата.
settings-chat-language-cleared = У этого чата больше нет своего языка: каждый участник получает ответы на своём.

## /key
key-in-group = Никогда не публикуйте API-ключ Clore в группе: я удалил ваше сообщение, где это было возможно, и не сохранил ключ. Любой, кто его видел, может потратить ваш баланс, поэтому создайте на clore.ai новый ключ и отправьте его мне в личном чате командой /key set <ключ>.
key-refused = Clore отклонил этот ключ (неверный или отозванный); ничего не сохранено. Проверьте его на clore.ai → Profile → API.
key-check-failed = Мне не удалось проверить ключ в Clore, поэтому я его не сохранил: { $reason } Ваше сообщение удалено; отправьте ключ ещё раз.
key-saved = Ключ сохранён в зашифрованном виде (отпечаток { $fingerprint }). Я удалил ваше сообщение, чтобы ключ не остался в этом чате.
key-balances = Балансы: { $balances }
key-next = Попробуйте /orders, /wallets или арендуйте сервер командой /rent <id сервера>.
key-status = Ваш API-ключ Clore задан (отпечаток { $fingerprint }, сохранён { $saved }). /key remove удалит его.
key-removed = Ваш API-ключ Clore удалён. Отслеживания остаются, но для аренды и оповещений о заказах снова нужен ключ.
key-none-stored = У вас не было сохранённого ключа.

## /wallets
wallets-title = Ваши кошельки Clore
wallets-none = Для вашего ключа Clore не показывает ни одного кошелька.
wallets-balance-unknown = неизвестно
wallets-deposit = Адрес пополнения { $currency }

## /myservers, /hostset
hosts-none = Вы не размещаете серверы на Clore.
hosts-title = Ваши серверы: { $n }
hosts-offline = не в сети
hosts-rented = в сети, арендован
hosts-free = в сети, свободен
hosts-no-gpu = GPU не указан
hosts-change-with = Изменить один сервер, все или одной модели: /hostset <имя>|all|gpu=<модель> on|off mrl=<часы> price=<$/сутки или btc/сутки> spot=<$/сутки или btc/сутки>.
hosts-unknown-name = У вас нет сервера с именем `{ $name }`. Ваши: { $yours }.
hosts-yours-none = нет
hosts-prices-unknown = Clore не сообщил текущие цены этого сервера в BTC; укажите и price=, и spot= (BTC в сутки).
hosts-unknown-gpu = Ни у одного из ваших серверов нет GPU, подходящей под `{ $gpu }`. Ваши: { $yours }.
hosts-no-rate = Рынок сейчас не даёт курса биткоина, чтобы пересчитать цену в долларах; попробуйте через минуту или укажите цену в BTC в сутки.
hosts-too-dear = { $typed } означает { $btc } в сутки — больше { $limit } в сутки за каждую GPU сервера { $name } (всего { $gpus }): вы имели в виду { $meant }?
hosts-available-yes = да
hosts-available-no = нет (скрыт)
hosts-hours = { $hours } ч
hosts-visibility-hidden = скрыт
hosts-on-demand = По требованию
hosts-spot-minimum = Мин. спот-цена
hosts-rented-on-demand = в сети, арендован по требованию
hosts-rented-spot = в сети, арендован на спот-рынке
hosts-offer = { $gpus }× { $model }
hosts-field-gpu = GPU
hosts-field-status = Состояние
hosts-rank = №{ $rank } из { $of } свободных { $offer }
hosts-rank-would = был бы №{ $rank } из { $of } свободных { $offer }
hosts-figures = Свободные: дешевле всех { $cheapest } · p25 { $p25 } · медиана { $median } в день
hosts-cheaper-than = Дешевле { $pct } % свободных { $offer }
hosts-no-standing = Место на рынке неизвестно: рынок недоступен или GPU сервера не указан.
hosts-suggest-quarter = Совет (дешёвая четверть): ≤ { $price }, чтобы попасть в самую дешёвую четверть.
hosts-suggest-headroom = Совет (запас): до { $price } сервер останется в самой дешёвой четверти.
hosts-suggest-hold = Совет (держать): сервер в самой дешёвой четверти; цену оставить.
hosts-suggest-few = Совет (мало конкурентов): меньше четырёх свободных, самый дешёвый просит { $price }.
hosts-suggest-few-cheapest = Совет (мало конкурентов): меньше четырёх свободных, и этот самый дешёвый; цену оставить.
hosts-suggest-alone = Совет (мало конкурентов): других свободных серверов такого вида нет; цену оставить.
hosts-suggest-rented = Совет (арендован): цена сейчас не конкурирует; оставить.
hosts-suggest-offline = Совет (не в сети): сейчас не сдаётся; включите или сделайте публичным, чтобы конкурировать.
hosts-summary = Серверов: { $n }; арендовано { $rented } (по требованию { $on_demand }, спот { $spot }), свободно { $free } (в дешёвой четверти { $quarter }), не в сети или скрыто { $offline }.
hosts-open-one = Нажмите номер, чтобы открыть экран сервера.
hosts-rented-share = В аренде { $day } последних 24 ч, { $week } последних 7 дн. (из времени, что я видел).
hosts-rented-unseen = Аренда за последние 7 дн.: ещё не видел (записываю с первого взгляда).
hosts-set-button = Установить { $price }

## Что не так с данными для Clore; идёт после имени поля («image: нужно указать Docker-образ»).
validate-empty = не может быть пустым
validate-too-long = { $n ->
    [one] { $n } символ
    [few] { $n } символа
   *[many] { $n } символов
}; допускается не более { $max }
validate-token-char = содержит '{ $char }'; допустимы латинские буквы, цифры, пробелы и - = . @ + /
validate-token-char-other = содержит не-ASCII или управляющий символ; допустимы латинские буквы, цифры, пробелы и - = . @ + /
validate-image-empty = нужно указать Docker-образ
validate-image-bad = не является ссылкой на Docker-образ (только латинские буквы, цифры и . _ - / : @, например pytorch/pytorch:latest)
validate-image-component = содержит `{ $part }` — это не часть имени: строчные латинские буквы и цифры, соединённые одной точкой, одним или двумя подчёркиваниями или дефисами (например pytorch/pytorch:latest)
validate-image-empty-part = содержит пустую часть имени (имя не может начинаться или заканчиваться на / или содержать два / подряд)
validate-image-registry = содержит `{ $part }` на месте реестра, но это не имя хоста с необязательным :портом (например ghcr.io или localhost:5000)
validate-image-tag = содержит тег `{ $part }`; тег — от 1 до 128 латинских букв, цифр и _ . -, начинается с буквы, цифры или _
validate-image-digest = содержит дайджест `{ $part }`; дайджест — алгоритм:hex, не менее 32 шестнадцатеричных цифр (например sha256:…)
validate-ssh-one-line = должно быть одной строкой
validate-ssh-not-a-key = должно быть строкой публичного ключа, например "ssh-ed25519 AAAA… you@host"
validate-ssh-type = должно начинаться с типа ключа, например ssh-ed25519, ssh-rsa или ecdsa-sha2-nistp256
validate-ssh-not-base64 = тело ключа не в формате base64; вставьте целиком строку из вашего файла .pub
validate-ssh-mismatch = тело ключа не соответствует его типу; вставьте целиком строку из вашего файла .pub
validate-ssh-dsa = ключ DSA (ssh-dss) OpenSSH по умолчанию отвергает с версии 7.0 и не поддерживает с 9.8; создайте новый командой ssh-keygen -t ed25519
validate-ssh-ed25519 = содержит тело ключа { $kind }, в котором нет ровно одного 32-байтового ключа; вставьте целиком строку из вашего файла .pub
validate-ssh-ecdsa = содержит тело ключа { $kind }, у которого имя кривой или точка не соответствуют типу (нужна несжатая точка из { $bytes } байт); вставьте целиком строку из вашего файла .pub
validate-ssh-rsa = содержит тело ключа ssh-rsa, которое не является ключом RSA (нечётная экспонента больше 1 и положительный модуль); вставьте целиком строку из вашего файла .pub
validate-ssh-rsa-short = { $bits }-битный ключ RSA слишком короткий; нужно не меньше { $min } бит (ssh-keygen -t ed25519 создаёт короткий и надёжный ключ)
validate-ssh-sk = содержит тело ключа { $kind }, которое не является полным ключом безопасности (FIDO); вставьте целиком строку из вашего файла .pub
validate-ssh-trailing = содержит лишние байты после ключа; вставьте целиком строку из вашего файла .pub
validate-price-not-finite = должно быть конечным числом
validate-price-not-positive = должно быть больше нуля
validate-ports-too-many = указано { $n }; допускается не более { $max }
validate-ports-http = http может быть не более чем у одного порта
validate-port-zero = порт 0 недопустим
validate-port-twice = порт { $port } указан дважды
validate-env-name-bad = '{ $name }' — недопустимое имя переменной
validate-env-name-long = имя { $name } длиннее { $max ->
    [one] { $max } символа
    [few] { $max } символов
   *[many] { $max } символов
}
validate-env-value-long = значение { $name } длиннее { $max ->
    [one] { $max } символа
    [few] { $max } символов
   *[many] { $max } символов
}
validate-env-total = в виде строки занимает { $n ->
    [one] { $n } символ
    [few] { $n } символа
   *[many] { $n } символов
}; допускается не более { $max }
validate-server-name = должно быть именем одного из ваших серверов
validate-mrl-zero = должно быть не меньше 1 часа
validate-mrl-long = должно быть не больше { $max ->
    [one] { $max } часа
    [few] { $max } часов
   *[many] { $max } часов
} (десять лет)
validate-issue-empty = если указано, не может быть пустым
settings-quiet = Тихие часы
settings-quiet-off = выключены; задайте через quiet=23:00-08:00 tz=Europe/Berlin
settings-quiet-not-admin = Тихие часы этого чата задают только его админы. Свои задайте через /settings quiet=… в личном чате со мной.
settings-idle = Простой
settings-idle-hours = хостам: сигнал после { $hours } ч простоя
settings-undercut = Демпинг
settings-undercut-n = хостам: сигнал, когда появится { $n } более дешёвых серверов
settings-host-alert-off = выключен
settings-chat-quiet-set = Тихие часы этого чата теперь { $hours }: командные оповещения, которые могут подождать, в это время придерживаются и приходят одной сводкой, когда часы закончатся.
settings-chat-quiet-off = У этого чата больше нет тихих часов (часовой пояс { $tz }).
settings-chat-quiet = Тихие часы этого чата
