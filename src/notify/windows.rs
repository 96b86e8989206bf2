//! Per-chat send windows for a notifier that counts its own sends (Discord's): a send the
//! window has no room for is [`SendError::Later`] instead of a wait.

use std::time::Duration;

use super::SendError;

/// Counts a notifier's own sends per chat in a sliding window, to keep to a platform's
/// per-chat limit (Telegram: 20 a minute per group; Discord: 5 per 5 s per channel) without
/// holding a round: a send the window has no room for is [`SendError::Later`].
pub struct SendWindows {
    limit: usize,
    span: Duration,
    sent: std::collections::HashMap<String, std::collections::VecDeque<std::time::Instant>>,
}

impl SendWindows {
    pub fn new(limit: usize, span: Duration) -> SendWindows {
        SendWindows { limit, span, sent: Default::default() }
    }

    /// Counts a send to `chat` at `now` if the window has room; else how long until it has.
    pub fn admit(&mut self, chat: &str, now: std::time::Instant) -> Result<(), Duration> {
        self.admit_n(chat, 1, now)
    }

    /// Counts `n` messages to `chat` (one alert split in parts) if the window has room for
    /// all of them (for at most its limit: a longer alert waits for an empty window).
    pub fn admit_n(&mut self, chat: &str, n: usize, now: std::time::Instant) -> Result<(), Duration> {
        let (span, n) = (self.span, n.clamp(1, self.limit));
        let sent = self.sent.entry(chat.to_owned()).or_default();
        while sent.front().is_some_and(|t| now.duration_since(*t) >= span) {
            sent.pop_front();
        }
        if sent.len() + n > self.limit {
            // Room comes when the oldest sends that are in the way leave the window.
            let blocking = sent[sent.len() + n - self.limit - 1];
            return Err(span.saturating_sub(now.duration_since(blocking)));
        }
        sent.extend(std::iter::repeat_n(now, n));
        if self.sent.len() > 10_000 {
            self.sent.retain(|_, s| s.back().is_some_and(|t| now.duration_since(*t) < span));
        }
        Ok(())
    }

    /// Counts sends made before now (by another process): `ago`, oldest first.
    pub fn seed(&mut self, chat: &str, ago: Duration) {
        self.seed_at(chat, ago, std::time::Instant::now());
    }

    /// As [`SendWindows::seed`], with the time read from a clock.
    pub fn seed_at(&mut self, chat: &str, ago: Duration, now: std::time::Instant) {
        if let Some(at) = now.checked_sub(ago) {
            let _ = self.admit(chat, at);
        }
    }

    /// As [`SendWindows::admit_n`], as the error a notifier returns.
    pub fn check(windows: &std::sync::Mutex<SendWindows>, chat: &str, n: usize) -> Result<(), SendError> {
        Self::check_at(windows, chat, n, std::time::Instant::now())
    }

    /// As [`SendWindows::check`], at `now` (read from a clock).
    pub fn check_at(
        windows: &std::sync::Mutex<SendWindows>,
        chat: &str,
        n: usize,
        now: std::time::Instant,
    ) -> Result<(), SendError> {
        windows
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .admit_n(chat, n, now)
            .map_err(|after| SendError::Later { after })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_in_parts_takes_a_slot_per_part() {
        let mut w = SendWindows::new(5, Duration::from_secs(5));
        let t0 = std::time::Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        assert_eq!(w.admit_n("c", 3, at(0)), Ok(()));
        assert_eq!(w.admit("c", at(1000)), Ok(()));
        // 4 in the window: two more parts wait until the first three leave (at 5 s).
        assert_eq!(w.admit_n("c", 2, at(2000)), Err(Duration::from_secs(3)));
        assert_eq!(w.admit("c", at(2000)), Ok(()));
        // Full: one more waits until the oldest leaves; more parts than the limit wait for
        // an empty window, then take it whole.
        assert_eq!(w.admit("c", at(2500)), Err(Duration::from_millis(2500)));
        assert_eq!(w.admit_n("c", 9, at(5000)), Err(Duration::from_secs(2)));
        assert_eq!(w.admit_n("c", 9, at(7000)), Ok(()));
        assert!(w.admit("c", at(7001)).is_err());
        assert_eq!(w.admit("other", at(7001)), Ok(()), "each chat has its own window");
    }

    #[test]
    fn sends_another_process_made_count_after_a_takeover() {
        let mut w = SendWindows::new(5, Duration::from_secs(5));
        for ago in [4500, 3000, 2000, 1000, 10] {
            w.seed("c", Duration::from_millis(ago));
        }
        let wait = w.admit("c", std::time::Instant::now()).unwrap_err();
        assert!(wait > Duration::from_millis(300) && wait <= Duration::from_millis(500), "{wait:?}");
        w.seed("old", Duration::from_secs(9));
        assert_eq!(w.admit_n("old", 5, std::time::Instant::now()), Ok(()), "older than the window: not counted");
    }
}
