//! Delivery: notifiers claim due alerts from the outbox, send them, and mark them delivered;
//! a failed send is retried with backoff, and given up on after a while or when the platform
//! says it can never succeed (the user blocked the bot, the chat is gone).

use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use super::message;
use crate::domain::ChatKind;
use crate::notify::{Notifier, SendError, Target};
use crate::store::users;
use crate::store::{outbox, platform_sends};

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
    let took_over: Option<chrono::DateTime<chrono::Utc>> = crate::store::now(pool).await.ok();
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
