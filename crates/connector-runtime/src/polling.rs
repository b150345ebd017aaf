//! Hosting polling triggers durably (Logic Apps' polling trigger contract for custom APIs).
//!
//! Each polling subscription has a cursor in the store ([`PollState`]: the next poll's
//! request, which carries the trigger state, and a version). One timer task per host drives a
//! deadline queue of every poller ([`PollTable`]); a due poll runs as a short task (at most
//! [`PollingOptions::with_max_concurrent_polls`] at once):
//!
//! 1. hold the subscription's poll lease in the store (one poller per subscription even with
//!    several processes on one store);
//! 2. send the cursor's request once: **200** → new data (the body is one item for `single`;
//!    for `batch` its items array, with `x-ms-pageable` next links followed within the poll),
//!    **202** (or another 2xx) → no new data; 408, 429, 5xx and transport errors are retried
//!    with the host's [`crate::RetryPolicy`] and `Retry-After`, the cursor untouched; any other
//!    answer marks the subscription `failed`, the answer kept on the record for the operator;
//! 3. commit: the items go to the inbox and the cursor moves to the answer's `Location` in
//!    **one transaction**, refused when the stored version moved on (a stale poller never moves
//!    the state backwards). A crash before the commit re-polls the same state; after it, the
//!    items are pending in the inbox and dispatched at least once. Items with an id are stored
//!    once per subscription (the inbox's dedupe, bounded by the inbox retention);
//! 4. hand the new rows to the trigger's dispatch queue (the same path as webhook callbacks)
//!    and queue the next poll after `Retry-After`, else the interval.

use std::any::TypeId;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::LOCATION;
use serde_json::Value;

use crate::dispatch::{DispatchQueue, Job};
use crate::error::{Error, Result};
use crate::handler::{HandlerFn, Item, ParseFn};
use crate::headers::DeliveryHeaders;
use crate::host::Host;
use crate::http_client::{retry_after, retryable_status, Answer, SendError};
use crate::lifecycle::{absolute, is_success, truncate};
use crate::poll_table::DuePoll;
use crate::pollers::{millis, PollShape, PollStats};
use crate::redact::redact_url;
use crate::registry::{Connection, Registration, TriggerOptions};
use crate::runtime::HostInner;
use crate::store::{
    headers_to_json, now_ms, Intent, NewDelivery, PollCommit, PollCommitOutcome, PollState,
    SubscriptionKind, SubscriptionRecord, SubscriptionState,
};
use crate::subscriptions::CachedSubscription;
use crate::{PollingTrigger, RequestSpec, SubscriptionId};

/// Pages read in one poll at most. An answer with more is read in chunks: the items of a chunk
/// are stored with a cursor on the next page and, beside it, the answer's `Location` (the
/// state after *all* its pages, which must not be reached with pages unread), and the next
/// chunk is polled at once. So a trigger any number of pages behind catches up, and memory per
/// poll stays bounded.
const MAX_PAGES_PER_POLL: usize = 1000;

