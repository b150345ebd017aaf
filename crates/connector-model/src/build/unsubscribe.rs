//! Filling the path of an unsubscribe DELETE from what the subscribe request knows.
//!
//! A DELETE path often has more placeholders than the subscription id: the parent resource
//! the subscribe path names too (`/repos/{owner}/{repo}/hooks/{hook_id}`), or the kind of
//! event that the subscribe path spells out as a literal segment
//! (`POST /subscriptions/event/dataobject` is undone by
//! `DELETE /subscriptions/{subscriptionId}/event/{type}`). Each placeholder is placed here:
//! taken from a subscribe parameter, fixed by the spec, or left open (the id, ideally alone).

use super::triggers::{fold, is_template, segments};
use crate::model::{
    Action, Parameter, ParameterLocation, UnsubscribeParameter, UnsubscribeValue, Visibility,
};
use serde_json::Value;
use std::collections::BTreeMap;

/// Where the placeholders of a DELETE path get their values.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Placement {
    /// Placeholder → the subscribe parameter giving its value.
    pub from_subscribe: BTreeMap<String, String>,
    /// Placeholder → the text the spec fixes for it.
    pub fixed: BTreeMap<String, String>,
    /// Placeholders with no value, in path order: the subscription id, and any the spec
    /// leaves unexplained.
    pub open: Vec<String>,
    /// Whether the DELETE path lines up with the subscribe path once one open placeholder
    /// segment (the id's) is taken out: a strong sign it removes what the subscribe made.
    pub lines_up: bool,
}

/// Places every placeholder of `delete.path` (see the module docs), in this order of trust:
/// a subscribe parameter of the same name (exact, else case- and separator-insensitive); the
/// default of an internal DELETE parameter; then the segment the placeholder lines up with
/// once one placeholder segment (the id's) is taken out of the DELETE path.
pub(super) fn place(subscribe: &Action, delete: &Action) -> Placement {
    let mut placement = Placement::default();
    let names = placeholders(&delete.path);
    for name in &names {
        if let Some(source) = subscribe_parameter(subscribe, name) {
            placement
                .from_subscribe
                .insert(name.to_string(), source.name.clone());
        } else if let Some(value) = internal_default(delete, name, ParameterLocation::Path) {
            placement.fixed.insert(name.to_string(), value);
        }
    }
    let filled = |name: &str| {
        placement.from_subscribe.contains_key(name) || placement.fixed.contains_key(name)
    };
    let aligned = align(subscribe, &delete.path, &filled);
    placement.lines_up = aligned.is_some();
    for (name, binding) in aligned.unwrap_or_default() {
        match binding {
            Binding::Literal(text) => placement.fixed.insert(name, text),
            Binding::Parameter(source) => placement.from_subscribe.insert(name, source),
        };
    }
    placement.open = names
        .into_iter()
        .filter(|n| !placement.from_subscribe.contains_key(*n) && !placement.fixed.contains_key(*n))
        .map(str::to_string)
        .collect();
    placement
}

/// The query and header parameters of `delete` to send, each with its value: a subscribe
/// parameter of the same name (matched as for placeholders), else the DELETE's own internal
/// default. Required ones nothing gives come second, by name, so the caller can warn.
pub(super) fn query_and_headers(
    subscribe: &Action,
    delete: &Action,
) -> (Vec<UnsubscribeParameter>, Vec<String>) {
    let mut sent = Vec::new();
    let mut unfilled = Vec::new();
    for param in &delete.parameters {
        if !matches!(
            param.location,
            ParameterLocation::Query | ParameterLocation::Header
        ) {
            continue;
        }
        let fixed = internal_default(delete, &param.name, param.location);
        if !param.required && fixed.is_none() {
            continue;
        }
        let value = match (subscribe_parameter(subscribe, &param.name), fixed) {
            (Some(source), _) => UnsubscribeValue::FromSubscribe(source.name.clone()),
            (None, Some(text)) => UnsubscribeValue::Fixed(text),
            (None, None) => {
                unfilled.push(param.name.clone());
                continue;
            }
        };
        sent.push(UnsubscribeParameter {
            name: param.name.clone(),
            location: param.location,
            value,
        });
    }
    (sent, unfilled)
}

