//! The per-account poll: for each user with a key — their orders (endpoints ready, ending
//! soon, ended), their hosted servers (online ⇄ offline, rented ⇄ free), and their balance
//! against current spend. Each alert is enqueued in the transaction that records the state
//! change behind it, so it is sent once however often the poll runs or restarts.
//!
//! The schedule (README "Alerts"), per account, with the interval `I` =
//! `CLOREBOT_ORDERS_POLL_SECS`:
//! - `my_orders` every `I` while the user is busy — an order running, a rent attempt open, or
//!   either within the last hour — otherwise every [`QUIET_EVERY`] × `I`; a rent makes it due
//!   at once ([`account_polls::poke`]).
//! - `my_servers` every `I` for hosts; for others once, then daily ([`HOST_RECHECK`]) or when
//!   `/myservers` or `/hostset` finds servers.
//! - `wallets` only while orders run (balance alerts), at most every [`WALLETS_EVERY`].
//!
//! Accounts are claimed from `account_polls` with a lease by every process (replicas share
//! the work), each with its own phase within the interval, and their calls spend the
//! process's Clore budget ([`crate::clore::budget`]).

use crate::clore::OrderId;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use secrecy::ExposeSecret;
use tokio_util::sync::CancellationToken;

use super::{Engine, contained, enqueue_private};
use crate::clore::{ApiKey, CloreError, Currency, Order};
use crate::core::Reply;
use crate::core::views::rent::endpoint_lines;
use crate::domain::UserId;
use crate::domain::format::{self, money, per_day};
use crate::store::account_polls::HOST_RECHECK;
use crate::store::account_polls::{self, Due, Next};
use crate::store::crypto::SecretKind;
use crate::store::orders::{self as tracked, HostServer, OrderFlag};
use crate::store::users::User;
use crate::store::{intents, secrets, users};
use crate::t;

/// Expired button tokens are kept this long (a late press still says "expired").
const TOKEN_GRACE: Duration = Duration::from_secs(86_400);

/// A user who is not busy has their orders looked at every this many intervals.
pub const QUIET_EVERY: u32 = 5;
/// A user counts as busy this long after their last running order, open attempt or rent.
pub const BUSY_FOR: Duration = Duration::from_secs(3600);
/// Balances are asked for at most this often per user.
pub const WALLETS_EVERY: Duration = Duration::from_secs(600);
/// Keyed users without a row are looked for this often (a stored key also enrolls at once).
const ENROLL_EVERY: Duration = Duration::from_secs(10);
/// Price history is compacted this often.
const COMPACT_EVERY: Duration = Duration::from_secs(3600);
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

/// Which of an account's calls are due at a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub orders: bool,
    pub servers: bool,
    pub wallets: bool,
    /// Rent attempts are open: orders are asked for whatever the schedule says.
    pub settling: bool,
}

impl Plan {
    pub fn of(row: &Due, at: DateTime<Utc>) -> Plan {
        Plan {
            orders: row.orders_due_at <= at,
            // Unknown hosts are asked, to learn.
            servers: row.servers_due_at <= at || row.host.is_none(),
            wallets: row.wallets_after.is_none_or(|t| t <= at),
            settling: row.settling,
        }
    }
}

/// What a poll found out, for the schedule; filled in as the poll goes, so a failure half
/// way keeps what was learned.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    /// An order running or a rent attempt open.
    pub busy: bool,
    /// `my_servers` answered: whether it listed any.
    pub host: Option<bool>,
    pub wallets_asked: bool,
    /// Clore calls made.
    pub calls: u32,
    /// The user has no key stored any more.
    pub keyless: bool,
}

/// `base + gap`, or, when the poll runs so late that this has passed, `at + gap`.
fn after(base: DateTime<Utc>, gap: Duration, at: DateTime<Utc>) -> DateTime<Utc> {
    let gap = chrono::Duration::from_std(gap).unwrap_or(chrono::Duration::MAX);
    let next = base.checked_add_signed(gap).unwrap_or(DateTime::<Utc>::MAX_UTC);
    if next > at { next } else { at.checked_add_signed(gap).unwrap_or(DateTime::<Utc>::MAX_UTC) }
}

