//! How numbers read in replies: money per day and per hour, durations, percentages.
//! All of it in the current language ([`crate::i18n`]): `$0.45` reads `0,45 $` in German.

use super::Currency;
use crate::i18n::number;
use crate::t;

/// An amount with its currency: `$0.45`, `22.5 CLORE`, `0.0000047 BTC`.
pub fn money(amount: f64, c: Currency) -> String {
    match c {
        Currency::Usd => t!("money-usd", amount = number(&sig(amount, 2))),
        Currency::Clore => t!("money-clore", amount = number(&sig(amount, 1))),
        Currency::Bitcoin => t!("money-btc", amount = number(&sig(amount, 0))),
    }
}

/// An amount without its currency, for a table whose heading names it: `0.45`, `22.5`.
pub fn amount(amount: f64, c: Currency) -> String {
    match c {
        Currency::Usd => number(&sig(amount, 2)),
        Currency::Clore => number(&sig(amount, 1)),
        Currency::Bitcoin => number(&sig(amount, 0)),
    }
}

/// `$0.45/day ($0.0188/h)`: Clore prices are per day; the hourly figure helps compare.
pub fn per_day(amount: f64, c: Currency) -> String {
    t!("per-day", day = money(amount, c), hour = money(amount / 24.0, c))
}

/// `$0.45/day`, where the hourly figure would crowd a line.
pub fn per_day_short(amount: f64, c: Currency) -> String {
    t!("per-day-short", day = money(amount, c))
}

/// Three significant digits, at least `min_decimals` decimals, no trailing zeros beyond them.
fn sig(x: f64, min_decimals: usize) -> String {
    if !x.is_finite() {
        return t!("unknown-value");
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
    match secs {
        s if s > 0 && s % 3600 == 0 => t!("span-hours", n = s / 3600),
        s if s > 0 && s % 60 == 0 => t!("span-minutes", n = s / 60),
        s => duration(s as i64),
    }
}

/// `2d 3h`, `3h 12m`, `12m`, `45s`; negative reads as `0s`.
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    match (d, h, m) {
        (0, 0, 0) => t!("duration-seconds", s = s),
        (0, 0, m) => t!("duration-minutes", m = m),
        (0, h, m) => t!("duration-hours-minutes", h = h, m = m),
        (d, h, _) => t!("duration-days-hours", d = d, h = h),
    }
}

/// Reliability 0..1 as `98.5%`.
pub fn percent(x: f64) -> String {
    t!("percent", n = number(&format!("{:.1}", x * 100.0)))
}

pub use crate::text::{ECHO_MAX, clip};

/// One field or a dash.
pub fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| t!("no-value"))
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

    #[test]
    fn german_and_russian_write_money_and_durations_their_way() {
        use crate::i18n::{Lang, sync_scope};
        sync_scope(Lang::De, || {
            assert_eq!(per_day(0.48, Currency::Usd), "0,48 $/Tag (0,02 $/h)");
            assert_eq!(money(31250.5, Currency::Clore), "31.250,5 CLORE");
            assert_eq!(duration(3 * 3600 + 720), "3 Std. 12 Min.");
            assert_eq!(span_words(120), "2 Minuten");
            assert_eq!(percent(0.985), "98,5 %");
        });
        sync_scope(Lang::Ru, || {
            assert_eq!(per_day(0.48, Currency::Usd), "0,48 $/сутки (0,02 $/ч)");
            assert_eq!(duration(2 * 86_400 + 3 * 3600), "2 д 3 ч");
            assert_eq!(span_words(120), "2 минуты");
            assert_eq!(span_words(300), "5 минут");
        });
    }
}
