//! `/key`, `/key set <key>`, `/key remove`: the caller's Clore API key.
//!
//! A key is accepted only in a private chat; in a group it is refused and the message is
//! deleted (where the platform allows), and the user is told to replace the now-exposed key.
//! Before storing, the key is tried with a `wallets` call, so a typo is caught at once.

use serde_json::json;

use crate::clore::{ApiKey, CloreError};
use crate::core::{Ctx, Failure, Outcome, Reply};
use crate::domain::format;
use crate::store::crypto::SecretKind;
use crate::store::{audit, secrets};
use crate::t;

pub async fn set(cx: &Ctx<'_>, key: Result<ApiKey, String>) -> Outcome {
    if !cx.caller.in_private() {
        return Err(Failure::User(t!("key-in-group")));
    }
    let key = key.map_err(Failure::User)?;
    let wallets = match cx.core.deps.clore.wallets(&key).await {
        Ok(w) => w,
        Err(CloreError::InvalidKey) => {
            return Err(Failure::User(t!("key-refused")));
        }
        Err(e) => {
            return Err(Failure::User(t!("key-check-failed", reason = crate::core::explain_clore(&e))));
        }
    };
    let mut tx = cx.core.deps.pool.begin().await?;
    let secret = secrecy::SecretString::from(key.expose().to_owned());
    let fp = secrets::put(&mut *tx, &cx.core.deps.keyring, cx.user.id, SecretKind::CloreApiKey, &secret).await?;
    audit::record(&mut *tx, Some(cx.user.id), "key.set", &json!({ "fingerprint": fp }), "ok").await?;
    crate::store::account_polls::fresh_key(&mut *tx, cx.user.id).await?;
    tx.commit().await?;
    let balances: Vec<String> =
        wallets.iter().filter_map(|w| Some(format::money(w.balance.unwrap_or(0.0), w.currency()?))).collect();
    let mut r = Reply::text(t!("key-saved", fingerprint = &fp));
    if !balances.is_empty() {
        r = r.with_text(t!("key-balances", balances = balances.join(" · ")));
    }
    r = r.with_text(t!("key-next"));
    Ok(vec![r.private()])
}

pub async fn status(cx: &Ctx<'_>) -> Outcome {
    Ok(vec![match secrets::status(&cx.core.deps.pool, cx.user.id, SecretKind::CloreApiKey).await? {
        Some(s) => {
            Reply::text(t!("key-status", fingerprint = &s.fingerprint, saved = crate::i18n::datetime(s.updated_at)))
                .private()
        }
        None => Reply::text(t!("no-key")).private(),
    }])
}

pub async fn remove(cx: &Ctx<'_>) -> Outcome {
    let mut tx = cx.core.deps.pool.begin().await?;
    let had = secrets::remove(&mut *tx, cx.user.id, SecretKind::CloreApiKey).await?;
    if had {
        audit::record(&mut *tx, Some(cx.user.id), "key.remove", &json!({}), "ok").await?;
        crate::store::account_polls::forget(&mut *tx, cx.user.id).await?;
    }
    tx.commit().await?;
    Ok(vec![Reply::text(if had { t!("key-removed") } else { t!("key-none-stored") }).private()])
}
