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
    free_peer_ids(app, except).await.into_iter().map(|(_, p, _)| p).collect()
}

/// [`free_peers`] with their ids, and whether each is priced in USD.
async fn free_peer_ids(app: &TestApp, except: u64) -> Vec<(u64, f64, bool)> {
    let m = client(&app.sim).marketplace(None).await.unwrap();
    let snap = Snapshot::from_market(&m.servers);
    let (_, model) = parse_gpu_line(GPU);
    let mut prices: Vec<(u64, f64, bool)> = snap
        .servers
        .iter()
        .filter(|v| !v.rented && v.id != ServerId(except) && v.model == model && v.gpu_count == 1)
        .filter_map(|v| Some((v.id.0, usd_price(v, &snap)?, v.on_demand.contains_key(&Currency::Usd))))
        .collect();
    prices.sort_by(|a, b| a.1.total_cmp(&b.1));
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
    // Not polled yet: nothing seen of its rentals. Its Set button opens the `/hostset`
    // confirmation at the suggested price; Abort sends nothing.
    assert!(out.contains("Rented in the last 7 d: not seen yet"), "{out}");
    assert!(out.ends_with(&format!("[1] Set {}/day", usd(to))), "{out}");
    let confirm = s.line("/press 1").await;
    assert!(confirm.starts_with("Change 1 server?") && confirm.contains(&format!("({})", usd(to))), "{confirm}");
    assert!(s.line("/press 2").await.contains("Nothing was done."));

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

    // In a group it answers the host alone, as /orders does.
    let mut team = app.session("hank", Some("rig-owners"));
    let out = team.line("/myservers").await;
    assert!(out.starts_with("(only you can see this)\nYour 12 servers"), "{out}");
}

/// A host's 1× RTX 3090, the cheapest free one, is judged once as a baseline; three
/// competitors going under it make one undercut alert naming its new rank, with a button to
/// its screen; the next poll sends nothing, and three more the same day do not pass the
/// daily cap, while `/myservers` shows each move of the rank.
#[tokio::test]
async fn a_competitors_price_change_moves_the_rank_and_fires_one_undercut_alert() {
    let app = test_app_on(start_sim(1000).await, |_| {}).await;
    let before = free_peer_ids(&app, 0).await;
    assert!(before.len() >= 16, "{before:?}");
    let own = ((before[0].1 - 0.30) * 100.0).round() / 100.0;
    assert!(own > 0.5, "{before:?}");
    let ids = host_fleet(&app.sim, HOST, &[hosted("rig-a", GPU, 1, own)]).await;
    app.store_key_with("hank", HOST).await;
    let mut s = app.session("hank", None);
    let n = before.len() + 1;
    let out = s.line("/myservers").await;
    assert!(out.contains(&format!("#1 of {n} free 1× RTX 3090")), "{out}");
    assert!(app.accounts_tick().await.is_empty(), "the first judgement is a baseline");

    // Three USD-priced competitors go under rig-a.
    let priced: Vec<u64> = before.iter().filter(|p| p.2).map(|p| p.0).collect();
    let undercut = |from: usize, cents: f64| {
        let (sim, ids) = (&app.sim, priced[from..from + 3].to_vec());
        async move {
            for (i, id) in ids.into_iter().enumerate() {
                control(
                    sim,
                    &format!("/servers/{id}"),
                    serde_json::json!({ "price_usd": own - cents - 0.01 * i as f64 }),
                )
                .await;
            }
        }
    };
    undercut(0, 0.10).await;
    app.core.deps.market.invalidate();
    app.poll_cycle().await;
    let sent = app.deliver_alerts().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (to, alert) = &sent[0];
    let text = alert.plain_text();
    assert_eq!(to, "dm:hank");
    let buttons: Vec<&str> = alert.buttons().map(|b| b.label.as_str()).collect();
    assert_eq!(buttons, ["Where it stands"]);
    assert!(
        text.contains(&format!("3 more free 1× RTX 3090 are cheaper than rig-a: now #4 of {n} at {}/day", usd(own))),
        "{text}"
    );
    assert!(ids.len() == 1, "{ids:?}");
    assert!(app.accounts_tick().await.is_empty(), "told once");
    let out = s.line("/myservers").await;
    assert!(out.contains(&format!("#4 of {n} free 1× RTX 3090")), "{out}");

    // Three more the same day: the rank moves, the daily cap holds the alert back.
    undercut(3, 0.20).await;
    app.core.deps.market.invalidate();
    assert!(app.accounts_tick().await.is_empty(), "at most one a day");
    let out = s.line("/myservers").await;
    assert!(out.contains(&format!("#7 of {n} free 1× RTX 3090")), "{out}");
}

/// Quiet hours hold a host's income alerts as they hold a watch's: a server free past its
/// idle hours and undercut by three competitors is told in one digest when the window ends,
/// nothing before.
#[tokio::test]
async fn idle_and_undercut_alerts_wait_out_quiet_hours() {
    use clorebot::domain::Clock;
    let app = test_app_on(start_sim(1000).await, |_| {}).await;
    let before = free_peer_ids(&app, 0).await;
    let own = ((before[0].1 - 0.30) * 100.0).round() / 100.0;
    assert!(own > 0.5, "{before:?}");
    host_fleet(&app.sim, HOST, &[hosted("rig-a", GPU, 1, own)]).await;
    app.store_key_with("hank", HOST).await;
    let mut s = app.session("hank", None);
    let quiet = app.quiet_window(chrono_tz::UTC, 10, 180);
    let out = s.line(&format!("/settings idle=1h quiet={quiet} tz=UTC")).await;
    assert!(out.contains("Quiet hours") && out.contains("after 1 h free"), "{out}");
    let t0 = app.clock.now() + app.engine.cfg.orders_poll;
    app.engine.poll_accounts_at(t0).await.unwrap();
    assert!(app.deliver().await.is_empty(), "first sight: free from now, judged as a baseline");

    for (i, id) in before.iter().filter(|p| p.2).map(|p| p.0).take(3).enumerate() {
        control(&app.sim, &format!("/servers/{id}"), serde_json::json!({ "price_usd": own - 0.10 - 0.01 * i as f64 }))
            .await;
    }
    app.core.deps.market.invalidate();
    app.engine.poll_accounts_at(t0 + chrono::Duration::minutes(61)).await.unwrap();
    assert!(app.deliver().await.is_empty(), "held in quiet hours");
    assert_eq!(app.held_count().await, 2, "the idle alert and the undercut alert");

    app.clock.advance(std::time::Duration::from_secs(200 * 60));
    assert_eq!(app.engine.release_digests().await.unwrap(), 1);
    let sent = app.deliver().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (to, digest) = &sent[0];
    assert_eq!(to, "dm:hank");
    assert!(digest.starts_with("Digest: 2 alerts"), "{digest}");
    assert!(digest.contains("Your server rig-a has been free for 1h 1m"), "{digest}");
    assert!(digest.contains("3 more free 1× RTX 3090 are cheaper than rig-a: now #4 of "), "{digest}");
    assert_eq!(app.held_count().await, 0);
}
