//! `/hostset` on a fleet: one confirmation listing each server's values before and after,
//! the servers sent in turn with progress, and an answer naming each server's outcome.

mod common;

use clorebot::clore::{ApiKey, Currency, HostServer};
use common::*;
use serde_json::json;

const HOST: &str = "host-fleet-key-0123456789abcdef0";

/// Each server's on-demand price in USD as Clore lists it, by name.
fn usd_prices(servers: &[HostServer]) -> Vec<(String, f64)> {
    servers.iter().map(|s| (s.name.clone(), s.pricing.get(Currency::Usd).unwrap())).collect()
}

#[tokio::test]
async fn hostset_all_changes_two_and_names_the_failure() {
    let bot = test_app().await;
    let fleet = [
        hosted("rig-a", "RTX 4090", 1, 3.6),
        hosted("rig-b", "RTX 4090", 1, 3.9),
        hosted("rig-c", "NVIDIA GeForce RTX 3090", 2, 5.2),
    ];
    let ids = host_fleet(&bot.sim, HOST, &fleet).await;
    control(&bot.sim, &format!("/servers/{}", ids[2]), json!({ "refuse_settings": "server-is-locked" })).await;
    bot.store_key_with("hank", HOST).await;
    let mut s = bot.session("hank", None);
    let mut progress = s.show_progress();

    let out = s.line("/hostset all price=$3.40").await;
    assert!(out.starts_with("Change 3 servers?"), "{out}");
    for (name, old) in [("rig-a", "$3.60"), ("rig-b", "$3.90"), ("rig-c", "$5.20")] {
        let at = out.find(&format!("{name} (")).unwrap_or_else(|| panic!("{name} listed: {out}"));
        let price = out[at..].lines().find(|l| l.starts_with("· price: ")).unwrap();
        assert!(price.contains(&format!("({old}) → ")) && price.ends_with("($3.40)"), "{name}: {price}");
    }
    assert!(out.contains("per bitcoin") && out.contains("differ in GPU model or count"), "{out}");
    assert!(out.ends_with("[1] Confirm  [2] Abort"), "{out}");

    let out = s.line("/press 1").await;
    assert!(out.contains("2 of 3 changed:"), "{out}");
    assert!(out.contains("✓ rig-a: now ") && out.contains("✓ rig-b: now ") && out.contains("(verified)"), "{out}");
    let failed = out.lines().find(|l| l.starts_with("✗ rig-c: ")).unwrap_or_else(|| panic!("{out}"));
    assert!(failed.contains("server-is-locked"), "{failed}");
    // While the servers went in turn, the confirmation showed which was being sent.
    let mut shown = Vec::new();
    while let Ok(p) = progress.try_recv() {
        shown.push(p);
    }
    assert!(
        shown.iter().any(|p| p.contains("⏳ rig-a: sending…") && p.contains("rig-c: waiting its turn")),
        "{shown:#?}"
    );
    assert!(shown.iter().any(|p| p.contains("✓ rig-a: sent") && p.contains("⏳ rig-b: sending…")), "{shown:#?}");

    // What Clore shows: two at $3.40 (to the satoshi), the third as it was.
    let k = ApiKey::parse(HOST).unwrap();
    let now = usd_prices(&client(&bot.sim).my_servers(&k).await.unwrap().servers);
    for (name, usd) in &now {
        let want = if name == "rig-c" { 5.2 } else { 3.4 };
        assert!((usd - want).abs() < 0.001, "{name}: {usd}");
    }
    assert_eq!(now.len(), 3);
    // Each server's attempt is audited, the refused one as refused.
    let audited: Vec<String> = sqlx::query_scalar("SELECT result FROM audit_log WHERE action = 'hostset' ORDER BY id")
        .fetch_all(&bot.core.deps.pool)
        .await
        .unwrap();
    assert_eq!(audited.len(), 3, "{audited:?}");
    assert_eq!(audited.iter().filter(|r| *r == "ok").count(), 2, "{audited:?}");
    assert!(audited[2].starts_with("refused: "), "{audited:?}");
    // The same Confirm again: nothing more is sent.
    assert_eq!(s.line("/press 1").await, "💬 This was already done.");
}
