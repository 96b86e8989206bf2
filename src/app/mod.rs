//! One clorebot process: [`App::build`] turns a [`Config`] into the database, the keys, the
//! Clore client, the core and the alert engine (shared by `run`, `chat`, `demo` and the
//! tests); [`App::serve`] hosts the long-running parts under supervision, with the HTTP
//! listener, until told to stop — and then lets work under way finish.

pub mod doctor;
pub mod inbox;
pub mod telegram;
pub mod tempdb;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use secrecy::ExposeSecret;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::alerts::{Engine, deliver};
use crate::clore::CloreClient;
use crate::config::{Config, DiscordConfig, TelegramConfig};
use crate::core::Core;
use crate::domain::Platform;
use crate::frontends::discord::Discord;
use crate::frontends::telegram::Telegram;
use crate::store;

/// A task that dies is restarted after this, doubling per failure in a row up to `RESTART_MAX`.
const RESTART_FIRST: Duration = Duration::from_secs(1);
const RESTART_MAX: Duration = Duration::from_secs(60);
/// A task that ran this long before dying starts its backoff over.
const RESTART_HEALTHY: Duration = Duration::from_secs(120);
/// `/readyz` gives the database this long to answer.
const DB_CHECK: Duration = Duration::from_secs(3);
/// The replica holding this advisory lock sends the Discord alerts ("dcalrt" in ASCII): one
/// process at a time, since Discord's 50 requests a second are per bot.
const DISCORD_DELIVERY_LOCK: i64 = 0x6463_616c_7274;

pub struct App {
    pub core: Arc<Core>,
    pub engine: Arc<Engine>,
    pub http_listen: SocketAddr,
    pub shutdown_grace: Duration,
    pub telegram: Option<TelegramConfig>,
    pub discord: Option<DiscordConfig>,
    /// Cancelled when the process is to stop: loops finish their round and return.
    pub stop: CancellationToken,
    /// Every supervised task: shutdown waits on them (bounded by `shutdown_grace`).
    tasks: TaskTracker,
    /// Stops the heartbeat: only once work under way is over, so nobody takes it over early.
    beat_stop: CancellationToken,
    heartbeat: tokio::task::JoinHandle<()>,
}

impl App {
    /// Connects to `DATABASE_URL` (or, without one, a throwaway PostgreSQL — `demo`, `chat`
    /// and tests), applies migrations, checks the master keys against the stored secrets, and
    /// builds the Clore client, the core and the engine.
    pub async fn build(cfg: Config) -> anyhow::Result<App> {
        let keyring = cfg.require_keyring()?;
        let pool = match &cfg.database_url {
            Some(url) => store::connect(url.expose_secret()).await?,
            None => tempdb::fresh_database("clorebot").await?,
        };
        store::secrets::check_keyring(&pool, &keyring).await?;
        let client = CloreClient::new(cfg.clore).context("failed to build the Clore client")?;
        // Every process on this database keeps each key's pace together.
        client.share_pace(Arc::new(store::pace::DbPace::new(pool.clone())));
        let core = Arc::new(Core::new(pool, client, keyring, cfg.core, cfg.market_ttl));
        let engine = Arc::new(Engine::new(core.deps.clone(), cfg.engine));
        // The first heartbeat before anything is taken from a platform: this process counts
        // as alive from the start.
        if let Err(e) = core.deps.process.beat(&core.deps.pool).await {
            tracing::warn!(error = %e, "could not write the first heartbeat");
        }
        let beat_stop = CancellationToken::new();
        let heartbeat = tokio::spawn(inbox::heartbeat(core.deps.clone(), beat_stop.clone()));
        Ok(App {
            core,
            engine,
            http_listen: cfg.http_listen,
            shutdown_grace: cfg.shutdown_grace,
            telegram: cfg.telegram,
            discord: cfg.discord,
            stop: CancellationToken::new(),
            tasks: TaskTracker::new(),
            beat_stop,
            heartbeat,
        })
    }

    /// Runs `make()`'s task under supervision until [`App::stop`]: restarted with backoff if
    /// it panics or ends on its own. Shutdown waits for it.
    pub fn supervise<F, Fut>(&self, name: &'static str, make: F)
    where
        F: Fn(CancellationToken) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.tasks.spawn(supervise(name, self.stop.clone(), make));
    }

