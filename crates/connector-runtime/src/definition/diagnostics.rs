//! What loading a definition found: warnings (a field the runtime does not implement) and
//! errors (the definition cannot mean what it says), each at a JSON pointer.
//!
//! Nothing is dropped silently: a field the runtime does not implement is a warning, or an
//! error in strict mode ([`super::DefinitionOptions::strict`]).

use std::fmt;

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Loaded; this part is ignored or approximated.
    Warning,
    /// Not loaded.
    Error,
}

/// One finding, at a JSON pointer into the loaded document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// Where, e.g. `/inputs/subscribe/uri` (or `/definition/triggers/x/…` in a workflow).
    pub pointer: String,
    /// What and why (never a secret's value).
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{severity} at {pointer}: {}", self.message)
    }
}

/// The findings of one load.
#[derive(Debug, Clone, Default)]
pub(crate) struct Diagnostics {
    items: Vec<Diagnostic>,
    strict: bool,
}

impl Diagnostics {
    pub fn new(strict: bool) -> Self {
        Diagnostics {
            items: Vec::new(),
            strict,
        }
    }

    pub fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.push(Severity::Error, pointer, message.into());
    }

    /// Something the runtime does not implement: a warning, or an error when strict.
    pub fn unsupported(&mut self, pointer: &str, message: impl Into<String>) {
        let severity = if self.strict {
            Severity::Error
        } else {
            Severity::Warning
        };
        self.push(severity, pointer, message.into());
    }

    fn push(&mut self, severity: Severity, pointer: &str, message: String) {
        self.items.push(Diagnostic {
            severity,
            pointer: pointer.to_owned(),
            message,
        });
    }

    #[cfg(test)]
    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

/// `parent` + `/` + `key`, escaped as RFC 6901 says.
pub(crate) fn child_pointer(parent: &str, key: &str) -> String {
    format!("{parent}/{}", key.replace('~', "~0").replace('/', "~1"))
}
