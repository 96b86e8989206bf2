//! The per-account poll: for each user with a key — their orders (endpoints ready, ending
//! soon, ended), their hosted servers (online ⇄ offline, rented ⇄ free), and their balance
//! against current spend. Each alert is enqueued in the transaction that records the state
//! change behind it, so it is sent once however often the poll runs or restarts.

use crate::clore::OrderId;
use std::collections::{BTreeMap, HashMap};

use secrecy::ExposeSecret;

use super::{Engine, contained, enqueue_private};
use crate::clore::{ApiKey, CloreError, Currency, Order};
use crate::core::Reply;
use crate::core::format::{self, money, per_day};
use crate::core::handlers::rent::endpoint_lines;
use crate::store::crypto::SecretKind;
use crate::store::orders::{self as tracked, HostServer, OrderFlag};
use crate::store::users::User;
use crate::store::{intents, secrets, users};

/// Expired button tokens are kept this long (a late press still says "expired").
const TOKEN_GRACE: std::time::Duration = std::time::Duration::from_secs(86_400);

/// Accounts polled at once (each mostly waits on its own key's rate limit).
const ACCOUNTS_AT_ONCE: usize = 16;

/// What one account poll did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountsReport {
    pub users: usize,
    pub alerts: usize,
}

impl Engine {
    pub async fn poll_accounts(&self) -> anyhow::Result<AccountsReport> {
        use futures_util::stream::{self, StreamExt};
        // Housekeeping rides along: buttons expired a day ago are of no use to anyone, and
        // sealed secrets are gone the moment they expire.
        crate::store::actions::purge_expired(&self.core.pool, TOKEN_GRACE).await?;
        crate::store::sealed::purge_expired(&self.core.pool).await?;
        let mut report = AccountsReport { alerts: self.abandon_stale_intents().await?, ..Default::default() };
        let ids = secrets::users_with_api_key(&self.core.pool).await?;
        let settling: std::collections::HashSet<crate::store::UserId> =
            intents::users_with_open(&self.core.pool).await?.into_iter().collect();
        // Each key has its own Clore rate limit, so accounts are polled side by side: one at a
        // time, three calls a second apart each, a minute would cover barely twenty users.
        let outcomes: Vec<(crate::store::UserId, anyhow::Result<Option<usize>>)> = stream::iter(ids)
            // One account's panic is that account's failure, not the poll's.
            .map(|uid| {
                let settling = settling.contains(&uid);
                async move { (uid, contained("the account poll", self.poll_account(uid, settling)).await) }
            })
            .buffer_unordered(ACCOUNTS_AT_ONCE)
            .collect()
            .await;
        for (uid, outcome) in outcomes {
            match outcome {
                Ok(Some(n)) => {
                    report.users += 1;
                    report.alerts += n;
                }
                Ok(None) => {}
                // One account's trouble (a revoked key, Clore hiccups) must not stop the others.
                Err(e) => {
                    report.users += 1;
                    tracing::warn!(user = %uid, error = %e, "account poll failed");
                }
            }
        }
        Ok(report)
    }

    /// One account; `None` when its key is unusable (it is told so when it next uses a command).
    /// `settling`: the user has rent attempts open (see `reconcile.rs`).
    async fn poll_account(&self, uid: crate::store::UserId, settling: bool) -> anyhow::Result<Option<usize>> {
        let Some(user) = users::get_user(&self.core.pool, uid).await? else { return Ok(None) };
        let Some(secrets::Stored::Usable(k)) =
            secrets::get(&self.core.pool, &self.core.keyring, uid, SecretKind::CloreApiKey).await?
        else {
            return Ok(None);
        };
        let Ok(key) = ApiKey::parse(k.expose_secret()) else { return Ok(None) };
        self.poll_user(&user, &key, settling).await.map(Some)
    }

