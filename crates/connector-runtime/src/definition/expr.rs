//! The template-expression subset that webhook definitions use, parsed once at load and
//! evaluated for each subscribe.
//!
//! A JSON string in a definition is one of:
//! - `@@…`: a literal string starting with `@` (one `@` is dropped);
//! - `@expr`: the whole string is an expression, whose value may be any JSON value;
//! - text with `@{expr}` parts: each part's value is turned into text (a string as is, anything
//!   else as its JSON text, `null` as nothing); `@@{` stands for a literal `@{`;
//! - anything else, including `user@example.com`: literal text.
//!
//! Expressions are function calls (`concat('a', parameters('b'))`), string literals with `''`
//! for a quote, numbers, `true`, `false`, `null`, and property access (`workflow().name`,
//! `parameters('o')?['k']`, `[0]`). Function names are case-insensitive, as in Logic Apps.
//! Every function is checked at load: an unknown one, or a wrong argument count, is refused
//! there with the function's name.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use rand::Rng;
use serde_json::{Map, Value};

use super::reader::json_kind;

/// Why a string is not a valid expression template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {offset} of the string)")]
pub struct SyntaxError {
    /// 0-based character offset inside the JSON string.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// Why an expression cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{function}(): {reason}")]
pub struct EvalError {
    /// The function that failed (canonical spelling).
    pub function: String,
    /// Why.
    pub reason: String,
}

fn eval_error(function: &str, reason: impl Into<String>) -> EvalError {
    EvalError {
        function: function.to_owned(),
        reason: reason.into(),
    }
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Literal(Value),
    Call {
        /// Canonical spelling (from [`FUNCTIONS`]), or as written when unknown.
        name: String,
        args: Vec<Expr>,
        /// Character offset of the name, for messages.
        offset: usize,
    },
    Access {
        target: Box<Expr>,
        key: Box<Expr>,
        /// `?[…]` / `?.`: a missing property is `null` instead of an error.
        optional: bool,
    },
}

/// One parsed JSON string.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Template {
    /// No expression: the text as is (after `@@` unescaping).
    Text(String),
    /// `@expr`: any JSON value.
    Whole(Expr),
    /// Text with `@{expr}` parts: always a string.
    Interpolated(Vec<Part>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    Text(String),
    Expr(Expr),
}

/// A known function: canonical name and argument count bounds (`None`: any number).
struct Function {
    name: &'static str,
    min: usize,
    max: Option<usize>,
}

const fn function(name: &'static str, min: usize, max: Option<usize>) -> Function {
    Function { name, min, max }
}

/// Every function the runtime evaluates. Anything else is refused at load.
const FUNCTIONS: &[Function] = &[
    function("listCallbackUrl", 0, Some(0)),
    function("workflow", 0, Some(0)),
    function("parameters", 1, Some(1)),
    function("guid", 0, Some(1)),
    function("utcNow", 0, Some(1)),
    function("concat", 1, None),
    function("coalesce", 1, None),
    function("encodeUriComponent", 1, Some(1)),
    function("uriComponent", 1, Some(1)),
    function("decodeUriComponent", 1, Some(1)),
    function("uriComponentToString", 1, Some(1)),
    function("base64", 1, Some(1)),
    function("base64ToString", 1, Some(1)),
    function("string", 1, Some(1)),
    function("toLower", 1, Some(1)),
    function("toUpper", 1, Some(1)),
    function("trim", 1, Some(1)),
    function("replace", 3, Some(3)),
    function("substring", 2, Some(3)),
    function("indexOf", 2, Some(2)),
    function("lastIndexOf", 2, Some(2)),
    function("startsWith", 2, Some(2)),
    function("endsWith", 2, Some(2)),
    function("length", 1, Some(1)),
];

/// The `workflow()` properties the runtime can answer.
pub(crate) const WORKFLOW_PROPERTIES: &[&str] = &["name", "endpoint"];

fn find_function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name.eq_ignore_ascii_case(name))
}

