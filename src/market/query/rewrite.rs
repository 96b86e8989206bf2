//! A query changed as a listing's menus change it: its sort order or its country replaced,
//! every other term kept as typed. The result is text again (queries are kept as text).

use super::Query;
use super::lex::{Term, join_terms, split_terms};
use super::parse::{ItemKind, QueryError, parse_items};

/// What a menu changes in a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change<'a> {
    /// `sort=<keys>` in place of any sort; `None` for the default order (cheapest first).
    Sort(Option<&'a str>),
    /// `cc=<code>` in place of every country condition; `None` for any country.
    Country(Option<&'a str>),
}

impl Query {
    /// The joined query `text` (as [`Query::from_joined`] reads it) with `change` made: the
    /// terms it replaces dropped, the new term last. `Err` when `text` does not parse, or
    /// the result would not (a query grown past its limits).
    pub fn rewrite(text: &str, change: Change<'_>) -> Result<String, QueryError> {
        // Read as `from_joined` reads it: a term holding white space was quoted.
        let terms: Vec<Term> = split_terms(text)?
            .into_iter()
            .map(|t| Term { quoted: t.text.contains(char::is_whitespace), text: t.text })
            .collect();
        let texts: Vec<String> = terms.iter().map(|t| t.text.clone()).collect();
        let (_, items) = parse_items(terms)?;
        let (replaced, added) = match change {
            Change::Sort(keys) => (ItemKind::Sort, keys.map(|k| format!("sort={k}"))),
            Change::Country(cc) => (ItemKind::Country, cc.map(|c| format!("cc={c}"))),
        };
        let mut kept: Vec<String> =
            items.iter().filter(|i| i.kind != replaced).flat_map(|i| texts[i.start..i.end].iter().cloned()).collect();
        kept.extend(added);
        let out = join_terms(&kept);
        Query::from_joined(&out)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sort(text: &str, keys: Option<&str>) -> String {
        Query::rewrite(text, Change::Sort(keys)).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn country(text: &str, cc: Option<&str>) -> String {
        Query::rewrite(text, Change::Country(cc)).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn a_sort_replaces_every_sort_and_keeps_the_rest() {
        assert_eq!(sort("4090", Some("-gpus")), "4090 sort=-gpus");
        assert_eq!(sort("4090 sort=-gpus, price max=4", Some("-reliability")), "4090 max=4 sort=-reliability");
        assert_eq!(sort("sort = price \"rtx 3090\" x2", None), "\"rtx 3090\" x2");
        assert_eq!(sort("4090 sort=ram sort=-gpus", None), "4090");
    }

    #[test]
    fn a_country_replaces_every_country_condition() {
        assert_eq!(country("4090", Some("DE")), "4090 cc=DE");
        assert_eq!(country("4090 cc in [DE, NL] ram>=64", Some("NL")), "4090 ram>=64 cc=NL");
        assert_eq!(country("cc != US 4090 cc=FI", None), "4090");
        // What the rewrite gives reads as the query it stands for.
        let q = Query::from_joined(&country("4090 sort=-gpus", Some("FI"))).unwrap();
        assert_eq!(q, Query::parse("4090 sort=-gpus cc=FI").unwrap());
    }

    #[test]
    fn text_that_does_not_parse_or_grows_too_long_is_refused() {
        assert!(Query::rewrite("4090 cc=", Change::Country(Some("DE"))).is_err());
        assert!(Query::rewrite("4090", Change::Country(Some("DEU"))).is_err());
        let long = vec!["4090"; super::super::MAX_TERMS].join(" ");
        assert!(Query::rewrite(&long, Change::Sort(Some("-gpus"))).is_err());
        assert_eq!(sort(&long, None), long);
    }
}
