//! Pending webhook action waits: who waits for each one here, one deadline queue for all of
//! them served by a single timer task per host, and the store calls that make a wait end
//! exactly once across every process sharing the store.
//!
//! One timer task per wait cost a tokio task (≈ 400 bytes) per pending wait; the queue costs
//! one ordered-set entry. A wait that ends early leaves the queue at once (its slot knows its
//! deadline), so the queue only ever holds pending waits.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::{oneshot, watch, Notify};

use crate::store::{now_ms, Store, StoreResult, SubscriptionRecord, WaitOutcome};
use crate::subscriptions::Subscriptions;
use crate::SubscriptionId;

/// One pending wait.
pub(crate) struct WaitSlot {
    /// The caller waiting, if one is attached (none after a restart until `rejoin_wait`).
    pub sender: Option<oneshot::Sender<WaitEvent>>,
    /// The deadline it is queued under (ms since the Unix epoch); `None` while not armed.
    pub deadline_ms: Option<i64>,
}

impl WaitSlot {
    pub fn new(sender: Option<oneshot::Sender<WaitEvent>>) -> Self {
        WaitSlot {
            sender,
            deadline_ms: None,
        }
    }
}

/// Pending waits by id, and their deadlines in firing order.
#[derive(Default)]
pub(crate) struct WaitTable {
    slots: HashMap<SubscriptionId, WaitSlot>,
    deadlines: BTreeSet<(i64, SubscriptionId)>,
}

impl WaitTable {
    /// Add a slot, replacing (and disarming) any slot under the same id. When the new slot
    /// carries a deadline it is queued; returns whether it became the earliest one.
    pub fn insert(&mut self, id: SubscriptionId, slot: WaitSlot) -> bool {
        let deadline = slot.deadline_ms;
        if let Some(old) = self.slots.insert(id.clone(), slot) {
            self.unqueue(&id, old.deadline_ms);
        }
        match deadline {
            Some(deadline) => self.queue(id, deadline),
            None => false,
        }
    }

    pub fn get_mut(&mut self, id: &SubscriptionId) -> Option<&mut WaitSlot> {
        self.slots.get_mut(id)
    }

    pub fn contains(&self, id: &SubscriptionId) -> bool {
        self.slots.contains_key(id)
    }

    /// Take a slot out, and its deadline out of the queue.
    pub fn remove(&mut self, id: &SubscriptionId) -> Option<WaitSlot> {
        let slot = self.slots.remove(id)?;
        self.unqueue(id, slot.deadline_ms);
        Some(slot)
    }

    /// Queue (or move) the deadline of a pending wait. `None` when there is no such slot (the
    /// wait already ended); otherwise whether it became the earliest deadline.
    pub fn arm(&mut self, id: &SubscriptionId, deadline_ms: i64) -> Option<bool> {
        let slot = self.slots.get_mut(id)?;
        let old = slot.deadline_ms.replace(deadline_ms);
        self.unqueue(id, old);
        Some(self.queue(id.clone(), deadline_ms))
    }

    /// Every slot, leaving the table empty.
    pub fn drain(&mut self) -> Vec<WaitSlot> {
        self.deadlines.clear();
        self.slots.drain().map(|(_, slot)| slot).collect()
    }

    /// Dequeue the waits whose deadline is at or before `now_ms`, and tell the next deadline.
    fn pop_due(&mut self, now_ms: i64) -> (Vec<SubscriptionId>, Option<i64>) {
        let mut due = Vec::new();
        while let Some((deadline, _)) = self.deadlines.first() {
            if *deadline > now_ms {
                return (due, Some(*deadline));
            }
            let Some((_, id)) = self.deadlines.pop_first() else {
                break;
            };
            if let Some(slot) = self.slots.get_mut(&id) {
                slot.deadline_ms = None;
            }
            due.push(id);
        }
        (due, None)
    }

    fn queue(&mut self, id: SubscriptionId, deadline_ms: i64) -> bool {
        let earliest = self
            .deadlines
            .first()
            .is_none_or(|(first, _)| deadline_ms < *first);
        self.deadlines.insert((deadline_ms, id));
        earliest
    }

    fn unqueue(&mut self, id: &SubscriptionId, deadline_ms: Option<i64>) {
        if let Some(deadline) = deadline_ms {
            self.deadlines.remove(&(deadline, id.clone()));
        }
    }
}

/// A callback that ended a wait (already stored in the inbox).
pub(crate) struct ReceivedCallback {
    pub headers: Vec<(String, String)>,
    pub body: bytes::Bytes,
}