/// Parse one JSON string of a definition.
pub(crate) fn parse_template(text: &str) -> Result<Template, SyntaxError> {
    if let Some(rest) = text.strip_prefix("@@") {
        return Ok(Template::Text(format!("@{rest}")));
    }
    if text.starts_with('@') && !text.starts_with("@{") {
        let chars: Vec<char> = text.chars().collect();
        let mut parser = Parser { chars, pos: 1 };
        let expr = parser.expression()?;
        parser.skip_space();
        if parser.pos < parser.chars.len() {
            return Err(parser.error("unexpected text after the expression"));
        }
        return Ok(Template::Whole(expr));
    }
    if !text.contains("@{") {
        return Ok(Template::Text(text.to_owned()));
    }
    let chars: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut pos = 0;
    while pos < chars.len() {
        let at = chars[pos] == '@';
        if at && chars.get(pos + 1) == Some(&'@') && chars.get(pos + 2) == Some(&'{') {
            literal.push_str("@{");
            pos += 3;
        } else if at && chars.get(pos + 1) == Some(&'{') {
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            let mut parser = Parser {
                chars: chars.clone(),
                pos: pos + 2,
            };
            let expr = parser.expression()?;
            parser.skip_space();
            if parser.peek() != Some('}') {
                return Err(SyntaxError {
                    offset: pos,
                    message: "unbalanced `@{`: no closing `}` after the expression".into(),
                });
            }
            parts.push(Part::Expr(expr));
            pos = parser.pos + 1;
        } else {
            literal.push(chars[pos]);
            pos += 1;
        }
    }
    if !literal.is_empty() {
        parts.push(Part::Text(literal));
    }
    Ok(Template::Interpolated(parts))
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset: self.pos,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expression(&mut self) -> Result<Expr, SyntaxError> {
        let mut expr = self.primary()?;
        loop {
            self.skip_space();
            let optional = self.peek() == Some('?');
            let next = self.chars.get(self.pos + usize::from(optional)).copied();
            match next {
                Some('[') => {
                    self.pos += 1 + usize::from(optional);
                    let key = self.expression()?;
                    if !self.eat(']') {
                        return Err(self.error("expected `]`"));
                    }
                    expr = Expr::Access {
                        target: Box::new(expr),
                        key: Box::new(key),
                        optional,
                    };
                }
                Some('.') => {
                    self.pos += 1 + usize::from(optional);
                    let name = self.identifier();
                    if name.is_empty() {
                        return Err(self.error("expected a property name after `.`"));
                    }
                    expr = Expr::Access {
                        target: Box::new(expr),
                        key: Box::new(Expr::Literal(Value::String(name))),
                        optional,
                    };
                }
                _ => return Ok(expr),
            }
        }
    }

    fn identifier(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        self.skip_space();
        match self.peek() {
            None => Err(self.error("expected an expression")),
            Some('\'') => self.string_literal(),
            Some(c) if c.is_ascii_digit() || c == '-' => self.number(),
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let offset = self.pos;
                let name = self.identifier();
                self.skip_space();
                if self.peek() != Some('(') {
                    return match name.to_ascii_lowercase().as_str() {
                        "true" => Ok(Expr::Literal(Value::Bool(true))),
                        "false" => Ok(Expr::Literal(Value::Bool(false))),
                        "null" => Ok(Expr::Literal(Value::Null)),
                        _ => Err(SyntaxError {
                            offset,
                            message: format!(
                                "`{name}` is neither a function call nor a literal \
                                 (strings take single quotes)"
                            ),
                        }),
                    };
                }
                self.pos += 1;
                let mut args = Vec::new();
                if !self.eat(')') {
                    loop {
                        args.push(self.expression()?);
                        if self.eat(')') {
                            break;
                        }
                        if !self.eat(',') {
                            return Err(self.error(format!(
                                "expected `,` or `)` in the arguments of `{name}`"
                            )));
                        }
                    }
                }
                let name = find_function(&name).map_or(name, |f| f.name.to_owned());
                Ok(Expr::Call { name, args, offset })
            }
            Some(c) => Err(self.error(format!("unexpected `{c}`"))),
        }
    }

    fn string_literal(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut text = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(SyntaxError {
                        offset: start,
                        message: "unterminated string literal".into(),
                    })
                }
                Some('\'') if self.chars.get(self.pos + 1) == Some(&'\'') => {
                    text.push('\'');
                    self.pos += 2;
                }
                Some('\'') => {
                    self.pos += 1;
                    return Ok(Expr::Literal(Value::String(text)));
                }
                Some(c) => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn number(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+'))
        {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        if let Ok(int) = text.parse::<i64>() {
            return Ok(Expr::Literal(Value::from(int)));
        }
        text.parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(|n| Expr::Literal(Value::Number(n)))
            .ok_or(SyntaxError {
                offset: start,
                message: format!("`{text}` is not a number"),
            })
    }
}

