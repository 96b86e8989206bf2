//! `/history <query> [24h|7d|30d]`: a chart of the cheapest and median free price of the
//! matching GPU model(s), the band most free prices lay in (10th to 90th percentile, where
//! recorded), with the number of free servers, from what every market poll records
//! (`price_history`), and two lines of text for those who cannot see images. And
//! `/spend [7d|30d]`: what the caller's orders cost per day.

use chrono::Utc;

use crate::charts::{self, DateAxis, PriceChart, PricePoint};
use crate::clore::Currency;
use crate::core::command::HistoryPeriod;
use crate::core::{Ctx, Failure, Outcome, Reply};
use crate::domain::format::{money, per_day_short};
use crate::i18n::{self, Lang};
use crate::market::{GpuModel, Query};
use crate::store::history;
use crate::store::orders::DaySpend;
use crate::t;

/// Points per chart: hourly over a day, every six hours over a week, daily over a month.
fn bucket(period: HistoryPeriod) -> (std::time::Duration, DateAxis) {
    match period {
        HistoryPeriod::Day => (std::time::Duration::from_secs(3600), DateAxis::TimeOfDay),
        HistoryPeriod::Week => (std::time::Duration::from_secs(6 * 3600), DateAxis::DayMonth),
        HistoryPeriod::Month => (std::time::Duration::from_secs(86_400), DateAxis::DayMonth),
    }
}

/// The period as the messages select on it (`{ $period -> [day] … [week] … *[month] … }`):
/// each language words "the last 7 days" its own way.
pub(super) fn period_key(period: HistoryPeriod) -> &'static str {
    match period {
        HistoryPeriod::Day => "day",
        HistoryPeriod::Week => "week",
        HistoryPeriod::Month => "month",
    }
}

/// A moment with its day and time, for "since …" and "low on …": `24 Nov 14:05`.
fn day_and_time(at: chrono::DateTime<Utc>) -> String {
    format!("{} {}", i18n::day_month(at), at.format("%H:%M"))
}

pub async fn history(cx: &Ctx<'_>, query: &Query, period: HistoryPeriod) -> Outcome {
    let pool = &cx.core.deps.pool;
    let since = cx.core.deps.clock.now() - period.length();
    let wanted = query.models();
    let models: Vec<String> =
        history::models(pool).await?.into_iter().filter(|m| wanted.matches(&GpuModel::normalise(m))).collect();
    let asked = wanted.phrases().join(", ");
    let latest = if models.is_empty() { None } else { history::latest(pool, &models, Currency::Usd, since).await? };
    let Some((latest_at, latest_cheapest, latest_free)) = latest else {
        return Err(Failure::user(match history::first_recorded(pool).await? {
            Some(t) => t!("history-none", asked = &asked, period = period_key(period), since = i18n::datetime(t)),
            None => t!("history-none-yet"),
        }));
    };
    // History is recorded in USD (the market's own unit); another display currency is shown
    // at today's rate, and the axis says so. Without a market to tell the rate: USD.
    let (currency, factor) = cx.core.deps.market.usd_in(cx.currency()).await;
    let (width, dates) = bucket(period);
    let rows = history::buckets(pool, &models, Currency::Usd, since, width).await?;
    let points: Vec<PricePoint> = rows
        .iter()
        .map(|b| PricePoint {
            at: b.at,
            cheapest: b.cheapest.map(|v| v * factor),
            median: b.median.map(|v| v * factor),
            free: b.free.round() as i32,
            band: b.p10.zip(b.p90).map(|(lo, hi)| (lo * factor, hi * factor)),
        })
        .collect();
    let unit = match currency {
        Currency::Usd => t!("history-unit-usd"),
        c => t!("history-unit-converted", currency = c.symbol()),
    };
    let shown = if models.len() <= 3 {
        models.join(", ")
    } else {
        t!("history-models-more", models = models[..2].join(", "), n = models.len() - 2)
    };
    let title = t!("history-title", models = shown, period = period_key(period));
    let labels = [t!("history-cheapest"), t!("history-median"), t!("history-free-servers")];
    let band_label = t!("history-band");
    let (title_, pts) = (title.clone(), points.clone());
    let png = drawn(move || {
        charts::price_chart(&PriceChart {
            title: &title_,
            unit: &unit,
            labels: [&labels[0], &labels[1], &labels[2]],
            band_label: &band_label,
            dates,
            points: &pts,
        })
    })
    .await?;
    let now = Latest { at: latest_at, cheapest: latest_cheapest.map(|v| v * factor), free: latest_free };
    Ok(vec![Reply::titled(title).with_text(summary(&points, &now, currency)).with_image(png)])
}

/// The newest poll, for "now".
struct Latest {
    at: chrono::DateTime<Utc>,
    cheapest: Option<f64>,
    free: i64,
}

