//! No interaction or update lost to a crash: what a platform handed over is recorded before it
//! is acknowledged, and a survivor finishes what a dead process left. The dying process is a
//! real `clorebot run` killed with SIGKILL while its Clore call hangs in the simulator; the
//! survivor is a process on the same database; the platforms are the fakes of
//! tests/common, and the interaction and update are shaped as the other tests shape them
//! (Discord's docs, teloxide's fixtures).

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Instant;

use common::discord::{APP_ID, FakeDiscord, fixture, post_signed};
use common::telegram::{self as fake_tg, FakeTelegram, Limits, updates as up};
use common::*;
use ed25519_dalek::SigningKey;
use serde_json::{Value, json};

const ANN: i64 = 218485655;

/// A `clorebot run` process on database `db` and the simulator at `clore`, killed when dropped.
struct Run {
    child: Child,
    base: String,
}

impl Run {
    async fn start(db: &str, clore: &str, vars: &[(&str, String)]) -> Run {
        let mut c = Command::new(env!("CARGO_BIN_EXE_clorebot"));
        c.arg("run");
        for v in ["DATABASE_URL", "CLOREBOT_MASTER_KEY", "CLOREBOT_MASTER_KEYS", "TELEGRAM_BOT_TOKEN", "DISCORD_TOKEN"]
        {
            c.env_remove(v);
        }
        c.env("DATABASE_URL", db)
            .env("CLOREBOT_MASTER_KEY", master_key_b64())
            .env("CLORE_API_URL", clore)
            .env("CLOREBOT_HTTP_LISTEN", "127.0.0.1:0")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in vars {
            c.env(k, v);
        }
        let mut child = c.spawn().unwrap();
        let out = child.stdout.take().unwrap();
        let line = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            std::io::BufRead::read_line(&mut std::io::BufReader::new(out), &mut line).unwrap();
            line
        })
        .await
        .unwrap();
        let base = line
            .trim()
            .strip_prefix("clorebot serving /healthz, /readyz and /metrics on ")
            .unwrap_or_else(|| panic!("clorebot run printed {line:?}"))
            .to_owned();
        Run { child, base }
    }

    /// SIGKILL: nothing of the process runs after this.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `/gpus 4090` from the fixture's user in the fixture's server channel.
fn gpus_4090(id: &str, token: &str) -> Value {
    let mut i = fixture("command");
    i["id"] = json!(id);
    i["token"] = json!(token);
    i["data"]["name"] = json!("gpus");
    i["data"]["options"] = json!([{ "name": "query", "type": 3, "value": "4090" }]);
    i
}

/// From now on every marketplace call hangs (for two minutes): a process that asks is stuck.
async fn marketplace_hangs(sim: &clorebot::sim::SimHandle) {
    control(
        sim,
        "/faults",
        json!({ "endpoint": "marketplace", "mode": "latency", "latency_ms": 120_000, "count": 1000 }),
    )
    .await;
}

async fn marketplace_answers(sim: &clorebot::sim::SimHandle) {
    let r = reqwest::Client::new().delete(format!("{}/faults", sim.control_url())).send().await.unwrap();
    assert!(r.status().is_success());
}

/// The inbox row of the one item of `platform`: (done, times taken over).
async fn inbox_row(pool: &sqlx::PgPool, platform: &str) -> Option<(bool, i32)> {
    sqlx::query_as("SELECT done_at IS NOT NULL, takeovers FROM inbox WHERE platform = $1")
        .bind(platform)
        .fetch_optional(pool)
        .await
        .unwrap()
}

/// The bot's Telegram settings against `fake`, long polling.
fn tg_config(fake: &FakeTelegram) -> clorebot::config::TelegramConfig {
    clorebot::config::TelegramConfig {
        token: secrecy::SecretString::from(fake_tg::TOKEN),
        api_url: url::Url::parse(&fake.url()).unwrap(),
        webhook_url: None,
        webhook_secret: secrecy::SecretString::from("hook-Secret_123"),
        limits: clorebot::config::telegram_limits(),
        max_waiting: clorebot::config::MAX_WAITING,
        poll_timeout: std::time::Duration::from_secs(2),
    }
}