/// A problem found when checking a parsed template against the known functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CheckError {
    /// The function named in the problem.
    pub function: String,
    /// What is wrong.
    pub message: String,
}

/// What a load-time check needs to know.
pub(crate) struct CheckScope<'a> {
    /// Declared or supplied parameter names.
    pub parameters: &'a Map<String, Value>,
    /// Whether `listCallbackUrl()` has a value here (not in authentication fields).
    pub callback_allowed: bool,
}

impl Template {
    /// Every expression in this template.
    fn expressions(&self) -> Vec<&Expr> {
        match self {
            Template::Text(_) => Vec::new(),
            Template::Whole(expr) => vec![expr],
            Template::Interpolated(parts) => parts
                .iter()
                .filter_map(|p| match p {
                    Part::Expr(e) => Some(e),
                    Part::Text(_) => None,
                })
                .collect(),
        }
    }

    /// Whether the template has any expression.
    pub(crate) fn is_literal(&self) -> bool {
        matches!(self, Template::Text(_))
    }

    /// Check every function call: known, right argument count, `parameters('x')` declared,
    /// `workflow()` properties answerable.
    pub(crate) fn check(&self, scope: &CheckScope<'_>) -> Result<(), CheckError> {
        self.expressions()
            .into_iter()
            .try_for_each(|e| check_expr(e, scope))
    }

    /// Evaluate with `scope`.
    pub(crate) fn eval(&self, scope: &Scope<'_>) -> Result<Value, EvalError> {
        match self {
            Template::Text(text) => Ok(Value::String(text.clone())),
            Template::Whole(expr) => eval(expr, scope),
            Template::Interpolated(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        Part::Text(text) => out.push_str(text),
                        Part::Expr(expr) => out.push_str(&to_text(&eval(expr, scope)?)),
                    }
                }
                Ok(Value::String(out))
            }
        }
    }
}

