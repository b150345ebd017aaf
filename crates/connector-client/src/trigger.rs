//! The contract between generated connector crates and the runtime.
//!
//! Generated code implements [`WebhookTrigger`] for each webhook trigger of a spec; the runtime
//! host calls it to build the subscribe request, and parses each callback body into
//! [`WebhookTrigger::Notification`]. Everything the runtime must *store* (so it can unsubscribe
//! after a restart) is plain data: [`RequestSpec`] and [`UnsubscribeRoute`].

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// An HTTP request described as data, so it can be persisted and retried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RequestSpec {
    /// Upper-case method, e.g. `"POST"`.
    pub method: String,
    /// Absolute URL, or a path starting with `/` relative to the connection's base URL
    /// (already percent-encoded, path parameters substituted).
    pub url: String,
    /// Query parameters, in order (not yet encoded).
    #[serde(default)]
    pub query: Vec<(String, String)>,
    /// Extra request headers (auth is added by the runtime from the [`crate::Auth`] of the connection).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// JSON body, if any.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
}

/// How to remove a subscription when the subscribe answer carried no `Location` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UnsubscribeRoute {
    /// Upper-case method, normally `"DELETE"`.
    pub method: String,
    /// Path relative to the connection base URL, with every parameter substituted except
    /// `{<id_param>}`, e.g. `/repos/octo/hello/hooks/{hook_Id}`.
    pub path: String,
    /// The placeholder the subscription id replaces, e.g. `hook_Id`.
    pub id_param: Option<String>,
    /// JSON pointer into the subscribe response body giving the id, e.g. `/id`. When `None` the
    /// runtime tries `/id`, `/subscriptionId`, `/webhookId`, `/hookId`, `/data/id`.
    pub id_from: Option<String>,
    /// Query parameters to send, in order (not yet encoded), e.g. a required `tenantId`.
    /// Absent in routes stored before it existed: none.
    #[serde(default)]
    pub query: Vec<(String, String)>,
    /// Extra request headers to send (auth is added from the connection).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// A query parameter that takes the subscription id (appended after [`Self::query`]),
    /// for APIs that unsubscribe with `DELETE /unsubscribe?id=…`. Absent in routes stored
    /// before it existed: none.
    #[serde(default)]
    pub id_query: Option<String>,
}

impl UnsubscribeRoute {
    /// Whether the route needs the subscription id from the subscribe answer.
    pub fn needs_id(&self) -> bool {
        self.id_param.is_some() || self.id_query.is_some()
    }
}

/// How to list a trigger's hooks at the API, so a hook whose subscribe answer never reached the
/// store (a crash mid-subscribe, an answer lost in transit) can still be found, by its callback
/// URL, and removed. Only needed when the unsubscribe request depends on the answer (a
/// `Location` header, an id in the body): e.g. GitHub's `GET /repos/{owner}/{repo}/hooks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HookListRoute {
    /// Upper-case method, normally `"GET"`.
    pub method: String,
    /// Path relative to the connection base URL (or an absolute URL), every parameter
    /// substituted, e.g. `/repos/octo/hello/hooks`.
    pub path: String,
    /// Query parameters to send, in order (not yet encoded).
    #[serde(default)]
    pub query: Vec<(String, String)>,
    /// Extra request headers to send (auth is added from the connection).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// JSON pointer to the array of hooks in the answer. When `None`: the answer itself when it
    /// is an array, else the first array among `/value`, `/data`, `/items`, `/hooks`,
    /// `/webhooks`, `/subscriptions`, `/results`.
    #[serde(default)]
    pub items_from: Option<String>,
    /// JSON pointer inside one hook to its callback URL, e.g. `/config/url`.
    pub callback_from: String,
    /// JSON pointer inside one hook to its id, substituted into
    /// [`WebhookTrigger::unsubscribe_route`]. When `None`: `/id` and the usual places.
    #[serde(default)]
    pub id_from: Option<String>,
    /// JSON pointer inside one hook to a URL that removes it with `DELETE` (GitHub's `/url`),
    /// used when no unsubscribe route applies. Only URLs on the list request's origin are
    /// followed, so credentials never leave for another host.
    #[serde(default)]
    pub url_from: Option<String>,
}

