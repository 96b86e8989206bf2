//! Commands and their one parser. No I/O: text in, a [`Command`] or a [`ParseError`] that
//! says what was expected out. Telegram text and console lines come through [`parse`];
//! Discord's options are mapped into the same enum.
//!
//! Grammar: `/name[@bot] args…`; args are space-separated, `"double quoted"` phrases are one
//! argument. Each command's arguments are described in `help.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

use secrecy::SecretString;

use super::help;
use crate::clore::validate::{MRL_MAX_HOURS, PASSWORD_MIN, check_image, check_ssh_key};
use crate::clore::{ApiKey, Currency, OrderId, PortProto, ServerId};
use crate::i18n::Lang;
use crate::market::Query;
use crate::store::WatchId;
use crate::t;
use crate::text::{ECHO_MAX, clip};

/// Longest server name `/hostset` takes; Clore's own are short (`rig-01`), this only stops
/// pasted text from travelling to Clore and into the audit log.
pub const HOST_NAME_MAX: usize = 100;

/// Longest snooze: past this a watch should be deleted instead.
pub const MAX_SNOOZE: Duration = Duration::from_secs(30 * 86_400);

#[derive(Debug, Clone)]
pub enum Command {
    Start,
    Help(Option<String>),
    KeyStatus,
    /// The key, or why it is not one. Either way the message held something secret-looking.
    KeySet(Result<ApiKey, String>),
    KeyRemove,
    Gpus(Query),
    Server(ServerId),
    Rent(RentArgs),
    Orders {
        all: bool,
    },
    Cancel {
        order: OrderId,
        issue: Option<String>,
    },
    SpotPrice {
        order: OrderId,
        price: f64,
    },
    Wallets,
    /// `/history <query> [24h|7d|30d]`: a price chart.
    History {
        query: Query,
        period: HistoryPeriod,
    },
    /// `/spend [7d|30d]`: what the caller's orders cost per day.
    Spend(HistoryPeriod),
    Watch(WatchArgs),
    Watches,
    Unwatch(WatchId),
    /// `None`: snooze off.
    Snooze {
        watch: WatchId,
        duration: Option<Duration>,
    },
    MyServers,
    HostSet(HostSetArgs),
    Settings(Vec<SettingChange>),
}

impl Command {
    /// The message held a secret: an API key, an SSH password, environment values (which
    /// are often tokens). It is deleted wherever the platform allows.
    pub fn holds_secret(&self) -> bool {
        match self {
            Command::KeySet(_) => true,
            Command::Settings(changes) => changes.iter().any(|c| matches!(c, SettingChange::SshPassword(Some(_)))),
            Command::Rent(a) => !a.env.is_empty(),
            _ => false,
        }
    }

    /// Whether the answer is for the caller alone wherever it is asked (their key, money,
    /// orders, servers, settings): it is then in their own language, not a group's.
    pub fn answers_privately(&self) -> bool {
        matches!(
            self,
            Command::KeyStatus
                | Command::KeySet(_)
                | Command::KeyRemove
                | Command::Wallets
                | Command::Orders { .. }
                | Command::Spend(_)
                | Command::MyServers
                | Command::Settings(_)
        )
    }

