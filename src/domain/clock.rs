//! The time as the bot reads it. Production reads the system's ([`SystemClock`]); a test
//! hands in a clock it can move on, so that a window, a cooldown or a wait Discord asked for
//! passes at once instead of the test sleeping through it. The bot reads it through
//! `services::Deps::clock`; it is chosen in `core::CoreConfig::clock`.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};

pub trait Clock: Debug + Send + Sync {
    /// The wall-clock time now.
    fn now(&self) -> DateTime<Utc>;
    /// A monotonic instant now, for spans and windows kept in memory.
    fn instant(&self) -> Instant;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn instant(&self) -> Instant {
        Instant::now()
    }
}

/// The system's clock, shared.
pub fn system() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}
