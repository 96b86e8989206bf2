//! The simulator's seeded market: a realistic mix of GPUs, counts, countries, hardware and
//! prices, reproducible from one seed.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::clore::Currency;

/// USD value of one unit of each currency; every price in the simulator derives from one USD
/// price per day through these.
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub btc_usd: f64,
    pub clore_usd: f64,
}

impl Default for Rates {
    fn default() -> Self {
        Rates { btc_usd: 95_000.0, clore_usd: 0.02 }
    }
}

impl Rates {
    pub fn usd_per(&self, c: Currency) -> f64 {
        match c {
            Currency::Bitcoin => self.btc_usd,
            Currency::Clore => self.clore_usd,
            Currency::Usd => 1.0,
        }
    }
    pub fn from_usd(&self, usd: f64, c: Currency) -> f64 {
        usd / self.usd_per(c)
    }
    pub fn to_usd(&self, amount: f64, c: Currency) -> f64 {
        amount * self.usd_per(c)
    }
}

/// What hosts ask for one GPU of a model, USD per day: most listings fall in `usual`; a few
/// (hosts undercutting, or hoping) anywhere in `extremes`.
#[derive(Debug, Clone, Copy)]
pub struct PriceBand {
    pub usual: (f64, f64),
    pub extremes: (f64, f64),
}

/// A band with no outliers beyond its usual range.
const fn band(lo: f64, hi: f64) -> PriceBand {
    PriceBand { usual: (lo, hi), extremes: (lo, hi) }
}

/// Share of listings priced anywhere in their model's `extremes` rather than its `usual` band.
const OUTLIER_SHARE: f64 = 0.15;

/// One GPU model of the catalogue: name as hosts' machines report it, VRAM, how common it
/// is, the USD price per GPU per day, and whether it is a datacenter card (sold in larger
/// counts).
pub struct GpuKind {
    pub name: &'static str,
    pub vram: f64,
    pub weight: u32,
    pub usd_day: PriceBand,
    pub datacenter: bool,
}

/// Prices per GPU per day as listed on the live Clore marketplace (2025).
pub const CATALOGUE: &[GpuKind] = &[
    GpuKind { name: "NVIDIA GeForce GTX 1080 Ti", vram: 11.0, weight: 3, usd_day: band(0.60, 1.00), datacenter: false },
    GpuKind { name: "NVIDIA GeForce RTX 3060", vram: 12.0, weight: 10, usd_day: band(1.00, 1.60), datacenter: false },
    GpuKind { name: "NVIDIA GeForce RTX 3060 Ti", vram: 8.0, weight: 4, usd_day: band(1.10, 1.70), datacenter: false },
    GpuKind { name: "NVIDIA GeForce RTX 3070", vram: 8.0, weight: 8, usd_day: band(1.30, 2.00), datacenter: false },
    GpuKind { name: "NVIDIA GeForce RTX 3080", vram: 10.0, weight: 8, usd_day: band(1.70, 2.60), datacenter: false },
    GpuKind { name: "NVIDIA GeForce RTX 3090", vram: 24.0, weight: 12, usd_day: band(2.40, 3.80), datacenter: false },
    GpuKind { name: "NVIDIA GeForce RTX 4060 Ti", vram: 16.0, weight: 4, usd_day: band(1.30, 2.10), datacenter: false },
    GpuKind { name: "NVIDIA GeForce RTX 4070", vram: 12.0, weight: 6, usd_day: band(1.70, 2.60), datacenter: false },
    GpuKind {
        name: "NVIDIA GeForce RTX 4080 SUPER",
        vram: 16.0,
        weight: 5,
        usd_day: band(2.80, 4.40),
        datacenter: false,
    },
    GpuKind {
        name: "NVIDIA GeForce RTX 4090",
        vram: 24.0,
        weight: 16,
        usd_day: PriceBand { usual: (3.50, 6.00), extremes: (3.00, 10.00) },
        datacenter: false,
    },
    GpuKind { name: "NVIDIA GeForce RTX 5090", vram: 32.0, weight: 6, usd_day: band(6.00, 11.00), datacenter: false },
    GpuKind { name: "NVIDIA RTX A6000", vram: 48.0, weight: 3, usd_day: band(5.00, 9.00), datacenter: true },
    GpuKind { name: "NVIDIA A100 80GB PCIe", vram: 80.0, weight: 3, usd_day: band(18.00, 30.00), datacenter: true },
    GpuKind { name: "NVIDIA A100-SXM4-40GB", vram: 40.0, weight: 2, usd_day: band(15.00, 22.00), datacenter: true },
    GpuKind { name: "NVIDIA H100 80GB HBM3", vram: 80.0, weight: 2, usd_day: band(40.00, 60.00), datacenter: true },
];

