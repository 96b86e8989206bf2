//! `/orders [all]`, `/cancel <order> [issue]`, `/cancel all`, `/cancel <order> <order>…`,
//! `/spotprice <order> <price>`.

use crate::clore::OrderId;
use serde_json::json;

use super::rent::MAX_BID_OVER_ON_DEMAND;
use crate::clore::{CloreError, Currency, Order};
use crate::core::actions::Action;
use crate::core::views::rent::endpoint_lines;
use crate::core::{ButtonStyle, Ctx, Failure, Outcome, Reply};
use crate::domain::format::{self, money, per_day};
use crate::services::orders::follow;
use crate::store::{audit, orders as tracked, spot_guards};
use crate::t;

pub async fn list(cx: &Ctx<'_>, all: bool) -> Outcome {
    let key = cx.api_key().await?;
    let mine = cx.core.deps.clore.my_orders(&key, all).await?;
    if mine.orders.is_empty() {
        return Ok(vec![Reply::text(if all { t!("orders-none") } else { t!("orders-none-active") })]);
    }
    let now = cx.core.deps.clock.now().timestamp();
    let mut orders = mine.orders;
    // Active first, newest first.
    orders.sort_by_key(|o| (o.expired, std::cmp::Reverse(o.ct.unwrap_or(0))));
    let guards = spot_guards::of_user(&cx.core.deps.pool, cx.user.id).await?;
    let mut tx = cx.core.deps.pool.begin().await?;
    let mut r = Reply::titled(if all {
        t!("orders-count", n = orders.len())
    } else {
        t!("orders-count-active", n = orders.len())
    });
    for o in &orders {
        if !o.expired {
            // Follow it for endpoint / ending alerts, whoever created it.
            follow(&mut tx, cx.user.id, o, None, None).await?;
        }
        r = r.with_text(summary(o, now));
        if let Some(g) = guards.iter().find(|g| g.order_id == o.id.db()).filter(|_| !o.expired) {
            let (max, margin) = (per_day(g.max_price, g.currency), money(g.margin, g.currency));
            let rebid = if g.rebid { t!("spotguard-line-rebid") } else { String::new() };
            r = r.with_text(t!("spotguard-line", max = max, margin = margin, rebid = rebid));
        }
        for line in endpoint_lines(o) {
            r = r.with_code(line);
        }
    }
    tx.commit().await?;
    Ok(vec![r.private()])
}

/// `Order 57 · #123 · 1× RTX 4090 · $0.45/day · spent $0.12 · 71h 12m left`.
fn summary(o: &Order, now: i64) -> String {
    let c = o.currency().unwrap_or(Currency::Usd);
    let mut parts = vec![t!("orders-order", order = o.id.to_string())];
    if let Some(s) = o.server_id {
        parts.push(format!("#{s}"));
    }
    if let Some(g) = o.specs.as_ref().and_then(|s| s.gpu.clone()).or_else(|| o.gpu_array.first().cloned()) {
        parts.push(g.trim().to_owned());
    }
    if let Some(p) = o.price {
        parts.push(if o.spot { t!("orders-price-spot", price = per_day(p, c)) } else { per_day(p, c) });
    }
    if let Some(s) = o.spend {
        parts.push(t!("orders-spent", amount = money(s, c)));
    }
    if o.expired {
        parts.push(t!("orders-ended"));
    } else if let Some(end) = o.ends_at() {
        parts.push(t!("orders-left", time = format::duration(end - now)));
    }
    if !o.expired && !o.endpoints_ready() {
        parts.push(t!("orders-starting"));
    }
    parts.join(" · ")
}

pub(super) async fn active_order(cx: &Ctx<'_>, order: OrderId) -> Result<Order, Failure> {
    let key = cx.api_key().await?;
    let mine = cx.core.deps.clore.my_orders(&key, false).await?;
    mine.orders
        .into_iter()
        .find(|o| o.id == order)
        .ok_or_else(|| Failure::user(t!("orders-no-active", order = order.to_string())))
}

pub async fn cancel(cx: &Ctx<'_>, order: OrderId, issue: Option<String>) -> Outcome {
    let o = active_order(cx, order).await?;
    let now = cx.core.deps.clock.now().timestamp();
    let mut r = Reply::titled(t!("cancel-title", order = order.to_string())).with_text(summary(&o, now));
    if let Some(i) = &issue {
        let n = i.chars().count();
        r = r.with_text(t!("cancel-issue", n = n, issue = crate::text::clip(i, crate::text::ECHO_MAX)));
    }
    r = r.with_text(t!("cancel-confirm-within", within = format::span_words(cx.core.deps.confirm_ttl.as_secs())));
    let what = t!("cancel-abort-what", order = order.to_string());
    let (confirm, abort) = cx.confirm_pair(&Action::ConfirmCancel { order, issue }, &what).await?;
    Ok(vec![r.with_button(t!("press-confirm"), ButtonStyle::Danger, confirm).with_button(
        t!("cancel-keep"),
        ButtonStyle::Secondary,
        abort,
    )])
}

