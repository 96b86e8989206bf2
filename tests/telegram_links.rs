//! Telegram deep links and inline mode against the fake Bot API server
//! (tests/common/telegram.rs): `/start rent_<id>` opens the rent confirmation in the private
//! chat, `@bot <query>` in any chat is answered with offers whose cards link back to it, and
//! private messages carry copy buttons for an SSH command and a password shown once.
//! Updates are shaped after teloxide-core 0.13's types and the Bot API reference
//! (tests/common/telegram/updates.rs). What is asserted is what a Telegram user would see.

mod common;

use common::telegram::app::TelegramApp;
use common::telegram::{self as fake, Call, updates as up};
use common::*;
use serde_json::{Value, json};

const ANN: i64 = 218485655;
const BOB: i64 = 5964236329;
const TEAM: i64 = -1001293752024;

fn results(answer: &Call) -> Vec<Value> {
    answer.body["results"].as_array().cloned().unwrap_or_default()
}

/// The URL button of an inline result, if any.
fn link(result: &Value) -> Option<String> {
    result["reply_markup"]["inline_keyboard"][0][0]["url"].as_str().map(str::to_owned)
}

#[tokio::test]
async fn a_deep_link_opens_the_rent_confirmation_privately() {
    let b = TelegramApp::start().await;
    b.keyed(ANN).await;
    let server = b.free_server().await;
    b.private_in(ANN, "en", &format!("/rent #{server}"));
    let by_command = b.nth_to(ANN, 1).await;
    b.private_in(ANN, "en", &format!("/start rent_{server}"));
    let by_link = b.nth_to(ANN, 2).await;
    assert!(by_link.text().contains(&format!("Rent server #{server}")), "{}", by_link.text());
    assert_eq!(by_link.text(), by_command.text(), "the link gives what /rent #id gives");
    let labels: Vec<String> = by_link.buttons().into_iter().map(|(l, _)| l).collect();
    assert!(labels.iter().any(|l| l.starts_with("Confirm")), "{labels:?}");

    // Confirmed like any rent: the order is made.
    let token = by_link.button("Confirm");
    b.press(ANN, ANN, by_link.message_id.unwrap(), &token);
    b.fake.wait_for(WAIT, |_| b.fake.sent_to(ANN).iter().any(|c| c.text().contains("SSH password for order"))).await;
    assert_eq!(b.t.sim_orders().await.len(), 1);

    // In the private chat the SSH command and the password each have a copy button, which
    // copies exactly what the message shows.
    b.fake.handed_on().await;
    b.tg.finish().await;
    let to_ann: Vec<Call> = b.fake.calls().into_iter().filter(|c| c.status == 200 && c.chat() == ANN).collect();
    let copies: Vec<(String, String)> = to_ann.iter().flat_map(Call::copies).collect();
    let ssh = copies.iter().find(|(l, _)| l.starts_with("📋 ssh root@")).unwrap_or_else(|| panic!("{copies:?}"));
    assert!(to_ann.iter().any(|c| c.text().contains(&format!("<pre>{}</pre>", ssh.1))), "{copies:?}");
    let password =
        copies.iter().find(|(l, _)| l == "📋 SSH password for order 1001").unwrap_or_else(|| panic!("{copies:?}"));
    assert!(to_ann.iter().any(|c| c.text().contains(&format!("<code>{}</code>", password.1))));
}

#[tokio::test]
async fn no_copy_buttons_in_a_group() {
    let b = TelegramApp::start().await;
    b.keyed(BOB).await;
    let server = b.free_server().await;
    let (u, m) = (b.next(), 8001);
    b.fake.push(up::group(u, m, TEAM, BOB, &format!("/rent #{server}")));
    let confirm = b.nth_to(TEAM, 1).await;
    b.press_button(BOB, TEAM, &confirm, "Confirm");
    // The confirmation turns into the order in the group; the password goes to Bob privately.
    b.fake.wait_for(WAIT, |_| b.fake.sent_to(BOB).iter().any(|c| c.text().contains("SSH password for order"))).await;
    b.fake.handed_on().await;
    b.tg.finish().await;
    let calls = b.fake.calls();
    let in_group: Vec<&Call> = calls.iter().filter(|c| c.status == 200 && c.chat() == TEAM).collect();
    assert!(in_group.iter().any(|c| c.text().contains("is running on #")), "{in_group:#?}");
    assert!(in_group.iter().all(|c| c.copies().is_empty()), "{in_group:#?}");
    let to_bob: Vec<(String, String)> =
        calls.iter().filter(|c| c.status == 200 && c.chat() == BOB).flat_map(Call::copies).collect();
    assert!(to_bob.iter().any(|(l, _)| l.starts_with("📋 SSH password for order")), "{to_bob:?}");
}

#[tokio::test]
async fn a_link_clorebot_does_not_know_is_refused_politely_in_the_users_language() {
    let b = TelegramApp::start().await;
    let long = format!("rent_{}", "7".repeat(70));
    let cases = [
        ("en", "/start rent_abc", "Sorry, clorebot does not know this link"),
        ("en", "/start hello-world", "Sorry, clorebot does not know this link"),
        ("en", &*format!("/start {long}"), "Sorry, clorebot does not know this link"),
        ("de", "/start rent_0", "Diesen Link kennt clorebot leider nicht"),
        ("ru", "/start rent_12;DROP", "Извините, эта ссылка clorebot незнакома"),
    ];
    for (n, (lang, text, expected)) in cases.iter().enumerate() {
        b.private_in(BOB, lang, text);
        let reply = b.nth_to(BOB, n + 1).await;
        assert!(reply.text().contains(expected), "{text} in {lang}: {}", reply.text());
        assert!(reply.buttons().is_empty());
    }
    // A plain /start still greets.
    b.private_in(BOB, "en", "/start");
    assert!(b.nth_to(BOB, cases.len() + 1).await.text().contains("clorebot rents GPUs"));
    assert!(b.t.sim_orders().await.is_empty());
}

