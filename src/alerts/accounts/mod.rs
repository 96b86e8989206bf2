//! The per-account poll: for each user with a key — their orders (endpoints ready, ending
//! soon, ended), their hosted servers (online ⇄ offline, rented ⇄ free), and their balance
//! against current spend. Each alert is enqueued in the transaction that records the state
//! change behind it, so it is sent once however often the poll runs or restarts.
//!
//! The schedule (docs/alerts.md), per account, with the interval `I` =
//! `CLOREBOT_ORDERS_POLL_SECS`:
//! - `my_orders` every `I` while the user is busy — an order running, a rent attempt open, or
//!   either within the last hour — otherwise every [`QUIET_EVERY`] × `I`; a rent makes it due
//!   at once ([`account_polls::poke`]).
//! - `my_servers` every `I` for hosts; for others once, then daily
//!   ([`HOST_RECHECK`](account_polls::HOST_RECHECK)) or when `/myservers` or `/hostset` finds
//!   servers.
//! - `wallets` only while orders run (balance alerts), at most every [`WALLETS_EVERY`].
//!
//! Accounts are claimed from `account_polls` with a lease by every process (replicas share
//! the work), each with its own phase within the interval, and their calls spend the
//! process's Clore budget ([`crate::clore::budget`]).
//!
//! One file per job:
//! - `mod.rs`: the poll loop: claiming, polling accounts side by side, giving them back, and
//!   one account's visit tying the others together;
//! - `schedule.rs`: which account is due for what ([`Plan`], [`Seen`], [`next_polls`]), and
//!   claiming due accounts;
//! - `orders.rs`: order alerts (endpoints ready, ending soon, ended);
//! - `guards.rs`: spot guards (the bid kept ahead within its cap, an outbid seen);
//! - `rebid.rs`: renting again after an outbid, or offering to;
//! - `hosts.rs`: what hosted servers did (the earnings estimate) and their alerts (offline ⇄
//!   online, rented ⇄ free);
//! - `balance.rs`: low balance alerts;
//! - `housekeeping.rs`: the leader's chores ([`Engine::housekeep`]), run before a fixed-time
//!   pass too.

mod balance;
mod guards;
mod hosts;
mod housekeeping;
mod orders;
mod rebid;
mod schedule;
mod undercut;

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use secrecy::ExposeSecret;
use tokio_util::sync::CancellationToken;

use self::schedule::Claimed;
pub use self::schedule::{BUSY_FOR, Plan, QUIET_EVERY, Seen, WALLETS_EVERY, next_polls};
use super::{Engine, contained};
use crate::clore::{ApiKey, CloreError};
use crate::domain::UserId;
use crate::store::account_polls::{self, Due};
use crate::store::crypto::SecretKind;
use crate::store::orders as tracked;
use crate::store::users::User;
use crate::store::{intents, secrets, users};

/// Keyed users without a row are looked for this often (a stored key also enrolls at once).
const ENROLL_EVERY: Duration = Duration::from_secs(10);
/// With nothing due, the next look for due accounts comes this much later.
const IDLE: Duration = Duration::from_secs(1);

/// What one pass of the account poll did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountsReport {
    /// Accounts polled (their key usable or not).
    pub users: usize,
    pub alerts: usize,
    /// The accounts this engine polled, in the order their polls ended.
    pub polled: Vec<UserId>,
}

/// How a pass finds its time and when it ends.
#[derive(Clone, Copy)]
enum Pass {
    /// Every account due at this time, then return (tests step the schedule this way).
    At(DateTime<Utc>),
    /// Continuously, on the wall clock.
    Running,
}

impl Engine {
    /// Housekeeping (see [`Engine::housekeep`]), then one pass over every account due at
    /// `at`, this engine claiming what others have not. `at` is passed so a schedule can be
    /// stepped through cycle by cycle; `clorebot run` polls continuously instead
    /// ([`Engine::run_account_polls`]).
    pub async fn poll_accounts_at(&self, at: DateTime<Utc>) -> anyhow::Result<AccountsReport> {
        let mut report = AccountsReport { alerts: self.housekeep().await?, ..Default::default() };
        self.poll_pass(Pass::At(at), &CancellationToken::new(), &mut report).await?;
        Ok(report)
    }

    /// Every process's share of the account poll, until `stop`; polls under way then finish.
    pub async fn run_account_polls(self: std::sync::Arc<Self>, stop: CancellationToken) {
        let mut report = AccountsReport::default();
        while !stop.is_cancelled() {
            if let Some(probe) = self.probe.get() {
                probe("account");
            }
            // Only the database failing ends a pass early; it is tried again shortly.
            if let Err(e) = self.poll_pass(Pass::Running, &stop, &mut report).await {
                tracing::warn!(error = %format!("{e:#}"), "the account poll failed; trying again shortly");
                let _ = tokio::time::timeout(Duration::from_secs(5), stop.cancelled()).await;
            }
            report = AccountsReport::default();
        }
    }

