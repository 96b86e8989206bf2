//! What the core answers, independent of any platform: blocks of content, rows of buttons
//! and menus whose choices come back as action tokens, and whether the answer is for the
//! caller's eyes only.
//! Alerts are replies too: the outbox stores them serialized — all but secret blocks, which
//! refuse to serialize, so a generated password can never reach the outbox.

use std::fmt::Write;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

pub use super::inline::{Span, Text};

/// Buttons per row, and rows per reply: Discord's limits (Telegram's keyboards take the same).
/// A menu takes a row of its own: button rows and menus together are at most [`MAX_ROWS`].
pub const MAX_ROW: usize = 5;
pub const MAX_ROWS: usize = 5;
/// Options in one menu: Discord's limit for a select menu.
pub const MAX_OPTIONS: usize = 25;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Block {
    Title(Text),
    Text(Text),
    /// Key-value pairs, shown as a small table or as "Key: value" lines.
    Fields(Vec<(String, String)>),
    /// Monospace text to copy (an SSH line).
    Code(String),
    /// A labelled value to copy exactly (a deposit address): shown as "label: value", the
    /// value in monospace; Telegram adds a copy button for it in private chats.
    Copy {
        label: String,
        value: String,
    },
    /// A generated secret (an SSH password) shown once, privately. Never logged, never
    /// stored: it does not serialize, and its `Debug` is redacted.
    Secret(Secret),
}

/// A secret's label and value; see [`Block::Secret`].
#[derive(Debug, Clone)]
pub struct Secret {
    pub label: String,
    pub value: SecretString,
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.label == other.label && self.value.expose_secret() == other.value.expose_secret()
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("a secret block is never serialized (alerts and logs must not hold secrets)"))
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Secret, D::Error> {
        Err(serde::de::Error::custom("a secret block is never stored"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ButtonStyle {
    Primary,
    Secondary,
    Danger,
}

/// A button; pressing it sends `token` back to [`crate::core::Core::press`] — unless it is
/// a link button (`link` set, `token` empty), which opens a place instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Button {
    pub label: String,
    pub style: ButtonStyle,
    pub token: String,
    /// Stored alerts written before link buttons existed read as `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
}

impl Button {
    /// A button pressed back to the core.
    pub fn press(label: impl Into<String>, style: ButtonStyle, token: String) -> Button {
        Button { label: label.into(), style, token, link: None }
    }

    /// A button that opens `link`.
    pub fn link(label: impl Into<String>, link: Link) -> Button {
        Button { label: label.into(), style: ButtonStyle::Secondary, token: String::new(), link: Some(link) }
    }
}

/// Where a link button leads, as an intent: the core never knows a platform's URLs (nor the
/// bot's username). Telegram makes each a deep link into the private chat with the bot
/// (`https://t.me/<bot>?start=<payload>`, the payload from
/// [`crate::core::command::start_payload`]); a platform without deep links leaves link
/// buttons out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Link {
    /// The rent confirmation for a server, in private.
    Rent(crate::clore::ServerId),
    /// A team watch, shown in private with "Watch it myself".
    Watch(crate::domain::WatchId),
}

/// A menu of choices (a Discord string select, under a listing): choosing an option sends
/// its `token` back to [`crate::core::Core::press`], as pressing a button does. Platforms
/// without menus leave them out (Telegram, the console): a menu only offers again what a
/// command can say (`/gpus 4090 sort=-gpus`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Menu {
    /// Shown while nothing is chosen ("Sort…").
    pub placeholder: String,
    /// At most [`MAX_OPTIONS`].
    pub options: Vec<MenuOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MenuOption {
    pub label: String,
    pub token: String,
    /// Shown as chosen: what the message shows now.
    #[serde(default)]
    pub default: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Everyone in the chat sees it.
    #[default]
    Public,
    /// Only the caller: a Discord ephemeral message, a Telegram private chat.
    Private,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Reply {
    pub blocks: Vec<Block>,
    /// At most [`MAX_ROWS`] rows of at most [`MAX_ROW`] buttons, menus included.
    #[serde(default)]
    pub rows: Vec<Vec<Button>>,
    /// Menus, each shown under the button rows on a row of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub menus: Vec<Menu>,
    #[serde(default)]
    pub visibility: Visibility,
    /// A PNG (charts). Not part of stored alerts.
    #[serde(skip)]
    pub image: Option<Vec<u8>>,
}

/// The core's answer to a command.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Response {
    pub replies: Vec<Reply>,
    /// The command's message held a secret (an API key, a password, environment values):
    /// the front-end deletes it where the platform allows.
    pub delete_trigger: bool,
}

/// The longest toast: Telegram answers a callback with at most 200 characters.
pub const TOAST_MAX: usize = 200;

/// The core's answer to a button press.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PressResponse {
    /// A short note to the presser alone (Telegram's `answerCallbackQuery` text, a Discord
    /// ephemeral note): "this button is someone else's", "already done".
    pub toast: Option<String>,
    /// The new content of the message the button sat on (Next ▸ turns the page; Confirm and
    /// Abort turn the confirmation into its outcome). Never private: it may sit in a group.
    pub replace_source: Option<Reply>,
    /// New messages.
    pub replies: Vec<Reply>,
}

