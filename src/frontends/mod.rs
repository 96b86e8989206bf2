//! Front-ends: each turns platform events into core calls and core replies into platform
//! messages, and nothing more.

pub mod console;
pub mod discord;
pub mod telegram;
