//! The Clore client against the simulator: every endpoint, every error path.

mod common;

use clorebot::clore::{OrderId, ServerId};
use std::time::{Duration, Instant};

use clorebot::clore::{ApiKey, CloreError, CreateOrder, Currency, OrderKind, PortProto, ValidationError};
use common::*;
use secrecy::SecretString;
use serde_json::json;

/// The cheapest free server that takes `currency`, and its on-demand price in it.
async fn free_server(c: &clorebot::clore::CloreClient, currency: Currency) -> (ServerId, f64) {
    let m = c.marketplace(None).await.unwrap();
    m.servers
        .iter()
        .filter(|s| !s.rented && s.accepts(currency))
        .map(|s| (s.id, s.on_demand(currency).unwrap()))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap()
}

#[tokio::test]
async fn marketplace_is_public_and_consistent() {
    let sim = start_sim(300).await;
    let c = client(&sim);
    let m = c.marketplace(None).await.unwrap();
    // 300 generated servers plus the test account's own online server.
    assert_eq!(m.servers.len(), 301);
    assert_eq!(m.skipped, 0);
    assert!(m.my_servers.is_empty());
    let rented = m.servers.iter().filter(|s| s.rented).count();
    assert!((40..=150).contains(&rented), "{rented} rented of 300");
    for s in &m.servers {
        let usd = s.on_demand(Currency::Usd).unwrap();
        assert!(usd > 0.0);
        assert!(s.spot(Currency::Usd).unwrap() < usd);
        if let Some(clore) = s.on_demand(Currency::Clore) {
            assert!((clore * 0.02 - usd).abs() < 1e-6, "server {} CLORE price inconsistent", s.id);
        }
        assert!(s.mrl_hours.unwrap() >= 24);
        assert!(s.specs.as_ref().unwrap().gpu.as_ref().unwrap().contains("x "));
    }
    for model in ["RTX 3060", "RTX 4090", "RTX 5090", "A100", "H100"] {
        assert!(m.servers.iter().any(|s| s.specs.as_ref().unwrap().gpu.as_ref().unwrap().contains(model)), "{model}");
    }
    // With a key, the caller's own servers are listed.
    let mine = c.marketplace(Some(&key())).await.unwrap();
    assert_eq!(mine.my_servers.len(), 2);
}

/// The fields the live marketplace sends beyond the docs (`allowed_coins`, `gpu_array`,
/// `cuda_version`, `price.usd`, `original_usd`, `rating`, `stock_pl` …), each agreeing with
/// the server's own specs and prices.
#[tokio::test]
async fn marketplace_carries_the_live_fields_consistent_with_each_server() {
    let sim = start_sim(300).await;
    let m = client(&sim).marketplace(None).await.unwrap();
    for s in &m.servers {
        let id = s.id;
        // gpu_array: the model once per GPU, as `specs.gpu` counts them ("2x NVIDIA …").
        let specs = s.specs.as_ref().unwrap();
        let (count, model) = specs.gpu.as_deref().unwrap().split_once("x ").unwrap();
        let count: usize = count.parse().unwrap();
        assert_eq!(s.gpu_array, vec![model.to_owned(); count], "server {id}");
        assert_eq!(specs.pl.len(), count, "server {id}");
        assert_eq!(specs.stock_pl.as_ref().and_then(|v| v.as_array()).map(Vec::len), Some(count), "server {id}");
        // allowed_coins: exactly the currencies it is priced in, on demand and spot.
        let priced: Vec<&str> = s.price.on_demand.iter().map(|(c, _)| c).collect();
        let mut coins: Vec<&str> = s.allowed_coins.iter().map(String::as_str).collect();
        coins.sort_unstable();
        assert!(!coins.is_empty(), "server {id}");
        assert_eq!(coins, priced, "server {id}");
        assert_eq!(s.price.spot.iter().map(|(c, _)| c).collect::<Vec<_>>(), priced, "server {id}");
        // The USD figures: the `usd` block, `original_usd` per allowed coin, and the prices in
        // each currency at the simulator's rates.
        let usd = s.price.usd.as_ref().unwrap();
        let (on_demand, spot) = (usd.on_demand_usd.unwrap(), usd.spot.unwrap());
        assert_eq!((usd.on_demand_btc, usd.on_demand_clore), (Some(on_demand), Some(on_demand)), "server {id}");
        let original = s.price.original_usd.as_ref().unwrap();
        assert_eq!(original.keys().map(String::as_str).collect::<Vec<_>>(), coins, "server {id}");
        assert!(original.values().all(|o| o.on_demand == Some(on_demand) && o.spot == Some(spot)), "server {id}");
        let rate = |c| match c {
            Currency::Bitcoin => 95_000.0,
            Currency::Clore => 0.02,
            Currency::Usd => 1.0,
        };
        for c in Currency::ALL.into_iter().filter(|c| s.accepts(*c)) {
            assert!((s.on_demand(c).unwrap() * rate(c) - on_demand).abs() < 1e-6, "server {id} {c:?}");
            assert!((s.spot(c).unwrap() * rate(c) - spot).abs() < 1e-6, "server {id} {c:?}");
        }
        // cuda_version a "major.minor" version; the rest present as the live API sends them.
        let cuda = s.cuda_version.as_deref().unwrap();
        assert!(cuda.split_once('.').is_some_and(|(a, b)| a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok()));
        let rating = s.rating.as_ref().unwrap();
        assert!(rating.avg.is_some_and(|a| (0.0..=5.0).contains(&a)) && rating.cnt.is_some(), "server {id}");
        assert!(s.reliability.is_some_and(|r| (0.0..=1.0).contains(&r)), "server {id}");
        assert_eq!((s.gigaspot, s.autoprice.is_some()), (Some(false), true), "server {id}");
    }
    // Some servers take every currency, some only CLORE or CLORE and USD, as on the live market.
    let kinds: std::collections::BTreeSet<usize> = m.servers.iter().map(|s| s.allowed_coins.len()).collect();
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), vec![1, 2, 3]);
}

