//! Replies as Telegram messages: HTML parse mode with every dynamic string escaped, code as
//! `<pre>`, fields aligned in a `<pre>` table, buttons as an inline keyboard whose callback
//! data is the token, and replies cut to fit Telegram's 4,096-character messages.

use secrecy::ExposeSecret;
use teloxide::types::{CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup};
use url::Url;

use crate::core::command::start_payload;
use crate::core::reply::Link;
use crate::core::{Block, Button, Reply, Span, Text};

/// A message's text may hold at most this many characters (UTF-16 units, after the HTML is
/// read); a photo's caption at most `CAPTION_MAX`.
pub const MESSAGE_MAX: usize = 4096;
pub const CAPTION_MAX: usize = 1024;

/// One Telegram message: HTML text and its keyboard.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub html: String,
    /// The text as Telegram counts it (UTF-16 units of what is shown).
    pub shown_len: usize,
    pub keyboard: Option<InlineKeyboardMarkup>,
}

/// Escapes text for HTML parse mode (`"` too: the same function serves attribute values).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A reply as the messages it takes: more than one only when it is too long for one.
/// Buttons go on the last; link buttons lead into the private chat with `bot` (the bot's
/// username, [`deep_link`]).
pub fn messages(reply: &Reply, max: usize, bot: &str) -> Vec<Message> {
    // The shown text is close to the plain text; cut on that, then make sure of each piece.
    let mut budget = max;
    loop {
        let parts: Vec<Message> = reply.split(budget).iter().map(|r| one(r, bot)).collect();
        if parts.iter().all(|m| m.shown_len <= max) || budget <= 256 {
            return parts;
        }
        budget /= 2;
    }
}

/// One reply as one message, however long.
pub fn one(reply: &Reply, bot: &str) -> Message {
    let mut html = String::new();
    let mut shown = String::new();
    for (i, b) in reply.blocks.iter().enumerate() {
        if i > 0 {
            html.push('\n');
            shown.push('\n');
        }
        block(b, &mut html, &mut shown);
    }
    Message { html, shown_len: shown.encode_utf16().count(), keyboard: keyboard(reply, bot) }
}

/// The inline keyboard of a reply's button rows (none without buttons): a callback button
/// for each token, a URL button for each link. Link buttons are left out while the bot's
/// username (`bot`) is unknown.
pub fn keyboard(reply: &Reply, bot: &str) -> Option<InlineKeyboardMarkup> {
    let rows: Vec<Vec<InlineKeyboardButton>> = reply
        .rows
        .iter()
        .map(|r| r.iter().filter_map(|b| button(b, bot)).collect::<Vec<_>>())
        .filter(|r| !r.is_empty())
        .collect();
    (!rows.is_empty()).then(|| InlineKeyboardMarkup::new(rows))
}

fn button(b: &Button, bot: &str) -> Option<InlineKeyboardButton> {
    match b.link {
        None => Some(InlineKeyboardButton::callback(b.label.clone(), b.token.clone())),
        Some(link) => Some(InlineKeyboardButton::url(b.label.clone(), deep_link(bot, link)?)),
    }
}

/// The deep link that opens the private chat with the bot `bot` on `/start <payload>`
/// (`https://t.me/<bot>?start=<payload>`, core.telegram.org/bots/features#deep-linking);
/// none while the username is unknown.
pub fn deep_link(bot: &str, link: Link) -> Option<Url> {
    if bot.is_empty() || !bot.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let mut url = Url::parse("https://t.me/").ok()?.join(bot).ok()?;
    url.query_pairs_mut().append_pair("start", &start_payload(link));
    Some(url)
}

/// Telegram copies at most this many characters (`CopyTextButton.text`, 1–256).
const COPY_MAX: usize = 256;
/// A copy button's label shows the start of what it copies.
const COPY_LABEL_MAX: usize = 40;

