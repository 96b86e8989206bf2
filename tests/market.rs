//! `/market` end to end on the console (the real core against the simulator and a real
//! Postgres), in English, German and Russian, before and after price history is recorded; and
//! the band of free prices the market poll records and `/history` shades.

mod common;

use clorebot::clore::Currency;
use clorebot::domain::format::{amount, money, per_day_short};
use clorebot::i18n::{Lang, number, sync_scope};
use clorebot::market::{GpuModel, Snapshot};
use clorebot::sim::SimHandle;
use clorebot::store::history::{self, Band, PricePoint};
use common::*;

/// The free on-demand USD prices of `model` on the simulator's market, lowest first.
async fn free_prices(sim: &SimHandle, model: &str) -> Vec<f64> {
    let m = client(sim).marketplace(None).await.unwrap();
    let mut v: Vec<f64> = m
        .servers
        .iter()
        .filter(|s| !s.rented && s.accepts(Currency::Usd))
        .filter(|s| s.specs.as_ref().and_then(|x| x.gpu.as_ref()).is_some_and(|g| g.ends_with(model)))
        .filter_map(|s| s.on_demand(Currency::Usd))
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

/// How many GPU models the simulator's market lists.
async fn model_count(sim: &SimHandle) -> usize {
    let m = client(sim).marketplace(None).await.unwrap();
    let snap = Snapshot::from_market(&m.servers);
    let models: std::collections::BTreeSet<&GpuModel> =
        snap.servers.iter().map(|s| &s.model).filter(|m| !m.is_empty()).collect();
    models.len()
}

/// The `q` quantile of ascending `v`, between neighbours (as Postgres' `percentile_cont`).
fn quantile(v: &[f64], q: f64) -> f64 {
    let at = q * (v.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (at - lo as f64)
}

/// The table's lines, as the console prints them (indented, as code).
fn table(out: &str) -> Vec<&str> {
    out.lines().filter_map(|l| l.strip_prefix("    ")).collect()
}

/// The table's cells of `model`'s row (cells are two or more spaces apart).
fn row(out: &str, model: &str) -> Vec<String> {
    let line = table(out)
        .into_iter()
        .find(|l| l.strip_prefix(model).is_some_and(|rest| rest.starts_with("  ")))
        .unwrap_or_else(|| panic!("no row for {model}: {out}"));
    line.split("  ").map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

/// The chart the console saved (`📈 chart: <path>`, in any language): a PNG, removed after
/// the check.
fn chart_is_a_png(out: &str) {
    let path = out
        .lines()
        .find_map(|l| Some(l.strip_prefix("📈 ")?.split_once(": ")?.1))
        .unwrap_or_else(|| panic!("the chart's file is named: {out}"));
    let png = std::fs::read(path).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let info = png::Decoder::new(std::io::Cursor::new(&png)).read_info().unwrap().info().clone();
    assert_eq!((info.width, info.height), (800, 450));
    std::fs::remove_file(path).unwrap();
}

#[tokio::test]
async fn market_shows_models_by_free_servers_with_their_prices_in_three_languages() {
    let bot = test_app().await;
    let models = model_count(&bot.sim).await;
    assert!(models > 8, "two pages at least: {models}");
    let prices = free_prices(&bot.sim, "RTX 4090").await;
    let (cheapest, median) = (prices[0], quantile(&prices, 0.5));
    let mut s = bot.session("ann", None);

    // A fresh install: the market now, and no history — said, not made up.
    let out = s.line("/market").await;
    assert!(out.starts_with(&format!("Market — {models} GPU models, USD per day — page 1/2\n")), "{out}");
    assert_eq!(row(&out, "Model"), ["Model", "Free", "Cheapest", "Median", "24 h", "7 d low"]);
    let rows: Vec<Vec<String>> = table(&out)
        .into_iter()
        .skip(1)
        .map(|l| l.split("  ").map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 8, "a page of eight models: {out}");
    let free: Vec<usize> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    assert!(free.windows(2).all(|w| w[0] >= w[1]), "most free first: {free:?}");
    assert!(rows.iter().all(|r| r[4] == "—" && r[5] == "—"), "no history, no numbers: {rows:?}");
    assert!(out.contains("No price history yet, so no 24 h change or 7-day low"), "{out}");
    assert!(out.ends_with("[1] Next ▸"), "{out}");
    chart_is_a_png(&out);

    // The next page: the other models, a new message with its own chart.
    let next = s.line("/press 1").await;
    assert!(next.starts_with(&format!("Market — {models} GPU models, USD per day — page 2/2\n")), "{next}");
    let page_one: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let second: Vec<&str> = table(&next).into_iter().skip(1).collect();
    assert_eq!(second.len(), models - 8, "{next}");
    assert!(second.iter().all(|l| !page_one.iter().any(|m| l.starts_with(&format!("{m}  ")))), "{next}");
    assert!(next.ends_with("[1] ◂ Prev"), "{next}");
    chart_is_a_png(&next);

    // A query narrows it to the models named.
    let out = s.line("/market 4090").await;
    assert!(out.starts_with("Market: 4090 — 1 GPU model, USD per day\n"), "{out}");
    let usd = |v: f64| sync_scope(Lang::En, || amount(v, Currency::Usd));
    assert_eq!(row(&out, "RTX 4090"), ["RTX 4090", &prices.len().to_string(), &usd(cheapest), &usd(median), "—", "—"]);
    assert!(!out.contains("RTX 3090"), "{out}");
    chart_is_a_png(&out);
    assert!(s.line("/market 4090 cc=DE").await.contains("`cc=DE` is not a GPU model"));
    assert!(s.line("/market b200").await.contains("No GPU model on the market matches B200."));

    // History recorded: a week ago, a low three days ago, and a day ago 25 % dearer than now.
    let now = chrono::Utc::now();
    let (low, day_ago) = (cheapest * 0.8, cheapest * 1.25);
    let points: Vec<PricePoint> = [(192, cheapest * 2.0), (72, low), (24, day_ago)]
        .into_iter()
        .map(|(hours, min)| PricePoint {
            gpu_model: "RTX 4090".into(),
            polled_at: now - chrono::Duration::hours(hours) - chrono::Duration::minutes(10),
            currency: Currency::Usd,
            min_price: Some(min),
            median_price: Some(min * 1.3),
            available: 10,
            total: 30,
        })
        .collect();
    history::record(&bot.core.deps.pool, &points).await.unwrap();
    let change = (cheapest - day_ago) / day_ago * 100.0;
    let out = s.line("/market 4090").await;
    let pct = sync_scope(Lang::En, || number(&format!("{change:+.0}")));
    assert_eq!(pct, "-20");
    assert_eq!(
        row(&out, "RTX 4090"),
        ["RTX 4090", &prices.len().to_string(), &usd(cheapest), &usd(median), "-20%", &usd(low)]
    );
    assert!(out.contains("24 h: the cheapest now against a day ago."), "{out}");

    // German: the words, the decimal comma, the percent sign spaced.
    assert!(s.line("/settings locale=de").await.contains("Einstellungen gespeichert"));
    let eur = |v: f64| sync_scope(Lang::De, || amount(v, Currency::Usd));
    let out = s.line("/market 4090").await;
    assert!(out.starts_with("Markt: 4090 — 1 GPU-Modell, USD pro Tag\n"), "{out}");
    assert_eq!(row(&out, "Modell"), ["Modell", "Frei", "Günstigster", "Median", "24 h", "7-T-Tief"]);
    let cells = row(&out, "RTX 4090");
    assert_eq!(cells, ["RTX 4090", &prices.len().to_string(), &eur(cheapest), &eur(median), "-20 %", &eur(low)]);
    assert!(cells[2].contains(','), "a decimal comma: {cells:?}");
    chart_is_a_png(&out);
    let out = s.line("/market").await;
    assert!(out.starts_with(&format!("Markt — {models} GPU-Modelle, USD pro Tag — Seite 1/2\n")), "{out}");
    assert!(out.ends_with("[1] Weiter ▸"), "{out}");
    chart_is_a_png(&out);

    // Russian.
    assert!(s.line("/settings locale=ru").await.contains("Настройки сохранены"));
    let rub = |v: f64| sync_scope(Lang::Ru, || amount(v, Currency::Usd));
    let out = s.line("/market 4090").await;
    assert!(out.starts_with("Рынок: 4090 — 1 модель GPU, USD в сутки\n"), "{out}");
    assert_eq!(row(&out, "Модель"), ["Модель", "Своб.", "Мин.", "Медиана", "24 ч", "Мин. 7 д"]);
    assert_eq!(
        row(&out, "RTX 4090"),
        ["RTX 4090", &prices.len().to_string(), &rub(cheapest), &rub(median), "-20 %", &rub(low)]
    );
    assert!(out.contains("24 ч: самая низкая цена сейчас против суток назад."), "{out}");
    chart_is_a_png(&out);
}

#[tokio::test]
async fn the_market_poll_records_the_band_of_free_prices_and_history_shades_it() {
    let bot = test_app().await;
    let pool = &bot.core.deps.pool;
    let mut s = bot.session("ann", None);
    // History from before bands were recorded: a chart, and no band to speak of.
    record_4090_history(pool, 10, 6).await;
    let out = s.line("/history 4090").await;
    assert!(out.starts_with("RTX 4090 — last 7d"), "{out}");
    assert!(!out.contains("Most free servers lately"), "{out}");
    chart_is_a_png(&out);

    // A market poll records each model's free prices: cheapest, median, 10th and 90th
    // percentile, as the market lists them.
    bot.engine.poll_market().await.unwrap();
    let prices = free_prices(&bot.sim, "RTX 4090").await;
    assert!(prices.len() >= 3, "{prices:?}");
    let (min, median, p10, p90, free): (Option<f64>, Option<f64>, Option<f64>, Option<f64>, i32) = sqlx::query_as(
        "SELECT min_price, median_price, p10_price, p90_price, available FROM price_history
         WHERE gpu_model = 'RTX 4090' AND p10_price IS NOT NULL",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-9);
    assert_eq!(free as usize, prices.len());
    assert!(close(min, prices[0]) && close(median, quantile(&prices, 0.5)), "{min:?} {median:?} {prices:?}");
    let (want10, want90) = (quantile(&prices, 0.1), quantile(&prices, 0.9));
    assert!(close(p10, want10) && close(p90, want90), "{p10:?} {p90:?} {prices:?}");
    assert!(want10 < want90, "a band, not a line: {prices:?}");

    // /history shades it, and says where most free prices lie.
    let band = format!(
        "Most free servers lately: {} to {} (10–90 % of free prices).",
        money(want10, Currency::Usd),
        per_day_short(want90, Currency::Usd)
    );
    for period in ["24h", "7d"] {
        let out = s.line(&format!("/history 4090 {period}")).await;
        assert!(out.contains(&band), "{period}: {out}");
        chart_is_a_png(&out);
    }
}

#[tokio::test]
async fn compacted_history_keeps_the_median_band_of_its_polls() {
    let pool = db().await;
    let now = chrono::Utc::now();
    // Three polls two days ago in one 5-minute bucket, each with its band.
    let at = chrono::DateTime::from_timestamp(now.timestamp() / 300 * 300 - 2 * 86_400, 0).unwrap();
    let points: Vec<PricePoint> = (0..3)
        .map(|i| PricePoint {
            gpu_model: "RTX 4090".into(),
            polled_at: at + chrono::Duration::seconds(30 * i),
            currency: Currency::Usd,
            min_price: Some(1.0),
            median_price: Some(2.0),
            available: 5,
            total: 9,
        })
        .collect();
    let bands = [Some(Band { p10: 1.0, p90: 3.0 }), Some(Band { p10: 2.0, p90: 4.0 }), None];
    assert_eq!(history::record_banded(&pool, &points, &bands).await.unwrap(), 3);
    let done = history::compact(&pool, now, &history::RETENTION).await.unwrap();
    assert_eq!((done.summed, done.into), (3, 1));
    let (p10, p90): (Option<f64>, Option<f64>) =
        sqlx::query_as("SELECT p10_price, p90_price FROM price_history").fetch_one(&pool).await.unwrap();
    // The median of the bands recorded; the poll without one does not count.
    assert_eq!((p10, p90), (Some(1.5), Some(3.5)));
}
