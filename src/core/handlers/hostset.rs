//! `/hostset <target> …`: a host's change to one server, every server (`all`) or every
//! server of a GPU model (`gpu=4090`), always behind a confirmation that lists each server's
//! values before and after. On Confirm the servers are sent in turn, at Clore's pace for the
//! key (the client waits its turn), the confirmation showing how far it got; one closing
//! `my_servers` verifies what Clore now shows, and the answer names each server's outcome.
//! A failure on one server never stops the others.

use serde_json::json;

use crate::clore::{Currency, HostServer};
use crate::core::actions::Action;
use crate::core::command::HostSetArgs;
use crate::core::{ButtonStyle, Ctx, Failure, Outcome, PressResponse, Reply};
use crate::domain::format::{self, per_day_short};
use crate::services::hosting::{self, HostChange, HostEdit, HostTarget, HostValues, PriceGiven};
use crate::store::{account_polls, audit};
use crate::t;
use crate::text::{ECHO_MAX, clip};

/// Two prices closer than this (a hundredth of a satoshi) are the same price.
const SAME_BTC: f64 = 1e-10;

/// The market's bitcoin rate (BTC per USD), if the snapshot has one.
async fn btc_per_usd(cx: &Ctx<'_>) -> Option<f64> {
    let rate = cx.core.deps.market.get().await.ok().and_then(|s| s.usd_rate(Currency::Bitcoin));
    rate.filter(|r| r.is_finite() && *r > 0.0)
}

/// `0.00003579 BTC/day ($3.40)`: a bitcoin price with what it is worth in dollars.
fn btc_price(btc: Option<f64>, rate: Option<f64>) -> String {
    let Some(btc) = btc else { return t!("hostset-unknown") };
    let day = per_day_short(btc, Currency::Bitcoin);
    match rate {
        Some(r) => t!("hostset-btc-usd", btc = day, usd = format::money(btc / r, Currency::Usd)),
        None => day,
    }
}

fn hours(h: Option<u64>) -> String {
    match h {
        Some(h) => t!("hosts-hours", hours = crate::i18n::number(&h.to_string())),
        None => t!("hostset-unknown"),
    }
}

fn yes_no(available: bool) -> String {
    if available { t!("hosts-available-yes") } else { t!("hosts-available-no") }
}

/// `old → new`, or the value once with "unchanged".
fn from_to(old: String, new: String) -> String {
    if old == new { t!("hostset-same", value = old) } else { t!("hostset-from-to", old = old, new = new) }
}

/// A server's values before and after, one line each.
fn change_lines(c: &HostChange, rate: Option<f64>) -> String {
    let (o, n) = (&c.old, &c.new);
    let gpu = if c.gpu_line.is_empty() { t!("hosts-no-gpu") } else { clip(&c.gpu_line, 60) };
    [
        t!("hostset-server", name = clip(&c.name, ECHO_MAX), gpu = gpu),
        t!("hostset-price", values = from_to(btc_price(o.on_demand_btc, rate), btc_price(n.on_demand_btc, rate))),
        t!("hostset-spot", values = from_to(btc_price(o.spot_btc, rate), btc_price(n.spot_btc, rate))),
        t!("hostset-mrl", values = from_to(hours(o.mrl_hours), hours(n.mrl_hours))),
        t!("hostset-available", values = from_to(yes_no(o.available), yes_no(n.available))),
    ]
    .join("\n")
}

/// The confirmation: each server the target reaches with its values before and after, the
/// rate a dollar price was converted at, and a warning when the servers differ in GPUs.
pub async fn prompt(cx: &Ctx<'_>, a: HostSetArgs) -> Outcome {
    let key = cx.api_key().await?;
    let mine = super::hosts::listed(cx, &key).await?;
    let needs_rate = a.edit.needs_rate();
    let rate = btc_per_usd(cx).await;
    let changes =
        hosting::plan_changes(&mine.servers, &a.target, &a.edit, rate).map_err(|e| Failure::user(e.message()))?;
    let n = changes.len();
    let mut r = Reply::titled(t!("hostset-title", n = n));
    for c in &changes {
        r = r.with_text(change_lines(c, rate));
    }
    if let (true, Some(rate)) = (needs_rate, rate) {
        r = r.with_text(t!("hostset-rate", rate = format::money(1.0 / rate, Currency::Usd)));
    }
    let mut gpus: Vec<&str> = changes.iter().map(|c| c.gpu_line.as_str()).collect();
    gpus.sort_unstable();
    gpus.dedup();
    if gpus.len() > 1 && (a.edit.price.is_some() || a.edit.spot.is_some()) {
        r = r.with_text(t!("hostset-mixed"));
    }
    let within = format::span_words(cx.core.deps.confirm_ttl.as_secs());
    let takes = format::duration(takes(&changes, cx.core.deps.clore.request_period()).as_secs() as i64);
    r = r.with_text(t!("hostset-confirm-within", within = within, n = n, takes = takes));
    let what = t!("hostset-abort-what", n = n);
    let (confirm, abort) = cx.confirm_pair(&Action::ConfirmHostSet { changes }, &what).await?;
    Ok(vec![r.with_button(t!("press-confirm"), ButtonStyle::Primary, confirm).with_button(
        t!("press-abort"),
        ButtonStyle::Danger,
        abort,
    )])
}

