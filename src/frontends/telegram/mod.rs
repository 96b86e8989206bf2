//! The Telegram front-end (docs/telegram.md): updates in — by long polling, or on
//! `POST /telegram/webhook` when a webhook URL is set — core calls, and replies out as HTML
//! messages with inline keyboards. Private answers to a command given in a group go to the
//! user's private chat, and the group gets a one-line note. Alerts go out through
//! [`TelegramNotifier`]. Like every front-end it only translates.
//!
//! Here: the [`Telegram`] front-end, its constructor and accessors. Updates come in through
//! `poll` (or `webhook`), become core calls in `updates`, and their replies go out in
//! `answers`; inline queries are answered in `inline`; alerts leave through `notifier`. `render` and `send` shape and send messages.

mod answers;
mod config;
mod inbox;
mod inline;
mod load;
mod notifier;
mod poll;
pub mod render;
pub mod send;
mod updates;
mod webhook;

pub use config::{MAX_WAITING, TelegramConfig, telegram_limits};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use teloxide::Bot;
use tokio_util::task::TaskTracker;
use url::Url;

pub use inline::{CACHE_SECS as INLINE_CACHE_SECS, rent_link};
pub use notifier::{TelegramFrontend, TelegramNotifier};
pub use send::{Place, Sender};

use crate::core::Core;
use crate::domain::Platform;
use crate::notify::record::SendLog;
use crate::notify::schedule::Scheduler;
use load::Load;
use poll::Seen;

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
    /// Shared with the sender, whose link buttons need the username.
    me: Arc<OnceLock<Me>>,
    seen: Mutex<Seen>,
    /// Updates being handled: shutdown lets them finish.
    tasks: TaskTracker,
    /// How many, against the bound past which updates are refused.
    load: Arc<Load>,
    frontend: Arc<TelegramFrontend>,
}

/// A Bot API client for `token` at `api_url` (also what `clorebot doctor` asks with).
pub fn bot(token: &str, api_url: &Url, timeout: Duration) -> anyhow::Result<Bot> {
    let client = teloxide::net::default_reqwest_settings().timeout(timeout).build()?;
    Ok(Bot::with_client(token, client).set_api_url(api_url.clone()))
}

impl Telegram {
    /// Builds the front-end (no request is made yet: `app::telegram::run` starts it). Needs a
    /// Tokio runtime: the send scheduler and the writer of the record of sends run as tasks.
    pub fn new(core: Arc<Core>, cfg: TelegramConfig) -> anyhow::Result<Arc<Telegram>> {
        let token = cfg.token.expose_secret();
        let direct = bot(token, &cfg.api_url, Duration::from_secs(17))?;
        let poll_bot = bot(token, &cfg.api_url, cfg.poll_timeout + Duration::from_secs(15))?;
        let log = SendLog::start(core.deps.pool.clone(), Platform::Telegram);
        let schedule = Scheduler::start(cfg.limits, Some(log.clone()));
        let me = Arc::new(OnceLock::new());
        let sender =
            Sender { schedule, log: Some(log), direct: direct.clone(), token: Arc::from(token), me: me.clone() };
        Ok(Arc::new(Telegram {
            core,
            frontend: Arc::new(TelegramFrontend { bot: direct, token: Arc::from(token) }),
            sender,
            poll_bot,
            webhook_url: cfg.webhook_url,
            webhook_secret: cfg.webhook_secret,
            poll_timeout: cfg.poll_timeout,
            me,
            seen: Mutex::new(Seen::default()),
            tasks: TaskTracker::new(),
            load: Arc::new(Load::new(cfg.max_waiting)),
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
        TelegramNotifier { sender: self.sender.clone(), core: self.core.clone() }
    }

    /// `POST /telegram/webhook`, when a webhook URL is configured.
    pub fn webhook_router(self: &Arc<Self>) -> Option<axum::Router> {
        self.webhook_url.is_some().then(|| webhook::router(self.clone()))
    }

    /// Waits for the updates being handled to finish (at shutdown, or when this process stops
    /// polling).
    pub async fn finish(&self) {
        self.tasks.close();
        self.tasks.wait().await;
        self.tasks.reopen();
    }
}
