//! `spot_guards`: the spot orders whose bids the bot keeps ahead within a cap.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};

use crate::clore::Currency;
use crate::domain::{TemplateId, UserId, WatchId};
use serde::{Deserialize, Serialize};

/// A guard chosen with a rent (`/rent … spot= guard=`, an auto-rent watch's `guard=`, a
/// guard's own rent-again): kept on the rent's intent and put on the order once it is known.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GuardSpec {
    pub max: f64,
    pub margin: f64,
    pub rebid: bool,
    /// The template the order was made with: a rent-again uses it too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateId>,
}

/// One bid change, kept until it is told.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The new bid.
    pub to: f64,
    /// Raised (a waiting offer came near) or lowered (the others fell away).
    pub raised: bool,
}

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
    /// How the order was made, for renting it again: its image, its ports (`22:tcp,…`),
    /// the template and the auto-rent watch it came from.
    pub image: Option<String>,
    pub ports: Option<String>,
    pub template_id: Option<TemplateId>,
    pub watch_id: Option<WatchId>,
}

impl SpotGuard {
    /// A new guard on `order_id` (nothing lowered, asked or told yet).
    pub fn new(user_id: UserId, order_id: i64, server_id: i64, currency: Currency) -> SpotGuard {
        SpotGuard {
            user_id,
            order_id,
            server_id,
            max_price: 0.0,
            margin: 0.0,
            currency,
            rebid: false,
            lowered_at: None,
            cap_asked_at: None,
            image: None,
            ports: None,
            template_id: None,
            watch_id: None,
        }
    }
}

/// Guards `g.order_id` for `g.user_id` (replacing the guard it had; how it was made is kept
/// where the new one does not say).
pub async fn put(ex: impl PgExecutor<'_>, g: &SpotGuard) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO spot_guards (user_id, order_id, server_id, max_price, margin, currency, rebid, image, ports,
                                  template_id, watch_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (user_id, order_id) DO UPDATE SET max_price = $4, margin = $5, currency = $6, rebid = $7,
             image = COALESCE($8, spot_guards.image), ports = COALESCE($9, spot_guards.ports),
             template_id = COALESCE($10, spot_guards.template_id), watch_id = COALESCE($11, spot_guards.watch_id),
             cap_asked_at = NULL, updated_at = now()",
        g.user_id.0,
        g.order_id,
        g.server_id,
        g.max_price,
        g.margin,
        g.currency.code(),
        g.rebid,
        g.image,
        g.ports,
        g.template_id.map(|t| t.0),
        g.watch_id.map(|w| w.0),
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
    select(ex, user, None).await
}

/// The guard on `user`'s order `order_id`, if any.
pub async fn get(ex: impl PgExecutor<'_>, user: UserId, order_id: i64) -> sqlx::Result<Option<SpotGuard>> {
    Ok(select(ex, user, Some(order_id)).await?.pop())
}

/// A user's guards, or the one on `order_id`.
async fn select(ex: impl PgExecutor<'_>, user: UserId, order_id: Option<i64>) -> sqlx::Result<Vec<SpotGuard>> {
    let rows = sqlx::query!(
        r#"SELECT user_id AS "user_id: UserId", order_id, server_id, max_price, margin, currency AS "currency: Currency",
                  rebid, lowered_at, cap_asked_at, image, ports, template_id AS "template_id: TemplateId",
                  watch_id AS "watch_id: WatchId"
           FROM spot_guards WHERE user_id = $1 AND ($2::BIGINT IS NULL OR order_id = $2) ORDER BY order_id"#,
        user.0,
        order_id
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
            image: r.image,
            ports: r.ports,
            template_id: r.template_id,
            watch_id: r.watch_id,
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

/// Raises the cap of the guard on `order_id` to `max` (the owner confirmed it); whether the
/// guard is still there.
pub async fn set_max(ex: impl PgExecutor<'_>, user: UserId, order_id: i64, max: f64) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE spot_guards SET max_price = $3, cap_asked_at = NULL, updated_at = now()
         WHERE user_id = $1 AND order_id = $2",
        user.0,
        order_id,
        max
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// What became of a change handed to [`note_change`].
#[derive(Debug, Clone, PartialEq)]
pub enum Noted {
    /// Tell now: nothing was told within the window. Any changes still held come first.
    TellNow(Vec<Change>),
    /// Held, to be told with the others once the window has passed.
    Held,
    /// The guard is gone.
    Gone,
}

/// Records a bid change on `order_id` at `now`: told at once if nothing was told within
/// `window`, else held (`untold`) for [`due_untold`].
pub async fn note_change(
    conn: &mut PgConnection,
    user: UserId,
    order_id: i64,
    change: Change,
    now: DateTime<Utc>,
    window: std::time::Duration,
) -> sqlx::Result<Noted> {
    let row = sqlx::query!(
        r#"SELECT told_at, untold AS "untold: Json<Vec<Change>>" FROM spot_guards
           WHERE user_id = $1 AND order_id = $2 FOR UPDATE"#,
        user.0,
        order_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(Noted::Gone) };
    let window = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX);
    if row.told_at.is_some_and(|t| now - t < window) {
        let mut held = row.untold.0;
        held.push(change);
        sqlx::query!(
            "UPDATE spot_guards SET untold = $3, updated_at = now() WHERE user_id = $1 AND order_id = $2",
            user.0,
            order_id,
            Json(&held) as _
        )
        .execute(&mut *conn)
        .await?;
        return Ok(Noted::Held);
    }
    let mut told = row.untold.0;
    told.push(change);
    sqlx::query!(
        "UPDATE spot_guards SET told_at = $3, untold = '[]', updated_at = now() WHERE user_id = $1 AND order_id = $2",
        user.0,
        order_id,
        now
    )
    .execute(&mut *conn)
    .await?;
    Ok(Noted::TellNow(told))
}

/// The changes held on `order_id` whose window has passed at `now` (`None` while it runs or
/// when none are held), marking them told at `now`.
pub async fn due_untold(
    conn: &mut PgConnection,
    user: UserId,
    order_id: i64,
    now: DateTime<Utc>,
    window: std::time::Duration,
) -> sqlx::Result<Option<(DateTime<Utc>, Vec<Change>)>> {
    let window = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX);
    let row = sqlx::query!(
        r#"UPDATE spot_guards g SET told_at = $3, untold = '[]', updated_at = now()
           FROM (SELECT told_at AS since, untold AS held FROM spot_guards
                 WHERE user_id = $1 AND order_id = $2 FOR UPDATE) old
           WHERE g.user_id = $1 AND g.order_id = $2 AND jsonb_array_length(old.held) > 0
             AND (old.since IS NULL OR old.since <= $4)
           RETURNING old.since, old.held AS "held!: Json<Vec<Change>>""#,
        user.0,
        order_id,
        now,
        now - window
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| (r.since.unwrap_or(now), r.held.0)))
}
