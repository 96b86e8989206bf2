//! The Clore.ai API client: typed models that survive the live API, one error type,
//! per-key rate limits, bounded retries, and validation before any call.

pub mod client;
pub mod de;
pub mod error;
pub mod key;
pub mod limit;
pub mod model;
pub mod validate;

pub use client::{ClientConfig, CloreClient, CreatedOrder, DEFAULT_BASE_URL};
pub use error::CloreError;
pub use key::ApiKey;
pub use model::*;
pub use validate::{CreateOrder, OrderKind, PortProto, ServerSettings, ValidationError};
