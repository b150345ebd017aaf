//! The JSON API: listings paged by cursor, one item by id, and the actions.
//!
//! Everything shown goes through the views here, which is where secrets are removed: callback
//! URLs lose their `sig`, secret headers their values, bodies their secret fields. The web
//! pages render the same views.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;

use super::auth::Operator;
use super::rejection::{AdminResult, Rejection};
use super::AdminState;
use crate::redact::{is_secret_header, redact_json, redact_text, redact_url};
use crate::store::history::{
    AttemptOutcome, AttemptRecord, AuditRecord, Cursor, DeliveryEntry, DeliveryQuery, ListQuery,
    Page, SubscriptionEntry, SubscriptionQuery, DEFAULT_PAGE, MAX_PAGE,
};
use crate::store::{DeliveryState, SubscriptionKind, SubscriptionState};
use crate::SubscriptionId;

/// The query string of a listing, checked: unknown parameters and unreadable values are 400s
/// that say which parameter was wrong.
#[derive(Debug, Default)]
pub(crate) struct Filters {
    pub trigger: Option<String>,
    pub subscription: Option<SubscriptionId>,
    pub state: Option<String>,
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub cursor: Option<Cursor>,
    pub limit: usize,
    pub body: bool,
}

impl Filters {
    pub fn parse(query: Option<&str>) -> AdminResult<Self> {
        let mut filters = Filters {
            limit: DEFAULT_PAGE,
            ..Filters::default()
        };
        let pairs = url::form_urlencoded::parse(query.unwrap_or("").as_bytes());
        for (name, value) in pairs {
            if value.is_empty() {
                // Empty form fields (a filter left blank on the page) mean "any".
                continue;
            }
            let bad = |why: &str| Rejection::BadRequest(format!("{name}: {why}"));
            match name.as_ref() {
                "trigger" => filters.trigger = Some(value.into_owned()),
                "subscription" => {
                    filters.subscription =
                        Some(SubscriptionId::parse(&value).ok_or_else(|| bad("not an id"))?)
                }
                "state" => filters.state = Some(value.into_owned()),
                "since" => filters.since_ms = Some(parse_time(&value).ok_or_else(|| bad(TIME))?),
                "until" => filters.until_ms = Some(parse_time(&value).ok_or_else(|| bad(TIME))?),
                "cursor" => {
                    filters.cursor = Some(Cursor::decode(&value).map_err(|e| bad(&e.to_string()))?)
                }
                "limit" => {
                    filters.limit = value
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=MAX_PAGE).contains(n))
                        .ok_or_else(|| bad(&format!("a number from 1 to {MAX_PAGE}")))?
                }
                "body" => {
                    filters.body = match value.as_ref() {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => return Err(bad("true or false")),
                    }
                }
                other => {
                    return Err(Rejection::BadRequest(format!(
                        "unknown filter {other:?}; known: trigger, subscription, state, since, \
                         until, cursor, limit, body"
                    )))
                }
            }
        }
        if let (Some(since), Some(until)) = (filters.since_ms, filters.until_ms) {
            if since >= until {
                return Err(Rejection::BadRequest("since must be before until".into()));
            }
        }
        Ok(filters)
    }

    /// The shared store filters with this listing's state type, parsed by `parse_state`.
    pub fn list<S>(
        &self,
        parse_state: impl Fn(&str) -> Option<S>,
        states: &str,
    ) -> AdminResult<ListQuery<S>> {
        let state = match &self.state {
            Some(text) => Some(parse_state(text).ok_or_else(|| {
                Rejection::BadRequest(format!("state: {text:?} is not one of {states}"))
            })?),
            None => None,
        };
        Ok(ListQuery {
            trigger: self.trigger.clone(),
            subscription: self.subscription.clone(),
            state,
            since_ms: self.since_ms,
            until_ms: self.until_ms,
            after: self.cursor.clone(),
            limit: self.limit,
        })
    }

    pub fn deliveries(&self) -> AdminResult<DeliveryQuery> {
        Ok(DeliveryQuery {
            list: self.list(DeliveryState::parse, "pending, done, failed")?,
            with_body: self.body,
        })
    }

    pub fn subscriptions(&self, kind: Option<SubscriptionKind>) -> AdminResult<SubscriptionQuery> {
        Ok(SubscriptionQuery {
            list: self.list(
                SubscriptionState::parse,
                "subscribing, active, unsubscribing, gone, failed",
            )?,
            kind,
        })
    }
}

const TIME: &str = "milliseconds since the Unix epoch";

fn parse_time(text: &str) -> Option<i64> {
    text.parse::<i64>().ok().filter(|ms| *ms >= 0)
}

/// A page as the API answers it.
#[derive(Debug, Serialize)]
pub(crate) struct PageView<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next: Option<String>,
}

