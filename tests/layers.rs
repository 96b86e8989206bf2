//! The layers of `docs/architecture.md` hold: every `crate::…` path in `src/` (outside test
//! modules and comments) points at the same layer or one below, the alert engine never reaches
//! into a command handler, and only `config/` reads the environment.

use std::path::{Path, PathBuf};

/// Each top-level module's layer; a module may import its own layer and those below.
const LAYERS: &[(&str, u8)] = &[
    ("i18n", 0),
    ("text", 0),
    ("retry", 0),
    ("telemetry", 0),
    ("domain", 1),
    ("clore", 2),
    ("market", 2),
    ("charts", 2),
    ("sim", 2),
    ("store", 3),
    ("services", 4),
    ("core", 5),
    ("notify", 5),
    ("alerts", 6),
    ("frontends", 6),
    ("config", 7),
    ("app", 8),
];

/// Pairs within one layer that must not know each other all the same.
const APART: &[(&str, &str, &str)] = &[
    ("alerts", "frontends", "the engine reaches platforms only through notify::Notifier"),
    ("frontends", "alerts", "front-ends translate; the engine's loops run in app"),
    ("core", "notify", "core builds replies; sending them is the engine's and the front-ends' business"),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code a module ships: its text before its test module, without line comments.
fn shipped_code(text: &str) -> String {
    let code = text.split("\n#[cfg(test)]\nmod tests").next().unwrap_or("");
    code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// Every source file under `src/` with its top-level module (`core` for `src/core/…`);
/// `main.rs` and `lib.rs` stand above every layer and are left out.
fn modules() -> Vec<(String, String, String)> {
    let src = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|f| {
            let rel = f.strip_prefix(src).unwrap().to_string_lossy().into_owned();
            if rel == "main.rs" || rel == "lib.rs" {
                return None;
            }
            let top = rel.split('/').next().unwrap().trim_end_matches(".rs").to_owned();
            let text = std::fs::read_to_string(&f).unwrap();
            Some((rel, top, shipped_code(&text)))
        })
        .collect()
}

/// `crate::a::b` paths in `code`: (a, b).
fn crate_paths(code: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let name = |s: &str| s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>();
        let first = name(after);
        let second = after[first.len()..].strip_prefix("::").map(name).unwrap_or_default();
        out.push((first, second));
        rest = after;
    }
    out
}

#[test]
fn every_module_has_a_layer() {
    for (file, top, _) in modules() {
        assert!(
            layer(&top).is_some(),
            "{file}: the module `{top}` has no layer in tests/layers.rs and docs/architecture.md"
        );
    }
}

#[test]
fn imports_only_look_down() {
    let mut wrong = Vec::new();
    for (file, top, code) in modules() {
        let Some(own) = layer(&top) else { continue };
        for (dep, inner) in crate_paths(&code) {
            let Some(theirs) = layer(&dep) else { continue };
            if dep == top {
                continue;
            }
            if theirs > own {
                wrong.push(format!("{file}: {top} (layer {own}) imports crate::{dep} (layer {theirs})"));
            }
            if let Some((_, _, why)) = APART.iter().find(|(a, b, _)| *a == top && *b == dep) {
                wrong.push(format!("{file}: {top} imports crate::{dep}: {why}"));
            }
            if top == "alerts" && dep == "core" && inner == "handlers" {
                wrong.push(format!("{file}: the engine imports a command handler; use a service or a view"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports that run up a layer (see docs/architecture.md):\n{}", wrong.join("\n"));
}

#[test]
fn only_config_reads_the_environment() {
    let mut wrong = Vec::new();
    for (file, _, code) in modules() {
        if file.starts_with("config/") {
            continue;
        }
        for reader in ["env::var(", "env::var_os(", "env::vars(", "from_default_env", "#[arg(env"] {
            if code.contains(reader) {
                wrong.push(format!("{file}: {reader}"));
            }
        }
    }
    assert!(wrong.is_empty(), "only src/config/ reads the environment:\n{}", wrong.join("\n"));
}

#[test]
fn the_scanner_sees_paths_and_skips_comments_and_tests() {
    let code = shipped_code(
        "use crate::core::handlers::rent;\n// crate::app::x\n#[cfg(test)]\nfn helper() {}\nfn f() { crate::store::users::get(); }\n#[cfg(test)]\nmod tests { use crate::app; }",
    );
    assert_eq!(
        crate_paths(&code),
        vec![("core".to_owned(), "handlers".to_owned()), ("store".to_owned(), "users".to_owned())]
    );
}
