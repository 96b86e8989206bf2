//! `/start [payload]`. A Telegram deep link (`t.me/<bot>?start=<payload>`) opens the private
//! chat with `/start <payload>`; the payload names what to open. Telegram allows at most 64
//! characters of `[A-Za-z0-9_-]` there, and anything else — an old link, a payload typed by
//! hand — is refused politely.
//!
//! - `rent_<server id>`: the rent confirmation for that server, exactly what `/rent #<id>`
//!   gives.
//! - `watch_<watch id>`: a team watch, shown to a member of its chat with "Watch it myself".
//!
//! The payloads are what the core's link buttons ([`Link`]) become on Telegram.

use super::{Command, ParseError, rent};
use crate::clore::ServerId;
use crate::core::reply::Link;
use crate::domain::WatchId;
use crate::t;

/// Telegram's bound on a `start` payload.
pub const PAYLOAD_MAX: usize = 64;

pub(super) fn parse_start(rest: &str) -> Result<Command, ParseError> {
    let payload = rest.trim();
    if payload.is_empty() {
        return Ok(Command::Start);
    }
    let well_formed =
        payload.len() <= PAYLOAD_MAX && payload.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let refused = || ParseError::new(t!("parse-start-link"));
    if !well_formed {
        return Err(refused());
    }
    if let Some(id) = payload.strip_prefix("rent_").and_then(id) {
        return rent::parse_rent(&format!("#{id}"));
    }
    if let Some(id) = payload.strip_prefix("watch_").and_then(id) {
        return Ok(Command::SharedWatch(WatchId(id)));
    }
    Err(refused())
}

/// A positive id written in digits only (no sign, no `#`), within an `i64`.
fn id(digits: &str) -> Option<i64> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().filter(|n| *n > 0)
}

/// The payload of a deep link that opens the rent confirmation for `server`.
pub fn rent_payload(server: ServerId) -> String {
    format!("rent_{server}")
}

/// The `/start` payload that opens `link` (at most [`PAYLOAD_MAX`] characters of
/// `[A-Za-z0-9_-]`: a prefix and a number).
pub fn start_payload(link: Link) -> String {
    match link {
        Link::Rent(server) => rent_payload(server),
        Link::Watch(watch) => format!("watch_{}", watch.0),
    }
}

#[cfg(test)]
mod tests {
    use super::super::RentTarget;
    use super::super::tests::{err, ok};
    use super::*;

    #[test]
    fn a_rent_link_is_the_rent_of_that_server() {
        match ok("/start rent_4242") {
            Command::Rent(a) => {
                assert_eq!(a.target, RentTarget::Server(ServerId(4242)));
                assert!(a.image.is_none() && a.spot.is_none() && a.env.is_empty() && a.count.is_none());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(rent_payload(ServerId(4242)), "rent_4242");
        assert_eq!(start_payload(Link::Rent(ServerId(4242))), "rent_4242");
        assert!(matches!(ok("/start"), Command::Start));
    }

    #[test]
    fn a_watch_link_is_that_watch_shared() {
        assert!(matches!(ok("/start watch_17"), Command::SharedWatch(WatchId(17))));
        assert_eq!(start_payload(Link::Watch(WatchId(17))), "watch_17");
        for bad in [
            "/start watch_",
            "/start watch_0",
            "/start watch_-3",
            "/start watch_1x",
            "/start watch_99999999999999999999",
        ] {
            assert!(err(bad).contains("clorebot does not know this link"), "{bad}: {}", err(bad));
        }
    }

    #[test]
    fn other_payloads_are_refused_politely() {
        let long = format!("rent_{}", "1".repeat(PAYLOAD_MAX));
        for bad in [
            "/start rent_",
            "/start rent_0",
            "/start rent_12a",
            "/start rent_#12",
            "/start hello",
            "/start watch_x",
            "/start watches_1",
            "/start rent_1 2",
            "/start рент_1",
            "/start rent_99999999999999999999",
        ] {
            assert!(err(bad).contains("clorebot does not know this link"), "{bad}: {}", err(bad));
        }
        assert!(err(&format!("/start {long}")).contains("clorebot does not know this link"));
    }
}
