//! The Discord front-end over HTTP interactions: interactions shaped as Discord sends them
//! (tests/fixtures/discord, checked field by field against serenity 0.12.5's model and
//! Discord's docs), signed with a key made here, posted to the real listener; what the bot
//! then does goes to a fake Discord REST API (tests/common/discord.rs) that records it.

mod common;

use std::time::Duration;

use clorebot::domain::Platform;
use clorebot::store::crypto::SecretKind;
use clorebot::store::{secrets, users};
use common::discord::app::{MANAGER, MEMBER, OTHER_USER, USER};
use common::discord::{APP_ID, DiscordApp, FakeDiscord, fixture, query, sign};
use common::*;
use ed25519_dalek::SigningKey;
use serde_json::json;
use serenity::model::application::{Interaction, InteractionType};

/// The market snapshot is refreshed when older than this.
const MARKET_TTL: Duration = Duration::from_secs(2);

#[test]
fn discord_interaction_fixtures_read_as_serenity_reads_them() {
    for (f, kind) in [
        ("ping", InteractionType::Ping),
        ("command", InteractionType::Command),
        ("command_dm", InteractionType::Command),
        ("component", InteractionType::Component),
        ("autocomplete", InteractionType::Autocomplete),
        ("modal", InteractionType::Modal),
    ] {
        let i: Interaction = serde_json::from_value(fixture(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(i.kind(), kind, "{f}");
    }
}

async fn start() -> DiscordApp {
    DiscordApp::start(MARKET_TTL).await
}

#[tokio::test]
async fn only_signed_interactions_are_read_and_commands_are_registered() {
    let d = start().await;
    // Registered on start: a bulk overwrite of every command, described from the help table.
    let put = d.fake.wait_for(WAIT, |c| c.iter().any(|c| c.method == "PUT")).await;
    let put = put.iter().find(|c| c.method == "PUT").unwrap();
    assert_eq!(put.path, format!("/api/v10/applications/{APP_ID}/commands"));
    let names: Vec<&str> = put.body.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"gpus") && names.contains(&"watch") && names.contains(&"key"), "{names:?}");
    // In English, with German and Russian for clients in those languages: every command and option.
    let gpus = put.body.as_array().unwrap().iter().find(|c| c["name"] == "gpus").unwrap();
    assert_eq!(gpus["description"], "Search the marketplace (no key needed)");
    assert_eq!(gpus["description_localizations"]["ru"], "Поиск по маркетплейсу (ключ не нужен)");
    assert!(gpus["description_localizations"]["de"].as_str().unwrap().contains("Marktplatz"), "{gpus}");
    assert!(gpus["options"][0]["description_localizations"]["ru"].as_str().unwrap().contains("/help gpus"), "{gpus}");
    for c in put.body.as_array().unwrap() {
        let options = c["options"].as_array().into_iter().flatten();
        for d in std::iter::once(c).chain(options) {
            for locale in ["de", "ru"] {
                let l = d["description_localizations"][locale].as_str().unwrap_or_else(|| panic!("{locale}: {d}"));
                assert!((1..=100).contains(&l.chars().count()) && l != d["description"], "{locale}: {d}");
            }
        }
    }

    let ping = serde_json::to_vec(&fixture("ping")).unwrap();
    assert_eq!(d.post_raw(&ping, None, None).await.0, 401, "no signature");
    let ts = chrono::Utc::now().timestamp().to_string();
    let other = SigningKey::from_bytes(&[9; 32]);
    let forged = sign(&other, &ts, &ping);
    assert_eq!(d.post_raw(&ping, Some(forged), Some(ts)).await.0, 401, "another key");
    let old = (chrono::Utc::now().timestamp() - 600).to_string();
    let stale = d.sign(&old, &ping);
    assert_eq!(d.post_raw(&ping, Some(stale), Some(old)).await.0, 401, "ten minutes old");
    assert_eq!(d.post(&json!({ "type": 1 })).await.0, 400, "signed, but not an interaction");
    assert_eq!(d.post(&fixture("ping")).await, (200, json!({ "type": 1 })));
    // Discord's, but of a shape serenity does not read: a polite answer, not an error.
    let mut odd = fixture("modal");
    odd.as_object_mut().unwrap().remove("locale");
    let (status, answer) = d.post(&odd).await;
    assert_eq!((status, answer["type"].as_u64(), answer["data"]["flags"].as_u64()), (200, Some(4), Some(64)));
    assert_eq!(answer["data"]["content"], "That is not supported.");
    // A command holding a secret is deferred so that only its author sees the answer.
    let (i, _) =
        d.command(USER, "rent", json!([{ "name": "target", "type": 3, "value": "4090 env HF_TOKEN=hf_x" }]), MEMBER);
    assert_eq!(d.post(&i).await, (200, json!({ "type": 5, "data": { "flags": 64 } })));
    d.stop().await;
}

