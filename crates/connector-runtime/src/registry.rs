//! What users register: a connection (base URL + auth) and, for triggers, a handler.
//!
//! Registration is by trigger name so that, after a restart, stored subscriptions find their
//! handler, parser and credentials again. The typed handler is wrapped in a type-erased layer:
//! the host stores raw bytes and re-parses them into `T::Notification` when it redelivers.

use std::any::TypeId;
use std::time::Duration;

use crate::dispatch::{DispatchQueue, QueueSettings};
pub use crate::handler::HandlerError;
use crate::handler::ParseFn;
use crate::verify::SignatureCheck;
use crate::Auth;

/// Where the third-party API lives and how to authenticate to it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Connection {
    /// Base URL that relative request paths are appended to, e.g. `https://api.github.com`.
    pub base_url: String,
    /// Credentials for subscribe (and unsubscribe unless `unsubscribe_auth` is set).
    pub auth: Auth,
    /// Credentials for unsubscribe, when they differ from `auth`.
    pub unsubscribe_auth: Option<Auth>,
}

impl Connection {
    /// A connection to `base_url` with `auth`.
    pub fn new(base_url: impl Into<String>, auth: Auth) -> Self {
        Connection {
            base_url: base_url.into(),
            auth,
            unsubscribe_auth: None,
        }
    }

    /// Use different credentials for unsubscribe requests.
    pub fn with_unsubscribe_auth(mut self, auth: Auth) -> Self {
        self.unsubscribe_auth = Some(auth);
        self
    }

    pub(crate) fn auth_for_unsubscribe(&self) -> &Auth {
        self.unsubscribe_auth.as_ref().unwrap_or(&self.auth)
    }
}

/// Per-trigger receiving and dispatch settings.
#[derive(Debug, Clone)]
pub struct TriggerOptions {
    pub(crate) signature: SignatureCheck,
    pub(crate) queue_capacity: usize,
    pub(crate) concurrency: usize,
    pub(crate) max_attempts: u32,
    pub(crate) retry_backoff: Duration,
}

impl Default for TriggerOptions {
    fn default() -> Self {
        TriggerOptions {
            signature: SignatureCheck::None,
            queue_capacity: 1024,
            concurrency: 16,
            max_attempts: 5,
            retry_backoff: Duration::from_secs(1),
        }
    }
}

impl TriggerOptions {
    /// Check an inbound signature on every callback (GitHub, Standard Webhooks).
    pub fn with_signature(mut self, check: SignatureCheck) -> Self {
        self.signature = check;
        self
    }

    /// Deliveries waiting for a handler slot before callbacks get 429 (default 1024).
    pub fn with_queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity.max(1);
        self
    }

    /// Handler runs in flight at once (default 16).
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Handler attempts per delivery before it is marked failed (default 5).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// First wait between handler attempts; doubles each time, at most 60 s (default 1 s).
    pub fn with_retry_backoff(mut self, backoff: Duration) -> Self {
        self.retry_backoff = backoff;
        self
    }

    /// What the dispatch queue takes from these options.
    pub(crate) fn queue_settings(&self) -> QueueSettings {
        QueueSettings {
            capacity: self.queue_capacity,
            concurrency: self.concurrency,
            max_attempts: self.max_attempts,
            backoff: self.retry_backoff,
        }
    }
}

/// Everything the host knows about one trigger (or action) name.
pub(crate) struct Registration {
    pub type_id: TypeId,
    pub connection: Connection,
    pub options: TriggerOptions,
    pub parse: ParseFn,
    /// Triggers: the dispatch queue; actions: `None`.
    pub dispatch: Option<DispatchQueue>,
}
