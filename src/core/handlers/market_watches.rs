//! What `/watch` and `/watches` say of a market watch (`count>=5`, `drop>=10% in=24h`,
//! `newlow=7d`): the market now, and — for a condition comparing with the price history —
//! from when it means something ("after 24 h of history").

use chrono::{DateTime, Utc};

use crate::clore::{Currency, ServerId};
use crate::core::{Ctx, Failure};
use crate::domain::format::{self, per_day};
use crate::market::condition::Condition;
use crate::market::{GpuModel, Query};
use crate::store::watches::{self, Watch};
use crate::store::{history, market_watches};
use crate::t;

/// Whether the history covers a condition's window yet.
enum Meaningful {
    Now,
    /// From this moment, history having started.
    From(DateTime<Utc>),
    /// No history of these models at all.
    NoHistory,
}

/// From when `condition` on `query`'s models has a window of history behind it.
async fn meaningful(cx: &Ctx<'_>, query: &Query, condition: &Condition) -> Result<Meaningful, Failure> {
    let Some(window) = condition.window() else { return Ok(Meaningful::Now) };
    let pool = &cx.core.deps.pool;
    let wanted = query.models();
    let models: Vec<String> =
        history::models(pool).await?.into_iter().filter(|m| wanted.matches(&GpuModel::normalise(m))).collect();
    let first =
        if models.is_empty() { None } else { market_watches::first_recorded_of(pool, &models, Currency::Usd).await? };
    let Some(first) = first else { return Ok(Meaningful::NoHistory) };
    let from = first + chrono::Duration::from_std(window).unwrap_or_default();
    Ok(if from > cx.core.deps.clock.now() { Meaningful::From(from) } else { Meaningful::Now })
}

/// The lines a new market watch's reply adds: what is free now, when the condition means
/// something if not yet, and how it alerts. `now` are the free matches, in `currency`.
pub(super) async fn created_lines(
    cx: &Ctx<'_>,
    query: &Query,
    condition: &Condition,
    now: &[(ServerId, f64)],
    currency: Currency,
) -> Result<Vec<String>, Failure> {
    let cheapest = now.iter().map(|m| m.1).min_by(f64::total_cmp);
    let mut lines =
        vec![t!("mwatch-now", n = now.len(), price = cheapest.map_or(String::new(), |p| per_day(p, currency)))];
    let window = || condition.window().map_or(String::new(), |d| format::duration(d.as_secs() as i64));
    match meaningful(cx, query, condition).await? {
        Meaningful::Now => {}
        Meaningful::From(at) => {
            lines.push(t!("mwatch-needs-history", window = window(), at = crate::i18n::datetime(at)))
        }
        Meaningful::NoHistory => lines.push(t!("mwatch-needs-history-none", window = window())),
    }
    lines.push(t!("mwatch-edge"));
    Ok(lines)
}

/// What `/watches` adds to a market watch's line: its condition in words and, while its
/// window of history is not there yet, from when it means something. Nothing for a watch on
/// servers.
pub(super) async fn list_parts(cx: &Ctx<'_>, w: &Watch) -> Result<Vec<String>, Failure> {
    let Some(text) = &w.condition else { return Ok(Vec::new()) };
    // A condition or query that no longer reads shows as broken through the query's line.
    let (Ok(condition), Ok(query)) = (Condition::from_stored(text), Query::from_stored(&w.query, w.currency)) else {
        return Ok(vec![text.clone()]);
    };
    let mut parts = vec![t!("mwatch-list-when", condition = condition.describe())];
    let window = || condition.window().map_or(String::new(), |d| format::duration(d.as_secs() as i64));
    if w.active {
        match meaningful(cx, &query, &condition).await? {
            Meaningful::Now => {}
            Meaningful::From(at) => {
                parts.push(t!("mwatch-state-waiting", window = window(), at = crate::i18n::datetime(at)))
            }
            Meaningful::NoHistory => parts.push(t!("mwatch-state-waiting-none", window = window())),
        }
    }
    Ok(parts)
}

/// One market watch per chat and condition: an active watch of this chat (the caller's
/// personal ones, or the chat's team ones) with the same query and condition, if any. Checked
/// before creating, not under a lock: two identical `/watch` at the same instant may both pass,
/// which costs a duplicate alert, nothing more.
pub(super) async fn same_one(
    cx: &Ctx<'_>,
    team: bool,
    query_text: &str,
    condition: &str,
) -> Result<Option<Watch>, Failure> {
    let pool = &cx.core.deps.pool;
    let ws = if team {
        watches::list_team(pool, cx.chat.id).await?
    } else {
        watches::list_personal(pool, cx.user.id).await?
    };
    Ok(ws.into_iter().find(|w| w.active && w.query == query_text && w.condition.as_deref() == Some(condition)))
}
