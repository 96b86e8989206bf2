//! The bot serving Discord's HTTP interactions against a [`FakeDiscord`], and the
//! interactions a test sends it, in the shapes Discord sends them (the fixtures, with what
//! each kind changes): a slash command, a button press, a choice in a string select (type 3
//! with `data.component_type` 3 and `data.values`, discord-api-docs
//! developers/components/reference.mdx, "String Select Interaction Response Structure"), and
//! an autocomplete (type 4 with the option being typed `focused`,
//! developers/interactions/application-commands.mdx, "Autocomplete"), and a form's submit;
//! each signed as Discord signs it (Ed25519 over the timestamp and the body).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};

use super::{Call, FakeDiscord, fixture};
use crate::common::{KEY, TestApp, WAIT, ring, start_sim, test_app_on};

/// The user of the fixtures, and a second member of the same server.
pub const USER: &str = "1344444444444444444";
pub const OTHER_USER: &str = "1344444444444444445";
/// Member permissions in the fixture's channel: with and without Manage Channels.
pub const MANAGER: &str = "2147601424";
pub const MEMBER: &str = "2147601408";

pub struct DiscordApp {
    pub sim: clorebot::sim::SimHandle,
    pub pool: sqlx::PgPool,
    pub market: Arc<clorebot::market::MarketCache>,
    pub engine: Arc<clorebot::alerts::Engine>,
    pub fake: FakeDiscord,
    key: SigningKey,
    url: String,
    done: Option<tokio::sync::oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    n: AtomicU64,
}

impl DiscordApp {
    /// The bot on a 200-server market, its snapshot refreshed when older than `market_ttl`.
    pub async fn start(market_ttl: Duration) -> DiscordApp {
        DiscordApp::start_with(|c| c.market_ttl = market_ttl).await
    }

    /// The bot on a 200-server market, its configuration changed by `tweak` once Discord's
    /// part is set.
    pub async fn start_with(tweak: impl FnOnce(&mut clorebot::config::Config)) -> DiscordApp {
        let fake = FakeDiscord::start().await;
        let key = SigningKey::from_bytes(&[7; 32]);
        let cfg = super::config(&fake, Some(&key), false);
        let t = test_app_on(start_sim(200).await, |c| {
            c.discord = Some(cfg);
            tweak(c);
        })
        .await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/discord/interactions", listener.local_addr().unwrap());
        let (done, rx) = tokio::sync::oneshot::channel::<()>();
        let (pool, market) = (t.core.deps.pool.clone(), t.core.deps.market.clone());
        let TestApp { sim, app, engine, .. } = t;
        let served = tokio::spawn(app.serve(listener, async move {
            let _ = rx.await;
        }));
        let (done, served) = (Some(done), Some(served));
        DiscordApp { sim, pool, market, engine, fake, key, url, done, served, n: 0.into() }
    }

    /// Discord user `user` (alice), with the simulator account's Clore API key stored.
    pub async fn keyed(&self, user: &str) -> clorebot::store::users::User {
        use clorebot::store::{crypto::SecretKind, secrets, users};
        let u = users::upsert_user(&self.pool, clorebot::domain::Platform::Discord, user, "alice").await.unwrap();
        let key = secrecy::SecretString::from(KEY);
        secrets::put(&self.pool, &ring(&[(1, 11)]), u.id, SecretKind::CloreApiKey, &key).await.unwrap();
        u
    }

    /// Posts a signed interaction; a deferral in the answer is told to the fake, as Discord
    /// would know it.
    pub async fn post(&self, interaction: &Value) -> (u16, Value) {
        let (status, answer) = post_signed(&self.url, &self.key, interaction).await;
        if answer["type"] == 5
            && let Some(token) = interaction["token"].as_str()
        {
            self.fake.deferred(token, answer["data"]["flags"].as_u64().unwrap_or(0));
        }
        (status, answer)
    }

    /// Posts `body` with the signature and timestamp headers given (none where `None`).
    pub async fn post_raw(&self, body: &[u8], signature: Option<String>, ts: Option<String>) -> (u16, Value) {
        post_raw(&self.url, body, signature, ts).await
    }

    /// The signature the bot's key puts on `body` sent at `ts`.
    pub fn sign(&self, ts: &str, body: &[u8]) -> String {
        sign(&self.key, ts, body)
    }

    /// The fixture `fixture_name` with an id and a token of its own (returned).
    pub fn fresh(&self, fixture_name: &str) -> (Value, String) {
        let n = self.n.fetch_add(1, Ordering::Relaxed);
        let token = format!("interaction-token-{n}");
        let mut i = fixture(fixture_name);
        i["id"] = json!(format!("{}", 1355555555555555600u64 + n));
        i["token"] = json!(token);
        (i, token)
    }

