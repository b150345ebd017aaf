//! Trigger lifecycle: register, enable (subscribe), disable/delete (unsubscribe), update, and
//! resume after a restart.

use std::any::TypeId;
use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use http::header::LOCATION;
use tracing::Instrument;

use crate::dispatch::{DispatchQueue, Job};
use crate::error::{Error, Result};
use crate::handler::{erase_handler, parser_for, HandlerError};
use crate::headers::DeliveryHeaders;
use crate::host::Host;
use crate::http_client::{resolve_url, SendError};
use crate::redact::redact_url;
use crate::registry::{Connection, Registration, TriggerOptions};
use crate::runtime::HostInner;
use crate::store::{HookLookup, Intent, SubscriptionKind, SubscriptionRecord, SubscriptionState};
use crate::{Callback, RequestSpec, SubscriptionId, UnsubscribeRoute, WebhookTrigger};

/// Header carrying a stable id per subscription on unsubscribe requests (as Logic Apps sends).
pub const TRACKING_ID_HEADER: &str = "x-ms-client-tracking-id";
/// Header carrying the trigger name on unsubscribe requests (as Logic Apps sends).
pub const OPERATION_NAME_HEADER: &str = "x-ms-workflow-operation-name";

/// Handled inbox rows deleted per store call when pruning.
const PRUNE_PAGE: usize = 5000;
/// How often the sweeper prunes the inbox.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Pages of inbox rows read at a time when redelivering.
const REDELIVERY_PAGE: usize = 500;

/// What [`Host::resume`] found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResumeReport {
    /// Trigger subscriptions active and receiving again.
    pub active: usize,
    /// Subscribes whose answer was never recorded (crash mid-subscribe), now marked failed.
    /// A hook may exist at the API; where the unsubscribe request was known beforehand, or the
    /// trigger can list the API's hooks ([`crate::WebhookTrigger::list_route`]), the runtime
    /// removes it in the background; otherwise the record stays `failed` for a person to check.
    pub orphaned: Vec<SubscriptionId>,
    /// Unsubscribes left pending and now retried in the background.
    pub unsubscribes_retried: usize,
    /// Inbox rows queued again for their handlers.
    pub redelivered: usize,
    /// Action waits still waiting for their callback.
    pub waits_pending: usize,
    /// Trigger names that stored subscriptions or deliveries refer to but nobody registered.
    pub unregistered: Vec<String>,
}

pub(crate) fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Percent-encode one path segment (everything but RFC 3986 unreserved characters).
fn encode_segment(text: &str) -> String {
    percent_encode(text, b"-._~")
}

/// Percent-encode every byte of `text` but ASCII letters, digits and the bytes in `keep`.
pub(crate) fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || keep.contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Whether an unsubscribe answer means the hook is gone: removed now (2xx) or already
/// (404, 410).
pub(crate) fn is_removed(status: u16) -> bool {
    is_success(status) || status == 404 || status == 410
}

/// The subscription id in a subscribe answer: at `pointer`, or at the usual places.
fn id_from_answer(body: &str, pointer: Option<&str>) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    id_in(&value, pointer)
}

