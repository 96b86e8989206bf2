//! The send scheduler a front-end sends every message through, replies and alerts alike: a
//! message is released the moment the platform's limits allow it (a worker sleeps until the
//! earliest next slot and is woken at once by a new request), answers before alerts, each
//! chat's queue in turn so that one chat's flood never holds up another, and a 429 holding
//! the chat (or everything) as long as the platform said. The bookkeeping is in `lanes`.
//!
//! A send asks for its [`Permit`] with [`Scheduler::turn`], makes its request, and says how
//! it went ([`Permit::sent`], [`Permit::refused`]). Dropping a waiting turn frees its place
//! without taking a slot; dropping a permit counts it as sent (it may have reached the
//! platform).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, oneshot};
use tokio::time::Instant;
use tokio_util::sync::{CancellationToken, DropGuard};

pub use super::lanes::{Chat, Class, Intake, Limits, Rate};
use super::lanes::{Lanes, Waiter};
use super::record::SendLog;

/// A chat may have commands waiting for answers for as many messages as it can receive in
/// this long; past it, its commands are dropped (and it is told once).
pub const BACKLOG: Duration = Duration::from_secs(30);

type Tell = oneshot::Sender<Permit>;

struct Shared {
    lanes: Mutex<Lanes<Tell>>,
    wake: Notify,
    log: Option<SendLog>,
}

impl Shared {
    fn lanes(&self) -> std::sync::MutexGuard<'_, Lanes<Tell>> {
        self.lanes.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Releases what is due and hands out the permits (outside the lock: a permit dropped on
    /// the way takes it again). Returns when to look again.
    fn release(self: &Arc<Self>, now: Instant) -> Option<Instant> {
        let (out, next) = self.lanes().release(now);
        for (chat, Waiter { tell, .. }) in out {
            let permit = Permit { shared: self.clone(), chat, released: now, armed: true };
            if let Err(mut unused) = tell.send(permit) {
                unused.armed = false;
                self.lanes().unrelease(chat, now);
            }
        }
        next
    }
}

/// One platform's scheduler; clones share it. The worker stops when the last clone goes.
#[derive(Clone)]
pub struct Scheduler {
    shared: Arc<Shared>,
    _worker: Arc<DropGuard>,
}

impl Scheduler {
    /// Starts the scheduler's worker (needs a Tokio runtime); `log` records each send.
    pub fn start(limits: Limits, log: Option<SendLog>) -> Scheduler {
        let shared = Arc::new(Shared { lanes: Mutex::new(Lanes::new(limits)), wake: Notify::new(), log });
        let stop = CancellationToken::new();
        tokio::spawn(work(shared.clone(), stop.clone()));
        Scheduler { shared, _worker: Arc::new(stop.drop_guard()) }
    }

    pub fn limits(&self) -> Limits {
        self.shared.lanes().limits()
    }

    /// Waits for a message to `chat` to be allowed out. Cancel-safe: dropped while waiting,
    /// its place is freed and no slot is taken.
    pub async fn turn(&self, chat: Chat, class: Class) -> Permit {
        let (tell, told) = oneshot::channel();
        let id = self.shared.lanes().enqueue(chat, class, tell);
        self.shared.wake.notify_one();
        let mut waiting = Waiting { shared: self.shared.clone(), chat: chat.id, id, told: Some(told) };
        let got = match waiting.told.as_mut() {
            Some(told) => told.await.ok(),
            None => None,
        };
        waiting.told = None;
        // The worker lives as long as this scheduler: a permit always comes. Were it gone,
        // the send goes unscheduled rather than never.
        got.unwrap_or(Permit { shared: self.shared.clone(), chat: chat.id, released: Instant::now(), armed: false })
    }

    /// How long until `n` more messages to `chat` could all have gone, after what waits
    /// ahead of them (zero: now).
    pub fn room(&self, chat: Chat, n: usize) -> Duration {
        let now = Instant::now();
        self.shared.lanes().room(chat, n, now).saturating_duration_since(now)
    }

