//! End-to-end console sessions: the real core against the simulator and a real Postgres,
//! asserting what a user sees.

mod common;

use std::sync::Arc;

use clorebot::core::CoreConfig;
use clorebot::domain::Platform;
use clorebot::frontends::console::caller;
use clorebot::store::crypto::SecretKind;
use clorebot::store::{secrets, users};
use common::*;
use serde_json::json;

async fn bot() -> TestApp {
    test_app().await
}

async fn bot_with(cfg: CoreConfig) -> TestApp {
    test_app_on(start_sim(200).await, |c| c.core = cfg).await
}

/// Server ids of listing lines (`#123  1× RTX 4090  $0.45/day …`).
fn listed(out: &str) -> Vec<u64> {
    out.lines().filter_map(|l| l.strip_prefix('#')?.split_whitespace().next()?.parse().ok()).collect()
}

/// The first `$x/day` amount on each listing line.
fn prices(out: &str) -> Vec<f64> {
    out.lines()
        .filter(|l| l.starts_with('#'))
        .filter_map(|l| l.split('$').nth(1)?.split('/').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn gpus_filters_sorts_and_pages_without_a_key() {
    let bot = bot().await;
    let mut s = bot.session("ann", None);
    let out = s.line("/gpus 4090").await;
    assert!(out.contains("— 4090 — on demand, USD per day"), "{out}");
    let ids = listed(&out);
    assert!(!ids.is_empty() && ids.len() <= 8, "{out}");
    for l in out.lines().filter(|l| l.starts_with('#')) {
        assert!(l.contains("× RTX 4090 ") && l.ends_with("free"), "{l}");
    }
    let p = prices(&out);
    assert!(p.windows(2).all(|w| w[0] <= w[1]), "sorted by price: {p:?}");
    assert!(out.contains("[1] Rent #"), "{out}");

    // Descending by GPU count, at least two GPUs, a price cap (under the big datacenter
    // rigs), countries.
    let out = s.line("/gpus x2 <30 sort=-gpus cc in [DE, US, NL, PL] limit=50").await;
    let counts: Vec<u32> = out
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| l.split_whitespace().nth(1).unwrap().trim_end_matches('×').parse().unwrap())
        .collect();
    assert!(!counts.is_empty(), "{out}");
    assert!(counts.iter().all(|c| *c >= 2) && counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert!(prices(&out).iter().all(|p| *p < 30.0));
    for l in out.lines().filter(|l| l.starts_with('#')) {
        assert!(["DE", "US", "NL", "PL"].iter().any(|c| l.contains(&format!("  {c}  "))), "{l}");
    }

    // Paging: Next shows the following rows, none repeated.
    let first = s.line("/gpus").await;
    let next_button = s.buttons().iter().position(|b| b.label.starts_with("Next")).unwrap() + 1;
    let second = s.line(&format!("/press {next_button}")).await;
    assert!(second.contains("page 2/"), "{second}");
    let (a, b) = (listed(&first), listed(&second));
    assert!(a.iter().all(|x| !b.contains(x)));
    assert!(prices(&first).last().unwrap() <= prices(&second).first().unwrap());

    // Terms not understood are named.
    let out = s.line("/gpus 4090 colour=red").await;
    assert!(out.contains("`colour=red`") && out.contains("unknown field"), "{out}");
    let out = s.line("/gpus ram>=lots").await;
    assert!(out.contains("`ram>=lots`"), "{out}");
    let out = s.line("/gpus nosuchgpu").await;
    assert!(out.starts_with("No servers match"), "{out}");
}

#[tokio::test]
async fn rent_confirm_once_then_orders_show_ssh() {
    let bot = bot().await;
    let mut s = bot.keyed("ann").await;
    let (id, price) = free_of(&bot.sim, "RTX 4090").await[0];
    // `/rent 4090` reads as a model and picks the cheapest free one.
    let out = s.line("/rent 4090").await;
    assert!(out.contains(&format!("Rent server #{id}?")), "{out}");
    assert!(out.contains(&clorebot::domain::format::per_day(price, clorebot::clore::Currency::Usd)), "{out}");
    assert!(out.ends_with("[1] Confirm  [2] Abort"), "{out}");

    let out = s.line("/press 1").await;
    assert!(out.contains("is running on #") && out.contains("ssh root@"), "{out}");
    assert!(out.contains("SSH password for order") && out.contains("Shown only this once"), "{out}");
    // The same Confirm again: nothing more happens.
    let again = s.line("/press 1").await;
    assert_eq!(again, "💬 This was already done.", "a toast, to the presser alone");
    assert_eq!(bot.sim_orders().await.len(), 1, "exactly one order");

    // The listing no longer offers the server just rented.
    let out = s.line("/gpus 4090 limit=50").await;
    assert!(!listed(&out).contains(&id), "{out}");
    let out = s.line("/orders").await;
    assert!(out.starts_with("1 active order"), "{out}");
    assert!(out.contains(&format!("#{id}")) && out.contains("left") && out.contains("    ssh root@"), "{out}");

    // Abort leaves everything as it was; a Confirm pressed after Abort does nothing.
    let (other, _) = free_of(&bot.sim, "RTX 3090").await[0];
    s.line(&format!("/rent #{other}")).await;
    let out = s.line("/press 2").await;
    assert_eq!(out, format!("✎ Aborted: renting #{other}. Nothing was done."), "the confirmation turns into it");
    assert_eq!(bot.sim_orders().await.len(), 1);
}

#[tokio::test]
async fn a_price_raised_before_confirm_is_refused_and_nothing_is_rented() {
    let bot = bot().await;
    let mut s = bot.keyed("ann").await;
    let (id, price) = free_of(&bot.sim, "RTX 3090").await[0];
    let out = s.line(&format!("/rent #{id}")).await;
    assert!(out.contains(&format!("Rent server #{id}?")), "{out}");
    control(&bot.sim, &format!("/servers/{id}"), json!({ "price_usd": price * 2.0 })).await;
    let out = s.line("/press 1").await;
    assert!(out.contains(&format!("The price of #{id} changed since it was shown")), "{out}");
    assert!(out.contains("No order was made"), "{out}");
    let usd = clorebot::clore::Currency::Usd;
    assert!(out.contains(&clorebot::domain::format::per_day(price * 2.0, usd)), "new price shown: {out}");
    assert!(bot.sim_orders().await.is_empty());
}

#[tokio::test]
async fn cancel_with_an_issue() {
    let bot = bot().await;
    let mut s = bot.keyed("ann").await;
    let (id, _) = free_of(&bot.sim, "RTX 3060").await[0];
    s.line(&format!("/rent #{id}")).await;
    let out = s.line("/press 1").await;
    let order: u64 = out.split("Order ").nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();

    let out = s.line("/cancel 999999").await;
    assert!(out.contains("no active order 999999"), "{out}");
    let out = s.line(&format!("/cancel {order} fans are very loud")).await;
    assert!(
        out.contains(&format!("Cancel order {order}?"))
            && out.contains("Reported issue (18 characters): fans are very loud"),
        "{out}"
    );
    let out = s.line("/press 1").await;
    assert_eq!(out, format!("✎ Order {order} is cancelled and the issue reported."));
    let out = s.line("/orders").await;
    assert!(out.starts_with("You have no active orders"), "{out}");
    let out = s.line("/orders all").await;
    assert!(out.contains(&format!("Order {order}")) && out.contains("ended"), "{out}");
}

/// `/cancel all` and `/cancel <id> <id>…`: one confirmation listing every order with what it
/// cost, then each order's outcome — a refusal or an unclear answer is named by order and
/// never turns the rest into all or nothing.
#[tokio::test]
async fn several_orders_are_cancelled_with_one_confirmation_and_each_outcome_is_told() {
    let bot = bot().await;
    let mut s = bot.keyed("ann").await;
    let mut orders = Vec::new();
    for (id, _) in free_of(&bot.sim, "RTX 3060").await.into_iter().take(4) {
        s.line(&format!("/rent #{id}")).await;
        let out = s.line("/press 1").await;
        orders.push(out.split("Order ").nth(1).unwrap().split_whitespace().next().unwrap().to_owned());
    }
    let out = s.line(&format!("/cancel {} 999999", orders[0])).await;
    assert_eq!(out, "Order 999999 is not among your running orders; nothing was cancelled. /orders lists them.");
    let out = s.line(&format!("/cancel {}, {}", orders[0], orders[1])).await;
    assert!(out.starts_with("Cancel these 2 orders?"), "{out}");
    assert!(out.contains(&format!("Order {}", orders[0])) && out.contains(&format!("Order {}", orders[1])), "{out}");
    assert!(!out.contains(&format!("Order {}", orders[2])), "{out}");
    assert!(out.contains("Together: $") && out.contains("spent so far $"), "{out}");
    let out = s.line("/press 1").await;
    assert_eq!(
        out,
        format!("✎ All 2 orders are cancelled.\nOrder {}: cancelled.\nOrder {}: cancelled.", orders[0], orders[1])
    );

    // The second cancel is refused, the third gets no answer: each is told as it was.
    let out = s.line("/cancel all").await;
    assert!(out.starts_with("Cancel these 2 orders?"), "{out}");
    control(&bot.sim, "/faults", json!({ "endpoint": "cancel_order", "mode": "http500", "count": 100 })).await;
    let out = s.line("/press 1").await;
    assert!(out.starts_with("✎ 0 of 2 orders cancelled:"), "{out}");
    for o in &orders[2..] {
        assert!(out.contains(&format!("Order {o}: not confirmed")), "{out}");
    }
    assert!(out.contains("It may be cancelled; /orders shows whether it still runs."), "{out}");
    reqwest::Client::new().delete(format!("{}/faults", bot.sim.control_url())).send().await.unwrap();
    control(&bot.sim, "/faults", json!({ "endpoint": "cancel_order", "mode": "code", "code": 2, "after": 1 })).await;
    s.line("/cancel all").await;
    let out = s.line("/press 1").await;
    assert!(out.starts_with("✎ 1 of 2 orders cancelled:"), "{out}");
    assert!(out.contains(&format!("Order {}: cancelled.", orders[2])), "{out}");
    assert!(out.contains(&format!("Order {}: Clore says it is not active any more.", orders[3])), "{out}");
    let out = s.line("/cancel all").await;
    assert!(out.starts_with("Cancel this order?") && out.contains(&format!("Order {}", orders[3])), "{out}");
}

/// `/server`'s spot market line gives the winning bid in the reader's currency: each offer's
/// bid is in its own currency (the offer names it, as the live API does) and is converted
/// through the answer's rates. It was the raw amount under the reader's symbol.
#[tokio::test]
async fn the_spot_market_line_shows_the_winning_bid_in_the_readers_currency() {
    use clorebot::clore::Currency;
    use clorebot::domain::format::money;
    let bot = bot().await;
    let mut ann = bot.keyed("ann").await;
    let (id, price) = free_of(&bot.sim, "RTX 3090").await[0];
    ann.line(&format!("/rent #{id} spot={price}")).await;
    assert!(ann.line("/press 1").await.contains("is running on #"));
    let mut bob = bot.keyed("bob").await;
    let out = bob.line(&format!("/server {id}")).await;
    assert!(out.contains(&format!("highest {}", money(price, Currency::Usd))), "{out}");
    bob.line("/settings currency=clore").await;
    let out = bob.line(&format!("/server {id}")).await;
    assert!(out.contains(&format!("highest {}", money(price / 0.02, Currency::Clore))), "{out}");
}

/// `/spotguard`: set on a running spot order of one's own (the cap at or above the bid, within
/// the slip-of-the-finger rule), shown by `/orders`, and turned off; refused on an on-demand
/// order and on someone else's. (What the guard does on each poll is the engine's.)
#[tokio::test]
async fn a_spot_guard_is_set_shown_and_stopped() {
    let bot = bot().await;
    let mut ann = bot.keyed("ann").await;
    let (id, price) = free_of(&bot.sim, "RTX 3090").await[0];
    ann.line(&format!("/rent #{id} spot={price}")).await;
    let out = ann.line("/press 1").await;
    let order: u64 = out.split("Order ").nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();
    let usd = |p: f64| clorebot::domain::format::per_day(p, clorebot::clore::Currency::Usd);

    let out = ann.line(&format!("/spotguard {order} max={}", price / 2.0)).await;
    assert!(out.contains("already bids") && out.contains("above the cap"), "{out}");
    let out = ann.line(&format!("/spotguard {order} max={} margin=0.1 rebid", price * 1.5)).await;
    assert!(out.starts_with(&format!("Order {order} is guarded")) && out.contains(&usd(price * 1.5)), "{out}");
    assert!(out.contains("I rent again within the cap"), "{out}");
    let out = ann.line("/orders").await;
    assert!(out.contains(&format!("guard: cap {}, margin $0.10, rents again if outbid", usd(price * 1.5))), "{out}");

    // Bob has a Clore account of his own.
    let bobs = "bobs-key-0123456789abcdef0123456";
    control(&bot.sim, "/accounts", json!({ "key": bobs, "host": false })).await;
    bot.store_key_with("bob", bobs).await;
    let mut bob = bot.session("bob", None);
    let out = bob.line(&format!("/spotguard {order} max=9")).await;
    assert!(out.contains(&format!("no active order {order}")), "{out}");
    let (other, _) = free_of(&bot.sim, "RTX 3060").await[0];
    bob.line(&format!("/rent #{other}")).await;
    let out = bob.line("/press 1").await;
    let on_demand: u64 = out.split("Order ").nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();
    let out = bob.line(&format!("/spotguard {on_demand} max=9")).await;
    assert!(out.contains("on demand"), "{out}");

    assert_eq!(
        ann.line(&format!("/spotguard {order} off")).await,
        format!("Order {order} is no longer guarded; its bid stays as it is.")
    );
    assert!(!ann.line("/orders").await.contains("guard:"));
}

#[tokio::test]
async fn spot_price_rules_are_explained_with_their_numbers() {
    let bot = bot().await;
    let mut s = bot.keyed("ann").await;
    let m = client(&bot.sim).marketplace(None).await.unwrap();
    let usd = clorebot::clore::Currency::Usd;
    let srv = m.servers.iter().find(|x| !x.rented && x.spot(usd).is_some() && x.accepts(usd)).unwrap();
    let bid = (srv.spot(usd).unwrap() * 2.0 * 1000.0).round() / 1000.0;
    let out = s.line(&format!("/rent #{} spot={bid}", srv.id)).await;
    assert!(out.contains("Spot bid:") && out.contains("until someone outbids you"), "{out}");
    let out = s.line("/press 1").await;
    assert!(out.contains("(spot bid)"), "{out}");
    let order: u64 = out.split("Order ").nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();

    // Too far down at once: the lowest allowed bid is named.
    let out = s.line(&format!("/spotprice {order} {}", (bid * 0.6 * 1000.0).round() / 1000.0)).await;
    assert!(out.contains("the lowest you can set now is $"), "{out}");
    let lowest: f64 = out.split("now is $").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();
    assert!(lowest < bid && lowest > bid * 0.6, "{lowest}");
    // One step down is fine; a second within 10 minutes is not, and the wait is named.
    let step = (bid * 0.9 * 1000.0).round() / 1000.0;
    let out = s.line(&format!("/spotprice {order} {step}")).await;
    assert!(out.starts_with(&format!("Order {order} now bids $")), "{out}");
    let out = s.line(&format!("/spotprice {order} {}", (step * 0.9 * 1000.0).round() / 1000.0)).await;
    assert!(out.contains("once every 10 minutes; you can lower this one again in"), "{out}");
    assert!(out.contains('m'), "a wait in minutes: {out}");

    // Issue 25: a raise past 10× the on-demand price is refused with both prices, as
    // `/rent spot=` refuses it, and the bid stays as it was.
    let od = srv.on_demand(usd).unwrap();
    let huge = (od * 20.0 * 1000.0).round() / 1000.0;
    let out = s.line(&format!("/spotprice {order} {huge}")).await;
    assert!(
        out.contains("is more than 10× the on-demand price of #") && out.contains("the bid was not changed"),
        "{out}"
    );
    let out = s.line(&format!("/spotprice {order} 1e300")).await;
    assert!(out.contains("the bid was not changed"), "{out}");
    let orders = client(&bot.sim).my_orders(&clorebot::clore::ApiKey::parse(KEY).unwrap(), false).await.unwrap();
    let price = orders.orders.iter().find(|o| o.id.0 == order).and_then(|o| o.price).unwrap();
    assert!((price - step).abs() < 1e-9, "the bid is still {step}, not {price}");
}

#[tokio::test]
async fn keys_are_checked_stored_privately_and_refused_in_groups() {
    let bot = bot().await;
    // No key yet: commands that need one say how to add it.
    let mut dm = bot.session("ann", None);
    let out = dm.line("/orders").await;
    assert!(out.contains("/key set <key>") && out.contains("private chat"), "{out}");

    // In a group: deleted and refused, nothing stored.
    let mut group = bot.session("ann", Some("ml-team"));
    let out = group.line(&format!("/key set {KEY}")).await;
    assert!(
        out.starts_with("(your message was deleted)\n(only you can see this)\nNever post your Clore API key"),
        "{out}"
    );
    assert!(!out.contains(KEY));
    let ann = users::find_user(&bot.core.deps.pool, Platform::Console, "ann").await.unwrap().unwrap();
    assert!(secrets::status(&bot.core.deps.pool, ann.id, SecretKind::CloreApiKey).await.unwrap().is_none());

    // A wrong key is checked with Clore and refused; a right one saved with a fingerprint.
    let out = dm.line("/key set not-the-right-key-000").await;
    assert!(out.contains("Clore refused that key") && !out.contains("not-the-right-key"), "{out}");
    let out = dm.line(&format!("/key set {KEY}")).await;
    assert!(out.starts_with("(your message was deleted)\nKey saved, encrypted (fingerprint "), "{out}");
    assert!(out.contains("Balances: $500.00"), "{out}");
    let fp = out.split("fingerprint ").nth(1).unwrap().split(')').next().unwrap().to_owned();
    let out = dm.line("/key").await;
    assert!(out.contains(&fp) && !out.contains(KEY), "{out}");
    let out = dm.line("/wallets").await;
    assert!(out.contains("USD:") && out.contains("USD deposit address: "), "{out}");
    let out = dm.line("/key remove").await;
    assert!(out.starts_with("Your Clore API key is deleted"), "{out}");
    assert!(dm.line("/wallets").await.contains("/key set <key>"));
}

#[tokio::test]
async fn a_button_pressed_by_someone_else_is_refused() {
    let bot = bot().await;
    bot.keyed("ann").await;
    let mut ann = bot.session("ann", Some("ml-team"));
    let mut bob = bot.session("bob", Some("ml-team"));
    let (id, _) = free_of(&bot.sim, "RTX 3070").await[0];
    let out = ann.line(&format!("/rent #{id}")).await;
    assert!(out.contains("[1] Confirm"), "{out}");
    let confirm = ann.buttons()[0].token.clone();
    let out = bob.press_token(&confirm).await;
    assert!(out.contains("This button belongs to someone else's request"), "{out}");
    assert!(bot.sim_orders().await.is_empty());
    // Ann's own press still works afterwards.
    let out = ann.line("/press 1").await;
    assert!(out.contains("is running on #"), "{out}");
    // The generated password went to Ann alone.
    assert!(out.contains("(only you can see this)\nSSH password"), "{out}");
}

#[tokio::test]
async fn invalid_input_gets_a_clear_message() {
    let bot = bot().await;
    let mut s = bot.keyed("ann").await;
    let cases = [
        ("hello", "Commands start with /"),
        ("/frobnicate", "Unknown command /frobnicate"),
        ("/server abc", "The server id must be a positive whole number, not `abc`."),
        ("/server 99999999", "There is no server #99999999 on the market"),
        ("/rent", "Say which server"),
        ("/rent #99999999", "There is no server #99999999"),
        ("/rent 4090 ports=22:udp", "Port protocol must be tcp or http"),
        ("/rent 4090 spot=0", "spot must be a positive number"),
        ("/rent nosuchgpu", "No free server matches"),
        ("/spotprice 5 abc", "price must be a number"),
        ("/cancel x", "The order id must be a positive whole number"),
        ("/watch", "Say what to watch for"),
        ("/watch 4090 here", "leave it out"),
        ("/unwatch 12345", "You have no watch #12345 here."),
        ("/snooze 1 forever", "is not a duration"),
        ("/hostset nosuch off", "You have no server named `nosuch`"),
        ("/settings currency=eur", "Unknown currency `eur`; use usd, clore or btc."),
        ("/gpus \"rtx 4090", "was opened but not closed"),
    ];
    for (input, want) in cases {
        let out = s.line(input).await;
        assert!(out.contains(want), "{input:?} → {out:?}; expected {want:?}");
    }
    // A rented server can't be rented.
    let m = client(&bot.sim).marketplace(None).await.unwrap();
    let rented = m.servers.iter().find(|x| x.rented).unwrap().id;
    let out = s.line(&format!("/rent #{rented}")).await;
    assert_eq!(out, format!("Server #{rented} is rented right now. /gpus shows free servers."));
}

#[tokio::test]
async fn watches_personal_and_team() {
    let bot = bot().await;
    let mut dm = bot.session("ann", None);
    let out = dm.line("/watch 4090 max=0.45 once cooldown=10m").await;
    assert!(out.starts_with("Watch #1: 4090 · ≤0.45 USD/day — alerts you privately (once, cooldown 10m)."), "{out}");
    // No RTX 4090 rents for under $0.45 a day.
    assert!(out.contains("\nNothing matches right now; I'll alert when something does.\n"), "{out}");
    let out = dm.line("/watches").await;
    assert!(out.contains("#1 · 4090 max=0.45 · once · cooldown 10m"), "{out}");
    let out = dm.line("/snooze 1 2h").await;
    assert!(out.starts_with("Watch #1 is snoozed for 2h 0m"), "{out}");
    assert!(
        dm.line("/watches").await.contains("snoozed for 1h 59m")
            || dm.line("/watches").await.contains("snoozed for 2h")
    );

    // A team watch alerts the group, lists there, and is not Bob's to delete from his DM.
    let mut team = bot.session("ann", Some("ml-team"));
    let out = team.line("/watch a100 x2 here").await;
    assert!(out.starts_with("Watch #2: ") && out.contains("alerts this chat"), "{out}");
    let listed = team.line("/watches").await;
    assert!(listed.starts_with("This chat's team watches\n#2 · a100 x2"), "{listed}");
    assert!(!dm.line("/watches").await.contains("#2"));
    let mut bob = bot.session("bob", None);
    // Someone else's watch reads exactly like one that does not exist: ids reveal nothing.
    assert_eq!(bob.line("/unwatch 2").await, "You have no watch #2 here. /watches lists the ones you can change.");
    assert_eq!(bob.line("/unwatch 999").await, "You have no watch #999 here. /watches lists the ones you can change.");
    assert_eq!(team.line("/unwatch 2").await, "Watch #2 (a100 x2) is deleted.");

    // Auto-rent needs a key and a confirmation.
    let out = dm.line("/watch 3060 max=0.2 autorent").await;
    assert!(out.contains("/key set <key>"), "{out}");
    let mut keyed = bot.keyed("cat").await;
    let out = keyed.line("/watch 3060 max=0.2 autorent max_orders=2").await;
    assert!(out.contains("Auto-rent needs a saved SSH key or password"), "{out}");
    keyed.line("/settings sshkey=\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g cat@laptop\"").await;
    let out = keyed.line("/watch 3060 max=0.2 autorent max_orders=2").await;
    assert!(out.starts_with("Create an auto-rent watch?") && out.contains("Max orders at once: 2"), "{out}");
    let out = keyed.line("/press 1").await;
    assert!(out.contains("Auto-rent is on: up to 2 orders at once"), "{out}");
}

#[tokio::test]
async fn hosts_see_and_change_their_servers() {
    let bot = bot().await;
    let mut s = bot.keyed("hank").await;
    let out = s.line("/myservers").await;
    assert!(out.starts_with("Your 2 servers"), "{out}");
    assert!(out.contains("online, free") && out.contains("offline"), "{out}");
    // A server's screen opens with its name.
    let name = out.lines().find(|l| l.starts_with("rig-")).unwrap().to_owned();
    // A single server confirms too: its values before and after, nothing sent until Confirm.
    let out = s.line(&format!("/hostset {name} off mrl=48 price=0.00002")).await;
    assert!(out.starts_with("Change 1 server?") && out.contains(&format!("{name} (")), "{out}");
    assert!(out.contains("→ 0.00002 BTC/day") && out.contains("max rental: ") && out.contains("→ 48 h"), "{out}");
    assert!(out.contains("available: yes → no (hidden)") && out.ends_with("[1] Confirm  [2] Abort"), "{out}");
    let out = s.line("/press 1").await;
    assert!(out.contains("Changed:") && out.contains(&format!("✓ {name}: now 0.00002 BTC/day")), "{out}");
    assert!(out.contains("(verified)"), "{out}");
    let out = s.line(&format!("/hostset {name} mrl=0")).await;
    assert!(out.contains("mrl must be 1 to"), "{out}");
    // A dollar price is dollars, converted at the market's rate; dollars typed as bitcoin
    // are refused before anything reaches Clore.
    let out = s.line(&format!("/hostset {name} spot=$1.50")).await;
    assert!(out.contains("spot minimum: ") && out.contains(" → 0.0000") && out.contains("($1.5"), "{out}");
    assert!(out.contains("per bitcoin"), "{out}");
    let out = s.line("/press 1").await;
    assert!(out.contains(&format!("✓ {name}: now")), "{out}");
    let out = s.line(&format!("/hostset {name} price=3.40")).await;
    assert!(out.contains("did you mean price=$3.4?"), "{out}");
    // Every server at once: both listed, nothing sent on Abort.
    let out = s.line("/hostset all price=$3.40").await;
    assert!(out.starts_with("Change 2 servers?") && out.matches("· price: ").count() == 2, "{out}");
    let out = s.line("/press 2").await;
    assert!(out.contains("Aborted: changing 2 servers. Nothing was done."), "{out}");
}

#[tokio::test]
async fn settings_change_what_rent_uses() {
    let bot = bot().await;
    let mut s = bot.keyed("ann").await;
    let out = s.line("/settings currency=clore image=pytorch/pytorch:2.4 password=Hunter2Hunter2").await;
    assert!(out.starts_with("(your message was deleted)\nSettings saved"), "{out}");
    assert!(out.contains("CLORE") && out.contains("pytorch/pytorch:2.4") && out.contains("saved (encrypted)"), "{out}");
    assert!(!out.contains("Hunter2"));
    let out = s.line("/gpus 3090 limit=3").await;
    assert!(out.contains("CLORE per day") && out.contains(" CLORE/day"), "{out}");
    let (id, _) = free_of(&bot.sim, "RTX 3090").await[0];
    let out = s.line(&format!("/rent #{id}")).await;
    assert!(out.contains("Image:") && out.contains("pytorch/pytorch:2.4"), "{out}");
    assert!(out.contains("SSH login:    your saved password") && out.contains("CLORE/day"), "{out}");
    // A password typed in a group is refused and deleted.
    let mut g = bot.session("ann", Some("ml-team"));
    let out = g.line("/settings password=Another1Another1").await;
    assert!(out.starts_with("(your message was deleted)") && out.contains("only in a private chat"), "{out}");
}

#[tokio::test]
async fn concurrent_searches_share_one_marketplace_fetch() {
    let bot = bot().await;
    let (mut a, mut b, mut c, mut d) =
        (bot.session("a", None), bot.session("b", None), bot.session("c", None), bot.session("d", None));
    let (ra, rb, rc, rd) =
        tokio::join!(a.line("/gpus 4090"), b.line("/gpus a100"), c.line("/gpus x2"), d.line("/server 1"));
    for r in [&ra, &rb, &rc, &rd] {
        assert!(r.contains('#'), "{r}");
    }
    assert_eq!(state(&bot.sim).await["calls"]["marketplace"], 1, "one fetch served all four");
    // Within the TTL, later searches reuse it too.
    a.line("/gpus 3090").await;
    assert_eq!(state(&bot.sim).await["calls"]["marketplace"], 1);
}

/// Every reply to a hostile line: answered in words, bounded, nothing stored beyond limits.
#[tokio::test]
async fn hostile_input_gets_a_clear_bounded_answer() {
    let bot = bot().await;
    let mut s = bot.keyed("ann").await;
    let big = "x".repeat(100_000);
    let cases: Vec<(String, &str)> = vec![
        ("/settings sshkey=\"ssh-ed25519 €€€€€€\"".into(), "sshkey has a key body that is not base64"),
        (
            "/settings sshkey=\"ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g\"".into(),
            "does not match its type",
        ),
        (format!("/settings image={big}"), "image: is 100000 characters; at most 255 allowed"),
        ("/settings image=\"ubuntu; rm -rf /\"".into(), "image: is not a Docker image reference"),
        ("/settings password=short1".into(), "password must be at least 8 characters"),
        ("/watch 4090 <0".into(), "a price ceiling must be above 0"),
        ("/watch 4090 max=0".into(), "a price ceiling must be above 0"),
        ("/gpus price<=0".into(), "a price ceiling must be above 0"),
        (format!("/gpus {}", "a ".repeat(5000)), "a query is at most 24 terms and 300 characters"),
        (format!("/gpus {big}"), "a query is at most 24 terms and 300 characters"),
        (format!("/watch {big}"), "a query is at most 24 terms and 300 characters"),
        (format!("/help {big}"), "There is no /xxxxxxxx"),
        (format!("/{big}"), "Unknown command /xxxxxxxx"),
        (format!("/hostset {big} on"), "A server name is at most 100 characters"),
        (format!("/orders {big}"), "I don't understand `xxxxxxxx"),
        (format!("/rent 42 image={big}"), "image: is 100000 characters"),
    ];
    for (input, want) in &cases {
        let out = s.line(input).await;
        assert!(out.contains(want), "{} → {out:?}; expected {want:?}", clorebot::text::clip(input, 60));
        assert!(out.chars().count() < 700, "{} → a reply of {} characters", clorebot::text::clip(input, 60), out.len());
    }
    let out = s.line("/settings").await;
    assert!(out.contains("SSH key:       none") && out.contains("(bot default)"), "nothing was stored: {out}");
    assert!(out.contains("SSH password:  none"), "{out}");
    let cancel = s.line(&format!("/cancel 1 {}", "y".repeat(2000))).await;
    assert!(cancel.chars().count() < 700, "{cancel}");

    // A value stored before keys were checked must not break /settings (it used to panic
    // cutting a multi-byte character).
    sqlx::query("UPDATE users SET ssh_key = 'ssh-ed25519 €€€€€€€€€€€€€€€€€€€€€€ me@host'")
        .execute(&bot.core.deps.pool)
        .await
        .unwrap();
    let out = s.line("/settings").await;
    assert!(out.contains("SSH key:       ssh-ed25519 €€€€€€€€…€€€€ me@host"), "{out}");
}

/// Control characters are named, never an internal error: Postgres refuses U+0000 in text,
/// and a `/watch` or `/cancel` holding one answered "Something went wrong (ref …)".
#[tokio::test]
async fn control_characters_are_named_not_an_internal_error() {
    let bot = bot().await;
    let mut s = bot.keyed("ann").await;
    for (line, code) in [
        ("/watch 4090\u{0} max=4", "U+0000"),
        ("/cancel 1 the disk\u{0} is gone", "U+0000"),
        ("/gpus 4090\u{1b}[2J", "U+001B"),
        ("/settings image=ubuntu\u{7f}", "U+007F"),
    ] {
        let out = s.line(line).await;
        assert!(out.contains(&format!("invisible control character ({code})")), "{line:?} → {out}");
    }
    // A key with one is refused and its message deleted, as any key that does not read.
    let out = s.line("/key set abc\u{0}def").await;
    assert!(out.starts_with("(your message was deleted)") && out.contains("(U+0000)"), "{out}");
    // A button with one is one we never issued.
    let out = s.press_token("AAAAAAAAAAAAAAA\u{0}").await;
    assert_eq!(out, "💬 This button is no longer valid. Please run the command again.");
    assert_eq!(s.line("/watches").await, "You have no watches. Try /watch 4090 max=4.");
}

#[tokio::test]
async fn full_width_digits_and_invisible_characters_parse_as_typed() {
    let bot = bot().await;
    let mut s = bot.session("ann", None);
    let plain = s.line("/gpus 4090 limit=3").await;
    for variant in [
        "/gpus ４０９０ limit=3",
        "/gpus 40\u{200b}90 limit=3",
        "/gpus \u{202e}4090\u{202c} limit=3",
        "\u{feff}/gpus 4090 limit=３",
    ] {
        assert_eq!(listed(&s.line(variant).await), listed(&plain), "{variant:?}");
    }
    let out = s.line("/watch ４０９０ max＝0.35").await;
    assert!(out.starts_with("Watch #1: 4090 · ≤0.35 USD/day"), "{out}");
    let out = s.line("/watch 40\u{200d}90 ＜0.35").await;
    assert!(out.starts_with("Watch #2: 4090 · <0.35 USD/day"), "{out}");
}

#[tokio::test]
async fn spot_bids_far_above_on_demand_are_warned_or_refused() {
    let bot = bot().await;
    let mut s = bot.keyed("ann").await;
    let m = client(&bot.sim).marketplace(None).await.unwrap();
    let usd = clorebot::clore::Currency::Usd;
    let (id, on_demand) = m
        .servers
        .iter()
        .filter(|x| !x.rented && x.id.0 < 100_000 && x.accepts(usd))
        .find_map(|x| Some((x.id, x.on_demand(usd)?)))
        .unwrap();
    let out = s.line(&format!("/rent #{id} spot=1e308")).await;
    assert!(out.contains("is more than 10× the on-demand price") && out.contains("nothing was set up"), "{out}");
    assert!(out.contains(&clorebot::domain::format::per_day(on_demand, usd)), "names the on-demand price: {out}");
    let bid = on_demand * 2.0;
    let out = s.line(&format!("/rent #{id} spot={bid}")).await;
    assert!(out.starts_with(&format!("Rent server #{id}?")), "{out}");
    assert!(
        out.contains(&format!(
            "Your bid of {} is above the on-demand price of {}",
            clorebot::domain::format::per_day(bid, usd),
            clorebot::domain::format::per_day(on_demand, usd)
        )),
        "{out}"
    );
}

#[tokio::test]
async fn env_values_wait_sealed_and_are_gone_once_used_or_aborted() {
    let bot = bot().await;
    let mut s = bot.keyed("ann").await;
    let sealed = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sealed_secrets")
            .fetch_one(&bot.core.deps.pool)
            .await
            .unwrap()
    };
    let (id, _) = free_of(&bot.sim, "RTX 3060").await[0];
    let out = s.line(&format!("/rent #{id} env HF_TOKEN=hf_supersecret123")).await;
    assert!(out.contains("Environment:  HF_TOKEN") && !out.contains("supersecret"), "{out}");
    let payloads: Vec<String> =
        sqlx::query_scalar("SELECT payload::text FROM pending_actions").fetch_all(&bot.core.deps.pool).await.unwrap();
    assert!(payloads.iter().all(|p| !p.contains("supersecret")), "{payloads:?}");
    assert_eq!(sealed().await, 1);
    assert!(s.line("/press 2").await.starts_with("✎ Aborted"));
    assert_eq!(sealed().await, 0, "aborted: gone");

    s.line(&format!("/rent #{id} env HF_TOKEN=hf_supersecret123")).await;
    assert_eq!(sealed().await, 1);
    let out = s.line("/press 1").await;
    assert!(out.contains("is running"), "{out}");
    assert_eq!(sealed().await, 0, "used: gone");

    // In a group the message holding the values is deleted, and the confirmation is private.
    let mut g = bot.session("ann", Some("ml-team"));
    let out = g.line("/rent 3060 env HF_TOKEN=hf_other").await;
    assert!(out.starts_with("(your message was deleted)\n(only you can see this)\nRent server"), "{out}");
    // A /rent with env that does not parse is deleted too; so is any /settings error.
    for line in ["/rent 3060 env HF_TOKEN", "/settings ssh_password=bad#1234", "/settings sshpassword=x"] {
        let out = g.line(line).await;
        assert!(out.starts_with("(your message was deleted)"), "{line} → {out}");
        assert!(!out.contains("bad#1234"));
    }
}

#[tokio::test]
async fn team_watches_count_against_their_owner_and_their_chat() {
    let bot = bot_with(CoreConfig {
        max_watches_per_user: 2,
        max_watches_per_chat: 1,
        console_admins: vec!["bob".into()],
        ..CoreConfig::default()
    })
    .await;
    let mut dm = bot.session("ann", None);
    let mut team = bot.session("ann", Some("ml-team"));
    assert!(dm.line("/watch 4090 max=0.3").await.starts_with("Watch #1"));
    assert!(team.line("/watch a100 here").await.starts_with("Watch #2"));
    let out = dm.line("/watch 3090 max=0.3").await;
    assert_eq!(out, "You have 2 watches (personal and team), the most allowed. Delete some with /unwatch first.");
    // Bob administers the group too (named in configuration): the chat's cap holds for him.
    bot.core.cfg.console_admins.iter().find(|a| *a == "bob").expect("bob is a named admin");
    let mut bob = bot.session("bob", Some("ml-team"));
    let out = bob.line("/watch h100 here").await;
    assert!(out.starts_with("This chat has 1 team watch, the most allowed."), "{out}");
}

/// In a console group, as on the platforms, only its admins manage team watches: its creator
/// (the first console user to speak there) and the users `CLOREBOT_CONSOLE_ADMINS` names.
/// Everyone used to be an admin there, so Bob could snooze Ann's team watch.
#[tokio::test]
async fn only_a_console_groups_creator_and_named_admins_manage_its_team_watches() {
    let bot = bot_with(CoreConfig { console_admins: vec!["cy".into()], ..CoreConfig::default() }).await;
    let mut ann = bot.session("ann", Some("ml-team"));
    assert!(ann.line("/watch a100 here").await.starts_with("Watch #1"));
    let mut bob = bot.session("bob", Some("ml-team"));
    assert!(bob.line("/watches").await.contains("#1 · a100"), "the team's watches are shown to all");
    let nope = "You have no watch #1 here. /watches lists the ones you can change.";
    assert_eq!(bob.line("/snooze 1 2h").await, nope);
    assert_eq!(bob.line("/unwatch 1").await, nope);
    assert_eq!(bob.line("/watch h100 here").await, "Only admins of this chat can create team watches (`here`).");
    assert_eq!(
        bob.line("/settings locale=de").await,
        "Only this chat's admins choose its language. Set your own with /settings locale=… in a private chat with me."
    );
    let mut cy = bot.session("cy", Some("ml-team"));
    assert!(cy.line("/snooze 1 2h").await.starts_with("Watch #1 is snoozed for 2h"));
    assert!(ann.line("/unwatch 1").await.starts_with("Watch #1 (a100) is deleted."));
    // A group Bob opens is his to manage.
    let mut own = bot.session("bob", Some("bobs-lab"));
    assert!(own.line("/watch h100 here").await.starts_with("Watch #2"));
}

/// With no `CLOREBOT_BOT_USERNAME`, a command addressed to a bot by name is another bot's:
/// `/gpus@otherbot` was answered. With the name set, commands to it are answered.
#[tokio::test]
async fn a_command_to_another_bot_is_not_answered() {
    let bot = bot().await;
    let mut s = bot.session("ann", None);
    assert_eq!(s.line("/gpus@otherbot 4090").await, "");
    assert!(!listed(&s.line("/gpus 4090").await).is_empty());
    let named = bot_with(CoreConfig { bot_username: Some("clorebot".into()), ..CoreConfig::default() }).await;
    let mut s = named.session("ann", None);
    assert_eq!(s.line("/gpus@otherbot 4090").await, "");
    assert!(!listed(&s.line("/gpus@CloreBot 4090").await).is_empty());
}

#[tokio::test]
async fn a_panicking_handler_does_not_end_the_chat() {
    let bot = bot().await;
    let probe: clorebot::core::Probe = Arc::new(|cmd: &clorebot::core::Command| {
        if matches!(cmd, clorebot::core::Command::Wallets) {
            panic!("a handler bug");
        }
    });
    assert!(bot.core.probe.set(probe).is_ok());
    let input: &[u8] = b"/wallets\n/help \xff\xfe\n/start\n";
    let mut out = Vec::new();
    clorebot::frontends::console::run(&bot.core, caller(&bot.core, "ann", None), input, &mut out, false, None)
        .await
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with("Something went wrong on our side (ref "), "{out}");
    // The session went on: bad bytes became U+FFFD, and the next command was answered.
    assert!(out.contains("There is no /\u{fffd}\u{fffd} command."), "{out}");
    assert!(out.contains("clorebot rents GPUs on the Clore.ai marketplace"), "{out}");
}

