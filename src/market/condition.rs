//! Market conditions a watch can hold instead of waiting for single servers: `count>=5` (at
//! least N matching servers free), `drop>=10% in=24h [median]` and `rise>=…` (the cheapest or
//! median free price moved that far within the window), `newlow=7d` (the cheapest free price
//! is the lowest of the window). Here: taking them out of a watch's terms, the text a watch
//! stores (read back with [`Condition::from_stored`]), the words `/watches` uses, and the
//! judgement of one against the market now and the window's history. No I/O.

use std::time::Duration;

use crate::domain::format;
use crate::domain::parse_duration;
use crate::t;
use crate::text::{ECHO_MAX, clip};

/// `count>=` above this is a typo: no model has that many servers.
pub const MAX_COUNT: u32 = 1000;
/// Shortest window: the market poll records every 30 s, but a move within minutes is noise.
pub const MIN_WINDOW: Duration = Duration::from_secs(3600);
/// Longest window: history is kept at hourly resolution for 90 days; a month is what people
/// compare against, and it bounds what the engine keeps in memory.
pub const MAX_WINDOW: Duration = Duration::from_secs(30 * 86_400);
/// `drop>=`/`rise>=` without `in=`.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(86_400);
/// A rise may be more than 100 %; past this it is a typo.
const MAX_RISE_PCT: f64 = 1000.0;
/// Prices this close count as equal (floating point from JSON and Postgres).
const EPS: f64 = 1e-9;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Condition {
    /// At least this many matching servers are free.
    Count { at_least: u32 },
    /// The price fell (`rise: false`) or rose at least `pct` percent within `window`: from the
    /// window's highest (lowest) point to now.
    Move { rise: bool, pct: f64, window: Duration, median: bool },
    /// The cheapest free price now is the lowest of the window.
    NewLow { window: Duration },
}

/// Whether a term belongs to a market condition (the `/watch` parser hands these over).
pub fn is_condition_term(lower: &str) -> bool {
    lower == "median"
        || lower == "newlow"
        || ["count>", "count=", "count<", "drop>", "drop=", "rise>", "rise=", "newlow=", "in="]
            .iter()
            .any(|p| lower.starts_with(p))
}

impl Condition {
    /// The condition of these terms (each passing [`is_condition_term`]); `Err` names the
    /// term not understood, in the current language.
    pub fn parse(terms: &[String]) -> Result<Option<Condition>, String> {
        let mut found: Option<(Condition, &str)> = None;
        let mut window: Option<(Duration, &str)> = None;
        let mut median: Option<&str> = None;
        for term in terms {
            let lower = term.to_ascii_lowercase();
            let shown = clip(term, ECHO_MAX);
            let cond = if lower == "median" {
                median = Some(term);
                continue;
            } else if let Some(v) = lower.strip_prefix("in=") {
                window = Some((parse_window(term, v)?, term));
                continue;
            } else if let Some(v) = lower.strip_prefix("count>=") {
                match v.parse::<u32>() {
                    Ok(n) if (1..=MAX_COUNT).contains(&n) => Condition::Count { at_least: n },
                    _ => return Err(t!("mwatch-parse-count", term = shown, max = MAX_COUNT)),
                }
            } else if let Some((rise, v)) = lower
                .strip_prefix("drop>=")
                .map(|v| (false, v))
                .or_else(|| lower.strip_prefix("rise>=").map(|v| (true, v)))
            {
                let cap = if rise { MAX_RISE_PCT } else { 100.0 };
                match v.trim_end_matches('%').parse::<f64>() {
                    Ok(p) if p > 0.0 && p < cap + EPS && (rise || p < 100.0) => {
                        Condition::Move { rise, pct: p, window: DEFAULT_WINDOW, median: false }
                    }
                    _ => return Err(t!("mwatch-parse-pct", term = shown, rise = rise.to_string(), max = cap)),
                }
            } else if let Some(v) = lower.strip_prefix("newlow=") {
                Condition::NewLow { window: parse_window(term, v)? }
            } else if lower == "newlow" {
                return Err(t!("mwatch-parse-newlow-window", term = shown));
            } else {
                // `count>5`, `drop=10%`, `count<3`: the one form these take is `>=`.
                let word = lower.split(['>', '<', '=']).next().unwrap_or_default().to_owned();
                return Err(t!("mwatch-parse-op", term = shown, word = word));
            };
            if let Some((_, first)) = found {
                return Err(t!("mwatch-parse-two", term = shown, first = clip(first, ECHO_MAX)));
            }
            found = Some((cond, term));
        }
        let Some((mut cond, _)) = found else {
            let lonely = median.or(window.map(|w| w.1)).unwrap_or_default();
            return if lonely.is_empty() {
                Ok(None)
            } else {
                Err(t!("mwatch-parse-goes-with-move", term = clip(lonely, ECHO_MAX)))
            };
        };
        match &mut cond {
            Condition::Move { window: w, median: m, .. } => {
                if let Some((d, _)) = window {
                    *w = d;
                }
                *m = median.is_some();
            }
            _ => {
                if let Some(lonely) = median.or(window.map(|w| w.1)) {
                    return Err(t!("mwatch-parse-goes-with-move", term = clip(lonely, ECHO_MAX)));
                }
            }
        }
        Ok(Some(cond))
    }

