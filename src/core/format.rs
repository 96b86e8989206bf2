//! How numbers read in replies: money per day and per hour, durations, percentages.

use crate::clore::Currency;

/// An amount with its currency: `$0.45`, `22.5 CLORE`, `0.0000047 BTC`.
pub fn money(amount: f64, c: Currency) -> String {
    match c {
        Currency::Usd => format!("${}", sig(amount, 2)),
        Currency::Clore => format!("{} CLORE", sig(amount, 1)),
        Currency::Bitcoin => format!("{} BTC", sig(amount, 0)),
    }
}

/// `$0.45/day ($0.0188/h)`: Clore prices are per day; the hourly figure helps compare.
pub fn per_day(amount: f64, c: Currency) -> String {
    format!("{}/day ({}/h)", money(amount, c), money(amount / 24.0, c))
}

/// Three significant digits, at least `min_decimals` decimals, no trailing zeros beyond them.
fn sig(x: f64, min_decimals: usize) -> String {
    if !x.is_finite() {
        return "?".into();
    }
    if x == 0.0 {
        return format!("{:.*}", min_decimals, 0.0);
    }
    // No price is this big; a typo (spot=1e308) reads as one, not as 300 digits.
    if x.abs() >= 1e9 {
        return format!("{x:.2e}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (2 - magnitude).clamp(min_decimals as i32, 10) as usize;
    let s = format!("{x:.decimals$}");
    if decimals > min_decimals && s.contains('.') {
        let trimmed = s.trim_end_matches('0');
        let dot = trimmed.find('.').unwrap_or(trimmed.len());
        let have = trimmed.len() - dot - 1;
        if have < min_decimals {
            return format!("{x:.min_decimals$}");
        }
        return trimmed.trim_end_matches('.').to_owned();
    }
    s
}

/// `2 minutes`, `1 hour`: a time limit in words (whole minutes and hours; else as [`duration`]).
pub fn span_words(secs: u64) -> String {
    let plural = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match secs {
        s if s > 0 && s % 3600 == 0 => plural(s / 3600, "hour"),
        s if s > 0 && s % 60 == 0 => plural(s / 60, "minute"),
        s => duration(s as i64),
    }
}

/// `2d 3h`, `3h 12m`, `12m`, `45s`; negative reads as `0s`.
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// Reliability 0..1 as `98.5%`.
pub fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

pub use crate::text::{ECHO_MAX, clip};

/// One field or a dash.
pub fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "—".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_naturally() {
        assert_eq!(money(0.45, Currency::Usd), "$0.45");
        assert_eq!(money(0.081, Currency::Usd), "$0.081");
        assert_eq!(money(0.01876, Currency::Usd), "$0.0188");
        assert_eq!(money(1.5, Currency::Usd), "$1.50");
        assert_eq!(money(123.456, Currency::Usd), "$123.46");
        assert_eq!(money(22.5, Currency::Clore), "22.5 CLORE");
        assert_eq!(money(1250.0, Currency::Clore), "1250.0 CLORE");
        assert_eq!(money(0.00000474, Currency::Bitcoin), "0.00000474 BTC");
        assert_eq!(per_day(0.48, Currency::Usd), "$0.48/day ($0.02/h)");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(45), "45s");
        assert_eq!(duration(720), "12m");
        assert_eq!(duration(3 * 3600 + 720), "3h 12m");
        assert_eq!(duration(2 * 86_400 + 3 * 3600 + 5), "2d 3h");
        assert_eq!(duration(-5), "0s");
        assert_eq!(percent(0.985), "98.5%");
        assert_eq!(span_words(120), "2 minutes");
        assert_eq!(span_words(3600), "1 hour");
        assert_eq!(span_words(90), "1m");
        assert_eq!(money(1e308, Currency::Usd), "$1.00e308");
    }
}
