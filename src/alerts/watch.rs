//! Evaluating every watch against a market snapshot, fast.
//!
//! A [`WatchIndex`] groups watches that share a model filter, currency, price kind and
//! whether rented servers count; it is built when the watch set changes, not every poll. Per
//! snapshot, each group's candidate servers — those whose model the filter accepts (checked
//! once per distinct model, not per server), free unless the group wants rented ones too,
//! priced in its currency — are sorted by price once. A watch then takes the prefix under its
//! maximum price, and checks its remaining conditions there only if it has any. A poll costs
//! about Σ(candidates under each watch's max) instead of watches × servers, and runs on every
//! core.
//!
//! Edge logic (what fires) is separate and pure: [`new_matches`], [`still_matching`].

use crate::clore::ServerId;
use std::collections::HashMap;

use crate::clore::Currency;
use crate::domain::WatchId;
use crate::market::gpu::ModelFilter;
use crate::market::query::EQ_TOLERANCE;
use crate::market::{Query, ServerView};

/// Below this many watches one thread is quicker than starting more.
const PARALLEL_FROM: usize = 20_000;

/// A watch ready for evaluation.
#[derive(Debug, Clone)]
pub struct CompiledWatch {
    pub id: WatchId,
    pub query: Query,
    /// The currency its prices are in (its own, fixed when it was created).
    pub currency: Currency,
    max_price: f64,
    strict: bool,
    /// Model and price decide alone (no other conditions to check per server).
    price_only: bool,
}

impl CompiledWatch {
    /// `currency` counts where the query names none.
    pub fn new(id: WatchId, query: Query, currency: Currency) -> CompiledWatch {
        let currency = query.currency().unwrap_or(currency);
        let max_price = query.max_price().unwrap_or(f64::INFINITY);
        let strict = query.max_price_strict();
        let price_only = query.only_price_ceiling();
        CompiledWatch { id, query, currency, max_price, strict, price_only }
    }
}

/// A watch's matching servers: (server id, price per day). From [`WatchIndex::evaluate`]
/// cheapest first; as remembered between polls, sorted by server id.
pub type MatchSet = Vec<(ServerId, f64)>;

struct Group {
    models: ModelFilter,
    currency: Currency,
    spot: bool,
    rented: bool,
    /// Members are `watches[start..end]` of the index.
    start: usize,
    end: usize,
}

/// Watches grouped for evaluation; their order here is the index's own (by group).
pub struct WatchIndex {
    watches: Vec<CompiledWatch>,
    groups: Vec<Group>,
}

/// Every watch's matches from one evaluation, stored flat (one allocation, not one per
/// watch), aligned with [`WatchIndex::watches`].
#[derive(Debug, Default, PartialEq)]
pub struct Matches {
    flat: Vec<(ServerId, f64)>,
    ends: Vec<usize>,
}

impl Matches {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Matches of the watch at position `i`, cheapest first.
    pub fn get(&self, i: usize) -> &[(ServerId, f64)] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.flat[start..self.ends[i]]
    }

    /// Watch-server matches in all.
    pub fn total(&self) -> usize {
        self.flat.len()
    }

    fn append(&mut self, other: Matches) {
        let base = self.flat.len();
        self.flat.extend(other.flat);
        self.ends.extend(other.ends.into_iter().map(|e| e + base));
    }
}

impl WatchIndex {
    pub fn new(watches: Vec<CompiledWatch>) -> WatchIndex {
        let key =
            |w: &CompiledWatch| (w.query.models().phrases(), w.currency, w.query.spot(), w.query.include_rented());
        let mut keyed: Vec<_> = watches.into_iter().map(|w| (key(&w), w)).collect();
        keyed.sort_by(|a, b| {
            let (ka, kb) = (&a.0, &b.0);
            (&ka.0, ka.1, ka.2, ka.3).cmp(&(&kb.0, kb.1, kb.2, kb.3))
        });
        let mut groups: Vec<Group> = Vec::new();
        let mut ordered = Vec::with_capacity(keyed.len());
        let mut last: Option<(Vec<String>, Currency, bool, bool)> = None;
        for (i, (k, w)) in keyed.into_iter().enumerate() {
            if last.as_ref() != Some(&k) {
                if let Some(g) = groups.last_mut() {
                    g.end = i;
                }
                groups.push(Group {
                    models: w.query.models().clone(),
                    currency: k.1,
                    spot: k.2,
                    rented: k.3,
                    start: i,
                    end: i,
                });
                last = Some(k);
            }
            ordered.push(w);
        }
        if let Some(g) = groups.last_mut() {
            g.end = ordered.len();
        }
        WatchIndex { watches: ordered, groups }
    }

