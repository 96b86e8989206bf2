//! The table of every variable clorebot reads: name, default and meaning, as
//! `docs/configuration.md` shows it.

/// One documented variable: its name, its default (as text), and what it does.
pub struct Var {
    pub name: &'static str,
    pub default: &'static str,
    pub meaning: &'static str,
    /// A secret: may be given as `<name>_FILE`, a path whose contents are the value.
    pub secret: bool,
}

const fn var(name: &'static str, default: &'static str, meaning: &'static str) -> Var {
    Var { name, default, meaning, secret: false }
}

const fn secret(name: &'static str, default: &'static str, meaning: &'static str) -> Var {
    Var { name, default, meaning, secret: true }
}

/// Every variable, in the order `docs/configuration.md` lists them.
pub const VARIABLES: &[Var] = &[
    secret(
        "DATABASE_URL",
        "— (`demo`, `chat` and tests start a throwaway PostgreSQL)",
        "PostgreSQL connection URL; required for `run`, `migrate` and `keys rotate`",
    ),
    secret(
        "CLOREBOT_MASTER_KEY",
        "—",
        "base64 of 32 random bytes (`clorebot keys generate`): encrypts API keys at rest",
    ),
    secret(
        "CLOREBOT_MASTER_KEYS",
        "—",
        "keyring for rotation, newest first: `3:<base64>,2:<base64>`; takes precedence over the above",
    ),
    var("CLORE_API_URL", "`https://api.clore.ai/v1`", "the Clore API (point it at `clorebot sim`)"),
    secret("CLORE_MARKET_KEY", "—", "an API key for market polls (the marketplace is public; optional)"),
    var(
        "CLORE_MAX_RPS",
        "`50`",
        "Clore requests per second for the whole process, all keys together (the account poll uses at most 80 %); each replica has its own",
    ),
    var("CLOREBOT_HTTP_LISTEN", "`0.0.0.0:8080`", "`/healthz`, `/readyz`, `/metrics` (and the webhook endpoints)"),
    var(
        "CLOREBOT_MARKET_POLL_SECS",
        "`30`",
        "market poll interval: one marketplace fetch serves every watch (±10 % jitter; doubling backoff on errors)",
    ),
    var("CLOREBOT_ORDERS_POLL_SECS", "`60`", "orders, hosts' servers and balances are polled this often per user"),
    var("CLOREBOT_ENDING_SOON_MINS", "`60`", "warn this long before an order's maximum rental ends"),
    var("CLOREBOT_LOW_BALANCE_HOURS", "`24`", "warn when wallets cover less than this much of current spend"),
    var(
        "CLOREBOT_MARKET_TTL_SECS",
        "`30`",
        "a cached market snapshot older than this is refreshed when `/gpus` needs it",
    ),
    var(
        "CLOREBOT_SHUTDOWN_GRACE_SECS",
        "`20`",
        "on SIGTERM / Ctrl-C, how long in-flight rents and deliveries get to finish",
    ),
    var(
        "CLOREBOT_BOT_USERNAME",
        "—",
        "the console's bot username: `/cmd@thisname` is ours, `/cmd@other` is ignored; unset, every `/cmd@name` is ignored (Telegram's comes from `getMe`)",
    ),
    var(
        "CLOREBOT_CONSOLE_ADMINS",
        "—",
        "console users (comma-separated) who administer every console group; a group's first speaker administers it too",
    ),
    secret("TELEGRAM_BOT_TOKEN", "—", "starts the Telegram front-end"),
    var("TELEGRAM_API_URL", "`https://api.telegram.org`", "a self-hosted Bot API server or a test fake"),
    var(
        "TELEGRAM_WEBHOOK_URL",
        "— (long polling)",
        "set: webhook mode at `POST /telegram/webhook`; unset: long polling",
    ),
    secret("TELEGRAM_WEBHOOK_SECRET", "generated", "the secret header Telegram sends with webhook updates"),
    secret("DISCORD_TOKEN", "—", "starts the Discord front-end"),
    var(
        "DISCORD_APPLICATION_ID",
        "—",
        "the application's id; required with `DISCORD_TOKEN` (commands and answers go under it)",
    ),
    var("DISCORD_PUBLIC_KEY", "—", "hex Ed25519 key: serves `POST /discord/interactions`"),
    var("DISCORD_GATEWAY", "`on`", "`off`: HTTP interactions only (no websocket)"),
    var("DISCORD_API_URL", "`https://discord.com`", "REST base (a proxy or a test fake)"),
    var("DISCORD_GUILD_ID", "—", "register commands in one guild (instant) instead of globally"),
    var("LOG_FORMAT", "`pretty`", "`json` for one JSON object per log line (logs go to stderr)"),
    var(
        "RUST_LOG",
        "`info,serenity=warn,serenity::gateway=error`",
        "log filter, e.g. `clorebot=debug,info` or `trace`; a few targets stay capped whatever it says (see Logs in docs/configuration.md)",
    ),
];

/// [`VARIABLES`] as a markdown table (a test keeps `docs/configuration.md`'s copy identical).
pub fn markdown_table() -> String {
    let mut out = String::from("| variable | default | meaning |\n|---|---|---|\n");
    for v in VARIABLES {
        let name = if v.secret { format!("`{0}` (or `{0}_FILE`)", v.name) } else { format!("`{}`", v.name) };
        out.push_str(&format!("| {name} | {} | {} |\n", v.default, v.meaning));
    }
    out
}
