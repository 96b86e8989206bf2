-- Spot guards: a running spot order whose bid the account poll keeps ahead of waiting offers
-- within the owner's cap (services/spot_guard.rs decides; alerts/ acts).
CREATE TABLE spot_guards (
    user_id          BIGINT           NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    order_id         BIGINT           NOT NULL,
    server_id        BIGINT           NOT NULL,
    -- The cap and the margin, per day in the order's currency.
    max_price        DOUBLE PRECISION NOT NULL CHECK (max_price > 0),
    margin           DOUBLE PRECISION NOT NULL CHECK (margin > 0),
    currency         TEXT             NOT NULL,
    -- Rent again within the cap if the order ends outbid.
    rebid            BOOLEAN          NOT NULL DEFAULT FALSE,
    -- When Clore last let us lower (its once-per-600-s rule), and when the owner was last
    -- asked about the cap (asked once until the bid moves away from it).
    lowered_at       TIMESTAMPTZ,
    cap_asked_at     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ      NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, order_id)
);
