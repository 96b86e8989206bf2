//! Every environment variable clorebot reads, in one place (docs/configuration.md): typed,
//! with defaults, `…_FILE` variants for secrets, and errors that name the variable.
//! [`VARIABLES`] (in `variables.rs`) is the table `docs/configuration.md` documents; a test
//! keeps the two in step.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::alerts::EngineConfig;
use crate::clore::{ApiKey, ClientConfig};
use crate::core::CoreConfig;
use crate::store::crypto::{CryptoError, Keyring, MASTER_KEY_VAR, MASTER_KEYS_VAR};

/// The port `CLOREBOT_HTTP_LISTEN` defaults to (deploy/ publishes and probes it).
pub const DEFAULT_PORT: u16 = 8080;

mod variables;

pub use variables::{VARIABLES, Var, markdown_table};

/// A configuration error: which variable, and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {why}")]
pub struct ConfigError {
    pub var: String,
    pub why: String,
}

fn bad(var: &str, why: impl Into<String>) -> ConfigError {
    ConfigError { var: var.to_owned(), why: why.into() }
}

pub use crate::telemetry::LogFormat;

pub use crate::frontends::discord::DiscordConfig;
pub use crate::frontends::telegram::{MAX_WAITING, TelegramConfig, telegram_limits};

/// The whole configuration of one process.
pub struct Config {
    pub database_url: Option<SecretString>,
    /// `None` when no master key is set (`run` and `chat` then refuse to start; the demo makes
    /// a throwaway one).
    pub keyring: Option<Arc<Keyring>>,
    pub clore: ClientConfig,
    pub engine: EngineConfig,
    pub core: CoreConfig,
    pub market_ttl: Duration,
    pub http_listen: SocketAddr,
    pub shutdown_grace: Duration,
    pub log_format: LogFormat,
    pub telegram: Option<TelegramConfig>,
    pub discord: Option<DiscordConfig>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &self.database_url.as_ref().map(|_| "[set]"))
            .field("keyring", &self.keyring.as_ref().map(|k| k.versions()))
            .field("clore", &self.clore.base_url.as_str())
            .field("http_listen", &self.http_listen)
            .field("telegram", &self.telegram.is_some())
            .field("discord", &self.discord.is_some())
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `get` (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let env = Env { get: &get };
        let keyring = keyring(&env)?.map(Arc::new);
        let mut clore = ClientConfig::default();
        if let Some(u) = env.get("CLORE_API_URL") {
            clore = ClientConfig::from_api_url(Some(&u)).map_err(|e| bad("CLORE_API_URL", e))?;
        }
        if let Some(v) = env.get("CLORE_MAX_RPS") {
            clore.max_rps = v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=100_000).contains(n))
                .and_then(NonZeroU32::new)
                .ok_or_else(|| {
                    bad(
                        "CLORE_MAX_RPS",
                        format!("must be a whole number from 1 to 100000, not {:?}", crate::text::clip(&v, 30)),
                    )
                })?;
        }
        let mut engine = EngineConfig::default();
        if let Some(d) = env.duration("CLOREBOT_MARKET_POLL_SECS", Unit::Secs)? {
            engine.market_poll = d.max(Duration::from_secs(1));
        }
        if let Some(d) = env.duration("CLOREBOT_ORDERS_POLL_SECS", Unit::Secs)? {
            engine.orders_poll = d.max(Duration::from_secs(1));
        }
        if let Some(d) = env.duration("CLOREBOT_ENDING_SOON_MINS", Unit::Mins)? {
            engine.ending_soon = d;
        }
        if let Some(h) = env.number("CLOREBOT_LOW_BALANCE_HOURS")? {
            engine.low_balance_hours = h;
        }
        if let Some(k) = env.secret("CLORE_MARKET_KEY")? {
            engine.market_key =
                Some(ApiKey::parse(k.expose_secret()).map_err(|e| bad("CLORE_MARKET_KEY", e.to_string()))?);
        }
        let mut core = CoreConfig::default();
        if let Some(name) = env.get("CLOREBOT_BOT_USERNAME") {
            let name = name.trim().trim_start_matches('@');
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(bad("CLOREBOT_BOT_USERNAME", "must be a username of letters, digits and _"));
            }
            core.bot_username = Some(name.to_owned());
        }
        if let Some(list) = env.get("CLOREBOT_CONSOLE_ADMINS") {
            let names: Vec<String> =
                list.split(',').map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned).collect();
            if names.iter().any(|n| n.chars().any(char::is_whitespace)) {
                return Err(bad("CLOREBOT_CONSOLE_ADMINS", "must be console user names separated by commas"));
            }
            core.console_admins = names;
        }
        let http_listen = match env.get("CLOREBOT_HTTP_LISTEN") {
            Some(v) => v.trim().parse().map_err(|_| {
                bad(
                    "CLOREBOT_HTTP_LISTEN",
                    format!("must be an address like 0.0.0.0:8080, not {:?}", crate::text::clip(&v, 60)),
                )
            })?,
            None => SocketAddr::from(([0, 0, 0, 0], DEFAULT_PORT)),
        };
        Ok(Config {
            database_url: env.secret("DATABASE_URL")?,
            keyring,
            clore,
            engine,
            core,
            market_ttl: env.duration("CLOREBOT_MARKET_TTL_SECS", Unit::Secs)?.unwrap_or(Duration::from_secs(30)),
            http_listen,
            shutdown_grace: env
                .duration("CLOREBOT_SHUTDOWN_GRACE_SECS", Unit::Secs)?
                .unwrap_or(Duration::from_secs(20)),
            log_format: log_format(env.get("LOG_FORMAT"))?,
            telegram: telegram(&env)?,
            discord: discord(&env)?,
        })
    }

    /// The database URL, or an error saying `command` needs one.
    pub fn require_database(&self, command: &str) -> Result<&SecretString, ConfigError> {
        self.database_url.as_ref().ok_or_else(|| {
            bad("DATABASE_URL", format!("not set; `clorebot {command}` needs the PostgreSQL database to use"))
        })
    }

    /// The master keys, or an error saying how to make one.
    pub fn require_keyring(&self) -> Result<Arc<Keyring>, ConfigError> {
        self.keyring.clone().ok_or_else(|| {
            bad(
                "CLOREBOT_MASTER_KEY",
                "not set (nor CLOREBOT_MASTER_KEYS): generate one with `clorebot keys generate` and keep it safe",
            )
        })
    }
}

