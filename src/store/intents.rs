//! `rent_intents`: every attempt to create an order, written before `create_order` leaves
//! and updated by its outcome (docs/money-safety.md). An open intent (pending, unknown, accepted) may
//! stand for an order that exists; it blocks a second order for the same user and server,
//! counts against auto-rent caps, and is reconciled against `my_orders` until it closes.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

pub use crate::domain::IntentId;
use crate::domain::{UserId, WatchId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Unknown,
    Accepted,
    Made,
    Refused,
    Absent,
    Abandoned,
}

impl Status {
    /// The open statuses. SQL spells them out as `status IN ('pending', 'unknown', 'accepted')`
    /// (the checked queries here and in `account_polls`, and the index `rent_intents_one_open`).
    pub const OPEN: [Status; 3] = [Status::Pending, Status::Unknown, Status::Accepted];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Unknown => "unknown",
            Status::Accepted => "accepted",
            Status::Made => "made",
            Status::Refused => "refused",
            Status::Absent => "absent",
            Status::Abandoned => "abandoned",
        }
    }

    pub fn is_open(self) -> bool {
        Status::OPEN.contains(&self)
    }
}

impl TryFrom<String> for Status {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        [
            Status::Pending,
            Status::Unknown,
            Status::Accepted,
            Status::Made,
            Status::Refused,
            Status::Absent,
            Status::Abandoned,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or_else(|| format!("unknown intent status {s:?}"))
    }
}

/// Who asked for the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A person pressed Confirm.
    Rent,
    /// An auto-rent watch.
    Autorent,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Rent => "rent",
            Origin::Autorent => "autorent",
        }
    }
}

impl TryFrom<String> for Origin {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        match s.as_str() {
            "rent" => Ok(Origin::Rent),
            "autorent" => Ok(Origin::Autorent),
            other => Err(format!("unknown intent origin {other:?}")),
        }
    }
}

crate::domain::text_column::text_column!(Status, Origin);

