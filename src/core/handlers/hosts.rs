//! For hosts: `/myservers` and `/hostset <name> …` (`set_server_settings`).

use serde_json::json;

use crate::alerts::accounts::HOST_RECHECK;
use crate::clore::{Currency, ServerSettings};
use crate::core::command::HostSetArgs;
use crate::core::format::per_day;
use crate::core::{Ctx, Failure, Outcome, Reply};
use crate::store::{account_polls, audit};

/// Tells the account poll what a command learned: hosts' servers are watched from now on.
async fn saw(cx: &Ctx<'_>, mine: &crate::clore::MyServers) -> Result<(), Failure> {
    let host = !mine.servers.is_empty();
    account_polls::saw_servers(&cx.core.pool, cx.user.id, host, HOST_RECHECK).await?;
    Ok(())
}

pub async fn my_servers(cx: &Ctx<'_>) -> Outcome {
    let key = cx.api_key().await?;
    let mine = cx.core.clore.my_servers(&key).await?;
    saw(cx, &mine).await?;
    if mine.servers.is_empty() {
        return Ok(vec![Reply::text("You host no servers on Clore.")]);
    }
    let mut r =
        Reply::titled(format!("Your {} server{}", mine.servers.len(), if mine.servers.len() == 1 { "" } else { "s" }));
    for s in &mine.servers {
        let status = match (s.online, s.rented) {
            (Some(false), _) => "offline",
            (_, Some(true)) => "online, rented",
            (Some(true), _) => "online, free",
            _ => "status unknown",
        };
        let gpu = s
            .specs
            .as_ref()
            .and_then(|sp| sp.gpu.clone())
            .or_else(|| s.gpu_array.first().cloned())
            .unwrap_or_else(|| "no GPU listed".into());
        let price = Currency::ALL
            .into_iter()
            .find_map(|c| s.pricing.get(c).map(|p| per_day(p, c)))
            .map(|p| format!(" · {p}"))
            .unwrap_or_default();
        let visibility = s.visibility.as_deref().map(|v| format!(" · {v}")).unwrap_or_default();
        r = r.with_text(format!("{} — {} — {status}{price}{visibility}", s.name, gpu.trim()));
    }
    Ok(vec![r.with_text("Change one with /hostset <name> on|off mrl=<hours> price=<btc/day> spot=<btc/day>.")])
}

pub async fn host_set(cx: &Ctx<'_>, a: HostSetArgs) -> Outcome {
    let key = cx.api_key().await?;
    let mine = cx.core.clore.my_servers(&key).await?;
    saw(cx, &mine).await?;
    if !mine.servers.iter().any(|s| s.name == a.name) {
        let names: Vec<&str> = mine.servers.iter().map(|s| s.name.as_str()).collect();
        return Err(Failure::user(format!(
            "You have no server named `{}`. Yours: {}.",
            crate::text::clip(&a.name, crate::text::ECHO_MAX),
            if names.is_empty() { "none".into() } else { names.join(", ") }
        )));
    }
    let current = cx.core.clore.server_config(&key, &a.name).await?.config;
    let on_demand = a.price_btc.or(current.pricing.get(Currency::Bitcoin));
    let spot = a.spot_btc.or(current.spot_pricing.get(Currency::Bitcoin));
    let (Some(on_demand), Some(spot)) = (on_demand, spot) else {
        return Err(Failure::user(
            "Clore did not report this server's current BTC prices; give both price= and spot= (BTC per day).",
        ));
    };
    let settings = ServerSettings {
        name: a.name.clone(),
        availability: a.available.unwrap_or(current.visibility.as_deref() != Some("hidden")),
        mrl_hours: a.mrl_hours.or(current.mrl_hours).unwrap_or(72),
        on_demand,
        spot,
    };
    let result = cx.core.clore.set_server_settings(&key, &settings).await;
    let detail = json!({
        "server": a.name, "availability": settings.availability, "mrl": settings.mrl_hours,
        "on_demand_btc": on_demand, "spot_btc": spot,
    });
    let outcome = match &result {
        Ok(()) => "ok".to_owned(),
        Err(e) => format!("refused: {e}"),
    };
    audit::record(&cx.core.pool, Some(cx.user.id), "hostset", &detail, &outcome).await?;
    result?;
    Ok(vec![Reply::titled(format!("{} updated", a.name)).with_fields(vec![
        ("Available".into(), if settings.availability { "yes".into() } else { "no (hidden)".into() }),
        ("Max rental".into(), format!("{} h", settings.mrl_hours)),
        ("On demand".into(), per_day(on_demand, Currency::Bitcoin)),
        ("Spot minimum".into(), per_day(spot, Currency::Bitcoin)),
    ])])
}
