//! The simulator's HTTP face: the ten Clore endpoints under `/v1/` with Clore's auth, rate
//! limits and fault injection, and the control API under `/_sim/`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::control::{AccountUpdate, ConfigUpdate, Fault, FaultMode, ServerUpdate};
use super::state::{SimError, SimResult, SimState};

/// Clore allows one request per second per key…
const CALL_SPACING: Duration = Duration::from_millis(1000);
/// …and one `create_order` per five seconds.
const CREATE_SPACING: Duration = Duration::from_millis(5000);

pub const ENDPOINTS: [&str; 10] = [
    "wallets",
    "my_servers",
    "server_config",
    "marketplace",
    "my_orders",
    "spot_marketplace",
    "set_server_settings",
    "set_spot_price",
    "cancel_order",
    "create_order",
];

/// The simulator: its world and the per-key gates, each behind a short-held lock.
pub struct Sim {
    state: Mutex<SimState>,
    gate: Mutex<Gate>,
}

struct Gate {
    /// Per key: when its last admitted call arrived, and at which endpoint.
    last_call: HashMap<String, (Instant, String)>,
    last_create: HashMap<String, Instant>,
    call_spacing: Duration,
    create_spacing: Duration,
    faults: Vec<Fault>,
    /// Calls refused for coming too soon after the key's last (injected faults not counted).
    rate_limited: u64,
    /// The first [`MAX_REFUSALS`] of them: when (seconds since the simulator started), the
    /// endpoint, the key's last endpoint and how far apart the two arrived.
    refusals: Vec<Value>,
    born: Instant,
}

/// How many refusals are described in `/_sim/state`.
const MAX_REFUSALS: usize = 100;

impl Default for Gate {
    fn default() -> Self {
        Gate {
            last_call: HashMap::new(),
            last_create: HashMap::new(),
            rate_limited: 0,
            refusals: Vec::new(),
            born: Instant::now(),
            call_spacing: CALL_SPACING,
            create_spacing: CREATE_SPACING,
            faults: Vec::new(),
        }
    }
}

impl Sim {
    pub fn new(state: SimState) -> Sim {
        Sim { state: Mutex::new(state), gate: Mutex::new(Gate::default()) }
    }

    /// Runs `f` on the world, brought up to the simulated now first.
    pub fn with_state<T>(&self, f: impl FnOnce(&mut SimState) -> T) -> T {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.tick();
        f(&mut s)
    }

    fn gate(&self) -> std::sync::MutexGuard<'_, Gate> {
        self.gate.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn take_fault(&self, endpoint: &str) -> Option<Fault> {
        let mut g = self.gate();
        let i = g.faults.iter().position(|f| f.endpoint == endpoint || f.endpoint == "*")?;
        if g.faults[i].after > 0 {
            g.faults[i].after -= 1;
            return None;
        }
        let f = g.faults[i].clone();
        g.faults[i].count -= 1;
        if g.faults[i].count == 0 {
            g.faults.remove(i);
        }
        Some(f)
    }

    /// Admits a keyed call that arrived at `arrived`, or answers 429 + code 5, as Clore does.
    /// Calls are spaced by when they arrived, not by when they got through: a call held up
    /// here (behind the world's lock while a marketplace of 1,500 servers is built, or a busy
    /// runtime) must not count as coming later, and closer to the next, than it did.
    fn admit(&self, key: &str, create: bool, endpoint: &str, arrived: Instant) -> Result<(), SimError> {
        let mut g = self.gate();
        let apart = |t: &Instant| if arrived > *t { arrived - *t } else { *t - arrived };
        let call_too_soon = g.last_call.get(key).is_some_and(|(t, _)| apart(t) < g.call_spacing);
        let create_too_soon = create && g.last_create.get(key).is_some_and(|t| apart(t) < g.create_spacing);
        if call_too_soon || create_too_soon {
            g.rate_limited += 1;
            if g.refusals.len() < MAX_REFUSALS {
                let (gap, previous) =
                    g.last_call.get(key).map(|(t, e)| (apart(t).as_millis() as u64, e.clone())).unwrap_or_default();
                let at = arrived.saturating_duration_since(g.born).as_secs_f64();
                g.refusals.push(json!({ "at_s": at, "endpoint": endpoint, "previous": previous, "gap_ms": gap }));
            }
            return Err(SimError::code(5));
        }
        let last = g.last_call.get(key).map_or(arrived, |(t, _)| arrived.max(*t));
        g.last_call.insert(key.to_owned(), (last, endpoint.to_owned()));
        if create {
            let last = g.last_create.get(key).map_or(arrived, |t| arrived.max(*t));
            g.last_create.insert(key.to_owned(), last);
        }
        Ok(())
    }
}

