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
