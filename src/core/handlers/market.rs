//! `/gpus [query]` and `/server <id>`: market data, public, no key needed.

use crate::clore::Currency;
use crate::clore::ServerId;
use crate::core::actions::Action;
use crate::core::format::{self, money, per_day};
use crate::core::{Button, ButtonStyle, Ctx, Failure, Outcome, Reply};
use crate::market::{Query, ServerView, Snapshot};

/// How many listed servers get their own Rent / Details buttons (more crowds a phone screen).
const BUTTON_ROWS: usize = 3;

/// The currency a query shows prices in: its own `currency=`, else the caller's setting.
pub fn query_currency(cx: &Ctx<'_>, q: &Query) -> Currency {
    q.currency().unwrap_or_else(|| cx.currency())
}

pub async fn gpus_page(cx: &Ctx<'_>, query: Query, page: usize) -> Outcome {
    let snap = cx.core.market.get().await?;
    let currency = query_currency(cx, &query);
    let found = query.run(&snap.servers, currency);
    let size = cx.core.cfg.page_size.max(1);
    let pages = found.len().div_ceil(size).max(1);
    if found.is_empty() {
        let mut r = Reply::text(format!("No servers match: {}.", query.describe())).with_text(
            "Loosen the filters, add `all` to include rented servers, or /watch the query to hear when one appears.",
        );
        add_stale_note(&mut r, &snap);
        return Ok(vec![r]);
    }
    let page = page.min(pages - 1);
    let rows = &found[page * size..(found.len()).min((page + 1) * size)];
    let kind = if query.spot() { "spot minimum" } else { "on demand" };
    let mut r = Reply::titled(format!(
        "{} server{} — {} — {kind}, {} per day{}",
        found.len(),
        if found.len() == 1 { "" } else { "s" },
        query.describe(),
        currency.symbol(),
        if pages > 1 { format!(" — page {}/{pages}", page + 1) } else { String::new() }
    ));
    let lines: Vec<String> = rows.iter().map(|s| row(s, currency, query.spot())).collect();
    r = r.with_text(lines.join("\n"));
    add_stale_note(&mut r, &snap);
    // One row per listed server, then a row to turn the page (which replaces the listing);
    // every button's token is stored in one statement.
    let listed: Vec<&ServerView> = rows.iter().take(BUTTON_ROWS).copied().collect();
    let mut actions = Vec::new();
    for s in &listed {
        if !s.rented {
            actions.push(Action::RentPrompt { server: s.id });
        }
        actions.push(Action::ServerDetails { server: s.id });
    }
    let prev = page > 0;
    let next = page + 1 < pages;
    if prev {
        actions.push(Action::GpusPage { query: query.clone(), page: page - 1 });
    }
    if next {
        actions.push(Action::GpusPage { query, page: page + 1 });
    }
    let mut tokens = cx.tokens(&actions).await?.into_iter();
    let mut take = || tokens.next().ok_or_else(|| Failure::Internal(anyhow::anyhow!("a token went missing")));
    for s in &listed {
        let mut row = Vec::new();
        if !s.rented {
            row.push(Button { label: format!("Rent #{}", s.id), style: ButtonStyle::Primary, token: take()? });
        }
        row.push(Button { label: format!("Details #{}", s.id), style: ButtonStyle::Secondary, token: take()? });
        r = r.with_row(row);
    }
    let mut nav = Vec::new();
    if prev {
        nav.push(Button { label: "◂ Prev".into(), style: ButtonStyle::Secondary, token: take()? });
    }
    if next {
        nav.push(Button { label: "Next ▸".into(), style: ButtonStyle::Secondary, token: take()? });
    }
    if !nav.is_empty() {
        r = r.with_row(nav);
    }
    Ok(vec![r])
}

/// One listing line: `#123  1× RTX 4090  $0.45/day ($0.0188/h)  64 GB  DE  99.1%  free`.
fn row(s: &ServerView, c: Currency, spot: bool) -> String {
    let price = s.price(c, spot).map(|p| per_day(p, c)).unwrap_or_else(|| format!("no {} price", c.symbol()));
    let mut parts = vec![format!("#{}", s.id), format!("{}× {}", s.gpu_count, s.model), price];
    if let Some(ram) = s.ram_gb {
        parts.push(format!("{ram:.0} GB RAM"));
    }
    if let Some(cc) = &s.cc {
        parts.push(cc.clone());
    }
    if let Some(r) = s.reliability {
        parts.push(format::percent(r));
    }
    parts.push(if s.rented { "rented".into() } else { "free".into() });
    parts.join("  ")
}

