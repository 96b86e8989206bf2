//! `/rent <id or query> [image=…] [spot=<price>] [ports=22:tcp,8888:http] [env K=V]…
//! [currency=usd|clore|btc] [t=<template>]`, `/orders [all]`, `/cancel <order id> [issue text]` and
//! `/spotprice <order id> <price per day>`: renting and the caller's orders.

use std::collections::BTreeMap;

use super::common::{IdOf, id, price, query, short, split_first, terms};
use super::{Command, ParseError, RentArgs, RentTarget};
use crate::clore::{Currency, PortProto, ServerId};
use crate::t;

/// `/orders [all]`.
pub(super) fn parse_orders(rest: &str) -> Result<Command, ParseError> {
    match rest.to_ascii_lowercase().as_str() {
        "" => Ok(Command::Orders { all: false }),
        "all" => Ok(Command::Orders { all: true }),
        _ => Err(ParseError::usage("orders", t!("parse-not-understood", term = short(rest)))),
    }
}

/// At most this many orders are named in one `/cancel` (`all` takes every running order).
pub const CANCEL_MAX: usize = 20;

/// At most this many servers are rented by one `/rent <query> count=N`.
pub const RENT_COUNT_MAX: usize = 10;

/// `/cancel <order id> [issue text]`: the issue is kept as typed, spaces and all. `/cancel all`
/// and `/cancel 1001 1002 …` (ids alone, by spaces or commas) cancel several at once.
pub(super) fn parse_cancel(rest: &str) -> Result<Command, ParseError> {
    let words: Vec<&str> = rest.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    if words.first().is_some_and(|w| w.eq_ignore_ascii_case("all")) {
        if words.len() > 1 {
            return Err(ParseError::usage("cancel", t!("parse-cancel-all-alone")));
        }
        return Ok(Command::CancelMany { orders: None });
    }
    let is_id = |w: &&str| {
        let digits = w.trim_start_matches('#');
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    if words.len() > 1 && words.iter().all(is_id) {
        let mut orders = Vec::new();
        for w in &words {
            let order = id("cancel", w, IdOf::Order)?;
            if !orders.contains(&order) {
                orders.push(order);
            }
        }
        if orders.len() > CANCEL_MAX {
            return Err(ParseError::usage("cancel", t!("parse-cancel-too-many", n = orders.len(), max = CANCEL_MAX)));
        }
        return Ok(Command::CancelMany { orders: Some(orders) });
    }
    let (first, issue) = split_first(rest);
    let order = id("cancel", first, IdOf::Order)?;
    let issue = (!issue.is_empty()).then(|| issue.to_owned());
    if let Some(i) = &issue {
        crate::clore::validate::check_issue(i).map_err(|e| ParseError::usage("cancel", e))?;
    }
    Ok(Command::Cancel { order, issue })
}

/// `/spotprice <order id> <price per day>`.
pub(super) fn parse_spotprice(rest: &str) -> Result<Command, ParseError> {
    let t = terms(rest)?;
    let [o, p] = t.as_slice() else {
        return Err(ParseError::usage("spotprice", t!("parse-spotprice-args")));
    };
    Ok(Command::SpotPrice { order: id("spotprice", o, IdOf::Order)?, price: price("spotprice", "price", p)? })
}

/// `/spotguard <order id> max=<price> [margin=<price>] [rebid]` or `/spotguard <order id> off`.
pub(super) fn parse_spotguard(rest: &str) -> Result<Command, ParseError> {
    let t = terms(rest)?;
    let Some((first, options)) = t.split_first() else {
        return Err(ParseError::usage("spotguard", t!("parse-spotguard-args")));
    };
    let order = id("spotguard", first, IdOf::Order)?;
    if options.len() == 1 && options[0].eq_ignore_ascii_case("off") {
        return Ok(Command::SpotGuard { order, guard: None });
    }
    let (mut max, mut margin, mut rebid) = (None, None, false);
    for o in options {
        let lower = o.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("max=") {
            max = Some(price("spotguard", "max", v)?);
        } else if let Some(v) = lower.strip_prefix("margin=") {
            margin = Some(price("spotguard", "margin", v)?);
        } else if lower == "rebid" {
            rebid = true;
        } else {
            return Err(ParseError::usage("spotguard", t!("parse-not-understood", term = short(o))));
        }
    }
    let Some(max) = max else {
        return Err(ParseError::usage("spotguard", t!("parse-spotguard-args")));
    };
    if margin.is_some_and(|m| m >= max) {
        return Err(ParseError::usage("spotguard", t!("parse-spotguard-margin", max = max)));
    }
    Ok(Command::SpotGuard { order, guard: Some(super::GuardArgs { max, margin, rebid }) })
}

/// `guard=<max> [margin=<price>] [rebid]` of `/rent` and auto-rent watches: the margin and
/// `rebid` belong to a guard and mean nothing without one.
pub(super) fn guard_args(
    cmd: &str,
    max: Option<f64>,
    margin: Option<f64>,
    rebid: bool,
) -> Result<Option<super::GuardArgs>, ParseError> {
    let Some(max) = max else {
        if margin.is_some() || rebid {
            return Err(ParseError::usage(cmd, t!("parse-guard-needs-max")));
        }
        return Ok(None);
    };
    if margin.is_some_and(|m| m >= max) {
        return Err(ParseError::usage(cmd, t!("parse-spotguard-margin", max = max)));
    }
    Ok(Some(super::GuardArgs { max, margin, rebid }))
}

/// Whether `/rent` arguments carry environment values (`env K=V` or `env=K=V`).
pub(super) fn holds_env(rest: &str) -> bool {
    rest.split_whitespace().any(|w| w.to_ascii_lowercase().starts_with("env"))
}

/// `/rent <target> [option]…`: the options are taken out, what remains names the target.
pub(super) fn parse_rent(rest: &str) -> Result<Command, ParseError> {
    let t = terms(rest)?;
    let mut image = None;
    let mut spot = None;
    let mut ports = Vec::new();
    let mut env = BTreeMap::new();
    let mut currency = None;
    let mut count = None;
    let mut template = None;
    let (mut guard_max, mut margin, mut rebid) = (None, None, false);
    let mut target_terms: Vec<String> = Vec::new();
    let mut it = t.into_iter();
    while let Some(term) = it.next() {
        let lower = term.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("image=").map(|_| &term["image=".len()..]) {
            if v.trim().is_empty() {
                return Err(ParseError::usage("rent", t!("parse-rent-image")));
            }
            image = Some(v.trim().to_owned());
        } else if let Some(v) = lower.strip_prefix("spot=") {
            spot = Some(price("rent", "spot", v)?);
        } else if let Some(v) = lower.strip_prefix("ports=") {
            ports = parse_ports(v).map_err(|e| ParseError::usage("rent", e))?;
        } else if let Some(v) = lower.strip_prefix("currency=") {
            currency = Some(
                v.parse::<Currency>().map_err(|_| ParseError::usage("rent", t!("parse-currency", term = short(v))))?,
            );
        } else if let Some(v) = lower.strip_prefix("count=") {
            let n = v.parse::<usize>().ok().filter(|n| (1..=RENT_COUNT_MAX).contains(n));
            count = Some(n.ok_or_else(|| {
                ParseError::usage("rent", t!("parse-rent-count", term = short(v), max = RENT_COUNT_MAX))
            })?);
        } else if let Some(v) = lower.strip_prefix("t=").or_else(|| lower.strip_prefix("template=")) {
            template = Some(super::templates::template_name("rent", v)?);
        } else if let Some(v) = lower.strip_prefix("guard=") {
            guard_max = Some(price("rent", "guard", v)?);
        } else if let Some(v) = lower.strip_prefix("margin=") {
            margin = Some(price("rent", "margin", v)?);
        } else if lower == "rebid" {
            rebid = true;
        } else if lower == "env" {
            let kv = it.next().ok_or_else(|| ParseError::usage("rent", t!("parse-env-missing")))?;
            add_env("rent", &mut env, &kv)?;
        } else if let Some(kv) = lower.strip_prefix("env=").map(|_| &term["env=".len()..]) {
            add_env("rent", &mut env, kv)?;
        } else {
            target_terms.push(term);
        }
    }
    let target = match target_terms.as_slice() {
        [] => return Err(ParseError::usage("rent", t!("parse-rent-which"))),
        [one] if one.starts_with('#') => RentTarget::Server(id("rent", one, IdOf::Server)?),
        // `4090` may be a server id or a model; the handler decides against the market.
        [one] if !one.is_empty() && one.chars().all(|c| c.is_ascii_digit()) => {
            RentTarget::IdOrModel(id("rent", one, IdOf::Server)?, query("rent", &target_terms)?)
        }
        // `#42` names one server; beside anything else it would be read as a model name.
        many if many.iter().any(|t| t.starts_with('#')) => {
            return Err(ParseError::usage("rent", t!("parse-give-one-id", what = "server")));
        }
        many => {
            let mut q = query("rent", many)?;
            if let Some(c) = currency {
                q.set_currency(c);
            }
            RentTarget::Cheapest(q)
        }
    };
    // `#42` names one server: a count makes sense only for a query.
    if count.is_some() && matches!(target, RentTarget::Server(_)) {
        return Err(ParseError::usage("rent", t!("parse-rent-count-one-server")));
    }
    let guard = guard_args("rent", guard_max, margin, rebid)?;
    let args = RentArgs { target, image, spot, ports, env, currency, count, template, guard };
    // The limits Clore enforces, checked before anything is shown.
    let mut probe = crate::clore::CreateOrder::on_demand(
        ServerId(1),
        args.image.clone().unwrap_or_else(|| "probe".into()),
        Currency::Usd,
    );
    if !args.ports.is_empty() {
        probe.ports = args.ports.clone();
    }
    probe.env = args.env.clone();
    probe.validate().map_err(|e| ParseError::usage("rent", e))?;
    Ok(Command::Rent(args))
}

/// One `NAME=value` of `env` into `env`; `cmd` names the command for the usage an error quotes.
pub(super) fn add_env(cmd: &str, env: &mut BTreeMap<String, String>, kv: &str) -> Result<(), ParseError> {
    let Some((k, v)) = kv.split_once('=') else {
        return Err(ParseError::usage(cmd, t!("parse-env-bad", term = short(kv))));
    };
    if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(ParseError::usage(cmd, t!("parse-env-name", term = short(k))));
    }
    env.insert(k.to_owned(), v.to_owned());
    Ok(())
}

