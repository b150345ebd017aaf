//! Webhook triggers: a struct of subscribe parameters (minus the callback field the runtime fills
//! in) implementing `connector_client::WebhookTrigger`.

use super::params::{self, field_use, ParamUse};
use super::{one_line, MODELS};
use crate::literals::{doc_lines, string_literal};
use crate::typespace::{Ty, TypeSpace};
use connector_model::names::{pascal, NameAllocator};
use connector_model::{
    Connector, HookList, ParameterLocation, Trigger, TriggerKind, Unsubscribe, UnsubscribeValue,
};
use serde::Serialize;
use serde_json::Value;

/// One webhook trigger with a subscribe operation.
#[derive(Debug, Serialize)]
pub struct TriggerContext {
    /// Struct name.
    pub name: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// One-line summary, for the README.
    pub summary: String,
    /// Rust literal of the operation id (the trigger's stable name).
    pub operation: String,
    /// `x-ms-trigger: batch`.
    pub batch: bool,
    /// The notification item type.
    pub notification: String,
    /// Fields (subscribe parameters).
    pub fields: Vec<TriggerField>,
    /// Rust literal of the subscribe method.
    pub method: String,
    /// Expression for the subscribe path.
    pub path: String,
    /// Query parameters.
    pub query: Vec<ParamUse>,
    /// Header parameters.
    pub headers: Vec<ParamUse>,
    /// Expression for the JSON body before the callback is placed, or empty for no body.
    pub body: String,
    /// Rust literal of the callback pointer, or empty when the spec marks none.
    pub callback_pointer: String,
    /// The unsubscribe route, when the model found one.
    pub unsubscribe: Option<UnsubscribeContext>,
    /// The list route, when the model found one.
    pub list: Option<ListContext>,
}

/// How to build the list route (`WebhookTrigger::list_route`).
#[derive(Debug, Serialize)]
pub struct ListContext {
    /// Expression for the path, every placeholder filled from the subscribe parameters.
    pub path: String,
    /// `Some("...")` / `None` for the pointer to the array in the answer.
    pub items_from: String,
    /// Rust literal of the pointer to a listed hook's callback URL.
    pub callback_from: String,
    /// `Some("...")` / `None` for the pointer to a listed hook's id.
    pub id_from: String,
    /// `Some("...")` / `None` for the pointer to a listed hook's own URL.
    pub url_from: String,
}

/// One field of a trigger struct.
#[derive(Debug, Serialize)]
pub struct TriggerField {
    /// Identifier.
    pub ident: String,
    /// Owned type (`Option` for optional ones).
    pub ty: String,
    /// Whether `new` takes it.
    pub required: bool,
    /// Doc lines.
    pub doc: Vec<String>,
}

/// How to build the unsubscribe route.
#[derive(Debug, Serialize)]
pub struct UnsubscribeContext {
    /// Expression for the path: every placeholder filled but the id's, which stays literal.
    pub path: String,
    /// `Some("...")` / `None` for the id placeholder.
    pub id_param: String,
    /// `Some("...")` / `None` for the id pointer.
    pub id_from: String,
    /// `Some("...")` / `None` for the query parameter taking the id.
    pub id_query: String,
    /// Query parameters of the DELETE, filled like the subscribe request's.
    pub query: Vec<ParamUse>,
    /// Header parameters of the DELETE.
    pub headers: Vec<ParamUse>,
}

/// A webhook with no subscribe operation (3.1 `webhooks`, 3.0 callbacks no request carries):
/// a trigger type implementing `connector_client::ReceiveOnlyTrigger`, and an alias of its
/// notification type.
#[derive(Debug, Serialize)]
pub struct ReceiveOnlyContext {
    /// Type alias name of the notification.
    pub name: String,
    /// The trigger struct's name.
    pub trigger: String,
    /// Rust string literal of the operation id (the name stored with each subscription).
    pub operation_id: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// The notification type.
    pub notification: String,
}

