//! The one way an order is made, for a person who pressed Confirm and for an auto-rent watch
//! alike (docs/money-safety.md). The attempt is written ahead as an intent before `create_order`
//! leaves and every outcome updates it, so an order that exists is always found: an unclear
//! answer is never reported as a refusal, and no second order for the same server is sent
//! while an earlier attempt is open. Open intents are settled by `alerts::reconcile`.

use std::collections::BTreeMap;
use std::time::Duration;

use rand::Rng;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::orders::follow;
use super::{Deps, Failure};
use crate::clore::{
    ApiKey, CloreError, CreateOrder, CreatedOrder, Currency, Order, OrderId, OrderKind, PortProto, ServerId,
};
use crate::domain::format::per_day;
use crate::domain::{TemplateId, WatchId};
use crate::store::crypto::SecretKind;
use crate::store::intents::{self, Begun, Intent, NewIntent, Origin, Status};
use crate::store::spot_guards::GuardSpec;
use crate::store::users::User;
use crate::store::{account_polls, audit, orders as tracked, sealed, watches};
use crate::t;

/// Length of a generated SSH password: strong, and within Clore's 32-character limit.
const GENERATED_PASSWORD_LEN: usize = 20;
/// How long a generated SSH password waits, sealed, for its owner to see it when the order
/// was only found later: a week covers a weekend away from the chat.
pub const LOGIN_KEEP: Duration = Duration::from_secs(7 * 86_400);
/// A bound on one `create_order` with its lookups. The client's own timeouts and retries are
/// bounded; this caps their sum so an intent never stays "pending" for long behind a live
/// process.
const CALL_LIMIT: Duration = Duration::from_secs(150);

/// Everything a Confirm press needs, fixed when the confirmation was shown. Debug shows `env`
/// names only (below): its values may be tokens.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct RentPlan {
    pub server: ServerId,
    pub currency: Currency,
    /// On demand: the price per day shown. Spot: the bid per day.
    pub price: f64,
    pub spot: bool,
    pub image: String,
    /// (port, "tcp" | "http")
    pub ports: Vec<(u16, PortProto)>,
    /// Environment values may be secrets (tokens): never serialized with the plan. A plan
    /// waiting for its Confirm holds them sealed under `env_secret`.
    #[serde(skip)]
    pub env: BTreeMap<String, String>,
    #[serde(default)]
    pub env_secret: Option<Uuid>,
    /// `1× RTX 4090`, for messages.
    pub gpu: String,
    /// Set by an auto-rent watch.
    #[serde(default)]
    pub watch: Option<i64>,
    /// The template it was made from (`t=`): its login and Jupyter token are read from it
    /// when the order is sent, never carried in the plan.
    #[serde(default)]
    pub template: Option<TemplateId>,
    /// The template's start command.
    #[serde(default)]
    pub command: Option<String>,
    /// A spot guard to put on the order (`guard=`).
    #[serde(default)]
    pub guard: Option<GuardSpec>,
    /// Made with nobody there to see a generated password (a guard renting again), as an
    /// auto-rent watch's (`watch`) are: a saved login is required.
    #[serde(default)]
    pub unattended: bool,
}

impl std::fmt::Debug for RentPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RentPlan")
            .field("server", &self.server)
            .field("currency", &self.currency)
            .field("price", &self.price)
            .field("spot", &self.spot)
            .field("image", &self.image)
            .field("ports", &self.ports)
            .field("env", &crate::text::env_names(&self.env))
            .field("env_secret", &self.env_secret)
            .field("gpu", &self.gpu)
            .field("watch", &self.watch)
            .field("template", &self.template)
            .field("command", &self.command)
            .field("guard", &self.guard)
            .field("unattended", &self.unattended)
            .finish()
    }
}

/// How the user logs in to what was rented.
pub enum Login {
    SavedKey,
    SavedPassword,
    /// Made for this order; shown to its owner once.
    Generated(SecretString),
}

/// What became of an attempt.
pub enum RentOutcome {
    /// The order exists and is known.
    Made { order: Box<Order>, login: Login },
    /// Clore took it, but has not listed the order yet; its owner is told when it is.
    Accepted { login: Login },
    /// Clore said no; nothing was made. The text says why, in the user's words.
    Refused(String),
    /// Clore's answer was unclear: the order may exist. It is being checked; its owner is
    /// told the outcome.
    Unclear,
    /// An earlier attempt on this server is still open; nothing was sent.
    Busy(Option<Intent>),
    /// Settled meanwhile by reconciliation, which told the owner.
    Settled(Intent),
}

use super::SshLogin;

