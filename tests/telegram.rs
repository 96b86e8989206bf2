//! The Telegram front-end against a fake Bot API server (tests/common/telegram.rs) that
//! records every call and enforces Telegram's limits; updates are shaped after teloxide's own
//! fixtures. What is asserted is what a Telegram user would see.

mod common;

use std::time::{Duration, Instant};

use clorebot::config::TelegramConfig;
use clorebot::core::Reply;
use clorebot::domain::Platform;
use clorebot::frontends::telegram::Telegram;
use clorebot::store::crypto::SecretKind;
use clorebot::store::outbox::{self, NewAlert};
use clorebot::store::{secrets, users};
use common::telegram::app::TelegramApp;
use common::telegram::{self as fake, Call, FakeTelegram, Limits, updates as up};
use common::*;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

const ANN: i64 = 218485655;
const BOB: i64 = 5964236329;
const CAT: i64 = 729497414;
const TEAM: i64 = -1001293752024;

fn tg_config(fake: &FakeTelegram, limits: Limits, webhook: Option<&str>) -> TelegramConfig {
    fake::bot_config(fake, limits, clorebot::config::MAX_WAITING, webhook)
}

fn texts(calls: &[Call]) -> Vec<String> {
    calls.iter().map(Call::text).collect()
}

#[tokio::test]
async fn starts_lists_pages_and_ignores_what_is_not_for_it() {
    let b = TelegramApp::start().await;
    let calls = b.fake.calls();
    let order: Vec<&str> = calls.iter().map(|c| c.method.as_str()).collect();
    let pos = |m: &str| order.iter().position(|x| *x == m).unwrap_or_else(|| panic!("no {m} in {order:?}"));
    assert!(pos("getMe") < pos("setMyCommands") && pos("deleteWebhook") < pos("getUpdates"), "{order:?}");
    let menu = &b.fake.ok("setMyCommands")[0].body["commands"];
    assert!(
        menu.as_array()
            .unwrap()
            .iter()
            .any(|c| c["command"] == "gpus" && c["description"].as_str().unwrap().len() >= 3)
    );
    // The English menu is the default (no language_code); German and Russian apps get their own.
    let menus = b.fake.ok("setMyCommands");
    let codes: Vec<Option<&str>> = menus.iter().map(|c| c.body["language_code"].as_str()).collect();
    assert_eq!(codes, [None, Some("de"), Some("ru")]);
    let gpus_in = |code: &str| {
        let menu = menus.iter().find(|c| c.body["language_code"] == code).unwrap();
        let gpus = menu.body["commands"].as_array().unwrap().iter().find(|c| c["command"] == "gpus").unwrap();
        assert_eq!(
            menu.body["commands"].as_array().unwrap().len(),
            menus[0].body["commands"].as_array().unwrap().len()
        );
        gpus["description"].as_str().unwrap().to_owned()
    };
    assert_eq!(gpus_in("ru"), "Поиск по маркетплейсу (ключ не нужен)");
    assert!(gpus_in("de").contains("Marktplatz"), "{}", gpus_in("de"));
    assert_eq!(b.tg.me().unwrap().username, fake::BOT_USERNAME);

    // A listing, in HTML, with a keyboard: a Rent and a Details button per server, then Next.
    b.private(ANN, "/gpus");
    let listing = b.nth_to(ANN, 1).await;
    assert_eq!(listing.body["parse_mode"], "HTML");
    assert!(listing.text().starts_with("<b>") && listing.text().contains("page 1/"), "{}", listing.text());
    let buttons = listing.buttons();
    assert!(
        buttons.iter().any(|(l, _)| l.starts_with("Rent #")) && buttons.iter().any(|(l, _)| l.starts_with("Details #"))
    );
    assert!(buttons.iter().all(|(_, data)| !data.is_empty() && data.len() <= 64), "{buttons:?}");

    // Next ▸: the press is answered and the listing edited in place to page 2.
    b.press_button(ANN, ANN, &listing, "Next");
    let edit = b.fake.nth("editMessageText", 1).await;
    assert_eq!(edit.body["message_id"], json!(listing.message_id.unwrap()));
    assert!(edit.text().contains("page 2/"), "{}", edit.text());
    assert!(!edit.buttons().is_empty(), "the new page has its buttons");
    let answered = b.fake.nth("answerCallbackQuery", 1).await;
    assert!(answered.body.get("text").is_none(), "no toast for a page turn: {:?}", answered.body);
    assert_eq!(b.fake.sent_to(ANN).len(), 1, "a page turn sends no new message");

    // Every dynamic string is escaped.
    b.private(ANN, "/gpus 4090 colour=<red>");
    let err = b.nth_to(ANN, 2).await;
    assert!(err.text().contains("<code>colour=&lt;red&gt;</code>"), "{}", err.text());

    // Unknown command in private: the help hint. Plain text in private: how commands look.
    b.private(ANN, "/nosuch");
    assert!(b.nth_to(ANN, 3).await.text().contains("Send /help for the list."));

    // In a group: other bots' commands, unknown commands and chatter are left alone…
    let before = b.fake.calls().len();
    b.group(TEAM, BOB, "/help@otherbot");
    b.group(TEAM, BOB, "/nosuch");
    b.group(TEAM, BOB, "anyone renting a 4090 today?");
    assert!(b.quiet_since(before).await.is_empty(), "nothing is sent for other bots' commands or chatter");
    // …and ours are answered, in reply to the command.
    let asked = b.group(TEAM, BOB, "/help@Clore_Test_Bot");
    let help = b.nth_to(TEAM, 1).await;
    assert!(help.text().contains("/gpus"), "{}", help.text());
    assert_eq!(help.body["reply_parameters"]["message_id"], json!(asked));
}

