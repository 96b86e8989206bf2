//! clorebot: a chat-ops bot for the Clore.ai GPU marketplace.

pub mod clore;
pub mod sim;
pub mod store;
pub mod telemetry;
