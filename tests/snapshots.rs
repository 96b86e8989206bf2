//! Snapshots of what each platform renders for the main replies: a `/gpus` listing (also in
//! German and Russian), a rent confirmation, an order with its SSH line (in a private chat
//! and in a group), `/orders`, a watch alert with Rent buttons, a refusal, `/help`, and for
//! hosts `/hostset` for a fleet, `/myservers` (also in German) and `/earnings`. Each
//! reply comes from the real core against the seeded simulator, on a fresh database, and is
//! rendered by each front-end's own renderer: Telegram's HTML and inline keyboard, the JSON
//! body Discord receives (embeds, components, flags), and the console's text.
//!
//! Button tokens are random, so each is replaced by `[token N]` (numbered by first
//! appearance: two buttons never share one); a generated SSH password by `[password]`; and
//! in `/orders` the amount spent so far and the time left, which move with the clock, by
//! `[spent]` and `[time left]`. Everything else comes from the seeded simulator and is the
//! same on every run.
//!
//! Reviewing a change: a plain `cargo test` fails when a rendering differs from its
//! committed `tests/snapshots/*.snap` (and when one is missing); under `CI=true` insta writes
//! nothing, elsewhere it leaves the new rendering beside the old as `*.snap.new` and still
//! fails. When the change is intended, accept it with
//! `INSTA_UPDATE=always cargo test --test snapshots` and read `git diff tests/snapshots/`
//! before committing (or `cargo insta review`, if cargo-insta is installed), then delete
//! any `*.snap.new` left over. A run under CI with a setting that would accept snapshots
//! unseen (`INSTA_UPDATE=always|unseen|force`, `INSTA_FORCE_PASS=1`) fails on purpose.

mod common;

use clorebot::core::{Block, Caller, PressResponse, Reply, Response, Visibility};
use clorebot::frontends::console::{Session, caller};
use clorebot::frontends::discord::render as discord;
use clorebot::frontends::telegram::render as telegram;
use common::*;
use secrecy::ExposeSecret;
use serde_json::Value;

/// How a reply reaches the user.
#[derive(Clone, Copy)]
enum Via {
    /// A new message answering a command or a press.
    Reply,
    /// The new content of the message whose button was pressed.
    Edit,
    /// An alert the engine delivers.
    Alert,
}

struct Shown {
    via: Via,
    reply: Reply,
}

fn replies(resp: Response) -> Vec<Shown> {
    resp.replies.into_iter().map(|reply| Shown { via: Via::Reply, reply }).collect()
}

fn pressed(p: PressResponse) -> Vec<Shown> {
    assert_eq!(p.toast, None, "{p:#?}");
    let edit = p.replace_source.map(|reply| Shown { via: Via::Edit, reply });
    edit.into_iter().chain(p.replies.into_iter().map(|reply| Shown { via: Via::Reply, reply })).collect()
}

/// What varies from run to run, and what stands in for it.
struct Redactions(Vec<(String, String)>);

impl Redactions {
    fn of(shown: &[Shown]) -> Redactions {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for s in shown {
            for b in s.reply.buttons().filter(|b| !b.token.is_empty()) {
                if !pairs.iter().any(|(t, _)| *t == b.token) {
                    let n = pairs.iter().filter(|(_, p)| p.starts_with("[token")).count() + 1;
                    pairs.push((b.token.clone(), format!("[token {n}]")));
                }
            }
            for b in &s.reply.blocks {
                if let Block::Secret(secret) = b {
                    pairs.push((secret.value.expose_secret().to_owned(), "[password]".into()));
                }
            }
        }
        Redactions(pairs)
    }

    fn apply(&self, s: &str) -> String {
        let mut out = s.to_owned();
        for (from, to) in &self.0 {
            out = out.replace(from.as_str(), to);
        }
        order_clock(&out)
    }

    fn apply_json(&self, v: &mut Value) {
        match v {
            Value::String(s) => *s = self.apply(s),
            Value::Array(a) => a.iter_mut().for_each(|x| self.apply_json(x)),
            Value::Object(o) => o.values_mut().for_each(|x| self.apply_json(x)),
            _ => {}
        }
    }
}

