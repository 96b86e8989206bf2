//! Updates in: each is handed to a task of its own and turned into a core call — a message
//! (a command), a button press, an inline query, or the bot's own membership changing —
//! with the [`Caller`] it comes from.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use teloxide::payloads::setters::*;
use teloxide::requests::Requester;
use teloxide::types::{
    CallbackQuery, Chat, ChatMemberUpdated, MaybeInaccessibleMessage, Message, Update, UpdateKind, User,
};
use teloxide::{ApiError, RequestError};

use super::answers::answered;
use super::{Me, Place, Telegram, send};
use crate::core::{Caller, ChatKind, ChatRef, Identity, Platform, command, help};
use crate::domain::Reach;
use crate::i18n;
use crate::t;

/// Telegram's GroupAnonymousBot: the sender of an anonymous group admin's messages.
const ANONYMOUS_ADMIN: u64 = 1087968824;

impl Telegram {
    /// Hands an update to a task of its own (once: a repeated update id is dropped).
    pub fn dispatch(self: &Arc<Self>, update: Update) {
        if !self.seen.lock().unwrap_or_else(|p| p.into_inner()).first(update.id.0) {
            tracing::debug!(update = update.id.0, "update seen already; dropped");
            return;
        }
        self.handle_recorded(update, false);
    }

    /// Handles an update in a task of its own, and marks it done in the inbox at the end.
    /// `recovered`: a dead process had taken it (see [`crate::core::recovered`]).
    pub(super) fn handle_recorded(self: &Arc<Self>, update: Update, recovered: bool) {
        let received = Instant::now();
        let this = self.clone();
        let in_hand = self.load.hold();
        let id = update.id.0;
        self.tasks.spawn(async move {
            let handled = this.handle(update, received);
            if recovered {
                crate::core::recovered(handled).await;
            } else {
                handled.await;
            }
            this.done(id).await;
            drop(in_hand);
        });
    }

    async fn handle(&self, update: Update, received: Instant) {
        let Some(me) = self.me.get() else {
            tracing::warn!(update = update.id.0, "an update before the bot knows who it is; dropped");
            return;
        };
        match update.kind {
            UpdateKind::Message(m) => self.on_message(me, m, received).await,
            UpdateKind::CallbackQuery(q) => self.on_press(q, received).await,
            UpdateKind::MyChatMember(c) => self.on_membership(me, c).await,
            UpdateKind::InlineQuery(q) => self.on_inline_query(me, q, received).await,
            UpdateKind::Error(raw) => {
                // Its keys only: the body may hold what a user typed (a key, a password).
                let keys: Vec<&str> =
                    raw.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
                tracing::debug!(update = update.id.0, keys = ?keys, "update of a shape teloxide does not read; ignored")
            }
            other => tracing::debug!(update = update.id.0, kind = ?std::mem::discriminant(&other), "update ignored"),
        }
    }

    async fn on_message(&self, me: &Me, m: Message, received: Instant) {
        if let Some(to) = m.migrate_to_chat_id() {
            self.core.chat_migrated(Platform::Telegram, &m.chat.id.0.to_string(), &to.0.to_string()).await;
            return;
        }
        let Some(from) = m.from.as_ref() else { return };
        let anonymous_admin = from.id.0 == ANONYMOUS_ADMIN && m.sender_chat.as_ref().is_some_and(|s| s.id == m.chat.id);
        // Other bots, channel posts, a linked channel's forwards, people posting as a channel.
        if (from.is_bot && !anonymous_admin) || m.chat.is_channel() || (m.sender_chat.is_some() && !anonymous_admin) {
            tracing::debug!(chat = m.chat.id.0, "message from a bot or a channel; ignored");
            return;
        }
        let Some(text) = m.text() else {
            tracing::debug!(chat = m.chat.id.0, "message without text (photo, sticker, …); ignored");
            return;
        };
        let caller = self.caller(from, &m.chat, topic(&m), anonymous_admin);
        if command::addressed_elsewhere(text, Some(&me.username)) {
            return;
        }
        // In a group people talk, and other bots have commands: only ours are answered.
        if !caller.in_private() && !is_our_command(text) {
            return;
        }
        // A chat sending faster than it can be answered: dropped before any work is done.
        let Some(_answering) = self.take_in(&caller, Place { chat: m.chat.id.0, thread: topic(&m) }).await else {
            return;
        };
        let response = self.core.handle_text(&caller, &without_own_name(text, &me.username)).await;
        let deleted = response.delete_trigger && self.sender.delete(m.chat.id.0, m.id).await;
        let answer_to = (!response.delete_trigger && !caller.in_private()).then_some(m.id);
        let secret = response.delete_trigger.then_some(deleted);
        self.answer(&caller, me, response.replies, answer_to, secret, Some(received)).await;
    }

