//! A trigger's typed handler behind a type-erased layer: the host stores raw bytes and
//! re-parses them into `T::Notification` when it (re)delivers.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::{Callback, WebhookTrigger};

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

/// A boxed future, as the erased layer stores it.
pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
/// One parsed notification, type-erased.
pub(crate) type Item = Box<dyn Any + Send>;
/// Bytes → notifications (one per item for batch triggers).
pub(crate) type ParseFn = Arc<dyn Fn(&[u8]) -> Result<Vec<Item>, serde_json::Error> + Send + Sync>;
/// Headers + one notification → the user's handler.
pub(crate) type HandlerFn =
    Arc<dyn Fn(Vec<(String, String)>, Item) -> BoxFuture<Result<(), HandlerError>> + Send + Sync>;

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
                status_code: 202,
            })
            .await
        })
    })
}
