//! Which account is due for what: the calls a visit makes ([`Plan`]), what it learned
//! ([`Seen`]), the due times that follow ([`next_polls`]), and claiming due accounts under a
//! lease, a share the size of the budget at a time.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Pass;
use crate::alerts::Engine;
use crate::store::account_polls::HOST_RECHECK;
use crate::store::account_polls::{self, Due, Next};

/// A user who is not busy has their orders looked at every this many intervals.
pub const QUIET_EVERY: u32 = 5;
/// A user counts as busy this long after their last running order, open attempt or rent.
pub const BUSY_FOR: Duration = Duration::from_secs(3600);
/// Balances are asked for at most this often per user.
pub const WALLETS_EVERY: Duration = Duration::from_secs(600);

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
pub(super) struct Claimed {
    pub(super) rows: Vec<Due>,
    pub(super) wanted: usize,
    pub(super) token: uuid::Uuid,
    pub(super) at: DateTime<Utc>,
}

impl Engine {
    /// About a second of the budget's work in hand: enough that the budget, not waiting, bounds
    /// the poll, and little enough that replicas share the last accounts of a busy cycle
    /// evenly (what one has claimed, the others cannot take).
    pub(super) fn accounts_at_once(&self) -> usize {
        self.cfg.accounts_at_once.unwrap_or_else(|| (self.deps.clore.max_rps() as usize).clamp(16, 1024)).max(1)
    }

    /// Enrolls new keyed users (when `enroll`) and claims up to `wanted` due accounts.
    pub(super) async fn claim_due(&self, pass: Pass, wanted: usize, enroll: bool) -> anyhow::Result<Claimed> {
        let pool = &self.deps.pool;
        let at = match pass {
            Pass::At(t) => t,
            Pass::Running => crate::store::now(pool).await?,
        };
        if enroll {
            account_polls::enroll(pool, at, self.cfg.orders_poll).await?;
            metrics::gauge!("clorebot_accounts_keyed").set(account_polls::count(pool).await? as f64);
        }
        let token = uuid::Uuid::new_v4();
        let rows = account_polls::claim(pool, token, at, wanted, self.cfg.account_lease).await?;
        Ok(Claimed { rows, wanted, token, at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UserId;

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