/// `LOG_FORMAT` alone, for the log setup that runs before the rest is read.
pub fn log_format_from_env() -> LogFormat {
    log_format(std::env::var("LOG_FORMAT").ok()).unwrap_or_default()
}

/// `DATABASE_URL` alone (`None`: unset or empty), for the throwaway-database helper of tests
/// and the demo (`app::tempdb`), which decides whether to start a server of its own.
pub fn database_url_from_env() -> Option<String> {
    std::env::var("DATABASE_URL").ok().filter(|v| !v.trim().is_empty())
}

/// The directories of `PATH`, where the PostgreSQL server binaries are looked for first.
pub fn path_from_env() -> Vec<std::path::PathBuf> {
    std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default()
}

/// `RUST_LOG`, the log filter (`None`: unset or empty).
pub fn log_filter_from_env() -> Option<String> {
    std::env::var("RUST_LOG").ok().filter(|v| !v.trim().is_empty())
}

fn log_format(v: Option<String>) -> Result<LogFormat, ConfigError> {
    match v.as_deref().map(str::trim).map(str::to_ascii_lowercase).as_deref() {
        None | Some("") | Some("pretty") | Some("text") => Ok(LogFormat::Pretty),
        Some("json") => Ok(LogFormat::Json),
        Some(other) => {
            Err(bad("LOG_FORMAT", format!("must be json or pretty, not {:?}", crate::text::clip(other, 30))))
        }
    }
}

