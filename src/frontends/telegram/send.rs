//! Sending to Telegram: every message waits for its turn in the front-end's send scheduler
//! (`notify::schedule`, Telegram's limits), a 429 holds the chat there for `retry_after` and
//! the message is tried again in its turn, and each failure is classified for the outbox —
//! gone for good (403: blocked, removed), never (400: Telegram rejects it as it is), or later.

use std::future::{Future, IntoFuture};
use std::time::Duration;

use teloxide::payloads::setters::*;
use teloxide::requests::Requester;
use teloxide::types::{ChatId, InputFile, LinkPreviewOptions, MessageId, ParseMode, ReplyParameters, ThreadId};
use teloxide::{ApiError, Bot, RequestError};

use super::render::{self, CAPTION_MAX, MESSAGE_MAX};
use crate::core::Reply;
use crate::notify::SendError;
use crate::notify::record::SendLog;
use crate::notify::schedule::{Chat, Class, Permit, Scheduler};
use crate::store::platform_sends::Sent;

/// Tries per message when Telegram answers 429: it says how long to wait, and we do.
const RATE_LIMIT_TRIES: u32 = 3;
/// A `retry_after` longer than this is not waited out in line by an answer; the caller is
/// told instead.
pub const WAIT_AT_MOST: Duration = Duration::from_secs(30);

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub chat: i64,
    /// A forum topic.
    pub thread: Option<i32>,
}

impl Place {
    /// The chat as the scheduler counts it: Telegram's groups have negative ids.
    pub fn lane(&self) -> Chat {
        Chat { id: self.chat, group: self.chat < 0 }
    }

    /// A private chat (its id is the user's, positive).
    pub fn private(&self) -> bool {
        self.chat > 0
    }

    /// `reply` as the messages it takes here: in a private chat with its copy buttons. `bot`
    /// is the bot's username, for link buttons.
    fn messages(&self, reply: &Reply, bot: &str) -> Vec<render::Message> {
        let parts = render::messages(reply, MESSAGE_MAX, bot);
        if self.private() { render::with_copy_buttons(parts, reply) } else { parts }
    }
}

/// One error in words, without the bot token (teloxide hides it only when it looks real).
pub fn describe(e: &RequestError, token: &str) -> String {
    let s = e.to_string();
    if token.is_empty() { s } else { s.replace(token, "[token]") }
}

/// What an error means for an alert.
pub fn classify(e: &RequestError, token: &str) -> SendError {
    let why = describe(e, token);
    match e {
        RequestError::RetryAfter(s) => SendError::Retry { after: Some(s.duration()), why },
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => {
            SendError::Retry { after: None, why }
        }
        RequestError::MigrateToChatId(_) => SendError::Retry { after: None, why },
        RequestError::Api(api) => match api {
            ApiError::BotBlocked
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::BotKickedFromChannel
            | ApiError::UserDeactivated
            | ApiError::ChatNotFound
            | ApiError::GroupDeactivated
            | ApiError::CantInitiateConversation
            | ApiError::CantTalkWithBots => SendError::Gone(why),
            ApiError::Unknown(s) if s.starts_with("Forbidden") => SendError::Gone(why),
            ApiError::Unknown(s)
                if s.starts_with("Too Many Requests")
                    || s.starts_with("Internal Server Error")
                    || s.starts_with("Bad Gateway")
                    || s.starts_with("Gateway Timeout")
                    || s.starts_with("Service Unavailable") =>
            {
                SendError::Retry { after: None, why }
            }
            _ => SendError::Permanent(why),
        },
    }
}

/// Whether an error says the user has not started the bot or blocked it (a private message
/// cannot reach them).
pub fn is_unreachable(e: &RequestError) -> bool {
    matches!(
        e,
        RequestError::Api(
            ApiError::BotBlocked
                | ApiError::CantInitiateConversation
                | ApiError::UserDeactivated
                | ApiError::ChatNotFound
        )
    ) || matches!(e, RequestError::Api(ApiError::Unknown(s)) if s.starts_with("Forbidden"))
}