#[tokio::test]
async fn a_listing_is_deferred_then_filled_and_its_buttons_edit_it() {
    let d = start().await;
    let (i, token) = d.command(USER, "gpus", query("4090"), MEMBER);
    assert_eq!(d.post(&i).await, (200, json!({ "type": 5 })), "deferred at once, in public");
    let calls = d.calls_for(&token, 1).await;
    let four = &calls[0];
    assert_eq!((four.method.as_str(), four.path.ends_with("/messages/@original")), ("PATCH", true));
    assert!(four.shown().contains("— 4090 —") && four.shown().contains("× RTX 4090"), "{}", four.shown());
    assert!(four.buttons().iter().any(|(l, _)| l.starts_with("Rent #")), "{:?}", four.buttons());
    let (i, token) = d.command(USER, "gpus", json!([]), MEMBER);
    d.post(&i).await;
    let calls = d.calls_for(&token, 1).await;
    let listing = &calls[0];
    assert!(listing.shown().contains("page 1/"), "{}", listing.shown());
    // A listing is an embed: its title, the servers in its description, a button row each.
    let embed = &listing.body["embeds"][0];
    assert!(embed["title"].as_str().unwrap().contains("page 1/") && embed["description"].as_str().is_some(), "{embed}");
    assert_eq!((listing.content(), &listing.body["allowed_mentions"]), (String::new(), &json!({ "parse": [] })));
    assert!(listing.buttons().iter().any(|(l, _)| l.starts_with("Rent #")));

    // Next ▸: acknowledged (type 6), then the message the button is on is edited.
    let (p, ptoken) = d.press(&listing.button("Next"));
    assert_eq!(d.post(&p).await, (200, json!({ "type": 6 })));
    let calls = d.calls_for(&ptoken, 1).await;
    assert_eq!(calls[0].method, "PATCH");
    assert!(calls[0].shown().contains("page 2/"), "{}", calls[0].shown());
    let next = ptoken;

    // A command that needs a key says so, in the deferred answer.
    let (i, token) = d.command(USER, "rent", json!([{ "name": "target", "type": 3, "value": "4090" }]), MEMBER);
    d.post(&i).await;
    let calls = d.calls_for(&token, 1).await;
    assert!(calls[0].shown().contains("needs your Clore API key"), "{}", calls[0].shown());
    let fake = d.stop().await;
    assert_eq!(fake.for_interaction(&next).len(), 1, "Next ▸ made no new message");
}

