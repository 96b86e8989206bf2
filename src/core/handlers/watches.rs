//! `/watch`, `/watches`, `/unwatch`, `/snooze`: creating and managing watches. Firing them is
//! the alert engine's job; here a new watch learns what already matches, so it alerts only on
//! what appears after it was set (an auto-rent watch does not: renting what matches now is
//! what its owner asked for).

use crate::clore::ServerId;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::core::actions::Action;
use crate::core::command::WatchArgs;
use crate::core::format::{self, per_day};
use crate::core::handlers::market::query_currency;
use crate::core::services::{SshLogin, ssh_login};
use crate::core::{ButtonStyle, Ctx, Failure, Outcome, Reply};
use crate::market::Query;
use crate::store::WatchId;
use crate::store::users::{self, ChatKind};
use crate::store::watches::{self, AutorentRules, NewWatch, Watch};

/// A watch as confirmed (auto-rent needs a confirmation; the others are created at once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchPlan {
    pub query: Query,
    pub query_text: String,
    pub once: bool,
    pub team: bool,
    pub cooldown_secs: u64,
    pub autorent: Option<AutorentRules>,
}

pub async fn watch(cx: &Ctx<'_>, a: WatchArgs) -> Outcome {
    if a.here {
        if cx.caller.in_private() {
            return Err(Failure::user(
                "`here` makes a team watch that alerts a group or channel; in this private chat, leave it out.",
            ));
        }
        if !cx.is_chat_admin().await? {
            return Err(Failure::user("Only admins of this chat can create team watches (`here`)."));
        }
        if a.autorent.is_some() {
            return Err(Failure::user("Auto-rent uses your own key, so it can't be a team watch; drop `here`."));
        }
    }
    let count = watches::count_owned(&cx.core.pool, cx.user.id).await?;
    if count >= cx.core.cfg.max_watches_per_user {
        return Err(Failure::user(format!(
            "You have {count} watches (personal and team), the most allowed. Delete some with /unwatch first."
        )));
    }
    if a.here {
        let team = watches::count_team(&cx.core.pool, cx.chat.id).await?;
        if team >= cx.core.cfg.max_watches_per_chat {
            return Err(Failure::user(format!(
                "This chat has {team} team watches, the most allowed. An admin can delete some with /unwatch first."
            )));
        }
    }
    let mut query = a.query;
    let currency = query_currency(cx, &query);
    query.set_currency(currency);
    let autorent = match a.autorent {
        Some(r) => Some(AutorentRules {
            max_orders: r.max_orders,
            daily_cap: match r.daily_cap {
                Some(cap) => cap,
                None => default_daily_cap(cx, &query, r.max_orders, currency).await,
            },
            keep: r.keep,
        }),
        None => None,
    };
    let plan = WatchPlan {
        query,
        query_text: a.query_text,
        once: a.once,
        team: a.here,
        cooldown_secs: a.cooldown.as_secs(),
        autorent,
    };
    let Some(rules) = plan.autorent.clone() else {
        return create(cx, plan).await;
    };
    cx.api_key().await?;
    if matches!(ssh_login(cx.core, &cx.user).await?, SshLogin::Nothing) {
        return Err(Failure::user(
            "Auto-rent needs a saved SSH key or password, so you can log in to what it rents unattended: \
             /settings sshkey=\"ssh-ed25519 …\" or, in a private chat, /settings password=….",
        ));
    }
    let max = plan.query.max_price().unwrap_or(0.0);
    let r = Reply::titled("Create an auto-rent watch?")
        .with_fields(vec![
            ("Watching".into(), plan.query.describe()),
            ("Rents".into(), "the cheapest free match, with your key".into()),
            ("Max price".into(), per_day(max, currency)),
            ("Max orders at once".into(), rules.max_orders.to_string()),
            (
                "Daily spend cap".into(),
                format!("{} in any 24 h, creation fees included", format::money(rules.daily_cap, currency)),
            ),
            (
                "After renting".into(),
                if rules.keep { "keeps watching within these limits".into() } else { "stops".into() },
            ),
        ])
        .with_text(
            "Money is spent without asking again. A match available at the next market check is rented at once.",
        );
    let (confirm, abort) = cx.confirm_pair(&Action::ConfirmWatch(plan), "the auto-rent watch").await?;
    Ok(vec![r.with_button("Confirm", ButtonStyle::Primary, confirm).with_button("Abort", ButtonStyle::Danger, abort)])
}

