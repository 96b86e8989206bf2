//! Shared test helpers: an in-process simulator per test and a client pointed at it.
#![allow(dead_code)]

pub mod capture;
pub mod discord;
pub mod logs;
pub mod telegram;
pub mod wait;

use std::net::SocketAddr;
use std::time::Duration;

use clorebot::clore::{ApiKey, ClientConfig, CloreClient};
use clorebot::sim::{self, SimConfig, SimHandle};
use serde_json::Value;
#[allow(unused_imports)]
pub use wait::{Events, RECHECK, WAIT, every, on, try_wait_for, wait_for};

pub const KEY: &str = "test-key-0123456789abcdef0123456";

pub async fn start_sim(servers: usize) -> SimHandle {
    let cfg = SimConfig { seed: 7, servers, keys: vec![KEY.to_owned()], ..SimConfig::default() };
    sim::start(&cfg, SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("simulator starts")
}

pub fn client_with(sim: &SimHandle, tweak: impl FnOnce(&mut ClientConfig)) -> CloreClient {
    let mut cfg = client_config(sim);
    tweak(&mut cfg);
    CloreClient::new(cfg).unwrap()
}

/// The client settings of every test: the simulator's address and quick retries (the rate
/// limits themselves stay as in production).
pub fn client_config(sim: &SimHandle) -> ClientConfig {
    let mut cfg = ClientConfig::with_base_url(&sim.api_url()).unwrap();
    cfg.backoff_base = Duration::from_millis(50);
    cfg.backoff_max = Duration::from_millis(200);
    cfg.timeout = Duration::from_secs(5);
    cfg
}

/// Makes the simulator's Clore ten times quicker than the real one allows (one call per
/// 100 ms and one `create_order` per 300 ms per key), for tests about something else than
/// rate limits; pair with [`quick`] on the client.
pub async fn quicken(sim: &SimHandle) {
    control(sim, "/config", serde_json::json!({ "call_spacing_ms": 100, "create_spacing_ms": 300 })).await;
}

/// A client spaced for a [`quicken`]ed simulator.
pub fn quick(c: &mut ClientConfig) {
    c.request_period = Duration::from_millis(120);
    c.create_period = Duration::from_millis(350);
}

pub fn client(sim: &SimHandle) -> CloreClient {
    client_with(sim, |_| {})
}

pub fn key() -> ApiKey {
    ApiKey::parse(KEY).unwrap()
}

/// POSTs to the simulator's control API and returns its answer, failing the test on non-2xx.
pub async fn control(sim: &SimHandle, path: &str, body: Value) -> Value {
    let resp = reqwest::Client::new().post(format!("{}{path}", sim.control_url())).json(&body).send().await.unwrap();
    let status = resp.status();
    let v: Value = resp.json().await.unwrap();
    assert!(status.is_success(), "control {path} failed: {status} {v}");
    v
}

pub async fn state(sim: &SimHandle) -> Value {
    reqwest::get(format!("{}/state", sim.control_url())).await.unwrap().json().await.unwrap()
}

/// A fresh, migrated database of its own for one test (on DATABASE_URL's server, or this
/// test binary's throwaway PostgreSQL).
pub async fn db() -> sqlx::PgPool {
    clorebot::app::tempdb::fresh_database("test").await.expect("a fresh test database")
}

/// A keyring of one master key (`byte` repeated), as version `version`.
pub fn ring(keys: &[(i32, u8)]) -> clorebot::store::crypto::Keyring {
    clorebot::store::crypto::Keyring::from_raw(keys.iter().map(|&(v, b)| (v, [b; 32])).collect()).unwrap()
}

/// A notifier that collects what it is asked to send: (target chat, alert); its `events` are
/// signalled on every send.
#[derive(Clone, Default)]
pub struct Recorder {
    seen: std::sync::Arc<std::sync::Mutex<Vec<(String, clorebot::core::Reply)>>>,
    pub events: Events,
}

impl clorebot::notify::Notifier for Recorder {
    fn platform(&self) -> clorebot::domain::Platform {
        clorebot::domain::Platform::Console
    }

    async fn send(
        &self,
        to: &clorebot::notify::Target,
        reply: &clorebot::core::Reply,
    ) -> Result<(), clorebot::notify::SendError> {
        // A private chat not known yet opens the way the console's does.
        let chat =
            to.chat_id.clone().unwrap_or_else(|| format!("dm:{}", to.user_platform_id.as_deref().unwrap_or("?")));
        self.seen.lock().unwrap().push((chat, reply.clone()));
        self.events.signal();
        Ok(())
    }
}

impl Recorder {
    /// What was sent since the last take: (target chat, text).
    pub fn take(&self) -> Vec<(String, String)> {
        self.take_alerts().into_iter().map(|(to, m)| (to, m.plain_text())).collect()
    }

    /// What was sent since the last take, buttons included.
    pub fn take_alerts(&self) -> Vec<(String, clorebot::core::Reply)> {
        std::mem::take(&mut *self.seen.lock().unwrap())
    }
}

/// One test's bot: the simulator, the app built as `run` builds it (on a fresh database,
/// with a test master key), its alert engine, and a recorder for what the engine sends.
pub struct TestApp {
    pub sim: SimHandle,
    pub app: clorebot::app::App,
    pub core: std::sync::Arc<clorebot::core::Core>,
    pub engine: std::sync::Arc<clorebot::alerts::Engine>,
    pub out: Recorder,
    /// Account-poll cycles stepped through so far (see [`TestApp::next_cycle`]).
    pub cycles: std::sync::atomic::AtomicU32,
    /// The clock the app reads: the system's until the test moves it on.
    pub clock: std::sync::Arc<TestClock>,
}

/// A clock that runs with the system's and that a test moves on, so that a window or a wait
/// the bot keeps in memory passes at once.
#[derive(Debug, Default)]
pub struct TestClock {
    ahead: std::sync::Mutex<Duration>,
}

impl TestClock {
    /// `by` passes at once.
    pub fn advance(&self, by: Duration) {
        *self.ahead.lock().unwrap() += by;
    }
}

impl clorebot::domain::Clock for TestClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + *self.ahead.lock().unwrap()
    }

    fn instant(&self) -> std::time::Instant {
        std::time::Instant::now() + *self.ahead.lock().unwrap()
    }
}