/// Rents `plan` for `user` with their key (written ahead, reconciled after: docs/money-safety.md).
pub async fn rent(deps: &Deps, user: &User, plan: &RentPlan) -> Result<RentOutcome, Failure> {
    let key = deps.api_key_of(user).await?.ok_or_else(|| Failure::user(crate::t!("no-key")))?;
    let mut req = CreateOrder::on_demand(plan.server, plan.image.clone(), plan.currency);
    req.kind = if plan.spot {
        OrderKind::Spot { price: plan.price }
    } else {
        OrderKind::OnDemand { required_price: Some(plan.price) }
    };
    req.ports = plan.ports.clone();
    req.env = plan.env.clone();
    req.command = plan.command.clone();
    let template = match plan.template {
        Some(id) => Some(super::templates::resolve(deps, user, id).await?),
        None => None,
    };
    req.jupyter_token = template.as_ref().and_then(|t| t.jupyter());
    let login = match template.as_ref().and_then(|t| t.login()) {
        Some(login) => login,
        None => super::ssh_login(deps, user).await?,
    };
    let login = match login {
        SshLogin::Key(k) => {
            req.ssh_key = Some(k);
            Login::SavedKey
        }
        SshLogin::Password(p) => {
            req.ssh_password = Some(p);
            Login::SavedPassword
        }
        SshLogin::Nothing if plan.watch.is_some() || plan.unattended => {
            // Unattended: a generated password could only reach its owner through the outbox.
            return Ok(RentOutcome::Refused(super::login::no_saved_login()));
        }
        SshLogin::Nothing => {
            let p = SecretString::from(generate_password());
            req.ssh_password = Some(p.clone());
            Login::Generated(p)
        }
    };
    if let Err(e) = req.validate() {
        // Nothing leaves: this is a plain refusal, no intent needed.
        let why = super::explain_clore(&CloreError::Invalid(e));
        return Ok(RentOutcome::Refused(t!("rent-cannot-send", why = why)));
    }
    let intent = match write_ahead(deps, user, plan, &login).await? {
        Begun::Started(i) => i,
        Begun::Busy(open) => return Ok(RentOutcome::Busy(open)),
    };
    let result = match tokio::time::timeout(CALL_LIMIT, deps.clore.create_order(&key, &req)).await {
        Ok(r) => r,
        Err(_) => Err(CloreError::CreateOrderUncertain {
            server_id: plan.server,
            cause: Box::new(CloreError::Timeout { endpoint: "create_order", after: CALL_LIMIT }),
        }),
    };
    conclude(deps, user, &key, plan, &intent, result, login).await
}

/// Commits the intent (and a generated password, sealed) before anything is sent; `Busy`
/// (with that attempt) when an earlier attempt on the same server is still open.
async fn write_ahead(deps: &Deps, user: &User, plan: &RentPlan, login: &Login) -> Result<Begun, Failure> {
    let mut tx = deps.pool.begin().await?;
    let login_secret = match login {
        Login::Generated(p) => {
            Some(sealed::put(&mut *tx, &deps.keyring, user.id, SecretKind::OrderLogin, p, LOGIN_KEEP).await?)
        }
        _ => None,
    };
    let new = NewIntent {
        user: user.id,
        server_id: plan.server.db(),
        price: plan.price,
        currency: plan.currency.api_name().to_owned(),
        spot: plan.spot,
        gpu: plan.gpu.clone(),
        watch: plan.watch.map(WatchId),
        origin: origin(plan),
        login_secret,
        guard: plan.guard,
    };
    let begun = intents::begin(&mut tx, &new).await?;
    if matches!(begun, Begun::Started(_)) {
        tx.commit().await?;
    }
    Ok(begun)
}

fn origin(plan: &RentPlan) -> Origin {
    if plan.watch.is_some() { Origin::Autorent } else { Origin::Rent }
}

