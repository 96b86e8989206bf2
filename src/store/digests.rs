//! Held alerts and the digests they go out in (`outbox.held`, `outbox.digest_id`).
//!
//! A digest is an outbox row like any other. It is written in the transaction that marks the
//! held alerts it tells of delivered (`digest_id` naming it), with their rows locked first:
//! of two processes folding the same alerts, the second finds them delivered and writes
//! nothing. So each held alert goes out once, in one digest, which the outbox then delivers
//! exactly as it delivers every alert.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use sqlx::types::Json;

use crate::domain::{OutboxId, Platform, UserId};
use crate::store::quiet::{self, QuietSetting};

/// Where held alerts go — one digest each: a chat (and topic) or a person — with the quiet
/// hours that hold them there.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    pub platform: Platform,
    pub target_chat_id: Option<String>,
    pub target_thread_id: Option<String>,
    pub target_user_id: Option<UserId>,
    pub quiet: Option<QuietSetting>,
}

struct HeldRow {
    platform: Platform,
    target_chat_id: Option<String>,
    target_thread_id: Option<String>,
    target_user_id: Option<UserId>,
    starts_min: Option<i16>,
    ends_min: Option<i16>,
    tz: Option<String>,
}

/// Every place with held alerts that may go at `now` unless its quiet hours are on: held for
/// the quiet hours, or whose period or burst minute is over. One statement, whatever the
/// number of chats, with their quiet hours.
pub async fn held(ex: impl PgExecutor<'_>, now: DateTime<Utc>) -> sqlx::Result<Vec<Held>> {
    let rows = sqlx::query_as!(
        HeldRow,
        r#"SELECT DISTINCT o.platform AS "platform!: Platform", o.target_chat_id, o.target_thread_id,
                  o.target_user_id AS "target_user_id: UserId", q.starts_min AS "starts_min?", q.ends_min AS "ends_min?",
                  q.tz AS "tz?"
           FROM outbox o
           LEFT JOIN chats c ON o.target_user_id IS NULL AND c.platform = o.platform AND c.platform_chat_id = o.target_chat_id
           LEFT JOIN quiet_hours q ON (o.target_user_id IS NOT NULL AND q.user_id = o.target_user_id)
                                   OR (o.target_user_id IS NULL AND q.chat_id = c.id)
           WHERE o.held AND o.delivered_at IS NULL AND o.failed_at IS NULL
             AND (o.release_at IS NULL OR o.release_at <= $1)"#,
        now,
    )
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Held {
            platform: r.platform,
            target_chat_id: r.target_chat_id,
            target_thread_id: r.target_thread_id,
            target_user_id: r.target_user_id,
            quiet: r.tz.map(|tz| quiet::setting(r.starts_min, r.ends_min, &tz)),
        })
        .collect())
}

/// A held alert taken for its digest.
#[derive(Debug, Clone, PartialEq)]
pub struct Taken {
    pub id: OutboxId,
    pub payload: Json<serde_json::Value>,
    pub part: Option<Json<serde_json::Value>>,
    pub created_at: DateTime<Utc>,
}

/// Locks the alerts held for `to` that may go at `now` (in the caller's transaction) and
/// returns them, oldest first; those another process has folded meanwhile are left out.
pub async fn take(ex: impl PgExecutor<'_>, to: &Held, now: DateTime<Utc>) -> sqlx::Result<Vec<Taken>> {
    sqlx::query_as!(
        Taken,
        r#"SELECT id AS "id: OutboxId", payload AS "payload: Json<serde_json::Value>",
                  part AS "part: Json<serde_json::Value>", created_at
           FROM outbox
           WHERE held AND delivered_at IS NULL AND failed_at IS NULL AND (release_at IS NULL OR release_at <= $5)
             AND platform = $1 AND target_chat_id IS NOT DISTINCT FROM $2
             AND target_thread_id IS NOT DISTINCT FROM $3 AND target_user_id IS NOT DISTINCT FROM $4
           ORDER BY id FOR UPDATE"#,
        to.platform.as_str(),
        to.target_chat_id.as_deref(),
        to.target_thread_id.as_deref(),
        to.target_user_id.map(|u| u.0),
        now,
    )
    .fetch_all(ex)
    .await
}

