//! A fake Discord REST API for tests (serenity reaches it through its proxy setting): the
//! routes the front-end uses, every call recorded, and Discord's limits — 50 requests a
//! second in all (interaction endpoints apart, as on Discord), 5 messages per 5 s per
//! channel — enforced with a 429 whose body carries
//! `retry_after`, as Discord's does. A message over Discord's size limits (content, embeds,
//! components) is refused with 400 and code 50035, as Discord refuses it; and the first
//! follow-up to a deferred command that was not edited yet *becomes* its original response,
//! keeping the deferral's visibility — a rule the bot must never trip over.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::wait::{self, Events};

pub mod app;
mod gateway;
mod limits;
#[allow(unused_imports)]
pub use app::{DiscordApp, post_signed, query, sign};
pub use gateway::FakeGateway;
#[allow(unused_imports)]
pub use limits::invalid_autocomplete;
use limits::invalid_message;

pub const APP_ID: u64 = 1311111111111111111;

/// An interaction as Discord sends it (tests/fixtures/discord).
pub fn fixture(name: &str) -> Value {
    let raw = std::fs::read(format!("{}/tests/fixtures/discord/{name}.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_slice(&raw).unwrap()
}

/// The bot's configuration against `fake`: HTTP interactions signed with `key` when given,
/// the gateway when `gateway`.
pub fn config(
    fake: &FakeDiscord,
    key: Option<&ed25519_dalek::SigningKey>,
    gateway: bool,
) -> clorebot::config::DiscordConfig {
    clorebot::config::DiscordConfig {
        token: secrecy::SecretString::from(TOKEN),
        application_id: Some(APP_ID),
        public_key: key.map(|k| hex::encode(k.verifying_key().to_bytes())),
        gateway,
        api_url: url::Url::parse(&fake.url()).unwrap(),
        guild_id: None,
    }
}
/// The DM channel the fake opens with a user: its own per user.
pub fn dm_channel(user: &str) -> String {
    let n: u64 = user.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    (1_390_000_000_000_000_000 + n % 1_000_000_000_000_000).to_string()
}

pub const TOKEN: &str = "MTMxMTExMTExMTExMTExMTExMQ.fake.bot-token-for-tests";

/// A select menu's options as a user sees them: (label, value, shown as chosen).
pub type MenuOptions = Vec<(String, String, bool)>;

#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub body: Value,
    pub status: u16,
    pub at: Instant,
    /// A follow-up that Discord made the original response (see the module's notes); its
    /// `flags` are then the deferral's.
    pub original: bool,
}

impl Call {
    /// Files uploaded with the call (multipart `files[n]`): `(file name, size, is a PNG)`.
    pub fn files(&self) -> Vec<(String, u64, bool)> {
        self.body["_files"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                (
                    f["filename"].as_str().unwrap_or_default().to_owned(),
                    f["size"].as_u64().unwrap_or(0),
                    f["png"] == true,
                )
            })
            .collect()
    }

    pub fn content(&self) -> String {
        self.body["content"].as_str().unwrap_or_default().to_owned()
    }
    /// What a user sees of the message: its content, then its embeds' titles, descriptions
    /// and fields (`name: value`, a blank name left out), line by line.
    pub fn shown(&self) -> String {
        let mut lines = vec![self.content()];
        for e in self.body["embeds"].as_array().into_iter().flatten() {
            for k in ["title", "description"] {
                lines.push(e[k].as_str().unwrap_or_default().to_owned());
            }
            for f in e["fields"].as_array().into_iter().flatten() {
                let (name, value) = (f["name"].as_str().unwrap_or_default(), f["value"].as_str().unwrap_or_default());
                lines.push(if name == "\u{200b}" { value.to_owned() } else { format!("{name}: {value}") });
            }
        }
        lines.retain(|l| !l.is_empty());
        lines.join("\n")
    }
    pub fn ephemeral(&self) -> bool {
        self.body["flags"].as_u64().is_some_and(|f| f & 64 != 0)
    }
    /// The components of type `kind` (2 a button, 3 a string select), row by row.
    fn components(&self, kind: u64) -> Vec<Value> {
        let rows = self.body["components"].as_array().into_iter().flatten();
        rows.flat_map(|r| r["components"].as_array().cloned().unwrap_or_default())
            .filter(|c| c["type"] == kind)
            .collect()
    }
    /// The buttons: (label, custom id), row by row.
    pub fn buttons(&self) -> Vec<(String, String)> {
        self.components(2)
            .iter()
            .map(|b| (b["label"].as_str().unwrap_or("").to_owned(), b["custom_id"].as_str().unwrap_or("").to_owned()))
            .collect()
    }
    /// The string selects: (placeholder, custom id, options).
    pub fn menus(&self) -> Vec<(String, String, MenuOptions)> {
        let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
        self.components(3)
            .iter()
            .map(|m| {
                let options = m["options"].as_array().cloned().unwrap_or_default();
                let options = options.iter().map(|o| (text(&o["label"]), text(&o["value"]), o["default"] == true));
                (text(&m["placeholder"]), text(&m["custom_id"]), options.collect())
            })
            .collect()
    }

    /// The menu whose placeholder starts `placeholder`: (custom id, its options).
    pub fn menu(&self, placeholder: &str) -> (String, MenuOptions) {
        let (_, id, options) = self
            .menus()
            .into_iter()
            .find(|(p, _, _)| p.starts_with(placeholder))
            .unwrap_or_else(|| panic!("no menu {placeholder:?} in {:?}", self.menus()));
        (id, options)
    }

    pub fn button(&self, label_starts: &str) -> String {
        self.buttons()
            .into_iter()
            .find(|(l, _)| l.starts_with(label_starts))
            .unwrap_or_else(|| panic!("no button {label_starts:?} in {:?}", self.buttons()))
            .1
    }
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    recent: VecDeque<Instant>,
    next_id: u64,
    /// What `GET /gateway` answers (a [`FakeGateway`]'s address).
    gateway_url: Option<String>,
    /// Messages accepted per channel, for the 5-per-5-s limit.
    posted: std::collections::HashMap<String, VecDeque<Instant>>,
    /// Answer the next requests 429 (with this retry_after), whatever the limits.
    forced_429: VecDeque<f64>,
    /// Interactions answered with a deferral (type 5), by token: the deferral's flags.
    deferred: std::collections::HashMap<String, u64>,
    /// How far the fake's clock is ahead of the system's (see [`FakeDiscord::advance`]).
    ahead: Duration,
    /// The application's public key, as hex (`verify_key` in `GET /applications/@me`).
    verify_key: String,
    /// The application's Interactions Endpoint URL, if one is set.
    endpoint_url: Option<String>,
    /// The commands registered (the last bulk overwrite), by guild id ("" for global ones).
    registered: std::collections::HashMap<String, Value>,
    /// Channels the bot is not in (a group DM, a server only a user install reaches): a
    /// message posted there is refused 403, code 50001 Missing Access.
    not_in: std::collections::HashSet<String>,
    /// The application's `integration_types_config` (`GET /applications/@me`).
    installs: Value,
}

