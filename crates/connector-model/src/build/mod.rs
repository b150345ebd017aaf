//! OpenAPI 3.0 → [`Connector`]: every operation an action, every `x-ms-trigger` operation,
//! 3.0 callback and 3.1 webhook a trigger.

pub mod resolve;
mod triggers;
mod unsubscribe;

use crate::diagnostics::{child, Diagnostics};
use crate::model::{
    Action, Connector, MediaType, Method, Parameter, ParameterLocation, RequestBody, Response,
    SecurityScheme, Visibility,
};
use crate::names::{snake, NameAllocator};
use crate::LoadOptions;
use openapiv3::{OpenAPI, ParameterSchemaOrContent, QueryStyle, ReferenceOr, Schema};
use resolve::{Resolver, SchemaRef};
use std::collections::HashMap;

/// Builds the connector model.
pub fn build(api: &OpenAPI, opts: &LoadOptions, diags: &mut Diagnostics) -> Connector {
    let resolver = Resolver::new(api);
    let actions = actions(api, resolver, diags);
    let triggers = triggers::triggers(api, resolver, &actions, opts, diags);
    Connector {
        title: api.info.title.clone(),
        description: api.info.description.clone(),
        version: api.info.version.clone(),
        base_url: base_url(api),
        security: security(api, diags),
        actions,
        triggers,
    }
}

/// The first server's URL with its variables replaced by their defaults.
fn base_url(api: &OpenAPI) -> String {
    let Some(server) = api.servers.first() else {
        return String::new();
    };
    let mut url = server.url.clone();
    if let Some(vars) = &server.variables {
        for (name, var) in vars {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
    }
    url
}

fn security(api: &OpenAPI, diags: &mut Diagnostics) -> Vec<SecurityScheme> {
    let Some(components) = &api.components else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let at = child("/components/securitySchemes", name);
        let ReferenceOr::Item(scheme) = scheme else {
            diags.warn(at, "security scheme references are not followed: ignored");
            continue;
        };
        let name = name.clone();
        match scheme {
            openapiv3::SecurityScheme::HTTP { scheme, .. }
                if scheme.eq_ignore_ascii_case("basic") =>
            {
                out.push(SecurityScheme::Basic { name })
            }
            openapiv3::SecurityScheme::HTTP { .. }
            | openapiv3::SecurityScheme::OAuth2 { .. }
            | openapiv3::SecurityScheme::OpenIDConnect { .. } => {
                out.push(SecurityScheme::Bearer { name })
            }
            openapiv3::SecurityScheme::APIKey {
                location,
                name: key,
                ..
            } => match location {
                openapiv3::APIKeyLocation::Header => out.push(SecurityScheme::ApiKeyHeader {
                    name,
                    header: key.clone(),
                }),
                openapiv3::APIKeyLocation::Query => out.push(SecurityScheme::ApiKeyQuery {
                    name,
                    param: key.clone(),
                }),
                openapiv3::APIKeyLocation::Cookie => {
                    diags.warn(at, "API keys in cookies are not supported: scheme ignored")
                }
            },
        }
    }
    out
}

fn method_of(name: &str) -> Option<Method> {
    Some(match name {
        "get" => Method::Get,
        "put" => Method::Put,
        "post" => Method::Post,
        "delete" => Method::Delete,
        "options" => Method::Options,
        "head" => Method::Head,
        "patch" => Method::Patch,
        "trace" => Method::Trace,
        _ => return None,
    })
}

fn actions(api: &OpenAPI, resolver: Resolver<'_>, diags: &mut Diagnostics) -> Vec<Action> {
    let mut names = NameAllocator::new();
    let mut first_pointer_of_id: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    for (path, item) in api.paths.iter() {
        let path_at = child("/paths", path);
        let ReferenceOr::Item(item) = item else {
            diags.warn(
                path_at,
                "path item references are not followed: path ignored",
            );
            continue;
        };
        for (method_name, op) in item.iter() {
            let Some(method) = method_of(method_name) else {
                continue;
            };
            let pointer = child(&path_at, method_name);
            let operation_id = match op.operation_id.as_deref().map(str::trim) {
                Some(id) if !id.is_empty() => id.to_string(),
                _ => {
                    let id = snake(&format!("{method_name} {path}"), method_name);
                    diags.warn(&pointer, format!("no operationId: `{id}` used"));
                    id
                }
            };
            if let Some(first) = first_pointer_of_id.get(&operation_id) {
                diags.warn(
                    &pointer,
                    format!("operationId `{operation_id}` is also used at {first}: Rust name made unique"),
                );
            } else {
                first_pointer_of_id.insert(operation_id.clone(), pointer.clone());
            }
            let rust_name = names.claim(&snake(&operation_id, method_name));
            let parameters =
                parameters(&item.parameters, &op.parameters, resolver, &pointer, diags);
            let request_body =
                op.request_body
                    .as_ref()
                    .and_then(|b| match resolver.request_body(b) {
                        Some(body) => Some(RequestBody {
                            required: body.required,
                            description: body.description.clone(),
                            content: media_types(&body.content),
                        }),
                        None => {
                            diags.warn(
                                child(&pointer, "requestBody"),
                                "request body reference not found: ignored",
                            );
                            None
                        }
                    });
            out.push(Action {
                operation_id,
                rust_name,
                method,
                path: path.clone(),
                summary: op.summary.clone(),
                description: op.description.clone(),
                x_ms_summary: string_extension(&op.extensions, "x-ms-summary"),
                visibility: visibility(&op.extensions),
                deprecated: op.deprecated,
                parameters,
                request_body,
                responses: responses(op, resolver, &pointer, diags),
                pointer,
            });
        }
    }
    out
}

