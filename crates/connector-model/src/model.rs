//! The connector model: what code generation and the runtime need to know
//! about a spec, independent of whether it was Swagger 2.0 or OpenAPI 3.x.
//!
//! Schemas are not copied here: they stay in the normalised
//! [`openapiv3::OpenAPI`] document ([`crate::Loaded::openapi`]) and the model
//! refers to them as `ReferenceOr<Schema>` values that resolve against its
//! `components`.

use openapiv3::{ReferenceOr, Schema};
use serde::Serialize;
use std::collections::BTreeMap;

/// One connector: every operation as an action, plus the triggers among them.
#[derive(Debug, Clone, Serialize)]
pub struct Connector {
    /// `info.title`.
    pub title: String,
    /// `info.description`, if any.
    pub description: Option<String>,
    /// `info.version`.
    pub version: String,
    /// Base URL from servers (3.x) or host/basePath/schemes (2.0); may be relative or empty.
    pub base_url: String,
    /// Security schemes the spec declares, in declaration order.
    pub security: Vec<SecurityScheme>,
    /// Every operation, in path order then method order (get, put, post, delete, options, head, patch, trace).
    pub actions: Vec<Action>,
    /// Every trigger (`x-ms-trigger`, 3.0 callbacks, 3.1 webhooks), in action order.
    pub triggers: Vec<Trigger>,
}

/// A security scheme, reduced to what a client needs.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SecurityScheme {
    /// HTTP basic (user name + password).
    Basic {
        /// Scheme name in the spec.
        name: String,
    },
    /// HTTP bearer, or OAuth2 (sent as a bearer token).
    Bearer {
        /// Scheme name in the spec.
        name: String,
    },
    /// An API key in a header.
    ApiKeyHeader {
        /// Scheme name in the spec.
        name: String,
        /// Header name.
        header: String,
    },
    /// An API key in the query string.
    ApiKeyQuery {
        /// Scheme name in the spec.
        name: String,
        /// Query parameter name.
        param: String,
    },
}

/// HTTP method of an operation, lower-case on the wire of a spec.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// Upper-case HTTP name, e.g. `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// `x-ms-visibility`.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// No marker, or `none`.
    #[default]
    Normal,
    /// `important`.
    Important,
    /// `advanced`.
    Advanced,
    /// `internal`: hidden from users, filled in from its default.
    Internal,
}

/// One operation.
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    /// `operationId` as written, or a synthesised `method_path` id when absent.
    pub operation_id: String,
    /// A valid, unique (within the connector) snake_case Rust identifier (keywords escaped with `r#`
    /// are NOT used: a trailing `_` is appended instead, so it works in every position).
    pub rust_name: String,
    /// HTTP method.
    pub method: Method,
    /// Path template, e.g. `/repos/{owner}/{repo}/hooks`.
    pub path: String,
    /// JSON pointer of the operation in the normalised document, e.g. `/paths/~1hooks/post`.
    pub pointer: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `x-ms-summary` of the operation, if any.
    pub x_ms_summary: Option<String>,
    /// `x-ms-visibility`.
    pub visibility: Visibility,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Parameters (path-level merged in), in spec order; body/formData are in `request_body`.
    pub parameters: Vec<Parameter>,
    /// The request body, if any.
    pub request_body: Option<RequestBody>,
    /// Responses by status code (`"200"`, `"2XX"`, `"default"`), in spec order.
    pub responses: Vec<Response>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ParameterLocation {
    /// Path segment.
    Path,
    /// Query string.
    Query,
    /// Request header.
    Header,
    /// Cookie.
    Cookie,
}

