//! Swagger 2.0 and OpenAPI 3.0/3.1 → OpenAPI 3.0 (`openapiv3::OpenAPI`).
//!
//! Each dialect is first rebuilt as a 3.0-shaped JSON value (modules `v2` and `v3`) keeping only what
//! has the shape 3.0 requires, so that deserialising into `openapiv3` succeeds on real specs.
//! Should it still fail, the failing node is located (with `serde_path_to_error`, drilling
//! through the untagged enums that hide inner paths), degraded with a warning, and the
//! deserialisation retried a bounded number of times.

pub mod refs;
pub mod schema;
mod v2;
mod v3;

use crate::diagnostics::{child, unescape_token, Diagnostics, Error, Result};
use schema::{copy_string, external_docs, kind_of, Dialect};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

/// HTTP methods of a path item, in the order the model lists operations.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The document extension under which OpenAPI 3.1 `webhooks` are kept (3.0 has no such field).
pub const WEBHOOKS_EXTENSION: &str = "x-webhooks";

/// How many failing nodes are degraded before the document is given up.
const MAX_REPAIRS: usize = 64;

/// Normalises a parsed document into OpenAPI 3.0.
pub fn normalise(
    name: &str,
    value: serde_json::Value,
    diags: &mut Diagnostics,
) -> Result<openapiv3::OpenAPI> {
    if !value.is_object() {
        return Err(Error::Invalid {
            file: name.to_string(),
            pointer: String::new(),
            message: format!("the document is {}, not an object", kind_of(&value)),
        });
    }
    let dialect = detect(name, &value, diags)?;
    let mut doc = match dialect {
        Dialect::Swagger2 => v2::convert(&value, diags),
        Dialect::OpenApi30 | Dialect::OpenApi31 => v3::sanitise(&value, dialect, diags),
    };
    drop(value);
    deserialise_with_repairs(name, &mut doc, diags)
}

/// Which specification the document follows.
fn detect(name: &str, value: &Value, diags: &mut Diagnostics) -> Result<Dialect> {
    let invalid = |pointer: &str, message: String| Error::Invalid {
        file: name.to_string(),
        pointer: pointer.to_string(),
        message,
    };
    if let Some(v) = value.get("swagger") {
        let version = version_text(v);
        return if version.starts_with('2') {
            Ok(Dialect::Swagger2)
        } else {
            Err(invalid(
                "/swagger",
                format!("Swagger version `{version}` is not supported (2.0 is)"),
            ))
        };
    }
    if let Some(v) = value.get("openapi") {
        let version = version_text(v);
        return if version.starts_with("3.0") {
            Ok(Dialect::OpenApi30)
        } else if version.starts_with("3.1") {
            Ok(Dialect::OpenApi31)
        } else if version.starts_with('3') {
            diags.warn("/openapi", format!("OpenAPI `{version}` read as 3.1"));
            Ok(Dialect::OpenApi31)
        } else {
            Err(invalid(
                "/openapi",
                format!("OpenAPI version `{version}` is not supported"),
            ))
        };
    }
    if value.get("paths").is_some() {
        let dialect = if value.get("components").is_some() {
            Dialect::OpenApi30
        } else {
            Dialect::Swagger2
        };
        let read_as = if dialect == Dialect::Swagger2 {
            "Swagger 2.0"
        } else {
            "OpenAPI 3.0"
        };
        diags.warn(
            "",
            format!("no `swagger` or `openapi` version: read as {read_as}"),
        );
        return Ok(dialect);
    }
    Err(invalid(
        "",
        "not a Swagger 2.0 or OpenAPI 3.x document (no `swagger`, `openapi` or `paths`)".into(),
    ))
}

fn version_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    }
}

/// The `info` object, with the required `title` and `version` always present as strings.
fn info(v: Option<&Value>, diags: &mut Diagnostics) -> Value {
    let empty = Map::new();
    let map = match v {
        Some(Value::Object(map)) => map,
        _ => {
            diags.warn("/info", "no `info` object: title and version left empty");
            &empty
        }
    };
    let mut out = Map::new();
    for key in ["title", "version", "description", "termsOfService"] {
        copy_string(map, key, "/info", &mut out, diags);
    }
    for key in ["title", "version"] {
        if !out.contains_key(key) {
            if v.is_some() {
                diags.warn(child("/info", key), format!("no `{key}`: left empty"));
            }
            out.insert(key.into(), Value::String(String::new()));
        }
    }
    if let Some(Value::Object(contact)) = map.get("contact") {
        let mut c = Map::new();
        for key in ["name", "url", "email"] {
            copy_string(contact, key, "/info/contact", &mut c, diags);
        }
        out.insert("contact".into(), Value::Object(c));
    }
    if let Some(Value::Object(license)) = map.get("license") {
        if let Some(name) = license.get("name").and_then(Value::as_str) {
            let mut l = Map::new();
            l.insert("name".into(), Value::String(name.into()));
            copy_string(license, "url", "/info/license", &mut l, diags);
            out.insert("license".into(), Value::Object(l));
        }
    }
    for (key, value) in map {
        if key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        }
    }
    Value::Object(out)
}

