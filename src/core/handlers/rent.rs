//! `/rent <id or query> [options]`: show exactly what will be rented and at what price, then
//! rent on Confirm with `required_price` = the price shown — so the order happens at that
//! price or not at all. A query (`/rent 4090`) picks the cheapest free match.

use std::collections::BTreeMap;
use std::time::Duration;

use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::clore::{CloreError, CreateOrder, Currency, Order, OrderKind, PortProto};
use crate::core::actions::Action;
use crate::core::command::{RentArgs, RentTarget};
use crate::core::format::{money, per_day};
use crate::core::{ButtonStyle, Ctx, Failure, Outcome, Reply};
use crate::market::{Query, ServerView};
use crate::store::crypto::SecretKind;
use crate::store::{audit, orders as tracked, secrets};

/// Length of a generated SSH password: strong, and within Clore's 32-character limit.
const GENERATED_PASSWORD_LEN: usize = 20;
/// Clore's creation fee per order, for the confirmation text.
const CREATION_FEE_USD: f64 = 0.10;

/// Everything a Confirm press needs, fixed when the confirmation was shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RentPlan {
    pub server: u64,
    pub currency: Currency,
    /// On demand: the price per day shown. Spot: the bid per day.
    pub price: f64,
    pub spot: bool,
    pub image: String,
    /// (port, "tcp" | "http")
    pub ports: Vec<(u16, String)>,
    pub env: BTreeMap<String, String>,
    /// `1× RTX 4090`, for messages.
    pub gpu: String,
    /// Set by an auto-rent watch.
    #[serde(default)]
    pub watch: Option<i64>,
}

/// Options of `/rent` that shape the plan.
#[derive(Debug, Clone, Default)]
pub struct RentOptions {
    pub image: Option<String>,
    pub spot: Option<f64>,
    pub ports: Vec<(u16, PortProto)>,
    pub env: BTreeMap<String, String>,
    pub currency: Option<Currency>,
}

pub async fn rent(cx: &Ctx<'_>, a: RentArgs) -> Outcome {
    cx.api_key().await?;
    let opts = RentOptions { image: a.image, spot: a.spot, ports: a.ports, env: a.env, currency: a.currency };
    let id = match a.target {
        RentTarget::Server(id) => id,
        RentTarget::Cheapest(q) => cheapest(cx, &q, &opts).await?,
        RentTarget::IdOrModel(n, q) => {
            let snap = cx.core.market.get().await?;
            if snap.servers.iter().any(|s| q.models().matches(&s.model)) { cheapest(cx, &q, &opts).await? } else { n }
        }
    };
    prompt_for_server(cx, id, opts).await
}

/// The cheapest free server matching `q` that can be rented in the chosen currency.
async fn cheapest(cx: &Ctx<'_>, q: &Query, opts: &RentOptions) -> Result<u64, Failure> {
    let snap = cx.core.market.get().await?;
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
        None => Err(Failure::user(format!(
            "No free server matches {} with a {} price. /gpus shows what there is; /watch can tell you when one appears.",
            q.describe(),
            currency.symbol(),
        ))),
    }
}