/// Writes the digest of the held alerts `folded` (taken in this transaction), to where they
/// were going, and marks them delivered in it. Its dedup key names the oldest of them: an
/// alert is folded once, so a key is never written twice.
pub async fn write(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    to: &Held,
    folded: &[OutboxId],
    payload: &serde_json::Value,
) -> sqlx::Result<Option<OutboxId>> {
    let Some(first) = folded.iter().min() else { return Ok(None) };
    let id = sqlx::query_scalar!(
        r#"INSERT INTO outbox (dedup_key, platform, target_chat_id, target_thread_id, target_user_id, payload, urgent)
           VALUES ($1, $2, $3, $4, $5, $6, TRUE)
           ON CONFLICT (dedup_key) DO NOTHING
           RETURNING id AS "id: OutboxId""#,
        format!("digest:{}", first.0),
        to.platform.as_str(),
        to.target_chat_id.as_deref(),
        to.target_thread_id.as_deref(),
        to.target_user_id.map(|u| u.0),
        payload,
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = id else { return Ok(None) };
    sqlx::query!(
        "UPDATE outbox SET held = FALSE, delivered_at = now(), claimed_until = NULL, digest_id = $2
         WHERE id = ANY($1)",
        &folded.iter().map(|i| i.0).collect::<Vec<_>>(),
        id.0,
    )
    .execute(&mut **tx)
    .await?;
    Ok(Some(id))
}

/// How many alerts went to this chat (or person) in the last `secs` seconds by the database's
/// clock, held ones included: what tells a burst. Each form has its index (the outbox keeps
/// delivered alerts).
pub async fn recent_count(
    ex: impl PgExecutor<'_>,
    platform: Platform,
    chat: Option<&str>,
    user: Option<UserId>,
    secs: f64,
) -> sqlx::Result<i64> {
    match user {
        Some(u) => {
            sqlx::query_scalar!(
                r#"SELECT count(*) AS "n!" FROM outbox
                   WHERE target_user_id = $1 AND created_at > now() - make_interval(secs => $2) AND digest_id IS NULL"#,
                u.0,
                secs,
            )
            .fetch_one(ex)
            .await
        }
        None => {
            sqlx::query_scalar!(
                r#"SELECT count(*) AS "n!" FROM outbox
                   WHERE target_user_id IS NULL AND platform = $1 AND target_chat_id = $2
                     AND created_at > now() - make_interval(secs => $3) AND digest_id IS NULL"#,
                platform.as_str(),
                chat,
                secs,
            )
            .fetch_one(ex)
            .await
        }
    }
}

/// The earliest time a burst already held for this chat (or person) goes out, if one is
/// waiting and goes out before `by`: a later alert of the same burst joins it.
pub async fn burst_release(
    ex: impl PgExecutor<'_>,
    platform: Platform,
    chat: Option<&str>,
    user: Option<UserId>,
    by: DateTime<Utc>,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        r#"SELECT min(release_at) FROM outbox
           WHERE platform = $1 AND held AND delivered_at IS NULL AND failed_at IS NULL AND release_at <= $4
             AND CASE WHEN $3::int8 IS NOT NULL THEN target_user_id = $3
                      ELSE target_user_id IS NULL AND target_chat_id = $2 END"#,
        platform.as_str(),
        chat,
        user.map(|u| u.0),
        by,
    )
    .fetch_one(ex)
    .await
}

/// The language a group's admins chose for it, if any (a digest to the group is in it).
pub async fn chat_locale(ex: impl PgExecutor<'_>, platform: Platform, chat: &str) -> sqlx::Result<Option<String>> {
    let row = sqlx::query_scalar!(
        "SELECT locale FROM chats WHERE platform = $1 AND platform_chat_id = $2",
        platform.as_str(),
        chat
    )
    .fetch_optional(ex)
    .await?;
    Ok(row.flatten())
}
