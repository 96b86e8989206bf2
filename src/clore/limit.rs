//! Client-side rate limits per key, so that we wait our turn instead of collecting 429s.

use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Limiter identity: a hash of the key, or all zeros for keyless (public) calls.
pub type LimiterId = [u8; 32];
pub const ANONYMOUS: LimiterId = [0; 32];

/// Past this many tracked keys, idle entries are dropped so the maps do not grow forever.
const RETAIN_ABOVE: usize = 10_000;

pub struct Limits {
    general: DefaultKeyedRateLimiter<LimiterId>,
    create: DefaultKeyedRateLimiter<LimiterId>,
}

impl Limits {
    /// `period`: the spacing of any two calls with one key; `create_period`: of two
    /// `create_order` calls.
    pub fn new(period: Duration, create_period: Duration) -> Limits {
        let q = |p: Duration| Quota::with_period(p.max(Duration::from_millis(1))).expect("period is non-zero");
        Limits { general: RateLimiter::keyed(q(period)), create: RateLimiter::keyed(q(create_period)) }
    }

    /// Waits until a call with this key may go out.
    pub async fn wait(&self, id: &LimiterId) {
        if self.general.len() > RETAIN_ABOVE {
            self.general.retain_recent();
        }
        self.general.until_key_ready(id).await;
    }

    /// Waits until a `create_order` with this key may go out (the general limit applies too).
    pub async fn wait_create(&self, id: &LimiterId) {
        if self.create.len() > RETAIN_ABOVE {
            self.create.retain_recent();
        }
        self.create.until_key_ready(id).await;
        self.wait(id).await;
    }
}
