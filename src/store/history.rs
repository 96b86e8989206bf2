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
    let r = sqlx::query!(
        "INSERT INTO price_history (gpu_model, polled_at, currency, min_price, median_price, available, total)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::float8[], $5::float8[], $6::int4[], $7::int4[])
         ON CONFLICT (gpu_model, currency, polled_at) DO NOTHING",
        &models as &[&str],
        &at,
        &cur as &[&str],
        &min as &[Option<f64>],
        &med as &[Option<f64>],
        &avail,
        &total,
    )
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
    sqlx::query_as!(
        PricePoint,
        r#"SELECT gpu_model, polled_at, currency AS "currency: Currency", min_price, median_price, available, total
           FROM price_history
           WHERE gpu_model = $1 AND currency = $2 AND polled_at >= $3 ORDER BY polled_at"#,
        gpu_model,
        currency.code(),
        since,
    )
    .fetch_all(ex)
    .await
}

/// One bucket of [`buckets`]: its first poll's time, the cheapest price seen, the median of
/// the polls' medians, and the free servers on average, across the models asked for.
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
    sqlx::query_as!(
        Bucket,
        r#"WITH polls AS (
             SELECT polled_at, min(min_price) AS cheapest,
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY median_price) AS median,
                    sum(available) AS free
             FROM price_history
             WHERE gpu_model = ANY($1) AND currency = $2 AND polled_at >= $3
             GROUP BY polled_at
         )
         SELECT min(polled_at) AS "at!", min(cheapest) AS cheapest,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY median) AS median, avg(free)::float8 AS "free!"
         FROM polls GROUP BY date_bin(make_interval(secs => $4), polled_at, $3) ORDER BY 1"#,
        models,
        currency.code(),
        since,
        width.as_secs_f64(),
    )
    .fetch_all(ex)
    .await
}

/// Every model with history kept, skipping through the unique index one model at a time
/// (a `DISTINCT` would read every row).
pub async fn models(ex: impl PgExecutor<'_>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"WITH RECURSIVE m AS (
             (SELECT gpu_model FROM price_history ORDER BY gpu_model LIMIT 1)
             UNION ALL
             SELECT (SELECT p.gpu_model FROM price_history p WHERE p.gpu_model > m.gpu_model ORDER BY p.gpu_model LIMIT 1)
             FROM m WHERE m.gpu_model IS NOT NULL
         )
         SELECT gpu_model AS "gpu_model!" FROM m WHERE gpu_model IS NOT NULL"#
    )
    .fetch_all(ex)
    .await
}

/// The newest poll of `models` since `since`: when, the cheapest free price of all, and the
/// free servers added up.
pub async fn latest(
    ex: impl PgExecutor<'_>,
    models: &[String],
    currency: Currency,
    since: DateTime<Utc>,
) -> sqlx::Result<Option<(DateTime<Utc>, Option<f64>, i64)>> {
    let row = sqlx::query!(
        r#"SELECT polled_at, min(min_price) AS cheapest, sum(available)::int8 AS "free!" FROM price_history
           WHERE gpu_model = ANY($1) AND currency = $2
             AND polled_at = (SELECT max(polled_at) FROM price_history
                              WHERE gpu_model = ANY($1) AND currency = $2 AND polled_at >= $3)
           GROUP BY polled_at"#,
        models,
        currency.code(),
        since,
    )
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|r| (r.polled_at, r.cheapest, r.free)))
}

/// When recording began (the oldest point kept).
pub async fn first_recorded(ex: impl PgExecutor<'_>) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!("SELECT min(polled_at) FROM price_history").fetch_one(ex).await
}

/// How price history thins out with age: rows older than `after` are summed into rows of
/// `span`; past the last stage's `until` they are gone.
pub struct Retention {
    pub stages: &'static [(std::time::Duration, std::time::Duration)],
    pub keep: std::time::Duration,
}

/// Full resolution for a day, 5-minute rows for a week, hourly rows for 90 days.
pub const RETENTION: Retention = Retention {
    stages: &[
        (std::time::Duration::from_secs(86_400), std::time::Duration::from_secs(300)),
        (std::time::Duration::from_secs(7 * 86_400), std::time::Duration::from_secs(3600)),
    ],
    keep: std::time::Duration::from_secs(90 * 86_400),
};

/// What [`compact`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Compacted {
    pub summed: u64,
    pub into: u64,
    pub dropped: u64,
}

/// Thins out history as [`RETENTION`] says, as of `now`: each stage in one transaction, on
/// whole buckets only (the cut-off is a bucket boundary), so a bucket is summed once.
pub async fn compact(pool: &sqlx::PgPool, now: DateTime<Utc>, r: &Retention) -> sqlx::Result<Compacted> {
    let mut done = Compacted::default();
    for (after, span) in r.stages {
        let mut tx = pool.begin().await?;
        let span_secs = span.as_secs() as i32;
        sqlx::query!(
            "CREATE TEMP TABLE history_sums ON COMMIT DROP AS
             SELECT gpu_model, date_bin(make_interval(secs => $2::int4), polled_at, TIMESTAMPTZ 'epoch') AS polled_at,
                    currency, min(min_price) AS min_price,
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY median_price) AS median_price,
                    round(avg(available))::int AS available, round(avg(total))::int AS total
             FROM price_history
             WHERE polled_at < date_bin(make_interval(secs => $2::int4), $1, TIMESTAMPTZ 'epoch') AND span_secs < $2::int4
             GROUP BY 1, 2, 3",
            now - chrono::Duration::from_std(*after).unwrap_or_default(),
            span_secs,
        )
        .execute(&mut *tx)
        .await?;
        let gone = sqlx::query!(
            "DELETE FROM price_history
             WHERE polled_at < date_bin(make_interval(secs => $2::int4), $1, TIMESTAMPTZ 'epoch') AND span_secs < $2::int4",
            now - chrono::Duration::from_std(*after).unwrap_or_default(),
            span_secs,
        )
        .execute(&mut *tx)
        .await?;
        // Unchecked: `history_sums` is the temporary table the statement above made in this
        // transaction, so there is no table to check this against when building.
        let made = sqlx::query(
            "INSERT INTO price_history (gpu_model, polled_at, currency, min_price, median_price, available, total, span_secs)
             SELECT gpu_model, polled_at, currency, min_price, median_price, available, total, $1 FROM history_sums",
        )
        .bind(span_secs)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        done.summed += gone.rows_affected();
        done.into += made.rows_affected();
    }
    let dropped = sqlx::query!(
        "DELETE FROM price_history WHERE polled_at < $1",
        now - chrono::Duration::from_std(r.keep).unwrap_or_default()
    )
    .execute(pool)
    .await?;
    done.dropped = dropped.rows_affected();
    Ok(done)
}
