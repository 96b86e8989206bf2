-- clorebot's schema. Every NOT NULL column has a default or is set by the insert that
-- creates its row; timestamps are timestamptz (UTC); prices are per day, as Clore gives them.

-- A person on one platform. Settings live here: they are few and read with the user.
CREATE TABLE users (
    id               BIGSERIAL PRIMARY KEY,
    platform         TEXT        NOT NULL CHECK (platform IN ('telegram', 'discord', 'console')),
    platform_user_id TEXT        NOT NULL,
    display_name     TEXT        NOT NULL DEFAULT '',
    -- Where private replies and alerts reach the user (Telegram: the user id; console: dm:NAME).
    dm_chat_id       TEXT,
    currency         TEXT        NOT NULL DEFAULT 'usd' CHECK (currency IN ('usd', 'clore', 'btc')),
    default_image    TEXT,
    ssh_key          TEXT,
    locale           TEXT        NOT NULL DEFAULT 'en',
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (platform, platform_user_id)
);

-- A place replies and alerts can go: a private chat, a group, or a channel.
CREATE TABLE chats (
    id               BIGSERIAL PRIMARY KEY,
    platform         TEXT        NOT NULL CHECK (platform IN ('telegram', 'discord', 'console')),
    platform_chat_id TEXT        NOT NULL,
    kind             TEXT        NOT NULL CHECK (kind IN ('dm', 'group', 'channel')),
    guild_id         TEXT,
    title            TEXT        NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (platform, platform_chat_id)
);

-- Secrets a user gave us, encrypted (XChaCha20-Poly1305, AAD = user, kind, key version).
-- kind 'clore_api_key' is the Clore key; 'ssh_password' the saved default SSH password.
CREATE TABLE user_secrets (
    user_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT        NOT NULL CHECK (kind IN ('clore_api_key', 'ssh_password')),
    key_version INTEGER     NOT NULL CHECK (key_version > 0),
    nonce       BYTEA       NOT NULL CHECK (length(nonce) = 24),
    ciphertext  BYTEA       NOT NULL,
    fingerprint TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, kind)
);
-- `keys rotate` walks the rows not yet on the newest master key.
CREATE INDEX user_secrets_key_version ON user_secrets (key_version);

-- Price and availability watches. `query` is what the user typed; `query_parsed` its parsed
-- form; `gpu_model` the normalised model the watch is indexed by (NULL: any model).
CREATE TABLE watches (
    id             BIGSERIAL PRIMARY KEY,
    owner_id       BIGINT           NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    chat_id        BIGINT           NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    is_team        BOOLEAN          NOT NULL DEFAULT FALSE,
    query          TEXT             NOT NULL,
    query_parsed   JSONB            NOT NULL DEFAULT '{}'::jsonb,
    gpu_model      TEXT,
    max_price      DOUBLE PRECISION CHECK (max_price IS NULL OR max_price > 0),
    currency       TEXT             NOT NULL DEFAULT 'usd' CHECK (currency IN ('usd', 'clore', 'btc')),
    once           BOOLEAN          NOT NULL DEFAULT FALSE,
    cooldown_secs  INTEGER          NOT NULL DEFAULT 0 CHECK (cooldown_secs >= 0),
    snoozed_until  TIMESTAMPTZ,
    last_fired_at  TIMESTAMPTZ,
    autorent       JSONB,
    active         BOOLEAN          NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMPTZ      NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ      NOT NULL DEFAULT now()
);
CREATE INDEX watches_active_model ON watches (gpu_model) WHERE active;
CREATE INDEX watches_owner ON watches (owner_id);
CREATE INDEX watches_chat ON watches (chat_id);

-- Which servers a watch currently matches (edge-triggered alerts: fire on a new row).
CREATE TABLE watch_matches (
    watch_id      BIGINT           NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
    server_id     BIGINT           NOT NULL,
    price         DOUBLE PRECISION NOT NULL,
    first_seen_at TIMESTAMPTZ      NOT NULL DEFAULT now(),
    last_seen_at  TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (watch_id, server_id)
);

-- Orders the bot follows for their owners (from /rent, or found by the orders poller).
CREATE TABLE tracked_orders (
    user_id             BIGINT           NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    order_id            BIGINT           NOT NULL,
    server_id           BIGINT           NOT NULL,
    spot                BOOLEAN          NOT NULL DEFAULT FALSE,
    price               DOUBLE PRECISION,
    currency            TEXT,
    ends_at             TIMESTAMPTZ,
    status              TEXT             NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    endpoints_alerted   BOOLEAN          NOT NULL DEFAULT FALSE,
    ending_soon_alerted BOOLEAN          NOT NULL DEFAULT FALSE,
    ended_alerted       BOOLEAN          NOT NULL DEFAULT FALSE,
    watch_id            BIGINT           REFERENCES watches (id) ON DELETE SET NULL,
    created_at          TIMESTAMPTZ      NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, order_id)
);
CREATE INDEX tracked_orders_active ON tracked_orders (user_id) WHERE status = 'active';
CREATE INDEX tracked_orders_watch ON tracked_orders (watch_id) WHERE watch_id IS NOT NULL;

-- Hosts' servers as last seen, to alert on online <-> offline and rented <-> free.
CREATE TABLE host_servers (
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT        NOT NULL,
    server_id  BIGINT,
    online     BOOLEAN     NOT NULL DEFAULT FALSE,
    rented     BOOLEAN     NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, name)
);

-- Alerts waiting for delivery. Written in the transaction of the state change that caused
-- them; `dedup_key` makes a repeated write a no-op; notifiers claim rows with
-- FOR UPDATE SKIP LOCKED and a lease (`claimed_until`) so replicas never send one twice.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    dedup_key       TEXT        NOT NULL UNIQUE,
    platform        TEXT        NOT NULL CHECK (platform IN ('telegram', 'discord', 'console')),
    target_chat_id  TEXT        NOT NULL,
    target_user_id  BIGINT      REFERENCES users (id) ON DELETE CASCADE,
    payload         JSONB       NOT NULL,
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    claimed_until   TIMESTAMPTZ,
    delivered_at    TIMESTAMPTZ,
    failed_at       TIMESTAMPTZ,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX outbox_pending ON outbox (platform, next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;

-- One row per normalised GPU model per market poll, for /history and trends.
CREATE TABLE price_history (
    id           BIGSERIAL PRIMARY KEY,
    gpu_model    TEXT             NOT NULL,
    polled_at    TIMESTAMPTZ      NOT NULL,
    currency     TEXT             NOT NULL DEFAULT 'usd' CHECK (currency IN ('usd', 'clore', 'btc')),
    min_price    DOUBLE PRECISION,
    median_price DOUBLE PRECISION,
    available    INTEGER          NOT NULL DEFAULT 0,
    total        INTEGER          NOT NULL DEFAULT 0,
    UNIQUE (gpu_model, currency, polled_at)
);

-- Buttons in flight: a short token stands for an action one user may take until it expires
-- (no owner: anyone in the chat may press it, as on a team alert's Rent button).
CREATE TABLE pending_actions (
    token      TEXT        PRIMARY KEY,
    owner_id   BIGINT      REFERENCES users (id) ON DELETE CASCADE,
    payload    JSONB       NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX pending_actions_expires ON pending_actions (expires_at);

-- Who did what, and how it ended. Never a key or password.
CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    action     TEXT        NOT NULL,
    detail     JSONB       NOT NULL DEFAULT '{}'::jsonb,
    result     TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_user ON audit_log (user_id, created_at);
