//! After an outbid: a guard with `rebid` rents again at once within its cap — its own server
//! at the winner's bid plus the margin if that is within the cap, else the cheapest free
//! server of the same GPU model and count at its lowest bid — through the one rent service
//! (written ahead, reconciled: a lost answer makes at most one order), counted against the
//! auto-rent watch's guardrails if a watch made the order, and guarded as before. Without
//! `rebid`, the owner gets a "Rent again as spot" button that opens the rent confirmation.

use crate::alerts::{Engine, Urgency, enqueue_private};
use crate::clore::{OrderId, PortProto, ServerId};
use crate::core::views::rent::{busy_text, endpoint_lines, settled_text, unclear_text};
use crate::core::{ButtonStyle, Failure, Reply};
use crate::domain::format::{per_day, per_day_short};
use crate::services::actions::RentAgain;
use crate::services::rent::{RentOutcome, RentPlan, rent};
use crate::services::spot_guard::{Again, GuardSpec, Rule, rent_again};
use crate::services::templates::{Resolved, resolve};
use crate::services::{Action, SshLogin, issue_token, ssh_login};
use crate::store::spot_guards::SpotGuard;
use crate::store::users::User;
use crate::store::watches;
use crate::t;

use super::guards::BUTTON_TTL;

impl Engine {
    /// `g`'s order was outbid by a bid of `winning` (`floor`: its server's lowest bid): rent
    /// again (`rebid`) or offer to; the owner is told in one message either way.
    pub(super) async fn outbid(
        &self,
        user: &User,
        g: &SpotGuard,
        winning: f64,
        floor: Option<f64>,
    ) -> anyhow::Result<usize> {
        let c = g.currency;
        let (order, own) = (OrderId::from_db(g.order_id), ServerId::from_db(g.server_id));
        let snap = self.deps.market.get_within(std::time::Duration::ZERO).await.ok();
        let servers = snap.as_ref().map(|s| s.servers.as_slice()).unwrap_or_default();
        let original = snap.as_ref().and_then(|s| s.server(own));
        let rule = Rule { max: g.max_price, margin: g.margin };
        let again = rent_again(rule, own, Some(winning), floor, original, servers, c);
        let gpu = original.map(|s| format!("{}× {}", s.gpu_count, s.model)).unwrap_or_default();
        let mut lines = vec![t!(
            "guard-outbid",
            order = order.to_string(),
            server = own.to_string(),
            winning = per_day(winning, c)
        )];
        let spec = GuardSpec { max: g.max_price, margin: g.margin, rebid: g.rebid, template: g.template_id };
        let mut reply = None;
        if !g.rebid {
            // The button rents where the guard would have: within the cap if it can, else on
            // its own server one margin over the winner (the confirmation shows the price).
            let target = again.unwrap_or(Again { server: own, bid: winning + g.margin });
            let action = Action::RentAgain(Box::new(RentAgain {
                server: target.server,
                bid: target.bid,
                currency: c,
                image: g.image.clone(),
                ports: stored_ports(g),
                template: g.template_id,
                guard: Some(spec),
            }));
            let token = issue_token(&self.deps.pool, Some(user.id), &action, BUTTON_TTL).await?;
            let label =
                t!("guard-rent-again-button", bid = per_day_short(target.bid, c), server = target.server.to_string());
            reply = Some(Reply::text(lines.join("\n")).with_button(label, ButtonStyle::Primary, token));
        } else {
            match again {
                None => lines.push(t!("guard-rebid-none", cap = per_day(g.max_price, c), gpu = gpu.as_str())),
                Some(a) => lines.extend(self.rebid(user, g, a, spec, gpu, servers).await?),
            }
        }
        let reply = reply.unwrap_or_else(|| Reply::text(lines.join("\n")));
        let mut tx = self.deps.pool.begin().await?;
        let n = enqueue_private(&mut tx, user, &format!("guard:{}:{order}:outbid", user.id), reply, Urgency::Urgent)
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Rents `again` for `g`'s owner (`market`: the snapshot it was chosen from); the lines
    /// that say what came of it.
    async fn rebid(
        &self,
        user: &User,
        g: &SpotGuard,
        again: Again,
        spec: GuardSpec,
        gpu: String,
        market: &[crate::market::ServerView],
    ) -> anyhow::Result<Vec<String>> {
        let deps = &self.deps;
        let c = g.currency;
        let (server, bid, cap) = (again.server.to_string(), per_day(again.bid, c), per_day(g.max_price, c));
        let refused = |why: String| Ok(vec![t!("guard-rebid-refused", server = &server, bid = &bid, why = why)]);
        // Made by an auto-rent watch: the new order counts against its guardrails.
        if let Some(w) = g.watch_id {
            let row = watches::get(&deps.pool, w).await?;
            let rules = row.as_ref().and_then(|r| r.rules().ok().flatten());
            if let (Some(row), Some(rules)) = (row, rules)
                && let Some(why) =
                    super::super::autorent::over_caps(self, &row, &rules, again.bid, c, market.iter()).await?
            {
                return refused(why);
            }
        }
        let template: Option<Resolved> = match g.template_id {
            Some(id) => match resolve(deps, user, id).await {
                Ok(t) => Some(t),
                Err(Failure::User(why)) => return refused(why),
                Err(Failure::Internal(e)) => return Err(e),
            },
            None => None,
        };
        // Unattended: a generated password could not be shown, so a login must be saved.
        let login = match template.as_ref().and_then(Resolved::login) {
            Some(l) => l,
            None => match ssh_login(deps, user).await {
                Ok(l) => l,
                Err(Failure::User(why)) => return refused(why),
                Err(Failure::Internal(e)) => return Err(e),
            },
        };
        if matches!(login, SshLogin::Nothing) {
            return refused(crate::services::login::no_saved_login());
        }
        let image = g
            .image
            .clone()
            .or_else(|| template.as_ref().and_then(|t| t.image.clone()))
            .or_else(|| user.settings.default_image.clone())
            .unwrap_or_else(|| deps.default_image.clone());
        let mut ports = stored_ports(g);
        if ports.is_empty() {
            ports = vec![(22, PortProto::Tcp)];
        }
        let plan = RentPlan {
            server: again.server,
            currency: c,
            price: again.bid,
            spot: true,
            image,
            ports,
            env: template.as_ref().map(|t| t.secrets.env.clone()).unwrap_or_default(),
            env_secret: None,
            gpu,
            watch: g.watch_id.map(|w| w.0),
            template: g.template_id,
            command: template.as_ref().and_then(|t| t.command.clone()),
            guard: Some(spec),
            unattended: true,
        };
        Ok(match rent(deps, user, &plan).await {
            Ok(RentOutcome::Made { order, .. }) => {
                let mut lines = vec![t!(
                    "guard-rebid-made",
                    cap = &cap,
                    order = order.id.to_string(),
                    server = &server,
                    bid = &bid
                )];
                lines.extend(endpoint_lines(&order));
                lines
            }
            Ok(RentOutcome::Accepted { .. }) => {
                vec![t!("guard-rebid-accepted", cap = &cap, server = &server, bid = &bid)]
            }
            Ok(RentOutcome::Refused(why)) => return refused(why),
            Ok(RentOutcome::Unclear) => vec![unclear_text(again.server)],
            Ok(RentOutcome::Busy(open)) => vec![busy_text(again.server, open.as_ref())],
            Ok(RentOutcome::Settled(i)) => vec![settled_text(&i)],
            Err(Failure::User(why)) => return refused(why),
            Err(Failure::Internal(e)) => return Err(e),
        })
    }
}

/// The outbid order's ports, as its guard kept them.
fn stored_ports(g: &SpotGuard) -> Vec<(u16, PortProto)> {
    g.ports.as_deref().map(crate::services::templates::parse_stored_ports).unwrap_or_default()
}