#[tokio::test]
async fn wallets_and_bad_keys() {
    let sim = start_sim(10).await;
    let c = client(&sim);
    let w = c.wallets(&key()).await.unwrap();
    let names: Vec<_> = w.iter().map(|w| w.currency().unwrap()).collect();
    assert_eq!(names.len(), 3);
    assert!(names.contains(&Currency::Bitcoin) && names.contains(&Currency::Clore) && names.contains(&Currency::Usd));
    assert!(w.iter().all(|w| w.balance.unwrap() > 0.0 && w.deposit.is_some()));

    let bad = ApiKey::parse("not-a-real-key-123456").unwrap();
    let e = c.wallets(&bad).await.unwrap_err();
    assert_eq!(e, CloreError::InvalidKey);
    for text in [e.to_string(), format!("{e:?}"), format!("{bad:?}")] {
        assert!(!text.contains("not-a-real-key"), "key leaked: {text}");
    }
}

#[tokio::test]
async fn rent_list_cancel() {
    let sim = start_sim(60).await;
    let c = client(&sim);
    let k = key();
    let (server, price) = free_server(&c, Currency::Usd).await;
    let mut req = CreateOrder::on_demand(server, "cloreai/ubuntu22.04-cuda12", Currency::Usd);
    req.kind = OrderKind::OnDemand { required_price: Some(price) };
    req.ports = vec![(22, PortProto::Tcp), (8888, PortProto::Http)];
    req.ssh_password = Some(SecretString::from("Hpcj08ZaOpCbTmn1Eu"));
    let created = c.create_order(&k, &req).await.unwrap();
    let order = created.order.expect("the new order is found in my_orders");
    assert_eq!(order.server_id, Some(server));
    assert_eq!(order.price, Some(price));
    assert_eq!(order.http_port.as_deref(), Some("8888"));
    let (host, port) = order.ssh_endpoint().expect("SSH endpoint assigned");
    assert!(host.ends_with(".clorecloud.net") && port >= 10_000);
    assert_eq!(order.mrl_secs.unwrap() % 3600, 0);

    // The server now shows rented; the creation fee was charged.
    let m = c.marketplace(None).await.unwrap();
    assert!(m.servers.iter().find(|s| s.id == server).unwrap().rented);
    let usd = c.wallets(&k).await.unwrap().into_iter().find(|w| w.currency() == Some(Currency::Usd)).unwrap();
    // 500 less the $0.10 fee, less the few seconds of rent accrued since.
    let bal = usd.balance.unwrap();
    assert!(bal < 499.9 && bal > 499.89, "{usd:?}");

    // Spend accrues with simulated time.
    control(&sim, "/clock/advance", json!({ "seconds": 43_200 })).await;
    let o = c.my_orders(&k, false).await.unwrap().orders.remove(0);
    // Simulated time also runs with the wall clock: allow a minute of it on top.
    let slack = price * 60.0 / 86_400.0;
    assert!((o.spend.unwrap() - price / 2.0).abs() < slack, "spend {:?} for half a day at {price}", o.spend);

    c.cancel_order(&k, order.id, Some("GPU #1 was overheating")).await.unwrap();
    assert!(c.my_orders(&k, false).await.unwrap().orders.is_empty());
    let all = c.my_orders(&k, true).await.unwrap();
    assert!(all.orders.iter().any(|o| o.id == order.id && o.expired));

    // Cancelling again: the order is no longer active.
    let e = c.cancel_order(&k, order.id, None).await.unwrap_err();
    assert!(matches!(e, CloreError::InvalidInput { .. }), "{e:?}");
}

