//! The doctor's Discord checks: the token (`GET /users/@me`), and the application it belongs
//! to (`GET /applications/@me`): its id against `DISCORD_APPLICATION_ID`, its `verify_key`
//! against `DISCORD_PUBLIC_KEY`, its Interactions Endpoint URL against the mode, and its
//! registered commands against this version's, and how it may be installed (its
//! `integration_types_config`: to servers with the bot and the permissions alerts need, and
//! to users' own accounts), with the install links. Discord's docs: discord.com/developers/docs/resources/user
//! ("Get Current User"), /resources/application ("Get Current Application", "Application
//! Integration Type Configuration Object", "Install Params Object").

use std::time::Duration;

use secrecy::ExposeSecret;
use serde_json::Value;

use super::{Report, fingerprint};
use crate::config::DiscordConfig;
use crate::frontends::discord::install;
use crate::frontends::discord::verify::Verifier;
use crate::store::crypto::Keyring;

const PART: &str = "discord";

/// What a GET came to.
enum Got {
    Body(Value),
    /// 401: the token is refused.
    Refused,
    Failed(String),
}

async fn get(client: &reqwest::Client, cfg: &DiscordConfig, path: &str) -> Got {
    let url = format!("{}/api/v10{path}", cfg.api_url.as_str().trim_end_matches('/'));
    let sent = client.get(&url).header("Authorization", format!("Bot {}", cfg.token.expose_secret())).send().await;
    let resp = match sent {
        Ok(r) => r,
        Err(e) => return Got::Failed(crate::text::clip(&e.without_url().to_string(), 160)),
    };
    match resp.status().as_u16() {
        401 => Got::Refused,
        200 => match resp.json::<Value>().await {
            Ok(v) => Got::Body(v),
            Err(e) => Got::Failed(format!("an answer that is not JSON ({})", e.without_url())),
        },
        s => Got::Failed(format!("HTTP {s}")),
    }
}

pub async fn check(cfg: &DiscordConfig, ring: Option<&Keyring>, r: &mut Report) {
    let fp = fingerprint(ring, cfg.token.expose_secret());
    let api = cfg.api_url.as_str();
    let client = match reqwest::Client::builder().timeout(Duration::from_secs(15)).build() {
        Ok(c) => c,
        Err(e) => return r.fail(PART, format!("no HTTP client ({})", e.without_url())),
    };
    match get(&client, cfg, "/users/@me").await {
        Got::Refused => {
            return r.fail(
                PART,
                format!("Discord refused DISCORD_TOKEN {fp}: set it to the bot's token (Developer Portal → Bot → Reset Token)"),
            );
        }
        Got::Failed(why) => {
            return r.fail(PART, format!("GET /users/@me at {api} failed ({why}): check DISCORD_API_URL"));
        }
        Got::Body(me) => {
            let name = me["username"].as_str().unwrap_or("?");
            r.ok_(
                PART,
                format!("DISCORD_TOKEN {fp} is valid: the bot is {name} ({})", me["id"].as_str().unwrap_or("?")),
            );
        }
    }
    let app = match get(&client, cfg, "/applications/@me").await {
        Got::Body(app) => app,
        Got::Refused => return r.fail(PART, format!("GET /applications/@me refused DISCORD_TOKEN {fp}")),
        Got::Failed(why) => return r.fail(PART, format!("GET /applications/@me failed ({why})")),
    };
    let id = app["id"].as_str().unwrap_or_default();
    match cfg.application_id {
        Some(ours) if ours.to_string() != id => r.fail(
            PART,
            format!("DISCORD_APPLICATION_ID is {ours}, but the token belongs to application {id}: set DISCORD_APPLICATION_ID={id}"),
        ),
        Some(_) => r.ok_(PART, format!("DISCORD_APPLICATION_ID {id} is the token's application")),
        None => r.warn(PART, format!("DISCORD_APPLICATION_ID is not set: the token's application is {id}")),
    }
    if !id.is_empty() {
        commands(&client, cfg, id, r).await;
    }
    if let Ok(app_id) = id.parse::<u64>() {
        installs(&app["integration_types_config"], app_id, r);
    }
    endpoint(cfg, app["interactions_endpoint_url"].as_str().filter(|u| !u.is_empty()), r);
    let Some(key) = &cfg.public_key else { return };
    // A public key is not a secret: both are shown, so the operator sees which one is wrong.
    let theirs = app["verify_key"].as_str().unwrap_or_default().to_ascii_lowercase();
    if let Err(why) = Verifier::from_hex(key) {
        r.fail(PART, format!("DISCORD_PUBLIC_KEY {why}: set it to the application's public key {theirs}"));
    } else if key.trim().to_ascii_lowercase() != theirs {
        r.fail(
            PART,
            format!(
                "DISCORD_PUBLIC_KEY ({key}) is not the application's public key ({theirs}): Discord's signed \
                 interactions would all be refused; set DISCORD_PUBLIC_KEY={theirs} (Developer Portal → General \
                 Information → Public Key)"
            ),
        );
    } else {
        r.ok_(PART, "DISCORD_PUBLIC_KEY is the application's public key");
    }
}

