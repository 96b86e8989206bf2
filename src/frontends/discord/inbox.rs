//! Interactions that outlive their process. One with work after its first answer is recorded
//! in the inbox (sealed: the token is a credential) before that answer leaves, and marked
//! done once its work — its last REST call — is over. If its process dies in between, a
//! survivor's [`Discord::recover`] takes it over and finishes it with the interaction token
//! (valid 15 minutes) exactly as the dead process would have. An id recorded already is not
//! run again: Discord never sends one twice, so a repeat is a replay.

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use serde_json::Value;
use serenity::model::application::Interaction;

use super::Discord;
use super::interactions::{Work, ephemeral_text};
use crate::domain::Platform;
use crate::i18n;
use crate::store::inbox::{self, Item};
use crate::store::inbox_writer;
use crate::t;

/// An interaction token lives 15 minutes: an older interaction cannot be finished.
const TOKEN_LIFE: Duration = Duration::from_secs(15 * 60);
/// An interaction taken over this often is given up: it brings down whoever handles it.
const MAX_TAKEOVERS: i32 = 3;
/// At most this many are taken over in one look (the rest in the next).
const TAKE_AT_MOST: i64 = 50;

/// An interaction's place in the inbox: (application id, interaction id).
#[derive(Debug, Clone, Copy)]
pub(super) struct Key {
    bot: i64,
    id: i64,
}

/// What the inbox needs of an interaction that has work: its key, its body (the token
/// inside) and the language of the app it came from, for a refusal.
pub(super) struct Incoming {
    key: Option<Key>,
    body: String,
    locale: String,
}

impl Incoming {
    /// Read before the interaction is handled; `body` is the request's when it came over
    /// HTTP, else the interaction written out.
    pub(super) fn of(i: &Interaction, body: Option<&[u8]>) -> Option<Incoming> {
        let (app, locale) = match i {
            Interaction::Command(c) => (c.application_id, &c.locale),
            Interaction::Component(c) => (c.application_id, &c.locale),
            Interaction::Modal(m) => (m.application_id, &m.locale),
            _ => return None,
        };
        let body = match body {
            Some(b) => String::from_utf8_lossy(b).into_owned(),
            None => {
                // serenity writes an interaction out without its `type`, which reading needs.
                let mut v = serde_json::to_value(i).ok()?;
                v.as_object_mut()?.insert("type".into(), u8::from(i.kind()).into());
                // And a server install seen from the bot's DM (`"0": "0"`) as `null`, which
                // reading refuses: it is written back as Discord sends it.
                if let Some(server) = v.get_mut("authorizing_integration_owners").and_then(|o| o.get_mut("0"))
                    && server.is_null()
                {
                    *server = "0".into();
                }
                v.to_string()
            }
        };
        let key = i64::try_from(app.get()).ok().zip(i64::try_from(i.id().get()).ok()).map(|(bot, id)| Key { bot, id });
        Some(Incoming { key, body, locale: locale.clone() })
    }
}

impl Discord {
    /// Records an interaction with work before its first answer leaves: the answer to send,
    /// and the work to start once it is on its way. A repeated id gets a short note and no
    /// work; so does an interaction that could not be recorded (nothing is done unrecorded).
    pub(super) async fn record(
        &self,
        incoming: Option<Incoming>,
        answer: Value,
        work: Option<Work>,
    ) -> (Value, Option<(Key, Work)>) {
        let Some(work) = work else { return (answer, None) };
        let Some(Incoming { key: Some(key), body, locale }) = incoming else {
            tracing::warn!("an interaction without the ids the inbox keys it by; refused");
            return (ephemeral_text(&t!("discord-not-supported")), None);
        };
        let deps = &self.core.deps;
        let item = Item { platform: Platform::Discord, bot: key.bot, id: key.id, body: &body };
        let recorder = self.recorder.get_or_init(|| inbox_writer::Recorder::start(&deps.pool, deps.keyring.clone()));
        let repeat = match recorder.record(deps.process.id(), item).await {
            Ok(true) => return (answer, Some((key, work))),
            Ok(false) => {
                tracing::info!(interaction = key.id, "an interaction id seen before; not run again");
                true
            }
            Err(e) => {
                tracing::error!(error = %e, "could not record an interaction; refused");
                false
            }
        };
        let lang = i18n::resolve([Some(locale.as_str())]);
        let note = i18n::sync_scope(lang, || if repeat { t!("discord-repeat") } else { t!("discord-not-taken") });
        (ephemeral_text(&note), None)
    }

