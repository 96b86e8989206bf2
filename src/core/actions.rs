//! Buttons: what a token stands for, issuing tokens, and handling presses.
//!
//! A token is 16 random characters (well under Telegram's 64-byte callback limit) naming a
//! row of `pending_actions` that holds the [`Action`], the one user who may press it, and an
//! expiry. Confirmations are used at most once (an atomic update), so a double press — or two
//! replicas handling the same press — never acts twice.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::handlers::{market, orders, rent, watches};
use super::{Ctx, Failure, Outcome, Reply};
use crate::market::Query;
use crate::store::actions::{self as store_actions, Taken};

const TOKEN_LEN: usize = 16;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// A page of `/gpus` results.
    GpusPage {
        query: Query,
        page: usize,
    },
    ServerDetails {
        server: u64,
    },
    /// "Rent" on a listing: shows the confirmation for that server.
    RentPrompt {
        server: u64,
    },
    ConfirmRent(rent::RentPlan),
    ConfirmCancel {
        order: u64,
        issue: Option<String>,
    },
    ConfirmWatch(watches::WatchPlan),
    /// Abort of a confirmation: uses up the confirm token too.
    Abort {
        confirm: String,
        what: String,
    },
    /// Shows, once, the SSH password generated for an order that was found after an unclear
    /// answer from Clore.
    ShowLogin {
        intent: crate::store::IntentId,
    },
}

impl Action {
    /// Confirmations act (money, orders): one use only. Navigation may be pressed again.
    fn single_use(&self) -> bool {
        matches!(
            self,
            Action::ConfirmRent(_) | Action::ConfirmCancel { .. } | Action::ConfirmWatch(_) | Action::Abort { .. }
        )
    }
}

pub(crate) fn new_token() -> String {
    rand::rng().sample_iter(rand::distr::Alphanumeric).take(TOKEN_LEN).map(char::from).collect()
}

impl Ctx<'_> {
    /// Stores `action` for the caller and returns its token.
    pub async fn token(&self, action: &Action) -> Result<String, Failure> {
        let ttl = if action.single_use() { self.core.cfg.confirm_ttl } else { self.core.cfg.nav_ttl };
        let token = new_token();
        let payload = serde_json::to_value(action).map_err(|e| Failure::Internal(e.into()))?;
        store_actions::create(&self.core.pool, &token, Some(self.user.id), &payload, ttl).await?;
        Ok(token)
    }

    /// A Confirm / Abort pair for `action`: returns (confirm token, abort token).
    pub async fn confirm_pair(&self, action: &Action, what: &str) -> Result<(String, String), Failure> {
        let confirm = self.token(action).await?;
        let abort = self.token(&Action::Abort { confirm: confirm.clone(), what: what.to_owned() }).await?;
        Ok((confirm, abort))
    }
}

pub async fn press(cx: &Ctx<'_>, token: &str) -> Outcome {
    let pool = &cx.core.pool;
    let Some((owner, payload)) = store_actions::peek(pool, token).await? else {
        // Expired, used, or never issued: say which if we still know.
        return Ok(vec![Reply::text(match store_actions::take(pool, token, cx.user.id).await? {
            Taken::NotYours => "This button belongs to someone else's request.",
            Taken::Used => "This was already done.",
            Taken::Expired => "This button has expired. Please run the command again.",
            Taken::Unknown | Taken::Ok(_) => "This button is no longer valid. Please run the command again.",
        })]);
    };
    if owner.is_some_and(|o| o != cx.user.id) {
        return Ok(vec![
            Reply::text("This button belongs to someone else's request — run the command yourself to get your own.")
                .private(),
        ]);
    }
    let action: Action = serde_json::from_value(payload).map_err(|e| Failure::Internal(e.into()))?;
    if action.single_use() {
        match store_actions::take(pool, token, cx.user.id).await? {
            Taken::Ok(_) => {}
            Taken::Used => return Ok(vec![Reply::text("This was already done.")]),
            Taken::Expired => {
                return Ok(vec![Reply::text(
                    "This confirmation has expired; nothing was done. Please run the command again.",
                )]);
            }
            Taken::NotYours | Taken::Unknown => return Ok(vec![Reply::text("This button is no longer valid.")]),
        }
    }
    match action {
        Action::GpusPage { query, page } => market::gpus_page(cx, query, page).await,
        Action::ServerDetails { server } => market::server(cx, server).await,
        Action::RentPrompt { server } => rent::prompt_for_server(cx, server, rent::RentOptions::default()).await,
        Action::ConfirmRent(plan) => rent::confirm(cx, plan).await,
        Action::ConfirmCancel { order, issue } => orders::confirm_cancel(cx, order, issue).await,
        Action::ConfirmWatch(plan) => watches::confirm(cx, plan).await,
        Action::ShowLogin { intent } => rent::show_login(cx, intent).await,
        Action::Abort { confirm, what } => {
            // Use up the confirm token so a late Confirm press does nothing.
            let taken = store_actions::take(pool, &confirm, cx.user.id).await?;
            if let Taken::Ok(payload) = &taken
                && let Ok(Action::ConfirmRent(rent::RentPlan { env_secret: Some(id), .. })) =
                    serde_json::from_value::<Action>(payload.clone())
            {
                crate::store::sealed::discard(pool, id).await?;
            }
            Ok(vec![Reply::text(match taken {
                Taken::Used => format!("Too late to abort: {what} was already confirmed."),
                _ => format!("Aborted: {what}. Nothing was done."),
            })])
        }
    }
}
