//! Test helpers (cargo feature `testing`): a recording mock of a third-party webhook API and a
//! small typed trigger for it. Integration tests, samples and benchmarks share them.
//!
//! The mock serves, on `127.0.0.1` with an ephemeral port:
//! - `POST /hooks` — create a hook from any JSON body; `201`, `Location: /hooks/{id}`
//!   (relative, or absolute after [`MockApi::absolute_location`]), body `{"id": n}`;
//! - `DELETE /hooks/{id}` — `204`, or `404` when unknown;
//! - `POST /subscribe` / `POST /unsubscribe` — Logic Apps style: no `Location`; unsubscribe
//!   removes the hooks whose callback URL appears in the body;
//!
//! and records every request. Faults: fail the next N subscribes/unsubscribes with a status
//! (optionally with `Retry-After`), delay answers, omit `Location`, require an
//! `Authorization` value.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::{HookListRoute, RequestSpec, TriggerError, UnsubscribeRoute, WebhookTrigger};

pub mod postgres;

/// One request the mock received.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// Upper-case method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers, lower-case names.
    pub headers: Vec<(String, String)>,
    /// Raw body.
    pub body: Vec<u8>,
    /// When it arrived (retry schedules are measured from these).
    pub received_at: std::time::Instant,
}

impl RecordedRequest {
    /// First header value by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// A hook the mock holds.
#[derive(Debug, Clone)]
pub struct Hook {
    /// Its id (`/hooks/{id}`).
    pub id: u64,
    /// The subscribe body it was created from.
    pub body: Value,
    /// The callback URL found in the body (any string containing `/callbacks/`).
    pub callback_url: Option<String>,
}

#[derive(Debug, Default)]
struct Faults {
    fail_subscribes: u32,
    subscribe_status: u16,
    fail_unsubscribes: u32,
    unsubscribe_status: u16,
    retry_after: Option<String>,
    delay: Duration,
    omit_location: bool,
    absolute_location: bool,
    required_authorization: Option<String>,
    list_page_size: Option<usize>,
}

#[derive(Debug, Default)]
struct MockState {
    addr: Mutex<Option<SocketAddr>>,
    hooks: Mutex<BTreeMap<u64, Hook>>,
    requests: Mutex<Vec<RecordedRequest>>,
    next_id: AtomicU64,
    faults: Mutex<Faults>,
}

/// A recording mock third-party webhook API. Stops when dropped.
pub struct MockApi {
    addr: SocketAddr,
    state: Arc<MockState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for MockApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockApi").field("addr", &self.addr).finish()
    }
}

impl Drop for MockApi {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn find_callback(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if s.contains("/callbacks/") => Some(s.clone()),
        Value::Array(items) => items.iter().find_map(find_callback),
        Value::Object(map) => map.values().find_map(find_callback),
        _ => None,
    }
}

