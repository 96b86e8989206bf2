//! The platform-neutral heart of clorebot: a caller and a [`Command`] (or a button press) in,
//! [`Reply`]s out. Front-ends only translate; every rule about prices, keys, orders and
//! watches lives here, against the Clore client and the store.

pub mod actions;
pub mod chats;
pub mod command;
pub mod handlers;
pub mod help;
pub mod identity;
pub mod inline;
pub mod offers;
pub mod progress;
pub mod reply;
pub mod suggest;
pub mod views;

tokio::task_local! {
    /// Set while a process finishes what a dead one had started (see [`recovered`]).
    static RECOVERED: ();
}

/// Runs `work` as the finishing of an interaction or update that a dead process had begun:
/// a confirmation found used then was most likely used by that process, so it is answered
/// with what became of its attempt rather than as a second press.
pub async fn recovered<F: std::future::Future>(work: F) -> F::Output {
    RECOVERED.scope((), work).await
}

/// Whether the current work finishes what a dead process had begun.
pub(crate) fn is_recovered() -> bool {
    RECOVERED.try_with(|_| ()).is_ok()
}

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use sqlx::PgPool;
use tracing::Instrument;

pub use crate::domain::{ChatKind, ChatRef, Identity, Platform};
pub use command::{Command, ParseError, parse};
pub use identity::{Caller, Frontend};
pub use progress::Progress;
pub use reply::{Block, Button, ButtonStyle, Menu, MenuOption, PressResponse, Reply, Response, Span, Text, Visibility};

use crate::clore::{ApiKey, CloreClient};
use crate::i18n::{self, Lang};
use crate::market::MarketCache;
use crate::services::Deps;
pub use crate::services::{Failure, explain_clore};
use crate::store::crypto::Keyring;
use crate::store::users;
use crate::store::users::{Chat, User};
use crate::t;

/// Knobs of the command layer; defaults are what production runs with.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// Rows per `/gpus` page: a screenful on a phone.
    pub page_size: usize,
    /// Confirm buttons expire after this (two minutes: long enough to read, short enough that the price still holds).
    pub confirm_ttl: Duration,
    /// Navigation buttons (Next, Details, Rent) live longer: a listing stays useful a while.
    pub nav_ttl: Duration,
    /// Image used when neither the command nor the user's settings name one.
    pub default_image: String,
    /// Guardrail against runaway watch creation by one user (personal and team watches).
    pub max_watches_per_user: i64,
    /// Team watches one chat may have, whoever made them: a channel stays readable.
    pub max_watches_per_chat: i64,
    /// This bot's username: `/cmd@it` is for us, `/cmd@another` is not (`CLOREBOT_BOT_USERNAME`,
    /// or what the platform reports at start).
    pub bot_username: Option<String>,
    /// Console users who administer every console group (`CLOREBOT_CONSOLE_ADMINS`); a
    /// group's creator administers it too.
    pub console_admins: Vec<String>,
    /// The clock the bot reads (shared through [`Deps::clock`]): the system's, or a test's.
    pub clock: Arc<dyn crate::domain::Clock>,
}

impl Default for CoreConfig {
    fn default() -> Self {
        CoreConfig {
            page_size: 8,
            confirm_ttl: Duration::from_secs(120),
            nav_ttl: Duration::from_secs(3600),
            default_image: "cloreai/ubuntu22.04-cuda12".into(),
            max_watches_per_user: 50,
            max_watches_per_chat: 50,
            bot_username: None,
            console_admins: Vec::new(),
            clock: crate::domain::clock::system(),
        }
    }
}

/// Everything the handlers share.
pub struct Core {
    /// What the services and the alert engine share.
    pub deps: Arc<Deps>,
    pub cfg: CoreConfig,
    /// Runs before every command is handled. Production has none; tests use it to make a
    /// handler fail in ways the real ones no longer do (a panic), to prove containment.
    pub probe: std::sync::OnceLock<Probe>,
}

/// See [`Core::probe`].
pub type Probe = Arc<dyn Fn(&Command) + Send + Sync>;

pub type Outcome = Result<Vec<Reply>, Failure>;