/// What one poll came to.
enum Outcome {
    /// New data (maybe none) and where the next poll goes: the next request, and while an
    /// answer's pages are read in chunks, where to go after its last page.
    Answered {
        items: Vec<NewDelivery>,
        next: Box<NextCursor>,
        retry_after: Option<Duration>,
    },
    /// Try again per the retry policy; the cursor stays.
    Retry {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// The API refused the poll for good: the subscription fails.
    Refused { status: u16, body: String },
}

/// Where the next poll of a subscription goes, as a poll's commit stores it.
struct NextCursor {
    request: RequestSpec,
    after_pages: Option<RequestSpec>,
}

/// A next page answered `status` outside 2xx: the poll is tried again from its cursor.
fn page_failed(status: u16) -> Outcome {
    Outcome::Retry {
        reason: format!("next page answered {status}"),
        retry_after: None,
    }
}

/// The request for a next-page link (a plain GET: the link carries its own state).
fn page_request(url: String) -> RequestSpec {
    RequestSpec {
        method: "GET".to_owned(),
        url,
        ..RequestSpec::default()
    }
}

impl HostInner {
    /// Fire the due polls (the poll timer's callback); returns the next deadline.
    pub(crate) fn start_due_polls(self: &Arc<Self>) -> Option<i64> {
        let (due, next) = match self.pollers.table.lock() {
            Ok(mut table) => table.pop_due(now_ms()),
            Err(_) => return None,
        };
        for poll in due {
            let inner = self.clone();
            tokio::spawn(async move {
                let Ok(_permit) = inner.pollers.permits.clone().acquire_owned().await else {
                    return;
                };
                if inner.is_shut_down() {
                    return;
                }
                let lag = now_ms().saturating_sub(poll.due_ms);
                inner.pollers.lag.record(u64::try_from(lag).unwrap_or(0));
                inner.poll(poll).await;
            });
        }
        next
    }

    /// One poll of one subscription, from lease to re-arm.
    async fn poll(&self, poll: DuePoll) {
        let pollers = &self.pollers;
        let lease_ttl = millis(pollers.options.lease_ttl);
        let owner = pollers.owner.clone();
        let now = now_ms();
        // Hold the lease through this poll and past the next one's start; renewing only when
        // it runs short keeps a steady poller at one store write per changed state.
        let cursor = match poll.cursor.clone() {
            Some(cursor) if cursor.lease_until_ms > now + lease_ttl / 2 => cursor,
            _ => match self
                .store
                .claim_poll_lease(&poll.id, &owner, now, now + lease_ttl)
                .await
            {
                Ok(Some(cursor)) => cursor,
                Ok(None) => {
                    // Another process polls it (or its cursor is gone): look again when a
                    // lease it holds could have run out.
                    tracing::debug!(subscription = %poll.id, "poll lease held elsewhere");
                    pollers.rearm(&poll, now + lease_ttl / 2, None, 0);
                    return;
                }
                Err(error) => {
                    tracing::warn!(subscription = %poll.id, %error, "cannot claim the poll lease");
                    pollers.rearm(&poll, now + lease_ttl / 4, None, poll.failures);
                    return;
                }
            },
        };
        let interval = pollers.interval_ms(&cursor);
        let (Some(registration), Some(shape)) = (
            self.registration(&poll.trigger),
            pollers.shape(&poll.trigger),
        ) else {
            tracing::warn!(subscription = %poll.id, trigger = %poll.trigger, "polling trigger not registered; polling later");
            pollers.rearm(&poll, now + interval, Some(cursor), poll.failures);
            return;
        };
        pollers.polls.fetch_add(1, Ordering::Relaxed);
        let outcome = self
            .poll_answer(&poll.id, &cursor, &registration.connection, &shape)
            .await;
        match outcome {
            Outcome::Answered {
                items,
                next,
                retry_after,
            } => {
                let next_poll = now_ms() + retry_after.map(millis).unwrap_or(interval);
                self.commit_poll(&poll, cursor, items, *next, next_poll, &registration)
                    .await;
            }
            Outcome::Retry {
                reason,
                retry_after,
            } => {
                let failures = poll.failures.saturating_add(1);
                let policy = self.outbound.policy();
                if failures > policy.retries() {
                    // Like a failed trigger run: recorded, and polling goes on at the interval.
                    tracing::warn!(subscription = %poll.id, %reason, "poll failed after retries; polling again at the interval");
                    self.note_poll_error(&poll.id, &format!("poll failed: {reason}"))
                        .await;
                    pollers.rearm(&poll, now_ms() + interval, Some(cursor), 0);
                } else {
                    let wait = millis(policy.interval(failures, retry_after));
                    tracing::info!(subscription = %poll.id, %reason, retry = failures, wait_ms = wait, "poll will be retried");
                    pollers.rearm(&poll, now_ms() + wait, Some(cursor), failures);
                }
            }
            Outcome::Refused { status, body } => {
                self.fail_poller(&poll.id, status, &body).await;
            }
        }
    }