impl PressResponse {
    /// At most [`TOAST_MAX`] characters (Telegram's limit for a callback answer).
    pub fn toast(text: impl Into<String>) -> PressResponse {
        PressResponse { toast: Some(crate::text::bound(&text.into(), TOAST_MAX)), ..PressResponse::default() }
    }

    /// New messages; the pressed message stays as it was.
    pub fn replies(replies: Vec<Reply>) -> PressResponse {
        PressResponse { replies, ..PressResponse::default() }
    }

    /// The first reply becomes the pressed message's content — unless it is private and the
    /// message may be seen by others (`in_private` false): then the message only says where
    /// the outcome went, and every reply is sent as usual.
    pub fn replacing(mut replies: Vec<Reply>, in_private: bool) -> PressResponse {
        if replies.is_empty() {
            return PressResponse::default();
        }
        if !replies[0].has_secret() && (replies[0].visibility == Visibility::Public || in_private) {
            let mut first = replies.remove(0);
            first.visibility = Visibility::Public;
            return PressResponse { toast: None, replace_source: Some(first), replies };
        }
        PressResponse { toast: None, replace_source: Some(Reply::text(crate::t!("press-sent-privately"))), replies }
    }
}

impl Reply {
    pub fn text(t: impl Into<Text>) -> Reply {
        Reply { blocks: vec![Block::Text(t.into())], ..Reply::default() }
    }

    pub fn titled(title: impl Into<Text>) -> Reply {
        Reply { blocks: vec![Block::Title(title.into())], ..Reply::default() }
    }

    pub fn private(mut self) -> Reply {
        self.visibility = Visibility::Private;
        self
    }

    pub fn with_text(mut self, t: impl Into<Text>) -> Reply {
        self.blocks.push(Block::Text(t.into()));
        self
    }

    /// Attaches a PNG (a chart); front-ends send it with the reply's text as its caption or
    /// beside it.
    pub fn with_image(mut self, png: Vec<u8>) -> Reply {
        self.image = Some(png);
        self
    }

    pub fn with_fields(mut self, f: Vec<(String, String)>) -> Reply {
        self.blocks.push(Block::Fields(f));
        self
    }

    pub fn with_code(mut self, c: impl Into<String>) -> Reply {
        self.blocks.push(Block::Code(c.into()));
        self
    }

    /// A labelled value to copy exactly ([`Block::Copy`]).
    pub fn with_copy(mut self, label: impl Into<String>, value: impl Into<String>) -> Reply {
        self.blocks.push(Block::Copy { label: label.into(), value: value.into() });
        self
    }

    /// A secret shown once (the reply becomes private: a secret is never shown in a group).
    pub fn with_secret(mut self, label: impl Into<String>, value: SecretString) -> Reply {
        self.blocks.push(Block::Secret(Secret { label: label.into(), value }));
        self.private()
    }

    /// Adds a button to the last row, or starts a new row when it is full. Buttons past
    /// the last row allowed are dropped (and logged): a reply never breaks a platform's limits.
    pub fn with_button(self, label: impl Into<String>, style: ButtonStyle, token: String) -> Reply {
        self.with(Button::press(label, style, token))
    }

