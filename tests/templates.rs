//! Rent templates end to end in the console: the real core against the simulator and a real
//! Postgres — saving, showing (secrets masked), renting with `t=`, auto-rent with `t=`, the
//! limits, and that a template's secrets reach the order and nowhere else.

mod common;

use common::logs::Logs;
use common::*;

const HF: &str = "hf_topsecret42value";
const PW: &str = "Pw-secret-77x";
const JUPYTER: &str = "jupytok99zz";

/// The value of field `name` in a reply (`  Name:   value`).
fn field(out: &str, name: &str) -> String {
    let prefix = format!("{name}:");
    out.lines().find_map(|l| l.trim().strip_prefix(&prefix)).map(|v| v.trim().to_owned()).unwrap_or_default()
}

async fn rows_text(bot: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT t::text FROM rent_templates t").fetch_all(&bot.core.deps.pool).await.unwrap()
}

#[tokio::test]
async fn templates_round_trip_with_secrets_masked_sealed_and_never_said_or_logged() {
    let (logs, _guard) = Logs::capture();
    let bot = test_app().await;
    let mut s = bot.session("ann", None);
    let mut said = Vec::new();
    let out = s.line("/templates").await;
    assert!(out.starts_with("You have no templates yet."), "{out}");

    let out = s
        .line(&format!(
            "/template save Train image=pytorch/pytorch:2.4 ports=22:tcp,8888:http env HF_TOKEN={HF} env MODE=fast \
             password={PW} command=\"python train.py\" jupyter={JUPYTER}"
        ))
        .await;
    assert!(out.contains("(your message was deleted)") && out.contains("Template `train` saved."), "{out}");
    assert!(out.contains("/rent <query> t=train") && out.contains("stored encrypted"), "{out}");
    said.push(out);

    let out = s.line("/templates").await;
    assert!(out.contains("Your templates (1 of 20)"), "{out}");
    assert!(out.contains("train — pytorch/pytorch:2.4, 22:tcp,8888:http, 2 env values"), "{out}");
    said.push(out);

    let out = s.line("/template show train").await;
    assert!(out.starts_with("Template train"), "{out}");
    assert_eq!(field(&out, "Environment"), "HF_TOKEN=••••, MODE=••••", "{out}");
    assert_eq!(field(&out, "SSH login"), "its password ••••", "{out}");
    assert_eq!(field(&out, "Jupyter token"), "••••", "{out}");
    assert_eq!(field(&out, "Ports"), "22/tcp, 8888/http", "{out}");
    assert_eq!(field(&out, "Start command"), "python train.py", "{out}");
    said.push(out);

    // Sealed at rest: the row holds none of the values, only the variables' names.
    let rows = rows_text(&bot).await;
    assert_eq!(rows.len(), 1);
    for secret in [HF, PW, JUPYTER, "fast"] {
        assert!(!rows[0].contains(secret), "{secret} in {}", rows[0]);
    }
    assert!(rows[0].contains("HF_TOKEN") && rows[0].contains("MODE"), "{}", rows[0]);

    // Secrets are taken only in a private chat; the message is deleted and nothing saved.
    let mut g = bot.session("ann", Some("ml-team"));
    let out = g.line(&format!("/template save other env HF_TOKEN={HF}")).await;
    assert!(out.starts_with("(your message was deleted)") && out.contains("only in a private chat"), "{out}");
    said.push(out);
    // A save holding a secret that does not parse is deleted too, and not echoed.
    let out = g.line(&format!("/template save other password={PW} colour=red")).await;
    assert!(out.starts_with("(your message was deleted)"), "{out}");
    said.push(out);
    assert_eq!(rows_text(&bot).await.len(), 1);

    // Saving a name again replaces it (the secrets go with what was given).
    let out = s.line("/template save train image=ubuntu:22.04").await;
    assert!(out.contains("Template `train` replaced"), "{out}");
    let out = s.line("/template show train").await;
    assert!(out.contains("ubuntu:22.04") && !out.contains("HF_TOKEN") && !out.contains("Jupyter"), "{out}");
    said.push(out);

    let out = s.line("/template delete train").await;
    assert_eq!(out, "Template `train` deleted.");
    assert!(s.line("/templates").await.starts_with("You have no templates yet."));
    let out = s.line("/template show train").await;
    assert!(out.contains("You have no template `train`"), "{out}");

    for text in said.iter().chain(logs.lines().iter()) {
        for secret in [HF, PW, JUPYTER] {
            assert!(!text.contains(secret), "{secret} was said or logged: {text}");
        }
    }
}

