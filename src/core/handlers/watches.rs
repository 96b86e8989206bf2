//! `/watch`, `/watches`, `/unwatch`, `/snooze`: creating and managing watches. Firing them is
//! the alert engine's job; here a new watch learns what already matches, so it alerts only on
//! what appears after it was set (an auto-rent watch does not: renting what matches now is
//! what its owner asked for).

use crate::clore::ServerId;
use std::time::Duration;

use crate::core::actions::Action;
use crate::core::command::WatchArgs;
use crate::core::handlers::market::query_currency;
use crate::core::handlers::market_watches;
use crate::core::{ButtonStyle, Ctx, Failure, Outcome, Reply};
use crate::domain::ChatKind;
use crate::domain::WatchId;
use crate::domain::format::{self, per_day};
use crate::domain::quiet::DigestPeriod;
use crate::market::Query;
use crate::market::condition::Condition;
use crate::services::spot_guard::{GuardSpec, margin_or_default};
use crate::services::templates;
use crate::services::{SshLogin, ssh_login};
use crate::store::users;
use crate::store::watches::{self, AutorentRules, Capped, NewWatch, Watch};
use crate::t;

pub use crate::services::watches::WatchPlan;

pub async fn watch(cx: &Ctx<'_>, a: WatchArgs) -> Outcome {
    if a.here {
        if cx.caller.in_private() {
            return Err(Failure::user(t!("watch-here-private")));
        }
        if !cx.is_chat_admin().await? {
            return Err(Failure::user(t!("watch-here-admins")));
        }
        if a.autorent.is_some() {
            return Err(Failure::user(t!("watch-here-autorent")));
        }
    }
    // Said before an auto-rent confirmation is shown; `create` counts again, atomically.
    let count = watches::count_owned(&cx.core.deps.pool, cx.user.id).await?;
    if count >= cx.core.cfg.max_watches_per_user {
        return Err(Failure::user(too_many(Capped::Owner(count))));
    }
    if a.here {
        let team = watches::count_team(&cx.core.deps.pool, cx.chat.id).await?;
        if team >= cx.core.cfg.max_watches_per_chat {
            return Err(Failure::user(too_many(Capped::Team(team))));
        }
    }
    let mut query = a.query;
    // A price move compares with the history, which is in USD.
    let moves = a.condition.as_ref().is_some_and(|c| c.window().is_some());
    let currency = if moves { crate::clore::Currency::Usd } else { query_currency(cx, &query) };
    query.set_currency(currency);
    let template = match a.autorent.as_ref().and_then(|r| r.template.as_deref()) {
        Some(name) => {
            let group = (!cx.caller.in_private()).then_some(cx.chat.id);
            let t = templates::named(&cx.core.deps, &cx.user, group, name).await?;
            Some(templates::read(&cx.core.deps, &t)?)
        }
        None => None,
    };
    let autorent = match a.autorent {
        Some(r) => Some(AutorentRules {
            max_orders: r.max_orders,
            daily_cap: match r.daily_cap {
                Some(cap) => cap,
                None => default_daily_cap(cx, &query, r.max_orders, currency).await,
            },
            keep: r.keep,
            template: template.as_ref().map(|t| t.id),
            guard: r.guard.map(|g| GuardSpec {
                max: g.max,
                margin: margin_or_default(g.margin, g.max),
                rebid: g.rebid,
                template: template.as_ref().map(|t| t.id),
            }),
        }),
        None => None,
    };
    let plan = WatchPlan {
        query_text: a.query_text,
        currency,
        once: a.once,
        team: a.here,
        cooldown_secs: a.cooldown.as_secs(),
        digest: a.digest,
        autorent,
        condition: a.condition.map(|c| c.text()),
    };
    let Some(rules) = plan.autorent.clone() else {
        return create(cx, plan, query).await;
    };
    cx.api_key().await?;
    let login = match template.as_ref().and_then(|t| t.login()) {
        Some(login) => login,
        None => ssh_login(&cx.core.deps, &cx.user).await?,
    };
    if matches!(login, SshLogin::Nothing) {
        return Err(Failure::user(t!("watch-autorent-needs-login")));
    }
    let max = query.max_price().unwrap_or(0.0);
    let mut fields = vec![
        (t!("watch-field-watching"), query.describe()),
        (t!("watch-field-rents"), t!("watch-rents-cheapest")),
        (t!("watch-field-max-price"), per_day(max, currency)),
        (t!("watch-field-max-orders"), rules.max_orders.to_string()),
        (t!("watch-field-daily-cap"), t!("watch-daily-cap", cap = format::money(rules.daily_cap, currency))),
        (t!("watch-field-after"), if rules.keep { t!("watch-after-keep") } else { t!("watch-after-stop") }),
    ];
    if let Some(t) = &template {
        fields.push((t!("rent-field-template"), t.name.clone()));
    }
    if let Some(g) = &rules.guard {
        let rebid = if g.rebid { t!("spotguard-line-rebid") } else { String::new() };
        let margin = format::money(g.margin, currency);
        fields.push((
            t!("rent-field-guard"),
            t!("spotguard-line", max = per_day(g.max, currency), margin = margin, rebid = rebid),
        ));
    }
    let r = Reply::titled(t!("watch-autorent-confirm")).with_fields(fields).with_text(t!("watch-autorent-warning"));
    let (confirm, abort) = cx.confirm_pair(&Action::ConfirmWatch(plan), &t!("watch-abort-what")).await?;
    Ok(vec![r.with_button(t!("watch-confirm"), ButtonStyle::Primary, confirm).with_button(
        t!("watch-abort"),
        ButtonStyle::Danger,
        abort,
    )])
}

