//! `host_alert_settings`: a host's settings for the alerts on their servers' income (no row:
//! the defaults).

use sqlx::PgExecutor;

use crate::domain::UserId;

/// A server free this many hours is idle, unless the host says otherwise.
pub const IDLE_HOURS: u16 = 24;

/// After how many hours free `user`'s servers are idle; 0: never (the alert is off).
pub async fn idle_hours(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<u16> {
    let set = sqlx::query_scalar!("SELECT idle_hours FROM host_alert_settings WHERE user_id = $1", user.0)
        .fetch_optional(ex)
        .await?
        .flatten();
    Ok(set.and_then(|h| u16::try_from(h).ok()).unwrap_or(IDLE_HOURS))
}
