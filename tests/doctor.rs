//! `clorebot doctor`: every configured part checked against the simulator, a real database and
//! the fake Telegram and Discord — one line each, the failing ones naming the variable to
//! change, no secret printed, and exit 1 when a check fails.

mod common;

use std::process::Command;

use clorebot::app::doctor::{Level, Report, diagnose};
use common::discord::{self as dc, FakeDiscord};
use common::telegram::{self as tg, FakeTelegram, Limits};
use common::*;

/// Everything configured and right: a migrated database, the test master key, the simulator
/// with a valid market key, Telegram (long polling, inline mode on) and Discord (HTTP
/// interactions with the application's own public key).
/// Where Discord sends the application's interactions.
const HOOK: &str = "https://bot.example.com/discord/interactions";

struct World {
    sim: clorebot::sim::SimHandle,
    telegram: FakeTelegram,
    discord: FakeDiscord,
    signing: ed25519_dalek::SigningKey,
    db_url: String,
}

impl World {
    async fn start() -> World {
        let telegram = FakeTelegram::start(Limits::RAISED).await;
        telegram.inline_mode(true);
        let discord = FakeDiscord::start().await;
        let signing = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        discord.verify_key(&signing);
        discord.interactions_endpoint(Some(HOOK));
        World {
            sim: start_sim(20).await,
            telegram,
            discord,
            signing,
            db_url: clorebot::app::tempdb::fresh_database_url("doctor").await.unwrap(),
        }
    }

    fn config(&self) -> clorebot::config::Config {
        let mut cfg = test_config(&self.sim);
        cfg.database_url = Some(secrecy::SecretString::from(self.db_url.clone()));
        cfg.http_listen = "127.0.0.1:0".parse().unwrap();
        cfg.engine.market_key = Some(key());
        cfg.telegram = Some(tg::bot_config(&self.telegram, Limits::RAISED, clorebot::config::MAX_WAITING, None));
        cfg.discord = Some(dc::config(&self.discord, Some(&self.signing), false));
        cfg
    }
}

fn failures(r: &Report) -> Vec<String> {
    r.checks.iter().filter(|c| c.level == Level::Fail).map(ToString::to_string).collect()
}

/// No token, key or password of the configuration shows in the report.
fn assert_no_secret(r: &Report) {
    let all = r.lines().join("\n");
    for secret in [tg::TOKEN, dc::TOKEN, KEY, "hook-Secret_123"] {
        assert!(!all.contains(secret), "a secret in the report:\n{all}");
    }
}

#[tokio::test]
async fn all_good_passes_every_check_and_shows_tokens_only_by_fingerprint() {
    let w = World::start().await;
    let r = diagnose(&w.config()).await;
    let lines = r.lines();
    eprintln!("{}", lines.join("\n"));
    assert!(r.ok(), "{lines:#?}");
    for part in ["http", "database", "master key", "clore", "telegram", "discord"] {
        assert!(
            lines.iter().any(|l| l.starts_with("ok    ") && l.contains(&format!("{part}: "))),
            "{part}: {lines:#?}"
        );
    }
    let joined = lines.join("\n");
    assert!(joined.contains("database: reachable, all "), "{joined}");
    assert!(joined.contains("TELEGRAM_BOT_TOKEN (fingerprint "), "{joined}");
    assert!(joined.contains("the bot is @clore_test_bot"), "{joined}");
    assert!(joined.contains("inline mode is on"), "{joined}");
    assert!(joined.contains("privacy mode is on"), "{joined}");
    // Before the first `run`, the command menu is not set: a warning, not a failure.
    assert!(joined.contains("warn  telegram: the command menu is not set yet"), "{joined}");
    assert!(joined.contains("DISCORD_TOKEN (fingerprint "), "{joined}");
    assert!(joined.contains("DISCORD_PUBLIC_KEY is the application's public key"), "{joined}");
    assert!(joined.contains(&format!("Discord sends interactions to {HOOK}")), "{joined}");
    assert!(joined.contains("warn  discord: no slash command is registered globally yet"), "{joined}");
    // Both installs on, each with its link; the Add App button asks for what alerts need.
    let app = dc::APP_ID;
    for line in [
        format!(
            "ok    discord: server install is on: https://discord.com/oauth2/authorize?client_id={app}&integration_type=0&scope=bot+applications.commands&permissions=274877959168"
        ),
        format!(
            "ok    discord: user install is on: https://discord.com/oauth2/authorize?client_id={app}&integration_type=1&scope=applications.commands"
        ),
        "ok    discord: the Add App button's server install asks for the bot and the permissions alerts need"
            .to_owned(),
    ] {
        assert!(lines.contains(&line), "{line}\n{joined}");
    }
    assert!(joined.contains("CLORE_MARKET_KEY (fingerprint "), "{joined}");
    assert_no_secret(&r);
    // The same fingerprint each time: an operator can tell which token is configured.
    let again = diagnose(&w.config()).await.lines();
    assert_eq!(
        again.iter().find(|l| l.contains("TELEGRAM_BOT_TOKEN")),
        lines.iter().find(|l| l.contains("TELEGRAM_BOT_TOKEN"))
    );
}