/// `22:tcp,8888:http` (a bare port is tcp).
pub fn parse_ports(s: &str) -> Result<Vec<(u16, PortProto)>, String> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (port, proto) = part.split_once(':').unwrap_or((part, "tcp"));
        let port: u16 =
            port.trim().parse().ok().filter(|p| *p > 0).ok_or_else(|| t!("parse-port", term = short(port)))?;
        let proto = match proto.trim() {
            "tcp" => PortProto::Tcp,
            "http" => PortProto::Http,
            other => return Err(t!("parse-port-proto", term = short(other))),
        };
        if out.iter().any(|(p, _)| *p == port) {
            return Err(t!("parse-port-twice", port = port.to_string()));
        }
        out.push((port, proto));
    }
    if out.is_empty() {
        return Err(t!("parse-ports-empty"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, ok};
    use super::*;
    use crate::clore::OrderId;

    #[test]
    fn cancel_keeps_the_issue_text_as_typed() {
        match ok("/cancel 77 GPU #1 is   overheating") {
            Command::Cancel { order: OrderId(77), issue: Some(i) } => assert_eq!(i, "GPU #1 is   overheating"),
            c => panic!("{c:?}"),
        }
        assert!(matches!(ok("/cancel 77"), Command::Cancel { order: OrderId(77), issue: None }));
        assert!(matches!(ok("/cancel ALL"), Command::CancelMany { orders: None }));
        assert!(matches!(ok("/spotguard 1001 off"), Command::SpotGuard { order: OrderId(1001), guard: None }));
        let g = super::super::GuardArgs { max: 4.0, margin: Some(0.15), rebid: true };
        assert!(matches!(ok("/spotguard #1001 max=4 margin=$0.15 REBID"),
            Command::SpotGuard { order: OrderId(1001), guard: Some(a) } if a == g));
        assert!(err("/spotguard 1001").contains("max="), "{}", err("/spotguard 1001"));
        assert!(err("/spotguard 1001 max=1 margin=1").contains("margin"), "{}", err("/spotguard 1001 max=1 margin=1"));
        assert!(err("/spotguard 1001 max=4 often").contains("often"));
        match ok("/cancel 77 #78, 79,77") {
            Command::CancelMany { orders: Some(o) } => assert_eq!(o, [OrderId(77), OrderId(78), OrderId(79)]),
            other => panic!("{other:?}"),
        }
        // An issue that starts with a number is still an issue.
        assert!(matches!(ok("/cancel 77 2 GPUs missing"), Command::Cancel { order: OrderId(77), issue: Some(_) }));
        assert!(err("/cancel all 77").contains("all"), "{}", err("/cancel all 77"));
        let many = (1..=21).map(|i| i.to_string()).collect::<Vec<_>>().join(" ");
        assert!(err(&format!("/cancel {many}")).contains("at most 20"), "{}", err(&format!("/cancel {many}")));
    }

    #[test]
    fn rent_arguments() {
        match ok(
            "/rent #42 image=pytorch/pytorch:latest spot=0.3 ports=22:tcp,8888:http env HF_TOKEN=abc env=X=1 currency=clore",
        ) {
            Command::Rent(a) => {
                assert_eq!(a.target, RentTarget::Server(ServerId(42)));
                assert_eq!(a.image.as_deref(), Some("pytorch/pytorch:latest"));
                assert_eq!(a.spot, Some(0.3));
                assert_eq!(a.ports, vec![(22, PortProto::Tcp), (8888, PortProto::Http)]);
                assert_eq!(a.env.get("HF_TOKEN").map(String::as_str), Some("abc"));
                assert_eq!(a.env.get("X").map(String::as_str), Some("1"));
                assert_eq!(a.currency, Some(Currency::Clore));
            }
            c => panic!("{c:?}"),
        }
        assert!(matches!(
            ok("/rent 4090"),
            Command::Rent(RentArgs { target: RentTarget::IdOrModel(ServerId(4090), _), .. })
        ));
        assert!(matches!(ok("/rent rtx 3090 x2"), Command::Rent(RentArgs { target: RentTarget::Cheapest(_), .. })));
        assert!(matches!(
            ok("/rent #4090"),
            Command::Rent(RentArgs { target: RentTarget::Server(ServerId(4090)), .. })
        ));
        // References that must keep working (docs, tests, what users type).
        let sha = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        for image in [
            "cloreai/ubuntu22.04-cuda12".to_owned(),
            "nvidia/cuda:12.2.0-runtime-ubuntu22.04".into(),
            "ghcr.io/org/img:tag".into(),
            "localhost:5000/a/b".into(),
            format!("registry.example.com:443/x@{sha}"),
            "pytorch/pytorch:2.4".into(),
        ] {
            match ok(&format!("/rent 42 image={image}")) {
                Command::Rent(a) => assert_eq!(a.image.as_deref(), Some(image.as_str())),
                c => panic!("{c:?}"),
            }
        }
        match ok("/rent rtx 3060 count=3 spot=0.5") {
            Command::Rent(a) => assert_eq!((a.count, a.spot), (Some(3), Some(0.5))),
            c => panic!("{c:?}"),
        }
        assert!(matches!(ok("/rent 4090 COUNT=10"), Command::Rent(RentArgs { count: Some(10), .. })));
        for bad in ["0", "11", "two", "-1", ""] {
            let e = err(&format!("/rent 3060 count={bad}"));
            assert!(e.contains("from 1 to 10"), "{e}");
        }
        assert!(err("/rent #42 count=2").contains("one server"), "{}", err("/rent #42 count=2"));
        // A guard with the rent: its cap, margin and rebid; margin and rebid need the cap.
        match ok("/rent #42 spot=0.5 guard=0.8 margin=0.05 rebid") {
            Command::Rent(a) => {
                assert_eq!(a.guard, Some(super::super::GuardArgs { max: 0.8, margin: Some(0.05), rebid: true }))
            }
            c => panic!("{c:?}"),
        }
        for (line, says) in [
            ("/rent #42 spot=0.5 rebid", "give its cap with guard="),
            ("/rent #42 spot=0.5 margin=0.1", "give its cap with guard="),
            ("/rent #42 spot=0.5 guard=0.8 margin=0.9", "below the cap"),
            ("/rent #42 spot=0.5 guard=abc", "guard must be a number"),
        ] {
            assert!(err(line).contains(says), "{line}: {}", err(line));
        }
        assert!(matches!(
            ok("/rent 12"),
            Command::Rent(RentArgs { target: RentTarget::IdOrModel(ServerId(12), _), .. })
        ));
    }
}
