//! The `clorebot` binary itself: what its subcommands print and how they fail.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn clorebot() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_clorebot"));
    c.env_remove("DATABASE_URL").env_remove("CLOREBOT_MASTER_KEY").env_remove("CLOREBOT_MASTER_KEYS");
    c
}

#[test]
fn sim_prints_its_address_and_serves_the_api() {
    let mut child = clorebot()
        .args(["sim", "--listen", "127.0.0.1:0", "--servers", "5", "--seed", "3"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url =
        line.trim().strip_prefix("clore sim listening on ").unwrap_or_else(|| panic!("printed {line:?}")).to_owned();
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/v1"), "{url}");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let body: serde_json::Value =
        rt.block_on(async { reqwest::get(format!("{url}/marketplace")).await.unwrap().json().await.unwrap() });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(body["code"], 0);
    // Five generated servers plus the demo account's own online one.
    assert_eq!(body["servers"].as_array().unwrap().len(), 6);
}

#[test]
fn keys_generate_prints_a_usable_master_key() {
    let out = clorebot().args(["keys", "generate"]).output().unwrap();
    assert!(out.status.success());
    let key = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let ring = clorebot::store::crypto::Keyring::from_values(None, Some(&key));
    assert!(ring.is_ok(), "{key} does not load as a master key");
}

#[test]
fn commands_needing_configuration_name_the_missing_variable() {
    let out = clorebot().arg("migrate").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("DATABASE_URL: not set; `clorebot migrate` needs"));

    let out = clorebot().args(["keys", "rotate"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("CLOREBOT_MASTER_KEY: not set (nor CLOREBOT_MASTER_KEYS)"));

    let out = clorebot().args(["sim", "--key", " "]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--key must not be empty"));
}

#[test]
fn chat_survives_bytes_that_are_not_utf8() {
    use std::io::Write;
    let mut child = clorebot()
        .args(["chat", "--user", "ann", "--no-alerts"])
        .env("CLOREBOT_MASTER_KEY", clorebot::store::crypto::Keyring::generate_key_b64())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"/help \xff\xfe\n/start\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("There is no /\u{fffd}\u{fffd} command."), "{text}");
    assert!(text.contains("clorebot rents GPUs on the Clore.ai marketplace"), "{text}");
}