/// The database's side of time passing: outbox leases and retry delays `by` nearer their end,
/// as if that long had gone by (the outbox keeps its times in PostgreSQL's clock).
pub async fn outbox_ages(pool: &sqlx::PgPool, by: Duration) {
    sqlx::query(
        "UPDATE outbox SET claimed_until = claimed_until - make_interval(secs => $1),
                           next_attempt_at = next_attempt_at - make_interval(secs => $1)
         WHERE delivered_at IS NULL AND failed_at IS NULL",
    )
    .bind(by.as_secs_f64())
    .execute(pool)
    .await
    .unwrap();
}

/// Buttons `by` nearer their expiry, as if that long had gone by (in PostgreSQL's clock).
pub async fn buttons_age(pool: &sqlx::PgPool, by: Duration) {
    sqlx::query("UPDATE pending_actions SET expires_at = expires_at - make_interval(secs => $1)")
        .bind(by.as_secs_f64())
        .execute(pool)
        .await
        .unwrap();
}

/// The master key of every test app (`ring(&[(1, 11)])`), as `CLOREBOT_MASTER_KEY` holds it.
pub fn master_key_b64() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode([11u8; 32])
}

/// The configuration tests start from: nothing from the environment, the test master key,
/// the simulator's address, and quick client retries (the rate limits stay as in production).
pub fn test_config(sim: &SimHandle) -> clorebot::config::Config {
    let mut cfg = clorebot::config::Config::from_lookup(|_| None).expect("defaults are valid");
    cfg.keyring = Some(std::sync::Arc::new(ring(&[(1, 11)])));
    cfg.clore = client_config(sim);
    cfg
}

/// A test app with production settings on a 200-server market.
pub async fn test_app() -> TestApp {
    test_app_on(start_sim(200).await, |_| {}).await
}

/// A test app whose Clore is ten times quicker ([`quicken`], [`quick`]): for tests that step
/// through many account-poll cycles.
pub async fn quick_app() -> TestApp {
    let sim = start_sim(200).await;
    quicken(&sim).await;
    test_app_on(sim, |cfg| quick(&mut cfg.clore)).await
}

/// A test app on `sim`, its configuration changed by `tweak` first.
pub async fn test_app_on(sim: SimHandle, tweak: impl FnOnce(&mut clorebot::config::Config)) -> TestApp {
    let mut cfg = test_config(&sim);
    let clock = std::sync::Arc::new(TestClock::default());
    cfg.core.clock = clock.clone();
    tweak(&mut cfg);
    let app = clorebot::app::App::build(cfg).await.expect("the app builds");
    TestApp {
        sim,
        core: app.core.clone(),
        engine: app.engine.clone(),
        app,
        out: Recorder::default(),
        cycles: Default::default(),
        clock,
    }
}

