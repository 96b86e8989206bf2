//! The alert engine, scripted with the simulator's control API and clock: watches fire on
//! edges, orders and hosts alert on changes, and every alert is delivered exactly once — also
//! across a crash and with two engines on one database.

mod common;

use std::sync::Arc;
use std::time::Duration;

use clorebot::alerts::deliver;
use clorebot::alerts::{Engine, EngineConfig};
use clorebot::clore::Currency;
use clorebot::domain::Platform;
use clorebot::frontends::console::Session;
use clorebot::store::outbox;
use clorebot::store::users;
use common::*;
use serde_json::json;

fn usd(p: f64) -> String {
    clorebot::domain::format::per_day(p, Currency::Usd)
}

/// A watch on `model` whose max sits below everything free now; returns (max, a server to move).
async fn watch_below_market(w: &TestApp, s: &mut Session<'_>, model: &str, extra: &str) -> (f64, u64) {
    let free = free_of(&w.sim, model).await;
    let max = ((free[0].1 * 0.8) * 1000.0).floor() / 1000.0;
    let term = model.trim_start_matches("RTX ");
    let out = s.line(&format!("/watch {term} max={max} {extra}")).await;
    // The premise of every test using this: nothing matches until the test moves a price.
    assert!(out.contains("Nothing matches right now; I'll alert when something does."), "{out}");
    (max, free[free.len() - 1].0)
}

#[tokio::test]
async fn a_price_drop_alerts_once_stays_quiet_and_rearms() {
    let w = test_app().await;
    let mut ann = w.session("ann", None);
    let (max, srv) = watch_below_market(&w, &mut ann, "RTX 4090", "").await;
    assert!(w.market_tick().await.is_empty(), "nothing matches yet");

    w.set_price(srv, max * 0.9).await;
    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (to, text) = &sent[0];
    assert_eq!(to, "dm:ann", "a personal watch alerts its owner privately");
    assert!(text.starts_with("Watch #1 (4090 max="), "{text}");
    assert!(text.contains(&format!("#{srv} ")) && text.contains(" → $"), "old → new price: {text}");

    // Still cheap: quiet.
    assert!(w.market_tick().await.is_empty());
    assert!(w.market_tick().await.is_empty());
    // Rises above the max (re-arms), then drops again: a new alert.
    w.set_price(srv, max * 2.0).await;
    assert!(w.market_tick().await.is_empty());
    w.set_price(srv, max * 0.8).await;
    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].1.contains(&format!("#{srv} ")));

    // A server freed by its renter also counts as newly matching.
    let rented = client(&w.sim)
        .marketplace(None)
        .await
        .unwrap()
        .servers
        .iter()
        .find(|s| s.rented && s.specs.as_ref().and_then(|x| x.gpu.as_ref()).is_some_and(|g| g.ends_with("RTX 4090")))
        .map(|s| s.id);
    if let Some(r) = rented {
        control(&w.sim, &format!("/servers/{r}"), json!({ "price_usd": max * 0.5, "rented": false })).await;
        let sent = w.market_tick().await;
        assert!(sent.len() == 1 && sent[0].1.contains(&format!("#{r} ")), "{sent:?}");
    }
}

#[tokio::test]
async fn once_and_snooze() {
    let w = test_app().await;
    let mut ann = w.session("ann", None);
    let (max, srv) = watch_below_market(&w, &mut ann, "RTX 3090", "once").await;
    w.set_price(srv, max * 0.9).await;
    let sent = w.market_tick().await;
    assert!(sent.len() == 1 && sent[0].1.contains("This was a once watch; it is now off."), "{sent:?}");
    assert!(ann.line("/watches").await.contains("done (fired once)"));
    // Another match later: the once watch stays silent.
    let other = free_of(&w.sim, "RTX 3090").await.last().unwrap().0;
    w.set_price(other, max * 0.7).await;
    assert!(w.market_tick().await.is_empty());

    // A snoozed watch holds its alert until it wakes.
    let mut bob = w.session("bob", None);
    let (max, srv) = watch_below_market(&w, &mut bob, "RTX 3070", "").await;
    let out = bob.line("/snooze 2 1h").await;
    assert!(out.starts_with("Watch #2 is snoozed"), "{out}");
    w.set_price(srv, max * 0.9).await;
    assert!(w.market_tick().await.is_empty(), "snoozed");
    bob.line("/snooze 2 off").await;
    let sent = w.market_tick().await;
    assert!(sent.len() == 1 && sent[0].0 == "dm:bob" && sent[0].1.contains(&format!("#{srv} ")), "{sent:?}");
}

#[tokio::test]
async fn a_team_watch_alerts_its_channel_not_the_owner() {
    let w = test_app().await;
    let mut team = w.session("ann", Some("ml-team"));
    let (max, srv) = watch_below_market(&w, &mut team, "RTX 3080", "here").await;
    w.set_price(srv, max * 0.9).await;
    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "group:ml-team");
    // Its Rent button is for anyone in the channel.
    let row: (Option<i64>,) = sqlx::query_as("SELECT owner_id FROM pending_actions ORDER BY created_at DESC LIMIT 1")
        .fetch_one(&w.core.deps.pool)
        .await
        .unwrap();
    assert_eq!(row.0, None);
}

#[tokio::test]
async fn an_order_ending_soon_then_ended() {
    let w = test_app().await;
    let mut ann = w.keyed("ann").await;
    let srv = free_of(&w.sim, "RTX 3060").await[0].0;
    control(&w.sim, &format!("/servers/{srv}"), json!({ "mrl_hours": 1 })).await;
    ann.line(&format!("/rent #{srv}")).await;
    let out = ann.line("/press 1").await;
    assert!(out.contains("is running"), "{out}");
    let order: u64 = out.split("Order ").nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();

    let sent = w.accounts_tick().await;
    assert_eq!(sent.len(), 1, "endpoints were shown at rent time; only the ending warning: {sent:?}");
    assert_eq!(sent[0].0, "dm:ann");
    assert!(sent[0].1.starts_with(&format!("Order {order} on #{srv} ends in ")), "{sent:?}");
    assert!(w.accounts_tick().await.is_empty(), "said once");

    control(&w.sim, "/clock/advance", json!({ "seconds": 3700 })).await;
    let sent = w.accounts_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].1.starts_with(&format!("Order {order} on #{srv} has ended")), "{sent:?}");
    assert!(w.accounts_tick().await.is_empty());
}

