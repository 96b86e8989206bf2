//! Discord's user-installable app: commands registered for both installs and every context,
//! and interactions from places only a user install reaches — a group DM (`context` 2, no
//! guild, `user` instead of `member`) and a server clorebot was not added to (no `"0"` in
//! `authorizing_integration_owners`) — in the shapes Discord's docs give them
//! (interactions/receiving-and-responding, "Interaction Object"; tests/fixtures/discord).
//! Everything there is answered ephemerally, a team watch is refused, and a personal watch
//! alerts in the user's DM, never in a channel the bot cannot post in (the fake refuses those).

mod common;

use clorebot::domain::Platform;
use clorebot::store::users;
use common::discord::app::USER;
use common::discord::{APP_ID, DiscordApp, FakeDiscord, dm_channel, fixture, query};
use common::*;
use serde_json::{Value, json};
use serenity::model::application::Interaction;

/// The group DM of the fixture `command_group_dm`.
const GROUP_DM: &str = "1398888888888888888";
/// The channel of a server only the user's install reaches (fixture `command_user_install_server`).
const AWAY_CHANNEL: &str = "1331111111111111111";

/// The app with HTTP interactions against the fake Discord, which the bot is in neither the
/// group DM nor the away server's channel of.
async fn start() -> DiscordApp {
    let d = DiscordApp::start_with(|_| {}).await;
    d.fake.not_in(GROUP_DM);
    d.fake.not_in(AWAY_CHANNEL);
    d
}

/// Makes `i`, a server interaction, as Discord sends it from the group DM of the fixture
/// `command_group_dm`: no guild, a `user`, context 2, the user's install only.
fn in_group_dm(i: &mut Value) {
    let from = fixture("command_group_dm");
    let o = i.as_object_mut().unwrap();
    for k in ["guild_id", "guild", "member", "guild_locale"] {
        o.remove(k);
    }
    for k in ["channel_id", "channel", "user", "app_permissions", "authorizing_integration_owners", "context"] {
        o.insert(k.into(), from[k].clone());
    }
}

/// A press on button `custom_id` of an ephemeral message in the group DM, by the user whose
/// install it is.
fn press_in_group_dm(d: &DiscordApp, custom_id: &str) -> (Value, String) {
    let (mut i, token) = d.press(custom_id);
    in_group_dm(&mut i);
    i["message"]["channel_id"] = json!(GROUP_DM);
    i["message"]["flags"] = json!(64);
    (i, token)
}

/// Messages posted to channels (not through an interaction): `(channel, status)`.
fn posted(fake: &FakeDiscord) -> Vec<(String, u16)> {
    fake.calls()
        .into_iter()
        .filter(|c| c.method == "POST" && c.path.starts_with("/api/v10/channels/"))
        .map(|c| (c.path.split('/').nth(4).unwrap_or_default().to_owned(), c.status))
        .collect()
}

