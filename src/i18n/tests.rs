use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast;

use super::*;

/// Message id → the variables its text uses (in any variant of any selector).
fn messages(area: &str, lang: Lang, source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let res = fluent_syntax::parser::parse(source)
        .unwrap_or_else(|(_, errors)| panic!("{lang}/{area}.ftl does not parse: {errors:?}"));
    let mut out = BTreeMap::new();
    for entry in res.body {
        match entry {
            ast::Entry::Message(m) => {
                let mut vars = BTreeSet::new();
                let value = m.value.unwrap_or_else(|| panic!("{lang}/{area}.ftl: {} has no value", m.id.name));
                pattern_vars(&value, &mut vars);
                assert!(
                    m.attributes.is_empty(),
                    "{lang}/{area}.ftl: {} has attributes; write separate messages",
                    m.id.name
                );
                let dup = out.insert(m.id.name.to_owned(), vars);
                assert!(dup.is_none(), "{lang}/{area}.ftl: {} is defined twice", m.id.name);
            }
            ast::Entry::Term(t) => panic!("{lang}/{area}.ftl: term -{} (terms are not used)", t.id.name),
            ast::Entry::Junk { content } => panic!("{lang}/{area}.ftl: cannot read {content:?}"),
            _ => {}
        }
    }
    out
}

fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Inline(i) => inline_vars(i, vars),
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, vars);
            }
        }
        _ => {}
    }
}

/// Every area's messages, by language.
fn all() -> [BTreeMap<String, BTreeSet<String>>; 3] {
    Lang::ALL.map(|lang| {
        let mut all = BTreeMap::new();
        for (area, files) in CATALOGUES {
            for (id, vars) in messages(area, lang, files[lang.index()]) {
                assert!(all.insert(id.clone(), vars).is_none(), "{lang}: {id} is in two areas");
            }
        }
        all
    })
}

#[test]
fn every_message_is_in_every_language_with_the_same_variables() {
    let [en, de, ru] = all();
    assert!(en.len() > 10, "the English catalogue is nearly empty");
    for (lang, other) in [(Lang::De, &de), (Lang::Ru, &ru)] {
        for (id, vars) in &en {
            let theirs = other.get(id).unwrap_or_else(|| panic!("{lang} lacks {id}"));
            assert_eq!(theirs, vars, "{lang}: {id} uses other variables than English");
        }
        for id in other.keys() {
            assert!(en.contains_key(id), "{lang} has {id}, which English does not");
        }
    }
}

/// `t!("id", a = …, b = …)` calls in the source: (file, id, argument names).
fn calls() -> Vec<(String, String, BTreeSet<String>)> {
    let mut out = vec![];
    let mut files = vec![];
    rust_files(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &mut files);
    for f in files.into_iter().filter(|f| !f.ends_with("i18n/tests.rs")) {
        let src = std::fs::read_to_string(&f).unwrap();
        let mut rest = src.as_str();
        while let Some(at) = rest.find("t!(") {
            // `t!(` alone, not the end of another macro's name (`print!(`, `format!(`).
            let before = rest[..at].chars().next_back();
            let line = rest[..at].rsplit('\n').next().unwrap_or("");
            rest = &rest[at + 3..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') || line.trim_start().starts_with("//") {
                continue;
            }
            // rustfmt may put the id on the next line.
            let Some(after) = rest.trim_start().strip_prefix('"') else { continue };
            let end = after.find('"').unwrap();
            let id = after[..end].to_owned();
            out.push((f.display().to_string(), id, call_args(&after[end + 1..])));
        }
    }
    out
}

