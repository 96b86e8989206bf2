//! Market watches against the simulator and a real database: `count>=`, `drop>=` and
//! `newlow=` fire once when their condition starts to hold, stay quiet while it holds, and
//! fire again after it stopped; one without enough history says when it will mean something.

mod common;

use clorebot::clore::Currency;
use clorebot::store::history::{self, PricePoint};
use common::*;
use serde_json::json;

fn usd(p: f64) -> String {
    clorebot::domain::format::per_day(p, Currency::Usd)
}

/// The free servers `/watch 4090` sees, with their USD price per day, cheapest first.
async fn free_4090s(w: &TestApp) -> Vec<(u64, f64)> {
    let m = client(&w.sim).marketplace(None).await.unwrap();
    let snap = clorebot::market::Snapshot::from_market(&m.servers);
    let query = clorebot::market::Query::parse("4090").unwrap();
    let mut v: Vec<(u64, f64)> = query
        .run(&snap.servers, Currency::Usd)
        .into_iter()
        .filter_map(|s| Some((s.id.0, s.price(Currency::Usd, false)?)))
        .collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1));
    v
}

/// Hourly RTX 4090 history from `hours` hours ago to an hour ago, the cheapest at `cheapest`.
async fn record_flat_history(w: &TestApp, hours: i64, cheapest: f64) {
    let now = chrono::Utc::now();
    let points: Vec<PricePoint> = (1..=hours)
        .map(|h| PricePoint {
            gpu_model: "RTX 4090".into(),
            polled_at: now - chrono::Duration::hours(h),
            currency: Currency::Usd,
            min_price: Some(cheapest),
            median_price: Some(cheapest * 1.5),
            available: 10,
            total: 20,
        })
        .collect();
    history::record(&w.core.deps.pool, &points).await.unwrap();
}

/// Every free RTX 4090 cheaper than `floor` is priced at `floor`.
async fn lift_4090s_to(w: &TestApp, floor: f64) {
    for (id, p) in free_4090s(w).await {
        if p < floor {
            w.set_price(id, floor).await;
        }
    }
}

#[tokio::test]
async fn a_count_watch_fires_once_when_enough_are_free_and_rearms() {
    let w = test_app().await;
    let mut ann = w.session("ann", None);
    let free = free_4090s(&w).await;
    let n = free.len();
    assert!(n >= 2, "the simulated market has free RTX 4090s");
    // One of them is taken: one short of the count watched for.
    let (a, _) = free[n - 1];
    control(&w.sim, &format!("/servers/{a}"), json!({ "rented": true })).await;

    let out = ann.line(&format!("/watch 4090 count>={n}")).await;
    assert!(out.starts_with(&format!("Market watch #1: 4090 · in USD, when at least {n} free")), "{out}");
    assert!(out.contains(&format!("Right now {} are free", n - 1)), "{out:?}");
    assert!(out.contains("I'll alert when it becomes true"), "{out}");
    assert!(!out.contains("meaningful"), "a count needs no history: {out}");
    assert!(w.market_tick().await.is_empty(), "one short");

    // Freed: the condition starts to hold, and alerts once.
    control(&w.sim, &format!("/servers/{a}"), json!({ "rented": false })).await;
    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "dm:ann");
    let cheapest = free_4090s(&w).await[0];
    assert!(
        sent[0].1.starts_with(&format!("Market watch #1 (4090 count>={n}): {n} free now, at least {n} as asked.")),
        "{}",
        sent[0].1
    );
    let says = format!("Cheapest now: #{} — ", cheapest.0);
    assert!(sent[0].1.contains(&says) && sent[0].1.contains(&format!("RTX 4090 at {}", usd(cheapest.1))), "{sent:?}");
    // Still enough: quiet.
    assert!(w.market_tick().await.is_empty());
    assert!(w.market_tick().await.is_empty());
    // Taken again (re-arms), freed again: a new alert.
    control(&w.sim, &format!("/servers/{a}"), json!({ "rented": true })).await;
    assert!(w.market_tick().await.is_empty());
    control(&w.sim, &format!("/servers/{a}"), json!({ "rented": false })).await;
    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].1.contains(&format!("{n} free now")), "{sent:?}");

    let list = ann.line("/watches").await;
    assert!(list.contains(&format!("#1 · 4090 · when at least {n} free")), "{list}");
    // One watch per chat and condition.
    let again = ann.line(&format!("/watch 4090 count>={n}")).await;
    assert!(again.contains(&format!("Market watch #1 (4090 count>={n}) already watches for this here")), "{again}");

    // Snoozed, a condition that starts to hold waits for the watch to wake.
    let out = ann.line("/snooze 1 1h").await;
    assert!(out.starts_with("Watch #1 is snoozed"), "{out}");
    control(&w.sim, &format!("/servers/{a}"), json!({ "rented": true })).await;
    assert!(w.market_tick().await.is_empty());
    control(&w.sim, &format!("/servers/{a}"), json!({ "rented": false })).await;
    assert!(w.market_tick().await.is_empty(), "snoozed");
    ann.line("/snooze 1 off").await;
    let sent = w.market_tick().await;
    assert!(sent.len() == 1 && sent[0].1.contains(&format!("{n} free now")), "{sent:?}");
}

