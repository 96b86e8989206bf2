//! Where a host's server stands among the free servers of its model and GPU count: its rank
//! by price, the cheapest, 25th percentile and median free price, and a one-line suggestion
//! that names its rule. Read off one marketplace snapshot; no I/O.
//!
//! Peers are the free servers listed with the same model and GPU count (a 1× and a 2× RTX
//! 4090 are different offers), the server itself left out and the host's other servers kept
//! in (they compete for the same renters). Prices are compared in USD a day: the on-demand
//! USD price, else the first currency the owner accepts converted at the rate the market's
//! prices imply, so a CLORE-only server counts too (`/market` counts USD-priced servers only,
//! so its free count may be lower). A host's own server is priced the same way when listed,
//! else from the USD figures the host set ([`own_usd`]).
//!
//! The rules:
//! - Prices within half a cent ([`TIE_USD`]) are equal and share a rank: prices show to the
//!   cent, and a converted price carries rounding noise.
//! - A server not free (rented, offline, hidden) is ranked as if it were free: "would be #k".
//! - The cheapest quarter is a price at or under the peers' 25th percentile, judged only with
//!   at least [`QUARTER_MIN_PEERS`] peers: with fewer, a quarter is less than one server.
//! - [`suggest`], first rule that applies: `Rented` and `Offline` keep the price (a rented
//!   server's price is not competing now); `Few` (under four peers) matches the cheapest peer
//!   when dearer; `Quarter` (free, above the 25th percentile) brings it to the percentile,
//!   rounded down to the cent; `Headroom` (in the quarter, more than [`HEADROOM`] under the
//!   percentile) raises it to the percentile, which keeps it in the quarter; else `Hold`.

use std::collections::BTreeMap;

use super::snapshot::usd_rate_in;
use super::stats::percentile;
use super::{GpuModel, ServerView, Snapshot};
use crate::clore::{Currency, HostServer, Prices, ServerId};

/// Prices this close (USD a day) are equal: they show as the same cents.
pub const TIE_USD: f64 = 0.005;
/// The fewest peers the cheapest quarter is judged with: three peers make a quarter of less
/// than one server.
pub const QUARTER_MIN_PEERS: usize = 4;
/// How far under the 25th percentile a price must be before raising it is suggested: closer
/// than 2 %, the gain is cents and the next peer's move may take the place.
pub const HEADROOM: f64 = 0.02;

/// A free server of the market, by its USD price a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Peer {
    pub id: ServerId,
    pub usd: f64,
}

/// Free servers by model and GPU count, each list sorted by price (then id), and the USD
/// rates they were converted at. Built once per snapshot ([`Snapshot::peers`]).
#[derive(Debug, Default)]
pub struct PeerIndex {
    groups: BTreeMap<GpuModel, BTreeMap<u32, Vec<Peer>>>,
    /// How much of each currency one USD is; a currency the market gives no rate for is absent.
    rates: BTreeMap<Currency, f64>,
}

impl PeerIndex {
    pub fn build(servers: &[ServerView]) -> PeerIndex {
        let rates = Currency::ALL.into_iter().filter_map(|c| Some((c, usd_rate_in(servers.iter(), c)?))).collect();
        let mut groups: BTreeMap<GpuModel, BTreeMap<u32, Vec<Peer>>> = BTreeMap::new();
        for s in servers.iter().filter(|s| !s.rented && !s.model.is_empty() && s.gpu_count > 0) {
            if let Some(usd) = price_at(s, &rates) {
                groups.entry(s.model.clone()).or_default().entry(s.gpu_count).or_default().push(Peer { id: s.id, usd });
            }
        }
        for list in groups.values_mut().flat_map(|m| m.values_mut()) {
            list.sort_by(|a, b| a.usd.total_cmp(&b.usd).then(a.id.cmp(&b.id)));
        }
        PeerIndex { groups, rates }
    }