    /// The name for logs and metrics (never the arguments: they may hold secrets).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Start => "start",
            Command::Help(_) => "help",
            Command::KeyStatus | Command::KeySet(_) | Command::KeyRemove => "key",
            Command::Gpus(_) => "gpus",
            Command::Server(_) => "server",
            Command::Rent(_) => "rent",
            Command::Orders { .. } => "orders",
            Command::Cancel { .. } => "cancel",
            Command::SpotPrice { .. } => "spotprice",
            Command::Wallets => "wallets",
            Command::History { .. } => "history",
            Command::Spend(_) => "spend",
            Command::Watch(_) => "watch",
            Command::Watches => "watches",
            Command::Unwatch(_) => "unwatch",
            Command::Snooze { .. } => "snooze",
            Command::MyServers => "myservers",
            Command::HostSet(_) => "hostset",
            Command::Settings(_) => "settings",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RentTarget {
    Server(ServerId),
    /// The cheapest free server matching.
    Cheapest(Query),
    /// A bare number: a GPU model if the market has one of that name (`/rent 4090`), else a
    /// server id. `#42` always means a server.
    IdOrModel(ServerId, Query),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RentArgs {
    pub target: RentTarget,
    pub image: Option<String>,
    /// A spot bid per day; `None` rents on demand.
    pub spot: Option<f64>,
    /// Empty: SSH only (22/tcp).
    pub ports: Vec<(u16, PortProto)>,
    pub env: BTreeMap<String, String>,
    pub currency: Option<Currency>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AutorentArgs {
    pub max_orders: u32,
    /// Spend per day across the watch's orders; `None`: the watch's max price.
    pub daily_cap: Option<f64>,
    /// Keep renting after the first order (within the guardrails).
    pub keep: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WatchArgs {
    pub query: Query,
    /// The query terms as typed, without the watch's own words (`once`, `here`, `cooldown=`,
    /// `autorent …`), joined so that `Query::from_joined` reads them back as `query`: what a
    /// watch stores, and lists.
    pub query_text: String,
    pub once: bool,
    pub here: bool,
    pub cooldown: Duration,
    pub autorent: Option<AutorentArgs>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HostSetArgs {
    pub name: String,
    pub available: Option<bool>,
    pub mrl_hours: Option<u64>,
    pub price_btc: Option<f64>,
    pub spot_btc: Option<f64>,
}

#[derive(Debug, Clone)]
pub enum SettingChange {
    Currency(Currency),
    /// `None`: back to the bot's default image.
    Image(Option<String>),
    SshKey(Option<String>),
    SshPassword(Option<SecretString>),
    /// `None`: follow the app's language (`locale=auto`).
    Locale(Option<Lang>),
}

/// What was wrong with a command, in words for its user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
    /// The message held a secret (a key, a password): delete it where possible.
    pub secret: bool,
}

impl ParseError {
    pub(crate) fn new(message: impl Into<String>) -> ParseError {
        ParseError { message: message.into(), secret: false }
    }

    fn usage(cmd: &str, problem: impl std::fmt::Display) -> ParseError {
        ParseError::new(t!("parse-usage", problem = problem.to_string(), usage = help::usage(cmd)))
    }
}

/// Text as people's keyboards and clipboards deliver it, made comparable: compatibility
/// forms folded (NFKC: full-width `４０９０` → `4090`, `＜` → `<`) and invisible format
/// characters dropped (zero-width spaces and joiners, bidi controls, soft hyphens), so a
/// watch typed on a phone matches what it says.
pub fn normalize(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    text.nfkc().filter(|c| c.general_category() != GeneralCategory::Format).collect()
}

/// True if `text` is addressed to the bot as a command.
pub fn is_command(text: &str) -> bool {
    normalize(text).trim_start().starts_with('/')
}

/// A command's name, lowercased, without its `/` and `@bot` (`/GPUS@x 4090` → `gpus`).
pub fn name(text: &str) -> Option<String> {
    let text = normalize(text);
    let body = text.trim_start().strip_prefix('/')?;
    let head = body.split(char::is_whitespace).next().unwrap_or("");
    let name = head.split('@').next().unwrap_or("");
    (!name.is_empty()).then(|| name.to_ascii_lowercase())
}

/// True if `text` is a command addressed to another bot (`/gpus@otherbot`, as Telegram writes
/// commands in groups). `own` is this bot's username; without it every `@name` is taken as ours.
pub fn addressed_elsewhere(text: &str, own: Option<&str>) -> bool {
    let text = normalize(text);
    let Some(body) = text.trim_start().strip_prefix('/') else { return false };
    let head = body.split(char::is_whitespace).next().unwrap_or("");
    match (head.split_once('@'), own) {
        (Some((_, to)), Some(own)) => !to.eq_ignore_ascii_case(own.trim_start_matches('@')),
        _ => false,
    }
}

/// Parses one command line.
pub fn parse(text: &str) -> Result<Command, ParseError> {
    let text = normalize(text);
    let text = text.trim();
    let Some(body) = text.strip_prefix('/') else {
        return Err(ParseError::new(t!("not-a-command")));
    };
    let (head, rest) = match body.find(char::is_whitespace) {
        Some(i) => (&body[..i], body[i..].trim()),
        None => (body, ""),
    };
    // Telegram adds @botname in groups.
    let name = head.split('@').next().unwrap_or("").to_ascii_lowercase();
    match name.as_str() {
        "start" => no_args("start", rest, Command::Start),
        "help" => {
            let t = terms(rest)?;
            match t.as_slice() {
                [] => Ok(Command::Help(None)),
                [c] => Ok(Command::Help(Some(c.trim_start_matches('/').to_ascii_lowercase()))),
                _ => Err(ParseError::usage("help", t!("parse-help-one"))),
            }
        }
        "key" => parse_key(rest),
        "gpus" => Ok(Command::Gpus(query("gpus", &terms(rest)?)?)),
        "server" => Ok(Command::Server(one_id("server", rest, IdOf::Server)?)),
        // env values may be tokens: a /rent with env that fails to parse is deleted like a key.
        "rent" => parse_rent(rest).map_err(|e| ParseError { secret: e.secret || holds_env(rest), ..e }),
        "orders" => match rest.to_ascii_lowercase().as_str() {
            "" => Ok(Command::Orders { all: false }),
            "all" => Ok(Command::Orders { all: true }),
            _ => Err(ParseError::usage("orders", t!("parse-not-understood", term = short(rest)))),
        },
        "cancel" => {
            let (first, issue) = split_first(rest);
            let order = id("cancel", first, IdOf::Order)?;
            let issue = (!issue.is_empty()).then(|| issue.to_owned());
            if let Some(i) = &issue {
                crate::clore::validate::check_issue(i).map_err(|e| ParseError::usage("cancel", e))?;
            }
            Ok(Command::Cancel { order, issue })
        }
        "spotprice" => {
            let t = terms(rest)?;
            let [o, p] = t.as_slice() else {
                return Err(ParseError::usage("spotprice", t!("parse-spotprice-args")));
            };
            Ok(Command::SpotPrice { order: id("spotprice", o, IdOf::Order)?, price: price("spotprice", "price", p)? })
        }
        "wallets" => no_args("wallets", rest, Command::Wallets),
        "history" => parse_history(rest),
        "spend" => match rest {
            "" => Ok(Command::Spend(HistoryPeriod::Week)),
            p => match HistoryPeriod::parse(p) {
                Some(HistoryPeriod::Day) | None => {
                    Err(ParseError::usage("spend", t!("parse-spend-period", term = short(p))))
                }
                Some(period) => Ok(Command::Spend(period)),
            },
        },
        "watch" => parse_watch(rest),
        "watches" => no_args("watches", rest, Command::Watches),
        "unwatch" => Ok(Command::Unwatch(WatchId(one_id::<u64>("unwatch", rest, IdOf::Watch)? as i64))),
        "snooze" => {
            let t = terms(rest)?;
            let [w, d] = t.as_slice() else {
                return Err(ParseError::usage("snooze", t!("parse-snooze-args")));
            };
            let watch = WatchId(id::<u64>("snooze", w, IdOf::Watch)? as i64);
            let duration = if matches!(d.to_ascii_lowercase().as_str(), "off" | "0" | "none") {
                None
            } else {
                let dur = parse_duration(d).map_err(|e| ParseError::usage("snooze", e))?;
                if dur > MAX_SNOOZE {
                    return Err(ParseError::usage("snooze", t!("parse-snooze-too-long")));
                }
                Some(dur)
            };
            Ok(Command::Snooze { watch, duration })
        }
        "myservers" => no_args("myservers", rest, Command::MyServers),
        "hostset" => parse_hostset(rest),
        "settings" => parse_settings(rest),
        "" => Err(ParseError::new(t!("parse-empty"))),
        other => Err(ParseError::new(t!("parse-unknown-command", name = short(other)))),
    }
}

/// How far back `/history` looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryPeriod {
    Day,
    Week,
    Month,
}

impl HistoryPeriod {
    pub fn parse(s: &str) -> Option<HistoryPeriod> {
        match s.to_ascii_lowercase().as_str() {
            "24h" | "1d" | "day" => Some(HistoryPeriod::Day),
            "7d" | "1w" | "week" => Some(HistoryPeriod::Week),
            "30d" | "month" => Some(HistoryPeriod::Month),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            HistoryPeriod::Day => "24h",
            HistoryPeriod::Week => "7d",
            HistoryPeriod::Month => "30d",
        }
    }

    pub fn length(self) -> chrono::Duration {
        match self {
            HistoryPeriod::Day => chrono::Duration::hours(24),
            HistoryPeriod::Week => chrono::Duration::days(7),
            HistoryPeriod::Month => chrono::Duration::days(30),
        }
    }
}

fn parse_history(rest: &str) -> Result<Command, ParseError> {
    let mut t = terms(rest)?;
    let period = match t.last().and_then(|w| HistoryPeriod::parse(w)) {
        Some(p) => {
            t.pop();
            p
        }
        None => HistoryPeriod::Week,
    };
    // Only models: a filter would be dropped without a word (the chart is of the market
    // as recorded), and a mistyped period would read as a model.
    for term in &t {
        // Digits then one unit letter (`1y`, `12h`); never sliced by byte (user text).
        let duration_like = term
            .to_ascii_lowercase()
            .strip_suffix(['h', 'd', 'w', 'm', 'y'])
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if duration_like {
            return Err(ParseError::usage("history", t!("parse-history-period", term = short(term))));
        }
        if Query::from_terms(std::slice::from_ref(term)).map_or(true, |q| q.models().is_empty()) {
            return Err(ParseError::usage("history", t!("parse-history-not-model", term = short(term))));
        }
    }
    let query = query("history", &t)?;
    if query.models().is_empty() {
        return Err(ParseError::usage("history", t!("parse-history-which")));
    }
    Ok(Command::History { query, period })
}

fn no_args(cmd: &str, rest: &str, c: Command) -> Result<Command, ParseError> {
    if rest.is_empty() {
        Ok(c)
    } else {
        Err(ParseError::usage(cmd, t!("parse-no-arguments", cmd = cmd, term = short(rest))))
    }
}

/// Splits arguments on white space, keeping `"quoted phrases"` (straight or curly quotes,
/// as phone keyboards type them) together without their quotes — the query language's
/// splitting, shared by every command.
pub fn terms(text: &str) -> Result<Vec<String>, ParseError> {
    crate::market::query::split_terms(text)
        .map(|ts| ts.into_iter().map(|t| t.text).collect())
        .map_err(|_| ParseError::new(t!("parse-open-quote")))
}

fn split_first(rest: &str) -> (&str, &str) {
    match rest.find(char::is_whitespace) {
        Some(i) => (&rest[..i], rest[i..].trim()),
        None => (rest, ""),
    }
}

/// A fragment of the input as a reply may repeat it: at most [`ECHO_MAX`] characters.
fn short(s: &str) -> String {
    clip(s, ECHO_MAX)
}

/// Whether `/rent` arguments carry environment values (`env K=V` or `env=K=V`).
fn holds_env(rest: &str) -> bool {
    rest.split_whitespace().any(|w| w.to_ascii_lowercase().starts_with("env"))
}

/// A positive id (`42` or `#42`), typed as the caller needs it.
fn id<T: From<u64>>(cmd: &str, s: &str, what: IdOf) -> Result<T, ParseError> {
    let t = s.trim().trim_start_matches('#');
    if t.is_empty() {
        return Err(ParseError::usage(cmd, t!("parse-give-id", what = what.id())));
    }
    match t.parse::<u64>() {
        Ok(n) if n > 0 && n <= i64::MAX as u64 => Ok(T::from(n)),
        _ => Err(ParseError::usage(cmd, t!("parse-id-not-number", what = what.id(), term = short(t)))),
    }
}

fn one_id<T: From<u64>>(cmd: &str, rest: &str, what: IdOf) -> Result<T, ParseError> {
    let t = terms(rest)?;
    match t.as_slice() {
        [one] => id(cmd, one, what),
        [] => Err(ParseError::usage(cmd, t!("parse-give-id", what = what.id()))),
        _ => Err(ParseError::usage(cmd, t!("parse-give-one-id", what = what.id()))),
    }
}

/// Which id a command takes, for what its errors say (the catalogue's `$what` selector).
#[derive(Clone, Copy)]
enum IdOf {
    Server,
    Order,
    Watch,
}

impl IdOf {
    fn id(self) -> &'static str {
        match self {
            IdOf::Server => "server",
            IdOf::Order => "order",
            IdOf::Watch => "watch",
        }
    }
}

fn price(cmd: &str, field: &str, s: &str) -> Result<f64, ParseError> {
    let t = s.trim().trim_start_matches('$');
    match t.parse::<f64>() {
        Ok(p) if p.is_finite() && p > 0.0 => Ok(p),
        Ok(_) => Err(ParseError::usage(cmd, t!("parse-not-positive", field = field, term = short(s)))),
        Err(_) => Err(ParseError::usage(cmd, t!("parse-not-number", field = field, term = short(s)))),
    }
}

fn query(cmd: &str, t: &[String]) -> Result<Query, ParseError> {
    Query::from_terms(t).map_err(|e| ParseError::new(t!("parse-query", term = e.term, problem = e.problem, cmd = cmd)))
}

/// `30m`, `2h`, `1d`, `90s`, `1h30m`, `1w`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim().to_ascii_lowercase();
    let bad = || t!("parse-duration", term = short(s));
    if t.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for ch in t.chars() {
        if ch.is_ascii_digit() {
            num.push(ch);
            continue;
        }
        let unit = match ch {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return Err(bad()),
        };
        let n: u64 = num.parse().map_err(|_| bad())?;
        total = n.checked_mul(unit).and_then(|v| total.checked_add(v)).ok_or_else(bad)?;
        num.clear();
    }
    if !num.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

fn parse_key(rest: &str) -> Result<Command, ParseError> {
    let (first, more) = split_first(rest);
    match first.to_ascii_lowercase().as_str() {
        "" | "status" if more.is_empty() => Ok(Command::KeyStatus),
        "remove" | "delete" if more.is_empty() => Ok(Command::KeyRemove),
        "set" => Ok(Command::KeySet(api_key(more))),
        // `/key <key>`: a key pasted without `set` is still a key, and still secret.
        _ => Ok(Command::KeySet(api_key(rest))),
    }
}

fn api_key(s: &str) -> Result<ApiKey, String> {
    if s.trim().is_empty() {
        return Err(t!("parse-key-missing", usage = help::usage("key")));
    }
    ApiKey::parse(s).map_err(|e| t!("parse-key-bad", problem = e.problem))
}

fn parse_rent(rest: &str) -> Result<Command, ParseError> {
    let t = terms(rest)?;
    let mut image = None;
    let mut spot = None;
    let mut ports = Vec::new();
    let mut env = BTreeMap::new();
    let mut currency = None;
    let mut target_terms: Vec<String> = Vec::new();
    let mut it = t.into_iter();
    while let Some(term) = it.next() {
        let lower = term.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("image=").map(|_| &term["image=".len()..]) {
            if v.trim().is_empty() {
                return Err(ParseError::usage("rent", t!("parse-rent-image")));
            }
            image = Some(v.trim().to_owned());
        } else if let Some(v) = lower.strip_prefix("spot=") {
            spot = Some(price("rent", "spot", v)?);
        } else if let Some(v) = lower.strip_prefix("ports=") {
            ports = parse_ports(v).map_err(|e| ParseError::usage("rent", e))?;
        } else if let Some(v) = lower.strip_prefix("currency=") {
            currency = Some(
                v.parse::<Currency>().map_err(|_| ParseError::usage("rent", t!("parse-currency", term = short(v))))?,
            );
        } else if lower == "env" {
            let kv = it.next().ok_or_else(|| ParseError::usage("rent", t!("parse-env-missing")))?;
            add_env(&mut env, &kv)?;
        } else if let Some(kv) = lower.strip_prefix("env=").map(|_| &term["env=".len()..]) {
            add_env(&mut env, kv)?;
        } else {
            target_terms.push(term);
        }
    }
    let target = match target_terms.as_slice() {
        [] => return Err(ParseError::usage("rent", t!("parse-rent-which"))),
        [one] if one.starts_with('#') => RentTarget::Server(id("rent", one, IdOf::Server)?),
        // `4090` may be a server id or a model; the handler decides against the market.
        [one] if !one.is_empty() && one.chars().all(|c| c.is_ascii_digit()) => {
            RentTarget::IdOrModel(id("rent", one, IdOf::Server)?, query("rent", &target_terms)?)
        }
        many => {
            let mut q = query("rent", many)?;
            if let Some(c) = currency {
                q.set_currency(c);
            }
            RentTarget::Cheapest(q)
        }
    };
    let args = RentArgs { target, image, spot, ports, env, currency };
    // The limits Clore enforces, checked before anything is shown.
    let mut probe = crate::clore::CreateOrder::on_demand(
        ServerId(1),
        args.image.clone().unwrap_or_else(|| "probe".into()),
        Currency::Usd,
    );
    if !args.ports.is_empty() {
        probe.ports = args.ports.clone();
    }
    probe.env = args.env.clone();
    probe.validate().map_err(|e| ParseError::usage("rent", e))?;
    Ok(Command::Rent(args))
}

fn add_env(env: &mut BTreeMap<String, String>, kv: &str) -> Result<(), ParseError> {
    let Some((k, v)) = kv.split_once('=') else {
        return Err(ParseError::usage("rent", t!("parse-env-bad", term = short(kv))));
    };
    if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(ParseError::usage("rent", t!("parse-env-name", term = short(k))));
    }
    env.insert(k.to_owned(), v.to_owned());
    Ok(())
}

/// `22:tcp,8888:http` (a bare port is tcp).
pub fn parse_ports(s: &str) -> Result<Vec<(u16, PortProto)>, String> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (port, proto) = part.split_once(':').unwrap_or((part, "tcp"));
        let port: u16 =
            port.trim().parse().ok().filter(|p| *p > 0).ok_or_else(|| t!("parse-port", term = short(port)))?;
        let proto = match proto.trim() {
            "tcp" => PortProto::Tcp,
            "http" => PortProto::Http,
            other => return Err(t!("parse-port-proto", term = short(other))),
        };
        if out.iter().any(|(p, _)| *p == port) {
            return Err(t!("parse-port-twice", port = port.to_string()));
        }
        out.push((port, proto));
    }
    if out.is_empty() {
        return Err(t!("parse-ports-empty"));
    }
    Ok(out)
}