    pub fn watches(&self) -> &[CompiledWatch] {
        &self.watches
    }

    /// Every watch's current matches, aligned with [`WatchIndex::watches`].
    pub fn evaluate(&self, servers: &[ServerView]) -> Matches {
        let mut by_model: HashMap<&str, (Vec<String>, Vec<usize>)> = HashMap::new();
        for (i, s) in servers.iter().enumerate() {
            by_model.entry(s.model.as_str()).or_insert_with(|| (s.model.tokens(), Vec::new())).1.push(i);
        }
        let models: Vec<&(Vec<String>, Vec<usize>)> = by_model.values().collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        if threads < 2 || self.watches.len() < PARALLEL_FROM {
            return self.evaluate_groups(&self.groups, servers, &models);
        }
        // Split the groups into runs of about equal watch counts, one per thread.
        let per = self.watches.len().div_ceil(threads);
        let mut runs: Vec<&[Group]> = Vec::new();
        let mut from = 0;
        for (i, g) in self.groups.iter().enumerate() {
            if g.end - self.groups[from].start >= per || i + 1 == self.groups.len() {
                runs.push(&self.groups[from..=i]);
                from = i + 1;
            }
        }
        let models = &models;
        std::thread::scope(|scope| {
            let parts: Vec<_> =
                runs.into_iter().map(|run| scope.spawn(move || self.evaluate_groups(run, servers, models))).collect();
            let mut out = Matches::default();
            for p in parts {
                out.append(p.join().expect("watch evaluation does not panic"));
            }
            out
        })
    }

    fn evaluate_groups(
        &self,
        groups: &[Group],
        servers: &[ServerView],
        models: &[&(Vec<String>, Vec<usize>)],
    ) -> Matches {
        let n = groups.last().map_or(0, |g| g.end) - groups.first().map_or(0, |g| g.start);
        let mut out = Matches { flat: Vec::new(), ends: Vec::with_capacity(n) };
        let mut candidates: Vec<(f64, ServerId, usize)> = Vec::new();
        let mut set: Vec<(ServerId, f64)> = Vec::new();
        for g in groups {
            // (price, server id, server index), cheapest first.
            candidates.clear();
            for (tokens, idx) in models {
                if !g.models.matches_tokens(tokens) {
                    continue;
                }
                for &i in idx {
                    let s = &servers[i];
                    if (g.rented || !s.rented)
                        && let Some(p) = s.price(g.currency, g.spot)
                    {
                        candidates.push((p, s.id, i));
                    }
                }
            }
            candidates.sort_by(|a, b| a.0.total_cmp(&b.0));
            for w in &self.watches[g.start..g.end] {
                let max = w.max_price;
                // Prices within the query language's tolerance of the bound count as equal to it.
                let tol = max.abs().max(1.0) * EQ_TOLERANCE;
                let end = if w.strict {
                    candidates.partition_point(|c| c.0 < max - tol)
                } else {
                    candidates.partition_point(|c| c.0 <= max + tol)
                };
                set.clear();
                if w.price_only {
                    set.extend(candidates[..end].iter().map(|&(p, id, _)| (id, p)));
                } else {
                    set.extend(
                        candidates[..end]
                            .iter()
                            .filter(|(_, _, i)| w.query.matches_under_ceiling(&servers[*i], g.currency))
                            .map(|&(p, id, _)| (id, p)),
                    );
                }
                out.flat.extend_from_slice(&set);
                out.ends.push(out.flat.len());
            }
        }
        out
    }
}

/// The same result by brute force: every watch against every server, in the order given.
/// The benchmark's baseline, and the tests' oracle.
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

fn contains(sorted: &[(ServerId, f64)], id: ServerId) -> bool {
    sorted.binary_search_by_key(&id, |m| m.0).is_ok()
}

/// Servers in `now` (any order) that were not in `before` (sorted by id): the edges that alert.
pub fn new_matches(before: &[(ServerId, f64)], now: &[(ServerId, f64)]) -> Vec<(ServerId, f64)> {
    now.iter().filter(|m| !contains(before, m.0)).copied().collect()
}

/// True when `now` (any order) holds exactly the servers of `before` (sorted by id): nothing
/// to remember anew. Prices are not compared; they are informational in the stored state.
pub fn same_servers(before: &[(ServerId, f64)], now: &[(ServerId, f64)]) -> bool {
    before.len() == now.len() && now.iter().all(|m| contains(before, m.0))
}