/// Asks Clore to cancel `order`, and audits what it said; a cancelled order is no longer
/// followed. `Err(Ok(e))`: Clore's answer, `Err(Err(f))`: ours (the database).
async fn cancel_one(
    cx: &Ctx<'_>,
    key: &crate::clore::ApiKey,
    order: OrderId,
    issue: Option<&str>,
) -> Result<Result<(), CloreError>, Failure> {
    // A guard goes first: its order vanishing now is ours, never an outbid to rent again after.
    let pool = &cx.core.deps.pool;
    let guard = spot_guards::get(pool, cx.user.id, order.db()).await?;
    if guard.is_some() {
        spot_guards::remove(pool, cx.user.id, order.db()).await?;
    }
    let result = cx.core.deps.clore.cancel_order(key, order, issue).await;
    let detail = json!({ "order": order, "issue": issue });
    let mut tx = cx.core.deps.pool.begin().await?;
    if let (Some(g), Err(CloreError::InvalidInput { .. } | CloreError::Refused { .. })) = (&guard, &result) {
        // Clearly refused: the order runs on, guarded as before.
        spot_guards::put(&mut *tx, g).await?;
    }
    match &result {
        Ok(()) => {
            audit::record(&mut *tx, Some(cx.user.id), "cancel", &detail, "ok").await?;
            tracked::set_flag(&mut *tx, cx.user.id, order.db(), tracked::OrderFlag::Ended).await?;
        }
        Err(e) => audit::record(&mut *tx, Some(cx.user.id), "cancel", &detail, &format!("refused: {e}")).await?,
    }
    tx.commit().await?;
    Ok(result)
}

pub async fn confirm_cancel(cx: &Ctx<'_>, order: OrderId, issue: Option<String>) -> Outcome {
    let key = cx.api_key().await?;
    let result = cancel_one(cx, &key, order, issue.as_deref()).await?;
    match result {
        Ok(()) => Ok(vec![Reply::text(if issue.is_some() {
            t!("cancel-done-reported", order = order.to_string())
        } else {
            t!("cancel-done", order = order.to_string())
        })]),
        Err(CloreError::InvalidInput { .. }) => Err(Failure::user(t!("cancel-not-active", order = order.to_string()))),
        Err(e) => Err(e.into()),
    }
}

/// `/cancel all` (`None`) or `/cancel 1001 1002 …`: one confirmation listing every order,
/// what it has cost and what they cost together a day. Named orders that are not running are
/// refused up front, by number.
pub async fn cancel_many(cx: &Ctx<'_>, named: Option<Vec<OrderId>>) -> Outcome {
    let key = cx.api_key().await?;
    let running: Vec<Order> =
        cx.core.deps.clore.my_orders(&key, false).await?.orders.into_iter().filter(|o| !o.expired).collect();
    let chosen: Vec<Order> = match &named {
        None => running,
        Some(ids) => {
            let missing: Vec<String> =
                ids.iter().filter(|id| !running.iter().any(|o| o.id == **id)).map(ToString::to_string).collect();
            if !missing.is_empty() {
                return Err(Failure::user(t!(
                    "cancel-many-not-running",
                    n = missing.len(),
                    orders = missing.join(", ")
                )));
            }
            ids.iter().filter_map(|id| running.iter().find(|o| o.id == *id).cloned()).collect()
        }
    };
    if chosen.is_empty() {
        return Err(Failure::user(t!("orders-none-active")));
    }
    let now = cx.core.deps.clock.now().timestamp();
    let mut r = Reply::titled(t!("cancel-many-title", n = chosen.len()));
    for o in &chosen {
        r = r.with_text(summary(o, now));
    }
    // What they cost together, a day and so far, per currency.
    let mut per_currency: Vec<(Currency, f64, f64)> = Vec::new();
    for o in &chosen {
        let c = o.currency().unwrap_or(Currency::Usd);
        let i = per_currency.iter().position(|(k, _, _)| *k == c).unwrap_or_else(|| {
            per_currency.push((c, 0.0, 0.0));
            per_currency.len() - 1
        });
        per_currency[i].1 += o.price.unwrap_or(0.0);
        per_currency[i].2 += o.spend.unwrap_or(0.0);
    }
    let day: Vec<String> = per_currency.iter().map(|(c, d, _)| per_day(*d, *c)).collect();
    let spent: Vec<String> = per_currency.iter().map(|(c, _, s)| money(*s, *c)).collect();
    r = r.with_text(t!("cancel-many-together", per_day = day.join(" + "), spent = spent.join(" + ")));
    r = r.with_text(t!("cancel-confirm-within", within = format::span_words(cx.core.deps.confirm_ttl.as_secs())));
    let orders: Vec<OrderId> = chosen.iter().map(|o| o.id).collect();
    let what = t!("cancel-many-abort-what", n = orders.len());
    let (confirm, abort) = cx.confirm_pair(&Action::ConfirmCancelMany { orders }, &what).await?;
    Ok(vec![r.with_button(t!("press-confirm"), ButtonStyle::Danger, confirm).with_button(
        t!("cancel-keep"),
        ButtonStyle::Secondary,
        abort,
    )])
}