fn parse_watch(rest: &str) -> Result<Command, ParseError> {
    let t = terms(rest)?;
    let mut once = false;
    let mut here = false;
    let mut cooldown = Duration::ZERO;
    let mut autorent: Option<AutorentArgs> = None;
    let mut q_terms = Vec::new();
    for term in t {
        let lower = term.to_ascii_lowercase();
        match lower.as_str() {
            "once" => once = true,
            "here" => here = true,
            "autorent" => autorent = Some(AutorentArgs { max_orders: 1, daily_cap: None, keep: false }),
            "keep" if autorent.is_some() => autorent.as_mut().expect("checked").keep = true,
            _ => {
                if let Some(v) = lower.strip_prefix("cooldown=") {
                    cooldown = parse_duration(v).map_err(|e| ParseError::usage("watch", e))?;
                } else if let (Some(v), Some(a)) = (lower.strip_prefix("max_orders="), autorent.as_mut()) {
                    a.max_orders = v
                        .parse()
                        .ok()
                        .filter(|n| (1..=20).contains(n))
                        .ok_or_else(|| ParseError::usage("watch", t!("parse-max-orders", term = short(v))))?;
                } else if let (Some(v), Some(a)) = (lower.strip_prefix("daily_cap="), autorent.as_mut()) {
                    a.daily_cap = Some(price("watch", "daily_cap", v)?);
                } else if lower.starts_with("max_orders=") || lower.starts_with("daily_cap=") || lower == "keep" {
                    return Err(ParseError::usage("watch", t!("parse-after-autorent", term = short(&term))));
                } else {
                    q_terms.push(term);
                }
            }
        }
    }
    if q_terms.is_empty() {
        return Err(ParseError::usage("watch", t!("parse-watch-what")));
    }
    let query = query("watch", &q_terms)?;
    if autorent.is_some() && query.max_price().is_none() {
        return Err(ParseError::usage("watch", t!("parse-autorent-max")));
    }
    if autorent.is_some() && once {
        return Err(ParseError::usage("watch", t!("parse-autorent-once")));
    }
    let query_text = crate::market::query::join_terms(&q_terms);
    Ok(Command::Watch(WatchArgs { query, query_text, once, here, cooldown, autorent }))
}

