//! The one doubling-backoff rule shared by the Clore client, the pollers, alert delivery
//! and task supervision.

use std::time::Duration;

/// `base` doubled `times` times (at most 16), never above `cap`.
pub fn doubled(base: Duration, times: u32, cap: Duration) -> Duration {
    base.saturating_mul(1u32 << times.min(16)).min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap() {
        let s = Duration::from_secs;
        assert_eq!(doubled(s(2), 0, s(60)), s(2));
        assert_eq!(doubled(s(2), 3, s(60)), s(16));
        assert_eq!(doubled(s(2), 30, s(60)), s(60));
    }
}