/// `/rent 3060 count=2`: one confirmation; the press is answered at once, and the
/// confirmation shows the set's progress as its orders land (each order's outcome, the one
/// being sent, never a password) until the list of what came of each server replaces it.
/// The passwords are a message of their own.
#[tokio::test]
async fn rent_count_rents_several_with_one_confirmation_showing_progress() {
    let b = TelegramApp::start().await;
    b.keyed(ANN).await;
    b.private(ANN, "/rent 3060 count=2");
    let confirm = b.nth_to(ANN, 1).await;
    assert!(confirm.text().contains("Rent these 2 servers?"), "{}", confirm.text());
    let message = json!(confirm.message_id.unwrap());
    b.press_button(ANN, ANN, &confirm, "Confirm");
    let login = b.nth_to(ANN, 2).await;
    assert_eq!(login.text().matches("SSH password for order").count(), 2, "{}", login.text());
    let edit = |c: &Call| c.method == "editMessageText" && c.body["message_id"] == message;
    let listed = |c: &Call| edit(c) && c.text().contains("All 2 servers are rented");
    let calls = b.fake.wait_for(WAIT, |calls| calls.iter().any(listed)).await;
    // The button stops spinning before the first order is sent, and is answered once.
    let answered = calls.iter().position(|c| c.method == "answerCallbackQuery").expect("the press is answered");
    assert!(answered < calls.iter().position(edit).unwrap(), "{:#?}", &calls[answered.saturating_sub(3)..]);
    assert_eq!(calls.iter().filter(|c| c.method == "answerCallbackQuery").count(), 1);
    let edits: Vec<String> = calls.iter().filter(|c| edit(c)).map(Call::text).collect();
    let (list, progress) = edits.split_last().unwrap();
    assert!(list.contains("All 2 servers are rented"), "the list comes last: {edits:#?}");
    assert_eq!(list.matches("is running on #").count(), 2, "{list}");
    assert!(progress[0].contains("Renting 2 servers: 0 of 2 done so far."), "{edits:#?}");
    // The first order made, and the second being sent, before the list.
    let mut orders = b.t.sim_orders().await;
    assert_eq!(orders.len(), 2);
    orders.sort_by_key(|o| o["id"].as_u64());
    let made = format!("✓ Order {} is running on #{}", orders[0]["id"], orders[0]["server_id"]);
    let sending =
        |l: &str| l.starts_with(&format!("#{} — ", orders[1]["server_id"])) && l.ends_with(": sending the order…");
    assert!(progress.iter().any(|t| t.contains(&made) && t.lines().any(sending)), "{edits:#?}");
    assert!(edits.iter().all(|t| !t.contains("SSH password")), "{edits:#?}");
}

/// `/cancel all` after a `count=2` rent: one confirmation listing both, and the Confirm edits
/// it into each order's outcome.
#[tokio::test]
async fn cancel_all_cancels_every_running_order_with_one_confirmation() {
    let b = TelegramApp::start().await;
    b.keyed(ANN).await;
    b.private(ANN, "/rent 3060 count=2");
    let confirm = b.nth_to(ANN, 1).await;
    b.press_button(ANN, ANN, &confirm, "Confirm");
    b.nth_to(ANN, 2).await;
    b.private(ANN, "/cancel all");
    let confirm = b.nth_to(ANN, 3).await;
    assert!(confirm.text().contains("Cancel these 2 orders?"), "{}", confirm.text());
    b.press_button(ANN, ANN, &confirm, "Confirm");
    let done = |c: &common::telegram::Call| {
        c.method == "editMessageText"
            && c.body["text"].as_str().is_some_and(|t| t.contains("All 2 orders are cancelled."))
    };
    b.fake.wait_for(WAIT, |calls| calls.iter().any(done)).await;
    assert!(b.t.sim_orders().await.iter().all(|o| o["active"] == json!(false)));
}