#[derive(Debug, Clone, PartialEq)]
pub struct NewIntent {
    pub user: UserId,
    pub server_id: i64,
    pub price: f64,
    /// Clore's name for the currency (`USD-Blockchain`, …).
    pub currency: String,
    pub spot: bool,
    /// `1× RTX 4090`, for messages.
    pub gpu: String,
    pub watch: Option<WatchId>,
    pub origin: Origin,
    /// A generated SSH password, sealed until shown.
    pub login_secret: Option<Uuid>,
    /// The spot guard to put on the order once it is known.
    pub guard: Option<crate::store::spot_guards::GuardSpec>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Intent {
    pub id: IntentId,
    pub user_id: UserId,
    pub server_id: i64,
    pub price: f64,
    pub currency: String,
    pub spot: bool,
    pub gpu: String,
    pub watch_id: Option<WatchId>,
    #[sqlx(try_from = "String")]
    pub origin: Origin,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub order_id: Option<i64>,
    pub reason: Option<String>,
    pub login_secret: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// `sqlx::query_as!` reading [`Intent`]s: the SQL is `$head`, the intent columns, `$tail`.
macro_rules! query_intents {
    ($head:literal, $tail:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            Intent,
            $head
                + r#" id AS "id: IntentId", user_id AS "user_id: UserId", server_id, price, currency, spot, gpu,
                   watch_id AS "watch_id: WatchId", origin AS "origin: Origin", status AS "status: Status", order_id,
                   reason, login_secret, created_at "#
                + $tail
            $(, $arg)*
        )
    };
}

/// What [`begin`] found.
#[derive(Debug, Clone, PartialEq)]
pub enum Begun {
    /// Written: the order may be sent.
    Started(Intent),
    /// An earlier attempt for this user and server is still open: nothing may be sent.
    Busy(Option<Intent>),
}

/// The spot guard intent `id` asked for, if any (a guard that no longer reads is none: the
/// order is followed and alerted on, only unguarded).
pub async fn guard_of(
    ex: impl sqlx::PgExecutor<'_>,
    id: IntentId,
) -> sqlx::Result<Option<crate::store::spot_guards::GuardSpec>> {
    let v: Option<serde_json::Value> =
        sqlx::query_scalar!("SELECT guard FROM rent_intents WHERE id = $1", id.0).fetch_optional(ex).await?.flatten();
    Ok(v.and_then(|v| serde_json::from_value(v).ok()))
}

/// Writes an intent unless one for the same user and server is open (a unique index decides,
/// so two racing attempts cannot both start).
pub async fn begin(conn: &mut sqlx::PgConnection, n: &NewIntent) -> sqlx::Result<Begun> {
    let started: Option<Intent> = query_intents!(
        "INSERT INTO rent_intents (user_id, server_id, price, currency, spot, gpu, watch_id, origin, login_secret, guard)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (user_id, server_id) WHERE status IN ('pending', 'unknown', 'accepted') DO NOTHING
         RETURNING",
        "",
        n.user.0,
        n.server_id,
        n.price,
        &n.currency,
        n.spot,
        &n.gpu,
        n.watch.map(|w| w.0),
        n.origin.as_str(),
        n.login_secret,
        n.guard.map(sqlx::types::Json) as _,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(i) = started {
        return Ok(Begun::Started(i));
    }
    let open = query_intents!(
        "SELECT",
        "FROM rent_intents WHERE user_id = $1 AND server_id = $2 AND status IN ('pending', 'unknown', 'accepted')",
        n.user.0,
        n.server_id,
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(Begun::Busy(open))
}

/// Moves an intent from one of `from` to `to`; false if it was no longer in one of them (so
/// of two racing resolvers exactly one announces the outcome).
pub async fn resolve(
    ex: impl PgExecutor<'_>,
    id: IntentId,
    from: &[Status],
    to: Status,
    order_id: Option<i64>,
    reason: Option<&str>,
) -> sqlx::Result<bool> {
    let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
    let r = sqlx::query!(
        "UPDATE rent_intents
         SET status = $3, order_id = COALESCE($4, order_id), reason = COALESCE($5, reason),
             resolved_at = CASE WHEN $3 IN ('pending', 'unknown', 'accepted') THEN NULL ELSE now() END
         WHERE id = $1 AND status = ANY($2)",
        id.0,
        &from as &[&str],
        to.as_str(),
        order_id,
        reason,
    )
    .execute(ex)
    .await?;
    Ok(r.rows_affected() > 0)
}

pub async fn get(ex: impl PgExecutor<'_>, id: IntentId) -> sqlx::Result<Option<Intent>> {
    query_intents!("SELECT", "FROM rent_intents WHERE id = $1", id.0).fetch_optional(ex).await
}

/// `user`'s first attempt on `server_id` begun at or after `since` (when a Confirm was used).
pub async fn first_since(
    ex: impl PgExecutor<'_>,
    user: UserId,
    server_id: i64,
    since: DateTime<Utc>,
) -> sqlx::Result<Option<Intent>> {
    query_intents!(
        "SELECT",
        "FROM rent_intents WHERE user_id = $1 AND server_id = $2 AND created_at >= $3 ORDER BY id LIMIT 1",
        user.0,
        server_id,
        since,
    )
    .fetch_optional(ex)
    .await
}

/// A user's open intents, oldest first.
pub async fn open_for_user(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<Vec<Intent>> {
    query_intents!(
        "SELECT",
        "FROM rent_intents WHERE user_id = $1 AND status IN ('pending', 'unknown', 'accepted') ORDER BY id",
        user.0
    )
    .fetch_all(ex)
    .await
}

/// Open intents older than `age`, whoever owns them (reconciliation gives up on these).
pub async fn open_older_than(ex: impl PgExecutor<'_>, age: std::time::Duration) -> sqlx::Result<Vec<Intent>> {
    query_intents!(
        "SELECT",
        "FROM rent_intents WHERE status IN ('pending', 'unknown', 'accepted')
           AND created_at < now() - make_interval(secs => $1) ORDER BY id",
        age.as_secs_f64()
    )
    .fetch_all(ex)
    .await
}

/// Order ids of a user's orders already tied to an intent (an order is matched to one only).
pub async fn claimed_orders(ex: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        r#"SELECT order_id AS "order_id!" FROM rent_intents WHERE user_id = $1 AND order_id IS NOT NULL"#,
        user.0
    )
    .fetch_all(ex)
    .await
}

/// An auto-rent watch's open intents (each may be an order: they count against its caps).
pub async fn open_from_watch(ex: impl PgExecutor<'_>, watch: WatchId) -> sqlx::Result<Vec<Intent>> {
    query_intents!(
        "SELECT",
        "FROM rent_intents WHERE watch_id = $1 AND status IN ('pending', 'unknown', 'accepted') ORDER BY id",
        watch.0
    )
    .fetch_all(ex)
    .await
}

#[cfg(test)]
mod tests {
    use super::Status;

    /// The checked queries spell the open statuses out (a query cannot take a constant), and
    /// so do the migration's indexes (`rent_intents_one_open` is what stops a second order
    /// for a server while an attempt is open): every spelling must be [`Status::OPEN`].
    #[test]
    fn every_spelling_of_the_open_statuses_is_status_open() {
        let open: Vec<String> = Status::OPEN.iter().map(|s| format!("'{}'", s.as_str())).collect();
        let expected = format!("status IN ({})", open.join(", "));
        let sources = [
            ("store/intents.rs", include_str!("intents.rs")),
            ("store/account_polls.rs", include_str!("account_polls.rs")),
            ("migrations/…money_safety.sql", include_str!("../../migrations/20261124000001_money_safety.sql")),
        ];
        let mut seen = 0;
        for (name, text) in sources {
            let text = text.split("\n#[cfg(test)]\nmod tests").next().unwrap_or(text);
            for (at, _) in text.match_indices("status IN (") {
                let spelled = &text[at..text[at..].find(')').map_or(text.len(), |end| at + end + 1)];
                // The CHECK constraint lists every status, open or not.
                if spelled.contains("'made'") {
                    continue;
                }
                assert_eq!(spelled, expected, "{name}: an open-status condition differs from Status::OPEN");
                seen += 1;
            }
        }
        assert!(seen >= 8, "found {seen} open-status conditions; the scan no longer sees the queries");
    }
}
