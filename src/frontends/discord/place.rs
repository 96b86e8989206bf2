//! Where an interaction came from, as far as answering it goes. A server channel where
//! clorebot is installed, or the user's DM with the bot, is a chat the bot can post in. A user
//! install reaches places it cannot: a server clorebot was not added to, a group DM, another
//! user's DM. There every answer is ephemeral (it goes back through the interaction, which
//! needs no permission), and the core is handed the user's DM with the bot as the chat — the
//! one place clorebot can reach them — so what it remembers (where private messages reach
//! them, where a personal watch alerts) is never a channel the bot cannot post in.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serenity::http::Http;
use serenity::model::application::{AuthorizingIntegrationOwner, AuthorizingIntegrationOwners, InteractionContext};
use serenity::model::id::{ChannelId, GuildId};

/// Where an interaction came from.
#[derive(Debug, Clone, Copy)]
pub(super) struct Place {
    pub guild: Option<GuildId>,
    pub channel: ChannelId,
    /// The bot is not there (a user install elsewhere): answers are ephemeral, and the
    /// core's chat is the user's DM.
    pub away: bool,
}

impl Place {
    /// From the interaction's `context` and `authorizing_integration_owners` (Discord's
    /// docs: interactions/receiving-and-responding, "Interaction Context Types", "Authorizing
    /// Integration Owners Object"): in a server, the bot is there when the app is installed
    /// to that server (key `"0"`); a group DM or another user's DM (context 2) it never is. An
    /// interaction without a context (older ones) is where its guild says.
    pub fn of(
        guild: Option<GuildId>,
        channel: ChannelId,
        context: Option<InteractionContext>,
        owners: &AuthorizingIntegrationOwners,
    ) -> Place {
        let server_install = owners.0.iter().any(|o| matches!(o, AuthorizingIntegrationOwner::GuildInstall(_)));
        let away = match context {
            None | Some(InteractionContext::BotDm) => false,
            Some(InteractionContext::Guild) => !server_install,
            // A group DM, another user's DM, or a context newer than this code: answered as
            // where the bot cannot post, which is always safe.
            Some(_) => true,
        };
        Place { guild, channel, away }
    }

    /// A place whose context the interaction does not say (a form's submit): where its guild
    /// says, until the user's DM is known (see `finish_form`).
    pub fn unsaid(guild: Option<GuildId>, channel: ChannelId) -> Place {
        Place { guild, channel, away: false }
    }

    /// Whether answers beyond the first are ephemeral follow-ups: others may see the place.
    pub fn shared(&self) -> bool {
        self.guild.is_some() || self.away
    }
}

/// A DM channel once opened is the same for as long as the user and the bot both exist; this
/// many are kept, then all are forgotten (each is one request to open again).
const DMS_KEPT: usize = 10_000;

/// The users' DM channels with the bot, opened on demand (`POST /users/@me/channels`, which
/// gives the existing one) and kept, so that a user install's every interaction does not
/// open it again.
pub struct Dms {
    http: Arc<Http>,
    known: Mutex<HashMap<String, String>>,
}

impl Dms {
    pub fn new(http: Arc<Http>) -> Dms {
        Dms { http, known: Mutex::new(HashMap::new()) }
    }

    /// The DM channel with `user` (a user id).
    pub async fn open(&self, user: &str) -> anyhow::Result<String> {
        if let Some(dm) = self.known.lock().unwrap_or_else(|p| p.into_inner()).get(user) {
            return Ok(dm.clone());
        }
        let channel = self
            .http
            .create_private_channel(&serde_json::json!({ "recipient_id": user }))
            .await
            .map_err(|e| anyhow::anyhow!("opening a DM channel failed: {}", super::interactions::describe(&e)))?;
        let dm = channel.id.to_string();
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if known.len() >= DMS_KEPT {
            known.clear();
        }
        known.insert(user.to_owned(), dm.clone());
        Ok(dm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(json: &str) -> AuthorizingIntegrationOwners {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_bot_is_away_where_only_a_user_install_reaches() {
        let (g, ch) = (Some(GuildId::new(5)), ChannelId::new(6));
        let away = |guild, context: Option<u8>, o: &str| Place::of(guild, ch, context.map(Into::into), &owners(o)).away;
        // A server with clorebot installed, with or without the user's own install.
        assert!(!away(g, Some(0), r#"{"0": "5"}"#));
        assert!(!away(g, Some(0), r#"{"0": "5", "1": "7"}"#));
        // A server only the user's install reaches.
        assert!(away(g, Some(0), r#"{"1": "7"}"#));
        // The bot's DM, by either install; a group DM or another user's DM.
        assert!(!away(None, Some(1), r#"{"0": "0"}"#));
        assert!(!away(None, Some(1), r#"{"1": "7"}"#));
        assert!(away(None, Some(2), r#"{"1": "7"}"#));
        // No context said: where the guild says; an unknown context: away.
        assert!(!away(g, None, "{}"));
        assert!(away(None, Some(9), r#"{"1": "7"}"#));
        let p = Place::of(None, ch, Some(InteractionContext::PrivateChannel), &owners(r#"{"1": "7"}"#));
        assert!(p.shared());
        assert!(!Place::of(None, ch, Some(InteractionContext::BotDm), &owners("{}")).shared());
    }
}
