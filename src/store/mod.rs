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
pub mod crypto;
pub mod history;
pub mod inbox;
pub mod intents;
pub mod orders;
pub mod outbox;
pub mod pace;
pub mod platform_sends;
pub mod processes;
pub mod sealed;
pub mod secrets;
pub mod users;
pub mod watches;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

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
/// How one process among several on a database is chosen for a job only one may do.
pub async fn try_advisory_lock(pool: &sqlx::PgPool, key: i64) -> anyhow::Result<Option<sqlx::PgConnection>> {
    use sqlx::Connection;
    let mut conn = pool.acquire().await?.detach();
    let got: bool =
        sqlx::query_scalar!(r#"SELECT pg_try_advisory_lock($1) AS "got!""#, key).fetch_one(&mut conn).await?;
    if got {
        Ok(Some(conn))
    } else {
        conn.close().await.ok();
        Ok(None)
    }
}

/// How long a check that a lock's connection is alive may take before the lock counts as
/// lost: a connection that hangs must not keep a process doing a job another has taken over.
const LOCK_CHECK_WITHIN: std::time::Duration = std::time::Duration::from_secs(3);

/// Whether the connection holding an advisory lock still answers (within 3 s).
pub async fn lock_held(conn: &mut sqlx::PgConnection) -> bool {
    matches!(tokio::time::timeout(LOCK_CHECK_WITHIN, sqlx::Connection::ping(conn)).await, Ok(Ok(())))
}

/// Does `work` whenever this process holds the advisory lock `key`, until `stop`: tries to
/// take it every `every`; while holding it, checks it as often and, once it is lost, cancels
/// the token `work` was given. `work` is never aborted: it ends on its own once told. `what`
/// names the job in the log. An error from `work` lets the lock go and is returned.
pub async fn while_holding<F, Fut>(
    pool: &sqlx::PgPool,
    key: i64,
    every: std::time::Duration,
    what: &str,
    stop: &tokio_util::sync::CancellationToken,
    mut work: F,
) -> anyhow::Result<()>
where
    F: FnMut(tokio_util::sync::CancellationToken) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let mut said = false;
    while !stop.is_cancelled() {
        match try_advisory_lock(pool, key).await {
            Ok(Some(mut conn)) => {
                tracing::info!("this process {what}");
                said = false;
                let held = stop.child_token();
                let watch = async {
                    loop {
                        tokio::select! {
                            _ = held.cancelled() => break,
                            _ = tokio::time::sleep(every) => {}
                        }
                        if !lock_held(&mut conn).await {
                            tracing::warn!("lost the lock's connection; another process {what}");
                            held.cancel();
                            break;
                        }
                    }
                };
                let run = async {
                    let done = work(held.clone()).await;
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
        let _ = tokio::time::timeout(every, stop.cancelled()).await;
    }
    Ok(())
}
