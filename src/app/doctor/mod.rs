//! `clorebot doctor`: every configured part checked once, one line each — ok, or the problem
//! and the variable to change. `clorebot run` logs the same checks as it starts.
//!
//! Nothing secret is shown: a token or key appears only as its fingerprint under the master
//! key (the one `/key` shows for API keys), and error texts from the platforms pass through
//! the same scrubbing as the front-ends' own.
//!
//! Here: the report, the database, the master key and Clore; `telegram` and `discord` ask the
//! platforms.

mod discord;
mod telegram;

use std::fmt;
use std::time::Duration;

use secrecy::ExposeSecret;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use super::App;
use crate::clore::{ApiKey, CloreClient, CloreError};
use crate::config::{Config, DiscordConfig, TelegramConfig};
use crate::store::{self, crypto::Keyring};

/// Each check gives its part this long to answer.
const WITHIN: Duration = Duration::from_secs(20);

/// How a check came out. Only [`Level::Fail`] makes `doctor` exit non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    /// Works, but something an operator may want to change.
    Warn,
    Fail,
}

/// One line of the report.
#[derive(Debug, Clone)]
pub struct Check {
    pub level: Level,
    /// The part checked: `http`, `database`, `master key`, `clore`, `telegram`, `discord`.
    pub part: &'static str,
    pub text: String,
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Ok => "ok  ",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        };
        write!(f, "{level}  {}: {}", self.part, self.text)
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    /// No check failed.
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.level != Level::Fail)
    }

    /// The report as printed, one line per check.
    pub fn lines(&self) -> Vec<String> {
        self.checks.iter().map(Check::to_string).collect()
    }

    /// The report in the log (what `run` does): problems as warnings, never fatal.
    pub fn log(&self) {
        for c in &self.checks {
            match c.level {
                Level::Ok => tracing::info!(part = c.part, "{}", c.text),
                Level::Warn | Level::Fail => tracing::warn!(part = c.part, "{}", c.text),
            }
        }
    }

    fn push(&mut self, level: Level, part: &'static str, text: impl Into<String>) {
        self.checks.push(Check { level, part, text: text.into() });
    }
    fn ok_(&mut self, part: &'static str, text: impl Into<String>) {
        self.push(Level::Ok, part, text);
    }
    fn warn(&mut self, part: &'static str, text: impl Into<String>) {
        self.push(Level::Warn, part, text);
    }
    fn fail(&mut self, part: &'static str, text: impl Into<String>) {
        self.push(Level::Fail, part, text);
    }
}

/// What the checks look at: the parts of one process, however they were made.
pub struct Parts<'a> {
    pub pool: Option<&'a PgPool>,
    pub keyring: Option<&'a Keyring>,
    pub clore: Option<&'a CloreClient>,
    pub market_key: Option<&'a ApiKey>,
    pub telegram: Option<&'a TelegramConfig>,
    pub discord: Option<&'a DiscordConfig>,
}

/// `clorebot doctor`: connects to what `cfg` names (the database is not migrated, only
/// looked at) and checks every part configured.
pub async fn diagnose(cfg: &Config) -> Report {
    let mut r = Report::default();
    let pool = match &cfg.database_url {
        None => {
            r.fail("database", "DATABASE_URL is not set: set it to the PostgreSQL URL `clorebot run` is to use");
            None
        }
        Some(url) => match connect(url.expose_secret()).await {
            Ok(pool) => Some(pool),
            Err(why) => {
                r.fail("database", format!("cannot connect ({why}): check DATABASE_URL"));
                None
            }
        },
    };
    if cfg.keyring.is_none() {
        r.fail(
            "master key",
            "CLOREBOT_MASTER_KEY (or CLOREBOT_MASTER_KEYS) is not set: make one with `clorebot keys generate`",
        );
    }
    let clore = match CloreClient::new(cfg.clore.clone()) {
        Ok(c) => Some(c),
        Err(e) => {
            r.fail("clore", format!("the client cannot be built ({e}): check CLORE_API_URL"));
            None
        }
    };
    listen(cfg.http_listen, &mut r).await;
    let parts = Parts {
        pool: pool.as_ref(),
        keyring: cfg.keyring.as_deref(),
        clore: clore.as_ref(),
        market_key: cfg.engine.market_key.as_ref(),
        telegram: cfg.telegram.as_ref(),
        discord: cfg.discord.as_ref(),
    };
    check(&parts, &mut r).await;
    if let Some(pool) = pool {
        pool.close().await;
    }
    r
}

impl App {
    /// The doctor's checks on this process's own parts (`run` logs them as it starts).
    pub async fn checks(&self) -> Report {
        let deps = &self.core.deps;
        let parts = Parts {
            pool: Some(&deps.pool),
            keyring: Some(&deps.keyring),
            clore: Some(&deps.clore),
            market_key: self.engine.cfg.market_key.as_ref(),
            telegram: self.telegram.as_ref(),
            discord: self.discord.as_ref(),
        };
        let mut r = Report::default();
        check(&parts, &mut r).await;
        r
    }
}

