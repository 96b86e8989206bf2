//! `POST /discord/interactions`: the signature is checked before anything is read (a bad or
//! missing one → 401), a body that is not an interaction → 400, PING → PONG. The first answer
//! never waits for Clore: a command is deferred (type 5) and a button acknowledged (type 6)
//! at once, then finished through the REST API by editing the original response and sending
//! follow-ups. Private replies are ephemeral in server channels; a secret only ever goes
//! there or to a DM. Where only a user install reaches (`place.rs`), every answer is
//! ephemeral and what acts for the channel is refused.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use serenity::model::application::{
    ActionRowComponent, CommandDataOptionValue, CommandInteraction, ComponentInteraction, ComponentInteractionDataKind,
    Interaction, ModalInteraction,
};
use serenity::model::guild::Member;
use serenity::model::user::User;

use super::commands::{self, Value as OptValue};
use super::forms;
use super::inbox::Incoming;
use super::place::Place;
use super::render::{self, Message};
use super::{Discord, InteractionFrontend};
use crate::core::{Caller, ChatKind, ChatRef, Identity, Platform, Reply, Visibility};
use crate::i18n::{self, Lang};
use crate::t;

pub const PATH: &str = "/discord/interactions";
/// Ephemeral message flag.
const EPHEMERAL: u64 = 64;
/// Commands whose answers are for the caller alone: in a server channel they are deferred
/// as ephemeral, so even "thinking…" shows only to them.
const PRIVATE_FIRST: &[&str] = &["key", "wallets", "orders", "settings", "myservers", "spend", "earnings"];
/// Suggestions must answer within Discord's 3 s.
const SUGGEST_WITHIN: Duration = Duration::from_secs(2);
/// A first answer with words (a form, a refusal) asks for the caller's chosen language this
/// long at most, then goes with their app's: it too must reach Discord within 3 s.
const LANG_WITHIN: Duration = Duration::from_secs(1);
/// Editing the original response may reach Discord before the first answer did (it is sent
/// alongside); an edit answered "unknown webhook" is tried again this often, this many times.
const EDIT_RETRY: Duration = Duration::from_millis(300);
const EDIT_TRIES: u32 = 4;

/// A press's progress edits the pressed message at most this often: Discord rate-limits
/// edits of a message, and one a second stays well within while leaving room for the final
/// answer and its follow-ups (Clore takes an order only every 5 s anyway).
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// What finishes an interaction after its first answer.
pub type Work = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

pub fn router(d: Arc<Discord>) -> Router {
    Router::new().route(PATH, post(receive)).with_state(d)
}

async fn receive(State(d): State<Arc<Discord>>, headers: HeaderMap, body: Bytes) -> Response {
    let received = std::time::Instant::now();
    let answer = answer(&d, &headers, &body).await;
    metrics::histogram!("clorebot_discord_ack_seconds").record(received.elapsed().as_secs_f64());
    answer
}

/// The HTTP answer to one request: refused, or the interaction's first answer.
async fn answer(d: &Arc<Discord>, headers: &HeaderMap, body: &Bytes) -> Response {
    let Some(verifier) = &d.verifier else { return StatusCode::NOT_FOUND.into_response() };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    // Discord signs with the real time: its freshness is judged by the system clock.
    let now = chrono::Utc::now().timestamp();
    if let Err(why) = verifier.verify(&header("x-signature-ed25519"), &header("x-signature-timestamp"), body, now) {
        tracing::info!(why = ?why, "interaction refused: bad signature");
        return (StatusCode::UNAUTHORIZED, "invalid request signature").into_response();
    }
    let interaction: Interaction = match serde_json::from_slice(body) {
        Ok(i) => i,
        Err(e) => {
            // An interaction of a type or shape serenity does not read is still Discord's:
            // it gets a polite answer. Anything else is not an interaction.
            let raw = serde_json::from_slice::<Value>(body).unwrap_or(Value::Null);
            let kind = raw["type"].as_u64();
            tracing::warn!(error = %e, kind = ?kind, bytes = body.len(), "a signed body that is not an interaction we read");
            // In the language of the user's app, if the body says it.
            let lang = i18n::resolve([raw["locale"].as_str()]);
            return match kind {
                Some(2..=5) => {
                    let text = i18n::sync_scope(lang, || t!("discord-not-supported"));
                    axum::Json(ephemeral_text(&text)).into_response()
                }
                _ => (StatusCode::BAD_REQUEST, "not an interaction").into_response(),
            };
        }
    };
    // Recorded before the first answer leaves, so that a survivor can finish it.
    let incoming = Incoming::of(&interaction, Some(body));
    let (answer, work) = d.first_answer(interaction).await;
    let (answer, work) = d.record(incoming, answer, work).await;
    if let Some((key, work)) = work {
        d.start_recorded(key, work);
    }
    axum::Json(answer).into_response()
}

