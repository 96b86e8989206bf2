//! Market watches in the market poll (docs/alerts.md, "Market watches"): after the ordinary
//! watches, each market watch's condition is judged on the snapshot and the recorded history
//! ([`index`]), and an edge writes its alert and the watch's new state in one transaction.
//!
//! The engine keeps the history market watches compare with in memory: read from
//! `price_history` when a market watch it has not seen appears and at least hourly (history
//! is compacted hourly), and added to from each poll's own points.

pub mod index;

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::market_poll::{PollReport, alert_lang};
use super::{Engine, Urgency, hold, message};
use crate::clore::{Currency, ServerId};
use crate::core::Reply;
use crate::domain::WatchId;
use crate::domain::format::{self, per_day};
use crate::domain::quiet::DigestPeriod;
use crate::market::condition::{Condition, Reading};
use crate::market::{QueryError, ServerView, Snapshot};
use crate::services::{Action, issue_tokens};
use crate::store::history::PricePoint;
use crate::store::market_watches as store;
use crate::store::outbox::{self, NewAlert};
use crate::store::users;
use crate::store::watches::{self, Watch};
use crate::t;
use index::{Held, History, MarketIndex, MarketWatch, edge, judge_all};

/// The in-memory history is read again after this long: compaction rewrites old rows hourly.
const RELOAD_EVERY: chrono::Duration = chrono::Duration::hours(1);
/// History read beyond the longest window, so that a window's start is seen to be covered.
const LOAD_MARGIN: chrono::Duration = chrono::Duration::days(1);

/// What the engine remembers of market watches between polls.
#[derive(Default)]
pub struct MarketMemory {
    /// Watches whose state has been read from the database (or set since).
    known: std::collections::HashSet<WatchId>,
    held: Held,
    /// When each fired since it was loaded (as the ordinary watches' `fired`).
    fired: HashMap<WatchId, DateTime<Utc>>,
    history: Option<History>,
}

/// A stored market watch ready for evaluation: its query and its condition read back from
/// their text. A condition that no longer reads is reported like a query that no longer parses.
pub fn compile(w: &Watch, query: crate::market::Query) -> Result<MarketWatch, QueryError> {
    let text = w.condition.as_deref().unwrap_or_default();
    let condition = Condition::from_stored(text)
        .map_err(|problem| QueryError { term: crate::text::clip(text, crate::text::ECHO_MAX), problem })?;
    Ok(MarketWatch::new(w.id, query, w.currency, condition))
}

