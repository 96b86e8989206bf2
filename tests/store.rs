//! Storage against a real PostgreSQL: migrations, encrypted keys and their rotation, the
//! outbox under concurrent claimers, button tokens, and the state tables the pollers use.

mod common;

use std::collections::HashSet;
use std::process::Command;
use std::time::Duration;

use clorebot::domain::{Platform, UserId};
use clorebot::store::crypto::{CryptoError, SecretKind};
use clorebot::store::secrets::{self, Stored};
use clorebot::store::{self, actions, audit, history, hosts, orders, outbox, users, watches};
use common::{buttons_age, db, outbox_ages, ring};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use sqlx::PgPool;

const CLORE_KEY: &str = "Zq8sPnW3vK1tY6uR0mXb4cLd7hJf2gAe";

async fn user(pool: &PgPool, n: u32) -> UserId {
    users::upsert_user(pool, Platform::Telegram, &format!("tg-{n}"), &format!("user {n}")).await.unwrap().id
}

fn usable(s: Option<Stored>) -> String {
    match s {
        Some(Stored::Usable(k)) => k.expose_secret().to_owned(),
        Some(Stored::Undecryptable(e)) => panic!("undecryptable: {e}"),
        None => panic!("no secret stored"),
    }
}

fn undecryptable(s: Option<Stored>) -> CryptoError {
    match s {
        Some(Stored::Undecryptable(e)) => e,
        Some(Stored::Usable(_)) => panic!("decrypted, but should not have"),
        None => panic!("no secret stored"),
    }
}

#[tokio::test]
async fn migrations_apply_to_an_empty_database_and_again_as_a_no_op() {
    let pool = db().await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for t in [
        "audit_log",
        "chats",
        "host_alert_settings",
        "host_earnings",
        "host_market_state",
        "host_servers",
        "outbox",
        "pending_actions",
        "price_history",
        "tracked_orders",
        "user_secrets",
        "users",
        "watch_matches",
        "watches",
    ] {
        assert!(tables.iter().any(|x| x == t), "table {t} missing from {tables:?}");
    }
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations").fetch_one(&pool).await.unwrap();
    store::migrate(&pool).await.unwrap();
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations").fetch_one(&pool).await.unwrap();
    assert_eq!(before, after);
    assert_eq!(after as usize, store::MIGRATOR.iter().count());
}

/// The hosts' desk tables refuse what cannot be: an observation whose states outlast the
/// time it vouches for, a second raw row for one poll, an undercut edge for a server never
/// seen; and a user's rows go with the user.
#[tokio::test]
async fn the_hosts_desk_tables_refuse_impossible_rows() {
    let pool = db().await;
    let u = user(&pool, 1).await;
    let earning = |covered: i32, free: i32| {
        sqlx::query(
            "INSERT INTO host_earnings (user_id, server_name, at, covered_secs, free_secs)
             VALUES ($1, 'rig-a', '2026-12-13T10:00:00Z', $2, $3)",
        )
        .bind(u)
        .bind(covered)
        .bind(free)
        .execute(&pool)
    };
    assert!(earning(60, 61).await.is_err(), "more free time than covered");
    earning(60, 60).await.unwrap();
    assert!(earning(60, 0).await.is_err(), "a second raw row for one poll");
    let edge = || {
        sqlx::query(
            "INSERT INTO host_market_state (user_id, server_name, in_quarter, cheaper, own_usd)
             VALUES ($1, 'rig-a', TRUE, 0, 3.4)",
        )
        .bind(u)
        .execute(&pool)
    };
    assert!(edge().await.is_err(), "an edge for a server never seen");
    let seen = hosts::HostServer { name: "rig-a".into(), server_id: Some(9), online: true, rented: false };
    hosts::observe_host_server(&pool, u, &seen).await.unwrap();
    edge().await.unwrap();
    let bad_setting = sqlx::query("INSERT INTO host_alert_settings (user_id, idle_hours) VALUES ($1, 721)").bind(u);
    assert!(bad_setting.execute(&pool).await.is_err(), "idle hours past a month");
    sqlx::query("DELETE FROM users WHERE id = $1").bind(u).execute(&pool).await.unwrap();
    let left: (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM host_earnings), (SELECT count(*) FROM host_market_state),
                (SELECT count(*) FROM host_servers)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(left, (0, 0, 0));
}

#[tokio::test]
async fn api_keys_round_trip_and_show_only_a_fingerprint() {
    let pool = db().await;
    let r = ring(&[(1, 11)]);
    let u = user(&pool, 1).await;
    assert!(secrets::get(&pool, &r, u, SecretKind::CloreApiKey).await.unwrap().is_none());
    let fp = secrets::put(&pool, &r, u, SecretKind::CloreApiKey, &SecretString::from(CLORE_KEY)).await.unwrap();
    assert_eq!(usable(secrets::get(&pool, &r, u, SecretKind::CloreApiKey).await.unwrap()), CLORE_KEY);
    let st = secrets::status(&pool, u, SecretKind::CloreApiKey).await.unwrap().unwrap();
    assert_eq!(st.fingerprint, fp);
    assert_eq!(st.key_version, 1);
    assert!(!CLORE_KEY.to_lowercase().contains(&fp), "the fingerprint is not a slice of the key");

    // Replacing keeps one row; the SSH password is a separate secret of its own.
    secrets::put(&pool, &r, u, SecretKind::CloreApiKey, &SecretString::from("another-key-0000000000")).await.unwrap();
    secrets::put(&pool, &r, u, SecretKind::SshPassword, &SecretString::from("hunter2hunter2")).await.unwrap();
    assert_eq!(usable(secrets::get(&pool, &r, u, SecretKind::CloreApiKey).await.unwrap()), "another-key-0000000000");
    assert_eq!(usable(secrets::get(&pool, &r, u, SecretKind::SshPassword).await.unwrap()), "hunter2hunter2");
    assert_eq!(secrets::users_with_api_key(&pool).await.unwrap(), vec![u]);

    assert!(secrets::remove(&pool, u, SecretKind::CloreApiKey).await.unwrap());
    assert!(!secrets::remove(&pool, u, SecretKind::CloreApiKey).await.unwrap());
    assert!(secrets::get(&pool, &r, u, SecretKind::CloreApiKey).await.unwrap().is_none());
}

