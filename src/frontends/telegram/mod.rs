//! The Telegram front-end (DESIGN §11): updates in — by long polling, or on
//! `POST /telegram/webhook` when a webhook URL is set — core calls, and replies out as HTML
//! messages with inline keyboards. Private answers to a command given in a group go to the
//! user's private chat, and the group gets a one-line note. Alerts go out through
//! [`TelegramNotifier`]. Like every front-end it only translates.

mod config;
pub mod render;
pub mod send;
mod webhook;

pub use config::{TelegramConfig, telegram_limits};
use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Settings;
use teloxide::payloads::setters::*;
use teloxide::requests::{Request, Requester};
use teloxide::types::{
    AllowedUpdate, BotCommand, CallbackQuery, Chat, ChatMemberUpdated, MaybeInaccessibleMessage, Message, MessageId,
    Update, UpdateKind, User, UserId,
};
use teloxide::{ApiError, Bot, RequestError};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use url::Url;

pub use send::{Place, Sender};

use crate::core::{Caller, ChatKind, ChatRef, Core, Frontend, Identity, Platform, Reply, Visibility, command, help};
use crate::domain::Reach;
use crate::i18n::{self, Lang};
use crate::notify::{Notifier, SendError, SendWindows, Target};
use crate::t;

/// The updates we act on; Telegram remembers the list, so it is sent with every request.
const ALLOWED: [AllowedUpdate; 3] = [AllowedUpdate::Message, AllowedUpdate::CallbackQuery, AllowedUpdate::MyChatMember];
/// Telegram's GroupAnonymousBot: the sender of an anonymous group admin's messages.
const ANONYMOUS_ADMIN: u64 = 1087968824;
/// Update ids remembered to drop a webhook delivery Telegram repeats.
const SEEN_MAX: usize = 4096;
/// The bot as Telegram knows it (`getMe`).
#[derive(Debug, Clone)]
pub struct Me {
    pub id: u64,
    pub username: String,
}

pub struct Telegram {
    core: Arc<Core>,
    pub sender: Sender,
    /// For `getUpdates`: its HTTP timeout outlasts the long poll.
    poll_bot: Bot,
    webhook_url: Option<Url>,
    webhook_secret: SecretString,
    poll_timeout: Duration,
    me: OnceLock<Me>,
    seen: Mutex<Seen>,
    /// Updates being handled: shutdown lets them finish.
    tasks: TaskTracker,
    frontend: Arc<TelegramFrontend>,
}

#[derive(Default)]
struct Seen {
    order: VecDeque<u32>,
    set: HashSet<u32>,
}

impl Seen {
    /// True the first time an update id is offered.
    fn first(&mut self, id: u32) -> bool {
        if !self.set.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > SEEN_MAX
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        true
    }
}

fn bot(token: &str, api_url: &Url, timeout: Duration) -> anyhow::Result<Bot> {
    let client = teloxide::net::default_reqwest_settings().timeout(timeout).build()?;
    Ok(Bot::with_client(token, client).set_api_url(api_url.clone()))
}

impl Telegram {
    /// Builds the front-end (no request is made yet: `app::telegram::run` starts it). Needs a
    /// Tokio runtime: the send throttle runs as a task.
    pub fn new(core: Arc<Core>, cfg: TelegramConfig) -> anyhow::Result<Arc<Telegram>> {
        let token = cfg.token.expose_secret();
        let direct = bot(token, &cfg.api_url, Duration::from_secs(17))?;
        let poll_bot = bot(token, &cfg.api_url, cfg.poll_timeout + Duration::from_secs(15))?;
        // No automatic resend on 429: the caller is told how long to wait (and the throttle
        // holds every send back for that long).
        let throttled =
            Throttle::spawn_with_settings(direct.clone(), Settings::default().limits(cfg.limits).no_retry());
        let sender = Sender { throttled, direct: direct.clone(), token: Arc::from(token) };
        Ok(Arc::new(Telegram {
            core,
            frontend: Arc::new(TelegramFrontend { bot: direct, token: Arc::from(token) }),
            sender,
            poll_bot,
            webhook_url: cfg.webhook_url,
            webhook_secret: cfg.webhook_secret,
            poll_timeout: cfg.poll_timeout,
            me: OnceLock::new(),
            seen: Mutex::new(Seen::default()),
            tasks: TaskTracker::new(),
        }))
    }

    /// The bot's identity, once `getMe` has answered.
    pub fn me(&self) -> Option<&Me> {
        self.me.get()
    }

    /// Whether updates come by long polling (else by webhook).
    pub fn polls(&self) -> bool {
        self.webhook_url.is_none()
    }

    /// The notifier that sends this platform's alerts.
    pub fn notifier(&self) -> TelegramNotifier {
        TelegramNotifier {
            sender: self.sender.clone(),
            core: self.core.clone(),
            groups: Arc::new(Mutex::new(group_windows())),
        }
    }

