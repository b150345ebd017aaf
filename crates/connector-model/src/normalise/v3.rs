//! OpenAPI 3.0 and 3.1 → a clean OpenAPI 3.0 value.
//!
//! The structure is already 3.0's; this rebuilds each object keeping only well-typed fields,
//! normalises every schema (3.1 keywords downgraded where 3.0 can say them, dropped with a
//! warning where not), inlines `$ref`ed callbacks (`openapiv3` has no reference form for
//! them), and keeps 3.1 `webhooks` under the `x-webhooks` document extension.

use super::refs::RefRewriter;
use super::schema::{copy_string, external_docs, kind_of, Dialect, SchemaNormaliser};
use super::{METHODS, WEBHOOKS_EXTENSION};
use crate::diagnostics::{child, Diagnostics};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

/// Rebuilds a 3.0 or 3.1 document as clean 3.0.
pub fn sanitise(root: &Value, dialect: Dialect, diags: &mut Diagnostics) -> Value {
    let refs = RefRewriter::new(dialect, root);
    let schemas = SchemaNormaliser::new(dialect, &refs);
    let cx = Sanitiser {
        root,
        refs: &refs,
        schemas: &schemas,
    };
    cx.document(dialect, diags)
}

struct Sanitiser<'a> {
    root: &'a Value,
    refs: &'a RefRewriter<'a>,
    schemas: &'a SchemaNormaliser<'a>,
}

