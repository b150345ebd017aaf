//! The list operation of a webhook trigger: the `GET` on the subscribe path that answers the
//! API's hooks (GitHub's `GET /repos/{owner}/{repo}/hooks` for `POST …/hooks`). The runtime
//! uses it to find, by callback URL, a hook whose subscribe answer was lost, and remove it.
//!
//! Found only on strong evidence, since the runtime deletes what it matches: the same path,
//! every placeholder filled from the subscribe request, no required query or header parameter,
//! and listed items that carry a field at the very place the subscribe body puts the callback
//! URL.

use super::super::resolve::SchemaRef;
use super::super::unsubscribe::place;
use super::{same_segment, segments, Cx};
use crate::diagnostics::{escape_token, unescape_token};
use crate::model::{Action, HookList, Method, ParameterLocation};
use openapiv3::{SchemaKind, Type};

/// Properties an object answer usually keeps its list in.
const USUAL_ITEMS: [&str; 7] = [
    "value",
    "data",
    "items",
    "hooks",
    "webhooks",
    "subscriptions",
    "results",
];

impl<'a> Cx<'a> {
    /// The list operation of the webhook trigger subscribed by action `index`, whose body
    /// takes the callback URL at `callback_pointer`; `unsubscribe_id` is the unsubscribe
    /// route's id placeholder, which names the listed hooks' id field best.
    pub(super) fn hook_list(
        &self,
        index: usize,
        callback_pointer: Option<&str>,
        unsubscribe_id: Option<&str>,
    ) -> Option<HookList> {
        let callback = callback_pointer.filter(|p| !p.is_empty())?;
        let subscribe = self.actions.get(index)?;
        let path = segments(&subscribe.path);
        self.actions
            .iter()
            .enumerate()
            .filter(|(_, get)| {
                get.method == Method::Get && get.operation_id != subscribe.operation_id
            })
            .filter(|(_, get)| {
                let candidate = segments(&get.path);
                candidate.len() == path.len()
                    && candidate.iter().zip(&path).all(|(a, b)| same_segment(a, b))
            })
            .find_map(|(i, get)| self.list_through(subscribe, i, get, callback, unsubscribe_id))
    }

    fn list_through(
        &self,
        subscribe: &Action,
        index: usize,
        get: &'a Action,
        callback: &str,
        unsubscribe_id: Option<&str>,
    ) -> Option<HookList> {
        let placement = place(subscribe, get);
        if !placement.open.is_empty() || !placement.fixed.is_empty() {
            return None;
        }
        let needs_more = get.parameters.iter().any(|p| {
            p.required
                && matches!(
                    p.location,
                    ParameterLocation::Query | ParameterLocation::Header
                )
        });
        if needs_more {
            return None;
        }
        let answer = SchemaRef::from(self.success_schema(get)?);
        let (items_from, item) = match self.array_items(answer) {
            Some(item) => (None, item),
            None => self
                .properties(answer)
                .into_iter()
                .find_map(|(name, schema)| {
                    let usual = USUAL_ITEMS.iter().any(|u| name.eq_ignore_ascii_case(u));
                    let item = self.array_items(schema).filter(|_| usual)?;
                    Some((Some(format!("/{}", escape_token(name))), item))
                })?,
        };
        if !self.has_path(item, callback) {
            return None;
        }
        let fields = self.properties(item);
        let id_from = self
            .id_among(&fields, unsubscribe_id)
            .map(|name| format!("/{}", escape_token(name)));
        let url_from = (callback != "/url" && fields.iter().any(|(name, _)| *name == "url"))
            .then(|| "/url".to_owned());
        Some(HookList {
            operation_id: get.operation_id.clone(),
            action: index,
            path: get.path.clone(),
            from_subscribe: placement.from_subscribe,
            items_from,
            callback_from: callback.to_owned(),
            id_from,
            url_from,
        })
    }

    /// The item schema of an array schema.
    fn array_items(&self, schema: SchemaRef<'a>) -> Option<SchemaRef<'a>> {
        match &self.resolver.schema(schema)?.schema_kind {
            SchemaKind::Type(Type::Array(array)) => array.items.as_ref().map(SchemaRef::from),
            _ => None,
        }
    }

    /// Whether `schema` declares a property at every token of `pointer`.
    fn has_path(&self, schema: SchemaRef<'a>, pointer: &str) -> bool {
        let mut current = schema;
        for token in pointer.trim_start_matches('/').split('/') {
            let token = unescape_token(token);
            let Some((_, next)) = self
                .properties(current)
                .into_iter()
                .find(|(name, _)| **name == token)
            else {
                return false;
            };
            current = next;
        }
        true
    }
}