/// "Set" under a suggestion: the confirmation for `target` at these dollar prices. Nothing
/// to change (both `None`) is said as `/hostset` without a change would be.
pub async fn prompt_for(cx: &Ctx<'_>, target: HostTarget, price_usd: Option<f64>, spot_usd: Option<f64>) -> Outcome {
    let edit =
        HostEdit { price: price_usd.map(PriceGiven::Usd), spot: spot_usd.map(PriceGiven::Usd), ..HostEdit::default() };
    if edit.is_empty() {
        return Err(Failure::user(t!("parse-hostset-what")));
    }
    prompt(cx, HostSetArgs { target, edit }).await
}

fn same_price(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < SAME_BTC,
        (a, b) => a.is_none() && b.is_none(),
    }
}

/// About how long Confirm takes at one key's pace (`period` between calls): `my_servers`
/// before and after, a `server_config` where the listing lacks `mrl` or a price, and one
/// `set_server_settings` a server; the first call goes at once.
fn takes(changes: &[HostChange], period: std::time::Duration) -> std::time::Duration {
    let configs = changes
        .iter()
        .filter(|c| {
            let v = wanted(c, &c.old);
            v.mrl_hours.is_none() || v.lacks_price()
        })
        .count();
    let calls = 2 + changes.len() + configs;
    period * u32::try_from(calls - 1).unwrap_or(u32::MAX)
}

/// What to send: the values the confirmation changed, and Clore's current ones for the rest
/// (the server may have been changed elsewhere since it was shown).
fn wanted(c: &HostChange, now: &HostValues) -> HostValues {
    let (o, n) = (&c.old, &c.new);
    HostValues {
        available: if o.available != n.available { n.available } else { now.available },
        mrl_hours: if o.mrl_hours != n.mrl_hours { n.mrl_hours } else { now.mrl_hours.or(n.mrl_hours) },
        on_demand_btc: if same_price(o.on_demand_btc, n.on_demand_btc) {
            now.on_demand_btc.or(n.on_demand_btc)
        } else {
            n.on_demand_btc
        },
        spot_btc: if same_price(o.spot_btc, n.spot_btc) { now.spot_btc.or(n.spot_btc) } else { n.spot_btc },
    }
}

/// Whether what Clore lists for `s` carries `want` (a value it does not list is not held
/// against it).
fn carries(s: &HostServer, want: &HostValues) -> bool {
    let now = HostValues::of(s);
    let price = |now: Option<f64>, want: Option<f64>| now.is_none() || same_price(now, want);
    now.available == want.available
        && (now.mrl_hours.is_none() || now.mrl_hours == want.mrl_hours)
        && price(now.on_demand_btc, want.on_demand_btc)
        && price(now.spot_btc, want.spot_btc)
}

/// What came of one server.
enum Sent {
    Done(HostValues),
    Failed(String),
}

