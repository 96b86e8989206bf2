//! Quiet hours and digests, on the test clock: alerts that may wait are held through a chat's
//! quiet hours and arrive as one digest when they end, urgent ones come at once, a restart in
//! the middle loses and doubles nothing; a watch's `digest=hourly`; a burst collapsed.

mod common;

use std::sync::Arc;
use std::time::Duration;

use clorebot::alerts::{Engine, EngineConfig};
use clorebot::frontends::console::Session;
use clorebot::store::outbox;
use common::*;
use serde_json::json;

/// A watch on RTX 4090s whose max sits below everything free now; returns (max, free ones,
/// dearest first).
async fn watch_4090(w: &TestApp, s: &mut Session<'_>, extra: &str) -> (f64, Vec<u64>) {
    let free = free_of(&w.sim, "RTX 4090").await;
    let max = ((free[0].1 * 0.8) * 1000.0).floor() / 1000.0;
    let out = s.line(&format!("/watch 4090 max={max} {extra}")).await;
    assert!(out.contains("Nothing matches right now"), "{out}");
    (max, free.iter().rev().map(|f| f.0).collect())
}

/// `out` with each run of spaces one space (settings cards align their fields).
fn squash(out: String) -> String {
    out.split(' ').filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn quiet_hours_hold_alerts_for_one_digest_and_let_an_ending_order_through() {
    let w = test_app().await;
    let mut ann = w.keyed("ann").await;
    let out = ann.line(&format!("/settings quiet={} tz=UTC", w.quiet_window(chrono_tz::UTC, 30, 30))).await;
    assert!(out.contains("Quiet hours") && out.contains("(UTC)"), "{out}");
    let (max, movers) = watch_4090(&w, &mut ann, "").await;

    // Two polls, a match each: held, nothing sent.
    w.set_price(movers[0], max * 0.9).await;
    assert!(w.market_tick().await.is_empty(), "held in quiet hours");
    w.set_price(movers[1], max * 0.8).await;
    w.set_price(movers[2], max * 0.85).await;
    assert!(w.market_tick().await.is_empty(), "held in quiet hours");
    assert_eq!(w.held_count().await, 2);

    // An order ending within the hour does not wait.
    let srv = free_of(&w.sim, "RTX 3060").await[0].0;
    control(&w.sim, &format!("/servers/{srv}"), json!({ "mrl_hours": 1 })).await;
    ann.line(&format!("/rent #{srv}")).await;
    assert!(ann.line("/press 1").await.contains("is running"));
    let sent = w.accounts_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].1.contains(" ends in "), "{sent:?}");

    // The window still on: the digest step sends nothing.
    assert_eq!(w.engine.release_digests().await.unwrap(), 0);
    assert!(w.deliver().await.is_empty());

    // One of the matches is rented meanwhile.
    control(&w.sim, &format!("/servers/{}", movers[1]), json!({ "rented": true })).await;
    assert!(w.market_tick().await.is_empty());

    // The window ends: one digest, grouped by watch, what is gone left out, Rent buttons
    // only for what is still free.
    w.clock.advance(Duration::from_secs(40 * 60));
    assert_eq!(w.engine.release_digests().await.unwrap(), 1);
    assert_eq!(w.engine.release_digests().await.unwrap(), 0, "once");
    let sent = w.deliver_alerts().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (to, digest) = &sent[0];
    let text = digest.plain_text();
    assert_eq!(to, "dm:ann");
    assert!(text.starts_with("Digest: 2 alerts"), "{text}");
    assert!(text.contains(&format!("Watch #1 (4090 max={max}): 3 matches")), "{text}");
    assert!(text.contains(&format!("#{} ", movers[0])) && text.contains(&format!("#{} ", movers[2])), "{text}");
    assert!(!text.contains(&format!("#{} ", movers[1])), "rented: left out: {text}");
    assert!(text.contains("1 no longer free (left out)"), "{text}");
    let buttons: Vec<&str> = digest.buttons().map(|b| b.label.as_str()).collect();
    assert_eq!(buttons, [format!("Rent #{}", movers[2]), format!("Rent #{}", movers[0])], "cheapest first");
    assert_eq!(w.held_count().await, 0);
    assert_eq!(outbox::pending_count(&w.core.deps.pool).await.unwrap(), 0);

    // Out of quiet hours, a match comes at once again.
    w.set_price(movers[3], max * 0.7).await;
    let sent = w.market_tick().await;
    assert!(sent.len() == 1 && sent[0].1.starts_with("Watch #1"), "{sent:?}");
}

