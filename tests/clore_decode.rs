//! Decoding: the documented examples (the Clore API reference, trailing commas of the docs removed,
//! since they are not JSON) and the shapes the live API really sends (as observed, which differ from the reference).

use clorebot::clore::{
    Currency, HostServer, MarketServer, MyOrders, OriginalUsd, RentalStatus, ServerConfigAnswer, SpotMarket, SpotOffer,
    Wallet,
};
use serde_json::json;

#[test]
fn documented_marketplace_server() {
    let s: MarketServer = serde_json::from_value(json!({
        "id": 6, "owner": 4, "mrl": 73,
        "price": { "on_demand": { "bitcoin": 0.00001 }, "spot": { "bitcoin": 0.000001 } },
        "rented": false,
        "specs": {
            "mb": "Z590 GAMING X", "cpu": "11th Gen Intel(R) Core(TM) i9-11900 @ 2.50GHz", "cpus": "8/16",
            "ram": 62.67348861694336, "disk": "NVMe disk 247.3623046875GB", "disk_speed": 0,
            "gpu": "1x NVIDIA GeForce GTX 1080 Ti", "gpuram": 11,
            "net": { "up": 26.38, "down": 118.42, "cc": "CZ" }
        }
    }))
    .unwrap();
    assert_eq!(s.id, 6);
    assert_eq!(s.mrl_hours, Some(73));
    assert_eq!(s.on_demand(Currency::Bitcoin), Some(0.00001));
    assert_eq!(s.spot(Currency::Bitcoin), Some(0.000001));
    assert_eq!(s.on_demand(Currency::Usd), None);
    let specs = s.specs.unwrap();
    assert_eq!(specs.cpu_threads(), Some(16));
    assert_eq!(specs.net.unwrap().cc.as_deref(), Some("CZ"));
}

#[test]
fn real_world_marketplace_server() {
    let s: MarketServer = serde_json::from_value(json!({
        "id": 42.0, "owner": "17", "mrl": 168, "rented": 0, "reliability": 0.9931,
        "rating": { "avg": 4.8, "cnt": 12 },
        "allowed_coins": ["CLORE-Blockchain", "USD-Blockchain"],
        "cuda_version": 12.4, "autoprice": "off",
        "gpu_array": [[" NVIDIA GeForce RTX 4090"], " NVIDIA GeForce RTX 4090"],
        "gigaspot": { "enabled": true },
        "price": {
            "on_demand": { "CLORE-Blockchain": 22, "USD-Blockchain": "0.44" },
            "spot": { "CLORE-Blockchain": 11.5, "USD-Blockchain": null },
            "usd": { "on_demand_btc": 0.45, "on_demand_clore": 0.44, "on_demand_usd": 0.44, "spot": 0.23 },
            "original_usd": { "CLORE-Blockchain": { "on_demand": 0.44, "spot": 0.23 } }
        },
        "specs": {
            "gpu": "2x NVIDIA GeForce RTX 4090", "gpuram": 24, "ram": 128, "cpus": "16/32",
            "pcie_rev": 4, "pcie_width": "16", "pl": [450, "x", 450], "stock_oc": ["a"],
            "backend_version": 7, "net": { "cc": "NO", "down": 900, "up": 500.5, "test_history": ["a"] },
            "some_new_field": { "nested": true }
        },
        "unknown_top_level": [1, 2, 3]
    }))
    .unwrap();
    assert_eq!(s.id, 42);
    assert_eq!(s.owner, Some(17));
    assert!(!s.rented);
    assert_eq!(s.gpu_array, vec!["NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 4090"]);
    assert_eq!(s.gigaspot, Some(true));
    assert_eq!(s.cuda_version.as_deref(), Some("12.4"));
    assert_eq!(s.on_demand(Currency::Usd), Some(0.44));
    // A null spot in the map falls back to the usd block.
    assert_eq!(s.spot(Currency::Usd), Some(0.23));
    assert!(s.accepts(Currency::Clore));
    assert!(!s.accepts(Currency::Bitcoin));
    let specs = s.specs.unwrap();
    assert_eq!(specs.pl, vec![450.0, 450.0]);
    assert_eq!(specs.pcie_width.as_deref(), Some("16"));
    assert_eq!(specs.backend_version.as_deref(), Some("7"));
}

