//! `spot_guards`: the spot orders whose bids the bot keeps ahead within a cap.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::clore::Currency;
use crate::domain::UserId;

#[derive(Debug, Clone, PartialEq)]
pub struct SpotGuard {
    pub user_id: UserId,
    pub order_id: i64,
    pub server_id: i64,
    pub max_price: f64,
    pub margin: f64,
    pub currency: Currency,
    pub rebid: bool,
    pub lowered_at: Option<DateTime<Utc>>,
    pub cap_asked_at: Option<DateTime<Utc>>,
}

/// Guards `g.order_id` for `g.user_id` (replacing the guard it had).
pub async fn put(ex: impl PgExecutor<'_>, g: &SpotGuard) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO spot_guards (user_id, order_id, server_id, max_price, margin, currency, rebid)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id, order_id) DO UPDATE SET max_price = $4, margin = $5, currency = $6, rebid = $7,
             cap_asked_at = NULL, updated_at = now()",
        g.user_id.0,
        g.order_id,
        g.server_id,
        g.max_price,
        g.margin,
        g.currency.code(),
        g.rebid,
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Stops guarding; whether there was a guard.
pub async fn remove(ex: impl PgExecutor<'_>, user: UserId, order_id: i64) -> sqlx::Result<bool> {
    let r = sqlx::query!("DELETE FROM spot_guards WHERE user_id = $1 AND order_id = $2", user.0, order_id)
        .execute(ex)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// A user's guards, by order.
pub async fn of_user(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<Vec<SpotGuard>> {
    let rows = sqlx::query!(
        r#"SELECT user_id AS "user_id: UserId", order_id, server_id, max_price, margin, currency AS "currency: Currency",
                  rebid, lowered_at, cap_asked_at
           FROM spot_guards WHERE user_id = $1 ORDER BY order_id"#,
        user.0
    )
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SpotGuard {
            user_id: r.user_id,
            order_id: r.order_id,
            server_id: r.server_id,
            max_price: r.max_price,
            margin: r.margin,
            currency: r.currency,
            rebid: r.rebid,
            lowered_at: r.lowered_at,
            cap_asked_at: r.cap_asked_at,
        })
        .collect())
}

/// Clore let us lower (or said when it will): lowering waits until `at` + 600 s.
pub async fn set_lowered_at(
    ex: impl PgExecutor<'_>,
    user: UserId,
    order_id: i64,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE spot_guards SET lowered_at = $3, updated_at = now() WHERE user_id = $1 AND order_id = $2",
        user.0,
        order_id,
        at
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Marks the owner asked about the cap (`true`), or the question answered by the market
/// moving away from it (`false`); whether the mark changed.
pub async fn set_cap_asked(ex: impl PgExecutor<'_>, user: UserId, order_id: i64, asked: bool) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE spot_guards SET cap_asked_at = CASE WHEN $3 THEN now() END, updated_at = now()
         WHERE user_id = $1 AND order_id = $2 AND (cap_asked_at IS NOT NULL) <> $3",
        user.0,
        order_id,
        asked
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected() > 0)
}
