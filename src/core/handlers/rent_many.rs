//! `/rent <query> count=N`: the N cheapest free matches with one confirmation. Each order is
//! the single rent's (docs/money-safety.md): price-locked, written ahead as its own intent,
//! an unclear answer checked, never called a refusal. The wallet is checked up front for the
//! whole set, and the answer names every server with what came of it.
//!
//! Fewer free matches than asked: the confirmation says so and rents the ones there are.
//! With `spot=`, each server gets the same bid, and only servers whose spot minimum it meets
//! are picked.

use secrecy::SecretString;

use super::rent::{MAX_BID_OVER_ON_DEMAND, RentOptions, image_and_ports, seal_env, unseal_env};
use crate::clore::{CREATION_FEE_USD, ServerId};
use crate::core::actions::Action;
use crate::core::views::rent::{busy_text, endpoint_lines, settled_text, unclear_text};
use crate::core::{ButtonStyle, Ctx, Failure, Outcome, PressResponse, Reply};
use crate::domain::format::{self, clip, money, per_day};
use crate::market::Query;
use crate::services::rent::{self as service, Login, RentOutcome, RentPlan};
use crate::store::actions as store_actions;
use crate::store::intents::{self, Status};
use crate::t;

/// The confirmation for renting the `count` cheapest free servers matching `q`.
pub async fn prompt(cx: &Ctx<'_>, q: &Query, opts: RentOptions, count: usize) -> Outcome {
    let key = cx.api_key().await?;
    let snap = cx.core.deps.market.get().await?;
    let currency = opts.currency.or(q.currency()).unwrap_or_else(|| cx.currency());
    let bid = opts.spot;
    let rentable = |s: &&crate::market::ServerView| {
        let Some(on_demand) = s.on_demand.get(&currency) else { return false };
        let bid_fits = match (bid, s.spot.get(&currency)) {
            (Some(b), Some(min)) => b + 1e-12 >= *min && b <= on_demand * MAX_BID_OVER_ON_DEMAND,
            (Some(_), None) => false,
            (None, _) => true,
        };
        !s.rented && s.accepts.contains(&currency) && bid_fits
    };
    let mut found: Vec<&crate::market::ServerView> =
        q.run(&snap.servers, currency).into_iter().filter(rentable).collect();
    found.sort_by(|a, b| {
        let price = |s: &crate::market::ServerView| s.price(currency, bid.is_some()).unwrap_or(f64::MAX);
        price(a).total_cmp(&price(b)).then(a.id.cmp(&b.id))
    });
    found.truncate(count);
    if found.is_empty() {
        return Err(Failure::user(t!("rent-no-match", query = q.describe(), currency = currency.symbol())));
    }
    let (image, ports) = image_and_ports(cx, &opts)?;
    let mut plans: Vec<RentPlan> = found
        .iter()
        .map(|s| RentPlan {
            server: s.id,
            currency,
            price: bid.unwrap_or_else(|| s.on_demand.get(&currency).copied().unwrap_or(f64::MAX)),
            spot: bid.is_some(),
            image: image.clone(),
            ports: ports.clone(),
            env: Default::default(),
            env_secret: None,
            gpu: format!("{}× {}", s.gpu_count, s.model),
            watch: None,
            template: opts.template.as_ref().map(|t| t.id),
            command: opts.template.as_ref().and_then(|t| t.command.clone()),
            guard: opts.guard.filter(|_| bid.is_some()),
            unattended: false,
        })
        .collect();

    // Clore takes an order only with its creation fee and an hour of its price in the wallet
    // (docs/simulator.md): the whole set must fit, or nothing is sent.
    let fee = snap.creation_fee(currency).unwrap_or(CREATION_FEE_USD);
    let wallets = cx.core.deps.clore.wallets(&key).await?;
    let balance =
        wallets.iter().find(|w| w.currency() == Some(currency)).and_then(|w| w.balance).unwrap_or(0.0).max(0.0);
    let needs: Vec<f64> = plans.iter().map(|p| fee + p.price / 24.0).collect();
    let need: f64 = needs.iter().sum();
    if balance + 1e-9 < need {
        let mut covered = 0;
        let mut sum = 0.0;
        for n in &needs {
            if sum + n > balance + 1e-9 {
                break;
            }
            sum += n;
            covered += 1;
        }
        return Err(Failure::user(t!(
            "rent-many-low-balance",
            currency = currency.symbol(),
            balance = money(balance, currency),
            n = plans.len(),
            need = money(need, currency),
            covered = covered
        )));
    }

    let per_day_total: f64 = plans.iter().map(|p| p.price).sum();
    let mut r = Reply::titled(t!("rent-many-title", n = plans.len()));
    if plans.len() < count {
        r = r.with_text(t!("rent-many-fewer", asked = count, n = plans.len(), query = q.describe()));
    }
    let lines: Vec<String> = found
        .iter()
        .zip(&plans)
        .map(|(s, p)| {
            let mut parts = vec![format!("#{}", p.server), p.gpu.clone(), per_day(p.price, currency)];
            if let Some(cc) = &s.cc {
                parts.push(cc.clone());
            }
            parts.join(" · ")
        })
        .collect();
    r = r.with_text(lines.join("\n"));
    let ssh = crate::services::ssh_login(&cx.core.deps, &cx.user).await?.describe();
    let mut fields = vec![
        (
            if bid.is_some() { t!("rent-many-field-bids") } else { t!("rent-many-field-total") },
            per_day(per_day_total, currency),
        ),
        (t!("rent-field-fee"), t!("rent-many-fees", n = plans.len(), fee = money(fee, currency))),
        (t!("rent-field-image"), clip(&image, 60)),
        (
            t!("rent-field-ports"),
            ports.iter().map(|(p, k)| format!("{p}/{}", k.as_str())).collect::<Vec<_>>().join(", "),
        ),
        (t!("rent-field-ssh"), ssh),
    ];
    if !opts.env.is_empty() {
        let names = opts.env.keys().map(|k| clip(k, 30)).collect::<Vec<_>>().join(", ");
        fields.push((t!("rent-field-env"), clip(&names, 60)));
        // One sealed copy for the whole set, taken once on Confirm.
        let id = seal_env(cx, &opts.env).await?;
        for p in &mut plans {
            p.env_secret = Some(id);
        }
    }
    r = r.with_fields(fields);
    let within = format::span_words(cx.core.deps.confirm_ttl.as_secs());
    r = r.with_text(if bid.is_some() {
        t!("rent-many-spot-confirm-within", within = within)
    } else {
        t!("rent-many-confirm-within", within = within)
    });
    if plans[0].env_secret.is_some() && !cx.caller.in_private() {
        if opts.env_typed {
            r = r.with_text(t!("rent-env-deleted"));
        }
        r = r.private();
    }
    let what = t!("rent-many-abort-what", n = plans.len());
    let (confirm, abort) = cx.confirm_pair(&Action::ConfirmRentMany { plans }, &what).await?;
    Ok(vec![r.with_button(t!("press-confirm"), ButtonStyle::Primary, confirm).with_button(
        t!("press-abort"),
        ButtonStyle::Danger,
        abort,
    )])
}

