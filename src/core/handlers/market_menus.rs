//! The menus under a `/gpus` listing: Sort (cheapest, most GPUs, most reliable first) and
//! Country (any, or one of the countries the query finds). Each option is the listing's
//! query with its sort or its country replaced (`market::query::Change`), kept as text in a
//! page button's action: choosing it is typing that query.

use std::collections::BTreeMap;

use crate::clore::Currency;
use crate::core::actions::Action;
use crate::market::query::Change;
use crate::market::{Query, ServerView};
use crate::t;

/// The sort keys the Sort menu offers; `None` is the default order (cheapest first), so
/// choosing it drops any `sort=`.
const SORTS: [Option<&str>; 3] = [None, Some("-gpus"), Some("-reliability")];

fn sort_label(keys: Option<&str>) -> String {
    match keys {
        Some("-gpus") => t!("menu-sort-gpus"),
        Some(_) => t!("menu-sort-reliability"),
        None => t!("menu-sort-price"),
    }
}

/// One menu before its tokens are issued: each option's label, the page it opens, and
/// whether it is what the listing shows now.
pub(super) struct Planned {
    pub placeholder: String,
    pub options: Vec<(String, Action, bool)>,
}

/// The menus for the listing of `text` (as typed) over `servers`, of which `found` matched:
/// Sort when there are two servers or more to order; Country when the query, without its
/// own country conditions, finds servers in two countries or more (so a chosen country
/// still offers the others).
pub(super) fn plan(text: &str, found: usize, servers: &[ServerView], currency: Currency) -> Vec<Planned> {
    let Ok(now) = Query::from_joined(text) else { return Vec::new() };
    // An option is the query rewritten; one whose text would not read back (a query at
    // its length limit) is left out.
    let option = |label: String, change: Change<'_>| {
        let changed = Query::rewrite(text, change).ok()?;
        let default = Query::from_joined(&changed).is_ok_and(|q| q == now);
        Some((label, Action::GpusPage { query_text: changed, page: 0 }, default))
    };
    let mut out = Vec::new();
    if found >= 2 {
        let options: Vec<_> = SORTS.iter().filter_map(|keys| option(sort_label(*keys), Change::Sort(*keys))).collect();
        out.push(Planned { placeholder: t!("menu-sort"), options });
    }
    let countries = countries(text, servers, currency);
    if countries.len() >= 2 {
        let mut options: Vec<_> = option(t!("menu-country-any"), Change::Country(None)).into_iter().collect();
        for (cc, n) in countries {
            let label = t!("menu-country-option", cc = cc.as_str(), count = t!("servers-count", n = n));
            options.extend(option(label, Change::Country(Some(&cc))));
        }
        out.push(Planned { placeholder: t!("menu-country"), options });
    }
    out.retain(|m| m.options.len() >= 2);
    out
}

/// The countries of the servers the query finds without its country conditions, with how
/// many servers each: the most servers first when there are more than a menu holds, then
/// shown by code.
fn countries(text: &str, servers: &[ServerView], currency: Currency) -> Vec<(String, usize)> {
    let Some(wider) = Query::rewrite(text, Change::Country(None)).ok().and_then(|t| Query::from_joined(&t).ok()) else {
        return Vec::new();
    };
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in wider.run(servers, currency) {
        if let Some(cc) = s.cc.as_deref() {
            *counts.entry(cc).or_default() += 1;
        }
    }
    let mut most: Vec<(String, usize)> = counts.into_iter().map(|(cc, n)| (cc.to_owned(), n)).collect();
    // One option is "any country".
    most.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    most.truncate(crate::core::reply::MAX_OPTIONS - 1);
    most.sort();
    most
}
