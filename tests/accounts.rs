//! The account poll at scale (docs/alerts.md): each account's calls come only as often as the
//! schedule says, replicas share the accounts without polling one twice, and a replica that
//! dies lets its accounts go when their lease ends — with every alert sent once throughout.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use clorebot::alerts::{Engine, EngineConfig};
use clorebot::clore::{CreateOrder, Currency, ServerId};
use clorebot::domain::UserId;
use clorebot::store::intents::{self, NewIntent, Origin};
use common::*;
use serde_json::json;

/// A simulator key for user number `i`: its own account, hosting servers only if `host`.
async fn account(w: &TestApp, user: &str, host: bool) -> String {
    let key = format!("acct-{user:0>8}-0123456789abcdef0");
    control(&w.sim, "/accounts", json!({ "key": key, "host": host })).await;
    w.store_key_with(user, &key).await;
    key
}

/// Calls the simulator answered for `key`, by endpoint.
async fn calls_of(w: &TestApp, key: &str) -> BTreeMap<String, u64> {
    let st = state(&w.sim).await;
    let acct = st["accounts"].as_array().unwrap().iter().find(|a| a["key"] == key).unwrap().clone();
    serde_json::from_value(acct["calls"].clone()).unwrap()
}

async fn calls_to(w: &TestApp, key: &str, endpoint: &str) -> u64 {
    calls_of(w, key).await.get(endpoint).copied().unwrap_or(0)
}