fn parse_hostset(rest: &str) -> Result<Command, ParseError> {
    let t = terms(rest)?;
    let Some((name, opts)) = t.split_first() else {
        return Err(ParseError::usage("hostset", t!("parse-hostset-args")));
    };
    if name.chars().count() > HOST_NAME_MAX {
        return Err(ParseError::usage("hostset", t!("parse-host-name-long", max = HOST_NAME_MAX, term = short(name))));
    }
    let mut a = HostSetArgs { name: name.clone(), available: None, mrl_hours: None, price_btc: None, spot_btc: None };
    for o in opts {
        let lower = o.to_ascii_lowercase();
        match lower.as_str() {
            "on" | "available" => a.available = Some(true),
            "off" | "unavailable" => a.available = Some(false),
            _ => {
                if let Some(v) = lower.strip_prefix("mrl=") {
                    let h: u64 = v
                        .trim_end_matches('h')
                        .parse()
                        .map_err(|_| ParseError::usage("hostset", t!("parse-mrl-hours", term = short(v))))?;
                    if !(1..=MRL_MAX_HOURS).contains(&h) {
                        return Err(ParseError::usage("hostset", t!("parse-mrl-range", max = MRL_MAX_HOURS)));
                    }
                    a.mrl_hours = Some(h);
                } else if let Some(v) = lower.strip_prefix("price=") {
                    a.price_btc = Some(price("hostset", "price", v)?);
                } else if let Some(v) = lower.strip_prefix("spot=") {
                    a.spot_btc = Some(price("hostset", "spot", v)?);
                } else {
                    return Err(ParseError::usage("hostset", t!("parse-not-understood", term = short(o))));
                }
            }
        }
    }
    if a.available.is_none() && a.mrl_hours.is_none() && a.price_btc.is_none() && a.spot_btc.is_none() {
        return Err(ParseError::usage("hostset", t!("parse-hostset-what")));
    }
    Ok(Command::HostSet(a))
}