#[tokio::test]
async fn a_console_alert_is_delivered_only_once_printed() {
    use clorebot::alerts::deliver::deliver_once;
    use clorebot::frontends::console::ConsoleNotifier;
    use clorebot::store::outbox;
    let bot = bot().await;
    let alert = outbox::NewAlert {
        urgent: true,
        hold: Default::default(),
        part: None,
        dedup_key: "test:1".into(),
        platform: Platform::Console,
        target_chat_id: Some("dm:ann".into()),
        target_thread_id: None,
        target_user: None,
        payload: clorebot::alerts::message::to_payload(&clorebot::core::Reply::text("server #7 is cheap")).unwrap(),
    };
    outbox::enqueue(&bot.core.deps.pool, &alert).await.unwrap();
    // A console that takes the alert but closes before printing it: not delivered.
    let (notifier, rx) = ConsoleNotifier::new(&caller(&bot.core, "ann", None));
    drop(rx);
    assert_eq!(deliver_once(&bot.core.deps.pool, &notifier).await.unwrap(), 0);
    assert_eq!(outbox::pending_count(&bot.core.deps.pool).await.unwrap(), 1);
    sqlx::query("UPDATE outbox SET next_attempt_at = now()").execute(&bot.core.deps.pool).await.unwrap();

    // A console that prints it: delivered once it is on the screen.
    let (notifier, rx) = ConsoleNotifier::new(&caller(&bot.core, "ann", None));
    let (keep_open, input) = tokio::io::duplex(64);
    let mut screen = Vec::new();
    let printing = clorebot::frontends::console::run(
        &bot.core,
        caller(&bot.core, "ann", None),
        tokio::io::BufReader::new(input),
        &mut screen,
        false,
        Some(rx),
    );
    let delivering = async {
        let n = deliver_once(&bot.core.deps.pool, &notifier).await.unwrap();
        drop(keep_open);
        n
    };
    let (printed, delivered) = tokio::join!(printing, delivering);
    printed.unwrap();
    assert_eq!(delivered, 1);
    assert_eq!(String::from_utf8(screen).unwrap(), "🔔 server #7 is cheap\n\n");
    assert_eq!(outbox::pending_count(&bot.core.deps.pool).await.unwrap(), 0);
}

