//! The Clore client against the simulator's hosts' endpoints (`my_servers`, `server_config`,
//! `set_server_settings`) and the fleets the control API sets up for hosts' tests.

mod common;

use clorebot::clore::{ApiKey, CloreError, Currency, HostServer, RentalStatus, ServerSettings, ValidationError};
use common::*;
use serde_json::json;

#[tokio::test]
async fn host_servers_config_and_settings() {
    let sim = start_sim(10).await;
    let c = client(&sim);
    let k = key();
    let mine = c.my_servers(&k).await.unwrap();
    assert_eq!(mine.servers.len(), 2);
    assert_eq!(mine.servers.iter().filter(|s| s.online == Some(true)).count(), 1);
    let online = mine.servers.iter().find(|s| s.online == Some(true)).unwrap();
    assert!(format!("{online:?}").contains("REDACTED"), "init_token must not print");

    let cfg = c.server_config(&k, &online.name).await.unwrap();
    assert_eq!(cfg.config.id, online.id);
    assert_eq!(cfg.config.rental(), Some(clorebot::clore::RentalStatus::NotRented));

    let e = c.server_config(&k, "no-such-rig").await.unwrap_err();
    assert!(matches!(e, CloreError::InvalidInput { endpoint: "server_config", .. }), "{e:?}");

    let settings = ServerSettings {
        name: online.name.clone(),
        availability: true,
        mrl_hours: 96,
        on_demand: 0.0001,
        spot: 0.00005,
    };
    c.set_server_settings(&k, &settings).await.unwrap();
    let cfg = c.server_config(&k, &online.name).await.unwrap();
    assert_eq!(cfg.config.mrl_hours, Some(96));
    assert!((cfg.config.pricing.get(Currency::Bitcoin).unwrap() - 0.0001).abs() < 1e-12);

    let bad = ServerSettings { mrl_hours: 0, ..settings };
    assert_eq!(
        c.set_server_settings(&k, &bad).await.unwrap_err(),
        CloreError::Invalid(ValidationError::new("mrl", "must be at least 1 hour"))
    );
}

/// `my_servers` in the older shape (`usd_pricing` one flat pair) and in the newer one
/// (nested per currency, as in the official SDK's fixture) reads into the same values.
#[tokio::test]
async fn host_servers_read_the_same_in_the_older_and_the_newer_shape() {
    let sim = start_sim(10).await;
    let c = client(&sim);
    let older = c.my_servers(&key()).await.unwrap().servers;
    let answer = control(&sim, "/config", json!({ "my_servers_shape": "newer" })).await;
    assert_eq!(answer["my_servers_shape"], "newer");
    let newer = c.my_servers(&key()).await.unwrap().servers;
    assert_eq!(older.len(), 2);
    assert_eq!(newer.len(), 2);
    for (o, n) in older.iter().zip(&newer) {
        // Each answer in its own shape.
        let raw = |s: &clorebot::clore::HostServer| s.usd_pricing.clone().unwrap();
        assert!(raw(o).get("on_demand").is_some() && raw(o).get("bitcoin").is_none(), "{}", raw(o));
        assert!(raw(n).get("on_demand").is_none() && raw(n).get("bitcoin").is_some(), "{}", raw(n));
        // The same server, read the same.
        assert_eq!(
            (&o.id, &o.name, o.online, o.connected, o.rented),
            (&n.id, &n.name, n.online, n.connected, n.rented)
        );
        assert_eq!((&o.pricing, &o.min_spot_pricing, &o.specs), (&n.pricing, &n.min_spot_pricing, &n.specs));
        assert_eq!(
            (&o.gpu_array, o.gpu_count, &o.allowed_currencies),
            (&n.gpu_array, n.gpu_count, &n.allowed_currencies)
        );
        // `usd_pricing` gives the same USD prices in every currency, and they are the
        // server's own: its `pricing` in USD.
        for cur in Currency::ALL {
            let (po, pn) = (o.usd_pricing_in(cur).unwrap(), n.usd_pricing_in(cur).unwrap());
            assert_eq!(po, pn, "server {:?} in {cur:?}", o.id);
            assert_eq!(po.on_demand, o.pricing.get(Currency::Usd), "server {:?}", o.id);
            assert_eq!(po.spot, o.min_spot_pricing.get(Currency::Usd), "server {:?}", o.id);
        }
        // What only the newer shape has.
        assert_eq!((o.is_vpn_enabled, o.max_fair_price_usd), (None, None));
        assert_eq!(n.is_vpn_enabled, Some(false));
        assert!(n.max_fair_price_usd.is_some_and(|p| p > 0.0), "{:?}", n.max_fair_price_usd);
    }
    // Back to the older shape: the answer is as it was.
    control(&sim, "/config", json!({ "my_servers_shape": "older" })).await;
    let again = c.my_servers(&key()).await.unwrap().servers;
    assert!(again.iter().all(|s| s.usd_pricing.as_ref().unwrap().get("on_demand").is_some()));
}

