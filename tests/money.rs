//! Money safety (docs/money-safety.md): an order that exists is always known. Lost and late answers,
//! an order list that keeps failing, and a process killed mid-rent — each ends with exactly
//! one order, tracked, audited and announced once, and auto-rent caps that hold.

mod common;

use std::sync::Arc;
use std::time::Duration;

use clorebot::alerts::{Engine, EngineConfig};
use clorebot::core::{Core, CoreConfig};
use clorebot::frontends::console::{Session, caller};
use clorebot::sim::SimHandle;
use clorebot::store::{intents, orders as tracked, users};
use common::*;
use serde_json::{Value, json};

/// Rent attempts older than nothing are fair game for reconciliation, and absence is
/// concluded a second after an attempt: the tests cannot wait the production minutes.
fn engine_cfg() -> EngineConfig {
    EngineConfig { intent_grace: Duration::ZERO, intent_settle: Duration::from_secs(1), ..EngineConfig::default() }
}

/// A world whose Clore answers ten times faster than the real one allows (these tests are
/// about lost answers, not rate limits), with a client that gives up on an answer after 1 s.
async fn fast_app() -> TestApp {
    let sim = start_sim(200).await;
    quicken(&sim).await;
    test_app_on(sim, |cfg| {
        fast(&mut cfg.clore);
        cfg.engine = engine_cfg();
    })
    .await
}

fn fast(c: &mut clorebot::clore::ClientConfig) {
    c.timeout = Duration::from_secs(1);
    quick(c);
}

fn fast_client(sim: &SimHandle) -> clorebot::clore::CloreClient {
    client_with(sim, fast)
}

/// The same database and simulator seen by a freshly started process.
fn restarted(w: &TestApp) -> Engine {
    let core = Core::new(
        w.core.deps.pool.clone(),
        fast_client(&w.sim),
        w.core.deps.keyring.clone(),
        CoreConfig::default(),
        Duration::from_secs(30),
    );
    Engine::new(Arc::new(core).deps.clone(), engine_cfg())
}

async fn create_calls(w: &TestApp) -> u64 {
    state(&w.sim).await["calls"]["create_order"].as_u64().unwrap_or(0)
}

async fn user_id(w: &TestApp, name: &str) -> clorebot::domain::UserId {
    users::find_user(&w.core.deps.pool, clorebot::domain::Platform::Console, name).await.unwrap().unwrap().id
}

/// The results of the audit rows for renting, oldest first.
async fn rent_audit(w: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT result FROM audit_log WHERE action IN ('rent', 'autorent') ORDER BY id")
        .fetch_all(&w.core.deps.pool)
        .await
        .unwrap()
}

async fn intent_statuses(w: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT status FROM rent_intents ORDER BY id").fetch_all(&w.core.deps.pool).await.unwrap()
}

/// Shows the rent confirmation for `srv` and returns its Confirm token.
async fn confirm_token(s: &mut Session<'_>, srv: u64) -> String {
    let out = s.line(&format!("/rent #{srv}")).await;
    assert!(out.starts_with(&format!("Rent server #{srv}?")), "{out}");
    s.buttons()[0].token.clone()
}

#[tokio::test]
async fn a_lost_reply_is_one_order_found_tracked_and_audited_as_made() {
    let w = fast_app().await;
    let mut ann = w.keyed("ann").await;
    let srv = free_of(&w.sim, "RTX 3060").await[0].0;
    confirm_token(&mut ann, srv).await;
    control(&w.sim, "/faults", json!({ "endpoint": "create_order", "mode": "lost_reply" })).await;
    let out = ann.line("/press 1").await;
    let orders = w.sim_orders().await;
    assert_eq!(orders.len(), 1, "{orders:?}");
    let order = orders[0]["id"].as_u64().unwrap();
    assert!(out.starts_with(&format!("✎ Order {order} is running on #{srv}")), "{out}");
    assert!(out.contains("ssh root@") && out.contains(&format!("SSH password for order {order}: ")), "{out}");
    let me = user_id(&w, "ann").await;
    let followed = tracked::active_for_user(&w.core.deps.pool, me).await.unwrap();
    assert_eq!(followed.iter().map(|t| t.order_id as u64).collect::<Vec<_>>(), vec![order]);
    assert_eq!(rent_audit(&w).await, vec![format!("ok: order {order}")]);
    assert_eq!(intent_statuses(&w).await, vec!["made"]);
    assert_eq!(create_calls(&w).await, 1);
    // Nothing left to settle or announce.
    assert!(w.accounts_tick().await.is_empty());
}

