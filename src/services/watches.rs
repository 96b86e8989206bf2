//! Watches as services see them: a watch waiting for its Confirm.

use serde::{Deserialize, Serialize};

use crate::market::Query;
use crate::store::watches::AutorentRules;

/// A watch as confirmed (auto-rent needs a confirmation; the others are created at once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchPlan {
    pub query: Query,
    pub query_text: String,
    pub once: bool,
    pub team: bool,
    pub cooldown_secs: u64,
    pub autorent: Option<AutorentRules>,
}
