//! The market query language of `/gpus`, `/watch` and `/rent <query>` (DESIGN §4).
//!
//! Grammar: space-separated terms, case-insensitive, in any order.
//! - a bare word or `"quoted phrase"`: a GPU model (`4090`, `a100`, `"rtx 3090"`);
//! - `x2` / `2x`: at least 2 GPUs; `<0.5`, `<=0.5`, `>0.2`, `>=0.2`, `max=0.5`: price per day;
//! - `field op value` with `= != < <= > >=` (glued `ram>=64` or spaced `ram >= 64`) and
//!   `field in [a,b]`, over gpus, price, ram, vram, cpus, down, up, cc, reliability, rating,
//!   mrl, cuda;
//! - `spot` / `ondemand`, `currency=usd|clore|btc`, `sort=-gpus,price`, `limit=N`, `all`.
//!
//! Anything not understood is an error naming the term, never silently ignored.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::gpu::ModelFilter;
use super::snapshot::{ServerView, parse_version};
use crate::clore::Currency;
use crate::i18n::number;
use crate::t;
use crate::text::{ECHO_MAX, clip};

/// Most results one query returns; more is never shown, and it bounds the work of sorting
/// for a watch.
const MAX_LIMIT: usize = 1000;

/// Relative tolerance for `=`, so `reliability=0.95` equals a server's 0.9500000001.
pub const EQ_TOLERANCE: f64 = 1e-9;

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
    fn new(term: impl Into<String>, problem: impl Into<String>) -> QueryError {
        QueryError { term: clip(&term.into(), ECHO_MAX), problem: crate::text::bound(&problem.into(), PROBLEM_MAX) }
    }
}

/// A query longer than this is refused: no real search needs more, and watches store and
/// repeat their query.
const MAX_TERMS: usize = 24;
const MAX_QUERY_CHARS: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Field {
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

    fn name(self) -> &'static str {
        FIELDS.iter().find(|f| f.0 == self).map_or("", |f| f.1)
    }

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

/// Words that take `=` but are settings, not server fields.
const SETTINGS: [&str; 4] = ["max", "currency", "sort", "limit"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
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

fn is_op_char(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '!')
}

/// `>=64` → (Ge, `64`). `==` is read as `=`, since people coming from code type it.
fn split_op(s: &str) -> Option<(Op, &str)> {
    const OPS: [(&str, Op); 7] =
        [("<=", Op::Le), (">=", Op::Ge), ("!=", Op::Ne), ("==", Op::Eq), ("<", Op::Lt), (">", Op::Gt), ("=", Op::Eq)];
    OPS.iter().find_map(|(text, op)| s.strip_prefix(text).map(|rest| (*op, rest)))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Value {
    Num(f64),
    Version(u32, u32),
    Text(String),
}

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Cond {
    field: Field,
    op: Op,
    /// One value, or several for `in`.
    values: Vec<Value>,
}

impl Cond {
    fn passes(&self, s: &ServerView, currency: Currency, spot: bool) -> bool {
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

/// Up to six decimals, without trailing zeros: `0.5`, `64`, `95`.
fn fmt_num(n: f64) -> String {
    let r = (n * 1e6).round() / 1e6;
    if r.is_finite() { r.to_string() } else { n.to_string() }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct SortKey {
    /// `None` sorts by server id.
    field: Option<Field>,
    descending: bool,
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

    fn parse(lower: &str) -> Option<SortKey> {
        let (descending, name) = match lower.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, lower.strip_prefix('+').unwrap_or(lower)),
        };
        let field = if name == "id" { None } else { Some(Field::parse(name)?) };
        Some(SortKey { field, descending })
    }

    fn name(self) -> String {
        format!("{}{}", if self.descending { "-" } else { "" }, self.field.map_or("id", Field::name))
    }
}

/// A parsed market query: model filter, field conditions and settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Query {
    models: ModelFilter,
    conds: Vec<Cond>,
    spot: bool,
    include_rented: bool,
    currency: Option<Currency>,
    sort: Vec<SortKey>,
    limit: Option<usize>,
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

    /// Parses text written by [`join_terms`] (a stored watch's query) exactly as
    /// [`Query::from_terms`] parsed the terms it was joined from.
    pub fn from_joined(text: &str) -> Result<Query, QueryError> {
        let terms: Vec<String> = split_terms(text)?.into_iter().map(|t| t.text).collect();
        Query::from_terms(&terms)
    }

    pub fn models(&self) -> &ModelFilter {
        &self.models
    }

    pub fn currency(&self) -> Option<Currency> {
        self.currency
    }

    /// Minimum spot prices count instead of on-demand prices.
    pub fn spot(&self) -> bool {
        self.spot
    }

    pub fn include_rented(&self) -> bool {
        self.include_rented
    }

    pub fn limit(&self) -> Option<usize> {
        self.limit
    }

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

    pub fn set_currency(&mut self, c: Currency) {
        self.currency = Some(c);
    }

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

fn is_price_upper_bound(c: &Cond) -> bool {
    c.field == Field::Price && matches!(c.op, Op::Lt | Op::Le)
}

/// One word of a query (or of any command's arguments).
pub struct Term {
    pub text: String,
    /// Written in quotes: always a model phrase, never a keyword.
    pub quoted: bool,
}

/// Splits on white space, keeping `"quoted phrases"` (straight or curly quotes, as phone
/// keyboards type them) together without their quotes.
pub fn split_terms(text: &str) -> Result<Vec<Term>, QueryError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut in_quotes, mut quoted) = (false, false);
    for c in text.chars() {
        match c {
            '"' | '“' | '”' => {
                in_quotes = !in_quotes;
                quoted = true;
            }
            c if c.is_whitespace() && !in_quotes => {
                if !cur.is_empty() || quoted {
                    out.push(Term { text: std::mem::take(&mut cur), quoted });
                }
                quoted = false;
            }
            c => cur.push(c),
        }
    }
    if in_quotes {
        return Err(QueryError::new(format!("\"{cur}"), t!("query-unclosed-quote")));
    }
    if !cur.is_empty() || quoted {
        out.push(Term { text: cur, quoted });
    }
    Ok(out)
}

