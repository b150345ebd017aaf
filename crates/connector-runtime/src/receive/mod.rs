//! The callback endpoint: `POST /callbacks/{id}?sig=…`.
//!
//! Checks run cheapest first and nothing is stored or dispatched unless every one passes:
//! header size (431), token (401), subscription known (404) and live (410), size (413), media type (415),
//! inbound signature (401), body parses (400), queue room (429). Then the delivery is written
//! to the inbox, and only after the write is durable does the sender get 202.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::SystemTime;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use tokio::sync::mpsc;

use crate::dispatch::inbox::Inbox;
use crate::dispatch::Job;
use crate::handler::Item;
use crate::headers::{headers_json, DeliveryHeaders};
use crate::metrics::DeliveryEvent;
use crate::redact::is_secret_header;
use crate::runtime::HostInner;
use crate::store::{
    InsertOutcome, Intent, NewDelivery, StoreError, StoreResult, SubscriptionKind,
    SubscriptionState, WaitOutcome,
};
use crate::waits::{Claim, ReceivedCallback, WaitEvent};
use crate::SubscriptionId;
use rejection::{Acknowledged, Answer, Rejection};

mod rejection;

/// Headers whose value is the sender's delivery id (the dedupe key), in order of preference.
const DELIVERY_ID_HEADERS: &[&str] = &[
    "x-github-delivery",
    "webhook-id",
    "svix-id",
    "x-delivery-id",
];

/// The `sig` query parameter, read by hand so a malformed query is a 401 like any bad token.
fn sig_param(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(name, _)| name == "sig")
        .map(|(_, value)| value.into_owned())
}

/// The request's headers over `limit` bytes in total (names, values and the `: ` and CRLF
/// each line costs on the wire)? They are stored with the delivery, so they are capped like
/// the body.
fn headers_over(headers: &HeaderMap, limit: usize) -> bool {
    let mut total = 0usize;
    for (name, value) in headers {
        total = total.saturating_add(name.as_str().len() + value.len() + 4);
        if total > limit {
            return true;
        }
    }
    false
}

/// How a callback body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaKind {
    /// JSON, JSON-suffixed types, or no `Content-Type` (many senders omit it and send JSON).
    Json,
    /// `application/x-www-form-urlencoded` with the JSON in a `payload` field (GitHub's
    /// default delivery format).
    FormPayload,
    /// Anything else: 415.
    Unsupported,
}

fn media_kind(headers: &HeaderMap) -> MediaKind {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return MediaKind::Json;
    };
    let Ok(value) = value.to_str() else {
        return MediaKind::Unsupported;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    let is = |name: &str| essence.eq_ignore_ascii_case(name);
    let json_suffixed = essence
        .len()
        .checked_sub(5)
        .and_then(|at| essence.get(at..))
        .is_some_and(|suffix| suffix.eq_ignore_ascii_case("+json"));
    if is("application/json") || is("text/json") || json_suffixed {
        MediaKind::Json
    } else if is("application/x-www-form-urlencoded") {
        MediaKind::FormPayload
    } else {
        MediaKind::Unsupported
    }
}

/// The JSON inside a form-encoded `payload` field.
fn form_payload(body: &[u8]) -> Option<Vec<u8>> {
    url::form_urlencoded::parse(body)
        .find(|(name, _)| name == "payload")
        .map(|(_, value)| value.into_owned().into_bytes())
}

fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter_map(|(name, value)| {
            value
                .to_str()
                .ok()
                .map(|v| (name.as_str().to_owned(), v.to_owned()))
        })
        .collect()
}

fn delivery_id(headers: &HeaderMap) -> Option<String> {
    DELIVERY_ID_HEADERS.iter().find_map(|name| {
        headers
            .get(*name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.len() <= 200)
            .map(str::to_owned)
    })
}

pub(crate) async fn callback(
    State(host): State<Arc<HostInner>>,
    Path(raw_id): Path<String>,
    RawQuery(query): RawQuery,
    request: Request,
) -> Response {
    // The request is taken whole so its header map is moved, not cloned (as the `HeaderMap`
    // extractor would): it travels on to the dispatcher.
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let Some(id) = SubscriptionId::parse(&raw_id) else {
        return Rejection::UnknownSubscription.into_response();
    };
    let span = tracing::info_span!(
        "callback",
        subscription = %id,
        delivery = tracing::field::Empty,
        status = tracing::field::Empty,
    );
    let sig = sig_param(query.as_deref());
    let metrics = host.metrics.clone();
    let response = receive(host, id, sig, headers, body)
        .instrument(span.clone())
        .await
        .into_response();
    span.record("status", response.status().as_u16());
    metrics.callback_answered(response.status().as_u16());
    response
}

