//! Suggestions while a command is typed (Discord's autocomplete): GPU models on the market
//! for a query, or countries once a query's last term is `cc=`; the caller's active orders
//! for an order id, their watches for a watch id, their templates (and the chat's team
//! templates) for a template name.

use std::collections::BTreeMap;

use crate::domain::{ChatKind, Platform};
use crate::market::Query;
use crate::store::{orders, templates, users, watches};
use crate::t;

use super::Core;

/// At most this many suggestions (Discord's limit).
pub const MAX: usize = 25;

/// One suggestion: what is shown, and the value the option takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub label: String,
    pub value: SuggestedValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SuggestedValue {
    Text(String),
    Id(i64),
}

/// Which kind of option is being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A market query or rent target: GPU models, or countries after `cc=`.
    Query,
    Order,
    /// Orders to cancel: `all` first, then each active order.
    Orders,
    Watch,
    /// A rent template's name.
    Template,
}

/// Where a suggestion is asked for: the user typing, and the chat they type in (whose team
/// templates are theirs to use).
#[derive(Debug, Clone, Copy)]
pub struct Asker<'a> {
    pub platform: Platform,
    pub user: &'a str,
    pub chat: &'a str,
}

impl Core {
    /// Suggestions for `typed` in `field`, for `asker`: models with free servers (most
    /// first), countries with free servers, or the user's orders / watches / templates
    /// containing it.
    pub async fn suggest(&self, asker: Asker<'_>, field: Field, typed: &str) -> Vec<Suggestion> {
        let mut out = match (field, country_term(typed)) {
            (Field::Query, Some((before, cc))) => self.countries(before, cc).await,
            (Field::Template, _) => self.templates(asker, typed).await,
            _ => self.models_or_owned(asker, field, typed).await,
        };
        out.truncate(MAX);
        out
    }

    /// GPU models for a query; the user's orders or watches.
    async fn models_or_owned(&self, asker: Asker<'_>, field: Field, typed: &str) -> Vec<Suggestion> {
        let (platform, user_platform_id) = (asker.platform, asker.user);
        let typed = typed.trim().to_ascii_lowercase();
        let mut out = Vec::new();
        match field {
            // Asked of `templates`.
            Field::Template => {}
            Field::Query => {
                let Ok(snap) = self.deps.market.get().await else { return out };
                let mut free: std::collections::BTreeMap<&str, usize> = Default::default();
                for s in snap.servers.iter().filter(|s| !s.rented && !s.model.as_str().is_empty()) {
                    *free.entry(s.model.as_str()).or_default() += 1;
                }
                let mut ranked: Vec<(&str, usize)> =
                    free.into_iter().filter(|(m, _)| m.to_ascii_lowercase().contains(&typed)).collect();
                ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                out = ranked
                    .into_iter()
                    .map(|(m, n)| Suggestion {
                        label: t!("suggest-model", model = m, n = n),
                        value: SuggestedValue::Text(m.to_owned()),
                    })
                    .collect();
            }
            Field::Order | Field::Orders | Field::Watch => {
                let Ok(Some(user)) = users::find_user(&self.deps.pool, platform, user_platform_id).await else {
                    return out;
                };
                if field != Field::Watch {
                    if let Ok(list) = orders::active_for_user(&self.deps.pool, user.id).await {
                        out = list
                            .into_iter()
                            .filter(|o| o.order_id.to_string().contains(&typed))
                            .map(|o| {
                                let (order, server) = (o.order_id.to_string(), o.server_id.to_string());
                                Suggestion {
                                    label: t!("suggest-order", order = order, server = server),
                                    value: SuggestedValue::Id(o.order_id),
                                }
                            })
                            .collect();
                        if field == Field::Orders && out.len() > 1 && "all".starts_with(typed.as_str()) {
                            let all = Suggestion {
                                label: t!("suggest-all-orders", n = out.len()),
                                value: SuggestedValue::Text("all".into()),
                            };
                            out.insert(0, all);
                        }
                    }
                } else if let Ok(list) = watches::list_personal(&self.deps.pool, user.id).await {
                    out = list
                        .into_iter()
                        .filter(|w| {
                            w.id.0.to_string().contains(&typed) || w.query.to_ascii_lowercase().contains(&typed)
                        })
                        .map(|w| Suggestion {
                            label: format!("#{} {}", w.id.0, w.query),
                            value: SuggestedValue::Id(w.id.0),
                        })
                        .collect();
                }
            }
        }
        out
    }

