//! Triggers: `x-ms-trigger` operations, OpenAPI 3.0 callbacks and 3.1 webhooks.
//!
//! For each webhook trigger two things must be found that specs rarely state outright:
//! the **callback pointer** (where in the subscribe body the callback URL goes) and the
//! **unsubscribe route** (which DELETE removes the subscription, and which field of the
//! subscribe answer carries the id it needs).

mod listing;

use super::resolve::{reference_name, Resolver, SchemaRef};
use super::unsubscribe::{pick_id, place, query_and_headers};
use crate::diagnostics::{child, escape_token, Diagnostics};
use crate::model::{
    Action, HookList, Method, ParameterLocation, Trigger, TriggerKind, Unsubscribe,
    UnsubscribeParameter, UnsubscribeValue,
};
use crate::names::{pascal, snake, NameAllocator};
use crate::normalise::WEBHOOKS_EXTENSION;
use crate::LoadOptions;
use indexmap::IndexMap;
use openapiv3::{OpenAPI, Operation, PathItem, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

/// Deeper than this, schema walks stop (recursive schemas are common).
const MAX_SCHEMA_DEPTH: usize = 24;

/// Every trigger of the document, in action order, then 3.1 webhooks.
pub fn triggers(
    api: &OpenAPI,
    resolver: Resolver<'_>,
    actions: &[Action],
    opts: &LoadOptions,
    diags: &mut Diagnostics,
) -> Vec<Trigger> {
    let cx = Cx {
        resolver,
        actions,
        opts,
    };
    let mut names = NameAllocator::new();
    let mut out = Vec::new();
    for (index, action) in actions.iter().enumerate() {
        let Some((item, op)) = operation_of(api, action) else {
            continue;
        };
        if let Some(marker) = op.extensions.get("x-ms-trigger") {
            out.push(cx.ms_trigger(index, item, op, marker, &mut names, diags));
        }
        for (callback_name, callback) in &op.callbacks {
            for (expression, cb_item) in callback {
                for (method, cb_op) in cb_item.iter() {
                    let at = child(
                        &child(
                            &child(&child(&action.pointer, "callbacks"), callback_name),
                            expression,
                        ),
                        method,
                    );
                    let site = CallbackSite {
                        index,
                        name: callback_name,
                        expression,
                        pointer: at,
                    };
                    out.push(cx.callback_trigger(&site, cb_op, &mut names, diags));
                }
            }
        }
    }
    out.extend(cx.webhooks(api, &mut names, diags));
    out
}

/// A receive-only webhook trigger (see [`Trigger::is_receive_only`]) with this notification
/// schema; the caller names it.
fn receive_only(notification: Option<ReferenceOr<Schema>>) -> Trigger {
    Trigger {
        operation_id: String::new(),
        action: None,
        kind: TriggerKind::Webhook,
        batch: false,
        notification_type: None,
        notification_schema: notification,
        callback_pointer: None,
        unsubscribe: None,
        rust_name: String::new(),
        callback_parameter: None,
        list: None,
    }
}

fn operation_of<'a>(api: &'a OpenAPI, action: &Action) -> Option<(&'a PathItem, &'a Operation)> {
    let item = api.paths.paths.get(&action.path)?.as_item()?;
    let op = match action.method {
        Method::Get => item.get.as_ref(),
        Method::Put => item.put.as_ref(),
        Method::Post => item.post.as_ref(),
        Method::Delete => item.delete.as_ref(),
        Method::Options => item.options.as_ref(),
        Method::Head => item.head.as_ref(),
        Method::Patch => item.patch.as_ref(),
        Method::Trace => item.trace.as_ref(),
    }?;
    Some((item, op))
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Lower-case, without `_`, `-`, `.` or spaces: `callback_url` ≡ `callbackUrl`.
pub(super) fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

struct Cx<'a> {
    resolver: Resolver<'a>,
    actions: &'a [Action],
    opts: &'a LoadOptions,
}

