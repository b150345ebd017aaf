//! One schema, in any dialect (Swagger 2.0, OpenAPI 3.0, OpenAPI 3.1) → an OpenAPI 3.0 schema
//! value that `openapiv3` is sure to deserialise.
//!
//! The schema is rebuilt keyword by keyword: each keyword is kept only when its value has the
//! type 3.0 requires, so a malformed keyword costs that keyword (with a warning), never the
//! schema or the spec.

use super::refs::RefRewriter;
use crate::diagnostics::{child, Diagnostics};
use serde_json::{json, Map, Number, Value};

/// Which specification a schema was written against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Swagger 2.0.
    Swagger2,
    /// OpenAPI 3.0.x.
    OpenApi30,
    /// OpenAPI 3.1.x.
    OpenApi31,
}

const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "object", "array"];

/// Keywords of JSON Schema 2020-12 that OpenAPI 3.0 cannot say; dropped with a warning.
const DROPPED_31: [&str; 14] = [
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "patternProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "$defs",
];

/// Normalises schemas of one document.
pub struct SchemaNormaliser<'a> {
    dialect: Dialect,
    refs: &'a RefRewriter<'a>,
}

impl<'a> SchemaNormaliser<'a> {
    /// A normaliser for `dialect`, resolving `$ref`s with `refs`.
    pub fn new(dialect: Dialect, refs: &'a RefRewriter<'a>) -> Self {
        SchemaNormaliser { dialect, refs }
    }

    /// The 3.0 form of the schema `v` found at `pointer` (of the normalised document).
    pub fn normalise(&self, v: &Value, pointer: &str, diags: &mut Diagnostics) -> Value {
        match v {
            Value::Object(map) => self.object(map, pointer, diags),
            Value::Bool(true) => {
                if self.dialect != Dialect::OpenApi31 {
                    diags.warn(
                        pointer,
                        "boolean schema `true` read as an empty (any) schema",
                    );
                }
                json!({})
            }
            Value::Bool(false) => {
                if self.dialect != Dialect::OpenApi31 {
                    diags.warn(pointer, "boolean schema `false` read as `not: {}`");
                }
                json!({"not": {}})
            }
            other => {
                diags.warn(
                    pointer,
                    format!(
                        "schema is {} instead of an object: replaced by an empty (any) schema",
                        kind_of(other)
                    ),
                );
                json!({})
            }
        }
    }

