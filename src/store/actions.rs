//! `pending_actions`: what a button stands for. A token is bound to the one user who may
//! press it, expires, and is used at most once — so a second press of the same Confirm, or a
//! press racing it from another replica, never acts twice.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use sqlx::types::Json;

use crate::domain::UserId;

/// What became of a press.
#[derive(Debug, Clone, PartialEq)]
pub enum Taken {
    /// The token was valid: here is its payload, and it is now used.
    Ok(serde_json::Value),
    /// Someone else's button.
    NotYours,
    /// Pressed after it expired; the payload says what it was.
    Expired(serde_json::Value),
    /// Already pressed.
    Used,
    /// No such token (never issued, or cleaned up).
    Unknown,
}

/// Issues a token; `owner` None lets anyone who sees the button press it.
pub async fn create(
    ex: impl PgExecutor<'_>,
    token: &str,
    owner: Option<UserId>,
    payload: &serde_json::Value,
    ttl: Duration,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO pending_actions (token, owner_id, payload, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4))",
        token,
        owner.map(|o| o.0),
        payload,
        ttl.as_secs_f64(),
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Issues several tokens in one statement: (token, payload, ttl) each.
pub async fn create_many(
    ex: impl PgExecutor<'_>,
    owner: Option<UserId>,
    tokens: &[(String, serde_json::Value, Duration)],
) -> sqlx::Result<()> {
    let (names, payloads, ttls): (Vec<&str>, Vec<Json<&serde_json::Value>>, Vec<f64>) =
        tokens.iter().fold((Vec::new(), Vec::new(), Vec::new()), |(mut n, mut p, mut t), (name, payload, ttl)| {
            n.push(name.as_str());
            p.push(Json(payload));
            t.push(ttl.as_secs_f64());
            (n, p, t)
        });
    sqlx::query!(
        "INSERT INTO pending_actions (token, owner_id, payload, expires_at)
         SELECT t.token, $2, t.payload, now() + make_interval(secs => t.ttl)
         FROM UNNEST($1::text[], $3::jsonb[], $4::float8[]) AS t(token, payload, ttl)",
        &names as &[&str],
        owner.map(|o| o.0),
        &payloads as &[Json<&serde_json::Value>],
        &ttls,
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Uses a token on behalf of `presser`, atomically.
pub async fn take(ex: impl PgExecutor<'_> + Copy, token: &str, presser: UserId) -> sqlx::Result<Taken> {
    let used: Option<serde_json::Value> = sqlx::query_scalar!(
        "UPDATE pending_actions SET used_at = now()
         WHERE token = $1 AND (owner_id = $2 OR owner_id IS NULL) AND used_at IS NULL AND expires_at > now()
         RETURNING payload",
        token,
        presser.0,
    )
    .fetch_optional(ex)
    .await?;
    if let Some(p) = used {
        return Ok(Taken::Ok(p));
    }
    // Owner, when used, payload.
    let row: Option<(Option<UserId>, Option<DateTime<Utc>>, serde_json::Value)> = sqlx::query!(
        r#"SELECT owner_id AS "owner_id: UserId", used_at, payload FROM pending_actions WHERE token = $1"#,
        token
    )
    .fetch_optional(ex)
    .await?
    .map(|r| (r.owner_id, r.used_at, r.payload));
    Ok(match row {
        None => Taken::Unknown,
        Some((Some(owner), _, _)) if owner != presser => Taken::NotYours,
        Some((_, Some(_), _)) => Taken::Used,
        // Unused yet not taken: it expired (perhaps between the two statements).
        Some((_, None, payload)) => Taken::Expired(payload),
    })
}

/// When a token was used; `None` when it is unused or unknown.
pub async fn used_at(ex: impl PgExecutor<'_>, token: &str) -> sqlx::Result<Option<DateTime<Utc>>> {
    let used =
        sqlx::query_scalar!("SELECT used_at FROM pending_actions WHERE token = $1", token).fetch_optional(ex).await?;
    Ok(used.flatten())
}

/// Reads a token's payload without using it (for buttons that only show, like Next page).
/// The owner (None: anyone) and payload of a live token.
pub async fn peek(ex: impl PgExecutor<'_>, token: &str) -> sqlx::Result<Option<(Option<UserId>, serde_json::Value)>> {
    let row = sqlx::query!(
        r#"SELECT owner_id AS "owner_id: UserId", payload FROM pending_actions WHERE token = $1 AND expires_at > now()"#,
        token
    )
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|r| (r.owner_id, r.payload)))
}

/// Deletes tokens expired for more than `grace`; returns how many.
pub async fn purge_expired(ex: impl PgExecutor<'_>, grace: Duration) -> sqlx::Result<u64> {
    let r = sqlx::query!(
        "DELETE FROM pending_actions WHERE expires_at < now() - make_interval(secs => $1)",
        grace.as_secs_f64()
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected())
}
