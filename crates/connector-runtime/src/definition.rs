//! Webhooks without a spec, like Logic Apps' HTTP Webhook trigger and action:
//!
//! ```json
//! {"type": "HttpWebhook",
//!  "inputs": {
//!    "subscribe":   {"method": "POST", "uri": "https://api/subscribe",
//!                    "body": {"callback": "@listCallbackUrl()"},
//!                    "authentication": {"type": "Basic", "username": "u", "password": "p"}},
//!    "unsubscribe": {"method": "POST", "uri": "https://api/unsubscribe",
//!                    "body": {"callback": "@{listCallbackUrl()}"}}}}
//! ```
//!
//! `@listCallbackUrl()` (a whole string) and `@{listCallbackUrl()}` (inside a string) in the
//! subscribe URI, header values or body become the callback URL, verbatim as in Logic Apps;
//! `@{encodeUriComponent(listCallbackUrl())}` (and the whole-string
//! `@encodeUriComponent(listCallbackUrl())`) become it percent-encoded, for a callback URL
//! inside another URL's query. The unsubscribe request is
//! sent as written (it may use the same expressions), with the tracking headers added.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::registry::Connection;
use crate::{Auth, HookListRoute, RequestSpec, TriggerError, WebhookTrigger};

/// The expression that stands for the callback URL.
const WHOLE_EXPRESSION: &str = "@listCallbackUrl()";
const INTERPOLATION: &str = "@{listCallbackUrl()}";
const ENCODED_WHOLE_EXPRESSION: &str = "@encodeUriComponent(listCallbackUrl())";
const ENCODED_INTERPOLATION: &str = "@{encodeUriComponent(listCallbackUrl())}";

/// Percent-encode like JavaScript's (and Logic Apps') `encodeURIComponent`: everything but
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
fn encode_uri_component(text: &str) -> String {
    crate::lifecycle::percent_encode(text, b"-_.!~*'()")
}

/// Default trigger name of a definition (change it with [`HttpWebhookDefinition::with_name`]).
pub const DEFAULT_NAME: &str = "HttpWebhook";

/// A Logic Apps style `HttpWebhook` definition; usable as a trigger and as an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpWebhookDefinition {
    /// Always `HttpWebhook`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The subscribe and unsubscribe requests.
    pub inputs: HttpWebhookInputs,
    /// The trigger name subscriptions are stored under (not part of the Logic Apps shape).
    #[serde(skip, default = "default_name")]
    name: String,
    /// How to list the API's hooks (not part of the Logic Apps shape): see
    /// [`HttpWebhookDefinition::with_list_route`].
    #[serde(skip)]
    list: Option<HookListRoute>,
}

fn default_name() -> String {
    DEFAULT_NAME.to_owned()
}

/// `inputs` of an `HttpWebhook` definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpWebhookInputs {
    /// How to subscribe.
    pub subscribe: WebhookRequest,
    /// How to unsubscribe; without it the `Location` header of the subscribe answer is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe: Option<WebhookRequest>,
}

/// One request of a definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookRequest {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Absolute URL (`url` is accepted as well).
    #[serde(alias = "url")]
    pub uri: String,
    /// Extra headers; non-string values are sent as their JSON text.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub headers: serde_json::Map<String, Value>,
    /// JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Outbound authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication: Option<WebhookAuthentication>,
}

/// Outbound authentication of a definition request.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum WebhookAuthentication {
    /// HTTP basic.
    #[serde(alias = "basic")]
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
    /// A raw header value, sent as `Authorization` unless `header` names another header.
    #[serde(alias = "raw")]
    Raw {
        /// The header value.
        value: String,
        /// Header name (default `Authorization`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        header: Option<String>,
    },
    /// `Authorization: Bearer <token>`.
    #[serde(alias = "bearer")]
    Bearer {
        /// The token.
        token: String,
    },
}

impl std::fmt::Debug for WebhookAuthentication {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.to_auth())
    }
}

impl WebhookAuthentication {
    /// As the runtime's [`Auth`].
    pub fn to_auth(&self) -> Auth {
        match self {
            WebhookAuthentication::Basic { username, password } => Auth::Basic {
                username: username.clone(),
                password: password.clone(),
            },
            WebhookAuthentication::Raw { value, header } => Auth::Header {
                name: header.clone().unwrap_or_else(|| "Authorization".to_owned()),
                value: value.clone(),
            },
            WebhookAuthentication::Bearer { token } => Auth::Bearer {
                token: token.clone(),
            },
        }
    }
}

