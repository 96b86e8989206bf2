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
    record_banded(ex, points, &[]).await
}

/// The spread of one poll's free prices: their 10th and 90th percentile (`/history`'s band).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub p10: f64,
    pub p90: f64,
}

/// [`record`] with each point's band: `bands[i]` is `points[i]`'s; a point without one (no
/// free server, or past the end of `bands`) is recorded without a band.
pub async fn record_banded(
    ex: impl PgExecutor<'_>,
    points: &[PricePoint],
    bands: &[Option<Band>],
) -> sqlx::Result<u64> {
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
    let band = |i: usize| bands.get(i).copied().flatten();
    let p10: Vec<Option<f64>> = (0..points.len()).map(|i| band(i).map(|b| b.p10)).collect();
    let p90: Vec<Option<f64>> = (0..points.len()).map(|i| band(i).map(|b| b.p90)).collect();
    let r = sqlx::query!(
        "INSERT INTO price_history (gpu_model, polled_at, currency, min_price, median_price, available, total, p10_price, p90_price)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::float8[], $5::float8[], $6::int4[], $7::int4[], $8::float8[], $9::float8[])
         ON CONFLICT (gpu_model, currency, polled_at) DO NOTHING",
        &models as &[&str],
        &at,
        &cur as &[&str],
        &min as &[Option<f64>],
        &med as &[Option<f64>],
        &avail,
        &total,
        &p10 as &[Option<f64>],
        &p90 as &[Option<f64>],
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
/// the polls' medians, and the free servers on average, across the models asked for; and the
/// band, the median of the polls' 10th and 90th percentiles (`None` where none was recorded).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Bucket {
    pub at: DateTime<Utc>,
    pub cheapest: Option<f64>,
    pub median: Option<f64>,
    pub free: f64,
    pub p10: Option<f64>,
    pub p90: Option<f64>,
}

/// `models`' history since `since` in buckets of `width`, oldest first. Each poll first sums
/// the models (cheapest of all, median of their medians and of their percentiles, free
/// servers added up).
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
                    sum(available) AS free,
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY p10_price) AS p10,
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY p90_price) AS p90
             FROM price_history
             WHERE gpu_model = ANY($1) AND currency = $2 AND polled_at >= $3
             GROUP BY polled_at
         )
         SELECT min(polled_at) AS "at!", min(cheapest) AS cheapest,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY median) AS median, avg(free)::float8 AS "free!",
                percentile_cont(0.5) WITHIN GROUP (ORDER BY p10) AS p10,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY p90) AS p90
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

/// What `/market` reads of a model's history: its cheapest free price a day ago and its
/// lowest over the week.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    pub gpu_model: String,
    /// The cheapest free price of the newest poll within the hour up to `day_ago` (none when
    /// nothing was recorded then, or nothing was free).
    pub day_ago: Option<f64>,
    /// The lowest cheapest free price since `week_ago`.
    pub week_low: Option<f64>,
}

/// Each of `models`' [`Trend`], in the order asked; two index lookups per model.
pub async fn trends(
    ex: impl PgExecutor<'_>,
    models: &[String],
    currency: Currency,
    day_ago: DateTime<Utc>,
    week_ago: DateTime<Utc>,
) -> sqlx::Result<Vec<Trend>> {
    // An hour before `day_ago` at most: older rows are hourly sums, and a gap (a restart) of
    // more than that means there is no reading of a day ago.
    let window = day_ago - chrono::Duration::hours(1);
    let rows = sqlx::query!(
        r#"SELECT m.model AS "gpu_model!",
                  (SELECT h.min_price FROM price_history h
                   WHERE h.gpu_model = m.model AND h.currency = $2 AND h.polled_at <= $3 AND h.polled_at > $4
                   ORDER BY h.polled_at DESC LIMIT 1) AS day_ago,
                  (SELECT min(h.min_price) FROM price_history h
                   WHERE h.gpu_model = m.model AND h.currency = $2 AND h.polled_at >= $5) AS week_low
           FROM unnest($1::text[]) WITH ORDINALITY AS m(model, n) ORDER BY m.n"#,
        models,
        currency.code(),
        day_ago,
        window,
        week_ago,
    )
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| Trend { gpu_model: r.gpu_model, day_ago: r.day_ago, week_low: r.week_low }).collect())
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
                    round(avg(available))::int AS available, round(avg(total))::int AS total,
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY p10_price) AS p10_price,
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY p90_price) AS p90_price
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
            "INSERT INTO price_history (gpu_model, polled_at, currency, min_price, median_price, available, total, span_secs,
                                        p10_price, p90_price)
             SELECT gpu_model, polled_at, currency, min_price, median_price, available, total, $1, p10_price, p90_price
             FROM history_sums",
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
