//! Evaluating market watches, fast and without I/O: each watch's query against the snapshot
//! (free matches, their cheapest and median price), its window of the recorded history
//! (highest and lowest point), the condition's verdict, and the edge it makes.
//!
//! As in the ordinary watch index, watches sharing a model filter, currency and price kind
//! share one price-sorted list of candidates per poll; a watch with only a price ceiling reads
//! its count, cheapest and median off that list without looking at a server. The history is
//! held per model in memory; per poll each distinct model filter gets one series with its
//! suffix highs and lows, so a window's extremes are a binary search away.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::clore::{Currency, ServerId};
use crate::domain::WatchId;
use crate::market::condition::{Condition, Current, Past, Reading, Verdict};
use crate::market::gpu::ModelFilter;
use crate::market::query::EQ_TOLERANCE;
use crate::market::{GpuModel, Query, ServerView};

/// History this close to a window's start counts as covering it: recorded points sit on a
/// poll's time (or, compacted, on the start of their 5-minute or hourly bucket).
const COVER_SLACK_SECS: i64 = 10 * 60;

/// A market watch ready for evaluation.
#[derive(Debug, Clone)]
pub struct MarketWatch {
    pub id: WatchId,
    pub query: Query,
    /// The currency its count and prices are in; USD for a price move (the history's unit).
    pub currency: Currency,
    pub condition: Condition,
    /// Its model filter's phrases: which history series it reads.
    models: Vec<String>,
    max_price: f64,
    strict: bool,
    price_only: bool,
}

impl MarketWatch {
    pub fn new(id: WatchId, query: Query, currency: Currency, condition: Condition) -> MarketWatch {
        let currency = if condition.window().is_some() { Currency::Usd } else { query.currency().unwrap_or(currency) };
        let max_price = query.max_price().unwrap_or(f64::INFINITY);
        let (strict, price_only) = (query.max_price_strict(), query.only_price_ceiling());
        let models = query.models().phrases();
        MarketWatch { id, query, currency, condition, models, max_price, strict, price_only }
    }
}

/// A watch's view of the market now: its [`Current`] values and its cheapest free match.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Now {
    pub current: Current,
    pub cheapest: Option<ServerId>,
}

/// Market watches grouped for evaluation (their order here is the index's own).
pub struct MarketIndex {
    watches: Vec<MarketWatch>,
    /// (first, end) of each group in `watches`.
    groups: Vec<(usize, usize)>,
}

impl MarketIndex {
    pub fn new(mut watches: Vec<MarketWatch>) -> MarketIndex {
        let key = |w: &MarketWatch| (w.query.models().phrases(), w.currency, w.query.spot());
        // Within a group, the same query next to itself: it is evaluated once for all of them.
        watches.sort_by_cached_key(|w| {
            let (p, c, s) = key(w);
            (p, c.code(), s, format!("{:?}", w.query))
        });
        let mut groups: Vec<(usize, usize)> = Vec::new();
        for i in 0..watches.len() {
            match groups.last_mut() {
                Some(g) if key(&watches[g.0]) == key(&watches[i]) => g.1 = i + 1,
                _ => groups.push((i, i + 1)),
            }
        }
        MarketIndex { watches, groups }
    }

    pub fn watches(&self) -> &[MarketWatch] {
        &self.watches
    }

    pub fn is_empty(&self) -> bool {
        self.watches.is_empty()
    }

    /// Whether any watch compares with the history.
    pub fn needs_history(&self) -> bool {
        self.watches.iter().any(|w| w.condition.window().is_some())
    }

    /// Every watch's view of the market, aligned with [`MarketIndex::watches`].
    pub fn evaluate(&self, servers: &[ServerView]) -> Vec<Now> {
        let mut by_model: HashMap<&str, (Vec<String>, Vec<usize>)> = HashMap::new();
        for (i, s) in servers.iter().enumerate().filter(|(_, s)| !s.rented) {
            by_model.entry(s.model.as_str()).or_insert_with(|| (s.model.tokens(), Vec::new())).1.push(i);
        }
        let mut out = Vec::with_capacity(self.watches.len());
        let mut candidates: Vec<(f64, usize)> = Vec::new();
        let mut prices: Vec<f64> = Vec::new();
        for &(start, end) in &self.groups {
            let first = &self.watches[start];
            let (models, currency, spot) = (first.query.models(), first.currency, first.query.spot());
            candidates.clear();
            for (tokens, idx) in by_model.values() {
                if models.matches_tokens(tokens) {
                    candidates.extend(idx.iter().filter_map(|&i| Some((servers[i].price(currency, spot)?, i))));
                }
            }
            candidates.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut last: Option<(&Query, Now)> = None;
            for w in &self.watches[start..end] {
                if let Some((q, now)) = last
                    && *q == w.query
                {
                    out.push(now);
                    continue;
                }
                let tol = w.max_price.abs().max(1.0) * EQ_TOLERANCE;
                let under = if w.strict {
                    candidates.partition_point(|c| c.0 < w.max_price - tol)
                } else {
                    candidates.partition_point(|c| c.0 <= w.max_price + tol)
                };
                let now = if w.price_only {
                    let prefix = &candidates[..under];
                    Now {
                        current: Current {
                            free: prefix.len(),
                            cheapest: prefix.first().map(|c| c.0),
                            median: median_by(prefix.len(), |i| prefix[i].0),
                        },
                        cheapest: prefix.first().map(|c| servers[c.1].id),
                    }
                } else {
                    prices.clear();
                    let mut cheapest = None;
                    for &(p, i) in &candidates[..under] {
                        if w.query.matches_under_ceiling(&servers[i], currency) {
                            cheapest.get_or_insert(servers[i].id);
                            prices.push(p);
                        }
                    }
                    Now {
                        current: Current {
                            free: prices.len(),
                            cheapest: prices.first().copied(),
                            median: median_by(prices.len(), |i| prices[i]),
                        },
                        cheapest,
                    }
                };
                out.push(now);
                last = Some((&w.query, now));
            }
        }
        out
    }
}

