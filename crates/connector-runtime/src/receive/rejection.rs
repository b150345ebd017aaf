//! Every answer the callback endpoint gives: refusals as one [`Rejection`] enum, acceptances
//! as [`Acknowledged`]. Each variant owns its status, message and `Retry-After`, so the
//! receive path only says *what* happened.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// How long a sender is asked to wait before retrying after a store or registration hiccup.
const RETRY_SOON: Duration = Duration::from_secs(5);

/// Why a callback was refused. Nothing is stored for any of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejection {
    /// 401: the `sig` token is missing or wrong.
    BadToken,
    /// 404: no such subscription.
    UnknownSubscription,
    /// 410: the subscription was disabled or deleted (or is shutting down).
    Disabled,
    /// 410: the webhook action's wait already ended.
    WaitEnded,
    /// 410: the subscription's trigger has no handler (registered as an action only).
    NoHandler,
    /// 503: the subscription's trigger is not registered yet (stored before a restart).
    NotRegistered,
    /// 503: the store failed; nothing was acknowledged.
    StoreUnavailable,
    /// 431: the request's headers together exceed the host's header limit.
    HeadersTooLarge,
    /// 413: the body exceeds the host's body limit.
    BodyTooLarge,
    /// 415: not JSON (or a form with a JSON payload).
    UnsupportedMediaType,
    /// 401: the trigger's inbound signature check failed.
    BadSignature,
    /// 400: a form body without its `payload` field.
    FormWithoutPayload,
    /// 400: the body does not parse into the trigger's notification type.
    BodyMismatch,
    /// 429: the trigger's handler queue is full.
    QueueFull {
        /// Sent as `Retry-After`.
        retry_after: Duration,
    },
}

impl Rejection {
    fn status(self) -> StatusCode {
        match self {
            Rejection::BadToken | Rejection::BadSignature => StatusCode::UNAUTHORIZED,
            Rejection::UnknownSubscription => StatusCode::NOT_FOUND,
            Rejection::Disabled | Rejection::WaitEnded | Rejection::NoHandler => StatusCode::GONE,
            Rejection::NotRegistered | Rejection::StoreUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Rejection::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Rejection::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Rejection::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Rejection::FormWithoutPayload | Rejection::BodyMismatch => StatusCode::BAD_REQUEST,
            Rejection::QueueFull { .. } => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    fn message(self) -> &'static str {
        match self {
            Rejection::BadToken => "invalid callback token",
            Rejection::UnknownSubscription => "unknown subscription",
            Rejection::Disabled => "subscription disabled or deleted",
            Rejection::WaitEnded => "the wait has ended",
            Rejection::NoHandler => "no handler for this subscription",
            Rejection::NotRegistered => "trigger not registered yet",
            Rejection::StoreUnavailable => "cannot store the delivery",
            Rejection::HeadersTooLarge => "request headers over the limit",
            Rejection::BodyTooLarge => "body over the limit",
            Rejection::UnsupportedMediaType => "expected a JSON body",
            Rejection::BadSignature => "invalid signature",
            Rejection::FormWithoutPayload => "form body without a payload field",
            Rejection::BodyMismatch => "body does not match the notification schema",
            Rejection::QueueFull { .. } => "handler queue full",
        }
    }

    fn retry_after(self) -> Option<Duration> {
        match self {
            Rejection::NotRegistered | Rejection::StoreUnavailable => Some(RETRY_SOON),
            Rejection::QueueFull { retry_after } => Some(retry_after),
            _ => None,
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let mut response = (self.status(), self.message()).into_response();
        if let Some(after) = self.retry_after() {
            let seconds = after.as_secs().max(1);
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

/// A callback that was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Acknowledged {
    /// 202: stored durably (and queued for the handler or handed to the wait).
    Accepted,
    /// 200: the same delivery id was stored before; not dispatched again.
    Duplicate,
    /// 200: a GitHub ping the notification type cannot read; acknowledged, not stored.
    Pong,
}

impl IntoResponse for Acknowledged {
    fn into_response(self) -> Response {
        match self {
            Acknowledged::Accepted => (StatusCode::ACCEPTED, "accepted"),
            Acknowledged::Duplicate => (StatusCode::OK, "duplicate delivery"),
            Acknowledged::Pong => (StatusCode::OK, "pong"),
        }
        .into_response()
    }
}

/// What the receive path ends with.
pub(crate) type Answer = Result<Acknowledged, Rejection>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_goes_with_503_and_429_only() {
        let busy = Rejection::QueueFull {
            retry_after: Duration::from_millis(10),
        }
        .into_response();
        assert_eq!(busy.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(busy.headers()[header::RETRY_AFTER], "1");
        let down = Rejection::StoreUnavailable.into_response();
        assert_eq!(down.headers()[header::RETRY_AFTER], "5");
        let big = Rejection::HeadersTooLarge.into_response();
        assert_eq!(big.status(), StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
        assert!(big.headers().get(header::RETRY_AFTER).is_none());
    }
}