impl<'a> Cx<'a> {
    fn ms_trigger(
        &self,
        index: usize,
        item: &PathItem,
        op: &Operation,
        marker: &Value,
        names: &mut NameAllocator,
        diags: &mut Diagnostics,
    ) -> Trigger {
        let action = &self.actions[index];
        let marker_at = child(&action.pointer, "x-ms-trigger");
        let batch = match marker.as_str().map(str::to_ascii_lowercase).as_deref() {
            Some("batch") => true,
            Some("single") => false,
            _ => {
                diags.warn(
                    marker_at,
                    format!(
                        "x-ms-trigger {marker} is neither `single` nor `batch`: read as single"
                    ),
                );
                false
            }
        };
        let content_key = "x-ms-notification-content";
        let (content, content_at) = match item.extensions.get(content_key) {
            Some(c) => (Some(c), child(&child("/paths", &action.path), content_key)),
            None => (
                op.extensions.get(content_key),
                child(&action.pointer, content_key),
            ),
        };
        let notification = content.and_then(|c| match c.get("schema") {
            Some(schema) => match serde_json::from_value::<ReferenceOr<Schema>>(schema.clone()) {
                Ok(schema) => Some(schema),
                Err(e) => {
                    diags.warn(
                        child(&content_at, "schema"),
                        format!("notification schema unreadable ({e}): ignored"),
                    );
                    None
                }
            },
            None => None,
        });
        let body = self.body_schema(action);
        let marked = body.and_then(|b| self.find_marker(b, String::new(), 0, &mut Vec::new()));
        let callback_parameter = self.marked_parameter(item, op);
        // A GET cannot carry a subscribe body: with notification content but no URL marker it
        // is still the operation the platform polls.
        let is_webhook = marked.is_some()
            || callback_parameter.is_some()
            || (content.is_some() && action.method != Method::Get);
        let rust_name = names.claim(&action.rust_name);
        if !is_webhook {
            let schema = self.success_schema(action).cloned();
            return Trigger {
                operation_id: action.operation_id.clone(),
                action: Some(index),
                kind: TriggerKind::Polling,
                batch,
                notification_type: notification_type(schema.as_ref(), &action.operation_id),
                notification_schema: schema,
                callback_pointer: None,
                unsubscribe: None,
                rust_name,
                callback_parameter: None,
                list: None,
            };
        }
        let callback_pointer =
            self.callback_pointer(action, marked, callback_parameter.is_some(), body, diags);
        let (unsubscribe, list) = self.removal_routes(
            index,
            callback_pointer.as_deref(),
            &callback_parameter,
            diags,
        );
        Trigger {
            operation_id: action.operation_id.clone(),
            action: Some(index),
            kind: TriggerKind::Webhook,
            batch,
            notification_type: notification_type(notification.as_ref(), &action.operation_id),
            notification_schema: notification,
            callback_pointer,
            unsubscribe,
            rust_name,
            callback_parameter,
            list,
        }
    }

