//! `/rent <id or query> [options]`: show exactly what will be rented and at what price, then
//! rent on Confirm with `required_price` = the price shown — so the order happens at that
//! price or not at all. A query (`/rent 4090`) picks the cheapest free match.

use crate::clore::ServerId;
use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};

use crate::clore::{Currency, PortProto};
use crate::core::actions::Action;
use crate::core::command::{RentArgs, RentTarget};
use crate::core::views::rent::{busy_text, password_reply, rented_replies, settled_text, unclear_text};
use crate::core::{ButtonStyle, Ctx, Failure, Outcome, PressResponse, Reply};
use crate::domain::format::{clip, money, per_day};
use crate::market::{Query, ServerView};
pub use crate::services::rent::RentPlan;
use crate::services::rent::{self as service, RentOutcome};
use crate::services::spot_guard::{GuardSpec, margin_or_default};
use crate::services::templates::{self, Resolved};
use crate::store::actions as store_actions;
use crate::store::crypto::SecretKind;
use crate::store::intents::{self, IntentId, Status};
use crate::store::sealed;
use crate::t;

/// A spot bid more than this many times the on-demand price is refused as a slip of the
/// finger: renting on demand would cost a tenth and could not be outbid.
pub const MAX_BID_OVER_ON_DEMAND: f64 = 10.0;
/// `env` values wait, sealed, a little longer than their Confirm button lives.
const ENV_GRACE: std::time::Duration = std::time::Duration::from_secs(60);

/// Options of `/rent` that shape the plan.
#[derive(Debug, Clone, Default)]
pub struct RentOptions {
    pub image: Option<String>,
    pub spot: Option<f64>,
    pub ports: Vec<(u16, PortProto)>,
    pub env: BTreeMap<String, String>,
    pub currency: Option<Currency>,
    /// `t=<name>`, read back: what the options above leave out comes from it.
    pub template: Option<Resolved>,
    /// `guard=<max>` (with its margin and `rebid`): a spot guard put on the order.
    pub guard: Option<GuardSpec>,
    /// Renting again after an outbid: the server is held by the winning spot bid, which a
    /// higher one takes over.
    pub outbidding: bool,
    /// `env` values were typed on the command (its message was deleted in a group), not
    /// only taken from a template.
    pub env_typed: bool,
}

pub async fn rent(cx: &Ctx<'_>, a: RentArgs) -> Outcome {
    cx.api_key().await?;
    let guard = match (&a.guard, a.spot) {
        (Some(_), None) => return Err(Failure::user(t!("rent-guard-needs-spot"))),
        (Some(g), Some(bid)) if g.max + 1e-12 < bid => {
            return Err(Failure::user(t!("rent-guard-below-bid", max = g.max, bid = bid)));
        }
        (Some(g), Some(_)) => {
            Some(GuardSpec { max: g.max, margin: margin_or_default(g.margin, g.max), rebid: g.rebid, template: None })
        }
        (None, _) => None,
    };
    let env_typed = !a.env.is_empty();
    let mut opts = RentOptions {
        env_typed,
        image: a.image,
        spot: a.spot,
        ports: a.ports,
        env: a.env,
        currency: a.currency,
        template: None,
        guard,
        outbidding: false,
    };
    if let Some(name) = &a.template {
        let group = (!cx.caller.in_private()).then_some(cx.chat.id);
        let t = templates::named(&cx.core.deps, &cx.user, group, name).await?;
        opts = with_template(opts, templates::read(&cx.core.deps, &t)?);
    }
    if let Some(g) = opts.guard.as_mut() {
        g.template = opts.template.as_ref().map(|t| t.id);
    }
    if let Some(count) = a.count {
        let one_server = || Failure::user(t!("parse-rent-count-one-server"));
        let q = match a.target {
            RentTarget::Cheapest(q) => q,
            RentTarget::IdOrModel(_, q) => {
                let snap = cx.core.deps.market.get().await?;
                if !snap.servers.iter().any(|s| q.models().matches(&s.model)) {
                    return Err(one_server());
                }
                q
            }
            RentTarget::Server(_) => return Err(one_server()),
        };
        return super::rent_many::prompt(cx, &q, opts, count).await;
    }
    let id = match a.target {
        RentTarget::Server(id) => id,
        RentTarget::Cheapest(q) => cheapest(cx, &q, &opts).await?,
        RentTarget::IdOrModel(n, q) => {
            let snap = cx.core.deps.market.get().await?;
            if snap.servers.iter().any(|s| q.models().matches(&s.model)) { cheapest(cx, &q, &opts).await? } else { n }
        }
    };
    prompt_for_server(cx, id, opts).await
}

