//! The configuration's tests: defaults, units, each error naming its variable, secrets, and the README and docs agreeing with what is read.

use super::*;
use std::collections::HashMap;

fn cfg(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let m: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Config::from_lookup(|n| m.get(n).cloned())
}

#[test]
fn defaults_need_nothing() {
    let c = cfg(&[]).unwrap();
    assert!(c.database_url.is_none() && c.keyring.is_none() && c.telegram.is_none() && c.discord.is_none());
    assert_eq!(c.http_listen, "0.0.0.0:8080".parse().unwrap());
    assert_eq!(c.engine.market_poll, Duration::from_secs(30));
    assert_eq!(c.shutdown_grace, Duration::from_secs(20));
    assert_eq!(c.clore.base_url.as_str(), "https://api.clore.ai/v1/");
}

#[test]
fn durations_take_a_bare_number_in_the_named_unit_or_their_own_unit() {
    assert_eq!(parse_duration("45", Unit::Secs), Some(Duration::from_secs(45)));
    assert_eq!(parse_duration("90", Unit::Mins), Some(Duration::from_secs(5400)));
    assert_eq!(parse_duration("2h", Unit::Mins), Some(Duration::from_secs(7200)));
    assert_eq!(parse_duration("1h30m", Unit::Secs), Some(Duration::from_secs(5400)));
    assert_eq!(parse_duration("1.5", Unit::Mins), Some(Duration::from_secs(90)));
    assert_eq!(parse_duration("365d", Unit::Secs), Some(DURATION_MAX));
    for bad in ["0", "-1", "abc", "5 parsecs", "", "1e999", "NaN", "366d", "99999999999h", "31536001"] {
        assert_eq!(parse_duration(bad, Unit::Secs), None, "{bad}");
    }
    let c = cfg(&[("CLOREBOT_ENDING_SOON_MINS", "30"), ("CLOREBOT_ORDERS_POLL_SECS", "2m")]).unwrap();
    assert_eq!(c.engine.ending_soon, Duration::from_secs(1800));
    assert_eq!(c.engine.orders_poll, Duration::from_secs(120));
    assert_eq!(cfg(&[]).unwrap().clore.max_rps.get(), crate::clore::budget::DEFAULT_MAX_RPS);
    assert_eq!(cfg(&[("CLORE_MAX_RPS", " 400 ")]).unwrap().clore.max_rps.get(), 400);
    assert_eq!(cfg(&[("CLOREBOT_CONSOLE_ADMINS", " ann, bob ,")]).unwrap().core.console_admins, ["ann", "bob"]);
}

#[test]
fn every_error_names_its_variable() {
    for (var, value) in [
        ("CLOREBOT_MARKET_POLL_SECS", "soon"),
        ("CLOREBOT_LOW_BALANCE_HOURS", "-3"),
        ("CLOREBOT_HTTP_LISTEN", "everywhere"),
        ("CLORE_API_URL", "ftp://x"),
        ("LOG_FORMAT", "xml"),
        ("CLOREBOT_MASTER_KEY", "not base64!"),
        ("TELEGRAM_BOT_TOKEN", "nocolon"),
        ("CLOREBOT_BOT_USERNAME", "two words"),
        ("CLOREBOT_CONSOLE_ADMINS", "ann, bob smith"),
        ("CLORE_MAX_RPS", "0"),
        ("CLORE_MAX_RPS", "2.5"),
    ] {
        let e = cfg(&[(var, value)]).unwrap_err();
        assert_eq!(e.var, var, "{e}");
        assert!(e.to_string().starts_with(var), "{e}");
    }
    let e = cfg(&[("DISCORD_TOKEN", "t"), ("DISCORD_PUBLIC_KEY", "abc")]).unwrap_err();
    assert_eq!(e.var, "DISCORD_PUBLIC_KEY");
    let e = cfg(&[("DISCORD_TOKEN", "t"), ("DISCORD_GATEWAY", "off")]).unwrap_err();
    assert_eq!(e.var, "DISCORD_GATEWAY");
    let e = cfg(&[("DISCORD_TOKEN", "t")]).unwrap_err();
    assert_eq!(e.var, "DISCORD_APPLICATION_ID");
    assert!(
        cfg(&[("DISCORD_TOKEN", "t"), ("DISCORD_APPLICATION_ID", "1311111111111111111")]).unwrap().discord.is_some()
    );
}

