-- The hosts' desk (issue 29): what the account poll learns of a host's servers beyond
-- online and rented, what each poll's observation earned, the undercut alert's edge per
-- server, and a host's alert settings.

-- A host's server as last seen, continued. `seen_at` is the last poll that saw it (the next
-- credit of time runs from there); `free_since` is when it became online, visible and free
-- (NULL otherwise), for the idle alert, and `idle_alerted` says that free period's alert is
-- written. `rental_kind` (NULL while free) and `rental_price_usd` (USD a day, locked when the
-- rental began) are what the current rental counts as; `price_usd` and `spot_usd` the prices
-- last seen, USD a day.
ALTER TABLE host_servers
    ADD COLUMN seen_at          TIMESTAMPTZ,
    ADD COLUMN free_since       TIMESTAMPTZ,
    ADD COLUMN idle_alerted     BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN rental_kind      TEXT CHECK (rental_kind IN ('on_demand', 'spot')),
    ADD COLUMN rental_price_usd DOUBLE PRECISION CHECK (rental_price_usd >= 0),
    ADD COLUMN price_usd        DOUBLE PRECISION CHECK (price_usd >= 0),
    ADD COLUMN spot_usd         DOUBLE PRECISION CHECK (spot_usd >= 0);

-- What a host's server did between two polls, estimated: one row per poll per server (span
-- 0, `at` the poll's time), compacted like `price_history` into hourly rows (`at` the hour's
-- start). `covered_secs` is the time the row vouches for (0 on first sight: recording began),
-- split into the states seen; `earned_usd` is the rental's price for its rented time, and
-- raw rows keep that price in `price_usd`. A row is final when written, so compaction sums.
-- The span is part of the key, so a compacted row never meets a raw one.
CREATE TABLE host_earnings (
    id             BIGSERIAL        PRIMARY KEY,
    user_id        BIGINT           NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    server_name    TEXT             NOT NULL,
    at             TIMESTAMPTZ      NOT NULL,
    span_secs      INTEGER          NOT NULL DEFAULT 0 CHECK (span_secs >= 0),
    covered_secs   INTEGER          NOT NULL CHECK (covered_secs >= 0),
    on_demand_secs INTEGER          NOT NULL DEFAULT 0 CHECK (on_demand_secs >= 0),
    spot_secs      INTEGER          NOT NULL DEFAULT 0 CHECK (spot_secs >= 0),
    free_secs      INTEGER          NOT NULL DEFAULT 0 CHECK (free_secs >= 0),
    offline_secs   INTEGER          NOT NULL DEFAULT 0 CHECK (offline_secs >= 0),
    earned_usd     DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (earned_usd >= 0),
    price_usd      DOUBLE PRECISION CHECK (price_usd >= 0),
    CONSTRAINT host_earnings_parts CHECK (on_demand_secs + spot_secs + free_secs + offline_secs <= covered_secs),
    UNIQUE (user_id, server_name, span_secs, at)
);
-- `/earnings` and `/myservers` sum a host's rows over a window; compaction walks by age.
CREATE INDEX host_earnings_user ON host_earnings (user_id, at)
    INCLUDE (server_name, covered_secs, on_demand_secs, spot_secs, earned_usd);
CREATE INDEX host_earnings_at ON host_earnings (at);

-- The undercut alert's edge per server: whether it was in the cheapest quarter of its free
-- peers, how many cheaper free peers it had (the running minimum since the last alert), the
-- own USD price that was judged, and when it last alerted.
CREATE TABLE host_market_state (
    user_id     BIGINT           NOT NULL,
    server_name TEXT             NOT NULL,
    in_quarter  BOOLEAN          NOT NULL,
    cheaper     INTEGER          NOT NULL CHECK (cheaper >= 0),
    own_usd     DOUBLE PRECISION NOT NULL,
    alerted_at  TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, server_name),
    FOREIGN KEY (user_id, server_name) REFERENCES host_servers (user_id, name) ON DELETE CASCADE
);

-- A host's alert settings (`/settings idle=… undercut=…`); no row: the defaults (idle after
-- 24 hours, undercut by 3 cheaper servers). 0 turns an alert off.
CREATE TABLE host_alert_settings (
    user_id    BIGINT      PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    idle_hours SMALLINT    CHECK (idle_hours BETWEEN 0 AND 720),
    undercut_n SMALLINT    CHECK (undercut_n BETWEEN 0 AND 50),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
