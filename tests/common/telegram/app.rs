//! The bot on the simulator, long polling a [`FakeTelegram`], and what a test does with it:
//! users writing to it privately or in a group, pressing buttons, asking inline, and the
//! waits for what it sends back. Update ids count up from one number and message ids from
//! another, so that every update a test pushes is new to the bot.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use clorebot::alerts::deliver;
use clorebot::domain::Platform;
use clorebot::frontends::telegram::Telegram;
use clorebot::store::crypto::SecretKind;
use clorebot::store::{secrets, users};
use secrecy::SecretString;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::{Call, FakeTelegram, Limits, bot_config, updates as up};
use crate::common::{KEY, TestApp, WAIT, test_app};

pub struct TelegramApp {
    pub t: TestApp,
    pub fake: FakeTelegram,
    pub tg: Arc<Telegram>,
    stop: CancellationToken,
    update: AtomicI64,
    message: AtomicI64,
}

impl Drop for TelegramApp {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

impl TelegramApp {
    /// The bot with the limits raised (for tests about something else than throughput).
    pub async fn start() -> TelegramApp {
        TelegramApp::start_with(Limits::RAISED, clorebot::config::MAX_WAITING).await
    }

    /// The bot and the fake both keeping to `limits`, with at most `max_waiting` of work
    /// waiting; returned once it polls.
    pub async fn start_with(limits: Limits, max_waiting: usize) -> TelegramApp {
        let t = test_app().await;
        let fake = FakeTelegram::start(limits).await;
        let tg = Telegram::new(t.core.clone(), bot_config(&fake, limits, max_waiting, None)).unwrap();
        let stop = CancellationToken::new();
        tokio::spawn(clorebot::app::telegram::run(tg.clone(), t.core.deps.pool.clone(), false, stop.clone()));
        fake.wait_for(WAIT, |c| c.iter().any(|c| c.method == "getUpdates")).await;
        let (update, message) = (AtomicI64::new(892252934), AtomicI64::new(6557));
        TelegramApp { t, fake, tg, stop, update, message }
    }

    /// Stops the bot polling (as its process going would).
    pub fn stop(&self) {
        self.stop.cancel();
    }

    /// A new update id.
    pub fn next(&self) -> i64 {
        self.update.fetch_add(1, Ordering::Relaxed)
    }

    /// A new update id and a new message id.
    pub fn ids(&self) -> (i64, i64) {
        (self.next(), self.message.fetch_add(1, Ordering::Relaxed))
    }

    /// `user` writes `text` to the bot privately; returns the message id.
    pub fn private(&self, user: i64, text: &str) -> i64 {
        let (u, m) = self.ids();
        self.fake.push(up::private(u, m, user, text));
        m
    }

    /// `user`, whose app is in `language`, writes `text` to the bot privately; returns the
    /// message id.
    pub fn private_in(&self, user: i64, language: &str, text: &str) -> i64 {
        let (u, m) = self.ids();
        let mut update = up::private(u, m, user, text);
        update["message"]["from"]["language_code"] = json!(language);
        self.fake.push(update);
        m
    }

    /// `user` writes `text` in the group `chat`; returns the message id.
    pub fn group(&self, chat: i64, user: i64, text: &str) -> i64 {
        let (u, m) = self.ids();
        self.fake.push(up::group(u, m, chat, user, text));
        m
    }

    /// `user` presses the button with callback data `data` on message `message` in `chat`.
    pub fn press(&self, user: i64, chat: i64, message: i64, data: &str) {
        self.fake.push(up::press(self.next(), user, chat, message, data));
    }

    /// `user` presses the button of `message` whose label starts with `label`.
    pub fn press_button(&self, user: i64, chat: i64, message: &Call, label: &str) {
        self.press(user, chat, message.message_id.unwrap(), &message.button(label));
    }

    /// `user`, whose app is in `language`, types `@bot query` in a supergroup.
    pub fn inline(&self, user: i64, language: &str, query: &str) {
        self.fake.push(up::inline_query(self.next(), user, language, "supergroup", query));
    }

    /// Waits until `chat` has `n` messages, and returns them.
    pub async fn sent_to(&self, chat: i64, n: usize) -> Vec<Call> {
        self.fake.wait_for(WAIT, |_| self.fake.sent_to(chat).len() >= n).await;
        self.fake.sent_to(chat)
    }

    /// Waits for the `n`th message to `chat` (from 1).
    pub async fn nth_to(&self, chat: i64, n: usize) -> Call {
        self.sent_to(chat, n).await[n - 1].clone()
    }

    /// The `n`th edit of a message in `chat` (from 1).
    pub async fn nth_edit_in(&self, chat: i64, n: usize) -> Call {
        let edits =
            || -> Vec<Call> { self.fake.ok("editMessageText").into_iter().filter(|c| c.chat() == chat).collect() };
        self.fake.wait_for(WAIT, |_| edits().len() >= n).await;
        edits()[n - 1].clone()
    }

    /// The `n`th inline answer (from 1).
    pub async fn nth_answer(&self, n: usize) -> Call {
        self.fake.nth("answerInlineQuery", n).await
    }

    /// Waits for a press to be answered with a toast that contains `text`.
    pub async fn toast(&self, text: &str) {
        let toasted =
            |c: &Call| c.method == "answerCallbackQuery" && c.body["text"].as_str().is_some_and(|t| t.contains(text));
        self.fake.wait_for(WAIT, |c| c.iter().any(toasted)).await;
    }

    /// Telegram user `user` (Waffle, reachable in their private chat), with the simulator
    /// account's Clore API key stored.
    pub async fn keyed(&self, user: i64) -> users::User {
        let id = user.to_string();
        let pool = &self.t.core.deps.pool;
        let u = users::upsert_user_reachable(pool, Platform::Telegram, &id, "Waffle", Some(&id)).await.unwrap();
        secrets::put(pool, &self.t.core.deps.keyring, u.id, SecretKind::CloreApiKey, &SecretString::from(KEY))
            .await
            .unwrap();
        u
    }

    /// The simulator's `server` drops to `usd`, and the alert engine polls the market (the
    /// alerts it makes wait in the outbox).
    pub async fn price_drop(&self, server: u64, usd: f64) {
        self.t.set_price(server, usd).await;
        self.t.engine.poll_market().await.unwrap();
    }

    /// Delivers the outbox through the bot's notifier until nothing is left; how many went.
    pub async fn deliver(&self) -> usize {
        let n = self.tg.notifier();
        let mut total = 0;
        loop {
            let k = deliver::deliver_once(&self.t.core.deps.pool, &n).await.unwrap();
            total += k;
            if k == 0 {
                return total;
            }
        }
    }

    /// Waits for the bot to take every update pushed and finish handling it, then says what
    /// was sent since `before`.
    pub async fn quiet_since(&self, before: usize) -> Vec<Call> {
        self.fake.handed_on().await;
        self.tg.finish().await;
        self.fake.calls()[before..].iter().filter(|c| c.method.starts_with("send")).cloned().collect()
    }

    /// A free server of the market the bot sees.
    pub async fn free_server(&self) -> u64 {
        let snap = self.t.core.deps.market.get().await.unwrap();
        snap.servers.iter().find(|s| !s.rented && s.price(Default::default(), false).is_some()).unwrap().id.0
    }
}