    /// The `--callback-field` override, else the marked field, else a field with an obvious name
    /// (with a warning).
    fn callback_pointer(
        &self,
        action: &Action,
        marked: Option<String>,
        has_parameter: bool,
        body: Option<SchemaRef<'a>>,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        if let Some(forced) = self.opts.callback_field() {
            return Some(forced.to_string());
        }
        if marked.is_some() || has_parameter {
            return marked;
        }
        let guessed = body.and_then(|b| self.find_by_name(b));
        match &guessed {
            Some(pointer) => diags.warn(
                &action.pointer,
                format!(
                    "no x-ms-notification-url marker: callback URL assumed at `{pointer}` by its name \
                     (override with --callback-field)"
                ),
            ),
            None => diags.warn(
                &action.pointer,
                "webhook trigger has no x-ms-notification-url field and none with an obvious name \
                 (give one with --callback-field)",
            ),
        }
        guessed
    }

    fn callback_trigger(
        &self,
        site: &CallbackSite<'_>,
        cb_op: &Operation,
        names: &mut NameAllocator,
        diags: &mut Diagnostics,
    ) -> Trigger {
        let CallbackSite {
            index,
            name: callback_name,
            expression,
            pointer: at,
        } = site;
        let index = *index;
        let action = &self.actions[index];
        let notification = self.operation_body(cb_op).cloned();
        let type_seed = cb_op
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{} {callback_name}", action.operation_id));
        // No request field carries the URL (a literal such as `https://example.com/hook`, or a
        // variable of the provider's own): the provider is configured by hand, like a 3.1
        // webhook, and nothing is subscribed.
        if !expression.contains("$request.") && self.opts.callback_field().is_none() {
            return Trigger {
                notification_type: notification_type(notification.as_ref(), &type_seed),
                rust_name: names.claim(&snake(
                    &format!("{} {callback_name}", action.rust_name),
                    "callback",
                )),
                operation_id: cb_op
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| format!("{}.{callback_name}", action.operation_id)),
                ..receive_only(notification)
            };
        }
        let (from_expression, callback_parameter) = parse_callback_expression(expression);
        let callback_pointer = match (self.opts.callback_field(), from_expression) {
            (Some(forced), _) => Some(forced.to_string()),
            (None, Some(pointer)) => Some(pointer),
            (None, None) if callback_parameter.is_some() => None,
            (None, None) => {
                let body = self.body_schema(action);
                let marked =
                    body.and_then(|b| self.find_marker(b, String::new(), 0, &mut Vec::new()));
                let found = self.callback_pointer(action, marked, false, body, diags);
                if found.is_none() {
                    diags.warn(
                        at,
                        format!("callback expression `{expression}` names no request field"),
                    );
                }
                found
            }
        };
        let (unsubscribe, list) = self.removal_routes(
            index,
            callback_pointer.as_deref(),
            &callback_parameter,
            diags,
        );
        Trigger {
            operation_id: action.operation_id.clone(),
            action: Some(index),
            kind: TriggerKind::Webhook,
            batch: false,
            notification_type: notification_type(notification.as_ref(), &type_seed),
            notification_schema: notification,
            callback_pointer,
            unsubscribe,
            rust_name: names.claim(&snake(
                &format!("{} {callback_name}", action.rust_name),
                "callback",
            )),
            callback_parameter,
            list,
        }
    }

    /// 3.1 `webhooks`, kept by the normaliser under `x-webhooks`: pushed by the provider, with
    /// no subscribe operation in the spec.
    fn webhooks(
        &self,
        api: &OpenAPI,
        names: &mut NameAllocator,
        diags: &mut Diagnostics,
    ) -> Vec<Trigger> {
        let Some(value) = api.extensions.get(WEBHOOKS_EXTENSION) else {
            return Vec::new();
        };
        let items: IndexMap<String, PathItem> = match serde_json::from_value(value.clone()) {
            Ok(items) => items,
            Err(e) => {
                diags.warn(
                    child("", WEBHOOKS_EXTENSION),
                    format!("webhooks unreadable ({e}): ignored"),
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (name, item) in &items {
            for (method, op) in item.iter() {
                let operation_id = op
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| snake(&format!("webhook {name} {method}"), "webhook"));
                let notification = self.operation_body(op).cloned();
                out.push(Trigger {
                    notification_type: notification_type(notification.as_ref(), &operation_id),
                    rust_name: names.claim(&snake(&operation_id, "webhook")),
                    operation_id,
                    ..receive_only(notification)
                });
            }
        }
        out
    }

    /// The JSON (or else first) request body schema of an action.
    fn body_schema(&self, action: &'a Action) -> Option<SchemaRef<'a>> {
        let body = action.request_body.as_ref()?;
        let media = body
            .content
            .iter()
            .find(|m| m.media_type.contains("json") && m.schema.is_some())
            .or_else(|| body.content.iter().find(|m| m.schema.is_some()))?;
        media.schema.as_ref().map(SchemaRef::from)
    }

    /// The JSON (or else first) request body schema of a callback or webhook operation.
    fn operation_body(&self, op: &'a Operation) -> Option<&'a ReferenceOr<Schema>> {
        let body = self.resolver.request_body(op.request_body.as_ref()?)?;
        let media = body
            .content
            .iter()
            .find(|(mt, m)| mt.contains("json") && m.schema.is_some())
            .or_else(|| body.content.iter().find(|(_, m)| m.schema.is_some()))?;
        media.1.schema.as_ref()
    }

    /// The schema of the first success response that has one (else `default`'s).
    fn success_schema(&self, action: &'a Action) -> Option<&'a ReferenceOr<Schema>> {
        let with_schema = |status_ok: &dyn Fn(&str) -> bool| {
            action
                .responses
                .iter()
                .filter(|r| status_ok(&r.status))
                .find_map(|r| {
                    r.content
                        .iter()
                        .find(|m| m.media_type.contains("json") && m.schema.is_some())
                        .or_else(|| r.content.iter().find(|m| m.schema.is_some()))
                        .and_then(|m| m.schema.as_ref())
                })
        };
        with_schema(&|s| s.starts_with('2')).or_else(|| with_schema(&|s| s == "default"))
    }

    /// A non-body parameter marked `x-ms-notification-url`.
    fn marked_parameter(&self, item: &PathItem, op: &Operation) -> Option<String> {
        item.parameters
            .iter()
            .chain(op.parameters.iter())
            .filter_map(|p| self.resolver.parameter(p))
            .map(|p| p.parameter_data_ref())
            .find(|d| truthy(d.extensions.get("x-ms-notification-url")))
            .map(|d| d.name.clone())
    }

    /// The pointer (relative to the body) of the property marked `x-ms-notification-url: true`,
    /// looking through `$ref`s and `allOf`/`anyOf`/`oneOf`.
    fn find_marker(
        &self,
        schema: SchemaRef<'a>,
        prefix: String,
        depth: usize,
        visiting: &mut Vec<&'a str>,
    ) -> Option<String> {
        if depth > MAX_SCHEMA_DEPTH {
            return None;
        }
        let schema = match schema {
            SchemaRef::Reference(r) => {
                if visiting.contains(&r) {
                    return None;
                }
                visiting.push(r);
                let found = self.resolver.schema(SchemaRef::Reference(r)).and_then(|s| {
                    self.find_marker(SchemaRef::Item(s), prefix, depth + 1, visiting)
                });
                visiting.pop();
                return found;
            }
            SchemaRef::Item(s) => s,
        };
        if truthy(schema.schema_data.extensions.get("x-ms-notification-url")) {
            return Some(prefix);
        }
        for (name, property) in direct_properties(schema) {
            let path = format!("{prefix}/{}", escape_token(name));
            if let Some(found) = self.find_marker(property, path, depth + 1, visiting) {
                return Some(found);
            }
        }
        for part in composed(schema) {
            if let Some(found) = self.find_marker(part, prefix.clone(), depth + 1, visiting) {
                return Some(found);
            }
        }
        None
    }

    /// Properties of a schema with `$ref`s resolved and `allOf` (and friends) merged, in order.
    fn properties(&self, schema: SchemaRef<'a>) -> Vec<(&'a str, SchemaRef<'a>)> {
        let mut out = Vec::new();
        let mut stack = vec![(schema, 0usize)];
        while let Some((schema, depth)) = stack.pop() {
            if depth > MAX_SCHEMA_DEPTH || out.len() > 1000 {
                break;
            }
            let Some(schema) = self.resolver.schema(schema) else {
                continue;
            };
            out.extend(direct_properties(schema));
            // Reverse so that the first `allOf` part is visited first.
            for part in composed(schema).into_iter().rev() {
                stack.push((part, depth + 1));
            }
        }
        out
    }

    /// A field with an obvious callback name: `callbackUrl`, `notificationUrl`, `webhookUrl`, ...;
    /// `url` inside a `config`/`webhook` object; a top-level `url` last.
    fn find_by_name(&self, body: SchemaRef<'a>) -> Option<String> {
        const DIRECT: [&str; 15] = [
            "callbackurl",
            "notificationurl",
            "webhookurl",
            "callbackuri",
            "notificationuri",
            "webhookuri",
            "hookurl",
            "notifyurl",
            "targeturl",
            "deliveryurl",
            "postbackurl",
            "endpointurl",
            "callbackaddress",
            "webhookaddress",
            "callback",
        ];
        const CONTAINERS: [&str; 9] = [
            "config",
            "configuration",
            "webhook",
            "hook",
            "subscription",
            "notification",
            "callback",
            "target",
            "delivery",
        ];
        const INNER: [&str; 5] = ["url", "uri", "callbackurl", "address", "endpoint"];
        const LAST: [&str; 3] = ["url", "uri", "endpoint"];
        let top = self.properties(body);
        let pointer = |names: &[&str]| {
            names
                .iter()
                .map(|n| format!("/{}", escape_token(n)))
                .collect::<String>()
        };
        for wanted in DIRECT {
            if let Some((name, _)) = top.iter().find(|(n, _)| fold(n) == wanted) {
                return Some(pointer(&[name]));
            }
        }
        for (name, schema) in &top {
            if CONTAINERS.contains(&fold(name).as_str()) {
                let inner = self.properties(*schema);
                for wanted in INNER {
                    if let Some((inner_name, _)) = inner.iter().find(|(n, _)| fold(n) == wanted) {
                        return Some(pointer(&[name, inner_name]));
                    }
                }
            }
        }
        for wanted in LAST {
            if let Some((name, _)) = top.iter().find(|(n, _)| fold(n) == wanted) {
                return Some(pointer(&[name]));
            }
        }
        None
    }

    /// How a subscription made by action `index` is removed: its unsubscribe route, and the
    /// operation listing the hooks (only for a callback URL in the body, where listed hooks
    /// carry it too).
    fn removal_routes(
        &self,
        index: usize,
        callback_pointer: Option<&str>,
        callback_parameter: &Option<String>,
        diags: &mut Diagnostics,
    ) -> (Option<Unsubscribe>, Option<HookList>) {
        let unsubscribe = self.unsubscribe(index, diags);
        let list = match callback_parameter {
            None => self.hook_list(
                index,
                callback_pointer,
                unsubscribe.as_ref().and_then(|u| u.id_param.as_deref()),
            ),
            Some(_) => None,
        };
        (unsubscribe, list)
    }

    /// The DELETE that removes a subscription made by action `index`, the best by
    /// [`delete_score`]; else Power Platform's idiom `DELETE /{Location}` (the subscription
    /// URL itself).
    fn unsubscribe(&self, index: usize, diags: &mut Diagnostics) -> Option<Unsubscribe> {
        let subscribe = &self.actions[index];
        let mut best: Option<(DeleteScore, (usize, &Action))> = None;
        for (i, delete) in self.actions.iter().enumerate() {
            if delete.method != Method::Delete {
                continue;
            }
            let Some(score) = delete_score(subscribe, delete) else {
                continue;
            };
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, (i, delete)));
            }
        }
        let by_location = || {
            self.actions
                .iter()
                .enumerate()
                .filter(|(_, a)| a.method == Method::Delete)
                .find(|(_, d)| matches!(segments(&d.path).as_slice(), [only] if is_template(only)))
        };
        let found = match best {
            Some((_, found)) => found,
            None => by_location()?,
        };
        self.unsubscribe_route(index, found, diags)
    }

    /// The route through `delete`: each placeholder of its path filled from the subscribe
    /// request or fixed by the spec, except the one for the subscription id (see
    /// [`place`]). `None`, with a warning at the DELETE, when another placeholder would stay
    /// open: the runtime would send it literally.
    fn unsubscribe_route(
        &self,
        index: usize,
        (delete_index, delete): (usize, &Action),
        diags: &mut Diagnostics,
    ) -> Option<Unsubscribe> {
        let subscribe = &self.actions[index];
        let placement = place(subscribe, delete);
        let response = self.success_schema(subscribe).map(SchemaRef::from);
        let in_response = |name: &str| response.is_some_and(|r| self.has_field(r, name));
        let id_param = pick_id(&placement.open, &in_response).cloned();
        let unfilled: Vec<String> = placement
            .open
            .iter()
            .filter(|n| Some(*n) != id_param.as_ref())
            .map(|n| format!("{{{n}}}"))
            .collect();
        if !unfilled.is_empty() {
            diags.warn(
                &delete.pointer,
                format!(
                    "{} cannot unsubscribe trigger {}: nothing in the subscribe request gives {} \
                     (only the subscription id {} may be left to the answer); no unsubscribe route",
                    delete.operation_id,
                    subscribe.operation_id,
                    unfilled.join(", "),
                    id_param
                        .as_deref()
                        .map(|i| format!("{{{i}}}"))
                        .unwrap_or_default(),
                ),
            );
            return None;
        }
        let (mut parameters, mut unfilled) = query_and_headers(subscribe, delete);
        // No path placeholder for the id: a required query parameter named like one takes it.
        let id_query = match &id_param {
            None => {
                let queries: Vec<String> = unfilled
                    .iter()
                    .filter(|name| {
                        delete
                            .parameters
                            .iter()
                            .any(|p| &p.name == *name && p.location == ParameterLocation::Query)
                    })
                    .cloned()
                    .collect();
                pick_id(&queries, &in_response)
                    .filter(|name| fold(name).contains("id"))
                    .cloned()
            }
            Some(_) => None,
        };
        if let Some(name) = &id_query {
            unfilled.retain(|n| n != name);
            let at = delete
                .parameters
                .iter()
                .filter(|p| {
                    matches!(
                        p.location,
                        ParameterLocation::Query | ParameterLocation::Header
                    )
                })
                .take_while(|p| &p.name != name)
                .filter(|p| parameters.iter().any(|sent| sent.name == p.name))
                .count();
            parameters.insert(
                at,
                UnsubscribeParameter {
                    name: name.clone(),
                    location: ParameterLocation::Query,
                    value: UnsubscribeValue::SubscriptionId,
                },
            );
        }
        if !unfilled.is_empty() {
            diags.warn(
                &delete.pointer,
                format!(
                    "{} unsubscribes trigger {} without its required {}: nothing in the subscribe \
                     request gives a value",
                    delete.operation_id,
                    subscribe.operation_id,
                    unfilled.join(", "),
                ),
            );
        }
        let id_from =
            response.and_then(|r| self.id_field(r, id_param.as_deref().or(id_query.as_deref())));
        Some(Unsubscribe {
            operation_id: delete.operation_id.clone(),
            action: delete_index,
            path: delete.path.clone(),
            id_param,
            id_from,
            from_subscribe: placement.from_subscribe,
            fixed: placement.fixed,
            parameters,
        })
    }

    /// Whether the subscribe answer has a field named like `name` (up to case and separators),
    /// at the top level or one object down, where [`Cx::id_field`] looks.
    fn has_field(&self, schema: SchemaRef<'a>, name: &str) -> bool {
        let wanted = fold(name);
        let top = self.properties(schema);
        top.iter().any(|(n, _)| fold(n) == wanted)
            || top.iter().any(|(_, inner)| {
                self.properties(*inner)
                    .iter()
                    .any(|(n, _)| fold(n) == wanted)
            })
    }

    /// The field of the subscribe answer that carries the subscription id: one named like the
    /// DELETE's path parameter, else `id`, else an `…Id`; looked for at the top level, then one
    /// object level down.
    fn id_field(&self, schema: SchemaRef<'a>, id_param: Option<&str>) -> Option<String> {
        let top = self.properties(schema);
        if let Some(name) = self.id_among(&top, id_param) {
            return Some(format!("/{}", escape_token(name)));
        }
        for (outer, inner) in &top {
            let nested = self.properties(*inner);
            if let Some(name) = self.id_among(&nested, id_param) {
                return Some(format!("/{}/{}", escape_token(outer), escape_token(name)));
            }
        }
        None
    }

    fn id_among(
        &self,
        props: &[(&'a str, SchemaRef<'a>)],
        id_param: Option<&str>,
    ) -> Option<&'a str> {
        if let Some(param) = id_param {
            let param = fold(param);
            if let Some((name, _)) = props.iter().find(|(n, _)| fold(n) == param) {
                return Some(name);
            }
        }
        if let Some((name, _)) = props.iter().find(|(n, _)| n.eq_ignore_ascii_case("id")) {
            return Some(name);
        }
        props
            .iter()
            .find(|(n, s)| {
                let folded = fold(n);
                folded.len() > 2 && folded.ends_with("id") && self.is_scalar(*s)
            })
            .map(|(n, _)| *n)
    }

    fn is_scalar(&self, schema: SchemaRef<'a>) -> bool {
        match self.resolver.schema(schema).map(|s| &s.schema_kind) {
            Some(SchemaKind::Type(Type::String(_) | Type::Integer(_) | Type::Number(_))) => true,
            Some(SchemaKind::Any(a)) => a
                .typ
                .as_deref()
                .is_none_or(|t| t == "string" || t == "integer"),
            _ => false,
        }
    }
}

