//! `/myservers`: each of a host's servers as the market sees it. One `my_servers` call and one
//! marketplace snapshot serve the whole fleet (no call per server): its status, its prices in
//! the reader's currency, its rank among the free servers of its model and GPU count, their
//! cheapest, 25th percentile and median price, how much of the last day and week it was
//! rented (`host_earnings`, what the account poll saw), and a suggestion naming its rule
//! (`market::standing`) with a button that opens the `/hostset` confirmation at its price.
//! Like `/orders`, it answers privately: in a group, the host's own chat with the bot.
//! A fleet over [`INLINE_MAX`] servers shows a summary and pages of
//! [`PAGE`] lines, with a button per server opening its screen.

use std::collections::BTreeMap;

use crate::clore::{Currency, HostServer, RentalStatus, ServerId};
use crate::core::{Button, ButtonStyle, Ctx, Failure, Outcome, Reply};
use crate::domain::format::{money, per_day_short, percent};
use crate::market::standing::{self, PeerIndex, Presence, Rule, Standing, Suggestion};
use crate::market::{GpuModel, Snapshot};
use crate::services::Action;
use crate::services::hosting::HostTarget;
use crate::store::host_earnings::{self, RentedShares};
use crate::t;

/// Servers per page of the list.
pub const PAGE: usize = 10;
/// A fleet this small shows every server's screen at once.
pub const INLINE_MAX: usize = 3;

/// What the reply knows of one server.
struct Row {
    name: String,
    gpus: u32,
    model: GpuModel,
    presence: Presence,
    /// Online but not listed.
    hidden: bool,
    /// How it is rented, when Clore says (`rental_status`).
    kind: Option<RentalStatus>,
    /// On-demand and minimum spot price a day in USD.
    usd: Option<(f64, Option<f64>)>,
    standing: Option<Standing>,
    suggestion: Option<Suggestion>,
    /// Its rented time over the last day and week, as the account poll saw it.
    rented: RentedShares,
}

fn rows(servers: &[HostServer], snap: Option<&Snapshot>, shares: &Shares) -> Vec<Row> {
    let empty = PeerIndex::default();
    let peers = snap.map(Snapshot::peers);
    let index = peers.as_deref().unwrap_or(&empty);
    servers
        .iter()
        .map(|s| {
            let listed = snap.zip(s.id).and_then(|(snap, id)| snap.server(ServerId(id)));
            let (gpus, model) = standing::offer(s, listed);
            let kind = s.rental();
            let presence = match (s.online, s.visibility.as_deref(), s.rented, kind) {
                (Some(false), ..) | (_, Some("hidden"), ..) => Presence::Offline,
                (_, _, Some(true), _) | (.., Some(RentalStatus::Spot | RentalStatus::OnDemand)) => Presence::Rented,
                _ => Presence::Free,
            };
            let usd = standing::own_usd(s, listed, index);
            let place = match (usd, s.id, snap.is_some() && !model.is_empty() && gpus > 0) {
                (Some((own, _)), Some(id), true) => {
                    Some(standing::standing(index.of(&model, gpus), ServerId(id), own, presence == Presence::Free))
                }
                _ => None,
            };
            let suggestion = place.as_ref().map(|p| standing::suggest(p, presence));
            let hidden = s.online != Some(false) && s.visibility.as_deref() == Some("hidden");
            let rented = shares.get(&s.name).copied().unwrap_or_default();
            Row { name: s.name.clone(), gpus, model, presence, hidden, kind, usd, standing: place, suggestion, rented }
        })
        .collect()
}

/// Shows USD amounts in the reader's currency at the market's rate (USD without a rate).
struct Shown<'a> {
    currency: Currency,
    index: Option<&'a PeerIndex>,
}

impl Shown<'_> {
    fn at(&self, usd: f64) -> (f64, Currency) {
        match self.index.and_then(|i| i.from_usd(usd, self.currency)) {
            Some(v) if self.currency != Currency::Usd => (v, self.currency),
            _ => (usd, Currency::Usd),
        }
    }
    fn day(&self, usd: f64) -> String {
        let (v, c) = self.at(usd);
        per_day_short(v, c)
    }
    fn plain(&self, usd: f64) -> String {
        let (v, c) = self.at(usd);
        money(v, c)
    }
}