impl TestApp {
    pub fn session(&self, user: &str, group: Option<&str>) -> clorebot::frontends::console::Session<'_> {
        clorebot::frontends::console::Session::new(
            &self.core,
            clorebot::frontends::console::caller(&self.core, user, group),
        )
    }

    /// A private-chat session for `user`, with the simulator account's key stored.
    pub async fn keyed(&self, user: &str) -> clorebot::frontends::console::Session<'_> {
        self.store_key(user).await;
        self.session(user, None)
    }

    /// Stores the simulator account's key for console user `user`.
    pub async fn store_key(&self, user: &str) {
        self.store_key_with(user, KEY).await;
    }

    /// Stores `key` as console user `user`'s Clore API key (reachable at `dm:<user>`).
    pub async fn store_key_with(&self, user: &str, key: &str) {
        use clorebot::domain::Platform;
        use clorebot::store::{crypto::SecretKind, secrets, users};
        let dm = format!("dm:{user}");
        let u =
            users::upsert_user_reachable(&self.core.deps.pool, Platform::Console, user, user, Some(&dm)).await.unwrap();
        let key = secrecy::SecretString::from(key);
        secrets::put(&self.core.deps.pool, &self.core.deps.keyring, u.id, SecretKind::CloreApiKey, &key).await.unwrap();
    }

    /// Quiet hours "HH:MM-HH:MM" in `tz` from `before` minutes ago to `after` from now, on the
    /// app's clock.
    pub fn quiet_window(&self, tz: chrono_tz::Tz, before: i64, after: i64) -> String {
        use clorebot::domain::Clock;
        let now = self.clock.now().with_timezone(&tz);
        let at = |m: i64| (now + chrono::Duration::minutes(m)).format("%H:%M").to_string();
        format!("{}-{}", at(-before), at(after))
    }

    /// Alerts held for a digest and not yet delivered.
    pub async fn held_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE held AND delivered_at IS NULL")
            .fetch_one(&self.core.deps.pool)
            .await
            .unwrap()
    }

    /// Polls the market and delivers; returns what was sent.
    pub async fn market_tick(&self) -> Vec<(String, String)> {
        self.engine.poll_market().await.unwrap();
        self.deliver().await
    }

    /// The time of the next account-poll cycle: one interval after the last one stepped
    /// through (the first, one interval from now), so each is a whole cycle of the schedule.
    pub fn next_cycle(&self) -> chrono::DateTime<chrono::Utc> {
        let n = self.cycles.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        chrono::Utc::now() + self.engine.cfg.orders_poll * n
    }

    /// One account-poll cycle of `engine` (any engine on this database).
    pub async fn poll_cycle_of(&self, engine: &clorebot::alerts::Engine) -> clorebot::alerts::accounts::AccountsReport {
        engine.poll_accounts_at(self.next_cycle()).await.unwrap()
    }

    /// One account-poll cycle of the app's engine.
    pub async fn poll_cycle(&self) -> clorebot::alerts::accounts::AccountsReport {
        self.poll_cycle_of(&self.engine).await
    }

    pub async fn accounts_tick(&self) -> Vec<(String, String)> {
        self.poll_cycle().await;
        self.deliver().await
    }

    pub async fn deliver(&self) -> Vec<(String, String)> {
        self.deliver_alerts().await.into_iter().map(|(to, m)| (to, m.plain_text())).collect()
    }

    pub async fn deliver_alerts(&self) -> Vec<(String, clorebot::core::Reply)> {
        while clorebot::alerts::deliver::deliver_once(&self.core.deps.pool, &self.out).await.unwrap() > 0 {}
        self.out.take_alerts()
    }

    /// `user` with a key and a saved SSH key, and a confirmed auto-rent watch on RTX 3060s
    /// whose max sits under every free one; `guardrails(max)` adds to `autorent`. Returns the
    /// session, the free 3060s (cheapest first) and the max.
    pub async fn autorent_3060(
        &self,
        user: &str,
        guardrails: impl FnOnce(f64) -> String,
    ) -> (clorebot::frontends::console::Session<'_>, Vec<(u64, f64)>, f64) {
        let mut s = self.keyed(user).await;
        s.line(&format!("/settings sshkey=\"{SSH_KEY}\"")).await;
        let free = free_of(&self.sim, "RTX 3060").await;
        let max = ((free[0].1 * 0.8) * 1000.0).floor() / 1000.0;
        let out = s.line(&format!("/watch 3060 max={max} autorent {}", guardrails(max))).await;
        assert!(out.starts_with("Create an auto-rent watch?"), "{out}");
        s.line("/press 1").await;
        (s, free, max)
    }

    /// Every order the simulator holds.
    pub async fn sim_orders(&self) -> Vec<Value> {
        state(&self.sim).await["orders"].as_array().cloned().unwrap_or_default()
    }

    pub async fn set_price(&self, id: u64, usd: f64) {
        control(&self.sim, &format!("/servers/{id}"), serde_json::json!({ "price_usd": usd })).await;
    }
}

