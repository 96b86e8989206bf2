//! The send scheduler's bookkeeping, without I/O and without a clock of its own (each call is
//! given `now`): each chat's queue and the sends it made lately, the turn in which chats are
//! served, the rules a send keeps, and the commands a chat has waiting for answers.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::time::Instant;

/// `count` messages per `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub per: Duration,
}

impl Rate {
    pub const fn new(count: u32, per: Duration) -> Rate {
        Rate { count, per }
    }
}

/// What a platform lets a bot send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Every chat.
    pub per_chat: Rate,
    /// Groups, on top of `per_chat`.
    pub per_group: Option<Rate>,
    /// All chats together.
    pub overall: Rate,
}

impl Limits {
    fn rules(&self, group: bool) -> impl Iterator<Item = Rate> {
        std::iter::once(self.per_chat).chain(self.per_group.filter(|_| group))
    }

    /// How long a chat's sends are remembered: the longest span of a rule.
    fn memory(&self) -> Duration {
        self.per_chat.per.max(self.per_group.map_or(Duration::ZERO, |r| r.per))
    }

    /// The steady gap between two messages to one chat that keeps within every rule (a
    /// group's 20 a minute: 3 s); what a front-end paces a press's progress edits by.
    pub fn spacing(&self, group: bool) -> Duration {
        self.rules(group).map(|r| r.per / r.count.max(1)).max().unwrap_or_default()
    }

    /// How many messages a chat can receive within `span` (at least one).
    pub fn capacity(&self, group: bool, span: Duration) -> usize {
        self.rules(group)
            .map(|r| (f64::from(r.count) * span.as_secs_f64() / r.per.as_secs_f64().max(1e-9)).floor())
            .fold(f64::INFINITY, f64::min)
            .clamp(1.0, 1e9) as usize
    }
}

/// Who a message is for, which decides its place: the rest of a message already begun first
/// (its later parts, a retry after a 429), then answers to people, then alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Continued,
    Answer,
    Alert,
}

/// A chat as the scheduler knows it: its id and whether the group rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chat {
    pub id: i64,
    pub group: bool,
}

/// Whether a command from a chat is taken in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intake {
    Go,
    /// The chat has more waiting than it can receive soon: this one is dropped, and the chat
    /// is told once to slow down.
    SlowDown,
    /// Dropped; the chat was told already.
    Drop,
}

/// A send waiting for its turn; `T` is how it is told (a channel, in the scheduler).
pub(super) struct Waiter<T> {
    pub id: u64,
    pub class: Class,
    pub tell: T,
}

struct Lane<T> {
    group: bool,
    /// By class, first come first served within one.
    queue: VecDeque<Waiter<T>>,
    /// When its recent messages went, oldest first.
    sent: VecDeque<Instant>,
    /// A message of this chat is on its way: the next waits for it (a chat's messages arrive
    /// in the order they were released).
    busy: bool,
    held_until: Option<Instant>,
    /// Commands taken in whose answers have not all left.
    in_hand: usize,
    /// Told to slow down since its commands last drained.
    noted: bool,
    in_ring: bool,
}

impl<T> Lane<T> {
    fn new(group: bool) -> Lane<T> {
        Lane {
            group,
            queue: VecDeque::new(),
            sent: VecDeque::new(),
            busy: false,
            held_until: None,
            in_hand: 0,
            noted: false,
            in_ring: false,
        }
    }
}

/// When a window of sends (oldest first) lets one more through under `rate`: `None` now.
fn free_at(sent: &VecDeque<Instant>, rate: Rate, now: Instant) -> Option<Instant> {
    let c = rate.count.max(1) as usize;
    let t = *sent.get(sent.len().checked_sub(c)?)? + rate.per;
    (t > now).then_some(t)
}

/// Inserts `at` keeping `sent` in order.
fn insert_sorted(sent: &mut VecDeque<Instant>, at: Instant) {
    let i = sent.partition_point(|t| *t <= at);
    sent.insert(i, at);
}

