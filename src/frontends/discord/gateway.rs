//! Gateway mode: interactions arrive over Discord's websocket (serenity's client), and the
//! first answer — the same one the HTTP endpoint would give — is sent back through the REST
//! callback. No public address is needed: the simplest way to self-host.

use std::sync::Arc;

use serenity::client::{ClientBuilder, Context, EventHandler};
use serenity::model::application::Interaction;
use serenity::model::gateway::{GatewayIntents, Ready};
use tokio_util::sync::CancellationToken;

use super::DiscordConfig;
use super::inbox::Incoming;
use super::{Discord, interactions};

struct Handler {
    discord: Arc<Discord>,
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        tracing::info!(bot = %ready.user.name, "connected to the Discord gateway");
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let (id, token) = (interaction.id(), interaction.token().to_owned());
        // Recorded before the first answer leaves, so that a survivor can finish it.
        let incoming = Incoming::of(&interaction, None);
        let (answer, work) = self.discord.first_answer(interaction).await;
        let (answer, work) = self.discord.record(incoming, answer, work).await;
        match ctx.http.create_interaction_response(id, &token, &answer, vec![]).await {
            // The rest edits the response the answer made: only once it exists.
            Ok(()) => {
                if let Some((key, work)) = work {
                    self.discord.start_recorded(key, work);
                }
            }
            Err(e) => {
                tracing::warn!(error = %interactions::describe(&e), "could not answer an interaction");
                // Without a first answer there is nothing to finish.
                if let Some((key, _)) = work {
                    self.discord.done(key).await;
                }
            }
        }
    }
}

impl Discord {
    /// Connects to the gateway and takes interactions until `stop` (or until the connection
    /// fails for good: the supervisor then starts it again after a pause).
    pub async fn run_gateway(self: Arc<Self>, cfg: DiscordConfig, stop: CancellationToken) {
        let http = match super::http(&cfg) {
            Ok(h) => h,
            Err(e) => {
                tracing::error!(error = %e, "could not build the Discord client");
                return;
            }
        };
        // Interactions need no privileged intents (and no message content).
        let client = ClientBuilder::new_with_http(http, GatewayIntents::empty())
            .event_handler(Handler { discord: self.clone() })
            .await;
        let mut client = match client {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %interactions::describe(&e), "could not reach the Discord gateway");
                return;
            }
        };
        let shards = client.shard_manager.clone();
        tokio::select! {
            ended = client.start() => {
                if let Err(e) = ended {
                    tracing::error!(error = %interactions::describe(&e), "the Discord gateway connection ended");
                }
            }
            _ = stop.cancelled() => shards.shutdown_all().await,
        }
    }
}
