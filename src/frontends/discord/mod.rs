//! The Discord front-end (docs/discord.md): interactions over the gateway (a websocket; no public
//! address needed) and/or HTTP (`POST /discord/interactions`, signed with the application's
//! key) — one handler for both — slash commands and buttons
//! through the core, forms for secrets (key, password, environment), suggestions while typing, and alerts to channels and
//! DMs. Work after the first answer goes through Discord's REST API (serenity's `Http`).

pub mod commands;
mod config;
pub mod forms;
mod gateway;
mod inbox;
pub mod install;
pub mod interactions;
mod place;
pub mod render;
pub mod verify;

pub use config::DiscordConfig;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use secrecy::ExposeSecret;
use serenity::http::{Http, HttpBuilder};
use serenity::model::id::ApplicationId;
use tokio_util::task::TaskTracker;

use crate::core::{ChatRef, Core, Frontend, Identity, Platform, Reply};
use crate::notify::record::SendLog;
use crate::notify::{Notifier, SendError, SendWindows, Target};
use crate::store::platform_sends::Sent;

/// The public REST base; anything else (a proxy, the tests' fake) is reached through
/// serenity's proxy setting, which works only with its own rate limiter off.
const DISCORD: &str = "https://discord.com";

/// A REST client for `cfg`: Discord itself (with serenity's rate limiter), or a proxy / the
/// tests' fake (reachable only with the limiter off).
pub fn http(cfg: &DiscordConfig) -> anyhow::Result<Http> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(15)).build()?;
    let mut b = HttpBuilder::new(cfg.token.expose_secret()).client(client);
    if let Some(app) = cfg.application_id {
        b = b.application_id(ApplicationId::new(app));
    }
    let base = cfg.api_url.as_str().trim_end_matches('/');
    if base != DISCORD {
        b = b.proxy(base).ratelimiter_disabled(true);
    }
    Ok(b.build())
}

pub struct Discord {
    core: Arc<Core>,
    pub http: Arc<Http>,
    verifier: Option<verify::Verifier>,
    /// Interactions being finished after their first answer: shutdown lets them end.
    tasks: TaskTracker,
    /// Writes interactions to the inbox (started with the first one).
    recorder: std::sync::OnceLock<crate::store::inbox_writer::Recorder>,
    /// The users' DM channels with the bot.
    dms: Arc<place::Dms>,
}

impl Discord {
    pub fn new(core: Arc<Core>, cfg: &DiscordConfig) -> anyhow::Result<Arc<Discord>> {
        let http = Arc::new(http(cfg)?);
        let verifier = match &cfg.public_key {
            Some(k) => Some(verify::Verifier::from_hex(k).map_err(|e| anyhow::anyhow!("DISCORD_PUBLIC_KEY {e}"))?),
            None => None,
        };
        let dms = Arc::new(place::Dms::new(http.clone()));
        Ok(Arc::new(Discord { core, http, verifier, tasks: TaskTracker::new(), recorder: Default::default(), dms }))
    }

    /// `POST /discord/interactions`, when the application's public key is configured.
    pub fn interactions_router(self: &Arc<Self>) -> Option<axum::Router> {
        self.verifier.is_some().then(|| interactions::router(self.clone()))
    }

    /// Registers the slash commands (a bulk overwrite): in `guild` when given (instant, for
    /// development), else globally.
    pub async fn register(&self, guild: Option<u64>) -> anyhow::Result<usize> {
        let made = match guild {
            Some(g) => {
                let defs = commands::registrations(commands::Scope::Guild);
                self.http.create_guild_commands(serenity::model::id::GuildId::new(g), &defs).await
            }
            None => self.http.create_global_commands(&commands::registrations(commands::Scope::Global)).await,
        }
        .map_err(|e| anyhow::anyhow!("registering the slash commands failed: {}", interactions::describe(&e)))?;
        Ok(made.len())
    }

    /// Runs until `stop`: registers the commands (retrying with backoff until Discord takes
    /// them), then lets interactions under way finish when told to stop.
    pub async fn run(self: Arc<Self>, guild: Option<u64>, stop: tokio_util::sync::CancellationToken) {
        let mut failures = 0;
        loop {
            match self.register(guild).await {
                Ok(n) => {
                    tracing::info!(commands = n, guild = ?guild, "Discord slash commands registered");
                    break;
                }
                Err(e) => {
                    failures += 1;
                    let pause =
                        crate::retry::doubled(Duration::from_secs(2), failures.min(6), Duration::from_secs(300));
                    tracing::warn!(error = %e, retry_in = ?pause, "could not register the Discord commands");
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = tokio::time::sleep(pause) => {}
                    }
                }
            }
        }
        stop.cancelled().await;
        self.finish().await;
    }

    /// Waits for interactions still being finished (shutdown).
    pub async fn finish(&self) {
        self.tasks.close();
        self.tasks.wait().await;
    }
}