/// The placeholder to put the subscription id in, among `open` ones: one whose name contains
/// `id`, then one that also names a field of the subscribe answer, then the last. (The name
/// goes first: answers often echo other path values too, e.g. `eventType`.)
pub(super) fn pick_id<'o>(
    open: &'o [String],
    in_response: &dyn Fn(&str) -> bool,
) -> Option<&'o String> {
    open.iter()
        .enumerate()
        .max_by_key(|(i, name)| (fold(name).contains("id"), in_response(name), *i))
        .map(|(_, name)| name)
}

/// The names between `{` and `}` in a path, in order, each once (as code generation reads
/// them: a segment may hold several, `{owner}.{repo}`).
pub(super) fn placeholders(path: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let name = &rest[open + 1..close];
        if !out.contains(&name) {
            out.push(name);
        }
        rest = &rest[close + 1..];
    }
    out
}

/// How good taking one segment out of a DELETE path is: named like an id, fewest literals
/// fixed, latest.
type RemovalScore = (bool, std::cmp::Reverse<usize>, usize);

/// What an aligned DELETE placeholder takes.
#[derive(Debug, PartialEq, Eq)]
enum Binding {
    /// The literal subscribe segment at its place.
    Literal(String),
    /// The subscribe path parameter at its place.
    Parameter(String),
}

/// Lines the DELETE path up with the subscribe path once one open placeholder segment is
/// taken out: literal segments must match, a DELETE placeholder facing a literal takes it, one
/// facing a subscribe path parameter takes that parameter's value. A DELETE literal facing a
/// subscribe parameter does not line up (the DELETE would only fit one value). When several
/// segments could go, the one named like an id wins, then the one fixing fewest literals, then
/// the last.
fn align(
    subscribe: &Action,
    delete_path: &str,
    filled: &dyn Fn(&str) -> bool,
) -> Option<Vec<(String, Binding)>> {
    let sub = segments(&subscribe.path);
    let del = segments(delete_path);
    if del.len() != sub.len() + 1 {
        return None;
    }
    let mut best: Option<(RemovalScore, Vec<(String, Binding)>)> = None;
    for (skip, segment) in del.iter().enumerate() {
        let Some(removed) = template_name(segment) else {
            continue;
        };
        if filled(removed) {
            continue;
        }
        let rest = del
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, s)| *s);
        let Some(bindings) = bindings(subscribe, rest.zip(sub.iter().copied()), filled) else {
            continue;
        };
        let literals = bindings
            .iter()
            .filter(|(_, b)| matches!(b, Binding::Literal(_)))
            .count();
        let score = (
            fold(removed).contains("id"),
            std::cmp::Reverse(literals),
            skip,
        );
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, bindings));
        }
    }
    best.map(|(_, bindings)| bindings)
}

/// The bindings of DELETE placeholders facing subscribe segments pairwise, or `None` when the
/// pairs do not line up.
fn bindings<'p>(
    subscribe: &Action,
    pairs: impl Iterator<Item = (&'p str, &'p str)>,
    filled: &dyn Fn(&str) -> bool,
) -> Option<Vec<(String, Binding)>> {
    let mut out = Vec::new();
    for (del, sub) in pairs {
        match (template_name(del), template_name(sub)) {
            (None, None) if del.eq_ignore_ascii_case(sub) => {}
            (None, _) => return None,
            (Some(name), _) if filled(name) => {}
            (Some(name), None) if usable_literal(sub) => {
                out.push((name.to_string(), Binding::Literal(sub.to_string())));
            }
            (Some(_), None) => return None,
            (Some(name), Some(sub_name)) => {
                // Undeclared on the subscribe side: nothing to take, so it stays open.
                if let Some(source) = subscribe_parameter(subscribe, sub_name)
                    .filter(|p| p.location == ParameterLocation::Path)
                {
                    out.push((name.to_string(), Binding::Parameter(source.name.clone())));
                }
            }
        }
    }
    Some(out)
}

