//! `/history <query> [24h|7d|30d]`: a chart of the cheapest and median free price of the
//! matching GPU model(s), with the number of free servers, from what every market poll
//! records (`price_history`), and two lines of text for those who cannot see images. And
//! `/spend [7d|30d]`: what the caller's orders cost per day.

use chrono::Utc;

use crate::charts::{self, PriceChart, PricePoint};
use crate::clore::Currency;
use crate::core::command::HistoryPeriod;
use crate::core::format::money;
use crate::core::{Ctx, Failure, Outcome, Reply};
use crate::market::{GpuModel, Query};
use crate::store::history;
use crate::store::orders::DaySpend;

/// Points per chart: hourly over a day, every six hours over a week, daily over a month.
fn bucket(period: HistoryPeriod) -> (std::time::Duration, &'static str) {
    match period {
        HistoryPeriod::Day => (std::time::Duration::from_secs(3600), "%H:%M"),
        HistoryPeriod::Week => (std::time::Duration::from_secs(6 * 3600), "%d %b"),
        HistoryPeriod::Month => (std::time::Duration::from_secs(86_400), "%d %b"),
    }
}

pub async fn history(cx: &Ctx<'_>, query: &Query, period: HistoryPeriod) -> Outcome {
    let pool = &cx.core.pool;
    let since = Utc::now() - period.length();
    let wanted = query.models();
    let models: Vec<String> =
        history::models(pool).await?.into_iter().filter(|m| wanted.matches(&GpuModel::normalise(m))).collect();
    let asked = wanted.phrases().join(", ");
    let latest = if models.is_empty() { None } else { history::latest(pool, &models, Currency::Usd, since).await? };
    let Some((latest_at, latest_cheapest, latest_free)) = latest else {
        return Err(Failure::user(match history::first_recorded(pool).await? {
            Some(t) => format!(
                "No price history for {asked} in the last {}. I record the market every poll since {}; \
                 /gpus {asked} shows what is listed now.",
                period.label(),
                t.format("%Y-%m-%d %H:%M UTC")
            ),
            None => "No price history yet: I record it from the next market poll on (every 30 s).".to_owned(),
        }));
    };
    // History is recorded in USD (the market's own unit); another display currency is shown
    // at today's rate, and the axis says so. Without a market to tell the rate: USD.
    let wanted_currency = cx.currency();
    let rate = match wanted_currency {
        Currency::Usd => None,
        c => cx.core.market.get().await.ok().and_then(|s| s.usd_rate(c)).map(|r| (c, r)),
    };
    let (currency, factor) = rate.unwrap_or((Currency::Usd, 1.0));
    let (width, date_format) = bucket(period);
    let rows = history::buckets(pool, &models, Currency::Usd, since, width).await?;
    let points: Vec<PricePoint> = rows
        .iter()
        .map(|b| PricePoint {
            at: b.at,
            cheapest: b.cheapest.map(|v| v * factor),
            median: b.median.map(|v| v * factor),
            free: b.free.round() as i32,
        })
        .collect();
    let unit = match currency {
        Currency::Usd => "USD per day".to_owned(),
        c => format!("{} per day (at today's rate)", c.symbol()),
    };
    let shown = if models.len() <= 3 {
        models.join(", ")
    } else {
        format!("{} and {} more", models[..2].join(", "), models.len() - 2)
    };
    let title = format!("{shown} — last {}", period.label());
    let (t, pts) = (title.clone(), points.clone());
    let png = drawn(move || {
        charts::price_chart(&PriceChart {
            title: &t,
            unit: &unit,
            labels: ["cheapest free", "median free", "free servers"],
            date_format,
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
        return "No free server was listed in this period.".to_owned();
    };
    let (low_at, low) = priced.iter().fold((first, *start), |acc, (p, v)| if *v < acc.1 { (p, *v) } else { acc });
    let current = match now.cheapest {
        Some(v) => {
            let change = if *start > 0.0 { (v - start) / start * 100.0 } else { 0.0 };
            format!(
                "Cheapest free now {}/day ({} free, {}), {:+.0} % since {} ({}).",
                money(v, c),
                now.free,
                now.at.format("%H:%M UTC"),
                change,
                first.at.format("%d %b %H:%M"),
                money(*start, c)
            )
        }
        None => format!("No server free now ({}).", now.at.format("%H:%M UTC")),
    };
    format!("{current}\nLow {}/day on {}.", money(low, c), low_at.at.format("%d %b %H:%M UTC"))
}

/// `/spend [7d|30d]`: the caller's tracked orders, cost per day, by order and in total; the
/// chart shows the currency they spent most in (each currency has its own line in the table).
pub async fn spend(cx: &Ctx<'_>, period: HistoryPeriod) -> Outcome {
    use std::collections::BTreeMap;
    let now = Utc::now();
    let since = now - period.length();
    let rows = crate::store::orders::spend_by_day(&cx.core.pool, cx.user.id, since, now).await?;
    if rows.is_empty() {
        return Ok(vec![
            Reply::text(format!(
                "No orders in the last {}. /spend counts the orders I follow for you: rented here, or seen on \
                 your account once your key is set.",
                period.label()
            ))
            .private(),
        ]);
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
        let snap = cx.core.market.get().await.ok();
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
    let title = format!("Your spend — last {}", period.label());
    let t = title.clone();
    let png =
        drawn(move || charts::spend_chart(&charts::SpendChart { title: &t, unit: main.symbol(), days: &days })).await?;
    let fields: Vec<(String, String)> = by_order
        .iter()
        .rev()
        .take(15)
        .map(|((order, server, c), amount)| (format!("Order {order} on #{server}"), money(*amount, *c)))
        .collect();
    let total = totals.iter().map(|(c, a)| money(*a, *c)).collect::<Vec<_>>().join(" + ");
    let mut r = Reply::titled(title).with_fields(fields);
    if by_order.len() > 15 {
        r = r.with_text(format!("… and {} more orders.", by_order.len() - 15));
    }
    Ok(vec![r.with_text(format!("Total: {total} (time run plus creation fees).")).with_image(png).private()])
}

/// Draws a chart off the async workers (tens of milliseconds of CPU each).
async fn drawn(draw: impl FnOnce() -> anyhow::Result<Vec<u8>> + Send + 'static) -> Result<Vec<u8>, Failure> {
    tokio::task::spawn_blocking(draw)
        .await
        .map_err(|e| Failure::Internal(anyhow::anyhow!("drawing a chart failed: {e}")))?
        .map_err(Failure::Internal)
}