#[tokio::test]
async fn a_ciphertext_moved_to_another_users_row_does_not_decrypt() {
    let pool = db().await;
    let r = ring(&[(1, 11)]);
    let (alice, mallory) = (user(&pool, 1).await, user(&pool, 2).await);
    secrets::put(&pool, &r, alice, SecretKind::CloreApiKey, &SecretString::from(CLORE_KEY)).await.unwrap();
    secrets::put(&pool, &r, mallory, SecretKind::CloreApiKey, &SecretString::from("mallorys-own-key-123"))
        .await
        .unwrap();
    sqlx::query(
        "UPDATE user_secrets m SET nonce = a.nonce, ciphertext = a.ciphertext
         FROM user_secrets a WHERE a.user_id = $1 AND m.user_id = $2 AND a.kind = m.kind",
    )
    .bind(alice)
    .bind(mallory)
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(
        undecryptable(secrets::get(&pool, &r, mallory, SecretKind::CloreApiKey).await.unwrap()),
        CryptoError::Decrypt(1)
    );
    // Nor can the API key be read as the SSH password of the same user.
    sqlx::query("UPDATE user_secrets SET kind = 'ssh_password' WHERE user_id = $1")
        .bind(alice)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        undecryptable(secrets::get(&pool, &r, alice, SecretKind::SshPassword).await.unwrap()),
        CryptoError::Decrypt(1)
    );
}

#[tokio::test]
async fn a_wrong_master_key_fails_cleanly_at_start_and_per_row() {
    let pool = db().await;
    let good = ring(&[(1, 11)]);
    let u = user(&pool, 1).await;
    secrets::put(&pool, &good, u, SecretKind::CloreApiKey, &SecretString::from(CLORE_KEY)).await.unwrap();
    secrets::check_keyring(&pool, &good).await.unwrap();

    let wrong = ring(&[(1, 12)]);
    assert_eq!(
        undecryptable(secrets::get(&pool, &wrong, u, SecretKind::CloreApiKey).await.unwrap()),
        CryptoError::Decrypt(1)
    );
    let e = secrets::check_keyring(&pool, &wrong).await.unwrap_err().to_string();
    assert!(e.contains("CLOREBOT_MASTER_KEY: master key version 1 does not decrypt"), "{e}");

    let newer_only = ring(&[(2, 11)]);
    let e = secrets::check_keyring(&pool, &newer_only).await.unwrap_err().to_string();
    assert!(e.contains("master key version 1, which is not in the keyring"), "{e}");
    assert_eq!(
        undecryptable(secrets::get(&pool, &newer_only, u, SecretKind::CloreApiKey).await.unwrap()),
        CryptoError::UnknownVersion(1)
    );
}

#[tokio::test]
async fn rotation_moves_every_row_is_resumable_and_idempotent() {
    let pool = db().await;
    let old = ring(&[(1, 11)]);
    let mut ids = Vec::new();
    for n in 0..25 {
        let u = user(&pool, n).await;
        secrets::put(&pool, &old, u, SecretKind::CloreApiKey, &SecretString::from(format!("key-of-user-{n:04}-xyz")))
            .await
            .unwrap();
        ids.push(u);
    }
    secrets::put(&pool, &old, ids[0], SecretKind::SshPassword, &SecretString::from("pw-0")).await.unwrap();

    let both = ring(&[(2, 22), (1, 11)]);
    // Interrupted after one batch of 10: that batch is committed, the rest waits.
    let r = secrets::rotate(&pool, &both, 10, Some(1)).await.unwrap();
    assert_eq!((r.moved, r.failed, r.remaining), (10, 0, 16));
    // Resumed: the rest moves. Run again: nothing to do.
    let r = secrets::rotate(&pool, &both, 10, None).await.unwrap();
    assert_eq!((r.moved, r.failed, r.remaining), (16, 0, 0));
    let r = secrets::rotate(&pool, &both, 10, None).await.unwrap();
    assert_eq!((r.moved, r.failed, r.remaining), (0, 0, 0));

    // Everything now opens with the new key alone.
    let new_only = ring(&[(2, 22)]);
    secrets::check_keyring(&pool, &new_only).await.unwrap();
    for (n, u) in ids.iter().enumerate() {
        let k = usable(secrets::get(&pool, &new_only, *u, SecretKind::CloreApiKey).await.unwrap());
        assert_eq!(k, format!("key-of-user-{n:04}-xyz"));
    }
    assert_eq!(usable(secrets::get(&pool, &new_only, ids[0], SecretKind::SshPassword).await.unwrap()), "pw-0");
}

#[tokio::test]
async fn rotation_skips_and_counts_rows_it_cannot_open() {
    let pool = db().await;
    let stranger = ring(&[(7, 99)]);
    let a = user(&pool, 1).await;
    let b = user(&pool, 2).await;
    secrets::put(&pool, &stranger, a, SecretKind::CloreApiKey, &SecretString::from("sealed-elsewhere-1"))
        .await
        .unwrap();
    secrets::put(&pool, &ring(&[(1, 11)]), b, SecretKind::CloreApiKey, &SecretString::from("ordinary-key-22"))
        .await
        .unwrap();
    let r = secrets::rotate(&pool, &ring(&[(2, 22), (1, 11)]), 1, None).await.unwrap();
    assert_eq!((r.moved, r.failed, r.remaining), (1, 1, 0));
}

#[tokio::test]
async fn a_database_dump_contains_no_plaintext_key() {
    let pool = db().await;
    let r = ring(&[(1, 11)]);
    for n in 0..3 {
        let u = user(&pool, n).await;
        secrets::put(&pool, &r, u, SecretKind::CloreApiKey, &SecretString::from(format!("{CLORE_KEY}{n}")))
            .await
            .unwrap();
        audit::record(&pool, Some(u), "key.set", &json!({"fingerprint": "x"}), "ok").await.unwrap();
    }
    let name: String = sqlx::query_scalar("SELECT current_database()::text").fetch_one(&pool).await.unwrap();
    let bin = clorebot::app::tempdb::find_bindir().unwrap();
    let mut cmd = Command::new(bin.join("pg_dump"));
    match std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        Some(url) => {
            let mut u = url::Url::parse(&url).unwrap();
            u.set_path(&format!("/{name}"));
            cmd.arg(format!("--dbname={u}"));
        }
        None => {
            let o = clorebot::app::tempdb::server_options().unwrap();
            cmd.args(["-h", &o.get_socket().unwrap().display().to_string(), "-p", &o.get_port().to_string()]);
            cmd.args(["-U", "postgres", "-d", &name]);
        }
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "pg_dump failed: {}", String::from_utf8_lossy(&out.stderr));
    let dump = String::from_utf8_lossy(&out.stdout);
    assert!(dump.contains("user_secrets"), "the dump holds the secrets table");
    assert!(!dump.contains(&CLORE_KEY[..16]), "a plaintext key is in the dump");
}