#[test]
fn a_broken_nested_block_does_not_fail_the_server() {
    let s: MarketServer = serde_json::from_value(json!({
        "id": 1, "specs": "unavailable", "rating": 5, "price": { "on_demand": 3 }
    }))
    .unwrap();
    assert!(s.specs.is_none());
    assert!(s.rating.is_none());
    assert!(s.price.on_demand.is_empty());
}

#[test]
fn documented_orders() {
    let o: MyOrders = serde_json::from_value(json!({
        "orders": [
            { "id": 38, "fee": 5, "creation_fee": 3e-7, "price": 0.00001, "mrl": 262800,
              "image": "cloreai/ubuntu20.04-jupyter", "currency": "bitcoin", "spend": 6.944444444444445e-9,
              "ct": 1667401396, "p": 1, "si": 6,
              "specs": { "gpu": "1x NVIDIA GeForce GTX 1080 Ti", "net": { "up": 26.38, "down": 118.42 } },
              "pub_cluster": ["n1.c1.clorecloud.net", "n2.c1.clorecloud.net"],
              "tcp_ports": ["22:10000"], "http_port": "8888" },
            { "id": 36, "fee": 2.5, "creation_fee": 1e-7, "price": 0.00001, "mrl": 262800,
              "currency": "bitcoin", "ct": 1667248597, "si": 6, "spot": true, "expired": true, "tcp_ports": [] }
        ],
        "limit": 13, "code": 0
    }))
    .unwrap();
    assert_eq!(o.limit, Some(13));
    let a = &o.orders[0];
    assert_eq!(a.server_id, Some(clorebot::clore::ServerId(6)));
    assert_eq!(a.mrl_secs, Some(262_800));
    assert_eq!(a.ends_at(), Some(1667401396 + 262_800));
    assert_eq!(a.ssh_endpoint(), Some(("n1.c1.clorecloud.net", 10000)));
    assert_eq!(a.currency(), Some(Currency::Bitcoin));
    assert!(a.endpoints_ready());
    let b = &o.orders[1];
    assert!(b.spot && b.expired);
    assert_eq!(b.ssh_endpoint(), None);
    assert!(!b.endpoints_ready());
}

#[test]
fn real_world_order_fields() {
    let o: MyOrders = serde_json::from_value(json!({
        "orders": [{ "id": "77", "si": 5, "ct": 1.7e9, "mrl": 86400.0, "http_port": 8888, "online": 1,
                     "http_pub": "abc.http.clorecloud.net", "original_price_usd": 0.5,
                     "gpu_array": [" NVIDIA A100 80GB PCIe"], "tcp_ports": ["22:bad", "8022:10001"] }]
    }))
    .unwrap();
    let a = &o.orders[0];
    assert_eq!(a.id, 77);
    assert_eq!(a.http_port.as_deref(), Some("8888"));
    assert_eq!(a.online, Some(true));
    assert_eq!(a.port_forwards().len(), 1);
    assert_eq!(a.gpu_array, vec!["NVIDIA A100 80GB PCIe"]);
}

#[test]
fn wallets_with_null_balance() {
    let w: Vec<Wallet> = serde_json::from_value(json!([
        { "name": "bitcoin", "deposit": "tb1q6erw7v02t7hakgmlcl4wfnlykzqj05alndruwr", "balance": 0.00153176, "withdrawal_fee": 0.0001 },
        { "name": "CLORE-Blockchain", "balance": null },
        { "name": "USD-Blockchain", "balance": "12.5" }
    ]))
    .unwrap();
    assert_eq!(w[0].currency(), Some(Currency::Bitcoin));
    assert_eq!(w[1].balance, None);
    assert_eq!(w[2].balance, Some(12.5));
    assert_eq!(w[2].currency(), Some(Currency::Usd));
}

