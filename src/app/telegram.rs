//! How the Telegram front-end runs in a process. Telegram lets one process long-poll a bot (a
//! second gets `409 Conflict`): of the processes on this database, the one holding an
//! advisory lock polls, and the others wait to take over when it goes. The process that polls
//! also sends the alerts, so every message to Telegram leaves one limiter. With a webhook,
//! every process takes updates and the one holding [`DELIVERY_LOCK`] sends the alerts.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::alerts::deliver;
use crate::domain::Platform;
use crate::frontends::telegram::Telegram;
use crate::notify::record;
use crate::store;

/// The advisory lock of the process that long-polls ("tgpoll" in ASCII). The others look
/// whether it is free as often as alert senders do ([`deliver::TAKE_OVER_EVERY`]): the poller
/// sends the alerts, and a dead one's are sent again within seconds.
pub const POLL_LOCK: i64 = 0x7467_706f_6c6c;
/// With a webhook, the replica holding this lock sends the alerts ("tgalrt").
pub const DELIVERY_LOCK: i64 = 0x7467_616c_7274;
/// A poller that just died may have answered a chat a moment ago: this passes before a new
/// one answers anything (Telegram: one message a second per chat), and covers the sends it
/// made too late to reach the shared record, which is read then.
const TAKEOVER_PAUSE: Duration = Duration::from_secs(1);

/// Runs the front-end until `stop`: introduces the bot (`getMe`, `setMyCommands`), then takes
/// updates by long polling while this process is the chosen poller — sending the alerts then
/// too when `send_alerts` — or sets the webhook and waits while the HTTP listener feeds
/// updates in. Ends early (to be restarted with backoff) if Telegram cannot be reached or
/// rejects the token; updates being handled finish first.
pub async fn run(tg: Arc<Telegram>, pool: PgPool, send_alerts: bool, stop: CancellationToken) {
    let result = async {
        tg.introduce().await?;
        if tg.polls() {
            poll_when_chosen(&tg, &pool, send_alerts, &stop).await
        } else {
            tg.set_webhook().await?;
            stop.cancelled().await;
            anyhow::Ok(())
        }
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "the Telegram front-end stopped");
    }
    tg.finish().await;
}

async fn poll_when_chosen(
    tg: &Arc<Telegram>,
    pool: &PgPool,
    send_alerts: bool,
    stop: &CancellationToken,
) -> anyhow::Result<()> {
    store::while_holding(pool, POLL_LOCK, deliver::TAKE_OVER_EVERY, "polls Telegram", stop, |holding| async move {
        let chosen = holding.token().clone();
        tokio::select! {
            _ = chosen.cancelled() => {}
            _ = tokio::time::sleep(TAKEOVER_PAUSE) => {}
        }
        // What the poller before sent lately counts against Telegram's windows here too.
        match store::platform_sends::recent(pool, Platform::Telegram, record::WINDOW).await {
            Ok(recent) => tg.sender.taking_over(&recent),
            Err(e) => tracing::warn!(error = %e, "could not read what was sent to Telegram lately"),
        }
        // Alerts are sent while this process polls (none starts once its hold of the lock is
        // not confirmed), and stop (after their round) when it stops; the previous poller's
        // claims go out `deliver::TAKEOVER_WAIT` after the lock was taken.
        let deliver = async {
            if send_alerts {
                deliver::run_chosen(pool.clone(), tg.notifier(), deliver::EVERY, holding.clone()).await;
            }
        };
        let poll = async {
            let polled = tg.poll(&chosen).await;
            chosen.cancel();
            polled
        };
        tokio::join!(poll, deliver).0
    })
    .await
}