#[tokio::test]
async fn orders_expire_at_ct_plus_mrl() {
    let sim = start_sim(40).await;
    let c = client(&sim);
    let k = key();
    let (server, _) = free_server(&c, Currency::Clore).await;
    let o =
        c.create_order(&k, &CreateOrder::on_demand(server, "ubuntu", Currency::Clore)).await.unwrap().order.unwrap();
    let left = o.ends_at().unwrap() - state(&sim).await["now"].as_i64().unwrap();
    control(&sim, "/clock/advance", json!({ "seconds": left + 1 })).await;
    assert!(c.my_orders(&k, false).await.unwrap().orders.is_empty());
    let done = c.my_orders(&k, true).await.unwrap().orders;
    assert!(done[0].expired);
}

#[tokio::test]
async fn create_order_refusals() {
    let sim = start_sim(120).await;
    let c = client(&sim);
    let k = key();
    let m = c.marketplace(None).await.unwrap();
    let rented = m.servers.iter().find(|s| s.rented && s.accepts(Currency::Usd)).unwrap().id;
    let no_btc = m.servers.iter().find(|s| !s.rented && !s.accepts(Currency::Bitcoin)).unwrap().id;
    let (free, price) = free_server(&c, Currency::Usd).await;

    let od = |id, cur| CreateOrder::on_demand(id, "ubuntu", cur);
    assert_eq!(c.create_order(&k, &od(rented, Currency::Usd)).await.unwrap_err(), CloreError::ServerAlreadyRented);
    assert_eq!(c.create_order(&k, &od(no_btc, Currency::Bitcoin)).await.unwrap_err(), CloreError::CurrencyNotAllowed);

    // The owner raised the price after it was shown: required_price stops the order.
    control(&sim, &format!("/servers/{free}"), json!({ "price_usd": price * 2.0 })).await;
    let mut req = od(free, Currency::Usd);
    req.kind = OrderKind::OnDemand { required_price: Some(price) };
    let e = c.create_order(&k, &req).await.unwrap_err();
    assert_eq!(e, CloreError::Refused { endpoint: "create_order", error: "price-changed".into() });

    control(&sim, &format!("/servers/{free}"), json!({ "online": false })).await;
    assert_eq!(c.create_order(&k, &od(free, Currency::Usd)).await.unwrap_err(), CloreError::ServerOffline);

    control(&sim, "/accounts", json!({ "key": KEY, "balances": { "USD-Blockchain": 0.01 } })).await;
    let (other, _) = free_server(&c, Currency::Usd).await;
    assert_eq!(c.create_order(&k, &od(other, Currency::Usd)).await.unwrap_err(), CloreError::NotEnoughBalance);
    assert!(state(&sim).await["orders"].as_array().unwrap().is_empty(), "no order was made");
}

