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

#[cfg(test)]
mod tests {

    use super::*;

    fn server(id: u64, gpus: u32, cc: &str) -> ServerView {
        ServerView {
            gpu_raw: format!("{gpus}x NVIDIA GeForce RTX 4090"),
            cc: Some(cc.to_owned()),
            reliability: Some(0.9),
            ..ServerView::for_test(id, "NVIDIA GeForce RTX 4090", gpus, 0.4 * f64::from(gpus))
        }
    }

    /// Each option as (label, the query it opens, shown as chosen).
    fn options(m: &Planned) -> Vec<(String, String, bool)> {
        m.options
            .iter()
            .map(|(label, action, default)| match action {
                Action::GpusPage { query_text, page: 0 } => (label.clone(), query_text.clone(), *default),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn sort_and_country_options_are_the_query_rewritten() {
        let servers = [server(1, 1, "DE"), server(2, 2, "NL"), server(3, 4, "DE"), server(4, 1, "US")];
        let menus = plan("4090 cc=DE", 2, &servers, Currency::Usd);
        assert_eq!(menus.len(), 2);
        assert_eq!(
            options(&menus[0]),
            [
                ("Cheapest first".into(), "4090 cc=DE".into(), true),
                ("Most GPUs first".into(), "4090 cc=DE sort=-gpus".into(), false),
                ("Most reliable first".into(), "4090 cc=DE sort=-reliability".into(), false),
            ]
        );
        // The countries the query finds without its own, so that another is one choice away.
        assert_eq!(
            options(&menus[1]),
            [
                ("Any country".into(), "4090".into(), false),
                ("DE — 2 servers".into(), "4090 cc=DE".into(), true),
                ("NL — 1 server".into(), "4090 cc=NL".into(), false),
                ("US — 1 server".into(), "4090 cc=US".into(), false),
            ]
        );
    }

    #[test]
    fn one_server_or_one_country_has_nothing_to_choose() {
        let servers = [server(1, 1, "DE"), server(2, 2, "DE")];
        let menus = plan("4090", 2, &servers, Currency::Usd);
        assert_eq!(menus.len(), 1, "one country: no Country menu");
        assert!(plan("4090", 1, &servers[..1], Currency::Usd).is_empty());
    }

    #[test]
    fn a_country_menu_holds_the_most_found_countries_in_code_order() {
        let codes: Vec<String> =
            (0..30u8).map(|i| format!("{}{}", char::from(b'A' + i / 26), char::from(b'A' + i % 26))).collect();
        // Country i has i + 1 servers: the 24 with most are the last 24.
        let mut servers = Vec::new();
        for (i, cc) in codes.iter().enumerate() {
            servers.extend((0..=i).map(|k| server((i * 100 + k) as u64, 1, cc)));
        }
        let menus = plan("4090", servers.len(), &servers, Currency::Usd);
        let country = options(&menus[1]);
        assert_eq!(country.len(), crate::core::reply::MAX_OPTIONS);
        let shown: Vec<&str> = country[1..].iter().map(|(l, _, _)| &l[..2]).collect();
        let expected: Vec<&str> = codes[6..].iter().map(String::as_str).collect();
        assert_eq!(shown, expected);
    }
}
