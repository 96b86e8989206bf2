//! Terms into a [`Query`]: the parser, the field names and values users type, and the
//! [`QueryError`] naming the term not understood. Anything not understood is an error,
//! never silently ignored.

use super::Query;
use super::eval::{Cond, SortKey};
use super::lex::{Op, Term, is_op_char, split_op, split_op_text, split_terms};
use crate::clore::Currency;
use crate::market::gpu::ModelFilter;
use crate::market::snapshot::parse_version;
use crate::t;
use crate::text::{ECHO_MAX, clip};

/// Most results one query returns; more is never shown, and it bounds the work of sorting
/// for a watch.
pub const MAX_LIMIT: usize = 1000;

/// The problem is phrased to follow "I didn't understand `term`: …", in the language of the
/// command being parsed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{term}`: {problem}")]
pub struct QueryError {
    pub term: String,
    pub problem: String,
}

/// A problem may quote a value; it is bounded like any echo of input.
const PROBLEM_MAX: usize = 200;

impl QueryError {
    pub(super) fn new(term: impl Into<String>, problem: impl Into<String>) -> QueryError {
        QueryError { term: clip(&term.into(), ECHO_MAX), problem: crate::text::bound(&problem.into(), PROBLEM_MAX) }
    }
}

/// A query longer than this is refused: no real search needs more, and watches store and
/// repeat their query.
pub const MAX_TERMS: usize = 24;
pub const MAX_QUERY_CHARS: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Gpus,
    Price,
    Ram,
    Vram,
    Cpus,
    Down,
    Up,
    Cc,
    Reliability,
    Rating,
    Mrl,
    Cuda,
}

/// Each field's name in queries (the same in every language).
const FIELDS: [(Field, &str); 12] = [
    (Field::Gpus, "gpus"),
    (Field::Price, "price"),
    (Field::Ram, "ram"),
    (Field::Vram, "vram"),
    (Field::Cpus, "cpus"),
    (Field::Down, "down"),
    (Field::Up, "up"),
    (Field::Cc, "cc"),
    (Field::Reliability, "reliability"),
    (Field::Rating, "rating"),
    (Field::Mrl, "mrl"),
    (Field::Cuda, "cuda"),
];

impl Field {
    fn parse(lower: &str) -> Option<Field> {
        FIELDS.iter().find(|f| f.1 == lower).map(|f| f.0)
    }

    pub(super) fn name(self) -> &'static str {
        FIELDS.iter().find(|f| f.0 == self).map_or("", |f| f.1)
    }
}

/// Words that take `=` but are settings, not server fields.
const SETTINGS: [&str; 4] = ["max", "currency", "sort", "limit"];

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Num(f64),
    Version(u32, u32),
    Text(String),
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        Parser::new(split_terms(text)?).run()
    }

    /// Parses the words already split by the command parser (quoted phrases are single items,
    /// quotes removed). An item holding white space can only have been quoted, so it is a
    /// model phrase whatever it says.
    pub fn from_terms(terms: &[String]) -> Result<Query, QueryError> {
        let terms = terms.iter().map(|t| Term { text: t.clone(), quoted: t.contains(char::is_whitespace) }).collect();
        Parser::new(terms).run()
    }

    /// Parses text written by [`join_terms`](super::join_terms) (a stored watch's query)
    /// exactly as [`Query::from_terms`] parsed the terms it was joined from.
    pub fn from_joined(text: &str) -> Result<Query, QueryError> {
        let terms: Vec<String> = split_terms(text)?.into_iter().map(|t| t.text).collect();
        Query::from_terms(&terms)
    }

    /// A stored query (a watch, a watch waiting for its Confirm): its joined text read back
    /// with [`Query::from_joined`] and priced in the currency stored beside it.
    pub fn from_stored(text: &str, currency: Currency) -> Result<Query, QueryError> {
        let mut query = Query::from_joined(text)?;
        query.set_currency(currency);
        Ok(query)
    }
}

/// What one item of a query (a term, or the terms of one spaced expression) sets: what a
/// listing's menus replace (see `rewrite.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ItemKind {
    Sort,
    Country,
    Other,
}

