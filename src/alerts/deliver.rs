//! Delivery: notifiers claim due alerts from the outbox, send them, and mark them delivered;
//! a failed send is retried with backoff, and given up on after a while or when the platform
//! says it can never succeed (the user blocked the bot, the chat is gone).

use std::future::Future;
use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use super::message::AlertMessage;
use crate::store::Platform;
use crate::store::outbox::{self, OutboxRow};

/// Alerts claimed per round; a round's sends finish well inside the lease.
const BATCH: i64 = 20;
/// A claim lasts this long; a notifier that dies mid-send gives its alerts back after it.
const LEASE: Duration = Duration::from_secs(60);
/// Attempts before an alert is given up on.
const MAX_ATTEMPTS: i32 = 8;
/// Retry delays double from this, up to `MAX_DELAY`.
const FIRST_DELAY: Duration = Duration::from_secs(2);
const MAX_DELAY: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Try again later (network, rate limit, the platform is down).
    Retry(String),
    /// It will never work (blocked, chat deleted).
    Permanent(String),
}

/// A platform's way of sending an alert.
pub trait Notifier: Send + Sync {
    fn platform(&self) -> Platform;

    /// Only alerts to these chats (a console delivers its own); `None`: the whole platform.
    fn targets(&self) -> Option<Vec<String>> {
        None
    }

    fn send(&self, row: &OutboxRow, msg: &AlertMessage) -> impl Future<Output = Result<(), SendError>> + Send;
}

/// One round: claim, send, record. Returns how many were delivered.
pub async fn deliver_once<N: Notifier>(pool: &PgPool, n: &N) -> anyhow::Result<usize> {
    let targets = n.targets();
    let rows = outbox::claim_for(pool, n.platform(), targets.as_deref(), BATCH, LEASE).await?;
    let mut delivered = 0;
    for row in rows {
        let msg = AlertMessage::from_json(&row.payload.0);
        match n.send(&row, &msg).await {
            Ok(()) => {
                outbox::mark_delivered(pool, row.id).await?;
                metrics::counter!("clorebot_alerts_delivered_total", "platform" => row.platform.as_str()).increment(1);
                delivered += 1;
            }
            Err(SendError::Permanent(why)) => {
                tracing::warn!(alert = %row.id, error = %why, "alert cannot be delivered; giving up");
                outbox::mark_failed(pool, row.id, &why).await?;
                metrics::counter!("clorebot_alerts_failed_total", "platform" => row.platform.as_str()).increment(1);
            }
            Err(SendError::Retry(why)) if row.attempts >= MAX_ATTEMPTS => {
                tracing::warn!(alert = %row.id, attempts = row.attempts, error = %why, "alert failed too often; giving up");
                outbox::mark_failed(pool, row.id, &why).await?;
                metrics::counter!("clorebot_alerts_failed_total", "platform" => row.platform.as_str()).increment(1);
            }
            Err(SendError::Retry(why)) => {
                let delay = FIRST_DELAY.saturating_mul(1 << (row.attempts.clamp(1, 16) - 1)).min(MAX_DELAY);
                outbox::retry_later(pool, row.id, &why, delay).await?;
            }
        }
    }
    Ok(delivered)
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
