//! Host servers: each poll of a host's servers records what each did since the poll before
//! (`host_earnings`, the estimate `/earnings` sums) and alerts on a server going offline or
//! coming back online, and being rented or freed, each change told once; and on a server
//! listed and free for longer than the host's idle hours, once per free period.
//!
//! A rental's kind comes from `rental_status` when `my_servers` sends it; older answers do
//! not, and then one `server_config` call at the rental's start learns it, kept until the
//! server is free again. The price a rental counts at is locked when it starts: the
//! on-demand price then, or for spot the spot minimum (a floor: the winning bid is not
//! reported).

use chrono::{DateTime, Utc};

use super::Seen;
use crate::alerts::{Engine, Urgency, enqueue_private};
use crate::clore::{ApiKey, Currency, RentalStatus};
use crate::core::Reply;
use crate::domain::format::{duration, money};
use crate::store::host_alerts;
use crate::store::host_earnings::{self, Kind, State};
use crate::store::hosts::{self, Desk, HostServer};
use crate::store::users::User;
use crate::t;

/// What one poll saw of a server, in the terms the desk keeps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Sight {
    pub online: bool,
    pub rented: bool,
    /// Listed in the marketplace (a hidden server is never idle).
    pub visible: bool,
    /// The rental's kind when known (from the answer, or learnt).
    pub kind: Option<Kind>,
    /// On-demand and minimum spot price a day, USD.
    pub price_usd: Option<f64>,
    pub spot_usd: Option<f64>,
}

/// The desk after a sight at `at` of a server last kept as `prev`, and the state credited.
/// A rental keeps its kind and locked price while it lasts; one starting (or changing kind)
/// locks the price seen now. A free period starts when the server is first seen online,
/// listed and free, and its idle alert is owed again.
pub(super) fn next_desk(prev: Option<&Desk>, s: Sight, at: DateTime<Utc>) -> (Desk, State) {
    let (kind, lock) = if s.rented {
        let kind = s.kind.unwrap_or(Kind::OnDemand);
        let going_on = prev.filter(|p| p.rented && p.rental_kind == Some(kind));
        let now = match kind {
            Kind::OnDemand => s.price_usd,
            Kind::Spot => s.spot_usd,
        };
        (Some(kind), going_on.and_then(|p| p.rental_price_usd).or(now))
    } else {
        (None, None)
    };
    let idle = s.online && s.visible && !s.rented;
    let free_since = idle.then(|| prev.and_then(|p| p.free_since).unwrap_or(at));
    let same_period = free_since.is_some() && prev.and_then(|p| p.free_since) == free_since;
    let state = match (s.online, kind) {
        (false, _) => State::Offline,
        (true, Some(k)) => State::Rented(k),
        (true, None) => State::Free,
    };
    let desk = Desk {
        online: s.online,
        rented: s.rented,
        seen_at: Some(at),
        free_since,
        idle_alerted: same_period && prev.is_some_and(|p| p.idle_alerted),
        rental_kind: kind,
        rental_price_usd: lock,
        price_usd: s.price_usd,
        spot_usd: s.spot_usd,
    };
    (desk, state)
}

/// Whether a server free since `free_since` is idle at `now` after `hours` (0: never).
pub(super) fn idle_due(free_since: Option<DateTime<Utc>>, now: DateTime<Utc>, hours: u16) -> bool {
    hours > 0 && free_since.is_some_and(|f| now - f >= chrono::Duration::hours(i64::from(hours)))
}

/// The server's on-demand and minimum spot price a day in USD, as the host set them.
fn usd_prices(s: &crate::clore::HostServer) -> (Option<f64>, Option<f64>) {
    let usable = |p: &f64| p.is_finite() && *p >= 0.0;
    Currency::ALL
        .into_iter()
        .find_map(|c| s.usd_pricing_in(c))
        .map_or((None, None), |p| (p.on_demand.filter(usable), p.spot.filter(usable)))
}

