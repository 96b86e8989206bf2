//! Delivery: notifiers claim due alerts from the outbox, send them, and mark them delivered;
//! a failed send is retried with backoff, and given up on after a while or when the platform
//! says it can never succeed (the user blocked the bot, the chat is gone).

use std::future::Future;
use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use super::message;
use crate::core::Reply;
use crate::store::outbox;
use crate::store::users::{self, ChatKind};
use crate::store::{Platform, UserId};

/// How often a sender looks for due alerts when the last round left none waiting.
pub const EVERY: Duration = Duration::from_secs(1);
/// Alerts claimed per round; a round's sends finish well inside the lease.
const BATCH: i64 = 20;
/// A claim lasts this long; a notifier that dies mid-send gives its alerts back after it.
const LEASE: Duration = Duration::from_secs(300);
/// A round starts sends for this long after its claim; what a chat has left then (a group
/// over its 20 messages a minute) goes back to the outbox for the next round. A send started
/// in time ends well inside the lease — a platform's limiter holds one back a minute at most
/// — so no other notifier takes over an alert that is still being sent.
const SENDING_FOR: Duration = Duration::from_secs(60);
/// Attempts before an alert is given up on.
const MAX_ATTEMPTS: i32 = 8;
/// Retry delays double from this, up to `MAX_DELAY`.
const FIRST_DELAY: Duration = Duration::from_secs(2);
const MAX_DELAY: Duration = Duration::from_secs(600);

/// Why a send did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Try again later (network, the platform is down); `after`: the platform said when
    /// (a 429's `retry_after`).
    Retry { after: Option<Duration>, why: String },
    /// The target is gone for good (the user blocked the bot, the chat was deleted).
    Gone(String),
    /// This alert can never be sent (the platform rejects it as it is).
    Permanent(String),
    /// Not now: the platform's limit for this chat leaves no room before `after`. Not a
    /// failed attempt; the alert waits in the outbox and keeps its place in the chat's order.
    Later { after: Duration },
}

impl SendError {
    pub fn retry(why: impl Into<String>) -> SendError {
        SendError::Retry { after: None, why: why.into() }
    }
}

/// Where an alert goes: a chat, and the user it is for when it is a private alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub platform: Platform,
    /// `None`: a private alert to a user whose private chat is not known yet; the notifier
    /// opens one with `user_platform_id` (Discord creates DM channels on demand).
    pub chat_id: Option<String>,
    /// A forum topic or thread within the chat.
    pub thread_id: Option<String>,
    pub user: Option<UserId>,
    pub user_platform_id: Option<String>,
}

/// A platform's way of sending a reply as an alert (with the renderer it uses for replies).
pub trait Notifier: Send + Sync {
    fn platform(&self) -> Platform;

    /// Only alerts within this scope (a console delivers its own); `None`: the whole platform.
    fn scope(&self) -> Option<outbox::Scope> {
        None
    }

    fn send(&self, target: &Target, reply: &Reply) -> impl Future<Output = Result<(), SendError>> + Send;

    /// The chat a private alert to a user whose private chat is not known yet goes to, when
    /// the platform says so without asking (a Telegram private chat has the user's id); a
    /// chat found gone is then marked so.
    fn private_chat_of(&self, _user_platform_id: &str) -> Option<String> {
        None
    }

    /// This process starts sending the platform's alerts, taking over from another: `recent`
    /// is what was delivered in the last minute (chat, how long ago), oldest first, for the
    /// per-chat limits to count — the process it replaces sent them.
    fn taking_over(&self, _recent: &[(String, Duration)]) {}
}

