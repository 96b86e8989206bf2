//! The alert engine (docs/alerts.md): pollers that turn changes in the market and in users'
//! accounts into alerts in the outbox, and notifiers that deliver them.
//!
//! The market poll runs only in the process holding a Postgres advisory lock, so any number
//! of `clorebot` processes on one database poll the market once; the account poll is shared
//! between them, account by account, with leases (`accounts/`); delivery claims rows with
//! `FOR UPDATE SKIP LOCKED`, so every alert is sent once.

pub mod accounts;
pub mod autorent;
pub mod deliver;
pub mod digest;
pub mod hold;
pub mod market_poll;
pub mod market_watch;
pub mod message;
pub mod reconcile;
pub mod watch;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rand::Rng;
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use crate::clore::ApiKey;
use crate::services::Deps;
pub use hold::Urgency;
use market_poll::WatchMemory;

/// The advisory lock that elects the polling process ("clorebot" in ASCII).
const LEADER_LOCK: i64 = 0x636c_6f72_6562_6f74;

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// `CLOREBOT_MARKET_POLL_SECS`: one marketplace fetch per interval.
    pub market_poll: Duration,
    /// `CLOREBOT_ORDERS_POLL_SECS`: the account poll's interval (see `accounts/mod.rs` for what
    /// is asked how often).
    pub orders_poll: Duration,
    /// How long a claimed account stays this process's: if it dies, another polls the
    /// account once this has passed.
    pub account_lease: Duration,
    /// Accounts polled at once; `None`: one per request a second of the budget (16 to 1,024).
    pub accounts_at_once: Option<usize>,
    /// `CLOREBOT_ENDING_SOON_MINS`: warn this long before an order's maximum rental ends.
    pub ending_soon: Duration,
    /// `CLOREBOT_LOW_BALANCE_HOURS`: warn when wallets cover less than this of current spend.
    pub low_balance_hours: f64,
    /// ± this share of an interval, so replicas and restarts do not poll in lockstep.
    pub jitter: f64,
    /// How often a non-leader tries to take over polling.
    pub leader_retry: Duration,
    /// `CLORE_MARKET_KEY`: an optional key for market polls (the marketplace is public).
    pub market_key: Option<ApiKey>,
    /// A rent attempt still "pending" this young belongs to a rent waiting on Clore, which
    /// reports its own outcome; older, its process died and reconciliation takes over.
    pub intent_grace: Duration,
    /// An attempt counts as not made only when an order list asked for this long after it
    /// shows no order: by then any request Clore received has long been acted on.
    pub intent_settle: Duration,
    /// An attempt that could not be settled this long (Clore's order list not answering,
    /// the key removed) is given up on, and its owner told to look.
    pub intent_give_up: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            market_poll: Duration::from_secs(30),
            orders_poll: Duration::from_secs(60),
            account_lease: Duration::from_secs(120),
            accounts_at_once: None,
            ending_soon: Duration::from_secs(60 * 60),
            low_balance_hours: 24.0,
            jitter: 0.1,
            leader_retry: Duration::from_secs(15),
            market_key: None,
            intent_grace: Duration::from_secs(120),
            intent_settle: Duration::from_secs(300),
            intent_give_up: Duration::from_secs(86_400),
        }
    }
}

/// See [`Engine::probe`]: called with the poller's name (`market`, `housekeeping`, `digest`, `account`).
pub type PollProbe = Arc<dyn Fn(&str) + Send + Sync>;

pub struct Engine {
    pub deps: Arc<Deps>,
    pub cfg: EngineConfig,
    memory: Mutex<WatchMemory>,
    /// When this engine last compacted price history (housekeeping does it hourly).
    compacted: std::sync::Mutex<Option<std::time::Instant>>,
    /// This process holds the poller lock.
    leading: AtomicBool,
    /// The lock has been tried at least once (until then, who polls is unknown).
    tried: AtomicBool,
    /// Runs at the top of every poll round, outside the per-poll panic guard. Production has
    /// none; tests use it to make a poller task itself die, to prove it is restarted.
    pub probe: std::sync::OnceLock<PollProbe>,
}

