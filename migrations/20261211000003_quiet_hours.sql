-- Quiet hours and digests (docs/alerts.md, "Quiet hours and digests").
--
-- A person's quiet hours (`/settings quiet=… tz=…` in private) or a group's (the same in the
-- group, by its admins): minutes after local midnight in an IANA time zone; the window may
-- cross midnight. No window (`quiet=off`) keeps the zone, for the next `quiet=`.
CREATE TABLE quiet_hours (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT REFERENCES users (id) ON DELETE CASCADE,
    chat_id    BIGINT REFERENCES chats (id) ON DELETE CASCADE,
    starts_min SMALLINT CHECK (starts_min BETWEEN 0 AND 1439),
    ends_min   SMALLINT CHECK (ends_min BETWEEN 0 AND 1439),
    tz         TEXT     NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT quiet_hours_one_owner CHECK ((user_id IS NULL) <> (chat_id IS NULL)),
    CONSTRAINT quiet_hours_whole_window CHECK ((starts_min IS NULL) = (ends_min IS NULL)),
    UNIQUE (user_id),
    UNIQUE (chat_id)
);

-- Every alert says whether it may wait (urgent ones never do). One that may wait is held —
-- not claimed by any sender — while its chat is quiet, past a burst, or until its watch's
-- digest period ends (`release_at`; NULL: when the quiet window ends). Held alerts go out
-- folded into one digest alert, in the transaction that marks them delivered with
-- `digest_id` naming it; `part` is what the digest needs of a watch's alert.
ALTER TABLE outbox
    ADD COLUMN urgent     BOOLEAN NOT NULL DEFAULT TRUE,
    ADD COLUMN held       BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN release_at TIMESTAMPTZ,
    ADD COLUMN part       JSONB,
    ADD COLUMN digest_id  BIGINT REFERENCES outbox (id);

CREATE INDEX outbox_held ON outbox (platform, target_chat_id, target_user_id)
    WHERE held AND delivered_at IS NULL AND failed_at IS NULL;

-- A burst is told by the alerts a chat (or person) got in the last minute; the outbox keeps
-- delivered alerts, so these are looked up by index.
CREATE INDEX outbox_recent_to_user ON outbox (target_user_id, created_at) WHERE target_user_id IS NOT NULL;
CREATE INDEX outbox_recent_to_chat ON outbox (platform, target_chat_id, created_at) WHERE target_user_id IS NULL;

-- `/watch … digest=hourly|daily`: the watch's matches collected into one message per period.
ALTER TABLE watches ADD COLUMN digest TEXT CHECK (digest IN ('hourly', 'daily'));
