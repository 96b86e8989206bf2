//! When a host's free server has been undercut enough to say so: it left the cheapest quarter
//! of its model, or [`judge`]'s `n` more free servers of its model are now cheaper than the
//! fewest seen since the last alert. The judgement and the state it carries from one poll to
//! the next (stored per server); no I/O.
//!
//! The rules:
//! - Edge-triggered: the first judgement, the host's own price moving by more than
//!   [`OWN_MOVE`], and a new free period (see [`carried`]) set a baseline and never alert.
//! - `more` counts from the running minimum of cheaper servers since the last alert, so peers
//!   that come and go below the server do not add up to an alert, but a real slide does.
//! - At most one alert a day per server ([`CAP`]); an edge inside the day is consumed (it
//!   sets the new baseline) rather than kept for later. The host's own price change and a new
//!   free period lift the cap: that is the server "changing again".

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::standing::Standing;

/// The host's own price moving more than this (a share of the old price) is a new baseline:
/// they reacted, or changed it for their own reasons; either way the old count is moot.
pub const OWN_MOVE: f64 = 0.005;
/// At most one undercut alert per server within this.
pub const CAP: TimeDelta = TimeDelta::days(1);

/// What the judgement carries between polls, per server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Whether the server was in its cheapest quarter (unknown, with too few peers, keeps the
    /// last known; a first judgement without a quarter counts as out).
    pub in_quarter: bool,
    /// The baseline: the fewest cheaper free servers seen since the last alert (or baseline).
    pub cheaper: u32,
    /// The server's own USD price a day the baseline was set at.
    pub own_usd: f64,
    /// The last alert, for the daily cap.
    pub alerted_at: Option<DateTime<Utc>>,
    /// When this state was judged last.
    pub judged_at: DateTime<Utc>,
}

/// Why a server was undercut; both may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Undercut {
    /// It was in the cheapest quarter and is no longer.
    pub left_quarter: bool,
    /// Cheaper free servers now beyond the baseline (0 when only the quarter was left).
    pub more_cheaper: u32,
}

/// A stored state only if it was judged within the server's current free period, which
/// began at `free_since`: a new free period starts from a new baseline (and lifts the cap).
pub fn carried(prev: Option<State>, free_since: Option<DateTime<Utc>>) -> Option<State> {
    prev.filter(|p| free_since.is_none_or(|since| p.judged_at >= since))
}

/// Judges a free server standing at `standing`, at `at`, against the state of its last
/// judgement. `own_usd` is the price a day the host set, in USD (`usd_pricing`, which does not
/// move with exchange rates as a converted price would, so rates alone never re-baseline).
/// `n` more cheaper servers alert (0: only leaving the quarter does). Returns the state to
/// store and the alert to send, if any.
pub fn judge(
    prev: Option<State>,
    standing: &Standing,
    own_usd: f64,
    at: DateTime<Utc>,
    n: u32,
) -> (State, Option<Undercut>) {
    let cheaper = u32::try_from(standing.cheaper).unwrap_or(u32::MAX);
    let baseline = |in_quarter| State { in_quarter, cheaper, own_usd, alerted_at: None, judged_at: at };
    let Some(prev) = prev else {
        return (baseline(standing.in_quarter.unwrap_or(false)), None);
    };
    if own_moved(prev.own_usd, own_usd) {
        return (baseline(standing.in_quarter.unwrap_or(prev.in_quarter)), None);
    }
    let in_quarter = standing.in_quarter.unwrap_or(prev.in_quarter);
    let left_quarter = prev.in_quarter && standing.in_quarter == Some(false);
    let more_cheaper = cheaper.saturating_sub(prev.cheaper);
    let more = n > 0 && more_cheaper >= n;
    let next = State { in_quarter, judged_at: at, ..prev };
    if !left_quarter && !more {
        return (State { cheaper: prev.cheaper.min(cheaper), ..next }, None);
    }
    let capped = prev.alerted_at.is_some_and(|t| at - t < CAP);
    if capped {
        return (State { cheaper, ..next }, None);
    }
    let undercut = Undercut { left_quarter, more_cheaper: if more { more_cheaper } else { 0 } };
    (State { cheaper, alerted_at: Some(at), ..next }, Some(undercut))
}

