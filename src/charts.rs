//! PNG charts (plotters, drawn into memory and encoded with `png`): `/history`'s price chart
//! and `/spend`'s bars; `/market`'s in `charts/market.rs`.
//! Sized to read on a phone (800×450) in the one font we ship (DejaVu Sans, which covers
//! Latin and Cyrillic).
//! Callers give every word already in the reader's language; dates and numbers on the axes
//! follow the current language ([`crate::i18n`]), so drawing off the async workers must run
//! in the caller's language scope.

mod market;

use std::sync::Once;

use chrono::{DateTime, Utc};
use plotters::chart::MeshStyle;
use plotters::coord::types::{RangedCoordf64, RangedCoordi64};
use plotters::prelude::*;
use plotters::style::FontStyle;

pub use self::market::{MarketChart, MarketModel, market_chart};

pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 450;

const FONT: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

fn font() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES)
            .unwrap_or_else(|_| panic!("the bundled font is a valid TTF"));
    });
}

/// One point of a price chart: a period's cheapest and median free price, how many servers
/// were free (at its end), and the band most free prices lay in (10th to 90th percentile;
/// `None` where it was not recorded).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PricePoint {
    pub at: DateTime<Utc>,
    pub cheapest: Option<f64>,
    pub median: Option<f64>,
    pub free: i32,
    pub band: Option<(f64, f64)>,
}

/// What a price chart shows and says.
pub struct PriceChart<'a> {
    pub title: &'a str,
    /// The price axis' label, e.g. "USD per day".
    pub unit: &'a str,
    /// Labels for the cheapest and median series and the free-server count.
    pub labels: [&'a str; 3],
    /// The band's label, e.g. "10–90 % of free prices".
    pub band_label: &'a str,
    /// How the x axis writes its moments.
    pub dates: DateAxis,
    pub points: &'a [PricePoint],
}

/// What a time axis' labels say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateAxis {
    /// The time of day, `14:00` (a chart over a day).
    TimeOfDay,
    /// The day and month the language's way, `24 Nov`, `24. Nov`, `24 ноя` (a week or more).
    DayMonth,
}

impl DateAxis {
    fn label(self, at: DateTime<Utc>) -> String {
        match self {
            DateAxis::TimeOfDay => at.format("%H:%M").to_string(),
            DateAxis::DayMonth => crate::i18n::day_month(at),
        }
    }
}

/// An axis price with `decimals`, as the current language writes numbers.
fn axis_price(v: f64, decimals: usize) -> String {
    crate::i18n::number(&trim_price(v, decimals))
}

/// Renders `chart` as a PNG.
pub fn price_chart(chart: &PriceChart<'_>) -> anyhow::Result<Vec<u8>> {
    render(|rgb| draw(chart, rgb))
}

/// Draws into a white RGB buffer of [`WIDTH`]×[`HEIGHT`] with `draw` and encodes it as a PNG.
fn render(draw: impl FnOnce(&mut [u8]) -> DrawResult) -> anyhow::Result<Vec<u8>> {
    font();
    let mut rgb = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    draw(&mut rgb).map_err(|e| anyhow::anyhow!("the chart could not be drawn: {e}"))?;
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, WIDTH, HEIGHT);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.write_header()?.write_image_data(&rgb)?;
    }
    Ok(png)
}

/// The price axis both charts share: its unit, its labels, the fonts and the light grid.
fn price_axis<'a, 'b, X>(
    mesh: &mut MeshStyle<'a, 'b, X, RangedCoordf64, BitMapBackend<'_>>,
    unit: &str,
    label: &'b dyn Fn(&f64) -> String,
) -> DrawResult
where
    X: Ranged + plotters::coord::ranged1d::ValueFormatter<X::ValueType>,
{
    mesh.y_desc(unit)
        .y_label_formatter(label)
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    Ok(())
}

type DrawResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

