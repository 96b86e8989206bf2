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
        while let Some(at) = rest.find("t!(\"") {
            // `t!(` alone, not the end of another macro's name (`print!(`, `format!(`).
            let before = rest[..at].chars().next_back();
            let line = rest[..at].rsplit('\n').next().unwrap_or("");
            rest = &rest[at + 4..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') || line.trim_start().starts_with("//") {
                continue;
            }
            let end = rest.find('"').unwrap();
            let id = rest[..end].to_owned();
            out.push((f.display().to_string(), id, call_args(&rest[end + 1..])));
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
    assert_eq!(text_in(Lang::De, "no-such-message", &[]), "no-such-message");
}