fn too_many(capped: Capped) -> String {
    match capped {
        Capped::Owner(n) => t!("watch-too-many", n = n),
        Capped::Team(n) => t!("watch-team-too-many", n = n),
    }
}

/// Without `daily_cap=`: each of `max_orders` orders may run a whole day at the maximum price
/// and pay its creation fee.
async fn default_daily_cap(cx: &Ctx<'_>, query: &Query, max_orders: u32, c: crate::clore::Currency) -> f64 {
    let fee = cx.core.deps.market.get().await.ok().and_then(|s| s.creation_fee(c)).unwrap_or(0.0);
    f64::from(max_orders) * (query.max_price().unwrap_or(0.0) + fee)
}

/// The Confirm of an auto-rent watch; `query` is the plan's, read back ([`WatchPlan::query`]).
pub async fn confirm(cx: &Ctx<'_>, plan: WatchPlan, query: Query) -> Outcome {
    create(cx, plan, query).await
}

/// `query` is `plan.query_text` parsed and priced in `plan.currency`.
pub(super) async fn create(cx: &Ctx<'_>, plan: WatchPlan, query: Query) -> Outcome {
    let currency = plan.currency;
    let target = if plan.team {
        cx.chat.id
    } else {
        let kind = ChatKind::Dm;
        let dm = cx.private_chat().await?;
        users::upsert_chat(&cx.core.deps.pool, cx.caller.platform(), &dm, kind, None, "").await?.id
    };
    let models = query.models().phrases();
    let new = NewWatch {
        owner: cx.user.id,
        chat: target,
        is_team: plan.team,
        // A team watch alerts where it was made, down to the forum topic or thread.
        thread_id: if plan.team { cx.caller.chat.thread_id.clone() } else { None },
        // With `currency`, the stored truth: read back as `query` when watches load.
        query: plan.query_text.clone(),
        gpu_model: (!models.is_empty()).then(|| models.join(" ")),
        max_price: query.max_price(),
        currency,
        once: plan.once,
        // The parser caps a cooldown at 30 days (MAX_COOLDOWN), far inside an i32.
        cooldown_secs: i32::try_from(plan.cooldown_secs).unwrap_or(i32::MAX),
        autorent: plan.autorent.clone(),
        digest: plan.digest.map(|d| d.as_str().to_owned()),
        condition: plan.condition.clone(),
    };
    // What matches now; a snapshot failure only costs the summary line, not the watch.
    let snap = cx.core.deps.market.get().await.ok();
    let now: Vec<(ServerId, f64)> = snap
        .as_ref()
        .map(|s| {
            query
                .run(&s.servers, currency)
                .into_iter()
                .filter(|v| !v.rented)
                .filter_map(|v| Some((v.id, v.price(currency, query.spot())?)))
                .collect()
        })
        .unwrap_or_default();
    if let Some(c) = &plan.condition
        && let Some(same) = market_watches::same_one(cx, plan.team, &plan.query_text, c).await?
    {
        let (id, text) = (same.id.to_string(), format!("{} {c}", same.query));
        return Err(Failure::user(t!("mwatch-duplicate", id = id, query = text)));
    }
    let mut tx = cx.core.deps.pool.begin().await?;
    let cfg = &cx.core.cfg;
    let w = match watches::create_capped(&mut tx, &new, cfg.max_watches_per_user, cfg.max_watches_per_chat).await? {
        Ok(w) => w,
        Err(capped) => return Err(Failure::user(too_many(capped))),
    };
    // A market watch alerts on its condition, not on servers: it keeps no matches.
    if plan.autorent.is_none() && plan.condition.is_none() {
        watches::replace_matches(&mut *tx, w.id, &now).await?;
    }
    tx.commit().await?;

    let mut extras = Vec::new();
    if plan.once {
        extras.push(t!("watch-once"));
    }
    if plan.cooldown_secs > 0 {
        extras.push(t!("watch-cooldown", duration = format::duration(plan.cooldown_secs as i64)));
    }
    if let Some(d) = plan.digest {
        extras.push(digest_words(d));
    }
    let extras = if extras.is_empty() { String::new() } else { format!(" ({})", extras.join(", ")) };
    let condition = plan.condition.as_deref().and_then(|c| Condition::from_stored(c).ok());
    if let Some(c) = condition {
        let lines = market_watches::created_lines(cx, &query, &c, &now, currency).await?;
        let (id, query, condition) = (w.id.to_string(), query.describe(), c.describe());
        let r = Reply::titled(if plan.team {
            t!("mwatch-created-team", id = &id, query = query, condition = condition, extras = extras)
        } else {
            t!("mwatch-created-personal", id = &id, query = query, condition = condition, extras = extras)
        });
        return Ok(vec![r.with_text(lines.join("\n")).with_text(t!("watch-hint", id = id))]);
    }
    let (id, query) = (w.id.to_string(), query.describe());
    let mut r = Reply::titled(if plan.team {
        t!("watch-created-team", id = &id, query = query, extras = extras)
    } else {
        t!("watch-created-personal", id = &id, query = query, extras = extras)
    });
    let cheapest = now.iter().min_by(|a, b| a.1.total_cmp(&b.1));
    r = r.with_text(match (snap.is_some(), cheapest, &plan.autorent) {
        (_, _, Some(rules)) => {
            t!("watch-autorent-on", n = rules.max_orders, cap = format::money(rules.daily_cap, currency))
        }
        (false, _, None) => t!("watch-no-market"),
        (true, None, None) => t!("watch-nothing-now"),
        (true, Some((sid, p)), None) => {
            let (sid, price) = (sid.to_string(), per_day(*p, currency));
            t!("watch-matching-now", n = now.len(), id = sid, price = price)
        }
    });
    Ok(vec![r.with_text(t!("watch-hint", id = id))])
}