/// A definition that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DefinitionError {
    /// Not valid JSON, or not the expected shape.
    #[error("invalid HttpWebhook definition: {0}")]
    Json(#[from] serde_json::Error),
    /// `type` is not `HttpWebhook`.
    #[error("expected type HttpWebhook, found {0:?}")]
    WrongType(String),
    /// A request URI is not an absolute http(s) URL.
    #[error("{which} uri must be an absolute http(s) URL, found {uri:?}")]
    RelativeUri {
        /// `subscribe` or `unsubscribe`.
        which: &'static str,
        /// The URI as written.
        uri: String,
    },
}

/// Replace the callback URL expressions inside one string.
fn substitute_text(text: &str, callback_url: &str) -> String {
    match text.trim() {
        WHOLE_EXPRESSION => return callback_url.to_owned(),
        ENCODED_WHOLE_EXPRESSION => return encode_uri_component(callback_url),
        _ => {}
    }
    let text = text.replace(INTERPOLATION, callback_url);
    if text.contains(ENCODED_INTERPOLATION) {
        text.replace(ENCODED_INTERPOLATION, &encode_uri_component(callback_url))
    } else {
        text
    }
}

/// Replace the callback URL expressions everywhere inside a JSON value.
fn substitute_value(value: &Value, callback_url: &str) -> Value {
    match value {
        Value::String(text) => Value::String(substitute_text(text, callback_url)),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| substitute_value(item, callback_url))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), substitute_value(v, callback_url)))
                .collect(),
        ),
        other => other.clone(),
    }
}

impl WebhookRequest {
    /// This request as a [`RequestSpec`] with the callback URL in place. Auth is not included:
    /// it travels in the [`Connection`] so it never reaches the store.
    pub fn to_request(&self, callback_url: &str) -> RequestSpec {
        let headers = self
            .headers
            .iter()
            .map(|(name, value)| {
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (name.clone(), substitute_text(&text, callback_url))
            })
            .collect();
        RequestSpec {
            method: self.method.to_ascii_uppercase(),
            url: substitute_text(&self.uri, callback_url),
            query: Vec::new(),
            headers,
            body: self
                .body
                .as_ref()
                .map(|b| substitute_value(b, callback_url)),
        }
    }
}

impl HttpWebhookDefinition {
    /// Parse and check a definition.
    pub fn from_json(text: &str) -> Result<Self, DefinitionError> {
        let definition: HttpWebhookDefinition = serde_json::from_str(text)?;
        definition.validate()?;
        Ok(definition)
    }

    /// Parse and check a definition from a JSON value.
    pub fn from_value(value: Value) -> Result<Self, DefinitionError> {
        let definition: HttpWebhookDefinition = serde_json::from_value(value)?;
        definition.validate()?;
        Ok(definition)
    }

    fn validate(&self) -> Result<(), DefinitionError> {
        if !self.kind.eq_ignore_ascii_case("HttpWebhook") {
            return Err(DefinitionError::WrongType(self.kind.clone()));
        }
        let absolute = |uri: &str| {
            // The URI may itself be the callback expression's neighbour; check the scheme only.
            let lower = uri.trim_start().to_ascii_lowercase();
            lower.starts_with("http://") || lower.starts_with("https://")
        };
        if !absolute(&self.inputs.subscribe.uri) {
            return Err(DefinitionError::RelativeUri {
                which: "subscribe",
                uri: self.inputs.subscribe.uri.clone(),
            });
        }
        if let Some(unsubscribe) = &self.inputs.unsubscribe {
            if !absolute(&unsubscribe.uri) {
                return Err(DefinitionError::RelativeUri {
                    which: "unsubscribe",
                    uri: unsubscribe.uri.clone(),
                });
            }
        }
        Ok(())
    }

    /// Store subscriptions under `name` (default `HttpWebhook`); give each definition its own
    /// name when a host runs several.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// How to list the API's hooks, for a definition without `unsubscribe` whose subscribe
    /// answer carries the `Location`: a hook whose answer was lost (a crash mid-subscribe) is
    /// then found by its callback URL and removed instead of being orphaned. The route's path
    /// may be an absolute URL, like the definition's URIs.
    pub fn with_list_route(mut self, route: HookListRoute) -> Self {
        self.list = Some(route);
        self
    }

    /// The connection to register: the definition's URIs are absolute, so only the
    /// subscribe and unsubscribe authentication matter.
    pub fn connection(&self) -> Connection {
        let auth = self
            .inputs
            .subscribe
            .authentication
            .as_ref()
            .map(WebhookAuthentication::to_auth)
            .unwrap_or_default();
        let mut connection = Connection::new("", auth);
        if let Some(unsubscribe_auth) = self
            .inputs
            .unsubscribe
            .as_ref()
            .and_then(|u| u.authentication.as_ref())
        {
            connection = connection.with_unsubscribe_auth(unsubscribe_auth.to_auth());
        }
        connection
    }
}

impl WebhookTrigger for HttpWebhookDefinition {
    type Notification = Value;

