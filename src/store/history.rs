//! `price_history`: per normalised GPU model and market poll, the cheapest and median price
//! and how many servers were free and listed — the data behind `/history` and trends.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::clore::Currency;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PricePoint {
    pub gpu_model: String,
    pub polled_at: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub currency: Currency,
    pub min_price: Option<f64>,
    pub median_price: Option<f64>,
    pub available: i32,
    pub total: i32,
}

/// Records one poll's points in one statement; a poll recorded twice is kept once.
pub async fn record(ex: impl PgExecutor<'_>, points: &[PricePoint]) -> sqlx::Result<u64> {
    if points.is_empty() {
        return Ok(0);
    }
    let models: Vec<&str> = points.iter().map(|p| p.gpu_model.as_str()).collect();
    let at: Vec<DateTime<Utc>> = points.iter().map(|p| p.polled_at).collect();
    let cur: Vec<&str> = points.iter().map(|p| p.currency.code()).collect();
    let min: Vec<Option<f64>> = points.iter().map(|p| p.min_price).collect();
    let med: Vec<Option<f64>> = points.iter().map(|p| p.median_price).collect();
    let avail: Vec<i32> = points.iter().map(|p| p.available).collect();
    let total: Vec<i32> = points.iter().map(|p| p.total).collect();
    let r = sqlx::query(
        "INSERT INTO price_history (gpu_model, polled_at, currency, min_price, median_price, available, total)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::float8[], $5::float8[], $6::int4[], $7::int4[])
         ON CONFLICT (gpu_model, currency, polled_at) DO NOTHING",
    )
    .bind(&models)
    .bind(&at)
    .bind(&cur)
    .bind(&min)
    .bind(&med)
    .bind(&avail)
    .bind(&total)
    .execute(ex)
    .await?;
    Ok(r.rows_affected())
}

/// A model's points since `since`, oldest first.
pub async fn series(
    ex: impl PgExecutor<'_>,
    gpu_model: &str,
    currency: Currency,
    since: DateTime<Utc>,
) -> sqlx::Result<Vec<PricePoint>> {
    sqlx::query_as(
        "SELECT gpu_model, polled_at, currency, min_price, median_price, available, total FROM price_history
         WHERE gpu_model = $1 AND currency = $2 AND polled_at >= $3 ORDER BY polled_at",
    )
    .bind(gpu_model)
    .bind(currency.code())
    .bind(since)
    .fetch_all(ex)
    .await
}

/// One bucket of [`buckets`]: the cheapest price seen, the median of the polls' medians, and
/// the free servers on average, across the models asked for.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Bucket {
    pub at: DateTime<Utc>,
    pub cheapest: Option<f64>,
    pub median: Option<f64>,
    pub free: f64,
}

/// `models`' history since `since` in buckets of `width`, oldest first. Each poll first sums
/// the models (cheapest of all, median of their medians, free servers added up).
pub async fn buckets(
    ex: impl PgExecutor<'_>,
    models: &[String],
    currency: Currency,
    since: DateTime<Utc>,
    width: std::time::Duration,
) -> sqlx::Result<Vec<Bucket>> {
    sqlx::query_as(
        "WITH polls AS (
             SELECT polled_at, min(min_price) AS cheapest,
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY median_price) AS median,
                    sum(available) AS free
             FROM price_history
             WHERE gpu_model = ANY($1) AND currency = $2 AND polled_at >= $3
             GROUP BY polled_at
         )
         SELECT date_bin(make_interval(secs => $4), polled_at, $3) AS at, min(cheapest) AS cheapest,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY median) AS median, avg(free)::float8 AS free
         FROM polls GROUP BY 1 ORDER BY 1",
    )
    .bind(models)
    .bind(currency.code())
    .bind(since)
    .bind(width.as_secs_f64())
    .fetch_all(ex)
    .await
}

/// The models with any history since `since`.
pub async fn models_since(ex: impl PgExecutor<'_>, since: DateTime<Utc>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT DISTINCT gpu_model FROM price_history WHERE polled_at >= $1 ORDER BY 1")
        .bind(since)
        .fetch_all(ex)
        .await
}

/// When recording began (the oldest point kept).
pub async fn first_recorded(ex: impl PgExecutor<'_>) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar("SELECT min(polled_at) FROM price_history").fetch_one(ex).await
}
