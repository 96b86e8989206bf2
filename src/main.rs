//! The `clorebot` binary: parses the command line and hands over to the library.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use clorebot::sim::{self, SimConfig};

#[derive(Parser)]
#[command(name = "clorebot", version, about = "Chat-ops bot for the Clore.ai GPU marketplace")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve a simulated Clore API on loopback (for the demo, tests and trying things out).
    Sim(SimArgs),
    /// Talk to the bot from this terminal: one command per line on stdin, replies on stdout.
    Chat(ChatArgs),
    /// The whole bot offline: a simulated Clore, a throwaway Postgres and the console.
    Demo(DemoArgs),
    /// Apply the database migrations to DATABASE_URL and exit (they also run on start).
    Migrate,
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
}

#[tokio::main]
async fn main() -> ExitCode {
    clorebot::telemetry::init();
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Sim(a) => run_sim(a).await,
        Cmd::Chat(a) => run_chat(a).await,
        Cmd::Demo(a) => run_demo(a).await,
        Cmd::Migrate => run_migrate().await,
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
    let cfg = SimConfig { seed: a.seed, servers: a.servers as usize, keys: a.keys };
    let handle = sim::start(&cfg, a.listen).await.with_context(|| format!("failed to listen on {}", a.listen))?;
    println!("clore sim listening on {}", handle.api_url());
    std::io::stdout().flush().ok();
    tokio::signal::ctrl_c().await.context("failed to wait for Ctrl-C")?;
    handle.stop().await;
    Ok(())
}

fn database_url() -> anyhow::Result<String> {
    match std::env::var("DATABASE_URL") {
        Ok(u) if !u.trim().is_empty() => Ok(u),
        _ => anyhow::bail!("DATABASE_URL is not set: set it to the PostgreSQL database clorebot uses"),
    }
}

async fn run_migrate() -> anyhow::Result<()> {
    let pool = clorebot::store::connect(&database_url()?).await?;
    let applied: i64 =
        sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success").fetch_one(&pool).await?;
    println!("database is up to date ({applied} migrations applied)");
    Ok(())
}