/// The master keys: `CLOREBOT_MASTER_KEYS` or, failing that, `CLOREBOT_MASTER_KEY` (each
/// directly or as `…_FILE`); `None` when neither is set.
fn keyring(env: &Env<'_>) -> Result<Option<Keyring>, ConfigError> {
    let keys = read_secret(&|n| env.get(n), MASTER_KEYS_VAR)?;
    let key = if keys.is_none() { read_secret(&|n| env.get(n), MASTER_KEY_VAR)? } else { None };
    match Keyring::from_values(keys.as_deref(), key.as_deref()) {
        Ok(k) => Ok(Some(k)),
        Err(CryptoError::Missing { .. }) => Ok(None),
        Err(CryptoError::Invalid { var, problem }) => Err(bad(&var, problem)),
        Err(e) => Err(bad(MASTER_KEY_VAR, e.to_string())),
    }
}

fn telegram(env: &Env<'_>) -> Result<Option<TelegramConfig>, ConfigError> {
    let Some(token) = env.secret("TELEGRAM_BOT_TOKEN")? else { return Ok(None) };
    if !token.expose_secret().contains(':') {
        return Err(bad("TELEGRAM_BOT_TOKEN", "does not look like a bot token (<id>:<secret> from @BotFather)"));
    }
    let webhook_secret = match env.secret("TELEGRAM_WEBHOOK_SECRET")? {
        Some(s) => {
            let ok = (1..=256).contains(&s.expose_secret().len())
                && s.expose_secret().chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !ok {
                return Err(bad("TELEGRAM_WEBHOOK_SECRET", "must be 1–256 characters of A–Z, a–z, 0–9, _ and -"));
            }
            s
        }
        None => {
            use rand::Rng;
            let mut rng = rand::rng();
            let s: String = (0..48).map(|_| rng.sample(rand::distr::Alphanumeric) as char).collect();
            SecretString::from(s)
        }
    };
    Ok(Some(TelegramConfig {
        token,
        api_url: without_trailing_slash(
            env.url("TELEGRAM_API_URL")?.unwrap_or_else(|| Url::parse("https://api.telegram.org").expect("valid")),
        ),
        webhook_url: env.url("TELEGRAM_WEBHOOK_URL")?,
        webhook_secret,
        limits: telegram_limits(),
        max_waiting: MAX_WAITING,
        poll_timeout: Duration::from_secs(25),
    }))
}

/// teloxide appends `/bot<token>/<method>` to the base: `https://h/tg/` would become `//bot…`.
fn without_trailing_slash(mut u: Url) -> Url {
    let path = u.path().trim_end_matches('/').to_owned();
    u.set_path(&path);
    u
}

fn discord(env: &Env<'_>) -> Result<Option<DiscordConfig>, ConfigError> {
    let Some(token) = env.secret("DISCORD_TOKEN")? else { return Ok(None) };
    let public_key = match env.get("DISCORD_PUBLIC_KEY") {
        Some(k) => {
            let k = k.trim().to_ascii_lowercase();
            if k.len() != 64 || !k.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(bad("DISCORD_PUBLIC_KEY", "must be the application's public key: 64 hex digits"));
            }
            Some(k)
        }
        None => None,
    };
    let gateway = match env.get("DISCORD_GATEWAY").map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("on") | Some("true") | Some("1") => true,
        Some("off") | Some("false") | Some("0") => false,
        Some(_) => return Err(bad("DISCORD_GATEWAY", "must be on or off")),
    };
    if !gateway && public_key.is_none() {
        return Err(bad("DISCORD_GATEWAY", "is off, so DISCORD_PUBLIC_KEY must be set (HTTP interactions need it)"));
    }
    let Some(application_id) = env.id("DISCORD_APPLICATION_ID")? else {
        return Err(bad(
            "DISCORD_APPLICATION_ID",
            "not set: with DISCORD_TOKEN it is needed to answer interactions and register commands \
             (Developer Portal → General Information → Application ID)",
        ));
    };
    Ok(Some(DiscordConfig {
        token,
        application_id: Some(application_id),
        public_key,
        gateway,
        api_url: env.url("DISCORD_API_URL")?.unwrap_or_else(|| Url::parse("https://discord.com").expect("valid")),
        guild_id: env.id("DISCORD_GUILD_ID")?,
    }))
}

/// The unit a bare number in a duration variable is in (the variable's name says which).
#[derive(Clone, Copy)]
pub enum Unit {
    Secs,
    Mins,
}

