//! What the core answers, independent of any platform: blocks of content, buttons that come
//! back as action tokens, and whether the answer is for the caller's eyes only.

use std::fmt::Write;

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    Text(String),
    /// Key-value pairs, shown as a small table or as "Key: value" lines.
    Fields(Vec<(String, String)>),
    /// Monospace text to copy (an SSH line).
    Code(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary,
    Secondary,
    Danger,
}

/// A button; pressing it sends `token` back to [`crate::core::Core::press`].
#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    pub label: String,
    pub style: ButtonStyle,
    pub token: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Visibility {
    /// Everyone in the chat sees it.
    #[default]
    Public,
    /// Only the caller: a Discord ephemeral message, a Telegram private chat.
    Private,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reply {
    pub blocks: Vec<Block>,
    pub buttons: Vec<Button>,
    pub visibility: Visibility,
    /// A PNG (charts).
    pub image: Option<Vec<u8>>,
    /// The message that triggered this reply held a secret: the front-end deletes it where
    /// the platform allows.
    pub delete_trigger: bool,
}

impl Reply {
    pub fn text(t: impl Into<String>) -> Reply {
        Reply { blocks: vec![Block::Text(t.into())], ..Reply::default() }
    }

    pub fn titled(title: impl Into<String>) -> Reply {
        Reply { blocks: vec![Block::Title(title.into())], ..Reply::default() }
    }

    pub fn private(mut self) -> Reply {
        self.visibility = Visibility::Private;
        self
    }

    pub fn with_text(mut self, t: impl Into<String>) -> Reply {
        self.blocks.push(Block::Text(t.into()));
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

    pub fn with_button(mut self, label: impl Into<String>, style: ButtonStyle, token: String) -> Reply {
        self.buttons.push(Button { label: label.into(), style, token });
        self
    }

    /// The reply as plain text, for the console and logs of what users saw. Buttons are not
    /// included (front-ends render them their own way).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            if !out.is_empty() {
                out.push('\n');
            }
            match b {
                Block::Title(t) => out.push_str(t),
                Block::Text(t) => out.push_str(t),
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
            }
        }
        out
    }
}