    /// Claims due accounts and polls them side by side (each key has its own Clore limit, so
    /// many wait at once), topping up as they finish; the polls under way keep running while
    /// the next claim waits on the database. `Pass::At` ends when nothing is due and nothing
    /// runs (or on a database error); `Pass::Running` only when `stop` comes and what runs has
    /// finished — a failing database is logged and tried again, never a reason to drop polls.
    async fn poll_pass(&self, pass: Pass, stop: &CancellationToken, report: &mut AccountsReport) -> anyhow::Result<()> {
        let cap = self.accounts_at_once();
        let fixed = matches!(pass, Pass::At(_));
        let mut running = FuturesUnordered::new();
        let mut claiming: Option<futures_util::future::BoxFuture<'_, anyhow::Result<Claimed>>> = None;
        let mut enrolled_at: Option<tokio::time::Instant> = None;
        let mut next_claim = tokio::time::Instant::now();
        loop {
            let now = tokio::time::Instant::now();
            let stopping = stop.is_cancelled();
            // Stopping, a claim under way is still seen through: what it took is polled.
            if !stopping
                && claiming.is_none()
                && running.len() <= cap / 2
                && (now >= next_claim || (fixed && running.is_empty()))
            {
                let enroll = enrolled_at.is_none_or(|t| now - t >= ENROLL_EVERY);
                if enroll {
                    enrolled_at = Some(now);
                }
                claiming = Some(Box::pin(self.claim_due(pass, cap - running.len(), enroll)));
            }
            if running.is_empty() && claiming.is_none() {
                if stopping {
                    return Ok(());
                }
                let _ = tokio::time::timeout(next_claim.saturating_duration_since(now), stop.cancelled()).await;
                continue;
            }
            tokio::select! {
                Some((uid, outcome)) = running.next(), if !running.is_empty() => match outcome {
                    Ok(Some(n)) => {
                        report.users += 1;
                        report.alerts += n;
                        report.polled.push(uid);
                    }
                    Ok(None) => {}
                    // One account's trouble (a revoked key, Clore hiccups) must not stop the others.
                    Err(e) => {
                        report.users += 1;
                        report.polled.push(uid);
                        tracing::warn!(user = %uid, error = %format!("{e:#}"), "account poll failed");
                    }
                },
                claimed = async { claiming.as_mut().expect("guarded").await }, if claiming.is_some() => {
                    claiming = None;
                    match claimed {
                        Ok(c) => {
                            // When this look found fewer than it could take, the next waits:
                            // running on, a moment; at a fixed time, until what it took is done.
                            if c.rows.len() < c.wanted {
                                next_claim = tokio::time::Instant::now() + if fixed { Duration::from_secs(86_400) } else { IDLE };
                            }
                            if c.rows.is_empty() && running.is_empty() && fixed {
                                return Ok(());
                            }
                            for row in c.rows {
                                running.push(self.poll_claimed(row, c.token, c.at, fixed));
                            }
                        }
                        Err(e) if fixed => return Err(e),
                        Err(e) => {
                            tracing::warn!(error = %format!("{e:#}"), "could not claim due accounts; trying again shortly");
                            next_claim = tokio::time::Instant::now() + Duration::from_secs(5);
                        }
                    }
                },
                _ = tokio::time::sleep_until(next_claim), if claiming.is_none() && !stopping && running.len() <= cap / 2 => {}
                _ = stop.cancelled(), if !stopping => {}
            }
        }
    }