    fn name(&self) -> &str {
        &self.name
    }

    fn subscribe_request(&self, callback_url: &str) -> Result<RequestSpec, TriggerError> {
        Ok(self.inputs.subscribe.to_request(callback_url))
    }

    fn list_route(&self) -> Option<HookListRoute> {
        self.list.clone()
    }

    fn unsubscribe_request(&self, callback_url: &str) -> Option<RequestSpec> {
        self.inputs
            .unsubscribe
            .as_ref()
            .map(|u| u.to_request(callback_url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> HttpWebhookDefinition {
        HttpWebhookDefinition::from_value(json!({
            "type": "HttpWebhook",
            "inputs": {
                "subscribe": {
                    "method": "post",
                    "uri": "https://api.example.com/subscribe?cb=@{listCallbackUrl()}",
                    "headers": {"X-Callback": "@listCallbackUrl()", "X-Count": 3},
                    "body": {"callbackUrl": "@listCallbackUrl()", "note": "to @{listCallbackUrl()} now", "n": [1, "@listCallbackUrl()"]},
                    "authentication": {"type": "Basic", "username": "u", "password": "p"}
                },
                "unsubscribe": {
                    "method": "DELETE",
                    "url": "https://api.example.com/unsubscribe",
                    "authentication": {"type": "Raw", "value": "Key abc"}
                }
            }
        }))
        .unwrap()
    }

    #[test]
    fn callback_url_expressions_are_substituted() {
        let spec = sample().subscribe_request("https://me/cb?sig=x").unwrap();
        assert_eq!(spec.method, "POST");
        assert_eq!(
            spec.url,
            "https://api.example.com/subscribe?cb=https://me/cb?sig=x"
        );
        assert_eq!(
            spec.headers,
            vec![
                ("X-Callback".to_owned(), "https://me/cb?sig=x".to_owned()),
                ("X-Count".to_owned(), "3".to_owned())
            ]
        );
        assert_eq!(
            spec.body,
            Some(
                json!({"callbackUrl": "https://me/cb?sig=x", "note": "to https://me/cb?sig=x now", "n": [1, "https://me/cb?sig=x"]})
            )
        );
    }

    #[test]
    fn encode_uri_component_puts_the_callback_inside_a_query() {
        let definition = HttpWebhookDefinition::from_value(json!({
            "type": "HttpWebhook",
            "inputs": {"subscribe": {
                "method": "POST",
                "uri": "https://api.example.com/subscribe?cb=@{encodeUriComponent(listCallbackUrl())}&v=1",
                "headers": {"X-Callback": "@encodeUriComponent(listCallbackUrl())"}
            }}
        }))
        .unwrap();
        let spec = definition
            .subscribe_request("https://me/cb/s1?sig=a+b/c")
            .unwrap();
        assert_eq!(
            spec.url,
            "https://api.example.com/subscribe?cb=https%3A%2F%2Fme%2Fcb%2Fs1%3Fsig%3Da%2Bb%2Fc&v=1"
        );
        assert_eq!(
            spec.headers[0].1,
            "https%3A%2F%2Fme%2Fcb%2Fs1%3Fsig%3Da%2Bb%2Fc"
        );
    }

    #[test]
    fn authentication_maps_to_auth_and_stays_out_of_requests() {
        let definition = sample();
        let connection = definition.connection();
        assert_eq!(
            connection.auth,
            Auth::Basic {
                username: "u".into(),
                password: "p".into()
            }
        );
        assert_eq!(
            connection.unsubscribe_auth,
            Some(Auth::Header {
                name: "Authorization".into(),
                value: "Key abc".into()
            })
        );
        let unsubscribe = definition.unsubscribe_request("https://me/cb").unwrap();
        assert_eq!(unsubscribe.url, "https://api.example.com/unsubscribe");
        assert!(unsubscribe.headers.is_empty());
        let bearer: WebhookAuthentication =
            serde_json::from_value(json!({"type": "Bearer", "token": "t"})).unwrap();
        assert_eq!(bearer.to_auth(), Auth::Bearer { token: "t".into() });
        assert!(!format!("{bearer:?}").contains('t') || !format!("{bearer:?}").contains("\"t\""));
    }

    #[test]
    fn wrong_type_and_relative_uris_are_refused() {
        let wrong = json!({"type": "Http", "inputs": {"subscribe": {"method": "POST", "uri": "https://a"}}});
        assert!(matches!(
            HttpWebhookDefinition::from_value(wrong),
            Err(DefinitionError::WrongType(_))
        ));
        let relative = json!({"type": "HttpWebhook", "inputs": {"subscribe": {"method": "POST", "uri": "/x"}}});
        assert!(matches!(
            HttpWebhookDefinition::from_value(relative),
            Err(DefinitionError::RelativeUri { .. })
        ));
    }
}
