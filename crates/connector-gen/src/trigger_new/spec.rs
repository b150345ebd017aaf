//! Writing the trigger as Swagger 2.0 in the Power Platform shape, new or appended.
//!
//! The subscribe operation carries `x-ms-trigger`; its path item carries
//! `x-ms-notification-content`; the callback field of the body schema is marked
//! `x-ms-notification-url: true` and `x-ms-visibility: internal`; an internal DELETE removes the
//! subscription. Appending adds paths and definitions after what is there and changes nothing
//! else; a name already taken is refused. The result is loaded back with connector-model and
//! must be read as the trigger that was meant, with every trigger already there unchanged.

use super::infer::{singular, Kind, ObjectShape, Shape};
use super::input::{
    at_pointer, location_path, parse_json, read_json, request_line, Error, QueryValue, Result,
    UrlTemplate,
};
use super::{Built, Security, TriggerDefinition};
use crate::check::trigger_reports;
use connector_model::{LoadOptions, TriggerKind};
use heck::ToUpperCamelCase;
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Builds the spec (see the module docs).
pub(super) fn build(def: &TriggerDefinition, existing: Option<(&Path, &[u8])>) -> Result<Built> {
    check_name(&def.name)?;
    let base = def.name.to_upper_camel_case();
    let (method, url) = request_line(&def.subscribe)?;
    let template = UrlTemplate::parse(&url)?;
    let body = read_json(&def.subscribe_body)?;
    let answer = match &def.answer.body {
        Some(path) => Some((path.as_path(), read_json(path)?)),
        None => None,
    };
    let mut warnings = Vec::new();
    let callback = callback_pointer(def, &body, &mut warnings)?;
    let (notification, batch) = notifications(&def.notifications)?;
    let route = unsubscribe_route(def, &template, answer.as_ref(), &mut warnings)?;

    let (mut doc, spec_path, before) = match existing {
        Some((path, bytes)) => {
            let doc = parse_json(path, bytes)?;
            let loaded = connector_model::load_bytes(
                &path.display().to_string(),
                bytes,
                &LoadOptions::new(),
            )?;
            (doc, path.to_path_buf(), reports(&loaded.connector))
        }
        None => (
            new_document(def, &template)?,
            PathBuf::from("<new spec>"),
            Vec::new(),
        ),
    };
    let Some(root) = doc.as_object_mut() else {
        return Err(spec_error(&spec_path, "the spec is not a JSON object"));
    };
    if root.get("swagger").and_then(Value::as_str) != Some("2.0") {
        return Err(spec_error(
            &spec_path,
            "only Swagger 2.0 JSON specs can take a new trigger (`\"swagger\": \"2.0\"`)",
        ));
    }
    let subscribe_path = relative_path(root, &template, &spec_path)?;
    let delete_path = relative_path_of(root, &route.path, &spec_path)?;

    // Schemas: the three roots, and the shapes they share named once.
    let body_shape = Shape::observe(&body);
    let answer_shape = answer.as_ref().map(|(_, v)| Shape::observe(v));
    let mut names = Names::new(&base, root, &body_shape, &callback);
    let roots = [
        (format!("{base}Request"), Some(&body_shape)),
        (format!("{base}Response"), answer_shape.as_ref()),
        (format!("{base}Notification"), Some(&notification)),
    ];
    for (_, shape) in &roots {
        if let Some(shape) = shape {
            names.count(shape, None, true);
        }
    }
    names.assign(&base);
    let mut definitions: Vec<(String, Value)> = Vec::new();
    let mut schema_of = Vec::new();
    for (name, shape) in &roots {
        let schema = match shape.map(|s| &s.kind) {
            None => None,
            Some(Kind::Object(object)) => {
                definitions.push((name.clone(), names.definition(object)));
                Some(json!({"$ref": format!("#/definitions/{name}")}))
            }
            Some(_) => shape.map(|s| s.render(None, &mut |o, _| names.reference(o))),
        };
        schema_of.push(schema);
    }
    definitions.extend(names.shared_definitions());
    let [body_schema, answer_schema, notification_schema] =
        <[Option<Value>; 3]>::try_from(schema_of).map_err(|_| {
            Error::NotRecognised("internal: three root schemas expected".to_string())
        })?;
    if let Some((_, request)) = definitions.first_mut() {
        mark_callback(request, &callback);
    }

    // Operations.
    let security = def.security.as_ref().map(security_scheme);
    let subscribe_op =
        subscribe_operation(def, &template, body_schema, answer_schema, batch, &route);
    let delete_op = delete_operation(def, &base, &template, &route);
    let delete_id = format!("Delete{base}Subscription");

    // Clashes, then insertion: nothing is added before every check passed.
    let existing_ids = operation_ids(root);
    for id in [&def.name, &delete_id] {
        if existing_ids.iter().any(|e| e.eq_ignore_ascii_case(id)) {
            return Err(clash(&spec_path, format!("operationId {id}")));
        }
    }
    let paths = root.get("paths").and_then(Value::as_object);
    let taken = |path: &str, method: &str| {
        paths
            .and_then(|p| p.get(path))
            .and_then(|item| item.get(method))
            .is_some()
    };
    let method = method.to_ascii_lowercase();
    if taken(&subscribe_path, &method) {
        return Err(clash(
            &spec_path,
            format!("{} {subscribe_path}", method.to_ascii_uppercase()),
        ));
    }
    if paths
        .and_then(|p| p.get(&subscribe_path))
        .and_then(|item| item.get("x-ms-notification-content"))
        .is_some()
    {
        return Err(clash(
            &spec_path,
            format!("x-ms-notification-content of {subscribe_path} (one trigger per path)"),
        ));
    }
    if taken(&delete_path, "delete") || (delete_path == subscribe_path && method == "delete") {
        return Err(clash(&spec_path, format!("DELETE {delete_path}")));
    }
    let existing_definitions = root.get("definitions").and_then(Value::as_object);
    for (name, _) in &definitions {
        if existing_definitions.is_some_and(|d| d.contains_key(name)) {
            return Err(clash(&spec_path, format!("definition {name}")));
        }
    }
    let operation_security = match &security {
        Some((name, scheme)) => add_security(root, name, scheme, &spec_path, existing.is_some())?,
        None => None,
    };

    let paths = object_entry(root, "paths", &spec_path)?;
    let item = object_entry(paths, &subscribe_path, &spec_path)?;
    let mut content = Map::new();
    content.insert("description".into(), json!(def.summary));
    if let Some(schema) = notification_schema {
        let schema = if batch {
            json!({"type": "array", "items": schema})
        } else {
            schema
        };
        content.insert("schema".into(), schema);
    }
    item.insert("x-ms-notification-content".into(), Value::Object(content));
    item.insert(
        method.clone(),
        with_security(subscribe_op, &operation_security),
    );
    let item = object_entry(paths, &delete_path, &spec_path)?;
    item.insert(
        "delete".into(),
        with_security(delete_op, &operation_security),
    );
    let defs = object_entry(root, "definitions", &spec_path)?;
    for (name, schema) in definitions {
        defs.insert(name, schema);
    }

    let text = serde_json::to_string_pretty(&doc)
        .map_err(|e| Error::NotRecognised(format!("cannot serialise the spec: {e}")))?
        + "\n";
    verify(
        &spec_path,
        &text,
        &before,
        def,
        &callback,
        batch,
        &delete_id,
        &route,
        &mut warnings,
    )?;
    Ok(Built {
        spec: doc,
        text,
        warnings,
    })
}

