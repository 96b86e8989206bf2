//! The spot guard's judgement: given a guarded order's bid and the other offers on its
//! server's spot market, whether to raise the bid, lower it, leave it, or say that the cap is
//! near. Pure: the account poll reads the market and acts on the answer (docs/simulator.md,
//! "The spot market", has what Clore publishes about outbid orders and its lowering rules).
//!
//! All amounts are per day in the order's currency.
//!
//! Also here: what a guard is when chosen with a rent ([`GuardSpec`], carried by the rent's
//! intent until the order is known), where an outbid guard rents again ([`rent_again`]), and
//! how often bid changes are told ([`TELL_EVERY`]).

use crate::clore::{Currency, Order, PortProto, ServerId};
use crate::domain::{UserId, WatchId};
use crate::market::ServerView;
use crate::store::spot_guards::{self, SpotGuard};
pub use crate::store::spot_guards::{Change, GuardSpec};

/// Without `margin=`, a guard keeps this share of its cap ahead of waiting offers.
pub const DEFAULT_MARGIN_OF_MAX: f64 = 0.02;

/// The margin a guard keeps: as given, else [`DEFAULT_MARGIN_OF_MAX`] of the cap.
pub fn margin_or_default(margin: Option<f64>, max: f64) -> f64 {
    margin.unwrap_or(max * DEFAULT_MARGIN_OF_MAX)
}

/// The first bid change is told at once; those within this long after it are told together
/// when it has passed.
pub const TELL_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// An order's ports as it was made (`tcp_ports` name the container's side first), for
/// renting it again: `22:tcp,8888:http` as a template stores them.
pub fn ports_of(o: &Order) -> Vec<(u16, PortProto)> {
    let mut ports: Vec<(u16, PortProto)> = o
        .tcp_ports
        .iter()
        .filter_map(|p| p.split_once(':')?.0.trim().parse().ok())
        .map(|p| (p, PortProto::Tcp))
        .collect();
    if let Some(h) = o.http_port.as_deref().and_then(|h| h.trim().parse().ok()) {
        ports.push((h, PortProto::Http));
    }
    ports
}

/// Puts the guard `spec` on order `o`, just made or found for a rent that asked for it
/// (`watch`: the auto-rent watch that made it).
pub async fn put_on(
    conn: &mut sqlx::PgConnection,
    user: UserId,
    o: &Order,
    spec: GuardSpec,
    watch: Option<WatchId>,
) -> sqlx::Result<()> {
    let mut g =
        SpotGuard::new(user, o.id.db(), o.server_id.map_or(0, ServerId::db), o.currency().unwrap_or(Currency::Usd));
    g.max_price = spec.max;
    g.margin = spec.margin;
    g.rebid = spec.rebid;
    g.template_id = spec.template;
    g.watch_id = watch;
    g.image = o.image.clone();
    g.ports = super::templates::ports_text(&ports_of(o));
    spot_guards::put(&mut *conn, &g).await
}

/// Where an outbid guard rents again, and at what bid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Again {
    pub server: ServerId,
    pub bid: f64,
}

/// Where an outbid order is rented again within `rule`'s cap: its own server if a bid of the
/// winner plus the margin (never under the server's floor) is within the cap; else the free
/// server of the same GPU model and count whose lowest bid is cheapest and within the cap, at
/// that lowest bid. `None`: nothing within the cap.
pub fn rent_again(
    rule: Rule,
    own: ServerId,
    winning: Option<f64>,
    floor: Option<f64>,
    original: Option<&ServerView>,
    market: &[ServerView],
    currency: Currency,
) -> Option<Again> {
    let floor = floor.unwrap_or(0.0);
    let on_own = winning.map_or(floor, |w| (w + rule.margin).max(floor));
    if on_own > 0.0 && on_own <= rule.max + EPS {
        return Some(Again { server: own, bid: on_own });
    }
    let original = original?;
    market
        .iter()
        .filter(|s| s.id != own && !s.rented && s.model == original.model && s.gpu_count == original.gpu_count)
        .filter(|s| s.accepts.contains(&currency))
        .filter_map(|s| Some((s.id, *s.spot.get(&currency)?)))
        .filter(|(_, min)| *min > 0.0 && *min <= rule.max + EPS)
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
        .map(|(server, bid)| Again { server, bid })
}

/// What the owner set: never bid above `max`; keep `margin` ahead of the best waiting offer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub max: f64,
    pub margin: f64,
}

/// The market as the guard sees it on one poll.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen<'a> {
    /// Our bid now.
    pub ours: f64,
    /// Every other offer's bid, in our currency (waiting ones; a winner above us means we
    /// have been outbid already and the order has ended).
    pub others: &'a [f64],
    /// The server's lowest allowed bid in our currency, if the answer named one.
    pub floor: Option<f64>,
    /// Whether Clore lets us lower now (its once-per-600-s rule, as last answered).
    pub may_lower: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Our bid is where it should be.
    Keep,
    /// A waiting offer of `competing` came within the margin: bid `to` (at most the cap).
    Raise { to: f64, competing: f64 },
    /// We are well above every other offer (`best_other`, or the floor when there is none):
    /// bid `to` instead.
    Lower { to: f64, best_other: f64 },
    /// A waiting offer of `competing` is within the margin of the cap: the bid is at the cap
    /// (raised to it if `raised_to` says so) and the owner is asked whether to raise the cap.
    AtCap { competing: f64, raised_to: Option<f64> },
}

/// How far above the best other offer our bid may sit before it is lowered: two margins, so
/// a lowering leaves one margin and a small move of the others does not flip it back.
const LOWER_ABOVE_MARGINS: f64 = 2.0;