/// How likely a DELETE removes what a subscribe made: its [`DeleteKind`], then shared
/// leading path segments, ends in a `{param}`, then closeness in length.
type DeleteScore = (DeleteKind, usize, bool, std::cmp::Reverse<usize>);

/// Why a DELETE is a candidate for unsubscribing, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum DeleteKind {
    /// Its path, operationId or summary speaks of hooks, subscriptions or callbacks.
    Named,
    /// The subscribe path with its last segment a `{param}`: a sibling, as
    /// `DELETE /triggers/{triggerId}` is of `POST /triggers/task-state-changed`.
    Sibling,
    /// Its path lines up with the subscribe path once one open `{param}` segment is out.
    LinesUp,
    /// The subscribe path plus one `{param}` segment.
    SamePathPlusId,
}

/// Words that mark an operation about webhook subscriptions (lower case; `hook` covers
/// `webhook`, `subscri` covers `subscribe`, `subscription`, `unsubscribe`).
const HOOK_WORDS: [&str; 4] = ["hook", "subscri", "callback", "notification"];

/// The score of `delete` as the unsubscribe of `subscribe`, or `None` when nothing ties it to
/// subscriptions: an unrelated DELETE sharing only the first segment (`/api/Cart/{token}`
/// for `/api/webhook/register/…`) would be sent with someone else's id.
fn delete_score(subscribe: &Action, delete: &Action) -> Option<DeleteScore> {
    let sub = segments(&subscribe.path);
    let del = segments(&delete.path);
    let kind = if del.len() == sub.len() + 1
        && common_prefix(&sub, &del) == sub.len()
        && del.last().is_some_and(|s| is_template(s))
    {
        DeleteKind::SamePathPlusId
    } else if place(subscribe, delete).lines_up {
        DeleteKind::LinesUp
    } else if del.len() == sub.len()
        && common_prefix(&sub, &del) + 1 == sub.len()
        && del.last().is_some_and(|s| is_template(s))
        && sub.last().is_some_and(|s| !is_template(s))
    {
        DeleteKind::Sibling
    } else if mentions_hooks(delete) {
        DeleteKind::Named
    } else {
        return None;
    };
    Some((
        kind,
        common_prefix(&sub, &del),
        del.last().is_some_and(|s| is_template(s)),
        std::cmp::Reverse(del.len().abs_diff(sub.len())),
    ))
}

