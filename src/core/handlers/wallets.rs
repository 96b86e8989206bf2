//! `/wallets`: balances and deposit addresses, always private. Each deposit address is a
//! value to copy of its own ([`crate::core::Block::Copy`]): Telegram gives it a copy button.

use crate::core::{Ctx, Outcome, Reply};
use crate::domain::format::money;
use crate::t;

pub async fn wallets(cx: &Ctx<'_>) -> Outcome {
    let key = cx.api_key().await?;
    let ws = cx.core.deps.clore.wallets(&key).await?;
    let mut fields = Vec::new();
    let mut deposits = Vec::new();
    for w in &ws {
        let Some(c) = w.currency() else { continue };
        let balance = w.balance.map(|b| money(b, c)).unwrap_or_else(|| t!("wallets-balance-unknown"));
        fields.push((c.symbol().to_owned(), balance));
        if let Some(address) = w.deposit.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            deposits.push((t!("wallets-deposit", currency = c.symbol()), address.to_owned()));
        }
    }
    if fields.is_empty() {
        return Ok(vec![Reply::text(t!("wallets-none")).private()]);
    }
    let reply = Reply::titled(t!("wallets-title")).with_fields(fields);
    Ok(vec![deposits.into_iter().fold(reply, |r, (label, address)| r.with_copy(label, address)).private()])
}