/// Confirm: each server in turn, audited; then one `my_servers` to see what Clore shows.
pub async fn confirm(cx: &Ctx<'_>, changes: Vec<HostChange>) -> Outcome {
    let key = cx.api_key().await?;
    let clore = &cx.core.deps.clore;
    let before = clore.my_servers(&key).await?;
    let mut sent: Vec<Sent> = Vec::with_capacity(changes.len());
    for (done, c) in changes.iter().enumerate() {
        if cx.progress.wanted() {
            cx.progress.publish(so_far(&changes, &sent, done));
        }
        let Some(server) = before.servers.iter().find(|s| s.name == c.name) else {
            sent.push(Sent::Failed(t!("hostset-gone", name = clip(&c.name, ECHO_MAX))));
            continue;
        };
        let mut values = wanted(c, &HostValues::of(server));
        // The listing may lack `mrl` or a price: the server's configuration has them.
        if values.mrl_hours.is_none() || values.lacks_price() {
            match clore.server_config(&key, &c.name).await {
                Ok(answer) => values.fill_missing(&answer.config),
                Err(e) => {
                    sent.push(Sent::Failed(crate::services::explain_clore(&e)));
                    continue;
                }
            }
        }
        let Some(settings) = values.settings(&c.name) else {
            sent.push(Sent::Failed(t!("hosts-prices-unknown")));
            continue;
        };
        let result = clore.set_server_settings(&key, &settings).await;
        let detail = json!({
            "server": settings.name, "availability": settings.availability, "mrl": settings.mrl_hours,
            "on_demand_btc": settings.on_demand, "spot_btc": settings.spot,
            "old": c.old, "fleet": changes.len(),
        });
        let outcome = match &result {
            Ok(()) => "ok".to_owned(),
            Err(e) => format!("refused: {e}"),
        };
        audit::record(&cx.core.deps.pool, Some(cx.user.id), "hostset", &detail, &outcome).await?;
        sent.push(match result {
            Ok(()) => Sent::Done(values),
            Err(e) => Sent::Failed(crate::services::explain_clore(&e)),
        });
    }
    // The closing listing: what Clore shows now. Without it the answer says "sent".
    let after = clore.my_servers(&key).await.ok();
    account_polls::poke(&cx.core.deps.pool, cx.user.id).await?;
    let changed = sent.iter().filter(|s| matches!(s, Sent::Done(_))).count();
    let n = changes.len();
    let title = if changed == n {
        t!("hostset-all-changed", n = n)
    } else {
        t!("hostset-some-changed", changed = changed, n = n)
    };
    let rate = btc_per_usd(cx).await;
    let mut r = Reply::titled(title);
    for (c, s) in changes.iter().zip(&sent) {
        let name = clip(&c.name, ECHO_MAX);
        r = r.with_text(match s {
            Sent::Failed(why) => t!("hostset-failed", name = name, why = why.as_str()),
            Sent::Done(v) => {
                let price = btc_price(v.on_demand_btc, rate);
                let shown = after.as_ref().and_then(|a| a.servers.iter().find(|x| x.name == c.name));
                match shown {
                    Some(x) if carries(x, v) => t!("hostset-changed", name = name, price = price),
                    _ => t!("hostset-not-verified", name = name, price = price),
                }
            }
        });
    }
    Ok(vec![r])
}

/// The change so far, shown on the confirmation while the rest wait their turn.
fn so_far(changes: &[HostChange], sent: &[Sent], done: usize) -> Reply {
    let r = Reply::titled(t!("hostset-progress", done = done, n = changes.len()));
    let mut lines = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        let name = clip(&c.name, ECHO_MAX);
        lines.push(match (sent.get(i), i == done) {
            (Some(Sent::Done(_)), _) => t!("hostset-progress-sent", name = name),
            (Some(Sent::Failed(why)), _) => t!("hostset-failed", name = name, why = why.as_str()),
            (None, true) => t!("hostset-progress-sending", name = name),
            (None, false) => t!("hostset-progress-waiting", name = name),
        });
    }
    r.with_text(lines.join("\n"))
}

/// A Confirm that a process which died had pressed, pressed again: the token is used, so
/// nothing is sent again; each server's line says whether Clore shows the new values.
pub async fn interrupted(cx: &Ctx<'_>, changes: &[HostChange]) -> Result<PressResponse, Failure> {
    let key = cx.api_key().await?;
    let mine = super::hosts::listed(cx, &key).await?;
    let mut r = Reply::titled(t!("hostset-interrupted"));
    for c in changes {
        let name = clip(&c.name, ECHO_MAX);
        r = r.with_text(match mine.servers.iter().find(|s| s.name == c.name) {
            None => t!("hostset-gone", name = name),
            Some(s) if carries(s, &wanted(c, &HostValues::of(s))) => {
                t!("hostset-interrupted-has", name = name)
            }
            Some(_) => t!("hostset-interrupted-not", name = name),
        });
    }
    Ok(PressResponse::replacing(vec![r], cx.caller.in_private()))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn change(name: &str, mrl: Option<u64>) -> HostChange {
        let old = HostValues { available: true, mrl_hours: mrl, on_demand_btc: Some(0.0001), spot_btc: Some(0.00005) };
        let new = HostValues { on_demand_btc: Some(0.00008), ..old.clone() };
        HostChange { name: name.into(), server_id: None, gpu_line: String::new(), old, new }
    }

    #[test]
    fn confirm_takes_a_call_per_server_plus_what_the_listing_lacks() {
        let second = Duration::from_secs(1);
        // my_servers, 3 × set_server_settings, my_servers: four spacings after the first.
        let listed = [change("a", Some(48)), change("b", Some(48)), change("c", Some(48))];
        assert_eq!(takes(&listed, second), 4 * second);
        // Without mrl in the listing, a server_config each as well.
        let bare = [change("a", None), change("b", None), change("c", None)];
        assert_eq!(takes(&bare, second), 7 * second);
    }
}
