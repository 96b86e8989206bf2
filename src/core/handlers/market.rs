//! `/gpus [query]` and `/server <id>`: market data, public, no key needed.

use crate::clore::Currency;
use crate::clore::ServerId;
use crate::core::actions::Action;
use crate::core::reply::MAX_ROWS;
use crate::core::{Button, ButtonStyle, Ctx, Failure, Menu, MenuOption, Outcome, Reply};
use crate::domain::format::{self, money, per_day};
use crate::i18n::number;
use crate::market::{Query, ServerView, Snapshot};
use crate::t;

/// How many listed servers get their own Rent / Details buttons (more crowds a phone screen;
/// fewer when the menus and the page row leave less room).
const BUTTON_ROWS: usize = 3;

/// The currency a query shows prices in: its own `currency=`, else the caller's setting.
pub fn query_currency(cx: &Ctx<'_>, q: &Query) -> Currency {
    q.currency().unwrap_or_else(|| cx.currency())
}

/// A page of `/gpus` results for `query`; `text` is the query as typed (its joined terms),
/// which the page buttons keep.
pub async fn gpus_page(cx: &Ctx<'_>, query: Query, text: String, page: usize) -> Outcome {
    let snap = cx.core.deps.market.get().await?;
    let currency = query_currency(cx, &query);
    let found = query.run(&snap.servers, currency);
    let size = cx.core.cfg.page_size.max(1);
    let pages = found.len().div_ceil(size).max(1);
    if found.is_empty() {
        let mut r = Reply::text(t!("gpus-none", query = query.describe())).with_text(t!("gpus-none-hint"));
        add_stale_note(&mut r, &snap);
        return Ok(vec![r]);
    }
    let page = page.min(pages - 1);
    let rows = &found[page * size..(found.len()).min((page + 1) * size)];
    let kind = if query.spot() { t!("gpus-kind-spot") } else { t!("gpus-kind-on-demand") };
    let count = t!("servers-count", n = found.len());
    let (described, symbol) = (query.describe(), currency.symbol());
    let mut title = t!("gpus-title", count = count, query = described, kind = kind, currency = symbol);
    if pages > 1 {
        title = t!("gpus-title-paged", title = title, page = page + 1, pages = pages);
    }
    let mut r = Reply::titled(title);
    let lines: Vec<String> = rows.iter().map(|s| row(s, currency, query.spot())).collect();
    r = r.with_text(lines.join("\n"));
    add_stale_note(&mut r, &snap);
    // One row per listed server, then a row to turn the page (which replaces the listing),
    // then the menus where the platform shows them (a choice replaces the listing too);
    // every token is stored in one statement. The menus and the page row come first when
    // rows run short: a server's buttons are also one `/rent` or `/server` away.
    let menus = if cx.caller.frontend.shows_menus() {
        super::market_menus::plan(&text, found.len(), &snap.servers, currency)
    } else {
        Vec::new()
    };
    let prev = page > 0;
    let next = page + 1 < pages;
    let room = MAX_ROWS.saturating_sub(menus.len() + usize::from(prev || next));
    let listed: Vec<&ServerView> = rows.iter().take(BUTTON_ROWS.min(room)).copied().collect();
    let mut actions = Vec::new();
    for s in &listed {
        if !s.rented {
            actions.push(Action::RentPrompt { server: s.id });
        }
        actions.push(Action::ServerDetails { server: s.id });
    }
    // The pages keep the query as typed, read back when pressed.
    if prev {
        actions.push(Action::GpusPage { query_text: text.clone(), page: page - 1 });
    }
    if next {
        actions.push(Action::GpusPage { query_text: text, page: page + 1 });
    }
    for m in &menus {
        actions.extend(m.options.iter().map(|(_, action, _)| action.clone()));
    }
    let mut tokens = cx.tokens(&actions).await?.into_iter();
    let mut take = || tokens.next().ok_or_else(|| Failure::Internal(anyhow::anyhow!("a token went missing")));
    for s in &listed {
        let mut row = Vec::new();
        if !s.rented {
            row.push(Button {
                label: t!("gpus-rent-button", id = s.id.to_string()),
                style: ButtonStyle::Primary,
                token: take()?,
                link: None,
            });
        }
        row.push(Button {
            label: t!("gpus-details-button", id = s.id.to_string()),
            style: ButtonStyle::Secondary,
            token: take()?,
            link: None,
        });
        r = r.with_row(row);
    }
    let mut nav = Vec::new();
    if prev {
        nav.push(Button { label: t!("gpus-prev"), style: ButtonStyle::Secondary, token: take()?, link: None });
    }
    if next {
        nav.push(Button { label: t!("gpus-next"), style: ButtonStyle::Secondary, token: take()?, link: None });
    }
    if !nav.is_empty() {
        r = r.with_row(nav);
    }
    for m in menus {
        let mut options = Vec::new();
        for (label, _, default) in m.options {
            options.push(MenuOption { label, token: take()?, default });
        }
        r = r.with_menu(Menu { placeholder: m.placeholder, options });
    }
    Ok(vec![r])
}

/// One listing line: `#123  1× RTX 4090  $0.45/day ($0.0188/h)  64 GB  DE  99.1%  free`.
fn row(s: &ServerView, c: Currency, spot: bool) -> String {
    let price = s.price(c, spot).map(|p| per_day(p, c)).unwrap_or_else(|| t!("gpus-no-price", currency = c.symbol()));
    let mut parts = vec![format!("#{}", s.id), format!("{}× {}", s.gpu_count, s.model), price];
    if let Some(ram) = s.ram_gb {
        parts.push(t!("gpus-ram", gb = number(&format!("{ram:.0}"))));
    }
    if let Some(cc) = &s.cc {
        parts.push(cc.clone());
    }
    if let Some(r) = s.reliability {
        parts.push(format::percent(r));
    }
    parts.push(status(s));
    parts.join("  ")
}

