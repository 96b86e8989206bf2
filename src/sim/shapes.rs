//! The simulated API's JSON: the endpoints' request bodies read and checked as Clore checks
//! them, and the world of `state.rs` answered in the real API's shapes (markets, wallets,
//! hosted servers, orders, spot markets, as api.clore.ai lays them out). The endpoints are
//! methods on [`SimState`] that `api.rs` calls: the reading ones build their answer here; the
//! changing ones read their body here and leave the rules to `state.rs`.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::market::{self, SimServer};
use super::state::{FEE_PERCENT, MAX_MRL_HOURS, ORDER_LIMIT, OrderRequest, SimError, SimOrder, SimResult, SimState};
use crate::clore::Currency;

/// Which of the live API's two `my_servers` shapes the simulator answers in, one at a time as
/// Clore does: the older (2025) one, `usd_pricing` a flat `{on_demand, spot}`, or the newer
/// one of the official SDK's captured fixture (clore-ai 0.1.1, server 76279), `usd_pricing`
/// nested per currency beside `is_vpn_enabled` and `max_fair_price_usd`. The older is the
/// default, so the demo and the tests that do not choose answer as they always have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MyServersShape {
    #[default]
    Older,
    Newer,
}

impl FromStr for MyServersShape {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "older" => Ok(MyServersShape::Older),
            "newer" => Ok(MyServersShape::Newer),
            _ => Err(format!("`{s}` is not a my_servers shape: say older or newer")),
        }
    }
}

impl SimState {
    fn prices_json(&self, usd: f64, allowed: &[Currency]) -> Value {
        let m: Map<String, Value> =
            allowed.iter().map(|c| (c.api_name().to_owned(), json!(self.rates.from_usd(usd, *c)))).collect();
        Value::Object(m)
    }

    fn all_prices_json(&self, usd: f64) -> Value {
        self.prices_json(usd, &Currency::ALL)
    }

    fn specs_json(&self, s: &SimServer) -> Value {
        json!({
            "mb": s.mb,
            "cpu": s.cpu,
            "cpus": s.cpus,
            "ram": s.ram,
            "disk": s.disk,
            "disk_speed": s.disk_speed,
            "gpu": format!("{}x {}", s.gpu_count, s.gpu),
            "gpuram": s.gpuram,
            "pcie_rev": s.pcie_rev,
            "pcie_width": s.pcie_width,
            "pl": vec![350; s.gpu_count as usize],
            "stock_pl": vec![350; s.gpu_count as usize],
            "stock_oc": "default",
            "backend_version": "10",
            "net": { "cc": s.cc, "down": s.down, "up": s.up, "test_history": [] },
        })
    }

    fn gpu_array(s: &SimServer) -> Value {
        let name = if s.leading_space { format!(" {}", s.gpu) } else { s.gpu.to_owned() };
        json!(vec![name; s.gpu_count as usize])
    }

    pub fn marketplace(&self, caller: Option<u64>) -> SimResult {
        let servers: Vec<Value> = self
            .servers
            .values()
            .filter(|s| s.online && s.visible)
            .map(|s| {
                let original: Map<String, Value> = s
                    .allowed
                    .iter()
                    .map(|c| (c.api_name().to_owned(), json!({ "on_demand": s.price_usd, "spot": s.spot_usd })))
                    .collect();
                json!({
                    "id": s.id,
                    "owner": s.owner,
                    "mrl": s.mrl_hours,
                    "price": {
                        "on_demand": self.prices_json(s.price_usd, &s.allowed),
                        "spot": self.prices_json(s.spot_usd, &s.allowed),
                        "usd": {
                            "on_demand_btc": s.price_usd,
                            "on_demand_clore": s.price_usd,
                            "on_demand_usd": s.price_usd,
                            "spot": s.spot_usd,
                        },
                        "original_usd": original,
                    },
                    "rented": self.server_rented(s),
                    "reliability": s.reliability,
                    "rating": { "avg": s.rating_avg, "cnt": s.rating_cnt },
                    "allowed_coins": s.allowed.iter().map(|c| c.api_name()).collect::<Vec<_>>(),
                    "cuda_version": s.cuda,
                    "autoprice": "off",
                    "gpu_array": Self::gpu_array(s),
                    "gigaspot": false,
                    "specs": self.specs_json(s),
                })
            })
            .collect();
        let mine: Vec<u64> = caller.and_then(|id| self.accounts.get(&id)).map(|a| a.hosted.clone()).unwrap_or_default();
        Ok(json!({ "servers": servers, "my_servers": mine, "code": 0 }))
    }

