//! The HTTP client of GitHub Webhook: one async method per operation.
use connector_client::Auth;

/// The base URL the spec declares (may be relative or empty for specs that leave it to the host).
pub const DEFAULT_BASE_URL: &str = "https://api.github.com";

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
    body: Vec<u8>,
}

impl Raw {
    fn json<T: serde::de::DeserializeOwned>(self) -> Result<Response<T>, Error> {
        match serde_json::from_slice(&self.body) {
            Ok(body) => {
                Ok(Response {
                    status: self.status,
                    headers: self.headers,
                    body,
                })
            }
            Err(source) => {
                Err(Error::Decode {
                    status: self.status,
                    body: String::from_utf8_lossy(&self.body).into_owned(),
                    source,
                })
            }
        }
    }

    fn unit(self) -> Result<Response<()>, Error> {
        Ok(Response {
            status: self.status,
            headers: self.headers,
            body: (),
        })
    }
}

/// A connection to GitHub Webhook.
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

    /// A client using HTTP basic credentials (security scheme `basic_auth`).
    pub fn with_basic_auth(
        base_url: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self::new(
            base_url,
            Auth::Basic {
                username: username.into(),
                password: password.into(),
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
        Ok(Raw { status, headers, body })
    }

    /// Lists webhooks
    ///
    /// Lists the repository's webhooks (GitHub pages them by 30, with a `Link: rel="next"` header). The runtime uses it to find a hook whose subscribe answer was lost.
    ///
    /// GET /repos/{owner}/{repo}/hooks
    ///
    /// Parameters:
    ///
    /// - owner: Name of the owner of targetted repository
    /// - repo: Name of the repository
    pub async fn list_hooks(
        &self,
        owner: &str,
        repo: &str,
    ) -> Result<Response<Vec<crate::models::WebhookCreationResponse>>, Error> {
        let url = {
            let owner = path_value(owner);
            let repo = path_value(repo);
            format!("{}/repos/{owner}/{repo}/hooks", self.base_url)
        };
        let request = self.http.request(reqwest::Method::GET, url);
        self.execute(request).await?.json()
    }

    /// Triggers when a PUSH event occurs
    ///
    /// Creates a Github webhook
    ///
    /// POST /repos/{owner}/{repo}/hooks
    ///
    /// Parameters:
    ///
    /// - owner: Name of the owner of targetted repository
    /// - repo: Name of the repository
    pub async fn webhook_trigger(
        &self,
        owner: &str,
        repo: &str,
        body: &crate::models::WebhookRequestBody,
    ) -> Result<Response<crate::models::WebhookCreationResponse>, Error> {
        let url = {
            let owner = path_value(owner);
            let repo = path_value(repo);
            format!("{}/repos/{owner}/{repo}/hooks", self.base_url)
        };
        let mut request = self.http.request(reqwest::Method::POST, url);
        request = request.json(body);
        self.execute(request).await?.json()
    }

    /// Deletes a webhook
    ///
    /// Deletes a Github webhook
    ///
    /// DELETE /repos/{owner}/{repo}/hooks/{hook_Id}
    ///
    /// Parameters:
    ///
    /// - owner: Name of the owner of targetted repository
    /// - repo: Name of the repository
    /// - hook_id: ID of the Hook being deleted
    pub async fn delete_trigger(
        &self,
        owner: &str,
        repo: &str,
        hook_id: &str,
    ) -> Result<Response<()>, Error> {
        let url = {
            let owner = path_value(owner);
            let repo = path_value(repo);
            let hook_id = path_value(hook_id);
            format!("{}/repos/{owner}/{repo}/hooks/{hook_id}", self.base_url)
        };
        let request = self.http.request(reqwest::Method::DELETE, url);
        self.execute(request).await?.unit()
    }
}