#[tokio::test]
async fn a_late_reply_past_the_timeout_is_the_same() {
    let w = fast_app().await;
    let mut ann = w.keyed("ann").await;
    let srv = free_of(&w.sim, "RTX 3070").await[0].0;
    confirm_token(&mut ann, srv).await;
    let late = Duration::from_millis(1500);
    control(
        &w.sim,
        "/faults",
        json!({ "endpoint": "create_order", "mode": "late_reply", "latency_ms": late.as_millis() as u64 }),
    )
    .await;
    let pressed = std::time::Instant::now();
    let out = ann.line("/press 1").await;
    let orders = w.sim_orders().await;
    assert_eq!(orders.len(), 1, "{orders:?}");
    let order = orders[0]["id"].as_u64().unwrap();
    assert!(out.starts_with(&format!("✎ Order {order} is running on #{srv}")), "{out}");
    assert_eq!(rent_audit(&w).await, vec![format!("ok: order {order}")]);
    // sleep: the simulator answers `late` after the call, into a connection the client has
    // given up on — nothing marks that moment, so the test lets it pass (what is left of it).
    tokio::time::sleep(late.saturating_sub(pressed.elapsed()) + Duration::from_millis(100)).await;
    // The late answer, when it comes, changes nothing.
    assert!(w.accounts_tick().await.is_empty());
    assert_eq!(w.sim_orders().await.len(), 1);
    assert_eq!(create_calls(&w).await, 1);
}

#[tokio::test]
async fn an_unclear_answer_is_checked_not_refused_and_announced_when_found() {
    let w = fast_app().await;
    let mut ann = w.keyed("ann").await;
    let srv = free_of(&w.sim, "RTX 3080").await[0].0;
    confirm_token(&mut ann, srv).await;
    // The answer comes too late, and the order list fails for every lookup the client makes.
    control(&w.sim, "/faults", json!({ "endpoint": "create_order", "mode": "late_reply", "latency_ms": 1500 })).await;
    control(&w.sim, "/faults", json!({ "endpoint": "my_orders", "mode": "http500", "after": 1, "count": 12 })).await;
    let out = ann.line("/press 1").await;
    assert!(out.starts_with("✎ Clore did not answer clearly"), "{out}");
    assert!(out.contains(&format!("whether an order on #{srv} was made")), "{out}");
    assert!(!out.contains("No order was made") && !out.contains("Someone else"), "never a refusal: {out}");
    assert!(!out.contains("SSH password"), "the password waits for the order: {out}");
    assert_eq!(w.sim_orders().await.len(), 1, "the order exists all the same");
    assert_eq!(intent_statuses(&w).await, vec!["unknown"]);

    // Renting it again is refused while the first attempt is open: nothing is sent.
    let calls = create_calls(&w).await;
    // (The market snapshot from a moment ago still shows the server free.)
    confirm_token(&mut ann, srv).await;
    let out = ann.line("/press 1").await;
    assert!(out.starts_with(&format!("✎ An earlier attempt to rent #{srv} (from ")), "{out}");
    assert!(out.contains("still being checked with Clore, so I sent nothing new"), "{out}");
    assert_eq!(create_calls(&w).await, calls, "no second create_order");

    // The next account poll finds it: tracked, audited, announced once with the login.
    w.poll_cycle().await;
    let sent = w.deliver_alerts().await;
    let order = w.sim_orders().await[0]["id"].as_u64().unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (to, msg) = &sent[0];
    assert_eq!(to, "dm:ann");
    let text = msg.plain_text();
    assert!(text.starts_with(&format!("Order {order} on #{srv} was made after all")), "{text}");
    assert!(text.contains("ssh root@"), "{text}");
    let buttons: Vec<_> = msg.buttons().cloned().collect();
    assert_eq!(buttons.len(), 1);
    assert_eq!(buttons[0].label, "Show SSH password");
    let shown = ann.press_token(&buttons[0].token).await;
    assert!(shown.starts_with(&format!("SSH password for order {order}: ")), "{shown}");
    // The password went to its owner's screen only: no stored alert holds it.
    let password = shown.lines().next().unwrap().rsplit(": ").next().unwrap().to_owned();
    assert!(password.len() >= 12, "{shown}");
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT payload::text FROM outbox").fetch_all(&w.core.deps.pool).await.unwrap();
    assert!(!stored.is_empty() && stored.iter().all(|p| !p.contains(&password)), "{stored:?}");
    let again = ann.press_token(&buttons[0].token).await;
    assert!(again.starts_with("That password was already shown once"), "{again}");
    let sealed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sealed_secrets").fetch_one(&w.core.deps.pool).await.unwrap();
    assert_eq!(sealed, 0, "shown once, then gone");

    let me = user_id(&w, "ann").await;
    let followed = tracked::active_for_user(&w.core.deps.pool, me).await.unwrap();
    assert_eq!(followed.len(), 1);
    assert_eq!(followed[0].order_id as u64, order);
    let audit = rent_audit(&w).await;
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert!(audit[0].starts_with("unclear: "), "{audit:?}");
    assert_eq!(audit[1], format!("reconciled: order {order}"));
    assert_eq!(intent_statuses(&w).await, vec!["made"]);
    assert!(w.accounts_tick().await.is_empty(), "announced once");
    assert_eq!(w.sim_orders().await.len(), 1);
}