/// The median of `n` sorted values read by `at`; the mean of the middle two when `n` is even.
fn median_by(n: usize, at: impl Fn(usize) -> f64) -> Option<f64> {
    match n {
        0 => None,
        n if n % 2 == 1 => Some(at(n / 2)),
        n => Some((at(n / 2 - 1) + at(n / 2)) / 2.0),
    }
}

/// One model's recorded points, oldest first (`NaN`: none free at that poll).
#[derive(Debug, Default, Clone)]
struct Series {
    at: Vec<i64>,
    cheapest: Vec<f64>,
    median: Vec<f64>,
}

/// A model filter's series with, for each point, the highest and lowest value from it to the
/// newest: (cheapest high, cheapest low, median high, median low).
#[derive(Debug, Default)]
struct Combined {
    at: Vec<i64>,
    suffix: Vec<[f64; 4]>,
}

/// The price history market watches compare with, per GPU model, in USD.
#[derive(Debug, Default)]
pub struct History {
    models: HashMap<String, Series>,
    /// Per model filter (its phrases), built on first use after the history last changed.
    combined: HashMap<Vec<String>, Combined>,
    /// When it was last read from the database.
    pub loaded_at: Option<DateTime<Utc>>,
}

/// A point of the history: model, time, cheapest and median free price.
pub type HistoryPoint = (String, DateTime<Utc>, Option<f64>, Option<f64>);

impl History {
    /// History from recorded points (each model's oldest first), read at `loaded_at`.
    pub fn from_points(points: impl IntoIterator<Item = HistoryPoint>, loaded_at: DateTime<Utc>) -> History {
        let mut h = History { loaded_at: Some(loaded_at), ..History::default() };
        h.append(points);
        h
    }

    /// Adds a poll's points (a point at a time already held replaces it).
    pub fn append(&mut self, points: impl IntoIterator<Item = HistoryPoint>) {
        for (model, at, cheapest, median) in points {
            let s = self.models.entry(model).or_default();
            let (at, c, m) = (at.timestamp(), cheapest.unwrap_or(f64::NAN), median.unwrap_or(f64::NAN));
            if s.at.last().is_some_and(|&last| last >= at) {
                let i = s.at.partition_point(|&t| t < at);
                if s.at.get(i) == Some(&at) {
                    (s.cheapest[i], s.median[i]) = (c, m);
                    continue;
                }
                s.at.insert(i, at);
                s.cheapest.insert(i, c);
                s.median.insert(i, m);
            } else {
                s.at.push(at);
                s.cheapest.push(c);
                s.median.push(m);
            }
        }
        self.combined.clear();
    }

    /// The window before `now` of the models `filter` accepts, for a condition following the
    /// median or the cheapest price.
    pub fn past(&mut self, filter: &ModelFilter, window: std::time::Duration, median: bool, now: i64) -> Past {
        self.past_of(filter, &filter.phrases(), window, median, now)
    }

