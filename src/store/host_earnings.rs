//! `host_earnings`: what a host's server did between two account polls, estimated. Each
//! poll that sees a server writes one final row: the time since the poll before (capped, so
//! a gap in polling is not vouched for), credited to the state seen now, and what that time
//! earned at the rental's price. Nothing is updated later, so sums over rows are the answer.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::domain::UserId;

/// How a server is rented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    OnDemand,
    Spot,
}

impl Kind {
    /// The name `host_servers.rental_kind` keeps.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::OnDemand => "on_demand",
            Kind::Spot => "spot",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "on_demand" => Some(Kind::OnDemand),
            "spot" => Some(Kind::Spot),
            _ => None,
        }
    }
}

/// What a poll saw a server doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Offline,
    Free,
    Rented(Kind),
}

/// One poll's row: seconds vouched for and how they split, and what they earned (USD).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Credit {
    pub covered_secs: i32,
    pub on_demand_secs: i32,
    pub spot_secs: i32,
    pub free_secs: i32,
    pub offline_secs: i32,
    pub earned_usd: f64,
    /// The rental's price a day in USD, when rented.
    pub price_usd: Option<f64>,
}

/// The credit of an observation at `at` of a server last seen at `seen_at` (`None`: first
/// sight, which vouches for nothing: recording begins). The time since, at most `gap_max`,
/// goes to the state seen now; rented time earns `price_usd` a day (nothing without a price).
pub fn credit(
    seen_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
    state: State,
    price_usd: Option<f64>,
    gap_max: std::time::Duration,
) -> Credit {
    let cap = i64::try_from(gap_max.as_secs()).unwrap_or(i64::MAX);
    let secs = seen_at.map_or(0, |s| (at - s).num_seconds().clamp(0, cap));
    let secs = i32::try_from(secs).unwrap_or(i32::MAX);
    let mut c = Credit { covered_secs: secs, ..Credit::default() };
    match state {
        State::Offline => c.offline_secs = secs,
        State::Free => c.free_secs = secs,
        State::Rented(kind) => {
            match kind {
                Kind::OnDemand => c.on_demand_secs = secs,
                Kind::Spot => c.spot_secs = secs,
            }
            let price = price_usd.filter(|p| p.is_finite() && *p >= 0.0);
            c.price_usd = price;
            c.earned_usd = price.map_or(0.0, |p| p * f64::from(secs) / 86_400.0);
        }
    }
    c
}

/// Writes `server`'s row for the poll at `at`; a second row for the same poll is ignored.
pub async fn record(
    ex: impl PgExecutor<'_>,
    user: UserId,
    server: &str,
    at: DateTime<Utc>,
    c: &Credit,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO host_earnings (user_id, server_name, at, covered_secs, on_demand_secs, spot_secs, free_secs,
                                    offline_secs, earned_usd, price_usd)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (user_id, server_name, span_secs, at) DO NOTHING",
        user.0,
        server,
        at,
        c.covered_secs,
        c.on_demand_secs,
        c.spot_secs,
        c.free_secs,
        c.offline_secs,
        c.earned_usd,
        c.price_usd,
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// One server's rows over a window, summed: seconds vouched for, rented on demand and on
/// spot, USD earned, and when what they vouch for begins.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSums {
    pub server_name: String,
    pub from: DateTime<Utc>,
    pub covered_secs: i64,
    pub on_demand_secs: i64,
    pub spot_secs: i64,
    pub earned_usd: f64,
}