pub fn router(sim: Arc<Sim>) -> Router {
    Router::new()
        .route("/v1/{endpoint}", any(api))
        .route("/_sim/servers/{id}", post(ctl_server))
        .route("/_sim/clock/advance", post(ctl_advance))
        .route("/_sim/faults", post(ctl_fault_add).delete(ctl_fault_clear))
        .route("/_sim/accounts", post(ctl_account))
        .route("/_sim/config", post(ctl_config))
        .route("/_sim/state", get(ctl_state))
        .with_state(sim)
}

fn respond(r: SimResult) -> Response {
    match r {
        Ok(v) => (StatusCode::OK, Json(v)).into_response(),
        Err(e) => (StatusCode::from_u16(e.status).unwrap_or(StatusCode::OK), Json(e.body)).into_response(),
    }
}

async fn api(
    State(sim): State<Arc<Sim>>,
    Path(endpoint): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    // Clore counts a call when it arrives: stamped before anything here can hold it up.
    let mut arrived = Instant::now();
    if let Some(f) = sim.take_fault(&endpoint) {
        match f.mode {
            FaultMode::LateReply => {
                let answer = respond(dispatch(&sim, &endpoint, &headers, query.as_deref(), &body, arrived));
                tokio::time::sleep(Duration::from_millis(f.latency_ms.unwrap_or(30_000))).await;
                return answer;
            }
            FaultMode::LostReply => {
                let _ = dispatch(&sim, &endpoint, &headers, query.as_deref(), &body, arrived);
                // Headers go out, then the connection breaks before any body: the caller
                // cannot tell what happened.
                let broken = futures_util::stream::once(async {
                    Err::<Bytes, std::io::Error>(std::io::Error::other("the simulator dropped this reply"))
                });
                return (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/json")],
                    axum::body::Body::from_stream(broken),
                )
                    .into_response();
            }
            FaultMode::Latency => {
                // Latency on the way in: the call reaches "Clore" once it is over.
                tokio::time::sleep(Duration::from_millis(f.latency_ms.unwrap_or(1000))).await;
                arrived = Instant::now();
            }
            FaultMode::Http500 => {
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    [(header::CONTENT_TYPE, "text/html")],
                    "<html><body><h1>500 Internal Server Error</h1></body></html>",
                )
                    .into_response();
            }
            FaultMode::Malformed => {
                return (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/json")],
                    "{\"code\":0,\"servers\":[{\"id\":",
                )
                    .into_response();
            }
            FaultMode::Code => {
                let mut e = SimError::code(f.code.unwrap_or(1));
                if let Some(err) = f.error {
                    e.body["error"] = json!(err);
                }
                return respond(Err(e));
            }
        }
    }
    respond(dispatch(&sim, &endpoint, &headers, query.as_deref(), &body, arrived))
}