/// A spot guard on the account poll. Alone on the market, the bid is lowered (to Clore's
/// lowest allowed step) and not again within 600 s; a waiting offer within the margin raises it
/// by the margin within one poll; an offer near the cap puts the bid at the cap and asks once,
/// never bidding above it; once outbid anyway, the order's guard is gone.
#[tokio::test]
async fn a_spot_guard_keeps_the_bid_ahead_within_its_cap() {
    let w = test_app().await;
    let mut ann = w.keyed("ann").await;
    let (srv, price, path) = quiet_3090(&w).await;
    let order = rent_spot(&mut ann, srv, price, "").await;
    let bid = || async {
        let o = w.sim_orders().await.into_iter().find(|o| o["id"] == json!(order)).unwrap();
        (o["price"].as_f64().unwrap(), o["active"].as_bool().unwrap())
    };
    let usd = |p: f64| clorebot::domain::format::per_day(p, clorebot::clore::Currency::Usd);
    let out = ann.line(&format!("/spotguard {order} max={} margin=0.2", price + 1.0)).await;
    assert!(out.contains("is guarded"), "{out}");

    // Alone: lowered as far as Clore allows in one step (25 % in the simulator), then left.
    let sent = w.accounts_tick().await;
    let (low, _) = bid().await;
    assert!(low < price, "lowered: {low} from {price}");
    assert!(sent.iter().any(|(_, m)| m.contains(&format!("yours is lowered to {}", usd(low)))), "{sent:?}");
    let sent = w.accounts_tick().await;
    assert!(sent.is_empty() && bid().await.0 == low, "not again within 600 s: {sent:?}");

    // A waiting offer within the margin: raised to it plus the margin, in one poll (and told
    // at once: the last change was told more than five minutes ago).
    w.clock.advance(Duration::from_secs(360));
    let waiting = ((low - 0.1) * 100.0).round() / 100.0;
    control(&w.sim, &path, json!({ "competitor_bid_usd": waiting })).await;
    let sent = w.accounts_tick().await;
    let (raised, active) = bid().await;
    assert!(active && (raised - (waiting + 0.2)).abs() < 1e-6, "{raised}");
    let want = format!(
        "#{order}: a bid of {} is waiting → yours is now {} (cap {}).",
        usd(waiting),
        usd(raised),
        usd(price + 1.0)
    );
    assert!(sent.iter().any(|(_, m)| m == &want), "{sent:?}");
    let market = client(&w.sim).spot_marketplace(&key(), clorebot::clore::ServerId(srv)).await.unwrap();
    assert!(market.market.unwrap().offers.iter().any(|x| x.my && x.active), "ours is the active offer");

    // Near the cap: the bid goes to the cap, not above, and the owner is asked once.
    let cap = ((raised + 0.1) * 100.0).round() / 100.0;
    ann.line(&format!("/spotguard {order} max={cap} margin=0.2")).await;
    control(&w.sim, &path, json!({ "competitor_bid_usd": ((raised - 0.05) * 100.0).round() / 100.0 })).await;
    let sent = w.accounts_tick().await;
    assert!((bid().await.0 - cap).abs() < 1e-6, "at the cap");
    assert_eq!(
        sent.iter().filter(|(_, m)| m.contains(&format!("is near your cap {}", usd(cap)))).count(),
        1,
        "{sent:?}"
    );
    assert!(w.accounts_tick().await.is_empty(), "asked once");

    // Outbid anyway: the order ends and its guard goes with it. Told as outbid (not as an
    // ordinary end), with a button to rent again one margin over the winner.
    let winner = cap + 1.0;
    control(&w.sim, &path, json!({ "competitor_bid_usd": winner })).await;
    w.poll_cycle().await;
    let sent = w.deliver_alerts().await;
    assert_eq!(sent.len(), 1, "one message: {sent:?}");
    let (_, outbid) = &sent[0];
    assert_eq!(outbid.plain_text(), format!("#{order} on server {srv} was outbid: a bid of {} won.", usd(winner)));
    let again: Vec<_> = outbid.buttons().cloned().collect();
    assert_eq!(again.len(), 1);
    // Within the cap if anything can be had: the cheapest free 3090 at its lowest bid; else
    // its own server, one margin over the winner.
    let label = again[0].label.strip_prefix("Rent again as spot at $").unwrap().to_owned();
    let (b, s) = label.split_once("/day (#").unwrap();
    let (bid_again, srv_again): (f64, u64) = (b.parse().unwrap(), s.trim_end_matches(')').parse().unwrap());
    if srv_again == srv {
        assert!((bid_again - (winner + 0.2)).abs() < 0.01, "{label}");
    } else {
        assert!(bid_again <= cap && free_of(&w.sim, "RTX 3090").await.iter().any(|f| f.0 == srv_again), "{label}");
    }
    let guards: i64 =
        sqlx::query_scalar("SELECT count(*) FROM spot_guards").fetch_one(&w.core.deps.pool).await.unwrap();
    assert_eq!(guards, 0);
    assert!(bid().await.0 <= cap + 1e-9, "never above the cap");

    // The button: the rent confirmation on the same server at that bid (the server is held by
    // the winner's bid, which a higher one takes over), guarded with the same cap.
    let out = ann.press_token(&again[0].token).await;
    assert!(out.contains(&usd(bid_again)) && out.contains(&format!("guard: cap {}", usd(cap))), "{out}");
    let out = ann.line("/press 1").await;
    let again_id: u64 = out.split("Order ").nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();
    assert_ne!(again_id, order);
    let o = w.sim_orders().await.into_iter().find(|o| o["id"] == json!(again_id)).unwrap();
    assert!(o["active"].as_bool().unwrap() && (o["price"].as_f64().unwrap() - bid_again).abs() < 0.01, "{o}");
    assert_eq!(o["server_id"], json!(srv_again));
    let out = ann.line("/orders").await;
    assert!(out.contains(&format!("guard: cap {}", usd(cap))), "the new order is guarded: {out}");
}