#[tokio::test]
async fn spot_bidding_rules() {
    let sim = start_sim(60).await;
    let c = client(&sim);
    let k = key();
    let m = c.marketplace(None).await.unwrap();
    let s = m.servers.iter().find(|s| !s.rented && s.accepts(Currency::Usd)).unwrap();
    let min = s.spot(Currency::Usd).unwrap();

    let mut req = CreateOrder::on_demand(s.id, "ubuntu", Currency::Usd);
    req.kind = OrderKind::Spot { price: min * 0.5 };
    assert_eq!(c.create_order(&k, &req).await.unwrap_err(), CloreError::TooLowPrice);

    let bid = min * 2.0;
    req.kind = OrderKind::Spot { price: bid };
    let o = c.create_order(&k, &req).await.unwrap().order.unwrap();
    assert!(o.spot);
    let market = c.spot_marketplace(&k, s.id).await.unwrap();
    assert!(market.exists);
    let mine = market.market.as_ref().unwrap().offers.iter().find(|x| x.my).unwrap();
    assert!(mine.active);
    assert_eq!(mine.id(), Some(o.id.0));
    // Our bid, in our order's currency and named so, with the rates inside `market` as live.
    assert_eq!(mine.bid_currency(), Some(Currency::Usd));
    assert!((market.bid_in(mine, Currency::Usd).unwrap() - bid).abs() < 1e-9);
    assert_eq!(market.rates().get(Currency::Usd), Some(1.0));

    // Lowering by more than a quarter at once is refused with the lowest allowed price.
    match c.set_spot_price(&k, o.id, bid * 0.5).await.unwrap_err() {
        CloreError::ExceededMaxStep { max_step } => assert!((max_step - bid * 0.75).abs() < 1e-9),
        e => panic!("{e:?}"),
    }
    c.set_spot_price(&k, o.id, bid * 0.8).await.unwrap();
    match c.set_spot_price(&k, o.id, bid * 0.7).await.unwrap_err() {
        CloreError::CanLowerEvery600Seconds { time_to_lowering } => {
            assert!(time_to_lowering > 590.0 && time_to_lowering <= 600.0)
        }
        e => panic!("{e:?}"),
    }
    // Raising is always allowed.
    c.set_spot_price(&k, o.id, bid).await.unwrap();

    // A competitor outbids us: the order ends.
    control(&sim, &format!("/servers/{}", s.id), json!({ "competitor_bid_usd": bid * 1.5 })).await;
    assert!(c.my_orders(&k, false).await.unwrap().orders.is_empty());
    let unknown = c.spot_marketplace(&k, ServerId(999_999)).await.unwrap();
    assert!(!unknown.exists);
}

/// A moving competitor (the control API's `moving_competitor`): its waiting offer rises from
/// `low_usd` to `high_usd` and back every `period_s` of simulated time, as the spot market
/// shows it, and once it reaches our bid our order ends, outbid — reproducibly, to the second.
#[tokio::test]
async fn a_moving_competitor_rises_falls_and_outbids_on_schedule() {
    let sim = start_sim(60).await;
    quicken(&sim).await;
    let c = client(&sim);
    let k = key();
    let m = c.marketplace(None).await.unwrap();
    let s = m.servers.iter().find(|s| !s.rented && s.accepts(Currency::Usd)).unwrap();
    let bid = s.spot(Currency::Usd).unwrap() * 2.0;
    let path = format!("/servers/{}", s.id);
    control(&sim, &path, json!({ "clear_competitors": true })).await;
    let mut req = CreateOrder::on_demand(s.id, "ubuntu", Currency::Usd);
    req.kind = OrderKind::Spot { price: bid };
    let o = c.create_order(&k, &req).await.unwrap().order.unwrap();
    let (low, high) = ((bid * 0.5 * 100.0).round() / 100.0, (bid * 1.5 * 100.0).round() / 100.0);
    control(&sim, &path, json!({ "moving_competitor": { "low_usd": low, "high_usd": high, "period_s": 3600 } })).await;
    let theirs = |m: &clorebot::clore::SpotMarket| {
        let offer = m.market.as_ref().unwrap().offers.iter().find(|x| !x.my).unwrap().clone();
        (m.bid_in(&offer, Currency::Usd).unwrap(), offer.active)
    };
    let (at0, active) = theirs(&c.spot_marketplace(&k, s.id).await.unwrap());
    assert!((at0 - low).abs() < 0.011 && !active, "waiting at {at0}");
    control(&sim, "/clock/advance", json!({ "seconds": 600 })).await;
    let (at600, active) = theirs(&c.spot_marketplace(&k, s.id).await.unwrap());
    let want = low + (high - low) / 3.0;
    assert!((at600 - want).abs() < 0.011 && !active, "rising: {at600}, expected about {want}");
    assert_eq!(c.my_orders(&k, false).await.unwrap().orders.len(), 1, "still ours");
    // Half-way it is at `high`, above our bid: we are outbid and the order ends.
    control(&sim, "/clock/advance", json!({ "seconds": 1200 })).await;
    assert!(c.my_orders(&k, false).await.unwrap().orders.is_empty(), "outbid");
    let ended = c.my_orders(&k, true).await.unwrap().orders;
    assert!(ended.iter().any(|x| x.id == o.id && x.expired));
    let (top, active) = theirs(&c.spot_marketplace(&k, s.id).await.unwrap());
    assert!((top - high).abs() < 0.011 && active, "the winner now: {top}");
    // And it falls again.
    control(&sim, "/clock/advance", json!({ "seconds": 1800 })).await;
    assert!((theirs(&c.spot_marketplace(&k, s.id).await.unwrap()).0 - low).abs() < 0.011);
}

