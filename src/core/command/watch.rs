//! `/watch <query> [once] [here] [cooldown=<duration>] [digest=hourly|daily] [autorent [max_orders=N]
//! [daily_cap=<price>] [keep] [t=<template>]]`, `/unwatch <watch id>` and `/snooze <watch id>
//! <duration|off>`: watches on the market, and renting from them.

use std::time::Duration;

use super::common::{IdOf, id, one_id, price, query, short, terms};
use super::{AutorentArgs, Command, ParseError, WatchArgs};
use crate::clore::Currency;
use crate::domain::WatchId;
use crate::domain::parse_duration;
use crate::domain::quiet::DigestPeriod;
use crate::market::Query;
use crate::market::condition::{Condition, is_condition_term};
use crate::t;

/// Longest snooze: past this a watch should be deleted instead.
pub const MAX_SNOOZE: Duration = Duration::from_secs(30 * 86_400);

/// Longest `cooldown=`: a watch quiet for more than a month between alerts is a `once` watch
/// in all but name, and the cap keeps the stored seconds far inside their column's range.
pub const MAX_COOLDOWN: Duration = Duration::from_secs(30 * 86_400);
/// An auto-rent watch runs at most this many orders at once (`max_orders=`).
pub const MAX_ORDERS: u32 = 20;

/// `/unwatch <watch id>`.
pub(super) fn parse_unwatch(rest: &str) -> Result<Command, ParseError> {
    Ok(Command::Unwatch(WatchId(one_id::<u64>("unwatch", rest, IdOf::Watch)? as i64)))
}

/// `/snooze <watch id> <duration|off>`: `off`, `0` or `none` ends a snooze.
pub(super) fn parse_snooze(rest: &str) -> Result<Command, ParseError> {
    let t = terms(rest)?;
    let [w, d] = t.as_slice() else {
        return Err(ParseError::usage("snooze", t!("parse-snooze-args")));
    };
    let watch = WatchId(id::<u64>("snooze", w, IdOf::Watch)? as i64);
    let duration = if matches!(d.to_ascii_lowercase().as_str(), "off" | "0" | "none") {
        None
    } else {
        let dur = parse_duration(d).map_err(|e| ParseError::usage("snooze", e))?;
        if dur > MAX_SNOOZE {
            return Err(ParseError::usage("snooze", t!("parse-snooze-too-long")));
        }
        Some(dur)
    };
    Ok(Command::Snooze { watch, duration })
}