async fn user_id(w: &TestApp, name: &str) -> UserId {
    clorebot::store::users::find_user(&w.core.deps.pool, clorebot::domain::Platform::Console, name)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn a_quiet_account_is_looked_at_every_fifth_cycle_and_at_once_after_a_rent() {
    let w = quick_app().await;
    let key = account(&w, "quinn", false).await;
    let mut seen = Vec::new();
    for _ in 0..10 {
        w.poll_cycle().await;
        seen.push(calls_to(&w, &key, "my_orders").await);
    }
    assert_eq!(seen, vec![1, 1, 1, 1, 1, 2, 2, 2, 2, 2], "orders asked on cycles 1 and 6");

    // A rent (which looks at the orders itself) makes the very next cycle look again, and
    // every cycle after it while the order runs.
    let mut quinn = w.session("quinn", None);
    let srv = free_of(&w.sim, "RTX 3060").await[0].0;
    quinn.line(&format!("/rent #{srv}")).await;
    assert!(quinn.line("/press 1").await.contains("is running"));
    let after_rent = calls_to(&w, &key, "my_orders").await;
    for n in 1..=3 {
        w.poll_cycle().await;
        assert_eq!(calls_to(&w, &key, "my_orders").await, after_rent + n, "cycle {n} after the rent");
    }
    // With an order running, its balance is watched too — once in ten minutes, not per cycle.
    assert_eq!(calls_to(&w, &key, "wallets").await, 1, "{:?}", calls_of(&w, &key).await);
}

#[tokio::test]
async fn a_rent_whose_process_died_makes_its_account_due_on_the_next_cycle() {
    let sim = start_sim(200).await;
    quicken(&sim).await;
    let w = test_app_on(sim, |cfg| {
        quick(&mut cfg.clore);
        cfg.engine.intent_grace = Duration::ZERO;
    })
    .await;
    let key = account(&w, "dora", false).await;
    w.poll_cycle().await;
    w.poll_cycle().await;
    assert_eq!(calls_to(&w, &key, "my_orders").await, 1, "quiet: next look in four cycles");
    // A rent was written ahead, and its process died before sending or telling anyone.
    let me = user_id(&w, "dora").await;
    let mut conn = w.core.deps.pool.acquire().await.unwrap();
    let intent = NewIntent {
        user: me,
        server_id: free_of(&w.sim, "RTX 3060").await[0].0 as i64,
        price: 1.0,
        currency: "USD-Blockchain".into(),
        spot: false,
        gpu: "1× RTX 3060".into(),
        watch: None,
        origin: Origin::Rent,
        login_secret: None,
        guard: None,
    };
    assert!(matches!(intents::begin(&mut conn, &intent).await.unwrap(), intents::Begun::Started(_)));
    w.poll_cycle().await;
    assert_eq!(calls_to(&w, &key, "my_orders").await, 2, "looked at on the very next cycle");
    w.poll_cycle().await;
    assert_eq!(calls_to(&w, &key, "my_orders").await, 3, "and every cycle while the attempt is open");
}

#[tokio::test]
async fn only_hosts_have_their_servers_asked_for_every_cycle() {
    let w = quick_app().await;
    let host = account(&w, "hana", true).await;
    let other = account(&w, "nico", false).await;
    for _ in 0..6 {
        w.poll_cycle().await;
    }
    assert_eq!(calls_to(&w, &host, "my_servers").await, 6, "a host's servers, every cycle");
    assert_eq!(calls_to(&w, &other, "my_servers").await, 1, "someone hosting nothing: the first cycle only");
    // Every cycle made one visit to the host (servers) and orders were asked on 2 of 6.
    assert_eq!(calls_to(&w, &host, "my_orders").await, 2);
    assert_eq!(calls_to(&w, &other, "my_orders").await, 2);

    // `/myservers` finding nothing changes nothing; a new key is a new account to learn.
    let mut nico = w.session("nico", None);
    assert!(nico.line("/myservers").await.contains("You host no servers"));
    w.poll_cycle().await;
    assert_eq!(calls_to(&w, &other, "my_servers").await, 2, "the one /myservers made");
    let me = user_id(&w, "nico").await;
    let host_flag: Option<bool> = sqlx::query_scalar("SELECT host FROM account_polls WHERE user_id = $1")
        .bind(me)
        .fetch_one(&w.core.deps.pool)
        .await
        .unwrap();
    assert_eq!(host_flag, Some(false));
}

/// Every account due at `at`, read before a cycle.
async fn due_at(w: &TestApp, at: chrono::DateTime<chrono::Utc>) -> BTreeSet<UserId> {
    sqlx::query_scalar("SELECT user_id FROM account_polls WHERE due_at <= $1")
        .bind(at)
        .fetch_all(&w.core.deps.pool)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

#[tokio::test]
async fn two_engines_share_every_cycle_and_poll_each_due_account_once() {
    let w = quick_app().await;
    let mut keys = BTreeMap::new();
    for i in 0..24 {
        let name = format!("u{i:02}");
        keys.insert(name.clone(), account(&w, &name, i % 6 == 0).await);
    }
    let cfg = EngineConfig { accounts_at_once: Some(4), ..EngineConfig::default() };
    let a = Engine::new(w.core.deps.clone(), cfg.clone());
    let b = Engine::new(w.core.deps.clone(), cfg);
    let mut polled_in_all: BTreeMap<UserId, usize> = BTreeMap::new();
    for cycle in 1..=6 {
        let at = w.next_cycle();
        let due = due_at(&w, at).await;
        let (ra, rb) = tokio::join!(a.poll_accounts_at(at), b.poll_accounts_at(at));
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        let (sa, sb): (BTreeSet<UserId>, BTreeSet<UserId>) =
            (ra.polled.iter().copied().collect(), rb.polled.iter().copied().collect());
        assert_eq!(sa.len(), ra.polled.len(), "engine A polled an account twice in cycle {cycle}");
        assert_eq!(sb.len(), rb.polled.len(), "engine B polled an account twice in cycle {cycle}");
        assert!(sa.is_disjoint(&sb), "cycle {cycle}: both polled {:?}", sa.intersection(&sb).collect::<Vec<_>>());
        let union: BTreeSet<UserId> = sa.union(&sb).copied().collect();
        if cycle == 1 {
            assert_eq!(union.len(), 24, "every account is new and due");
            assert!(!sa.is_empty() && !sb.is_empty(), "both engines took a share: {} / {}", sa.len(), sb.len());
        } else {
            assert_eq!(union, due, "cycle {cycle}: exactly the accounts due");
        }
        for u in union {
            *polled_in_all.entry(u).or_default() += 1;
        }
    }
    // Quiet accounts: cycles 1 and 6; hosts (servers): all six.
    for (name, key) in &keys {
        let id = user_id(&w, name).await;
        let host = name[1..].parse::<usize>().unwrap() % 6 == 0;
        assert_eq!(polled_in_all[&id], if host { 6 } else { 2 }, "{name}");
        assert_eq!(calls_to(&w, key, "my_orders").await, 2, "{name}");
        assert_eq!(calls_to(&w, key, "my_servers").await, if host { 6 } else { 1 }, "{name}");
    }
}

/// `n` users, each with their own account and an order on a server with a one-hour maximum
/// rental (made on "the dashboard", so the bot discovers it): each is owed exactly one
/// "ends in" alert.
async fn users_with_orders_ending_soon(w: &TestApp, n: usize) -> Vec<(String, u64)> {
    let free = free_of(&w.sim, "RTX 3060").await;
    assert!(free.len() >= n);
    let mut out = Vec::new();
    for (i, (srv, _)) in free.iter().take(n).enumerate() {
        let name = format!("k{i:02}");
        let key = account(w, &name, false).await;
        control(&w.sim, &format!("/servers/{srv}"), json!({ "mrl_hours": 1 })).await;
        let client = client_with(&w.sim, quick);
        let api_key = clorebot::clore::ApiKey::parse(&key).unwrap();
        let order = client
            .create_order(&api_key, &CreateOrder::on_demand(ServerId(*srv), "ubuntu", Currency::Usd))
            .await
            .unwrap()
            .order
            .unwrap();
        out.push((name, order.id.db() as u64));
    }
    out
}

#[tokio::test]
async fn a_killed_engine_lets_its_accounts_go_when_the_lease_ends_and_no_alert_is_lost_or_doubled() {
    let w = quick_app().await;
    let users = users_with_orders_ending_soon(&w, 12).await;
    let lease = Duration::from_secs(3);
    let cfg = EngineConfig {
        orders_poll: Duration::from_secs(2),
        account_lease: lease,
        accounts_at_once: Some(16),
        ..EngineConfig::default()
    };
    // Engine A's order lists hang: it dies holding its claims.
    control(
        &w.sim,
        "/faults",
        json!({ "endpoint": "my_orders", "mode": "latency", "latency_ms": 30_000, "count": 12 }),
    )
    .await;
    let a = Arc::new(Engine::new(w.core.deps.clone(), cfg.clone()));
    let stop = tokio_util::sync::CancellationToken::new();
    let dying = tokio::spawn(a.clone().run_account_polls(stop.clone()));
    until_leased(&w, 12).await;
    dying.abort();
    let killed_at = chrono::Utc::now();
    control_delete_faults(&w).await;
    // Most of A's lease passes at once: the engines read lease ends from the database, where
    // what is left of each now runs out a second after the kill.
    let lease_left = chrono::Duration::seconds(1);
    let held: Vec<(UserId, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
        "UPDATE account_polls SET lease_until = LEAST(lease_until, $1)
         WHERE lease_until IS NOT NULL RETURNING user_id, lease_until",
    )
    .bind(killed_at + lease_left)
    .fetch_all(&w.core.deps.pool)
    .await
    .unwrap();
    assert_eq!(held.len(), 12);

    let b = Arc::new(Engine::new(w.core.deps.clone(), cfg));
    let living = tokio::spawn(b.clone().run_account_polls(stop.clone()));
    // B takes each account once A's lease on it has run out (A finished none: no account has
    // a poll on record until B's), and polls on until each has been told. Nothing signals a
    // poll: the database is looked at again every RECHECK.
    let mut taken: BTreeMap<UserId, chrono::DateTime<chrono::Utc>> = BTreeMap::new();
    let mut sent = Vec::new();
    let polls = async || -> Vec<(UserId, chrono::DateTime<chrono::Utc>)> {
        sqlx::query_as("SELECT user_id, polled_at FROM account_polls WHERE polled_at IS NOT NULL")
            .fetch_all(&w.core.deps.pool)
            .await
            .unwrap()
    };
    try_wait_for(Duration::from_secs(40), every(RECHECK), async || {
        for (u, _) in polls().await {
            taken.entry(u).or_insert_with(chrono::Utc::now);
        }
        sent.extend(w.deliver().await);
        sent.len() >= users.len() && taken.len() >= held.len()
    })
    .await;
    // Two more polls of every account: nothing more is owed.
    let before: BTreeMap<UserId, chrono::DateTime<chrono::Utc>> = polls().await.into_iter().collect();
    let mut later: BTreeMap<UserId, BTreeSet<chrono::DateTime<chrono::Utc>>> = BTreeMap::new();
    wait_for("two more polls of every account", WAIT, every(RECHECK), async || {
        for (u, at) in polls().await {
            if before.get(&u).is_none_or(|b| at > *b) {
                later.entry(u).or_default().insert(at);
            }
        }
        held.iter().all(|(u, _)| later.get(u).is_some_and(|l| l.len() >= 2))
    })
    .await;
    sent.extend(w.deliver().await);
    stop.cancel();
    living.await.unwrap();

    for (u, until) in &held {
        let at = taken.get(u).unwrap_or_else(|| panic!("{u} was never polled after A died"));
        assert!(at >= until, "{u} was polled at {at}, before A's lease ended at {until}");
        // What was left of the lease, plus B's look for due accounts (every second) and the poll.
        assert!(
            *at - killed_at <= lease_left + chrono::Duration::seconds(3),
            "{u}: taken over {} after",
            *at - killed_at
        );
    }
    for (name, order) in &users {
        let to = format!("dm:{name}");
        let mine: Vec<&String> = sent.iter().filter(|(t, _)| *t == to).map(|(_, m)| m).collect();
        assert_eq!(mine.len(), 1, "{name}: {mine:?}");
        assert!(mine[0].starts_with(&format!("Order {order} on #")) && mine[0].contains(" ends in "), "{mine:?}");
    }
    assert_eq!(sent.len(), users.len(), "{sent:?}");
}

/// Waits until engine A holds `n` accounts; returns each with the end of its lease.
async fn until_leased(w: &TestApp, n: usize) -> Vec<(UserId, chrono::DateTime<chrono::Utc>)> {
    // A claim is a row in the database: looked at again every RECHECK.
    wait_for(&format!("engine A to claim {n} accounts"), WAIT, every(RECHECK), async || {
        let held: Vec<(UserId, chrono::DateTime<chrono::Utc>)> =
            sqlx::query_as("SELECT user_id, lease_until FROM account_polls WHERE lease_until IS NOT NULL")
                .fetch_all(&w.core.deps.pool)
                .await
                .unwrap();
        (held.len() >= n).then_some(held)
    })
    .await
}

async fn control_delete_faults(w: &TestApp) {
    reqwest::Client::new().delete(format!("{}/faults", w.sim.control_url())).send().await.unwrap();
}

#[tokio::test]
async fn a_rent_while_the_account_is_being_polled_keeps_it_due() {
    use clorebot::store::account_polls::{self, Next};
    let w = quick_app().await;
    account(&w, "rita", false).await;
    w.poll_cycle().await;
    let me = user_id(&w, "rita").await;
    let pool = &w.core.deps.pool;
    let orders_due = || async {
        sqlx::query_scalar::<_, chrono::DateTime<chrono::Utc>>(
            "SELECT orders_due_at FROM account_polls WHERE user_id = $1",
        )
        .bind(me)
        .fetch_one(pool)
        .await
        .unwrap()
    };
    let later = |row: &account_polls::Due, at: chrono::DateTime<chrono::Utc>| Next {
        orders_due_at: at + chrono::Duration::minutes(5),
        servers_due_at: row.servers_due_at,
        wallets_after: None,
        host: Some(false),
        busy_at: None,
    };
    // A poll claims the account; a rent lands while it runs; the poll then ends as quiet.
    // (Postgres keeps microseconds.)
    let at = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now() + chrono::Duration::minutes(10), 6);
    let token = uuid::Uuid::new_v4();
    let rows = account_polls::claim(pool, token, at, 10, Duration::from_secs(60)).await.unwrap();
    assert_eq!(rows.len(), 1);
    account_polls::poke(pool, me).await.unwrap();
    assert!(
        !account_polls::finish(pool, uuid::Uuid::new_v4(), &rows[0], &later(&rows[0], at), at).await.unwrap(),
        "not its claim"
    );
    assert!(account_polls::finish(pool, token, &rows[0], &later(&rows[0], at), at).await.unwrap());
    assert!(orders_due().await <= chrono::Utc::now(), "the rent's poke stands: due at once");
    // Without anything in between, a poll's end sets the next time.
    let rows = account_polls::claim(pool, token, at, 10, Duration::from_secs(60)).await.unwrap();
    assert!(account_polls::finish(pool, token, &rows[0], &later(&rows[0], at), at).await.unwrap());
    assert_eq!(orders_due().await, at + chrono::Duration::minutes(5));
}