/// Cancels each order in turn (Clore's per-key pace applies) and lists every outcome: a
/// failure is named by order and never turns the rest into all or nothing.
pub async fn confirm_cancel_many(cx: &Ctx<'_>, orders: Vec<OrderId>) -> Outcome {
    let key = cx.api_key().await?;
    let mut lines = Vec::new();
    let mut cancelled = 0;
    for order in &orders {
        let o = order.to_string();
        lines.push(match cancel_one(cx, &key, *order, None).await? {
            Ok(()) => {
                cancelled += 1;
                t!("cancel-many-done", order = o)
            }
            Err(CloreError::InvalidInput { .. }) => t!("cancel-many-not-active", order = o),
            // No answer is not a refusal: it may be cancelled; /orders tells.
            Err(e) => t!("cancel-many-unclear", order = o, why = crate::services::explain_clore(&e)),
        });
    }
    let title = if cancelled == orders.len() {
        t!("cancel-many-all-done", n = cancelled)
    } else {
        t!("cancel-many-some-done", done = cancelled, n = orders.len())
    };
    Ok(vec![Reply::titled(title).with_text(lines.join("\n"))])
}

pub async fn spot_price(cx: &Ctx<'_>, order: OrderId, price: f64) -> Outcome {
    let o = active_order(cx, order).await?;
    if !o.spot {
        return Err(Failure::user(t!("orders-spot-on-demand", order = order.to_string())));
    }
    let c = o.currency().unwrap_or(Currency::Usd);
    // The slip of the finger `/rent spot=` refuses, refused here too: raising a bid is never
    // held back by Clore, and a bid many times the on-demand price is paid as bid.
    let snap = cx.core.deps.market.get().await.ok();
    let on_demand = o.server_id.and_then(|sid| snap.as_ref()?.server(sid)?.on_demand.get(&c).copied());
    if let (Some(sid), Some(usual)) = (o.server_id, on_demand)
        && price > usual * MAX_BID_OVER_ON_DEMAND
    {
        let (bid, usual, times) = (per_day(price, c), per_day(usual, c), MAX_BID_OVER_ON_DEMAND.round());
        let text = t!("orders-spot-too-high", bid = bid, times = times, server = sid.to_string(), on_demand = usual);
        return Err(Failure::user(text));
    }
    let key = cx.api_key().await?;
    let result = cx.core.deps.clore.set_spot_price(&key, order, price).await;
    let detail = json!({ "order": order, "price": price, "old_price": o.price, "currency": c.api_name() });
    let outcome = match &result {
        Ok(()) => "ok".to_owned(),
        Err(e) => format!("refused: {e}"),
    };
    audit::record(&cx.core.deps.pool, Some(cx.user.id), "spotprice", &detail, &outcome).await?;
    match result {
        Ok(()) => Ok(vec![Reply::text(match o.price {
            Some(p) => {
                t!("orders-spot-set-was", order = order.to_string(), price = per_day(price, c), was = per_day(p, c))
            }
            None => t!("orders-spot-set", order = order.to_string(), price = per_day(price, c)),
        })]),
        Err(CloreError::ExceededMaxStep { max_step }) => {
            Err(Failure::user(t!("orders-spot-max-step", lowest = per_day(max_step, c))))
        }
        Err(CloreError::CanLowerEvery600Seconds { time_to_lowering }) => {
            let wait = format::duration(time_to_lowering.ceil() as i64);
            Err(Failure::user(t!("orders-spot-lower-every", wait = wait)))
        }
        Err(CloreError::TooLowPrice) => Err(Failure::user(t!("orders-spot-too-low", price = per_day(price, c)))),
        Err(e) => Err(e.into()),
    }
}