/// `id` of a whole-segment `{id}`.
fn template_name(segment: &str) -> Option<&str> {
    is_template(segment).then(|| &segment[1..segment.len() - 1])
}

/// Whether a literal subscribe segment can stand as a DELETE parameter value: not a
/// placeholder in another syntax (`:customerId:`, `<id>`, `{a}.{b}`) and not already encoded.
fn usable_literal(segment: &str) -> bool {
    !segment.is_empty() && !segment.starts_with(':') && !segment.contains(['{', '}', '<', '>', '%'])
}

/// A subscribe parameter that can give a value to DELETE placeholder `name`: a path parameter,
/// or a query/header one that is required or internal with a default (an optional one may
/// be absent). Same name first, then the same name up to case and separators.
fn subscribe_parameter<'s>(subscribe: &'s Action, name: &str) -> Option<&'s Parameter> {
    let usable = |p: &&Parameter| match p.location {
        ParameterLocation::Path => true,
        ParameterLocation::Query | ParameterLocation::Header => {
            p.required || (p.visibility == Visibility::Internal && p.default.is_some())
        }
        ParameterLocation::Cookie => false,
    };
    let by_location = |p: &&Parameter| p.location != ParameterLocation::Path;
    let mut candidates: Vec<&Parameter> = subscribe.parameters.iter().filter(usable).collect();
    // Path parameters before query/header ones of the same name.
    candidates.sort_by_key(by_location);
    let folded = fold(name);
    candidates
        .iter()
        .find(|p| p.name == name)
        .or_else(|| candidates.iter().find(|p| fold(&p.name) == folded))
        .copied()
}