/// Shows the confirmation for renting server `id`.
pub async fn prompt_for_server(cx: &Ctx<'_>, id: u64, opts: RentOptions) -> Outcome {
    cx.api_key().await?;
    let snap = cx.core.market.get().await?;
    let Some(s) = snap.server(id) else {
        return Err(Failure::user(format!("There is no server #{id} on the market (it may be hidden or gone).")));
    };
    if s.rented {
        return Err(Failure::user(format!("Server #{id} is rented right now. /gpus shows free servers.")));
    }
    let (currency, note) = pick_currency(cx, s, opts.currency)?;
    let price = match opts.spot {
        Some(bid) => {
            let Some(min) = s.spot.get(&currency) else {
                return Err(Failure::user(format!("Server #{id} takes no spot bids in {}.", currency.symbol())));
            };
            if bid + 1e-12 < *min {
                return Err(Failure::user(format!(
                    "The minimum spot price for #{id} is {}; bid at least that.",
                    per_day(*min, currency)
                )));
            }
            bid
        }
        None => *s.on_demand.get(&currency).expect("pick_currency returns a priced currency"),
    };
    let image = opts
        .image
        .clone()
        .or_else(|| cx.user.settings.default_image.clone())
        .unwrap_or_else(|| cx.core.cfg.default_image.clone());
    let ports: Vec<(u16, String)> = if opts.ports.is_empty() {
        vec![(22, "tcp".into())]
    } else {
        opts.ports.iter().map(|(p, k)| (*p, k.as_str().to_owned())).collect()
    };
    let plan = RentPlan {
        server: id,
        currency,
        price,
        spot: opts.spot.is_some(),
        image,
        ports,
        env: opts.env.clone(),
        gpu: format!("{}× {}", s.gpu_count, s.model),
        watch: None,
    };
    let ssh = if cx.user.settings.ssh_key.is_some() {
        "your saved SSH key"
    } else if secrets::status(&cx.core.pool, cx.user.id, SecretKind::SshPassword).await?.is_some() {
        "your saved password"
    } else {
        "a new password, shown only to you"
    };
    let mut fields = vec![
        ("GPU".to_owned(), plan.gpu.clone()),
        (if plan.spot { "Spot bid" } else { "Price" }.to_owned(), per_day(price, currency)),
        ("Creation fee".into(), format!("about {}", money(CREATION_FEE_USD, Currency::Usd))),
        ("Image".into(), plan.image.clone()),
        ("Ports".into(), plan.ports.iter().map(|(p, k)| format!("{p}/{k}")).collect::<Vec<_>>().join(", ")),
        ("Max rental".into(), s.mrl_hours.map(|h| format!("{h} h")).unwrap_or_else(|| "—".into())),
        ("Location".into(), s.cc.clone().unwrap_or_else(|| "—".into())),
        ("SSH login".into(), ssh.into()),
    ];
    if !plan.env.is_empty() {
        fields.push(("Environment".into(), plan.env.keys().cloned().collect::<Vec<_>>().join(", ")));
    }
    let mut r = Reply::titled(format!("Rent server #{id}?")).with_fields(fields);
    if let Some(n) = note {
        r = r.with_text(n);
    }
    r = r.with_text(if plan.spot {
        "A spot order runs until someone outbids you. Confirm within 2 minutes.".to_owned()
    } else {
        format!("Confirm within 2 minutes; the order is made at {} or not at all.", money(price, currency))
    });
    let (confirm, abort) = cx.confirm_pair(&Action::ConfirmRent(plan), &format!("renting #{id}")).await?;
    r = r.with_button("Confirm", ButtonStyle::Primary, confirm).with_button("Abort", ButtonStyle::Danger, abort);
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
            Err(Failure::user(format!("Server #{} does not take {}; it takes {}.", s.id, c.symbol(), takes(s))))
        };
    }
    let mine = cx.currency();
    if usable(&mine) {
        return Ok((mine, None));
    }
    match [Currency::Usd, Currency::Clore, Currency::Bitcoin].into_iter().find(usable) {
        Some(c) => Ok((
            c,
            Some(format!(
                "This server does not take {}; priced in {} (add currency=… to choose).",
                mine.symbol(),
                c.symbol()
            )),
        )),
        None => Err(Failure::user(format!("Server #{} has no price in any currency it accepts.", s.id))),
    }
}

fn takes(s: &ServerView) -> String {
    let v: Vec<&str> = s.accepts.iter().map(|c| c.symbol()).collect();
    if v.is_empty() { "nothing listed".into() } else { v.join(", ") }
}

fn generate_password() -> String {
    rand::rng().sample_iter(rand::distr::Alphanumeric).take(GENERATED_PASSWORD_LEN).map(char::from).collect()
}

/// What happened when a plan was sent to Clore, for the caller and for auto-rent.
pub enum RentResult {
    Rented { order: Option<Box<Order>>, password: Option<SecretString> },
    Refused(String),
}

/// Sends the plan to Clore with the caller's key, audits the outcome, and tracks the order.
pub async fn execute(cx: &Ctx<'_>, plan: &RentPlan) -> Result<RentResult, Failure> {
    let key = cx.api_key().await?;
    let mut req = CreateOrder::on_demand(plan.server, plan.image.clone(), plan.currency);
    req.kind = if plan.spot {
        OrderKind::Spot { price: plan.price }
    } else {
        OrderKind::OnDemand { required_price: Some(plan.price) }
    };
    req.ports =
        plan.ports.iter().map(|(p, k)| (*p, if k == "http" { PortProto::Http } else { PortProto::Tcp })).collect();
    req.env = plan.env.clone();
    let mut generated = None;
    if let Some(k) = &cx.user.settings.ssh_key {
        req.ssh_key = Some(k.clone());
    } else if let Some(secrets::Stored::Usable(p)) =
        secrets::get(&cx.core.pool, &cx.core.keyring, cx.user.id, SecretKind::SshPassword).await?
    {
        req.ssh_password = Some(p);
    } else {
        let p = SecretString::from(generate_password());
        req.ssh_password = Some(p.clone());
        generated = Some(p);
    }
    let detail = json!({
        "server": plan.server, "price": plan.price, "currency": plan.currency.api_name(),
        "spot": plan.spot, "image": plan.image, "watch": plan.watch,
    });
    let action = if plan.watch.is_some() { "autorent" } else { "rent" };
    let outcome = cx.core.clore.create_order(&key, &req).await;
    match outcome {
        Ok(created) => {
            let result = match &created.order {
                Some(o) => format!("ok: order {}", o.id),
                None => "ok: order not listed yet".to_owned(),
            };
            let mut tx = cx.core.pool.begin().await?;
            audit::record(&mut *tx, Some(cx.user.id), action, &detail, &result).await?;
            if let Some(o) = &created.order {
                tracked::track(
                    &mut *tx,
                    &tracked::NewTrackedOrder {
                        user: cx.user.id,
                        order_id: o.id as i64,
                        server_id: plan.server as i64,
                        spot: plan.spot,
                        price: o.price.or(Some(plan.price)),
                        currency: Some(plan.currency.api_name().to_owned()),
                        ends_at: o.ends_at().and_then(|t| chrono::DateTime::from_timestamp(t, 0)),
                        watch: plan.watch.map(crate::store::WatchId),
                    },
                )
                .await?;
                if o.endpoints_ready() {
                    tracked::set_endpoints_shown(&mut *tx, cx.user.id, o.id as i64).await?;
                }
            }
            tx.commit().await?;
            cx.core.market.invalidate();
            Ok(RentResult::Rented { order: created.order.map(Box::new), password: generated })
        }
        Err(e) => {
            let text = refusal_text(cx, plan, &e).await;
            audit::record(&cx.core.pool, Some(cx.user.id), action, &detail, &format!("refused: {e}")).await?;
            match e {
                CloreError::InvalidKey
                | CloreError::Refused { .. }
                | CloreError::ServerAlreadyRented
                | CloreError::NotEnoughBalance
                | CloreError::ServerOffline
                | CloreError::TooLowPrice
                | CloreError::CurrencyNotAllowed
                | CloreError::CreateOrderUncertain { .. }
                | CloreError::Invalid(_)
                | CloreError::InvalidInput { .. } => Ok(RentResult::Refused(text)),
                other => Err(Failure::from(other)),
            }
        }
    }
}

