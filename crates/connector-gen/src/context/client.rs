//! Client methods: one per action, with typed arguments, body and response.

use super::params::{self, argument_use, borrowed, ParamUse};
use super::{one_line, PollingContext, MODELS};
use crate::literals::{doc_lines, string_literal};
use crate::typespace::{Ty, TypeSpace};
use connector_model::names::{pascal, snake, NameAllocator};
use connector_model::{
    Action, Connector, MediaType, ParameterLocation, SecurityScheme, TriggerKind,
};
use serde::Serialize;
use serde_json::Value;

/// Method names the generated `Client` defines itself: operations claim theirs after these.
const RESERVED_METHODS: &[&str] = &["new", "with_http_client", "base_url", "request"];

/// One client method.
#[derive(Debug, Serialize)]
pub struct ActionContext {
    /// Method name.
    pub name: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// `reqwest::Method` constant, e.g. `GET`.
    pub method: String,
    /// HTTP method and path, for the README.
    pub route: String,
    /// One-line summary, for the README.
    pub summary: String,
    /// Arguments after `&self`.
    pub args: Vec<ArgContext>,
    /// Expression for the full URL.
    pub url: String,
    /// Query parameters.
    pub query: Vec<ParamUse>,
    /// Header parameters.
    pub headers: Vec<ParamUse>,
    /// The request body, if any.
    pub body: Option<BodyContext>,
    /// The success response.
    pub response: ResponseContext,
    /// `poll_*` method name when this action is a polling trigger, else empty.
    pub poll: String,
    /// Error statuses the spec describes with a schema, and how to decode them.
    pub errors: Vec<ErrorUse>,
}

/// A described error status of one operation.
#[derive(Debug, Serialize)]
pub struct ErrorUse {
    /// Rust literal of the status as the spec writes it (`"404"`, `"4XX"`, `"default"`).
    pub status: String,
    /// The `ErrorBody` decoder function.
    pub decoder: String,
}

/// One variant of the crate's `ErrorBody`: a type some operation describes an error with.
#[derive(Debug, Serialize)]
pub struct ErrorContext {
    /// Variant identifier.
    pub ident: String,
    /// Rust type of the body.
    pub ty: String,
    /// Doc line.
    pub doc: String,
    /// Name of the decoder function.
    pub decoder: String,
}

/// One method argument.
#[derive(Debug, Serialize)]
pub struct ArgContext {
    /// Name.
    pub name: String,
    /// Type.
    pub ty: String,
}

/// How the body is sent.
#[derive(Debug, Serialize)]
pub struct BodyContext {
    /// `json`, `form`, `multipart`, `binary` or `text`.
    pub kind: &'static str,
    /// Argument name.
    pub arg: String,
    /// Whether the argument is an `Option`.
    pub optional: bool,
    /// The body as the request builder takes it: `Option<&T>` for JSON and form bodies,
    /// `Option<T>` for raw ones.
    pub value: String,
    /// Rust literal of the media type.
    pub content_type: String,
    /// Multipart parts.
    pub parts: Vec<PartContext>,
}

/// One multipart part, from a struct field of the body.
#[derive(Debug, Serialize)]
pub struct PartContext {
    /// Rust literal of the part name.
    pub wire: String,
    /// Field identifier.
    pub field: String,
    /// Whether the field is an `Option`.
    pub optional: bool,
    /// Binary (a file part) rather than text.
    pub file: bool,
}

/// What a successful answer is decoded as.
#[derive(Debug, Serialize)]
pub struct ResponseContext {
    /// `unit`, `json`, `json_optional`, `text` or `bytes`.
    pub kind: &'static str,
    /// The `T` of `Response<T>`.
    pub ty: String,
}

/// A constructor for one security scheme.
#[derive(Debug, Serialize)]
pub struct SecurityContext {
    /// Associated function name.
    pub name: String,
    /// `basic`, `bearer`, `header` or `query`.
    pub kind: &'static str,
    /// Rust literal of the header or query parameter name.
    pub key: String,
    /// Scheme name in the spec (for docs).
    pub scheme: String,
}

/// Client methods for every action, in model order (index-aligned with `connector.actions`).
pub fn actions(
    connector: &Connector,
    space: &mut TypeSpace,
) -> (Vec<ActionContext>, Vec<ErrorContext>) {
    let mut names = NameAllocator::with_reserved(RESERVED_METHODS);
    let mut errors = ErrorTypes::new();
    let actions = connector
        .actions
        .iter()
        .map(|a| action(a, &names.claim(&a.rust_name), space, &mut errors))
        .collect();
    (actions, errors.variants)
}

