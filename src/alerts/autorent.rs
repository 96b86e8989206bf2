//! Auto-rent: a watch that rents the cheapest new match with its owner's key, within the
//! guardrails the owner confirmed — maximum price (the watch's query), maximum orders at once
//! from this watch, and a daily spend cap — then switches itself off unless told to keep
//! going. Renting goes through the one rent service (written ahead, audited, announced).
//!
//! The caps count what may be money already: the watch's tracked orders and its open rent
//! attempts (an unclear answer, a crash mid-call), so a lost reply can never let it rent past
//! `max_orders` or `daily_cap`.

use crate::clore::ServerId;
use std::collections::HashMap;

use super::Engine;
use super::watch::CompiledWatch;
use crate::core::Failure;
use crate::core::Reply;
use crate::core::views::rent::{self, busy_text, unclear_text};
use crate::domain::format::{money, per_day};
use crate::market::ServerView;
use crate::market::snapshot::creation_fee_in;
use crate::services::login::no_saved_login;
use crate::services::rent::RentPlan;
use crate::services::rent::{RentOutcome, rent as rent_service};
use crate::services::templates::resolve;
use crate::services::{SshLogin, ssh_login};
use crate::store::intents::{self, Status};
use crate::store::orders;
use crate::store::users::User;
use crate::store::watches::{AutorentRules, Watch};
use crate::t;

const DAY: i64 = 86_400;

/// One order's part in a daily cap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spend {
    /// Unix seconds.
    pub start: i64,
    /// `None`: it runs on.
    pub end: Option<i64>,
    pub per_day: f64,
    /// Charged when it starts.
    pub fee: f64,
}

/// The most `items` would cost in any 24 hours around `now` — what they ran (and were charged)
/// before now, plus every running one running on after it. The cost is piecewise linear in
/// where the window starts, so its peak is where a window edge meets an order's start or end.
pub fn peak_day_spend(now: i64, items: &[Spend]) -> f64 {
    let cost = |from: i64, to: i64| -> f64 {
        items
            .iter()
            .map(|s| {
                let ran = (s.end.unwrap_or(i64::MAX).min(to) - s.start.max(from)).max(0) as f64;
                let fee = if (from..=to).contains(&s.start) { s.fee } else { 0.0 };
                fee + s.per_day * ran / DAY as f64
            })
            .sum()
    };
    let mut shifts = vec![0, DAY];
    for s in items {
        for t in std::iter::once(s.start).chain(s.end) {
            shifts.extend([t - (now - DAY), t - now].into_iter().filter(|h| (0..=DAY).contains(h)));
        }
    }
    shifts.into_iter().map(|h| cost(now - DAY + h, now + h)).fold(0.0, f64::max)
}

/// Why renting one more order at `price` would break `row`'s guardrails (its most orders
/// at once, an earlier attempt still open, its daily cap), or `None`. What may be money
/// already counts: the watch's running orders and its open attempts.
pub async fn over_caps<'a>(
    e: &Engine,
    row: &Watch,
    rules: &AutorentRules,
    price: f64,
    c: crate::clore::Currency,
    market: impl Iterator<Item = &'a ServerView>,
) -> anyhow::Result<Option<String>> {
    let deps = &e.deps;
    let open = intents::open_from_watch(&deps.pool, row.id).await?;
    let running = orders::active_from_watch(&deps.pool, row.id).await? + open.len() as i64;
    if running >= i64::from(rules.max_orders) {
        return Ok(Some(t!("watch-autorent-too-many", n = running, max = rules.max_orders)));
    }
    if !rules.keep && !open.is_empty() {
        return Ok(Some(t!("watch-autorent-earlier-open")));
    }
    let fee = creation_fee_in(market, c).unwrap_or(0.0);
    let now = deps.clock.now().timestamp();
    let mut spend: Vec<Spend> = orders::spend_of_watch(&deps.pool, row.id)
        .await?
        .into_iter()
        .map(|o| Spend {
            start: o.started_at.timestamp(),
            end: o.ended_at.map(|t| t.timestamp()),
            per_day: o.price.unwrap_or(0.0),
            fee: o.creation_fee.unwrap_or(fee),
        })
        .collect();
    spend.extend(open.iter().map(|i| Spend { start: i.created_at.timestamp(), end: None, per_day: i.price, fee }));
    spend.push(Spend { start: now, end: None, per_day: price, fee });
    let peak = peak_day_spend(now, &spend);
    if peak > rules.daily_cap + 1e-9 {
        return Ok(Some(t!("watch-autorent-over-cap", peak = money(peak, c), cap = money(rules.daily_cap, c))));
    }
    Ok(None)
}