/// What ends a wait.
pub(crate) enum WaitEvent {
    /// The first callback arrived (already stored in the inbox). Boxed: every pending
    /// wait's channel has room for one event.
    Callback(Box<ReceivedCallback>),
    /// The deadline passed first.
    TimedOut,
    /// It was cancelled (by a caller in another process holding the same wait).
    Cancelled,
}

/// How a wait was claimed in this process.
pub(crate) enum Claim {
    /// This caller ended the wait here; its slot (with the attached waiter's sender), if any.
    Won(Option<WaitSlot>),
    /// Someone else ended it first, or it is not a pending wait.
    Lost,
}

/// Called with a wait whose deadline this host fired and that no caller here waits on: the
/// host unsubscribes it.
pub(crate) type OnTimeout = Arc<dyn Fn(SubscriptionId) + Send + Sync>;

/// How long a claimed deadline is this host's to fire before another may take it over.
const DEADLINE_LEASE: Duration = Duration::from_secs(30);
/// How often the store is asked for due deadlines no wait here knows of (waits started by a
/// process that died).
const DEADLINE_POLL: Duration = Duration::from_secs(2);
/// Deadlines claimed per store call.
const DEADLINE_PAGE: usize = 256;

/// Owner of this host's pending waits and of firing deadlines.
///
/// In this process a wait ends once: the first of callback, cancel and deadline to
/// [`Waits::claim`] it wins here. Across processes the store decides
/// ([`Store::complete_wait`]), and deadlines are fired by whichever host claims them
/// ([`Store::claim_due_deadlines`]); the local queue only says when to ask.
pub(crate) struct Waits {
    store: Arc<dyn Store>,
    owner: Arc<str>,
    subscriptions: Arc<Subscriptions>,
    table: Mutex<WaitTable>,
    /// Wakes the deadline timer when an earlier deadline is queued.
    changed: Notify,
}

impl Waits {
    pub fn new(store: Arc<dyn Store>, owner: Arc<str>, subscriptions: Arc<Subscriptions>) -> Self {
        Waits {
            store,
            owner,
            subscriptions,
            table: Mutex::new(WaitTable::default()),
            changed: Notify::new(),
        }
    }

    /// Add a pending wait (its deadline is armed later, once subscribed).
    pub fn insert(&self, id: SubscriptionId, sender: Option<oneshot::Sender<WaitEvent>>) {
        self.put(id, WaitSlot::new(sender));
    }

    /// Forget a wait that never started.
    pub fn remove(&self, id: &SubscriptionId) {
        if let Ok(mut table) = self.table.lock() {
            table.remove(id);
        }
    }

    /// Give a pending wait's result to `sender` (rejoining). Returns the sender back when
    /// there is no slot yet, after creating one with the sender attached; `Ok(true)`: it was
    /// attached to an existing slot, `Ok(false)`: a new slot was made (arm its deadline).
    pub fn attach(&self, id: &SubscriptionId, sender: oneshot::Sender<WaitEvent>) -> bool {
        let Ok(mut table) = self.table.lock() else {
            return true;
        };
        match table.get_mut(id) {
            Some(slot) => {
                slot.sender = Some(sender);
                true
            }
            None => {
                table.insert(id.clone(), WaitSlot::new(Some(sender)));
                false
            }
        }
    }

    /// Make sure a stored wait has a slot (resume); `true` when one was made.
    pub fn ensure(&self, id: &SubscriptionId) -> bool {
        match self.table.lock() {
            Ok(mut table) if !table.contains(id) => {
                table.insert(id.clone(), WaitSlot::new(None));
                true
            }
            _ => false,
        }
    }

    /// Queue a pending wait's deadline; a no-op when the wait already ended.
    pub fn arm(&self, id: &SubscriptionId, deadline_ms: i64) {
        let earliest = match self.table.lock() {
            Ok(mut table) => table.arm(id, deadline_ms),
            Err(_) => None,
        };
        if earliest == Some(true) {
            self.changed.notify_one();
        }
    }

    /// End a pending wait in this process: the first of callback, timeout and cancel to claim
    /// it wins here. Its deadline leaves the queue.
    pub fn claim(&self, id: &SubscriptionId) -> Claim {
        if !self.subscriptions.claim_wait(id) {
            return Claim::Lost;
        }
        let slot = self
            .table
            .lock()
            .ok()
            .and_then(|mut table| table.remove(id));
        Claim::Won(slot)
    }

    /// Take the waiter's slot of a wait whose outcome is already stored (ended by another
    /// process): whoever takes it tells the waiter, once. Not [`Waits::claim`], whose
    /// in-process claim goes through the cached intent — which the store's record (intent
    /// deleted) may already have overwritten, and then nobody would tell the waiter.
    fn take_ended(&self, id: &SubscriptionId) -> Option<WaitSlot> {
        self.table
            .lock()
            .ok()
            .and_then(|mut table| table.remove(id))
    }