#[tokio::test]
async fn order_list_failing_40_times_after_a_create_still_holds_max_orders() {
    let w = fast_app().await;
    let (_cat, free, max) = w.autorent_3060("cat", |_| "max_orders=1 daily_cap=50 keep".into()).await;
    assert!(w.market_tick().await.is_empty());

    // The order is made; every order list after it fails, forty times.
    control(&w.sim, "/faults", json!({ "endpoint": "my_orders", "mode": "http500", "after": 1, "count": 40 })).await;
    let first = free[free.len() - 1].0;
    w.set_price(first, max * 0.9).await;
    let sent = w.market_tick().await;
    assert!(sent.len() == 1 && sent[0].1.contains(&format!("rented #{first} ")), "{sent:?}");
    assert!(sent[0].1.contains("Clore has not listed the order yet"), "{sent:?}");

    // Three more bargains: the attempt nobody could look up yet counts as an order.
    for k in 2..=4 {
        w.set_price(free[free.len() - k].0, max * 0.8).await;
        let sent = w.market_tick().await;
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert!(sent[0].1.contains("already runs or is being checked with Clore (max 1)"), "{sent:?}");
    }
    assert_eq!(w.sim_orders().await.len(), 1);

    // Account polls fail until the faults are used up; then the order is found and followed.
    let mut found = Vec::new();
    for _ in 0..12 {
        w.poll_cycle().await;
        found = w.deliver().await;
        if !found.is_empty() {
            break;
        }
    }
    let order = w.sim_orders().await[0]["id"].as_u64().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.starts_with(&format!("Auto-rent watch #1: order {order} on #{first} is listed now")),
        "{found:?}"
    );
    let watch: i64 = sqlx::query_scalar("SELECT watch_id FROM tracked_orders WHERE order_id = $1")
        .bind(order as i64)
        .fetch_one(&w.core.deps.pool)
        .await
        .unwrap();
    assert_eq!(watch, 1, "attached to its watch");

    // And the cap still holds with the order known.
    w.set_price(free[free.len() - 5].0, max * 0.7).await;
    let sent = w.market_tick().await;
    assert!(sent.len() == 1 && sent[0].1.contains("(max 1)"), "{sent:?}");
    assert_eq!(w.sim_orders().await.len(), 1);
    assert_eq!(create_calls(&w).await, 1);
}