pub async fn list(cx: &Ctx<'_>) -> Outcome {
    let (title, ws) = if cx.caller.in_private() {
        (t!("watch-list-personal"), watches::list_personal(&cx.core.deps.pool, cx.user.id).await?)
    } else {
        (t!("watch-list-team"), watches::list_team(&cx.core.deps.pool, cx.chat.id).await?)
    };
    if ws.is_empty() {
        return Ok(vec![Reply::text(if cx.caller.in_private() {
            t!("watch-list-none-personal")
        } else {
            t!("watch-list-none-team")
        })]);
    }
    let now = cx.core.deps.clock.now();
    let mut lines = Vec::with_capacity(ws.len());
    for w in &ws {
        lines.push(line(w, now, market_watches::list_parts(cx, w).await?));
    }
    Ok(vec![Reply::titled(title).with_text(lines.join("\n"))])
}

/// `market` are a market watch's parts ([`market_watches::list_parts`]).
fn line(w: &Watch, now: chrono::DateTime<chrono::Utc>, market: Vec<String>) -> String {
    let mut parts = vec![format!("#{}", w.id), w.query.clone()];
    parts.extend(market);
    if let Some(reason) = &w.broken_reason {
        // The parser's message in the reader's language; as stored if the query reads again.
        let reason = Query::from_joined(&w.query).err().map_or(reason.clone(), |e| e.to_string());
        parts.push(t!("watch-state-broken", reason = reason));
    } else if !w.active {
        parts.push(if w.once && w.last_fired_at.is_some() { t!("watch-state-done") } else { t!("watch-state-off") });
    }
    if w.once && w.active {
        parts.push(t!("watch-once"));
    }
    if let Some(until) = w.snoozed_until.filter(|u| *u > now) {
        parts.push(t!("watch-state-snoozed", duration = format::duration((until - now).num_seconds())));
    }
    if w.cooldown_secs > 0 {
        parts.push(t!("watch-cooldown", duration = format::duration(w.cooldown_secs as i64)));
    }
    if let Some(d) = w.digest.as_deref().and_then(DigestPeriod::parse) {
        parts.push(digest_words(d));
    }
    if w.autorent.is_some() {
        parts.push(t!("watch-state-autorent"));
    }
    if let Some(at) = w.last_fired_at {
        parts.push(t!("watch-state-last-alert", ago = format::duration((now - at).num_seconds())));
    }
    parts.join(" · ")
}

