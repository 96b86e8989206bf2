//! The account poll's schedule (`account_polls`): when each keyed user's orders and servers
//! are next due, what earlier polls learned (a host? busy lately?), and which process is
//! polling the account now. Rows are claimed with `FOR UPDATE SKIP LOCKED` and a lease, so
//! any number of processes share the polls and one that dies lets its accounts go when the
//! lease ends. Times are passed in (`at`), so the schedule can be tested cycle by cycle.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::UserId;

/// One account's row as claimed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Due {
    pub user_id: UserId,
    pub due_at: DateTime<Utc>,
    pub orders_due_at: DateTime<Utc>,
    pub servers_due_at: DateTime<Utc>,
    pub wallets_after: Option<DateTime<Utc>>,
    pub host: Option<bool>,
    pub busy_at: Option<DateTime<Utc>>,
    pub polled_at: Option<DateTime<Utc>>,
}

/// What a poll leaves for the next one.
#[derive(Debug, Clone, PartialEq)]
pub struct Next {
    pub orders_due_at: DateTime<Utc>,
    pub servers_due_at: DateTime<Utc>,
    pub wallets_after: Option<DateTime<Utc>>,
    pub host: Option<bool>,
    pub busy_at: Option<DateTime<Utc>>,
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Adds every keyed user who has no row yet, due at once but each with a phase of its own
/// within `spread` (due somewhere in the last `spread`): polled now, then evenly through the
/// interval instead of all at its start. Returns how many were added.
pub async fn enroll(ex: impl PgExecutor<'_>, at: DateTime<Utc>, spread: Duration) -> sqlx::Result<u64> {
    let r = sqlx::query(
        "INSERT INTO account_polls (user_id, orders_due_at, servers_due_at)
         SELECT user_id, t, t FROM (
             SELECT s.user_id, $1 - random() * make_interval(secs => $2) AS t
             FROM user_secrets s
             WHERE s.kind = 'clore_api_key'
               AND NOT EXISTS (SELECT 1 FROM account_polls p WHERE p.user_id = s.user_id)
         ) fresh
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(at)
    .bind(secs(spread))
    .execute(ex)
    .await?;
    Ok(r.rows_affected())
}

/// The user stored a key (perhaps another account's): their account is due at once, and what
/// was learned about the old one is forgotten.
pub async fn fresh_key(ex: impl PgExecutor<'_>, user: UserId, at: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO account_polls (user_id, orders_due_at, servers_due_at) VALUES ($1, $2, $2)
         ON CONFLICT (user_id) DO UPDATE
           SET orders_due_at = LEAST(account_polls.orders_due_at, $2),
               servers_due_at = LEAST(account_polls.servers_due_at, $2),
               host = NULL, busy_at = NULL, wallets_after = NULL",
    )
    .bind(user)
    .bind(at)
    .execute(ex)
    .await?;
    Ok(())
}

/// The user just rented (or tried to): their orders are due now, and they count as busy.
pub async fn poke(ex: impl PgExecutor<'_>, user: UserId, at: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO account_polls (user_id, orders_due_at, servers_due_at, busy_at) VALUES ($1, $2, $2, $2)
         ON CONFLICT (user_id) DO UPDATE
           SET orders_due_at = LEAST(account_polls.orders_due_at, $2),
               busy_at = GREATEST(account_polls.busy_at, $2)",
    )
    .bind(user)
    .bind(at)
    .execute(ex)
    .await?;
    Ok(())
}

/// A command listed the user's servers (`/myservers`, `/hostset`): a host's servers are
/// polled from now on (at once, if this is news); someone with none is asked again after
/// `recheck`.
pub async fn saw_servers(
    ex: impl PgExecutor<'_>,
    user: UserId,
    host: bool,
    at: DateTime<Utc>,
    recheck: Duration,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO account_polls (user_id, orders_due_at, servers_due_at, host)
         VALUES ($1, $2, CASE WHEN $3 THEN $2 ELSE $2 + make_interval(secs => $4) END, $3)
         ON CONFLICT (user_id) DO UPDATE
           SET host = $3,
               servers_due_at = CASE
                   WHEN $3 AND account_polls.host IS NOT TRUE THEN LEAST(account_polls.servers_due_at, $2)
                   WHEN $3 THEN account_polls.servers_due_at
                   ELSE $2 + make_interval(secs => $4) END",
    )
    .bind(user)
    .bind(at)
    .bind(host)
    .bind(secs(recheck))
    .execute(ex)
    .await?;
    Ok(())
}

/// Claims up to `limit` accounts due at `at`, earliest first, for `lease`: no other process
/// takes them until the lease ends or [`finish`] gives them back.
pub async fn claim(
    pool: &PgPool,
    worker: Uuid,
    at: DateTime<Utc>,
    limit: usize,
    lease: Duration,
) -> sqlx::Result<Vec<Due>> {
    let mut rows: Vec<Due> = sqlx::query_as(
        "WITH due AS (
             SELECT user_id FROM account_polls
             WHERE due_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)
             ORDER BY due_at
             LIMIT $3
             FOR UPDATE SKIP LOCKED
         )
         UPDATE account_polls p SET leased_by = $1, lease_until = $2 + make_interval(secs => $4)
         FROM due WHERE p.user_id = due.user_id
         RETURNING p.user_id, p.due_at, p.orders_due_at, p.servers_due_at, p.wallets_after, p.host, p.busy_at,
                   p.polled_at",
    )
    .bind(worker)
    .bind(at)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .bind(secs(lease))
    .fetch_all(pool)
    .await?;
    rows.sort_by_key(|r| r.due_at);
    Ok(rows)
}

/// Records a poll of `claimed` and gives the account back. A rent or a command that moved
/// the schedule earlier while the poll ran wins over `next` (its news may postdate the poll's
/// look). False when the lease was no longer this worker's (it ran out and another took over).
pub async fn finish(
    ex: impl PgExecutor<'_>,
    worker: Uuid,
    claimed: &Due,
    next: &Next,
    at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE account_polls SET
             orders_due_at = CASE WHEN orders_due_at < $3 THEN orders_due_at ELSE $4 END,
             servers_due_at = CASE WHEN servers_due_at < $5 THEN servers_due_at ELSE $6 END,
             wallets_after = $7,
             host = COALESCE($8, host),
             busy_at = GREATEST(busy_at, $9),
             polled_at = $10,
             leased_by = NULL,
             lease_until = NULL
         WHERE user_id = $1 AND leased_by = $2",
    )
    .bind(claimed.user_id)
    .bind(worker)
    .bind(claimed.orders_due_at)
    .bind(next.orders_due_at)
    .bind(claimed.servers_due_at)
    .bind(next.servers_due_at)
    .bind(next.wallets_after)
    .bind(next.host)
    .bind(next.busy_at)
    .bind(at)
    .execute(ex)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Drops the row of a user without a usable key (storing one enrolls them again).
pub async fn forget(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM account_polls WHERE user_id = $1").bind(user).execute(ex).await?;
    Ok(())
}

/// How many accounts are enrolled (the `clorebot_accounts_keyed` gauge).
pub async fn count(ex: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM account_polls").fetch_one(ex).await
}
