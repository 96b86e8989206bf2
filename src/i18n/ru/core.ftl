## Общее для всех команд: ошибки, суммы, длительности.

servers-count = { $n ->
    [one] { $n } сервер
    [few] { $n } сервера
   *[many] { $n } серверов
}

not-a-command = Команды начинаются с /. Отправьте /help, чтобы увидеть список.
parser-panicked = При чтении этой команды что-то пошло не так (код { $reference }).
internal-error = У нас что-то пошло не так (код { $reference }). Попробуйте ещё раз; если ошибка повторится, сообщите этот код оператору бота.
no-key = Для этого нужен ваш API-ключ Clore. Получите его на clore.ai → Profile → API и отправьте мне /key set <ключ> в личном чате (он хранится в зашифрованном виде).
key-unreadable = Сохранённый API-ключ Clore больше не удаётся прочитать (ключ шифрования бота изменился). Задайте его заново командой /key set <ключ> в личном чате.
admin-check-failed = Мне не удалось проверить в { $platform }, администрируете ли вы этот чат, поэтому ничего не изменено. Попробуйте ещё раз.
no-private-chat = Здесь я не могу написать вам лично. Начните со мной личный чат и попробуйте снова.
# После «в»: «в { $platform }».
platform-telegram = Telegram
platform-discord = Discord
platform-console = консоли

clore-invalid-key = Clore отклонил ваш API-ключ (неверный или отозванный). Задайте новый командой /key set <ключ> в личном чате.
clore-rate-limited = Clore сейчас ограничивает частоту запросов. Попробуйте через несколько секунд.
clore-not-answering = Clore сейчас отвечает с ошибками (запрос к { $endpoint } не удался даже после повторных попыток). Попробуйте чуть позже.
clore-invalid-input = Clore отклонил входные данные для { $endpoint }.
clore-invalid-input-detail = Clore отклонил входные данные для { $endpoint }: { $detail }
clore-max-step = Спот-цену нельзя снизить так сильно за один раз; сейчас минимально допустимая цена — { $max_step }.
clore-lower-every = Спот-цену можно снижать раз в 10 минут; следующее изменение возможно через { $wait }.
clore-no-balance = В кошельке недостаточно средств для этого заказа.
clore-already-rented = Этот сервер уже арендован.
clore-offline = Этот сервер не в сети.
clore-too-low = Предложенная цена слишком низкая для этого сервера.
clore-currency-refused = Владелец сервера не принимает эту валюту.
clore-refused = Clore отклонил запрос к { $endpoint }: { $error }
clore-invalid = { $field }: { $problem }
clore-uncertain = Неясно, был ли создан заказ на сервере #{ $server } ({ $cause }); проверьте /orders, прежде чем арендовать снова.

money-usd = { $amount } $
money-clore = { $amount } CLORE
money-btc = { $amount } BTC
per-day = { $day }/сутки ({ $hour }/ч)
per-day-short = { $day }/сутки
percent = { $n } %
no-value = —
unknown-value = ?

duration-days-hours = { $d } д { $h } ч
duration-hours-minutes = { $h } ч { $m } мин
duration-minutes = { $m } мин
duration-seconds = { $s } с
span-hours = { $n ->
    [one] { $n } час
    [few] { $n } часа
   *[many] { $n } часов
}
span-minutes = { $n ->
    [one] { $n } минута
    [few] { $n } минуты
   *[many] { $n } минут
}
