//! The Telegram front-end against the fake Bot API of the tests (tests/common/telegram.rs),
//! which enforces Telegram's limits and records when each call arrived.
//!
//! 1. Command path: a `/gpus 4090` update handed to the front-end → its answer issued (the
//!    front-end's `clorebot_telegram_answer_seconds`) and → its `sendMessage` arriving at the
//!    fake, with a warm market cache: one at a time with light traffic (criterion), then
//!    p50 / p99 over rounds of 200 chats at once, and with 200 chats each sending a command
//!    a second. Send limits are raised on both sides here, so the
//!    figure is our own work (parse, database, render, HTTP), not Telegram's queue.
//! 2. Under Telegram's real limits: another user's `/help` answered while one user floods 60
//!    commands (update → answer at the fake), and the process's RSS (`VmRSS`) after 2,000
//!    `/watch` commands from one user.
//! 3. Alert fan-out under Telegram's real limits: 1,000 alerts to 1,000 chats (30/s allows
//!    33.3 s), then `BENCH_GROUP_ALERTS` (default 100) alerts to one group (20/min), with the
//!    number of 429 answers the fake gave.
//!
//! Run: `cargo bench --bench telegram` (about eight minutes, most of it the group's 20/min).

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use clorebot::alerts::deliver;
use clorebot::config::TelegramConfig;
use clorebot::core::Reply;
use clorebot::domain::Platform;
use clorebot::frontends::telegram::Telegram;
use clorebot::notify::schedule::{Limits as Ours, Rate};
use clorebot::store::outbox::{self, NewAlert};
use common::telegram::{self as fake, FakeTelegram, Limits, updates as up};
use criterion::Criterion;
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

fn config(fake: &FakeTelegram, limits: Ours) -> TelegramConfig {
    TelegramConfig {
        token: SecretString::from(fake::TOKEN),
        api_url: url::Url::parse(&fake.url()).unwrap(),
        webhook_url: None,
        webhook_secret: SecretString::from("bench"),
        limits,
        max_waiting: clorebot::config::MAX_WAITING,
        poll_timeout: Duration::from_secs(5),
    }
}

/// As the fake's `Limits::RAISED`.
const RAISED: Ours = Ours {
    per_chat: Rate::new(1000, Duration::from_secs(1)),
    per_group: Some(Rate::new(100_000, Duration::from_secs(60))),
    overall: Rate::new(100_000, Duration::from_secs(1)),
};

struct Bench {
    fake: FakeTelegram,
    tg: Arc<Telegram>,
    next: AtomicU32,
}

impl Bench {
    /// Hands `/gpus 4090` from `user` to the front-end; returns when it was handed over.
    fn command(&self, user: i64) -> Instant {
        self.say(&self.tg, user, "/gpus 4090")
    }

    /// Hands `text` from `user` to `tg`; returns when it was handed over.
    fn say(&self, tg: &Arc<Telegram>, user: i64, text: &str) -> Instant {
        let id = self.next.fetch_add(1, Ordering::Relaxed) as i64;
        // As the webhook reads it: teloxide parses updates from text, not from a `Value`.
        let update = serde_json::from_str(&up::private(id, id, user, text).to_string()).unwrap();
        let t0 = Instant::now();
        tg.dispatch(update);
        t0
    }

