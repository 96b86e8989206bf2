-- Process liveness and the inbox (docs/architecture.md, "The inbox"): what a platform handed
-- over is written down before it is acknowledged, so that a survivor finishes it if the
-- process that took it dies.

-- Every `clorebot run` process writes `seen_at` about once a second. A process whose
-- `seen_at` is more than a few seconds old (by the database's clock) is dead: its unfinished
-- inbox rows are taken over.
CREATE TABLE processes (
    id         UUID        PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    seen_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A Discord interaction (platform 'discord': `bot` is the application id, `item` the
-- interaction id) or a Telegram update ('telegram': the bot's user id, the update id), from
-- the moment it was taken until it was answered. The body (the interaction with its token,
-- the update with what the user typed) is sealed under the master key, bound to the row, and
-- wiped once the item is done; the row stays a while to refuse a repeat of its id.
CREATE TABLE inbox (
    platform    TEXT        NOT NULL,
    bot         BIGINT      NOT NULL,
    item        BIGINT      NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The process finishing it: the one that took it, or the survivor that took it over.
    owner       UUID        NOT NULL,
    -- How many times a survivor took it over (an item that kills every process that handles
    -- it is given up after a few).
    takeovers   INT         NOT NULL DEFAULT 0,
    done_at     TIMESTAMPTZ,
    key_version INT,
    nonce       BYTEA,
    ciphertext  BYTEA,
    PRIMARY KEY (platform, bot, item)
);
CREATE INDEX inbox_open ON inbox (platform, bot, received_at) WHERE done_at IS NULL;