/// The account's next due times after a visit at `at` that was due for `plan` (whatever its
/// calls answered: a failing account waits its turn like the others). Both calls step from
/// the visit's own due time, so they stay in phase and a host's two calls share one visit.
pub fn next_polls(row: &Due, plan: Plan, seen: &Seen, at: DateTime<Utc>, every: Duration) -> Next {
    let busy_at = if seen.busy { Some(at) } else { row.busy_at };
    let busy = busy_at.is_some_and(|b| (at - b).to_std().is_ok_and(|d| d < BUSY_FOR) || b > at);
    let host = seen.host.or(row.host);
    let orders_gap = if busy { every } else { every.saturating_mul(QUIET_EVERY) };
    let servers_gap = if host == Some(false) { HOST_RECHECK } else { every };
    Next {
        orders_due_at: if plan.orders { after(row.due_at, orders_gap, at) } else { row.orders_due_at },
        servers_due_at: if plan.servers { after(row.due_at, servers_gap, at) } else { row.servers_due_at },
        wallets_after: if seen.wallets_asked {
            at.checked_add_signed(chrono::Duration::from_std(WALLETS_EVERY).unwrap_or_default())
        } else {
            row.wallets_after
        },
        host,
        busy_at,
    }
}

/// What one claim took.
struct Claimed {
    rows: Vec<Due>,
    wanted: usize,
    token: uuid::Uuid,
    at: DateTime<Utc>,
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
    /// once an hour; a failure is logged and tried again next hour, never in the way of the
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
        match history::compact(&self.deps.pool, Utc::now(), &history::RETENTION).await {
            Ok(done) if done != history::Compacted::default() => tracing::info!(?done, "price history compacted"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not compact price history; trying again in an hour"),
        }
    }

