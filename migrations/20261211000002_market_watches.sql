-- Market watches: a watch may hold a market condition (`count>=5`, `drop>=10% in=24h`,
-- `newlow=7d`), stored as the text its terms were typed as and parsed again when loaded.
-- Such a watch alerts on the condition as a whole, not per server, so it keeps no
-- `watch_matches`; whether its condition held at the last poll is a row here (edge-triggered:
-- present while it holds, gone once it stops, so it re-arms).
ALTER TABLE watches ADD COLUMN condition TEXT;

CREATE TABLE market_watch_state (
    watch_id BIGINT      PRIMARY KEY REFERENCES watches (id) ON DELETE CASCADE,
    since    TIMESTAMPTZ NOT NULL DEFAULT now()
);