/// A process on `db` serving until the sender is used: its database pool and the sender.
struct Survivor {
    pool: sqlx::PgPool,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    sim: clorebot::sim::SimHandle,
}

/// A survivor built, with its market snapshot, and not serving yet.
struct Standby(TestApp);

impl Survivor {
    /// Builds it on `db` as `tweak` says, with its market snapshot taken now and kept for an
    /// hour (so that it answers `/gpus` while the simulator's marketplace hangs), and serves.
    async fn start(
        sim: clorebot::sim::SimHandle,
        db: &str,
        tweak: impl FnOnce(&mut clorebot::config::Config),
    ) -> Survivor {
        Survivor::standby(sim, db, tweak).await.serve().await
    }

    /// Builds it as [`Survivor::start`] does, without serving yet.
    async fn standby(
        sim: clorebot::sim::SimHandle,
        db: &str,
        tweak: impl FnOnce(&mut clorebot::config::Config),
    ) -> Standby {
        let t = test_app_on(sim, |c| {
            c.database_url = Some(db.to_owned().into());
            c.market_ttl = std::time::Duration::from_secs(3600);
            tweak(c);
        })
        .await;
        t.core.deps.market.get().await.unwrap();
        Standby(t)
    }
}

impl Standby {
    /// Serves from now on.
    async fn serve(self) -> Survivor {
        let t = self.0;
        let pool = t.core.deps.pool.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (stop, rx) = tokio::sync::oneshot::channel::<()>();
        let TestApp { sim, app, .. } = t;
        let served = tokio::spawn(app.serve(listener, async move {
            let _ = rx.await;
        }));
        Survivor { pool, stop: Some(stop), served: Some(served), sim }
    }
}

