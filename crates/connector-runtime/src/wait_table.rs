//! The in-memory side of pending action waits: who waits for each one, and one deadline queue
//! for all of them, served by a single timer task per host.
//!
//! One timer task per wait cost a tokio task (≈ 400 bytes) per pending wait; the queue costs
//! one ordered-set entry. A wait that ends early leaves the queue at once (its slot knows its
//! deadline), so the queue only ever holds pending waits.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::{oneshot, watch, Notify};

use crate::action::{Claim, WaitEvent};
use crate::host::HostInner;
use crate::store::now_ms;
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

impl HostInner {
    /// Queue a pending wait's deadline; a no-op when the wait already ended.
    pub(crate) fn arm_deadline(&self, id: &SubscriptionId, deadline_ms: i64) {
        let earliest = match self.waits.lock() {
            Ok(mut waits) => waits.arm(id, deadline_ms),
            Err(_) => None,
        };
        if earliest == Some(true) {
            self.deadline_changed.notify_one();
        }
    }

    /// Put a slot back (a claim was undone), re-queuing its deadline.
    pub(crate) fn restore_wait(&self, id: SubscriptionId, slot: WaitSlot) {
        let earliest = match self.waits.lock() {
            Ok(mut waits) => waits.insert(id, slot),
            Err(_) => false,
        };
        if earliest {
            self.deadline_changed.notify_one();
        }
    }

    /// End the waits whose deadline passed; returns the next deadline.
    fn expire_due_waits(self: &Arc<Self>) -> Option<i64> {
        let (due, next) = match self.waits.lock() {
            Ok(mut waits) => waits.pop_due(now_ms()),
            Err(_) => return None,
        };
        for id in due {
            let Claim::Won(slot) = self.claim_wait(&id) else {
                continue;
            };
            let handed_over = match slot.and_then(|slot| slot.sender) {
                // The waiter unsubscribes before it reports the timeout.
                Some(sender) => sender.send(WaitEvent::TimedOut).is_ok(),
                None => false,
            };
            if !handed_over {
                let inner = self.clone();
                tokio::spawn(async move {
                    inner
                        .finish_wait(&id, crate::store::WaitOutcome::TimedOut)
                        .await
                });
            }
        }
        next
    }
}

/// Start the host's deadline timer. It holds the host weakly, and stops at shutdown or when
/// the host is dropped.
pub(crate) fn start_deadline_timer(inner: &Arc<HostInner>) {
    let weak = Arc::downgrade(inner);
    let changed = inner.deadline_changed.clone();
    let shutdown = inner.shutdown.subscribe();
    tokio::spawn(run_deadline_timer(weak, changed, shutdown));
}

async fn run_deadline_timer(
    weak: Weak<HostInner>,
    changed: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        // Registered before the queue is read, so an earlier deadline armed meanwhile wakes
        // this loop instead of waiting behind the sleep below.
        let notified = changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let next = {
            let Some(inner) = weak.upgrade() else {
                return;
            };
            if inner.is_shut_down() {
                return;
            }
            inner.expire_due_waits()
        };
        let sleep = async {
            match next {
                Some(deadline) => {
                    let millis = u64::try_from(deadline.saturating_sub(now_ms())).unwrap_or(0);
                    tokio::time::sleep(Duration::from_millis(millis.max(1))).await;
                }
                None => std::future::pending().await,
            }
        };
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
