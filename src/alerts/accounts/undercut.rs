//! The undercut alert: a host's free server left the cheapest quarter of its model and GPU
//! count, or enough cheaper free servers of its kind appeared since the last alert
//! (`market::undercut::judge`, with its daily cap). Judged after each look at the host's
//! servers, on the market's snapshot; only servers online, listed and free are judged.

use std::time::Duration;

use crate::alerts::{Engine, Urgency, enqueue_private};
use crate::clore::{Currency, HostServer, RentalStatus, ServerId};
use crate::core::{ButtonStyle, Reply};
use crate::domain::format::per_day_short;
use crate::market::standing::{PeerIndex, Standing, offer, own_usd, standing};
use crate::market::undercut::{self, Undercut};
use crate::services::{Action, issue_tokens};
use crate::store::users::User;
use crate::store::{host_alerts, host_market};
use crate::t;

/// How long the alert's "Where it stands" button lives: a held alert may come a day late.
const BUTTON_TTL: Duration = Duration::from_secs(24 * 3600);

/// Whether `s` competes for renters now: online, listed and free.
fn competing(s: &HostServer) -> bool {
    let rented = s.rented == Some(true) || matches!(s.rental(), Some(RentalStatus::Spot | RentalStatus::OnDemand));
    s.online == Some(true) && s.visibility.as_deref() != Some("hidden") && !rented && s.id.is_some()
}

impl Engine {
    pub(super) async fn check_undercut(
        &self,
        user: &User,
        servers: &[HostServer],
        at: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<usize> {
        let pool = &self.deps.pool;
        if !servers.iter().any(competing) {
            return Ok(0);
        }
        let n = u32::from(host_alerts::undercut_n(pool, user.id).await?);
        if n == 0 {
            return Ok(0);
        }
        // No market now: nothing to judge against; the next poll judges.
        let snap = match self.deps.market.get().await {
            Ok(s) => s,
            Err(e) => {
                tracing::debug!(error = %e, "no market snapshot for the undercut check");
                return Ok(0);
            }
        };
        let peers = snap.peers();
        let mut judged = host_market::judged(pool, user.id).await?;
        let mut sent = 0;
        for s in servers.iter().filter(|s| competing(s)) {
            // Only servers the host check has recorded: the state refers to their row.
            let Some(before) = judged.remove(&s.name) else { continue };
            let Some(id) = s.id.map(ServerId) else { continue };
            let listed = snap.server(id);
            let Some((price, _)) = own_usd(s, listed, &peers) else { continue };
            let (gpus, model) = offer(s, listed);
            if model.is_empty() || gpus == 0 {
                continue;
            }
            let place = standing(peers.of(&model, gpus), id, price, true);
            // The price the host set in USD does not move with exchange rates.
            let set = Currency::ALL.into_iter().find_map(|c| s.usd_pricing_in(c)?.on_demand).unwrap_or(price);
            let prev = undercut::carried(before.state, before.free_since);
            let (next, alert) = undercut::judge(prev, &place, set, at, n);
            let mut tx = pool.begin().await?;
            host_market::put(&mut *tx, user.id, &s.name, &next).await?;
            if let Some(why) = alert {
                let action = Action::HostServerScreen { name: s.name.clone() };
                let token = issue_tokens(&mut *tx, Some(user.id), &[(&action, BUTTON_TTL)]).await?;
                let reply = crate::i18n::sync_scope(user.lang(), || {
                    let text = message(&s.name, &place, why, &peers, user.settings.currency);
                    token.into_iter().fold(Reply::text(text), |r, t| {
                        r.with_button(t!("alerts-undercut-open"), ButtonStyle::Secondary, t)
                    })
                });
                let key = format!("host-undercut:{}:{}:{}", user.id, s.name, at.timestamp());
                sent += enqueue_private(&mut tx, user, &key, reply, Urgency::MayWait(at)).await?;
            }
            tx.commit().await?;
        }
        Ok(sent)
    }
}

/// The alert's text, prices in the host's currency at the market's rate.
fn message(name: &str, s: &Standing, why: Undercut, peers: &PeerIndex, c: Currency) -> String {
    let shown = |usd: f64| match peers.from_usd(usd, c).filter(|_| c != Currency::Usd) {
        Some(v) => per_day_short(v, c),
        None => per_day_short(usd, Currency::Usd),
    };
    let offer = t!("hosts-offer", gpus = s.gpus, model = s.model.as_str());
    let now = t!("alerts-undercut-now", rank = s.rank, of = s.of, price = shown(s.price_usd));
    match (why.left_quarter, s.p25) {
        (true, Some(q)) => t!("alerts-undercut-left", name = name, offer = offer, now = now, p25 = shown(q)),
        _ => t!("alerts-undercut-more", name = name, offer = offer, now = now, n = why.more_cheaper),
    }
}