    /// Send the cursor's request (and the pages after it) once and read the answer.
    async fn poll_answer(
        &self,
        id: &SubscriptionId,
        cursor: &PollState,
        connection: &Connection,
        shape: &PollShape,
    ) -> Outcome {
        let request = &cursor.next_request;
        let answer = match self.send_poll(request, connection).await {
            Ok(answer) => answer,
            Err(outcome) => return outcome,
        };
        if !is_success(answer.status) {
            if cursor.after_pages.is_some() {
                // A page of a chunked answer, as a page within one poll: tried again.
                return page_failed(answer.status);
            }
            return Outcome::Refused {
                status: answer.status,
                body: truncate(&answer.body),
            };
        }
        // Where polling goes once this answer's pages are read: the Location stored with the
        // pages of a chunked answer, else this answer's Location, else the same request.
        let after = match &cursor.after_pages {
            Some(after) => after.clone(),
            None => {
                let location = answer
                    .headers
                    .get(LOCATION)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| answer.url.join(value.trim()).ok());
                match location {
                    Some(url) => RequestSpec {
                        method: "GET".to_owned(),
                        url: url.to_string(),
                        query: Vec::new(),
                        headers: request.headers.clone(),
                        body: None,
                    },
                    None => request.clone(),
                }
            }
        };
        let retry_after = retry_after(&answer.headers, SystemTime::now());
        let (items, more) = if answer.status == 202 || answer.body.trim().is_empty() {
            (Vec::new(), None)
        } else {
            match self.collect_items(id, answer, connection, shape).await {
                Ok(chunk) => chunk,
                Err(outcome) => return outcome,
            }
        };
        match more {
            // Pages remain: store this chunk, then read the next one at once.
            Some(next_page) => Outcome::Answered {
                items,
                next: Box::new(NextCursor {
                    request: page_request(next_page),
                    after_pages: Some(after),
                }),
                retry_after: Some(Duration::ZERO),
            },
            None => Outcome::Answered {
                items,
                next: Box::new(NextCursor {
                    request: after,
                    after_pages: None,
                }),
                retry_after,
            },
        }
    }

    /// Send once; 408, 429, 5xx and transport errors become [`Outcome::Retry`].
    async fn send_poll(
        &self,
        request: &RequestSpec,
        connection: &Connection,
    ) -> std::result::Result<Answer, Outcome> {
        // Retries are the scheduler's (a retry waits in the deadline queue, not in a task), so
        // the request is sent as the policy's last attempt: exactly once.
        let last_attempt = self.outbound.policy().retries();
        let sent = self
            .outbound
            .send_once_sent(
                request,
                &connection.base_url,
                &connection.auth,
                last_attempt,
            )
            .await;
        match sent {
            Ok(answer) if retryable_status(answer.status) => Err(Outcome::Retry {
                reason: format!("answered {}", answer.status),
                retry_after: retry_after(&answer.headers, SystemTime::now()),
            }),
            Ok(answer) => Ok(answer),
            Err(SendError::Url { url, reason }) => Err(Outcome::Refused {
                status: 0,
                body: format!("invalid poll URL {url}: {reason}"),
            }),
            Err(SendError::Transport(reason) | SendError::OutcomeUnknown { reason, .. }) => {
                Err(Outcome::Retry {
                    reason,
                    retry_after: None,
                })
            }
        }
    }

