//! The simulator's control API under `/_sim/` (no key): script prices, availability, the
//! clock, faults and accounts from tests and the demo.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

use super::shapes::MyServersShape;
use super::state::{SimError, SimResult, SimState};

/// A bound on one clock advance (ten years), so simulated time stays far from overflow.
const MAX_ADVANCE_SECS: i64 = 10 * 365 * 86_400;
use crate::clore::Currency;

/// `POST /_sim/servers/{id}`: any subset of these.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerUpdate {
    pub price_usd: Option<f64>,
    pub spot_usd: Option<f64>,
    /// Rented by someone outside the simulation (`false` frees it of that renter; the
    /// simulator's own orders are not touched).
    pub rented: Option<bool>,
    pub online: Option<bool>,
    pub visible: Option<bool>,
    /// A simulated competitor bids this much (USD per day) on the spot market.
    pub competitor_bid_usd: Option<f64>,
    /// A competitor whose bid rises from `low_usd` to `high_usd` and falls back every
    /// `period_s` simulated seconds (starting `phase_s` into its cycle).
    pub moving_competitor: Option<MovingCompetitor>,
    /// Removes every competitor of the server, fixed or moving.
    pub clear_competitors: Option<bool>,
    /// The owner's maximum rental length, hours (orders made afterwards get it).
    pub mrl_hours: Option<u64>,
    /// Rented by someone outside the simulation on the spot market (`rental_status` 1);
    /// `false` frees it of that renter. Orders on it are refused as for `rented`.
    pub rented_spot: Option<bool>,
    /// `set_server_settings` on this server refuses with code 6 and this `error`; `null`
    /// lets it through again.
    #[serde(default, deserialize_with = "present")]
    pub refuse_settings: Option<Option<String>>,
}

/// A field that may be given as `null`: `Some(None)`, told apart from a field not given.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// `moving_competitor` of [`ServerUpdate`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MovingCompetitor {
    pub low_usd: f64,
    pub high_usd: f64,
    pub period_s: i64,
    #[serde(default)]
    pub phase_s: i64,
}