fn parse_settings(rest: &str) -> Result<Command, ParseError> {
    let t = terms(rest)?;
    // /settings may hold a password, however it is spelled: any error deletes the message,
    // and a term that may be one is never repeated.
    let fail = |msg: String| ParseError {
        message: t!("parse-usage", problem = msg, usage = help::usage("settings")),
        secret: true,
    };
    let mut out = Vec::new();
    for term in &t {
        let Some((k, v)) = term.split_once('=') else {
            let shown = if term.to_ascii_lowercase().contains("pass") { "…".to_owned() } else { short(term) };
            return Err(fail(t!("parse-settings-form", term = shown)));
        };
        let none = matches!(v.to_ascii_lowercase().as_str(), "none" | "default" | "");
        match k.to_ascii_lowercase().as_str() {
            "currency" => out.push(SettingChange::Currency(
                v.parse().map_err(|_: String| fail(t!("parse-currency", term = short(v))))?,
            )),
            "image" => {
                if !none {
                    check_image(v).map_err(|e| fail(t!("clore-invalid", field = e.field, problem = e.problem)))?;
                }
                out.push(SettingChange::Image((!none).then(|| v.trim().to_owned())))
            }
            "sshkey" | "ssh_key" => {
                if !none {
                    check_ssh_key(v).map_err(|e| fail(t!("parse-sshkey", problem = e.problem)))?;
                }
                out.push(SettingChange::SshKey((!none).then(|| v.trim().to_owned())));
            }
            "password" | "ssh_password" => {
                if !none {
                    crate::clore::validate::check_token("password", v)
                        .map_err(|e| fail(t!("clore-invalid", field = e.field, problem = e.problem)))?;
                    if v.chars().count() < PASSWORD_MIN {
                        return Err(fail(t!("parse-password-short", min = PASSWORD_MIN)));
                    }
                }
                out.push(SettingChange::SshPassword((!none).then(|| SecretString::from(v.to_owned()))));
            }
            "locale" | "language" | "lang" => {
                let auto = none || v.eq_ignore_ascii_case("auto");
                let lang = Lang::parse(v).filter(|_| v.len() <= 10);
                if !auto && lang.is_none() {
                    return Err(fail(t!("settings-locale-bad", value = short(v))));
                }
                out.push(SettingChange::Locale(lang));
            }
            other => {
                let shown = if other.contains("pass") { "…".to_owned() } else { short(other) };
                return Err(fail(t!("parse-settings-unknown", term = shown)));
            }
        }
    }
    Ok(Command::Settings(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Command {
        parse(s).unwrap_or_else(|e| panic!("{s:?} failed: {e}"))
    }

    fn err(s: &str) -> String {
        match parse(s) {
            Ok(c) => panic!("{s:?} parsed as {c:?}"),
            Err(e) => e.message,
        }
    }

    #[test]
    fn simple_commands() {
        assert!(matches!(ok("/start"), Command::Start));
        assert!(matches!(ok("/help"), Command::Help(None)));
        assert!(matches!(ok("/help /rent"), Command::Help(Some(c)) if c == "rent"));
        assert!(matches!(ok("/gpus@clorebot 4090"), Command::Gpus(_)));
        assert!(!addressed_elsewhere("/gpus@CloreBot 4090", Some("clorebot")));
        assert!(addressed_elsewhere("/gpus@otherbot 4090", Some("clorebot")));
        assert!(!addressed_elsewhere("/gpus@otherbot 4090", None));
        assert!(!addressed_elsewhere("/gpus 4090 me@host", Some("clorebot")));
        assert!(matches!(ok("/GPUS"), Command::Gpus(_)));
        assert!(matches!(ok("/server 123"), Command::Server(ServerId(123))));
        assert!(matches!(ok("/server #123"), Command::Server(ServerId(123))));
        assert!(matches!(ok("/orders"), Command::Orders { all: false }));
        assert!(matches!(ok("/orders all"), Command::Orders { all: true }));
        assert!(matches!(ok("/wallets"), Command::Wallets));
        // A term ending in a multi-byte letter is not cut inside it (it reads as a model).
        assert!(matches!(ok("/history 4090 5д"), Command::History { .. }));
        assert!(err("/history 4090 1y").contains("`1y` is not a period"));
        assert!(matches!(ok("/watches"), Command::Watches));
        assert!(matches!(ok("/unwatch 4"), Command::Unwatch(WatchId(4))));
        assert!(matches!(ok("/myservers"), Command::MyServers));
        assert!(matches!(ok("/key"), Command::KeyStatus));
        assert!(matches!(ok("/key remove"), Command::KeyRemove));
        assert!(matches!(ok("/key set Zq8sPnW3vK1tY6uR0mXb4cLd7hJf2gAe"), Command::KeySet(Ok(_))));
        assert!(matches!(ok("/key Zq8sPnW3vK1tY6uR0mXb4cLd7hJf2gAe"), Command::KeySet(Ok(_))));
        assert!(matches!(ok("/spotprice 7 0.35"), Command::SpotPrice { order: OrderId(7), price } if price == 0.35));
        assert!(
            matches!(ok("/snooze 3 1h30m"), Command::Snooze { watch: WatchId(3), duration: Some(d) } if d.as_secs() == 5400)
        );
        assert!(matches!(ok("/snooze 3 off"), Command::Snooze { watch: WatchId(3), duration: None }));
    }

    #[test]
    fn cancel_keeps_the_issue_text_as_typed() {
        match ok("/cancel 77 GPU #1 is   overheating") {
            Command::Cancel { order: OrderId(77), issue: Some(i) } => assert_eq!(i, "GPU #1 is   overheating"),
            c => panic!("{c:?}"),
        }
        assert!(matches!(ok("/cancel 77"), Command::Cancel { order: OrderId(77), issue: None }));
    }

    #[test]
    fn rent_arguments() {
        match ok(
            "/rent #42 image=pytorch/pytorch:latest spot=0.3 ports=22:tcp,8888:http env HF_TOKEN=abc env=X=1 currency=clore",
        ) {
            Command::Rent(a) => {
                assert_eq!(a.target, RentTarget::Server(ServerId(42)));
                assert_eq!(a.image.as_deref(), Some("pytorch/pytorch:latest"));
                assert_eq!(a.spot, Some(0.3));
                assert_eq!(a.ports, vec![(22, PortProto::Tcp), (8888, PortProto::Http)]);
                assert_eq!(a.env.get("HF_TOKEN").map(String::as_str), Some("abc"));
                assert_eq!(a.env.get("X").map(String::as_str), Some("1"));
                assert_eq!(a.currency, Some(Currency::Clore));
            }
            c => panic!("{c:?}"),
        }
        assert!(matches!(
            ok("/rent 4090"),
            Command::Rent(RentArgs { target: RentTarget::IdOrModel(ServerId(4090), _), .. })
        ));
        assert!(matches!(ok("/rent rtx 3090 x2"), Command::Rent(RentArgs { target: RentTarget::Cheapest(_), .. })));
        assert!(matches!(
            ok("/rent #4090"),
            Command::Rent(RentArgs { target: RentTarget::Server(ServerId(4090)), .. })
        ));
        assert!(matches!(
            ok("/rent 12"),
            Command::Rent(RentArgs { target: RentTarget::IdOrModel(ServerId(12), _), .. })
        ));
    }

    #[test]
    fn watch_arguments() {
        match ok("/watch 4090 max=0.4 once here cooldown=30m") {
            Command::Watch(w) => {
                assert!(w.once && w.here);
                assert_eq!(w.cooldown, Duration::from_secs(1800));
                assert_eq!(w.query_text, "4090 max=0.4");
                assert_eq!(w.query.max_price(), Some(0.4));
                assert!(w.autorent.is_none());
            }
            c => panic!("{c:?}"),
        }
        match ok("/watch a100 max=1.2 autorent max_orders=2 daily_cap=3 keep") {
            Command::Watch(w) => {
                assert_eq!(w.autorent, Some(AutorentArgs { max_orders: 2, daily_cap: Some(3.0), keep: true }))
            }
            c => panic!("{c:?}"),
        }
    }

    #[test]
    fn a_watch_query_text_reads_back_as_its_query() {
        let lines = [
            ("/watch 4090 max=4 cc in [DE,NL] x2 once", "4090 max=4 cc in [DE,NL] x2"),
            ("/watch cc here in [DE, NL] 4090", "cc in [DE, NL] 4090"),
            ("/watch \"rtx 3090\" currency=clore <40 spot cooldown=10m", "\"rtx 3090\" currency=clore <40 spot"),
            ("/watch a100 max=1.2 autorent max_orders=2 keep", "a100 max=1.2"),
            ("/watch \"rtx\t3090\" x2", "\"rtx\t3090\" x2"),
            ("/watch ４０９０ max＝0.35", "4090 max=0.35"),
        ];
        for (line, text) in lines {
            match ok(line) {
                Command::Watch(w) => {
                    assert_eq!(w.query_text, text, "{line}");
                    assert_eq!(Query::from_joined(&w.query_text), Ok(w.query), "{line}");
                }
                c => panic!("{c:?}"),
            }
        }
    }

    #[test]
    fn hostset_and_settings() {
        match ok("/hostset rig-a off mrl=72 price=0.00001") {
            Command::HostSet(h) => {
                assert_eq!(h.name, "rig-a");
                assert_eq!(h.available, Some(false));
                assert_eq!(h.mrl_hours, Some(72));
                assert_eq!(h.price_btc, Some(0.00001));
            }
            c => panic!("{c:?}"),
        }
        match ok(
            "/settings currency=clore image=none sshkey=\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g me@host\" password=s3cret-pw locale=de",
        ) {
            Command::Settings(ch) => {
                assert_eq!(ch.len(), 5);
                assert!(
                    matches!(&ch[2], SettingChange::SshKey(Some(k)) if k == "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g me@host")
                );
                assert!(matches!(&ch[1], SettingChange::Image(None)));
            }
            c => panic!("{c:?}"),
        }
        assert!(matches!(ok("/settings"), Command::Settings(c) if c.is_empty()));
    }

    #[test]
    fn errors_say_what_was_wrong() {
        let cases: &[(&str, &str)] = &[
            ("hello", "Commands start with /"),
            ("/frobnicate", "Unknown command /frobnicate"),
            ("/server", "Give the server id"),
            ("/server abc", "must be a positive whole number, not `abc`"),
            ("/server 0", "must be a positive whole number, not `0`"),
            ("/server 1 2", "Give one server id"),
            ("/wallets now", "/wallets takes no arguments, but got `now`"),
            ("/orders some", "I don't understand `some`"),
            ("/rent", "Say which server"),
            ("/rent 42 spot=-1", "spot must be a positive number"),
            ("/rent 42 spot=abc", "spot must be a number"),
            ("/rent 42 ports=22:udp", "tcp or http"),
            ("/rent 42 ports=0", "not a port number"),
            ("/rent 42 ports=22,22:http", "listed twice"),
            ("/rent 42 ports=1,2,3,4,5,6", "ports"),
            ("/rent 42 ports=80:http,81:http", "http"),
            ("/rent 42 env", "env must be followed by NAME=value"),
            ("/rent 42 env FOO", "env needs NAME=value"),
            ("/rent 42 image=", "image= needs"),
            ("/rent 42 currency=eur", "Unknown currency `eur`"),
            ("/cancel", "Give the order id"),
            ("/spotprice 7", "Give the order id and the new price"),
            ("/spotprice 7 free", "price must be a number"),
            ("/watch", "Say what to watch for"),
            ("/watch 4090 autorent", "needs a maximum price"),
            ("/watch 4090 max_orders=2", "only goes after autorent"),
            ("/watch 4090 max=0.4 autorent max_orders=99", "max_orders must be 1 to 20"),
            ("/watch 4090 cooldown=soon", "not a duration"),
            ("/snooze 3", "Give the watch id and how long"),
            ("/snooze 3 forever", "not a duration"),
            ("/snooze 3 60d", "at most 30d"),
            ("/hostset", "Give the server's name"),
            ("/hostset rig-a", "Say what to change"),
            ("/hostset rig-a mrl=0", "mrl must be 1 to"),
            ("/hostset rig-a color=blue", "I don't understand `color=blue`"),
            ("/settings currency=eur", "Unknown currency `eur`; use usd, clore or btc."),
            ("/settings theme=dark", "Unknown setting `theme`"),
            ("/settings sshkey=hello", "sshkey must be a public key"),
            ("/settings password=bad#char", "password"),
            ("/settings locale=english", "language must be en (English), de (Deutsch) or ru (Русский)"),
            ("/gpus \"rtx 4090", "not closed"),
            ("/help rent gpus", "one command at a time"),
            ("/watch 4090 <0", "a price ceiling must be above 0"),
            ("/watch 4090 price<=0", "a price ceiling must be above 0"),
            ("/settings password=short", "at least 8 characters"),
            ("/settings image=a;b", "not a Docker image reference"),
            ("/hostset ", "Give the server's name"),
        ];
        for (input, want) in cases {
            let e = err(input);
            assert!(e.contains(want), "{input:?} → {e:?}, expected it to contain {want:?}");
        }
    }

    #[test]
    fn key_errors_never_repeat_the_key() {
        match ok("/key set short") {
            Command::KeySet(Err(e)) => assert!(!e.contains("short"), "{e}"),
            c => panic!("{c:?}"),
        }
        let e = parse("/settings password=bad#pass").unwrap_err();
        assert!(e.secret && !e.message.contains("bad#pass"), "{e:?}");
    }

    #[test]
    fn any_error_of_a_command_that_may_hold_a_secret_is_secret() {
        for line in [
            "/settings ssh_password=x",
            "/settings sshpassword=hunter2hunter2",
            "/settings theme=dark",
            "/settings currency=eur",
            "/rent 42 env FOO",
            "/rent 42 env=BAD-NAME=1",
        ] {
            let e = parse(line).unwrap_err();
            assert!(e.secret, "{line} → {e:?}");
            assert!(!e.message.contains("hunter2"), "{e:?}");
        }
        for line in ["/rent 42 spot=-1", "/gpus \"x", "/watch"] {
            assert!(!parse(line).unwrap_err().secret, "{line}");
        }
    }

    #[test]
    fn input_is_normalised_before_parsing() {
        assert_eq!(normalize("／ｇｐｕｓ　４０９０"), "/gpus 4090");
        assert_eq!(normalize("40\u{200b}90\u{200e}\u{2066}x\u{2069}\u{ad}"), "4090x");
        assert!(is_command("\u{feff}/start"));
        match (ok("/watch ４０９０ max＝0.4"), ok("/watch 4090 max=0.4")) {
            (Command::Watch(a), Command::Watch(b)) => assert_eq!(a, b),
            other => panic!("{other:?}"),
        }
        // Echoes are bounded whatever was typed.
        assert!(err(&format!("/{}", "z".repeat(10_000))).chars().count() < 120);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s").unwrap().as_secs(), 90);
        assert_eq!(parse_duration("2h").unwrap().as_secs(), 7200);
        assert_eq!(parse_duration("1d").unwrap().as_secs(), 86_400);
        assert_eq!(parse_duration("1w").unwrap().as_secs(), 604_800);
        for bad in ["", "h", "5", "0m", "5x", "99999999999999999999d", "1.5h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn terms_respect_quotes() {
        assert_eq!(terms(r#"a "b c"  d"#).unwrap(), vec!["a", "b c", "d"]);
        assert_eq!(terms("“rtx 3090” x2").unwrap(), vec!["rtx 3090", "x2"]);
        assert!(terms("").unwrap().is_empty());
    }
}
