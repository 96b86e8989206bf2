//! Money: the currencies Clore prices and bills in.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The three currencies Clore prices and bills in: the one currency type of clorebot (API
/// payloads, queries, settings and stored rows alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub enum Currency {
    #[serde(rename = "bitcoin")]
    Bitcoin,
    #[serde(rename = "CLORE-Blockchain")]
    Clore,
    /// What prices show in until a user chooses otherwise.
    #[default]
    #[serde(rename = "USD-Blockchain")]
    Usd,
}

impl Currency {
    pub const ALL: [Currency; 3] = [Currency::Usd, Currency::Clore, Currency::Bitcoin];

    /// The name the API uses in price maps, wallets and `create_order`.
    pub fn api_name(self) -> &'static str {
        match self {
            Currency::Bitcoin => "bitcoin",
            Currency::Clore => "CLORE-Blockchain",
            Currency::Usd => "USD-Blockchain",
        }
    }

    /// Parses an API name or a user's short name (`usd`, `clore`, `btc`).
    pub fn parse(s: &str) -> Option<Currency> {
        match s.trim().to_ascii_lowercase().as_str() {
            "bitcoin" | "btc" => Some(Currency::Bitcoin),
            "clore-blockchain" | "clore" => Some(Currency::Clore),
            "usd-blockchain" | "usd" | "usdt" | "$" => Some(Currency::Usd),
            _ => None,
        }
    }

    /// The short name users type and the database stores: `usd`, `clore`, `btc`.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Bitcoin => "btc",
            Currency::Clore => "clore",
            Currency::Usd => "usd",
        }
    }

    /// Short symbol for display.
    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Bitcoin => "BTC",
            Currency::Clore => "CLORE",
            Currency::Usd => "USD",
        }
    }
}

/// The one currency parser users meet: every short or API name [`Currency::parse`] knows.
impl std::str::FromStr for Currency {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
            .ok_or_else(|| format!("unknown currency `{}`; use usd, clore or btc", crate::text::clip(s.trim(), 20)))
    }
}

/// Stored rows (`usd`, `clore`, `btc`).
impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}
