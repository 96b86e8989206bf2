//! What Discord refuses, as the fake checks it: a message over its size limits (content,
//! embeds, components), and an autocomplete answer over its choice limits. The limits are
//! discord-api-docs' (developers/components/reference.mdx, developers/interactions/*.mdx).

use serde_json::Value;

/// Why Discord would refuse a message body, if it would: content over 2,000 characters; more
/// than 10 embeds, or one over its limits (title 256, description 4,096, 25 fields of name
/// 256 and value 1,024, none empty, 6,000 in all); more than 5 action rows, each of 1 to 5
/// buttons (a custom id over 100 or a label over 80 refused) or one string select
/// ([`invalid_select`]); a new message with nothing in it (`new`).
pub(super) fn invalid_message(b: &Value, new: bool) -> Option<String> {
    let len = |v: &Value| v.as_str().map(|s| s.chars().count()).unwrap_or(0);
    if len(&b["content"]) > 2000 {
        return Some("content: Must be 2000 or fewer in length.".into());
    }
    let embeds = b["embeds"].as_array().cloned().unwrap_or_default();
    if embeds.len() > 10 {
        return Some("embeds: Must be 10 or fewer in length.".into());
    }
    for e in &embeds {
        let fields = e["fields"].as_array().cloned().unwrap_or_default();
        let total = len(&e["title"])
            + len(&e["description"])
            + fields.iter().map(|f| len(&f["name"]) + len(&f["value"])).sum::<usize>();
        if len(&e["title"]) > 256 || len(&e["description"]) > 4096 || fields.len() > 25 || total > 6000 {
            return Some(format!("embeds: an embed over its limits ({total} characters, {} fields)", fields.len()));
        }
        if fields.iter().any(|f| !(1..=256).contains(&len(&f["name"])) || !(1..=1024).contains(&len(&f["value"]))) {
            return Some("embeds.fields: a name or value empty or too long".into());
        }
    }
    let rows = b["components"].as_array().cloned().unwrap_or_default();
    if rows.len() > 5 {
        return Some("components: Must be 5 or fewer in length.".into());
    }
    for r in &rows {
        let children = r["components"].as_array().cloned().unwrap_or_default();
        // An action row holds up to 5 buttons or a single select (components/reference.mdx,
        // "Action Row").
        if children.iter().any(|c| c["type"] == 3) {
            if let Some(why) = invalid_select(&children) {
                return Some(why);
            }
            continue;
        }
        if children.is_empty() || children.len() > 5 || children.iter().any(|c| c["type"] != 2) {
            return Some("components.components: 1 to 5 buttons in a row".into());
        }
        if children.iter().any(|x| len(&x["custom_id"]) > 100 || len(&x["label"]) > 80) {
            return Some("components: a custom id over 100 or a label over 80".into());
        }
        // "Non-link buttons must have a custom_id, and cannot have a url. Link buttons must
        // have a url, and cannot have a custom_id." (discord-api-docs, the Button component)
        let link = |x: &Value| x["style"] == 5;
        if children.iter().any(|x| {
            if link(x) {
                x.get("url").is_none() || x.get("custom_id").is_some()
            } else {
                len(&x["custom_id"]) == 0 || x.get("url").is_some()
            }
        }) {
            return Some("components: a button needs a custom_id, or a url if it is a link".into());
        }
    }
    if new && len(&b["content"]) == 0 && embeds.is_empty() && rows.is_empty() {
        return Some("Cannot send an empty message (50006)".into());
    }
    None
}

/// Why Discord would refuse a row holding a string select (discord-api-docs,
/// developers/components/reference.mdx, "String Select"): alone in its row; a custom id of
/// 1-100 characters; 1 to 25 options, each with a label and a value of 1-100 characters,
/// values unique; a placeholder of at most 150; min and max values within the options, and
/// no more options shown as chosen than may be chosen.
fn invalid_select(row: &[Value]) -> Option<String> {
    let len = |v: &Value| v.as_str().map(|s| s.chars().count()).unwrap_or(0);
    let [select] = row else { return Some("components.components: a select is alone in its row".into()) };
    if !(1..=100).contains(&len(&select["custom_id"])) {
        return Some("components.custom_id: 1 to 100 characters".into());
    }
    if len(&select["placeholder"]) > 150 {
        return Some("components.placeholder: Must be 150 or fewer in length.".into());
    }
    let options = select["options"].as_array().cloned().unwrap_or_default();
    if !(1..=25).contains(&options.len()) {
        return Some("components.options: Must be between 1 and 25 in length.".into());
    }
    if options.iter().any(|o| !(1..=100).contains(&len(&o["label"])) || !(1..=100).contains(&len(&o["value"]))) {
        return Some("components.options: a label or value empty or over 100".into());
    }
    let values: std::collections::HashSet<&str> = options.iter().filter_map(|o| o["value"].as_str()).collect();
    if values.len() != options.len() {
        return Some("components.options: values must be unique".into());
    }
    let (min, max) = (select["min_values"].as_u64().unwrap_or(1), select["max_values"].as_u64().unwrap_or(1));
    if min < 1 || min > max || max as usize > options.len() {
        return Some("components.min_values/max_values: out of range".into());
    }
    if options.iter().filter(|o| o["default"] == true).count() as u64 > max {
        return Some("components.options.default: more defaults than max_values".into());
    }
    None
}

/// Why Discord would refuse an autocomplete answer (type 8, APPLICATION_COMMAND_AUTOCOMPLETE_RESULT;
/// interactions/receiving-and-responding.mdx, "Autocomplete": at most 25 choices;
/// application-commands.mdx, "Application Command Option Choice Structure": a name of 1-100
/// characters, a string value of at most 100).
pub fn invalid_autocomplete(answer: &Value) -> Option<String> {
    if answer["type"] != 8 {
        return Some(format!("type {} is not an autocomplete result", answer["type"]));
    }
    let Some(choices) = answer["data"]["choices"].as_array() else { return Some("data.choices is missing".into()) };
    if choices.len() > 25 {
        return Some("data.choices: Must be 25 or fewer in length.".into());
    }
    for c in choices {
        let name = c["name"].as_str().map_or(0, |n| n.chars().count());
        let value_ok = match &c["value"] {
            Value::String(v) => v.chars().count() <= 100,
            Value::Number(_) => true,
            _ => false,
        };
        if !(1..=100).contains(&name) || !value_ok {
            return Some(format!("data.choices: {c} breaks the choice limits"));
        }
    }
    None
}
