//! Errors of code generation.

use std::path::PathBuf;

/// Why a crate could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec could not be loaded.
    #[error(transparent)]
    Load(#[from] connector_model::Error),
    /// A template (built in or overriding) does not parse or fails to render.
    #[error("template {template} failed for spec {spec}: {message}")]
    Template {
        /// Template name, e.g. `models.rs.tera`.
        template: String,
        /// Spec source name.
        spec: String,
        /// Tera's explanation, with its causes.
        message: String,
    },
    /// A template rendered text that is not valid Rust: nothing is written.
    #[error("template {template} produced invalid Rust for spec {spec} at line {line}, column {column}: {message}\n{excerpt}")]
    InvalidRust {
        /// Template name.
        template: String,
        /// Spec source name.
        spec: String,
        /// 1-based line in the rendered text.
        line: usize,
        /// 1-based column.
        column: usize,
        /// syn's message.
        message: String,
        /// The offending line and its neighbours.
        excerpt: String,
    },
    /// Reading templates or writing the crate failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A crate name that Cargo would refuse.
    #[error("invalid crate name {0:?}: use letters, digits, '-' and '_', starting with a letter")]
    CrateName(String),
}

/// Result of code generation.
pub type Result<T, E = Error> = std::result::Result<T, E>;
