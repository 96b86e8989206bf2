//! Offers for a platform's inline search (Telegram's `@bot 4090 <4 cc=de` in any chat): the
//! query language of `/gpus`, the cheapest free matches as cards a front-end shows in its own
//! way. The answer may be shared with everyone who types the same text (Telegram caches it
//! per query), so it depends on the text alone: prices in the query's `currency=` or the
//! default currency, never the asker's settings. Only the language is the asker's app's.

use crate::clore::{Currency, ServerId};
use crate::core::Core;
use crate::core::command::{self, Command};
use crate::domain::format::{self, money};
use crate::i18n::{self, Lang};
use crate::t;

/// At most this many offers per answer (a phone shows about that many cards).
pub const OFFERS_MAX: usize = 10;

/// One free server as a card: a title and a line under it in the list of results, and the
/// text the chat gets when the card is chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub server: ServerId,
    pub title: String,
    pub description: String,
    /// Plain text (a front-end escapes it for its markup).
    pub text: String,
}

/// What an inline search gets: offers, or one card that says what went wrong (a query that
/// does not parse, no free match, the market out of reach).
#[derive(Debug, Clone, PartialEq)]
pub enum Offers {
    Found(Vec<Offer>),
    Problem { title: String, text: String },
}

impl Core {
    /// The offers for `text`, typed after the bot's name, in `lang`.
    pub async fn offers(&self, lang: Lang, text: &str) -> Offers {
        i18n::scope(lang, self.offers_in_scope(text)).await
    }

    async fn offers_in_scope(&self, text: &str) -> Offers {
        let query = match command::parse(&format!("/gpus {text}")) {
            Ok(Command::Gpus { query, .. }) => query,
            parsed => {
                let why = parsed.err().map(|e| e.message).unwrap_or_default();
                return problem(t!("inline-bad-query-title"), why);
            }
        };
        let snap = match self.deps.market.get().await {
            Ok(s) => s,
            Err(e) => {
                tracing::info!(error = %e, "no market for an inline search");
                return problem(t!("inline-no-market-title"), t!("inline-no-market"));
            }
        };
        let currency = query.currency().unwrap_or_default();
        let spot = query.spot();
        let offers: Vec<Offer> = query
            .run(&snap.servers, currency)
            .into_iter()
            .filter(|s| !s.rented)
            .filter_map(|s| {
                let day = s.price(currency, spot)?;
                Some(offer(s, day, currency))
            })
            .take(OFFERS_MAX)
            .collect();
        if offers.is_empty() {
            return problem(t!("inline-none-title"), t!("gpus-none", query = query.describe()));
        }
        Offers::Found(offers)
    }
}

fn problem(title: String, text: String) -> Offers {
    Offers::Problem { title, text }
}

fn offer(s: &crate::market::ServerView, day: f64, c: Currency) -> Offer {
    let gpus = format!("{}× {}", s.gpu_count, s.model);
    let (day, hour) = (money(day, c), money(day / 24.0, c));
    let country = s.cc.clone().unwrap_or_else(|| t!("unknown-value"));
    let reliability = s.reliability.map(format::percent).unwrap_or_else(|| t!("unknown-value"));
    let server = s.id.to_string();
    Offer {
        server: s.id,
        title: t!("inline-offer-title", gpus = gpus.clone(), day = day.clone()),
        description: t!(
            "inline-offer-description",
            hour = hour.clone(),
            country = country.clone(),
            reliability = reliability.clone(),
            server = server.clone()
        ),
        text: t!(
            "inline-offer-text",
            gpus = gpus,
            server = server,
            day = day,
            hour = hour,
            country = country,
            reliability = reliability
        ),
    }
}
