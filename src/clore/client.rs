//! The HTTP client for the Clore API: rate-limited per key, retried within limits, reading
//! the JSON body whatever the HTTP status, and careful never to repeat an order.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tracing::{debug, instrument, warn};
use url::Url;

use super::error::CloreError;
use super::key::ApiKey;
use super::limit::{ANONYMOUS, LimiterId, Limits};
use super::model::{
    MarketServer, Marketplace, MyOrders, MyServers, Order, OrderId, ServerConfigAnswer, ServerId, SpotMarket, Wallet,
};
use super::validate::{CreateOrder, ServerSettings, check_issue, check_price};

pub const DEFAULT_BASE_URL: &str = "https://api.clore.ai/v1";

/// How an excerpt of an unreadable answer may be at most, so errors stay readable.
const EXCERPT_CHARS: usize = 160;

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: Url,
    /// Whole-request timeout, connect to last byte.
    pub timeout: Duration,
    /// Attempts per call for transient failures, the first included.
    pub max_attempts: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Spacing of calls per key: Clore allows 1/s; a little slack absorbs network jitter.
    pub request_period: Duration,
    /// Spacing of `create_order` per key: Clore allows 1 per 5 s.
    pub create_period: Duration,
    /// How many times to look for a just-created order in `my_orders`.
    pub find_order_attempts: u32,
    /// `CLORE_MAX_RPS`: requests per second for the whole process (see [`super::budget`]).
    pub max_rps: std::num::NonZeroU32,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: parse_base(DEFAULT_BASE_URL).expect("default URL parses"),
            timeout: Duration::from_secs(20),
            max_attempts: 4,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(8),
            request_period: Duration::from_millis(1100),
            create_period: Duration::from_millis(5200),
            find_order_attempts: 3,
            max_rps: std::num::NonZeroU32::new(super::budget::DEFAULT_MAX_RPS).expect("non-zero"),
        }
    }
}

impl ClientConfig {
    pub fn with_base_url(base: &str) -> Result<ClientConfig, url::ParseError> {
        Ok(ClientConfig { base_url: parse_base(base)?, ..ClientConfig::default() })
    }

    /// The production settings with this base URL (`CLORE_API_URL`; default [`DEFAULT_BASE_URL`]).
    pub fn from_api_url(value: Option<&str>) -> Result<ClientConfig, String> {
        let base = value.map(str::trim).filter(|v| !v.is_empty()).unwrap_or(DEFAULT_BASE_URL);
        let cfg = Self::with_base_url(base).map_err(|e| format!("is not a valid URL ({e}): {base:?}"))?;
        if !matches!(cfg.base_url.scheme(), "http" | "https") {
            return Err(format!("must be an http:// or https:// URL, not {base:?}"));
        }
        Ok(cfg)
    }
}

/// Parses a base URL so that endpoint names join under it (`…/v1` → `…/v1/wallets`).
pub fn parse_base(base: &str) -> Result<Url, url::ParseError> {
    let trimmed = base.trim().trim_end_matches('/');
    Url::parse(&format!("{trimmed}/"))
}

/// The outcome of [`CloreClient::create_order`]: Clore's `create_order` returns no id, so the
/// order is looked up in `my_orders`; `order` is `None` if it has not shown up there yet.
#[derive(Debug, Clone)]
pub struct CreatedOrder {
    pub order: Option<Order>,
}

#[derive(Clone)]
pub struct CloreClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    cfg: ClientConfig,
    limits: Limits,
    budget: super::budget::Budget,
    /// When Clore last answered anything at all (readiness: is the upstream reachable).
    last_reached: std::sync::Mutex<Option<std::time::Instant>>,
}

impl std::fmt::Debug for CloreClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloreClient").field("base_url", &self.inner.cfg.base_url.as_str()).finish()
    }
}

enum Kind {
    Normal,
    Create,
}