#[tokio::test]
async fn daily_cap_counts_creation_fees_and_ended_orders() {
    let w = fast_app().await;
    // Room for one order a day and its fee, no more.
    let (mut cat, free, max) = w.autorent_3060("cat", |max| format!("keep daily_cap={}", max + 0.1 + 0.01)).await;
    let first = free[free.len() - 1].0;
    w.set_price(first, max * 0.9).await;
    let sent = w.market_tick().await;
    assert!(sent.len() == 1 && sent[0].1.contains(&format!("rented #{first} ")), "{sent:?}");
    let order = w.sim_orders().await[0]["id"].as_u64().unwrap();

    // It ends at once (cancelled); its fee is spent all the same, so a second order today
    // would pass the cap even though nothing is running.
    cat.line(&format!("/cancel {order}")).await;
    assert!(cat.line("/press 1").await.starts_with(&format!("✎ Order {order} is cancelled")));
    w.set_price(free[free.len() - 2].0, max * 0.9).await;
    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].1.contains("in a day (creation fees included") && sent[0].1.contains("over its daily cap"),
        "{sent:?}"
    );
    assert_eq!(w.sim_orders().await.len(), 1);
}

/// Ann confirms a rent of a free `model` server in a task of its own, with `fault` set, and
/// the task is killed (the process dies) once `reached` holds. Returns the server.
async fn die_mid_rent<F: std::future::Future<Output = bool>>(
    w: &TestApp,
    model: &str,
    fault: Value,
    what: &str,
    reached: impl Fn() -> F,
) -> u64 {
    let mut ann = w.keyed("ann").await;
    let srv = free_of(&w.sim, model).await[0].0;
    let token = confirm_token(&mut ann, srv).await;
    control(&w.sim, "/faults", fault).await;
    let core = w.core.clone();
    let rent = tokio::spawn(async move { Session::new(&core, caller(&core, "ann", None)).press_token(&token).await });
    // A row written or an order made by the rent: looked at again every RECHECK.
    wait_for(what, WAIT, every(RECHECK), async || reached().await).await;
    rent.abort();
    srv
}

#[tokio::test]
async fn killed_between_writing_the_intent_and_the_call_is_settled_once() {
    let w = fast_app().await;
    // The client's look at the orders before sending hangs: the process dies there.
    let hang = json!({ "endpoint": "my_orders", "mode": "latency", "latency_ms": 4000 });
    let srv =
        die_mid_rent(&w, "RTX 3060", hang, "the intent", || async { intent_statuses(&w).await == vec!["pending"] })
            .await;
    // The attempt is older than the settle time, after which no order means none was made
    // (set in the database: the engine compares the attempt's time with its own clock's).
    sqlx::query("UPDATE rent_intents SET created_at = created_at - make_interval(secs => $1)")
        .bind(engine_cfg().intent_settle.as_secs_f64() + 0.2)
        .execute(&w.core.deps.pool)
        .await
        .unwrap();

    let engine = restarted(&w);
    w.poll_cycle_of(&engine).await;
    let sent = w.deliver().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "dm:ann");
    assert!(sent[0].1.starts_with(&format!("Your rent of #{srv} (")), "{sent:?}");
    assert!(sent[0].1.contains("did not go through") && sent[0].1.contains("Nothing was rented"), "{sent:?}");
    assert_eq!(create_calls(&w).await, 0);
    assert!(w.sim_orders().await.is_empty());
    assert_eq!(intent_statuses(&w).await, vec!["absent"]);
    assert_eq!(rent_audit(&w).await, vec!["not made: no order appeared on the account"]);
    let sealed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sealed_secrets").fetch_one(&w.core.deps.pool).await.unwrap();
    assert_eq!(sealed, 0, "the password made for it is gone");
    w.poll_cycle_of(&engine).await;
    assert!(w.deliver().await.is_empty(), "settled once");
}

