# /hostset: подтверждение со старыми и новыми значениями каждого сервера, ход отправки
# серверов по очереди и итог по каждому серверу.

hostset-title = { $n ->
    [one] Изменить { $n } сервер?
    [few] Изменить { $n } сервера?
   *[other] Изменить { $n } серверов?
}
hostset-server = { $name } ({ $gpu }):
hostset-price = · цена: { $values }
hostset-spot = · минимум spot: { $values }
hostset-mrl = · макс. аренда: { $values }
hostset-available = · доступен: { $values }
hostset-from-to = { $old } → { $new }
hostset-same = { $value } (без изменений)
hostset-btc-usd = { $btc } ({ $usd })
hostset-unknown = неизвестно
hostset-rate = Доллары пересчитаны по { $rate } за биткоин, текущему курсу рынка.
hostset-mixed = У этих серверов разные модели или число GPU: одна цена для всех может подойти не каждому.
hostset-confirm-within = { $n ->
    [one] Ничего не отправляется, пока вы не подтвердите (в течение { $within }).
   *[other] Ничего не отправляется, пока вы не подтвердите (в течение { $within }). Серверы уходят по одному, в темпе Clore для вашего ключа: всего около { $takes }.
}
hostset-abort-what = { $n ->
    [one] изменение { $n } сервера
   *[other] изменение { $n } серверов
}
hostset-progress = Отправлено { $done } из { $n }…
hostset-progress-sent = ✓ { $name }: отправлено
hostset-progress-sending = ⏳ { $name }: отправляется…
hostset-progress-waiting = · { $name }: ждёт очереди
hostset-all-changed = { $n ->
    [one] Изменено:
   *[other] Изменены все { $n }:
}
hostset-some-changed = Изменено { $changed } из { $n }:
hostset-changed = ✓ { $name }: теперь { $price } (проверено)
hostset-not-verified = ? { $name }: отправлено ({ $price }), но Clore пока этого не показывает
hostset-failed = ✗ { $name }: { $why }
hostset-gone = { $name } больше нет среди ваших серверов
hostset-interrupted = Это изменение отправлялось, когда бот перезапустился. Ничего не отправляется повторно; что Clore показывает сейчас:
hostset-interrupted-has = ✓ У { $name } новые значения
hostset-interrupted-not = ✗ У { $name } их нет (отправьте /hostset снова, если они ещё нужны)