#[tokio::test]
async fn a_restart_in_the_middle_of_quiet_hours_loses_and_doubles_nothing() {
    let w = test_app().await;
    let mut ann = w.session("ann", None);
    ann.line(&format!("/settings quiet={} tz=Europe/Berlin", w.quiet_window(chrono_tz::Europe::Berlin, 10, 30))).await;
    let (max, movers) = watch_4090(&w, &mut ann, "").await;
    w.set_price(movers[0], max * 0.9).await;
    assert!(w.market_tick().await.is_empty());

    // The process restarts: a new engine on the same database goes on, and holds as well.
    let cfg = EngineConfig::default();
    let b = Arc::new(Engine::new(w.core.deps.clone(), cfg.clone()));
    w.set_price(movers[1], max * 0.8).await;
    b.poll_market().await.unwrap();
    assert!(w.deliver().await.is_empty());
    assert_eq!(w.held_count().await, 2);

    // The window ends; two processes fold at once: one digest, every alert in it once.
    w.clock.advance(Duration::from_secs(40 * 60));
    let c = Arc::new(Engine::new(w.core.deps.clone(), cfg));
    let (x, y) = tokio::join!(b.release_digests(), c.release_digests());
    assert_eq!(x.unwrap() + y.unwrap(), 1);
    let sent = w.deliver().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].1.starts_with("Digest: 2 alerts"), "{sent:?}");
    assert!(sent[0].1.contains(&format!("#{} ", movers[0])) && sent[0].1.contains(&format!("#{} ", movers[1])));
    assert!(w.deliver().await.is_empty());
    let folded: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE digest_id IS NOT NULL AND delivered_at IS NOT NULL")
            .fetch_one(&w.core.deps.pool)
            .await
            .unwrap();
    assert_eq!(folded, 2);
    assert_eq!(outbox::pending_count(&w.core.deps.pool).await.unwrap(), 0);
}

#[tokio::test]
async fn a_watch_with_an_hourly_digest_collects_its_matches() {
    let w = test_app().await;
    // A minute past a full hour on the app's clock: the hour cannot end during the test.
    {
        use chrono::Timelike;
        use clorebot::domain::Clock;
        let past = w.clock.now().minute() * 60 + w.clock.now().second();
        w.clock.advance(Duration::from_secs(u64::from(3600 - past + 60)));
    }
    let mut ann = w.session("ann", None);
    let (max, movers) = watch_4090(&w, &mut ann, "digest=hourly").await;
    assert!(ann.line("/watches").await.contains("hourly digest"));
    w.set_price(movers[0], max * 0.9).await;
    assert!(w.market_tick().await.is_empty());
    w.set_price(movers[1], max * 0.8).await;
    assert!(w.market_tick().await.is_empty());
    assert_eq!(w.engine.release_digests().await.unwrap(), 0, "the hour is not over");

    w.clock.advance(Duration::from_secs(61 * 60));
    assert_eq!(w.engine.release_digests().await.unwrap(), 1);
    let sent = w.deliver().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].1.contains(&format!("Watch #1 (4090 max={max}): 2 matches")), "{sent:?}");

    // The next hour's digest, in the owner's language now.
    ann.line("/settings locale=de").await;
    assert!(ann.line("/watches").await.contains("stündliche Zusammenfassung"));
    w.set_price(movers[2], max * 0.85).await;
    assert!(w.market_tick().await.is_empty());
    w.clock.advance(Duration::from_secs(60 * 60));
    assert_eq!(w.engine.release_digests().await.unwrap(), 1);
    let sent = w.deliver_alerts().await;
    let text = sent[0].1.plain_text();
    assert!(text.starts_with("Zusammenfassung: 1 Alarm"), "{text}");
    assert!(text.contains(&format!("Watch #1 (4090 max={max}): 1 Treffer")), "{text}");
    let buttons: Vec<&str> = sent[0].1.buttons().map(|b| b.label.as_str()).collect();
    assert_eq!(buttons, [format!("#{} mieten", movers[2])]);
}