    fn object(&self, map: &Map<String, Value>, pointer: &str, diags: &mut Diagnostics) -> Value {
        if let Some(reference) = map.get("$ref") {
            match reference.as_str() {
                Some(r) => return self.reference(r, map, pointer, diags),
                None => diags.warn(child(pointer, "$ref"), "`$ref` is not a string: ignored"),
            }
        }
        let mut out = Map::new();
        let mut nullable = false;

        self.schema_type(map, pointer, &mut out, &mut nullable, diags);
        for key in ["nullable", "x-nullable"] {
            match map.get(key) {
                Some(Value::Bool(b)) => nullable |= *b,
                Some(Value::String(s)) if s == "true" || s == "false" => nullable |= s == "true",
                Some(Value::Null) | None => {}
                Some(_) => diags.warn(
                    child(pointer, key),
                    format!("`{key}` is not a boolean: ignored"),
                ),
            }
        }
        if nullable {
            out.insert("nullable".into(), Value::Bool(true));
        }

        for key in ["title", "description", "pattern"] {
            copy_string(map, key, pointer, &mut out, diags);
        }
        if !out.contains_key("format") {
            copy_string(map, "format", pointer, &mut out, diags);
        }
        for key in ["readOnly", "writeOnly", "deprecated", "uniqueItems"] {
            copy_bool(map, key, pointer, &mut out, diags);
        }
        for key in ["minimum", "maximum", "multipleOf"] {
            copy_number(map, key, pointer, &mut out, diags);
        }
        if let Some(Value::Number(m)) = out.get("multipleOf") {
            if m.as_f64().is_none_or(|m| m <= 0.0) {
                diags.warn(
                    child(pointer, "multipleOf"),
                    "`multipleOf` must be positive: ignored",
                );
                out.remove("multipleOf");
            }
        }
        for (key, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            match map.get(key) {
                None | Some(Value::Null) => {}
                Some(Value::Bool(b)) => {
                    out.insert(key.into(), Value::Bool(*b));
                }
                // 3.1: the exclusive bound is the number itself.
                Some(Value::Number(n)) => {
                    out.insert(bound.into(), Value::Number(n.clone()));
                    out.insert(key.into(), Value::Bool(true));
                }
                Some(_) => diags.warn(
                    child(pointer, key),
                    format!("`{key}` is not a boolean: ignored"),
                ),
            }
        }
        for key in [
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "minProperties",
            "maxProperties",
        ] {
            copy_count(map, key, pointer, &mut out, diags);
        }
        for key in ["default", "example"] {
            if let Some(v) = map.get(key) {
                out.insert(key.into(), self.refs.rewrite_in_extension(v));
            }
        }
        match map.get("enum") {
            None => {}
            Some(Value::Array(values)) => {
                out.insert("enum".into(), Value::Array(values.clone()));
            }
            Some(Value::Null) => {}
            Some(other) => {
                diags.warn(
                    child(pointer, "enum"),
                    "`enum` is not an array: read as a one-value enum",
                );
                out.insert("enum".into(), Value::Array(vec![other.clone()]));
            }
        }
        if self.dialect == Dialect::OpenApi31 {
            if let Some(c) = map.get("const") {
                out.insert("enum".into(), Value::Array(vec![c.clone()]));
            }
            if let (Some(Value::Array(examples)), false) =
                (map.get("examples"), out.contains_key("example"))
            {
                if let Some(first) = examples.first() {
                    out.insert("example".into(), first.clone());
                }
            }
            if !out.contains_key("format") {
                let encoding = map.get("contentEncoding").and_then(Value::as_str);
                let media = map.get("contentMediaType").and_then(Value::as_str);
                if encoding == Some("base64") {
                    out.insert("format".into(), Value::String("byte".into()));
                } else if media == Some("application/octet-stream") {
                    out.insert("format".into(), Value::String("binary".into()));
                }
            }
            for key in DROPPED_31 {
                if map.contains_key(key) {
                    diags.warn(
                        child(pointer, key),
                        format!("`{key}` has no OpenAPI 3.0 equivalent: dropped"),
                    );
                }
            }
        }

        self.properties(map, pointer, &mut out, diags);
        match map.get("additionalProperties") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => {
                out.insert("additionalProperties".into(), Value::Bool(*b));
            }
            Some(schema @ Value::Object(_)) => {
                let at = child(pointer, "additionalProperties");
                out.insert(
                    "additionalProperties".into(),
                    self.normalise(schema, &at, diags),
                );
            }
            Some(_) => diags.warn(
                child(pointer, "additionalProperties"),
                "`additionalProperties` is neither a boolean nor a schema: ignored",
            ),
        }
        match map.get("items") {
            None | Some(Value::Null) => {}
            Some(Value::Array(tuple)) => {
                let at = child(pointer, "items");
                diags.warn(
                    at.clone(),
                    "tuple `items` (an array of schemas) read as the first schema",
                );
                let first = tuple.first().cloned().unwrap_or_else(|| json!({}));
                out.insert(
                    "items".into(),
                    self.normalise(&first, &child(&at, "0"), diags),
                );
            }
            Some(schema) => {
                let at = child(pointer, "items");
                out.insert("items".into(), self.normalise(schema, &at, diags));
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            match map.get(key) {
                None | Some(Value::Null) => {}
                Some(Value::Array(items)) => {
                    let at = child(pointer, key);
                    let items: Vec<Value> = items
                        .iter()
                        .enumerate()
                        .map(|(i, s)| self.normalise(s, &child(&at, &i.to_string()), diags))
                        .collect();
                    out.insert(key.into(), Value::Array(items));
                }
                Some(_) => diags.warn(
                    child(pointer, key),
                    format!("`{key}` is not an array: ignored"),
                ),
            }
        }
        if let Some(not) = map.get("not") {
            let at = child(pointer, "not");
            out.insert("not".into(), self.normalise(not, &at, diags));
        }
        self.discriminator(map, pointer, &mut out, diags);
        if let Some(docs) = map.get("externalDocs") {
            if let Some(docs) = external_docs(docs) {
                out.insert("externalDocs".into(), docs);
            } else {
                diags.warn(
                    child(pointer, "externalDocs"),
                    "`externalDocs` has no `url`: ignored",
                );
            }
        }
        for (key, value) in map {
            if key.starts_with("x-") {
                out.insert(key.clone(), self.refs.rewrite_in_extension(value));
            }
        }
        Value::Object(out)
    }

