//! OpenAPI 3.0 → [`Connector`].

use crate::diagnostics::Diagnostics;
use crate::model::Connector;
use crate::LoadOptions;

/// Builds the connector model.
pub fn build(
    openapi: &openapiv3::OpenAPI,
    _opts: &LoadOptions,
    _diags: &mut Diagnostics,
) -> Connector {
    Connector {
        title: openapi.info.title.clone(),
        description: openapi.info.description.clone(),
        version: openapi.info.version.clone(),
        base_url: openapi
            .servers
            .first()
            .map(|s| s.url.clone())
            .unwrap_or_default(),
        security: Vec::new(),
        actions: Vec::new(),
        triggers: Vec::new(),
    }
}