fn dispatch(
    sim: &Sim,
    endpoint: &str,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
    arrived: Instant,
) -> SimResult {
    if !ENDPOINTS.contains(&endpoint) {
        return Err(SimError::code(4));
    }
    let key = headers.get("auth").and_then(|v| v.to_str().ok()).map(str::trim).filter(|k| !k.is_empty());
    let account = match key {
        None if endpoint == "marketplace" => None,
        None => return Err(SimError::code(3)),
        Some(k) => Some(sim.with_state(|s| s.account_by_key(k).map(|a| a.id)).ok_or_else(|| SimError::code(3))?),
    };
    if let Some(k) = key {
        sim.admit(k, endpoint == "create_order", endpoint, arrived)?;
    }
    let json_body: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(body).map_err(|_| SimError::invalid("body is not valid JSON"))?
    };
    let query: BTreeMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned().collect();
    sim.with_state(|s| {
        *s.calls.entry(endpoint.to_owned()).or_insert(0) += 1;
        if let Some(a) = account.and_then(|id| s.accounts.get_mut(&id)) {
            *a.calls.entry(endpoint.to_owned()).or_insert(0) += 1;
        }
        // Every endpoint but `marketplace` has a caller by now.
        let acct = account.unwrap_or_default();
        match endpoint {
            "marketplace" => s.marketplace(account),
            "wallets" => s.wallets(acct),
            "my_servers" => s.my_servers(acct),
            "server_config" => s.server_config(acct, &json_body),
            "my_orders" => {
                let completed = query.get("return_completed").is_some_and(|v| v == "true" || v == "1");
                s.my_orders(acct, completed)
            }
            "spot_marketplace" => s.spot_marketplace(acct, &query),
            "set_server_settings" => s.set_server_settings(acct, &json_body),
            "set_spot_price" => s.set_spot_price(acct, &json_body),
            "cancel_order" => s.cancel_order(acct, &json_body),
            "create_order" => s.create_order(acct, &json_body),
            _ => Err(SimError::code(4)),
        }
    })
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, SimError> {
    serde_json::from_slice(body).map_err(|e| SimError { status: 400, body: json!({ "error": e.to_string() }) })
}

async fn ctl_server(State(sim): State<Arc<Sim>>, Path(id): Path<u64>, body: Bytes) -> Response {
    respond(parse::<ServerUpdate>(&body).and_then(|u| sim.with_state(|s| s.update_server(id, u))))
}

async fn ctl_advance(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Advance {
        seconds: i64,
    }
    respond(parse::<Advance>(&body).and_then(|a| sim.with_state(|s| s.advance(a.seconds))))
}

async fn ctl_fault_add(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    let r = parse::<Fault>(&body).and_then(|f| {
        if f.endpoint != "*" && !ENDPOINTS.contains(&f.endpoint.as_str()) {
            return Err(SimError { status: 400, body: json!({ "error": format!("unknown endpoint {}", f.endpoint) }) });
        }
        if f.mode == FaultMode::Code && f.code.is_none() {
            return Err(SimError { status: 400, body: json!({ "error": "mode \"code\" needs \"code\"" }) });
        }
        if f.count == 0 {
            return Err(SimError { status: 400, body: json!({ "error": "count must be at least 1" }) });
        }
        let mut g = sim.gate();
        g.faults.push(f);
        Ok(json!({ "pending": g.faults.len() }))
    });
    respond(r)
}

async fn ctl_fault_clear(State(sim): State<Arc<Sim>>) -> Response {
    sim.gate().faults.clear();
    respond(Ok(json!({ "pending": 0 })))
}

async fn ctl_account(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    respond(parse::<AccountUpdate>(&body).and_then(|u| sim.with_state(|s| s.update_account(u))))
}

async fn ctl_config(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    respond(parse::<ConfigUpdate>(&body).and_then(|u| {
        let (call, create) = (u.call_spacing_ms, u.create_spacing_ms);
        let answer = sim.with_state(|s| s.update_config(u))?;
        let mut g = sim.gate();
        if let Some(ms) = call {
            g.call_spacing = Duration::from_millis(ms);
        }
        if let Some(ms) = create {
            g.create_spacing = Duration::from_millis(ms);
        }
        Ok(answer)
    }))
}

async fn ctl_state(State(sim): State<Arc<Sim>>) -> Response {
    let mut snapshot = sim.with_state(|s| s.snapshot());
    snapshot["rate_limited"] = json!(sim.gate().rate_limited);
    snapshot["refusals"] = json!(sim.gate().refusals);
    respond(Ok(snapshot))
}