    /// A `$ref` schema: rewritten to the 3.0 location, or degraded to `{}` when it leads nowhere.
    fn reference(
        &self,
        r: &str,
        map: &Map<String, Value>,
        pointer: &str,
        diags: &mut Diagnostics,
    ) -> Value {
        match self.refs.schema_ref(r) {
            Ok(target) => {
                // Siblings of `$ref` are ignored in 3.0; the ones that change meaning for us are
                // kept by wrapping the reference in a one-item `allOf`.
                let nullable = matches!(map.get("x-nullable"), Some(Value::Bool(true)))
                    || matches!(map.get("nullable"), Some(Value::Bool(true)));
                let marker = map.contains_key("x-ms-notification-url");
                if nullable || marker {
                    let mut out = Map::new();
                    out.insert("allOf".into(), json!([{"$ref": target}]));
                    if nullable {
                        out.insert("nullable".into(), Value::Bool(true));
                    }
                    copy_string(map, "description", pointer, &mut out, diags);
                    for (key, value) in map {
                        if key.starts_with("x-") {
                            out.insert(key.clone(), self.refs.rewrite_in_extension(value));
                        }
                    }
                    Value::Object(out)
                } else {
                    json!({"$ref": target})
                }
            }
            Err(why) => {
                diags.warn(
                    child(pointer, "$ref"),
                    format!("{why}: replaced by an empty (any) schema"),
                );
                let mut out = Map::new();
                copy_string(map, "description", pointer, &mut out, diags);
                for (key, value) in map {
                    if key.starts_with("x-") {
                        out.insert(key.clone(), self.refs.rewrite_in_extension(value));
                    }
                }
                Value::Object(out)
            }
        }
    }

    fn schema_type(
        &self,
        map: &Map<String, Value>,
        pointer: &str,
        out: &mut Map<String, Value>,
        nullable: &mut bool,
        diags: &mut Diagnostics,
    ) {
        let at = child(pointer, "type");
        let names: Vec<&str> = match map.get("type") {
            None | Some(Value::Null) => return,
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            Some(other) => {
                diags.warn(at, format!("`type` is {}: ignored", kind_of(other)));
                return;
            }
        };
        let mut kept = Vec::new();
        for name in names {
            match name {
                "null" => *nullable = true,
                "file" => {
                    // Swagger 2.0 `type: file` is a binary string in 3.0.
                    kept.push("string");
                    out.insert("format".into(), Value::String("binary".into()));
                }
                t if TYPES.contains(&t) => kept.push(t),
                other => match lenient_type(other) {
                    Some((t, format)) => {
                        diags.warn(at.clone(), format!("unknown type `{other}` read as `{t}`"));
                        kept.push(t);
                        if let Some(f) = format {
                            out.insert("format".into(), Value::String(f.into()));
                        }
                    }
                    None => diags.warn(at.clone(), format!("unknown type `{other}`: ignored")),
                },
            }
        }
        kept.dedup();
        match kept.as_slice() {
            [] => {}
            [one] => {
                out.insert("type".into(), Value::String((*one).into()));
            }
            many => diags.warn(
                at,
                format!(
                    "several types ({}) cannot be said in 3.0: read as any type",
                    many.join(", ")
                ),
            ),
        }
    }