/// A list of security requirements: objects of scheme name → list of scope strings.
fn security_requirements(v: &Value, at: &str, diags: &mut Diagnostics) -> Value {
    let Value::Array(items) = v else {
        diags.warn(at, "`security` is not an array: ignored");
        return json!([]);
    };
    let requirements = items
        .iter()
        .filter_map(|item| {
            let map = item.as_object()?;
            let requirement: Map<String, Value> = map
                .iter()
                .map(|(scheme, scopes)| {
                    let scopes: Vec<Value> = scopes
                        .as_array()
                        .map(|s| s.iter().filter(|s| s.is_string()).cloned().collect())
                        .unwrap_or_default();
                    (scheme.clone(), Value::Array(scopes))
                })
                .collect();
            Some(Value::Object(requirement))
        })
        .collect();
    Value::Array(requirements)
}

/// Tags that have a name.
fn tags(v: &Value, diags: &mut Diagnostics) -> Value {
    let Value::Array(items) = v else {
        diags.warn("/tags", "`tags` is not an array: ignored");
        return json!([]);
    };
    let tags = items
        .iter()
        .filter_map(|tag| {
            let map = tag.as_object()?;
            let name = map.get("name")?.as_str()?;
            let mut out = Map::new();
            out.insert("name".into(), Value::String(name.into()));
            if let Some(Value::String(d)) = map.get("description") {
                out.insert("description".into(), Value::String(d.clone()));
            }
            if let Some(docs) = map.get("externalDocs").and_then(external_docs) {
                out.insert("externalDocs".into(), docs);
            }
            for (key, value) in map {
                if key.starts_with("x-") {
                    out.insert(key.clone(), value.clone());
                }
            }
            Some(Value::Object(out))
        })
        .collect();
    Value::Array(tags)
}

/// The canonical form of a response key: `default`, `200`, `2XX`; `None` if it is neither.
fn status_key(code: &str) -> Option<String> {
    let code = code.trim();
    if code.eq_ignore_ascii_case("default") {
        return Some("default".into());
    }
    let bytes = code.as_bytes();
    match bytes {
        [a @ b'1'..=b'9', b, c] if b.is_ascii_digit() && c.is_ascii_digit() => Some(format!(
            "{}{}{}",
            char::from(*a),
            char::from(*b),
            char::from(*c)
        )),
        [a @ b'1'..=b'5', b'x' | b'X', b'x' | b'X'] => Some(format!("{}XX", char::from(*a))),
        _ => None,
    }
}

/// Deserialises the 3.0-shaped document, degrading failing nodes until it fits.
fn deserialise_with_repairs(
    name: &str,
    doc: &mut Value,
    diags: &mut Diagnostics,
) -> Result<openapiv3::OpenAPI> {
    for _ in 0..MAX_REPAIRS {
        let error = match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&*doc) {
            Ok(api) => return Ok(api),
            Err(e) => e,
        };
        let mut pointer = path_to_pointer(error.path());
        let mut message = error.inner().to_string();
        drill_down(doc, &mut pointer, &mut message);
        if !degrade(doc, &pointer, &message, diags) {
            return Err(Error::Invalid {
                file: name.to_string(),
                pointer,
                message,
            });
        }
    }
    Err(Error::Invalid {
        file: name.to_string(),
        pointer: String::new(),
        message: format!("more than {MAX_REPAIRS} nodes would need degrading"),
    })
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = child(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = child(&pointer, key),
            Segment::Enum { .. } => {}
            Segment::Unknown => break,
        }
    }
    pointer
}

/// What kind of OpenAPI object sits at a pointer of a 3.0 document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Document,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Schema,
    SecurityScheme,
    Other,
}

