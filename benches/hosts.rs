//! `/myservers` for a host with 50 servers on a 3,000-server market, end to end through the
//! core's command path: one `my_servers` call, the snapshot's peer index, the standing and
//! suggestion of each server, the summary, page 1 and its buttons' tokens; and the press
//! opening one server's screen (a `my_servers` call of its own, read afresh).
//!
//! The servers spread over six models and GPU counts, 30 of them rented (20 on demand, 10 on
//! spot), the rest free, two offline. The simulator's call spacing is off and the client's
//! request period 1 ms: one key's calls sit 1.1 s apart in production, which is Clore's
//! pace, not our work. The pace shared between processes still books each call of a key
//! 250 ms after the last (its slack), so each measured command starts once the key's slot is
//! free — as a host's next command does — and only the command is timed. The snapshot stays as fetched for the run (`market_ttl` an hour), as
//! the market poll keeps it fresh in production. `host_earnings` holds a week as the poll
//! and compaction leave it — a row a minute for the last day, a row an hour before — for
//! every server (79,200 rows), which the rented shares sum in one query.
//!
//! Run: `cargo bench --bench hosts` (about half a minute). Fails when a warm `/myservers`
//! takes over 200 ms on average.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use clorebot::frontends::console::caller;
use common::*;
use criterion::Criterion;
use serde_json::json;

const SERVERS: usize = 3000;
const HOST: &str = "bench-hosts-key-0123456789abcdef";
const BUDGET: Duration = Duration::from_millis(200);
/// How long after a call the key's next shared slot is free: 1 ms spacing + 250 ms slack.
const KEY_SLOT: Duration = Duration::from_millis(260);

/// A week of `host_earnings` for each of the 50 servers: raw rows a minute apart for the
/// last day, hourly rows for the six before; the first 30 servers rented throughout.
async fn seed_earnings(w: &TestApp) {
    use clorebot::domain::Clock;
    let pool = &w.core.deps.pool;
    let hank =
        clorebot::store::users::find_user(pool, clorebot::domain::Platform::Console, "hank").await.unwrap().unwrap().id;
    sqlx::query(
        "INSERT INTO host_earnings (user_id, server_name, at, span_secs, covered_secs, on_demand_secs, free_secs,
                                    earned_usd)
         SELECT $1, 'rig-' || lpad(s::text, 2, '0'), $2 - make_interval(secs => k * span), span, span,
                CASE WHEN s < 30 THEN span ELSE 0 END, CASE WHEN s < 30 THEN 0 ELSE span END,
                CASE WHEN s < 30 THEN 3.0 * span / 86400 ELSE 0 END
         FROM generate_series(0, 49) s,
              (SELECT k, 60 AS span FROM generate_series(0, 1439) k
               UNION ALL SELECT k, 3600 FROM generate_series(24, 167) k) ks",
    )
    .bind(hank.0)
    .bind(w.clock.now())
    .execute(pool)
    .await
    .unwrap();
    // As autovacuum leaves a table in production: statistics and a visibility map (so the
    // sums can read the covering index alone).
    sqlx::query("VACUUM ANALYZE host_earnings").execute(pool).await.unwrap();
}

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let w = rt.block_on(async {
        let sim = start_sim(SERVERS).await;
        // The newer shape says how each server is rented (`rental_status`).
        control(&sim, "/config", json!({ "call_spacing_ms": 0, "my_servers_shape": "newer" })).await;
        let w = test_app_on(sim, |c| {
            c.market_ttl = Duration::from_secs(3600);
            c.clore.request_period = Duration::from_millis(1);
        })
        .await;
        let models =
            [("RTX 4090", 1), ("RTX 4090", 2), ("RTX 3090", 1), ("RTX 3090", 4), ("RTX 3060", 1), ("RTX 3080", 2)];
        let fleet: Vec<Hosted> = (0..50)
            .map(|i| {
                let (gpu, gpus) = models[i % models.len()];
                let mut h = hosted(&format!("rig-{i:02}"), gpu, gpus, 0.8 + 0.9 * gpus as f64 + 0.03 * i as f64);
                h.online = i < 48;
                h
            })
            .collect();
        let ids = host_fleet(&w.sim, HOST, &fleet).await;
        for (i, id) in ids.iter().enumerate().take(30) {
            let rental = if i < 20 { json!({ "rented": true }) } else { json!({ "rented_spot": true }) };
            control(&w.sim, &format!("/servers/{id}"), rental).await;
        }
        w.store_key_with("hank", HOST).await;
        seed_earnings(&w).await;
        w
    });
    let hank = caller(&w.core, "hank", None);
    let list = |rt: &tokio::runtime::Runtime| {
        rt.block_on(async {
            let r = w.core.handle_text(&hank, "/myservers").await;
            let text = r.replies[0].plain_text();
            assert!(text.contains("50 servers: 30 rented (20 on demand, 10 spot)"), "{text}");
            assert!(text.contains("Rented 60.0% of the last 24 h, 60.0% of the last 7 d"), "{text}");
            r.replies[0].buttons().next().map(|b| b.token.clone()).unwrap()
        })
    };
    let first = list(&rt);
    let screen = |rt: &tokio::runtime::Runtime, token: &str| {
        rt.block_on(async {
            let p = w.core.press(&hank, token).await;
            let text = p.replies.first().map(|r| r.plain_text()).unwrap_or_default();
            assert!(text.contains("rig-00") && text.contains(" of "), "{text}");
        })
    };
    screen(&rt, &first);

    // Each run after the key's shared slot is free (the slack, and a little).
    let timed = |iters: u64, run: &dyn Fn()| {
        (0..iters).fold(Duration::ZERO, |sum, _| {
            std::thread::sleep(KEY_SLOT);
            let t = Instant::now();
            run();
            sum + t.elapsed()
        })
    };
    let mut c = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(10)).configure_from_args();
    c.bench_function("/myservers: 50 servers, 3,000-server market", |b| {
        b.iter_custom(|iters| timed(iters, &|| drop(list(&rt))))
    });
    c.bench_function("/myservers: a server's screen (press)", |b| {
        b.iter_custom(|iters| timed(iters, &|| screen(&rt, &first)))
    });
    c.final_summary();

    let runs = 30;
    let mean = timed(runs, &|| drop(list(&rt))) / runs as u32;
    eprintln!("/myservers, 50 servers, warm: {mean:?} on average");
    assert!(mean <= BUDGET, "/myservers took {mean:?} on average; the budget is {BUDGET:?}");
}
