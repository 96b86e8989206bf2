//! For hosts: `/hostset <name> …` (`set_server_settings`); `/myservers` is in `myservers.rs`.

use serde_json::json;

use crate::clore::Currency;
use crate::core::command::HostSetArgs;
use crate::core::{Ctx, Failure, Outcome, Reply};
use crate::domain::format::per_day;
use crate::services::hosting;
use crate::store::account_polls::HOST_RECHECK;
use crate::store::{account_polls, audit};
use crate::t;

/// Tells the account poll what a command learned: hosts' servers are watched from now on.
pub(super) async fn saw(cx: &Ctx<'_>, mine: &crate::clore::MyServers) -> Result<(), Failure> {
    let host = !mine.servers.is_empty();
    account_polls::saw_servers(&cx.core.deps.pool, cx.user.id, host, HOST_RECHECK).await?;
    Ok(())
}

/// `/hostset <name> …` on one server, sent at once. A dollar price is converted at the
/// market's bitcoin rate, to the satoshi; fleet targets wait for their confirmation.
pub async fn host_set(cx: &Ctx<'_>, a: HostSetArgs) -> Outcome {
    let key = cx.api_key().await?;
    let mine = cx.core.deps.clore.my_servers(&key).await?;
    saw(cx, &mine).await?;
    let rate = match a.edit.needs_rate() {
        true => cx.core.deps.market.get().await.ok().and_then(|s| s.usd_rate(Currency::Bitcoin)),
        false => None,
    };
    let planned = hosting::plan_changes(&mine.servers, &a.target, &a.edit, rate);
    let change = match planned.map(Vec::into_iter).map(|mut c| c.next()) {
        Ok(Some(c)) => c,
        Ok(None) => return Err(Failure::user(t!("hosts-none"))),
        Err(e) => return Err(Failure::user(e.message())),
    };
    let mut values = change.new;
    // The listing has no `mrl`, and may lack a price: the server's configuration has them.
    if values.mrl_hours.is_none() || values.lacks_price() {
        values.fill_missing(&cx.core.deps.clore.server_config(&key, &change.name).await?.config);
    }
    let Some(settings) = values.settings(&change.name) else {
        return Err(Failure::user(t!("hosts-prices-unknown")));
    };
    let (on_demand, spot) = (settings.on_demand, settings.spot);
    let result = cx.core.deps.clore.set_server_settings(&key, &settings).await;
    let detail = json!({
        "server": settings.name, "availability": settings.availability, "mrl": settings.mrl_hours,
        "on_demand_btc": on_demand, "spot_btc": spot,
        // What was typed, and the rate a dollar price was converted at.
        "given": a.edit, "btc_per_usd": rate,
    });
    let outcome = match &result {
        Ok(()) => "ok".to_owned(),
        Err(e) => format!("refused: {e}"),
    };
    audit::record(&cx.core.deps.pool, Some(cx.user.id), "hostset", &detail, &outcome).await?;
    result?;
    Ok(vec![Reply::titled(t!("hosts-updated", name = &settings.name)).with_fields(vec![
        (
            t!("hosts-available"),
            if settings.availability { t!("hosts-available-yes") } else { t!("hosts-available-no") },
        ),
        (t!("hosts-max-rental"), t!("hosts-hours", hours = crate::i18n::number(&settings.mrl_hours.to_string()))),
        (t!("hosts-on-demand"), per_day(on_demand, Currency::Bitcoin)),
        (t!("hosts-spot-minimum"), per_day(spot, Currency::Bitcoin)),
    ])])
}
