//! Inline mode: `@bot 4090 <4 cc=de` typed in any chat answers with the cheapest free matches
//! as articles (the offers come from the core). A chosen card posts the offer with a "Rent in
//! clorebot" link button: a deep link that opens the private chat with `/start rent_<id>`,
//! where the rent confirmation is given. A query that does not parse gets one card saying why.

use std::time::Instant;

use teloxide::payloads::setters::*;
use teloxide::requests::Requester;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, InlineQuery, InlineQueryResult, InlineQueryResultArticle,
    InputMessageContent, InputMessageContentText, ParseMode,
};
use teloxide::{ApiError, RequestError};
use url::Url;

use super::answers::answered;
use super::{Me, Telegram, render, send};
use crate::clore::ServerId;
use crate::core::offers::{Offer, Offers};
use crate::core::reply::Link;
use crate::i18n::{self, Lang};
use crate::t;

/// How long Telegram keeps an answer for the same query text (and gives it to anyone who
/// types it): prices move, so a few seconds.
pub const CACHE_SECS: u32 = 5;

impl Telegram {
    pub(super) async fn on_inline_query(&self, me: &Me, q: InlineQuery, received: Instant) {
        // No chat to read a choice from: the app's language.
        let lang = i18n::resolve([q.from.language_code.as_deref()]);
        let results = match self.core.offers(lang, &q.query).await {
            Offers::Found(offers) => offers.iter().map(|o| article(me, lang, o)).collect(),
            Offers::Problem { title, text } => vec![problem(title, text)],
        };
        let req = self.sender.direct.answer_inline_query(q.id, results).cache_time(CACHE_SECS).is_personal(false);
        answered(received, "inline_query");
        match req.await {
            // Telegram forgets a query after about ten seconds; nobody waits for it any more.
            Ok(_) | Err(RequestError::Api(ApiError::InvalidQueryId)) => {}
            Err(e) => tracing::info!(error = %send::describe(&e, &self.sender.token), "answerInlineQuery failed"),
        }
    }
}

/// The deep link that opens the rent confirmation for `server` in the private chat with the
/// bot; none while the bot's username is unknown.
pub fn rent_link(bot_username: &str, server: ServerId) -> Option<Url> {
    render::deep_link(bot_username, Link::Rent(server))
}

fn article(me: &Me, lang: Lang, o: &Offer) -> InlineQueryResult {
    let content = InputMessageContentText::new(render::escape(&o.text)).parse_mode(ParseMode::Html);
    let mut a =
        InlineQueryResultArticle::new(o.server.to_string(), o.title.clone(), InputMessageContent::Text(content))
            .description(o.description.clone());
    if let Some(url) = rent_link(&me.username, o.server) {
        let label = i18n::sync_scope(lang, || t!("inline-offer-rent-button"));
        a = a.reply_markup(InlineKeyboardMarkup::new([[InlineKeyboardButton::url(label, url)]]));
    }
    InlineQueryResult::Article(a)
}

fn problem(title: String, text: String) -> InlineQueryResult {
    let content = InputMessageContentText::new(render::escape(&text)).parse_mode(ParseMode::Html);
    let content = InputMessageContent::Text(content);
    InlineQueryResult::Article(InlineQueryResultArticle::new("problem", title, content).description(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rent_link_opens_the_private_chat_with_a_start_payload() {
        let url = rent_link("clore_test_bot", ServerId(4242)).unwrap();
        assert_eq!(url.as_str(), "https://t.me/clore_test_bot?start=rent_4242");
        assert!(rent_link("", ServerId(1)).is_none());
    }
}