    pub fn wallets(&self, acct: u64) -> SimResult {
        let a = &self.accounts[&acct];
        let wallets: Vec<Value> = Currency::ALL
            .iter()
            .map(|c| {
                json!({
                    "name": c.api_name(),
                    "deposit": format!("sim-{}-{:x}", c.symbol().to_lowercase(), acct * 7919),
                    "balance": a.balances.get(c).copied().unwrap_or(0.0),
                    "withdrawal_fee": self.rates.from_usd(1.0, *c),
                })
            })
            .collect();
        Ok(json!({ "wallets": wallets, "code": 0 }))
    }

    fn rental_status(&self, s: &SimServer) -> u8 {
        match self.orders.values().find(|o| o.active() && o.server_id == s.id) {
            Some(o) if o.spot => 1,
            Some(_) => 2,
            None if s.rented_external && s.external_spot => 1,
            None if s.rented_external => 2,
            None => 0,
        }
    }

    fn host_json(&self, s: &SimServer) -> Value {
        let rental_end =
            self.orders.values().filter(|o| o.active() && o.server_id == s.id).map(|o| o.ends_at() * 1000).max();
        let mut v = json!({
            "id": s.id,
            "name": s.host_name,
            "connected": true,
            "visibility": if s.visible { "public" } else { "hidden" },
            "pricing": self.all_prices_json(s.price_usd),
            "min_spot_pricing": self.all_prices_json(s.spot_usd),
            "online": s.online,
            "init_token": format!("sim-init-{:016x}", s.id.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
            "specs": self.specs_json(s),
            "mrl": s.mrl_hours,
            "rented": self.rental_status(s) != 0,
            "remaining_time": rental_end,
            "working_properly": s.online,
            "gpu_array": Self::gpu_array(s),
            "gpu_count": s.gpu_count,
            "allowed_currencies": s.allowed.iter().map(|c| c.api_name()).collect::<Vec<_>>(),
        });
        match self.my_servers_shape {
            MyServersShape::Older => v["usd_pricing"] = json!({ "on_demand": s.price_usd, "spot": s.spot_usd }),
            MyServersShape::Newer => {
                // The same USD figures under each currency `pricing` lists, as the SDK's
                // fixture has them.
                let per: Map<String, Value> = Currency::ALL
                    .iter()
                    .map(|c| (c.api_name().to_owned(), json!({ "on_demand": s.price_usd, "spot": s.spot_usd })))
                    .collect();
                v["usd_pricing"] = Value::Object(per);
                v["is_vpn_enabled"] = json!(false);
                // How it is rented: documented for `server_config` only, and sent here by the
                // newer answers alone, so the older shape tests reading without it.
                v["rental_status"] = json!(self.rental_status(s));
                // Clore's estimate of what the hardware may fairly ask: here the top of the
                // model's usual band, per GPU, times the count (derived, nothing drawn).
                let band = market::kind_named(s.gpu).usd_day.usual.1;
                v["max_fair_price_usd"] = json!(market::in_cents(band * f64::from(s.gpu_count)));
            }
        }
        v
    }

    pub fn my_servers(&self, acct: u64) -> SimResult {
        let a = &self.accounts[&acct];
        let servers: Vec<Value> =
            a.hosted.iter().filter_map(|id| self.servers.get(id)).map(|s| self.host_json(s)).collect();
        Ok(json!({ "servers": servers, "limit": 16, "code": 0 }))
    }

    pub fn server_config(&self, acct: u64, body: &Value) -> SimResult {
        let name = body.get("server_name").and_then(Value::as_str).ok_or_else(|| SimError::invalid("server_name"))?;
        let id = self.hosted_by_name(acct, name).ok_or_else(|| SimError::invalid("unknown server_name"))?;
        let s = &self.servers[&id];
        Ok(json!({
            "config": {
                "name": s.host_name,
                "connected": true,
                "visibility": if s.visible { "public" } else { "hidden" },
                "pricing": self.all_prices_json(s.price_usd),
                "spot_pricing": self.all_prices_json(s.spot_usd),
                "mrl": s.mrl_hours,
                "online": s.online,
                "initialized": true,
                "id": s.id,
                "rental_status": self.rental_status(s),
                "specs": self.specs_json(s),
                "background_job": { "times_updated": 1, "image": "cloreai/ubuntu20.04-jupyter", "command": "", "env": [] },
            },
            "creation_completed": true,
            "code": 0,
        }))
    }

    pub fn set_server_settings(&mut self, acct: u64, body: &Value) -> SimResult {
        let name = body.get("name").and_then(Value::as_str).ok_or_else(|| SimError::invalid("name"))?;
        let availability =
            body.get("availability").and_then(Value::as_bool).ok_or_else(|| SimError::invalid("availability"))?;
        let mrl = body
            .get("mrl")
            .and_then(Value::as_u64)
            .filter(|m| (1..=MAX_MRL_HOURS).contains(m))
            .ok_or_else(|| SimError::invalid("mrl"))?;
        let price = |f: &str| body.get(f).and_then(Value::as_f64).filter(|p| p.is_finite() && *p > 0.0);
        let on_demand = price("on_demand").ok_or_else(|| SimError::invalid("on_demand"))?;
        let spot = price("spot").ok_or_else(|| SimError::invalid("spot"))?;
        // This endpoint's prices are bitcoin amounts, as in Clore's documented example.
        let usd = |btc: f64| self.rates.to_usd(btc, Currency::Bitcoin);
        let (on_demand_usd, spot_usd) = (usd(on_demand), usd(spot));
        self.configure_hosted(acct, name, availability, mrl, on_demand_usd, spot_usd)?;
        Ok(json!({ "code": 0 }))
    }

    fn order_json(&self, o: &SimOrder, now: i64) -> Value {
        let s = &self.servers[&o.server_id];
        let ready = o.active() && now >= o.ready_at;
        let mut v = json!({
            "id": o.id,
            "si": o.server_id,
            "ct": o.ct,
            "mrl": o.mrl_secs,
            "price": o.price,
            "currency": o.currency.api_name(),
            "spend": o.spend,
            "fee": FEE_PERCENT,
            "creation_fee": o.creation_fee,
            "image": o.image,
            "expired": !o.active(),
            "spot": o.spot,
            "p": 1,
            "online": s.online,
            "owner": s.owner,
            "reliability": s.reliability,
            "cuda_version": s.cuda,
            "gpu_array": Self::gpu_array(s),
            "original_price_usd": self.rates.to_usd(o.price, o.currency),
            "specs": self.specs_json(s),
            "pub_cluster": if ready { json!(o.cluster) } else { json!([]) },
            "tcp_ports": if ready {
                json!(o.tcp.iter().map(|(c, p)| format!("{c}:{p}")).collect::<Vec<_>>())
            } else {
                json!([])
            },
        });
        if let (true, Some(h)) = (ready, o.http_port) {
            v["http_port"] = json!(h.to_string());
            v["http_pub"] = json!(format!("{}-{}.http.clorecloud.net", o.id, h));
        }
        if let Some((_, reason)) = o.ended {
            // Not a Clore field; the simulator's own hint, ignored by clients.
            v["sim_end_reason"] = json!(reason.as_str());
        }
        v
    }

    pub fn my_orders(&self, acct: u64, completed: bool) -> SimResult {
        let now = self.now();
        let orders: Vec<Value> = self
            .orders
            .values()
            .filter(|o| o.account == acct && (completed || o.active()))
            .map(|o| self.order_json(o, now))
            .collect();
        Ok(json!({ "orders": orders, "limit": ORDER_LIMIT, "code": 0 }))
    }

    pub fn spot_marketplace(&self, acct: u64, query: &BTreeMap<String, String>) -> SimResult {
        let id: u64 = query.get("market").and_then(|m| m.parse().ok()).ok_or_else(|| SimError::invalid("market"))?;
        let Some(s) = self.servers.get(&id).filter(|s| s.visible) else {
            return Ok(json!({ "exists": false, "code": 0 }));
        };
        // (offer id, USD per day, mine, order id, the bid in its currency, that currency):
        // competitors bid in bitcoin, orders in their own currency, each offer naming it as the
        // live API does.
        let mut bids: Vec<(u64, f64, bool, u64, f64, Currency)> = s
            .competitor_bids
            .iter()
            .map(|(oid, b)| (*oid, *b, false, 0, self.rates.from_usd(*b, Currency::Bitcoin), Currency::Bitcoin))
            .collect();
        for o in self.active_spot_orders(id) {
            bids.push((o.id, self.rates.to_usd(o.price, o.currency), o.account == acct, o.id, o.price, o.currency));
        }
        let on_demand = self.server_busy_on_demand(id) || s.rented_external;
        let top = bids.iter().map(|b| b.1).fold(f64::MIN, f64::max);
        let offers: Vec<Value> = bids
            .iter()
            .map(|(oid, usd, my, order, bid, currency)| {
                let mut v = json!({
                    "offer_id": oid,
                    "bid": bid,
                    "currency": currency.api_name(),
                    "active": !on_demand && *usd >= top,
                    "my": my,
                    "server_id": id,
                });
                if *order != 0 {
                    v["order_id"] = json!(order);
                }
                v
            })
            .collect();
        Ok(json!({
            "market": {
                "offers": offers,
                "server": {
                    "min_pricing": self.prices_json(s.spot_usd, &s.allowed),
                    "mrl": s.mrl_hours * 3600,
                    "visibility": if s.visible { "public" } else { "hidden" },
                    "online": s.online,
                },
                // Inside `market`, as the live API answers (the official SDK's fixture).
                "currency_rates_in_usd": {
                    "bitcoin": self.rates.btc_usd,
                    "CLORE-Blockchain": self.rates.clore_usd,
                    "USD-Blockchain": 1.0,
                },
            },
            "exists": true,
            "code": 0,
        }))
    }

    pub fn create_order(&mut self, acct: u64, body: &Value) -> SimResult {
        let req = OrderRequest::parse(body)?;
        self.place_order(acct, req)?;
        Ok(json!({ "code": 0 }))
    }

    pub fn set_spot_price(&mut self, acct: u64, body: &Value) -> SimResult {
        let id = body.get("order_id").and_then(Value::as_u64).ok_or_else(|| SimError::invalid("order_id"))?;
        let desired = body
            .get("desired_price")
            .and_then(Value::as_f64)
            .filter(|p| p.is_finite() && *p > 0.0)
            .ok_or_else(|| SimError::invalid("desired_price"))?;
        self.change_bid(acct, id, desired)?;
        Ok(json!({ "code": 0 }))
    }

    pub fn cancel_order(&mut self, acct: u64, body: &Value) -> SimResult {
        let id = body.get("id").and_then(Value::as_u64).ok_or_else(|| SimError::invalid("id"))?;
        if let Some(issue) = body.get("issue") {
            let ok = issue.as_str().is_some_and(|s| s.chars().count() <= 2048);
            if !ok {
                return Err(SimError::invalid("issue"));
            }
        }
        self.cancel(acct, id)?;
        Ok(json!({ "code": 0 }))
    }
}

/// An `ssh_password` or `jupyter_token` Clore accepts.
fn token_ok(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= 32
        && s.chars().all(|c| c.is_ascii_alphanumeric() || " \t\n\r-=.@+/".contains(c))
}

impl OrderRequest {
    /// Reads a `create_order` body, refusing (code 2) whatever Clore refuses.
    fn parse(b: &Value) -> Result<OrderRequest, SimError> {
        let currency = b
            .get("currency")
            .and_then(Value::as_str)
            .and_then(|c| Currency::ALL.into_iter().find(|k| k.api_name() == c))
            .ok_or_else(|| SimError::invalid("currency"))?;
        let image = b
            .get("image")
            .and_then(Value::as_str)
            .filter(|i| !i.trim().is_empty())
            .ok_or_else(|| SimError::invalid("image"))?
            .to_owned();
        let server =
            b.get("renting_server").and_then(Value::as_u64).ok_or_else(|| SimError::invalid("renting_server"))?;
        let price_field = |f: &str| -> Result<Option<f64>, SimError> {
            match b.get(f) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => {
                    v.as_f64().filter(|p| p.is_finite() && *p > 0.0).map(Some).ok_or_else(|| SimError::invalid(f))
                }
            }
        };
        let spot_price = match b.get("type").and_then(Value::as_str) {
            Some("on-demand") => None,
            Some("spot") => Some(price_field("spotprice")?.ok_or_else(|| SimError::invalid("spotprice"))?),
            _ => return Err(SimError::invalid("type")),
        };
        let required_price = price_field("required_price")?;
        let mut tcp_ports = Vec::new();
        let mut http_port = None;
        if let Some(ports) = b.get("ports") {
            let ports = ports.as_object().ok_or_else(|| SimError::invalid("ports"))?;
            if ports.len() > 5 {
                return Err(SimError::invalid("ports"));
            }
            for (port, proto) in ports {
                let p: u16 = port.parse().ok().filter(|p| *p > 0).ok_or_else(|| SimError::invalid("ports"))?;
                match proto.as_str() {
                    Some("tcp") => tcp_ports.push(p),
                    Some("http") if http_port.is_none() => http_port = Some(p),
                    _ => return Err(SimError::invalid("ports")),
                }
            }
        }
        if let Some(env) = b.get("env") {
            let env = env.as_object().ok_or_else(|| SimError::invalid("env"))?;
            let too_long = serde_json::to_string(env).map(|s| s.chars().count()).unwrap_or(0) > 12_000;
            let bad =
                env.iter().any(|(k, v)| k.chars().count() > 128 || v.as_str().is_none_or(|v| v.chars().count() > 1536));
            if too_long || bad {
                return Err(SimError::invalid("env"));
            }
        }
        for f in ["ssh_password", "jupyter_token"] {
            if let Some(v) = b.get(f)
                && !v.as_str().is_some_and(token_ok)
            {
                return Err(SimError::invalid(f));
            }
        }
        if let Some(k) = b.get("ssh_key")
            && k.as_str().is_none_or(|k| k.chars().count() > 3072)
        {
            return Err(SimError::invalid("ssh_key"));
        }
        let made_with: serde_json::Map<String, Value> =
            ["env", "ssh_key", "ssh_password", "jupyter_token", "command", "ports"]
                .into_iter()
                .filter_map(|f| Some((f.to_owned(), b.get(f)?.clone())))
                .collect();
        let made_with = Value::Object(made_with);
        Ok(OrderRequest { server, currency, image, spot_price, required_price, tcp_ports, http_port, made_with })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The newer `my_servers` shape changes `usd_pricing` (the same figures, nested under each
    /// currency) and adds what only it has (`rental_status` among them); every other field,
    /// and the default, stay as the older shape has them.
    #[test]
    fn my_servers_shapes_differ_only_where_the_live_ones_do() {
        let mut state = SimState::new(7, 20);
        let acct = state.add_account("k");
        assert_eq!(state.my_servers_shape, MyServersShape::Older);
        let older = state.my_servers(acct).unwrap();
        state.my_servers_shape = MyServersShape::Newer;
        let newer = state.my_servers(acct).unwrap();
        let (older, newer) = (older["servers"].as_array().unwrap(), newer["servers"].as_array().unwrap());
        assert_eq!(older.len(), 2);
        for (o, n) in older.iter().zip(newer) {
            let flat = &o["usd_pricing"];
            assert!(flat["on_demand"].as_f64().is_some() && flat["spot"].as_f64().is_some(), "{flat}");
            for c in Currency::ALL {
                assert_eq!(&n["usd_pricing"][c.api_name()], flat, "{c:?}");
            }
            let (mut o, mut n) = (o.clone(), n.clone());
            for f in ["usd_pricing", "is_vpn_enabled", "max_fair_price_usd", "rental_status"] {
                o.as_object_mut().unwrap().remove(f);
                n.as_object_mut().unwrap().remove(f);
            }
            assert_eq!(o, n);
        }
        // The top of the RTX 4090's usual band ($6) for each of the first rig's two cards.
        assert_eq!(newer[0]["max_fair_price_usd"], 12.0);
        assert_eq!((newer[0]["rental_status"].as_u64(), older[0].get("rental_status")), (Some(0), None));
        assert_eq!("newer".parse(), Ok(MyServersShape::Newer));
        assert!("nested".parse::<MyServersShape>().unwrap_err().contains("older or newer"));
    }
}