fn own_moved(was: f64, now: f64) -> bool {
    // A price that was not positive cannot be compared by share: any change is a move.
    if was > 0.0 { ((now - was) / was).abs() > OWN_MOVE } else { now != was }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::GpuModel;

    fn t(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + TimeDelta::hours(hours)
    }

    /// A free 1× RTX 4090 with `cheaper` peers under it and this quarter verdict.
    fn st(cheaper: usize, in_quarter: Option<bool>) -> Standing {
        Standing {
            model: GpuModel::normalise("RTX 4090"),
            gpus: 1,
            price_usd: 3.4,
            free: true,
            rank: cheaper + 1,
            of: 31,
            peers: 30,
            cheapest: Some(3.0),
            p25: Some(3.5),
            median: Some(4.0),
            cheaper_than_pct: Some(50),
            cheaper,
            in_quarter,
        }
    }

    fn state(in_quarter: bool, cheaper: u32, alerted: Option<i64>) -> State {
        State { in_quarter, cheaper, own_usd: 3.4, alerted_at: alerted.map(t), judged_at: t(-1) }
    }

    const N: u32 = 3;

    #[test]
    fn judgement_table() {
        let left = Some(Undercut { left_quarter: true, more_cheaper: 0 });
        let more = |k| Some(Undercut { left_quarter: false, more_cheaper: k });
        // (what, prev, now: cheaper and quarter, own price, n, alert, state: quarter, base, alerted)
        type Row =
            (&'static str, Option<State>, (usize, Option<bool>), f64, u32, Option<Undercut>, (bool, u32, Option<i64>));
        let rows: &[Row] = &[
            ("first sight is a baseline", None, (9, Some(false)), 3.4, N, None, (false, 9, None)),
            ("first sight without a quarter counts as out", None, (1, None), 3.4, N, None, (false, 1, None)),
            ("left the quarter", Some(state(true, 5, None)), (6, Some(false)), 3.4, N, left, (false, 6, Some(0))),
            ("still in it", Some(state(true, 5, None)), (6, Some(true)), 3.4, N, None, (true, 5, None)),
            ("n more cheaper", Some(state(false, 5, None)), (8, Some(false)), 3.4, N, more(3), (false, 8, Some(0))),
            (
                "both at once",
                Some(state(true, 2, None)),
                (6, Some(false)),
                3.4,
                N,
                Some(Undercut { left_quarter: true, more_cheaper: 4 }),
                (false, 6, Some(0)),
            ),
            ("fewer than n more", Some(state(false, 5, None)), (7, Some(false)), 3.4, N, None, (false, 5, None)),
            (
                "fewer cheaper: the running minimum",
                Some(state(false, 5, None)),
                (3, Some(false)),
                3.4,
                N,
                None,
                (false, 3, None),
            ),
            ("n = 0: counting is off", Some(state(false, 5, None)), (20, Some(false)), 3.4, 0, None, (false, 5, None)),
            (
                "n = 0: leaving still alerts",
                Some(state(true, 5, None)),
                (20, Some(false)),
                3.4,
                0,
                left,
                (false, 20, Some(0)),
            ),
            (
                "too few peers keeps the last verdict",
                Some(state(true, 1, None)),
                (1, None),
                3.4,
                N,
                None,
                (true, 1, None),
            ),
            (
                "inside the day's cap: consumed",
                Some(state(true, 5, Some(-23))),
                (9, Some(false)),
                3.4,
                N,
                None,
                (false, 9, Some(-23)),
            ),
            (
                "a day after the last alert",
                Some(state(true, 5, Some(-24))),
                (9, Some(false)),
                3.4,
                N,
                Some(Undercut { left_quarter: true, more_cheaper: 4 }),
                (false, 9, Some(0)),
            ),
            (
                "own price cut: a baseline",
                Some(state(true, 5, Some(-2))),
                (9, Some(false)),
                3.3,
                N,
                None,
                (false, 9, None),
            ),
            (
                "own price raised: a baseline",
                Some(state(true, 5, None)),
                (9, Some(false)),
                3.5,
                N,
                None,
                (false, 9, None),
            ),
            (
                "own price within 0.5 %: judged",
                Some(state(true, 5, None)),
                (6, Some(false)),
                3.41,
                N,
                left,
                (false, 6, Some(0)),
            ),
        ];
        for (what, prev, (cheaper, in_quarter), own, n, alert, (q, base, alerted)) in rows {
            let (next, got) = judge(prev.clone(), &st(*cheaper, *in_quarter), *own, t(0), *n);
            assert_eq!(got, *alert, "{what}");
            assert_eq!((next.in_quarter, next.cheaper, next.alerted_at), (*q, *base, alerted.map(t)), "{what}");
            assert_eq!(next.judged_at, t(0), "{what}");
        }
    }

    #[test]
    fn the_own_price_is_the_baselines_and_moves_only_with_it() {
        let (s, _) = judge(None, &st(2, Some(true)), 3.4, t(0), N);
        // Creeping by 0.4 % a poll does not walk the baseline along: the third step is a move.
        let (s, _) = judge(Some(s), &st(2, Some(true)), 3.4136, t(1), N);
        assert_eq!(s.own_usd, 3.4);
        let (s, got) = judge(Some(s), &st(9, Some(false)), 3.4272, t(2), N);
        assert_eq!((got, s.own_usd, s.cheaper), (None, 3.4272, 9));
    }

    #[test]
    fn one_alert_a_day_then_it_rearms() {
        // Baseline in the quarter with 2 cheaper; three peers drop under it.
        let (s, _) = judge(None, &st(2, Some(true)), 3.4, t(0), N);
        let (s, got) = judge(Some(s), &st(5, Some(false)), 3.4, t(1), N);
        assert_eq!(got, Some(Undercut { left_quarter: true, more_cheaper: 3 }));
        // The next poll, unchanged: nothing.
        let (s, got) = judge(Some(s), &st(5, Some(false)), 3.4, t(2), N);
        assert_eq!(got, None);
        // Another slide the same day: held back by the cap, and consumed.
        let (s, got) = judge(Some(s), &st(8, Some(false)), 3.4, t(3), N);
        assert_eq!((got, s.cheaper), (None, 8));
        // Peers leave, then come back: the running minimum counts the return.
        let (s, _) = judge(Some(s), &st(4, Some(false)), 3.4, t(20), N);
        let (s, got) = judge(Some(s), &st(6, Some(false)), 3.4, t(26), N);
        assert_eq!((got, s.cheaper), (None, 4), "two more than the minimum: under n");
        let (s, got) = judge(Some(s), &st(7, Some(false)), 3.4, t(27), N);
        assert_eq!(got, Some(Undercut { left_quarter: false, more_cheaper: 3 }));
        // Back in the quarter (peers rented away) and out again a day later: alerts again.
        let (s, _) = judge(Some(s), &st(1, Some(true)), 3.4, t(30), N);
        assert!(s.in_quarter);
        let (_, got) = judge(Some(s), &st(2, Some(false)), 3.4, t(52), N);
        assert_eq!(got, Some(Undercut { left_quarter: true, more_cheaper: 0 }));
    }

    #[test]
    fn a_new_free_period_starts_from_a_new_baseline() {
        let prev = state(true, 5, Some(-1));
        assert_eq!(carried(Some(prev.clone()), None), Some(prev.clone()), "no period known: kept");
        assert_eq!(carried(Some(prev.clone()), Some(t(-2))), Some(prev.clone()), "judged within this period");
        assert_eq!(carried(Some(prev.clone()), Some(t(0))), None, "judged before it began");
        // So the edge that follows a rental is a baseline, and the cap from before is gone.
        let (s, got) = judge(carried(Some(prev), Some(t(0))), &st(9, Some(false)), 3.4, t(0), N);
        assert_eq!((got, s.alerted_at, s.cheaper), (None, None, 9));
    }

    #[test]
    fn the_state_reads_back_as_stored() {
        let s = state(true, 4, Some(-3));
        let back: State = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }
}