/// Without `daily_cap=`: each of `max_orders` orders may run a whole day at the maximum price
/// and pay its creation fee.
async fn default_daily_cap(cx: &Ctx<'_>, query: &Query, max_orders: u32, c: crate::clore::Currency) -> f64 {
    let fee = cx.core.market.get().await.ok().and_then(|s| s.creation_fee(c)).unwrap_or(0.0);
    f64::from(max_orders) * (query.max_price().unwrap_or(0.0) + fee)
}

pub async fn confirm(cx: &Ctx<'_>, plan: WatchPlan) -> Outcome {
    create(cx, plan).await
}

async fn create(cx: &Ctx<'_>, plan: WatchPlan) -> Outcome {
    let currency = plan.query.currency().unwrap_or_else(|| cx.currency());
    let target = if plan.team {
        cx.chat.id
    } else {
        let kind = ChatKind::Dm;
        let dm = cx.private_chat().await?;
        users::upsert_chat(&cx.core.pool, cx.caller.platform(), &dm, kind, None, "").await?.id
    };
    let models = plan.query.models().phrases();
    let new = NewWatch {
        owner: cx.user.id,
        chat: target,
        is_team: plan.team,
        // A team watch alerts where it was made, down to the forum topic or thread.
        thread_id: if plan.team { cx.caller.chat.thread_id.clone() } else { None },
        // With `currency`, the stored truth: read back as `plan.query` when watches load.
        query: plan.query_text.clone(),
        gpu_model: (!models.is_empty()).then(|| models.join(" ")),
        max_price: plan.query.max_price(),
        currency,
        once: plan.once,
        cooldown_secs: plan.cooldown_secs.min(i32::MAX as u64) as i32,
        autorent: plan.autorent.clone(),
    };
    // What matches now; a snapshot failure only costs the summary line, not the watch.
    let snap = cx.core.market.get().await.ok();
    let now: Vec<(ServerId, f64)> = snap
        .as_ref()
        .map(|s| {
            plan.query
                .run(&s.servers, currency)
                .into_iter()
                .filter(|v| !v.rented)
                .filter_map(|v| Some((v.id, v.price(currency, plan.query.spot())?)))
                .collect()
        })
        .unwrap_or_default();
    let mut tx = cx.core.pool.begin().await?;
    let w = watches::create(&mut *tx, &new).await?;
    if plan.autorent.is_none() {
        watches::replace_matches(&mut *tx, w.id, &now).await?;
    }
    tx.commit().await?;

    let whom = if plan.team { "this chat" } else { "you privately" };
    let mut extras = Vec::new();
    if plan.once {
        extras.push("once".to_owned());
    }
    if plan.cooldown_secs > 0 {
        extras.push(format!("cooldown {}", format::duration(plan.cooldown_secs as i64)));
    }
    let mut r = Reply::titled(format!(
        "Watch #{}: {} — alerts {whom}{}.",
        w.id,
        plan.query.describe(),
        if extras.is_empty() { String::new() } else { format!(" ({})", extras.join(", ")) }
    ));
    let cheapest = now.iter().min_by(|a, b| a.1.total_cmp(&b.1));
    r = r.with_text(match (snap.is_some(), cheapest, &plan.autorent) {
        (_, _, Some(rules)) => format!(
            "Auto-rent is on: up to {} order{} at once, costing at most {} in any 24 hours.",
            rules.max_orders,
            if rules.max_orders == 1 { "" } else { "s" },
            format::money(rules.daily_cap, currency)
        ),
        (false, _, None) => "I'll alert when a matching server becomes available.".into(),
        (true, None, None) => "Nothing matches right now; I'll alert when something does.".into(),
        (true, Some((id, p)), None) => format!(
            "{} server{} match{} right now (cheapest #{id} at {}); I'll alert when a new one appears.",
            now.len(),
            if now.len() == 1 { "" } else { "s" },
            if now.len() == 1 { "es" } else { "" },
            per_day(*p, currency)
        ),
    });
    Ok(vec![r.with_text(format!("/snooze {} 2h silences it; /unwatch {} deletes it.", w.id, w.id))])
}

