//! Suggestions while a command is typed (Discord's autocomplete): GPU models on the market
//! for a query, the caller's active orders for an order id, their watches for a watch id.

use crate::domain::Platform;
use crate::store::{orders, users, watches};
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
    /// A market query or rent target: GPU models.
    Query,
    Order,
    /// Orders to cancel: `all` first, then each active order.
    Orders,
    Watch,
}

impl Core {
    /// Suggestions for `typed` in `field`, for the user `user_platform_id` on `platform`:
    /// models with free servers (most first), or the user's orders / watches containing it.
    pub async fn suggest(
        &self,
        platform: Platform,
        user_platform_id: &str,
        field: Field,
        typed: &str,
    ) -> Vec<Suggestion> {
        let typed = typed.trim().to_ascii_lowercase();
        let mut out = Vec::new();
        match field {
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
        out.truncate(MAX);
        out
    }
}
