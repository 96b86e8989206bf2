//! The Telegram front-end at Telegram's limits, against the fake Bot API
//! (tests/common/telegram.rs), which enforces the limits Telegram publishes for bots
//! (core.telegram.org/bots/faq, "My bot is hitting limits, how do I avoid this?": about one
//! message a second per chat, 20 a minute per group, about 30 a second overall) and answers
//! 429 with `retry_after` beyond them. The send scheduler (src/notify/schedule.rs) is what
//! keeps to them; here is what a user sees of it. A file of its own beside tests/telegram.rs
//! (the front-end's behaviour), with the same harness (tests/common/telegram/app.rs).

mod common;

use std::time::Duration;

use clorebot::alerts::deliver;
use clorebot::core::Reply;
use clorebot::domain::Platform;
use clorebot::frontends::telegram::{Place, Telegram};
use clorebot::notify::{Notifier, SendError, Target};
use clorebot::store::outbox::{self, NewAlert};
use clorebot::store::platform_sends;
use common::telegram::app::TelegramApp;
use common::telegram::{self as fake, Call, FakeTelegram, Limits, updates as up};
use common::*;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

const ANN: i64 = 218485655;
/// Telegram's user ids have up to 52 significant bits.
const NEAR_2_52: i64 = (1 << 52) - 3;
/// A supergroup's id: -100 followed by its number, here below -10^12.
const SUPERGROUP: i64 = -1_009_876_543_210;
const SLOW_DOWN: &str = "Slow down, please";

fn alert(key: &str, chat: i64, text: &str) -> NewAlert {
    NewAlert {
        urgent: true,
        hold: Default::default(),
        part: None,
        dedup_key: key.into(),
        platform: Platform::Telegram,
        target_chat_id: Some(chat.to_string()),
        target_thread_id: None,
        target_user: None,
        payload: serde_json::to_value(Reply::text(text)).unwrap(),
    }
}

/// Where in the order of arrival at the fake each call is.
fn position(calls: &[Call], of: &Call) -> usize {
    calls.iter().position(|c| c.at == of.at && c.message_id == of.message_id).unwrap()
}

#[tokio::test]
async fn one_chat_flooding_does_not_hold_up_twenty_others_and_is_told_once_to_slow_down() {
    let b = TelegramApp::start_with(Limits::TELEGRAM, clorebot::config::MAX_WAITING).await;
    let flood = ANN;
    for _ in 0..200 {
        b.private(flood, "/help");
    }
    let others: Vec<i64> = (0..20).map(|i| 600_000_000 + i).collect();
    for &chat in &others {
        b.private(chat, "/help");
    }
    // Each of the twenty is answered before the flooding chat's fifth message (at one a
    // second, its fifth leaves four seconds after its first).
    for &chat in &others {
        b.sent_to(chat, 1).await;
    }
    let fifth = b.sent_to(flood, 5).await[4].clone();
    let calls = b.fake.calls();
    for &chat in &others {
        let answer = &b.fake.sent_to(chat)[0];
        assert!(answer.text().contains("/gpus"), "{}", answer.text());
        assert!(position(&calls, answer) < position(&calls, &fifth), "chat {chat} waited behind the flood");
    }
    // The flooding chat gets what it can receive in 30 s (one a second) and one note; the
    // rest of its commands were dropped.
    let all = b.sent_to(flood, 31).await;
    b.fake.handed_on().await;
    b.tg.finish().await;
    let texts: Vec<String> = b.fake.sent_to(flood).iter().map(Call::text).collect();
    assert_eq!(texts.iter().filter(|t| t.starts_with(SLOW_DOWN)).count(), 1, "{texts:#?}");
    assert_eq!(texts.iter().filter(|t| t.contains("/gpus")).count(), 30);
    assert_eq!(texts.len(), all.len(), "nothing more");
    assert!(texts[..3].iter().any(|t| t.starts_with(SLOW_DOWN)), "the note goes before the waiting answers");
    assert_eq!(b.fake.too_many(), 0, "no 429");

    // Once its answers have left, the chat is answered again.
    b.private(flood, "/start");
    let last = b.sent_to(flood, 32).await.pop().unwrap();
    assert!(last.text().contains("clorebot rents GPUs"), "{}", last.text());
}

