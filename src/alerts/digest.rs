//! Digests (docs/alerts.md, "Quiet hours and digests"): the held alerts of a chat that may go
//! — its quiet hours over, its watches' digest periods ended, a burst's minute past — go out
//! as one message. Watch matches are grouped by watch, the best few still free listed with
//! counts, those no longer free counted apart, and Rent buttons only for what is still free
//! (by the current market snapshot); any other held alert is quoted as it was written.
//!
//! Exactly once across restarts and replicas: the digest is an outbox row written in the
//! transaction that marks its alerts delivered (`store::digests`), and is delivered like
//! every alert.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Engine;
use super::message;
use super::watch::CompiledWatch;
use crate::clore::{Currency, ServerId};
use crate::core::{ButtonStyle, Reply};
use crate::domain::OutboxId;
use crate::domain::format::per_day;
use crate::i18n::Lang;
use crate::market::Snapshot;
use crate::services::{Action, issue_tokens};
use crate::store::digests::{self, Held, Taken};
use crate::store::users;
use crate::store::watches::Watch;
use crate::t;
use crate::text::{ECHO_MAX, clip};

/// How often the engine looks for held alerts that may go: a quiet window's end, a digest
/// period's or a burst's is acted on within this.
pub const EVERY: Duration = Duration::from_secs(15);
/// Matches listed per watch; the rest still free are counted.
const BEST: usize = 3;
/// Rent buttons on one digest (Telegram shows them in rows; more would bury the text).
const MAX_RENT_BUTTONS: usize = 6;
/// Other held alerts quoted in one digest; more are counted.
const MAX_OTHERS: usize = 10;

/// What a digest needs of a watch's alert: the watch, and what newly matched at what price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchPart {
    pub watch: i64,
    pub query: String,
    pub currency: Currency,
    #[serde(default)]
    pub spot: bool,
    pub servers: Vec<(ServerId, f64)>,
}

/// The digest part of `row`'s alert on `fresh` matches.
pub fn watch_part(row: &Watch, w: &CompiledWatch, fresh: &[(ServerId, f64)]) -> serde_json::Value {
    let part = WatchPart {
        watch: row.id.0,
        query: row.query.clone(),
        currency: w.currency,
        spot: w.query.spot(),
        servers: fresh.to_vec(),
    };
    serde_json::to_value(part).unwrap_or_default()
}

impl Engine {
    /// Sends, as one digest per chat, the held alerts that may go now (by the engine's
    /// clock). Returns how many digests were written.
    pub async fn release_digests(&self) -> anyhow::Result<usize> {
        let now = self.deps.clock.now();
        let due: Vec<Held> = digests::held(&self.deps.pool, now)
            .await?
            .into_iter()
            .filter(|h| !h.quiet.and_then(|q| q.hours()).is_some_and(|q| q.is_quiet_at(now)))
            .collect();
        if due.is_empty() {
            return Ok(0);
        }
        // What is still free is judged by one snapshot for the whole round.
        let snap = match self.deps.market.get().await {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!(error = %e, "no market snapshot for digests; matches are sent unchecked");
                None
            }
        };
        let mut written = 0;
        for to in &due {
            written += self.write_digest(to, now, snap.as_ref()).await?;
        }
        Ok(written)
    }

    /// Folds the alerts held for `to` that may go at `now` into one digest; 0 if another
    /// process folded them first.
    async fn write_digest(
        &self,
        to: &Held,
        now: chrono::DateTime<chrono::Utc>,
        snap: Option<&Arc<Snapshot>>,
    ) -> anyhow::Result<usize> {
        let pool = &self.deps.pool;
        let lang = match (to.target_user_id, to.target_chat_id.as_deref()) {
            (Some(u), _) => users::get_user(pool, u).await?.map_or(Lang::En, |u| u.lang()),
            (None, Some(chat)) => {
                let chosen = digests::chat_locale(pool, to.platform, chat).await?;
                crate::i18n::resolve([chosen.as_deref()])
            }
            (None, None) => Lang::En,
        };
        let mut tx = pool.begin().await?;
        let taken = digests::take(&mut *tx, to, now).await?;
        if taken.is_empty() {
            return Ok(0);
        }
        let digest = crate::i18n::sync_scope(lang, || Digest::of(&taken, snap));
        // Rent buttons: a personal digest's are its owner's; a group's anyone's there.
        let actions: Vec<Action> = digest.rentable.iter().map(|&server| Action::RentPrompt { server }).collect();
        let with_ttl: Vec<(&Action, Duration)> = actions.iter().map(|a| (a, a.ttl(&self.deps))).collect();
        let tokens = issue_tokens(&mut *tx, to.target_user_id, &with_ttl).await?;
        let reply = crate::i18n::sync_scope(lang, || {
            digest.rentable.iter().zip(tokens).fold(digest.reply, |r, (id, token)| {
                r.with_button(t!("watch-rent-button", id = id.to_string()), ButtonStyle::Primary, token)
            })
        });
        let ids: Vec<OutboxId> = taken.iter().map(|t| t.id).collect();
        if digests::write(&mut tx, to, &ids, &message::to_payload(&reply)?).await?.is_none() {
            return Ok(0);
        }
        tx.commit().await?;
        metrics::counter!("clorebot_digests_total", "platform" => to.platform.as_str()).increment(1);
        Ok(1)
    }
}

