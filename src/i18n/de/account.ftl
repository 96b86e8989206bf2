## Your account: /settings, /key, /wallets, /myservers, /hostset.

settings-password-in-group = Set an SSH password only in a private chat with me. I deleted your message where I could and saved nothing; choose a different password, since others may have seen this one.
settings-locale-not-admin = Only this chat's admins choose its language. Set your own with /settings locale=… in a private chat with me.
settings-title = Your settings
settings-saved = Settings saved
settings-currency = Currency
settings-image = Default image
settings-image-default = { $image } (bot default)
settings-ssh-key = SSH key
settings-none = none
settings-ssh-password = SSH password
settings-password-saved = saved (encrypted)
settings-password-none = none: a new one per order
settings-language = Language
settings-language-chosen = { $name } ({ $code })
settings-language-auto = { $name } ({ $code }), from your app; choose with locale=en, de or ru
settings-change-with = Change with { $usage }
settings-chat-language-set = This chat's language is now { $name }: my answers here and the chat's team alerts use it.
settings-chat-language-cleared = This chat has no language of its own now: each member gets their own.