/// Confirm: rents each server in turn through the one rent service (Clore's pace of one
/// order per 5 s per key applies) and names every one with what came of it: made, refused
/// and why, or being checked. A failure never turns the rest into all or nothing.
pub async fn confirm(cx: &Ctx<'_>, mut plans: Vec<RentPlan>) -> Outcome {
    if let Some(id) = plans.first().and_then(|p| p.env_secret) {
        let env = unseal_env(cx, id).await?;
        for p in &mut plans {
            p.env_secret = None;
            p.env = env.clone();
        }
    }
    let mut list = Reply::default();
    let mut passwords: Vec<(String, SecretString)> = Vec::new();
    let (mut made, mut checking) = (0, 0);
    for (done, plan) in plans.iter().enumerate() {
        if cx.progress.wanted() {
            cx.progress.publish(so_far(&list, &plans, done));
        }
        let server = plan.server.to_string();
        let price = per_day(plan.price, plan.currency);
        let outcome = match service::rent(&cx.core.deps, &cx.user, plan).await {
            Ok(o) => o,
            Err(f) => {
                // Ours (the database, the key): said as such; an attempt already written
                // ahead is settled by reconciliation like any other.
                tracing::warn!(server = %plan.server, "a rent of a set failed on our side");
                let why = crate::core::failure_reply(f).0.plain_text();
                list = list.with_text(t!("rent-many-failed", server = server, why = why));
                continue;
            }
        };
        match outcome {
            RentOutcome::Made { order, login } => {
                made += 1;
                let o = order.id.to_string();
                list = list.with_text(t!(
                    "rent-many-made",
                    order = o.clone(),
                    server = server,
                    gpu = plan.gpu.as_str(),
                    price = price
                ));
                if order.endpoints_ready() {
                    for line in endpoint_lines(&order) {
                        list = list.with_code(line);
                    }
                } else {
                    list = list.with_text(t!("rent-endpoints-pending"));
                }
                if let Login::Generated(p) = login {
                    passwords.push((t!("rent-password-for-order", order = o), p));
                }
            }
            RentOutcome::Accepted { login } => {
                made += 1;
                let accepted = t!("rent-accepted", server = server.clone(), gpu = plan.gpu.as_str(), price = price);
                list = list.with_text(format!("✓ {accepted}"));
                if let Login::Generated(p) = login {
                    passwords.push((t!("rent-password-for-server", server = server), p));
                }
            }
            RentOutcome::Refused(why) => list = list.with_text(format!("✗ {why}")),
            RentOutcome::Unclear => {
                checking += 1;
                list = list.with_text(unclear_text(plan.server));
            }
            RentOutcome::Busy(open) => {
                checking += 1;
                list = list.with_text(busy_text(plan.server, open.as_ref()));
            }
            RentOutcome::Settled(i) => {
                if i.status == Status::Made {
                    made += 1;
                }
                list = list.with_text(settled_text(&i));
            }
        }
    }
    let n = plans.len();
    let title = if made == n {
        t!("rent-many-all-made", n = n)
    } else if checking > 0 {
        t!("rent-many-some-made-checking", made = made, n = n, checking = checking)
    } else {
        t!("rent-many-some-made", made = made, n = n)
    };
    let mut list_reply = Reply::titled(title);
    list_reply.blocks.extend(list.blocks);
    let mut out = vec![list_reply];
    if !passwords.is_empty() {
        // One private note with every generated password, shown once as a single rent's.
        let mut note = Reply::default();
        for (label, p) in passwords {
            note = note.with_secret(label, p);
        }
        out.push(note.with_text(t!("rent-password-once")));
    }
    Ok(out)
}

