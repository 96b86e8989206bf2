//! clorebot: a chat-ops bot for the Clore.ai GPU marketplace.

pub mod alerts;
pub mod app;
pub mod charts;
pub mod clore;
pub mod config;
pub mod core;
pub mod domain;
pub mod frontends;
pub mod i18n;
pub mod market;
pub mod notify;
pub mod retry;
pub mod services;
pub mod sim;
pub mod store;
pub mod telemetry;
pub mod text;
