//! Webhook actions: subscribe with a fresh callback URL, wait for the first callback, and
//! unsubscribe on success, on cancel and at timeout.
//!
//! A wait is a stored subscription of kind `action` plus, in memory, a oneshot sender and a
//! timer — a few hundred bytes — so many thousands can wait at once. Waits survive a restart:
//! the callback is still accepted and stored, the timer is re-armed, and
//! [`Host::rejoin_wait`] hands the result to a new caller.

use std::future::Future;
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::AbortHandle;

use crate::error::{Error, Result};
use crate::host::{Host, HostInner};
use crate::registry::{Connection, ParseFn, TriggerOptions};
use crate::store::{now_ms, Intent, SubscriptionKind, SubscriptionRecord};
use crate::{Callback, SubscriptionId, WebhookTrigger};

/// What ends a wait.
pub(crate) enum WaitEvent {
    /// The first callback arrived (already stored in the inbox).
    Callback {
        headers: Vec<(String, String)>,
        body: bytes::Bytes,
    },
    /// The deadline passed first.
    TimedOut,
}

/// The in-memory part of a pending wait.
pub(crate) struct WaitSlot {
    /// The caller waiting, if one is attached (none after a restart until `rejoin_wait`).
    pub sender: Option<oneshot::Sender<WaitEvent>>,
    /// The deadline timer, aborted when the wait ends earlier.
    pub deadline: Option<AbortHandle>,
}

/// How a wait was claimed.
pub(crate) enum Claim {
    /// This caller ended the wait; the attached waiter's sender, if any.
    Won(Option<oneshot::Sender<WaitEvent>>),
    /// Someone else ended it first, or it is not a pending wait.
    Lost,
}

impl HostInner {
    /// End a pending wait: the first of callback, timeout and cancel to claim it wins.
    pub(crate) fn claim_wait(&self, id: &SubscriptionId, abort_timer: bool) -> Claim {
        {
            let Ok(mut cache) = self.subscriptions.write() else {
                return Claim::Lost;
            };
            match cache.get_mut(id) {
                Some(entry)
                    if entry.kind == SubscriptionKind::Action
                        && entry.intent == Intent::Enabled =>
                {
                    entry.intent = Intent::Deleted;
                }
                _ => return Claim::Lost,
            }
        }
        let slot = self
            .waits
            .lock()
            .ok()
            .and_then(|mut waits| waits.remove(id));
        let Some(slot) = slot else {
            return Claim::Won(None);
        };
        if abort_timer {
            if let Some(timer) = &slot.deadline {
                timer.abort();
            }
        }
        Claim::Won(slot.sender)
    }

    /// Undo a claim whose callback could not be stored, so the wait goes on.
    pub(crate) fn unclaim_wait(
        &self,
        id: &SubscriptionId,
        sender: Option<oneshot::Sender<WaitEvent>>,
    ) {
        if let Ok(mut cache) = self.subscriptions.write() {
            if let Some(entry) = cache.get_mut(id) {
                entry.intent = Intent::Enabled;
            }
        }
        if let Ok(mut waits) = self.waits.lock() {
            waits.insert(
                id.clone(),
                WaitSlot {
                    sender,
                    deadline: None,
                },
            );
        }
    }

    /// Record how a claimed wait ended and unsubscribe (errors are logged; the sweeper retries).
    pub(crate) async fn finish_wait(&self, id: &SubscriptionId, outcome: &str) {
        let _lock = self.lock_subscription(id).await;
        let mut record = match self.load(id).await {
            Ok(record) => record,
            Err(error) => {
                tracing::warn!(subscription = %id, %error, "cannot finish the wait");
                return;
            }
        };
        record.intent = Intent::Deleted;
        if record.outcome.is_none() {
            record.outcome = Some(outcome.to_owned());
        }
        if let Err(error) = self.save(&mut record).await {
            tracing::warn!(subscription = %id, %error, "cannot record the end of the wait");
            return;
        }
        if let Err(error) = self.unsubscribe_locked(&mut record).await {
            tracing::warn!(subscription = %id, %error, "unsubscribe after the wait failed; the sweeper retries");
        }
    }

    /// Start the timer that ends a wait at its deadline.
    pub(crate) fn arm_deadline(
        self: &Arc<Self>,
        id: SubscriptionId,
        deadline_ms: i64,
    ) -> AbortHandle {
        let weak: Weak<HostInner> = Arc::downgrade(self);
        let remaining = u64::try_from(deadline_ms.saturating_sub(now_ms())).unwrap_or(0);
        let task = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(remaining)).await;
            let Some(inner) = weak.upgrade() else {
                return;
            };
            if let Claim::Won(sender) = inner.claim_wait(&id, false) {
                let handed_over = match sender {
                    Some(sender) => sender.send(WaitEvent::TimedOut).is_ok(),
                    None => false,
                };
                if !handed_over {
                    // Boxed: the timer task lives as long as the wait, and an unboxed
                    // unsubscribe future would make every pending timer kilobytes large.
                    Box::pin(inner.finish_wait(&id, "timed_out")).await;
                }
            }
        });
        task.abort_handle()
    }

    /// Attach a deadline timer to a slot, unless the wait already ended.
    fn attach_timer(self: &Arc<Self>, id: &SubscriptionId, deadline_ms: i64) {
        let timer = self.arm_deadline(id.clone(), deadline_ms);
        let attached = match self.waits.lock() {
            Ok(mut waits) => match waits.get_mut(id) {
                Some(slot) => {
                    slot.deadline = Some(timer.clone());
                    true
                }
                None => false,
            },
            Err(_) => false,
        };
        if !attached {
            timer.abort();
        }
    }
}

