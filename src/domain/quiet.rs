//! Quiet hours: a daily window of local time (`23:00-08:00`, which may cross midnight) in an
//! IANA time zone (`Europe/Berlin`), during which alerts that may wait are held for a digest.
//! Parsed here, once, for `/settings` and for the values read back from the database.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use crate::t;
use crate::text::{ECHO_MAX, clip};

const DAY_MINS: u16 = 24 * 60;

/// A daily window, in minutes after local midnight; `start == end` is refused (is it no time
/// or all day?).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietWindow {
    start: u16,
    end: u16,
}

impl QuietWindow {
    /// `23:00-08:00` (`–` also separates; `7:30` and `07:30` both read).
    pub fn parse(s: &str) -> Result<QuietWindow, String> {
        let bad = || t!("parse-quiet-window", term = clip(s, ECHO_MAX));
        let (a, b) = s.split_once(['-', '–']).ok_or_else(bad)?;
        let (start, end) = (minutes(a).ok_or_else(bad)?, minutes(b).ok_or_else(bad)?);
        if start == end {
            return Err(t!("parse-quiet-empty", term = clip(s, ECHO_MAX)));
        }
        Ok(QuietWindow { start, end })
    }

    /// From stored minutes; `None` if they are out of range or equal.
    pub fn from_minutes(start: i32, end: i32) -> Option<QuietWindow> {
        let ok = |m: i32| u16::try_from(m).ok().filter(|m| *m < DAY_MINS);
        let (start, end) = (ok(start)?, ok(end)?);
        (start != end).then_some(QuietWindow { start, end })
    }

    pub fn start_min(&self) -> i16 {
        self.start as i16
    }

    pub fn end_min(&self) -> i16 {
        self.end as i16
    }

    /// Whether local minute-of-day `m` is inside: from the start (included) to the end (not).
    fn covers(&self, m: u16) -> bool {
        if self.start < self.end { (self.start..self.end).contains(&m) } else { m >= self.start || m < self.end }
    }
}

impl std::fmt::Display for QuietWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        write!(f, "{}–{}", hm(self.start), hm(self.end))
    }
}

fn minutes(s: &str) -> Option<u16> {
    let t = NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()?;
    Some((t.hour() * 60 + t.minute()) as u16)
}

/// An IANA time zone by its name, in any letter case (`europe/berlin` is `Europe/Berlin`).
pub fn parse_tz(s: &str) -> Result<Tz, String> {
    let s = s.trim();
    s.parse::<Tz>()
        .ok()
        .or_else(|| chrono_tz::TZ_VARIANTS.iter().copied().find(|z| z.name().eq_ignore_ascii_case(s)))
        .ok_or_else(|| t!("parse-quiet-tz", term = clip(s, ECHO_MAX)))
}

/// A watch's `digest=`: its matches collected into one message per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DigestPeriod {
    Hourly,
    Daily,
}

impl DigestPeriod {
    pub fn parse(s: &str) -> Option<DigestPeriod> {
        match s.trim().to_ascii_lowercase().as_str() {
            "hourly" | "hour" | "1h" => Some(DigestPeriod::Hourly),
            "daily" | "day" | "1d" => Some(DigestPeriod::Daily),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DigestPeriod::Hourly => "hourly",
            DigestPeriod::Daily => "daily",
        }
    }
}

/// Quiet hours as set: a window in a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub window: QuietWindow,
    pub tz: Tz,
}

impl QuietHours {
    /// Whether `at` falls inside the window, in the zone's local time then.
    pub fn is_quiet_at(&self, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&self.tz);
        self.window.covers((local.hour() * 60 + local.minute()) as u16)
    }
}

impl std::fmt::Display for QuietHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.window, self.tz.name())
    }
}

/// The start of the next period of `every` hours' length after `at`, on the zone's local
/// clock: the next full hour (`1`), or the next local midnight (`24`).
pub fn next_period(at: DateTime<Utc>, tz: Tz, hourly: bool) -> DateTime<Utc> {
    let local = at.with_timezone(&tz);
    if hourly {
        let top = at.with_minute(0).and_then(|t| t.with_second(0)).and_then(|t| t.with_nanosecond(0)).unwrap_or(at);
        return top + Duration::hours(1);
    }
    let tomorrow = local.date_naive().succ_opt().unwrap_or(local.date_naive());
    let midnight = tomorrow.and_hms_opt(0, 0, 0).unwrap_or_default();
    // A midnight a daylight-saving change skips falls back to an hour later.
    tz.from_local_datetime(&midnight)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(midnight + Duration::hours(1))).earliest())
        .map_or(at + Duration::days(1), |t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn windows_read_and_may_cross_midnight() {
        let w = QuietWindow::parse("23:00-08:00").unwrap();
        assert_eq!(w.to_string(), "23:00–08:00");
        assert!(w.covers(23 * 60) && w.covers(0) && w.covers(7 * 60 + 59));
        assert!(!w.covers(8 * 60) && !w.covers(12 * 60) && !w.covers(22 * 60 + 59));
        let day = QuietWindow::parse("9:30–17:00").unwrap();
        assert!(day.covers(9 * 60 + 30) && !day.covers(17 * 60) && !day.covers(0));
        for bad in ["23-08", "25:00-08:00", "23:00", "23:00-08:61", "", "-", "ab:cd-08:00"] {
            assert!(QuietWindow::parse(bad).is_err(), "{bad}");
        }
        assert!(QuietWindow::parse("08:00-08:00").unwrap_err().contains("08:00-08:00"));
        assert_eq!(QuietWindow::from_minutes(1380, 480), Some(w));
        assert_eq!(QuietWindow::from_minutes(1440, 480), None);
    }

    #[test]
    fn zones_are_iana_names_in_any_case() {
        assert_eq!(parse_tz("Europe/Berlin").unwrap(), chrono_tz::Europe::Berlin);
        assert_eq!(parse_tz("europe/berlin").unwrap(), chrono_tz::Europe::Berlin);
        assert_eq!(parse_tz("UTC").unwrap(), chrono_tz::UTC);
        assert!(parse_tz("Mars/Olympus").unwrap_err().contains("Mars/Olympus"));
    }

    #[test]
    fn quiet_in_local_time_and_its_end() {
        let q = QuietHours { window: QuietWindow::parse("23:00-08:00").unwrap(), tz: chrono_tz::Europe::Berlin };
        // 22:30 UTC in December is 23:30 in Berlin.
        assert!(q.is_quiet_at(utc("2026-12-06T22:30:00Z")));
        assert!(!q.is_quiet_at(utc("2026-12-06T21:59:00Z")));
        assert!(q.is_quiet_at(utc("2026-12-07T06:59:00Z")) && !q.is_quiet_at(utc("2026-12-07T07:00:00Z")));
        // Summer time: 08:00 in Berlin is 06:00 UTC.
        assert!(q.is_quiet_at(utc("2026-07-01T05:59:00Z")) && !q.is_quiet_at(utc("2026-07-01T06:00:00Z")));
    }

    #[test]
    fn periods_end_on_the_hour_and_at_local_midnight() {
        let at = utc("2026-12-06T22:30:10Z");
        assert_eq!(next_period(at, chrono_tz::UTC, true), utc("2026-12-06T23:00:00Z"));
        assert_eq!(next_period(at, chrono_tz::UTC, false), utc("2026-12-07T00:00:00Z"));
        // 23:30 in Berlin: its next midnight is 23:00 UTC.
        assert_eq!(next_period(at, chrono_tz::Europe::Berlin, false), utc("2026-12-06T23:00:00Z"));
    }
}
