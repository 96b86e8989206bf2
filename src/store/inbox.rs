//! `inbox`: what a platform handed over — a Discord interaction, a Telegram update — written
//! down before it is acknowledged and marked done once answered, so that a survivor finishes
//! what a dead process took (docs/architecture.md, "The inbox"). An item's id is its key: a
//! second delivery of the same id is refused here, across every process.
//!
//! The body is sealed like the other secrets (an interaction token is a credential; an update
//! may hold what a user typed), bound to its row, and wiped when the item is done.

use std::time::Duration;

use secrecy::SecretString;
use sqlx::PgExecutor;
use uuid::Uuid;

use super::crypto::{CryptoError, Keyring, Sealed, SecretKind};
use super::processes::DEAD_AFTER;
use crate::domain::Platform;

/// Done rows are kept this long to refuse a repeat of their id (Discord's signature window
/// is 5 minutes, an interaction token lives 15).
const KEEP_DONE: Duration = Duration::from_secs(15 * 60);
/// Any row is gone after a day, done or not.
const KEEP_ANY: Duration = Duration::from_secs(86_400);

/// One item as a platform handed it over.
#[derive(Clone, Copy)]
pub struct Item<'a> {
    pub platform: Platform,
    /// Discord: the application id; Telegram: the bot's user id.
    pub bot: i64,
    /// The interaction id, the update id.
    pub id: i64,
    /// The body, as JSON text.
    pub body: &'a str,
}

impl std::fmt::Debug for Item<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Item").field("platform", &self.platform).field("bot", &self.bot).field("id", &self.id).finish()
    }
}

/// The AAD's row: the ciphertext opens only for this item.
fn row(platform: Platform, bot: i64, id: i64) -> String {
    format!("{}:{bot}:{id}", platform.as_str())
}

/// Records `item` for `owner`: true the first time its id is offered, false for a repeat
/// (recorded already, by this process or another).
pub async fn record(ex: impl PgExecutor<'_>, ring: &Keyring, owner: Uuid, item: Item<'_>) -> sqlx::Result<bool> {
    let s = ring.seal_bound(0, SecretKind::Inbox, Some(&row(item.platform, item.bot, item.id)), item.body);
    let r = sqlx::query!(
        "INSERT INTO inbox (platform, bot, item, owner, key_version, nonce, ciphertext)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        item.platform.as_str(),
        item.bot,
        item.id,
        owner,
        s.key_version,
        &s.nonce,
        &s.ciphertext,
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records several items of one bot in one statement; returns the ids recorded now (the
/// others were recorded before).
pub async fn record_many(
    ex: impl PgExecutor<'_>,
    ring: &Keyring,
    owner: Uuid,
    items: &[Item<'_>],
) -> sqlx::Result<Vec<i64>> {
    let Some(first) = items.first() else { return Ok(Vec::new()) };
    let (platform, bot) = (first.platform, first.bot);
    let mut ids = Vec::with_capacity(items.len());
    let mut versions = Vec::with_capacity(items.len());
    let mut nonces = Vec::with_capacity(items.len());
    let mut texts = Vec::with_capacity(items.len());
    for i in items.iter().filter(|i| i.platform == platform && i.bot == bot) {
        let s = ring.seal_bound(0, SecretKind::Inbox, Some(&row(platform, bot, i.id)), i.body);
        ids.push(i.id);
        versions.push(s.key_version);
        nonces.push(s.nonce);
        texts.push(s.ciphertext);
    }
    sqlx::query_scalar!(
        "INSERT INTO inbox (platform, bot, item, owner, key_version, nonce, ciphertext)
         SELECT $1, $2, t.item, $3, t.key_version, t.nonce, t.ciphertext
         FROM UNNEST($4::int8[], $5::int4[], $6::bytea[], $7::bytea[]) AS t(item, key_version, nonce, ciphertext)
         ON CONFLICT DO NOTHING
         RETURNING item",
        platform.as_str(),
        bot,
        owner,
        &ids,
        &versions,
        &nonces,
        &texts,
    )
    .fetch_all(ex)
    .await
}

/// The item was answered: its body is wiped, its id kept a while against repeats.
pub async fn done(ex: impl PgExecutor<'_>, platform: Platform, bot: i64, id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE inbox SET done_at = now(), key_version = NULL, nonce = NULL, ciphertext = NULL
         WHERE platform = $1 AND bot = $2 AND item = $3 AND done_at IS NULL",
        platform.as_str(),
        bot,
        id,
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// An item taken over from a dead process.
pub struct Taken {
    pub id: i64,
    /// The body as recorded; `Err` when it no longer opens (its master key was removed).
    pub body: Result<SecretString, CryptoError>,
}

/// Takes over, for `me`, up to `limit` unfinished items of `bot` whose owner is dead (its
/// heartbeat older than [`DEAD_AFTER`]) and that arrived within `within`, oldest first; an
/// item taken over `max_takeovers` times already is left (it is pruned in a day). One taker
/// per item: rows being taken by another process are skipped.
#[allow(clippy::too_many_arguments)]
pub async fn take_over(
    ex: impl PgExecutor<'_>,
    ring: &Keyring,
    me: Uuid,
    platform: Platform,
    bot: i64,
    within: Duration,
    max_takeovers: i32,
    limit: i64,
) -> sqlx::Result<Vec<Taken>> {
    let rows = sqlx::query!(
        r#"UPDATE inbox i SET owner = $3, takeovers = i.takeovers + 1
           FROM (SELECT o.platform, o.bot, o.item FROM inbox o
                 WHERE o.platform = $1 AND o.bot = $2 AND o.done_at IS NULL
                   AND o.received_at > now() - make_interval(secs => $4)
                   AND o.takeovers < $5 AND o.owner <> $3
                   AND NOT EXISTS (SELECT 1 FROM processes p
                                   WHERE p.id = o.owner AND p.seen_at > now() - make_interval(secs => $6))
                 ORDER BY o.received_at LIMIT $7 FOR UPDATE OF o SKIP LOCKED) t
           WHERE i.platform = t.platform AND i.bot = t.bot AND i.item = t.item
           RETURNING i.item, i.key_version AS "key_version?", i.nonce AS "nonce?", i.ciphertext AS "ciphertext?""#,
        platform.as_str(),
        bot,
        me,
        within.as_secs_f64(),
        max_takeovers,
        DEAD_AFTER.as_secs_f64(),
        limit,
    )
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let body = match (r.key_version, r.nonce, r.ciphertext) {
                (Some(key_version), Some(nonce), Some(ciphertext)) => {
                    let sealed = Sealed { key_version, nonce, ciphertext, fingerprint: String::new() };
                    ring.open_bound(0, SecretKind::Inbox, Some(&row(platform, bot, r.item)), &sealed)
                }
                _ => Err(CryptoError::Decrypt(r.key_version.unwrap_or_default())),
            };
            Taken { id: r.item, body }
        })
        .collect())
}

/// Deletes done rows older than their keep and any row older than a day; returns how many.
pub async fn prune(ex: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    let r = sqlx::query!(
        "DELETE FROM inbox WHERE (done_at IS NOT NULL AND done_at < now() - make_interval(secs => $1))
                               OR received_at < now() - make_interval(secs => $2)",
        KEEP_DONE.as_secs_f64(),
        KEEP_ANY.as_secs_f64(),
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected())
}
