//! What users register: a connection (base URL + auth) and, for triggers, a handler.
//!
//! Registration is by trigger name so that, after a restart, stored subscriptions find their
//! handler, parser and credentials again. The typed handler is wrapped in a type-erased layer:
//! the host stores raw bytes and re-parses them into `T::Notification` when it redelivers.

use std::any::{Any, TypeId};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::verify::SignatureCheck;
use crate::{Auth, Callback, WebhookTrigger};

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

/// A handler's failure: the delivery is retried (with backoff, up to the trigger's attempt
/// limit) and then kept in the inbox as failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct HandlerError(pub String);

impl HandlerError {
    /// A handler error with a message.
    pub fn new(message: impl std::fmt::Display) -> Self {
        HandlerError(message.to_string())
    }
}

impl From<String> for HandlerError {
    fn from(message: String) -> Self {
        HandlerError(message)
    }
}

impl From<&str> for HandlerError {
    fn from(message: &str) -> Self {
        HandlerError(message.to_owned())
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
}

/// A boxed future, as the erased layer stores it.
pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
/// One parsed notification, type-erased.
pub(crate) type Item = Box<dyn Any + Send>;
/// Bytes → notifications (one per item for batch triggers).
pub(crate) type ParseFn = Arc<dyn Fn(&[u8]) -> Result<Vec<Item>, serde_json::Error> + Send + Sync>;
/// Headers + one notification → the user's handler.
pub(crate) type HandlerFn =
    Arc<dyn Fn(Vec<(String, String)>, Item) -> BoxFuture<Result<(), HandlerError>> + Send + Sync>;

/// Everything the host knows about one trigger (or action) name.
pub(crate) struct Registration {
    pub type_id: TypeId,
    pub connection: Connection,
    pub options: TriggerOptions,
    pub parse: ParseFn,
    /// Triggers: the dispatch queue; actions: `None`.
    pub dispatch: Option<crate::dispatch::DispatchQueue>,
}

/// The parser for `T`: the body is one notification, or for batch triggers an array of them.
pub(crate) fn parser_for<T: WebhookTrigger>(trigger: &T) -> ParseFn {
    let batch = trigger.batch();
    Arc::new(move |bytes: &[u8]| {
        if batch {
            let items: Vec<T::Notification> = serde_json::from_slice(bytes)?;
            Ok(items
                .into_iter()
                .map(|item| Box::new(item) as Item)
                .collect())
        } else {
            let item: T::Notification = serde_json::from_slice(bytes)?;
            Ok(vec![Box::new(item) as Item])
        }
    })
}

/// Wrap a typed handler so the dispatcher can call it with an erased item.
pub(crate) fn erase_handler<N, H, Fut>(handler: H) -> HandlerFn
where
    N: Send + 'static,
    H: Fn(Callback<N>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
{
    // Webhook callbacks are answered 202 before the handler runs.
    erase_handler_with_status(handler, 202)
}

/// [`erase_handler`] for items that came with another status (a poll's 200).
pub(crate) fn erase_handler_with_status<N, H, Fut>(handler: H, status_code: u16) -> HandlerFn
where
    N: Send + 'static,
    H: Fn(Callback<N>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
{
    let handler = Arc::new(handler);
    Arc::new(move |headers, item| {
        let handler = handler.clone();
        Box::pin(async move {
            // The item was produced by this registration's own parser, so the downcast holds;
            // a mismatch would be a runtime bug and is reported as a handler failure.
            let body = match item.downcast::<N>() {
                Ok(body) => *body,
                Err(_) => return Err(HandlerError::new("notification type mismatch")),
            };
            handler(Callback {
                headers,
                body,
                status_code,
            })
            .await
        })
    })
}
