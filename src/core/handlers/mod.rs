//! One file per command group; [`dispatch`] routes a parsed command to its handler.

pub mod earnings;
pub mod guards;
pub mod history;
pub mod hosts;
pub mod hostset;
pub mod keys;
pub mod market;
mod market_menus;
pub mod market_watches;
pub mod myservers;
pub mod orders;
pub mod overview;
pub mod rent;
pub mod rent_many;
pub mod settings;
pub mod shared_watches;
pub mod templates;
pub mod wallets;
pub mod watches;

use super::command::Command;
use super::{Ctx, Outcome, Reply, help};

pub async fn dispatch(cx: &Ctx<'_>, cmd: Command) -> Outcome {
    match cmd {
        Command::Start => Ok(vec![Reply::text(help::start())]),
        Command::Help(None) => Ok(vec![Reply::text(help::overview())]),
        Command::Help(Some(name)) => Ok(vec![Reply::text(match help::find(&name) {
            Some(c) => help::detail(c),
            None => crate::t!("help-unknown", name = crate::text::clip(&name, crate::text::ECHO_MAX)),
        })]),
        Command::KeyStatus => keys::status(cx).await,
        Command::KeySet(k) => keys::set(cx, k).await,
        Command::KeyRemove => keys::remove(cx).await,
        Command::Gpus { query, text } => market::gpus_page(cx, query, text, 0).await,
        Command::Server(id) => market::server(cx, id).await,
        Command::Rent(a) => rent::rent(cx, a).await,
        Command::Orders { all } => orders::list(cx, all).await,
        Command::Cancel { order, issue } => orders::cancel(cx, order, issue).await,
        Command::CancelMany { orders } => orders::cancel_many(cx, orders).await,
        Command::SpotPrice { order, price } => orders::spot_price(cx, order, price).await,
        Command::SpotGuard { order, guard } => guards::spot_guard(cx, order, guard).await,
        Command::Wallets => wallets::wallets(cx).await,
        Command::Market { query, text } => overview::market(cx, &query, text, 0).await,
        Command::History { query, period } => history::history(cx, &query, period).await,
        Command::Spend(period) => history::spend(cx, period).await,
        Command::Earnings(period) => earnings::earnings(cx, period).await,
        Command::Watch(a) => watches::watch(cx, a).await,
        Command::SharedWatch(id) => shared_watches::show(cx, id).await,
        Command::Watches => watches::list(cx).await,
        Command::Unwatch(id) => watches::unwatch(cx, id).await,
        Command::Snooze { watch, duration } => watches::snooze(cx, watch, duration).await,
        Command::MyServers => myservers::my_servers(cx).await,
        Command::HostSet(a) => hostset::prompt(cx, a).await,
        Command::Settings(changes) => settings::settings(cx, changes).await,
        Command::Templates => templates::list(cx).await,
        Command::TemplateSave(a) => templates::save(cx, a).await,
        Command::TemplateShow(name) => templates::show(cx, name).await,
        Command::TemplateDelete(name) => templates::delete(cx, name).await,
    }
}
