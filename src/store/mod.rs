//! Everything clorebot remembers, in Postgres: one file per table group. Functions take
//! `impl PgExecutor<'_>` so a caller chooses the pool or a transaction (alerts are written in
//! the transaction of the state change that caused them).
//!
//! Queries are sqlx's checked macros (`query!`, `query_as!`, `query_scalar!`): their SQL is
//! checked against the schema when building, from the cache in `.sqlx/` (see
//! `docs/development.md` for regenerating it after a query or a migration changes).

pub mod account_polls;
pub mod actions;
pub mod audit;
pub mod console_groups;
pub mod crypto;
pub mod digests;
pub mod history;
pub mod host_alerts;
pub mod host_earnings;
pub mod host_market;
pub mod hosts;
pub mod inbox;
pub mod inbox_writer;
pub mod intents;
pub mod market_watches;
pub mod orders;
pub mod outbox;
pub mod pace;
pub mod platform_sends;
pub mod processes;
pub mod quiet;
pub mod sealed;
pub mod secrets;
pub mod spot_guards;
pub mod templates;
pub mod users;
pub mod watches;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tokio::time::Instant;

/// The schema, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Applies pending migrations; a database already up to date is left alone.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("failed to apply database migrations")
}

/// The versions of the migrations applied successfully (readiness compares them with
/// [`MIGRATOR`]'s).
pub async fn applied_migrations(ex: impl sqlx::PgExecutor<'_>) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!("SELECT version FROM _sqlx_migrations WHERE success").fetch_all(ex).await
}

/// Connects to `url` (never logged: it may hold a password) and migrates.
pub async fn connect(url: &str) -> anyhow::Result<PgPool> {
    let opts: sqlx::postgres::PgConnectOptions = url.parse().context("DATABASE_URL is not a valid PostgreSQL URL")?;
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .connect_with(opts)
        .await
        .context("failed to connect to DATABASE_URL")?;
    migrate(&pool).await?;
    Ok(pool)
}

