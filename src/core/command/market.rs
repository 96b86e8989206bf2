//! `/gpus [query]`, `/server <id>`, `/market [models]`, `/history <models> [24h|7d|30d]` and
//! `/spend [7d|30d]`: reading the market, one server, the market per model, and prices or the
//! caller's spending over a period.

use super::common::{IdOf, one_id, query, short, terms};
use super::{Command, HistoryPeriod, ParseError};
use crate::market::Query;
use crate::market::query::join_terms;
use crate::t;

/// `/gpus [query]`: the query, and its terms joined as `/watch` keeps them (what the page
/// buttons store and read back).
pub(super) fn parse_gpus(rest: &str) -> Result<Command, ParseError> {
    let terms = terms(rest)?;
    Ok(Command::Gpus { query: query("gpus", &terms)?, text: join_terms(&terms) })
}

/// `/server <id>`.
pub(super) fn parse_server(rest: &str) -> Result<Command, ParseError> {
    Ok(Command::Server(one_id("server", rest, IdOf::Server)?))
}

/// `/market [models]`: every model, or those named; only models (the overview is of the
/// market as a whole, as its history is recorded). The terms are kept joined for the page
/// buttons, as `/gpus` keeps them.
pub(super) fn parse_market(rest: &str) -> Result<Command, ParseError> {
    let terms = terms(rest)?;
    for term in &terms {
        if Query::from_terms(std::slice::from_ref(term)).map_or(true, |q| q.models().is_empty()) {
            return Err(ParseError::usage("market", t!("parse-market-not-model", term = short(term))));
        }
    }
    Ok(Command::Market { query: query("market", &terms)?, text: join_terms(&terms) })
}

/// `/history <models> [24h|7d|30d]`, a week unless told: models only, no filters.
pub(super) fn parse_history(rest: &str) -> Result<Command, ParseError> {
    let mut t = terms(rest)?;
    let period = match t.last().and_then(|w| HistoryPeriod::parse(w)) {
        Some(p) => {
            t.pop();
            p
        }
        None => HistoryPeriod::Week,
    };
    // Only models: a filter would be dropped without a word (the chart is of the market
    // as recorded), and a mistyped period would read as a model.
    for term in &t {
        // Digits then one unit letter (`1y`, `12h`); never sliced by byte (user text).
        let duration_like = term
            .to_ascii_lowercase()
            .strip_suffix(['h', 'd', 'w', 'm', 'y'])
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if duration_like {
            return Err(ParseError::usage("history", t!("parse-history-period", term = short(term))));
        }
        if Query::from_terms(std::slice::from_ref(term)).map_or(true, |q| q.models().is_empty()) {
            return Err(ParseError::usage("history", t!("parse-history-not-model", term = short(term))));
        }
    }
    let query = query("history", &t)?;
    if query.models().is_empty() {
        return Err(ParseError::usage("history", t!("parse-history-which")));
    }
    Ok(Command::History { query, period })
}

/// `/earnings [7d|30d]`, as `/spend`.
pub(super) fn parse_earnings(rest: &str) -> Result<Command, ParseError> {
    match rest {
        "" => Ok(Command::Earnings(HistoryPeriod::Week)),
        p => match HistoryPeriod::parse(p) {
            Some(HistoryPeriod::Day) | None => {
                Err(ParseError::usage("earnings", t!("parse-spend-period", term = short(p))))
            }
            Some(period) => Ok(Command::Earnings(period)),
        },
    }
}

/// `/spend [7d|30d]`, a week unless told; `24h` is refused.
pub(super) fn parse_spend(rest: &str) -> Result<Command, ParseError> {
    match rest {
        "" => Ok(Command::Spend(HistoryPeriod::Week)),
        p => match HistoryPeriod::parse(p) {
            Some(HistoryPeriod::Day) | None => {
                Err(ParseError::usage("spend", t!("parse-spend-period", term = short(p))))
            }
            Some(period) => Ok(Command::Spend(period)),
        },
    }
}
