//! Takeover of alert delivery: a sender's claims are bound to its hold of the delivery lock.
//! A sender whose hold is no longer confirmed starts no send; when a sender dies (or loses its
//! lock) holding claims, the process that takes the lock over sends those alerts after
//! `deliver::TAKEOVER_WAIT` — long before their lease would end — each once, in each chat's
//! order, and within the fakes' limits.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clorebot::alerts::deliver;
use clorebot::core::Reply;
use clorebot::domain::Platform;
use clorebot::notify::{Notifier, SendError, Target};
use clorebot::store::{self, Holding, outbox};
use common::discord::{self as dc, FakeDiscord};
use common::telegram::{self as tg, FakeTelegram, Limits};
use common::*;
use tokio_util::sync::CancellationToken;

/// The delivery lock of these tests' senders.
const LOCK: i64 = 0x7465_7374_746f;

async fn enqueue(pool: &sqlx::PgPool, platform: Platform, key: &str, chat: &str, text: &str) {
    let a = outbox::NewAlert {
        urgent: true,
        hold: Default::default(),
        part: None,
        dedup_key: key.to_owned(),
        platform,
        target_chat_id: Some(chat.to_owned()),
        target_thread_id: None,
        target_user: None,
        payload: serde_json::to_value(Reply::text(text)).unwrap(),
    };
    assert!(outbox::enqueue(pool, &a).await.unwrap());
}

async fn owed(pool: &sqlx::PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM outbox WHERE delivered_at IS NULL").fetch_one(pool).await.unwrap()
}

/// The backend holding advisory lock `key`, if one does.
async fn lock_holder(pool: &sqlx::PgPool, key: i64) -> Option<i32> {
    sqlx::query_scalar(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND ((classid::int8 << 32) | objid::int8) = $1 AND objsubid = 1",
    )
    .bind(key)
    .fetch_optional(pool)
    .await
    .unwrap()
}

/// A sender on `platform` whose sends never end (a process frozen mid-send, or a platform
/// that never answers): counts the sends it was asked for, signalling each.
#[derive(Clone)]
struct Stuck {
    platform: Platform,
    started: Arc<AtomicUsize>,
    events: Events,
}

impl Stuck {
    fn new(platform: Platform) -> Stuck {
        Stuck { platform, started: Arc::default(), events: Events::default() }
    }
    fn started(&self) -> usize {
        self.started.load(Ordering::SeqCst)
    }
}

impl Notifier for Stuck {
    fn platform(&self) -> Platform {
        self.platform
    }
    async fn send(&self, _: &Target, _: &Reply) -> Result<(), SendError> {
        self.started.fetch_add(1, Ordering::SeqCst);
        self.events.signal();
        std::future::pending().await
    }
}

/// A Console sender that records its sends, the first of which lasts until `holding` is past
/// its confirmation (the lock's check stopped answering meanwhile).
#[derive(Clone)]
struct OutlivesItsHold {
    out: Recorder,
    holding: Holding,
}

impl Notifier for OutlivesItsHold {
    fn platform(&self) -> Platform {
        Platform::Console
    }
    async fn send(&self, to: &Target, reply: &Reply) -> Result<(), SendError> {
        // sleep: until the hold's own deadline, the event this test is about.
        tokio::time::sleep_until(self.holding.valid_until()).await;
        self.out.send(to, reply).await
    }
}

