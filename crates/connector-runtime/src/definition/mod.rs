//! Logic Apps `HttpWebhook` triggers and actions, as Logic Apps users write them:
//!
//! ```json
//! {"type": "HttpWebhook",
//!  "inputs": {
//!    "subscribe":   {"method": "POST", "uri": "@{parameters('api')}/subscribe",
//!                    "queries": {"v": "2"},
//!                    "body": {"callback": "@listCallbackUrl()"},
//!                    "authentication": {"type": "Basic", "username": "u",
//!                                       "password": "@parameters('password')"},
//!                    "retryPolicy": {"type": "fixed", "count": 3, "interval": "PT10S"}},
//!    "unsubscribe": {"method": "POST", "uri": "@{parameters('api')}/unsubscribe",
//!                    "body": {"callback": "@{listCallbackUrl()}"}}},
//!  "runtimeConfiguration": {"concurrency": {"runs": 5, "maximumWaitingRuns": 20}},
//!  "limit": {"timeout": "PT1H"}}
//! ```
//!
//! A definition either means exactly what it means in Logic Apps or is refused at load with
//! its JSON pointer ([`DefinitionError`]); a field the runtime does not implement is a warning
//! ([`HttpWebhookDefinition::warnings`]), or an error in strict mode. Nothing is sent
//! literally: every string is parsed as a template expression ([`expr`]) and every function
//! is checked at load.
//!
//! - [`expr`]: `@…`, `@{…}`, `@@`, functions (`listCallbackUrl`, `encodeUriComponent`,
//!   `concat`, `parameters`, `workflow`, `guid`, `utcNow`, string functions);
//! - [`auth`]: `Basic`, `Raw`, `ClientCertificate`, `ActiveDirectoryOAuth` (token cache);
//! - [`retry`]: `retryPolicy` and ISO 8601 durations;
//! - [`workflow`]: whole workflow files and their HttpWebhook triggers and actions.

pub mod auth;
mod diagnostics;
pub mod expr;
mod reader;
pub mod retry;
pub mod workflow;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

pub use auth::{AuthError, ClientIdentity, Secret, TokenSource, WebhookAuthentication};
pub use diagnostics::{Diagnostic, Severity};

use diagnostics::{child_pointer, Diagnostics};
use expr::{CheckScope, Scope, Template};
use reader::{json_kind, Object};

use crate::http_client::RequestProfile;
use crate::registry::{Connection, TriggerOptions};
use crate::{HookListRoute, RequestSpec, RetryPolicy, TriggerError, WebhookTrigger};

/// Default trigger name of a definition (change it with [`HttpWebhookDefinition::with_name`]).
pub const DEFAULT_NAME: &str = "HttpWebhook";

/// Most concurrent runs (and waiting runs) Logic Apps allows a trigger.
pub const MAX_CONCURRENCY: u64 = 100;

/// Longest an action waits when its definition has no `limit.timeout`: Logic Apps' default
/// run duration limit, 90 days.
pub const DEFAULT_ACTION_TIMEOUT: Duration = Duration::from_secs(90 * 86_400);

/// The callback URL used to check URIs at load, before any subscription exists.
const PLACEHOLDER_CALLBACK: &str = "https://callback.invalid/callbacks/placeholder?sig=x";

/// A definition that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DefinitionError {
    /// Not valid JSON.
    #[error("not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The definition does not mean anything the runtime can do; every error (and warning)
    /// with its JSON pointer.
    #[error("invalid HttpWebhook definition: {}", summary(.0))]
    Invalid(Vec<Diagnostic>),
}

fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", display_pointer(&d.pointer), d.message))
        .collect();
    errors.join("; ")
}

fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() {
        "/"
    } else {
        pointer
    }
}

impl DefinitionError {
    /// Every diagnostic (errors and warnings); one for invalid JSON.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            DefinitionError::Json(error) => vec![Diagnostic {
                severity: Severity::Error,
                pointer: String::new(),
                message: format!("not valid JSON: {error}"),
            }],
            DefinitionError::Invalid(diagnostics) => diagnostics.clone(),
        }
    }

    /// The errors only.
    pub fn errors(&self) -> Vec<Diagnostic> {
        self.diagnostics()
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }
}

/// How to load definitions: strictness, parameter values, extra TLS roots.
#[derive(Debug, Clone, Default)]
pub struct DefinitionOptions {
    strict: bool,
    parameters: Map<String, Value>,
    workflow_name: Option<String>,
    pub(crate) root_certificates: Vec<reqwest::Certificate>,
    time_scale: u32,
}

