//! `user_secrets`: Clore API keys and saved SSH passwords, encrypted (see `crypto.rs`).

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use sqlx::{PgExecutor, PgPool};

use super::crypto::{CryptoError, Keyring, Sealed, SecretKind};
use crate::domain::UserId;

/// A stored secret as read back: usable, or present but not decryptable with the keyring
/// (its owner is told to set it again; nothing crashes).
pub enum Stored {
    Usable(SecretString),
    Undecryptable(CryptoError),
}

/// What `/key` shows: never the key, only its fingerprint and age.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SecretStatus {
    pub fingerprint: String,
    pub key_version: i32,
    pub updated_at: DateTime<Utc>,
}

struct Row {
    user_id: i64,
    kind: String,
    key_version: i32,
    nonce: Vec<u8>,
    ciphertext: Vec<u8>,
}

impl Row {
    fn sealed(&self) -> Sealed {
        Sealed {
            key_version: self.key_version,
            nonce: self.nonce.clone(),
            ciphertext: self.ciphertext.clone(),
            fingerprint: String::new(),
        }
    }
}

/// Encrypts and stores (or replaces) a secret; returns its fingerprint.
pub async fn put(
    ex: impl PgExecutor<'_>,
    ring: &Keyring,
    user: UserId,
    kind: SecretKind,
    secret: &SecretString,
) -> sqlx::Result<String> {
    let sealed = ring.seal(user.0, kind, secret.expose_secret());
    sqlx::query!(
        "INSERT INTO user_secrets (user_id, kind, key_version, nonce, ciphertext, fingerprint)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, kind) DO UPDATE
           SET key_version = EXCLUDED.key_version, nonce = EXCLUDED.nonce, ciphertext = EXCLUDED.ciphertext,
               fingerprint = EXCLUDED.fingerprint, updated_at = now()",
        user.0,
        kind.as_str(),
        sealed.key_version,
        &sealed.nonce,
        &sealed.ciphertext,
        &sealed.fingerprint,
    )
    .execute(ex)
    .await?;
    Ok(sealed.fingerprint)
}

/// Reads and decrypts a secret; `None` when the user has not set one.
pub async fn get(
    ex: impl PgExecutor<'_>,
    ring: &Keyring,
    user: UserId,
    kind: SecretKind,
) -> sqlx::Result<Option<Stored>> {
    let row: Option<Row> = sqlx::query_as!(
        Row,
        "SELECT user_id, kind, key_version, nonce, ciphertext FROM user_secrets WHERE user_id = $1 AND kind = $2",
        user.0,
        kind.as_str(),
    )
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|r| match ring.open(user.0, kind, &r.sealed()) {
        Ok(s) => Stored::Usable(s),
        Err(e) => Stored::Undecryptable(e),
    }))
}

pub async fn status(ex: impl PgExecutor<'_>, user: UserId, kind: SecretKind) -> sqlx::Result<Option<SecretStatus>> {
    sqlx::query_as!(
        SecretStatus,
        "SELECT fingerprint, key_version, updated_at FROM user_secrets WHERE user_id = $1 AND kind = $2",
        user.0,
        kind.as_str(),
    )
    .fetch_optional(ex)
    .await
}

/// Deletes a secret; true if there was one.
pub async fn remove(ex: impl PgExecutor<'_>, user: UserId, kind: SecretKind) -> sqlx::Result<bool> {
    let r = sqlx::query!("DELETE FROM user_secrets WHERE user_id = $1 AND kind = $2", user.0, kind.as_str())
        .execute(ex)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Users who have a Clore API key stored (for the pollers).
pub async fn users_with_api_key(ex: impl PgExecutor<'_>) -> sqlx::Result<Vec<UserId>> {
    sqlx::query_scalar!(
        r#"SELECT user_id AS "user_id: UserId" FROM user_secrets WHERE kind = 'clore_api_key' ORDER BY user_id"#
    )
    .fetch_all(ex)
    .await
}

/// What `keys rotate` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RotateReport {
    /// Rows re-encrypted to the newest master key by this run.
    pub moved: u64,
    /// Rows that could not be decrypted with any key in the ring (left as they are).
    pub failed: u64,
    /// Rows still on an older key when the run stopped (only with a batch limit).
    pub remaining: u64,
}

