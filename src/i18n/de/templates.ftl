# Mietvorlagen: /template, /templates und was /rent und Auto-Miete darüber sagen.
template-not-found = Du hast keine Vorlage `{ $name }`. /templates zeigt deine.
template-gone = Ihre Vorlage wurde gelöscht; nichts wurde gemietet. Speichere sie neu oder wähle eine andere.
template-unreadable = Die Geheimnisse der Vorlage `{ $name }` lassen sich nicht mehr lesen; speichere sie neu.
template-here-private = `here` speichert eine Team-Vorlage für eine Gruppe; lass es in diesem privaten Chat weg.
template-here-admins = Nur Admins dieses Chats können seine Team-Vorlagen speichern oder löschen.
template-team-secret = Eine Team-Vorlage enthält keine Geheimnisse (env, password, jupyter): speichere sie in einer persönlichen Vorlage, im privaten Chat mit mir.
template-secret-in-group = env-Werte, ein Passwort oder ein Jupyter-Token nur im privaten Chat mit mir speichern. Ich habe deine Nachricht gelöscht, wo ich konnte, und nichts gespeichert; ändere Geheimnisse, die andere gesehen haben könnten.
template-saved = Vorlage `{ $name }` gespeichert.
template-saved-team = Team-Vorlage `{ $name }` für diese Gruppe gespeichert.
template-replaced = Vorlage `{ $name }` durch deine Angaben ersetzt.
template-use = Damit mieten: /rent <Suche> t={ $name }
template-secret-sealed = Ihre Geheimnisse werden verschlüsselt gespeichert und nie wieder gezeigt.
template-too-many = Du hast { $n } Vorlagen, das Höchste ({ $max }). Lösche zuerst eine mit /template delete <Name>.
template-team-too-many = Diese Gruppe hat { $n } Team-Vorlagen, das Höchste ({ $max }). Lösche zuerst eine mit /template delete <Name>.
template-title = Vorlage { $name }
template-title-team = Team-Vorlage { $name }
template-default = deine Voreinstellung
template-default-image = Standard-Image
template-login-key = ihr SSH-Schlüssel { $key }
template-login-password = ihr Passwort { $mask }
template-login-saved = dein gespeicherter Zugang (/settings)
template-field-command = Startbefehl
template-field-jupyter = Jupyter-Token
template-none = Du hast noch keine Vorlagen. Speichere eine: /template save <Name> image=… ports=…
template-list-title = Deine Vorlagen ({ $n } von { $max })
template-list-team = Team-Vorlagen dieser Gruppe:
template-list-footer = /template show <Name> · /rent <Suche> t=<Name>
template-env-count = { $n ->
    [one] 1 env-Wert
   *[other] { $n } env-Werte
}
template-deleted = Vorlage `{ $name }` gelöscht.
template-in-use = Vorlage `{ $name }` wird { $n ->
    [one] vom Auto-Miete-Watch { $watches } genutzt; nichts wurde gelöscht. Entferne den Watch zuerst mit /unwatch.
   *[other] von den Auto-Miete-Watches { $watches } genutzt; nichts wurde gelöscht. Entferne die Watches zuerst mit /unwatch.
}
