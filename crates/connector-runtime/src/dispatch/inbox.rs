//! This host's claims on inbox rows.
//!
//! Across processes, a row belongs to whoever leases it in the store: the receiving host
//! leases a row as it stores it ([`Inbox::lease`]), a redelivering host claims pending rows
//! nobody live holds ([`Inbox::claim`]), and a heartbeat renews the leases of rows queued or
//! running here, so a host that dies loses them once they expire and another one delivers
//! them again (at least once). In this process, the in-flight set is the fast path: a row
//! queued or running here is never queued twice, whatever the store says about our own lease.
//!
//! **Done-marks in batches.** Marking a delivery done is a store write, and one round trip
//! per delivery costs about as much as the insert that accepted it. Handled rows are handed
//! to one task per host that writes every mark waiting at that moment in one call
//! ([`Store::mark_delivered_many`]) while the next ones gather. A row is marked done only
//! after its handler succeeded, and a crash before the mark's commit leaves it pending, so it
//! is delivered again (at-least-once). A row stays in flight until its mark is committed, so a
//! redelivery sweep in this process never queues a handled row again.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::store::{Lease, Store, StoreResult, StoredDelivery};

/// Most marks one store call takes, so one call stays short.
const MAX_MARKS_PER_WRITE: usize = 1024;
/// Rows renewed per store call by the heartbeat.
const RENEW_PAGE: usize = 1024;

/// Inbox rows queued or running in this process.
#[derive(Default)]
struct InFlight(Mutex<HashSet<i64>>);

impl InFlight {
    fn hold(&self, id: i64) -> bool {
        self.0.lock().map(|mut set| set.insert(id)).unwrap_or(false)
    }

    fn release_all(&self, ids: &[i64]) {
        if let Ok(mut set) = self.0.lock() {
            for id in ids {
                set.remove(id);
            }
        }
    }

    fn snapshot(&self) -> Vec<i64> {
        self.0
            .lock()
            .map(|set| set.iter().copied().collect())
            .unwrap_or_default()
    }
}

enum Mark {
    /// This row's handler succeeded.
    Done(i64),
    /// Answer once every mark sent before this one is written.
    Flush(oneshot::Sender<()>),
}

/// Owner of this host's inbox claims: leases, the in-flight set and the done-mark writer.
pub(crate) struct Inbox {
    store: Arc<dyn Store>,
    owner: Arc<str>,
    lease: Duration,
    in_flight: Arc<InFlight>,
    marks: mpsc::UnboundedSender<Mark>,
    /// Set at shutdown: this host no longer vouches for the rows it holds, so their leases
    /// run out and another host sharing the store delivers them (handlers still running here
    /// may finish too: at least once).
    stopped: std::sync::atomic::AtomicBool,
}

impl Inbox {
    /// Start the done-mark writer and the lease heartbeat (inside the host's Tokio runtime).
    /// Both stop when the inbox is dropped.
    pub fn start(store: Arc<dyn Store>, owner: Arc<str>, lease: Duration) -> Arc<Self> {
        let (marks, receiver) = mpsc::unbounded_channel();
        let in_flight = Arc::new(InFlight::default());
        tokio::spawn(write_marks(store.clone(), in_flight.clone(), receiver));
        let inbox = Arc::new(Inbox {
            store,
            owner,
            lease,
            in_flight,
            marks,
            stopped: std::sync::atomic::AtomicBool::new(false),
        });
        tokio::spawn(heartbeat(Arc::downgrade(&inbox), lease));
        inbox
    }

    /// Stop renewing leases (shutdown).
    pub fn stop_renewing(&self) {
        self.stopped
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The lease a row received here is stored with.
    pub fn lease(&self) -> Lease {
        Lease {
            owner: self.owner.clone(),
            duration: self.lease,
        }
    }

    /// Take a row into this process's flight; `false` when it is already queued or running.
    pub fn hold(&self, id: i64) -> bool {
        self.in_flight.hold(id)
    }

    /// Let go of a row that will not run here (its handler gave up, or it could not be
    /// queued). Its lease, if any, expires by itself.
    pub fn release(&self, id: i64) {
        self.in_flight.release_all(&[id]);
    }

    /// Claim a page of pending rows nobody live holds, leased to this host.
    pub async fn claim(&self, after: i64, limit: usize) -> StoreResult<Vec<StoredDelivery>> {
        self.store
            .claim_deliveries(&self.owner, self.lease, after, limit)
            .await
    }

    /// Mark `id` done soon; it stays in flight here until the mark is committed.
    pub fn mark_done(&self, id: i64) {
        if self.marks.send(Mark::Done(id)).is_err() {
            // The writer is gone (runtime shutting down): the row stays pending and is
            // delivered again.
            self.release(id);
        }
    }

    /// Wait until every mark made before this call is written (or failed to be).
    pub async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.marks.send(Mark::Flush(done)).is_ok() {
            let _ = written.await;
        }
    }
}

async fn write_marks(
    store: Arc<dyn Store>,
    in_flight: Arc<InFlight>,
    mut receiver: mpsc::UnboundedReceiver<Mark>,
) {
    let mut marks = Vec::with_capacity(64);
    let mut ids = Vec::with_capacity(64);
    let mut flushes = Vec::new();
    while receiver.recv_many(&mut marks, MAX_MARKS_PER_WRITE).await > 0 {
        for mark in marks.drain(..) {
            match mark {
                Mark::Done(id) => ids.push(id),
                Mark::Flush(answer) => flushes.push(answer),
            }
        }
        if !ids.is_empty() {
            if let Err(error) = store.mark_delivered_many(&ids).await {
                // They stay pending: delivered again once their lease expires (at-least-once).
                tracing::error!(%error, rows = ids.len(), "cannot mark deliveries done");
            }
            in_flight.release_all(&ids);
            ids.clear();
        }
        for answer in flushes.drain(..) {
            let _ = answer.send(());
        }
    }
}

/// Renew the leases of the rows in flight here every third of the lease, while the inbox
/// lives.
async fn heartbeat(inbox: Weak<Inbox>, lease: Duration) {
    let period = (lease / 3).max(Duration::from_millis(10));
    loop {
        tokio::time::sleep(period).await;
        let Some(inbox) = inbox.upgrade() else {
            return;
        };
        if inbox.stopped.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        for page in inbox.in_flight.snapshot().chunks(RENEW_PAGE) {
            if let Err(error) = inbox
                .store
                .renew_deliveries(&inbox.owner, page, lease)
                .await
            {
                tracing::warn!(%error, "cannot renew inbox leases");
            }
        }
    }
}
