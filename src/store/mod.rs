//! Everything clorebot remembers, in Postgres: one file per table group. Functions take
//! `impl PgExecutor<'_>` so a caller chooses the pool or a transaction (alerts are written in
//! the transaction of the state change that caused them).

/// A query text built from constant pieces (column lists); never from user input.
macro_rules! sqlf {
    ($($t:tt)*) => {
        sqlx::AssertSqlSafe(format!($($t)*))
    };
}

pub mod actions;
pub mod audit;
pub mod crypto;
pub mod history;
pub mod intents;
pub mod orders;
pub mod outbox;
pub mod sealed;
pub mod secrets;
pub mod tempdb;
pub mod users;
pub mod watches;

use std::fmt;
use std::str::FromStr;

use anyhow::Context;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

/// The schema, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Applies pending migrations; a database already up to date is left alone.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("failed to apply database migrations")
}

/// Connects to `url` (never logged: it may hold a password) and migrates.
pub async fn connect(url: &str) -> anyhow::Result<PgPool> {
    let opts: sqlx::postgres::PgConnectOptions = url.parse().context("DATABASE_URL is not a valid PostgreSQL URL")?;
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .connect_with(opts)
        .await
        .context("failed to connect to DATABASE_URL")?;
    migrate(&pool).await?;
    Ok(pool)
}

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type)]
        #[sqlx(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A row of `users`: one person on one platform.
    UserId
);
id_type!(
    /// A row of `chats`.
    ChatId
);
id_type!(
    /// A row of `watches`; the number users see in `/watches` and type in `/unwatch`.
    WatchId
);
id_type!(
    /// A row of `outbox`.
    OutboxId
);
id_type!(
    /// A row of `rent_intents`: one attempt to create an order.
    IntentId
);

pub use crate::core::identity::Platform;

/// The currency a user sees prices in; stored as `usd` / `clore` / `btc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DisplayCurrency {
    #[default]
    Usd,
    Clore,
    Btc,
}

impl DisplayCurrency {
    pub fn as_str(self) -> &'static str {
        match self {
            DisplayCurrency::Usd => "usd",
            DisplayCurrency::Clore => "clore",
            DisplayCurrency::Btc => "btc",
        }
    }

    pub fn from_clore(c: crate::clore::Currency) -> DisplayCurrency {
        match c {
            crate::clore::Currency::Usd => DisplayCurrency::Usd,
            crate::clore::Currency::Clore => DisplayCurrency::Clore,
            crate::clore::Currency::Bitcoin => DisplayCurrency::Btc,
        }
    }

    /// The Clore currency these prices are in.
    pub fn clore(self) -> crate::clore::Currency {
        match self {
            DisplayCurrency::Usd => crate::clore::Currency::Usd,
            DisplayCurrency::Clore => crate::clore::Currency::Clore,
            DisplayCurrency::Btc => crate::clore::Currency::Bitcoin,
        }
    }
}

impl FromStr for DisplayCurrency {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "usd" | "$" => Ok(DisplayCurrency::Usd),
            "clore" => Ok(DisplayCurrency::Clore),
            "btc" | "bitcoin" => Ok(DisplayCurrency::Btc),
            other => Err(format!("unknown currency {other:?}: use usd, clore or btc")),
        }
    }
}

impl TryFrom<String> for DisplayCurrency {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for DisplayCurrency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
