//! `/hostset <server name> [on|off] [mrl=<hours>] [price=<btc/day>] [spot=<btc/day>]`: a
//! host changes one of their own servers; at least one change is required.

use super::common::{price, short, terms};
use super::{Command, HostSetArgs, ParseError};
use crate::clore::validate::MRL_MAX_HOURS;
use crate::t;

/// Longest server name `/hostset` takes; Clore's own are short (`rig-01`), this only stops
/// pasted text from travelling to Clore and into the audit log.
pub const HOST_NAME_MAX: usize = 100;

/// `/hostset <server name> <change>…`.
pub(super) fn parse_hostset(rest: &str) -> Result<Command, ParseError> {
    let t = terms(rest)?;
    let Some((name, opts)) = t.split_first() else {
        return Err(ParseError::usage("hostset", t!("parse-hostset-args")));
    };
    if name.chars().count() > HOST_NAME_MAX {
        return Err(ParseError::usage("hostset", t!("parse-host-name-long", max = HOST_NAME_MAX, term = short(name))));
    }
    let mut a = HostSetArgs { name: name.clone(), available: None, mrl_hours: None, price_btc: None, spot_btc: None };
    for o in opts {
        let lower = o.to_ascii_lowercase();
        match lower.as_str() {
            "on" | "available" => a.available = Some(true),
            "off" | "unavailable" => a.available = Some(false),
            _ => {
                if let Some(v) = lower.strip_prefix("mrl=") {
                    let h: u64 = v
                        .trim_end_matches('h')
                        .parse()
                        .map_err(|_| ParseError::usage("hostset", t!("parse-mrl-hours", term = short(v))))?;
                    if !(1..=MRL_MAX_HOURS).contains(&h) {
                        return Err(ParseError::usage("hostset", t!("parse-mrl-range", max = MRL_MAX_HOURS)));
                    }
                    a.mrl_hours = Some(h);
                } else if let Some(v) = lower.strip_prefix("price=") {
                    a.price_btc = Some(btc_price("price", v)?);
                } else if let Some(v) = lower.strip_prefix("spot=") {
                    a.spot_btc = Some(btc_price("spot", v)?);
                } else {
                    return Err(ParseError::usage("hostset", t!("parse-not-understood", term = short(o))));
                }
            }
        }
    }
    if a.available.is_none() && a.mrl_hours.is_none() && a.price_btc.is_none() && a.spot_btc.is_none() {
        return Err(ParseError::usage("hostset", t!("parse-hostset-what")));
    }
    Ok(Command::HostSet(a))
}

/// A server's price, in BTC a day as Clore takes it. A dollar sign is refused by name: read
/// as a number, `price=$3.40` would set 3.40 BTC a day.
fn btc_price(field: &str, v: &str) -> Result<f64, ParseError> {
    if v.trim_start().starts_with('$') {
        return Err(ParseError::usage("hostset", t!("parse-hostset-btc", field = field, term = short(v))));
    }
    price("hostset", field, v)
}
