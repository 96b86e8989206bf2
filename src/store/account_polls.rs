//! The account poll's schedule (`account_polls`): when each keyed user's orders and servers
//! are next due, what earlier polls learned (a host? busy lately?), and which process is
//! polling the account now. Rows are claimed with `FOR UPDATE SKIP LOCKED` and a lease, so
//! any number of processes share the polls and one that dies lets its accounts go when the
//! lease ends. Claims take their time as a parameter (`at`: the database's clock in
//! production, see [`now`]), so the schedule can be stepped through cycle by cycle in tests.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use crate::domain::UserId;

/// Someone who hosts nothing is asked for their servers again after this long (the poll and
/// `/myservers` both apply it).
pub const HOST_RECHECK: std::time::Duration = std::time::Duration::from_secs(86_400);

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
    pub touches: i64,
    /// The user has rent attempts open (see `alerts/reconcile.rs`).
    pub settling: bool,
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
    let r = sqlx::query!(
        "INSERT INTO account_polls (user_id, orders_due_at, servers_due_at)
         SELECT user_id, t, t FROM (
             SELECT s.user_id, $1::timestamptz - random() * make_interval(secs => $2) AS t
             FROM user_secrets s
             WHERE s.kind = 'clore_api_key'
               AND NOT EXISTS (SELECT 1 FROM account_polls p WHERE p.user_id = s.user_id)
         ) fresh
         ON CONFLICT (user_id) DO NOTHING",
        at,
        secs(spread),
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected())
}

/// The user stored a key (perhaps another account's): their account is due at once, and what
/// was learned about the old one is forgotten.
pub async fn fresh_key(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO account_polls (user_id, orders_due_at, servers_due_at) VALUES ($1, now(), now())
         ON CONFLICT (user_id) DO UPDATE
           SET orders_due_at = LEAST(account_polls.orders_due_at, now()),
               servers_due_at = LEAST(account_polls.servers_due_at, now()),
               host = NULL, busy_at = NULL, wallets_after = NULL,
               touches = account_polls.touches + 1",
        user.0
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// The user just rented (or tried to): their orders are due at once, and they count as busy.
pub async fn poke(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO account_polls (user_id, orders_due_at, servers_due_at, busy_at) VALUES ($1, now(), now(), now())
         ON CONFLICT (user_id) DO UPDATE
           SET orders_due_at = LEAST(account_polls.orders_due_at, now()),
               busy_at = GREATEST(account_polls.busy_at, now()),
               touches = account_polls.touches + 1",
        user.0
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// A command listed the user's servers (`/myservers`, `/hostset`): a host's servers are
/// polled from now on (at once, if this is news); someone with none is asked again after
/// `recheck`.
pub async fn saw_servers(ex: impl PgExecutor<'_>, user: UserId, host: bool, recheck: Duration) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO account_polls (user_id, orders_due_at, servers_due_at, host)
         VALUES ($1, now(), CASE WHEN $2 THEN now() ELSE now() + make_interval(secs => $3) END, $2)
         ON CONFLICT (user_id) DO UPDATE
           SET host = $2,
               servers_due_at = CASE
                   WHEN $2 AND account_polls.host IS NOT TRUE THEN LEAST(account_polls.servers_due_at, now())
                   WHEN $2 THEN account_polls.servers_due_at
                   ELSE now() + make_interval(secs => $3) END,
               touches = account_polls.touches + 1",
        user.0,
        host,
        secs(recheck),
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Claims up to `limit` accounts due at `at`, earliest first, for `lease` under `token` (one
/// per claim): no one takes them until the lease ends or [`finish`] gives them back.
pub async fn claim(
    pool: &PgPool,
    token: Uuid,
    at: DateTime<Utc>,
    limit: usize,
    lease: Duration,
) -> sqlx::Result<Vec<Due>> {
    let mut rows: Vec<Due> = sqlx::query_as!(
        Due,
        r#"WITH due AS (
             SELECT user_id FROM account_polls
             WHERE due_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)
             ORDER BY due_at
             LIMIT $3
             FOR UPDATE SKIP LOCKED
         )
         UPDATE account_polls p SET leased_by = $1, lease_until = $2 + make_interval(secs => $4)
         FROM due WHERE p.user_id = due.user_id
         RETURNING p.user_id AS "user_id: UserId", p.due_at AS "due_at!", p.orders_due_at, p.servers_due_at,
                   p.wallets_after, p.host, p.busy_at, p.polled_at, p.touches,
                   EXISTS (SELECT 1 FROM rent_intents i
                           WHERE i.user_id = p.user_id AND i.status IN ('pending', 'unknown', 'accepted')) AS "settling!""#,
        token,
        at,
        i64::try_from(limit).unwrap_or(i64::MAX),
        secs(lease),
    )
    .fetch_all(pool)
    .await?;
    rows.sort_by_key(|r| r.due_at);
    Ok(rows)
}

/// Records a poll of `claimed` and gives the account back. If something moved the schedule
/// while the poll ran (a rent, a new key: `touches` changed), the schedule is left as that
/// made it — due at once — for the next poll to read afresh. False when the claim was no
/// longer `token`'s (its lease ran out and another took over).
pub async fn finish(
    ex: impl PgExecutor<'_>,
    token: Uuid,
    claimed: &Due,
    next: &Next,
    at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let r = sqlx::query!(
        "UPDATE account_polls SET
             orders_due_at = CASE WHEN touches = $3 THEN $4 ELSE orders_due_at END,
             servers_due_at = CASE WHEN touches = $3 THEN $5 ELSE servers_due_at END,
             wallets_after = CASE WHEN touches = $3 THEN $6 ELSE wallets_after END,
             host = CASE WHEN touches = $3 THEN COALESCE($7, host) ELSE host END,
             busy_at = CASE WHEN touches = $3 THEN GREATEST(busy_at, $8) ELSE busy_at END,
             polled_at = $9,
             leased_by = NULL,
             lease_until = NULL
         WHERE user_id = $1 AND leased_by = $2",
        claimed.user_id.0,
        token,
        claimed.touches,
        next.orders_due_at,
        next.servers_due_at,
        next.wallets_after,
        next.host,
        next.busy_at,
        at,
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// Drops the row of a user without a usable key (storing one enrolls them again).
pub async fn forget(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM account_polls WHERE user_id = $1", user.0).execute(ex).await?;
    Ok(())
}

/// How many accounts are enrolled (the `clorebot_accounts_keyed` gauge).
pub async fn count(ex: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM account_polls"#).fetch_one(ex).await
}
