//! The HTTP surface: GitHub's repository-hook endpoints plus test-only event simulators.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use subtle::ConstantTimeEq;

use super::clock::now_rfc3339;
use super::deliver::deliver;
use super::payloads::{
    hook_json, hook_url, initial_head, ping_json, push_json, PushOutcome, SimulatedPush,
};
use super::state::{ApiRequest, Delivery, Hook, HookConfig};
use super::Shared;

type SharedState = State<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route(
            "/repos/{owner}/{repo}/hooks",
            post(create_hook).get(list_hooks),
        )
        .route(
            "/repos/{owner}/{repo}/hooks/{hook_id}",
            axum::routing::get(get_hook).delete(delete_hook),
        )
        .route(
            "/repos/{owner}/{repo}/hooks/{hook_id}/pings",
            post(ping_hook),
        )
        .route_layer(middleware::from_fn_with_state(shared.clone(), require_auth));
    // Not a GitHub endpoint: stands in for someone running `git push`.
    let simulator = Router::new()
        .route("/_simulate/repos/{owner}/{repo}/push", post(simulate_push))
        .route(
            "/_simulate/repos/{owner}/{repo}/events/{event}",
            post(simulate_event),
        );
    api.merge(simulator)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), log_request))
        .with_state(shared)
}

/// Remember method, path and answer of every request, so a demo can show the DELETE it made.
async fn log_request(State(shared): SharedState, request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    shared.state.lock().requests.push(ApiRequest {
        method,
        path,
        status,
    });
    response
}

/// GitHub's error body: `{"message": ..., "documentation_url": ...}`.
fn github_error(status: StatusCode, message: &str) -> Response {
    let body = json!({"message": message, "documentation_url": "https://docs.github.com/rest"});
    (status, Json(body)).into_response()
}

fn validation_failed(message: &str) -> Response {
    let body = json!({
        "message": "Validation Failed",
        "errors": [{"resource": "Hook", "code": "custom", "message": message}],
        "documentation_url": "https://docs.github.com/rest/repos/webhooks#create-a-repository-webhook",
    });
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

async fn not_found() -> Response {
    github_error(StatusCode::NOT_FOUND, "Not Found")
}

/// Basic auth with the configured user name and token (GitHub's personal-access-token form);
/// `Authorization: Bearer <token>` / `token <token>` are accepted too, as GitHub does.
async fn require_auth(State(shared): SharedState, request: Request, next: Next) -> Response {
    match authenticated(&shared, request.headers()) {
        Some(login) => {
            let mut request = request;
            request.extensions_mut().insert(Login(login));
            next.run(request).await
        }
        None if request.headers().contains_key(header::AUTHORIZATION) => {
            github_error(StatusCode::UNAUTHORIZED, "Bad credentials")
        }
        None => github_error(StatusCode::UNAUTHORIZED, "Requires authentication"),
    }
}

/// The authenticated user's login, stored by [`require_auth`] for handlers that need it.
#[derive(Clone)]
struct Login(String);

fn authenticated(shared: &Shared, headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.split_once(' ')?;
    let token_ok =
        |candidate: &str| bool::from(candidate.as_bytes().ct_eq(shared.token.as_bytes()));
    match scheme.to_ascii_lowercase().as_str() {
        "basic" => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(rest.trim())
                .ok()?;
            let decoded = String::from_utf8(decoded).ok()?;
            let (user, password) = decoded.split_once(':')?;
            (user == shared.username && token_ok(password)).then(|| user.to_owned())
        }
        "bearer" | "token" => token_ok(rest.trim()).then(|| shared.username.clone()),
        _ => None,
    }
}

#[derive(Deserialize)]
struct CreateHook {
    name: Option<String>,
    active: Option<bool>,
    events: Option<Vec<String>>,
    config: Option<CreateHookConfig>,
}

#[derive(Deserialize)]
struct CreateHookConfig {
    url: Option<String>,
    content_type: Option<String>,
    secret: Option<String>,
    // GitHub accepts `"0"`, `0`, `"1"` or `1`.
    insecure_ssl: Option<Value>,
}