/// One request's view: the core, the caller, and their rows.
pub struct Ctx<'a> {
    pub core: &'a Core,
    pub caller: &'a Caller,
    pub user: User,
    pub chat: Chat,
    /// The language of this request's answers (also [`Lang::current`] while it is handled).
    pub lang: Lang,
    /// Where a press shows how far it got before its answer (nobody listens to a command's).
    pub progress: Progress,
}

impl Ctx<'_> {
    /// The caller's API key, or a user error that says how to add one.
    pub async fn api_key(&self) -> Result<ApiKey, Failure> {
        self.api_key_if_set().await?.ok_or_else(|| Failure::user(t!("no-key")))
    }

    /// The caller's API key if one is stored (for commands that only do more with one); a
    /// stored key that cannot be read is still an error that says to set it again.
    pub async fn api_key_if_set(&self) -> Result<Option<ApiKey>, Failure> {
        self.core.deps.api_key_of(&self.user).await
    }

    /// Whether the caller may manage this chat's team watches, asked of the front-end now.
    pub async fn is_chat_admin(&self) -> Result<bool, Failure> {
        self.caller.frontend.is_chat_admin(&self.caller.who, &self.caller.chat).await.map_err(|e| {
            tracing::warn!(error = %format!("{e:#}"), "could not ask the platform whether the caller is an admin");
            Failure::User(t!("admin-check-failed", platform = platform_name(self.caller.platform())))
        })
    }

    /// The caller's private chat, resolved by the front-end (and remembered for alerts).
    pub async fn private_chat(&self) -> Result<String, Failure> {
        if self.caller.in_private() {
            return Ok(self.caller.chat.chat_id.clone());
        }
        let found = self.caller.frontend.private_chat(&self.caller.who).await.map_err(|e| {
            Failure::Internal(e.context("the platform did not say where to reach the caller privately"))
        })?;
        let Some(dm) = found else {
            return Err(Failure::user(t!("no-private-chat")));
        };
        users::set_private_chat(&self.core.deps.pool, self.user.id, &dm).await?;
        Ok(dm)
    }

    /// The caller's own language, whatever the chat's: for answers only they read.
    pub fn own_lang(&self) -> Lang {
        i18n::resolve([self.user.settings.locale.as_deref(), self.caller.who.locale.as_deref()])
    }

    /// The currency the caller sees prices in.
    pub fn currency(&self) -> crate::clore::Currency {
        self.user.settings.currency
    }
}

impl Core {
    pub fn new(pool: PgPool, clore: CloreClient, keyring: Arc<Keyring>, cfg: CoreConfig, market_ttl: Duration) -> Core {
        let market = Arc::new(MarketCache::new(clore.clone(), market_ttl));
        let deps = Arc::new(Deps {
            pool,
            clore,
            keyring,
            market,
            default_image: cfg.default_image.clone(),
            clock: cfg.clock.clone(),
            confirm_ttl: cfg.confirm_ttl,
            nav_ttl: cfg.nav_ttl,
            process: Arc::new(crate::store::processes::Liveness::new()),
        });
        Core { deps, cfg, probe: std::sync::OnceLock::new() }
    }

    /// Handles one line of text. Text that is not a command gets a hint in private chats and
    /// is ignored in groups (people talk there), as are commands to other bots.
    pub async fn handle_text(&self, caller: &Caller, text: &str) -> Response {
        if command::addressed_elsewhere(text, self.cfg.bot_username.as_deref()) {
            return Response::default();
        }
        if !command::is_command(text) {
            if !caller.in_private() {
                return Response::default();
            }
            let r = i18n::sync_scope(self.lang_of(caller).await, || Reply::text(t!("not-a-command")));
            return Response { replies: vec![r], delete_trigger: false };
        }
        // The parser has no I/O, so a command that did not parse, or parsed into words for
        // the user (a key that is not one), is parsed again in the caller's language: only
        // they pay for looking it up.
        let parsed = match parse_contained(text) {
            Ok(cmd) if !matches!(cmd, Command::KeySet(Err(_))) => Ok(cmd),
            _ => i18n::sync_scope(self.lang_of(caller).await, || parse_contained(text)),
        };
        match parsed {
            Ok(cmd) => self.handle(caller, cmd).await,
            Err(e) => {
                metrics::counter!("clorebot_commands_total", "command" => "unparsed", "outcome" => "user_error")
                    .increment(1);
                let r = Reply::text(e.message);
                Response { replies: vec![if e.secret { r.private() } else { r }], delete_trigger: e.secret }
            }
        }
    }