/// The `name = value` argument names of a call whose id was just read.
fn call_args(s: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let (mut depth, mut chars, mut in_str) = (0i32, s.char_indices().peekable(), false);
    let mut arg_start = None;
    while let Some((i, c)) = chars.next() {
        if in_str {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => break,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => arg_start = Some(i + 1),
            '=' if depth == 0 && chars.peek().map(|(_, c)| *c) != Some('=') => {
                if let Some(start) = arg_start.take() {
                    names.insert(s[start..i].trim().to_owned());
                }
            }
            _ => {}
        }
    }
    names
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_message_the_code_asks_for_exists_with_its_variables() {
    let [en, ..] = all();
    let calls = calls();
    assert!(calls.len() > 5, "found too few t! calls: the scan is broken");
    for (file, id, args) in calls {
        let vars = en.get(&id).unwrap_or_else(|| panic!("{file}: t!(\"{id}\") is not in the catalogue"));
        assert_eq!(&args, vars, "{file}: t!(\"{id}\") passes other arguments than the message uses");
    }
}

#[test]
fn the_scanner_reads_call_arguments() {
    assert_eq!(
        call_args(r#", n = found.len(), query = q.describe(&[1, 2]), what = "a, b = c" == x) + 1"#),
        BTreeSet::from(["n".to_owned(), "query".to_owned(), "what".to_owned()])
    );
    assert!(call_args(")").is_empty());
}

#[test]
fn languages_parse_from_platform_tags() {
    assert_eq!(Lang::parse("de"), Some(Lang::De));
    assert_eq!(Lang::parse("ru-RU"), Some(Lang::Ru));
    assert_eq!(Lang::parse("EN_us"), Some(Lang::En));
    assert_eq!(Lang::parse("pt-br"), None);
    assert_eq!(Lang::parse(""), None);
    assert_eq!(resolve([None, Some("fr"), Some("ru"), Some("de")]), Lang::Ru);
    assert_eq!(resolve([None, Some("es-ES")]), Lang::En);
}

#[test]
fn numbers_and_dates_follow_the_language() {
    assert_eq!(number_in(Lang::En, "1250.5"), "1250.5");
    assert_eq!(number_in(Lang::De, "1250.5"), "1250,5");
    assert_eq!(number_in(Lang::De, "-31250.25"), "-31.250,25");
    assert_eq!(number_in(Lang::Ru, "1234567"), "1\u{202F}234\u{202F}567");
    assert_eq!(number_in(Lang::Ru, "1.00e308"), "1,00e308");
    assert_eq!(number_in(Lang::De, "?"), "?");
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-04T14:05:00Z").unwrap().to_utc();
    assert_eq!(datetime(at), "2026-11-04 14:05 UTC");
    assert_eq!(sync_scope(Lang::De, || datetime(at)), "04.11.2026 14:05 UTC");
    assert_eq!(day_month(at), "4 Nov");
    assert_eq!(sync_scope(Lang::De, || day_month(at)), "4. Nov");
    assert_eq!(sync_scope(Lang::Ru, || day_month(at)), "4 ноя");
}

#[test]
fn messages_format_in_the_scoped_language_with_plurals() {
    let n = |lang, n: usize| sync_scope(lang, || crate::t!("servers-count", n = n));
    assert_eq!(n(Lang::En, 1), "1 server");
    assert_eq!(n(Lang::En, 5), "5 servers");
    assert_eq!(n(Lang::De, 5), "5 Server");
    assert_eq!(n(Lang::Ru, 1), "1 сервер");
    assert_eq!(n(Lang::Ru, 3), "3 сервера");
    assert_eq!(n(Lang::Ru, 5), "5 серверов");
    assert_eq!(n(Lang::Ru, 21), "21 сервер");
    // Numbers Fluent prints itself are written the language's way.
    assert_eq!(n(Lang::De, 12345), "12.345 Server");
    assert_eq!(n(Lang::Ru, 12345), "12\u{202F}345 серверов");
    assert_eq!(n(Lang::En, 12345), "12345 servers");
    assert_eq!(text_in(Lang::De, "no-such-message", &[]), "no-such-message");
}

/// Where a literal is not for users: logs, internal errors, SQL, panics' texts, metrics.
const NOT_FOR_USERS: &[&str] = &[
    "tracing::",
    "warn!(",
    "error!(",
    "info!(",
    "debug!(",
    "trace!(",
    "instrument(",
    "info_span!(",
    "context(",
    "anyhow!(",
    "bail!(",
    "ensure!(",
    "expect(",
    "panic!(",
    "unreachable!(",
    "assert!(",
    "Failure::Internal",
    "custom(",
    "#[error(",
    "audit::record",
    "metrics::",
    "sqlx::query",
    "mark_failed",
    "Err(format!(\"unknown",
];

/// Two words or more outside `{placeholders}`, and not a command, a link or markup.
fn is_prose(lit: &str) -> bool {
    if lit.starts_with(['/', '<', ' ']) || lit.contains("://") {
        return false;
    }
    let mut text = String::new();
    let mut depth = 0;
    for c in lit.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            c if depth == 0 => text.push(c),
            _ => {}
        }
    }
    let words = text.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 2).count();
    words >= 2 && text.trim().contains(' ')
}