/// A NUL byte in a slash command's option or a button's custom id was "Something went wrong"
/// (Postgres refuses it in text); now the option is named and the button is a stale one.
#[tokio::test]
async fn a_nul_byte_is_named_not_an_internal_error() {
    let d = start().await;
    let (i, token) =
        d.command(USER, "watch", json!([{ "name": "query", "type": 3, "value": "4090\u{0} max=4" }]), MEMBER);
    d.post(&i).await;
    let answer = &d.calls_for(&token, 1).await[0];
    assert!(answer.shown().contains("invisible control character (U+0000)"), "{}", answer.shown());
    let (p, ptoken) = d.press("AAAAAAAAAAAAAAA\u{0}");
    assert_eq!(d.post(&p).await, (200, json!({ "type": 6 })));
    let note = &d.calls_for(&ptoken, 1).await[0];
    assert!(note.ephemeral() && note.shown().contains("This button is no longer valid"), "{note:?}");
    d.stop().await;
}

#[tokio::test]
async fn history_answers_with_its_chart_attached_and_shown_in_the_embed() {
    let d = start().await;
    record_4090_history(&d.pool, 48, 3).await;
    let (i, token) = d.command(
        USER,
        "history",
        json!([{ "name": "query", "type": 3, "value": "4090" }, { "name": "period", "type": 3, "value": "30d" }]),
        MEMBER,
    );
    assert_eq!(d.post(&i).await, (200, json!({ "type": 5 })));
    let calls = d.calls_for(&token, 1).await;
    let answer = &calls[0];
    assert_eq!((answer.method.as_str(), answer.path.ends_with("/messages/@original")), ("PATCH", true));
    let files = answer.files();
    assert!(
        files.len() == 1 && files[0].0 == "chart.png" && files[0].2 && files[0].1 > 10_000,
        "{files:?} {}",
        answer.body
    );
    let embed = &answer.body["embeds"][0];
    assert_eq!(embed["title"], "RTX 4090 — last 30d");
    assert_eq!(embed["image"]["url"], "attachment://chart.png");
    assert_eq!(answer.body["attachments"], json!([{ "id": 0, "filename": "chart.png" }]));
    assert!(answer.shown().contains("Cheapest free now $"), "{}", answer.shown());
    d.stop().await;
}

#[tokio::test]
async fn market_answers_with_its_table_and_chart() {
    let d = start().await;
    let (i, token) = d.command(USER, "market", query("4090"), MEMBER);
    assert_eq!(d.post(&i).await, (200, json!({ "type": 5 })));
    let calls = d.calls_for(&token, 1).await;
    let answer = &calls[0];
    let files = answer.files();
    assert!(files.len() == 1 && files[0].0 == "chart.png" && files[0].1 > 10_000, "{files:?}");
    let embed = &answer.body["embeds"][0];
    // Markdown escaped, as every title is.
    assert_eq!(embed["title"], "Market\\: 4090 — 1 GPU model, USD per day");
    assert_eq!(embed["image"]["url"], "attachment://chart.png");
    let shown = answer.shown();
    assert!(shown.contains("\nRTX 4090 ") && shown.contains("Cheapest  Median  24 h  7 d low"), "{shown}");
    // The app's own market poll may have recorded a first poll by now.
    assert!(shown.contains("No price history yet") || shown.contains("Price history only since"), "{shown}");
    d.stop().await;
}

