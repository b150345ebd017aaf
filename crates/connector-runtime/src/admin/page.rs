//! The web pages: server-rendered from the tera templates in `templates/admin/` (compiled in,
//! so a host needs no files beside its binary), with a little inline JavaScript for relative
//! times, the action buttons and refreshing while deliveries are pending.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::{Deserialize, Serialize};
use tera::{Context, Tera};

use super::api::{
    delivery_id, subscription_id, AttemptView, AuditView, DeliveryView, Filters, PageView,
    SubscriptionView,
};
use super::auth::{PageOperator, COOKIE};
use super::rejection::{AdminResult, Rejection};
use super::AdminState;
use crate::error::{Error, Result};
use crate::store::history::{ListQuery, SubscriptionQuery};
use crate::store::{DeliveryState, SubscriptionState};

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/admin/base.html")),
    (
        "deliveries.html",
        include_str!("../../templates/admin/deliveries.html"),
    ),
    (
        "index.html",
        include_str!("../../templates/admin/index.html"),
    ),
    (
        "trigger.html",
        include_str!("../../templates/admin/trigger.html"),
    ),
    (
        "subscription.html",
        include_str!("../../templates/admin/subscription.html"),
    ),
    (
        "delivery.html",
        include_str!("../../templates/admin/delivery.html"),
    ),
    (
        "login.html",
        include_str!("../../templates/admin/login.html"),
    ),
];

/// The parsed templates.
pub(crate) struct Pages(Tera);

/// `when`: ms since the Unix epoch → an absolute UTC time (the page's script adds "3 min ago").
fn when(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = match value.as_i64().and_then(|ms| u64::try_from(ms).ok()) {
        Some(ms) => httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_millis(ms)),
        None => String::new(),
    };
    Ok(tera::Value::String(text))
}

/// `segment`: text → a percent-encoded URL path segment (trigger names in links).
fn segment_filter(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    Ok(tera::Value::String(segment(value.as_str().unwrap_or(""))))
}

fn segment(text: &str) -> String {
    crate::lifecycle::percent_encode(text, b"-._~")
}

impl Pages {
    pub fn new() -> Result<Self> {
        let mut tera = Tera::default();
        tera.add_raw_templates(TEMPLATES.iter().copied())
            .map_err(|e| Error::Config(format!("admin templates: {e}")))?;
        tera.register_filter("when", when);
        tera.register_filter("segment", segment_filter);
        Ok(Pages(tera))
    }

    fn render(&self, name: &str, context: &Context) -> AdminResult<Response> {
        let html = self
            .0
            .render(name, context)
            .map_err(|e| Rejection::Internal(format!("template {name}: {e:?}")))?;
        Ok(Html(html).into_response())
    }
}

fn context(state: &AdminState, operator: &str, title: &str) -> Context {
    let mut context = Context::new();
    context.insert("title", title);
    context.insert("operator", operator);
    context.insert("triggers", &state.triggers());
    // While anything shown is pending, the page refreshes itself to show it finish.
    context.insert("refresh", &false);
    context
}

/// The deliveries table's data and its "older" link.
#[derive(Serialize)]
struct DeliveryTable {
    rows: Vec<DeliveryView>,
    older: Option<String>,
    state: Option<String>,
}

impl DeliveryTable {
    fn new(page: PageView<DeliveryView>, base: &str, state: Option<&str>) -> Self {
        let older = page.next.map(|cursor| {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            if let Some(state) = state {
                query.append_pair("state", state);
            }
            query.append_pair("cursor", &cursor);
            format!("{base}?{}", query.finish())
        });
        DeliveryTable {
            rows: page.items,
            older,
            state: state.map(str::to_owned),
        }
    }
}

async fn subscriptions_in(
    state: &AdminState,
    list: ListQuery<SubscriptionState>,
) -> AdminResult<Vec<SubscriptionView>> {
    let query = SubscriptionQuery { list, kind: None };
    let page = state.store().list_subscriptions(&query).await?;
    Ok(page
        .items
        .into_iter()
        .map(|e| SubscriptionView::new(state, e))
        .collect())
}

pub(crate) async fn index(
    State(state): State<Arc<AdminState>>,
    PageOperator(operator): PageOperator,
) -> AdminResult<Response> {
    let mut context = context(&state, &operator, "Run history");
    let failed = Filters {
        state: Some("failed".into()),
        limit: 20,
        ..Filters::default()
    }
    .deliveries()?;
    let failed = state.store().list_deliveries(&failed).await?;
    context.insert(
        "table",
        &DeliveryTable::new(PageView::of(failed, DeliveryView::new), "/", None),
    );
    let stuck = subscriptions_in(
        &state,
        ListQuery {
            state: Some(SubscriptionState::Unsubscribing),
            limit: 20,
            ..ListQuery::default()
        },
    )
    .await?;
    context.insert("stuck", &stuck);
    state.pages.render("index.html", &context)
}