    /// The items of a 200 answer and of the pages its next links lead to, up to
    /// [`MAX_PAGES_PER_POLL`] pages; with the next page's URL when more remain.
    async fn collect_items(
        &self,
        id: &SubscriptionId,
        answer: Answer,
        connection: &Connection,
        shape: &PollShape,
    ) -> std::result::Result<(Vec<NewDelivery>, Option<String>), Outcome> {
        let headers: Vec<(String, String)> = answer
            .headers
            .iter()
            .filter_map(|(name, value)| {
                value
                    .to_str()
                    .ok()
                    .map(|v| (name.as_str().to_owned(), v.to_owned()))
            })
            .collect();
        let headers_json = headers_to_json(&headers);
        let mut values = Vec::new();
        let mut page = answer;
        let mut more = None;
        // Pages read in this poll, to end a `nextLink` cycle (a broken API's) instead of
        // reading it in chunks forever.
        let mut read = std::collections::HashSet::new();
        for pages in 1.. {
            read.insert(page.url.to_string());
            let mut body: Value = serde_json::from_str(&page.body).map_err(|e| Outcome::Retry {
                reason: format!("the answer is not JSON: {e}"),
                retry_after: None,
            })?;
            let next = if shape.batch {
                next_page(&body, shape.next_link.as_deref(), &page.url)
            } else {
                None
            };
            values.extend(items_of(&mut body, shape).map_err(|reason| Outcome::Retry {
                reason,
                retry_after: None,
            })?);
            let Some(next) = next else {
                break;
            };
            if read.contains(&next) {
                tracing::warn!(subscription = %id, page = %redact_url(&next), "nextLink leads back to a page this poll read; the answer ends here");
                self.note_poll_error(
                    id,
                    "the answer's nextLink leads back to a page already read",
                )
                .await;
                break;
            }
            if pages >= MAX_PAGES_PER_POLL {
                more = Some(next);
                break;
            }
            page = self.send_poll(&page_request(next), connection).await?;
            if !is_success(page.status) {
                return Err(page_failed(page.status));
            }
        }
        let items = values
            .into_iter()
            .map(|value| {
                let delivery_id = shape
                    .item_id
                    .as_deref()
                    .and_then(|pointer| crate::lifecycle::id_in(&value, Some(pointer)));
                NewDelivery {
                    subscription: id.clone(),
                    delivery_id,
                    headers_json: headers_json.clone(),
                    body: Bytes::from(value.to_string()),
                    // This host dispatches the rows it stores; no other claims them meanwhile.
                    lease: Some(self.inbox.lease()),
                }
            })
            .collect();
        Ok((items, more))
    }

    /// Store the poll's items and advance the cursor in one transaction, then dispatch the
    /// new rows and queue the next poll.
    async fn commit_poll(
        &self,
        poll: &DuePoll,
        cursor: PollState,
        items: Vec<NewDelivery>,
        next: NextCursor,
        next_poll_ms: i64,
        registration: &Registration,
    ) {
        let pollers = &self.pollers;
        let lease_ttl = millis(pollers.options.lease_ttl);
        let NextCursor {
            request: next_request,
            after_pages,
        } = next;
        let unchanged = items.is_empty()
            && next_request == cursor.next_request
            && after_pages == cursor.after_pages
            && cursor.lease_until_ms >= next_poll_ms + lease_ttl / 2;
        if unchanged {
            // Nothing to store: no write at all for a quiet poll.
            pollers.rearm(poll, next_poll_ms, Some(cursor), 0);
            return;
        }
        let commit = PollCommit {
            subscription: poll.id.clone(),
            expected_version: cursor.version,
            owner: pollers.owner.to_string(),
            next_request,
            after_pages,
            next_poll_ms,
            lease_until_ms: next_poll_ms + lease_ttl,
            items,
        };
        let bodies: Vec<(Bytes, String)> = commit
            .items
            .iter()
            .map(|item| (item.body.clone(), item.headers_json.clone()))
            .collect();
        let next_cursor = PollState {
            next_request: commit.next_request.clone(),
            after_pages: commit.after_pages.clone(),
            next_poll_ms,
            lease_until_ms: commit.lease_until_ms,
            lease_owner: Some(commit.owner.clone()),
            ..cursor.clone()
        };
        match self.store.commit_poll(commit).await {
            Ok(PollCommitOutcome::Committed { version, inserted }) => {
                pollers
                    .items
                    .fetch_add(inserted.len() as u64, Ordering::Relaxed);
                let next_cursor = PollState {
                    version,
                    ..next_cursor
                };
                pollers.rearm(poll, next_poll_ms, Some(next_cursor), 0);
                if let Some(queue) = &registration.dispatch {
                    self.dispatch_polled(queue, &bodies, inserted).await;
                }
            }
            Ok(PollCommitOutcome::Stale) => {
                // Someone else moved the cursor (another process, an update): read it again.
                tracing::info!(subscription = %poll.id, "poll result stale; not stored");
                pollers.rearm(poll, next_poll_ms, None, 0);
            }
            Err(error) => {
                // Nothing stored: the same state is polled again.
                tracing::warn!(subscription = %poll.id, %error, "cannot store the poll");
                let wait = millis(self.outbound.policy().interval(1, None));
                pollers.rearm(poll, now_ms() + wait, None, poll.failures);
            }
        }
    }

