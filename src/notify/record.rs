//! Writing the shared record of sends (`store::platform_sends`) off the send path: a send is
//! handed to a background writer that inserts what came in every [`FLUSH_EVERY`] as one
//! batch, and prunes what no window counts any more. A process taking over reads it back and
//! keeps what it has not counted yet ([`SendLog::fresh`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::domain::Platform;
use crate::store::platform_sends::{self, Sent};

/// How long a send may wait to be written: a process taking over misses at most this much
/// of what its predecessor sent (and waits out a second before sending anyway).
const FLUSH_EVERY: Duration = Duration::from_millis(150);
/// What a taking-over process reads: the longest window of a platform's limits (Telegram's
/// 20 a minute per group).
pub const WINDOW: Duration = Duration::from_secs(60);
/// Rows are kept a little past [`WINDOW`], and pruned this often.
const KEEP: Duration = Duration::from_secs(70);
const PRUNE_EVERY: Duration = Duration::from_secs(10);
/// Sends waiting to be written; past this (the database is away) they are dropped: the
/// record is advice, and a flood must not grow memory.
const QUEUE_MAX: usize = 8192;

/// The handle a scheduler records its sends with.
#[derive(Clone)]
pub struct SendLog {
    tx: mpsc::Sender<(String, Instant)>,
    sender: i64,
    /// Per sending scheduler, the newest of its sends counted here already.
    counted: Arc<Mutex<HashMap<i64, DateTime<Utc>>>>,
}

impl SendLog {
    /// Starts the writer for `platform`'s sends (needs a Tokio runtime); it ends when the
    /// last handle is dropped, after writing what it holds.
    pub fn start(pool: PgPool, platform: Platform) -> SendLog {
        let (tx, rx) = mpsc::channel(QUEUE_MAX);
        let sender = rand::random::<i64>();
        tokio::spawn(write(pool, platform, sender, rx));
        SendLog { tx, sender, counted: Default::default() }
    }

    /// Which scheduler this is, as the record names it.
    pub fn sender(&self) -> i64 {
        self.sender
    }

    /// A message to `chat` left now.
    pub fn sent(&self, chat: String) {
        if self.tx.try_send((chat, Instant::now())).is_err() {
            tracing::debug!("the record of sends is behind; a send is not recorded");
        }
    }

    /// What of `recent` this process has not counted yet: others' sends newer than the ones
    /// taken before (a poller and an alert sender taking over together count each once).
    pub fn fresh<'a>(&self, recent: &'a [Sent]) -> Vec<&'a Sent> {
        let mut counted = self.counted.lock().unwrap_or_else(|p| p.into_inner());
        let before = counted.clone();
        let mut fresh = Vec::new();
        for s in recent.iter().filter(|s| s.sender != self.sender) {
            if before.get(&s.sender).is_none_or(|t| s.at > *t) {
                fresh.push(s);
                let newest = counted.entry(s.sender).or_insert(s.at);
                *newest = (*newest).max(s.at);
            }
        }
        fresh
    }
}

async fn write(pool: PgPool, platform: Platform, sender: i64, mut rx: mpsc::Receiver<(String, Instant)>) {
    let mut pruned = Instant::now();
    while let Some(first) = rx.recv().await {
        // Whatever else comes in the next moment goes in the same batch.
        tokio::time::sleep(FLUSH_EVERY).await;
        let mut batch = vec![first];
        while let Ok(s) = rx.try_recv() {
            batch.push(s);
        }
        let now = Instant::now();
        let ago: Vec<f64> = batch.iter().map(|(_, at)| now.duration_since(*at).as_secs_f64()).collect();
        let chats: Vec<String> = batch.into_iter().map(|(c, _)| c).collect();
        if let Err(e) = platform_sends::record(&pool, platform, sender, &chats, &ago).await {
            tracing::warn!(error = %e, sends = chats.len(), "could not record sends");
        }
        if pruned.elapsed() >= PRUNE_EVERY {
            pruned = Instant::now();
            if let Err(e) = platform_sends::prune(&pool, KEEP).await {
                tracing::warn!(error = %e, "could not prune the record of sends");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_is_counted_once_and_our_own_never() {
        let (tx, _rx) = mpsc::channel(1);
        let log = SendLog { tx, sender: 1, counted: Default::default() };
        let t0 = Utc::now();
        let sent = |chat: &str, secs: i64, sender: i64| Sent {
            chat: chat.into(),
            ago: Duration::ZERO,
            at: t0 + chrono::Duration::seconds(secs),
            sender,
        };
        let first = [sent("a", 0, 2), sent("b", 1, 2), sent("own", 1, 1)];
        assert_eq!(log.fresh(&first).len(), 2, "our own sends are counted as we make them");
        let second = [sent("a", 0, 2), sent("b", 1, 2), sent("c", 2, 2), sent("d", 1, 3)];
        let fresh: Vec<&str> = log.fresh(&second).iter().map(|s| s.chat.as_str()).collect();
        assert_eq!(fresh, ["c", "d"]);
    }
}