    async fn poll_user(&self, user: &User, key: &ApiKey, settling: bool) -> Result<usize, anyhow::Error> {
        let mut alerts = 0;
        // Every keyed user's orders, not only those the bot rented: an order made on the web
        // dashboard gets its alerts too (each key has its own rate limit, so this costs no
        // one else's calls). With a rent attempt open, completed orders are asked for too: the
        // order it may have made could have ended already.
        let open = if settling { intents::open_for_user(&self.core.pool, user.id).await? } else { Vec::new() };
        let asked_at = chrono::Utc::now();
        let mut listed = self.core.clore.my_orders(key, !open.is_empty()).await?.orders;
        if !open.is_empty() {
            alerts += self.settle_intents(user, &open, &listed, asked_at).await?;
            listed.retain(|o| !o.expired);
        }
        let active = tracked::active_for_user(&self.core.pool, user.id).await?;
        alerts += self.check_orders(user, &active, &listed).await?;
        alerts += self.check_balance(user, key, &listed).await?;
        match self.core.clore.my_servers(key).await {
            Ok(mine) => alerts += self.check_hosts(user, &mine.servers).await?,
            Err(CloreError::InvalidKey) => return Ok(alerts),
            Err(e) => return Err(e.into()),
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
        let mut sent = 0;
        for t in tracked_now {
            let id = OrderId::from_db(t.order_id);
            match by_id.get(&id) {
                Some(o) => {
                    if o.endpoints_ready() && !t.endpoints_alerted {
                        let mut text = format!("Order {id} on #{} is ready:", t.server_id);
                        for l in endpoint_lines(o) {
                            text.push_str(&format!("\n    {l}"));
                        }
                        sent += self.order_alert(user, id, OrderFlag::EndpointsAlerted, "ready", text).await?;
                    }
                    if let Some(end) = o.ends_at()
                        && end - now <= soon
                        && !t.ending_soon_alerted
                    {
                        let text = format!(
                            "Order {id} on #{} ends in {} (its maximum rental time). Rent again with /rent #{} if you still need it.",
                            t.server_id,
                            format::duration(end - now),
                            t.server_id
                        );
                        sent += self.order_alert(user, id, OrderFlag::EndingSoonAlerted, "ending", text).await?;
                    }
                }
                None => {
                    // Gone from the active list: expired, cancelled, or outbid.
                    let why = if t.spot {
                        "was outbid, cancelled or reached its end"
                    } else if t.ends_at.is_some_and(|e| e.timestamp() <= now + 60) {
                        "reached its maximum rental time"
                    } else {
                        "was cancelled or stopped"
                    };
                    let text = format!("Order {id} on #{} has ended: it {why}.", t.server_id);
                    sent += self.order_alert(user, id, OrderFlag::Ended, "ended", text).await?;
                }
            }
        }
        // Orders made elsewhere (the web dashboard) are followed from now on; endpoints that
        // are up already are not news.
        let known: std::collections::HashSet<i64> = tracked_now.iter().map(|t| t.order_id).collect();
        let new: Vec<&Order> = listed.iter().filter(|o| !known.contains(&(o.id.db())) && !o.expired).collect();
        if !new.is_empty() {
            let mut conn = self.core.pool.acquire().await?;
            for o in new {
                crate::core::services::orders::follow(&mut conn, user.id, o, None, None).await?;
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
        let mut tx = self.core.pool.begin().await?;
        if !tracked::set_flag(&mut *tx, user.id, order.db(), flag).await? {
            return Ok(0);
        }
        let n = enqueue_private(&mut tx, user, &format!("order:{}:{order}:{what}", user.id), Reply::text(text)).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn check_balance(&self, user: &User, key: &ApiKey, listed: &[Order]) -> anyhow::Result<usize> {
        let mut per_day_by: BTreeMap<Currency, f64> = BTreeMap::new();
        for o in listed.iter().filter(|o| !o.expired) {
            if let (Some(c), Some(p)) = (o.currency(), o.price) {
                *per_day_by.entry(c).or_default() += p;
            }
        }
        if per_day_by.is_empty() {
            return Ok(0);
        }
        let wallets = self.core.clore.wallets(key).await?;
        let day = chrono::Utc::now().format("%Y-%m-%d");
        let mut sent = 0;
        for (c, rate) in per_day_by {
            let balance = wallets.iter().find(|w| w.currency() == Some(c)).and_then(|w| w.balance).unwrap_or(0.0);
            let hours = if rate > 0.0 { balance / rate * 24.0 } else { f64::INFINITY };
            if hours >= self.cfg.low_balance_hours {
                continue;
            }
            let text = format!(
                "Low {} balance: {} covers about {} of your orders' {}. Top up (see /wallets) to keep them running.",
                c.symbol(),
                money(balance, c),
                format::duration((hours * 3600.0) as i64),
                per_day(rate, c)
            );
            let mut tx = self.core.pool.begin().await?;
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
            let mut tx = self.core.pool.begin().await?;
            let before = tracked::observe_host_server(&mut *tx, user.id, &now).await?;
            let mut changes = Vec::new();
            if let Some(b) = &before {
                if b.online != online {
                    changes.push(if online { "is back online" } else { "went offline" });
                }
                if b.rented != rented {
                    changes.push(if rented { "was rented" } else { "is free again (its rental ended)" });
                }
            }
            for change in changes {
                let text = format!("Your server {} {change}.", s.name);
                let key = format!("host:{}:{}:{change}:{stamp}", user.id, s.name);
                sent += enqueue_private(&mut tx, user, &key, Reply::text(text)).await?;
            }
            tx.commit().await?;
        }
        Ok(sent)
    }
}
