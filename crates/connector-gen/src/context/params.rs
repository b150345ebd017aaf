//! Path, query and header parameters: their Rust types, how they are passed, and the
//! expressions that put them on the wire (shared by client methods and trigger structs).

use super::MODELS;
use crate::naming::{pascal, string_literal};
use crate::typespace::{Ty, TypeSpace};
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
        let ty = space.lower(&schema, &format!("{op}{}", pascal(&param.name, "P")));
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

/// A [`ParamUse`] for a method argument `name` passed as [`borrowed`] says.
pub fn argument_use(lowered: &Lowered<'_>, name: &str, is_ref: bool) -> ParamUse {
    let optional = !lowered.param.required;
    let value = match (optional, is_ref) {
        (true, true) => "value".to_owned(),
        (true, false) => "&value".to_owned(),
        (false, true) => name.to_owned(),
        (false, false) => format!("&{name}"),
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

/// A Rust expression for a path: `"/lit".to_owned()` or `format!("/a/{}", ...)`, optionally
/// prefixed by `base` (an expression). `value_of` gives, for a placeholder name, an expression
/// referencing its value; placeholders it does not know stay literal (`{id}`).
pub fn path_expr(
    path: &str,
    base: Option<&str>,
    helpers: &str,
    value_of: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut format = String::new();
    let mut args: Vec<String> = Vec::new();
    if let Some(base) = base {
        format.push_str("{}");
        args.push(base.to_owned());
    }
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        push_literal(&mut format, &rest[..open]);
        let name = &rest[open + 1..close];
        match value_of(name) {
            Some(expr) => {
                format.push_str("{}");
                args.push(format!("{helpers}path_value({expr})"));
            }
            None => push_literal(&mut format, &rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    push_literal(&mut format, rest);
    if args.is_empty() {
        // `format` holds doubled braces; the plain literal wants them single again.
        let plain = format.replace("{{", "{").replace("}}", "}");
        return format!("{}.to_owned()", string_literal(&plain));
    }
    format!("format!({}, {})", string_literal(&format), args.join(", "))
}

fn push_literal(format: &mut String, text: &str) {
    format.push_str(&text.replace('{', "{{").replace('}', "}}"));
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
