//! Delivery: notifiers claim due alerts from the outbox, send them, and mark them delivered;
//! a failed send is retried with backoff, and given up on after a while or when the platform
//! says it can never succeed (the user blocked the bot, the chat is gone).
//!
//! A platform's alerts leave one process at a time, the holder of its delivery lock
//! ([`run_elected`]; with Telegram long polling, the poller: [`run_chosen`]). Its claims are
//! bound to its hold of the lock, not to a fixed wait: it starts no claim and no send once its
//! hold is no longer confirmed ([`crate::store::HOLD`] after the last confirmation), and every
//! send ends within [`SEND_WITHIN`]; so the process that takes the lock over gives back the
//! claims of the one before [`TAKEOVER_WAIT`] later, and sends them.

use std::time::Duration;

use sqlx::PgPool;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::message;
use crate::domain::ChatKind;
use crate::notify::{Notifier, SendError, Target};
use crate::store::users;
use crate::store::{HOLD, Holding, outbox, platform_sends};

/// How often a sender looks for due alerts when the last round left none waiting.
pub const EVERY: Duration = Duration::from_secs(1);
/// Alerts claimed per round; a round's sends finish well inside the lease.
const BATCH: i64 = 20;
/// A claim lasts this long unless given back sooner: a round ends within [`SENDING_FOR`] and a
/// send (and the writes after it), so a claim still held after a minute is a dead sender's
/// (one that was not elected; an elected sender's are given back by its successor).
const LEASE: Duration = Duration::from_secs(60);
/// A round starts sends for this long after its claim; what a chat has left then (a private
/// chat's third alert behind two slow ones) goes back to the outbox for the next round.
const SENDING_FOR: Duration = Duration::from_secs(10);
/// A send that has not ended after this is given up on and counts as a failed attempt, tried
/// again later: it may have gone out, as when the network fails mid-request. The bound lets a
/// process taking over know when the one before can no longer be sending ([`TAKEOVER_WAIT`]).
/// A platform's limiter (Telegram's send queue, Discord's 50 a second) holds an alert a second
/// at most — a chat's own limit is checked before, as [`SendError::Later`] — and a request
/// answers in milliseconds, so only a platform (or network) in trouble reaches it.
pub const SEND_WITHIN: Duration = Duration::from_secs(5);
/// Attempts before an alert is given up on.
const MAX_ATTEMPTS: i32 = 8;
/// Retry delays double from this, up to `MAX_DELAY`.
const FIRST_DELAY: Duration = Duration::from_secs(2);
const MAX_DELAY: Duration = Duration::from_secs(600);

