//! What Clore answers a host: `my_servers` and `server_config`.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Currency, OriginalUsd, Prices, Specs, de};

/// A host's own server, from `my_servers`.
#[derive(Debug, Clone, Deserialize)]
pub struct HostServer {
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub id: Option<u64>,
    #[serde(deserialize_with = "de::required_string")]
    pub name: String,
    #[serde(default, deserialize_with = "de::opt_flag")]
    pub connected: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub visibility: Option<String>,
    #[serde(default)]
    pub pricing: Prices,
    #[serde(default, deserialize_with = "de::opt_flag")]
    pub online: Option<bool>,
    #[serde(default)]
    pub min_spot_pricing: Prices,
    /// The token that joins a machine to this server entry: a secret.
    #[serde(default)]
    pub init_token: Option<SecretString>,
    #[serde(default, deserialize_with = "de::lenient")]
    pub specs: Option<Specs>,
    #[serde(default, deserialize_with = "de::opt_flag")]
    pub rented: Option<bool>,
    /// Epoch **milliseconds** at which the current rental ends.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub remaining_time: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_flag")]
    pub working_properly: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub public_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_flag")]
    pub is_vpn_enabled: Option<bool>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub gpu_array: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub gpu_count: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub max_fair_price_usd: Option<f64>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub allowed_currencies: Vec<String>,
    /// Flat `{on_demand, spot}` in older answers, nested per currency in newer ones.
    #[serde(default, deserialize_with = "de::loose")]
    pub usd_pricing: Option<Value>,
    #[serde(default, deserialize_with = "de::loose")]
    pub autoprice: Option<Value>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub energy_price: Option<f64>,
    /// Maximum rental length in hours; documented for `server_config` only, and not in
    /// every live `my_servers` answer.
    #[serde(default, rename = "mrl", deserialize_with = "de::opt_u64")]
    pub mrl_hours: Option<u64>,
    /// How it is rented (see [`HostServer::rental`]); in newer `my_servers` answers only.
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub rental_status: Option<u64>,
}

impl HostServer {
    /// Its GPU line as Clore lists it (`1x NVIDIA GeForce RTX 4090`), trimmed; empty if none.
    pub fn gpu_line(&self) -> String {
        let line = self.specs.as_ref().and_then(|sp| sp.gpu.clone()).or_else(|| self.gpu_array.first().cloned());
        line.unwrap_or_default().trim().to_owned()
    }

    /// How the server is rented, when the answer says (`rental_status`); `rented` alone does
    /// not tell spot from on demand.
    pub fn rental(&self) -> Option<RentalStatus> {
        RentalStatus::from_code(self.rental_status?)
    }

    /// The server's USD prices when paid in `c`, from `usd_pricing` in either shape: nested
    /// per currency (newer answers), or one flat pair that holds for every currency (older).
    pub fn usd_pricing_in(&self, c: Currency) -> Option<OriginalUsd> {
        let v = self.usd_pricing.as_ref()?;
        let pair = v.get(c.api_name()).unwrap_or(v);
        serde_json::from_value::<OriginalUsd>(pair.clone()).ok().filter(|p| p.on_demand.is_some() || p.spot.is_some())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MyServers {
    #[serde(default)]
    pub servers: Vec<HostServer>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub limit: Option<u64>,
}

/// How a host's server is rented (`rental_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RentalStatus {
    NotRented,
    Spot,
    OnDemand,
}

impl RentalStatus {
    /// `rental_status`: 0 not rented, 1 on the spot market, 2 on demand; other codes are unknown.
    pub fn from_code(code: u64) -> Option<RentalStatus> {
        match code {
            0 => Some(RentalStatus::NotRented),
            1 => Some(RentalStatus::Spot),
            2 => Some(RentalStatus::OnDemand),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct ServerConfig {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_flag")]
    pub connected: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub visibility: Option<String>,
    #[serde(default)]
    pub pricing: Prices,
    #[serde(default)]
    pub spot_pricing: Prices,
    /// Maximum rental length in hours.
    #[serde(default, rename = "mrl", deserialize_with = "de::opt_u64")]
    pub mrl_hours: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_flag")]
    pub online: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_flag")]
    pub initialized: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub rental_status: Option<u64>,
    #[serde(default, deserialize_with = "de::lenient")]
    pub specs: Option<Specs>,
    #[serde(default, deserialize_with = "de::loose")]
    pub background_job: Option<Value>,
}

impl ServerConfig {
    pub fn rental(&self) -> Option<RentalStatus> {
        RentalStatus::from_code(self.rental_status?)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct ServerConfigAnswer {
    #[serde(default)]
    pub config: ServerConfig,
    #[serde(default, deserialize_with = "de::opt_flag")]
    pub creation_completed: Option<bool>,
}
