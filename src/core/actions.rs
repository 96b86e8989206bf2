//! Buttons: what a token stands for, issuing tokens, and handling presses.
//!
//! A token is 16 random characters (well under Telegram's 64-byte callback limit) naming a
//! row of `pending_actions` that holds the [`Action`], the one user who may press it, and an
//! expiry. Confirmations are used at most once (an atomic update), so a double press — or two
//! replicas handling the same press — never acts twice.
//!
//! A button that carries a market query (a `/gpus` page, an auto-rent watch's Confirm) keeps
//! its text, which is parsed again when pressed: text that no longer parses is answered like
//! a payload that no longer reads, and nothing is done.

use super::handlers::{guards, hostset, market, myservers, orders, overview, rent, rent_many, shared_watches, watches};
use super::{Ctx, Failure, Outcome, PressResponse, Reply, failure_reply};
use crate::market::{Query, QueryError};
use crate::services;
pub use crate::services::Action;
use crate::services::watches::WatchPlan;
use crate::store::actions::{self as store_actions, Taken};
use crate::t;

impl Ctx<'_> {
    /// Stores `action` for the caller and returns its token.
    pub async fn token(&self, action: &Action) -> Result<String, Failure> {
        let ttl = action.ttl(&self.core.deps);
        Ok(services::issue_token(&self.core.deps.pool, Some(self.user.id), action, ttl).await?)
    }

    /// Stores several actions for the caller in one go; their tokens, in the same order.
    pub async fn tokens(&self, actions: &[Action]) -> Result<Vec<String>, Failure> {
        let with_ttl: Vec<(&Action, std::time::Duration)> =
            actions.iter().map(|a| (a, a.ttl(&self.core.deps))).collect();
        Ok(services::issue_tokens(&self.core.deps.pool, Some(self.user.id), &with_ttl).await?)
    }

    /// A Confirm / Abort pair for `action`: returns (confirm token, abort token). `what` is
    /// the action as a short noun phrase in the current language ("renting #123"): the Abort
    /// answer shows it ("Aborted: renting #123. Nothing was done.").
    pub async fn confirm_pair(&self, action: &Action, what: &str) -> Result<(String, String), Failure> {
        let confirm = self.token(action).await?;
        let abort = self.token(&Action::Abort { confirm: confirm.clone(), what: what.to_owned() }).await?;
        Ok((confirm, abort))
    }
}

/// Where an action's answer lands: on the message the button sat on, or as new messages.
fn replaces_source(action: &Action) -> bool {
    match action {
        // Next ▸ turns the page; a confirmation turns into its outcome.
        Action::GpusPage { .. }
        | Action::MyServersPage { .. }
        | Action::ConfirmRent(_)
        | Action::ConfirmRentMany { .. }
        | Action::ConfirmHostSet { .. }
        | Action::ConfirmCancel { .. }
        | Action::ConfirmCancelMany { .. }
        | Action::ConfirmWatch(_)
        | Action::CopyWatch { .. }
        | Action::ConfirmGuardCap { .. }
        | Action::Abort { .. } => true,
        // Details, a rent prompt and a password are new messages under the listing; so is a
        // page of /market, whose chart is a photo (Telegram edits a photo's caption, never
        // turns it into another chart with a text edit).
        Action::MarketPage { .. }
        | Action::ServerDetails { .. }
        | Action::HostServerScreen { .. }
        | Action::RentPrompt { .. }
        | Action::ShowLogin { .. }
        | Action::GuardCapPrompt { .. }
        | Action::HostSetPrompt { .. }
        | Action::RentAgain(_) => false,
    }
}

