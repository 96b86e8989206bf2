//! Secrets typed into Discord's forms (modals) and never sent back: a rent template's
//! environment, password and Jupyter token; `/settings password:True`; `/rent … env:True`.
//! Interactions as in tests/discord.rs: shaped as Discord sends them, signed, posted to the
//! real listener, against the fake Discord REST API.

mod common;

use std::time::Duration;

use clorebot::domain::Platform;
use clorebot::store::crypto::SecretKind;
use clorebot::store::{secrets, users};
use common::discord::DiscordApp;
use common::discord::app::{MEMBER, USER};
use common::*;
use serde_json::json;

async fn start() -> DiscordApp {
    DiscordApp::start(Duration::from_secs(2)).await
}

#[tokio::test]
async fn a_templates_secrets_are_typed_into_a_form_and_sealed() {
    let d = start().await;
    let u = users::upsert_user(&d.pool, Platform::Discord, USER, "alice").await.unwrap();
    // /template action:save name:train image:… secrets:True opens a form with the template
    // filled in and boxes for the environment, a password and a Jupyter token.
    let (i, _) = d.command(
        USER,
        "template",
        json!([
            { "name": "action", "type": 3, "value": "save" },
            { "name": "name", "type": 3, "value": "train" },
            { "name": "image", "type": 3, "value": "pytorch/pytorch:2.4" },
            { "name": "secrets", "type": 5, "value": true },
        ]),
        MEMBER,
    );
    let (_, form) = d.post(&i).await;
    assert_eq!((form["type"].as_u64(), form["data"]["custom_id"].as_str()), (Some(9), Some("clorebot:template")));
    assert_eq!(form["data"]["components"][0]["components"][0]["value"], "save train image=pytorch/pytorch:2.4");
    // A password with a space: refused at once, not echoed.
    let (_, no) = d.post(&d.submit(&form, &[("what", "save train"), ("password", "two words")]).0).await;
    assert_eq!((no["type"].as_u64(), no["data"]["flags"].as_u64()), (Some(4), Some(64)));
    assert!(!no.to_string().contains("two"), "{no}");
    let (pw, token) = ("Tpl-pass-991", "hf_template_secret_77");
    let values = [
        ("what", "save train image=pytorch/pytorch:2.4"),
        ("env", &*format!("HF_TOKEN={token}\nMODE=fast")),
        ("password", pw),
    ];
    let (m, submitted) = d.submit(&form, &values);
    assert_eq!(d.post(&m).await, (200, json!({ "type": 5, "data": { "flags": 64 } })));
    let calls = d.calls_for(&submitted, 1).await;
    assert!(calls[0].ephemeral() && calls[0].shown().contains("Template `train` saved"), "{:?}", calls[0]);
    let (names, has_password, sealed): (Vec<String>, bool, bool) = sqlx::query_as(
        "SELECT env_names, has_password, ciphertext IS NOT NULL FROM rent_templates WHERE owner_id = $1",
    )
    .bind(u.id.0)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!((names, has_password, sealed), (vec!["HF_TOKEN".to_owned(), "MODE".to_owned()], true, true));
    for c in d.stop().await.calls() {
        let said = c.body.to_string();
        assert!(!said.contains(token) && !said.contains(pw), "a secret was sent back: {said}");
    }
}

#[tokio::test]
async fn passwords_and_environment_values_are_typed_into_forms_only() {
    let d = start().await;
    let u = d.keyed(USER).await;

    // /settings password:True opens a form, with the other settings given filled in.
    let (i, _) = d.command(
        USER,
        "settings",
        json!([{ "name": "currency", "type": 3, "value": "clore" }, { "name": "password", "type": 5, "value": true }]),
        MEMBER,
    );
    let (_, form) = d.post(&i).await;
    assert_eq!((form["type"].as_u64(), form["data"]["custom_id"].as_str()), (Some(9), Some("clorebot:password")));
    assert_eq!(form["data"]["components"][1]["components"][0]["value"], "currency=clore");
    // A password with a space: refused at once, not echoed, nothing saved.
    let (_, no) = d.post(&d.submit(&form, &[("password", "two words"), ("rest", "currency=clore")]).0).await;
    assert_eq!((no["type"].as_u64(), no["data"]["flags"].as_u64()), (Some(4), Some(64)));
    assert!(!no.to_string().contains("two"), "{no}");
    let pw = "Gpu-r3nt-pass";
    let (m, token) = d.submit(&form, &[("password", pw), ("rest", "currency=clore")]);
    assert_eq!(d.post(&m).await, (200, json!({ "type": 5, "data": { "flags": 64 } })));
    let calls = d.calls_for(&token, 1).await;
    assert!(calls[0].ephemeral() && calls[0].shown().contains("Settings saved"), "{:?}", calls[0]);
    assert!(secrets::status(&d.pool, u.id, SecretKind::SshPassword).await.unwrap().is_some());

    // /rent target:4090 env:True: a form with what to rent filled in and a box for the values.
    let (i, _) = d.command(
        USER,
        "rent",
        json!([{ "name": "target", "type": 3, "value": "4090" }, { "name": "env", "type": 5, "value": true }]),
        MEMBER,
    );
    let (_, form) = d.post(&i).await;
    assert_eq!(form["data"]["custom_id"], "clorebot:rent-env");
    assert_eq!(form["data"]["components"][0]["components"][0]["value"], "4090");
    let (m, token) = d.submit(&form, &[("what", "4090"), ("env", "HF_TOKEN=hf_very_secret_value\nMODEL=llama 3")]);
    assert_eq!(d.post(&m).await, (200, json!({ "type": 5, "data": { "flags": 64 } })));
    let confirm = d.calls_for(&token, 1).await[0].clone();
    assert!(confirm.ephemeral() && confirm.shown().contains("HF\\_TOKEN"), "{}", confirm.shown());
    let (p, ptoken) = d.press(&confirm.button("Confirm"));
    d.post(&p).await;
    d.calls_for(&ptoken, 1).await;
    assert_eq!(state(&d.sim).await["orders"].as_array().unwrap().len(), 1);
    for c in d.stop().await.calls() {
        let said = c.body.to_string();
        assert!(!said.contains("hf_very_secret_value") && !said.contains(pw), "a secret was sent back: {said}");
    }
}