#[tokio::test]
async fn a_wrong_telegram_token_fails_naming_the_variable() {
    let w = World::start().await;
    let mut cfg = w.config();
    cfg.telegram.as_mut().unwrap().token =
        secrecy::SecretString::from("5010992967:AAHwrongTokenRevokedLongAgo_zyxwvutsrq");
    let r = diagnose(&cfg).await;
    assert!(!r.ok());
    let failed = failures(&r);
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert!(failed[0].starts_with("FAIL  telegram: Telegram refused TELEGRAM_BOT_TOKEN (fingerprint "), "{failed:#?}");
    assert!(!r.lines().join("\n").contains("AAHwrongToken"), "{:#?}", r.lines());
    assert_no_secret(&r);
}

#[tokio::test]
async fn a_failing_webhook_shows_telegrams_last_error() {
    let w = World::start().await;
    let hook = "https://bot.example.com/telegram/webhook";
    w.telegram.webhook_failing(hook, 17, "Connection timed out");
    let mut cfg = w.config();
    cfg.telegram = Some(tg::bot_config(&w.telegram, Limits::RAISED, clorebot::config::MAX_WAITING, Some(hook)));
    let r = diagnose(&cfg).await;
    let lines = r.lines();
    assert!(lines.contains(&format!("ok    telegram: the webhook is {hook}; 17 update(s) pending")), "{lines:#?}");
    let warned = lines.iter().find(|l| l.starts_with("warn  telegram: Telegram's last delivery")).expect("a warning");
    assert!(warned.contains("Connection timed out") && warned.contains("TELEGRAM_WEBHOOK_URL"), "{warned}");
    // A past delivery failure is a warning: the rest works.
    assert!(r.ok(), "{lines:#?}");

    // Another deployment's webhook on the same token is a failure.
    w.telegram.webhook_failing("https://elsewhere.example.org/hook", 0, "Connection timed out");
    let r = diagnose(&cfg).await;
    let failed = failures(&r);
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert!(failed[0].contains("https://elsewhere.example.org/hook") && failed[0].contains("TELEGRAM_WEBHOOK_URL"));
}

#[tokio::test]
async fn a_discord_public_key_that_does_not_match_is_named() {
    let w = World::start().await;
    let mut cfg = w.config();
    let other = ed25519_dalek::SigningKey::from_bytes(&[8u8; 32]);
    cfg.discord = Some(dc::config(&w.discord, Some(&other), false));
    let r = diagnose(&cfg).await;
    let failed = failures(&r);
    assert_eq!(failed.len(), 1, "{failed:#?}");
    let theirs = hex::encode(w.signing.verifying_key().to_bytes());
    assert!(failed[0].starts_with("FAIL  discord: DISCORD_PUBLIC_KEY ("), "{failed:#?}");
    assert!(failed[0].contains(&format!("set DISCORD_PUBLIC_KEY={theirs}")), "{failed:#?}");
}

