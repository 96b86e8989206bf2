//! The doctor's Telegram checks: the token (`getMe`), what @BotFather settings say (privacy
//! and inline mode), and in webhook mode whether Telegram reaches the webhook
//! (`getWebhookInfo`), and the command menu (`getMyCommands`). Bot API:
//! core.telegram.org/bots/api#getme, #getwebhookinfo, #getmycommands.

use std::time::Duration;

use secrecy::ExposeSecret;
use teloxide::prelude::Requester;
use teloxide::{ApiError, RequestError};

use super::{Report, WITHIN, fingerprint};
use crate::config::TelegramConfig;
use crate::frontends::telegram::{bot, send::describe};
use crate::store::crypto::Keyring;

const PART: &str = "telegram";

pub async fn check(cfg: &TelegramConfig, ring: Option<&Keyring>, r: &mut Report) {
    let token = cfg.token.expose_secret();
    let fp = fingerprint(ring, token);
    let api = cfg.api_url.as_str();
    let bot = match bot(token, &cfg.api_url, Duration::from_secs(15)) {
        Ok(b) => b,
        Err(e) => return r.fail(PART, format!("no HTTP client ({e})")),
    };
    let me = match tokio::time::timeout(WITHIN, bot.get_me()).await {
        Err(_) => return r.fail(PART, format!("{api} did not answer getMe within 20 s: check TELEGRAM_API_URL")),
        Ok(Err(RequestError::Api(ApiError::InvalidToken))) => {
            return r.fail(
                PART,
                format!("Telegram refused TELEGRAM_BOT_TOKEN {fp} (revoked or mistyped?): set it to the token @BotFather gave"),
            );
        }
        Ok(Err(e)) => {
            return r.fail(PART, format!("getMe failed at {api} ({}): check TELEGRAM_API_URL", describe(&e, token)));
        }
        Ok(Ok(me)) => me,
    };
    let name = me.user.username.clone().unwrap_or_default();
    r.ok_(PART, format!("TELEGRAM_BOT_TOKEN {fp} is valid: the bot is @{name}"));
    if me.can_read_all_group_messages {
        r.ok_(PART, "privacy mode is off: the bot reads every message in groups (commands are enough for it)");
    } else {
        r.ok_(PART, "privacy mode is on: in groups the bot sees its commands and replies to it, which is all it needs");
    }
    if me.supports_inline_queries {
        r.ok_(PART, format!("inline mode is on: `@{name} 4090` works in any chat"));
    } else {
        r.warn(PART, format!("inline mode is off: `@{name} …` does nothing; turn it on with @BotFather's /setinline"));
    }
    menu(&bot, token, r).await;
    let info = match tokio::time::timeout(WITHIN, bot.get_webhook_info()).await {
        Err(_) => return r.fail(PART, "getWebhookInfo did not answer within 20 s"),
        Ok(Err(e)) => return r.fail(PART, format!("getWebhookInfo failed ({})", describe(&e, token))),
        Ok(Ok(info)) => info,
    };
    let set = info.url.as_ref().map(|u| u.as_str().to_owned()).unwrap_or_default();
    let Some(ours) = &cfg.webhook_url else {
        if !set.is_empty() {
            r.warn(
                PART,
                format!(
                    "a webhook is set ({set}) but TELEGRAM_WEBHOOK_URL is not: `clorebot run` removes it to long-poll"
                ),
            );
        } else {
            r.ok_(PART, "long polling (TELEGRAM_WEBHOOK_URL is not set)");
        }
        return;
    };
    if ours.scheme() != "https" {
        r.fail(PART, format!("TELEGRAM_WEBHOOK_URL ({ours}) must use https: Telegram posts updates only to https"));
    }
    let pending = info.pending_update_count;
    if set.is_empty() {
        r.warn(
            PART,
            format!(
                "no webhook is set yet: `clorebot run` sets TELEGRAM_WEBHOOK_URL ({ours}); {pending} update(s) pending"
            ),
        );
    } else if set != ours.as_str() {
        r.fail(
            PART,
            format!(
                "Telegram posts updates to {set}, not to TELEGRAM_WEBHOOK_URL ({ours}): another deployment with this token? \
                 `clorebot run` sets its own"
            ),
        );
    } else {
        r.ok_(PART, format!("the webhook is {set}; {pending} update(s) pending"));
    }
    if let Some(message) = &info.last_error_message {
        let when = info.last_error_date.map(|d| format!(" at {}", d.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default();
        r.warn(
            PART,
            format!(
                "Telegram's last delivery to the webhook failed{when}: {message}; check that TELEGRAM_WEBHOOK_URL reaches \
                 this process's POST /telegram/webhook (CLOREBOT_HTTP_LISTEN)"
            ),
        );
    }
}

/// The default command menu (no scope, no language): the one `run` sets on every start.
async fn menu(bot: &teloxide::Bot, token: &str, r: &mut Report) {
    let set = match tokio::time::timeout(WITHIN, bot.get_my_commands()).await {
        Err(_) => return r.warn(PART, "getMyCommands did not answer within 20 s"),
        Ok(Err(e)) => return r.warn(PART, format!("getMyCommands failed ({})", describe(&e, token))),
        Ok(Ok(set)) => set,
    };
    let ours: Vec<&str> = crate::core::help::COMMANDS.iter().map(|c| c.name).collect();
    let theirs: Vec<&str> = set.iter().map(|c| c.command.as_str()).collect();
    if theirs.is_empty() {
        r.warn(PART, "the command menu is not set yet: `clorebot run` sets it on start");
    } else if theirs != ours {
        r.warn(PART, "the command menu is not this version's: `clorebot run` sets it again on start");
    } else {
        r.ok_(PART, format!("the command menu lists the {} commands", ours.len()));
    }
}