/// The terms `start..end` of a query make one item of `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Item {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) kind: ItemKind,
}

struct Parser {
    terms: Vec<Term>,
    pos: usize,
    query: Query,
    phrases: Vec<String>,
    items: Vec<Item>,
    /// What the item being read sets.
    kind: ItemKind,
}

/// Parses `terms` and tells which terms make each item.
pub(super) fn parse_items(terms: Vec<Term>) -> Result<(Query, Vec<Item>), QueryError> {
    let mut p = Parser::new(terms);
    p.read()?;
    let items = std::mem::take(&mut p.items);
    Ok((p.finish(), items))
}

impl Parser {
    fn new(terms: Vec<Term>) -> Parser {
        Parser { terms, pos: 0, query: Query::default(), phrases: Vec::new(), items: Vec::new(), kind: ItemKind::Other }
    }

    fn run(mut self) -> Result<Query, QueryError> {
        self.read()?;
        Ok(self.finish())
    }

    fn finish(mut self) -> Query {
        self.query.models = ModelFilter::new(self.phrases);
        self.query
    }

    fn read(&mut self) -> Result<(), QueryError> {
        let chars: usize = self.terms.iter().map(|t| t.text.chars().count() + 1).sum();
        if self.terms.len() > MAX_TERMS || chars > MAX_QUERY_CHARS {
            let all: Vec<&str> = self.terms.iter().map(|t| t.text.as_str()).collect();
            let problem = t!("query-too-long", terms = MAX_TERMS, chars = MAX_QUERY_CHARS);
            return Err(QueryError::new(all.join(" "), problem));
        }
        while self.pos < self.terms.len() {
            let start = self.pos;
            self.kind = ItemKind::Other;
            self.term()?;
            self.items.push(Item { start, end: self.pos, kind: self.kind });
        }
        Ok(())
    }

    /// The terms from `start` to the current position, as written: what an error names.
    fn span(&self, start: usize) -> String {
        self.terms[start..self.pos.min(self.terms.len())].iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ")
    }

    fn next_text(&mut self) -> Option<String> {
        let t = self.terms.get(self.pos)?.text.clone();
        self.pos += 1;
        Some(t)
    }

    fn term(&mut self) -> Result<(), QueryError> {
        let start = self.pos;
        let Term { text, quoted } = &self.terms[start];
        let (text, quoted) = (text.clone(), *quoted);
        self.pos += 1;
        if text.trim().is_empty() {
            return Err(QueryError::new(format!("\"{text}\""), t!("query-empty-model")));
        }
        if quoted {
            self.phrases.push(text);
            return Ok(());
        }
        let lower = text.to_ascii_lowercase();
        match lower.as_str() {
            "spot" => self.query.spot = true,
            "ondemand" | "on-demand" => self.query.spot = false,
            "all" => self.query.include_rented = true,
            _ => {
                if let Some(digits) = gpu_shorthand(&lower) {
                    let n = digits.parse::<u32>().map_err(|_| QueryError::new(&text, t!("query-too-many-gpus")))?;
                    if n == 0 {
                        return Err(QueryError::new(&text, t!("query-zero-gpus")));
                    }
                    self.push(Field::Gpus, Op::Ge, Value::Num(f64::from(n)));
                } else if let Some(at) = lower.find(is_op_char) {
                    // Byte positions agree: ASCII lower-casing keeps lengths.
                    let (op, rest) =
                        split_op(&text[at..]).ok_or_else(|| QueryError::new(&text, t!("query-unknown-operator")))?;
                    self.expression(start, &lower[..at], op, rest.to_owned())?;
                } else if Field::parse(&lower).is_some() || SETTINGS.contains(&lower.as_str()) {
                    self.spaced_expression(start, &lower)?;
                } else {
                    self.phrases.push(text);
                }
            }
        }
        Ok(())
    }