/// Trigger contexts for every webhook trigger of `connector`.
pub fn triggers(
    connector: &Connector,
    space: &mut TypeSpace,
) -> (Vec<TriggerContext>, Vec<ReceiveOnlyContext>) {
    let mut names = NameAllocator::default();
    let mut triggers = Vec::new();
    let mut receive_only = Vec::new();
    for trigger in connector
        .triggers
        .iter()
        .filter(|t| t.kind == TriggerKind::Webhook)
    {
        let op = pascal(&trigger.operation_id, "Trigger");
        let notification = notification(trigger, space, &op);
        match trigger
            .action
            .and_then(|i| connector.actions.get(i).map(|a| (i, a)))
        {
            Some((_, action)) => {
                let name = names.claim(&trigger_type_name(&op));
                triggers.push(webhook(
                    connector,
                    trigger,
                    action,
                    name,
                    notification,
                    space,
                ));
            }
            None => receive_only.push(ReceiveOnlyContext {
                trigger: names.claim(&trigger_type_name(&op)),
                name: names.claim(&format!("{op}Notification")),
                operation_id: string_literal(&trigger.operation_id),
                doc: doc_lines(&[Some(&format!(
                    "Notifications of the {} webhook.",
                    trigger.operation_id
                ))]),
                notification,
            }),
        }
    }
    (triggers, receive_only)
}

/// `NewPet` → `NewPetTrigger`; `OnPushTrigger` stays.
fn trigger_type_name(op: &str) -> String {
    if op.ends_with("Trigger") {
        op.to_owned()
    } else {
        format!("{op}Trigger")
    }
}

fn notification(trigger: &Trigger, space: &mut TypeSpace, op: &str) -> String {
    let Some(schema) = trigger
        .notification_schema
        .as_ref()
        .and_then(|s| serde_json::to_value(s).ok())
    else {
        return Ty::Value.render(MODELS);
    };
    let hint = trigger
        .notification_type
        .clone()
        .unwrap_or_else(|| format!("{op}Notification"));
    let schema = if trigger.batch {
        // One handler run per array item: the notification type is the item.
        match space.resolve(&schema) {
            Some(resolved) if resolved.get("type").and_then(Value::as_str) == Some("array") => {
                resolved.get("items").cloned().unwrap_or(Value::Null)
            }
            _ => schema,
        }
    } else {
        schema
    };
    space.lower_received(&schema, &hint).render(MODELS)
}