impl DefinitionOptions {
    /// Lenient: fields the runtime does not implement are warnings.
    pub fn new() -> Self {
        DefinitionOptions::default()
    }

    /// Strict: fields the runtime does not implement are errors.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// A value for `parameters('name')`, overriding the definition's `defaultValue`.
    pub fn with_parameter(mut self, name: impl Into<String>, value: Value) -> Self {
        self.parameters.insert(name.into(), value);
        self
    }

    /// The name `workflow().name` answers (default: the trigger or action name).
    pub fn with_workflow_name(mut self, name: impl Into<String>) -> Self {
        self.workflow_name = Some(name.into());
        self
    }

    /// Trust this CA too for requests that present a client certificate and for token
    /// requests (e.g. a private CA; those clients otherwise trust the public roots only).
    pub fn with_root_certificate(mut self, certificate: reqwest::Certificate) -> Self {
        self.root_certificates.push(certificate);
        self
    }

    /// Divide every duration of the definition (retry intervals, `limit.timeout`) by `scale`,
    /// after checking them against Logic Apps' bounds, so tests can run real schedules fast.
    #[cfg(feature = "testing")]
    pub fn with_time_scale(mut self, scale: u32) -> Self {
        self.time_scale = scale;
        self
    }

    fn scale(&self, duration: Duration) -> Duration {
        duration / self.time_scale.max(1)
    }
}

/// State while loading one definition (or workflow).
pub(crate) struct LoadContext<'a> {
    pub options: &'a DefinitionOptions,
    pub parameters: Map<String, Value>,
    pub workflow_name: String,
    pub diagnostics: Diagnostics,
}

impl<'a> LoadContext<'a> {
    pub fn new(options: &'a DefinitionOptions) -> Self {
        LoadContext {
            options,
            parameters: options.parameters.clone(),
            workflow_name: options.workflow_name.clone().unwrap_or_default(),
            diagnostics: Diagnostics::new(options.strict),
        }
    }

    /// Read a definition's `parameters` declarations: a `defaultValue` fills in for a value
    /// the application does not supply.
    pub fn declare_parameters(&mut self, value: &Value, pointer: &str) {
        let Some(declarations) = value.as_object() else {
            self.diagnostics.error(
                pointer,
                format!("must be an object, found {}", json_kind(value)),
            );
            return;
        };
        for (name, declaration) in declarations {
            let at = child_pointer(pointer, name);
            let Some(mut object) = Object::new(declaration, &at, &mut self.diagnostics) else {
                continue;
            };
            let _ = object.take("type");
            let _ = object.take("metadata");
            let _ = object.take("allowedValues");
            if let Some((default, _)) = object.take("defaultValue") {
                self.parameters.entry(name.clone()).or_insert(default);
            }
            object.finish(&mut self.diagnostics);
        }
    }

    /// Parse and check one string; errors are reported at `pointer`.
    fn template(&mut self, text: &str, pointer: &str, callback_allowed: bool) -> Option<Template> {
        let template = match expr::parse_template(text) {
            Ok(template) => template,
            Err(error) => {
                self.diagnostics
                    .error(pointer, format!("invalid expression: {error}"));
                return None;
            }
        };
        let scope = CheckScope {
            parameters: &self.parameters,
            callback_allowed,
        };
        if let Err(error) = template.check(&scope) {
            self.diagnostics.error(
                pointer,
                format!("function `{}`: {}", error.function, error.message),
            );
            return None;
        }
        Some(template)
    }

    fn scope<'s>(&'s self, callback_url: Option<&'s str>) -> Scope<'s> {
        Scope {
            callback_url,
            parameters: &self.parameters,
            workflow_name: &self.workflow_name,
        }
    }

    /// A string field evaluated now (authentication fields): expressions may read parameters
    /// but not the callback URL.
    pub fn constant_text(&mut self, value: &Value, pointer: &str) -> Option<String> {
        let Value::String(text) = value else {
            self.diagnostics.error(
                pointer,
                format!("must be a string, found {}", json_kind(value)),
            );
            return None;
        };
        let template = self.template(text, pointer, false)?;
        match template.eval(&self.scope(None)) {
            Ok(Value::String(text)) => Some(text),
            Ok(other) => {
                self.diagnostics.error(
                    pointer,
                    format!("must evaluate to a string, found {}", json_kind(&other)),
                );
                None
            }
            Err(error) => {
                self.diagnostics.error(pointer, error.to_string());
                None
            }
        }
    }

