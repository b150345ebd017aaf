//! Done-marks in batches.
//!
//! Marking a delivery done is a store write, and one round trip per delivery costs about as
//! much as the insert that accepted it. Handled rows are therefore handed to one task per host
//! that writes every mark waiting at that moment in one call
//! ([`Store::mark_delivered_many`], a single commit for SQLite) while the next ones gather.
//!
//! Nothing is lost that was promised: a row is marked done only after its handler succeeded,
//! and a crash before the mark's commit leaves it pending, so it is delivered again on the
//! next start (at-least-once, as without batching; only the window is a little wider). A row
//! stays claimed in [`InFlight`] until its mark is committed, so a redelivery sweep in this
//! process never queues a handled row again.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::dispatch::InFlight;
use crate::store::Store;

/// Most marks one store call takes, so one call stays short.
const MAX_MARKS_PER_WRITE: usize = 1024;

enum Mark {
    /// This row's handler succeeded.
    Done(i64),
    /// Answer once every mark sent before this one is written.
    Flush(oneshot::Sender<()>),
}

/// The sending side of the host's done-mark writer. Cheap to clone.
#[derive(Clone)]
pub(crate) struct DoneMarks {
    sender: mpsc::UnboundedSender<Mark>,
    in_flight: Arc<InFlight>,
}

impl DoneMarks {
    /// Start the writer task (inside the host's Tokio runtime).
    pub fn start(store: Arc<dyn Store>, in_flight: Arc<InFlight>) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(write_marks(store, in_flight.clone(), receiver));
        DoneMarks { sender, in_flight }
    }

    /// Mark `id` done soon; it stays claimed in this process until the mark is committed.
    pub fn mark(&self, id: i64) {
        if self.sender.send(Mark::Done(id)).is_err() {
            // The writer is gone (runtime shutting down): the row stays pending and is
            // delivered again on the next start.
            self.in_flight.release(id);
        }
    }

    /// Wait until every mark made before this call is written (or failed to be).
    pub async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.sender.send(Mark::Flush(done)).is_ok() {
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
                // They stay pending: delivered again after a restart (at-least-once).
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