/// The set so far, shown on the confirmation while the rest wait their turn: each server
/// done with what came of it, the one being sent, the ones waiting. Passwords are not in
/// `list` (they go only in the final private note).
fn so_far(list: &Reply, plans: &[RentPlan], done: usize) -> Reply {
    let mut r = Reply::titled(t!("rent-many-progress", done = done, n = plans.len()));
    r.blocks.extend(list.blocks.iter().cloned());
    let mut rest = plans.iter().skip(done);
    if let Some(p) = rest.next() {
        r = r.with_text(t!("rent-many-progress-sending", server = p.server.to_string(), gpu = p.gpu.as_str()));
    }
    let waiting: Vec<String> =
        rest.map(|p| t!("rent-many-progress-waiting", server = p.server.to_string(), gpu = p.gpu.as_str())).collect();
    if !waiting.is_empty() {
        r = r.with_text(waiting.join("\n"));
    }
    r
}

/// A Confirm of a set that a process which died had pressed, pressed again: the token is
/// used, so nothing is sent; each server's line is what came of the attempt that press began.
pub async fn interrupted(cx: &Ctx<'_>, token: &str, plans: &[RentPlan]) -> Result<PressResponse, Failure> {
    let pool = &cx.core.deps.pool;
    let at = store_actions::used_at(pool, token).await?;
    let mut r = Reply::default();
    for plan in plans {
        let attempt = match at {
            Some(at) => intents::first_since(pool, cx.user.id, plan.server.db(), at).await?,
            None => None,
        };
        let server = plan.server.to_string();
        r = r.with_text(match attempt {
            None => t!("rent-interrupted", server = server),
            Some(i) => match (i.status, i.order_id) {
                (Status::Made, Some(o)) => t!("rent-interrupted-made", order = o.to_string(), server = server),
                (Status::Refused | Status::Absent, _) => t!("rent-settled-not-made", server = server),
                _ => unclear_text(ServerId::from_db(i.server_id)),
            },
        });
    }
    Ok(PressResponse::replacing(vec![r], cx.caller.in_private()))
}