pub async fn list(cx: &Ctx<'_>) -> Outcome {
    let (title, ws) = if cx.caller.in_private() {
        ("Your watches", watches::list_personal(&cx.core.pool, cx.user.id).await?)
    } else {
        ("This chat's team watches", watches::list_team(&cx.core.pool, cx.chat.id).await?)
    };
    if ws.is_empty() {
        return Ok(vec![Reply::text(if cx.caller.in_private() {
            "You have no watches. Try /watch 4090 max=4."
        } else {
            "This chat has no team watches. An admin can add one with /watch <query> here."
        })]);
    }
    let now = chrono::Utc::now();
    let lines: Vec<String> = ws.iter().map(|w| line(w, now)).collect();
    Ok(vec![Reply::titled(title).with_text(lines.join("\n"))])
}

fn line(w: &Watch, now: chrono::DateTime<chrono::Utc>) -> String {
    let mut parts = vec![format!("#{}", w.id), w.query.clone()];
    if let Some(reason) = &w.broken_reason {
        parts.push(format!("broken, off: I no longer understand {reason} — create it again with /watch"));
    } else if !w.active {
        parts.push(if w.once && w.last_fired_at.is_some() { "done (fired once)".into() } else { "off".into() });
    }
    if w.once && w.active {
        parts.push("once".into());
    }
    if let Some(until) = w.snoozed_until.filter(|u| *u > now) {
        parts.push(format!("snoozed for {}", format::duration((until - now).num_seconds())));
    }
    if w.cooldown_secs > 0 {
        parts.push(format!("cooldown {}", format::duration(w.cooldown_secs as i64)));
    }
    if w.autorent.is_some() {
        parts.push("auto-rent".into());
    }
    if let Some(t) = w.last_fired_at {
        parts.push(format!("last alert {} ago", format::duration((now - t).num_seconds())));
    }
    parts.join(" · ")
}

/// The watch, if the caller may change it: its owner, or an admin of a team watch's chat.
/// A watch that does not exist and one that is someone else's get the same answer, so ids
/// reveal nothing about other people's watches.
async fn editable(cx: &Ctx<'_>, id: WatchId) -> Result<Watch, Failure> {
    let nope = || Failure::user(format!("You have no watch #{id} here. /watches lists the ones you can change."));
    let w = watches::get(&cx.core.pool, id).await?.ok_or_else(nope)?;
    // The platform is asked only for a team watch of this very chat that is not the caller's.
    let mine = w.owner_id == cx.user.id;
    if mine || (w.is_team && w.chat_id == cx.chat.id && cx.is_chat_admin().await?) { Ok(w) } else { Err(nope()) }
}

pub async fn unwatch(cx: &Ctx<'_>, id: WatchId) -> Outcome {
    let w = editable(cx, id).await?;
    watches::delete(&cx.core.pool, w.id).await?;
    Ok(vec![Reply::text(format!("Watch #{id} ({}) is deleted.", w.query))])
}

pub async fn snooze(cx: &Ctx<'_>, id: WatchId, duration: Option<Duration>) -> Outcome {
    let w = editable(cx, id).await?;
    match duration {
        Some(d) => {
            let until = chrono::Utc::now() + chrono::Duration::seconds(d.as_secs() as i64);
            watches::snooze(&cx.core.pool, w.id, Some(until)).await?;
            Ok(vec![Reply::text(format!(
                "Watch #{id} is snoozed for {} (until {}).",
                format::duration(d.as_secs() as i64),
                until.format("%Y-%m-%d %H:%M UTC")
            ))])
        }
        None => {
            watches::snooze(&cx.core.pool, w.id, None).await?;
            Ok(vec![Reply::text(format!("Watch #{id} is awake again."))])
        }
    }
}