/// `POST /repos/{owner}/{repo}/hooks`: 201 with `Location`, then a `ping` delivery.
async fn create_hook(
    State(shared): SharedState,
    Path((owner, repo)): Path<(String, String)>,
    login: axum::Extension<Login>,
    body: Bytes,
) -> Response {
    let Ok(request) = serde_json::from_slice::<CreateHook>(&body) else {
        return github_error(StatusCode::BAD_REQUEST, "Problems parsing JSON");
    };
    let config = match validate_config(request.config) {
        Ok(config) => config,
        Err(message) => return validation_failed(&message),
    };
    if request.name.as_deref().is_some_and(|name| name != "web") {
        return validation_failed("Name must be 'web' for a webhook");
    }
    let events = request.events.unwrap_or_else(|| vec!["push".to_owned()]);
    if events.is_empty() {
        return validation_failed("Events must not be empty");
    }
    let hook = {
        let mut state = shared.state.lock();
        state.next_hook_id += 1;
        let hook = Hook {
            id: state.next_hook_id,
            owner,
            repo,
            name: "web".to_owned(),
            active: request.active.unwrap_or(true),
            events,
            config,
            created_at: now_rfc3339(),
        };
        state.hooks.insert(hook.id, hook.clone());
        hook
    };
    let location = hook_url(&shared.base_url, &hook.owner, &hook.repo, hook.id);
    let body = hook_json(&shared.base_url, &hook);
    spawn_ping(shared, hook, login.0 .0.clone());
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response()
}

