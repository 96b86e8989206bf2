-- Rent templates (/template save): what an order is made with, saved under a name.
-- A personal template belongs to `owner_id` (chat_id NULL); a team template belongs to the
-- group `chat_id` (saved there by an admin, `owner_id` who saved it). Environment values,
-- the SSH password and the Jupyter token are sealed together as one JSON object under the
-- keyring (kind 'template', bound to the owner and the template's name); only the names of
-- the variables and whether a password or token is set are kept in the clear. Team
-- templates hold no secrets. An auto-rent watch names its template by id in its rules.
CREATE TABLE rent_templates (
    id           BIGSERIAL   PRIMARY KEY,
    owner_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    chat_id      BIGINT      REFERENCES chats (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL CHECK (name ~ '^[a-z0-9_-]{1,32}$'),
    image        TEXT,
    ports        TEXT,
    ssh_key      TEXT,
    command      TEXT,
    env_names    TEXT[]      NOT NULL DEFAULT '{}',
    has_password BOOLEAN     NOT NULL DEFAULT FALSE,
    has_jupyter  BOOLEAN     NOT NULL DEFAULT FALSE,
    key_version  INTEGER     CHECK (key_version > 0),
    nonce        BYTEA       CHECK (length(nonce) = 24),
    ciphertext   BYTEA,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((key_version IS NULL) = (ciphertext IS NULL) AND (nonce IS NULL) = (ciphertext IS NULL)),
    CHECK (chat_id IS NULL OR ciphertext IS NULL)
);

CREATE UNIQUE INDEX rent_templates_personal ON rent_templates (owner_id, name) WHERE chat_id IS NULL;
CREATE UNIQUE INDEX rent_templates_team ON rent_templates (chat_id, name) WHERE chat_id IS NOT NULL;