impl Engine {
    pub fn new(deps: Arc<Deps>, cfg: EngineConfig) -> Engine {
        Engine {
            deps,
            cfg,
            memory: Mutex::new(WatchMemory::default()),
            compacted: std::sync::Mutex::new(None),
            leading: AtomicBool::new(false),
            tried: AtomicBool::new(false),
            probe: std::sync::OnceLock::new(),
        }
    }

    /// Whether this process currently runs the pollers.
    pub fn is_leading(&self) -> bool {
        self.leading.load(Ordering::Relaxed)
    }

    /// Whether this process has tried to take the poller lock yet.
    pub fn has_tried_to_lead(&self) -> bool {
        self.tried.load(Ordering::Relaxed)
    }

    /// Tries to become the polling process: returns the connection holding the lock (the
    /// lock lasts as long as it stays open), or `None` if another process polls.
    pub async fn try_lead(pool: &PgPool) -> anyhow::Result<Option<PgConnection>> {
        crate::store::try_advisory_lock(pool, LEADER_LOCK).await
    }

    /// Polls while leading, otherwise waits to take over, until `stop`. A poll under way when
    /// `stop` comes (an auto-rent between its Clore call and its commit) finishes first: the
    /// loops are told to stop and awaited, never aborted.
    pub async fn run_pollers(self: Arc<Self>, stop: CancellationToken) {
        let _unlead = Unlead(&self.leading);
        while !stop.is_cancelled() {
            let tried = Engine::try_lead(&self.deps.pool).await;
            self.tried.store(true, Ordering::Relaxed);
            let lock = match tried {
                Ok(Some(c)) => c,
                Ok(None) => {
                    let _ = tokio::time::timeout(self.cfg.leader_retry, stop.cancelled()).await;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not try the poller lock");
                    let _ = tokio::time::timeout(self.cfg.leader_retry, stop.cancelled()).await;
                    continue;
                }
            };
            tracing::info!("this process polls Clore for alerts");
            self.leading.store(true, Ordering::Relaxed);
            metrics::gauge!("clorebot_leader").set(1.0);
            // A fresh leader rebuilds its memory from the database.
            *self.memory.lock().await = WatchMemory::default();
            let lead = stop.child_token();
            let mut pollers = tokio::task::JoinSet::new();
            pollers.spawn(self.clone().market_loop(lead.clone()));
            pollers.spawn(self.clone().housekeeping_loop(lead.clone()));
            pollers.spawn(self.clone().digest_loop(lead.clone()));
            let mut lock = lock;
            let mut died = None;
            // Check the lock connection now and then: if it dies, so does leadership.
            loop {
                tokio::select! {
                    _ = lead.cancelled() => break,
                    Some(ended) = pollers.join_next() => {
                        died = ended.err().filter(|e| e.is_panic());
                        break;
                    }
                    _ = tokio::time::sleep(self.cfg.leader_retry) => {
                        if !crate::store::lock_held(&mut lock).await {
                            tracing::warn!("lost the poller lock connection; stopping polls");
                            break;
                        }
                    }
                }
            }
            lead.cancel();
            while let Some(ended) = pollers.join_next().await {
                if let Err(e) = ended
                    && e.is_panic()
                {
                    died.get_or_insert(e);
                }
            }
            self.leading.store(false, Ordering::Relaxed);
            metrics::gauge!("clorebot_leader").set(0.0);
            lock.close().await.ok();
            if let Some(e) = died {
                // The lock is released; the supervisor restarts the pollers after a pause.
                std::panic::resume_unwind(e.into_panic());
            }
        }
    }