#[tokio::test]
async fn a_wrong_discord_token_or_application_id_is_named() {
    let w = World::start().await;
    let mut cfg = w.config();
    cfg.discord.as_mut().unwrap().application_id = Some(1322222222222222222);
    let failed_ = failures(&diagnose(&cfg).await);
    assert_eq!(failed_.len(), 1, "{failed_:#?}");
    assert!(
        failed_[0].contains(&format!(
            "DISCORD_APPLICATION_ID is 1322222222222222222, but the token belongs to application {}",
            dc::APP_ID
        )),
        "{failed_:#?}"
    );

    cfg.discord.as_mut().unwrap().token = secrecy::SecretString::from("MTMxMTExMTExMTExMTExMTExMQ.wrong.token");
    let r = diagnose(&cfg).await;
    let failed = failures(&r);
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert!(failed[0].starts_with("FAIL  discord: Discord refused DISCORD_TOKEN (fingerprint "), "{failed:#?}");
    assert!(!r.lines().join("\n").contains("wrong.token"));
}

#[tokio::test]
async fn an_invalid_market_key_and_a_wrong_master_key_are_named() {
    let w = World::start().await;
    // A secret stored under another master key than the configured one.
    let pool = clorebot::store::connect(&w.db_url).await.unwrap();
    let user =
        clorebot::store::users::upsert_user(&pool, clorebot::domain::Platform::Console, "ann", "ann").await.unwrap();
    let secret = secrecy::SecretString::from(KEY.to_owned());
    clorebot::store::secrets::put(
        &pool,
        &ring(&[(1, 12)]),
        user.id,
        clorebot::store::crypto::SecretKind::CloreApiKey,
        &secret,
    )
    .await
    .unwrap();
    pool.close().await;
    let mut cfg = w.config();
    cfg.engine.market_key = Some(clorebot::clore::ApiKey::parse("not-a-key-the-sim-knows-0123456").unwrap());
    let r = diagnose(&cfg).await;
    let failed = failures(&r);
    assert_eq!(failed.len(), 2, "{failed:#?}");
    assert!(failed[0].starts_with("FAIL  master key: CLOREBOT_MASTER_KEY"), "{failed:#?}");
    assert!(failed[1].starts_with("FAIL  clore: Clore refused CLORE_MARKET_KEY (fingerprint "), "{failed:#?}");
    assert!(!r.lines().join("\n").contains("not-a-key"));
}

/// The binary: what `doctor` prints and its exit code, from the environment as in production.
#[tokio::test]
async fn the_binary_exits_1_on_a_failed_check_and_0_when_all_pass() {
    let w = World::start().await;
    let (db, sim, api) = (w.db_url.clone(), w.sim.api_url(), w.telegram.url());
    let doctor = move |telegram_token: &str| {
        Command::new(env!("CARGO_BIN_EXE_clorebot"))
            .arg("doctor")
            .env_clear()
            .env("DATABASE_URL", &db)
            .env("CLOREBOT_HTTP_LISTEN", "127.0.0.1:0")
            .env("CLOREBOT_MASTER_KEY", master_key_b64())
            .env("CLORE_API_URL", &sim)
            .env("TELEGRAM_BOT_TOKEN", telegram_token)
            .env("TELEGRAM_API_URL", &api)
            .output()
            .unwrap()
    };
    let out = tokio::task::spawn_blocking(move || {
        (doctor("5010992967:AAHwrongTokenRevokedLongAgo_zyxwvutsrq"), doctor(tg::TOKEN))
    });
    let (bad, good) = out.await.unwrap();
    let stdout = String::from_utf8_lossy(&bad.stdout);
    assert_eq!(bad.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL  telegram: Telegram refused TELEGRAM_BOT_TOKEN"), "{stdout}");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("1 check(s) failed"));
    let stdout = String::from_utf8_lossy(&good.stdout);
    assert_eq!(good.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&good.stderr));
    assert!(stdout.ends_with("all checks passed\n"), "{stdout}");
    assert!(!stdout.contains(tg::TOKEN));
}