/// A serenity error in words, without the URL (webhook routes hold the interaction token).
pub fn describe(e: &serenity::Error) -> String {
    use serenity::http::HttpError;
    match e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => {
            format!("Discord answered {} (code {}): {}", r.status_code.as_u16(), r.error.code, r.error.message)
        }
        serenity::Error::Http(HttpError::Request(r)) => {
            format!("request to Discord failed ({})", if r.is_timeout() { "timed out" } else { "network" })
        }
        serenity::Error::Http(_) => "request to Discord failed".to_owned(),
        serenity::Error::Json(_) => "Discord's answer could not be read".to_owned(),
        serenity::Error::Model(m) => format!("Discord would refuse it: {m}"),
        _ => "Discord request failed".to_owned(),
    }
}

pub(super) fn ephemeral_text(text: &str) -> Value {
    json!({ "type": 4, "data": { "content": render::escape(text), "flags": EPHEMERAL, "allowed_mentions": { "parse": [] } } })
}

/// An ephemeral note followed by a link of ours, left unescaped so that it is one (in `<>`:
/// no preview).
fn ephemeral_with_link(text: &str, link: &str) -> Value {
    let content = format!("{}\n<{link}>", render::escape(text));
    json!({ "type": 4, "data": { "content": content, "flags": EPHEMERAL, "allowed_mentions": { "parse": [] } } })
}

fn option_values(c: &CommandInteraction) -> Option<Vec<(String, OptValue)>> {
    c.data
        .options
        .iter()
        .map(|o| {
            let v = match &o.value {
                CommandDataOptionValue::String(s) => OptValue::Text(s.clone()),
                CommandDataOptionValue::Integer(i) => OptValue::Integer(*i),
                CommandDataOptionValue::Number(x) => OptValue::Number(*x),
                CommandDataOptionValue::Boolean(b) => OptValue::Boolean(*b),
                _ => return None,
            };
            Some((o.name.clone(), v))
        })
        .collect()
}

/// Where a command (or its suggestions) came from.
fn command_place(c: &CommandInteraction) -> Place {
    Place::of(c.guild_id, c.channel_id, c.context, &c.authorizing_integration_owners)
}

fn manages(member: Option<&Member>) -> bool {
    member.and_then(|m| m.permissions).is_some_and(|p| p.manage_channels() || p.administrator())
}

impl Discord {
    /// The answer in the HTTP response: immediate for PING, suggestions and the key form;
    /// a deferral for everything that may take longer (finished in a task of its own).
    /// The first answer, and the work that finishes the interaction after it. The work must
    /// start only once the answer is on its way: it edits the response the answer creates.
    pub(super) async fn first_answer(self: &Arc<Self>, interaction: Interaction) -> (Value, Option<Work>) {
        match interaction {
            Interaction::Ping(_) => (json!({ "type": 1 }), None),
            Interaction::Command(c) => self.command(c).await,
            Interaction::Component(c) => {
                let this = self.clone();
                (json!({ "type": 6 }), Some(Box::pin(async move { this.finish_press(c).await })))
            }
            Interaction::Modal(m) => self.modal(m).await,
            Interaction::Autocomplete(c) => {
                let choices = tokio::time::timeout(SUGGEST_WITHIN, self.suggest(&c)).await.unwrap_or_default();
                (json!({ "type": 8, "data": { "choices": choices } }), None)
            }
            other => {
                // A kind serenity knows and we do not: it says no language we could read.
                tracing::info!(kind = ?other.kind(), "an interaction type we do not handle");
                (ephemeral_text(&t!("discord-not-supported")), None)
            }
        }
    }

    /// The language of a first answer that has words: the caller's choice (see
    /// [`LANG_WITHIN`]), else their app's.
    async fn first_lang(&self, caller: &Caller) -> Lang {
        let app = i18n::resolve([caller.who.locale.as_deref()]);
        tokio::time::timeout(LANG_WITHIN, self.core.lang_of(caller)).await.unwrap_or(app)
    }

