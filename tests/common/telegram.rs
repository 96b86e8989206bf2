//! A fake Telegram Bot API server for tests: serves the methods the front-end calls, records
//! every call, hands out queued updates to `getUpdates`, and enforces Telegram's limits for
//! bots — about one message a second per chat, 20 a minute per group, 30 a second overall —
//! answering 429 with `parameters.retry_after` as Telegram does. Message sends are counted
//! when they arrive, with 50 ms of slack for the network between the bot's clock and ours.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::wait::{self, Events};

pub const TOKEN: &str = "5010992967:AAHfakeTokenForTestsOnly_abcdefghijkl";
pub const BOT_ID: u64 = 5010992967;
pub const BOT_USERNAME: &str = "clore_test_bot";
const SLACK: Duration = Duration::from_millis(50);

/// Telegram's limits, and how the fake answers beyond them.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_chat_per_sec: usize,
    pub per_group_per_min: usize,
    pub overall_per_sec: usize,
}

impl Limits {
    pub const TELEGRAM: Limits = Limits { per_chat_per_sec: 1, per_group_per_min: 20, overall_per_sec: 30 };
    /// For tests about something else than throughput (both sides raised alike).
    pub const RAISED: Limits = Limits { per_chat_per_sec: 1000, per_group_per_min: 100_000, overall_per_sec: 100_000 };
}

/// One request the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    /// The JSON body (for multipart `sendPhoto`: `chat_id`, `message_thread_id`, `caption`).
    pub body: Value,
    pub at: Instant,
    /// 200, or the error Telegram would have answered (429, 400, 403).
    pub status: u16,
    /// The id of the message a send made.
    pub message_id: Option<i64>,
}

impl Call {
    pub fn chat(&self) -> i64 {
        as_i64(&self.body["chat_id"])
    }
    pub fn text(&self) -> String {
        self.body["text"].as_str().or(self.body["caption"].as_str()).unwrap_or_default().to_owned()
    }
    pub fn thread(&self) -> Option<i64> {
        self.body.get("message_thread_id").map(as_i64)
    }
    /// The inline keyboard's buttons: (label, callback data), row by row.
    pub fn buttons(&self) -> Vec<(String, String)> {
        let rows = self.body["reply_markup"]["inline_keyboard"].as_array().cloned().unwrap_or_default();
        rows.iter()
            .flat_map(|r| r.as_array().cloned().unwrap_or_default())
            .map(|b| {
                (b["text"].as_str().unwrap_or("").to_owned(), b["callback_data"].as_str().unwrap_or("").to_owned())
            })
            .collect()
    }
    /// The copy buttons (Bot API 7.11 `copy_text`): (label, text copied).
    pub fn copies(&self) -> Vec<(String, String)> {
        let rows = self.body["reply_markup"]["inline_keyboard"].as_array().cloned().unwrap_or_default();
        rows.iter()
            .flat_map(|r| r.as_array().cloned().unwrap_or_default())
            .filter_map(|b| Some((b["text"].as_str()?.to_owned(), b["copy_text"]["text"].as_str()?.to_owned())))
            .collect()
    }
    /// The URL buttons: (label, URL).
    pub fn links(&self) -> Vec<(String, String)> {
        let rows = self.body["reply_markup"]["inline_keyboard"].as_array().cloned().unwrap_or_default();
        rows.iter()
            .flat_map(|r| r.as_array().cloned().unwrap_or_default())
            .filter_map(|b| Some((b["text"].as_str()?.to_owned(), b["url"].as_str()?.to_owned())))
            .collect()
    }
    /// The keyboard row by row: each button's label.
    pub fn rows(&self) -> Vec<Vec<String>> {
        let rows = self.body["reply_markup"]["inline_keyboard"].as_array().cloned().unwrap_or_default();
        rows.iter()
            .map(|r| r.as_array().into_iter().flatten().map(|b| b["text"].as_str().unwrap_or("").to_owned()).collect())
            .collect()
    }
    pub fn button(&self, label_starts: &str) -> String {
        self.buttons()
            .into_iter()
            .find(|(l, _)| l.starts_with(label_starts))
            .unwrap_or_else(|| panic!("no button {label_starts:?} in {:?}", self.buttons()))
            .1
    }
}