/// Re-encrypts every secret not on the newest master key, `batch` rows per transaction, so
/// an interrupted run keeps what it committed and a second run finds nothing to do.
/// `max_batches` stops early (None: until done) — for tests of interruption and for
/// operators who want to spread the work.
pub async fn rotate(
    pool: &PgPool,
    ring: &Keyring,
    batch: i64,
    max_batches: Option<usize>,
) -> anyhow::Result<RotateReport> {
    use anyhow::Context;
    let newest = ring.newest_version();
    let mut report = RotateReport::default();
    // Rows that fail to decrypt are skipped by moving the cursor past them.
    let mut cursor: (i64, String) = (i64::MIN, String::new());
    let mut batches = 0usize;
    loop {
        if max_batches.is_some_and(|m| batches >= m) {
            break;
        }
        let mut tx = pool.begin().await.context("failed to begin a rotation batch")?;
        let rows: Vec<Row> = sqlx::query_as!(
            Row,
            "SELECT user_id, kind, key_version, nonce, ciphertext FROM user_secrets
             WHERE key_version <> $1 AND (user_id, kind) > ($2, $3)
             ORDER BY user_id, kind LIMIT $4 FOR UPDATE SKIP LOCKED",
            newest,
            cursor.0,
            &cursor.1,
            batch.max(1),
        )
        .fetch_all(&mut *tx)
        .await
        .context("failed to read secrets to rotate")?;
        let Some(last) = rows.last() else { break };
        cursor = (last.user_id, last.kind.clone());
        for r in &rows {
            let Some(kind) = SecretKind::parse(&r.kind) else {
                report.failed += 1;
                continue;
            };
            let plain = match ring.open(r.user_id, kind, &r.sealed()) {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(user_id = r.user_id, kind = %r.kind, error = %e, "secret cannot be rotated");
                    report.failed += 1;
                    continue;
                }
            };
            let s = ring.seal(r.user_id, kind, plain.expose_secret());
            sqlx::query!(
                "UPDATE user_secrets SET key_version = $3, nonce = $4, ciphertext = $5, fingerprint = $6, updated_at = now()
                 WHERE user_id = $1 AND kind = $2",
                r.user_id,
                &r.kind,
                s.key_version,
                &s.nonce,
                &s.ciphertext,
                &s.fingerprint,
            )
            .execute(&mut *tx)
            .await
            .context("failed to store a re-encrypted secret")?;
            report.moved += 1;
        }
        tx.commit().await.context("failed to commit a rotation batch")?;
        batches += 1;
    }
    let remaining: i64 =
        sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM user_secrets WHERE key_version <> $1"#, newest)
            .fetch_one(pool)
            .await
            .context("failed to count secrets left to rotate")?;
    report.remaining = (remaining as u64).saturating_sub(report.failed);
    Ok(report)
}

/// Rows tried per master-key version at start-up: one damaged row must not stop the bot, so
/// a version counts as wrong only when none of these opens.
const KEYRING_SAMPLES: i64 = 8;

/// Checks at startup that the keyring opens what is stored: for every master-key version in
/// use, up to [`KEYRING_SAMPLES`] rows (the most recently written first) are decrypted, and
/// one that opens proves the key. A version whose key is missing, or that opens none of its
/// sampled rows, is an error naming the variable and the version, so a misconfiguration
/// stops the bot at start rather than mid-command; a single damaged row only affects its
/// owner, who is told to set that secret again.
pub async fn check_keyring(ex: impl PgExecutor<'_>, ring: &Keyring) -> anyhow::Result<()> {
    let samples: Vec<Row> = sqlx::query_as!(
        Row,
        "SELECT user_id, kind, key_version, nonce, ciphertext FROM (
           SELECT *, row_number() OVER (PARTITION BY key_version ORDER BY updated_at DESC, user_id, kind) AS n
           FROM user_secrets) s
         WHERE n <= $1 ORDER BY key_version, n",
        KEYRING_SAMPLES,
    )
    .fetch_all(ex)
    .await?;
    let mut by_version: std::collections::BTreeMap<i32, Vec<&Row>> = std::collections::BTreeMap::new();
    for r in &samples {
        by_version.entry(r.key_version).or_default().push(r);
    }
    for (version, rows) in by_version {
        let results: Vec<Result<SecretString, CryptoError>> = rows
            .iter()
            .filter_map(|r| SecretKind::parse(&r.kind).map(|kind| ring.open(r.user_id, kind, &r.sealed())))
            .collect();
        if results.is_empty() || results.iter().any(Result::is_ok) {
            if results.iter().any(Result::is_err) {
                tracing::warn!(
                    key_version = version,
                    "some stored secrets do not decrypt; their owners must set them again"
                );
            }
            continue;
        }
        if results.iter().all(|r| matches!(r, Err(CryptoError::UnknownVersion(_)))) {
            anyhow::bail!(
                "{}: stored secrets were sealed with master key version {version}, which is not in the keyring \
                 (it has {:?}); add that key to CLOREBOT_MASTER_KEYS",
                ring.source(),
                ring.versions()
            );
        }
        anyhow::bail!(
            "{}: master key version {version} does not decrypt the stored secrets: it is not the key they were sealed with",
            ring.source(),
        );
    }
    Ok(())
}
