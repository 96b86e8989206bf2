//! Text into terms: white space splits, `"quoted phrases"` stay whole; and the operator
//! (`<`, `>=`, `!=` …) off the front of what follows a field name.

use super::parse::QueryError;
use crate::t;

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
/// into the same terms, so [`Query::from_joined`](super::Query::from_joined) reads it as
/// [`Query::from_terms`](super::Query::from_terms) read them: a term holding white space of
/// any kind (it can only have been quoted) is quoted again. Quote characters never occur in
/// split terms.
pub fn join_terms(terms: &[String]) -> String {
    let shown: Vec<String> =
        terms.iter().map(|t| if t.contains(char::is_whitespace) { format!("\"{t}\"") } else { t.clone() }).collect();
    shown.join(" ")
}

/// A condition's comparison, as read off a term by [`split_op`] (or `in`, a word of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
}

pub(super) fn is_op_char(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '!')
}

/// `>=64` → (Ge, `64`). `==` is read as `=`, since people coming from code type it.
pub(super) fn split_op(s: &str) -> Option<(Op, &str)> {
    const OPS: [(&str, Op); 7] =
        [("<=", Op::Le), (">=", Op::Ge), ("!=", Op::Ne), ("==", Op::Eq), ("<", Op::Lt), (">", Op::Gt), ("=", Op::Eq)];
    OPS.iter().find_map(|(text, op)| s.strip_prefix(text).map(|rest| (*op, rest)))
}

/// The operator text at the end of a span, for "missing value after `>=`".
pub(super) fn split_op_text(span: &str) -> &str {
    let at = span.find(is_op_char).unwrap_or(span.len());
    &span[at..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::query::Query;

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
}
