//! The account poll at scale, against the simulator (Clore's real per-key limits: one call a
//! second per key) and a throwaway Postgres, all on this machine.
//!
//! `BENCH_USERS` (default 2,000) keyed users, each their own Clore account: 20 % with an order
//! running (made "on the dashboard", so the bot discovers it), 5 % hosting two servers, the
//! rest idle. Measured:
//! 1. The first cycle: every account new and due (orders and servers asked to learn hosts).
//! 2. Ten steady cycles, stepped one interval apart: accounts visited, calls per user per
//!    cycle (as the simulator counted them), time per cycle.
//! 3. Throughput with every account due at once (its orders, and a host's servers), one
//!    engine with the budget raised (`BENCH_RAISED_RPS`, default 1,000/s) — the figure a
//!    10,000-user cycle is extrapolated from: users ÷ accounts per second (the worst case,
//!    every account due) and visits per cycle ÷ accounts per second (the schedule's case).
//! 4. The same pass with one engine and with two (each its own client and budget,
//!    `BENCH_ENGINE_RPS` each, default 100/s — the budget is what bounds an engine here, as
//!    it does in production), for the speed-up replicas give.
//! 5. Criterion: claiming and giving back 100 accounts (the schedule's own database work).
//!
//! Run: `cargo bench --bench accounts` (about four minutes).

#[path = "../tests/common/mod.rs"]
mod common;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use clorebot::alerts::{Engine, EngineConfig};
use clorebot::clore::{ApiKey, CloreClient, CreateOrder, Currency, ServerId};
use clorebot::core::{Core, CoreConfig};
use clorebot::store::account_polls;
use common::*;
use criterion::Criterion;
use futures_util::StreamExt;
use serde_json::json;

const INTERVAL: Duration = Duration::from_secs(60);

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn key_of(i: usize) -> String {
    format!("bench-{i:08}-0123456789abcdef01")
}

/// Calls the simulator answered in all.
async fn sim_calls(w: &TestApp) -> u64 {
    let st = state(&w.sim).await;
    st["calls"].as_object().unwrap().iter().filter(|(k, _)| *k != "marketplace").map(|(_, v)| v.as_u64().unwrap()).sum()
}

/// Another process on the same database: its own Clore client, so its own budget.
fn engine_with_budget(w: &TestApp, rps: u32) -> Engine {
    let client = client_with(&w.sim, |c| c.max_rps = NonZeroU32::new(rps).unwrap());
    client.share_pace(Arc::new(clorebot::store::pace::DbPace::new(w.core.deps.pool.clone())));
    let core =
        Core::new(w.core.deps.pool.clone(), client, w.core.deps.keyring.clone(), CoreConfig::default(), INTERVAL);
    Engine::new(Arc::new(core).deps.clone(), EngineConfig { orders_poll: INTERVAL, ..EngineConfig::default() })
}

/// Makes every account due at `at` (its orders; a host's servers too).
async fn all_due(w: &TestApp, at: chrono::DateTime<Utc>) {
    sqlx::query(
        "UPDATE account_polls SET orders_due_at = $1 - interval '1 second',
             servers_due_at = CASE WHEN host THEN $1 - interval '1 second' ELSE servers_due_at END",
    )
    .bind(at)
    .execute(&w.core.deps.pool)
    .await
    .unwrap();
}

struct Pass {
    accounts: usize,
    calls: u64,
    secs: f64,
}

impl Pass {
    fn rate(&self) -> f64 {
        self.accounts as f64 / self.secs
    }
}

/// Every account due at `at`, polled by `engines` side by side.
async fn pass(w: &TestApp, engines: &[&Engine], at: chrono::DateTime<Utc>) -> Pass {
    let before = sim_calls(w).await;
    let t = Instant::now();
    let reports = futures_util::future::join_all(engines.iter().map(|e| e.poll_accounts_at(at))).await;
    let secs = t.elapsed().as_secs_f64();
    let accounts = reports.into_iter().map(|r| r.unwrap().users).sum();
    Pass { accounts, calls: sim_calls(w).await - before, secs }
}