#[test]
fn user_install_fixtures_read_as_serenity_reads_them() {
    for f in ["command_group_dm", "command_user_install_server"] {
        let i: Interaction = serde_json::from_value(fixture(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        let c = i.command().unwrap();
        assert!(c.context.is_some() && !c.authorizing_integration_owners.0.is_empty(), "{f}");
    }
}

#[tokio::test]
async fn commands_are_registered_for_both_installs_and_every_context() {
    let d = start().await;
    let put = d.fake.wait_for(WAIT, |c| c.iter().any(|c| c.method == "PUT")).await;
    let put = put.iter().find(|c| c.method == "PUT").unwrap();
    assert_eq!(put.path, format!("/api/v10/applications/{APP_ID}/commands"), "global: contexts need it");
    let cmds = put.body.as_array().unwrap();
    assert_eq!(cmds.len(), clorebot::frontends::discord::commands::SLASH.len());
    for c in cmds {
        // Server install and user install; a server channel, the bot's DM, any other DM.
        assert_eq!(c["integration_types"], json!([0, 1]), "{}", c["name"]);
        assert_eq!(c["contexts"], json!([0, 1, 2]), "{}", c["name"]);
    }
    d.stop().await;
}

#[tokio::test]
async fn a_user_install_is_answered_ephemerally_and_a_team_watch_refused() {
    let d = start().await;
    // /gpus in a group DM: deferred ephemerally, the listing only the user sees.
    let (i, token) = d.command_from("command_group_dm", "gpus", query("4090"));
    assert_eq!(d.post(&i).await, (200, json!({ "type": 5, "data": { "flags": 64 } })));
    let calls = d.calls_for(&token, 1).await;
    assert_eq!(calls[0].method, "PATCH", "{:?}", calls[0]);
    assert!(calls[0].ephemeral(), "{:?}", calls[0]);
    assert!(calls[0].shown().contains("4090"), "{}", calls[0].shown());

    // Its Next ▸, pressed there: the ephemeral listing is edited, nothing posted anywhere.
    let next = calls[0].button("Next");
    let (press, token) = press_in_group_dm(&d, &next);
    assert_eq!(d.post(&press).await, (200, json!({ "type": 6 })));
    let calls = d.calls_for(&token, 1).await;
    assert_eq!((calls[0].method.as_str(), calls.len()), ("PATCH", 1), "{calls:#?}");
    assert!(calls[0].shown().contains("page 2/"), "{}", calls[0].shown());

    // The same in a server clorebot was not added to, even for a public listing.
    let (i, token) = d.command_from("command_user_install_server", "market", json!([]));
    assert_eq!(d.post(&i).await, (200, json!({ "type": 5, "data": { "flags": 64 } })));
    let calls = d.calls_for(&token, 1).await;
    assert!(calls.iter().all(|c| c.ephemeral() || c.method == "DELETE"), "{calls:#?}");

    // A team watch or template would live in a channel the bot cannot post in: refused at
    // once, saying how to make it personal or add clorebot to the server.
    let here =
        |q: &str| json!([{ "name": "query", "type": 3, "value": q }, { "name": "here", "type": 5, "value": true }]);
    let template = json!([{ "name": "action", "type": 3, "value": "save" }, { "name": "name", "type": 3, "value": "train" },
                          { "name": "image", "type": 3, "value": "pytorch/pytorch" }, { "name": "here", "type": 5, "value": true }]);
    for (from, name, options) in [
        ("command_group_dm", "watch", here("a100 x2")),
        ("command_user_install_server", "watch", here("a100 x2")),
        // `here` typed into the query is the same team watch.
        ("command_user_install_server", "watch", query("a100 here")),
        ("command_user_install_server", "template", template),
    ] {
        let (i, _) = d.command_from(from, name, options);
        let (status, answer) = d.post(&i).await;
        assert_eq!((status, answer["type"].as_u64(), answer["data"]["flags"].as_u64()), (200, Some(4), Some(64)));
        let said = answer["data"]["content"].as_str().unwrap();
        assert!(said.contains("clorebot is not in this one") && said.contains("Leave out here"), "{said}");
        let link = format!(
            "\n<https://discord.com/oauth2/authorize?client_id={APP_ID}&integration_type=0&scope=bot+applications.commands&permissions=274877959168>"
        );
        assert!(said.ends_with(&link), "the server install link, a link: {said}");
    }
    let watches: i64 = sqlx::query_scalar("SELECT count(*) FROM watches").fetch_one(&d.pool).await.unwrap();
    assert_eq!(watches, 0, "no team watch half made");
    let fake = d.stop().await;
    assert!(posted(&fake).is_empty(), "nothing posted to a channel: {:?}", posted(&fake));
}

#[tokio::test]
async fn a_personal_watch_from_a_group_dm_alerts_in_the_users_dm() {
    let d = start().await;
    let free = free_of(&d.sim, "RTX 4090").await;
    let max = ((free[0].1 * 0.8) * 1000.0).floor() / 1000.0;
    let (i, token) = d.command_from("command_group_dm", "watch", query(&format!("4090 max={max}")));
    assert_eq!(d.post(&i).await, (200, json!({ "type": 5, "data": { "flags": 64 } })));
    let made = d.calls_for(&token, 1).await;
    assert!(made[0].ephemeral(), "{:?}", made[0]);
    assert!(made[0].shown().contains("Nothing matches right now"), "{}", made[0].shown());
    // Where private messages reach the user: their DM with the bot, never the group DM.
    let u = users::find_user(&d.pool, Platform::Discord, USER).await.unwrap().unwrap();
    assert_eq!(u.dm_chat_id.as_deref(), Some(dm_channel(USER).as_str()));

    // A 4090 under the max: the alert goes to the user's DM.
    let srv = free[free.len() - 1].0;
    control(&d.sim, &format!("/servers/{srv}"), json!({ "price_usd": max * 0.9 })).await;
    d.engine.poll_market().await.unwrap();
    let dm = dm_channel(USER);
    let path = format!("/api/v10/channels/{dm}/messages");
    let calls = d.fake.wait_for(WAIT, |c| c.iter().any(|c| c.path == path && c.status == 200)).await;
    let alert = calls.iter().find(|c| c.path == path).unwrap();
    let shown = alert.shown();
    assert!(shown.contains("Watch \\#1") && shown.contains(&format!("\\#{srv}")), "{shown}");
    let fake = d.stop().await;
    assert_eq!(posted(&fake), [(dm, 200)], "only the DM, never the group DM");
}

#[tokio::test]
async fn a_key_typed_into_a_form_from_a_group_dm_is_answered_to_the_user_alone() {
    let d = start().await;
    let (i, _) = d.command_from("command_group_dm", "key", json!([]));
    let (status, form) = d.post(&i).await;
    assert_eq!(
        (status, form["type"].as_u64(), form["data"]["custom_id"].as_str()),
        (200, Some(9), Some("clorebot:key"))
    );
    // The submit says no context (serenity reads none): it is answered ephemerally all the same.
    let (mut m, token) = d.submit(&form, &[("key", KEY)]);
    in_group_dm(&mut m);
    assert_eq!(d.post(&m).await, (200, json!({ "type": 5, "data": { "flags": 64 } })));
    let calls = d.calls_for(&token, 1).await;
    assert!(calls.iter().all(|c| c.ephemeral()), "{calls:#?}");
    assert!(calls[0].shown().starts_with("Key saved, encrypted"), "{}", calls[0].shown());
    let u = users::find_user(&d.pool, Platform::Discord, USER).await.unwrap().unwrap();
    assert_eq!(u.dm_chat_id.as_deref(), Some(dm_channel(USER).as_str()), "the user's DM, not the group DM");
    let fake = d.stop().await;
    assert!(fake.calls().iter().all(|c| !c.body.to_string().contains(KEY)), "the key is never sent back");
    assert!(posted(&fake).is_empty(), "{:?}", posted(&fake));
}