pub async fn attempt(
    e: &Engine,
    row: &Watch,
    w: &CompiledWatch,
    fresh: &[(ServerId, f64)],
    servers: &HashMap<ServerId, &ServerView>,
    owner: Option<&User>,
) -> anyhow::Result<Reply> {
    let deps = &e.deps;
    let head = t!("watch-autorent-head", id = row.id.to_string(), query = &row.query);
    let Ok(Some(rules)) = row.rules() else {
        return Ok(Reply::text(t!("watch-autorent-unreadable", head = &head)));
    };
    let c = w.currency;
    let Some(&(id, price)) = fresh.iter().min_by(|a, b| a.1.total_cmp(&b.1)) else {
        return Ok(Reply::text(t!("watch-autorent-nothing-new", head = &head)));
    };
    let (server, at) = (id.to_string(), per_day(price, c));
    let refuse = |why: String| {
        Ok(Reply::text(t!("watch-autorent-refused", head = &head, server = &server, price = &at, why = why)))
    };
    if let Some(why) = over_caps(e, row, &rules, price, c, servers.values().copied()).await? {
        return refuse(why);
    }
    let Some(user) = owner else {
        return Ok(Reply::text(t!("watch-autorent-owner-gone", head = &head)));
    };
    // The template (`t=`) is read now, as it is: what it says when the watch rents is what
    // the order is made with.
    let template = match rules.template {
        Some(id) => match resolve(deps, user, id).await {
            Ok(t) => Some(t),
            Err(Failure::User(why)) => return refuse(why),
            Err(Failure::Internal(e)) => return Err(e),
        },
        None => None,
    };
    let login = match template.as_ref().and_then(|t| t.login()) {
        Some(login) => login,
        None => match ssh_login(deps, user).await {
            Ok(login) => login,
            Err(Failure::User(why)) => return refuse(why),
            Err(Failure::Internal(e)) => return Err(e),
        },
    };
    if matches!(login, SshLogin::Nothing) {
        return refuse(no_saved_login());
    }
    let image = template
        .as_ref()
        .and_then(|t| t.image.clone())
        .or_else(|| user.settings.default_image.clone())
        .unwrap_or_else(|| deps.default_image.clone());
    let ports = match template.as_ref().map(|t| t.ports.clone()) {
        Some(p) if !p.is_empty() => p,
        _ => vec![(22, crate::clore::PortProto::Tcp)],
    };
    let gpu = servers.get(&id).map(|s| format!("{}× {}", s.gpu_count, s.model)).unwrap_or_default();
    let plan = RentPlan {
        server: id,
        currency: c,
        price,
        spot: w.query.spot(),
        image,
        ports,
        env: template.as_ref().map(|t| t.secrets.env.clone()).unwrap_or_default(),
        env_secret: None,
        gpu,
        watch: Some(row.id.0),
        template: template.as_ref().map(|t| t.id),
        command: template.as_ref().and_then(|t| t.command.clone()),
        guard: rules.guard.filter(|_| w.query.spot()),
        unattended: false,
    };
    let rented = |order: Option<&crate::clore::Order>| {
        let mut lines = vec![t!("watch-autorent-rented", head = &head, server = &server, gpu = &plan.gpu, price = &at)];
        if let Some(t) = &template {
            lines.push(t!("watch-autorent-template", name = t.name.as_str()));
        }
        match order {
            Some(o) => {
                lines.push(t!("watch-autorent-order", order = o.id.to_string()));
                lines.extend(rent::endpoint_lines(o));
            }
            None => lines.push(t!("watch-autorent-not-listed")),
        }
        lines
    };
    let failed = |why: &str| t!("watch-autorent-failed-why", head = &head, server = &server, why = why);
    let note = |text: String| t!("watch-autorent-note", head = &head, text = text);
    let (mut lines, made) = match rent_service(deps, user, &plan).await {
        Ok(RentOutcome::Made { order, .. }) => (rented(Some(&order)), true),
        Ok(RentOutcome::Accepted { .. }) => (rented(None), true),
        Ok(RentOutcome::Refused(why)) => (vec![failed(&why)], false),
        Ok(RentOutcome::Unclear) => (vec![note(unclear_text(id))], false),
        Ok(RentOutcome::Busy(open)) => (vec![note(busy_text(id, open.as_ref()))], false),
        // Reconciliation settled it first and announced it (and switched the watch off if due).
        Ok(RentOutcome::Settled(i)) => match (i.status, i.order_id) {
            (Status::Made, Some(o)) => {
                (vec![t!("watch-autorent-settled", head = &head, server = &server, order = o.to_string())], false)
            }
            _ => (vec![t!("watch-autorent-failed", head = &head, server = &server)], false),
        },
        Err(Failure::User(why)) => (vec![failed(&why)], false),
        Err(Failure::Internal(err)) => return Err(err),
    };
    // The rent service turned the watch off with the order, unless it keeps renting.
    if made && !rules.keep {
        lines.push(t!("watch-autorent-stopped"));
    }
    let text = lines.join("\n");
    Ok(Reply::text(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3600;

    fn run(start: i64, end: Option<i64>, per_day: f64) -> Spend {
        Spend { start, end, per_day, fee: 0.1 }
    }

    #[test]
    fn a_new_order_alone_costs_a_day_and_its_fee() {
        let now = 1_000_000;
        assert!((peak_day_spend(now, &[run(now, None, 1.0)]) - 1.1).abs() < 1e-9);
        assert_eq!(peak_day_spend(now, &[]), 0.0);
    }

    #[test]
    fn a_day_old_order_has_paid_its_fee_outside_the_window() {
        let now = 10 * DAY;
        // Running for two days: any 24 hours cost one day's price, the fee is long past.
        let v = peak_day_spend(now, &[run(now - 2 * DAY, None, 1.0)]);
        assert!((v - 1.0).abs() < 1e-9, "{v}");
    }

    #[test]
    fn an_order_that_ended_still_counts_in_windows_it_ran_in() {
        let now = 10 * DAY;
        // Ran 2 hours, ended 8 hours ago; a cheaper one starts now.
        let items = [run(now - 10 * H, Some(now - 8 * H), 1.2), run(now, None, 0.24)];
        // The dearest day starts with the first: its fee and 2 h, the new fee and 14 h.
        let want = 0.1 + 1.2 * 2.0 / 24.0 + 0.1 + 0.24 * 14.0 / 24.0;
        let v = peak_day_spend(now, &items);
        assert!((v - want).abs() < 1e-9, "{v} vs {want}");
    }

    #[test]
    fn keep_cycles_are_bounded_by_the_fees_they_pay() {
        let now = 10 * DAY;
        // Twelve one-hour orders in the last day, each charged a fee.
        let items: Vec<Spend> = (1..=12).map(|k| run(now - 2 * k * H, Some(now - 2 * k * H + H), 0.24)).collect();
        let v = peak_day_spend(now, &items);
        assert!((v - (12.0 * 0.1 + 12.0 * 0.01)).abs() < 1e-9, "{v}");
    }
}
