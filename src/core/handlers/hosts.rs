//! For hosts: `/myservers` and `/hostset <name> …` (`set_server_settings`).

use serde_json::json;

use crate::clore::{Currency, ServerSettings};
use crate::core::command::HostSetArgs;
use crate::core::{Ctx, Failure, Outcome, Reply};
use crate::domain::format::per_day;
use crate::store::account_polls::HOST_RECHECK;
use crate::store::{account_polls, audit};
use crate::t;

/// Tells the account poll what a command learned: hosts' servers are watched from now on.
async fn saw(cx: &Ctx<'_>, mine: &crate::clore::MyServers) -> Result<(), Failure> {
    let host = !mine.servers.is_empty();
    account_polls::saw_servers(&cx.core.deps.pool, cx.user.id, host, HOST_RECHECK).await?;
    Ok(())
}

pub async fn my_servers(cx: &Ctx<'_>) -> Outcome {
    let key = cx.api_key().await?;
    let mine = cx.core.deps.clore.my_servers(&key).await?;
    saw(cx, &mine).await?;
    if mine.servers.is_empty() {
        return Ok(vec![Reply::text(t!("hosts-none"))]);
    }
    let mut r = Reply::titled(t!("hosts-title", n = mine.servers.len()));
    for s in &mine.servers {
        let status = match (s.online, s.rented) {
            (Some(false), _) => t!("hosts-offline"),
            (_, Some(true)) => t!("hosts-rented"),
            (Some(true), _) => t!("hosts-free"),
            _ => t!("hosts-status-unknown"),
        };
        let gpu = s
            .specs
            .as_ref()
            .and_then(|sp| sp.gpu.clone())
            .or_else(|| s.gpu_array.first().cloned())
            .unwrap_or_else(|| t!("hosts-no-gpu"));
        let price = Currency::ALL
            .into_iter()
            .find_map(|c| s.pricing.get(c).map(|p| per_day(p, c)))
            .map(|p| format!(" · {p}"))
            .unwrap_or_default();
        // Clore says `public` or `hidden`; anything else is shown as it came.
        let visibility = match s.visibility.as_deref() {
            Some("public") => format!(" · {}", t!("hosts-visibility-public")),
            Some("hidden") => format!(" · {}", t!("hosts-visibility-hidden")),
            Some(other) => format!(" · {}", crate::text::clip(other, crate::text::ECHO_MAX)),
            None => String::new(),
        };
        r = r.with_text(format!("{} — {} — {status}{price}{visibility}", s.name, gpu.trim()));
    }
    Ok(vec![r.with_text(t!("hosts-change-with"))])
}

pub async fn host_set(cx: &Ctx<'_>, a: HostSetArgs) -> Outcome {
    let key = cx.api_key().await?;
    let mine = cx.core.deps.clore.my_servers(&key).await?;
    saw(cx, &mine).await?;
    if !mine.servers.iter().any(|s| s.name == a.name) {
        let names: Vec<&str> = mine.servers.iter().map(|s| s.name.as_str()).collect();
        return Err(Failure::user(t!(
            "hosts-unknown-name",
            name = crate::text::clip(&a.name, crate::text::ECHO_MAX),
            yours = if names.is_empty() { t!("hosts-yours-none") } else { names.join(", ") }
        )));
    }
    let current = cx.core.deps.clore.server_config(&key, &a.name).await?.config;
    let on_demand = a.price_btc.or(current.pricing.get(Currency::Bitcoin));
    let spot = a.spot_btc.or(current.spot_pricing.get(Currency::Bitcoin));
    let (Some(on_demand), Some(spot)) = (on_demand, spot) else {
        return Err(Failure::user(t!("hosts-prices-unknown")));
    };
    let settings = ServerSettings {
        name: a.name.clone(),
        availability: a.available.unwrap_or(current.visibility.as_deref() != Some("hidden")),
        mrl_hours: a.mrl_hours.or(current.mrl_hours).unwrap_or(72),
        on_demand,
        spot,
    };
    let result = cx.core.deps.clore.set_server_settings(&key, &settings).await;
    let detail = json!({
        "server": a.name, "availability": settings.availability, "mrl": settings.mrl_hours,
        "on_demand_btc": on_demand, "spot_btc": spot,
    });
    let outcome = match &result {
        Ok(()) => "ok".to_owned(),
        Err(e) => format!("refused: {e}"),
    };
    audit::record(&cx.core.deps.pool, Some(cx.user.id), "hostset", &detail, &outcome).await?;
    result?;
    Ok(vec![Reply::titled(t!("hosts-updated", name = &a.name)).with_fields(vec![
        (
            t!("hosts-available"),
            if settings.availability { t!("hosts-available-yes") } else { t!("hosts-available-no") },
        ),
        (t!("hosts-max-rental"), t!("hosts-hours", hours = crate::i18n::number(&settings.mrl_hours.to_string()))),
        (t!("hosts-on-demand"), per_day(on_demand, Currency::Bitcoin)),
        (t!("hosts-spot-minimum"), per_day(spot, Currency::Bitcoin)),
    ])])
}
