//! Updates as Telegram sends them, shaped after teloxide's own test fixtures
//! (teloxide-core 0.13 `src/types/update.rs`, `message.rs`, `callback_query.rs`) and the Bot
//! API reference (https://core.telegram.org/bots/api#inlinequery) where teloxide has none.

use serde_json::{Value, json};

pub fn user(id: i64, first_name: &str) -> Value {
    json!({ "id": id, "is_bot": false, "first_name": first_name, "username": format!("{}{id}", first_name.to_lowercase()), "language_code": "en" })
}

fn entities(text: &str) -> Value {
    match text.strip_prefix('/') {
        Some(rest) => {
            let len = 1 + rest.find(char::is_whitespace).unwrap_or(rest.len());
            let len16 = text[..len].encode_utf16().count();
            json!([{ "offset": 0, "length": len16, "type": "bot_command" }])
        }
        None => json!([]),
    }
}

/// A text message in a private chat (fixture `update.rs`, test `message`).
pub fn private(update_id: i64, message_id: i64, user_id: i64, text: &str) -> Value {
    let mut m = json!({
        "update_id": update_id,
        "message": {
            "message_id": message_id,
            "from": user(user_id, "Waffle"),
            "chat": { "id": user_id, "first_name": "Waffle", "username": format!("waffle{user_id}"), "type": "private" },
            "date": 1569518342,
            "text": text,
            "link_preview_options": { "is_disabled": true }
        }
    });
    if text.starts_with('/') {
        m["message"]["entities"] = entities(text);
    }
    m
}

/// A command in a supergroup (fixture `update.rs`, test `issue_1107`).
pub fn group(update_id: i64, message_id: i64, chat_id: i64, user_id: i64, text: &str) -> Value {
    json!({
        "update_id": update_id,
        "message": {
            "chat": { "id": chat_id, "title": "GPU team", "type": "supergroup", "username": "gpu_team_chat" },
            "date": 1721592580,
            "entities": entities(text),
            "from": user(user_id, "Cable"),
            "message_id": message_id,
            "text": text
        }
    })
}

/// A message in a forum topic (fixture `message.rs`, test `topic_message`).
pub fn topic(update_id: i64, message_id: i64, chat_id: i64, thread: i64, user_id: i64, text: &str) -> Value {
    json!({
        "update_id": update_id,
        "message": {
            "chat": { "id": chat_id, "is_forum": true, "title": "twest", "type": "supergroup" },
            "date": 1675229140,
            "entities": entities(text),
            "from": user(user_id, "Wafel"),
            "is_topic_message": true,
            "message_id": message_id,
            "message_thread_id": thread,
            "reply_to_message": {
                "chat": { "id": chat_id, "is_forum": true, "title": "twest", "type": "supergroup" },
                "date": 1675229139,
                "forum_topic_created": { "icon_color": 9367192, "icon_custom_emoji_id": "5312536423851630001", "name": "GPUs" },
                "from": user(user_id, "Wafel"),
                "is_topic_message": true,
                "message_id": thread,
                "message_thread_id": thread
            },
            "text": text
        }
    })
}

/// A press on a button of a message the bot sent (`callback_query.rs` shape, with the
/// message as `sendMessage` returned it).
pub fn press(update_id: i64, user_id: i64, chat_id: i64, message_id: i64, data: &str) -> Value {
    let chat = if chat_id > 0 {
        json!({ "id": chat_id, "first_name": "Waffle", "username": format!("waffle{chat_id}"), "type": "private" })
    } else {
        json!({ "id": chat_id, "title": "GPU team", "type": "supergroup" })
    };
    json!({
        "update_id": update_id,
        "callback_query": {
            "id": format!("4382bfdwdsb323b2d9{update_id}"),
            "from": user(user_id, "Waffle"),
            "message": {
                "message_id": message_id,
                "from": { "id": super::BOT_ID, "is_bot": true, "first_name": "clorebot", "username": super::BOT_USERNAME },
                "chat": chat,
                "date": 1675229141,
                "text": "…",
                "reply_markup": { "inline_keyboard": [[{ "text": "…", "callback_data": data }]] }
            },
            "chat_instance": "-3762349473594986056",
            "data": data
        }
    })
}

/// The bot's membership in a chat changed (fixture `update.rs`, test `issue_523`).
pub fn membership(update_id: i64, chat: Value, by: i64, old: &str, new: &str) -> Value {
    let bot = json!({ "id": super::BOT_ID, "is_bot": true, "first_name": "clorebot", "username": super::BOT_USERNAME });
    let mut new_member = json!({ "user": bot, "status": new });
    if new == "kicked" {
        new_member["until_date"] = json!(0);
    }
    json!({
        "update_id": update_id,
        "my_chat_member": {
            "chat": chat,
            "from": user(by, "Admin"),
            "date": 1644677726,
            "old_chat_member": { "user": bot, "status": old },
            "new_chat_member": new_member
        }
    })
}

pub fn supergroup_chat(id: i64) -> Value {
    json!({ "id": id, "title": "GPU team", "type": "supergroup" })
}

/// `@bot <query>` typed in a chat of `chat_type` (Bot API `InlineQuery`: `id`, `from`,
/// `query`, `offset`, `chat_type`; teloxide-core 0.13 `src/types/inline_query.rs`).
pub fn inline_query(update_id: i64, user_id: i64, language: &str, chat_type: &str, query: &str) -> Value {
    let mut from = user(user_id, "Waffle");
    from["language_code"] = json!(language);
    json!({
        "update_id": update_id,
        "inline_query": {
            "id": format!("8765432109{update_id}"),
            "from": from,
            "query": query,
            "offset": "",
            "chat_type": chat_type
        }
    })
}

/// A card of an inline answer was chosen and posted (Bot API `ChosenInlineResult`:
/// `result_id`, `from`, `inline_message_id` when the message has an inline keyboard, `query`;
/// teloxide-core 0.13 `src/types/chosen_inline_result.rs`). Sent only with inline feedback
/// turned on at @BotFather.
pub fn chosen_inline_result(update_id: i64, user_id: i64, result_id: &str, query: &str) -> Value {
    json!({
        "update_id": update_id,
        "chosen_inline_result": {
            "result_id": result_id,
            "from": user(user_id, "Waffle"),
            "inline_message_id": "AgAAAJ8nAQBtcFkAAAAAAH9oQ1s",
            "query": query
        }
    })
}