fn check_expr(expr: &Expr, scope: &CheckScope<'_>) -> Result<(), CheckError> {
    match expr {
        Expr::Literal(_) => Ok(()),
        Expr::Access { target, key, .. } => {
            if let (Expr::Call { name, .. }, Expr::Literal(Value::String(property))) =
                (target.as_ref(), key.as_ref())
            {
                if name == "workflow"
                    && !WORKFLOW_PROPERTIES
                        .iter()
                        .any(|p| p.eq_ignore_ascii_case(property))
                {
                    return Err(CheckError {
                        function: name.clone(),
                        message: format!(
                            "workflow().{property} has no value outside Azure; the runtime \
                             answers {}",
                            WORKFLOW_PROPERTIES.join(" and ")
                        ),
                    });
                }
            }
            check_expr(target, scope)?;
            check_expr(key, scope)
        }
        Expr::Call { name, args, .. } => {
            let Some(function) = FUNCTIONS.iter().find(|f| f.name == name) else {
                return Err(CheckError {
                    function: name.clone(),
                    message: format!(
                        "unknown or unsupported function `{name}`; the runtime evaluates {}",
                        FUNCTIONS
                            .iter()
                            .map(|f| f.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            };
            let count = args.len();
            if count < function.min || function.max.is_some_and(|max| count > max) {
                let wanted = match function.max {
                    Some(max) if max == function.min => format!("{max}"),
                    Some(max) => format!("{} to {max}", function.min),
                    None => format!("at least {}", function.min),
                };
                return Err(CheckError {
                    function: name.clone(),
                    message: format!("`{name}` takes {wanted} argument(s), found {count}"),
                });
            }
            match (name.as_str(), args.first()) {
                ("listCallbackUrl", _) if !scope.callback_allowed => {
                    return Err(CheckError {
                        function: name.clone(),
                        message: "listCallbackUrl() has no value here (only in the subscribe \
                                  and unsubscribe request)"
                            .into(),
                    })
                }
                ("parameters", Some(Expr::Literal(Value::String(parameter))))
                    if !scope.parameters.contains_key(parameter) =>
                {
                    return Err(CheckError {
                        function: name.clone(),
                        message: format!(
                            "parameter `{parameter}` is neither declared with a default value \
                             nor supplied by the application"
                        ),
                    })
                }
                ("utcNow", Some(Expr::Literal(Value::String(format))))
                    if !UTC_FORMATS.contains(&format.as_str()) =>
                {
                    return Err(CheckError {
                        function: name.clone(),
                        message: format!(
                            "utcNow format `{format}` is not supported (use none, 'o' or 's')"
                        ),
                    })
                }
                _ => {}
            }
            args.iter().try_for_each(|a| check_expr(a, scope))
        }
    }
}

/// Values expressions can read.
pub(crate) struct Scope<'a> {
    /// The callback URL (`listCallbackUrl()`), when known.
    pub callback_url: Option<&'a str>,
    /// Parameter values: supplied by the application, else the definition's defaults.
    pub parameters: &'a Map<String, Value>,
    /// `workflow().name`.
    pub workflow_name: &'a str,
}

/// `null` → nothing, a string as is, anything else as its JSON text.
pub(crate) fn to_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn eval(expr: &Expr, scope: &Scope<'_>) -> Result<Value, EvalError> {
    match expr {
        Expr::Literal(value) => Ok(value.clone()),
        Expr::Access {
            target,
            key,
            optional,
        } => {
            let target = eval(target, scope)?;
            let key = eval(key, scope)?;
            let found = match (&target, &key) {
                (Value::Object(map), Value::String(k)) => map
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(k))
                    .map(|(_, v)| v.clone()),
                (Value::Array(items), Value::Number(n)) => n
                    .as_u64()
                    .and_then(|i| usize::try_from(i).ok())
                    .and_then(|i| items.get(i).cloned()),
                (Value::Null, _) if *optional => Some(Value::Null),
                _ => None,
            };
            match found {
                Some(value) => Ok(value),
                None if *optional => Ok(Value::Null),
                None => Err(eval_error(
                    "property",
                    format!("no property {} in {}", key, json_kind(&target)),
                )),
            }
        }
        Expr::Call { name, args, .. } => {
            let values = args
                .iter()
                .map(|a| eval(a, scope))
                .collect::<Result<Vec<_>, _>>()?;
            call(name, &values, scope)
        }
    }
}

/// The callback base URL: the callback URL up to and including `/callbacks/`.
pub(crate) fn callback_base(callback_url: &str) -> String {
    match callback_url.find("/callbacks/") {
        Some(at) => callback_url[..at + "/callbacks/".len()].to_owned(),
        None => callback_url.to_owned(),
    }
}

/// Percent-encode like JavaScript's (and Logic Apps') `encodeURIComponent`: everything but
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
pub(crate) fn encode_uri_component(text: &str) -> String {
    crate::lifecycle::percent_encode(text, b"-_.!~*'()")
}

fn decode_uri_component(text: &str) -> Result<String, String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .map_err(|_| "the decoded bytes are not UTF-8".to_owned())
}

fn text_arg<'v>(function: &str, values: &'v [Value], index: usize) -> Result<&'v str, EvalError> {
    match values.get(index) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(eval_error(
            function,
            format!(
                "argument {} must be a string, found {}",
                index + 1,
                json_kind(other)
            ),
        )),
        None => Err(eval_error(
            function,
            format!("argument {} is missing", index + 1),
        )),
    }
}

