//! Alerts out and questions only Telegram can answer: [`TelegramNotifier`] sends outbox
//! alerts through the send scheduler (after people's answers; an alert whose chat has no room
//! soon waits in the outbox instead), and [`TelegramFrontend`] tells the core who administers
//! a chat and where a private chat is.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use teloxide::requests::Requester;
use teloxide::types::UserId;
use teloxide::{Bot, RequestError};

use super::{Place, Sender, render, send};
use crate::core::{ChatKind, ChatRef, Core, Frontend, Identity, Platform, Reply};
use crate::notify::schedule::Class;
use crate::notify::{Notifier, SendError, Target};
use crate::store::platform_sends::Sent;

/// What only Telegram can answer for the core.
pub struct TelegramFrontend {
    pub(super) bot: Bot,
    pub(super) token: Arc<str>,
}

impl TelegramFrontend {
    /// `who` in the group `chat`, as Telegram says (`getChatMember`).
    async fn chat_member(&self, who: &Identity, chat: &ChatRef) -> anyhow::Result<teloxide::types::ChatMember> {
        let user: u64 = who.user_id.parse()?;
        let chat_id: i64 = chat.chat_id.parse()?;
        self.bot
            .get_chat_member(teloxide::types::ChatId(chat_id), UserId(user))
            .await
            .map_err(|e| anyhow::anyhow!("getChatMember failed: {}", send::describe(&e, &self.token)))
    }
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
            Ok(self.chat_member(who, chat).await?.is_privileged())
        })
    }

    /// Asks Telegram (`getChatMember`): an owner, an administrator, a member, or a restricted
    /// user still in the chat.
    fn is_chat_member<'a>(&'a self, who: &'a Identity, chat: &'a ChatRef) -> BoxFuture<'a, anyhow::Result<bool>> {
        Box::pin(async move { Ok(self.chat_member(who, chat).await?.is_present()) })
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
}

/// An alert is sent only when all its parts can be out within this of what they would take in
/// an idle chat (a group's 20 a minute, answers waiting ahead of it); otherwise it waits in the
/// outbox for as long as the chat needs, and the delivery round goes on. Together with
/// [`ALERT_WAIT`] and [`ALERT_PATIENCE`] it keeps a one- or two-part alert well inside the
/// delivery loop's bound on a send (`deliver::SEND_WITHIN`, 5 s), which a takeover's wait
/// counts on.
const ALERT_ROOM: Duration = Duration::from_secs(2);
/// The longest an alert's first part waits for its turn (answers overtaking it meanwhile).
const ALERT_WAIT: Duration = Duration::from_secs(2);
/// The longest 429 an alert waits out in line; a longer one sends it back to the outbox.
const ALERT_PATIENCE: Duration = Duration::from_secs(1);

impl Notifier for TelegramNotifier {
    fn platform(&self) -> Platform {
        Platform::Telegram
    }

    fn private_chat_of(&self, user_platform_id: &str) -> Option<String> {
        Some(user_platform_id.to_owned())
    }

    /// What was sent to Telegram in the last minute counts against its windows.
    fn taking_over(&self, recent: &[Sent]) {
        self.sender.taking_over(recent);
    }

    async fn send(&self, to: &Target, reply: &Reply) -> Result<(), SendError> {
        // A private chat with a Telegram user has the user's id.
        let chat = to.chat_id.as_deref().or(to.user_platform_id.as_deref()).unwrap_or_default();
        let Ok(chat) = chat.parse::<i64>() else {
            return Err(SendError::Permanent(format!("{chat:?} is not a Telegram chat id")));
        };
        let thread = to.thread_id.as_deref().and_then(|t| t.parse().ok());
        let place = Place { chat, thread };
        // A long alert is several messages, each counted against the chat's limits.
        let parts = render::messages(reply, render::MESSAGE_MAX, self.sender.bot_username()).len()
            + usize::from(reply.image.is_some());
        // Only the wait beyond the chat's own pace counts (a long alert's parts take their
        // time even in an idle chat), so a long alert is not kept back for ever.
        if self.sender.schedule.delay(place.lane(), parts) > ALERT_ROOM {
            return Err(SendError::Later { after: self.sender.schedule.room(place.lane(), parts) });
        }
        let Ok(first) = tokio::time::timeout(ALERT_WAIT, self.sender.schedule.turn(place.lane(), Class::Alert)).await
        else {
            let after = self.sender.schedule.room(place.lane(), parts).max(Duration::from_secs(1));
            return Err(SendError::Later { after });
        };
        match self.sender.send_from(place, reply, None, first, ALERT_PATIENCE).await {
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
