//! What the Telegram front-end is configured with (read from the environment by `config`).

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

#[derive(Debug)]
pub struct TelegramConfig {
    pub token: SecretString,
    pub api_url: Url,
    /// Set: webhook mode; unset: long polling.
    pub webhook_url: Option<Url>,
    pub webhook_secret: SecretString,
    /// What the bot may send (Telegram's published limits; tests raise them on both sides).
    pub limits: teloxide::adaptors::throttle::Limits,
    /// How long one `getUpdates` waits for news (long polling).
    pub poll_timeout: Duration,
}

/// Telegram's limits for bots (core.telegram.org/bots/faq): about one message a second per
/// chat, 20 a minute per group, 30 a second overall. Private chats get the per-minute cap of
/// groups too: a basic group's id does not say it is a group, and no person reads faster.
pub fn telegram_limits() -> teloxide::adaptors::throttle::Limits {
    teloxide::adaptors::throttle::Limits {
        messages_per_sec_chat: 1,
        messages_per_min_chat: 20,
        messages_per_min_channel_or_supergroup: 20,
        messages_per_sec_overall: 30,
    }
}
