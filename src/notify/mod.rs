//! The notification contract, beside `core`: what a platform offers the alert engine — a
//! [`Notifier`] that sends a [`Reply`] to a [`Target`] and says how a send failed
//! ([`SendError`]). Front-ends implement it; the engine's delivery loop (`alerts::deliver`)
//! drives it.
//!
//! Beside it, what keeps a platform's limits for front-ends of any platform: the send
//! scheduler (`schedule`, its bookkeeping in `lanes`), the shared record of sends it writes
//! (`record`), and per-chat send windows (`windows`) for a notifier that counts its own.

mod lanes;
pub mod record;
pub mod schedule;
mod windows;

pub use windows::SendWindows;

use std::future::Future;
use std::time::Duration;

use crate::core::Reply;
use crate::domain::{Platform, Scope, UserId};
use crate::store::platform_sends::Sent;

/// Why a send did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Try again later (network, the platform is down); `after`: the platform said when
    /// (a 429's `retry_after`).
    Retry { after: Option<Duration>, why: String },
    /// The target is gone for good (the user blocked the bot, the chat was deleted).
    Gone(String),
    /// This alert can never be sent (the platform rejects it as it is).
    Permanent(String),
    /// Not now: the platform's limit for this chat leaves no room before `after`. Not a
    /// failed attempt; the alert waits in the outbox and keeps its place in the chat's order.
    Later { after: Duration },
}

impl SendError {
    pub fn retry(why: impl Into<String>) -> SendError {
        SendError::Retry { after: None, why: why.into() }
    }
}

/// Where an alert goes: a chat, and the user it is for when it is a private alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub platform: Platform,
    /// `None`: a private alert to a user whose private chat is not known yet; the notifier
    /// opens one with `user_platform_id` (Discord creates DM channels on demand).
    pub chat_id: Option<String>,
    /// A forum topic or thread within the chat.
    pub thread_id: Option<String>,
    pub user: Option<UserId>,
    pub user_platform_id: Option<String>,
}

/// A platform's way of sending a reply as an alert (with the renderer it uses for replies).
pub trait Notifier: Send + Sync {
    fn platform(&self) -> Platform;

    /// Only alerts within this scope (a console delivers its own); `None`: the whole platform.
    fn scope(&self) -> Option<Scope> {
        None
    }

    fn send(&self, target: &Target, reply: &Reply) -> impl Future<Output = Result<(), SendError>> + Send;

    /// The chat a private alert to a user whose private chat is not known yet goes to, when
    /// the platform says so without asking (a Telegram private chat has the user's id); a
    /// chat found gone is then marked so.
    fn private_chat_of(&self, _user_platform_id: &str) -> Option<String> {
        None
    }

    /// This process starts sending the platform's alerts, taking over from another: `recent`
    /// is what was sent to the platform in the last minute (the shared record of sends),
    /// oldest first, for the per-chat limits to count — the process it replaces sent them.
    fn taking_over(&self, _recent: &[Sent]) {}
}
