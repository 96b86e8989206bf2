//! `/market`'s chart: the models of a page side by side, each with its free prices now — the
//! cheapest, the median and the band most lie in (10th to 90th percentile) — against its
//! 7-day low, and how many are free. The price axis is logarithmic: a GTX 1080 Ti and an H100
//! differ a hundredfold, and each model's spread should still read.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{DrawResult, FONT, HEIGHT, WIDTH, axis_price, decimals, render};

/// One model of the chart, its words already in the reader's language.
#[derive(Debug, Clone, PartialEq)]
pub struct MarketModel {
    pub name: String,
    /// Above the model: "12 free".
    pub free: String,
    pub cheapest: Option<f64>,
    pub median: Option<f64>,
    pub band: Option<(f64, f64)>,
    pub week_low: Option<f64>,
}

/// What a market chart shows and says.
#[derive(Clone, Copy)]
pub struct MarketChart<'a> {
    pub title: &'a str,
    /// The price axis' label, e.g. "USD per day".
    pub unit: &'a str,
    /// Labels for the cheapest, the median, the band and the 7-day low.
    pub labels: [&'a str; 4],
    pub models: &'a [MarketModel],
}

/// Renders `chart` as a PNG.
pub fn market_chart(chart: &MarketChart<'_>) -> anyhow::Result<Vec<u8>> {
    render(|rgb| draw(chart, rgb))
}

/// The longest model name under its place on the axis (a page has up to 8 side by side).
const NAME_CHARS: usize = 12;

fn draw(c: &MarketChart<'_>, rgb: &mut [u8]) -> DrawResult {
    if c.models.is_empty() {
        return Err(anyhow::anyhow!("no models to draw").into());
    }
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let prices = c
        .models
        .iter()
        .flat_map(|m| [m.cheapest, m.median, m.band.map(|b| b.0), m.band.map(|b| b.1), m.week_low])
        .flatten()
        .filter(|v| v.is_finite() && *v > 0.0);
    let (lo, hi) = prices.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.1, 1.0) };
    // Room above the highest price for its free count and for the legend: a third of the
    // height on the log scale.
    let (bottom, top) = (lo / 1.25, hi * (hi / lo).max(2.0).powf(0.5) * 1.25);
    let n = c.models.len();
    let mut chart = ChartBuilder::on(&root)
        .caption(c.title, (FONT, 26))
        .margin(14)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, (bottom..top).log_scale())?;
    let models = c.models;
    let name = move |x: &f64| {
        let i = x.round();
        if (x - i).abs() > 0.01 || i < 0.0 || i as usize >= models.len() {
            return String::new();
        }
        crate::text::bound(&models[i as usize].name, NAME_CHARS)
    };
    let price = |v: &f64| axis_price(*v, decimals(*v));
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&name)
        .y_desc(c.unit)
        .y_label_formatter(&price)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    let (blue, orange, green) = (RGBColor(31, 119, 180), RGBColor(255, 127, 14), RGBColor(44, 160, 44));
    let at = |i: usize| i as f64;
    let w = 0.28;
    let seen = |v: Option<f64>| v.filter(|v| v.is_finite() && *v > 0.0);
    chart
        .draw_series(c.models.iter().enumerate().filter_map(|(i, m)| {
            let (a, b) = m.band.filter(|(a, b)| seen(Some(*a)).is_some() && seen(Some(*b)).is_some())?;
            Some(Rectangle::new([(at(i) - w, a), (at(i) + w, b)], blue.mix(0.18).filled()))
        }))?
        .label(c.labels[2])
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], blue.mix(0.18).filled()));
    chart
        .draw_series(c.models.iter().enumerate().filter_map(|(i, m)| {
            let v = seen(m.median)?;
            Some(PathElement::new(vec![(at(i) - w, v), (at(i) + w, v)], orange.stroke_width(3)))
        }))?
        .label(c.labels[1])
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], orange.stroke_width(3)));
    chart
        .draw_series(c.models.iter().enumerate().filter_map(|(i, m)| {
            let v = seen(m.week_low)?;
            Some(TriangleMarker::new((at(i) + w + 0.06, v), 7, green.filled()))
        }))?
        .label(c.labels[3])
        .legend(move |(x, y)| TriangleMarker::new((x + 9, y), 7, green.filled()));
    chart
        .draw_series(
            c.models
                .iter()
                .enumerate()
                .filter_map(|(i, m)| Some(Circle::new((at(i), seen(m.cheapest)?), 6, blue.filled()))),
        )?
        .label(c.labels[0])
        .legend(move |(x, y)| Circle::new((x + 9, y), 6, blue.filled()));
    // Each model's free count just above its highest mark (or at the bottom when it has none).
    let above = TextStyle::from((FONT, 14)).pos(Pos::new(HPos::Center, VPos::Bottom));
    chart.draw_series(c.models.iter().enumerate().map(|(i, m)| {
        let highest = [m.cheapest, m.median, m.band.map(|b| b.1), m.week_low]
            .into_iter()
            .flatten()
            .filter(|v| v.is_finite() && *v > 0.0)
            .fold(bottom, f64::max);
        Text::new(m.free.clone(), (at(i), highest * 1.08), above.clone())
    }))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font((FONT, 14))
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(name: &str, cheapest: f64) -> MarketModel {
        MarketModel {
            name: name.into(),
            free: "12 free".into(),
            cheapest: Some(cheapest),
            median: Some(cheapest * 1.3),
            band: Some((cheapest * 1.05, cheapest * 1.8)),
            week_low: Some(cheapest * 0.9),
        }
    }

    #[test]
    fn a_market_chart_is_an_800_by_450_png_whatever_the_prices() {
        let models = vec![
            model("RTX 4090", 3.1),
            model("H100 80GB HBM3", 41.0),
            model("GTX 1080 Ti", 0.61),
            MarketModel { cheapest: None, median: None, band: None, week_low: None, ..model("RTX 3060", 1.0) },
        ];
        let chart = MarketChart {
            title: "Market — page 1/2",
            unit: "USD per day",
            labels: ["cheapest", "median", "10–90 %", "7-day low"],
            models: &models,
        };
        let png = market_chart(&chart).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let info = png::Decoder::new(std::io::Cursor::new(&png)).read_info().unwrap().info().clone();
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
        // A page with no price at all (everything rented) still draws; no models does not.
        let bare = [MarketModel { cheapest: None, median: None, band: None, week_low: None, ..model("A", 1.0) }];
        assert!(market_chart(&MarketChart { models: &bare, ..chart }).is_ok());
        assert!(market_chart(&MarketChart { models: &[], ..chart }).is_err());
    }
}
