//! What only watches use: the price ceiling. The watch index keeps the market's servers
//! sorted by price, so a watch's ceiling picks a prefix of that list; these methods read
//! the ceiling, match a server from that prefix without checking it again, and set it.

use super::Query;
use super::eval::{Cond, is_price_upper_bound};
use super::lex::Op;
use super::parse::{Field, Value};
use crate::clore::Currency;
use crate::market::snapshot::ServerView;

impl Query {
    /// The tightest upper bound on the price per day, from `<x`, `<=x`, `max=x`, `price<x`, `price<=x`.
    pub fn max_price(&self) -> Option<f64> {
        let bounds = self.conds.iter().filter(|c| is_price_upper_bound(c));
        bounds
            .filter_map(|c| match c.values.first() {
                Some(Value::Num(n)) => Some(*n),
                _ => None,
            })
            .reduce(f64::min)
    }

    /// [`Query::matches_besides_model`] for a server already known to be under the price
    /// ceiling (the watch index's price-sorted prefix): the ceiling is not checked again.
    pub fn matches_under_ceiling(&self, s: &ServerView, default_currency: Currency) -> bool {
        if s.rented && !self.include_rented {
            return false;
        }
        let currency = self.currency.unwrap_or(default_currency);
        self.conds.iter().filter(|c| !is_price_upper_bound(c)).all(|c| c.passes(s, currency, self.spot))
    }

    /// True when every condition is a price upper bound: a server then passes exactly when
    /// its model matches, it is free (or `all`), and its price is under the bound — the
    /// watch index answers that from a price-sorted list without looking at the server.
    pub fn only_price_ceiling(&self) -> bool {
        self.conds.iter().all(is_price_upper_bound)
    }

    /// Whether the tightest price bound excludes the bound itself (`<0.5` rather than `max=0.5`).
    pub fn max_price_strict(&self) -> bool {
        let Some(max) = self.max_price() else { return false };
        self.conds.iter().any(|c| {
            c.field == Field::Price && c.op == Op::Lt && matches!(c.values.first(), Some(Value::Num(n)) if *n == max)
        })
    }

    /// Replaces every price upper bound with `price <= max`.
    pub fn set_max_price(&mut self, max: f64) {
        self.conds.retain(|c| !is_price_upper_bound(c));
        self.conds.push(Cond { field: Field::Price, op: Op::Le, values: vec![Value::Num(max)] });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::query::tests::q;

    #[test]
    fn set_max_price_replaces_upper_bounds_only() {
        let mut query = q("4090 <0.6 price<=0.7 >0.1");
        query.set_max_price(0.9);
        assert_eq!(query.max_price(), Some(0.9));
        assert_eq!(query.describe(), "4090 · >0.1/day · ≤0.9/day");
        let mut empty = Query::default();
        empty.set_max_price(0.4);
        empty.set_currency(Currency::Clore);
        assert_eq!(empty.max_price(), Some(0.4));
        assert_eq!(empty.currency(), Some(Currency::Clore));
        assert_eq!(empty.describe(), "≤0.4 CLORE/day");
    }
}