/// Amounts closer than this are the same (prices are in whole cents, satoshis at finest).
const EPS: f64 = 1e-9;

pub fn decide(rule: Rule, seen: &Seen<'_>) -> Decision {
    let best_other = seen.others.iter().copied().fold(None, |a: Option<f64>, b| Some(a.map_or(b, |a| a.max(b))));
    let floor = seen.floor.unwrap_or(0.0);
    if let Some(competing) = best_other
        && competing + rule.margin > seen.ours + EPS
    {
        let want = competing + rule.margin;
        if want > rule.max + EPS {
            let raised_to = (seen.ours + EPS < rule.max).then_some(rule.max);
            return Decision::AtCap { competing, raised_to };
        }
        return Decision::Raise { to: want, competing };
    }
    let reference = best_other.unwrap_or(floor).max(floor);
    let target = (best_other.map_or(floor, |b| b + rule.margin)).max(floor);
    if seen.may_lower && seen.ours - reference > LOWER_ABOVE_MARGINS * rule.margin + EPS && target + EPS < seen.ours {
        return Decision::Lower { to: target, best_other: reference };
    }
    Decision::Keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(id: u64, model: &str, count: u32, min: f64, rented: bool) -> ServerView {
        use std::collections::BTreeMap;
        ServerView {
            spot: BTreeMap::from([(Currency::Usd, min)]),
            rented,
            ..ServerView::for_test(id, model, count, min * 2.0)
        }
    }

    #[test]
    fn an_outbid_order_is_rented_again_on_its_server_within_the_cap_else_the_cheapest_alike() {
        let own = view(1, "RTX 4090", 1, 1.0, true);
        let market = vec![
            own.clone(),
            view(2, "RTX 4090", 1, 2.5, false),
            view(3, "RTX 4090", 1, 2.0, false),
            view(4, "RTX 4090", 2, 1.0, false),
            view(5, "RTX 3090", 1, 0.5, false),
            view(6, "RTX 4090", 1, 1.5, true),
        ];
        let go = |winning| rent_again(RULE, ServerId(1), winning, Some(1.0), Some(&own), &market, Currency::Usd);
        // The winner bid 3.5: ours would be 3.65, within the cap of 4.
        assert_eq!(go(Some(3.5)), Some(Again { server: ServerId(1), bid: 3.65 }));
        // The winner bid 3.9: 4.05 is over the cap; the cheapest free alike (not a 2× or a 3090,
        // not a rented one) at its lowest bid.
        assert_eq!(go(Some(3.9)), Some(Again { server: ServerId(3), bid: 2.0 }));
        // Nothing alike within a cap of 1.9.
        let low = Rule { max: 1.9, margin: 0.1 };
        assert_eq!(rent_again(low, ServerId(1), Some(3.9), None, Some(&own), &market, Currency::Usd), None);
    }

    #[test]
    fn an_orders_ports_are_read_back_from_its_listing() {
        let o: Order = serde_json::from_value(serde_json::json!({
            "id": 7, "tcp_ports": ["22:10000", "5000:10001"], "http_port": "8888"
        }))
        .unwrap();
        assert_eq!(ports_of(&o), vec![(22, PortProto::Tcp), (5000, PortProto::Tcp), (8888, PortProto::Http)]);
    }

    const RULE: Rule = Rule { max: 4.0, margin: 0.15 };

    fn seen(ours: f64, others: &[f64]) -> Seen<'_> {
        Seen { ours, others, floor: Some(1.0), may_lower: true }
    }

    #[test]
    fn an_offer_within_the_margin_is_outbid_by_the_margin() {
        assert_eq!(decide(RULE, &seen(3.2, &[3.1])), Decision::Raise { to: 3.1 + 0.15, competing: 3.1 });
        // Exactly a margin behind: left alone.
        assert_eq!(decide(RULE, &seen(3.25, &[3.1])), Decision::Keep);
    }

    #[test]
    fn near_the_cap_the_bid_goes_to_the_cap_and_the_owner_is_asked() {
        assert_eq!(decide(RULE, &seen(3.5, &[3.9])), Decision::AtCap { competing: 3.9, raised_to: Some(4.0) });
        assert_eq!(decide(RULE, &seen(4.0, &[3.9])), Decision::AtCap { competing: 3.9, raised_to: None });
    }

    #[test]
    fn far_above_every_other_offer_the_bid_is_lowered_to_one_margin_ahead() {
        assert_eq!(decide(RULE, &seen(3.5, &[2.0, 1.4])), Decision::Lower { to: 2.15, best_other: 2.0 });
        // Not while Clore says lowering must wait.
        let s = Seen { may_lower: false, ..seen(3.5, &[2.0]) };
        assert_eq!(decide(RULE, &s), Decision::Keep);
        // Within two margins: left alone.
        assert_eq!(decide(RULE, &seen(2.25, &[2.0])), Decision::Keep);
    }

    #[test]
    fn alone_on_the_market_the_bid_goes_down_to_the_floor() {
        assert_eq!(decide(RULE, &seen(3.0, &[])), Decision::Lower { to: 1.0, best_other: 1.0 });
        assert_eq!(decide(RULE, &seen(1.2, &[])), Decision::Keep);
        // Never below the floor, whatever the others bid.
        let s = Seen { floor: Some(2.5), ..seen(3.6, &[0.5]) };
        assert_eq!(decide(RULE, &s), Decision::Lower { to: 2.5, best_other: 2.5 });
    }
}