#[tokio::test]
async fn concurrent_claimers_never_take_the_same_outbox_row() {
    let pool = db().await;
    for i in 0..300 {
        let a = outbox::NewAlert {
            urgent: true,
            hold: Default::default(),
            part: None,
            dedup_key: format!("watch:1:server:{i}"),
            platform: Platform::Console,
            target_chat_id: Some("ops".into()),
            target_thread_id: None,
            target_user: None,
            payload: json!({ "text": format!("alert {i}") }),
        };
        assert!(outbox::enqueue(&pool, &a).await.unwrap());
        // The same alert again is a no-op.
        assert!(!outbox::enqueue(&pool, &a).await.unwrap());
    }
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let rows = outbox::claim(&pool, Platform::Console, 7, Duration::from_secs(60)).await.unwrap();
                if rows.is_empty() {
                    break mine;
                }
                for r in rows {
                    outbox::mark_delivered(&pool, r.id).await.unwrap();
                    mine.push(r.id);
                }
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let distinct: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 300, "every alert claimed once");
    assert_eq!(distinct.len(), 300, "no alert claimed twice");
    assert_eq!(outbox::pending_count(&pool).await.unwrap(), 0);
    // Another platform's notifier sees nothing of these.
    assert!(outbox::claim(&pool, Platform::Telegram, 10, Duration::from_secs(60)).await.unwrap().is_empty());
}

/// A sender that took over gives back what the previous senders had claimed — and nothing it
/// claimed itself; meanwhile it leaves their chats alone, so each chat's alerts stay in order.
#[tokio::test]
async fn claims_of_a_previous_sender_can_be_given_back() {
    let pool = db().await;
    let lease = Duration::from_secs(300);
    let alert = |i: usize, chat: usize| outbox::NewAlert {
        urgent: true,
        hold: Default::default(),
        part: None,
        dedup_key: format!("takeover:{i}"),
        platform: Platform::Discord,
        target_chat_id: Some(format!("13333333333333333{chat:02}")),
        target_thread_id: None,
        target_user: None,
        payload: json!({ "text": format!("alert {i}") }),
    };
    for i in 0..3 {
        outbox::enqueue(&pool, &alert(i, i)).await.unwrap();
    }
    let (dead, me) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let claimed = outbox::claim_for(&pool, Platform::Discord, None, 2, 1, lease, Some(dead)).await.unwrap();
    assert_eq!(claimed.len(), 2);
    // A later alert to a chat the dead sender holds one for waits; the third chat's goes.
    outbox::enqueue(&pool, &alert(3, 0)).await.unwrap();
    let mine = outbox::claim_for(&pool, Platform::Discord, None, 10, 3, lease, Some(me)).await.unwrap();
    assert_eq!(mine.iter().map(|r| r.dedup_key.as_str()).collect::<Vec<_>>(), ["takeover:2"]);
    // Another platform's claims are not touched.
    assert_eq!(outbox::release_claims_of_others(&pool, Platform::Telegram, me).await.unwrap(), 0);
    assert_eq!(outbox::release_claims_of_others(&pool, Platform::Discord, me).await.unwrap(), 2);
    let again = outbox::claim_for(&pool, Platform::Discord, None, 10, 3, lease, Some(me)).await.unwrap();
    let keys: Vec<&str> = again.iter().map(|r| r.dedup_key.as_str()).collect();
    assert_eq!(keys, ["takeover:0", "takeover:1", "takeover:3"], "the dead sender's two, then the chat's next");
    assert!(again.iter().take(2).all(|r| r.attempts == 1), "a claim given back is not counted as an attempt");
    assert_eq!(outbox::release_claims_of_others(&pool, Platform::Discord, me).await.unwrap(), 0, "its own stay");
}

#[tokio::test]
async fn outbox_leases_retries_and_failures() {
    let pool = db().await;
    let a = outbox::NewAlert {
        urgent: true,
        hold: Default::default(),
        part: None,
        dedup_key: "order:5:ended".into(),
        platform: Platform::Telegram,
        target_chat_id: Some("1001".into()),
        target_thread_id: None,
        target_user: None,
        payload: json!({"text": "Order 5 ended"}),
    };
    outbox::enqueue(&pool, &a).await.unwrap();
    let lease = Duration::from_secs(60);
    let first = outbox::claim(&pool, Platform::Telegram, 10, lease).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].attempts, 1);
    assert_eq!(first[0].payload.0["text"], "Order 5 ended");
    // Leased: invisible to others until the lease runs out (its notifier died mid-send).
    assert!(outbox::claim(&pool, Platform::Telegram, 10, Duration::from_secs(60)).await.unwrap().is_empty());
    // 50 s pass (in the database's clock): still leased. 61 s: the lease has run out.
    outbox_ages(&pool, Duration::from_secs(50)).await;
    assert!(outbox::claim(&pool, Platform::Telegram, 10, Duration::from_secs(60)).await.unwrap().is_empty());
    outbox_ages(&pool, lease - Duration::from_secs(50) + Duration::from_secs(1)).await;
    let again = outbox::claim(&pool, Platform::Telegram, 10, Duration::from_secs(60)).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
    // Retried later: not due until the delay passes.
    outbox::retry_later(&pool, again[0].id, "HTTP 502", Duration::from_secs(3600)).await.unwrap();
    assert!(outbox::claim(&pool, Platform::Telegram, 10, Duration::from_secs(60)).await.unwrap().is_empty());
    outbox::retry_later(&pool, again[0].id, "HTTP 502", Duration::ZERO).await.unwrap();
    let third = outbox::claim(&pool, Platform::Telegram, 10, Duration::from_secs(60)).await.unwrap();
    outbox::mark_failed(&pool, third[0].id, "bot was blocked by the user").await.unwrap();
    assert_eq!(outbox::pending_count(&pool).await.unwrap(), 0);
}