#[tokio::test]
async fn killed_between_the_call_and_its_answer_is_settled_once() {
    let w = fast_app().await;
    // Clore makes the order and answers only after the process has died.
    let late = json!({ "endpoint": "create_order", "mode": "late_reply", "latency_ms": 4000 });
    let srv = die_mid_rent(&w, "RTX 3070", late, "the order", || async { w.sim_orders().await.len() == 1 }).await;

    let engine = restarted(&w);
    w.poll_cycle_of(&engine).await;
    let sent = w.deliver_alerts().await;
    let order = w.sim_orders().await[0]["id"].as_u64().unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].1.plain_text().starts_with(&format!("Order {order} on #{srv} was made after all")), "{sent:?}");
    assert_eq!(sent[0].1.buttons().count(), 1, "the generated password, shown on request");
    let me = user_id(&w, "ann").await;
    assert_eq!(tracked::active_for_user(&w.core.deps.pool, me).await.unwrap().len(), 1);
    assert_eq!(rent_audit(&w).await, vec![format!("reconciled: order {order}")]);
    assert_eq!(intent_statuses(&w).await, vec!["made"]);
    // A second restart, and the old engine too: nothing more.
    w.poll_cycle_of(&restarted(&w)).await;
    w.poll_cycle().await;
    assert!(w.deliver().await.is_empty(), "settled once");
    assert_eq!(w.sim_orders().await.len(), 1);
    assert_eq!(create_calls(&w).await, 1);
    let open = intents::open_for_user(&w.core.deps.pool, me).await.unwrap();
    assert!(open.is_empty());
}

/// A Confirm press whose process died is pressed again by the survivor finishing the
/// interaction or update (inside `core::recovered`): the token was used, so nothing is sent
/// again, and the confirmation becomes what came of the attempt the first press began.
#[tokio::test]
async fn a_confirm_finished_for_a_dead_process_tells_what_came_of_it_and_never_rents_twice() {
    let w = fast_app().await;
    let mut s = w.keyed("ann").await;
    s.line(&format!("/settings sshkey=\"{SSH_KEY}\"")).await;
    let ann = caller(&w.core, "ann", None);
    let me = user_id(&w, "ann").await;
    let pool = &w.core.deps.pool;
    let free = free_of(&w.sim, "RTX 3060").await;
    let finish = async |token: &str| {
        let p = clorebot::core::recovered(w.core.press(&ann, token)).await;
        p.replace_source.expect("the confirmation is replaced").plain_text()
    };

    // The dead process used the Confirm and died before writing its attempt: nothing was sent.
    let t = confirm_token(&mut s, free[0].0).await;
    clorebot::store::actions::take(pool, &t, me).await.unwrap();
    let out = finish(&t).await;
    assert!(out.contains(&format!("Renting #{} was interrupted before anything was sent", free[0].0)), "{out}");
    assert_eq!(create_calls(&w).await, 0);

    // It wrote its attempt and died waiting for Clore: being checked, nothing sent again.
    let t = confirm_token(&mut s, free[1].0).await;
    clorebot::store::actions::take(pool, &t, me).await.unwrap();
    sqlx::query(
        "INSERT INTO rent_intents (user_id, server_id, price, currency, spot, gpu, origin)
         VALUES ($1, $2, 1.0, 'USD-Blockchain', false, '1× RTX 3060', 'rent')",
    )
    .bind(me.0)
    .bind(free[1].0 as i64)
    .execute(pool)
    .await
    .unwrap();
    let out = finish(&t).await;
    assert!(
        out.starts_with(&format!(
            "Clore did not answer clearly, so I can't say yet whether an order on #{}",
            free[1].0
        )),
        "{out}"
    );
    assert_eq!(create_calls(&w).await, 0);

    // It rented and died before answering: the order is told, and no second one made.
    let t = confirm_token(&mut s, free[2].0).await;
    s.line("/press 1").await;
    let orders = w.sim_orders().await;
    assert_eq!(orders.len(), 1, "{orders:?}");
    let out = finish(&t).await;
    let order = orders[0]["id"].as_u64().unwrap();
    assert_eq!(out, format!("Order {order} on #{} is running; /orders shows how to reach it.", free[2].0));
    assert_eq!((create_calls(&w).await, w.sim_orders().await.len()), (1, 1));
}