/// `free` or `rented`.
fn status(s: &ServerView) -> String {
    if s.rented { t!("market-rented") } else { t!("market-free") }
}

pub(super) fn add_stale_note(r: &mut Reply, snap: &Snapshot) {
    if snap.stale {
        let age = chrono::Utc::now().timestamp() - snap.fetched_unix;
        r.blocks.push(crate::core::Block::Text(t!("market-stale", age = format::duration(age)).into()));
    }
}

pub async fn server(cx: &Ctx<'_>, id: ServerId) -> Outcome {
    let snap = cx.core.deps.market.get().await?;
    let Some(s) = snap.server(id) else {
        return Err(Failure::user(t!("server-not-found", id = id.to_string())));
    };
    let gb = |v: f64| number(&format!("{v:.0}"));
    let mbps = |v: Option<f64>| v.map(|v| number(&format!("{v:.0}"))).unwrap_or_else(|| t!("unknown-value"));
    let mut fields = vec![
        (t!("server-gpu"), format!("{}× {} ({})", s.gpu_count, s.model, s.gpu_raw.trim())),
        (
            t!("server-gpu-memory"),
            s.vram_gb.map(|v| t!("server-gpu-memory-each", gb = gb(v))).unwrap_or_else(|| t!("no-value")),
        ),
        (
            t!("server-cpu"),
            match (&s.cpu, s.cpu_threads) {
                (Some(c), Some(n)) => t!("server-cpu-threads", cpu = c, n = n),
                (Some(c), None) => c.clone(),
                _ => t!("no-value"),
            },
        ),
        (t!("server-ram"), s.ram_gb.map(|v| t!("server-gb", gb = gb(v))).unwrap_or_else(|| t!("no-value"))),
        (t!("server-disk"), format::opt(s.disk.as_deref())),
        (t!("server-network"), t!("server-network-speed", down = mbps(s.down_mbps), up = mbps(s.up_mbps))),
        (t!("server-country"), format::opt(s.cc.as_deref())),
        (t!("server-reliability"), s.reliability.map(format::percent).unwrap_or_else(|| t!("no-value"))),
        (
            t!("server-rating"),
            match (s.rating, s.rating_count) {
                (Some(r), Some(n)) => t!("server-rating-count", rating = number(&format!("{r:.1}")), n = n),
                (Some(r), None) => t!("server-rating-value", rating = number(&format!("{r:.1}"))),
                _ => t!("no-value"),
            },
        ),
        (t!("server-cuda"), s.cuda.map(|(a, b)| format!("{a}.{b}")).unwrap_or_else(|| t!("no-value"))),
        (t!("server-max-rental"), s.mrl_hours.map(|h| t!("server-hours", h = h)).unwrap_or_else(|| t!("no-value"))),
        (t!("server-status"), status(s)),
    ];
    for c in Currency::ALL {
        if let Some(p) = s.on_demand.get(&c).filter(|_| s.accepts.contains(&c)) {
            fields.push((t!("server-on-demand", currency = c.symbol()), per_day(*p, c)));
        }
    }
    for c in Currency::ALL {
        if let Some(p) = s.spot.get(&c).filter(|_| s.accepts.contains(&c)) {
            fields.push((t!("server-spot-from", currency = c.symbol()), per_day(*p, c)));
        }
    }
    let title = t!("server-title", id = s.id.to_string(), count = s.gpu_count, model = s.model.as_str());
    let mut r = Reply::titled(title).with_fields(fields);
    // The spot market (offers, bids) needs a key: Clore does not publish it.
    if let Some(key) = cx.api_key_if_set().await? {
        match cx.core.deps.clore.spot_marketplace(&key, id).await {
            Ok(m) => {
                let c = cx.currency();
                // Each bid in its own currency (bitcoin where none is named), shown in the
                // caller's through the answer's rates.
                let offers: Vec<f64> = m
                    .market
                    .as_ref()
                    .map(|mk| mk.offers.iter().filter(|o| o.active).filter_map(|o| m.bid_in(o, c)).collect())
                    .unwrap_or_default();
                let min = m.market.as_ref().and_then(|mk| mk.server.as_ref()).and_then(|sv| sv.min_pricing.get(c));
                let top = offers.iter().copied().fold(None, |a: Option<f64>, b| Some(a.map_or(b, |a| a.max(b))));
                let mut details = vec![t!("server-spot-bids", n = offers.len())];
                details.extend(top.map(|top| t!("server-spot-highest", amount = money(top, c))));
                details.extend(min.map(|m| t!("server-spot-minimum", price = per_day(m, c))));
                r = r.with_text(t!("server-spot-market", details = details.join(", ")));
            }
            Err(e) => r = r.with_text(t!("server-spot-unavailable", reason = crate::core::explain_clore(&e))),
        }
    }
    add_stale_note(&mut r, &snap);
    if !s.rented {
        let t = cx.token(&Action::RentPrompt { server: s.id }).await?;
        r = r.with_button(t!("gpus-rent-button", id = s.id.to_string()), ButtonStyle::Primary, t);
    }
    Ok(vec![r])
}
