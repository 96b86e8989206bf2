//! The core's contract asserted on its values — `Response` and `PressResponse` — rather than
//! on any front-end's rendering: what replaces the pressed message, what is a toast, what is
//! private, how long replies split, and that a generated password reaches no log line.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use clorebot::core::{Block, Caller, PressResponse, Reply, Response, Visibility};
use clorebot::frontends::console::caller;
use common::*;
use serde_json::json;

/// The tokens of a reply's buttons, by label.
fn token(r: &Reply, label: &str) -> String {
    r.buttons().find(|b| b.label == label).unwrap_or_else(|| panic!("no {label} button in {r:#?}")).token.clone()
}

fn only(resp: Response) -> Reply {
    assert_eq!(resp.replies.len(), 1, "{resp:#?}");
    resp.replies.into_iter().next().unwrap()
}

async fn say(app: &TestApp, who: &Caller, text: &str) -> Response {
    app.core.handle_text(who, text).await
}

#[tokio::test]
async fn next_replaces_the_listing_it_sat_on() {
    let app = test_app().await;
    let ann = caller(&app.core, "ann", None);
    let first = only(say(&app, &ann, "/gpus").await);
    let next = token(&first, "Next ▸");
    let p = app.core.press(&ann, &next).await;
    assert_eq!(p.toast, None);
    assert!(p.replies.is_empty(), "nothing new is posted: {p:#?}");
    let page2 = p.replace_source.expect("the listing is replaced by its next page");
    assert!(page2.plain_text().contains("page 2"), "{}", page2.plain_text());
    assert_ne!(page2.plain_text(), first.plain_text());
    assert!(page2.buttons().any(|b| b.label == "◂ Prev"), "{page2:#?}");

    // Details are a new message under the listing, which stays as it was.
    let details = first.buttons().find(|b| b.label.starts_with("Details #")).unwrap().token.clone();
    let p = app.core.press(&ann, &details).await;
    assert_eq!((p.toast.as_deref(), p.replace_source.as_ref()), (None, None));
    assert_eq!(p.replies.len(), 1);
}

#[tokio::test]
async fn a_strangers_press_is_a_toast_and_changes_nothing() {
    let app = test_app().await;
    app.store_key("ann").await;
    let ann = caller(&app.core, "ann", Some("ml-team"));
    let bob = caller(&app.core, "bob", Some("ml-team"));
    let (id, _) = free_of(&app.sim, "RTX 4090").await[0];
    let prompt = only(say(&app, &ann, &format!("/rent #{id}")).await);
    let confirm = token(&prompt, "Confirm");

    let p = app.core.press(&bob, &confirm).await;
    assert_eq!(
        p,
        PressResponse {
            toast: Some(
                "This button belongs to someone else's request — run the command yourself to get your own.".into()
            ),
            replace_source: None,
            replies: vec![],
        }
    );
    assert!(app.sim_orders().await.is_empty());

    // Ann's own press still works, once: the confirmation turns into the outcome, in public
    // (the group sees the order) — the password goes to Ann alone.
    let p = app.core.press(&ann, &confirm).await;
    let done = p.replace_source.clone().expect("the confirmation is replaced");
    assert_eq!(done.visibility, Visibility::Public);
    assert!(done.plain_text().contains(&format!("is running on #{id}")), "{}", done.plain_text());
    assert!(!done.has_secret());
    assert_eq!(p.replies.len(), 1, "{p:#?}");
    assert!(p.replies[0].has_secret() && p.replies[0].visibility == Visibility::Private);
    let again = app.core.press(&ann, &confirm).await;
    assert_eq!(again, PressResponse::toast("This was already done."));
    assert_eq!(app.sim_orders().await.len(), 1);
}

#[tokio::test]
async fn abort_and_an_expired_confirm_replace_the_confirmation() {
    let ttl = std::time::Duration::from_secs(60);
    let app = test_app_on(start_sim(200).await, |c| c.core.confirm_ttl = ttl).await;
    app.store_key("ann").await;
    let ann = caller(&app.core, "ann", None);
    let (id, _) = free_of(&app.sim, "RTX 3090").await[0];
    let prompt = only(say(&app, &ann, &format!("/rent #{id}")).await);
    let p = app.core.press(&ann, &token(&prompt, "Abort")).await;
    assert_eq!(p.replace_source.map(|r| r.plain_text()), Some(format!("Aborted: renting #{id}. Nothing was done.")));

    let prompt = only(say(&app, &ann, &format!("/rent #{id}")).await);
    // The confirmation's time runs out (buttons expire in the database's clock).
    buttons_age(&app.core.deps.pool, ttl + std::time::Duration::from_secs(1)).await;
    let p = app.core.press(&ann, &token(&prompt, "Confirm")).await;
    assert_eq!(
        p.replace_source.map(|r| r.plain_text()).as_deref(),
        Some("This confirmation has expired; nothing was done. Please run the command again.")
    );
    assert!(app.sim_orders().await.is_empty());
}