/// The sending half of the bot: scheduled sends, direct edits and answers.
#[derive(Clone)]
pub struct Sender {
    /// Every message waits here for its turn (Telegram's per-chat, per-group and overall
    /// limits).
    pub schedule: Scheduler,
    /// The shared record of sends the scheduler writes (what a takeover has counted).
    pub(super) log: Option<SendLog>,
    /// Sends once their turn has come; edits, callback answers, deletes and lookups (not
    /// counted against the send limits).
    pub direct: Bot,
    pub token: std::sync::Arc<str>,
    /// The bot as `getMe` told (shared with the front-end): its username makes link buttons.
    pub(super) me: std::sync::Arc<std::sync::OnceLock<super::Me>>,
}

impl Sender {
    /// The bot's username; empty until `getMe` has answered (link buttons wait for it).
    pub fn bot_username(&self) -> &str {
        self.me.get().map_or("", |m| m.username.as_str())
    }

    /// Sends `reply` as one or more messages (a long one is cut), the first as an answer to
    /// `reply_to` when given. Returns the id of the last message sent.
    pub async fn send(&self, to: Place, reply: &Reply, reply_to: Option<MessageId>) -> Result<MessageId, RequestError> {
        let first = self.schedule.turn(to.lane(), Class::Answer).await;
        self.send_from(to, reply, reply_to, first, WAIT_AT_MOST).await
    }

    /// As [`Sender::send`], the first message leaving with `first`, a turn taken already;
    /// the later parts go before the chat's other messages. A 429 longer than `patience` is
    /// not waited out.
    pub(super) async fn send_from(
        &self,
        to: Place,
        reply: &Reply,
        reply_to: Option<MessageId>,
        first: Permit,
        patience: Duration,
    ) -> Result<MessageId, RequestError> {
        let mut parts = to.messages(reply, self.bot_username());
        let mut turn = Some(first);
        let mut last = None;
        if let Some(png) = &reply.image {
            // The chart first, with the text as its caption when it fits.
            let caption = parts.first().filter(|m| m.shown_len <= CAPTION_MAX && parts.len() == 1).cloned();
            let permit = self.next_turn(to, &mut turn).await;
            let sent = self.photo(to, png, caption.as_ref(), permit, patience).await?;
            last = Some(sent);
            if caption.is_some() {
                parts.clear();
            }
        }
        for (i, m) in parts.iter().enumerate() {
            let answer = if i == 0 { reply_to } else { None };
            let permit = self.next_turn(to, &mut turn).await;
            last = Some(self.message(to, m, answer, permit, patience).await?);
        }
        if let Some(unused) = turn {
            unused.unused();
        }
        last.ok_or_else(|| RequestError::Api(ApiError::MessageTextIsEmpty))
    }

    /// The turn given, or the chat's next one for the rest of a message already begun.
    async fn next_turn(&self, to: Place, given: &mut Option<Permit>) -> Permit {
        match given.take() {
            Some(p) => p,
            None => self.schedule.turn(to.lane(), Class::Continued).await,
        }
    }

    /// Sends a line of ready HTML (a note the front-end writes itself, its parts escaped),
    /// before the chat's other waiting messages.
    pub async fn send_html(&self, to: Place, html: &str) -> Result<MessageId, RequestError> {
        let m = render::Message { html: html.to_owned(), shown_len: 0, keyboard: None };
        let permit = self.schedule.turn(to.lane(), Class::Continued).await;
        self.message(to, &m, None, permit, WAIT_AT_MOST).await
    }

    /// Counts in the scheduler what another process sent lately (the shared record), once.
    pub fn taking_over(&self, recent: &[Sent]) {
        let fresh = match &self.log {
            Some(log) => log.fresh(recent),
            None => recent.iter().collect(),
        };
        for s in fresh {
            if let Ok(chat) = s.chat.parse::<i64>() {
                self.schedule.seed(Place { chat, thread: None }.lane(), s.ago);
            }
        }
    }

