//! `/start watch_<id>`: a team watch shown, in private, to a member of its chat who wants it
//! for themself — the deep link of a team alert's "Watch it myself" button on Telegram — and
//! that button's press, which makes the personal copy.
//!
//! Watch ids count up, so anyone can guess one: a watch is shown only to someone the
//! platform says is in the watch's chat now, and every other case (no such watch, a personal
//! watch, another platform's, not a member) gets the same answer, which tells nothing.
//!
//! The copy is a new personal watch alerting its maker privately, with the team watch's query
//! (its filters and price limits, in its currency), its market condition, and its `once`,
//! cooldown and digest. Nothing else is copied: not the snooze, not the match history (the
//! copy alerts on what appears after it is made, like any new watch), not the forum topic.
//! Team watches never auto-rent, so there are no rules nor template to copy.

use crate::core::actions::Action;
use crate::core::handlers::watches;
use crate::core::{ButtonStyle, ChatRef, Ctx, Failure, Outcome, Reply};
use crate::domain::WatchId;
use crate::domain::format;
use crate::domain::quiet::DigestPeriod;
use crate::market::Query;
use crate::market::condition::Condition;
use crate::services::watches::WatchPlan;
use crate::store::users::{self, Chat};
use crate::store::watches::{self as store, Watch};
use crate::t;

/// `/start watch_<id>`: the watch, and "Watch it myself".
pub async fn show(cx: &Ctx<'_>, id: WatchId) -> Outcome {
    let (w, chat) = shared(cx, id).await?;
    let query = Query::from_stored(&w.query, w.currency).map_or_else(|_| w.query.clone(), |q| q.describe());
    let mut fields = vec![(t!("watch-field-watching"), query)];
    if let Some(c) = w.condition.as_deref().and_then(|c| Condition::from_stored(c).ok()) {
        fields.push((t!("watch-shared-field-when"), c.describe()));
    }
    let mut rules = Vec::new();
    if w.once {
        rules.push(t!("watch-once"));
    }
    if w.cooldown_secs > 0 {
        rules.push(t!("watch-cooldown", duration = format::duration(i64::from(w.cooldown_secs))));
    }
    match w.digest.as_deref().and_then(DigestPeriod::parse) {
        Some(DigestPeriod::Hourly) => rules.push(t!("watch-digest-hourly")),
        Some(DigestPeriod::Daily) => rules.push(t!("watch-digest-daily")),
        None => {}
    }
    if !rules.is_empty() {
        fields.push((t!("watch-shared-field-rules"), rules.join(", ")));
    }
    let token = cx.token(&Action::CopyWatch { watch: w.id }).await?;
    let title = t!("watch-shared-title", id = w.id.to_string(), chat = chat.title.clone());
    Ok(vec![
        Reply::titled(title)
            .with_fields(fields)
            .with_text(t!("watch-shared-explain"))
            .with_button(t!("watch-shared-button"), ButtonStyle::Primary, token)
            .private(),
    ])
}

/// "Watch it myself": the personal copy, made as `/watch` makes a watch (the caps, the
/// duplicate check of market watches, the matches of now).
pub async fn copy(cx: &Ctx<'_>, id: WatchId) -> Outcome {
    // Asked again: the presser may have left the chat, or the watch may be gone.
    let (w, _) = shared(cx, id).await?;
    let plan = WatchPlan {
        query_text: w.query.clone(),
        currency: w.currency,
        once: w.once,
        team: false,
        cooldown_secs: u64::try_from(w.cooldown_secs).unwrap_or(0),
        digest: w.digest.as_deref().and_then(DigestPeriod::parse),
        autorent: None,
        condition: w.condition.clone(),
    };
    let query = plan.query().map_err(|e| Failure::user(t!("watch-shared-broken", reason = e.to_string())))?;
    watches::create(cx, plan, query).await
}

/// The team watch `id` with its chat, if the caller is in that chat now.
async fn shared(cx: &Ctx<'_>, id: WatchId) -> Result<(Watch, Chat), Failure> {
    let nope = || Failure::user(t!("watch-shared-not-found", id = id.to_string()));
    let pool = &cx.core.deps.pool;
    let w = store::get(pool, id).await?.filter(|w| w.is_team && w.autorent.is_none()).ok_or_else(nope)?;
    let chat =
        users::get_chat(pool, w.chat_id).await?.filter(|c| c.platform == cx.caller.platform()).ok_or_else(nope)?;
    let place = ChatRef {
        platform: chat.platform,
        chat_id: chat.platform_chat_id.clone(),
        kind: chat.kind,
        guild_id: chat.guild_id.clone(),
        thread_id: None,
    };
    let member = cx.caller.frontend.is_chat_member(&cx.caller.who, &place).await.map_err(|e| {
        tracing::warn!(error = %format!("{e:#}"), "could not ask the platform whether the caller is in a team chat");
        Failure::user(t!("watch-shared-check-failed", platform = crate::core::platform_name(chat.platform)))
    })?;
    if member { Ok((w, chat)) } else { Err(nope()) }
}
