//! Swagger 2.0 → OpenAPI 3.0, as JSON values.
//!
//! host/basePath/schemes → `servers`; definitions/parameters/responses/securityDefinitions →
//! `components`; body and formData parameters → `requestBody`; consumes/produces → content maps;
//! collectionFormat → style/explode; `x-nullable` → `nullable`; path-level parameters merged
//! into each operation. Every `x-` extension stays where it stood, on the document, path items,
//! operations, parameters, responses and schemas.

use super::refs::RefRewriter;
use super::schema::{copy_string, external_docs, kind_of, Dialect, SchemaNormaliser};
use super::METHODS;
use crate::diagnostics::{child, Diagnostics};
use serde_json::{json, Map, Value};

const FORM_URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";
const JSON: &str = "application/json";

/// Converts a Swagger 2.0 document (already known to be an object) to a 3.0-shaped value.
pub fn convert(root: &Value, diags: &mut Diagnostics) -> Value {
    let refs = RefRewriter::new(Dialect::Swagger2, root);
    let schemas = SchemaNormaliser::new(Dialect::Swagger2, &refs);
    let cx = Converter {
        root,
        refs: &refs,
        schemas: &schemas,
        consumes: media_list(root.get("consumes")),
        produces: media_list(root.get("produces")),
    };
    cx.document(diags)
}

struct Converter<'a> {
    root: &'a Value,
    refs: &'a RefRewriter<'a>,
    schemas: &'a SchemaNormaliser<'a>,
    consumes: Vec<String>,
    produces: Vec<String>,
}

/// A 2.0 parameter after `$ref` resolution, with where it came from.
struct SourceParam<'v> {
    value: &'v Value,
    /// Pointer of the parameter in the source (for messages).
    pointer: String,
    /// `#/parameters/Name` when it was a reference to a global parameter.
    global: Option<String>,
}