/// Whether the path, operationId or summary of `action` names hooks or subscriptions.
fn mentions_hooks(action: &Action) -> bool {
    [
        Some(action.path.as_str()),
        Some(action.operation_id.as_str()),
        action.summary.as_deref(),
    ]
    .into_iter()
    .flatten()
    .any(|text| {
        let text = text.to_ascii_lowercase();
        HOOK_WORDS.iter().any(|w| text.contains(w))
    })
}

/// Where a 3.0 callback sits: its operation's action, name and URL expression.
struct CallbackSite<'s> {
    index: usize,
    name: &'s str,
    expression: &'s str,
    pointer: String,
}

/// Properties declared directly on a schema (object or untyped).
fn direct_properties(schema: &Schema) -> Vec<(&str, SchemaRef<'_>)> {
    let props = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => &o.properties,
        SchemaKind::Any(a) => &a.properties,
        _ => return Vec::new(),
    };
    props
        .iter()
        .map(|(n, s)| (n.as_str(), SchemaRef::from(s)))
        .collect()
}

/// The parts of `allOf`/`anyOf`/`oneOf`.
fn composed(schema: &Schema) -> Vec<SchemaRef<'_>> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of: parts }
        | SchemaKind::AnyOf { any_of: parts }
        | SchemaKind::OneOf { one_of: parts } => parts.iter().map(SchemaRef::from).collect(),
        SchemaKind::Any(a) => a
            .all_of
            .iter()
            .chain(a.any_of.iter())
            .chain(a.one_of.iter())
            .map(SchemaRef::from)
            .collect(),
        _ => Vec::new(),
    }
}

