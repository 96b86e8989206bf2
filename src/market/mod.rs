//! The market as clorebot sees it: GPU names normalised (`gpu.rs`), the `/gpus` and
//! `/watch` query language (`query/`), a shared, cached snapshot of the marketplace
//! (`snapshot.rs`), its prices per model (`stats.rs`), where a host's server stands among the
//! free servers of its model (`standing.rs`) and when that is worth an undercut alert
//! (`undercut.rs`).

pub mod condition;
pub mod gpu;
pub mod query;
pub mod snapshot;
pub mod standing;
pub mod stats;
pub mod undercut;

pub use gpu::GpuModel;
pub use query::{Query, QueryError};
pub use snapshot::{MarketCache, ServerView, Snapshot};
