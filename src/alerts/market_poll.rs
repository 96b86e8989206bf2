//! The market poll: one `marketplace` fetch serves every watch and every `/gpus` (the cache
//! gets the fresh snapshot), records price history, and turns watch edges into alerts — each
//! written to the outbox in the transaction that records the watch's new state.

use crate::clore::ServerId;
use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;

use super::market_watch::{self, MarketMemory, index::MarketIndex};
use super::message;
use super::watch::{self, CompiledWatch, MatchSet};
use super::{Engine, Urgency, autorent, digest, enqueue_private, hold};
use crate::clore::Currency;
use crate::core::Reply;
use crate::domain::WatchId;
use crate::domain::format::{self, per_day};
use crate::domain::quiet::DigestPeriod;
use crate::i18n::Lang;
use crate::market::{Query, QueryError, ServerView, Snapshot};
use crate::services::{Action, issue_tokens};
use crate::store::history::{self, PricePoint};
use crate::store::outbox::{self, NewAlert};
use crate::store::users;
use crate::store::watches::{self, Watch};
use crate::t;
use crate::text::{ECHO_MAX, clip};

/// Servers listed in one alert; more are summarised as "…and N more".
const MAX_LINES: usize = 10;
/// Rent buttons on one alert.
const MAX_RENT_BUTTONS: usize = 3;

/// What one poll did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PollReport {
    pub servers: usize,
    pub watches: usize,
    pub alerts: usize,
    pub autorents: usize,
}

/// The engine's memory of each watch's match set (mirrors `watch_matches`).
#[derive(Default)]
pub struct WatchMemory {
    pub matches: HashMap<WatchId, MatchSet>,
    pub previous: Option<Arc<Snapshot>>,
    /// The active watches and their index, kept while the watch set is unchanged.
    watched: Option<Arc<Watched>>,
    /// When each watch last fired since its row was loaded (the loaded rows keep the time
    /// they were read with: a fire does not reload the watch set).
    fired: HashMap<WatchId, chrono::DateTime<chrono::Utc>>,
    market: MarketMemory,
}

/// Active watches as loaded, and the index over them.
pub struct Watched {
    /// (count, newest change, sum of ids) of the active watches when loaded.
    signature: (i64, Option<chrono::DateTime<chrono::Utc>>, i64),
    rows: HashMap<WatchId, Watch>,
    index: watch::WatchIndex,
    /// The market watches (`count>=`, `drop>=` …), evaluated apart from the others.
    market: MarketIndex,
}

