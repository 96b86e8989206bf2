# Rent templates: /template, /templates, and what /rent and auto-rent say of them.
template-not-found = You have no template `{ $name }`. /templates lists yours.
template-gone = Its template was deleted; nothing was rented. Save it again or choose another.
template-unreadable = The secrets of template `{ $name }` can no longer be read; save it again.
template-here-private = `here` saves a team template for a group; in this private chat, leave it out.
template-here-admins = Only admins of this chat can save or delete its team templates.
template-team-secret = A team template holds no secrets (env, password, jupyter): save those in a personal template, in a private chat with me.
template-secret-in-group = Save env values, a password or a Jupyter token only in a private chat with me. I deleted your message where I could and saved nothing; change any secret others may have seen.
template-saved = Template `{ $name }` saved.
template-saved-team = Team template `{ $name }` saved for this group.
template-replaced = Template `{ $name }` replaced with what you gave.
template-use = Rent with it: /rent <query> t={ $name }
template-secret-sealed = Its secrets are stored encrypted and are never shown again.
template-too-many = You have { $n } templates, the most one may keep ({ $max }). Delete one with /template delete <name> first.
template-team-too-many = This group has { $n } team templates, the most allowed ({ $max }). Delete one with /template delete <name> first.
template-title = Template { $name }
template-title-team = Team template { $name }
template-default = your default
template-default-image = default image
template-login-key = its SSH key { $key }
template-login-password = its password { $mask }
template-login-saved = your saved login (/settings)
template-field-command = Start command
template-field-jupyter = Jupyter token
template-none = You have no templates yet. Save one: /template save <name> image=… ports=…
template-list-title = Your templates ({ $n } of { $max })
template-list-team = This group's team templates:
template-list-footer = /template show <name> · /rent <query> t=<name>
template-env-count = { $n ->
    [one] 1 env value
   *[other] { $n } env values
}
template-deleted = Template `{ $name }` deleted.
template-in-use = Template `{ $name }` is used by { $n ->
    [one] auto-rent watch { $watches }; nothing was deleted. Remove the watch with /unwatch first.
   *[other] auto-rent watches { $watches }; nothing was deleted. Remove the watches with /unwatch first.
}
