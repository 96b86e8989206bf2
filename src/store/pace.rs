//! The per-key Clore pace shared by every process on this database (`clore_key_pace`): see
//! [`crate::clore::limit::SharedPace`].

use std::time::Duration;

use futures_util::future::BoxFuture;
use sqlx::PgPool;

use crate::clore::limit::{LimiterId, SharedPace};

pub struct DbPace {
    pool: PgPool,
}

impl DbPace {
    pub fn new(pool: PgPool) -> DbPace {
        DbPace { pool }
    }
}

impl SharedPace for DbPace {
    fn reserve<'a>(
        &'a self,
        id: &'a LimiterId,
        period: Duration,
        create_period: Option<Duration>,
    ) -> BoxFuture<'a, anyhow::Result<Duration>> {
        Box::pin(async move {
            // Takes a key's next slot in one statement: the slot starts when the key's last call's
            // spacing is over (and, for a create, its last create's), or now; the row moves on past
            // it. Returns how far off the slot is, in seconds.
            let wait: f64 = sqlx::query_scalar!(
                r#"
INSERT INTO clore_key_pace AS p (limiter, next_call, next_create)
VALUES ($1, now() + make_interval(secs => $2),
        CASE WHEN $4 THEN now() + make_interval(secs => $3) ELSE now() END)
ON CONFLICT (limiter) DO UPDATE SET
    next_call = GREATEST(p.next_call, CASE WHEN $4 THEN p.next_create ELSE p.next_call END, now())
                + make_interval(secs => $2),
    next_create = CASE WHEN $4 THEN GREATEST(p.next_call, p.next_create, now()) + make_interval(secs => $3)
                       ELSE p.next_create END
RETURNING EXTRACT(EPOCH FROM (p.next_call - make_interval(secs => $2) - now()))::float8 AS "wait!""#,
                &id[..],
                period.as_secs_f64(),
                create_period.unwrap_or_default().as_secs_f64(),
                create_period.is_some(),
            )
            .fetch_one(&self.pool)
            .await?;
            Ok(Duration::try_from_secs_f64(wait).unwrap_or_default())
        })
    }
}