#[tokio::test]
async fn ids_of_52_bits_and_supergroups_below_minus_ten_to_the_twelve_are_answered_within_the_limits() {
    let b = TelegramApp::start_with(Limits::TELEGRAM, clorebot::config::MAX_WAITING).await;
    // 2^40 made teloxide's throttle panic, and every send after it skip the limits.
    let users = [1i64 << 40, NEAR_2_52, (1 << 52) - 1];
    for _ in 0..3 {
        for &u in &users {
            b.private(u, "/help");
        }
        b.group(SUPERGROUP, NEAR_2_52, "/help");
    }
    for chat in users.into_iter().chain([SUPERGROUP]) {
        let sent = b.sent_to(chat, 3).await;
        assert!(sent.iter().all(|c| c.text().contains("/gpus")), "{chat}");
    }
    assert_eq!(b.fake.too_many(), 0, "three to each chat, one a second: no 429");
}

#[tokio::test]
async fn answers_go_before_alerts_and_a_429_holds_the_chat() {
    let b = TelegramApp::start_with(Limits::TELEGRAM, clorebot::config::MAX_WAITING).await;
    let pool = b.t.core.deps.pool.clone();
    // Telegram answers the first send 429 (retry after 3 s): the chat is held that long.
    b.fake.force_429(3);
    b.private(ANN, "/help");
    b.fake.wait_for(WAIT, |c| c.iter().any(|c| c.status == 429)).await;
    // An alert to the held chat is due, with the delivery loop running: it is not sent into
    // the hold (it would wait longer than an alert's send may take) but kept in the outbox…
    outbox::enqueue(&pool, &alert("while-held", ANN, "price alert")).await.unwrap();
    let stop = CancellationToken::new();
    let delivery = tokio::spawn(deliver::run(pool.clone(), b.tg.notifier(), Duration::from_millis(200), stop.clone()));
    // …and an answer asked for after it goes first, behind the refused one.
    b.private(ANN, "/start");
    let sent = b.sent_to(ANN, 3).await;
    let texts: Vec<String> = sent.iter().map(Call::text).collect();
    assert!(texts[0].contains("/gpus"), "the refused answer arrives after the hold: {texts:#?}");
    assert!(texts[1].contains("clorebot rents GPUs"), "{texts:#?}");
    assert_eq!(texts[2], "price alert");
    stop.cancel();
    delivery.await.unwrap();
    assert_eq!(outbox::pending_count(&pool).await.unwrap(), 0);
    assert_eq!(b.fake.too_many(), 1, "only the 429 the fake was told to give");
}

#[tokio::test]
async fn long_polling_stops_fetching_while_too_much_work_waits() {
    // A bound of one update: while one waits for its answer, nothing more is fetched.
    let b = TelegramApp::start_with(Limits::TELEGRAM, 1).await;
    b.fake.force_429(2);
    b.private(ANN, "/help");
    b.fake.wait_for(WAIT, |c| c.iter().any(|c| c.status == 429)).await;
    let held_at = b.fake.len();
    let answer = b.sent_to(ANN, 1).await.remove(0);
    let calls = b.fake.calls();
    let until_answer = &calls[held_at..position(&calls, &answer)];
    assert!(until_answer.iter().all(|c| c.method != "getUpdates"), "no getUpdates while the answer waits");
    // Answered, the bot fetches again.
    b.private(ANN, "/start");
    assert!(b.sent_to(ANN, 2).await[1].text().contains("clorebot rents GPUs"));
}