/// The cheapest free RTX 3090 with no competing spot offers: (server, its price, its
/// simulator control path).
async fn quiet_3090(w: &TestApp) -> (u64, f64, String) {
    let (srv, price) = free_of(&w.sim, "RTX 3090").await[0];
    let path = format!("/servers/{srv}");
    control(&w.sim, &path, json!({ "clear_competitors": true })).await;
    (srv, price, path)
}

/// Rents `srv` as spot at `bid` for `s` with `extra` options; the order's id.
async fn rent_spot(s: &mut Session<'_>, srv: u64, bid: f64, extra: &str) -> u64 {
    s.line(&format!("/rent #{srv} spot={bid} {extra}")).await;
    let out = s.line("/press 1").await;
    out.split("Order ").nth(1).unwrap_or_else(|| panic!("{out}")).split_whitespace().next().unwrap().parse().unwrap()
}

/// Outbid with `rebid`: rented again at once within the cap — exactly one new order, even when
/// Clore's answer to the create is lost — on the same server one margin over the winner,
/// announced, and guarded as before. The guard came with the rent itself (`guard=`).
#[tokio::test]
async fn an_outbid_guard_with_rebid_rents_again_once_even_when_the_answer_is_lost() {
    let w = test_app().await;
    let mut ann = w.keyed("ann").await;
    ann.line(&format!("/settings sshkey=\"{SSH_KEY}\"")).await;
    let (srv, price, path) = quiet_3090(&w).await;
    let cap = ((price + 2.0) * 100.0).round() / 100.0;
    let out = ann.line(&format!("/rent #{srv} spot={price} guard={cap} margin=0.2 rebid")).await;
    assert!(out.contains(&format!("guard: cap {}", usd(cap))), "{out}");
    let out = ann.line("/press 1").await;
    let order: u64 = out.split("Order ").nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();
    let out = ann.line("/orders").await;
    assert!(out.contains("rents again if outbid"), "guarded from the start: {out}");

    // A bid well above ours but within the cap less the margin: ours ends, outbid.
    let winner = ((price + 1.0) * 100.0).round() / 100.0;
    control(&w.sim, &path, json!({ "competitor_bid_usd": winner })).await;
    control(&w.sim, "/faults", json!({ "endpoint": "create_order", "mode": "lost_reply" })).await;
    let sent = w.accounts_tick().await;
    let told: Vec<&String> = sent.iter().map(|(_, m)| m).filter(|m| m.contains("was outbid")).collect();
    assert_eq!(told.len(), 1, "{sent:?}");
    assert!(
        told[0].starts_with(&format!("#{order} on server {srv} was outbid: a bid of {} won.", usd(winner))),
        "{told:?}"
    );
    assert!(!sent.iter().any(|(_, m)| m.contains("has ended")), "told once, as outbid: {sent:?}");

    // Reconciliation finds the order the lost answer made; nothing is sent twice.
    for _ in 0..3 {
        w.accounts_tick().await;
    }
    let mine: Vec<_> =
        w.sim_orders().await.into_iter().filter(|o| o["server_id"] == json!(srv) && o["id"] != json!(order)).collect();
    assert_eq!(mine.len(), 1, "exactly one new order: {mine:?}");
    let again = &mine[0];
    assert!(again["active"].as_bool().unwrap(), "{again}");
    let bid = again["price"].as_f64().unwrap();
    assert!((bid - (winner + 0.2)).abs() < 1e-6 && bid <= cap, "one margin over the winner, within the cap: {bid}");
    let creates: i64 = sqlx::query_scalar("SELECT count(*) FROM rent_intents WHERE server_id = $1")
        .bind(srv as i64)
        .fetch_one(&w.core.deps.pool)
        .await
        .unwrap();
    assert_eq!(creates, 2, "the first rent and the one rent-again");
    let out = ann.line("/orders").await;
    assert!(out.contains(&format!("guard: cap {}", usd(cap))) && out.contains(&again["id"].to_string()), "{out}");
}

/// Bid changes within five minutes of the last one told are held and told as one message
/// when the five minutes have passed.
#[tokio::test]
async fn a_guards_changes_within_minutes_are_one_message() {
    let w = test_app().await;
    let mut ann = w.keyed("ann").await;
    let (srv, price, path) = quiet_3090(&w).await;
    let order = rent_spot(&mut ann, srv, price, "").await;
    let round = |x: f64| (x * 100.0).round() / 100.0;
    let waiting = round(price - 0.05);
    control(&w.sim, &path, json!({ "competitor_bid_usd": waiting })).await;
    ann.line(&format!("/spotguard {order} max={} margin=0.2", price + 2.0)).await;
    let sent = w.accounts_tick().await;
    assert_eq!(sent.len(), 1, "the first change at once: {sent:?}");
    let first = waiting + 0.2;
    // Two more raises within the five minutes (each waiting offer within the margin of our
    // bid then): held.
    let (a, b) = (round(first - 0.1), round(first));
    control(&w.sim, &path, json!({ "competitor_bid_usd": a })).await;
    let sent = w.accounts_tick().await;
    assert!(sent.is_empty(), "held: {sent:?}");
    control(&w.sim, &path, json!({ "competitor_bid_usd": b })).await;
    let sent = w.accounts_tick().await;
    assert!(sent.is_empty(), "held: {sent:?}");
    let bid = w.sim_orders().await.into_iter().find(|o| o["id"] == json!(order)).unwrap()["price"].as_f64().unwrap();
    assert!((bid - (b + 0.2)).abs() < 1e-6, "the bid moved all the same: {bid}");
    // The window passes: one message with both.
    w.clock.advance(Duration::from_secs(301));
    let sent = w.accounts_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let m = &sent[0].1;
    assert!(m.starts_with(&format!("#{order}: your bid moved 2 times in ")), "{m}");
    assert!(
        m.contains(&format!("↑{} ↑{}", usd(a + 0.2), usd(b + 0.2)))
            && m.contains(&format!("It is now {}", usd(b + 0.2))),
        "{m}"
    );
    assert!(w.accounts_tick().await.is_empty(), "told once");
}

