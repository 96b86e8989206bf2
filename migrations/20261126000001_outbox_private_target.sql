-- A private alert may go to a user whose private chat is not known yet (Discord opens DM
-- channels on demand): its chat is then NULL and the platform's notifier resolves it from
-- target_user_id when it sends.
ALTER TABLE outbox ALTER COLUMN target_chat_id DROP NOT NULL;
ALTER TABLE outbox ADD CONSTRAINT outbox_has_target CHECK (target_chat_id IS NOT NULL OR target_user_id IS NOT NULL);