fn int_arg(function: &str, values: &[Value], index: usize) -> Result<usize, EvalError> {
    values
        .get(index)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| {
            eval_error(
                function,
                format!("argument {} must be a non-negative integer", index + 1),
            )
        })
}

/// Text as UTF-16 code units: Logic Apps (.NET) counts string positions in them.
fn utf16(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

fn find_units(haystack: &[u16], needle: &[u16], last: bool) -> Option<usize> {
    if needle.is_empty() {
        return Some(if last { haystack.len() } else { 0 });
    }
    let mut positions = haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i);
    if last {
        positions.next_back()
    } else {
        positions.next()
    }
}

fn index_of(function: &str, values: &[Value], last: bool) -> Result<Value, EvalError> {
    // Case-insensitive, as documented for Logic Apps.
    let text = utf16(&text_arg(function, values, 0)?.to_lowercase());
    let search = utf16(&text_arg(function, values, 1)?.to_lowercase());
    Ok(find_units(&text, &search, last).map_or(Value::from(-1), |i| Value::from(i as u64)))
}

fn call(name: &str, values: &[Value], scope: &Scope<'_>) -> Result<Value, EvalError> {
    let text = |i| text_arg(name, values, i);
    let string = |s: String| Ok(Value::String(s));
    match name {
        "listCallbackUrl" => scope
            .callback_url
            .map(|url| Value::String(url.to_owned()))
            .ok_or_else(|| eval_error(name, "there is no callback URL here")),
        "workflow" => {
            let mut object = Map::new();
            object.insert("name".into(), Value::String(scope.workflow_name.to_owned()));
            if let Some(url) = scope.callback_url {
                object.insert("endpoint".into(), Value::String(callback_base(url)));
            }
            Ok(Value::Object(object))
        }
        "parameters" => {
            let wanted = text(0)?;
            scope
                .parameters
                .get(wanted)
                .cloned()
                .ok_or_else(|| eval_error(name, format!("no parameter `{wanted}`")))
        }
        "guid" => {
            let format = match values.first() {
                Some(Value::String(f)) => f.to_ascii_uppercase(),
                Some(_) => return Err(eval_error(name, "the format must be a string")),
                None => "D".to_owned(),
            };
            let mut bytes: [u8; 16] = rand::thread_rng().gen();
            bytes[6] = (bytes[6] & 0x0f) | 0x40;
            bytes[8] = (bytes[8] & 0x3f) | 0x80;
            let h = hex::encode(bytes);
            let dashed = format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            );
            match format.as_str() {
                "N" => string(h),
                "D" => string(dashed),
                "B" => string(format!("{{{dashed}}}")),
                "P" => string(format!("({dashed})")),
                other => Err(eval_error(name, format!("unknown format `{other}`"))),
            }
        }
        "utcNow" => {
            let format = match values.first() {
                Some(Value::String(f)) => f.as_str(),
                Some(_) => return Err(eval_error(name, "the format must be a string")),
                None => "o",
            };
            utc_now(format)
                .map(Value::String)
                .map_err(|r| eval_error(name, r))
        }
        "concat" => string(values.iter().map(to_text).collect()),
        "coalesce" => Ok(values
            .iter()
            .find(|v| !v.is_null())
            .cloned()
            .unwrap_or(Value::Null)),
        "encodeUriComponent" | "uriComponent" => string(encode_uri_component(text(0)?)),
        "decodeUriComponent" | "uriComponentToString" => decode_uri_component(text(0)?)
            .map(Value::String)
            .map_err(|r| eval_error(name, r)),
        "base64" => string(
            base64::engine::general_purpose::STANDARD
                .encode(to_text(values.first().unwrap_or(&Value::Null))),
        ),
        "base64ToString" => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text(0)?)
                .map_err(|e| eval_error(name, format!("not base64: {e}")))?;
            String::from_utf8(bytes)
                .map(Value::String)
                .map_err(|_| eval_error(name, "the decoded bytes are not UTF-8"))
        }
        "string" => string(to_text(values.first().unwrap_or(&Value::Null))),
        "toLower" => string(text(0)?.to_lowercase()),
        "toUpper" => string(text(0)?.to_uppercase()),
        "trim" => string(text(0)?.trim().to_owned()),
        "replace" => {
            let (subject, old, new) = (text(0)?, text(1)?, text(2)?);
            if old.is_empty() {
                return Err(eval_error(name, "the text to replace is empty"));
            }
            string(subject.replace(old, new))
        }
        "substring" => {
            let units = utf16(text(0)?);
            let start = int_arg(name, values, 1)?;
            let length = match values.get(2) {
                Some(_) => int_arg(name, values, 2)?,
                None => units.len().saturating_sub(start),
            };
            let end = start
                .checked_add(length)
                .filter(|end| *end <= units.len())
                .ok_or_else(|| {
                    eval_error(
                        name,
                        format!(
                            "start {start} and length {length} go past the end of a string \
                             of length {}",
                            units.len()
                        ),
                    )
                })?;
            string(String::from_utf16_lossy(&units[start..end]))
        }
        "indexOf" => index_of(name, values, false),
        "lastIndexOf" => index_of(name, values, true),
        "startsWith" => Ok(Value::Bool(
            text(0)?
                .to_lowercase()
                .starts_with(&text(1)?.to_lowercase()),
        )),
        "endsWith" => Ok(Value::Bool(
            text(0)?.to_lowercase().ends_with(&text(1)?.to_lowercase()),
        )),
        "length" => match values.first() {
            Some(Value::String(s)) => Ok(Value::from(utf16(s).len() as u64)),
            Some(Value::Array(items)) => Ok(Value::from(items.len() as u64)),
            Some(Value::Object(map)) => Ok(Value::from(map.len() as u64)),
            _ => Err(eval_error(name, "takes a string, an array or an object")),
        },
        other => Err(eval_error(other, "unknown function")),
    }
}