fn add_stale_note(r: &mut Reply, snap: &Snapshot) {
    if snap.stale {
        let age = chrono::Utc::now().timestamp() - snap.fetched_unix;
        r.blocks.push(crate::core::Block::Text(
            format!("(Market data from {} ago: Clore is not answering right now.)", format::duration(age)).into(),
        ));
    }
}

pub async fn server(cx: &Ctx<'_>, id: ServerId) -> Outcome {
    let snap = cx.core.market.get().await?;
    let Some(s) = snap.server(id) else {
        return Err(Failure::user(format!("There is no server #{id} on the market (it may be hidden or gone).")));
    };
    let mut fields = vec![
        ("GPU".to_owned(), format!("{}× {} ({})", s.gpu_count, s.model, s.gpu_raw.trim())),
        ("GPU memory".into(), s.vram_gb.map(|v| format!("{v:.0} GB each")).unwrap_or_else(|| "—".into())),
        (
            "CPU".into(),
            match (&s.cpu, s.cpu_threads) {
                (Some(c), Some(t)) => format!("{c} ({t} threads)"),
                (Some(c), None) => c.clone(),
                _ => "—".into(),
            },
        ),
        ("RAM".into(), s.ram_gb.map(|v| format!("{v:.0} GB")).unwrap_or_else(|| "—".into())),
        ("Disk".into(), format::opt(s.disk.as_deref())),
        (
            "Network".into(),
            format!(
                "↓ {} / ↑ {} Mbps",
                s.down_mbps.map(|v| format!("{v:.0}")).unwrap_or_else(|| "?".into()),
                s.up_mbps.map(|v| format!("{v:.0}")).unwrap_or_else(|| "?".into())
            ),
        ),
        ("Country".into(), format::opt(s.cc.as_deref())),
        ("Reliability".into(), s.reliability.map(format::percent).unwrap_or_else(|| "—".into())),
        (
            "Rating".into(),
            match (s.rating, s.rating_count) {
                (Some(r), Some(n)) => format!("{r:.1}/5 ({n} ratings)"),
                (Some(r), None) => format!("{r:.1}/5"),
                _ => "—".into(),
            },
        ),
        ("CUDA".into(), s.cuda.map(|(a, b)| format!("{a}.{b}")).unwrap_or_else(|| "—".into())),
        ("Max rental".into(), s.mrl_hours.map(|h| format!("{h} h")).unwrap_or_else(|| "—".into())),
        ("Status".into(), if s.rented { "rented".into() } else { "free".into() }),
    ];
    for c in Currency::ALL {
        if let Some(p) = s.on_demand.get(&c).filter(|_| s.accepts.contains(&c)) {
            fields.push((format!("On demand ({})", c.symbol()), per_day(*p, c)));
        }
    }
    for c in Currency::ALL {
        if let Some(p) = s.spot.get(&c).filter(|_| s.accepts.contains(&c)) {
            fields.push((format!("Spot from ({})", c.symbol()), per_day(*p, c)));
        }
    }
    let mut r = Reply::titled(format!("Server #{} — {}× {}", s.id, s.gpu_count, s.model)).with_fields(fields);
    // The spot market (offers, bids) needs a key: Clore does not publish it.
    if let Some(key) = cx.api_key_if_set().await? {
        match cx.core.clore.spot_marketplace(&key, id).await {
            Ok(m) => {
                let c = cx.currency();
                let offers: Vec<f64> = m
                    .market
                    .as_ref()
                    .map(|mk| mk.offers.iter().filter(|o| o.active).filter_map(|o| o.amount()).collect())
                    .unwrap_or_default();
                let min = m.market.as_ref().and_then(|mk| mk.server.as_ref()).and_then(|sv| sv.min_pricing.get(c));
                let top = offers.iter().copied().fold(None, |a: Option<f64>, b| Some(a.map_or(b, |a| a.max(b))));
                r = r.with_text(format!(
                    "Spot market: {} active bid{}{}{}.",
                    offers.len(),
                    if offers.len() == 1 { "" } else { "s" },
                    top.map(|t| format!(", highest {}", money(t, c))).unwrap_or_default(),
                    min.map(|m| format!(", minimum {}", per_day(m, c))).unwrap_or_default(),
                ));
            }
            Err(e) => r = r.with_text(format!("Spot market unavailable: {}", crate::core::explain_clore(&e))),
        }
    }
    add_stale_note(&mut r, &snap);
    if !s.rented {
        let t = cx.token(&Action::RentPrompt { server: s.id }).await?;
        r = r.with_button(format!("Rent #{}", s.id), ButtonStyle::Primary, t);
    }
    Ok(vec![r])
}
