//! Settling open rent intents (docs/money-safety.md): an attempt whose outcome was unclear, or whose
//! process died mid-call, is matched against the owner's orders as Clore lists them — same
//! server, created within the attempt's time window, not already another attempt's or known
//! before it. A match is tracked, attached to its watch, audited and announced (with a button
//! that shows a generated SSH password once); no match, looked for long enough after the
//! attempt, closes it as not made. Every transition is conditional, so whoever settles an
//! intent first announces it, once.

use crate::clore::ServerId;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde_json::json;

use super::{Engine, Urgency, enqueue_private};
use crate::clore::{Currency, Order};
use crate::core::views::rent::endpoint_lines;
use crate::core::{ButtonStyle, Reply};
use crate::domain::format::per_day;
use crate::services::Action;
use crate::services::issue_token;
use crate::services::orders::follow;
use crate::services::rent::LOGIN_KEEP;
use crate::store::intents::{self, Intent, Origin, Status};
use crate::store::orders as tracked;
use crate::store::users::{self, User};
use crate::store::{audit, sealed, watches};
use crate::t;

/// Clore's clock and ours may differ by this much (seconds): an order's `ct` is compared
/// with the time of an attempt within it.
const CLOCK_SKEW: i64 = 120;

impl Engine {
    /// Settles `user`'s `open` intents against `orders` — Clore's list with completed orders,
    /// asked for at `listed_at`. Returns the alerts enqueued.
    pub async fn settle_intents(
        &self,
        user: &User,
        open: &[Intent],
        orders: &[Order],
        listed_at: DateTime<Utc>,
    ) -> anyhow::Result<usize> {
        let pool = &self.deps.pool;
        let mut claimed: HashSet<i64> = intents::claimed_orders(pool, user.id).await?.into_iter().collect();
        let known: HashMap<i64, DateTime<Utc>> = tracked::first_seen(pool, user.id).await?.into_iter().collect();
        let grace = chrono::Duration::from_std(self.cfg.intent_grace)?;
        let settle = chrono::Duration::from_std(self.cfg.intent_settle)?;
        let now = self.deps.clock.now();
        let mut sent = 0;
        for i in open {
            // A young pending intent belongs to a rent still waiting on Clore: it reports itself.
            if i.status == Status::Pending && now - i.created_at < grace {
                continue;
            }
            let created = i.created_at.timestamp();
            let (earliest, latest) = (created - CLOCK_SKEW, created + settle.num_seconds() + CLOCK_SKEW);
            let found = orders
                .iter()
                .filter(|o| o.server_id == Some(ServerId::from_db(i.server_id)) && !claimed.contains(&(o.id.db())))
                .filter(|o| known.get(&(o.id.db())).is_none_or(|seen| *seen >= i.created_at))
                // An order without `ct` (never seen live) can't be placed in time; new to the
                // bot and on this server, it is the attempt's rather than a lost order.
                .filter(|o| o.ct.is_none_or(|ct| (earliest..=latest).contains(&ct)))
                .min_by_key(|o| (o.ct.unwrap_or(created) - created).abs());
            if let Some(o) = found {
                claimed.insert(o.id.db());
                sent += self.intent_made(user, i, o).await?;
            } else if listed_at >= i.created_at + settle {
                sent += self.intent_closed(user, i, Status::Absent).await?;
            }
        }
        Ok(sent)
    }

    /// Closes intents nobody could settle within `intent_give_up` (Clore's order list would
    /// not answer, or the key was removed), telling each owner to look for themselves.
    pub async fn abandon_stale_intents(&self) -> anyhow::Result<usize> {
        let mut sent = 0;
        for i in intents::open_older_than(&self.deps.pool, self.cfg.intent_give_up).await? {
            let Some(user) = users::get_user(&self.deps.pool, i.user_id).await? else { continue };
            sent += self.intent_closed(&user, &i, Status::Abandoned).await?;
        }
        Ok(sent)
    }

    /// The order behind an open intent is found: track it (with its watch), audit, announce
    /// (in the owner's language).
    async fn intent_made(&self, user: &User, i: &Intent, o: &Order) -> anyhow::Result<usize> {
        crate::i18n::scope(user.lang(), self.announce_made(user, i, o)).await
    }