#[tokio::test]
async fn history_draws_a_chart_of_what_the_market_polls_recorded() {
    use clorebot::clore::Currency;
    use clorebot::store::history::{self, PricePoint};
    let bot = bot().await;
    let mut s = bot.session("ann", None);
    let out = s.line("/history 4090").await;
    assert!(out.starts_with("No price history yet"), "{out}");
    assert!(s.line("/history").await.contains("Say which GPU"));
    assert!(s.line("/history 4090 spot").await.contains("`spot` is not a GPU model"));
    assert!(s.line("/history 4090 1y").await.contains("`1y` is not a period: use 24h, 7d or 30d."));

    // A week of polls every three hours: the cheapest 4090 falls from $4 to $3, then recovers.
    let now = chrono::Utc::now();
    let points: Vec<PricePoint> = (0..=56)
        .flat_map(|i| {
            let at = now - chrono::Duration::hours(3 * (56 - i));
            let cheapest = 4.0 - (i.min(40) as f64) / 40.0 + (i.max(40) - 40) as f64 / 40.0;
            [("RTX 4090", cheapest, 20 + i as i32 % 5), ("RTX 3090", 2.0, 7)].map(|(m, p, free)| PricePoint {
                gpu_model: m.into(),
                polled_at: at,
                currency: Currency::Usd,
                min_price: Some(p),
                median_price: Some(p * 1.3),
                available: free,
                total: free + 10,
            })
        })
        .collect();
    history::record(&bot.core.deps.pool, &points).await.unwrap();

    let out = s.line("/history 4090").await;
    assert!(out.starts_with("RTX 4090 — last 7d"), "{out}");
    // "Now" is the newest poll: $3.40 with 21 free.
    assert!(out.contains("Cheapest free now $3.40/day (21 free, "), "{out}");
    assert!(out.contains("% since "), "{out}");
    assert!(out.contains("Low $3.00/day on "), "{out}");
    let path = out.lines().find_map(|l| l.strip_prefix("📈 chart: ")).expect("the chart's file is named");
    let png = std::fs::read(path).unwrap();
    let info = png::Decoder::new(std::io::Cursor::new(&png)).read_info().unwrap().info().clone();
    assert_eq!((info.width, info.height), (800, 450));
    std::fs::remove_file(path).unwrap();

    let out = s.line("/history 4090 24h").await;
    assert!(out.starts_with("RTX 4090 — last 24h"), "{out}");
    // In the caller's currency, at today's rate (the market's CLORE/USD prices tell it).
    assert!(s.line("/settings currency=clore").await.contains("CLORE"));
    let out = s.line("/history 4090").await;
    assert!(out.contains(" CLORE/day (") && !out.contains('$'), "{out}");
    let out = s.line("/history a100 30d").await;
    assert!(
        out.starts_with("No price history for A100 in the last 30d. I record the market every poll since "),
        "{out}"
    );
    for line in out.lines().filter_map(|l| l.strip_prefix("📈 chart: ")) {
        std::fs::remove_file(line).ok();
    }
}