/// The longest interval a variable may set: every one of them (polls, warnings, grace) is
/// minutes to days, and a year still fits every timer and date sum without overflow.
pub const DURATION_MAX: Duration = Duration::from_secs(365 * 86_400);

/// Parses a duration: a positive number in `unit` (`45`, `1.5`), or what users type to the
/// bot (`30s`, `5m`, `2h`, `1h30m`: the command parser's rule), at most [`DURATION_MAX`].
/// `None` for anything else.
pub fn parse_duration(text: &str, unit: Unit) -> Option<Duration> {
    let t = text.trim();
    if let Ok(n) = t.parse::<f64>() {
        let secs = match unit {
            Unit::Secs => n,
            Unit::Mins => n * 60.0,
        };
        return (secs.is_finite() && secs > 0.0 && secs <= DURATION_MAX.as_secs_f64())
            .then(|| Duration::from_secs_f64(secs));
    }
    crate::domain::parse_duration(t).ok().filter(|d| *d <= DURATION_MAX)
}

/// Reads variables: empty counts as unset; `…_FILE` for secrets.
struct Env<'a> {
    get: &'a dyn Fn(&str) -> Option<String>,
}

impl Env<'_> {
    fn get(&self, name: &str) -> Option<String> {
        (self.get)(name).filter(|v| !v.trim().is_empty())
    }

    /// A secret from `name` or from the file `name_FILE` names; both set is an error.
    fn secret(&self, name: &str) -> Result<Option<SecretString>, ConfigError> {
        read_secret(&|n| self.get(n), name).map(|v| v.map(SecretString::from))
    }

    fn number(&self, name: &str) -> Result<Option<f64>, ConfigError> {
        let Some(v) = self.get(name) else { return Ok(None) };
        match v.trim().parse::<f64>() {
            Ok(n) if n.is_finite() && n > 0.0 => Ok(Some(n)),
            _ => Err(bad(name, format!("must be a positive number, not {:?}", crate::text::clip(&v, 30)))),
        }
    }

    fn duration(&self, name: &str, unit: Unit) -> Result<Option<Duration>, ConfigError> {
        let Some(v) = self.get(name) else { return Ok(None) };
        parse_duration(&v, unit).map(Some).ok_or_else(|| {
            let bare = match unit {
                Unit::Secs => "seconds",
                Unit::Mins => "minutes",
            };
            bad(
                name,
                format!(
                    "must be a positive number of {bare} (or with a unit: 30s, 5m, 2h), at most 365d, not {:?}",
                    crate::text::clip(&v, 30)
                ),
            )
        })
    }

    fn url(&self, name: &str) -> Result<Option<Url>, ConfigError> {
        let Some(v) = self.get(name) else { return Ok(None) };
        let u = Url::parse(v.trim()).map_err(|e| bad(name, format!("is not a valid URL ({e})")))?;
        if !matches!(u.scheme(), "http" | "https") {
            return Err(bad(name, "must be an http:// or https:// URL"));
        }
        Ok(Some(u))
    }

    fn id(&self, name: &str) -> Result<Option<u64>, ConfigError> {
        let Some(v) = self.get(name) else { return Ok(None) };
        v.trim().parse().map(Some).map_err(|_| bad(name, "must be a numeric id (a Discord snowflake)"))
    }
}

/// `name` or the contents of the file `name_FILE` names (trimmed); both set is an error.
pub fn read_secret(get: &dyn Fn(&str) -> Option<String>, name: &str) -> Result<Option<String>, ConfigError> {
    let file_var = format!("{name}_FILE");
    let direct = get(name).filter(|v| !v.trim().is_empty());
    let file = get(&file_var).filter(|v| !v.trim().is_empty());
    match (direct, file) {
        (Some(_), Some(_)) => Err(bad(name, format!("both {name} and {file_var} are set; set only one"))),
        (Some(v), None) => Ok(Some(v.trim().to_owned())),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(Path::new(path.trim()))
                .map_err(|e| bad(&file_var, format!("cannot read {}: {e}", path.trim())))?;
            Ok(Some(text.trim().to_owned()))
        }
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests;