impl Converter<'_> {
    fn document(&self, diags: &mut Diagnostics) -> Value {
        let mut out = Map::new();
        out.insert("openapi".into(), Value::String("3.0.3".into()));
        out.insert("info".into(), super::info(self.root.get("info"), diags));
        let servers = self.servers(diags);
        if !servers.is_empty() {
            out.insert("servers".into(), Value::Array(servers));
        }
        out.insert("paths".into(), self.paths(diags));
        out.insert("components".into(), self.components(diags));
        if let Some(security) = self.root.get("security") {
            out.insert(
                "security".into(),
                super::security_requirements(security, "/security", diags),
            );
        }
        if let Some(tags) = self.root.get("tags") {
            out.insert("tags".into(), super::tags(tags, diags));
        }
        if let Some(docs) = self.root.get("externalDocs").and_then(external_docs) {
            out.insert("externalDocs".into(), docs);
        }
        self.copy_extensions(self.root, &mut out);
        Value::Object(out)
    }

    fn copy_extensions(&self, from: &Value, out: &mut Map<String, Value>) {
        if let Some(map) = from.as_object() {
            for (key, value) in map {
                if key.starts_with("x-") {
                    out.insert(key.clone(), self.refs.rewrite_in_extension(value));
                }
            }
        }
    }

    fn servers(&self, diags: &mut Diagnostics) -> Vec<Value> {
        let host = match self.root.get("host") {
            None | Some(Value::Null) => None,
            Some(Value::String(h)) => Some(h.trim().trim_end_matches('/').to_string()),
            Some(other) => {
                diags.warn("/host", format!("`host` is {}: ignored", kind_of(other)));
                None
            }
        };
        let base_path = match self.root.get("basePath") {
            Some(Value::String(b)) if !b.trim().is_empty() && b.trim() != "/" => {
                let b = b.trim().trim_end_matches('/');
                if b.starts_with('/') {
                    b.to_string()
                } else {
                    format!("/{b}")
                }
            }
            _ => String::new(),
        };
        let schemes: Vec<String> = match self.root.get("schemes") {
            Some(Value::Array(s)) => s
                .iter()
                .filter_map(Value::as_str)
                .map(|s| s.to_ascii_lowercase())
                .filter(|s| s == "https" || s == "http" || s == "ws" || s == "wss")
                .collect(),
            _ => Vec::new(),
        };
        let schemes = if schemes.is_empty() {
            vec!["https".to_string()]
        } else {
            schemes
        };
        match host.filter(|h| !h.is_empty()) {
            Some(host) => {
                // A host that already carries a scheme is used as written.
                let host = host
                    .strip_prefix("https://")
                    .or_else(|| host.strip_prefix("http://"))
                    .unwrap_or(&host)
                    .to_string();
                schemes
                    .iter()
                    .map(|scheme| json!({"url": format!("{scheme}://{host}{base_path}")}))
                    .collect()
            }
            None if !base_path.is_empty() => vec![json!({"url": base_path})],
            None => Vec::new(),
        }
    }

    fn components(&self, diags: &mut Diagnostics) -> Value {
        let mut out = Map::new();
        if let Some(defs) = self.root.get("definitions") {
            match defs.as_object() {
                Some(defs) => {
                    let mut schemas = Map::new();
                    for (name, schema) in defs {
                        let at = child("/definitions", name);
                        schemas.insert(name.clone(), self.schemas.normalise(schema, &at, diags));
                    }
                    out.insert("schemas".into(), Value::Object(schemas));
                }
                None => diags.warn("/definitions", "`definitions` is not an object: ignored"),
            }
        }
        if let Some(Value::Object(params)) = self.root.get("parameters") {
            let mut converted = Map::new();
            for (name, param) in params {
                // Body and formData parameters have no 3.0 component form; operations that use
                // them get them inlined into their request body instead.
                if matches!(param_in(param), "body" | "formData") {
                    continue;
                }
                let source = SourceParam {
                    value: param,
                    pointer: child("/parameters", name),
                    global: None,
                };
                let at = child("/parameters", name);
                if let Some(p) = self.parameter(&source, &at, diags) {
                    converted.insert(name.clone(), p);
                }
            }
            if !converted.is_empty() {
                out.insert("parameters".into(), Value::Object(converted));
            }
        }
        if let Some(Value::Object(responses)) = self.root.get("responses") {
            let mut converted = Map::new();
            for (name, response) in responses {
                let at = child("/responses", name);
                converted.insert(
                    name.clone(),
                    self.response(response, &self.produces, &at, diags),
                );
            }
            out.insert("responses".into(), Value::Object(converted));
        }
        if let Some(Value::Object(defs)) = self.root.get("securityDefinitions") {
            let mut schemes = Map::new();
            for (name, def) in defs {
                let at = child("/securityDefinitions", name);
                if let Some(s) = self.security_scheme(def, &at, diags) {
                    schemes.insert(name.clone(), s);
                }
            }
            out.insert("securitySchemes".into(), Value::Object(schemes));
        }
        Value::Object(out)
    }

    fn security_scheme(&self, def: &Value, at: &str, diags: &mut Diagnostics) -> Option<Value> {
        let mut out = Map::new();
        match def.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".into(), json!("http"));
                out.insert("scheme".into(), json!("basic"));
            }
            Some("apiKey") => {
                let location = def.get("in").and_then(Value::as_str).unwrap_or("header");
                let location = if location == "query" {
                    "query"
                } else {
                    "header"
                };
                out.insert("type".into(), json!("apiKey"));
                out.insert("in".into(), json!(location));
                let name = def
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("Authorization");
                out.insert("name".into(), json!(name));
            }
            Some("oauth2") => {
                let scopes = match def.get("scopes") {
                    Some(Value::Object(s)) => Value::Object(
                        s.iter()
                            .map(|(k, v)| {
                                (
                                    k.clone(),
                                    Value::String(v.as_str().unwrap_or_default().into()),
                                )
                            })
                            .collect(),
                    ),
                    _ => json!({}),
                };
                let auth_url = def
                    .get("authorizationUrl")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let token_url = def
                    .get("tokenUrl")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let (flow_name, flow) = match def.get("flow").and_then(Value::as_str) {
                    Some("implicit") => (
                        "implicit",
                        json!({"authorizationUrl": auth_url, "scopes": scopes}),
                    ),
                    Some("password") => {
                        ("password", json!({"tokenUrl": token_url, "scopes": scopes}))
                    }
                    Some("application") => (
                        "clientCredentials",
                        json!({"tokenUrl": token_url, "scopes": scopes}),
                    ),
                    _ => (
                        "authorizationCode",
                        json!({"authorizationUrl": auth_url, "tokenUrl": token_url, "scopes": scopes}),
                    ),
                };
                let mut flows = Map::new();
                flows.insert(flow_name.into(), flow);
                out.insert("type".into(), json!("oauth2"));
                out.insert("flows".into(), Value::Object(flows));
            }
            other => {
                diags.warn(
                    at,
                    format!("security scheme type {other:?} is not known: scheme dropped"),
                );
                return None;
            }
        }
        if let Some(Value::Object(map)) = Some(def) {
            copy_string(map, "description", at, &mut out, diags);
        }
        self.copy_extensions(def, &mut out);
        Some(Value::Object(out))
    }

    fn paths(&self, diags: &mut Diagnostics) -> Value {
        let mut out = Map::new();
        let paths = match self.root.get("paths") {
            Some(Value::Object(paths)) => paths,
            Some(_) => {
                diags.warn("/paths", "`paths` is not an object: no operations");
                return Value::Object(out);
            }
            None => {
                diags.warn("/paths", "no `paths`: no operations");
                return Value::Object(out);
            }
        };
        for (path, item) in paths {
            let at = child("/paths", path);
            if path.starts_with("x-") {
                out.insert(path.clone(), self.refs.rewrite_in_extension(item));
                continue;
            }
            if !path.starts_with('/') {
                diags.warn(at, "path does not start with `/`: path dropped");
                continue;
            }
            match item {
                Value::Object(item) => {
                    out.insert(path.clone(), self.path_item(item, &at, diags));
                }
                other => diags.warn(at, format!("path item is {}: path dropped", kind_of(other))),
            }
        }
        Value::Object(out)
    }

    fn path_item(&self, item: &Map<String, Value>, at: &str, diags: &mut Diagnostics) -> Value {
        let mut out = Map::new();
        let shared = match item.get("parameters") {
            Some(Value::Array(list)) => list.as_slice(),
            Some(_) => {
                diags.warn(
                    child(at, "parameters"),
                    "`parameters` is not an array: ignored",
                );
                &[]
            }
            None => &[],
        };
        for (key, value) in item {
            if METHODS.contains(&key.as_str()) {
                let op_at = child(at, key);
                match value {
                    Value::Object(op) => {
                        out.insert(key.clone(), self.operation(op, shared, at, &op_at, diags));
                    }
                    other => diags.warn(op_at, format!("operation is {}: dropped", kind_of(other))),
                }
            } else if key == "x-ms-notification-content" {
                out.insert(
                    key.clone(),
                    self.notification_content(value, &child(at, key), diags),
                );
            } else if key.starts_with("x-") {
                out.insert(key.clone(), self.refs.rewrite_in_extension(value));
            } else if key == "summary" || key == "description" {
                if let Some(s) = value.as_str() {
                    out.insert(key.clone(), Value::String(s.into()));
                }
            } else if key == "$ref" {
                diags.warn(child(at, key), "path item `$ref` is not supported: ignored");
            } else if key != "parameters" {
                diags.warn(
                    child(at, key),
                    format!("unknown path item field `{key}` dropped"),
                );
            }
        }
        Value::Object(out)
    }

    /// `x-ms-notification-content` holds a 2.0 schema; it is normalised like any other so that
    /// it deserialises as a 3.0 schema and its `$ref`s resolve in `components`.
    fn notification_content(&self, value: &Value, at: &str, diags: &mut Diagnostics) -> Value {
        let mut out = match self.refs.rewrite_in_extension(value) {
            Value::Object(map) => map,
            other => return other,
        };
        if let Some(schema) = value.get("schema") {
            let schema = self.schemas.normalise(schema, &child(at, "schema"), diags);
            out.insert("schema".into(), schema);
        }
        Value::Object(out)
    }

    fn operation(
        &self,
        op: &Map<String, Value>,
        shared: &[Value],
        path_at: &str,
        at: &str,
        diags: &mut Diagnostics,
    ) -> Value {
        let mut out = Map::new();
        if let Some(Value::Array(tags)) = op.get("tags") {
            let tags: Vec<Value> = tags.iter().filter(|t| t.is_string()).cloned().collect();
            out.insert("tags".into(), Value::Array(tags));
        }
        for key in ["summary", "description", "operationId"] {
            copy_string(op, key, at, &mut out, diags);
        }
        if let Some(docs) = op.get("externalDocs").and_then(external_docs) {
            out.insert("externalDocs".into(), docs);
        }
        if let Some(Value::Bool(true)) = op.get("deprecated") {
            out.insert("deprecated".into(), Value::Bool(true));
        }
        if let Some(security) = op.get("security") {
            out.insert(
                "security".into(),
                super::security_requirements(security, &child(at, "security"), diags),
            );
        }
        let consumes = match op.get("consumes") {
            Some(v) => media_list(Some(v)),
            None => self.consumes.clone(),
        };
        let produces = match op.get("produces") {
            Some(v) => media_list(Some(v)),
            None => self.produces.clone(),
        };

        let params = self.merged_parameters(op.get("parameters"), shared, path_at, at, diags);
        let mut parameters = Vec::new();
        let mut body: Option<&SourceParam> = None;
        let mut form: Vec<&SourceParam> = Vec::new();
        for p in &params {
            match param_in(p.value) {
                "body" => {
                    if body.is_some() {
                        diags.warn(&p.pointer, "second body parameter ignored");
                    } else {
                        body = Some(p);
                    }
                }
                "formData" => form.push(p),
                _ => {
                    let here = p.pointer.clone();
                    match &p.global {
                        Some(global) if self.is_plain_global(global) => {
                            parameters.push(json!({"$ref": self.refs.rewrite_any_ref(global)}))
                        }
                        _ => {
                            if let Some(converted) = self.parameter(p, &here, diags) {
                                parameters.push(converted);
                            }
                        }
                    }
                }
            }
        }
        if !parameters.is_empty() {
            out.insert("parameters".into(), Value::Array(parameters));
        }
        let body_at = child(at, "requestBody");
        if let Some(body) = body {
            if !form.is_empty() {
                diags.warn(
                    &body_at,
                    "both body and formData parameters: formData parameters ignored",
                );
            }
            out.insert(
                "requestBody".into(),
                self.body(body, &consumes, &body_at, diags),
            );
        } else if !form.is_empty() {
            out.insert(
                "requestBody".into(),
                self.form_body(&form, &consumes, diags),
            );
        }
        out.insert(
            "responses".into(),
            self.responses(
                op.get("responses"),
                &produces,
                &child(at, "responses"),
                diags,
            ),
        );
        for (key, value) in op {
            if key.starts_with("x-") {
                out.insert(key.clone(), self.refs.rewrite_in_extension(value));
            }
        }
        Value::Object(out)
    }

    /// A global parameter that converts to a 3.0 component (not body/formData) and exists.
    fn is_plain_global(&self, reference: &str) -> bool {
        match self.refs.resolve(reference) {
            Some(p) => !matches!(param_in(p), "body" | "formData"),
            None => false,
        }
    }

    /// Path-level parameters followed by the operation's own; an operation parameter with the
    /// same name and location replaces the path-level one.
    fn merged_parameters<'v>(
        &'v self,
        own: Option<&'v Value>,
        shared: &'v [Value],
        path_at: &str,
        at: &str,
        diags: &mut Diagnostics,
    ) -> Vec<SourceParam<'v>> {
        let own: &[Value] = match own {
            Some(Value::Array(list)) => list,
            Some(_) => {
                diags.warn(
                    child(at, "parameters"),
                    "`parameters` is not an array: ignored",
                );
                &[]
            }
            None => &[],
        };
        let shared_at = child(path_at, "parameters");
        let own_at = child(at, "parameters");
        // (parameter, came from the path item)
        let mut merged: Vec<(SourceParam<'v>, bool)> = Vec::new();
        let sources = shared
            .iter()
            .enumerate()
            .map(|(i, p)| (p, child(&shared_at, &i.to_string()), true))
            .chain(
                own.iter()
                    .enumerate()
                    .map(|(i, p)| (p, child(&own_at, &i.to_string()), false)),
            );
        for (raw, pointer, from_path) in sources {
            let Some(param) = self.resolve_parameter(raw, &pointer, diags) else {
                continue;
            };
            let key = param_key(param.value);
            match merged.iter().position(|(m, _)| param_key(m.value) == key) {
                Some(existing) if !from_path && merged[existing].1 => {
                    merged[existing] = (param, false)
                }
                Some(_) => diags.warn(&pointer, "duplicate parameter ignored"),
                None => merged.push((param, from_path)),
            }
        }
        merged.into_iter().map(|(p, _)| p).collect()
    }

    fn resolve_parameter<'v>(
        &'v self,
        raw: &'v Value,
        pointer: &str,
        diags: &mut Diagnostics,
    ) -> Option<SourceParam<'v>> {
        match raw.get("$ref") {
            Some(Value::String(r)) => {
                match self.refs.resolve(r) {
                    Some(target) if target.is_object() && r.starts_with("#/parameters/") => {
                        Some(SourceParam {
                            value: target,
                            pointer: pointer.to_string(),
                            global: Some(r.clone()),
                        })
                    }
                    _ => {
                        diags.warn(
                        child(pointer, "$ref"),
                        format!("parameter reference `{r}` points at no parameter: parameter dropped"),
                    );
                        None
                    }
                }
            }
            Some(_) => {
                diags.warn(
                    pointer,
                    "parameter `$ref` is not a string: parameter dropped",
                );
                None
            }
            None if raw.is_object() => Some(SourceParam {
                value: raw,
                pointer: pointer.to_string(),
                global: None,
            }),
            None => {
                diags.warn(pointer, "parameter is not an object: dropped");
                None
            }
        }
    }

    /// A query/header/path parameter in 3.0 form.
    fn parameter(&self, p: &SourceParam<'_>, at: &str, diags: &mut Diagnostics) -> Option<Value> {
        let map = p.value.as_object()?;
        let Some(name) = map.get("name").and_then(Value::as_str) else {
            diags.warn(&p.pointer, "parameter has no `name`: dropped");
            return None;
        };
        let location = match param_in(p.value) {
            l @ ("query" | "header" | "path" | "cookie") => l,
            _ => {
                let other = map.get("in").cloned().unwrap_or(Value::Null);
                diags.warn(
                    &p.pointer,
                    format!("parameter `{name}` has unknown location {other}: dropped"),
                );
                return None;
            }
        };
        let mut out = Map::new();
        out.insert("name".into(), Value::String(name.into()));
        out.insert("in".into(), Value::String(location.into()));
        copy_string(map, "description", at, &mut out, diags);
        let required = location == "path" || flag(map.get("required"));
        if required {
            out.insert("required".into(), Value::Bool(true));
        }
        if let Some(Value::Bool(true)) = map.get("deprecated") {
            out.insert("deprecated".into(), Value::Bool(true));
        }
        if location == "query" {
            if let Some(Value::Bool(b)) = map.get("allowEmptyValue") {
                out.insert("allowEmptyValue".into(), Value::Bool(*b));
            }
        }
        let is_array = map.get("type").and_then(Value::as_str) == Some("array");
        if is_array {
            let (style, explode) =
                collection_style(map.get("collectionFormat"), location, at, diags);
            if let Some(style) = style {
                out.insert("style".into(), Value::String(style.into()));
            }
            out.insert("explode".into(), Value::Bool(explode));
        }
        out.insert(
            "schema".into(),
            self.param_schema(map, &child(at, "schema"), diags),
        );
        for (key, value) in map {
            if key.starts_with("x-") {
                out.insert(key.clone(), self.refs.rewrite_in_extension(value));
            }
        }
        Some(Value::Object(out))
    }

    /// The schema of a non-body parameter (or a header): its own `schema` when it has one (a
    /// common mistake), else the schema keywords that sit on the parameter itself.
    fn param_schema(&self, map: &Map<String, Value>, at: &str, diags: &mut Diagnostics) -> Value {
        if let Some(schema) = map.get("schema") {
            return self.schemas.normalise(schema, at, diags);
        }
        const KEYWORDS: [&str; 21] = [
            "type",
            "format",
            "items",
            "enum",
            "default",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "minLength",
            "maxLength",
            "pattern",
            "minItems",
            "maxItems",
            "uniqueItems",
            "multipleOf",
            "x-nullable",
            "example",
            "x-example",
            "readOnly",
            "title",
        ];
        let mut schema = Map::new();
        for key in KEYWORDS {
            if let Some(v) = map.get(key) {
                let key = if key == "x-example" { "example" } else { key };
                schema.insert(key.into(), v.clone());
            }
        }
        if !schema.contains_key("type") {
            diags.warn(at, "parameter has no `type`: read as any type");
        }
        self.schemas.normalise(&Value::Object(schema), at, diags)
    }

    fn body(
        &self,
        p: &SourceParam<'_>,
        consumes: &[String],
        at: &str,
        diags: &mut Diagnostics,
    ) -> Value {
        let map = p.value.as_object();
        let mut out = Map::new();
        if let Some(map) = map {
            copy_string(map, "description", at, &mut out, diags);
        }
        let media_types: Vec<String> = if consumes.is_empty() {
            vec![JSON.to_string()]
        } else {
            consumes.to_vec()
        };
        let schema = match p.value.get("schema") {
            Some(s) => self
                .schemas
                .normalise(s, &child(&p.pointer, "schema"), diags),
            None => {
                diags.warn(
                    &p.pointer,
                    "body parameter has no `schema`: read as any value",
                );
                json!({})
            }
        };
        let content: Map<String, Value> = media_types
            .into_iter()
            .map(|mt| (mt, json!({"schema": schema.clone()})))
            .collect();
        out.insert("content".into(), Value::Object(content));
        if flag(p.value.get("required")) {
            out.insert("required".into(), Value::Bool(true));
        }
        if let Some(name) = p.value.get("name").and_then(Value::as_str) {
            out.insert("x-body-name".into(), Value::String(name.into()));
        }
        self.copy_extensions(p.value, &mut out);
        Value::Object(out)
    }

    /// formData parameters → one object schema, sent urlencoded or (with a file) multipart.
    fn form_body(
        &self,
        params: &[&SourceParam<'_>],
        consumes: &[String],
        diags: &mut Diagnostics,
    ) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut has_file = false;
        for p in params {
            let Some(map) = p.value.as_object() else {
                continue;
            };
            let Some(name) = map.get("name").and_then(Value::as_str) else {
                diags.warn(&p.pointer, "formData parameter has no `name`: dropped");
                continue;
            };
            has_file |= map.get("type").and_then(Value::as_str) == Some("file");
            let prop_at = p.pointer.clone();
            let mut schema = match self.param_schema(map, &prop_at, diags) {
                Value::Object(s) => s,
                _ => Map::new(),
            };
            copy_string(map, "description", &prop_at, &mut schema, diags);
            for (key, value) in map {
                if key.starts_with("x-") {
                    schema.insert(key.clone(), self.refs.rewrite_in_extension(value));
                }
            }
            if flag(map.get("required")) {
                required.push(Value::String(name.into()));
            }
            properties.insert(name.into(), Value::Object(schema));
        }
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
        let schema = Value::Object(schema);
        let mut media_types: Vec<&str> = consumes
            .iter()
            .map(String::as_str)
            .filter(|mt| mt.starts_with(FORM_URLENCODED) || mt.starts_with(MULTIPART))
            .collect();
        if has_file {
            // Files can only travel in multipart bodies.
            media_types.retain(|mt| mt.starts_with(MULTIPART));
            if media_types.is_empty() {
                media_types.push(MULTIPART);
            }
        } else if media_types.is_empty() {
            media_types.push(FORM_URLENCODED);
        }
        let content: Map<String, Value> = media_types
            .into_iter()
            .map(|mt| (mt.to_string(), json!({"schema": schema.clone()})))
            .collect();
        let mut out = Map::new();
        out.insert("content".into(), Value::Object(content));
        if schema.get("required").is_some() {
            out.insert("required".into(), Value::Bool(true));
        }
        Value::Object(out)
    }

    fn responses(
        &self,
        responses: Option<&Value>,
        produces: &[String],
        at: &str,
        diags: &mut Diagnostics,
    ) -> Value {
        let mut out = Map::new();
        let Some(Value::Object(map)) = responses else {
            diags.warn(
                at,
                "operation has no `responses`: an empty default response assumed",
            );
            out.insert("default".into(), json!({"description": ""}));
            return Value::Object(out);
        };
        for (code, response) in map {
            let here = child(at, code);
            if code.starts_with("x-") {
                out.insert(code.clone(), self.refs.rewrite_in_extension(response));
                continue;
            }
            let Some(status) = super::status_key(code) else {
                diags.warn(
                    here,
                    format!("`{code}` is not a status code: response dropped"),
                );
                continue;
            };
            out.insert(status, self.response(response, produces, &here, diags));
        }
        if out.keys().all(|k| k.starts_with("x-")) {
            out.insert("default".into(), json!({"description": ""}));
        }
        Value::Object(out)
    }

    fn response(
        &self,
        response: &Value,
        produces: &[String],
        at: &str,
        diags: &mut Diagnostics,
    ) -> Value {
        if let Some(r) = response.get("$ref") {
            let r = r.as_str().unwrap_or_default();
            if r.starts_with("#/responses/") && self.refs.resolve(r).is_some() {
                return json!({"$ref": self.refs.rewrite_any_ref(r)});
            }
            diags.warn(
                child(at, "$ref"),
                format!(
                    "response reference `{r}` points at no response: replaced by an empty response"
                ),
            );
            return json!({"description": ""});
        }
        let Some(map) = response.as_object() else {
            diags.warn(
                at,
                "response is not an object: replaced by an empty response",
            );
            return json!({"description": ""});
        };
        let mut out = Map::new();
        let description = match map.get("description") {
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        out.insert("description".into(), Value::String(description));
        if let Some(Value::Object(headers)) = map.get("headers") {
            let mut converted = Map::new();
            for (name, header) in headers {
                let here = child(&child(at, "headers"), name);
                let Some(h) = header.as_object() else {
                    diags.warn(here, "header is not an object: dropped");
                    continue;
                };
                let mut out_header = Map::new();
                copy_string(h, "description", &here, &mut out_header, diags);
                out_header.insert(
                    "schema".into(),
                    self.param_schema(h, &child(&here, "schema"), diags),
                );
                self.copy_extensions(header, &mut out_header);
                converted.insert(name.clone(), Value::Object(out_header));
            }
            out.insert("headers".into(), Value::Object(converted));
        }
        if let Some(schema) = map.get("schema") {
            let is_file = schema.get("type").and_then(Value::as_str) == Some("file");
            let media_types: Vec<String> = if is_file && produces.iter().all(|p| p.contains("json"))
            {
                vec!["application/octet-stream".to_string()]
            } else if produces.is_empty() {
                vec![JSON.to_string()]
            } else {
                produces.to_vec()
            };
            let schema = self.schemas.normalise(schema, &child(at, "schema"), diags);
            let mut content = Map::new();
            for mt in media_types {
                let mut media = Map::new();
                media.insert("schema".into(), schema.clone());
                if let Some(example) = map.get("examples").and_then(|e| e.get(&mt)) {
                    media.insert("example".into(), example.clone());
                }
                content.insert(mt, Value::Object(media));
            }
            out.insert("content".into(), Value::Object(content));
        }
        self.copy_extensions(response, &mut out);
        Value::Object(out)
    }
}

