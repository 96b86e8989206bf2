//! Auto-rent: a watch that rents the cheapest new match with its owner's key, within the
//! guardrails the owner confirmed — maximum price (the watch's query), maximum running
//! orders from this watch, and a per-day spend cap — then switches itself off unless told to
//! keep going. Each attempt is audited (by the rent path) and announced like a manual rent.

use std::collections::HashMap;

use super::Engine;
use super::message::AlertMessage;
use super::watch::CompiledWatch;
use crate::core::format::{money, per_day};
use crate::core::handlers::rent::{self, RentPlan, RentResult};
use crate::core::handlers::watches::AutorentRules;
use crate::core::{Caller, Ctx, Failure};
use crate::market::ServerView;
use crate::store::crypto::SecretKind;
use crate::store::users::ChatKind;
use crate::store::watches::{self, Watch};
use crate::store::{orders, secrets, users};

pub async fn attempt(
    e: &Engine,
    row: &Watch,
    w: &CompiledWatch,
    fresh: &[(u64, f64)],
    servers: &HashMap<u64, &ServerView>,
) -> anyhow::Result<AlertMessage> {
    let core = &e.core;
    let head = format!("Auto-rent watch #{} ({})", row.id, row.query);
    let Some(rules) = row.autorent.as_ref().and_then(|j| serde_json::from_value::<AutorentRules>(j.0.clone()).ok())
    else {
        return Ok(AlertMessage::text(format!("{head}: its rules could not be read; nothing was rented.")));
    };
    let c = w.currency;
    let Some(&(id, price)) = fresh.iter().min_by(|a, b| a.1.total_cmp(&b.1)) else {
        return Ok(AlertMessage::text(format!("{head}: nothing new to rent.")));
    };
    let running = orders::active_from_watch(&core.pool, row.id).await?;
    if running >= i64::from(rules.max_orders) {
        return Ok(AlertMessage::text(format!(
            "{head}: #{id} matches at {}, but {running} order{} from this watch already run (max {}); nothing was rented.",
            per_day(price, c),
            if running == 1 { "" } else { "s" },
            rules.max_orders
        )));
    }
    let spend = orders::active_spend_from_watch(&core.pool, row.id).await?;
    if spend + price > rules.daily_cap + 1e-9 {
        return Ok(AlertMessage::text(format!(
            "{head}: #{id} matches at {}, but with the {}/day already running it would pass the daily cap of {}; \
             nothing was rented.",
            per_day(price, c),
            money(spend, c),
            money(rules.daily_cap, c)
        )));
    }
    let (Some(user), Some(chat)) =
        (users::get_user(&core.pool, row.owner_id).await?, users::get_chat(&core.pool, row.chat_id).await?)
    else {
        return Ok(AlertMessage::text(format!("{head}: its owner is gone; nothing was rented.")));
    };
    let can_log_in = user.settings.ssh_key.is_some()
        || secrets::status(&core.pool, user.id, SecretKind::SshPassword).await?.is_some();
    if !can_log_in {
        return Ok(AlertMessage::text(format!(
            "{head}: #{id} matches at {}, but you have no saved SSH key or password to log in with, so nothing \
             was rented. Set one with /settings sshkey=\"…\" or password=….",
            per_day(price, c)
        )));
    }
    let caller = Caller {
        platform: user.platform,
        user_id: user.platform_user_id.clone(),
        display_name: user.display_name.clone(),
        chat_id: chat.platform_chat_id.clone(),
        chat_kind: ChatKind::Dm,
        guild_id: None,
        chat_title: String::new(),
        dm_chat_id: user.dm_chat_id.clone().unwrap_or_else(|| chat.platform_chat_id.clone()),
        is_chat_admin: false,
    };
    let image = user.settings.default_image.clone().unwrap_or_else(|| core.cfg.default_image.clone());
    let gpu = servers.get(&id).map(|s| format!("{}× {}", s.gpu_count, s.model)).unwrap_or_default();
    let cx = Ctx { core, caller: &caller, user, chat };
    let plan = RentPlan {
        server: id,
        currency: c,
        price,
        spot: w.query.spot(),
        image,
        ports: vec![(22, "tcp".into())],
        env: Default::default(),
        gpu,
        watch: Some(row.id.0),
    };
    let text = match rent::execute(&cx, &plan).await {
        Ok(RentResult::Rented { order, .. }) => {
            let mut lines = vec![format!("{head} rented #{id} — {} at {}.", plan.gpu, per_day(price, c))];
            if let Some(o) = order.as_deref() {
                lines.push(format!("Order {}.", o.id));
                lines.extend(rent::endpoint_lines(o));
            }
            if !rules.keep {
                watches::set_active(&core.pool, row.id, false).await?;
                lines.push("The watch is now off, as set (add keep to go on renting).".into());
            }
            lines.join("\n")
        }
        Ok(RentResult::Refused(why)) => format!("{head}: renting #{id} did not go through. {why}"),
        Err(Failure::User(why) | Failure::UserSecret(why)) => {
            format!("{head}: renting #{id} did not go through. {why}")
        }
        Err(Failure::Internal(err)) => return Err(err),
    };
    Ok(AlertMessage::text(text))
}