#[test]
fn secrets_come_from_files_and_never_show_in_debug() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    std::fs::write(&path, "123:very-secret-token\n").unwrap();
    let c =
        cfg(&[("TELEGRAM_BOT_TOKEN_FILE", path.to_str().unwrap()), ("DATABASE_URL", "postgres://u:pw-secret@h/db")])
            .unwrap();
    let t = c.telegram.as_ref().unwrap();
    assert_eq!(t.token.expose_secret(), "123:very-secret-token");
    assert_eq!(t.webhook_secret.expose_secret().len(), 48, "a webhook secret is generated");
    let shown = format!("{c:?} {t:?}");
    assert!(!shown.contains("very-secret") && !shown.contains("pw-secret"), "{shown}");
    let e = cfg(&[("TELEGRAM_BOT_TOKEN", "1:a"), ("TELEGRAM_BOT_TOKEN_FILE", "/x")]).unwrap_err();
    assert!(e.to_string().contains("set only one"), "{e}");
    let e = cfg(&[("DISCORD_TOKEN_FILE", "/no/such/file")]).unwrap_err();
    assert_eq!(e.var, "DISCORD_TOKEN_FILE");
}

#[test]
fn master_keys_come_from_variables_or_files() {
    use base64::Engine as _;
    let k1 = base64::engine::general_purpose::STANDARD.encode([1u8; 32]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("master");
    std::fs::write(&path, format!("{}\n", base64::engine::general_purpose::STANDARD.encode([4u8; 32]))).unwrap();
    let p = path.to_str().unwrap();
    let ring = cfg(&[("CLOREBOT_MASTER_KEY_FILE", p)]).unwrap().keyring.unwrap();
    assert_eq!(ring.newest_version(), 1);
    let ring = cfg(&[("CLOREBOT_MASTER_KEYS", &format!("3:{k1}"))]).unwrap().keyring.unwrap();
    assert_eq!(ring.versions(), vec![3]);
    assert!(cfg(&[]).unwrap().keyring.is_none());

    let e = cfg(&[("CLOREBOT_MASTER_KEY_FILE", "/nonexistent/m")]).unwrap_err();
    assert_eq!(e.var, "CLOREBOT_MASTER_KEY_FILE");
    assert!(e.to_string().starts_with("CLOREBOT_MASTER_KEY_FILE: cannot read /nonexistent/m"), "{e}");
    let e = cfg(&[("CLOREBOT_MASTER_KEY", &k1), ("CLOREBOT_MASTER_KEY_FILE", "/x")]).unwrap_err();
    assert!(e.to_string().contains("set only one"), "{e}");
    let e = cfg(&[("CLOREBOT_MASTER_KEYS", &format!("x:{k1}"))]).unwrap_err();
    assert_eq!(e.var, "CLOREBOT_MASTER_KEYS");
    assert!(!format!("{e:?}").contains(&k1), "no error repeats key material");
}

/// The bot's own default image passes the rule every image= meets.
#[test]
fn the_default_image_is_a_docker_reference() {
    assert_eq!(crate::clore::validate::check_image(&CoreConfig::default().default_image), Ok(()));
}

/// The README's input limits name every enforced limit with the number the code holds.
#[test]
fn the_readme_states_each_input_limit_as_enforced() {
    use crate::clore::validate as v;
    use crate::core::command::{
        HOST_NAME_MAX, MAX_COOLDOWN, MAX_ORDERS, MAX_SNOOZE, TEMPLATE_COMMAND_MAX, TEMPLATE_NAME_MAX, TEMPLATES_MAX,
    };
    use crate::core::handlers::rent::MAX_BID_OVER_ON_DEMAND;
    use crate::market::query::{MAX_LIMIT, MAX_QUERY_CHARS, MAX_TERMS};
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let n = |x: u64| {
        let d = x.to_string();
        let mut out = String::new();
        for (i, c) in d.chars().enumerate() {
            if i > 0 && (d.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    let days = |d: Duration| format!("{} days", d.as_secs() / 86_400);
    let core = CoreConfig::default();
    let rows: Vec<(&str, Vec<String>)> = vec![
        (
            "a query",
            vec![n(MAX_TERMS as u64) + " terms", n(MAX_QUERY_CHARS as u64) + " characters", n(MAX_LIMIT as u64)],
        ),
        ("`image=`", vec![n(v::IMAGE_MAX as u64) + " characters"]),
        ("`sshkey=`", vec![n(v::SSH_KEY_MAX as u64) + " characters"]),
        ("SSH password", vec![format!("{}–{}", v::PASSWORD_MIN, v::TOKEN_MAX)]),
        ("`cooldown=`, `/snooze`", vec![days(MAX_COOLDOWN), days(MAX_SNOOZE)]),
        ("`max_orders=`", vec![format!("1–{MAX_ORDERS}")]),
        ("`/rent … count=`", vec![format!("1–{}", crate::core::command::RENT_COUNT_MAX)]),
        ("prices", vec![format!("{}×", MAX_BID_OVER_ON_DEMAND)]),
        ("`ports=`", vec![format!("at most {}", v::PORTS_MAX)]),
        ("`env`", vec![n(v::ENV_NAME_MAX as u64), n(v::ENV_VALUE_MAX as u64), n(v::ENV_TOTAL_MAX as u64)]),
        ("`/cancel`", vec![n(v::ISSUE_MAX as u64), format!("{} orders", crate::core::command::CANCEL_MAX)]),
        ("`/hostset`", vec![n(HOST_NAME_MAX as u64), n(v::MRL_MAX_HOURS)]),
        (
            "templates",
            vec![
                format!("{TEMPLATES_MAX} per user"),
                format!("{TEMPLATES_MAX} team templates"),
                format!("1–{TEMPLATE_NAME_MAX}"),
                n(TEMPLATE_COMMAND_MAX as u64) + " characters",
                format!("`jupyter=` up to {}", v::TOKEN_MAX),
            ],
        ),
        (
            "watches",
            vec![
                format!("{} per user", core.max_watches_per_user),
                format!("{} team watches", core.max_watches_per_chat),
            ],
        ),
        (
            "a button",
            vec![
                format!("{} minutes", core.confirm_ttl.as_secs() / 60),
                format!("{} hour", core.nav_ttl.as_secs() / 3600),
            ],
        ),
        ("Telegram", vec![n(MAX_WAITING as u64), format!("{} s", crate::notify::schedule::BACKLOG.as_secs())]),
        ("Discord", vec![format!("{} minutes", crate::frontends::discord::verify::MAX_SKEW_SECS / 60)]),
        ("durations in configuration", vec![days(DURATION_MAX)]),
    ];
    for (label, numbers) in &rows {
        let row =
            readme.lines().find(|l| l.starts_with(&format!("| {label}"))).unwrap_or_else(|| panic!("no row {label}"));
        for want in numbers {
            assert!(row.contains(want.as_str()), "README's {label} row should say {want}: {row}");
        }
    }
    assert!(readme.contains(&format!("at most {} characters of the input are repeated", crate::text::ECHO_MAX)));
}

#[test]
fn the_docs_document_every_variable_as_config_reads_it() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/configuration.md")).unwrap();
    let table = markdown_table();
    assert!(doc.contains(&table), "docs/configuration.md's table differs from config::VARIABLES:\n{table}");
    let source = include_str!("mod.rs");
    // Every variable this file reads by name is in the table.
    for quoted in source.split('"').skip(1).step_by(2) {
        let read = quoted.len() > 3
            && quoted.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            && (quoted.starts_with("CLORE")
                || quoted.contains("_URL")
                || quoted.starts_with("TELEGRAM")
                || quoted.starts_with("DISCORD")
                || quoted == "LOG_FORMAT");
        if read {
            let name = quoted.strip_suffix("_FILE").unwrap_or(quoted);
            assert!(VARIABLES.iter().any(|v| v.name == name), "{quoted} is read but not documented");
        }
    }
}

#[test]
fn variables_table_lists_each_once() {
    let mut names: Vec<&str> = VARIABLES.iter().map(|v| v.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), VARIABLES.len());
}