/// Prose in the scanned modules that no user reads, each looked at: audit results and stored
/// reasons (operators read them), errors that end in the log, lock and metric names, what
/// Telegram's and Discord's servers are told or answer, and a field name shown as the API
/// calls it. Anything else the scan finds goes into a catalogue, or here with its reason.
const INTERNAL: &[(&str, &str)] = &[
    // Audit results and the rent attempt's stored reason.
    ("services/rent.rs", "ok: order {}"),
    ("alerts/accounts/guards.rs", "ok, read back after: {e}"),
    ("services/rent.rs", "ok: order not listed yet"),
    ("alerts/reconcile.rs", "no order appeared on the account"),
    ("alerts/reconcile.rs", "Clore's order list could not be checked in time"),
    ("alerts/reconcile.rs", "not made: {reason}"),
    // A command line the user copies, not words.
    ("core/views/rent.rs", "ssh root@{host} -p {port}"),
    // Errors that end in the log (row decoding, engine loops, platform calls, configuration).
    ("domain/identity.rs", "unknown platform {other:?}"),
    ("domain/identity.rs", "unknown chat kind {other:?}"),
    // Row decoding and configuration: the command parser answers a mistyped currency itself.
    ("domain/money.rs", "unknown currency `{}`; use usd, clore or btc"),
    ("core/mod.rs", "could not ask the platform whether the caller is an admin"),
    ("core/handlers/shared_watches.rs", "could not ask the platform whether the caller is in a team chat"),
    ("alerts/deliver.rs", "sends the {} alerts"),
    // An alert's stored reason for a retry: a send cut off after its bound.
    ("alerts/deliver.rs", "the send did not end within {} s; it may have gone out"),
    ("alerts/mod.rs", "the poll"),
    ("alerts/mod.rs", "{what} poll failed; backing off"),
    ("alerts/accounts/mod.rs", "the account poll failed; trying again shortly"),
    ("alerts/accounts/mod.rs", "account poll failed"),
    ("alerts/accounts/mod.rs", "could not claim due accounts; trying again shortly"),
    ("alerts/accounts/mod.rs", "the account poll"),
    ("frontends/discord/verify.rs", "must be 64 hex digits"),
    ("frontends/discord/verify.rs", "is not an Ed25519 public key"),
    ("frontends/discord/mod.rs", "Discord answered {status} (code {code}): {}"),
    ("frontends/discord/mod.rs", "request to Discord failed ({})"),
    ("frontends/discord/mod.rs", "timed out"),
    ("frontends/discord/mod.rs", "DISCORD_TOKEN holds characters a header cannot"),
    ("frontends/discord/mod.rs", "Discord opened no DM channel"),
    ("frontends/discord/mod.rs", "an alert with neither a channel nor a user"),
    ("frontends/discord/mod.rs", "{channel:?} is not a Discord channel id"),
    ("frontends/discord/interactions.rs", "Discord answered {} (code {}): {}"),
    ("frontends/discord/interactions.rs", "could not open a DM for a user install's command"),
    // Discord's names of the bot's permissions, as the Developer Portal shows them to operators.
    ("frontends/discord/install.rs", "View Channel"),
    ("frontends/discord/install.rs", "Send Messages"),
    ("frontends/discord/install.rs", "Send Messages in Threads"),
    ("frontends/discord/install.rs", "Embed Links"),
    ("frontends/discord/install.rs", "Attach Files"),
    ("frontends/discord/interactions.rs", "request to Discord failed ({})"),
    ("frontends/discord/interactions.rs", "timed out"),
    ("frontends/discord/interactions.rs", "request to Discord failed"),
    ("frontends/discord/interactions.rs", "Discord's answer could not be read"),
    ("frontends/discord/interactions.rs", "Discord would refuse it: {m}"),
    ("frontends/discord/interactions.rs", "Discord request failed"),
    ("frontends/console.rs", "the console is closing"),
    ("frontends/console.rs", "the console did not print the alert in time"),
    ("frontends/telegram/notifier.rs", "{chat:?} is not a Telegram chat id"),
    // A log line's reason an update did not read.
    ("frontends/telegram/inbox.rs", "the parser panicked: {}"),
    // What Discord's servers are told, and Telegram's error descriptions matched by text.
    ("frontends/discord/interactions.rs", "invalid request signature"),
    ("frontends/discord/interactions.rs", "not an interaction"),
    ("frontends/telegram/send.rs", "Too Many Requests"),
    ("frontends/telegram/send.rs", "Internal Server Error"),
    ("frontends/telegram/send.rs", "Bad Gateway"),
    ("frontends/telegram/send.rs", "Gateway Timeout"),
    ("frontends/telegram/send.rs", "Service Unavailable"),
    // Field names as the API calls them (`ValidationError::field`); the problems are translated.
    ("clore/key.rs", "API key"),
    ("clore/validate.rs", "spot price"),
];