    /// Countries with free servers matching the query typed `before` the `cc=` term (all
    /// free servers when it is empty or does not read), whose code starts with `cc`, most
    /// servers first; each suggests the whole query with that country.
    async fn countries(&self, before: &str, cc: &str) -> Vec<Suggestion> {
        let Ok(snap) = self.deps.market.get().await else { return Vec::new() };
        let query = Query::parse(before).unwrap_or_default();
        let prefix = cc.to_ascii_uppercase();
        let mut free: BTreeMap<&str, usize> = BTreeMap::new();
        // The currency only matters to price terms: any will do for counting.
        for s in query.run(&snap.servers, crate::clore::Currency::Usd) {
            if let Some(code) = s.cc.as_deref().filter(|c| c.starts_with(&prefix)) {
                *free.entry(code).or_default() += 1;
            }
        }
        let mut ranked: Vec<(&str, usize)> = free.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        ranked
            .into_iter()
            .map(|(code, n)| {
                let value = format!("{before}cc={code}");
                Suggestion {
                    label: t!("suggest-country", query = value.as_str(), n = n),
                    value: SuggestedValue::Text(value),
                }
            })
            // Discord takes a value of at most 100 characters.
            .filter(|s| matches!(&s.value, SuggestedValue::Text(v) if v.chars().count() <= VALUE_MAX))
            .collect()
    }

    /// The asker's templates, then the chat's team templates (in a group), whose names
    /// contain what was typed.
    async fn templates(&self, asker: Asker<'_>, typed: &str) -> Vec<Suggestion> {
        let pool = &self.deps.pool;
        let typed = typed.trim().to_lowercase();
        let Ok(Some(user)) = users::find_user(pool, asker.platform, asker.user).await else { return Vec::new() };
        let mut found = templates::list_personal(pool, user.id).await.unwrap_or_default();
        if let Ok(Some(chat)) = users::find_chat(pool, asker.platform, asker.chat).await
            && chat.kind != ChatKind::Dm
        {
            found.extend(templates::list_team(pool, chat.id).await.unwrap_or_default());
        }
        found
            .into_iter()
            .filter(|t| t.name.to_lowercase().contains(&typed))
            .map(|t| Suggestion {
                label: match (t.chat_id, &t.image) {
                    (Some(_), _) => t!("suggest-template-team", name = t.name.as_str()),
                    (None, Some(image)) => t!("suggest-template", name = t.name.as_str(), image = image.as_str()),
                    (None, None) => t.name.clone(),
                },
                value: SuggestedValue::Text(t.name),
            })
            .collect()
    }
}

/// Discord's longest choice value.
const VALUE_MAX: usize = 100;

/// A query whose last term is `cc=…` (what is typed of a country code): the text before the
/// term, and the code so far.
fn country_term(typed: &str) -> Option<(&str, &str)> {
    // The last term is a suffix, so the split falls on a character boundary whatever the
    // white space before it (an ideographic space is three bytes).
    let last = typed.rsplit(char::is_whitespace).next().unwrap_or(typed);
    let (before, last) = typed.split_at(typed.len() - last.len());
    let code = last.get(..3).filter(|p| p.eq_ignore_ascii_case("cc="))?;
    let code = &last[code.len()..];
    (code.len() <= 2 && code.bytes().all(|b| b.is_ascii_alphabetic())).then_some((before, code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_country_term_is_found_at_the_end_only() {
        assert_eq!(country_term("4090 cc="), Some(("4090 ", "")));
        assert_eq!(country_term("4090 x2 CC=d"), Some(("4090 x2 ", "d")));
        assert_eq!(country_term("cc=DE"), Some(("", "DE")));
        assert_eq!(country_term("4090 cc=DEU"), None);
        assert_eq!(country_term("cc=DE 4090"), None);
        assert_eq!(country_term("4090"), None);
        assert_eq!(country_term("4090 cc=é"), None);
        assert_eq!(country_term(""), None);
        assert_eq!(country_term("4090\u{3000}cc=d"), Some(("4090\u{3000}", "d")));
        assert_eq!(country_term("4090\u{3000}"), None);
    }
}
