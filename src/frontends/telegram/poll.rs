//! Getting updates from Telegram: `getMe`, `setMyCommands` and `setChatMenuButton` at start, the webhook setting,
//! the `getUpdates` long-polling loop, and the update ids seen already (a repeated one is
//! dropped).

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use secrecy::ExposeSecret;
use teloxide::payloads::setters::*;
use teloxide::requests::{JsonRequest, Payload, Request, Requester};
use teloxide::types::{AllowedUpdate, MenuButton, Update};
use teloxide::{ApiError, RequestError};
use tokio_util::sync::CancellationToken;

use super::answers::menu;
use super::{Me, Telegram, send};
use crate::i18n::Lang;

/// The updates we act on; Telegram remembers the list, so it is sent with every request.
const ALLOWED: [AllowedUpdate; 4] =
    [AllowedUpdate::Message, AllowedUpdate::CallbackQuery, AllowedUpdate::MyChatMember, AllowedUpdate::InlineQuery];
/// Update ids remembered to drop a webhook delivery Telegram repeats.
const SEEN_MAX: usize = 4096;

#[derive(Default)]
pub(super) struct Seen {
    order: VecDeque<u32>,
    set: HashSet<u32>,
}

impl Seen {
    /// True the first time an update id is offered.
    pub(super) fn first(&mut self, id: u32) -> bool {
        if !self.set.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > SEEN_MAX
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        true
    }
}

impl Telegram {
    /// Sets the webhook (with its secret) that Telegram posts updates to; the HTTP listener
    /// feeds them in through [`Telegram::webhook_router`].
    pub async fn set_webhook(&self) -> anyhow::Result<()> {
        let Some(url) = &self.webhook_url else { anyhow::bail!("no webhook URL is configured") };
        self.direct_call(
            self.sender
                .direct
                .set_webhook(url.clone())
                .secret_token(self.webhook_secret.expose_secret().to_owned())
                .allowed_updates(ALLOWED),
        )
        .await
        .map_err(|e| anyhow::anyhow!("setWebhook failed: {e}"))?;
        tracing::info!(url = %url, "Telegram sends updates to the webhook");
        Ok(())
    }

    async fn direct_call<R>(&self, req: R) -> Result<<R::Payload as teloxide::requests::Payload>::Output, String>
    where
        R: Request<Err = RequestError>,
    {
        req.send().await.map_err(|e| send::describe(&e, &self.sender.token))
    }

    /// `getMe` and `setMyCommands`: the command menu in English for everyone, and in each
    /// other language for the users whose app is set to it; the menu button shows it.
    pub async fn introduce(&self) -> anyhow::Result<()> {
        let me = match self.sender.direct.get_me().await {
            Ok(me) => me,
            Err(RequestError::Api(ApiError::InvalidToken)) => {
                anyhow::bail!("Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped? ask @BotFather)")
            }
            Err(e) => anyhow::bail!("getMe failed: {}", send::describe(&e, &self.sender.token)),
        };
        let username = me.user.username.clone().unwrap_or_default();
        tracing::info!(username = %username, "connected to Telegram");
        if !me.supports_inline_queries {
            tracing::info!(
                "inline mode is off: `@bot 4090` in other chats is not answered (turn it on with @BotFather, /setinline)"
            );
        }
        let _ = self.me.set(Me { id: me.user.id.0, username });
        for lang in Lang::ALL {
            let req = self.sender.direct.set_my_commands(menu(lang));
            // English is the default menu: for every language without one of its own.
            let req = if lang == Lang::En { req } else { req.language_code(lang.code()) };
            if let Err(e) = self.direct_call(req).await {
                // The menu is a convenience: commands work without it.
                tracing::warn!(error = %e, %lang, "setMyCommands failed; the command menu may be out of date");
            }
        }
        // The menu button of every private chat opens that list (`setChatMenuButton`, default).
        let req = self.sender.direct.set_chat_menu_button().menu_button(MenuButton::Commands);
        if let Err(e) = self.direct_call(req).await {
            tracing::warn!(error = %e, "setChatMenuButton failed; the menu button may not list the commands");
        }
        Ok(())
    }

    /// Records updates from `getUpdates` in the inbox; the ids recorded now.
    async fn take(&self, updates: &[Update]) -> anyhow::Result<Vec<u32>> {
        let bodies =
            updates.iter().map(|u| Ok((u.id.0, serde_json::to_string(u)?))).collect::<serde_json::Result<Vec<_>>>()?;
        self.record(&bodies).await
    }