    /// Adds a link button as [`Reply::with_button`] adds a button.
    pub fn with_link(self, label: impl Into<String>, link: Link) -> Reply {
        self.with(Button::link(label, link))
    }

    fn with(mut self, button: Button) -> Reply {
        let full = self.rows.last().is_none_or(|row| row.len() >= MAX_ROW);
        if !full {
            self.rows.last_mut().expect("a row exists").push(button);
        } else if self.rows_left() > 0 {
            self.rows.push(vec![button]);
        } else {
            tracing::warn!(label = %button.label, "a reply has more buttons than a message can hold; dropped");
        }
        self
    }

    /// Adds a row of its own (navigation under a listing). Beyond [`MAX_ROW`] buttons, the
    /// row wraps.
    pub fn with_row(mut self, buttons: Vec<Button>) -> Reply {
        for chunk in buttons.chunks(MAX_ROW) {
            if self.rows_left() == 0 {
                tracing::warn!("a reply has more button rows than a message can hold; dropped");
                break;
            }
            self.rows.push(chunk.to_vec());
        }
        self
    }

    /// Adds a menu on a row of its own; options past [`MAX_OPTIONS`] are dropped, and a menu
    /// with no room left (or no options) is dropped and logged.
    pub fn with_menu(mut self, mut menu: Menu) -> Reply {
        if menu.options.is_empty() {
            return self;
        }
        if self.rows_left() == 0 {
            tracing::warn!(placeholder = %menu.placeholder, "a reply has no row left for a menu; dropped");
            return self;
        }
        menu.options.truncate(MAX_OPTIONS);
        self.menus.push(menu);
        self
    }

    /// How many more rows (of buttons, or a menu) the reply can hold.
    pub fn rows_left(&self) -> usize {
        MAX_ROWS.saturating_sub(self.rows.len() + self.menus.len())
    }

    /// Every button, row by row.
    pub fn buttons(&self) -> impl Iterator<Item = &Button> {
        self.rows.iter().flatten()
    }

    /// The rows without their link buttons (and without rows left empty): what a platform
    /// without deep links shows.
    pub fn pressable_rows(&self) -> Vec<Vec<Button>> {
        self.rows
            .iter()
            .map(|row| row.iter().filter(|b| b.link.is_none()).cloned().collect::<Vec<_>>())
            .filter(|row| !row.is_empty())
            .collect()
    }

    pub fn has_secret(&self) -> bool {
        self.blocks.iter().any(|b| matches!(b, Block::Secret(_)))
    }

    /// The reply as plain text, for the console and logs of what users saw. Buttons are not
    /// included (front-ends render them their own way); secret values are, for the one
    /// private view they are made for — callers that log must use [`Reply::redacted_text`].
    pub fn plain_text(&self) -> String {
        self.render_text(true)
    }

    /// As [`Reply::plain_text`] with secret values replaced by `[hidden]`.
    pub fn redacted_text(&self) -> String {
        self.render_text(false)
    }

    fn render_text(&self, secrets: bool) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            if !out.is_empty() {
                out.push('\n');
            }
            block_text(&mut out, b, secrets);
        }
        out
    }

    /// Cuts the reply into replies of at most `max` characters of plain text each, at block
    /// boundaries where possible, else at line boundaries, else (one huge line) inside it.
    /// Buttons stay with the last part, the title with the first.
    pub fn split(&self, max: usize) -> Vec<Reply> {
        let max = max.max(16);
        if self.plain_text().chars().count() <= max {
            return vec![self.clone()];
        }
        let mut parts: Vec<Reply> = Vec::new();
        let mut cur: Vec<Block> = Vec::new();
        let mut cur_len = 0usize;
        let flush = |cur: &mut Vec<Block>, cur_len: &mut usize, parts: &mut Vec<Reply>| {
            if !cur.is_empty() {
                parts.push(Reply { blocks: std::mem::take(cur), visibility: self.visibility, ..Reply::default() });
                *cur_len = 0;
            }
        };
        for block in &self.blocks {
            for piece in split_block(block, max) {
                let mut t = String::new();
                block_text(&mut t, &piece, true);
                let len = t.chars().count();
                if !cur.is_empty() && cur_len + 1 + len > max {
                    flush(&mut cur, &mut cur_len, &mut parts);
                }
                cur_len += len + usize::from(!cur.is_empty());
                cur.push(piece);
            }
        }
        flush(&mut cur, &mut cur_len, &mut parts);
        if let Some(last) = parts.last_mut() {
            last.rows = self.rows.clone();
            last.menus = self.menus.clone();
            last.image = self.image.clone();
        }
        parts
    }
}

