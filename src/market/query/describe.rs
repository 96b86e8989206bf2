//! A query in words, for replies: [`Query::describe`]. Labels, units and numbers follow
//! the current language; sort keys are shown as typed (`by -gpus,price`).

use super::Query;
use super::eval::{Cond, SortKey};
use super::lex::Op;
use super::parse::{Field, Value};
use crate::clore::Currency;
use crate::i18n::number;
use crate::t;

impl Field {
    /// The field's label in [`Query::describe`], in the current language.
    fn label(self) -> String {
        match self {
            Field::Gpus => t!("query-field-gpus"),
            Field::Price => t!("query-field-price"),
            Field::Ram => t!("query-field-ram"),
            Field::Vram => t!("query-field-vram"),
            Field::Cpus => t!("query-field-cpus"),
            Field::Down => t!("query-field-down"),
            Field::Up => t!("query-field-up"),
            Field::Cc => t!("query-field-cc"),
            Field::Reliability => t!("query-field-reliability"),
            Field::Rating => t!("query-field-rating"),
            Field::Mrl => t!("query-field-mrl"),
            Field::Cuda => t!("query-field-cuda"),
        }
    }

    /// `value` (one value or a list) with the field's unit: `64 GB`, `[1, 2]/day`,
    /// `0.4 CLORE/day`.
    fn with_unit(self, value: String, currency: Option<Currency>) -> String {
        match (self, currency) {
            (Field::Price, Some(c)) => t!("per-day-short", day = format!("{value} {c}")),
            (Field::Price, None) => t!("per-day-short", day = value),
            (Field::Ram | Field::Vram, _) => t!("query-unit-gb", value = value),
            (Field::Down | Field::Up, _) => t!("query-unit-mbps", value = value),
            (Field::Mrl, _) => t!("query-unit-hours", value = value),
            _ => value,
        }
    }
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "≠",
            Op::Lt => "<",
            Op::Le => "≤",
            Op::Gt => ">",
            Op::Ge => "≥",
            Op::In => "in",
        }
    }
}

impl Cond {
    /// The condition in words, in the current language: `RAM ≥ 64 GB`, `≤0.5/day`.
    fn describe(&self, currency: Option<Currency>) -> String {
        let shown = |v: &Value| match (self.field, v) {
            (Field::Reliability, Value::Num(n)) => t!("percent", n = number(&fmt_num(n * 100.0))),
            (_, Value::Num(n)) => number(&fmt_num(*n)),
            (_, Value::Version(a, b)) => format!("{a}.{b}"),
            (_, Value::Text(t)) => t.clone(),
        };
        let list = || format!("[{}]", self.values.iter().map(shown).collect::<Vec<_>>().join(", "));
        let one = || self.values.first().map(shown).unwrap_or_default();
        // A count, for the language's plural rules ("1 GPU", "2 GPUs").
        let count = || match self.values.first() {
            Some(Value::Num(n)) => *n,
            _ => f64::NAN,
        };
        let field = self.field;
        match (field, self.op) {
            (_, Op::In) => t!("query-condition-in", field = field.label(), values = field.with_unit(list(), currency)),
            (Field::Gpus, Op::Eq) => t!("query-gpus-exactly", n = count()),
            (Field::Gpus, op) => t!("query-gpus-bound", op = op.symbol(), n = count()),
            (Field::Price, op) => format!("{}{}", op.symbol(), field.with_unit(one(), currency)),
            (_, op) => {
                t!("query-condition", field = field.label(), op = op.symbol(), value = field.with_unit(one(), currency))
            }
        }
    }
}

/// Up to six decimals, without trailing zeros: `0.5`, `64`, `95`.
fn fmt_num(n: f64) -> String {
    let r = (n * 1e6).round() / 1e6;
    if r.is_finite() { r.to_string() } else { n.to_string() }
}

impl SortKey {
    fn name(self) -> String {
        format!("{}{}", if self.descending { "-" } else { "" }, self.field.map_or("id", Field::name))
    }
}