    /// Undo a claim (its callback could not be stored), so the wait goes on, deadline
    /// included.
    pub fn unclaim(&self, id: &SubscriptionId, slot: Option<WaitSlot>) {
        self.subscriptions.unclaim_wait(id);
        self.put(id.clone(), slot.unwrap_or_else(|| WaitSlot::new(None)));
    }

    /// Record how a wait ended, unless another process (or task) recorded it first: `true`
    /// when this call decided it.
    pub async fn complete(&self, id: &SubscriptionId, outcome: WaitOutcome) -> StoreResult<bool> {
        self.store.complete_wait(id, outcome).await
    }

    /// Every slot, leaving the table empty (shutdown: waiters see the channel close).
    pub fn drain(&self) -> Vec<WaitSlot> {
        match self.table.lock() {
            Ok(mut table) => table.drain(),
            Err(_) => Vec::new(),
        }
    }

    fn put(&self, id: SubscriptionId, slot: WaitSlot) {
        let earliest = match self.table.lock() {
            Ok(mut table) => table.insert(id, slot),
            Err(_) => false,
        };
        if earliest {
            self.changed.notify_one();
        }
    }

    /// Fire the deadlines that passed and that this host claims in the store; returns when
    /// to look again.
    async fn fire_due(&self, on_timeout: &OnTimeout) -> i64 {
        let now = now_ms();
        let (local_due, next) = match self.table.lock() {
            Ok(mut table) => table.pop_due(now),
            Err(_) => (Vec::new(), None),
        };
        let poll_at = now.saturating_add(i64::try_from(DEADLINE_POLL.as_millis()).unwrap_or(0));
        let next = next.map_or(poll_at, |next| next.min(poll_at));
        let claimed = match self
            .store
            .claim_due_deadlines(now, &self.owner, DEADLINE_LEASE, DEADLINE_PAGE)
            .await
        {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::warn!(%error, "cannot claim due deadlines");
                // Try the local ones again at the next look.
                for id in local_due {
                    self.arm(&id, poll_at);
                }
                return next;
            }
        };
        for id in &claimed {
            self.time_out(id, on_timeout).await;
        }
        // A local wait whose deadline another host claimed ends there; until that shows in
        // the store, keep looking.
        for id in local_due.into_iter().filter(|id| !claimed.contains(id)) {
            let outcome = match self.store.subscription(&id).await {
                Ok(Some(record)) => record.outcome,
                _ => None,
            };
            match outcome {
                Some(outcome) => {
                    if let Some(slot) = self.take_ended(&id) {
                        self.hand_over_stored(&id, Some(slot), outcome).await;
                    }
                }
                None => {
                    self.arm(&id, poll_at);
                }
            }
        }
        next
    }

    /// A wait here whose record changed in the store (another process may have ended it):
    /// if it has an outcome now, its waiter learns it at once instead of at its deadline.
    pub async fn follow(&self, record: &SubscriptionRecord) {
        let pending_here = self
            .table
            .lock()
            .is_ok_and(|table| table.contains(&record.id));
        let Some(outcome) = record.outcome.filter(|_| pending_here) else {
            return;
        };
        if let Some(slot) = self.take_ended(&record.id) {
            self.hand_over_stored(&record.id, Some(slot), outcome).await;
        }
    }

    /// Tell a waiter here how its wait ended elsewhere (`outcome`, as stored).
    pub async fn hand_over_stored(
        &self,
        id: &SubscriptionId,
        slot: Option<WaitSlot>,
        outcome: WaitOutcome,
    ) {
        let Some(sender) = slot.and_then(|slot| slot.sender) else {
            return;
        };
        let event = match outcome {
            WaitOutcome::Completed => match self.store.deliveries_of(id).await {
                Ok(rows) => match rows.into_iter().next() {
                    Some(row) => WaitEvent::Callback(Box::new(ReceivedCallback {
                        headers: row.headers,
                        body: bytes::Bytes::from(row.body),
                    })),
                    None => return,
                },
                Err(error) => {
                    tracing::warn!(subscription = %id, %error, "cannot read the wait's callback");
                    return;
                }
            },
            WaitOutcome::TimedOut | WaitOutcome::Failed => WaitEvent::TimedOut,
            WaitOutcome::Cancelled => WaitEvent::Cancelled,
        };
        let _ = sender.send(event);
    }

    /// Fire one claimed deadline.
    async fn time_out(&self, id: &SubscriptionId, on_timeout: &OnTimeout) {
        let local = self.claim(id);
        match self.complete(id, WaitOutcome::TimedOut).await {
            Ok(true) => {
                let handed_over = match local {
                    // The waiter unsubscribes before it reports the timeout.
                    Claim::Won(Some(WaitSlot {
                        sender: Some(sender),
                        ..
                    })) => sender.send(WaitEvent::TimedOut).is_ok(),
                    _ => false,
                };
                if !handed_over {
                    on_timeout(id.clone());
                }
            }
            // Ended otherwise first (a callback or cancel, here or elsewhere): whoever ended
            // it finishes it; a waiter here learns how.
            Ok(false) => {
                if let Claim::Won(slot) = local {
                    if let Ok(Some(record)) = self.store.subscription(id).await {
                        if let Some(outcome) = record.outcome {
                            self.hand_over_stored(id, slot, outcome).await;
                        }
                    }
                }
            }
            Err(error) => {
                tracing::warn!(subscription = %id, %error, "cannot record the timeout; retrying");
                if let Claim::Won(slot) = local {
                    self.unclaim(id, slot);
                }
            }
        }
    }

    /// Start the deadline timer. It holds the waits weakly, and stops at shutdown or when
    /// they are dropped.
    pub fn start_timer(self: &Arc<Self>, shutdown: watch::Receiver<bool>, on_timeout: OnTimeout) {
        tokio::spawn(run_deadline_timer(
            Arc::downgrade(self),
            shutdown,
            on_timeout,
        ));
    }
}