#[tokio::test]
async fn a_sender_past_its_confirmed_hold_starts_no_send() {
    let t = test_app().await;
    let pool = &t.core.deps.pool;
    for i in 0..3 {
        enqueue(pool, Platform::Console, &format!("hold:{i}"), "chat-1", &format!("alert {i}")).await;
    }
    let holding = Holding::confirmed_until(tokio::time::Instant::now() + Duration::from_millis(300));
    let n = OutlivesItsHold { out: t.out.clone(), holding: holding.clone() };
    // The round claims the chat's three; the first send ends after the hold ran out, so the
    // other two are not started but given back, untried.
    assert_eq!(deliver::deliver_held(pool, &n, &holding).await.unwrap(), 1);
    assert_eq!(t.out.take(), [("chat-1".to_owned(), "alert 0".to_owned())]);
    let left: Vec<(i32, bool)> = sqlx::query_as(
        "SELECT attempts, claimed_until IS NULL FROM outbox WHERE delivered_at IS NULL ORDER BY dedup_key",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(left, [(0, true), (0, true)], "given back, not counted as attempts");
    // A round past the hold claims nothing.
    assert!(!holding.holds());
    assert_eq!(deliver::deliver_held(pool, &t.out, &holding).await.unwrap(), 0);
    assert!(t.out.take().is_empty());
    // A confirmed hold sends the rest, in order.
    let fresh = Holding::confirmed_until(tokio::time::Instant::now() + Duration::from_secs(3600));
    assert_eq!(deliver::deliver_held(pool, &t.out, &fresh).await.unwrap(), 2);
    let texts: Vec<String> = t.out.take().into_iter().map(|(_, t)| t).collect();
    assert_eq!(texts, ["alert 1", "alert 2"]);
}

/// Discord alerts to five channels and four users' DMs.
async fn discord_alerts(pool: &sqlx::PgPool) -> Vec<(String, String)> {
    let mut want = Vec::new();
    for i in 0..14 {
        let chat = if i < 10 {
            format!("13333333333333333{:02}", i % 5)
        } else {
            dc::dm_channel(&format!("13444444444444444{i:02}"))
        };
        let text = format!("Watch #{i}: a 4090 at $0.{i:02}/h");
        enqueue(pool, Platform::Discord, &format!("dc:{i}"), &chat, &text).await;
        want.push((chat, text));
    }
    want
}

/// What the fake Discord accepted: (channel, content), in order.
fn discord_posts(fake: &FakeDiscord) -> Vec<(String, String)> {
    fake.calls()
        .into_iter()
        .filter(|c| c.method == "POST" && c.status == 200 && c.path.ends_with("/messages"))
        .map(|c| {
            let channel = c.path.trim_start_matches("/api/v10/channels/").trim_end_matches("/messages").to_owned();
            (channel, c.content().replace('\\', ""))
        })
        .collect()
}

/// Every alert of `want` was accepted once, each channel's in order, and nothing else.
fn exactly_once_in_order(got: &[(String, String)], want: &[(String, String)]) {
    let mut got_sorted = got.to_vec();
    got_sorted.sort();
    let mut want_sorted = want.to_vec();
    want_sorted.sort();
    assert_eq!(got_sorted, want_sorted, "each alert once");
    for (chat, _) in want {
        let mine = |v: &[(String, String)]| v.iter().filter(|(c, _)| c == chat).cloned().collect::<Vec<_>>();
        assert_eq!(mine(got), mine(want), "{chat}'s alerts in order");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_discord_senders_claims_are_sent_by_the_next_sender() {
    let fake = FakeDiscord::start().await;
    let t = test_app().await;
    let pool = t.core.deps.pool.clone();
    let cfg = dc::config(&fake, None, false);
    let n = clorebot::frontends::discord::Discord::new(t.core.clone(), &cfg).unwrap().notifier(&cfg).unwrap();
    let want = discord_alerts(&pool).await;

    // The first sender claims them and is frozen mid-send, one alert per chat under way.
    let stuck = Stuck::new(Platform::Discord);
    let first =
        tokio::spawn(deliver::run_elected(pool.clone(), stuck.clone(), deliver::EVERY, LOCK, CancellationToken::new()));
    wait_for("the first sender mid-send in every chat", WAIT, on(&stuck.events), async || stuck.started() == 9).await;
    let stop = CancellationToken::new();
    let second = tokio::spawn(deliver::run_elected(pool.clone(), n, deliver::EVERY, LOCK, stop.clone()));
    // A new alert to a chat whose first alert the dead sender holds goes after it.
    enqueue(&pool, Platform::Discord, "dc:late", &want[0].0, "Watch #late: after the kill").await;
    let mut want = want;
    want.push((want[0].0.clone(), "Watch #late: after the kill".to_owned()));

    // Killed: its connections (the lock's among them) close with it.
    first.abort();
    assert!(first.await.unwrap_err().is_cancelled());
    let killed = Instant::now();
    // The alerts' lease is a minute: only the takeover's wait, not the lease, lets them out
    // within the wait of a test (WAIT).
    fake.wait_for(WAIT, |_| discord_posts(&fake).len() >= want.len()).await;
    println!("the killed sender's alerts were all delivered {:.1} s after the kill", killed.elapsed().as_secs_f64());
    wait_for("every alert marked delivered", WAIT, every(RECHECK), async || owed(&pool).await == 0).await;
    exactly_once_in_order(&discord_posts(&fake), &want);
    assert_eq!(fake.too_many(), 0, "no 429 from Discord");
    stop.cancel();
    second.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_that_lost_its_lock_stops_and_the_next_sends_its_alerts() {
    let fake = FakeDiscord::start().await;
    let t = test_app().await;
    let pool = t.core.deps.pool.clone();
    let cfg = dc::config(&fake, None, false);
    let n = clorebot::frontends::discord::Discord::new(t.core.clone(), &cfg).unwrap().notifier(&cfg).unwrap();
    let want = discord_alerts(&pool).await;

    let stuck = Stuck::new(Platform::Discord);
    let stop_first = CancellationToken::new();
    let first =
        tokio::spawn(deliver::run_elected(pool.clone(), stuck.clone(), deliver::EVERY, LOCK, stop_first.clone()));
    wait_for("the first sender mid-send in every chat", WAIT, on(&stuck.events), async || stuck.started() == 9).await;
    let stop = CancellationToken::new();
    let second = tokio::spawn(deliver::run_elected(pool.clone(), n, deliver::EVERY, LOCK, stop.clone()));

    // The first sender's lock connection is cut; the process lives on.
    let pid = lock_holder(&pool, LOCK).await.expect("the first sender holds the lock");
    let cut: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)").bind(pid).fetch_one(&pool).await.unwrap();
    assert!(cut);
    fake.wait_for(WAIT, |_| discord_posts(&fake).len() >= want.len()).await;
    wait_for("every alert marked delivered", WAIT, every(RECHECK), async || owed(&pool).await == 0).await;
    exactly_once_in_order(&discord_posts(&fake), &want);
    assert_eq!(fake.too_many(), 0, "no 429 from Discord");
    assert_eq!(stuck.started(), 9, "the sender that lost its lock started no send after");
    assert_ne!(lock_holder(&pool, LOCK).await, Some(pid));
    stop_first.cancel();
    stop.cancel();
    first.await.unwrap();
    second.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_telegram_pollers_claims_are_sent_by_the_next_poller() {
    let fake = FakeTelegram::start(Limits::TELEGRAM).await;
    let t = test_app().await;
    let pool = t.core.deps.pool.clone();
    let url = fake.url();
    let mut cfg = clorebot::config::Config::from_lookup(|k| match k {
        "TELEGRAM_BOT_TOKEN" => Some(tg::TOKEN.to_owned()),
        "TELEGRAM_API_URL" => Some(url.clone()),
        _ => None,
    })
    .unwrap()
    .telegram
    .unwrap();
    cfg.poll_timeout = Duration::from_secs(2);
    let bot = clorebot::frontends::telegram::Telegram::new(t.core.clone(), cfg).unwrap();

    // Alerts to ten private chats (two each) and a group.
    let mut want = Vec::new();
    for i in 0..24 {
        let chat = if i < 20 { 600_000_000 + i64::from(i % 10) } else { -1_001_000_000_777 };
        let text = format!("Watch #{i}: a 3090 at $0.{i:02}/h");
        enqueue(&pool, Platform::Telegram, &format!("tg:{i}"), &chat.to_string(), &text).await;
        want.push((chat.to_string(), text));
    }
    // The poller that dies holds the poll lock and has claimed them all.
    let dead = store::try_advisory_lock(&pool, clorebot::app::telegram::POLL_LOCK).await.unwrap().unwrap();
    let claimed = outbox::claim_for(
        &pool,
        Platform::Telegram,
        None,
        100,
        10,
        Duration::from_secs(60),
        Some(uuid::Uuid::new_v4()),
    )
    .await
    .unwrap();
    assert_eq!(claimed.len(), 24);
    let stop = CancellationToken::new();
    let next = tokio::spawn(clorebot::app::telegram::run(bot, pool.clone(), true, stop.clone()));
    fake.wait_for(WAIT, |c| c.iter().any(|c| c.method == "setMyCommands")).await;
    enqueue(&pool, Platform::Telegram, "tg:late", &want[0].0, "Watch #late: after the kill").await;
    want.push((want[0].0.clone(), "Watch #late: after the kill".to_owned()));

    drop(dead);
    let killed = Instant::now();
    let posts = || -> Vec<(String, String)> {
        fake.calls()
            .into_iter()
            .filter(|c| c.method == "sendMessage" && c.status == 200)
            .map(|c| (c.chat().to_string(), c.text()))
            .collect()
    };
    fake.wait_for(WAIT, |_| posts().len() >= want.len()).await;
    println!("the dead poller's alerts were all delivered {:.1} s after it died", killed.elapsed().as_secs_f64());
    wait_for("every alert marked delivered", WAIT, every(RECHECK), async || owed(&pool).await == 0).await;
    exactly_once_in_order(&posts(), &want);
    assert_eq!(fake.too_many(), 0, "no 429 from Telegram");
    stop.cancel();
    next.await.unwrap();
}