fn as_i64(v: &Value) -> i64 {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).unwrap_or(0)
}

#[derive(Default)]
struct State_ {
    calls: Vec<Call>,
    updates: VecDeque<Value>,
    /// Accepted sends: when, and to which chat.
    sent: VecDeque<(Instant, i64)>,
    next_message_id: i64,
    /// Users who never started the bot, or blocked it: sends to them answer 403.
    not_started: HashSet<i64>,
    /// Chats the bot was removed from.
    kicked: HashSet<i64>,
    /// Chats where the bot may not delete messages.
    no_delete_right: HashSet<i64>,
    /// (chat, user) pairs that administer the chat.
    admins: HashSet<(i64, i64)>,
    /// (chat, user) pairs where the user is not in the chat (`getChatMember` says `left`;
    /// everyone else is a member).
    left: HashSet<(i64, i64)>,
    /// Next sends answered 429 with this retry_after, regardless of limits.
    forced_429: VecDeque<u32>,
    /// Text of messages the bot sent, by (chat, message id), for edits to change.
    texts: HashMap<(i64, i64), String>,
    /// The highest update id queued so far.
    last_pushed: i64,
    /// The webhook `setWebhook` set (empty: none, as Telegram says it).
    webhook_url: String,
    /// What `getWebhookInfo` reports of the last failed delivery: (Unix time, message).
    webhook_error: Option<(i64, String)>,
    /// Updates Telegram holds for the webhook.
    pending: u32,
    /// `getMe`'s `supports_inline_queries` (inline mode, set with @BotFather's /setinline).
    inline: bool,
    /// The command menus `setMyCommands` set, by language code ("" for the default).
    menus: HashMap<String, Value>,
}

#[derive(Clone)]
pub struct FakeTelegram {
    state: Arc<Mutex<State_>>,
    news: Arc<tokio::sync::Notify>,
    limits: Limits,
    pub addr: SocketAddr,
    /// Signalled on every call recorded.
    pub events: Events,
}