    /// `ram >= 64`, `ram >=64`, `cc in [DE, NL]`: the operator in the next term.
    fn spaced_expression(&mut self, start: usize, name: &str) -> Result<(), QueryError> {
        let Some(next) = self.next_text() else {
            return Err(QueryError::new(self.span(start), t!("query-expected-operator-value", name = name)));
        };
        let next_lower = next.to_ascii_lowercase();
        if next_lower == "in" || next_lower.starts_with("in[") {
            return self.expression(start, name, Op::In, next[2..].to_owned());
        }
        match split_op(&next) {
            Some((op, rest)) => self.expression(start, name, op, rest.to_owned()),
            None => Err(QueryError::new(self.span(start), t!("query-expected-operator"))),
        }
    }

    /// `name op value`, the value maybe still in the following terms.
    fn expression(&mut self, start: usize, name: &str, op: Op, value: String) -> Result<(), QueryError> {
        let mut value = value.trim().to_owned();
        if value.is_empty() {
            match self.next_text() {
                Some(v) => value = v,
                None => {
                    let span = self.span(start);
                    let op = if op == Op::In { "in" } else { split_op_text(&span) };
                    return Err(QueryError::new(&span, t!("query-missing-value", op = op)));
                }
            }
        }
        // `[DE, NL]` and `sort=-gpus, price` arrive split at the spaces.
        if value.starts_with('[') {
            while !value.contains(']') {
                let Some(more) = self.next_text() else {
                    return Err(QueryError::new(self.span(start), t!("query-unclosed-bracket")));
                };
                value.push(' ');
                value.push_str(&more);
            }
        }
        while name == "sort" && value.ends_with(',') {
            let Some(more) = self.next_text() else { break };
            value.push_str(&more);
        }
        self.kind = match name {
            "sort" => ItemKind::Sort,
            "cc" => ItemKind::Country,
            _ => ItemKind::Other,
        };
        let problem = match name {
            "" => self.price_bound(op, &value),
            "max" => setting(op, "max=0.5").and_then(|()| self.price_bound(Op::Le, &value)),
            "currency" => setting(op, "currency=usd").and_then(|()| self.set_currency(&value)),
            "sort" => setting(op, "sort=-gpus,price").and_then(|()| self.set_sort(&value)),
            "limit" => setting(op, "limit=10").and_then(|()| self.set_limit(&value)),
            _ => match Field::parse(name) {
                Some(field) => self.condition(field, op, &value),
                None => Err(unknown_field(name)),
            },
        };
        problem.map_err(|p| QueryError::new(self.span(start), p))
    }

    fn push(&mut self, field: Field, op: Op, value: Value) {
        self.query.conds.push(Cond { field, op, values: vec![value] });
    }

    fn price_bound(&mut self, op: Op, value: &str) -> Result<(), String> {
        if !matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge) {
            return Err(t!("query-price-bound"));
        }
        let v = parse_value(Field::Price, value)?;
        no_empty_ceiling(op, &v)?;
        self.push(Field::Price, op, v);
        Ok(())
    }

    fn set_currency(&mut self, value: &str) -> Result<(), String> {
        let c =
            Currency::parse(value).ok_or_else(|| t!("query-unknown-currency", currency = clip(value.trim(), 20)))?;
        self.query.currency = Some(c);
        Ok(())
    }

    fn set_sort(&mut self, value: &str) -> Result<(), String> {
        for key in value.split(',').map(str::trim).filter(|k| !k.is_empty()) {
            let k = SortKey::parse(&key.to_ascii_lowercase())
                .ok_or_else(|| t!("query-unknown-sort-key", key = key, fields = field_names()))?;
            self.query.sort.push(k);
        }
        Ok(())
    }

    fn set_limit(&mut self, value: &str) -> Result<(), String> {
        match value.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => {
                self.query.limit = Some(n);
                Ok(())
            }
            _ => Err(t!("query-limit-range", max = MAX_LIMIT)),
        }
    }

    fn condition(&mut self, field: Field, op: Op, value: &str) -> Result<(), String> {
        let is_list = value.starts_with('[');
        let op = match op {
            Op::Eq if is_list => Op::In,
            Op::In if !is_list => return Err(t!("query-in-takes-list")),
            _ if is_list && op != Op::In => return Err(t!("query-list-needs-in")),
            op => op,
        };
        if field == Field::Cc && !matches!(op, Op::Eq | Op::Ne | Op::In) {
            return Err(t!("query-cc-operators"));
        }
        let values = if op == Op::In {
            let inner =
                value.strip_prefix('[').and_then(|v| v.strip_suffix(']')).ok_or_else(|| t!("query-text-after-list"))?;
            let items = inner.split([',', ' ']).map(str::trim).filter(|i| !i.is_empty());
            let values = items.map(|i| parse_value(field, i)).collect::<Result<Vec<_>, _>>()?;
            if values.is_empty() {
                return Err(t!("query-empty-list"));
            }
            values
        } else {
            vec![parse_value(field, value)?]
        };
        if field == Field::Price {
            values.iter().try_for_each(|v| no_empty_ceiling(op, v))?;
        }
        self.query.conds.push(Cond { field, op, values });
        Ok(())
    }
}

