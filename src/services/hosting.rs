//! A host's change to their servers, worked out before anything is sent: which servers a
//! `/hostset` target reaches, each one's values before and after, a price given in USD
//! converted into the bitcoin `set_server_settings` takes, and the guard against a dollar
//! amount typed as bitcoin. Pure and serde-able: a confirmation's `Action` holds the plan.

use serde::{Deserialize, Serialize};

use crate::clore::{Currency, HostServer, ServerConfig, ServerSettings};
use crate::domain::format::money;
use crate::market::gpu::{ModelFilter, parse_gpu_line};
use crate::t;
use crate::text::{ECHO_MAX, clip};

/// Satoshis in a bitcoin: `set_server_settings` prices are rounded to one.
const SATS_PER_BTC: f64 = 100_000_000.0;

/// A bitcoin price worth more than this a day for each GPU is taken for a dollar amount
/// written without its `$` and refused (the dearest cards rent for a few dollars a day).
pub const SANE_USD_PER_GPU_DAY: f64 = 1000.0;

/// BTC per USD the guard assumes when the market gives no rate: bitcoin at $10,000, lower
/// than it has been for years, so the guard errs towards letting a real price through.
const FALLBACK_BTC_PER_USD: f64 = 1.0 / 10_000.0;

/// Which of a host's servers a change reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HostTarget {
    /// `all`: every server of the account.
    All,
    /// `gpu=4090`: every server whose GPU model matches, as `/gpus 4090` would.
    Gpu(String),
    /// `rig-a` or `name=rig-a`: one server, by its exact name.
    Name(String),
}

/// A price as typed: `$3.40`, `3.40$`, `3.40usd` are dollars a day; `0.00005btc` or a bare
/// number bitcoin a day, as Clore takes it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum PriceGiven {
    Usd(f64),
    Btc(f64),
}

/// What a `/hostset` asks to change; `None` leaves a value as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HostEdit {
    pub available: Option<bool>,
    pub mrl_hours: Option<u64>,
    pub price: Option<PriceGiven>,
    pub spot: Option<PriceGiven>,
}

impl HostEdit {
    pub fn is_empty(&self) -> bool {
        self.available.is_none() && self.mrl_hours.is_none() && self.price.is_none() && self.spot.is_none()
    }

    /// Whether a price is in dollars, so the plan needs the market's rate.
    pub fn needs_rate(&self) -> bool {
        [self.price, self.spot].iter().any(|p| matches!(p, Some(PriceGiven::Usd(_))))
    }
}

/// A server's settings as `set_server_settings` takes them; `None` where Clore's listing
/// did not say (the confirmation reads `server_config` for those).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostValues {
    pub available: bool,
    pub mrl_hours: Option<u64>,
    pub on_demand_btc: Option<f64>,
    pub spot_btc: Option<f64>,
}

impl HostValues {
    /// The values `my_servers` lists: a server is available unless it is hidden (the
    /// settings' `availability` is what Clore shows as `visibility`).
    pub fn of(s: &HostServer) -> HostValues {
        HostValues {
            available: s.visibility.as_deref() != Some("hidden"),
            mrl_hours: s.mrl_hours,
            on_demand_btc: s.pricing.get(Currency::Bitcoin),
            spot_btc: s.min_spot_pricing.get(Currency::Bitcoin),
        }
    }

    /// Fills what the listing left out from the server's own configuration.
    pub fn fill_missing(&mut self, c: &ServerConfig) {
        self.mrl_hours = self.mrl_hours.or(c.mrl_hours);
        self.on_demand_btc = self.on_demand_btc.or(c.pricing.get(Currency::Bitcoin));
        self.spot_btc = self.spot_btc.or(c.spot_pricing.get(Currency::Bitcoin));
    }

    /// Whether either price is still unknown (`mrl` has a default; a price has none).
    pub fn lacks_price(&self) -> bool {
        self.on_demand_btc.is_none() || self.spot_btc.is_none()
    }

    /// The request for `name`, once both prices are known; a missing `mrl` is Clore's
    /// default, 72 hours.
    pub fn settings(&self, name: &str) -> Option<ServerSettings> {
        Some(ServerSettings {
            name: name.to_owned(),
            availability: self.available,
            mrl_hours: self.mrl_hours.unwrap_or(72),
            on_demand: self.on_demand_btc?,
            spot: self.spot_btc?,
        })
    }
}

/// One server's values before and after a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostChange {
    pub name: String,
    pub server_id: Option<u64>,
    /// The GPU line as Clore lists it (`1x NVIDIA GeForce RTX 4090`); empty if none.
    pub gpu_line: String,
    pub old: HostValues,
    pub new: HostValues,
}

