# Шаблоны аренды: /template, /templates и что о них говорят /rent и автоаренда.
template-not-found = У вас нет шаблона `{ $name }`. /templates покажет ваши.
template-gone = Его шаблон удалён; ничего не арендовано. Сохраните его снова или выберите другой.
template-unreadable = Секреты шаблона `{ $name }` больше не читаются; сохраните его снова.
template-here-private = `here` сохраняет командный шаблон группы; в этом личном чате уберите его.
template-here-admins = Сохранять и удалять командные шаблоны этого чата могут только его админы.
template-team-secret = Командный шаблон не хранит секретов (env, password, jupyter): сохраните их в личном шаблоне, в личном чате со мной.
template-secret-in-group = Значения env, пароль или токен Jupyter сохраняйте только в личном чате со мной. Я удалил ваше сообщение, где смог, и ничего не сохранил; смените секреты, которые могли видеть другие.
template-saved = Шаблон `{ $name }` сохранён.
template-saved-team = Командный шаблон `{ $name }` сохранён для этой группы.
template-replaced = Шаблон `{ $name }` заменён указанным.
template-use = Арендовать по нему: /rent <запрос> t={ $name }
template-secret-sealed = Его секреты хранятся зашифрованными и больше не показываются.
template-too-many = У вас { $n } шаблонов — это предел ({ $max }). Сначала удалите один: /template delete <имя>.
template-team-too-many = У этой группы { $n } командных шаблонов — это предел ({ $max }). Сначала удалите один: /template delete <имя>.
template-title = Шаблон { $name }
template-title-team = Командный шаблон { $name }
template-default = ваше значение по умолчанию
template-default-image = образ по умолчанию
template-login-key = его SSH-ключ { $key }
template-login-password = его пароль { $mask }
template-login-saved = ваш сохранённый вход (/settings)
template-field-command = Команда запуска
template-field-jupyter = Токен Jupyter
template-none = У вас пока нет шаблонов. Сохраните: /template save <имя> image=… ports=…
template-list-title = Ваши шаблоны ({ $n } из { $max })
template-list-team = Командные шаблоны этой группы:
template-list-footer = /template show <имя> · /rent <запрос> t=<имя>
template-env-count = { $n ->
    [one] { $n } значение env
    [few] { $n } значения env
   *[other] { $n } значений env
}
template-deleted = Шаблон `{ $name }` удалён.
template-in-use = Шаблон `{ $name }` { $n ->
    [one] использует наблюдение с автоарендой { $watches }; ничего не удалено. Сначала удалите наблюдение через /unwatch.
   *[other] используют наблюдения с автоарендой { $watches }; ничего не удалено. Сначала удалите их через /unwatch.
}