    /// The free servers of `gpus` × `model`, cheapest first (none listed: an empty list).
    pub fn of<'a>(&'a self, model: &'a GpuModel, gpus: u32) -> Peers<'a> {
        let list = self.groups.get(model).and_then(|m| m.get(&gpus)).map(Vec::as_slice).unwrap_or_default();
        Peers { model, gpus, list }
    }

    /// `view`'s on-demand price a day in USD, at this index's rates (see [`usd_price`]).
    pub fn usd_price(&self, view: &ServerView) -> Option<f64> {
        price_at(view, &self.rates)
    }

    /// `amount` of `c` in USD, at the market's rate; `None` when the market gives no rate.
    pub fn to_usd(&self, amount: f64, c: Currency) -> Option<f64> {
        let usd = amount / self.rates.get(&c)?;
        usd.is_finite().then_some(usd)
    }

    /// `usd` in `c`, at the market's rate; `None` when the market gives no rate.
    pub fn from_usd(&self, usd: f64, c: Currency) -> Option<f64> {
        let amount = usd * self.rates.get(&c)?;
        amount.is_finite().then_some(amount)
    }
}

/// One model and count's free servers, cheapest first.
#[derive(Debug, Clone, Copy)]
pub struct Peers<'a> {
    pub model: &'a GpuModel,
    pub gpus: u32,
    pub list: &'a [Peer],
}

/// `view`'s on-demand price a day in USD: its USD price, else the first currency its owner
/// accepts, converted at the rate `snap`'s prices imply. `None`: no price, or no rate.
pub fn usd_price(view: &ServerView, snap: &Snapshot) -> Option<f64> {
    snap.peers().usd_price(view)
}

fn price_at(view: &ServerView, rates: &BTreeMap<Currency, f64>) -> Option<f64> {
    let usable = |p: f64| p.is_finite() && p > 0.0;
    if let Some(p) = view.on_demand.get(&Currency::Usd).copied().filter(|p| usable(*p)) {
        return Some(p);
    }
    view.accepts.iter().filter_map(|c| Some(view.on_demand.get(c)? / rates.get(c)?)).find(|p| usable(*p))
}

/// A host's server's GPU count and model: its listing's when listed, else read off its GPU line.
pub fn offer(host: &HostServer, listed: Option<&ServerView>) -> (u32, GpuModel) {
    match listed {
        Some(v) => (v.gpu_count, v.model.clone()),
        None => super::gpu::parse_gpu_line(&host.gpu_line()),
    }
}

/// A host's server's on-demand and minimum spot price a day in USD, as renters see them: its
/// listing in the snapshot when it has one, else the USD figures the host set
/// (`usd_pricing`), else its prices converted at the market's rates (USD, CLORE, bitcoin, the
/// first that converts). `None` without an on-demand price.
pub fn own_usd(host: &HostServer, listed: Option<&ServerView>, peers: &PeerIndex) -> Option<(f64, Option<f64>)> {
    let usable = |p: &f64| p.is_finite() && *p > 0.0;
    if let Some(view) = listed
        && let Some(on_demand) = peers.usd_price(view)
    {
        let spot = view.accepts.iter().find_map(|c| peers.to_usd(*view.spot.get(c)?, *c).filter(usable));
        return Some((on_demand, spot));
    }
    if let Some(set) = Currency::ALL.into_iter().find_map(|c| host.usd_pricing_in(c).filter(|p| p.on_demand.is_some()))
        && let Some(on_demand) = set.on_demand.filter(usable)
    {
        return Some((on_demand, set.spot.filter(usable)));
    }
    let convert =
        |prices: &Prices| Currency::ALL.into_iter().find_map(|c| peers.to_usd(prices.get(c)?, c).filter(usable));
    Some((convert(&host.pricing)?, convert(&host.min_spot_pricing)))
}