/// Takes out one send counted at `at` (the latest such).
fn remove_entry(sent: &mut VecDeque<Instant>, at: Instant) -> bool {
    match sent.iter().rposition(|t| *t == at) {
        Some(i) => sent.remove(i).is_some(),
        None => false,
    }
}

/// Counts a send at `to` instead of `from` (when it was released).
fn move_entry(sent: &mut VecDeque<Instant>, from: Instant, to: Instant) {
    if remove_entry(sent, from) {
        insert_sorted(sent, from.max(to));
    }
}

/// A second 429 for another chat within this long: the platform is holding the whole bot.
const GLOBAL_IF_WITHIN: Duration = Duration::from_secs(1);
/// How often chats with nothing waiting and no recent sends are forgotten.
const SWEEP_EVERY: Duration = Duration::from_secs(10);
/// The longest a 429 holds anything (a platform may say more; the scheduler looks again then).
const HOLD_AT_MOST: Duration = Duration::from_secs(3600);

pub(super) struct Lanes<T> {
    limits: Limits,
    lanes: HashMap<i64, Lane<T>>,
    /// Chats with something waiting, in the order they are served.
    ring: VecDeque<i64>,
    overall: VecDeque<Instant>,
    held_all_until: Option<Instant>,
    last_refusal: Option<(i64, Instant)>,
    next_id: u64,
    waiting: HashMap<Class, usize>,
    swept: Option<Instant>,
}