/// The watch, if the caller may change it: its owner, or an admin of a team watch's chat.
/// A watch that does not exist and one that is someone else's get the same answer, so ids
/// reveal nothing about other people's watches.
async fn editable(cx: &Ctx<'_>, id: WatchId) -> Result<Watch, Failure> {
    let nope = || Failure::user(t!("watch-not-found", id = id.to_string()));
    let w = watches::get(&cx.core.deps.pool, id).await?.ok_or_else(nope)?;
    // The platform is asked only for a team watch of this very chat that is not the caller's.
    let mine = w.owner_id == cx.user.id;
    if mine || (w.is_team && w.chat_id == cx.chat.id && cx.is_chat_admin().await?) { Ok(w) } else { Err(nope()) }
}

pub async fn unwatch(cx: &Ctx<'_>, id: WatchId) -> Outcome {
    let w = editable(cx, id).await?;
    watches::delete(&cx.core.deps.pool, w.id).await?;
    Ok(vec![Reply::text(t!("watch-deleted", id = id.to_string(), query = &w.query))])
}

pub async fn snooze(cx: &Ctx<'_>, id: WatchId, duration: Option<Duration>) -> Outcome {
    let w = editable(cx, id).await?;
    match duration {
        Some(d) => {
            let until = cx.core.deps.clock.now() + chrono::Duration::seconds(d.as_secs() as i64);
            watches::snooze(&cx.core.deps.pool, w.id, Some(until)).await?;
            let (duration, until) = (format::duration(d.as_secs() as i64), crate::i18n::datetime(until));
            Ok(vec![Reply::text(t!("watch-snoozed", id = id.to_string(), duration = duration, until = until))])
        }
        None => {
            watches::snooze(&cx.core.deps.pool, w.id, None).await?;
            Ok(vec![Reply::text(t!("watch-awake", id = id.to_string()))])
        }
    }
}

/// "hourly digest": how a watch with `digest=` reads in /watches and when it is made.
fn digest_words(d: DigestPeriod) -> String {
    match d {
        DigestPeriod::Hourly => t!("watch-digest-hourly"),
        DigestPeriod::Daily => t!("watch-digest-daily"),
    }
}