fn kind_at(pointer: &str) -> Kind {
    let tokens: Vec<String> = pointer.split('/').skip(1).map(unescape_token).collect();
    let mut kind = Kind::Document;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].as_str();
        let next = tokens.get(i + 1).map(String::as_str);
        let (k, used) = match (kind, t, next) {
            (Kind::Document, "paths" | WEBHOOKS_EXTENSION, Some(_)) => (Kind::PathItem, 2),
            (Kind::Document, "components", Some(section)) => {
                let k = match section {
                    "schemas" => Kind::Schema,
                    "parameters" => Kind::Parameter,
                    "responses" => Kind::Response,
                    "requestBodies" => Kind::RequestBody,
                    "headers" => Kind::Header,
                    "securitySchemes" => Kind::SecurityScheme,
                    "callbacks" if tokens.len() > i + 3 => {
                        i += 4;
                        kind = Kind::PathItem;
                        continue;
                    }
                    _ => Kind::Other,
                };
                (k, 3)
            }
            (Kind::PathItem, m, _) if METHODS.contains(&m) => (Kind::Operation, 1),
            (Kind::PathItem | Kind::Operation, "parameters", Some(_)) => (Kind::Parameter, 2),
            (Kind::Operation, "requestBody", _) => (Kind::RequestBody, 1),
            (Kind::Operation, "responses", Some(_)) => (Kind::Response, 2),
            (Kind::Operation, "callbacks", Some(_)) if tokens.len() > i + 2 => (Kind::PathItem, 3),
            (
                Kind::RequestBody | Kind::Response | Kind::Parameter | Kind::Header,
                "content",
                Some(_),
            ) => (Kind::MediaType, 2),
            (Kind::Response, "headers", Some(_)) => (Kind::Header, 2),
            (Kind::Parameter | Kind::Header | Kind::MediaType, "schema", _) => (Kind::Schema, 1),
            (Kind::Schema, "properties", Some(_)) => (Kind::Schema, 2),
            (Kind::Schema, "allOf" | "anyOf" | "oneOf", Some(_)) => (Kind::Schema, 2),
            (Kind::Schema, "items" | "not" | "additionalProperties", _) => (Kind::Schema, 1),
            _ => (Kind::Other, tokens.len()),
        };
        kind = k;
        i += used;
    }
    kind
}

/// Re-deserialises the failing node as its own type to find the innermost failing node:
/// untagged enums (`ReferenceOr`) and flattened maps (`paths`, `responses`) hide the path below
/// them.
fn drill_down(doc: &Value, pointer: &mut String, message: &mut String) {
    for _ in 0..64 {
        let Some(node) = doc.pointer(pointer) else {
            return;
        };
        match error_of_kind(kind_at(pointer), node) {
            Some((relative, inner_message)) if !relative.is_empty() => {
                *message = inner_message;
                pointer.push_str(&relative);
            }
            own => {
                if let Some((inner_pointer, inner_message)) = failing_child(node, pointer, 0) {
                    *message = inner_message;
                    *pointer = inner_pointer;
                } else {
                    if let Some((_, inner_message)) = own {
                        *message = inner_message;
                    }
                    return;
                }
            }
        }
    }
}

/// The error of deserialising `node` as the type of `kind`, with its relative path.
fn error_of_kind(kind: Kind, node: &Value) -> Option<(String, String)> {
    match kind {
        Kind::PathItem => inner_error::<openapiv3::PathItem>(node),
        Kind::Operation => inner_error::<openapiv3::Operation>(node),
        Kind::Parameter => inner_error::<openapiv3::Parameter>(node),
        Kind::RequestBody => inner_error::<openapiv3::RequestBody>(node),
        Kind::Response => inner_error::<openapiv3::Response>(node),
        Kind::Header => inner_error::<openapiv3::Header>(node),
        Kind::MediaType => inner_error::<openapiv3::MediaType>(node),
        Kind::Schema => inner_error::<openapiv3::Schema>(node),
        Kind::SecurityScheme => inner_error::<openapiv3::SecurityScheme>(node),
        Kind::Document | Kind::Other => None,
    }
}

