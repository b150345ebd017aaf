//! Test helper (cargo feature `testing`): a third-party API that implements Logic Apps'
//! polling trigger contract, on `127.0.0.1` with an ephemeral port.
//!
//! Every `GET` (any path, so generated triggers' paths work) is a poll. The trigger state is
//! the `triggerState` query value: the id of the last event the caller has seen.
//! - no state → `202` with `Location` carrying the current last id (the starting state);
//! - state `n`, no event after `n` → `202`, `Location` with the same state;
//! - state `n`, events after `n` → `200` with them and `Location` with the new last id. The
//!   body is per [`AnswerShape`]: `{"value": [...], "nextLink": ...}` pages, a bare array, or
//!   for `single` triggers one object `{"count", "latest"}`.
//!
//! `Retry-After` is sent when set; faults (a status with `Retry-After`, a delay, `404` for
//! every state URL) apply to the next polls. Every poll is recorded unless turned off.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};

/// How a `200` answer carries its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerShape {
    /// `{"value": [...], "nextLink": "..."}`, at most `page_size` events a page.
    Pages {
        /// Events per page.
        page_size: usize,
    },
    /// A bare JSON array (e.g. egnyte's polling triggers).
    Array,
    /// One object for a `single` trigger: `{"count": n, "latest": event}`.
    Single,
}

/// One poll the API received.
#[derive(Debug, Clone)]
pub struct Poll {
    /// Path and query.
    pub path: String,
    /// The `triggerState` it carried.
    pub state: Option<u64>,
    /// When it arrived.
    pub at: Instant,
    /// The status answered.
    pub status: u16,
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    Status {
        status: u16,
        retry_after: Option<u64>,
    },
    Delay(Duration),
}

struct ApiState {
    shape: AnswerShape,
    next_id: u64,
    events: Vec<Value>,
    retry_after: Option<u64>,
    faults: VecDeque<Fault>,
    expire_states: bool,
    cyclic_pages: bool,
    record: bool,
    polls: Vec<Poll>,
    served: u64,
}

/// The running API. Dropping it stops the server.
pub struct PollingApi {
    addr: SocketAddr,
    state: Arc<Mutex<ApiState>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for PollingApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl PollingApi {
    /// Start the API answering in `shape`.
    pub async fn start(shape: AnswerShape) -> std::io::Result<Self> {
        let state = Arc::new(Mutex::new(ApiState {
            shape,
            next_id: 1,
            events: Vec::new(),
            retry_after: None,
            faults: VecDeque::new(),
            expire_states: false,
            cyclic_pages: false,
            record: true,
            polls: Vec::new(),
            served: 0,
        }));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let app = Router::new().fallback(poll).with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(PollingApi { addr, state, task })
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn with_state<R>(&self, f: impl FnOnce(&mut ApiState) -> R) -> R {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut state)
    }

    /// Create `count` events (file-created events, ids counting up from 1); returns their ids.
    pub fn add_events(&self, count: usize) -> Vec<u64> {
        self.with_state(|s| {
            (0..count)
                .map(|_| {
                    let id = s.next_id;
                    s.next_id += 1;
                    s.events.push(json!({
                        "id": id,
                        "timestamp": "2026-11-30T00:00:00Z",
                        "actor": 7,
                        "action": "create",
                        "action_source": "WebUI",
                        "data": {
                            "target_path": format!("/Shared/file-{id}.txt"),
                            "target_id": format!("v-{id}"),
                            "target_group_id": format!("g-{id}"),
                            "is_folder": false
                        }
                    }));
                    id
                })
                .collect()
        })
    }

    /// The polls received so far.
    pub fn polls(&self) -> Vec<Poll> {
        self.with_state(|s| s.polls.clone())
    }

    /// How many polls were answered (recorded or not).
    pub fn served(&self) -> u64 {
        self.with_state(|s| s.served)
    }

    /// Keep a record of every poll (default on; off for load tests).
    pub fn record(&self, record: bool) {
        self.with_state(|s| s.record = record);
    }

    /// Send `Retry-After: seconds` with every 200 and 202.
    pub fn retry_after(&self, seconds: Option<u64>) {
        self.with_state(|s| s.retry_after = seconds);
    }

    /// Answer the next `count` polls with `status` (and `Retry-After`, when given).
    pub fn fail_next(&self, count: usize, status: u16, retry_after: Option<u64>) {
        self.with_state(|s| {
            for _ in 0..count {
                s.faults.push_back(Fault::Status {
                    status,
                    retry_after,
                });
            }
        });
    }

    /// Hold the next `count` answers for `delay` (longer than the client's timeout: a timeout).
    pub fn delay_next(&self, count: usize, delay: Duration) {
        self.with_state(|s| {
            for _ in 0..count {
                s.faults.push_back(Fault::Delay(delay));
            }
        });
    }

    /// Answer `404` to every poll that carries a trigger state (the state expired).
    pub fn expire_states(&self, expire: bool) {
        self.with_state(|s| s.expire_states = expire);
    }

    /// Make the last page's `nextLink` point back to the first page (a broken API's link
    /// cycle).
    pub fn cyclic_pages(&self, cyclic: bool) {
        self.with_state(|s| s.cyclic_pages = cyclic);
    }
}

fn state_of(uri: &Uri) -> Option<u64> {
    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "triggerState")
        .and_then(|(_, v)| v.parse().ok())
}

fn page_of(uri: &Uri) -> usize {
    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
}

