-- Languages (issue 13). `users.locale` is now what the user chose with /settings, NULL when
-- they chose nothing (then their app's language is used, kept in `platform_locale` so alerts
-- can follow it too). Until now the column was never read and 'en' was only its default, so
-- an 'en' there is taken for "not chosen".
ALTER TABLE users ALTER COLUMN locale DROP NOT NULL, ALTER COLUMN locale DROP DEFAULT;
UPDATE users SET locale = NULL WHERE locale = 'en';
ALTER TABLE users ADD COLUMN platform_locale TEXT;

-- A group's language, chosen by one of its admins with /settings locale=…: the bot's public
-- answers there and the chat's team alerts use it. NULL: each member's own.
ALTER TABLE chats ADD COLUMN locale TEXT;