    /// Waits until `n` messages have reached the fake in all; returns their arrival times by chat.
    async fn arrivals(&self, n: usize) -> Vec<(i64, Instant)> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let sent: Vec<(i64, Instant)> = self.fake.ok("sendMessage").iter().map(|c| (c.chat(), c.at)).collect();
            if sent.len() >= n {
                return sent;
            }
            if Instant::now() > deadline {
                // Fails with the calls made so far.
                self.fake.wait_for(Duration::ZERO, |_| false).await;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
}

fn main() {
    let answered = common::capture::Histogram::install("clorebot_telegram_answer_seconds");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (app, bench) = rt.block_on(async {
        let sim = common::start_sim(200).await;
        let app = common::test_app_on(sim, |c| c.market_ttl = Duration::from_secs(3600)).await;
        let fake = FakeTelegram::start(Limits::RAISED).await;
        let tg = Telegram::new(app.core.clone(), config(&fake, RAISED)).unwrap();
        tokio::spawn(clorebot::app::telegram::run(
            tg.clone(),
            app.core.deps.pool.clone(),
            false,
            CancellationToken::new(),
        ));
        while tg.me().is_none() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let bench = Bench { fake, tg, next: AtomicU32::new(1) };
        // Warm: the market snapshot and the first user's rows.
        bench.command(1);
        bench.arrivals(1).await;
        (app, bench)
    });

    let mut c = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(10)).configure_from_args();
    c.bench_function("telegram /gpus 4090: update → sendMessage at the fake", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for i in 0..iters {
                    let before = bench.fake.ok("sendMessage").len();
                    let t0 = bench.command(10 + (i as i64 % 50));
                    let sent = bench.arrivals(before + 1).await;
                    total += sent[before].1 - t0;
                }
                total
            })
        })
    });
    c.final_summary();

    let one_by_one = answered.take_sorted();
    println!(
        "one at a time ({} commands): update → answer issued p50 {:?}, p99 {:?}",
        one_by_one.len(),
        common::capture::percentile(&one_by_one, 0.50),
        common::capture::percentile(&one_by_one, 0.99)
    );
    rt.block_on(async {
        let mut latencies = Vec::new();
        let started = Instant::now();
        for round in 0..5 {
            let before = bench.fake.ok("sendMessage").len();
            let base = 1_000_000 + round * 1000;
            let t0: Vec<(i64, Instant)> = (0..200).map(|i| (base + i, bench.command(base + i))).collect();
            let sent = bench.arrivals(before + 200).await;
            for (chat, at) in &sent[before..] {
                let (_, start) = t0.iter().find(|(c, _)| c == chat).unwrap();
                latencies.push(*at - *start);
            }
        }
        latencies.sort();
        let issued = answered.take_sorted();
        println!(
            "command path, 200 chats at once × 5 rounds ({} commands in {:?}):\n  \
             update → answer issued: p50 {:?}, p99 {:?}, max {:?}\n  \
             update → sendMessage at the fake: p50 {:?}, p99 {:?}, max {:?}",
            latencies.len(),
            started.elapsed(),
            common::capture::percentile(&issued, 0.50),
            common::capture::percentile(&issued, 0.99),
            issued.last().unwrap(),
            common::capture::percentile(&latencies, 0.50),
            common::capture::percentile(&latencies, 0.99),
            latencies.last().unwrap(),
        );

        // Steady load: 200 chats, each sending a command a second (one every 5 ms in all).
        let before = bench.fake.ok("sendMessage").len();
        let mut t0 = std::collections::HashMap::new();
        let mut tick = tokio::time::interval(Duration::from_millis(5));
        for i in 0..1000i64 {
            tick.tick().await;
            let chat = 3_000_000 + i % 200;
            t0.insert((chat, i / 200), bench.command(chat));
        }
        let sent = bench.arrivals(before + 1000).await;
        let mut seen = std::collections::HashMap::new();
        let mut arrived: Vec<Duration> = sent[before..]
            .iter()
            .map(|(chat, at)| {
                let k = seen.entry(*chat).or_insert(0);
                let start = t0[&(*chat, *k)];
                *k += 1;
                *at - start
            })
            .collect();
        arrived.sort();
        let issued = answered.take_sorted();
        println!(
            "command path, 200 chats each sending a command a second (1000 commands):\n  \
             update → answer issued: p50 {:?}, p99 {:?}, max {:?}\n  \
             update → sendMessage at the fake: p50 {:?}, p99 {:?}, max {:?}",
            common::capture::percentile(&issued, 0.50),
            common::capture::percentile(&issued, 0.99),
            issued.last().unwrap(),
            common::capture::percentile(&arrived, 0.50),
            common::capture::percentile(&arrived, 0.99),
            arrived.last().unwrap(),
        );

        // Under Telegram's limits.
        let fake = FakeTelegram::start(Limits::TELEGRAM).await;
        let tg = Telegram::new(app.core.clone(), config(&fake, clorebot::config::telegram_limits())).unwrap();
        let pool = &app.core.deps.pool;
        let stop = CancellationToken::new();
        tokio::spawn(clorebot::app::telegram::run(tg.clone(), pool.clone(), false, stop.clone()));
        while tg.me().is_none() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // The setup: 200 private chats each send `/gpus 4090` once over 10 s (20 a
        // second, under every Telegram limit), answered under those limits.
        let before = fake.ok("sendMessage").len();
        let mut t0 = std::collections::HashMap::new();
        let mut tick = tokio::time::interval(Duration::from_millis(50));
        for i in 0..200i64 {
            tick.tick().await;
            let chat = 4_000_000 + i;
            t0.insert(chat, bench.say(&tg, chat, "/gpus 4090"));
        }
        fake.wait_for(Duration::from_secs(60), |c| {
            c.iter().filter(|c| c.status == 200 && c.method == "sendMessage").count() >= before + 200
        })
        .await;
        let mut at_limits: Vec<Duration> =
            fake.ok("sendMessage")[before..].iter().map(|c| c.at - t0[&c.chat()]).collect();
        at_limits.sort();
        println!(
            "200 chats × 1 /gpus 4090 over 10 s under Telegram's limits: update → sendMessage at the fake \
             p50 {:?}, p99 {:?}, max {:?}; 429 answers: {}",
            common::capture::percentile(&at_limits, 0.50),
            common::capture::percentile(&at_limits, 0.99),
            at_limits.last().unwrap(),
            fake.too_many()
        );
        answered.take_sorted();
        flood(&bench, &tg, &fake).await;

        // Alert fan-out.
        let alert = |key: String, chat: i64, text: String| NewAlert {
            urgent: true,
            hold: Default::default(),
            part: None,
            dedup_key: key,
            platform: Platform::Telegram,
            target_chat_id: Some(chat.to_string()),
            target_thread_id: None,
            target_user: None,
            payload: serde_json::to_value(Reply::text(text)).unwrap(),
        };
        for i in 0..1000 {
            outbox::enqueue(pool, &alert(format!("fan:{i}"), 5_000_000 + i, format!("price drop {i}"))).await.unwrap();
        }
        // Counted from here: the flood above sent to this fake too.
        let before = fake.ok("sendMessage").len();
        let started = Instant::now();
        tokio::spawn(deliver::run(pool.clone(), tg.notifier(), Duration::from_secs(1), stop.clone()));
        fake.wait_for(Duration::from_secs(300), |c| {
            c.iter().filter(|c| c.status == 200 && c.method == "sendMessage").count() >= before + 1000
        })
        .await;
        let took = started.elapsed();
        println!(
            "fan-out: 1,000 alerts to 1,000 chats in {took:.1?} ({:.3} × the 33.3 s Telegram's 30/s allows); 429 answers: {}",
            took.as_secs_f64() / (1000.0 / 30.0),
            fake.too_many()
        );

        let n: usize = std::env::var("BENCH_GROUP_ALERTS").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
        if n == 0 {
            return;
        }
        let group = -1_001_234_567_890i64;
        for i in 0..n {
            outbox::enqueue(pool, &alert(format!("group:{i}"), group, format!("team alert {i}"))).await.unwrap();
        }
        let started = Instant::now();
        fake.wait_for(Duration::from_secs(60 * (n as u64 / 20 + 2)), |_| fake.sent_to(group).len() >= n).await;
        let took = started.elapsed();
        let in_order = fake.sent_to(group).iter().enumerate().all(|(i, c)| c.text() == format!("team alert {i}"));
        println!(
            "one group: {n} alerts in {took:.1?} (1/s and 20/min allow about {} s); in order: {in_order}; 429 answers in all: {}",
            (n.saturating_sub(1) / 20) * 60 + (n.saturating_sub(1) % 20),
            fake.too_many()
        );
        stop.cancel();
    });
}

