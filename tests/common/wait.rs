//! Waiting for what a test expects, not for time to pass (after rust-lang/bors's
//! `TestSyncMarker`): the fake servers, the [`Recorder`](super::Recorder) and the log
//! capture signal [`Events`] whenever they record something, and [`wait_for`] looks at its
//! condition again on each signal — at once when it already holds, failing with what never
//! happened after a deadline that only a failure reaches. What nothing signals (a row written
//! by the bot, another process's HTTP answer) is looked at again every [`RECHECK`]: the last
//! resort, named as such at each use with [`every`].
#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

/// How long a wait may take before the test fails: generous (two busy cores, other builds
/// running), since only a test that is failing ever reaches it.
pub const WAIT: Duration = Duration::from_secs(30);

/// How often a condition that no event marks is looked at again.
pub const RECHECK: Duration = Duration::from_millis(25);

/// A count of things that happened, that waits wake on.
#[derive(Clone)]
pub struct Events(Arc<watch::Sender<u64>>);

impl Default for Events {
    fn default() -> Self {
        Events(Arc::new(watch::channel(0).0))
    }
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Events({})", *self.0.borrow())
    }
}

impl Events {
    /// Something happened: waits on these look again.
    pub fn signal(&self) {
        self.0.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// What makes a wait look at its condition again.
pub struct Wake {
    on: Vec<watch::Receiver<u64>>,
    every: Option<Duration>,
}

/// Wakes on `events` (and only on them).
pub fn on(events: &Events) -> Wake {
    Wake { on: vec![events.0.subscribe()], every: None }
}

/// Wakes every `period`: for a condition nothing signals (a database row, another process's
/// answer) — the last resort.
pub fn every(period: Duration) -> Wake {
    Wake { on: Vec::new(), every: Some(period) }
}

impl Wake {
    /// Wakes on `events` too.
    pub fn and(mut self, events: &Events) -> Wake {
        self.on.push(events.0.subscribe());
        self
    }

    /// Also wakes every `period` (see [`every`]).
    pub fn or_every(mut self, period: Duration) -> Wake {
        self.every = Some(period);
        self
    }

    /// Returns when one of the events was signalled since the last return (or since this
    /// was made), after `period` when one is set, or after `left` at the latest.
    pub async fn next(&mut self, left: Duration) {
        let limit = self.every.map_or(left, |p| p.min(left));
        let signalled = async {
            if self.on.is_empty() {
                std::future::pending::<()>().await;
            }
            let changes = self.on.iter_mut().map(|rx| Box::pin(rx.changed()));
            // A closed sender (its fake gone) answers at once; the deadline still holds.
            let _ = futures_util::future::select_all(changes).await;
        };
        let _ = tokio::time::timeout(limit, signalled).await;
    }
}

/// What a condition gives when it holds: `true`, or `Some` of what was waited for.
pub trait Outcome {
    type Value;
    fn done(self) -> Option<Self::Value>;
}

impl Outcome for bool {
    type Value = ();
    fn done(self) -> Option<()> {
        self.then_some(())
    }
}

impl<T> Outcome for Option<T> {
    type Value = T;
    fn done(self) -> Option<T> {
        self
    }
}

/// Waits until `check` holds — looking at once, then whenever `wake` says — and returns what
/// it gave; fails the test naming `what` if it still does not hold after `within`.
pub async fn wait_for<O: Outcome>(what: &str, within: Duration, wake: Wake, check: impl AsyncFnMut() -> O) -> O::Value {
    match try_wait_for(within, wake, check).await {
        Some(v) => v,
        None => panic!("waited {within:?} for {what}, and it never happened"),
    }
}

/// As [`wait_for`], for a test that carries on when it does not happen: `None` then.
pub async fn try_wait_for<O: Outcome>(
    within: Duration,
    mut wake: Wake,
    mut check: impl AsyncFnMut() -> O,
) -> Option<O::Value> {
    let started = Instant::now();
    loop {
        if let Some(v) = check().await.done() {
            return Some(v);
        }
        let left = within.saturating_sub(started.elapsed());
        if left.is_zero() {
            return None;
        }
        wake.next(left).await;
    }
}