fn status(r: &Row) -> String {
    match (r.presence, r.kind) {
        (Presence::Offline, _) if r.hidden => t!("hosts-visibility-hidden"),
        (Presence::Offline, _) => t!("hosts-offline"),
        (Presence::Rented, Some(RentalStatus::Spot)) => t!("hosts-rented-spot"),
        (Presence::Rented, Some(RentalStatus::OnDemand)) => t!("hosts-rented-on-demand"),
        (Presence::Rented, _) => t!("hosts-rented"),
        (Presence::Free, _) => t!("hosts-free"),
    }
}

fn offer(r: &Row) -> String {
    match r.model.is_empty() {
        true => t!("hosts-no-gpu"),
        false => t!("hosts-offer", gpus = r.gpus, model = r.model.as_str()),
    }
}

/// "#4 of 31 free 1× RTX 4090", or "would be #4 …" when it is not free.
fn rank(s: &Standing, r: &Row) -> String {
    let offer = offer(r);
    match s.free {
        true => t!("hosts-rank", rank = s.rank, of = s.of, offer = offer),
        false => t!("hosts-rank-would", rank = s.rank, of = s.of + 1, offer = offer),
    }
}

/// The suggestion's line, naming its rule.
fn suggestion(s: &Suggestion, st: &Standing, shown: &Shown<'_>) -> String {
    match (s.rule, s.price_usd) {
        (Rule::Quarter, Some(p)) => t!("hosts-suggest-quarter", price = shown.day(p)),
        (Rule::Headroom, Some(p)) => t!("hosts-suggest-headroom", price = shown.day(p)),
        (Rule::Few, Some(p)) => t!("hosts-suggest-few", price = shown.day(p)),
        (Rule::Few, None) if st.peers == 0 => t!("hosts-suggest-alone"),
        (Rule::Few, None) => t!("hosts-suggest-few-cheapest"),
        (Rule::Rented, _) => t!("hosts-suggest-rented"),
        (Rule::Offline, _) => t!("hosts-suggest-offline"),
        (Rule::Quarter | Rule::Headroom | Rule::Hold, _) => t!("hosts-suggest-hold"),
    }
}

/// A share of the time seen, or a dash for none seen.
fn share(rented: i64, covered: i64) -> String {
    match covered {
        c if c <= 0 => t!("no-value"),
        c => percent((rented as f64 / c as f64).clamp(0.0, 1.0)),
    }
}

/// "Rented 64 % of the last 24 h, 30 % of the last 7 d", or that it was not seen yet.
fn rented_line(s: &RentedShares) -> String {
    match s.week_covered_secs {
        0 => t!("hosts-rented-unseen"),
        _ => t!(
            "hosts-rented-share",
            day = share(s.day_rented_secs, s.day_covered_secs),
            week = share(s.week_rented_secs, s.week_covered_secs)
        ),
    }
}

/// The `/hostset` confirmation a suggestion's price opens, and its button's label.
fn set_action(r: &Row, shown: &Shown<'_>) -> Option<(String, Action)> {
    let price = r.suggestion.and_then(|s| s.price_usd)?;
    let action =
        Action::HostSetPrompt { target: HostTarget::Name(r.name.clone()), price_usd: Some(price), spot_usd: None };
    Some((t!("hosts-set-button", price = shown.day(price)), action))
}

