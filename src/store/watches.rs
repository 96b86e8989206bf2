//! `watches` and their per-server match state (`watch_matches`).

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use sqlx::types::Json;

use crate::clore::{Currency, ServerId};
use crate::domain::{ChatId, UserId, WatchId};

/// A watch as the user asked for it. `query` and `currency` are the stored truth: the query
/// terms as the command parser joined them (`market::query::join_terms`), read back with
/// `Query::from_joined` and priced in `currency` whenever watches are loaded; `gpu_model`
/// and `max_price` are copies for people reading the table.
#[derive(Debug, Clone, PartialEq)]
pub struct NewWatch {
    pub owner: UserId,
    pub chat: ChatId,
    pub is_team: bool,
    /// The forum topic or thread a team watch alerts into (`None`: the chat itself).
    pub thread_id: Option<String>,
    pub query: String,
    pub gpu_model: Option<String>,
    pub max_price: Option<f64>,
    pub currency: Currency,
    pub once: bool,
    pub cooldown_secs: i32,
    pub autorent: Option<AutorentRules>,
    /// `digest=hourly|daily`.
    pub digest: Option<String>,
    /// A market watch's condition as text (`market::condition::Condition::text`).
    pub condition: Option<String>,
}

/// Auto-rent guardrails, stored with the watch (JSON).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AutorentRules {
    pub max_orders: u32,
    /// Per-day spend cap across the watch's running orders, in the watch's currency.
    pub daily_cap: f64,
    /// Go on renting after the first order (else the watch turns off once one is made).
    pub keep: bool,
    /// The template its orders are made with (`t=`), read when it rents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<crate::domain::TemplateId>,
    /// A spot guard put on each order it makes (`guard=`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard: Option<crate::store::spot_guards::GuardSpec>,
}

