//! Updates that outlive their process. An update taken from `getUpdates` or the webhook is
//! recorded in the inbox (sealed: it holds what a user typed) before the poll's offset moves
//! past it or the webhook answers 200, and marked done once handled. If its process dies in
//! between, a survivor's [`Telegram::recover`] takes it over and handles it. The recorded id
//! also refuses a repeat across every process (Telegram repeats a webhook delivery it thinks
//! was lost, possibly to another replica).

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use teloxide::types::{Update, UpdateKind};

use super::Telegram;
use crate::domain::Platform;
use crate::store::inbox::{self, Item};

/// An unanswered update older than this is not taken over: an answer an hour late confuses
/// more than it helps.
const TAKE_WITHIN: Duration = Duration::from_secs(3600);
/// An update taken over this often is given up: it brings down whoever handles it.
const MAX_TAKEOVERS: i32 = 3;
/// At most this many are taken over in one look (the rest in the next).
const TAKE_AT_MOST: i64 = 100;

/// Reads one update as the webhook gets it; teloxide leaves the unreadable part of an update
/// of a kind it does not know empty, so that part is filled in from the body. A body that
/// makes teloxide's parser panic (a `message_reaction` with neither `user` nor `actor_chat`
/// does) is an error like any other that does not read.
pub(super) fn read(body: &[u8]) -> Result<Update, String> {
    let parsed = std::panic::catch_unwind(|| serde_json::from_slice::<Update>(body))
        .map_err(|p| format!("the parser panicked: {}", crate::telemetry::panic_text(&*p)))?;
    let mut update = parsed.map_err(|e| e.to_string())?;
    if let UpdateKind::Error(raw) = &mut update.kind {
        *raw = serde_json::from_slice(body).unwrap_or_default();
    }
    Ok(update)
}

/// The top-level keys of a body that did not read (`["update_id", "message_reaction"]`),
/// for the log: what kind of update it was, none of what a user wrote. At most 8, each cut.
pub(super) fn top_level_keys(body: &[u8]) -> Vec<String> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(m)) => m.keys().take(8).map(|k| crate::text::clip(k, 40)).collect(),
        _ => Vec::new(),
    }
}

impl Telegram {
    /// The bot's id as the inbox keys its updates by, once `getMe` has answered.
    fn bot_id(&self) -> Option<i64> {
        self.me.get().and_then(|m| i64::try_from(m.id).ok())
    }

    /// Records updates (id, body as JSON): the ids recorded now, the others being repeats.
    /// An error means none was recorded: none may be acknowledged.
    pub(super) async fn record(&self, updates: &[(u32, String)]) -> anyhow::Result<Vec<u32>> {
        let Some(bot) = self.bot_id() else { anyhow::bail!("the bot does not know who it is yet") };
        let items: Vec<Item<'_>> = updates
            .iter()
            .map(|(id, body)| Item { platform: Platform::Telegram, bot, id: i64::from(*id), body })
            .collect();
        let deps = &self.core.deps;
        let fresh = inbox::record_many(&deps.pool, &deps.keyring, deps.process.id(), &items).await?;
        Ok(fresh.into_iter().filter_map(|id| u32::try_from(id).ok()).collect())
    }

    /// Whether this process may start handling what it recorded: not once its heartbeat
    /// lapsed (what it recorded is then left to whoever takes it over).
    pub(super) fn may_start(&self) -> bool {
        let alive = self.core.deps.process.alive().is_some();
        if !alive {
            tracing::warn!("the heartbeat lapsed: updates are left to another process");
        }
        alive
    }

    /// Marks an update done (its body wiped).
    pub(super) async fn done(&self, id: u32) {
        let Some(bot) = self.bot_id() else { return };
        if let Err(e) = inbox::done(&self.core.deps.pool, Platform::Telegram, bot, i64::from(id)).await {
            tracing::warn!(error = %e, update = id, "could not mark an update done");
        }
    }

    /// Takes over the unanswered updates of dead processes and handles them; returns how
    /// many. Called by every process about once a second.
    pub async fn recover(self: &Arc<Self>) -> anyhow::Result<usize> {
        let deps = &self.core.deps;
        let (Some(me), Some(bot)) = (deps.process.alive(), self.bot_id()) else { return Ok(0) };
        let taken = inbox::take_over(
            &deps.pool,
            &deps.keyring,
            me,
            Platform::Telegram,
            bot,
            TAKE_WITHIN,
            MAX_TAKEOVERS,
            TAKE_AT_MOST,
        )
        .await?;
        let n = taken.len();
        for t in taken {
            let id = u32::try_from(t.id).unwrap_or_default();
            let read = t.body.map_err(|e| e.to_string()).and_then(|b| read(b.expose_secret().as_bytes()));
            match read {
                Ok(update) => {
                    tracing::info!(update = id, "handling an update its process left");
                    metrics::counter!("clorebot_inbox_recovered_total", "platform" => "telegram").increment(1);
                    self.handle_recorded(update, true);
                }
                Err(why) => {
                    tracing::warn!(update = id, why = %why, "a taken-over update does not read; given up");
                    self.done(id).await;
                }
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An update from `getUpdates` is recorded as teloxide writes it out: it must read back
    /// the same (teloxide's fixture `message`).
    #[test]
    fn an_update_written_out_reads_back_the_same() {
        let raw = r#"{"update_id":892252934,"message":{"message_id":6557,"from":{"id":218485655,"is_bot":false,
            "first_name":"Waffle","username":"WaffleLapkin","language_code":"en"},"chat":{"id":218485655,
            "first_name":"Waffle","username":"WaffleLapkin","type":"private"},"date":1569518342,"text":"/gpus 4090",
            "entities":[{"offset":0,"length":5,"type":"bot_command"}]}}"#;
        let u = read(raw.as_bytes()).unwrap();
        let back = read(serde_json::to_string(&u).unwrap().as_bytes()).unwrap();
        assert_eq!(back, u);
        assert!(matches!(&back.kind, UpdateKind::Message(m) if m.text() == Some("/gpus 4090")));
    }

    /// Real Telegram always names the one who reacted; a body that does not must not take the
    /// request down (teloxide's parser panics on it, `message_reaction_updated.rs:59`).
    #[test]
    fn a_body_that_panics_the_parser_is_an_error() {
        let raw = br#"{"update_id":10,"message_reaction":{"chat":{"id":-1002184233434,"title":"Test",
            "type":"supergroup"},"message_id":35,"date":1721306082,"old_reaction":[],
            "new_reaction":[{"type":"emoji","emoji":"\ud83d\udc4d"}]}}"#;
        let e = read(raw).unwrap_err();
        assert!(e.starts_with("the parser panicked"), "{e}");
        assert_eq!(top_level_keys(raw), ["message_reaction", "update_id"]);
        assert_eq!(top_level_keys(b"[1, 2]"), Vec::<String>::new());
    }
}
