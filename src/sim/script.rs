//! The demo's market activity: a livelier market than the real one, so that watches fire
//! within a minute of being set.

use std::sync::Arc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::api::Sim;
use super::control::ServerUpdate;
use super::market::in_cents;
use super::state::SimState;

/// How often the market moves: a few bargains a minute, against the demo's 10 s market poll.
pub const STEP_EVERY: Duration = Duration::from_secs(6);

/// The card the demo's guide suggests watching; half the bargains are one.
const FAVOURITE: &str = "RTX 4090";

/// What one step changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// A server now free and cheaper than every free one of its kind before, and its price.
    pub bargain: (u64, f64),
    /// A server that got dearer, and its price.
    pub dearer: (u64, f64),
    /// A server that was rented from outside the simulation and is free now.
    pub freed: Option<u64>,
}

/// Moves the market every [`STEP_EVERY`] until `stop`.
pub async fn move_market(sim: Arc<Sim>, stop: tokio_util::sync::CancellationToken) {
    let mut rng = StdRng::from_os_rng();
    while tokio::time::timeout(STEP_EVERY, stop.cancelled()).await.is_err() {
        move_market_once(&sim, &mut rng);
    }
}

/// One step: a free server drops below the cheapest free one of its kind (same model and
/// GPU count; half the time an RTX 4090), another gets dearer, and a rented one frees up.
/// Only the generated market moves, never the accounts' own servers. `None` on an empty
/// market.
pub fn move_market_once(sim: &Sim, rng: &mut impl Rng) -> Option<Step> {
    sim.with_state(|state| {
        let market: Vec<u64> = state.servers.values().filter(|s| s.host_name.is_none()).map(|s| s.id).collect();
        if market.is_empty() {
            return None;
        }
        let favourites: Vec<u64> =
            market.iter().copied().filter(|id| state.servers[id].gpu.ends_with(FAVOURITE)).collect();
        let pool = if rng.random_bool(0.5) && !favourites.is_empty() { &favourites } else { &market };
        let bargain = pool[rng.random_range(0..pool.len())];
        let dearer = market[rng.random_range(0..market.len())];
        let freed = market[rng.random_range(0..market.len())];

        let price = in_cents(cheapest_free_like(state, bargain) * rng.random_range(0.8..0.95));
        set(state, bargain, ServerUpdate { rented: Some(false), ..lowered(state, bargain, price) });
        let raised = in_cents(state.servers[&dearer].price_usd * rng.random_range(1.1..1.4));
        set(state, dearer, ServerUpdate { price_usd: Some(raised), ..Default::default() });
        let freed = state.servers[&freed].rented_external.then(|| {
            set(state, freed, ServerUpdate { rented: Some(false), ..Default::default() });
            freed
        });
        Some(Step { bargain: (bargain, price), dearer: (dearer, raised), freed })
    })
}

/// The lowest price among free servers of the same model and GPU count as `id`, and `id`
/// itself (rented or not).
fn cheapest_free_like(state: &SimState, id: u64) -> f64 {
    let s = &state.servers[&id];
    state
        .servers
        .values()
        .filter(|o| o.gpu == s.gpu && o.gpu_count == s.gpu_count && !state.server_rented(o))
        .map(|o| o.price_usd)
        .fold(s.price_usd, f64::min)
}

/// `id` at `price`, its spot minimum lowered by as much, so spot stays below on-demand.
fn lowered(state: &SimState, id: u64, price: f64) -> ServerUpdate {
    let s = &state.servers[&id];
    let spot = in_cents(s.spot_usd * price / s.price_usd);
    ServerUpdate { price_usd: Some(price), spot_usd: Some(spot), ..Default::default() }
}

/// Applies a change the way the control API does (spend settled first, spot bids after).
fn set(state: &mut SimState, id: u64, u: ServerUpdate) {
    if let Err(e) = state.update_server(id, u) {
        tracing::warn!(server = id, error = %e.body, "the demo's market script could not move a server");
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;
    use crate::clore::{ClientConfig, CloreClient, Currency, MarketServer};
    use crate::sim::{SimConfig, start};

    /// (kind as listed, e.g. `1x NVIDIA GeForce RTX 4090`; USD price; rented) by server id.
    fn listing(servers: &[MarketServer]) -> std::collections::BTreeMap<u64, (String, f64, bool)> {
        servers
            .iter()
            .filter_map(|s| {
                let kind = s.specs.as_ref()?.gpu.clone()?;
                Some((s.id.0, (kind, s.on_demand(Currency::Usd)?, s.rented)))
            })
            .collect()
    }

    #[tokio::test]
    async fn each_step_lists_a_bargain_below_the_cheapest_free_of_its_kind() {
        let handle = start(&SimConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
        let mut cfg = ClientConfig::with_base_url(&handle.api_url()).unwrap();
        // The marketplace takes no key, so the simulator does not space these calls.
        cfg.request_period = Duration::from_millis(10);
        let client = CloreClient::new(cfg).unwrap();
        let mut rng = StdRng::seed_from_u64(11);
        let mut favourites = 0;
        for _ in 0..6 {
            let before = listing(&client.marketplace(None).await.unwrap().servers);
            let step = move_market_once(&handle.sim, &mut rng).expect("a market to move");
            let after = client.marketplace(None).await.unwrap().servers;
            let now = listing(&after);

            let (id, price) = step.bargain;
            let (kind, listed, rented) = &now[&id];
            assert!(!rented, "the bargain is free: {step:?}");
            assert_eq!(*listed, price);
            let floor = before
                .iter()
                .filter(|(other, (k, _, rented))| k == kind && (!rented || **other == id))
                .map(|(_, (_, p, _))| *p)
                .fold(f64::INFINITY, f64::min);
            assert!(price < floor, "{kind} #{id} at {price}, the cheapest free one was {floor}");
            let server = after.iter().find(|s| s.id == id).unwrap();
            assert!(server.spot(Currency::Usd).unwrap() < price, "spot stays below on-demand");
            favourites += usize::from(kind.ends_with(FAVOURITE));

            let (dearer, raised) = step.dearer;
            assert!(raised > before[&dearer].1 || dearer == id, "{step:?}");
            if let Some(freed) = step.freed {
                assert!(!now[&freed].2, "{step:?}");
            }
        }
        assert!(favourites > 0, "some bargains are RTX 4090s");
        handle.stop().await;
    }
}