    /// Long polling: `deleteWebhook`, then `getUpdates` in a loop, each update recorded in the
    /// inbox and handed on as it comes; the offset moves past an update only once it is
    /// recorded. Returns when told to stop (`stop` is cancelled too when the polling lock is
    /// lost).
    pub async fn poll(self: &Arc<Self>, stop: &CancellationToken) -> anyhow::Result<()> {
        self.direct_call(self.sender.direct.delete_webhook())
            .await
            .map_err(|e| anyhow::anyhow!("deleteWebhook failed: {e}"))?;
        tracing::info!("Telegram front-end is long polling for updates");
        let mut offset = 0i32;
        let mut failures = 0u32;
        loop {
            // Too much work waiting: the updates stay with Telegram until it eases.
            tokio::select! {
                _ = stop.cancelled() => return Ok(()),
                _ = self.until_room() => {}
            }
            let req = self
                .poll_bot
                .get_updates()
                .offset(offset)
                .timeout(self.poll_timeout.as_secs() as u32)
                .allowed_updates(ALLOWED);
            let got = tokio::select! {
                _ = stop.cancelled() => return Ok(()),
                r = std::panic::AssertUnwindSafe(req.send()).catch_unwind() => r,
            };
            // teloxide's parser panicked on an update (one naming no one, say): the batch is
            // read again update by update; the ones that do not read are logged and skipped,
            // so the poller neither dies nor stalls on them.
            // A failure to fetch them again is a failed getUpdates like any other (below).
            let (got, past) = match got {
                Ok(got) => (got, None),
                Err(p) => {
                    tracing::warn!(panic = %crate::telemetry::panic_text(&*p), "an update made teloxide's parser panic; reading them one by one");
                    match self.one_by_one(offset).await {
                        Ok((updates, past)) => (Ok(updates), Some(past)),
                        Err(e) => (Err(e), None),
                    }
                }
            };
            let pause = match got {
                Ok(updates) => match self.take(&updates).await {
                    // Recorded: the offset moves past them (Telegram forgets them at the next
                    // call) and the new ones are handled.
                    Ok(fresh) => {
                        failures = 0;
                        let start = self.may_start();
                        for u in updates {
                            offset = u.id.as_offset();
                            if start && fresh.contains(&u.id.0) {
                                self.dispatch(u);
                            }
                        }
                        offset = offset.max(past.unwrap_or(offset));
                        continue;
                    }
                    // Not recorded: the offset stays, and Telegram hands them over again.
                    Err(e) => {
                        failures += 1;
                        let pause =
                            crate::retry::doubled(Duration::from_secs(1), failures.min(6), Duration::from_secs(60));
                        tracing::warn!(error = %e, retry_in = ?pause, "could not record updates; not confirmed");
                        pause
                    }
                },
                Err(RequestError::RetryAfter(s)) => s.duration(),
                Err(RequestError::Api(ApiError::InvalidToken)) => {
                    anyhow::bail!("Telegram rejected TELEGRAM_BOT_TOKEN")
                }
                Err(e) => {
                    failures += 1;
                    let pause = crate::retry::doubled(Duration::from_secs(1), failures.min(6), Duration::from_secs(60));
                    tracing::warn!(error = %send::describe(&e, &self.sender.token), retry_in = ?pause, "getUpdates failed");
                    if matches!(e, RequestError::Api(ApiError::CantGetUpdates)) {
                        // A webhook is set (by another deployment?): polling needs it gone.
                        let _ = self.sender.direct.delete_webhook().await;
                    }
                    pause
                }
            };
            tokio::select! {
                _ = stop.cancelled() => return Ok(()),
                _ = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Fetches the updates from `offset` as plain JSON (teloxide's request, with its URL and
    /// errors, and an answer of bare values) and reads each by itself: the ones that read, and
    /// the offset past the last of all. One that does not read is logged with its top-level
    /// keys and skipped.
    async fn one_by_one(&self, offset: i32) -> Result<(Vec<Update>, i32), RequestError> {
        let raw = RawUpdates { offset, timeout: 0, allowed_updates: ALLOWED };
        let updates = JsonRequest::new(self.poll_bot.clone(), raw).send().await?;
        let (mut read, mut past) = (Vec::new(), offset);
        for update in &updates {
            let Some(id) = update["update_id"].as_i64().and_then(|id| i32::try_from(id).ok()) else {
                tracing::warn!("an update without an update_id; skipped");
                continue;
            };
            past = past.max(id.saturating_add(1));
            let raw = update.to_string().into_bytes();
            match super::inbox::read(&raw) {
                Ok(u) => read.push(u),
                Err(e) => {
                    let keys = super::inbox::top_level_keys(&raw);
                    tracing::warn!(update = id, error = %e, ?keys, "an update that does not read; skipped");
                }
            }
        }
        Ok((read, past))
    }
}

/// `getUpdates` answered as bare JSON values, each read on its own ([`Telegram::one_by_one`]).
#[derive(serde::Serialize)]
struct RawUpdates {
    offset: i32,
    timeout: u32,
    allowed_updates: [AllowedUpdate; 4],
}

impl Payload for RawUpdates {
    type Output = Vec<serde_json::Value>;
    const NAME: &'static str = "GetUpdates";
}
