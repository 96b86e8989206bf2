//! Replies as Discord messages: markdown with every dynamic string escaped, buttons as
//! component rows whose custom ids are the tokens (link buttons are left out: Discord has no
//! deep links into a private chat, and a button pressed in a server already answers the
//! presser alone), a menu as a row holding one string select whose options' values are the
//! tokens. A titled reply (a listing, a confirmation,
//! server details, an alert) is an embed — the title, its text as the description, key-value
//! fields as embed fields — when it fits Discord's embed limits; anything else is content,
//! with code and aligned fields in code blocks, cut under 2,000 characters. Mentions are
//! escaped for looks; what stops a ping is `allowed_mentions` being empty on every message.

use secrecy::ExposeSecret;
use serenity::builder::{
    CreateActionRow, CreateButton, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption,
};

use crate::core::{Block, Button, ButtonStyle, Menu, Reply, Span, Text};

/// A message's content may hold at most this many characters.
pub const CONTENT_MAX: usize = 2000;
/// Discord's embed limits: title, description, fields, a field's name and value, all text.
const TITLE_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 4096;
const FIELDS_MAX: usize = 25;
const FIELD_NAME_MAX: usize = 256;
const FIELD_VALUE_MAX: usize = 1024;
const EMBED_TOTAL_MAX: usize = 6000;
/// A value this short sits beside others (three to a line); a longer one takes the width.
const INLINE_MAX: usize = 40;
/// The embeds' accent colour.
const ACCENT: u32 = 0x2E_A0_43;
/// A field name that shows as nothing (Discord requires one): text between fields.
const BLANK_NAME: &str = "\u{200b}";
/// A select menu's placeholder, and an option's label (its value, a token, is far shorter).
const PLACEHOLDER_MAX: usize = 150;
const OPTION_LABEL_MAX: usize = 100;
/// A select menu's custom id names the menu's place; the chosen option's value is the token.
const MENU_ID: &str = "menu";

/// One Discord message: markdown content or an embed, and button rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub content: String,
    /// An embed's JSON.
    pub embed: Option<serde_json::Value>,
    pub rows: Vec<Vec<Button>>,
    /// Each on a row of its own, under the buttons.
    pub menus: Vec<Menu>,
    /// A PNG (a chart), uploaded with the message as [`IMAGE_NAME`]; an embed shows it.
    pub image: Option<Vec<u8>>,
}

/// The file name a reply's image is uploaded under (an embed refers to it).
pub const IMAGE_NAME: &str = "chart.png";

impl Message {
    /// Plain text (escaped), no buttons.
    pub fn text(t: &str) -> Message {
        Message { content: escape(t), embed: None, rows: Vec::new(), menus: Vec::new(), image: None }
    }

    /// The files to upload with the message (its image).
    pub fn files(&self) -> Vec<serenity::builder::CreateAttachment> {
        self.image.iter().map(|png| serenity::builder::CreateAttachment::bytes(png.clone(), IMAGE_NAME)).collect()
    }

    /// The message's JSON for the REST API (new messages, edits, follow-ups). Every field is
    /// written, so an edit also clears what the message had (a confirmation's embed and
    /// buttons); no mention ever pings.
    pub fn json(&self, ephemeral: bool) -> serde_json::Value {
        let mut v = serde_json::json!({
            "content": self.content,
            "embeds": self.embed.iter().collect::<Vec<_>>(),
            "components": self.components_json(),
            "allowed_mentions": { "parse": [] },
        });
        if ephemeral {
            v["flags"] = serde_json::json!(64);
        }
        if self.image.is_some() {
            // Every file a message carries, new ones included (they go up as `files[0]`).
            v["attachments"] = serde_json::json!([{ "id": 0, "filename": IMAGE_NAME }]);
        }
        v
    }

