-- A private alert may go to a user whose private chat is not known yet (Discord opens DM
-- channels on demand): its chat is then NULL and the platform's notifier resolves it from
-- target_user_id when it sends.
ALTER TABLE outbox ALTER COLUMN target_chat_id DROP NOT NULL;
ALTER TABLE outbox ADD CONSTRAINT outbox_has_target CHECK (target_chat_id IS NOT NULL OR target_user_id IS NOT NULL);

-- A team watch made in a forum topic or thread alerts into that topic, not the chat's main
-- one: the watch and each alert carry the thread.
ALTER TABLE watches ADD COLUMN thread_id TEXT;
ALTER TABLE outbox ADD COLUMN target_thread_id TEXT;