#[test]
fn documented_host_servers_and_config() {
    let h: Vec<HostServer> = serde_json::from_value(json!([
        { "name": "Michael", "connected": false, "visibility": "hidden", "pricing": { "bitcoin": 0, "usd": 0 },
          "online": false, "min_spot_pricing": { "bitcoin": 0, "usd": 0 }, "init_token": "qnwVIMsZPjUWS7jw6gAbTOeoGQNgTH9XVxJaiCEbG0OlmfjF" },
        { "name": "Jan Vykydal", "connected": true, "visibility": "public", "online": false,
          "pricing": { "bitcoin": 0.00010337, "usd": 0 }, "usd_pricing": { "USD-Blockchain": { "on_demand": 1 } },
          "remaining_time": 1700000000000i64, "autoprice": { "enabled": false }, "rented": true }
    ]))
    .unwrap();
    assert_eq!(h[1].pricing.get(Currency::Bitcoin), Some(0.00010337));
    assert_eq!(h[0].pricing.get_named("usd"), Some(0.0));
    assert_eq!(h[1].remaining_time, Some(1_700_000_000_000));
    // `usd_pricing` nested per currency gives that currency's pair, and nothing for another.
    assert_eq!(h[1].usd_pricing_in(Currency::Usd), Some(OriginalUsd { on_demand: Some(1.0), spot: None }));
    assert_eq!(h[1].usd_pricing_in(Currency::Bitcoin), None);
    assert_eq!(h[0].usd_pricing_in(Currency::Usd), None);
    // The init token is a secret: Debug must not show it.
    let dbg = format!("{:?}", h[0]);
    assert!(!dbg.contains("qnwVIMsZ"), "{dbg}");

    let c: ServerConfigAnswer = serde_json::from_value(json!({
        "config": { "name": "Jan Vykydal", "connected": true, "visibility": "public",
            "pricing": { "bitcoin": 0.00010337, "usd": 0 }, "spot_pricing": { "bitcoin": 0.00005168, "usd": 0 },
            "mrl": 72, "online": false, "initialized": true, "id": 4, "rental_status": 0,
            "background_job": { "times_updated": 1, "image": "cloreai/ubuntu20.04-jupyter", "command": "", "env": [] } },
        "creation_completed": true, "code": 0
    }))
    .unwrap();
    assert_eq!(c.config.id, Some(4));
    assert_eq!(c.config.mrl_hours, Some(72));
    assert_eq!(c.config.rental(), Some(RentalStatus::NotRented));
}

/// `usd_pricing` as hosts' servers have sent it: one flat pair in 2025, nested per currency in
/// the official SDK's newer fixture (clore-ai 0.1.1, `MY_SERVER_RAW`), numbers or strings.
#[test]
fn host_usd_pricing_flat_and_nested() {
    let h: Vec<HostServer> = serde_json::from_value(json!([
        { "name": "flat", "usd_pricing": { "on_demand": 2.5, "spot": "2" } },
        { "name": "nested", "pricing": { "bitcoin": 0.00003, "CLORE-Blockchain": 900 },
          "allowed_currencies": ["CLORE-Blockchain"], "is_vpn_enabled": false, "max_fair_price_usd": 65,
          "usd_pricing": { "CLORE-Blockchain": { "on_demand": 2.5, "spot": 2 }, "bitcoin": { "on_demand": 2.5, "spot": 2 } } },
        { "name": "odd", "usd_pricing": 3 }
    ]))
    .unwrap();
    let pair = Some(OriginalUsd { on_demand: Some(2.5), spot: Some(2.0) });
    for c in Currency::ALL {
        assert_eq!(h[0].usd_pricing_in(c), pair, "{c:?}");
    }
    assert_eq!(h[1].usd_pricing_in(Currency::Clore), pair);
    assert_eq!(h[1].usd_pricing_in(Currency::Bitcoin), pair);
    assert_eq!(h[1].usd_pricing_in(Currency::Usd), None);
    assert_eq!((h[1].is_vpn_enabled, h[1].max_fair_price_usd), (Some(false), Some(65.0)));
    assert_eq!(h[2].usd_pricing_in(Currency::Usd), None);
}

