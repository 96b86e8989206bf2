//! The hosts' earnings estimate: what the account poll records of each hosted server per
//! poll (`host_earnings`), from scripted rented, free and offline periods on the simulator.

mod common;

use chrono::{DateTime, Utc};
use clorebot::store::host_earnings;
use common::*;
use serde_json::json;

/// A server's row in `host_servers`: seen at, free since, rental kind, price USD.
type Desk = (Option<DateTime<Utc>>, Option<DateTime<Utc>>, Option<String>, Option<f64>);

const HOST: &str = "host-earnings-key-0123456789abcd";

/// One server's rows summed: (rows, covered, on demand, spot, free, offline secs, earned USD).
async fn sums(w: &TestApp, name: &str) -> (i64, i64, i64, i64, i64, i64, f64) {
    sqlx::query_as(
        "SELECT count(*), sum(covered_secs)::int8, sum(on_demand_secs)::int8, sum(spot_secs)::int8,
                sum(free_secs)::int8, sum(offline_secs)::int8, sum(earned_usd)
         FROM host_earnings WHERE server_name = $1",
    )
    .bind(name)
    .fetch_one(&w.core.deps.pool)
    .await
    .unwrap()
}

async fn server_config_calls(w: &TestApp) -> u64 {
    let st = state(&w.sim).await;
    let acct = st["accounts"].as_array().unwrap().iter().find(|a| a["key"] == HOST).unwrap().clone();
    acct["calls"]["server_config"].as_u64().unwrap_or(0)
}

/// Now, to the second (the database keeps microseconds).
fn whole_seconds() -> DateTime<Utc> {
    DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap()
}

async fn set(w: &TestApp, id: u64, body: serde_json::Value) {
    control(&w.sim, &format!("/servers/{id}"), body).await;
}

/// Two servers through scripted polls `I` apart from `t0` (returned, with `I`): a free, on
/// demand for three polls (its price raised during the rental), free; b on spot for three,
/// offline for two, then both free after a ten-minute gap.
async fn script(w: &TestApp) -> (DateTime<Utc>, std::time::Duration) {
    w.store_key_with("host", HOST).await;
    let fleet = [
        Hosted { spot_usd: Some(2.16), ..hosted("rig-a", "RTX 4090", 1, 4.32) },
        Hosted { spot_usd: Some(1.44), ..hosted("rig-b", "RTX 3090", 2, 8.64) },
    ];
    let ids = host_fleet(&w.sim, HOST, &fleet).await;
    control(&w.sim, "/config", json!({ "my_servers_shape": "newer" })).await;
    let i = w.engine.cfg.orders_poll;
    let t0 = whole_seconds() + i;
    let poll = |k: u32| w.engine.poll_accounts_at(t0 + i * k);

    poll(0).await.unwrap(); // first sight: recording begins
    set(w, ids[1], json!({ "rented_spot": true })).await;
    poll(1).await.unwrap(); // a free, b spot
    set(w, ids[0], json!({ "rented": true })).await;
    poll(2).await.unwrap(); // a on demand, b spot
    set(w, ids[0], json!({ "price_usd": 10.0 })).await;
    poll(3).await.unwrap(); // the same: a's rental keeps the price it began at
    set(w, ids[1], json!({ "online": false })).await;
    poll(4).await.unwrap(); // a on demand, b offline
    set(w, ids[0], json!({ "rented": false })).await;
    poll(5).await.unwrap(); // a free, b offline
    set(w, ids[1], json!({ "online": true, "rented_spot": false })).await;
    poll(15).await.unwrap(); // ten intervals later: three vouched for, both free
    (t0, i)
}