impl CloreClient {
    pub fn new(cfg: ClientConfig) -> Result<CloreClient, CloreError> {
        let http = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("clorebot/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CloreError::Transport { endpoint: "client", detail: e.to_string(), connect: true })?;
        let limits = Limits::new(cfg.request_period, cfg.create_period);
        let budget = super::budget::Budget::new(cfg.max_rps);
        Ok(CloreClient { inner: Arc::new(Inner { http, cfg, limits, budget, last_reached: Default::default() }) })
    }

    /// Paces keyed calls with the other processes that share `pace` (replicas on one
    /// database), not only within this one.
    pub fn share_pace(&self, pace: Arc<dyn super::limit::SharedPace>) {
        self.inner.limits.share(pace);
    }

    /// The spacing of two calls with one key (Clore's per-key limit, with a margin).
    pub fn request_period(&self) -> Duration {
        self.inner.cfg.request_period
    }

    /// The process's request budget per second (`CLORE_MAX_RPS`).
    pub fn max_rps(&self) -> u32 {
        self.inner.budget.rps()
    }

    pub fn base_url(&self) -> &Url {
        &self.inner.cfg.base_url
    }

    /// The public market. Works without a key, as the live API does.
    #[instrument(skip_all, fields(keyed = key.is_some()))]
    pub async fn marketplace(&self, key: Option<&ApiKey>) -> Result<Marketplace, CloreError> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(default)]
            servers: Vec<Value>,
            #[serde(default, deserialize_with = "super::de::number_list")]
            my_servers: Vec<f64>,
        }
        let raw: Raw = self.call("marketplace", Method::GET, key, &[], None, Kind::Normal).await?;
        let mut skipped = 0;
        let servers: Vec<MarketServer> = raw
            .servers
            .into_iter()
            .filter_map(|v| match serde_json::from_value(v) {
                Ok(s) => Some(s),
                Err(e) => {
                    skipped += 1;
                    debug!(error = %e, "skipping a marketplace server that does not decode");
                    None
                }
            })
            .collect();
        if skipped > 0 {
            warn!(skipped, kept = servers.len(), "marketplace: some servers did not decode");
        }
        let my_servers = raw.my_servers.into_iter().filter(|f| *f >= 0.0).map(|f| f as u64).collect();
        Ok(Marketplace { servers, my_servers, skipped })
    }

    #[instrument(skip_all)]
    pub async fn wallets(&self, key: &ApiKey) -> Result<Vec<Wallet>, CloreError> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(default)]
            wallets: Vec<Wallet>,
        }
        let raw: Raw = self.call("wallets", Method::GET, Some(key), &[], None, Kind::Normal).await?;
        Ok(raw.wallets)
    }

    #[instrument(skip_all)]
    pub async fn my_servers(&self, key: &ApiKey) -> Result<MyServers, CloreError> {
        self.call("my_servers", Method::GET, Some(key), &[], None, Kind::Normal).await
    }

    /// A host's server configuration. Clore wants a GET with a JSON body here.
    #[instrument(skip(self, key))]
    pub async fn server_config(&self, key: &ApiKey, server_name: &str) -> Result<ServerConfigAnswer, CloreError> {
        let body = json!({ "server_name": server_name });
        self.call("server_config", Method::GET, Some(key), &[], Some(&body), Kind::Normal).await
    }

    #[instrument(skip(self, key))]
    pub async fn my_orders(&self, key: &ApiKey, include_completed: bool) -> Result<MyOrders, CloreError> {
        let query: &[(&str, &str)] = if include_completed { &[("return_completed", "true")] } else { &[] };
        self.call("my_orders", Method::GET, Some(key), query, None, Kind::Normal).await
    }

    #[instrument(skip(self, key))]
    pub async fn spot_marketplace(&self, key: &ApiKey, server_id: ServerId) -> Result<SpotMarket, CloreError> {
        let id = server_id.to_string();
        self.call("spot_marketplace", Method::GET, Some(key), &[("market", &id)], None, Kind::Normal).await
    }

    #[instrument(skip(self, key))]
    pub async fn set_server_settings(&self, key: &ApiKey, settings: &ServerSettings) -> Result<(), CloreError> {
        settings.validate()?;
        let _: Value = self
            .call("set_server_settings", Method::POST, Some(key), &[], Some(&settings.body()), Kind::Normal)
            .await?;
        Ok(())
    }

    #[instrument(skip(self, key))]
    pub async fn set_spot_price(&self, key: &ApiKey, order_id: OrderId, desired_price: f64) -> Result<(), CloreError> {
        check_price("price", desired_price)?;
        let body = json!({ "order_id": order_id, "desired_price": desired_price });
        let _: Value = self.call("set_spot_price", Method::POST, Some(key), &[], Some(&body), Kind::Normal).await?;
        Ok(())
    }

    #[instrument(skip(self, key, issue), fields(with_issue = issue.is_some()))]
    pub async fn cancel_order(&self, key: &ApiKey, order_id: OrderId, issue: Option<&str>) -> Result<(), CloreError> {
        let mut body = json!({ "id": order_id });
        if let Some(issue) = issue {
            check_issue(issue)?;
            body["issue"] = json!(issue);
        }
        let _: Value = self.call("cancel_order", Method::POST, Some(key), &[], Some(&body), Kind::Normal).await?;
        Ok(())
    }

    /// Rents a server and finds the new order in `my_orders` (Clore's answer carries no id).
    ///
    /// The request is sent at most once (a rate-limit answer, which means "not done", is
    /// waited out and sent again). A failure that may have created the order anyway (a
    /// timeout, a 5xx, a dropped or unreadable answer) is never resent: `my_orders` is looked
    /// at, and if the order is not there (yet) the answer is
    /// [`CloreError::CreateOrderUncertain`] — the caller must settle it before renting that
    /// server again. Every other error means no order was made.
    #[instrument(skip(self, key, req), fields(server = req.server_id.0))]
    pub async fn create_order(&self, key: &ApiKey, req: &CreateOrder) -> Result<CreatedOrder, CloreError> {
        req.validate()?;
        let before: HashSet<OrderId> = self.my_orders(key, false).await?.orders.iter().map(|o| o.id).collect();
        let body = req.body();
        match self.call::<Value>("create_order", Method::POST, Some(key), &[], Some(&body), Kind::Create).await {
            Ok(_) => {
                let order = self.find_new_order(key, req.server_id, &before).await;
                Ok(CreatedOrder { order })
            }
            Err(e) if e.may_have_acted() => {
                warn!(error = %e, "create_order outcome unknown; looking for the order instead of resending");
                match self.find_new_order(key, req.server_id, &before).await {
                    Some(o) => Ok(CreatedOrder { order: Some(o) }),
                    None => Err(CloreError::CreateOrderUncertain { server_id: req.server_id, cause: Box::new(e) }),
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn find_new_order(&self, key: &ApiKey, server_id: ServerId, before: &HashSet<OrderId>) -> Option<Order> {
        for _ in 0..self.inner.cfg.find_order_attempts.max(1) {
            match self.my_orders(key, false).await {
                Ok(now) => {
                    if let Some(o) = newest_new_order(now.orders, server_id, before) {
                        return Some(o);
                    }
                }
                Err(e) => warn!(error = %e, "could not list orders after create_order"),
            }
        }
        None
    }

    /// When Clore last answered (any status, any body), if ever.
    pub fn last_reached(&self) -> Option<std::time::Instant> {
        *self.inner.last_reached.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let cfg = &self.inner.cfg;
        let capped = crate::retry::doubled(cfg.backoff_base, attempt, cfg.backoff_max);
        // Full jitter on the upper half keeps retries from many keys from lining up.
        let half = capped / 2;
        half + half.mul_f64(rand::rng().random::<f64>())
    }

    async fn call<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        method: Method,
        key: Option<&ApiKey>,
        query: &[(&str, &str)],
        body: Option<&Value>,
        kind: Kind,
    ) -> Result<T, CloreError> {
        let id: LimiterId = key.map(ApiKey::limiter_id).unwrap_or(ANONYMOUS);
        let mut attempt = 0;
        loop {
            // The process's budget first, then the key's turn, right before sending: a wait
            // between the key's turn and the send would bring the key's calls closer together
            // than Clore allows.
            self.inner.budget.wait().await;
            match kind {
                Kind::Normal => self.inner.limits.wait(&id).await,
                Kind::Create => self.inner.limits.wait_create(&id).await,
            }
            // Decoded before it is counted: an answer of the wrong shape is a failed call.
            let result = self.send_once(endpoint, method.clone(), key, query, body).await.and_then(|v| {
                T::deserialize(&v).map_err(|e| CloreError::Decode {
                    endpoint,
                    detail: e.to_string(),
                    excerpt: excerpt(v.to_string().as_bytes(), key),
                })
            });
            attempt += 1;
            let label = result.as_ref().map_or_else(CloreError::label, |_| "ok");
            metrics::counter!("clorebot_clore_calls_total", "endpoint" => endpoint, "result" => label).increment(1);
            let err = match result {
                Ok(t) => return Ok(t),
                Err(e) => e,
            };
            let retry = err.is_transient()
                && attempt < self.inner.cfg.max_attempts
                && !(matches!(kind, Kind::Create) && err.may_have_acted());
            if !retry {
                return Err(err);
            }
            let mut pause = self.backoff(attempt - 1);
            if matches!(err, CloreError::RateLimited { .. }) {
                pause = pause.max(self.inner.cfg.request_period);
            }
            debug!(endpoint, attempt, ?pause, error = %err, "transient Clore failure; retrying");
            tokio::time::sleep(pause).await;
        }
    }

    async fn send_once(
        &self,
        endpoint: &'static str,
        method: Method,
        key: Option<&ApiKey>,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Value, CloreError> {
        let url = self.inner.cfg.base_url.join(endpoint).map_err(|e| CloreError::Transport {
            endpoint,
            detail: format!("bad URL: {e}"),
            connect: true,
        })?;
        let mut req = self.inner.http.request(method, url);
        if let Some(key) = key {
            let mut hv = HeaderValue::from_str(key.expose()).map_err(|_| CloreError::InvalidKey)?;
            hv.set_sensitive(true);
            req = req.header("auth", hv);
        }
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(b) = body {
            req = req.header(CONTENT_TYPE, "application/json").body(b.to_string());
        }
        let timeout = self.inner.cfg.timeout;
        let map_err = |e: reqwest::Error| {
            if e.is_timeout() {
                CloreError::Timeout { endpoint, after: timeout }
            } else {
                let connect = e.is_connect();
                CloreError::Transport { endpoint, detail: e.without_url().to_string(), connect }
            }
        };
        let resp = req.send().await.map_err(map_err)?;
        *self.inner.last_reached.lock().unwrap_or_else(|p| p.into_inner()) = Some(std::time::Instant::now());
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(map_err)?;
        interpret(endpoint, status, &bytes, key)
    }
}

fn newest_new_order(orders: Vec<Order>, server_id: ServerId, before: &HashSet<OrderId>) -> Option<Order> {
    orders
        .into_iter()
        .filter(|o| o.server_id == Some(server_id) && !before.contains(&o.id) && !o.expired)
        .max_by_key(|o| (o.ct.unwrap_or(0), o.id))
}

/// Reads an answer: the JSON body's `code` decides whatever the HTTP status; the status
/// decides only when the body has no code (401 → bad key, 429 → rate limit, else HTTP error).
pub(crate) fn interpret(
    endpoint: &'static str,
    status: StatusCode,
    bytes: &[u8],
    key: Option<&ApiKey>,
) -> Result<Value, CloreError> {
    let parsed: Option<Value> = serde_json::from_slice::<Value>(bytes).ok().filter(Value::is_object);
    let code = parsed.as_ref().and_then(|v| v.get("code")).and_then(|c| match c {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    if let (Some(v), Some(code)) = (&parsed, code)
        && let Some(err) = CloreError::from_code(endpoint, code, v)
    {
        return Err(err);
    }
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => return Err(CloreError::InvalidKey),
        StatusCode::TOO_MANY_REQUESTS => return Err(CloreError::RateLimited { endpoint }),
        s if !s.is_success() => {
            return Err(CloreError::Http { endpoint, status: s.as_u16(), excerpt: excerpt(bytes, key) });
        }
        _ => {}
    }
    match (parsed, code) {
        (Some(v), Some(_)) => Ok(v),
        (Some(_), None) => Err(CloreError::Decode {
            endpoint,
            detail: "the answer has no `code` field".into(),
            excerpt: excerpt(bytes, key),
        }),
        (None, _) => {
            Err(CloreError::Decode { endpoint, detail: "not a JSON object".into(), excerpt: excerpt(bytes, key) })
        }
    }
}

/// The start of an answer, for error messages: one line, bounded, and with the caller's key
/// blotted out should an upstream ever echo it.
fn excerpt(bytes: &[u8], key: Option<&ApiKey>) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(k) = key {
        text = text.replace(k.expose(), "[REDACTED]");
    }
    if text.is_empty() {
        return "(empty)".into();
    }
    if text.chars().count() > EXCERPT_CHARS {
        let cut: String = text.chars().take(EXCERPT_CHARS).collect();
        format!("{cut}…")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(status: u16, body: &str) -> Result<Value, CloreError> {
        interpret("wallets", StatusCode::from_u16(status).unwrap(), body.as_bytes(), None)
    }

    #[test]
    fn the_body_decides_whatever_the_status() {
        assert_eq!(read(200, r#"{"code":3}"#).unwrap_err(), CloreError::InvalidKey);
        assert_eq!(read(401, r#"{"code":3,"error":"invalid_api_key"}"#).unwrap_err(), CloreError::InvalidKey);
        assert_eq!(read(429, r#"{"code":5}"#).unwrap_err(), CloreError::RateLimited { endpoint: "wallets" });
        assert_eq!(
            read(200, r#"{"code":6,"message":"server-offline"}"#).unwrap_err(),
            CloreError::ServerOffline,
            "error text may come as `message`"
        );
        assert_eq!(
            read(200, r#"{"code":6,"error":"exceeded_max_step","max_step":"0.75"}"#).unwrap_err(),
            CloreError::ExceededMaxStep { max_step: 0.75 }
        );
        assert_eq!(read(200, r#"{"code":"0","wallets":[]}"#).unwrap()["wallets"], serde_json::json!([]));
    }

    #[test]
    fn the_status_decides_when_the_body_has_no_code() {
        assert_eq!(read(401, "").unwrap_err(), CloreError::InvalidKey);
        assert_eq!(read(429, "Too Many Requests").unwrap_err(), CloreError::RateLimited { endpoint: "wallets" });
        let e = read(502, "<html>Bad Gateway</html>").unwrap_err();
        assert_eq!(
            e,
            CloreError::Http { endpoint: "wallets", status: 502, excerpt: "<html>Bad Gateway</html>".into() }
        );
        assert!(e.is_transient());
        let e = read(200, r#"{"wallets":[]}"#).unwrap_err();
        assert!(matches!(e, CloreError::Decode { .. }), "{e:?}");
        let e = read(200, r#"{"code":0,"wallets":[{"#).unwrap_err();
        assert!(e.to_string().contains("not a JSON object") && e.to_string().contains("wallets"), "{e}");
    }

    #[test]
    fn excerpts_are_bounded_and_never_hold_the_key() {
        let key = ApiKey::parse("SECRETKEY0123456789abcdef").unwrap();
        let body = format!("oops {} {}", key.expose(), "x".repeat(1000));
        let e = interpret("my_orders", StatusCode::BAD_GATEWAY, body.as_bytes(), Some(&key)).unwrap_err();
        let text = e.to_string();
        assert!(!text.contains("SECRETKEY") && text.contains("[REDACTED]"), "{text}");
        assert!(text.chars().count() < EXCERPT_CHARS + 100, "{} chars", text.chars().count());
    }

    #[test]
    fn base_url_from_the_environment_value() {
        assert_eq!(ClientConfig::from_api_url(None).unwrap().base_url.as_str(), "https://api.clore.ai/v1/");
        let c = ClientConfig::from_api_url(Some(" http://127.0.0.1:8707/v1/ ")).unwrap();
        assert_eq!(c.base_url.join("wallets").unwrap().as_str(), "http://127.0.0.1:8707/v1/wallets");
        let e = ClientConfig::from_api_url(Some("not a url")).unwrap_err();
        assert!(e.starts_with("is not a valid URL"), "{e}");
        let e = ClientConfig::from_api_url(Some("ftp://x/v1")).unwrap_err();
        assert!(e.contains("http:// or https://"), "{e}");
    }
}