/// The crate's error body types, one `ErrorBody` variant per distinct type.
struct ErrorTypes {
    variants: Vec<ErrorContext>,
    by_type: Vec<(Ty, usize)>,
    idents: NameAllocator,
    decoders: NameAllocator,
}

impl ErrorTypes {
    fn new() -> Self {
        Self {
            variants: Vec::new(),
            by_type: Vec::new(),
            // The template's catch-all variant.
            idents: NameAllocator::with_reserved(&["Raw"]),
            decoders: NameAllocator::new(),
        }
    }

    /// The decoder for `ty`, adding a variant the first time; `None` for types that say
    /// nothing the raw text does not (untyped JSON, text).
    fn decoder(&mut self, ty: &Ty) -> Option<String> {
        if let Some((_, index)) = self.by_type.iter().find(|(t, _)| t == ty) {
            return self.variants.get(*index).map(|v| v.decoder.clone());
        }
        let label = match ty.without_option() {
            Ty::Named(name) => name.clone(),
            Ty::Vec(inner) => match inner.without_option() {
                Ty::Named(name) => format!("{name}List"),
                _ => return None,
            },
            _ => return None,
        };
        let ident = self.idents.claim(&label);
        let decoder = self.decoders.claim(&snake(&ident, "error"));
        self.by_type.push((ty.clone(), self.variants.len()));
        self.variants.push(ErrorContext {
            doc: format!("An error answer described as `{}`.", ty.render("")),
            ident,
            ty: ty.render(MODELS),
            decoder: decoder.clone(),
        });
        Some(decoder)
    }
}

