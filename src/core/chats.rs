//! What a platform tells the core about chats outside any command: the bot was removed
//! from one or added back, a group became another, a private chat was opened for a user.
//! Front-ends report these events here and the store is changed in one place.

use crate::domain::{ChatKind, Reach};
use crate::domain::{Platform, UserId};
use crate::store::users;

use super::Core;

impl Core {
    /// The bot can no longer post in `chat` (removed, blocked), or can again. Alerts to a
    /// gone chat are kept in the outbox as given up (see [`users::set_reach`]).
    pub async fn chat_reach(&self, platform: Platform, chat: &str, kind: ChatKind, title: &str, reach: Reach) {
        match users::set_reach(&self.deps.pool, platform, chat, kind, title, reach).await {
            Ok(dropped) => {
                tracing::info!(chat = %chat, reach = ?reach, alerts_dropped = dropped, "the bot's membership changed")
            }
            Err(e) => tracing::error!(chat = %chat, error = %e, "could not record the bot's membership"),
        }
    }

    /// A group became another chat (Telegram's group → supergroup): its chat row, and so its
    /// team watches, and alerts waiting for it move to the new id.
    pub async fn chat_migrated(&self, platform: Platform, from: &str, to: &str) {
        let moved = async {
            let mut tx = self.deps.pool.begin().await?;
            users::migrate_chat(&mut tx, platform, from, to).await?;
            tx.commit().await
        }
        .await;
        match moved {
            Ok(()) => tracing::info!(from, to, "a group became another chat; its watches moved along"),
            Err(e) => tracing::error!(from, to, error = %e, "could not move a migrated group's watches"),
        }
    }

    /// Remembers where private messages reach `user` (a DM channel a notifier opened).
    pub async fn remember_private_chat(&self, user: UserId, chat: &str) {
        if let Err(e) = users::set_private_chat(&self.deps.pool, user, chat).await {
            tracing::warn!(error = %e, "could not remember a private chat");
        }
    }
}