/// `uri` with `triggerState` (and `page`) replaced; other query values kept.
fn with_query(uri: &Uri, state: u64, page: Option<usize>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        if k != "triggerState" && k != "page" {
            query.append_pair(&k, &v);
        }
    }
    query.append_pair("triggerState", &state.to_string());
    if let Some(page) = page {
        query.append_pair("page", &page.to_string());
    }
    format!("{}?{}", uri.path(), query.finish())
}

async fn poll(State(state): State<Arc<Mutex<ApiState>>>, uri: Uri) -> Response {
    let fault = state
        .lock()
        .map(|mut s| s.faults.pop_front())
        .unwrap_or(None);
    if let Some(Fault::Delay(delay)) = fault {
        tokio::time::sleep(delay).await;
    }
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    let trigger_state = state_of(&uri);
    let response = answer(&s, &uri, trigger_state, fault);
    s.served += 1;
    if s.record {
        s.polls.push(Poll {
            path: uri.to_string(),
            state: trigger_state,
            at: Instant::now(),
            status: response.status().as_u16(),
        });
    }
    response
}

fn answer(s: &ApiState, uri: &Uri, trigger_state: Option<u64>, fault: Option<Fault>) -> Response {
    if let Some(Fault::Status {
        status,
        retry_after,
    }) = fault
    {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (code, "fault").into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        return response;
    }
    let last = s.next_id - 1;
    let Some(seen) = trigger_state else {
        return accepted(s, &with_query(uri, last, None));
    };
    if s.expire_states {
        return (StatusCode::NOT_FOUND, "trigger state expired").into_response();
    }
    let new: Vec<&Value> = s
        .events
        .iter()
        .filter(|e| e["id"].as_u64().is_some_and(|id| id > seen))
        .collect();
    if new.is_empty() {
        return accepted(s, &with_query(uri, seen, None));
    }
    let body = match s.shape {
        AnswerShape::Array => json!(new),
        AnswerShape::Single => json!({"count": new.len(), "latest": new[new.len() - 1]}),
        AnswerShape::Pages { page_size } => {
            let page = page_of(uri);
            let size = page_size.max(1);
            let items: Vec<&&Value> = new.iter().skip(page * size).take(size).collect();
            let next = if (page + 1) * size < new.len() {
                Some(with_query(uri, seen, Some(page + 1)))
            } else if s.cyclic_pages {
                Some(with_query(uri, seen, Some(0)))
            } else {
                None
            };
            json!({"value": items, "nextLink": next})
        }
    };
    let mut response = (StatusCode::OK, axum::Json(body)).into_response();
    set_headers(s, &mut response, &with_query(uri, last, None));
    response
}

fn accepted(s: &ApiState, location: &str) -> Response {
    let mut response = StatusCode::ACCEPTED.into_response();
    set_headers(s, &mut response, location);
    response
}

fn set_headers(s: &ApiState, response: &mut Response, location: &str) {
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    if let Some(seconds) = s.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
}

/// One event as [`EventsTrigger`] reads it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PolledEvent {
    /// The event id (the dedupe key).
    pub id: u64,
    /// What happened.
    pub action: String,
    /// The file.
    pub data: PolledFile,
}

/// The file an event is about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PolledFile {
    /// Its path.
    pub target_path: String,
}

/// A `batch` polling trigger for [`PollingApi`]: `GET {path}`, items deduplicated by `/id`,
/// `nextLink` pages followed.
#[derive(Debug, Clone)]
pub struct EventsTrigger {
    name: String,
    path: String,
    interval: Duration,
}

impl EventsTrigger {
    /// Poll `GET /events` every 100 ms under `name`.
    pub fn new(name: impl Into<String>) -> Self {
        EventsTrigger {
            name: name.into(),
            path: "/events".to_owned(),
            interval: Duration::from_millis(100),
        }
    }

    /// Poll another path (another "folder").
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Poll at another interval.
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }
}

impl crate::PollingTrigger for EventsTrigger {
    type Item = PolledEvent;

    fn name(&self) -> &str {
        &self.name
    }

    fn batch(&self) -> bool {
        true
    }

    fn first_request(&self) -> Result<crate::RequestSpec, crate::TriggerError> {
        Ok(crate::RequestSpec {
            method: "GET".to_owned(),
            url: self.path.clone(),
            ..crate::RequestSpec::default()
        })
    }

    fn interval(&self) -> Duration {
        self.interval
    }

    fn item_id(&self) -> Option<&str> {
        Some("/id")
    }

    fn next_link(&self) -> Option<&str> {
        Some("/nextLink")
    }
}

/// What a `single` trigger on [`PollingApi`] (in [`AnswerShape::Single`]) gets: the whole
/// answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LatestSummary {
    /// Events since the last poll.
    pub count: usize,
    /// The newest of them.
    pub latest: PolledEvent,
}

/// A `single` polling trigger for [`PollingApi`]: `GET /latest` every 100 ms.
#[derive(Debug, Clone)]
pub struct LatestTrigger;

impl crate::PollingTrigger for LatestTrigger {
    type Item = LatestSummary;

    fn name(&self) -> &str {
        "latest"
    }

    fn first_request(&self) -> Result<crate::RequestSpec, crate::TriggerError> {
        Ok(crate::RequestSpec {
            method: "GET".to_owned(),
            url: "/latest".to_owned(),
            ..crate::RequestSpec::default()
        })
    }

    fn interval(&self) -> Duration {
        Duration::from_millis(100)
    }
}