impl FakeTelegram {
    pub async fn start(limits: Limits) -> FakeTelegram {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let fake = FakeTelegram {
            state: Arc::new(Mutex::new(State_ { next_message_id: 1000, ..State_::default() })),
            news: Arc::new(tokio::sync::Notify::new()),
            limits,
            addr,
            events: Events::default(),
        };
        let app = Router::new().route("/{bot}/{method}", post(method)).with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        fake
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues an update for `getUpdates`.
    pub fn push(&self, update: Value) {
        let mut s = self.state.lock().unwrap();
        s.last_pushed = s.last_pushed.max(update["update_id"].as_i64().unwrap_or(0));
        s.updates.push_back(update);
        drop(s);
        self.news.notify_waiters();
    }

    /// Waits until the bot has taken every update queued so far: it asks `getUpdates` for
    /// what comes after them (the bot moves its offset past an update once it has handed it
    /// to a task of its own).
    pub async fn handed_on(&self) {
        let last = self.state.lock().unwrap().last_pushed;
        self.wait_for(wait::WAIT, |c| {
            c.iter().any(|c| c.method == "getUpdates" && c.body["offset"].as_i64().unwrap_or(0) > last)
        })
        .await;
    }

    /// How many calls were made so far (a mark for [`FakeTelegram::calls_from`]).
    pub fn len(&self) -> usize {
        self.state.lock().unwrap().calls.len()
    }

    /// The calls from the `i`th on.
    pub fn calls_from(&self, i: usize) -> Vec<Call> {
        let s = self.state.lock().unwrap();
        s.calls.get(i..).map(<[Call]>::to_vec).unwrap_or_default()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().unwrap().calls.clone()
    }

    /// Successful calls of `method`.
    pub fn ok(&self, method: &str) -> Vec<Call> {
        self.calls().into_iter().filter(|c| c.method == method && c.status == 200).collect()
    }

    /// Messages (and photos) delivered to `chat`.
    pub fn sent_to(&self, chat: i64) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| (c.method == "sendMessage" || c.method == "sendPhoto") && c.status == 200 && c.chat() == chat)
            .collect()
    }

    pub fn too_many(&self) -> usize {
        self.calls().iter().filter(|c| c.status == 429).count()
    }

    pub fn not_started(&self, user: i64) {
        self.state.lock().unwrap().not_started.insert(user);
    }
    pub fn kick(&self, chat: i64) {
        self.state.lock().unwrap().kicked.insert(chat);
    }
    pub fn deny_delete(&self, chat: i64) {
        self.state.lock().unwrap().no_delete_right.insert(chat);
    }
    pub fn make_admin(&self, chat: i64, user: i64) {
        self.state.lock().unwrap().admins.insert((chat, user));
    }
    /// `user` is not in `chat` (left it, or never joined).
    pub fn not_member(&self, chat: i64, user: i64) {
        self.state.lock().unwrap().left.insert((chat, user));
    }
    pub fn force_429(&self, retry_after: u32) {
        self.state.lock().unwrap().forced_429.push_back(retry_after);
    }
    /// The webhook as Telegram would report it after failing to deliver to it: `url` set,
    /// `pending` updates held, and the last error's message.
    pub fn webhook_failing(&self, url: &str, pending: u32, message: &str) {
        let mut s = self.state.lock().unwrap();
        s.webhook_url = url.to_owned();
        s.pending = pending;
        s.webhook_error = Some((1_765_000_000, message.to_owned()));
    }
    /// Inline mode on or off (what `getMe` says).
    pub fn inline_mode(&self, on: bool) {
        self.state.lock().unwrap().inline = on;
    }

    /// Waits until `pred` holds for the calls made so far (looking again on each call, up to
    /// `within`), and returns them.
    pub async fn wait_for(&self, within: Duration, pred: impl Fn(&[Call]) -> bool) -> Vec<Call> {
        let found = wait::try_wait_for(within, wait::on(&self.events), async || {
            let calls = self.calls();
            pred(&calls).then_some(calls)
        })
        .await;
        found.unwrap_or_else(|| panic!("timed out waiting; calls so far: {:#?}", summary(&self.calls())))
    }

    /// Waits for the `n`th successful call of `method` (counting from 1) and returns it.
    pub async fn nth(&self, method: &str, n: usize) -> Call {
        self.wait_for(Duration::from_secs(15), |c| {
            c.iter().filter(|c| c.method == method && c.status == 200).count() >= n
        })
        .await;
        self.ok(method)[n - 1].clone()
    }

    /// Limits of message sending: which, if any, this send to `chat` would break now.
    fn limited(&self, s: &mut State_, chat: i64, now: Instant) -> Option<u32> {
        if let Some(after) = s.forced_429.pop_front() {
            return Some(after);
        }
        while s.sent.front().is_some_and(|(t, _)| now.duration_since(*t) >= Duration::from_secs(60)) {
            s.sent.pop_front();
        }
        let within = |s: &State_, span: Duration, chat: Option<i64>| {
            s.sent.iter().filter(|(t, c)| now.duration_since(*t) + SLACK < span && chat.is_none_or(|x| x == *c)).count()
        };
        if within(s, Duration::from_secs(1), None) >= self.limits.overall_per_sec
            || within(s, Duration::from_secs(1), Some(chat)) >= self.limits.per_chat_per_sec
        {
            return Some(1);
        }
        if chat < 0 && within(s, Duration::from_secs(60), Some(chat)) >= self.limits.per_group_per_min {
            let oldest = s.sent.iter().find(|(_, c)| *c == chat).map(|(t, _)| *t).unwrap_or(now);
            let wait = Duration::from_secs(60).saturating_sub(now.duration_since(oldest));
            return Some(wait.as_secs() as u32 + 1);
        }
        None
    }
}

