-- The shared record of sends (docs/telegram.md, "Sending"): every message a process's send
-- scheduler released to a platform, by chat, kept about a minute. A process taking over
-- sending (Telegram's poller, an alert sender) reads the last minute and counts those sends
-- against the platform's per-chat windows, so the handover causes no 429.
-- Unlogged: it is advice about the last minute, not worth a write-ahead log; a crash that
-- empties it costs at most one window's worth of caution.
CREATE UNLOGGED TABLE platform_sends (
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    sent_at TIMESTAMPTZ NOT NULL,
    -- Which scheduler (one per front-end and process) sent it: a process skips its own.
    sender BIGINT NOT NULL
);

CREATE INDEX platform_sends_recent ON platform_sends (platform, sent_at);
