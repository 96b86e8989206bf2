//! Spot guards on the account poll: for each guarded order still running, its server's spot
//! market is read and the guard's judgement ([`crate::services::spot_guard::decide`]) acted
//! on — the bid raised or lowered through `set_spot_price` (an absolute price: a repeat after a
//! lost answer asks for the same bid, never a second raise), each change audited and told to
//! the owner (changes within [`TELL_EVERY`] of the last told together), the cap's question
//! asked once with buttons to raise it.
//!
//! A guarded order that has gone is looked at once more: if its server's spot market shows
//! someone else's offer winning, and the order had not reached its end, it was outbid. The
//! owner is told in place of the ordinary "ended" alert; with `rebid` the guard rents again
//! within its cap (`rebid.rs`), else the alert carries a "Rent again as spot" button.

use serde_json::json;

use crate::alerts::{Engine, Urgency, enqueue_private};
use crate::clore::{ApiKey, CloreError, Order, OrderId, ServerId, SpotMarket};
use crate::core::{ButtonStyle, Reply};
use crate::domain::format::{self, per_day, per_day_short};
use crate::services::spot_guard::{Change, Decision, Rule, Seen, TELL_EVERY, decide};
use crate::services::{Action, issue_token};
use crate::store::orders::TrackedOrder;
use crate::store::spot_guards::{self, Noted, SpotGuard};
use crate::store::users::User;
use crate::store::{audit, orders as tracked};
use crate::t;

/// Clore lets a bid be lowered once in this long.
const LOWER_EVERY_SECS: i64 = 600;
/// How long the buttons of a guard's alert (the cap's question, rent again) can be pressed.
pub(super) const BUTTON_TTL: std::time::Duration = std::time::Duration::from_secs(6 * 3600);
/// The cap's question offers these raises, in percent.
const CAP_RAISES: [u32; 2] = [10, 25];

/// Whether `x` is the offer of order `order` (Clore marks ours `my`; its id is the order's).
pub(super) fn is_ours(x: &crate::clore::SpotOffer, order: OrderId) -> bool {
    x.my || x.id() == Some(order.0)
}

impl Engine {
    /// The guards of `user`'s orders, on this poll's list; the alerts sent, and the orders
    /// whose end a guard told (as outbid), which the ordinary ended alert then leaves alone.
    pub(super) async fn check_guards(
        &self,
        user: &User,
        key: &ApiKey,
        listed: &[Order],
        tracked_now: &[TrackedOrder],
    ) -> anyhow::Result<(usize, Vec<i64>)> {
        // A guard is on a spot order, running (listed) or just gone (still tracked): without
        // either, there is nothing to guard and nothing to ask the database.
        if !listed.iter().any(|o| o.spot) && !tracked_now.iter().any(|t| t.spot) {
            return Ok((0, Vec::new()));
        }
        let guards = spot_guards::of_user(&self.deps.pool, user.id).await?;
        let (mut sent, mut told_ended) = (0, Vec::new());
        for g in guards {
            match listed.iter().find(|o| o.id.db() == g.order_id && !o.expired) {
                Some(o) => {
                    sent += self.tell_held(user, &g).await?;
                    sent += self.guard(user, key, &g, o).await?;
                }
                None => {
                    let t = tracked_now.iter().find(|t| t.order_id == g.order_id);
                    if let Some(n) = self.guard_ended(user, key, &g, t).await? {
                        sent += n;
                        told_ended.push(g.order_id);
                    }
                }
            }
        }
        Ok((sent, told_ended))
    }