/// `POST /_sim/faults`: after `after` calls pass normally, the next `count` calls to
/// `endpoint` (`*` for any) misbehave.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub endpoint: String,
    pub mode: FaultMode,
    /// Calls to let through untouched first (e.g. the `my_orders` a client makes before
    /// `create_order`, so the failures start after the order).
    #[serde(default)]
    pub after: u32,
    #[serde(default)]
    pub code: Option<i64>,
    /// With `mode: "code"` and code 6: the `error` string to send.
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub latency_ms: Option<u64>,
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultMode {
    Code,
    Http500,
    /// Waits `latency_ms`, then handles the call normally.
    Latency,
    Malformed,
    /// Handles the call (an order is made), then drops the connection without an answer.
    LostReply,
    /// Handles the call, then answers only after `latency_ms`.
    LateReply,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountUpdate {
    pub key: String,
    /// Currency API name → balance to set.
    #[serde(default)]
    pub balances: BTreeMap<String, f64>,
    /// For a new account: `false` hosts no servers (default: two, unless `hosted` says which).
    #[serde(default)]
    pub host: Option<bool>,
    /// Servers the account hosts besides any it has (a new account given these hosts only them).
    #[serde(default)]
    pub hosted: Vec<HostedSpec>,
}

/// One server of `hosted` in [`AccountUpdate`]: drawn like the market's, then given these.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostedSpec {
    /// Its name in `my_servers`, unique within the account.
    pub name: String,
    /// A model of the market's catalogue, whole or its end ("RTX 4090").
    pub gpu: String,
    #[serde(default = "one")]
    pub gpus: u32,
    pub price_usd: f64,
    /// Spot minimum (default: half the on-demand price, in whole cents).
    #[serde(default)]
    pub spot_usd: Option<f64>,
    #[serde(default = "yes")]
    pub online: bool,
    #[serde(default = "yes")]
    pub visible: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigUpdate {
    pub provision_secs: Option<i64>,
    /// Per-key spacing of calls (Clore: 1000 ms) and of `create_order` (5000 ms); tests that
    /// are not about rate limits make Clore faster with these.
    pub call_spacing_ms: Option<u64>,
    pub create_spacing_ms: Option<u64>,
    /// `older` or `newer`: which of the live API's shapes `my_servers` answers in.
    pub my_servers_shape: Option<MyServersShape>,
}

fn bad(why: impl Into<String>) -> SimError {
    SimError { status: 400, body: json!({ "error": why.into() }) }
}

fn price(field: &str, v: Option<f64>) -> Result<Option<f64>, SimError> {
    match v {
        Some(p) if !(p.is_finite() && p > 0.0) => Err(bad(format!("{field} must be a positive number"))),
        other => Ok(other),
    }
}

impl SimState {
    pub fn update_server(&mut self, id: u64, u: ServerUpdate) -> SimResult {
        let price_usd = price("price_usd", u.price_usd)?;
        let spot_usd = price("spot_usd", u.spot_usd)?;
        let competitor = price("competitor_bid_usd", u.competitor_bid_usd)?;
        if let Some(m) = &u.moving_competitor {
            price("moving_competitor.low_usd", Some(m.low_usd))?;
            price("moving_competitor.high_usd", Some(m.high_usd))?;
            if m.high_usd < m.low_usd || m.period_s < 2 || m.phase_s < 0 {
                return Err(bad("moving_competitor needs low_usd <= high_usd, period_s >= 2 and phase_s >= 0"));
            }
        }
        if u.mrl_hours.is_some_and(|h| !(1..=super::state::MAX_MRL_HOURS).contains(&h)) {
            return Err(bad(format!("mrl_hours must be 1 to {}", super::state::MAX_MRL_HOURS)));
        }
        self.tick();
        let offer_id = self.take_offer_id();
        let move_id = u.moving_competitor.as_ref().map(|_| self.take_offer_id());
        let now = self.now();
        let s = self
            .servers
            .get_mut(&id)
            .ok_or_else(|| SimError { status: 404, body: json!({ "error": "no such server" }) })?;
        if let Some(p) = price_usd {
            s.price_usd = p;
        }
        if let Some(p) = spot_usd {
            s.spot_usd = p;
        }
        if let Some(r) = u.rented {
            s.rented_external = r;
            s.external_spot = false;
        }
        match u.rented_spot {
            Some(true) => (s.rented_external, s.external_spot) = (true, true),
            Some(false) if s.external_spot => (s.rented_external, s.external_spot) = (false, false),
            _ => {}
        }
        if let Some(refuse) = u.refuse_settings {
            s.refuse_settings = refuse;
        }
        if let Some(o) = u.online {
            s.online = o;
        }
        if let Some(v) = u.visible {
            s.visible = v;
        }
        if let Some(h) = u.mrl_hours {
            s.mrl_hours = h;
        }
        if u.clear_competitors == Some(true) {
            s.competitor_bids.clear();
            s.competitor_moves.clear();
        }
        if let Some(b) = competitor {
            s.competitor_bids.push((offer_id, b));
        }
        if let (Some(m), Some(offer_id)) = (u.moving_competitor, move_id) {
            let m = super::market::CompetitorMove {
                offer_id,
                low_usd: m.low_usd,
                high_usd: m.high_usd,
                period_s: m.period_s,
                start: now,
                phase_s: m.phase_s,
            };
            s.competitor_bids.push((offer_id, m.bid_at(now)));
            s.competitor_moves.push(m);
        }
        self.settle_spot(id);
        Ok(self.server_summary(id))
    }

    pub fn update_account(&mut self, u: AccountUpdate) -> SimResult {
        if u.key.trim().is_empty() {
            return Err(bad("key must not be empty"));
        }
        let mut names: Vec<String> = match self.account_by_key(&u.key) {
            Some(a) => a.hosted.iter().filter_map(|id| self.servers[id].host_name.clone()).collect(),
            None => Vec::new(),
        };
        let mut hosted = Vec::new();
        for h in u.hosted {
            let name = h.name.trim().to_owned();
            if name.is_empty() || name.len() > 64 || names.contains(&name) {
                return Err(bad(format!("hosted name `{name}` must be 1 to 64 characters and new to the account")));
            }
            let kind = super::market::kind_called(&h.gpu).ok_or_else(|| bad(format!("no GPU model `{}`", h.gpu)))?;
            if !(1..=8).contains(&h.gpus) {
                return Err(bad("gpus must be 1 to 8"));
            }
            let price_usd = price("price_usd", Some(h.price_usd))?.unwrap_or(h.price_usd);
            let spot_usd = price("spot_usd", h.spot_usd)?.unwrap_or(super::market::in_cents(price_usd / 2.0));
            names.push(name.clone());
            hosted.push((name, kind, h.gpus, price_usd, spot_usd, h.online, h.visible));
        }
        let id = self.add_account_hosting(&u.key, u.host.unwrap_or(true) && hosted.is_empty());
        for (name, kind, gpus, price_usd, spot_usd, online, visible) in hosted {
            let sid = self.add_hosted(id, kind, gpus, name);
            let s = self.servers.get_mut(&sid).expect("just added");
            (s.price_usd, s.spot_usd, s.online, s.visible) = (price_usd, spot_usd, online, visible);
        }
        for (name, amount) in u.balances {
            let c = Currency::ALL
                .into_iter()
                .find(|c| c.api_name() == name)
                .ok_or_else(|| bad(format!("unknown currency {name}")))?;
            if !amount.is_finite() || amount < 0.0 {
                return Err(bad("balances must be non-negative numbers"));
            }
            self.accounts.get_mut(&id).expect("just added").balances.insert(c, amount);
        }
        Ok(self.account_summary(id))
    }

    pub fn update_config(&mut self, u: ConfigUpdate) -> SimResult {
        if u.call_spacing_ms.into_iter().chain(u.create_spacing_ms).any(|ms| ms > 60_000) {
            return Err(bad("call_spacing_ms and create_spacing_ms are at most 60000"));
        }
        if let Some(p) = u.provision_secs {
            if p < 0 {
                return Err(bad("provision_secs must be >= 0"));
            }
            self.provision_secs = p;
        }
        if let Some(shape) = u.my_servers_shape {
            self.my_servers_shape = shape;
        }
        Ok(json!({ "provision_secs": self.provision_secs, "my_servers_shape": self.my_servers_shape }))
    }

    pub fn advance(&mut self, seconds: i64) -> SimResult {
        if seconds < 0 {
            return Err(bad("seconds must be >= 0: the clock only moves forward"));
        }
        if seconds > MAX_ADVANCE_SECS || self.clock_offset > MAX_ADVANCE_SECS * 100 {
            return Err(bad("seconds must be at most 315360000 (ten years) per call"));
        }
        self.tick();
        self.clock_offset += seconds;
        self.tick();
        Ok(json!({ "now": self.now() }))
    }

    fn server_summary(&self, id: u64) -> Value {
        let s = &self.servers[&id];
        json!({
            "id": s.id,
            "owner": s.owner,
            "name": s.host_name,
            "gpu": format!("{}x {}", s.gpu_count, s.gpu),
            "price_usd": s.price_usd,
            "spot_usd": s.spot_usd,
            "rented": self.server_rented(s),
            "rented_spot": s.rented_external && s.external_spot,
            "refuse_settings": s.refuse_settings,
            "online": s.online,
            "visible": s.visible,
            "competitor_bids_usd": s.competitor_bids.iter().map(|(_, b)| b).collect::<Vec<_>>(),
        })
    }

    fn account_summary(&self, id: u64) -> Value {
        let a = &self.accounts[&id];
        let balances: BTreeMap<&str, f64> = a.balances.iter().map(|(c, b)| (c.api_name(), *b)).collect();
        json!({ "id": a.id, "key": a.key, "balances": balances, "servers": a.hosted, "calls": a.calls })
    }

    pub fn snapshot(&self) -> Value {
        let orders: Vec<Value> = self
            .orders
            .values()
            .map(|o| {
                json!({
                    "id": o.id,
                    "account": o.account,
                    "server_id": o.server_id,
                    "ct": o.ct,
                    "mrl": o.mrl_secs,
                    "currency": o.currency.api_name(),
                    "price": o.price,
                    "spot": o.spot,
                    "spend": o.spend,
                    "active": o.active(),
                    "ended_at": o.ended.map(|(t, _)| t),
                    "end_reason": o.ended.map(|(_, r)| r.as_str()),
                    "image": o.image,
                    "made_with": o.made_with,
                })
            })
            .collect();
        json!({
            "now": self.now(),
            "servers": self.servers.keys().map(|id| self.server_summary(*id)).collect::<Vec<_>>(),
            "orders": orders,
            "accounts": self.accounts.keys().map(|id| self.account_summary(*id)).collect::<Vec<_>>(),
            "calls": self.calls,
        })
    }
}