    /// Polls one claimed account and gives it back with its next due times; `fixed`: a pass
    /// at a fixed time, whose observations are taken to be at `at`. The poll gets
    /// half its lease: a poll cut short is a failed one (its transactions roll back whole),
    /// and no other poll of the account can start while this one might still run.
    async fn poll_claimed(
        &self,
        row: Due,
        token: uuid::Uuid,
        at: DateTime<Utc>,
        fixed: bool,
    ) -> (UserId, anyhow::Result<Option<usize>>) {
        let started = std::time::Instant::now();
        let plan = Plan::of(&row, at);
        let mut seen = Seen::default();
        let within = self.cfg.account_lease / 2;
        // One account's panic is that account's failure, not the poll's.
        let polled = contained(
            "the account poll",
            crate::clore::budget::background(self.poll_account(&row, plan, fixed.then_some(at), &mut seen)),
        );
        let outcome = tokio::time::timeout(within, polled)
            .await
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the account poll took longer than {within:?} and was cut short")));
        let uid = row.user_id;
        let given_back = if seen.keyless {
            account_polls::forget(&self.deps.pool, uid).await.map(|()| true)
        } else {
            let next = next_polls(&row, plan, &seen, at, self.cfg.orders_poll);
            account_polls::finish(&self.deps.pool, token, &row, &next, at).await
        };
        match given_back {
            Ok(true) => {}
            Ok(false) => tracing::warn!(user = %uid, "an account poll outlasted its lease"),
            // The lease runs out and the account is polled again then.
            Err(e) => tracing::warn!(user = %uid, error = %e, "could not record an account poll"),
        }
        metrics::counter!("clorebot_accounts_polled_total").increment(1);
        metrics::histogram!("clorebot_account_poll_calls").record(f64::from(seen.calls));
        metrics::counter!("clorebot_account_calls_total").increment(u64::from(seen.calls));
        metrics::histogram!("clorebot_account_poll_seconds").record(started.elapsed().as_secs_f64());
        if let Some(prev) = row.polled_at {
            metrics::histogram!("clorebot_account_cycle_seconds").record((at - prev).as_seconds_f64().max(0.0));
        }
        metrics::histogram!("clorebot_account_poll_lag_seconds").record((at - row.due_at).as_seconds_f64().max(0.0));
        (uid, if seen.keyless { Ok(None) } else { outcome })
    }

    /// One account; `None` when its key is unusable (it is told so when it next uses a command).
    /// `at`: the time its observations count at, else when each answer came.
    async fn poll_account(
        &self,
        row: &Due,
        plan: Plan,
        at: Option<DateTime<Utc>>,
        seen: &mut Seen,
    ) -> anyhow::Result<Option<usize>> {
        let uid = row.user_id;
        let stored = secrets::get(&self.deps.pool, &self.deps.keyring, uid, SecretKind::CloreApiKey).await?;
        let Some(stored) = stored else {
            seen.keyless = true;
            return Ok(None);
        };
        let Some(user) = users::get_user(&self.deps.pool, uid).await? else { return Ok(None) };
        let secrets::Stored::Usable(k) = stored else { return Ok(None) };
        let Ok(key) = ApiKey::parse(k.expose_secret()) else { return Ok(None) };
        self.poll_user(&user, &key, plan, at, seen).await.map(Some)
    }

    async fn poll_user(
        &self,
        user: &User,
        key: &ApiKey,
        plan: Plan,
        at: Option<DateTime<Utc>>,
        seen: &mut Seen,
    ) -> Result<usize, anyhow::Error> {
        let mut alerts = 0;
        // With a rent attempt open (see `reconcile.rs`), orders are looked at every visit and
        // completed ones are asked for too: the order it may have made could have ended already.
        // (The claim said whether any is open: no query for the many with none.)
        let open = if plan.settling { intents::open_for_user(&self.deps.pool, user.id).await? } else { Vec::new() };
        seen.busy |= !open.is_empty();
        if plan.orders || !open.is_empty() {
            // Every keyed user's orders, not only those the bot rented: an order made on the
            // web dashboard gets its alerts too.
            let asked_at = self.deps.clock.now();
            seen.calls += 1;
            let mut listed = self.deps.clore.my_orders(key, !open.is_empty()).await?.orders;
            if !open.is_empty() {
                alerts += self.settle_intents(user, &open, &listed, asked_at).await?;
                listed.retain(|o| !o.expired);
            }
            seen.busy |= listed.iter().any(|o| !o.expired);
            let active = tracked::active_for_user(&self.deps.pool, user.id).await?;
            // Guards first: an outbid order is told by its guard, in place of the ended alert.
            let (sent, told_ended) = self.check_guards(user, key, &listed, &active).await?;
            alerts += sent;
            // What the guards told is done. (An order a guard rented again is not in `active`
            // either: it waits for the next poll, whose list has it.)
            let active: Vec<_> = active.into_iter().filter(|t| !told_ended.contains(&t.order_id)).collect();
            alerts += self.check_orders(user, &active, &listed).await?;
            alerts += self.check_balance(user, key, &listed, plan.wallets, seen).await?;
        }
        if plan.servers {
            seen.calls += 1;
            match self.deps.clore.my_servers(key).await {
                Ok(mine) => {
                    seen.host = Some(!mine.servers.is_empty());
                    let observed_at = at.unwrap_or_else(|| self.deps.clock.now());
                    alerts += self.check_hosts(user, key, &mine.servers, observed_at, seen).await?;
                    alerts += self.check_undercut(user, &mine.servers, observed_at).await?;
                }
                Err(CloreError::InvalidKey) => return Ok(alerts),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(alerts)
    }
}
