//! `clorebot run`: the HTTP endpoints, supervision of the pollers, and a clean stop on
//! SIGTERM that lets an auto-rent under way commit.

mod common;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use serde_json::json;

async fn get(url: &str) -> (u16, String) {
    let r = reqwest::get(url).await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// How often an HTTP endpoint is asked again: nothing tells the test when its answer changes.
const ASK_EVERY: Duration = Duration::from_millis(50);

/// Asks `url` until it answers `status` (or fails the test after `within`).
async fn until_status(url: &str, status: u16, within: Duration) -> String {
    let mut last = String::new();
    let answered = try_wait_for(within, every(ASK_EVERY), async || match reqwest::get(url).await {
        Ok(r) => {
            let s = r.status().as_u16();
            let body = r.text().await.unwrap_or_default();
            if s == status {
                return Some(body);
            }
            last = format!("{s}: {body}");
            None
        }
        Err(e) => {
            last = e.to_string();
            None
        }
    })
    .await;
    answered.unwrap_or_else(|| panic!("{url} still answers {last}"))
}

fn sample_value(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))?
        .rsplit(' ')
        .next()?
        .parse()
        .ok()
}

#[tokio::test]
async fn serves_health_readiness_and_metrics_and_503s_without_its_database() {
    let t = test_app_on(start_sim(60).await, |c| {
        c.engine.market_poll = Duration::from_millis(500);
        c.shutdown_grace = Duration::from_secs(5);
    })
    .await;
    let db: String = sqlx::query_scalar("SELECT current_database()").fetch_one(&t.core.deps.pool).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let core = t.core.clone();
    let server = tokio::spawn(t.app.serve(listener, async {
        stopped.await.ok();
    }));

    assert_eq!(get(&format!("{base}/healthz")).await, (200, "ok\n".into()));
    let ready = until_status(&format!("{base}/readyz"), 200, Duration::from_secs(20)).await;
    assert!(ready.starts_with("ready\ndatabase ok; Clore answered "), "{ready}");

    // A command, an alert queued and one delivered, so every family has samples.
    let mut ann =
        clorebot::frontends::console::Session::new(&core, clorebot::frontends::console::caller(&core, "ann", None));
    assert!(ann.line("/gpus 4090").await.contains("RTX 4090"));
    let alert = |k: &str| clorebot::store::outbox::NewAlert {
        urgent: true,
        hold: Default::default(),
        part: None,
        dedup_key: k.into(),
        platform: clorebot::domain::Platform::Console,
        target_chat_id: Some("dm:ann".into()),
        target_thread_id: None,
        target_user: None,
        payload: clorebot::alerts::message::to_payload(&clorebot::core::Reply::text("hello")).unwrap(),
    };
    clorebot::store::outbox::enqueue(&core.deps.pool, &alert("a")).await.unwrap();
    clorebot::alerts::deliver::deliver_once(&core.deps.pool, &Recorder::default()).await.unwrap();
    clorebot::store::outbox::enqueue(&core.deps.pool, &alert("b")).await.unwrap();

    let (status, m) = get(&format!("{base}/metrics")).await;
    assert_eq!(status, 200);
    for series in [
        r#"clorebot_commands_total{command="gpus",outcome="ok"} 1"#,
        r#"clorebot_command_seconds_bucket{command="gpus",le="+Inf"} 1"#,
        r#"clorebot_clore_calls_total{endpoint="marketplace",result="ok"}"#,
        r#"clorebot_alerts_enqueued_total{platform="console"} 2"#,
        r#"clorebot_alerts_delivered_total{platform="console"} 1"#,
        r#"clorebot_alerts_failed_total{platform="console"} 0"#,
        "clorebot_outbox_backlog 1",
        "clorebot_outbox_oldest_seconds ",
        r#"clorebot_poll_seconds_bucket{poller="market",le="+Inf"}"#,
        "clorebot_leader 1",
        "clorebot_accounts_polled_total ",
        "clorebot_accounts_keyed ",
        r#"clorebot_clore_budget_waits_total{class="background"}"#,
        "# TYPE clorebot_command_seconds histogram",
    ] {
        assert!(m.contains(series), "no {series} in\n{m}");
    }
    assert!(sample_value(&m, r#"clorebot_clore_calls_total{endpoint="marketplace",result="ok"}"#).unwrap() >= 1.0);

    // The database goes away: ready no more, with the reason; alive still.
    core.deps.pool.close().await;
    clorebot::app::tempdb::drop_database(&db).await.unwrap();
    let why = until_status(&format!("{base}/readyz"), 503, Duration::from_secs(10)).await;
    assert!(why.starts_with("not ready: the database"), "{why}");
    assert_eq!(get(&format!("{base}/healthz")).await.0, 200);

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server).await.expect("stops within the grace").unwrap().unwrap();
}

#[tokio::test]
async fn a_poller_that_dies_is_restarted_and_polls_again() {
    let t = test_app_on(start_sim(60).await, |c| c.engine.market_poll = Duration::from_millis(300)).await;
    let rounds = Arc::new(AtomicUsize::new(0));
    let seen = rounds.clone();
    let probe: clorebot::alerts::PollProbe = Arc::new(move |poller: &str| {
        if poller == "market" && seen.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("a poller bug");
        }
    });
    assert!(t.engine.probe.set(probe).is_ok());
    let mut ann = t.keyed("ann").await;
    let free = free_of(&t.sim, "RTX 4090").await;
    let max = (free[0].1 * 0.9 * 1000.0).floor() / 1000.0;
    assert!(ann.line(&format!("/watch 4090 max={max}")).await.starts_with("Watch #1"));
    t.set_price(free[free.len() - 1].0, max * 0.9).await;
    t.app.start_engine();
    // The first market round panics outside any poll's guard: the pollers die, the lock is
    // let go, and the supervisor starts them again a second later. (The alert is a row the
    // engine writes: looked for again every RECHECK.)
    let alert = wait_for("an alert after the restart", WAIT, every(RECHECK), async || {
        t.deliver().await.into_iter().next().map(|(_, text)| text)
    })
    .await;
    assert!(alert.contains(&format!("#{} ", free[free.len() - 1].0)), "{alert}");
    assert!(rounds.load(Ordering::SeqCst) >= 2, "the market poller ran again");
    assert!(t.engine.is_leading(), "leadership was taken up again");
    t.app.shutdown().await;
}

