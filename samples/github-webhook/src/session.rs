//! One trigger subscription hosted by the runtime, from enable to disable: the part the demo
//! and the live run share.
//!
//! It uses the generated crate exactly as an application would: build a
//! `PushTrigger` from typed parameters, register it with a handler of
//! `Callback<WebhookPushResponse>`, enable, receive, disable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use connector_runtime::{
    Auth, Callback, Connection, Host, RetryPolicy, SignatureCheck, SubscriptionId,
    SubscriptionState, TriggerOptions,
};
use github_webhook_connector::models::{
    WebhookPushResponse, WebhookTriggerBody, WebhookTriggerBodyConfig,
};
use github_webhook_connector::triggers::WebhookTrigger as PushTrigger;
use rand::RngCore;
use tokio::sync::mpsc;

use crate::error::{Error, Result};
use crate::notice::Notice;

/// What a [`Session`] needs: where the API is, who we are there, which repository to watch,
/// and how the runtime is set up.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    api_base: String,
    auth: Auth,
    owner: String,
    repo: String,
    store: PathBuf,
    secret: String,
    bind: SocketAddr,
    public_url: Option<String>,
    retry: RetryPolicy,
    admin: Option<(SocketAddr, String)>,
}

impl SessionConfig {
    /// Watch `owner/repo` at `api_base` with `auth`, storing subscriptions in the SQLite file
    /// `store`. A random hook secret is generated; the runtime listens on `127.0.0.1:0`.
    pub fn new(
        api_base: impl Into<String>,
        auth: Auth,
        owner: impl Into<String>,
        repo: impl Into<String>,
        store: impl Into<PathBuf>,
    ) -> Self {
        let mut secret = [0u8; 20];
        rand::thread_rng().fill_bytes(&mut secret);
        SessionConfig {
            api_base: api_base.into(),
            auth,
            owner: owner.into(),
            repo: repo.into(),
            store: store.into(),
            secret: hex::encode(secret),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: None,
            retry: RetryPolicy::logic_apps_default(),
            admin: None,
        }
    }

    /// The hook secret GitHub signs deliveries with (and the runtime checks).
    pub fn with_secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = secret.into();
        self
    }

    /// Where the runtime's callback server listens.
    pub fn with_bind(mut self, bind: SocketAddr) -> Self {
        self.bind = bind;
        self
    }

    /// The URL the API reaches the runtime at (a tunnel or reverse proxy in front of `bind`).
    pub fn with_public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into());
        self
    }

    /// Serve the runtime's admin surface (run history, actions, metrics) at `bind`, for the
    /// bearer token `token` (named `demo` in the audit log).
    pub fn with_admin(mut self, bind: SocketAddr, token: impl Into<String>) -> Self {
        self.admin = Some((bind, token.into()));
        self
    }

    /// How subscribe and unsubscribe requests are retried.
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
}

/// What the subscribe answer said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscribed {
    /// `POST /repos/{owner}/{repo}/hooks`.
    pub request: String,
    /// Status of the answer (201).
    pub status: u16,
    /// Its `Location`: where the runtime will send the DELETE.
    pub location: String,
    /// The callback URL registered with the API.
    pub callback_url: String,
}

/// What disabling did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribed {
    /// `DELETE <Location>`.
    pub request: String,
    /// Where the subscription stands afterwards (`gone`).
    pub state: String,
    /// Hooks of this repository still pointing at our callback server, as the API lists them.
    pub hooks_left: usize,
}

/// A running subscription and the notifications its handler received.
pub struct Session {
    host: Host,
    id: SubscriptionId,
    subscribed: Subscribed,
    notices: mpsc::UnboundedReceiver<Notice>,
    api_base: String,
    auth: Auth,
    owner: String,
    repo: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("subscribed", &self.subscribed)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Start the runtime, register the generated trigger with a handler, and enable it.
    pub async fn start(config: SessionConfig) -> Result<Session> {
        let mut signing_key = vec![0u8; 32];
        rand::thread_rng().fill_bytes(&mut signing_key);
        let mut builder = Host::builder()
            .with_bind(config.bind)
            .with_sqlite(config.store.clone())
            .with_signing_key(signing_key)
            .with_retry_policy(config.retry.clone());
        if let Some(public_url) = &config.public_url {
            builder = builder.with_public_url(public_url.clone());
        }
        if let Some((bind, token)) = &config.admin {
            builder = builder
                .with_admin_bind(*bind)
                .with_admin_token("demo", token);
        }
        let host = builder.build().await?;

        let trigger = push_trigger(&config);
        let connection = Connection::new(config.api_base.clone(), config.auth.clone());
        // Deliveries without a valid X-Hub-Signature-256 for our secret are answered 401 by
        // the runtime and never reach the handler.
        let options = TriggerOptions::default()
            .with_signature(SignatureCheck::github(config.secret.as_bytes()));
        let (sender, notices) = mpsc::unbounded_channel();
        host.register_with(
            &trigger,
            connection,
            options,
            move |callback: Callback<WebhookPushResponse>| {
                let sender = sender.clone();
                async move {
                    // The receiver only goes away when the session ends; nothing to retry then.
                    let _ = sender.send(Notice::from_callback(&callback));
                    Ok(())
                }
            },
        )?;
        host.resume().await?;
        let id = host.enable(&trigger).await?;
        let record = host.subscription(&id).await?;
        let subscribed = Subscribed {
            request: format!("POST /repos/{}/{}/hooks", config.owner, config.repo),
            status: record
                .as_ref()
                .and_then(|r| r.subscribe_status)
                .unwrap_or_default(),
            location: record
                .as_ref()
                .and_then(|r| r.location.clone())
                .unwrap_or_default(),
            callback_url: host.callback_url(&id),
        };
        Ok(Session {
            host,
            id,
            subscribed,
            notices,
            api_base: config.api_base,
            auth: config.auth,
            owner: config.owner,
            repo: config.repo,
        })
    }