    /// `POST /telegram/webhook`, when a webhook URL is configured.
    pub fn webhook_router(self: &Arc<Self>) -> Option<axum::Router> {
        self.webhook_url.is_some().then(|| webhook::router(self.clone()))
    }

    /// Sets the webhook (with its secret) that Telegram posts updates to; the HTTP listener
    /// feeds them in through [`Telegram::webhook_router`].
    pub async fn set_webhook(&self) -> anyhow::Result<()> {
        let Some(url) = &self.webhook_url else { anyhow::bail!("no webhook URL is configured") };
        self.direct_call(
            self.sender
                .direct
                .set_webhook(url.clone())
                .secret_token(self.webhook_secret.expose_secret().to_owned())
                .allowed_updates(ALLOWED),
        )
        .await
        .map_err(|e| anyhow::anyhow!("setWebhook failed: {e}"))?;
        tracing::info!(url = %url, "Telegram sends updates to the webhook");
        Ok(())
    }

    /// Waits for the updates being handled to finish (at shutdown, or when this process stops
    /// polling).
    pub async fn finish(&self) {
        self.tasks.close();
        self.tasks.wait().await;
        self.tasks.reopen();
    }

    async fn direct_call<R>(&self, req: R) -> Result<<R::Payload as teloxide::requests::Payload>::Output, String>
    where
        R: Request<Err = RequestError>,
    {
        req.send().await.map_err(|e| send::describe(&e, &self.sender.token))
    }

    /// `getMe` and `setMyCommands`: the command menu in English for everyone, and in each
    /// other language for the users whose app is set to it.
    pub async fn introduce(&self) -> anyhow::Result<()> {
        let me = match self.sender.direct.get_me().await {
            Ok(me) => me,
            Err(RequestError::Api(ApiError::InvalidToken)) => {
                anyhow::bail!("Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped? ask @BotFather)")
            }
            Err(e) => anyhow::bail!("getMe failed: {}", send::describe(&e, &self.sender.token)),
        };
        let username = me.user.username.clone().unwrap_or_default();
        tracing::info!(username = %username, "connected to Telegram");
        let _ = self.me.set(Me { id: me.user.id.0, username });
        for lang in Lang::ALL {
            let req = self.sender.direct.set_my_commands(menu(lang));
            // English is the default menu: for every language without one of its own.
            let req = if lang == Lang::En { req } else { req.language_code(lang.code()) };
            if let Err(e) = self.direct_call(req).await {
                // The menu is a convenience: commands work without it.
                tracing::warn!(error = %e, %lang, "setMyCommands failed; the command menu may be out of date");
            }
        }
        Ok(())
    }

