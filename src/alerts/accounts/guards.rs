//! Spot guards on the account poll: for each guarded order still running, its server's spot
//! market is read and the guard's judgement ([`crate::services::spot_guard::decide`]) acted
//! on — the bid raised or lowered through `set_spot_price` (an absolute price: a repeat after a
//! lost answer asks for the same bid, never a second raise), each change audited and told to
//! the owner, the cap's question asked once. A guard whose order has ended is dropped.

use serde_json::json;

use crate::alerts::{Engine, enqueue_private};
use crate::clore::{ApiKey, CloreError, Order, OrderId, ServerId};
use crate::core::Reply;
use crate::domain::format::per_day;
use crate::services::spot_guard::{Decision, Rule, Seen, decide};
use crate::store::audit;
use crate::store::spot_guards::{self, SpotGuard};
use crate::store::users::User;
use crate::t;

/// Clore lets a bid be lowered once in this long.
const LOWER_EVERY_SECS: i64 = 600;

impl Engine {
    pub(super) async fn check_guards(&self, user: &User, key: &ApiKey, listed: &[Order]) -> anyhow::Result<usize> {
        let guards = spot_guards::of_user(&self.deps.pool, user.id).await?;
        let mut sent = 0;
        for g in guards {
            match listed.iter().find(|o| o.id.db() == g.order_id && !o.expired) {
                Some(o) => sent += self.guard(user, key, &g, o).await?,
                None => {
                    // Ended (outbid, cancelled, expired): its ended alert says so.
                    spot_guards::remove(&self.deps.pool, user.id, g.order_id).await?;
                }
            }
        }
        Ok(sent)
    }

    async fn guard(&self, user: &User, key: &ApiKey, g: &SpotGuard, o: &Order) -> anyhow::Result<usize> {
        let c = g.currency;
        let market = self.deps.clore.spot_marketplace(key, ServerId::from_db(g.server_id)).await?;
        let Some(inner) = market.market.as_ref() else { return Ok(0) };
        let mine = |x: &crate::clore::SpotOffer| x.my || x.id() == Some(o.id.0);
        let ours = inner.offers.iter().find(|x| mine(x)).and_then(|x| market.bid_in(x, c)).or(o.price);
        let Some(ours) = ours else { return Ok(0) };
        let others: Vec<f64> = inner.offers.iter().filter(|x| !mine(x)).filter_map(|x| market.bid_in(x, c)).collect();
        let floor = inner.server.as_ref().and_then(|s| s.min_pricing.get(c));
        let now = self.deps.clock.now();
        let may_lower = g.lowered_at.is_none_or(|at| (now - at).num_seconds() >= LOWER_EVERY_SECS);
        let rule = Rule { max: g.max_price, margin: g.margin };
        let decision = decide(rule, &Seen { ours, others: &others, floor, may_lower });
        let order = OrderId::from_db(g.order_id);
        let lang = user.lang();
        let say = |text: String| Reply::text(text);
        match decision {
            Decision::Keep => {
                spot_guards::set_cap_asked(&self.deps.pool, user.id, g.order_id, false).await?;
                Ok(0)
            }
            Decision::Raise { to, competing } => {
                if !self.set_bid(user, key, g, to, "raise").await? {
                    return Ok(0);
                }
                spot_guards::set_cap_asked(&self.deps.pool, user.id, g.order_id, false).await?;
                let text = crate::i18n::sync_scope(lang, || {
                    let (waiting, now_bid, cap) = (per_day(competing, c), per_day(to, c), per_day(g.max_price, c));
                    t!("guard-raised", order = order.to_string(), waiting = waiting, bid = now_bid, cap = cap)
                });
                self.guard_alert(user, order, "raise", &format!("{to:.8}"), say(text)).await
            }
            Decision::Lower { to, best_other } => {
                let to = match self.deps.clore.set_spot_price(key, order, to).await {
                    Ok(()) => Some(to),
                    // Clore's lowest allowed step now: take it.
                    Err(CloreError::ExceededMaxStep { max_step }) if max_step < ours => {
                        self.set_bid(user, key, g, max_step, "lower").await?.then_some(max_step)
                    }
                    Err(CloreError::CanLowerEvery600Seconds { time_to_lowering }) => {
                        let waited = LOWER_EVERY_SECS - time_to_lowering.ceil() as i64;
                        let at = now - chrono::Duration::seconds(waited.max(0));
                        spot_guards::set_lowered_at(&self.deps.pool, user.id, g.order_id, at).await?;
                        None
                    }
                    Err(e) => return Err(e.into()),
                };
                let Some(to) = to else { return Ok(0) };
                self.audit_bid(user, order, to, "lower", "ok").await?;
                spot_guards::set_lowered_at(&self.deps.pool, user.id, g.order_id, now).await?;
                let text = crate::i18n::sync_scope(lang, || {
                    let (best, now_bid) = (per_day(best_other, c), per_day(to, c));
                    t!("guard-lowered", order = order.to_string(), best = best, bid = now_bid)
                });
                self.guard_alert(user, order, "lower", &format!("{to:.8}"), say(text)).await
            }
            Decision::AtCap { competing, raised_to } => {
                if let Some(to) = raised_to {
                    self.set_bid(user, key, g, to, "raise").await?;
                }
                if !spot_guards::set_cap_asked(&self.deps.pool, user.id, g.order_id, true).await? {
                    return Ok(0);
                }
                let text = crate::i18n::sync_scope(lang, || {
                    let (waiting, cap) = (per_day(competing, c), per_day(g.max_price, c));
                    t!("guard-at-cap", order = order.to_string(), waiting = waiting, cap = cap)
                });
                let stamp = now.timestamp();
                self.guard_alert(user, order, "cap", &stamp.to_string(), say(text)).await
            }
        }
    }

