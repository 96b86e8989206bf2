-- The account poll's schedule (README "Alerts"): one row per user with a Clore API key.
-- Every `clorebot run` process claims due rows with FOR UPDATE SKIP LOCKED and a lease, so
-- replicas share the polls; a process that dies lets its rows go when the lease ends.
CREATE TABLE account_polls (
    user_id        BIGINT      PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    -- When `my_orders` and `my_servers` are next due; the row is due at the sooner.
    orders_due_at  TIMESTAMPTZ NOT NULL,
    servers_due_at TIMESTAMPTZ NOT NULL,
    due_at         TIMESTAMPTZ GENERATED ALWAYS AS (LEAST(orders_due_at, servers_due_at)) STORED,
    -- No `wallets` call before this (balances are asked at most every ten minutes).
    wallets_after  TIMESTAMPTZ,
    -- Whether `my_servers` listed any server; NULL until it first answered.
    host           BOOLEAN,
    -- The last time the account had an order running, a rent attempt open, or rented.
    busy_at        TIMESTAMPTZ,
    polled_at      TIMESTAMPTZ,
    -- Bumped by whatever moves the schedule from outside a poll (a rent, a new key, a command
    -- that listed servers): a poll that sees it changed leaves the schedule to the next poll.
    touches        BIGINT      NOT NULL DEFAULT 0,
    leased_by      UUID,
    lease_until    TIMESTAMPTZ
);
CREATE INDEX account_polls_due ON account_polls (due_at);
