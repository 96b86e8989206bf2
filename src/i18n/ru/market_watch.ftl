## Рыночные подписки: /watch с count>=, drop>=, rise>=, newlow=; что они говорят при создании, в списке и при срабатывании.

mwatch-parse-count = `{ $term }`: count>= принимает целое число от 1 до { $max }, например count>=5.
mwatch-parse-pct = { $rise ->
    [true] `{ $term }`: укажите процент больше 0 и не больше { $max }, например rise>=10%.
   *[other] `{ $term }`: укажите процент больше 0 и меньше 100, например drop>=10%.
}
mwatch-parse-newlow-window = `{ $term }`: укажите, за какой срок смотреть, например newlow=7d.
mwatch-parse-op = `{ $term }`: здесь есть только сравнение { $word }>=…, например { $word }>=5.
mwatch-parse-window = `{ $term }`: окно — от 1h до 30d, например in=24h или newlow=7d.
mwatch-parse-two = `{ $term }`: одно рыночное условие на подписку (в этой уже есть { $first }); создайте для него вторую.
mwatch-parse-goes-with-move = `{ $term }` используется с drop>= или rise>=, например drop>=10% in=24h median.
mwatch-parse-autorent = Рыночная подписка не арендует автоматически; уберите autorent или рыночное условие.
mwatch-parse-spot = `spot`: история цен записывается только для цен по запросу; уберите spot.
mwatch-parse-all = `all`: рыночные подписки смотрят только на свободные серверы; уберите all.
mwatch-parse-currency = `{ $term }`: история цен записывается в USD, поэтому движения цен сравниваются в USD; уберите currency=.

mwatch-describe-count = свободно не меньше { $n }
mwatch-describe-move = { $median ->
    [true] медианная
   *[other] самая низкая
} свободная цена { $rise ->
    [true] вырастает
   *[other] падает
} на { $pct }% или больше за { $window }
mwatch-describe-newlow = самая низкая свободная цена — минимум за { $window }

# Новая рыночная подписка: $query — запрос словами, $condition — условие словами.
mwatch-created-personal = Рыночная подписка #{ $id }: { $query }, когда { $condition } — уведомления вам в личку{ $extras }.
mwatch-created-team = Рыночная подписка #{ $id }: { $query }, когда { $condition } — уведомления в этот чат{ $extras }.
mwatch-now = { $n ->
    [0] Сейчас ничего подходящего не свободно.
    [one] Сейчас свободен { $n }, за { $price }.
    [few] Сейчас свободно { $n }, самый дешёвый за { $price }.
   *[other] Сейчас свободно { $n }, самый дешёвый за { $price }.
}
mwatch-edge = Я сообщу, когда условие выполнится, буду молчать, пока оно выполняется, и сообщу снова, когда оно перестанет выполняться и выполнится опять.
mwatch-needs-history = Условие станет осмысленным после { $window } истории цен: с { $at }.
mwatch-needs-history-none = Условие станет осмысленным после { $window } истории цен; по этим GPU пока ничего не записано.

mwatch-duplicate = Рыночная подписка #{ $id } ({ $query }) уже следит за этим здесь; /watches покажет её.

# /watches
mwatch-list-when = когда { $condition }
mwatch-state-waiting = осмысленно после { $window } истории (с { $at })
mwatch-state-waiting-none = осмысленно после { $window } истории (пока ничего не записано)

# Уведомления. $title — mwatch-alert-title.
mwatch-alert-title = Рыночная подписка #{ $id } ({ $query })
mwatch-alert-count = { $title }: сейчас свободно { $n }, не меньше { $at_least }, как просили.
mwatch-alert-move = { $title }: { $median ->
    [true] медианная
   *[other] самая низкая
} свободная цена { $rise ->
    [true] выросла
   *[other] упала
} на { $pct }% за { $window }: { $from } → { $to }.
mwatch-alert-newlow = { $title }: самая низкая свободная цена, { $price }, — минимум за { $window } (прежний минимум: { $before }).
mwatch-alert-cheapest = Самый дешёвый сейчас: #{ $server } — { $gpu } за { $price }.