#[tokio::test]
async fn button_tokens_are_single_use_bound_and_expiring() {
    let pool = db().await;
    let (owner, other) = (user(&pool, 1).await, user(&pool, 2).await);
    let payload = json!({"rent": {"server": 42, "price": 0.45}});
    actions::create(&pool, "tok-confirm", Some(owner), &payload, Duration::from_secs(120)).await.unwrap();
    assert_eq!(actions::take(&pool, "tok-confirm", other).await.unwrap(), actions::Taken::NotYours);
    assert_eq!(actions::peek(&pool, "tok-confirm").await.unwrap(), Some((Some(owner), payload.clone())));
    assert_eq!(actions::take(&pool, "tok-confirm", owner).await.unwrap(), actions::Taken::Ok(payload));
    assert_eq!(actions::take(&pool, "tok-confirm", owner).await.unwrap(), actions::Taken::Used);
    assert_eq!(actions::take(&pool, "nope", owner).await.unwrap(), actions::Taken::Unknown);

    actions::create(&pool, "tok-short", Some(owner), &json!({}), Duration::from_millis(100)).await.unwrap();
    // 200 ms pass (in the database's clock).
    buttons_age(&pool, Duration::from_millis(200)).await;
    assert_eq!(actions::take(&pool, "tok-short", owner).await.unwrap(), actions::Taken::Expired(json!({})));
    assert_eq!(actions::purge_expired(&pool, Duration::ZERO).await.unwrap(), 1);

    // A token without an owner (a team alert's button) is anyone's to press.
    actions::create(&pool, "tok-team", None, &json!({"rent": 7}), Duration::from_secs(120)).await.unwrap();
    assert_eq!(actions::peek(&pool, "tok-team").await.unwrap(), Some((None, json!({"rent": 7}))));
    assert_eq!(actions::take(&pool, "tok-team", other).await.unwrap(), actions::Taken::Ok(json!({"rent": 7})));
    assert_eq!(actions::take(&pool, "tok-team", owner).await.unwrap(), actions::Taken::Used);

    // Two presses racing: exactly one wins.
    actions::create(&pool, "tok-race", Some(owner), &json!({"n": 1}), Duration::from_secs(120)).await.unwrap();
    let (a, b) = tokio::join!(actions::take(&pool, "tok-race", owner), actions::take(&pool, "tok-race", owner));
    let wins = [a.unwrap(), b.unwrap()].iter().filter(|t| matches!(t, actions::Taken::Ok(_))).count();
    assert_eq!(wins, 1);
}

#[tokio::test]
async fn users_chats_and_settings() {
    let pool = db().await;
    let a = users::upsert_user(&pool, Platform::Discord, "123", "Ann").await.unwrap();
    let again = users::upsert_user(&pool, Platform::Discord, "123", "Ann B").await.unwrap();
    assert_eq!(a.id, again.id);
    assert_eq!(again.display_name, "Ann B");
    assert_eq!(again.settings.currency, clorebot::clore::Currency::Usd);
    assert_eq!(again.settings.locale, None, "no language is chosen until the user chooses one");
    // The same id on another platform is another person.
    let tg = users::upsert_user(&pool, Platform::Telegram, "123", "Ann").await.unwrap();
    assert_ne!(tg.id, a.id);

    let mut s = again.settings.clone();
    s.currency = clorebot::clore::Currency::Clore;
    s.default_image = Some("cloreai/ubuntu22.04-cuda12".into());
    s.ssh_key = Some("ssh-ed25519 AAAAC3Nza ann@laptop".into());
    users::save_settings(&pool, a.id, &s).await.unwrap();
    let read = users::find_user(&pool, Platform::Discord, "123").await.unwrap().unwrap();
    assert_eq!(read.settings, s);

    let c = users::upsert_chat(
        &pool,
        Platform::Discord,
        "chan-9",
        clorebot::domain::ChatKind::Channel,
        Some("guild-1"),
        "gpu-ops",
    )
    .await
    .unwrap();
    let c2 = users::upsert_chat(
        &pool,
        Platform::Discord,
        "chan-9",
        clorebot::domain::ChatKind::Channel,
        Some("guild-1"),
        "gpus",
    )
    .await
    .unwrap();
    assert_eq!((c.id, c2.title.as_str()), (c2.id, "gpus"));
    assert_eq!(users::get_chat(&pool, c.id).await.unwrap().unwrap().guild_id.as_deref(), Some("guild-1"));
}

#[tokio::test]
async fn watches_and_their_match_state() {
    let pool = db().await;
    let owner = user(&pool, 1).await;
    let dm =
        users::upsert_chat(&pool, Platform::Telegram, "tg-1", clorebot::domain::ChatKind::Dm, None, "").await.unwrap();
    let team =
        users::upsert_chat(&pool, Platform::Telegram, "-100", clorebot::domain::ChatKind::Group, None, "ml team")
            .await
            .unwrap();
    let new = |chat, is_team, once| watches::NewWatch {
        thread_id: None,
        owner,
        chat,
        is_team,
        query: "4090 max=0.4".into(),
        gpu_model: Some("RTX 4090".into()),
        max_price: Some(0.4),
        currency: clorebot::clore::Currency::Usd,
        once,
        cooldown_secs: 0,
        autorent: None,
        digest: None,
        condition: None,
    };
    let w = watches::create(&pool, &new(dm.id, false, true)).await.unwrap();
    let t = watches::create(&pool, &new(team.id, true, false)).await.unwrap();
    assert_eq!(watches::list_personal(&pool, owner).await.unwrap().len(), 1);
    assert_eq!(watches::list_team(&pool, team.id).await.unwrap()[0].id, t.id);
    assert_eq!(watches::list_active(&pool).await.unwrap().len(), 2);

    watches::replace_matches(
        &pool,
        w.id,
        &[(clorebot::clore::ServerId(10), 0.35), (clorebot::clore::ServerId(11), 0.38)],
    )
    .await
    .unwrap();
    watches::replace_matches(
        &pool,
        w.id,
        &[(clorebot::clore::ServerId(11), 0.30), (clorebot::clore::ServerId(12), 0.39)],
    )
    .await
    .unwrap();
    let m: Vec<(i64, f64)> =
        watches::matches(&pool, w.id).await.unwrap().iter().map(|m| (m.server_id, m.price)).collect();
    assert_eq!(m, vec![(11, 0.30), (12, 0.39)]);
    watches::replace_matches(&pool, w.id, &[]).await.unwrap();
    assert!(watches::matches(&pool, w.id).await.unwrap().is_empty());

    // A `once` watch disables itself when it fires; a recurring one stays.
    watches::mark_fired(&pool, w.id, chrono::Utc::now()).await.unwrap();
    watches::mark_fired(&pool, t.id, chrono::Utc::now()).await.unwrap();
    assert!(!watches::get(&pool, w.id).await.unwrap().unwrap().active);
    assert!(watches::get(&pool, t.id).await.unwrap().unwrap().active);
    let until = chrono::Utc::now() + chrono::Duration::hours(2);
    watches::snooze(&pool, t.id, Some(until)).await.unwrap();
    let snoozed = watches::get(&pool, t.id).await.unwrap().unwrap().snoozed_until.unwrap();
    assert!((snoozed - until).num_milliseconds().abs() < 1);
    assert!(watches::delete(&pool, t.id).await.unwrap());
    assert!(watches::get(&pool, t.id).await.unwrap().is_none());
}