enum Pending<N> {
    Waiting(oneshot::Receiver<WaitEvent>),
    Ready(Result<Callback<N>>),
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
    pub async fn wait(self, cancel: impl Future<Output = ()>) -> Result<Callback<N>> {
        let PendingWait {
            host,
            id,
            parse,
            pending,
        } = self;
        let mut receiver = match pending {
            Pending::Ready(result) => return result,
            Pending::Waiting(receiver) => receiver,
        };
        tokio::pin!(cancel);
        let event = tokio::select! {
            event = &mut receiver => event,
            _ = &mut cancel => {
                if let Claim::Won(_) = host.inner.claim_wait(&id, true) {
                    Box::pin(host.inner.finish_wait(&id, "cancelled")).await;
                    return Err(Error::WaitCancelled(id));
                }
                // A callback or the deadline got there first; its event is on the way.
                receiver.await
            }
        };
        match event {
            // Boxed, so a pending `wait()` future stays small (it may be held for hours).
            Ok(WaitEvent::Callback { headers, body }) => {
                Box::pin(host.inner.finish_wait(&id, "completed")).await;
                to_callback(&parse, headers, &body)
            }
            Ok(WaitEvent::TimedOut) => {
                Box::pin(host.inner.finish_wait(&id, "timed_out")).await;
                Err(Error::WaitTimedOut(id))
            }
            Err(_) => Err(Error::ShutDown),
        }
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
        if let Ok(mut waits) = self.inner.waits.lock() {
            waits.insert(
                id.clone(),
                WaitSlot {
                    sender: Some(sender),
                    deadline: None,
                },
            );
        }
        let guard = self.inner.lock_subscription(&id).await;
        let mut record =
            SubscriptionRecord::new(id.clone(), action.name(), SubscriptionKind::Action);
        record.deadline_ms = Some(deadline_ms);
        let subscribed = self.inner.subscribe(&mut record, action, connection).await;
        if let Err(error) = subscribed {
            if let Ok(mut waits) = self.inner.waits.lock() {
                waits.remove(&id);
            }
            record.intent = Intent::Deleted;
            record.outcome = Some("failed".into());
            if let Err(store_error) = self.inner.save(&mut record).await {
                tracing::warn!(subscription = %id, %store_error, "cannot record the failed wait");
            }
            return Err(error);
        }
        drop(guard);
        self.inner.attach_timer(&id, deadline_ms);
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
        let record = self.inner.load(id).await?;
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
            pending: Pending::Ready(result),
        };
        let (sender, receiver) = oneshot::channel();
        let mut sender = Some(sender);
        let still_waiting = self
            .inner
            .cached(id)
            .is_some_and(|c| c.intent == Intent::Enabled);
        if still_waiting {
            if let Ok(mut waits) = self.inner.waits.lock() {
                if let Some(slot) = waits.get_mut(id) {
                    slot.sender = sender.take();
                }
            }
            if sender.is_some() {
                // No slot yet (resume was not called): create it with a timer.
                if let Ok(mut waits) = self.inner.waits.lock() {
                    waits.insert(
                        id.clone(),
                        WaitSlot {
                            sender: sender.take(),
                            deadline: None,
                        },
                    );
                }
                self.inner
                    .attach_timer(id, record.deadline_ms.unwrap_or_else(now_ms));
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
        // The wait has ended: the stored callback, or how it ended.
        let deliveries = self.inner.store.deliveries_of(id).await?;
        if let Some(first) = deliveries.into_iter().next() {
            let callback = to_callback(&registration.parse, first.headers, &first.body);
            return Ok(ready(callback));
        }
        let result = match record.outcome.as_deref() {
            Some("cancelled") => Err(Error::WaitCancelled(id.clone())),
            Some("timed_out") => Err(Error::WaitTimedOut(id.clone())),
            _ => Err(Error::invalid_state(
                id,
                "ended without a callback",
                "rejoin a wait",
            )),
        };
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
            if let Claim::Won(_) = self.inner.claim_wait(id, true) {
                let inner = self.inner.clone();
                let id = id.clone();
                let outcome = if has_callback {
                    "completed"
                } else {
                    "timed_out"
                };
                tokio::spawn(async move { inner.finish_wait(&id, outcome).await });
            }
            return Ok(false);
        }
        if let Ok(mut waits) = self.inner.waits.lock() {
            waits.entry(id.clone()).or_insert(WaitSlot {
                sender: None,
                deadline: None,
            });
        }
        self.inner
            .attach_timer(id, record.deadline_ms.unwrap_or_else(now_ms));
        Ok(true)
    }
}
