//! Questions about one schema as JSON: its type, whether it needs a named type, its JSON class
//! (for telling union members apart), and `allOf` merging.

use serde_json::{Map, Value};

/// `x-ms-dynamic-schema` / `x-ms-dynamic-properties`: the shape is only known at run time.
pub fn is_dynamic(schema: &Value) -> bool {
    schema.get("x-ms-dynamic-schema").is_some() || schema.get("x-ms-dynamic-properties").is_some()
}

/// The declared `type`, or the one implied by `properties` / `items`.
pub fn type_name(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        // 3.1-style type lists that slipped through normalisation: the first non-null one.
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        _ if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() => {
            Some("object")
        }
        _ if schema.get("items").is_some() => Some("array"),
        _ => None,
    }
}

/// Whether lowering this (non-`$ref`) schema may create a named type.
pub fn may_be_named(schema: &Value) -> bool {
    if is_dynamic(schema) {
        return false;
    }
    schema.get("allOf").is_some()
        || schema.get("oneOf").is_some()
        || schema.get("anyOf").is_some()
        || schema.get("enum").is_some()
        || schema
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty())
}

/// The JSON value class a schema accepts; members of an untagged union must differ in it.
/// The order is the order serde tries variants in (integers before numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// JSON integer.
    Integer,
    /// JSON number.
    Number,
    /// JSON boolean.
    Boolean,
    /// JSON string.
    String,
    /// JSON array.
    Array,
    /// JSON object.
    Object,
    /// Unknown or several: not usable in an untagged union.
    Any,
}

impl Class {
    /// Variant name for a member of this class that has no type name of its own.
    pub fn label(self) -> &'static str {
        match self {
            Class::Integer => "Integer",
            Class::Number => "Number",
            Class::Boolean => "Boolean",
            Class::String => "String",
            Class::Array => "Array",
            Class::Object => "Object",
            Class::Any => "Value",
        }
    }
}

/// The class of `schema`, following `$ref`s through `lookup`.
pub fn json_class(schema: &Value, lookup: &dyn Fn(&str) -> Option<Value>) -> Class {
    let mut current = schema.clone();
    for _ in 0..32 {
        if let Some(reference) = current.get("$ref").and_then(Value::as_str) {
            match lookup(reference) {
                Some(next) => current = next,
                None => return Class::Any,
            }
            continue;
        }
        if is_dynamic(&current) || current.get("oneOf").is_some() || current.get("anyOf").is_some()
        {
            return Class::Any;
        }
        if current.get("allOf").is_some() {
            return match merge_all_of(&current, lookup) {
                Some(merged) if merged.get("allOf").is_none() => json_class(&merged, lookup),
                _ => Class::Any,
            };
        }
        if current.get("enum").is_some() && current.get("type").is_none() {
            return Class::String;
        }
        return match type_name(&current) {
            Some("object") => Class::Object,
            Some("array") => Class::Array,
            Some("string") | Some("file") => Class::String,
            Some("integer") => Class::Integer,
            Some("number") => Class::Number,
            Some("boolean") => Class::Boolean,
            _ => Class::Any,
        };
    }
    Class::Any
}

/// Merge an `allOf` schema into one object schema (properties and `required` of every member,
/// the outer schema's own properties included). A single non-object member is returned as is,
/// with the outer description. `None` when members cannot be merged.
pub fn merge_all_of(schema: &Value, lookup: &dyn Fn(&str) -> Option<Value>) -> Option<Value> {
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    let mut others: Vec<Value> = Vec::new();
    let mut additional: Option<Value> = None;
    collect(
        schema,
        lookup,
        0,
        &mut properties,
        &mut required,
        &mut others,
        &mut additional,
    )?;
    let mut merged = Map::new();
    for key in ["title", "description", "x-ms-summary", "nullable"] {
        if let Some(value) = schema.get(key) {
            merged.insert(key.to_owned(), value.clone());
        }
    }
    if properties.is_empty() && additional.is_none() {
        return match others.as_slice() {
            [] => Some(Value::Object(merged)),
            [only] => {
                let mut single = only.as_object().cloned().unwrap_or_default();
                for (key, value) in merged {
                    single.insert(key, value);
                }
                Some(Value::Object(single))
            }
            _ => None,
        };
    }
    if !others.is_empty() {
        return None;
    }
    merged.insert("type".to_owned(), Value::String("object".to_owned()));
    merged.insert("properties".to_owned(), Value::Object(properties));
    if !required.is_empty() {
        merged.insert("required".to_owned(), Value::Array(required));
    }
    if let Some(additional) = additional {
        merged.insert("additionalProperties".to_owned(), additional);
    }
    Some(Value::Object(merged))
}

#[allow(clippy::too_many_arguments)]
fn collect(
    schema: &Value,
    lookup: &dyn Fn(&str) -> Option<Value>,
    depth: usize,
    properties: &mut Map<String, Value>,
    required: &mut Vec<Value>,
    others: &mut Vec<Value>,
    additional: &mut Option<Value>,
) -> Option<()> {
    if depth > 32 {
        return None;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = lookup(reference)?;
        return collect(
            &target,
            lookup,
            depth + 1,
            properties,
            required,
            others,
            additional,
        );
    }
    if let Some(Value::Array(members)) = schema.get("allOf") {
        for member in members {
            collect(
                member,
                lookup,
                depth + 1,
                properties,
                required,
                others,
                additional,
            )?;
        }
    }
    let is_object = type_name(schema) == Some("object");
    if let Some(Value::Object(own)) = schema.get("properties") {
        for (key, value) in own {
            properties.insert(key.clone(), value.clone());
        }
    }
    if let Some(Value::Array(own)) = schema.get("required") {
        for name in own {
            if !required.contains(name) {
                required.push(name.clone());
            }
        }
    }
    if let Some(ap @ Value::Object(_)) = schema.get("additionalProperties") {
        *additional = Some(ap.clone());
    }
    let only_annotations = schema.as_object().is_some_and(|o| {
        o.keys().all(|k| {
            matches!(
                k.as_str(),
                "allOf"
                    | "description"
                    | "title"
                    | "nullable"
                    | "readOnly"
                    | "writeOnly"
                    | "example"
                    | "required"
                    | "deprecated"
                    | "externalDocs"
            ) || k.starts_with("x-")
        })
    });
    if !is_object && !only_annotations && schema.get("allOf").is_none() {
        others.push(schema.clone());
    }
    Some(())
}
