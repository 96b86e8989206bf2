//! How an alert — a [`Reply`] like any other — is stored in the outbox and read back.

use serde::Deserialize;

use crate::clore::ServerId;
use crate::core::reply::Link;
use crate::core::{Button, ButtonStyle, Reply};
use crate::domain::WatchId;
use crate::t;

/// A watch alert's buttons: `rents` are its servers with their Rent tokens. A personal
/// alert's Rent buttons fill rows. A team alert (`team`: its watch) gives each server a row
/// of its own — Rent, answered in the chat, and "Rent privately", a link into the private
/// chat with the bot — and ends with "Watch it myself", a link to the watch for a member to
/// copy. Platforms without such links show the Rent buttons alone.
pub fn with_rent_buttons(reply: Reply, rents: Vec<(ServerId, String)>, team: Option<WatchId>) -> Reply {
    let mut reply = reply;
    for (id, token) in rents {
        let rent = Button::press(t!("watch-rent-button", id = id.to_string()), ButtonStyle::Primary, token);
        reply = match team {
            Some(_) => reply.with_row(vec![
                rent,
                Button::link(t!("watch-rent-private-button", id = id.to_string()), Link::Rent(id)),
            ]),
            None => reply.with_button(rent.label, rent.style, rent.token),
        };
    }
    match team {
        Some(watch) => reply.with_row(vec![Button::link(t!("watch-shared-button"), Link::Watch(watch))]),
        None => reply,
    }
}

/// The outbox payload of `reply`; an error if it holds a secret block (secrets are shown
/// once in a private reply, never stored).
pub fn to_payload(reply: &Reply) -> anyhow::Result<serde_json::Value> {
    serde_json::to_value(reply).map_err(|e| anyhow::anyhow!("an alert cannot be stored: {e}"))
}

/// Reads a stored payload. Alerts written before replies were stored (`{text, buttons}`)
/// read as a text reply with their buttons; anything else unreadable is shown as its JSON
/// text rather than lost.
pub fn from_payload(v: &serde_json::Value) -> Reply {
    if let Ok(r) = serde_json::from_value::<Reply>(v.clone())
        && !r.blocks.is_empty()
    {
        return r;
    }
    #[derive(Deserialize)]
    struct Legacy {
        text: String,
        #[serde(default)]
        buttons: Vec<LegacyButton>,
    }
    #[derive(Deserialize)]
    struct LegacyButton {
        label: String,
        token: String,
    }
    match serde_json::from_value::<Legacy>(v.clone()) {
        Ok(l) => l
            .buttons
            .into_iter()
            .fold(Reply::text(l.text), |r, b| r.with_button(b.label, ButtonStyle::Primary, b.token)),
        Err(_) => Reply::text(v.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_stored_before_replies_still_read() {
        let old = serde_json::json!({ "text": "#7 is cheap", "buttons": [{ "label": "Rent #7", "token": "t" }] });
        let r = from_payload(&old);
        assert_eq!(r.plain_text(), "#7 is cheap");
        assert_eq!(r.rows, vec![vec![crate::core::Button::press("Rent #7", ButtonStyle::Primary, "t".into())]]);
        let new = Reply::text("hello").with_button("Go", ButtonStyle::Primary, "g".into());
        assert_eq!(from_payload(&to_payload(&new).unwrap()), new);
        assert_eq!(from_payload(&serde_json::json!([1, 2])).plain_text(), "[1,2]");
    }
}