    /// Sets the bid and audits it; `false` when Clore refused (audited too).
    /// Sets the bid and audits it; `false` when Clore refused (audited too). No answer is not
    /// a refusal: the bid is read back, and if it is the one asked for, it was set.
    async fn set_bid(&self, user: &User, key: &ApiKey, g: &SpotGuard, to: f64, why: &str) -> anyhow::Result<bool> {
        let order = OrderId::from_db(g.order_id);
        match self.deps.clore.set_spot_price(key, order, to).await {
            Ok(()) => {
                self.audit_bid(user, order, to, why, "ok").await?;
                Ok(true)
            }
            Err(e @ (CloreError::InvalidInput { .. } | CloreError::TooLowPrice)) => {
                self.audit_bid(user, order, to, why, &format!("refused: {e}")).await?;
                Ok(false)
            }
            Err(e) => {
                let back = self.deps.clore.spot_marketplace(key, ServerId::from_db(g.server_id)).await.ok();
                let bid = back.as_ref().and_then(|m| {
                    let offer = m.market.as_ref()?.offers.iter().find(|x| x.my || x.id() == Some(order.0))?;
                    m.bid_in(offer, g.currency)
                });
                if bid.is_some_and(|b| (b - to).abs() <= 1e-9 * to.max(1.0)) {
                    self.audit_bid(user, order, to, why, &format!("ok, read back after: {e}")).await?;
                    return Ok(true);
                }
                Err(e.into())
            }
        }
    }

    async fn audit_bid(&self, user: &User, order: OrderId, to: f64, why: &str, result: &str) -> anyhow::Result<()> {
        let detail = json!({ "order": order, "price": to, "by": "spotguard", "why": why });
        audit::record(&self.deps.pool, Some(user.id), "spotprice", &detail, result).await?;
        Ok(())
    }

    /// One alert per change: its key names the order, the kind and the new bid, so a repeat of
    /// the same change (a poll run twice) is one message.
    async fn guard_alert(
        &self,
        user: &User,
        order: OrderId,
        kind: &str,
        what: &str,
        r: Reply,
    ) -> anyhow::Result<usize> {
        let mut tx = self.deps.pool.begin().await?;
        let n = enqueue_private(&mut tx, user, &format!("guard:{}:{order}:{kind}:{what}", user.id), r).await?;
        tx.commit().await?;
        Ok(n)
    }
}