/// What a rig of `gpu_count` asks per GPU, as a share of the single-GPU price: hosts of big
/// rigs take a little less per card for the longer, larger rentals they attract.
fn rig_discount(gpu_count: u32) -> f64 {
    match gpu_count {
        0..=3 => 1.0,
        4..=7 => 0.97,
        _ => 0.95,
    }
}

const COUNTRIES: &[(&str, u32)] = &[
    ("US", 14),
    ("DE", 10),
    ("CZ", 6),
    ("PL", 7),
    ("FI", 4),
    ("NO", 3),
    ("NL", 5),
    ("CA", 5),
    ("GB", 5),
    ("FR", 4),
    ("UA", 5),
    ("RO", 3),
    ("SE", 3),
    ("SG", 2),
    ("JP", 2),
    ("BR", 2),
    ("KR", 2),
    ("ES", 2),
];

const CPUS: &[(&str, &str)] = &[
    ("AMD Ryzen 5 5600X 6-Core Processor", "6/12"),
    ("AMD Ryzen 7 5800X 8-Core Processor", "8/16"),
    ("AMD Ryzen 9 7950X 16-Core Processor", "16/32"),
    ("Intel(R) Core(TM) i9-13900K", "24/32"),
    ("11th Gen Intel(R) Core(TM) i9-11900 @ 2.50GHz", "8/16"),
    ("AMD EPYC 7543 32-Core Processor", "32/64"),
    ("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", "64/128"),
];

const BOARDS: &[&str] = &[
    "Z590 GAMING X",
    "ROG STRIX B550-F GAMING",
    "PRO Z690-A",
    "X570 AORUS ELITE",
    "H12SSL-i",
    "ROMED8-2T",
    "WRX80E-SAGE",
];

const CUDA: &[&str] = &["11.8", "12.2", "12.4", "12.6", "12.8"];
const MRL_HOURS: &[u64] = &[24, 72, 168, 336, 720];

/// A server as the simulator keeps it. Prices are USD per day; other currencies derive from
/// them through [`Rates`].
#[derive(Debug, Clone)]
pub struct SimServer {
    pub id: u64,
    pub owner: u64,
    /// Set for servers hosted by a simulated account (visible in its `my_servers`).
    pub host_name: Option<String>,
    pub gpu: &'static str,
    pub gpu_count: u32,
    pub gpuram: f64,
    pub cpu: &'static str,
    pub cpus: &'static str,
    pub ram: f64,
    pub mb: &'static str,
    pub disk: String,
    pub disk_speed: f64,
    pub cc: &'static str,
    pub down: f64,
    pub up: f64,
    pub reliability: f64,
    pub rating_avg: f64,
    pub rating_cnt: u64,
    pub cuda: &'static str,
    pub pcie_rev: u8,
    pub pcie_width: u8,
    pub mrl_hours: u64,
    pub price_usd: f64,
    pub spot_usd: f64,
    pub online: bool,
    /// `public` visibility; hidden servers are not in the marketplace.
    pub visible: bool,
    /// Rented by someone outside the simulation.
    pub rented_external: bool,
    /// That outside renter rents on the spot market (`rental_status` 1), not on demand.
    pub external_spot: bool,
    /// `set_server_settings` on this server refuses with code 6 and this `error`.
    pub refuse_settings: Option<String>,
    pub allowed: Vec<Currency>,
    /// Spot bids (USD per day) by simulated competitors: waiting offers, or the winner.
    pub competitor_bids: Vec<(u64, f64)>,
    /// Competitors whose bids rise and fall with simulated time (their offers are in
    /// `competitor_bids`, moved there on every tick).
    pub competitor_moves: Vec<CompetitorMove>,
    /// Reproduces the live API's habit of a leading space in `gpu_array` entries.
    pub leading_space: bool,
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (item, w) in items {
        if roll < *w {
            return item;
        }
        roll -= w;
    }
    &items[items.len() - 1].0
}

/// Hosts set their prices in whole cents.
const CENT: f64 = 0.01;

/// A USD price as a host would set it: whole cents, at least one.
pub fn in_cents(usd: f64) -> f64 {
    round_to(usd, CENT).max(CENT)
}

/// `x` to a multiple of `step` (a power of ten); dividing by the whole reciprocal lands on
/// the double nearest the decimal, so JSON reads `3.03`, not `3.0300000000000002`.
fn round_to(x: f64, step: f64) -> f64 {
    (x / step).round() / step.recip()
}

