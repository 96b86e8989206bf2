//! Who is speaking and where: a [`Caller`], built by a front-end from a platform event. What
//! only the platform can answer — whether the caller administers the chat, where a private
//! message reaches them — is asked of the front-end through [`Frontend`], and only by the
//! commands that need it.

use std::fmt;
use std::sync::Arc;

use crate::domain::{ChatKind, ChatRef, Identity, Platform};
use futures_util::future::BoxFuture;

/// What the core may ask a platform while handling a request.
pub trait Frontend: Send + Sync {
    /// Whether `who` may manage `chat`'s team watches (a group admin; on Discord, Manage
    /// Channels). Asked only by the commands that need it.
    fn is_chat_admin<'a>(&'a self, who: &'a Identity, chat: &'a ChatRef) -> BoxFuture<'a, anyhow::Result<bool>>;

    /// The chat where private messages reach `who` (Telegram: their user id; Discord: a DM
    /// channel, opened on demand). `None` when the platform has no way to reach them.
    fn private_chat<'a>(&'a self, who: &'a Identity) -> BoxFuture<'a, anyhow::Result<Option<String>>>;

    /// Whether replies' menus are shown (Discord's select menus). Where they are not
    /// (Telegram, the console) a listing gets none: its rows stay for buttons, and no token
    /// is issued for an option nobody can choose.
    fn shows_menus(&self) -> bool {
        false
    }

    /// Whether `who` is in the group `chat` now (asked by `/start watch_<id>`, a team watch
    /// shown to its chat's members only). A platform that cannot tell says no.
    fn is_chat_member<'a>(&'a self, _who: &'a Identity, _chat: &'a ChatRef) -> BoxFuture<'a, anyhow::Result<bool>> {
        Box::pin(async { Ok(false) })
    }
}

/// One request's origin: who, where, and the front-end to ask what only it knows.
#[derive(Clone)]
pub struct Caller {
    pub who: Identity,
    pub chat: ChatRef,
    /// The chat's title as the platform shows it (empty in private chats).
    pub chat_title: String,
    pub frontend: Arc<dyn Frontend>,
}

impl fmt::Debug for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Caller").field("who", &self.who).field("chat", &self.chat).finish_non_exhaustive()
    }
}

impl Caller {
    pub fn platform(&self) -> Platform {
        self.who.platform
    }

    pub fn in_private(&self) -> bool {
        self.chat.kind == ChatKind::Dm
    }
}