/// The trigger struct and its request (a webhook's subscribe request, a polling trigger's
/// poll request).
pub(super) fn webhook(
    connector: &Connector,
    trigger: &Trigger,
    action: &connector_model::Action,
    name: String,
    notification: String,
    space: &mut TypeSpace,
) -> TriggerContext {
    let op = pascal(&trigger.operation_id, "Trigger");
    let lowered = params::lower(action, space, &op);
    let mut idents = NameAllocator::with_reserved(&["self"]);
    let mut fields = Vec::new();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut path_fields: Vec<(String, String)> = Vec::new();
    // Query/header values the struct always has (required fields, fixed ones), by wire name:
    // an unsubscribe path may take them.
    let mut always_known: Vec<(String, String)> = Vec::new();
    // Every subscribe parameter by wire name, as the request uses it: the unsubscribe query
    // and headers take their values the same way.
    let mut uses: Vec<(String, ParamUse)> = Vec::new();
    for l in &lowered {
        if let Some(fixed) = &l.fixed {
            let use_ = field_use(l, "");
            uses.push((l.param.name.clone(), use_.clone()));
            match l.param.location {
                ParameterLocation::Query => query.push(use_),
                ParameterLocation::Header => headers.push(use_),
                _ => {}
            }
            always_known.push((l.param.name.clone(), string_literal(fixed)));
            continue;
        }
        let ident = idents.claim(&l.param.rust_name);
        let ty = if l.param.required {
            l.ty.clone()
        } else {
            l.ty.clone().optional()
        };
        let use_ = field_use(l, &ident);
        uses.push((l.param.name.clone(), use_.clone()));
        if l.param.required && l.param.location != ParameterLocation::Path {
            always_known.push((l.param.name.clone(), use_.value.clone()));
        }
        match l.param.location {
            ParameterLocation::Query => query.push(use_),
            ParameterLocation::Header => headers.push(use_),
            ParameterLocation::Path => path_fields.push((l.param.name.clone(), use_.value)),
            ParameterLocation::Cookie => {}
        }
        fields.push(TriggerField {
            ident,
            ty: ty.render(MODELS),
            required: l.param.required,
            doc: doc_lines(&[
                l.param.description.as_deref(),
                l.param.x_ms_summary.as_deref(),
            ]),
        });
    }
    let pointer = trigger.callback_pointer.clone();
    let body = subscribe_body(
        trigger,
        action,
        &op,
        pointer.as_deref(),
        &mut idents,
        &mut fields,
        space,
    );
    if pointer.is_none() && trigger.kind == TriggerKind::Webhook {
        space.warn(
            &trigger.operation_id,
            "no callback field found; the subscribe body is sent as given",
        );
    }
    let value_of = |wire: &str| {
        params::placeholder_value(&lowered, wire, &|l| {
            path_fields
                .iter()
                .find(|(w, _)| *w == l.param.name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
    };
    let path = params::path_expr(&action.path, None, "crate::client::", &value_of);
    let subscribe_value = |name: &str| {
        value_of(name).or_else(|| {
            always_known
                .iter()
                .find(|(wire, _)| wire == name)
                .map(|(_, value)| value.clone())
        })
    };
    let unsubscribe = trigger
        .unsubscribe
        .as_ref()
        .and_then(|u| unsubscribe(connector, trigger, u, &subscribe_value, &uses, space));
    let list = trigger
        .list
        .as_ref()
        .and_then(|l| list(trigger, l, &subscribe_value, space));
    let mut doc = doc_lines(&[action.summary.as_deref(), action.description.as_deref()]);
    if !doc.is_empty() {
        doc.push(String::new());
    }
    doc.extend(doc_lines(&[Some(&format!(
        "Webhook trigger {} ({}): subscribes with {} {}.",
        trigger.operation_id,
        if trigger.batch {
            "batch: one run per array item"
        } else {
            "single"
        },
        action.method.as_str(),
        action.path
    ))]));
    TriggerContext {
        name,
        doc,
        summary: one_line(action.summary.as_deref().unwrap_or_default()),
        operation: string_literal(&trigger.operation_id),
        batch: trigger.batch,
        notification,
        fields,
        method: string_literal(action.method.as_str()),
        path,
        query,
        headers,
        body,
        callback_pointer: pointer.as_deref().map(string_literal).unwrap_or_default(),
        unsubscribe,
        list,
    }
}

/// The list route with every placeholder filled from the subscribe parameter the model names.
/// `None` (with a warning) if one cannot be filled.
fn list(
    trigger: &Trigger,
    route: &HookList,
    subscribe_value: &dyn Fn(&str) -> Option<String>,
    space: &mut TypeSpace,
) -> Option<ListContext> {
    let value = |wire: &str| {
        route
            .from_subscribe
            .get(wire)
            .and_then(|source| subscribe_value(source))
    };
    let path = filled_path(
        trigger,
        "list",
        &route.path,
        &route.path,
        None,
        &value,
        space,
    )?;
    Some(ListContext {
        path,
        items_from: option_literal(route.items_from.as_deref()),
        callback_from: string_literal(&route.callback_from),
        id_from: option_literal(route.id_from.as_deref()),
        url_from: option_literal(route.url_from.as_deref()),
    })
}

/// Adds the `body` field (callback property removed) and returns the body expression.
fn subscribe_body(
    trigger: &Trigger,
    action: &connector_model::Action,
    op: &str,
    pointer: Option<&str>,
    idents: &mut NameAllocator,
    fields: &mut Vec<TriggerField>,
    space: &mut TypeSpace,
) -> String {
    let null = "serde_json::Value::Null".to_owned();
    let Some(request) = action.request_body.as_ref() else {
        return if pointer.is_some() {
            null
        } else {
            String::new()
        };
    };
    let schema = request
        .content
        .iter()
        .find_map(|m| m.schema.as_ref())
        .and_then(|s| serde_json::to_value(s).ok())
        .unwrap_or(Value::Null);
    let schema = match pointer {
        // The body *is* the callback URL.
        Some("") => return null,
        Some(p) => match space.without_property(&schema, p) {
            Some(stripped) => stripped,
            None => {
                space.warn(
                    &trigger.operation_id,
                    format!("callback field {p} is not a declared property"),
                );
                schema
            }
        },
        None => schema,
    };
    let has_properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    let resolved_object = space
        .resolve(&schema)
        .is_some_and(|s| s.get("properties").is_some());
    if pointer.is_some() && !has_properties && !resolved_object {
        // Nothing left for the user to fill in.
        return null;
    }
    let ty = space.lower_sent(&schema, &format!("{op}Body"));
    let ident = idents.claim("body");
    let (ty, expr) = if request.required {
        (ty, format!("serde_json::to_value(&self.{ident})?"))
    } else {
        (
            ty.optional(),
            format!(
                "match &self.{ident} {{ Some(body) => serde_json::to_value(body)?, None => serde_json::Value::Null }}"
            ),
        )
    };
    fields.push(TriggerField {
        ident,
        ty: ty.render(MODELS),
        required: request.required,
        doc: doc_lines(&[
            request.description.as_deref(),
            Some("The subscribe request body; the callback URL is added by the runtime."),
        ]),
    });
    expr
}

/// The unsubscribe route with every placeholder but the id filled: from the subscribe
/// parameter the model names, or the value it fixes. `None` (with a warning) if one cannot be
/// filled, rather than a route the runtime would send with a literal `{placeholder}`.
fn unsubscribe(
    connector: &Connector,
    trigger: &Trigger,
    route: &Unsubscribe,
    subscribe_value: &dyn Fn(&str) -> Option<String>,
    uses: &[(String, ParamUse)],
    space: &mut TypeSpace,
) -> Option<UnsubscribeContext> {
    let value = |wire: &str| match route.fixed.get(wire) {
        Some(text) => Some(string_literal(text)),
        None => route
            .from_subscribe
            .get(wire)
            .and_then(|source| subscribe_value(source)),
    };
    let path = filled_path(
        trigger,
        "unsubscribe",
        &inline_fixed(route),
        &route.path,
        route.id_param.as_deref(),
        &value,
        space,
    )?;
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut id_query = None;
    for param in &route.parameters {
        let explode = connector
            .actions
            .get(route.action)
            .and_then(|a| a.parameters.iter().find(|p| p.name == param.name))
            .is_some_and(|p| p.explode);
        let use_ = match &param.value {
            UnsubscribeValue::SubscriptionId => {
                // The runtime appends it once the subscribe answer gives the id.
                id_query = Some(param.name.clone());
                continue;
            }
            UnsubscribeValue::Fixed(text) => ParamUse {
                wire: string_literal(&param.name),
                binding: String::new(),
                value: String::new(),
                optional: false,
                explode,
                fixed: string_literal(text),
            },
            UnsubscribeValue::FromSubscribe(source) => {
                match uses.iter().find(|(wire, _)| wire == source) {
                    Some((_, found)) => ParamUse {
                        wire: string_literal(&param.name),
                        explode,
                        ..found.clone()
                    },
                    None => {
                        space.warn(
                            &trigger.operation_id,
                            format!(
                                "unsubscribe {} {} has no subscribe field {source} to take its \
                                 value from: not sent",
                                route.operation_id, param.name
                            ),
                        );
                        continue;
                    }
                }
            }
        };
        match param.location {
            ParameterLocation::Query => query.push(use_),
            ParameterLocation::Header => headers.push(use_),
            ParameterLocation::Path | ParameterLocation::Cookie => {}
        }
    }
    Some(UnsubscribeContext {
        path,
        id_param: option_literal(route.id_param.as_deref()),
        id_from: option_literal(route.id_from.as_deref()),
        id_query: option_literal(id_query.as_deref()),
        query,
        headers,
    })
}

/// The path expression of a `what` route (`template`, shown as `shown` in warnings) with every
/// placeholder filled by `value` except `open` (the id, kept literal for the runtime). `None`,
/// with a warning, if another placeholder stays unfilled: the runtime would send it literally.
fn filled_path(
    trigger: &Trigger,
    what: &str,
    template: &str,
    shown: &str,
    open: Option<&str>,
    value: &dyn Fn(&str) -> Option<String>,
    space: &mut TypeSpace,
) -> Option<String> {
    // `path_expr` takes a `Fn`: the misses are collected through a cell.
    let unfilled = std::cell::RefCell::new(Vec::new());
    let fill = |wire: &str| {
        if open == Some(wire) {
            return None;
        }
        let found = value(wire);
        if found.is_none() {
            unfilled.borrow_mut().push(format!("{{{wire}}}"));
        }
        found
    };
    let path = params::path_expr(template, None, "crate::client::", &fill);
    let unfilled = unfilled.into_inner();
    if unfilled.is_empty() {
        return Some(path);
    }
    space.warn(
        &trigger.operation_id,
        format!(
            "{what} route {shown} leaves {} without a value: not generated",
            unfilled.join(", ")
        ),
    );
    None
}

/// The route's path with the fixed values that need no percent-encoding written in, so the
/// generated path reads like the API's (`/event/dataobject`); others go through `path_value`.
fn inline_fixed(route: &Unsubscribe) -> String {
    let mut path = route.path.clone();
    for (name, value) in &route.fixed {
        let unreserved = !value.is_empty()
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
        if unreserved {
            path = path.replace(&format!("{{{name}}}"), value);
        }
    }
    path
}

fn option_literal(value: Option<&str>) -> String {
    match value {
        Some(v) => format!("Some({}.to_owned())", string_literal(v)),
        None => "None".to_owned(),
    }
}
