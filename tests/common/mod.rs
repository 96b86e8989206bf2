//! Shared test helpers: an in-process simulator per test and a client pointed at it.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use clorebot::clore::{ApiKey, ClientConfig, CloreClient};
use clorebot::sim::{self, SimConfig, SimHandle};
use serde_json::Value;

pub const KEY: &str = "test-key-0123456789abcdef0123456";

pub async fn start_sim(servers: usize) -> SimHandle {
    let cfg = SimConfig { seed: 7, servers, keys: vec![KEY.to_owned()] };
    sim::start(&cfg, SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("simulator starts")
}

pub fn client_with(sim: &SimHandle, tweak: impl FnOnce(&mut ClientConfig)) -> CloreClient {
    let mut cfg = ClientConfig::with_base_url(&sim.api_url()).unwrap();
    // Keep retries quick in tests; the limits themselves stay as in production.
    cfg.backoff_base = Duration::from_millis(50);
    cfg.backoff_max = Duration::from_millis(200);
    cfg.timeout = Duration::from_secs(5);
    tweak(&mut cfg);
    CloreClient::new(cfg).unwrap()
}

pub fn client(sim: &SimHandle) -> CloreClient {
    client_with(sim, |_| {})
}

pub fn key() -> ApiKey {
    ApiKey::parse(KEY).unwrap()
}

/// POSTs to the simulator's control API and returns its answer, failing the test on non-2xx.
pub async fn control(sim: &SimHandle, path: &str, body: Value) -> Value {
    let resp = reqwest::Client::new().post(format!("{}{path}", sim.control_url())).json(&body).send().await.unwrap();
    let status = resp.status();
    let v: Value = resp.json().await.unwrap();
    assert!(status.is_success(), "control {path} failed: {status} {v}");
    v
}

pub async fn state(sim: &SimHandle) -> Value {
    reqwest::get(format!("{}/state", sim.control_url())).await.unwrap().json().await.unwrap()
}

/// A fresh, migrated database of its own for one test (on DATABASE_URL's server, or this
/// test binary's throwaway PostgreSQL).
pub async fn db() -> sqlx::PgPool {
    clorebot::store::tempdb::fresh_database("test").await.expect("a fresh test database")
}

/// A keyring of one master key (`byte` repeated), as version `version`.
pub fn ring(keys: &[(i32, u8)]) -> clorebot::store::crypto::Keyring {
    clorebot::store::crypto::Keyring::from_raw(keys.iter().map(|&(v, b)| (v, [b; 32])).collect()).unwrap()
}
