//! `outbox`: alerts waiting for delivery, each exactly once.
//!
//! Writers enqueue in the transaction of the state change that caused the alert, under a
//! dedup key (a repeat is a no-op). Notifiers `claim` due rows with `FOR UPDATE SKIP LOCKED`
//! and a lease: a claimed row is invisible to other claimers until delivered, retried later,
//! given back by a sender that took over from its claimer ([`release_claims_of_others`]), or
//! its lease runs out (its notifier died mid-send and another may take it over).
//!
//! An alert that may wait can be enqueued held ([`Hold`]): no sender claims it; it goes out
//! folded into a digest (`store::digests`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use sqlx::types::Json;

use crate::domain::{OutboxId, Platform, Scope, UserId};

#[derive(Debug, Clone, PartialEq)]
pub struct NewAlert {
    pub dedup_key: String,
    pub platform: Platform,
    /// `None`: the private chat of `target_user`, resolved by the notifier when it sends.
    pub target_chat_id: Option<String>,
    /// A forum topic or thread within the chat.
    pub target_thread_id: Option<String>,
    pub target_user: Option<UserId>,
    pub payload: serde_json::Value,
    /// Never held: it goes out whatever the hour (docs/alerts.md lists which).
    pub urgent: bool,
    /// Whether it waits for a digest, and until when.
    pub hold: Hold,
    /// What a digest needs of it (a watch's matches), if it may go out in one.
    pub part: Option<serde_json::Value>,
}

/// Whether an alert is held for a digest instead of being sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Hold {
    #[default]
    No,
    /// Until its chat's quiet hours end.
    Quiet,
    /// Until then (a watch's digest period, a burst's minute) and its chat is not quiet.
    Until(DateTime<Utc>),
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: OutboxId,
    pub dedup_key: String,
    #[sqlx(try_from = "String")]
    pub platform: Platform,
    pub target_chat_id: Option<String>,
    pub target_thread_id: Option<String>,
    pub target_user_id: Option<UserId>,
    /// The target user's id on the platform (to open a private chat with them).
    pub target_user_platform_id: Option<String>,
    pub payload: Json<serde_json::Value>,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
}

/// Queues an alert; false if one with the same dedup key exists already.
pub async fn enqueue(ex: impl PgExecutor<'_>, a: &NewAlert) -> sqlx::Result<bool> {
    // An alert to a chat the bot was removed from is kept, given up ("gone"), not sent.
    let r = sqlx::query!(
        "INSERT INTO outbox (dedup_key, platform, target_chat_id, target_user_id, payload, target_thread_id,
                             failed_at, last_error, urgent, held, release_at, part)
         SELECT $1, $2, $3, $4, $5, $6, g.at, CASE WHEN g.at IS NOT NULL THEN 'gone: the bot cannot post in this chat' END,
                $7, $8, $9, $10
         FROM (SELECT (SELECT now() FROM chats c
                       WHERE c.platform = $2 AND c.unreachable_since IS NOT NULL
                         AND c.platform_chat_id = COALESCE($3,
                               (SELECT COALESCE(u.dm_chat_id, u.platform_user_id) FROM users u WHERE u.id = $4))) AS at) g
         ON CONFLICT (dedup_key) DO NOTHING",
        &a.dedup_key,
        a.platform.as_str(),
        a.target_chat_id.as_deref(),
        a.target_user.map(|u| u.0),
        &a.payload,
        a.target_thread_id.as_deref(),
        a.urgent,
        a.hold != Hold::No,
        match a.hold {
            Hold::Until(t) => Some(t),
            _ => None,
        },
        a.part.as_ref(),
    )
    .execute(ex)
    .await?;
    let fresh = r.rows_affected() > 0;
    if fresh {
        metrics::counter!("clorebot_alerts_enqueued_total", "platform" => a.platform.as_str()).increment(1);
    }
    Ok(fresh)
}

/// Alerts waiting to be delivered, and how long the oldest has waited (held ones wait by
/// choice, and are left out).
pub async fn backlog(ex: impl PgExecutor<'_>) -> sqlx::Result<(i64, Duration)> {
    let r = sqlx::query!(
        r#"SELECT count(*) AS "n!", EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS oldest
           FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL AND NOT held"#
    )
    .fetch_one(ex)
    .await?;
    Ok((r.n, Duration::from_secs_f64(r.oldest.unwrap_or(0.0).max(0.0))))
}

/// Takes up to `limit` due, undelivered alerts for `platform`, oldest first, leasing them for
/// `lease`; concurrent claimers never take the same row.
pub async fn claim(
    ex: impl PgExecutor<'_>,
    platform: Platform,
    limit: i64,
    lease: Duration,
) -> sqlx::Result<Vec<OutboxRow>> {
    claim_for(ex, platform, None, limit, limit, lease, None).await
}

