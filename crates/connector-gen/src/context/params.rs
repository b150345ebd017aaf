//! Path, query and header parameters: their Rust types, how they are passed, and the
//! expressions that put them on the wire (shared by client methods and trigger structs).

use super::MODELS;
use crate::literals::string_literal;
use crate::typespace::{Ty, TypeSpace};
use connector_model::names::pascal;
use connector_model::{Action, Parameter, ParameterLocation, Visibility};
use serde::Serialize;
use serde_json::Value;

/// One parameter with its lowered type.
pub struct Lowered<'a> {
    /// The model parameter.
    pub param: &'a Parameter,
    /// Its Rust type (owned form).
    pub ty: Ty,
    /// For internal parameters with a default: the value sent, as wire text.
    pub fixed: Option<String>,
}

/// How a parameter reaches the query string or a header.
#[derive(Debug, Clone, Serialize)]
pub struct ParamUse {
    /// Rust literal of the wire name.
    pub wire: String,
    /// The `Option` to match when optional (e.g. `sort` or `&self.sort`).
    pub binding: String,
    /// A reference to the value (e.g. `owner`, `&per_page`, `value`).
    pub value: String,
    /// Whether the parameter may be absent.
    pub optional: bool,
    /// Arrays: repeat the name (`a=1&a=2`) rather than join with commas.
    pub explode: bool,
    /// Rust literal of a fixed value (internal parameter with a default), else empty.
    pub fixed: String,
}

/// Lower the parameters of `action` (cookies are skipped with a warning).
pub fn lower<'a>(action: &'a Action, space: &mut TypeSpace, op: &str) -> Vec<Lowered<'a>> {
    let mut out = Vec::with_capacity(action.parameters.len());
    for param in &action.parameters {
        if param.location == ParameterLocation::Cookie {
            space.warn(
                &action.operation_id,
                format!("cookie parameter {} is not supported; skipped", param.name),
            );
            continue;
        }
        let schema = serde_json::to_value(&param.schema).unwrap_or(Value::Null);
        let ty = space.lower_sent(&schema, &format!("{op}{}", pascal(&param.name, "P")));
        let fixed = match (&param.visibility, &param.default) {
            (Visibility::Internal, Some(default)) => Some(wire_text(default)),
            _ => None,
        };
        out.push(Lowered { param, ty, fixed });
    }
    out
}

/// A default value as it goes on the wire.
fn wire_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(wire_text).collect::<Vec<_>>().join(","),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The argument type for passing `ty` to a method: borrowed where that reads better
/// (`&str`, `&[T]`, `&Struct`), by value for scalars and string enums. Returns the type and
/// whether it is already a reference.
pub fn borrowed(ty: &Ty, space: &TypeSpace) -> (String, bool) {
    match ty.without_option() {
        Ty::String => ("&str".to_owned(), true),
        Ty::Bytes => ("&[u8]".to_owned(), true),
        Ty::Vec(inner) => (format!("&[{}]", inner.render(MODELS)), true),
        ty @ (Ty::I32 | Ty::I64 | Ty::F64 | Ty::Bool | Ty::Unit) => (ty.render(MODELS), false),
        ty if space.is_string_enum(ty) => (ty.render(MODELS), false),
        ty => (format!("&{}", ty.render(MODELS)), true),
    }
}

/// A [`ParamUse`] for a method argument `name` passed as [`borrowed`] says; its value is a
/// reference to the argument (to the `Option` itself when optional: absent values are skipped
/// by the request builder, so no binding is needed).
pub fn argument_use(lowered: &Lowered<'_>, name: &str, is_ref: bool) -> ParamUse {
    let optional = !lowered.param.required;
    let value = if is_ref && !optional {
        name.to_owned()
    } else {
        format!("&{name}")
    };
    param_use(lowered, name.to_owned(), value)
}

/// A [`ParamUse`] for a struct field `self.<name>` (owned).
pub fn field_use(lowered: &Lowered<'_>, name: &str) -> ParamUse {
    let optional = !lowered.param.required;
    let value = if optional {
        "value".to_owned()
    } else {
        format!("&self.{name}")
    };
    param_use(lowered, format!("&self.{name}"), value)
}