impl MockApi {
    /// Start on `127.0.0.1` with an ephemeral port.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(MockState::default());
        if let Ok(mut slot) = state.addr.lock() {
            *slot = Some(addr);
        }
        state.next_id.store(1, Ordering::SeqCst);
        let router = Router::new()
            .route("/hooks", post(create_hook).get(list_hooks))
            .route("/hooks/{id}", delete(delete_hook))
            .route("/subscribe", post(subscribe_by_url))
            .route("/unsubscribe", post(unsubscribe_by_url))
            .fallback(not_found)
            .with_state(state.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(MockApi {
            addr,
            state,
            stop: Some(stop),
        })
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Hooks per page of `GET /hooks` (default 30, as GitHub).
    pub fn list_page_size(&self, size: usize) {
        self.faults().list_page_size = Some(size);
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Hooks currently held, by id.
    pub fn hooks(&self) -> Vec<Hook> {
        self.state
            .hooks
            .lock()
            .map(|h| h.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .requests
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }

    /// Requests with this method whose path starts with `prefix`.
    pub fn requests_to(&self, method: &str, prefix: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path.starts_with(prefix))
            .collect()
    }

    fn faults(&self) -> std::sync::MutexGuard<'_, Faults> {
        match self.state.faults.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Answer the next `count` subscribe requests with `status` (e.g. 503, 429).
    pub fn fail_next_subscribes(&self, count: u32, status: u16) {
        let mut faults = self.faults();
        faults.fail_subscribes = count;
        faults.subscribe_status = status;
    }

    /// Answer the next `count` unsubscribe requests with `status` (e.g. 500).
    pub fn fail_next_unsubscribes(&self, count: u32, status: u16) {
        let mut faults = self.faults();
        faults.fail_unsubscribes = count;
        faults.unsubscribe_status = status;
    }

    /// Send this `Retry-After` value with injected failures.
    pub fn retry_after(&self, value: Option<&str>) {
        self.faults().retry_after = value.map(str::to_owned);
    }

    /// Delay every answer.
    pub fn delay(&self, delay: Duration) {
        self.faults().delay = delay;
    }

    /// Leave `Location` out of `POST /hooks` answers.
    pub fn omit_location(&self, omit: bool) {
        self.faults().omit_location = omit;
    }

    /// Send an absolute `Location` instead of a relative one.
    pub fn absolute_location(&self, absolute: bool) {
        self.faults().absolute_location = absolute;
    }

    /// Answer 401 unless `Authorization` equals `value`.
    pub fn require_authorization(&self, value: Option<&str>) {
        self.faults().required_authorization = value.map(str::to_owned);
    }

    /// POST `body` to a hook's callback URL, as the third party would. Returns the status.
    pub async fn deliver(
        &self,
        hook: &Hook,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> Result<u16, String> {
        let url = hook
            .callback_url
            .clone()
            .ok_or_else(|| format!("hook {} has no callback URL", hook.id))?;
        post_callback(&url, body, headers).await
    }
}

/// POST `body` to `url` with `Content-Type: application/json` (unless given) and `headers`.
pub async fn post_callback(
    url: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> Result<u16, String> {
    let client = reqwest::Client::new();
    let mut request = client.post(url).body(body.to_vec());
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        request = request.header("content-type", "application/json");
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
        .send()
        .await
        .map(|r| r.status().as_u16())
        .map_err(|e| e.to_string())
}

/// Poll `check` every 10 ms until it holds or `timeout` passes; returns whether it held.
pub async fn eventually(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if check() {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn record(state: &MockState, method: &Method, uri: &Uri, headers: &HeaderMap, body: &Bytes) {
    let request = RecordedRequest {
        method: method.as_str().to_owned(),
        path: uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| uri.path().to_owned()),
        headers: headers
            .iter()
            .filter_map(|(k, v)| {
                v.to_str()
                    .ok()
                    .map(|v| (k.as_str().to_owned(), v.to_owned()))
            })
            .collect(),
        body: body.to_vec(),
        received_at: std::time::Instant::now(),
    };
    if let Ok(mut requests) = state.requests.lock() {
        requests.push(request);
    }
}

enum Kind {
    Subscribe,
    Unsubscribe,
}

/// Common fault handling; `Some(response)` ends the request.
async fn inject(state: &MockState, headers: &HeaderMap, kind: Kind) -> Option<Response> {
    let (delay, failure, retry_after, required) = {
        let mut faults = match state.faults.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let failure = match kind {
            Kind::Subscribe if faults.fail_subscribes > 0 => {
                faults.fail_subscribes -= 1;
                Some(faults.subscribe_status)
            }
            Kind::Unsubscribe if faults.fail_unsubscribes > 0 => {
                faults.fail_unsubscribes -= 1;
                Some(faults.unsubscribe_status)
            }
            _ => None,
        };
        (
            faults.delay,
            failure,
            faults.retry_after.clone(),
            faults.required_authorization.clone(),
        )
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if let Some(required) = required {
        let given = headers.get("authorization").and_then(|v| v.to_str().ok());
        if given != Some(required.as_str()) {
            return Some((StatusCode::UNAUTHORIZED, "bad credentials").into_response());
        }
    }
    let status = failure?;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, "injected failure").into_response();
    if let Some(after) = retry_after.and_then(|a| HeaderValue::from_str(&a).ok()) {
        response.headers_mut().insert("retry-after", after);
    }
    Some(response)
}

fn add_hook(state: &MockState, body: Value) -> u64 {
    let id = state.next_id.fetch_add(1, Ordering::SeqCst);
    let hook = Hook {
        id,
        callback_url: find_callback(&body),
        body,
    };
    if let Ok(mut hooks) = state.hooks.lock() {
        hooks.insert(id, hook);
    }
    id
}

async fn create_hook(
    State(state): State<Arc<MockState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&state, &method, &uri, &headers, &body);
    if let Some(response) = inject(&state, &headers, Kind::Subscribe).await {
        return response;
    }
    let Ok(json) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "expected JSON").into_response();
    };
    let id = add_hook(&state, json);
    let (omit, absolute) = state
        .faults
        .lock()
        .map(|f| (f.omit_location, f.absolute_location))
        .unwrap_or((false, false));
    let mut response = (StatusCode::CREATED, axum::Json(json!({"id": id}))).into_response();
    if !omit {
        let location = if absolute {
            let addr = state.addr.lock().ok().and_then(|a| *a);
            match addr {
                Some(addr) => format!("http://{addr}/hooks/{id}"),
                None => format!("/hooks/{id}"),
            }
        } else {
            format!("/hooks/{id}")
        };
        if let Ok(value) = HeaderValue::from_str(&location) {
            response.headers_mut().insert("location", value);
        }
    }
    response
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    page: Option<usize>,
}

/// `GET /hooks?page=N`, GitHub style: an array of hooks (each its subscribe body with `id` and
/// `url` added), pages of [`MockApi::list_page_size`] linked by `Link: <…>; rel="next"`.
async fn list_hooks(
    State(state): State<Arc<MockState>>,
    Query(query): Query<ListQuery>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&state, &method, &uri, &headers, &body);
    // Hook URLs name the API as the client addressed it (through a proxy, the proxy).
    let addressed = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            state
                .addr
                .lock()
                .ok()
                .and_then(|a| *a)
                .map(|a| a.to_string())
        });
    let base = addressed.map(|a| format!("http://{a}")).unwrap_or_default();
    let size = state
        .faults
        .lock()
        .ok()
        .and_then(|f| f.list_page_size)
        .unwrap_or(30)
        .max(1);
    let page = query.page.unwrap_or(1).max(1);
    let all: Vec<Value> = state
        .hooks
        .lock()
        .map(|hooks| {
            hooks
                .values()
                .map(|hook| {
                    let mut item = hook.body.clone();
                    if let Value::Object(map) = &mut item {
                        map.insert("id".into(), json!(hook.id));
                        map.insert("url".into(), json!(format!("{base}/hooks/{}", hook.id)));
                    }
                    item
                })
                .collect()
        })
        .unwrap_or_default();
    let items: Vec<Value> = all
        .iter()
        .skip((page - 1).saturating_mul(size))
        .take(size)
        .cloned()
        .collect();
    let mut response = axum::Json(Value::Array(items)).into_response();
    if page.saturating_mul(size) < all.len() {
        let link = format!("<{base}/hooks?page={}>; rel=\"next\"", page + 1);
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert("link", value);
        }
    }
    response
}

