//! `/market` end to end (the core's command path: parse, the snapshot per model, each model's
//! 24 h and 7-day history, the table, the chart drawn and encoded) against a 3,000-server
//! market and 30 days of history for every model listed, kept as production keeps it: a day
//! of 30-second polls, then 5-minute rows for the week, then hourly rows (about 5,200 rows a
//! model, bands included).
//!
//! Run: `cargo bench --bench market` (about half a minute). `BENCH_CHART_OUT=<file.png>` also
//! writes the chart.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Duration;

use clorebot::clore::Currency;
use clorebot::frontends::console::caller;
use clorebot::market::stats;
use clorebot::store::history::{self, Band, PricePoint};
use common::*;
use criterion::Criterion;

const SERVERS: usize = 3000;

/// The moments production keeps for 30 days, newest first: every 30 s for a day, every
/// 5 minutes for the rest of the week, hourly after.
fn moments(now: chrono::DateTime<chrono::Utc>) -> Vec<chrono::DateTime<chrono::Utc>> {
    let day = (0..2880).map(|i| now - chrono::Duration::seconds(30 * i));
    let week = (288..7 * 288).map(|i| now - chrono::Duration::minutes(5 * i));
    let month = (7 * 24..30 * 24).map(|i| now - chrono::Duration::hours(i));
    day.chain(week).chain(month).collect()
}

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let w = rt.block_on(async {
        // The snapshot stays as fetched for the run: the market poll keeps it fresh in
        // production, and a refetch is not what is measured here.
        let w = test_app_on(start_sim(SERVERS).await, |c| c.market_ttl = Duration::from_secs(3600)).await;
        let snap = w.core.deps.market.get().await.unwrap();
        let now = chrono::Utc::now();
        let at = moments(now);
        let mut rows = 0;
        for m in stats::by_model(&snap.servers) {
            let base = m.cheapest.unwrap_or(1.0);
            let (points, bands): (Vec<PricePoint>, Vec<Option<Band>>) = at
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    // A daily swing, a slow fall over the month, some noise.
                    let hours = (now - *t).num_minutes() as f64 / 60.0;
                    let f = 1.0 + 0.08 * (hours / 24.0 * std::f64::consts::TAU).sin() + hours / 720.0 * 0.15
                        - 0.03 * ((i * 7919 % 13) as f64 / 13.0);
                    let point = PricePoint {
                        gpu_model: m.model.clone(),
                        polled_at: *t,
                        currency: Currency::Usd,
                        min_price: Some(base * f),
                        median_price: Some(base * f * 1.35),
                        available: m.free as i32 + (i % 3) as i32,
                        total: m.total as i32,
                    };
                    (point, Some(Band { p10: base * f * 1.05, p90: base * f * 1.9 }))
                })
                .unzip();
            for (p, b) in points.chunks(10_000).zip(bands.chunks(10_000)) {
                rows += history::record_banded(&w.core.deps.pool, p, b).await.unwrap();
            }
        }
        sqlx::query("ANALYZE price_history").execute(&w.core.deps.pool).await.unwrap();
        eprintln!("{} servers, {rows} history rows", snap.servers.len());
        w
    });
    let ann = caller(&w.core, "ann", None);
    let run = |rt: &tokio::runtime::Runtime, text: &str| {
        rt.block_on(async {
            let r = w.core.handle_text(&ann, text).await;
            let reply = &r.replies[0];
            assert!(reply.image.as_ref().is_some_and(|png| png.starts_with(b"\x89PNG")), "a chart");
            assert!(reply.plain_text().contains("RTX 4090"), "{}", reply.plain_text());
        })
    };
    let mut c = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(10)).configure_from_args();
    c.bench_function("/market: 3,000 servers, 30 days of history", |b| b.iter(|| run(&rt, "/market")));
    c.bench_function("/market 4090: 3,000 servers, 30 days of history", |b| b.iter(|| run(&rt, "/market 4090")));
    c.final_summary();
    if let Ok(path) = std::env::var("BENCH_CHART_OUT") {
        let r = rt.block_on(w.core.handle_text(&ann, "/market"));
        std::fs::write(&path, r.replies[0].image.as_ref().unwrap()).unwrap();
        eprintln!("chart written to {path}");
    }
}