impl Engine {
    /// One market poll. Errors fetching the market are returned (the loop backs off).
    pub async fn poll_market(&self) -> anyhow::Result<PollReport> {
        let deps = &self.deps;
        let m = deps.clore.marketplace(self.cfg.market_key.as_ref()).await.context("marketplace fetch failed")?;
        let snap = Arc::new(Snapshot::from_market(&m.servers));
        deps.market.put(snap.clone()).await;
        let recorded = record_history(self, &snap).await?;

        let mut mem = self.memory.lock().await;
        let watched = self.active_watches(&mut mem).await?;
        let (by_id, index) = (&watched.rows, &watched.index);
        let watch_count = index.watches().len();
        let active: Vec<WatchId> = index.watches().iter().map(|w| w.id).collect();
        self.sync_memory(&mut mem, &active).await?;
        let now_sets = index.evaluate(&snap.servers);
        let previous = mem.previous.clone();
        let prev_index: HashMap<ServerId, &ServerView> =
            previous.as_ref().map(|p| p.servers.iter().map(|s| (s.id, s)).collect()).unwrap_or_default();
        let cur_index: HashMap<ServerId, &ServerView> = snap.servers.iter().map(|s| (s.id, s)).collect();

        let mut report = PollReport { servers: snap.servers.len(), watches: watch_count, ..Default::default() };
        // Names this poll in dedup keys: the state change and its alert commit together, so a
        // key only has to tell polls apart.
        let poll_id = uuid::Uuid::new_v4().simple().to_string();
        let now = self.deps.clock.now();
        for (i, w) in index.watches().iter().enumerate() {
            let now_set = now_sets.get(i).to_vec();
            let before = mem.matches.get(&w.id).cloned().unwrap_or_default();
            let fresh = watch::new_matches(&before, &now_set);
            let row = &by_id[&w.id];
            let last_fired = row.last_fired_at.max(mem.fired.get(&w.id).copied());
            let quiet = row.snoozed_until.is_some_and(|u| u > now)
                || last_fired.is_some_and(|t| (now - t).num_seconds() < i64::from(row.cooldown_secs));
            let fires = !fresh.is_empty() && !quiet;
            let keep = watch::remembered(&before, &now_set, fires);
            if !fires {
                if !watch::same_servers(&before, &keep) {
                    watches::replace_matches(&deps.pool, w.id, &keep).await?;
                    mem.matches.insert(w.id, keep);
                }
                continue;
            }
            // Rent buttons: a personal alert's are its owner's; a team alert's anyone's (and a
            // team alert links to renting privately and to the watch, to copy).
            let owner = (!row.is_team).then_some(row.owner_id);
            let chat = users::get_chat(&deps.pool, row.chat_id).await?;
            let owner_row = users::get_user(&deps.pool, row.owner_id).await?;
            let lang = alert_lang(row, chat.as_ref(), owner_row.as_ref());
            if row.autorent.is_some() {
                report.autorents += 1;
            }
            let reply = crate::i18n::scope(lang, async {
                let mut reply = if row.autorent.is_some() {
                    autorent::attempt(self, row, w, &fresh, &cur_index, owner_row.as_ref()).await?
                } else {
                    watch_alert(row, w, &fresh, &prev_index, &cur_index)
                };
                if row.autorent.is_none() {
                    // The alert's Rent buttons, issued in one statement.
                    let ids: Vec<ServerId> =
                        cheapest(&fresh).into_iter().take(MAX_RENT_BUTTONS).map(|(id, _)| id).collect();
                    let actions: Vec<Action> = ids.iter().map(|&server| Action::RentPrompt { server }).collect();
                    let with_ttl: Vec<(&Action, std::time::Duration)> =
                        actions.iter().map(|a| (a, a.ttl(deps))).collect();
                    let tokens = issue_tokens(&deps.pool, owner, &with_ttl).await?;
                    let team = row.is_team.then_some(w.id);
                    reply = message::with_rent_buttons(reply, ids.into_iter().zip(tokens).collect(), team);
                }
                anyhow::Ok(reply)
            })
            .await?;
            let Some(chat) = chat else { continue };
            let mut tx = deps.pool.begin().await?;
            // An auto-rent's outcome is told at once; a match may wait for a digest.
            let urgency = if row.autorent.is_some() { Urgency::Urgent } else { Urgency::MayWait(now) };
            let to = hold::To { platform: chat.platform, chat: Some(&chat.platform_chat_id), user: owner };
            let hold = hold::decide(&mut tx, &to, urgency, row.digest.as_deref().and_then(DigestPeriod::parse)).await?;
            outbox::enqueue(
                &mut *tx,
                &NewAlert {
                    dedup_key: format!("watch:{}:{poll_id}", w.id),
                    platform: chat.platform,
                    target_chat_id: Some(chat.platform_chat_id.clone()),
                    target_thread_id: row.thread_id.clone(),
                    target_user: owner,
                    payload: message::to_payload(&reply)?,
                    urgent: urgency == Urgency::Urgent,
                    hold,
                    part: row.autorent.is_none().then(|| digest::watch_part(row, w, &fresh)),
                },
            )
            .await?;
            watches::replace_matches(&mut *tx, w.id, &keep).await?;
            watches::mark_fired(&mut *tx, w.id, now).await?;
            tx.commit().await?;
            mem.matches.insert(w.id, keep);
            mem.fired.insert(w.id, now);
            report.alerts += 1;
        }
        let market = &mut mem.market;
        self.poll_market_watches(market, (by_id, &watched.market), &snap, &recorded, &poll_id, &mut report).await?;
        mem.previous = Some(snap);
        Ok(report)
    }