/// `utcNow` formats the runtime writes: .NET's round-trip `o` (the default) and sortable `s`.
const UTC_FORMATS: &[&str] = &["o", "O", "s"];

/// Now in UTC as `o` (`2026-11-30T23:18:51.1234567Z`) or `s` (`2026-11-30T23:18:51`).
fn utc_now(format: &str) -> Result<String, String> {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "the clock is before 1970".to_owned())?;
    let seconds = since.as_secs();
    let (year, month, day) = civil_from_days(seconds / 86_400);
    let rest = seconds % 86_400;
    let base = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    );
    match format {
        "o" | "O" => Ok(format!("{base}.{:07}Z", since.subsec_nanos() / 100)),
        "s" => Ok(base),
        other => Err(format!("format `{other}` is not supported")),
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's
/// algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope_eval(text: &str) -> Value {
        let parameters = json!({"base": "https://api.example.com", "n": 3, "o": {"k": "v"}});
        let parameters = parameters.as_object().unwrap();
        let template = parse_template(text).unwrap();
        template
            .check(&CheckScope {
                parameters,
                callback_allowed: true,
            })
            .unwrap();
        template
            .eval(&Scope {
                callback_url: Some("https://me/callbacks/s1?sig=a b"),
                parameters,
                workflow_name: "flow",
            })
            .unwrap()
    }

    #[test]
    fn whole_interpolated_and_escaped_strings() {
        assert_eq!(
            scope_eval("plain user@example.com"),
            json!("plain user@example.com")
        );
        assert_eq!(
            scope_eval("@@listCallbackUrl()"),
            json!("@listCallbackUrl()")
        );
        assert_eq!(scope_eval("a @@{x} b"), json!("a @{x} b"));
        assert_eq!(scope_eval("@parameters('n')"), json!(3));
        assert_eq!(scope_eval("n=@{parameters('n')}"), json!("n=3"));
        assert_eq!(scope_eval("@parameters('o')?['k']"), json!("v"));
        assert_eq!(scope_eval("@parameters('o')?['missing']"), json!(null));
        assert_eq!(scope_eval("@workflow().name"), json!("flow"));
        assert_eq!(
            scope_eval("@{workflow().endpoint}"),
            json!("https://me/callbacks/")
        );
        assert_eq!(
            scope_eval("@{parameters('base')}/hooks?cb=@{encodeUriComponent(listCallbackUrl())}"),
            json!(
                "https://api.example.com/hooks?cb=https%3A%2F%2Fme%2Fcallbacks%2Fs1%3Fsig%3Da%20b"
            )
        );
        assert_eq!(
            scope_eval("@concat('it''s ', toUpper('x'), 1, true)"),
            json!("it's X1true")
        );
    }

    #[test]
    fn string_functions() {
        assert_eq!(scope_eval("@toLower('AbC')"), json!("abc"));
        assert_eq!(scope_eval("@replace('a-b-c', '-', '+')"), json!("a+b+c"));
        assert_eq!(scope_eval("@substring('hello', 1, 3)"), json!("ell"));
        assert_eq!(scope_eval("@substring('hello', 2)"), json!("llo"));
        assert_eq!(scope_eval("@trim('  x ')"), json!("x"));
        assert_eq!(scope_eval("@indexOf('Hello', 'L')"), json!(2));
        assert_eq!(scope_eval("@lastIndexOf('hello', 'l')"), json!(3));
        assert_eq!(scope_eval("@length('héllo')"), json!(5));
        assert_eq!(scope_eval("@startsWith('Hello', 'he')"), json!(true));
        assert_eq!(scope_eval("@base64ToString(base64('hi'))"), json!("hi"));
        assert_eq!(
            scope_eval("@uriComponentToString(uriComponent('a/b c'))"),
            json!("a/b c")
        );
        let guid = scope_eval("@guid()");
        assert_eq!(guid.as_str().unwrap().len(), 36);
        let now = scope_eval("@utcNow()");
        assert!(now.as_str().unwrap().ends_with('Z'), "{now}");
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_788), (2026, 12, 1));
    }

    #[test]
    fn bad_templates_are_refused_with_a_reason() {
        let parameters = Map::new();
        let scope = CheckScope {
            parameters: &parameters,
            callback_allowed: true,
        };
        let unbalanced = parse_template("x @{listCallbackUrl() y").unwrap_err();
        assert!(unbalanced.message.contains("unbalanced"), "{unbalanced}");
        assert!(parse_template("@concat('a'").is_err());
        assert!(parse_template("@'open").is_err());
        assert!(parse_template("@listCallbackUrl() tail").is_err());
        let unknown = parse_template("@triggerBody()")
            .unwrap()
            .check(&scope)
            .unwrap_err();
        assert_eq!(unknown.function, "triggerBody");
        let arity = parse_template("@{toLower()}")
            .unwrap()
            .check(&scope)
            .unwrap_err();
        assert!(arity.message.contains("takes 1"), "{arity:?}");
        let parameter = parse_template("@parameters('x')")
            .unwrap()
            .check(&scope)
            .unwrap_err();
        assert!(parameter.message.contains("`x`"));
        let property = parse_template("@workflow().run.id")
            .unwrap()
            .check(&scope)
            .unwrap_err();
        assert!(property.message.contains("workflow().run"));
        let no_callback = CheckScope {
            parameters: &parameters,
            callback_allowed: false,
        };
        assert!(parse_template("@listCallbackUrl()")
            .unwrap()
            .check(&no_callback)
            .is_err());
    }
}
