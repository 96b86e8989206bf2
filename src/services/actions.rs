//! What a button stands for: the [`Action`] stored under its token (see `tokens.rs`), shared by
//! command replies and alerts. Presses are handled in `core::actions`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Deps;
use super::rent::RentPlan;
use super::watches::WatchPlan;
use crate::clore::{OrderId, ServerId};
use crate::market::Query;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// A page of `/gpus` results.
    GpusPage {
        query: Query,
        page: usize,
    },
    ServerDetails {
        server: ServerId,
    },
    /// "Rent" on a listing: shows the confirmation for that server.
    RentPrompt {
        server: ServerId,
    },
    ConfirmRent(RentPlan),
    ConfirmCancel {
        order: OrderId,
        issue: Option<String>,
    },
    ConfirmWatch(WatchPlan),
    /// Abort of a confirmation: uses up the confirm token too.
    Abort {
        confirm: String,
        what: String,
    },
    /// Shows, once, the SSH password generated for an order that was found after an unclear
    /// answer from Clore.
    ShowLogin {
        intent: crate::domain::IntentId,
    },
}

impl Action {
    /// Confirmations act (money, orders): one use only. Navigation may be pressed again.
    pub fn single_use(&self) -> bool {
        matches!(
            self,
            Action::ConfirmRent(_) | Action::ConfirmCancel { .. } | Action::ConfirmWatch(_) | Action::Abort { .. }
        )
    }

    /// How long its button lives.
    pub fn ttl(&self, deps: &Deps) -> Duration {
        if self.single_use() { deps.confirm_ttl } else { deps.nav_ttl }
    }
}
