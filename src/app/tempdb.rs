//! A throwaway PostgreSQL server for tests and `clorebot demo` when `DATABASE_URL` is unset.
//!
//! One server per process: `initdb` into a temp directory, `postgres` listening only on a
//! Unix socket inside it (no port to collide on), fsync off. As root it runs as the
//! `postgres` user (`initdb` refuses root; `sudo` is not assumed — `setpriv` drops the ids).
//! A small shell wrapper owns the server: when this process ends, however it ends, the kernel
//! signals the wrapper (`setpriv --pdeathsig`), which stops the server fast and removes the
//! directory. Each caller then gets its own fresh, migrated database on that server.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

/// The server listens on a socket file named after this port; the number is private to it.
const SOCKET_PORT: u16 = 5432;
/// initdb plus the first start take a few seconds on a busy 2-core machine; allow far more.
const START_TIMEOUT: Duration = Duration::from_secs(60);

static SERVER: OnceLock<Result<PgConnectOptions, String>> = OnceLock::new();

/// Where fresh databases are made: `DATABASE_URL` if set, else this process's throwaway server.
pub fn server_options() -> anyhow::Result<PgConnectOptions> {
    if let Some(url) = crate::config::database_url_from_env() {
        return url.parse::<PgConnectOptions>().context("DATABASE_URL is not a valid PostgreSQL URL");
    }
    SERVER.get_or_init(|| start_server().map_err(|e| format!("{e:#}"))).clone().map_err(anyhow::Error::msg)
}

/// A new database with a unique name on [`server_options`], migrated, and a pool to it.
pub async fn fresh_database(prefix: &str) -> anyhow::Result<PgPool> {
    Ok(create(prefix).await?.1)
}

/// As [`fresh_database`], as a URL another process can connect to (`clorebot run` in tests).
pub async fn fresh_database_url(prefix: &str) -> anyhow::Result<String> {
    let (name, pool) = create(prefix).await?;
    pool.close().await;
    if let Some(url) = crate::config::database_url_from_env() {
        let mut u = url::Url::parse(url.trim()).context("DATABASE_URL is not a valid URL")?;
        u.set_path(&format!("/{name}"));
        return Ok(u.to_string());
    }
    let base = server_options()?;
    let dir = base.get_socket().context("the throwaway server listens on a socket")?;
    Ok(format!("postgres://postgres@localhost:{SOCKET_PORT}/{name}?host={}", dir.display()))
}

/// Drops a database made here, closing whatever is connected to it (tests of "the database
/// went away").
pub async fn drop_database(name: &str) -> anyhow::Result<()> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        anyhow::bail!("not a database made here: {name:?}");
    }
    let mut admin = connect_admin(&server_options()?).await?;
    // Unchecked: dynamic SQL, the database's name is made at run time (an identifier, not a
    // parameter), and checked above to be one made here.
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE \"{name}\" WITH (FORCE)")))
        .execute(&mut admin)
        .await
        .context("failed to drop")?;
    admin.close().await.ok();
    Ok(())
}

async fn create(prefix: &str) -> anyhow::Result<(String, PgPool)> {
    let base = server_options()?;
    let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
    let mut admin = connect_admin(&base).await?;
    // Unchecked: dynamic SQL, the database's name is made at run time (an identifier, not a
    // parameter) from the caller's prefix and a UUID.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .context("failed to create a database")?;
    admin.close().await.ok();
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(base.database(&name))
        .await
        .with_context(|| format!("failed to connect to the new database {name}"))?;
    crate::store::migrate(&pool).await?;
    Ok((name, pool))
}

/// Connects to the server's `postgres` database, waiting out a server still starting up
/// (its socket appears before it accepts connections).
async fn connect_admin(base: &PgConnectOptions) -> anyhow::Result<PgConnection> {
    let started = Instant::now();
    loop {
        match PgConnection::connect_with(&base.clone().database("postgres")).await {
            Ok(c) => return Ok(c),
            Err(e) if started.elapsed() < START_TIMEOUT && is_starting_up(&e) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => return Err(e).context("failed to connect to PostgreSQL to create a database"),
        }
    }
}

fn is_starting_up(e: &sqlx::Error) -> bool {
    match e {
        // 57P03: cannot_connect_now ("the database system is starting up").
        sqlx::Error::Database(d) => d.code().as_deref() == Some("57P03"),
        sqlx::Error::Io(_) => true,
        _ => false,
    }
}