async fn receive(
    host: Arc<HostInner>,
    id: SubscriptionId,
    sig: Option<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    if headers_over(&headers, host.header_limit) {
        tracing::info!("request headers over the limit");
        return Err(Rejection::HeadersTooLarge);
    }
    let token_ok = sig
        .as_deref()
        .is_some_and(|sig| host.signer.verify(id.as_str(), sig));
    if !token_ok {
        tracing::info!("bad or missing callback token");
        return Err(Rejection::BadToken);
    }
    // Only live subscriptions are cached; a finished one, or one another process sharing the
    // store made, is read from the store.
    let cached = match host.subscriptions.find(&id).await {
        Ok(Some(cached)) => cached,
        Ok(None) => return Err(Rejection::UnknownSubscription),
        Err(error) => {
            tracing::error!(%error, "cannot look the subscription up");
            return Err(Rejection::StoreUnavailable);
        }
    };
    let live = cached.intent == Intent::Enabled
        && matches!(
            cached.state,
            SubscriptionState::Subscribing | SubscriptionState::Active
        );
    if !live || host.is_shut_down() {
        return Err(Rejection::Disabled);
    }
    let Some(registration) = host.registration(&cached.trigger) else {
        // Stored before a restart, but its trigger is not registered yet: ask to come back.
        tracing::warn!(trigger = %cached.trigger, "callback for an unregistered trigger");
        return Err(Rejection::NotRegistered);
    };

    let declared_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared_length.is_some_and(|len| len > host.body_limit as u64) {
        return Err(Rejection::BodyTooLarge);
    }
    let media = media_kind(&headers);
    if media == MediaKind::Unsupported {
        return Err(Rejection::UnsupportedMediaType);
    }
    let bytes = match to_bytes(body, host.body_limit).await {
        Ok(bytes) => bytes,
        Err(_) => return Err(Rejection::BodyTooLarge),
    };
    let lookup = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Err(error) = registration
        .options
        .signature
        .verify(lookup, &bytes, SystemTime::now())
    {
        tracing::info!(%error, "inbound signature refused");
        return Err(Rejection::BadSignature);
    }
    // The signature covers the raw body; from here on only the JSON matters, and that is
    // what the inbox keeps (so redelivery parses it the same way).
    let bytes = match media {
        MediaKind::FormPayload => match form_payload(&bytes) {
            Some(json) => Bytes::from(json),
            None => return Err(Rejection::FormWithoutPayload),
        },
        MediaKind::Json | MediaKind::Unsupported => bytes,
    };
    let items = match (registration.parse)(&bytes) {
        Ok(items) => items,
        // GitHub pings a hook right after creating it. A notification type that can read the
        // ping gets it dispatched like any delivery (the handler sees `X-GitHub-Event: ping`);
        // one that cannot is acknowledged without storing, so the sender never sees the hook
        // as failing. Either way the signature was checked above.
        Err(_) if lookup("x-github-event").is_some_and(|e| e.eq_ignore_ascii_case("ping")) => {
            return Ok(Acknowledged::Pong);
        }
        Err(error) => {
            tracing::info!(%error, "unparseable callback body");
            return Err(Rejection::BodyMismatch);
        }
    };
    let delivery = delivery_id(&headers);
    if let Some(delivery) = &delivery {
        tracing::Span::current().record("delivery", delivery.as_str());
    }
    if tracing::enabled!(tracing::Level::TRACE) {
        let shown: Vec<(String, String)> = header_pairs(&headers)
            .into_iter()
            .map(|(k, v)| {
                let v = if is_secret_header(&k) {
                    "<redacted>".to_owned()
                } else {
                    v
                };
                (k, v)
            })
            .collect();
        tracing::trace!(headers = ?shown, "callback headers");
    }
    let new_delivery = NewDelivery {
        subscription: id.clone(),
        delivery_id: delivery,
        headers_json: headers_json(&headers),
        body: bytes.clone(),
        // A trigger delivery is dispatched by this process: leased to it from the start, so
        // no other process claims it meanwhile. An action's callback is handed over at once.
        lease: (cached.kind == SubscriptionKind::Trigger).then(|| host.inbox.lease()),
    };

    match cached.kind {
        SubscriptionKind::Trigger => {
            let Some(queue) = &registration.dispatch else {
                return Err(Rejection::NoHandler);
            };
            let Some(permit) = queue.try_reserve() else {
                tracing::warn!("handler queue full");
                return Err(Rejection::QueueFull {
                    retry_after: host.busy_retry_after,
                });
            };
            let store = host.store.clone();
            let stored = InsertThenQueue {
                insert: Some(Box::pin(async move {
                    store.insert_delivery(new_delivery).await
                })),
                handoff: Some(Handoff {
                    permit,
                    inbox: host.inbox.clone(),
                    headers: DeliveryHeaders::Received(headers),
                    body: bytes,
                    items,
                }),
            };
            match stored.await {
                Ok(InsertOutcome::Inserted(_)) => {
                    host.metrics.delivery(DeliveryEvent::stored);
                    Ok(Acknowledged::Accepted)
                }
                Ok(InsertOutcome::Duplicate) => {
                    tracing::info!("duplicate delivery; not dispatched again");
                    Ok(Acknowledged::Duplicate)
                }
                Err(error) => {
                    tracing::error!(%error, "cannot store the delivery");
                    Err(Rejection::StoreUnavailable)
                }
            }
        }
        SubscriptionKind::Action => {
            let pairs = header_pairs(&headers);
            // Storing and handing over run as their own task: if the sender hangs up
            // mid-request, the callback that got stored still ends the wait.
            let persist = receive_action_callback(host, id, new_delivery, pairs, bytes);
            match tokio::spawn(persist.instrument(tracing::Span::current())).await {
                Ok(response) => response,
                Err(_) => Err(Rejection::StoreUnavailable),
            }
        }
    }
}