pub(crate) async fn trigger(
    State(state): State<Arc<AdminState>>,
    PageOperator(operator): PageOperator,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
) -> AdminResult<Response> {
    if !state.triggers().iter().any(|t| t.name == name) {
        return Err(Rejection::NotFound(format!("no trigger named {name:?}")));
    }
    let mut filters = Filters::parse(query.as_deref())?;
    filters.trigger = Some(name.clone());
    filters.body = false;
    let page = state
        .store()
        .list_deliveries(&filters.deliveries()?)
        .await?;
    let base = format!("/triggers/{}", segment(&name));
    let refresh = page.items.iter().any(|d| d.state == DeliveryState::Pending);
    let mut context = context(&state, &operator, &name);
    context.insert("trigger", &name);
    context.insert(
        "table",
        &DeliveryTable::new(
            PageView::of(page, DeliveryView::new),
            &base,
            filters.state.as_deref(),
        ),
    );
    context.insert("base", &base);
    context.insert("refresh", &refresh);
    let subscriptions = subscriptions_in(
        &state,
        ListQuery {
            trigger: Some(name),
            limit: 20,
            ..ListQuery::default()
        },
    )
    .await?;
    context.insert("subscriptions", &subscriptions);
    state.pages.render("trigger.html", &context)
}

/// One line of a subscription's history: an attempt or an admin action.
#[derive(Serialize)]
struct HistoryLine {
    at_ms: i64,
    what: String,
    outcome: String,
    status: Option<u16>,
    detail: Option<String>,
    by: Option<String>,
}

pub(crate) async fn subscription(
    State(state): State<Arc<AdminState>>,
    PageOperator(operator): PageOperator,
    Path(id): Path<String>,
) -> AdminResult<Response> {
    let id = subscription_id(&id)?;
    let view = state.subscription_view(&id).await?;
    let list: ListQuery<()> = ListQuery {
        subscription: Some(id.clone()),
        ..ListQuery::default()
    };
    let deliveries = state
        .store()
        .list_deliveries(&crate::store::DeliveryQuery {
            list: list.clone().with_state(None),
            with_body: false,
        })
        .await?;
    let attempts = state
        .store()
        .list_attempts(&list.clone().with_state(None))
        .await?;
    let audit = state.store().list_audit(&list.with_state(None)).await?;
    let mut history: Vec<HistoryLine> = attempts
        .items
        .into_iter()
        .map(AttemptView::new)
        .map(|a| HistoryLine {
            at_ms: a.at_ms,
            what: a.operation.to_owned(),
            outcome: a.outcome.to_owned(),
            status: a.status,
            detail: a.error,
            by: None,
        })
        .chain(
            audit
                .items
                .into_iter()
                .map(AuditView::new)
                .map(|a| HistoryLine {
                    at_ms: a.at_ms,
                    what: a.action,
                    outcome: "admin".to_owned(),
                    status: None,
                    detail: Some(a.detail),
                    by: Some(a.token_name),
                }),
        )
        .collect();
    history.sort_by_key(|line| std::cmp::Reverse(line.at_ms));
    let base = format!("/subscriptions/{id}");
    let refresh = deliveries
        .items
        .iter()
        .any(|d| d.state == DeliveryState::Pending);
    let mut context = context(&state, &operator, &format!("Subscription {id}"));
    context.insert("s", &view);
    context.insert(
        "table",
        &DeliveryTable::new(PageView::of(deliveries, DeliveryView::new), &base, None),
    );
    context.insert("history", &history);
    context.insert("refresh", &refresh);
    state.pages.render("subscription.html", &context)
}

pub(crate) async fn delivery(
    State(state): State<Arc<AdminState>>,
    PageOperator(operator): PageOperator,
    Path(id): Path<String>,
) -> AdminResult<Response> {
    let view = state.delivery_view(delivery_id(&id)?, true).await?;
    let body = view
        .body
        .as_ref()
        .map(|body| match body {
            serde_json::Value::String(text) => text.clone(),
            other => serde_json::to_string_pretty(other).unwrap_or_default(),
        })
        .unwrap_or_default();
    let mut context = context(&state, &operator, &format!("Delivery {}", view.id));
    context.insert("body", &body);
    context.insert("refresh", &(view.state == DeliveryState::Pending));
    context.insert("d", &view);
    state.pages.render("delivery.html", &context)
}

pub(crate) async fn login_form(State(state): State<Arc<AdminState>>) -> AdminResult<Response> {
    let mut context = Context::new();
    context.insert("title", "Log in");
    context.insert("error", &false);
    state.pages.render("login.html", &context)
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    token: String,
}

pub(crate) async fn login(
    State(state): State<Arc<AdminState>>,
    Form(form): Form<LoginForm>,
) -> AdminResult<Response> {
    if state.tokens.identify(&form.token).is_none() {
        let mut context = Context::new();
        context.insert("title", "Log in");
        context.insert("error", &true);
        let mut response = state.pages.render("login.html", &context)?;
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(response);
    }
    let cookie = format!(
        "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
        url::form_urlencoded::byte_serialize(form.token.as_bytes()).collect::<String>()
    );
    let mut response = Redirect::to("/").into_response();
    let value = HeaderValue::from_str(&cookie)
        .map_err(|_| Rejection::BadRequest("token: not valid in a cookie".into()))?;
    response.headers_mut().insert(header::SET_COOKIE, value);
    Ok(response)
}

pub(crate) async fn logout() -> Response {
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("connector_admin=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    response
}
