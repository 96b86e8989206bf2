-- Clore allows each API key about one call a second and one create_order per five seconds.
-- Replicas on one database share the pace of each key here: a call takes the key's next slot
-- (and, for create_order, its next create slot) in one statement, then waits for it. One row
-- per key; `limiter` is the key's SHA-256 (as the client's limiter uses), never the key.
CREATE TABLE clore_key_pace (
    limiter     BYTEA       PRIMARY KEY CHECK (length(limiter) = 32),
    next_call   TIMESTAMPTZ NOT NULL,
    next_create TIMESTAMPTZ NOT NULL
);