    /// A stored condition's text read back; `Err` when it no longer reads (the watch is then
    /// broken, as one whose query no longer parses).
    pub fn from_stored(text: &str) -> Result<Condition, String> {
        let terms: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
        Condition::parse(&terms)?.ok_or_else(|| t!("mwatch-parse-goes-with-move", term = clip(text, ECHO_MAX)))
    }

    /// The text a watch stores: the terms in one canonical spelling, so that it reads back as
    /// this condition.
    pub fn text(&self) -> String {
        match *self {
            Condition::Count { at_least } => format!("count>={at_least}"),
            Condition::Move { rise, pct, window, median } => {
                let word = if rise { "rise" } else { "drop" };
                let median = if median { " median" } else { "" };
                format!("{word}>={pct}% in={}{median}", window_text(window))
            }
            Condition::NewLow { window } => format!("newlow={}", window_text(window)),
        }
    }

    /// What it watches for, in words: "at least 5 free", "the cheapest falls 10 % or more
    /// within 24 h".
    pub fn describe(&self) -> String {
        match *self {
            Condition::Count { at_least } => t!("mwatch-describe-count", n = at_least),
            Condition::Move { rise, pct, window, median } => t!(
                "mwatch-describe-move",
                rise = rise.to_string(),
                median = median.to_string(),
                pct = crate::i18n::number(&trim_pct(pct)),
                window = format::duration(window.as_secs() as i64)
            ),
            Condition::NewLow { window } => {
                t!("mwatch-describe-newlow", window = format::duration(window.as_secs() as i64))
            }
        }
    }

    /// How much history it needs before it means anything (`None`: it reads the market now).
    pub fn window(&self) -> Option<Duration> {
        match *self {
            Condition::Count { .. } => None,
            Condition::Move { window, .. } | Condition::NewLow { window } => Some(window),
        }
    }

    /// Whether it follows the median rather than the cheapest free price.
    pub fn median(&self) -> bool {
        matches!(self, Condition::Move { median: true, .. })
    }