    /// [`History::past`] with the filter's phrases at hand (`key`).
    fn past_of(
        &mut self,
        filter: &ModelFilter,
        key: &[String],
        window: std::time::Duration,
        median: bool,
        now: i64,
    ) -> Past {
        if !self.combined.contains_key(key) {
            let c = self.combine(filter);
            self.combined.insert(key.to_vec(), c);
        }
        let c = &self.combined[key];
        let since = now - window.as_secs() as i64;
        let covered = c.at.first().is_some_and(|&first| first <= since + COVER_SLACK_SECS);
        let from = c.at.partition_point(|&t| t < since);
        let to = c.at.partition_point(|&t| t < now);
        if from >= to {
            return Past { covered, high: None, low: None };
        }
        // The suffix runs to the newest point; a point at or after `now` (this very poll,
        // recorded before the watches are evaluated) must not count, so those are left out
        // by taking the suffix only when nothing follows `now`, else scanning.
        let (hi, lo) = if median { (2, 3) } else { (0, 1) };
        let (high, low) = if to == c.at.len() {
            (c.suffix[from][hi], c.suffix[from][lo])
        } else {
            self.scan(filter, from, to, median)
        };
        Past { covered, high: high.is_finite().then_some(high), low: low.is_finite().then_some(low) }
    }

    /// Window extremes by walking the points (only when points newer than `now` are held).
    fn scan(&self, filter: &ModelFilter, from: usize, to: usize, median: bool) -> (f64, f64) {
        let (_, cheapest, medians) = self.merged(filter);
        let values = if median { &medians } else { &cheapest };
        let (mut high, mut low) = (f64::NEG_INFINITY, f64::INFINITY);
        for v in values[from..to].iter().filter(|v| !v.is_nan()) {
            (high, low) = (high.max(*v), low.min(*v));
        }
        (high, low)
    }

    /// The filter's series: per time, the cheapest of its models and the median of their
    /// medians (as `/history` sums models), oldest first.
    fn merged(&self, filter: &ModelFilter) -> (Vec<i64>, Vec<f64>, Vec<f64>) {
        let series: Vec<&Series> =
            self.models.iter().filter(|(m, _)| filter.matches(&GpuModel::normalise(m))).map(|(_, s)| s).collect();
        match series.as_slice() {
            [] => Default::default(),
            // One model (the usual filter): its own series, no merging.
            [one] => (one.at.clone(), one.cheapest.clone(), one.median.clone()),
            many => {
                let mut all: Vec<(i64, f64, f64)> = many
                    .iter()
                    .flat_map(|s| s.at.iter().zip(&s.cheapest).zip(&s.median).map(|((t, c), m)| (*t, *c, *m)))
                    .collect();
                all.sort_unstable_by_key(|p| p.0);
                let (mut at, mut cheapest, mut median) = (Vec::new(), Vec::new(), Vec::new());
                let mut meds: Vec<f64> = Vec::new();
                for poll in all.chunk_by(|a, b| a.0 == b.0) {
                    at.push(poll[0].0);
                    let low = poll.iter().map(|p| p.1).filter(|c| !c.is_nan()).fold(f64::INFINITY, f64::min);
                    cheapest.push(if low.is_finite() { low } else { f64::NAN });
                    meds.clear();
                    meds.extend(poll.iter().map(|p| p.2).filter(|m| !m.is_nan()));
                    meds.sort_by(f64::total_cmp);
                    median.push(median_by(meds.len(), |i| meds[i]).unwrap_or(f64::NAN));
                }
                (at, cheapest, median)
            }
        }
    }

    fn combine(&self, filter: &ModelFilter) -> Combined {
        let (at, cheapest, median) = self.merged(filter);
        let mut suffix = vec![[0.0; 4]; at.len()];
        let mut acc = [f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY];
        for i in (0..at.len()).rev() {
            let (c, m) = (cheapest[i], median[i]);
            if !c.is_nan() {
                (acc[0], acc[1]) = (acc[0].max(c), acc[1].min(c));
            }
            if !m.is_nan() {
                (acc[2], acc[3]) = (acc[2].max(m), acc[3].min(m));
            }
            suffix[i] = acc;
        }
        Combined { at, suffix }
    }
}

/// What a watch does at this poll.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// It alerts, saying this.
    pub fires: Option<Reading>,
    /// Whether its condition is remembered as holding after the poll.
    pub held: bool,
}

/// The edge rule: a condition that starts to hold fires (unless the watch may not fire now:
/// then it is not remembered, so it fires once it may), one that holds still stays quiet, one
/// that stops re-arms; without enough history nothing changes.
pub fn edge(held: bool, verdict: Verdict, quiet: bool) -> Edge {
    match verdict {
        Verdict::Holds(_) if held => Edge { fires: None, held: true },
        Verdict::Holds(_) if quiet => Edge { fires: None, held: false },
        Verdict::Holds(r) => Edge { fires: Some(r), held: true },
        Verdict::Fails => Edge { fires: None, held: false },
        Verdict::Waiting => Edge { fires: None, held },
    }
}