/// `opts` with what they leave out taken from the template: options given on the command win,
/// and an `env` value given on the command wins over the template's of the same name.
pub(super) fn with_template(mut opts: RentOptions, t: Resolved) -> RentOptions {
    if opts.image.is_none() {
        opts.image = t.image.clone();
    }
    if opts.ports.is_empty() {
        opts.ports = t.ports.clone();
    }
    let mut env = t.secrets.env.clone();
    env.append(&mut opts.env);
    opts.env = env;
    opts.template = Some(t);
    opts
}

/// The cheapest free server matching `q` that can be rented in the chosen currency.
async fn cheapest(cx: &Ctx<'_>, q: &Query, opts: &RentOptions) -> Result<ServerId, Failure> {
    let snap = cx.core.deps.market.get().await?;
    let currency = opts.currency.or(q.currency()).unwrap_or_else(|| cx.currency());
    let spot = opts.spot.is_some() || q.spot();
    let best = q
        .run(&snap.servers, currency)
        .into_iter()
        .filter(|s| !s.rented && s.accepts.contains(&currency) && s.price(currency, spot).is_some())
        .min_by(|a, b| {
            a.price(currency, spot).unwrap_or(f64::MAX).total_cmp(&b.price(currency, spot).unwrap_or(f64::MAX))
        });
    match best {
        Some(s) => Ok(s.id),
        None => Err(Failure::user(t!("rent-no-match", query = q.describe(), currency = currency.symbol()))),
    }
}

/// The image (asked, saved default, or the bot's) and ports (SSH alone unless asked) of a rent.
pub(super) fn image_and_ports(cx: &Ctx<'_>, opts: &RentOptions) -> Result<(String, Vec<(u16, PortProto)>), Failure> {
    let image = opts
        .image
        .clone()
        .or_else(|| cx.user.settings.default_image.clone())
        .unwrap_or_else(|| cx.core.deps.default_image.clone());
    // A default saved before images were checked against Docker's grammar is refused here,
    // before a confirmation shows it, rather than by the order's own check after Confirm.
    crate::clore::validate::check_image(&image).map_err(crate::clore::CloreError::from)?;
    let ports = if opts.ports.is_empty() { vec![(22, PortProto::Tcp)] } else { opts.ports.clone() };
    Ok((image, ports))
}

/// Environment values may be tokens: they wait for the Confirm sealed, never in the
/// button's payload.
pub(super) async fn seal_env(cx: &Ctx<'_>, env: &BTreeMap<String, String>) -> Result<uuid::Uuid, Failure> {
    let json = serde_json::to_string(env).map_err(|e| Failure::Internal(e.into()))?;
    let ttl = cx.core.deps.confirm_ttl + ENV_GRACE;
    let (pool, keyring) = (&cx.core.deps.pool, &cx.core.deps.keyring);
    Ok(sealed::put(pool, keyring, cx.user.id, SecretKind::RentEnv, &SecretString::from(json), ttl).await?)
}

/// The environment sealed by [`seal_env`], taken (it is gone afterwards).
pub(super) async fn unseal_env(cx: &Ctx<'_>, id: uuid::Uuid) -> Result<BTreeMap<String, String>, Failure> {
    match sealed::take(&cx.core.deps.pool, &cx.core.deps.keyring, cx.user.id, SecretKind::RentEnv, id).await? {
        sealed::Taken::Secret(json) => {
            serde_json::from_str(json.expose_secret()).map_err(|e| Failure::Internal(e.into()))
        }
        sealed::Taken::Gone => Err(Failure::user(t!("rent-expired"))),
        sealed::Taken::Undecryptable(e) => {
            Err(Failure::Internal(anyhow::anyhow!("the environment of a rent does not decrypt: {e}")))
        }
    }
}