#[tokio::test]
async fn the_key_goes_through_a_form_and_private_answers_are_ephemeral() {
    let d = start().await;
    let (i, _) = d.command(USER, "key", json!([]), MEMBER);
    let (status, form) = d.post(&i).await;
    assert_eq!((status, form["type"].as_u64()), (200, Some(9)), "a form: {form}");
    assert_eq!(form["data"]["custom_id"], "clorebot:key");

    // Submitted: checked with Clore, stored, answered only to the user.
    let (m, token) = d.submit(&form, &[("key", KEY)]);
    assert_eq!(d.post(&m).await, (200, json!({ "type": 5, "data": { "flags": 64 } })));
    let calls = d.calls_for(&token, 1).await;
    assert!(calls[0].shown().starts_with("Key saved, encrypted"), "{}", calls[0].shown());
    let u = users::find_user(&d.pool, Platform::Discord, USER).await.unwrap().unwrap();
    assert!(secrets::status(&d.pool, u.id, SecretKind::CloreApiKey).await.unwrap().is_some());
    assert!(d.fake.calls().iter().all(|c| !c.body.to_string().contains(KEY)), "the key is never sent back");

    // /key status in a server channel: deferred ephemerally, answered there.
    let (i, token) = d.command(USER, "key", json!([{ "name": "action", "type": 3, "value": "status" }]), MEMBER);
    assert_eq!(d.post(&i).await, (200, json!({ "type": 5, "data": { "flags": 64 } })));
    let calls = d.calls_for(&token, 1).await;
    assert!(calls[0].shown().contains("Your Clore API key is set"), "{}", calls[0].shown());

    // A team watch needs Manage Channels, from the interaction's member permissions.
    let team =
        json!([{ "name": "query", "type": 3, "value": "a100 x2" }, { "name": "here", "type": 5, "value": true }]);
    for (permissions, said) in [(MEMBER, "admin"), (MANAGER, "alerts this chat")] {
        let (i, token) = d.command(USER, "watch", team.clone(), permissions);
        d.post(&i).await;
        let answer = d.calls_for(&token, 1).await;
        assert!(answer[0].shown().contains(said), "{}", answer[0].shown());
    }

    // Suggestions while typing a query: GPU models on the market.
    let (status, answer) = d.post(&d.autocomplete(USER, "gpus", "query", "40")).await;
    assert_eq!((status, answer["type"].as_u64()), (200, Some(8)));
    let choices = answer["data"]["choices"].as_array().unwrap();
    assert!(!choices.is_empty() && choices.len() <= 25);
    assert!(choices.iter().all(|c| c["value"].as_str().unwrap().contains("40")), "{choices:?}");
    assert!(choices.iter().any(|c| c["value"] == "RTX 4090"), "{choices:?}");

    // /wallets: deferred ephemerally, answered to the user alone.
    let (i, token) = d.command(USER, "wallets", json!([]), MEMBER);
    assert_eq!(d.post(&i).await, (200, json!({ "type": 5, "data": { "flags": 64 } })));
    let calls = d.calls_for(&token, 1).await;
    assert_eq!(calls[0].method, "PATCH", "the ephemeral deferral is filled in: {:?}", calls[0]);

    // A slow marketplace: the deferral leaves at once, the listing follows when it can. (The
    // snapshot is marked out of date, so the command fetches the marketplace.)
    control(&d.sim, "/faults", json!({ "endpoint": "marketplace", "mode": "latency", "latency_ms": 4500 })).await;
    d.market.invalidate();
    let (i, token) = d.command(USER, "gpus", query("3090"), MEMBER);
    assert_eq!(d.post(&i).await, (200, json!({ "type": 5 })));
    // The deferral came back while the marketplace was still being asked: nothing filled in yet.
    assert!(d.fake.for_interaction(&token).is_empty(), "the listing came before the deferral");
    let calls = d.calls_for(&token, 1).await;
    assert!(calls[0].shown().contains("3090"), "{}", calls[0].shown());
    d.stop().await;
}

/// Five seconds pass at once for Discord's 5-per-5-s windows: the bot's (in memory, on its
/// clock), the fake's, and the outbox's delays (in the database).
async fn five_seconds_pass(t: &TestApp, fake: &FakeDiscord) {
    let five = Duration::from_secs(5);
    t.clock.advance(five);
    fake.advance(five);
    outbox_ages(&t.core.deps.pool, five).await;
}

/// Queues `reply` as an urgent alert to Discord channel `channel`, under `dedup_key`.
async fn enqueue_urgent(pool: &sqlx::PgPool, dedup_key: &str, channel: &str, reply: clorebot::core::Reply) {
    let a = clorebot::store::outbox::NewAlert {
        urgent: true,
        hold: Default::default(),
        part: None,
        dedup_key: dedup_key.into(),
        platform: Platform::Discord,
        target_chat_id: Some(channel.into()),
        target_thread_id: None,
        target_user: None,
        payload: serde_json::to_value(reply).unwrap(),
    };
    clorebot::store::outbox::enqueue(pool, &a).await.unwrap();
}

