//! The Clore.ai API client: typed models that survive the live API, one error type,
//! per-key rate limits, bounded retries, and validation before any call.

pub mod budget;
pub mod client;
pub mod de;
pub mod error;
pub mod image_ref;
pub mod key;
pub mod limit;
pub mod model;
pub mod public_key;
pub mod validate;

/// What Clore charges to create an order, in USD ("about $0.10", as the live API charges it); charged
/// in the order's currency.
pub const CREATION_FEE_USD: f64 = 0.10;

pub use client::{ClientConfig, CloreClient, CreatedOrder, DEFAULT_BASE_URL};
pub use error::CloreError;
pub use key::ApiKey;
pub use model::*;
pub use validate::{CreateOrder, OrderKind, PortProto, ServerSettings, ValidationError};