/// A digest's text, and the servers it offers Rent buttons for.
struct Digest {
    reply: Reply,
    rentable: Vec<ServerId>,
}

/// One watch's matches across the alerts folded.
struct WatchMatches {
    query: String,
    currency: Currency,
    spot: bool,
    /// Each server once, at its latest price told.
    servers: BTreeMap<ServerId, f64>,
}

impl Digest {
    fn of(taken: &[Taken], snap: Option<&Arc<Snapshot>>) -> Digest {
        let mut watches: BTreeMap<i64, WatchMatches> = BTreeMap::new();
        let mut others: Vec<String> = Vec::new();
        for t in taken {
            let part = t.part.as_ref().and_then(|p| serde_json::from_value::<WatchPart>(p.0.clone()).ok());
            match part {
                Some(p) => {
                    let w = watches.entry(p.watch).or_insert_with(|| WatchMatches {
                        query: p.query.clone(),
                        currency: p.currency,
                        spot: p.spot,
                        servers: BTreeMap::new(),
                    });
                    w.servers.extend(p.servers);
                }
                None => others.push(message::from_payload(&t.payload.0).plain_text()),
            }
        }
        let mut reply = Reply::titled(t!("digest-title", n = taken.len()));
        let mut rentable = Vec::new();
        for (id, w) in &watches {
            let (lines, free) = watch_section(*id, w, snap);
            reply = reply.with_text(lines.join("\n"));
            rentable.extend(free.into_iter().take(BEST));
        }
        rentable.truncate(MAX_RENT_BUTTONS);
        if !others.is_empty() {
            let mut text: Vec<String> = others.iter().take(MAX_OTHERS).cloned().collect();
            if others.len() > MAX_OTHERS {
                text.push(t!("digest-others-more", n = others.len() - MAX_OTHERS));
            }
            reply = reply.with_text(text.join("\n\n"));
        }
        Digest { reply, rentable }
    }
}

/// "Watch #3 (4090 max=0.4): 5 matches", the best still free with their price
/// now, how many more are free and how many are no longer; and the free ones, cheapest first.
fn watch_section(id: i64, w: &WatchMatches, snap: Option<&Arc<Snapshot>>) -> (Vec<String>, Vec<ServerId>) {
    let c = w.currency;
    // Free now, at today's price; without a snapshot, as told.
    let mut free: Vec<(ServerId, f64, String)> = Vec::new();
    let mut gone = 0;
    for (&server, &told) in &w.servers {
        match snap {
            None => free.push((server, told, String::new())),
            Some(s) => match s.server(server).filter(|v| !v.rented) {
                Some(v) => {
                    let price = v.price(c, w.spot).unwrap_or(told);
                    free.push((server, price, format!(" {}× {}", v.gpu_count, v.model)));
                }
                None => gone += 1,
            },
        }
    }
    free.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut lines =
        vec![t!("digest-watch", id = id.to_string(), query = clip(&w.query, ECHO_MAX), n = w.servers.len())];
    for (server, price, what) in free.iter().take(BEST) {
        lines.push(format!("#{server}{what} — {}", per_day(*price, c)));
    }
    if free.len() > BEST {
        lines.push(t!("digest-more-free", n = free.len() - BEST));
    }
    if gone > 0 {
        lines.push(t!("digest-gone", n = gone));
    }
    // Unchecked servers get no Rent button.
    let rentable = if snap.is_some() { free.into_iter().map(|(s, _, _)| s).collect() } else { Vec::new() };
    (lines, rentable)
}
