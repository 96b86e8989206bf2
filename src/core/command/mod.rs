//! Commands and their one parser. No I/O: text in, a [`Command`] or a [`ParseError`] that
//! says what was expected out. Telegram text and console lines come through [`parse`];
//! Discord's options are mapped into the same enum.
//!
//! Grammar: `/name[@bot] args…`; args are space-separated, `"double quoted"` phrases are one
//! argument. Each command's arguments are described in `help.rs`.
//!
//! [`parse`] reads the name and hands the arguments to that command's grammar:
//!
//! - here: `/help`, and the commands that take no arguments (`/wallets`,
//!   `/watches`, `/myservers`);
//! - `market.rs`: `/gpus`, `/server`, `/market`, `/history`, `/spend`: the market, one
//!   server, the market per model, and prices or spending over a period;
//! - `start.rs`: `/start`, with a deep link's payload;
//! - `rent.rs`: `/rent`, `/orders`, `/cancel`, `/spotprice`, and the `ports=` list
//!   ([`parse_ports`]);
//! - `watch.rs`: `/watch` (with `autorent`), `/unwatch`, `/snooze`;
//! - `account.rs`: `/key`, `/settings`;
//! - `hosts.rs`: `/hostset`;
//! - `templates.rs`: `/template save|show|delete`, `/templates`;
//! - `common.rs`: the pieces every grammar shares: [`terms`], ids, prices, queries, and the
//!   bounded echo of what was typed;

mod account;
mod common;
mod hosts;
mod market;
mod rent;
mod start;
mod templates;
mod watch;

use std::collections::BTreeMap;
use std::time::Duration;

use secrecy::SecretString;

use self::common::{no_args, short};
use super::help;
use crate::clore::{ApiKey, Currency, OrderId, PortProto, ServerId};
use crate::domain::WatchId;
use crate::i18n::Lang;
use crate::market::Query;
use crate::t;

pub use self::common::terms;
pub use self::hosts::{HOST_NAME_MAX, HostSetArgs};
pub use self::rent::{CANCEL_MAX, RENT_COUNT_MAX, parse_ports};
pub use self::start::{PAYLOAD_MAX, rent_payload, start_payload};
pub use self::templates::{TEMPLATE_COMMAND_MAX, TEMPLATE_NAME_MAX, TEMPLATES_MAX, TemplateArgs, template_name};
pub use self::watch::{MAX_COOLDOWN, MAX_ORDERS, MAX_SNOOZE};

#[derive(Debug, Clone)]
pub enum Command {
    Start,
    Help(Option<String>),
    KeyStatus,
    /// The key, or why it is not one. Either way the message held something secret-looking.
    KeySet(Result<ApiKey, String>),
    KeyRemove,
    /// The query, and its terms as typed, joined (`market::query::join_terms`).
    Gpus {
        query: Query,
        text: String,
    },
    Server(ServerId),
    Rent(RentArgs),
    Orders {
        all: bool,
    },
    Cancel {
        order: OrderId,
        issue: Option<String>,
    },
    /// `/cancel all` (`None`) or `/cancel 1001 1002 …`: one confirmation for them all.
    CancelMany {
        orders: Option<Vec<OrderId>>,
    },
    SpotPrice {
        order: OrderId,
        price: f64,
    },
    /// `/spotguard <order> max=<price> [margin=<price>] [rebid]`, or `off` (`None`).
    SpotGuard {
        order: OrderId,
        guard: Option<GuardArgs>,
    },
    Wallets,
    /// `/market [models]`: each model's free count and prices now against its history; the
    /// models and their terms as typed, joined (as `Gpus`).
    Market {
        query: Query,
        text: String,
    },
    /// `/history <query> [24h|7d|30d]`: a price chart.
    History {
        query: Query,
        period: HistoryPeriod,
    },
    /// `/spend [7d|30d]`: what the caller's orders cost per day.
    Spend(HistoryPeriod),
    /// `/earnings [7d|30d]`: what the caller's hosted servers earned, estimated.
    Earnings(HistoryPeriod),
    Watch(WatchArgs),
    /// `/start watch_<id>` (a team alert's deep link): the team watch, to copy for oneself.
    SharedWatch(WatchId),
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
    /// `/templates`: the caller's templates and, in a group, the group's.
    Templates,
    TemplateSave(TemplateArgs),
    TemplateShow(String),
    TemplateDelete(String),
}