/// Near the cap: one question with +10 % and +25 % buttons; pressing one asks to confirm,
/// Confirm raises the cap, and the next poll bids above the old one.
#[tokio::test]
async fn the_caps_question_raises_the_cap_by_a_confirmed_button() {
    let w = test_app().await;
    let mut ann = w.keyed("ann").await;
    let (srv, price, path) = quiet_3090(&w).await;
    let order = rent_spot(&mut ann, srv, price, "").await;
    let cap = ((price + 0.1) * 100.0).round() / 100.0;
    ann.line(&format!("/spotguard {order} max={cap} margin=0.2")).await;
    // Below our bid, but within the margin of the cap.
    control(&w.sim, &path, json!({ "competitor_bid_usd": ((price - 0.05) * 100.0).round() / 100.0 })).await;
    w.poll_cycle().await;
    let sent = w.deliver_alerts().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let buttons: Vec<_> = sent[0].1.buttons().cloned().collect();
    let labels: Vec<&str> = buttons.iter().map(|b| b.label.as_str()).collect();
    let short = |x: f64| clorebot::domain::format::per_day_short(x, Currency::Usd);
    assert_eq!(labels, [format!("Cap {} (+10 %)", short(cap * 1.1)), format!("Cap {} (+25 %)", short(cap * 1.25))]);
    let out = ann.press_token(&buttons[1].token).await;
    assert!(out.contains(&format!("from {} to {}", usd(cap), usd(cap * 1.25))), "{out}");
    let out = ann.line("/press 1").await;
    assert!(out.contains(&format!("now bids up to {}", usd(cap * 1.25))), "{out}");
    let sent = w.accounts_tick().await;
    let bid = w.sim_orders().await.into_iter().find(|o| o["id"] == json!(order)).unwrap()["price"].as_f64().unwrap();
    assert!(bid > cap && bid <= cap * 1.25 + 1e-9, "above the old cap, within the new: {bid} {sent:?}");
}

/// A raise whose answer is lost (`set_spot_price` handled, the connection dropped): the bid is
/// read back, found set, told once — and never raised twice.
#[tokio::test]
async fn a_guards_raise_with_a_lost_answer_is_read_back_and_not_repeated() {
    let w = test_app().await;
    let mut ann = w.keyed("ann").await;
    let (srv, price, path) = quiet_3090(&w).await;
    let order = rent_spot(&mut ann, srv, price, "").await;
    let waiting = ((price - 0.05) * 100.0).round() / 100.0;
    control(&w.sim, &path, json!({ "competitor_bid_usd": waiting })).await;
    ann.line(&format!("/spotguard {order} max={} margin=0.2", price + 1.0)).await;
    control(&w.sim, "/faults", json!({ "endpoint": "set_spot_price", "mode": "lost_reply" })).await;
    let sent = w.accounts_tick().await;
    let bid = w.sim_orders().await.into_iter().find(|o| o["id"] == json!(order)).unwrap()["price"].as_f64().unwrap();
    assert!((bid - (waiting + 0.2)).abs() < 1e-6, "raised once, to the waiting bid and the margin: {bid}");
    assert_eq!(sent.iter().filter(|(_, m)| m.contains("is waiting → yours is now")).count(), 1, "{sent:?}");
    assert!(w.accounts_tick().await.is_empty(), "nothing more to do");
    let raised: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'spotprice'")
        .fetch_one(&w.core.deps.pool)
        .await
        .unwrap();
    assert_eq!(raised, 1);
}

#[tokio::test]
async fn endpoints_ready_and_low_balance() {
    let w = quick_app().await;
    let mut ann = w.keyed("ann").await;
    control(&w.sim, "/config", json!({ "provision_secs": 120 })).await;
    let srv = free_of(&w.sim, "RTX 3090").await[0].0;
    ann.line(&format!("/rent #{srv}")).await;
    let out = ann.line("/press 1").await;
    assert!(out.contains("endpoints are being set up"), "{out}");
    assert!(w.accounts_tick().await.is_empty(), "not ready yet, not ending, balance fine");
    control(&w.sim, "/clock/advance", json!({ "seconds": 130 })).await;
    let sent = w.accounts_tick().await;
    assert!(sent.len() == 1 && sent[0].1.contains("is ready:") && sent[0].1.contains("ssh root@"), "{sent:?}");

    control(&w.sim, "/accounts", json!({ "key": KEY, "balances": { "USD-Blockchain": 0.01 } })).await;
    // Balances are asked at most every ten minutes: ten one-minute cycles after the first look.
    let (mut sent, mut cycles) = (Vec::new(), 0);
    while sent.is_empty() && cycles < 12 {
        sent = w.accounts_tick().await;
        cycles += 1;
    }
    assert_eq!(cycles, 9, "the wallets were last asked two cycles ago");
    assert!(
        sent.len() == 1 && sent[0].1.starts_with("Low USD balance: $0.0") && sent[0].1.contains(" covers about "),
        "{sent:?}"
    );
    assert!(w.accounts_tick().await.is_empty(), "once a day");
}