    /// About a second of the budget's work in hand: enough that the budget, not waiting, bounds
    /// the poll, and little enough that replicas share the last accounts of a busy cycle
    /// evenly (what one has claimed, the others cannot take).
    fn accounts_at_once(&self) -> usize {
        self.cfg.accounts_at_once.unwrap_or_else(|| (self.deps.clore.max_rps() as usize).clamp(16, 1024)).max(1)
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
                                running.push(self.poll_claimed(row, c.token, c.at));
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

    /// Enrolls new keyed users (when `enroll`) and claims up to `wanted` due accounts.
    async fn claim_due(&self, pass: Pass, wanted: usize, enroll: bool) -> anyhow::Result<Claimed> {
        let pool = &self.deps.pool;
        let at = match pass {
            Pass::At(t) => t,
            Pass::Running => account_polls::now(pool).await?,
        };
        if enroll {
            account_polls::enroll(pool, at, self.cfg.orders_poll).await?;
            metrics::gauge!("clorebot_accounts_keyed").set(account_polls::count(pool).await? as f64);
        }
        let token = uuid::Uuid::new_v4();
        let rows = account_polls::claim(pool, token, at, wanted, self.cfg.account_lease).await?;
        Ok(Claimed { rows, wanted, token, at })
    }

    /// Polls one claimed account and gives it back with its next due times. The poll gets
    /// half its lease: a poll cut short is a failed one (its transactions roll back whole),
    /// and no other poll of the account can start while this one might still run.
    async fn poll_claimed(
        &self,
        row: Due,
        token: uuid::Uuid,
        at: DateTime<Utc>,
    ) -> (UserId, anyhow::Result<Option<usize>>) {
        let started = std::time::Instant::now();
        let plan = Plan::of(&row, at);
        let mut seen = Seen::default();
        let within = self.cfg.account_lease / 2;
        // One account's panic is that account's failure, not the poll's.
        let polled =
            contained("the account poll", crate::clore::budget::background(self.poll_account(&row, plan, &mut seen)));
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
    async fn poll_account(&self, row: &Due, plan: Plan, seen: &mut Seen) -> anyhow::Result<Option<usize>> {
        let uid = row.user_id;
        let stored = secrets::get(&self.deps.pool, &self.deps.keyring, uid, SecretKind::CloreApiKey).await?;
        let Some(stored) = stored else {
            seen.keyless = true;
            return Ok(None);
        };
        let Some(user) = users::get_user(&self.deps.pool, uid).await? else { return Ok(None) };
        let secrets::Stored::Usable(k) = stored else { return Ok(None) };
        let Ok(key) = ApiKey::parse(k.expose_secret()) else { return Ok(None) };
        self.poll_user(&user, &key, plan, seen).await.map(Some)
    }

    async fn poll_user(&self, user: &User, key: &ApiKey, plan: Plan, seen: &mut Seen) -> Result<usize, anyhow::Error> {
        let mut alerts = 0;
        // With a rent attempt open (see `reconcile.rs`), orders are looked at every visit and
        // completed ones are asked for too: the order it may have made could have ended already.
        // (The claim said whether any is open: no query for the many with none.)
        let open = if plan.settling { intents::open_for_user(&self.deps.pool, user.id).await? } else { Vec::new() };
        seen.busy |= !open.is_empty();
        if plan.orders || !open.is_empty() {
            // Every keyed user's orders, not only those the bot rented: an order made on the
            // web dashboard gets its alerts too.
            let asked_at = Utc::now();
            seen.calls += 1;
            let mut listed = self.deps.clore.my_orders(key, !open.is_empty()).await?.orders;
            if !open.is_empty() {
                alerts += self.settle_intents(user, &open, &listed, asked_at).await?;
                listed.retain(|o| !o.expired);
            }
            seen.busy |= listed.iter().any(|o| !o.expired);
            let active = tracked::active_for_user(&self.deps.pool, user.id).await?;
            alerts += self.check_orders(user, &active, &listed).await?;
            alerts += self.check_balance(user, key, &listed, plan.wallets, seen).await?;
        }
        if plan.servers {
            seen.calls += 1;
            match self.deps.clore.my_servers(key).await {
                Ok(mine) => {
                    seen.host = Some(!mine.servers.is_empty());
                    alerts += self.check_hosts(user, &mine.servers).await?;
                }
                Err(CloreError::InvalidKey) => return Ok(alerts),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(alerts)
    }

    async fn check_orders(
        &self,
        user: &User,
        tracked_now: &[tracked::TrackedOrder],
        listed: &[Order],
    ) -> anyhow::Result<usize> {
        let now = chrono::Utc::now().timestamp();
        let soon = self.cfg.ending_soon.as_secs() as i64;
        let by_id: HashMap<OrderId, &Order> = listed.iter().map(|o| (o.id, o)).collect();
        // The poll runs outside any request: its alerts are put in the user's language.
        let lang = user.lang();
        let mut sent = 0;
        for t in tracked_now {
            let id = OrderId::from_db(t.order_id);
            match by_id.get(&id) {
                Some(o) => {
                    if o.endpoints_ready() && !t.endpoints_alerted {
                        let text = crate::i18n::sync_scope(lang, || {
                            let mut text =
                                t!("alerts-order-ready", order = id.to_string(), server = t.server_id.to_string());
                            for l in endpoint_lines(o) {
                                text.push_str(&format!("\n    {l}"));
                            }
                            text
                        });
                        sent += self.order_alert(user, id, OrderFlag::EndpointsAlerted, "ready", text).await?;
                    }
                    if let Some(end) = o.ends_at()
                        && end - now <= soon
                        && !t.ending_soon_alerted
                    {
                        let text = crate::i18n::sync_scope(lang, || {
                            t!(
                                "alerts-order-ending",
                                order = id.to_string(),
                                server = t.server_id.to_string(),
                                left = format::duration(end - now)
                            )
                        });
                        sent += self.order_alert(user, id, OrderFlag::EndingSoonAlerted, "ending", text).await?;
                    }
                }
                None => {
                    // Gone from the active list: expired, cancelled, or outbid.
                    let (order, server) = (id.to_string(), t.server_id.to_string());
                    let text = crate::i18n::sync_scope(lang, || {
                        if t.spot {
                            t!("alerts-order-ended-spot", order = order, server = server)
                        } else if t.ends_at.is_some_and(|e| e.timestamp() <= now + 60) {
                            t!("alerts-order-ended-max", order = order, server = server)
                        } else {
                            t!("alerts-order-ended-stopped", order = order, server = server)
                        }
                    });
                    sent += self.order_alert(user, id, OrderFlag::Ended, "ended", text).await?;
                }
            }
        }
        // Orders made elsewhere (the web dashboard) are followed from now on; endpoints that
        // are up already are not news.
        let known: std::collections::HashSet<i64> = tracked_now.iter().map(|t| t.order_id).collect();
        let new: Vec<&Order> = listed.iter().filter(|o| !known.contains(&(o.id.db())) && !o.expired).collect();
        if !new.is_empty() {
            let mut conn = self.deps.pool.acquire().await?;
            for o in new {
                crate::services::orders::follow(&mut conn, user.id, o, None, None).await?;
            }
        }
        Ok(sent)
    }

    /// Sets `flag` and enqueues the alert in one transaction; 0 if the flag was already set.
    async fn order_alert(
        &self,
        user: &User,
        order: OrderId,
        flag: OrderFlag,
        what: &str,
        text: String,
    ) -> anyhow::Result<usize> {
        let mut tx = self.deps.pool.begin().await?;
        if !tracked::set_flag(&mut *tx, user.id, order.db(), flag).await? {
            return Ok(0);
        }
        let n = enqueue_private(&mut tx, user, &format!("order:{}:{order}:{what}", user.id), Reply::text(text)).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// With orders running and balances `due`, asks for the wallets and warns when they run low.
    async fn check_balance(
        &self,
        user: &User,
        key: &ApiKey,
        listed: &[Order],
        due: bool,
        seen: &mut Seen,
    ) -> anyhow::Result<usize> {
        let mut per_day_by: BTreeMap<Currency, f64> = BTreeMap::new();
        for o in listed.iter().filter(|o| !o.expired) {
            if let (Some(c), Some(p)) = (o.currency(), o.price) {
                *per_day_by.entry(c).or_default() += p;
            }
        }
        if per_day_by.is_empty() || !due {
            return Ok(0);
        }
        seen.wallets_asked = true;
        seen.calls += 1;
        let wallets = self.deps.clore.wallets(key).await?;
        let day = chrono::Utc::now().format("%Y-%m-%d");
        let mut sent = 0;
        for (c, rate) in per_day_by {
            let balance = wallets.iter().find(|w| w.currency() == Some(c)).and_then(|w| w.balance).unwrap_or(0.0);
            let hours = if rate > 0.0 { balance / rate * 24.0 } else { f64::INFINITY };
            if hours >= self.cfg.low_balance_hours {
                continue;
            }
            let text = crate::i18n::sync_scope(user.lang(), || {
                t!(
                    "alerts-low-balance",
                    currency = c.symbol(),
                    balance = money(balance, c),
                    covers = format::duration((hours * 3600.0) as i64),
                    spend = per_day(rate, c)
                )
            });
            let mut tx = self.deps.pool.begin().await?;
            // At most one warning per currency per day.
            let key = format!("balance:{}:{}:{day}", user.id, c.api_name());
            sent += enqueue_private(&mut tx, user, &key, Reply::text(text)).await?;
            tx.commit().await?;
        }
        Ok(sent)
    }

    async fn check_hosts(&self, user: &User, servers: &[crate::clore::HostServer]) -> anyhow::Result<usize> {
        let stamp = chrono::Utc::now().timestamp();
        let mut sent = 0;
        for s in servers {
            let (Some(online), rented) = (s.online, s.rented.unwrap_or(false)) else { continue };
            let now = HostServer { name: s.name.clone(), server_id: s.id.map(|i| i as i64), online, rented };
            let mut tx = self.deps.pool.begin().await?;
            let before = tracked::observe_host_server(&mut *tx, user.id, &now).await?;
            // Each change: its word in the dedup key, and the alert in the user's language.
            let mut changes: Vec<(&str, String)> = Vec::new();
            if let Some(b) = &before {
                let name = s.name.as_str();
                crate::i18n::sync_scope(user.lang(), || {
                    if b.online != online {
                        changes.push(if online {
                            ("online", t!("alerts-host-online", name = name))
                        } else {
                            ("offline", t!("alerts-host-offline", name = name))
                        });
                    }
                    if b.rented != rented {
                        changes.push(if rented {
                            ("rented", t!("alerts-host-rented", name = name))
                        } else {
                            ("free", t!("alerts-host-free", name = name))
                        });
                    }
                });
            }
            for (change, text) in changes {
                let key = format!("host:{}:{}:{change}:{stamp}", user.id, s.name);
                sent += enqueue_private(&mut tx, user, &key, Reply::text(text)).await?;
            }
            tx.commit().await?;
        }
        Ok(sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const I: Duration = Duration::from_secs(60);

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn row(orders: i64, servers: i64, host: Option<bool>, busy: Option<i64>) -> Due {
        Due {
            user_id: UserId(1),
            due_at: t(orders.min(servers)),
            orders_due_at: t(orders),
            servers_due_at: t(servers),
            wallets_after: None,
            host,
            busy_at: busy.map(t),
            polled_at: None,
            touches: 0,
            settling: false,
        }
    }

    #[test]
    fn quiet_accounts_step_five_intervals_busy_ones_one() {
        let r = row(0, 0, Some(false), None);
        let plan = Plan::of(&r, t(5));
        assert_eq!(plan, Plan { orders: true, servers: true, wallets: true, settling: false });
        let quiet = next_polls(&r, plan, &Seen { host: Some(false), ..Seen::default() }, t(5), I);
        assert_eq!(quiet.orders_due_at, t(300), "five intervals on, in phase with the last due time");
        assert_eq!(quiet.servers_due_at, t(86_400), "no servers: asked again in a day");
        let busy = next_polls(&r, plan, &Seen { busy: true, host: Some(false), ..Seen::default() }, t(5), I);
        assert_eq!((busy.orders_due_at, busy.busy_at), (t(60), Some(t(5))));
        // Busy within the last hour still counts; longer ago does not.
        let lately = row(0, 0, Some(false), Some(-3000));
        assert_eq!(next_polls(&lately, plan, &Seen::default(), t(5), I).orders_due_at, t(60));
        let long_ago = row(0, 0, Some(false), Some(-4000));
        assert_eq!(next_polls(&long_ago, plan, &Seen::default(), t(5), I).orders_due_at, t(300));
    }

    #[test]
    fn a_hosts_servers_come_every_interval_and_share_the_visit() {
        // A quiet host: servers due now, orders in three intervals.
        let r = row(180, 0, Some(true), None);
        let plan = Plan::of(&r, t(1));
        assert!(plan.servers && !plan.orders);
        let next = next_polls(&r, plan, &Seen { host: Some(true), ..Seen::default() }, t(1), I);
        assert_eq!((next.servers_due_at, next.orders_due_at), (t(60), t(180)), "orders keep their phase");
        // An unknown account is asked for its servers whenever it is visited.
        assert!(Plan::of(&row(0, 500, None, None), t(0)).servers);
    }

    #[test]
    fn a_late_poll_steps_from_now_and_a_failed_one_waits_its_turn() {
        // Due at 0, polled at 200 (the poll fell behind): next at 260, not 60.
        let r = row(0, 86_400, Some(false), None);
        let plan = Plan::of(&r, t(200));
        let next = next_polls(&r, plan, &Seen { busy: true, ..Seen::default() }, t(200), I);
        assert_eq!(next.orders_due_at, t(260));
        // Nothing learned (its calls failed): still stepped on, never due again at once.
        let failed = next_polls(&r, plan, &Seen::default(), t(200), I);
        assert!(failed.orders_due_at > t(200));
        assert_eq!(failed.host, Some(false), "what was known stays");
    }

    #[test]
    fn wallets_wait_ten_minutes_after_being_asked() {
        let mut r = row(0, 0, Some(false), None);
        let seen = Seen { busy: true, wallets_asked: true, ..Seen::default() };
        let next = next_polls(&r, Plan::of(&r, t(0)), &seen, t(0), I);
        assert_eq!(next.wallets_after, Some(t(600)));
        r.wallets_after = next.wallets_after;
        assert!(!Plan::of(&r, t(540)).wallets);
        assert!(Plan::of(&r, t(600)).wallets);
    }
}
