//! A GitHub-compatible server for the repository-webhook surface, on loopback, for tests and
//! the offline demo.
//!
//! It speaks what this sample needs of GitHub's REST API and webhook deliveries:
//!
//! - `POST /repos/{owner}/{repo}/hooks` → 201 with `Location: {base}/repos/{owner}/{repo}/hooks/{id}`,
//!   then a `ping` delivery to the new hook;
//! - `GET /repos/{owner}/{repo}/hooks[/{id}]`, `POST .../hooks/{id}/pings`;
//! - `DELETE /repos/{owner}/{repo}/hooks/{id}` → 204, or 404 for an unknown hook;
//! - deliveries carrying `X-GitHub-Event`, `X-GitHub-Delivery`, `X-Hub-Signature-256`
//!   (HMAC-SHA256 of the raw body with the hook's secret) and a JSON body;
//! - `POST /_simulate/repos/{owner}/{repo}/push` (not GitHub's): a push happened;
//! - `POST /_simulate/repos/{owner}/{repo}/events/{event}` (not GitHub's): deliver the posted
//!   payload as `event` (e.g. `pull_request`) to the hooks that want it.
//!
//! Every `/repos` endpoint checks basic auth (user name + token), like GitHub with a personal
//! access token.

mod clock;
mod deliver;
mod payloads;
mod routes;
mod signature;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

pub use payloads::{PushOutcome, SimulatedPush, ZERO_SHA};
pub use signature::signature_256;
pub use state::{ApiRequest, Delivery, Hook, HookConfig};

use state::Locked;

/// Errors of the test server and its client helpers.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Binding the loopback listener failed.
    #[error("cannot bind the test GitHub server: {0}")]
    Bind(#[source] std::io::Error),
    /// Talking to the server failed.
    #[error("request to the test GitHub server failed: {0}")]
    Http(#[from] reqwest::Error),
    /// The server answered something unexpected.
    #[error("the test GitHub server answered {status}: {body}")]
    Status {
        /// HTTP status.
        status: u16,
        /// Response body.
        body: String,
    },
    /// Waiting for deliveries took too long.
    #[error("timed out after {0:?} waiting for deliveries")]
    Timeout(Duration),
}

/// Result alias for this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What handlers share: configuration, the state lock, a client for deliveries.
pub(crate) struct Shared {
    pub(crate) base_url: String,
    pub(crate) username: String,
    pub(crate) token: String,
    pub(crate) client: reqwest::Client,
    pub(crate) state: Locked,
    /// Number of deliveries recorded so far, so waiters wake on each new one.
    delivered: watch::Sender<usize>,
}

impl Shared {
    pub(crate) fn record(&self, delivery: Delivery) {
        let count = {
            let mut state = self.state.lock();
            state.deliveries.push(delivery);
            state.deliveries.len()
        };
        self.delivered.send_replace(count);
    }
}

/// Configures and starts a [`TestGitHubHandle`].
#[derive(Debug, Clone)]
pub struct TestGitHub {
    username: String,
    token: String,
}

impl Default for TestGitHub {
    fn default() -> Self {
        Self {
            username: "octocat".to_owned(),
            token: "ghp_testtoken0000000000000000000000000000".to_owned(),
        }
    }
}

impl TestGitHub {
    /// A server accepting user `octocat` with a fixed test token (see [`TestGitHubHandle::token`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Accept this user name and personal access token instead.
    pub fn with_credentials(
        mut self,
        username: impl Into<String>,
        token: impl Into<String>,
    ) -> Self {
        self.username = username.into();
        self.token = token.into();
        self
    }

    /// Bind `127.0.0.1:0` and serve until the handle is dropped or shut down.
    pub async fn start(self) -> Result<TestGitHubHandle> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(Error::Bind)?;
        let addr = listener.local_addr().map_err(Error::Bind)?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()?;
        let (delivered, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            base_url: format!("http://{addr}"),
            username: self.username,
            token: self.token,
            client,
            state: Locked::default(),
            delivered,
        });
        let app = routes::router(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(err) = served {
                tracing::warn!(%err, "test GitHub server stopped with an error");
            }
        });
        Ok(TestGitHubHandle {
            shared,
            stop: Some(stop),
            server: Some(server),
        })
    }
}

/// A running test server. Dropping it stops the server.
pub struct TestGitHubHandle {
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for TestGitHubHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestGitHubHandle")
            .field("base_url", &self.shared.base_url)
            .finish_non_exhaustive()
    }
}

impl TestGitHubHandle {
    /// `http://127.0.0.1:<port>`: the API base URL (what `https://api.github.com` is for GitHub).
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The user name the server accepts.
    pub fn username(&self) -> &str {
        &self.shared.username
    }

    /// The personal access token the server accepts.
    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// Every hook currently held, in id order.
    pub fn hooks(&self) -> Vec<Hook> {
        self.shared.state.lock().hooks.values().cloned().collect()
    }

    /// Every delivery made so far, in the order they completed.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.state.lock().deliveries.clone()
    }

    /// Every request answered so far (hooks API and simulator), in order.
    pub fn requests(&self) -> Vec<ApiRequest> {
        self.shared.state.lock().requests.clone()
    }

    /// Wait until at least `count` deliveries have completed, or fail after `timeout`.
    pub async fn wait_for_deliveries(
        &self,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<Delivery>> {
        let mut delivered = self.shared.delivered.subscribe();
        let reached = tokio::time::timeout(timeout, delivered.wait_for(|n| *n >= count)).await;
        match reached {
            Ok(Ok(_)) => Ok(self.deliveries()),
            // The sender lives in `shared`, which we hold, so it cannot be closed.
            Ok(Err(_)) | Err(_) => Err(Error::Timeout(timeout)),
        }
    }

    /// Simulate a push to `owner/repo` through the server's `/_simulate` endpoint; returns once
    /// every `push` delivery has been answered.
    pub async fn simulate_push(
        &self,
        owner: &str,
        repo: &str,
        push: &SimulatedPush,
    ) -> Result<PushOutcome> {
        let url = format!(
            "{}/_simulate/repos/{owner}/{repo}/push",
            self.shared.base_url
        );
        self.simulate(url, push).await
    }

    /// Deliver `payload` as `event` to every hook of `owner/repo` that wants it, through the
    /// server's `/_simulate/repos/{owner}/{repo}/events/{event}` endpoint; returns once every
    /// delivery has been answered.
    pub async fn simulate_event(
        &self,
        owner: &str,
        repo: &str,
        event: &str,
        payload: &serde_json::Value,
    ) -> Result<Vec<Delivery>> {
        let url = format!(
            "{}/_simulate/repos/{owner}/{repo}/events/{event}",
            self.shared.base_url
        );
        self.simulate(url, payload).await
    }

    /// POST `body` to a simulator endpoint and read its JSON answer.
    async fn simulate<T: serde::de::DeserializeOwned>(
        &self,
        url: String,
        body: &impl serde::Serialize,
    ) -> Result<T> {
        let response = self.shared.client.post(url).json(body).send().await?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(Error::Status {
                status: status.as_u16(),
                body,
            });
        }
        Ok(response.json().await?)
    }

    /// Stop serving and wait for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for TestGitHubHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