    async fn guard(&self, user: &User, key: &ApiKey, g: &SpotGuard, o: &Order) -> anyhow::Result<usize> {
        let c = g.currency;
        let market = self.deps.clore.spot_marketplace(key, ServerId::from_db(g.server_id)).await?;
        let Some(inner) = market.market.as_ref() else { return Ok(0) };
        let order = OrderId::from_db(g.order_id);
        let ours = inner.offers.iter().find(|x| is_ours(x, order)).and_then(|x| market.bid_in(x, c)).or(o.price);
        let Some(ours) = ours else { return Ok(0) };
        let others: Vec<f64> =
            inner.offers.iter().filter(|x| !is_ours(x, order)).filter_map(|x| market.bid_in(x, c)).collect();
        let floor = inner.server.as_ref().and_then(|s| s.min_pricing.get(c));
        let now = self.deps.clock.now();
        let may_lower = g.lowered_at.is_none_or(|at| (now - at).num_seconds() >= LOWER_EVERY_SECS);
        let rule = Rule { max: g.max_price, margin: g.margin };
        let decision = decide(rule, &Seen { ours, others: &others, floor, may_lower });
        let lang = user.lang();
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
                self.tell_change(user, g, Change { to, raised: true }, text).await
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
                self.tell_change(user, g, Change { to, raised: false }, text).await
            }
            Decision::AtCap { competing, raised_to } => {
                if let Some(to) = raised_to {
                    self.set_bid(user, key, g, to, "raise").await?;
                }
                self.ask_about_cap(user, g, competing).await
            }
        }
    }

    /// The cap's question, once until the market moves away from the cap: raise it by 10 % or
    /// 25 % (each a confirmation), or leave it.
    async fn ask_about_cap(&self, user: &User, g: &SpotGuard, competing: f64) -> anyhow::Result<usize> {
        let (c, order) = (g.currency, OrderId::from_db(g.order_id));
        let mut tx = self.deps.pool.begin().await?;
        if !spot_guards::set_cap_asked(&mut *tx, user.id, g.order_id, true).await? {
            return Ok(0);
        }
        let mut buttons = Vec::new();
        for pct in CAP_RAISES {
            let max = g.max_price * (1.0 + f64::from(pct) / 100.0);
            let token =
                issue_token(&mut *tx, Some(user.id), &Action::GuardCapPrompt { order, max }, BUTTON_TTL).await?;
            buttons.push((max, pct, token));
        }
        let r = crate::i18n::sync_scope(user.lang(), || {
            let (waiting, cap) = (per_day(competing, c), per_day(g.max_price, c));
            let text = t!("guard-at-cap", order = order.to_string(), waiting = waiting, cap = cap);
            buttons.into_iter().fold(Reply::text(text), |r, (max, pct, token)| {
                r.with_button(
                    t!("guard-cap-button", max = per_day_short(max, c), pct = pct),
                    ButtonStyle::Primary,
                    token,
                )
            })
        });
        let stamp = self.deps.clock.now().timestamp();
        let n = enqueue_private(&mut tx, user, &format!("guard:{}:{order}:cap:{stamp}", user.id), r, Urgency::Urgent)
            .await?;
        tx.commit().await?;
        Ok(n)
    }

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
                    let offer = m.market.as_ref()?.offers.iter().find(|x| is_ours(x, order))?;
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

    /// A bid change: told at once if none was told within [`TELL_EVERY`], else held and told
    /// with the others when that has passed ([`Engine::tell_held`]). The alert's key names
    /// the order, the new bid and the time, so a repeat of the same change is one message.
    async fn tell_change(&self, user: &User, g: &SpotGuard, change: Change, text: String) -> anyhow::Result<usize> {
        let now = self.deps.clock.now();
        let mut tx = self.deps.pool.begin().await?;
        let told = match spot_guards::note_change(&mut tx, user.id, g.order_id, change, now, TELL_EVERY).await? {
            Noted::TellNow(changes) if changes.len() > 1 => self.changes_text(user, g, &changes, None),
            Noted::TellNow(_) => text,
            Noted::Held | Noted::Gone => {
                tx.commit().await?;
                return Ok(0);
            }
        };
        let order = OrderId::from_db(g.order_id);
        let key = format!("guard:{}:{order}:bid:{:.8}:{}", user.id, change.to, now.timestamp());
        let n = enqueue_private(&mut tx, user, &key, Reply::text(told), Urgency::MayWait(now)).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// The changes held on `g` whose window has passed, told as one message.
    async fn tell_held(&self, user: &User, g: &SpotGuard) -> anyhow::Result<usize> {
        let now = self.deps.clock.now();
        let mut tx = self.deps.pool.begin().await?;
        let Some((since, changes)) = spot_guards::due_untold(&mut tx, user.id, g.order_id, now, TELL_EVERY).await?
        else {
            return Ok(0);
        };
        let text = self.changes_text(user, g, &changes, Some(now - since));
        let order = OrderId::from_db(g.order_id);
        let key = format!("guard:{}:{order}:held:{}", user.id, since.timestamp());
        let n = enqueue_private(&mut tx, user, &key, Reply::text(text), Urgency::MayWait(now)).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Several bid changes in one line: each new bid in turn, the last one now.
    fn changes_text(&self, user: &User, g: &SpotGuard, changes: &[Change], within: Option<chrono::Duration>) -> String {
        let c = g.currency;
        crate::i18n::sync_scope(user.lang(), || {
            let bids: Vec<String> =
                changes.iter().map(|x| format!("{}{}", if x.raised { "↑" } else { "↓" }, per_day(x.to, c))).collect();
            let now_bid = changes.last().map(|x| per_day(x.to, c)).unwrap_or_default();
            let within = within.map_or_else(
                || format::duration(TELL_EVERY.as_secs() as i64),
                |d| format::duration(d.num_seconds().max(60)),
            );
            t!(
                "guard-changes",
                order = g.order_id.to_string(),
                n = changes.len(),
                within = within,
                bids = bids.join(" "),
                bid = now_bid,
                cap = per_day(g.max_price, c)
            )
        })
    }

    /// A guarded order no longer listed: dropped, and if it was outbid, the owner told (in
    /// place of the ordinary ended alert) and the order rented again or offered to be.
    async fn guard_ended(
        &self,
        user: &User,
        key: &ApiKey,
        g: &SpotGuard,
        t: Option<&TrackedOrder>,
    ) -> anyhow::Result<Option<usize>> {
        let order = OrderId::from_db(g.order_id);
        let now = self.deps.clock.now();
        // Its own end reached (`ct + mrl`), it was not outbid.
        let ran_out = t.and_then(|t| t.ends_at).is_some_and(|e| e.timestamp() <= now.timestamp() + 60);
        let market = if ran_out {
            None
        } else {
            match self.deps.clore.spot_marketplace(key, ServerId::from_db(g.server_id)).await {
                Ok(m) => Some(m),
                // Kept for the next poll; the ordinary ended alert goes now.
                Err(e) => {
                    tracing::warn!(order = %order, error = %e, "could not read an ended guarded order's spot market");
                    return Ok(None);
                }
            }
        };
        let winning = market.as_ref().and_then(|m| winning_bid(m, order, g.currency));
        let mut tx = self.deps.pool.begin().await?;
        if !spot_guards::remove(&mut *tx, user.id, g.order_id).await? {
            return Ok(None);
        }
        let Some(winning) = winning else {
            // Cancelled, ran out, or ended by its host: its ended alert says so.
            tx.commit().await?;
            return Ok(None);
        };
        // Told here, not by the ordinary ended alert.
        tracked::set_flag(&mut *tx, user.id, g.order_id, tracked::OrderFlag::Ended).await?;
        let detail = json!({ "order": order, "server": g.server_id, "winning": winning, "rebid": g.rebid });
        audit::record(&mut *tx, Some(user.id), "outbid", &detail, "seen").await?;
        tx.commit().await?;
        let floor = market.as_ref().and_then(|m| m.market.as_ref()?.server.as_ref()?.min_pricing.get(g.currency));
        crate::i18n::scope(user.lang(), self.outbid(user, g, winning, floor)).await.map(Some)
    }
}

/// The best bid of someone else's offer that holds the server now (`active`), in `c`.
fn winning_bid(m: &SpotMarket, order: OrderId, c: crate::clore::Currency) -> Option<f64> {
    let inner = m.market.as_ref()?;
    inner
        .offers
        .iter()
        .filter(|x| x.active && !is_ours(x, order))
        .filter_map(|x| m.bid_in(x, c))
        .fold(None, |a: Option<f64>, b| Some(a.map_or(b, |a| a.max(b))))
}