#[tokio::test]
async fn a_host_server_going_offline() {
    let w = test_app().await;
    w.keyed("hank").await;
    assert!(w.accounts_tick().await.is_empty(), "first sight is no change");
    let st = state(&w.sim).await;
    let acct = st["accounts"].as_array().unwrap().iter().find(|a| a["key"] == KEY).unwrap().clone();
    let online = acct["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .find(|id| st["servers"].as_array().unwrap().iter().any(|s| s["id"] == *id && s["online"] == true))
        .unwrap();
    control(&w.sim, &format!("/servers/{online}"), json!({ "online": false })).await;
    let sent = w.accounts_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].0 == "dm:hank" && sent[0].1.ends_with("went offline."), "{sent:?}");
    assert!(w.accounts_tick().await.is_empty());
    control(&w.sim, &format!("/servers/{online}"), json!({ "online": true })).await;
    let sent = w.accounts_tick().await;
    assert!(sent.len() == 1 && sent[0].1.ends_with("is back online."), "{sent:?}");
}

#[tokio::test]
async fn orders_made_elsewhere_are_followed_too() {
    let w = test_app().await;
    w.keyed("ann").await;
    let srv = free_of(&w.sim, "RTX 3070").await[0].0;
    control(&w.sim, &format!("/servers/{srv}"), json!({ "mrl_hours": 1 })).await;
    // Rented with the same key outside the bot (the web dashboard).
    let order = client(&w.sim)
        .create_order(
            &key(),
            &clorebot::clore::CreateOrder::on_demand(clorebot::clore::ServerId(srv), "ubuntu", Currency::Usd),
        )
        .await
        .unwrap()
        .order
        .unwrap();
    let sent = w.accounts_tick().await;
    assert!(sent.is_empty(), "discovered quietly: {sent:?}");
    let sent = w.accounts_tick().await;
    assert!(sent.len() == 1 && sent[0].1.starts_with(&format!("Order {} on #{srv} ends in", order.id)), "{sent:?}");
}

#[tokio::test]
async fn one_accounts_trouble_does_not_stop_the_others() {
    let w = test_app().await;
    // Bob's key was revoked at Clore after he stored it.
    w.store_key_with("bob", "revoked-key-0000000000").await;
    let mut ann = w.keyed("ann").await;
    let srv = free_of(&w.sim, "RTX 3060").await[0].0;
    control(&w.sim, &format!("/servers/{srv}"), json!({ "mrl_hours": 1 })).await;
    ann.line(&format!("/rent #{srv}")).await;
    assert!(ann.line("/press 1").await.contains("is running"));
    let report = w.poll_cycle().await;
    assert_eq!(report.users, 2);
    let sent = w.deliver().await;
    assert!(sent.len() == 1 && sent[0].0 == "dm:ann" && sent[0].1.contains("ends in"), "{sent:?}");
}

#[tokio::test]
async fn a_crash_between_outbox_and_delivery_loses_and_repeats_nothing() {
    let w = test_app().await;
    let mut ann = w.session("ann", None);
    let (max, srv) = watch_below_market(&w, &mut ann, "RTX 4090", "").await;
    w.set_price(srv, max * 0.9).await;
    w.engine.poll_market().await.unwrap();
    // A notifier claims the alert and dies before sending (never marked).
    let lease = Duration::from_secs(60);
    let claimed = outbox::claim(&w.core.deps.pool, Platform::Console, 10, lease).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(w.deliver().await.is_empty(), "still leased to the dead notifier");
    // The lease runs out (it is kept in the database, which is told that it went by).
    outbox_ages(&w.core.deps.pool, lease + Duration::from_secs(1)).await;
    // After a restart it is delivered, once.
    let sent = w.deliver().await;
    assert_eq!(sent.len(), 1);
    assert!(w.deliver().await.is_empty());
    assert_eq!(outbox::pending_count(&w.core.deps.pool).await.unwrap(), 0);
}

#[tokio::test]
async fn two_engines_on_one_database_deliver_every_alert_once() {
    // A quicker Clore: the market is polled as often as the engines are set to (production
    // spacing would hold market calls to one a second).
    let w = quick_app().await;
    let mut ann = w.session("ann", None);
    let (max, _) = watch_below_market(&w, &mut ann, "RTX 4090", "").await;
    let cfg = EngineConfig {
        market_poll: Duration::from_millis(150),
        orders_poll: Duration::from_secs(3600),
        leader_retry: Duration::from_millis(100),
        ..EngineConfig::default()
    };
    let a = Arc::new(Engine::new(w.core.deps.clone(), cfg.clone()));
    let b = Arc::new(Engine::new(w.core.deps.clone(), cfg));
    // Market rounds, counted: each round starts with a look at the probe.
    let rounds = Events::default();
    let started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for e in [&a, &b] {
        let (rounds, started) = (rounds.clone(), started.clone());
        let probe: clorebot::alerts::PollProbe = Arc::new(move |poller: &str| {
            if poller == "market" {
                started.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                rounds.signal();
            }
        });
        assert!(e.probe.set(probe).is_ok());
    }
    let (ra, rb) = (Recorder::default(), Recorder::default());
    let stop = tokio_util::sync::CancellationToken::new();
    let tasks = [
        tokio::spawn(a.run_pollers(stop.clone())),
        tokio::spawn(b.run_pollers(stop.clone())),
        tokio::spawn(deliver::run(w.core.deps.pool.clone(), ra.clone(), Duration::from_millis(50), stop.clone())),
        tokio::spawn(deliver::run(w.core.deps.pool.clone(), rb.clone(), Duration::from_millis(50), stop.clone())),
    ];
    // Three servers drop under the max, one at a time: each once the last one's alert is out.
    let movers: Vec<u64> = free_of(&w.sim, "RTX 4090").await.iter().rev().take(3).map(|s| s.0).collect();
    let mut all = Vec::new();
    for id in &movers {
        w.set_price(*id, max * 0.9).await;
        wait_for(&format!("the alert for #{id}"), WAIT, on(&ra.events).and(&rb.events), async || {
            all.extend(ra.take());
            all.extend(rb.take());
            all.iter().any(|(_, t)| t.contains(&format!("#{id} ")))
        })
        .await;
    }
    // Two whole market rounds more (a third one starts), and every alert owed delivered: any
    // second alert of the same drop would have been made and sent by then.
    let mark = started.load(std::sync::atomic::Ordering::SeqCst);
    wait_for("two more market rounds", WAIT, on(&rounds), async || {
        started.load(std::sync::atomic::Ordering::SeqCst) >= mark + 3
    })
    .await;
    let owed = async || -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
            .fetch_one(&w.core.deps.pool)
            .await
            .unwrap()
    };
    // Delivery marks a row after the send: the database is looked at again every RECHECK too.
    wait_for("every alert delivered", WAIT, on(&ra.events).and(&rb.events).or_every(RECHECK), async || {
        owed().await == 0
    })
    .await;
    stop.cancel();
    for t in tasks {
        t.await.unwrap();
    }
    all.extend(ra.take());
    all.extend(rb.take());
    for id in &movers {
        let n = all.iter().filter(|(_, t)| t.contains(&format!("#{id} "))).count();
        assert_eq!(n, 1, "server {id} alerted {n} times: {all:?}");
    }
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox").fetch_one(&w.core.deps.pool).await.unwrap();
    assert_eq!(rows as usize, all.len(), "every alert delivered exactly once");
}

