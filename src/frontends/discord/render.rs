//! Replies as Discord messages: markdown with every dynamic string escaped, code and aligned
//! fields in code blocks, buttons as component rows whose custom ids are the tokens, and
//! content cut under Discord's 2,000 characters. Mentions are escaped for looks; what stops a
//! ping is `allowed_mentions` being empty on every message we send.

use secrecy::ExposeSecret;
use serenity::builder::{CreateActionRow, CreateButton};

use crate::core::{Block, Button, ButtonStyle, Reply, Span, Text};

/// A message's content may hold at most this many characters.
pub const CONTENT_MAX: usize = 2000;

/// One Discord message: markdown content and button rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub content: String,
    pub rows: Vec<Vec<Button>>,
}

impl Message {
    /// The rows as serenity's components.
    pub fn components(&self) -> Vec<CreateActionRow> {
        self.rows
            .iter()
            .filter(|r| !r.is_empty())
            .map(|r| CreateActionRow::Buttons(r.iter().map(button).collect()))
            .collect()
    }

    /// The rows as the JSON of a message's `components` (interaction responses we write).
    pub fn components_json(&self) -> serde_json::Value {
        serde_json::to_value(self.components()).unwrap_or_else(|_| serde_json::json!([]))
    }
}

fn button(b: &Button) -> CreateButton {
    use serenity::model::application::ButtonStyle as S;
    let style = match b.style {
        ButtonStyle::Primary => S::Primary,
        ButtonStyle::Secondary => S::Secondary,
        ButtonStyle::Danger => S::Danger,
    };
    CreateButton::new(b.token.clone()).label(crate::text::bound(&b.label, 80)).style(style)
}

/// Escapes text for Discord markdown: a backslash before each character markdown reads
/// (emphasis, code, spoilers, quotes, headers, lists, links, mentions, emoji), and before the
/// `.` of a line that starts as a numbered list.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    let mut line_digits = true;
    for c in s.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '#' | '-' | '[' | ']' | '<' | '@' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '.' if line_digits => out.push_str("\\."),
            c => out.push(c),
        }
        line_digits = if c == '\n' { true } else { line_digits && c.is_ascii_digit() };
    }
    out
}

/// A reply as the messages it takes (more than one only when it is too long for one);
/// buttons go on the last.
pub fn messages(reply: &Reply) -> Vec<Message> {
    let mut budget = CONTENT_MAX;
    loop {
        let parts: Vec<Message> = reply.split(budget).iter().map(one).collect();
        if parts.iter().all(|m| m.content.chars().count() <= CONTENT_MAX) || budget <= 200 {
            return parts
                .into_iter()
                .map(|mut m| {
                    if m.content.chars().count() > CONTENT_MAX {
                        m.content = m.content.chars().take(CONTENT_MAX - 1).collect::<String>() + "…";
                    }
                    m
                })
                .collect();
        }
        budget = budget * 3 / 4;
    }
}

/// One reply as one message, however long.
pub fn one(reply: &Reply) -> Message {
    let mut content = String::new();
    for (i, b) in reply.blocks.iter().enumerate() {
        if i > 0 {
            content.push('\n');
        }
        block(b, &mut content);
    }
    Message { content, rows: reply.rows.clone() }
}

fn block(b: &Block, out: &mut String) {
    match b {
        Block::Title(t) => {
            out.push_str("**");
            text(t, out);
            out.push_str("**");
        }
        Block::Text(t) => text(t, out),
        Block::Code(c) => code_block(c, out),
        Block::Fields(fs) => {
            let width = fs.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
            let table: Vec<String> =
                fs.iter().map(|(k, v)| format!("{k}:{} {v}", " ".repeat(width - k.chars().count()))).collect();
            code_block(&table.join("\n"), out);
        }
        Block::Secret(s) => {
            out.push_str(&escape(&s.label));
            out.push_str(": ");
            code_span(s.value.expose_secret(), out);
        }
    }
}

