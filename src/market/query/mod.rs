//! The market query language of `/gpus`, `/watch` and `/rent <query>` (docs/commands.md).
//!
//! Grammar: space-separated terms, case-insensitive, in any order.
//! - a bare word or `"quoted phrase"`: a GPU model (`4090`, `a100`, `"rtx 3090"`);
//! - `x2` / `2x`: at least 2 GPUs; `<0.5`, `<=0.5`, `>0.2`, `>=0.2`, `max=0.5`: price per day;
//! - `field op value` with `= != < <= > >=` (glued `ram>=64` or spaced `ram >= 64`) and
//!   `field in [a,b]`, over gpus, price, ram, vram, cpus, down, up, cc, reliability, rating,
//!   mrl, cuda;
//! - `spot` / `ondemand`, `currency=usd|clore|btc`, `sort=-gpus,price`, `limit=N`, `all`.
//!
//! Anything not understood is an error naming the term, never silently ignored.
//!
//! One file per job:
//! - `mod.rs`: the [`Query`] type and its accessors;
//! - `lex.rs`: text into terms, quoted phrases kept whole ([`split_terms`], [`join_terms`]),
//!   and the operator off the front of a term;
//! - `parse.rs`: terms into a [`Query`]: the parser, field names, values, [`QueryError`];
//! - `eval.rs`: a query against servers: conditions, [`Query::matches`], [`Query::run`]'s
//!   filter, sort and limit;
//! - `describe.rs`: a query in words for replies, in the current language;
//! - `rewrite.rs`: a query with its sort or its country replaced (a listing's menus);
//! - `watch.rs`: the price ceiling, which only watches read and set (the watch index keeps
//!   servers sorted by price).
//!
//! A query is stored only as text (its terms as typed, joined by `join_terms`), never in its parsed form (which has no serde shape on
//! purpose): a refactor of the parsed form cannot break what was stored.

mod describe;
mod eval;
mod lex;
mod parse;
mod rewrite;
mod watch;

pub use self::eval::EQ_TOLERANCE;
use self::eval::{Cond, SortKey};
pub use self::lex::{Term, join_terms, split_terms};
pub use self::parse::{MAX_LIMIT, MAX_QUERY_CHARS, MAX_TERMS, QueryError};
pub use self::rewrite::Change;
use super::gpu::ModelFilter;
use crate::clore::Currency;

/// A parsed market query: model filter, field conditions and settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    models: ModelFilter,
    conds: Vec<Cond>,
    spot: bool,
    include_rented: bool,
    currency: Option<Currency>,
    sort: Vec<SortKey>,
    limit: Option<usize>,
}

impl Query {
    pub fn models(&self) -> &ModelFilter {
        &self.models
    }

    pub fn currency(&self) -> Option<Currency> {
        self.currency
    }

    /// Minimum spot prices count instead of on-demand prices.
    pub fn spot(&self) -> bool {
        self.spot
    }

    pub fn include_rented(&self) -> bool {
        self.include_rented
    }

    pub fn limit(&self) -> Option<usize> {
        self.limit
    }

    pub fn set_currency(&mut self, c: Currency) {
        self.currency = Some(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `text`, which the test expects to be valid; every file's tests share it.
    pub(super) fn q(text: &str) -> Query {
        Query::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    #[test]
    fn accessors() {
        let query = q("4090 currency=usd spot all limit=5 <0.6 max=0.5 price<0.7 >0.1");
        assert_eq!(query.currency(), Some(Currency::Usd));
        assert!(query.spot() && query.include_rented());
        assert_eq!(query.limit(), Some(5));
        assert_eq!(query.max_price(), Some(0.5));
        assert_eq!(query.models().phrases(), ["4090"]);
        let plain = q("4090");
        assert_eq!(plain.currency(), None);
        assert!(!plain.spot() && !plain.include_rented());
        assert_eq!(plain.limit(), None);
        assert_eq!(plain.max_price(), None);
        assert_eq!(q(">0.2 price=0.3 price in [0.1]").max_price(), None);
    }
}