#[tokio::test]
async fn a_key_in_a_group_is_refused_privately_and_its_message_deleted() {
    let app = test_app().await;
    let ann = caller(&app.core, "ann", Some("ml-team"));
    let r = say(&app, &ann, &format!("/key set {KEY}")).await;
    assert!(r.delete_trigger);
    let reply = only(r);
    assert_eq!(reply.visibility, Visibility::Private);
    assert!(reply.plain_text().starts_with("Never post your Clore API key in a group"), "{}", reply.plain_text());
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM user_secrets").fetch_one(&app.core.deps.pool).await.unwrap();
    assert_eq!(stored, 0);
    // An ordinary command deletes nothing.
    assert!(!say(&app, &ann, "/gpus 4090").await.delete_trigger);
}

#[tokio::test]
async fn a_long_orders_all_splits_under_discords_limit_at_line_boundaries() {
    let sim = start_sim(200).await;
    // Clore's per-key spacing is not what this test is about.
    control(&sim, "/config", json!({ "call_spacing_ms": 0, "create_spacing_ms": 0 })).await;
    fn unspaced(c: &mut clorebot::clore::ClientConfig) {
        c.request_period = std::time::Duration::ZERO;
        c.create_period = std::time::Duration::ZERO;
    }
    let app = test_app_on(sim, |c| unspaced(&mut c.clore)).await;
    app.store_key("ann").await;
    let direct = client_with(&app.sim, unspaced);
    let mut free: Vec<u64> = Vec::new();
    for model in ["RTX 3060", "RTX 3090", "RTX 4090", "RTX 3080", "RTX 3070"] {
        free.extend(free_of(&app.sim, model).await.into_iter().map(|(id, _)| id));
    }
    assert!(free.len() >= 20, "{} free servers", free.len());
    // Clore allows ten running orders per account: ten that ended, then ten running.
    for (batch, ids) in free[..20].chunks(10).enumerate() {
        let mut made = Vec::new();
        for id in ids {
            let usd = clorebot::clore::Currency::Usd;
            let mut order = clorebot::clore::CreateOrder::on_demand(
                clorebot::clore::ServerId(*id),
                "cloreai/ubuntu22.04-cuda12",
                usd,
            );
            order.ssh_key = Some(SSH_KEY.into());
            made.push(direct.create_order(&key(), &order).await.unwrap().order.expect("listed").id);
        }
        if batch == 0 {
            for id in made {
                direct.cancel_order(&key(), id, None).await.unwrap();
            }
        }
    }
    let ann = caller(&app.core, "ann", None);
    let whole = only(say(&app, &ann, "/orders all").await);
    let text = whole.plain_text();
    assert!(text.chars().count() > 2000, "the listing is long: {}", text.chars().count());

    let parts = whole.split(2000);
    assert!(parts.len() >= 2);
    for p in &parts {
        assert!(p.plain_text().chars().count() <= 2000);
        assert_eq!(p.visibility, whole.visibility);
    }
    // Every line of the whole survives whole in exactly one part, in order.
    let lines: Vec<String> =
        parts.iter().flat_map(|p| p.plain_text().lines().map(str::to_owned).collect::<Vec<_>>()).collect();
    assert_eq!(lines, text.lines().map(str::to_owned).collect::<Vec<_>>());
    assert!(matches!(parts[0].blocks[0], Block::Title(_)), "the title leads the first part");
}

