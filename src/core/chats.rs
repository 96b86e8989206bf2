//! What a platform tells the core about chats outside any command: the bot was removed
//! from one or added back, a group became another, a private chat was opened for a user.
//! Front-ends report these events here and the store is changed in one place.

use std::sync::Arc;

use crate::domain::{ChatKind, ChatRef, Identity, Reach};
use crate::domain::{Platform, UserId};
use crate::services::Deps;
use crate::store::{console_groups, users};

use super::Core;

/// Who administers a console group. The console has no platform to name a group's admins, so
/// the rule is ours: the first console user to speak in a group is its creator (recorded, so
/// every `clorebot chat` agrees), and it and the users `CLOREBOT_CONSOLE_ADMINS` names
/// administer it.
#[derive(Clone)]
pub struct ConsoleGroups {
    deps: Arc<Deps>,
    admins: Arc<[String]>,
}

impl ConsoleGroups {
    /// `who` spoke in `chat`: it becomes the group's creator if the group has none yet.
    pub async fn open(&self, who: &Identity, chat: &ChatRef) -> anyhow::Result<()> {
        self.creator(who, chat).await.map(drop)
    }

    /// Whether `who` administers `chat` (anyone their own private chat).
    pub async fn is_admin(&self, who: &Identity, chat: &ChatRef) -> anyhow::Result<bool> {
        if chat.kind == ChatKind::Dm || self.admins.contains(&who.user_id) {
            return Ok(true);
        }
        Ok(self.creator(who, chat).await? == who.user_id)
    }

    async fn creator(&self, who: &Identity, chat: &ChatRef) -> anyhow::Result<String> {
        Ok(console_groups::creator(&self.deps.pool, &chat.chat_id, &who.user_id).await?)
    }
}

impl Core {
    /// The console's answer to who administers its groups (see [`ConsoleGroups`]).
    pub fn console_groups(&self) -> ConsoleGroups {
        ConsoleGroups { deps: self.deps.clone(), admins: self.cfg.console_admins.clone().into() }
    }

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