fn param_key(p: &Value) -> (String, String) {
    let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
    (name.to_string(), param_in(p).to_string())
}

/// The canonical location of a 2.0 parameter (`in`, case-insensitive); `""` when unknown.
fn param_in(p: &Value) -> &'static str {
    let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
    match location.trim().to_ascii_lowercase().as_str() {
        "body" => "body",
        "formdata" | "form" => "formData",
        "query" => "query",
        "header" => "header",
        "path" => "path",
        "cookie" => "cookie",
        _ => "",
    }
}

/// A boolean flag that hand-written specs sometimes spell as a string.
fn flag(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// A list of media types (`consumes`/`produces`), lenient about a single string.
fn media_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        Some(Value::String(s)) => s
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// 2.0 `collectionFormat` → 3.0 `style` (None = the location's default) and `explode`.
fn collection_style(
    format: Option<&Value>,
    location: &str,
    at: &str,
    diags: &mut Diagnostics,
) -> (Option<&'static str>, bool) {
    let format = format.and_then(Value::as_str).unwrap_or("csv");
    let query = location == "query";
    match format {
        "multi" if query => (Some("form"), true),
        "multi" => {
            diags.warn(
                at,
                "collectionFormat `multi` is only valid in the query: read as `csv`",
            );
            (None, false)
        }
        "ssv" if query => (Some("spaceDelimited"), false),
        "pipes" if query => (Some("pipeDelimited"), false),
        "csv" => (if query { Some("form") } else { None }, false),
        other => {
            diags.warn(
                at,
                format!("collectionFormat `{other}` has no 3.0 equivalent here: read as `csv`"),
            );
            (if query { Some("form") } else { None }, false)
        }
    }
}
