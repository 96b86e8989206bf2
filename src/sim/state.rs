//! The simulator's world: accounts with wallets and hosted servers, the market, orders with
//! spend and expiry on a simulated clock, spot bids. Endpoint logic lives here as plain
//! functions over the state; `api.rs` only does HTTP.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Map, Value, json};

use super::market::{self, Rates, SimServer};
use crate::clore::Currency;

/// Longest maximum rental length a host may set (ten years): bounds the arithmetic on it.
pub const MAX_MRL_HOURS: u64 = crate::clore::validate::MRL_MAX_HOURS;

/// A creation fee of about $0.10 is charged per order.
pub use crate::clore::CREATION_FEE_USD;
/// Percent of each order Clore keeps, reported as `fee`.
pub const FEE_PERCENT: f64 = 5.0;
/// Active orders one account may hold (`limit` in `my_orders`).
pub const ORDER_LIMIT: usize = 10;
/// Lowering a spot bid: once per this many seconds…
pub const LOWER_EVERY_SECS: i64 = 600;
/// …and by at most this fraction of the current bid.
pub const MAX_LOWER_FRACTION: f64 = 0.25;
/// An order needs this many hours of its price in the wallet beyond the creation fee.
const MIN_BALANCE_HOURS: f64 = 1.0;
/// What a new account holds in each currency, as USD: days of a few real-priced servers, while
/// an 8-GPU datacenter rig (~$400/day) runs it down in a day or so and the low-balance alert fires.
pub const START_BALANCE_USD: f64 = 500.0;
const HOST_ID_BASE: u64 = 100_000;
const OWNER_ID_BASE: u64 = 50_000;

/// An error answer: HTTP status and JSON body.
#[derive(Debug, Clone)]
pub struct SimError {
    pub status: u16,
    pub body: Value,
}

impl SimError {
    pub fn code(code: i64) -> SimError {
        let status = match code {
            3 => 401,
            5 => 429,
            _ => 200,
        };
        SimError { status, body: json!({ "code": code }) }
    }
    pub fn invalid(why: &str) -> SimError {
        SimError { status: 200, body: json!({ "code": 2, "error": why }) }
    }
    pub fn refused(error: &str) -> SimError {
        SimError { status: 200, body: json!({ "code": 6, "error": error }) }
    }
}

pub type SimResult = Result<Value, SimError>;