fn draw(c: &PriceChart<'_>, rgb: &mut [u8]) -> DrawResult {
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let (first, last) = match (c.points.first(), c.points.last()) {
        (Some(f), Some(l)) => (f.at.timestamp(), l.at.timestamp().max(f.at.timestamp() + 1)),
        _ => return Err(anyhow::anyhow!("no points to draw").into()),
    };
    let prices = c
        .points
        .iter()
        .flat_map(|p| [p.cheapest, p.median, p.band.map(|b| b.0), p.band.map(|b| b.1)])
        .flatten()
        .filter(|v| v.is_finite());
    let (lo, hi) = prices.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.1).max(hi.abs() * 0.05).max(1e-6);
    let y = (lo - pad).max(0.0)..hi + pad;
    let places = decimals(y.end - y.start);
    let max_free = c.points.iter().map(|p| p.free).max().unwrap_or(0).max(1) as f64 * 1.15;
    let mut chart = ChartBuilder::on(&root)
        .caption(c.title, (FONT, 26))
        .margin(14)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .right_y_label_area_size(52)
        .build_cartesian_2d(first..last, y)?
        .set_secondary_coord(first..last, 0.0..max_free);
    let dates = c.dates;
    let date = |t: &i64| DateTime::<Utc>::from_timestamp(*t, 0).map(|d| dates.label(d)).unwrap_or_default();
    let price = |v: &f64| axis_price(*v, places);
    price_axis(chart.configure_mesh().x_labels(7).x_label_formatter(&date), c.unit, &price)?;
    chart
        .configure_secondary_axes()
        .y_desc(c.labels[2])
        .y_label_formatter(&|v| crate::i18n::number(&format!("{v:.0}")))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .draw()?;
    let free_color = RGBColor(150, 150, 150);
    chart
        .draw_secondary_series(AreaSeries::new(
            c.points.iter().map(|p| (p.at.timestamp(), f64::from(p.free))),
            0.0,
            free_color.mix(0.18),
        ))?
        .label(c.labels[2])
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], free_color.mix(0.4).filled()));
    draw_band(&mut chart, c)?;
    let series = [(c.labels[0], RGBColor(31, 119, 180), 0usize), (c.labels[1], RGBColor(255, 127, 14), 1)];
    for (label, color, which) in series {
        let pts: Vec<(i64, f64)> = c
            .points
            .iter()
            .filter_map(|p| [p.cheapest, p.median][which].filter(|v| v.is_finite()).map(|v| (p.at.timestamp(), v)))
            .collect();
        chart
            .draw_series(LineSeries::new(pts, color.stroke_width(3)))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font((FONT, 15))
        .draw()?;
    root.present()?;
    Ok(())
}

/// The band, shaded between its 10th and 90th percentile over each run of points that have
/// one (history recorded before bands has none: no shade there), with one legend entry.
fn draw_band(
    chart: &mut ChartContext<'_, BitMapBackend<'_>, Cartesian2d<RangedCoordi64, RangedCoordf64>>,
    c: &PriceChart<'_>,
) -> DrawResult {
    let color = RGBColor(31, 119, 180);
    let mut runs: Vec<Vec<(i64, (f64, f64))>> = Vec::new();
    let mut run = Vec::new();
    for p in c.points {
        match p.band.filter(|(lo, hi)| lo.is_finite() && hi.is_finite()) {
            Some(b) => run.push((p.at.timestamp(), b)),
            None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    for (i, run) in runs.iter().enumerate() {
        // A lone point is a short vertical bar; a run, the area between its two edges.
        let outline: Vec<(i64, f64)> = if run.len() == 1 {
            let (x, (lo, hi)) = run[0];
            vec![(x, lo), (x, hi)]
        } else {
            run.iter().map(|(x, (lo, _))| (*x, *lo)).chain(run.iter().rev().map(|(x, (_, hi))| (*x, *hi))).collect()
        };
        let drawn = if run.len() == 1 {
            chart.draw_series(std::iter::once(PathElement::new(outline, color.mix(0.25).stroke_width(6))))?
        } else {
            chart.draw_series(std::iter::once(Polygon::new(outline, color.mix(0.15).filled())))?
        };
        if i == 0 {
            drawn
                .label(c.band_label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], color.mix(0.15).filled()));
        }
    }
    Ok(())
}

/// Decimals that tell an axis' ticks apart over `range` (BTC prices are 1e-5 a day).
fn decimals(range: f64) -> usize {
    if !(range.is_finite() && range > 0.0) {
        return 2;
    }
    (2 - (range.log10().floor() as i64)).clamp(0, 10) as usize
}

/// An axis price with `decimals`, without trailing zeros (0.35, 1.2, 12, 0.000012).
fn trim_price(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s }
}

/// What a spend chart shows: an amount per day (`/spend`, and a host's `/earnings`).
pub struct SpendChart<'a> {
    pub title: &'a str,
    /// The amount axis' label, e.g. "USD".
    pub unit: &'a str,
    pub days: &'a [(chrono::NaiveDate, f64)],
}

/// Renders `chart` as a PNG: a bar per day.
pub fn spend_chart(chart: &SpendChart<'_>) -> anyhow::Result<Vec<u8>> {
    render(|rgb| draw_spend(chart, rgb))
}