/// `/watch <query> [once] [here] [cooldown=…] [autorent …]`: the watch's own words are
/// taken out, the rest is its query.
pub(super) fn parse_watch(rest: &str) -> Result<Command, ParseError> {
    let t = terms(rest)?;
    let mut once = false;
    let mut here = false;
    let mut cooldown = Duration::ZERO;
    let mut digest = None;
    let mut autorent: Option<AutorentArgs> = None;
    let (mut guard_max, mut margin, mut rebid) = (None, None, false);
    let mut q_terms = Vec::new();
    let mut cond_terms = Vec::new();
    for term in t {
        let lower = term.to_ascii_lowercase();
        match lower.as_str() {
            "once" => once = true,
            "here" => here = true,
            "autorent" => {
                autorent =
                    Some(AutorentArgs { max_orders: 1, daily_cap: None, keep: false, template: None, guard: None })
            }
            "keep" if autorent.is_some() => autorent.as_mut().expect("checked").keep = true,
            "rebid" if autorent.is_some() => rebid = true,
            _ => {
                if let Some(v) = lower.strip_prefix("digest=") {
                    digest = Some(
                        DigestPeriod::parse(v)
                            .ok_or_else(|| ParseError::usage("watch", t!("parse-digest-period", term = short(v))))?,
                    );
                } else if let Some(v) = lower.strip_prefix("cooldown=") {
                    cooldown = parse_duration(v).map_err(|e| ParseError::usage("watch", e))?;
                    if cooldown > MAX_COOLDOWN {
                        return Err(ParseError::usage("watch", t!("parse-cooldown-too-long", term = short(v))));
                    }
                } else if let (Some(v), Some(a)) = (lower.strip_prefix("max_orders="), autorent.as_mut()) {
                    a.max_orders = v
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_ORDERS).contains(n))
                        .ok_or_else(|| ParseError::usage("watch", t!("parse-max-orders", term = short(v))))?;
                } else if let (Some(v), Some(a)) = (lower.strip_prefix("daily_cap="), autorent.as_mut()) {
                    a.daily_cap = Some(price("watch", "daily_cap", v)?);
                } else if let (Some(v), Some(a)) =
                    (lower.strip_prefix("t=").or_else(|| lower.strip_prefix("template=")), autorent.as_mut())
                {
                    a.template = Some(super::templates::template_name("watch", v)?);
                } else if let (Some(v), Some(_)) = (lower.strip_prefix("guard="), autorent.as_ref()) {
                    guard_max = Some(price("watch", "guard", v)?);
                } else if let (Some(v), Some(_)) = (lower.strip_prefix("margin="), autorent.as_ref()) {
                    margin = Some(price("watch", "margin", v)?);
                } else if lower.starts_with("max_orders=")
                    || lower.starts_with("guard=")
                    || lower.starts_with("margin=")
                    || lower == "rebid"
                    || lower.starts_with("daily_cap=")
                    || lower.starts_with("t=")
                    || lower.starts_with("template=")
                    || lower == "keep"
                {
                    return Err(ParseError::usage("watch", t!("parse-after-autorent", term = short(&term))));
                } else if is_condition_term(&lower) {
                    cond_terms.push(term);
                } else {
                    q_terms.push(term);
                }
            }
        }
    }
    if q_terms.is_empty() {
        return Err(ParseError::usage("watch", t!("parse-watch-what")));
    }
    let condition = Condition::parse(&cond_terms).map_err(|e| ParseError::usage("watch", e))?;
    let query = query("watch", &q_terms)?;
    if let Some(c) = &condition {
        market_fits(c, &query, &q_terms, autorent.is_some())?;
    }
    if autorent.is_some() && query.max_price().is_none() {
        return Err(ParseError::usage("watch", t!("parse-autorent-max")));
    }
    if autorent.is_some() && once {
        return Err(ParseError::usage("watch", t!("parse-autorent-once")));
    }
    if let Some(a) = autorent.as_mut() {
        a.guard = super::rent::guard_args("watch", guard_max, margin, rebid)?;
        if a.guard.is_some() && !query.spot() {
            return Err(ParseError::usage("watch", t!("parse-autorent-guard-spot")));
        }
        if let (Some(g), Some(max)) = (&a.guard, query.max_price())
            && g.max + 1e-12 < max
        {
            return Err(ParseError::usage("watch", t!("parse-autorent-guard-below", guard = g.max, max = max)));
        }
    }
    let query_text = crate::market::query::join_terms(&q_terms);
    if autorent.is_some() && digest.is_some() {
        return Err(ParseError::usage("watch", t!("parse-digest-autorent")));
    }
    Ok(Command::Watch(WatchArgs { query, query_text, once, here, cooldown, digest, autorent, condition }))
}