fn action(
    action: &Action,
    name: &str,
    space: &mut TypeSpace,
    error_types: &mut ErrorTypes,
) -> ActionContext {
    let op = pascal(&action.rust_name, "Op");
    let lowered = params::lower(action, space, &op);
    let mut arg_names = NameAllocator::with_reserved(&["self"]);
    let mut required_args = Vec::new();
    let mut optional_args = Vec::new();
    let mut uses: Vec<(ParameterLocation, ParamUse)> = Vec::new();
    let mut path_refs: Vec<(String, String)> = Vec::new();
    for l in &lowered {
        if l.fixed.is_some() {
            if l.param.location != ParameterLocation::Path {
                uses.push((l.param.location, argument_use(l, "", true)));
            }
            continue;
        }
        let arg = arg_names.claim(&l.param.rust_name);
        let (ty, is_ref) = borrowed(&l.ty, space);
        let use_ = argument_use(l, &arg, is_ref);
        if l.param.location == ParameterLocation::Path {
            path_refs.push((l.param.name.clone(), use_.value.clone()));
        } else {
            uses.push((l.param.location, use_));
        }
        if l.param.required {
            required_args.push(ArgContext { name: arg, ty });
        } else {
            optional_args.push(ArgContext {
                name: arg,
                ty: format!("Option<{ty}>"),
            });
        }
    }
    let body = body(action, &op, &mut arg_names, space);
    if let Some((body, ty)) = &body {
        let arg = ArgContext {
            name: body.arg.clone(),
            ty: ty.clone(),
        };
        if body.optional {
            optional_args.push(arg);
        } else {
            required_args.push(arg);
        }
    }
    let path_value = |name: &str| {
        params::placeholder_value(&lowered, name, &|l| {
            path_refs
                .iter()
                .find(|(wire, _)| *wire == l.param.name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
    };
    let url = params::path_expr(
        &action.path,
        Some("self.base_url"),
        "crate::client::",
        &path_value,
    );
    let (query, headers): (Vec<_>, Vec<_>) = uses
        .into_iter()
        .partition(|(loc, _)| *loc == ParameterLocation::Query);
    required_args.extend(optional_args);
    ActionContext {
        name: name.to_owned(),
        doc: action_doc(action, &lowered),
        method: action.method.as_str().to_owned(),
        route: format!("{} {}", action.method.as_str(), action.path),
        summary: one_line(
            action
                .summary
                .as_deref()
                .or(action.x_ms_summary.as_deref())
                .unwrap_or_default(),
        ),
        args: required_args,
        url,
        query: query.into_iter().map(|(_, u)| u).collect(),
        headers: headers.into_iter().map(|(_, u)| u).collect(),
        body: body.map(|(b, _)| b),
        response: response(action, &op, space),
        poll: String::new(),
        errors: errors(action, &op, space, error_types),
    }
}

/// The non-2xx statuses `action` describes with a JSON schema. `default` counts only next to an
/// explicit 2xx (many connector specs describe their success answer as `default`).
fn errors(
    action: &Action,
    op: &str,
    space: &mut TypeSpace,
    error_types: &mut ErrorTypes,
) -> Vec<ErrorUse> {
    let has_success = action.responses.iter().any(|r| r.status.starts_with('2'));
    let mut out = Vec::new();
    for response in &action.responses {
        let status = response.status.as_str();
        let described = if status == "default" {
            has_success
        } else {
            !status.starts_with('2')
        };
        if !described {
            continue;
        }
        let Some(schema) = response
            .content
            .iter()
            .find(|m| media_rank(m) == 0)
            .and_then(|m| m.schema.as_ref())
            .and_then(|s| serde_json::to_value(s).ok())
        else {
            continue;
        };
        let ty = space.lower_received(&schema, &format!("{op}Error{}", pascal(status, "")));
        if let Some(decoder) = error_types.decoder(&ty) {
            out.push(ErrorUse {
                status: string_literal(status),
                decoder,
            });
        }
    }
    out
}

fn action_doc(action: &Action, lowered: &[params::Lowered<'_>]) -> Vec<String> {
    let mut doc = doc_lines(&[
        action.summary.as_deref(),
        action.x_ms_summary.as_deref(),
        action.description.as_deref(),
    ]);
    if !doc.is_empty() {
        doc.push(String::new());
    }
    doc.extend(doc_lines(&[Some(&format!(
        "{} {}",
        action.method.as_str(),
        action.path
    ))]));
    if action.deprecated {
        doc.push(String::new());
        doc.push("Deprecated by the API.".to_owned());
    }
    let described: Vec<String> = lowered
        .iter()
        .filter(|l| l.fixed.is_none())
        .filter_map(|l| {
            let text = l
                .param
                .description
                .as_deref()
                .or(l.param.x_ms_summary.as_deref())?;
            let line = doc_lines(&[Some(&one_line(text))]).join(" ");
            Some(format!("- {}: {line}", l.param.rust_name))
        })
        .collect();
    if !described.is_empty() {
        doc.push(String::new());
        doc.push("Parameters:".to_owned());
        doc.push(String::new());
        doc.extend(described);
    }
    doc
}

fn media_rank(media: &MediaType) -> u8 {
    let m = media.media_type.to_ascii_lowercase();
    if m.contains("json") {
        0
    } else if m == "application/x-www-form-urlencoded" {
        1
    } else if m.starts_with("multipart/") {
        2
    } else if m == "application/octet-stream" || is_binary(media) {
        3
    } else if m.starts_with("text/") || m.contains("xml") {
        4
    } else {
        // `*/*`, `image/png`, ...: raw bytes.
        3
    }
}

fn is_binary(media: &MediaType) -> bool {
    media
        .schema
        .as_ref()
        .and_then(|s| serde_json::to_value(s).ok())
        .is_some_and(|s| {
            s.get("type").and_then(Value::as_str) == Some("string")
                && s.get("format").and_then(Value::as_str) == Some("binary")
        })
}

/// The body argument: its context and argument type. Inline body schemas are named
/// `<Operation>Request`, leaving `<Operation>Body` to the trigger's subscribe body.
fn body(
    action: &Action,
    op: &str,
    names: &mut NameAllocator,
    space: &mut TypeSpace,
) -> Option<(BodyContext, String)> {
    let request = action.request_body.as_ref()?;
    let media = request.content.iter().min_by_key(|m| media_rank(m))?;
    let rank = media_rank(media);
    let arg = names.claim("body");
    let optional = !request.required;
    let schema = media
        .schema
        .as_ref()
        .and_then(|s| serde_json::to_value(s).ok())
        .unwrap_or(Value::Null);
    let mut context = BodyContext {
        kind: "json",
        value: if optional {
            arg.clone()
        } else {
            format!("Some({arg})")
        },
        arg,
        optional,
        content_type: string_literal(&media.media_type),
        parts: Vec::new(),
    };
    let wrap = |ty: String| {
        if optional {
            format!("Option<{ty}>")
        } else {
            ty
        }
    };
    let ty = match rank {
        0 | 1 => {
            context.kind = if rank == 0 { "json" } else { "form" };
            let ty = space.lower_sent(&schema, &format!("{op}Request"));
            let (ty, is_ref) = borrowed(&ty, space);
            if !is_ref {
                // Scalars and string enums are passed by value; the builder takes a reference.
                context.value = if optional {
                    format!("{}.as_ref()", context.arg)
                } else {
                    format!("Some(&{})", context.arg)
                };
            }
            ty
        }
        2 => {
            let ty = space.lower_sent(&schema, &format!("{op}Request"));
            match space.struct_fields(&ty) {
                Some(fields) => {
                    context.kind = "multipart";
                    context.parts = fields
                        .iter()
                        .map(|f| PartContext {
                            wire: string_literal(&f.wire),
                            field: f.ident.clone(),
                            optional: matches!(f.ty, Ty::Option(_)),
                            file: *f.ty.without_option() == Ty::Bytes,
                        })
                        .collect();
                    ty.render(MODELS)
                }
                None => {
                    let (ty, is_ref) = borrowed(&ty, space);
                    if !is_ref {
                        context.value = if optional {
                            format!("{}.as_ref()", context.arg)
                        } else {
                            format!("Some(&{})", context.arg)
                        };
                    }
                    ty
                }
            }
        }
        3 => {
            context.kind = "binary";
            "Vec<u8>".to_owned()
        }
        _ => {
            context.kind = "text";
            "String".to_owned()
        }
    };
    Some((context, wrap(ty)))
}

/// The success response: the first 2xx answer decides the kind; differing JSON types fall back
/// to `serde_json::Value`, and a 2xx without content makes the body optional.
fn response(action: &Action, op: &str, space: &mut TypeSpace) -> ResponseContext {
    let successes: Vec<_> = action
        .responses
        .iter()
        .filter(|r| r.status.starts_with('2'))
        .collect();
    let mut json: Vec<Ty> = Vec::new();
    let mut empty = false;
    let mut first_other: Option<&'static str> = None;
    for response in &successes {
        let Some(media) = response.content.iter().min_by_key(|m| media_rank(m)) else {
            empty = true;
            continue;
        };
        match media_rank(media) {
            0 => {
                let schema = media
                    .schema
                    .as_ref()
                    .and_then(|s| serde_json::to_value(s).ok());
                let ty = match schema {
                    Some(schema) => space.lower_received(&schema, &format!("{op}Response")),
                    None => Ty::Value,
                };
                if !json.contains(&ty) {
                    json.push(ty);
                }
            }
            4 if json.is_empty() => {
                first_other.get_or_insert("text");
            }
            _ if json.is_empty() => {
                first_other.get_or_insert("bytes");
            }
            _ => {}
        }
    }
    if let Some(kind) = first_other.filter(|_| json.is_empty()) {
        let ty = if kind == "text" { "String" } else { "Vec<u8>" };
        return ResponseContext {
            kind,
            ty: ty.to_owned(),
        };
    }
    let ty = match json.as_slice() {
        [] => {
            return ResponseContext {
                kind: "unit",
                ty: "()".to_owned(),
            }
        }
        [only] => only.clone(),
        _ => Ty::Value,
    };
    if empty {
        ResponseContext {
            kind: "json_optional",
            ty: ty.optional().render(MODELS),
        }
    } else {
        ResponseContext {
            kind: "json",
            ty: ty.render(MODELS),
        }
    }
}

/// Mark polling triggers' actions with a `poll_*` method name.
pub fn add_polls(connector: &Connector, actions: &mut [ActionContext]) -> Vec<PollingContext> {
    let mut names = NameAllocator::with_reserved(RESERVED_METHODS);
    for action in actions.iter() {
        names.claim(&action.name);
    }
    let mut out = Vec::new();
    for trigger in connector
        .triggers
        .iter()
        .filter(|t| t.kind == TriggerKind::Polling)
    {
        let Some(action) = trigger.action.and_then(|i| actions.get_mut(i)) else {
            continue;
        };
        if !action.poll.is_empty() {
            continue;
        }
        action.poll = names.claim(&format!("poll_{}", action.name));
        out.push(PollingContext {
            method: action.poll.clone(),
            summary: action.summary.clone(),
        });
    }
    out
}

/// Constructors for the spec's security schemes.
pub fn security(connector: &Connector, actions: &[ActionContext]) -> Vec<SecurityContext> {
    let mut names = NameAllocator::with_reserved(RESERVED_METHODS);
    for action in actions {
        names.claim(&action.name);
        if !action.poll.is_empty() {
            names.claim(&action.poll);
        }
    }
    connector
        .security
        .iter()
        .map(|scheme| {
            let (scheme_name, kind, key) = match scheme {
                SecurityScheme::Basic { name } => (name, "basic", String::new()),
                SecurityScheme::Bearer { name } => (name, "bearer", String::new()),
                SecurityScheme::ApiKeyHeader { name, header } => (name, "header", header.clone()),
                SecurityScheme::ApiKeyQuery { name, param } => (name, "query", param.clone()),
            };
            SecurityContext {
                name: names.claim(&format!("with_{}", snake(scheme_name, "auth"))),
                kind,
                key: string_literal(&key),
                scheme: scheme_name.clone(),
            }
        })
        .collect()
}