#[tokio::test]
async fn auto_rent_rents_the_cheapest_match_and_stops() {
    let w = test_app().await;
    let (_cat, free, max) = w.autorent_3060("cat", |_| String::new()).await;
    assert!(w.market_tick().await.is_empty(), "nothing under the max yet");
    let (a, b) = (free[free.len() - 1].0, free[free.len() - 2].0);
    w.set_price(a, max * 0.95).await;
    w.set_price(b, max * 0.9).await;
    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].1.contains(&format!("rented #{b} ")) && sent[0].1.contains("ssh root@"), "{sent:?}");
    assert!(sent[0].1.contains("The watch is now off"), "{sent:?}");
    let orders = state(&w.sim).await["orders"].as_array().unwrap().clone();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["server_id"], b);
    let audit: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE action = 'autorent'")
        .fetch_all(&w.core.deps.pool)
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    // The watch is off: more matches rent nothing.
    w.set_price(free[free.len() - 3].0, max * 0.5).await;
    assert!(w.market_tick().await.is_empty());
    assert_eq!(state(&w.sim).await["orders"].as_array().unwrap().len(), 1);
}

/// An auto-rent watch on spot prices with `guard=`: the order it makes is guarded from the
/// start, with the watch's cap and margin.
#[tokio::test]
async fn a_spot_auto_rent_with_guard_guards_what_it_rents() {
    let w = test_app().await;
    let mut cat = w.keyed("cat").await;
    cat.line(&format!("/settings sshkey=\"{SSH_KEY}\"")).await;
    let out = cat.line("/watch 3060 spot max=40 autorent guard=45 margin=0.5 rebid").await;
    assert!(out.contains(&format!("guard: cap {}, margin $0.50, rents again if outbid", usd(45.0))), "{out}");
    cat.line("/press 1").await;
    let sent = w.market_tick().await;
    assert!(sent.len() == 1 && sent[0].1.contains("rented #"), "{sent:?}");
    let orders = w.sim_orders().await;
    assert!(orders.len() == 1 && orders[0]["spot"] == json!(true), "{orders:?}");
    let out = cat.line("/orders").await;
    assert!(out.contains(&format!("guard: cap {}, margin $0.50, rents again if outbid", usd(45.0))), "{out}");
}

/// Issue 25: a saved key that is no key (stored before keys were checked down to the key)
/// makes an auto-rent refuse, saying why, instead of failing inside.
#[tokio::test]
async fn auto_rent_with_a_saved_key_that_is_no_key_refuses_and_says_why() {
    let w = test_app().await;
    let (_cat, free, max) = w.autorent_3060("cat", |_| String::new()).await;
    sqlx::query("UPDATE users SET ssh_key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAAA== cat@laptop'")
        .execute(&w.core.deps.pool)
        .await
        .unwrap();
    let b = free[free.len() - 1].0;
    w.set_price(b, max * 0.9).await;
    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].1.contains(&format!("#{b} matches at"))
            && sent[0].1.contains(
                "but your saved SSH key has an ssh-ed25519 key body that does not hold exactly one 32-byte key"
            ),
        "{sent:?}"
    );
    assert!(w.sim_orders().await.is_empty());
}

#[tokio::test]
async fn one_marketplace_call_per_poll_however_many_watches() {
    let w = test_app().await;
    let owner = users::upsert_user(&w.core.deps.pool, Platform::Console, "many", "many").await.unwrap();
    let chat =
        users::upsert_chat(&w.core.deps.pool, Platform::Console, "dm:many", clorebot::domain::ChatKind::Dm, None, "")
            .await
            .unwrap();
    let calls = || async { state(&w.sim).await["calls"]["marketplace"].as_u64().unwrap_or(0) };
    // A few kinds of watch, all under any real price, so polls evaluate them and fire none.
    let kinds = ["4090 max=0.001", "a100 x2 max=0.002", "3090 cc in [DE,NL] <0.001"];
    let mut made = 0i64;
    for target in [1i64, 1_000, 100_000] {
        sqlx::query(
            "INSERT INTO watches (owner_id, chat_id, query, max_price)
             SELECT $1, $2, ($3::text[])[1 + i % 3], 0.001 FROM generate_series($4::int8, $5::int8 - 1) AS i",
        )
        .bind(owner.id)
        .bind(chat.id)
        .bind(kinds)
        .bind(made)
        .bind(target)
        .execute(&w.core.deps.pool)
        .await
        .unwrap();
        made = target;
        let before = calls().await;
        let r = w.engine.poll_market().await.unwrap();
        assert_eq!(r.watches as i64, target);
        assert_eq!(r.alerts, 0);
        assert_eq!(calls().await - before, 1, "{target} watches, one marketplace call");
    }
}

