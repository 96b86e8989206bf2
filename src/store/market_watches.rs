//! What market watches read and keep: whether each one's condition held at the last poll
//! (`market_watch_state`), and the price history they compare with (`price_history`, read
//! whole for the engine's memory, or only its start for saying when a watch means something).

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::clore::Currency;
use crate::domain::WatchId;

/// Of `watches`, those whose condition held at the last poll.
pub async fn held(ex: impl PgExecutor<'_>, watches: &[i64]) -> sqlx::Result<Vec<WatchId>> {
    let ids = sqlx::query_scalar!("SELECT watch_id FROM market_watch_state WHERE watch_id = ANY($1)", watches)
        .fetch_all(ex)
        .await?;
    Ok(ids.into_iter().map(WatchId).collect())
}

/// Records that a watch's condition holds (it fired, or held when it could not fire) or, with
/// `false`, that it stopped (the watch re-arms).
pub async fn set_held(ex: impl PgExecutor<'_>, watch: WatchId, held: bool) -> sqlx::Result<()> {
    if held {
        sqlx::query!("INSERT INTO market_watch_state (watch_id) VALUES ($1) ON CONFLICT DO NOTHING", watch.0)
            .execute(ex)
            .await?;
    } else {
        sqlx::query!("DELETE FROM market_watch_state WHERE watch_id = $1", watch.0).execute(ex).await?;
    }
    Ok(())
}

/// The oldest point recorded for any of `models`.
pub async fn first_recorded_of(
    ex: impl PgExecutor<'_>,
    models: &[String],
    currency: Currency,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        "SELECT min(polled_at) FROM price_history WHERE gpu_model = ANY($1) AND currency = $2",
        models,
        currency.code()
    )
    .fetch_one(ex)
    .await
}

/// One recorded poll of one model: when, its cheapest and median free price.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub gpu_model: String,
    pub at: DateTime<Utc>,
    pub cheapest: Option<f64>,
    pub median: Option<f64>,
}

/// Every model's points in `currency` from `since` to before `until`, by model and time:
/// what the engine holds in memory for market watches (loaded now and then, added to each
/// poll).
pub async fn points_between(
    ex: impl PgExecutor<'_>,
    currency: Currency,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> sqlx::Result<Vec<Point>> {
    sqlx::query_as!(
        Point,
        r#"SELECT gpu_model, polled_at AS at, min_price AS cheapest, median_price AS median FROM price_history
           WHERE currency = $1 AND polled_at >= $2 AND polled_at < $3 ORDER BY gpu_model, polled_at"#,
        currency.code(),
        since,
        until,
    )
    .fetch_all(ex)
    .await
}