async fn refusal_text(cx: &Ctx<'_>, plan: &RentPlan, e: &CloreError) -> String {
    let id = plan.server;
    let c = plan.currency;
    match e {
        CloreError::Refused { error, .. } if error == "price-changed" => {
            let now = cx
                .core
                .market
                .get_within(Duration::ZERO)
                .await
                .ok()
                .and_then(|s| s.server(id).and_then(|v| v.on_demand.get(&c).copied()));
            match now {
                Some(p) => format!(
                    "The price of #{id} changed since it was shown: {} → {}. No order was made; /rent {id} shows the new price.",
                    per_day(plan.price, c),
                    per_day(p, c)
                ),
                None => {
                    format!("The price of #{id} changed since it was shown. No order was made; /rent {id} to see it.")
                }
            }
        }
        CloreError::ServerAlreadyRented => format!("Someone else rented #{id} a moment ago. No order was made."),
        CloreError::NotEnoughBalance => format!(
            "Your {} balance is too low for #{id} (the first hours plus the creation fee). No order was made; \
             /wallets shows balances and deposit addresses.",
            c.symbol()
        ),
        CloreError::ServerOffline => format!("Server #{id} went offline. No order was made."),
        CloreError::CurrencyNotAllowed => {
            format!("The owner of #{id} no longer takes {}. No order was made.", c.symbol())
        }
        CloreError::TooLowPrice => format!(
            "Your bid of {} is too low for #{id}: someone bids more or it is under the minimum. No order was made.",
            per_day(plan.price, c)
        ),
        other => crate::core::explain_clore(other),
    }
}

pub async fn confirm(cx: &Ctx<'_>, plan: RentPlan) -> Outcome {
    match execute(cx, &plan).await? {
        RentResult::Refused(text) => Ok(vec![Reply::text(text)]),
        RentResult::Rented { order, password } => Ok(rented_replies(&plan, order.as_deref(), password)),
    }
}

/// "Order N is running…" with its endpoints, plus a private note with a generated password.
pub fn rented_replies(plan: &RentPlan, order: Option<&Order>, password: Option<SecretString>) -> Vec<Reply> {
    let c = plan.currency;
    let mut out = Vec::new();
    let mut r = match order {
        Some(o) => Reply::titled(format!(
            "Order {} is running on #{} — {} at {}{}.",
            o.id,
            plan.server,
            plan.gpu,
            per_day(plan.price, c),
            if plan.spot { " (spot bid)" } else { "" }
        )),
        None => Reply::titled(format!(
            "Rented #{} — {} at {}. The order is not listed by Clore yet; /orders will show it shortly.",
            plan.server,
            plan.gpu,
            per_day(plan.price, c)
        )),
    };
    if let Some(o) = order {
        if o.endpoints_ready() {
            for line in endpoint_lines(o) {
                r = r.with_code(line);
            }
        } else {
            r = r.with_text("Its endpoints are being set up; /orders shows them once ready, and I will tell you.");
        }
    }
    out.push(r);
    if let Some(p) = password {
        let which = order.map(|o| format!("order {}", o.id)).unwrap_or_else(|| format!("server #{}", plan.server));
        out.push(
            Reply::text(format!(
                "SSH password for {which}: {} — shown only this once and not stored. Save it, or set your own with /settings.",
                p.expose_secret()
            ))
            .private(),
        );
    }
    out
}

/// `ssh root@host -p 10022` and `https://…` lines of an order.
pub fn endpoint_lines(o: &Order) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((host, port)) = o.ssh_endpoint() {
        out.push(format!("ssh root@{host} -p {port}"));
    }
    if let Some(h) = &o.http_pub {
        out.push(format!("https://{h}"));
    }
    if let Some(host) = o.pub_cluster.first() {
        for f in o.port_forwards().into_iter().filter(|f| f.container != 22) {
            out.push(format!("port {} → {host}:{}", f.container, f.public));
        }
    }
    out
}