    fn properties(
        &self,
        map: &Map<String, Value>,
        pointer: &str,
        out: &mut Map<String, Value>,
        diags: &mut Diagnostics,
    ) {
        let mut required: Vec<Value> = Vec::new();
        match map.get("required") {
            None | Some(Value::Null) => {}
            Some(Value::Array(names)) => {
                for name in names {
                    match name {
                        Value::String(_) if !required.contains(name) => required.push(name.clone()),
                        Value::String(_) => {}
                        _ => diags.warn(
                            child(pointer, "required"),
                            "non-string entry in `required` ignored",
                        ),
                    }
                }
            }
            // `required: true` on a property schema is handled by the parent below.
            Some(Value::Bool(_)) => {}
            Some(_) => diags.warn(
                child(pointer, "required"),
                "`required` is not an array: ignored",
            ),
        }
        match map.get("properties") {
            None | Some(Value::Null) => {}
            Some(Value::Object(props)) => {
                let at = child(pointer, "properties");
                let mut normalised = Map::new();
                for (name, schema) in props {
                    let here = child(&at, name);
                    if let Some(Value::Bool(flag)) = schema.get("required") {
                        diags.warn(
                            child(&here, "required"),
                            "boolean `required` on a property moved to the parent's `required` list",
                        );
                        let name_value = Value::String(name.clone());
                        if *flag && !required.contains(&name_value) {
                            required.push(name_value);
                        }
                    }
                    normalised.insert(name.clone(), self.normalise(schema, &here, diags));
                }
                out.insert("properties".into(), Value::Object(normalised));
            }
            Some(_) => diags.warn(
                child(pointer, "properties"),
                "`properties` is not an object: ignored",
            ),
        }
        if !required.is_empty() {
            out.insert("required".into(), Value::Array(required));
        }
    }

    fn discriminator(
        &self,
        map: &Map<String, Value>,
        pointer: &str,
        out: &mut Map<String, Value>,
        diags: &mut Diagnostics,
    ) {
        match map.get("discriminator") {
            None | Some(Value::Null) => {}
            // 2.0: the discriminator is just the property name.
            Some(Value::String(name)) => {
                out.insert("discriminator".into(), json!({"propertyName": name}));
            }
            Some(Value::Object(d)) => match d.get("propertyName").and_then(Value::as_str) {
                Some(name) => {
                    let mut disc = Map::new();
                    disc.insert("propertyName".into(), Value::String(name.into()));
                    if let Some(Value::Object(mapping)) = d.get("mapping") {
                        let mapping: Map<String, Value> = mapping
                            .iter()
                            .filter_map(|(k, v)| {
                                v.as_str().map(|target| {
                                    (k.clone(), Value::String(self.refs.rewrite_any_ref(target)))
                                })
                            })
                            .collect();
                        disc.insert("mapping".into(), Value::Object(mapping));
                    }
                    out.insert("discriminator".into(), Value::Object(disc));
                }
                None => diags.warn(
                    child(pointer, "discriminator"),
                    "`discriminator` has no `propertyName`: ignored",
                ),
            },
            Some(_) => diags.warn(
                child(pointer, "discriminator"),
                "`discriminator` is malformed: ignored",
            ),
        }
    }
}

