//! The sample's error type.

use std::time::Duration;

/// Result alias of the sample.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything the demo and the live run can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The GitHub-compatible test server failed.
    #[error(transparent)]
    TestServer(#[from] crate::test_server::Error),
    /// The runtime host failed (subscribe, unsubscribe, store, listener).
    #[error("runtime: {0}")]
    Runtime(#[from] connector_runtime::Error),
    /// A direct request to the API failed.
    #[error("request to the API failed: {0}")]
    Http(#[from] reqwest::Error),
    /// The API answered a direct request with an unexpected status.
    #[error("{request} answered {status}: {body}")]
    Status {
        /// What was asked, e.g. `GET /repos/octo/hello/hooks`.
        request: String,
        /// HTTP status.
        status: u16,
        /// Response body (truncated).
        body: String,
    },
    /// A local file or directory could not be made.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Something expected did not arrive in time.
    #[error("timed out after {after:?} waiting for {what}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long.
        after: Duration,
    },
    /// A notification other than the expected one arrived.
    #[error("expected {expected}, got {got}")]
    Unexpected {
        /// What was expected.
        expected: String,
        /// What came.
        got: String,
    },
    /// The subscription did not end up where it should have.
    #[error("subscription is {state} after {step}: {detail}")]
    Subscription {
        /// The step that left it so.
        step: &'static str,
        /// Its state.
        state: String,
        /// The last error the runtime recorded, if any.
        detail: String,
    },
    /// `GITHUB_TOKEN` is not set for a live run.
    #[error("set GITHUB_TOKEN to a personal access token with the admin:repo_hook scope")]
    MissingToken,
}