impl Query {
    /// A short canonical description for replies, in the current language, e.g.
    /// `RTX 4090 · ≥2 GPUs · ≤0.5/day · cc in [DE, NL] · spot · incl. rented · by -gpus`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let unfiltered = self.models.is_empty() && self.conds.is_empty();
        if unfiltered {
            parts.push(if self.include_rented { t!("query-all-servers") } else { t!("query-all-free-servers") });
        } else if !self.models.is_empty() {
            parts.push(self.models.phrases().join(" "));
        }
        parts.extend(self.conds.iter().map(|c| c.describe(self.currency)));
        if let Some(c) = self.currency
            && !self.conds.iter().any(|c| c.field == Field::Price)
        {
            parts.push(t!("query-in-currency", currency = c.symbol()));
        }
        if self.spot {
            parts.push(t!("query-spot"));
        }
        if self.include_rented && !unfiltered {
            parts.push(t!("query-incl-rented"));
        }
        if !self.sort.is_empty() {
            let keys = self.sort.iter().map(|k| k.name()).collect::<Vec<_>>().join(",");
            parts.push(t!("query-sorted-by", keys = keys));
        }
        if let Some(n) = self.limit {
            parts.push(t!("query-first", n = n));
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::query::tests::q;

    #[test]
    fn parses_to_canonical_description() {
        let cases = [
            ("", "all free servers"),
            ("4090", "4090"),
            ("rtx 4090", "RTX 4090"),
            ("\"rtx 3090\" x2", "RTX 3090 · ≥2 GPUs"),
            ("2x a100", "A100 · ≥2 GPUs"),
            ("X4", "≥4 GPUs"),
            ("<0.5", "<0.5/day"),
            ("<=0.5", "≤0.5/day"),
            ("max=0.5", "≤0.5/day"),
            ("MAX=0.5", "≤0.5/day"),
            ("price<=0.5", "≤0.5/day"),
            ("price < $0.5", "<0.5/day"),
            (">0.2 <1", ">0.2/day · <1/day"),
            (">=0.2", "≥0.2/day"),
            ("< 0.5", "<0.5/day"),
            ("gpus=2", "2 GPUs"),
            ("gpus!=2", "≠2 GPUs"),
            ("gpus in [1,2]", "GPUs in [1, 2]"),
            ("ram>=64", "RAM ≥ 64 GB"),
            ("RAM>=64", "RAM ≥ 64 GB"),
            ("vram>20", "VRAM > 20 GB"),
            ("cpus>=16", "CPUs ≥ 16"),
            ("down>=500 up>100", "down ≥ 500 Mbps · up > 100 Mbps"),
            ("cc=de", "cc = DE"),
            ("cc!=DE", "cc ≠ DE"),
            ("cc in [DE,NL]", "cc in [DE, NL]"),
            ("reliability>=0.95", "reliability ≥ 95%"),
            ("reliability>=95", "reliability ≥ 95%"),
            ("reliability>=95%", "reliability ≥ 95%"),
            ("reliability>=1", "reliability ≥ 100%"),
            ("rating>=4.5", "rating ≥ 4.5"),
            ("mrl>=24", "mrl ≥ 24 h"),
            ("cuda>=12.4", "CUDA ≥ 12.4"),
            ("cuda>=12", "CUDA ≥ 12.0"),
            ("spot", "all free servers · spot"),
            ("spot ondemand", "all free servers"),
            ("all", "all servers"),
            ("4090 all", "4090 · incl. rented"),
            ("currency=clore", "all free servers · in CLORE"),
            ("currency=bitcoin <0.001", "<0.001 BTC/day"),
            ("sort=-gpus,price", "all free servers · by -gpus,price"),
            ("sort=-gpus, price", "all free servers · by -gpus,price"),
            ("sort=+ram sort=id", "all free servers · by ram,id"),
            ("limit=10", "all free servers · first 10"),
            ("limit = 1000", "all free servers · first 1000"),
            ("nvidia", "all free servers"),
            (
                "rtx 4090 x2 max=0.5 cc in [DE, NL] spot all sort=-gpus",
                "RTX 4090 · ≥2 GPUs · ≤0.5/day · cc in [DE, NL] · spot · incl. rented · by -gpus",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(q(text).describe(), want, "describe({text:?})");
        }
    }

    #[test]
    fn descriptions_and_problems_follow_the_language() {
        use crate::i18n::{Lang, sync_scope};
        let text = "rtx 4090 x2 max=0.5 ram>=64 reliability>=95 cc in [DE,NL] spot all limit=5";
        sync_scope(Lang::De, || {
            assert_eq!(
                q(text).describe(),
                "RTX 4090 · ≥2 GPUs · ≤0,5/Tag · RAM ≥ 64 GB · Zuverlässigkeit ≥ 95 % · Land in [DE, NL] · Spot · \
                 inkl. vermieteter · die ersten 5"
            );
            assert_eq!(q("").describe(), "alle freien Server");
            assert_eq!(Query::parse("ram>=lots").unwrap_err().problem, "`lots` ist keine Zahl");
        });
        sync_scope(Lang::Ru, || {
            assert_eq!(q("currency=clore <20 mrl>=24").describe(), "<20 CLORE/сутки · макс. срок аренды ≥ 24 ч");
            assert_eq!(q("all").describe(), "все серверы");
            assert!(Query::parse("frobnicate=1").unwrap_err().problem.starts_with("неизвестное поле `frobnicate`"));
        });
        // The words users type stay English whatever the language.
        assert_eq!(sync_scope(Lang::De, || q(text)), q(text));
    }
}
