//! Reading a JSON object field by field, case-insensitively as Logic Apps does, so every
//! field not taken is reported instead of silently ignored.

use serde_json::{Map, Value};

use super::diagnostics::{child_pointer, Diagnostics};

/// An object being read; fields are taken one by one and the rest reported by
/// [`Object::finish`].
pub(crate) struct Object {
    pointer: String,
    fields: Map<String, Value>,
    taken: Vec<String>,
}

impl Object {
    /// `value` as an object at `pointer`, or an error.
    pub fn new(value: &Value, pointer: &str, diagnostics: &mut Diagnostics) -> Option<Self> {
        match value {
            Value::Object(map) => Some(Object {
                pointer: pointer.to_owned(),
                fields: map.clone(),
                taken: Vec::new(),
            }),
            other => {
                diagnostics.error(
                    pointer,
                    format!("must be an object, found {}", json_kind(other)),
                );
                None
            }
        }
    }

    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    pub fn pointer_of(&self, key: &str) -> String {
        let actual = self
            .fields
            .keys()
            .find(|k| k.eq_ignore_ascii_case(key))
            .map_or(key, String::as_str);
        child_pointer(&self.pointer, actual)
    }

    /// Whether the field is (or was) present.
    pub fn had(&self, key: &str) -> bool {
        self.fields.keys().any(|k| k.eq_ignore_ascii_case(key))
    }

    /// Take a field (any case): its value and pointer.
    pub fn take(&mut self, key: &str) -> Option<(Value, String)> {
        let actual = self
            .fields
            .keys()
            .find(|k| k.eq_ignore_ascii_case(key))?
            .clone();
        self.taken.push(actual.clone());
        let value = self.fields.get(&actual)?.clone();
        Some((value, child_pointer(&self.pointer, &actual)))
    }

    /// A required string field.
    pub fn string(&mut self, key: &str, diagnostics: &mut Diagnostics) -> Option<String> {
        match self.take(key) {
            Some((Value::String(s), _)) => Some(s),
            Some((other, pointer)) => {
                diagnostics.error(
                    &pointer,
                    format!("must be a string, found {}", json_kind(&other)),
                );
                None
            }
            None => {
                diagnostics.error(&self.pointer_of(key), "required");
                None
            }
        }
    }

    /// Report every field not taken as not implemented.
    pub fn finish(self, diagnostics: &mut Diagnostics) {
        for key in self.fields.keys() {
            if !self.taken.contains(key) {
                diagnostics.unsupported(
                    &child_pointer(&self.pointer, key),
                    format!("`{key}` is not implemented by the runtime and is ignored"),
                );
            }
        }
    }
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