impl Engine {
    /// Judges every market watch (`index`, their rows by id beside it) against this poll;
    /// `recorded` are the points this poll
    /// recorded (added to the history after judging, so a poll never compares with itself).
    pub(super) async fn poll_market_watches(
        &self,
        mem: &mut MarketMemory,
        (rows, index): (&HashMap<WatchId, Watch>, &MarketIndex),
        snap: &Snapshot,
        recorded: &[PricePoint],
        poll_id: &str,
        report: &mut PollReport,
    ) -> anyhow::Result<()> {
        let pool = &self.deps.pool;
        let polled_at = DateTime::from_timestamp(snap.fetched_unix, 0).unwrap_or_else(Utc::now);
        if index.is_empty() {
            // Nothing compares with it: let it go rather than keep it current.
            *mem = MarketMemory::default();
            return Ok(());
        }
        let ids: Vec<WatchId> = index.watches().iter().map(|w| w.id).collect();
        let active: std::collections::HashSet<WatchId> = ids.iter().copied().collect();
        mem.known.retain(|id| active.contains(id));
        mem.held.retain(|id| active.contains(id));
        mem.fired.retain(|id, _| active.contains(id));
        let missing: Vec<i64> = ids.iter().filter(|id| !mem.known.contains(id)).map(|id| id.0).collect();
        if !missing.is_empty() {
            mem.held.extend(store::held(pool, &missing).await?);
            mem.known.extend(missing.iter().map(|&id| WatchId(id)));
        }
        let stale = mem.history.as_ref().and_then(|h| h.loaded_at).is_none_or(|at| polled_at - at >= RELOAD_EVERY);
        if index.needs_history() && (stale || !missing.is_empty()) {
            let since = polled_at - chrono::Duration::from_std(crate::market::condition::MAX_WINDOW)? - LOAD_MARGIN;
            let points = store::points_between(pool, Currency::Usd, since, polled_at).await?;
            mem.history = Some(History::from_points(
                points.into_iter().map(|p| (p.gpu_model, p.at, p.cheapest, p.median)),
                polled_at,
            ));
        }
        let history = mem.history.get_or_insert_with(History::default);
        let verdicts = judge_all(index, history, &snap.servers, polled_at.timestamp());
        history.append(recorded.iter().map(|p| (p.gpu_model.clone(), p.polled_at, p.min_price, p.median_price)));

        let cur: HashMap<ServerId, &ServerView> = snap.servers.iter().map(|s| (s.id, s)).collect();
        let now = self.deps.clock.now();
        for (w, (view, verdict)) in index.watches().iter().zip(verdicts) {
            let Some(row) = rows.get(&w.id) else { continue };
            let last_fired = row.last_fired_at.max(mem.fired.get(&w.id).copied());
            let quiet = row.snoozed_until.is_some_and(|u| u > now)
                || last_fired.is_some_and(|t| (now - t).num_seconds() < i64::from(row.cooldown_secs));
            let held = mem.held.contains(&w.id);
            let step = edge(held, verdict, quiet);
            let Some(reading) = step.fires else {
                if step.held != held {
                    store::set_held(pool, w.id, step.held).await?;
                    remember(mem, w.id, step.held);
                }
                continue;
            };
            let chat = users::get_chat(pool, row.chat_id).await?;
            let owner_row = users::get_user(pool, row.owner_id).await?;
            let lang = alert_lang(row, chat.as_ref(), owner_row.as_ref());
            let cheapest = view.cheapest.and_then(|id| cur.get(&id).copied());
            let reply = crate::i18n::scope(lang, async {
                let reply = market_alert(row, w, reading, cheapest);
                let mut rents = Vec::new();
                if let Some(s) = cheapest {
                    // Anyone's in a team chat; the owner's in a personal one.
                    let owner = (!row.is_team).then_some(row.owner_id);
                    let action = Action::RentPrompt { server: s.id };
                    let tokens = issue_tokens(pool, owner, &[(&action, action.ttl(&self.deps))]).await?;
                    rents.extend(tokens.into_iter().take(1).map(|token| (s.id, token)));
                }
                anyhow::Ok(message::with_rent_buttons(reply, rents, row.is_team.then_some(w.id)))
            })
            .await?;
            let Some(chat) = chat else { continue };
            let mut tx = pool.begin().await?;
            // Market news may wait: quiet hours, a digest period, a burst (quoted whole in a
            // digest: it is about the market, not a list of servers).
            let owner = (!row.is_team).then_some(row.owner_id);
            let to = hold::To { platform: chat.platform, chat: Some(&chat.platform_chat_id), user: owner };
            let period = row.digest.as_deref().and_then(DigestPeriod::parse);
            let hold = hold::decide(&mut tx, &to, Urgency::MayWait(now), period).await?;
            outbox::enqueue(
                &mut *tx,
                &NewAlert {
                    dedup_key: format!("market-watch:{}:{poll_id}", w.id),
                    platform: chat.platform,
                    target_chat_id: Some(chat.platform_chat_id.clone()),
                    target_thread_id: row.thread_id.clone(),
                    target_user: owner,
                    payload: message::to_payload(&reply)?,
                    urgent: false,
                    hold,
                    part: None,
                },
            )
            .await?;
            store::set_held(&mut *tx, w.id, true).await?;
            watches::mark_fired(&mut *tx, w.id, now).await?;
            tx.commit().await?;
            remember(mem, w.id, true);
            mem.fired.insert(w.id, now);
            report.alerts += 1;
        }
        Ok(())
    }
}

fn remember(mem: &mut MarketMemory, id: WatchId, held: bool) {
    if held {
        mem.held.insert(id);
    } else {
        mem.held.remove(&id);
    }
}

/// "Market watch #4 (4090 drop>=10% in=24h): the cheapest free price fell 12% within 1d 0h:
/// $0.50/day → $0.44/day", the cheapest match now, and the once notice.
fn market_alert(row: &Watch, w: &MarketWatch, reading: Reading, cheapest: Option<&ServerView>) -> Reply {
    let c = w.currency;
    let query = format!("{} {}", row.query, row.condition.as_deref().unwrap_or_default());
    let title = t!("mwatch-alert-title", id = row.id.to_string(), query = query);
    let window = || w.condition.window().map_or(String::new(), |d| format::duration(d.as_secs() as i64));
    let mut lines = vec![match (reading, w.condition) {
        (Reading::Count { free }, Condition::Count { at_least }) => {
            t!("mwatch-alert-count", title = title, n = free, at_least = at_least)
        }
        (Reading::Moved { from, to, pct }, Condition::Move { rise, median, .. }) => t!(
            "mwatch-alert-move",
            title = title,
            median = median.to_string(),
            rise = rise.to_string(),
            pct = crate::i18n::number(&format!("{pct:.1}")),
            window = window(),
            from = per_day(from, c),
            to = per_day(to, c)
        ),
        (Reading::NewLow { price, before }, _) => t!(
            "mwatch-alert-newlow",
            title = title,
            price = per_day(price, c),
            window = window(),
            before = per_day(before, c)
        ),
        // A reading comes from its own condition; any other pairing cannot occur.
        (_, _) => title,
    }];
    if let Some(s) = cheapest
        && let Some(p) = s.price(c, w.query.spot())
    {
        let gpu = format!("{}× {}", s.gpu_count, s.model);
        lines.push(t!("mwatch-alert-cheapest", server = s.id.to_string(), gpu = gpu, price = per_day(p, c)));
    }
    if row.once {
        lines.push(t!("watch-alert-once"));
    }
    Reply::text(lines.join("\n"))
}