    /// Starts the alert engine: the market poller (it polls only where the leader lock is
    /// held) and this process's share of the account poll.
    pub fn start_engine(&self) {
        let engine = self.engine.clone();
        self.supervise("pollers", move |stop| engine.clone().run_pollers(stop));
        let engine = self.engine.clone();
        self.supervise("account-polls", move |stop| engine.clone().run_account_polls(stop));
    }

    /// Runs the Telegram front-end and its alert delivery under supervision. Alerts leave
    /// one process at a time: with long polling the one that polls, with a webhook the one
    /// holding the delivery lock.
    pub fn start_telegram(&self, tg: Arc<Telegram>) {
        let polls = tg.polls();
        if !polls {
            let (pool, notifier) = (self.core.deps.pool.clone(), tg.notifier());
            self.supervise("telegram-alerts", move |stop| {
                deliver::run_elected(pool.clone(), notifier.clone(), deliver::EVERY, telegram::DELIVERY_LOCK, stop)
            });
        }
        let pool = self.core.deps.pool.clone();
        self.supervise("telegram", move |stop| telegram::run(tg.clone(), pool.clone(), polls, stop));
    }

    /// The long-running process (`clorebot run`): the engine, the HTTP listener on `listener`
    /// and the front-ends whose tokens are set, until `shutdown` resolves; then stops taking
    /// new work and gives work under way up to `shutdown_grace` to finish.
    pub async fn serve(
        mut self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()>,
    ) -> anyhow::Result<()> {
        let addr = listener.local_addr().ok();
        let mut router =
            http_router(Health { core: self.core.clone(), engine: self.engine.clone(), metrics: metrics() });
        let (mut telegram, mut discord) = (None, None);
        if let Some(cfg) = self.telegram.take() {
            let tg = Telegram::new(self.core.clone(), cfg)?;
            if let Some(hook) = tg.webhook_router() {
                router = router.merge(hook);
            }
            telegram = Some(tg.clone());
            self.start_telegram(tg);
        }
        if let Some(cfg) = self.discord.take() {
            let dc = Discord::new(self.core.clone(), &cfg)?;
            discord = Some(dc.clone());
            if let Some(hook) = dc.interactions_router() {
                router = router.merge(hook);
            }
            if cfg.gateway {
                let (dc, cfg) = (dc.clone(), cfg.clone());
                self.supervise("discord-gateway", move |stop| dc.clone().run_gateway(cfg.clone(), stop));
            }
            let guild = cfg.guild_id;
            let (pool, notifier) = (self.core.deps.pool.clone(), dc.notifier(&cfg)?);
            self.supervise("discord", move |stop| dc.clone().run(guild, stop));
            // One process at a time sends alerts: Discord's 50 requests a second are per bot.
            self.supervise("discord-alerts", move |stop| {
                deliver::run_elected(pool.clone(), notifier.clone(), deliver::EVERY, DISCORD_DELIVERY_LOCK, stop)
            });
        }
        // What dead processes took from these platforms and left unanswered is finished here.
        let deps = self.core.deps.clone();
        self.supervise("inbox", move |stop| inbox::recover(deps.clone(), discord.clone(), telegram.clone(), stop));
        let stop = self.stop.clone();
        self.tasks.spawn(async move {
            let served = axum::serve(listener, router).with_graceful_shutdown(stop.cancelled_owned()).await;
            if let Err(e) = served {
                tracing::error!(error = %e, "the HTTP listener failed");
            }
        });
        self.start_engine();
        tracing::info!(http = ?addr, "clorebot is running");
        shutdown.await;
        self.shutdown().await;
        Ok(())
    }

    /// Stops taking new work and waits (bounded) for what is under way.
    pub async fn shutdown(self) {
        tracing::info!(grace = ?self.shutdown_grace, "stopping: letting work under way finish");
        self.stop.cancel();
        self.tasks.close();
        if tokio::time::timeout(self.shutdown_grace, self.tasks.wait()).await.is_err() {
            tracing::warn!(grace = ?self.shutdown_grace, "work still under way after the grace period; exiting anyway");
        } else {
            tracing::info!("stopped cleanly");
        }
        // Whatever is left now is taken over by another process at once.
        self.beat_stop.cancel();
        let _ = self.heartbeat.await;
        if let Err(e) = store::processes::gone(&self.core.deps.pool, self.core.deps.process.id()).await {
            tracing::warn!(error = %e, "could not say this process is gone");
        }
        self.core.deps.pool.close().await;
    }
}

/// Resolves on SIGTERM or Ctrl-C (SIGINT).
pub async fn termination() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("Ctrl-C received"),
        _ = term => tracing::info!("SIGTERM received"),
    }
}

