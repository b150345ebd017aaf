//! Every way an admin request is refused, as one type.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;

use crate::store::StoreError;

/// An admin request that cannot be served.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Rejection {
    /// A filter, cursor or id that cannot be read: 400 with what was wrong.
    #[error("{0}")]
    BadRequest(String),
    /// No valid admin token: 401.
    #[error("a valid admin bearer token is required")]
    Unauthorized,
    /// A page asked for without a valid token: back to the login form.
    #[error("log in first")]
    LoginRequired,
    /// The subscription, delivery or trigger does not exist: 404.
    #[error("{0}")]
    NotFound(String),
    /// The action does not fit the current state (e.g. requeue a delivery that did not
    /// fail): 409.
    #[error("{0}")]
    Conflict(String),
    /// The store or the runtime failed: 500, details in the log only.
    #[error("internal error")]
    Internal(String),
}

impl From<StoreError> for Rejection {
    fn from(error: StoreError) -> Self {
        Rejection::Internal(error.to_string())
    }
}

impl From<crate::Error> for Rejection {
    fn from(error: crate::Error) -> Self {
        match error {
            crate::Error::UnknownSubscription(id) => {
                Rejection::NotFound(format!("unknown subscription {id}"))
            }
            crate::Error::InvalidState { .. } => Rejection::Conflict(error.to_string()),
            other => Rejection::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let status = match &self {
            Rejection::BadRequest(_) => StatusCode::BAD_REQUEST,
            Rejection::Unauthorized => StatusCode::UNAUTHORIZED,
            Rejection::LoginRequired => return Redirect::to("/login").into_response(),
            Rejection::NotFound(_) => StatusCode::NOT_FOUND,
            Rejection::Conflict(_) => StatusCode::CONFLICT,
            Rejection::Internal(detail) => {
                // Messages here are already redacted by the layers that made them.
                tracing::error!(%detail, "admin request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let mut response = (
            status,
            Json(serde_json::json!({ "error": self.to_string() })),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"connector-runtime admin\""),
            );
        }
        response
    }
}

/// Result alias of admin handlers.
pub(crate) type AdminResult<T> = Result<T, Rejection>;