    async fn announce_made(&self, user: &User, i: &Intent, o: &Order) -> anyhow::Result<usize> {
        let deps = &self.deps;
        let mut tx = deps.pool.begin().await?;
        if !intents::resolve(&mut *tx, i.id, &Status::OPEN, Status::Made, Some(o.id.db()), None).await? {
            return Ok(0);
        }
        follow(&mut tx, user.id, o, i.watch_id, Some(i.price)).await?;
        if let Some(spec) = intents::guard_of(&mut *tx, i.id).await? {
            crate::services::spot_guard::put_on(&mut tx, user.id, o, spec, i.watch_id).await?;
        }
        let detail = json!({ "intent": i.id, "server": i.server_id, "order": o.id, "watch": i.watch_id });
        audit::record(&mut *tx, Some(user.id), i.origin.as_str(), &detail, &format!("reconciled: order {}", o.id))
            .await?;
        let c = Currency::parse(&i.currency).unwrap_or(Currency::Usd);
        let what = t!("reconcile-what", gpu = i.gpu.as_str(), price = per_day(o.price.unwrap_or(i.price), c));
        let (order, server) = (o.id.to_string(), i.server_id.to_string());
        // An accepted attempt was announced as rented already; it only lacked its details.
        let accepted = i.status == Status::Accepted;
        let watch = i.watch_id.filter(|_| i.origin == Origin::Autorent);
        let mut lines = vec![match (watch, accepted) {
            (Some(w), true) => {
                let watch = w.to_string();
                t!("reconcile-watch-listed", watch = watch, order = order, server = server, what = what)
            }
            (None, true) => t!("reconcile-listed", order = order, server = server, what = what),
            (Some(w), false) => {
                let watch = w.to_string();
                t!("reconcile-watch-made", watch = watch, server = server, what = what, order = order)
            }
            (None, false) => t!("reconcile-made", order = order, server = server, what = what),
        }];
        if o.endpoints_ready() {
            lines.extend(endpoint_lines(o).into_iter().map(|l| format!("    {l}")));
        } else {
            lines.push(t!("reconcile-endpoints-pending"));
        }
        if let (Some(w), false) = (watch, accepted)
            && watches::stop_after_order(&mut *tx, w).await?
        {
            lines.push(t!("watch-autorent-stopped"));
        }
        let mut buttons = Vec::new();
        if i.login_secret.is_some() {
            lines.push(t!("reconcile-password-made"));
            let token = issue_token(&mut *tx, Some(user.id), &Action::ShowLogin { intent: i.id }, LOGIN_KEEP).await?;
            buttons.push((t!("reconcile-show-password"), token));
        }
        let reply = buttons
            .into_iter()
            .fold(Reply::text(lines.join("\n")), |r, (label, token)| r.with_button(label, ButtonStyle::Primary, token));
        let n = enqueue_private(&mut tx, user, &format!("intent:{}:made", i.id), reply, Urgency::Urgent).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// An open intent ends without an order: `Absent` (looked for, not there) or `Abandoned`
    /// (could not be looked for). The owner is told (in their language); a password made for
    /// it is dropped.
    async fn intent_closed(&self, user: &User, i: &Intent, to: Status) -> anyhow::Result<usize> {
        crate::i18n::scope(user.lang(), self.announce_closed(user, i, to)).await
    }

    async fn announce_closed(&self, user: &User, i: &Intent, to: Status) -> anyhow::Result<usize> {
        let reason = match to {
            Status::Absent => "no order appeared on the account",
            _ => "Clore's order list could not be checked in time",
        };
        let mut tx = self.deps.pool.begin().await?;
        if !intents::resolve(&mut *tx, i.id, &Status::OPEN, to, None, Some(reason)).await? {
            return Ok(0);
        }
        let detail = json!({ "intent": i.id, "server": i.server_id, "watch": i.watch_id });
        let result = match to {
            Status::Absent => format!("not made: {reason}"),
            _ => format!("unknown: {reason}"),
        };
        audit::record(&mut *tx, Some(user.id), i.origin.as_str(), &detail, &result).await?;
        if let Some(id) = i.login_secret {
            sealed::discard(&mut *tx, id).await?;
        }
        let server = i.server_id.to_string();
        let text = match (to, i.origin, i.watch_id) {
            (Status::Absent, Origin::Autorent, Some(w)) => {
                t!("reconcile-watch-absent", watch = w.to_string(), server = server)
            }
            (Status::Absent, _, _) => t!("reconcile-absent", server = server, gpu = i.gpu.as_str()),
            _ => t!("reconcile-abandoned", server = server, when = crate::i18n::datetime(i.created_at)),
        };
        let n = enqueue_private(
            &mut tx,
            user,
            &format!("intent:{}:{}", i.id, to.as_str()),
            Reply::text(text),
            Urgency::Urgent,
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }
}
