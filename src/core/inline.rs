//! The inline text model of replies: runs of plain text, code, bold and links.
//! Each front-end escapes and renders them in its own markup (Telegram HTML, Discord
//! markdown, the console as is), so no platform's markup is ever written into a string.
//!
//! Handlers write text with one light convention, read once here: a span between backticks
//! is code (`/gpus 4090`, a term the parser did not understand). Input echoed back passes
//! through [`crate::text::clip`], which turns backticks into apostrophes, so a user can never
//! open or close a code span; bold and links are only ever made on purpose
//! ([`Text::bold`], [`Text::link`]).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Span {
    Plain { text: String },
    Code { text: String },
    Bold { text: String },
    Link { text: String, url: String },
}

impl Span {
    /// The span's visible text.
    pub fn text(&self) -> &str {
        match self {
            Span::Plain { text } | Span::Code { text } | Span::Bold { text } | Span::Link { text, .. } => text,
        }
    }

    /// The same kind of span with other text (a piece of this one).
    fn with_text(&self, text: String) -> Span {
        match self {
            Span::Plain { .. } => Span::Plain { text },
            Span::Code { .. } => Span::Code { text },
            Span::Bold { .. } => Span::Bold { text },
            Span::Link { url, .. } => Span::Link { text, url: url.clone() },
        }
    }

    /// The characters it takes as plain text (code keeps its backticks there).
    fn plain_len(&self) -> usize {
        self.text().chars().count() + if matches!(self, Span::Code { .. }) { 2 } else { 0 }
    }

    fn push_plain(&self, out: &mut String) {
        match self {
            Span::Code { text } => {
                out.push('`');
                out.push_str(text);
                out.push('`');
            }
            Span::Link { text, url } if text != url => {
                out.push_str(text);
                out.push_str(" (");
                out.push_str(url);
                out.push(')');
            }
            other => out.push_str(other.text()),
        }
    }
}

/// A run of inline spans: a title or a paragraph of a reply.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text(pub Vec<Span>);

impl Text {
    /// Reads the backtick convention: `code` spans, the rest plain. An unpaired backtick
    /// stays a plain character.
    pub fn marked(s: &str) -> Text {
        let mut t = Text::default();
        let mut rest = s;
        while let Some(open) = rest.find('`') {
            let Some(len) = rest[open + 1..].find('`') else { break };
            t = t.plain(&rest[..open]).code(&rest[open + 1..open + 1 + len]);
            rest = &rest[open + 2 + len..];
        }
        t.plain(rest)
    }

    pub fn plain(self, s: &str) -> Text {
        self.push(Span::Plain { text: s.to_owned() })
    }

    pub fn code(self, s: &str) -> Text {
        self.push(Span::Code { text: s.to_owned() })
    }

    pub fn bold(self, s: &str) -> Text {
        self.push(Span::Bold { text: s.to_owned() })
    }

    pub fn link(self, text: &str, url: &str) -> Text {
        self.push(Span::Link { text: text.to_owned(), url: url.to_owned() })
    }

    fn push(mut self, span: Span) -> Text {
        if span.text().is_empty() {
            return self;
        }
        match (self.0.last_mut(), &span) {
            (Some(Span::Plain { text: a }), Span::Plain { text: b }) => a.push_str(b),
            _ => self.0.push(span),
        }
        self
    }

    pub fn spans(&self) -> &[Span] {
        &self.0
    }

