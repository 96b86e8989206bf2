//! `/hostset <target> [on|off] [mrl=<hours>] [price=<per day>] [spot=<per day>]`: a host
//! changes their own servers; at least one change is required.
//!
//! The target is `all`, `gpu=<model>`, `name=<server>` (for a server called `all`) or a bare
//! server name. A price is bitcoin a day as Clore takes it (`0.00005`, `0.00005btc`) or
//! dollars a day (`$3.40`, `3.40$`, `3.40usd`), converted at the market's rate. Every term
//! that does not fit is named in the answer.

use super::common::{price, short, terms};
use super::{Command, ParseError};
use crate::clore::validate::MRL_MAX_HOURS;
use crate::services::hosting::{HostEdit, HostTarget, PriceGiven};
use crate::t;

/// Longest server name `/hostset` takes; Clore's own are short (`rig-01`), this only stops
/// pasted text from travelling to Clore and into the audit log.
pub const HOST_NAME_MAX: usize = 100;

/// What `/hostset` was asked: which servers, and what to change on them.
#[derive(Debug, Clone, PartialEq)]
pub struct HostSetArgs {
    pub target: HostTarget,
    pub edit: HostEdit,
}

/// `/hostset <target> <change>…`: one server, `all` or `gpu=<model>`, always confirmed.
pub(super) fn parse_hostset(rest: &str) -> Result<Command, ParseError> {
    Ok(Command::HostSet(parse_hostset_args(rest)?))
}

/// The whole grammar: a target, then the changes.
pub(super) fn parse_hostset_args(rest: &str) -> Result<HostSetArgs, ParseError> {
    let t = terms(rest)?;
    let Some((first, opts)) = t.split_first() else {
        return Err(ParseError::usage("hostset", t!("parse-hostset-args")));
    };
    let target = target(first)?;
    let mut edit = HostEdit::default();
    for o in opts {
        let lower = o.to_ascii_lowercase();
        match lower.as_str() {
            "on" | "available" => edit.available = Some(true),
            "off" | "unavailable" => edit.available = Some(false),
            _ => {
                if let Some(v) = lower.strip_prefix("mrl=") {
                    edit.mrl_hours = Some(mrl(v)?);
                } else if let Some(v) = lower.strip_prefix("price=") {
                    edit.price = Some(price_given("price", v)?);
                } else if let Some(v) = lower.strip_prefix("spot=") {
                    edit.spot = Some(price_given("spot", v)?);
                } else {
                    return Err(ParseError::usage("hostset", t!("parse-not-understood", term = short(o))));
                }
            }
        }
    }
    if edit.is_empty() {
        return Err(ParseError::usage("hostset", t!("parse-hostset-what")));
    }
    Ok(HostSetArgs { target, edit })
}

/// `all`, `gpu=<model>`, `name=<server>` or a bare name. A change written first
/// (`/hostset price=…`) means the name was left out.
fn target(first: &str) -> Result<HostTarget, ParseError> {
    let lower = first.to_ascii_lowercase();
    let change_first = ["on", "off", "available", "unavailable"].contains(&lower.as_str())
        || ["mrl=", "price=", "spot="].iter().any(|p| lower.starts_with(p));
    if change_first {
        return Err(ParseError::usage("hostset", t!("parse-hostset-args")));
    }
    if lower == "all" {
        return Ok(HostTarget::All);
    }
    if lower.starts_with("gpu=") {
        let model = first.split_once('=').map_or("", |(_, m)| m).trim();
        // A phrase that names no model (`gpu=nvidia`) would reach nothing: said here.
        if crate::market::gpu::ModelFilter::new(vec![model.to_owned()]).is_empty() {
            return Err(ParseError::usage("hostset", t!("parse-hostset-gpu", term = short(first))));
        }
        return Ok(HostTarget::Gpu(model.to_owned()));
    }
    let name = match lower.starts_with("name=") {
        true => first.split_once('=').map_or("", |(_, n)| n).trim(),
        false => first,
    };
    if name.is_empty() {
        return Err(ParseError::usage("hostset", t!("parse-hostset-args")));
    }
    if name.chars().count() > HOST_NAME_MAX {
        return Err(ParseError::usage("hostset", t!("parse-host-name-long", max = HOST_NAME_MAX, term = short(name))));
    }
    Ok(HostTarget::Name(name.to_owned()))
}

fn mrl(v: &str) -> Result<u64, ParseError> {
    let h: u64 = v
        .trim_end_matches('h')
        .parse()
        .map_err(|_| ParseError::usage("hostset", t!("parse-mrl-hours", term = short(v))))?;
    if !(1..=MRL_MAX_HOURS).contains(&h) {
        return Err(ParseError::usage("hostset", t!("parse-mrl-range", max = MRL_MAX_HOURS, term = short(v))));
    }
    Ok(h)
}