impl HostChange {
    /// Whether sending the change alters anything Clore shows.
    pub fn alters(&self) -> bool {
        self.old != self.new
    }
}

/// Why no change could be planned.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanError {
    /// The target reaches none of the host's servers (`yours` lists their names).
    NoMatch { target: HostTarget, yours: Vec<String> },
    /// A price is in dollars and the market gives no bitcoin rate to convert it at.
    NoRate,
    /// A bitcoin price worth more than [`SANE_USD_PER_GPU_DAY`] a GPU on `name`.
    TooDear { name: String, field: &'static str, btc: f64, gpus: u32 },
}

impl PlanError {
    /// What the host reads, in the current language.
    pub fn message(&self) -> String {
        match self {
            PlanError::NoMatch { target, yours } => {
                let yours = if yours.is_empty() { t!("hosts-yours-none") } else { yours.join(", ") };
                match target {
                    HostTarget::All => t!("hosts-none"),
                    HostTarget::Gpu(g) => t!("hosts-unknown-gpu", gpu = clip(g, ECHO_MAX), yours = yours),
                    HostTarget::Name(n) => t!("hosts-unknown-name", name = clip(n, ECHO_MAX), yours = yours),
                }
            }
            PlanError::NoRate => t!("hosts-no-rate"),
            // The limit is a whole sum: `$1000`, not `$1000.00`.
            PlanError::TooDear { name, field, btc, gpus } => t!(
                "hosts-too-dear",
                typed = format!("{field}={btc}"),
                meant = format!("{field}=${btc}"),
                btc = money(*btc, Currency::Bitcoin),
                name = clip(name, ECHO_MAX),
                gpus = *gpus,
                limit = t!("money-usd", amount = crate::i18n::number(&SANE_USD_PER_GPU_DAY.to_string()))
            ),
        }
    }
}

/// The GPU line of a host's server and its GPU count (at least 1), as the market reads a
/// listing: `specs.gpu`, else the first of `gpu_array`.
fn gpus_of(s: &HostServer) -> (String, u32) {
    let line = s.gpu_line();
    let counted = s.gpu_count.and_then(|n| u32::try_from(n).ok()).unwrap_or_else(|| parse_gpu_line(&line).0);
    (line, counted.max(1))
}

fn reaches(target: &HostTarget, s: &HostServer, gpu_line: &str) -> bool {
    match target {
        HostTarget::All => true,
        HostTarget::Name(n) => s.name == *n,
        HostTarget::Gpu(g) => {
            let filter = ModelFilter::new(vec![g.clone()]);
            // A phrase that names no model (`gpu=nvidia`) reaches nothing, never everything.
            !filter.is_empty() && !gpu_line.is_empty() && filter.matches(&parse_gpu_line(gpu_line).1)
        }
    }
}

/// `usd` a day in bitcoin at `btc_per_usd`, to the nearest satoshi.
pub fn usd_to_btc(usd: f64, btc_per_usd: f64) -> f64 {
    (usd * btc_per_usd * SATS_PER_BTC).round() / SATS_PER_BTC
}

/// Whether `btc` a day is a believable price for `gpus` GPUs: at most
/// [`SANE_USD_PER_GPU_DAY`] each, at the market's rate (or a low bitcoin price without one).
pub fn sanity(btc: f64, gpus: u32, btc_per_usd: Option<f64>) -> bool {
    let rate = btc_per_usd.filter(|r| r.is_finite() && *r > 0.0).unwrap_or(FALLBACK_BTC_PER_USD);
    btc / rate <= SANE_USD_PER_GPU_DAY * f64::from(gpus.max(1))
}