#[tokio::test]
async fn rate_limit_waits_instead_of_failing() {
    let sim = start_sim(5).await;
    let c = client(&sim);
    let k = key();
    let t = Instant::now();
    c.wallets(&k).await.unwrap();
    c.wallets(&k).await.unwrap();
    c.my_orders(&k, false).await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(2000), "calls were spaced by the client");

    // The simulator itself enforces the limit with HTTP 429 + code 5.
    let raw = reqwest::Client::new();
    let url = format!("{}/wallets", sim.api_url());
    let first = raw.get(&url).header("auth", KEY).send().await.unwrap();
    let _ = first.bytes().await;
    let second = raw.get(&url).header("auth", KEY).send().await.unwrap();
    assert_eq!(second.status(), 429);
    assert_eq!(second.json::<serde_json::Value>().await.unwrap(), json!({ "code": 5 }));
}

#[tokio::test]
async fn transient_failures_are_retried_within_limits() {
    let sim = start_sim(5).await;
    let c = client(&sim);
    let k = key();
    control(&sim, "/faults", json!({ "endpoint": "wallets", "mode": "code", "code": 1, "count": 2 })).await;
    c.wallets(&k).await.unwrap();

    control(&sim, "/faults", json!({ "endpoint": "wallets", "mode": "code", "code": 5, "count": 1 })).await;
    c.wallets(&k).await.unwrap();

    control(&sim, "/faults", json!({ "endpoint": "my_orders", "mode": "http500", "count": 10 })).await;
    let e = c.my_orders(&k, false).await.unwrap_err();
    assert!(matches!(e, CloreError::Http { endpoint: "my_orders", status: 500, .. }), "{e:?}");
    assert!(e.to_string().contains("500 Internal Server Error"), "{e}");
    reqwest::Client::new().delete(format!("{}/faults", sim.control_url())).send().await.unwrap();

    control(&sim, "/faults", json!({ "endpoint": "marketplace", "mode": "malformed" })).await;
    let e = c.marketplace(None).await.unwrap_err();
    assert!(matches!(e, CloreError::Decode { endpoint: "marketplace", .. }), "{e:?}");
    assert!(e.to_string().contains("{\"code\":0,\"servers\""), "excerpt in {e}");

    control(&sim, "/faults", json!({ "endpoint": "wallets", "mode": "code", "code": 4 })).await;
    assert_eq!(c.wallets(&k).await.unwrap_err(), CloreError::InvalidEndpoint { endpoint: "wallets" });
    control(&sim, "/faults", json!({ "endpoint": "wallets", "mode": "code", "code": 9 })).await;
    assert!(matches!(c.wallets(&k).await.unwrap_err(), CloreError::UnknownCode { code: 9, .. }));
}