/// Both installs on, with the default install settings Discord's docs show for each
/// (resources/application, "Example Application Object") and the permissions alerts need.
pub fn both_installs() -> Value {
    json!({
        "0": { "oauth2_install_params": { "scopes": ["applications.commands", "bot"], "permissions": "274877959168" } },
        "1": { "oauth2_install_params": { "scopes": ["applications.commands"], "permissions": "0" } }
    })
}

/// The application's public key until a test sets its own ([`FakeDiscord::verify_key`]).
pub const VERIFY_KEY: &str = "8b3a3c0e0f7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170605f4e3";

#[derive(Clone)]
pub struct FakeDiscord {
    inner: Arc<Mutex<Inner>>,
    pub addr: SocketAddr,
    /// Signalled on every call recorded.
    pub events: Events,
}

const GLOBAL_PER_SEC: usize = 50;
const PER_CHANNEL: usize = 5;
const CHANNEL_SPAN: Duration = Duration::from_secs(5);

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let fake = FakeDiscord {
            inner: Arc::new(Mutex::new(Inner {
                next_id: 1400000000000000000,
                verify_key: VERIFY_KEY.to_owned(),
                installs: both_installs(),
                ..Inner::default()
            })),
            addr,
            events: Events::default(),
        };
        let app = Router::new().fallback(handle).with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        fake
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Sends the bot to `gateway` when it asks where the gateway is.
    pub fn use_gateway(&self, gateway: &FakeGateway) {
        self.inner.lock().unwrap().gateway_url = Some(gateway.url());
    }

    /// The calls so far. A follow-up that came while its deferred command had no original
    /// response yet is marked as having become it, with the deferral's visibility.
    /// How many calls were made so far (a mark for [`FakeDiscord::calls_from`]).
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap().calls.len()
    }

    /// The calls from the `i`th on, as made (no follow-up marked as an original).
    pub fn calls_from(&self, i: usize) -> Vec<Call> {
        let s = self.inner.lock().unwrap();
        s.calls.get(i..).map(<[Call]>::to_vec).unwrap_or_default()
    }

    pub fn calls(&self) -> Vec<Call> {
        let s = self.inner.lock().unwrap();
        let mut filled = std::collections::HashSet::new();
        let mut calls = s.calls.clone();
        for c in &mut calls {
            let parts: Vec<&str> = c.path.trim_start_matches("/api/v10/").split('/').collect();
            match (c.method.as_str(), parts.as_slice()) {
                ("PATCH", ["webhooks", _, token, "messages", "@original"]) if c.status == 200 => {
                    // The original keeps the deferral's visibility.
                    if let Some(flags) = s.deferred.get(*token) {
                        c.body["flags"] = json!(flags);
                    }
                    filled.insert(token.to_string());
                }
                ("POST", ["webhooks", _, token]) if c.status == 200 => {
                    if let Some(flags) = s.deferred.get(*token)
                        && filled.insert(token.to_string())
                    {
                        c.original = true;
                        c.body["flags"] = json!(flags);
                    }
                }
                _ => {}
            }
        }
        calls
    }

    /// The interaction with `token` was answered with a deferral (type 5) with `flags`.
    pub fn deferred(&self, token: &str, flags: u64) {
        self.inner.lock().unwrap().deferred.insert(token.to_owned(), flags);
    }

    pub fn force_429(&self, retry_after: f64) {
        self.inner.lock().unwrap().forced_429.push_back(retry_after);
    }

    /// The application's Interactions Endpoint URL (what `GET /applications/@me` says).
    pub fn interactions_endpoint(&self, url: Option<&str>) {
        self.inner.lock().unwrap().endpoint_url = url.map(str::to_owned);
    }

    /// The application's public key becomes `key`'s (what `GET /applications/@me` says).
    pub fn verify_key(&self, key: &ed25519_dalek::SigningKey) {
        self.inner.lock().unwrap().verify_key = hex::encode(key.verifying_key().to_bytes());
    }

    /// The bot is not in `channel`: Discord refuses its messages there.
    pub fn not_in(&self, channel: &str) {
        self.inner.lock().unwrap().not_in.insert(channel.to_owned());
    }

    /// The application's `integration_types_config` becomes `installs`.
    pub fn installs(&self, installs: Value) {
        self.inner.lock().unwrap().installs = installs;
    }

    /// `by` passes at once for the fake's limits (its windows age).
    pub fn advance(&self, by: Duration) {
        self.inner.lock().unwrap().ahead += by;
    }

    pub fn too_many(&self) -> usize {
        self.calls().iter().filter(|c| c.status == 429).count()
    }

    /// Calls to the interaction with `token` (edits of the original response, follow-ups).
    pub fn for_interaction(&self, token: &str) -> Vec<Call> {
        self.calls().into_iter().filter(|c| c.path.contains(&format!("/webhooks/{APP_ID}/{token}"))).collect()
    }

    /// Waits until `pred` holds for the calls made so far (looking again on each call, up to
    /// `within`), and returns them.
    pub async fn wait_for(&self, within: Duration, pred: impl Fn(&[Call]) -> bool) -> Vec<Call> {
        let found = wait::try_wait_for(within, wait::on(&self.events), async || {
            let calls = self.calls();
            pred(&calls).then_some(calls)
        })
        .await;
        found.unwrap_or_else(|| {
            let calls = self.calls();
            panic!(
                "timed out waiting; {} calls ({} × 429), the last ones: {:#?}",
                calls.len(),
                calls.iter().filter(|c| c.status == 429).count(),
                calls
                    .iter()
                    .rev()
                    .take(20)
                    .map(|c| format!("{} {} {} {}", c.status, c.method, c.path, c.body))
                    .collect::<Vec<_>>()
            )
        })
    }
}

