-- The console's groups and who opened each. The console has no platform to say who
-- administers a group, so the first person to speak in it does (as a Telegram group's
-- creator does), besides the users CLOREBOT_CONSOLE_ADMINS names.
CREATE TABLE console_groups (
    chat_id    text PRIMARY KEY,
    creator    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