    /// Hand newly stored rows to the trigger's queue (waiting for room: the poller slows down
    /// rather than dropping anything; the rows are pending in the store either way).
    async fn dispatch_polled(
        &self,
        queue: &DispatchQueue,
        bodies: &[(Bytes, String)],
        inserted: Vec<(usize, i64)>,
    ) {
        for (index, row) in inserted {
            let Some((body, headers_json)) = bodies.get(index) else {
                continue;
            };
            if !self.inbox.hold(row) {
                continue;
            }
            let headers = serde_json::from_str(headers_json).unwrap_or_default();
            let job = Job {
                inbox_id: row,
                headers: DeliveryHeaders::Stored(headers),
                body: body.clone(),
                items: None,
            };
            if !queue.send(job).await {
                self.inbox.release(row);
            }
        }
    }

    /// Record an error on the subscription without changing its state.
    async fn note_poll_error(&self, id: &SubscriptionId, error: &str) {
        let Ok(_lock) = self.subscriptions.lock(id).await else {
            return;
        };
        if let Ok(mut record) = self.subscriptions.load(id).await {
            if record.state == SubscriptionState::Active {
                record.last_error = Some(error.to_owned());
                if let Err(error) = self.subscriptions.save(&mut record).await {
                    tracing::warn!(subscription = %id, %error, "cannot record the poll error");
                }
            }
        }
    }

    /// The API refused a poll (4xx other than 408 and 429): stop polling and mark the
    /// subscription failed, keeping the answer for the operator.
    async fn fail_poller(&self, id: &SubscriptionId, status: u16, body: &str) {
        let _lock = match self.subscriptions.lock(id).await {
            Ok(lock) => lock,
            Err(error) => {
                tracing::error!(subscription = %id, %error, "cannot lock the poller to fail it");
                return;
            }
        };
        if !self.pollers.contains(id) {
            return;
        }
        // Recorded before the poller leaves the table, so a host without the poller shows
        // the subscription failed (the lock keeps other changes out meanwhile).
        self.record_poller_failure(id, status, body).await;
        self.pollers.remove(id);
    }

    async fn record_poller_failure(&self, id: &SubscriptionId, status: u16, body: &str) {
        tracing::warn!(subscription = %id, status, "poll refused; the subscription is failed");
        match self.subscriptions.load(id).await {
            Ok(mut record) => {
                record.state = SubscriptionState::Failed;
                record.subscribe_status = Some(status);
                record.subscribe_body = Some(body.to_owned());
                record.last_error = Some(match status {
                    0 => format!("poll failed: {body}"),
                    _ => format!("poll answered {status}; polling stopped"),
                });
                if let Err(error) = self.subscriptions.save(&mut record).await {
                    tracing::error!(subscription = %id, %error, "cannot mark the poller failed");
                }
            }
            Err(error) => tracing::error!(subscription = %id, %error, "cannot load the poller"),
        }
    }