    /// How much later than in an idle chat `n` more messages to `chat` would all be out: the
    /// wait that messages ahead of them, a hold or a group's window add to the chat's own pace.
    pub fn delay(&self, chat: Chat, n: usize) -> Duration {
        let now = Instant::now();
        let busy = self.shared.lanes().room(chat, n, now);
        let idle = Lanes::<Tell>::new(self.limits()).room(chat, n, now);
        busy.saturating_duration_since(idle)
    }

    /// Takes in a command from `chat`, unless it has more commands waiting for answers than
    /// it can receive within [`BACKLOG`]. A [`Ticket`] counts it until dropped (when its
    /// answers have left).
    pub fn take_in(&self, chat: Chat) -> Result<Ticket, Intake> {
        match self.shared.lanes().take_in(chat, BACKLOG) {
            Intake::Go => Ok(Ticket { shared: self.shared.clone(), chat: chat.id }),
            other => Err(other),
        }
    }

    /// Counts a send another process made `ago`.
    pub fn seed(&self, chat: Chat, ago: Duration) {
        if let Some(at) = Instant::now().checked_sub(ago) {
            self.shared.lanes().seed(chat, at);
        }
    }

    /// Messages of `class` waiting for their turn.
    pub fn waiting(&self, class: Class) -> usize {
        self.shared.lanes().waiting(class)
    }
}

async fn work(shared: Arc<Shared>, stop: CancellationToken) {
    loop {
        let next = shared.release(Instant::now());
        let due = async {
            match next {
                Some(t) => tokio::time::sleep_until(t).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = shared.wake.notified() => {}
            _ = due => {}
        }
    }
}

/// A turn being waited for; dropped before its permit came, it leaves the queue.
struct Waiting {
    shared: Arc<Shared>,
    chat: i64,
    id: u64,
    told: Option<oneshot::Receiver<Permit>>,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        let Some(mut told) = self.told.take() else { return };
        let withdrawn = self.shared.lanes().withdraw(self.chat, self.id);
        if !withdrawn {
            // Released meanwhile: the permit is given back unused (or, still on its way,
            // comes back when the channel drops it, counted as sent).
            told.close();
            if let Ok(mut p) = told.try_recv() {
                p.armed = false;
                self.shared.lanes().unrelease(self.chat, p.released);
                self.shared.wake.notify_one();
            }
        }
    }
}

/// Leave to send one message to a chat.
pub struct Permit {
    shared: Arc<Shared>,
    chat: i64,
    released: Instant,
    armed: bool,
}

impl Permit {
    /// The message was sent (or may have reached the platform: an error other than a 429).
    pub fn sent(mut self) {
        self.finish(None);
    }

    /// The platform refused it with a 429 and said to wait `after`.
    pub fn refused(mut self, after: Duration) {
        self.finish(Some(after));
    }

    /// Nothing was sent with it: the slot is given back.
    pub fn unused(mut self) {
        if std::mem::replace(&mut self.armed, false) {
            self.shared.lanes().unrelease(self.chat, self.released);
            self.shared.wake.notify_one();
        }
    }

    fn finish(&mut self, refused: Option<Duration>) {
        if !std::mem::replace(&mut self.armed, false) {
            return;
        }
        let now = Instant::now();
        match refused {
            Some(after) => self.shared.lanes().refused(self.chat, self.released, now, after),
            None => {
                self.shared.lanes().done(self.chat, self.released, now);
                if let Some(log) = &self.shared.log {
                    log.sent(self.chat.to_string());
                }
            }
        }
        self.shared.wake.notify_one();
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.finish(None);
    }
}

/// A command taken in from a chat, counted until its answers have left.
pub struct Ticket {
    shared: Arc<Shared>,
    chat: i64,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.shared.lanes().hand_back(self.chat);
    }
}

#[cfg(test)]
mod tests {
    use super::super::lanes::tests::TELEGRAM;
    use super::*;