/// Writes terms as split by the command parser back as text that [`split_terms`] splits
/// into the same terms, so [`Query::from_joined`] reads it as [`Query::from_terms`] read them:
/// a term holding white space of any kind (it can only have been quoted) is quoted again.
/// Quote characters never occur in split terms.
pub fn join_terms(terms: &[String]) -> String {
    let shown: Vec<String> =
        terms.iter().map(|t| if t.contains(char::is_whitespace) { format!("\"{t}\"") } else { t.clone() }).collect();
    shown.join(" ")
}

struct Parser {
    terms: Vec<Term>,
    pos: usize,
    query: Query,
    phrases: Vec<String>,
}

impl Parser {
    fn new(terms: Vec<Term>) -> Parser {
        Parser { terms, pos: 0, query: Query::default(), phrases: Vec::new() }
    }

    fn run(mut self) -> Result<Query, QueryError> {
        let chars: usize = self.terms.iter().map(|t| t.text.chars().count() + 1).sum();
        if self.terms.len() > MAX_TERMS || chars > MAX_QUERY_CHARS {
            let all: Vec<&str> = self.terms.iter().map(|t| t.text.as_str()).collect();
            let problem = t!("query-too-long", terms = MAX_TERMS, chars = MAX_QUERY_CHARS);
            return Err(QueryError::new(all.join(" "), problem));
        }
        while self.pos < self.terms.len() {
            self.term()?;
        }
        self.query.models = ModelFilter::new(self.phrases);
        Ok(self.query)
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

/// The operator text at the end of a span, for "missing value after `>=`".
fn split_op_text(span: &str) -> &str {
    let at = span.find(is_op_char).unwrap_or(span.len());
    &span[at..]
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::market::GpuModel;

    fn q(text: &str) -> Query {
        Query::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

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

    #[test]
    fn spellings_of_one_query_parse_alike() {
        let groups: &[&[&str]] = &[
            &["ram>=64", "ram >= 64", "ram >=64", "ram>= 64", "RAM>=64", "ram >= 64"],
            &["cc in [DE,NL]", "cc in [DE, NL]", "cc in [ DE , NL ]", "cc=[DE,NL]", "cc in[de,nl]", "CC IN [de nl]"],
            &["x2", "2x", "gpus>=2", "gpus >= 2"],
            &["<=0.5", "max=0.5", "price<=0.5", "price <= 0.5", "<= 0.5", "max = 0.5"],
            &["\"rtx 3090\"", "\"RTX  3090\"", "rtx3090", "geforce-rtx-3090"],
            &["rtx 3090", "RTX 3090"],
            &["reliability>=0.9", "reliability>=90", "reliability>=90%"],
            &["currency=btc", "currency=bitcoin", "currency=BTC"],
            &["4090 spot x2", "x2 spot 4090", "SPOT 4090 X2"],
            &["gpus==2", "gpus=2"],
        ];
        for group in groups {
            let first = q(group[0]);
            for text in &group[1..] {
                assert_eq!(q(text), first, "{text:?} vs {:?}", group[0]);
            }
        }
    }

    #[test]
    fn accessors() {
        let query = q("4090 currency=usd spot all limit=5 <0.6 max=0.5 price<0.7 >0.1");
        assert_eq!(query.currency(), Some(Currency::Usd));
        assert!(query.spot() && query.include_rented());
        assert_eq!(query.limit(), Some(5));
        assert_eq!(query.max_price(), Some(0.5));
        assert_eq!(query.models().phrases(), ["4090"]);
        let plain = q("4090");
        assert_eq!(plain.currency(), None);
        assert!(!plain.spot() && !plain.include_rented());
        assert_eq!(plain.limit(), None);
        assert_eq!(plain.max_price(), None);
        assert_eq!(q(">0.2 price=0.3 price in [0.1]").max_price(), None);
    }

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

    #[test]
    fn from_terms_reads_quoted_items_as_phrases() {
        let terms = |ts: &[&str]| ts.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
        let cases: &[(&[&str], &str)] = &[
            (&["rtx 3090", "x2"], "\"rtx 3090\" x2"),
            (&["cc", "in", "[DE,", "NL]"], "cc in [DE, NL]"),
            (&["ram", ">=", "64"], "ram>=64"),
            (&["4090", "spot"], "4090 spot"),
            // A phrase with a space is a model even if it reads like a keyword or expression.
            (&["ram >= 64"], "\"ram >= 64\""),
        ];
        for (ts, text) in cases {
            assert_eq!(Query::from_terms(&terms(ts)), Ok(q(text)), "{ts:?}");
        }
        assert_eq!(
            Query::from_terms(&terms(&["4090", ""])),
            Err(QueryError { term: "\"\"".to_owned(), problem: "a model name can't be empty".to_owned() })
        );
    }

    #[test]
    fn joined_terms_read_back_as_the_terms_did() {
        let split = |t: &str| split_terms(t).unwrap().into_iter().map(|t| t.text).collect::<Vec<_>>();
        let typed = [
            "4090 max=4 cc in [DE,NL] x2",
            "4090 max=4 cc in [DE, NL] x2",
            "\"rtx 3090\" currency=clore <40 spot",
            "“a100 80gb” ram >= 64 sort=-gpus, price limit=5 all",
            "\"rtx\t3090\" x2",
            "\"rtx\u{2028}3090\" \"ram >= 64\" \"spot\"",
            "\" 4090\" ondemand cuda>=12.4 reliability>=95%",
        ];
        for text in typed {
            let terms = split(text);
            let joined = join_terms(&terms);
            assert_eq!(split(&joined), terms, "{text:?} → {joined:?}");
            assert_eq!(Query::from_joined(&joined), Query::from_terms(&terms), "{text:?} → {joined:?}");
        }
        assert_eq!(join_terms(&split("\"rtx 3090\"  x2")), "\"rtx 3090\" x2");
        assert_eq!(join_terms(&split("\"rtx\t3090\"")), "\"rtx\t3090\"");
        // The parser's verdict, not a guess, on text that no longer reads.
        let e = Query::from_joined("4090 frobnicate=1").unwrap_err();
        assert_eq!(e.term, "frobnicate=1");
        assert!(e.problem.starts_with("unknown field `frobnicate`"), "{e}");
        assert_eq!(Query::from_joined("\"4090").unwrap_err().problem, "the quote is never closed");
    }

    #[test]
    fn errors_name_the_term() {
        // (query, the term named, a part of the problem)
        let cases = [
            ("foo=1", "foo=1", "unknown field `foo`; fields are gpus, price, ram, vram, cpus, down, up, cc"),
            ("4090 bar>=2", "bar>=2", "unknown field `bar`"),
            ("ram>=lots", "ram>=lots", "`lots` is not a number"),
            ("ram >= lots", "ram >= lots", "`lots` is not a number"),
            ("ram>=-1", "ram>=-1", "finite number, 0 or more"),
            ("vram>=inf", "vram>=inf", "finite number"),
            ("<-1", "<-1", "not a price"),
            ("max=-0.5", "max=-0.5", "not a price"),
            ("price<NaN", "price<NaN", "not a price"),
            ("<inf", "<inf", "not a price"),
            ("<abc", "<abc", "`abc` is not a number"),
            ("=0.5", "=0.5", "a price bound is"),
            ("!=0.5", "!=0.5", "a price bound is"),
            ("max<0.5", "max<0.5", "only `=` works here"),
            ("currency=eur", "currency=eur", "unknown currency `eur`"),
            ("currency>usd", "currency>usd", "only `=`"),
            ("sort=cheap", "sort=cheap", "unknown sort key `cheap`"),
            ("sort=-gpus,bogus", "sort=-gpus,bogus", "unknown sort key `bogus`"),
            ("limit=0", "limit=0", "from 1 to 1000"),
            ("limit=1001", "limit=1001", "from 1 to 1000"),
            ("limit=ten", "limit=ten", "from 1 to 1000"),
            ("limit=-1", "limit=-1", "from 1 to 1000"),
            ("cc in [DE,NL", "cc in [DE,NL", "the `[` is never closed"),
            ("cc in [DE, NL", "cc in [DE, NL", "the `[` is never closed"),
            ("cc in [DE,NL]x", "cc in [DE,NL]x", "unexpected text after `]`"),
            ("cc in []", "cc in []", "the list is empty"),
            ("cc in DE", "cc in DE", "`in` takes a list"),
            ("cc<DE", "cc<DE", "cc compares only with =, != or in"),
            ("cc>=[DE]", "cc>=[DE]", "a list goes with `in`"),
            ("cc=DEU", "cc=DEU", "`DEU` is not a country code"),
            ("cc in [DE,N1]", "cc in [DE,N1]", "`N1` is not a country code"),
            ("cuda>=twelve", "cuda>=twelve", "not a CUDA version"),
            ("reliability>=101", "reliability>=101", "percentage up to 100"),
            ("reliability>=x%", "reliability>=x%", "`x` is not a number"),
            ("rating>6", "rating>6", "from 0 to 5"),
            ("ram>=", "ram>=", "missing value after `>=`"),
            ("4090 ram >=", "ram >=", "missing value after `>=`"),
            ("ram", "ram", "expected an operator and a value"),
            ("cuda 12", "cuda 12", "expected an operator"),
            ("cc in", "cc in", "missing value after `in`"),
            ("<", "<", "missing value after `<`"),
            ("x0", "x0", "at least 1 GPU"),
            ("0x", "0x", "at least 1 GPU"),
            ("x99999999999", "x99999999999", "more GPUs"),
            ("ram!64", "ram!64", "unknown operator"),
            ("4090 \"rtx 3090", "\"rtx 3090", "the quote is never closed"),
            ("\"\"", "\"\"", "a model name can't be empty"),
            ("🙂=1", "🙂=1", "unknown field `🙂`"),
        ];
        for (text, term, problem) in cases {
            match Query::parse(text) {
                Ok(query) => panic!("{text:?} should fail, parsed as {query:?}"),
                Err(e) => {
                    assert_eq!(e.term, term, "term named for {text:?}");
                    assert!(e.problem.contains(problem), "problem for {text:?}: {:?}", e.problem);
                    assert_eq!(e.to_string(), format!("`{term}`: {}", e.problem));
                }
            }
        }
    }

    #[test]
    fn never_panics() {
        let odd = [
            "",
            " ",
            "\"",
            "\"\"\"",
            "[",
            "]",
            "[[",
            "in",
            "cc in",
            "cc in [",
            "=",
            "==",
            "!",
            "<>",
            "<=>",
            "x",
            "xx",
            "x-1",
            "1x1",
            "🙂",
            "é=1",
            "ram>=é",
            "cc=é1",
            "cc in [é]",
            "sort=",
            "sort=,",
            "sort=-",
            "limit=",
            "currency=",
            "max=",
            "cuda>=.",
            "cuda>=1.2.3",
            "reliability>=%",
            "“rtx 3090”",
            "“",
            "\u{0}",
            "ﬀ=1",
        ];
        for text in odd {
            let _ = Query::parse(text);
            let _ = Query::from_terms(&text.split(' ').map(str::to_owned).collect::<Vec<_>>());
        }
        // Every sequence of up to three pieces of query syntax.
        let pieces = ["ram", ">=", "64", "in", "[DE,", "NL]", "[", "]", "<", "=", "x2", "\"", "cc", "sort=", "-gpus,"];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let _ = Query::parse(&format!("{a} {b} {c}"));
                    let _ = Query::parse(&format!("{a}{b}{c}"));
                }
            }
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
    fn serde_round_trip() {
        for text in [
            "",
            "rtx 4090 x2 max=0.5 cc in [DE, NL] spot all sort=-gpus,id limit=20 currency=clore",
            "\"3090 ti\" cuda>=12.4 reliability>=95% rating>4 mrl>=24 down>=100 up>=10 cpus>=8 vram>=24 ram!=0",
        ] {
            let query = q(text);
            let json = serde_json::to_string(&query).expect("serialize");
            let back: Query = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(back, query, "{json}");
            assert_eq!(back.describe(), query.describe());
        }
    }

    #[test]
    fn a_deserialized_query_without_values_fails_closed() {
        let json = r#"{"models":{"phrases":[[]]},"conds":[{"field":"ram","op":"Ge","values":[]}],"spot":false,
            "include_rented":false,"currency":null,"sort":[],"limit":null}"#;
        let query: Query = serde_json::from_str(json).expect("deserialize");
        assert!(!query.matches(&server(1), Currency::Usd));
    }
}
