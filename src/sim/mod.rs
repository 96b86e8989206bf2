//! `clorebot sim`: a stand-in for api.clore.ai on loopback, so the demo, the tests and the
//! benchmarks run offline. Its control API is described in `docs/simulator.md`.
//!
//! - `state.rs`: the world — accounts, servers, orders, spot bids, the simulated clock — and
//!   its rules, refusing as Clore refuses.
//! - `shapes.rs`: the API's JSON — request bodies read as Clore reads them, the world answered
//!   in the real API's shapes.
//! - `market.rs`: the seeded market the world starts with; `script.rs`: the demo's market
//!   moving on its own.
//! - `api.rs`: HTTP — the endpoints with Clore's auth, rate limits and injected faults, and
//!   the `/_sim/` routes; `control.rs`: what that control API changes, for tests and the demo.

pub mod api;
pub mod control;
pub mod market;
pub mod script;
mod shapes;
pub mod state;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use api::Sim;
pub use script::{move_market, move_market_once};
pub use shapes::MyServersShape;
use state::SimState;

/// The key of the one account a simulator has when no `--key` is given.
pub const DEFAULT_KEY: &str = "sim-demo-key";
pub const DEFAULT_SERVERS: usize = 300;

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub seed: u64,
    pub servers: usize,
    /// One account per key; empty → one account with [`DEFAULT_KEY`].
    pub keys: Vec<String>,
    /// How many servers get a competitor whose spot bid rises and falls (chosen and shaped by
    /// the seed, apart from the market's own draws, so the market stays the same).
    pub moving_competitors: usize,
    /// The shape `my_servers` answers in (the older by default; `/_sim/config` changes it).
    pub my_servers_shape: MyServersShape,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 1,
            servers: DEFAULT_SERVERS,
            keys: Vec::new(),
            moving_competitors: 0,
            my_servers_shape: MyServersShape::default(),
        }
    }
}

impl SimConfig {
    pub fn build(&self) -> Sim {
        let mut state = SimState::new(self.seed, self.servers);
        state.seed_moving_competitors(self.seed, self.moving_competitors);
        state.my_servers_shape = self.my_servers_shape;
        if self.keys.is_empty() {
            state.add_account(DEFAULT_KEY);
        }
        for k in &self.keys {
            state.add_account(k);
        }
        Sim::new(state)
    }
}

/// A running simulator; stops when dropped.
pub struct SimHandle {
    pub addr: SocketAddr,
    pub sim: Arc<Sim>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl SimHandle {
    /// The API base, e.g. `http://127.0.0.1:PORT/v1`.
    pub fn api_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The control API base, e.g. `http://127.0.0.1:PORT/_sim`.
    pub fn control_url(&self) -> String {
        format!("http://{}/_sim", self.addr)
    }

    /// Stops serving and waits for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts a simulator on `listen` (port 0 picks a free port) in this runtime.
pub async fn start(cfg: &SimConfig, listen: SocketAddr) -> std::io::Result<SimHandle> {
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let sim = Arc::new(cfg.build());
    let app = api::router(sim.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = rx.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "simulator stopped with an error");
        }
    });
    Ok(SimHandle { addr, sim, stop: Some(tx), task: Some(task) })
}