async fn receive_action_callback(
    host: Arc<HostInner>,
    id: SubscriptionId,
    new_delivery: NewDelivery,
    headers: Vec<(String, String)>,
    body: Bytes,
) -> Answer {
    let Claim::Won(slot) = host.waits.claim(&id) else {
        return Err(Rejection::WaitEnded);
    };
    let stored = match host.store.insert_delivery(new_delivery).await {
        Ok(stored) => stored,
        Err(error) => {
            tracing::error!(%error, "cannot store the action's callback");
            host.waits.unclaim(&id, slot);
            return Err(Rejection::StoreUnavailable);
        }
    };
    let inbox_id = match stored {
        InsertOutcome::Inserted(inbox_id) => {
            host.metrics.delivery(DeliveryEvent::stored);
            Some(inbox_id)
        }
        InsertOutcome::Duplicate => None,
    };
    if let Some(inbox_id) = inbox_id {
        if let Err(error) = host.store.mark_delivered(inbox_id).await {
            tracing::warn!(%error, "cannot mark the action's callback done");
        }
    }
    // Stored (now or by an earlier attempt whose answer was lost): the callback ends the
    // wait unless a deadline or cancel, here or in another process, got there first.
    match host.waits.complete(&id, WaitOutcome::Completed).await {
        Ok(true) => {}
        Ok(false) => {
            if let Ok(Some(record)) = host.store.subscription(&id).await {
                if let Some(outcome) = record.outcome {
                    host.waits.hand_over_stored(&id, slot, outcome).await;
                }
            }
            return match inbox_id {
                Some(_) => Err(Rejection::WaitEnded),
                None => Ok(Acknowledged::Duplicate),
            };
        }
        Err(error) => {
            tracing::error!(%error, "cannot record the action's callback");
            host.waits.unclaim(&id, slot);
            return Err(Rejection::StoreUnavailable);
        }
    }
    let event = WaitEvent::Callback(Box::new(ReceivedCallback { headers, body }));
    let handed_over = match slot.and_then(|slot| slot.sender) {
        Some(sender) => sender.send(event).is_ok(),
        None => false,
    };
    if !handed_over {
        // Nobody is waiting in this process (e.g. after a restart): finish here;
        // `rejoin_wait` reads the stored callback.
        let inner = host.clone();
        tokio::spawn(async move { inner.finish_wait(&id, WaitOutcome::Completed).await });
    }
    Ok(match inbox_id {
        Some(_) => Acknowledged::Accepted,
        None => Acknowledged::Duplicate,
    })
}

type InsertFuture = Pin<Box<dyn Future<Output = StoreResult<InsertOutcome>> + Send>>;

/// What a stored trigger delivery still needs to reach its handler.
struct Handoff {
    /// The queue slot reserved before storing (a full queue is a 429 with nothing stored).
    permit: mpsc::OwnedPermit<Job>,
    inbox: Arc<Inbox>,
    headers: DeliveryHeaders,
    body: Bytes,
    items: Vec<Item>,
}

impl Handoff {
    fn queue(self, inbox_id: i64) {
        self.inbox.hold(inbox_id);
        self.permit.send(Job {
            inbox_id,
            headers: self.headers,
            body: self.body,
            items: Some(self.items),
        });
    }
}

/// The inbox insert of a trigger delivery, then its hand-over to the dispatcher.
///
/// It runs in the request's own task, yet the hand-over happens even when the request is
/// dropped mid-insert (the sender hung up): the rest of the insert then finishes in a task of
/// its own, so a delivery that got committed is dispatched now rather than after a restart.
/// Only that rare case costs a task.
struct InsertThenQueue {
    insert: Option<InsertFuture>,
    handoff: Option<Handoff>,
}