/// Readies `n` to take over sending: tells it what was sent to the platform in the last
/// minute (the shared record of sends), and waits out a second (the per-chat limit of the
/// platform the sender before may have just used).
async fn take_over<N: Notifier>(pool: &PgPool, n: &N) {
    match platform_sends::recent(pool, n.platform(), crate::notify::record::WINDOW).await {
        Ok(recent) => n.taking_over(&recent),
        Err(e) => tracing::warn!(error = %e, "could not read what was sent lately"),
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
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

/// What a round did: how many it delivered, and how soon a chat of it has more to send — at
/// once (it sent its whole share and may have a backlog) or when its limit leaves room.
struct Round {
    delivered: usize,
    again_in: Option<Duration>,
}

impl Round {
    /// The pause before the next round: none while the rounds are full, else until a chat of
    /// this round can go on, `every` at most.
    fn pause(&self, every: Duration) -> Duration {
        if self.delivered as i64 >= BATCH { Duration::ZERO } else { self.again_in.map_or(every, |a| a.min(every)) }
    }
}

/// One round: claim, send, record. Returns how many were delivered.
pub async fn deliver_once<N: Notifier>(pool: &PgPool, n: &N) -> anyhow::Result<usize> {
    Ok(round(pool, n, None).await?.delivered)
}

/// As [`deliver_once`], by the holder of a delivery lock: claims as its tenure, claims nothing
/// and starts no send once `holding` is no longer confirmed, and gives back what it did not
/// send then.
pub async fn deliver_held<N: Notifier>(pool: &PgPool, n: &N, holding: &Holding) -> anyhow::Result<usize> {
    Ok(round(pool, n, Some(holding)).await?.delivered)
}

async fn round<N: Notifier>(pool: &PgPool, n: &N, holding: Option<&Holding>) -> anyhow::Result<Round> {
    use futures_util::StreamExt;
    let may_send = || holding.is_none_or(Holding::holds);
    if !may_send() {
        return Ok(Round { delivered: 0, again_in: None });
    }
    let scope = n.scope();
    let claimer = holding.map(Holding::id);
    let rows = outbox::claim_for(pool, n.platform(), scope.as_ref(), BATCH, PER_CHAT, LEASE, claimer).await?;
    let claimed = Instant::now();
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
            let share = rows.len() as i64 >= PER_CHAT;
            let mut rows = rows.into_iter();
            let mut then = Then::Go;
            let sent = async {
                // No send starts once the hold is past its confirmation.
                while may_send() && claimed.elapsed() <= SENDING_FOR {
                    let Some(row) = rows.next() else { break };
                    let (d, next) = deliver_row(pool, n, row).await?;
                    delivered += d;
                    then = next;
                    if !matches!(then, Then::Go) {
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
            // A chat that sent its whole share may have more waiting; one its limit holds
            // back can go on when the limit says.
            let again_in = match then {
                Then::Wait(after) => Some(after),
                Then::Go if share && left.is_empty() => Some(Duration::ZERO),
                _ => None,
            };
            sent.map(|()| (delivered, again_in))
        })
        .buffer_unordered(CHATS_AT_ONCE)
        .collect::<Vec<_>>()
        .await;
    let mut done = Round { delivered: 0, again_in: None };
    for r in per_chat {
        let (delivered, again_in) = r?;
        done.delivered += delivered;
        done.again_in = match (done.again_in, again_in) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    Ok(done)
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
    let sent = tokio::time::timeout(SEND_WITHIN, n.send(&target, &reply)).await.unwrap_or_else(|_| {
        tracing::warn!(alert = %row.id, "an alert's send did not end in time; it is tried again (it may have gone out)");
        Err(SendError::retry(format!("the send did not end within {} s; it may have gone out", SEND_WITHIN.as_secs())))
    });
    match sent {
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
                users::set_reach(pool, row.platform, chat, kind, "", crate::domain::Reach::Gone).await?;
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
        let pause = match round(&pool, &n, None).await {
            Ok(r) => r.pause(every),
            Err(e) => {
                tracing::warn!(error = %e, "alert delivery round failed");
                every.max(Duration::from_secs(5))
            }
        };
        let _ = tokio::time::timeout(pause, stop.cancelled()).await;
    }
}

/// How often a process not chosen to deliver a platform's alerts tries to take over (the
/// chosen one confirms its hold every [`crate::store::CONFIRM_EVERY`]).
pub const TAKE_OVER_EVERY: Duration = Duration::from_secs(1);
/// Time beyond a send's own bound for its outcome to be written, and for the two processes'
/// clocks to differ in pace.
const MARGIN: Duration = Duration::from_secs(2);
/// After taking over, the claims of the sender this process replaced are given back this long
/// after the lock was taken: by then that sender, dead or cut off, can no longer be sending.
/// It lost the lock before this process took it, so its hold ran out at most [`HOLD`] (2 s)
/// after the takeover and no send of it started later; the last one it started ended within
/// [`SEND_WITHIN`] (5 s) of its start; and [`MARGIN`] (2 s) is left for recording that send.
/// 2 + 5 + 2 = 9 s.
///
/// An alert a killed sender had claimed therefore goes out within [`TAKE_OVER_EVERY`] (1 s,
/// to take the free lock: a killed process's session ends with its connection) + 9 s + one
/// send (5 s at most, milliseconds normally) = 15 s of the kill. Alerts it had sent before
/// it died and not yet marked delivered are sent again: without an idempotency key on either
/// platform, those few are the honest limit.
pub const TAKEOVER_WAIT: Duration = HOLD.saturating_add(SEND_WITHIN).saturating_add(MARGIN);
const _: () = assert!(TAKE_OVER_EVERY.as_secs() + TAKEOVER_WAIT.as_secs() + SEND_WITHIN.as_secs() <= 20);

/// As [`run`], in one process at a time: the one holding the advisory lock `lock`; the
/// others take over within [`TAKE_OVER_EVERY`] when it goes. A platform's limits count per
/// bot, not per process (Telegram's 30 a second and 1 a second per chat, Discord's 50 a
/// second), and one chat's alerts stay in order, only if one process sends them. Alerts a
/// dead process had claimed are sent [`TAKEOVER_WAIT`] after the takeover.
pub async fn run_elected<N: Notifier + Clone>(pool: PgPool, n: N, every: Duration, lock: i64, stop: CancellationToken) {
    let what = format!("sends the {} alerts", n.platform().as_str());
    let held = crate::store::while_holding(&pool, lock, TAKE_OVER_EVERY, &what, &stop, |holding| {
        let (pool, n) = (pool.clone(), n.clone());
        async move {
            // A lost lock ends delivery after its current round; no send starts once the
            // hold is not confirmed.
            run_chosen(pool, n, every, holding).await;
            Ok(())
        }
    });
    if let Err(e) = held.await {
        tracing::warn!(error = %e, "alert delivery stopped");
    }
}

/// Delivery by the process just chosen (`holding` its lock): readied by [`take_over`], then
/// rounds as [`run`]'s (claimed as this tenure, none started past the hold's confirmation)
/// until `holding`'s token is cancelled; [`TAKEOVER_WAIT`] after the lock was taken, the
/// claims of the sender before go back to the outbox and out.
pub async fn run_chosen<N: Notifier>(pool: PgPool, n: N, every: Duration, holding: Holding) {
    take_over(&pool, &n).await;
    let stop = holding.token();
    let reclaim_at = holding.since() + TAKEOVER_WAIT;
    let mut reclaimed = false;
    while !stop.is_cancelled() {
        if !reclaimed && Instant::now() >= reclaim_at {
            reclaimed = reclaim(&pool, &n, &holding).await;
        }
        let pause = match round(&pool, &n, Some(&holding)).await {
            Ok(r) => r.pause(every),
            Err(e) => {
                tracing::warn!(error = %e, "alert delivery round failed");
                every.max(Duration::from_secs(5))
            }
        };
        // The claims to give back are given back on time, not a round later.
        let now = Instant::now();
        let pause = if reclaimed || now >= reclaim_at { pause } else { pause.min(reclaim_at - now) };
        let _ = tokio::time::timeout(pause, stop.cancelled()).await;
    }
}

/// Gives back the claims of every tenure but `holding`'s (the sender this process replaced),
/// while this process still holds the lock. Whether that is done (tried again next round if
/// the database failed).
async fn reclaim<N: Notifier>(pool: &PgPool, n: &N, holding: &Holding) -> bool {
    if !holding.holds() {
        return false;
    }
    match outbox::release_claims_of_others(pool, n.platform(), holding.id()).await {
        Ok(0) => true,
        Ok(k) => {
            tracing::info!(alerts = k, "alerts the previous sender had claimed go out now");
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not take back the previous sender's claims");
            false
        }
    }
}