/// What only Discord can answer, for one interaction: whether the member may manage the
/// channel's team watches comes with the interaction (their permissions in that channel);
/// a private chat is a DM channel, opened on demand.
pub struct InteractionFrontend {
    /// Manage Channels or Administrator in the channel the interaction came from (never
    /// where the bot is not: nothing can be managed there).
    pub manages_channel: bool,
    dms: Arc<place::Dms>,
}

impl Frontend for InteractionFrontend {
    fn is_chat_admin<'a>(&'a self, _who: &'a Identity, chat: &'a ChatRef) -> BoxFuture<'a, anyhow::Result<bool>> {
        Box::pin(async move { Ok(self.manages_channel || chat.kind == crate::core::ChatKind::Dm) })
    }

    fn private_chat<'a>(&'a self, who: &'a Identity) -> BoxFuture<'a, anyhow::Result<Option<String>>> {
        Box::pin(async move { self.dms.open(&who.user_id).await.map(Some) })
    }

    fn shows_menus(&self) -> bool {
        true
    }
}

/// Sends outbox alerts to Discord: team alerts to their channel, personal ones to the user's
/// DM channel (opened on demand). It calls Discord's REST API itself, so that a 429's
/// `retry_after` and the `X-RateLimit-*` headers are read (serenity keeps neither when its
/// limiter is off, as it must be behind a proxy).
#[derive(Clone)]
pub struct DiscordNotifier {
    core: Arc<Core>,
    client: reqwest::Client,
    /// `…/api/v10`.
    base: String,
    token: secrecy::SecretString,
    channels: Arc<std::sync::Mutex<SendWindows>>,
    /// Channels Discord said to leave alone until then (`X-RateLimit-Remaining: 0`).
    resting: Arc<std::sync::Mutex<std::collections::HashMap<String, std::time::Instant>>>,
    /// Under Discord's global limit of 50 requests a second.
    overall: Arc<governor::DefaultDirectRateLimiter>,
    /// The shared record of sends: what a sender taking over counts.
    log: SendLog,
}

/// A later part of a split alert is tried this many more times, waiting at most this long,
/// and all later parts together are given at most [`LATER_PARTS_WITHIN`].
const PART_TRIES: u32 = 3;
const PART_WAIT_MAX: Duration = Duration::from_secs(10);
pub const LATER_PARTS_WITHIN: Duration = Duration::from_secs(30);

/// Requests per second this notifier makes in all: Discord allows a bot 50, and interaction
/// follow-ups share them.
const OVERALL_PER_SEC: u32 = 45;

/// Discord lets a bot post about 5 messages per 5 seconds in one channel.
pub fn channel_windows() -> SendWindows {
    SendWindows::new(5, Duration::from_secs(5))
}

impl Discord {
    pub fn notifier(&self, cfg: &DiscordConfig) -> anyhow::Result<DiscordNotifier> {
        Ok(DiscordNotifier {
            core: self.core.clone(),
            client: reqwest::Client::builder().timeout(Duration::from_secs(15)).build()?,
            base: format!("{}/api/v10", cfg.api_url.as_str().trim_end_matches('/')),
            token: cfg.token.clone(),
            channels: Arc::new(std::sync::Mutex::new(channel_windows())),
            resting: Default::default(),
            log: SendLog::start(self.core.deps.pool.clone(), Platform::Discord),
            // Evenly spaced, no burst: a burst on top of a full second would pass 50 in one.
            overall: Arc::new(governor::RateLimiter::direct(
                governor::Quota::with_period(Duration::from_secs(1) / OVERALL_PER_SEC)
                    .expect("a non-zero period")
                    .allow_burst(std::num::NonZeroU32::MIN),
            )),
        })
    }
}

/// Seconds Discord gave in a header or body as a wait: at most an hour, and a second for
/// anything unreadable (a header may say `NaN`).
fn seconds(s: f64) -> Duration {
    Duration::try_from_secs_f64(s.clamp(0.0, 3600.0)).unwrap_or(Duration::from_secs(1))
}

/// What Discord's answer to a failed request means for an alert.
fn refused(status: u16, code: i64, message: &str, retry_after: Option<f64>) -> SendError {
    let why = format!("Discord answered {status} (code {code}): {}", crate::text::clip(message, 200));
    match (status, code) {
        (429, _) => SendError::Retry { after: Some(seconds(retry_after.unwrap_or(1.0))), why },
        // Cannot DM the user, no mutual server, unknown channel or user, no access.
        (_, 50007 | 50278 | 10003 | 10013 | 50001 | 50013) | (403 | 404, _) => SendError::Gone(why),
        (s, _) if s >= 500 => SendError::Retry { after: None, why },
        // A bad token is for the operator to fix: alerts wait rather than being dropped.
        (401, _) => SendError::Retry { after: None, why },
        _ => SendError::Permanent(why),
    }
}

