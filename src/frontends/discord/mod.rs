//! The Discord front-end (DESIGN §11): interactions over the gateway (a websocket; no public
//! address needed) and/or HTTP (`POST /discord/interactions`, signed with the application's
//! key) — one handler for both — slash commands and buttons
//! through the core, the `/key` form, suggestions while typing, and alerts to channels and
//! DMs. Work after the first answer goes through Discord's REST API (serenity's `Http`).

pub mod commands;
pub mod gateway;
pub mod interactions;
pub mod render;
pub mod verify;

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use secrecy::ExposeSecret;
use serenity::http::{Http, HttpBuilder};
use serenity::model::id::ApplicationId;
use tokio_util::task::TaskTracker;

use crate::alerts::deliver::{Notifier, SendError, SendWindows, Target};
use crate::config::DiscordConfig;
use crate::core::{ChatRef, Core, Frontend, Identity, Platform, Reply};

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
}

impl Discord {
    pub fn new(core: Arc<Core>, cfg: &DiscordConfig) -> anyhow::Result<Arc<Discord>> {
        let http = Arc::new(http(cfg)?);
        let verifier = match &cfg.public_key {
            Some(k) => Some(verify::Verifier::from_hex(k).map_err(|e| anyhow::anyhow!("DISCORD_PUBLIC_KEY {e}"))?),
            None => None,
        };
        Ok(Arc::new(Discord { core, http, verifier, tasks: TaskTracker::new() }))
    }

    /// `POST /discord/interactions`, when the application's public key is configured.
    pub fn interactions_router(self: &Arc<Self>) -> Option<axum::Router> {
        self.verifier.is_some().then(|| interactions::router(self.clone()))
    }

    /// Registers the slash commands (a bulk overwrite): in `guild` when given (instant, for
    /// development), else globally.
    pub async fn register(&self, guild: Option<u64>) -> anyhow::Result<usize> {
        let defs = commands::registrations();
        let made = match guild {
            Some(g) => self.http.create_guild_commands(serenity::model::id::GuildId::new(g), &defs).await,
            None => self.http.create_global_commands(&defs).await,
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
    /// Manage Channels or Administrator in the channel the interaction came from.
    pub manages_channel: bool,
    pub http: Arc<Http>,
}

impl Frontend for InteractionFrontend {
    fn is_chat_admin<'a>(&'a self, _who: &'a Identity, chat: &'a ChatRef) -> BoxFuture<'a, anyhow::Result<bool>> {
        Box::pin(async move { Ok(self.manages_channel || chat.kind == crate::core::ChatKind::Dm) })
    }

    fn private_chat<'a>(&'a self, who: &'a Identity) -> BoxFuture<'a, anyhow::Result<Option<String>>> {
        Box::pin(async move {
            let channel =
                self.http
                    .create_private_channel(&serde_json::json!({ "recipient_id": who.user_id }))
                    .await
                    .map_err(|e| anyhow::anyhow!("opening a DM channel failed: {}", interactions::describe(&e)))?;
            Ok(Some(channel.id.to_string()))
        })
    }
}

/// Sends outbox alerts to Discord: team alerts to their channel, personal ones to the user's
/// DM channel (opened on demand; the delivery loop remembers nothing it does not need to —
/// the user row keeps the channel once a command was used in a DM).
#[derive(Clone)]
pub struct DiscordNotifier {
    http: Arc<Http>,
    channels: Arc<std::sync::Mutex<SendWindows>>,
    /// Discord's global limit, 50 requests a second; kept here too because serenity's own
    /// limiter is off when requests go through a proxy.
    overall: Arc<governor::DefaultDirectRateLimiter>,
}

/// Requests per second a bot may make in all.
const OVERALL_PER_SEC: u32 = 50;

/// Discord lets a bot post about 5 messages per 5 seconds in one channel.
pub fn channel_windows() -> SendWindows {
    SendWindows::new(5, Duration::from_secs(5))
}

impl Discord {
    pub fn notifier(&self) -> DiscordNotifier {
        DiscordNotifier {
            http: self.http.clone(),
            channels: Arc::new(std::sync::Mutex::new(channel_windows())),
            overall: Arc::new(governor::RateLimiter::direct(governor::Quota::per_second(
                std::num::NonZeroU32::new(OVERALL_PER_SEC).expect("non-zero"),
            ))),
        }
    }
}

/// What a failed send means for an alert (Discord's JSON error codes; a 429's body has none).
pub fn classify(e: &serenity::Error) -> SendError {
    use serenity::http::HttpError;
    let why = interactions::describe(e);
    match e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => match (r.status_code.as_u16(), r.error.code) {
            (429, _) => SendError::Retry { after: Some(Duration::from_secs(5)), why },
            // Cannot DM the user, no mutual server, unknown channel or user, no access.
            (_, 50007 | 50278 | 10003 | 10013 | 50001 | 50013) | (403 | 404, _) => SendError::Gone(why),
            (s, _) if s >= 500 => SendError::Retry { after: None, why },
            // A bad token is for the operator to fix: alerts wait rather than being dropped.
            (401, _) => SendError::Retry { after: None, why },
            _ => SendError::Permanent(why),
        },
        serenity::Error::Http(HttpError::Request(_)) | serenity::Error::Io(_) => SendError::Retry { after: None, why },
        serenity::Error::Model(_) => SendError::Permanent(why),
        // Sent, but the answer did not read: sending again would double it.
        serenity::Error::Json(_) => SendError::Permanent(format!("sent, but {why}")),
        _ => SendError::Retry { after: None, why },
    }
}

impl Notifier for DiscordNotifier {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    async fn send(&self, to: &Target, reply: &Reply) -> Result<(), SendError> {
        let channel = match (&to.chat_id, &to.user_platform_id) {
            (Some(c), _) => c.clone(),
            (None, Some(user)) => {
                self.overall.until_ready().await;
                self.http
                    .create_private_channel(&serde_json::json!({ "recipient_id": user }))
                    .await
                    .map_err(|e| classify(&e))?
                    .id
                    .to_string()
            }
            (None, None) => return Err(SendError::Permanent("an alert with neither a channel nor a user".into())),
        };
        let Ok(id) = channel.parse::<u64>() else {
            return Err(SendError::Permanent(format!("{channel:?} is not a Discord channel id")));
        };
        if let Err(wait) =
            self.channels.lock().unwrap_or_else(|p| p.into_inner()).admit(&channel, std::time::Instant::now())
        {
            return Err(SendError::Later { after: wait });
        }
        for m in render::messages(reply) {
            self.overall.until_ready().await;
            let body = serde_json::json!({
                "content": m.content, "components": m.components_json(), "allowed_mentions": { "parse": [] }
            });
            self.http
                .send_message(serenity::model::id::ChannelId::new(id), vec![], &body)
                .await
                .map_err(|e| classify(&e))?;
        }
        Ok(())
    }
}