/// Each poll records, per server, the time since the poll before in the state seen now, and
/// rented time at the price locked when the rental began (on demand at its price, spot at
/// its minimum); a ten-minute gap is vouched for up to three intervals.
#[tokio::test]
async fn each_poll_records_what_each_server_did_since_the_last() {
    let w = quick_app().await;
    let (t0, i) = script(&w).await;

    let s = i.as_secs() as i64;
    let a = sums(&w, "rig-a").await;
    assert_eq!((a.0, a.1, a.2, a.3, a.4, a.5), (7, 8 * s, 3 * s, 0, 5 * s, 0));
    assert!((a.6 - 4.32 * (3 * s) as f64 / 86_400.0).abs() < 1e-9, "rig-a earned {}", a.6);
    let b = sums(&w, "rig-b").await;
    assert_eq!((b.0, b.1, b.2, b.3, b.4, b.5), (7, 8 * s, 0, 3 * s, 3 * s, 2 * s));
    assert!((b.6 - 1.44 * (3 * s) as f64 / 86_400.0).abs() < 1e-9, "rig-b earned {}", b.6);

    let desk: Desk =
        sqlx::query_as("SELECT seen_at, free_since, rental_kind, price_usd FROM host_servers WHERE name = 'rig-a'")
            .fetch_one(&w.core.deps.pool)
            .await
            .unwrap();
    assert_eq!(desk, (Some(t0 + i * 15), Some(t0 + i * 5), None, Some(10.0)));
    assert_eq!(server_config_calls(&w).await, 0, "the newer shape says how each is rented");

    // Two days on, the raw rows are hourly sums: the same totals in fewer rows; after 90
    // days they are gone.
    let pool = &w.core.deps.pool;
    let removed = host_earnings::compact(pool, t0 + chrono::Duration::days(2)).await.unwrap();
    let (a2, b2) = (sums(&w, "rig-a").await, sums(&w, "rig-b").await);
    assert!(removed > 0 && a2.0 < 7 && b2.0 < 7, "{removed} removed, {} and {} rows left", a2.0, b2.0);
    assert_eq!((a2.1, a2.2, a2.3, a2.4, a2.5), (a.1, a.2, a.3, a.4, a.5));
    assert_eq!((b2.1, b2.2, b2.3, b2.4, b2.5), (b.1, b.2, b.3, b.4, b.5));
    assert!((a2.6 - a.6).abs() < 1e-12 && (b2.6 - b.6).abs() < 1e-12);
    assert_eq!(host_earnings::compact(pool, t0 + chrono::Duration::days(2)).await.unwrap(), 0);
    host_earnings::compact(pool, t0 + chrono::Duration::days(92)).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM host_earnings").fetch_one(pool).await.unwrap();
    assert_eq!(left, 0);
}

