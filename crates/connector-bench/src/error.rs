//! The harness's error type.

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong while running a scenario or the crash harness.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file, socket or child process operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The runtime reported an error.
    #[error(transparent)]
    Runtime(#[from] connector_runtime::Error),
    /// The runtime's store reported an error.
    #[error(transparent)]
    Store(#[from] connector_runtime::store::StoreError),
    /// The generator reported an error.
    #[error(transparent)]
    Generate(#[from] connector_gen::Error),
    /// JSON could not be read or written.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// An HTTP client error.
    #[error("http: {0}")]
    Http(String),
    /// A child process misbehaved (exited early, printed something unexpected).
    #[error("child process: {0}")]
    Child(String),
    /// A scenario's settings or inputs are unusable.
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// Wrap an I/O error with what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}