    /// What the subscribe answer said.
    pub fn subscribed(&self) -> &Subscribed {
        &self.subscribed
    }

    /// The runtime's public URL (callbacks go to `{public_url}/callbacks/...`).
    pub fn public_url(&self) -> &str {
        self.host.public_url()
    }

    /// The run-history page, when the admin surface is on.
    pub fn run_history_url(&self) -> Option<String> {
        self.host.admin_addr().map(|addr| format!("http://{addr}/"))
    }

    /// The next notification the handler received, waiting at most `timeout`.
    pub async fn next_notice(&mut self, timeout: Duration, what: &str) -> Result<Notice> {
        match tokio::time::timeout(timeout, self.notices.recv()).await {
            Ok(Some(notice)) => Ok(notice),
            Ok(None) | Err(_) => Err(Error::Timeout {
                what: what.to_owned(),
                after: timeout,
            }),
        }
    }

    /// The next notification, or `None` once `stop` completes first.
    pub async fn next_notice_or(
        &mut self,
        stop: impl std::future::Future<Output = ()>,
    ) -> Option<Notice> {
        tokio::select! {
            notice = self.notices.recv() => notice,
            () = stop => None,
        }
    }

    /// Notifications received but not yet taken.
    pub fn pending_notices(&mut self) -> Vec<Notice> {
        let mut pending = Vec::new();
        while let Ok(notice) = self.notices.try_recv() {
            pending.push(notice);
        }
        pending
    }

    /// Disable the trigger (the runtime DELETEs the hook at its `Location`), check with the
    /// API that none of our hooks is left, and stop the runtime.
    pub async fn stop(self) -> Result<Unsubscribed> {
        // Whatever disabling does, the runtime is shut down before returning.
        let disabled = self.host.disable(&self.id).await;
        let record = self.host.subscription(&self.id).await;
        let hooks_left = self.our_hooks().await;
        self.host.shutdown().await;
        disabled?;
        let (state, detail) = record?
            .map(|r| (r.state, r.last_error.unwrap_or_default()))
            .unwrap_or((SubscriptionState::Failed, "record missing".into()));
        if state != SubscriptionState::Gone {
            return Err(Error::Subscription {
                step: "disable",
                state: state.to_string(),
                detail,
            });
        }
        Ok(Unsubscribed {
            request: format!("DELETE {}", self.subscribed.location),
            state: state.to_string(),
            hooks_left: hooks_left?,
        })
    }

    /// Hooks of the repository whose callback URL points at this runtime, as the API lists them.
    async fn our_hooks(&self) -> Result<usize> {
        let request = format!("GET /repos/{}/{}/hooks", self.owner, self.repo);
        let url = format!(
            "{}/repos/{}/{}/hooks",
            self.api_base.trim_end_matches('/'),
            self.owner,
            self.repo
        );
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .user_agent("connector-gen-github-webhook-sample")
            .build()?;
        let response = self.auth.apply(client.get(url)).send().await?;
        let status = response.status().as_u16();
        let body = response.text().await?;
        if !(200..300).contains(&status) {
            return Err(Error::Status {
                request,
                status,
                body: body.chars().take(300).collect(),
            });
        }
        let hooks: Vec<serde_json::Value> =
            serde_json::from_str(&body).map_err(|e| Error::Status {
                request,
                status,
                body: format!("not a list of hooks: {e}"),
            })?;
        let ours = format!("{}/callbacks/", self.host.public_url());
        Ok(hooks
            .iter()
            .filter(|hook| {
                hook.pointer("/config/url")
                    .and_then(|v| v.as_str())
                    .is_some_and(|url| url.starts_with(&ours))
            })
            .count())
    }
}

/// The generated trigger, filled in: a JSON `push` hook signed with our secret. The callback
/// URL (`config.url`, `x-ms-notification-url`) is not a field: the runtime places it.
fn push_trigger(config: &SessionConfig) -> PushTrigger {
    // The spec's defaults fill the rest: name "web", active, events ["push"],
    // content_type "json", insecure_ssl "0" (what Power Automate sends unasked).
    let body = WebhookTriggerBody {
        config: WebhookTriggerBodyConfig {
            secret: Some(config.secret.clone()),
            ..WebhookTriggerBodyConfig::default()
        },
        ..WebhookTriggerBody::default()
    };
    PushTrigger::new(config.owner.clone(), config.repo.clone(), body)
}
