//! The Discord front-end against the tests' fake REST API (tests/common/discord.rs), which
//! enforces Discord's limits (50 requests/s in all, 5 messages per 5 s per channel).
//!
//! 1. Ack latency: 500 signed `/gpus 4090` interactions posted at once to the real listener
//!    (warm market cache); p50 / p99 from the request sent to its HTTP response (the
//!    deferral), measured by the client, so it includes the loopback round trip.
//! 2. Alert fan-out: 500 alerts to 500 channels; time against the 10 s that 50/s allows,
//!    and the 429s the fake gave.
//!
//! Run: `cargo bench --bench discord` (about half a minute).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use clorebot::core::Reply;
use clorebot::domain::Platform;
use clorebot::store::outbox::{self, NewAlert};
use common::discord::{FakeDiscord, fixture};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};

use common::capture::percentile;

fn main() {
    let acked = common::capture::Histogram::install("clorebot_discord_ack_seconds");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let fake = FakeDiscord::start().await;
        let key = SigningKey::from_bytes(&[7; 32]);
        let cfg = common::discord::config(&fake, Some(&key), false);
        let t = common::test_app_on(common::start_sim(200).await, |c| {
            c.discord = Some(cfg.clone());
            c.market_ttl = Duration::from_secs(3600);
        })
        .await;
        let core = t.core.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/discord/interactions", listener.local_addr().unwrap());
        let common::TestApp { app, sim: _sim, .. } = t;
        let (done, rx) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(app.serve(listener, async move {
            let _ = rx.await;
        }));
        let http = reqwest::Client::builder().pool_max_idle_per_host(600).build().unwrap();
        let post = |i: Value| {
            let body = serde_json::to_vec(&i).unwrap();
            let ts = chrono::Utc::now().timestamp().to_string();
            let sig = hex::encode(key.sign(&[ts.as_bytes(), &body].concat()).to_bytes());
            let req = http
                .post(&url)
                .header("content-type", "application/json")
                .header("X-Signature-Ed25519", sig)
                .header("X-Signature-Timestamp", ts)
                .body(body);
            async move {
                let started = Instant::now();
                let status = req.send().await.unwrap().status().as_u16();
                (status, started.elapsed())
            }
        };
        let command = |n: u64| {
            let mut i = fixture("command");
            i["id"] = json!((1355555555555555600u64 + n).to_string());
            i["token"] = json!(format!("bench-token-{n}"));
            i["data"]["name"] = json!("gpus");
            i["data"]["options"] = json!([{ "name": "query", "type": 3, "value": "4090" }]);
            i
        };
        // Warm: the market snapshot, the connection pool, the user's rows.
        for n in 0..20 {
            post(command(n)).await;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let mut all = Vec::new();
        for round in 0..3u64 {
            let results = futures_util::future::join_all((0..500).map(|n| post(command(1000 + round * 1000 + n)))).await;
            assert!(results.iter().all(|(s, _)| *s == 200));
            all.extend(results.into_iter().map(|(_, d)| d));
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        all.sort();
        let server = acked.take_sorted();
        println!(
            "500 interactions at once × 3:\n  request received → answer ready (server): p50 {:?}, p99 {:?}\n  \
             request sent → response read (client, loopback): p50 {:?}, p99 {:?}, max {:?}",
            percentile(&server, 0.5),
            percentile(&server, 0.99),
            percentile(&all, 0.5),
            percentile(&all, 0.99),
            all.last().unwrap()
        );

        // Steady: 500 interactions a second for 3 s (one every 2 ms).
        let mut tick = tokio::time::interval(Duration::from_millis(2));
        let mut pending = Vec::new();
        for n in 0..1500u64 {
            tick.tick().await;
            pending.push(tokio::spawn(post(command(10_000 + n))));
        }
        let mut steady = Vec::new();
        for p in pending {
            steady.push(p.await.unwrap().1);
        }
        steady.sort();
        tokio::time::sleep(Duration::from_secs(3)).await;
        let server = acked.take_sorted();
        println!(
            "500 interactions a second for 3 s:\n  request received → answer ready (server): p50 {:?}, p99 {:?}\n  \
             request sent → response read (client, loopback): p50 {:?}, p99 {:?}",
            percentile(&server, 0.5),
            percentile(&server, 0.99),
            percentile(&steady, 0.5),
            percentile(&steady, 0.99)
        );

        // Alert fan-out: 500 channels, delivered by the running app's own notifier.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let posts = |c: &[common::discord::Call], status: u16| {
            c.iter().filter(|c| c.status == status && c.path.starts_with("/api/v10/channels/")).count()
        };
        let started = Instant::now();
        for i in 0..500u64 {
            let a = NewAlert {
                urgent: true,
                hold: Default::default(),
                part: None,
                dedup_key: format!("fan:{i}"),
                platform: Platform::Discord,
                target_chat_id: Some((1500000000000000000u64 + i).to_string()),
                target_thread_id: None,
                target_user: None,
                payload: serde_json::to_value(Reply::text(format!("Watch #1: 1 new match {i}"))).unwrap(),
            };
            outbox::enqueue(&core.deps.pool, &a).await.unwrap();
        }
        let calls = fake.wait_for(Duration::from_secs(120), |c| posts(c, 200) >= 500).await;
        let took = started.elapsed();
        println!(
            "fan-out: 500 alerts to 500 channels in {took:.1?} ({:.3} × the 10 s that 50/s allows); 429 answers to them: {}",
            took.as_secs_f64() / 10.0,
            posts(&calls, 429)
        );
        done.send(()).unwrap();
        served.await.unwrap().unwrap();
    });
}
