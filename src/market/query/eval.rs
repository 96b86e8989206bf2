//! A query against servers: each condition against a server's value, [`Query::matches`],
//! and [`Query::run`]'s filter, sort and limit.

use std::cmp::Ordering;

use super::Query;
use super::lex::Op;
use super::parse::{Field, Value};
use crate::clore::Currency;
use crate::market::snapshot::ServerView;

/// Relative tolerance for `=`, so `reliability=0.95` equals a server's 0.9500000001.
pub const EQ_TOLERANCE: f64 = 1e-9;

/// A server's value of a field, borrowed so that matching a snapshot allocates nothing.
#[derive(Clone, Copy)]
enum Have<'a> {
    Num(f64),
    Version(u32, u32),
    Text(&'a str),
}

impl Have<'_> {
    /// Order for sorting; values of one field are always of one kind.
    fn order(self, other: Have<'_>) -> Ordering {
        match (self, other) {
            (Have::Num(a), Have::Num(b)) => a.total_cmp(&b),
            (Have::Version(a, b), Have::Version(c, d)) => (a, b).cmp(&(c, d)),
            (Have::Text(a), Have::Text(b)) => a.cmp(b),
            _ => Ordering::Equal,
        }
    }

    fn compare(self, want: &Value) -> Option<Ordering> {
        match (self, want) {
            (Have::Num(a), Value::Num(b)) => {
                if (a - b).abs() <= EQ_TOLERANCE * a.abs().max(b.abs()).max(1.0) {
                    Some(Ordering::Equal)
                } else {
                    a.partial_cmp(b)
                }
            }
            (Have::Version(a, b), Value::Version(c, d)) => Some((a, b).cmp(&(*c, *d))),
            (Have::Text(a), Value::Text(b)) => {
                Some(a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase())))
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Cond {
    pub(super) field: Field,
    pub(super) op: Op,
    /// One value, or several for `in`.
    pub(super) values: Vec<Value>,
}

impl Cond {
    pub(super) fn passes(&self, s: &ServerView, currency: Currency, spot: bool) -> bool {
        let Some(have) = server_value(self.field, s, currency, spot) else {
            // A server that doesn't say can't be shown to meet a bound, but it surely isn't
            // the excluded value.
            return self.op == Op::Ne;
        };
        match self.op {
            Op::In => self.values.iter().any(|v| have.compare(v) == Some(Ordering::Equal)),
            op => self.values.first().and_then(|v| have.compare(v)).is_some_and(|o| op.holds(o)),
        }
    }
}

impl Op {
    fn holds(self, o: Ordering) -> bool {
        match self {
            Op::Eq | Op::In => o == Ordering::Equal,
            Op::Ne => o != Ordering::Equal,
            Op::Lt => o == Ordering::Less,
            Op::Le => o != Ordering::Greater,
            Op::Gt => o == Ordering::Greater,
            Op::Ge => o != Ordering::Less,
        }
    }
}

fn server_value(field: Field, s: &ServerView, currency: Currency, spot: bool) -> Option<Have<'_>> {
    let num = |v: Option<f64>| v.map(Have::Num);
    match field {
        Field::Gpus => Some(Have::Num(f64::from(s.gpu_count))),
        Field::Price => num(s.price(currency, spot)),
        Field::Ram => num(s.ram_gb),
        Field::Vram => num(s.vram_gb),
        Field::Cpus => num(s.cpu_threads.map(f64::from)),
        Field::Down => num(s.down_mbps),
        Field::Up => num(s.up_mbps),
        Field::Cc => s.cc.as_deref().map(Have::Text),
        Field::Reliability => num(s.reliability),
        Field::Rating => num(s.rating),
        Field::Mrl => num(s.mrl_hours.map(|h| h as f64)),
        Field::Cuda => s.cuda.map(|(a, b)| Have::Version(a, b)),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SortKey {
    /// `None` sorts by server id.
    pub(super) field: Option<Field>,
    pub(super) descending: bool,
}

impl SortKey {
    const BY_PRICE: SortKey = SortKey { field: Some(Field::Price), descending: false };
    const BY_ID: SortKey = SortKey { field: None, descending: false };

    /// Servers without the value go last whichever the direction: they are the least useful.
    fn compare(self, a: &ServerView, b: &ServerView, currency: Currency, spot: bool) -> Ordering {
        let o = match self.field {
            None => a.id.cmp(&b.id),
            Some(f) => match (server_value(f, a, currency, spot), server_value(f, b, currency, spot)) {
                (Some(x), Some(y)) => x.order(y),
                (Some(_), None) => return Ordering::Less,
                (None, Some(_)) => return Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        if self.descending { o.reverse() } else { o }
    }
}

impl Query {
    /// Does server `s` pass every filter? Prices compare in the query's currency or else
    /// `default_currency`; a server without a price in it fails any price filter. Rented
    /// servers fail unless `all` was given.
    pub fn matches(&self, s: &ServerView, default_currency: Currency) -> bool {
        self.models.matches(&s.model) && self.matches_besides_model(s, default_currency)
    }

    /// [`Query::matches`] for a server whose model is already known to match (the watch
    /// index checks models once per model, not once per server).
    pub fn matches_besides_model(&self, s: &ServerView, default_currency: Currency) -> bool {
        if s.rented && !self.include_rented {
            return false;
        }
        let currency = self.currency.unwrap_or(default_currency);
        self.conds.iter().all(|c| c.passes(s, currency, self.spot))
    }

    /// Filters, sorts (the `sort=` keys, then price ascending, then id; servers without the
    /// sorted value last), then applies the limit.
    pub fn run<'a>(&self, servers: &'a [ServerView], default_currency: Currency) -> Vec<&'a ServerView> {
        let currency = self.currency.unwrap_or(default_currency);
        let mut out: Vec<&ServerView> = servers.iter().filter(|s| self.matches(s, default_currency)).collect();
        let tie_breaks = [SortKey::BY_PRICE, SortKey::BY_ID];
        out.sort_by(|a, b| {
            self.sort
                .iter()
                .chain(&tie_breaks)
                .map(|k| k.compare(a, b, currency, self.spot))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        });
        if let Some(n) = self.limit {
            out.truncate(n);
        }
        out
    }
}

pub(super) fn is_price_upper_bound(c: &Cond) -> bool {
    c.field == Field::Price && matches!(c.op, Op::Lt | Op::Le)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::market::GpuModel;
    use crate::market::query::tests::q;

    /// A free German RTX 4090 box at 0.4 USD/day on demand, 0.3 spot, with every field set.
    fn server(id: u64) -> ServerView {
        ServerView {
            id: crate::clore::ServerId(id),
            gpu_count: 1,
            model: GpuModel::normalise("NVIDIA GeForce RTX 4090"),
            gpu_raw: "1x NVIDIA GeForce RTX 4090".to_owned(),
            on_demand: BTreeMap::from([(Currency::Usd, 0.4), (Currency::Clore, 20.0)]),
            spot: BTreeMap::from([(Currency::Usd, 0.3)]),
            accepts: vec![Currency::Usd, Currency::Clore],
            ram_gb: Some(64.0),
            vram_gb: Some(24.0),
            cpu: Some("AMD Ryzen 9 7950X".to_owned()),
            cpu_threads: Some(32),
            disk: Some("NVMe 1TB".to_owned()),
            down_mbps: Some(900.0),
            up_mbps: Some(300.0),
            cc: Some("DE".to_owned()),
            reliability: Some(0.98),
            rating: Some(4.5),
            rating_count: Some(12),
            mrl_hours: Some(240),
            cuda: Some((12, 4)),
            rented: false,
        }
    }

    fn bare(id: u64) -> ServerView {
        ServerView {
            on_demand: BTreeMap::new(),
            spot: BTreeMap::new(),
            ram_gb: None,
            vram_gb: None,
            cpu_threads: None,
            down_mbps: None,
            up_mbps: None,
            cc: None,
            reliability: None,
            rating: None,
            mrl_hours: None,
            cuda: None,
            ..server(id)
        }
    }

    #[test]
    fn matching_table() {
        let rented = ServerView { rented: true, ..server(1) };
        let ti = ServerView { model: GpuModel::normalise("NVIDIA GeForce RTX 3090 Ti"), ..server(1) };
        let quad = ServerView { gpu_count: 4, ..server(1) };
        let nl = ServerView { cc: Some("NL".to_owned()), ..server(1) };
        let cuda_12_10 = ServerView { cuda: Some((12, 10)), ..server(1) };
        let cases: &[(&str, &ServerView, bool)] = &[
            ("", &server(1), true),
            ("", &rented, false),
            ("all", &rented, true),
            ("4090", &server(1), true),
            ("rtx 4090", &server(1), true),
            ("3090", &server(1), false),
            ("3090", &ti, false),
            ("3090 ti", &ti, true),
            ("\"3090 ti\"", &ti, true),
            ("x2", &server(1), false),
            ("x2", &quad, true),
            ("gpus<=4", &quad, true),
            ("gpus in [2,4]", &quad, true),
            ("gpus=1", &quad, false),
            // Prices: on-demand 0.4 USD / 20 CLORE, spot 0.3 USD, no BTC.
            ("<0.5", &server(1), true),
            ("<0.4", &server(1), false),
            ("<=0.4", &server(1), true),
            ("max=0.35", &server(1), false),
            ("max=0.35 spot", &server(1), true),
            (">0.35 spot", &server(1), false),
            (">=0.4", &server(1), true),
            ("price=0.4", &server(1), true),
            ("price!=0.4", &server(1), false),
            ("price in [0.1,0.4]", &server(1), true),
            ("currency=clore <=20", &server(1), true),
            ("currency=clore <20", &server(1), false),
            ("currency=clore spot <100", &server(1), false),
            ("currency=btc <1000", &server(1), false),
            ("currency=btc price!=1", &server(1), true),
            ("ram>=64", &server(1), true),
            ("ram>64", &server(1), false),
            ("ram in [32,64]", &server(1), true),
            ("vram>=24", &server(1), true),
            ("cpus>=32", &server(1), true),
            ("cpus>32", &server(1), false),
            ("down>=900 up>=300", &server(1), true),
            ("up>300", &server(1), false),
            ("cc=de", &server(1), true),
            ("cc=DE", &nl, false),
            ("cc!=DE", &nl, true),
            ("cc in [DE, NL]", &nl, true),
            ("cc in [FR,US]", &nl, false),
            ("reliability>=0.98", &server(1), true),
            ("reliability>=98%", &server(1), true),
            ("reliability>98", &server(1), false),
            ("rating>=4.5", &server(1), true),
            ("rating>4.5", &server(1), false),
            ("mrl>=240", &server(1), true),
            ("mrl>240", &server(1), false),
            ("cuda>=12.4", &server(1), true),
            ("cuda>12.4", &server(1), false),
            ("cuda>11.8", &server(1), true),
            ("cuda=12.4", &server(1), true),
            ("cuda>12.8", &cuda_12_10, true),
            ("cuda<12.9", &cuda_12_10, false),
            ("cuda in [12.10, 13.0]", &cuda_12_10, true),
            // A server that doesn't say fails a filter on the value, except `!=`.
            ("ram>=0", &bare(1), false),
            ("ram!=64", &bare(1), true),
            ("cc=DE", &bare(1), false),
            ("cc!=DE", &bare(1), true),
            ("cc in [DE]", &bare(1), false),
            ("cuda>=1", &bare(1), false),
            ("reliability<=1", &bare(1), false),
            ("<100", &bare(1), false),
            ("4090 x1", &bare(1), true),
        ];
        for (text, s, want) in cases {
            assert_eq!(q(text).matches(s, Currency::Usd), *want, "{text:?} against {s:?}");
        }
    }

    #[test]
    fn default_currency_applies_unless_the_query_names_one() {
        assert!(q("<=20").matches(&server(1), Currency::Clore));
        assert!(!q("<=20").matches(&bare(1), Currency::Clore));
        assert!(!q("<=1").matches(&server(1), Currency::Clore));
        assert!(q("currency=usd <=1").matches(&server(1), Currency::Clore));
    }

    fn priced(id: u64, usd: Option<f64>, gpus: u32) -> ServerView {
        ServerView {
            on_demand: usd.map(|p| BTreeMap::from([(Currency::Usd, p)])).unwrap_or_default(),
            gpu_count: gpus,
            ..server(id)
        }
    }

    #[test]
    fn run_filters_sorts_and_limits() {
        let servers = vec![
            priced(5, Some(0.5), 1),
            priced(3, None, 8),
            priced(4, Some(0.2), 2),
            priced(2, Some(0.5), 4),
            ServerView { rented: true, ..priced(1, Some(0.1), 1) },
            ServerView { ram_gb: None, ..priced(6, Some(0.3), 2) },
            ServerView { model: GpuModel::normalise("A100 80GB PCIe"), ..priced(7, Some(0.9), 2) },
        ];
        let ids = |text: &str| q(text).run(&servers, Currency::Usd).iter().map(|s| s.id).collect::<Vec<_>>();
        // Price ascending, ties by id, no price last; rented left out.
        assert_eq!(ids(""), [4, 6, 2, 5, 7, 3]);
        assert_eq!(ids("all"), [1, 4, 6, 2, 5, 7, 3]);
        assert_eq!(ids("4090"), [4, 6, 2, 5, 3]);
        assert_eq!(ids("4090 limit=2"), [4, 6]);
        assert_eq!(ids("<=0.5"), [4, 6, 2, 5]);
        assert_eq!(ids("sort=-price"), [7, 2, 5, 6, 4, 3]);
        // Ties on the key fall back to price, then id.
        assert_eq!(ids("sort=-gpus"), [3, 2, 4, 6, 7, 5]);
        assert_eq!(ids("sort=gpus"), [5, 4, 6, 7, 2, 3]);
        assert_eq!(ids("sort=-gpus,-id"), [3, 2, 7, 6, 4, 5]);
        assert_eq!(ids("sort=-id"), [7, 6, 5, 4, 3, 2]);
        // A server without the sorted value goes last either way.
        assert_eq!(ids("sort=ram"), [4, 2, 5, 7, 3, 6]);
        assert_eq!(ids("sort=-ram"), [4, 2, 5, 7, 3, 6]);
        assert_eq!(ids("ram>=1 x2 sort=-gpus limit=1"), [3]);
        assert!(ids("3090").is_empty());
    }

    #[test]
    fn run_sorts_by_spot_price_in_the_query_currency() {
        let a = ServerView { spot: BTreeMap::from([(Currency::Usd, 0.35)]), ..priced(1, Some(0.2), 1) };
        let b = ServerView { spot: BTreeMap::from([(Currency::Usd, 0.25)]), ..priced(2, Some(0.3), 1) };
        let c = ServerView { spot: BTreeMap::new(), ..priced(3, Some(0.1), 1) };
        let servers = [a, b, c];
        let ids = |text: &str| q(text).run(&servers, Currency::Usd).iter().map(|s| s.id).collect::<Vec<_>>();
        assert_eq!(ids(""), [3, 1, 2]);
        assert_eq!(ids("spot"), [2, 1, 3]);
        assert_eq!(ids("spot <0.3"), [2]);
    }

    #[test]
    fn a_condition_without_values_fails_closed() {
        // The parser never makes one; were one made, it matches nothing rather than anything.
        let query = Query { conds: vec![Cond { field: Field::Ram, op: Op::Ge, values: vec![] }], ..Query::default() };
        assert!(!query.matches(&server(1), Currency::Usd));
    }
}