    async fn command(self: &Arc<Self>, c: CommandInteraction) -> (Value, Option<Work>) {
        let place = command_place(&c);
        let lang = async || self.first_lang(&self.caller(&c.user, c.member.as_deref(), place, &c.locale, "")).await;
        let name = c.data.name.clone();
        let values = option_values(&c);
        let action = values.as_ref().and_then(|v| {
            v.iter().find(|(n, _)| n == "action").and_then(|(_, v)| match v {
                OptValue::Text(t) => Some(t.clone()),
                _ => None,
            })
        });
        if name == "key" && action.as_deref().is_none_or(|a| a == "set") {
            // The key is typed into a form only the user sees, never into the channel.
            return (i18n::sync_scope(lang().await, forms::key), None);
        }
        let Some((values, text)) = values.and_then(|v| commands::to_text(&name, &v).map(|t| (v, t))) else {
            tracing::info!(command = %name, "a command or option shape we do not know");
            let text = i18n::sync_scope(lang().await, || t!("discord-not-supported"));
            return (ephemeral_text(&text), None);
        };
        let parsed = crate::core::command::parse(&text);
        if place.away && parsed.as_ref().is_ok_and(|c| c.acts_for_the_chat()) {
            // A team watch or template would alert or live in a channel the bot cannot post in.
            let app = self.http.application_id().map_or(0, |a| a.get());
            let text = i18n::sync_scope(lang().await, || t!("discord-team-needs-server"));
            return (ephemeral_with_link(&text, &super::install::server_link(app)), None);
        }
        if commands::wants_form(&name, &values) {
            // A password or environment values: typed into a form, with the rest of the
            // command filled in.
            let rest = text.strip_prefix(&format!("/{name}")).unwrap_or_default().trim();
            let form = i18n::sync_scope(lang().await, || match name.as_str() {
                "rent" => forms::rent_env(rest),
                "settings" => forms::password(rest),
                "template" => forms::template(rest),
                _ => ephemeral_text(&t!("discord-not-supported")),
            });
            return (form, None);
        }
        // A command holding a secret (a password, environment values) is answered only to
        // its author, whatever it is.
        let secret = parsed.map(|c| c.holds_secret()).unwrap_or(true);
        let ephemeral = place.away || (c.guild_id.is_some() && (PRIVATE_FIRST.contains(&name.as_str()) || secret));
        let this = self.clone();
        let work: Work = Box::pin(async move { this.finish_command(c, text, ephemeral).await });
        let answer =
            if ephemeral { json!({ "type": 5, "data": { "flags": EPHEMERAL } }) } else { json!({ "type": 5 }) };
        (answer, Some(work))
    }

    async fn modal(self: &Arc<Self>, m: ModalInteraction) -> (Value, Option<Work>) {
        let field = |id: &str| {
            m.data.components.iter().flat_map(|r| r.components.iter()).find_map(|c| match c {
                ActionRowComponent::InputText(t) if t.custom_id == id => t.value.clone(),
                _ => None,
            })
        };
        // What is wrong with a submit is said in the caller's language.
        let caller = self.caller(&m.user, m.member.as_ref(), Place::unsaid(m.guild_id, m.channel_id), &m.locale, "");
        let lang = self.first_lang(&caller).await;
        match i18n::sync_scope(lang, || forms::text(&m.data.custom_id, field)) {
            Ok(text) => {
                let this = self.clone();
                (
                    json!({ "type": 5, "data": { "flags": EPHEMERAL } }),
                    Some(Box::pin(async move { this.finish_form(m, text).await })),
                )
            }
            Err(why) => (ephemeral_text(&why), None),
        }
    }

    /// The caller as the interaction says: a server channel is a group, anywhere else without
    /// a guild a DM — except where the bot is away, which is never a DM (the core would take
    /// it for where private messages reach the user): see [`Discord::working_caller`].
    fn caller(&self, user: &User, member: Option<&Member>, place: Place, locale: &str, title: &str) -> Caller {
        let (guild, channel) = (place.guild, place.channel);
        Caller {
            who: Identity {
                platform: Platform::Discord,
                user_id: user.id.to_string(),
                display_name: user.global_name.clone().unwrap_or_else(|| user.name.clone()),
                locale: Some(locale.to_owned()),
            },
            chat: ChatRef {
                platform: Platform::Discord,
                chat_id: channel.to_string(),
                kind: if guild.is_some() || place.away { ChatKind::Group } else { ChatKind::Dm },
                guild_id: guild.map(|g| g.to_string()),
                thread_id: None,
            },
            chat_title: title.to_owned(),
            frontend: Arc::new(InteractionFrontend {
                manages_channel: manages(member) && !place.away,
                dms: self.dms.clone(),
            }),
        }
    }

