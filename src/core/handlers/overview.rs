//! `/market [models]`: the market per GPU model on one screen — how many servers are free,
//! the cheapest and median free price now, the cheapest's change over 24 hours and its 7-day
//! low — as a table and a chart, the models with the most free servers first, a page at a
//! time. Now is the market snapshot; the past is what the market polls recorded
//! (`price_history`, in USD), both shown at today's rate in another currency, as `/history`
//! does. Where no history is recorded yet the reply says so, and its cells stay empty.

use chrono::Duration;

use super::history::drawn;
use super::market::add_stale_note;
use crate::charts::{self, MarketChart, MarketModel};
use crate::clore::Currency;
use crate::core::actions::Action;
use crate::core::{Button, ButtonStyle, Ctx, Failure, Outcome, Reply};
use crate::domain::format::amount;
use crate::i18n;
use crate::market::stats::{self, ModelStats};
use crate::market::{GpuModel, Query};
use crate::store::history::{self, Trend};
use crate::t;

/// Models per page: a table that fits a phone screen, and a chart whose names still read.
pub const MODELS_PER_PAGE: usize = 8;

/// One model's row: now from the snapshot, then from its history.
struct Row {
    now: ModelStats,
    trend: Option<Trend>,
}

impl Row {
    /// The cheapest now against a day ago, in percent.
    fn change(&self) -> Option<f64> {
        let (now, then) = (self.now.cheapest?, self.trend.as_ref()?.day_ago?);
        (then > 0.0).then(|| (now - then) / then * 100.0)
    }

    /// The lowest cheapest price of the week, now included (the newest poll may not be
    /// recorded yet); none without any history of the model.
    fn week_low(&self) -> Option<f64> {
        let low = self.trend.as_ref()?.week_low;
        match (low, self.now.cheapest) {
            (Some(l), Some(c)) => Some(l.min(c)),
            (l, _) => l,
        }
    }
}

pub async fn market(cx: &Ctx<'_>, query: &Query, text: String, page: usize) -> Outcome {
    let snap = cx.core.deps.market.get().await?;
    let wanted = query.models();
    let mut models: Vec<ModelStats> =
        stats::by_model(&snap.servers).into_iter().filter(|m| wanted.matches(&GpuModel::normalise(&m.model))).collect();
    if models.is_empty() {
        return Err(Failure::user(t!("market-none", query = wanted.phrases().join(", "))));
    }
    models.sort_by(|a, b| b.free.cmp(&a.free).then_with(|| a.model.cmp(&b.model)));
    let pages = models.len().div_ceil(MODELS_PER_PAGE);
    let page = page.min(pages - 1);
    let count = models.len();
    let shown: Vec<ModelStats> = models.into_iter().skip(page * MODELS_PER_PAGE).take(MODELS_PER_PAGE).collect();

    let pool = &cx.core.deps.pool;
    let now = cx.core.deps.clock.now();
    let names: Vec<String> = shown.iter().map(|m| m.model.clone()).collect();
    let mut trends = history::trends(pool, &names, Currency::Usd, now - Duration::hours(24), now - Duration::days(7))
        .await?
        .into_iter();
    let first_recorded = history::first_recorded(pool).await?;
    let rows: Vec<Row> = shown
        .into_iter()
        .map(|m| {
            // Trends come back in the order asked (a model never recorded: all empty).
            let trend = trends.next().filter(|t| t.gpu_model == m.model);
            Row { now: m, trend }
        })
        .collect();

    // History is in USD, so is the market's own price: another currency at today's rate.
    let (currency, factor) = snap.usd_in(cx.currency());
    let unit = match currency {
        Currency::Usd => t!("history-unit-usd"),
        c => t!("history-unit-converted", currency = c.symbol()),
    };
    let n = t!("market-models", n = count);
    let mut title = if wanted.is_empty() {
        t!("market-title", models = n, unit = &unit)
    } else {
        t!("market-title-query", query = wanted.phrases().join(", "), models = n, unit = &unit)
    };
    if pages > 1 {
        title = t!("gpus-title-paged", title = title, page = page + 1, pages = pages);
    }
    let mut r = Reply::titled(title.clone()).with_code(table(&rows, currency, factor));
    r = r.with_text(history_note(first_recorded, now));
    add_stale_note(&mut r, &snap);

    let chart_models: Vec<MarketModel> = rows
        .iter()
        .map(|row| MarketModel {
            name: row.now.model.clone(),
            free: t!("market-chart-free", n = row.now.free),
            cheapest: row.now.cheapest.map(|v| v * factor),
            median: row.now.median.map(|v| v * factor),
            band: row.now.p10.zip(row.now.p90).map(|(lo, hi)| (lo * factor, hi * factor)),
            week_low: row.week_low().map(|v| v * factor),
        })
        .collect();
    let labels = [t!("history-cheapest"), t!("history-median"), t!("history-band"), t!("market-week-low")];
    let png = drawn(move || {
        charts::market_chart(&MarketChart {
            title: &title,
            unit: &unit,
            labels: [&labels[0], &labels[1], &labels[2], &labels[3]],
            models: &chart_models,
        })
    })
    .await?;
    r = r.with_image(png);

    // The pages keep the models as typed, read back when pressed.
    let mut actions = Vec::new();
    if page > 0 {
        actions.push((t!("gpus-prev"), Action::MarketPage { query_text: text.clone(), page: page - 1 }));
    }
    if page + 1 < pages {
        actions.push((t!("gpus-next"), Action::MarketPage { query_text: text, page: page + 1 }));
    }
    if !actions.is_empty() {
        let tokens = cx.tokens(&actions.iter().map(|(_, a)| a.clone()).collect::<Vec<_>>()).await?;
        let nav = actions
            .into_iter()
            .zip(tokens)
            .map(|((label, _), token)| Button { label, style: ButtonStyle::Secondary, token, link: None })
            .collect();
        r = r.with_row(nav);
    }
    Ok(vec![r])
}

