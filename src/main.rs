//! The `clorebot` binary: parses the command line and hands over to the library.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use clorebot::app::App;
use clorebot::config::Config;
use clorebot::sim::{self, SimConfig};
use secrecy::ExposeSecret;

#[derive(Parser)]
#[command(name = "clorebot", version, about = "Chat-ops bot for the Clore.ai GPU marketplace")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Production: migrations, the front-ends whose tokens are set, the alert engine, and
    /// /healthz, /readyz, /metrics on CLOREBOT_HTTP_LISTEN. Needs DATABASE_URL and a master key.
    Run,
    /// Serve a simulated Clore API on loopback (for the demo, tests and trying things out).
    Sim(SimArgs),
    /// Talk to the bot from this terminal: one command per line on stdin, replies on stdout.
    Chat(ChatArgs),
    /// The whole bot offline: a simulated Clore, a throwaway Postgres and the console.
    Demo(DemoArgs),
    /// Apply the database migrations to DATABASE_URL and exit (they also run on start).
    Migrate,
    /// Check every configured part (database, master key, Clore, Telegram, Discord) and print
    /// one line each: ok, or the problem and the variable to change. Exits 1 if any fails.
    Doctor,
    /// Exit 0 if this machine's `clorebot run` answers /healthz (a container health check
    /// without curl): it asks CLOREBOT_HTTP_LISTEN's port on loopback.
    Health,
    /// Master keys for the API keys stored at rest.
    Keys {
        #[command(subcommand)]
        cmd: KeysCmd,
    },
}

#[derive(Args)]
struct ChatArgs {
    /// Your user name in the console.
    #[arg(long)]
    user: String,
    /// Speak in a group chat of this name (team watches, group rules); without it, a private chat.
    #[arg(long)]
    chat: Option<String>,
    /// Do not run the alert engine (pollers and this console's alert delivery).
    #[arg(long)]
    no_alerts: bool,
}

#[derive(Args)]
struct DemoArgs {
    /// Seed of the simulated market.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Servers in the simulated market.
    #[arg(long, default_value_t = sim::DEFAULT_SERVERS as u32, value_parser = clap::value_parser!(u32).range(1..=50_000))]
    servers: u32,
}

#[derive(Subcommand)]
enum KeysCmd {
    /// Print a new random master key (base64 of 32 bytes) for CLOREBOT_MASTER_KEY(S).
    Generate,
    /// Re-encrypt every stored secret to the newest master key in CLOREBOT_MASTER_KEYS.
    /// Safe to run twice and to interrupt: each batch commits on its own.
    Rotate {
        /// Rows per transaction.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(i64).range(1..=100_000))]
        batch: i64,
    },
}

#[derive(Args)]
struct SimArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8707")]
    listen: SocketAddr,
    /// Seed of the generated market: the same seed gives the same servers.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of marketplace servers to generate.
    #[arg(long, default_value_t = sim::DEFAULT_SERVERS as u32, value_parser = clap::value_parser!(u32).range(0..=200_000))]
    servers: u32,
    /// An API key to create an account for (repeatable); without any, the one account's key
    /// is `sim-demo-key`.
    #[arg(long = "key")]
    keys: Vec<String>,
    /// Servers given a spot competitor whose bid rises and falls over hours (chosen by the
    /// seed; the market itself stays the seed's).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=10_000))]
    moving_competitors: u32,
    /// The shape `my_servers` answers in: `older` (`usd_pricing` flat) or `newer` (nested per
    /// currency, as in the official SDK's fixture).
    #[arg(long, default_value = "older")]
    my_servers_shape: sim::MyServersShape,
}