async fn delete_hook(
    State(state): State<Arc<MockState>>,
    Path(id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&state, &method, &uri, &headers, &body);
    if let Some(response) = inject(&state, &headers, Kind::Unsubscribe).await {
        return response;
    }
    let removed = id
        .parse::<u64>()
        .ok()
        .and_then(|id| state.hooks.lock().ok().and_then(|mut h| h.remove(&id)));
    match removed {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn subscribe_by_url(
    State(state): State<Arc<MockState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&state, &method, &uri, &headers, &body);
    if let Some(response) = inject(&state, &headers, Kind::Subscribe).await {
        return response;
    }
    let Ok(json) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "expected JSON").into_response();
    };
    let id = add_hook(&state, json);
    (StatusCode::OK, axum::Json(json!({"subscriptionId": id}))).into_response()
}

async fn unsubscribe_by_url(
    State(state): State<Arc<MockState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&state, &method, &uri, &headers, &body);
    if let Some(response) = inject(&state, &headers, Kind::Unsubscribe).await {
        return response;
    }
    let target = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| find_callback(&v));
    let Some(target) = target else {
        return (StatusCode::BAD_REQUEST, "no callback URL in the body").into_response();
    };
    let removed = match state.hooks.lock() {
        Ok(mut hooks) => {
            let before = hooks.len();
            hooks.retain(|_, hook| hook.callback_url.as_deref() != Some(target.as_str()));
            before - hooks.len()
        }
        Err(_) => 0,
    };
    if removed == 0 {
        StatusCode::NOT_FOUND.into_response()
    } else {
        StatusCode::OK.into_response()
    }
}