/// What a watch remembers after a poll, sorted by id. When it fires: everything matching now.
/// When it may not fire (snoozed, cooling down): servers that stopped matching are forgotten
/// (re-armed) but new ones are not recorded, so they alert once it may fire again.
pub fn remembered(before: &[(ServerId, f64)], now: &[(ServerId, f64)], fired: bool) -> MatchSet {
    let mut out: MatchSet = now.iter().filter(|m| fired || contains(before, m.0)).copied().collect();
    out.sort_unstable_by_key(|m| m.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::GpuModel;
    use std::collections::BTreeMap;

    fn server(id: u64, gpu: &str, count: u32, usd: f64, rented: bool) -> ServerView {
        ServerView {
            id: ServerId(id),
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

    fn sorted(set: &[(ServerId, f64)]) -> Vec<(ServerId, f64)> {
        let mut v = set.to_vec();
        v.sort_unstable_by_key(|m| m.0);
        v
    }

    fn watch(id: i64, q: &str) -> CompiledWatch {
        CompiledWatch::new(WatchId(id), Query::parse(q).unwrap(), Currency::Usd)
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
            watch(11, "4090 <0.4"),
            watch(12, "4090 max=0.4"),
        ];
        let index = WatchIndex::new(watches.clone());
        let fast = index.evaluate(&servers);
        assert_eq!(fast.len(), watches.len());
        let by_id: HashMap<i64, Vec<(ServerId, f64)>> =
            index.watches().iter().enumerate().map(|(i, w)| (w.id.0, sorted(fast.get(i)))).collect();
        for (w, naive) in watches.iter().zip(evaluate_naive(&servers, &watches)) {
            assert_eq!(by_id[&w.id.0], naive, "watch {}", w.query.describe());
        }
        let ids = |id: i64| by_id[&id].iter().map(|m| m.0).collect::<Vec<_>>();
        assert_eq!(ids(1), vec![1]);
        assert_eq!(ids(2), vec![1, 2]);
        assert_eq!(ids(3), vec![1, 2, 3]);
        assert_eq!(ids(4), vec![5]);
        assert_eq!(ids(5), vec![4]);
        assert_eq!(ids(6), vec![2, 6]);
        assert_eq!(ids(7), vec![4, 5]);
        assert_eq!(ids(8), vec![1]);
        assert_eq!(ids(9), vec![6]);
        assert!(ids(10).is_empty());
        assert!(ids(11).is_empty(), "strict bound");
        assert_eq!(ids(12), vec![1]);
        assert_eq!(by_id[&9][0].1, 200.0, "prices in the watch's currency");
    }

    #[test]
    fn parallel_evaluation_agrees() {
        let servers: Vec<ServerView> = (0..200)
            .map(|i| {
                let gpu = ["NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 3090", "NVIDIA A100 80GB PCIe"][i % 3];
                server(i as u64, gpu, 1 + (i % 4) as u32, 0.1 + (i % 37) as f64 / 50.0, i % 5 == 0)
            })
            .collect();
        let queries = ["4090 max=0.4", "3090 x2 <0.5", "a100", "rtx max=0.3 all", "spot 3090 max=0.2"];
        let watches: Vec<CompiledWatch> =
            (0..PARALLEL_FROM + 5).map(|i| watch(i as i64, queries[i % queries.len()])).collect();
        let index = WatchIndex::new(watches.clone());
        let fast = index.evaluate(&servers);
        let naive = evaluate_naive(&servers, &watches);
        for (i, w) in index.watches().iter().enumerate() {
            assert_eq!(sorted(fast.get(i)), naive[w.id.0 as usize]);
        }
    }

    #[test]
    fn edges() {
        let m = |v: &[(u64, f64)]| -> MatchSet { v.iter().map(|&(id, p)| (ServerId(id), p)).collect() };
        let before = m(&[(1, 0.4), (3, 0.3), (7, 0.2)]);
        let now = m(&[(1, 0.35), (2, 0.5), (7, 0.2), (9, 0.1)]);
        let now_by_price = m(&[(9, 0.1), (7, 0.2), (1, 0.35), (2, 0.5)]);
        assert_eq!(new_matches(&before, &now_by_price), m(&[(9, 0.1), (2, 0.5)]));
        assert_eq!(new_matches(&[], &now), now);
        assert!(new_matches(&now, &now_by_price).is_empty());
        assert_eq!(remembered(&before, &now_by_price, false), m(&[(1, 0.35), (7, 0.2)]));
        assert_eq!(remembered(&before, &now_by_price, true), now);
        assert!(same_servers(&now, &now_by_price));
        assert!(!same_servers(&before, &now_by_price));
    }
}
