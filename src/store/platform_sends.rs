//! The shared record of sends: each message a process's send scheduler released (platform,
//! chat, when, which scheduler), kept about a minute, so that a process taking over sending
//! knows what the one before it sent in the platform's windows. Written in batches by
//! `notify::record`; times are the database's.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::domain::Platform;

/// One send another process (or this one) made.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub chat: String,
    /// How long ago, by the database's clock.
    pub ago: Duration,
    pub at: DateTime<Utc>,
    /// The scheduler that sent it.
    pub sender: i64,
}

/// Records sends to `chats`, made `ago_secs` before now (pairwise), by `sender`.
pub async fn record(
    ex: impl PgExecutor<'_>,
    platform: Platform,
    sender: i64,
    chats: &[String],
    ago_secs: &[f64],
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO platform_sends (platform, chat_id, sent_at, sender)
         SELECT $1, s.chat, now() - make_interval(secs => s.ago), $2
         FROM UNNEST($3::text[], $4::float8[]) AS s(chat, ago)",
        platform.as_str(),
        sender,
        chats,
        ago_secs,
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// `platform`'s sends within `within`, oldest first.
pub async fn recent(ex: impl PgExecutor<'_>, platform: Platform, within: Duration) -> sqlx::Result<Vec<Sent>> {
    let rows = sqlx::query!(
        r#"SELECT chat_id, sent_at, sender, EXTRACT(EPOCH FROM now() - sent_at)::float8 AS "ago!"
           FROM platform_sends
           WHERE platform = $1 AND sent_at > now() - make_interval(secs => $2)
           ORDER BY sent_at"#,
        platform.as_str(),
        within.as_secs_f64(),
    )
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Sent {
            chat: r.chat_id,
            ago: Duration::try_from_secs_f64(r.ago).unwrap_or_default(),
            at: r.sent_at,
            sender: r.sender,
        })
        .collect())
}

/// Forgets sends older than `keep`; returns how many.
pub async fn prune(ex: impl PgExecutor<'_>, keep: Duration) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "DELETE FROM platform_sends WHERE sent_at < now() - make_interval(secs => $1)",
        keep.as_secs_f64()
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected())
}