    pub fn required_text(&mut self, object: &mut Object, key: &str) -> Option<String> {
        match object.take(key) {
            Some((value, pointer)) => self.constant_text(&value, &pointer),
            None => {
                self.diagnostics.error(&object.pointer_of(key), "required");
                None
            }
        }
    }

    pub fn optional_text(&mut self, object: &mut Object, key: &str) -> Option<String> {
        let (value, pointer) = object.take(key)?;
        self.constant_text(&value, &pointer)
    }

    /// Compile a JSON value whose strings may hold expressions (the callback URL included).
    fn compile(&mut self, value: &Value, pointer: &str) -> Option<Compiled> {
        match value {
            Value::String(text) => {
                let template = self.template(text, pointer, true)?;
                Some(Compiled::Template {
                    template,
                    pointer: pointer.to_owned(),
                })
            }
            Value::Array(items) => {
                let mut compiled = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match self.compile(item, &format!("{pointer}/{i}")) {
                        Some(c) => compiled.push(c),
                        None => ok = false,
                    }
                }
                ok.then_some(Compiled::Array(compiled))
            }
            Value::Object(map) => {
                let mut compiled = Vec::with_capacity(map.len());
                let mut ok = true;
                for (key, item) in map {
                    match self.compile(item, &child_pointer(pointer, key)) {
                        Some(c) => compiled.push((key.clone(), c)),
                        None => ok = false,
                    }
                }
                ok.then_some(Compiled::Object(compiled))
            }
            other => Some(Compiled::Value(other.clone())),
        }
    }
}

/// A JSON value with its expressions parsed.
#[derive(Debug, Clone, PartialEq)]
enum Compiled {
    Value(Value),
    Template { template: Template, pointer: String },
    Array(Vec<Compiled>),
    Object(Vec<(String, Compiled)>),
}

impl Compiled {
    fn eval(&self, scope: &Scope<'_>) -> Result<Value, TriggerError> {
        match self {
            Compiled::Value(value) => Ok(value.clone()),
            Compiled::Template { template, pointer } => {
                template
                    .eval(scope)
                    .map_err(|error| TriggerError::Expression {
                        pointer: pointer.clone(),
                        reason: error.to_string(),
                    })
            }
            Compiled::Array(items) => items
                .iter()
                .map(|item| item.eval(scope))
                .collect::<Result<_, _>>()
                .map(Value::Array),
            Compiled::Object(fields) => fields
                .iter()
                .map(|(key, item)| Ok((key.clone(), item.eval(scope)?)))
                .collect::<Result<Map<_, _>, _>>()
                .map(Value::Object),
        }
    }

    /// Evaluated as header or query text.
    fn eval_text(&self, scope: &Scope<'_>) -> Result<String, TriggerError> {
        self.eval(scope).map(|v| expr::to_text(&v))
    }

    fn is_literal(&self) -> bool {
        match self {
            Compiled::Value(_) => true,
            Compiled::Template { template, .. } => template.is_literal(),
            Compiled::Array(items) => items.iter().all(Compiled::is_literal),
            Compiled::Object(fields) => fields.iter().all(|(_, c)| c.is_literal()),
        }
    }
}

/// One request of a definition (`subscribe` or `unsubscribe`), its expressions parsed.
#[derive(Clone)]
pub struct WebhookRequest {
    method: String,
    uri: Compiled,
    headers: Vec<(String, Compiled)>,
    queries: Vec<(String, Compiled)>,
    body: Option<Compiled>,
    authentication: WebhookAuthentication,
    retry_policy: Option<RetryPolicy>,
    /// What the host needs besides the static [`crate::Auth`]: built once, so every
    /// [`HttpWebhookDefinition::connection`] is equal to the last.
    profile: Arc<RequestProfile>,
}

impl std::fmt::Debug for WebhookRequest {
    // Header, query and body values may carry keys: names only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = |pairs: &[(String, Compiled)]| -> Vec<String> {
            pairs.iter().map(|(name, _)| name.clone()).collect()
        };
        f.debug_struct("WebhookRequest")
            .field("method", &self.method)
            .field("headers", &names(&self.headers))
            .field("queries", &names(&self.queries))
            .field("body", &self.body.is_some())
            .field("authentication", &self.authentication)
            .field("retry_policy", &self.retry_policy)
            .finish_non_exhaustive()
    }
}