/// The database's clock: every process's schedules, leases and deliveries keep to this one.
pub async fn now(ex: impl sqlx::PgExecutor<'_>) -> sqlx::Result<chrono::DateTime<chrono::Utc>> {
    sqlx::query_scalar!(r#"SELECT now() AS "now!""#).fetch_one(ex).await
}

/// Takes the session-level advisory lock `key` if no other process holds it: returns the
/// connection holding it (the lock lasts while it stays open; close it to let go), or `None`.
/// How one process among several on a database is chosen for a job only one may do. A try
/// that fails gives its connection back to the pool, so trying every second costs a query,
/// not a connection.
pub async fn try_advisory_lock(pool: &sqlx::PgPool, key: i64) -> anyhow::Result<Option<sqlx::PgConnection>> {
    let mut conn = pool.acquire().await?;
    let got: bool =
        sqlx::query_scalar!(r#"SELECT pg_try_advisory_lock($1) AS "got!""#, key).fetch_one(&mut *conn).await?;
    Ok(got.then(|| conn.detach()))
}

/// How long a check that a lock's connection is alive may take before the lock counts as
/// lost: a connection that hangs must not keep a process doing a job another has taken over.
const LOCK_CHECK_WITHIN: Duration = Duration::from_secs(3);

/// Whether the connection holding an advisory lock still answers (within 3 s).
pub async fn lock_held(conn: &mut sqlx::PgConnection) -> bool {
    matches!(tokio::time::timeout(LOCK_CHECK_WITHIN, sqlx::Connection::ping(conn)).await, Ok(Ok(())))
}

/// How often the holder of a lock taken by [`while_holding`] confirms it still holds it.
pub const CONFIRM_EVERY: Duration = Duration::from_secs(1);
/// A confirmation holds this long from the moment its check started. A session-level lock is
/// lost only with its session, and a check that its connection answered proves the session
/// was alive after the check started; so a lock is lost after the start of the last check that
/// confirmed it, and the holder's validity (that start plus `HOLD`) ends at most `HOLD` after
/// another process could take the lock. Checks start every [`CONFIRM_EVERY`] and answer in
/// milliseconds, so a working holder's validity never runs out; one that cannot confirm its
/// lock (its connection or the database is slow or out of reach) is past it within `HOLD`.
pub const HOLD: Duration = Duration::from_secs(2);

/// This process's hold of an advisory lock, as [`while_holding`] gives it to its work: a
/// token cancelled when the lock is lost (or the work is to stop), the time the lock is
/// confirmed until, and an id of this tenure (every taking of the lock has its own).
#[derive(Clone, Debug)]
pub struct Holding {
    token: tokio_util::sync::CancellationToken,
    until: Arc<Mutex<Instant>>,
    since: Instant,
    id: uuid::Uuid,
}

impl Holding {
    /// A hold confirmed until `until`, for a new tenure: [`while_holding`] makes one when it
    /// takes its lock; a test makes one to drive work directly.
    pub fn confirmed_until(until: Instant) -> Holding {
        Holding {
            token: tokio_util::sync::CancellationToken::new(),
            until: Arc::new(Mutex::new(until)),
            since: Instant::now(),
            id: uuid::Uuid::new_v4(),
        }
    }

    /// Cancelled when the lock is lost or the work is to stop.
    pub fn token(&self) -> &tokio_util::sync::CancellationToken {
        &self.token
    }

    /// This tenure's id.
    pub fn id(&self) -> uuid::Uuid {
        self.id
    }

    /// When the lock was taken.
    pub fn since(&self) -> Instant {
        self.since
    }

    /// The moment after which this process may no longer count on holding the lock.
    pub fn valid_until(&self) -> Instant {
        *self.until.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the lock is confirmed now (and not lost).
    pub fn holds(&self) -> bool {
        !self.token.is_cancelled() && Instant::now() < self.valid_until()
    }

    /// The lock is confirmed until `until` (never moved back by a late answer).
    pub fn confirm_until(&self, until: Instant) {
        let mut u = self.until.lock().unwrap_or_else(|p| p.into_inner());
        *u = (*u).max(until);
    }
}

/// Does `work` whenever this process holds the advisory lock `key`, until `stop`: tries to
/// take it every `retry`; while holding it, confirms it every [`CONFIRM_EVERY`] (extending the
/// [`Holding`]'s validity by [`HOLD`] from each check's start) and, once it is lost, cancels
/// the token `work` was given. `work` is never aborted: it ends on its own once told. `what`
/// names the job in the log. An error from `work` lets the lock go and is returned.
pub async fn while_holding<F, Fut>(
    pool: &sqlx::PgPool,
    key: i64,
    retry: Duration,
    what: &str,
    stop: &tokio_util::sync::CancellationToken,
    mut work: F,
) -> anyhow::Result<()>
where
    F: FnMut(Holding) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let mut said = false;
    while !stop.is_cancelled() {
        // A lock taken now is taken (and so lost) after this: the first validity counts from here.
        let tried = Instant::now();
        match try_advisory_lock(pool, key).await {
            Ok(Some(mut conn)) => {
                tracing::info!("this process {what}");
                said = false;
                let holding = Holding { token: stop.child_token(), ..Holding::confirmed_until(tried + HOLD) };
                let held = holding.token.clone();
                let watch = async {
                    let mut tick = tokio::time::interval(CONFIRM_EVERY);
                    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                    tick.tick().await;
                    loop {
                        tokio::select! {
                            _ = held.cancelled() => break,
                            _ = tick.tick() => {}
                        }
                        let started = Instant::now();
                        if !lock_held(&mut conn).await {
                            tracing::warn!("lost the lock's connection; another process {what}");
                            held.cancel();
                            break;
                        }
                        holding.confirm_until(started + HOLD);
                    }
                };
                let run = async {
                    let done = work(holding.clone()).await;
                    held.cancel();
                    done
                };
                let ((), done) = tokio::join!(watch, run);
                sqlx::Connection::close(conn).await.ok();
                done?;
            }
            Ok(None) if !said => {
                tracing::info!("another process {what}; this one takes over if it goes");
                said = true;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not try the lock of the process that {what}"),
        }
        let _ = tokio::time::timeout(retry, stop.cancelled()).await;
    }
    Ok(())
}