/// The servers a `/rent … count=N` confirmation lists, in its order (`#42 · 1× RTX 3060 · …`).
fn listed(confirmation: &str) -> Vec<u64> {
    confirmation.lines().filter_map(|l| l.strip_prefix('#')?.split(" · ").next()?.parse().ok()).collect()
}

/// Orders the simulator holds per server: none may hold two.
async fn orders_by_server(w: &TestApp) -> std::collections::BTreeMap<u64, usize> {
    let mut by = std::collections::BTreeMap::new();
    for o in w.sim_orders().await {
        *by.entry(o["server_id"].as_u64().unwrap_or(0)).or_insert(0) += 1;
    }
    by
}

#[tokio::test]
async fn count_three_is_three_orders_three_intents_one_confirmation() {
    let w = fast_app().await;
    let mut ann = w.keyed("ann").await;
    let out = ann.line("/rent 3060 count=3").await;
    assert!(out.starts_with("Rent these 3 servers?"), "{out}");
    assert!(out.contains("Creation fee: 3 × about $0.10"), "{out}");
    let servers = listed(&out);
    assert_eq!(servers.len(), 3, "{out}");
    let pressed = std::time::Instant::now();
    let out = ann.line("/press 1").await;
    eprintln!("count=3 answered {:?} after Confirm", pressed.elapsed());
    assert!(out.starts_with("✎ All 3 servers are rented:"), "{out}");
    let orders = w.sim_orders().await;
    assert_eq!(orders.len(), 3, "{orders:?}");
    for srv in &servers {
        let order = orders.iter().find(|o| o["server_id"].as_u64() == Some(*srv)).expect("an order per server");
        let id = order["id"].as_u64().unwrap();
        assert!(out.contains(&format!("✓ Order {id} is running on #{srv}")), "{out}");
        assert!(out.contains(&format!("SSH password for order {id}: ")), "{out}");
    }
    assert_eq!(out.matches("ssh root@").count(), 3, "{out}");
    assert_eq!(intent_statuses(&w).await, vec!["made"; 3]);
    assert_eq!(create_calls(&w).await, 3);
    assert_eq!(rent_audit(&w).await.len(), 3);
    assert!(w.accounts_tick().await.is_empty(), "nothing left to settle");
}

/// The console prints a set's progress as its orders land: the set before the first order,
/// then after each one what came of it, the one being sent and the ones waiting — in that
/// order, before the final list, and never a password.
#[tokio::test]
async fn a_sets_progress_prints_as_its_orders_land_before_the_answer() {
    let w = fast_app().await;
    w.store_key("ann").await;
    let input: &[u8] = b"/rent 3060 count=3\n/press 1\n";
    let mut out = Vec::new();
    clorebot::frontends::console::run(&w.core, caller(&w.core, "ann", None), input, &mut out, false, None)
        .await
        .unwrap();
    let out = String::from_utf8(out).unwrap();
    let (confirmation, rest) = out.split_once("\n⏳ ").expect("progress is printed");
    let servers = listed(confirmation);
    assert_eq!(servers.len(), 3, "{out}");
    let (progress, answer) = rest.split_once("✎ ").expect("the final answer follows the progress");
    assert!(answer.starts_with("All 3 servers are rented:"), "{answer}");
    let states: Vec<&str> = progress.split("⏳ ").map(str::trim).collect();
    assert_eq!(states.len(), 3, "one state before each order: {progress}");
    let orders = w.sim_orders().await;
    let order_on = |srv: u64| orders.iter().find(|o| o["server_id"].as_u64() == Some(srv)).unwrap()["id"].clone();
    for (done, state) in states.iter().enumerate() {
        assert!(state.starts_with(&format!("Renting 3 servers: {done} of 3 done so far.")), "{state}");
        for (i, srv) in servers.iter().enumerate() {
            let told = match i.cmp(&done) {
                std::cmp::Ordering::Less => {
                    let made = format!("✓ Order {} is running on #{srv} — ", order_on(*srv));
                    state.lines().any(|l| l.starts_with(&made))
                }
                std::cmp::Ordering::Equal => {
                    state.lines().any(|l| l.starts_with(&format!("#{srv} — ")) && l.ends_with(": sending the order…"))
                }
                std::cmp::Ordering::Greater => {
                    state.lines().any(|l| l.starts_with(&format!("#{srv} — ")) && l.ends_with(": waiting its turn"))
                }
            };
            assert!(told, "#{srv} in state {done}: {state}");
        }
    }
    assert!(!progress.contains("SSH password"), "{progress}");
    assert_eq!(answer.matches("SSH password for order").count(), 3, "{answer}");
}