/// Methods Logic Apps offers for HTTP requests.
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

impl WebhookRequest {
    /// The upper-case method.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The authentication.
    pub fn authentication(&self) -> &WebhookAuthentication {
        &self.authentication
    }

    /// The `retryPolicy`, when the definition gives one (else the host's default applies).
    pub fn retry_policy(&self) -> Option<&RetryPolicy> {
        self.retry_policy.as_ref()
    }

    /// This request as a [`RequestSpec`] with every expression evaluated for `callback_url`.
    /// Authentication is not included: it travels in the [`Connection`] so it never reaches
    /// the store.
    fn evaluate(&self, scope: &Scope<'_>) -> Result<RequestSpec, TriggerError> {
        let headers = self
            .headers
            .iter()
            .map(|(name, value)| Ok((name.clone(), value.eval_text(scope)?)))
            .collect::<Result<_, TriggerError>>()?;
        let query = self
            .queries
            .iter()
            .map(|(name, value)| Ok((name.clone(), value.eval_text(scope)?)))
            .collect::<Result<_, TriggerError>>()?;
        Ok(RequestSpec {
            method: self.method.clone(),
            url: self.uri.eval_text(scope)?,
            query,
            headers,
            body: self.body.as_ref().map(|b| b.eval(scope)).transpose()?,
        })
    }

    fn read(value: &Value, pointer: &str, context: &mut LoadContext<'_>) -> Option<Self> {
        let mut object = Object::new(value, pointer, &mut context.diagnostics)?;
        let method = object
            .string("method", &mut context.diagnostics)
            .and_then(|m| {
                let upper = m.to_ascii_uppercase();
                if METHODS.contains(&upper.as_str()) {
                    Some(upper)
                } else {
                    context.diagnostics.error(
                        &object.pointer_of("method"),
                        format!("unknown method `{m}` ({})", METHODS.join(", ")),
                    );
                    None
                }
            });
        let uri = match (object.take("uri"), object.take("url")) {
            (Some(_), Some((_, pointer))) => {
                context
                    .diagnostics
                    .error(&pointer, "give either `uri` or `url`, not both");
                None
            }
            (Some((value, pointer)), None) | (None, Some((value, pointer))) => {
                check_uri(&value, &pointer, context)
            }
            (None, None) => {
                context
                    .diagnostics
                    .error(&object.pointer_of("uri"), "required");
                None
            }
        };
        let headers = object
            .take("headers")
            .and_then(|(value, pointer)| named_values(&value, &pointer, context));
        let queries = object
            .take("queries")
            .and_then(|(value, pointer)| named_values(&value, &pointer, context));
        let body = object
            .take("body")
            .map(|(value, pointer)| context.compile(&value, &pointer));
        let authentication = match object.take("authentication") {
            Some((value, pointer)) => auth::read_authentication(&value, &pointer, context),
            None => Some(WebhookAuthentication::None),
        };
        let retry_policy = match object.take("retryPolicy") {
            Some((value, pointer)) => retry::read_retry_policy(
                &value,
                &pointer,
                context.options.time_scale,
                &mut context.diagnostics,
            )
            .map(Some),
            None => Some(None),
        };
        object.finish(&mut context.diagnostics);
        let body = match body {
            None | Some(Some(Compiled::Value(Value::Null))) => None,
            Some(None) => return None,
            Some(Some(body)) => Some(body),
        };
        let authentication = authentication?;
        let profile = Arc::new(RequestProfile {
            client: authentication.client().cloned(),
            token: authentication
                .token_source()
                .map(|source| source.clone() as Arc<dyn crate::http_client::BearerTokenSource>),
            retry: retry_policy.clone().flatten(),
        });
        Some(WebhookRequest {
            method: method?,
            uri: uri?,
            headers: headers.unwrap_or_default(),
            queries: queries.unwrap_or_default(),
            body,
            authentication,
            retry_policy: retry_policy?,
            profile,
        })
    }
}

