//! The global Clore request budget (`CLORE_MAX_RPS`): every request this process sends, on any
//! key or none, takes a cell first. Clore publishes only per-key limits (1/s, `create_order`
//! 1 per 5 s); the budget keeps the process as a whole a polite client of one address, however
//! many users it polls for.
//!
//! Background work — the account poll, run inside [`background`] — may use at most
//! [`BACKGROUND_SHARE`] of the budget, so a command someone is waiting on always finds a cell
//! within a few tens of milliseconds even while the poll runs flat out.

use std::future::Future;
use std::num::NonZeroU32;
use std::time::Instant;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// The default budget: requests per second for the whole process.
///
/// Fifty a second gives the account poll 40 calls a second: a 60-second cycle of about 5,000
/// keyed users at its typical 0.43–0.45 calls per user per cycle (docs/alerts.md), while
/// staying far below what one busy web client sends to an API behind a CDN. Raise it (100
/// covers 10,000 users), or run replicas, each with its own budget and ideally its own address.
pub const DEFAULT_MAX_RPS: u32 = 50;

/// The share of the budget background work may take.
pub const BACKGROUND_SHARE: f64 = 0.8;

tokio::task_local! {
    static BACKGROUND: ();
}

/// Runs `work` as background work: its Clore requests wait for the background share.
pub async fn background<F: Future>(work: F) -> F::Output {
    BACKGROUND.scope((), work).await
}

fn in_background() -> bool {
    BACKGROUND.try_with(|_| ()).is_ok()
}

pub struct Budget {
    rps: NonZeroU32,
    all: DefaultDirectRateLimiter,
    background: DefaultDirectRateLimiter,
}

impl std::fmt::Debug for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Budget").field("rps", &self.rps).finish()
    }
}

/// A per-second quota whose burst is a tenth of a second's worth: requests leave evenly
/// spaced, and no second ever carries more than 10 % over the rate.
fn quota(rps: NonZeroU32) -> Quota {
    let burst = NonZeroU32::new((rps.get() / 10).max(1)).expect("at least 1");
    Quota::per_second(rps).allow_burst(burst)
}

impl Budget {
    pub fn new(rps: NonZeroU32) -> Budget {
        let share = ((f64::from(rps.get()) * BACKGROUND_SHARE).floor() as u32).max(1);
        let share = NonZeroU32::new(share).expect("at least 1");
        Budget { rps, all: RateLimiter::direct(quota(rps)), background: RateLimiter::direct(quota(share)) }
    }

    pub fn rps(&self) -> u32 {
        self.rps.get()
    }

    /// Waits until one more request fits the budget (and, in background work, its share).
    pub async fn wait(&self) {
        let class = if in_background() { "background" } else { "foreground" };
        let started = Instant::now();
        let mut waited = false;
        if class == "background" && self.background.check().is_err() {
            waited = true;
            self.background.until_ready().await;
        }
        if self.all.check().is_err() {
            waited = true;
            self.all.until_ready().await;
        }
        if waited {
            metrics::counter!("clorebot_clore_budget_waits_total", "class" => class).increment(1);
            metrics::histogram!("clorebot_clore_budget_wait_seconds", "class" => class)
                .record(started.elapsed().as_secs_f64());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn requests_leave_at_the_budgets_rate_and_background_at_its_share() {
        let b = Budget::new(NonZeroU32::new(100).unwrap());
        let t = Instant::now();
        for _ in 0..60 {
            b.wait().await;
        }
        let fore = t.elapsed();
        // 10 at once, then 50 more at 100/s: about 0.5 s.
        assert!(fore >= Duration::from_millis(450), "{fore:?}");
        let b = Budget::new(NonZeroU32::new(100).unwrap());
        let t = Instant::now();
        background(async {
            for _ in 0..48 {
                b.wait().await;
            }
        })
        .await;
        let back = t.elapsed();
        // 8 at once, then 40 more at 80/s: about 0.5 s.
        assert!(back >= Duration::from_millis(450), "{back:?}");
    }

    #[tokio::test]
    async fn a_foreground_request_is_not_held_behind_background_ones() {
        let b = std::sync::Arc::new(Budget::new(NonZeroU32::new(50).unwrap()));
        let mut busy = Vec::new();
        for _ in 0..40 {
            let b = b.clone();
            busy.push(tokio::spawn(background(async move {
                for _ in 0..5 {
                    b.wait().await;
                }
            })));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let t = Instant::now();
        b.wait().await;
        // The background share leaves a fifth of the cells free: the 200 background requests
        // take 5 s, the foreground one a cell or two.
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
        for h in busy {
            h.await.unwrap();
        }
    }
}