fn summary(calls: &[Call]) -> Vec<String> {
    calls.iter().map(|c| format!("{} {} {}", c.status, c.method, clip(&c.body.to_string()))).collect()
}

pub fn clip(s: &str) -> String {
    s.chars().take(300).collect()
}

fn ok(result: Value) -> Response {
    (StatusCode::OK, axum::Json(json!({ "ok": true, "result": result }))).into_response()
}

fn error(code: u16, description: &str, parameters: Option<Value>) -> Response {
    let mut body = json!({ "ok": false, "error_code": code, "description": description });
    if let Some(p) = parameters {
        body["parameters"] = p;
    }
    (StatusCode::from_u16(code).unwrap(), axum::Json(body)).into_response()
}

/// Reads the fields of a multipart body the way `sendPhoto` sends them (a file reads `<file>`).
fn multipart_fields(content_type: &str, body: &[u8]) -> Value {
    let fields = super::form_parts(content_type, body).into_iter().map(|p| {
        let value =
            if p.filename.is_some() { "<file>".to_owned() } else { String::from_utf8_lossy(p.data).into_owned() };
        (p.name, Value::String(value))
    });
    Value::Object(fields.collect())
}

fn chat_json(id: i64) -> Value {
    if id > 0 {
        json!({ "id": id, "first_name": "Tester", "type": "private" })
    } else {
        json!({ "id": id, "title": "GPU team", "type": "supergroup" })
    }
}

fn bot_user() -> Value {
    json!({ "id": BOT_ID, "is_bot": true, "first_name": "clorebot", "username": BOT_USERNAME })
}