/// `headers` / `queries`: an object of name → value (non-strings sent as their JSON text).
fn named_values(
    value: &Value,
    pointer: &str,
    context: &mut LoadContext<'_>,
) -> Option<Vec<(String, Compiled)>> {
    let Value::Object(map) = value else {
        context.diagnostics.error(
            pointer,
            format!("must be an object, found {}", json_kind(value)),
        );
        return None;
    };
    let mut out = Vec::with_capacity(map.len());
    for (name, item) in map {
        out.push((
            name.clone(),
            context.compile(item, &child_pointer(pointer, name))?,
        ));
    }
    Some(out)
}

/// Compile a URI and check, with a placeholder callback URL, that it is an absolute http(s)
/// URL.
fn check_uri(value: &Value, pointer: &str, context: &mut LoadContext<'_>) -> Option<Compiled> {
    if !value.is_string() {
        context.diagnostics.error(
            pointer,
            format!("must be a string, found {}", json_kind(value)),
        );
        return None;
    }
    let compiled = context.compile(value, pointer)?;
    let uri = match compiled.eval_text(&context.scope(Some(PLACEHOLDER_CALLBACK))) {
        Ok(uri) => uri,
        Err(error) => {
            context.diagnostics.error(pointer, error.to_string());
            return None;
        }
    };
    let absolute = url::Url::parse(uri.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
    if absolute.is_none() {
        context.diagnostics.error(
            pointer,
            format!("must be an absolute http(s) URL, found {uri:?}"),
        );
        return None;
    }
    Some(compiled)
}

/// `runtimeConfiguration.concurrency` of a trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concurrency {
    /// Runs at once (`runs`, 1–100).
    pub runs: usize,
    /// Runs waiting for a slot before callbacks get 429 (`maximumWaitingRuns`, 1–100).
    pub maximum_waiting_runs: Option<usize>,
}

/// Whether a definition is read as a trigger, an action, or either (a lone definition).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Trigger,
    Action,
    Either,
}

/// A Logic Apps `HttpWebhook` definition, usable as a trigger ([`crate::Host::register`]) and
/// as an action ([`crate::Host::wait_for_callback`]).
#[derive(Clone)]
pub struct HttpWebhookDefinition {
    name: String,
    subscribe: WebhookRequest,
    unsubscribe: Option<WebhookRequest>,
    concurrency: Option<Concurrency>,
    timeout: Option<Duration>,
    operation_options: Vec<String>,
    parameters: Arc<Map<String, Value>>,
    workflow_name: Option<String>,
    /// Where it was read (empty for a lone definition).
    pointer: String,
    list: Option<HookListRoute>,
    warnings: Vec<Diagnostic>,
}

impl std::fmt::Debug for HttpWebhookDefinition {
    // Parameter values may be secrets (`SecureString`): only their names are printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpWebhookDefinition")
            .field("name", &self.name)
            .field("pointer", &self.pointer)
            .field("subscribe", &self.subscribe)
            .field("unsubscribe", &self.unsubscribe)
            .field("concurrency", &self.concurrency)
            .field("timeout", &self.timeout)
            .field("operation_options", &self.operation_options)
            .field("parameters", &self.parameters.keys().collect::<Vec<_>>())
            .field("workflow_name", &self.workflow_name)
            .field("list", &self.list)
            .field("warnings", &self.warnings)
            .finish()
    }
}

/// `operationOptions` values that apply to HttpWebhook triggers and actions.
const OPERATION_OPTIONS: &[&str] = &[
    "SingleInstance",
    "IncludeAuthorizationHeadersInOutputs",
    "SuppressWorkflowHeaders",
    "DisableAsyncPattern",
];

impl HttpWebhookDefinition {
    /// Parse and check a definition (lenient, no parameter values).
    pub fn from_json(text: &str) -> Result<Self, DefinitionError> {
        Self::from_json_with(text, &DefinitionOptions::new())
    }

    /// Parse and check a definition with options.
    pub fn from_json_with(
        text: &str,
        options: &DefinitionOptions,
    ) -> Result<Self, DefinitionError> {
        let value: Value = serde_json::from_str(text)?;
        Self::from_value_with(&value, options)
    }

    /// Parse and check a definition from a JSON value (lenient, no parameter values).
    pub fn from_value(value: Value) -> Result<Self, DefinitionError> {
        Self::from_value_with(&value, &DefinitionOptions::new())
    }