    async fn message(
        &self,
        to: Place,
        m: &render::Message,
        reply_to: Option<MessageId>,
        permit: Permit,
        patience: Duration,
    ) -> Result<MessageId, RequestError> {
        self.waiting_out_429(to, permit, patience, || {
            let mut req = self
                .direct
                .send_message(ChatId(to.chat), m.html.clone())
                .parse_mode(ParseMode::Html)
                .link_preview_options(no_preview());
            if let Some(t) = to.thread {
                req = req.message_thread_id(ThreadId(MessageId(t)));
            }
            if let Some(kb) = &m.keyboard {
                req = req.reply_markup(kb.clone());
            }
            if let Some(id) = reply_to {
                req = req.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
            }
            req.into_future()
        })
        .await
    }

    async fn photo(
        &self,
        to: Place,
        png: &[u8],
        caption: Option<&render::Message>,
        permit: Permit,
        patience: Duration,
    ) -> Result<MessageId, RequestError> {
        self.waiting_out_429(to, permit, patience, || {
            let mut req =
                self.direct.send_photo(ChatId(to.chat), InputFile::memory(png.to_vec()).file_name("chart.png"));
            if let Some(t) = to.thread {
                req = req.message_thread_id(ThreadId(MessageId(t)));
            }
            if let Some(c) = caption {
                req = req.caption(c.html.clone()).parse_mode(ParseMode::Html);
                if let Some(kb) = &c.keyboard {
                    req = req.reply_markup(kb.clone());
                }
            }
            req.into_future()
        })
        .await
    }

    /// Replaces a message's text and buttons (a reply that no longer fits one message keeps
    /// its first part here; the rest follow as new messages). "Not modified" is success; a
    /// message that can no longer be edited is sent anew.
    pub async fn edit(&self, to: Place, message: MessageId, reply: &Reply) -> Result<(), RequestError> {
        let parts = to.messages(reply, self.bot_username());
        let Some((first, rest)) = parts.split_first() else { return Ok(()) };
        let mut req = self
            .direct
            .edit_message_text(ChatId(to.chat), message, first.html.clone())
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_preview());
        if let Some(kb) = first.keyboard.as_ref().filter(|_| rest.is_empty()) {
            req = req.reply_markup(kb.clone());
        }
        match req.await {
            Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => {}
            Err(RequestError::Api(
                ApiError::MessageToEditNotFound | ApiError::MessageCantBeEdited | ApiError::MessageIdInvalid,
            )) => {
                self.send(to, reply, None).await?;
                return Ok(());
            }
            Err(e) => return Err(e),
        }
        for m in rest {
            let permit = self.schedule.turn(to.lane(), Class::Continued).await;
            self.message(to, m, None, permit, WAIT_AT_MOST).await?;
        }
        Ok(())
    }

    /// Shows a press's progress on the pressed message: an edit and nothing else (a message
    /// that can no longer be edited gets no new one: the final answer takes care of that),
    /// its first part when it does not fit one message.
    pub async fn edit_progress(&self, to: Place, message: MessageId, reply: &Reply) -> Result<(), RequestError> {
        let parts = to.messages(reply, self.bot_username());
        let Some(first) = parts.first() else { return Ok(()) };
        let req = self
            .direct
            .edit_message_text(ChatId(to.chat), message, first.html.clone())
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_preview());
        match req.await {
            Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Deletes a message; true if it is gone (or was already). False when the bot may not
    /// (a group where it lacks the right, a message older than 48 hours).
    pub async fn delete(&self, chat: i64, message: MessageId) -> bool {
        match self.direct.delete_message(ChatId(chat), message).await {
            Ok(_) | Err(RequestError::Api(ApiError::MessageToDeleteNotFound)) => true,
            Err(e) => {
                tracing::info!(error = %describe(&e, &self.token), "could not delete a message");
                false
            }
        }
    }
}