    /// The language to answer `caller` in before their rows are read (what the parser says,
    /// what a front-end says on its own): the group's choice, their own, their app's.
    /// A database hiccup here costs only the choice: the app's language is used.
    pub async fn lang_of(&self, caller: &Caller) -> Lang {
        let chosen =
            users::chosen_locales(&self.deps.pool, caller.platform(), &caller.who.user_id, &caller.chat.chat_id).await;
        let (user, group) = chosen.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not read the caller's language");
            (None, None)
        });
        i18n::resolve([group.as_deref(), user.as_deref(), caller.who.locale.as_deref()])
    }

    /// Handles a parsed command. A command whose message held a secret is answered privately
    /// when it fails, and its message is deleted whatever the outcome.
    pub async fn handle(&self, caller: &Caller, cmd: Command) -> Response {
        let name = cmd.name();
        let secret = cmd.holds_secret();
        let own_language = cmd.answers_privately();
        let span =
            tracing::info_span!("command", cmd = name, platform = %caller.platform(), user = %caller.who.user_id);
        // The language chosen for this request, for the answer to a panic in it.
        let chosen = &std::sync::OnceLock::new();
        let replies = shielded(
            name,
            async move {
                if let Some(probe) = self.probe.get() {
                    probe(&cmd);
                }
                let answer = |out: Outcome| match out {
                    Ok(replies) => (replies, "ok"),
                    Err(f) => {
                        let (r, outcome) = failure_reply(f);
                        (vec![if secret { r.private() } else { r }], outcome)
                    }
                };
                match self.context(caller).await {
                    Ok(cx) => {
                        let lang = if own_language { cx.own_lang() } else { cx.lang };
                        let _ = chosen.set(lang);
                        i18n::scope(lang, async { answer(handlers::dispatch(&cx, cmd).await) }).await
                    }
                    Err(f) => i18n::sync_scope(hint(caller), || answer(Err(f))),
                }
            }
            .instrument(span),
            || chosen.get().copied().unwrap_or_else(|| hint(caller)),
            |r| vec![r],
        )
        .await;
        Response { replies, delete_trigger: secret }
    }

    /// Handles a button press.
    pub async fn press(&self, caller: &Caller, token: &str) -> PressResponse {
        self.press_with(caller, token, Progress::none()).await
    }

    /// Handles a button press, showing what the handler publishes on the way (see
    /// [`progress`]) through `show`, at most one state per `every`: a front-end that can
    /// change the pressed message passes how.
    pub async fn press_showing<S, Fut>(&self, caller: &Caller, token: &str, every: Duration, show: S) -> PressResponse
    where
        S: FnMut(Reply) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let (progress, feed) = Progress::channel();
        progress::showing(self.press_with(caller, token, progress), feed, every, show).await
    }

    async fn press_with(&self, caller: &Caller, token: &str, progress: Progress) -> PressResponse {
        let span = tracing::info_span!("press", platform = %caller.platform(), user = %caller.who.user_id);
        let chosen = &std::sync::OnceLock::new();
        shielded(
            "press",
            async move {
                let failed = |f| {
                    let (r, outcome) = failure_reply(f);
                    (PressResponse::replies(vec![r]), outcome)
                };
                match self.context(caller).await {
                    Ok(mut cx) => {
                        cx.progress = progress;
                        let _ = chosen.set(cx.lang);
                        i18n::scope(cx.lang, actions::press(&cx, token)).await
                    }
                    Err(f) => i18n::sync_scope(hint(caller), || failed(f)),
                }
            }
            .instrument(span),
            || chosen.get().copied().unwrap_or_else(|| hint(caller)),
            |r| PressResponse::replies(vec![r]),
        )
        .await
    }

    async fn context<'a>(&'a self, caller: &'a Caller) -> Result<Ctx<'a>, Failure> {
        // A private chat is where private messages reach the caller: remember it.
        let dm = caller.in_private().then_some(caller.chat.chat_id.as_str());
        let user = users::upsert_user_reachable(
            &self.deps.pool,
            caller.platform(),
            &caller.who.user_id,
            // Names are the platform's to give; one with a NUL byte is still stored.
            &crate::text::storable(&caller.who.display_name),
            dm,
        )
        .await?;
        let chat = users::upsert_chat(
            &self.deps.pool,
            caller.platform(),
            &caller.chat.chat_id,
            caller.chat.kind,
            caller.chat.guild_id.as_deref(),
            &crate::text::storable(&caller.chat_title),
        )
        .await?;
        if let Some(app) = caller.who.locale.as_deref()
            && crate::text::control_char(app).is_none()
            && user.platform_locale.as_deref() != Some(app)
        {
            users::set_platform_locale(&self.deps.pool, user.id, app).await?;
        }
        let group = chat.locale.as_deref().filter(|_| !caller.in_private());
        let lang = i18n::resolve([group, user.settings.locale.as_deref(), caller.who.locale.as_deref()]);
        Ok(Ctx { core: self, caller, user, chat, lang, progress: Progress::none() })
    }
}

