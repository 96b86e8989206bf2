//! Recording inbox items on the answer path without waiting behind other work: a
//! [`Recorder`] writes what arrives together in one statement ([`inbox::record_many`]), on a
//! connection of its own, so a Discord interaction's first answer waits for one insert —
//! never for a connection the commands under way are holding in the main pool.

use std::sync::Arc;

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::crypto::Keyring;
use super::inbox::{self, Item};
use crate::domain::Platform;

/// Items written in one statement at most.
const BATCH: usize = 200;
/// Items waiting to be written at most; past it, recording waits for room.
const QUEUE: usize = 4096;

struct Pending {
    platform: Platform,
    bot: i64,
    id: i64,
    body: String,
    owner: Uuid,
    /// Whether the item was new (false: recorded before), or why it could not be written.
    told: oneshot::Sender<Result<bool, String>>,
}

/// Writes inbox items for their callers, several at a time; clones share the writer.
#[derive(Clone)]
pub struct Recorder {
    tx: mpsc::Sender<Pending>,
}

impl Recorder {
    /// Starts the writer (needs a Tokio runtime) on a pool of one connection to `pool`'s
    /// database, opened when first needed.
    pub fn start(pool: &PgPool, ring: Arc<Keyring>) -> Recorder {
        let own = PgPoolOptions::new().max_connections(1).connect_lazy_with((*pool.connect_options()).clone());
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(write(own, ring, rx));
        Recorder { tx }
    }

    /// Records `item` for `owner`: true if it is new, false if its id was recorded before.
    pub async fn record(&self, owner: Uuid, item: Item<'_>) -> anyhow::Result<bool> {
        let (told, answer) = oneshot::channel();
        let pending =
            Pending { platform: item.platform, bot: item.bot, id: item.id, body: item.body.to_owned(), owner, told };
        self.tx.send(pending).await.map_err(|_| anyhow::anyhow!("the inbox writer has stopped"))?;
        answer.await.map_err(|_| anyhow::anyhow!("the inbox writer has stopped"))?.map_err(anyhow::Error::msg)
    }
}

/// Takes what waits (up to [`BATCH`]) and writes each bot's items in one statement.
async fn write(own: PgPool, ring: Arc<Keyring>, mut rx: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        while !batch.is_empty() {
            // One statement per platform, bot and owner (an owner changes when the heartbeat
            // lapses and the process goes on under a new id).
            let (platform, bot, owner) = (batch[0].platform, batch[0].bot, batch[0].owner);
            let (these, rest): (Vec<_>, Vec<_>) =
                batch.drain(..).partition(|p| p.platform == platform && p.bot == bot && p.owner == owner);
            batch = rest;
            let items: Vec<Item<'_>> = these.iter().map(|p| Item { platform, bot, id: p.id, body: &p.body }).collect();
            let written = inbox::record_many(&own, &ring, owner, &items).await;
            drop(items);
            // The same id twice in one statement is recorded once: the first is new.
            let mut fresh: std::collections::HashSet<i64> = match &written {
                Ok(ids) => ids.iter().copied().collect(),
                Err(_) => Default::default(),
            };
            for p in these {
                let _ = p.told.send(match &written {
                    Ok(_) => Ok(fresh.remove(&p.id)),
                    Err(e) => Err(format!("could not record in the inbox: {e}")),
                });
            }
        }
    }
}
