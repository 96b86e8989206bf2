//! Team alerts' links on Telegram, against the fake Bot API server (tests/common/telegram.rs):
//! a team watch's alert in a group carries, next to each in-group Rent, a "Rent privately"
//! URL button (`https://t.me/<bot>?start=rent_<id>`), and a "Watch it myself" link
//! (`?start=watch_<id>`) that shows the watch to a member of the group, in private, with a
//! button making their own copy. Also: the copy button of a wallet's deposit address.
//! Deep links: core.telegram.org/bots/features#deep-linking; URL buttons:
//! core.telegram.org/bots/api#inlinekeyboardbutton (the fake refuses a bad one as Telegram
//! does). What is asserted is what a Telegram user would see.

mod common;

use common::telegram::app::TelegramApp;
use common::telegram::{self as fake, Call};
use common::*;
use serde_json::json;

const ANN: i64 = 218485655;
const BOB: i64 = 5964236329;
const CAT: i64 = 729497414;
const TEAM: i64 = -1001293752024;

/// Bob, an admin of the team chat, makes a team watch on RTX 3080s below 80% of the
/// cheapest price; returns its id, its price limit and the free 3080s.
async fn team_watch(b: &TelegramApp) -> (i64, f64, Vec<(u64, f64)>) {
    let free = free_of(&b.t.sim, "RTX 3080").await;
    let max = ((free[0].1 * 0.8) * 1000.0).floor() / 1000.0;
    b.fake.make_admin(TEAM, BOB);
    let before = b.fake.sent_to(TEAM).len();
    b.group(TEAM, BOB, &format!("/watch 3080 max={max} cooldown=10m here"));
    let made = b.nth_to(TEAM, before + 1).await;
    assert!(made.text().contains("alerts this chat"), "{}", made.text());
    (watch_id(&made.text()), max, free)
}

/// The id of "Watch #12…" in a message.
fn watch_id(text: &str) -> i64 {
    let after = text.split("atch #").nth(1).unwrap_or_else(|| panic!("no watch id in {text}"));
    after.chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap()
}

/// The `/start` payload of a deep link to this bot.
fn payload(url: &str) -> String {
    let prefix = format!("https://t.me/{}?start=", fake::BOT_USERNAME);
    url.strip_prefix(&prefix).unwrap_or_else(|| panic!("{url} is no deep link to the bot")).to_owned()
}

#[tokio::test]
async fn a_team_alert_links_to_renting_privately_and_to_the_watch() {
    let b = TelegramApp::start().await;
    let (watch, max, free) = team_watch(&b).await;
    let srv = free[free.len() - 1].0;
    b.price_drop(srv, max * 0.9).await;
    assert_eq!(b.deliver().await, 1);
    let alert = b.nth_to(TEAM, 2).await;
    assert!(alert.text().contains(&format!("#{srv}")), "{}", alert.text());
    // Rent (answered here) and Rent privately side by side; then the watch, to copy.
    assert_eq!(
        alert.rows(),
        vec![vec![format!("Rent #{srv}"), format!("Rent #{srv} privately")], vec!["Watch it myself".to_owned()]]
    );
    let links = alert.links();
    assert_eq!(links.len(), 2, "{links:?}");
    assert_eq!(payload(&links[0].1), format!("rent_{srv}"));
    assert_eq!(payload(&links[1].1), format!("watch_{watch}"));
    // A URL button carries no callback data (the fake refuses a send that mixes them).
    let raw = &alert.body["reply_markup"]["inline_keyboard"];
    assert!(raw[0][1].get("callback_data").is_none() && raw[1][0].get("callback_data").is_none(), "{raw}");
    assert!(raw[0][0]["callback_data"].as_str().is_some_and(|d| !d.is_empty()));

    // The in-group Rent answers in the group, as before.
    b.keyed(CAT).await;
    b.press_button(CAT, TEAM, &alert, "Rent");
    let in_group = b.nth_to(TEAM, 3).await;
    assert!(in_group.text().contains(&format!("Rent server #{srv}?")), "{}", in_group.text());

    // Following "Rent privately": the rent confirmation, in Ann's private chat.
    b.keyed(ANN).await;
    b.private_in(ANN, "en", &format!("/start {}", payload(&links[0].1)));
    let confirm = b.nth_to(ANN, 1).await;
    assert!(confirm.text().contains(&format!("Rent server #{srv}?")), "{}", confirm.text());
    assert!(confirm.buttons().iter().any(|(l, _)| l == "Confirm"));
    b.press_button(ANN, ANN, &confirm, "Confirm");
    b.fake.wait_for(WAIT, |_| b.fake.sent_to(ANN).iter().any(|c| c.text().contains("SSH password for order"))).await;
    assert_eq!(b.t.sim_orders().await.len(), 1);
}

