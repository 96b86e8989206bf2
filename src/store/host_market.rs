//! `host_market_state`: where each of a host's free servers stood at its last undercut
//! judgement (`market::undercut::State`); the host's undercut count is in `host_alerts`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::domain::UserId;
use crate::market::undercut::State;

/// What the undercut check needs of a server: its last state (none: never judged) and when
/// its current free period began (none: unknown).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Judged {
    pub state: Option<State>,
    pub free_since: Option<DateTime<Utc>>,
}

/// Each of `user`'s servers the account poll has seen, by name.
pub async fn judged(pool: &sqlx::PgPool, user: UserId) -> sqlx::Result<BTreeMap<String, Judged>> {
    let seen =
        sqlx::query!("SELECT name, free_since FROM host_servers WHERE user_id = $1", user.0).fetch_all(pool).await?;
    let mut states: BTreeMap<String, State> = sqlx::query!(
        "SELECT server_name, in_quarter, cheaper, own_usd, alerted_at, updated_at
           FROM host_market_state WHERE user_id = $1",
        user.0
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| {
        let cheaper = u32::try_from(r.cheaper).unwrap_or(0);
        let state = State {
            in_quarter: r.in_quarter,
            cheaper,
            own_usd: r.own_usd,
            alerted_at: r.alerted_at,
            judged_at: r.updated_at,
        };
        (r.server_name, state)
    })
    .collect();
    Ok(seen
        .into_iter()
        .map(|r| {
            let state = states.remove(&r.name);
            (r.name, Judged { state, free_since: r.free_since })
        })
        .collect())
}

/// Stores `state` as server `name`'s last judgement (the server is in `host_servers`).
pub async fn put(ex: impl PgExecutor<'_>, user: UserId, name: &str, state: &State) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO host_market_state (user_id, server_name, in_quarter, cheaper, own_usd, alerted_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id, server_name) DO UPDATE
           SET in_quarter = EXCLUDED.in_quarter, cheaper = EXCLUDED.cheaper, own_usd = EXCLUDED.own_usd,
               alerted_at = EXCLUDED.alerted_at, updated_at = EXCLUDED.updated_at",
        user.0,
        name,
        state.in_quarter,
        i32::try_from(state.cheaper).unwrap_or(i32::MAX),
        state.own_usd,
        state.alerted_at,
        state.judged_at,
    )
    .execute(ex)
    .await?;
    Ok(())
}