/// One server's screen, with its Set button's action when the suggestion names a price.
fn screen(r: &Row, shown: &Shown<'_>) -> (Reply, Option<(String, Action)>) {
    let mut fields = vec![(t!("hosts-field-gpu"), offer(r)), (t!("hosts-field-status"), status(r))];
    match r.usd {
        Some((on_demand, spot)) => {
            fields.push((t!("hosts-on-demand"), shown.day(on_demand)));
            if let Some(spot) = spot {
                fields.push((t!("hosts-spot-minimum"), shown.day(spot)));
            }
        }
        None => fields.push((t!("hosts-on-demand"), t!("no-value"))),
    }
    let mut reply = Reply::titled(r.name.clone()).with_fields(fields).with_text(rented_line(&r.rented));
    let reply = match (&r.standing, &r.suggestion) {
        (Some(s), Some(sug)) => {
            reply = reply.with_text(rank(s, r));
            if let (Some(c), Some(q), Some(m)) = (s.cheapest, s.p25, s.median) {
                reply = reply.with_text(t!(
                    "hosts-figures",
                    cheapest = shown.plain(c),
                    p25 = shown.plain(q),
                    median = shown.plain(m)
                ));
            }
            if let Some(pct) = s.cheaper_than_pct {
                reply = reply.with_text(t!("hosts-cheaper-than", pct = pct, offer = offer(r)));
            }
            reply.with_text(suggestion(sug, s, shown))
        }
        _ => reply.with_text(t!("hosts-no-standing")),
    };
    (reply, set_action(r, shown))
}

/// The screens with their Set buttons.
async fn screens(cx: &Ctx<'_>, screens: Vec<(Reply, Option<(String, Action)>)>) -> Result<Vec<Reply>, Failure> {
    let actions: Vec<Action> = screens.iter().filter_map(|(_, a)| a.as_ref().map(|(_, a)| a.clone())).collect();
    let mut tokens = cx.tokens(&actions).await?.into_iter();
    Ok(screens
        .into_iter()
        .map(|(reply, set)| match (set, &mut tokens) {
            (Some((label, _)), tokens) => match tokens.next() {
                Some(token) => reply.with_button(label, ButtonStyle::Primary, token),
                None => reply,
            },
            (None, _) => reply,
        })
        .collect())
}

/// One line of the list: "rig-a · 1× RTX 4090 · online, free · #4/31 · $3.60/day → ≤ $3.40/day".
fn line(i: usize, r: &Row, shown: &Shown<'_>) -> String {
    let mut l = format!("{}. {} · {} · {}", i + 1, r.name, offer(r), status(r));
    if let Some(s) = &r.standing {
        l.push_str(&format!(" · #{}/{}", s.rank, if s.free { s.of } else { s.of + 1 }));
    }
    if let Some((usd, _)) = r.usd {
        l.push_str(&format!(" · {}", shown.day(usd)));
    }
    if let Some(p) = r.suggestion.and_then(|s| s.price_usd) {
        l.push_str(&format!(" → {}", shown.day(p)));
    }
    l
}

/// The fleet's rented share of the last day and week, when the poll saw any of it.
fn summary_rented(rows: &[Row]) -> Option<String> {
    let sum = rows.iter().fold(RentedShares::default(), |a, r| RentedShares {
        day_rented_secs: a.day_rented_secs + r.rented.day_rented_secs,
        day_covered_secs: a.day_covered_secs + r.rented.day_covered_secs,
        week_rented_secs: a.week_rented_secs + r.rented.week_rented_secs,
        week_covered_secs: a.week_covered_secs + r.rented.week_covered_secs,
    });
    (sum.week_covered_secs > 0).then(|| rented_line(&sum))
}

fn summary(rows: &[Row]) -> String {
    let count = |p: Presence| rows.iter().filter(|r| r.presence == p).count();
    let kind = |k: RentalStatus| rows.iter().filter(|r| r.presence == Presence::Rented && r.kind == Some(k)).count();
    let quarter = rows
        .iter()
        .filter(|r| r.presence == Presence::Free && r.standing.as_ref().is_some_and(|s| s.in_quarter == Some(true)))
        .count();
    t!(
        "hosts-summary",
        n = rows.len(),
        rented = count(Presence::Rented),
        on_demand = kind(RentalStatus::OnDemand),
        spot = kind(RentalStatus::Spot),
        free = count(Presence::Free),
        quarter = quarter,
        offline = count(Presence::Offline)
    )
}

/// Each server's rented time, by name.
type Shares = BTreeMap<String, RentedShares>;