async fn run_deadline_timer(
    weak: Weak<Waits>,
    mut shutdown: watch::Receiver<bool>,
    on_timeout: OnTimeout,
) {
    loop {
        let Some(waits) = weak.upgrade() else {
            return;
        };
        if *shutdown.borrow() {
            return;
        }
        // Registered before the queue is read, so an earlier deadline armed meanwhile wakes
        // this loop instead of waiting behind the sleep below.
        let notified = waits.changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let next = waits.fire_due(&on_timeout).await;
        let millis = u64::try_from(next.saturating_sub(now_ms())).unwrap_or(0);
        let sleep = tokio::time::sleep(Duration::from_millis(millis.max(1)));
        tokio::select! {
            _ = &mut notified => {}
            _ = sleep => {}
            stopped = shutdown.changed() => {
                // An error means the host is gone.
                if stopped.is_err() {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (pending waits, queued deadlines)
    fn counts(table: &WaitTable) -> (usize, usize) {
        (table.slots.len(), table.deadlines.len())
    }

    fn id(n: u8) -> SubscriptionId {
        SubscriptionId::parse(&format!("w{n}")).unwrap()
    }

    #[test]
    fn deadlines_fire_in_order_and_report_the_next() {
        let mut table = WaitTable::default();
        for (n, deadline) in [(1, 30), (2, 10), (3, 20)] {
            table.insert(id(n), WaitSlot::new(None));
            table.arm(&id(n), deadline);
        }
        assert_eq!(table.pop_due(5), (vec![], Some(10)));
        assert_eq!(table.pop_due(20), (vec![id(2), id(3)], Some(30)));
        assert_eq!(table.pop_due(100), (vec![id(1)], None));
        // Popped waits stay pending (the claim removes them), but are no longer queued.
        assert_eq!(counts(&table), (3, 0));
    }

    #[test]
    fn a_wait_that_ends_early_leaves_the_queue() {
        let mut table = WaitTable::default();
        table.insert(id(1), WaitSlot::new(None));
        assert_eq!(table.arm(&id(1), 50), Some(true));
        table.insert(id(2), WaitSlot::new(None));
        assert_eq!(table.arm(&id(2), 60), Some(false));
        assert!(table.remove(&id(1)).is_some());
        assert_eq!(counts(&table), (1, 1));
        // Re-arming moves the entry instead of adding one.
        assert_eq!(table.arm(&id(2), 40), Some(true));
        assert_eq!(counts(&table), (1, 1));
        assert_eq!(table.arm(&id(1), 10), None);
        assert_eq!(table.pop_due(100), (vec![id(2)], None));
    }

    #[test]
    fn a_restored_slot_is_queued_again() {
        let mut table = WaitTable::default();
        table.insert(id(1), WaitSlot::new(None));
        table.arm(&id(1), 50);
        let slot = table.remove(&id(1)).unwrap();
        assert_eq!(counts(&table), (0, 0));
        assert!(table.insert(id(1), slot));
        assert_eq!(table.pop_due(50), (vec![id(1)], None));
    }
}