/// As [`claim`], only for alerts within `scope`, and at most `per_chat` to any one chat (the
/// oldest of each), claimed as `claimer` (an elected sender's tenure; see
/// [`release_claims_of_others`]). A chat with an alert still claimed by another tenure (a
/// sender this one took over from) is left alone until that claim is given back, so a chat's
/// alerts go out in order across a takeover.
pub async fn claim_for(
    ex: impl PgExecutor<'_>,
    platform: Platform,
    scope: Option<&Scope>,
    limit: i64,
    per_chat: i64,
    lease: Duration,
    claimer: Option<uuid::Uuid>,
) -> sqlx::Result<Vec<OutboxRow>> {
    // Candidates are locked (skipping rows another claimer holds); of those, each chat's
    // oldest `per_chat` are taken. Candidates not taken are unlocked when the statement ends.
    sqlx::query_as!(
        OutboxRow,
        r#"UPDATE outbox SET claimed_until = now() + make_interval(secs => $3), attempts = attempts + 1, claimed_by = $7
         WHERE id IN (
           SELECT id FROM (
             SELECT id, row_number() OVER (
                      PARTITION BY COALESCE(target_chat_id, 'user:' || target_user_id::text) ORDER BY id) AS nth
             FROM (
               SELECT id, target_chat_id, target_user_id FROM outbox o
               WHERE platform = $1 AND delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                 AND NOT held AND (claimed_until IS NULL OR claimed_until < now())
                 AND ($4::text[] IS NULL OR target_chat_id = ANY($4)
                      OR (target_chat_id IS NULL AND EXISTS (
                            SELECT 1 FROM users u WHERE u.id = target_user_id AND u.platform = $1 AND u.platform_user_id = ANY($5))))
                 AND ($7::uuid IS NULL OR NOT EXISTS (
                       SELECT 1 FROM outbox h
                       WHERE h.platform = $1 AND h.delivered_at IS NULL AND h.failed_at IS NULL
                         AND h.claimed_until > now() AND h.claimed_by IS DISTINCT FROM $7
                         AND COALESCE(h.target_chat_id, 'user:' || h.target_user_id::text)
                             = COALESCE(o.target_chat_id, 'user:' || o.target_user_id::text)))
               ORDER BY id LIMIT $2::int8 * 10 FOR UPDATE SKIP LOCKED) candidates
           ) ranked
           WHERE nth <= $6 ORDER BY id LIMIT $2::int8)
         RETURNING id AS "id: OutboxId", dedup_key, platform AS "platform: Platform", target_chat_id, target_thread_id,
                   target_user_id AS "target_user_id: UserId", payload AS "payload: Json<serde_json::Value>", attempts,
                   created_at,
                   (SELECT u.platform_user_id FROM users u WHERE u.id = target_user_id) AS target_user_platform_id"#,
        platform.as_str(),
        limit,
        lease.as_secs_f64(),
        scope.map(|s| &s.chats[..]),
        scope.map(|s| &s.users[..]),
        per_chat,
        claimer,
    )
    .fetch_all(ex)
    .await
    .map(|mut rows: Vec<OutboxRow>| {
        rows.sort_by_key(|r| r.id);
        rows
    })
}

pub async fn mark_delivered(ex: impl PgExecutor<'_>, id: OutboxId) -> sqlx::Result<()> {
    sqlx::query!("UPDATE outbox SET delivered_at = now(), claimed_until = NULL, last_error = NULL WHERE id = $1", id.0)
        .execute(ex)
        .await?;
    Ok(())
}

/// Releases a claimed alert to be tried again after `delay`.
pub async fn retry_later(ex: impl PgExecutor<'_>, id: OutboxId, error: &str, delay: Duration) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE outbox SET claimed_until = NULL, last_error = $2, next_attempt_at = now() + make_interval(secs => $3)
         WHERE id = $1",
        id.0,
        error,
        delay.as_secs_f64(),
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Gives claimed alerts back untried (their turn did not come, or their chat's limit leaves
/// no room yet): due again after `after`, and the claim does not count as an attempt.
pub async fn release(ex: impl PgExecutor<'_>, ids: &[OutboxId], after: Duration) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE outbox SET claimed_until = NULL, attempts = greatest(attempts - 1, 0),
                next_attempt_at = greatest(next_attempt_at, now() + make_interval(secs => $2))
         WHERE id = ANY($1)",
        &ids.iter().map(|i| i.0).collect::<Vec<_>>(),
        after.as_secs_f64(),
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Gives back the claims on `platform`'s undelivered alerts held by any claimer but `me` (the
/// sender this one took over from, once it can no longer be sending; see
/// `deliver::TAKEOVER_WAIT`): they go out again without waiting out their lease, and the claim
/// does not count as an attempt. Returns how many.
pub async fn release_claims_of_others(
    ex: impl PgExecutor<'_>,
    platform: Platform,
    me: uuid::Uuid,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "UPDATE outbox SET claimed_until = NULL, claimed_by = NULL, attempts = greatest(attempts - 1, 0)
         WHERE platform = $1 AND delivered_at IS NULL AND failed_at IS NULL
           AND claimed_until > now() AND claimed_by IS DISTINCT FROM $2",
        platform.as_str(),
        me,
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected())
}

/// As [`mark_failed`] for several.
pub async fn mark_failed_all(ex: impl PgExecutor<'_>, ids: &[OutboxId], error: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE outbox SET failed_at = now(), claimed_until = NULL, last_error = $2 WHERE id = ANY($1)",
        &ids.iter().map(|i| i.0).collect::<Vec<_>>(),
        error,
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// The chat an alert goes to, for keeping a chat's alerts in order: its chat, or (a private
/// chat still to be opened) its user.
pub fn chat_key(row: &OutboxRow) -> String {
    match (&row.target_chat_id, row.target_user_id) {
        (Some(chat), _) => chat.clone(),
        (None, user) => format!("user:{}", user.map_or(0, |u| u.0)),
    }
}

/// Gives up on an alert that cannot be delivered (the chat is gone, the bot was blocked).
pub async fn mark_failed(ex: impl PgExecutor<'_>, id: OutboxId, error: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE outbox SET failed_at = now(), claimed_until = NULL, last_error = $2 WHERE id = $1",
        id.0,
        error
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Alerts not yet delivered nor given up on (for health checks and tests).
pub async fn pending_count(ex: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL"#)
        .fetch_one(ex)
        .await
}