    /// The caller the work after the first answer is done for: where the bot is away, the
    /// chat is the user's DM with the bot (answers still go back through the interaction,
    /// ephemerally). Should the DM not open, the place stays a group the caller manages
    /// nothing in, never mistaken for their DM.
    async fn working_caller(
        &self,
        user: &User,
        member: Option<&Member>,
        place: Place,
        locale: &str,
        title: &str,
    ) -> Caller {
        let mut caller = self.caller(user, member, place, locale, if place.away { "" } else { title });
        if place.away {
            match self.dms.open(&caller.who.user_id).await {
                Ok(dm) => {
                    caller.chat = ChatRef { chat_id: dm, kind: ChatKind::Dm, guild_id: None, ..caller.chat.clone() };
                }
                Err(e) => tracing::warn!(error = %format!("{e:#}"), "could not open a DM for a user install's command"),
            }
        }
        caller
    }

    async fn finish_command(self: Arc<Self>, c: CommandInteraction, text: String, ephemeral: bool) {
        let title = c.channel.as_ref().and_then(|ch| ch.name.clone()).unwrap_or_default();
        let place = command_place(&c);
        let caller = self.working_caller(&c.user, c.member.as_deref(), place, &c.locale, &title).await;
        let response = self.core.handle_text(&caller, &text).await;
        let all_private = caller.in_private() || ephemeral;
        self.respond(&caller, &c.token, response.replies, all_private, true, place.shared()).await;
    }

    async fn finish_press(self: Arc<Self>, c: ComponentInteraction) {
        let place = Place::of(c.guild_id, c.channel_id, c.context, &c.authorizing_integration_owners);
        let caller = self.working_caller(&c.user, c.member.as_ref(), place, &c.locale, "").await;
        // A long press (a set of rents) shows how far it got on the pressed message.
        let (http, token) = (&self.http, c.token.as_str());
        // A button's custom id is its token; a menu's chosen option's value is.
        let chosen = match &c.data.kind {
            ComponentInteractionDataKind::StringSelect { values } => values.first().map(String::as_str),
            _ => None,
        };
        let pressed_token = chosen.unwrap_or(&c.data.custom_id);
        let pressed = self
            .core
            .press_showing(&caller, pressed_token, PROGRESS_EVERY, move |r| async move {
                let parts = render::messages(&r);
                if let Some(first) = parts.first()
                    && let Err(e) = http.edit_original_interaction_response(token, &first.json(false), vec![]).await
                {
                    tracing::info!(error = %describe(&e), "could not show a press's progress");
                }
            })
            .await;
        if let Some(toast) = &pressed.toast {
            let m = Message::text(toast);
            if let Err(e) = self.http.create_followup_message(&c.token, &m.json(true), vec![]).await {
                tracing::warn!(error = %describe(&e), "could not send a note about a press");
            }
        }
        if let Some(r) = &pressed.replace_source {
            // After a type 6 answer, the original response is the message the button is on.
            let parts = render::messages(r);
            if let Some(first) = parts.first()
                && let Err(e) =
                    self.http.edit_original_interaction_response(&c.token, &first.json(false), first.files()).await
            {
                tracing::warn!(error = %describe(&e), "could not update the pressed message");
            }
            for m in parts.iter().skip(1) {
                // Where the bot is away, the pressed message was ephemeral: so is the rest.
                self.followup(&c.token, m, place.away).await;
            }
        }
        self.respond(&caller, &c.token, pressed.replies, caller.in_private(), false, place.shared()).await;
    }

    /// A form's answer (a key, a password, a rent's environment): handled as said privately
    /// — in the user's DM, which is opened for it — and answered ephemerally where the form
    /// was sent. (A submit does not say its context: a form sent anywhere but the user's DM
    /// with the bot — a group DM too — is answered ephemerally.)
    async fn finish_form(self: Arc<Self>, m: ModalInteraction, text: String) {
        let mut caller =
            self.caller(&m.user, m.member.as_ref(), Place::unsaid(m.guild_id, m.channel_id), &m.locale, "");
        let Ok(dm) = self.dms.open(&caller.who.user_id).await else {
            let lang = self.core.lang_of(&caller).await;
            let m2 = Message::text(&i18n::sync_scope(lang, || t!("discord-no-dm-for-form")));
            let _ = self.http.edit_original_interaction_response(&m.token, &m2.json(true), vec![]).await;
            return;
        };
        let elsewhere = m.channel_id.to_string() != dm;
        caller.chat = ChatRef { chat_id: dm, kind: ChatKind::Dm, guild_id: None, ..caller.chat.clone() };
        let response = self.core.handle_text(&caller, &text).await;
        self.respond(&caller, &m.token, response.replies, true, true, elsewhere).await;
    }

