//! Typed responses of the Clore API, shaped after what the live API sends (the live
//! API differs from its published reference): unknown fields ignored, most fields optional, numbers
//! accepted as int, float or string, prices as maps over currencies.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::de;

macro_rules! clore_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl From<u64> for $name {
            fn from(v: u64) -> Self {
                $name(v)
            }
        }

        /// Tests and fixtures compare with plain numbers.
        impl PartialEq<u64> for $name {
            fn eq(&self, other: &u64) -> bool {
                self.0 == *other
            }
        }

        impl $name {
            /// As the database stores it (`BIGINT`; Clore's ids are far below 2^63).
            pub fn db(self) -> i64 {
                self.0 as i64
            }

            pub fn from_db(v: i64) -> Self {
                $name(v as u64)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

clore_id!(
    /// A server on the marketplace (`#123` to users).
    ServerId
);
clore_id!(
    /// An order (a rental) at Clore.
    OrderId
);

pub use crate::domain::Currency;

mod hosts;
pub use hosts::{HostServer, MyServers, RentalStatus, ServerConfig, ServerConfigAnswer};

/// A price map: currency name → amount per day. Unknown currency names (the documented
/// `"usd": 0` on hosts' servers) are kept as written; non-numeric values are dropped.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Prices(BTreeMap<String, f64>);

impl Prices {
    pub fn get(&self, c: Currency) -> Option<f64> {
        self.0.get(c.api_name()).copied()
    }
    pub fn get_named(&self, name: &str) -> Option<f64> {
        self.0.get(name).copied()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.0.iter().map(|(k, v)| (k.as_str(), *v))
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn insert(&mut self, c: Currency, amount: f64) {
        self.0.insert(c.api_name().to_owned(), amount);
    }
}

impl FromIterator<(Currency, f64)> for Prices {
    fn from_iter<I: IntoIterator<Item = (Currency, f64)>>(iter: I) -> Self {
        Prices(iter.into_iter().map(|(c, v)| (c.api_name().to_owned(), v)).collect())
    }
}

impl<'de> Deserialize<'de> for Prices {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Option::<Value>::deserialize(d)?;
        let mut out = BTreeMap::new();
        // A bare number has been seen where a map is documented; it carries no currency,
        // so it is of no use to us and leaves the map empty.
        if let Some(Value::Object(map)) = v {
            for (k, v) in map {
                let n = match &v {
                    Value::Number(n) => n.as_f64(),
                    Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                };
                if let Some(n) = n.filter(|n: &f64| n.is_finite()) {
                    out.insert(k, n);
                }
            }
        }
        Ok(Prices(out))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct Rating {
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub avg: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub cnt: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct Net {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub cc: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub down: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub up: Option<f64>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub test_history: Vec<String>,
}

/// Server specifications, as in `marketplace`, `my_orders`, `my_servers` and `server_config`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct Specs {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub mb: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub cpu: Option<String>,
    /// Cores/threads, e.g. `"16/32"`.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub cpus: Option<String>,
    /// GB.
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub ram: Option<f64>,
    /// Free text, e.g. `"NVMe 512GB"`.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub disk: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub disk_speed: Option<f64>,
    /// Count prefix and model, e.g. `"1x NVIDIA GeForce RTX 4090"`.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub gpu: Option<String>,
    /// GB per GPU.
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub gpuram: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub pcie_rev: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub pcie_width: Option<String>,
    #[serde(default, deserialize_with = "de::number_list")]
    pub pl: Vec<f64>,
    #[serde(default, deserialize_with = "de::loose")]
    pub stock_pl: Option<Value>,
    #[serde(default, deserialize_with = "de::loose")]
    pub stock_oc: Option<Value>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub backend_version: Option<String>,
    #[serde(default, deserialize_with = "de::lenient")]
    pub net: Option<Net>,
}

impl Specs {
    /// CPU thread count from `"8/16"` (threads) or `"16"`.
    pub fn cpu_threads(&self) -> Option<u32> {
        let s = self.cpus.as_deref()?;
        s.rsplit('/').next()?.trim().parse().ok()
    }
}

/// The `price.usd` block of a marketplace server.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct UsdPrice {
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub on_demand_btc: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub on_demand_clore: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub on_demand_usd: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub spot: Option<f64>,
}

/// USD per day on demand and spot: a marketplace server's `original_usd` per currency, a
/// host's `usd_pricing`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct OriginalUsd {
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub on_demand: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub spot: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct MarketPrice {
    #[serde(default)]
    pub on_demand: Prices,
    /// Minimum spot price per day.
    #[serde(default)]
    pub spot: Prices,
    #[serde(default, deserialize_with = "de::lenient")]
    pub usd: Option<UsdPrice>,
    #[serde(default, deserialize_with = "de::lenient")]
    pub original_usd: Option<BTreeMap<String, OriginalUsd>>,
}

/// One server of the `marketplace` listing.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct MarketServer {
    #[serde(deserialize_with = "de::id")]
    pub id: ServerId,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub owner: Option<u64>,
    /// Maximum rental length in **hours** (marketplace only; orders use seconds).
    #[serde(default, rename = "mrl", deserialize_with = "de::opt_u64")]
    pub mrl_hours: Option<u64>,
    #[serde(default, deserialize_with = "de::flag")]
    pub rented: bool,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub reliability: Option<f64>,
    #[serde(default, deserialize_with = "de::lenient")]
    pub rating: Option<Rating>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub allowed_coins: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub cuda_version: Option<String>,
    #[serde(default, deserialize_with = "de::loose")]
    pub autoprice: Option<Value>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub gpu_array: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_flag")]
    pub gigaspot: Option<bool>,
    #[serde(default)]
    pub price: MarketPrice,
    #[serde(default, deserialize_with = "de::lenient")]
    pub specs: Option<Specs>,
}

impl MarketServer {
    /// On-demand price per day in `c`, from the price map, falling back to the `usd` block
    /// for USD.
    pub fn on_demand(&self, c: Currency) -> Option<f64> {
        self.price.on_demand.get(c).or_else(|| match c {
            Currency::Usd => self.price.usd.as_ref().and_then(|u| u.on_demand_usd),
            _ => None,
        })
    }

    /// Minimum spot price per day in `c`.
    pub fn spot(&self, c: Currency) -> Option<f64> {
        self.price.spot.get(c).or_else(|| match c {
            Currency::Usd => self.price.usd.as_ref().and_then(|u| u.spot),
            _ => None,
        })
    }

    /// Whether the owner accepts payment in `c`. An empty `allowed_coins` (older shapes)
    /// means "whatever the price map lists".
    pub fn accepts(&self, c: Currency) -> bool {
        if self.allowed_coins.is_empty() {
            self.price.on_demand.get(c).is_some()
        } else {
            self.allowed_coins.iter().any(|a| a == c.api_name())
        }
    }
}

/// The `marketplace` answer. Servers that fail to decode are skipped and counted rather than
/// failing the whole listing: one odd server must not hide the market.
#[derive(Debug, Clone, Default)]
pub struct Marketplace {
    pub servers: Vec<MarketServer>,
    pub my_servers: Vec<u64>,
    pub skipped: usize,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Wallet {
    #[serde(deserialize_with = "de::required_string")]
    pub name: String,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub deposit: Option<String>,
    /// May be `null` on the live API.
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub balance: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub withdrawal_fee: Option<f64>,
}

impl Wallet {
    pub fn currency(&self) -> Option<Currency> {
        Currency::parse(&self.name)
    }
}

/// One order of `my_orders`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Order {
    #[serde(deserialize_with = "de::id")]
    pub id: OrderId,
    /// The rented server's id.
    #[serde(default, rename = "si", deserialize_with = "de::opt_id")]
    pub server_id: Option<ServerId>,
    /// Creation time, unix seconds.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub ct: Option<i64>,
    /// Maximum rental length in **seconds** (unlike the marketplace's hours).
    #[serde(default, rename = "mrl", deserialize_with = "de::opt_u64")]
    pub mrl_secs: Option<u64>,
    /// Price per day in `currency`.
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub price: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub spend: Option<f64>,
    /// Percent paid to Clore.
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub fee: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub creation_fee: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub image: Option<String>,
    #[serde(default, deserialize_with = "de::flag")]
    pub expired: bool,
    #[serde(default, deserialize_with = "de::flag")]
    pub spot: bool,
    #[serde(default, deserialize_with = "de::string_list")]
    pub pub_cluster: Vec<String>,
    /// `"container:public"` pairs, e.g. `"22:10000"`.
    #[serde(default, deserialize_with = "de::string_list")]
    pub tcp_ports: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub http_port: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub http_pub: Option<String>,
    #[serde(default, deserialize_with = "de::opt_flag")]
    pub online: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub reliability: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub owner: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub cuda_version: Option<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub gpu_array: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub original_price_usd: Option<f64>,
    #[serde(default, deserialize_with = "de::lenient")]
    pub specs: Option<Specs>,
}

/// One forwarded TCP port of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortForward {
    pub container: u16,
    pub public: u16,
}

impl Order {
    pub fn currency(&self) -> Option<Currency> {
        self.currency.as_deref().and_then(Currency::parse)
    }

    /// Unix time at which the order reaches its maximum rental length (`ct + mrl`).
    pub fn ends_at(&self) -> Option<i64> {
        self.ct?.checked_add(i64::try_from(self.mrl_secs?).ok()?)
    }

    pub fn port_forwards(&self) -> Vec<PortForward> {
        self.tcp_ports
            .iter()
            .filter_map(|p| {
                let (c, pub_) = p.split_once(':')?;
                Some(PortForward { container: c.trim().parse().ok()?, public: pub_.trim().parse().ok()? })
            })
            .collect()
    }

    /// The host and public port to reach the container's SSH (port 22), once assigned.
    pub fn ssh_endpoint(&self) -> Option<(&str, u16)> {
        let host = self.pub_cluster.first()?;
        let fwd = self.port_forwards().into_iter().find(|f| f.container == 22)?;
        Some((host.as_str(), fwd.public))
    }

    /// Whether the order's public endpoints have been assigned.
    pub fn endpoints_ready(&self) -> bool {
        !self.pub_cluster.is_empty() && (!self.tcp_ports.is_empty() || self.http_port.is_some())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct MyOrders {
    #[serde(default)]
    pub orders: Vec<Order>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub limit: Option<u64>,
}

/// An offer on a server's spot market. Older answers carry `offer_id`/`bid`; newer ones
/// `order_id`/`price`/`server_id`. The live API names each offer's `currency` (community
/// clients type it, e.g. vladpuz/cloreai `spotMarketplace.ts`); the docs' examples, which
/// omit it, bid in bitcoin.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct SpotOffer {
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub offer_id: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub order_id: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub bid: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub price: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub server_id: Option<u64>,
    #[serde(default, deserialize_with = "de::flag")]
    pub active: bool,
    #[serde(default, deserialize_with = "de::flag")]
    pub my: bool,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub currency: Option<String>,
}

impl SpotOffer {
    pub fn id(&self) -> Option<u64> {
        self.offer_id.or(self.order_id)
    }
    /// The bid per day, in [`SpotOffer::bid_currency`].
    pub fn amount(&self) -> Option<f64> {
        self.bid.or(self.price)
    }
    /// The currency of the bid: as the offer names it, else bitcoin (the docs' examples).
    /// `None` for a name this client does not know.
    pub fn bid_currency(&self) -> Option<Currency> {
        match &self.currency {
            Some(name) => Currency::parse(name),
            None => Some(Currency::Bitcoin),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct SpotServer {
    #[serde(default)]
    pub min_pricing: Prices,
    /// Seconds.
    #[serde(default, rename = "mrl", deserialize_with = "de::opt_u64")]
    pub mrl_secs: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub visibility: Option<String>,
    #[serde(default, deserialize_with = "de::opt_flag")]
    pub online: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct SpotMarketInner {
    #[serde(default)]
    pub offers: Vec<SpotOffer>,
    #[serde(default)]
    pub server: Option<SpotServer>,
    /// Where the live API puts the rates (the official SDK's captured fixture).
    #[serde(default)]
    pub currency_rates_in_usd: Prices,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct SpotMarket {
    #[serde(default, deserialize_with = "de::flag")]
    pub exists: bool,
    #[serde(default)]
    pub market: Option<SpotMarketInner>,
    /// Where older answers put the rates.
    #[serde(default)]
    pub currency_rates_in_usd: Prices,
}

impl SpotMarket {
    /// USD per unit of each currency: inside `market` (live), else at the top level.
    pub fn rates(&self) -> &Prices {
        match &self.market {
            Some(m) if !m.currency_rates_in_usd.is_empty() => &m.currency_rates_in_usd,
            _ => &self.currency_rates_in_usd,
        }
    }

    /// `offer`'s bid in `to`, through the answer's rates; `None` when a rate is missing.
    pub fn bid_in(&self, offer: &SpotOffer, to: Currency) -> Option<f64> {
        let (amount, from) = (offer.amount()?, offer.bid_currency()?);
        if from == to {
            return Some(amount);
        }
        let rates = self.rates();
        // USD-Blockchain is worth a dollar, named in the map or not (older answers omit it).
        let usd = |c: Currency| rates.get(c).or((c == Currency::Usd).then_some(1.0));
        let (from_usd, to_usd) = (usd(from)?, usd(to)?);
        (from_usd > 0.0 && to_usd > 0.0).then(|| amount * from_usd / to_usd)
    }
}
