//! `host_alert_settings`: a host's settings for the alerts on their servers' income (no row:
//! the defaults).

use sqlx::PgExecutor;

use crate::domain::UserId;

/// A server free this many hours is idle, unless the host says otherwise.
pub const IDLE_HOURS: u16 = 24;

/// This many more cheaper free servers of its model alert on a server, unless the host says.
pub const UNDERCUT_N: u16 = 3;

/// `user`'s idle hours and undercut count as set (`None`: the default).
pub async fn get(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<(Option<u16>, Option<u16>)> {
    let row = sqlx::query!("SELECT idle_hours, undercut_n FROM host_alert_settings WHERE user_id = $1", user.0)
        .fetch_optional(ex)
        .await?;
    let n = |v: Option<i16>| v.and_then(|v| u16::try_from(v).ok());
    Ok(row.map_or((None, None), |r| (n(r.idle_hours), n(r.undercut_n))))
}

/// Sets `user`'s idle hours and undercut count (`None`: the default).
pub async fn set(ex: impl PgExecutor<'_>, user: UserId, idle: Option<u16>, undercut: Option<u16>) -> sqlx::Result<()> {
    let v = |x: Option<u16>| x.and_then(|x| i16::try_from(x).ok());
    sqlx::query!(
        "INSERT INTO host_alert_settings (user_id, idle_hours, undercut_n) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET idle_hours = EXCLUDED.idle_hours, undercut_n = EXCLUDED.undercut_n,
                                             updated_at = now()",
        user.0,
        v(idle),
        v(undercut),
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// After how many hours free `user`'s servers are idle; 0: never (the alert is off).
pub async fn idle_hours(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<u16> {
    Ok(get(ex, user).await?.0.unwrap_or(IDLE_HOURS))
}

/// How many more cheaper free servers alert `user`; 0: never (undercut alerts are off).
pub async fn undercut_n(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<u16> {
    Ok(get(ex, user).await?.1.unwrap_or(UNDERCUT_N))
}