/// Generates `n` market servers with ids 1..=n from `seed`.
pub fn generate(seed: u64, n: usize, next_offer_id: &mut u64) -> Vec<SimServer> {
    let mut rng = StdRng::seed_from_u64(seed);
    let kinds: Vec<(usize, u32)> = CATALOGUE.iter().enumerate().map(|(i, k)| (i, k.weight)).collect();
    (1..=n as u64)
        .map(|id| {
            let kind = &CATALOGUE[*pick(&mut rng, &kinds)];
            let counts: &[(u32, u32)] = if kind.datacenter {
                &[(1, 25), (2, 20), (4, 25), (8, 30)]
            } else {
                &[(1, 55), (2, 20), (3, 4), (4, 12), (6, 3), (8, 6)]
            };
            let gpu_count = *pick(&mut rng, counts);
            let owner = 1000 + rng.random_range(0..400);
            generate_one(&mut rng, id, owner, kind, gpu_count, next_offer_id)
        })
        .collect()
}

/// One server of the given kind; also used for simulated hosts' own servers.
pub fn generate_one(
    rng: &mut StdRng,
    id: u64,
    owner: u64,
    kind: &'static GpuKind,
    gpu_count: u32,
    next_offer_id: &mut u64,
) -> SimServer {
    let (lo, hi) = if rng.random_bool(OUTLIER_SHARE) { kind.usd_day.extremes } else { kind.usd_day.usual };
    let per_gpu = rng.random_range(lo..hi) * rig_discount(gpu_count);
    let price_usd = in_cents(per_gpu * gpu_count as f64);
    let spot_usd = in_cents(price_usd * rng.random_range(0.4..0.7));
    let (cpu, cpus) = if kind.datacenter || gpu_count >= 6 {
        CPUS[rng.random_range(5..CPUS.len())]
    } else {
        CPUS[rng.random_range(0..5)]
    };
    let ram_steps = [16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0];
    let base = (gpu_count as f64 * kind.vram).max(16.0);
    let ram = *ram_steps.iter().find(|r| **r >= base).unwrap_or(&1024.0) - rng.random_range(0.2..1.5);
    let disk_gb = [256, 512, 1024, 2048, 4096][rng.random_range(0..5)];
    let allowed = match rng.random_range(0..10) {
        0 => vec![Currency::Clore],
        1 | 2 => vec![Currency::Clore, Currency::Usd],
        _ => vec![Currency::Bitcoin, Currency::Clore, Currency::Usd],
    };
    let mut competitor_bids = Vec::new();
    if rng.random_bool(0.2) {
        for _ in 0..rng.random_range(1..=2) {
            let bid = round_to(spot_usd * rng.random_range(0.8..1.0), CENT);
            competitor_bids.push((*next_offer_id, bid));
            *next_offer_id += 1;
        }
    }
    SimServer {
        id,
        owner,
        host_name: None,
        gpu: kind.name,
        gpu_count,
        gpuram: kind.vram,
        cpu,
        cpus,
        ram: round_to(ram, 0.01),
        mb: BOARDS[rng.random_range(0..BOARDS.len())],
        disk: format!("NVMe {disk_gb}GB"),
        disk_speed: round_to(rng.random_range(1500.0..7000.0), 1.0),
        cc: pick::<&str>(rng, COUNTRIES),
        down: round_to(rng.random_range(80.0..2500.0), 0.01),
        up: round_to(rng.random_range(20.0..1000.0), 0.01),
        reliability: round_to(0.999 - rng.random::<f64>().powi(3) * 0.25, 0.0001),
        rating_avg: round_to(rng.random_range(3.2..5.0), 0.01),
        rating_cnt: if rng.random_bool(0.15) { 0 } else { rng.random_range(1..400) },
        cuda: CUDA[rng.random_range(0..CUDA.len())],
        pcie_rev: [3, 4, 4, 5][rng.random_range(0..4)],
        pcie_width: [8, 16, 16, 16][rng.random_range(0..4)],
        mrl_hours: MRL_HOURS[rng.random_range(0..MRL_HOURS.len())],
        price_usd,
        spot_usd,
        online: true,
        visible: true,
        rented_external: rng.random_bool(0.3),
        external_spot: false,
        refuse_settings: None,
        allowed,
        competitor_bids,
        competitor_moves: Vec::new(),
        leading_space: rng.random_bool(0.3),
    }
}

/// The catalogue entry for a model name (used for hosts' servers).
pub fn kind_named(name: &str) -> &'static GpuKind {
    CATALOGUE.iter().find(|k| k.name == name).unwrap_or(&CATALOGUE[9])
}