/// One user floods: another user's `/help` while the first sends 60 commands (five rounds,
/// each with users of its own), then the RSS after 2,000 `/watch` from one user.
async fn flood(bench: &Bench, tg: &Arc<Telegram>, fake: &FakeTelegram) {
    let arrived = |chat: i64, n: usize| async move {
        fake.wait_for(Duration::from_secs(120), |_| fake.sent_to(chat).len() >= n).await;
        fake.sent_to(chat)[n - 1].at
    };
    let mut other = Vec::new();
    for round in 0..5 {
        let (flooder, asker) = (7_000_000 + round, 7_100_000 + round);
        for _ in 0..60 {
            bench.say(tg, flooder, "/help");
        }
        let t0 = bench.say(tg, asker, "/help");
        other.push(arrived(asker, 1).await - t0);
    }
    other.sort();
    println!(
        "another user's /help while one user floods 60 commands (5 rounds): update → answer at the fake \
         p50 {:?}, max {:?}; 429 answers: {}",
        common::capture::percentile(&other, 0.50),
        other.last().unwrap(),
        fake.too_many()
    );

    let before = rss_mb();
    let flooder = 7_200_000;
    for _ in 0..2000 {
        bench.say(tg, flooder, "/watch 4090 max=1");
    }
    let handed = rss_mb();
    // What was taken in is answered at one a second (about 30 s), the rest was dropped.
    let t0 = Instant::now();
    while tg.work_waiting() > 0 && t0.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "2,000 /watch from one user: RSS {before:.1} MB before, {handed:.1} MB once handed over, {:.1} MB when \
         answered ({} messages to that chat, 429 answers: {})",
        rss_mb(),
        fake.sent_to(flooder).len(),
        fake.too_many()
    );
}

/// The process's resident set (`VmRSS` in /proc/self/status), in MB.
fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}
