//! What the Telegram front-end is configured with (read from the environment by `config`).

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::notify::schedule::{Limits, Rate};

#[derive(Debug)]
pub struct TelegramConfig {
    pub token: SecretString,
    pub api_url: Url,
    /// Set: webhook mode; unset: long polling.
    pub webhook_url: Option<Url>,
    pub webhook_secret: SecretString,
    /// What the bot may send (Telegram's published limits; tests raise them on both sides).
    pub limits: Limits,
    /// Work waiting past which updates are refused for Telegram to hold (the webhook answers
    /// 503, long polling stops fetching): updates in hand plus alerts waiting to be sent.
    pub max_waiting: usize,
    /// How long one `getUpdates` waits for news (long polling).
    pub poll_timeout: Duration,
}

/// Telegram's limits for bots (core.telegram.org/bots/faq, "My bot is hitting limits, how do
/// I avoid this?"): about one message a second per chat, no more than 20 a minute to a group,
/// about 30 a second overall. Groups are the chats with negative ids.
pub fn telegram_limits() -> Limits {
    Limits {
        per_chat: Rate::new(1, Duration::from_secs(1)),
        per_group: Some(Rate::new(20, Duration::from_secs(60))),
        overall: Rate::new(30, Duration::from_secs(1)),
    }
}

/// The default of [`TelegramConfig::max_waiting`]: a few MB of updates and replies, and more
/// than a minute of Telegram's 30 messages a second.
pub const MAX_WAITING: usize = 2000;
