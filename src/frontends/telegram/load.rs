//! Keeping memory flat under a flood: the updates in hand (from their arrival until their
//! answers have left) are counted, and past [`TelegramConfig::max_waiting`](super::TelegramConfig)
//! of work waiting — those plus alerts waiting to be sent — updates are refused for Telegram
//! to hold: the webhook answers 503 and long polling stops fetching. A chat with more
//! commands waiting than it can be answered in ~30 s has its next commands dropped before any
//! work is done, and is told once to slow down.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

use super::{Place, Telegram};
use crate::core::Caller;
use crate::i18n;
use crate::notify::schedule::{Class, Intake, Ticket};
use crate::t;

/// While refusing, the bound is looked at again at least this often (alerts leaving the
/// scheduler do not signal).
const RECHECK: Duration = Duration::from_secs(1);

pub(super) struct Load {
    in_hand: AtomicUsize,
    eased: Notify,
    max: usize,
}

impl Load {
    pub(super) fn new(max: usize) -> Load {
        Load { in_hand: AtomicUsize::new(0), eased: Notify::new(), max: max.max(1) }
    }

    /// Counts an update in hand until the returned guard drops.
    pub(super) fn hold(self: &Arc<Self>) -> InHand {
        self.in_hand.fetch_add(1, Ordering::Relaxed);
        InHand(self.clone())
    }
}

/// An update in hand.
pub(super) struct InHand(Arc<Load>);

impl Drop for InHand {
    fn drop(&mut self) {
        self.0.in_hand.fetch_sub(1, Ordering::Relaxed);
        self.0.eased.notify_waiters();
    }
}

impl Telegram {
    /// Work waiting: updates in hand and alerts waiting for their turn.
    pub fn work_waiting(&self) -> usize {
        self.load.in_hand.load(Ordering::Relaxed) + self.sender.schedule.waiting(Class::Alert)
    }

    /// Whether the work waiting has reached the bound: updates are refused for now.
    pub(super) fn overloaded(&self) -> bool {
        self.work_waiting() >= self.load.max
    }

    /// Returns once the work waiting is below the bound.
    pub(super) async fn until_room(&self) {
        let mut said = false;
        loop {
            let eased = self.load.eased.notified();
            if !self.overloaded() {
                return;
            }
            if !std::mem::replace(&mut said, true) {
                tracing::warn!(waiting = self.work_waiting(), "too much work waiting; updates are left with Telegram");
            }
            let _ = tokio::time::timeout(RECHECK, eased).await;
        }
    }

    /// Takes in a command from the caller's chat, or drops it (`None`) when the chat has more
    /// commands waiting for answers than it can receive soon; the first one dropped since the
    /// chat last caught up gets the slow-down note, ahead of the answers waiting.
    pub(super) async fn take_in(&self, caller: &Caller, to: Place) -> Option<Ticket> {
        match self.sender.schedule.take_in(to.lane()) {
            Ok(ticket) => Some(ticket),
            Err(Intake::SlowDown) => {
                tracing::info!(chat = to.chat, "a chat sends commands faster than it can be answered; dropping");
                let lang = self.core.lang_of(caller).await;
                let note = i18n::sync_scope(lang, || t!("telegram-slow-down"));
                if let Err(e) = self.sender.send_html(to, &super::render::escape(&note)).await {
                    tracing::info!(chat = to.chat, error = %super::send::describe(&e, &self.sender.token), "could not send the slow-down note");
                }
                None
            }
            Err(_) => None,
        }
    }
}
