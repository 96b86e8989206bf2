//! The spot guard's judgement: given a guarded order's bid and the other offers on its
//! server's spot market, whether to raise the bid, lower it, leave it, or say that the cap is
//! near. Pure: the account poll reads the market and acts on the answer (docs/simulator.md,
//! "The spot market", has what Clore publishes about outbid orders and its lowering rules).
//!
//! All amounts are per day in the order's currency.

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