fn start_server() -> anyhow::Result<PgConnectOptions> {
    let bin = find_bindir()?;
    let as_root = std::fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false);
    let dir = tempfile::Builder::new()
        .prefix("clorebot-pg-")
        .tempdir()
        .context("failed to create a temporary directory for PostgreSQL")?
        .keep();
    let data = dir.join("data");
    let drop_to: Vec<String> = if as_root {
        let (uid, gid) = postgres_ids()?;
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).context("failed to hand the directory to postgres")?;
        vec!["setpriv".into(), "--reuid=postgres".into(), "--regid=postgres".into(), "--clear-groups".into()]
    } else {
        Vec::new()
    };

    let mut initdb = command(&drop_to, &bin.join("initdb"));
    initdb
        .args(["-D"])
        .arg(&data)
        .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"])
        .current_dir(&dir);
    let out = initdb.output().context("failed to run initdb")?;
    if !out.status.success() {
        let _ = std::fs::remove_dir_all(&dir);
        bail!("initdb failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }

    // The wrapper: start postgres, stop it on INT/TERM (sent by the kernel when this process
    // dies), then remove the directory.
    let script = r#"dir="$1"; shift
"$@" & pid=$!
trap 'kill -INT "$pid" 2>/dev/null' INT TERM HUP
wait "$pid"; wait "$pid"
rm -rf "$dir""#;
    let mut args: Vec<String> = vec![
        "--pdeathsig".into(),
        "INT".into(),
        "--".into(),
        "sh".into(),
        "-c".into(),
        script.into(),
        "clorebot-pg".into(),
        dir.display().to_string(),
    ];
    args.extend(drop_to.iter().cloned());
    args.push(bin.join("postgres").display().to_string());
    for a in [
        "-D".to_owned(),
        data.display().to_string(),
        "-k".to_owned(),
        dir.display().to_string(),
        "-p".to_owned(),
        SOCKET_PORT.to_string(),
        "-c".to_owned(),
        "listen_addresses=".to_owned(),
        "-c".to_owned(),
        "fsync=off".to_owned(),
        "-c".to_owned(),
        "synchronous_commit=off".to_owned(),
        "-c".to_owned(),
        "full_page_writes=off".to_owned(),
        "-c".to_owned(),
        "max_connections=300".to_owned(),
    ] {
        args.push(a);
    }
    let log = std::fs::File::create(dir.join("server.log")).context("failed to create the server log")?;
    let mut wrapper = Command::new("setpriv");
    wrapper.args(&args).stdin(Stdio::null()).stdout(log.try_clone()?).stderr(log).current_dir(&dir);

    // --pdeathsig fires when the *thread* that spawned the child ends, so spawn it from a
    // thread that lives as long as the process.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new().name("clorebot-pg".into()).spawn(move || {
        match wrapper.spawn() {
            Ok(mut child) => {
                let _ = tx.send(Ok(()));
                let _ = child.wait();
            }
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
        loop {
            std::thread::park();
        }
    })?;
    rx.recv()
        .context("the PostgreSQL starter thread died")?
        .context("failed to start postgres (is setpriv installed?)")?;

    let socket = dir.join(format!(".s.PGSQL.{SOCKET_PORT}"));
    let started = Instant::now();
    while !socket.exists() {
        if started.elapsed() > START_TIMEOUT || !dir.exists() {
            let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
            bail!("PostgreSQL did not start within {START_TIMEOUT:?}: {}", log.trim());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(PgConnectOptions::new_without_pgpass().socket(&dir).port(SOCKET_PORT).username("postgres").database("postgres"))
}

fn command(drop_to: &[String], program: &Path) -> Command {
    match drop_to.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(program);
            c
        }
        None => Command::new(program),
    }
}

/// Finds a directory holding both `initdb` and `postgres`: on `PATH`, from `pg_config
/// --bindir`, or the newest `/usr/lib/postgresql/*/bin`.
pub fn find_bindir() -> anyhow::Result<PathBuf> {
    let has_both = |d: &Path| d.join("initdb").is_file() && d.join("postgres").is_file();
    let mut candidates: Vec<PathBuf> = crate::config::path_from_env();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        candidates.push(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    }
    let mut versioned: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse::<u32>().ok()?, e.path().join("bin"))))
        .collect();
    versioned.sort();
    candidates.extend(versioned.into_iter().rev().map(|(_, p)| p));
    // A symlinked `initdb` (as in /usr/local/bin) stands for the real bin directory, where
    // the other tools (pg_dump) are too.
    let real =
        |d: PathBuf| d.join("initdb").canonicalize().ok().and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or(d);
    candidates.into_iter().find(|d| has_both(d)).map(real).ok_or_else(|| {
        anyhow::anyhow!(
            "no PostgreSQL server binaries (initdb, postgres) found on PATH, via pg_config or in \
             /usr/lib/postgresql/*/bin: install PostgreSQL (e.g. `apt-get install postgresql`) or set DATABASE_URL"
        )
    })
}

fn postgres_ids() -> anyhow::Result<(u32, u32)> {
    let id = |flag: &str| -> anyhow::Result<u32> {
        let out = Command::new("id").args([flag, "postgres"]).output().context("failed to run `id`")?;
        if !out.status.success() {
            bail!(
                "running as root and there is no `postgres` user to run PostgreSQL as: create one \
                 (installing PostgreSQL does) or set DATABASE_URL"
            );
        }
        String::from_utf8_lossy(&out.stdout).trim().parse().context("`id` printed something unexpected")
    };
    Ok((id("-u")?, id("-g")?))
}