impl Command {
    /// The message held a secret: an API key, an SSH password, environment values (which
    /// are often tokens). It is deleted wherever the platform allows.
    pub fn holds_secret(&self) -> bool {
        match self {
            Command::KeySet(_) => true,
            Command::Settings(changes) => changes.iter().any(|c| matches!(c, SettingChange::SshPassword(Some(_)))),
            Command::Rent(a) => !a.env.is_empty(),
            Command::TemplateSave(a) => a.holds_secret(),
            _ => false,
        }
    }

    /// Whether it acts for the chat rather than the caller (`here`: a team watch, a team
    /// template): it needs a chat the bot is in, with others in it.
    pub fn acts_for_the_chat(&self) -> bool {
        match self {
            Command::Watch(a) => a.here,
            Command::TemplateSave(a) => a.here,
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
                | Command::Earnings(_)
                | Command::MyServers
                | Command::Settings(_)
        )
    }

    /// The name for logs and metrics (never the arguments: they may hold secrets).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Start | Command::SharedWatch(_) => "start",
            Command::Help(_) => "help",
            Command::KeyStatus | Command::KeySet(_) | Command::KeyRemove => "key",
            Command::Gpus { .. } => "gpus",
            Command::Server(_) => "server",
            Command::Rent(_) => "rent",
            Command::Orders { .. } => "orders",
            Command::Cancel { .. } | Command::CancelMany { .. } => "cancel",
            Command::SpotPrice { .. } => "spotprice",
            Command::SpotGuard { .. } => "spotguard",
            Command::Wallets => "wallets",
            Command::Market { .. } => "market",
            Command::History { .. } => "history",
            Command::Spend(_) => "spend",
            Command::Earnings(_) => "earnings",
            Command::Watch(_) => "watch",
            Command::Watches => "watches",
            Command::Unwatch(_) => "unwatch",
            Command::Snooze { .. } => "snooze",
            Command::MyServers => "myservers",
            Command::HostSet(_) => "hostset",
            Command::Settings(_) => "settings",
            Command::Templates => "templates",
            Command::TemplateSave(_) | Command::TemplateShow(_) | Command::TemplateDelete(_) => "template",
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

/// A spot guard's settings: the cap, the margin kept over waiting offers (`None`: the default
/// share of the cap), and whether to rent again within the cap after an outbid.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardArgs {
    pub max: f64,
    pub margin: Option<f64>,
    pub rebid: bool,
}

/// Debug shows `env` names only (below): its values may be tokens.
#[derive(Clone, PartialEq)]
pub struct RentArgs {
    pub target: RentTarget,
    pub image: Option<String>,
    /// A spot bid per day; `None` rents on demand.
    pub spot: Option<f64>,
    /// Empty: SSH only (22/tcp).
    pub ports: Vec<(u16, PortProto)>,
    pub env: BTreeMap<String, String>,
    pub currency: Option<Currency>,
    /// `count=N`: the N cheapest free matches of a query, with one confirmation.
    pub count: Option<usize>,
    /// `t=<name>`: a template whose values fill in what the command leaves out.
    pub template: Option<String>,
    /// `guard=<max> [margin=…] [rebid]`: a spot guard on the order (with `spot=`).
    pub guard: Option<GuardArgs>,
}