fn block_text(out: &mut String, b: &Block, secrets: bool) {
    match b {
        Block::Title(t) | Block::Text(t) => out.push_str(&t.plain_text()),
        Block::Code(c) => {
            for line in c.lines() {
                let _ = writeln!(out, "    {line}");
            }
            out.pop();
        }
        Block::Fields(fs) => {
            let w = fs.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
            for (i, (k, v)) in fs.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                let pad = w - k.chars().count();
                let _ = write!(out, "  {k}:{} {v}", " ".repeat(pad));
            }
        }
        Block::Copy { label, value } => {
            let _ = write!(out, "{label}: {value}");
        }
        Block::Secret(s) => {
            let v = if secrets { s.value.expose_secret() } else { "[hidden]" };
            let _ = write!(out, "{}: {v}", s.label);
        }
    }
}

/// A block cut into pieces that each render within `max` characters.
fn split_block(b: &Block, max: usize) -> Vec<Block> {
    let mut t = String::new();
    block_text(&mut t, b, true);
    if t.chars().count() <= max {
        return vec![b.clone()];
    }
    match b {
        Block::Title(t) | Block::Text(t) => {
            let make: fn(Text) -> Block = if matches!(b, Block::Title(_)) { Block::Title } else { Block::Text };
            pack_text_lines(t, max).into_iter().map(make).collect()
        }
        // Code lines render 4 characters wider.
        Block::Code(s) => pack_lines(s, max.saturating_sub(4).max(8)).into_iter().map(Block::Code).collect(),
        Block::Fields(fs) => {
            let mut out = Vec::new();
            let mut cur: Vec<(String, String)> = Vec::new();
            for f in fs {
                let mut trial = cur.clone();
                trial.push(f.clone());
                let mut t = String::new();
                block_text(&mut t, &Block::Fields(trial.clone()), true);
                if t.chars().count() > max && !cur.is_empty() {
                    out.push(Block::Fields(std::mem::take(&mut cur)));
                    cur.push(f.clone());
                } else {
                    cur = trial;
                }
            }
            if !cur.is_empty() {
                out.push(Block::Fields(cur));
            }
            out
        }
        // A value to copy is never cut (an address is short).
        Block::Copy { .. } | Block::Secret(_) => vec![b.clone()],
    }
}

/// As [`pack_lines`], for inline text: lines packed into chunks of at most `max` plain
/// characters; a longer line is cut (a code span on both sides of the cut stays code).
fn pack_text_lines(t: &Text, max: usize) -> Vec<Text> {
    let mut out = Vec::new();
    let mut cur: Vec<Text> = Vec::new();
    let mut cur_len = 0;
    for line in t.lines() {
        for piece in line.cut(max) {
            let len = piece.plain_len();
            if !cur.is_empty() && cur_len + 1 + len > max {
                out.push(Text::join_lines(std::mem::take(&mut cur)));
                cur_len = 0;
            }
            cur_len += len + usize::from(!cur.is_empty());
            cur.push(piece);
        }
    }
    if !cur.is_empty() {
        out.push(Text::join_lines(cur));
    }
    out
}

/// Lines of `s` packed into chunks of at most `max` characters; a longer line is cut.
fn pack_lines(s: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_len = 0;
    for line in s.lines() {
        let chars: Vec<char> = line.chars().collect();
        let mut pieces: Vec<String> = chars.chunks(max).map(|c| c.iter().collect()).collect();
        if pieces.is_empty() {
            pieces.push(String::new());
        }
        for piece in pieces {
            let len = piece.chars().count();
            if !cur.is_empty() && cur_len + 1 + len > max {
                out.push(std::mem::take(&mut cur));
                cur_len = 0;
            }
            if !cur.is_empty() {
                cur.push('\n');
                cur_len += 1;
            }
            cur.push_str(&piece);
            cur_len += len;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests;