impl Sender {
    /// Sends what `send` makes with `permit`. A 429 holds the chat in the scheduler for its
    /// `retry_after`, and the send is made again in the chat's next turn, while tries are left
    /// and the wait is within `patience`. Any other outcome is returned.
    async fn waiting_out_429<F, Fut>(
        &self,
        to: Place,
        mut permit: Permit,
        patience: Duration,
        mut send: F,
    ) -> Result<MessageId, RequestError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<teloxide::types::Message, RequestError>>,
    {
        let mut tries = 0;
        loop {
            match send().await {
                Ok(sent) => {
                    permit.sent();
                    return Ok(sent.id);
                }
                Err(RequestError::RetryAfter(s)) => {
                    permit.refused(s.duration());
                    if tries + 1 >= RATE_LIMIT_TRIES || s.duration() > patience {
                        return Err(RequestError::RetryAfter(s));
                    }
                    tries += 1;
                    tracing::info!(wait = ?s.duration(), "Telegram asked us to slow down; the chat waits");
                    permit = self.schedule.turn(to.lane(), Class::Continued).await;
                }
                Err(e) => {
                    // It may have reached Telegram: it counts.
                    permit.sent();
                    return Err(e);
                }
            }
        }
    }
}

fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;
    use teloxide::types::InlineKeyboardButtonKind;

    use super::*;
    use crate::core::ButtonStyle;

    /// Each button of the last message: its label, and what it copies if it is a copy button.
    fn buttons(to: Place, reply: &Reply) -> Vec<(String, Option<String>)> {
        let parts = to.messages(reply, "clore_test_bot");
        let kb = parts.last().and_then(|m| m.keyboard.clone()).map(|k| k.inline_keyboard).unwrap_or_default();
        kb.into_iter()
            .flatten()
            .map(|b| {
                let copies = match b.kind {
                    InlineKeyboardButtonKind::CopyText(c) => Some(c.text),
                    _ => None,
                };
                (b.text, copies)
            })
            .collect()
    }

    #[test]
    fn copy_buttons_are_for_private_chats_only() {
        let reply = Reply::titled("Order 1001 is running")
            .with_code("ssh root@n1.clore.ai -p 10022")
            .with_code("https://n1.clore.ai:8888")
            .with_secret("SSH password for order 1001", SecretString::from("52L47RRSKydYzY53"))
            .with_button("Cancel", ButtonStyle::Danger, "tok".into());
        let private = buttons(Place { chat: 218485655, thread: None }, &reply);
        assert_eq!(
            private,
            vec![
                ("Cancel".to_owned(), None),
                ("📋 ssh root@n1.clore.ai -p 10022".to_owned(), Some("ssh root@n1.clore.ai -p 10022".to_owned())),
                ("📋 SSH password for order 1001".to_owned(), Some("52L47RRSKydYzY53".to_owned())),
            ]
        );
        let group = buttons(Place { chat: -1001293752024, thread: Some(7) }, &reply);
        assert_eq!(group, vec![("Cancel".to_owned(), None)]);
        // A deposit address: copied exactly as shown, in private only.
        let wallets = Reply::titled("Your Clore wallets").with_copy("BTC deposit address", "bc1qxy2kgdygjrsq");
        let private = buttons(Place { chat: 218485655, thread: None }, &wallets);
        assert_eq!(private, vec![("📋 BTC deposit address".to_owned(), Some("bc1qxy2kgdygjrsq".to_owned()))]);
        assert!(buttons(Place { chat: -1001293752024, thread: None }, &wallets).is_empty());
        // Nothing to copy: no buttons are made up.
        assert!(buttons(Place { chat: 218485655, thread: None }, &Reply::text("no code")).is_empty());
        // Longer than Telegram copies: no button.
        let long = Reply::text("x").with_code(format!("ssh root@{} -p 22", "h".repeat(300)));
        assert!(buttons(Place { chat: 218485655, thread: None }, &long).is_empty());
    }
}
