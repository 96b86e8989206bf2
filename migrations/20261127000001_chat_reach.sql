-- A chat the bot can no longer post in (it was removed from the group, the user blocked it):
-- alerts to it are kept in the outbox as given up ("gone") instead of being sent, until the
-- bot is back (added again, or any message from the chat arrives).
ALTER TABLE chats ADD COLUMN unreachable_since TIMESTAMPTZ;