/// A fleet set up through the control API (`host_fleet`): its servers appear in `my_servers`
/// with the chosen names, GPUs and prices, online or not, listed or not, and in the
/// marketplace when listed; an outside spot renter shows as `rental_status` 1 in the newer
/// shape (the older has `rented` only); a server told to refuse refuses `set_server_settings`
/// alone, with the error the client maps, until told to stop.
#[tokio::test]
async fn a_chosen_fleet_is_hosted_rented_on_spot_and_refuses_settings_alone() {
    const HOST: &str = "host-fleet-key-0123456789abcdef0";
    let sim = start_sim(50).await;
    quicken(&sim).await;
    let c = client_with(&sim, quick);
    let k = ApiKey::parse(HOST).unwrap();
    let fleet = [
        Hosted { spot_usd: Some(1.75), ..hosted("rig-a", "RTX 4090", 1, 3.6) },
        hosted("rig-b", "NVIDIA GeForce RTX 3090", 2, 5.2),
        Hosted { online: false, visible: false, ..hosted("rig-c", "a6000", 4, 24.0) },
    ];
    let ids = host_fleet(&sim, HOST, &fleet).await;
    control(&sim, "/config", json!({ "my_servers_shape": "newer" })).await;

    let mine = c.my_servers(&k).await.unwrap().servers;
    let seen = |s: &HostServer| {
        let gpu = s.specs.as_ref().and_then(|x| x.gpu.clone()).unwrap();
        let usd = (s.pricing.get(Currency::Usd).unwrap(), s.min_spot_pricing.get(Currency::Usd).unwrap());
        (s.id.unwrap(), s.name.clone(), gpu, usd, s.online, s.visibility.clone().unwrap(), s.rental())
    };
    let free = Some(RentalStatus::NotRented);
    assert_eq!(
        mine.iter().map(seen).collect::<Vec<_>>(),
        [
            (
                ids[0],
                "rig-a".into(),
                "1x NVIDIA GeForce RTX 4090".into(),
                (3.6, 1.75),
                Some(true),
                "public".into(),
                free
            ),
            (
                ids[1],
                "rig-b".into(),
                "2x NVIDIA GeForce RTX 3090".into(),
                (5.2, 2.6),
                Some(true),
                "public".into(),
                free
            ),
            (ids[2], "rig-c".into(), "4x NVIDIA RTX A6000".into(), (24.0, 12.0), Some(false), "hidden".into(), free),
        ]
    );
    assert!(mine.iter().all(|s| s.mrl_hours.is_some_and(|h| h >= 1)), "{mine:?}");
    // Listed servers are in the marketplace at their price; the hidden one is not.
    let market = c.marketplace(Some(&k)).await.unwrap();
    let listed = |id: u64| market.servers.iter().find(|s| s.id.0 == id).map(|s| s.on_demand(Currency::Usd).unwrap());
    assert_eq!((listed(ids[0]), listed(ids[1]), listed(ids[2])), (Some(3.6), Some(5.2), None));

    // An outside spot renter on rig-b, an on-demand one on rig-a.
    control(&sim, &format!("/servers/{}", ids[1]), json!({ "rented_spot": true })).await;
    control(&sim, &format!("/servers/{}", ids[0]), json!({ "rented": true })).await;
    let mine = c.my_servers(&k).await.unwrap().servers;
    let rentals: Vec<_> = mine.iter().map(|s| (s.rented, s.rental())).collect();
    assert_eq!(
        rentals,
        [(Some(true), Some(RentalStatus::OnDemand)), (Some(true), Some(RentalStatus::Spot)), (Some(false), free)]
    );
    control(&sim, "/config", json!({ "my_servers_shape": "older" })).await;
    let older = c.my_servers(&k).await.unwrap().servers;
    let rentals: Vec<_> = older.iter().map(|s| (s.rented, s.rental())).collect();
    assert_eq!(rentals, [(Some(true), None), (Some(true), None), (Some(false), None)]);
    control(&sim, &format!("/servers/{}", ids[1]), json!({ "rented_spot": false })).await;
    assert_eq!(c.my_servers(&k).await.unwrap().servers[1].rented, Some(false));

    // rig-c refuses its settings; rig-a's go through.
    control(&sim, &format!("/servers/{}", ids[2]), json!({ "refuse_settings": "server-is-locked" })).await;
    let btc = |usd: f64| usd / 95_000.0;
    let set = |name: &str, usd: f64| ServerSettings {
        name: name.into(),
        availability: true,
        mrl_hours: 72,
        on_demand: btc(usd),
        spot: btc(usd / 2.0),
    };
    assert_eq!(
        c.set_server_settings(&k, &set("rig-c", 20.0)).await.unwrap_err(),
        CloreError::Refused { endpoint: "set_server_settings", error: "server-is-locked".into() }
    );
    c.set_server_settings(&k, &set("rig-a", 3.4)).await.unwrap();
    let prices = |servers: &[HostServer]| -> Vec<f64> {
        servers.iter().map(|s| (s.pricing.get(Currency::Usd).unwrap() * 100.0).round() / 100.0).collect()
    };
    assert_eq!(prices(&c.my_servers(&k).await.unwrap().servers), [3.4, 5.2, 24.0]);
    // Let through again, it changes too.
    control(&sim, &format!("/servers/{}", ids[2]), json!({ "refuse_settings": null })).await;
    c.set_server_settings(&k, &set("rig-c", 20.0)).await.unwrap();
    assert_eq!(prices(&c.my_servers(&k).await.unwrap().servers), [3.4, 5.2, 20.0]);
}