#[derive(Debug, Clone)]
pub struct Account {
    pub id: u64,
    pub key: String,
    pub balances: BTreeMap<Currency, f64>,
    pub hosted: Vec<u64>,
    /// Calls answered per endpoint for this account (as [`SimState::calls`] counts them all).
    pub calls: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    Expired,
    Cancelled,
    Outbid,
    OutOfFunds,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Expired => "expired",
            EndReason::Cancelled => "cancelled",
            EndReason::Outbid => "outbid",
            EndReason::OutOfFunds => "out_of_funds",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SimOrder {
    pub id: u64,
    pub account: u64,
    pub server_id: u64,
    pub ct: i64,
    pub mrl_secs: u64,
    pub currency: Currency,
    /// Price per day in `currency`; for spot orders, the bid.
    pub price: f64,
    pub spot: bool,
    pub image: String,
    pub tcp: Vec<(u16, u16)>,
    pub http_port: Option<u16>,
    pub cluster: Vec<String>,
    pub ended: Option<(i64, EndReason)>,
    pub creation_fee: f64,
    pub spend: f64,
    pub settled_at: i64,
    pub last_lowered_at: Option<i64>,
    pub ready_at: i64,
}

impl SimOrder {
    pub fn active(&self) -> bool {
        self.ended.is_none()
    }
    fn ends_at(&self) -> i64 {
        self.ct + self.mrl_secs as i64
    }
}

pub struct SimState {
    pub rates: Rates,
    pub servers: BTreeMap<u64, SimServer>,
    pub accounts: BTreeMap<u64, Account>,
    /// Account ids by key (thousands of accounts are looked up on every call).
    by_key: std::collections::HashMap<String, u64>,
    pub orders: BTreeMap<u64, SimOrder>,
    /// Seconds added to the wall clock by `/_sim/clock/advance`.
    pub clock_offset: i64,
    /// Seconds after creation before an order's endpoints are assigned.
    pub provision_secs: i64,
    /// Calls answered per endpoint (after auth and rate limits), for tests of upstream economy.
    pub calls: BTreeMap<String, u64>,
    next_order_id: u64,
    next_offer_id: u64,
    next_public_port: u16,
    next_host_id: u64,
    rng: StdRng,
}

fn wall_clock() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl SimState {
    pub fn new(seed: u64, servers: usize) -> SimState {
        let mut next_offer_id = 1;
        let list = market::generate(seed, servers, &mut next_offer_id);
        SimState {
            rates: Rates::default(),
            servers: list.into_iter().map(|s| (s.id, s)).collect(),
            accounts: BTreeMap::new(),
            by_key: std::collections::HashMap::new(),
            orders: BTreeMap::new(),
            clock_offset: 0,
            provision_secs: 0,
            calls: BTreeMap::new(),
            next_order_id: 1001,
            next_offer_id,
            next_public_port: 10_000,
            next_host_id: HOST_ID_BASE,
            rng: StdRng::seed_from_u64(seed ^ 0x5eed),
        }
    }

    pub fn take_offer_id(&mut self) -> u64 {
        self.next_offer_id += 1;
        self.next_offer_id - 1
    }

    pub fn now(&self) -> i64 {
        // `advance` bounds the offset, so this cannot overflow.
        wall_clock() + self.clock_offset
    }

    /// Adds an account with default balances and two hosted servers (one online, one
    /// offline); if the key exists, returns its id unchanged.
    pub fn add_account(&mut self, key: &str) -> u64 {
        self.add_account_hosting(key, true)
    }

    /// [`SimState::add_account`], hosting nothing unless `host`.
    pub fn add_account_hosting(&mut self, key: &str, host: bool) -> u64 {
        if let Some(a) = self.account_by_key(key) {
            return a.id;
        }
        let id = OWNER_ID_BASE + self.accounts.len() as u64 + 1;
        let mut hosted = Vec::new();
        let rigs = [("NVIDIA GeForce RTX 4090", 2, true), ("NVIDIA GeForce RTX 3090", 1, false)];
        for (n, (model, count, online)) in rigs.into_iter().enumerate().filter(|_| host) {
            let sid = self.next_host_id;
            self.next_host_id += 1;
            let mut s =
                market::generate_one(&mut self.rng, sid, id, market::kind_named(model), count, &mut self.next_offer_id);
            s.host_name = Some(format!("rig-{id}-{}", (b'a' + n as u8) as char));
            s.online = online;
            s.rented_external = false;
            s.competitor_bids.clear();
            s.allowed = Currency::ALL.to_vec();
            self.servers.insert(sid, s);
            hosted.push(sid);
        }
        let balances = Currency::ALL.into_iter().map(|c| (c, self.rates.from_usd(START_BALANCE_USD, c))).collect();
        self.by_key.insert(key.to_owned(), id);
        self.accounts.insert(id, Account { id, key: key.to_owned(), balances, hosted, calls: BTreeMap::new() });
        id
    }

    pub fn account_by_key(&self, key: &str) -> Option<&Account> {
        self.by_key.get(key).and_then(|id| self.accounts.get(id))
    }

    /// Brings spend, balances and expiry up to the simulated now.
    pub fn tick(&mut self) {
        let now = self.now();
        let ids: Vec<u64> = self.orders.values().filter(|o| o.active()).map(|o| o.id).collect();
        for id in ids {
            let o = self.orders.get_mut(&id).expect("listed above");
            let until = now.min(o.ends_at());
            if until > o.settled_at {
                let cost = o.price * (until - o.settled_at) as f64 / 86_400.0;
                o.spend += cost;
                o.settled_at = until;
                let (acct, cur) = (o.account, o.currency);
                if let Some(a) = self.accounts.get_mut(&acct) {
                    let bal = a.balances.entry(cur).or_insert(0.0);
                    *bal -= cost;
                    if *bal < 0.0 {
                        *bal = 0.0;
                        o.ended = Some((until, EndReason::OutOfFunds));
                        continue;
                    }
                }
            }
            if now >= o.ends_at() {
                o.ended = Some((o.ends_at(), EndReason::Expired));
            }
        }
    }

    fn server_busy_on_demand(&self, server_id: u64) -> bool {
        self.orders.values().any(|o| o.active() && o.server_id == server_id && !o.spot)
    }

    fn active_spot_orders(&self, server_id: u64) -> impl Iterator<Item = &SimOrder> {
        self.orders.values().filter(move |o| o.active() && o.server_id == server_id && o.spot)
    }

    pub fn server_rented(&self, s: &SimServer) -> bool {
        s.rented_external || self.orders.values().any(|o| o.active() && o.server_id == s.id)
    }

    fn end_orders_where(&mut self, reason: EndReason, pred: impl Fn(&SimOrder) -> bool) {
        let now = self.now();
        for o in self.orders.values_mut().filter(|o| o.active() && pred(o)) {
            o.ended = Some((now, reason));
        }
    }

    /// Ends spot orders on a server whose bids (in USD) are no longer the highest.
    pub fn settle_spot(&mut self, server_id: u64) {
        let Some(s) = self.servers.get(&server_id) else { return };
        let top_competitor = s.competitor_bids.iter().map(|(_, b)| *b).fold(0.0, f64::max);
        let rates = self.rates;
        self.end_orders_where(EndReason::Outbid, |o| {
            o.server_id == server_id && o.spot && rates.to_usd(o.price, o.currency) <= top_competitor
        });
    }

    fn prices_json(&self, usd: f64, allowed: &[Currency]) -> Value {
        let m: Map<String, Value> =
            allowed.iter().map(|c| (c.api_name().to_owned(), json!(self.rates.from_usd(usd, *c)))).collect();
        Value::Object(m)
    }

    fn all_prices_json(&self, usd: f64) -> Value {
        self.prices_json(usd, &Currency::ALL)
    }

    fn specs_json(&self, s: &SimServer) -> Value {
        json!({
            "mb": s.mb,
            "cpu": s.cpu,
            "cpus": s.cpus,
            "ram": s.ram,
            "disk": s.disk,
            "disk_speed": s.disk_speed,
            "gpu": format!("{}x {}", s.gpu_count, s.gpu),
            "gpuram": s.gpuram,
            "pcie_rev": s.pcie_rev,
            "pcie_width": s.pcie_width,
            "pl": vec![350; s.gpu_count as usize],
            "stock_oc": "default",
            "backend_version": "10",
            "net": { "cc": s.cc, "down": s.down, "up": s.up, "test_history": [] },
        })
    }

    fn gpu_array(s: &SimServer) -> Value {
        let name = if s.leading_space { format!(" {}", s.gpu) } else { s.gpu.to_owned() };
        json!(vec![name; s.gpu_count as usize])
    }

    pub fn marketplace(&self, caller: Option<u64>) -> SimResult {
        let servers: Vec<Value> = self
            .servers
            .values()
            .filter(|s| s.online && s.visible)
            .map(|s| {
                let original: Map<String, Value> = s
                    .allowed
                    .iter()
                    .map(|c| (c.api_name().to_owned(), json!({ "on_demand": s.price_usd, "spot": s.spot_usd })))
                    .collect();
                json!({
                    "id": s.id,
                    "owner": s.owner,
                    "mrl": s.mrl_hours,
                    "price": {
                        "on_demand": self.prices_json(s.price_usd, &s.allowed),
                        "spot": self.prices_json(s.spot_usd, &s.allowed),
                        "usd": {
                            "on_demand_btc": s.price_usd,
                            "on_demand_clore": s.price_usd,
                            "on_demand_usd": s.price_usd,
                            "spot": s.spot_usd,
                        },
                        "original_usd": original,
                    },
                    "rented": self.server_rented(s),
                    "reliability": s.reliability,
                    "rating": { "avg": s.rating_avg, "cnt": s.rating_cnt },
                    "allowed_coins": s.allowed.iter().map(|c| c.api_name()).collect::<Vec<_>>(),
                    "cuda_version": s.cuda,
                    "autoprice": "off",
                    "gpu_array": Self::gpu_array(s),
                    "gigaspot": false,
                    "specs": self.specs_json(s),
                })
            })
            .collect();
        let mine: Vec<u64> = caller.and_then(|id| self.accounts.get(&id)).map(|a| a.hosted.clone()).unwrap_or_default();
        Ok(json!({ "servers": servers, "my_servers": mine, "code": 0 }))
    }

    pub fn wallets(&self, acct: u64) -> SimResult {
        let a = &self.accounts[&acct];
        let wallets: Vec<Value> = Currency::ALL
            .iter()
            .map(|c| {
                json!({
                    "name": c.api_name(),
                    "deposit": format!("sim-{}-{:x}", c.symbol().to_lowercase(), acct * 7919),
                    "balance": a.balances.get(c).copied().unwrap_or(0.0),
                    "withdrawal_fee": self.rates.from_usd(1.0, *c),
                })
            })
            .collect();
        Ok(json!({ "wallets": wallets, "code": 0 }))
    }

    fn rental_status(&self, s: &SimServer) -> u8 {
        match self.orders.values().find(|o| o.active() && o.server_id == s.id) {
            Some(o) if o.spot => 1,
            Some(_) => 2,
            None if s.rented_external => 2,
            None => 0,
        }
    }

    fn host_json(&self, s: &SimServer) -> Value {
        let rental_end =
            self.orders.values().filter(|o| o.active() && o.server_id == s.id).map(|o| o.ends_at() * 1000).max();
        json!({
            "id": s.id,
            "name": s.host_name,
            "connected": true,
            "visibility": if s.visible { "public" } else { "hidden" },
            "pricing": self.all_prices_json(s.price_usd),
            "min_spot_pricing": self.all_prices_json(s.spot_usd),
            "online": s.online,
            "init_token": format!("sim-init-{:016x}", s.id.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
            "specs": self.specs_json(s),
            "mrl": s.mrl_hours,
            "rented": self.rental_status(s) != 0,
            "remaining_time": rental_end,
            "working_properly": s.online,
            "gpu_array": Self::gpu_array(s),
            "gpu_count": s.gpu_count,
            "usd_pricing": { "on_demand": s.price_usd, "spot": s.spot_usd },
            "allowed_currencies": s.allowed.iter().map(|c| c.api_name()).collect::<Vec<_>>(),
        })
    }

    pub fn my_servers(&self, acct: u64) -> SimResult {
        let a = &self.accounts[&acct];
        let servers: Vec<Value> =
            a.hosted.iter().filter_map(|id| self.servers.get(id)).map(|s| self.host_json(s)).collect();
        Ok(json!({ "servers": servers, "limit": 16, "code": 0 }))
    }

    fn hosted_by_name(&self, acct: u64, name: &str) -> Option<u64> {
        self.accounts[&acct].hosted.iter().copied().find(|id| self.servers[id].host_name.as_deref() == Some(name))
    }

    pub fn server_config(&self, acct: u64, body: &Value) -> SimResult {
        let name = body.get("server_name").and_then(Value::as_str).ok_or_else(|| SimError::invalid("server_name"))?;
        let id = self.hosted_by_name(acct, name).ok_or_else(|| SimError::invalid("unknown server_name"))?;
        let s = &self.servers[&id];
        Ok(json!({
            "config": {
                "name": s.host_name,
                "connected": true,
                "visibility": if s.visible { "public" } else { "hidden" },
                "pricing": self.all_prices_json(s.price_usd),
                "spot_pricing": self.all_prices_json(s.spot_usd),
                "mrl": s.mrl_hours,
                "online": s.online,
                "initialized": true,
                "id": s.id,
                "rental_status": self.rental_status(s),
                "specs": self.specs_json(s),
                "background_job": { "times_updated": 1, "image": "cloreai/ubuntu20.04-jupyter", "command": "", "env": [] },
            },
            "creation_completed": true,
            "code": 0,
        }))
    }

    pub fn set_server_settings(&mut self, acct: u64, body: &Value) -> SimResult {
        let name = body.get("name").and_then(Value::as_str).ok_or_else(|| SimError::invalid("name"))?;
        let availability =
            body.get("availability").and_then(Value::as_bool).ok_or_else(|| SimError::invalid("availability"))?;
        let mrl = body
            .get("mrl")
            .and_then(Value::as_u64)
            .filter(|m| (1..=MAX_MRL_HOURS).contains(m))
            .ok_or_else(|| SimError::invalid("mrl"))?;
        let price = |f: &str| body.get(f).and_then(Value::as_f64).filter(|p| p.is_finite() && *p > 0.0);
        let on_demand = price("on_demand").ok_or_else(|| SimError::invalid("on_demand"))?;
        let spot = price("spot").ok_or_else(|| SimError::invalid("spot"))?;
        let id = self.hosted_by_name(acct, name).ok_or_else(|| SimError::invalid("unknown server name"))?;
        let rates = self.rates;
        let s = self.servers.get_mut(&id).expect("hosted server exists");
        s.visible = availability;
        s.mrl_hours = mrl;
        // This endpoint's prices are bitcoin amounts, as in Clore's documented example.
        s.price_usd = rates.to_usd(on_demand, Currency::Bitcoin);
        s.spot_usd = rates.to_usd(spot, Currency::Bitcoin);
        Ok(json!({ "code": 0 }))
    }

    fn order_json(&self, o: &SimOrder, now: i64) -> Value {
        let s = &self.servers[&o.server_id];
        let ready = o.active() && now >= o.ready_at;
        let mut v = json!({
            "id": o.id,
            "si": o.server_id,
            "ct": o.ct,
            "mrl": o.mrl_secs,
            "price": o.price,
            "currency": o.currency.api_name(),
            "spend": o.spend,
            "fee": FEE_PERCENT,
            "creation_fee": o.creation_fee,
            "image": o.image,
            "expired": !o.active(),
            "spot": o.spot,
            "p": 1,
            "online": s.online,
            "owner": s.owner,
            "reliability": s.reliability,
            "cuda_version": s.cuda,
            "gpu_array": Self::gpu_array(s),
            "original_price_usd": self.rates.to_usd(o.price, o.currency),
            "specs": self.specs_json(s),
            "pub_cluster": if ready { json!(o.cluster) } else { json!([]) },
            "tcp_ports": if ready {
                json!(o.tcp.iter().map(|(c, p)| format!("{c}:{p}")).collect::<Vec<_>>())
            } else {
                json!([])
            },
        });
        if let (true, Some(h)) = (ready, o.http_port) {
            v["http_port"] = json!(h.to_string());
            v["http_pub"] = json!(format!("{}-{}.http.clorecloud.net", o.id, h));
        }
        if let Some((_, reason)) = o.ended {
            // Not a Clore field; the simulator's own hint, ignored by clients.
            v["sim_end_reason"] = json!(reason.as_str());
        }
        v
    }

    pub fn my_orders(&self, acct: u64, completed: bool) -> SimResult {
        let now = self.now();
        let orders: Vec<Value> = self
            .orders
            .values()
            .filter(|o| o.account == acct && (completed || o.active()))
            .map(|o| self.order_json(o, now))
            .collect();
        Ok(json!({ "orders": orders, "limit": ORDER_LIMIT, "code": 0 }))
    }

    pub fn spot_marketplace(&self, acct: u64, query: &BTreeMap<String, String>) -> SimResult {
        let id: u64 = query.get("market").and_then(|m| m.parse().ok()).ok_or_else(|| SimError::invalid("market"))?;
        let Some(s) = self.servers.get(&id).filter(|s| s.visible) else {
            return Ok(json!({ "exists": false, "code": 0 }));
        };
        let btc = |usd: f64| self.rates.from_usd(usd, Currency::Bitcoin);
        let mut bids: Vec<(u64, f64, bool, u64)> =
            s.competitor_bids.iter().map(|(oid, b)| (*oid, *b, false, 0)).collect();
        for o in self.active_spot_orders(id) {
            bids.push((o.id, self.rates.to_usd(o.price, o.currency), o.account == acct, o.id));
        }
        let on_demand = self.server_busy_on_demand(id) || s.rented_external;
        let top = bids.iter().map(|b| b.1).fold(f64::MIN, f64::max);
        let offers: Vec<Value> = bids
            .iter()
            .map(|(oid, usd, my, order)| {
                let mut v = json!({
                    "offer_id": oid,
                    "bid": btc(*usd),
                    "active": !on_demand && *usd >= top,
                    "my": my,
                    "server_id": id,
                });
                if *order != 0 {
                    v["order_id"] = json!(order);
                }
                v
            })
            .collect();
        Ok(json!({
            "market": {
                "offers": offers,
                "server": {
                    "min_pricing": self.prices_json(s.spot_usd, &s.allowed),
                    "mrl": s.mrl_hours * 3600,
                    "visibility": if s.visible { "public" } else { "hidden" },
                    "online": s.online,
                },
            },
            "exists": true,
            "currency_rates_in_usd": {
                "bitcoin": self.rates.btc_usd,
                "CLORE-Blockchain": self.rates.clore_usd,
                "USD-Blockchain": 1.0,
            },
            "code": 0,
        }))
    }

    pub fn create_order(&mut self, acct: u64, body: &Value) -> SimResult {
        let req = OrderRequest::parse(body)?;
        let now = self.now();
        let s = self
            .servers
            .get(&req.server)
            .filter(|s| s.visible || s.owner == acct)
            .ok_or_else(|| SimError::invalid("renting_server"))?;
        if s.owner == acct {
            return Err(SimError::refused("cannot-rent-own-server"));
        }
        if !s.online {
            return Err(SimError::refused("server-offline"));
        }
        if !s.allowed.contains(&req.currency) {
            return Err(SimError::refused("currency-not-allowed"));
        }
        if s.rented_external || self.server_busy_on_demand(s.id) {
            return Err(SimError::refused("server-already-rented"));
        }
        if self.orders.values().filter(|o| o.account == acct && o.active()).count() >= ORDER_LIMIT {
            return Err(SimError::refused("orders-limit-reached"));
        }
        let rates = self.rates;
        let price = match req.spot_price {
            Some(bid) => {
                let bid_usd = rates.to_usd(bid, req.currency);
                let top = s
                    .competitor_bids
                    .iter()
                    .map(|(_, b)| *b)
                    .chain(self.active_spot_orders(s.id).map(|o| rates.to_usd(o.price, o.currency)))
                    .fold(0.0, f64::max);
                if bid_usd + 1e-12 < s.spot_usd || bid_usd <= top {
                    return Err(SimError::refused("too_low_price"));
                }
                bid
            }
            None => {
                let current = rates.from_usd(s.price_usd, req.currency);
                if let Some(required) = req.required_price
                    && current > required * (1.0 + 1e-9)
                {
                    return Err(SimError::refused("price-changed"));
                }
                current
            }
        };
        let creation_fee = rates.from_usd(CREATION_FEE_USD, req.currency);
        let need = creation_fee + price * MIN_BALANCE_HOURS / 24.0;
        let balance = self.accounts[&acct].balances.get(&req.currency).copied().unwrap_or(0.0);
        if balance < need {
            return Err(SimError::refused("not_enough_balance"));
        }
        let (server_id, mrl_secs, spot) = (s.id, s.mrl_hours * 3600, req.spot_price.is_some());
        // An on-demand order takes the server from spot renters; a winning spot bid outbids
        // the spot renter before it.
        self.end_orders_where(EndReason::Outbid, |o| o.server_id == server_id && o.spot);
        *self.accounts.get_mut(&acct).expect("caller exists").balances.entry(req.currency).or_insert(0.0) -=
            creation_fee;
        let tcp: Vec<(u16, u16)> = req
            .tcp_ports
            .iter()
            .map(|c| {
                let p = self.next_public_port;
                self.next_public_port = self.next_public_port.checked_add(1).unwrap_or(10_000);
                (*c, p)
            })
            .collect();
        let id = self.next_order_id;
        self.next_order_id += 1;
        let n = id % 4 + 1;
        let cluster = vec![format!("n{n}.c1.clorecloud.net"), format!("n{}.c1.clorecloud.net", n % 4 + 1)];
        self.orders.insert(
            id,
            SimOrder {
                id,
                account: acct,
                server_id,
                ct: now,
                mrl_secs,
                currency: req.currency,
                price,
                spot,
                image: req.image,
                tcp,
                http_port: req.http_port,
                cluster,
                ended: None,
                creation_fee,
                spend: 0.0,
                settled_at: now,
                last_lowered_at: None,
                ready_at: now + self.provision_secs,
            },
        );
        Ok(json!({ "code": 0 }))
    }

    fn own_active_order(&self, acct: u64, id: u64) -> Result<&SimOrder, SimError> {
        self.orders
            .get(&id)
            .filter(|o| o.account == acct && o.active())
            .ok_or_else(|| SimError::invalid("unknown order"))
    }

    pub fn set_spot_price(&mut self, acct: u64, body: &Value) -> SimResult {
        let id = body.get("order_id").and_then(Value::as_u64).ok_or_else(|| SimError::invalid("order_id"))?;
        let desired = body
            .get("desired_price")
            .and_then(Value::as_f64)
            .filter(|p| p.is_finite() && *p > 0.0)
            .ok_or_else(|| SimError::invalid("desired_price"))?;
        let now = self.now();
        let o = self.own_active_order(acct, id)?;
        if !o.spot {
            return Err(SimError::invalid("not a spot order"));
        }
        let min_usd = self.servers[&o.server_id].spot_usd;
        if self.rates.to_usd(desired, o.currency) + 1e-12 < min_usd {
            return Err(SimError::refused("too_low_price"));
        }
        if desired < o.price {
            if let Some(at) = o.last_lowered_at
                && now - at < LOWER_EVERY_SECS
            {
                let mut e = SimError::refused("can_lower_every_600_seconds");
                e.body["time_to_lowering"] = json!(LOWER_EVERY_SECS - (now - at));
                return Err(e);
            }
            let lowest = o.price * (1.0 - MAX_LOWER_FRACTION);
            if desired < lowest * (1.0 - 1e-9) {
                let mut e = SimError::refused("exceeded_max_step");
                e.body["max_step"] = json!(lowest);
                return Err(e);
            }
        }
        let server = o.server_id;
        let o = self.orders.get_mut(&id).expect("checked above");
        if desired < o.price {
            o.last_lowered_at = Some(now);
        }
        o.price = desired;
        self.settle_spot(server);
        Ok(json!({ "code": 0 }))
    }

    pub fn cancel_order(&mut self, acct: u64, body: &Value) -> SimResult {
        let id = body.get("id").and_then(Value::as_u64).ok_or_else(|| SimError::invalid("id"))?;
        if let Some(issue) = body.get("issue") {
            let ok = issue.as_str().is_some_and(|s| s.chars().count() <= 2048);
            if !ok {
                return Err(SimError::invalid("issue"));
            }
        }
        self.own_active_order(acct, id)?;
        let now = self.now();
        let o = self.orders.get_mut(&id).expect("checked above");
        o.ended = Some((now, EndReason::Cancelled));
        Ok(json!({ "code": 0 }))
    }
}

/// A `create_order` body, checked as Clore checks it (code 2 on any violation).
struct OrderRequest {
    server: u64,
    currency: Currency,
    image: String,
    spot_price: Option<f64>,
    required_price: Option<f64>,
    tcp_ports: Vec<u16>,
    http_port: Option<u16>,
}

fn token_ok(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= 32
        && s.chars().all(|c| c.is_ascii_alphanumeric() || " \t\n\r-=.@+/".contains(c))
}

impl OrderRequest {
    fn parse(b: &Value) -> Result<OrderRequest, SimError> {
        let currency = b
            .get("currency")
            .and_then(Value::as_str)
            .and_then(|c| Currency::ALL.into_iter().find(|k| k.api_name() == c))
            .ok_or_else(|| SimError::invalid("currency"))?;
        let image = b
            .get("image")
            .and_then(Value::as_str)
            .filter(|i| !i.trim().is_empty())
            .ok_or_else(|| SimError::invalid("image"))?
            .to_owned();
        let server =
            b.get("renting_server").and_then(Value::as_u64).ok_or_else(|| SimError::invalid("renting_server"))?;
        let price_field = |f: &str| -> Result<Option<f64>, SimError> {
            match b.get(f) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => {
                    v.as_f64().filter(|p| p.is_finite() && *p > 0.0).map(Some).ok_or_else(|| SimError::invalid(f))
                }
            }
        };
        let spot_price = match b.get("type").and_then(Value::as_str) {
            Some("on-demand") => None,
            Some("spot") => Some(price_field("spotprice")?.ok_or_else(|| SimError::invalid("spotprice"))?),
            _ => return Err(SimError::invalid("type")),
        };
        let required_price = price_field("required_price")?;
        let mut tcp_ports = Vec::new();
        let mut http_port = None;
        if let Some(ports) = b.get("ports") {
            let ports = ports.as_object().ok_or_else(|| SimError::invalid("ports"))?;
            if ports.len() > 5 {
                return Err(SimError::invalid("ports"));
            }
            for (port, proto) in ports {
                let p: u16 = port.parse().ok().filter(|p| *p > 0).ok_or_else(|| SimError::invalid("ports"))?;
                match proto.as_str() {
                    Some("tcp") => tcp_ports.push(p),
                    Some("http") if http_port.is_none() => http_port = Some(p),
                    _ => return Err(SimError::invalid("ports")),
                }
            }
        }
        if let Some(env) = b.get("env") {
            let env = env.as_object().ok_or_else(|| SimError::invalid("env"))?;
            let too_long = serde_json::to_string(env).map(|s| s.chars().count()).unwrap_or(0) > 12_000;
            let bad =
                env.iter().any(|(k, v)| k.chars().count() > 128 || v.as_str().is_none_or(|v| v.chars().count() > 1536));
            if too_long || bad {
                return Err(SimError::invalid("env"));
            }
        }
        for f in ["ssh_password", "jupyter_token"] {
            if let Some(v) = b.get(f)
                && !v.as_str().is_some_and(token_ok)
            {
                return Err(SimError::invalid(f));
            }
        }
        if let Some(k) = b.get("ssh_key")
            && k.as_str().is_none_or(|k| k.chars().count() > 3072)
        {
            return Err(SimError::invalid("ssh_key"));
        }
        Ok(OrderRequest { server, currency, image, spot_price, required_price, tcp_ports, http_port })
    }
}
