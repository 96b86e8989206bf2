//! One marketplace fetch, turned into [`ServerView`]s that queries evaluate quickly, and a
//! cache that lets every `/gpus`, `/rent` and watch share it.
//!
//! The cache is single-flight: concurrent callers that find it stale wait on one fetch
//! instead of each calling Clore. If a refresh fails, a snapshot not older than
//! `max_stale` is served (marked stale) rather than failing the command.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::gpu::{self, GpuModel};
use super::standing::PeerIndex;
use crate::clore::{CloreClient, CloreError, Currency, MarketServer, ServerId};

/// A marketplace server with the fields queries and replies use, parsed once per fetch.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerView {
    pub id: ServerId,
    pub gpu_count: u32,
    /// Normalised model (`RTX 4090`); empty if the server lists no GPU.
    pub model: GpuModel,
    /// The GPU line as Clore gives it (`1x NVIDIA GeForce RTX 4090`).
    pub gpu_raw: String,
    /// On-demand price per day, by currency (only currencies the owner accepts).
    pub on_demand: BTreeMap<Currency, f64>,
    /// Minimum spot price per day, by currency.
    pub spot: BTreeMap<Currency, f64>,
    /// Currencies the owner accepts.
    pub accepts: Vec<Currency>,
    pub ram_gb: Option<f64>,
    /// GPU memory of one GPU, GB.
    pub vram_gb: Option<f64>,
    pub cpu: Option<String>,
    pub cpu_threads: Option<u32>,
    pub disk: Option<String>,
    pub down_mbps: Option<f64>,
    pub up_mbps: Option<f64>,
    /// Country code, upper case.
    pub cc: Option<String>,
    /// 0..1
    pub reliability: Option<f64>,
    pub rating: Option<f64>,
    pub rating_count: Option<u64>,
    pub mrl_hours: Option<u64>,
    /// CUDA version as (major, minor).
    pub cuda: Option<(u32, u32)>,
    pub rented: bool,
}

#[cfg(test)]
impl ServerView {
    /// A free server for unit tests: `gpus` × `model`, on demand at `usd` a day, nothing else
    /// known; tests set what they need over it.
    pub(crate) fn for_test(id: u64, model: &str, gpus: u32, usd: f64) -> ServerView {
        ServerView {
            id: ServerId(id),
            gpu_count: gpus,
            model: GpuModel::normalise(model),
            gpu_raw: model.into(),
            on_demand: BTreeMap::from([(Currency::Usd, usd)]),
            spot: BTreeMap::new(),
            accepts: vec![Currency::Usd],
            ram_gb: None,
            vram_gb: None,
            cpu: None,
            cpu_threads: None,
            disk: None,
            down_mbps: None,
            up_mbps: None,
            cc: None,
            reliability: None,
            rating: None,
            rating_count: None,
            mrl_hours: None,
            cuda: None,
            rented: false,
        }
    }
}