/// Readies `n` to take over sending: tells it what was delivered in the last minute, and
/// waits out a second (the per-chat limit of the platform the sender before may have just
/// used).
async fn take_over<N: Notifier>(pool: &PgPool, n: &N) {
    match outbox::delivered_within(pool, n.platform(), Duration::from_secs(60)).await {
        Ok(recent) => n.taking_over(&recent),
        Err(e) => tracing::warn!(error = %e, "could not read what was delivered lately"),
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Counts a notifier's own sends per chat in a sliding window, to keep to a platform's
/// per-chat limit (Telegram: 20 a minute per group; Discord: 5 per 5 s per channel) without
/// holding a round: a send the window has no room for is [`SendError::Later`].
pub struct SendWindows {
    limit: usize,
    span: Duration,
    sent: std::collections::HashMap<String, std::collections::VecDeque<std::time::Instant>>,
}

impl SendWindows {
    pub fn new(limit: usize, span: Duration) -> SendWindows {
        SendWindows { limit, span, sent: Default::default() }
    }

    /// Counts a send to `chat` at `now` if the window has room; else how long until it has.
    pub fn admit(&mut self, chat: &str, now: std::time::Instant) -> Result<(), Duration> {
        self.admit_n(chat, 1, now)
    }

    /// Counts `n` messages to `chat` (one alert split in parts) if the window has room for
    /// all of them (for at most its limit: a longer alert waits for an empty window).
    pub fn admit_n(&mut self, chat: &str, n: usize, now: std::time::Instant) -> Result<(), Duration> {
        let (span, n) = (self.span, n.clamp(1, self.limit));
        let sent = self.sent.entry(chat.to_owned()).or_default();
        while sent.front().is_some_and(|t| now.duration_since(*t) >= span) {
            sent.pop_front();
        }
        if sent.len() + n > self.limit {
            // Room comes when the oldest sends that are in the way leave the window.
            let blocking = sent[sent.len() + n - self.limit - 1];
            return Err(span.saturating_sub(now.duration_since(blocking)));
        }
        sent.extend(std::iter::repeat_n(now, n));
        if self.sent.len() > 10_000 {
            self.sent.retain(|_, s| s.back().is_some_and(|t| now.duration_since(*t) < span));
        }
        Ok(())
    }

    /// Counts sends made before now (by another process): `ago`, oldest first.
    pub fn seed(&mut self, chat: &str, ago: Duration) {
        let now = std::time::Instant::now();
        if let Some(at) = now.checked_sub(ago) {
            let _ = self.admit(chat, at);
        }
    }

    /// As [`SendWindows::admit_n`], as the error a notifier returns.
    pub fn check(windows: &std::sync::Mutex<SendWindows>, chat: &str, n: usize) -> Result<(), SendError> {
        windows
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .admit_n(chat, n, std::time::Instant::now())
            .map_err(|after| SendError::Later { after })
    }
}

/// Chats a round sends to at once. Alerts to one chat go one after another, in order; chats
/// are served side by side, so one slow or rate-limited chat does not hold up the rest.
const CHATS_AT_ONCE: usize = BATCH as usize;
/// Alerts claimed per chat per round: a chat with a backlog (a group past its limit) does not
/// fill a round on its own.
const PER_CHAT: i64 = 3;

/// What the rest of a chat's claimed alerts do after one was tried.
enum Then {
    Go,
    /// The chat is gone: the rest are given up too.
    Gone(String),
    /// The chat's limit is reached: the rest wait as long.
    Wait(Duration),
}

/// One round: claim, send, record. Returns how many were delivered.
pub async fn deliver_once<N: Notifier>(pool: &PgPool, n: &N) -> anyhow::Result<usize> {
    use futures_util::StreamExt;
    let scope = n.scope();
    let rows = outbox::claim_for(pool, n.platform(), scope.as_ref(), BATCH, PER_CHAT, LEASE).await?;
    let claimed = std::time::Instant::now();
    // Rows come oldest first; grouping keeps that order within each chat.
    let mut chats: Vec<(String, Vec<outbox::OutboxRow>)> = Vec::new();
    for row in rows {
        let key = outbox::chat_key(&row);
        match chats.iter_mut().find(|(k, _)| *k == key) {
            Some((_, c)) => c.push(row),
            None => chats.push((key, vec![row])),
        }
    }
    let per_chat = futures_util::stream::iter(chats)
        .map(|(_, rows)| async move {
            let mut delivered = 0;
            let mut rows = rows.into_iter();
            let mut then = Then::Go;
            let sent = async {
                for row in rows.by_ref() {
                    let (d, next) = deliver_row(pool, n, row).await?;
                    delivered += d;
                    then = next;
                    if !matches!(then, Then::Go) || claimed.elapsed() > SENDING_FOR {
                        break;
                    }
                }
                anyhow::Ok(())
            }
            .await;
            // What was not tried goes back (or, the chat being gone, is given up).
            let left: Vec<_> = rows.map(|r| r.id).collect();
            if !left.is_empty() {
                match &then {
                    Then::Gone(why) => outbox::mark_failed_all(pool, &left, &format!("gone: {why}")).await?,
                    Then::Wait(after) => outbox::release(pool, &left, *after).await?,
                    Then::Go => outbox::release(pool, &left, Duration::ZERO).await?,
                }
            }
            sent.map(|()| delivered)
        })
        .buffer_unordered(CHATS_AT_ONCE)
        .collect::<Vec<_>>()
        .await;
    let mut delivered = 0;
    for r in per_chat {
        delivered += r?;
    }
    Ok(delivered)
}

/// Sends one claimed alert and records the outcome: 1 if it was delivered, and what the
/// chat's next alerts should do.
async fn deliver_row<N: Notifier>(pool: &PgPool, n: &N, row: outbox::OutboxRow) -> anyhow::Result<(usize, Then)> {
    let reply = message::from_payload(&row.payload.0);
    let target = Target {
        platform: row.platform,
        chat_id: row.target_chat_id.clone(),
        thread_id: row.target_thread_id.clone(),
        user: row.target_user_id,
        user_platform_id: row.target_user_platform_id.clone(),
    };
    match n.send(&target, &reply).await {
        Ok(()) => {
            outbox::mark_delivered(pool, row.id).await?;
            metrics::counter!("clorebot_alerts_delivered_total", "platform" => row.platform.as_str()).increment(1);
            return Ok((1, Then::Go));
        }
        Err(SendError::Later { after }) => {
            outbox::release(pool, &[row.id], after).await?;
            return Ok((0, Then::Wait(after)));
        }
        Err(SendError::Permanent(why)) => {
            tracing::warn!(alert = %row.id, error = %why, "alert cannot be delivered; giving up");
            outbox::mark_failed(pool, row.id, &why).await?;
            metrics::counter!("clorebot_alerts_failed_total", "platform" => row.platform.as_str()).increment(1);
        }
        Err(SendError::Gone(why)) => {
            tracing::info!(alert = %row.id, error = %why, "alert target is gone; giving up");
            outbox::mark_failed(pool, row.id, &format!("gone: {why}")).await?;
            let chat = row
                .target_chat_id
                .clone()
                .or_else(|| row.target_user_platform_id.as_deref().and_then(|u| n.private_chat_of(u)));
            if let Some(chat) = &chat {
                // Later alerts to the chat are kept as gone, not sent, until it is back.
                let kind = if row.target_user_id.is_some() { ChatKind::Dm } else { ChatKind::Group };
                users::set_reach(pool, row.platform, chat, kind, "", users::Reach::Gone).await?;
                if let Some(user) = row.target_user_id {
                    users::forget_private_chat(pool, user, chat).await?;
                }
            }
            metrics::counter!("clorebot_alerts_failed_total", "platform" => row.platform.as_str()).increment(1);
            return Ok((0, Then::Gone(why)));
        }
        Err(SendError::Retry { why, .. }) if row.attempts >= MAX_ATTEMPTS => {
            tracing::warn!(alert = %row.id, attempts = row.attempts, error = %why, "alert failed too often; giving up");
            outbox::mark_failed(pool, row.id, &why).await?;
            metrics::counter!("clorebot_alerts_failed_total", "platform" => row.platform.as_str()).increment(1);
        }
        Err(SendError::Retry { after, why }) => {
            let backoff = crate::retry::doubled(FIRST_DELAY, (row.attempts.clamp(1, 16) - 1) as u32, MAX_DELAY);
            let delay = after.map_or(backoff, |a| a.max(Duration::from_secs(1)).min(MAX_DELAY));
            outbox::retry_later(pool, row.id, &why, delay).await?;
            // The chat's next alerts would only overtake this one.
            return Ok((0, Then::Wait(delay)));
        }
    }
    Ok((0, Then::Go))
}

/// Delivers a round every `every` (sooner while there is a backlog) until `stop`; a round
/// under way finishes first.
pub async fn run<N: Notifier>(pool: PgPool, n: N, every: Duration, stop: CancellationToken) {
    while !stop.is_cancelled() {
        let pause = match deliver_once(&pool, &n).await {
            Ok(k) if k as i64 >= BATCH => Duration::ZERO,
            Ok(_) => every,
            Err(e) => {
                tracing::warn!(error = %e, "alert delivery round failed");
                every.max(Duration::from_secs(5))
            }
        };
        let _ = tokio::time::timeout(pause, stop.cancelled()).await;
    }
}

/// How often a process not chosen to deliver a platform's alerts tries to take over, and
/// how often the chosen one checks that it still is.
const TAKE_OVER_EVERY: Duration = Duration::from_secs(5);
/// After taking over, alerts the previous sender had claimed are taken back this long later
/// rather than when their 5-minute lease ends: by then a sender that lost the lock but lives
/// on (cut off from the database) has noticed (within [`TAKE_OVER_EVERY`]) and ended the sends
/// it had started — started within [`SENDING_FOR`], held by a platform limiter a minute at
/// most, then bounded by the request timeout and, for the later parts of a split Discord
/// alert, their own limit: 5 + 60 + 60 + 15 + 30 s, and some to spare.
const RECLAIM_AFTER: Duration = Duration::from_secs(180);
/// As [`run`], in one process at a time: the one holding the advisory lock `lock`; the
/// others take over within [`TAKE_OVER_EVERY`] when it goes. A platform's limits count per
/// bot, not per process (Telegram's 30 a second and 1 a second per chat, Discord's 50 a
/// second), and one chat's alerts stay in order, only if one process sends them. Alerts a
/// dead process had claimed are sent [`RECLAIM_AFTER`] the takeover.
pub async fn run_elected<N: Notifier + Clone>(pool: PgPool, n: N, every: Duration, lock: i64, stop: CancellationToken) {
    let what = format!("sends the {} alerts", n.platform().as_str());
    let held = crate::store::while_holding(&pool, lock, TAKE_OVER_EVERY, &what, &stop, |chosen| {
        let (pool, n) = (pool.clone(), n.clone());
        async move {
            // A lost lock ends delivery after its current round, never in a send.
            tokio::join!(run_chosen(pool.clone(), n.clone(), every, chosen.clone()), reclaim(&pool, &n, &chosen));
            Ok(())
        }
    });
    if let Err(e) = held.await {
        tracing::warn!(error = %e, "alert delivery stopped");
    }
}

/// Delivery by the process just chosen: readied by [`take_over`], then [`run`] until `chosen`
/// is cancelled.
pub async fn run_chosen<N: Notifier>(pool: PgPool, n: N, every: Duration, chosen: CancellationToken) {
    take_over(&pool, &n).await;
    run(pool, n, every, chosen).await;
}

/// [`RECLAIM_AFTER`] a takeover, gives back the claims taken before it (by the sender this
/// process replaced) — unless `chosen` is cancelled first.
async fn reclaim<N: Notifier>(pool: &PgPool, n: &N, chosen: &CancellationToken) {
    let took_over: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT now()").fetch_one(pool).await.ok();
    tokio::select! {
        _ = chosen.cancelled() => {}
        _ = tokio::time::sleep(RECLAIM_AFTER) => if let Some(at) = took_over {
            match outbox::release_claimed_before(pool, n.platform(), at, LEASE).await {
                Ok(0) => {}
                Ok(k) => tracing::info!(alerts = k, "alerts the previous sender had claimed go out now"),
                Err(e) => tracing::warn!(error = %e, "could not take back the previous sender's claims"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_in_parts_takes_a_slot_per_part() {
        let mut w = SendWindows::new(5, Duration::from_secs(5));
        let t0 = std::time::Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        assert_eq!(w.admit_n("c", 3, at(0)), Ok(()));
        assert_eq!(w.admit("c", at(1000)), Ok(()));
        // 4 in the window: two more parts wait until the first three leave (at 5 s).
        assert_eq!(w.admit_n("c", 2, at(2000)), Err(Duration::from_secs(3)));
        assert_eq!(w.admit("c", at(2000)), Ok(()));
        // Full: one more waits until the oldest leaves; more parts than the limit wait for
        // an empty window, then take it whole.
        assert_eq!(w.admit("c", at(2500)), Err(Duration::from_millis(2500)));
        assert_eq!(w.admit_n("c", 9, at(5000)), Err(Duration::from_secs(2)));
        assert_eq!(w.admit_n("c", 9, at(7000)), Ok(()));
        assert!(w.admit("c", at(7001)).is_err());
        assert_eq!(w.admit("other", at(7001)), Ok(()), "each chat has its own window");
    }

    #[test]
    fn sends_another_process_made_count_after_a_takeover() {
        let mut w = SendWindows::new(5, Duration::from_secs(5));
        for ago in [4500, 3000, 2000, 1000, 10] {
            w.seed("c", Duration::from_millis(ago));
        }
        let wait = w.admit("c", std::time::Instant::now()).unwrap_err();
        assert!(wait > Duration::from_millis(300) && wait <= Duration::from_millis(500), "{wait:?}");
        w.seed("old", Duration::from_secs(9));
        assert_eq!(w.admit_n("old", 5, std::time::Instant::now()), Ok(()), "older than the window: not counted");
    }
}