/// Handles a press; the outcome's name is for metrics.
pub async fn press(cx: &Ctx<'_>, token: &str) -> (PressResponse, &'static str) {
    match decode(cx, token).await {
        Ok(Pressed::Act(ready)) => {
            let page = matches!(ready, Ready::GpusPage { .. });
            let replace = match &ready {
                Ready::GpusPage { .. } | Ready::ConfirmWatch { .. } => true,
                Ready::MarketPage { .. } => false,
                Ready::Other(action) => replaces_source(action),
            };
            let in_private = cx.caller.in_private();
            match act(cx, ready).await {
                Ok(replies) if replace => (PressResponse::replacing(replies, in_private), "ok"),
                Ok(replies) => (PressResponse::replies(replies), "ok"),
                Err(f) => {
                    let (r, outcome) = failure_reply(f);
                    // A page that could not be fetched leaves the listing as it was; a
                    // confirmation that failed shows why in its place.
                    let answer = if replace && !page {
                        PressResponse::replacing(vec![r], in_private)
                    } else {
                        PressResponse::replies(vec![r])
                    };
                    (answer, outcome)
                }
            }
        }
        Ok(Pressed::Answered(answer)) => (answer, "ok"),
        Err(f) => {
            let (r, outcome) = failure_reply(f);
            (PressResponse::replies(vec![r]), outcome)
        }
    }
}

enum Pressed {
    Act(Ready),
    /// Nothing to do: the press is answered as is (someone else's button, expired, used).
    Answered(PressResponse),
}

/// An action ready to act on: a query stored as text is read back.
enum Ready {
    GpusPage { query: Query, text: String, page: usize },
    MarketPage { query: Query, text: String, page: usize },
    ConfirmWatch { plan: WatchPlan, query: Query },
    Other(Action),
}

impl Ready {
    /// Reads back the query an action keeps as text; `Err` when the text no longer parses.
    fn read(action: Action) -> Result<Ready, QueryError> {
        Ok(match action {
            Action::GpusPage { query_text, page } => {
                Ready::GpusPage { query: Query::from_joined(&query_text)?, text: query_text, page }
            }
            Action::MarketPage { query_text, page } => {
                Ready::MarketPage { query: Query::from_joined(&query_text)?, text: query_text, page }
            }
            Action::ConfirmWatch(plan) => Ready::ConfirmWatch { query: plan.query()?, plan },
            other => Ready::Other(other),
        })
    }
}

/// The action behind `token`, if the caller may press it now (a confirmation is used up).
async fn decode(cx: &Ctx<'_>, token: &str) -> Result<Pressed, Failure> {
    let pool = &cx.core.deps.pool;
    let toast = |text: String| Ok(Pressed::Answered(PressResponse::toast(text)));
    if !crate::services::tokens::well_formed(token) {
        return toast(t!("press-invalid-run-again"));
    }
    let Some((owner, payload)) = store_actions::peek(pool, token).await? else {
        // Expired, used, or never issued: say which if we still know.
        return match store_actions::take(pool, token, cx.user.id).await? {
            Taken::NotYours => toast(t!("press-not-yours")),
            Taken::Used => toast(t!("press-already-done")),
            Taken::Expired(payload) => Ok(expired(&payload)),
            Taken::Unknown | Taken::Ok(_) => toast(t!("press-invalid-run-again")),
        };
    };
    if owner.is_some_and(|o| o != cx.user.id) {
        return toast(t!("press-not-yours"));
    }
    let action: Action = match serde_json::from_value(payload) {
        Ok(a) => a,
        Err(e) => {
            // Issued by an older version whose payloads read differently (a token lives at
            // most an hour): nothing to act on, and nothing the presser did wrong.
            tracing::warn!(error = %e, "a button's payload no longer reads");
            return toast(t!("press-old-version"));
        }
    };
    let single_use = action.single_use();
    // Checked before a confirmation is used up: a query that no longer reads (the language
    // changed since the button was sent) is as old as a payload that no longer reads.
    let ready = match Ready::read(action) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "a button's query no longer parses");
            return toast(t!("press-old-version"));
        }
    };
    if single_use {
        match store_actions::take(pool, token, cx.user.id).await? {
            Taken::Ok(_) => {}
            // A dead process's press, finished here: what became of its rent or host change,
            // never a second one (docs/money-safety.md).
            Taken::Used => {
                if super::is_recovered() {
                    match &ready {
                        Ready::Other(Action::ConfirmRent(plan)) => {
                            return Ok(Pressed::Answered(rent::interrupted(cx, token, plan).await?));
                        }
                        Ready::Other(Action::ConfirmRentMany { plans }) => {
                            return Ok(Pressed::Answered(rent_many::interrupted(cx, token, plans).await?));
                        }
                        // Settings are not money: what Clore shows now, nothing sent again.
                        Ready::Other(Action::ConfirmHostSet { changes }) => {
                            return Ok(Pressed::Answered(hostset::interrupted(cx, changes).await?));
                        }
                        _ => {}
                    }
                }
                return toast(t!("press-already-done"));
            }
            Taken::Expired(payload) => return Ok(expired(&payload)),
            Taken::NotYours => return toast(t!("press-not-yours")),
            Taken::Unknown => return toast(t!("press-invalid")),
        }
    }
    Ok(Pressed::Act(ready))
}