/// A multipart body as Discord reads one: `payload_json` is the message; each `files[n]`
/// part is listed under `_files` (field, file name, size, whether it is a PNG).
fn multipart(content_type: &str, body: &[u8]) -> Value {
    let mut payload = json!({});
    let mut files = Vec::new();
    for p in super::form_parts(content_type, body) {
        match &p.filename {
            None if p.name == "payload_json" => payload = serde_json::from_slice(p.data).unwrap_or(Value::Null),
            Some(f) => files.push(json!({
                "field": p.name, "filename": f, "size": p.data.len(), "png": p.data.starts_with(b"\x89PNG\r\n\x1a\n"),
            })),
            None => {}
        }
    }
    payload["_files"] = Value::Array(files);
    payload
}

fn message(id: u64, channel: &str, body: &Value) -> Value {
    json!({
        "id": id.to_string(), "channel_id": channel, "type": 20,
        "content": body["content"].as_str().unwrap_or(""),
        "author": { "id": APP_ID.to_string(), "username": "clorebot", "global_name": null, "discriminator": "4821",
                    "avatar": null, "bot": true, "public_flags": 0 },
        "timestamp": "2026-01-15T12:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": body["embeds"].as_array().cloned().unwrap_or_default(),
        "pinned": false, "flags": body["flags"].as_u64().unwrap_or(0),
        "application_id": APP_ID.to_string(), "webhook_id": APP_ID.to_string(),
        "components": body["components"].clone()
    })
}

