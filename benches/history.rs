//! `/history 4090 30d` end to end (the core's command path: parse, the history query, the
//! chart drawn and encoded), with 30 days of 30-second market polls recorded for the model
//! (86,400 rows, as if nothing had been compacted) and again after compaction (a day as
//! polled, then 5-minute, then hourly rows — what production keeps).
//!
//! Run: `cargo bench --bench history` (about a minute). `BENCH_CHART_OUT=<file.png>` also
//! writes the chart.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Duration;

use clorebot::clore::Currency;
use clorebot::frontends::console::caller;
use clorebot::store::history::{self, PricePoint};
use common::*;
use criterion::Criterion;

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let w = rt.block_on(async {
        let w = test_app_on(start_sim(100).await, |_| {}).await;
        let now = chrono::Utc::now();
        let polls = 30 * 2880;
        let points: Vec<PricePoint> = (0..polls)
            .map(|i| PricePoint {
                gpu_model: "RTX 4090".into(),
                polled_at: now - chrono::Duration::seconds(30 * i as i64),
                currency: Currency::Usd,
                // A daily swing (cheaper at night), a slow fall over the month, some noise.
                min_price: Some(
                    3.1 + 0.25 * (i as f64 / 2880.0 * std::f64::consts::TAU).sin() + i as f64 / 86_400.0 * 0.6
                        - 0.08 * ((i * 7919 % 13) as f64 / 13.0),
                ),
                median_price: Some(
                    4.2 + 0.2 * (i as f64 / 2880.0 * std::f64::consts::TAU).sin() + i as f64 / 86_400.0 * 0.4,
                ),
                available: 18 + (8.0 * (i as f64 / 2880.0 * std::f64::consts::TAU).cos()) as i32 + (i % 3),
                total: 40,
            })
            .collect();
        for chunk in points.chunks(10_000) {
            history::record(&w.core.deps.pool, chunk).await.unwrap();
        }
        sqlx::query("ANALYZE price_history").execute(&w.core.deps.pool).await.unwrap();
        w
    });
    let ann = caller(&w.core, "ann", None);
    let run = |rt: &tokio::runtime::Runtime| {
        rt.block_on(async {
            let r = w.core.handle_text(&ann, "/history 4090 30d").await;
            assert!(r.replies[0].image.as_ref().is_some_and(|png| png.len() > 10_000), "a chart");
        })
    };
    let mut c = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(10)).configure_from_args();
    c.bench_function("/history 4090 30d: 86,400 polls recorded", |b| b.iter(|| run(&rt)));
    rt.block_on(async {
        let done = history::compact(&w.core.deps.pool, chrono::Utc::now(), &history::RETENTION).await.unwrap();
        eprintln!("compacted: {} rows summed into {}", done.summed, done.into);
    });
    c.bench_function("/history 4090 30d: after compaction", |b| b.iter(|| run(&rt)));
    c.final_summary();
    // `BENCH_CHART_OUT=docs/history-4090-30d.png` keeps the chart (docs/commands.md shows it).
    if let Ok(path) = std::env::var("BENCH_CHART_OUT") {
        let r = rt.block_on(w.core.handle_text(&ann, "/history 4090 30d"));
        std::fs::write(&path, r.replies[0].image.as_ref().unwrap()).unwrap();
        eprintln!("chart written to {path}");
    }
}