fn string_extension(
    ext: &indexmap::IndexMap<String, serde_json::Value>,
    key: &str,
) -> Option<String> {
    ext.get(key)
        .and_then(serde_json::Value::as_str)
        .map(str::to_string)
}

fn visibility(ext: &indexmap::IndexMap<String, serde_json::Value>) -> Visibility {
    match ext
        .get("x-ms-visibility")
        .and_then(serde_json::Value::as_str)
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("important") => Visibility::Important,
        Some("advanced") => Visibility::Advanced,
        Some("internal") => Visibility::Internal,
        _ => Visibility::Normal,
    }
}

/// Path-level parameters, then the operation's; an operation parameter with the same name and
/// location replaces the path-level one.
fn parameters(
    shared: &[ReferenceOr<openapiv3::Parameter>],
    own: &[ReferenceOr<openapiv3::Parameter>],
    resolver: Resolver<'_>,
    pointer: &str,
    diags: &mut Diagnostics,
) -> Vec<Parameter> {
    let mut merged: Vec<(&openapiv3::Parameter, bool)> = Vec::new();
    for (list, from_path) in [(shared, true), (own, false)] {
        for (i, p) in list.iter().enumerate() {
            let Some(param) = resolver.parameter(p) else {
                diags.warn(
                    child(&child(pointer, "parameters"), &i.to_string()),
                    "parameter reference not found: parameter ignored",
                );
                continue;
            };
            let key = (param.parameter_data_ref().name.as_str(), location(param));
            match merged
                .iter()
                .position(|(m, _)| (m.parameter_data_ref().name.as_str(), location(m)) == key)
            {
                Some(existing) if !from_path && merged[existing].1 => {
                    merged[existing] = (param, false)
                }
                Some(_) => {}
                None => merged.push((param, from_path)),
            }
        }
    }
    let mut names = NameAllocator::new();
    merged
        .into_iter()
        .map(|(param, _)| {
            let data = param.parameter_data_ref();
            let location = location(param);
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(s) => s.clone(),
                ParameterSchemaOrContent::Content(content) => content
                    .values()
                    .find_map(|m| m.schema.clone())
                    .unwrap_or_else(|| ReferenceOr::Item(any_schema())),
            };
            let default = resolver
                .schema(SchemaRef::from(&schema))
                .and_then(|s| s.schema_data.default.clone());
            let explode = data.explode.unwrap_or(match param {
                openapiv3::Parameter::Query { style, .. } => matches!(style, QueryStyle::Form),
                openapiv3::Parameter::Cookie { .. } => true,
                _ => false,
            });
            Parameter {
                name: data.name.clone(),
                rust_name: names.claim(&snake(&data.name, "param")),
                location,
                required: data.required || location == ParameterLocation::Path,
                description: data.description.clone(),
                x_ms_summary: string_extension(&data.extensions, "x-ms-summary"),
                visibility: visibility(&data.extensions),
                schema,
                default,
                explode,
            }
        })
        .collect()
}

fn location(p: &openapiv3::Parameter) -> ParameterLocation {
    match p {
        openapiv3::Parameter::Query { .. } => ParameterLocation::Query,
        openapiv3::Parameter::Header { .. } => ParameterLocation::Header,
        openapiv3::Parameter::Path { .. } => ParameterLocation::Path,
        openapiv3::Parameter::Cookie { .. } => ParameterLocation::Cookie,
    }
}

/// An empty schema: any value.
pub fn any_schema() -> Schema {
    Schema {
        schema_data: Default::default(),
        schema_kind: openapiv3::SchemaKind::Any(Default::default()),
    }
}

fn media_types(content: &indexmap::IndexMap<String, openapiv3::MediaType>) -> Vec<MediaType> {
    content
        .iter()
        .map(|(media_type, m)| MediaType {
            media_type: media_type.clone(),
            schema: m.schema.clone(),
        })
        .collect()
}

fn responses(
    op: &openapiv3::Operation,
    resolver: Resolver<'_>,
    pointer: &str,
    diags: &mut Diagnostics,
) -> Vec<Response> {
    let coded = op
        .responses
        .responses
        .iter()
        .map(|(code, r)| (code.to_string(), r));
    let default = op
        .responses
        .default
        .iter()
        .map(|r| ("default".to_string(), r));
    let mut out = Vec::new();
    for (status, r) in coded.chain(default) {
        let Some(response) = resolver.response(r) else {
            diags.warn(
                child(&child(pointer, "responses"), &status),
                "response reference not found: response ignored",
            );
            continue;
        };
        out.push(Response {
            status,
            description: Some(response.description.clone()).filter(|d| !d.is_empty()),
            headers: response.headers.keys().cloned().collect(),
            content: media_types(&response.content),
        });
    }
    out
}