/// `mrl` (hours) and `rental_status` on a host's server, in the older shape (flat
/// `usd_pricing`) and the newer one (nested per currency), each with and without them, and
/// as numbers or strings; an unknown status reads as unknown, not as free.
#[test]
fn host_server_mrl_and_rental_status_in_both_shapes() {
    let h: Vec<HostServer> = serde_json::from_value(json!([
        { "name": "older", "usd_pricing": { "on_demand": 2.5, "spot": 2 }, "rented": true },
        { "name": "older-mrl", "usd_pricing": { "on_demand": 2.5, "spot": 2 }, "mrl": 96, "rental_status": 1 },
        { "name": "newer", "usd_pricing": { "bitcoin": { "on_demand": 2.5, "spot": 2 } }, "is_vpn_enabled": false },
        { "name": "newer-mrl", "usd_pricing": { "bitcoin": { "on_demand": 2.5, "spot": 2 } },
          "mrl": "168", "rental_status": 2.0, "rented": true },
        { "name": "free", "mrl": 24, "rental_status": "0" },
        { "name": "odd", "mrl": null, "rental_status": 7 }
    ]))
    .unwrap();
    let read: Vec<_> = h.iter().map(|s| (s.name.as_str(), s.mrl_hours, s.rental())).collect();
    assert_eq!(
        read,
        [
            ("older", None, None),
            ("older-mrl", Some(96), Some(RentalStatus::Spot)),
            ("newer", None, None),
            ("newer-mrl", Some(168), Some(RentalStatus::OnDemand)),
            ("free", Some(24), Some(RentalStatus::NotRented)),
            ("odd", None, None),
        ]
    );
    assert_eq!(h[0].rented, Some(true));
    assert_eq!(h[5].rental_status, Some(7));
    for s in &h[..4] {
        assert!(s.usd_pricing_in(Currency::Bitcoin).is_some(), "{}", s.name);
    }
}

#[test]
fn spot_market_old_and_new_offer_shapes() {
    let m: SpotMarket = serde_json::from_value(json!({
        "market": {
            "offers": [
                { "offer_id": 39, "bid": 0.0000042, "active": true, "my": true },
                { "order_id": 40, "price": 0.000005, "server_id": 6, "active": false, "my": false }
            ],
            "server": { "min_pricing": { "bitcoin": 0.000001 }, "mrl": 262800, "visibility": "public", "online": true }
        },
        "exists": true, "currency_rates_in_usd": { "bitcoin": 95000, "CLORE-Blockchain": 0.02 }, "code": 0
    }))
    .unwrap();
    let offers = &m.market.as_ref().unwrap().offers;
    assert_eq!((offers[0].id(), offers[0].amount()), (Some(39), Some(0.0000042)));
    assert_eq!((offers[1].id(), offers[1].amount()), (Some(40), Some(0.000005)));
    assert_eq!(m.rates().get(Currency::Bitcoin), Some(95000.0));
    // A bid without a currency is in bitcoin (the docs' example): 0.0000042 BTC at $95,000.
    assert!((m.bid_in(&offers[0], Currency::Usd).unwrap() - 0.399).abs() < 1e-9);
    assert_eq!(m.bid_in(&offers[0], Currency::Bitcoin), Some(0.0000042));
    assert_eq!(m.market.unwrap().server.unwrap().mrl_secs, Some(262_800));
}

/// The live shape, as the official SDK's captured fixture has it (clore-ai 0.1.1,
/// `tests/test_client.py`, server 76279): the rates inside `market`. The offer with its own
/// `currency` is typed so by the community client vladpuz/cloreai (`spotMarketplace.ts`).
#[test]
fn spot_market_live_shape_reads_its_rates_inside_market_and_each_offers_currency() {
    let m: SpotMarket = serde_json::from_value(json!({
        "code": 0,
        "market": {
            "currency_rates_in_usd": { "bitcoin": 68022.87, "CLORE-Blockchain": 0.002705, "USD-Blockchain": 1 },
            "offers": [{ "offer_id": 41, "bid": 1200, "active": true, "my": false, "currency": "CLORE-Blockchain" }],
            "server": { "min_pricing": { "CLORE-Blockchain": 739.23 }, "mrl": 2520000, "visibility": "public", "online": false }
        },
        "exists": true
    }))
    .unwrap();
    assert_eq!(m.rates().get(Currency::Clore), Some(0.002705));
    let offer = &m.market.as_ref().unwrap().offers[0];
    assert_eq!(offer.bid_currency(), Some(Currency::Clore));
    assert!((m.bid_in(offer, Currency::Usd).unwrap() - 3.246).abs() < 1e-9);
    assert_eq!(m.bid_in(offer, Currency::Clore), Some(1200.0));
    let odd = SpotOffer { currency: Some("dogecoin".into()), bid: Some(1.0), ..SpotOffer::default() };
    assert_eq!(m.bid_in(&odd, Currency::Usd), None);
}