#[tokio::test]
async fn rent_confirms_once_and_the_login_comes_privately() {
    let b = TelegramApp::start().await;
    b.keyed(ANN).await;
    b.private(ANN, "/rent 4090");
    let confirm = b.nth_to(ANN, 1).await;
    assert!(confirm.text().contains("Rent server #"), "{}", confirm.text());
    let token = confirm.button("Confirm");
    b.press(ANN, ANN, confirm.message_id.unwrap(), &token);
    // The SSH password is a secret: a message of its own in the private chat, never an edit.
    let login = b.nth_to(ANN, 2).await;
    assert!(
        login.text().contains("ssh root@")
            || texts(&b.fake.ok("editMessageText")).iter().any(|t| t.contains("ssh root@"))
    );
    let all: Vec<String> = texts(&b.fake.sent_to(ANN));
    assert!(all.iter().any(|t| t.contains("SSH password for order") && t.contains("<code>")), "{all:#?}");
    assert!(texts(&b.fake.ok("editMessageText")).iter().all(|t| !t.contains("SSH password")));
    assert_eq!(b.t.sim_orders().await.len(), 1, "one order");

    // The same Confirm again: a toast, and nothing more.
    b.press(ANN, ANN, confirm.message_id.unwrap(), &token);
    b.fake
        .wait_for(WAIT, |c| {
            c.iter().any(|c| c.method == "answerCallbackQuery" && c.body["text"] == "This was already done.")
        })
        .await;
    assert_eq!(b.t.sim_orders().await.len(), 1, "still one order");

    // In a group, the confirmation is the renter's: someone else's press is a toast.
    b.keyed(BOB).await;
    b.group(TEAM, BOB, "/rent 3090");
    let confirm = b.nth_to(TEAM, 1).await;
    b.press_button(CAT, TEAM, &confirm, "Confirm");
    b.toast("someone else").await;
    assert_eq!(b.t.sim_orders().await.len(), 1);
    // Bob confirms: the confirmation turns into the order; its password reaches only his
    // private chat, and the group is told so.
    b.press_button(BOB, TEAM, &confirm, "Confirm");
    b.fake.wait_for(WAIT, |_| b.fake.sent_to(BOB).iter().any(|c| c.text().contains("SSH password for order"))).await;
    assert_eq!(b.t.sim_orders().await.len(), 2);
    let note = b.nth_to(TEAM, 2).await;
    assert!(note.text().contains("I sent you the answer in our private chat"), "{}", note.text());
    let group_texts: Vec<String> =
        texts(&b.fake.sent_to(TEAM)).into_iter().chain(texts(&b.fake.ok("editMessageText"))).collect();
    assert!(group_texts.iter().any(|t| t.contains("is running on #")), "{group_texts:#?}");
    assert!(group_texts.iter().all(|t| !t.contains("SSH password")), "{group_texts:#?}");
}

#[tokio::test]
async fn keys_are_stored_and_deleted_in_private_and_refused_in_groups() {
    let b = TelegramApp::start().await;
    let user_has_key = |id: i64| {
        let pool = b.t.core.deps.pool.clone();
        async move {
            let Some(u) = users::find_user(&pool, Platform::Telegram, &id.to_string()).await.unwrap() else {
                return false;
            };
            secrets::status(&pool, u.id, SecretKind::CloreApiKey).await.unwrap().is_some()
        }
    };

    // Private: checked with Clore, stored, and the message deleted.
    let m = b.private(ANN, &format!("/key set {KEY}"));
    let saved = b.nth_to(ANN, 1).await;
    assert!(saved.text().starts_with("Key saved, encrypted"), "{}", saved.text());
    let del = b.fake.nth("deleteMessage", 1).await;
    assert_eq!((del.chat(), del.body["message_id"].as_i64()), (ANN, Some(m)));
    assert!(user_has_key(ANN).await);

    // A group: refused, deleted, and the warning reaches the user privately.
    let m = b.group(TEAM, BOB, &format!("/key set {KEY}"));
    let warning = b.nth_to(BOB, 1).await;
    assert!(warning.text().contains("Never post your Clore API key in a group"), "{}", warning.text());
    b.fake.wait_for(WAIT, |c| c.iter().any(|c| c.method == "deleteMessage" && c.chat() == TEAM)).await;
    assert!(b.fake.ok("deleteMessage").iter().any(|c| c.chat() == TEAM && c.body["message_id"].as_i64() == Some(m)));
    let note = b.nth_to(TEAM, 1).await;
    assert!(note.text().contains("I deleted your message: it held a secret."), "{}", note.text());
    assert!(!user_has_key(BOB).await);

    // A group where the bot may not delete, from a user who never started the bot: the
    // group is told to delete it and to revoke the key; nothing else is sent anywhere.
    b.fake.deny_delete(-1009);
    b.fake.not_started(CAT);
    b.group(-1009, CAT, &format!("/key set {KEY}"));
    let note = b.nth_to(-1009, 1).await;
    assert!(note.text().contains("have not started one with me yet"), "{}", note.text());
    assert!(
        note.text().contains("please delete it yourself") && note.text().contains("revoke it at clore.ai"),
        "{}",
        note.text()
    );
    assert!(b.fake.sent_to(CAT).is_empty());
    assert!(!user_has_key(CAT).await);
    let everything: String =
        b.fake.calls().iter().filter(|c| c.method.starts_with("send")).map(|c| c.body.to_string()).collect();
    assert!(!everything.contains(KEY), "the key is never sent back");
}

#[tokio::test]
async fn a_private_answer_asked_in_a_group_goes_to_the_private_chat() {
    let b = TelegramApp::start().await;
    b.keyed(BOB).await;
    b.group(TEAM, BOB, "/key");
    let private = b.nth_to(BOB, 1).await;
    assert!(private.text().contains("Your Clore API key is set"), "{}", private.text());
    assert!(private.body.get("message_thread_id").is_none());
    let note = b.nth_to(TEAM, 1).await;
    assert!(note.text().contains("I sent you the answer in our private chat"), "{}", note.text());
    assert!(note.text().contains(&format!("tg://user?id={BOB}")), "a mention: {}", note.text());

    // A forum topic: answers stay in the topic.
    let (u, m) = b.ids();
    b.fake.push(up::topic(u, m, -1001847508954, 4, ANN, "/help gpus"));
    let answer = b.nth_to(-1001847508954, 1).await;
    assert_eq!(answer.thread(), Some(4));
    assert!(answer.text().contains("/gpus [query]"), "{}", answer.text());
}