/// Copy-to-clipboard buttons (Bot API 7.11 `copy_text`), one row each, for what a reply
/// offers to copy: an SSH command (a one-line code block starting `ssh `), a labelled value
/// ([`Block::Copy`], a deposit address) and a secret shown once (labelled with its label,
/// never its value). Only for private chats: the caller adds
/// them there ([`with_copy_buttons`]).
pub fn copy_buttons(reply: &Reply) -> Vec<InlineKeyboardButton> {
    let fits = |s: &str| !s.is_empty() && s.chars().count() <= COPY_MAX;
    reply
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Code(c) if c.starts_with("ssh ") && !c.contains('\n') && fits(c) => {
                let label = crate::text::clip(c, COPY_LABEL_MAX);
                Some(InlineKeyboardButton::copy_text_button(format!("📋 {label}"), CopyTextButton { text: c.clone() }))
            }
            Block::Copy { label, value } if fits(value) => Some(InlineKeyboardButton::copy_text_button(
                format!("📋 {}", crate::text::clip(label, COPY_LABEL_MAX)),
                CopyTextButton { text: value.clone() },
            )),
            Block::Secret(s) if fits(s.value.expose_secret()) => Some(InlineKeyboardButton::copy_text_button(
                format!("📋 {}", s.label),
                CopyTextButton { text: s.value.expose_secret().to_owned() },
            )),
            _ => None,
        })
        .collect()
}

/// `parts` of `reply` with its copy buttons under the last one's keyboard (for a private
/// chat).
pub fn with_copy_buttons(mut parts: Vec<Message>, reply: &Reply) -> Vec<Message> {
    let copy = copy_buttons(reply);
    if let (false, Some(last)) = (copy.is_empty(), parts.last_mut()) {
        let mut rows = last.keyboard.take().map(|k| k.inline_keyboard).unwrap_or_default();
        rows.extend(copy.into_iter().map(|b| vec![b]));
        last.keyboard = Some(InlineKeyboardMarkup::new(rows));
    }
    parts
}

fn block(b: &Block, html: &mut String, shown: &mut String) {
    match b {
        Block::Title(t) => {
            html.push_str("<b>");
            text(t, html, shown);
            html.push_str("</b>");
        }
        Block::Text(t) => text(t, html, shown),
        Block::Code(c) => {
            html.push_str("<pre>");
            html.push_str(&escape(c));
            html.push_str("</pre>");
            shown.push_str(c);
        }
        Block::Fields(fs) => {
            let width = fs.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
            let table: Vec<String> =
                fs.iter().map(|(k, v)| format!("{k}:{} {v}", " ".repeat(width - k.chars().count()))).collect();
            let table = table.join("\n");
            html.push_str("<pre>");
            html.push_str(&escape(&table));
            html.push_str("</pre>");
            shown.push_str(&table);
        }
        Block::Copy { label, value } => labelled_code(label, value, html, shown),
        // Tap to copy; a secret is only ever sent to a private chat.
        Block::Secret(s) => labelled_code(&s.label, s.value.expose_secret(), html, shown),
    }
}

/// "label: value", the value as code (a tap copies it).
fn labelled_code(label: &str, value: &str, html: &mut String, shown: &mut String) {
    let label = format!("{label}: ");
    html.push_str(&escape(&label));
    html.push_str("<code>");
    html.push_str(&escape(value));
    html.push_str("</code>");
    shown.push_str(&label);
    shown.push_str(value);
}

fn text(t: &Text, html: &mut String, shown: &mut String) {
    for span in t.spans() {
        let s = span.text();
        match span {
            Span::Plain { .. } => html.push_str(&escape(s)),
            Span::Code { .. } => {
                html.push_str("<code>");
                html.push_str(&escape(s));
                html.push_str("</code>");
            }
            Span::Bold { .. } => {
                html.push_str("<b>");
                html.push_str(&escape(s));
                html.push_str("</b>");
            }
            Span::Link { url, .. } => {
                html.push_str("<a href=\"");
                html.push_str(&escape(url));
                html.push_str("\">");
                html.push_str(&escape(s));
                html.push_str("</a>");
            }
        }
        shown.push_str(s);
    }
}

