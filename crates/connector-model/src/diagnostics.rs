//! Warnings and errors, each tied to a place in the spec: a JSON pointer and, when the
//! loader knows it, a line and column in the original file.

use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something was repaired or degraded; the spec still loads.
    Warning,
    /// The spec cannot be loaded (or a repair was refused under `--strict`).
    Error,
}

/// One warning or error.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// JSON pointer of the offending node (`""` for the whole document).
    pub pointer: String,
    /// 1-based line in the original file, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters) in the original file, when known.
    pub column: Option<usize>,
    /// What happened, for a human.
    pub message: String,
}

impl Diagnostic {
    /// A warning at `pointer` with no known position.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            pointer: pointer.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// An error at `pointer` with no known position.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            pointer: pointer.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// The same diagnostic with a position in the file.
    pub fn with_position(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// The same diagnostic with another severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{what}: ")?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, "{line}:{column}: ")?;
        }
        if !self.pointer.is_empty() {
            write!(f, "{}: ", self.pointer)?;
        }
        f.write_str(&self.message)
    }
}

/// Why a spec could not be loaded.
#[derive(thiserror::Error, Debug)]
pub enum Error {
    /// The file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not JSON or YAML, even after every repair.
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        /// File (display) name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// Pointer of the value being parsed when it failed.
        pointer: String,
        /// What was wrong.
        message: String,
    },
    /// `--strict` was given and the file needed repairs.
    #[error("{file}: {} repair(s) needed and --strict given: {}", repairs.len(), first_message(repairs))]
    Strict {
        /// File (display) name.
        file: String,
        /// Every repair, as errors.
        repairs: Vec<Diagnostic>,
    },
    /// The document parsed but is not a usable Swagger/OpenAPI document.
    #[error("{file}: {pointer}: {message}")]
    Invalid {
        /// File (display) name.
        file: String,
        /// Pointer of the offending node.
        pointer: String,
        /// What was wrong.
        message: String,
    },
}

fn first_message(repairs: &[Diagnostic]) -> String {
    repairs.first().map(ToString::to_string).unwrap_or_default()
}

impl Error {
    /// The error as diagnostics (severity `Error`), for machine-readable reports.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            Error::Io { source, .. } => vec![Diagnostic::error("", source.to_string())],
            Error::Parse {
                line,
                column,
                pointer,
                message,
                ..
            } => {
                vec![Diagnostic::error(pointer.clone(), message.clone())
                    .with_position(*line, *column)]
            }
            Error::Strict { repairs, .. } => repairs
                .iter()
                .cloned()
                .map(|d| d.with_severity(Severity::Error))
                .collect(),
            Error::Invalid {
                pointer, message, ..
            } => vec![Diagnostic::error(pointer.clone(), message.clone())],
        }
    }
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Collects warnings while a spec goes through the pipeline.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a warning.
    pub fn warn(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.items.push(Diagnostic::warning(pointer, message));
    }

    /// Adds any diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Everything collected so far.
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Takes the collected diagnostics.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// Number collected.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Escapes one reference token for a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Un-escapes one reference token of a JSON pointer.
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends a token to a pointer.
pub fn child(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    out.push_str(&escape_token(token));
    out
}