impl ServerView {
    pub fn from_market(s: &MarketServer) -> ServerView {
        let specs = s.specs.clone().unwrap_or_default();
        let (gpu_count, model) = specs
            .gpu
            .as_deref()
            .map(gpu::parse_gpu_line)
            .or_else(|| s.gpu_array.first().map(|g| (s.gpu_array.len() as u32, GpuModel::normalise(g))))
            .unwrap_or((0, GpuModel::normalise("")));
        let mut on_demand = BTreeMap::new();
        let mut spot = BTreeMap::new();
        // A price in a currency the owner does not take cannot be paid: leave it out, so
        // queries, watches and /rent only ever see prices one can rent at.
        for c in Currency::ALL.into_iter().filter(|c| s.accepts(*c)) {
            if let Some(p) = s.on_demand(c).filter(|p| p.is_finite() && *p > 0.0) {
                on_demand.insert(c, p);
            }
            if let Some(p) = s.spot(c).filter(|p| p.is_finite() && *p > 0.0) {
                spot.insert(c, p);
            }
        }
        let accepts = Currency::ALL.into_iter().filter(|c| s.accepts(*c)).collect();
        let net = specs.net.clone().unwrap_or_default();
        ServerView {
            id: s.id,
            gpu_count,
            model,
            gpu_raw: specs.gpu.clone().unwrap_or_else(|| s.gpu_array.first().cloned().unwrap_or_default()),
            on_demand,
            spot,
            accepts,
            ram_gb: specs.ram,
            vram_gb: specs.gpuram,
            cpu: specs.cpu.clone(),
            cpu_threads: specs.cpu_threads(),
            disk: specs.disk.clone(),
            down_mbps: net.down,
            up_mbps: net.up,
            cc: net.cc.map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty()),
            reliability: s.reliability,
            rating: s.rating.as_ref().and_then(|r| r.avg),
            rating_count: s.rating.as_ref().and_then(|r| r.cnt),
            mrl_hours: s.mrl_hours,
            cuda: s.cuda_version.as_deref().and_then(parse_version),
            rented: s.rented,
        }
    }

    /// The price per day that counts for a query: on-demand or minimum spot, in `currency`.
    pub fn price(&self, currency: Currency, spot: bool) -> Option<f64> {
        if spot { self.spot.get(&currency).copied() } else { self.on_demand.get(&currency).copied() }
    }
}

/// `"12.4"` → (12, 4); `"12"` → (12, 0).
pub fn parse_version(s: &str) -> Option<(u32, u32)> {
    let mut it = s.trim().split('.');
    let major = it.next()?.trim().parse().ok()?;
    let minor = match it.next() {
        Some(m) => m.trim().parse().ok()?,
        None => 0,
    };
    Some((major, minor))
}

/// One marketplace fetch.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub servers: Vec<ServerView>,
    pub fetched_at: Instant,
    /// Unix seconds of the fetch, for replies and history.
    pub fetched_unix: i64,
    /// Served from an older fetch because the latest refresh failed.
    pub stale: bool,
    /// The free servers by model and count, built on first use. Sound because `servers` is
    /// not changed once a snapshot is shared (it lives in an `Arc`), and a clone (a stale
    /// copy) holds the same servers.
    peers: OnceLock<Arc<PeerIndex>>,
}

impl Snapshot {
    pub fn new(servers: Vec<ServerView>) -> Snapshot {
        Snapshot {
            servers,
            fetched_at: Instant::now(),
            fetched_unix: chrono::Utc::now().timestamp(),
            stale: false,
            peers: OnceLock::new(),
        }
    }

    pub fn from_market(servers: &[MarketServer]) -> Snapshot {
        Snapshot::new(servers.iter().map(ServerView::from_market).collect())
    }

    pub fn server(&self, id: ServerId) -> Option<&ServerView> {
        self.servers.iter().find(|s| s.id == id)
    }

    /// Clore's creation fee in `c`, converted at the rate the market's prices imply.
    pub fn creation_fee(&self, c: Currency) -> Option<f64> {
        creation_fee_in(self.servers.iter(), c)
    }

    /// How much of `c` one USD is, as the market's prices imply (see [`usd_rate_in`]).
    pub fn usd_rate(&self, c: Currency) -> Option<f64> {
        usd_rate_in(self.servers.iter(), c)
    }

    /// What USD amounts are shown in for a reader of `c`, and how much of it one USD is: `c`
    /// at the market's rate, or USD itself when the market gives no rate for `c`.
    pub fn usd_in(&self, c: Currency) -> (Currency, f64) {
        match c {
            Currency::Usd => (Currency::Usd, 1.0),
            c => self.usd_rate(c).map_or((Currency::Usd, 1.0), |r| (c, r)),
        }
    }

    /// The free servers of each model and GPU count by USD price, built once per snapshot:
    /// every `/myservers` and every host's account poll reads the same index.
    pub fn peers(&self) -> Arc<PeerIndex> {
        self.peers.get_or_init(|| Arc::new(PeerIndex::build(&self.servers))).clone()
    }
}