#[tokio::test]
async fn timeouts_end_in_a_clear_error() {
    let sim = start_sim(5).await;
    let c = client_with(&sim, |cfg| {
        cfg.timeout = Duration::from_millis(300);
        cfg.max_attempts = 2;
    });
    control(&sim, "/faults", json!({ "endpoint": "wallets", "mode": "latency", "latency_ms": 800, "count": 2 })).await;
    let e = c.wallets(&key()).await.unwrap_err();
    assert!(matches!(e, CloreError::Timeout { endpoint: "wallets", .. }), "{e:?}");
}

#[tokio::test]
async fn ambiguous_create_order_is_looked_for_never_resent() {
    let sim = start_sim(40).await;
    // About lost and late answers, not rate limits.
    quicken(&sim).await;
    let c = client_with(&sim, |cfg| {
        cfg.timeout = Duration::from_millis(400);
        quick(cfg);
    });
    let k = key();
    let (server, _) = free_server(&c, Currency::Usd).await;
    // The order is made but the answer comes too late: the client finds it, and rents once.
    control(&sim, "/faults", json!({ "endpoint": "create_order", "mode": "late_reply", "latency_ms": 700 })).await;
    let o = c.create_order(&k, &CreateOrder::on_demand(server, "ubuntu", Currency::Usd)).await.unwrap();
    assert_eq!(o.order.unwrap().server_id, Some(server));
    assert_eq!(state(&sim).await["orders"].as_array().unwrap().len(), 1, "exactly one order");

    // The order is made and the connection drops before any answer: found the same way.
    let (second, _) = free_server(&c, Currency::Usd).await;
    control(&sim, "/faults", json!({ "endpoint": "create_order", "mode": "lost_reply" })).await;
    let o = c.create_order(&k, &CreateOrder::on_demand(second, "ubuntu", Currency::Usd)).await;
    let st = state(&sim).await;
    let o = o.unwrap_or_else(|e| panic!("{e:?} {} {}", st["orders"], st["calls"]));
    assert_eq!(o.order.unwrap().server_id, Some(second));
    assert_eq!(state(&sim).await["orders"].as_array().unwrap().len(), 2);

    // A 5xx with no order made: looked for, not there — unclear, and never sent again.
    let (third, _) = free_server(&c, Currency::Usd).await;
    control(&sim, "/faults", json!({ "endpoint": "create_order", "mode": "http500" })).await;
    let e = c.create_order(&k, &CreateOrder::on_demand(third, "ubuntu", Currency::Usd)).await.unwrap_err();
    assert!(matches!(e, CloreError::CreateOrderUncertain { server_id, .. } if server_id == third), "{e:?}");
    let st = state(&sim).await;
    assert_eq!(st["orders"].as_array().unwrap().len(), 2, "no order, and no second attempt");
    assert_eq!(st["calls"]["create_order"], 2, "the 5xx was not resent: {}", st["calls"]);
}

