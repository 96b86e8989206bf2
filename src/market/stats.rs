//! The market per GPU model: how many servers are free of how many listed, and the cheapest,
//! median, 10th and 90th percentile on-demand USD price of the free ones. What every market
//! poll records as price history and what `/market` shows now, computed the one way.

use std::collections::BTreeMap;

use super::ServerView;
use crate::clore::Currency;

/// One model's free prices, per day in USD (the market's own unit: history is kept in it).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelStats {
    /// The normalised model (`RTX 4090`).
    pub model: String,
    /// Free servers with a USD price.
    pub free: usize,
    /// Servers listed, rented or not.
    pub total: usize,
    pub cheapest: Option<f64>,
    pub median: Option<f64>,
    pub p10: Option<f64>,
    pub p90: Option<f64>,
}

/// Every model listed in `servers` (servers without a GPU left out), by name.
pub fn by_model(servers: &[ServerView]) -> Vec<ModelStats> {
    let mut models: BTreeMap<&str, (Vec<f64>, usize)> = BTreeMap::new();
    for s in servers {
        if s.model.is_empty() {
            continue;
        }
        let entry = models.entry(s.model.as_str()).or_default();
        entry.1 += 1;
        if !s.rented
            && let Some(p) = s.on_demand.get(&Currency::Usd).filter(|p| p.is_finite())
        {
            entry.0.push(*p);
        }
    }
    models
        .into_iter()
        .map(|(model, (mut prices, total))| {
            prices.sort_by(f64::total_cmp);
            ModelStats {
                model: model.to_owned(),
                free: prices.len(),
                total,
                cheapest: prices.first().copied(),
                median: percentile(&prices, 0.5),
                p10: percentile(&prices, 0.1),
                p90: percentile(&prices, 0.9),
            }
        })
        .collect()
}

/// The `q` quantile of `sorted` (ascending), interpolated between neighbours as Postgres'
/// `percentile_cont` does (so a median of two is their mean); `None` for no values.
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let at = q.clamp(0.0, 1.0) * last as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_like_postgres() {
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[2.0], 0.1), Some(2.0));
        assert_eq!(percentile(&[1.0, 3.0], 0.5), Some(2.0));
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        // Postgres: percentile_cont(0.1) over 1..10 is 1.9, 0.9 is 9.1.
        assert!((percentile(&ten, 0.1).unwrap() - 1.9).abs() < 1e-9);
        assert!((percentile(&ten, 0.9).unwrap() - 9.1).abs() < 1e-9);
        assert_eq!(percentile(&ten, 0.5), Some(5.5));
    }
}