/// The literals in `src`'s non-test code that read like prose (two words or more).
fn prose_literals(src: &str) -> Vec<String> {
    let code = src.split("\n#[cfg(test)]\nmod tests").next().unwrap_or(src);
    let mut found = vec![];
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'\'' if bytes.get(i + 2) == Some(&b'\'') || bytes.get(i + 1) == Some(&b'\\') => {
                // A char literal ('"', '\n'), not a lifetime.
                i += if bytes.get(i + 1) == Some(&b'\\') { 4 } else { 3 };
                continue;
            }
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let lit = &code[start..i.min(code.len())];
                let before = &code[..start - 1];
                let statement = &before[before.rfind([';', '{', '}']).map_or(0, |p| p + 1)..];
                let prose = is_prose(lit);
                if prose && !NOT_FOR_USERS.iter().any(|m| statement.contains(m)) {
                    found.push(lit.to_owned());
                }
            }
            _ => {}
        }
        i += 1;
    }
    found
}

#[test]
fn the_prose_scanner_skips_logs_and_catalogue_calls() {
    let src = r#"
fn f() {
    tracing::warn!(
        error = %e,
        "a log line for operators"
    );
    let a = t!("gpus-none", query = q);
    let b = format!("Hello there {name}");
    let c = '"'; let d = "ok";
}
#[cfg(test)]
mod tests {
    fn g() { let s = "test text is fine"; }
}
"#;
    assert_eq!(prose_literals(src), vec!["Hello there {name}".to_owned()]);
}

/// What users read in the handlers, the alerts and the front-ends comes from the catalogues:
/// no prose literal is left in those modules' non-test code.
#[test]
fn no_user_facing_literal_is_left_in_the_code() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
    let mut files = vec![];
    for dir in ["domain", "services", "core", "alerts", "frontends", "market/query"] {
        rust_files(&root.join(dir), &mut files);
    }
    for f in ["charts.rs", "clore/key.rs", "clore/validate.rs"] {
        files.push(root.join(f));
    }
    let mut left = vec![];
    // A `tests.rs` is a module of tests (declared under `#[cfg(test)]`), like the inline ones.
    for f in files.into_iter().filter(|f| f.file_name().is_none_or(|n| n != "tests.rs")) {
        let name = f.strip_prefix(root).unwrap().display().to_string();
        for lit in prose_literals(&std::fs::read_to_string(&f).unwrap()) {
            if !INTERNAL.iter().any(|(file, l)| *file == name && *l == lit) {
                left.push(format!("(\"{name}\", {lit:?}),"));
            }
        }
    }
    assert!(left.is_empty(), "user-facing text outside the catalogues:\n{}", left.join("\n"));
}
