//! What the Discord front-end is configured with (read from the environment by `config`).

use secrecy::SecretString;
use url::Url;

#[derive(Debug, Clone)]
pub struct DiscordConfig {
    pub token: SecretString,
    pub application_id: Option<u64>,
    /// The Ed25519 key interactions are signed with, as hex (checked to be 32 bytes).
    pub public_key: Option<String>,
    pub gateway: bool,
    pub api_url: Url,
    pub guild_id: Option<u64>,
}
