//! What an alert says, as stored in the outbox and rendered by each platform's notifier.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertButton {
    pub label: String,
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertMessage {
    pub text: String,
    #[serde(default)]
    pub buttons: Vec<AlertButton>,
}

impl AlertMessage {
    pub fn text(t: impl Into<String>) -> AlertMessage {
        AlertMessage { text: t.into(), buttons: Vec::new() }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("an alert message serialises")
    }

    /// Reads a stored payload; a payload that is not an alert message (hand-written, or from
    /// a newer version) is shown as its JSON text rather than lost.
    pub fn from_json(v: &serde_json::Value) -> AlertMessage {
        serde_json::from_value(v.clone()).unwrap_or_else(|_| AlertMessage::text(v.to_string()))
    }
}
