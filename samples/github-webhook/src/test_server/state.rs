//! What the test server remembers: hooks, branch heads and the deliveries it made.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

/// One repository webhook, as the server stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hook {
    /// Hook id (what `DELETE /repos/{owner}/{repo}/hooks/{id}` takes).
    pub id: u64,
    /// Repository owner.
    pub owner: String,
    /// Repository name.
    pub repo: String,
    /// Always `web`.
    pub name: String,
    /// Whether deliveries are sent.
    pub active: bool,
    /// Events the hook receives (`push`, `*`, ...).
    pub events: Vec<String>,
    /// Where and how deliveries go.
    pub config: HookConfig,
    /// Creation time, RFC 3339.
    pub created_at: String,
}

impl Hook {
    /// Whether a delivery of `event` goes to this hook (`ping` always does, like on GitHub).
    pub fn wants(&self, event: &str) -> bool {
        self.active && (event == "ping" || self.events.iter().any(|e| e == event || e == "*"))
    }
}

/// `config` of a hook.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookConfig {
    /// The callback URL deliveries are posted to.
    pub url: String,
    /// `json` (the only content type this server delivers).
    pub content_type: String,
    /// Key for `X-Hub-Signature-256`; no signature header when absent.
    pub secret: Option<String>,
    /// `"0"` or `"1"`, kept only to echo it back.
    pub insecure_ssl: String,
}

impl std::fmt::Debug for HookConfig {
    // The secret never reaches logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HookConfig")
            .field("url", &self.url)
            .field("content_type", &self.content_type)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("insecure_ssl", &self.insecure_ssl)
            .finish()
    }
}

/// One delivery attempt the server made to a hook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// `X-GitHub-Delivery`.
    pub guid: String,
    /// The hook delivered to.
    pub hook_id: u64,
    /// `X-GitHub-Event`, e.g. `ping` or `push`.
    pub event: String,
    /// The URL posted to.
    pub url: String,
    /// HTTP status the receiver answered, when it answered.
    pub status: Option<u16>,
    /// Why no answer came, when none did.
    pub error: Option<String>,
}

impl Delivery {
    /// The receiver answered 2xx.
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// One request the server answered (the simulator's included), for showing what a client did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiRequest {
    /// Upper-case method.
    pub method: String,
    /// Path, without the query.
    pub path: String,
    /// Status the server answered.
    pub status: u16,
}

/// Mutable server state behind one lock; every critical section is short and never awaits.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) next_hook_id: u64,
    pub(crate) hooks: BTreeMap<u64, Hook>,
    /// Head commit per (owner, repo, branch), so `before` of a push is the previous `after`.
    pub(crate) heads: BTreeMap<(String, String, String), String>,
    pub(crate) deliveries: Vec<Delivery>,
    pub(crate) requests: Vec<ApiRequest>,
}

/// A mutex that shrugs off poisoning: a panicked test thread must not take the server down.
#[derive(Debug, Default)]
pub(crate) struct Locked(Mutex<State>);

impl Locked {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
