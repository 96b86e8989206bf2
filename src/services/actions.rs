//! What a button stands for: the [`Action`] stored under its token (see `tokens.rs`), shared by
//! command replies and alerts. Presses are handled in `core::actions`.
//!
//! An action is stored as JSON for as long as its button lives (an hour at most). A market
//! query in it is kept as the text the parser reads back when the button is pressed (as
//! watches keep theirs), never in its parsed form: a refactor of the parser must not break
//! buttons already sent.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Deps;
use super::rent::RentPlan;
use super::watches::WatchPlan;
use crate::clore::{OrderId, ServerId};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// A page of `/gpus` results.
    GpusPage {
        /// What [`Query::from_joined`](crate::market::Query::from_joined) reads back as the query
        /// (written by [`Query::text`](crate::market::Query::text)).
        query_text: String,
        page: usize,
    },
    /// A page of `/market`: its models as typed (read back as `GpusPage`'s query is).
    MarketPage {
        query_text: String,
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
    /// The Confirm of `/rent <query> count=N`: one plan per server, in the order shown.
    ConfirmRentMany {
        plans: Vec<RentPlan>,
    },
    /// "Set" under a host's suggestion: the `/hostset` confirmation for `target` with these
    /// dollar prices (`None` leaves a price as it is), worked out afresh when pressed.
    HostSetPrompt {
        target: super::hosting::HostTarget,
        price_usd: Option<f64>,
        spot_usd: Option<f64>,
    },
    /// The Confirm of `/hostset`: each server's values before and after, in the order shown.
    ConfirmHostSet {
        changes: Vec<super::hosting::HostChange>,
    },
    ConfirmCancel {
        order: OrderId,
        issue: Option<String>,
    },
    /// The Confirm of `/cancel all` or `/cancel 1001 1002 …`: the orders it listed.
    ConfirmCancelMany {
        orders: Vec<OrderId>,
    },
    ConfirmWatch(WatchPlan),
    /// "Watch it myself" under a shared team watch: a personal copy of `watch` for the presser.
    CopyWatch {
        watch: crate::domain::WatchId,
    },
    /// Abort of a confirmation: uses up the confirm token too.
    Abort {
        confirm: String,
        what: String,
    },
    /// A spot guard's cap question: shows the confirmation for raising `order`'s cap to `max`.
    GuardCapPrompt {
        order: OrderId,
        max: f64,
    },
    /// Raises `order`'s guard cap to `max`.
    ConfirmGuardCap {
        order: OrderId,
        max: f64,
    },
    /// "Rent again as spot" after an outbid: the rent confirmation for `server` at `bid`,
    /// made like the outbid order (its image, ports and template) and guarded as it was.
    RentAgain(Box<RentAgain>),
    /// A page of `/myservers`' list.
    MyServersPage {
        page: usize,
    },
    /// One of the host's servers as the market sees it, read afresh when pressed.
    HostServerScreen {
        name: String,
    },
    /// Shows, once, the SSH password generated for an order that was found after an unclear
    /// answer from Clore.
    ShowLogin {
        intent: crate::domain::IntentId,
    },
}

/// What a "Rent again as spot" button rents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RentAgain {
    pub server: ServerId,
    pub bid: f64,
    pub currency: crate::clore::Currency,
    pub image: Option<String>,
    pub ports: Vec<(u16, crate::clore::PortProto)>,
    pub template: Option<crate::domain::TemplateId>,
    pub guard: Option<super::spot_guard::GuardSpec>,
}

impl Action {
    /// Confirmations act (money, orders): one use only. Navigation may be pressed again.
    pub fn single_use(&self) -> bool {
        matches!(
            self,
            Action::ConfirmRent(_)
                | Action::ConfirmRentMany { .. }
                | Action::ConfirmHostSet { .. }
                | Action::ConfirmCancel { .. }
                | Action::ConfirmCancelMany { .. }
                | Action::ConfirmWatch(_)
                | Action::CopyWatch { .. }
                | Action::ConfirmGuardCap { .. }
                | Action::Abort { .. }
        )
    }

    /// How long its button lives.
    pub fn ttl(&self, deps: &Deps) -> Duration {
        if self.single_use() { deps.confirm_ttl } else { deps.nav_ttl }
    }
}