/// Runs every check `parts` allows, in order, adding a line each to `r`.
pub async fn check(parts: &Parts<'_>, r: &mut Report) {
    if let Some(pool) = parts.pool {
        database(pool, r).await;
        if let Some(ring) = parts.keyring {
            master_key(pool, ring, r).await;
        }
    }
    if let Some(clore) = parts.clore {
        self::clore(clore, parts.market_key, parts.keyring, r).await;
    }
    if let Some(tg) = parts.telegram {
        telegram::check(tg, parts.keyring, r).await;
    }
    if let Some(dc) = parts.discord {
        discord::check(dc, parts.keyring, r).await;
    }
}

/// Whether `run` could listen where it is told to (the doctor lets go at once).
async fn listen(at: std::net::SocketAddr, r: &mut Report) {
    match tokio::net::TcpListener::bind(at).await {
        Ok(_) => r.ok_("http", format!("CLOREBOT_HTTP_LISTEN {at} can be listened on")),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => r.fail(
            "http",
            format!(
                "CLOREBOT_HTTP_LISTEN {at} is in use (is `clorebot run` already running here?): choose another port"
            ),
        ),
        Err(e) => r.fail("http", format!("cannot listen on CLOREBOT_HTTP_LISTEN {at} ({e})")),
    }
}

/// A pool that does not migrate (`store::connect` would): the doctor only looks.
async fn connect(url: &str) -> Result<PgPool, String> {
    let opts: PgConnectOptions = url.parse().map_err(|_| "not a valid PostgreSQL URL".to_owned())?;
    PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(opts)
        .await
        .map_err(|e| crate::text::clip(&e.to_string(), 160))
}

async fn database(pool: &PgPool, r: &mut Report) {
    let applied = match tokio::time::timeout(WITHIN, store::applied_migrations(pool)).await {
        Err(_) => return r.fail("database", "did not answer within 20 s: check DATABASE_URL"),
        Ok(Err(e)) if is_undefined_table(&e) => {
            return r.fail("database", "reachable, but never migrated: run `clorebot migrate` (or `clorebot run`)");
        }
        Ok(Err(e)) => {
            return r.fail(
                "database",
                format!("reachable, but the migrations cannot be read ({}): check DATABASE_URL", clip_err(&e)),
            );
        }
        Ok(Ok(v)) => v,
    };
    let missing = store::MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version))
        .count();
    if missing > 0 {
        r.fail(
            "database",
            format!("reachable, {missing} migration(s) not applied: run `clorebot migrate` (or `clorebot run`)"),
        );
    } else {
        r.ok_("database", format!("reachable, all {} migrations applied", applied.len()));
    }
}

fn is_undefined_table(e: &sqlx::Error) -> bool {
    // 42P01: undefined_table (the migrations' own table does not exist yet).
    e.as_database_error().and_then(|d| d.code()).is_some_and(|c| c == "42P01")
}

async fn master_key(pool: &PgPool, ring: &Keyring, r: &mut Report) {
    match tokio::time::timeout(WITHIN, store::secrets::check_keyring(pool, ring)).await {
        Err(_) => r.fail("master key", "the stored secrets could not be read within 20 s"),
        // The error names the variable (CLOREBOT_MASTER_KEY or CLOREBOT_MASTER_KEYS).
        Ok(Err(e)) => r.fail("master key", format!("{e:#}")),
        Ok(Ok(())) => r.ok_(
            "master key",
            format!("{} (versions {:?}) opens the stored secrets sampled", ring.source(), ring.versions()),
        ),
    }
}

async fn clore(clore: &CloreClient, market_key: Option<&ApiKey>, ring: Option<&Keyring>, r: &mut Report) {
    let base = clore.base_url().to_string();
    match tokio::time::timeout(WITHIN, clore.marketplace(None)).await {
        Err(_) => return r.fail("clore", format!("{base} did not answer within 20 s: check CLORE_API_URL")),
        Ok(Err(e)) => return r.fail("clore", format!("{base} is not reachable ({e}): check CLORE_API_URL")),
        Ok(Ok(m)) => r.ok_("clore", format!("{base} answers: {} servers on the market", m.servers.len())),
    }
    let Some(key) = market_key else { return };
    let fp = fingerprint(ring, key.expose());
    // The marketplace takes any key or none; `wallets` tells whether the key is valid.
    match tokio::time::timeout(WITHIN, clore.wallets(key)).await {
        Err(_) => r.warn("clore", format!("CLORE_MARKET_KEY {fp} could not be checked within 20 s")),
        Ok(Err(CloreError::InvalidKey)) => r.fail(
            "clore",
            format!("Clore refused CLORE_MARKET_KEY {fp} (invalid or revoked): set it to a valid API key, or unset it"),
        ),
        Ok(Err(e)) => r.warn("clore", format!("CLORE_MARKET_KEY {fp} could not be checked ({e})")),
        Ok(Ok(_)) => r.ok_("clore", format!("CLORE_MARKET_KEY {fp} is valid")),
    }
}

/// How a secret is shown: its fingerprint under the master key, as `/key` shows an API key.
fn fingerprint(ring: Option<&Keyring>, secret: &str) -> String {
    match ring {
        Some(ring) => format!("(fingerprint {})", ring.fingerprint(secret)),
        None => "(set)".to_owned(),
    }
}

fn clip_err(e: &dyn std::error::Error) -> String {
    crate::text::clip(&e.to_string(), 160)
}