    /// Parse and check a definition from a JSON value with options.
    pub fn from_value_with(
        value: &Value,
        options: &DefinitionOptions,
    ) -> Result<Self, DefinitionError> {
        let mut context = LoadContext::new(options);
        let definition = Self::read(value, "", DEFAULT_NAME, Role::Either, &mut context);
        if context.diagnostics.has_errors() {
            return Err(DefinitionError::Invalid(context.diagnostics.into_vec()));
        }
        match definition {
            Some(mut definition) => {
                definition.warnings = context.diagnostics.into_vec();
                Ok(definition)
            }
            None => Err(DefinitionError::Invalid(context.diagnostics.into_vec())),
        }
    }

    /// Read one definition at `pointer`; problems go to the context's diagnostics.
    pub(crate) fn read(
        value: &Value,
        pointer: &str,
        name: &str,
        role: Role,
        context: &mut LoadContext<'_>,
    ) -> Option<Self> {
        let mut object = Object::new(value, pointer, &mut context.diagnostics)?;
        let kind = object.string("type", &mut context.diagnostics)?;
        if !kind.eq_ignore_ascii_case("HttpWebhook") {
            context.diagnostics.error(
                &object.pointer_of("type"),
                format!("expected type HttpWebhook, found `{kind}`"),
            );
            return None;
        }
        let (subscribe, unsubscribe) = match object.take("inputs") {
            Some((inputs, at)) => read_inputs(&inputs, &at, context)?,
            None => {
                context
                    .diagnostics
                    .error(&object.pointer_of("inputs"), "required");
                return None;
            }
        };
        let mut concurrency = None;
        if let Some((configuration, at)) = object.take("runtimeConfiguration") {
            if role == Role::Action {
                context.diagnostics.unsupported(
                    &at,
                    "runtimeConfiguration on an action is not implemented by the runtime and is \
                     ignored",
                );
            } else {
                concurrency = read_runtime_configuration(&configuration, &at, context);
            }
        }
        let mut timeout = None;
        if let Some((limit, at)) = object.take("limit") {
            if role == Role::Trigger {
                context
                    .diagnostics
                    .unsupported(&at, "limit applies to actions; on a trigger it is ignored");
            } else {
                timeout = read_limit(&limit, &at, context);
            }
        }
        let operation_options = match object.take("operationOptions") {
            Some((options, at)) => read_operation_options(&options, &at, context),
            None => Vec::new(),
        };
        if operation_options
            .iter()
            .any(|o| o.eq_ignore_ascii_case("SingleInstance"))
        {
            let slot = concurrency.get_or_insert(Concurrency {
                runs: 1,
                maximum_waiting_runs: None,
            });
            slot.runs = 1;
        }
        // Workflow bookkeeping the runtime has no use for, but which is no request field.
        let _ = object.take("description");
        let _ = object.take("metadata");
        if let Some((_, at)) = object.take("runAfter") {
            if value
                .get("runAfter")
                .and_then(Value::as_object)
                .is_some_and(|m| !m.is_empty())
            {
                context.diagnostics.unsupported(
                    &at,
                    "runAfter is ignored: the application decides when an action runs",
                );
            }
        }
        object.finish(&mut context.diagnostics);
        Some(HttpWebhookDefinition {
            name: name.to_owned(),
            subscribe,
            unsubscribe,
            concurrency,
            timeout,
            operation_options,
            parameters: Arc::new(context.parameters.clone()),
            workflow_name: Some(context.workflow_name.clone()).filter(|n| !n.is_empty()),
            pointer: pointer.to_owned(),
            list: None,
            warnings: Vec::new(),
        })
    }

    /// Store subscriptions under `name` (default `HttpWebhook`, or the name in the workflow);
    /// give each definition its own name when a host runs several.
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

    /// The subscribe request.
    pub fn subscribe(&self) -> &WebhookRequest {
        &self.subscribe
    }

    /// The unsubscribe request, if the definition has one.
    pub fn unsubscribe(&self) -> Option<&WebhookRequest> {
        self.unsubscribe.as_ref()
    }

    /// Fields the runtime does not implement (ignored), with their pointers.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Keep the warnings about this definition.
    pub(crate) fn take_warnings(&mut self, all: &[Diagnostic]) {
        let inside = format!("{}/", self.pointer);
        self.warnings = all
            .iter()
            .filter(|w| w.pointer == self.pointer || w.pointer.starts_with(&inside))
            .cloned()
            .collect();
    }

    /// JSON pointer of the definition in its file (empty for a lone definition).
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// `runtimeConfiguration.concurrency` (and `operationOptions: SingleInstance`).
    pub fn concurrency(&self) -> Option<Concurrency> {
        self.concurrency
    }

