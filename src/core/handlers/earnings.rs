//! `/earnings [7d|30d]`: what a host's servers earned over the period, estimated from what
//! the account poll saw of them (`host_earnings`: price × time rented; Clore reports no
//! earnings), as a bar a day and a table by server with the total, in the caller's currency,
//! with the share of the time the poll saw.

use chrono::{DateTime, Utc};

use super::history::{drawn, period_key};
use crate::charts;
use crate::core::command::HistoryPeriod;
use crate::core::{Ctx, Outcome, Reply};
use crate::domain::format::{money, percent};
use crate::store::host_earnings::{self, ServerSums};
use crate::t;

/// The share of the time `rows` vouch for, each server's window running from the later of
/// `since` and where its rows begin, to `now`; 1 at most, 0 for no time.
pub(crate) fn coverage(rows: &[ServerSums], since: DateTime<Utc>, now: DateTime<Utc>) -> f64 {
    let (covered, window) = rows.iter().fold((0i64, 0i64), |(c, w), r| {
        let window = (now - r.from.max(since)).num_seconds().max(0);
        (c + r.covered_secs.min(window), w + window)
    });
    if window == 0 { 0.0 } else { covered as f64 / window as f64 }
}

pub async fn earnings(cx: &Ctx<'_>, period: HistoryPeriod) -> Outcome {
    let now = cx.core.deps.clock.now();
    let since = now - period.length();
    let rows = host_earnings::by_server(&cx.core.deps.pool, cx.user.id, since, now).await?;
    if rows.is_empty() {
        return Ok(vec![Reply::text(t!("earnings-none", period = period_key(period))).private()]);
    }
    // Recorded in USD; shown in the caller's currency at today's rate, else in USD.
    let (c, rate) = cx.core.deps.market.usd_in(cx.currency()).await;
    let fields: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            let window = (now - r.from.max(since)).num_seconds().max(1) as f64;
            let rented = (r.on_demand_secs + r.spot_secs) as f64 / window;
            let value = t!(
                "earnings-server",
                earned = money(r.earned_usd * rate, c),
                rented = percent(rented.min(1.0)),
                on_demand = percent((r.on_demand_secs as f64 / window).min(1.0)),
                spot = percent((r.spot_secs as f64 / window).min(1.0))
            );
            (r.server_name.clone(), value)
        })
        .collect();
    let total: f64 = rows.iter().map(|r| r.earned_usd).sum();
    let title = t!("earnings-title", period = period_key(period));
    let earned = host_earnings::by_day(&cx.core.deps.pool, cx.user.id, since, now).await?;
    let days: Vec<(chrono::NaiveDate, f64)> = since
        .date_naive()
        .iter_days()
        .take_while(|d| *d <= now.date_naive())
        .map(|d| (d, earned.iter().filter(|e| e.0 == d).map(|e| e.1 * rate).sum()))
        .collect();
    let chart_title = title.clone();
    let png =
        drawn(move || charts::spend_chart(&charts::SpendChart { title: &chart_title, unit: c.symbol(), days: &days }))
            .await?;
    let reply = Reply::titled(title)
        .with_fields(fields)
        .with_text(t!("earnings-total", total = money(total * rate, c)))
        .with_text(t!("earnings-estimate", seen = percent(coverage(&rows, since, now))))
        .with_image(png);
    Ok(vec![reply.private()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn row(from: i64, covered: i64) -> ServerSums {
        ServerSums {
            server_name: "rig".into(),
            from: t(from),
            covered_secs: covered,
            on_demand_secs: 0,
            spot_secs: 0,
            earned_usd: 0.0,
        }
    }

    #[test]
    fn coverage_counts_each_server_from_where_its_rows_begin() {
        // One seen throughout the last 1000 s, one recorded for the last 500 s, half seen.
        let rows = [row(0, 1000), row(500, 250)];
        assert!((coverage(&rows, t(0), t(1000)) - 1250.0 / 1500.0).abs() < 1e-12);
        // Rows reaching before the window count from its start.
        assert_eq!(coverage(&[row(-100, 1100)], t(0), t(1000)), 1.0);
        assert_eq!(coverage(&[row(1000, 0)], t(0), t(1000)), 0.0);
    }
}
