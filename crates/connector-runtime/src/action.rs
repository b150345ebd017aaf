//! Webhook actions: subscribe with a fresh callback URL, wait for the first callback, and
//! unsubscribe on success, on cancel and at timeout.
//!
//! A wait is a stored subscription of kind `action` plus, in memory, a oneshot sender and an
//! entry in the host's deadline queue ([`crate::wait_table`]) — a few hundred bytes — so many
//! thousands can wait at once. Waits survive a restart: the callback is still accepted and
//! stored, the deadline is queued again, and [`Host::rejoin_wait`] hands the result to a new
//! caller.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use tokio::sync::oneshot;

use crate::error::{Error, Result};
use crate::handler::ParseFn;
use crate::host::Host;
use crate::registry::{Connection, TriggerOptions};
use crate::runtime::HostInner;
use crate::store::{now_ms, Intent, SubscriptionKind, SubscriptionRecord, WaitOutcome};
use crate::waits::{Claim, ReceivedCallback, WaitEvent};
use crate::{Callback, SubscriptionId, WebhookTrigger};

impl HostInner {
    /// Unsubscribe a wait that ended (errors are logged; the sweeper retries). `outcome` is
    /// recorded unless one already is.
    pub(crate) async fn finish_wait(&self, id: &SubscriptionId, outcome: WaitOutcome) {
        let _lock = match self.subscriptions.lock(id).await {
            Ok(lock) => lock,
            Err(error) => {
                tracing::warn!(subscription = %id, %error, "cannot finish the wait");
                return;
            }
        };
        let mut record = match self.subscriptions.load(id).await {
            Ok(record) => record,
            Err(error) => {
                tracing::warn!(subscription = %id, %error, "cannot finish the wait");
                return;
            }
        };
        record.intent = Intent::Deleted;
        if record.outcome.is_none() {
            record.outcome = Some(outcome);
        }
        if let Err(error) = self.subscriptions.save(&mut record).await {
            tracing::warn!(subscription = %id, %error, "cannot record the end of the wait");
            return;
        }
        if let Err(error) = self.unsubscribe_locked(&mut record).await {
            tracing::warn!(subscription = %id, %error, "unsubscribe after the wait failed; the sweeper retries");
        }
    }
}

enum Pending<N> {
    Waiting(oneshot::Receiver<WaitEvent>),
    /// Boxed: only rejoined, already ended waits carry a result, and a result inline would
    /// make every pending wait (and every caller's future holding one) larger.
    Ready(Box<Result<Callback<N>>>),
}

/// How the waiting part of [`PendingWait::wait`] ended.
enum Ending {
    Event(std::result::Result<WaitEvent, oneshot::error::RecvError>),
    Cancelled,
}

/// A started webhook action wait. [`PendingWait::id`] identifies it across restarts
/// ([`Host::rejoin_wait`]); [`PendingWait::wait`] returns the first callback.
pub struct PendingWait<N> {
    host: Host,
    id: SubscriptionId,
    parse: ParseFn,
    pending: Pending<N>,
}

impl<N> std::fmt::Debug for PendingWait<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingWait").field("id", &self.id).finish()
    }
}

fn to_callback<N: 'static>(
    parse: &ParseFn,
    headers: Vec<(String, String)>,
    body: &[u8],
) -> Result<Callback<N>> {
    let items = parse(body).map_err(|e| Error::Notification(e.to_string()))?;
    let first = items
        .into_iter()
        .next()
        .ok_or_else(|| Error::Notification("the callback body holds no item".into()))?;
    let body = first
        .downcast::<N>()
        .map_err(|_| Error::Notification("notification type mismatch".into()))?;
    Ok(Callback {
        headers,
        body: *body,
        status_code: 202,
    })
}