#[tokio::test]
async fn an_inline_query_is_answered_with_offers_that_link_to_the_rent() {
    let b = TelegramApp::start().await;
    // The private chats' menu button lists the commands (set once, for every chat).
    let menu = b.fake.ok("setChatMenuButton");
    assert_eq!(menu.len(), 1);
    assert_eq!(menu[0].body, json!({ "menu_button": { "type": "commands" } }));
    let allowed = &b.fake.ok("getUpdates")[0].body["allowed_updates"];
    assert!(allowed.as_array().unwrap().contains(&json!("inline_query")), "{allowed}");

    b.inline(ANN, "en", "4090 <8 cc=de");
    let answer = b.nth_answer(1).await;
    assert_eq!(answer.body["cache_time"], json!(fake_cache_secs()));
    assert_eq!(answer.body["is_personal"], json!(false));
    let found = results(&answer);
    assert!(!found.is_empty() && found.len() <= 10, "{found:#?}");
    // The cheapest free matches, as /gpus lists them.
    let expected: Vec<String> = {
        let Ok(clorebot::core::Command::Gpus { query, .. }) = clorebot::core::parse("/gpus 4090 <8 cc=de") else {
            panic!("the query parses")
        };
        let snap = b.t.core.deps.market.get().await.unwrap();
        let listed = query.run(&snap.servers, Default::default());
        listed.iter().filter(|s| !s.rented).take(10).map(|s| s.id.to_string()).collect()
    };
    let ids: Vec<&str> = found.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, expected);
    for r in &found {
        let id = r["id"].as_str().unwrap();
        let title = r["title"].as_str().unwrap();
        let description = r["description"].as_str().unwrap();
        let text = r["input_message_content"]["message_text"].as_str().unwrap();
        assert!(title.contains("RTX 4090") && title.contains("/day"), "{title}");
        assert!(description.contains("/h · DE · reliability ") && description.ends_with(&format!("#{id}")));
        assert!(text.contains(&format!("server #{id}")) && text.contains("/day (") && text.contains("DE"), "{text}");
        assert_eq!(r["input_message_content"]["parse_mode"], json!("HTML"));
        assert_eq!(r["reply_markup"]["inline_keyboard"][0][0]["text"], json!("Rent in clorebot"));
        assert_eq!(link(r).unwrap(), format!("https://t.me/{}?start=rent_{id}", fake::BOT_USERNAME));
        let day: f64 = title.split('$').nth(1).unwrap().trim_end_matches("/day").parse().unwrap();
        assert!(day < 8.0, "{title}");
    }

    // The card's link, followed: the rent confirmation in the private chat.
    b.keyed(ANN).await;
    let payload = link(&found[0]).unwrap().split("start=").nth(1).unwrap().to_owned();
    let u = b.next();
    b.fake.push(up::private(u, 7001, ANN, &format!("/start {payload}")));
    let confirm = b.nth_to(ANN, 1).await;
    assert!(confirm.text().contains(&format!("Rent server #{}", found[0]["id"].as_str().unwrap())));

    // Choosing a card (inline feedback) asks nothing of the bot.
    let before = b.fake.len();
    b.fake.push(up::chosen_inline_result(b.next(), ANN, found[0]["id"].as_str().unwrap(), "4090 <8 cc=de"));
    b.fake.handed_on().await;
    b.tg.finish().await;
    let since: Vec<String> = b.fake.calls_from(before).iter().map(|c| c.method.clone()).collect();
    assert!(since.iter().all(|m| m == "getUpdates"), "{since:?}");
}

#[tokio::test]
async fn a_bad_inline_query_gets_one_card_that_says_why() {
    let b = TelegramApp::start().await;
    b.inline(ANN, "en", "4090 <abc");
    let answer = results(&b.nth_answer(1).await);
    assert_eq!(answer.len(), 1, "{answer:#?}");
    assert_eq!(answer[0]["title"], json!("That search is not understood"));
    let why = answer[0]["description"].as_str().unwrap();
    assert!(why.contains("abc"), "{why}");
    assert!(link(&answer[0]).is_none());

    // In the asker's language; and a search that matches nothing says so.
    b.inline(BOB, "ru", "4090 <0.0001");
    let none = results(&b.nth_answer(2).await);
    assert_eq!(none.len(), 1, "{none:#?}");
    assert_eq!(none[0]["title"], json!("Свободных серверов под запрос нет"));

    // The empty query (`@bot ` alone): the cheapest free servers, ten at most.
    b.inline(BOB, "de", "");
    let any = results(&b.nth_answer(3).await);
    assert_eq!(any.len(), 10, "{any:#?}");
    assert!(any.iter().all(|r| r["title"].as_str().unwrap().contains("/Tag")));
    assert_eq!(any[0]["reply_markup"]["inline_keyboard"][0][0]["text"], json!("In clorebot mieten"));
}

fn fake_cache_secs() -> u32 {
    clorebot::frontends::telegram::INLINE_CACHE_SECS
}