/// `run` logs the same checks as it starts, as warnings: a wrong Telegram token is named in
/// the log, and the process serves anyway.
#[tokio::test]
async fn run_logs_the_checks_at_start_and_serves_anyway() {
    let w = World::start().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_clorebot"))
        .arg("run")
        .env_clear()
        .env("DATABASE_URL", &w.db_url)
        .env("CLOREBOT_MASTER_KEY", master_key_b64())
        .env("CLORE_API_URL", w.sim.api_url())
        .env("CLOREBOT_HTTP_LISTEN", "127.0.0.1:0")
        .env("TELEGRAM_BOT_TOKEN", "5010992967:AAHwrongTokenRevokedLongAgo_zyxwvutsrq")
        .env("TELEGRAM_API_URL", w.telegram.url())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (stdout, stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    // The checks are over before `run` says it serves; its log so far is read once it is
    // stopped.
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
        line
    })
    .await
    .unwrap();
    child.kill().unwrap();
    let log = tokio::task::spawn_blocking(move || {
        let mut log = String::new();
        std::io::Read::read_to_string(&mut std::io::BufReader::new(stderr), &mut log).unwrap();
        child.wait().unwrap();
        log
    })
    .await
    .unwrap();
    assert!(line.starts_with("clorebot serving /healthz"), "{line}\n{log}");
    assert!(log.contains("Telegram refused TELEGRAM_BOT_TOKEN (fingerprint "), "{log}");
    assert!(!log.contains("AAHwrongToken"), "{log}");
}

#[tokio::test]
async fn an_interactions_endpoint_that_bypasses_the_gateway_and_a_busy_port_are_named() {
    let w = World::start().await;
    let mut cfg = w.config();
    // Gateway only, but Discord sends interactions to a URL: none would reach the bot.
    cfg.discord = Some(dc::config(&w.discord, None, true));
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    cfg.http_listen = taken.local_addr().unwrap();
    let r = diagnose(&cfg).await;
    let failed = failures(&r);
    assert_eq!(failed.len(), 2, "{failed:#?}");
    assert!(
        failed[0].starts_with(&format!("FAIL  http: CLOREBOT_HTTP_LISTEN {} is in use", cfg.http_listen)),
        "{failed:#?}"
    );
    assert!(
        failed[1].contains(&format!("Interactions Endpoint URL is {HOOK}")) && failed[1].contains("DISCORD_PUBLIC_KEY")
    );

    // HTTP interactions only, with no endpoint set at Discord.
    w.discord.interactions_endpoint(None);
    cfg.discord = Some(dc::config(&w.discord, Some(&w.signing), false));
    drop(taken);
    let failed = failures(&diagnose(&cfg).await);
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert!(
        failed[0]
            .starts_with("FAIL  discord: DISCORD_GATEWAY is off but the application has no Interactions Endpoint URL")
    );
}