#[tokio::test]
async fn alerts_reach_channels_and_dms_within_discords_channel_limit() {
    use clorebot::alerts::deliver::deliver_once;
    use clorebot::clore::ServerId;
    use clorebot::core::reply::Link;
    use clorebot::core::{Button, ButtonStyle, Reply};
    use clorebot::domain::WatchId;
    let fake = FakeDiscord::start().await;
    let t = test_app().await;
    let cfg = common::discord::config(&fake, None, false);
    let dc = clorebot::frontends::discord::Discord::new(t.core.clone(), &cfg).unwrap();
    let n = dc.notifier(&cfg).unwrap();
    let pool = &t.core.deps.pool;
    let channel = "1333333333333333333";
    for i in 0..7 {
        // A team alert's links into a private chat are Telegram's: Discord shows none.
        let reply = Reply::text(format!("Watch #2: **cheap** <@everyone> {i}"))
            .with_button("Rent #74", ButtonStyle::Primary, format!("tok{i}"))
            .with_link("Rent #74 privately", Link::Rent(ServerId(74)))
            .with_row(vec![Button::link("Watch it myself", Link::Watch(WatchId(2)))]);
        enqueue_urgent(pool, &format!("team:{i}"), channel, reply).await;
    }
    // A personal alert to a user whose DM channel is not known yet: opened on demand.
    let bob = users::upsert_user(pool, Platform::Discord, USER, "alice").await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    clorebot::alerts::enqueue_private(
        &mut tx,
        &bob,
        "dm:1",
        Reply::text("Order 1001 ends in 30 minutes."),
        clorebot::alerts::Urgency::Urgent,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut delivered = 0;
    while let Ok(k) = deliver_once(pool, &n).await {
        if k == 0 {
            break;
        }
        delivered += k;
    }
    let posts: Vec<_> =
        fake.calls().into_iter().filter(|c| c.path == format!("/api/v10/channels/{channel}/messages")).collect();
    assert_eq!(posts.len(), 5, "5 per 5 s in one channel; the rest wait their turn");
    assert_eq!(delivered, 6);
    assert_eq!(
        posts[0].shown(),
        "Watch \\#2\\: \\*\\*cheap\\*\\* \\<\\@everyone\\> 0",
        "markdown in alert text is shown as typed"
    );
    assert_eq!(posts[0].body["allowed_mentions"], json!({ "parse": [] }));
    assert_eq!(posts[0].buttons(), [("Rent #74".to_owned(), "tok0".to_owned())]);
    let dm_path = format!("/api/v10/channels/{}/messages", common::discord::dm_channel(USER));
    let dm = fake.calls().into_iter().find(|c| c.path == dm_path).unwrap();
    assert_eq!(dm.shown(), "Order 1001 ends in 30 minutes.");
    assert!(fake.calls().iter().any(|c| c.path == "/api/v10/users/@me/channels" && c.body["recipient_id"] == USER));
    // The two held back go out once the window has room, in order.
    five_seconds_pass(&t, &fake).await;
    while deliver_once(pool, &n).await.unwrap() > 0 {}
    let posts: Vec<_> =
        fake.calls().into_iter().filter(|c| c.path == format!("/api/v10/channels/{channel}/messages")).collect();
    assert_eq!(posts.len(), 7);
    assert!(posts[5].shown().ends_with(" 5") && posts[6].shown().ends_with(" 6"));
    assert_eq!(fake.too_many(), 0);

    // Discord says 429 with retry_after 2.5 s: the alert waits that long in the outbox.
    fake.force_429(2.5);
    enqueue_urgent(pool, "after-429", "1333333333333333334", Reply::text("later")).await;
    assert_eq!(deliver_once(pool, &n).await.unwrap(), 0);
    let (waits, failed): (f64, bool) = sqlx::query_as(
        "SELECT EXTRACT(EPOCH FROM next_attempt_at - now())::float8, failed_at IS NOT NULL FROM outbox WHERE dedup_key = 'after-429'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert!((1.5..=2.6).contains(&waits) && !failed, "{waits} {failed}");
    assert_eq!(fake.too_many(), 1);

    // A titled alert is an embed; one too long for an embed or a message goes in parts,
    // each counted against the channel's 5 per 5 s, so it waits for room for all of them.
    let titled = Reply::titled("Watch #2 — RTX 4090 at $0.30/day")
        .with_fields(vec![("Server".into(), "#74".into()), ("Where".into(), "DE".into())]);
    let long = Reply::titled("Long")
        .with_text((0..300).map(|i| format!("line {i} of a long alert")).collect::<Vec<_>>().join("\n"));
    let room = "1333333333333333335";
    for (i, r) in [titled, long.clone(), long].into_iter().enumerate() {
        enqueue_urgent(pool, &format!("parts:{i}"), room, r).await;
    }
    while deliver_once(pool, &n).await.unwrap() > 0 {}
    let posts: Vec<_> =
        fake.calls().into_iter().filter(|c| c.path == format!("/api/v10/channels/{room}/messages")).collect();
    assert_eq!(posts[0].body["embeds"][0]["fields"][0], json!({ "name": "Server", "value": "\\#74", "inline": true }));
    let parts = posts.len() - 1;
    assert!((2..=4).contains(&parts), "the first long alert in {parts} parts, the second waits for room");
    assert!(posts.iter().all(|c| c.status == 200 && c.content().chars().count() <= 2000));
    five_seconds_pass(&t, &fake).await;
    while deliver_once(pool, &n).await.unwrap() > 0 {}
    let posts = fake.calls().into_iter().filter(|c| c.path == format!("/api/v10/channels/{room}/messages")).count();
    assert_eq!(posts, 1 + 2 * parts, "each long alert once, whole");
    assert_eq!(fake.too_many(), 1, "no 429 beyond the forced one");
}

#[tokio::test]
async fn a_rent_is_confirmed_by_its_renter_only_and_the_password_shows_only_to_them() {
    let d = start().await;
    d.keyed(USER).await;

    let (i, token) = d.command(USER, "rent", json!([{ "name": "target", "type": 3, "value": "4090" }]), MEMBER);
    d.post(&i).await;
    let confirm = d.calls_for(&token, 1).await[0].clone();
    assert!(confirm.shown().contains("Rent server \\#"), "{}", confirm.shown());

    // Someone else presses Confirm: a note to them alone, nothing rented.
    let (mut p, ptoken) = d.press(&confirm.button("Confirm"));
    p["member"]["user"]["id"] = json!(OTHER_USER);
    assert_eq!(d.post(&p).await, (200, json!({ "type": 6 })));
    let note = d.calls_for(&ptoken, 1).await;
    assert!(note[0].ephemeral() && note[0].shown().contains("someone else"), "{:?}", note[0]);
    assert!(state(&d.sim).await["orders"].as_array().unwrap().is_empty());

    // The renter confirms: the confirmation turns into the order for the channel; the
    // password is an ephemeral follow-up, and nothing public holds it.
    let (p, ptoken) = d.press(&confirm.button("Confirm"));
    d.post(&p).await;
    let calls = d.calls_for(&ptoken, 2).await;
    assert!(calls.iter().any(|c| c.method == "PATCH" && c.shown().contains("is running on \\#")), "{calls:#?}");
    let password = calls.iter().find(|c| c.shown().contains("SSH password")).expect("the password");
    assert!(password.ephemeral() && password.method == "POST");
    assert_eq!(state(&d.sim).await["orders"].as_array().unwrap().len(), 1);
    let fake = d.stop().await;
    assert!(fake.calls().iter().filter(|c| !c.ephemeral()).all(|c| !c.shown().contains("SSH password")));
}

/// `/cancel` takes its orders as text, so `all` and several ids fit: `all` is suggested first
/// and the ids as text (a text option's choices must be strings); `/cancel all` lists every
/// running order for one Confirm and answers with each order's outcome.
#[tokio::test]
async fn cancel_takes_all_or_several_orders_with_one_confirmation() {
    let d = start().await;
    d.keyed(USER).await;
    for _ in 0..2 {
        let (i, token) = d.command(USER, "rent", json!([{ "name": "target", "type": 3, "value": "3060" }]), MEMBER);
        d.post(&i).await;
        let confirm = d.calls_for(&token, 1).await[0].clone();
        let (p, ptoken) = d.press(&confirm.button("Confirm"));
        d.post(&p).await;
        d.calls_for(&ptoken, 2).await;
    }

    let (status, answer) = d.post(&d.autocomplete(USER, "cancel", "orders", "")).await;
    assert_eq!((status, answer["type"].as_u64()), (200, Some(8)));
    let choices = answer["data"]["choices"].as_array().unwrap();
    assert_eq!(choices[0], json!({ "name": "all 2 running orders", "value": "all" }), "{choices:?}");
    assert_eq!(choices.len(), 3, "{choices:?}");
    assert!(choices[1..].iter().all(|c| c["value"].as_str().is_some_and(|v| v.parse::<u64>().is_ok())), "{choices:?}");

    let (i, token) = d.command(USER, "cancel", json!([{ "name": "orders", "type": 3, "value": "all" }]), MEMBER);
    d.post(&i).await;
    let confirm = d.calls_for(&token, 1).await[0].clone();
    assert!(confirm.shown().contains("Cancel these 2 orders?"), "{}", confirm.shown());
    let (p, ptoken) = d.press(&confirm.button("Confirm"));
    d.post(&p).await;
    let done = d.calls_for(&ptoken, 1).await;
    assert!(done[0].shown().contains("All 2 orders are cancelled."), "{}", done[0].shown());
    let orders = state(&d.sim).await["orders"].as_array().unwrap().clone();
    assert_eq!(orders.len(), 2);
    d.stop().await;
}

/// `/rent target:3060 count:2`: one confirmation listing both servers; the Confirm shows the
/// set's progress as its orders land (Clore's 5 s apart), then turns into the list of what
/// was made, and the passwords come as one ephemeral note.
#[tokio::test]
async fn rent_count_rents_several_with_one_confirmation() {
    let d = start().await;
    d.keyed(USER).await;
    let options = json!([{ "name": "target", "type": 3, "value": "3060" }, { "name": "count", "type": 4, "value": 2 }]);
    let (i, token) = d.command(USER, "rent", options, MEMBER);
    d.post(&i).await;
    let confirm = d.calls_for(&token, 1).await[0].clone();
    assert!(confirm.shown().contains("Rent these 2 servers?"), "{}", confirm.shown());
    let (p, ptoken) = d.press(&confirm.button("Confirm"));
    d.post(&p).await;
    let done = |c: &common::discord::Call| c.shown().contains("SSH password");
    d.fake.wait_for(WAIT, |_| d.fake.for_interaction(&ptoken).iter().any(done)).await;
    let calls = d.fake.for_interaction(&ptoken);
    let edits: Vec<String> = calls.iter().filter(|c| c.method == "PATCH").map(|c| c.shown()).collect();
    let (list, progress) = edits.split_last().expect("the confirmation turns into the list");
    assert!(list.contains("All 2 servers are rented"), "the list comes last: {edits:#?}");
    assert_eq!(list.matches("is running on \\#").count(), 2, "{list}");
    assert!(progress[0].contains("Renting 2 servers\\: 0 of 2 done so far."), "{edits:#?}");
    let orders = state(&d.sim).await["orders"].as_array().unwrap().clone();
    let first = orders.iter().min_by_key(|o| o["id"].as_u64()).unwrap();
    let made = format!("Order {} is running on \\#{}", first["id"], first["server_id"]);
    assert!(progress.iter().any(|t| t.contains(&made) && t.contains("sending the order")), "{edits:#?}");
    assert!(calls.iter().filter(|c| c.method == "PATCH").all(|c| c.buttons().is_empty()), "the buttons go at once");
    assert!(edits.iter().all(|t| !t.contains("SSH password")), "{edits:#?}");
    let password = calls.iter().find(|c| c.shown().contains("SSH password")).expect("the passwords");
    assert!(password.ephemeral() && password.shown().matches("SSH password for order").count() == 2);
    assert_eq!(state(&d.sim).await["orders"].as_array().unwrap().len(), 2);
    let fake = d.stop().await;
    assert!(fake.calls().iter().filter(|c| !c.ephemeral()).all(|c| !c.shown().contains("SSH password")));
}

#[tokio::test]
async fn over_the_gateway_interactions_are_answered_through_the_callback() {
    use common::discord::FakeGateway;
    let fake = FakeDiscord::start().await;
    let gateway = FakeGateway::start().await;
    fake.use_gateway(&gateway);
    let cfg = clorebot::config::DiscordConfig {
        guild_id: Some(1322222222222222222),
        ..common::discord::config(&fake, None, true)
    };
    let t = test_app_on(start_sim(200).await, |c| c.discord = Some(cfg)).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (done, rx) = tokio::sync::oneshot::channel::<()>();
    let TestApp { app, sim: _sim, .. } = t;
    let served = tokio::spawn(app.serve(listener, async move {
        let _ = rx.await;
    }));
    tokio::time::timeout(WAIT, gateway.identified.notified()).await.expect("the bot identifies on the gateway");
    // Commands registered in the development guild.
    fake.wait_for(WAIT, |c| {
        c.iter().any(|c| c.method == "PUT" && c.path.contains("/guilds/1322222222222222222/commands"))
    })
    .await;

    let mut i = fixture("command");
    i["token"] = json!("gateway-token");
    i["data"]["name"] = json!("help");
    i["data"]["options"] = json!([{ "name": "command", "type": 3, "value": "gpus" }]);
    gateway.push(i);
    let calls = fake.wait_for(WAIT, |_| !fake.for_interaction("gateway-token").is_empty()).await;
    let callback = calls.iter().find(|c| c.path.ends_with("/gateway-token/callback")).expect("the first answer");
    assert_eq!(callback.body, json!({ "type": 5 }));
    let answer = &fake.for_interaction("gateway-token")[0];
    assert!(answer.at >= callback.at, "the answer is edited in only after the first answer exists");
    assert!(answer.shown().contains("/gpus \\[query\\]"), "{}", answer.shown());

    // Discord drops the connection: the bot resumes (or identifies anew) and answers again.
    let before = *gateway.sessions.lock().unwrap();
    gateway.close(4000);
    wait_for("the bot to come back to the gateway", WAIT, on(&gateway.events), async || {
        *gateway.sessions.lock().unwrap() != before
    })
    .await;
    let mut i = fixture("command");
    i["id"] = json!("1355555555555555502");
    i["token"] = json!("gateway-token-2");
    i["data"]["name"] = json!("help");
    i["data"]["options"] = json!([]);
    gateway.push(i);
    fake.wait_for(WAIT, |_| !fake.for_interaction("gateway-token-2").is_empty()).await;
    let after = *gateway.sessions.lock().unwrap();
    assert!(after.0 + after.1 > before.0 + before.1, "{before:?} → {after:?}");
    done.send(()).unwrap();
    served.await.unwrap().unwrap();
}