/// An order line's `spent $…` and `… left` (`Order 1001 · #89 · … · spent $0.0000861 · 2d 23h
/// left`): they follow the clock.
fn order_clock(s: &str) -> String {
    let line = |l: &str| {
        if !(l.contains(" · spent ") && l.ends_with(" left")) {
            return l.to_owned();
        }
        l.split(" · ")
            .map(|part| {
                if part.starts_with("spent ") {
                    "spent [spent]"
                } else if part.ends_with(" left") {
                    "[time left]"
                } else {
                    part
                }
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };
    s.split('\n').map(line).collect::<Vec<_>>().join("\n")
}

/// Fails a CI run that would accept new or changed snapshots without anyone seeing them.
fn no_silent_accept() {
    let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
    let update = std::env::var("INSTA_UPDATE").unwrap_or_default();
    let force_pass = std::env::var("INSTA_FORCE_PASS").is_ok_and(|v| v == "1");
    assert!(
        !(ci && (matches!(update.as_str(), "always" | "1" | "unseen" | "force") || force_pass)),
        "under CI, snapshots must be checked, not written: unset INSTA_UPDATE ({update:?}) and INSTA_FORCE_PASS"
    );
}

/// Telegram: each message's HTML, verbatim, and its inline keyboard (`reply_markup`) as the
/// JSON sent. A private reply to a command given in a group goes to the user's private chat.
fn telegram_view(who: &Caller, shown: &[Shown]) -> String {
    let mut out = Vec::new();
    for s in shown {
        let to_user = s.reply.visibility == Visibility::Private && !who.in_private();
        let sent_as = match s.via {
            Via::Reply if to_user => "sendMessage to the user's private chat",
            Via::Reply => "sendMessage",
            Via::Edit => "editMessageText of the pressed message",
            Via::Alert => "sendMessage, an alert",
        };
        for m in telegram::messages(&s.reply, telegram::MESSAGE_MAX, "clore_test_bot") {
            let markup = match &m.keyboard {
                Some(kb) => serde_json::to_string_pretty(kb).unwrap(),
                None => "(none)".to_owned(),
            };
            out.push(format!("── {sent_as} · parse_mode HTML ──\n{}\n── reply_markup ──\n{markup}", m.html));
        }
    }
    out.join("\n\n")
}

/// One Discord message: how it is sent, and the JSON body Discord receives.
#[derive(serde::Serialize)]
struct Sent {
    sent_as: &'static str,
    body: Value,
}

/// Discord: each message's JSON body (content, embeds, components, flags). A private reply
/// in a server channel is ephemeral; an edit and an alert never are.
fn discord_view(who: &Caller, shown: &[Shown], redact: &Redactions) -> Vec<Sent> {
    let mut out = Vec::new();
    for s in shown {
        let ephemeral = matches!(s.via, Via::Reply) && s.reply.visibility == Visibility::Private && !who.in_private();
        let sent_as = match s.via {
            Via::Reply if ephemeral => "ephemeral message",
            Via::Reply => "message",
            Via::Edit => "edit of the pressed message",
            Via::Alert => "channel message (an alert)",
        };
        for m in discord::messages(&s.reply) {
            let mut body = m.json(ephemeral);
            redact.apply_json(&mut body);
            out.push(Sent { sent_as, body });
        }
    }
    out
}

/// The console: what `clorebot chat` prints (an edit after `✎ `, an alert after `🔔 `).
async fn console_view(app: &TestApp, who: &Caller, shown: &[Shown]) -> String {
    let mut session = Session::new(&app.core, who.clone());
    let lang = app.core.lang_of(who).await;
    let mut out = Vec::new();
    for s in shown {
        out.push(match s.via {
            Via::Reply => clorebot::i18n::sync_scope(lang, || session.render_one(&s.reply, "")),
            Via::Edit => clorebot::i18n::sync_scope(lang, || session.render_one(&s.reply, "✎ ")),
            Via::Alert => session.show_alert(&s.reply).await,
        });
    }
    out.join("\n\n")
}

/// Pins `shown` as each platform renders it: `<name>_telegram`, `<name>_discord`,
/// `<name>_console`.
async fn pin(name: &str, what: &str, app: &TestApp, who: &Caller, shown: &[Shown]) {
    no_silent_accept();
    assert!(!shown.is_empty(), "{name}: nothing to pin");
    let redact = Redactions::of(shown);
    let tg = redact.apply(&telegram_view(who, shown));
    let dc = discord_view(who, shown, &redact);
    let console = redact.apply(&console_view(app, who, shown).await);
    insta::with_settings!({ description => what, omit_expression => true }, {
        insta::assert_snapshot!(format!("{name}_telegram"), tg);
        insta::assert_json_snapshot!(format!("{name}_discord"), dc);
        insta::assert_snapshot!(format!("{name}_console"), console);
    });
}

async fn say(app: &TestApp, who: &Caller, text: &str) -> Vec<Shown> {
    replies(app.core.handle_text(who, text).await)
}

fn token(shown: &[Shown], label: &str) -> String {
    let b = shown.iter().flat_map(|s| s.reply.buttons()).find(|b| b.label == label);
    b.unwrap_or_else(|| panic!("no {label} button")).token.clone()
}

#[tokio::test]
async fn help() {
    let app = test_app().await;
    let ann = caller(&app.core, "ann", None);
    let shown = say(&app, &ann, "/help").await;
    pin("help", "/help in a private chat", &app, &ann, &shown).await;
}

#[tokio::test]
async fn gpus_listing() {
    let app = test_app().await;
    let ann = caller(&app.core, "ann", None);
    let shown = say(&app, &ann, "/gpus 4090").await;
    pin("gpus", "/gpus 4090 in a private chat, without a key", &app, &ann, &shown).await;
}

#[tokio::test]
async fn gpus_listing_in_german() {
    let app = test_app().await;
    let dieter = caller(&app.core, "dieter", None);
    say(&app, &dieter, "/settings locale=de").await;
    let shown = say(&app, &dieter, "/gpus 4090").await;
    pin("gpus_de", "/gpus 4090 after /settings locale=de", &app, &dieter, &shown).await;
}

#[tokio::test]
async fn gpus_listing_in_russian() {
    let app = test_app().await;
    let olga = caller(&app.core, "olga", None);
    say(&app, &olga, "/settings locale=ru").await;
    let shown = say(&app, &olga, "/gpus 4090").await;
    pin("gpus_ru", "/gpus 4090 after /settings locale=ru", &app, &olga, &shown).await;
}

#[tokio::test]
async fn refusal_without_a_key() {
    let app = test_app().await;
    let ann = caller(&app.core, "ann", None);
    let shown = say(&app, &ann, "/rent 4090").await;
    pin("refusal", "/rent 4090 by a user who has stored no API key", &app, &ann, &shown).await;
}

#[tokio::test]
async fn rent_confirm_order_and_orders() {
    let app = test_app().await;
    app.store_key("ann").await;
    let ann = caller(&app.core, "ann", None);
    let prompt = say(&app, &ann, "/rent 4090").await;
    pin("rent_confirm", "/rent 4090 with a key: the confirmation", &app, &ann, &prompt).await;

    let done = pressed(app.core.press(&ann, &token(&prompt, "Confirm")).await);
    pin("order", "Confirm pressed in a private chat: the order with its SSH line, and the password", &app, &ann, &done)
        .await;

    let orders = say(&app, &ann, "/orders").await;
    pin("orders", "/orders right after renting", &app, &ann, &orders).await;
}

#[tokio::test]
async fn order_confirmed_in_a_group() {
    let app = test_app().await;
    app.store_key("ann").await;
    let ann = caller(&app.core, "ann", Some("ml-team"));
    let prompt = say(&app, &ann, "/rent 4090").await;
    let done = pressed(app.core.press(&ann, &token(&prompt, "Confirm")).await);
    pin(
        "order_group",
        "Confirm pressed in a group: the order for everyone, the password for the renter alone",
        &app,
        &ann,
        &done,
    )
    .await;
}

#[tokio::test]
async fn watch_alert_with_rent_buttons() {
    let app = test_app().await;
    let ann = caller(&app.core, "ann", None);
    let free = free_of(&app.sim, "RTX 4090").await;
    let max = ((free[0].1 * 0.8) * 1000.0).floor() / 1000.0;
    let made = say(&app, &ann, &format!("/watch 4090 max={max}")).await;
    assert!(made[0].reply.plain_text().contains("Nothing matches right now"), "{}", made[0].reply.plain_text());
    app.engine.poll_market().await.unwrap();
    assert!(app.deliver_alerts().await.is_empty(), "nothing matches yet");
    // Two servers drop under the max: one alert, a Rent button for each.
    let [.., (a, _), (b, _)] = free[..] else { panic!("fewer than two free 4090s") };
    app.set_price(a, max * 0.9).await;
    app.set_price(b, max * 0.8).await;
    app.engine.poll_market().await.unwrap();
    let sent = app.deliver_alerts().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let shown: Vec<Shown> = sent.into_iter().map(|(_, reply)| Shown { via: Via::Alert, reply }).collect();
    pin("watch_alert", "A watch's alert after two servers dropped under its max", &app, &ann, &shown).await;
}

#[tokio::test]
async fn hostset_fleet_confirm_and_outcome() {
    const HOST: &str = "host-fleet-key-0123456789abcdef0";
    let app = test_app().await;
    let fleet = [hosted("rig-a", "RTX 4090", 1, 3.6), hosted("rig-b", "NVIDIA GeForce RTX 3090", 2, 5.2)];
    let ids = host_fleet(&app.sim, HOST, &fleet).await;
    control(&app.sim, &format!("/servers/{}", ids[1]), serde_json::json!({ "refuse_settings": "server-is-locked" }))
        .await;
    app.store_key_with("hank", HOST).await;
    let hank = caller(&app.core, "hank", None);
    let prompt = say(&app, &hank, "/hostset all price=$3.40 mrl=48").await;
    pin("hostset_confirm", "/hostset all price=$3.40 mrl=48 on two servers: old → new", &app, &hank, &prompt).await;
    let done = pressed(app.core.press(&hank, &token(&prompt, "Confirm")).await);
    pin("hostset_outcome", "Confirm pressed: one changed and verified, one refused by Clore", &app, &hank, &done).await;

    let dieter = caller(&app.core, "dieter", None);
    app.store_key_with("dieter", HOST).await;
    say(&app, &dieter, "/settings locale=de").await;
    let prompt = say(&app, &dieter, "/hostset gpu=4090 off").await;
    pin("hostset_confirm_de", "/hostset gpu=4090 off after /settings locale=de", &app, &dieter, &prompt).await;
}

#[tokio::test]
async fn myservers_where_each_server_stands() {
    const HOST: &str = "host-desk-key-0123456789abcdef01";
    let app = test_app().await;
    let fleet = [hosted("rig-a", "RTX 4090", 1, 3.6), hosted("rig-b", "NVIDIA GeForce RTX 3090", 2, 5.2)];
    let ids = host_fleet(&app.sim, HOST, &fleet).await;
    control(&app.sim, &format!("/servers/{}", ids[1]), serde_json::json!({ "rented_spot": true })).await;
    // The newer shape says how each server is rented (`rental_status`).
    control(&app.sim, "/config", serde_json::json!({ "my_servers_shape": "newer" })).await;
    app.store_key_with("hank", HOST).await;
    let hank = caller(&app.core, "hank", None);
    let shown = say(&app, &hank, "/myservers").await;
    pin(
        "myservers",
        "/myservers: one server free with a suggestion and its Set button, one rented on spot",
        &app,
        &hank,
        &shown,
    )
    .await;

    app.store_key_with("dieter", HOST).await;
    let dieter = caller(&app.core, "dieter", None);
    say(&app, &dieter, "/settings locale=de").await;
    let shown = say(&app, &dieter, "/myservers").await;
    pin("myservers_de", "/myservers after /settings locale=de", &app, &dieter, &shown).await;
}

#[tokio::test]
async fn earnings_by_server() {
    use clorebot::domain::Clock;
    const HOST: &str = "host-earnings-snap-0123456789abc";
    let app = test_app().await;
    let fleet = [
        Hosted { spot_usd: Some(2.16), ..hosted("rig-a", "RTX 4090", 1, 4.32) },
        Hosted { spot_usd: Some(1.44), ..hosted("rig-b", "NVIDIA GeForce RTX 3090", 2, 8.64) },
    ];
    let ids = host_fleet(&app.sim, HOST, &fleet).await;
    control(&app.sim, "/config", serde_json::json!({ "my_servers_shape": "newer" })).await;
    app.store_key_with("hank", HOST).await;
    // Polls a minute apart: rig-a on demand for two of the four minutes, rig-b on spot for all four.
    let t0 = chrono::DateTime::from_timestamp(app.clock.now().timestamp(), 0).unwrap();
    let poll = |k: i64| app.engine.poll_accounts_at(t0 + chrono::Duration::minutes(k));
    poll(0).await.unwrap();
    control(&app.sim, &format!("/servers/{}", ids[1]), serde_json::json!({ "rented_spot": true })).await;
    poll(1).await.unwrap();
    control(&app.sim, &format!("/servers/{}", ids[0]), serde_json::json!({ "rented": true })).await;
    poll(2).await.unwrap();
    poll(3).await.unwrap();
    control(&app.sim, &format!("/servers/{}", ids[0]), serde_json::json!({ "rented": false })).await;
    poll(4).await.unwrap();
    app.clock.advance((t0 + chrono::Duration::minutes(4) - app.clock.now()).to_std().unwrap());
    let hank = caller(&app.core, "hank", None);
    let mut shown = say(&app, &hank, "/earnings").await;
    // The chart is a PNG (checked in tests/earnings.rs); the snapshot pins the words.
    assert!(shown[0].reply.image.take().is_some_and(|png| png.starts_with(b"\x89PNG")));
    pin(
        "earnings",
        "/earnings after four minutes of polls: one on demand for two of them, one on spot for all four",
        &app,
        &hank,
        &shown,
    )
    .await;
}