/// One poll of every market watch: each one's view of the market and its verdict, aligned
/// with [`MarketIndex::watches`]. `now` is the poll's time; the history holds the polls
/// before it (points at `now` are left out).
pub fn judge_all(index: &MarketIndex, history: &mut History, servers: &[ServerView], now: i64) -> Vec<(Now, Verdict)> {
    let nows = index.evaluate(servers);
    index
        .watches()
        .iter()
        .zip(nows)
        .map(|(w, n)| {
            let past = match w.condition.window() {
                Some(window) => history.past_of(w.query.models(), &w.models, window, w.condition.median(), now),
                None => Past::default(),
            };
            (n, w.condition.judge(&n.current, &past))
        })
        .collect()
}

/// The watches whose condition held at the last poll, as the engine remembers them.
pub type Held = HashSet<WatchId>;

#[cfg(test)]
mod tests {
    use super::*;

    fn server(id: u64, gpu: &str, usd: f64, cc: &str, rented: bool) -> ServerView {
        ServerView { cc: Some(cc.into()), rented, ..ServerView::for_test(id, gpu, 1, usd) }
    }

    fn watch(id: i64, q: &str, cond: &str) -> MarketWatch {
        let c = Condition::from_stored(cond).unwrap();
        MarketWatch::new(WatchId(id), Query::parse(q).unwrap(), Currency::Usd, c)
    }

    #[test]
    fn counts_cheapest_and_median_per_query() {
        let servers = vec![
            server(1, "NVIDIA GeForce RTX 4090", 0.40, "DE", false),
            server(2, "NVIDIA GeForce RTX 4090", 0.50, "US", false),
            server(3, "NVIDIA GeForce RTX 4090", 0.20, "DE", true),
            server(4, "NVIDIA GeForce RTX 4090", 0.70, "DE", false),
            server(5, "NVIDIA GeForce RTX 3090", 0.10, "DE", false),
        ];
        let index = MarketIndex::new(vec![
            watch(1, "4090", "count>=3"),
            watch(2, "4090 cc=de", "count>=3"),
            watch(3, "4090 max=0.5", "drop>=10%"),
            watch(4, "a100", "count>=1"),
            watch(5, "4090 cc=de", "newlow=7d"),
        ]);
        let by_id: HashMap<i64, Now> =
            index.watches().iter().zip(index.evaluate(&servers)).map(|(w, n)| (w.id.0, n)).collect();
        assert_eq!(by_id[&1].current, Current { free: 3, cheapest: Some(0.40), median: Some(0.50) });
        assert_eq!(by_id[&1].cheapest, Some(ServerId(1)));
        assert_eq!(by_id[&2].current, Current { free: 2, cheapest: Some(0.40), median: Some(0.55) });
        assert_eq!(by_id[&3].current.free, 2);
        assert_eq!(by_id[&4].current, Current::default());
        assert_eq!(by_id[&5], by_id[&2], "the same query, evaluated once");
    }

    #[test]
    fn window_extremes_leave_out_now_and_old_points() {
        let t0 = DateTime::from_timestamp(1_000_000, 0).unwrap();
        let at = |h: i64| t0 + chrono::Duration::hours(h);
        let points = vec![
            ("RTX 4090".to_owned(), at(0), Some(1.0), Some(2.0)),
            ("RTX 4090".to_owned(), at(10), Some(0.8), Some(1.5)),
            ("RTX 4090 D".to_owned(), at(10), Some(0.6), Some(1.9)),
            ("RTX 4090".to_owned(), at(20), Some(0.9), None),
            ("RTX 4090".to_owned(), at(30), Some(0.1), Some(0.1)),
        ];
        let mut h = History::from_points(points, at(30));
        let f = Query::parse("\"rtx 4090\"").unwrap().models().clone();
        let day = std::time::Duration::from_secs(86_400);
        let now = at(30).timestamp();
        // The points within 24 h before now: hours 10 and 20 (hour 30 is now itself).
        assert_eq!(h.past(&f, day, false, now), Past { covered: true, high: Some(0.9), low: Some(0.6) });
        assert_eq!(h.past(&f, day, true, now), Past { covered: true, high: Some(1.7), low: Some(1.7) });
        let week = std::time::Duration::from_secs(7 * 86_400);
        assert!(!h.past(&f, week, false, now).covered);
        h.append([("RTX 4090".to_owned(), at(31), Some(0.05), Some(0.05))]);
        assert_eq!(h.past(&f, day, false, at(31).timestamp()).low, Some(0.1));
    }

    #[test]
    fn edges_fire_once_and_rearm() {
        let r = Reading::Count { free: 5 };
        assert_eq!(edge(false, Verdict::Holds(r), false), Edge { fires: Some(r), held: true });
        assert_eq!(edge(true, Verdict::Holds(r), false), Edge { fires: None, held: true });
        assert_eq!(edge(true, Verdict::Fails, false), Edge { fires: None, held: false });
        assert_eq!(edge(false, Verdict::Holds(r), true), Edge { fires: None, held: false }, "snoozed");
        assert_eq!(edge(true, Verdict::Waiting, false), Edge { fires: None, held: true });
    }
}