    /// Whether `id` is a polling subscription this host knows.
    pub(crate) fn is_poller(&self, trigger: &str) -> bool {
        self.pollers.is_polling_trigger(trigger)
    }

    /// Stop a poller (disable, delete): no API call, the cursor is removed so a poll in
    /// flight commits nothing. The caller holds the subscription's lock.
    pub(crate) async fn stop_poller(&self, record: &mut SubscriptionRecord) -> Result<()> {
        self.pollers.remove(&record.id);
        self.store.delete_poll_state(&record.id).await?;
        record.state = SubscriptionState::Gone;
        self.subscriptions.save(record).await
    }

    /// Schedule every stored active poller (after a restart); returns how many.
    pub(crate) async fn resume_pollers(&self) -> Result<usize> {
        let mut resumed = 0;
        for state in self.store.poll_states().await? {
            // From the store when this host has not cached it yet: another replica sharing
            // the store may have enabled it a moment ago.
            let Some(cached) = self.subscriptions.find(&state.subscription).await? else {
                continue;
            };
            if self.schedule_stored_poller(&state, &cached) {
                resumed += 1;
            }
        }
        Ok(resumed)
    }

    /// A subscription changed in the store (perhaps on another replica sharing it): once
    /// resumed, poll it here too when it is an active poller this host does not run yet, so
    /// a replica takes over the polling of another that stopped (the poll lease keeps it to
    /// one poller at a time); stop polling it here when it was disabled, deleted or failed.
    pub(crate) async fn follow_poller(&self, record: &SubscriptionRecord) -> Result<()> {
        let live = record.state == SubscriptionState::Active && record.intent == Intent::Enabled;
        if !live {
            self.pollers.remove(&record.id);
            return Ok(());
        }
        let resumed = self.resumed.load(std::sync::atomic::Ordering::SeqCst);
        if !resumed
            || record.kind != SubscriptionKind::Trigger
            || !self.is_poller(&record.trigger)
            || self.pollers.contains(&record.id)
        {
            return Ok(());
        }
        let (Some(state), Some(cached)) = (
            self.store.poll_state(&record.id).await?,
            self.subscriptions.cached(&record.id),
        ) else {
            return Ok(());
        };
        self.schedule_stored_poller(&state, &cached);
        Ok(())
    }

    /// Schedule the poller of a stored cursor if it is active and not scheduled here yet;
    /// whether this host now runs it (scheduled here or a moment before, by a change heard
    /// from the store).
    fn schedule_stored_poller(&self, state: &PollState, cached: &CachedSubscription) -> bool {
        if cached.state != SubscriptionState::Active || cached.intent != Intent::Enabled {
            return false;
        }
        if self.pollers.contains(&state.subscription) {
            return true;
        }
        let interval = self.pollers.interval_ms(state);
        let due = self.pollers.spread_start(state.next_poll_ms, interval);
        self.pollers
            .schedule(state.subscription.clone(), cached.trigger.clone(), due);
        true
    }
}

/// The items of one answer body: the body for `single`; for `batch` the array at the
/// trigger's pointer, else the body itself or its `value`. An absent or null array is none.
fn items_of(body: &mut Value, shape: &PollShape) -> std::result::Result<Vec<Value>, String> {
    if !shape.batch {
        return Ok(vec![body.take()]);
    }
    let array = match shape.items_from.as_deref() {
        Some(pointer) => body.pointer_mut(pointer),
        None if body.is_array() => Some(body),
        None => body.get_mut("value"),
    };
    match array.map(Value::take) {
        Some(Value::Array(items)) => Ok(items),
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(_) => Err("the batch answer holds no items array".to_owned()),
    }
}