/// Type names seen in hand-written specs, mapped to a 3.0 type and format.
fn lenient_type(name: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match name.to_ascii_lowercase().as_str() {
        "str" | "text" | "guid" | "uuid" => ("string", None),
        "date" => ("string", Some("date")),
        "datetime" | "date-time" => ("string", Some("date-time")),
        "int" | "int32" | "long" | "int64" => ("integer", None),
        "float" | "double" | "decimal" => ("number", None),
        "bool" => ("boolean", None),
        "dict" | "map" => ("object", None),
        "list" => ("array", None),
        "string" | "number" | "integer" | "boolean" | "object" | "array" => {
            let lower = name.to_ascii_lowercase();
            return TYPES.iter().find(|t| **t == lower).map(|t| (*t, None));
        }
        _ => return None,
    })
}

/// `{url, description}` when `v` is a usable External Documentation object.
pub fn external_docs(v: &Value) -> Option<Value> {
    let url = v.get("url")?.as_str()?;
    let mut out = Map::new();
    out.insert("url".into(), Value::String(url.into()));
    if let Some(d) = v.get("description").and_then(Value::as_str) {
        out.insert("description".into(), Value::String(d.into()));
    }
    Some(Value::Object(out))
}

/// A short name for the JSON type of a value, for messages.
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Copies a string keyword; numbers and booleans are stringified, anything else is dropped.
pub fn copy_string(
    map: &Map<String, Value>,
    key: &str,
    pointer: &str,
    out: &mut Map<String, Value>,
    diags: &mut Diagnostics,
) {
    match map.get(key) {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => {
            out.insert(key.into(), Value::String(s.clone()));
        }
        Some(v @ (Value::Number(_) | Value::Bool(_))) => {
            out.insert(key.into(), Value::String(v.to_string()));
        }
        Some(other) => diags.warn(
            child(pointer, key),
            format!("`{key}` is {} instead of a string: ignored", kind_of(other)),
        ),
    }
}

fn copy_bool(
    map: &Map<String, Value>,
    key: &str,
    pointer: &str,
    out: &mut Map<String, Value>,
    diags: &mut Diagnostics,
) {
    match map.get(key) {
        None | Some(Value::Null) => {}
        Some(Value::Bool(b)) => {
            out.insert(key.into(), Value::Bool(*b));
        }
        Some(Value::String(s)) if s == "true" || s == "false" => {
            out.insert(key.into(), Value::Bool(s == "true"));
        }
        Some(other) => diags.warn(
            child(pointer, key),
            format!(
                "`{key}` is {} instead of a boolean: ignored",
                kind_of(other)
            ),
        ),
    }
}

fn copy_number(
    map: &Map<String, Value>,
    key: &str,
    pointer: &str,
    out: &mut Map<String, Value>,
    diags: &mut Diagnostics,
) {
    match map.get(key) {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) => {
            out.insert(key.into(), Value::Number(n.clone()));
        }
        Some(Value::String(s)) => match parse_number(s) {
            Some(n) => {
                out.insert(key.into(), Value::Number(n));
            }
            None => diags.warn(
                child(pointer, key),
                format!("`{key}` is not a number: ignored"),
            ),
        },
        Some(other) => diags.warn(
            child(pointer, key),
            format!("`{key}` is {} instead of a number: ignored", kind_of(other)),
        ),
    }
}

fn parse_number(s: &str) -> Option<Number> {
    let s = s.trim();
    if let Ok(i) = s.parse::<i64>() {
        return Some(i.into());
    }
    s.parse::<f64>().ok().and_then(Number::from_f64)
}

/// Copies a non-negative integer keyword (`minLength`, `maxItems`, ...).
fn copy_count(
    map: &Map<String, Value>,
    key: &str,
    pointer: &str,
    out: &mut Map<String, Value>,
    diags: &mut Diagnostics,
) {
    let value = match map.get(key) {
        None | Some(Value::Null) => return,
        Some(v) => v,
    };
    let count = match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 9.0e15)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    match count.filter(|c| usize::try_from(*c).is_ok()) {
        Some(c) => {
            out.insert(key.into(), Value::Number(c.into()));
        }
        None => diags.warn(
            child(pointer, key),
            format!("`{key}` is not a non-negative integer: ignored"),
        ),
    }
}