impl Engine {
    /// Records and alerts on `servers` as seen at `at`.
    pub(super) async fn check_hosts(
        &self,
        user: &User,
        key: &ApiKey,
        servers: &[crate::clore::HostServer],
        at: DateTime<Utc>,
        seen: &mut Seen,
    ) -> anyhow::Result<usize> {
        let stamp = self.deps.clock.now().timestamp();
        let gap_max = self.cfg.orders_poll * 3;
        let idle_hours = host_alerts::idle_hours(&self.deps.pool, user.id).await?;
        // One poll of an account runs at a time (its lease), so what was kept is read once,
        // before the transactions, which then hold no lock across a Clore call.
        let mut desks = hosts::desks(&self.deps.pool, user.id).await?;
        let mut sent = 0;
        for s in servers {
            let (Some(online), rented) = (s.online, s.rented.unwrap_or(false)) else { continue };
            let prev = desks.remove(&s.name);
            let kind = match s.rental() {
                Some(RentalStatus::Spot) => Some(Kind::Spot),
                Some(RentalStatus::OnDemand) => Some(Kind::OnDemand),
                Some(RentalStatus::NotRented) => None,
                None if !rented => None,
                None => match prev.as_ref().filter(|p| p.rented).and_then(|p| p.rental_kind) {
                    Some(k) => Some(k),
                    None => Some(self.learn_kind(user, key, &s.name, seen).await),
                },
            };
            let (price_usd, spot_usd) = usd_prices(s);
            let visible = s.visibility.as_deref() == Some("public");
            let sight = Sight { online, rented, visible, kind, price_usd, spot_usd };
            let (mut desk, state) = next_desk(prev.as_ref(), sight, at);
            let idle = desk.free_since.filter(|_| !desk.idle_alerted && idle_due(desk.free_since, at, idle_hours));
            desk.idle_alerted |= idle.is_some();
            // The idle alert's price in the host's currency, worked out before the transaction.
            let idle_price = match (idle, desk.price_usd) {
                (Some(_), Some(p)) => {
                    let (c, rate) = self.deps.market.usd_in(user.settings.currency).await;
                    Some((p * rate, c))
                }
                _ => None,
            };
            let credit =
                host_earnings::credit(prev.as_ref().and_then(|p| p.seen_at), at, state, desk.rental_price_usd, gap_max);

            let now = HostServer { name: s.name.clone(), server_id: s.id.map(|i| i as i64), online, rented };
            let mut tx = self.deps.pool.begin().await?;
            let before = hosts::observe_host_server(&mut *tx, user.id, &now).await?;
            hosts::keep_desk(&mut *tx, user.id, &s.name, &desk).await?;
            host_earnings::record(&mut *tx, user.id, &s.name, at, &credit).await?;
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
                    if let Some(since) = idle {
                        let hours = duration((at - since).num_seconds());
                        changes.push(match idle_price {
                            Some((p, c)) => {
                                ("idle", t!("alerts-host-idle", name = name, hours = hours, price = money(p, c)))
                            }
                            None => ("idle", t!("alerts-host-idle-unpriced", name = name, hours = hours)),
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
                // The idle alert is owed once per free period, whenever the poll sees it.
                let key = match idle {
                    Some(since) if change == "idle" => {
                        format!("host-idle:{}:{}:{}", user.id, s.name, since.timestamp())
                    }
                    _ => format!("host:{}:{}:{change}:{stamp}", user.id, s.name),
                };
                sent +=
                    enqueue_private(&mut tx, user, &key, Reply::text(text), Urgency::MayWait(self.deps.clock.now()))
                        .await?;
            }
            tx.commit().await?;
        }
        Ok(sent)
    }

    /// A rental's kind when `my_servers` does not say: one `server_config` call. When that
    /// fails or does not say either, on demand (the common kind) is kept for the rental.
    async fn learn_kind(&self, user: &User, key: &ApiKey, name: &str, seen: &mut Seen) -> Kind {
        seen.calls += 1;
        match self.deps.clore.server_config(key, name).await {
            Ok(a) if a.config.rental() == Some(RentalStatus::Spot) => Kind::Spot,
            Ok(_) => Kind::OnDemand,
            Err(e) => {
                tracing::warn!(user = %user.id, error = %e, "could not learn how a hosted server is rented; counting it on demand");
                Kind::OnDemand
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn sight(online: bool, rented: bool, kind: Option<Kind>, price: f64) -> Sight {
        Sight { online, rented, visible: true, kind, price_usd: Some(price), spot_usd: Some(price / 2.0) }
    }

    #[test]
    fn a_rental_locks_its_price_at_its_start_and_keeps_it() {
        let (free, state) = next_desk(None, sight(true, false, None, 4.0), t(0));
        assert_eq!((state, free.free_since, free.rental_price_usd), (State::Free, Some(t(0)), None));
        let (rented, state) = next_desk(Some(&free), sight(true, true, Some(Kind::OnDemand), 4.0), t(60));
        assert_eq!(
            (state, rented.rental_kind, rented.rental_price_usd),
            (State::Rented(Kind::OnDemand), Some(Kind::OnDemand), Some(4.0))
        );
        assert_eq!(rented.free_since, None);
        // The host raises the price during the rental: it still counts at 4.
        let (later, _) = next_desk(Some(&rented), sight(true, true, Some(Kind::OnDemand), 5.0), t(120));
        assert_eq!((later.rental_price_usd, later.price_usd), (Some(4.0), Some(5.0)));
        // A spot rental counts at the spot minimum seen at its start.
        let (spot, state) = next_desk(Some(&later), sight(true, true, Some(Kind::Spot), 5.0), t(180));
        assert_eq!((state, spot.rental_price_usd), (State::Rented(Kind::Spot), Some(2.5)));
        // Offline while rented: offline time, the rental kept.
        let (off, state) = next_desk(Some(&spot), sight(false, true, Some(Kind::Spot), 6.0), t(240));
        assert_eq!((state, off.rental_price_usd), (State::Offline, Some(2.5)));
    }

    #[test]
    fn idle_after_the_hours_set_and_never_when_off() {
        assert!(!idle_due(None, t(100_000), 24));
        assert!(!idle_due(Some(t(0)), t(24 * 3600 - 1), 24));
        assert!(idle_due(Some(t(0)), t(24 * 3600), 24));
        assert!(!idle_due(Some(t(0)), t(1_000_000), 0));
    }

    #[test]
    fn a_free_period_runs_from_its_first_sight_and_owes_its_idle_alert_anew() {
        let (a, _) = next_desk(None, sight(true, false, None, 4.0), t(0));
        let a = Desk { idle_alerted: true, ..a };
        let (b, _) = next_desk(Some(&a), sight(true, false, None, 4.0), t(60));
        assert_eq!((b.free_since, b.idle_alerted), (Some(t(0)), true));
        let (gone, state) = next_desk(Some(&b), sight(false, false, None, 4.0), t(120));
        assert_eq!((state, gone.free_since, gone.idle_alerted), (State::Offline, None, false));
        let (back, _) = next_desk(Some(&gone), sight(true, false, None, 4.0), t(180));
        assert_eq!((back.free_since, back.idle_alerted), (Some(t(180)), false));
        let hidden = Sight { visible: false, ..sight(true, false, None, 4.0) };
        let (h, state) = next_desk(Some(&back), hidden, t(240));
        assert_eq!((state, h.free_since), (State::Free, None));
    }
}