#[tokio::test]
async fn team_alerts_reach_the_group_with_buttons_anyone_may_press() {
    let b = TelegramApp::start().await;
    let free = free_of(&b.t.sim, "RTX 3080").await;
    let max = ((free[0].1 * 0.8) * 1000.0).floor() / 1000.0;

    // Only a group admin may make a team watch (asked of Telegram with getChatMember).
    b.group(TEAM, CAT, &format!("/watch 3080 max={max} here"));
    let refused = b.nth_to(TEAM, 1).await;
    assert!(refused.text().contains("admin"), "{}", refused.text());
    b.fake.make_admin(TEAM, BOB);
    b.group(TEAM, BOB, &format!("/watch 3080 max={max} here"));
    let made = b.nth_to(TEAM, 2).await;
    assert!(made.text().contains("alerts this chat"), "{}", made.text());
    // An anonymous admin posts as the group itself (from GroupAnonymousBot, sender_chat the
    // group): only admins can, so no getChatMember is needed.
    let (u, m) = b.ids();
    let mut anon = up::group(u, m, TEAM, 1087968824, "/watch a100 x2 here");
    anon["message"]["from"] =
        json!({ "id": 1087968824, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot" });
    anon["message"]["sender_chat"] =
        json!({ "id": TEAM, "title": "GPU team", "type": "supergroup", "username": "gpu_team_chat" });
    let lookups = b.fake.calls().iter().filter(|c| c.method == "getChatMember").count();
    b.fake.push(anon);
    let made = b.nth_to(TEAM, 3).await;
    assert!(made.text().contains("alerts this chat"), "{}", made.text());
    assert_eq!(b.fake.calls().iter().filter(|c| c.method == "getChatMember").count(), lookups);
    // A personal watch from a private chat alerts that chat.
    b.private(ANN, &format!("/watch 3080 max={max}"));
    b.nth_to(ANN, 1).await;

    let srv = free[free.len() - 1].0;
    b.price_drop(srv, max * 0.9).await;
    assert_eq!(b.deliver().await, 2);
    let alert = b.nth_to(TEAM, 4).await;
    assert!(alert.text().contains(&format!("#{srv}")), "{}", alert.text());
    let personal = b.nth_to(ANN, 2).await;
    assert!(personal.text().contains(&format!("#{srv}")), "{}", personal.text());

    // Cat, who is no admin and made nothing, may rent from the team's alert.
    b.keyed(CAT).await;
    b.press_button(CAT, TEAM, &alert, "Rent");
    let confirm = b.nth_to(TEAM, 5).await;
    assert!(confirm.text().contains(&format!("Rent server #{srv}?")), "{}", confirm.text());
    assert!(confirm.buttons().iter().any(|(l, _)| l == "Confirm"));
}

#[tokio::test]
async fn a_chat_the_bot_left_gets_no_more_alerts_until_it_is_back() {
    let b = TelegramApp::start().await;
    let pool = &b.t.core.deps.pool;
    let alert = |key: &str, chat: &str| NewAlert {
        urgent: true,
        hold: Default::default(),
        part: None,
        dedup_key: key.into(),
        platform: Platform::Telegram,
        target_chat_id: Some(chat.into()),
        target_thread_id: None,
        target_user: None,
        payload: serde_json::to_value(Reply::text(format!("alert {key}"))).unwrap(),
    };
    let gone = |key: &'static str| async move {
        let (failed, error): (bool, Option<String>) =
            sqlx::query_as("SELECT failed_at IS NOT NULL, last_error FROM outbox WHERE dedup_key = $1")
                .bind(key)
                .fetch_one(pool)
                .await
                .unwrap();
        failed && error.is_some_and(|e| e.starts_with("gone"))
    };
    let team = TEAM.to_string();
    outbox::enqueue(pool, &alert("waiting", &team)).await.unwrap();

    // Removed from the group (fixture shape of a my_chat_member update).
    let (u, _) = b.ids();
    b.fake.push(up::membership(u, up::supergroup_chat(TEAM), BOB, "member", "kicked"));
    // What the bot does with a membership update is written to the database: looked at
    // again every RECHECK.
    wait_for("the waiting alert to be given up", WAIT, every(RECHECK), async || gone("waiting").await).await;
    outbox::enqueue(pool, &alert("later", &team)).await.unwrap();
    assert!(gone("later").await, "kept in the outbox as gone");
    assert_eq!(b.deliver().await, 0);
    assert!(b.fake.sent_to(TEAM).is_empty());

    // A user who blocks the bot in their private chat: their alerts stop too.
    let (u, _) = b.ids();
    let ann_chat = json!({ "id": ANN, "first_name": "FN", "last_name": "LN", "username": "UN", "type": "private" });
    b.fake.push(up::membership(u, ann_chat, ANN, "member", "kicked"));
    wait_for("Ann's chat to be marked gone", WAIT, every(RECHECK), async || {
        users::is_gone(pool, Platform::Telegram, &ANN.to_string()).await.unwrap()
    })
    .await;

    // A private alert queued to Ann (her private chat not known yet) is kept as gone too.
    let ann = users::upsert_user(pool, Platform::Telegram, &ANN.to_string(), "Ann").await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    clorebot::alerts::enqueue_private(
        &mut tx,
        &ann,
        "to-ann",
        Reply::text("order ended"),
        clorebot::alerts::Urgency::Urgent,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(gone("to-ann").await);

    // A chat nobody told us about that answers 403 when an alert is sent: given up, and the
    // chat marked gone, so its next alert is not even tried.
    let other = -1005550001i64;
    b.fake.kick(other);
    outbox::enqueue(pool, &alert("first-403", &other.to_string())).await.unwrap();
    assert_eq!(b.deliver().await, 0);
    assert!(gone("first-403").await);
    assert!(users::is_gone(pool, Platform::Telegram, &other.to_string()).await.unwrap());
    let tries = b.fake.calls().iter().filter(|c| c.method == "sendMessage" && c.chat() == other).count();
    outbox::enqueue(pool, &alert("second-403", &other.to_string())).await.unwrap();
    assert!(gone("second-403").await);
    assert_eq!(b.deliver().await, 0);
    assert_eq!(b.fake.calls().iter().filter(|c| c.method == "sendMessage" && c.chat() == other).count(), tries);

    // Cat never wrote to the bot privately and has blocked it: a private alert to him is
    // sent to his user id, answers 403, and marks that chat gone.
    let cat = users::upsert_user(pool, Platform::Telegram, &CAT.to_string(), "Cat").await.unwrap();
    b.fake.not_started(CAT);
    let mut tx = pool.begin().await.unwrap();
    clorebot::alerts::enqueue_private(
        &mut tx,
        &cat,
        "to-cat",
        Reply::text("balance low"),
        clorebot::alerts::Urgency::Urgent,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(b.deliver().await, 0);
    assert!(gone("to-cat").await);
    assert!(users::is_gone(pool, Platform::Telegram, &CAT.to_string()).await.unwrap());

    // Added back: alerts flow again.
    let (u, _) = b.ids();
    b.fake.push(up::membership(u, up::supergroup_chat(TEAM), BOB, "left", "member"));
    wait_for("the team chat to be back", WAIT, every(RECHECK), async || {
        !users::is_gone(pool, Platform::Telegram, &team).await.unwrap()
    })
    .await;
    outbox::enqueue(pool, &alert("back", &team)).await.unwrap();
    assert_eq!(b.deliver().await, 1);
    assert_eq!(texts(&b.fake.sent_to(TEAM)), ["alert back"]);

    // A reply with a chart goes out as a photo, its text the caption.
    let chart = Reply { image: Some(vec![0x89, b'P', b'N', b'G']), ..Reply::titled("RTX 4090 <7d>") };
    let place = clorebot::frontends::telegram::Place { chat: TEAM, thread: Some(4) };
    b.tg.sender.send(place, &chart, None).await.unwrap();
    let photo = b.fake.ok("sendPhoto").pop().unwrap();
    assert_eq!((photo.chat(), photo.thread()), (TEAM, Some(4)));
    assert_eq!(photo.body["caption"], "<b>RTX 4090 &lt;7d&gt;</b>");
    assert!(photo.body["photo"].as_str().unwrap().starts_with("attach://"), "the PNG is attached: {:?}", photo.body);
}

#[tokio::test]
async fn updates_that_are_not_for_it_are_ignored_without_harm() {
    let b = TelegramApp::start().await;
    let before = b.fake.calls().len();
    let (u, m) = b.ids();
    let mut edited = up::private(u, m, ANN, "/gpus");
    edited["edited_message"] = edited["message"].take();
    edited.as_object_mut().unwrap().remove("message");
    let (u2, m2) = b.ids();
    let mut sticker = up::private(u2, m2, ANN, "x");
    sticker["message"].as_object_mut().unwrap().remove("text");
    sticker["message"]["sticker"] = json!({ "file_id": "CAACAgIAAxk", "file_unique_id": "AgADcQ", "type": "regular",
        "width": 512, "height": 512, "is_animated": false, "is_video": false, "emoji": "👍" });
    let (u3, m3) = b.ids();
    let mut from_bot = up::group(u3, m3, TEAM, BOB, "/gpus");
    from_bot["message"]["from"]["is_bot"] = json!(true);
    let (u4, m4) = b.ids();
    let channel_post = json!({ "update_id": u4, "channel_post": {
        "message_id": m4, "sender_chat": { "id": -1001000000001i64, "title": "news", "type": "channel" },
        "chat": { "id": -1001000000001i64, "title": "news", "type": "channel" }, "date": 1700000000, "text": "/gpus" } });
    let (u5, _) = b.ids();
    let unknown = json!({ "update_id": u5, "some_future_update": { "id": 1, "whatever": [1, 2, 3] } });
    let (u6, m6) = b.ids();
    let mut broken = up::private(u6, m6, ANN, "/gpus");
    broken["message"]["chat"]["type"] = json!(42);
    // teloxide's `message_reaction` fixture without its `user`: its parser panics on it, which
    // stopped the whole batch from reading. The update is read by itself and skipped.
    let (u7, _) = b.ids();
    let reaction = json!({ "update_id": u7, "message_reaction": {
        "chat": { "id": -1002184233434i64, "title": "Test", "type": "supergroup" }, "message_id": 35,
        "date": 1721306082, "old_reaction": [], "new_reaction": [{ "type": "emoji", "emoji": "👍" }] } });
    for update in [edited, sticker, from_bot, channel_post, unknown, broken, reaction] {
        b.fake.push(update);
    }
    assert!(b.quiet_since(before).await.is_empty(), "nothing answered");
    // The bot goes on as before.
    b.private(ANN, "/start");
    assert!(b.nth_to(ANN, 1).await.text().contains("clorebot rents GPUs"));
}

/// A NUL byte cannot be stored (Postgres refuses it in text): a command holding one was "Something
/// went wrong"; now it is named. A name with one is the platform's to give: stored, with U+FFFD.
#[tokio::test]
async fn a_nul_byte_is_named_not_an_internal_error() {
    let b = TelegramApp::start().await;
    b.private(ANN, "/watch 4090\u{0} max=4");
    let answer = b.nth_to(ANN, 1).await;
    assert!(answer.text().contains("invisible control character (U+0000)"), "{}", answer.text());
    // A forged button with a NUL byte in its data: the usual note, nothing more.
    b.press(ANN, ANN, 1, "AAAAAAAAAAAAAAA\u{0}");
    let answered = b.fake.nth("answerCallbackQuery", 1).await;
    assert_eq!(answered.body["text"], "This button is no longer valid. Please run the command again.");
    let (u, m) = b.ids();
    let mut named = up::private(u, m, CAT, "/watch 4090 max=4");
    named["message"]["from"]["first_name"] = json!("Cat\u{0}");
    named["message"]["chat"]["first_name"] = json!("Cat\u{0}");
    b.fake.push(named);
    let made = b.nth_to(CAT, 1).await;
    assert!(made.text().contains("Watch #1: 4090"), "{}", made.text());
}

#[tokio::test]
async fn sends_keep_to_telegram_limits_and_a_429_becomes_a_retry() {
    let b = TelegramApp::start_with(Limits::TELEGRAM, clorebot::config::MAX_WAITING).await;
    let pool = &b.t.core.deps.pool;
    // 45 alerts to 45 private chats and 4 to one group: 30/s overall, 1/s per chat.
    for i in 0..45 {
        let chat = (ANN + i).to_string();
        let a = NewAlert {
            urgent: true,
            hold: Default::default(),
            part: None,
            dedup_key: format!("fan:{i}"),
            platform: Platform::Telegram,
            target_chat_id: Some(chat),
            target_thread_id: None,
            target_user: None,
            payload: serde_json::to_value(Reply::text(format!("price drop {i}"))).unwrap(),
        };
        outbox::enqueue(pool, &a).await.unwrap();
    }
    for i in 0..4 {
        let a = NewAlert {
            urgent: true,
            hold: Default::default(),
            part: None,
            dedup_key: format!("team:{i}"),
            platform: Platform::Telegram,
            target_chat_id: Some(TEAM.to_string()),
            target_thread_id: None,
            target_user: None,
            payload: serde_json::to_value(Reply::text(format!("team {i}"))).unwrap(),
        };
        outbox::enqueue(pool, &a).await.unwrap();
    }
    assert_eq!(b.deliver().await, 49);
    assert_eq!(b.fake.too_many(), 0, "no 429: the scheduler keeps to the limits the fake enforces");
    assert_eq!(texts(&b.fake.sent_to(TEAM)), ["team 0", "team 1", "team 2", "team 3"], "in order");

    // Telegram says 429 with a long retry_after: the alert waits that long in the outbox, not
    // lost and not given up.
    b.fake.force_429(45);
    let a = NewAlert {
        urgent: true,
        hold: Default::default(),
        part: None,
        dedup_key: "after-429".into(),
        platform: Platform::Telegram,
        target_chat_id: Some(ANN.to_string()),
        target_thread_id: None,
        target_user: None,
        payload: serde_json::to_value(Reply::text("later")).unwrap(),
    };
    outbox::enqueue(pool, &a).await.unwrap();
    assert_eq!(b.deliver().await, 0);
    let (waits, failed, delivered): (f64, bool, bool) = sqlx::query_as(
        "SELECT EXTRACT(EPOCH FROM next_attempt_at - now())::float8, failed_at IS NOT NULL, delivered_at IS NOT NULL
         FROM outbox WHERE dedup_key = 'after-429'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert!((40.0..=45.5).contains(&waits) && !failed && !delivered, "{waits} {failed} {delivered}");
    assert_eq!(b.fake.too_many(), 1, "the one 429 the fake was told to give");
}

#[tokio::test]
async fn webhook_checks_its_secret_and_takes_a_thousand_updates_at_once() {
    let fake = FakeTelegram::start(Limits::RAISED).await;
    let sim = start_sim(200).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let cfg = tg_config(&fake, Limits::RAISED, Some("https://bot.example.com/telegram/webhook"));
    let t = test_app_on(sim, |c| c.telegram = Some(cfg)).await;
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(t.app.serve(listener, async move {
        let _ = done_rx.await;
    }));
    let set = fake.nth("setWebhook", 1).await;
    assert_eq!(set.body["url"], "https://bot.example.com/telegram/webhook");
    assert_eq!(set.body["secret_token"], "hook-Secret_123");
    assert!(fake.calls().iter().all(|c| c.method != "getUpdates"), "no polling with a webhook");

    let url = format!("http://{addr}/telegram/webhook");
    let http = reqwest::Client::new();
    let post = |body: Value, secret: Option<&'static str>| {
        let mut req = http.post(&url).json(&body);
        if let Some(s) = secret {
            req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
        }
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(post(up::private(1, 1, ANN, "/help"), None).await, 401);
    assert_eq!(post(up::private(2, 2, ANN, "/help"), Some("wrong")).await, 401);
    assert_eq!(post(json!({ "not": "an update" }), Some("hook-Secret_123")).await, 200, "acknowledged, dropped");
    // teloxide's own `message_reaction` fixture (message_reaction_updated.rs) without its
    // `user`: real Telegram always names who reacted, but this body panicked teloxide's
    // parser and the connection closed with no answer. Now it is acknowledged and dropped.
    let reaction = json!({ "update_id": 3, "message_reaction": {
        "chat": { "id": -1002184233434i64, "title": "Test", "type": "supergroup" }, "message_id": 35,
        "date": 1721306082, "old_reaction": [], "new_reaction": [{ "type": "emoji", "emoji": "👍" }] } });
    assert_eq!(post(reaction, Some("hook-Secret_123")).await, 200, "acknowledged, dropped");
    assert!(fake.sent_to(ANN).is_empty());

    let started = Instant::now();
    let statuses = futures_util::future::join_all(
        (0..1000i64).map(|i| post(up::private(100 + i, 10 + i, 7_000_000 + i, "/help"), Some("hook-Secret_123"))),
    )
    .await;
    assert!(statuses.iter().all(|s| *s == 200), "{:?}", statuses.iter().filter(|s| **s != 200).collect::<Vec<_>>());
    // Telegram repeats an update it thinks was lost: answered once.
    assert_eq!(post(up::private(100, 10, 7_000_000, "/help"), Some("hook-Secret_123")).await, 200);
    fake.wait_for(Duration::from_secs(120), |c| {
        c.iter().filter(|c| c.method == "sendMessage" && c.status == 200).count() >= 1000
    })
    .await;
    eprintln!("1,000 webhook updates answered in {:?}", started.elapsed());
    // Stopped, the bot lets every update under way finish: nothing more can be sent.
    done_tx.send(()).unwrap();
    served.await.unwrap().unwrap();
    let sends = fake.calls().into_iter().filter(|c| c.method == "sendMessage").collect::<Vec<_>>();
    assert_eq!(sends.len(), 1000, "one answer each, no error, none twice");
    assert!(sends.iter().all(|c| c.status == 200 && c.text().contains("/gpus")));
}

/// Behind a balancer, Telegram may deliver an update again to another replica (it took the
/// first delivery for lost). The seen-ids ring is per process; the inbox is shared: whichever
/// replica gets it first answers, the other drops it.
#[tokio::test]
async fn an_update_delivered_to_two_webhook_replicas_is_answered_once() {
    let fake = FakeTelegram::start(Limits::RAISED).await;
    let hook = Some("https://bot.example.com/telegram/webhook");
    let t = test_app_on(start_sim(50).await, |_| {}).await;
    let stop = CancellationToken::new();
    let mut urls = Vec::new();
    for _ in 0..2 {
        let tg = Telegram::new(t.core.clone(), tg_config(&fake, Limits::RAISED, hook)).unwrap();
        tokio::spawn(clorebot::app::telegram::run(tg.clone(), t.core.deps.pool.clone(), false, stop.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        urls.push(format!("http://{}/telegram/webhook", listener.local_addr().unwrap()));
        let router = tg.webhook_router().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
    }
    fake.wait_for(WAIT, |c| c.iter().filter(|c| c.method == "setWebhook").count() >= 2).await;
    let http = reqwest::Client::new();
    let post = |url: &String, update: &Value| {
        http.post(url).header("X-Telegram-Bot-Api-Secret-Token", "hook-Secret_123").json(update).send()
    };
    // At once to both, then again to each: one answer.
    let update = up::private(500, 50, ANN, "/watch 4090 max=4");
    let (a, b) = tokio::join!(post(&urls[0], &update), post(&urls[1], &update));
    assert_eq!((a.unwrap().status().as_u16(), b.unwrap().status().as_u16()), (200, 200));
    fake.wait_for(WAIT, |_| !fake.sent_to(ANN).is_empty()).await;
    for url in &urls {
        assert_eq!(post(url, &update).await.unwrap().status().as_u16(), 200);
    }
    // A later update is answered: the repeats have been dealt with before it.
    post(&urls[1], &up::private(501, 51, ANN, "/watches")).await.unwrap();
    fake.wait_for(WAIT, |_| fake.sent_to(ANN).len() >= 2).await;
    stop.cancel();
    let sent = fake.sent_to(ANN);
    assert_eq!(sent.len(), 2, "{:#?}", sent.iter().map(|c| c.text()).collect::<Vec<_>>());
    assert!(sent[0].text().contains("Watch #1: 4090"), "{}", sent[0].text());
    assert!(sent[1].text().contains("#1 · 4090 max=4") && !sent[1].text().contains("#2"), "{}", sent[1].text());
}

#[tokio::test]
async fn of_two_processes_one_polls_and_the_other_takes_over_when_it_goes() {
    let (logs, _captured) = common::logs::Logs::capture();
    let b = TelegramApp::start().await;
    // A second process on the same database, with a Telegram of its own to tell the two apart.
    let second = FakeTelegram::start(Limits::RAISED).await;
    let tg2 = Telegram::new(b.t.core.clone(), tg_config(&second, Limits::RAISED, None)).unwrap();
    let stop2 = CancellationToken::new();
    tokio::spawn(clorebot::app::telegram::run(tg2.clone(), b.t.core.deps.pool.clone(), false, stop2.clone()));
    second.nth("setMyCommands", 1).await;
    // The second tries the polling lock, finds it taken (it says so in the log), and does
    // not poll.
    wait_for("the second process to find the polling lock taken", WAIT, on(&logs.events), async || {
        logs.contains("another process polls Telegram")
    })
    .await;
    assert!(second.calls().iter().all(|c| c.method != "getUpdates"), "only one process polls");

    // The first stops: the second takes over and answers.
    b.stop();
    second.wait_for(WAIT, |c| c.iter().any(|c| c.method == "getUpdates")).await;
    second.push(up::private(1, 1, ANN, "/help"));
    second.wait_for(WAIT, |_| !second.sent_to(ANN).is_empty()).await;
    stop2.cancel();
}

#[tokio::test]
async fn history_goes_out_as_a_photo_captioned_with_its_summary() {
    let b = TelegramApp::start().await;
    let menu = &b.fake.ok("setMyCommands")[0].body["commands"];
    assert!(menu.as_array().unwrap().iter().any(|c| c["command"] == "history" && c["description"].as_str().is_some()));
    record_4090_history(&b.t.core.deps.pool, 40, 4).await;
    b.private(ANN, "/history 4090");
    let photo = b.nth_to(ANN, 1).await;
    assert_eq!(photo.method, "sendPhoto");
    assert!(photo.body["photo"].as_str().unwrap().starts_with("attach://"), "{:?}", photo.body);
    let caption = photo.body["caption"].as_str().unwrap();
    assert!(caption.starts_with("<b>RTX 4090 — last 7d</b>") && caption.contains("Cheapest free now $"), "{caption}");
    assert_eq!(b.fake.sent_to(ANN).len(), 1, "the text rode along as the caption");
}

/// `/market`: a photo captioned with its table, in the menu; Next ▸ sends the next page as a
/// new photo (a photo cannot become another chart through a text edit).
#[tokio::test]
async fn market_goes_out_as_a_photo_with_its_table_and_pages_as_new_photos() {
    let b = TelegramApp::start().await;
    let menu = &b.fake.ok("setMyCommands")[0].body["commands"];
    assert!(menu.as_array().unwrap().iter().any(|c| c["command"] == "market" && c["description"].as_str().is_some()));
    b.private(ANN, "/market");
    let photo = b.nth_to(ANN, 1).await;
    assert_eq!(photo.method, "sendPhoto");
    let caption = photo.text();
    assert!(caption.starts_with("<b>Market — ") && caption.contains(" — page 1/2</b>"), "{caption}");
    assert!(caption.contains("<pre>Model ") && caption.contains("No price history yet"), "{caption}");
    let markup: Value = serde_json::from_str(photo.body["reply_markup"].as_str().unwrap()).unwrap();
    let next = &markup["inline_keyboard"][0][0];
    assert_eq!(next["text"], "Next ▸");
    b.press(ANN, ANN, photo.message_id.unwrap(), next["callback_data"].as_str().unwrap());
    let page = b.nth_to(ANN, 2).await;
    assert_eq!(page.method, "sendPhoto");
    assert!(page.text().contains(" — page 2/2</b>"), "{}", page.text());
    assert_eq!(b.fake.sent_to(ANN).len(), 2, "each page one photo, its text the caption");
}

/// Issue 13: a user whose Telegram app is in Russian (`language_code: "ru"`) is answered in
/// Russian without choosing anything, and their choice of `/settings locale=de` wins over it.
#[tokio::test]
async fn a_russian_app_gets_russian_until_its_user_chooses_german() {
    let b = TelegramApp::start().await;
    const IVAN: i64 = 5550001;
    let russian = |text: &str| {
        let (u, m) = b.ids();
        let mut update = up::private(u, m, IVAN, text);
        update["message"]["from"]["language_code"] = "ru".into();
        b.fake.push(update);
    };
    russian("/gpus 4090");
    let out = b.nth_to(IVAN, 1).await.text();
    assert!(out.contains("по требованию, USD в сутки") && out.contains("$/сутки"), "{out}");
    russian("/help");
    let out = b.nth_to(IVAN, 2).await.text();
    assert!(out.starts_with("Команды:") && out.contains("Поиск по маркетплейсу"), "{out}");
    russian("/settings locale=de");
    let out = b.nth_to(IVAN, 3).await.text();
    assert!(out.contains("Einstellungen gespeichert"), "{out}");
    russian("/gpus 4090");
    let out = b.nth_to(IVAN, 4).await.text();
    assert!(out.contains("On-Demand, USD pro Tag"), "{out}");
    // `auto` goes back to the app's language.
    russian("/settings locale=auto");
    let out = b.nth_to(IVAN, 5).await.text();
    assert!(out.contains("Настройки сохранены") && out.contains("Русский (ru), из вашего приложения"), "{out}");
}