#[tokio::test]
async fn a_burst_of_alerts_sends_five_and_then_one_message() {
    let w = test_app().await;
    let mut ann = w.session("ann", None);
    let free = free_of(&w.sim, "RTX 4090").await;
    let max = ((free[0].1 * 0.8) * 1000.0).floor() / 1000.0;
    // Seven watches that one price drop matches at once.
    for i in 0..7 {
        let out = ann.line(&format!("/watch 4090 max={:.4}", max - f64::from(i) * 0.0001)).await;
        assert!(out.contains("Nothing matches right now"), "{out}");
    }
    w.set_price(free[free.len() - 1].0, max * 0.5).await;
    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 5, "the first five go out: {sent:?}");
    assert!(sent.iter().all(|(_, t)| t.starts_with("Watch #")), "{sent:?}");

    // The minute after the burst's first held alert: the other two as one message.
    w.clock.advance(Duration::from_secs(61));
    assert_eq!(w.engine.release_digests().await.unwrap(), 1);
    let sent = w.deliver().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].1.starts_with("Digest: 2 alerts"), "{sent:?}");
    assert!(sent[0].1.contains("Watch #6") && sent[0].1.contains("Watch #7"), "{sent:?}");
}

#[tokio::test]
async fn quiet_hours_in_settings_in_three_languages_and_for_a_group_by_admins() {
    let w = test_app().await;
    let mut ann = w.session("ann", None);
    let out = squash(ann.line("/settings").await);
    assert!(out.contains("Quiet hours: off; set with quiet=23:00-08:00 tz=Europe/Berlin"), "{out}");
    let out = squash(ann.line("/settings quiet=23:00-08:00 tz=europe/berlin").await);
    assert!(out.contains("Quiet hours: 23:00–08:00 (Europe/Berlin)"), "{out}");
    let out = squash(ann.line("/settings tz=America/New_York").await);
    assert!(out.contains("Quiet hours: 23:00–08:00 (America/New_York)"), "the window is kept: {out}");
    let out = squash(ann.line("/settings quiet=off").await);
    assert!(out.contains("Quiet hours: off"), "{out}");
    let out = squash(ann.line("/settings tz=Mars/Olympus").await);
    assert!(out.contains("Unknown time zone `Mars/Olympus`"), "{out}");
    let de = squash(ann.line("/settings locale=de quiet=22:00-07:00").await);
    assert!(de.contains("Ruhestunden: 22:00–07:00 (America/New_York)"), "{de}");
    let ru = squash(ann.line("/settings locale=ru").await);
    assert!(ru.contains("Тихие часы: 22:00–07:00 (America/New_York)"), "{ru}");

    // A group's quiet hours: its creator administers it; another member may not set them.
    let mut team = w.session("bob", Some("night-team"));
    let out = squash(team.line("/settings quiet=23:00-08:00 tz=UTC").await);
    assert!(out.contains("This chat's quiet hours are now 23:00–08:00 (UTC)"), "{out}");
    let out = squash(team.line("/settings").await);
    assert!(out.contains("This chat's quiet hours: 23:00–08:00 (UTC)"), "{out}");
    let mut cat = w.session("cat", Some("night-team"));
    let out = squash(cat.line("/settings quiet=off").await);
    assert!(out.contains("Only this chat's admins set its quiet hours"), "{out}");
}

#[tokio::test]
async fn a_groups_quiet_hours_hold_its_team_alerts_not_its_members_own() {
    let w = test_app().await;
    let mut team = w.session("bob", Some("night-team"));
    let out = team.line(&format!("/settings quiet={} tz=UTC", w.quiet_window(chrono_tz::UTC, 30, 30))).await;
    assert!(out.contains("This chat's quiet hours are now"), "{out}");
    let (max, movers) = watch_4090(&w, &mut team, "here").await;
    // Bob's own watch, on the same servers, alerts him privately: his quiet hours are off.
    let mut bob = w.session("bob", None);
    bob.line(&format!("/watch 4090 max={max}")).await;
    w.set_price(movers[0], max * 0.9).await;
    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "dm:bob");

    w.clock.advance(Duration::from_secs(40 * 60));
    assert_eq!(w.engine.release_digests().await.unwrap(), 1);
    let sent = w.deliver().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "group:night-team");
    assert!(sent[0].1.starts_with("Digest: 1 alert\n"), "{sent:?}");
    assert!(sent[0].1.contains(&format!("#{} ", movers[0])), "{sent:?}");
}