/// How much of `c` one USD is: the median ratio between the servers' `c` and USD prices
/// (each owner's prices come from one USD figure); `None` with no server to tell.
pub fn usd_rate_in<'a>(servers: impl Iterator<Item = &'a ServerView>, c: Currency) -> Option<f64> {
    if c == Currency::Usd {
        return Some(1.0);
    }
    let mut rates: Vec<f64> = servers
        .filter_map(|s| Some(s.on_demand.get(&c)? / s.on_demand.get(&Currency::Usd).filter(|u| **u > 0.0)?))
        .filter(|r| r.is_finite() && *r > 0.0)
        .collect();
    if rates.is_empty() {
        return None;
    }
    rates.sort_by(f64::total_cmp);
    Some(rates[rates.len() / 2])
}

/// Clore's creation fee (USD) in `c`, at [`usd_rate_in`].
pub fn creation_fee_in<'a>(servers: impl Iterator<Item = &'a ServerView>, c: Currency) -> Option<f64> {
    usd_rate_in(servers, c).map(|r| crate::clore::CREATION_FEE_USD * r)
}

pub struct MarketCache {
    client: CloreClient,
    ttl: Duration,
    max_stale: Duration,
    current: Mutex<Option<Arc<Snapshot>>>,
    /// Set when the bot itself changed the market (it rented a server): the next read fetches.
    outdated: std::sync::atomic::AtomicBool,
}

impl MarketCache {
    pub fn new(client: CloreClient, ttl: Duration) -> MarketCache {
        MarketCache {
            client,
            ttl,
            max_stale: ttl.max(Duration::from_secs(60)) * 10,
            current: Mutex::new(None),
            outdated: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The current snapshot, fetching a new one if it is older than the TTL.
    /// [`Snapshot::usd_in`] on the current snapshot; USD when the market cannot be reached,
    /// and without asking for it when `c` is USD.
    pub async fn usd_in(&self, c: Currency) -> (Currency, f64) {
        match c {
            Currency::Usd => (Currency::Usd, 1.0),
            c => self.get().await.map_or((Currency::Usd, 1.0), |s| s.usd_in(c)),
        }
    }

    pub async fn get(&self) -> Result<Arc<Snapshot>, CloreError> {
        self.get_within(self.ttl).await
    }

    /// A snapshot no older than `max_age` (zero: always fetch — used before renting).
    pub async fn get_within(&self, max_age: Duration) -> Result<Arc<Snapshot>, CloreError> {
        let mut cur = self.current.lock().await;
        let outdated = self.outdated.swap(false, std::sync::atomic::Ordering::AcqRel);
        if let Some(s) = cur.as_ref()
            && s.fetched_at.elapsed() <= max_age
            && !max_age.is_zero()
            && !outdated
        {
            return Ok(s.clone());
        }
        match self.client.marketplace(None).await {
            Ok(m) => {
                let snap = Arc::new(Snapshot::from_market(&m.servers));
                *cur = Some(snap.clone());
                Ok(snap)
            }
            Err(e) => match cur.as_ref() {
                Some(s) if s.fetched_at.elapsed() <= self.max_stale => {
                    tracing::warn!(error = %e, "marketplace refresh failed; serving the previous snapshot");
                    Ok(Arc::new(Snapshot { stale: true, ..(**s).clone() }))
                }
                _ => Err(e),
            },
        }
    }

    /// Marks the snapshot out of date (the bot just rented a server): the next read fetches,
    /// so nobody is offered a server that was just taken.
    pub fn invalidate(&self) {
        self.outdated.store(true, std::sync::atomic::Ordering::Release);
    }

    /// Installs a snapshot fetched elsewhere (the market poller), so commands share it.
    pub async fn put(&self, snap: Arc<Snapshot>) {
        *self.current.lock().await = Some(snap);
    }
}