async fn not_found(
    State(state): State<Arc<MockState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&state, &method, &uri, &headers, &body);
    StatusCode::NOT_FOUND.into_response()
}

/// The notification [`MockTrigger`] receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MockEvent {
    /// Event kind, e.g. `push`.
    pub kind: String,
    /// Sequence number.
    pub seq: u64,
}

/// A typed trigger for the mock's `POST /hooks`: body `{"events": [...], "config": {"url": cb}}`.
#[derive(Debug, Clone)]
pub struct MockTrigger {
    name: String,
    events: Vec<String>,
    route: bool,
    route_query: Vec<(String, String)>,
    route_headers: Vec<(String, String)>,
    list: bool,
    batch: bool,
}

impl MockTrigger {
    /// A trigger named `name` subscribing to `push` events.
    pub fn new(name: impl Into<String>) -> Self {
        MockTrigger {
            name: name.into(),
            events: vec!["push".to_owned()],
            route: false,
            route_query: Vec::new(),
            route_headers: Vec::new(),
            list: false,
            batch: false,
        }
    }

    /// Subscribe to these events instead.
    pub fn with_events(mut self, events: &[&str]) -> Self {
        self.events = events.iter().map(|e| (*e).to_owned()).collect();
        self
    }

    /// Offer the unsubscribe route `DELETE /hooks/{hook_id}` (id from the answer's `/id`).
    pub fn with_unsubscribe_route(mut self) -> Self {
        self.route = true;
        self
    }

    /// Offer the unsubscribe route, sending this query parameter with it.
    pub fn with_unsubscribe_query(mut self, name: &str, value: &str) -> Self {
        self.route = true;
        self.route_query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Offer the unsubscribe route, sending this header with it.
    pub fn with_unsubscribe_header(mut self, name: &str, value: &str) -> Self {
        self.route = true;
        self.route_headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Offer the list route `GET /hooks` (callback URL at `/config/url`, each hook's own URL at
    /// `/url`), so a hook whose subscribe answer was lost can be found and removed.
    pub fn with_list_route(mut self) -> Self {
        self.list = true;
        self
    }

    /// Callback bodies are arrays of events.
    pub fn batch(mut self) -> Self {
        self.batch = true;
        self
    }
}

impl WebhookTrigger for MockTrigger {
    type Notification = MockEvent;

    fn name(&self) -> &str {
        &self.name
    }

    fn batch(&self) -> bool {
        self.batch
    }

    fn subscribe_request(&self, callback_url: &str) -> Result<RequestSpec, TriggerError> {
        let mut body = json!({"events": self.events, "active": true});
        crate::set_pointer(
            &mut body,
            "/config/url",
            Value::String(callback_url.to_owned()),
        )?;
        Ok(RequestSpec {
            method: "POST".to_owned(),
            url: "/hooks".to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Some(body),
        })
    }

    fn list_route(&self) -> Option<HookListRoute> {
        self.list.then(mock_list_route)
    }

    fn unsubscribe_route(&self) -> Option<UnsubscribeRoute> {
        self.route.then(|| UnsubscribeRoute {
            method: "DELETE".to_owned(),
            path: "/hooks/{hook_id}".to_owned(),
            id_param: Some("hook_id".to_owned()),
            id_from: Some("/id".to_owned()),
            query: self.route_query.clone(),
            headers: self.route_headers.clone(),
            id_query: None,
        })
    }
}

/// The mock's list route, `GET /hooks` (relative to its base URL).
pub fn mock_list_route() -> HookListRoute {
    HookListRoute {
        method: "GET".to_owned(),
        path: "/hooks".to_owned(),
        callback_from: "/config/url".to_owned(),
        id_from: Some("/id".to_owned()),
        url_from: Some("/url".to_owned()),
        ..HookListRoute::default()
    }
}