#[tokio::test]
async fn spend_charts_what_the_orders_cost_per_day() {
    use chrono::{DurationRound, TimeDelta};
    use clorebot::store::orders::{self, NewTrackedOrder};
    let bot = bot().await;
    let mut s = bot.keyed("ann").await;
    let out = s.line("/spend").await;
    assert!(out.starts_with("No orders in the last 7d."), "{out}");
    assert!(s.line("/spend 24h").await.contains("use 7d or 30d"));

    // An order that ran from noon three days ago to 06:00 yesterday at $2.40/day, $0.10 to create.
    let me = users::find_user(&bot.core.deps.pool, Platform::Console, "ann").await.unwrap().unwrap().id;
    let midnight = chrono::Utc::now().duration_trunc(TimeDelta::days(1)).unwrap();
    orders::track(
        &bot.core.deps.pool,
        &NewTrackedOrder {
            user: me,
            order_id: 9001,
            server_id: 77,
            spot: false,
            price: Some(2.4),
            currency: Some("USD-Blockchain".into()),
            ends_at: None,
            watch: None,
            started_at: Some(midnight - TimeDelta::days(3) + TimeDelta::hours(12)),
            creation_fee: Some(0.1),
        },
    )
    .await
    .unwrap();
    sqlx::query("UPDATE tracked_orders SET status = 'ended', ended_at = $1 WHERE order_id = 9001")
        .bind(midnight - TimeDelta::days(1) + TimeDelta::hours(6))
        .execute(&bot.core.deps.pool)
        .await
        .unwrap();
    let out = s.line("/spend").await;
    assert!(out.starts_with("Your spend — last 7d"), "{out}");
    assert!(out.contains("Order 9001 on #77: $4.30"), "1.20 + 0.10, 2.40, 0.60: {out}");
    assert!(out.contains("Total: $4.30 (time run plus creation fees)."), "{out}");
    let path = out.lines().find_map(|l| l.strip_prefix("📈 chart: ")).expect("a chart");
    let png = std::fs::read(path).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    std::fs::remove_file(path).unwrap();
}