    /// The active watches and their index: reloaded and rebuilt only when the watch set has
    /// changed since the last poll (with 100,000 watches, loading and indexing them costs far
    /// more than evaluating them).
    async fn active_watches(&self, mem: &mut WatchMemory) -> anyhow::Result<Arc<Watched>> {
        let signature: (i64, Option<chrono::DateTime<chrono::Utc>>, i64) =
            watches::active_signature(&self.deps.pool).await?;
        if let Some(w) = &mem.watched
            && w.signature == signature
        {
            return Ok(w.clone());
        }
        // Watches found broken leave the active set as they load; the signature taken before
        // then differs from the next poll's, which loads once more (and finds them gone).
        let (mut rows, mut compiled, mut market) = (Vec::new(), Vec::new(), Vec::new());
        for (row, c) in load_active(&self.deps.pool).await? {
            if row.condition.is_none() {
                compiled.push(c);
            } else {
                match market_watch::compile(&row, c.query) {
                    Ok(m) => market.push(m),
                    Err(e) => {
                        retire_broken(&self.deps.pool, &row, &e).await?;
                        continue;
                    }
                }
            }
            rows.push(row);
        }
        let watched = Arc::new(Watched {
            signature,
            rows: rows.into_iter().map(|w| (w.id, w)).collect(),
            index: watch::WatchIndex::new(compiled),
            market: MarketIndex::new(market),
        });
        mem.watched = Some(watched.clone());
        Ok(watched)
    }

    /// Brings the engine's memory in line with the active watches: forgets deleted ones and
    /// loads the stored match state of ones it has not seen (created since, or by another
    /// process).
    async fn sync_memory(&self, mem: &mut WatchMemory, ids: &[WatchId]) -> anyhow::Result<()> {
        let active: std::collections::HashSet<WatchId> = ids.iter().copied().collect();
        mem.matches.retain(|id, _| active.contains(id));
        mem.fired.retain(|id, _| active.contains(id));
        let missing: Vec<i64> = ids.iter().filter(|id| !mem.matches.contains_key(id)).map(|id| id.0).collect();
        if missing.is_empty() {
            return Ok(());
        }
        let rows: Vec<(i64, i64, f64)> = watches::matches_of(&self.deps.pool, &missing).await?;
        for id in &missing {
            mem.matches.insert(WatchId(*id), Vec::new());
        }
        for (w, s, p) in rows {
            mem.matches.entry(WatchId(w)).or_default().push((ServerId::from_db(s), p));
        }
        Ok(())
    }
}

/// The language of a watch's alert: a personal one goes in its owner's language; a team one in
/// its chat's, if the chat's admins chose one, else its owner's.
pub(super) fn alert_lang(row: &Watch, chat: Option<&users::Chat>, owner: Option<&users::User>) -> Lang {
    let owner_choice = owner.and_then(|o| o.settings.locale.as_deref());
    let owner_app = owner.and_then(|o| o.platform_locale.as_deref());
    let chat_choice = if row.is_team { chat.and_then(|c| c.locale.as_deref()) } else { None };
    crate::i18n::resolve([chat_choice, owner_choice, owner_app])
}

/// A stored watch ready for evaluation: its query text read back by the parser `/watch`
/// used, and priced in the watch's currency, as `/watch` set it when creating the watch.
pub fn compile(w: &Watch) -> Result<CompiledWatch, QueryError> {
    Ok(CompiledWatch::new(w.id, Query::from_stored(&w.query, w.currency)?, w.currency))
}

/// Every active watch, its query read back from its text ([`compile`]). A watch whose text
/// no longer parses (the query language changed under it) is not skipped quietly: it is
/// turned off as broken, with the parser's message, and its owner is told once — both in
/// one transaction — while every other watch loads as usual.
pub async fn load_active(pool: &sqlx::PgPool) -> anyhow::Result<Vec<(Watch, CompiledWatch)>> {
    let rows = watches::list_active(pool).await?;
    let mut loaded = Vec::with_capacity(rows.len());
    for w in rows {
        match compile(&w) {
            Ok(c) => loaded.push((w, c)),
            Err(e) => retire_broken(pool, &w, &e).await?,
        }
    }
    Ok(loaded)
}