/// Now (the newest poll) against the period's start and its low, in words.
fn summary(points: &[PricePoint], now: &Latest, c: Currency) -> String {
    let priced: Vec<(&PricePoint, f64)> = points.iter().filter_map(|p| p.cheapest.map(|v| (p, v))).collect();
    let Some((first, start)) = priced.first() else {
        return t!("history-no-free");
    };
    let (low_at, low) = priced.iter().fold((first, *start), |acc, (p, v)| if *v < acc.1 { (p, *v) } else { acc });
    let current = match now.cheapest {
        Some(v) => {
            let change = if *start > 0.0 { (v - start) / start * 100.0 } else { 0.0 };
            let (price, time, since) = (per_day_short(v, c), i18n::time(now.at), day_and_time(first.at));
            let change = i18n::number(&format!("{change:+.0}"));
            let start = money(*start, c);
            let free = now.free;
            t!("history-now", price = price, free = free, time = time, change = change, since = since, start = start)
        }
        None => t!("history-none-free-now", time = i18n::time(now.at)),
    };
    let when = format!("{} {}", i18n::day_month(low_at.at), i18n::time(low_at.at));
    let low = t!("history-low", price = per_day_short(low, c), when = when);
    // The newest band recorded (history from before bands has none: no line then).
    match points.iter().rev().find_map(|p| p.band) {
        Some((lo, hi)) => {
            let band = t!("history-band-now", low = money(lo, c), high = per_day_short(hi, c));
            format!("{current}\n{low}\n{band}")
        }
        None => format!("{current}\n{low}"),
    }
}

/// `/spend [7d|30d]`: the caller's tracked orders, cost per day, by order and in total; the
/// chart shows the currency they spent most in (each currency has its own line in the table).
pub async fn spend(cx: &Ctx<'_>, period: HistoryPeriod) -> Outcome {
    use std::collections::BTreeMap;
    let now = cx.core.deps.clock.now();
    let since = now - period.length();
    let rows = crate::store::orders::spend_by_day(&cx.core.deps.pool, cx.user.id, since, now).await?;
    if rows.is_empty() {
        return Ok(vec![Reply::text(t!("spend-none", period = period_key(period))).private()]);
    }
    let currency = |r: &DaySpend| r.currency.as_deref().and_then(Currency::parse).unwrap_or(Currency::Usd);
    let mut totals: BTreeMap<Currency, f64> = BTreeMap::new();
    let mut by_order: BTreeMap<(i64, i64, Currency), f64> = BTreeMap::new();
    for r in &rows {
        *totals.entry(currency(r)).or_default() += r.amount;
        *by_order.entry((r.order_id, r.server_id, currency(r))).or_default() += r.amount;
    }
    // The chart's currency: the caller's own if they spent in it, else the biggest spend in
    // USD terms (at today's rates), else any.
    let main = if totals.contains_key(&cx.currency()) {
        cx.currency()
    } else {
        let snap = cx.core.deps.market.get().await.ok();
        let in_usd = |c: &Currency, a: f64| snap.as_ref().and_then(|s| s.usd_rate(*c)).map_or(0.0, |r| a / r);
        totals
            .iter()
            .max_by(|a, b| in_usd(a.0, *a.1).total_cmp(&in_usd(b.0, *b.1)))
            .map(|(c, _)| *c)
            .unwrap_or(Currency::Usd)
    };
    let first = since.date_naive();
    let days: Vec<(chrono::NaiveDate, f64)> = first
        .iter_days()
        .take_while(|d| *d <= now.date_naive())
        .map(|d| (d, rows.iter().filter(|r| r.day == d && currency(r) == main).map(|r| r.amount).sum()))
        .collect();
    let title = t!("spend-title", period = period_key(period));
    let title_ = title.clone();
    let png =
        drawn(move || charts::spend_chart(&charts::SpendChart { title: &title_, unit: main.symbol(), days: &days }))
            .await?;
    let fields: Vec<(String, String)> = by_order
        .iter()
        .rev()
        .take(15)
        .map(|((order, server, c), amount)| {
            (t!("spend-order", order = order.to_string(), server = server.to_string()), money(*amount, *c))
        })
        .collect();
    let total = totals.iter().map(|(c, a)| money(*a, *c)).collect::<Vec<_>>().join(" + ");
    let mut r = Reply::titled(title).with_fields(fields);
    if by_order.len() > 15 {
        r = r.with_text(t!("spend-more", n = by_order.len() - 15));
    }
    Ok(vec![r.with_text(t!("spend-total", total = total)).with_image(png).private()])
}

/// Draws a chart off the async workers (tens of milliseconds of CPU each), in the caller's
/// language (the axes' dates and numbers).
pub(super) async fn drawn(draw: impl FnOnce() -> anyhow::Result<Vec<u8>> + Send + 'static) -> Result<Vec<u8>, Failure> {
    let lang = Lang::current();
    tokio::task::spawn_blocking(move || i18n::sync_scope(lang, draw))
        .await
        .map_err(|e| Failure::Internal(anyhow::anyhow!("drawing a chart failed: {e}")))?
        .map_err(Failure::Internal)
}