/// Shows the confirmation for renting server `id`.
pub async fn prompt_for_server(cx: &Ctx<'_>, id: ServerId, opts: RentOptions) -> Outcome {
    cx.api_key().await?;
    let snap = cx.core.deps.market.get().await?;
    let Some(s) = snap.server(id) else {
        return Err(Failure::user(t!("rent-no-server", server = id.to_string())));
    };
    if s.rented && !opts.outbidding {
        return Err(Failure::user(t!("rent-server-rented", server = id.to_string())));
    }
    let (currency, note) = pick_currency(cx, s, opts.currency)?;
    let on_demand = *s.on_demand.get(&currency).expect("pick_currency returns a priced currency");
    let mut warnings = Vec::new();
    let server = id.to_string();
    let price = match opts.spot {
        Some(bid) => {
            let Some(min) = s.spot.get(&currency) else {
                return Err(Failure::user(t!("rent-no-spot", server = server, currency = currency.symbol())));
            };
            if bid + 1e-12 < *min {
                return Err(Failure::user(t!("rent-spot-below-min", server = server, min = per_day(*min, currency))));
            }
            let (offer, usual) = (per_day(bid, currency), per_day(on_demand, currency));
            if bid > on_demand * MAX_BID_OVER_ON_DEMAND {
                let times = MAX_BID_OVER_ON_DEMAND.round();
                let text = t!("rent-spot-too-high", bid = offer, times = times, server = server, on_demand = usual);
                return Err(Failure::user(text));
            }
            if bid > on_demand {
                warnings.push(t!("rent-spot-above-on-demand", bid = offer, on_demand = usual.as_str()));
            }
            if let Some(g) = opts.guard.filter(|g| g.max > on_demand * MAX_BID_OVER_ON_DEMAND) {
                let (cap, times) = (per_day(g.max, currency), MAX_BID_OVER_ON_DEMAND.round());
                let text = t!("rent-spot-too-high", bid = cap, times = times, server = server, on_demand = usual);
                return Err(Failure::user(text));
            }
            bid
        }
        None => on_demand,
    };
    let (image, ports) = image_and_ports(cx, &opts)?;
    let mut plan = RentPlan {
        server: id,
        currency,
        price,
        spot: opts.spot.is_some(),
        image,
        ports,
        env: BTreeMap::new(),
        env_secret: None,
        gpu: format!("{}× {}", s.gpu_count, s.model),
        watch: None,
        template: opts.template.as_ref().map(|t| t.id),
        command: opts.template.as_ref().and_then(|t| t.command.clone()),
        guard: opts.guard.filter(|_| opts.spot.is_some()),
        unattended: false,
    };
    let ssh = match opts.template.as_ref().and_then(Resolved::login) {
        Some(login) => login.describe_from_template(),
        None => crate::services::ssh_login(&cx.core.deps, &cx.user).await?.describe(),
    };
    let fee = match snap.creation_fee(currency) {
        Some(f) => money(f, currency),
        None => money(0.10, Currency::Usd),
    };
    let mut fields = vec![
        (t!("rent-field-gpu"), plan.gpu.clone()),
        (if plan.spot { t!("rent-field-spot-bid") } else { t!("rent-field-price") }, per_day(price, currency)),
        (t!("rent-field-fee"), t!("rent-fee-about", fee = fee)),
        (t!("rent-field-image"), clip(&plan.image, 60)),
        (
            t!("rent-field-ports"),
            plan.ports.iter().map(|(p, k)| format!("{p}/{}", k.as_str())).collect::<Vec<_>>().join(", "),
        ),
        (
            t!("rent-field-max-rental"),
            s.mrl_hours.map(|h| t!("rent-hours", h = h.to_string())).unwrap_or_else(|| t!("no-value")),
        ),
        (t!("rent-field-location"), s.cc.clone().unwrap_or_else(|| t!("no-value"))),
        (t!("rent-field-ssh"), ssh),
    ];
    if let Some(t) = &opts.template {
        fields.insert(0, (t!("rent-field-template"), t.name.clone()));
    }
    if let Some(g) = &plan.guard {
        let rebid = if g.rebid { t!("spotguard-line-rebid") } else { String::new() };
        let guard =
            t!("spotguard-line", max = per_day(g.max, currency), margin = money(g.margin, currency), rebid = rebid);
        fields.insert(2, (t!("rent-field-guard"), guard));
    }
    if !opts.env.is_empty() {
        let names = opts.env.keys().map(|k| clip(k, 30)).collect::<Vec<_>>().join(", ");
        fields.push((t!("rent-field-env"), clip(&names, 60)));
        plan.env_secret = Some(seal_env(cx, &opts.env).await?);
    }
    let mut r = Reply::titled(t!("rent-title", server = id.to_string())).with_fields(fields);
    if let Some(n) = note {
        r = r.with_text(n);
    }
    for w in warnings {
        r = r.with_text(w);
    }
    let within = crate::domain::format::span_words(cx.core.deps.confirm_ttl.as_secs());
    r = r.with_text(if plan.spot {
        t!("rent-spot-confirm-within", within = within)
    } else {
        t!("rent-confirm-within", within = within, price = money(price, currency))
    });
    if plan.env_secret.is_some() && !cx.caller.in_private() {
        // The values may be tokens: they leave the group's history, and the confirmation
        // (which names them) goes to the caller alone.
        if opts.env_typed {
            r = r.with_text(t!("rent-env-deleted"));
        }
        r = r.private();
    }
    let (confirm, abort) =
        cx.confirm_pair(&Action::ConfirmRent(plan), &t!("rent-abort-what", server = id.to_string())).await?;
    r = r.with_button(t!("press-confirm"), ButtonStyle::Primary, confirm).with_button(
        t!("press-abort"),
        ButtonStyle::Danger,
        abort,
    );
    Ok(vec![r])
}