fn param_use(lowered: &Lowered<'_>, binding: String, value: String) -> ParamUse {
    ParamUse {
        wire: string_literal(&lowered.param.name),
        binding,
        value,
        optional: !lowered.param.required,
        explode: lowered.param.explode,
        fixed: lowered
            .fixed
            .as_deref()
            .map(string_literal)
            .unwrap_or_default(),
    }
}

/// A Rust expression for a path: `"/lit".to_owned()`, or a block binding each encoded path
/// value to a local and ending in `format!("/a/{name}")`, optionally prefixed by `base` (an
/// expression). `value_of` gives, for a placeholder name, an expression referencing its
/// value; placeholders it does not know stay literal (`{id}`).
///
/// The values are bound outside the macro because prettyplease prints macro arguments as raw
/// tokens (`crate ::client::path_value(& self.owner)`); a literal-only `format!` prints clean.
pub fn path_expr(
    path: &str,
    base: Option<&str>,
    helpers: &str,
    value_of: &dyn Fn(&str) -> Option<String>,
) -> String {
    // (placeholder, encoded-value expression), in path order, each placeholder once.
    let mut values: Vec<(String, String)> = Vec::new();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        pieces.push(Piece::Literal(rest[..open].to_owned()));
        let name = &rest[open + 1..close];
        match value_of(name) {
            Some(expr) => {
                let index = match values.iter().position(|(n, _)| n == name) {
                    Some(index) => index,
                    None => {
                        values.push((name.to_owned(), format!("{helpers}path_value({expr})")));
                        values.len() - 1
                    }
                };
                pieces.push(Piece::Value(index));
            }
            None => pieces.push(Piece::Literal(rest[open..=close].to_owned())),
        }
        rest = &rest[close + 1..];
    }
    pieces.push(Piece::Literal(rest.to_owned()));
    if values.is_empty() {
        let plain: String = pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(text) => text.as_str(),
                Piece::Value(_) => "",
            })
            .collect();
        return match base {
            Some(base) => format!(
                "format!({}, {base})",
                string_literal(&format!("{{}}{}", escape_braces(&plain)))
            ),
            None => format!("{}.to_owned()", string_literal(&plain)),
        };
    }
    let names = binding_names(&values);
    let mut format = String::new();
    if base.is_some() {
        format.push_str("{}");
    }
    for piece in &pieces {
        match piece {
            Piece::Literal(text) => format.push_str(&escape_braces(text)),
            Piece::Value(index) => {
                format.push('{');
                format.push_str(&names[*index]);
                format.push('}');
            }
        }
    }
    let bindings: String = names
        .iter()
        .zip(&values)
        .map(|(name, (_, expr))| format!("let {name} = {expr}; "))
        .collect();
    let base_arg = base.map(|b| format!(", {b}")).unwrap_or_default();
    format!(
        "{{ {bindings}format!({}{base_arg}) }}",
        string_literal(&format)
    )
}

/// A piece of a path template.
enum Piece {
    Literal(String),
    /// Index into the bound values.
    Value(usize),
}

/// `{` and `}` doubled, for a `format!` literal.
fn escape_braces(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// A local name per bound value: the placeholder in snake_case, unless that is taken, or
/// names a word of another value's expression (the binding would shadow it), in which case
/// `segment{i}`.
fn binding_names(values: &[(String, String)]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, (placeholder, _)) in values.iter().enumerate() {
        let wanted = connector_model::names::snake(placeholder, "segment");
        let shadows = values
            .iter()
            .enumerate()
            .any(|(j, (_, expr))| j != i && mentions_word(expr, &wanted));
        let name = if shadows || names.contains(&wanted) {
            format!("segment{i}")
        } else {
            wanted
        };
        names.push(name);
    }
    names
}

/// Whether `word` occurs in `expr` as a whole identifier.
fn mentions_word(expr: &str, word: &str) -> bool {
    expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|token| token == word)
}

/// The expression for a path placeholder named `name` among `params`, where `expr_of` gives
/// the reference expression of a non-fixed parameter.
pub fn placeholder_value(
    params: &[Lowered<'_>],
    name: &str,
    expr_of: &dyn Fn(&Lowered<'_>) -> String,
) -> Option<String> {
    let lowered = params
        .iter()
        .find(|l| l.param.location == ParameterLocation::Path && l.param.name == name)?;
    Some(match &lowered.fixed {
        Some(fixed) => string_literal(fixed),
        None => expr_of(lowered),
    })
}