#[tokio::test]
async fn a_lost_reply_in_a_set_is_found_and_never_sent_twice() {
    let w = fast_app().await;
    let mut ann = w.keyed("ann").await;
    let out = ann.line("/rent 3060 count=3").await;
    let servers = listed(&out);
    assert_eq!(servers.len(), 3, "{out}");
    // The second create_order is made by Clore, but its answer never comes.
    control(&w.sim, "/faults", json!({ "endpoint": "create_order", "mode": "lost_reply", "after": 1 })).await;
    let out = ann.line("/press 1").await;
    assert!(!out.contains("No order was made"), "a lost reply is never a refusal: {out}");
    // Whatever the answer could say at once, the account poll settles the rest.
    if intent_statuses(&w).await.iter().any(|s| s != "made") {
        assert!(out.contains("being checked with Clore"), "{out}");
        w.poll_cycle().await;
    }
    assert_eq!(intent_statuses(&w).await, vec!["made"; 3]);
    let by = orders_by_server(&w).await;
    assert_eq!(by.keys().copied().collect::<Vec<_>>(), sorted(servers.clone()), "{by:?}");
    assert!(by.values().all(|n| *n == 1), "none sent twice: {by:?}");
    assert_eq!(create_calls(&w).await, 3);
    let me = user_id(&w, "ann").await;
    assert_eq!(tracked::active_for_user(&w.core.deps.pool, me).await.unwrap().len(), 3);
}

fn sorted(mut v: Vec<u64>) -> Vec<u64> {
    v.sort();
    v
}

#[tokio::test]
async fn a_balance_for_two_of_three_is_refused_up_front() {
    let w = fast_app().await;
    let mut ann = w.keyed("ann").await;
    let out = ann.line("/rent 3060 count=3").await;
    let servers = listed(&out);
    assert_eq!(servers.len(), 3, "{out}");
    // Enough for the two cheapest (fee and an hour each), not the third.
    let snap = w.core.deps.market.get().await.unwrap();
    let price =
        |id: u64| snap.server(clorebot::clore::ServerId(id)).unwrap().on_demand[&clorebot::clore::Currency::Usd];
    let two = 2.0 * 0.10 + (price(servers[0]) + price(servers[1])) / 24.0 + 0.005;
    control(&w.sim, "/accounts", json!({ "key": KEY, "balances": { "USD-Blockchain": two } })).await;
    let out = ann.line("/rent 3060 count=3").await;
    assert!(out.contains("is not enough for 3 servers"), "{out}");
    assert!(out.contains("your balance covers 2 of them. Nothing was rented"), "{out}");
    assert!(ann.buttons().is_empty() || !out.contains("Rent these"), "no confirmation: {out}");
    assert!(w.sim_orders().await.is_empty());
    assert_eq!(create_calls(&w).await, 0);
    assert!(intent_statuses(&w).await.is_empty());
}

#[tokio::test]
async fn one_refusal_in_a_set_is_named_and_the_others_are_made() {
    let w = fast_app().await;
    let mut ann = w.keyed("ann").await;
    let out = ann.line("/rent 3060 count=3").await;
    let servers = listed(&out);
    assert_eq!(servers.len(), 3, "{out}");
    // Someone else takes the second between the confirmation and the Confirm.
    control(&w.sim, &format!("/servers/{}", servers[1]), json!({ "rented": true })).await;
    let out = ann.line("/press 1").await;
    assert!(out.starts_with("✎ 2 of 3 servers rented:"), "{out}");
    assert!(out.contains(&format!("✗ Someone else rented #{} a moment ago. No order was made.", servers[1])), "{out}");
    let by = orders_by_server(&w).await;
    assert_eq!(by.keys().copied().collect::<Vec<_>>(), sorted(vec![servers[0], servers[2]]), "{by:?}");
    for srv in [servers[0], servers[2]] {
        assert!(out.contains(&format!("is running on #{srv}")), "{out}");
    }
    assert_eq!(intent_statuses(&w).await, vec!["made", "refused", "made"]);
}