    /// `operationOptions`, as written.
    pub fn operation_options(&self) -> &[String] {
        &self.operation_options
    }

    /// The action's `limit.timeout`, when given.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// How long the action waits: `limit.timeout`, else Logic Apps' 90-day run limit.
    pub fn wait_timeout(&self) -> Duration {
        self.timeout.unwrap_or(DEFAULT_ACTION_TIMEOUT)
    }

    /// Dispatch settings for a trigger: `runs` handler runs at once and `maximumWaitingRuns`
    /// waiting (callbacks beyond get 429, as in Logic Apps); the defaults otherwise.
    pub fn trigger_options(&self) -> TriggerOptions {
        let mut options = TriggerOptions::default();
        if let Some(concurrency) = self.concurrency {
            options = options.with_concurrency(concurrency.runs);
            if let Some(waiting) = concurrency.maximum_waiting_runs {
                options = options.with_queue_capacity(waiting);
            }
        }
        options
    }

    /// The connection to register: the definition's URIs are absolute, so only the
    /// subscribe and unsubscribe authentication, client certificates, OAuth token sources and
    /// retry policies matter.
    pub fn connection(&self) -> Connection {
        let mut connection = Connection::new("", self.subscribe.authentication.to_auth())
            .with_request_profile(self.subscribe.profile.clone());
        if let Some(unsubscribe) = &self.unsubscribe {
            connection = connection
                .with_unsubscribe_auth(unsubscribe.authentication.to_auth())
                .with_unsubscribe_profile(unsubscribe.profile.clone());
        }
        connection
    }

    fn scope<'s>(&'s self, callback_url: &'s str) -> Scope<'s> {
        Scope {
            callback_url: Some(callback_url),
            parameters: &self.parameters,
            workflow_name: self.workflow_name.as_deref().unwrap_or(&self.name),
        }
    }

    /// Whether both requests are free of expressions (useful in reports).
    pub fn is_literal(&self) -> bool {
        let literal = |r: &WebhookRequest| {
            r.uri.is_literal()
                && r.headers.iter().all(|(_, c)| c.is_literal())
                && r.queries.iter().all(|(_, c)| c.is_literal())
                && r.body.as_ref().is_none_or(Compiled::is_literal)
        };
        literal(&self.subscribe) && self.unsubscribe.as_ref().is_none_or(literal)
    }
}

fn read_inputs(
    value: &Value,
    pointer: &str,
    context: &mut LoadContext<'_>,
) -> Option<(WebhookRequest, Option<WebhookRequest>)> {
    let mut object = Object::new(value, pointer, &mut context.diagnostics)?;
    let subscribe = match object.take("subscribe") {
        Some((value, at)) => WebhookRequest::read(&value, &at, context),
        None => {
            context
                .diagnostics
                .error(&object.pointer_of("subscribe"), "required");
            None
        }
    };
    let unsubscribe = object
        .take("unsubscribe")
        .map(|(value, at)| WebhookRequest::read(&value, &at, context));
    object.finish(&mut context.diagnostics);
    let unsubscribe = match unsubscribe {
        Some(None) => return None,
        Some(Some(request)) => Some(request),
        None => None,
    };
    Some((subscribe?, unsubscribe))
}

fn bounded_count(value: &Value, pointer: &str, context: &mut LoadContext<'_>) -> Option<usize> {
    match value.as_u64().filter(|n| (1..=MAX_CONCURRENCY).contains(n)) {
        Some(n) => usize::try_from(n).ok(),
        None => {
            context.diagnostics.error(
                pointer,
                format!("must be an integer from 1 to {MAX_CONCURRENCY}, found {value}"),
            );
            None
        }
    }
}

fn read_runtime_configuration(
    value: &Value,
    pointer: &str,
    context: &mut LoadContext<'_>,
) -> Option<Concurrency> {
    let mut object = Object::new(value, pointer, &mut context.diagnostics)?;
    let concurrency = object.take("concurrency").and_then(|(value, at)| {
        let mut concurrency = Object::new(&value, &at, &mut context.diagnostics)?;
        let runs = match concurrency.take("runs") {
            Some((runs, at)) => bounded_count(&runs, &at, context),
            // Logic Apps' default once concurrency control is on.
            None => Some(25),
        };
        let waiting = concurrency
            .take("maximumWaitingRuns")
            .map(|(waiting, at)| bounded_count(&waiting, &at, context));
        concurrency.finish(&mut context.diagnostics);
        Some(Concurrency {
            runs: runs?,
            maximum_waiting_runs: match waiting {
                Some(None) => return None,
                Some(Some(w)) => Some(w),
                None => None,
            },
        })
    });
    object.finish(&mut context.diagnostics);
    concurrency
}

