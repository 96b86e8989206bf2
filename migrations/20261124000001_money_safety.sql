-- Money actions written ahead (DESIGN §6) and short-lived secrets sealed at rest.

-- Secrets that live minutes or days, not as long as an account: the `env` values of a rent
-- waiting for its Confirm, and an SSH password generated for an order until it is shown.
-- Sealed like user_secrets (XChaCha20-Poly1305); the AAD also binds the row id, so a
-- ciphertext moved to another row does not open.
CREATE TABLE sealed_secrets (
    id          UUID        PRIMARY KEY,
    user_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT        NOT NULL CHECK (kind IN ('order_login', 'rent_env')),
    key_version INTEGER     NOT NULL CHECK (key_version > 0),
    nonce       BYTEA       NOT NULL CHECK (length(nonce) = 24),
    ciphertext  BYTEA       NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sealed_secrets_expires ON sealed_secrets (expires_at);
CREATE INDEX sealed_secrets_key_version ON sealed_secrets (key_version);

-- One row per attempt to create an order, committed before `create_order` leaves. Its status:
--   pending   committed; the answer is not known yet (in flight, or the process died)
--   unknown   Clore's answer was unclear (timeout, 5xx, unreadable): the order may exist
--   accepted  Clore said yes, but the order was not listed yet
--   made      the order is known (order_id)
--   refused   Clore said no, clearly
--   absent    reconciliation found no order, long enough after the attempt to be sure
--   abandoned Clore could not be asked for a day; the owner was told to look themselves
-- pending, unknown and accepted are open: they count against auto-rent caps, and no second
-- order for the same user and server is sent while one is open.
CREATE TABLE rent_intents (
    id           BIGSERIAL        PRIMARY KEY,
    user_id      BIGINT           NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    server_id    BIGINT           NOT NULL,
    price        DOUBLE PRECISION NOT NULL CHECK (price > 0),
    currency     TEXT             NOT NULL,
    spot         BOOLEAN          NOT NULL DEFAULT FALSE,
    gpu          TEXT             NOT NULL DEFAULT '',
    watch_id     BIGINT           REFERENCES watches (id) ON DELETE SET NULL,
    origin       TEXT             NOT NULL CHECK (origin IN ('rent', 'autorent')),
    status       TEXT             NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'unknown', 'accepted', 'made', 'refused', 'absent', 'abandoned')),
    order_id     BIGINT,
    reason       TEXT,
    login_secret UUID             REFERENCES sealed_secrets (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ      NOT NULL DEFAULT now(),
    resolved_at  TIMESTAMPTZ
);
CREATE UNIQUE INDEX rent_intents_one_open ON rent_intents (user_id, server_id)
    WHERE status IN ('pending', 'unknown', 'accepted');
CREATE UNIQUE INDEX rent_intents_order ON rent_intents (user_id, order_id) WHERE order_id IS NOT NULL;
CREATE INDEX rent_intents_watch ON rent_intents (watch_id) WHERE watch_id IS NOT NULL;
-- The account poll looks for open intents too old to settle; closed ones are most rows.
CREATE INDEX rent_intents_open_age ON rent_intents (created_at) WHERE status IN ('pending', 'unknown', 'accepted');

-- What an order really cost, for auto-rent's daily cap: when it started (Clore's `ct`), when
-- it ended (first seen gone), and its creation fee.
ALTER TABLE tracked_orders
    ADD COLUMN started_at   TIMESTAMPTZ,
    ADD COLUMN ended_at     TIMESTAMPTZ,
    ADD COLUMN creation_fee DOUBLE PRECISION;
