//! Client-side rate limits per key, so that we wait our turn instead of collecting 429s —
//! in this process, and, with a [`SharedPace`], across every process using the same keys
//! (replicas on one database: a user's command in one and their account poll in another).

use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::Mutex;
use tokio::time::Instant;

/// Limiter identity: a hash of the key, or all zeros for keyless (public) calls.
pub type LimiterId = [u8; 32];
pub const ANONYMOUS: LimiterId = [0; 32];

/// Past this many tracked keys, idle entries are dropped so the maps do not grow forever.
const RETAIN_ABOVE: usize = 10_000;

/// Pacing shared with the other processes that call Clore with the same keys.
pub trait SharedPace: Send + Sync {
    /// Takes the key's next call slot — for a `create_order` (`create`), its next create slot
    /// too — and says how long until it starts.
    fn reserve<'a>(
        &'a self,
        id: &'a LimiterId,
        period: Duration,
        create_period: Option<Duration>,
    ) -> futures_util::future::BoxFuture<'a, anyhow::Result<Duration>>;
}

/// The database gets this long to book a slot; when it fails, calls are paced locally for
/// [`SHARED_REST`] before it is asked again.
const SHARED_ASK_WITHIN: Duration = Duration::from_millis(750);
const SHARED_REST: Duration = Duration::from_secs(30);
/// A shared slot further off than this is not waited for in full (a clock gone wrong).
const SHARED_WAIT_MAX: Duration = Duration::from_secs(30);
/// Shared slots are this much wider than local spacing: two processes' calls are booked back
/// to back in advance, so one that leaves late (a busy machine, a new connection) would reach
/// Clore too close to the next. Measured on the soak: up to ~150 ms late on 2 busy cores.
const SHARED_SLACK: Duration = Duration::from_millis(250);

pub struct Limits {
    general: DefaultKeyedRateLimiter<LimiterId>,
    period: Duration,
    create_period: Duration,
    shared: std::sync::OnceLock<Arc<dyn SharedPace>>,
    /// After the shared pace failed: local pacing only until then.
    shared_rests_until: std::sync::Mutex<Option<Instant>>,
    /// Per key: when its last `create_order` went out. Held while a create waits its turn,
    /// so creates with one key go out one by one, each `create_period` after the last was
    /// *sent* (a slot taken earlier and then held up by the general limit would let the
    /// next create out too soon, and Clore answers that with a 429).
    last_create: DashMap<LimiterId, Arc<Mutex<Option<Instant>>>>,
}

impl Limits {
    /// `period`: the spacing of any two calls with one key; `create_period`: of two
    /// `create_order` calls.
    pub fn new(period: Duration, create_period: Duration) -> Limits {
        let q = |p: Duration| Quota::with_period(p.max(Duration::from_millis(1))).expect("period is non-zero");
        Limits {
            general: RateLimiter::keyed(q(period)),
            period,
            create_period,
            shared: std::sync::OnceLock::new(),
            shared_rests_until: std::sync::Mutex::new(None),
            last_create: DashMap::new(),
        }
    }

    /// Paces keyed calls with the other processes too (set once; later calls are ignored).
    pub fn share(&self, pace: Arc<dyn SharedPace>) {
        let _ = self.shared.set(pace);
    }

    /// Waits for the key's shared slot, if pacing is shared. If the shared pace cannot be
    /// reached, the local limits alone apply (logged).
    async fn wait_shared(&self, id: &LimiterId, create: bool) {
        let Some(shared) = self.shared.get().filter(|_| *id != ANONYMOUS) else { return };
        if self.shared_rests_until.lock().unwrap_or_else(|p| p.into_inner()).is_some_and(|t| Instant::now() < t) {
            return;
        }
        let (period, create_period) = (self.period + SHARED_SLACK, self.create_period + SHARED_SLACK);
        let booked =
            tokio::time::timeout(SHARED_ASK_WITHIN, shared.reserve(id, period, create.then_some(create_period)));
        let why = match booked.await {
            Ok(Ok(wait)) => {
                if !wait.is_zero() {
                    tokio::time::sleep(wait.min(SHARED_WAIT_MAX)).await;
                }
                return;
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {SHARED_ASK_WITHIN:?}"),
        };
        tracing::warn!(error = %why, "the shared Clore pace is unavailable; pacing this process's calls only for a while");
        *self.shared_rests_until.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now() + SHARED_REST);
    }

    /// Waits until a call with this key may go out.
    pub async fn wait(&self, id: &LimiterId) {
        self.wait_local(id).await;
        self.wait_shared(id, false).await;
    }

    async fn wait_local(&self, id: &LimiterId) {
        if self.general.len() > RETAIN_ABOVE {
            self.general.retain_recent();
        }
        self.general.until_key_ready(id).await;
    }

    /// Waits until a `create_order` with this key may go out (the general limit applies
    /// too); the caller sends it at once.
    pub async fn wait_create(&self, id: &LimiterId) {
        if self.last_create.len() > RETAIN_ABOVE {
            let idle = Instant::now() - self.create_period;
            self.last_create.retain(|_, m| m.try_lock().map_or(true, |t| t.is_some_and(|t| t > idle)));
        }
        let slot = self.last_create.entry(*id).or_default().clone();
        let mut last = slot.lock().await;
        if let Some(t) = *last {
            tokio::time::sleep_until(t + self.create_period).await;
        }
        self.wait_local(id).await;
        self.wait_shared(id, true).await;
        *last = Some(Instant::now());
    }
}