/// `user`'s servers' rows written in `(since, until]`, summed per server, by name.
pub async fn by_server(
    ex: impl PgExecutor<'_>,
    user: UserId,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<ServerSums>> {
    sqlx::query_as!(
        ServerSums,
        r#"SELECT server_name, min(at - make_interval(secs => covered_secs)) AS "from!",
                  sum(covered_secs)::int8 AS "covered_secs!", sum(on_demand_secs)::int8 AS "on_demand_secs!",
                  sum(spot_secs)::int8 AS "spot_secs!", sum(earned_usd) AS "earned_usd!"
           FROM host_earnings WHERE user_id = $1 AND at > $2 AND at <= $3
           GROUP BY server_name ORDER BY server_name"#,
        user.0,
        since,
        until,
    )
    .fetch_all(ex)
    .await
}

/// `user`'s fleet's estimated earnings (USD) per day (UTC) of the rows written in
/// `(since, until]`, each row counted on the day of its poll; days without rows are absent.
pub async fn by_day(
    ex: impl PgExecutor<'_>,
    user: UserId,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<(chrono::NaiveDate, f64)>> {
    let rows = sqlx::query!(
        r#"SELECT (at AT TIME ZONE 'UTC')::date AS "day!", sum(earned_usd) AS "earned_usd!"
           FROM host_earnings WHERE user_id = $1 AND at > $2 AND at <= $3
           GROUP BY 1 ORDER BY 1"#,
        user.0,
        since,
        until,
    )
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| (r.day, r.earned_usd)).collect())
}

/// How much of the time one server was rented, over the last day and the last week: the
/// seconds rented (on demand or spot) and the seconds the poll vouched for.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RentedShares {
    pub day_rented_secs: i64,
    pub day_covered_secs: i64,
    pub week_rented_secs: i64,
    pub week_covered_secs: i64,
}

/// `user`'s servers' rented time in the day and the week before `now`, by name: one query
/// for the fleet (`/myservers`).
pub async fn rented_shares(
    ex: impl PgExecutor<'_>,
    user: UserId,
    now: DateTime<Utc>,
) -> sqlx::Result<std::collections::BTreeMap<String, RentedShares>> {
    let day = now - chrono::Duration::days(1);
    let week = now - chrono::Duration::days(7);
    let rows = sqlx::query!(
        r#"SELECT server_name,
                  coalesce(sum(on_demand_secs + spot_secs) FILTER (WHERE at > $2), 0)::int8 AS "day_rented!",
                  coalesce(sum(covered_secs) FILTER (WHERE at > $2), 0)::int8 AS "day_covered!",
                  sum(on_demand_secs + spot_secs)::int8 AS "week_rented!",
                  sum(covered_secs)::int8 AS "week_covered!"
           FROM host_earnings WHERE user_id = $1 AND at > $3 AND at <= $4
           GROUP BY server_name"#,
        user.0,
        day,
        week,
        now,
    )
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let shares = RentedShares {
                day_rented_secs: r.day_rented,
                day_covered_secs: r.day_covered,
                week_rented_secs: r.week_rented,
                week_covered_secs: r.week_covered,
            };
            (r.server_name, shares)
        })
        .collect())
}

/// Raw rows are kept a day, then summed into hourly rows, kept 90 days: `/earnings` reads
/// days, and a 7-day sum stays near 1,600 rows a server.
pub const RAW_FOR: std::time::Duration = std::time::Duration::from_secs(86_400);
pub const KEEP_FOR: std::time::Duration = std::time::Duration::from_secs(90 * 86_400);

