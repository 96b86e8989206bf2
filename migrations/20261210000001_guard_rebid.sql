-- Spot guards, round two: what renting again after an outbid needs, a guard chosen with the
-- rent itself, and changes told together.
--
-- The order's image, ports, template and watch, kept with its guard: once outbid the order is
-- no longer listed, and the new one is made like it.
ALTER TABLE spot_guards
    ADD COLUMN image       TEXT,
    ADD COLUMN ports       TEXT,
    ADD COLUMN template_id BIGINT,
    ADD COLUMN watch_id    BIGINT,
    -- When a bid change was last told, and the changes since, told together once the window
    -- after it has passed (services/spot_guard.rs TELL_EVERY).
    ADD COLUMN told_at     TIMESTAMPTZ,
    ADD COLUMN untold      JSONB NOT NULL DEFAULT '[]';

-- The guard a rent attempt asked for (`/rent … spot= guard=`, an auto-rent watch's `guard=`,
-- a guard's own rent-again): put on the order when it is known, whoever finds it.
ALTER TABLE rent_intents ADD COLUMN guard JSONB;