fn validate_config(config: Option<CreateHookConfig>) -> Result<HookConfig, String> {
    let config = config.ok_or("config is required")?;
    let url = config.url.ok_or("config.url is required")?;
    let parsed = url::Url::parse(&url).map_err(|e| format!("config.url is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("config.url must be http or https".to_owned());
    }
    let content_type = config.content_type.unwrap_or_else(|| "form".to_owned());
    if content_type != "json" {
        // GitHub defaults to `form`; this server only delivers JSON, so say so instead of
        // silently sending a different body than GitHub would.
        return Err(format!(
            "content_type '{content_type}' is not delivered by this test server; use 'json'"
        ));
    }
    let insecure_ssl = match config.insecure_ssl {
        None => "0".to_owned(),
        Some(Value::String(s)) if s == "0" || s == "1" => s,
        Some(Value::Number(n)) if n.as_u64() == Some(0) || n.as_u64() == Some(1) => n.to_string(),
        Some(_) => return Err("config.insecure_ssl must be 0 or 1".to_owned()),
    };
    Ok(HookConfig {
        url,
        content_type,
        secret: config.secret.filter(|s| !s.is_empty()),
        insecure_ssl,
    })
}

/// GitHub pings a new hook shortly *after* answering 201, so the subscriber has the Location
/// before the first delivery can reach it; a spawned task gives the same ordering.
fn spawn_ping(shared: Arc<Shared>, hook: Hook, sender: String) {
    tokio::spawn(async move {
        let payload = ping_json(&shared.base_url, &hook, &sender);
        deliver(&shared, &hook, "ping", &payload).await;
    });
}

/// `?per_page=&page=` of the list endpoint, with GitHub's defaults.
#[derive(Debug, Deserialize)]
struct Page {
    per_page: Option<usize>,
    page: Option<usize>,
}

/// `GET /repos/{owner}/{repo}/hooks`: pages of 30 (at most 100), oldest first, with GitHub's
/// `Link: <…>; rel="next"` header while more remain.
async fn list_hooks(
    State(shared): SharedState,
    Path((owner, repo)): Path<(String, String)>,
    Query(page): Query<Page>,
) -> Response {
    let per_page = page.per_page.unwrap_or(30).clamp(1, 100);
    let number = page.page.unwrap_or(1).max(1);
    let all: Vec<Value> = shared
        .state
        .lock()
        .hooks
        .values()
        .filter(|h| h.owner == owner && h.repo == repo)
        .map(|h| hook_json(&shared.base_url, h))
        .collect();
    let shown: Vec<Value> = all
        .iter()
        .skip((number - 1).saturating_mul(per_page))
        .take(per_page)
        .cloned()
        .collect();
    let mut response = Json(shown).into_response();
    if number.saturating_mul(per_page) < all.len() {
        let next = format!(
            "<{}/repos/{owner}/{repo}/hooks?per_page={per_page}&page={}>; rel=\"next\"",
            shared.base_url,
            number + 1
        );
        if let Ok(value) = header::HeaderValue::from_str(&next) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    response
}

fn find_hook(shared: &Shared, owner: &str, repo: &str, hook_id: &str) -> Option<Hook> {
    let id: u64 = hook_id.parse().ok()?;
    let state = shared.state.lock();
    state
        .hooks
        .get(&id)
        .filter(|h| h.owner == owner && h.repo == repo)
        .cloned()
}

async fn get_hook(
    State(shared): SharedState,
    Path((owner, repo, hook_id)): Path<(String, String, String)>,
) -> Response {
    match find_hook(&shared, &owner, &repo, &hook_id) {
        Some(hook) => Json(hook_json(&shared.base_url, &hook)).into_response(),
        None => github_error(StatusCode::NOT_FOUND, "Not Found"),
    }
}

/// `DELETE /repos/{owner}/{repo}/hooks/{id}`: 204, or 404 for a hook this repository lacks.
async fn delete_hook(
    State(shared): SharedState,
    Path((owner, repo, hook_id)): Path<(String, String, String)>,
) -> Response {
    let Some(hook) = find_hook(&shared, &owner, &repo, &hook_id) else {
        return github_error(StatusCode::NOT_FOUND, "Not Found");
    };
    shared.state.lock().hooks.remove(&hook.id);
    StatusCode::NO_CONTENT.into_response()
}

/// `POST .../hooks/{id}/pings`: 204, then a `ping` delivery.
async fn ping_hook(
    State(shared): SharedState,
    Path((owner, repo, hook_id)): Path<(String, String, String)>,
    login: axum::Extension<Login>,
) -> Response {
    let Some(hook) = find_hook(&shared, &owner, &repo, &hook_id) else {
        return github_error(StatusCode::NOT_FOUND, "Not Found");
    };
    spawn_ping(shared, hook, login.0 .0.clone());
    StatusCode::NO_CONTENT.into_response()
}

/// `POST /_simulate/repos/{owner}/{repo}/push` with a [`SimulatedPush`] body: moves the
/// branch, delivers `push` to every hook of the repository that wants it (awaiting each
/// delivery) and answers 200 with the [`PushOutcome`].
async fn simulate_push(
    State(shared): SharedState,
    Path((owner, repo)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Ok(push) = serde_json::from_slice::<SimulatedPush>(&body) else {
        return github_error(StatusCode::BAD_REQUEST, "Problems parsing JSON");
    };
    if push.branch.is_empty() || push.pusher.is_empty() {
        return github_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "branch and pusher are required",
        );
    }
    let (before, after, payload, targets) = {
        let mut state = shared.state.lock();
        let key = (owner.clone(), repo.clone(), push.branch.clone());
        let before = state
            .heads
            .get(&key)
            .cloned()
            .unwrap_or_else(|| initial_head(&owner, &repo));
        let (payload, after) = push_json(&shared.base_url, &owner, &repo, &before, &push);
        state.heads.insert(key, after.clone());
        let targets: Vec<Hook> = state
            .hooks
            .values()
            .filter(|h| h.owner == owner && h.repo == repo && h.wants("push"))
            .cloned()
            .collect();
        (before, after, payload, targets)
    };
    let deliveries = deliver_all(&shared, &targets, "push", &payload).await;
    Json(PushOutcome {
        before,
        after,
        deliveries,
    })
    .into_response()
}

/// `POST /_simulate/repos/{owner}/{repo}/events/{event}` with the event payload as body:
/// delivers it as `event` to every hook of the repository that wants it (awaiting each
/// delivery) and answers 200 with the deliveries. For events the server does not model, such
/// as `pull_request`, whose payload the caller writes.
async fn simulate_event(
    State(shared): SharedState,
    Path((owner, repo, event)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let Ok(payload) = serde_json::from_slice::<Value>(&body) else {
        return github_error(StatusCode::BAD_REQUEST, "Problems parsing JSON");
    };
    let targets: Vec<Hook> = shared
        .state
        .lock()
        .hooks
        .values()
        .filter(|h| h.owner == owner && h.repo == repo && h.wants(&event))
        .cloned()
        .collect();
    Json(deliver_all(&shared, &targets, &event, &payload).await).into_response()
}

/// Deliver `payload` as `event` to each hook in turn, awaiting each delivery.
async fn deliver_all(
    shared: &Shared,
    hooks: &[Hook],
    event: &str,
    payload: &Value,
) -> Vec<Delivery> {
    let mut deliveries = Vec::with_capacity(hooks.len());
    for hook in hooks {
        deliveries.push(deliver(shared, hook, event, payload).await);
    }
    deliveries
}