/// Thins out the rows as of `now`: raw rows older than [`RAW_FOR`] become hourly sums (added
/// to an hour's row already there, as an hour may be summed in two passes), and rows older
/// than [`KEEP_FOR`] go. Sums over whole hours are unchanged. Returns the rows removed.
pub async fn compact(pool: &sqlx::PgPool, now: DateTime<Utc>) -> sqlx::Result<u64> {
    let raw_before = now - RAW_FOR;
    let keep_after = now - KEEP_FOR;
    let mut tx = pool.begin().await?;
    let old = sqlx::query!("DELETE FROM host_earnings WHERE at < $1", keep_after).execute(&mut *tx).await?;
    let summed = sqlx::query_scalar!(
        r#"WITH gone AS (DELETE FROM host_earnings WHERE span_secs = 0 AND at < $1
                         RETURNING user_id, server_name, at, covered_secs, on_demand_secs, spot_secs, free_secs,
                                   offline_secs, earned_usd),
                hours AS (INSERT INTO host_earnings (user_id, server_name, at, span_secs, covered_secs, on_demand_secs,
                                                     spot_secs, free_secs, offline_secs, earned_usd)
                          SELECT user_id, server_name, date_bin('1 hour', at, TIMESTAMPTZ '1970-01-01 00:00:00+00'), 3600,
                                 sum(covered_secs), sum(on_demand_secs), sum(spot_secs), sum(free_secs),
                                 sum(offline_secs), sum(earned_usd)
                          FROM gone GROUP BY 1, 2, 3
                          ON CONFLICT (user_id, server_name, span_secs, at) DO UPDATE
                            SET covered_secs = host_earnings.covered_secs + EXCLUDED.covered_secs,
                                on_demand_secs = host_earnings.on_demand_secs + EXCLUDED.on_demand_secs,
                                spot_secs = host_earnings.spot_secs + EXCLUDED.spot_secs,
                                free_secs = host_earnings.free_secs + EXCLUDED.free_secs,
                                offline_secs = host_earnings.offline_secs + EXCLUDED.offline_secs,
                                earned_usd = host_earnings.earned_usd + EXCLUDED.earned_usd
                          RETURNING 1)
           SELECT (SELECT count(*) FROM gone) - (SELECT count(*) FROM hours) AS "removed!""#,
        raw_before
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(old.rows_affected() + u64::try_from(summed).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const GAP: Duration = Duration::from_secs(180);

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn first_sight_vouches_for_nothing() {
        let c = credit(None, t(0), State::Rented(Kind::OnDemand), Some(4.0), GAP);
        assert_eq!(c, Credit { price_usd: Some(4.0), ..Credit::default() });
    }

    #[test]
    fn the_time_since_goes_to_the_state_seen_now() {
        assert_eq!(
            credit(Some(t(0)), t(60), State::Free, Some(4.0), GAP),
            Credit { covered_secs: 60, free_secs: 60, ..Credit::default() }
        );
        assert_eq!(
            credit(Some(t(0)), t(60), State::Offline, None, GAP),
            Credit { covered_secs: 60, offline_secs: 60, ..Credit::default() }
        );
        let spot = credit(Some(t(0)), t(60), State::Rented(Kind::Spot), Some(1.44), GAP);
        assert_eq!((spot.covered_secs, spot.spot_secs, spot.on_demand_secs), (60, 60, 0));
        assert!((spot.earned_usd - 0.001).abs() < 1e-12);
        let od = credit(Some(t(0)), t(120), State::Rented(Kind::OnDemand), Some(8.64), GAP);
        assert_eq!((od.covered_secs, od.on_demand_secs), (120, 120));
        assert!((od.earned_usd - 0.012).abs() < 1e-12);
    }

    #[test]
    fn a_gap_is_vouched_for_up_to_its_cap_and_time_never_runs_back() {
        let c = credit(Some(t(0)), t(600), State::Rented(Kind::OnDemand), Some(86.4), GAP);
        assert_eq!((c.covered_secs, c.on_demand_secs), (180, 180));
        assert!((c.earned_usd - 0.18).abs() < 1e-12);
        assert_eq!(credit(Some(t(60)), t(0), State::Free, None, GAP), Credit::default());
    }

    #[test]
    fn rented_without_a_price_counts_the_time_and_earns_nothing() {
        let c = credit(Some(t(0)), t(60), State::Rented(Kind::OnDemand), None, GAP);
        assert_eq!((c.on_demand_secs, c.earned_usd, c.price_usd), (60, 0.0, None));
        let bad = credit(Some(t(0)), t(60), State::Rented(Kind::Spot), Some(f64::NAN), GAP);
        assert_eq!((bad.spot_secs, bad.earned_usd), (60, 0.0));
    }
}