/// A server's place among its peers. Prices are USD a day; the figures are of the peers,
/// the server itself left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub model: GpuModel,
    pub gpus: u32,
    /// The server's own price, as ranked.
    pub price_usd: f64,
    /// Whether the server is free; when not, `rank` is where it would be.
    pub free: bool,
    /// 1 + the peers cheaper: equal prices share a rank.
    pub rank: usize,
    /// The free servers it is ranked among: the peers, and itself when free.
    pub of: usize,
    /// The peers: free servers of the same model and count, itself left out.
    pub peers: usize,
    pub cheapest: Option<f64>,
    pub p25: Option<f64>,
    pub median: Option<f64>,
    /// The share of peers dearer than the server, whole percent rounded down ("cheaper
    /// than 70 %"); `None` without peers.
    pub cheaper_than_pct: Option<u32>,
    /// Peers cheaper than the server.
    pub cheaper: usize,
    /// Whether it is in the cheapest quarter; `None` with fewer than [`QUARTER_MIN_PEERS`] peers.
    pub in_quarter: Option<bool>,
}

/// Where the server `own_id`, at `own_usd` a day, stands among `peers`.
pub fn standing(peers: Peers<'_>, own_id: ServerId, own_usd: f64, own_free: bool) -> Standing {
    let prices: Vec<f64> = peers.list.iter().filter(|p| p.id != own_id).map(|p| p.usd).collect();
    let n = prices.len();
    let cheaper = prices.iter().filter(|p| **p < own_usd - TIE_USD).count();
    let dearer = prices.iter().filter(|p| **p > own_usd + TIE_USD).count();
    let p25 = percentile(&prices, 0.25);
    Standing {
        model: peers.model.clone(),
        gpus: peers.gpus,
        price_usd: own_usd,
        free: own_free,
        rank: cheaper + 1,
        of: n + usize::from(own_free),
        peers: n,
        cheapest: prices.first().copied(),
        p25,
        median: percentile(&prices, 0.5),
        cheaper_than_pct: (n > 0).then(|| (100 * dearer / n) as u32),
        cheaper,
        in_quarter: p25.filter(|_| n >= QUARTER_MIN_PEERS).map(|q| own_usd <= q + TIE_USD),
    }
}

/// What the host's server is doing, as far as a suggestion cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Free,
    Rented,
    /// Offline or hidden: not for rent now.
    Offline,
}

/// The rule a suggestion follows; the reply names it in its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Free and above the 25th percentile: the percentile brings it into the cheapest quarter.
    Quarter,
    /// In the quarter and well under its edge: up to the percentile keeps it there.
    Headroom,
    /// In the quarter, close to its edge: keep the price.
    Hold,
    /// Under four peers: no quarter; match the cheapest.
    Few,
    /// Rented: the price is not competing now.
    Rented,
    /// Offline or hidden: not for rent now.
    Offline,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Suggestion {
    pub rule: Rule,
    /// The price a day in USD the rule suggests; `None` when it keeps the current one.
    pub price_usd: Option<f64>,
}

/// The one-line suggestion for a server standing at `s` (see the module's rules).
pub fn suggest(s: &Standing, presence: Presence) -> Suggestion {
    let keep = |rule| Suggestion { rule, price_usd: None };
    let to = |rule, usd: f64| {
        let cents = floor_cent(usd);
        let moves = cents > 0.0 && (cents - s.price_usd).abs() > TIE_USD;
        Suggestion { rule, price_usd: moves.then_some(cents) }
    };
    match presence {
        Presence::Rented => return keep(Rule::Rented),
        Presence::Offline => return keep(Rule::Offline),
        Presence::Free => {}
    }
    match (s.in_quarter, s.p25) {
        (Some(false), Some(q)) => to(Rule::Quarter, q),
        (Some(true), Some(q)) if s.price_usd < q * (1.0 - HEADROOM) && floor_cent(q) > s.price_usd + TIE_USD => {
            to(Rule::Headroom, q)
        }
        (Some(_), _) => keep(Rule::Hold),
        (None, _) => match s.cheapest {
            Some(c) if s.price_usd > c + TIE_USD => to(Rule::Few, c),
            _ => keep(Rule::Few),
        },
    }
}