/// `/earnings` over the scripted periods, read at the last poll: each server's estimate and
/// rented share, the total, and how much of the time was seen, as worked out by hand
/// (I = 60 s: a 3 min on demand at $4.32/day, b 3 min on spot at its $1.44 minimum; 8 of
/// the 15 minutes since recording began seen for each).
#[tokio::test]
async fn earnings_from_scripted_periods_are_exact() {
    let w = quick_app().await;
    let mut host = w.session("host", None);
    assert!(host.line("/earnings").await.starts_with("Nothing recorded for your servers in the last 7d."));
    let (t0, i) = script(&w).await;
    assert_eq!(i.as_secs(), 60, "the hand figures are for a 60 s interval");
    w.clock.advance((t0 + i * 15 - Utc::now()).to_std().unwrap());

    let out = host.line("/earnings").await;
    assert!(out.starts_with("Your servers' earnings — last 7d (estimate)"), "{out}");
    assert!(out.contains("  rig-a: $0.009 · rented 20.0% (on demand 20.0%, spot 0.0%)"), "{out}");
    assert!(out.contains("  rig-b: $0.003 · rented 20.0% (on demand 0.0%, spot 20.0%)"), "{out}");
    assert!(out.contains("Total: $0.012."), "{out}");
    assert!(out.contains("(seen 53.3% of the time)"), "{out}");
    // The chart: a bar a day, the days' sums the total.
    let path = out.lines().find_map(|l| l.strip_prefix("📈 chart: ")).expect("a chart");
    assert_eq!(&std::fs::read(path).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
    std::fs::remove_file(path).unwrap();
    let pool = &w.core.deps.pool;
    let me =
        clorebot::store::users::find_user(pool, clorebot::domain::Platform::Console, "host").await.unwrap().unwrap().id;
    let days = host_earnings::by_day(pool, me, t0 - chrono::Duration::days(7), t0 + i * 15).await.unwrap();
    assert!(days.iter().all(|(d, _)| (t0.date_naive()..=(t0 + i * 15).date_naive()).contains(d)), "{days:?}");
    assert!((days.iter().map(|d| d.1).sum::<f64>() - 0.012).abs() < 1e-9, "{days:?}");
    // `/myservers` tells each server's rented share of the time seen (3 of 8 minutes each),
    // and the fleet's.
    let out = host.line("/myservers").await;
    let share = "Rented 37.5% of the last 24 h, 37.5% of the last 7 d (of the time I saw).";
    assert_eq!(out.matches(share).count(), 3, "{out}");
    assert_eq!(host.line("/earnings 24h").await.lines().next(), Some("I don't understand `24h`: use 7d or 30d."));
}

/// Without `rental_status` (the older shape), one `server_config` call at a rental's start
/// learns its kind, kept until the server is free: never a call per poll.
#[tokio::test]
async fn rental_kind_learned_once_in_the_older_shape() {
    let w = quick_app().await;
    w.store_key_with("host", HOST).await;
    let ids =
        host_fleet(&w.sim, HOST, &[Hosted { spot_usd: Some(1.44), ..hosted("rig-s", "RTX 4090", 1, 4.32) }]).await;
    let i = w.engine.cfg.orders_poll;
    let t0 = whole_seconds() + i;
    let poll = |k: u32| w.engine.poll_accounts_at(t0 + i * k);

    poll(0).await.unwrap();
    set(&w, ids[0], json!({ "rented_spot": true })).await;
    for k in 1..=4 {
        poll(k).await.unwrap();
    }
    assert_eq!(server_config_calls(&w).await, 1, "one call for the rental");
    set(&w, ids[0], json!({ "rented_spot": false })).await;
    poll(5).await.unwrap();
    set(&w, ids[0], json!({ "rented": true })).await;
    poll(6).await.unwrap();
    poll(7).await.unwrap();
    assert_eq!(server_config_calls(&w).await, 2, "and one for the next");

    let s = i.as_secs() as i64;
    let r = sums(&w, "rig-s").await;
    assert_eq!((r.0, r.1, r.2, r.3, r.4, r.5), (8, 7 * s, 2 * s, 4 * s, s, 0));
    let want = (1.44 * (4 * s) as f64 + 4.32 * (2 * s) as f64) / 86_400.0;
    assert!((r.6 - want).abs() < 1e-9, "earned {} not {want}", r.6);
}

/// A server listed and free for longer than the host's idle hours is told once per free
/// period: not again while it stays free, and again after a rental ends and it sits free
/// that long once more; `/settings idle=` sets the hours, and `off` stops it.
#[tokio::test]
async fn idle_alert_once_per_free_period() {
    let w = quick_app().await;
    w.store_key_with("host", HOST).await;
    let ids = host_fleet(&w.sim, HOST, &[hosted("rig-i", "RTX 4090", 1, 3.8)]).await;
    let mut host = w.session("host", None);
    let card = host.line("/settings idle=2h").await;
    let field = |card: &str, name: &str| {
        card.lines().find_map(|l| l.trim().strip_prefix(name)).map(|v| v.trim().to_owned()).unwrap_or_default()
    };
    assert_eq!(field(&card, "Idle alert:"), "hosts: after 2 h free", "{card}");
    assert_eq!(field(&card, "Undercut:"), "hosts: alert when 3 more cheaper servers appear", "{card}");
    let hour = chrono::Duration::hours(1);
    let t0 = whole_seconds() + w.engine.cfg.orders_poll;
    let poll = async |h: i32| {
        w.engine.poll_accounts_at(t0 + hour * h).await.unwrap();
        w.deliver().await.into_iter().map(|(_, text)| text).filter(|t| t.contains("free for")).collect::<Vec<_>>()
    };

    assert!(poll(0).await.is_empty());
    assert!(poll(1).await.is_empty());
    assert_eq!(
        poll(2).await,
        [
            "Your server rig-i has been free for 2h 0m at $3.80 a day. See where it stands among the free servers of its model with /myservers."
        ]
    );
    assert!(poll(3).await.is_empty(), "once per free period");
    set(&w, ids[0], json!({ "rented": true })).await;
    assert!(poll(4).await.is_empty());
    set(&w, ids[0], json!({ "rented": false })).await;
    assert!(poll(5).await.is_empty());
    // Told in the host's currency, at the market's rate.
    host.line("/settings currency=clore").await;
    let again = poll(7).await;
    assert_eq!(again.len(), 1, "a new free period is told again");
    assert!(again[0].contains(" CLORE a day"), "{again:?}");
    assert_eq!(field(&host.line("/settings idle=off").await, "Idle alert:"), "off");
    set(&w, ids[0], json!({ "rented": true })).await;
    poll(8).await;
    set(&w, ids[0], json!({ "rented": false })).await;
    poll(9).await;
    assert!(poll(20).await.is_empty(), "off");
}