#[tokio::test]
async fn invalid_input_is_named_before_any_call() {
    let sim = start_sim(5).await;
    let c = client(&sim);
    let k = key();
    let base = CreateOrder::on_demand(ServerId(1), "ubuntu", Currency::Usd);
    let cases: Vec<(CreateOrder, &str)> = vec![
        (CreateOrder { ssh_password: Some(SecretString::from("bad'quote")), ..base.clone() }, "ssh_password"),
        (CreateOrder { ssh_password: Some(SecretString::from("x".repeat(33))), ..base.clone() }, "ssh_password"),
        (CreateOrder { jupyter_token: Some(SecretString::from("ünïcode")), ..base.clone() }, "jupyter_token"),
        (CreateOrder { ssh_key: Some("k".repeat(3073)), ..base.clone() }, "ssh_key"),
        (CreateOrder { image: " ".into(), ..base.clone() }, "image"),
        (CreateOrder { kind: OrderKind::Spot { price: f64::NAN }, ..base.clone() }, "spot price"),
        (CreateOrder { kind: OrderKind::Spot { price: -1.0 }, ..base.clone() }, "spot price"),
        (CreateOrder { kind: OrderKind::OnDemand { required_price: Some(0.0) }, ..base.clone() }, "required_price"),
        (CreateOrder { ports: (1..=6).map(|p| (p, PortProto::Tcp)).collect(), ..base.clone() }, "ports"),
        (CreateOrder { ports: vec![(80, PortProto::Http), (81, PortProto::Http)], ..base.clone() }, "ports"),
        (CreateOrder { ports: vec![(22, PortProto::Tcp), (22, PortProto::Http)], ..base.clone() }, "ports"),
        (CreateOrder { env: [("A".repeat(129), "v".into())].into(), ..base.clone() }, "env"),
        (CreateOrder { env: [("A".into(), "v".repeat(1537))].into(), ..base.clone() }, "env"),
        (CreateOrder { env: (0..10).map(|i| (format!("V{i}"), "v".repeat(1500))).collect(), ..base.clone() }, "env"),
    ];
    for (req, field) in cases {
        match c.create_order(&k, &req).await.unwrap_err() {
            CloreError::Invalid(v) => assert_eq!(v.field, field, "{v}"),
            e => panic!("expected a validation error on {field}, got {e:?}"),
        }
    }
    let e = c.cancel_order(&k, OrderId(1), Some(&"x".repeat(2049))).await.unwrap_err();
    assert!(matches!(e, CloreError::Invalid(ValidationError { field: "issue", .. })));
    let e = c.set_spot_price(&k, OrderId(1), f64::INFINITY).await.unwrap_err();
    assert!(matches!(e, CloreError::Invalid(ValidationError { field: "price", .. })));
    // The password never appears in the message.
    let req = CreateOrder { ssh_password: Some(SecretString::from("secret'pw")), ..base };
    assert!(!c.create_order(&k, &req).await.unwrap_err().to_string().contains("secret"));
    assert!(state(&sim).await["orders"].as_array().unwrap().is_empty());

    for bad in ["", "   ", "has space inside", "short", "ключ-ключ-ключ"] {
        assert_eq!(ApiKey::parse(bad).unwrap_err().field, "API key");
    }
}

#[tokio::test]
async fn simulator_answers_unknown_endpoints_and_missing_keys_like_clore() {
    let sim = start_sim(5).await;
    let raw = reqwest::Client::new();
    let r = raw.get(format!("{}/nope", sim.api_url())).header("auth", KEY).send().await.unwrap();
    assert_eq!(r.json::<serde_json::Value>().await.unwrap(), json!({ "code": 4 }));
    let r = raw.get(format!("{}/my_orders", sim.api_url())).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap(), json!({ "code": 3 }));
    let r = raw.post(format!("{}/cancel_order", sim.api_url())).header("auth", KEY).body("{oops").send().await.unwrap();
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], 2);
}

/// Two processes (two clients) calling with one key: alone, each keeps its own pace and they
/// collide at Clore; sharing the pace through the database, Clore refuses none of their calls.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_sharing_the_database_pace_keep_each_keys_limit_together() {
    let sim = start_sim(20).await;
    let (a, b) = (client(&sim), client(&sim));
    let both = |a: &clorebot::clore::CloreClient, b: &clorebot::clore::CloreClient| {
        let (a, b) = (a.clone(), b.clone());
        async move {
            let k = key();
            let one = async {
                for _ in 0..3 {
                    a.wallets(&k).await.unwrap();
                }
            };
            let two = async {
                for _ in 0..3 {
                    b.wallets(&k).await.unwrap();
                }
            };
            tokio::join!(one, two);
        }
    };
    let refused = |s: serde_json::Value| s["rate_limited"].as_u64().unwrap();
    both(&a, &b).await;
    let alone = refused(state(&sim).await);
    assert!(alone > 0, "unshared, the two clients collide");

    // The shared pace starts from the key's last call, just made: booked in it as a slot of
    // its own (a call's spacing, with the slack shared slots have), as a process that shared
    // it from the start would have booked it. The next call waits out that slot.
    let pace = std::sync::Arc::new(clorebot::store::pace::DbPace::new(db().await));
    let spacing = client_config(&sim).request_period + Duration::from_millis(250);
    clorebot::clore::limit::SharedPace::reserve(&*pace, &key().limiter_id(), spacing, None).await.unwrap();
    a.share_pace(pace.clone());
    b.share_pace(pace);
    both(&a, &b).await;
    assert_eq!(refused(state(&sim).await), alone, "shared, Clore refuses none");
}