#[tokio::test]
async fn tracked_orders_hosts_history_and_audit() {
    let pool = db().await;
    let u = user(&pool, 1).await;
    let o = orders::NewTrackedOrder {
        user: u,
        order_id: 77,
        server_id: 5,
        spot: false,
        price: Some(0.5),
        currency: Some("USD-Blockchain".into()),
        ends_at: None,
        watch: None,
        started_at: None,
        creation_fee: Some(0.1),
    };
    orders::track(&pool, &o).await.unwrap();
    orders::track(&pool, &o).await.unwrap();
    assert_eq!(orders::active_for_user(&pool, u).await.unwrap().len(), 1);
    assert_eq!(orders::users_with_active_orders(&pool).await.unwrap(), vec![u]);
    assert!(orders::set_flag(&pool, u, 77, orders::OrderFlag::EndingSoonAlerted).await.unwrap());
    assert!(!orders::set_flag(&pool, u, 77, orders::OrderFlag::EndingSoonAlerted).await.unwrap());
    assert!(orders::set_flag(&pool, u, 77, orders::OrderFlag::Ended).await.unwrap());
    assert!(!orders::set_flag(&pool, u, 77, orders::OrderFlag::Ended).await.unwrap());
    assert!(orders::active_for_user(&pool, u).await.unwrap().is_empty());

    let seen = |online, rented| hosts::HostServer { name: "rig-a".into(), server_id: Some(9), online, rented };
    assert_eq!(hosts::observe_host_server(&pool, u, &seen(true, false)).await.unwrap(), None);
    assert_eq!(hosts::observe_host_server(&pool, u, &seen(false, false)).await.unwrap(), Some(seen(true, false)));
    assert_eq!(hosts::observe_host_server(&pool, u, &seen(false, true)).await.unwrap(), Some(seen(false, false)));
    assert_eq!(hosts::host_servers(&pool, u).await.unwrap(), vec![seen(false, true)]);

    let t0 = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap();
    let point = |m: &str, at, min| history::PricePoint {
        gpu_model: m.into(),
        polled_at: at,
        currency: clorebot::clore::Currency::Usd,
        min_price: Some(min),
        median_price: Some(min * 1.5),
        available: 4,
        total: 9,
    };
    let pts = vec![
        point("RTX 4090", t0, 0.4),
        point("RTX 4090", t0 + chrono::Duration::seconds(30), 0.35),
        point("A100", t0, 1.2),
    ];
    assert_eq!(history::record(&pool, &pts).await.unwrap(), 3);
    assert_eq!(history::record(&pool, &pts).await.unwrap(), 0, "a poll recorded twice is kept once");
    let s = history::series(&pool, "RTX 4090", clorebot::clore::Currency::Usd, t0).await.unwrap();
    assert_eq!(s.iter().map(|p| p.min_price.unwrap()).collect::<Vec<_>>(), vec![0.4, 0.35]);

    audit::record(&pool, Some(u), "rent", &json!({"server": 5, "price": 0.5}), "ok: order 77").await.unwrap();
    audit::record(&pool, Some(u), "cancel", &json!({"order": 77}), "ok").await.unwrap();
    let log = audit::recent(&pool, u, 10).await.unwrap();
    assert_eq!(log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), vec!["cancel", "rent"]);
}

#[tokio::test]
async fn one_damaged_secret_does_not_stop_the_bot_only_its_owner() {
    let pool = db().await;
    let good = ring(&[(1, 11)]);
    let mut users = Vec::new();
    for n in 0..4 {
        let u = user(&pool, n).await;
        secrets::put(&pool, &good, u, SecretKind::CloreApiKey, &SecretString::from(format!("key-of-user-{n}-abcdef")))
            .await
            .unwrap();
        users.push(u);
    }
    // The row written first (and the lowest id) is damaged on disk.
    sqlx::query("UPDATE user_secrets SET ciphertext = decode('00', 'hex') || ciphertext, updated_at = now() - interval '1 day' WHERE user_id = $1")
        .bind(users[0])
        .execute(&pool)
        .await
        .unwrap();
    secrets::check_keyring(&pool, &good).await.unwrap();
    assert_eq!(
        undecryptable(secrets::get(&pool, &good, users[0], SecretKind::CloreApiKey).await.unwrap()),
        CryptoError::Decrypt(1)
    );
    assert_eq!(
        usable(secrets::get(&pool, &good, users[1], SecretKind::CloreApiKey).await.unwrap()),
        "key-of-user-1-abcdef"
    );
    // With a wrong key nothing opens: that still stops the start.
    let e = secrets::check_keyring(&pool, &ring(&[(1, 12)])).await.unwrap_err().to_string();
    assert!(e.contains("master key version 1 does not decrypt"), "{e}");
}