/// What the control API refuses of a fleet: a model it does not have, a name the account
/// already hosts, a GPU count past eight; nothing of a refused call is added.
#[tokio::test]
async fn a_fleet_with_an_unknown_model_or_a_taken_name_is_refused_whole() {
    let sim = start_sim(10).await;
    let accounts = format!("{}/accounts", sim.control_url());
    let refused = |body: serde_json::Value| {
        let accounts = accounts.clone();
        async move {
            let resp = reqwest::Client::new().post(accounts).json(&body).send().await.unwrap();
            (resp.status().as_u16(), resp.json::<serde_json::Value>().await.unwrap()["error"].clone())
        }
    };
    let rig = |name: &str, gpu: &str, gpus: u32| json!({ "name": name, "gpu": gpu, "gpus": gpus, "price_usd": 3.0 });
    let (status, why) =
        refused(json!({ "key": KEY, "hosted": [rig("rig-x", "RTX 4090", 1), rig("rig-y", "RTX 9999", 1)] })).await;
    assert_eq!((status, why.as_str().unwrap()), (400, "no GPU model `RTX 9999`"));
    let taken = state(&sim).await["accounts"][0]["servers"][0].as_u64().unwrap();
    let taken =
        state(&sim).await["servers"].as_array().unwrap().iter().find(|s| s["id"] == taken).unwrap()["name"].clone();
    let (status, why) = refused(json!({ "key": KEY, "hosted": [rig(taken.as_str().unwrap(), "RTX 4090", 1)] })).await;
    assert_eq!(status, 400);
    assert!(why.as_str().unwrap().contains("new to the account"), "{why}");
    let (status, _) = refused(json!({ "key": KEY, "hosted": [rig("rig-z", "RTX 4090", 9)] })).await;
    assert_eq!(status, 400);
    assert_eq!(client(&sim).my_servers(&key()).await.unwrap().servers.len(), 2);
}
