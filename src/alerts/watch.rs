//! Evaluating every watch against a market snapshot, fast.
//!
//! Watches sharing a model filter, currency and price kind form a group. For each group the
//! candidate servers — those whose model the filter accepts (checked once per distinct model,
//! not per server), free unless the group wants rented ones too, priced in its currency — are
//! sorted by price once. A watch then scans only the prefix under its maximum price and checks
//! its remaining conditions there. A poll costs about Σ(candidates under each watch's max)
//! instead of watches × servers.
//!
//! Edge logic (what fires) is separate and pure: [`new_matches`].

use std::collections::HashMap;

use crate::clore::Currency;
use crate::market::{GpuModel, Query, ServerView};
use crate::store::WatchId;

/// A watch ready for evaluation.
#[derive(Debug, Clone)]
pub struct CompiledWatch {
    pub id: WatchId,
    pub query: Query,
    /// The currency its prices are in (its own, fixed when it was created).
    pub currency: Currency,
}

impl CompiledWatch {
    fn max_price(&self) -> f64 {
        self.query.max_price().unwrap_or(f64::INFINITY)
    }

    fn group_key(&self) -> (Vec<String>, Currency, bool, bool) {
        (self.query.models().phrases(), self.currency, self.query.spot(), self.query.include_rented())
    }
}

/// A watch's matching servers: (server id, price per day), sorted by server id.
pub type MatchSet = Vec<(u64, f64)>;

/// The current match set of every watch, in the order given.
pub fn evaluate(servers: &[ServerView], watches: &[CompiledWatch]) -> Vec<MatchSet> {
    let mut by_model: HashMap<&GpuModel, Vec<usize>> = HashMap::new();
    for (i, s) in servers.iter().enumerate() {
        by_model.entry(&s.model).or_default().push(i);
    }
    let mut groups: HashMap<(Vec<String>, Currency, bool, bool), Vec<usize>> = HashMap::new();
    for (i, w) in watches.iter().enumerate() {
        groups.entry(w.group_key()).or_default().push(i);
    }
    let mut out: Vec<MatchSet> = vec![Vec::new(); watches.len()];
    for ((_, currency, spot, rented), members) in groups {
        let filter = watches[members[0]].query.models();
        // (price, server index), cheapest first.
        let mut candidates: Vec<(f64, usize)> = by_model
            .iter()
            .filter(|(m, _)| filter.matches(m))
            .flat_map(|(_, idx)| idx.iter().copied())
            .filter(|&i| rented || !servers[i].rented)
            .filter_map(|i| Some((servers[i].price(currency, spot)?, i)))
            .collect();
        candidates.sort_by(|a, b| a.0.total_cmp(&b.0));
        for wi in members {
            let w = &watches[wi];
            let max = w.max_price();
            let end = candidates.partition_point(|c| c.0 <= max + 1e-12);
            let mut set: MatchSet = candidates[..end]
                .iter()
                .filter(|(_, i)| w.query.matches_besides_model(&servers[*i], currency))
                .map(|(p, i)| (servers[*i].id, *p))
                .collect();
            set.sort_unstable_by_key(|m| m.0);
            out[wi] = set;
        }
    }
    out
}

/// The same result by brute force: every watch against every server. The benchmark's
/// baseline, and the tests' oracle.
pub fn evaluate_naive(servers: &[ServerView], watches: &[CompiledWatch]) -> Vec<MatchSet> {
    watches
        .iter()
        .map(|w| {
            let spot = w.query.spot();
            let mut set: MatchSet = servers
                .iter()
                .filter(|s| w.query.matches(s, w.currency))
                .filter_map(|s| Some((s.id, s.price(w.currency, spot)?)))
                .collect();
            set.sort_unstable_by_key(|m| m.0);
            set
        })
        .collect()
}

/// Servers in `now` that were not in `before` (both sorted by id): the edges that alert.
pub fn new_matches(before: &[(u64, f64)], now: &[(u64, f64)]) -> Vec<(u64, f64)> {
    let mut out = Vec::new();
    let mut j = 0;
    for &(id, p) in now {
        while j < before.len() && before[j].0 < id {
            j += 1;
        }
        if j >= before.len() || before[j].0 != id {
            out.push((id, p));
        }
    }
    out
}

