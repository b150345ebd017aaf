//! Polling triggers: a struct of the poll operation's parameters implementing
//! `connector_runtime::PollingTrigger` (the first request, the typed item, single or batch,
//! the interval, the item id and next-page pointers), so the runtime can host it.

use super::triggers::{webhook, TriggerField};
use super::MODELS;
use crate::literals::{doc_lines, string_literal};
use crate::typespace::{Ty, TypeSpace};
use connector_model::names::{pascal, NameAllocator};
use connector_model::{Connector, Trigger, TriggerKind};
use serde::Serialize;
use serde_json::Value;

/// One polling trigger.
#[derive(Debug, Serialize)]
pub struct PollingTriggerContext {
    /// Struct name.
    pub name: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// Rust literal of the operation id (the trigger's stable name).
    pub operation: String,
    /// `x-ms-trigger: batch`.
    pub batch: bool,
    /// The item type (the array element for `batch`).
    pub item: String,
    /// Fields (the poll operation's parameters).
    pub fields: Vec<TriggerField>,
    /// Rust literal of the method.
    pub method: String,
    /// Expression for the path.
    pub path: String,
    /// Query parameters.
    pub query: Vec<super::params::ParamUse>,
    /// Header parameters.
    pub headers: Vec<super::params::ParamUse>,
    /// Expression for the JSON body, or empty for none.
    pub body: String,
    /// The interval in seconds from `x-ms-trigger-metadata`, or 0 for the runtime's default.
    pub interval_secs: u64,
    /// Rust literal of the pointer to an item's id, or empty.
    pub item_id: String,
    /// Rust literal of the pointer to the items array, or empty (the body or its `value`).
    pub items_from: String,
    /// Rust literal of the pointer to the next page's link (`x-ms-pageable`), or empty.
    pub next_link: String,
}

/// Contexts for every polling trigger of `connector`; `openapi` is the normalised document
/// (for the extensions the model does not keep: `x-ms-trigger-metadata`, `x-ms-pageable`).
pub fn polling_triggers(
    connector: &Connector,
    openapi: &Value,
    space: &mut TypeSpace,
) -> Vec<PollingTriggerContext> {
    let mut names = NameAllocator::default();
    connector
        .triggers
        .iter()
        .filter(|t| t.kind == TriggerKind::Polling)
        .filter_map(|trigger| {
            let action = trigger.action.and_then(|i| connector.actions.get(i))?;
            let op = pascal(&trigger.operation_id, "Trigger");
            let name = names.claim(&if op.ends_with("Trigger") {
                op.clone()
            } else {
                format!("{op}Trigger")
            });
            let operation = openapi.pointer(&action.pointer).unwrap_or(&Value::Null);
            let item_schema = item_schema(trigger, space);
            let item = match &item_schema {
                Some(schema) => {
                    let hint = trigger
                        .notification_type
                        .clone()
                        .unwrap_or_else(|| format!("{op}Item"));
                    space.lower(schema, &hint).render(MODELS)
                }
                None => Ty::Value.render(MODELS),
            };
            let request = webhook(connector, trigger, action, name, item, space);
            let pageable = operation.get("x-ms-pageable");
            let next_link = pageable.map(|p| {
                // `nextLinkName: null` turns paging off; absent means the default `nextLink`.
                match p.get("nextLinkName") {
                    Some(Value::String(name)) => pointer_literal(name),
                    Some(_) => String::new(),
                    None => pointer_literal("nextLink"),
                }
            });
            let items_from = pageable
                .and_then(|p| p.get("itemName"))
                .and_then(Value::as_str)
                .filter(|name| *name != "value")
                .map(pointer_literal)
                .unwrap_or_default();
            let mut doc = doc_lines(&[action.summary.as_deref(), action.description.as_deref()]);
            if !doc.is_empty() {
                doc.push(String::new());
            }
            doc.extend(doc_lines(&[Some(&format!(
                "Polling trigger {} ({}): polls {} {}.",
                trigger.operation_id,
                if trigger.batch {
                    "batch: one run per array item"
                } else {
                    "single: one run per answer"
                },
                action.method.as_str(),
                action.path
            ))]));
            Some(PollingTriggerContext {
                name: request.name,
                doc,
                operation: request.operation,
                batch: trigger.batch,
                item: request.notification,
                fields: request.fields,
                method: request.method,
                path: request.path,
                query: request.query,
                headers: request.headers,
                body: request.body,
                interval_secs: interval_secs(operation.get("x-ms-trigger-metadata")),
                item_id: item_schema
                    .filter(|schema| has_id(schema, space))
                    .map(|_| string_literal("/id"))
                    .unwrap_or_default(),
                items_from,
                next_link: next_link.unwrap_or_default(),
            })
        })
        .collect()
}

fn pointer_literal(name: &str) -> String {
    string_literal(&format!("/{}", name.replace('~', "~0").replace('/', "~1")))
}

/// The item's schema: the success schema, or for `batch` its array's items (the answer
/// itself or its `value`).
fn item_schema(trigger: &Trigger, space: &TypeSpace) -> Option<Value> {
    let schema = serde_json::to_value(trigger.notification_schema.as_ref()?).ok()?;
    if !trigger.batch {
        return Some(schema);
    }
    let resolved = space.resolve(&schema)?;
    match resolved.get("type").and_then(Value::as_str) {
        Some("array") => resolved.get("items").cloned(),
        _ => resolved
            .pointer("/properties/value/items")
            .cloned()
            .or(Some(schema)),
    }
}

/// Items with a top-level `id` property are deduplicated by it.
fn has_id(schema: &Value, space: &TypeSpace) -> bool {
    space
        .resolve(schema)
        .is_some_and(|s| s.pointer("/properties/id").is_some())
}

/// `x-ms-trigger-metadata`'s recurrence (`interval` with a `frequency` of `Second`, `Minute`,
/// `Hour` or `Day`; minutes when no frequency is given) in seconds, or 0 for none.
fn interval_secs(metadata: Option<&Value>) -> u64 {
    let Some(metadata) = metadata else {
        return 0;
    };
    let count = match metadata.get("interval") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let unit = match metadata
        .get("frequency")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("second") => 1,
        Some("hour") => 3600,
        Some("day") => 86_400,
        _ => 60,
    };
    count.map(|c| c.saturating_mul(unit)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn intervals_come_from_the_trigger_metadata() {
        assert_eq!(interval_secs(None), 0);
        assert_eq!(interval_secs(Some(&json!({"mode": "polling"}))), 0);
        assert_eq!(interval_secs(Some(&json!({"interval": 5}))), 300);
        assert_eq!(
            interval_secs(Some(&json!({"interval": "30", "frequency": "Second"}))),
            30
        );
        assert_eq!(pointer_literal("odata.nextLink"), "\"/odata.nextLink\"");
    }
}
