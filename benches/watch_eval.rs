//! 100,000 watches against a 10,000-server market snapshot: the alert engine's indexed
//! evaluation, and the naive every-watch × every-server scan it replaces (measured on a
//! 1/50 slice of the watches, which is all a naive pass can do in reasonable time; scale ×50).
//! Also prints the resident memory of this process holding the snapshot and the watches.
//!
//! Run: `cargo bench --bench watch_eval`.

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::Duration;

use clorebot::alerts::watch::{CompiledWatch, WatchIndex, evaluate_naive};
use clorebot::clore::Currency;
use clorebot::domain::WatchId;
use clorebot::market::{Query, Snapshot};
use criterion::Criterion;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SERVERS: usize = 10_000;
const WATCHES: usize = 100_000;
const NAIVE_SLICE: usize = WATCHES / 50;

/// Watches shaped like real ones: a model people rent (drawn with the market's own mix), a
/// maximum price around the cheapest free offer of that model — people watch for a bargain,
/// so some watches match a few servers at the bottom of the market and most match none — and
/// now and then more conditions, another currency, or spot.
fn watches(snap: &Snapshot) -> Vec<CompiledWatch> {
    let mut rng = StdRng::seed_from_u64(7);
    let priced: Vec<_> = snap.servers.iter().filter(|s| s.on_demand.contains_key(&Currency::Usd)).collect();
    let mut cheapest: std::collections::HashMap<&str, f64> = std::collections::HashMap::new();
    for s in priced.iter().filter(|s| !s.rented) {
        let p = s.on_demand[&Currency::Usd];
        let e = cheapest.entry(s.model.as_str()).or_insert(p);
        *e = e.min(p);
    }
    (0..WATCHES)
        .map(|i| {
            let s = priced[rng.random_range(0..priced.len())];
            let floor = cheapest.get(s.model.as_str()).copied().unwrap_or(s.on_demand[&Currency::Usd]);
            let usd = floor * rng.random_range(0.6..1.15);
            let mut q = format!("\"{}\"", s.model.as_str().to_lowercase());
            let mut currency = Currency::Usd;
            match rng.random_range(0..100) {
                0..=4 => {
                    currency = Currency::Clore;
                    q.push_str(&format!(" currency=clore max={:.2}", usd * 50.0));
                }
                5..=9 => q.push_str(&format!(" spot max={:.3}", usd * 0.7)),
                _ => q.push_str(&format!(" max={usd:.3}")),
            }
            match rng.random_range(0..100) {
                0..=19 => q.push_str(" x2"),
                20..=29 => q.push_str(" cc in [DE,US,NL]"),
                30..=39 => q.push_str(" reliability>=0.95"),
                40..=44 => q.push_str(" ram>=64"),
                _ => {}
            }
            CompiledWatch::new(WatchId(i as i64 + 1), Query::parse(&q).expect(&q), currency)
        })
        .collect()
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let before = rss_mb();
    let snap = support::sim_snapshot(SERVERS);
    let ws = watches(&snap);
    let after = rss_mb();
    let index = WatchIndex::new(ws.clone());
    let matched = index.evaluate(&snap.servers).total();
    let with_index = rss_mb();
    println!(
        "memory: resident {after:.1} MB holding {} servers and {} watches ({before:.1} MB before building them; \
         {with_index:.1} MB once an index over a copy of the watches exists too); {matched} watch-server matches",
        snap.servers.len(),
        ws.len()
    );
    // The index and the naive scan agree (on the slice the naive scan can do quickly).
    let slice = WatchIndex::new(ws[..NAIVE_SLICE].to_vec());
    let fast = slice.evaluate(&snap.servers);
    let slow = evaluate_naive(&snap.servers, &ws[..NAIVE_SLICE]);
    for (i, w) in slice.watches().iter().enumerate() {
        let naive = &slow[(w.id.0 - 1) as usize];
        let mut mine = fast.get(i).to_vec();
        mine.sort_unstable_by_key(|m| m.0);
        assert_eq!(&mine, naive, "disagree on {}", w.query.describe());
    }

    let mut c = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(8)).configure_from_args();
    let mut g = c.benchmark_group("watch_eval");
    g.bench_function("indexed_100k_watches_x_10k_servers", |b| b.iter(|| black_box(index.evaluate(&snap.servers))));
    g.bench_function("index_build_100k_watches", |b| b.iter(|| black_box(WatchIndex::new(ws.clone()))));
    g.bench_function("naive_2k_watches_x_10k_servers_(x50_for_100k)", |b| {
        b.iter(|| black_box(evaluate_naive(&snap.servers, &ws[..NAIVE_SLICE])))
    });
    g.finish();
    c.final_summary();
}