async fn run_rotate(batch: i64) -> anyhow::Result<()> {
    let ring = clorebot::store::crypto::Keyring::from_env()?;
    let pool = clorebot::store::connect(&database_url()?).await?;
    let r = clorebot::store::secrets::rotate(&pool, &ring, batch, None).await?;
    // Short-lived secrets (a rent's env values, a password waiting to be shown) move too.
    let (moved, failed) = clorebot::store::sealed::rotate(&pool, &ring).await?;
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

/// Market snapshots older than this are refreshed on use (Clore updates prices about as often).
const MARKET_TTL: std::time::Duration = std::time::Duration::from_secs(30);

async fn run_chat(a: ChatArgs) -> anyhow::Result<()> {
    use anyhow::Context;
    if a.user.trim().is_empty() || a.chat.as_deref().is_some_and(|c| c.trim().is_empty()) {
        anyhow::bail!("--user and --chat must not be empty");
    }
    let ring = clorebot::store::crypto::Keyring::from_env()?;
    let pool = match std::env::var("DATABASE_URL") {
        Ok(u) if !u.trim().is_empty() => clorebot::store::connect(&u).await?,
        _ => clorebot::store::tempdb::fresh_database("chat").await?,
    };
    clorebot::store::secrets::check_keyring(&pool, &ring).await?;
    let cfg = clorebot::clore::ClientConfig::from_env().map_err(anyhow::Error::msg)?;
    let client = clorebot::clore::CloreClient::new(cfg).context("failed to build the Clore client")?;
    let ttl = env_secs("CLOREBOT_MARKET_TTL_SECS", MARKET_TTL)?;
    let engine_cfg = clorebot::alerts::EngineConfig::from_env()?;
    let core = std::sync::Arc::new(clorebot::core::Core::new(
        pool,
        client,
        std::sync::Arc::new(ring),
        Default::default(),
        ttl,
    ));
    let caller = clorebot::frontends::console::caller(a.user.trim(), a.chat.as_deref().map(str::trim));
    if a.no_alerts {
        return clorebot::frontends::console::run_stdio(&core, caller, None).await;
    }
    let (tasks, rx) = start_alerts(&core, &caller, engine_cfg);
    let result = clorebot::frontends::console::run_stdio(&core, caller, Some(rx)).await;
    tasks.into_iter().for_each(|t| t.abort());
    result
}

/// Starts the alert engine's pollers and this console's alert delivery.
fn start_alerts(
    core: &std::sync::Arc<clorebot::core::Core>,
    caller: &clorebot::core::Caller,
    cfg: clorebot::alerts::EngineConfig,
) -> (Vec<tokio::task::JoinHandle<()>>, tokio::sync::mpsc::UnboundedReceiver<clorebot::frontends::console::ConsoleAlert>)
{
    let engine = std::sync::Arc::new(clorebot::alerts::Engine::new(core.clone(), cfg));
    let (notifier, rx) = clorebot::frontends::console::ConsoleNotifier::new(caller);
    let pollers = tokio::spawn(engine.run_pollers());
    let delivery = tokio::spawn(clorebot::alerts::deliver::run(core.pool.clone(), notifier, DELIVERY_EVERY));
    (vec![pollers, delivery], rx)
}

/// How often a console looks for alerts to print.
const DELIVERY_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

async fn run_demo(a: DemoArgs) -> anyhow::Result<()> {
    use anyhow::Context;
    use clorebot::store::{Platform, crypto::SecretKind, secrets, users};
    let sim_cfg = SimConfig { seed: a.seed, servers: a.servers as usize, keys: Vec::new() };
    let handle =
        sim::start(&sim_cfg, SocketAddr::from(([127, 0, 0, 1], 0))).await.context("failed to start the simulator")?;
    eprintln!("Starting a throwaway PostgreSQL…");
    let pool = clorebot::store::tempdb::fresh_database("demo").await?;
    let ring = std::sync::Arc::new(clorebot::store::crypto::Keyring::ephemeral());
    let me = users::upsert_user(&pool, Platform::Console, "you", "you").await?;
    let key = secrecy::SecretString::from(sim::DEFAULT_KEY.to_owned());
    secrets::put(&pool, &ring, me.id, SecretKind::CloreApiKey, &key).await?;
    let cfg = clorebot::clore::ClientConfig::with_base_url(&handle.api_url()).context("simulator URL")?;
    let client = clorebot::clore::CloreClient::new(cfg).context("failed to build the Clore client")?;
    let core = std::sync::Arc::new(clorebot::core::Core::new(pool, client, ring, Default::default(), MARKET_TTL));
    // A livelier market than the real one, so alerts show up within a minute.
    let engine_cfg = clorebot::alerts::EngineConfig {
        market_poll: std::time::Duration::from_secs(10),
        orders_poll: std::time::Duration::from_secs(15),
        ..Default::default()
    };
    let me_caller = clorebot::frontends::console::caller("you", None);
    let (mut tasks, rx) = start_alerts(&core, &me_caller, engine_cfg);
    tasks.push(tokio::spawn(sim::move_market(handle.sim.clone())));
    println!(
        "clorebot demo — a simulated Clore market at {} ({} servers), a throwaway database, and you,\n\
         signed in as `you` with a demo API key already stored. Type commands; Ctrl-D quits.\n\n\
         Try:  /gpus 4090        search the market\n      \
         /rent <id>        rent a server (then /press 1 to confirm)\n      \
         /orders           SSH details of your orders\n      \
         /watch 4090 max=4   a price watch: alerts (🔔) arrive as the simulated market moves\n      \
         /help             everything else\n",
        handle.api_url(),
        a.servers
    );
    std::io::stdout().flush().ok();
    let result = clorebot::frontends::console::run_stdio(&core, me_caller, Some(rx)).await;
    tasks.into_iter().for_each(|t| t.abort());
    handle.stop().await;
    result
}

/// A duration in whole seconds from `name`, or `default` when unset; a bad value names the variable.
fn env_secs(name: &str, default: std::time::Duration) -> anyhow::Result<std::time::Duration> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => match v.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(std::time::Duration::from_secs(n)),
            _ => anyhow::bail!("{name} must be a whole number of seconds above 0, not {v:?}"),
        },
        _ => Ok(default),
    }
}