/// What a watch remembers when it does not fire (snoozed, cooling down): servers that stopped
/// matching are forgotten (re-armed), new ones are not recorded (they alert once it may fire).
pub fn still_matching(before: &[(u64, f64)], now: &[(u64, f64)]) -> MatchSet {
    now.iter().filter(|(id, _)| before.binary_search_by_key(id, |m| m.0).is_ok()).copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::snapshot::ServerView;
    use std::collections::BTreeMap;

    fn server(id: u64, gpu: &str, count: u32, usd: f64, rented: bool) -> ServerView {
        ServerView {
            id,
            gpu_count: count,
            model: GpuModel::normalise(gpu),
            gpu_raw: gpu.into(),
            on_demand: BTreeMap::from([(Currency::Usd, usd), (Currency::Clore, usd / 0.02)]),
            spot: BTreeMap::from([(Currency::Usd, usd * 0.6)]),
            accepts: vec![Currency::Usd, Currency::Clore],
            ram_gb: Some(64.0),
            vram_gb: Some(24.0),
            cpu: None,
            cpu_threads: Some(16),
            disk: None,
            down_mbps: Some(500.0),
            up_mbps: Some(100.0),
            cc: Some("DE".into()),
            reliability: Some(0.99),
            rating: Some(4.5),
            rating_count: Some(3),
            mrl_hours: Some(72),
            cuda: Some((12, 4)),
            rented,
        }
    }

    fn watch(id: i64, q: &str) -> CompiledWatch {
        CompiledWatch { id: WatchId(id), query: Query::parse(q).unwrap(), currency: Currency::Usd }
    }

    #[test]
    fn index_agrees_with_brute_force() {
        let servers = vec![
            server(1, "NVIDIA GeForce RTX 4090", 1, 0.40, false),
            server(2, "NVIDIA GeForce RTX 4090", 2, 0.80, false),
            server(3, "NVIDIA GeForce RTX 4090", 1, 0.30, true),
            server(4, "NVIDIA GeForce RTX 3090 Ti", 1, 0.25, false),
            server(5, "NVIDIA GeForce RTX 3090", 1, 0.20, false),
            server(6, "NVIDIA A100 80GB PCIe", 4, 4.00, false),
        ];
        let watches = vec![
            watch(1, "4090 max=0.5"),
            watch(2, "4090"),
            watch(3, "4090 all"),
            watch(4, "3090"),
            watch(5, "3090 ti"),
            watch(6, "x2"),
            watch(7, "rtx <0.3"),
            watch(8, "spot 4090 <0.3"),
            watch(9, "a100 currency=clore <250"),
            watch(10, "nosuchgpu"),
        ];
        let fast = evaluate(&servers, &watches);
        assert_eq!(fast, evaluate_naive(&servers, &watches));
        let ids = |i: usize| fast[i].iter().map(|m| m.0).collect::<Vec<_>>();
        assert_eq!(ids(0), vec![1]);
        assert_eq!(ids(1), vec![1, 2]);
        assert_eq!(ids(2), vec![1, 2, 3]);
        assert_eq!(ids(3), vec![5]);
        assert_eq!(ids(4), vec![4]);
        assert_eq!(ids(5), vec![2, 6]);
        assert_eq!(ids(6), vec![4, 5]);
        assert_eq!(ids(7), vec![1]);
        assert_eq!(ids(8), vec![6]);
        assert!(ids(9).is_empty());
        assert_eq!(fast[8][0].1, 200.0, "prices in the watch's currency");
    }

    #[test]
    fn edges() {
        let before = vec![(1, 0.4), (3, 0.3), (7, 0.2)];
        let now = vec![(1, 0.35), (2, 0.5), (7, 0.2), (9, 0.1)];
        assert_eq!(new_matches(&before, &now), vec![(2, 0.5), (9, 0.1)]);
        assert_eq!(new_matches(&[], &now), now);
        assert!(new_matches(&now, &now).is_empty());
        assert_eq!(still_matching(&before, &now), vec![(1, 0.35), (7, 0.2)]);
    }
}