impl Sanitiser<'_> {
    fn document(&self, dialect: Dialect, diags: &mut Diagnostics) -> Value {
        let mut out = Map::new();
        out.insert("openapi".into(), json!("3.0.3"));
        out.insert("info".into(), super::info(self.root.get("info"), diags));
        if let Some(servers) = self.root.get("servers") {
            out.insert("servers".into(), servers_list(servers, "/servers", diags));
        }
        let mut paths = Map::new();
        match self.root.get("paths") {
            Some(Value::Object(map)) => {
                for (path, item) in map {
                    let at = child("/paths", path);
                    if path.starts_with("x-") {
                        paths.insert(path.clone(), item.clone());
                    } else if !path.starts_with('/') {
                        diags.warn(at, "path does not start with `/`: path dropped");
                    } else if let Some(item) = self.path_item(item, &at, 0, diags) {
                        paths.insert(path.clone(), item);
                    }
                }
            }
            Some(other) => diags.warn(
                "/paths",
                format!("`paths` is {}: no operations", kind_of(other)),
            ),
            // 3.1 documents may have only webhooks.
            None if dialect == Dialect::OpenApi31 => {}
            None => diags.warn("/paths", "no `paths`: no operations"),
        }
        out.insert("paths".into(), Value::Object(paths));
        if let Some(components) = self.root.get("components") {
            out.insert("components".into(), self.components(components, diags));
        }
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
        copy_extensions(self.root, &mut out);
        if let Some(webhooks) = self.root.get("webhooks") {
            match webhooks {
                Value::Object(map) => {
                    let mut kept = Map::new();
                    for (name, item) in map {
                        let at = child("/webhooks", name);
                        if let Some(item) = self.path_item(item, &at, 0, diags) {
                            kept.insert(name.clone(), item);
                        }
                    }
                    out.insert(WEBHOOKS_EXTENSION.into(), Value::Object(kept));
                }
                other => diags.warn(
                    "/webhooks",
                    format!("`webhooks` is {}: ignored", kind_of(other)),
                ),
            }
        }
        if dialect == Dialect::OpenApi31 {
            for key in ["jsonSchemaDialect"] {
                if self.root.get(key).is_some() {
                    diags.warn(
                        child("", key),
                        format!("`{key}` has no OpenAPI 3.0 equivalent: dropped"),
                    );
                }
            }
        }
        Value::Object(out)
    }

    fn components(&self, v: &Value, diags: &mut Diagnostics) -> Value {
        let Value::Object(map) = v else {
            diags.warn("/components", "`components` is not an object: ignored");
            return json!({});
        };
        let mut out = Map::new();
        for (section, entries) in map {
            let at = child("/components", section);
            if section.starts_with("x-") {
                out.insert(section.clone(), entries.clone());
                continue;
            }
            let Value::Object(entries) = entries else {
                diags.warn(at, format!("`{section}` is not an object: ignored"));
                continue;
            };
            let mut kept = Map::new();
            for (name, entry) in entries {
                let here = child(&at, name);
                let converted =
                    match section.as_str() {
                        "schemas" => Some(self.schemas.normalise(entry, &here, diags)),
                        "parameters" => self.parameter(entry, &here, diags),
                        "responses" => Some(self.response(entry, &here, 0, diags)),
                        "requestBodies" => Some(self.request_body(entry, &here, 0, diags)),
                        "headers" => self.header(entry, &here, diags),
                        "securitySchemes" => trial::<
                            openapiv3::ReferenceOr<openapiv3::SecurityScheme>,
                        >(
                            entry, &here, "security scheme", diags
                        ),
                        "examples" => trial::<openapiv3::ReferenceOr<openapiv3::Example>>(
                            entry, &here, "example", diags,
                        ),
                        "links" => trial::<openapiv3::ReferenceOr<openapiv3::Link>>(
                            entry, &here, "link", diags,
                        ),
                        "callbacks" => self.callback(entry, &here, 0, diags),
                        "pathItems" => {
                            diags.warn(
                                here,
                                "`components/pathItems` has no OpenAPI 3.0 equivalent: dropped",
                            );
                            None
                        }
                        _ => {
                            diags.warn(
                                here,
                                format!("unknown components section `{section}`: dropped"),
                            );
                            None
                        }
                    };
                if let Some(converted) = converted {
                    kept.insert(name.clone(), converted);
                }
            }
            out.insert(section.clone(), Value::Object(kept));
        }
        Value::Object(out)
    }

    /// `depth` counts nested callbacks, which could otherwise recurse through `$ref`s.
    fn path_item(
        &self,
        v: &Value,
        at: &str,
        depth: usize,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let Value::Object(map) = v else {
            diags.warn(at, format!("path item is {}: dropped", kind_of(v)));
            return None;
        };
        let mut out = Map::new();
        for (key, value) in map {
            let here = child(at, key);
            if METHODS.contains(&key.as_str()) {
                if let Some(op) = self.operation(value, &here, depth, diags) {
                    out.insert(key.clone(), op);
                }
            } else if key == "parameters" {
                out.insert(key.clone(), self.parameters(value, &here, diags));
            } else if key == "servers" {
                out.insert(key.clone(), servers_list(value, &here, diags));
            } else if key == "summary" || key == "description" {
                copy_string(map, key, at, &mut out, diags);
            } else if key == "x-ms-notification-content" {
                // Its schema is read as a 3.0 schema later, so it is normalised like one.
                let mut content = value.clone();
                if let (Some(schema), Some(map)) = (value.get("schema"), content.as_object_mut()) {
                    let schema = self
                        .schemas
                        .normalise(schema, &child(&here, "schema"), diags);
                    map.insert("schema".into(), schema);
                }
                out.insert(key.clone(), content);
            } else if key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            } else if key == "$ref" {
                diags.warn(here, "path item `$ref` is not supported: ignored");
            } else {
                diags.warn(here, format!("unknown path item field `{key}` dropped"));
            }
        }
        Some(Value::Object(out))
    }

    fn operation(
        &self,
        v: &Value,
        at: &str,
        depth: usize,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let Value::Object(map) = v else {
            diags.warn(at, format!("operation is {}: dropped", kind_of(v)));
            return None;
        };
        let mut out = Map::new();
        if let Some(Value::Array(tags)) = map.get("tags") {
            let tags: Vec<Value> = tags.iter().filter(|t| t.is_string()).cloned().collect();
            out.insert("tags".into(), Value::Array(tags));
        }
        for key in ["summary", "description", "operationId"] {
            copy_string(map, key, at, &mut out, diags);
        }
        if let Some(docs) = map.get("externalDocs").and_then(external_docs) {
            out.insert("externalDocs".into(), docs);
        }
        if let Some(Value::Bool(true)) = map.get("deprecated") {
            out.insert("deprecated".into(), Value::Bool(true));
        }
        if let Some(security) = map.get("security") {
            out.insert(
                "security".into(),
                super::security_requirements(security, &child(at, "security"), diags),
            );
        }
        if let Some(servers) = map.get("servers") {
            out.insert(
                "servers".into(),
                servers_list(servers, &child(at, "servers"), diags),
            );
        }
        if let Some(params) = map.get("parameters") {
            out.insert(
                "parameters".into(),
                self.parameters(params, &child(at, "parameters"), diags),
            );
        }
        if let Some(body) = map.get("requestBody") {
            out.insert(
                "requestBody".into(),
                self.request_body(body, &child(at, "requestBody"), 0, diags),
            );
        }
        let responses_at = child(at, "responses");
        let mut responses = Map::new();
        match map.get("responses") {
            Some(Value::Object(entries)) => {
                for (code, response) in entries {
                    let here = child(&responses_at, code);
                    if code.starts_with("x-") {
                        responses.insert(code.clone(), response.clone());
                    } else if let Some(status) = super::status_key(code) {
                        responses.insert(status, self.response(response, &here, 0, diags));
                    } else {
                        diags.warn(
                            here,
                            format!("`{code}` is not a status code: response dropped"),
                        );
                    }
                }
            }
            _ => diags.warn(
                &responses_at,
                "operation has no `responses`: an empty default response assumed",
            ),
        }
        if responses.keys().all(|k| k.starts_with("x-")) {
            responses.insert("default".into(), json!({"description": ""}));
        }
        out.insert("responses".into(), Value::Object(responses));
        if let Some(Value::Object(callbacks)) = map.get("callbacks") {
            let mut kept = Map::new();
            for (name, callback) in callbacks {
                let here = child(&child(at, "callbacks"), name);
                if let Some(callback) = self.callback(callback, &here, depth, diags) {
                    kept.insert(name.clone(), callback);
                }
            }
            out.insert("callbacks".into(), Value::Object(kept));
        }
        copy_extensions(v, &mut out);
        Some(Value::Object(out))
    }

    /// A callback object (expression → path item), with a `$ref` to `components/callbacks`
    /// resolved in place.
    fn callback(
        &self,
        v: &Value,
        at: &str,
        depth: usize,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        if depth > 4 {
            diags.warn(at, "callbacks nested too deeply: dropped");
            return None;
        }
        let v = match v.get("$ref").and_then(Value::as_str) {
            Some(r) => match self.refs.resolve(r) {
                Some(target) => target,
                None => {
                    diags.warn(
                        child(at, "$ref"),
                        format!("callback reference `{r}` points at nothing: dropped"),
                    );
                    return None;
                }
            },
            None => v,
        };
        let Value::Object(map) = v else {
            diags.warn(at, "callback is not an object: dropped");
            return None;
        };
        let mut out = Map::new();
        for (expression, item) in map {
            if expression.starts_with("x-") {
                continue;
            }
            let here = child(at, expression);
            if let Some(item) = self.path_item(item, &here, depth + 1, diags) {
                out.insert(expression.clone(), item);
            }
        }
        Some(Value::Object(out))
    }

    fn parameters(&self, v: &Value, at: &str, diags: &mut Diagnostics) -> Value {
        let Value::Array(items) = v else {
            diags.warn(at, "`parameters` is not an array: ignored");
            return json!([]);
        };
        let kept = items
            .iter()
            .enumerate()
            .filter_map(|(i, p)| self.parameter(p, &child(at, &i.to_string()), diags))
            .collect();
        Value::Array(kept)
    }

    fn reference(
        &self,
        v: &Value,
        at: &str,
        what: &str,
        diags: &mut Diagnostics,
    ) -> Option<Option<Value>> {
        let r = v.get("$ref")?;
        let Some(r) = r.as_str() else {
            diags.warn(
                child(at, "$ref"),
                format!("{what} `$ref` is not a string: dropped"),
            );
            return Some(None);
        };
        if r.starts_with('#') && self.refs.resolve(r).is_some() {
            Some(Some(json!({"$ref": r})))
        } else {
            diags.warn(
                child(at, "$ref"),
                format!("{what} reference `{r}` points at nothing: dropped"),
            );
            Some(None)
        }
    }

    fn parameter(&self, v: &Value, at: &str, diags: &mut Diagnostics) -> Option<Value> {
        if let Some(r) = self.reference(v, at, "parameter", diags) {
            return r;
        }
        let Value::Object(map) = v else {
            diags.warn(at, "parameter is not an object: dropped");
            return None;
        };
        let Some(name) = map.get("name").and_then(Value::as_str) else {
            diags.warn(at, "parameter has no `name`: dropped");
            return None;
        };
        let location = match map.get("in").and_then(Value::as_str) {
            Some(l @ ("query" | "header" | "path" | "cookie")) => l,
            other => {
                diags.warn(
                    at,
                    format!("parameter `{name}` has unknown location {other:?}: dropped"),
                );
                return None;
            }
        };
        let mut out = Map::new();
        out.insert("name".into(), json!(name));
        out.insert("in".into(), json!(location));
        copy_string(map, "description", at, &mut out, diags);
        if location == "path"
            || map
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        {
            out.insert("required".into(), Value::Bool(true));
        }
        for key in ["deprecated", "explode"] {
            if let Some(Value::Bool(b)) = map.get(key) {
                out.insert(key.into(), Value::Bool(*b));
            }
        }
        if location == "query" {
            for key in ["allowEmptyValue", "allowReserved"] {
                if let Some(Value::Bool(b)) = map.get(key) {
                    out.insert(key.into(), Value::Bool(*b));
                }
            }
        }
        if let Some(style) = map.get("style") {
            let allowed: &[&str] = match location {
                "query" => &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
                "path" => &["matrix", "label", "simple"],
                "header" => &["simple"],
                _ => &["form"],
            };
            match style.as_str() {
                Some(s) if allowed.contains(&s) => {
                    out.insert("style".into(), json!(s));
                }
                _ => diags.warn(
                    child(at, "style"),
                    format!("style {style} is not valid in {location}: ignored"),
                ),
            }
        }
        if let Some(example) = map.get("example") {
            out.insert("example".into(), example.clone());
        }
        self.schema_or_content(map, at, &mut out, diags);
        copy_extensions(v, &mut out);
        Some(Value::Object(out))
    }

    /// `schema` or `content` (exactly one is required by 3.0; `{}` when neither is usable).
    fn schema_or_content(
        &self,
        map: &Map<String, Value>,
        at: &str,
        out: &mut Map<String, Value>,
        diags: &mut Diagnostics,
    ) {
        if let Some(schema) = map.get("schema") {
            out.insert(
                "schema".into(),
                self.schemas.normalise(schema, &child(at, "schema"), diags),
            );
        } else if let Some(content) = map.get("content") {
            out.insert(
                "content".into(),
                self.content(content, &child(at, "content"), diags),
            );
        } else {
            diags.warn(at, "no `schema` or `content`: read as any value");
            out.insert("schema".into(), json!({}));
        }
    }

    fn header(&self, v: &Value, at: &str, diags: &mut Diagnostics) -> Option<Value> {
        if let Some(r) = self.reference(v, at, "header", diags) {
            return r;
        }
        let Value::Object(map) = v else {
            diags.warn(at, "header is not an object: dropped");
            return None;
        };
        let mut out = Map::new();
        copy_string(map, "description", at, &mut out, diags);
        for key in ["required", "deprecated"] {
            if let Some(Value::Bool(b)) = map.get(key) {
                out.insert(key.into(), Value::Bool(*b));
            }
        }
        if let Some(example) = map.get("example") {
            out.insert("example".into(), example.clone());
        }
        self.schema_or_content(map, at, &mut out, diags);
        copy_extensions(v, &mut out);
        Some(Value::Object(out))
    }

    fn request_body(&self, v: &Value, at: &str, _depth: usize, diags: &mut Diagnostics) -> Value {
        if let Some(r) = self.reference(v, at, "request body", diags) {
            return r.unwrap_or_else(|| json!({"content": {}}));
        }
        let Value::Object(map) = v else {
            diags.warn(
                at,
                "request body is not an object: replaced by an empty body",
            );
            return json!({"content": {}});
        };
        let mut out = Map::new();
        copy_string(map, "description", at, &mut out, diags);
        if let Some(Value::Bool(b)) = map.get("required") {
            out.insert("required".into(), Value::Bool(*b));
        }
        let content = map.get("content").cloned().unwrap_or_else(|| json!({}));
        out.insert(
            "content".into(),
            self.content(&content, &child(at, "content"), diags),
        );
        copy_extensions(v, &mut out);
        Value::Object(out)
    }

    fn response(&self, v: &Value, at: &str, _depth: usize, diags: &mut Diagnostics) -> Value {
        if let Some(r) = self.reference(v, at, "response", diags) {
            return r.unwrap_or_else(|| json!({"description": ""}));
        }
        let Value::Object(map) = v else {
            diags.warn(
                at,
                "response is not an object: replaced by an empty response",
            );
            return json!({"description": ""});
        };
        let mut out = Map::new();
        copy_string(map, "description", at, &mut out, diags);
        if !out.contains_key("description") {
            out.insert("description".into(), json!(""));
        }
        if let Some(Value::Object(headers)) = map.get("headers") {
            let mut kept = Map::new();
            for (name, header) in headers {
                if let Some(h) = self.header(header, &child(&child(at, "headers"), name), diags) {
                    kept.insert(name.clone(), h);
                }
            }
            out.insert("headers".into(), Value::Object(kept));
        }
        if let Some(content) = map.get("content") {
            out.insert(
                "content".into(),
                self.content(content, &child(at, "content"), diags),
            );
        }
        if let Some(Value::Object(links)) = map.get("links") {
            let mut kept = Map::new();
            for (name, link) in links {
                let here = child(&child(at, "links"), name);
                if let Some(l) =
                    trial::<openapiv3::ReferenceOr<openapiv3::Link>>(link, &here, "link", diags)
                {
                    kept.insert(name.clone(), l);
                }
            }
            out.insert("links".into(), Value::Object(kept));
        }
        copy_extensions(v, &mut out);
        Value::Object(out)
    }

    fn content(&self, v: &Value, at: &str, diags: &mut Diagnostics) -> Value {
        let Value::Object(map) = v else {
            diags.warn(at, "`content` is not an object: ignored");
            return json!({});
        };
        let mut out = Map::new();
        for (media_type, media) in map {
            let here = child(at, media_type);
            let Value::Object(media_map) = media else {
                diags.warn(here, "media type is not an object: dropped");
                continue;
            };
            let mut m = Map::new();
            if let Some(schema) = media_map.get("schema") {
                m.insert(
                    "schema".into(),
                    self.schemas
                        .normalise(schema, &child(&here, "schema"), diags),
                );
            }
            if let Some(example) = media_map.get("example") {
                m.insert("example".into(), example.clone());
            }
            if let Some(Value::Object(examples)) = media_map.get("examples") {
                let kept: Map<String, Value> = examples
                    .iter()
                    .filter_map(|(name, e)| {
                        let e_at = child(&child(&here, "examples"), name);
                        trial::<openapiv3::ReferenceOr<openapiv3::Example>>(
                            e, &e_at, "example", diags,
                        )
                        .map(|e| (name.clone(), e))
                    })
                    .collect();
                m.insert("examples".into(), Value::Object(kept));
            }
            if let Some(Value::Object(encoding)) = media_map.get("encoding") {
                let kept: Map<String, Value> = encoding
                    .iter()
                    .filter_map(|(name, e)| {
                        let e_at = child(&child(&here, "encoding"), name);
                        trial::<openapiv3::Encoding>(e, &e_at, "encoding", diags)
                            .map(|e| (name.clone(), e))
                    })
                    .collect();
                m.insert("encoding".into(), Value::Object(kept));
            }
            copy_extensions(media, &mut m);
            out.insert(media_type.clone(), Value::Object(m));
        }
        Value::Object(out)
    }
}