/// `<0`, `<=0`, `max=0`: a ceiling no price is under matches nothing, ever.
fn no_empty_ceiling(op: Op, v: &Value) -> Result<(), String> {
    match (op, v) {
        (Op::Lt | Op::Le, Value::Num(n)) if *n <= 0.0 => Err(t!("query-zero-ceiling")),
        _ => Ok(()),
    }
}

fn setting(op: Op, example: &str) -> Result<(), String> {
    if op == Op::Eq { Ok(()) } else { Err(t!("query-setting-equals", example = example)) }
}

/// `x2` or `2x` → `2`.
fn gpu_shorthand(lower: &str) -> Option<&str> {
    let digits = lower.strip_prefix('x').or_else(|| lower.strip_suffix('x'))?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

fn field_names() -> String {
    FIELDS.map(|f| f.1).join(", ")
}

fn unknown_field(name: &str) -> String {
    t!("query-unknown-field", name = name, fields = field_names())
}

fn parse_value(field: Field, raw: &str) -> Result<Value, String> {
    match field {
        Field::Cc => {
            if raw.len() == 2 && raw.bytes().all(|b| b.is_ascii_alphabetic()) {
                Ok(Value::Text(raw.to_ascii_uppercase()))
            } else {
                Err(t!("query-not-country", value = raw))
            }
        }
        Field::Cuda => match parse_version(raw) {
            Some((a, b)) => Ok(Value::Version(a, b)),
            None => Err(t!("query-not-cuda", value = raw)),
        },
        Field::Reliability => {
            let (digits, percent) = match raw.strip_suffix('%') {
                Some(d) => (d, true),
                None => (raw, false),
            };
            let n = parse_number(digits)?;
            if n > 100.0 {
                return Err(t!("query-reliability-range"));
            }
            Ok(Value::Num(if percent || n > 1.0 { n / 100.0 } else { n }))
        }
        Field::Rating => match parse_number(raw)? {
            n if n <= 5.0 => Ok(Value::Num(n)),
            _ => Err(t!("query-rating-range")),
        },
        Field::Price => match raw.trim_start_matches('$').parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => Ok(Value::Num(n)),
            Ok(_) => Err(t!("query-not-price", value = raw)),
            Err(_) => Err(t!("query-not-number", value = raw)),
        },
        _ => parse_number(raw).map(Value::Num),
    }
}

/// Every field is a size, count or share: finite and not negative.
fn parse_number(raw: &str) -> Result<f64, String> {
    match raw.parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(n),
        Ok(_) => Err(t!("query-negative", value = raw)),
        Err(_) => Err(t!("query-not-number", value = raw)),
    }
}

impl SortKey {
    fn parse(lower: &str) -> Option<SortKey> {
        let (descending, name) = match lower.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, lower.strip_prefix('+').unwrap_or(lower)),
        };
        let field = if name == "id" { None } else { Some(Field::parse(name)?) };
        Some(SortKey { field, descending })
    }
}

#[cfg(test)]
mod tests;