#[tokio::test]
async fn fewer_free_matches_than_asked_are_said_and_those_rented() {
    let w = fast_app().await;
    let mut ann = w.keyed("ann").await;
    let out = ann.line("/rent 12 count=2").await;
    assert!(out.contains("a server id names one server"), "{out}");
    let out = ann.line("/rent 3060 count=10").await;
    let first = listed(&out);
    assert!(first.len() >= 2, "{out}");
    // Every other 3060 is taken: two are left.
    let snap = w.core.deps.market.get().await.unwrap();
    for s in snap.servers.iter().filter(|s| s.model.as_str().contains("3060") && !first[..2].contains(&s.id.0)) {
        control(&w.sim, &format!("/servers/{}", s.id.0), json!({ "rented": true })).await;
    }
    w.core.deps.market.invalidate();
    let out = ann.line("/rent 3060 count=10").await;
    assert!(out.starts_with("Rent these 2 servers?"), "{out}");
    assert!(out.contains("Only 2 free servers match") && out.contains("you asked for 10"), "{out}");
    assert_eq!(sorted(listed(&out)), sorted(first[..2].to_vec()));
    let out = ann.line("/press 1").await;
    assert!(out.starts_with("✎ All 2 servers are rented:"), "{out}");
    assert_eq!(w.sim_orders().await.len(), 2);
}

#[tokio::test]
async fn a_spot_set_bids_the_same_on_each_server() {
    let w = fast_app().await;
    let mut ann = w.keyed("ann").await;
    let out = ann.line("/rent 3060 count=2 spot=2").await;
    assert!(out.starts_with("Rent these 2 servers?"), "{out}");
    assert!(out.contains("Each server gets the same bid"), "{out}");
    let servers = listed(&out);
    let out = ann.line("/press 1").await;
    assert!(out.starts_with("✎ All 2 servers are rented:"), "{out}");
    let orders = w.sim_orders().await;
    assert_eq!(orders.len(), 2, "{orders:?}");
    for o in &orders {
        assert!(servers.contains(&o["server_id"].as_u64().unwrap()), "{o}");
        assert_eq!((o["spot"].as_bool(), o["price"].as_f64()), (Some(true), Some(2.0)), "{o}");
    }
}

#[tokio::test]
async fn a_set_confirmed_by_a_dead_process_tells_each_server_and_rents_nothing_again() {
    let w = fast_app().await;
    let mut s = w.keyed("ann").await;
    let (ann, me) = (caller(&w.core, "ann", None), user_id(&w, "ann").await);
    let finish = async |token: &str| {
        let p = clorebot::core::recovered(w.core.press(&ann, token)).await;
        p.replace_source.expect("the confirmation is replaced").plain_text()
    };
    // Used and died before anything was written: nothing was sent, server by server.
    let servers = listed(&s.line("/rent 3060 count=2").await);
    let t = s.buttons()[0].token.clone();
    clorebot::store::actions::take(&w.core.deps.pool, &t, me).await.unwrap();
    let out = finish(&t).await;
    for srv in &servers {
        assert!(out.contains(&format!("Renting #{srv} was interrupted before anything was sent")), "{out}");
    }
    // Rented both and died before answering: each order is told, none made again.
    s.line("/rent 3060 count=2").await;
    let t = s.buttons()[0].token.clone();
    s.line("/press 1").await;
    let out = finish(&t).await;
    for o in w.sim_orders().await {
        assert!(out.contains(&format!("Order {} on #{} is running", o["id"], o["server_id"])), "{out}");
    }
    assert_eq!((create_calls(&w).await, w.sim_orders().await.len()), (2, 2));
}