async fn supervise<F, Fut>(name: &'static str, stop: CancellationToken, make: F)
where
    F: Fn(CancellationToken) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut failures = 0u32;
    loop {
        let started = Instant::now();
        let ended = tokio::spawn(make(stop.clone())).await;
        if stop.is_cancelled() {
            return;
        }
        match ended {
            Ok(()) => tracing::warn!(task = name, "task ended on its own; restarting it"),
            Err(e) if e.is_panic() => {
                let panic = crate::telemetry::panic_text(&*e.into_panic());
                tracing::error!(task = name, panic = %panic, "task panicked; restarting it");
            }
            Err(e) => tracing::warn!(task = name, error = %e, "task was cancelled; restarting it"),
        }
        metrics::counter!("clorebot_task_restarts_total", "task" => name).increment(1);
        if started.elapsed() > RESTART_HEALTHY {
            failures = 0;
        }
        let pause = crate::retry::doubled(RESTART_FIRST, failures.min(6), RESTART_MAX);
        failures += 1;
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(pause) => {}
        }
    }
}

/// The process's metrics recorder (installed once, globally, on first use).
pub fn metrics() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets(&[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0])
                .and_then(|b| {
                    // An account's cycle runs to five intervals (quiet users), or a day.
                    let long = [1.0, 5.0, 15.0, 30.0, 45.0, 60.0, 75.0, 90.0, 120.0, 300.0, 600.0, 3600.0, 86_400.0];
                    b.set_buckets_for_metric(Matcher::Full("clorebot_account_cycle_seconds".into()), &long)?
                        .set_buckets_for_metric(Matcher::Full("clorebot_account_poll_lag_seconds".into()), &long)?
                        .set_buckets_for_metric(
                            Matcher::Full("clorebot_account_poll_calls".into()),
                            &[0.0, 1.0, 2.0, 3.0],
                        )
                })
                .expect("bucket lists are not empty");
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was installed already; /metrics shows only its own series");
            }
            describe();
            handle
        })
        .clone()
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!("clorebot_commands_total", "Commands and button presses handled, by command and outcome");
    describe_histogram!("clorebot_command_seconds", Unit::Seconds, "Time to answer a command or press");
    describe_histogram!(
        "clorebot_discord_ack_seconds",
        Unit::Seconds,
        "From a Discord interaction request received to its HTTP answer ready (signature check included)"
    );
    describe_histogram!(
        "clorebot_telegram_answer_seconds",
        Unit::Seconds,
        "From a Telegram update received to its first answer issued (before the send queue)"
    );
    describe_counter!("clorebot_clore_calls_total", "Requests to the Clore API, by endpoint and result");
    describe_counter!("clorebot_alerts_enqueued_total", "Alerts written to the outbox");
    describe_counter!("clorebot_alerts_delivered_total", "Alerts delivered");
    describe_counter!("clorebot_alerts_failed_total", "Alerts given up on");
    describe_counter!(
        "clorebot_discord_requests_total",
        "Requests the Discord alert sender made, by route (post_message, open_dm) and HTTP status (429: rate-limited)"
    );
    describe_gauge!("clorebot_outbox_backlog", "Alerts waiting for delivery");
    describe_gauge!("clorebot_outbox_oldest_seconds", Unit::Seconds, "Age of the oldest alert waiting");
    describe_histogram!("clorebot_poll_seconds", Unit::Seconds, "Duration of one poll round, by poller");
    describe_gauge!("clorebot_leader", "1 while this process runs the pollers");
    describe_counter!("clorebot_task_restarts_total", "Supervised tasks restarted after dying");
    describe_counter!(
        "clorebot_inbox_recovered_total",
        "Discord interactions and Telegram updates a dead process left unanswered, taken over and finished here"
    );
    describe_counter!("clorebot_accounts_polled_total", "Account polls this process made (rate: accounts per second)");
    describe_gauge!("clorebot_accounts_keyed", "Accounts on the account poll's schedule (users with a key)");
    describe_histogram!(
        "clorebot_account_cycle_seconds",
        Unit::Seconds,
        "Time between two polls of one account (its cycle: the interval, five for quiet users)"
    );
    describe_histogram!(
        "clorebot_account_poll_lag_seconds",
        Unit::Seconds,
        "How late an account poll started after it was due (near 0 while the poll keeps up)"
    );
    describe_histogram!("clorebot_account_poll_calls", "Clore calls one account poll made (0 to 3)");
    describe_counter!("clorebot_account_calls_total", "Clore calls the account poll made");
    describe_histogram!("clorebot_account_poll_seconds", Unit::Seconds, "Duration of one account's poll");
    describe_counter!(
        "clorebot_clore_budget_waits_total",
        "Clore requests that waited for the CLORE_MAX_RPS budget, by class (background: the account poll)"
    );
    describe_histogram!(
        "clorebot_clore_budget_wait_seconds",
        Unit::Seconds,
        "How long a request waited for the CLORE_MAX_RPS budget, by class"
    );
    // Series that exist from the start, so dashboards and alerts see zeros, not gaps.
    metrics::gauge!("clorebot_leader").set(0.0);
    metrics::counter!("clorebot_accounts_polled_total").increment(0);
    metrics::counter!("clorebot_account_calls_total").increment(0);
    for class in ["foreground", "background"] {
        metrics::counter!("clorebot_clore_budget_waits_total", "class" => class).increment(0);
    }
    for p in [Platform::Telegram, Platform::Discord, Platform::Console] {
        let p = p.as_str();
        metrics::counter!("clorebot_alerts_enqueued_total", "platform" => p).increment(0);
        metrics::counter!("clorebot_alerts_delivered_total", "platform" => p).increment(0);
        metrics::counter!("clorebot_alerts_failed_total", "platform" => p).increment(0);
    }
    for p in [Platform::Telegram, Platform::Discord] {
        metrics::counter!("clorebot_inbox_recovered_total", "platform" => p.as_str()).increment(0);
    }
}