impl<T> Lanes<T> {
    pub fn new(limits: Limits) -> Lanes<T> {
        Lanes {
            limits,
            lanes: HashMap::new(),
            ring: VecDeque::new(),
            overall: VecDeque::new(),
            held_all_until: None,
            last_refusal: None,
            next_id: 0,
            waiting: HashMap::new(),
            swept: None,
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    fn lane(&mut self, chat: Chat) -> &mut Lane<T> {
        self.lanes.entry(chat.id).or_insert_with(|| Lane::new(chat.group))
    }

    /// Messages of `class` waiting for their turn.
    pub fn waiting(&self, class: Class) -> usize {
        self.waiting.get(&class).copied().unwrap_or(0)
    }

    /// Queues a send; returns its id (to withdraw it).
    pub fn enqueue(&mut self, chat: Chat, class: Class, tell: T) -> u64 {
        self.next_id += 1;
        let id = self.next_id;
        let lane = self.lane(chat);
        let at = lane.queue.partition_point(|w| w.class <= class);
        lane.queue.insert(at, Waiter { id, class, tell });
        if !lane.in_ring {
            lane.in_ring = true;
            self.ring.push_back(chat.id);
        }
        *self.waiting.entry(class).or_default() += 1;
        id
    }

    /// Takes a send out of its queue before its turn (its sender stopped waiting); false if
    /// it was released already.
    pub fn withdraw(&mut self, chat: i64, id: u64) -> bool {
        let Some(lane) = self.lanes.get_mut(&chat) else { return false };
        let Some(i) = lane.queue.iter().position(|w| w.id == id) else { return false };
        if let Some(w) = lane.queue.remove(i)
            && let Some(n) = self.waiting.get_mut(&w.class)
        {
            *n = n.saturating_sub(1);
        }
        true
    }

    /// When `lane` may send next: `Ok(())` now, `Err(Some(t))` at `t`, `Err(None)` when its
    /// message on the way comes back.
    fn ready(limits: &Limits, lane: &mut Lane<T>, now: Instant) -> Result<(), Option<Instant>> {
        if lane.busy {
            return Err(None);
        }
        let memory = limits.memory();
        while lane.sent.front().is_some_and(|t| *t + memory <= now) {
            lane.sent.pop_front();
        }
        let mut at = lane.held_until.filter(|t| *t > now);
        for rate in limits.rules(lane.group) {
            at = at.max(free_at(&lane.sent, rate, now));
        }
        at.map_or(Ok(()), |t| Err(Some(t)))
    }

    /// Releases every send whose turn has come, chats served in turn (those with an answer
    /// or a continued message first, then those with only alerts). Returns them, and when to
    /// look again (`None`: when something changes).
    pub fn release(&mut self, now: Instant) -> (Vec<(i64, Waiter<T>)>, Option<Instant>) {
        self.sweep(now);
        let mut out = Vec::new();
        let mut next: Option<Instant> = None;
        let sooner = |t: Instant, next: &mut Option<Instant>| *next = Some(next.map_or(t, |n| n.min(t)));
        if let Some(t) = self.held_all_until.filter(|t| *t > now) {
            return (out, Some(t));
        }
        while self.overall.front().is_some_and(|t| *t + self.limits.overall.per <= now) {
            self.overall.pop_front();
        }
        for alerts in [false, true] {
            for _ in 0..self.ring.len() {
                if let Some(t) = free_at(&self.overall, self.limits.overall, now) {
                    sooner(t, &mut next);
                    return (out, next);
                }
                let Some(id) = self.ring.pop_front() else { break };
                let Some(lane) = self.lanes.get_mut(&id) else { continue };
                let Some(head) = lane.queue.front() else {
                    lane.in_ring = false;
                    continue;
                };
                if (head.class == Class::Alert) != alerts {
                    self.ring.push_back(id);
                    continue;
                }
                match Self::ready(&self.limits, lane, now) {
                    Ok(()) => {}
                    Err(at) => {
                        if let Some(t) = at {
                            sooner(t, &mut next);
                        }
                        self.ring.push_back(id);
                        continue;
                    }
                }
                let Some(w) = lane.queue.pop_front() else { continue };
                lane.busy = true;
                lane.sent.push_back(now);
                self.overall.push_back(now);
                if let Some(n) = self.waiting.get_mut(&w.class) {
                    *n = n.saturating_sub(1);
                }
                if lane.queue.is_empty() {
                    lane.in_ring = false;
                } else {
                    self.ring.push_back(id);
                }
                out.push((id, w));
            }
        }
        (out, next)
    }

    /// A released send that was never made (its sender had stopped waiting): as if it had
    /// not been released.
    pub fn unrelease(&mut self, chat: i64, released: Instant) {
        if let Some(lane) = self.lanes.get_mut(&chat) {
            lane.busy = false;
            remove_entry(&mut lane.sent, released);
        }
        remove_entry(&mut self.overall, released);
    }

    /// A send released at `released` is done (or may have reached the platform): it counts
    /// from `now`, when it had certainly arrived — so the next one to the chat cannot overtake
    /// it on the way, and no delay on the network can bunch sends up at the platform.
    pub fn done(&mut self, chat: i64, released: Instant, now: Instant) {
        if let Some(lane) = self.lanes.get_mut(&chat) {
            lane.busy = false;
            move_entry(&mut lane.sent, released, now);
        }
        move_entry(&mut self.overall, released, now);
    }

    /// The platform refused a send released at `released` (429) and said to wait `after`:
    /// the send does not count, and the chat is held that long — every chat, when another was
    /// refused just before (the platform is holding the whole bot back).
    pub fn refused(&mut self, chat: i64, released: Instant, now: Instant, after: Duration) {
        let until = now + after.min(HOLD_AT_MOST);
        if let Some(lane) = self.lanes.get_mut(&chat) {
            lane.busy = false;
            remove_entry(&mut lane.sent, released);
            lane.held_until = lane.held_until.max(Some(until));
        }
        remove_entry(&mut self.overall, released);
        if self.last_refusal.is_some_and(|(other, at)| other != chat && now.duration_since(at) < GLOBAL_IF_WITHIN) {
            self.held_all_until = self.held_all_until.max(Some(until));
        }
        self.last_refusal = Some((chat, now));
    }

    /// Counts a send made at `at` by another process.
    pub fn seed(&mut self, chat: Chat, at: Instant) {
        insert_sorted(&mut self.lane(chat).sent, at);
        insert_sorted(&mut self.overall, at);
    }

    /// When the last of `n` more messages to `chat` could go, after what waits ahead of them.
    pub fn room(&self, chat: Chat, n: usize, now: Instant) -> Instant {
        let lane = self.lanes.get(&chat.id);
        let ahead = lane.map_or(0, |l| l.queue.len() + usize::from(l.busy));
        let k = ahead + n.max(1);
        let mut at = now.max(self.held_all_until.unwrap_or(now));
        if let Some(t) = lane.and_then(|l| l.held_until) {
            at = at.max(t);
        }
        for rate in self.limits.rules(chat.group) {
            let window: Vec<Instant> =
                lane.map(|l| l.sent.iter().copied().filter(|t| *t + rate.per > now).collect()).unwrap_or_default();
            let c = rate.count.max(1) as usize;
            // The k-th new message is the m-th of all; it waits for the (m - c)-th to age.
            let m = window.len() + k - 1;
            if let Some(j) = m.checked_sub(c) {
                // The (m - c)-th is itself new: it waits for the c-th before it, and so on
                // back to a send in the window (or to one of the first c, which go at once).
                let (mut idx, mut spans) = (j, 1u32);
                while idx >= window.len() && idx >= c && spans < 100_000 {
                    idx -= c;
                    spans += 1;
                }
                let base = window.get(idx).copied().unwrap_or(now);
                let t = (base + rate.per.saturating_mul(spans).min(HOLD_AT_MOST)).max(now);
                at = at.max(t);
            }
        }
        at
    }

    /// Takes in a command from `chat` unless it has more waiting for answers than it can
    /// receive within `span`.
    pub fn take_in(&mut self, chat: Chat, span: Duration) -> Intake {
        let capacity = self.limits.capacity(chat.group, span);
        let lane = self.lane(chat);
        if lane.in_hand < capacity {
            lane.in_hand += 1;
            Intake::Go
        } else if lane.noted {
            Intake::Drop
        } else {
            lane.noted = true;
            Intake::SlowDown
        }
    }

    /// A command taken in is answered (or given up): once a chat has none left, it may be
    /// told to slow down again.
    pub fn hand_back(&mut self, chat: i64) {
        if let Some(lane) = self.lanes.get_mut(&chat) {
            lane.in_hand = lane.in_hand.saturating_sub(1);
            if lane.in_hand == 0 {
                lane.noted = false;
            }
        }
    }

    /// Forgets chats with nothing waiting, nothing in hand and no send the rules still count.
    fn sweep(&mut self, now: Instant) {
        if self.swept.is_some_and(|t| now.duration_since(t) < SWEEP_EVERY) {
            return;
        }
        self.swept = Some(now);
        let memory = self.limits.memory();
        self.lanes.retain(|_, l| {
            !l.queue.is_empty()
                || l.busy
                || l.in_hand > 0
                || l.held_until.is_some_and(|t| t > now)
                || l.sent.back().is_some_and(|t| *t + memory > now)
        });
    }

    #[cfg(test)]
    pub fn chats(&self) -> usize {
        self.lanes.len()
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Telegram's limits, as the scheduler's tests use them.
    pub(in crate::notify) const TELEGRAM: Limits = Limits {
        per_chat: Rate::new(1, Duration::from_secs(1)),
        per_group: Some(Rate::new(20, Duration::from_secs(60))),
        overall: Rate::new(30, Duration::from_secs(1)),
    };
    const PERSON: Chat = Chat { id: 1 << 52, group: false };
    const GROUP: Chat = Chat { id: -1_009_999_999_999, group: true };

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Releases what is due at `now` and reports each done at once: the chats served, in order.
    fn serve(l: &mut Lanes<&'static str>, now: Instant) -> Vec<&'static str> {
        let (out, _) = l.release(now);
        for (chat, _) in &out {
            l.done(*chat, now, now);
        }
        out.into_iter().map(|(_, w)| w.tell).collect()
    }

    #[test]
    fn chats_are_served_in_turn_and_answers_before_alerts() {
        let mut l = Lanes::new(TELEGRAM);
        let t0 = Instant::now();
        let flood = Chat { id: 7, group: false };
        for _ in 0..5 {
            l.enqueue(flood, Class::Answer, "flood");
        }
        l.enqueue(Chat { id: 8, group: false }, Class::Alert, "alert 8");
        l.enqueue(Chat { id: 9, group: false }, Class::Answer, "answer 9");
        // One each, answers first.
        assert_eq!(serve(&mut l, t0), ["flood", "answer 9", "alert 8"]);
        // The rest of the flooding chat's first answer goes before its other answers.
        l.enqueue(flood, Class::Continued, "flood part 2");
        assert_eq!(serve(&mut l, t0 + ms(500)), Vec::<&str>::new());
        assert_eq!(l.release(t0 + ms(500)).1, Some(t0 + ms(1000)), "woken when the chat's second has passed");
        assert_eq!(serve(&mut l, t0 + ms(1000)), ["flood part 2"]);
        assert_eq!(l.waiting(Class::Answer), 4);
    }

    #[test]
    fn a_chat_waits_for_its_message_on_the_way_and_counts_from_its_return() {
        let mut l = Lanes::new(TELEGRAM);
        let t0 = Instant::now();
        l.enqueue(PERSON, Class::Answer, "a");
        l.enqueue(PERSON, Class::Answer, "b");
        let (out, _) = l.release(t0);
        assert_eq!(out.len(), 1);
        assert_eq!(l.release(t0 + ms(1500)).0.len(), 0, "the first is still on its way");
        l.done(PERSON.id, t0, t0 + ms(1500));
        assert_eq!(l.release(t0 + ms(2000)).1, Some(t0 + ms(2500)));
        assert_eq!(l.release(t0 + ms(2500)).0.len(), 1);
    }

    #[test]
    fn thirty_a_second_in_all() {
        let mut l = Lanes::new(TELEGRAM);
        let t0 = Instant::now();
        for i in 0..40 {
            l.enqueue(Chat { id: i, group: false }, Class::Alert, "x");
        }
        assert_eq!(serve(&mut l, t0).len(), 30);
        assert_eq!(l.release(t0 + ms(10)).1, Some(t0 + ms(1000)));
        assert_eq!(serve(&mut l, t0 + ms(1000)).len(), 10);
    }

    #[test]
    fn a_send_counts_from_when_it_came_back() {
        let mut l = Lanes::new(TELEGRAM);
        let t0 = Instant::now();
        for i in 0..70 {
            l.enqueue(Chat { id: i, group: false }, Class::Alert, "x");
        }
        let (out, _) = l.release(t0);
        assert_eq!(out.len(), 30);
        for (i, (chat, _)) in out.iter().enumerate() {
            // One took 200 ms on the way: it may have arrived that late.
            l.done(*chat, t0, if i == 0 { t0 + ms(200) } else { t0 + ms(1) });
        }
        let (out, next) = l.release(t0 + ms(1001));
        assert_eq!((out.len(), next), (29, Some(t0 + ms(1200))));
    }

    #[test]
    fn a_group_gets_twenty_a_minute_and_room_says_when() {
        let mut l: Lanes<()> = Lanes::new(TELEGRAM);
        let t0 = Instant::now();
        for i in 0..20 {
            l.seed(GROUP, t0 + Duration::from_secs(i));
        }
        let now = t0 + Duration::from_secs(25);
        // The 21st: room again when the first is a minute old.
        assert_eq!(l.room(GROUP, 1, now), t0 + Duration::from_secs(60));
        assert_eq!(l.room(Chat { id: -5, group: true }, 1, now), now, "another group has its own");
        // Three parts to a fresh private chat: one a second.
        assert_eq!(l.room(PERSON, 3, now), now + Duration::from_secs(2));
        l.enqueue(GROUP, Class::Alert, ());
        assert_eq!(l.release(now).1, Some(t0 + Duration::from_secs(60)));
    }

    #[test]
    fn a_429_holds_the_chat_and_a_second_one_everything() {
        let mut l = Lanes::new(TELEGRAM);
        let t0 = Instant::now();
        let (a, b) = (Chat { id: 1, group: false }, Chat { id: 2, group: false });
        l.enqueue(a, Class::Answer, "a");
        l.enqueue(b, Class::Answer, "b");
        assert_eq!(l.release(t0).0.len(), 2);
        l.refused(a.id, t0, t0 + ms(10), Duration::from_secs(5));
        l.enqueue(a, Class::Continued, "a again");
        assert_eq!(l.release(t0 + ms(20)).1, Some(t0 + ms(5010)), "held, and the refused send does not count");
        l.refused(b.id, t0, t0 + ms(30), Duration::from_secs(7));
        l.enqueue(Chat { id: 3, group: false }, Class::Answer, "c");
        let (out, next) = l.release(t0 + ms(40));
        assert!(out.is_empty() && next == Some(t0 + ms(7030)), "two chats refused: all wait");
        assert_eq!(serve(&mut l, t0 + ms(7030)), ["a again", "c"]);
    }

    #[test]
    fn a_withdrawn_send_takes_no_slot_and_an_unreleased_one_gives_it_back() {
        let mut l = Lanes::new(TELEGRAM);
        let t0 = Instant::now();
        let id = l.enqueue(PERSON, Class::Answer, "gone");
        l.enqueue(PERSON, Class::Answer, "stays");
        assert!(l.withdraw(PERSON.id, id));
        let (out, _) = l.release(t0);
        assert_eq!(out[0].1.tell, "stays");
        l.unrelease(PERSON.id, t0);
        l.enqueue(PERSON, Class::Answer, "next");
        assert_eq!(serve(&mut l, t0), ["next"], "the slot was given back");
    }

    #[test]
    fn a_chat_takes_in_what_it_can_receive_in_thirty_seconds_and_is_told_once() {
        let mut l: Lanes<()> = Lanes::new(TELEGRAM);
        let span = Duration::from_secs(30);
        assert_eq!(TELEGRAM.capacity(false, span), 30);
        assert_eq!(TELEGRAM.capacity(true, span), 10);
        for _ in 0..10 {
            assert_eq!(l.take_in(GROUP, span), Intake::Go);
        }
        assert_eq!(l.take_in(GROUP, span), Intake::SlowDown);
        assert_eq!(l.take_in(GROUP, span), Intake::Drop);
        for _ in 0..9 {
            l.hand_back(GROUP.id);
        }
        for _ in 0..9 {
            assert_eq!(l.take_in(GROUP, span), Intake::Go, "room again");
        }
        assert_eq!(l.take_in(GROUP, span), Intake::Drop, "not told again before it drained");
        for _ in 0..10 {
            l.hand_back(GROUP.id);
        }
        for _ in 0..10 {
            assert_eq!(l.take_in(GROUP, span), Intake::Go);
        }
        assert_eq!(l.take_in(GROUP, span), Intake::SlowDown, "drained, so told again");
    }

    #[test]
    fn any_id_is_a_chat_and_idle_chats_are_forgotten() {
        let mut l = Lanes::new(TELEGRAM);
        let t0 = Instant::now();
        for id in [i64::MIN, -1, 0, 1, (1 << 52) - 1, 1 << 40, i64::MAX] {
            l.enqueue(Chat { id, group: id < 0 }, Class::Answer, "x");
        }
        assert_eq!(serve(&mut l, t0).len(), 7);
        assert_eq!(l.chats(), 7);
        l.release(t0 + Duration::from_secs(61));
        assert_eq!(l.chats(), 0);
    }
}