impl DiscordNotifier {
    /// One REST call; `Ok` with the answer's JSON, or what its failure means.
    async fn call(
        &self,
        path: &str,
        body: &serde_json::Value,
        channel: Option<&str>,
    ) -> Result<serde_json::Value, SendError> {
        self.overall.until_ready().await;
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::AUTHORIZATION, self.authorization()?)
            .json(body)
            .send()
            .await
            .map_err(|e| SendError::Retry {
                after: None,
                why: format!("request to Discord failed ({})", if e.is_timeout() { "timed out" } else { "network" }),
            })?;
        let status = resp.status().as_u16();
        // By route, ids left out (a DM channel opened, a message posted).
        let route = if path.starts_with("/users/") { "open_dm" } else { "post_message" };
        metrics::counter!("clorebot_discord_requests_total", "route" => route, "status" => status.to_string())
            .increment(1);
        let header =
            |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<f64>().ok());
        let (remaining, reset_after, retry_header) =
            (header("x-ratelimit-remaining"), header("x-ratelimit-reset-after"), header("retry-after"));
        let json: serde_json::Value = resp.json().await.unwrap_or(serde_json::Value::Null);
        if let (Some(ch), Some(r), Some(after)) = (channel, remaining, reset_after)
            && r < 1.0
        {
            // The channel's bucket is empty: hold its next alerts until it refills.
            let until = self.core.deps.clock.instant() + seconds(after);
            self.resting.lock().unwrap_or_else(|p| p.into_inner()).insert(ch.to_owned(), until);
        }
        if (200..300).contains(&status) {
            if let Some(ch) = channel {
                self.log.sent(ch.to_owned());
            }
            return Ok(json);
        }
        let retry_after = json["retry_after"].as_f64().or(retry_header);
        Err(refused(status, json["code"].as_i64().unwrap_or(0), json["message"].as_str().unwrap_or(""), retry_after))
    }

    /// The `Authorization` header, marked sensitive so no debug output shows it.
    fn authorization(&self) -> Result<reqwest::header::HeaderValue, SendError> {
        let mut v = reqwest::header::HeaderValue::try_from(format!("Bot {}", self.token.expose_secret()))
            .map_err(|_| SendError::Permanent("DISCORD_TOKEN holds characters a header cannot".into()))?;
        v.set_sensitive(true);
        Ok(v)
    }

    /// Whether `channel` may take `parts` messages now.
    fn check_room(&self, channel: &str, parts: usize) -> Result<(), SendError> {
        let now = self.core.deps.clock.instant();
        let mut resting = self.resting.lock().unwrap_or_else(|p| p.into_inner());
        match resting.get(channel) {
            Some(until) if *until > now => return Err(SendError::Later { after: *until - now }),
            Some(_) => {
                resting.remove(channel);
            }
            None => {}
        }
        drop(resting);
        SendWindows::check_at(&self.channels, channel, parts, now)
    }
}

impl Notifier for DiscordNotifier {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    /// A channel's messages of the last 5 s count against its 5 per 5 s.
    fn taking_over(&self, recent: &[Sent]) {
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        let now = self.core.deps.clock.instant();
        for s in recent.iter().filter(|s| s.sender != self.log.sender()) {
            channels.seed_at(&s.chat, s.ago, now);
        }
    }

    async fn send(&self, to: &Target, reply: &Reply) -> Result<(), SendError> {
        let channel = match (&to.chat_id, &to.user_platform_id) {
            (Some(c), _) => c.clone(),
            (None, Some(user)) => {
                let dm = self.call("/users/@me/channels", &serde_json::json!({ "recipient_id": user }), None).await?;
                let Some(id) = dm["id"].as_str() else { return Err(SendError::retry("Discord opened no DM channel")) };
                // Remembered: the user's next private alerts go there directly.
                if let Some(u) = to.user {
                    self.core.remember_private_chat(u, id).await;
                }
                id.to_owned()
            }
            (None, None) => return Err(SendError::Permanent("an alert with neither a channel nor a user".into())),
        };
        if channel.parse::<u64>().is_err() {
            return Err(SendError::Permanent(format!("{channel:?} is not a Discord channel id")));
        }
        let parts = render::messages(reply);
        self.check_room(&channel, parts.len())?;
        let path = format!("/channels/{channel}/messages");
        let mut parts = parts.iter();
        if let Some(first) = parts.next() {
            self.call(&path, &first.json(false), Some(&channel)).await?;
        }
        // Once the first part is out, a retry of the alert would send it twice: the rest is
        // tried here, a few times, and what still fails is logged and left out.
        let until = std::time::Instant::now() + LATER_PARTS_WITHIN;
        for (i, m) in parts.enumerate() {
            let mut tries = 0;
            loop {
                if std::time::Instant::now() >= until {
                    tracing::error!(part = i + 2, "a later part of an alert ran out of time and was left out");
                    break;
                }
                match self.call(&path, &m.json(false), Some(&channel)).await {
                    Ok(_) => break,
                    Err(SendError::Retry { after, why }) if tries < PART_TRIES => {
                        tries += 1;
                        tracing::info!(%why, "a later part of an alert is tried again");
                        tokio::time::sleep(after.unwrap_or(Duration::from_secs(1)).min(PART_WAIT_MAX)).await;
                    }
                    Err(e) => {
                        tracing::error!(part = i + 2, error = ?e, "a later part of an alert was not delivered");
                        break;
                    }
                }
            }
        }
        Ok(())
    }
}