/// Records what Clore answered; the intent moves only from "pending", so if reconciliation
/// settled it first (a very slow answer) its outcome stands and was announced already.
async fn conclude(
    deps: &Deps,
    user: &User,
    key: &ApiKey,
    plan: &RentPlan,
    intent: &Intent,
    result: Result<CreatedOrder, CloreError>,
    login: Login,
) -> Result<RentOutcome, Failure> {
    let detail = json!({
        "intent": intent.id, "server": plan.server, "price": plan.price, "currency": plan.currency.api_name(),
        "spot": plan.spot, "image": plan.image, "watch": plan.watch,
    });
    let (status, order, why, audited) = match &result {
        Ok(CreatedOrder { order: Some(o) }) => (Status::Made, Some(o), None, format!("ok: order {}", o.id)),
        Ok(CreatedOrder { order: None }) => (Status::Accepted, None, None, "ok: order not listed yet".to_owned()),
        Err(CloreError::CreateOrderUncertain { cause, .. }) => {
            (Status::Unknown, None, Some(cause.to_string()), format!("unclear: {cause}"))
        }
        Err(e) => (Status::Refused, None, Some(e.to_string()), format!("refused: {e}")),
    };
    let mut tx = deps.pool.begin().await?;
    let order_id = order.map(|o| o.id.db());
    if !intents::resolve(&mut *tx, intent.id, &[Status::Pending], status, order_id, why.as_deref()).await? {
        tx.rollback().await?;
        let now = intents::get(&deps.pool, intent.id).await?;
        return Ok(now.map(RentOutcome::Settled).unwrap_or(RentOutcome::Unclear));
    }
    audit::record(&mut *tx, Some(user.id), origin(plan).as_str(), &detail, &audited).await?;
    if let Some(o) = order {
        follow(&mut tx, user.id, o, plan.watch.map(WatchId), Some(plan.price)).await?;
        if let Some(spec) = plan.guard {
            super::spot_guard::put_on(&mut tx, user.id, o, spec, plan.watch.map(WatchId)).await?;
        }
    }
    if status != Status::Refused {
        // An order may exist now: the account poll looks at once, then every interval.
        account_polls::poke(&mut *tx, user.id).await?;
    }
    if let (Some(w), Status::Made | Status::Accepted) = (plan.watch, status) {
        watches::stop_after_order(&mut *tx, WatchId(w)).await?;
    }
    // A password the reply shows now is not kept; an unclear attempt keeps it sealed for
    // the announcement of the order, should it turn out to exist.
    if let (Some(id), false) = (intent.login_secret, status == Status::Unknown) {
        sealed::discard(&mut *tx, id).await?;
    }
    tx.commit().await?;
    Ok(match result {
        Ok(CreatedOrder { order: Some(o) }) => {
            deps.market.invalidate();
            RentOutcome::Made { order: Box::new(o), login }
        }
        Ok(CreatedOrder { order: None }) => {
            deps.market.invalidate();
            RentOutcome::Accepted { login }
        }
        Err(CloreError::CreateOrderUncertain { .. }) => RentOutcome::Unclear,
        Err(e) => RentOutcome::Refused(refusal_text(deps, user, key, plan, &e).await),
    })
}

/// A clear refusal in words for the person who asked; every one says nothing was made.
async fn refusal_text(deps: &Deps, user: &User, key: &ApiKey, plan: &RentPlan, e: &CloreError) -> String {
    let id = plan.server;
    let server = id.to_string();
    let c = plan.currency;
    match e {
        CloreError::Refused { error, .. } if error == "price-changed" => {
            let now = deps
                .market
                .get_within(Duration::ZERO)
                .await
                .ok()
                .and_then(|s| s.server(id).and_then(|v| v.on_demand.get(&c).copied()));
            match now {
                Some(p) => {
                    let (shown, now) = (per_day(plan.price, c), per_day(p, c));
                    t!("rent-price-changed", server = server, shown = shown, now = now)
                }
                None => t!("rent-price-changed-unknown", server = server),
            }
        }
        CloreError::ServerAlreadyRented => match own_order_on(deps, user, key, id).await {
            Some(order) => t!("rent-already-yours", server = server, order = order.to_string()),
            None => t!("rent-taken", server = server),
        },
        CloreError::NotEnoughBalance => t!("rent-low-balance", currency = c.symbol(), server = server),
        CloreError::ServerOffline => t!("rent-went-offline", server = server),
        CloreError::CurrencyNotAllowed => t!("rent-currency-dropped", server = server, currency = c.symbol()),
        CloreError::TooLowPrice => t!("rent-bid-too-low", bid = per_day(plan.price, c), server = server),
        other => t!("rent-refused-other", why = super::explain_clore(other)),
    }
}

/// The user's own running order on `server`, if Clore lists one: "already rented" may mean
/// they rent it themselves (made on the dashboard, or by an attempt settled earlier).
async fn own_order_on(deps: &Deps, user: &User, key: &ApiKey, server: ServerId) -> Option<OrderId> {
    match deps.clore.my_orders(key, false).await {
        Ok(mine) => {
            let o = mine.orders.into_iter().find(|o| !o.expired && o.server_id == Some(server))?;
            let row = super::orders::track_row(user.id, &o);
            if let Err(e) = tracked::track(&deps.pool, &row).await {
                tracing::warn!(error = %e, "could not follow an order found after an already-rented answer");
            }
            Some(o.id)
        }
        Err(_) => {
            tracked::active_on_server(&deps.pool, user.id, server.db()).await.ok().flatten().map(OrderId::from_db)
        }
    }
}

fn generate_password() -> String {
    rand::rng().sample_iter(rand::distr::Alphanumeric).take(GENERATED_PASSWORD_LEN).map(char::from).collect()
}
