//! For hosts: `/myservers` (`/hostset` is in `hostset.rs`).

use crate::clore::Currency;
use crate::core::{Ctx, Failure, Outcome, Reply};
use crate::domain::format::per_day;
use crate::store::account_polls;
use crate::store::account_polls::HOST_RECHECK;
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
