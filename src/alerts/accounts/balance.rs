//! Low balance alerts: what running orders spend a day, per currency, against the wallets;
//! at most one warning per currency a day.

use std::collections::BTreeMap;

use super::Seen;
use crate::alerts::{Engine, Urgency, enqueue_private};
use crate::clore::{ApiKey, Currency, Order};
use crate::core::Reply;
use crate::domain::format::{self, money, per_day};
use crate::store::users::User;
use crate::t;

/// A balance that runs out sooner than this is told at once, even in quiet hours; one that
/// lasts longer can wait for the morning's digest.
const URGENT_BALANCE_HOURS: f64 = 6.0;

impl Engine {
    /// With orders running and balances `due`, asks for the wallets and warns when they run low.
    pub(super) async fn check_balance(
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
        let day = self.deps.clock.now().format("%Y-%m-%d");
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
            let urgency =
                if hours < URGENT_BALANCE_HOURS { Urgency::Urgent } else { Urgency::MayWait(self.deps.clock.now()) };
            sent += enqueue_private(&mut tx, user, &key, Reply::text(text), urgency).await?;
            tx.commit().await?;
        }
        Ok(sent)
    }
}