/// The next page's URL, when the answer links one on its own origin (credentials never go to
/// another host).
fn next_page(body: &Value, pointer: Option<&str>, answered: &url::Url) -> Option<String> {
    let link = body.pointer(pointer?)?.as_str()?.trim();
    if link.is_empty() {
        return None;
    }
    let next = answered.join(link).ok()?;
    if next.origin() != answered.origin() {
        tracing::warn!(link = %redact_url(next.as_str()), "next page on another origin: not followed");
        return None;
    }
    Some(next.to_string())
}

/// The parser of a polling trigger's stored rows: each row is one item.
fn item_parser<T: PollingTrigger>() -> ParseFn {
    Arc::new(|bytes: &[u8]| {
        let item: T::Item = serde_json::from_slice(bytes)?;
        Ok(vec![Box::new(item) as Item])
    })
}

impl Host {
    /// Register a polling trigger (see [`Host::register_with`]).
    pub(crate) fn install_polling<T: PollingTrigger>(
        &self,
        trigger: &T,
        connection: Connection,
        options: TriggerOptions,
        handler: HandlerFn,
    ) -> Result<()> {
        let name = trigger.name().to_owned();
        let shape = PollShape {
            batch: trigger.batch(),
            items_from: trigger.items_from().map(str::to_owned),
            item_id: trigger.item_id().map(str::to_owned),
            next_link: trigger.next_link().map(str::to_owned),
        };
        self.inner
            .pollers
            .shapes
            .write()
            .map_err(|_| Error::Config("polling registry lock poisoned".into()))?
            .insert(name.clone(), Arc::new(shape));
        let parse = item_parser::<T>();
        self.install_trigger(
            name,
            TypeId::of::<T::Item>(),
            connection,
            options,
            parse,
            handler,
        )
    }

    /// Start polling `trigger` (registered earlier by name) and return the new subscription's
    /// id. Nothing is sent to the API before the first poll, which is due within the start
    /// spread.
    pub(crate) async fn enable_polling<T: PollingTrigger>(
        &self,
        trigger: &T,
    ) -> Result<SubscriptionId> {
        let registration = self.polling_registration(trigger)?;
        let id = SubscriptionId::generate();
        let _lock = self.inner.subscriptions.lock(&id).await?;
        let mut record =
            SubscriptionRecord::new(id.clone(), trigger.name(), SubscriptionKind::Trigger);
        self.start_poller(&mut record, trigger, &registration, 1)
            .await?;
        Ok(id)
    }

    /// Replace a polling subscription's parameters: polling starts over from the new first
    /// request (no state) under the same id.
    pub(crate) async fn update_polling<T: PollingTrigger>(
        &self,
        id: &SubscriptionId,
        trigger: &T,
    ) -> Result<()> {
        let registration = self.polling_registration(trigger)?;
        let _lock = self.inner.subscriptions.lock(id).await?;
        let mut record = self.inner.subscriptions.load(id).await?;
        if record.intent != Intent::Enabled || record.state != SubscriptionState::Active {
            return Err(Error::invalid_state(id, record.state.as_str(), "update"));
        }
        // A version past the old one: a poll of the old parameters in flight commits nothing.
        let version = match self.inner.store.poll_state(id).await? {
            Some(old) => old.version + 1,
            None => 1,
        };
        self.start_poller(&mut record, trigger, &registration, version)
            .await
    }

    /// Counters of this host's polls (polls sent, items stored, scheduling lag).
    pub fn poll_stats(&self) -> PollStats {
        let pollers = &self.inner.pollers;
        PollStats {
            polls: pollers.polls.load(Ordering::Relaxed),
            items: pollers.items.load(Ordering::Relaxed),
            lag_p50_ms: pollers.lag.quantile(0.5),
            lag_p99_ms: pollers.lag.quantile(0.99),
            lag_max_ms: pollers.lag.max.load(Ordering::Relaxed),
        }
    }