async fn method(
    State(fake): State<FakeTelegram>,
    Path((bot, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Telegram reads method names case-insensitively (teloxide writes `GetMe`).
    let method = {
        let mut c = method.chars();
        c.next().map(|f| f.to_ascii_lowercase().to_string() + c.as_str()).unwrap_or_default()
    };
    if bot != format!("bot{TOKEN}") {
        return error(401, "Unauthorized", None);
    }
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let body: Value = if content_type.starts_with("multipart/form-data") {
        multipart_fields(content_type, &body)
    } else {
        serde_json::from_slice(&body).unwrap_or(json!({}))
    };
    if method == "getUpdates" {
        return get_updates(&fake, &body).await;
    }
    let now = Instant::now();
    let mut s = fake.state.lock().unwrap();
    let chat = as_i64(&body["chat_id"]);
    let mut made = None;
    let (status, response) = match method.as_str() {
        "getMe" => (
            200,
            ok(json!({
                "id": BOT_ID, "is_bot": true, "first_name": "clorebot", "username": BOT_USERNAME,
                "can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": s.inline,
                "can_connect_to_business": false, "has_main_web_app": false
            })),
        ),
        // Bot API `MenuButton`: `commands`, `web_app` (with `text` and `web_app`) or `default`.
        "setChatMenuButton" => match body["menu_button"]["type"].as_str() {
            Some("commands" | "default" | "web_app") | None => (200, ok(json!(true))),
            Some(_) => (400, error(400, "Bad Request: BUTTON_TYPE_INVALID", None)),
        },
        "setMyCommands" => {
            let lang = body["language_code"].as_str().unwrap_or_default().to_owned();
            s.menus.insert(lang, body["commands"].clone());
            (200, ok(json!(true)))
        }
        // An array of BotCommand (core.telegram.org/bots/api#getmycommands): empty when none is set.
        "getMyCommands" => {
            let lang = body["language_code"].as_str().unwrap_or_default();
            (200, ok(s.menus.get(lang).cloned().unwrap_or(json!([]))))
        }
        "setWebhook" => {
            s.webhook_url = body["url"].as_str().unwrap_or_default().to_owned();
            (200, ok(json!(true)))
        }
        "deleteWebhook" => {
            s.webhook_url.clear();
            s.webhook_error = None;
            (200, ok(json!(true)))
        }
        // WebhookInfo (core.telegram.org/bots/api#webhookinfo): `url` empty when none is set;
        // `last_error_date` and `last_error_message` only after a failed delivery.
        "getWebhookInfo" => {
            let mut info =
                json!({ "url": s.webhook_url, "has_custom_certificate": false, "pending_update_count": s.pending });
            if !s.webhook_url.is_empty() {
                info["max_connections"] = json!(40);
                info["ip_address"] = json!("203.0.113.7");
            }
            if let Some((date, message)) = &s.webhook_error {
                info["last_error_date"] = json!(date);
                info["last_error_message"] = json!(message);
            }
            (200, ok(info))
        }
        "answerCallbackQuery" => (200, ok(json!(true))),
        "answerInlineQuery" => match inline::answer_problem(&body) {
            None => (200, ok(json!(true))),
            Some(why) => (400, error(400, &format!("Bad Request: {why}"), None)),
        },
        "deleteMessage" if s.no_delete_right.contains(&chat) => {
            (400, error(400, "Bad Request: message can't be deleted", None))
        }
        "deleteMessage" => (200, ok(json!(true))),
        "getChatMember" => {
            let user = as_i64(&body["user_id"]);
            let status = if s.admins.contains(&(chat, user)) {
                "administrator"
            } else if s.left.contains(&(chat, user)) {
                "left"
            } else {
                "member"
            };
            let mut member = json!({
                "user": { "id": user, "is_bot": false, "first_name": "First", "last_name": "Last", "username": "fl", "language_code": "en" },
                "status": status
            });
            if status == "administrator" {
                for (k, v) in [
                    ("is_anonymous", false),
                    ("can_be_edited", false),
                    ("can_manage_chat", true),
                    ("can_change_info", true),
                    ("can_delete_messages", true),
                    ("can_manage_video_chats", true),
                    ("can_invite_users", true),
                    ("can_restrict_members", true),
                    ("can_pin_messages", true),
                    ("can_promote_members", true),
                ] {
                    member[k] = json!(v);
                }
            }
            (200, ok(member))
        }
        "sendMessage" | "sendPhoto" | "editMessageText" if keyboard::problem(&body).is_some() => {
            (400, error(400, keyboard::problem(&body).unwrap_or_default(), None))
        }
        "sendMessage" | "sendPhoto" => {
            if s.kicked.contains(&chat) {
                (403, error(403, "Forbidden: bot was kicked from the supergroup chat", None))
            } else if s.not_started.contains(&chat) {
                (403, error(403, "Forbidden: bot can't initiate conversation with a user", None))
            } else if let Some(after) = fake.limited(&mut s, chat, now) {
                let d = format!("Too Many Requests: retry after {after}");
                (429, error(429, &d, Some(json!({ "retry_after": after }))))
            } else {
                s.sent.push_back((now, chat));
                s.next_message_id += 1;
                let id = s.next_message_id;
                made = Some(id);
                let text = body["text"].as_str().or(body["caption"].as_str()).unwrap_or("").to_owned();
                s.texts.insert((chat, id), text.clone());
                let mut m =
                    json!({ "message_id": id, "from": bot_user(), "chat": chat_json(chat), "date": 1_700_000_000 });
                if method == "sendPhoto" {
                    m["photo"] = json!([{ "file_id": "AgAD", "file_unique_id": "AQAD", "width": 800, "height": 450, "file_size": 30000 }]);
                    m["caption"] = json!(text);
                } else {
                    m["text"] = json!(text);
                }
                if let Some(t) = body.get("message_thread_id") {
                    m["message_thread_id"] = json!(as_i64(t));
                    m["is_topic_message"] = json!(true);
                }
                (200, ok(m))
            }
        }
        "editMessageText" => {
            let id = as_i64(&body["message_id"]);
            let text = body["text"].as_str().unwrap_or("").to_owned();
            match s.texts.get(&(chat, id)) {
                None => (400, error(400, "Bad Request: message to edit not found", None)),
                Some(old) if *old == text && body.get("reply_markup").is_none() => (
                    400,
                    error(
                        400,
                        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
                        None,
                    ),
                ),
                Some(_) => {
                    s.texts.insert((chat, id), text.clone());
                    (
                        200,
                        ok(
                            json!({ "message_id": id, "from": bot_user(), "chat": chat_json(chat), "date": 1_700_000_000, "edit_date": 1_700_000_100, "text": text }),
                        ),
                    )
                }
            }
        }
        _ => (404, error(404, "Not Found: method not found", None)),
    };
    s.calls.push(Call { method, body, at: now, status, message_id: made });
    drop(s);
    fake.events.signal();
    response
}

/// Long polling: answers with the queued updates from `offset` on, waiting up to `timeout`
/// seconds for some to arrive. Updates before `offset` are confirmed and forgotten.
async fn get_updates(fake: &FakeTelegram, body: &Value) -> Response {
    let offset = body["offset"].as_i64().unwrap_or(0);
    let timeout = Duration::from_secs(body["timeout"].as_u64().unwrap_or(0));
    let deadline = Instant::now() + timeout;
    loop {
        let notified = fake.news.notified();
        let ready: Vec<Value> = {
            let mut s = fake.state.lock().unwrap();
            s.updates.retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
            s.calls.push(Call {
                method: "getUpdates".into(),
                body: body.clone(),
                at: Instant::now(),
                status: 200,
                message_id: None,
            });
            s.updates.iter().take(100).cloned().collect()
        };
        fake.events.signal();
        if !ready.is_empty() || Instant::now() >= deadline {
            return ok(Value::Array(ready));
        }
        let _ = tokio::time::timeout(deadline.saturating_duration_since(Instant::now()), notified).await;
    }
}

/// Updates as Telegram sends them (`telegram/updates.rs`).
pub mod updates;

/// The bot against the fake, and what a test does with it (`telegram/app.rs`).
pub mod app;

/// Telegram's checks of an inline keyboard (`telegram/keyboard.rs`).
mod keyboard;

/// Telegram's checks of an inline query's answer (`telegram/inline.rs`).
mod inline;

impl Limits {
    /// The same limits on the bot's side (its send scheduler keeps to them).
    pub fn ours(self) -> clorebot::notify::schedule::Limits {
        use clorebot::notify::schedule::{Limits as Ours, Rate};
        let second = Duration::from_secs(1);
        Ours {
            per_chat: Rate::new(self.per_chat_per_sec as u32, second),
            per_group: Some(Rate::new(self.per_group_per_min as u32, Duration::from_secs(60))),
            overall: Rate::new(self.overall_per_sec as u32, second),
        }
    }
}

/// The bot's Telegram settings against `fake`: its limits as the fake's, long polling unless
/// a webhook URL is given, at most `max_waiting` of work waiting.
pub fn bot_config(
    fake: &FakeTelegram,
    limits: Limits,
    max_waiting: usize,
    webhook: Option<&str>,
) -> clorebot::config::TelegramConfig {
    clorebot::config::TelegramConfig {
        token: secrecy::SecretString::from(TOKEN),
        api_url: url::Url::parse(&fake.url()).unwrap(),
        webhook_url: webhook.map(|u| url::Url::parse(u).unwrap()),
        webhook_secret: secrecy::SecretString::from("hook-Secret_123"),
        limits: limits.ours(),
        max_waiting,
        poll_timeout: Duration::from_secs(2),
    }
}