/// What `/myservers` and its buttons read: the host's servers, the market and what the
/// account poll saw of them, once.
async fn fleet(cx: &Ctx<'_>) -> Result<(Vec<HostServer>, Option<std::sync::Arc<Snapshot>>, Shares), Failure> {
    let key = cx.api_key().await?;
    let mine = super::hosts::listed(cx, &key).await?;
    if mine.servers.is_empty() {
        return Ok((mine.servers, None, Shares::new()));
    }
    let shares = host_earnings::rented_shares(&cx.core.deps.pool, cx.user.id, cx.core.deps.clock.now()).await?;
    // Without the market the statuses still show; the standing says it is unknown.
    let snap = match cx.core.deps.market.get().await {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!(error = %e, "no market snapshot for /myservers");
            None
        }
    };
    Ok((mine.servers, snap, shares))
}

pub async fn my_servers(cx: &Ctx<'_>) -> Outcome {
    page(cx, 0).await
}

/// The list's page `page` (0-based); a small fleet shows every screen instead.
pub async fn page(cx: &Ctx<'_>, page: usize) -> Outcome {
    let (servers, snap, shares) = fleet(cx).await?;
    if servers.is_empty() {
        return Ok(vec![Reply::text(t!("hosts-none"))]);
    }
    let index = snap.as_deref().map(Snapshot::peers);
    let shown = Shown { currency: cx.currency(), index: index.as_deref() };
    let rows = rows(&servers, snap.as_deref(), &shares);
    let pages = rows.len().div_ceil(PAGE);
    let page = page.min(pages - 1);
    let mut title = t!("hosts-title", n = rows.len());
    if rows.len() > INLINE_MAX && pages > 1 {
        title = t!("gpus-title-paged", title = title, page = page + 1, pages = pages);
    }
    let mut head = Reply::titled(title).with_text(summary(&rows));
    if let Some(line) = summary_rented(&rows) {
        head = head.with_text(line);
    }
    if rows.len() <= INLINE_MAX {
        let mut out = vec![head];
        out.extend(screens(cx, rows.iter().map(|r| screen(r, &shown)).collect()).await?);
        if let Some(last) = out.pop() {
            out.push(last.with_text(t!("hosts-change-with")));
        }
        return Ok(out.into_iter().map(Reply::private).collect());
    }
    let mut r = head;
    let on_page: Vec<(usize, &Row)> = rows.iter().enumerate().skip(page * PAGE).take(PAGE).collect();
    r = r.with_code(on_page.iter().map(|(i, row)| line(*i, row, &shown)).collect::<Vec<_>>().join("\n"));
    r = r.with_text(t!("hosts-open-one"));
    let mut actions: Vec<(String, Action)> = on_page
        .iter()
        .map(|(i, row)| ((i + 1).to_string(), Action::HostServerScreen { name: row.name.clone() }))
        .collect();
    let open = actions.len();
    if page > 0 {
        actions.push((t!("gpus-prev"), Action::MyServersPage { page: page - 1 }));
    }
    if page + 1 < pages {
        actions.push((t!("gpus-next"), Action::MyServersPage { page: page + 1 }));
    }
    let tokens = cx.tokens(&actions.iter().map(|(_, a)| a.clone()).collect::<Vec<_>>()).await?;
    let mut buttons: Vec<Button> = actions
        .into_iter()
        .zip(tokens)
        .map(|((label, _), token)| Button { label, style: ButtonStyle::Secondary, token, link: None })
        .collect();
    let nav = buttons.split_off(open);
    r = r.with_row(buttons);
    if !nav.is_empty() {
        r = r.with_row(nav);
    }
    Ok(vec![r.private()])
}

/// The screen of the server named `name`, read afresh (a button may be pressed long after).
pub async fn server_screen(cx: &Ctx<'_>, name: &str) -> Outcome {
    let (servers, snap, shares) = fleet(cx).await?;
    let index = snap.as_deref().map(Snapshot::peers);
    let shown = Shown { currency: cx.currency(), index: index.as_deref() };
    let rows = rows(&servers, snap.as_deref(), &shares);
    let Some(row) = rows.iter().find(|r| r.name == name) else {
        let yours = rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", ");
        return Err(Failure::user(t!(
            "hosts-unknown-name",
            name = crate::text::clip(name, crate::text::ECHO_MAX),
            yours = yours
        )));
    };
    Ok(screens(cx, vec![screen(row, &shown)]).await?.into_iter().map(Reply::private).collect())
}