#[tokio::test]
async fn a_drop_watch_fires_on_a_fall_from_the_windows_high_and_rearms() {
    let w = test_app().await;
    let mut ann = w.session("ann", Some("ml-team"));
    let (cheap_id, now) = free_4090s(&w).await[0];
    // A day and more at a price 25 % above today's cheapest: today's is a 20 % drop.
    let high = now * 1.25;
    record_flat_history(&w, 30, high).await;

    let out = ann.line("/watch 4090 drop>=10% in=24h here").await;
    assert!(
        out.starts_with(
            "Market watch #1: 4090 · in USD, when the cheapest free price falls 10% or more within 1d 0h — alerts this chat."
        ),
        "{out}"
    );
    assert!(!out.contains("meaningful"), "30 h of history cover 24 h: {out}");

    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "group:ml-team");
    let text = &sent[0].1;
    assert!(
        text.starts_with(&format!(
            "Market watch #1 (4090 drop>=10% in=24h): the cheapest free price fell 20.0% within 1d 0h: {} → {}.",
            usd(high),
            usd(now)
        )),
        "{text}"
    );
    assert!(text.contains(&format!("Cheapest now: #{cheap_id} ")), "{text}");
    // Still down (this poll's own low is history now, the window's high stays): quiet.
    assert!(w.market_tick().await.is_empty());

    // Back up to the high: it stops holding (re-arms) without a word.
    lift_4090s_to(&w, high).await;
    assert!(w.market_tick().await.is_empty());
    // Down again: a second alert.
    w.set_price(cheap_id, now).await;
    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].1.contains("fell 20.0% within 1d 0h"), "{sent:?}");
}

#[tokio::test]
async fn a_newlow_watch_fires_on_the_lowest_of_its_window_and_rearms() {
    let w = test_app().await;
    let mut ann = w.session("ann", None);
    let (cheap_id, now) = free_4090s(&w).await[0];
    let before = now * 1.2;
    record_flat_history(&w, 8 * 24, before).await;

    let out = ann.line("/watch 4090 newlow=7d once").await;
    assert!(
        out.starts_with(
            "Market watch #1: 4090 · in USD, when the cheapest free price is the lowest in 7d 0h — alerts you privately (once)."
        ),
        "{out}"
    );
    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].1.starts_with(&format!(
            "Market watch #1 (4090 newlow=7d): the cheapest free price, {}, is the lowest in 7d 0h (lowest before: {}).",
            usd(now),
            usd(before)
        )),
        "{sent:?}"
    );
    assert!(sent[0].1.contains("This was a once watch; it is now off."), "{sent:?}");
    assert!(ann.line("/watches").await.contains("done (fired once)"));

    // The same again without `once`: a new watch whose condition holds already alerts at the
    // next poll, then stays quiet while the price stays at the low, re-arms above it and
    // fires at a lower one.
    let out = ann.line("/watch 4090 newlow=7d").await;
    assert!(out.starts_with("Market watch #2:"), "{out}");
    let sent = w.market_tick().await;
    assert!(sent.len() == 1 && sent[0].1.contains(&format!("(lowest before: {})", usd(now))), "{sent:?}");
    assert!(w.market_tick().await.is_empty(), "still at the low");
    lift_4090s_to(&w, now * 1.1).await;
    assert!(w.market_tick().await.is_empty(), "above the week's low");
    w.set_price(cheap_id, now * 0.9).await;
    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].1.contains(&format!("the cheapest free price, {}, is the lowest in 7d 0h", usd(now * 0.9))),
        "{sent:?}"
    );
    assert!(sent[0].1.contains(&format!("(lowest before: {})", usd(now))), "{sent:?}");
}

#[tokio::test]
async fn a_market_watch_without_history_says_when_it_becomes_meaningful() {
    let w = test_app().await;
    let mut ann = w.session("ann", None);
    let out = ann.line("/watch 4090 newlow=7d").await;
    assert!(
        out.contains("It becomes meaningful after 7d 0h of price history; none of these GPUs is recorded yet."),
        "{out}"
    );
    // Polls record history and judge nothing yet.
    assert!(w.market_tick().await.is_empty());
    let list = ann.line("/watches").await;
    assert!(list.contains("#1 · 4090 · when the cheapest free price is the lowest in 7d 0h"), "{list}");
    assert!(list.contains("meaningful after 7d 0h of history (from "), "{list}");

    // Two hours of history: a 24 h window is not covered yet, and says from when it is.
    record_4090_history(&w.core.deps.pool, 3, 1).await;
    let out = ann.line("/watch 4090 rise>=5% in=24h median").await;
    assert!(out.contains("the median free price rises 5% or more within 1d 0h"), "{out}");
    assert!(out.contains("It becomes meaningful after 1d 0h of price history: from "), "{out}");
    // The history's median is far from today's, yet a window not covered judges nothing.
    assert!(w.market_tick().await.is_empty());
}
