//! YAML → JSON value.

use crate::diagnostics::Diagnostics;
use serde_json::{Map, Number, Value};

/// A YAML error with its position (1-based; 1:1 when the library gives none).
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Parses YAML text; keys that are not strings are stringified (`200:` → `"200"`).
pub fn parse(text: &str, diags: &mut Diagnostics) -> Result<Value, YamlError> {
    let yaml: serde_norway::Value = serde_norway::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        YamlError {
            line,
            column,
            message: e.to_string(),
        }
    })?;
    let mut path = String::new();
    Ok(convert(yaml, &mut path, diags, 0))
}

fn convert(
    yaml: serde_norway::Value,
    path: &mut String,
    diags: &mut Diagnostics,
    depth: usize,
) -> Value {
    if depth > super::json::MAX_DEPTH {
        diags.warn(path.clone(), "nesting too deep: value replaced by null");
        return Value::Null;
    }
    match yaml {
        serde_norway::Value::Null => Value::Null,
        serde_norway::Value::Bool(b) => Value::Bool(b),
        serde_norway::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                match n.as_f64().and_then(Number::from_f64) {
                    Some(f) => Value::Number(f),
                    None => {
                        diags.warn(
                            path.clone(),
                            format!("number {n} has no JSON form: replaced by null"),
                        );
                        Value::Null
                    }
                }
            }
        }
        serde_norway::Value::String(s) => Value::String(s),
        serde_norway::Value::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let len = path.len();
                    path.push('/');
                    path.push_str(&i.to_string());
                    let v = convert(item, path, diags, depth + 1);
                    path.truncate(len);
                    v
                })
                .collect(),
        ),
        serde_norway::Value::Mapping(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                let key = key_string(key);
                let len = path.len();
                path.push('/');
                path.push_str(&crate::diagnostics::escape_token(&key));
                let v = convert(value, path, diags, depth + 1);
                path.truncate(len);
                out.insert(key, v);
            }
            Value::Object(out)
        }
        serde_norway::Value::Tagged(tagged) => convert(tagged.value, path, diags, depth),
    }
}

fn key_string(key: serde_norway::Value) -> String {
    match key {
        serde_norway::Value::String(s) => s,
        serde_norway::Value::Number(n) => n.to_string(),
        serde_norway::Value::Bool(b) => b.to_string(),
        serde_norway::Value::Null => "null".to_string(),
        other => serde_norway::to_string(&other)
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
    }
}
