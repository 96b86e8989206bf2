//! Services: what a command and the alert engine both do — rent, log in, follow orders,
//! issue button tokens — called with a user and the shared [`Deps`] rather than through a
//! handler. Below `core` and the engine; above the store, the Clore client and the market.

pub mod actions;
pub mod hosting;
pub mod login;
pub mod orders;
pub mod rent;
pub mod spot_guard;
pub mod templates;
pub mod tokens;
pub mod watches;

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;

use crate::clore::{ApiKey, CloreClient, CloreError};
use crate::domain::{Clock, format};
use crate::market::MarketCache;
use crate::store::crypto::{Keyring, SecretKind};
use crate::store::secrets;
use crate::store::users::User;
use crate::t;

pub use actions::Action;
pub use login::{SshLogin, ssh_login};
pub use tokens::{issue_token, issue_tokens};

/// What the services, the command layer and the alert engine share: the database, Clore, the
/// master keys, the market snapshot, and the few settings both sides apply.
pub struct Deps {
    pub pool: PgPool,
    pub clore: CloreClient,
    pub keyring: Arc<Keyring>,
    pub market: Arc<MarketCache>,
    /// Image used when neither a command nor the user's settings name one (auto-rent too).
    pub default_image: String,
    /// The time as the bot reads it: the system's, or one a test moves on.
    pub clock: Arc<dyn Clock>,
    /// How long buttons live: confirmations act once and soon; navigation stays useful longer.
    pub confirm_ttl: Duration,
    pub nav_ttl: Duration,
    /// This process among the others on the database: its id and whether its heartbeat is
    /// recent enough to start work on what it took from a platform.
    pub process: Arc<crate::store::processes::Liveness>,
}

impl Deps {
    /// `user`'s API key if one is stored; a stored key that cannot be read is an error that
    /// says to set it again.
    pub async fn api_key_of(&self, user: &User) -> Result<Option<ApiKey>, Failure> {
        match secrets::get(&self.pool, &self.keyring, user.id, SecretKind::CloreApiKey).await? {
            Some(secrets::Stored::Usable(k)) => {
                use secrecy::ExposeSecret;
                ApiKey::parse(k.expose_secret()).map(Some).map_err(|_| Failure::user(t!("key-unreadable")))
            }
            Some(secrets::Stored::Undecryptable(e)) => {
                tracing::warn!(user = %user.id, error = %e, "stored API key does not decrypt");
                Err(Failure::user(t!("key-unreadable")))
            }
            None => Ok(None),
        }
    }
}

/// How a request failed: the user's doing (shown as is) or ours (logged, shown as a reference).
#[derive(Debug)]
pub enum Failure {
    User(String),
    Internal(anyhow::Error),
}

impl Failure {
    pub fn user(msg: impl Into<String>) -> Failure {
        Failure::User(msg.into())
    }
}

impl From<CloreError> for Failure {
    fn from(e: CloreError) -> Self {
        Failure::User(explain_clore(&e))
    }
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        Failure::Internal(anyhow::Error::new(e).context("database query failed"))
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Internal(e)
    }
}

/// A Clore failure in words for the person who asked, in their language.
pub fn explain_clore(e: &CloreError) -> String {
    match e {
        CloreError::InvalidKey => t!("clore-invalid-key"),
        CloreError::RateLimited { .. } => t!("clore-rate-limited"),
        CloreError::Timeout { endpoint, .. }
        | CloreError::Transport { endpoint, .. }
        | CloreError::Database { endpoint }
        | CloreError::Http { endpoint, .. }
        | CloreError::Decode { endpoint, .. }
        | CloreError::InvalidEndpoint { endpoint }
        | CloreError::UnknownCode { endpoint, .. } => {
            tracing::warn!(error = %e, "Clore failure shown to a user");
            t!("clore-not-answering", endpoint = *endpoint)
        }
        CloreError::InvalidInput { endpoint, detail: None } => t!("clore-invalid-input", endpoint = *endpoint),
        CloreError::InvalidInput { endpoint, detail: Some(d) } => {
            t!("clore-invalid-input-detail", endpoint = *endpoint, detail = d)
        }
        CloreError::ExceededMaxStep { max_step } => {
            t!("clore-max-step", max_step = crate::i18n::number(&max_step.to_string()))
        }
        CloreError::CanLowerEvery600Seconds { time_to_lowering } => {
            t!("clore-lower-every", wait = format::duration(time_to_lowering.ceil() as i64))
        }
        CloreError::NotEnoughBalance => t!("clore-no-balance"),
        CloreError::ServerAlreadyRented => t!("clore-already-rented"),
        CloreError::ServerOffline => t!("clore-offline"),
        CloreError::TooLowPrice => t!("clore-too-low"),
        CloreError::CurrencyNotAllowed => t!("clore-currency-refused"),
        CloreError::Refused { endpoint, error } => t!("clore-refused", endpoint = *endpoint, error = error),
        CloreError::Invalid(v) => t!("clore-invalid", field = v.field, problem = v.problem.to_string()),
        CloreError::CreateOrderUncertain { server_id, cause } => {
            t!("clore-uncertain", server = server_id.to_string(), cause = explain_clore(cause))
        }
    }
}