/// The caller's currency if the server takes it, else the first it takes (with a note);
/// an explicit `currency=` the server refuses is an error.
fn pick_currency(cx: &Ctx<'_>, s: &ServerView, asked: Option<Currency>) -> Result<(Currency, Option<String>), Failure> {
    let usable = |c: &Currency| s.accepts.contains(c) && s.on_demand.contains_key(c);
    if let Some(c) = asked {
        return if usable(&c) {
            Ok((c, None))
        } else {
            let (server, accepted) = (s.id.to_string(), takes(s));
            Err(Failure::user(t!("rent-currency-refused", server = server, currency = c.symbol(), accepted = accepted)))
        };
    }
    let mine = cx.currency();
    if usable(&mine) {
        return Ok((mine, None));
    }
    match [Currency::Usd, Currency::Clore, Currency::Bitcoin].into_iter().find(usable) {
        Some(c) => Ok((c, Some(t!("rent-currency-note", mine = mine.symbol(), currency = c.symbol())))),
        None => Err(Failure::user(t!("rent-no-price", server = s.id.to_string()))),
    }
}

fn takes(s: &ServerView) -> String {
    let v: Vec<&str> = s.accepts.iter().map(|c| c.symbol()).collect();
    if v.is_empty() { t!("rent-takes-nothing") } else { v.join(", ") }
}

/// Confirm: rents the plan through the one rent service and says what came of it.
pub async fn confirm(cx: &Ctx<'_>, mut plan: RentPlan) -> Outcome {
    if let Some(id) = plan.env_secret.take() {
        plan.env = unseal_env(cx, id).await?;
    }
    Ok(match service::rent(&cx.core.deps, &cx.user, &plan).await? {
        RentOutcome::Made { order, login } => rented_replies(&plan, Some(&order), login),
        RentOutcome::Accepted { login } => rented_replies(&plan, None, login),
        RentOutcome::Refused(text) => vec![Reply::text(text)],
        RentOutcome::Unclear => vec![Reply::text(unclear_text(plan.server))],
        RentOutcome::Busy(open) => vec![Reply::text(busy_text(plan.server, open.as_ref()))],
        RentOutcome::Settled(intent) => vec![Reply::text(settled_text(&intent))],
    })
}

/// "Show SSH password" on an announcement of an order found after an unclear answer: the
/// password generated for it, shown once to its owner, then gone.
pub async fn show_login(cx: &Ctx<'_>, intent: IntentId) -> Outcome {
    let gone = || Failure::user(t!("rent-password-gone"));
    let Some(i) = intents::get(&cx.core.deps.pool, intent).await?.filter(|i| i.user_id == cx.user.id) else {
        return Err(gone());
    };
    let Some(id) = i.login_secret else { return Err(gone()) };
    match sealed::take(&cx.core.deps.pool, &cx.core.deps.keyring, cx.user.id, SecretKind::OrderLogin, id).await? {
        sealed::Taken::Secret(p) => {
            let label = match i.order_id {
                Some(o) => t!("rent-password-for-order", order = o.to_string()),
                None => t!("rent-password-for-server", server = i.server_id.to_string()),
            };
            Ok(vec![password_reply(label, &p)])
        }
        sealed::Taken::Gone => Err(gone()),
        sealed::Taken::Undecryptable(e) => {
            Err(Failure::Internal(anyhow::anyhow!("a generated password does not decrypt: {e}")))
        }
    }
}

/// A Confirm that a process which died had pressed, pressed again by the process finishing
/// its interaction or update: the token is used, so nothing is sent; the confirmation becomes
/// what came of the attempt that press began — none (nothing reached Clore), an order, a
/// refusal, or one still being checked (its owner is told when it is settled).
pub async fn interrupted(cx: &Ctx<'_>, token: &str, plan: &service::RentPlan) -> Result<PressResponse, Failure> {
    let pool = &cx.core.deps.pool;
    let attempt = match store_actions::used_at(pool, token).await? {
        Some(at) => intents::first_since(pool, cx.user.id, plan.server.db(), at).await?,
        None => None,
    };
    let server = plan.server.to_string();
    let text = match attempt {
        None => t!("rent-interrupted", server = server),
        Some(i) => match (i.status, i.order_id) {
            (Status::Made, Some(o)) => t!("rent-interrupted-made", order = o.to_string(), server = server),
            (Status::Refused | Status::Absent, _) => t!("rent-settled-not-made", server = server),
            _ => unclear_text(plan.server),
        },
    };
    Ok(PressResponse::replacing(vec![Reply::text(text)], cx.caller.in_private()))
}