/// An expired confirmation loses its buttons and says so; an expired navigation button
/// leaves its message alone (it still shows what it showed).
fn expired(payload: &serde_json::Value) -> Pressed {
    let confirmation = serde_json::from_value::<Action>(payload.clone()).is_ok_and(|a| a.single_use());
    Pressed::Answered(if confirmation {
        PressResponse {
            toast: Some(t!("press-expired-toast")),
            replace_source: Some(Reply::text(t!("press-expired"))),
            replies: Vec::new(),
        }
    } else {
        PressResponse::toast(t!("press-button-expired"))
    })
}

async fn act(cx: &Ctx<'_>, ready: Ready) -> Outcome {
    let pool = &cx.core.deps.pool;
    let action = match ready {
        Ready::GpusPage { query, text, page } => return market::gpus_page(cx, query, text, page).await,
        Ready::MarketPage { query, text, page } => return overview::market(cx, &query, text, page).await,
        Ready::ConfirmWatch { plan, query } => return watches::confirm(cx, plan, query).await,
        Ready::Other(action) => action,
    };
    match action {
        // `Ready::read` never leaves these to `Ready::Other`.
        Action::GpusPage { .. } | Action::MarketPage { .. } | Action::ConfirmWatch(_) => {
            Err(Failure::Internal(anyhow::anyhow!("a query button was not read back")))
        }
        Action::ServerDetails { server } => market::server(cx, server).await,
        Action::MyServersPage { page } => myservers::page(cx, page).await,
        Action::HostServerScreen { name } => myservers::server_screen(cx, &name).await,
        Action::RentPrompt { server } => rent::prompt_for_server(cx, server, rent::RentOptions::default()).await,
        Action::ConfirmRent(plan) => rent::confirm(cx, plan).await,
        Action::ConfirmRentMany { plans } => rent_many::confirm(cx, plans).await,
        Action::ConfirmHostSet { changes } => hostset::confirm(cx, changes).await,
        Action::HostSetPrompt { target, price_usd, spot_usd } => {
            hostset::prompt_for(cx, target, price_usd, spot_usd).await
        }
        Action::ConfirmCancel { order, issue } => orders::confirm_cancel(cx, order, issue).await,
        Action::ConfirmCancelMany { orders } => orders::confirm_cancel_many(cx, orders).await,
        Action::ShowLogin { intent } => rent::show_login(cx, intent).await,
        Action::GuardCapPrompt { order, max } => guards::cap_prompt(cx, order, max).await,
        Action::ConfirmGuardCap { order, max } => guards::confirm_cap(cx, order, max).await,
        Action::CopyWatch { watch } => shared_watches::copy(cx, watch).await,
        Action::RentAgain(a) => guards::rent_again(cx, *a).await,
        Action::Abort { confirm, what } => {
            // Use up the confirm token so a late Confirm press does nothing.
            let taken = store_actions::take(pool, &confirm, cx.user.id).await?;
            if let Taken::Ok(payload) = &taken {
                let sealed_env = match serde_json::from_value::<Action>(payload.clone()) {
                    Ok(Action::ConfirmRent(plan)) => plan.env_secret,
                    Ok(Action::ConfirmRentMany { plans }) => plans.first().and_then(|p| p.env_secret),
                    _ => None,
                };
                if let Some(id) = sealed_env {
                    crate::store::sealed::discard(pool, id).await?;
                }
            }
            Ok(vec![Reply::text(match taken {
                Taken::Used => t!("press-too-late", what = what),
                _ => t!("press-aborted", what = what),
            })])
        }
    }
}