/// `polls` RTX 4090 price polls recorded `every_hours` apart back from now, as the market
/// poll records them (USD, 12 of 30 free, the cheapest moving a little): enough for a chart.
pub async fn record_4090_history(pool: &sqlx::PgPool, polls: i64, every_hours: i64) {
    use clorebot::store::history::{self, PricePoint};
    let now = chrono::Utc::now();
    let points: Vec<PricePoint> = (0..polls)
        .map(|i| PricePoint {
            gpu_model: "RTX 4090".into(),
            polled_at: now - chrono::Duration::hours(every_hours * i),
            currency: clorebot::clore::Currency::Usd,
            min_price: Some(3.0 + (i % 7) as f64 * 0.1),
            median_price: Some(4.0),
            available: 12,
            total: 30,
        })
        .collect();
    history::record(pool, &points).await.unwrap();
}

/// All free servers of a model with their USD prices, cheapest first.
pub async fn free_of(sim: &SimHandle, model: &str) -> Vec<(u64, f64)> {
    use clorebot::clore::Currency;
    let m = client(sim).marketplace(None).await.unwrap();
    let mut v: Vec<(u64, f64)> = m
        .servers
        .iter()
        .filter(|s| !s.rented && s.id.0 < 100_000 && s.accepts(Currency::Usd))
        .filter(|s| s.specs.as_ref().and_then(|x| x.gpu.as_ref()).is_some_and(|g| g.ends_with(model)))
        .filter_map(|s| Some((s.id.0, s.on_demand(Currency::Usd)?)))
        .collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1));
    v
}

/// One server for [`host_fleet`]; [`hosted`] makes one free, online and listed, with a spot
/// minimum of half its price.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hosted {
    pub name: String,
    pub gpu: String,
    pub gpus: u32,
    pub price_usd: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spot_usd: Option<f64>,
    pub online: bool,
    pub visible: bool,
}

pub fn hosted(name: &str, gpu: &str, gpus: u32, price_usd: f64) -> Hosted {
    Hosted { name: name.into(), gpu: gpu.into(), gpus, price_usd, spot_usd: None, online: true, visible: true }
}

/// Makes the simulator's account `key` host `servers` besides what it hosts (a new account:
/// only them), through the control API; returns their server ids, in order.
pub async fn host_fleet(sim: &SimHandle, key: &str, servers: &[Hosted]) -> Vec<u64> {
    let answer = control(sim, "/accounts", serde_json::json!({ "key": key, "hosted": servers })).await;
    let ids: Vec<u64> = answer["servers"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    ids[ids.len() - servers.len()..].to_vec()
}

/// A public SSH key line that passes the checks (a real ed25519 blob, made-up bytes).
pub const SSH_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g me@laptop";

/// One part of a `multipart/form-data` body, as the fake platform servers read them.
pub struct FormPart<'a> {
    pub name: String,
    pub filename: Option<String>,
    pub data: &'a [u8],
}

/// The parts of a `multipart/form-data` body whose `content_type` header names the boundary;
/// byte-exact, so uploaded files keep their size.
pub fn form_parts<'a>(content_type: &str, body: &'a [u8]) -> Vec<FormPart<'a>> {
    let boundary = content_type.split("boundary=").nth(1).unwrap_or_default().trim_matches('"');
    let delim = format!("--{boundary}").into_bytes();
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        (from..hay.len().saturating_sub(needle.len() - 1)).find(|&i| hay[i..].starts_with(needle))
    };
    let mut parts = Vec::new();
    let mut at = find(body, &delim, 0);
    while let Some(start) = at {
        let from = start + delim.len();
        let next = find(body, &delim, from);
        let part = &body[from..next.unwrap_or(body.len())];
        if let Some(split) = find(part, b"\r\n\r\n", 0) {
            let head = String::from_utf8_lossy(&part[..split]).into_owned();
            let data = part[split + 4..].strip_suffix(b"\r\n").unwrap_or(&part[split + 4..]);
            let attr =
                |k: &str| head.split(&format!("{k}=\"")).nth(1).and_then(|r| r.split('"').next()).map(str::to_owned);
            if let Some(name) = attr("name") {
                parts.push(FormPart { name, filename: attr("filename"), data });
            }
        }
        at = next;
    }
    parts
}