/// A `MakeWriter` for tracing that keeps everything written.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test]
async fn a_generated_password_reaches_no_log_line_and_no_outbox_row() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    // This test's runtime is single-threaded: everything it runs logs through `subscriber`.
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = test_app().await;
    app.store_key("ann").await;
    let ann = caller(&app.core, "ann", None);
    let (id, _) = free_of(&app.sim, "RTX 3060").await[0];
    let prompt = only(say(&app, &ann, &format!("/rent #{id}")).await);
    let p = app.core.press(&ann, &token(&prompt, "Confirm")).await;
    let secret = p
        .replies
        .iter()
        .flat_map(|r| &r.blocks)
        .find_map(|b| match b {
            Block::Secret(s) => Some(secrecy::ExposeSecret::expose_secret(&s.value).to_owned()),
            _ => None,
        })
        .expect("a password was generated");
    assert!(secret.len() >= 12);
    app.poll_cycle().await;
    app.deliver().await;

    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("create_order"),
        "the capture saw the rent: {}",
        logged.chars().take(2000).collect::<String>()
    );
    assert!(!logged.contains(&secret), "the password was logged");
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT payload::text FROM outbox").fetch_all(&app.core.deps.pool).await.unwrap();
    assert!(rows.iter().all(|r| !r.contains(&secret)));
    let intents: Vec<String> = sqlx::query_scalar("SELECT to_jsonb(i)::text FROM rent_intents i")
        .fetch_all(&app.core.deps.pool)
        .await
        .unwrap();
    assert!(!intents.is_empty() && intents.iter().all(|r| !r.contains(&secret)));
}

#[tokio::test]
async fn a_button_from_an_older_version_is_a_polite_toast() {
    let app = test_app().await;
    let ann = caller(&app.core, "ann", None);
    say(&app, &ann, "/help").await;
    let me = clorebot::store::users::find_user(&app.core.deps.pool, clorebot::domain::Platform::Console, "ann")
        .await
        .unwrap()
        .unwrap();
    let old = json!({ "kind": "gpus_page", "query": { "a shape": "this version does not read" }, "page": 1 });
    clorebot::store::actions::create(
        &app.core.deps.pool,
        "tok-old-shape-01",
        Some(me.id),
        &old,
        std::time::Duration::from_secs(60),
    )
    .await
    .unwrap();
    let p = app.core.press(&ann, "tok-old-shape-01").await;
    assert_eq!(
        p,
        PressResponse::toast("This button is from an earlier version of the bot. Please run the command again.")
    );
}

#[tokio::test]
async fn a_button_whose_query_no_longer_parses_is_a_polite_toast_and_does_nothing() {
    use clorebot::services::Action;
    use clorebot::services::watches::WatchPlan;
    use clorebot::store::watches::AutorentRules;

    let app = test_app().await;
    let ann = caller(&app.core, "ann", None);
    say(&app, &ann, "/help").await;
    let pool = &app.core.deps.pool;
    let me =
        clorebot::store::users::find_user(pool, clorebot::domain::Platform::Console, "ann").await.unwrap().unwrap();
    // Payloads of today's shape whose query text today's parser no longer reads, as a text
    // stored by an older version whose language had a term this one dropped would be.
    let page = Action::GpusPage { query_text: "4090 frobnicate=1".into(), page: 1 };
    let confirm = Action::ConfirmWatch(WatchPlan {
        query_text: "3060 max=0.2 frobnicate=1".into(),
        currency: clorebot::clore::Currency::Usd,
        once: false,
        team: false,
        cooldown_secs: 0,
        digest: None,
        autorent: Some(AutorentRules { max_orders: 1, daily_cap: 0.2, keep: false, template: None, guard: None }),
        condition: None,
    });
    for (token, action) in [("tok-old-query-page", &page), ("tok-old-query-conf", &confirm)] {
        let payload = serde_json::to_value(action).unwrap();
        clorebot::store::actions::create(pool, token, Some(me.id), &payload, std::time::Duration::from_secs(60))
            .await
            .unwrap();
        let p = app.core.press(&ann, token).await;
        assert_eq!(
            p,
            PressResponse::toast("This button is from an earlier version of the bot. Please run the command again."),
            "{token}"
        );
    }
    // Nothing was done: no watch, and the Confirm was not even used up.
    assert_eq!(clorebot::store::watches::count_owned(pool, me.id).await.unwrap(), 0);
    let used: Vec<Option<chrono::DateTime<chrono::Utc>>> =
        sqlx::query_scalar("SELECT used_at FROM pending_actions WHERE token LIKE 'tok-old-query-%'")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(used, vec![None, None]);
}