    /// Judges the condition on the market now and the window's history before now.
    pub fn judge(&self, now: &Current, past: &Past) -> Verdict {
        match *self {
            Condition::Count { at_least } => {
                if now.free >= at_least as usize {
                    Verdict::Holds(Reading::Count { free: now.free })
                } else {
                    Verdict::Fails
                }
            }
            _ if !past.covered => Verdict::Waiting,
            Condition::Move { rise, pct, median, .. } => {
                let (Some(value), Some(high), Some(low)) =
                    (if median { now.median } else { now.cheapest }, past.high, past.low)
                else {
                    return Verdict::Fails;
                };
                let (from, moved) = if rise { (low, (value - low) / low) } else { (high, (high - value) / high) };
                if from > EPS && moved * 100.0 + EPS >= pct {
                    Verdict::Holds(Reading::Moved { from, to: value, pct: moved * 100.0 })
                } else {
                    Verdict::Fails
                }
            }
            Condition::NewLow { .. } => {
                let (Some(value), Some(high), Some(low)) = (now.cheapest, past.high, past.low) else {
                    return Verdict::Fails;
                };
                // The lowest of a window that saw a higher price: a flat market is no news.
                if value <= low + EPS && high > value + EPS {
                    Verdict::Holds(Reading::NewLow { price: value, before: low })
                } else {
                    Verdict::Fails
                }
            }
        }
    }
}

/// The market now, for a watch's query: free matching servers, their cheapest and median
/// price per day (USD for price conditions, the history's unit).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Current {
    pub free: usize,
    pub cheapest: Option<f64>,
    pub median: Option<f64>,
}

/// The history a price condition compares with: the highest and lowest value (cheapest or
/// median, as the condition follows) recorded within the window before now, and whether the
/// history reaches back over the whole window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Past {
    pub covered: bool,
    pub high: Option<f64>,
    pub low: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    Holds(Reading),
    Fails,
    /// Not enough history yet: neither holds nor fails (nothing fires, nothing re-arms).
    Waiting,
}

/// What an alert tells when a condition holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    Count { free: usize },
    Moved { from: f64, to: f64, pct: f64 },
    NewLow { price: f64, before: f64 },
}

fn parse_window(term: &str, v: &str) -> Result<Duration, String> {
    let d = parse_duration(v)?;
    if d < MIN_WINDOW || d > MAX_WINDOW {
        return Err(t!("mwatch-parse-window", term = clip(term, ECHO_MAX)));
    }
    Ok(d)
}

