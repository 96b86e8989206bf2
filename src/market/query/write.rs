//! A query written back in its own language: [`Query::terms`] and [`Query::text`]. What a
//! button stores (the `/gpus` Next and Prev pages) instead of the parsed form: the parsed
//! form changes shape whenever the parser is refactored, the language users type does not.
//!
//! One term per phrase, condition and setting, each complete on its own (`<=0.5`, `x2`,
//! `cc=[DE,NL]`, `sort=-gpus,id`), so no term reads differently for what follows it; numbers
//! in their shortest exact spelling. Reading the text back with
//! [`Query::from_joined`](Query::from_joined) gives this very query.
//!
//! The text is rarely longer than what was typed, and then by a character a term at most
//! (`rtx4090` is written `"RTX 4090"`, `.5` is `0.5`, `95%` is `0.95`): only a query typed
//! within a few characters of the parser's limit (300) could be written past it, and would
//! then not read back.

use super::Query;
use super::eval::{Cond, SortKey};
use super::lex::{Op, join_terms};
use super::parse::{Field, Value};
use crate::market::gpu::ModelFilter;

impl Query {
    /// The terms, as the command parser would have split them, that
    /// [`Query::from_terms`](Query::from_terms) reads as this query. (A model phrase holding
    /// a quote character, which no typed query has since quotes delimit phrases, would not
    /// read back.)
    pub fn terms(&self) -> Vec<String> {
        let mut out: Vec<String> = self.models.phrases().into_iter().map(phrase).collect();
        out.extend(self.conds.iter().map(condition));
        if self.spot {
            out.push("spot".to_owned());
        }
        if self.include_rented {
            out.push("all".to_owned());
        }
        if let Some(c) = self.currency {
            out.push(format!("currency={}", c.code()));
        }
        if !self.sort.is_empty() {
            out.push(format!("sort={}", self.sort.iter().map(|k| sort_key(*k)).collect::<Vec<_>>().join(",")));
        }
        if let Some(n) = self.limit {
            out.push(format!("limit={n}"));
        }
        out
    }

    /// [`Query::terms`] joined by [`join_terms`]: text [`Query::from_joined`](Query::from_joined)
    /// reads as this query (as a stored watch's text is read).
    pub fn text(&self) -> String {
        join_terms(&self.terms())
    }
}

/// A model phrase in its display spelling (`RTX 3090`): one with a space is taken whole as a
/// model (it can only have been quoted). A single word the parser would read as something
/// else (`spot`, `x2`, `ram`), which only a quoted phrase with a space around it makes, gets
/// that space back; normalising the model drops it again.
fn phrase(p: String) -> String {
    let alone = Query { models: ModelFilter::new(vec![p.clone()]), ..Query::default() };
    let reads_as_model = Query::from_terms(std::slice::from_ref(&p)).is_ok_and(|q| q == alone);
    if reads_as_model || p.contains(char::is_whitespace) { p } else { format!("{p} ") }
}

fn condition(c: &Cond) -> String {
    let name = c.field.name();
    match (c.field, c.op, c.values.as_slice()) {
        (Field::Gpus, Op::Ge, [Value::Num(n)]) if n.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(n) => {
            format!("x{n}")
        }
        (Field::Price, Op::Lt | Op::Le | Op::Gt | Op::Ge, [v]) => format!("{}{}", op(c.op), value(v)),
        (_, Op::In, values) => format!("{name}=[{}]", values.iter().map(value).collect::<Vec<_>>().join(",")),
        (_, o, values) => format!("{name}{}{}", op(o), values.first().map(value).unwrap_or_default()),
    }
}

fn op(o: Op) -> &'static str {
    match o {
        Op::Eq | Op::In => "=",
        Op::Ne => "!=",
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Gt => ">",
        Op::Ge => ">=",
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::Num(n) => number(*n),
        Value::Version(major, 0) => major.to_string(),
        Value::Version(major, minor) => format!("{major}.{minor}"),
        Value::Text(t) => t.clone(),
    }
}

/// The shorter of `0.000001` and `1e-6`: both are the shortest digits that read back as
/// exactly `n`.
fn number(n: f64) -> String {
    let (plain, exp) = (n.to_string(), format!("{n:e}"));
    if exp.len() < plain.len() { exp } else { plain }
}