#[tokio::test]
async fn rent_with_a_template_makes_the_order_it_describes_and_options_given_win() {
    let (logs, _guard) = Logs::capture();
    let bot = test_app().await;
    let mut s = bot.keyed("ann").await;
    s.line(&format!(
        "/template save gpu image=pytorch/pytorch:2.4 ports=22:tcp,8888:http env HF_TOKEN={HF} password={PW}"
    ))
    .await;
    let out = s.line("/rent 4090 t=gpu").await;
    assert_eq!(field(&out, "Template"), "gpu", "{out}");
    assert_eq!(field(&out, "Image"), "pytorch/pytorch:2.4", "{out}");
    assert_eq!(field(&out, "Ports"), "22/tcp, 8888/http", "{out}");
    assert_eq!(field(&out, "SSH login"), "the template's password", "{out}");
    assert_eq!(field(&out, "Environment"), "HF_TOKEN", "{out}");
    assert!(!out.contains(HF), "{out}");
    let out = s.line("/press 1").await;
    assert!(out.contains("is running on #"), "{out}");
    assert!(!out.contains("SSH password for order") && !out.contains(PW), "the template's password: {out}");
    let orders = bot.sim_orders().await;
    assert_eq!(orders.len(), 1);
    let o = &orders[0];
    assert_eq!(o["image"], "pytorch/pytorch:2.4");
    assert_eq!(o["made_with"]["ports"], serde_json::json!({ "22": "tcp", "8888": "http" }));
    assert_eq!(o["made_with"]["env"], serde_json::json!({ "HF_TOKEN": HF }));
    assert_eq!(o["made_with"]["ssh_password"], PW);
    assert!(o["made_with"].get("ssh_key").is_none(), "{o}");

    // What the command gives wins: the image, and an env value of the same name.
    s.line("/rent 3090 t=gpu image=ubuntu:22.04 env HF_TOKEN=mine").await;
    let out = s.line("/press 1").await;
    assert!(out.contains("is running on #"), "{out}");
    let orders = bot.sim_orders().await;
    let o = orders.iter().find(|o| o["image"] == "ubuntu:22.04").expect("the second order");
    assert_eq!(o["made_with"]["env"], serde_json::json!({ "HF_TOKEN": "mine" }));
    assert_eq!(o["made_with"]["ports"], serde_json::json!({ "22": "tcp", "8888": "http" }));

    // A template with an SSH key logs in with it.
    s.line(&format!("/template save keyed sshkey=\"{SSH_KEY}\" command=\"sleep infinity\"")).await;
    let out = s.line("/rent 3060 t=keyed").await;
    assert!(out.contains("the template's SSH key"), "{out}");
    s.line("/press 1").await;
    let orders = bot.sim_orders().await;
    let o = orders.iter().find(|o| o["made_with"]["ssh_key"] == SSH_KEY).expect("the keyed order");
    assert!(o["made_with"].get("ssh_password").is_none() && o["made_with"]["command"] == "sleep infinity", "{o}");

    let out = s.line("/rent 4090 t=nope").await;
    assert!(out.contains("You have no template `nope`"), "{out}");
    assert!(logs.lines().iter().all(|l| !l.contains(HF) && !l.contains(PW)), "a secret was logged");
}

#[tokio::test]
async fn an_auto_rent_watch_rents_with_its_template_which_cannot_be_deleted_while_in_use() {
    let w = test_app().await;
    let mut s = w.keyed("cat").await;
    // No login saved: the template's SSH key is the login.
    let out =
        s.line(&format!("/template save auto image=pytorch/pytorch:2.4 env TOKEN=abc123 sshkey=\"{SSH_KEY}\"")).await;
    assert!(out.contains("Template `auto` saved."), "{out}");
    let free = free_of(&w.sim, "RTX 3060").await;
    let max = ((free[0].1 * 0.8) * 1000.0).floor() / 1000.0;
    let out = s.line(&format!("/watch 3060 max={max} autorent t=auto")).await;
    assert!(out.starts_with("Create an auto-rent watch?") && field(&out, "Template") == "auto", "{out}");
    s.line("/press 1").await;
    let watch: i64 = sqlx::query_scalar("SELECT id FROM watches").fetch_one(&w.core.deps.pool).await.unwrap();

    let out = s.line("/template delete auto").await;
    assert!(out.contains(&format!("is used by auto-rent watch #{watch}; nothing was deleted")), "{out}");
    assert_eq!(rows_text(&w).await.len(), 1);

    let b = free[free.len() - 2].0;
    w.set_price(b, max * 0.9).await;
    let sent = w.market_tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].1.contains(&format!("rented #{b} ")) && sent[0].1.contains("Made with template auto"), "{sent:?}");
    let orders = w.sim_orders().await;
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["image"], "pytorch/pytorch:2.4");
    assert_eq!(orders[0]["made_with"]["env"], serde_json::json!({ "TOKEN": "abc123" }));
    assert_eq!(orders[0]["made_with"]["ssh_key"], SSH_KEY);

    // Once the watch is gone, so may the template be.
    s.line(&format!("/unwatch {watch}")).await;
    assert_eq!(s.line("/template delete auto").await, "Template `auto` deleted.");
}