/// The id in a JSON object (a subscribe answer, a listed hook): at `pointer`, or at the usual
/// places. Strings and numbers count; an empty string does not.
pub(crate) fn id_in(value: &serde_json::Value, pointer: Option<&str>) -> Option<String> {
    let candidates: Vec<&str> = match pointer {
        Some(pointer) => vec![pointer],
        None => vec![
            "/id",
            "/subscriptionId",
            "/webhookId",
            "/hookId",
            "/data/id",
        ],
    };
    candidates
        .into_iter()
        .find_map(|p| match value.pointer(p)? {
            serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
}

/// Make a spec's URL absolute (query folded in) so it can be stored and replayed without the
/// connection's base URL.
pub(crate) fn absolute(spec: &RequestSpec, base_url: &str) -> Result<RequestSpec> {
    let url = resolve_url(base_url, &spec.url, &spec.query).map_err(send_error_to_error)?;
    Ok(RequestSpec {
        method: spec.method.clone(),
        url: url.to_string(),
        query: Vec::new(),
        headers: spec.headers.clone(),
        body: spec.body.clone(),
    })
}

/// The unsubscribe request for a route, with the id substituted when the route needs one.
pub(crate) fn route_request(
    route: &UnsubscribeRoute,
    id: Option<&str>,
    base_url: &str,
) -> Result<Option<RequestSpec>> {
    if route.needs_id() && id.is_none() {
        return Ok(None);
    }
    let path = match (&route.id_param, id) {
        (Some(param), Some(id)) => route
            .path
            .replace(&format!("{{{param}}}"), &encode_segment(id)),
        _ => route.path.clone(),
    };
    let mut query = route.query.clone();
    if let (Some(name), Some(id)) = (&route.id_query, id) {
        query.push((name.clone(), id.to_owned()));
    }
    let spec = RequestSpec {
        method: route.method.clone(),
        url: path,
        query,
        headers: route.headers.clone(),
        body: None,
    };
    absolute(&spec, base_url).map(Some)
}

pub(crate) fn send_error_to_error(error: SendError) -> Error {
    match error {
        SendError::Url { url, reason } => Error::Url { url, reason },
        SendError::Transport(reason) | SendError::OutcomeUnknown { reason, .. } => {
            Error::Transport {
                operation: "request",
                reason,
            }
        }
    }
}

pub(crate) fn truncate(text: &str) -> String {
    const LIMIT: usize = 2000;
    if text.len() <= LIMIT {
        return text.to_owned();
    }
    let mut end = LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

impl HostInner {
    /// Subscribe `record` with `trigger`'s request. The caller holds the subscription's lock.
    pub(crate) async fn subscribe<T: WebhookTrigger>(
        &self,
        record: &mut SubscriptionRecord,
        trigger: &T,
        connection: &Connection,
    ) -> Result<()> {
        let callback = self.callback_url(&record.id);
        let spec = trigger.subscribe_request(&callback)?;
        let explicit = trigger.unsubscribe_request(&callback);
        let route = trigger.unsubscribe_route();
        // What is known before the answer is stored first, so a crash mid-subscribe leaves a
        // way to clean up.
        record.unsubscribe = match (&explicit, &route) {
            (Some(request), _) => Some(absolute(request, &connection.base_url)?),
            (None, Some(route)) if !route.needs_id() => {
                route_request(route, None, &connection.base_url)?
            }
            _ => None,
        };
        // Without it, listing the API's hooks is the only way to find what a lost answer made.
        record.lookup = match &record.unsubscribe {
            None => trigger.list_route().map(|list| HookLookup {
                list,
                unsubscribe: route.clone(),
            }),
            Some(_) => None,
        };
        record.trigger = trigger.name().to_owned();
        record.state = SubscriptionState::Subscribing;
        record.location = None;
        record.subscribe_status = None;
        record.subscribe_body = None;
        record.last_error = None;
        self.subscriptions.save(record).await?;

        let target = resolve_url(&connection.base_url, &spec.url, &spec.query)
            .map(|u| redact_url(u.as_str()))
            .unwrap_or_else(|_| redact_url(&spec.url));
        let span = tracing::info_span!(
            "subscribe",
            subscription = %record.id,
            trigger = %record.trigger,
            method = %spec.method,
            url = %target,
        );
        let mut first_retry = 0;
        let answer = loop {
            let answer = self
                .outbound
                .send_once_sent(&spec, &connection.base_url, &connection.auth, first_retry)
                .instrument(span.clone())
                .await;
            match answer {
                Ok(answer) => break answer,
                Err(SendError::OutcomeUnknown { reason, retry }) => {
                    // The API may have created the hook: never POST again blindly.
                    self.after_unknown_subscribe(record, &reason, retry)
                        .instrument(span.clone())
                        .await?;
                    first_retry = retry.saturating_add(1);
                    let wait = self.outbound.policy().interval(first_retry, None);
                    tracing::info!(parent: &span, retry = first_retry, ?wait, "retrying the subscribe after cleaning up");
                    tokio::time::sleep(wait).await;
                }
                Err(error) => {
                    let error = match error {
                        SendError::Url { url, reason } => Error::Url { url, reason },
                        SendError::Transport(reason) | SendError::OutcomeUnknown { reason, .. } => {
                            Error::Transport {
                                operation: "subscribe",
                                reason,
                            }
                        }
                    };
                    // Only connection failures get here: the request never reached the API.
                    tracing::warn!(parent: &span, %error, "subscribe failed");
                    record.state = SubscriptionState::Failed;
                    record.last_error = Some(format!("subscribe failed: {error}"));
                    self.subscriptions.save(record).await?;
                    return Err(error);
                }
            }
        };
        record.subscribe_status = Some(answer.status);
        record.subscribe_body = Some(truncate(&answer.body));
        if !is_success(answer.status) {
            tracing::warn!(parent: &span, status = answer.status, "subscribe rejected");
            record.state = SubscriptionState::Failed;
            record.last_error = Some(format!("subscribe answered {}", answer.status));
            self.subscriptions.save(record).await?;
            return Err(Error::SubscribeRejected {
                status: answer.status,
                body: truncate(&answer.body),
            });
        }
        let location = answer
            .headers
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| answer.url.join(value.trim()).ok())
            .map(|url| url.to_string());
        record.location = location.clone();
        record.unsubscribe = if let Some(request) = explicit {
            Some(absolute(&request, &connection.base_url)?)
        } else if let Some(location) = location {
            Some(RequestSpec {
                method: "DELETE".to_owned(),
                url: location,
                ..RequestSpec::default()
            })
        } else if let Some(route) = &route {
            let id = id_from_answer(&answer.body, route.id_from.as_deref());
            route_request(route, id.as_deref(), &connection.base_url)?
        } else {
            None
        };
        if record.unsubscribe.is_none() && record.lookup.is_none() {
            tracing::warn!(
                parent: &span,
                "the subscribe answer has no Location header and the trigger has no usable \
                 unsubscribe route: the subscription is unmanaged and must be removed at the API \
                 by hand"
            );
            record.last_error =
                Some("unmanaged: no Location header and no unsubscribe route".into());
        }
        // A callback may already have finished an action wait while the subscribe was in
        // flight; keep that intent rather than overwrite it.
        if let Some(cached) = self.subscriptions.cached(&record.id) {
            record.intent = cached.intent;
        }
        record.state = SubscriptionState::Active;
        self.subscriptions.save(record).await?;
        tracing::info!(
            parent: &span,
            status = answer.status,
            managed = record.unsubscribe.is_some() || record.lookup.is_some(),
            "subscribed"
        );
        Ok(())
    }

    /// A subscribe was sent but its answer lost (attempt `retry`, 0-based): the API may hold a
    /// hook. Returns `Ok(())` when the subscribe may be sent again: the unsubscribe request was
    /// known beforehand, it succeeded, and retries remain. Otherwise the subscription is given
    /// up (as after a crash mid-subscribe) and the error to return is given. The caller holds
    /// the subscription's lock.
    async fn after_unknown_subscribe(
        &self,
        record: &mut SubscriptionRecord,
        reason: &str,
        retry: u32,
    ) -> Result<()> {
        let error = Error::Transport {
            operation: "subscribe",
            reason: format!("outcome unknown: {reason}"),
        };
        if record.lookup.is_some() {
            self.watch_for_late_hooks(&record.id);
        }
        if record.unsubscribe.is_none() && record.lookup.is_none() {
            tracing::warn!(
                subscription = %record.id,
                trigger = %record.trigger,
                %reason,
                "subscribe answer lost and no unsubscribe request is known without it: not \
                 sending it again; a hook may exist at the API and must be removed by hand"
            );
            self.abandon_unknown_subscribe(
                record,
                &format!("subscribe outcome unknown ({reason})"),
            )
            .await?;
            return Err(error);
        }
        let retries_left = retry < self.outbound.policy().retries();
        if retries_left {
            // Remove what the lost attempt may have created before asking again.
            tracing::info!(subscription = %record.id, %reason, "subscribe answer lost; unsubscribing before retrying");
            if self.unsubscribe_locked(record).await.is_ok() {
                record.state = SubscriptionState::Subscribing;
                record.last_error = Some(format!("subscribe answer lost ({reason}); retrying"));
                self.subscriptions.save(record).await?;
                return Ok(());
            }
        }
        tracing::warn!(
            subscription = %record.id,
            trigger = %record.trigger,
            %reason,
            "subscribe answer lost: giving up; removing any hook the API may have created"
        );
        if self
            .abandon_unknown_subscribe(record, &format!("subscribe outcome unknown ({reason})"))
            .await?
        {
            // Errors are logged there and the sweeper keeps retrying.
            let _ = self.unsubscribe_locked(record).await;
        }
        Err(error)
    }

    /// Mark a subscribe whose outcome is unknown as failed: `unsubscribing` (returns `true`,
    /// the caller sends the known unsubscribe request) or `failed` when none is known (a hook
    /// may be orphaned at the API). Shared by [`Host::resume`] (crash mid-subscribe) and a
    /// subscribe whose every answer was lost.
    pub(crate) async fn abandon_unknown_subscribe(
        &self,
        record: &mut SubscriptionRecord,
        why: &str,
    ) -> Result<bool> {
        record.intent = Intent::Deleted;
        record.outcome = Some(crate::store::WaitOutcome::Failed);
        let cleanup = (record.unsubscribe.is_some() || record.lookup.is_some())
            && record.state != SubscriptionState::Gone;
        if cleanup {
            record.state = SubscriptionState::Unsubscribing;
            record.last_error = Some(format!("{why}; cleaning up"));
        } else {
            record.state = SubscriptionState::Failed;
            record.last_error = Some(format!("{why}; a hook may be orphaned at the API"));
        }
        self.subscriptions.save(record).await?;
        Ok(cleanup)
    }

    /// Drive a subscription to `gone`. The caller holds the subscription's lock.
    pub(crate) async fn unsubscribe_locked(&self, record: &mut SubscriptionRecord) -> Result<()> {
        match record.state {
            SubscriptionState::Gone | SubscriptionState::Failed => return Ok(()),
            SubscriptionState::Subscribing
            | SubscriptionState::Active
            | SubscriptionState::Unsubscribing => {}
        }
        let Some(spec) = record.unsubscribe.clone() else {
            if let Some(lookup) = record.lookup.clone() {
                return self.unsubscribe_by_listing(record, &lookup).await;
            }
            tracing::warn!(subscription = %record.id, "unmanaged subscription: nothing to send; remove the hook at the API by hand");
            record.state = SubscriptionState::Gone;
            record.last_error = Some("unmanaged: no unsubscribe request was known".into());
            return self.subscriptions.save(record).await;
        };
        if record.state != SubscriptionState::Unsubscribing {
            record.state = SubscriptionState::Unsubscribing;
            self.subscriptions.save(record).await?;
        }
        let registration = self
            .registration(&record.trigger)
            .ok_or_else(|| Error::NotRegistered(record.trigger.clone()))?;
        let connection = &registration.connection;
        let headers = [
            (TRACKING_ID_HEADER.to_owned(), record.id.to_string()),
            (OPERATION_NAME_HEADER.to_owned(), record.trigger.clone()),
        ];
        let span = tracing::info_span!(
            "unsubscribe",
            subscription = %record.id,
            trigger = %record.trigger,
            method = %spec.method,
            url = %redact_url(&spec.url),
        );
        let answer = self
            .outbound
            .send(
                &spec,
                &connection.base_url,
                connection.auth_for_unsubscribe(),
                &headers,
            )
            .instrument(span.clone())
            .await;
        match answer {
            Ok(answer) if is_removed(answer.status) => {
                tracing::info!(parent: &span, status = answer.status, "unsubscribed");
                record.state = SubscriptionState::Gone;
                record.last_error = None;
                self.subscriptions.save(record).await
            }
            Ok(answer) => {
                tracing::warn!(parent: &span, status = answer.status, "unsubscribe rejected; will retry");
                record.last_error = Some(format!("unsubscribe answered {}", answer.status));
                self.subscriptions.save(record).await?;
                Err(Error::UnsubscribeRejected {
                    status: answer.status,
                    body: truncate(&answer.body),
                })
            }
            // `send` retries every transport error, so `OutcomeUnknown` does not come here;
            // a DELETE is idempotent anyway.
            Err(SendError::Transport(reason) | SendError::OutcomeUnknown { reason, .. }) => {
                tracing::warn!(parent: &span, %reason, "unsubscribe unreachable; will retry");
                record.last_error = Some(format!("unsubscribe failed: {reason}"));
                self.subscriptions.save(record).await?;
                Err(Error::Transport {
                    operation: "unsubscribe",
                    reason,
                })
            }
            Err(SendError::Url { url, reason }) => {
                record.state = SubscriptionState::Failed;
                record.last_error = Some(format!("unsubscribe URL invalid: {reason}"));
                self.subscriptions.save(record).await?;
                Err(Error::Url { url, reason })
            }
        }
    }

    /// [`HostInner::unsubscribe_locked`] for a subscription whose unsubscribe request is not
    /// known: remove whatever hook the API lists with its callback URL.
    async fn unsubscribe_by_listing(
        &self,
        record: &mut SubscriptionRecord,
        lookup: &HookLookup,
    ) -> Result<()> {
        if record.state != SubscriptionState::Unsubscribing {
            record.state = SubscriptionState::Unsubscribing;
            self.subscriptions.save(record).await?;
        }
        let registration = self
            .registration(&record.trigger)
            .ok_or_else(|| Error::NotRegistered(record.trigger.clone()))?;
        let span = tracing::info_span!(
            "unsubscribe",
            subscription = %record.id,
            trigger = %record.trigger,
            by = "listing",
            url = %redact_url(&lookup.list.path),
        );
        let removed = self
            .remove_listed_hooks(record, lookup, &registration.connection, None)
            .instrument(span.clone())
            .await;
        match removed {
            Ok(count) => {
                tracing::info!(parent: &span, removed = count, "unsubscribed by listing");
                record.state = SubscriptionState::Gone;
                record.last_error = None;
                self.subscriptions.save(record).await
            }
            Err(error @ Error::HookLookup { .. }) => {
                // Retrying cannot help: say so and stop.
                tracing::warn!(parent: &span, %error, "cannot remove the hook; remove it at the API by hand");
                record.state = SubscriptionState::Failed;
                record.last_error = Some(format!("{error}; a hook may be orphaned at the API"));
                self.subscriptions.save(record).await?;
                Err(error)
            }
            Err(error) => {
                tracing::warn!(parent: &span, %error, "listing or removing hooks failed; will retry");
                record.last_error = Some(format!("unsubscribe by listing failed: {error}"));
                self.subscriptions.save(record).await?;
                Err(error)
            }
        }
    }

    /// Set the intent and unsubscribe, under the subscription's lock.
    pub(crate) async fn stop(&self, id: &SubscriptionId, intent: Intent) -> Result<()> {
        let _lock = self.subscriptions.lock(id).await?;
        let mut record = self.subscriptions.load(id).await?;
        if record.kind == SubscriptionKind::Action {
            // A wait ends by its callback, its deadline or its cancel future; ending it from
            // here would leave its waiter hanging.
            return Err(Error::invalid_state(
                id,
                "a webhook action wait",
                "disable or delete",
            ));
        }
        if record.intent != intent && record.intent != Intent::Deleted {
            record.intent = intent;
            self.subscriptions.save(&mut record).await?;
        }
        self.unsubscribe_locked(&mut record).await
    }

    /// Retry pending unsubscribes whose lock is free.
    pub(crate) async fn sweep(&self) {
        let pending = self
            .subscriptions
            .in_state(SubscriptionState::Unsubscribing);
        for id in pending {
            let Some(_lock) = self.subscriptions.try_lock(&id).await else {
                continue;
            };
            match self.subscriptions.load(&id).await {
                Ok(mut record) if record.state == SubscriptionState::Unsubscribing => {
                    if let Err(error) = self.unsubscribe_locked(&mut record).await {
                        tracing::debug!(subscription = %id, %error, "pending unsubscribe still failing");
                    }
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(subscription = %id, %error, "sweep cannot load"),
            }
        }
    }

    /// Delete handled inbox rows older than the retention, a page at a time so inserts
    /// interleave.
    pub(crate) async fn prune(&self) {
        let retention = i64::try_from(self.inbox_retention.as_millis()).unwrap_or(i64::MAX);
        let before = crate::store::now_ms().saturating_sub(retention);
        let mut total = 0usize;
        loop {
            match self.store.prune_delivered(before, PRUNE_PAGE).await {
                Ok(deleted) => {
                    total += deleted;
                    if deleted < PRUNE_PAGE {
                        break;
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot prune the inbox");
                    break;
                }
            }
        }
        if total > 0 {
            tracing::info!(deleted = total, "pruned handled inbox rows");
        }
    }

    /// Queue stored pending inbox rows again (after a restart). Returns how many were queued
    /// and which trigger names had no registration.
    pub(crate) async fn redeliver(&self) -> Result<(usize, Vec<String>)> {
        let mut after = 0i64;
        let mut queued = 0usize;
        let mut unregistered = std::collections::BTreeSet::new();
        loop {
            let page = self.inbox.claim(after, REDELIVERY_PAGE).await?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.id;
            for row in page {
                let Some(cached) = self.subscriptions.cached(&row.subscription) else {
                    continue;
                };
                if cached.kind == SubscriptionKind::Action {
                    // Action results are read from the inbox by the wait, not dispatched.
                    self.store.mark_delivered(row.id).await?;
                    continue;
                }
                let Some(queue) = self
                    .registration(&cached.trigger)
                    .and_then(|r| r.dispatch.clone())
                else {
                    unregistered.insert(cached.trigger.to_string());
                    continue;
                };
                if !self.inbox.hold(row.id) {
                    continue;
                }
                let job = Job {
                    inbox_id: row.id,
                    headers: DeliveryHeaders::Stored(row.headers),
                    body: Bytes::from(row.body),
                    items: None,
                };
                if queue.send(job).await {
                    queued += 1;
                } else {
                    self.inbox.release(row.id);
                }
            }
        }
        Ok((queued, unregistered.into_iter().collect()))
    }
}

impl Host {
    /// Register a trigger type with its connection and handler. Subscriptions refer to
    /// `trigger.name()`, so after a restart register the same names again before
    /// [`Host::resume`]. Registering a name again replaces the earlier registration.
    pub fn register<T, H, Fut>(&self, trigger: &T, connection: Connection, handler: H) -> Result<()>
    where
        T: WebhookTrigger,
        H: Fn(Callback<T::Notification>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::result::Result<(), HandlerError>> + Send + 'static,
    {
        self.register_with(trigger, connection, TriggerOptions::default(), handler)
    }

    /// [`Host::register`] with per-trigger options (signature check, queue size, concurrency,
    /// handler attempts).
    pub fn register_with<T, H, Fut>(
        &self,
        trigger: &T,
        connection: Connection,
        options: TriggerOptions,
        handler: H,
    ) -> Result<()>
    where
        T: WebhookTrigger,
        H: Fn(Callback<T::Notification>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::result::Result<(), HandlerError>> + Send + 'static,
    {
        let name = trigger.name().to_owned();
        let parse = parser_for(trigger);
        let queue = DispatchQueue::start(
            name.clone(),
            options.queue_settings(),
            parse.clone(),
            erase_handler(handler),
            self.inner.inbox.clone(),
        );
        let registration = Registration {
            type_id: TypeId::of::<T::Notification>(),
            connection,
            options,
            parse,
            dispatch: Some(queue),
        };
        self.insert_registration(name, registration)?;
        if self.inner.resumed.load(std::sync::atomic::Ordering::SeqCst) {
            // Registered after `resume`: its stored deliveries would otherwise wait for the
            // next start. Rows already queued are skipped.
            let inner = self.inner.clone();
            tokio::spawn(async move {
                if let Err(error) = inner.redeliver().await {
                    tracing::warn!(%error, "redelivery after a late registration failed");
                }
            });
        }
        Ok(())
    }

    /// Register the connection (and, optionally, signature check) of a webhook action, so waits
    /// stored before a restart can be finished and unsubscribed. [`Host::wait_for_callback`]
    /// does this itself.
    pub fn register_action<T: WebhookTrigger>(
        &self,
        action: &T,
        connection: Connection,
        options: TriggerOptions,
    ) -> Result<()> {
        let name = action.name().to_owned();
        if let Some(existing) = self.inner.registration(&name) {
            if existing.type_id != TypeId::of::<T::Notification>() {
                return Err(Error::TypeMismatch(name));
            }
            if existing.dispatch.is_some() {
                // A trigger registration serves actions of the same name as well.
                return Ok(());
            }
        }
        let registration = Registration {
            type_id: TypeId::of::<T::Notification>(),
            connection,
            options,
            parse: parser_for(action),
            dispatch: None,
        };
        self.insert_registration(name, registration)
    }

    fn insert_registration(&self, name: String, registration: Registration) -> Result<()> {
        let mut registry = self
            .inner
            .registry
            .write()
            .map_err(|_| Error::Config("registry lock poisoned".into()))?;
        registry.insert(name, Arc::new(registration));
        Ok(())
    }

    pub(crate) fn registration_for<T: WebhookTrigger>(
        &self,
        trigger: &T,
    ) -> Result<Arc<Registration>> {
        let registration = self
            .inner
            .registration(trigger.name())
            .ok_or_else(|| Error::NotRegistered(trigger.name().to_owned()))?;
        if registration.type_id != TypeId::of::<T::Notification>() {
            return Err(Error::TypeMismatch(trigger.name().to_owned()));
        }
        Ok(registration)
    }

    /// Subscribe `trigger` (registered earlier by name) and return the new subscription's id.
    ///
    /// The intent is stored first, then the subscribe request goes out with the callback URL in
    /// place; the answer's `Location` (or the trigger's unsubscribe route and the id from the
    /// answer) is kept for unsubscribing. Without either, a warning is logged and the
    /// subscription is unmanaged.
    pub async fn enable<T: WebhookTrigger>(&self, trigger: &T) -> Result<SubscriptionId> {
        let registration = self.registration_for(trigger)?;
        if registration.dispatch.is_none() {
            return Err(Error::NotRegistered(trigger.name().to_owned()));
        }
        let id = SubscriptionId::generate();
        let _lock = self.inner.subscriptions.lock(&id).await?;
        let mut record =
            SubscriptionRecord::new(id.clone(), trigger.name(), SubscriptionKind::Trigger);
        self.inner
            .subscribe(&mut record, trigger, &registration.connection)
            .await?;
        Ok(id)
    }

    /// Unsubscribe and stop receiving: later callbacks get 410. The DELETE goes to the stored
    /// `Location` (or route) with the subscribe auth and the `x-ms-client-tracking-id` and
    /// `x-ms-workflow-operation-name` headers; 2xx, 404 and 410 all count as done. If the API
    /// keeps failing, the subscription stays `unsubscribing` and is retried in the background.
    pub async fn disable(&self, id: &SubscriptionId) -> Result<()> {
        self.inner.stop(id, Intent::Disabled).await
    }

    /// Like [`Host::disable`], and the subscription is marked deleted.
    pub async fn delete(&self, id: &SubscriptionId) -> Result<()> {
        self.inner.stop(id, Intent::Deleted).await
    }

    /// Replace a subscription's parameters: unsubscribe the old one, subscribe `trigger` under
    /// the same id (so the callback URL stays the same).
    pub async fn update<T: WebhookTrigger>(&self, id: &SubscriptionId, trigger: &T) -> Result<()> {
        let registration = self.registration_for(trigger)?;
        let _lock = self.inner.subscriptions.lock(id).await?;
        let mut record = self.inner.subscriptions.load(id).await?;
        if record.intent != Intent::Enabled || record.kind != SubscriptionKind::Trigger {
            return Err(Error::invalid_state(id, record.intent.as_str(), "update"));
        }
        self.inner.unsubscribe_locked(&mut record).await?;
        self.inner
            .subscribe(&mut record, trigger, &registration.connection)
            .await
    }

    /// Pick up where a previous run left off. Call once, after registering every trigger:
    /// active subscriptions receive again, pending unsubscribes are retried in the background,
    /// subscribes whose answer was never recorded are reported (and cleaned up where the
    /// unsubscribe request was known beforehand), pending deliveries are redelivered, and
    /// action waits resume their timers.
    pub async fn resume(&self) -> Result<ResumeReport> {
        self.inner
            .resumed
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let mut report = ResumeReport::default();
        let mut unregistered = std::collections::BTreeSet::new();
        for mut record in self.inner.store.subscriptions().await? {
            let registered = self.inner.registration(&record.trigger).is_some();
            match (record.state, record.intent) {
                (SubscriptionState::Subscribing, _) => {
                    tracing::warn!(
                        subscription = %record.id,
                        trigger = %record.trigger,
                        "subscribe answer never recorded (crash mid-subscribe): a hook may be orphaned at the API"
                    );
                    report.orphaned.push(record.id.clone());
                    if record.lookup.is_some() {
                        // The dead process's request may still be on its way.
                        self.inner.watch_for_late_hooks(&record.id);
                    }
                    let cleanup = self
                        .inner
                        .abandon_unknown_subscribe(
                            &mut record,
                            "subscribe outcome unknown after a crash",
                        )
                        .await?;
                    if cleanup {
                        // The request was known beforehand: clean up in the background.
                        self.spawn_unsubscribe(record.id.clone());
                    }
                }
                (SubscriptionState::Unsubscribing, _) => {
                    report.unsubscribes_retried += 1;
                    if !registered {
                        unregistered.insert(record.trigger.clone());
                    }
                    self.spawn_unsubscribe(record.id.clone());
                }
                (SubscriptionState::Active, Intent::Disabled | Intent::Deleted) => {
                    report.unsubscribes_retried += 1;
                    self.spawn_unsubscribe(record.id.clone());
                }
                (SubscriptionState::Active, Intent::Enabled) => match record.kind {
                    SubscriptionKind::Trigger => {
                        report.active += 1;
                        if !registered {
                            unregistered.insert(record.trigger.clone());
                        }
                    }
                    SubscriptionKind::Action => {
                        if self.resume_wait(&record).await? {
                            report.waits_pending += 1;
                        }
                    }
                },
                (SubscriptionState::Gone | SubscriptionState::Failed, _) => {}
            }
        }
        let (redelivered, missing) = self.inner.redeliver().await?;
        report.redelivered = redelivered;
        unregistered.extend(missing);
        report.unregistered = unregistered.into_iter().collect();
        tracing::info!(?report, "resumed");
        Ok(report)
    }

    pub(crate) fn spawn_unsubscribe(&self, id: SubscriptionId) {
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let _lock = match inner.subscriptions.lock(&id).await {
                Ok(lock) => lock,
                Err(error) => {
                    tracing::warn!(subscription = %id, %error, "background unsubscribe cannot lock");
                    return;
                }
            };
            match inner.subscriptions.load(&id).await {
                Ok(mut record) => {
                    if let Err(error) = inner.unsubscribe_locked(&mut record).await {
                        tracing::warn!(subscription = %id, %error, "background unsubscribe failed; the sweeper retries");
                    }
                }
                Err(error) => {
                    tracing::warn!(subscription = %id, %error, "background unsubscribe cannot load")
                }
            }
        });
    }

    pub(crate) fn start_sweeper(&self) {
        let weak = Arc::downgrade(&self.inner);
        let mut shutdown = self.inner.shutdown.subscribe();
        let interval = self.inner.sweep_interval;
        tokio::spawn(async move {
            let mut last_prune: Option<tokio::time::Instant> = None;
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(interval) => {}
                    _ = shutdown.changed() => return,
                }
                let Some(inner) = weak.upgrade() else {
                    return;
                };
                if inner.is_shut_down() {
                    return;
                }
                inner.sweep().await;
                inner.remove_late_hooks().await;
                if last_prune.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                    last_prune = Some(tokio::time::Instant::now());
                    inner.prune().await;
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_found_in_common_places() {
        assert_eq!(id_from_answer(r#"{"id": 42}"#, None).as_deref(), Some("42"));
        assert_eq!(
            id_from_answer(r#"{"data": {"id": "x"}}"#, None).as_deref(),
            Some("x")
        );
        assert_eq!(
            id_from_answer(r#"{"hook": {"key": "k"}}"#, Some("/hook/key")).as_deref(),
            Some("k")
        );
        assert_eq!(id_from_answer("not json", None), None);
    }

    #[test]
    fn route_ids_are_encoded() {
        let route = UnsubscribeRoute {
            method: "DELETE".into(),
            path: "/hooks/{hook_id}".into(),
            id_param: Some("hook_id".into()),
            id_from: None,
            ..UnsubscribeRoute::default()
        };
        let spec = route_request(&route, Some("a b/c"), "http://h/api")
            .unwrap()
            .unwrap();
        assert_eq!(spec.url, "http://h/api/hooks/a%20b%2Fc");
        assert!(route_request(&route, None, "http://h").unwrap().is_none());
    }

    #[test]
    fn route_query_and_headers_are_sent() {
        let route = UnsubscribeRoute {
            method: "DELETE".into(),
            path: "/subscriptions/{id}".into(),
            id_param: Some("id".into()),
            query: vec![("tenantId".into(), "t 1".into())],
            headers: vec![("x-tenant".into(), "t1".into())],
            ..UnsubscribeRoute::default()
        };
        let spec = route_request(&route, Some("s1"), "http://h/api")
            .unwrap()
            .unwrap();
        assert_eq!(spec.url, "http://h/api/subscriptions/s1?tenantId=t+1");
        assert_eq!(spec.headers, route.headers);
    }

    #[test]
    fn an_id_query_parameter_takes_the_subscription_id() {
        let route = UnsubscribeRoute {
            method: "DELETE".into(),
            path: "/Flow/v1/Unsubscribe".into(),
            query: vec![("tenant".into(), "t1".into())],
            id_query: Some("id".into()),
            ..UnsubscribeRoute::default()
        };
        assert!(route.needs_id(), "not known before the answer");
        let spec = route_request(&route, Some("a&b"), "http://h/api")
            .unwrap()
            .unwrap();
        assert_eq!(
            spec.url,
            "http://h/api/Flow/v1/Unsubscribe?tenant=t1&id=a%26b"
        );
        assert!(route_request(&route, None, "http://h").unwrap().is_none());
    }

    #[test]
    fn routes_stored_without_query_or_headers_still_load() {
        let stored = r#"{"method":"DELETE","path":"/hooks/{id}","id_param":"id","id_from":null}"#;
        let route: UnsubscribeRoute = serde_json::from_str(stored).unwrap();
        assert!(route.query.is_empty() && route.headers.is_empty() && route.id_query.is_none());
    }
}