/// Where Discord sends interactions: to the application's Interactions Endpoint URL when one
/// is set, and then never over the gateway (Discord's docs: interactions/receiving-and-responding,
/// "Receiving an Interaction").
fn endpoint(cfg: &DiscordConfig, url: Option<&str>, r: &mut Report) {
    let path = crate::frontends::discord::interactions::PATH;
    match (url, cfg.public_key.is_some(), cfg.gateway) {
        (Some(url), false, _) => r.fail(
            PART,
            format!(
                "the application's Interactions Endpoint URL is {url}, so Discord sends no interaction over the \
                 gateway: clear it in the Developer Portal, or set DISCORD_PUBLIC_KEY and serve {path} there"
            ),
        ),
        (Some(url), true, _) if !url.trim_end_matches('/').ends_with(path) => r.warn(
            PART,
            format!("the application's Interactions Endpoint URL is {url}: this process serves them on {path}"),
        ),
        (Some(url), true, _) => r.ok_(PART, format!("Discord sends interactions to {url}")),
        (None, _, true) => r.ok_(PART, "interactions come over the gateway (no Interactions Endpoint URL is set)"),
        (None, _, false) => r.fail(
            PART,
            format!(
                "DISCORD_GATEWAY is off but the application has no Interactions Endpoint URL: set it in the \
                 Developer Portal to https://<this host>{path}, or set DISCORD_GATEWAY=on"
            ),
        ),
    }
}

/// The slash commands registered, globally or in `DISCORD_GUILD_ID`'s guild, against this
/// version's (`run` registers them on every start).
async fn commands(client: &reqwest::Client, cfg: &DiscordConfig, app: &str, r: &mut Report) {
    let (path, place) = match cfg.guild_id {
        Some(g) => (format!("/applications/{app}/guilds/{g}/commands"), format!("in guild {g} (DISCORD_GUILD_ID)")),
        None => (format!("/applications/{app}/commands"), "globally".to_owned()),
    };
    let list = match get(client, cfg, &path).await {
        Got::Body(list) => list,
        Got::Refused => return r.warn(PART, format!("GET {path} was refused")),
        Got::Failed(why) => return r.warn(PART, format!("GET {path} failed ({why})")),
    };
    let mut theirs: Vec<&str> = list.as_array().into_iter().flatten().filter_map(|c| c["name"].as_str()).collect();
    let mut ours: Vec<&str> = crate::frontends::discord::commands::SLASH.iter().map(|s| s.name).collect();
    theirs.sort_unstable();
    ours.sort_unstable();
    if theirs.is_empty() {
        r.warn(PART, format!("no slash command is registered {place} yet: `clorebot run` registers them on start"));
    } else if theirs == ours && cfg.guild_id.is_none() && !for_user_installs(&list) {
        r.warn(
            PART,
            "the slash commands registered globally are for server installs only: `clorebot run` registers them \
             again for user installs too",
        );
    } else if theirs != ours {
        r.warn(
            PART,
            format!(
                "the slash commands registered {place} are not this version's: `clorebot run` registers them again"
            ),
        );
    } else {
        r.ok_(PART, format!("the {} slash commands are registered {place}", ours.len()));
    }
}

/// Whether every command registered may be used from a user install (integration type 1;
/// without the field, Discord means the app's own installs, which this version never leaves
/// to it).
fn for_user_installs(list: &Value) -> bool {
    list.as_array()
        .into_iter()
        .flatten()
        .all(|c| c["integration_types"].as_array().is_some_and(|t| t.iter().any(|t| t.as_u64() == Some(1))))
}

/// Where the portal's install settings are.
const PORTAL: &str = "Developer Portal → Installation";

/// How clorebot may be installed (`integration_types_config`: `"0"` servers, `"1"` users'
/// own accounts), each way that is on with its link; and whether the Add App button's
/// server install asks for the bot, its commands and the permissions alerts need.
fn installs(config: &Value, app: u64, r: &mut Report) {
    match config.get("0") {
        None => r.warn(
            PART,
            format!(
                "server install is off: nobody can add clorebot to a server for team alerts; tick Guild Install \
                 under {PORTAL} → Installation Contexts"
            ),
        ),
        Some(server) => {
            r.ok_(PART, format!("server install is on: {}", install::server_link(app)));
            server_defaults(&server["oauth2_install_params"], r);
        }
    }
    match config.get("1") {
        None => r.warn(
            PART,
            format!(
                "user install is off: people cannot add clorebot to their own account and use it in any server or \
                 DM; tick User Install under {PORTAL} → Installation Contexts"
            ),
        ),
        Some(_) => r.ok_(PART, format!("user install is on: {}", install::user_link(app))),
    }
}

/// The Add App button's server install (its Default Install Settings), when it has one: the
/// link above asks for everything itself, the button only for what is set there.
fn server_defaults(params: &Value, r: &mut Report) {
    if params.is_null() {
        return;
    }
    let scopes: Vec<&str> = params["scopes"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let lacking: Vec<&str> = ["bot", "applications.commands"].into_iter().filter(|s| !scopes.contains(s)).collect();
    let where_ = format!("{PORTAL} → Default Install Settings → Guild Install");
    if !lacking.is_empty() {
        r.warn(
            PART,
            format!(
                "the Add App button's server install lacks the scope {}: the bot would not join or no command \
                 would show; add it under {where_}",
                lacking.join(" and ")
            ),
        );
        return;
    }
    let granted = params["permissions"].as_str().and_then(|p| p.parse::<u64>().ok()).unwrap_or(0);
    let missing = install::missing_permissions(granted);
    if missing.is_empty() {
        r.ok_(PART, "the Add App button's server install asks for the bot and the permissions alerts need");
    } else {
        r.warn(
            PART,
            format!(
                "the Add App button's server install does not ask for {}: team alerts need it in their channel; \
                 tick it under {where_} → Permissions",
                missing.join(", ")
            ),
        );
    }
}
