//! Rust expressions for schema `default`s, so that a struct's `Default` starts from what the
//! spec says: Power Automate sends internal parameters' defaults without asking the user
//! (GitHub's hook `name: "web"`, `config.content_type: "json"`), and so should code built
//! with `..Default::default()`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::literals::string_literal;
use crate::typespace::Ty;

/// The expression giving a field of type `ty` the JSON `value`, or `None` when the value does
/// not fit the type, is not expressible simply (objects, untyped JSON), or equals the type's
/// own `Default` (so `Default` stays derivable where nothing differs). `enums` are the
/// generated string enums (they convert `From<&str>`).
pub fn default_expr(ty: &Ty, value: &Value, enums: &BTreeSet<String>) -> Option<String> {
    match ty {
        Ty::Option(inner) if !value.is_null() => {
            expr(inner, value, enums).map(|e| format!("Some({e})"))
        }
        Ty::Option(_) => None,
        _ if is_trivial(value) => None,
        _ => expr(ty, value, enums),
    }
}

/// `false`, `0`, `""`, `[]`, `null`: what `Default` gives anyway.
fn is_trivial(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(_) => false,
    }
}

fn expr(ty: &Ty, value: &Value, enums: &BTreeSet<String>) -> Option<String> {
    match (ty, value) {
        (Ty::String, Value::String(text)) => Some(format!("{}.to_owned()", string_literal(text))),
        (Ty::Bool, Value::Bool(b)) => Some(b.to_string()),
        (Ty::I32, Value::Number(n)) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(|n| n.to_string()),
        (Ty::I64, Value::Number(n)) => n.as_i64().map(|n| n.to_string()),
        (Ty::F64, Value::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(|f| format!("{f:?}")),
        (Ty::Vec(_), Value::Array(items)) if items.is_empty() => Some("Vec::new()".to_owned()),
        (Ty::Vec(item), Value::Array(items)) => {
            let items: Option<Vec<String>> = items.iter().map(|v| expr(item, v, enums)).collect();
            Some(format!("Vec::from([{}])", items?.join(", ")))
        }
        (Ty::Named(name), Value::String(text)) if enums.contains(name) => {
            Some(format!("{name}::from({})", string_literal(text)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn opt(ty: Ty) -> Ty {
        Ty::Option(Box::new(ty))
    }

    #[test]
    fn defaults_become_expressions_of_the_field_type() {
        let enums = BTreeSet::from(["ContentType".to_owned()]);
        let named = Ty::Named("ContentType".into());
        let cases = [
            (
                opt(Ty::String),
                json!("web"),
                Some(r#"Some("web".to_owned())"#),
            ),
            (opt(Ty::Bool), json!(true), Some("Some(true)")),
            (opt(Ty::Bool), json!(false), Some("Some(false)")),
            (Ty::Bool, json!(false), None),
            (Ty::I32, json!(30), Some("30")),
            (Ty::I32, json!(1u64 << 40), None),
            (Ty::F64, json!(1), Some("1.0")),
            (
                opt(Ty::Vec(Box::new(Ty::String))),
                json!(["push"]),
                Some(r#"Some(Vec::from(["push".to_owned()]))"#),
            ),
            (
                opt(named.clone()),
                json!("json"),
                Some(r#"Some(ContentType::from("json"))"#),
            ),
            (opt(Ty::Named("Config".into())), json!({"a": 1}), None),
            (opt(Ty::String), json!(3), None),
            (opt(Ty::Value), json!({"a": 1}), None),
            (opt(Ty::String), Value::Null, None),
        ];
        for (ty, value, expected) in cases {
            assert_eq!(
                default_expr(&ty, &value, &enums).as_deref(),
                expected,
                "{ty:?} {value}"
            );
        }
    }
}