/// Parses `text`; a panic in the parser is still one user's failure, not the process's.
fn parse_contained(text: &str) -> Result<Command, command::ParseError> {
    std::panic::catch_unwind(|| command::parse(text)).unwrap_or_else(|p| {
        let reference = reference();
        tracing::error!(reference = %reference, panic = %crate::telemetry::panic_text(&*p), "the parser panicked");
        Err(command::ParseError::new(t!("parser-panicked", reference = reference)))
    })
}

/// The caller's app language, for the rare answer given before their rows could be read.
fn hint(caller: &Caller) -> Lang {
    i18n::resolve([caller.who.locale.as_deref()])
}

/// A platform's name as users know it.
pub fn platform_name(p: Platform) -> String {
    match p {
        Platform::Telegram => t!("platform-telegram"),
        Platform::Discord => t!("platform-discord"),
        Platform::Console => t!("platform-console"),
    }
}

/// The reply for a failure, and the outcome's name for metrics.
pub(crate) fn failure_reply(f: Failure) -> (Reply, &'static str) {
    match f {
        Failure::User(msg) => (Reply::text(msg), "user_error"),
        Failure::Internal(e) => {
            let reference = reference();
            tracing::error!(reference = %reference, error = ?e, "request failed");
            (internal_error(&reference), "internal_error")
        }
    }
}

fn internal_error(reference: &str) -> Reply {
    Reply::text(t!("internal-error", reference = reference))
}

/// Runs one update's handling so that a panic in it is logged and answered like an internal
/// error (`on_panic` shapes that reply): it never ends the front-end's loop, the process, or
/// anyone else's request. Counts the command by outcome and times it.
async fn shielded<T>(
    command: &'static str,
    work: impl std::future::Future<Output = (T, &'static str)>,
    lang: impl FnOnce() -> Lang,
    on_panic: impl FnOnce(Reply) -> T,
) -> T {
    use futures_util::FutureExt;
    let started = std::time::Instant::now();
    let (answer, outcome) = match std::panic::AssertUnwindSafe(work).catch_unwind().await {
        Ok(done) => done,
        Err(panic) => {
            let reference = reference();
            tracing::error!(reference = %reference, panic = %crate::telemetry::panic_text(&*panic), "a handler panicked");
            (on_panic(i18n::sync_scope(lang(), || internal_error(&reference))), "panic")
        }
    };
    metrics::counter!("clorebot_commands_total", "command" => command, "outcome" => outcome).increment(1);
    metrics::histogram!("clorebot_command_seconds", "command" => command).record(started.elapsed().as_secs_f64());
    answer
}

/// A short id tying a user's error message to the log line.
fn reference() -> String {
    let mut rng = rand::rng();
    (0..6).map(|_| (b'A' + rng.random_range(0..26u8)) as char).collect()
}