    async fn market_loop(self: Arc<Self>, stop: CancellationToken) {
        let every = self.cfg.market_poll;
        self.clone().repeat("market", every, stop, || async { self.poll_market().await.map(|_| ()) }).await
    }

    async fn housekeeping_loop(self: Arc<Self>, stop: CancellationToken) {
        let every = self.cfg.orders_poll;
        self.clone().repeat("housekeeping", every, stop, || async { self.housekeep().await.map(|_| ()) }).await
    }

    async fn digest_loop(self: Arc<Self>, stop: CancellationToken) {
        let every = digest::EVERY;
        self.clone().repeat("digest", every, stop, || async { self.release_digests().await.map(|_| ()) }).await
    }

    /// Runs `poll` every `every` (jittered), backing off while it fails, until `stop`; a
    /// poll that has started always runs to its end.
    async fn repeat<F, Fut>(self: Arc<Self>, what: &'static str, every: Duration, stop: CancellationToken, poll: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<()>>,
    {
        let mut failures = 0u32;
        while !stop.is_cancelled() {
            if let Some(probe) = self.probe.get() {
                probe(what);
            }
            let started = std::time::Instant::now();
            // A panic in one poll is a failed poll, not the end of polling.
            let result = contained("the poll", poll()).await;
            metrics::histogram!("clorebot_poll_seconds", "poller" => what).record(started.elapsed().as_secs_f64());
            let pause = match result {
                Ok(()) => {
                    failures = 0;
                    self.jittered(every)
                }
                Err(e) => {
                    failures += 1;
                    tracing::warn!(error = %format!("{e:#}"), failures, "{what} poll failed; backing off");
                    backoff(every, failures)
                }
            };
            let _ = tokio::time::timeout(pause, stop.cancelled()).await;
        }
    }

    fn jittered(&self, d: Duration) -> Duration {
        let j = self.cfg.jitter.clamp(0.0, 0.5);
        d.mul_f64(1.0 + rand::rng().random_range(-j..=j))
    }
}

/// Runs `work`, turning a panic in it into an error: one poll's or one account's panic is
/// that poll's or account's failure, logged, and the engine goes on.
async fn contained<T>(what: &str, work: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    use futures_util::FutureExt;
    std::panic::AssertUnwindSafe(work)
        .catch_unwind()
        .await
        .unwrap_or_else(|p| Err(anyhow::anyhow!("{what} panicked: {}", crate::telemetry::panic_text(&*p))))
}

/// Enqueues a private alert to `user` (to their private chat, or, when none is known yet, to
/// them: the notifier opens one), held for a digest if it may wait and their quiet hours or a
/// burst say so (`hold.rs`); 0 when the alert exists already.
pub async fn enqueue_private(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user: &crate::store::users::User,
    dedup_key: &str,
    reply: crate::core::Reply,
    urgency: Urgency,
) -> anyhow::Result<usize> {
    let to = hold::To { platform: user.platform, chat: user.dm_chat_id.as_deref(), user: Some(user.id) };
    let hold = hold::decide(tx, &to, urgency, None).await?;
    let fresh = crate::store::outbox::enqueue(
        &mut **tx,
        &crate::store::outbox::NewAlert {
            dedup_key: dedup_key.to_owned(),
            platform: user.platform,
            target_chat_id: user.dm_chat_id.clone(),
            target_thread_id: None,
            target_user: Some(user.id),
            payload: message::to_payload(&reply)?,
            urgent: urgency == Urgency::Urgent,
            hold,
            part: None,
        },
    )
    .await?;
    Ok(usize::from(fresh))
}

/// Clears the leading flag however `run_pollers` ends (a panic included).
struct Unlead<'a>(&'a AtomicBool);

impl Drop for Unlead<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// Doubling pauses after consecutive failures, at most ten minutes.
fn backoff(base: Duration, failures: u32) -> Duration {
    crate::retry::doubled(base, failures.min(5), Duration::from_secs(600))
}
