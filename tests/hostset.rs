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
    // my_servers, three settings, my_servers: four spacings of 1.1 s at one key's pace.
    assert!(out.contains("at Clore's pace for your key: about 4s in all."), "{out}");
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

/// `gpu=` reaches only the servers of that model; a dollar price and an `mrl` go with it.
#[tokio::test]
async fn hostset_gpu_filters_and_converts_usd() {
    let bot = test_app().await;
    let fleet = [hosted("rig-a", "RTX 4090", 1, 3.6), hosted("rig-b", "NVIDIA GeForce RTX 3090", 2, 5.2)];
    host_fleet(&bot.sim, HOST, &fleet).await;
    bot.store_key_with("hank", HOST).await;
    let mut s = bot.session("hank", None);
    let out = s.line("/hostset gpu=4090 price=$3.00 mrl=48").await;
    assert!(out.starts_with("Change 1 server?") && out.contains("rig-a (") && !out.contains("rig-b"), "{out}");
    assert!(out.contains("($3.60) → ") && out.contains("($3.00)") && out.contains("→ 48 h"), "{out}");
    let out = s.line("/press 1").await;
    assert!(out.starts_with("✎ Changed:") && out.contains("✓ rig-a: now ") && out.contains("(verified)"), "{out}");
    let mine = client(&bot.sim).my_servers(&ApiKey::parse(HOST).unwrap()).await.unwrap().servers;
    let a = mine.iter().find(|s| s.name == "rig-a").unwrap();
    assert!((a.pricing.get(Currency::Usd).unwrap() - 3.0).abs() < 0.001 && a.mrl_hours == Some(48), "{a:?}");
    let b = mine.iter().find(|s| s.name == "rig-b").unwrap();
    assert!((b.pricing.get(Currency::Usd).unwrap() - 5.2).abs() < 1e-9, "{b:?}");
    // A model the host has none of names what they have.
    let out = s.line("/hostset gpu=a100 price=$3.00").await;
    assert!(out.contains("None of your servers has a GPU matching `a100`") && out.contains("rig-a, rig-b"), "{out}");
}

/// A Confirm whose process died mid-way, finished by another (inside `core::recovered`):
/// the token was used, so nothing is sent again; the answer says which servers carry the
/// new values, from one fresh `my_servers`.
#[tokio::test]
async fn recovered_confirm_resends_nothing() {
    use clorebot::services::Action;
    let bot = test_app().await;
    let fleet = [hosted("rig-a", "RTX 4090", 1, 3.6), hosted("rig-b", "RTX 4090", 1, 3.9)];
    host_fleet(&bot.sim, HOST, &fleet).await;
    bot.store_key_with("hank", HOST).await;
    let mut s = bot.session("hank", None);
    let out = s.line("/hostset all price=$3.40").await;
    assert!(out.starts_with("Change 2 servers?"), "{out}");
    let token = s.buttons()[0].token.clone();
    let pool = &bot.core.deps.pool;
    let (owner, payload) = clorebot::store::actions::peek(pool, &token).await.unwrap().unwrap();
    let Ok(Action::ConfirmHostSet { changes }) = serde_json::from_value(payload) else { panic!("a hostset confirm") };
    // The dead process used the token and sent rig-a before it died.
    clorebot::store::actions::take(pool, &token, owner.unwrap()).await.unwrap();
    let k = ApiKey::parse(HOST).unwrap();
    let settings = changes[0].new.settings("rig-a").unwrap();
    client(&bot.sim).set_server_settings(&k, &settings).await.unwrap();
    let sent = state(&bot.sim).await["calls"]["set_server_settings"].clone();
    assert_eq!(sent, 1, "the dead process's one call");

    let hank = clorebot::frontends::console::caller(&bot.core, "hank", None);
    let p = clorebot::core::recovered(bot.core.press(&hank, &token)).await;
    let out = p.replace_source.expect("the confirmation is replaced").plain_text();
    assert!(out.contains("Nothing is sent again"), "{out}");
    assert!(out.contains("✓ rig-a has the new values") && out.contains("✗ rig-b does not have them"), "{out}");
    assert_eq!(state(&bot.sim).await["calls"]["set_server_settings"], sent, "nothing sent again");
}

/// The "Set" button a suggestion carries opens the same confirmation, in dollars.
#[tokio::test]
async fn a_set_button_opens_the_confirmation_with_its_price() {
    use clorebot::services::{Action, hosting::HostTarget};
    let bot = test_app().await;
    host_fleet(&bot.sim, HOST, &[hosted("rig-a", "RTX 4090", 1, 3.6)]).await;
    bot.store_key_with("hank", HOST).await;
    let mut s = bot.session("hank", None);
    let pool = &bot.core.deps.pool;
    let me =
        clorebot::store::users::find_user(pool, clorebot::domain::Platform::Console, "hank").await.unwrap().unwrap();
    let set = Action::HostSetPrompt { target: HostTarget::Name("rig-a".into()), price_usd: Some(3.25), spot_usd: None };
    let token =
        clorebot::services::issue_token(pool, Some(me.id), &set, std::time::Duration::from_secs(60)).await.unwrap();
    let out = s.press_token(&token).await;
    assert!(out.contains("Change 1 server?") && out.contains("($3.60) → ") && out.contains("($3.25)"), "{out}");
    let out = s.line("/press 1").await;
    assert!(out.contains("✓ rig-a: now ") && out.contains("($3.25) (verified)"), "{out}");
}
