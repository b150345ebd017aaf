//! The admin surface: run history over a JSON API and web pages, the operator's actions, and
//! Prometheus metrics, on a listener of its own.
//!
//! Off unless [`crate::HostBuilder::with_admin_bind`] is set, and then only with at least one
//! [`crate::HostBuilder::with_admin_token`]. It never shares the public callback port: the
//! callback server is reachable by third parties, the admin listener should not be.
//!
//! | route | what |
//! | --- | --- |
//! | `GET /api/triggers` | registered triggers and actions |
//! | `GET /api/subscriptions`, `/api/subscriptions/{id}` | subscriptions |
//! | `GET /api/deliveries`, `/api/deliveries/{id}` | inbox rows (`body=true` for bodies) |
//! | `GET /api/waits` | pending webhook-action waits and their deadlines |
//! | `GET /api/attempts` | subscribe / unsubscribe attempts with status codes |
//! | `GET /api/audit` | admin actions: when, which token name, what |
//! | `POST /api/deliveries/{id}/requeue` | a failed delivery back to pending |
//! | `POST /api/subscriptions/{id}/requeue-failed` | all failed deliveries of a subscription |
//! | `POST /api/subscriptions/{id}/disable`, `/enable` | through the host's lifecycle |
//! | `POST /api/subscriptions/{id}/retry-unsubscribe` | a stuck unsubscribe, now |
//! | `GET /metrics` | Prometheus / OpenMetrics text |
//! | `GET /`, `/triggers/{name}`, `/subscriptions/{id}`, `/deliveries/{id}` | web pages |
//!
//! Listings take `trigger`, `subscription`, `state`, `since`, `until` (ms since the Unix
//! epoch), `limit` and `cursor` (the `next` of the previous page).

mod actions;
mod api;
mod auth;
mod host_ops;
mod page;
mod rejection;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::Router;

pub(crate) use auth::AdminTokens;

use crate::error::{Error, Result};
use crate::store::{Store, SubscriptionKind};
use crate::Host;

/// What the builder collected for the admin listener.
#[derive(Debug, Default)]
pub(crate) struct AdminConfig {
    pub bind: Option<SocketAddr>,
    pub tokens: AdminTokens,
}

/// Shared by every admin handler.
pub(crate) struct AdminState {
    pub host: Host,
    pub tokens: AdminTokens,
    pub pages: page::Pages,
}

impl AdminState {
    pub fn store(&self) -> Arc<dyn Store> {
        self.host.store()
    }

    /// Registered names, sorted, triggers before actions.
    pub fn triggers(&self) -> Vec<api::TriggerView> {
        let mut triggers: Vec<api::TriggerView> = self
            .host
            .registered()
            .into_iter()
            .map(|(name, kind)| api::TriggerView { name, kind })
            .collect();
        triggers.sort_by(|a, b| {
            (a.kind != SubscriptionKind::Trigger, &a.name)
                .cmp(&(b.kind != SubscriptionKind::Trigger, &b.name))
        });
        triggers
    }
}

fn router(state: Arc<AdminState>) -> Router {
    Router::new()
        .route("/api/triggers", get(api::triggers))
        .route("/api/subscriptions", get(api::subscriptions))
        .route("/api/subscriptions/{id}", get(api::subscription))
        .route("/api/subscriptions/{id}/disable", post(actions::disable))
        .route("/api/subscriptions/{id}/enable", post(actions::enable))
        .route(
            "/api/subscriptions/{id}/retry-unsubscribe",
            post(actions::retry_unsubscribe),
        )
        .route(
            "/api/subscriptions/{id}/requeue-failed",
            post(actions::requeue_subscription),
        )
        .route("/api/deliveries", get(api::deliveries))
        .route("/api/deliveries/{id}", get(api::delivery))
        .route(
            "/api/deliveries/{id}/requeue",
            post(actions::requeue_delivery),
        )
        .route("/api/waits", get(api::waits))
        .route("/api/attempts", get(api::attempts))
        .route("/api/audit", get(api::audit))
        .route("/metrics", get(api::metrics))
        .route("/", get(page::index))
        .route("/triggers/{name}", get(page::trigger))
        .route("/subscriptions/{id}", get(page::subscription))
        .route("/deliveries/{id}", get(page::delivery))
        .route("/login", get(page::login_form).post(page::login))
        .route("/logout", post(page::logout))
        .fallback(|| async { rejection::Rejection::NotFound("no such admin route".into()) })
        .layer(axum::middleware::map_response(no_store))
        .with_state(state)
}

/// Admin answers hold operational data: never cached, never framed by another site.
async fn no_store(mut response: axum::response::Response) -> axum::response::Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Bind the admin listener and serve it until the host shuts down. Returns its address.
pub(crate) async fn start(
    config: AdminConfig,
    host: Host,
    public: SocketAddr,
) -> Result<Option<SocketAddr>> {
    let Some(bind) = config.bind else {
        return Ok(None);
    };
    // `HostBuilder::build` refused an admin listener without tokens before binding anything.
    if bind.port() != 0 && bind.port() == public.port() {
        return Err(Error::Config(
            "the admin listener must not share the public callback port".into(),
        ));
    }
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let local = listener.local_addr()?;
    let mut shutdown = host.inner.shutdown.subscribe();
    let state = Arc::new(AdminState {
        pages: page::Pages::new()?,
        tokens: config.tokens,
        host,
    });
    let app = router(state);
    tokio::spawn(async move {
        let stopped = async move {
            let _ = shutdown.wait_for(|stop| *stop).await;
        };
        if let Err(error) = axum::serve(listener, app)
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::error!(%error, "admin server stopped");
        }
    });
    tracing::info!(admin = %local, "admin listener started");
    Ok(Some(local))
}
