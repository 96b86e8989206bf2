//! Argument pieces every grammar shares: `term "quoted phrase" term` splitting ([`terms`]),
//! ids (`42` or `#42`), positive prices (`0.35`, `$0.35`), market queries, no-argument
//! commands, and the bounded echo of what was typed (`short`).

use super::{Command, ParseError};
use crate::market::Query;
use crate::t;
use crate::text::{ECHO_MAX, clip};

pub(super) fn no_args(cmd: &str, rest: &str, c: Command) -> Result<Command, ParseError> {
    if rest.is_empty() {
        Ok(c)
    } else {
        Err(ParseError::usage(cmd, t!("parse-no-arguments", cmd = cmd, term = short(rest))))
    }
}

/// Splits arguments on white space, keeping `"quoted phrases"` (straight or curly quotes,
/// as phone keyboards type them) together without their quotes — the query language's
/// splitting, shared by every command.
pub fn terms(text: &str) -> Result<Vec<String>, ParseError> {
    crate::market::query::split_terms(text)
        .map(|ts| ts.into_iter().map(|t| t.text).collect())
        .map_err(|_| ParseError::new(t!("parse-open-quote")))
}

pub(super) fn split_first(rest: &str) -> (&str, &str) {
    match rest.find(char::is_whitespace) {
        Some(i) => (&rest[..i], rest[i..].trim()),
        None => (rest, ""),
    }
}

/// A fragment of the input as a reply may repeat it: at most [`ECHO_MAX`] characters.
pub(super) fn short(s: &str) -> String {
    clip(s, ECHO_MAX)
}

/// A positive id (`42` or `#42`), typed as the caller needs it.
pub(super) fn id<T: From<u64>>(cmd: &str, s: &str, what: IdOf) -> Result<T, ParseError> {
    let t = s.trim().trim_start_matches('#');
    if t.is_empty() {
        return Err(ParseError::usage(cmd, t!("parse-give-id", what = what.id())));
    }
    match t.parse::<u64>() {
        Ok(n) if n > 0 && n <= i64::MAX as u64 => Ok(T::from(n)),
        _ => Err(ParseError::usage(cmd, t!("parse-id-not-number", what = what.id(), term = short(t)))),
    }
}

pub(super) fn one_id<T: From<u64>>(cmd: &str, rest: &str, what: IdOf) -> Result<T, ParseError> {
    let t = terms(rest)?;
    match t.as_slice() {
        [one] => id(cmd, one, what),
        [] => Err(ParseError::usage(cmd, t!("parse-give-id", what = what.id()))),
        _ => Err(ParseError::usage(cmd, t!("parse-give-one-id", what = what.id()))),
    }
}

/// Which id a command takes, for what its errors say (the catalogue's `$what` selector).
#[derive(Clone, Copy)]
pub(super) enum IdOf {
    Server,
    Order,
    Watch,
}

impl IdOf {
    fn id(self) -> &'static str {
        match self {
            IdOf::Server => "server",
            IdOf::Order => "order",
            IdOf::Watch => "watch",
        }
    }
}

pub(super) fn price(cmd: &str, field: &str, s: &str) -> Result<f64, ParseError> {
    let t = s.trim().trim_start_matches('$');
    match t.parse::<f64>() {
        Ok(p) if p.is_finite() && p > 0.0 => Ok(p),
        Ok(_) => Err(ParseError::usage(cmd, t!("parse-not-positive", field = field, term = short(s)))),
        Err(_) => Err(ParseError::usage(cmd, t!("parse-not-number", field = field, term = short(s)))),
    }
}

pub(super) fn query(cmd: &str, t: &[String]) -> Result<Query, ParseError> {
    Query::from_terms(t).map_err(|e| ParseError::new(t!("parse-query", term = e.term, problem = e.problem, cmd = cmd)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_respect_quotes() {
        assert_eq!(terms(r#"a "b c"  d"#).unwrap(), vec!["a", "b c", "d"]);
        assert_eq!(terms("“rtx 3090” x2").unwrap(), vec!["rtx 3090", "x2"]);
        assert!(terms("").unwrap().is_empty());
    }
}