    /// Long polling: `deleteWebhook`, then `getUpdates` in a loop, each update handed on as it
    /// comes; the offset moves past an update only once it is handed on. Returns when told to
    /// stop (`stop` is cancelled too when the polling lock is lost).
    pub async fn poll(self: &Arc<Self>, stop: &CancellationToken) -> anyhow::Result<()> {
        self.direct_call(self.sender.direct.delete_webhook())
            .await
            .map_err(|e| anyhow::anyhow!("deleteWebhook failed: {e}"))?;
        tracing::info!("Telegram front-end is long polling for updates");
        let mut offset = 0i32;
        let mut failures = 0u32;
        loop {
            let req = self
                .poll_bot
                .get_updates()
                .offset(offset)
                .timeout(self.poll_timeout.as_secs() as u32)
                .allowed_updates(ALLOWED);
            let got = tokio::select! {
                _ = stop.cancelled() => return Ok(()),
                r = req.send() => r,
            };
            let pause = match got {
                Ok(updates) => {
                    failures = 0;
                    for u in updates {
                        offset = u.id.as_offset();
                        self.dispatch(u);
                    }
                    continue;
                }
                Err(RequestError::RetryAfter(s)) => s.duration(),
                Err(RequestError::Api(ApiError::InvalidToken)) => {
                    anyhow::bail!("Telegram rejected TELEGRAM_BOT_TOKEN")
                }
                Err(e) => {
                    failures += 1;
                    let pause = crate::retry::doubled(Duration::from_secs(1), failures.min(6), Duration::from_secs(60));
                    tracing::warn!(error = %send::describe(&e, &self.sender.token), retry_in = ?pause, "getUpdates failed");
                    if matches!(e, RequestError::Api(ApiError::CantGetUpdates)) {
                        // A webhook is set (by another deployment?): polling needs it gone.
                        let _ = self.sender.direct.delete_webhook().await;
                    }
                    pause
                }
            };
            tokio::select! {
                _ = stop.cancelled() => return Ok(()),
                _ = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Hands an update to a task of its own (once: a repeated update id is dropped).
    pub fn dispatch(self: &Arc<Self>, update: Update) {
        if !self.seen.lock().unwrap_or_else(|p| p.into_inner()).first(update.id.0) {
            tracing::debug!(update = update.id.0, "update seen already; dropped");
            return;
        }
        let received = Instant::now();
        let this = self.clone();
        self.tasks.spawn(async move { this.handle(update, received).await });
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
        let pressed = self.core.press(&caller, token).await;
        answered(received, "press");
        answer(pressed.toast.clone()).await;
        let place = Place { chat: source.chat().id.0, thread };
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

    /// Sends a command's or a press's replies. In a group, private ones go to the user's
    /// private chat and the group gets one line about it — or, when the user never started
    /// the bot, how to; a private reply is then sent nowhere. `secret` is set when the command
    /// held a secret: whether its message could be deleted.
    /// `received`: when the update came in, to measure until the first reply is issued.
    async fn answer(
        &self,
        caller: &Caller,
        me: &Me,
        replies: Vec<Reply>,
        answer_to: Option<MessageId>,
        secret: Option<bool>,
        mut received: Option<Instant>,
    ) {
        let here = Place {
            chat: caller.chat.chat_id.parse().unwrap_or_default(),
            thread: caller.chat.thread_id.as_deref().and_then(|t| t.parse().ok()),
        };
        // An anonymous admin (the group's own id) has no private chat.
        let private = caller.who.user_id.parse::<i64>().ok().filter(|id| *id > 0);
        let (mut sent_privately, mut unreachable) = (false, false);
        for r in &replies {
            if let Some(at) = received.take() {
                answered(at, "message");
            }
            let to_user = r.visibility == Visibility::Private && !caller.in_private();
            let result = match (to_user, private) {
                (false, _) => self.sender.send(here, r, answer_to).await,
                (true, _) if unreachable => continue,
                (true, None) => {
                    unreachable = true;
                    continue;
                }
                (true, Some(user)) => match self.sender.send(Place { chat: user, thread: None }, r, None).await {
                    Ok(id) => {
                        sent_privately = true;
                        Ok(id)
                    }
                    Err(e) if send::is_unreachable(&e) => {
                        unreachable = true;
                        continue;
                    }
                    Err(e) => Err(e),
                },
            };
            if let Err(e) = result {
                let e = send::describe(&e, &self.sender.token);
                tracing::warn!(chat = here.chat, error = %e, "could not send a reply");
            }
        }
        if caller.in_private() || !(sent_privately || unreachable || secret.is_some()) {
            return;
        }
        let lang = self.core.lang_of(caller).await;
        let note = i18n::sync_scope(lang, || group_note(caller, me, unreachable, sent_privately, secret));
        if let Err(e) = self.sender.send_html(here, &note).await {
            tracing::warn!(chat = here.chat, error = %send::describe(&e, &self.sender.token), "could not send a note");
        }
    }
}

/// The group's note about an answer that went elsewhere (see [`Telegram::answer`]), in HTML.
fn group_note(caller: &Caller, me: &Me, unreachable: bool, sent_privately: bool, secret: Option<bool>) -> String {
    let who = render::mention(&caller.who.user_id, &caller.who.display_name);
    let mut note = if unreachable {
        let bot = format!("<a href=\"https://t.me/{0}\">@{0}</a>", render::escape(&me.username));
        t!("telegram-note-not-started", who = who, bot = bot)
    } else if sent_privately {
        t!("telegram-note-sent-privately", who = who)
    } else {
        who
    };
    let mut add = |more: String| {
        note.push(' ');
        note.push_str(&more);
    };
    match secret {
        Some(true) => add(t!("telegram-note-deleted")),
        Some(false) => add(t!("telegram-note-not-deleted")),
        None => {}
    }
    if secret.is_some() && !sent_privately {
        add(t!("telegram-note-revoke-key"));
    }
    note
}

/// The command menu in `lang`: every command with its summary.
fn menu(lang: Lang) -> Vec<BotCommand> {
    help::COMMANDS.iter().map(|c| BotCommand::new(c.name, help::summary_in(lang, c.name))).collect()
}

/// Records how long an update took until its answer was issued (handed to the send queue,
/// which may hold it back to keep to Telegram's limits).
fn answered(received: Instant, update: &'static str) {
    metrics::histogram!("clorebot_telegram_answer_seconds", "update" => update)
        .record(received.elapsed().as_secs_f64());
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

/// What only Telegram can answer for the core.
pub struct TelegramFrontend {
    bot: Bot,
    token: Arc<str>,
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
    sender: Sender,
    core: Arc<Core>,
    /// Sends to groups (negative ids); private chats keep to one a second in the queue.
    groups: Arc<Mutex<SendWindows>>,
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
    use super::*;

    #[test]
    fn our_own_name_is_taken_off_a_command() {
        assert_eq!(without_own_name("/gpus@Clore_Bot 4090 x2", "clore_bot"), "/gpus 4090 x2");
        assert_eq!(without_own_name("/help@clore_bot", "clore_bot"), "/help");
        assert_eq!(without_own_name("/help@other_bot", "clore_bot"), "/help@other_bot");
        assert_eq!(without_own_name("/watch a@clore_bot", "clore_bot"), "/watch a@clore_bot");
    }

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