#[tokio::test]
async fn watch_it_myself_makes_a_personal_copy_that_alerts_privately() {
    let b = TelegramApp::start().await;
    let (watch, max, free) = team_watch(&b).await;

    // Ann, a member of the team chat, opens the watch's link.
    b.private_in(ANN, "en", &format!("/start watch_{watch}"));
    let shown = b.nth_to(ANN, 1).await;
    let text = shown.text();
    assert!(text.starts_with(&format!("<b>Team watch #{watch} in GPU team</b>")), "{text}");
    assert!(text.contains(&format!("Watching: 3080 · ≤{max} USD/day")), "{text}");
    assert!(text.contains("Alerts:") && text.contains("cooldown 10m"), "{text}");
    assert_eq!(shown.rows(), vec![vec!["Watch it myself".to_owned()]]);
    // Asked of Telegram: is Ann in the watch's chat?
    assert!(b.fake.ok("getChatMember").iter().any(|c| c.chat() == TEAM && c.body["user_id"] == json!(ANN)));

    b.press_button(ANN, ANN, &shown, "Watch it myself");
    let made = b.nth_edit_in(ANN, 1).await;
    assert!(made.text().contains("alerts you privately"), "{}", made.text());
    let mine = watch_id(&made.text());
    assert_ne!(mine, watch);
    // Pressed again: nothing more is made.
    b.press_button(ANN, ANN, &shown, "Watch it myself");
    b.toast("already").await;

    b.private_in(ANN, "en", "/watches");
    let listed = b.nth_to(ANN, 2).await;
    assert!(listed.text().contains(&format!("#{mine} ")), "{}", listed.text());
    assert!(!listed.text().contains(&format!("#{watch} ")), "{}", listed.text());
    assert!(listed.text().contains("cooldown 10m"), "{}", listed.text());
    let owned: i64 = sqlx::query_scalar("SELECT count(*) FROM watches WHERE NOT is_team")
        .fetch_one(&b.t.core.deps.pool)
        .await
        .unwrap();
    assert_eq!(owned, 1);

    // A price drop alerts the team and, privately, Ann — whose alert has no team links.
    let srv = free[free.len() - 1].0;
    b.price_drop(srv, max * 0.9).await;
    assert_eq!(b.deliver().await, 2);
    let private = b.nth_to(ANN, 3).await;
    assert!(private.text().contains(&format!("Watch #{mine} ")) && private.text().contains(&format!("#{srv}")));
    assert!(private.links().is_empty(), "{:?}", private.links());
    assert!(!private.button("Rent").is_empty());
    let team = b.nth_to(TEAM, 2).await;
    assert!(team.text().contains(&format!("Watch #{watch} ")), "{}", team.text());
}

#[tokio::test]
async fn a_watch_link_shows_nothing_to_whom_it_is_not_for() {
    let b = TelegramApp::start().await;
    let (watch, ..) = team_watch(&b).await;
    // Ann's own watch is personal: its id opens nothing, for anyone.
    b.private_in(ANN, "en", "/watch 4090 max=1");
    let personal = watch_id(&b.nth_to(ANN, 1).await.text());

    b.fake.not_member(TEAM, CAT);
    let cases = [
        (CAT, "en", format!("/start watch_{watch}"), format!("Sorry, there is no team watch #{watch} in a chat")),
        (BOB, "de", format!("/start watch_{personal}"), format!("Leider gibt es keinen Team-Watch #{personal}")),
        (BOB, "ru", "/start watch_987654".to_owned(), "Извините, командного отслеживания #987654 нет".to_owned()),
        (BOB, "en", "/start watch_12a".to_owned(), "Sorry, clorebot does not know this link".to_owned()),
    ];
    let mut seen = std::collections::HashMap::<i64, usize>::new();
    for (user, lang, text, expected) in &cases {
        let n = seen.entry(*user).and_modify(|n| *n += 1).or_insert(1);
        b.private_in(*user, lang, text);
        let reply = b.nth_to(*user, *n).await;
        assert!(reply.text().contains(expected.as_str()), "{text} in {lang}: {}", reply.text());
        assert!(reply.buttons().is_empty(), "{:?}", reply.buttons());
    }

    // A member who left before pressing gets the same answer, and no watch.
    b.private_in(ANN, "en", &format!("/start watch_{watch}"));
    let shown = b.nth_to(ANN, 2).await;
    b.fake.not_member(TEAM, ANN);
    b.press_button(ANN, ANN, &shown, "Watch it myself");
    let refused = b.nth_edit_in(ANN, 1).await;
    assert!(refused.text().contains(&format!("there is no team watch #{watch}")), "{}", refused.text());
    let personal_watches: i64 = sqlx::query_scalar("SELECT count(*) FROM watches WHERE NOT is_team")
        .fetch_one(&b.t.core.deps.pool)
        .await
        .unwrap();
    assert_eq!(personal_watches, 1, "only Ann's own 4090 watch");
}

#[tokio::test]
async fn deposit_addresses_have_copy_buttons_in_private_only() {
    let b = TelegramApp::start().await;
    b.keyed(ANN).await;
    b.private_in(ANN, "en", "/wallets");
    let wallets = b.nth_to(ANN, 1).await;
    let copies = wallets.copies();
    assert_eq!(copies.len(), 3, "one per currency's address: {copies:?}");
    for (label, address) in &copies {
        assert!(label.starts_with("📋 ") && label.ends_with(" deposit address"), "{label}");
        let currency = label.trim_start_matches("📋 ").trim_end_matches(" deposit address");
        // Copies exactly the address shown.
        assert!(
            wallets.text().contains(&format!("{currency} deposit address: <code>{address}</code>")),
            "{address}: {}",
            wallets.text()
        );
    }

    // Asked in the group: the wallets go to Bob privately (with their copy buttons); the
    // group gets no address and no copy button.
    b.keyed(BOB).await;
    b.group(TEAM, BOB, "/wallets");
    let to_bob = b.nth_to(BOB, 1).await;
    assert_eq!(to_bob.copies().len(), 3);
    b.fake.handed_on().await;
    b.tg.finish().await;
    let in_group: Vec<Call> = b.fake.sent_to(TEAM);
    assert!(!in_group.is_empty());
    assert!(in_group.iter().all(|c| c.copies().is_empty() && !c.text().contains("deposit address")), "{in_group:#?}");
}
