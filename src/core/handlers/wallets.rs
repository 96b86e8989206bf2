//! `/wallets`: balances and deposit addresses, always private.

use crate::core::format::money;
use crate::core::{Ctx, Outcome, Reply};

pub async fn wallets(cx: &Ctx<'_>) -> Outcome {
    let key = cx.api_key().await?;
    let ws = cx.core.clore.wallets(&key).await?;
    let mut fields = Vec::new();
    for w in &ws {
        let Some(c) = w.currency() else { continue };
        let balance = w.balance.map(|b| money(b, c)).unwrap_or_else(|| "unknown".into());
        let deposit = w.deposit.as_deref().map(|d| format!(" — deposit to {d}")).unwrap_or_default();
        fields.push((c.symbol().to_owned(), format!("{balance}{deposit}")));
    }
    if fields.is_empty() {
        return Ok(vec![Reply::text("Clore lists no wallets for your key.").private()]);
    }
    Ok(vec![Reply::titled("Your Clore wallets").with_fields(fields).private()])
}
