//! 10,000 market watches (`count>=`, `drop>=`/`rise>=` with and without `median`, `newlow=`,
//! windows from an hour to a month) against a 10,000-server snapshot and 30 days of recorded
//! history for every model, held as the engine holds it (30 s polls for a day, 5-minute rows
//! for the week, hourly rows beyond, as compaction leaves them). One iteration is the whole
//! market-watch part of a poll: judging every watch (the snapshot per query, the history per
//! window), each one's edge, and adding the poll's points to the history (which makes the
//! next iteration build its per-filter series again, as every poll does). The budget is
//! 25 ms.
//!
//! Run: `cargo bench --bench market_watch`.

#[path = "support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, Utc};
use clorebot::alerts::market_watch::index::{History, HistoryPoint, MarketIndex, MarketWatch, edge, judge_all};
use clorebot::clore::Currency;
use clorebot::domain::WatchId;
use clorebot::market::condition::Condition;
use clorebot::market::{Query, Snapshot};
use criterion::Criterion;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SERVERS: usize = 10_000;
const WATCHES: usize = 10_000;
const DAY: i64 = 86_400;

/// The cheapest and median free USD price per model now.
fn per_model(snap: &Snapshot) -> HashMap<String, (f64, f64)> {
    let mut prices: HashMap<String, Vec<f64>> = HashMap::new();
    for s in snap.servers.iter().filter(|s| !s.rented) {
        if let Some(p) = s.on_demand.get(&Currency::Usd) {
            prices.entry(s.model.as_str().to_owned()).or_default().push(*p);
        }
    }
    prices
        .into_iter()
        .map(|(m, mut v)| {
            v.sort_by(f64::total_cmp);
            let (lo, mid) = (v[0], v[v.len() / 2]);
            (m, (lo, mid))
        })
        .collect()
}

/// 30 days of history for every model before `now`, wandering around today's prices.
fn history(models: &HashMap<String, (f64, f64)>, now: i64) -> (History, usize) {
    let mut rng = StdRng::seed_from_u64(3);
    let mut times: Vec<i64> = Vec::new();
    times.extend((now - 30 * DAY..now - 7 * DAY).step_by(3600));
    times.extend((now - 7 * DAY..now - DAY).step_by(300));
    times.extend((now - DAY..now).step_by(30));
    let mut points: Vec<HistoryPoint> = Vec::with_capacity(times.len() * models.len());
    for (model, (lo, mid)) in models {
        for &t in &times {
            let wobble = rng.random_range(0.85..1.2);
            let at = DateTime::<Utc>::from_timestamp(t, 0).expect("a time");
            points.push((model.clone(), at, Some(lo * wobble), Some(mid * wobble)));
        }
    }
    let n = points.len();
    (History::from_points(points, DateTime::from_timestamp(now, 0).expect("a time")), n)
}

fn watches(snap: &Snapshot) -> Vec<MarketWatch> {
    let mut rng = StdRng::seed_from_u64(7);
    let priced: Vec<_> = snap.servers.iter().filter(|s| s.on_demand.contains_key(&Currency::Usd)).collect();
    let windows = ["1h", "6h", "24h", "3d", "7d", "30d"];
    (0..WATCHES)
        .map(|i| {
            let s = priced[rng.random_range(0..priced.len())];
            let mut q = format!("\"{}\"", s.model.as_str().to_lowercase());
            match rng.random_range(0..100) {
                0..=14 => q.push_str(" cc in [DE,US,NL]"),
                15..=24 => q.push_str(" reliability>=0.95"),
                25..=34 => q.push_str(" x2"),
                35..=39 => q.push_str(&format!(" max={:.2}", s.on_demand[&Currency::Usd] * 1.1)),
                _ => {}
            }
            let window = windows[rng.random_range(0..windows.len())];
            let cond = match rng.random_range(0..100) {
                0..=29 => format!("count>={}", rng.random_range(1..20)),
                30..=49 => format!("drop>={}% in={window}", rng.random_range(5..30)),
                50..=59 => format!("drop>={}% in={window} median", rng.random_range(5..30)),
                60..=69 => format!("rise>={}% in={window}", rng.random_range(5..30)),
                _ => format!("newlow={window}"),
            };
            let condition = Condition::from_stored(&cond).expect("a condition");
            MarketWatch::new(WatchId(i as i64 + 1), Query::parse(&q).expect(&q), Currency::Usd, condition)
        })
        .collect()
}

fn main() {
    let snap = support::sim_snapshot(SERVERS);
    let models = per_model(&snap);
    let start = snap.fetched_unix;
    let (mut hist, points) = history(&models, start);
    let index = MarketIndex::new(watches(&snap));
    let mut held = vec![false; index.watches().len()];
    let verdicts = judge_all(&index, &mut hist, &snap.servers, start);
    let holding = verdicts.iter().filter(|(_, v)| matches!(v, clorebot::market::condition::Verdict::Holds(_))).count();
    println!(
        "{} servers, {} models, {points} history points over 30 days, {} market watches; {holding} hold now",
        snap.servers.len(),
        models.len(),
        index.watches().len()
    );

    let mut poll = 0i64;
    let mut c = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(10)).configure_from_args();
    let mut g = c.benchmark_group("market_watch");
    g.bench_function("poll_10k_market_watches_30d_history_10k_servers", |b| {
        b.iter(|| {
            poll += 1;
            let now = start + 30 * poll;
            let verdicts = judge_all(&index, &mut hist, &snap.servers, now);
            let mut fired = 0;
            for (h, (_, v)) in held.iter_mut().zip(verdicts) {
                let e = edge(*h, v, false);
                fired += usize::from(e.fires.is_some());
                *h = e.held;
            }
            let at = DateTime::<Utc>::from_timestamp(now, 0).expect("a time");
            hist.append(models.iter().map(|(m, (lo, mid))| (m.clone(), at, Some(*lo), Some(*mid))));
            black_box(fired)
        })
    });
    g.finish();
    c.final_summary();
}
