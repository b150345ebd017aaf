//! The in-memory side of active pollers: one entry per polling subscription this host drives,
//! and one deadline queue for all of them (served by a single timer task per host, see
//! [`crate::deadline_timer`]). A poll in flight is out of the queue; it is re-armed when the
//! poll ends, unless the entry was replaced or removed meanwhile (its generation tells).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::store::PollState;
use crate::SubscriptionId;

/// One poller.
pub(crate) struct PollEntry {
    /// The registered trigger name.
    pub trigger: Arc<str>,
    /// Bumped when the entry is replaced (update), so a poll that began before is ignored.
    pub generation: u64,
    /// When it is queued to poll; `None` while a poll is in flight.
    pub due_ms: Option<i64>,
    /// The cursor as last read or committed while this host held the lease; `None` until the
    /// lease is (re)claimed.
    pub cursor: Option<PollState>,
    /// Retryable failures (429, 5xx, transport) in a row.
    pub failures: u32,
}

/// A poll to start now: a copy of what the poll needs.
#[derive(Debug, Clone)]
pub(crate) struct DuePoll {
    pub id: SubscriptionId,
    pub trigger: Arc<str>,
    pub generation: u64,
    pub due_ms: i64,
    pub cursor: Option<PollState>,
    pub failures: u32,
}

/// Pollers by id, and their due times in firing order.
#[derive(Default)]
pub(crate) struct PollTable {
    entries: HashMap<SubscriptionId, PollEntry>,
    queue: BTreeSet<(i64, SubscriptionId)>,
    generations: u64,
}

impl PollTable {
    /// Add (or replace) a poller due at `due_ms`; returns its generation and whether it became
    /// the earliest deadline.
    pub fn insert(
        &mut self,
        id: SubscriptionId,
        trigger: Arc<str>,
        cursor: Option<PollState>,
        due_ms: i64,
    ) -> (u64, bool) {
        self.generations += 1;
        let generation = self.generations;
        self.remove(&id);
        self.entries.insert(
            id.clone(),
            PollEntry {
                trigger,
                generation,
                due_ms: Some(due_ms),
                cursor,
                failures: 0,
            },
        );
        (generation, self.queue(id, due_ms))
    }

    /// Forget a poller; a poll in flight for it re-arms nothing.
    pub fn remove(&mut self, id: &SubscriptionId) -> bool {
        let Some(entry) = self.entries.remove(id) else {
            return false;
        };
        if let Some(due) = entry.due_ms {
            self.queue.remove(&(due, id.clone()));
        }
        true
    }

    /// Whether this host drives `id`.
    pub fn contains(&self, id: &SubscriptionId) -> bool {
        self.entries.contains_key(id)
    }

    /// How many pollers this host drives.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Queue a poller again after its poll, when it is still the same generation; returns
    /// whether it became the earliest deadline (`None`: replaced or removed meanwhile).
    pub fn rearm(
        &mut self,
        id: &SubscriptionId,
        generation: u64,
        due_ms: i64,
        cursor: Option<PollState>,
        failures: u32,
    ) -> Option<bool> {
        let entry = self.entries.get_mut(id)?;
        if entry.generation != generation {
            return None;
        }
        if let Some(old) = entry.due_ms.replace(due_ms) {
            self.queue.remove(&(old, id.clone()));
        }
        entry.cursor = cursor;
        entry.failures = failures;
        Some(self.queue(id.clone(), due_ms))
    }

    /// Dequeue the pollers due at or before `now_ms`, and tell the next deadline.
    pub fn pop_due(&mut self, now_ms: i64) -> (Vec<DuePoll>, Option<i64>) {
        let mut due = Vec::new();
        while let Some((deadline, _)) = self.queue.first() {
            if *deadline > now_ms {
                return (due, Some(*deadline));
            }
            let Some((deadline, id)) = self.queue.pop_first() else {
                break;
            };
            if let Some(entry) = self.entries.get_mut(&id) {
                entry.due_ms = None;
                due.push(DuePoll {
                    id,
                    trigger: entry.trigger.clone(),
                    generation: entry.generation,
                    due_ms: deadline,
                    cursor: entry.cursor.take(),
                    failures: entry.failures,
                });
            }
        }
        (due, None)
    }

    fn queue(&mut self, id: SubscriptionId, due_ms: i64) -> bool {
        let earliest = self.queue.first().is_none_or(|(first, _)| due_ms < *first);
        self.queue.insert((due_ms, id));
        earliest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> SubscriptionId {
        SubscriptionId::parse(&format!("p{n}")).unwrap()
    }

    #[test]
    fn polls_fire_in_order_and_rearm_only_their_generation() {
        let mut table = PollTable::default();
        let name: Arc<str> = Arc::from("t");
        let (g1, _) = table.insert(id(1), name.clone(), None, 30);
        table.insert(id(2), name.clone(), None, 10);
        assert_eq!(table.pop_due(5).1, Some(10));
        let (due, next) = table.pop_due(30);
        assert_eq!(
            due.iter().map(|d| d.id.clone()).collect::<Vec<_>>(),
            vec![id(2), id(1)]
        );
        assert_eq!(next, None);
        // Replaced while polling: the old poll's re-arm is dropped.
        let (g1b, _) = table.insert(id(1), name.clone(), None, 50);
        assert_eq!(table.rearm(&id(1), g1, 40, None, 0), None);
        assert_eq!(table.rearm(&id(1), g1b, 40, None, 0), Some(true));
        assert!(table.remove(&id(2)));
        assert_eq!(table.rearm(&id(2), 2, 60, None, 0), None);
        assert_eq!(table.len(), 1);
        let (due, _) = table.pop_due(100);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].due_ms, 40);
    }
}