/// The watch caps hold when creations race: a count and an insert that were two steps let 100
/// concurrent `/watch` from one Telegram user store 70. Here 100 at once from one user store
/// exactly 50, and three admins racing for one group's team watches store exactly 50 there.
#[tokio::test]
async fn concurrent_watches_store_exactly_the_cap() {
    let app =
        test_app_on(start_sim(50).await, |c| c.core.console_admins = vec!["ann".into(), "bob".into(), "cy".into()])
            .await;
    let pool = &app.core.deps.pool;
    let count = |sql: &'static str| async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap() };

    let ann = caller(&app.core, "ann", None);
    let lines: Vec<String> = (1..=100).map(|i| format!("/watch 4090 max={i}")).collect();
    let said = futures_util::future::join_all(lines.iter().map(|l| say(&app, &ann, l))).await;
    let made = said.iter().filter(|r| only_text(r).starts_with("Watch #")).count();
    let refused = said.iter().filter(|r| only_text(r).starts_with("You have 50 watches")).count();
    assert_eq!((made, refused), (50, 50), "{:#?}", said.iter().map(only_text).collect::<Vec<_>>());
    assert_eq!(count("SELECT count(*) FROM watches").await, 50);

    let team: Vec<Caller> = ["ann", "bob", "cy"].iter().map(|u| caller(&app.core, u, Some("ml-team"))).collect();
    sqlx::query("DELETE FROM watches").execute(pool).await.unwrap();
    let lines: Vec<String> = (1..=90).map(|i| format!("/watch a100 max={i} here")).collect();
    let said = futures_util::future::join_all(lines.iter().enumerate().map(|(i, l)| say(&app, &team[i % 3], l))).await;
    let made = said.iter().filter(|r| only_text(r).starts_with("Watch #")).count();
    let refused = said.iter().filter(|r| only_text(r).starts_with("This chat has 50 team watches")).count();
    assert_eq!((made, refused), (50, 40), "{:#?}", said.iter().map(only_text).collect::<Vec<_>>());
    assert_eq!(count("SELECT count(*) FROM watches WHERE is_team").await, 50);
}

fn only_text(r: &Response) -> String {
    r.replies.first().map(|r| r.plain_text()).unwrap_or_default()
}

/// Issue 25: an image outside Docker's reference grammar is refused before any confirmation,
/// naming the part that is wrong; a real one (`nvidia/cuda:…`) still reaches the Confirm.
#[tokio::test]
async fn a_malformed_image_is_refused_before_any_confirmation() {
    let app = test_app().await;
    app.store_key("ann").await;
    let ann = caller(&app.core, "ann", None);
    for (line, part) in [
        ("/rent 4090 image=-rm", "-rm"),
        ("/rent 4090 image=../../../etc/passwd", ".."),
        ("/rent 4090 image=UPPER/Case", "Case"),
    ] {
        let r = only(say(&app, &ann, line).await);
        assert_eq!(r.buttons().count(), 0, "{line}: no confirmation: {r:#?}");
        let text = r.plain_text();
        assert!(text.contains(&format!("image: has `{part}`, which is not a valid name part")), "{line} → {text}");
    }
    // A default image saved before images were checked is refused before a confirmation too.
    sqlx::query("UPDATE users SET default_image = '-rm'").execute(&app.core.deps.pool).await.unwrap();
    let r = only(say(&app, &ann, "/rent 4090").await);
    assert_eq!(r.buttons().count(), 0, "no confirmation: {r:#?}");
    assert!(r.plain_text().contains("image: has `-rm`"), "{}", r.plain_text());
    let r = only(say(&app, &ann, "/rent 4090 image=nvidia/cuda:12.2.0-runtime-ubuntu22.04").await);
    assert!(r.buttons().any(|b| b.label == "Confirm"), "{r:#?}");
    assert!(r.plain_text().contains("nvidia/cuda:12.2.0-runtime-ubuntu22.04"), "{}", r.plain_text());
    assert!(app.sim_orders().await.is_empty());
}

/// Issue 25: a key saved before keys were checked down to the key (an ed25519 line whose
/// body is its type name and an empty key) stops a rent before its confirmation, saying so.
#[tokio::test]
async fn a_saved_key_without_a_key_in_it_is_refused_before_any_confirmation() {
    let app = test_app().await;
    app.store_key("ann").await;
    let ann = caller(&app.core, "ann", None);
    sqlx::query("UPDATE users SET ssh_key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAAA== me@host'")
        .execute(&app.core.deps.pool)
        .await
        .unwrap();
    for line in ["/rent 4090", "/watch 4090 max=9 autorent"] {
        let r = only(say(&app, &ann, line).await);
        assert_eq!(r.buttons().count(), 0, "{line}: no confirmation: {r:#?}");
        let text = r.plain_text();
        assert!(
            text.contains("your saved SSH key has an ssh-ed25519 key body that does not hold exactly one 32-byte key"),
            "{line} → {text}"
        );
    }
    assert!(app.sim_orders().await.is_empty());
}
