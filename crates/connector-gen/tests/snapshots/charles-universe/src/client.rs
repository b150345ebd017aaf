//! The HTTP client of Charles Universe: one async method per operation.
use connector_client::Auth;

/// The base URL the spec declares (may be relative or empty for specs that leave it to the host).
pub const DEFAULT_BASE_URL: &str = "https://hello-charles.eu.ngrok.io";

/// A successful answer: status, headers and the typed body.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// HTTP status code.
    pub status: u16,
    /// Response headers, in arrival order, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The decoded body.
    pub body: T,
}

impl<T> Response<T> {
    /// First header value by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body alone.
    pub fn into_body(self) -> T {
        self.body
    }
}

/// An answer outside 2xx, kept whole.
#[derive(Debug, Clone)]
pub struct ErrorResponse {
    /// HTTP status code.
    pub status: u16,
    /// Response headers, in arrival order, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy UTF-8).
    pub body: String,
}

/// Why a call failed.
#[derive(Debug)]
pub enum Error {
    /// The server answered with a non-success status.
    Status(ErrorResponse),
    /// The request could not be sent or the answer not read.
    Http(reqwest::Error),
    /// A success answer whose body does not match the declared type.
    Decode {
        /// HTTP status code.
        status: u16,
        /// The body as text (lossy UTF-8).
        body: String,
        /// The JSON error.
        source: serde_json::Error,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Status(response) => {
                write!(f, "HTTP {}: {}", response.status, response.body)
            }
            Error::Http(error) => write!(f, "request failed: {error}"),
            Error::Decode { status, source, .. } => {
                write!(f, "cannot decode the HTTP {status} answer: {source}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Status(_) => None,
            Error::Http(error) => Some(error),
            Error::Decode { source, .. } => Some(source),
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(error: reqwest::Error) -> Self {
        Error::Http(error)
    }
}

/// Parameter values as wire text: scalars as themselves, arrays item by item, objects as JSON.
#[doc(hidden)]
pub fn param_values<T: serde::Serialize + ?Sized>(value: &T) -> Vec<String> {
    fn text(value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }
    }

    match serde_json::to_value(value) {
        Ok(serde_json::Value::Array(items)) => items.iter().map(text).collect(),
        Ok(other) => Vec::from([text(&other)]),
        Err(_) => Vec::new(),
    }
}

/// A parameter value as one header value (arrays comma-separated).
#[doc(hidden)]
pub fn header_value<T: serde::Serialize + ?Sized>(value: &T) -> String {
    param_values(value).join(",")
}

/// A parameter value as one percent-encoded path segment.
#[doc(hidden)]
pub fn path_value<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let raw = param_values(value).join(",");
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }

    out
}

/// Append a query parameter: arrays repeat the name when `explode`, else join with commas.
#[doc(hidden)]
pub fn push_query<T: serde::Serialize + ?Sized>(
    query: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    explode: bool,
) {
    let values = param_values(value);
    if explode {
        query.extend(values.into_iter().map(|v| (name.to_owned(), v)));
    } else {
        query.push((name.to_owned(), values.join(",")));
    }
}

/// A raw success answer before decoding.
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
}

impl Raw {
    fn unit(self) -> Result<Response<()>, Error> {
        Ok(Response {
            status: self.status,
            headers: self.headers,
            body: (),
        })
    }
}

/// A connection to Charles Universe.
#[derive(Debug, Clone)]
pub struct Client {
    base_url: String,
    auth: Auth,
    http: reqwest::Client,
}

impl Client {
    /// A client for `base_url` (e.g. [`DEFAULT_BASE_URL`]) sending `auth` with every request.
    pub fn new(base_url: impl Into<String>, auth: Auth) -> Self {
        let mut base_url = base_url.into();
        while base_url.ends_with('/') {
            base_url.pop();
        }
        Self {
            base_url,
            auth,
            http: reqwest::Client::new(),
        }
    }

    /// A client sending an API key in a header (security scheme `api_key`).
    pub fn with_api_key(base_url: impl Into<String>, key: impl Into<String>) -> Self {
        Self::new(
            base_url,
            Auth::Header {
                name: "X-API-Key".to_owned(),
                value: key.into(),
            },
        )
    }

    /// Use a preconfigured reqwest client (timeouts, proxies, ...).
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    async fn execute(&self, request: reqwest::RequestBuilder) -> Result<Raw, Error> {
        let response = self.auth.apply(request).send().await?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            ))
            .collect();
        let success = response.status().is_success();
        let body = response.bytes().await?.to_vec();
        if !success {
            let body = String::from_utf8_lossy(&body).into_owned();
            return Err(
                Error::Status(ErrorResponse {
                    status,
                    headers,
                    body,
                }),
            );
        }
        Ok(Raw { status, headers })
    }

    /// Create Arbitrary Event Triggers
    ///
    /// Create arbitrary event triggers, based on Charles Documentation.
    ///
    /// POST /api/v0/webhooks/incoming/power_automate/events/webhook
    pub async fn setup_webhook(
        &self,
        body: &crate::models::SetupWebhookRequest,
    ) -> Result<Response<()>, Error> {
        let url = format!(
            "{}/api/v0/webhooks/incoming/power_automate/events/webhook", self.base_url
        );
        let mut request = self.http.request(reqwest::Method::POST, url);
        request = request.json(body);
        self.execute(request).await?.unit()
    }

    /// Person Created
    ///
    /// Triggers when a person is created.
    ///
    /// POST /api/v0/webhooks/incoming/power_automate/person_create/webhook
    pub async fn setup_webhook_person_create(
        &self,
        body: &crate::models::SetupWebhookPersonCreateRequest,
    ) -> Result<Response<()>, Error> {
        let url = format!(
            "{}/api/v0/webhooks/incoming/power_automate/person_create/webhook", self
            .base_url
        );
        let mut request = self.http.request(reqwest::Method::POST, url);
        request = request.json(body);
        self.execute(request).await?.unit()
    }

    /// Delete Trigger
    ///
    /// Deletes a Universe Webhook
    ///
    /// DELETE /api/v0/webhooks/{webhookId}
    ///
    /// Parameters:
    ///
    /// - webhook_id: ID of the Webhook being deleted
    pub async fn delete_trigger(&self, webhook_id: &str) -> Result<Response<()>, Error> {
        let url = {
            let webhook_id = path_value(webhook_id);
            format!("{}/api/v0/webhooks/{webhook_id}", self.base_url)
        };
        let request = self.http.request(reqwest::Method::DELETE, url);
        self.execute(request).await?.unit()
    }
}