impl Future for InsertThenQueue {
    type Output = StoreResult<InsertOutcome>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Some(insert) = this.insert.as_mut() else {
            // Polled again after it finished: nothing more will happen.
            return Poll::Ready(Err(StoreError::Closed));
        };
        let outcome = std::task::ready!(insert.as_mut().poll(cx));
        this.insert = None;
        let handoff = this.handoff.take();
        if let (Ok(InsertOutcome::Inserted(inbox_id)), Some(handoff)) = (&outcome, handoff) {
            handoff.queue(*inbox_id);
        }
        Poll::Ready(outcome)
    }
}

impl Drop for InsertThenQueue {
    fn drop(&mut self) {
        let (Some(insert), Some(handoff)) = (self.insert.take(), self.handoff.take()) else {
            return;
        };
        // Without a runtime the process is going down: a committed row is then delivered on
        // the next start.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Ok(InsertOutcome::Inserted(inbox_id)) = insert.await {
                    handoff.queue(inbox_id);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sig_is_read_from_any_query() {
        assert_eq!(sig_param(Some("a=1&sig=abc")).as_deref(), Some("abc"));
        assert_eq!(sig_param(Some("sig=%ZZ")).as_deref(), Some("%ZZ"));
        assert_eq!(sig_param(Some("x=1")), None);
        assert_eq!(sig_param(None), None);
    }

    #[test]
    fn media_types() {
        let mut headers = HeaderMap::new();
        assert_eq!(media_kind(&headers), MediaKind::Json);
        headers.insert(
            header::CONTENT_TYPE,
            "application/json; charset=utf-8".parse().unwrap(),
        );
        assert_eq!(media_kind(&headers), MediaKind::Json);
        headers.insert(
            header::CONTENT_TYPE,
            "application/cloudevents+json".parse().unwrap(),
        );
        assert_eq!(media_kind(&headers), MediaKind::Json);
        headers.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        assert_eq!(media_kind(&headers), MediaKind::FormPayload);
        headers.insert(header::CONTENT_TYPE, "text/xml".parse().unwrap());
        assert_eq!(media_kind(&headers), MediaKind::Unsupported);
    }

    #[test]
    fn form_payloads_are_unwrapped() {
        assert_eq!(
            form_payload(b"payload=%7B%22a%22%3A1%7D").as_deref(),
            Some(&b"{\"a\":1}"[..])
        );
        assert_eq!(form_payload(b"other=1"), None);
    }

    /// A request dropped while its insert is in flight (the sender hung up) still hands the
    /// stored delivery to the dispatcher once the insert commits.
    #[tokio::test]
    async fn a_dropped_request_still_queues_what_it_stored() {
        let (queue, mut jobs) = mpsc::channel::<Job>(1);
        let permit = queue.reserve_owned().await.unwrap();
        let store = Arc::new(crate::store::SqliteStore::in_memory().unwrap());
        let inbox = Inbox::start(store, Arc::from("test"), std::time::Duration::from_secs(30));
        let (commit, committed) = tokio::sync::oneshot::channel::<i64>();
        let stored = InsertThenQueue {
            insert: Some(Box::pin(async move {
                let id = committed.await.map_err(|_| StoreError::Closed)?;
                Ok(InsertOutcome::Inserted(id))
            })),
            handoff: Some(Handoff {
                permit,
                inbox: inbox.clone(),
                headers: DeliveryHeaders::Received(HeaderMap::new()),
                body: Bytes::from_static(b"{}"),
                items: Vec::new(),
            }),
        };
        let mut request = Box::pin(stored);
        assert!(futures_poll_once(request.as_mut()).await.is_pending());
        drop(request);
        commit.send(7).unwrap();
        let job = jobs.recv().await.expect("queued after the drop");
        assert_eq!(job.inbox_id, 7);
        assert_eq!(&job.body[..], b"{}");
        assert!(!inbox.hold(7), "held for dispatch");
    }

    async fn futures_poll_once<F: Future + Unpin>(mut future: F) -> Poll<F::Output> {
        std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut future).poll(cx))).await
    }

    #[test]
    fn delivery_ids_prefer_github_then_standard() {
        let mut headers = HeaderMap::new();
        assert_eq!(delivery_id(&headers), None);
        headers.insert("webhook-id", "msg_1".parse().unwrap());
        assert_eq!(delivery_id(&headers).as_deref(), Some("msg_1"));
        headers.insert("x-github-delivery", "gh-1".parse().unwrap());
        assert_eq!(delivery_id(&headers).as_deref(), Some("gh-1"));
    }
}