fn draw_spend(c: &SpendChart<'_>, rgb: &mut [u8]) -> DrawResult {
    if c.days.is_empty() {
        return Err(anyhow::anyhow!("no days to draw").into());
    }
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let top = c.days.iter().map(|d| d.1).filter(|v| v.is_finite()).fold(0.0_f64, f64::max).max(1e-6) * 1.15;
    let n = c.days.len();
    let places = decimals(top);
    let mut chart = ChartBuilder::on(&root)
        .caption(c.title, (FONT, 26))
        .margin(14)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, 0.0..top)?;
    let days = c.days;
    let label = move |x: &f64| {
        let i = x.round();
        if (x - i).abs() > 0.01 || i < 0.0 || i as usize >= days.len() {
            return String::new();
        }
        DateAxis::DayMonth.label(days[i as usize].0.and_time(chrono::NaiveTime::MIN).and_utc())
    };
    let price = |v: &f64| axis_price(*v, places);
    price_axis(chart.configure_mesh().disable_x_mesh().x_labels(n.min(10)).x_label_formatter(&label), c.unit, &price)?;
    let bar = RGBColor(31, 119, 180);
    chart.draw_series(
        c.days
            .iter()
            .enumerate()
            .map(|(i, (_, v))| Rectangle::new([(i as f64 - 0.38, 0.0), (i as f64 + 0.38, *v)], bar.filled())),
    )?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(n: usize) -> Vec<PricePoint> {
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        (0..n)
            .map(|i| PricePoint {
                at: start + chrono::Duration::days(i as i64),
                cheapest: Some(3.0 + (i as f64 * 0.7).sin()),
                median: (i != 3).then_some(4.5 + (i as f64 * 0.4).cos()),
                free: 20 + i as i32,
                band: (i > 1).then_some((2.8, 5.0)),
            })
            .collect()
    }

    #[test]
    fn a_price_chart_is_an_800_by_450_png() {
        let pts = points(7);
        let png = price_chart(&PriceChart {
            title: "RTX 4090 — 7 days",
            unit: "USD per day",
            labels: ["cheapest", "median", "free servers"],
            band_label: "10–90 % of free prices",
            dates: DateAxis::DayMonth,
            points: &pts,
        })
        .unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
        assert!(png.len() > 10_000, "something was drawn: {} bytes", png.len());
    }

    #[test]
    fn one_point_or_none_is_handled() {
        let pts = points(1);
        let chart = PriceChart {
            title: "Только одна точка",
            unit: "USD",
            labels: ["a", "b", "c"],
            band_label: "d",
            dates: DateAxis::TimeOfDay,
            points: &pts,
        };
        assert!(price_chart(&chart).is_ok());
        assert!(price_chart(&PriceChart { points: &[], ..chart }).is_err());
    }

    #[test]
    fn axis_dates_and_prices_follow_the_language() {
        use crate::i18n::{Lang, sync_scope};
        let at = DateTime::from_timestamp(1_795_529_100, 0).unwrap(); // 2026-11-24 14:05 UTC
        assert_eq!((DateAxis::DayMonth.label(at), DateAxis::TimeOfDay.label(at)), ("24 Nov".into(), "14:05".into()));
        sync_scope(Lang::Ru, || {
            assert_eq!(DateAxis::DayMonth.label(at), "24 ноя");
            assert_eq!(axis_price(0.35, 2), "0,35");
        });
        sync_scope(Lang::De, || assert_eq!(DateAxis::DayMonth.label(at), "24. Nov"));
    }

    #[test]
    fn axis_prices_read_short_and_tell_btc_ticks_apart() {
        assert_eq!(trim_price(0.350, decimals(2.0)), "0.35");
        assert_eq!(trim_price(12.0, decimals(10.0)), "12");
        assert_eq!(trim_price(1234.4, decimals(500.0)), "1234");
        // A BTC axis from 0.000030 to 0.000045 a day.
        let d = decimals(0.000015);
        assert_eq!((trim_price(0.000031, d), trim_price(0.0000425, d)), ("0.000031".into(), "0.0000425".into()));
    }

    #[test]
    fn a_spend_chart_is_an_800_by_450_png() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 17).unwrap();
        let days: Vec<(chrono::NaiveDate, f64)> =
            (0..8).map(|i| (day + chrono::Duration::days(i), i as f64 * 0.4)).collect();
        let png = spend_chart(&SpendChart { title: "Your spend — last 7d", unit: "USD", days: &days }).unwrap();
        let info = png::Decoder::new(std::io::Cursor::new(&png)).read_info().unwrap().info().clone();
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
        assert!(spend_chart(&SpendChart { title: "x", unit: "USD", days: &[] }).is_err());
    }
}