fn clorebot_run() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_clorebot"));
    c.arg("run");
    for v in ["DATABASE_URL", "CLOREBOT_MASTER_KEY", "CLOREBOT_MASTER_KEYS", "TELEGRAM_BOT_TOKEN", "DISCORD_TOKEN"] {
        c.env_remove(v);
    }
    c
}

#[test]
fn run_without_a_database_says_which_variable_is_missing() {
    let out = clorebot_run().env("CLOREBOT_MASTER_KEY", master_key_b64()).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("DATABASE_URL: not set; `clorebot run` needs the PostgreSQL database to use"), "{err}");
    let out = clorebot_run().env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/x").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("CLOREBOT_MASTER_KEY: not set"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_an_auto_rent_lets_it_commit_then_exits_0() {
    let sim = start_sim(200).await;
    let url = clorebot::app::tempdb::fresh_database_url("run").await.unwrap();
    let t = test_app_on(sim, |c| c.database_url = Some(url.clone().into())).await;
    let (_ann, free, max) = t.autorent_3060("ann", |_| String::new()).await;
    let mut child = clorebot_run()
        .env("DATABASE_URL", &url)
        .env("CLOREBOT_MASTER_KEY", master_key_b64())
        .env("CLORE_API_URL", t.sim.api_url())
        .env("CLOREBOT_HTTP_LISTEN", "127.0.0.1:0")
        .env("CLOREBOT_MARKET_POLL_SECS", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
    let base = line
        .trim()
        .strip_prefix("clorebot serving /healthz, /readyz and /metrics on ")
        .unwrap_or_else(|| {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            panic!("clorebot run printed {line:?}; stderr:\n{err}")
        })
        .to_owned();

    // Up, polling, and counting.
    let readyz = format!("{base}/readyz");
    let up = tokio::time::timeout(Duration::from_secs(30), until_status(&readyz, 200, Duration::MAX));
    if up.await.is_err() {
        child.kill().ok();
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        panic!("clorebot run never became ready: {:?}\n{err}", child.wait());
    }
    // The container health check: `clorebot health` asks the listener on loopback.
    let health = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_clorebot"));
        c.arg("health").env("CLOREBOT_HTTP_LISTEN", base.strip_prefix("http://").unwrap()).output().unwrap()
    };
    let out = health();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    wait_for("the process to lead and poll the market", WAIT, every(ASK_EVERY), async || {
        let (_, m) = get(&format!("{base}/metrics")).await;
        m.contains("clorebot_leader 1") && m.contains(r#"clorebot_poll_seconds_bucket{poller="market""#)
    })
    .await;

    // A bargain appears; Clore takes three seconds over the order; SIGTERM arrives meanwhile.
    control(&t.sim, "/faults", json!({ "endpoint": "create_order", "mode": "latency", "latency_ms": 3000 })).await;
    t.set_price(free[0].0, max * 0.9).await;
    // The attempt is a row the other process writes: looked for again every RECHECK.
    wait_for("the auto-rent to start", WAIT, every(RECHECK), async || {
        let pending: i64 = sqlx::query_scalar("SELECT count(*) FROM rent_intents WHERE status = 'pending'")
            .fetch_one(&t.core.deps.pool)
            .await
            .unwrap();
        pending == 1
    })
    .await;
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || {
        let s = child.wait().unwrap();
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        (s, err)
    })
    .await
    .unwrap();
    assert!(status.0.success(), "exit {:?}: {}", status.0, status.1);
    let out = health();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("did not answer"));

    // The order Clore made is known: the attempt settled as made, the order tracked.
    let settled: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT status, order_id FROM rent_intents").fetch_all(&t.core.deps.pool).await.unwrap();
    let orders = t.sim_orders().await;
    assert_eq!(orders.len(), 1, "{orders:?}");
    let order = orders[0]["id"].as_i64().unwrap();
    assert_eq!(settled, vec![("made".to_owned(), Some(order))]);
    let tracked: i64 = sqlx::query_scalar("SELECT count(*) FROM tracked_orders WHERE order_id = $1")
        .bind(order)
        .fetch_one(&t.core.deps.pool)
        .await
        .unwrap();
    assert_eq!(tracked, 1);
}
