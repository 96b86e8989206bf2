//! The offline query cache `.sqlx/` against the schema the migrations make. The checked
//! queries are built from the cache, not from a database, so nothing else notices when a
//! migration changes a column a cached query reads: here PostgreSQL describes every cached
//! query again on a fresh, migrated database, and its parameter types, column names, column
//! types and nullability must be what the cache says; each file's hash must be its query's.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use sqlx::{Executor, SqlSafeStr};

/// What to do when this test fails (docs/development.md, "Tests").
const REGENERATE: &str = "regenerate the cache with `.ci/sqlx-prepare` and commit .sqlx/ (docs/development.md, Tests)";

fn cache_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(".sqlx");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}; {REGENERATE}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("query-") && name.ends_with(".json")
        })
        .collect();
    files.sort();
    files
}

/// The query, shortened to one line, to name it in a failure.
fn label(file: &Path, query: &str) -> String {
    let one_line = query.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = one_line.chars().take(100).collect();
    let more = if short.len() < one_line.len() { "…" } else { "" };
    format!("{} ({short}{more})", file.file_name().unwrap().to_string_lossy())
}

/// How the cached description of a query differs from PostgreSQL's now: parameter types, and
/// per column its name, type, nullability and origin. Empty when they agree.
fn differences(cached: &serde_json::Value, live: &serde_json::Value) -> Vec<String> {
    let mut found = vec![];
    if cached["parameters"] != live["parameters"] {
        found.push(format!(
            "parameter types: {} in the cache, {} in the schema",
            cached["parameters"], live["parameters"]
        ));
    }
    let none = vec![];
    let columns = |d: &serde_json::Value| d["columns"].as_array().unwrap_or(&none).clone();
    let (was, is) = (columns(cached), columns(live));
    if was.len() != is.len() {
        let names = |cs: &[serde_json::Value]| cs.iter().map(|c| c["name"].to_string()).collect::<Vec<_>>().join(", ");
        found.push(format!("columns: [{}] in the cache, [{}] in the schema", names(&was), names(&is)));
    } else {
        for (i, (a, b)) in was.iter().zip(&is).enumerate() {
            let column = format!("column {} {}", i + 1, a["name"]);
            for (what, x, y) in [
                ("name", &a["name"], &b["name"]),
                ("type", &a["type_info"], &b["type_info"]),
                ("nullable", &cached["nullable"][i], &live["nullable"][i]),
                ("origin", &a["origin"], &b["origin"]),
            ] {
                if x != y {
                    found.push(format!("{column}: {what} {x} in the cache, {y} in the schema"));
                }
            }
        }
    }
    if found.is_empty() && cached != live {
        found.push(format!("description: {cached} in the cache, {live} in the schema"));
    }
    found
}

#[tokio::test]
async fn every_cached_query_reads_the_migrated_schema_as_the_cache_says() {
    let files = cache_files();
    assert!(!files.is_empty(), "no .sqlx/query-*.json: the checked queries cannot be built offline; {REGENERATE}");
    let pool = clorebot::app::tempdb::fresh_database("sqlx_cache").await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let mut stale = vec![];
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let cached: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON ({e}); {REGENERATE}", file.display()));
        let query = cached["query"].as_str().unwrap_or_default();
        let name = label(file, query);
        let hash = hex::encode(Sha256::digest(query.as_bytes()));
        if cached["hash"].as_str() != Some(hash.as_str()) || !file.ends_with(format!("query-{hash}.json")) {
            stale.push(format!("{name}: its hash is not its query text's ({hash})"));
            continue;
        }
        if cached["db_name"] != "PostgreSQL" {
            stale.push(format!("{name}: cached for {}, not PostgreSQL", cached["db_name"]));
            continue;
        }
        match (&mut *conn).describe(sqlx::AssertSqlSafe(query.to_owned()).into_sql_str()).await {
            Ok(live) => {
                let live = serde_json::to_value(&live).unwrap();
                for d in differences(&cached["describe"], &live) {
                    stale.push(format!("{name}: {d}"));
                }
            }
            Err(e) => stale.push(format!("{name}: PostgreSQL cannot prepare it any more: {e}")),
        }
    }
    assert!(
        stale.is_empty(),
        "the query cache .sqlx/ does not match the migrated schema ({} of {} queries); {REGENERATE}:\n{}",
        stale.len(),
        files.len(),
        stale.join("\n")
    );
}

/// The comparison itself: a column that became nullable, or changed type, is found.
#[test]
fn a_changed_column_is_a_difference() {
    let cached = serde_json::json!({
        "columns": [{"ordinal": 0, "name": "id", "type_info": "Int8", "origin": "Unknown"}],
        "parameters": {"Left": ["Int8"]},
        "nullable": [false]
    });
    assert!(differences(&cached, &cached).is_empty());
    let mut nullable = cached.clone();
    nullable["nullable"] = serde_json::json!([true]);
    assert_eq!(differences(&cached, &nullable).len(), 1);
    let mut retyped = cached.clone();
    retyped["columns"][0]["type_info"] = serde_json::json!("Int4");
    retyped["parameters"] = serde_json::json!({"Left": ["Int4"]});
    assert_eq!(differences(&cached, &retyped).len(), 2);
    let mut more = cached.clone();
    let column = serde_json::json!({"ordinal": 1, "name": "n", "type_info": "Int8", "origin": "Unknown"});
    more["columns"].as_array_mut().unwrap().push(column);
    more["nullable"] = serde_json::json!([false, null]);
    assert_eq!(differences(&cached, &more).len(), 1);
}
