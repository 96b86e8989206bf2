//! The hosts' desk against the simulated market: where a host's server stands among the free
//! servers of its model and GPU count on `/myservers`.

mod common;

use clorebot::clore::{Currency, ServerId};
use clorebot::domain::format::money;
use clorebot::market::Snapshot;
use clorebot::market::gpu::parse_gpu_line;
use clorebot::market::standing::usd_price;
use common::*;

const HOST: &str = "host-market-key-0123456789abcdef";
const GPU: &str = "NVIDIA GeForce RTX 3090";

/// The free 1× RTX 3090s of the sim's marketplace by their USD price a day (a CLORE-only one
/// converted at the market's rate), cheapest first, `except` left out.
async fn free_peers(app: &TestApp, except: u64) -> Vec<f64> {
    let m = client(&app.sim).marketplace(None).await.unwrap();
    let snap = Snapshot::from_market(&m.servers);
    let (_, model) = parse_gpu_line(GPU);
    let mut prices: Vec<f64> = snap
        .servers
        .iter()
        .filter(|v| !v.rented && v.id != ServerId(except) && v.model == model && v.gpu_count == 1)
        .filter_map(|v| usd_price(v, &snap))
        .collect();
    prices.sort_by(f64::total_cmp);
    prices
}

/// `q` of ascending `v`, interpolated between neighbours (as Postgres' `percentile_cont`).
fn quantile(v: &[f64], q: f64) -> f64 {
    let at = q * (v.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (at - lo as f64)
}

fn usd(v: f64) -> String {
    money(v, Currency::Usd)
}

/// A host's 1× RTX 3090 priced between the k-th and (k+1)-th cheapest free ones is #k+1 of
/// them and itself; the cheapest, p25 and median, the share dearer and the suggestion to reach the
/// quarter are the marketplace's own figures. A fleet too large for one message pages its
/// servers, and a number opens a server's screen with the same standing.
#[tokio::test]
async fn a_hosts_server_is_ranked_among_the_free_servers_of_its_model() {
    let app = test_app_on(start_sim(1000).await, |_| {}).await;
    let before = free_peers(&app, 0).await;
    assert!(before.len() >= 12, "the seeded market has enough free 1× RTX 3090s: {before:?}");
    // Past the quarter, between two peers at least 3 cents apart, at a whole cent: no tie.
    let k = (before.len() / 2..before.len()).find(|&k| before[k] - before[k - 1] > 0.03).unwrap();
    let own = ((before[k - 1] + before[k]) / 2.0 * 100.0).floor() / 100.0;
    assert!(own - before[k - 1] > 0.005 && before[k] - own > 0.005, "{before:?}");
    let ids = host_fleet(&app.sim, HOST, &[hosted("rig-a", GPU, 1, own)]).await;
    let peers = free_peers(&app, ids[0]).await;
    assert_eq!(peers, before, "the host's server is listed, and no peer of its own");

    app.store_key_with("hank", HOST).await;
    let mut s = app.session("hank", None);
    let out = s.line("/myservers").await;
    let n = peers.len();
    let (p25, median) = (quantile(&peers, 0.25), quantile(&peers, 0.5));
    let dearer = peers.iter().filter(|p| **p > own + 0.005).count();
    assert!(
        out.contains("1 server: 0 rented (0 on demand, 0 spot), 1 free (0 in their cheapest quarter), 0 offline"),
        "{out}"
    );
    assert!(out.contains("rig-a") && out.contains("online, free"), "{out}");
    assert!(out.contains(&format!("#{} of {} free 1× RTX 3090", k + 1, n + 1)), "{out}");
    let figures = format!("cheapest {} · p25 {} · median {} a day", usd(peers[0]), usd(p25), usd(median));
    assert!(out.contains(&figures), "{figures}\n{out}");
    assert!(out.contains(&format!("Cheaper than {} % of free 1× RTX 3090", 100 * dearer / n)), "{out}");
    // Past the median, so above p25: the rule brings it to p25, to the cent.
    assert!(own > p25, "{own} {p25}");
    let to = ((p25 * 100.0) + 1e-6).floor() / 100.0;
    assert!(out.contains(&format!("Suggestion (cheapest quarter): ≤ {}/day", usd(to))), "{out}");

    // Eleven more servers: two pages of ten, a button per server.
    let more: Vec<Hosted> = (0..11).map(|i| hosted(&format!("rig-{i:02}"), GPU, 1, own + 1.0)).collect();
    host_fleet(&app.sim, HOST, &more).await;
    let out = s.line("/myservers").await;
    assert!(out.contains("Your 12 servers — page 1/2"), "{out}");
    assert!(out.contains("12 servers: 0 rented (0 on demand, 0 spot), 12 free"), "{out}");
    assert!(out.contains(&format!("1. rig-a · 1× RTX 3090 · online, free · #{}/", k + 1)), "{out}");
    assert!(!out.contains("11. "), "ten a page: {out}");
    let screen = s.line("/press 1").await;
    assert!(screen.contains("rig-a") && screen.contains(&format!("#{} of ", k + 1)), "{screen}");
    assert!(screen.contains("Suggestion (cheapest quarter): ≤ "), "{screen}");
    let out = s.line("/myservers").await;
    let next = out.matches('[').count();
    let page2 = s.line(&format!("/press {next}")).await;
    assert!(page2.contains("page 2/2") && page2.contains("11. ") && page2.contains("12. "), "{page2}");
}