fn spec_error(spec: &Path, message: &str) -> Error {
    Error::Spec {
        spec: spec.to_path_buf(),
        message: message.to_string(),
    }
}

fn clash(spec: &Path, what: String) -> Error {
    Error::Clash {
        spec: spec.to_path_buf(),
        what,
    }
}

fn check_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(Error::Name(name.to_string()))
    }
}

/// The given callback pointer, checked against the body sample; else the body's only
/// URL-looking string field, with a warning.
fn callback_pointer(
    def: &TriggerDefinition,
    body: &Value,
    warnings: &mut Vec<String>,
) -> Result<String> {
    let path = &def.subscribe_body;
    if let Some(pointer) = &def.callback {
        let value = at_pointer(body, pointer, path, "callback")?;
        if !value.is_string() {
            return Err(Error::CallbackNotString {
                path: path.clone(),
                pointer: pointer.clone(),
                found: kind_of(value).to_string(),
            });
        }
        return Ok(pointer.clone());
    }
    let mut candidates = Vec::new();
    url_fields(body, String::new(), &mut candidates);
    match candidates.as_slice() {
        [only] => {
            warnings.push(format!(
                "{}: callback field taken to be `{only}`, the body's only URL (give --callback to \
                 say so)",
                path.display()
            ));
            Ok(only.clone())
        }
        _ => Err(Error::CallbackUnknown {
            path: path.clone(),
            candidates,
        }),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn url_fields(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::String(s) if super::infer::is_uri(s) => out.push(pointer),
        Value::Object(map) => {
            for (key, v) in map {
                url_fields(v, format!("{pointer}/{}", escape(key)), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                url_fields(v, format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The merged notification shape (array samples contribute their items) and whether the
/// trigger is `batch`.
fn notifications(paths: &[PathBuf]) -> Result<(Shape, bool)> {
    let Some(first) = paths.first() else {
        return Err(Error::NoNotifications);
    };
    let mut shape = Shape::unknown();
    let mut batch = None;
    for path in paths {
        let sample = read_json(path)?;
        let is_batch = sample.is_array();
        match batch {
            None => batch = Some(is_batch),
            Some(b) if b != is_batch => {
                return Err(Error::MixedBatch {
                    path: path.clone(),
                    first: first.clone(),
                    first_is_batch: b,
                })
            }
            Some(_) => {}
        }
        let observed = match &sample {
            Value::Array(items) => Shape::observe_all(items),
            other => Shape::observe(other),
        };
        shape = shape.merge(observed);
    }
    Ok((shape, batch.unwrap_or(false)))
}

/// How the subscription is removed, as written in the spec.
#[derive(Debug, Clone)]
struct Route {
    /// Full DELETE path (before any basePath is taken off).
    path: String,
    /// The placeholder taking the subscription id.
    id_param: String,
    /// Query parameters of an explicit route.
    query: Vec<(String, QueryValue)>,
    /// Pointer into the answer giving the id, when known.
    id_pointer: Option<String>,
    /// Given by the user (the runtime depends on it) rather than derived from `Location` (which
    /// the runtime prefers at run time anyway).
    explicit: bool,
}

fn unsubscribe_route(
    def: &TriggerDefinition,
    template: &UrlTemplate,
    answer: Option<&(&Path, Value)>,
    warnings: &mut Vec<String>,
) -> Result<Route> {
    if let Some(given) = &def.unsubscribe {
        let (method, url) = request_line(&given.request)?;
        if method != "DELETE" {
            return Err(Error::Unsubscribe(format!(
                "unsubscribe `{}`: only a DELETE is recognised as the unsubscribe request",
                given.request
            )));
        }
        let Some((path, body)) = answer else {
            return Err(Error::Unsubscribe(
                "the unsubscribe id comes from the subscribe answer: give its body sample"
                    .to_string(),
            ));
        };
        at_pointer(body, &given.id_pointer, path, "unsubscribe id")?;
        let delete = UrlTemplate::parse(&url)?;
        if let (Some(host), Some(sub_host)) = (&delete.host, &template.host) {
            if !host.eq_ignore_ascii_case(sub_host) {
                return Err(Error::Unsubscribe(format!(
                    "unsubscribe `{url}` is on host {host}, the subscribe request on {sub_host}"
                )));
            }
        }
        let known = subscribe_names(template);
        let open: Vec<&String> = delete
            .path_params
            .iter()
            .filter(|p| !known.contains(p.as_str()))
            .collect();
        let [id] = open.as_slice() else {
            return Err(Error::Unsubscribe(format!(
                "unsubscribe `{url}`: exactly one placeholder must take the subscription id; \
                 the others must be named like subscribe parameters ({} left)",
                open.iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        let mut query = Vec::new();
        for param in &delete.query {
            if let QueryValue::Placeholder(p) = &param.value {
                if !known.contains(p.as_str()) {
                    return Err(Error::Unsubscribe(format!(
                        "unsubscribe `{url}`: query placeholder {{{p}}} is no subscribe parameter"
                    )));
                }
            }
            query.push((param.name.clone(), param.value.clone()));
        }
        return Ok(Route {
            path: delete.path.clone(),
            id_param: (*id).clone(),
            query,
            id_pointer: Some(given.id_pointer.clone()),
            explicit: true,
        });
    }
    let Some(location) = def.answer.location() else {
        return Err(Error::Unsubscribe(
            "the subscribe answer has no Location header: give the unsubscribe request \
             (--unsubscribe 'DELETE URL' --unsubscribe-id POINTER)"
                .to_string(),
        ));
    };
    let sub: Vec<&str> = segments(&template.path);
    let loc: Vec<&str> = segments(location_path(location));
    let lines_up = loc.len() == sub.len() + 1
        && sub
            .iter()
            .zip(&loc)
            .all(|(s, l)| s.starts_with('{') || s.eq_ignore_ascii_case(l));
    let (Some(id_value), true) = (loc.last(), lines_up) else {
        return Err(Error::Unsubscribe(format!(
            "the Location `{location}` is not the subscribe path plus an id: give the \
             unsubscribe request (--unsubscribe 'DELETE URL' --unsubscribe-id POINTER)"
        )));
    };
    let id_param = match sub.last().filter(|s| !s.starts_with('{')) {
        Some(last) => format!("{}_id", singular(Some(last)).unwrap_or_default()),
        None => "id".to_string(),
    };
    let id_param = if template.path_params.contains(&id_param) {
        "subscription_id".to_string()
    } else {
        id_param
    };
    let id_pointer = answer.and_then(|(_, body)| find_value(body, id_value, String::new(), 0));
    if id_pointer.is_none() {
        warnings.push(format!(
            "the subscription id `{id_value}` (end of the Location) is not in the answer body: \
             the runtime will unsubscribe through the Location header only"
        ));
    }
    Ok(Route {
        path: format!("{}/{{{id_param}}}", template.path.trim_end_matches('/')),
        id_param,
        query: Vec::new(),
        id_pointer,
        explicit: false,
    })
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// Names of subscribe parameters a DELETE placeholder can take its value from.
fn subscribe_names(template: &UrlTemplate) -> BTreeSet<&str> {
    template
        .path_params
        .iter()
        .map(String::as_str)
        .chain(template.query.iter().map(|q| q.name.as_str()))
        .collect()
}

/// The pointer of a scalar equal to `wanted` (as text), top level first, then nested.
fn find_value(value: &Value, wanted: &str, pointer: String, depth: usize) -> Option<String> {
    let Value::Object(map) = value else {
        return None;
    };
    let scalar = |v: &Value| match v {
        Value::String(s) => s == wanted,
        Value::Number(n) => n.to_string() == wanted,
        _ => false,
    };
    if let Some((key, _)) = map.iter().find(|(_, v)| scalar(v)) {
        return Some(format!("{pointer}/{}", escape(key)));
    }
    if depth >= 2 {
        return None;
    }
    map.iter()
        .find_map(|(key, v)| find_value(v, wanted, format!("{pointer}/{}", escape(key)), depth + 1))
}

fn new_document(def: &TriggerDefinition, template: &UrlTemplate) -> Result<Value> {
    let Some(host) = &template.host else {
        return Err(Error::UrlTemplate {
            template: def.subscribe.clone(),
            column: 1,
            message: "a new spec needs an absolute URL (`https://host/path`)".to_string(),
        });
    };
    let title = def.title.clone().unwrap_or_else(|| host.clone());
    Ok(json!({
        "swagger": "2.0",
        "info": {
            "title": title,
            "description": "Written by connector-gen trigger new from example payloads.",
            "version": "1.0.0"
        },
        "host": host,
        "basePath": "/",
        "schemes": [template.scheme.clone().unwrap_or_else(|| "https".to_string())],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "paths": {},
        "definitions": {}
    }))
}

/// The template's path relative to the spec's `basePath`, on the spec's host.
fn relative_path(root: &Map<String, Value>, template: &UrlTemplate, spec: &Path) -> Result<String> {
    if let (Some(host), Some(existing)) = (&template.host, root.get("host").and_then(Value::as_str))
    {
        if !host.eq_ignore_ascii_case(existing) {
            return Err(spec_error(
                spec,
                &format!("the spec is for host {existing}, the trigger's URL for {host}"),
            ));
        }
    }
    relative_path_of(root, &template.path, spec)
}

fn relative_path_of(root: &Map<String, Value>, path: &str, spec: &Path) -> Result<String> {
    let base = root
        .get("basePath")
        .and_then(Value::as_str)
        .unwrap_or("/")
        .trim_end_matches('/');
    if base.is_empty() {
        return Ok(path.to_string());
    }
    match path.strip_prefix(base) {
        Some(rest) if rest.starts_with('/') => Ok(rest.to_string()),
        _ => Err(spec_error(
            spec,
            &format!("{path} is outside the spec's basePath {base}"),
        )),
    }
}

/// Shared object shapes: counted over the roots, named once, referenced everywhere.
struct Names<'s> {
    /// Definition names already in the spec, and the roots'.
    taken: BTreeSet<String>,
    /// Objects of the body on the way to the callback field: kept inline so the marker is
    /// on this body only.
    protected: Vec<*const ObjectShape>,
    /// Structure key → (occurrences, property names seen, first shape).
    seen: HashMap<String, (usize, Vec<String>, &'s ObjectShape)>,
    /// Keys in first-seen order.
    order: Vec<String>,
    /// Structure key → definition name, for shared shapes.
    named: HashMap<String, String>,
}

impl<'s> Names<'s> {
    fn new(base: &str, root: &Map<String, Value>, body: &'s Shape, callback: &str) -> Self {
        let mut taken: BTreeSet<String> = root
            .get("definitions")
            .and_then(Value::as_object)
            .map(|d| d.keys().cloned().collect())
            .unwrap_or_default();
        for suffix in ["Request", "Response", "Notification"] {
            taken.insert(format!("{base}{suffix}"));
        }
        let mut protected = Vec::new();
        let mut shape = body;
        for token in callback.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            match &shape.kind {
                Kind::Object(object) => {
                    protected.push(object as *const ObjectShape);
                    match object.properties.get(&token) {
                        Some((_, inner)) => shape = inner,
                        None => break,
                    }
                }
                Kind::Array(items) => shape = items,
                _ => break,
            }
        }
        Self {
            taken,
            protected,
            seen: HashMap::new(),
            order: Vec::new(),
            named: HashMap::new(),
        }
    }

    fn is_protected(&self, object: &ObjectShape) -> bool {
        self.protected.contains(&(object as *const ObjectShape))
    }

    /// Counts the nested objects of `shape`; the inside of a shape seen before is not counted
    /// again (it will be written once, in the shared definition).
    fn count(&mut self, shape: &'s Shape, name: Option<&str>, is_root: bool) {
        match &shape.kind {
            Kind::Array(items) => self.count(items, singular(name).as_deref(), false),
            Kind::Object(object) => {
                if !is_root && !self.is_protected(object) {
                    let key = key(object);
                    if let Some((count, names, _)) = self.seen.get_mut(&key) {
                        *count += 1;
                        names.extend(name.map(str::to_string));
                        return;
                    }
                    self.order.push(key.clone());
                    self.seen.insert(
                        key,
                        (1, name.map(str::to_string).into_iter().collect(), object),
                    );
                }
                for (property, (_, inner)) in &object.properties {
                    self.count(inner, Some(property), false);
                }
            }
            _ => {}
        }
    }

    /// Names every shape seen twice or more: after the property name it appears under most
    /// (the first on a tie), prefixed by the trigger when the name is taken.
    fn assign(&mut self, base: &str) {
        for key in &self.order {
            let Some((count, names, _)) = self.seen.get(key) else {
                continue;
            };
            if *count < 2 {
                continue;
            }
            let mut best: Option<(&String, usize)> = None;
            for name in names {
                let n = names.iter().filter(|m| *m == name).count();
                if best.is_none_or(|(_, b)| n > b) {
                    best = Some((name, n));
                }
            }
            let stem = best
                .map(|(n, _)| n.to_upper_camel_case())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "Item".to_string());
            let mut name = stem.clone();
            let mut suffix = 1;
            while self.taken.contains(&name) {
                name = if suffix == 1 {
                    format!("{base}{stem}")
                } else {
                    format!("{base}{stem}{suffix}")
                };
                suffix += 1;
            }
            self.taken.insert(name.clone());
            self.named.insert(key.clone(), name);
        }
    }

    fn reference(&self, object: &ObjectShape) -> Option<String> {
        if self.is_protected(object) {
            return None;
        }
        self.named
            .get(&key(object))
            .map(|name| format!("#/definitions/{name}"))
    }

    /// The schema of a definition: `object` with nested shared shapes referenced.
    fn definition(&self, object: &ObjectShape) -> Value {
        let mut out = Map::new();
        out.insert("type".into(), json!("object"));
        object.render_into(&mut out, &mut |o, _| self.reference(o));
        Value::Object(out)
    }

    /// The shared definitions, in first-seen order.
    fn shared_definitions(&self) -> Vec<(String, Value)> {
        self.order
            .iter()
            .filter_map(|key| {
                let name = self.named.get(key)?;
                let (_, _, object) = self.seen.get(key)?;
                Some((name.clone(), self.definition(object)))
            })
            .collect()
    }
}

fn key(object: &ObjectShape) -> String {
    object.structure().to_string()
}

/// Marks the callback field of the body schema (inline along the pointer: see [`Names`]).
fn mark_callback(schema: &mut Value, pointer: &str) {
    let mut at = schema;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = if at.get("items").is_some() {
            at.get_mut("items")
        } else {
            at.get_mut("properties").and_then(|p| p.get_mut(&token))
        };
        match next {
            Some(next) => at = next,
            None => return,
        }
    }
    if let Some(field) = at.as_object_mut() {
        field.insert("x-ms-notification-url".into(), json!(true));
        field.insert("x-ms-visibility".into(), json!("internal"));
    }
}

fn path_parameter(name: &str, description: &str) -> Value {
    json!({
        "name": name,
        "in": "path",
        "description": description,
        "required": true,
        "type": "string",
        "x-ms-summary": super::infer::summary(name)
    })
}

fn query_parameter(name: &str, value: &QueryValue) -> Value {
    match value {
        QueryValue::Literal(text) => json!({
            "name": name,
            "in": "query",
            "required": true,
            "type": "string",
            "default": text,
            "x-ms-visibility": "internal"
        }),
        QueryValue::Placeholder(_) => json!({
            "name": name,
            "in": "query",
            "required": true,
            "type": "string",
            "x-ms-summary": super::infer::summary(name)
        }),
    }
}

fn subscribe_operation(
    def: &TriggerDefinition,
    template: &UrlTemplate,
    body: Option<Value>,
    answer: Option<Value>,
    batch: bool,
    route: &Route,
) -> Value {
    let mut parameters: Vec<Value> = template
        .path_params
        .iter()
        .map(|p| path_parameter(p, &format!("`{{{p}}}` of the subscribe URL")))
        .collect();
    parameters.extend(
        template
            .query
            .iter()
            .map(|q| query_parameter(&q.name, &q.value)),
    );
    if let Some(schema) = body {
        parameters.push(json!({
            "name": "body",
            "in": "body",
            "description": "The subscribe request; the runtime fills in the callback URL",
            "required": true,
            "schema": schema
        }));
    }
    let mut response = Map::new();
    response.insert("description".into(), json!(reason(def.answer.status)));
    if !def.answer.headers.is_empty() {
        let headers: Map<String, Value> = def
            .answer
            .headers
            .iter()
            .map(|(name, _)| {
                let description = if name.eq_ignore_ascii_case("location") && !route.explicit {
                    "URL of the new subscription; DELETE on it removes the subscription"
                } else {
                    "Header of the subscribe answer"
                };
                (
                    name.clone(),
                    json!({"description": description, "type": "string"}),
                )
            })
            .collect();
        response.insert("headers".into(), Value::Object(headers));
    }
    if let Some(schema) = answer {
        response.insert("schema".into(), schema);
    }
    json!({
        "summary": def.summary,
        "description": def.summary,
        "operationId": def.name,
        "x-ms-trigger": if batch { "batch" } else { "single" },
        "parameters": parameters,
        "responses": { def.answer.status.to_string(): response }
    })
}

fn delete_operation(
    def: &TriggerDefinition,
    base: &str,
    template: &UrlTemplate,
    route: &Route,
) -> Value {
    let mut parameters: Vec<Value> = segments(&route.path)
        .into_iter()
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            if name == route.id_param {
                path_parameter(name, "Id of the subscription to remove")
            } else {
                path_parameter(name, &format!("`{{{name}}}` of the subscribe URL"))
            }
        })
        .collect();
    parameters.extend(route.query.iter().map(|(name, value)| {
        // A placeholder value takes the subscribe parameter of the same name.
        let same = template.query.iter().find(|q| &q.name == name);
        query_parameter(name, same.map_or(value, |q| &q.value))
    }));
    json!({
        "summary": format!("Removes the subscription of {}", def.name),
        "description": format!("Deletes the webhook subscription made by {}.", def.name),
        "operationId": format!("Delete{base}Subscription"),
        "x-ms-visibility": "internal",
        "parameters": parameters,
        "responses": {
            "204": {"description": "No Content"}
        }
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        _ => "Subscribed",
    }
}

fn security_scheme(security: &Security) -> (String, Value) {
    match security {
        Security::Basic => ("basic_auth".into(), json!({"type": "basic"})),
        Security::ApiKeyHeader(header) => (
            "api_key".into(),
            json!({"type": "apiKey", "in": "header", "name": header}),
        ),
        Security::ApiKeyQuery(param) => (
            "api_key".into(),
            json!({"type": "apiKey", "in": "query", "name": param}),
        ),
        Security::Bearer => (
            "bearer_auth".into(),
            json!({
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "Bearer token: the value is sent as is, `Bearer <token>`"
            }),
        ),
    }
}

/// Adds the scheme to `securityDefinitions` (the same one may be there already); returns the
/// requirement the new operations must carry when the spec's global one differs.
fn add_security(
    root: &mut Map<String, Value>,
    name: &str,
    scheme: &Value,
    spec: &Path,
    appending: bool,
) -> Result<Option<Value>> {
    let definitions = object_entry(root, "securityDefinitions", spec)?;
    match definitions.get(name) {
        Some(existing) if existing != scheme => {
            return Err(clash(spec, format!("securityDefinitions {name}")))
        }
        Some(_) => {}
        None => {
            definitions.insert(name.to_string(), scheme.clone());
        }
    }
    let requirement = json!([{ name: [] }]);
    if !appending {
        root.insert("security".into(), requirement);
        return Ok(None);
    }
    if root.get("security") == Some(&requirement) {
        Ok(None)
    } else {
        Ok(Some(requirement))
    }
}

fn with_security(mut operation: Value, security: &Option<Value>) -> Value {
    if let (Some(requirement), Some(op)) = (security, operation.as_object_mut()) {
        op.insert("security".into(), requirement.clone());
    }
    operation
}

/// The object at `key` of `map`, made when absent; a non-object there is refused.
fn object_entry<'m>(
    map: &'m mut Map<String, Value>,
    key: &str,
    spec: &Path,
) -> Result<&'m mut Map<String, Value>> {
    map.entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| spec_error(spec, &format!("`{key}` is not an object")))
}

fn operation_ids(root: &Map<String, Value>) -> Vec<String> {
    root.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op.get("operationId").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

/// Each trigger as `check` reports it (without action indices, which appending shifts).
fn reports(connector: &connector_model::Connector) -> Vec<Value> {
    trigger_reports(connector)
        .iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .collect()
}

/// Loads the written spec back: the new trigger must be the webhook meant, every trigger that
/// was there must be reported as before.
#[allow(clippy::too_many_arguments)]
fn verify(
    spec: &Path,
    text: &str,
    before: &[Value],
    def: &TriggerDefinition,
    callback: &str,
    batch: bool,
    delete_id: &str,
    route: &Route,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let loaded = connector_model::load_bytes(
        &spec.display().to_string(),
        text.as_bytes(),
        &LoadOptions::new(),
    )?;
    let after = reports(&loaded.connector);
    for old in before {
        let id = old.get("operation_id");
        if !after.iter().any(|new| new == old) {
            let now = after.iter().find(|new| new.get("operation_id") == id);
            return Err(Error::NotRecognised(format!(
                "adding {} would change trigger {} from {old} to {}",
                def.name,
                id.map(Value::to_string).unwrap_or_default(),
                now.map(Value::to_string)
                    .unwrap_or_else(|| "nothing".into()),
            )));
        }
    }
    let Some(trigger) = loaded
        .connector
        .triggers
        .iter()
        .find(|t| t.operation_id == def.name)
    else {
        return Err(Error::NotRecognised(format!(
            "no trigger {} is found in it",
            def.name
        )));
    };
    let mut faults = Vec::new();
    if trigger.kind != TriggerKind::Webhook {
        faults.push("it is not read as a webhook trigger".to_string());
    }
    if trigger.batch != batch {
        faults.push(format!("batch is read as {}", trigger.batch));
    }
    if trigger.callback_pointer.as_deref() != Some(callback) {
        faults.push(format!(
            "the callback field is read as {:?}, not {callback}",
            trigger.callback_pointer
        ));
    }
    match &trigger.unsubscribe {
        None => faults.push("no unsubscribe route is found".to_string()),
        Some(u) if u.operation_id != delete_id => faults.push(format!(
            "the unsubscribe route is read as {}, not {delete_id}",
            u.operation_id
        )),
        Some(u) if u.id_from != route.id_pointer => {
            let message = format!(
                "the subscription id is read from {:?} of the answer, not {:?}",
                u.id_from, route.id_pointer
            );
            if route.explicit {
                faults.push(format!(
                    "{message}: name the id placeholder after the field (e.g. `{{{}}}`)",
                    route
                        .id_pointer
                        .as_deref()
                        .and_then(|p| p.rsplit('/').next())
                        .unwrap_or("id")
                ));
            } else {
                warnings.push(format!("{message} (the Location header is used first)"));
            }
        }
        Some(_) => {}
    }
    if faults.is_empty() {
        Ok(())
    } else {
        Err(Error::NotRecognised(faults.join("; ")))
    }
}