/// `$ref` name of the schema, else `<OperationId>Notification`; `None` without a schema.
fn notification_type(schema: Option<&ReferenceOr<Schema>>, operation_id: &str) -> Option<String> {
    match schema? {
        ReferenceOr::Reference { reference } => reference_name(reference)
            .map(|n| pascal(&n, "Notification"))
            .or_else(|| Some(format!("{}Notification", pascal(operation_id, "Trigger")))),
        ReferenceOr::Item(_) => Some(format!("{}Notification", pascal(operation_id, "Trigger"))),
    }
}

/// `{$request.body#/callbackUrl}` → pointer `/callbackUrl`; `{$request.query.url}` → parameter.
fn parse_callback_expression(expression: &str) -> (Option<String>, Option<String>) {
    let until_brace = |s: &str| s.split('}').next().unwrap_or_default().to_string();
    if let Some(i) = expression.find("$request.body#") {
        let rest = &expression[i + "$request.body#".len()..];
        return (Some(until_brace(rest)), None);
    }
    for prefix in ["$request.query.", "$request.header."] {
        if let Some(i) = expression.find(prefix) {
            return (None, Some(until_brace(&expression[i + prefix.len()..])));
        }
    }
    (None, None)
}

pub(super) fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

pub(super) fn is_template(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

fn same_segment(a: &str, b: &str) -> bool {
    (is_template(a) && is_template(b)) || a.eq_ignore_ascii_case(b)
}

fn common_prefix(a: &[&str], b: &[&str]) -> usize {
    a.iter()
        .zip(b)
        .take_while(|(x, y)| same_segment(x, y))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_expressions() {
        assert_eq!(
            parse_callback_expression("{$request.body#/callbackUrl}"),
            (Some("/callbackUrl".into()), None)
        );
        assert_eq!(
            parse_callback_expression("{$request.query.hook}?x=1"),
            (None, Some("hook".into()))
        );
        assert_eq!(
            parse_callback_expression("https://example.com"),
            (None, None)
        );
    }

    #[test]
    fn folding_ignores_case_and_separators() {
        assert_eq!(fold("callback_Url"), "callbackurl");
        assert_eq!(fold("hook-id"), "hookid");
    }
}