async fn handle(
    State(fake): State<FakeDiscord>,
    method: Method,
    uri: Uri,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let body: Value = if content_type.starts_with("multipart/form-data") {
        multipart(content_type, &body)
    } else {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    };
    let mut s = fake.inner.lock().unwrap();
    let now = Instant::now() + s.ahead;
    while s.recent.front().is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1)) {
        s.recent.pop_front();
    }
    let parts: Vec<&str> = path.trim_start_matches("/api/v10/").split('/').collect();
    // Messages in one channel: 5 per 5 s (with 50 ms of slack for the network).
    let channel_full = match (method.as_str(), parts.as_slice()) {
        ("POST", ["channels", channel, "messages"]) => {
            let posted = s.posted.entry((*channel).to_owned()).or_default();
            while posted.front().is_some_and(|t| now.duration_since(*t) + Duration::from_millis(50) >= CHANNEL_SPAN) {
                posted.pop_front();
            }
            (posted.len() >= PER_CHANNEL).then(|| CHANNEL_SPAN.as_secs_f64())
        }
        _ => None,
    };
    let forced = s.forced_429.pop_front();
    let mut limit_headers: Vec<(&str, String)> = Vec::new();
    // Interaction endpoints (the callback, the interaction's webhook) are not bound to the
    // bot's global limit (Discord's docs: rate-limits, "Global Rate Limit").
    let interaction = matches!(parts.as_slice(), ["webhooks", ..] | ["interactions", _, _, "callback"]);
    let over_global = !interaction && s.recent.len() >= GLOBAL_PER_SEC;
    let limited = over_global.then_some(1.0).or(channel_full).or(forced);
    let message_body = match (method.as_str(), parts.as_slice()) {
        ("PATCH", ["webhooks", _, _, "messages", _])
        | ("POST", ["webhooks", _, _])
        | ("POST", ["channels", _, "messages"]) => Some(&body),
        ("POST", ["interactions", _, _, "callback"]) if matches!(body["type"].as_u64(), Some(4 | 7)) => {
            Some(&body["data"])
        }
        _ => None,
    };
    let invalid = message_body.and_then(|b| invalid_message(b, method != Method::PATCH));
    // The bot's own routes answer 401 to any other token, as Discord does.
    let authorized = headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bot {TOKEN}"));
    let own = matches!(parts.as_slice(), ["users", "@me"] | ["applications", "@me"]);
    let absent = match (method.as_str(), parts.as_slice()) {
        ("POST", ["channels", channel, "messages"]) => s.not_in.contains(*channel),
        _ => false,
    };
    let (status, answer): (u16, Value) = if own && !authorized {
        (401, json!({ "message": "401: Unauthorized", "code": 0 }))
    } else if absent {
        (403, json!({ "message": "Missing Access", "code": 50001 }))
    } else if let Some(after) = limited {
        (
            429,
            json!({ "message": "You are being rate limited.", "retry_after": after, "global": channel_full.is_none() }),
        )
    } else if let Some(why) = invalid {
        (
            400,
            json!({ "message": "Invalid Form Body", "code": 50035, "errors": { "_errors": [{ "code": "BASE_TYPE_INVALID", "message": why }] } }),
        )
    } else {
        if let ("POST", ["interactions", _, token, "callback"]) = (method.as_str(), parts.as_slice())
            && body["type"] == 5
        {
            s.deferred.insert((*token).to_owned(), body["data"]["flags"].as_u64().unwrap_or(0));
        }
        if let ("POST", ["channels", channel, "messages"]) = (method.as_str(), parts.as_slice()) {
            let posted = s.posted.entry((*channel).to_owned()).or_default();
            posted.push_back(now);
            // The bucket's headers, as Discord sends them.
            let reset = CHANNEL_SPAN.saturating_sub(now.duration_since(*posted.front().expect("just pushed")));
            limit_headers = vec![
                ("x-ratelimit-limit", PER_CHANNEL.to_string()),
                ("x-ratelimit-remaining", (PER_CHANNEL - posted.len()).to_string()),
                ("x-ratelimit-reset-after", format!("{:.3}", reset.as_secs_f64())),
            ];
        }
        if !interaction {
            s.recent.push_back(now);
        }
        s.next_id += 1;
        let id = s.next_id;
        match (method.as_str(), parts.as_slice()) {
            ("PUT", ["applications", _, "commands"]) | ("PUT", ["applications", _, "guilds", _, "commands"]) => {
                let made: Vec<Value> = body
                    .as_array()
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .map(|(i, c)| {
                        json!({ "id": (id + i as u64).to_string(), "type": 1, "application_id": APP_ID.to_string(),
                                "name": c["name"], "description": c["description"], "options": c["options"],
                                "integration_types": c.get("integration_types").cloned().unwrap_or(json!([0])),
                                "contexts": c.get("contexts").cloned().unwrap_or(Value::Null),
                                "version": "1366666666666666600" })
                    })
                    .collect();
                let guild = match parts.as_slice() {
                    [_, _, "guilds", guild, _] => (*guild).to_owned(),
                    _ => String::new(),
                };
                s.registered.insert(guild, Value::Array(made.clone()));
                (200, Value::Array(made))
            }
            // The commands registered (discord.com/developers/docs/interactions/application-commands,
            // "Get Global Application Commands", "Get Guild Application Commands").
            ("GET", ["applications", _, "commands"]) => (200, s.registered.get("").cloned().unwrap_or(json!([]))),
            ("GET", ["applications", _, "guilds", guild, "commands"]) => {
                (200, s.registered.get(*guild).cloned().unwrap_or(json!([])))
            }
            ("PATCH", ["webhooks", _, _, "messages", _]) => (200, message(id, "1333333333333333333", &body)),
            ("DELETE", ["webhooks", _, _, "messages", _]) => (204, Value::Null),
            ("POST", ["webhooks", _, _]) => (200, message(id, "1333333333333333333", &body)),
            ("POST", ["users", "@me", "channels"]) => (
                200,
                json!({ "id": dm_channel(body["recipient_id"].as_str().unwrap_or_default()), "type": 1, "last_message_id": null, "flags": 0,
                        "recipients": [{ "id": body["recipient_id"], "username": "alice", "global_name": "Alice",
                                         "discriminator": "0", "avatar": null, "public_flags": 0 }] }),
            ),
            ("POST", ["channels", channel, "messages"]) => (200, message(id, channel, &body)),
            ("POST", ["interactions", _, _, "callback"]) => (204, Value::Null),
            // The bot's user (discord.com/developers/docs/resources/user#get-current-user).
            ("GET", ["users", "@me"]) => (
                200,
                json!({ "id": APP_ID.to_string(), "username": "clorebot", "discriminator": "4821", "global_name": null,
                        "avatar": null, "bot": true, "system": false, "mfa_enabled": true, "banner": null,
                        "accent_color": null, "locale": "en-US", "verified": true, "email": null, "flags": 0,
                        "premium_type": 0, "public_flags": 0 }),
            ),
            // The token's application (discord.com/developers/docs/resources/application#get-current-application).
            ("GET", ["applications", "@me"]) => (
                200,
                json!({ "id": APP_ID.to_string(), "name": "clorebot", "icon": null, "description": "", "summary": "",
                        "type": null, "bot_public": true, "bot_require_code_grant": false, "verify_key": s.verify_key,
                        "flags": 0, "team": null, "hook": true, "guild_id": null,
                        "owner": { "id": "1300000000000000001", "username": "owner", "discriminator": "0",
                                   "global_name": "Owner", "avatar": null, "public_flags": 0, "flags": 0 },
                        "bot": { "id": APP_ID.to_string(), "username": "clorebot", "discriminator": "4821",
                                 "avatar": null, "bot": true, "public_flags": 0, "flags": 0 },
                        "interactions_endpoint_url": s.endpoint_url, "role_connections_verification_url": null,
                        "install_params": s.installs["0"]["oauth2_install_params"],
                        "integration_types_config": s.installs,
                        "approximate_guild_count": 1, "redirect_uris": [], "tags": [] }),
            ),
            ("GET", ["gateway"]) => match &s.gateway_url {
                Some(u) => (200, json!({ "url": u })),
                None => (404, json!({ "message": "404: Not Found", "code": 0 })),
            },
            _ => (404, json!({ "message": "404: Not Found", "code": 0 })),
        }
    };
    s.calls.push(Call { method: method.to_string(), path, body, status, at: now, original: false });
    drop(s);
    fake.events.signal();
    let code = StatusCode::from_u16(status).unwrap();
    let mut resp = if status == 204 { code.into_response() } else { (code, axum::Json(answer)).into_response() };
    for (k, v) in limit_headers {
        resp.headers_mut().insert(k, v.parse().unwrap());
    }
    resp
}
