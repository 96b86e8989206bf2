//! Whether an alert waits for a digest, decided when it is enqueued (docs/alerts.md, "Quiet
//! hours and digests"): an urgent one never does; one that may wait is held while its chat's
//! quiet hours last, until its watch's digest period ends, or — the sixth and later of a
//! burst — until the burst's minute is over. `digest.rs` sends what is held, folded.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::quiet::{DigestPeriod, next_period};
use crate::domain::{Platform, UserId};
use crate::store::outbox::Hold;
use crate::store::{digests, quiet};

/// How soon an alert must reach its chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// At once, whatever the hour: an order ending within the hour or ended (a spot guard's
    /// outbid too), a balance that runs out within hours, a rent made, failed or at its cap.
    Urgent,
    /// It may wait: held through quiet hours and bursts, as of this time (the engine's clock).
    MayWait(DateTime<Utc>),
}

/// More alerts than this to one chat within [`BURST_WINDOW`] are a burst: the ones after
/// them that may wait go out together, as one message, when the window after the first of
/// them is over.
pub const BURST_LIMIT: i64 = 5;
/// The span a burst is counted in, and how long its later alerts wait to be sent together.
pub const BURST_WINDOW: Duration = Duration::from_secs(60);

/// Where an alert goes, for its hold: the person's private chat (`user` set) or a group.
pub struct To<'a> {
    pub platform: Platform,
    pub chat: Option<&'a str>,
    pub user: Option<UserId>,
}

/// The hold of an alert to `to`: none if urgent; until the quiet hours end while they last;
/// else until `period` ends, or until a burst's minute is over.
pub async fn decide(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    to: &To<'_>,
    urgency: Urgency,
    period: Option<DigestPeriod>,
) -> anyhow::Result<Hold> {
    let Urgency::MayWait(now) = urgency else { return Ok(Hold::No) };
    let setting = quiet::for_target(&mut **tx, to.platform, to.chat, to.user).await?;
    if setting.and_then(|s| s.hours()).is_some_and(|q| q.is_quiet_at(now)) {
        return Ok(Hold::Quiet);
    }
    if let Some(p) = period {
        let tz = setting.map_or(chrono_tz::UTC, |s| s.tz);
        return Ok(Hold::Until(next_period(now, tz, p == DigestPeriod::Hourly)));
    }
    let recent = digests::recent_count(&mut **tx, to.platform, to.chat, to.user, BURST_WINDOW.as_secs_f64()).await?;
    if recent < BURST_LIMIT {
        return Ok(Hold::No);
    }
    let window = chrono::Duration::from_std(BURST_WINDOW).unwrap_or_default();
    let joined = digests::burst_release(&mut **tx, to.platform, to.chat, to.user, now + window).await?;
    Ok(Hold::Until(joined.unwrap_or(now + window)))
}
