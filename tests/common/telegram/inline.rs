//! What Telegram checks in an `answerInlineQuery` (Bot API `answerInlineQuery`,
//! core.telegram.org/bots/api#answerinlinequery).

use std::collections::HashSet;

use serde_json::Value;

/// What Telegram would refuse in an `answerInlineQuery` (Bot API `answerInlineQuery`,
/// `InlineQueryResultArticle`, `InputTextMessageContent`): at most 50 results, ids of 1–64
/// bytes and unique, a title and a message text of 1–4,096 characters, URL buttons on https.
pub fn answer_problem(body: &Value) -> Option<String> {
    let results = body["results"].as_array()?;
    if body["inline_query_id"].as_str().is_none_or(str::is_empty) {
        return Some("QUERY_ID_INVALID".into());
    }
    if results.len() > 50 {
        return Some("RESULTS_TOO_MUCH".into());
    }
    let mut ids = HashSet::new();
    for r in results {
        let id = r["id"].as_str().unwrap_or("");
        if id.is_empty() || id.len() > 64 || !ids.insert(id.to_owned()) {
            return Some(format!("RESULT_ID_INVALID {id:?}"));
        }
        let text = r["input_message_content"]["message_text"].as_str().unwrap_or("");
        if r["type"] != "article" || r["title"].as_str().is_none_or(str::is_empty) {
            return Some("RESULT_TYPE_INVALID".into());
        }
        if text.is_empty() || text.chars().count() > 4096 {
            return Some("MESSAGE_EMPTY".into());
        }
        let rows = r["reply_markup"]["inline_keyboard"].as_array().cloned().unwrap_or_default();
        for b in rows.iter().flat_map(|row| row.as_array().cloned().unwrap_or_default()) {
            if b.get("url").is_some_and(|u| !u.as_str().unwrap_or("").starts_with("https://")) {
                return Some("BUTTON_URL_INVALID".into());
            }
        }
    }
    None
}