#[tokio::test]
async fn the_webhook_answers_503_while_too_much_work_waits() {
    let fake = FakeTelegram::start(Limits::TELEGRAM).await;
    let sim = start_sim(50).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let cfg = fake::bot_config(&fake, Limits::TELEGRAM, 3, Some("https://bot.example.com/telegram/webhook"));
    let t = test_app_on(sim, |c| c.telegram = Some(cfg)).await;
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(t.app.serve(listener, async move {
        let _ = done_rx.await;
    }));
    fake.nth("setWebhook", 1).await;
    let url = format!("http://{addr}/telegram/webhook");
    let http = reqwest::Client::new();
    let post = |body: Value| {
        let req = http.post(&url).header("X-Telegram-Bot-Api-Secret-Token", "hook-Secret_123").json(&body);
        async move { req.send().await.unwrap().status().as_u16() }
    };
    // The first answer is refused (429, retry after 5 s): its update stays in hand, and so do
    // the two after it, waiting behind it in the chat's queue.
    fake.force_429(5);
    assert_eq!(post(up::private(1, 1, ANN, "/help")).await, 200);
    fake.wait_for(WAIT, |c| c.iter().any(|c| c.status == 429)).await;
    assert_eq!(post(up::private(2, 2, ANN, "/help")).await, 200);
    assert_eq!(post(up::private(3, 3, ANN, "/help")).await, 200);
    // Three in hand: the bound. Telegram is told to come back later.
    let fourth = up::private(4, 4, ANN, "/start");
    assert_eq!(post(fourth.clone()).await, 503);
    // Once the answers have left, it comes back (as Telegram would) and is taken.
    wait_for("the webhook to take updates again", WAIT, every(RECHECK), async || post(fourth.clone()).await == 200)
        .await;
    let sent = fake.wait_for(WAIT, |_| fake.sent_to(ANN).len() >= 4).await;
    assert!(sent.iter().any(|c| c.method == "sendMessage" && c.text().contains("clorebot rents GPUs")));
    done_tx.send(()).unwrap();
    served.await.unwrap().unwrap();
    assert_eq!(fake.sent_to(ANN).len(), 4, "each update answered once");
    assert_eq!(fake.too_many(), 1);
}

#[tokio::test]
async fn a_sender_taking_over_counts_what_the_one_before_sent() {
    // A group may get 3 messages a minute here (Telegram: 20), so one minute's window shows.
    let limits = Limits { per_chat_per_sec: 1000, per_group_per_min: 3, overall_per_sec: 1000 };
    let b = TelegramApp::start_with(limits, clorebot::config::MAX_WAITING).await;
    let pool = &b.t.core.deps.pool;
    let place = Place { chat: SUPERGROUP, thread: None };
    for i in 0..3 {
        b.tg.sender.send(place, &Reply::text(format!("answer {i}")), None).await.unwrap();
    }
    // The record of sends is written in the background.
    wait_for("the sends to be recorded", WAIT, every(RECHECK), async || {
        let recent = platform_sends::recent(pool, Platform::Telegram, Duration::from_secs(60)).await.unwrap();
        recent.iter().filter(|s| s.chat == SUPERGROUP.to_string()).count() == 3
    })
    .await;

    // Another process takes over sending alerts: the group's window is full for a minute, so
    // its alert waits in the outbox instead of drawing a 429.
    let cfg = fake::bot_config(&b.fake, limits, clorebot::config::MAX_WAITING, None);
    let next = Telegram::new(b.t.core.clone(), cfg).unwrap();
    let notifier = next.notifier();
    let recent = platform_sends::recent(pool, Platform::Telegram, Duration::from_secs(60)).await.unwrap();
    notifier.taking_over(&recent);
    let target = Target {
        platform: Platform::Telegram,
        chat_id: Some(SUPERGROUP.to_string()),
        thread_id: None,
        user: None,
        user_platform_id: None,
    };
    match notifier.send(&target, &Reply::text("alert")).await {
        Err(SendError::Later { after }) => assert!(after > Duration::from_secs(30), "{after:?}"),
        other => panic!("expected to wait for the window, got {other:?}"),
    }
    assert_eq!(b.fake.sent_to(SUPERGROUP).len(), 3);
    assert_eq!(b.fake.too_many(), 0);
    // Another chat is not held up by it.
    let private = Target { chat_id: Some(ANN.to_string()), ..target };
    notifier.send(&private, &Reply::text("alert")).await.unwrap();
    assert_eq!(b.fake.sent_to(ANN).len(), 1);
}
