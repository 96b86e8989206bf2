//! `sealed_secrets`: short-lived secrets at rest — the `env` values of a rent waiting for
//! its Confirm, an SSH password generated for an order until its owner has seen it. Sealed
//! like `user_secrets`, bound to their row, read at most once (`take` deletes), and purged
//! when they expire.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::crypto::{CryptoError, Keyring, Sealed, SecretKind};
use crate::domain::UserId;

/// Seals `secret` for `user` and stores it until `ttl` from now; returns its id.
pub async fn put(
    ex: impl PgExecutor<'_>,
    ring: &Keyring,
    user: UserId,
    kind: SecretKind,
    secret: &SecretString,
    ttl: Duration,
) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    let s = ring.seal_bound(user.0, kind, Some(&id.to_string()), secret.expose_secret());
    sqlx::query!(
        "INSERT INTO sealed_secrets (id, user_id, kind, key_version, nonce, ciphertext, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))",
        id,
        user.0,
        kind.as_str(),
        s.key_version,
        &s.nonce,
        &s.ciphertext,
        ttl.as_secs_f64(),
    )
    .execute(ex)
    .await?;
    Ok(id)
}

/// What [`take`] found.
pub enum Taken {
    Secret(SecretString),
    /// Never stored, already taken, or expired.
    Gone,
    Undecryptable(CryptoError),
}

/// Reads a secret once: the row is deleted in the same statement, so two readers never both
/// get it. An expired row is deleted and reads as gone.
pub async fn take(
    ex: impl PgExecutor<'_>,
    ring: &Keyring,
    user: UserId,
    kind: SecretKind,
    id: Uuid,
) -> sqlx::Result<Taken> {
    let row: Option<(i32, Vec<u8>, Vec<u8>, bool)> = sqlx::query!(
        r#"DELETE FROM sealed_secrets WHERE id = $1 AND user_id = $2 AND kind = $3
           RETURNING key_version, nonce, ciphertext, expires_at > now() AS "live!""#,
        id,
        user.0,
        kind.as_str(),
    )
    .fetch_optional(ex)
    .await?
    .map(|r| (r.key_version, r.nonce, r.ciphertext, r.live));
    Ok(match row {
        Some((key_version, nonce, ciphertext, true)) => {
            let sealed = Sealed { key_version, nonce, ciphertext, fingerprint: String::new() };
            match ring.open_bound(user.0, kind, Some(&id.to_string()), &sealed) {
                Ok(s) => Taken::Secret(s),
                Err(e) => Taken::Undecryptable(e),
            }
        }
        _ => Taken::Gone,
    })
}

/// Deletes a secret unread (its use went away: an Abort, an order that was never made).
pub async fn discard(ex: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM sealed_secrets WHERE id = $1", id).execute(ex).await?;
    Ok(())
}

/// Deletes every expired secret; returns how many.
pub async fn purge_expired(ex: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    Ok(sqlx::query!("DELETE FROM sealed_secrets WHERE expires_at <= now()").execute(ex).await?.rows_affected())
}

/// Re-seals every row not on the newest master key (part of `keys rotate`); returns
/// (moved, failed). Rows are few and short-lived, so one transaction holds them all.
pub async fn rotate(pool: &PgPool, ring: &Keyring) -> anyhow::Result<(u64, u64)> {
    use anyhow::Context;
    let mut tx = pool.begin().await.context("failed to begin rotating sealed secrets")?;
    struct Row {
        id: Uuid,
        user_id: i64,
        kind: String,
        key_version: i32,
        nonce: Vec<u8>,
        ciphertext: Vec<u8>,
    }
    let rows: Vec<Row> = sqlx::query_as!(
        Row,
        "SELECT id, user_id, kind, key_version, nonce, ciphertext FROM sealed_secrets
         WHERE key_version <> $1 FOR UPDATE",
        ring.newest_version(),
    )
    .fetch_all(&mut *tx)
    .await
    .context("failed to read sealed secrets to rotate")?;
    let (mut moved, mut failed) = (0, 0);
    for Row { id, user_id, kind, key_version, nonce, ciphertext } in rows {
        let row = id.to_string();
        let sealed = Sealed { key_version, nonce, ciphertext, fingerprint: String::new() };
        let Some(plain) = SecretKind::parse(&kind)
            .and_then(|k| ring.open_bound(user_id, k, Some(&row), &sealed).ok().map(|p| (k, p)))
        else {
            failed += 1;
            continue;
        };
        let s = ring.seal_bound(user_id, plain.0, Some(&row), plain.1.expose_secret());
        sqlx::query!(
            "UPDATE sealed_secrets SET key_version = $2, nonce = $3, ciphertext = $4 WHERE id = $1",
            id,
            s.key_version,
            &s.nonce,
            &s.ciphertext,
        )
        .execute(&mut *tx)
        .await
        .context("failed to store a re-sealed secret")?;
        moved += 1;
    }
    tx.commit().await.context("failed to commit rotated sealed secrets")?;
    Ok((moved, failed))
}