impl Survivor {
    /// Stops it, letting its work under way finish.
    async fn stop(mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        self.served.take().unwrap().await.unwrap().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interaction_whose_process_dies_is_finished_by_a_survivor_through_its_token() {
    let db = clorebot::app::tempdb::fresh_database_url("inbox").await.unwrap();
    let fake = FakeDiscord::start().await;
    let key = SigningKey::from_bytes(&[7; 32]);
    let cfg = common::discord::config(&fake, Some(&key), false);
    let b = Survivor::start(start_sim(200).await, &db, |c| c.discord = Some(cfg.clone())).await;
    marketplace_hangs(&b.sim).await;
    let mut a = Run::start(
        &db,
        &b.sim.api_url(),
        &[
            ("DISCORD_TOKEN", common::discord::TOKEN.to_owned()),
            ("DISCORD_APPLICATION_ID", APP_ID.to_string()),
            ("DISCORD_PUBLIC_KEY", hex::encode(key.verifying_key().to_bytes())),
            ("DISCORD_GATEWAY", "off".to_owned()),
            ("DISCORD_API_URL", fake.url()),
        ],
    )
    .await;

    // The first process defers the command, asks Clore, and dies waiting.
    let i = gpus_4090("1355555555555555777", "dying-token");
    let answer = post_signed(&format!("{}/discord/interactions", a.base), &key, &i).await;
    assert_eq!(answer, (200, json!({ "type": 5 })));
    fake.deferred("dying-token", 0);
    a.kill();
    let killed = Instant::now();
    marketplace_answers(&b.sim).await;

    // The survivor finishes it with the interaction's token: the "thinking…" becomes the answer.
    fake.wait_for(WAIT, |_| fake.for_interaction("dying-token").iter().any(|c| c.method == "PATCH")).await;
    eprintln!("the survivor answered {:.1} s after the kill", killed.elapsed().as_secs_f64());
    wait_for("the interaction marked done", WAIT, every(RECHECK), async || {
        inbox_row(&b.pool, "discord").await.filter(|r| r.0)
    })
    .await;
    assert_eq!(inbox_row(&b.pool, "discord").await, Some((true, 1)), "taken over once");
    b.stop().await;
    let edits: Vec<_> = fake.for_interaction("dying-token").into_iter().filter(|c| c.method == "PATCH").collect();
    assert_eq!(edits.len(), 1, "answered once: {edits:#?}");
    assert!(edits[0].status == 200 && edits[0].shown().contains("RTX 4090"), "{}", edits[0].shown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_whose_process_dies_is_answered_once_by_a_survivor() {
    let db = clorebot::app::tempdb::fresh_database_url("inbox").await.unwrap();
    let fake = FakeTelegram::start(Limits::RAISED).await;
    // The survivor takes its market snapshot first and serves only later, so that the first
    // process starts polling (it holds the polling lock).
    let standby = Survivor::standby(start_sim(200).await, &db, |c| c.telegram = Some(tg_config(&fake))).await;
    // From now on Clore's marketplace hangs: the first process never has a snapshot, so its
    // `/gpus` asks Clore and hangs.
    marketplace_hangs(&standby.0.sim).await;
    let mut a = Run::start(
        &db,
        &standby.0.sim.api_url(),
        &[("TELEGRAM_BOT_TOKEN", fake_tg::TOKEN.to_owned()), ("TELEGRAM_API_URL", fake.url())],
    )
    .await;
    fake.wait_for(WAIT, |c| c.iter().any(|c| c.method == "getUpdates")).await;
    // The first process asked getMe at least twice: its start checks, then its front-end.
    let known = fake.ok("getMe").len();
    let b = standby.serve().await;
    // The survivor knows the bot (getMe) and waits for the polling lock.
    fake.wait_for(WAIT, |c| c.iter().filter(|c| c.method == "getMe").count() > known).await;

    fake.push(up::private(892252934, 6557, ANN, "/gpus 4090"));
    wait_for("the first process to record the update", WAIT, every(RECHECK), async || {
        inbox_row(&b.pool, "telegram").await
    })
    .await;
    a.kill();
    let killed = Instant::now();
    marketplace_answers(&b.sim).await;

    fake.wait_for(WAIT, |_| !fake.sent_to(ANN).is_empty()).await;
    eprintln!("the survivor answered {:.1} s after the kill", killed.elapsed().as_secs_f64());
    wait_for("the update marked done", WAIT, every(RECHECK), async || {
        inbox_row(&b.pool, "telegram").await.filter(|r| r.0)
    })
    .await;
    assert_eq!(inbox_row(&b.pool, "telegram").await, Some((true, 1)), "taken over once");
    // The survivor polls now, and Telegram handed it the update again (never confirmed by the
    // dead process): a repeat, not answered twice.
    fake.wait_for(WAIT, |c| c.iter().any(|c| c.method == "getUpdates" && c.body["offset"] == json!(892252935))).await;
    b.stop().await;
    let sent = fake.sent_to(ANN);
    assert_eq!(sent.len(), 1, "answered once: {sent:#?}");
    assert!(sent[0].text().contains("RTX 4090"), "{}", sent[0].text());
}

#[tokio::test]
async fn an_update_that_cannot_be_recorded_is_not_confirmed_and_comes_again() {
    let t = test_app().await;
    let pool = t.core.deps.pool.clone();
    let fake = FakeTelegram::start(Limits::RAISED).await;
    let tg = clorebot::frontends::telegram::Telegram::new(t.core.clone(), tg_config(&fake)).unwrap();
    let stop = tokio_util::sync::CancellationToken::new();
    tokio::spawn(clorebot::app::telegram::run(tg.clone(), pool.clone(), false, stop.clone()));
    fake.wait_for(WAIT, |c| c.iter().any(|c| c.method == "getUpdates")).await;

    // The inbox cannot be written: the update is fetched, not recorded, and asked for again
    // from the same offset, so Telegram keeps it. Nothing is answered meanwhile.
    sqlx::query("ALTER TABLE inbox RENAME TO inbox_away").execute(&pool).await.unwrap();
    let mark = fake.len();
    fake.push(up::private(892252934, 6557, ANN, "/help"));
    fake.wait_for(WAIT, |_| {
        let asked = fake.calls_from(mark).into_iter().filter(|c| c.method == "getUpdates").collect::<Vec<_>>();
        asked.len() >= 2 && asked.iter().all(|c| c.body["offset"].as_i64().unwrap_or(0) <= 892252934)
    })
    .await;
    assert!(fake.sent_to(ANN).is_empty());

    // Writable again: recorded, confirmed, answered once.
    sqlx::query("ALTER TABLE inbox_away RENAME TO inbox").execute(&pool).await.unwrap();
    fake.wait_for(WAIT, |_| !fake.sent_to(ANN).is_empty()).await;
    fake.handed_on().await;
    stop.cancel();
    tg.finish().await;
    let sent = fake.sent_to(ANN);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert!(sent[0].text().contains("/gpus"), "{}", sent[0].text());
    assert_eq!(inbox_row(&pool, "telegram").await, Some((true, 0)));
}

#[tokio::test]
async fn a_replayed_interaction_id_runs_once() {
    let fake = FakeDiscord::start().await;
    let key = SigningKey::from_bytes(&[7; 32]);
    let cfg = common::discord::config(&fake, Some(&key), false);
    let t = test_app_on(start_sim(200).await, |c| c.discord = Some(cfg)).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/discord/interactions", listener.local_addr().unwrap());
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let pool = t.core.deps.pool.clone();
    let TestApp { app, sim: _sim, .. } = t;
    let served = tokio::spawn(app.serve(listener, async move {
        let _ = rx.await;
    }));

    // The probe's case: a signed `/watch` posted twice within the timestamp window made two
    // watches.
    let mut i = gpus_4090("1355555555555555888", "first-token");
    i["data"]["name"] = json!("watch");
    i["data"]["options"] = json!([{ "name": "query", "type": 3, "value": "4090 max=4" }]);
    assert_eq!(post_signed(&url, &key, &i).await, (200, json!({ "type": 5 })));
    fake.deferred("first-token", 0);
    // The same request again, and the same id with another token: a short note only they see.
    let mut again = i.clone();
    for token in ["first-token", "second-token"] {
        again["token"] = json!(token);
        let (status, note) = post_signed(&url, &key, &again).await;
        assert_eq!((status, note["type"].as_u64(), note["data"]["flags"].as_u64()), (200, Some(4), Some(64)));
        assert_eq!(note["data"]["content"], "That was handled already.");
    }
    fake.wait_for(WAIT, |_| fake.for_interaction("first-token").iter().any(|c| c.method == "PATCH")).await;
    let watches: i64 = sqlx::query_scalar("SELECT count(*) FROM watches").fetch_one(&pool).await.unwrap();
    stop.send(()).unwrap();
    served.await.unwrap().unwrap();
    let edits: Vec<_> = fake.for_interaction("first-token").into_iter().filter(|c| c.method == "PATCH").collect();
    assert_eq!(edits.len(), 1, "run once: {edits:#?}");
    assert!(edits[0].shown().contains("Watch \\#1"), "{}", edits[0].shown());
    assert!(fake.for_interaction("second-token").is_empty());
    assert_eq!(watches, 1);
}

/// The store's side: a repeated id is refused; an item is taken over only once its owner is
/// dead, by one taker, with its body as recorded; a done item is never taken; old rows go.
#[tokio::test]
async fn only_a_dead_owners_unfinished_items_are_taken_over_and_by_one_taker() {
    use clorebot::domain::Platform;
    use clorebot::store::inbox::{self, Item};
    use clorebot::store::processes::Liveness;
    use secrecy::ExposeSecret;
    use std::time::Duration;
    let pool = db().await;
    let ring = ring(&[(1, 11)]);
    let (a, b, c) = (Liveness::new(), Liveness::new(), Liveness::new());
    assert_eq!(a.alive(), None, "not alive before its first heartbeat");
    for p in [&a, &b, &c] {
        p.beat(&pool).await.unwrap();
    }
    assert_eq!(a.alive(), Some(a.id()));
    let body = r#"{"update_id":7,"message":{"text":"/key set secret-key"}}"#;
    let item = Item { platform: Platform::Telegram, bot: 5010992967, id: 7, body };
    assert!(inbox::record(&pool, &ring, a.id(), item).await.unwrap());
    assert!(!inbox::record(&pool, &ring, b.id(), item).await.unwrap(), "a repeat");
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT ciphertext FROM inbox").fetch_one(&pool).await.unwrap();
    assert!(!String::from_utf8_lossy(&sealed).contains("secret-key"), "sealed at rest");

    let within = Duration::from_secs(3600);
    let take = async |by: &Liveness| {
        inbox::take_over(&pool, &ring, by.id(), Platform::Telegram, 5010992967, within, 3, 10).await.unwrap()
    };
    assert!(take(&b).await.is_empty(), "its owner is alive");
    // The owner's heartbeat is six seconds old: dead. Two survivors look at once.
    sqlx::query("UPDATE processes SET seen_at = now() - interval '6 seconds' WHERE id = $1")
        .bind(a.id())
        .execute(&pool)
        .await
        .unwrap();
    let (by_b, by_c) = tokio::join!(take(&b), take(&c));
    let taken: Vec<_> = by_b.into_iter().chain(by_c).collect();
    assert_eq!(taken.len(), 1, "one taker");
    assert_eq!(taken[0].id, 7);
    assert_eq!(taken[0].body.as_ref().unwrap().expose_secret(), body);
    assert!(take(&b).await.is_empty() && take(&c).await.is_empty(), "its taker is alive");

    inbox::done(&pool, Platform::Telegram, 5010992967, 7).await.unwrap();
    sqlx::query("UPDATE processes SET seen_at = now() - interval '6 seconds'").execute(&pool).await.unwrap();
    let d = Liveness::new();
    d.beat(&pool).await.unwrap();
    assert!(take(&d).await.is_empty(), "a done item is never taken over");
    assert!(!inbox::record(&pool, &ring, d.id(), item).await.unwrap(), "a done id still refuses a repeat");
    assert_eq!(inbox::prune(&pool).await.unwrap(), 0, "kept a while against repeats");
    sqlx::query("UPDATE inbox SET done_at = now() - interval '16 minutes'").execute(&pool).await.unwrap();
    assert_eq!(inbox::prune(&pool).await.unwrap(), 1);
}

/// The writer on the answer path: interactions arriving together are written together, each
/// told whether it is new — and one id arriving twice at once (a replay racing the original)
/// is new only once.
#[tokio::test]
async fn the_recorder_writes_what_comes_together_and_a_racing_repeat_is_new_once() {
    use clorebot::domain::Platform;
    use clorebot::store::inbox::Item;
    use clorebot::store::inbox_writer::Recorder;
    let pool = db().await;
    let recorder = Recorder::start(&pool, std::sync::Arc::new(ring(&[(1, 11)])));
    let owner = uuid::Uuid::new_v4();
    let body = r#"{"type":2,"id":"1","token":"secret-token"}"#;
    let item = |id: i64| Item { platform: Platform::Discord, bot: 1010, id, body };
    // 100 distinct ids and, among them, id 7 three times at once.
    let ids: Vec<i64> = (0..100).chain([7, 7]).collect();
    let told = futures_util::future::join_all(ids.iter().map(|id| recorder.record(owner, item(*id)))).await;
    let new: Vec<bool> = told.into_iter().map(Result::unwrap).collect();
    assert_eq!(new.iter().filter(|n| **n).count(), 100, "each id is new once");
    assert!(!recorder.record(owner, item(42)).await.unwrap(), "recorded before");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM inbox").fetch_one(&pool).await.unwrap();
    assert_eq!(rows, 100);
}