/// The default of an internal parameter `name` of the DELETE at `location`, as sent.
fn internal_default(delete: &Action, name: &str, location: ParameterLocation) -> Option<String> {
    let param = delete.parameters.iter().find(|p| {
        p.name == name && p.location == location && p.visibility == Visibility::Internal
    })?;
    match param.default.as_ref()? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Method;
    use openapiv3::ReferenceOr;

    fn param(name: &str, location: ParameterLocation, required: bool) -> Parameter {
        Parameter {
            name: name.to_string(),
            rust_name: name.to_lowercase(),
            location,
            required,
            description: None,
            x_ms_summary: None,
            visibility: Visibility::Normal,
            schema: ReferenceOr::Reference {
                reference: "#/components/schemas/S".to_string(),
            },
            default: None,
            explode: false,
        }
    }

    fn action(method: Method, path: &str, parameters: Vec<Parameter>) -> Action {
        Action {
            operation_id: format!("{} {path}", method.as_str()),
            rust_name: "op".to_string(),
            method,
            path: path.to_string(),
            pointer: String::new(),
            summary: None,
            description: None,
            x_ms_summary: None,
            visibility: Visibility::Normal,
            deprecated: false,
            parameters,
            request_body: None,
            responses: Vec::new(),
        }
    }

    fn path_params(path: &str) -> Vec<Parameter> {
        placeholders(path)
            .into_iter()
            .map(|n| param(n, ParameterLocation::Path, true))
            .collect()
    }

    fn placed(subscribe: &str, delete: &str) -> Placement {
        place(
            &action(Method::Post, subscribe, path_params(subscribe)),
            &action(Method::Delete, delete, path_params(delete)),
        )
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_literal_event_segment_fixes_the_placeholder_it_faces() {
        let p = placed(
            "/v1/subscriptions/event/dataobject",
            "/v1/subscriptions/{subscriptionId}/event/{type}",
        );
        assert_eq!(p.fixed, map(&[("type", "dataobject")]));
        assert!(p.from_subscribe.is_empty());
        assert_eq!(p.open, ["subscriptionId"]);
    }

    #[test]
    fn same_names_come_from_the_subscribe_parameters_and_renamed_ones_by_position() {
        let p = placed(
            "/repos/{owner}/{repo}/hooks",
            "/repos/{owner}/{repo}/hooks/{hook_id}",
        );
        assert_eq!(
            p.from_subscribe,
            map(&[("owner", "owner"), ("repo", "repo")])
        );
        assert_eq!(p.open, ["hook_id"]);
        let p = placed("/teams/{team}/hooks", "/teams/{teamKey}/hooks/{hookId}");
        assert_eq!(p.from_subscribe, map(&[("teamKey", "team")]));
        assert_eq!(p.open, ["hookId"]);
        let p = placed(
            "/account/{AccountId}/callback/-1",
            "/account/{accountId}/callback/{callbackId}",
        );
        assert_eq!(p.from_subscribe, map(&[("accountId", "AccountId")]));
        assert_eq!(p.open, ["callbackId"]);
    }

    #[test]
    fn the_segment_named_like_an_id_is_the_one_taken_out() {
        // Taking out `{kind}` lines up too (`{hookId}` facing `created`), but ids go first.
        let p = placed("/hooks/created", "/hooks/{kind}/{hookId}");
        assert_eq!(p.fixed, map(&[("kind", "created")]));
        assert_eq!(p.open, ["hookId"]);
    }

    #[test]
    fn paths_that_do_not_line_up_leave_their_placeholders_open() {
        let p = placed("/proactiveDialogs", "/proactiveDialogs/{tenantId}/{id}");
        assert_eq!(p.open, ["tenantId", "id"]);
        // A DELETE literal facing a subscribe parameter.
        let p = placed("/hooks/{kind}", "/hooks/web/{id}");
        assert!(p.fixed.is_empty());
        assert_eq!(p.open, ["id"]);
        // A subscribe literal that is a placeholder in another syntax.
        let p = placed(
            "/customer/:customerId:/subscribers",
            "/customer/{customerId}/subscribers/{webhookId}",
        );
        assert!(p.fixed.is_empty());
        assert_eq!(p.open, ["customerId", "webhookId"]);
    }

    #[test]
    fn internal_defaults_and_required_query_parameters_fill_placeholders() {
        let mut version = param("version", ParameterLocation::Path, true);
        version.visibility = Visibility::Internal;
        version.default = Some(Value::from("v2"));
        let delete = action(
            Method::Delete,
            "/{version}/projects/{project}/hooks/{id}",
            vec![
                version,
                param("project", ParameterLocation::Path, true),
                param("id", ParameterLocation::Path, true),
            ],
        );
        let subscribe = action(
            Method::Post,
            "/hooks",
            vec![param("project", ParameterLocation::Query, true)],
        );
        let p = place(&subscribe, &delete);
        assert_eq!(p.fixed, map(&[("version", "v2")]));
        assert_eq!(p.from_subscribe, map(&[("project", "project")]));
        assert_eq!(p.open, ["id"]);
        // An optional query parameter may be absent: no value to count on.
        let optional = action(
            Method::Post,
            "/hooks",
            vec![param("project", ParameterLocation::Query, false)],
        );
        assert_eq!(place(&optional, &delete).open, ["project", "id"]);
    }

    #[test]
    fn the_id_is_named_like_one_then_a_response_field_then_the_last() {
        let open = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let none = |_: &str| false;
        assert_eq!(
            pick_id(&open(&["tenantId", "name"]), &none).map(String::as_str),
            Some("tenantId")
        );
        assert_eq!(
            pick_id(&open(&["tenantId", "hookId"]), &none).map(String::as_str),
            Some("hookId")
        );
        assert_eq!(
            pick_id(&open(&["name", "token"]), &|n| n == "name").map(String::as_str),
            Some("name")
        );
        assert_eq!(
            pick_id(&open(&["eventType", "subscriptionId"]), &|n| n
                == "eventType")
            .map(String::as_str),
            Some("subscriptionId")
        );
        assert_eq!(
            pick_id(&open(&["subscriptionId", "hookId"]), &|n| n
                == "subscriptionId")
            .map(String::as_str),
            Some("subscriptionId")
        );
        assert_eq!(pick_id(&[], &none), None);
    }

    #[test]
    fn placeholders_are_read_inside_segments_once_each() {
        assert_eq!(
            placeholders("/a/{owner}.{repo}/b/{owner}/{id}"),
            ["owner", "repo", "id"]
        );
        assert!(placeholders("/a/{unclosed").is_empty());
    }
}