    fn private(id: i64) -> Chat {
        Chat { id, group: false }
    }

    #[tokio::test(start_paused = true)]
    async fn a_message_leaves_the_moment_its_slot_opens() {
        let s = Scheduler::start(TELEGRAM, None);
        let t0 = Instant::now();
        s.turn(private(1), Class::Answer).await.sent();
        assert_eq!(Instant::now(), t0, "the first at once");
        s.turn(private(1), Class::Answer).await.sent();
        assert_eq!(Instant::now(), t0 + Duration::from_secs(1), "the next a second later, not on a tick");
        s.turn(private(2), Class::Answer).await.sent();
        assert_eq!(Instant::now(), t0 + Duration::from_secs(1), "another chat at once");
    }

    #[tokio::test(start_paused = true)]
    async fn the_delay_is_what_a_chat_waits_beyond_its_own_pace() {
        let s = Scheduler::start(TELEGRAM, None);
        assert_eq!(s.delay(private(1), 5), Duration::ZERO, "five parts in an idle chat: its pace only");
        s.turn(private(1), Class::Answer).await.sent();
        assert_eq!(s.delay(private(1), 5), Duration::from_secs(1), "behind the one just sent");
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_turn_frees_its_place_and_takes_no_slot() {
        let s = Scheduler::start(TELEGRAM, None);
        let t0 = Instant::now();
        let first = s.turn(private(1), Class::Answer).await;
        // Waits behind the first (on its way): given up after 5 s.
        let gave_up = tokio::time::timeout(Duration::from_secs(5), s.turn(private(1), Class::Answer)).await;
        assert!(gave_up.is_err());
        assert_eq!(s.waiting(Class::Answer), 0);
        first.sent();
        let sent_at = Instant::now();
        s.turn(private(1), Class::Answer).await.sent();
        assert_eq!(Instant::now(), sent_at + Duration::from_secs(1), "one second after the first, no more");
        assert!(Instant::now() > t0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_flooding_chat_does_not_delay_another_and_answers_overtake_alerts() {
        let s = Scheduler::start(TELEGRAM, None);
        let order = Arc::new(Mutex::new(Vec::new()));
        let send = |chat: i64, class: Class, what: &'static str| {
            let (s, order) = (s.clone(), order.clone());
            tokio::spawn(async move {
                let p = s.turn(private(chat), class).await;
                order.lock().unwrap().push((what, Instant::now()));
                p.sent();
            })
        };
        let t0 = Instant::now();
        let mut tasks: Vec<_> = (0..20).map(|_| send(1, Class::Answer, "flood")).collect();
        tokio::task::yield_now().await;
        tasks.push(send(2, Class::Alert, "alert"));
        tasks.push(send(2, Class::Answer, "answer"));
        for t in tasks {
            t.await.unwrap();
        }
        let order = order.lock().unwrap();
        let at = |what: &str| order.iter().filter(|(w, _)| *w == what).map(|(_, t)| *t - t0).collect::<Vec<_>>();
        assert_eq!(at("answer"), [Duration::ZERO], "another chat's answer at once, despite the flood");
        assert_eq!(at("alert"), [Duration::from_secs(1)], "its alert after its answer");
        assert_eq!(at("flood").last(), Some(&Duration::from_secs(19)), "the flood at one a second");
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_holds_the_chat_as_long_as_the_platform_said() {
        let s = Scheduler::start(TELEGRAM, None);
        let t0 = Instant::now();
        s.turn(private(1), Class::Answer).await.refused(Duration::from_secs(7));
        s.turn(private(1), Class::Continued).await.sent();
        assert_eq!(Instant::now(), t0 + Duration::from_secs(7));
        let seeded = private(3);
        s.seed(seeded, Duration::from_millis(300));
        s.turn(seeded, Class::Alert).await.sent();
        assert_eq!(Instant::now(), t0 + Duration::from_millis(7700), "a send another process made counts");
    }
}
