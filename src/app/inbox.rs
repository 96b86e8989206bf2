//! The inbox's loops in a process (docs/architecture.md, "The inbox"): the heartbeat that
//! tells the other processes this one is alive, and the look, every second, for what dead
//! processes took from Discord and Telegram and left unanswered — taken over and finished
//! here — with the pruning of old rows.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::frontends::discord::Discord;
use crate::frontends::telegram::Telegram;
use crate::services::Deps;
use crate::store::{inbox, processes};

/// How often unfinished items of dead processes are looked for. With a process dead
/// `processes::DEAD_AFTER` (5 s) after its last heartbeat, a dead process's interaction is
/// taken over at most 6 s after the death, which leaves 4 s of Discord's bound of 10 to
/// finish it.
pub const RECOVER_EVERY: Duration = Duration::from_secs(1);
/// A heartbeat write taking longer than this counts as failed (the next one is due).
const BEAT_WITHIN: Duration = Duration::from_secs(2);
/// Done rows and forgotten processes are pruned this often.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// Writes this process's heartbeat every `processes::BEAT_EVERY` until `stop`, on a
/// connection of its own: a pool busy with work must not make a live process look dead.
pub async fn heartbeat(deps: Arc<Deps>, stop: CancellationToken) {
    use sqlx::Connection;
    let mut failing = false;
    let mut conn: Option<sqlx::PgConnection> = None;
    loop {
        let beat = async {
            if conn.is_none() {
                conn = Some(sqlx::PgConnection::connect_with(&deps.pool.connect_options()).await?);
            }
            match conn.as_mut() {
                Some(c) => deps.process.beat(c).await,
                None => Ok(()),
            }
        };
        let written = tokio::time::timeout(BEAT_WITHIN, beat).await;
        if !matches!(written, Ok(Ok(()))) {
            // Connected afresh next time: this one may be what is broken.
            conn = None;
        }
        match written {
            Ok(Ok(())) if failing => {
                failing = false;
                tracing::info!("the heartbeat is written again");
            }
            Ok(Ok(())) => {}
            Ok(Err(e)) if !failing => {
                failing = true;
                tracing::warn!(error = %e, "could not write the heartbeat");
            }
            Err(_) if !failing => {
                failing = true;
                tracing::warn!(within = ?BEAT_WITHIN, "the heartbeat was not written in time");
            }
            _ => {}
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(processes::BEAT_EVERY) => {}
        }
    }
}

/// Takes over and finishes what dead processes left, for the front-ends this process runs,
/// and prunes, until `stop`.
pub async fn recover(
    deps: Arc<Deps>,
    discord: Option<Arc<Discord>>,
    telegram: Option<Arc<Telegram>>,
    stop: CancellationToken,
) {
    let mut pruned = tokio::time::Instant::now();
    loop {
        if let Some(d) = &discord
            && let Err(e) = d.recover().await
        {
            tracing::warn!(error = %e, "could not look for interactions to take over");
        }
        if let Some(t) = &telegram
            && let Err(e) = t.recover().await
        {
            tracing::warn!(error = %e, "could not look for updates to take over");
        }
        if pruned.elapsed() >= PRUNE_EVERY {
            pruned = tokio::time::Instant::now();
            match (inbox::prune(&deps.pool).await, processes::prune(&deps.pool).await) {
                (Ok(items), Ok(procs)) => tracing::debug!(items, procs, "inbox pruned"),
                (Err(e), _) | (_, Err(e)) => tracing::warn!(error = %e, "could not prune the inbox"),
            }
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(RECOVER_EVERY) => {}
        }
    }
}