/// Issue 13: `/settings locale=de` (and `ru`) switch everything a user reads — the market,
/// the rent confirmation and its outcome, a watch and its alert — with prices written the
/// language's way; commands stay as they are.
#[tokio::test]
async fn german_and_russian_sessions_read_in_their_language() {
    let bot = bot().await;
    let (id, price) = free_of(&bot.sim, "RTX 4090").await[0];
    let usd = clorebot::clore::Currency::Usd;

    let mut de = bot.keyed("dora").await;
    let out = de.line("/settings locale=de").await;
    assert!(out.contains("Einstellungen gespeichert") && out.contains("Sprache:        Deutsch (de)"), "{out}");
    let out = de.line("/gpus 4090").await;
    assert!(out.contains("— 4090 — On-Demand, USD pro Tag"), "{out}");
    let first = out.lines().find(|l| l.starts_with('#')).unwrap();
    assert!(first.contains(" $/Tag (") && first.contains(" GB RAM") && first.ends_with("frei"), "{first}");
    assert!(first.contains(','), "a decimal comma: {first}");
    assert!(out.contains(&format!("#{id} mieten")) && out.contains("Weiter ▸"), "{out}");
    let out = de.line("/rent 4090").await;
    let shown = clorebot::i18n::sync_scope(clorebot::i18n::Lang::De, || clorebot::domain::format::per_day(price, usd));
    assert!(out.contains(&format!("Server #{id} mieten?")) && out.contains(&shown), "{out}");
    assert!(out.ends_with("[1] Bestätigen  [2] Abbrechen"), "{out}");
    let out = de.line("/press 1").await;
    assert!(out.contains(&format!("läuft auf #{id}")) && out.contains("SSH-Passwort für Bestellung"), "{out}");
    // A watch just under the market, so it fires only when a price drops (below).
    let cheapest = free_of(&bot.sim, "RTX 3090").await;
    let max = ((cheapest[0].1 * 0.8) * 1000.0).floor() / 1000.0;
    let out = de.line(&format!("/watch 3090 max={max}")).await;
    assert!(out.contains("Watch #") && out.contains("benachrichtigt dich privat"), "{out}");
    let out = de.line("/gpus ram>=viel").await;
    assert!(out.contains("Ich habe `ram>=viel` nicht verstanden"), "{out}");

    let mut ru = bot.keyed("rita").await;
    let out = ru.line("/settings locale=ru").await;
    assert!(out.contains("Настройки сохранены") && out.contains("Русский (ru)"), "{out}");
    let out = ru.line("/gpus 4090").await;
    assert!(out.contains("— 4090 — по требованию, USD в сутки"), "{out}");
    assert!(out.contains("$/сутки (") && out.contains("Арендовать #"), "{out}");
    let (other, _) = free_of(&bot.sim, "RTX 4090").await[0];
    let out = ru.line(&format!("/rent #{other}")).await;
    assert!(
        out.contains(&format!("Арендовать сервер #{other}?")) && out.ends_with("[1] Подтвердить  [2] Отмена"),
        "{out}"
    );
    let out = ru.line("/press 1").await;
    assert!(out.contains(&format!("запущен на #{other}")) && out.contains("Пароль SSH для заказа"), "{out}");
    let out = ru.line(&format!("/watch 3090 max={max}")).await;
    assert!(out.contains("Отслеживание #") && out.contains("оповещения придут вам в личные сообщения"), "{out}");

    // A price drops under both watches: each alert is in its owner's language.
    assert!(bot.market_tick().await.is_empty(), "nothing matches yet");
    bot.set_price(cheapest[cheapest.len() - 1].0, max * 0.9).await;
    bot.engine.poll_market().await.unwrap();
    let alerts = bot.deliver_alerts().await;
    let to = |chat: &str| alerts.iter().find(|(c, _)| c == chat).map(|(_, r)| r.clone()).unwrap();
    let (dora, rita) = (to("dm:dora"), to("dm:rita"));
    assert!(dora.plain_text().starts_with("Watch #") && dora.plain_text().contains(" $/Tag"), "{dora:?}");
    assert!(dora.rows.concat().iter().any(|b| b.label.ends_with(" mieten")), "{dora:?}");
    assert!(rita.plain_text().starts_with("Отслеживание #") && rita.plain_text().contains("$/сутки"), "{rita:?}");
    assert!(rita.rows.concat().iter().any(|b| b.label.starts_with("Арендовать #")), "{rita:?}");

    // Someone who chose nothing still reads English.
    let mut en = bot.session("erin", None);
    assert!(en.line("/gpus 4090").await.contains("on demand, USD per day"));
}

/// A group's admin chooses the group's language: the bot's answers there use it whatever
/// each member's own, while a member's private answers stay in theirs; `auto` undoes it.
#[tokio::test]
async fn a_groups_language_is_the_groups() {
    let bot = bot().await;
    let mut admin = bot.session("ann", Some("team"));
    let out = admin.line("/settings locale=ru").await;
    assert!(out.contains("Язык этого чата теперь Русский"), "{out}");
    let mut member = bot.session("bob", Some("team"));
    let out = member.line("/gpus 4090").await;
    assert!(out.contains("по требованию, USD в сутки"), "{out}");
    let mut bob_alone = bot.session("bob", None);
    assert!(bob_alone.line("/gpus 4090").await.contains("on demand, USD per day"));
    // What only bob reads (his settings), asked in the group, is in his own language.
    let out = member.line("/settings").await;
    assert!(out.contains("Your settings"), "{out}");
    admin.line("/settings locale=auto").await;
    assert!(member.line("/gpus 4090").await.contains("on demand, USD per day"));
}
