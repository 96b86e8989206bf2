//! `audit_log`: every rent, cancel, spot-price change and host-settings change, with who did
//! it and how it ended. Callers pass details without secrets; nothing here ever sees a key.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use sqlx::types::Json;

use crate::domain::UserId;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub user_id: Option<UserId>,
    pub action: String,
    pub detail: Json<serde_json::Value>,
    pub result: String,
    pub created_at: DateTime<Utc>,
}

pub async fn record(
    ex: impl PgExecutor<'_>,
    user: Option<UserId>,
    action: &str,
    detail: &serde_json::Value,
    result: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO audit_log (user_id, action, detail, result) VALUES ($1, $2, $3, $4)",
        user.map(|u| u.0),
        action,
        detail,
        result,
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// A user's most recent entries, newest first.
pub async fn recent(ex: impl PgExecutor<'_>, user: UserId, limit: i64) -> sqlx::Result<Vec<AuditEntry>> {
    sqlx::query_as!(
        AuditEntry,
        r#"SELECT id, user_id AS "user_id: UserId", action, detail AS "detail: Json<serde_json::Value>", result,
                  created_at
           FROM audit_log
           WHERE user_id = $1 ORDER BY id DESC LIMIT $2"#,
        user.0,
        limit,
    )
    .fetch_all(ex)
    .await
}