    /// Slash command `name` with `options`, from where the fixture `from` is and by its user.
    pub fn command_from(&self, from: &str, name: &str, options: Value) -> (Value, String) {
        let (mut i, token) = self.fresh(from);
        i["data"]["name"] = json!(name);
        i["data"]["options"] = options;
        (i, token)
    }

    /// A slash command from `user` in the fixture's server channel.
    pub fn command(&self, user: &str, name: &str, options: Value, permissions: &str) -> (Value, String) {
        let (mut i, token) = self.command_from("command", name, options);
        i["member"]["permissions"] = json!(permissions);
        i["member"]["user"]["id"] = json!(user);
        (i, token)
    }

    /// A press on the button `custom_id`.
    pub fn press(&self, custom_id: &str) -> (Value, String) {
        let (mut i, token) = self.fresh("component");
        i["data"]["custom_id"] = json!(custom_id);
        (i, token)
    }

    /// A choice of the option `value` in the string select `custom_id`.
    pub fn select(&self, custom_id: &str, value: &str) -> (Value, String) {
        let (mut i, token) = self.fresh("component");
        i["data"] = json!({ "component_type": 3, "custom_id": custom_id, "values": [value] });
        (i, token)
    }

    /// `user` typing `typed` into option `option` of `/command` (the option focused).
    pub fn autocomplete(&self, user: &str, command: &str, option: &str, typed: &str) -> Value {
        let (mut i, _) = self.fresh("autocomplete");
        i["data"]["name"] = json!(command);
        i["data"]["options"] = json!([{ "name": option, "type": 3, "value": typed, "focused": true }]);
        i["member"]["user"]["id"] = json!(user);
        i
    }

    /// A submit of `form` (a modal the bot opened) with `values` by field id.
    pub fn submit(&self, form: &Value, values: &[(&str, &str)]) -> (Value, String) {
        let (mut m, token) = self.fresh("modal");
        m["data"]["custom_id"] = form["data"]["custom_id"].clone();
        m["data"]["components"] = form["data"]["components"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let id = row["components"][0]["custom_id"].as_str().unwrap();
                let value = values.iter().find(|(k, _)| *k == id).map(|(_, v)| *v).unwrap_or("");
                json!({ "type": 1, "id": 2 * i + 1, "components": [{ "type": 4, "id": 2 * i + 2, "custom_id": id, "value": value }] })
            })
            .collect();
        (m, token)
    }

    /// Runs a slash command and returns the first call it makes (its answer).
    pub async fn run(&self, user: &str, name: &str, options: Value, permissions: &str) -> Call {
        let (i, token) = self.command(user, name, options, permissions);
        self.post(&i).await;
        self.calls_for(&token, 1).await.remove(0)
    }

    /// Waits for `n` calls about interaction `token` and returns them. (What the bot does
    /// after those is seen once it has stopped: [`DiscordApp::stop`] lets every interaction
    /// finish.)
    pub async fn calls_for(&self, token: &str, n: usize) -> Vec<Call> {
        self.fake.wait_for(WAIT, |_| self.fake.for_interaction(token).len() >= n).await;
        self.fake.for_interaction(token)
    }

    /// Stops the bot, letting every interaction under way finish, and checks that Discord
    /// would have taken every message it sent.
    pub async fn stop(mut self) -> FakeDiscord {
        self.done.take().unwrap().send(()).unwrap();
        self.served.take().unwrap().await.unwrap().unwrap();
        let refused: Vec<_> = self.fake.calls().into_iter().filter(|c| c.status == 400).collect();
        assert!(refused.is_empty(), "Discord would refuse these messages: {refused:#?}");
        self.fake.clone()
    }
}

/// The options of a command given only a query.
pub fn query(text: &str) -> Value {
    json!([{ "name": "query", "type": 3, "value": text }])
}

/// Posts `interaction` to `url` signed with `key`; the HTTP status and the answer.
pub async fn post_signed(url: &str, key: &SigningKey, interaction: &Value) -> (u16, Value) {
    let body = serde_json::to_vec(interaction).unwrap();
    let ts = chrono::Utc::now().timestamp().to_string();
    let sig = sign(key, &ts, &body);
    post_raw(url, &body, Some(sig), Some(ts)).await
}

/// Posts `body` to `url` with the signature and timestamp headers given; the HTTP status and
/// the answer.
pub async fn post_raw(url: &str, body: &[u8], signature: Option<String>, ts: Option<String>) -> (u16, Value) {
    let mut req = reqwest::Client::new().post(url).header("content-type", "application/json").body(body.to_vec());
    if let Some(s) = signature {
        req = req.header("X-Signature-Ed25519", s);
    }
    if let Some(t) = ts {
        req = req.header("X-Signature-Timestamp", t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Discord's signature of `body` sent at `ts`, by `key`: hex Ed25519 over the two together.
pub fn sign(key: &SigningKey, ts: &str, body: &[u8]) -> String {
    hex::encode(key.sign(&[ts.as_bytes(), body].concat()).to_bytes())
}
