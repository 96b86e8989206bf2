//! Interim answers to a press that takes a while (a set of rents goes at Clore's pace of one
//! order per 5 s): the handler publishes what the pressed message should show so far, and
//! the front-end shows the latest while the press goes on. The final [`PressResponse`]
//! replaces it as any press's does.
//!
//! Only the latest state counts: a front-end slower than the handler (the platforms limit
//! edits) skips the states it had no time for. Publishing never waits and never fails, and
//! costs nothing when no front-end is listening.
//!
//! [`PressResponse`]: super::PressResponse

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::{Reply, Visibility};

/// Where a press handler publishes its interim answer (see [`super::Ctx::progress`]).
#[derive(Default)]
pub struct Progress {
    tx: Option<watch::Sender<Option<Reply>>>,
}

/// The front-end's side of a [`Progress`]: it ends when the press does.
pub struct Feed {
    rx: watch::Receiver<Option<Reply>>,
}

impl Progress {
    /// Nobody listens: every publish is dropped.
    pub fn none() -> Progress {
        Progress { tx: None }
    }

    /// A progress and the feed a front-end reads it from.
    pub fn channel() -> (Progress, Feed) {
        let (tx, rx) = watch::channel(None);
        (Progress { tx: Some(tx) }, Feed { rx })
    }

    /// Whether a front-end listens (a handler may skip building what nobody would see).
    pub fn wanted(&self) -> bool {
        self.tx.is_some()
    }

    /// Makes `reply` the pressed message's content until the next one or the final answer.
    /// It replaces a message others may see: a private reply, or one holding a secret, is
    /// held back (and logged as the bug it is).
    pub fn publish(&self, reply: Reply) {
        let Some(tx) = &self.tx else { return };
        if reply.has_secret() || reply.visibility == Visibility::Private {
            tracing::error!("an interim answer that was private or held a secret was held back");
            return;
        }
        // No receiver left (the front-end stopped listening) is not the handler's concern.
        tx.send_replace(Some(reply));
    }
}

/// Runs `press` while showing its interim answers through `show`, at most one per `every`
/// (the platform's pace for edits), and returns the press's answer. A show in flight when
/// the press ends is let finish, so the final answer always lands after it; a state not yet
/// shown then is dropped (the final answer says more).
pub async fn showing<T, S, Fut>(press: impl Future<Output = T>, feed: Feed, every: Duration, mut show: S) -> T
where
    S: FnMut(Reply) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut rx = feed.rx;
    let shown = async move {
        let mut last: Option<(Instant, Reply)> = None;
        loop {
            if rx.changed().await.is_err() {
                return;
            }
            if let Some((at, _)) = &last {
                tokio::select! {
                    () = tokio::time::sleep_until(*at + every) => {}
                    () = ended(&mut rx) => return,
                }
            }
            // Closed with a state unseen: the press is over, its answer follows.
            if rx.has_changed().is_err() {
                return;
            }
            let Some(now) = rx.borrow_and_update().clone() else { continue };
            if last.as_ref().is_some_and(|(_, r)| *r == now) {
                continue;
            }
            show(now.clone()).await;
            last = Some((Instant::now(), now));
        }
    };
    let (answer, ()) = tokio::join!(press, shown);
    answer
}

/// Waits for the press to end (its progress to be dropped), marking states seen on the way;
/// the latest is read from the channel afterwards.
async fn ended(rx: &mut watch::Receiver<Option<Reply>>) {
    while rx.changed().await.is_ok() {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[tokio::test]
    async fn unheard_progress_is_dropped_and_private_or_secret_states_never_shown() {
        Progress::none().publish(Reply::text("nobody listens"));
        let (progress, feed) = Progress::channel();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let press = async move {
            progress.publish(Reply::text("mine only").private());
            progress.publish(Reply::text("one of two"));
            // Held until the first state was shown: a test waits on events, not time.
            let _ = rx.await;
            progress
                .publish(Reply::text("password").with_secret("SSH password", secrecy::SecretString::from("hunter2")));
            "done"
        };
        let log = seen.clone();
        let mut tx = Some(tx);
        let answer = showing(press, feed, Duration::ZERO, move |r: Reply| {
            log.lock().unwrap().push(r.plain_text());
            if let Some(tx) = tx.take() {
                let _ = tx.send(());
            }
            async {}
        })
        .await;
        assert_eq!(answer, "done");
        assert_eq!(*seen.lock().unwrap(), vec!["one of two".to_owned()]);
    }

    #[tokio::test]
    async fn a_slow_front_end_skips_to_the_latest_state() {
        use tokio::sync::Notify;
        let (progress, feed) = Progress::channel();
        let (showing_first, first_shown, latest_shown) =
            (Arc::new(Notify::new()), Arc::new(Notify::new()), Arc::new(Notify::new()));
        let press = {
            let (showing_first, first_shown, latest_shown) =
                (showing_first.clone(), first_shown.clone(), latest_shown.clone());
            async move {
                progress.publish(Reply::text("0 of 4"));
                showing_first.notified().await;
                // Three orders land while the first state is still being shown.
                for n in 1..=3 {
                    progress.publish(Reply::text(format!("{n} of 4")));
                }
                first_shown.notify_one();
                latest_shown.notified().await;
            }
        };
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        showing(press, feed, Duration::ZERO, move |r: Reply| {
            let text = r.plain_text();
            log.lock().unwrap().push(text.clone());
            let (showing_first, first_shown, latest_shown) =
                (showing_first.clone(), first_shown.clone(), latest_shown.clone());
            async move {
                if text == "0 of 4" {
                    showing_first.notify_one();
                    first_shown.notified().await;
                } else {
                    latest_shown.notify_one();
                }
            }
        })
        .await;
        assert_eq!(*seen.lock().unwrap(), vec!["0 of 4".to_owned(), "3 of 4".to_owned()]);
    }
}
