//! Alerts out and questions only Telegram can answer: [`TelegramNotifier`] sends outbox
//! alerts (keeping to a group's 20 messages a minute, see [`group_windows`]), and
//! [`TelegramFrontend`] tells the core who administers a chat and where a private chat is.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use teloxide::requests::Requester;
use teloxide::types::UserId;
use teloxide::{Bot, RequestError};

use super::{Place, Sender, render, send};
use crate::core::{ChatKind, ChatRef, Core, Frontend, Identity, Platform, Reply};
use crate::notify::{Notifier, SendError, SendWindows, Target};

/// What only Telegram can answer for the core.
pub struct TelegramFrontend {
    pub(super) bot: Bot,
    pub(super) token: Arc<str>,
}

impl Frontend for TelegramFrontend {
    fn is_chat_admin<'a>(&'a self, who: &'a Identity, chat: &'a ChatRef) -> BoxFuture<'a, anyhow::Result<bool>> {
        Box::pin(async move {
            if chat.kind == ChatKind::Dm {
                return Ok(true);
            }
            if who.user_id == chat.chat_id {
                // The group's anonymous admin: only administrators can post as the group.
                return Ok(true);
            }
            let user: u64 = who.user_id.parse()?;
            let chat_id: i64 = chat.chat_id.parse()?;
            let member = self
                .bot
                .get_chat_member(teloxide::types::ChatId(chat_id), UserId(user))
                .await
                .map_err(|e| anyhow::anyhow!("getChatMember failed: {}", send::describe(&e, &self.token)))?;
            Ok(member.is_privileged())
        })
    }

    /// A Telegram user's private chat has the user's id; whether they have started the bot
    /// shows when a message is sent.
    fn private_chat<'a>(&'a self, who: &'a Identity) -> BoxFuture<'a, anyhow::Result<Option<String>>> {
        Box::pin(async move { Ok((!who.user_id.starts_with('-')).then(|| who.user_id.clone())) })
    }
}

/// Sends outbox alerts to Telegram.
#[derive(Clone)]
pub struct TelegramNotifier {
    pub(super) sender: Sender,
    pub(super) core: Arc<Core>,
    /// Sends to groups (negative ids); private chats keep to one a second in the queue.
    pub(super) groups: Arc<Mutex<SendWindows>>,
}

/// Telegram lets a bot send 20 messages a minute to a group; the send queue would hold a
/// 21st back for up to a minute, and a delivery round with it.
pub fn group_windows() -> SendWindows {
    SendWindows::new(20, Duration::from_secs(60))
}

impl Notifier for TelegramNotifier {
    fn platform(&self) -> Platform {
        Platform::Telegram
    }

    fn private_chat_of(&self, user_platform_id: &str) -> Option<String> {
        Some(user_platform_id.to_owned())
    }

    /// A group's alerts of the last minute count against its 20 a minute.
    fn taking_over(&self, recent: &[(String, Duration)]) {
        let mut groups = self.groups.lock().unwrap_or_else(|p| p.into_inner());
        for (chat, ago) in recent.iter().filter(|(chat, _)| chat.starts_with('-')) {
            groups.seed(chat, *ago);
        }
    }

    async fn send(&self, to: &Target, reply: &Reply) -> Result<(), SendError> {
        // A private chat with a Telegram user has the user's id.
        let chat = to.chat_id.as_deref().or(to.user_platform_id.as_deref()).unwrap_or_default();
        let Ok(chat) = chat.parse::<i64>() else {
            return Err(SendError::Permanent(format!("{chat:?} is not a Telegram chat id")));
        };
        let thread = to.thread_id.as_deref().and_then(|t| t.parse().ok());
        if chat < 0 {
            // A long alert is several messages, each counted against the group's limit.
            let parts = render::messages(reply, render::MESSAGE_MAX).len() + usize::from(reply.image.is_some());
            SendWindows::check(&self.groups, &chat.to_string(), parts)?;
        }
        match self.sender.send(Place { chat, thread }, reply, None).await {
            Ok(_) => Ok(()),
            Err(RequestError::MigrateToChatId(new)) => {
                // The group became a supergroup: its watches and waiting alerts move along,
                // and this alert goes to the new chat.
                self.core.chat_migrated(Platform::Telegram, &chat.to_string(), &new.0.to_string()).await;
                match self.sender.send(Place { chat: new.0, thread }, reply, None).await {
                    Ok(_) => Ok(()),
                    Err(e) => Err(send::classify(&e, &self.sender.token)),
                }
            }
            Err(e) => Err(send::classify(&e, &self.sender.token)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[test]
    fn a_group_gets_twenty_a_minute_then_waits_for_the_oldest_to_age() {
        let mut w = group_windows();
        let t0 = Instant::now();
        for i in 0..20 {
            assert_eq!(w.admit("-100", t0 + Duration::from_secs(i)), Ok(()));
        }
        // The 21st, 25 s in: room again when the first is a minute old.
        assert_eq!(w.admit("-100", t0 + Duration::from_secs(25)), Err(Duration::from_secs(35)));
        assert_eq!(w.admit("-200", t0 + Duration::from_secs(25)), Ok(()), "another group has its own");
        assert_eq!(w.admit("-100", t0 + Duration::from_secs(60)), Ok(()));
        assert!(w.admit("-100", t0 + Duration::from_secs(60)).is_err());
    }
}
