//! `processes`: which clorebot processes are alive. Each writes its heartbeat about once a
//! second ([`Liveness::beat`], from a task in `app/`); one whose heartbeat is older than
//! [`DEAD_AFTER`] by the database's clock is dead, and what it had taken from a platform (the
//! inbox) is finished by a survivor.
//!
//! A process that cannot write its heartbeat knows it will soon be presumed dead: after
//! [`STOP_AFTER`] without a heartbeat written it starts no more work on inbox items (another
//! process may be taking them over), and its next heartbeat comes under a new id, so that the
//! items it left are taken over like a dead process's — by itself, if it is the only one.
//!
//! The bound, by the arithmetic in docs/architecture.md: a survivor sees a dead process dead
//! at most `DEAD_AFTER` (5 s) after its last heartbeat, and its recovery loop looks every
//! second; a process whose heartbeat lapsed stopped starting work `DEAD_AFTER − STOP_AFTER`
//! (2 s) before anyone takes its items.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use sqlx::PgExecutor;
use uuid::Uuid;

/// How often a process writes its heartbeat.
pub const BEAT_EVERY: Duration = Duration::from_secs(1);
/// A heartbeat older than this (by the database's clock) is a dead process's: five beats
/// missed, which a live process on a working database never does.
pub const DEAD_AFTER: Duration = Duration::from_secs(5);
/// A process whose last heartbeat written was sent longer ago than this starts no more work
/// on inbox items: 2 s before anyone may presume it dead.
pub const STOP_AFTER: Duration = Duration::from_secs(3);
/// A process not seen for this long is forgotten (its row pruned).
const FORGET_AFTER: Duration = Duration::from_secs(86_400);

/// This process's identity among the others, and whether its heartbeat is recent enough for
/// it to start work.
#[derive(Debug)]
pub struct Liveness {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    id: Uuid,
    /// When the last heartbeat the database took was sent.
    last_ok: Option<Instant>,
}

impl Default for Liveness {
    fn default() -> Self {
        Liveness::new()
    }
}

impl Liveness {
    pub fn new() -> Liveness {
        Liveness { state: Mutex::new(State { id: Uuid::new_v4(), last_ok: None }) }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The id this process records what it takes under.
    pub fn id(&self) -> Uuid {
        self.state().id
    }

    /// The id to start work under, while the heartbeat is recent (see [`STOP_AFTER`]); `None`
    /// when this process must leave its inbox items to whoever takes them over.
    pub fn alive(&self) -> Option<Uuid> {
        let s = self.state();
        s.last_ok.is_some_and(|t| t.elapsed() < STOP_AFTER).then_some(s.id)
    }

    /// Writes one heartbeat. After a lapse (no heartbeat written for [`STOP_AFTER`]) the
    /// process goes on under a new id: what it recorded under the old one is taken over once
    /// that id is dead, as if this process had died.
    pub async fn beat(&self, ex: impl PgExecutor<'_>) -> sqlx::Result<()> {
        let sent = Instant::now();
        let id = {
            let mut s = self.state();
            if s.last_ok.is_some_and(|t| t.elapsed() >= STOP_AFTER) {
                let old = std::mem::replace(&mut s.id, Uuid::new_v4());
                tracing::warn!(old = %old, new = %s.id, "the heartbeat lapsed; going on under a new process id");
                s.last_ok = None;
            }
            s.id
        };
        beat(ex, id).await?;
        let mut s = self.state();
        if s.id == id {
            s.last_ok = Some(s.last_ok.map_or(sent, |t| t.max(sent)));
        }
        Ok(())
    }
}

/// Writes `id`'s heartbeat (the process's row is made by its first).
pub async fn beat(ex: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!("INSERT INTO processes (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET seen_at = now()", id)
        .execute(ex)
        .await?;
    Ok(())
}

/// A process stopping cleanly says so: whatever it leaves is taken over at once.
pub async fn gone(ex: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM processes WHERE id = $1", id).execute(ex).await?;
    Ok(())
}

/// Forgets processes not seen for a day; returns how many.
pub async fn prune(ex: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    let r = sqlx::query!(
        "DELETE FROM processes WHERE seen_at < now() - make_interval(secs => $1)",
        FORGET_AFTER.as_secs_f64()
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected())
}