#[tokio::test]
async fn sealed_secrets_open_once_bound_to_their_row_and_expire() {
    use clorebot::store::sealed::{self, Taken};
    let pool = db().await;
    let r = ring(&[(1, 11)]);
    let a = user(&pool, 1).await;
    let b = user(&pool, 2).await;
    let secret = SecretString::from("generated-pw-123");
    let id = sealed::put(&pool, &r, a, SecretKind::OrderLogin, &secret, Duration::from_secs(60)).await.unwrap();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT ciphertext FROM sealed_secrets").fetch_one(&pool).await.unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains("generated-pw"));
    // Someone else, or the wrong kind, cannot take it.
    assert!(matches!(sealed::take(&pool, &r, b, SecretKind::OrderLogin, id).await.unwrap(), Taken::Gone));
    assert!(matches!(sealed::take(&pool, &r, a, SecretKind::RentEnv, id).await.unwrap(), Taken::Gone));
    // Its owner can, once.
    match sealed::take(&pool, &r, a, SecretKind::OrderLogin, id).await.unwrap() {
        Taken::Secret(s) => assert_eq!(s.expose_secret(), "generated-pw-123"),
        _ => panic!("the owner could not take it"),
    }
    assert!(matches!(sealed::take(&pool, &r, a, SecretKind::OrderLogin, id).await.unwrap(), Taken::Gone));

    // Moved to another row, a ciphertext does not open.
    let one = sealed::put(&pool, &r, a, SecretKind::RentEnv, &secret, Duration::from_secs(60)).await.unwrap();
    let two = sealed::put(&pool, &r, a, SecretKind::RentEnv, &SecretString::from("x"), Duration::from_secs(60))
        .await
        .unwrap();
    sqlx::query("UPDATE sealed_secrets SET (nonce, ciphertext) = (SELECT nonce, ciphertext FROM sealed_secrets WHERE id = $1) WHERE id = $2")
        .bind(one)
        .bind(two)
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(sealed::take(&pool, &r, a, SecretKind::RentEnv, two).await.unwrap(), Taken::Undecryptable(_)));

    // Expired: reads as gone, and purged.
    let old = sealed::put(&pool, &r, a, SecretKind::RentEnv, &secret, Duration::ZERO).await.unwrap();
    assert!(matches!(sealed::take(&pool, &r, a, SecretKind::RentEnv, old).await.unwrap(), Taken::Gone));
    sealed::put(&pool, &r, a, SecretKind::RentEnv, &secret, Duration::ZERO).await.unwrap();
    assert_eq!(sealed::purge_expired(&pool).await.unwrap(), 1);

    // Rotation moves what is left to the newest key.
    let (moved, failed) = sealed::rotate(&pool, &ring(&[(2, 22), (1, 11)])).await.unwrap();
    assert_eq!((moved, failed), (1, 0));
    match sealed::take(&pool, &ring(&[(2, 22)]), a, SecretKind::RentEnv, one).await.unwrap() {
        Taken::Secret(s) => assert_eq!(s.expose_secret(), "generated-pw-123"),
        _ => panic!("rotated secret does not open with the new key"),
    }
}

#[tokio::test]
async fn one_open_intent_per_user_and_server_and_transitions_happen_once() {
    use clorebot::store::intents::{self, Begun, NewIntent, Origin, Status};
    let pool = db().await;
    let a = user(&pool, 1).await;
    let new = |server: i64| NewIntent {
        user: a,
        server_id: server,
        price: 0.3,
        currency: "USD-Blockchain".into(),
        spot: false,
        gpu: "1× RTX 4090".into(),
        watch: None,
        origin: Origin::Rent,
        login_secret: None,
        guard: None,
    };
    let mut conn = pool.acquire().await.unwrap();
    let Begun::Started(first) = intents::begin(&mut conn, &new(7)).await.unwrap() else { panic!("not started") };
    assert!(matches!(intents::begin(&mut conn, &new(7)).await.unwrap(), Begun::Busy(Some(i)) if i.id == first.id));
    assert!(matches!(intents::begin(&mut conn, &new(8)).await.unwrap(), Begun::Started(_)));
    let open = [Status::Pending];
    assert!(intents::resolve(&pool, first.id, &open, Status::Unknown, None, Some("timeout")).await.unwrap());
    assert!(!intents::resolve(&pool, first.id, &open, Status::Refused, None, None).await.unwrap(), "not pending now");
    assert!(intents::resolve(&pool, first.id, &Status::OPEN, Status::Made, Some(1001), None).await.unwrap());
    assert!(!intents::resolve(&pool, first.id, &Status::OPEN, Status::Absent, None, None).await.unwrap());
    // Closed, so server 7 may be tried again.
    assert!(matches!(intents::begin(&mut conn, &new(7)).await.unwrap(), Begun::Started(_)));
    assert_eq!(intents::claimed_orders(&pool, a).await.unwrap(), vec![1001]);
    assert_eq!(intents::open_for_user(&pool, a).await.unwrap().len(), 2);
}

/// A fresh database whose schema is as migrations up to `version` (included) left it.
async fn db_before(version: i64) -> sqlx::PgPool {
    let pool = db().await;
    sqlx::raw_sql(
        "DO $$ DECLARE t TEXT; BEGIN
           FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
             EXECUTE format('DROP TABLE %I CASCADE', t);
           END LOOP;
         END $$",
    )
    .execute(&pool)
    .await
    .unwrap();
    store::MIGRATOR.run_to(version, &pool).await.unwrap();
    pool
}

