//! Following an order for its owner's alerts: from `/orders`, from the account poll's
//! discovery of dashboard orders, and from a rent — made at once or found by reconciliation.

use crate::clore::ServerId;
use chrono::DateTime;
use sqlx::PgConnection;

use crate::clore::Order;
use crate::domain::{UserId, WatchId};
use crate::store::orders::{self as tracked, NewTrackedOrder};

/// How an order listed by Clore is followed for its owner's alerts.
pub fn track_row(user: UserId, o: &Order) -> NewTrackedOrder {
    NewTrackedOrder {
        user,
        order_id: o.id.db(),
        server_id: o.server_id.map_or(0, ServerId::db),
        spot: o.spot,
        price: o.price,
        currency: o.currency.clone(),
        ends_at: o.ends_at().and_then(|t| DateTime::from_timestamp(t, 0)),
        watch: None,
        started_at: o.ct.and_then(|t| DateTime::from_timestamp(t, 0)),
        creation_fee: o.creation_fee,
    }
}

/// Follows `o` for `user` (made by `watch`, if any; `price` where Clore lists none). Its
/// endpoints, if already up, count as shown: the caller shows or announces them with it, or
/// they are not news.
pub async fn follow(
    conn: &mut PgConnection,
    user: UserId,
    o: &Order,
    watch: Option<WatchId>,
    price: Option<f64>,
) -> sqlx::Result<()> {
    let mut row = track_row(user, o);
    row.price = o.price.or(price);
    row.watch = watch;
    tracked::track(&mut *conn, &row).await?;
    if o.endpoints_ready() {
        tracked::set_endpoints_shown(&mut *conn, user, o.id.db()).await?;
    }
    Ok(())
}