    async fn on_press(&self, q: CallbackQuery, received: Instant) {
        let Some(me) = self.me.get() else { return };
        let answer = |text: Option<String>| {
            let mut req = self.sender.direct.answer_callback_query(q.id.clone());
            if let Some(t) = text {
                req = req.text(t);
            }
            async move {
                match req.await {
                    Ok(_) | Err(RequestError::Api(ApiError::InvalidQueryId)) => {}
                    Err(e) => {
                        tracing::info!(error = %send::describe(&e, &self.sender.token), "answerCallbackQuery failed")
                    }
                }
            }
        };
        let (Some(token), Some(source)) = (q.data.as_deref(), q.message.as_ref()) else {
            // No chat to read a choice for: the app's language.
            let lang = i18n::resolve([q.from.language_code.as_deref()]);
            answer(Some(i18n::sync_scope(lang, || t!("telegram-button-unusable")))).await;
            return;
        };
        let thread = match source {
            MaybeInaccessibleMessage::Regular(m) => topic(m),
            MaybeInaccessibleMessage::Inaccessible(_) => None,
        };
        let caller = self.caller(&q.from, source.chat(), thread, false);
        let place = Place { chat: source.chat().id.0, thread };
        // A long press (a set of rents) shows how far it got by editing the pressed message,
        // at the pace Telegram allows messages to the chat; the first such edit answers the
        // callback, so the button stops spinning.
        let every = self.sender.schedule.limits().spacing(place.lane().group);
        let answered_early = AtomicBool::new(false);
        let pressed = self
            .core
            .press_showing(&caller, token, every, |r| {
                let first = !answered_early.swap(true, Ordering::Relaxed);
                let spinner = first.then(|| answer(None));
                async move {
                    if let Some(a) = spinner {
                        answered(received, "press");
                        a.await;
                    }
                    if let Err(e) = self.sender.edit_progress(place, source.id(), &r).await {
                        tracing::info!(error = %send::describe(&e, &self.sender.token), "could not show a press's progress");
                    }
                }
            })
            .await;
        if !answered_early.load(Ordering::Relaxed) {
            answered(received, "press");
            answer(pressed.toast.clone()).await;
        }
        if let Some(r) = &pressed.replace_source
            && let Err(e) = self.sender.edit(place, source.id(), r).await
        {
            tracing::warn!(error = %send::describe(&e, &self.sender.token), "could not update the pressed message");
        }
        self.answer(&caller, me, pressed.replies, None, None, None).await;
    }

    /// The bot was added to, removed from, or blocked in a chat.
    async fn on_membership(&self, me: &Me, c: ChatMemberUpdated) {
        if c.new_chat_member.user.id.0 != me.id {
            return;
        }
        let reach = if c.new_chat_member.is_present() { Reach::Reachable } else { Reach::Gone };
        let chat = c.chat.id.0.to_string();
        self.core.chat_reach(Platform::Telegram, &chat, chat_kind(&c.chat), c.chat.title().unwrap_or(""), reach).await;
    }

    /// The caller of an update. A group's anonymous admins all post as GroupAnonymousBot:
    /// they become one user per group, whose id is the group's (no person's id is negative).
    fn caller(&self, from: &User, chat: &Chat, thread: Option<i32>, anonymous_admin: bool) -> Caller {
        let (user_id, display_name) = if anonymous_admin {
            // A group always has a title; the fallback is named before any language is known.
            (chat.id.0.to_string(), chat.title().map_or_else(|| t!("telegram-group-admin"), str::to_owned))
        } else {
            (from.id.0.to_string(), from.full_name())
        };
        Caller {
            who: Identity { platform: Platform::Telegram, user_id, display_name, locale: from.language_code.clone() },
            chat: ChatRef {
                platform: Platform::Telegram,
                chat_id: chat.id.0.to_string(),
                kind: chat_kind(chat),
                guild_id: None,
                thread_id: thread.map(|t| t.to_string()),
            },
            chat_title: chat.title().unwrap_or("").to_owned(),
            frontend: self.frontend.clone(),
        }
    }
}

/// Only a real forum topic gives a thread to answer in: in other supergroups a reply also
/// carries `message_thread_id`.
fn topic(m: &Message) -> Option<i32> {
    if m.is_topic_message { m.thread_id.map(|t| t.0.0) } else { None }
}

fn chat_kind(chat: &Chat) -> ChatKind {
    if chat.is_private() {
        ChatKind::Dm
    } else if chat.is_channel() {
        ChatKind::Channel
    } else {
        ChatKind::Group
    }
}

/// `/gpus@thisbot 4090` as `/gpus 4090`: the core then never sees a name it might compare
/// with another (the console's `CLOREBOT_BOT_USERNAME`).
fn without_own_name(text: &str, own: &str) -> String {
    let trimmed = text.trim_start();
    let head_len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    let (head, rest) = trimmed.split_at(head_len);
    match head.split_once('@') {
        Some((cmd, to)) if cmd.starts_with('/') && to.eq_ignore_ascii_case(own) => format!("{cmd}{rest}"),
        _ => text.to_owned(),
    }
}

/// A command of ours (`/gpus`, `/gpus@thisbot`): in groups everything else is left alone.
fn is_our_command(text: &str) -> bool {
    command::name(text).is_some_and(|n| help::find(&n).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_name_is_taken_off_a_command() {
        assert_eq!(without_own_name("/gpus@Clore_Bot 4090 x2", "clore_bot"), "/gpus 4090 x2");
        assert_eq!(without_own_name("/help@clore_bot", "clore_bot"), "/help");
        assert_eq!(without_own_name("/help@other_bot", "clore_bot"), "/help@other_bot");
        assert_eq!(without_own_name("/watch a@clore_bot", "clore_bot"), "/watch a@clore_bot");
    }
}