impl std::fmt::Debug for RentArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RentArgs")
            .field("target", &self.target)
            .field("image", &self.image)
            .field("spot", &self.spot)
            .field("ports", &self.ports)
            .field("env", &crate::text::env_names(&self.env))
            .field("currency", &self.currency)
            .field("count", &self.count)
            .field("template", &self.template)
            .field("guard", &self.guard)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AutorentArgs {
    pub max_orders: u32,
    /// Spend per day across the watch's orders; `None`: the watch's max price.
    pub daily_cap: Option<f64>,
    /// Keep renting after the first order (within the guardrails).
    pub keep: bool,
    /// `t=<name>`: the template its orders are made with.
    pub template: Option<String>,
    /// `guard=<max> [margin=…] [rebid]`: a spot guard on each order (a `spot` watch).
    pub guard: Option<GuardArgs>,
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
    /// `digest=hourly|daily`.
    pub digest: Option<crate::domain::quiet::DigestPeriod>,
    pub autorent: Option<AutorentArgs>,
    /// A market watch's condition (`count>=5`, `drop>=10% in=24h`, `newlow=7d`).
    pub condition: Option<crate::market::condition::Condition>,
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
    /// `quiet=23:00-08:00`; `None`: `quiet=off`. In a group, the group's (admins only).
    Quiet(Option<crate::domain::quiet::QuietWindow>),
    /// `tz=Europe/Berlin`: the zone quiet hours are in.
    Tz(chrono_tz::Tz),
    /// `idle=<hours>`: a free server is idle after this long; 0 `off`, `None` the default.
    IdleHours(Option<u16>),
    /// `undercut=<n>`: this many more cheaper free servers alert; 0 `off`, `None` the default.
    UndercutN(Option<u16>),
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
/// commands in groups). `own` is this bot's username; without it every `@name` is another's
/// (the console with no `CLOREBOT_BOT_USERNAME`: `/gpus@otherbot` was answered there).
pub fn addressed_elsewhere(text: &str, own: Option<&str>) -> bool {
    let text = normalize(text);
    let Some(body) = text.trim_start().strip_prefix('/') else { return false };
    let head = body.split(char::is_whitespace).next().unwrap_or("");
    match (head.split_once('@'), own) {
        (Some((_, to)), Some(own)) => !to.eq_ignore_ascii_case(own.trim_start_matches('@')),
        // With no name of our own, a command addressed to any bot is not ours.
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Parses one command line: reads the command's name and hands its arguments to that
/// command's grammar.
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
    if let Some(c) = crate::text::control_char(text) {
        // Said, not stored (Postgres refuses U+0000); a message that may hold a secret is
        // deleted like one that failed to parse.
        let secret = matches!(name.as_str(), "key" | "settings" | "rent" | "template");
        return Err(ParseError {
            message: t!("parse-control-character", code = format!("U+{:04X}", u32::from(c))),
            secret,
        });
    }
    match name.as_str() {
        "start" => start::parse_start(rest),
        "help" => parse_help(rest),
        "key" => account::parse_key(rest),
        "gpus" => market::parse_gpus(rest),
        "server" => market::parse_server(rest),
        // env values may be tokens: a /rent with env that fails to parse is deleted like a key.
        "rent" => rent::parse_rent(rest).map_err(|e| ParseError { secret: e.secret || rent::holds_env(rest), ..e }),
        "orders" => rent::parse_orders(rest),
        "cancel" => rent::parse_cancel(rest),
        "spotprice" => rent::parse_spotprice(rest),
        "spotguard" => rent::parse_spotguard(rest),
        "wallets" => no_args("wallets", rest, Command::Wallets),
        "market" => market::parse_market(rest),
        "history" => market::parse_history(rest),
        "spend" => market::parse_spend(rest),
        "earnings" => market::parse_earnings(rest),
        "watch" => watch::parse_watch(rest),
        "watches" => no_args("watches", rest, Command::Watches),
        "unwatch" => watch::parse_unwatch(rest),
        "snooze" => watch::parse_snooze(rest),
        "myservers" => no_args("myservers", rest, Command::MyServers),
        "hostset" => hosts::parse_hostset(rest),
        "settings" => account::parse_settings(rest),
        "template" => templates::parse_template(rest),
        "templates" => templates::parse_templates(rest),
        "" => Err(ParseError::new(t!("parse-empty"))),
        other => Err(ParseError::new(t!("parse-unknown-command", name = short(other)))),
    }
}

/// `/help [command]`.
fn parse_help(rest: &str) -> Result<Command, ParseError> {
    let t = terms(rest)?;
    match t.as_slice() {
        [] => Ok(Command::Help(None)),
        [c] => Ok(Command::Help(Some(c.trim_start_matches('/').to_ascii_lowercase()))),
        _ => Err(ParseError::usage("help", t!("parse-help-one"))),
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

#[cfg(test)]
mod tests;
