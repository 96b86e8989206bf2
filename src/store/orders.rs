//! `tracked_orders`: renters' orders the bot follows, the state the orders poller compares
//! each poll against, and what they cost.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::domain::{UserId, WatchId};

#[derive(Debug, Clone, PartialEq)]
pub struct NewTrackedOrder {
    pub user: UserId,
    pub order_id: i64,
    pub server_id: i64,
    pub spot: bool,
    pub price: Option<f64>,
    pub currency: Option<String>,
    pub ends_at: Option<DateTime<Utc>>,
    /// The auto-rent watch that made it, if any.
    pub watch: Option<WatchId>,
    /// Clore's creation time (`ct`).
    pub started_at: Option<DateTime<Utc>>,
    /// What creating it cost, in its currency.
    pub creation_fee: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TrackedOrder {
    pub user_id: UserId,
    pub order_id: i64,
    pub server_id: i64,
    pub spot: bool,
    pub price: Option<f64>,
    pub currency: Option<String>,
    pub ends_at: Option<DateTime<Utc>>,
    pub status: String,
    pub endpoints_alerted: bool,
    pub ending_soon_alerted: bool,
    pub ended_alerted: bool,
    pub watch_id: Option<WatchId>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub creation_fee: Option<f64>,
}

/// `sqlx::query_as!` reading [`TrackedOrder`]s: the SQL is `$head`, the order columns, `$tail`.
macro_rules! query_orders {
    ($head:literal, $tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            TrackedOrder,
            $head
                + r#" user_id AS "user_id: UserId", order_id, server_id, spot, price, currency, ends_at, status,
                   endpoints_alerted, ending_soon_alerted, ended_alerted, watch_id AS "watch_id: WatchId", created_at,
                   started_at, ended_at, creation_fee "#
                + $tail
            $(, $arg)*
        )
    };
}

/// Starts following an order; following it again updates what may have changed (price, end).
pub async fn track(ex: impl PgExecutor<'_>, o: &NewTrackedOrder) -> sqlx::Result<TrackedOrder> {
    query_orders!(
        "INSERT INTO tracked_orders (user_id, order_id, server_id, spot, price, currency, ends_at, watch_id, started_at,
                                     creation_fee)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (user_id, order_id) DO UPDATE
           SET price = EXCLUDED.price, ends_at = EXCLUDED.ends_at, updated_at = now(),
               watch_id = COALESCE(tracked_orders.watch_id, EXCLUDED.watch_id),
               started_at = COALESCE(EXCLUDED.started_at, tracked_orders.started_at),
               creation_fee = COALESCE(EXCLUDED.creation_fee, tracked_orders.creation_fee)
         RETURNING",
        "",
        o.user.0,
        o.order_id,
        o.server_id,
        o.spot,
        o.price,
        o.currency.as_deref(),
        o.ends_at,
        o.watch.map(|w| w.0),
        o.started_at,
        o.creation_fee,
    )
    .fetch_one(ex)
    .await
}

pub async fn active_for_user(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<Vec<TrackedOrder>> {
    query_orders!("SELECT", "FROM tracked_orders WHERE user_id = $1 AND status = 'active' ORDER BY order_id", user.0)
        .fetch_all(ex)
        .await
}

/// Users with at least one active tracked order (the orders poller's work list).
pub async fn users_with_active_orders(ex: impl PgExecutor<'_>) -> sqlx::Result<Vec<UserId>> {
    sqlx::query_scalar!(
        r#"SELECT DISTINCT user_id AS "user_id: UserId" FROM tracked_orders WHERE status = 'active' ORDER BY user_id"#
    )
    .fetch_all(ex)
    .await
}

/// Which one-time alerts an order has had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderFlag {
    EndpointsAlerted,
    EndingSoonAlerted,
    Ended,
}

/// Sets a flag; false if it was already set (so a caller in a transaction alerts only once).
pub async fn set_flag(ex: impl PgExecutor<'_>, user: UserId, order_id: i64, flag: OrderFlag) -> sqlx::Result<bool> {
    let update = match flag {
        OrderFlag::EndpointsAlerted => {
            sqlx::query!(
                "UPDATE tracked_orders SET endpoints_alerted = TRUE, updated_at = now()
                 WHERE user_id = $1 AND order_id = $2 AND NOT endpoints_alerted",
                user.0,
                order_id
            )
        }
        OrderFlag::EndingSoonAlerted => {
            sqlx::query!(
                "UPDATE tracked_orders SET ending_soon_alerted = TRUE, updated_at = now()
                 WHERE user_id = $1 AND order_id = $2 AND NOT ending_soon_alerted",
                user.0,
                order_id
            )
        }
        OrderFlag::Ended => {
            sqlx::query!(
                "UPDATE tracked_orders SET status = 'ended', ended_alerted = TRUE, ended_at = now(), updated_at = now()
                 WHERE user_id = $1 AND order_id = $2 AND status = 'active'",
                user.0,
                order_id
            )
        }
    };
    let done = update.execute(ex).await?;
    Ok(done.rows_affected() > 0)
}