/// Error building a subscribe request.
#[derive(Debug, thiserror::Error)]
pub enum TriggerError {
    /// The callback pointer cannot be set in the body (e.g. a scalar stands on the way).
    #[error("cannot place the callback URL at {pointer}: {reason}")]
    CallbackPointer {
        /// The JSON pointer.
        pointer: String,
        /// Why.
        reason: String,
    },
    /// Serialising the subscribe parameters failed.
    #[error("cannot serialise the subscribe body: {0}")]
    Body(#[from] serde_json::Error),
    /// A definition's expression could not be evaluated (e.g. `substring` past the end).
    #[error("cannot evaluate the expression at {pointer}: {reason}")]
    Expression {
        /// JSON pointer of the string in the definition.
        pointer: String,
        /// Why.
        reason: String,
    },
}

/// A webhook trigger as generated code (or a spec-less definition) describes it.
pub trait WebhookTrigger: Send + Sync + 'static {
    /// One notification item: the callback body for `single`, one array element for `batch`.
    type Notification: DeserializeOwned + Send + 'static;

    /// Stable name stored with each subscription (the subscribe operation id).
    fn name(&self) -> &str;

    /// `x-ms-trigger: batch`: the callback body is an array, one handler run per item.
    fn batch(&self) -> bool {
        false
    }

    /// The subscribe request with `callback_url` placed at the callback pointer.
    fn subscribe_request(&self, callback_url: &str) -> Result<RequestSpec, TriggerError>;

    /// The unsubscribe route used when the subscribe answer has no `Location` header.
    fn unsubscribe_route(&self) -> Option<UnsubscribeRoute> {
        None
    }

    /// How to list this trigger's hooks at the API, to find and remove one whose subscribe
    /// answer was lost. Default: none (such a hook is reported as possibly orphaned).
    fn list_route(&self) -> Option<HookListRoute> {
        None
    }

    /// An explicit unsubscribe request, known before subscribing, that takes precedence over
    /// the `Location` header and [`WebhookTrigger::unsubscribe_route`] (spec-less definitions
    /// such as Logic Apps' HTTP Webhook describe it this way). Default: none.
    fn unsubscribe_request(&self, callback_url: &str) -> Option<RequestSpec> {
        let _ = callback_url;
        None
    }
}

/// A webhook nobody subscribes to by request: OpenAPI 3.1 `webhooks`, or 3.0 callbacks whose
/// URL no request carries (a provider configured in its dashboard, like Stripe's). The runtime
/// hosts it at a fixed, signed callback URL that the user registers with the provider by hand:
/// enabling records the subscription and sends nothing, disabling makes the URL answer 410.
/// Notifications are typed, signature-checked and stored as for a [`WebhookTrigger`].
pub trait ReceiveOnlyTrigger: Send + Sync + 'static {
    /// One notification item: the callback body for `single`, one array element for `batch`.
    type Notification: DeserializeOwned + Send + 'static;

    /// Stable name stored with each subscription (the webhook's operation id).
    fn name(&self) -> &str;

    /// The callback body is an array, one handler run per item.
    fn batch(&self) -> bool {
        false
    }
}

/// Set `value` at JSON `pointer` inside `target`, creating intermediate objects.
/// `""` replaces the whole target. Used by generated code to place the callback URL.
pub fn set_pointer(
    target: &mut serde_json::Value,
    pointer: &str,
    value: serde_json::Value,
) -> Result<(), TriggerError> {
    if pointer.is_empty() {
        *target = value;
        return Ok(());
    }
    let fail = |reason: &str| TriggerError::CallbackPointer {
        pointer: pointer.to_owned(),
        reason: reason.to_owned(),
    };
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(fail("a JSON pointer starts with '/'"));
    };
    let tokens: Vec<String> = rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut current = target;
    for (i, token) in tokens.iter().enumerate() {
        if current.is_null() {
            *current = serde_json::Value::Object(serde_json::Map::new());
        }
        let serde_json::Value::Object(map) = current else {
            return Err(fail("a non-object value stands on the path"));
        };
        if i + 1 == tokens.len() {
            map.insert(token.clone(), value);
            return Ok(());
        }
        current = map
            .entry(token.clone())
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    }
    Ok(())
}

/// What a handler receives for each callback (Logic Apps' `{headers, body, statusCode}`).
#[derive(Debug, Clone)]
pub struct Callback<T> {
    /// Request headers of the callback, lower-case names, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The typed body (one item for batch triggers).
    pub body: T,
    /// The status code the runtime answered the sender with (202).
    pub status_code: u16,
}

impl<T> Callback<T> {
    /// First header value by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_pointer_creates_intermediate_objects() {
        let mut body = json!({"events": ["push"]});
        set_pointer(&mut body, "/config/url", json!("https://cb")).unwrap();
        assert_eq!(
            body,
            json!({"events": ["push"], "config": {"url": "https://cb"}})
        );
    }

    #[test]
    fn set_pointer_refuses_scalars_on_the_path() {
        let mut body = json!({"config": 3});
        assert!(set_pointer(&mut body, "/config/url", json!("x")).is_err());
    }
}
