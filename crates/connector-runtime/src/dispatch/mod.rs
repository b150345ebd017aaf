//! At-least-once dispatch from the inbox to a trigger's handler.
//!
//! Each trigger has a bounded queue. A callback reserves a slot *before* it is stored (a full
//! queue answers 429 and stores nothing), is written to the inbox, and then takes the slot.
//! `concurrency` runner tasks take jobs from the queue, one at a time each; a row is marked
//! done only after its handler returned `Ok` (in batches, see [`inbox`]), so a crash in
//! between means the row is delivered again.

pub(crate) mod inbox;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::handler::{HandlerFn, Item, ParseFn};
use crate::headers::DeliveryHeaders;
use inbox::Inbox;

/// One stored delivery on its way to the handler.
pub(crate) struct Job {
    pub inbox_id: i64,
    pub headers: DeliveryHeaders,
    /// The body as stored (shared with the request, not copied).
    pub body: Bytes,
    /// Already parsed at receive time (live path); `None` when redelivered from the store.
    pub items: Option<Vec<Item>>,
}

/// What a trigger's queue takes from its options.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QueueSettings {
    /// Deliveries waiting for a runner before callbacks get 429.
    pub capacity: usize,
    /// Runners, i.e. handler runs at once.
    pub concurrency: usize,
    /// Handler attempts per delivery before it is marked failed.
    pub max_attempts: u32,
    /// First wait between attempts (doubling, at most 60 s).
    pub backoff: Duration,
}

/// The sending side of a trigger's queue.
#[derive(Clone)]
pub(crate) struct DispatchQueue {
    sender: mpsc::Sender<Job>,
}

impl DispatchQueue {
    /// Start the worker for one trigger and return its queue.
    pub fn start(
        name: String,
        settings: QueueSettings,
        parse: ParseFn,
        handler: HandlerFn,
        inbox: Arc<Inbox>,
    ) -> Self {
        let (sender, receiver) = mpsc::channel(settings.capacity);
        let worker = Worker {
            name,
            parse,
            handler,
            inbox,
            max_attempts: settings.max_attempts,
            backoff: settings.backoff,
        };
        let worker = Arc::new(worker);
        let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
        for _ in 0..settings.concurrency {
            tokio::spawn(worker.clone().run(receiver.clone()));
        }
        DispatchQueue { sender }
    }

    /// Reserve a queue slot without waiting; `None` when the queue is full.
    pub fn try_reserve(&self) -> Option<mpsc::OwnedPermit<Job>> {
        self.sender.clone().try_reserve_owned().ok()
    }

    /// Queue a job, waiting for room (redelivery path).
    pub async fn send(&self, job: Job) -> bool {
        self.sender.send(job).await.is_ok()
    }
}

struct Worker {
    name: String,
    parse: ParseFn,
    handler: HandlerFn,
    inbox: Arc<Inbox>,
    max_attempts: u32,
    backoff: Duration,
}

impl Worker {
    /// One of the trigger's `concurrency` runners: each takes a job only when it is free, so
    /// jobs wait in the bounded queue (and a full queue turns into 429s) instead of piling up
    /// here, and at most `concurrency` handlers run at once. Long-lived runners instead of a
    /// task per delivery keep a task allocation and its scheduling off the hot path.
    async fn run(self: Arc<Self>, receiver: Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>) {
        loop {
            let job = receiver.lock().await.recv().await;
            let Some(job) = job else {
                // The queue's senders are gone (registration replaced, host dropped).
                return;
            };
            self.deliver(job).await;
        }
    }

    /// Run the handler (retrying) and record the outcome. The done-mark is written later in a
    /// batch, so the runner is free for the next job as soon as the handler succeeded.
    async fn deliver(&self, job: Job) {
        let id = job.inbox_id;
        let span = tracing::info_span!("dispatch", trigger = %self.name, inbox_id = id);
        let mut items = job.items;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let outcome = self.attempt(&job.headers, &job.body, items.take()).await;
            match outcome {
                Ok(()) => {
                    // Written with the next batch of marks; the row stays held until then.
                    self.inbox.mark_done(id);
                    tracing::debug!(parent: &span, attempt, "handled");
                    return;
                }
                Err(error) => {
                    let give_up = attempt >= self.max_attempts;
                    tracing::warn!(parent: &span, attempt, give_up, %error, "handler failed");
                    if let Err(store_error) =
                        self.inbox.store().record_failure(id, &error, give_up).await
                    {
                        tracing::error!(parent: &span, %store_error, "cannot record the failure");
                    }
                    if give_up {
                        break;
                    }
                    let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
                    let wait = self
                        .backoff
                        .saturating_mul(factor)
                        .min(Duration::from_secs(60));
                    tokio::time::sleep(wait).await;
                }
            }
        }
        self.inbox.release(id);
    }

    async fn attempt(
        &self,
        headers: &DeliveryHeaders,
        body: &Bytes,
        items: Option<Vec<Item>>,
    ) -> Result<(), String> {
        let items = match items {
            Some(items) => items,
            None => (self.parse)(body).map_err(|e| format!("stored body no longer parses: {e}"))?,
        };
        for item in items {
            match CatchUnwind((self.handler)(headers.to_pairs(), item)).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => return Err(error.0),
                Err(Panicked) => return Err("handler panicked".to_owned()),
            }
        }
        Ok(())
    }
}

/// A handler run ended in a panic.
struct Panicked;

/// Polls a handler's future and turns a panic into [`Panicked`], so a panicking handler fails
/// its attempt (and is retried) instead of silently dropping the delivery. This runs the
/// handler in the delivery's own task rather than a task per handler run.
struct CatchUnwind<F>(F);

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Panicked>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        // The future is dropped right after a panic and never polled again, so whatever state
        // the panic left it in is not observed.
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(Err(Panicked)),
        }
    }
}