fn sort_key(k: SortKey) -> String {
    let name = k.field.map_or("id", Field::name);
    if k.descending { format!("-{name}") } else { name.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clore::Currency;
    use crate::market::query::split_terms;
    use crate::market::query::tests::q;

    /// Every query here, read from its written text, is the query again.
    fn round_trips(query: &Query) {
        let text = query.text();
        assert_eq!(Query::from_joined(&text).as_ref(), Ok(query), "{text:?}");
    }

    #[test]
    fn the_written_text_is_short_and_reads_back() {
        let cases = [
            ("", ""),
            ("4090 max=0.5", "4090 <=0.5"),
            ("rtx4090 x2 gpus>=3 gpus>=2.5 gpus in [1, 2]", "\"RTX 4090\" x2 x3 gpus>=2.5 gpus=[1,2]"),
            ("price<0.6 >0.1 price in [0.1,0.2] price!=0.3 <$1", "<0.6 >0.1 price=[0.1,0.2] price!=0.3 <1"),
            ("cc in [de, NL] cc!=us cuda>=12 cuda<12.10", "cc=[DE,NL] cc!=US cuda>=12 cuda<12.10"),
            (
                "reliability>=95% reliability>90 reliability>=0.5 rating>4",
                "reliability>=0.95 reliability>0.9 reliability>=0.5 rating>4",
            ),
            (
                "ram>=64 vram=24 cpus>8 down>=1000000 up>=0.000001 mrl<=24",
                "ram>=64 vram=24 cpus>8 down>=1e6 up>=1e-6 mrl<=24",
            ),
            (
                "spot ondemand all currency=bitcoin sort=-gpus, price,id limit=7",
                "all currency=btc sort=-gpus,price,id limit=7",
            ),
            ("SPOT \"a100 80gb\" nvidia 3090ti", "\"A100 80GB\" \"3090 Ti\" spot"),
        ];
        for (typed, written) in cases {
            let query = q(typed);
            assert_eq!(query.text(), written, "{typed:?}");
            round_trips(&query);
        }
    }

    #[test]
    fn a_quoted_word_that_reads_as_a_keyword_stays_a_model() {
        for word in ["spot", "all", "ondemand", "x2", "2x", "ram", "max", "sort", "a=b", "in"] {
            let terms = vec![format!("{word} "), "4090".to_owned()];
            let query = Query::from_terms(&terms).unwrap();
            round_trips(&query);
        }
        assert_eq!(Query::from_terms(&["spot ".to_owned()]).unwrap().text(), "\"Spot \"");
        // `in` alone is a model already.
        assert_eq!(q("in").text(), "In");
    }

    #[test]
    fn settings_changed_after_parsing_are_written() {
        let mut query = q("4090 <0.7");
        query.set_currency(Currency::Clore);
        query.set_max_price(0.4);
        assert_eq!(query.text(), "4090 <=0.4 currency=clore");
        round_trips(&query);
        round_trips(&Query::default());
    }

    /// Everything the parser's own tests parse, and every short sequence of query syntax
    /// that parses, round-trips.
    #[test]
    fn whatever_parses_round_trips() {
        let typed = [
            "rtx 4090 x2 max=0.5 cc in [DE, NL] spot all sort=-gpus,id limit=20 currency=clore",
            "\"3090 ti\" cuda>=12.4 reliability>=95% rating>4 mrl>=24 down>=100 up>=10 cpus>=8 vram>=24 ram!=0",
            "“a100 80gb” ram >= 64 sort=-gpus, price limit=5 all",
            "\" 4090\" ondemand cuda>=12.4 reliability>=95%",
            "4090 currency=usd spot all limit=5 <0.6 max=0.5 price<0.7 >0.1",
            "A100-SXM4-40GB geforce-rtx-3090 \"rtx  3090\" RTX3060TI 7900xtx",
            "gpus==2 price=0 >=0 reliability=1 rating=0 sort=+price",
            "up>=1e300 down>=1e-300 ram>=123456789.125",
        ];
        for text in typed {
            round_trips(&q(text));
        }
        let pieces = [
            "ram", ">=", "64", "in", "[DE,", "NL]", "[", "]", "<", "=", "x2", "\"", "cc", "sort=", "-gpus,", "4090",
            "spot", "0.5",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for text in [format!("{a} {b} {c}"), format!("{a}{b}{c}")] {
                        if let Ok(query) = Query::parse(&text) {
                            round_trips(&query);
                        }
                        // As the command parser splits them: quotes delimit terms, so no
                        // model phrase holds one.
                        let Ok(terms) = split_terms(&text) else { continue };
                        let terms: Vec<String> = terms.into_iter().map(|t| t.text).collect();
                        if let Ok(query) = Query::from_terms(&terms) {
                            round_trips(&query);
                        }
                    }
                }
            }
        }
    }
}