    /// Starts a recorded interaction's work, which marks it done at its end. A process whose
    /// heartbeat lapsed starts nothing: the interaction is left to whoever takes it over.
    pub(super) fn start_recorded(self: &Arc<Self>, key: Key, work: Work) {
        if self.core.deps.process.alive().is_none() {
            tracing::warn!(interaction = key.id, "the heartbeat lapsed: the interaction is left to another process");
            return;
        }
        let this = self.clone();
        self.tasks.spawn(async move {
            work.await;
            this.done(key).await;
        });
    }

    /// Marks an interaction done (its body wiped).
    pub(super) async fn done(&self, key: Key) {
        if let Err(e) = inbox::done(&self.core.deps.pool, Platform::Discord, key.bot, key.id).await {
            tracing::warn!(error = %e, interaction = key.id, "could not mark an interaction done");
        }
    }

    /// Takes over the unfinished interactions of dead processes (younger than their token)
    /// and finishes them; returns how many. Called by every process about once a second.
    pub async fn recover(self: &Arc<Self>) -> anyhow::Result<usize> {
        let deps = &self.core.deps;
        let Some(me) = deps.process.alive() else { return Ok(0) };
        let Some(app) = self.http.application_id().and_then(|a| i64::try_from(a.get()).ok()) else { return Ok(0) };
        let taken = inbox::take_over(
            &deps.pool,
            &deps.keyring,
            me,
            Platform::Discord,
            app,
            TOKEN_LIFE,
            MAX_TAKEOVERS,
            TAKE_AT_MOST,
        )
        .await?;
        let n = taken.len();
        for t in taken {
            let key = Key { bot: app, id: t.id };
            let read = t
                .body
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_str::<Interaction>(b.expose_secret()).map_err(|e| e.to_string()));
            let interaction = match read {
                Ok(i) => i,
                Err(why) => {
                    tracing::warn!(interaction = t.id, why = %why, "a taken-over interaction does not read; given up");
                    self.done(key).await;
                    continue;
                }
            };
            tracing::info!(interaction = t.id, "finishing an interaction its process left");
            metrics::counter!("clorebot_inbox_recovered_total", "platform" => "discord").increment(1);
            // The first answer was given by the process that died; its work is done here.
            match self.first_answer(interaction).await {
                (_, Some(work)) => self.start_recorded(key, Box::pin(crate::core::recovered(work))),
                (_, None) => self.done(key).await,
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Over the gateway there is no request body: the interaction is written out, and must
    /// read back as the same interaction, token included.
    #[test]
    fn an_interaction_written_out_reads_back_the_same() {
        for raw in [
            include_str!("../../../tests/fixtures/discord/command.json"),
            include_str!("../../../tests/fixtures/discord/command_dm.json"),
            include_str!("../../../tests/fixtures/discord/component.json"),
            include_str!("../../../tests/fixtures/discord/modal.json"),
        ] {
            let i: Interaction = serde_json::from_str(raw).unwrap();
            let incoming = Incoming::of(&i, None).unwrap();
            let back: Interaction = serde_json::from_str(&incoming.body).unwrap();
            assert_eq!((back.id(), back.kind(), back.token()), (i.id(), i.kind(), i.token()));
            let key = incoming.key.unwrap();
            assert_eq!((key.bot, key.id), (1311111111111111111, i.id().get() as i64));
        }
    }
}