    /// The rows as serenity's components: the button rows, then a row per menu.
    pub fn components(&self) -> Vec<CreateActionRow> {
        let buttons = self
            .rows
            .iter()
            .filter(|r| !r.is_empty())
            .map(|r| CreateActionRow::Buttons(r.iter().map(button).collect()));
        let menus = self.menus.iter().enumerate().filter(|(_, m)| !m.options.is_empty()).map(|(i, m)| select(i, m));
        buttons.chain(menus).collect()
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

/// A menu as a string select (one choice): its custom id is its place among the message's
/// menus (a custom id is unique within a message), each option's value its token.
fn select(i: usize, m: &Menu) -> CreateActionRow {
    let options = m
        .options
        .iter()
        .map(|o| {
            CreateSelectMenuOption::new(crate::text::bound(&o.label, OPTION_LABEL_MAX), o.token.clone())
                .default_selection(o.default)
        })
        .collect();
    let menu = CreateSelectMenu::new(format!("{MENU_ID}:{i}"), CreateSelectMenuKind::String { options })
        .placeholder(crate::text::bound(&m.placeholder, PLACEHOLDER_MAX))
        .min_values(1)
        .max_values(1);
    CreateActionRow::SelectMenu(menu)
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
    if let Some(embed) = embed(reply) {
        let mut embed = embed;
        if reply.image.is_some() {
            embed["image"] = serde_json::json!({ "url": format!("attachment://{IMAGE_NAME}") });
        }
        return vec![Message {
            content: String::new(),
            embed: Some(embed),
            rows: reply.pressable_rows(),
            menus: reply.menus.clone(),
            image: reply.image.clone(),
        }];
    }
    let mut budget = CONTENT_MAX;
    loop {
        let parts: Vec<Message> = reply.split(budget).iter().map(one).collect();
        if parts.iter().all(|m| m.content.chars().count() <= CONTENT_MAX) || budget <= 200 {
            let mut parts: Vec<Message> = parts
                .into_iter()
                .map(|mut m| {
                    if m.content.chars().count() > CONTENT_MAX {
                        m.content = m.content.chars().take(CONTENT_MAX - 1).collect::<String>() + "…";
                    }
                    m
                })
                .collect();
            // The image goes with the last part, under the text.
            if let Some(last) = parts.last_mut() {
                last.image = reply.image.clone();
            }
            return parts;
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
    Message { content, embed: None, rows: reply.pressable_rows(), menus: reply.menus.clone(), image: None }
}

/// A titled reply as one embed: the text before the first fields is the description; fields
/// are embed fields; text after them goes in full-width fields without a name, in order.
/// `None` when the reply has no title, holds a secret (shown as content, to copy), or breaks
/// an embed's limits (then it is content, split as needed).
pub fn embed(reply: &Reply) -> Option<serde_json::Value> {
    let (Block::Title(title), rest) = reply.blocks.split_first()? else { return None };
    if rest.iter().any(|b| matches!(b, Block::Secret(_))) {
        return None;
    }
    let mut t = String::new();
    text(title, &mut t);
    let mut description = String::new();
    let mut fields: Vec<(String, String, bool)> = Vec::new();
    for b in rest {
        match b {
            Block::Fields(fs) => {
                for (k, v) in fs {
                    let value = if v.trim().is_empty() { "—".to_owned() } else { escape(v) };
                    fields.push((escape(k), value, v.chars().count() <= INLINE_MAX));
                }
            }
            other => {
                let mut md = String::new();
                block(other, &mut md);
                if fields.is_empty() {
                    if !description.is_empty() {
                        description.push('\n');
                    }
                    description.push_str(&md);
                } else {
                    fields.push((BLANK_NAME.to_owned(), md, false));
                }
            }
        }
    }
    let len = |s: &str| s.chars().count();
    let total = len(&t) + len(&description) + fields.iter().map(|(k, v, _)| len(k) + len(v)).sum::<usize>();
    let fits = (1..=TITLE_MAX).contains(&len(&t))
        && len(&description) <= DESCRIPTION_MAX
        && fields.len() <= FIELDS_MAX
        && fields
            .iter()
            .all(|(k, v, _)| (1..=FIELD_NAME_MAX).contains(&len(k)) && (1..=FIELD_VALUE_MAX).contains(&len(v)))
        && total <= EMBED_TOTAL_MAX;
    if !fits {
        return None;
    }
    let mut e = serde_json::json!({ "title": t, "color": ACCENT });
    if !description.is_empty() {
        e["description"] = serde_json::json!(description);
    }
    if !fields.is_empty() {
        // A lone short field sits inline with nothing: full width reads the same.
        let inline = fields.iter().filter(|f| f.2).count() > 1;
        e["fields"] = fields
            .into_iter()
            .map(|(name, value, short)| serde_json::json!({ "name": name, "value": value, "inline": short && inline }))
            .collect();
    }
    Some(e)
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
        Block::Copy { label, value } => {
            out.push_str(&escape(label));
            out.push_str(": ");
            code_span(value, out);
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
    fn a_menu_is_a_row_with_one_string_select_under_the_buttons() {
        use crate::core::MenuOption;
        let option =
            |label: &str, token: &str, default| MenuOption { label: label.into(), token: token.into(), default };
        let r = Reply::titled("3 servers")
            .with_button("Next ▸", ButtonStyle::Secondary, "tokN".into())
            .with_menu(Menu {
                placeholder: "Sort…".into(),
                options: vec![option("Cheapest first", "tokP", true), option("Most GPUs first", "tokG", false)],
            })
            .with_menu(Menu { placeholder: "Country…".into(), options: vec![option("Any country", "tokA", false)] });
        let json = messages(&r)[0].components_json();
        assert_eq!(json.as_array().unwrap().len(), 3);
        assert_eq!(json[0]["components"][0]["custom_id"], "tokN");
        let sort = &json[1]["components"][0];
        assert_eq!((sort["type"].as_u64(), sort["custom_id"].as_str()), (Some(3), Some("menu:0")));
        assert_eq!((sort["min_values"].as_u64(), sort["max_values"].as_u64()), (Some(1), Some(1)));
        assert_eq!(sort["placeholder"], "Sort…");
        assert_eq!(
            sort["options"][0],
            serde_json::json!({ "label": "Cheapest first", "value": "tokP", "default": true })
        );
        assert_eq!(sort["options"][1]["default"], false);
        assert_eq!(json[2]["components"][0]["custom_id"], "menu:1");
    }

    #[test]
    fn titled_replies_are_embeds_with_fields_in_order() {
        let r = Reply::titled("Rent server #42?")
            .with_text("In DE_1")
            .with_fields(vec![
                ("GPU".into(), "1× RTX 4090".into()),
                ("Price".into(), "$3.60/day".into()),
                ("Image".into(), "cloreai/ubuntu22.04-jupyter:latest-with-a-longer-tag".into()),
            ])
            .with_text("Confirm within 10 minutes.")
            .with_button("Confirm", ButtonStyle::Primary, "tokC".into());
        let parts = messages(&r);
        assert_eq!(parts.len(), 1);
        let m = &parts[0];
        assert_eq!(m.content, "");
        let e = m.embed.as_ref().unwrap();
        assert_eq!(e["title"], "Rent server \\#42?");
        assert_eq!(e["description"], "In DE\\_1");
        let f = e["fields"].as_array().unwrap();
        assert_eq!(
            (f[0]["name"].as_str(), f[0]["value"].as_str(), f[0]["inline"].as_bool()),
            (Some("GPU"), Some("1× RTX 4090"), Some(true))
        );
        assert_eq!(f[2]["inline"], false, "a long value takes the width");
        assert_eq!(
            (f[3]["name"].as_str(), f[3]["value"].as_str()),
            (Some(BLANK_NAME), Some("Confirm within 10 minutes."))
        );
        let json = m.json(true);
        assert_eq!(json["embeds"].as_array().unwrap().len(), 1);
        assert_eq!(json["components"][0]["components"][0]["custom_id"], "tokC");
        assert_eq!(
            (json["flags"].as_u64(), &json["allowed_mentions"]),
            (Some(64), &serde_json::json!({ "parse": [] }))
        );
        // An edit to plain text clears the embed it replaces.
        assert_eq!(Message::text("Done").json(false)["embeds"], serde_json::json!([]));
    }

    #[test]
    fn untitled_secret_bearing_or_oversized_replies_stay_content() {
        assert!(embed(&Reply::text("Saved.")).is_none());
        let secret = Reply::titled("Order 7 is running").with_secret("SSH password", "pw-123".to_owned().into());
        assert!(embed(&secret).is_none() && one(&secret).content.contains("`pw-123`"));
        let many: Vec<(String, String)> = (0..30).map(|i| (format!("k{i}"), "v".into())).collect();
        assert!(embed(&Reply::titled("Many").with_fields(many)).is_none(), "over 25 fields");
        let long = Reply::titled("Long").with_text("x".repeat(5000));
        assert!(embed(&long).is_none());
        assert!(messages(&long).iter().all(|m| m.embed.is_none() && m.content.chars().count() <= CONTENT_MAX));
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