impl<N: Send + 'static> PendingWait<N> {
    /// The wait's id (also its subscription id and callback URL segment).
    pub fn id(&self) -> &SubscriptionId {
        &self.id
    }

    /// The callback URL the third party was given.
    pub fn callback_url(&self) -> String {
        self.host.callback_url(&self.id)
    }

    /// Wait for the first callback. Unsubscribes before returning, whichever way the wait
    /// ends: `Ok` with the callback, [`Error::WaitTimedOut`] at the deadline, or
    /// [`Error::WaitCancelled`] when `cancel` completes first.
    pub fn wait(
        self,
        cancel: impl Future<Output = ()>,
    ) -> impl Future<Output = Result<Callback<N>>> {
        // A plain function around an async block, not an `async fn`: an `async fn` keeps its
        // arguments twice in its state, and this state is kept while waiting — possibly for
        // hours, by thousands of waits. What stays is the fields, the receiver and `cancel`;
        // the ending runs in a boxed future.
        let PendingWait {
            host,
            id,
            parse,
            pending,
        } = self;
        async move {
            let mut receiver = match pending {
                Pending::Ready(result) => return *result,
                Pending::Waiting(receiver) => receiver,
            };
            let mut cancel = std::pin::pin!(cancel);
            // By hand rather than `tokio::select!`, whose bookkeeping would double this
            // state. A callback that is already there wins over a cancel.
            let mut ending = std::future::poll_fn(|cx| {
                if let Poll::Ready(event) = Pin::new(&mut receiver).poll(cx) {
                    return Poll::Ready(Ending::Event(event));
                }
                cancel.as_mut().poll(cx).map(|()| Ending::Cancelled)
            })
            .await;
            if let Ending::Cancelled = ending {
                match host.inner.waits.claim(&id) {
                    // A callback or the deadline got there first; its event is on the way.
                    Claim::Lost => ending = Ending::Event(receiver.await),
                    Claim::Won(_) => {
                        match host.inner.waits.complete(&id, WaitOutcome::Cancelled).await {
                            Ok(true) => {}
                            // Ended in another process first: say how.
                            Ok(false) => return Box::pin(stored_result(host, id, parse)).await,
                            Err(error) => return Err(error.into()),
                        }
                    }
                }
            }
            Box::pin(conclude(host, id, parse, ending)).await
        }
    }
}

/// How an ended wait ended, as stored: the stored callback when it completed (or ended
/// before its outcome was recorded, after a crash), else the error its outcome names.
async fn stored_result<N: Send + 'static>(
    host: Host,
    id: SubscriptionId,
    parse: ParseFn,
) -> Result<Callback<N>> {
    let record = host.inner.subscriptions.load(&id).await?;
    match record.outcome {
        Some(WaitOutcome::Cancelled) => return Err(Error::WaitCancelled(id)),
        Some(WaitOutcome::TimedOut) => return Err(Error::WaitTimedOut(id)),
        Some(WaitOutcome::Completed | WaitOutcome::Failed) | None => {}
    }
    let deliveries = host.inner.store.deliveries_of(&id).await?;
    match deliveries.into_iter().next() {
        Some(first) => to_callback(&parse, first.headers, &first.body),
        None => Err(Error::invalid_state(
            &id,
            "ended without a callback",
            "rejoin a wait",
        )),
    }
}

/// Unsubscribe after a claimed wait and say how it ended.
async fn conclude<N: Send + 'static>(
    host: Host,
    id: SubscriptionId,
    parse: ParseFn,
    ending: Ending,
) -> Result<Callback<N>> {
    match ending {
        Ending::Cancelled => {
            host.inner.finish_wait(&id, WaitOutcome::Cancelled).await;
            Err(Error::WaitCancelled(id))
        }
        Ending::Event(Ok(WaitEvent::Callback(callback))) => {
            host.inner.finish_wait(&id, WaitOutcome::Completed).await;
            let ReceivedCallback { headers, body } = *callback;
            to_callback(&parse, headers, &body)
        }
        Ending::Event(Ok(WaitEvent::TimedOut)) => {
            host.inner.finish_wait(&id, WaitOutcome::TimedOut).await;
            Err(Error::WaitTimedOut(id))
        }
        Ending::Event(Ok(WaitEvent::Cancelled)) => {
            host.inner.finish_wait(&id, WaitOutcome::Cancelled).await;
            Err(Error::WaitCancelled(id))
        }
        Ending::Event(Err(_)) => Err(Error::ShutDown),
    }
}

impl Host {
    /// The webhook action: subscribe `action` with a fresh callback URL, return the first
    /// callback's `{headers, body, status_code}`, and unsubscribe on success, when `cancel`
    /// completes (pass `std::future::pending()` for never) and at `timeout`; the error says
    /// which ([`Error::WaitCancelled`], [`Error::WaitTimedOut`]).
    pub async fn wait_for_callback<T: WebhookTrigger>(
        &self,
        action: &T,
        connection: &Connection,
        timeout: Duration,
        cancel: impl Future<Output = ()>,
    ) -> Result<Callback<T::Notification>> {
        // Boxed: the subscribe future is kilobytes large and would otherwise stay inside this
        // future's state for as long as the wait lasts.
        Box::pin(self.start_wait(action, connection, timeout))
            .await?
            .wait(cancel)
            .await
    }