/// Keeps `v` when it deserialises as `T`; otherwise drops it with a warning.
fn trial<T: DeserializeOwned>(
    v: &Value,
    at: &str,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Value> {
    match T::deserialize(v) {
        Ok(_) => Some(v.clone()),
        Err(e) => {
            diags.warn(at, format!("malformed {what} dropped: {e}"));
            None
        }
    }
}

fn copy_extensions(from: &Value, out: &mut Map<String, Value>) {
    if let Some(map) = from.as_object() {
        for (key, value) in map {
            if key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Servers with a string `url`; variables keep string defaults.
fn servers_list(v: &Value, at: &str, diags: &mut Diagnostics) -> Value {
    let Value::Array(items) = v else {
        diags.warn(at, "`servers` is not an array: ignored");
        return json!([]);
    };
    let mut out = Vec::new();
    for (i, server) in items.iter().enumerate() {
        let here = child(at, &i.to_string());
        let Some(url) = server.get("url").and_then(Value::as_str) else {
            diags.warn(here, "server has no `url`: dropped");
            continue;
        };
        let mut s = Map::new();
        s.insert("url".into(), json!(url));
        if let Some(d) = server.get("description").and_then(Value::as_str) {
            s.insert("description".into(), json!(d));
        }
        if let Some(Value::Object(vars)) = server.get("variables") {
            let mut kept = Map::new();
            for (name, var) in vars {
                let default = match var.get("default") {
                    Some(Value::String(d)) => d.clone(),
                    Some(Value::Null) | None => String::new(),
                    Some(other) => other.to_string(),
                };
                let mut v = Map::new();
                v.insert("default".into(), json!(default));
                if let Some(Value::Array(values)) = var.get("enum") {
                    let values: Vec<Value> =
                        values.iter().filter(|v| v.is_string()).cloned().collect();
                    v.insert("enum".into(), Value::Array(values));
                }
                if let Some(d) = var.get("description").and_then(Value::as_str) {
                    v.insert("description".into(), json!(d));
                }
                kept.insert(name.clone(), Value::Object(v));
            }
            s.insert("variables".into(), Value::Object(kept));
        }
        copy_extensions(server, &mut s);
        out.push(Value::Object(s));
    }
    Value::Array(out)
}