/// The id of the newest watch.
async fn newest_watch(w: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT max(id) FROM watches").fetch_one(&w.core.deps.pool).await.unwrap()
}

#[tokio::test]
async fn a_watch_loads_back_from_its_text_as_it_was_created() {
    use clorebot::alerts::market_poll::{compile, load_active};
    use clorebot::core::command::{Command, parse};
    use clorebot::domain::WatchId;
    use clorebot::store::watches;

    let w = test_app().await;
    let mut sessions = [w.session("ann", None), w.session("cat", None), w.session("bob", Some("ml-team"))];
    let (ann, cat, team) = (0, 1, 2);
    sessions[cat].line("/settings currency=clore").await;
    // (who, what was typed, the currency its prices are in: its own, else the owner's)
    let cases = [
        (ann, "/watch 4090 max=4 cc in [DE,NL] x2", Currency::Usd),
        (ann, "/watch cc once in [DE, NL] 4090 <4 cooldown=10m", Currency::Usd),
        (ann, "/watch \"rtx 3090\" currency=clore <40 spot", Currency::Clore),
        (ann, "/watch a100 spot ram >= 64 sort=-gpus, price all", Currency::Usd),
        (ann, "/watch \"rtx\t3090\" x2 reliability>=95% cuda>=12.4", Currency::Usd),
        (cat, "/watch 4090 max=30 cc != CN", Currency::Clore),
        (cat, "/watch h100 currency=usd <3 spot", Currency::Usd),
        (team, "/watch a100 x2 here mrl>=24", Currency::Usd),
    ];
    let mut made = Vec::new();
    for (who, line, currency) in cases {
        let out = sessions[who].line(line).await;
        let Ok(Command::Watch(args)) = parse(line) else { panic!("{line}") };
        let mut created = args.query;
        created.set_currency(currency);
        let row = watches::get(&w.core.deps.pool, WatchId(newest_watch(&w).await)).await.unwrap().unwrap();
        let loaded = compile(&row).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(loaded.query, created, "{line} (stored as {:?})", row.query);
        assert_eq!(loaded.currency, currency, "{line}");
        assert!(out.contains(&loaded.query.describe()), "{line}: the reply described {out}");
        made.push(row.id);
    }
    // An auto-rent watch is confirmed by a button, its plan held in between.
    let (_dee, _, max) = w.autorent_3060("dee", |_| "max_orders=2".into()).await;
    let row = watches::get(&w.core.deps.pool, WatchId(newest_watch(&w).await)).await.unwrap().unwrap();
    assert_eq!(row.query, format!("3060 max={max}"));
    let mut created = clorebot::market::Query::parse(&format!("3060 max={max}")).unwrap();
    created.set_currency(Currency::Usd);
    assert_eq!(compile(&row).unwrap().query, created);
    made.push(row.id);

    let loaded: Vec<_> = load_active(&w.core.deps.pool).await.unwrap().into_iter().map(|(row, _)| row.id).collect();
    assert_eq!(loaded, made, "every watch loads, none broken");
}

#[tokio::test]
async fn a_watch_whose_text_no_longer_parses_is_turned_off_and_its_owner_told_once() {
    let w = test_app().await;
    let mut ann = w.session("ann", None);
    let (max, srv) = watch_below_market(&w, &mut ann, "RTX 4090", "").await;
    watch_below_market(&w, &mut ann, "RTX 3090", "").await;
    let mut team = w.session("bob", Some("ml-team"));
    let (team_max, team_srv) = watch_below_market(&w, &mut team, "RTX 3080", "here").await;
    watch_below_market(&w, &mut team, "RTX 3070", "here").await;
    // A later parser no longer reads what watches #2 and #4 say.
    for (id, text) in [(2, "3090 frobnicate=1"), (4, "3070 \"x2")] {
        sqlx::query("UPDATE watches SET query = $2 WHERE id = $1")
            .bind(id)
            .bind(text)
            .execute(&w.core.deps.pool)
            .await
            .unwrap();
    }
    w.set_price(srv, max * 0.9).await;
    w.set_price(team_srv, team_max * 0.9).await;

    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 4, "{sent:#?}");
    let about = |prefix: &str| -> Vec<(String, String)> {
        sent.iter().filter(|(_, text)| text.starts_with(prefix)).cloned().collect()
    };
    assert_eq!(
        about("Watch #2 "),
        [(
            "dm:ann".to_owned(),
            "Watch #2 (3090 frobnicate=1) is broken and now off: I no longer understand `frobnicate=1`: unknown \
             field `frobnicate`; fields are gpus, price, ram, vram, cpus, down, up, cc, reliability, rating, mrl, \
             cuda, and settings max, currency, sort, limit.\nIt will not alert again. To keep watching, create it \
             again with /watch and a query that works today (see /help watch), then remove this one with /unwatch 2."
                .to_owned()
        )]
    );
    // A team watch's owner is told privately.
    let team_notice = about("Watch #4 ");
    assert_eq!(team_notice.len(), 1, "{sent:#?}");
    assert_eq!(team_notice[0].0, "dm:bob");
    assert!(
        team_notice[0].1.starts_with(
            "Watch #4 (3070 \"x2) is broken and now off: I no longer understand `\"x2`: the quote is never closed.\n"
        ),
        "{sent:#?}"
    );
    // The other watches fire as ever.
    let fired = about("Watch #1 (4090 max=");
    assert!(fired.len() == 1 && fired[0].0 == "dm:ann" && fired[0].1.contains(&format!("#{srv} ")), "{sent:#?}");
    let fired = about("Watch #3 (3080 max=");
    assert!(fired.len() == 1 && fired[0].0 == "group:ml-team", "{sent:#?}");

    // Said once: not at the next poll, nor when the watch set changes and loads again, nor
    // after a restart.
    assert!(w.market_tick().await.is_empty());
    ann.line("/watch h100 max=0.001").await;
    assert!(w.market_tick().await.is_empty());
    let restarted = Engine::new(w.core.deps.clone(), EngineConfig::default());
    assert_eq!(restarted.poll_market().await.unwrap().watches, 3);
    assert!(w.deliver().await.is_empty());
    let notices: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE dedup_key LIKE 'watch-broken:%'")
        .fetch_one(&w.core.deps.pool)
        .await
        .unwrap();
    assert_eq!(notices, 2);

    // Its owner sees it broken, and why, and can delete it.
    let listed = ann.line("/watches").await;
    assert!(
        listed.contains(
            "#2 · 3090 frobnicate=1 · broken, off: I no longer understand `frobnicate=1`: unknown field `frobnicate`;"
        ),
        "{listed}"
    );
    assert!(listed.contains("#1 · 4090 max="), "{listed}");
    assert!(!listed.lines().any(|l| l.starts_with("#1 ") && l.contains("broken")), "{listed}");
    assert!(team.line("/watches").await.contains("#4 · 3070 \"x2 · broken, off: I no longer understand"));
    assert_eq!(ann.line("/unwatch 2").await, "Watch #2 (3090 frobnicate=1) is deleted.");
    assert!(!ann.line("/watches").await.contains("#2 "));
}

