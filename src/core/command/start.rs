//! `/start [payload]`. A Telegram deep link (`t.me/<bot>?start=<payload>`) opens the private
//! chat with `/start <payload>`; the payload names what to open. Telegram allows at most 64
//! characters of `[A-Za-z0-9_-]` there, and anything else — an old link, a payload typed by
//! hand — is refused politely.
//!
//! - `rent_<server id>`: the rent confirmation for that server, exactly what `/rent #<id>`
//!   gives.

use super::{Command, ParseError, rent};
use crate::clore::ServerId;
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
    let server = payload
        .strip_prefix("rent_")
        .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()))
        .and_then(|id| id.parse::<u64>().ok())
        .filter(|n| *n > 0 && *n <= i64::MAX as u64);
    match server {
        Some(id) if well_formed => rent::parse_rent(&format!("#{id}")),
        _ => Err(ParseError::new(t!("parse-start-link"))),
    }
}

/// The payload of a deep link that opens the rent confirmation for `server`.
pub fn rent_payload(server: ServerId) -> String {
    format!("rent_{server}")
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
        assert!(matches!(ok("/start"), Command::Start));
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
            "/start rent_1 2",
            "/start рент_1",
            "/start rent_99999999999999999999",
        ] {
            assert!(err(bad).contains("clorebot does not know this link"), "{bad}: {}", err(bad));
        }
        assert!(err(&format!("/start {long}")).contains("clorebot does not know this link"));
    }
}