/// One non-body parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    /// Wire name.
    pub name: String,
    /// snake_case Rust identifier, unique within the action (keywords get a trailing `_`).
    pub rust_name: String,
    /// Location.
    pub location: ParameterLocation,
    /// `required` (always true for path parameters).
    pub required: bool,
    /// `description`.
    pub description: Option<String>,
    /// `x-ms-summary`.
    pub x_ms_summary: Option<String>,
    /// `x-ms-visibility`.
    pub visibility: Visibility,
    /// The value's schema.
    pub schema: ReferenceOr<Schema>,
    /// Default value (`default` of the parameter or its schema).
    pub default: Option<serde_json::Value>,
    /// For arrays: `explode` (true = repeated `a=1&a=2`, false = comma-separated).
    pub explode: bool,
}

/// Media types a request body may be sent as.
#[derive(Debug, Clone, Serialize)]
pub struct RequestBody {
    /// `required`.
    pub required: bool,
    /// `description`.
    pub description: Option<String>,
    /// Content by media type, in spec order (e.g. `application/json`,
    /// `application/x-www-form-urlencoded`, `multipart/form-data`, `application/octet-stream`).
    pub content: Vec<MediaType>,
}

/// One media type with its schema.
#[derive(Debug, Clone, Serialize)]
pub struct MediaType {
    /// e.g. `application/json`.
    pub media_type: String,
    /// The schema, if declared.
    pub schema: Option<ReferenceOr<Schema>>,
}

/// One response.
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    /// `"200"`, `"2XX"` or `"default"`.
    pub status: String,
    /// `description`.
    pub description: Option<String>,
    /// Header names the response declares (e.g. `Location`).
    pub headers: Vec<String>,
    /// Content by media type.
    pub content: Vec<MediaType>,
}

/// Webhook (push) or polling trigger.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TriggerKind {
    /// Has a notification URL or notification content.
    Webhook,
    /// Neither: the platform polls the operation.
    Polling,
}

/// A trigger: an action marked `x-ms-trigger`, or a 3.0 callback / 3.1 webhook.
#[derive(Debug, Clone, Serialize)]
pub struct Trigger {
    /// The subscribe (webhook) or poll (polling) action's operation id. For 3.0 callbacks and 3.1
    /// webhooks with no subscribe operation this is a synthesised id.
    pub operation_id: String,
    /// Index into [`Connector::actions`] of the subscribe/poll action, when there is one.
    /// `None` on a webhook trigger makes it receive-only ([`Trigger::is_receive_only`]).
    pub action: Option<usize>,
    /// Webhook or polling.
    pub kind: TriggerKind,
    /// `x-ms-trigger: batch` (one run per array item).
    pub batch: bool,
    /// The notification payload schema (`x-ms-notification-content`, the callback request body,
    /// or for polling the success response).
    pub notification_schema: Option<ReferenceOr<Schema>>,
    /// A human name for the notification type: the `$ref` target name when there is one
    /// (e.g. `WebhookPushResponse`), else `<OperationId>Notification`.
    pub notification_type: Option<String>,
    /// JSON pointer inside the subscribe body where the callback URL goes, e.g. `/config/url`.
    /// `Some("")` means the body itself is the URL; `None` when not found.
    pub callback_pointer: Option<String>,
    /// How to unsubscribe when the subscribe answer has no `Location` header.
    pub unsubscribe: Option<Unsubscribe>,
    /// A snake_case Rust identifier for the trigger, unique among the connector's triggers
    /// (the subscribe action's `rust_name` for `x-ms-trigger` operations).
    pub rust_name: String,
    /// A non-body parameter (query or header) of the subscribe action that takes the callback
    /// URL (`x-ms-notification-url` on a parameter, or `{$request.query.x}` in a 3.0
    /// callback expression). Usually `None`: the URL goes in the body at `callback_pointer`.
    pub callback_parameter: Option<String>,
    /// How to list the API's hooks, so one whose subscribe answer was lost can be found by its
    /// callback URL and removed. `None` when the spec has no such list operation.
    pub list: Option<HookList>,
}

impl Trigger {
    /// A webhook nobody subscribes to by request: an OpenAPI 3.1 `webhooks` entry, or a 3.0
    /// callback whose URL no request field carries (a literal URL, a provider-side variable).
    /// The user registers a fixed callback URL with the provider by hand (a dashboard, a
    /// support ticket); the runtime only receives.
    pub fn is_receive_only(&self) -> bool {
        self.kind == TriggerKind::Webhook && self.action.is_none()
    }
}