impl<T> PageView<T> {
    pub fn of<R>(page: Page<R>, view: impl Fn(R) -> T) -> Self {
        PageView {
            items: page.items.into_iter().map(view).collect(),
            next: page.next.map(|cursor| cursor.encode()),
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct TriggerView {
    pub name: String,
    /// `trigger` (has a handler) or `action` (webhook-action waits only).
    pub kind: SubscriptionKind,
}

#[derive(Debug, Serialize)]
pub(crate) struct SubscriptionView {
    pub id: SubscriptionId,
    pub trigger: String,
    pub kind: SubscriptionKind,
    pub state: SubscriptionState,
    pub intent: &'static str,
    /// The callback URL with its token redacted.
    pub callback_url: String,
    pub location: Option<String>,
    /// `METHOD url` of the stored unsubscribe request (secrets redacted).
    pub unsubscribe: Option<String>,
    /// How the hook is found when no unsubscribe request is known.
    pub unsubscribe_by_listing: Option<String>,
    pub subscribe_status: Option<u16>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub last_callback_ms: Option<i64>,
    pub last_error: Option<String>,
    pub deadline_ms: Option<i64>,
    pub outcome: Option<String>,
}

impl SubscriptionView {
    pub fn new(state: &AdminState, entry: SubscriptionEntry) -> Self {
        let record = entry.record;
        SubscriptionView {
            callback_url: redact_url(&state.host.callback_url(&record.id)),
            location: record.location.as_deref().map(redact_url),
            unsubscribe: record
                .unsubscribe
                .as_ref()
                .map(|spec| format!("{} {}", spec.method, redact_url(&spec.url))),
            unsubscribe_by_listing: record
                .lookup
                .as_ref()
                .map(|lookup| format!("{} {}", lookup.list.method, redact_url(&lookup.list.path))),
            id: record.id,
            trigger: record.trigger,
            kind: record.kind,
            state: record.state,
            intent: record.intent.as_str(),
            subscribe_status: record.subscribe_status,
            created_ms: record.created_ms,
            updated_ms: record.updated_ms,
            last_callback_ms: entry.last_callback_ms,
            last_error: record.last_error.as_deref().map(redact_text),
            deadline_ms: record.deadline_ms,
            outcome: record.outcome.map(|outcome| outcome.as_str().to_owned()),
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct DeliveryView {
    pub id: i64,
    pub subscription: SubscriptionId,
    pub trigger: Option<String>,
    pub delivery_id: Option<String>,
    pub received_ms: i64,
    pub state: DeliveryState,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// `[name, value]` pairs; secret values are `<redacted>`.
    pub headers: Vec<(String, String)>,
    /// The body (asked for with `body=true`): JSON when it parses, text otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}

impl DeliveryView {
    pub fn new(entry: DeliveryEntry) -> Self {
        let headers = entry
            .headers
            .into_iter()
            .map(|(name, value)| {
                let value = if is_secret_header(&name) {
                    "<redacted>".to_owned()
                } else {
                    redact_text(&value)
                };
                (name, value)
            })
            .collect();
        DeliveryView {
            id: entry.id,
            subscription: entry.subscription,
            trigger: entry.trigger,
            delivery_id: entry.delivery_id,
            received_ms: entry.received_ms,
            state: entry.state,
            attempts: entry.attempts,
            last_error: entry.last_error.as_deref().map(redact_text),
            headers,
            body: entry.body.map(|body| body_view(&body)),
        }
    }
}

/// A stored body as shown: parsed JSON with secrets removed, or redacted text.
fn body_view(body: &[u8]) -> serde_json::Value {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            redact_json(&mut value);
            value
        }
        Err(_) => serde_json::Value::String(redact_text(&String::from_utf8_lossy(body))),
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct AttemptView {
    pub id: i64,
    pub subscription: SubscriptionId,
    pub trigger: String,
    pub operation: &'static str,
    pub outcome: &'static str,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub at_ms: i64,
}

impl AttemptView {
    pub fn new(record: AttemptRecord) -> Self {
        AttemptView {
            id: record.id,
            subscription: record.subscription,
            trigger: record.trigger,
            operation: record.operation.as_str(),
            outcome: record.outcome.as_str(),
            status: record.status,
            error: record.error.as_deref().map(redact_text),
            at_ms: record.at_ms,
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct AuditView {
    pub id: i64,
    pub at_ms: i64,
    pub token_name: String,
    pub action: String,
    pub subscription: Option<SubscriptionId>,
    pub delivery: Option<i64>,
    pub detail: String,
}

impl AuditView {
    pub fn new(record: AuditRecord) -> Self {
        AuditView {
            id: record.id,
            at_ms: record.at_ms,
            token_name: record.token_name,
            action: record.action,
            subscription: record.subscription,
            delivery: record.delivery,
            detail: redact_text(&record.detail),
        }
    }
}

/// A subscription id from a path segment, or 404 (nothing unreadable reaches the store).
pub(crate) fn subscription_id(raw: &str) -> AdminResult<SubscriptionId> {
    SubscriptionId::parse(raw)
        .ok_or_else(|| Rejection::NotFound(format!("unknown subscription {raw:?}")))
}

/// A delivery row id from a path segment: 400 when it is not a number.
pub(crate) fn delivery_id(raw: &str) -> AdminResult<i64> {
    raw.parse()
        .map_err(|_| Rejection::BadRequest(format!("delivery id {raw:?} is not a number")))
}

impl AdminState {
    pub(crate) async fn subscription_view(
        &self,
        id: &SubscriptionId,
    ) -> AdminResult<SubscriptionView> {
        let query = SubscriptionQuery {
            list: ListQuery {
                subscription: Some(id.clone()),
                limit: 1,
                ..ListQuery::default()
            },
            kind: None,
        };
        let entry = self
            .store()
            .list_subscriptions(&query)
            .await?
            .items
            .pop()
            .ok_or_else(|| Rejection::NotFound(format!("unknown subscription {id}")))?;
        Ok(SubscriptionView::new(self, entry))
    }

    pub(crate) async fn delivery_view(
        &self,
        id: i64,
        with_body: bool,
    ) -> AdminResult<DeliveryView> {
        self.store()
            .delivery(id, with_body)
            .await?
            .map(DeliveryView::new)
            .ok_or_else(|| Rejection::NotFound(format!("unknown delivery {id}")))
    }
}

pub(crate) async fn triggers(
    State(state): State<Arc<AdminState>>,
    _: Operator,
) -> AdminResult<Json<PageView<TriggerView>>> {
    Ok(Json(PageView {
        items: state.triggers(),
        next: None,
    }))
}

pub(crate) async fn subscriptions(
    State(state): State<Arc<AdminState>>,
    _: Operator,
    RawQuery(query): RawQuery,
) -> AdminResult<Json<PageView<SubscriptionView>>> {
    let query = Filters::parse(query.as_deref())?.subscriptions(None)?;
    let page = state.store().list_subscriptions(&query).await?;
    Ok(Json(PageView::of(page, |e| {
        SubscriptionView::new(&state, e)
    })))
}

pub(crate) async fn subscription(
    State(state): State<Arc<AdminState>>,
    _: Operator,
    Path(id): Path<String>,
) -> AdminResult<Json<SubscriptionView>> {
    Ok(Json(state.subscription_view(&subscription_id(&id)?).await?))
}

/// Pending webhook-action waits and their deadlines.
pub(crate) async fn waits(
    State(state): State<Arc<AdminState>>,
    _: Operator,
    RawQuery(query): RawQuery,
) -> AdminResult<Json<PageView<SubscriptionView>>> {
    let filters = Filters::parse(query.as_deref())?;
    if filters.state.is_some() {
        return Err(Rejection::BadRequest(
            "state: waits are always active; filter subscriptions instead".into(),
        ));
    }
    let mut query = filters.subscriptions(Some(SubscriptionKind::Action))?;
    query.list.state = Some(SubscriptionState::Active);
    let page = state.store().list_subscriptions(&query).await?;
    Ok(Json(PageView::of(page, |e| {
        SubscriptionView::new(&state, e)
    })))
}

pub(crate) async fn deliveries(
    State(state): State<Arc<AdminState>>,
    _: Operator,
    RawQuery(query): RawQuery,
) -> AdminResult<Json<PageView<DeliveryView>>> {
    let query = Filters::parse(query.as_deref())?.deliveries()?;
    let page = state.store().list_deliveries(&query).await?;
    Ok(Json(PageView::of(page, DeliveryView::new)))
}

pub(crate) async fn delivery(
    State(state): State<Arc<AdminState>>,
    _: Operator,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> AdminResult<Json<DeliveryView>> {
    let filters = Filters::parse(query.as_deref())?;
    Ok(Json(
        state.delivery_view(delivery_id(&id)?, filters.body).await?,
    ))
}

pub(crate) async fn attempts(
    State(state): State<Arc<AdminState>>,
    _: Operator,
    RawQuery(query): RawQuery,
) -> AdminResult<Json<PageView<AttemptView>>> {
    let query = Filters::parse(query.as_deref())?
        .list(AttemptOutcome::parse, "ok, rejected, unreachable")?;
    let page = state.store().list_attempts(&query).await?;
    Ok(Json(PageView::of(page, AttemptView::new)))
}

pub(crate) async fn audit(
    State(state): State<Arc<AdminState>>,
    _: Operator,
    RawQuery(query): RawQuery,
) -> AdminResult<Json<PageView<AuditView>>> {
    let query = Filters::parse(query.as_deref())?.list(
        |text| {
            super::actions::ACTIONS
                .contains(&text)
                .then(|| text.to_owned())
        },
        &super::actions::ACTIONS.join(", "),
    )?;
    let page = state.store().list_audit(&query).await?;
    Ok(Json(PageView::of(page, AuditView::new)))
}

pub(crate) async fn metrics(
    State(state): State<Arc<AdminState>>,
    _: Operator,
) -> AdminResult<impl IntoResponse> {
    let counts = state.store().counts().await?;
    let text = state
        .host
        .inner
        .metrics
        .render(&counts)
        .map_err(|e| Rejection::Internal(format!("metrics: {e}")))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    ))
}
