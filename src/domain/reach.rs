//! Where messages can go: whether the bot can still post in a chat, and which chats and users
//! a notifier serves.

/// Whether the bot can post in a chat, as the platform last told it (Telegram's
/// `my_chat_member`: removed from a group, blocked by the user — and added back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Reachable,
    Gone,
}

/// Whose alerts a notifier delivers when it does not deliver the whole platform's (a console
/// delivers only its own): alerts to these chats, and private alerts to these users (by
/// platform id) whose private chat is not known yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub chats: Vec<String>,
    pub users: Vec<String>,
}