#[tokio::main]
async fn main() -> ExitCode {
    clorebot::telemetry::init(
        clorebot::config::log_format_from_env(),
        clorebot::config::log_filter_from_env().as_deref(),
    );
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Run => run().await,
        Cmd::Sim(a) => run_sim(a).await,
        Cmd::Chat(a) => run_chat(a).await,
        Cmd::Demo(a) => run_demo(a).await,
        Cmd::Migrate => run_migrate().await,
        Cmd::Doctor => run_doctor().await,
        Cmd::Health => run_health().await,
        Cmd::Keys { cmd: KeysCmd::Generate } => {
            println!("{}", clorebot::store::crypto::Keyring::generate_key_b64());
            Ok(())
        }
        Cmd::Keys { cmd: KeysCmd::Rotate { batch } } => run_rotate(batch).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clorebot: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run_sim(a: SimArgs) -> anyhow::Result<()> {
    use anyhow::Context;
    if a.keys.iter().any(|k| k.trim().is_empty()) {
        anyhow::bail!("--key must not be empty");
    }
    let cfg = SimConfig {
        seed: a.seed,
        servers: a.servers as usize,
        keys: a.keys,
        moving_competitors: a.moving_competitors as usize,
        my_servers_shape: a.my_servers_shape,
    };
    let handle = sim::start(&cfg, a.listen).await.with_context(|| format!("failed to listen on {}", a.listen))?;
    println!("clore sim listening on {}", handle.api_url());
    std::io::stdout().flush().ok();
    tokio::signal::ctrl_c().await.context("failed to wait for Ctrl-C")?;
    handle.stop().await;
    Ok(())
}

/// How long `run` gives the doctor's checks at start before it serves anyway.
const START_CHECKS: std::time::Duration = std::time::Duration::from_secs(30);

fn config() -> anyhow::Result<Config> {
    Ok(Config::from_env()?)
}

async fn run() -> anyhow::Result<()> {
    use anyhow::Context;
    let cfg = config()?;
    cfg.require_database("run")?;
    let app = App::build(cfg).await?;
    // What `clorebot doctor` would say, in the log: problems as warnings, never fatal, and
    // never holding the start up for long.
    match tokio::time::timeout(START_CHECKS, app.checks()).await {
        Ok(report) => report.log(),
        Err(_) => {
            tracing::warn!(within = ?START_CHECKS, "the start checks did not finish; `clorebot doctor` tells more")
        }
    }
    let listener = tokio::net::TcpListener::bind(app.http_listen)
        .await
        .with_context(|| format!("CLOREBOT_HTTP_LISTEN: cannot listen on {}", app.http_listen))?;
    println!("clorebot serving /healthz, /readyz and /metrics on http://{}", listener.local_addr()?);
    std::io::stdout().flush().ok();
    app.serve(listener, clorebot::app::termination()).await
}

async fn run_health() -> anyhow::Result<()> {
    let mut at = config()?.http_listen;
    if at.ip().is_unspecified() {
        at.set_ip(if at.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    let url = format!("http://{at}{}", clorebot::app::HEALTHZ);
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(4)).build()?;
    match client.get(&url).send().await {
        Ok(r) if r.status().is_success() => {
            println!("healthy ({url})");
            Ok(())
        }
        Ok(r) => anyhow::bail!("{url} answered {}", r.status()),
        Err(e) => anyhow::bail!("{url} did not answer: {}", if e.is_timeout() { "timed out" } else { "no connection" }),
    }
}

async fn run_doctor() -> anyhow::Result<()> {
    let report = clorebot::app::doctor::diagnose(&config()?).await;
    for line in report.lines() {
        println!("{line}");
    }
    let failed = report.checks.iter().filter(|c| c.level == clorebot::app::doctor::Level::Fail).count();
    if failed > 0 {
        anyhow::bail!("{failed} check(s) failed");
    }
    println!("all checks passed");
    Ok(())
}

async fn run_migrate() -> anyhow::Result<()> {
    let cfg = config()?;
    let pool = clorebot::store::connect(cfg.require_database("migrate")?.expose_secret()).await?;
    let applied = clorebot::store::applied_migrations(&pool).await?.len();
    println!("database is up to date ({applied} migrations applied)");
    Ok(())
}

async fn run_rotate(batch: i64) -> anyhow::Result<()> {
    let cfg = config()?;
    let ring = cfg.require_keyring()?;
    let pool = clorebot::store::connect(cfg.require_database("keys rotate")?.expose_secret()).await?;
    let r = clorebot::store::secrets::rotate(&pool, &ring, batch, None).await?;
    // Short-lived secrets (a rent's env values, a password waiting to be shown) move too.
    let (sealed_moved, sealed_failed) = clorebot::store::sealed::rotate(&pool, &ring).await?;
    // Templates' secrets (env values, passwords, Jupyter tokens) too.
    let (tpl_moved, tpl_failed) = clorebot::store::templates::rotate(&pool, &ring).await?;
    let (moved, failed) = (sealed_moved + tpl_moved, sealed_failed + tpl_failed);
    println!(
        "re-encrypted {} secret(s) to master key version {}; {} could not be decrypted with the keyring",
        r.moved + moved,
        ring.newest_version(),
        r.failed + failed
    );
    if r.failed + failed > 0 {
        anyhow::bail!("{} secret(s) were left on an old key: their owners must set them again", r.failed + failed);
    }
    Ok(())
}

async fn run_chat(a: ChatArgs) -> anyhow::Result<()> {
    if a.user.trim().is_empty() || a.chat.as_deref().is_some_and(|c| c.trim().is_empty()) {
        anyhow::bail!("--user and --chat must not be empty");
    }
    let app = App::build(config()?).await?;
    let caller = clorebot::frontends::console::caller(&app.core, a.user.trim(), a.chat.as_deref().map(str::trim));
    if a.no_alerts {
        return clorebot::frontends::console::run_stdio(&app.core, caller, None).await;
    }
    let rx = start_alerts(&app, &caller);
    let result = clorebot::frontends::console::run_stdio(&app.core, caller, Some(rx)).await;
    app.shutdown().await;
    result
}

/// Starts the alert engine's pollers and this console's alert delivery.
fn start_alerts(
    app: &App,
    caller: &clorebot::core::Caller,
) -> tokio::sync::mpsc::UnboundedReceiver<clorebot::frontends::console::ConsoleAlert> {
    app.start_engine();
    let (notifier, rx) = clorebot::frontends::console::ConsoleNotifier::new(caller);
    let pool = app.core.deps.pool.clone();
    app.supervise("console alerts", move |stop| {
        clorebot::alerts::deliver::run(pool.clone(), notifier.clone(), clorebot::alerts::deliver::EVERY, stop)
    });
    rx
}

async fn run_demo(a: DemoArgs) -> anyhow::Result<()> {
    use anyhow::Context;
    use clorebot::domain::Platform;
    use clorebot::store::{crypto::SecretKind, secrets, users};
    let sim_cfg = SimConfig { seed: a.seed, servers: a.servers as usize, ..SimConfig::default() };
    let handle =
        sim::start(&sim_cfg, SocketAddr::from(([127, 0, 0, 1], 0))).await.context("failed to start the simulator")?;
    eprintln!("Starting a throwaway PostgreSQL…");
    let mut cfg = config()?;
    // Everything the demo touches is its own: a fresh database, a throwaway master key, the
    // simulator, and a livelier alert engine than production so alerts show up within a minute.
    cfg.database_url = None;
    cfg.keyring = Some(std::sync::Arc::new(clorebot::store::crypto::Keyring::ephemeral()));
    cfg.clore = clorebot::clore::ClientConfig::with_base_url(&handle.api_url()).context("simulator URL")?;
    cfg.engine.market_poll = std::time::Duration::from_secs(10);
    cfg.engine.orders_poll = std::time::Duration::from_secs(15);
    let app = App::build(cfg).await?;
    let me = users::upsert_user(&app.core.deps.pool, Platform::Console, "you", "you").await?;
    let key = secrecy::SecretString::from(sim::DEFAULT_KEY.to_owned());
    secrets::put(&app.core.deps.pool, &app.core.deps.keyring, me.id, SecretKind::CloreApiKey, &key).await?;
    let me_caller = clorebot::frontends::console::caller(&app.core, "you", None);
    let rx = start_alerts(&app, &me_caller);
    let market = handle.sim.clone();
    app.supervise("demo market", move |stop| sim::move_market(market.clone(), stop));
    println!(
        "clorebot demo — a simulated Clore market at {} ({} servers), a throwaway database, and you,\n\
         signed in as `you` with a demo API key already stored. Type commands; Ctrl-D quits.\n\n\
         Try:  /gpus 4090        search the market\n      \
         /rent <id>        rent a server (then /press 1 to confirm)\n      \
         /orders           SSH details of your orders\n      \
         /watch 4090 max=4     a price watch: alerts (🔔) arrive as the simulated market moves\n      \
         /help             everything else\n",
        handle.api_url(),
        a.servers
    );
    std::io::stdout().flush().ok();
    let result = clorebot::frontends::console::run_stdio(&app.core, me_caller, Some(rx)).await;
    app.shutdown().await;
    handle.stop().await;
    result
}