/// `$3.40`, `3.40$` and `3.40usd` are dollars a day; `0.00005btc` and a bare `0.00005`
/// bitcoin a day, as Clore takes it (what `/hostset` always read a bare number as).
fn price_given(field: &str, v: &str) -> Result<PriceGiven, ParseError> {
    let v = v.trim();
    let (usd, amount) = if let Some(a) = v.strip_prefix('$') {
        (true, a)
    } else if let Some(a) = v.strip_suffix('$').or_else(|| v.strip_suffix("usd")) {
        (true, a)
    } else {
        (false, v.strip_suffix("btc").unwrap_or(v))
    };
    let amount = amount.trim();
    // Anything but a plain number (`3.40eur`, `$$3`, `3,40`) is named with the units there are.
    if amount.is_empty() || amount.parse::<f64>().is_err() || amount.starts_with('$') {
        return Err(ParseError::usage("hostset", t!("parse-hostset-price", field = field, term = short(v))));
    }
    let n = price("hostset", field, amount)?;
    Ok(if usd { PriceGiven::Usd(n) } else { PriceGiven::Btc(n) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, sync_scope};

    fn ok(rest: &str) -> HostSetArgs {
        parse_hostset_args(rest).unwrap_or_else(|e| panic!("{rest}: {e}"))
    }

    fn err(rest: &str) -> String {
        match parse_hostset_args(rest) {
            Ok(a) => panic!("{rest}: parsed as {a:?}"),
            Err(e) => e.message,
        }
    }

    #[test]
    fn prices_are_dollars_with_a_dollar_sign_or_usd_and_bitcoin_otherwise() {
        for (given, want) in [
            ("$3.40", PriceGiven::Usd(3.4)),
            ("3.40$", PriceGiven::Usd(3.4)),
            ("3.40usd", PriceGiven::Usd(3.4)),
            ("3.40USD", PriceGiven::Usd(3.4)),
            ("0.00005btc", PriceGiven::Btc(0.00005)),
            ("0.00005BTC", PriceGiven::Btc(0.00005)),
            ("0.00005", PriceGiven::Btc(0.00005)),
        ] {
            let a = ok(&format!("rig-a price={given} spot={given}"));
            assert_eq!((a.edit.price, a.edit.spot), (Some(want), Some(want)), "{given}");
        }
    }

    #[test]
    fn targets() {
        assert_eq!(ok("all on").target, HostTarget::All);
        assert_eq!(ok("ALL on").target, HostTarget::All);
        assert_eq!(ok("gpu=4090 price=$3.40").target, HostTarget::Gpu("4090".into()));
        assert_eq!(ok("\"gpu=rtx 3090\" off").target, HostTarget::Gpu("rtx 3090".into()));
        assert_eq!(ok("name=all off").target, HostTarget::Name("all".into()));
        assert_eq!(ok("Name=Rig-A off").target, HostTarget::Name("Rig-A".into()));
        let a = ok("rig-a off mrl=72h price=0.00001");
        assert_eq!(a.target, HostTarget::Name("rig-a".into()));
        assert_eq!(
            a.edit,
            HostEdit { available: Some(false), mrl_hours: Some(72), price: Some(PriceGiven::Btc(0.00001)), spot: None }
        );
    }

    #[test]
    fn every_bad_term_is_named() {
        for (rest, want) in [
            ("", "Give the server's name"),
            ("price=$3", "Give the server's name"),
            ("off", "Give the server's name"),
            ("name= off", "Give the server's name"),
            ("rig-a", "Say what to change"),
            ("gpu= off", "gpu= takes a GPU model, like gpu=4090 or gpu=\"rtx 3090\", not `gpu=`"),
            ("gpu=nvidia off", "not `gpu=nvidia`"),
            ("rig-a color=blue", "I don't understand `color=blue`"),
            ("rig-a mrl=0", "mrl must be 1 to 87600 hours, not `0`"),
            ("rig-a mrl=soon", "mrl must be whole hours, not `soon`"),
            (
                "rig-a price=3.40eur",
                "price= is a price a day in BTC (price=0.00005 or 0.00005btc) or in dollars (price=$3.40, 3.40$ or 3.40usd), not `3.40eur`",
            ),
            ("rig-a spot=$", "spot= is a price a day in BTC"),
            ("rig-a price=$$3", "not `$$3`"),
            ("rig-a spot=usd", "not `usd`"),
            ("rig-a price=3,40", "not `3,40`"),
            ("rig-a price=$0", "price must be a positive number, not `0`"),
            ("rig-a spot=-1btc", "spot must be a positive number, not `-1`"),
            ("rig-a price=nan", "price must be a positive number, not `nan`"),
        ] {
            let e = err(rest);
            assert!(e.contains(want), "{rest}: {e}");
        }
        let long = "x".repeat(HOST_NAME_MAX + 1);
        assert!(err(&format!("name={long} on")).contains("at most 100 characters"));
        let de = sync_scope(Lang::De, || err("rig-a price=3.40eur"));
        assert!(de.contains("Preis pro Tag in BTC") && de.contains("nicht `3.40eur`"), "{de}");
        let ru = sync_scope(Lang::Ru, || err("rig-a mrl=0"));
        assert!(ru.contains("а не `0`"), "{ru}");
    }

    #[test]
    fn the_command_takes_a_server_every_server_or_a_model() {
        assert!(matches!(parse_hostset("rig-a $3.40"), Err(e) if e.message.contains("`$3.40`")));
        assert!(
            matches!(parse_hostset("rig-a price=$3.40"), Ok(Command::HostSet(a)) if a.edit.price == Some(PriceGiven::Usd(3.4)))
        );
        assert!(
            matches!(parse_hostset("name=all on"), Ok(Command::HostSet(a)) if a.target == HostTarget::Name("all".into()))
        );
        assert!(matches!(parse_hostset("all price=$3.40"), Ok(Command::HostSet(a)) if a.target == HostTarget::All));
        assert!(
            matches!(parse_hostset("gpu=4090 off"), Ok(Command::HostSet(a)) if a.target == HostTarget::Gpu("4090".into()))
        );
    }
}