/// A code block; three backticks inside would end it early, so they are broken up.
fn code_block(c: &str, out: &mut String) {
    out.push_str("```\n");
    out.push_str(&c.replace("```", "`\u{200b}``"));
    out.push_str("\n```");
}

fn code_span(c: &str, out: &mut String) {
    if c.is_empty() {
        return;
    }
    if c.contains('`') {
        out.push_str("`` ");
        out.push_str(&c.replace("``", "`\u{200b}`"));
        out.push_str(" ``");
    } else {
        out.push('`');
        out.push_str(c);
        out.push('`');
    }
}

fn text(t: &Text, out: &mut String) {
    for span in t.spans() {
        match span {
            Span::Plain { text } => out.push_str(&escape(text)),
            Span::Code { text } => code_span(text, out),
            Span::Bold { text } => {
                out.push_str("**");
                out.push_str(&escape(text));
                out.push_str("**");
            }
            // `<url>` keeps Discord from embedding a preview; a URL that would break out of
            // the link is shown as text.
            Span::Link { text, url } if !url.contains([')', '>', ' ', '\n']) => {
                out.push('[');
                out.push_str(&escape(text));
                out.push_str("](<");
                out.push_str(url);
                out.push_str(">)");
            }
            Span::Link { text, url } => {
                out.push_str(&escape(text));
                out.push_str(" (");
                out.push_str(&escape(url));
                out.push(')');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_in_dynamic_text_is_shown_as_typed() {
        assert_eq!(
            escape("**bold** _x_ `c` ~~s~~ ||sp|| > q"),
            "\\*\\*bold\\*\\* \\_x\\_ \\`c\\` \\~\\~s\\~\\~ \\|\\|sp\\|\\| \\> q"
        );
        assert_eq!(
            escape("@everyone <@123> :smile: [a](b) # h - l"),
            "\\@everyone \\<\\@123\\> \\:smile\\: \\[a\\](b) \\# h \\- l"
        );
        assert_eq!(escape("1. first\n22. second 3.5"), "1\\. first\n22\\. second 3.5");
        assert_eq!(escape("$3.60/day"), "$3.60/day");
    }

    #[test]
    fn a_reply_renders_as_markdown_with_its_buttons() {
        let r = Reply::titled("Rent server #42?")
            .with_fields(vec![("GPU".into(), "1× RTX 4090".into()), ("Price".into(), "$3.60/day".into())])
            .with_text(Text::marked("Say `/rent 42` again_later"))
            .with_code("ssh root@n1 -p 22")
            .with_button("Confirm", ButtonStyle::Danger, "tokC".into())
            .with_button("Abort", ButtonStyle::Secondary, "tokA".into());
        let m = one(&r);
        assert_eq!(
            m.content,
            "**Rent server \\#42?**\n```\nGPU:   1× RTX 4090\nPrice: $3.60/day\n```\nSay `/rent 42` again\\_later\n```\nssh root@n1 -p 22\n```"
        );
        let json = m.components_json();
        assert_eq!(json[0]["type"], 1);
        assert_eq!(json[0]["components"][0]["custom_id"], "tokC");
        assert_eq!(json[0]["components"][0]["style"], 4);
        assert_eq!(json[0]["components"][1]["label"], "Abort");
    }

    #[test]
    fn long_replies_are_cut_under_2000_after_escaping() {
        let lines: Vec<String> = (0..400).map(|i| format!("#{i} <RTX_4090> ** more")).collect();
        let r = Reply::text(lines.join("\n")).with_button("Next ▸", ButtonStyle::Secondary, "n".into());
        let parts = messages(&r);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|m| m.content.chars().count() <= CONTENT_MAX));
        assert!(parts[..parts.len() - 1].iter().all(|m| m.rows.is_empty()));
        assert_eq!(parts.last().unwrap().rows.len(), 1);
    }
}