/// A mention of a user that works without a username: a link to the user.
pub fn mention(user_id: &str, name: &str) -> String {
    format!("<a href=\"tg://user?id={}\">{}</a>", escape(user_id), escape(name))
}

#[cfg(test)]
mod tests {
    use teloxide::types::InlineKeyboardButtonKind;

    use super::*;
    use crate::core::ButtonStyle;

    #[test]
    fn dynamic_text_is_escaped_and_code_is_pre() {
        let r = Reply::titled("Server <#42> & co")
            .with_text(Text::marked("use `/rent 42 <image>` now"))
            .with_fields(vec![("GPU".into(), "1× RTX 4090".into()), ("Price/day".into(), "<$3 \"cheap\"".into())])
            .with_code("ssh -p 2222 root@1.2.3.4 && echo <ok>");
        let m = one(&r, "clore_test_bot");
        assert_eq!(
            m.html,
            "<b>Server &lt;#42&gt; &amp; co</b>\nuse <code>/rent 42 &lt;image&gt;</code> now\n\
             <pre>GPU:       1× RTX 4090\nPrice/day: &lt;$3 &quot;cheap&quot;</pre>\n\
             <pre>ssh -p 2222 root@1.2.3.4 &amp;&amp; echo &lt;ok&gt;</pre>"
        );
        assert!(m.keyboard.is_none());
    }

    #[test]
    fn link_buttons_are_deep_links_once_the_username_is_known() {
        use crate::clore::ServerId;
        use crate::domain::WatchId;
        let r = Reply::text("Watch #3: #7 is cheap")
            .with_button("Rent #7", ButtonStyle::Primary, "tok".into())
            .with_link("Rent #7 privately", Link::Rent(ServerId(7)))
            .with_row(vec![Button::link("Watch it myself", Link::Watch(WatchId(3)))]);
        let kb = keyboard(&r, "clore_test_bot").unwrap().inline_keyboard;
        let shown: Vec<Vec<String>> = kb
            .iter()
            .map(|row| {
                row.iter()
                    .map(|b| match &b.kind {
                        InlineKeyboardButtonKind::CallbackData(d) => format!("{} → {d}", b.text),
                        InlineKeyboardButtonKind::Url(u) => format!("{} → {u}", b.text),
                        other => format!("{other:?}"),
                    })
                    .collect()
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                vec![
                    "Rent #7 → tok".to_owned(),
                    "Rent #7 privately → https://t.me/clore_test_bot?start=rent_7".to_owned()
                ],
                vec!["Watch it myself → https://t.me/clore_test_bot?start=watch_3".to_owned()],
            ]
        );
        // Before getMe has answered: the presses alone.
        let kb = keyboard(&r, "").unwrap().inline_keyboard;
        assert_eq!(kb.len(), 1);
        assert_eq!(kb[0].len(), 1);
        assert!(deep_link("not a name", Link::Rent(ServerId(7))).is_none());
        let copy = one(&Reply::text("x").with_copy("USD deposit address", "sim-usd-1ef7"), "");
        assert_eq!(copy.html, "x\nUSD deposit address: <code>sim-usd-1ef7</code>");
    }

    #[test]
    fn long_replies_fit_and_buttons_go_last() {
        let lines: Vec<String> = (0..900).map(|i| format!("#{i} <RTX 4090> & more")).collect();
        let r = Reply::text(lines.join("\n")).with_button("Next ▸", ButtonStyle::Secondary, "tok".into());
        let parts = messages(&r, MESSAGE_MAX, "clore_test_bot");
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|m| m.shown_len <= MESSAGE_MAX));
        assert!(parts[..parts.len() - 1].iter().all(|m| m.keyboard.is_none()));
        let kb = parts.last().unwrap().keyboard.as_ref().unwrap();
        assert_eq!(kb.inline_keyboard.len(), 1);
        // Astral characters count twice in UTF-16: still within the limit.
        let emoji = Reply::text("🟢".repeat(3000));
        assert!(messages(&emoji, MESSAGE_MAX, "").iter().all(|m| m.shown_len <= MESSAGE_MAX));
    }
}