#[tokio::test]
async fn watches_stored_before_the_text_migration_load_from_their_text() {
    use clorebot::alerts::market_poll::compile;
    use clorebot::market::Query;

    // A database as it was before the watch-text migration.
    let pool = db_before(20261124000001).await;
    // The schema of that time: no query of today's code that touches users or chats.
    let owner: UserId = sqlx::query_scalar(
        "INSERT INTO users (platform, platform_user_id, display_name) VALUES ('telegram', 'tg-1', 'user 1') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let dm_id: i64 = sqlx::query_scalar(
        "INSERT INTO chats (platform, platform_chat_id, kind) VALUES ('telegram', 'tg-1', 'dm') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    // What the old /watch stored: the terms joined (quoted when holding a space), their
    // parsed form (a stand-in below: the migration drops it unread, and the parsed form has
    // no serialized shape any more), and the currency it set.
    let old: [(&[&str], &str, clorebot::clore::Currency); 4] = [
        (
            &["4090", "max=4", "cc", "in", "[DE,NL]", "x2"],
            "4090 max=4 cc in [DE,NL] x2",
            clorebot::clore::Currency::Usd,
        ),
        (
            &["rtx 3090", "currency=clore", "<40", "spot"],
            "\"rtx 3090\" currency=clore <40 spot",
            clorebot::clore::Currency::Clore,
        ),
        // A phrase holding a tab was written unquoted: the migration quotes it.
        (&["rtx\t3090", "x2"], "rtx\t3090 x2", clorebot::clore::Currency::Usd),
        (
            &["a100 80gb", "rtx\u{2028}6000", "ram>=64"],
            "\"a100 80gb\" rtx\u{2028}6000 ram>=64",
            clorebot::clore::Currency::Bitcoin,
        ),
    ];
    let mut ids = Vec::new();
    for (terms, text, currency) in &old {
        let terms: Vec<String> = terms.iter().map(|t| (*t).to_owned()).collect();
        let mut q = Query::from_terms(&terms).unwrap();
        q.set_currency(*currency);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO watches (owner_id, chat_id, query, query_parsed, currency) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(owner)
        .bind(dm_id)
        .bind(*text)
        .bind(json!({ "stand-in": "the parsed form, which the migration drops unread" }))
        .bind(currency.code())
        .fetch_one(&pool)
        .await
        .unwrap();
        ids.push((clorebot::domain::WatchId(id), q));
    }

    store::migrate(&pool).await.unwrap();
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'watches' ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(!columns.contains(&"query_parsed".to_owned()), "{columns:?}");
    assert!(columns.contains(&"broken_reason".to_owned()) && columns.contains(&"broken_at".to_owned()));

    let texts = [
        "4090 max=4 cc in [DE,NL] x2",
        "\"rtx 3090\" currency=clore <40 spot",
        "\"rtx\t3090\" x2",
        "\"a100 80gb\" \"rtx\u{2028}6000\" ram>=64",
    ];
    for ((id, parsed), text) in ids.iter().zip(texts) {
        let w = watches::get(&pool, *id).await.unwrap().unwrap();
        assert_eq!(w.query, text);
        assert!(w.active && w.broken_reason.is_none() && w.broken_at.is_none());
        assert_eq!(&compile(&w).unwrap().query, parsed, "{text:?}");
    }
    // Broken means off, with a reason.
    let on_but_broken = sqlx::query("UPDATE watches SET broken_at = now(), broken_reason = 'x' WHERE id = $1")
        .bind(ids[0].0)
        .execute(&pool)
        .await;
    assert!(on_but_broken.is_err());
    assert!(watches::mark_broken(&pool, ids[0].0, "`x`: why").await.unwrap());
    assert!(!watches::mark_broken(&pool, ids[0].0, "`x`: why").await.unwrap(), "once");
    let w = watches::get(&pool, ids[0].0).await.unwrap().unwrap();
    assert!(!w.active && w.broken_reason.as_deref() == Some("`x`: why") && w.broken_at.is_some());
}

/// The migration that turns stored buttons' parsed queries into query text.
const BUTTON_TEXT_MIGRATION: i64 = 20261206000001;

#[tokio::test]
async fn buttons_stored_before_the_query_text_migration_read_as_text_or_expire() {
    use clorebot::clore::Currency;
    use clorebot::market::Query;
    use clorebot::services::Action;

    // A database as it was just before the migration.
    let before = store::MIGRATOR.iter().map(|m| m.version).filter(|v| *v < BUTTON_TEXT_MIGRATION).max().unwrap();
    let pool = db_before(before).await;
    // Payloads exactly as the old code wrote them (serde_json of its `Action`, the query in
    // its parsed form), with the text each query was typed as.
    let old: [(&str, &str, &str); 7] = [
        // `/gpus 4090 max=0.5`, page 2.
        (
            "page-plain",
            r#"{"kind":"gpus_page","query":{"models":{"phrases":[["4090"]]},"conds":[{"field":"price","op":"Le","values":[{"Num":0.5}]}],"spot":false,"include_rented":false,"currency":null,"sort":[],"limit":null},"page":1}"#,
            "4090 max=0.5",
        ),
        (
            "page-every-setting",
            r#"{"kind":"gpus_page","query":{"models":{"phrases":[["rtx","3090"]]},"conds":[{"field":"gpus","op":"Ge","values":[{"Num":2.0}]},{"field":"price","op":"Lt","values":[{"Num":0.6}]},{"field":"cc","op":"In","values":[{"Text":"DE"},{"Text":"NL"}]},{"field":"cuda","op":"Ge","values":[{"Version":[12,4]}]},{"field":"reliability","op":"Ge","values":[{"Num":0.95}]}],"spot":true,"include_rented":true,"currency":"CLORE-Blockchain","sort":[{"field":"gpus","descending":true},{"field":null,"descending":false}],"limit":5},"page":1}"#,
            "\"rtx 3090\" x2 <0.6 cc in [DE,NL] cuda>=12.4 reliability>=95% spot all sort=-gpus,id limit=5 currency=clore",
        ),
        (
            "page-numbers",
            r#"{"kind":"gpus_page","query":{"models":{"phrases":[]},"conds":[{"field":"ram","op":"Ne","values":[{"Num":0.0}]},{"field":"price","op":"In","values":[{"Num":0.1},{"Num":0.2}]},{"field":"rating","op":"Gt","values":[{"Num":4.0}]},{"field":"mrl","op":"Ge","values":[{"Num":24.0}]},{"field":"price","op":"Gt","values":[{"Num":0.1}]},{"field":"down","op":"Ge","values":[{"Num":100.0}]},{"field":"up","op":"Ge","values":[{"Num":1e-7}]}],"spot":false,"include_rented":false,"currency":null,"sort":[],"limit":null},"page":1}"#,
            "ram!=0 price in [0.1, 0.2] rating>4 mrl>=24 >0.1 down>=100 up>=1e-7",
        ),
        // Glued and dashed model names, and a quoted word that reads as a keyword unquoted.
        (
            "page-models",
            r#"{"kind":"gpus_page","query":{"models":{"phrases":[["rtx","3090"],["rtx","4090","ti"],["spot"],["a100","80gb"]]},"conds":[],"spot":false,"include_rented":false,"currency":null,"sort":[],"limit":null},"page":1}"#,
            "\"rtx 3090\" rtx4090ti \"spot \" a100-80gb",
        ),
        // `/watch 4090 max=0.5 autorent`'s Confirm, the currency fixed by /watch.
        (
            "confirm-watch",
            r#"{"kind":"confirm_watch","query":{"models":{"phrases":[["4090"]]},"conds":[{"field":"price","op":"Le","values":[{"Num":0.5}]}],"spot":false,"include_rented":false,"currency":"USD-Blockchain","sort":[],"limit":null},"query_text":"4090 max=0.5","once":false,"team":false,"cooldown_secs":0,"autorent":{"max_orders":1,"daily_cap":0.5,"keep":false}}"#,
            "4090 max=0.5",
        ),
        // `cpus>=1e300`: written out in full, a number of 301 digits, over the parser's limit.
        (
            "page-too-long",
            r#"{"kind":"gpus_page","query":{"models":{"phrases":[]},"conds":[{"field":"cpus","op":"Ge","values":[{"Num":1e+300}]}],"spot":false,"include_rented":false,"currency":null,"sort":[],"limit":null},"page":1}"#,
            "",
        ),
        // A shape no version of this migration knows.
        ("page-unknown", r#"{"kind":"gpus_page","query":{"a shape":"this version does not read"},"page":1}"#, ""),
    ];
    for (token, payload, _) in &old {
        sqlx::query(
            "INSERT INTO pending_actions (token, payload, expires_at) VALUES ($1, $2::jsonb, now() + interval '1 hour')",
        )
        .bind(*token)
        .bind(*payload)
        .execute(&pool)
        .await
        .unwrap();
    }
    // A button without a query is left as it is.
    let details = json!({ "kind": "server_details", "server": 42 });
    actions::create(&pool, "details", None, &details, Duration::from_secs(3600)).await.unwrap();

    store::migrate(&pool).await.unwrap();

    let typed = |text: &str| Query::from_joined(text).unwrap();
    let live = |token: &'static str| {
        let pool = pool.clone();
        async move {
            let (_, payload) = actions::peek(&pool, token).await.unwrap().unwrap_or_else(|| panic!("{token} expired"));
            (serde_json::from_value::<Action>(payload.clone()).unwrap_or_else(|e| panic!("{token}: {e}")), payload)
        }
    };
    for (token, _, text) in &old[..4] {
        match live(token).await {
            (Action::GpusPage { query_text, page: 1 }, payload) => {
                assert_eq!(Query::from_joined(&query_text), Ok(typed(text)), "{token}: {query_text:?}");
                assert!(payload.get("query").is_none(), "{payload}");
            }
            other => panic!("{token}: {other:?}"),
        }
    }
    assert_eq!(live("page-plain").await.1, json!({ "kind": "gpus_page", "query_text": "4090 price<=0.5", "page": 1 }));
    match live("confirm-watch").await {
        (Action::ConfirmWatch(plan), payload) => {
            assert_eq!((plan.query_text.as_str(), plan.currency), ("4090 max=0.5", Currency::Usd));
            let mut query = typed("4090 max=0.5");
            query.set_currency(Currency::Usd);
            assert_eq!(plan.query(), Ok(query));
            assert_eq!((plan.once, plan.team, plan.cooldown_secs), (false, false, 0));
            assert_eq!(plan.autorent.map(|r| (r.max_orders, r.daily_cap, r.keep)), Some((1, 0.5, false)));
            assert!(payload.get("query").is_none(), "{payload}");
        }
        other => panic!("{other:?}"),
    }
    for token in ["page-too-long", "page-unknown"] {
        assert!(actions::peek(&pool, token).await.unwrap().is_none(), "{token} is expired");
    }
    assert_eq!(actions::peek(&pool, "details").await.unwrap(), Some((None, details)));

    // Running it again changes nothing.
    let rows = || async {
        let rows: Vec<(String, serde_json::Value, chrono::DateTime<chrono::Utc>)> =
            sqlx::query_as("SELECT token, payload, expires_at FROM pending_actions ORDER BY token")
                .fetch_all(&pool)
                .await
                .unwrap();
        rows
    };
    let once = rows().await;
    let migration = store::MIGRATOR.iter().find(|m| m.version == BUTTON_TEXT_MIGRATION).unwrap();
    sqlx::raw_sql(migration.sql.clone()).execute(&pool).await.unwrap();
    assert_eq!(rows().await, once);
}

#[tokio::test]
async fn price_history_thins_out_with_age_and_ends_after_90_days() {
    use chrono::{DurationRound, TimeDelta};
    let pool = db().await;
    // Whole hours, so the buckets below are exactly predictable.
    let now = chrono::Utc::now().duration_trunc(TimeDelta::hours(1)).unwrap();
    let point = |at: chrono::DateTime<chrono::Utc>, min: f64| history::PricePoint {
        gpu_model: "RTX 4090".into(),
        polled_at: at,
        currency: clorebot::clore::Currency::Usd,
        min_price: Some(min),
        median_price: Some(min + 1.0),
        available: 10,
        total: 20,
    };
    let mut pts = Vec::new();
    // Every 30 s: ten minutes two days ago, two hours ten days ago, and the last five minutes.
    for i in 0..20 {
        pts.push(point(now - TimeDelta::days(2) + TimeDelta::seconds(30 * i), 3.0 + i as f64 / 100.0));
    }
    for i in 0..240 {
        pts.push(point(now - TimeDelta::days(10) + TimeDelta::seconds(30 * i), 2.0 + (i % 7) as f64 / 10.0));
    }
    for i in 0..10 {
        pts.push(point(now - TimeDelta::seconds(30 * (i + 1)), 5.0));
    }
    pts.push(point(now - TimeDelta::days(100), 1.0));
    history::record(&pool, &pts).await.unwrap();

    let done = history::compact(&pool, now, &history::RETENTION).await.unwrap();
    assert_eq!(done.dropped, 1, "the 100-day-old poll");
    let rows: Vec<(chrono::DateTime<chrono::Utc>, i32, Option<f64>)> =
        sqlx::query_as("SELECT polled_at, span_secs, min_price FROM price_history ORDER BY polled_at")
            .fetch_all(&pool)
            .await
            .unwrap();
    let spans = |from: TimeDelta, to: TimeDelta| -> Vec<(i32, Option<f64>)> {
        rows.iter().filter(|r| r.0 >= now - from && r.0 < now - to).map(|r| (r.1, r.2)).collect()
    };
    assert_eq!(spans(TimeDelta::days(11), TimeDelta::days(9)), vec![(3600, Some(2.0)), (3600, Some(2.0))], "hourly");
    assert_eq!(spans(TimeDelta::days(3), TimeDelta::days(1)), vec![(300, Some(3.0)), (300, Some(3.1))], "5-minute");
    assert_eq!(spans(TimeDelta::hours(1), TimeDelta::zero()).len(), 10, "the last day as polled");
    assert_eq!(history::compact(&pool, now, &history::RETENTION).await.unwrap(), history::Compacted::default());
}