#[derive(Clone)]
struct Health {
    core: Arc<Core>,
    engine: Arc<Engine>,
    metrics: PrometheusHandle,
}

/// The operational routes on `CLOREBOT_HTTP_LISTEN`: liveness, readiness, Prometheus.
pub const HEALTHZ: &str = "/healthz";
pub const READYZ: &str = "/readyz";
pub const METRICS: &str = "/metrics";
/// All of them (deploy/'s probes are checked against this list).
pub const ROUTES: &[&str] = &[HEALTHZ, READYZ, METRICS];

fn http_router(h: Health) -> Router {
    Router::new()
        .route(HEALTHZ, get(|| async { "ok\n" }))
        .route(READYZ, get(readyz))
        .route(METRICS, get(metrics_text))
        .with_state(h)
}

async fn readyz(State(h): State<Health>) -> impl IntoResponse {
    match readiness(&h).await {
        Ok(detail) => (StatusCode::OK, format!("ready\n{detail}\n")),
        Err(why) => (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {why}\n")),
    }
}

/// Database reachable, every migration applied, and — where this process polls — Clore
/// answered within the last two market intervals.
async fn readiness(h: &Health) -> Result<String, String> {
    let applied: Vec<i64> = tokio::time::timeout(DB_CHECK, store::applied_migrations(&h.core.deps.pool))
        .await
        .map_err(|_| format!("the database did not answer within {} s", DB_CHECK.as_secs()))?
        .map_err(|e| format!("the database is not reachable ({})", crate::text::clip(&e.to_string(), 120)))?;
    let missing = store::MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version))
        .count();
    if missing > 0 {
        return Err(format!("{missing} database migration(s) not applied"));
    }
    if !h.engine.is_leading() {
        if !h.engine.has_tried_to_lead() {
            return Err("the alert engine is starting".into());
        }
        return Ok("database ok; Clore is polled by another process".into());
    }
    let window = h.engine.cfg.market_poll * 2;
    match h.core.deps.clore.last_reached() {
        Some(t) if t.elapsed() <= window => Ok(format!("database ok; Clore answered {} s ago", t.elapsed().as_secs())),
        Some(t) => Err(format!("Clore has not answered for {} s", t.elapsed().as_secs())),
        None => Err("Clore has not answered yet".into()),
    }
}

async fn metrics_text(State(h): State<Health>) -> impl IntoResponse {
    match tokio::time::timeout(DB_CHECK, store::outbox::backlog(&h.core.deps.pool)).await {
        Ok(Ok((n, oldest))) => {
            metrics::gauge!("clorebot_outbox_backlog").set(n as f64);
            metrics::gauge!("clorebot_outbox_oldest_seconds").set(oldest.as_secs_f64());
        }
        _ => tracing::debug!("outbox backlog not measured: the database did not answer"),
    }
    h.metrics.run_upkeep();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], h.metrics.render())
}