/// The table, in monospace: the model, then its numbers right-aligned under their headings.
fn table(rows: &[Row], c: Currency, factor: f64) -> String {
    let price = |v: Option<f64>| v.map(|v| amount(v * factor, c)).unwrap_or_else(|| t!("no-value"));
    let mut lines: Vec<[String; 6]> = vec![[
        t!("market-col-model"),
        t!("market-col-free"),
        t!("market-col-cheapest"),
        t!("market-col-median"),
        t!("market-col-change"),
        t!("market-col-low"),
    ]];
    for row in rows {
        let change = row
            .change()
            .map(|p| t!("market-change", change = i18n::number(&format!("{p:+.0}"))))
            .unwrap_or_else(|| t!("no-value"));
        lines.push([
            row.now.model.clone(),
            i18n::number(&row.now.free.to_string()),
            price(row.now.cheapest),
            price(row.now.median),
            change,
            price(row.week_low()),
        ]);
    }
    let mut widths = [0usize; 6];
    for l in &lines {
        for (w, cell) in widths.iter_mut().zip(l) {
            *w = (*w).max(cell.chars().count());
        }
    }
    lines
        .iter()
        .map(|l| {
            let cells: Vec<String> = l
                .iter()
                .zip(widths)
                .enumerate()
                .map(|(i, (cell, w))| {
                    let pad = " ".repeat(w - cell.chars().count());
                    if i == 0 { format!("{cell}{pad}") } else { format!("{pad}{cell}") }
                })
                .collect();
            cells.join("  ").trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the history columns rest on: nothing yet, less than a day or less than a week of
/// it (then which cells stay empty, and why), or a full week (then what the columns mean).
fn history_note(first: Option<chrono::DateTime<chrono::Utc>>, now: chrono::DateTime<chrono::Utc>) -> String {
    match first {
        None => t!("market-history-none"),
        Some(at) if now - at < Duration::hours(24) => t!("market-history-day", since = i18n::datetime(at)),
        Some(at) if now - at < Duration::days(7) => t!("market-history-week", since = i18n::datetime(at)),
        Some(_) => t!("market-history-full"),
    }
}
