//! What Telegram checks in an inline keyboard (Bot API `InlineKeyboardButton`,
//! core.telegram.org/bots/api#inlinekeyboardbutton): "Exactly one of the optional fields
//! must be used to specify type of the button"; `url` is an "HTTP or tg:// URL";
//! `callback_data` is 1–64 bytes; `copy_text` (`CopyTextButton`) copies 1–256 characters.

use serde_json::Value;

/// The kinds of button a test bot may send (`login_url`, `web_app`, `pay` and the like are
/// never sent by clorebot: they count as kinds, so a mix is still caught).
const KINDS: [&str; 9] = [
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "pay",
];

/// The error Telegram answers for the first bad button of `body`'s keyboard, if any.
pub fn problem(body: &Value) -> Option<&'static str> {
    let rows = body["reply_markup"]["inline_keyboard"].as_array().cloned().unwrap_or_default();
    for b in rows.iter().flat_map(|r| r.as_array().cloned().unwrap_or_default()) {
        if b["text"].as_str().is_none_or(str::is_empty) {
            return Some("Bad Request: BUTTON_TEXT_INVALID");
        }
        if KINDS.iter().filter(|k| b.get(**k).is_some()).count() != 1 {
            return Some(
                "Bad Request: can't parse inline keyboard button: exactly one of the optional fields must be used",
            );
        }
        if let Some(url) = b.get("url") {
            let url = url.as_str().unwrap_or_default();
            let ok = ["https://", "http://", "tg://"].iter().any(|s| url.starts_with(s) && url.len() > s.len());
            if !ok || url.chars().any(char::is_whitespace) {
                return Some("Bad Request: BUTTON_URL_INVALID");
            }
        }
        if let Some(data) = b.get("callback_data")
            && data.as_str().is_none_or(|d| d.is_empty() || d.len() > 64)
        {
            return Some("Bad Request: BUTTON_DATA_INVALID");
        }
        if let Some(c) = b.get("copy_text")
            && c["text"].as_str().is_none_or(|t| t.is_empty() || t.chars().count() > 256)
        {
            return Some("Bad Request: BUTTON_COPY_TEXT_INVALID");
        }
    }
    None
}
