//! `/wallets`: balances and deposit addresses, always private.

use crate::core::{Ctx, Outcome, Reply};
use crate::domain::format::money;
use crate::t;

pub async fn wallets(cx: &Ctx<'_>) -> Outcome {
    let key = cx.api_key().await?;
    let ws = cx.core.deps.clore.wallets(&key).await?;
    let mut fields = Vec::new();
    for w in &ws {
        let Some(c) = w.currency() else { continue };
        let balance = w.balance.map(|b| money(b, c)).unwrap_or_else(|| t!("wallets-balance-unknown"));
        let shown = match w.deposit.as_deref() {
            Some(d) => t!("wallets-balance-deposit", balance = balance, address = d),
            None => balance,
        };
        fields.push((c.symbol().to_owned(), shown));
    }
    if fields.is_empty() {
        return Ok(vec![Reply::text(t!("wallets-none")).private()]);
    }
    Ok(vec![Reply::titled(t!("wallets-title")).with_fields(fields).private()])
}
