//! Watches as services see them: a watch waiting for its Confirm.

use serde::{Deserialize, Serialize};

use crate::clore::Currency;
use crate::domain::quiet::DigestPeriod;
use crate::market::{Query, QueryError};
use crate::store::watches::AutorentRules;

/// A watch as confirmed (auto-rent needs a confirmation; the others are created at once).
/// Its query is what the watch will store: the text and the currency `/watch` fixed, read
/// back by [`WatchPlan::query`] — never the parsed form, which a Confirm button would keep
/// across a change of the parser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchPlan {
    /// The query terms as typed, joined (`market::query::join_terms`).
    pub query_text: String,
    /// The currency its prices are in: the query's `currency=`, else the owner's setting.
    pub currency: Currency,
    pub once: bool,
    pub team: bool,
    pub cooldown_secs: u64,
    /// `digest=`: its matches one message per period.
    #[serde(default)]
    pub digest: Option<DigestPeriod>,
    pub autorent: Option<AutorentRules>,
    /// A market watch's condition as text (`Condition::text`); market watches are created
    /// at once, so a stored Confirm never holds one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

impl WatchPlan {
    /// The query, read back from its text and priced in the plan's currency, as a stored
    /// watch is loaded; `Err` when the text no longer parses.
    pub fn query(&self) -> Result<Query, QueryError> {
        Query::from_stored(&self.query_text, self.currency)
    }
}
