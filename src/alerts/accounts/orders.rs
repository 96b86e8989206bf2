//! Order alerts: an order's endpoints ready, its rental ending soon, the order ended; and
//! orders made elsewhere (the web dashboard) followed from their first poll.

use std::collections::HashMap;

use crate::alerts::{Engine, Urgency, enqueue_private};
use crate::clore::{Order, OrderId};
use crate::core::Reply;
use crate::core::views::rent::endpoint_lines;
use crate::domain::format;
use crate::store::orders::{self as tracked, OrderFlag};
use crate::store::users::User;
use crate::t;

impl Engine {
    pub(super) async fn check_orders(
        &self,
        user: &User,
        tracked_now: &[tracked::TrackedOrder],
        listed: &[Order],
    ) -> anyhow::Result<usize> {
        let now = self.deps.clock.now().timestamp();
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
        // Ending and ended cannot wait for the morning; endpoints being ready can.
        let urgency = if what == "ready" { Urgency::MayWait(self.deps.clock.now()) } else { Urgency::Urgent };
        let key = format!("order:{}:{order}:{what}", user.id);
        let n = enqueue_private(&mut tx, user, &key, Reply::text(text), urgency).await?;
        tx.commit().await?;
        Ok(n)
    }
}