    /// Sends replies after a deferral. `all_private`: everything is for the caller's eyes
    /// (a DM, or an ephemeral deferral). Otherwise public replies fill the original response
    /// and follow it, private ones go as ephemeral follow-ups, and an original response left
    /// without a public reply is removed. `fill_original`: the original response is a
    /// "thinking…" to replace (a command), not the pressed message. `shared`: others may
    /// see the place, so private follow-ups are made ephemeral (in the bot's DM everything is
    /// private anyway). A line of ours is in `caller`'s language.
    async fn respond(
        &self,
        caller: &Caller,
        token: &str,
        replies: Vec<Reply>,
        all_private: bool,
        fill_original: bool,
        shared: bool,
    ) {
        let mut original_filled = !fill_original;
        for r in &replies {
            let private = all_private || r.visibility == Visibility::Private;
            if r.has_secret() && !private {
                tracing::error!("a secret in a public reply was held back");
                continue;
            }
            for m in render::messages(r) {
                // The original keeps the deferral's visibility: it takes the first reply if
                // that matches it. A private reply to a public deferral must not be the first
                // follow-up (Discord would make it the public original): the original gets a
                // public line first.
                if !original_filled {
                    let first = if private == all_private {
                        m.clone()
                    } else {
                        let lang = self.core.lang_of(caller).await;
                        Message::text(&i18n::sync_scope(lang, || t!("discord-only-you-see")))
                    };
                    match self.edit_original(token, &first.json(false), first.files()).await {
                        Ok(_) => original_filled = true,
                        Err(e) => tracing::warn!(error = %describe(&e), "could not answer an interaction"),
                    }
                    if private == all_private {
                        continue;
                    }
                }
                self.followup(token, &m, private && shared).await;
            }
        }
        if !original_filled && let Err(e) = self.http.delete_original_interaction_response(token).await {
            tracing::info!(error = %describe(&e), "could not remove the placeholder answer");
        }
    }

    /// Edits the original response, again a few times if Discord does not know it yet (the
    /// first answer and this edit may cross).
    async fn edit_original(
        &self,
        token: &str,
        body: &Value,
        files: Vec<serenity::builder::CreateAttachment>,
    ) -> Result<(), serenity::Error> {
        let mut tries = 0;
        loop {
            match self.http.edit_original_interaction_response(token, body, files.clone()).await {
                Ok(_) => return Ok(()),
                Err(serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)))
                    if (r.status_code.as_u16() == 404 || r.error.code == 10015) && tries + 1 < EDIT_TRIES =>
                {
                    tries += 1;
                    tokio::time::sleep(EDIT_RETRY).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn followup(&self, token: &str, m: &Message, ephemeral: bool) {
        if let Err(e) = self.http.create_followup_message(token, &m.json(ephemeral), m.files()).await {
            tracing::warn!(error = %describe(&e), "could not send a follow-up message");
        }
    }

    /// Suggestions for the option being typed: GPU models on the market for a query (most
    /// free servers first) or countries after `cc=`, the caller's active orders for an order,
    /// their watches for an id, their templates (and the channel's team templates) for a
    /// template name.
    async fn suggest(&self, c: &CommandInteraction) -> Vec<Value> {
        use crate::core::suggest::{Asker, Field, SuggestedValue};
        let Some(focus) = c.data.autocomplete() else { return Vec::new() };
        let field = match (c.data.name.as_str(), focus.name) {
            (_, "query" | "target") => Field::Query,
            (_, "order") => Field::Order,
            (_, "orders") => Field::Orders,
            (_, "id") => Field::Watch,
            ("rent", "template") | ("template", "name") => Field::Template,
            _ => return Vec::new(),
        };
        // Labels in the app's language: autocomplete has no time for more lookups.
        let lang = crate::i18n::resolve([Some(c.locale.as_str())]);
        let (user, chat) = (c.user.id.to_string(), c.channel_id.to_string());
        let asker = Asker { platform: Platform::Discord, user: &user, chat: &chat };
        let found = crate::i18n::scope(lang, self.core.suggest(asker, field, focus.value)).await;
        found
            .into_iter()
            .map(|s| {
                let value = match s.value {
                    SuggestedValue::Text(t) => json!(t),
                    // `orders` is a text option: its ids are offered as text.
                    SuggestedValue::Id(i) if field == Field::Orders => json!(i.to_string()),
                    SuggestedValue::Id(i) => json!(i),
                };
                json!({ "name": crate::text::bound(&s.label, 100), "value": value })
            })
            .collect()
    }
}
