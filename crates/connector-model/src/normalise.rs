//! Swagger 2.0 and OpenAPI 3.1 → OpenAPI 3.0 (`openapiv3::OpenAPI`).

use crate::diagnostics::{Diagnostics, Error, Result};

/// Normalises a parsed document into OpenAPI 3.0.
pub fn normalise(
    name: &str,
    value: serde_json::Value,
    _diags: &mut Diagnostics,
) -> Result<openapiv3::OpenAPI> {
    serde_json::from_value(value).map_err(|e| Error::Invalid {
        file: name.to_string(),
        pointer: String::new(),
        message: e.to_string(),
    })
}
