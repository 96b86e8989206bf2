//! Who and where: the platform a user or chat lives on, the kind of chat, a person and a
//! chat as a front-end names them. Plain values; what only a platform can answer is asked
//! through `core::Frontend`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where a user or chat lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Telegram,
    Discord,
    Console,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Telegram => "telegram",
            Platform::Discord => "discord",
            Platform::Console => "console",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Platform {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "telegram" => Ok(Platform::Telegram),
            "discord" => Ok(Platform::Discord),
            "console" => Ok(Platform::Console),
            other => Err(format!("unknown platform {other:?}")),
        }
    }
}

impl TryFrom<String> for Platform {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// A private chat with the bot, a group (Telegram group, Discord server channel) or a
/// broadcast channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatKind {
    Dm,
    Group,
    Channel,
}

impl ChatKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatKind::Dm => "dm",
            ChatKind::Group => "group",
            ChatKind::Channel => "channel",
        }
    }
}

impl TryFrom<String> for ChatKind {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        match s.as_str() {
            "dm" => Ok(ChatKind::Dm),
            "group" => Ok(ChatKind::Group),
            "channel" => Ok(ChatKind::Channel),
            other => Err(format!("unknown chat kind {other:?}")),
        }
    }
}

/// A person on a platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub platform: Platform,
    pub user_id: String,
    pub display_name: String,
    /// The platform's language hint (Telegram `language_code`, Discord `locale`), if any.
    pub locale: Option<String>,
}

/// A place messages go: a chat, and within it a forum topic or thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatRef {
    pub platform: Platform,
    pub chat_id: String,
    pub kind: ChatKind,
    /// The Discord server the channel belongs to.
    pub guild_id: Option<String>,
    /// A Telegram forum topic (`message_thread_id`) or a Discord thread.
    pub thread_id: Option<String>,
}