/// `usd` rounded down to the cent, so a suggested price is never above the mark it names.
fn floor_cent(usd: f64) -> f64 {
    // The nudge keeps 3.40 (339.99999… cents in binary) at 3.40.
    ((usd * 100.0) + 1e-6).floor() / 100.0
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn free(id: u64, model: &str, gpus: u32, usd: f64) -> ServerView {
        ServerView::for_test(id, model, gpus, usd)
    }

    /// Free 1× RTX 4090s at these USD prices, ids 1, 2, ….
    fn market(prices: &[f64]) -> Vec<ServerView> {
        prices.iter().enumerate().map(|(i, p)| free(i as u64 + 1, "RTX 4090", 1, *p)).collect()
    }

    fn stand(servers: &[ServerView], own_id: u64, own_usd: f64, own_free: bool) -> Standing {
        let index = PeerIndex::build(servers);
        let model = GpuModel::normalise("RTX 4090");
        standing(index.of(&model, 1), ServerId(own_id), own_usd, own_free)
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn equal_prices_share_a_rank() {
        let servers = market(&[3.0, 3.4, 3.4, 4.0]);
        // 3.404 shows as $3.40: a tie, not a place behind.
        for own in [3.4, 3.404, 3.396] {
            let s = stand(&servers, 99, own, true);
            assert_eq!((s.rank, s.of, s.peers, s.cheaper), (2, 5, 4, 1), "own {own}");
            assert_eq!(s.cheaper_than_pct, Some(25), "own {own}: only the 4.00 is dearer");
        }
        let s = stand(&servers, 99, 3.41, true);
        assert_eq!((s.rank, s.cheaper), (4, 3));
    }

    #[test]
    fn the_server_itself_is_no_peer_but_the_hosts_others_are() {
        // Server 2 is ours at 3.40; 3 is our other server at 3.50.
        let servers = market(&[3.0, 3.4, 3.5, 4.0]);
        let s = stand(&servers, 2, 3.4, true);
        assert_eq!((s.rank, s.of, s.peers), (2, 4, 3));
        assert!(close(s.cheapest, 3.0));
        assert!(close(s.median, 3.5), "median of 3.0, 3.5, 4.0");
        assert_eq!(s.cheaper_than_pct, Some(66), "two of three dearer, rounded down");
    }

    #[test]
    fn a_server_not_free_is_ranked_where_it_would_be() {
        let mut servers = market(&[3.0, 3.2, 3.6, 4.0]);
        servers.push(ServerView { rented: true, ..free(9, "RTX 4090", 1, 3.1) });
        let s = stand(&servers, 9, 3.1, false);
        assert!(!s.free);
        assert_eq!((s.rank, s.of, s.peers), (2, 4, 4), "would be #2 of the 4 free");
        // A rented peer is no competition.
        let s = stand(&servers, 99, 3.15, true);
        assert_eq!((s.rank, s.of), (2, 5));
    }

    #[test]
    fn the_quarter_needs_four_peers() {
        let s = stand(&market(&[3.0, 3.5, 4.0]), 99, 2.0, true);
        assert_eq!(s.in_quarter, None);
        assert_eq!(s.rank, 1);
        assert!(s.p25.is_some(), "the figures are shown all the same");
        let s = stand(&market(&[3.0, 3.5, 4.0, 4.5]), 99, 2.0, true);
        assert_eq!(s.in_quarter, Some(true));
        let s = stand(&market(&[]), 99, 2.0, true);
        assert_eq!((s.rank, s.of, s.peers, s.cheapest, s.cheaper_than_pct, s.in_quarter), (1, 1, 0, None, None, None));
    }

    #[test]
    fn percentiles_are_the_peers_interpolated() {
        // Hand values: p25 of 1..8 sits at 1.75 of 7 steps → 2.75; the median at 3.5 → 4.5.
        let servers = market(&[8.0, 1.0, 7.0, 2.0, 6.0, 3.0, 5.0, 4.0]);
        let s = stand(&servers, 99, 2.75, true);
        assert!(close(s.cheapest, 1.0));
        assert!(close(s.p25, 2.75));
        assert!(close(s.median, 4.5));
        assert_eq!(s.in_quarter, Some(true), "the edge itself is in");
        assert_eq!(stand(&servers, 99, 2.754, true).in_quarter, Some(true), "within a tie of the edge");
        assert_eq!(stand(&servers, 99, 2.76, true).in_quarter, Some(false));
        assert_eq!(s.cheaper_than_pct, Some(75));
    }

    #[test]
    fn a_clore_only_peer_counts_at_the_markets_rate() {
        // Two servers priced in both say 1 USD = 20 CLORE; the third takes CLORE only.
        let mut servers = Vec::new();
        for (id, usd) in [(1, 4.0), (2, 5.0)] {
            let mut s = free(id, "RTX 4090", 1, usd);
            s.on_demand.insert(Currency::Clore, usd * 20.0);
            s.accepts.push(Currency::Clore);
            servers.push(s);
        }
        let mut clore = free(3, "RTX 4090", 1, 0.0);
        clore.on_demand = BTreeMap::from([(Currency::Clore, 60.0)]);
        clore.accepts = vec![Currency::Clore];
        servers.push(clore.clone());
        // A bitcoin-only peer with no bitcoin rate in the market cannot be priced: left out.
        let mut btc = free(4, "RTX 4090", 1, 0.0);
        btc.on_demand = BTreeMap::from([(Currency::Bitcoin, 0.00003)]);
        btc.accepts = vec![Currency::Bitcoin];
        servers.push(btc.clone());

        let snap = Snapshot::new(servers);
        assert!(close(usd_price(&clore, &snap), 3.0));
        assert_eq!(usd_price(&btc, &snap), None);
        let model = GpuModel::normalise("RTX 4090");
        let peers = snap.peers();
        let ids: Vec<u64> = peers.of(&model, 1).list.iter().map(|p| p.id.0).collect();
        assert_eq!(ids, [3, 1, 2], "cheapest first, the CLORE-only one at $3.00");
        assert!(close(peers.to_usd(100.0, Currency::Clore), 5.0));
        assert!(close(peers.from_usd(5.0, Currency::Clore), 100.0));
        assert_eq!(peers.to_usd(1.0, Currency::Bitcoin), None);
    }

    #[test]
    fn gpu_counts_are_kept_apart() {
        let servers = vec![
            free(1, "NVIDIA GeForce RTX 4090", 1, 3.0),
            free(2, "RTX 4090", 2, 6.0),
            free(3, "RTX 4090", 2, 5.0),
            free(4, "RTX 3090", 1, 1.0),
            free(5, "", 0, 0.5),
        ];
        let index = PeerIndex::build(&servers);
        let model = GpuModel::normalise("RTX 4090");
        let two: Vec<u64> = index.of(&model, 2).list.iter().map(|p| p.id.0).collect();
        assert_eq!(two, [3, 2]);
        let one: Vec<u64> = index.of(&model, 1).list.iter().map(|p| p.id.0).collect();
        assert_eq!(one, [1], "the 2× and the 3090 are other offers");
        assert!(index.of(&model, 4).list.is_empty());
        let s = standing(index.of(&model, 2), ServerId(99), 5.5, true);
        assert_eq!((s.rank, s.of), (2, 3));
    }

    #[test]
    fn the_index_is_built_once_per_snapshot() {
        let snap = Snapshot::new(market(&[3.0, 4.0]));
        let first = snap.peers();
        assert!(Arc::ptr_eq(&first, &snap.peers()));
        // A stale copy holds the same servers, so it shares the index.
        let copy = snap.clone();
        assert!(Arc::ptr_eq(&first, &copy.peers()));
    }

    #[test]
    fn suggestions_name_their_rule() {
        use Presence::Free;
        use Rule::{Few, Headroom, Hold, Quarter};
        let five = [3.0, 3.5, 4.0, 4.5, 5.0]; // p25 3.50
        let odd = [3.0, 3.456, 4.0, 4.5, 5.0]; // p25 3.456
        // (what, peers' prices, own price, presence, rule, suggested price)
        type Row<'a> = (&'a str, &'a [f64], f64, Presence, Rule, Option<f64>);
        let rows: &[Row] = &[
            ("rented keeps its price", &five, 4.8, Presence::Rented, Rule::Rented, None),
            ("offline keeps its price", &five, 4.8, Presence::Offline, Rule::Offline, None),
            ("above the quarter: its edge", &five, 4.2, Free, Quarter, Some(3.5)),
            ("the edge rounded down", &odd, 4.2, Free, Quarter, Some(3.45)),
            ("well under the edge: up to it", &five, 3.2, Free, Headroom, Some(3.5)),
            ("within 2 % of the edge: hold", &five, 3.45, Free, Hold, None),
            ("at the edge: hold", &five, 3.5, Free, Hold, None),
            ("few peers, dearer: the cheapest", &[3.0, 3.456, 4.0], 3.8, Free, Few, Some(3.0)),
            ("few peers, already cheapest", &[3.0, 3.456, 4.0], 3.0, Free, Few, None),
            ("no peers at all", &[], 3.0, Free, Few, None),
        ];
        for (what, prices, own, presence, rule, price) in rows {
            let got = suggest(&stand(&market(prices), 99, *own, *presence == Free), *presence);
            assert_eq!(got.rule, *rule, "{what}");
            match (got.price_usd, price) {
                (None, None) => {}
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9, "{what}: {g} ≠ {w}"),
                (g, w) => panic!("{what}: {g:?} ≠ {w:?}"),
            }
        }
    }

    #[test]
    fn own_prices_come_from_the_listing_then_the_hosts_usd_then_the_rate() {
        // The market says 1 USD = 0.00002 BTC.
        let mut rated = free(1, "RTX 4090", 1, 5.0);
        rated.on_demand.insert(Currency::Bitcoin, 0.0001);
        rated.accepts.push(Currency::Bitcoin);
        let peers = PeerIndex::build(&[rated]);
        let host = |extra: serde_json::Value| -> HostServer {
            let mut v = serde_json::json!({"name": "rig-a", "pricing": {"bitcoin": 0.00006},
                "min_spot_pricing": {"bitcoin": 0.00004}});
            v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            serde_json::from_value(v).unwrap()
        };
        let flat = host(serde_json::json!({"usd_pricing": {"on_demand": 3.6, "spot": 2.0}}));
        let nested = host(serde_json::json!({"usd_pricing": {"bitcoin": {"on_demand": 3.7, "spot": 2.1}}}));
        let bare = host(serde_json::json!({}));
        let mut listed = free(7, "RTX 4090", 1, 3.3);
        listed.spot.insert(Currency::Usd, 1.5);

        assert_eq!(own_usd(&flat, Some(&listed), &peers), Some((3.3, Some(1.5))), "the market's view first");
        assert_eq!(own_usd(&flat, None, &peers), Some((3.6, Some(2.0))));
        assert_eq!(own_usd(&nested, None, &peers), Some((3.7, Some(2.1))));
        let (on_demand, spot) = own_usd(&bare, None, &peers).unwrap();
        assert!((on_demand - 3.0).abs() < 1e-9 && spot.is_some_and(|s| (s - 2.0).abs() < 1e-9));
        let unrated = PeerIndex::build(&market(&[3.0]));
        assert_eq!(own_usd(&bare, None, &unrated), None, "no bitcoin rate, no price");
    }

    #[test]
    fn odd_prices_do_not_panic() {
        for own in [f64::NAN, f64::INFINITY, -1.0, 0.0] {
            let s = stand(&market(&[3.0, 3.5, 4.0, 4.5]), 99, own, true);
            let _ = suggest(&s, Presence::Free);
        }
        // A peer priced NaN or zero is not a price.
        assert!(PeerIndex::build(&market(&[f64::NAN, 0.0])).of(&GpuModel::normalise("RTX 4090"), 1).list.is_empty());
    }
}