/// Sets the default command menu on `fake` as `setMyCommands` does, with these commands.
async fn set_menu(fake: &FakeTelegram, names: &[&str]) {
    let commands: Vec<serde_json::Value> =
        names.iter().map(|n| serde_json::json!({ "command": n, "description": "…" })).collect();
    let url = format!("{}/bot{}/setMyCommands", fake.url(), tg::TOKEN);
    let r = reqwest::Client::new().post(url).json(&serde_json::json!({ "commands": commands })).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn the_command_menu_is_checked_against_this_versions_commands() {
    let w = World::start().await;
    let ours: Vec<&str> = clorebot::core::help::COMMANDS.iter().map(|c| c.name).collect();
    set_menu(&w.telegram, &ours).await;
    let lines = diagnose(&w.config()).await.lines();
    assert!(
        lines.contains(&format!("ok    telegram: the command menu lists the {} commands", ours.len())),
        "{lines:#?}"
    );

    set_menu(&w.telegram, &ours[..2]).await;
    let r = diagnose(&w.config()).await;
    assert!(r.lines().iter().any(|l| l.starts_with("warn  telegram: the command menu is not this version's")));
    assert!(r.ok());
}

#[tokio::test]
async fn the_slash_commands_registered_are_checked_against_this_versions() {
    let w = World::start().await;
    let mut cfg = w.config();
    cfg.discord.as_mut().unwrap().guild_id = Some(1322222222222222222);
    // Registered as `run` registers them, in the guild.
    let http = clorebot::frontends::discord::http(cfg.discord.as_ref().unwrap()).unwrap();
    let guild = serenity::model::id::GuildId::new(1322222222222222222);
    http.create_guild_commands(
        guild,
        &clorebot::frontends::discord::commands::registrations(clorebot::frontends::discord::commands::Scope::Guild),
    )
    .await
    .unwrap();
    let lines = diagnose(&cfg).await.lines();
    let n = clorebot::frontends::discord::commands::SLASH.len();
    assert!(
        lines.contains(&format!(
            "ok    discord: the {n} slash commands are registered in guild 1322222222222222222 (DISCORD_GUILD_ID)"
        )),
        "{lines:#?}"
    );

    // Globally, registered as before user installs: the same names, for server installs only.
    let mut cfg = w.config();
    cfg.discord.as_mut().unwrap().guild_id = None;
    use clorebot::frontends::discord::commands::{Scope, registrations};
    http.create_global_commands(&registrations(Scope::Guild)).await.unwrap();
    let lines = diagnose(&cfg).await.lines();
    assert!(
        lines.contains(
            &"warn  discord: the slash commands registered globally are for server installs only: \
                         `clorebot run` registers them again for user installs too"
                .to_owned()
        ),
        "{lines:#?}"
    );
    http.create_global_commands(&registrations(Scope::Global)).await.unwrap();
    let lines = diagnose(&cfg).await.lines();
    assert!(lines.contains(&format!("ok    discord: the {n} slash commands are registered globally")), "{lines:#?}");
}

#[tokio::test]
async fn install_settings_that_leave_something_out_are_named() {
    let w = World::start().await;
    // Server install only, its Add App button without the bot.
    w.discord.installs(serde_json::json!({
        "0": { "oauth2_install_params": { "scopes": ["applications.commands"], "permissions": "0" } }
    }));
    let r = diagnose(&w.config()).await;
    let lines = r.lines();
    let warned = |start: &str| lines.iter().find(|l| l.starts_with(start)).cloned();
    let user = warned("warn  discord: user install is off").unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(
        user.ends_with("tick User Install under Developer Portal → Installation → Installation Contexts"),
        "{user}"
    );
    let scope = warned("warn  discord: the Add App button's server install lacks the scope bot:");
    assert!(scope.is_some_and(|l| l.contains("Default Install Settings → Guild Install")), "{lines:#?}");
    assert!(r.ok(), "warnings only: {lines:#?}");

    // The bot asked for, with Send Messages only; no server install at all.
    w.discord.installs(serde_json::json!({
        "0": { "oauth2_install_params": { "scopes": ["applications.commands", "bot"], "permissions": "2048" } }
    }));
    let lines = diagnose(&w.config()).await.lines();
    assert!(
        lines.contains(
            &"warn  discord: the Add App button's server install does not ask for View Channel, Send Messages in \
              Threads, Embed Links, Attach Files: team alerts need it in their channel; tick it under Developer \
              Portal → Installation → Default Install Settings → Guild Install → Permissions"
                .to_owned()
        ),
        "{lines:#?}"
    );
    w.discord.installs(serde_json::json!({ "1": {} }));
    let lines = diagnose(&w.config()).await.lines();
    assert!(lines.iter().any(|l| l.starts_with("warn  discord: server install is off: ")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.starts_with("ok    discord: user install is on: https://")), "{lines:#?}");
}