impl Watch {
    /// Its auto-rent rules; `Err` when the stored rules no longer read (the watch must not
    /// rent on a guess), `Ok(None)` for an ordinary watch.
    pub fn rules(&self) -> Result<Option<AutorentRules>, String> {
        match &self.autorent {
            None => Ok(None),
            Some(Json(v)) => serde_json::from_value(v.clone()).map(Some).map_err(|e| e.to_string()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Watch {
    pub id: WatchId,
    pub owner_id: UserId,
    pub chat_id: ChatId,
    pub is_team: bool,
    pub thread_id: Option<String>,
    pub query: String,
    pub gpu_model: Option<String>,
    pub max_price: Option<f64>,
    #[sqlx(try_from = "String")]
    pub currency: Currency,
    pub once: bool,
    pub cooldown_secs: i32,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub last_fired_at: Option<DateTime<Utc>>,
    pub autorent: Option<Json<serde_json::Value>>,
    pub active: bool,
    /// Set when the watch's query stopped parsing (the parser's message); it is then off.
    pub broken_reason: Option<String>,
    pub broken_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// `digest=`: `hourly` or `daily` collects its matches into one message per period.
    pub digest: Option<String>,
    /// A market watch's condition as text; `None` for a watch on servers.
    pub condition: Option<String>,
}

/// `sqlx::query_as!` reading [`Watch`]es: the SQL is `$head`, the watch columns, `$tail`.
macro_rules! query_watches {
    ($head:literal, $tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Watch,
            $head
                + r#" id AS "id: WatchId", owner_id AS "owner_id: UserId", chat_id AS "chat_id: ChatId", is_team,
                   thread_id, query, gpu_model, max_price, currency AS "currency: Currency", once, cooldown_secs,
                   snoozed_until, last_fired_at, autorent AS "autorent: Json<serde_json::Value>", active, broken_reason,
                   broken_at, created_at, digest, condition "#
                + $tail
            $(, $arg)*
        )
    };
}

pub async fn create(ex: impl PgExecutor<'_>, w: &NewWatch) -> sqlx::Result<Watch> {
    query_watches!(
        "INSERT INTO watches (owner_id, chat_id, is_team, query, gpu_model, max_price, currency, once,
                              cooldown_secs, autorent, thread_id, digest, condition)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING",
        "",
        w.owner.0,
        w.chat.0,
        w.is_team,
        &w.query,
        w.gpu_model.as_deref(),
        w.max_price,
        w.currency.code(),
        w.once,
        w.cooldown_secs,
        w.autorent.as_ref().map(Json) as _,
        w.thread_id.as_deref(),
        w.digest.as_deref(),
        w.condition.as_deref(),
    )
    .fetch_one(ex)
    .await
}

/// Why [`create_capped`] made no watch: a cap was reached, with the count found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capped {
    /// The owner has this many watches already.
    Owner(i64),
    /// The chat has this many team watches already.
    Team(i64),
}

/// Creates `w` unless its owner has `per_owner` watches already or, for a team watch, its
/// chat has `per_chat` team watches. The owner's row (and the chat's) stays locked until the
/// transaction ends, so creations racing for one owner or chat are counted one after another:
/// a count and an insert that were two steps let 100 concurrent `/watch` store 70.
pub async fn create_capped(
    tx: &mut sqlx::PgConnection,
    w: &NewWatch,
    per_owner: i64,
    per_chat: i64,
) -> sqlx::Result<Result<Watch, Capped>> {
    // NO KEY UPDATE: creations queue behind one another, while rows that merely refer to
    // the user or chat (an audit line, an outbox row) are not held up.
    sqlx::query!("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE", w.owner.0).fetch_optional(&mut *tx).await?;
    let owned = count_owned(&mut *tx, w.owner).await?;
    if owned >= per_owner {
        return Ok(Err(Capped::Owner(owned)));
    }
    if w.is_team {
        sqlx::query!("SELECT id FROM chats WHERE id = $1 FOR NO KEY UPDATE", w.chat.0).fetch_optional(&mut *tx).await?;
        let team = count_team(&mut *tx, w.chat).await?;
        if team >= per_chat {
            return Ok(Err(Capped::Team(team)));
        }
    }
    create(&mut *tx, w).await.map(Ok)
}

pub async fn get(ex: impl PgExecutor<'_>, id: WatchId) -> sqlx::Result<Option<Watch>> {
    query_watches!("SELECT", "FROM watches WHERE id = $1", id.0).fetch_optional(ex).await
}

/// A user's personal watches, newest last.
pub async fn list_personal(ex: impl PgExecutor<'_>, owner: UserId) -> sqlx::Result<Vec<Watch>> {
    query_watches!("SELECT", "FROM watches WHERE owner_id = $1 AND NOT is_team ORDER BY id", owner.0)
        .fetch_all(ex)
        .await
}

/// How many watches a user owns, personal and team alike (the per-user limit counts both).
pub async fn count_owned(ex: impl PgExecutor<'_>, owner: UserId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM watches WHERE owner_id = $1"#, owner.0).fetch_one(ex).await
}

/// How many team watches alert a chat.
pub async fn count_team(ex: impl PgExecutor<'_>, chat: ChatId) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM watches WHERE chat_id = $1 AND is_team"#, chat.0)
        .fetch_one(ex)
        .await
}

/// The team watches alerting a chat.
pub async fn list_team(ex: impl PgExecutor<'_>, chat: ChatId) -> sqlx::Result<Vec<Watch>> {
    query_watches!("SELECT", "FROM watches WHERE chat_id = $1 AND is_team ORDER BY id", chat.0).fetch_all(ex).await
}

/// Every active watch, for the engine's index.
pub async fn list_active(ex: impl PgExecutor<'_>) -> sqlx::Result<Vec<Watch>> {
    query_watches!("SELECT", "FROM watches WHERE active ORDER BY id").fetch_all(ex).await
}

/// What tells the engine the active watch set changed: how many there are, when one last
/// changed, and the sum of their ids.
pub async fn active_signature(ex: impl PgExecutor<'_>) -> sqlx::Result<(i64, Option<DateTime<Utc>>, i64)> {
    let r = sqlx::query!(
        r#"SELECT count(*) AS "n!", max(updated_at) AS changed, COALESCE(sum(id), 0)::int8 AS "ids!"
           FROM watches WHERE active"#
    )
    .fetch_one(ex)
    .await?;
    Ok((r.n, r.changed, r.ids))
}

pub async fn delete(ex: impl PgExecutor<'_>, id: WatchId) -> sqlx::Result<bool> {
    Ok(sqlx::query!("DELETE FROM watches WHERE id = $1", id.0).execute(ex).await?.rows_affected() > 0)
}

pub async fn set_active(ex: impl PgExecutor<'_>, id: WatchId, active: bool) -> sqlx::Result<()> {
    sqlx::query!("UPDATE watches SET active = $2, updated_at = now() WHERE id = $1", id.0, active).execute(ex).await?;
    Ok(())
}

/// Turns an auto-rent watch off once it has rented, unless its rules say `keep`; true if it
/// was one to turn off. Called in the transaction that records the order, so a crash between
/// the two can never leave a stop-after-one watch renting again.
pub async fn stop_after_order(ex: impl PgExecutor<'_>, id: WatchId) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE watches SET active = FALSE, updated_at = now()
         WHERE id = $1 AND NOT coalesce(autorent->'keep' = 'true'::jsonb, false)",
        id.0
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Turns an active watch off as broken, for `reason`; false if it was not active (deleted,
/// off, or marked already — by another process, say), so only one caller tells its owner.
pub async fn mark_broken(ex: impl PgExecutor<'_>, id: WatchId, reason: &str) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE watches SET active = FALSE, broken_reason = $2, broken_at = now(), updated_at = now()
         WHERE id = $1 AND active",
        id.0,
        reason
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn snooze(ex: impl PgExecutor<'_>, id: WatchId, until: Option<DateTime<Utc>>) -> sqlx::Result<()> {
    sqlx::query!("UPDATE watches SET snoozed_until = $2, updated_at = now() WHERE id = $1", id.0, until)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn mark_fired(ex: impl PgExecutor<'_>, id: WatchId, at: DateTime<Utc>) -> sqlx::Result<()> {
    // `updated_at` stays: it tells the engine the watch *set* changed (a reload), which a
    // fire does not — a `once` watch leaves the active set, and that changes its count.
    sqlx::query!("UPDATE watches SET last_fired_at = $2, active = active AND NOT once WHERE id = $1", id.0, at)
        .execute(ex)
        .await?;
    Ok(())
}

/// A server a watch matched at the last poll, and at what price.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Match {
    pub watch_id: WatchId,
    pub server_id: i64,
    pub price: f64,
}

pub async fn matches(ex: impl PgExecutor<'_>, watch: WatchId) -> sqlx::Result<Vec<Match>> {
    sqlx::query_as!(
        Match,
        r#"SELECT watch_id AS "watch_id: WatchId", server_id, price FROM watch_matches WHERE watch_id = $1
           ORDER BY server_id"#,
        watch.0
    )
    .fetch_all(ex)
    .await
}

/// The stored matches of several watches: (watch, server, price), by watch and server.
pub async fn matches_of(ex: impl PgExecutor<'_>, watches: &[i64]) -> sqlx::Result<Vec<(i64, i64, f64)>> {
    let rows = sqlx::query!(
        "SELECT watch_id, server_id, price FROM watch_matches WHERE watch_id = ANY($1) ORDER BY watch_id, server_id",
        watches
    )
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| (r.watch_id, r.server_id, r.price)).collect())
}

/// Replaces a watch's match set with `now`: servers no longer matching are forgotten (so
/// they re-arm), the rest are recorded with their current price.
pub async fn replace_matches(ex: impl PgExecutor<'_>, watch: WatchId, now: &[(ServerId, f64)]) -> sqlx::Result<()> {
    let ids: Vec<i64> = now.iter().map(|m| m.0.db()).collect();
    let prices: Vec<f64> = now.iter().map(|m| m.1).collect();
    sqlx::query!(
        "WITH gone AS (DELETE FROM watch_matches WHERE watch_id = $1 AND NOT (server_id = ANY($2)))
         INSERT INTO watch_matches (watch_id, server_id, price)
         SELECT $1, s, p FROM unnest($2::bigint[], $3::float8[]) AS t(s, p)
         ON CONFLICT (watch_id, server_id) DO UPDATE SET price = EXCLUDED.price, last_seen_at = now()",
        watch.0,
        &ids,
        &prices,
    )
    .execute(ex)
    .await?;
    Ok(())
}
