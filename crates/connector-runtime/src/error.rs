//! The runtime's error type.

use crate::store::StoreError;
use crate::SubscriptionId;

/// Result alias used across the runtime.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything the host's public operations can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The builder was given inconsistent or unusable settings.
    #[error("invalid host configuration: {0}")]
    Config(String),
    /// Binding the listener or loading TLS material failed.
    #[error("cannot start the callback server: {0}")]
    Io(#[from] std::io::Error),
    /// The durable store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The trigger could not build its subscribe request.
    #[error(transparent)]
    Trigger(#[from] crate::TriggerError),
    /// No trigger or connection is registered under that name.
    #[error("no trigger registered under the name {0:?}; call Host::register first")]
    NotRegistered(String),
    /// A trigger with that name is registered with a different notification type.
    #[error("trigger {0:?} is registered with a different notification type")]
    TypeMismatch(String),
    /// The subscription id is unknown to the store.
    #[error("unknown subscription {0}")]
    UnknownSubscription(SubscriptionId),
    /// The operation does not fit the subscription's current state.
    #[error("subscription {id} is {state}; cannot {operation}")]
    InvalidState {
        /// The subscription.
        id: SubscriptionId,
        /// Its current state.
        state: String,
        /// What was attempted.
        operation: &'static str,
    },
    /// A request URL could not be built.
    #[error("invalid request URL {url:?}: {reason}")]
    Url {
        /// The offending URL (secrets removed).
        url: String,
        /// Why it is invalid.
        reason: String,
    },
    /// The third-party API refused the subscribe request (after retries).
    #[error("subscribe answered {status}: {body}")]
    SubscribeRejected {
        /// HTTP status of the last answer.
        status: u16,
        /// Body of the last answer (truncated).
        body: String,
    },
    /// The third-party API refused the unsubscribe request (after retries); the runtime keeps
    /// retrying in the background while the state stays `unsubscribing`.
    #[error("unsubscribe answered {status}: {body}")]
    UnsubscribeRejected {
        /// HTTP status of the last answer.
        status: u16,
        /// Body of the last answer (truncated).
        body: String,
    },
    /// The request never got an answer (after retries).
    #[error("{operation} failed to reach the API: {reason}")]
    Transport {
        /// `subscribe` or `unsubscribe`.
        operation: &'static str,
        /// The transport error (secrets removed).
        reason: String,
    },
    /// Listing the API's hooks to find one by its callback URL failed, or found a hook the
    /// listing gives no way to remove.
    #[error("cannot find the hook by listing the API's hooks: {reason}")]
    HookLookup {
        /// Why.
        reason: String,
    },
    /// A webhook action's deadline passed before its callback arrived (it was unsubscribed).
    #[error("webhook action {0} timed out waiting for its callback")]
    WaitTimedOut(SubscriptionId),
    /// A webhook action was cancelled before its callback arrived (it was unsubscribed).
    #[error("webhook action {0} was cancelled")]
    WaitCancelled(SubscriptionId),
    /// A stored callback body no longer parses into the notification type.
    #[error("cannot read the notification: {0}")]
    Notification(String),
    /// The host has shut down.
    #[error("the host has shut down")]
    ShutDown,
}

impl Error {
    pub(crate) fn invalid_state(
        id: &SubscriptionId,
        state: impl std::fmt::Display,
        operation: &'static str,
    ) -> Self {
        Error::InvalidState {
            id: id.clone(),
            state: state.to_string(),
            operation,
        }
    }
}