/// `7d`, `24h`, `90m`: how a window is stored and read back.
fn window_text(d: Duration) -> String {
    let s = d.as_secs();
    if s.is_multiple_of(86_400) && s >= 2 * 86_400 {
        format!("{}d", s / 86_400)
    } else if s.is_multiple_of(3600) {
        format!("{}h", s / 3600)
    } else if s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// `10`, `12.5`: a percentage as typed, without trailing zeros.
fn trim_pct(p: f64) -> String {
    let s = format!("{p:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Option<Condition>, String> {
        let terms: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        Condition::parse(&terms)
    }

    #[test]
    fn conditions_read_and_read_back() {
        let cases = [
            ("count>=5", Condition::Count { at_least: 5 }, "count>=5"),
            (
                "drop>=10%",
                Condition::Move { rise: false, pct: 10.0, window: DEFAULT_WINDOW, median: false },
                "drop>=10% in=24h",
            ),
            (
                "median in=7d drop>=12.5",
                Condition::Move { rise: false, pct: 12.5, window: Duration::from_secs(7 * 86_400), median: true },
                "drop>=12.5% in=7d median",
            ),
            (
                "RISE>=150% in=90m",
                Condition::Move { rise: true, pct: 150.0, window: Duration::from_secs(5400), median: false },
                "rise>=150% in=90m",
            ),
            ("newlow=1w", Condition::NewLow { window: Duration::from_secs(7 * 86_400) }, "newlow=7d"),
        ];
        for (line, want, text) in cases {
            let got = parse(line).unwrap().unwrap();
            assert_eq!(got, want, "{line}");
            assert_eq!(got.text(), text, "{line}");
            assert_eq!(Condition::from_stored(text), Ok(want), "{text}");
        }
        assert_eq!(parse(""), Ok(None));
    }

    #[test]
    fn every_error_names_the_term() {
        let cases = [
            ("count>=0", "`count>=0`", "whole number from 1 to 1000"),
            ("count>=lots", "`count>=lots`", "whole number"),
            ("count>5", "`count>5`", "count>=…"),
            ("drop=10%", "`drop=10%`", "drop>=…"),
            ("drop>=100%", "`drop>=100%`", "above 0 and below 100"),
            ("drop>=-5", "`drop>=-5`", "above 0"),
            ("rise>=5000%", "`rise>=5000%`", "at most 1000"),
            ("newlow", "`newlow`", "newlow=7d"),
            ("newlow=10m", "`newlow=10m`", "from 1h to 30d"),
            ("drop>=10 in=60d", "`in=60d`", "from 1h to 30d"),
            ("drop>=10 in=soon", "`soon`", "not a duration"),
            ("count>=5 median", "`median`", "goes with drop>= or rise>="),
            ("in=24h", "`in=24h`", "goes with drop>= or rise>="),
            ("newlow=7d in=24h", "`in=24h`", "goes with drop>= or rise>="),
            ("count>=5 drop>=10%", "`drop>=10%`", "one market condition per watch"),
        ];
        for (line, term, says) in cases {
            let e = parse(line).expect_err(line);
            assert!(e.contains(term) && e.contains(says), "{line}: {e}");
        }
    }

    #[test]
    fn described_in_every_language() {
        use crate::i18n::{Lang, sync_scope};
        let drop = Condition::Move { rise: false, pct: 12.5, window: DEFAULT_WINDOW, median: true };
        let cases = [
            (Lang::En, Condition::Count { at_least: 5 }, "at least 5 free"),
            (Lang::De, Condition::Count { at_least: 5 }, "mindestens 5 frei"),
            (Lang::Ru, Condition::Count { at_least: 5 }, "свободно не меньше 5"),
            (Lang::En, drop, "the median free price falls 12.5% or more within 1d 0h"),
            (Lang::De, drop, "der mittlere freie Preis fällt innerhalb von"),
            (Lang::Ru, drop, "медианная свободная цена падает на 12,5% или больше"),
        ];
        for (lang, c, says) in cases {
            let text = sync_scope(lang, || c.describe());
            assert!(text.contains(says), "{lang:?}: {text}");
        }
    }

    #[test]
    fn judgements() {
        let now = |free, cheapest| Current { free, cheapest: Some(cheapest), median: Some(cheapest + 1.0) };
        let past = |high, low| Past { covered: true, high: Some(high), low: Some(low) };
        let count = Condition::Count { at_least: 3 };
        assert_eq!(count.judge(&now(3, 1.0), &Past::default()), Verdict::Holds(Reading::Count { free: 3 }));
        assert_eq!(count.judge(&now(2, 1.0), &Past::default()), Verdict::Fails);

        let drop = Condition::Move { rise: false, pct: 10.0, window: DEFAULT_WINDOW, median: false };
        assert!(matches!(drop.judge(&now(1, 0.9), &past(1.0, 0.9)), Verdict::Holds(Reading::Moved { .. })));
        assert_eq!(drop.judge(&now(1, 0.95), &past(1.0, 0.9)), Verdict::Fails);
        assert_eq!(drop.judge(&now(1, 0.5), &Past { covered: false, ..past(1.0, 0.9) }), Verdict::Waiting);
        assert_eq!(drop.judge(&Current::default(), &past(1.0, 0.9)), Verdict::Fails, "nothing free");
        let median = Condition::Move { rise: true, pct: 50.0, window: DEFAULT_WINDOW, median: true };
        assert!(matches!(median.judge(&now(1, 0.5), &past(1.5, 1.0)), Verdict::Holds(_)), "median 1.5 vs low 1.0");

        let low = Condition::NewLow { window: DEFAULT_WINDOW };
        assert!(matches!(low.judge(&now(1, 0.8), &past(1.0, 0.85)), Verdict::Holds(Reading::NewLow { .. })));
        assert!(matches!(low.judge(&now(1, 0.85), &past(1.0, 0.85)), Verdict::Holds(_)), "ties the low");
        assert_eq!(low.judge(&now(1, 0.9), &past(1.0, 0.85)), Verdict::Fails);
        assert_eq!(low.judge(&now(1, 0.85), &past(0.85, 0.85)), Verdict::Fails, "a flat market");
    }
}