/// The GET that lists the hooks a subscribe operation creates: on the subscribe path (e.g.
/// `GET /repos/{owner}/{repo}/hooks` for `POST /repos/{owner}/{repo}/hooks`), answering an
/// array of objects that carry the callback URL where the subscribe body puts it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HookList {
    /// operationId of the GET action.
    pub operation_id: String,
    /// Index into [`Connector::actions`].
    pub action: usize,
    /// Path template of the GET.
    pub path: String,
    /// Placeholders of `path` → the subscribe action's parameter giving the value. Every
    /// placeholder is a key.
    pub from_subscribe: BTreeMap<String, String>,
    /// JSON pointer to the array in the answer; `None` when the answer is the array.
    pub items_from: Option<String>,
    /// JSON pointer inside one listed hook to its callback URL.
    pub callback_from: String,
    /// JSON pointer inside one listed hook to its id (for the unsubscribe route).
    pub id_from: Option<String>,
    /// JSON pointer inside one listed hook to its own URL (GitHub's `url`), if it has one.
    pub url_from: Option<String>,
}

/// The DELETE operation that removes a subscription.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Unsubscribe {
    /// operationId of the DELETE action.
    pub operation_id: String,
    /// Index into [`Connector::actions`].
    pub action: usize,
    /// Path template of the DELETE, e.g. `/hooks/{id}`.
    pub path: String,
    /// The path parameter that takes the subscription id, e.g. `id`.
    pub id_param: Option<String>,
    /// JSON pointer into the subscribe response body that supplies the id, e.g. `/id`; `None`
    /// when the response declares no matching field.
    pub id_from: Option<String>,
    /// Placeholders of `path` filled from the subscribe request: placeholder → name of the
    /// subscribe action's parameter giving the value (a path parameter, or a required or
    /// internal-with-default query/header one). Usually the same name; a different one when
    /// the two paths name the same segment differently (`{AccountId}` / `{accountId}`).
    pub from_subscribe: BTreeMap<String, String>,
    /// Placeholders of `path` whose value the spec fixes: placeholder → the text to send. Either
    /// the literal segment of the subscribe path at the same place, e.g. `type` → `dataobject`
    /// when `DELETE /subscriptions/{subscriptionId}/event/{type}` removes what
    /// `POST /subscriptions/event/dataobject` made, or the default of an internal parameter.
    ///
    /// Every placeholder of `path` is `id_param`, a key of `from_subscribe` or a key of
    /// `fixed`: a route that would leave another placeholder open is not produced.
    pub fixed: BTreeMap<String, String>,
    /// Query and header parameters of the DELETE to send, in the DELETE's order: each
    /// required one something gives a value, and each internal one with a default. A
    /// required one nothing gives is left out (with a warning): the route is kept, the API
    /// may still accept it.
    pub parameters: Vec<UnsubscribeParameter>,
}

/// A query or header parameter of an unsubscribe DELETE, and where its value comes from.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UnsubscribeParameter {
    /// Wire name, e.g. `tenantId`.
    pub name: String,
    /// [`ParameterLocation::Query`] or [`ParameterLocation::Header`].
    pub location: ParameterLocation,
    /// Where the value comes from.
    pub value: UnsubscribeValue,
}

/// The value of an [`UnsubscribeParameter`].
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum UnsubscribeValue {
    /// The value of this subscribe parameter (by name); path parameters included.
    FromSubscribe(String),
    /// Text fixed by the spec (the default of an internal DELETE parameter).
    Fixed(String),
    /// The subscription id, from the subscribe answer (at [`Unsubscribe::id_from`]): a
    /// required query parameter named like an id when the path has no placeholder for it,
    /// e.g. `DELETE /Unsubscribe?id=…`.
    SubscriptionId,
}
