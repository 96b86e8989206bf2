//! Spot guards: `/spotguard <order> max=… [margin=…] [rebid]` and `off`, and the buttons a
//! guard's alerts carry — raising the cap (a confirmation each) and renting again after an
//! outbid (the rent confirmation). The account poll acts on guards (`alerts/accounts/guards.rs`).

use serde_json::json;

use super::orders::active_order;
use super::rent::{MAX_BID_OVER_ON_DEMAND, RentOptions, prompt_for_server};
use crate::clore::{Currency, OrderId};
use crate::core::actions::Action;
use crate::core::{ButtonStyle, Ctx, Failure, Outcome, Reply};
use crate::domain::format::{self, money, per_day};
use crate::services::actions::RentAgain;
use crate::services::spot_guard::{self, GuardSpec, margin_or_default};
use crate::store::{audit, spot_guards};
use crate::t;

/// `/spotguard <order> max=… [margin=…] [rebid]`: guards a running spot order of the caller's
/// (the account poll keeps its bid ahead within the cap); `off` (`None`) stops it.
pub async fn spot_guard(cx: &Ctx<'_>, order: OrderId, guard: Option<crate::core::command::GuardArgs>) -> Outcome {
    let pool = &cx.core.deps.pool;
    let Some(g) = guard else {
        return Ok(vec![Reply::text(if spot_guards::remove(pool, cx.user.id, order.db()).await? {
            t!("spotguard-off", order = order.to_string())
        } else {
            t!("spotguard-none", order = order.to_string())
        })]);
    };
    let o = active_order(cx, order).await?;
    if !o.spot {
        return Err(Failure::user(t!("orders-spot-on-demand", order = order.to_string())));
    }
    let c = o.currency().unwrap_or(Currency::Usd);
    if let Some(bid) = o.price.filter(|bid| *bid > g.max) {
        let (bid, max) = (per_day(bid, c), per_day(g.max, c));
        return Err(Failure::user(t!("spotguard-below-bid", order = order.to_string(), bid = bid, max = max)));
    }
    // The slip of the finger `/spotprice` refuses, refused as a cap too.
    let snap = cx.core.deps.market.get().await.ok();
    let on_demand = o.server_id.and_then(|sid| snap.as_ref()?.server(sid)?.on_demand.get(&c).copied());
    if let Some(usual) = on_demand.filter(|usual| g.max > usual * MAX_BID_OVER_ON_DEMAND) {
        let (bid, usual, times) = (per_day(g.max, c), per_day(usual, c), MAX_BID_OVER_ON_DEMAND.round());
        let server = o.server_id.map(|s| s.to_string()).unwrap_or_default();
        return Err(Failure::user(t!(
            "orders-spot-too-high",
            bid = bid,
            times = times,
            server = server,
            on_demand = usual
        )));
    }
    let margin = margin_or_default(g.margin, g.max);
    let spec = GuardSpec { max: g.max, margin, rebid: g.rebid, template: None };
    let mut conn = pool.acquire().await?;
    spot_guard::put_on(&mut conn, cx.user.id, &o, spec, None).await?;
    drop(conn);
    let detail = json!({ "order": order, "max": g.max, "margin": margin, "rebid": g.rebid, "currency": c.api_name() });
    audit::record(pool, Some(cx.user.id), "spotguard", &detail, "ok").await?;
    let (max, margin) = (per_day(g.max, c), money(margin, c));
    let mut r = Reply::titled(t!("spotguard-on", order = order.to_string(), max = max, margin = margin));
    r = r.with_text(if g.rebid { t!("spotguard-rebid") } else { t!("spotguard-no-rebid") });
    Ok(vec![r])
}

/// "Raise the cap to …" on a guard's cap question: the confirmation.
pub async fn cap_prompt(cx: &Ctx<'_>, order: OrderId, max: f64) -> Outcome {
    let pool = &cx.core.deps.pool;
    let g = spot_guards::get(pool, cx.user.id, order.db()).await?;
    let Some(g) = g else {
        return Err(Failure::user(t!("guard-cap-gone", order = order.to_string())));
    };
    let c = g.currency;
    let (old, new) = (per_day(g.max_price, c), per_day(max, c));
    let r = Reply::titled(t!("guard-cap-confirm", order = order.to_string(), old = old, max = new))
        .with_text(t!("cancel-confirm-within", within = format::span_words(cx.core.deps.confirm_ttl.as_secs())));
    let what = t!("guard-cap-abort-what", order = order.to_string());
    let (confirm, abort) = cx.confirm_pair(&Action::ConfirmGuardCap { order, max }, &what).await?;
    Ok(vec![r.with_button(t!("press-confirm"), ButtonStyle::Primary, confirm).with_button(
        t!("press-abort"),
        ButtonStyle::Secondary,
        abort,
    )])
}

/// The cap raised, if the guard is still there.
pub async fn confirm_cap(cx: &Ctx<'_>, order: OrderId, max: f64) -> Outcome {
    let pool = &cx.core.deps.pool;
    let g = spot_guards::get(pool, cx.user.id, order.db()).await?;
    let Some(g) = g else {
        return Err(Failure::user(t!("guard-cap-gone", order = order.to_string())));
    };
    if !spot_guards::set_max(pool, cx.user.id, order.db(), max).await? {
        return Err(Failure::user(t!("guard-cap-gone", order = order.to_string())));
    }
    let detail = json!({ "order": order, "max": max, "was": g.max_price, "currency": g.currency.api_name() });
    audit::record(pool, Some(cx.user.id), "spotguard", &detail, "ok: cap raised").await?;
    Ok(vec![Reply::text(t!("guard-cap-raised", order = order.to_string(), max = per_day(max, g.currency)))])
}

/// "Rent again as spot at …" after an outbid: the rent confirmation, made like the outbid
/// order and guarded as it was.
pub async fn rent_again(cx: &Ctx<'_>, a: RentAgain) -> Outcome {
    let template = match a.template {
        Some(id) => Some(crate::services::templates::resolve(&cx.core.deps, &cx.user, id).await?),
        None => None,
    };
    let opts = RentOptions {
        image: a.image,
        spot: Some(a.bid),
        ports: a.ports,
        env: Default::default(),
        currency: Some(a.currency),
        template: None,
        guard: a.guard,
        outbidding: true,
        env_typed: false,
    };
    let opts = match template {
        Some(t) => super::rent::with_template(opts, t),
        None => opts,
    };
    prompt_for_server(cx, a.server, opts).await
}