/// Turns a watch whose query no longer parses off, and tells its owner privately (dedup key
/// `watch-broken:<id>`: once, however many processes find it).
async fn retire_broken(pool: &sqlx::PgPool, w: &Watch, e: &QueryError) -> anyhow::Result<()> {
    let reason = e.to_string();
    tracing::warn!(watch = %w.id, error = %reason, "a stored watch's query no longer parses; turning it off");
    let mut tx = pool.begin().await?;
    if watches::mark_broken(&mut *tx, w.id, &reason).await?
        && let Some(owner) = users::get_user(&mut *tx, w.owner_id).await?
    {
        // The reason is stored as found (in English, outside any request); the owner's notice
        // gives the parser's message in their language (as /watches does).
        let notice = crate::i18n::sync_scope(owner.lang(), || {
            let reason = compile(w).err().map_or(reason.clone(), |e| e.to_string());
            broken_alert(w, &reason)
        });
        enqueue_private(&mut tx, &owner, &format!("watch-broken:{}", w.id), notice, Urgency::Urgent).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// "Watch #7 (4090 frobnicate=1) is broken and now off: …": which watch, why, what to do.
fn broken_alert(w: &Watch, reason: &str) -> Reply {
    Reply::text(t!("watch-broken-alert", id = w.id.to_string(), query = clip(&w.query, ECHO_MAX), reason = reason))
}

fn cheapest(set: &[(ServerId, f64)]) -> Vec<(ServerId, f64)> {
    let mut v = set.to_vec();
    v.sort_by(|a, b| a.1.total_cmp(&b.1));
    v
}

/// "Watch #3 (4090 max=0.4): 2 new matches" and a line per server, cheapest first; a server
/// whose price dropped since the last poll says old → new.
fn watch_alert(
    row: &Watch,
    w: &CompiledWatch,
    fresh: &[(ServerId, f64)],
    prev: &HashMap<ServerId, &ServerView>,
    cur: &HashMap<ServerId, &ServerView>,
) -> Reply {
    let c = w.currency;
    let spot = w.query.spot();
    let mut lines = vec![t!("watch-alert-title", id = row.id.to_string(), query = &row.query, n = fresh.len())];
    let sorted = cheapest(fresh);
    for (id, price) in sorted.iter().take(MAX_LINES) {
        let mut line = format!("#{id}");
        if let Some(s) = cur.get(id) {
            line.push_str(&format!(" {}× {}", s.gpu_count, s.model));
        }
        let old = prev.get(id).and_then(|s| s.price(c, spot)).filter(|old| *old > price + 1e-12);
        match old {
            Some(old) => line.push_str(&format!(" — {} → {}", format::money(old, c), per_day(*price, c))),
            None => line.push_str(&format!(" — {}", per_day(*price, c))),
        }
        if let Some(s) = cur.get(id) {
            if let Some(cc) = &s.cc {
                line.push_str(&format!(" — {cc}"));
            }
            if let Some(r) = s.reliability {
                line.push_str(&format!(" — {}", format::percent(r)));
            }
        }
        lines.push(line);
    }
    if sorted.len() > MAX_LINES {
        lines.push(t!("watch-alert-more", n = sorted.len() - MAX_LINES, query = &row.query));
    }
    if row.once {
        lines.push(t!("watch-alert-once"));
    }
    Reply::text(lines.join("\n"))
}

/// Per normalised model: cheapest, median, 10th and 90th percentile on-demand USD price of
/// free servers, and how many are free of how many listed (`market::stats`). Returns the
/// points recorded.
async fn record_history(e: &Engine, snap: &Snapshot) -> anyhow::Result<Vec<PricePoint>> {
    let at = chrono::DateTime::from_timestamp(snap.fetched_unix, 0).unwrap_or_else(chrono::Utc::now);
    let stats = crate::market::stats::by_model(&snap.servers);
    let points: Vec<PricePoint> = stats
        .iter()
        .map(|m| PricePoint {
            gpu_model: m.model.clone(),
            polled_at: at,
            currency: Currency::Usd,
            min_price: m.cheapest,
            median_price: m.median,
            available: m.free as i32,
            total: m.total as i32,
        })
        .collect();
    let bands: Vec<Option<history::Band>> =
        stats.iter().map(|m| Some(history::Band { p10: m.p10?, p90: m.p90? })).collect();
    history::record_banded(&e.deps.pool, &points, &bands).await?;
    Ok(points)
}