#[tokio::test]
async fn twenty_templates_a_user_names_by_the_rule_and_team_templates_by_admins() {
    let bot = test_app().await;
    let mut s = bot.session("ann", None);
    for i in 0..20 {
        let out = s.line(&format!("/template save t{i} image=ubuntu:22.04")).await;
        assert!(out.contains("saved"), "{out}");
    }
    let out = s.line("/template save t20").await;
    assert!(out.contains("You have 20 templates, the most one may keep (20)"), "{out}");
    assert!(s.line("/template save t5 image=debian").await.contains("replaced"), "a replacement is no new one");
    let out = s.line("/template save Bad.Name").await;
    assert!(out.contains("A template name is 1 to 32 of a-z, 0-9, - and _, not `Bad.Name`"), "{out}");

    // A team template: admins only, no secrets, listed in the group and usable there.
    // Bob opens the group (the console's creator, so its admin); Ann is a member.
    let mut b = bot.session("bob", Some("lab"));
    assert!(b.line("/templates").await.starts_with("You have no templates yet."));
    let mut g = bot.session("ann", Some("lab"));
    let out = g.line("/template save shared image=ubuntu:22.04 here").await;
    assert!(out.contains("Only admins"), "{out}");
    let out = b.line("/template save shared image=ubuntu:22.04 ports=22,8888:http here").await;
    assert!(out.contains("Team template `shared` saved"), "{out}");
    assert!(b.line("/template save vault env A=1 here").await.contains("holds no secrets"));
    let out = g.line("/templates").await;
    assert!(out.contains("This group's team templates:") && out.contains("shared — ubuntu:22.04"), "{out}");
    assert!(g.line("/template show shared").await.starts_with("Team template shared"));
    assert!(s.line("/template show shared").await.contains("no template `shared`"), "not outside the group");
    assert!(g.line("/template delete shared").await.contains("Only admins"));
    assert_eq!(b.line("/template delete shared").await, "Template `shared` deleted.");
}

#[tokio::test]
async fn a_templates_secrets_are_bound_to_its_owner_and_name_and_move_with_a_key_rotation() {
    use clorebot::domain::Platform;
    use clorebot::store::templates::{self, NewTemplate, Saved, Secrets};
    let pool = db().await;
    let a = clorebot::store::users::upsert_user(&pool, Platform::Console, "ann", "ann").await.unwrap().id;
    let one = ring(&[(1, 11)]);
    let secrets = Secrets {
        env: [("HF_TOKEN".to_owned(), HF.to_owned())].into(),
        password: Some(PW.to_owned()),
        jupyter: Some(JUPYTER.to_owned()),
    };
    let new = |name: &str| NewTemplate {
        owner: a,
        chat: None,
        name: name.into(),
        image: None,
        ports: None,
        ssh_key: None,
        command: None,
    };
    let mut conn = pool.acquire().await.unwrap();
    let Saved::Created(id) = templates::save_capped(&mut conn, &one, &new("t"), &secrets, 20).await.unwrap() else {
        panic!("not created")
    };
    let Saved::Created(other) =
        templates::save_capped(&mut conn, &one, &new("u"), &Secrets::default(), 20).await.unwrap()
    else {
        panic!("not created")
    };
    let t = templates::get(&pool, id).await.unwrap().unwrap();
    assert_eq!(templates::open(&one, &t).unwrap(), secrets);
    // Debug names the variables, never a value.
    let shown = format!("{secrets:?} {t:?}");
    assert!(!shown.contains(HF) && !shown.contains(PW) && !shown.contains(JUPYTER), "{shown}");
    // Copied to another template (another name), the ciphertext does not open.
    sqlx::query(
        "UPDATE rent_templates SET (key_version, nonce, ciphertext) =
           (SELECT key_version, nonce, ciphertext FROM rent_templates WHERE id = $1) WHERE id = $2",
    )
    .bind(id.0)
    .bind(other.0)
    .execute(&pool)
    .await
    .unwrap();
    let u = templates::get(&pool, other).await.unwrap().unwrap();
    assert!(templates::open(&one, &u).is_err());
    // `keys rotate` moves what opens to the newest key and counts what does not.
    let (moved, failed) = templates::rotate(&pool, &ring(&[(2, 22), (1, 11)])).await.unwrap();
    assert_eq!((moved, failed), (1, 1));
    let t = templates::get(&pool, id).await.unwrap().unwrap();
    assert_eq!(templates::open(&ring(&[(2, 22)]), &t).unwrap(), secrets);
}