/// Active orders an auto-rent watch has made (for its concurrency guardrail).
pub async fn active_from_watch(ex: impl PgExecutor<'_>, watch: WatchId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM tracked_orders WHERE watch_id = $1 AND status = 'active'"#,
        watch.0
    )
    .fetch_one(ex)
    .await
}

/// One order's part in an auto-rent watch's daily cap.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OrderSpend {
    pub started_at: DateTime<Utc>,
    /// `None` while it runs.
    pub ended_at: Option<DateTime<Utc>>,
    pub price: Option<f64>,
    pub creation_fee: Option<f64>,
}

/// Every order of an auto-rent watch that runs or ended within the last 24 hours.
pub async fn spend_of_watch(ex: impl PgExecutor<'_>, watch: WatchId) -> sqlx::Result<Vec<OrderSpend>> {
    sqlx::query_as!(
        OrderSpend,
        r#"SELECT COALESCE(started_at, created_at) AS "started_at!",
                  CASE WHEN status = 'active' THEN NULL ELSE COALESCE(ended_at, now()) END AS ended_at,
                  price, creation_fee
           FROM tracked_orders
           WHERE watch_id = $1 AND (status = 'active' OR ended_at > now() - interval '1 day')"#,
        watch.0
    )
    .fetch_all(ex)
    .await
}

/// A user's active tracked order on `server`, if any (a refusal as "already rented" may be
/// the user's own order).
pub async fn active_on_server(ex: impl PgExecutor<'_>, user: UserId, server: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "SELECT order_id FROM tracked_orders WHERE user_id = $1 AND server_id = $2 AND status = 'active'
         ORDER BY order_id DESC LIMIT 1",
        user.0,
        server
    )
    .fetch_optional(ex)
    .await
}

/// When the bot began following each of a user's orders (reconciliation leaves alone orders
/// it knew before an attempt was made).
pub async fn first_seen(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<Vec<(i64, DateTime<Utc>)>> {
    let rows = sqlx::query!("SELECT order_id, created_at FROM tracked_orders WHERE user_id = $1", user.0)
        .fetch_all(ex)
        .await?;
    Ok(rows.into_iter().map(|r| (r.order_id, r.created_at)).collect())
}

/// Marks whether an order's endpoints were already shown to its owner (by /rent or /orders).
pub async fn set_endpoints_shown(ex: impl PgExecutor<'_>, user: UserId, order_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE tracked_orders SET endpoints_alerted = TRUE WHERE user_id = $1 AND order_id = $2",
        user.0,
        order_id
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// One order's cost on one day (UTC): its price for the time it ran that day, plus its
/// creation fee on the day it began.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DaySpend {
    pub order_id: i64,
    pub server_id: i64,
    pub currency: Option<String>,
    pub day: chrono::NaiveDate,
    pub amount: f64,
}

/// What `user`'s tracked orders cost per day from `since` to `until`.
pub async fn spend_by_day(
    ex: impl PgExecutor<'_>,
    user: UserId,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<DaySpend>> {
    sqlx::query_as!(
        DaySpend,
        r#"WITH o AS (
             SELECT order_id, server_id, currency, price, coalesce(creation_fee, 0) AS fee,
                    coalesce(started_at, created_at) AS began,
                    greatest(coalesce(started_at, created_at), $2) AS s,
                    least(CASE WHEN status = 'ended' THEN coalesce(ended_at, updated_at) ELSE $3 END, $3) AS e
             FROM tracked_orders
             WHERE user_id = $1 AND price IS NOT NULL
               AND CASE WHEN status = 'ended' THEN coalesce(ended_at, updated_at) ELSE $3 END > $2
               AND coalesce(started_at, created_at) < $3
         ), d AS (
             SELECT generate_series(date_trunc('day', $2 AT TIME ZONE 'UTC'), date_trunc('day', $3 AT TIME ZONE 'UTC'),
                                    interval '24 hours') AT TIME ZONE 'UTC' AS d
         )
         SELECT o.order_id AS "order_id!", o.server_id AS "server_id!", o.currency, (d.d AT TIME ZONE 'UTC')::date AS "day!",
                o.price * greatest(extract(epoch FROM least(o.e, d.d + interval '24 hours') - greatest(o.s, d.d)), 0) / 86400
                + CASE WHEN o.began >= greatest(d.d, $2) AND o.began < d.d + interval '24 hours' THEN o.fee ELSE 0 END
                AS "amount!"
         FROM o JOIN d ON d.d < o.e AND d.d + interval '24 hours' > o.s
         ORDER BY "day!", o.order_id"#,
        user.0,
        since,
        until,
    )
    .fetch_all(ex)
    .await
}
