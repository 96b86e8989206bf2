//! The simulator's world: accounts with wallets and hosted servers, the market, orders with
//! spend and expiry on a simulated clock, spot bids — its types and its rules (what an order
//! costs and needs, who outbids whom, what time passing does), refusing as Clore refuses.
//! Reading the endpoints' JSON and answering in Clore's shapes is `shapes.rs`; `api.rs` only
//! does HTTP.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use super::market::{self, Rates, SimServer};
use super::shapes::MyServersShape;
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
    /// What the order was made with besides its price (`env`, `ssh_key`, `ssh_password`,
    /// `jupyter_token`, `command`, `ports`), as sent: Clore keeps them with the order, and
    /// tests read them back from `/state` to see what was asked for.
    pub made_with: serde_json::Value,
}

impl SimOrder {
    pub fn active(&self) -> bool {
        self.ended.is_none()
    }
    pub(super) fn ends_at(&self) -> i64 {
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
    /// The shape `my_servers` answers in.
    pub my_servers_shape: MyServersShape,
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
            my_servers_shape: MyServersShape::default(),
            next_order_id: 1001,
            next_offer_id,
            next_public_port: 10_000,
            next_host_id: HOST_ID_BASE,
            rng: StdRng::seed_from_u64(seed ^ 0x5eed),
        }
    }

    /// Gives `n` servers a competitor whose bid rises from just above the spot minimum to
    /// 20–60 % above it and back, over half an hour to four hours, each at its own point of
    /// the cycle; drawn from a generator of its own, so the market is the seed's whatever `n`.
    pub fn seed_moving_competitors(&mut self, seed: u64, n: usize) {
        use rand::Rng;
        use rand::seq::SliceRandom;
        if n == 0 {
            return;
        }
        let mut rng = StdRng::seed_from_u64(seed ^ 0xc0_4e7e);
        let mut ids: Vec<u64> = self.servers.values().filter(|s| s.visible && s.online).map(|s| s.id).collect();
        ids.shuffle(&mut rng);
        let now = self.now();
        for id in ids.into_iter().take(n) {
            let offer_id = self.take_offer_id();
            let s = self.servers.get_mut(&id).expect("listed above");
            let low = s.spot_usd * rng.random_range(1.0..1.1);
            let m = market::CompetitorMove {
                offer_id,
                low_usd: low,
                high_usd: s.spot_usd * rng.random_range(1.2..1.6),
                period_s: rng.random_range(1800..14_400),
                start: now,
                phase_s: 0,
            };
            let m = market::CompetitorMove { phase_s: rng.random_range(0..m.period_s), ..m };
            s.competitor_bids.push((offer_id, m.bid_at(now)));
            s.competitor_moves.push(m);
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
            let name = format!("rig-{id}-{}", (b'a' + n as u8) as char);
            let sid = self.new_hosted(id, market::kind_named(model), count, name);
            self.servers.get_mut(&sid).expect("just added").online = online;
            hosted.push(sid);
        }
        let balances = Currency::ALL.into_iter().map(|c| (c, self.rates.from_usd(START_BALANCE_USD, c))).collect();
        self.by_key.insert(key.to_owned(), id);
        self.accounts.insert(id, Account { id, key: key.to_owned(), balances, hosted, calls: BTreeMap::new() });
        id
    }

    /// A server `owner` hosts under `name`: drawn as the market's are (from the hosts' own
    /// generator, so the seeded market stays the seed's), free, online, listed, with no
    /// competitors, taking every currency. The caller lists it among the account's servers.
    fn new_hosted(&mut self, owner: u64, kind: &'static market::GpuKind, gpus: u32, name: String) -> u64 {
        let sid = self.next_host_id;
        self.next_host_id += 1;
        let mut s = market::generate_one(&mut self.rng, sid, owner, kind, gpus, &mut self.next_offer_id);
        s.host_name = Some(name);
        s.rented_external = false;
        s.competitor_bids.clear();
        s.competitor_moves.clear();
        s.allowed = Currency::ALL.to_vec();
        self.servers.insert(sid, s);
        sid
    }

    /// Adds a server to what account `acct` hosts (see [`SimState::new_hosted`]); returns its id.
    pub(super) fn add_hosted(&mut self, acct: u64, kind: &'static market::GpuKind, gpus: u32, name: String) -> u64 {
        let sid = self.new_hosted(acct, kind, gpus, name);
        self.accounts.get_mut(&acct).expect("account exists").hosted.push(sid);
        sid
    }

    pub fn account_by_key(&self, key: &str) -> Option<&Account> {
        self.by_key.get(key).and_then(|id| self.accounts.get(id))
    }

    /// Brings spend, balances and expiry up to the simulated now.
    pub fn tick(&mut self) {
        self.move_competitors();
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

    /// Brings every moving competitor's bid to the simulated now; a bid that rose to an
    /// order's ends it (outbid).
    fn move_competitors(&mut self) {
        let now = self.now();
        let mut moved = Vec::new();
        for s in self.servers.values_mut().filter(|s| !s.competitor_moves.is_empty()) {
            for m in &s.competitor_moves {
                let bid = m.bid_at(now);
                match s.competitor_bids.iter_mut().find(|(id, _)| *id == m.offer_id) {
                    Some(b) => b.1 = bid,
                    None => s.competitor_bids.push((m.offer_id, bid)),
                }
            }
            moved.push(s.id);
        }
        for id in moved {
            self.settle_spot(id);
        }
    }

    pub(super) fn server_busy_on_demand(&self, server_id: u64) -> bool {
        self.orders.values().any(|o| o.active() && o.server_id == server_id && !o.spot)
    }

    pub(super) fn active_spot_orders(&self, server_id: u64) -> impl Iterator<Item = &SimOrder> {
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

    /// The server `acct` hosts under `name`.
    pub(super) fn hosted_by_name(&self, acct: u64, name: &str) -> Option<u64> {
        self.accounts[&acct].hosted.iter().copied().find(|id| self.servers[id].host_name.as_deref() == Some(name))
    }

    /// `acct` lists the server it hosts under `name` or hides it, and sets its maximum rental
    /// length and prices (USD per day); a server told to refuse (`refuse_settings` of the
    /// control API) refuses with its error.
    pub(super) fn configure_hosted(
        &mut self,
        acct: u64,
        name: &str,
        visible: bool,
        mrl_hours: u64,
        price_usd: f64,
        spot_usd: f64,
    ) -> Result<(), SimError> {
        let id = self.hosted_by_name(acct, name).ok_or_else(|| SimError::invalid("unknown server name"))?;
        let s = self.servers.get_mut(&id).expect("hosted server exists");
        if let Some(error) = &s.refuse_settings {
            return Err(SimError::refused(error));
        }
        s.visible = visible;
        s.mrl_hours = mrl_hours;
        s.price_usd = price_usd;
        s.spot_usd = spot_usd;
        Ok(())
    }

    /// Places the order `acct` asks for if Clore would: a server others may rent, online,
    /// taking the currency and free of on-demand renters; the account under its order limit;
    /// a spot bid at least the server's minimum and above every other bid, an on-demand price
    /// no dearer than the caller expects; the creation fee and an hour of the price in the
    /// wallet. Returns the new order's id.
    pub(super) fn place_order(&mut self, acct: u64, req: OrderRequest) -> Result<u64, SimError> {
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
                made_with: req.made_with,
            },
        );
        Ok(id)
    }

    fn own_active_order(&self, acct: u64, id: u64) -> Result<&SimOrder, SimError> {
        self.orders
            .get(&id)
            .filter(|o| o.account == acct && o.active())
            .ok_or_else(|| SimError::invalid("unknown order"))
    }

    /// Moves `acct`'s spot bid on order `id` to `desired` (in the order's currency): never
    /// below the server's minimum, and lowered at most once per [`LOWER_EVERY_SECS`] by at
    /// most [`MAX_LOWER_FRACTION`]. Bids it no longer tops are outbid.
    pub(super) fn change_bid(&mut self, acct: u64, id: u64, desired: f64) -> Result<(), SimError> {
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
        Ok(())
    }

    /// Ends `acct`'s active order `id` now, as cancelled.
    pub(super) fn cancel(&mut self, acct: u64, id: u64) -> Result<(), SimError> {
        self.own_active_order(acct, id)?;
        let now = self.now();
        let o = self.orders.get_mut(&id).expect("checked above");
        o.ended = Some((now, EndReason::Cancelled));
        Ok(())
    }
}

/// A `create_order` body, checked as Clore checks it (code 2 on any violation) by
/// `shapes.rs`: what [`SimState::place_order`] is asked to place.
pub(super) struct OrderRequest {
    pub(super) server: u64,
    pub(super) currency: Currency,
    pub(super) image: String,
    /// The bid, for a spot order; `None` for on-demand.
    pub(super) spot_price: Option<f64>,
    pub(super) required_price: Option<f64>,
    pub(super) tcp_ports: Vec<u16>,
    pub(super) http_port: Option<u16>,
    pub(super) made_with: serde_json::Value,
}