    /// Start the counters of [`Host::poll_stats`] over (e.g. after a warm-up).
    pub fn reset_poll_stats(&self) {
        let pollers = &self.inner.pollers;
        pollers.polls.store(0, Ordering::Relaxed);
        pollers.items.store(0, Ordering::Relaxed);
        pollers.lag.reset();
    }

    /// How many pollers this host drives now.
    pub fn active_pollers(&self) -> usize {
        self.inner
            .pollers
            .table
            .lock()
            .map(|t| t.len())
            .unwrap_or(0)
    }

    fn polling_registration<T: PollingTrigger>(&self, trigger: &T) -> Result<Arc<Registration>> {
        let name = trigger.name();
        let registration = self
            .inner
            .registration(name)
            .filter(|_| self.inner.is_poller(name))
            .ok_or_else(|| Error::NotRegistered(name.to_owned()))?;
        if registration.type_id != TypeId::of::<T::Item>() {
            return Err(Error::TypeMismatch(name.to_owned()));
        }
        Ok(registration)
    }

    /// Store a fresh cursor at `version`, mark the record active and queue its first poll.
    /// The caller holds the subscription's lock.
    async fn start_poller<T: PollingTrigger>(
        &self,
        record: &mut SubscriptionRecord,
        trigger: &T,
        registration: &Registration,
        version: i64,
    ) -> Result<()> {
        let first = absolute(&trigger.first_request()?, &registration.connection.base_url)?;
        let interval = millis(trigger.interval());
        let pollers = &self.inner.pollers;
        let mut state = PollState::new(record.id.clone(), first, interval, now_ms());
        state.version = version;
        state.next_poll_ms = pollers.spread_start(now_ms(), pollers.interval_ms(&state));
        // The cursor first: a crash before the record is active leaves a cursor nobody polls.
        self.inner.store.put_poll_state(&state).await?;
        record.trigger = trigger.name().to_owned();
        record.state = SubscriptionState::Active;
        record.last_error = None;
        self.inner.subscriptions.save(record).await?;
        pollers.schedule(
            record.id.clone(),
            Arc::from(trigger.name()),
            state.next_poll_ms,
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shape(batch: bool, items_from: Option<&str>) -> PollShape {
        PollShape {
            batch,
            items_from: items_from.map(str::to_owned),
            item_id: None,
            next_link: None,
        }
    }

    #[test]
    fn batch_items_come_from_the_body_its_value_or_a_pointer() {
        let mut body = json!([1, 2]);
        assert_eq!(items_of(&mut body, &shape(true, None)).unwrap().len(), 2);
        let mut body = json!({"value": [1, 2, 3], "nextLink": null});
        assert_eq!(items_of(&mut body, &shape(true, None)).unwrap().len(), 3);
        let mut body = json!({"data": {"events": [1]}});
        let items = items_of(&mut body, &shape(true, Some("/data/events"))).unwrap();
        assert_eq!(items, vec![json!(1)]);
        let mut body = json!({"value": null});
        assert!(items_of(&mut body, &shape(true, None)).unwrap().is_empty());
        let mut body = json!({"value": 3});
        assert!(items_of(&mut body, &shape(true, None)).is_err());
        let mut body = json!({"whole": true});
        assert_eq!(
            items_of(&mut body, &shape(false, None)).unwrap(),
            vec![json!({"whole": true})]
        );
    }

    #[test]
    fn next_pages_stay_on_the_answer_origin() {
        let at = url::Url::parse("http://127.0.0.1:5/events?page=1").unwrap();
        let body = json!({"nextLink": "/events?page=2", "other": "http://evil/x"});
        assert_eq!(
            next_page(&body, Some("/nextLink"), &at).as_deref(),
            Some("http://127.0.0.1:5/events?page=2")
        );
        assert_eq!(next_page(&body, Some("/other"), &at), None);
        assert_eq!(next_page(&body, None, &at), None);
        assert_eq!(
            next_page(&json!({"nextLink": ""}), Some("/nextLink"), &at),
            None
        );
    }
}
