//! Durations as people type them: one or more `<whole number><unit>` parts, units `s`, `m`,
//! `h`, `d`, `w` (`90s`, `30m`, `1h30m`, `1w`); the total is above zero.
//!
//! The command grammars use it (`cooldown=`, `/snooze`) and so does the configuration. A
//! total too large for a `u64` of seconds saturates rather than failing, so that every caller
//! refuses it by its own cap, whose message states the cap (`cooldown=99999999999h` is "at most
//! 30d", not "not a duration"); no caller may take the result uncapped.

use std::time::Duration;

use crate::t;
use crate::text::{ECHO_MAX, clip};

/// `30m`, `2h`, `1d`, `90s`, `1h30m`, `1w`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim().to_ascii_lowercase();
    let bad = || t!("parse-duration", term = clip(s, ECHO_MAX));
    if t.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for ch in t.chars() {
        if ch.is_ascii_digit() {
            num.push(ch);
            continue;
        }
        let unit = match ch {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return Err(bad()),
        };
        if num.is_empty() {
            return Err(bad());
        }
        // Only digits are in `num`: parsing fails only past u64::MAX.
        let n: u64 = num.parse().unwrap_or(u64::MAX);
        total = total.saturating_add(n.saturating_mul(unit));
        num.clear();
    }
    if !num.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s").unwrap().as_secs(), 90);
        assert_eq!(parse_duration("2h").unwrap().as_secs(), 7200);
        assert_eq!(parse_duration("1d").unwrap().as_secs(), 86_400);
        assert_eq!(parse_duration("1w").unwrap().as_secs(), 604_800);
        for bad in ["", "h", "5", "0m", "5x", "1.5h", "1hh"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        // Past u64 seconds it saturates, for the caller's cap to refuse.
        for huge in ["99999999999999999999d", "30000000000000w30000000000000w"] {
            assert_eq!(parse_duration(huge).unwrap().as_secs(), u64::MAX, "{huge}");
        }
    }
}