/// The first child of `node` (looking through up to two levels of plain containers such as
/// `paths` or `responses`) that fails on its own, as an absolute pointer and message.
fn failing_child(node: &Value, pointer: &str, depth: usize) -> Option<(String, String)> {
    let children: Vec<(String, &Value)> = match node {
        Value::Object(map) => map.iter().map(|(k, v)| (child(pointer, k), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (child(pointer, &i.to_string()), v))
            .collect(),
        _ => return None,
    };
    for (at, value) in children {
        match kind_at(&at) {
            Kind::Document | Kind::Other => {
                if depth < 2 {
                    if let Some(found) = failing_child(value, &at, depth + 1) {
                        return Some(found);
                    }
                }
            }
            kind => {
                if let Some((relative, message)) = error_of_kind(kind, value) {
                    return Some((format!("{at}{relative}"), message));
                }
            }
        }
    }
    None
}

fn inner_error<T: DeserializeOwned>(node: &Value) -> Option<(String, String)> {
    if node.get("$ref").is_some() {
        return None;
    }
    match serde_path_to_error::deserialize::<_, T>(node) {
        Ok(_) => None,
        Err(e) => Some((path_to_pointer(e.path()), e.inner().to_string())),
    }
}

/// Degrades the node at `pointer` so the next attempt gets further: schemas become `{}`,
/// responses become empty responses, anything else is removed. False if nothing can be done.
fn degrade(doc: &mut Value, pointer: &str, message: &str, diags: &mut Diagnostics) -> bool {
    // A pointer to something absent (a missing field) degrades the nearest existing ancestor.
    let mut at = pointer.to_string();
    while doc.pointer(&at).is_none() {
        match at.rfind('/') {
            Some(i) => at.truncate(i),
            None => return false,
        }
    }
    let kind = kind_at(&at);
    let replacement = match kind {
        Kind::Document => return false,
        Kind::Schema => Some(json!({})),
        Kind::Response => Some(json!({"description": ""})),
        _ => match at.as_str() {
            "/info" => Some(json!({"title": "", "version": ""})),
            "/paths" => Some(json!({})),
            _ => None,
        },
    };
    let Some(node) = doc.pointer_mut(&at) else {
        return false;
    };
    if let Some(replacement) = replacement {
        if *node == replacement {
            // Already degraded and still failing: remove it instead.
            return remove(doc, &at, message, diags);
        }
        *node = replacement;
        diags.warn(
            at,
            format!("{message}: replaced by an empty {}", kind_name(kind)),
        );
        return true;
    }
    remove(doc, &at, message, diags)
}

fn remove(doc: &mut Value, at: &str, message: &str, diags: &mut Diagnostics) -> bool {
    let Some(split) = at.rfind('/') else {
        return false;
    };
    let (parent, token) = (&at[..split], unescape_token(&at[split + 1..]));
    let removed = match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => map.shift_remove(&token).is_some(),
        Some(Value::Array(items)) => match token.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    };
    if removed {
        diags.warn(at, format!("{message}: dropped"));
    }
    removed
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Schema => "(any) schema",
        Kind::Response => "response",
        _ => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_keys() {
        assert_eq!(status_key("200").as_deref(), Some("200"));
        assert_eq!(status_key(" 2xx").as_deref(), Some("2XX"));
        assert_eq!(status_key("Default").as_deref(), Some("default"));
        assert_eq!(status_key("20"), None);
        assert_eq!(status_key("OK"), None);
        assert_eq!(status_key("099"), None);
    }

    #[test]
    fn kinds_by_pointer() {
        assert_eq!(kind_at("/paths/~1a"), Kind::PathItem);
        assert_eq!(kind_at("/paths/~1a/post"), Kind::Operation);
        assert_eq!(kind_at("/paths/~1a/post/parameters/0/schema"), Kind::Schema);
        assert_eq!(
            kind_at(
                "/paths/~1a/post/responses/200/content/application~1json/schema/properties/x/items"
            ),
            Kind::Schema
        );
        assert_eq!(kind_at("/components/schemas/A/allOf/1"), Kind::Schema);
        assert_eq!(
            kind_at("/components/callbacks/cb/{$url}/post"),
            Kind::Operation
        );
        assert_eq!(
            kind_at("/paths/~1a/post/callbacks/cb/{$url}/post/requestBody"),
            Kind::RequestBody
        );
        assert_eq!(kind_at("/info"), Kind::Other);
    }

    #[test]
    fn a_failing_node_is_degraded_not_fatal() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "bad": {"type": "string", "minLength": -1}}}}}}}}}}
        });
        let mut diags = Diagnostics::new();
        let api = deserialise_with_repairs("t", &mut doc, &mut diags).unwrap();
        assert_eq!(api.paths.paths.len(), 1, "{:?}", diags.as_slice());
        assert!(!diags.is_empty());
        assert!(
            diags.as_slice()[0].pointer.starts_with("/paths/~1a/get"),
            "{:?}",
            diags.as_slice()
        );
    }
}