#[tokio::test]
async fn a_team_watch_made_in_a_topic_alerts_into_that_topic() {
    let w = test_app().await;
    let mut in_topic = clorebot::frontends::console::caller(&w.core, "bob", Some("ml-team"));
    in_topic.chat.thread_id = Some("17".into());
    let mut team = Session::new(&w.core, in_topic);
    let (max, srv) = watch_below_market(&w, &mut team, "RTX 3090", "here").await;
    w.set_price(srv, max * 0.9).await;
    w.engine.poll_market().await.unwrap();
    let targets: Vec<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT target_chat_id, target_thread_id FROM outbox")
            .fetch_all(&w.core.deps.pool)
            .await
            .unwrap();
    assert_eq!(targets, [(Some("group:ml-team".to_owned()), Some("17".to_owned()))]);

    // Bob has never written to the bot privately: a private alert to him is queued to him,
    // and the platform's notifier opens the private chat when it sends.
    let bob = users::find_user(&w.core.deps.pool, Platform::Console, "bob").await.unwrap().unwrap();
    assert_eq!(bob.dm_chat_id, None);
    let mut tx = w.core.deps.pool.begin().await.unwrap();
    let reply = clorebot::core::Reply::text("Your order ends in 30 minutes.");
    clorebot::alerts::enqueue_private(&mut tx, &bob, "test:bob", reply, clorebot::alerts::Urgency::Urgent)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let row: (Option<String>, Option<String>) =
        sqlx::query_as("SELECT target_chat_id, target_thread_id FROM outbox WHERE dedup_key = 'test:bob'")
            .fetch_one(&w.core.deps.pool)
            .await
            .unwrap();
    assert_eq!(row, (None, None));
    let sent = w.deliver().await;
    assert!(sent.contains(&("dm:bob".to_owned(), "Your order ends in 30 minutes.".to_owned())), "{sent:?}");
}

/// Two processes deliver a platform's alerts: only the one holding the lock sends; when it
/// stops, the other takes over and sends the rest, each alert once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_process_at_a_time_sends_a_platforms_alerts() {
    use tokio_util::sync::CancellationToken;
    const LOCK: i64 = 0x7465_7374_6c6b;
    let t = test_app().await;
    let pool = t.core.deps.pool.clone();
    let enqueue = |from: usize, to: usize| {
        let pool = pool.clone();
        async move {
            for i in from..to {
                let a = outbox::NewAlert {
                    urgent: true,
                    hold: Default::default(),
                    part: None,
                    dedup_key: format!("elected:{i}"),
                    platform: Platform::Console,
                    target_chat_id: Some(format!("chat-{}", i % 3)),
                    target_thread_id: None,
                    target_user: None,
                    payload: serde_json::to_value(clorebot::core::Reply::text(format!("alert {i}"))).unwrap(),
                };
                outbox::enqueue(&pool, &a).await.unwrap();
            }
        }
    };
    let (a, b) = (Recorder::default(), Recorder::default());
    // Delivery marks a row after its send: woken by the sends, and every RECHECK.
    let delivered = async |pool: &sqlx::PgPool| {
        wait_for("every alert delivered", WAIT, on(&a.events).and(&b.events).or_every(RECHECK), async || {
            let owed: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
                .fetch_one(pool)
                .await
                .unwrap();
            owed == 0
        })
        .await
    };
    let (stop_a, stop_b) = (CancellationToken::new(), CancellationToken::new());
    let round = Duration::from_millis(100);
    let first = tokio::spawn(deliver::run_elected(pool.clone(), a.clone(), round, LOCK, stop_a.clone()));
    // The first holds the lock before the second starts (a granted advisory lock is a row of
    // pg_locks: looked at again every RECHECK).
    wait_for("the first process to hold the lock", WAIT, every(RECHECK), async || {
        let held: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND ((classid::int8 << 32) | objid::int8) = $1 AND objsubid = 1",
        )
        .bind(LOCK)
        .fetch_one(&pool)
        .await
        .unwrap();
        held == 1
    })
    .await;
    let second = tokio::spawn(deliver::run_elected(pool.clone(), b.clone(), round, LOCK, stop_b.clone()));
    enqueue(0, 6).await;
    delivered(&pool).await;
    assert_eq!((a.take().len(), b.take().len()), (6, 0), "only the chosen process sends");

    stop_a.cancel();
    first.await.unwrap();
    enqueue(6, 9).await;
    delivered(&pool).await;
    let (sent_a, sent_b) = (a.take(), b.take());
    assert!(sent_a.is_empty());
    let mut texts: Vec<String> = sent_b.into_iter().map(|(_, t)| t).collect();
    texts.sort();
    assert_eq!(texts, ["alert 6", "alert 7", "alert 8"], "the other took over, each alert once");
    stop_b.cancel();
    second.await.unwrap();
}
