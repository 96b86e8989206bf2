//! `host_servers`: hosts' servers as the account poll last saw them, the state it compares
//! each poll against to alert on online <-> offline and rented <-> free.

use sqlx::PgExecutor;

use crate::domain::UserId;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HostServer {
    pub name: String,
    pub server_id: Option<i64>,
    pub online: bool,
    pub rented: bool,
}

/// Records a host's server as seen now and returns how it was seen before (None: first sight,
/// which is no change to alert on).
pub async fn observe_host_server(
    ex: impl PgExecutor<'_>,
    user: UserId,
    now: &HostServer,
) -> sqlx::Result<Option<HostServer>> {
    let before = sqlx::query!(
        r#"WITH old AS (SELECT online, rented FROM host_servers WHERE user_id = $1 AND name = $2),
              up AS (
                INSERT INTO host_servers (user_id, name, server_id, online, rented) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (user_id, name) DO UPDATE
                  SET server_id = EXCLUDED.server_id, online = EXCLUDED.online, rented = EXCLUDED.rented,
                      updated_at = now()
                RETURNING 1)
         SELECT (SELECT online FROM old) AS "online?", (SELECT rented FROM old) AS "rented?",
                EXISTS (SELECT 1 FROM old) AS "existed!" FROM up"#,
        user.0,
        &now.name,
        now.server_id,
        now.online,
        now.rented,
    )
    .fetch_optional(ex)
    .await?
    .map(|r| (r.online, r.rented, r.existed));
    Ok(match before {
        Some((Some(online), Some(rented), true)) => {
            Some(HostServer { name: now.name.clone(), server_id: now.server_id, online, rented })
        }
        _ => None,
    })
}

pub async fn host_servers(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<Vec<HostServer>> {
    sqlx::query_as!(
        HostServer,
        "SELECT name, server_id, online, rented FROM host_servers WHERE user_id = $1 ORDER BY name",
        user.0
    )
    .fetch_all(ex)
    .await
}