/// Whether a market condition goes with the rest of the watch: it alerts on the market, not
/// by renting; it counts free servers; a price move compares on-demand USD prices, which is
/// what the history records.
fn market_fits(c: &Condition, query: &Query, q_terms: &[String], autorent: bool) -> Result<(), ParseError> {
    let no = |msg: String| Err(ParseError::usage("watch", msg));
    if autorent {
        return no(t!("mwatch-parse-autorent"));
    }
    if query.include_rented() {
        return no(t!("mwatch-parse-all"));
    }
    if c.window().is_some() {
        if query.spot() {
            return no(t!("mwatch-parse-spot"));
        }
        if query.currency().is_some_and(|c| c != Currency::Usd) {
            let term = q_terms.iter().find(|t| t.to_ascii_lowercase().starts_with("currency")).cloned();
            return no(t!("mwatch-parse-currency", term = short(&term.unwrap_or_default())));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, ok};
    use super::*;

    #[test]
    fn watch_arguments() {
        match ok("/watch 4090 max=0.4 once here cooldown=30m") {
            Command::Watch(w) => {
                assert!(w.once && w.here);
                assert_eq!(w.cooldown, Duration::from_secs(1800));
                assert_eq!(w.query_text, "4090 max=0.4");
                assert_eq!(w.query.max_price(), Some(0.4));
                assert!(w.autorent.is_none());
            }
            c => panic!("{c:?}"),
        }
        match ok("/watch 4090 max=0.4 digest=hourly") {
            Command::Watch(w) => {
                assert_eq!(w.digest, Some(DigestPeriod::Hourly));
                assert_eq!(w.query_text, "4090 max=0.4");
            }
            c => panic!("{c:?}"),
        }
        assert!(matches!(ok("/watch 4090 digest=daily"), Command::Watch(w) if w.digest == Some(DigestPeriod::Daily)));
        assert!(err("/watch 4090 digest=weekly").contains("digest= is hourly or daily, not `weekly`"));
        assert!(err("/watch 4090 max=1 autorent digest=hourly").contains("An auto-rent watch rents at once"));
        match ok("/watch a100 max=1.2 autorent max_orders=2 daily_cap=3 keep") {
            Command::Watch(w) => {
                assert_eq!(
                    w.autorent,
                    Some(AutorentArgs { max_orders: 2, daily_cap: Some(3.0), keep: true, template: None, guard: None })
                )
            }
            c => panic!("{c:?}"),
        }
        match ok("/watch 3090 spot max=1.2 autorent guard=1.5 rebid") {
            Command::Watch(w) => assert_eq!(
                w.autorent.and_then(|a| a.guard),
                Some(crate::core::command::GuardArgs { max: 1.5, margin: None, rebid: true })
            ),
            c => panic!("{c:?}"),
        }
        for (line, says) in [
            ("/watch 3090 max=1.2 autorent guard=1.5", "add spot to the watch's query"),
            ("/watch 3090 spot max=1.2 autorent guard=1", "below the watch's max price"),
            ("/watch 3090 spot max=1.2 guard=1.5", "only goes after autorent"),
        ] {
            assert!(err(line).contains(says), "{line}: {}", err(line));
        }
    }

    #[test]
    fn a_watch_query_text_reads_back_as_its_query() {
        let lines = [
            ("/watch 4090 max=4 cc in [DE,NL] x2 once", "4090 max=4 cc in [DE,NL] x2"),
            ("/watch cc here in [DE, NL] 4090", "cc in [DE, NL] 4090"),
            ("/watch \"rtx 3090\" currency=clore <40 spot cooldown=10m", "\"rtx 3090\" currency=clore <40 spot"),
            ("/watch a100 max=1.2 autorent max_orders=2 keep", "a100 max=1.2"),
            ("/watch \"rtx\t3090\" x2", "\"rtx\t3090\" x2"),
            ("/watch ４０９０ max＝0.35", "4090 max=0.35"),
        ];
        for (line, text) in lines {
            match ok(line) {
                Command::Watch(w) => {
                    assert_eq!(w.query_text, text, "{line}");
                    assert_eq!(Query::from_joined(&w.query_text), Ok(w.query), "{line}");
                }
                c => panic!("{c:?}"),
            }
        }
    }

    #[test]
    fn market_conditions_are_taken_out_of_the_query() {
        use crate::market::condition::{Condition, DEFAULT_WINDOW};
        match ok("/watch 4090 cc=de count>=5 here once") {
            Command::Watch(w) => {
                assert_eq!(w.query_text, "4090 cc=de");
                assert_eq!(w.condition, Some(Condition::Count { at_least: 5 }));
                assert!(w.here && w.once);
            }
            c => panic!("{c:?}"),
        }
        match ok("/watch 4090 median drop>=10% reliability>=0.9") {
            Command::Watch(w) => {
                assert_eq!(w.query_text, "4090 reliability>=0.9");
                let want = Condition::Move { rise: false, pct: 10.0, window: DEFAULT_WINDOW, median: true };
                assert_eq!(w.condition, Some(want));
            }
            c => panic!("{c:?}"),
        }
        match ok("/watch 4090 max=0.4") {
            Command::Watch(w) => assert_eq!(w.condition, None),
            c => panic!("{c:?}"),
        }
        for (line, says) in [
            ("/watch 4090 count>5", "`count>5`: the only comparison here is count>=…"),
            ("/watch 4090 drop>=0%", "`drop>=0%`: give a percentage above 0"),
            ("/watch 4090 newlow", "`newlow`: say how far back to look"),
            ("/watch 4090 newlow=2m", "`newlow=2m`: a window runs from 1h to 30d"),
            ("/watch 4090 count>=3 median", "`median` goes with drop>= or rise>="),
            ("/watch 4090 count>=3 newlow=7d", "`newlow=7d`: one market condition per watch"),
            ("/watch 4090 spot drop>=10%", "`spot`: price history is recorded for on-demand prices only"),
            ("/watch 4090 all count>=3", "`all`: market watches look at free servers only"),
            ("/watch 4090 currency=clore rise>=5%", "`currency=clore`: price history is recorded in USD"),
            ("/watch 4090 max=0.4 count>=2 autorent", "A market watch can't auto-rent"),
            ("/watch count>=2", "Say what to watch for"),
        ] {
            assert!(err(line).contains(says), "{line}: {}", err(line));
        }
    }
}