/// The catalogue entry a control call names: the whole name or its end ("RTX 4090",
/// "a6000"), either way regardless of case.
pub fn kind_called(name: &str) -> Option<&'static GpuKind> {
    let want = name.trim().to_lowercase();
    if want.is_empty() {
        return None;
    }
    CATALOGUE.iter().find(|k| k.name.to_lowercase() == want).or_else(|| {
        let tail = format!(" {want}");
        CATALOGUE.iter().find(|k| k.name.to_lowercase().ends_with(&tail))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Moving competitors come from a generator of their own: the market is the seed's with
    /// or without them, and the same seed gives the same competitors, moving the same way.
    #[test]
    fn seeded_moving_competitors_leave_the_market_as_it_was() {
        use crate::sim::state::SimState;
        let plain = SimState::new(7, 200);
        let mut moving = SimState::new(7, 200);
        moving.seed_moving_competitors(7, 20);
        let mut again = SimState::new(7, 200);
        again.seed_moving_competitors(7, 20);
        let prices = |s: &SimState| s.servers.values().map(|v| (v.id, v.price_usd, v.spot_usd)).collect::<Vec<_>>();
        assert_eq!(prices(&plain), prices(&moving));
        let moves = |s: &SimState| {
            s.servers.values().flat_map(|v| v.competitor_moves.iter().map(|m| (v.id, m.clone()))).collect::<Vec<_>>()
        };
        assert_eq!(moves(&moving).len(), 20);
        assert_eq!(moves(&moving), moves(&again));
        for (id, m) in moves(&moving) {
            let spot = moving.servers[&id].spot_usd;
            assert!(m.low_usd >= spot && m.high_usd > m.low_usd && (1800..14_400).contains(&m.period_s), "{m:?}");
        }
    }

    #[test]
    fn a_moving_bid_is_a_triangle_in_whole_cents() {
        let m = CompetitorMove { offer_id: 1, low_usd: 2.0, high_usd: 3.0, period_s: 100, start: 1000, phase_s: 0 };
        assert_eq!(
            [m.bid_at(1000), m.bid_at(1025), m.bid_at(1050), m.bid_at(1075), m.bid_at(1100)],
            [2.0, 2.5, 3.0, 2.5, 2.0]
        );
        assert_eq!(CompetitorMove { phase_s: 50, ..m.clone() }.bid_at(1000), 3.0);
        assert_eq!(m.bid_at(1001), 2.02);
    }

    #[test]
    fn prices_stay_in_their_models_band_spot_below_on_demand() {
        let servers = generate(3, 5_000, &mut 1);
        for s in &servers {
            let band = kind_named(s.gpu).usd_day;
            let per_gpu = s.price_usd / s.gpu_count as f64;
            let (lo, hi) = (band.extremes.0 * rig_discount(s.gpu_count) - CENT, band.extremes.1 + CENT);
            assert!((lo..=hi).contains(&per_gpu), "{}× {} at ${}/day", s.gpu_count, s.gpu, s.price_usd);
            assert!(s.spot_usd < s.price_usd, "server {}: spot {} ≥ {}", s.id, s.spot_usd, s.price_usd);
            assert_eq!(s.price_usd, in_cents(s.price_usd), "whole cents: {}", s.price_usd);
        }
        // Most RTX 4090s ask $3.50–6 a card (before a big rig's discount); a few $3–10.
        let per_gpu: Vec<f64> = servers
            .iter()
            .filter(|s| s.gpu.ends_with("RTX 4090"))
            .map(|s| s.price_usd / s.gpu_count as f64 / rig_discount(s.gpu_count))
            .collect();
        let usual = per_gpu.iter().filter(|p| (3.49..=6.01).contains(*p)).count();
        assert!(usual * 10 >= per_gpu.len() * 8, "{usual} of {} in the usual band", per_gpu.len());
        assert!(per_gpu.iter().any(|p| *p > 6.5), "a few dear outliers");
    }
}

/// A competitor whose bid goes from `low_usd` up to `high_usd` and back down again every
/// `period_s` seconds of simulated time (a triangle), starting at `low_usd` when it was added
/// plus `phase_s`: what a spot guard meets on a busy server, reproducible to the second.
#[derive(Debug, Clone, PartialEq)]
pub struct CompetitorMove {
    pub offer_id: u64,
    pub low_usd: f64,
    pub high_usd: f64,
    pub period_s: i64,
    /// Simulated time the move started from (its bid is `low_usd` then, before `phase_s`).
    pub start: i64,
    pub phase_s: i64,
}

impl CompetitorMove {
    /// The bid at simulated time `now`, in whole cents.
    pub fn bid_at(&self, now: i64) -> f64 {
        let period = self.period_s.max(2);
        let t = (now - self.start + self.phase_s).rem_euclid(period) as f64 / period as f64;
        let up = 1.0 - (2.0 * t - 1.0).abs();
        round_to(self.low_usd + (self.high_usd - self.low_usd) * up, CENT)
    }
}