fn main() {
    let users = env_number("BENCH_USERS", 2000) as usize;
    let raised = env_number("BENCH_RAISED_RPS", 1000);
    let per_engine = env_number("BENCH_ENGINE_RPS", 100);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let w = rt.block_on(async {
        let sim = start_sim(1500).await;
        let w = test_app_on(sim, |cfg| {
            cfg.clore.max_rps = NonZeroU32::new(raised).unwrap();
            cfg.engine.orders_poll = INTERVAL;
        })
        .await;
        setup(&w, users).await;
        w
    });
    rt.block_on(async {
        let mut t0 = Utc::now();
        println!("account poll: {users} keyed users (20 % with an order running, 5 % hosts), interval 60 s");

        // 1. The first cycle.
        let first = pass(&w, &[&w.engine], t0).await;
        println!(
            "first cycle (every account new):   {:>5} accounts in {:>6.1} s = {:>5.0} accounts/s, {:.2} calls per account",
            first.accounts,
            first.secs,
            first.rate(),
            first.calls as f64 / first.accounts as f64
        );

        // 2. Steady cycles.
        let (mut visits, mut calls, mut secs) = (0, 0, 0.0);
        const CYCLES: usize = 10;
        for k in 1..=CYCLES {
            let p = pass(&w, &[&w.engine], t0 + INTERVAL * k as u32).await;
            visits += p.accounts;
            calls += p.calls;
            secs += p.secs;
        }
        t0 += INTERVAL * (CYCLES as u32 + 1);
        let per_user = calls as f64 / (users * CYCLES) as f64;
        let visited = visits as f64 / CYCLES as f64;
        println!(
            "steady cycles (×{CYCLES}):                {visited:>5.0} accounts visited per cycle, {per_user:.2} calls per user per cycle ({:.2} per visit), {:.1} s per cycle",
            calls as f64 / visits as f64,
            secs / CYCLES as f64
        );

        // 3. Every account due, the budget raised.
        all_due(&w, t0).await;
        let full = pass(&w, &[&w.engine], t0).await;
        t0 += INTERVAL;
        println!(
            "all due, budget {raised}/s:           {:>5} accounts in {:>6.1} s = {:>5.0} accounts/s ({:.0} calls/s)",
            full.accounts,
            full.secs,
            full.rate(),
            full.calls as f64 / full.secs
        );
        println!(
            "10,000 users, extrapolated:         every account due {:.0} s; the schedule's cycle ({:.0} % visited) {:.0} s",
            10_000.0 / full.rate(),
            visited / users as f64 * 100.0,
            10_000.0 * visited / users as f64 / full.rate()
        );

        // 4. One engine, then two, each with the same budget.
        let a = engine_with_budget(&w, per_engine);
        let b = engine_with_budget(&w, per_engine);
        all_due(&w, t0).await;
        let one = pass(&w, &[&a], t0).await;
        t0 += INTERVAL;
        all_due(&w, t0).await;
        let two = pass(&w, &[&a, &b], t0).await;
        t0 += INTERVAL;
        println!(
            "budget {per_engine}/s per engine:           one engine {:>5.0} accounts/s, two engines {:>5.0} accounts/s = {:.2}×",
            one.rate(),
            two.rate(),
            two.rate() / one.rate()
        );
        let _ = t0;
        let refused = state(&w.sim).await["rate_limited"].as_u64().unwrap_or(0);
        println!("Clore 429s for a key's rate limit, all runs:  {refused}");
    });

    // 5. The schedule's own work: claiming 100 due accounts and giving them back.
    let mut c = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(10)).configure_from_args();
    let worker = uuid::Uuid::new_v4();
    c.bench_function("account_polls: claim 100 due accounts and finish them", |bench| {
        bench.iter(|| {
            rt.block_on(async {
                let at = Utc::now() + chrono::Duration::days(365);
                let rows =
                    account_polls::claim(&w.core.deps.pool, worker, at, 100, Duration::from_secs(60)).await.unwrap();
                for r in &rows {
                    let next = account_polls::Next {
                        orders_due_at: r.orders_due_at,
                        servers_due_at: r.servers_due_at,
                        wallets_after: r.wallets_after,
                        host: r.host,
                        busy_at: r.busy_at,
                    };
                    account_polls::finish(&w.core.deps.pool, worker, r, &next, at).await.unwrap();
                }
                assert_eq!(rows.len(), 100);
            })
        })
    });
    c.final_summary();
}

/// `users` keyed users and their simulator accounts, a fifth with an order running.
async fn setup(w: &TestApp, users: usize) {
    let t = Instant::now();
    for i in 0..users {
        let host = i % 20 == 0;
        control(&w.sim, "/accounts", json!({ "key": key_of(i), "host": host })).await;
        w.store_key_with(&format!("user{i}"), &key_of(i)).await;
    }
    let free = free_of(&w.sim, "").await;
    let busy: Vec<usize> = (0..users).filter(|i| i % 5 == 1).collect();
    assert!(free.len() >= busy.len(), "{} free servers for {} orders", free.len(), busy.len());
    let client: CloreClient = client_with(&w.sim, |c| c.max_rps = NonZeroU32::new(1000).unwrap());
    // Keeps each key's pace with the engines that poll right after.
    client.share_pace(Arc::new(clorebot::store::pace::DbPace::new(w.core.deps.pool.clone())));
    let made = futures_util::stream::iter(busy.iter().zip(&free))
        .map(|(i, (srv, _))| {
            let client = client.clone();
            async move {
                let key = ApiKey::parse(&key_of(*i)).unwrap();
                let order = CreateOrder::on_demand(ServerId(*srv), "ubuntu", Currency::Usd);
                client.create_order(&key, &order).await.is_ok()
            }
        })
        .buffer_unordered(64)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await;
    eprintln!("setup: {users} users, {made} orders running, in {:.0} s", t.elapsed().as_secs_f64());
}
