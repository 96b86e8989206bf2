## Оповещения, которые бот присылает сам: заказы, баланс, ваши серверы.

alerts-order-ready = Заказ { $order } на #{ $server } готов:
alerts-order-ending = Заказ { $order } на #{ $server } закончится через { $left } (истекает максимальный срок аренды). Если сервер ещё нужен, арендуйте его снова командой /rent #{ $server }.
alerts-order-ended-spot = Заказ { $order } на #{ $server } завершён: его перебили, отменили или истёк его срок.
alerts-order-ended-max = Заказ { $order } на #{ $server } завершён: истёк максимальный срок аренды.
alerts-order-ended-stopped = Заказ { $order } на #{ $server } завершён: его отменили или остановили.
alerts-low-balance = Низкий баланс { $currency }: { $balance } хватит примерно на { $covers } при текущих расходах ваших заказов ({ $spend }). Пополните баланс (см. /wallets), чтобы они продолжали работать.

alerts-host-online = Ваш сервер { $name } снова в сети.
alerts-host-offline = Ваш сервер { $name } вышел из сети.
alerts-host-rented = Ваш сервер { $name } арендован.
alerts-host-free = Ваш сервер { $name } снова свободен (аренда закончилась).
# $hours: how long (a duration); $price: a day, in the host's currency.
alerts-host-idle = Ваш сервер { $name } свободен уже { $hours } по цене { $price } в день. Его место среди свободных серверов той же модели покажет /myservers.
alerts-host-idle-unpriced = Ваш сервер { $name } свободен уже { $hours }. Ваши серверы покажет /myservers.
alerts-undercut-now = теперь №{ $rank } из { $of } за { $price }
alerts-undercut-left = { $name } выпал из самой дешёвой четверти свободных { $offer }: { $now }; четверть кончается на { $p25 }.
alerts-undercut-more = Ещё { $n } свободных { $offer } дешевле, чем { $name }: { $now }.
alerts-undercut-open = Где он стоит
guard-raised = #{ $order }: ожидает ставка { $waiting } → ваша теперь { $bid } (лимит { $cap }).
guard-lowered = #{ $order }: лучшее другое предложение { $best } → ваша ставка снижена до { $bid }.
guard-at-cap = #{ $order }: другое предложение ({ $waiting }) близко к вашему лимиту { $cap }. Поднимите лимит, иначе заказ могут перебить.
guard-cap-button = Лимит { $max } (+{ $pct } %)
guard-changes = #{ $order }: ставка менялась { $n } { $n ->
    [one] раз
    [few] раза
   *[other] раз
} за { $within }: { $bids }. Сейчас { $bid } (лимит { $cap }).
guard-outbid = #{ $order } на сервере { $server } перебит: выиграла ставка { $winning }.
guard-rent-again-button = Арендовать снова как spot за { $bid } (#{ $server })
guard-rebid-none = В пределах лимита { $cap } снова арендовать нечего: ни этот сервер, ни свободный { $gpu }.
guard-rebid-refused = Снова арендовать сервер { $server } за { $bid } не удалось. { $why }
guard-rebid-made = Снова арендовано в пределах лимита { $cap }: заказ { $order } на сервере { $server } за { $bid }, под защитой, как раньше.
guard-rebid-accepted = Снова арендовано в пределах лимита { $cap } на сервере { $server } за { $bid }, под защитой, как раньше; детали сообщу, когда Clore покажет заказ.

# Сводки: придержанные оповещения одним сообщением (alerts/digest.rs).
digest-title = { $n ->
    [one] Сводка: { $n } оповещение
    [few] Сводка: { $n } оповещения
   *[many] Сводка: { $n } оповещений
}
digest-watch = { $n ->
    [one] Отслеживание #{ $id } ({ $query }): { $n } сервер
    [few] Отслеживание #{ $id } ({ $query }): { $n } сервера
   *[many] Отслеживание #{ $id } ({ $query }): { $n } серверов
}
digest-more-free = …и ещё { $n } всё ещё свободны
digest-gone = уже не свободны: { $n } (не показаны)
digest-others-more = …и ещё оповещений: { $n }
