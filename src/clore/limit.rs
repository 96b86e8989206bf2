//! Client-side rate limits per key, so that we wait our turn instead of collecting 429s.

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

pub struct Limits {
    general: DefaultKeyedRateLimiter<LimiterId>,
    create_period: Duration,
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
        Limits { general: RateLimiter::keyed(q(period)), create_period, last_create: DashMap::new() }
    }

    /// Waits until a call with this key may go out.
    pub async fn wait(&self, id: &LimiterId) {
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
        self.wait(id).await;
        *last = Some(Instant::now());
    }
}