    /// As plain text: code between backticks, a link as "text (url)".
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for s in &self.0 {
            s.push_plain(&mut out);
        }
        out
    }

    /// The length of [`Text::plain_text`], in characters.
    pub fn plain_len(&self) -> usize {
        self.0.iter().map(Span::plain_len).sum()
    }

    /// The text cut at its line breaks (spans keep their kind on each side).
    pub fn lines(&self) -> Vec<Text> {
        let mut out = vec![Text::default()];
        for span in &self.0 {
            for (i, piece) in span.text().split('\n').enumerate() {
                if i > 0 {
                    out.push(Text::default());
                }
                let last = out.pop().expect("a line");
                out.push(last.push(span.with_text(piece.to_owned())));
            }
        }
        out
    }

    /// Lines joined with line breaks.
    pub fn join_lines(lines: Vec<Text>) -> Text {
        let mut out = Text::default();
        for (i, line) in lines.into_iter().enumerate() {
            if i > 0 {
                out = out.plain("\n");
            }
            for span in line.0 {
                out = out.push(span);
            }
        }
        out
    }

    /// One line cut into pieces of at most `max` plain characters (`max` ≥ 3).
    pub fn cut(&self, max: usize) -> Vec<Text> {
        let mut out = Vec::new();
        let mut cur = Text::default();
        let mut cur_len = 0;
        for span in &self.0 {
            let extra = span.plain_len() - span.text().chars().count();
            let mut chars: Vec<char> = span.text().chars().collect();
            while !chars.is_empty() {
                let room = max.saturating_sub(cur_len + extra);
                if room == 0 {
                    out.push(std::mem::take(&mut cur));
                    cur_len = 0;
                    continue;
                }
                let take = room.min(chars.len());
                let piece: String = chars.drain(..take).collect();
                cur_len += take + extra;
                cur = cur.push(span.with_text(piece));
            }
        }
        if !cur.0.is_empty() || out.is_empty() {
            out.push(cur);
        }
        out
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::marked(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::marked(&s)
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text::marked(s)
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Text {
    /// Spans, or (alerts queued by an older version) a string in the backtick convention.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Spans(Vec<Span>),
            Marked(String),
        }
        Ok(match Stored::deserialize(d)? {
            Stored::Spans(spans) => Text(spans),
            Stored::Marked(s) => Text::marked(&s),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backticks_mark_code_and_an_unpaired_one_stays_plain() {
        let t = Text::marked("I don't understand `colour=red`; try `/help gpus`.");
        assert_eq!(
            t.spans(),
            [
                Span::Plain { text: "I don't understand ".into() },
                Span::Code { text: "colour=red".into() },
                Span::Plain { text: "; try ".into() },
                Span::Code { text: "/help gpus".into() },
                Span::Plain { text: ".".into() },
            ]
        );
        assert_eq!(t.plain_text(), "I don't understand `colour=red`; try `/help gpus`.");
        assert_eq!(Text::marked("5` apart").spans(), [Span::Plain { text: "5` apart".into() }]);
        let echoed = crate::text::clip("x` **y** `z", 60);
        assert!(
            Text::marked(&format!("not `{echoed}`")).spans().iter().filter(|s| matches!(s, Span::Code { .. })).count()
                == 1
        );
    }

    #[test]
    fn lines_and_cuts_keep_span_kinds_and_lengths() {
        let t = Text::default().plain("a\nb ").code("x\ny").bold("!");
        let lines = t.lines();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].spans(), [Span::Plain { text: "b ".into() }, Span::Code { text: "x".into() }]);
        let content = |t: &Text| t.spans().iter().map(Span::text).collect::<String>();
        assert_eq!(content(&Text::join_lines(lines)), content(&t));
        let long = Text::default().plain(&"p".repeat(10)).code(&"c".repeat(10));
        let parts = long.cut(8);
        assert!(parts.iter().all(|p| p.plain_len() <= 8), "{parts:?}");
        let joined: String = parts.iter().flat_map(|p| p.spans()).map(Span::text).collect();
        assert_eq!(joined, format!("{}{}", "p".repeat(10), "c".repeat(10)));
    }

    #[test]
    fn stored_strings_still_read() {
        let t: Text = serde_json::from_value(serde_json::json!("see `/orders`")).unwrap();
        assert_eq!(t, Text::marked("see `/orders`"));
        let back: Text = serde_json::from_value(serde_json::to_value(&t).unwrap()).unwrap();
        assert_eq!(back, t);
    }
}