fn read_limit(value: &Value, pointer: &str, context: &mut LoadContext<'_>) -> Option<Duration> {
    let mut object = Object::new(value, pointer, &mut context.diagnostics)?;
    let timeout = object.take("timeout").and_then(|(value, at)| {
        retry::duration_field(
            &value,
            &at,
            Some((Duration::from_millis(1), DEFAULT_ACTION_TIMEOUT)),
            &mut context.diagnostics,
        )
    });
    object.finish(&mut context.diagnostics);
    timeout.map(|t| context.options.scale(t))
}

fn read_operation_options(
    value: &Value,
    pointer: &str,
    context: &mut LoadContext<'_>,
) -> Vec<String> {
    let Some(text) = value.as_str() else {
        context.diagnostics.error(
            pointer,
            format!("must be a string, found {}", json_kind(value)),
        );
        return Vec::new();
    };
    let mut options = Vec::new();
    for option in text.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        match OPERATION_OPTIONS
            .iter()
            .find(|known| known.eq_ignore_ascii_case(option))
        {
            None => context.diagnostics.error(
                pointer,
                format!(
                    "unknown operation option `{option}` (for HttpWebhook: {})",
                    OPERATION_OPTIONS.join(", ")
                ),
            ),
            Some(&"SingleInstance") => options.push("SingleInstance".to_owned()),
            Some(other) => {
                context.diagnostics.unsupported(
                    pointer,
                    format!("operation option `{other}` is not implemented by the runtime and is ignored"),
                );
                options.push((*other).to_owned());
            }
        }
    }
    options
}

impl WebhookTrigger for HttpWebhookDefinition {
    type Notification = Value;

    fn name(&self) -> &str {
        &self.name
    }

    fn subscribe_request(&self, callback_url: &str) -> Result<RequestSpec, TriggerError> {
        let scope = self.scope(callback_url);
        let spec = self.subscribe.evaluate(&scope)?;
        // The unsubscribe request is built right after this one and cannot report errors, so
        // find them now, before anything is sent.
        if let Some(unsubscribe) = &self.unsubscribe {
            unsubscribe.evaluate(&scope)?;
        }
        Ok(spec)
    }

    fn list_route(&self) -> Option<HookListRoute> {
        self.list.clone()
    }

    fn unsubscribe_request(&self, callback_url: &str) -> Option<RequestSpec> {
        let unsubscribe = self.unsubscribe.as_ref()?;
        match unsubscribe.evaluate(&self.scope(callback_url)) {
            Ok(spec) => Some(spec),
            Err(error) => {
                // subscribe_request evaluated it a moment ago, so this cannot happen unless
                // an expression is not deterministic in whether it fails.
                tracing::warn!(trigger = %self.name, %error, "cannot build the unsubscribe request");
                None
            }
        }
    }
}

impl crate::Host {
    /// Register a definition as a trigger with everything it says: its connection
    /// ([`HttpWebhookDefinition::connection`]) and its `runtimeConfiguration.concurrency`
    /// ([`HttpWebhookDefinition::trigger_options`]).
    pub fn register_definition<H, Fut>(
        &self,
        definition: &HttpWebhookDefinition,
        handler: H,
    ) -> crate::Result<()>
    where
        H: Fn(crate::Callback<Value>) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), crate::HandlerError>> + Send + 'static,
    {
        self.register_with(
            definition,
            definition.connection(),
            definition.trigger_options(),
            handler,
        )
    }

    /// Run a definition as an action: subscribe, wait for the first callback until its
    /// `limit.timeout` ([`HttpWebhookDefinition::wait_timeout`]) or `cancel`, unsubscribe.
    pub async fn wait_for_definition(
        &self,
        definition: &HttpWebhookDefinition,
        cancel: impl std::future::Future<Output = ()>,
    ) -> crate::Result<crate::Callback<Value>> {
        self.wait_for_callback(
            definition,
            &definition.connection(),
            definition.wait_timeout(),
            cancel,
        )
        .await
    }
}

#[cfg(test)]
mod tests;
