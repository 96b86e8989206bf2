## What the command parser says about a command it cannot read.

settings-locale-bad = language must be en (English), de (Deutsch) or ru (Русский), or auto for your app's language; not `{ $value }`.