/// The changes `edit` makes to the servers `target` reaches, in Clore's order: a value not
/// given stays as listed, a dollar price is converted at `btc_per_usd` (BTC per USD, the
/// market's rate), and a bitcoin price is checked by [`sanity`].
pub fn plan_changes(
    servers: &[HostServer],
    target: &HostTarget,
    edit: &HostEdit,
    btc_per_usd: Option<f64>,
) -> Result<Vec<HostChange>, PlanError> {
    let rate = btc_per_usd.filter(|r| r.is_finite() && *r > 0.0);
    let to_btc = |p: PriceGiven| match p {
        PriceGiven::Btc(b) => Ok(b),
        PriceGiven::Usd(u) => rate.map(|r| usd_to_btc(u, r)).ok_or(PlanError::NoRate),
    };
    let price = edit.price.map(to_btc).transpose()?;
    let spot = edit.spot.map(to_btc).transpose()?;
    let mut out = Vec::new();
    for s in servers {
        let (gpu_line, gpus) = gpus_of(s);
        if !reaches(target, s, &gpu_line) {
            continue;
        }
        for (field, given) in [("price", edit.price), ("spot", edit.spot)] {
            if let Some(PriceGiven::Btc(btc)) = given
                && !sanity(btc, gpus, rate)
            {
                return Err(PlanError::TooDear { name: s.name.clone(), field, btc, gpus });
            }
        }
        let old = HostValues::of(s);
        let new = HostValues {
            available: edit.available.unwrap_or(old.available),
            mrl_hours: edit.mrl_hours.or(old.mrl_hours),
            on_demand_btc: price.or(old.on_demand_btc),
            spot_btc: spot.or(old.spot_btc),
        };
        out.push(HostChange { name: s.name.clone(), server_id: s.id, gpu_line, old, new });
    }
    if out.is_empty() {
        return Err(PlanError::NoMatch {
            target: target.clone(),
            yours: servers.iter().map(|s| clip(&s.name, ECHO_MAX)).collect(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, sync_scope};
    use serde_json::json;

    /// A server as `my_servers` lists it (the sim's shape): BTC prices, a GPU line.
    fn server(id: u64, name: &str, gpu: &str, btc: f64, visibility: &str) -> HostServer {
        serde_json::from_value(json!({
            "id": id, "name": name, "visibility": visibility, "online": true, "rented": false,
            "pricing": {"bitcoin": btc, "USD-Blockchain": btc * 100_000.0},
            "min_spot_pricing": {"bitcoin": btc / 2.0},
            "specs": {"gpu": gpu},
        }))
        .unwrap()
    }

    fn fleet() -> Vec<HostServer> {
        vec![
            server(1, "rig-a", "1x NVIDIA GeForce RTX 4090", 0.00004, "public"),
            server(2, "rig-b", "2x NVIDIA GeForce RTX 4090", 0.00008, "hidden"),
            server(3, "rig-c", "1x NVIDIA GeForce RTX 3090", 0.00002, "public"),
        ]
    }

    const RATE: f64 = 1.0 / 100_000.0; // bitcoin at $100,000

    fn names(c: &[HostChange]) -> Vec<&str> {
        c.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn targets_reach_all_a_model_or_one_name() {
        let s = fleet();
        let edit = HostEdit { available: Some(true), ..HostEdit::default() };
        let all = plan_changes(&s, &HostTarget::All, &edit, None).unwrap();
        assert_eq!(names(&all), ["rig-a", "rig-b", "rig-c"]);
        let g = plan_changes(&s, &HostTarget::Gpu("4090".into()), &edit, None).unwrap();
        assert_eq!(names(&g), ["rig-a", "rig-b"]);
        assert_eq!(g[1].gpu_line, "2x NVIDIA GeForce RTX 4090");
        assert_eq!(g[1].server_id, Some(2));
        let one = plan_changes(&s, &HostTarget::Name("rig-c".into()), &edit, None).unwrap();
        assert_eq!(names(&one), ["rig-c"]);
        // Only rig-b was hidden: availability changes there alone.
        assert_eq!(all.iter().filter(|c| c.alters()).count(), 1);
        assert!(all[1].alters() && !all[1].old.available && all[1].new.available);
    }

    #[test]
    fn values_not_given_stay_as_listed() {
        let s = fleet();
        let edit = HostEdit { price: Some(PriceGiven::Usd(3.4)), ..HostEdit::default() };
        let c = plan_changes(&s, &HostTarget::Name("rig-a".into()), &edit, Some(RATE)).unwrap().remove(0);
        assert_eq!(c.old.on_demand_btc, Some(0.00004));
        assert_eq!(c.new.on_demand_btc, Some(0.000034));
        assert_eq!((c.new.spot_btc, c.new.available, c.new.mrl_hours), (Some(0.00002), true, None));
        // The same values again alter nothing.
        let same = HostEdit { price: Some(PriceGiven::Btc(0.00004)), available: Some(true), ..HostEdit::default() };
        let c = plan_changes(&s, &HostTarget::Name("rig-a".into()), &same, None).unwrap().remove(0);
        assert!(!c.alters());
        // What the listing lacks comes from the configuration; a given value wins over it.
        let mut v = c.new.clone();
        let config: ServerConfig =
            serde_json::from_value(json!({"mrl": 96, "pricing": {"bitcoin": 1.0}, "spot_pricing": {"bitcoin": 1.0}}))
                .unwrap();
        v.fill_missing(&config);
        assert_eq!((v.mrl_hours, v.on_demand_btc), (Some(96), Some(0.00004)));
        let settings = v.settings("rig-a").unwrap();
        assert_eq!((settings.mrl_hours, settings.spot), (96, 0.00002));
        assert!(settings.validate().is_ok());
    }

    #[test]
    fn no_match_names_the_servers_there_are() {
        let s = fleet();
        let edit = HostEdit { available: Some(false), ..HostEdit::default() };
        let e = plan_changes(&s, &HostTarget::Name("rig-z".into()), &edit, None).unwrap_err();
        assert_eq!(e.message(), "You have no server named `rig-z`. Yours: rig-a, rig-b, rig-c.");
        let e = plan_changes(&s, &HostTarget::Gpu("a100".into()), &edit, None).unwrap_err();
        assert_eq!(e.message(), "None of your servers has a GPU matching `a100`. Yours: rig-a, rig-b, rig-c.");
        // A phrase that names no model reaches nothing rather than everything.
        assert!(plan_changes(&s, &HostTarget::Gpu("nvidia".into()), &edit, None).is_err());
        let e = plan_changes(&[], &HostTarget::All, &edit, None).unwrap_err();
        assert_eq!(e.message(), "You host no servers on Clore.");
        let de = sync_scope(Lang::De, || {
            plan_changes(&s, &HostTarget::Gpu("a100".into()), &edit, None).unwrap_err().message()
        });
        assert!(de.contains("`a100`") && de.contains("rig-a, rig-b, rig-c"), "{de}");
    }

    #[test]
    fn dollars_need_a_rate_and_round_to_the_satoshi() {
        let s = fleet();
        let edit = HostEdit { spot: Some(PriceGiven::Usd(1.0)), ..HostEdit::default() };
        assert_eq!(plan_changes(&s, &HostTarget::All, &edit, None).unwrap_err(), PlanError::NoRate);
        assert_eq!(plan_changes(&s, &HostTarget::All, &edit, Some(f64::NAN)).unwrap_err(), PlanError::NoRate);
        // $3.40 at $94,321.87 a bitcoin: 3,604.7… satoshis, rounded to 3,605.
        let rate = 1.0 / 94_321.87;
        assert_eq!(usd_to_btc(3.4, rate), 0.00003605);
        assert_eq!(usd_to_btc(0.000_000_004, 1.0), 0.0);
        assert_eq!(usd_to_btc(1.0, 0.000_000_016), 0.00000002);
        let c = plan_changes(&s, &HostTarget::All, &edit, Some(rate)).unwrap();
        assert!(c.iter().all(|c| c.new.spot_btc == Some(usd_to_btc(1.0, rate))));
        assert!(
            edit.needs_rate() && !HostEdit { price: Some(PriceGiven::Btc(1.0)), ..HostEdit::default() }.needs_rate()
        );
    }

    #[test]
    fn a_dollar_amount_typed_as_bitcoin_is_refused() {
        // $1,000 a day a GPU at $100,000 a bitcoin is 0.01 BTC.
        assert!(sanity(0.01, 1, Some(RATE)));
        assert!(!sanity(0.0101, 1, Some(RATE)));
        assert!(sanity(0.02, 2, Some(RATE)));
        assert!(!sanity(3.4, 8, Some(RATE)));
        // Without a rate, bitcoin at $10,000: 0.1 BTC a GPU.
        assert!(sanity(0.1, 1, None) && !sanity(0.11, 1, None));
        let s = fleet();
        let edit = HostEdit { price: Some(PriceGiven::Btc(3.4)), ..HostEdit::default() };
        let e = plan_changes(&s, &HostTarget::Gpu("4090".into()), &edit, Some(RATE)).unwrap_err();
        assert_eq!(e, PlanError::TooDear { name: "rig-a".into(), field: "price", btc: 3.4, gpus: 1 });
        assert_eq!(
            e.message(),
            "price=3.4 reads as 3.4 BTC a day, more than $1000 a day for each of rig-a's 1 GPU: did you mean price=$3.4?"
        );
        let ru = sync_scope(Lang::Ru, || e.message());
        assert!(ru.contains("price=$3.4?") && ru.contains("3,4 BTC"), "{ru}");
        // A dollar price is what the host wrote: it is not second-guessed.
        let edit = HostEdit { price: Some(PriceGiven::Usd(3.4)), ..HostEdit::default() };
        assert!(plan_changes(&s, &HostTarget::All, &edit, Some(RATE)).is_ok());
    }

    #[test]
    fn a_plan_survives_an_action_round_trip() {
        let edit = HostEdit { price: Some(PriceGiven::Usd(3.4)), mrl_hours: Some(48), ..HostEdit::default() };
        let c = plan_changes(&fleet(), &HostTarget::All, &edit, Some(RATE)).unwrap();
        let back: Vec<HostChange> = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        assert_eq!(back, c);
        let t: HostTarget =
            serde_json::from_value(serde_json::to_value(HostTarget::Gpu("4090".into())).unwrap()).unwrap();
        assert_eq!(t, HostTarget::Gpu("4090".into()));
    }
}
