//! `host_servers`: hosts' servers as the account poll last saw them, the state it compares
//! each poll against to alert on online <-> offline and rented <-> free, and what the hosts'
//! desk keeps beside it (its [`Desk`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::domain::UserId;
use crate::store::host_earnings::Kind;

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

/// What the hosts' desk keeps of a server beyond online and rented (see the migration
/// `hosts_desk`): when a poll last saw it, its free period, and its rental's kind and price.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Desk {
    pub online: bool,
    pub rented: bool,
    pub seen_at: Option<DateTime<Utc>>,
    pub free_since: Option<DateTime<Utc>>,
    pub idle_alerted: bool,
    pub rental_kind: Option<Kind>,
    pub rental_price_usd: Option<f64>,
    pub price_usd: Option<f64>,
    pub spot_usd: Option<f64>,
}

/// Each of `user`'s servers as last seen, by name (a server never seen is absent).
pub async fn desks(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<HashMap<String, Desk>> {
    let rows = sqlx::query!(
        "SELECT name, online, rented, seen_at, free_since, idle_alerted, rental_kind, rental_price_usd, price_usd,
                spot_usd
         FROM host_servers WHERE user_id = $1",
        user.0,
    )
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.name,
                Desk {
                    online: r.online,
                    rented: r.rented,
                    seen_at: r.seen_at,
                    free_since: r.free_since,
                    idle_alerted: r.idle_alerted,
                    rental_kind: r.rental_kind.as_deref().and_then(Kind::parse),
                    rental_price_usd: r.rental_price_usd,
                    price_usd: r.price_usd,
                    spot_usd: r.spot_usd,
                },
            )
        })
        .collect())
}

/// Keeps `d`'s desk fields for `name`, after [`observe_host_server`] recorded it (online and
/// rented are that function's).
pub async fn keep_desk(ex: impl PgExecutor<'_>, user: UserId, name: &str, d: &Desk) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE host_servers SET seen_at = $3, free_since = $4, idle_alerted = $5, rental_kind = $6,
                rental_price_usd = $7, price_usd = $8, spot_usd = $9
         WHERE user_id = $1 AND name = $2",
        user.0,
        name,
        d.seen_at,
        d.free_since,
        d.idle_alerted,
        d.rental_kind.map(Kind::as_str),
        d.rental_price_usd,
        d.price_usd,
        d.spot_usd,
    )
    .execute(ex)
    .await?;
    Ok(())
}
