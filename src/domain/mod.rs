//! The bottom layer: plain values every other layer speaks in — who and where (`identity`),
//! the numbers of our own rows (`ids`), money and how numbers read (`money`, `format`),
//! durations as people type them (`duration`), where messages can go (`reach`), the time as
//! the bot reads it (`clock`), quiet hours (`quiet`); the values stored as TEXT read back in checked queries through
//! `text_column`.
//! It imports nothing of clorebot but the foundation (`i18n`, `text`).

pub mod clock;
pub mod duration;
pub mod format;
pub mod identity;
pub mod ids;
pub mod money;
pub mod quiet;
pub mod reach;
pub(crate) mod text_column;

pub use clock::Clock;
pub use duration::parse_duration;
pub use identity::{ChatKind, ChatRef, Identity, Platform};
pub use ids::{ChatId, IntentId, OutboxId, TemplateId, UserId, WatchId};
pub use money::Currency;
pub use reach::{Reach, Scope};