    /// First half of [`Host::wait_for_callback`]: subscribe and return the pending wait, whose
    /// id can be kept to [`Host::rejoin_wait`] after a restart.
    pub async fn start_wait<T: WebhookTrigger>(
        &self,
        action: &T,
        connection: &Connection,
        timeout: Duration,
    ) -> Result<PendingWait<T::Notification>> {
        self.ensure_action(action, connection)?;
        let registration = self.registration_for(action)?;
        let id = SubscriptionId::generate();
        let deadline_ms =
            now_ms().saturating_add(i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX));
        let (sender, receiver) = oneshot::channel();
        // The slot exists before the subscribe request: some APIs call back at once.
        self.inner.waits.insert(id.clone(), Some(sender));
        let guard = self.inner.subscriptions.lock(&id).await?;
        let mut record =
            SubscriptionRecord::new(id.clone(), action.name(), SubscriptionKind::Action);
        record.deadline_ms = Some(deadline_ms);
        let subscribed = self.inner.subscribe(&mut record, action, connection).await;
        if let Err(error) = subscribed {
            self.inner.waits.remove(&id);
            record.intent = Intent::Deleted;
            record.outcome = Some(WaitOutcome::Failed);
            if let Err(store_error) = self.inner.subscriptions.save(&mut record).await {
                tracing::warn!(subscription = %id, %store_error, "cannot record the failed wait");
            }
            return Err(error);
        }
        drop(guard);
        self.inner.waits.arm(&id, deadline_ms);
        Ok(PendingWait {
            host: self.clone(),
            id,
            parse: registration.parse.clone(),
            pending: Pending::Waiting(receiver),
        })
    }

    /// Attach to a wait started before a restart (or by another task). Resolves at once when
    /// the callback already arrived or the wait already ended.
    pub async fn rejoin_wait<T: WebhookTrigger>(
        &self,
        action: &T,
        connection: &Connection,
        id: &SubscriptionId,
    ) -> Result<PendingWait<T::Notification>> {
        self.ensure_action(action, connection)?;
        let registration = self.registration_for(action)?;
        let record = self.inner.subscriptions.load(id).await?;
        if record.kind != SubscriptionKind::Action {
            return Err(Error::invalid_state(
                id,
                "a trigger subscription",
                "rejoin a wait",
            ));
        }
        let ready = |result| PendingWait {
            host: self.clone(),
            id: id.clone(),
            parse: registration.parse.clone(),
            pending: Pending::Ready(Box::new(result)),
        };
        let (sender, receiver) = oneshot::channel();
        let mut sender = Some(sender);
        let still_waiting = self
            .inner
            .subscriptions
            .cached(id)
            .is_some_and(|c| c.intent == Intent::Enabled);
        if still_waiting {
            if let Some(sender) = sender.take() {
                if !self.inner.waits.attach(id, sender) {
                    // No slot yet (resume was not called): it was made; queue its deadline.
                    self.inner
                        .waits
                        .arm(id, record.deadline_ms.unwrap_or_else(now_ms));
                }
            }
            if sender.is_none() {
                return Ok(PendingWait {
                    host: self.clone(),
                    id: id.clone(),
                    parse: registration.parse.clone(),
                    pending: Pending::Waiting(receiver),
                });
            }
        }
        // The wait has ended: how, as stored.
        let result = stored_result(self.clone(), id.clone(), registration.parse.clone()).await;
        Ok(ready(result))
    }

    fn ensure_action<T: WebhookTrigger>(&self, action: &T, connection: &Connection) -> Result<()> {
        match self.inner.registration(action.name()) {
            Some(existing) if existing.connection == *connection => Ok(()),
            Some(existing) if existing.dispatch.is_some() => Ok(()),
            Some(existing) => {
                let options = existing.options.clone();
                self.register_action(action, connection.clone(), options)
            }
            None => self.register_action(action, connection.clone(), TriggerOptions::default()),
        }
    }

    /// Resume one stored wait at start-up. Returns whether it is still waiting.
    pub(crate) async fn resume_wait(&self, record: &SubscriptionRecord) -> Result<bool> {
        let id = &record.id;
        let has_callback = !self.inner.store.deliveries_of(id).await?.is_empty();
        let expired = record.deadline_ms.is_some_and(|d| d <= now_ms());
        if has_callback || expired {
            if let Claim::Won(_) = self.inner.waits.claim(id) {
                let inner = self.inner.clone();
                let id = id.clone();
                let outcome = if has_callback {
                    WaitOutcome::Completed
                } else {
                    WaitOutcome::TimedOut
                };
                tokio::spawn(async move { inner.finish_wait(&id, outcome).await });
            }
            return Ok(false);
        }
        self.inner.waits.ensure(id);
        self.inner
            .waits
            .arm(id, record.deadline_ms.unwrap_or_else(now_ms));
        Ok(true)
    }
}
