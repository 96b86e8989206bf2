//! Housekeeping: the leader's chores once an interval (`housekeeping_loop` in
//! `alerts/mod.rs` runs them; [`Engine::poll_accounts_at`] runs them first): expired buttons
//! and sealed secrets, price history and hosts' earnings compaction, and rent attempts to settle or give up on.

use std::time::Duration;

use crate::alerts::Engine;
use crate::domain::UserId;
use crate::store::{account_polls, intents};

/// Expired button tokens are kept this long (a late press still says "expired").
const TOKEN_GRACE: Duration = Duration::from_secs(86_400);
/// Price history is compacted this often.
const COMPACT_EVERY: Duration = Duration::from_secs(3600);

impl Engine {
    /// Leader-only chores, once an interval: expired buttons and sealed secrets go, price
    /// history thins out, accounts with rent attempts to settle are made due, and attempts
    /// nobody could settle are given up on. Returns the alerts this enqueued.
    pub async fn housekeep(&self) -> anyhow::Result<usize> {
        // Buttons expired a day ago are of no use to anyone, and sealed secrets are gone the
        // moment they expire.
        crate::store::actions::purge_expired(&self.deps.pool, TOKEN_GRACE).await?;
        crate::store::sealed::purge_expired(&self.deps.pool).await?;
        // A rent whose process died before it could tell made no rent poke: its account is
        // made due here, once the attempt is old enough to be settled (`reconcile.rs`).
        let unsettled = intents::open_older_than(&self.deps.pool, self.cfg.intent_grace).await?;
        let owners: std::collections::BTreeSet<UserId> = unsettled.iter().map(|i| i.user_id).collect();
        for user in owners {
            account_polls::poke(&self.deps.pool, user).await?;
        }
        let alerts = self.abandon_stale_intents().await?;
        self.compact_history().await;
        Ok(alerts)
    }

    /// Price history thins out with age (a day as polled, then 5-minute, then hourly rows),
    /// and so do hosts' earnings (a day as polled, then hourly), once an hour; a failure is logged and tried again next hour, never in the way of the
    /// chores above.
    async fn compact_history(&self) {
        use crate::store::history;
        {
            let mut last = self.compacted.lock().unwrap_or_else(|p| p.into_inner());
            if last.is_some_and(|t| t.elapsed() < COMPACT_EVERY) {
                return;
            }
            *last = Some(std::time::Instant::now());
        }
        match history::compact(&self.deps.pool, self.deps.clock.now(), &history::RETENTION).await {
            Ok(done) if done != history::Compacted::default() => tracing::info!(?done, "price history compacted"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not compact price history; trying again in an hour"),
        }
        match crate::store::host_earnings::compact(&self.deps.pool, self.deps.clock.now()).await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "hosts' earnings compacted"),
            Err(e) => tracing::warn!(error = %e, "could not compact hosts' earnings; trying again in an hour"),
        }
    }
}
