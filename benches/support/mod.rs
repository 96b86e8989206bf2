//! What more than one bench builds its input from.

use clorebot::clore::MarketServer;
use clorebot::market::Snapshot;
use clorebot::sim::state::SimState;

/// The seeded simulator's market of `servers` servers as the bot's snapshot holds it.
pub fn sim_snapshot(servers: usize) -> Snapshot {
    let market = SimState::new(42, servers).marketplace(None).expect("the simulator lists its market");
    let servers: Vec<MarketServer> = market["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .filter_map(|v| serde_json::from_value(v.clone()).ok())
        .collect();
    Snapshot::from_market(&servers)
}
