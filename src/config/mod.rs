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
mod tests {
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
            cfg(&[("DISCORD_TOKEN", "t"), ("DISCORD_APPLICATION_ID", "1311111111111111111")])
                .unwrap()
                .discord
                .is_some()
        );
    }

    #[test]
    fn secrets_come_from_files_and_never_show_in_debug() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "123:very-secret-token\n").unwrap();
        let c = cfg(&[
            ("TELEGRAM_BOT_TOKEN_FILE", path.to_str().unwrap()),
            ("DATABASE_URL", "postgres://u:pw-secret@h/db"),
        ])
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
            let row = readme
                .lines()
                .find(|l| l.starts_with(&format!("| {label}")))
                .unwrap_or_else(|| panic!("no row {label}"));
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
}
