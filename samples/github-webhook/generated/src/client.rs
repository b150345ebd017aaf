//! The HTTP client of GitHub Webhook: one method per operation, returning its future.
//!
//! Hygiene: a method's arguments are the only spec-derived names in its body, and the body
//! declares no locals of its own: it is one chain of calls on [`Request`], with helpers named
//! by path, so no parameter name (`query`, `url`, `body`, `request`, ...) can shadow or be
//! shadowed by generated code.
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
    /// The body: typed when the operation describes this status with a schema and the body
    /// parses as that, else the raw text.
    pub body: ErrorBody,
}

/// The body of an answer outside 2xx (typed ones boxed: error bodies can be large, and every
/// `Result` of the client carries one).
#[derive(Debug, Clone)]
pub enum ErrorBody {
    /// A body the operation does not describe for this status, or that does not parse as
    /// described: the text as it came (lossy UTF-8).
    Raw(String),
}

impl std::fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Raw(text) => f.write_str(text),
        }
    }
}

/// Decodes an error body as one described type (`None` when it does not parse as that).
#[doc(hidden)]
pub type ErrorDecoder = fn(&[u8]) -> Option<ErrorBody>;

/// The decoded body of a non-2xx answer: the decoder the operation names for the exact status,
/// else for its class (`4XX`), else for `default`; the raw text when none applies or parses.
#[doc(hidden)]
pub fn error_body(
    errors: &[(&str, ErrorDecoder)],
    status: u16,
    body: &[u8],
) -> ErrorBody {
    let exact = status.to_string();
    let class = format!("{}XX", status / 100);
    [exact.as_str(), class.as_str(), "default"]
        .iter()
        .find_map(|key| {
            errors.iter().find(|(described, _)| described.eq_ignore_ascii_case(key))
        })
        .and_then(|(_, decode)| decode(body))
        .unwrap_or_else(|| ErrorBody::Raw(String::from_utf8_lossy(body).into_owned()))
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

/// Parameter values as wire text: scalars as themselves, arrays item by item, objects as JSON;
/// `None` for an absent value (`null`, an empty `Option`).
#[doc(hidden)]
pub fn param_values<T: serde::Serialize + ?Sized>(value: &T) -> Option<Vec<String>> {
    fn text(value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }
    }

    match serde_json::to_value(value) {
        Ok(serde_json::Value::Null) | Err(_) => None,
        Ok(serde_json::Value::Array(items)) => Some(items.iter().map(text).collect()),
        Ok(other) => Some(Vec::from([text(&other)])),
    }
}

/// A parameter value as one header value (arrays comma-separated).
#[doc(hidden)]
pub fn header_value<T: serde::Serialize + ?Sized>(value: &T) -> String {
    param_values(value).unwrap_or_default().join(",")
}

/// A parameter value as one percent-encoded path segment.
#[doc(hidden)]
pub fn path_value<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let raw = header_value(value);
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

/// Append a query parameter unless absent: arrays repeat the name when `explode`, else join
/// with commas.
#[doc(hidden)]
pub fn push_query<T: serde::Serialize + ?Sized>(
    query: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    explode: bool,
) {
    let Some(values) = param_values(value) else {
        return;
    };
    if explode {
        query.extend(values.into_iter().map(|v| (name.to_owned(), v)));
    } else {
        query.push((name.to_owned(), values.join(",")));
    }
}

/// A discriminated union member as JSON: the member's own fields plus the discriminator, added
/// when the member type does not carry it itself.
#[doc(hidden)]
pub fn serialize_tagged<S: serde::Serializer, T: serde::Serialize>(
    serializer: S,
    tag: &str,
    tag_value: &str,
    member: &T,
) -> Result<S::Ok, S::Error> {
    let mut value = serde_json::to_value(member).map_err(serde::ser::Error::custom)?;
    if let serde_json::Value::Object(fields) = &mut value {
        fields
            .entry(tag.to_owned())
            .or_insert_with(|| serde_json::Value::String(tag_value.to_owned()));
    }

    serde::Serialize::serialize(&value, serializer)
}

/// The parts of a `multipart/form-data` body, built by the client methods.
#[doc(hidden)]
pub struct Parts(reqwest::multipart::Form);
#[doc(hidden)]
impl Parts {
    pub fn new() -> Self {
        Self(reqwest::multipart::Form::new())
    }

    /// A text part, unless the value is absent.
    pub fn text<T: serde::Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        match param_values(value) {
            Some(values) => Self(self.0.text(name.to_owned(), values.join(","))),
            None => self,
        }
    }

    /// A file part, unless absent.
    pub fn file(self, name: &str, bytes: Option<Vec<u8>>) -> Self {
        match bytes {
            Some(bytes) => {
                Self(
                    self
                        .0
                        .part(
                            name.to_owned(),
                            reqwest::multipart::Part::bytes(bytes)
                                .file_name(name.to_owned()),
                        ),
                )
            }
            None => self,
        }
    }
}

/// One request on its way out: the client methods describe it in one chain of calls and
/// [`Request::send`] sends it. One non-generic sender for every operation keeps the generated
/// crate quick to compile.
#[doc(hidden)]
pub struct Request<'a> {
    client: &'a Client,
    builder: reqwest::RequestBuilder,
    query: Vec<(String, String)>,
}

#[doc(hidden)]
impl<'a> Request<'a> {
    /// A query parameter, unless absent.
    pub fn query<T: serde::Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        explode: bool,
    ) -> Self {
        push_query(&mut self.query, name, value, explode);
        self
    }

    /// A header, unless absent.
    pub fn header<T: serde::Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
    ) -> Self {
        if let Some(values) = param_values(value) {
            self.builder = self.builder.header(name, values.join(","));
        }
        self
    }

    /// A JSON body, unless absent.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: Option<&T>) -> Self {
        if let Some(body) = body {
            self.builder = self.builder.json(body);
        }
        self
    }

    /// A form-encoded body, unless absent.
    pub fn form<T: serde::Serialize + ?Sized>(mut self, body: Option<&T>) -> Self {
        if let Some(body) = body {
            self.builder = self.builder.form(body);
        }
        self
    }

    /// A `multipart/form-data` body, unless absent.
    pub fn multipart(mut self, parts: Option<Parts>) -> Self {
        if let Some(parts) = parts {
            self.builder = self.builder.multipart(parts.0);
        }
        self
    }

    /// A raw body of `content_type`, unless absent.
    pub fn content<B: Into<reqwest::Body>>(
        mut self,
        content_type: &str,
        body: Option<B>,
    ) -> Self {
        if let Some(body) = body {
            self.builder = self.builder.header("content-type", content_type).body(body);
        }
        self
    }

    /// Describe how to send: a non-2xx answer becomes [`Error::Status`] with its body decoded
    /// by the first of `errors` that describes its status. The decoding method of the
    /// [`Sending`] it returns (`json`, `text`, ...) sends.
    pub fn send(self, errors: &'static [(&'static str, ErrorDecoder)]) -> Sending<'a> {
        Sending { request: self, errors }
    }
}

/// A request ready to go, with the error statuses its operation describes. Its methods are the
/// only async code of the client, generic over the answer's type: operation methods are plain
/// functions returning their future, which keeps the generated crate quick to type-check.
#[doc(hidden)]
pub struct Sending<'a> {
    request: Request<'a>,
    errors: &'static [(&'static str, ErrorDecoder)],
}

#[doc(hidden)]
impl<'a> Sending<'a> {
    /// Send with the client's credentials; the raw success answer, or the error.
    async fn raw(self) -> Result<Raw, Error> {
        let Request { client, builder, query } = self.request;
        let builder = if query.is_empty() { builder } else { builder.query(&query) };
        let response = client.auth.apply(builder).send().await?;
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
            let body = error_body(self.errors, status, &body);
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

    pub async fn json<T: serde::de::DeserializeOwned>(
        self,
    ) -> Result<Response<T>, Error> {
        self.raw().await?.json()
    }

    pub async fn json_optional<T: serde::de::DeserializeOwned>(
        self,
    ) -> Result<Response<Option<T>>, Error> {
        self.raw().await?.json_optional()
    }

    pub async fn text(self) -> Result<Response<String>, Error> {
        self.raw().await?.text()
    }

    pub async fn bytes(self) -> Result<Response<Vec<u8>>, Error> {
        self.raw().await?.bytes()
    }

    pub async fn unit(self) -> Result<Response<()>, Error> {
        self.raw().await?.unit()
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

    fn json_optional<T: serde::de::DeserializeOwned>(
        self,
    ) -> Result<Response<Option<T>>, Error> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Response {
                status: self.status,
                headers: self.headers,
                body: None,
            });
        }
        self.json::<T>()
            .map(|response| Response {
                status: response.status,
                headers: response.headers,
                body: Some(response.body),
            })
    }

    fn text(self) -> Result<Response<String>, Error> {
        let body = String::from_utf8_lossy(&self.body).into_owned();
        Ok(Response {
            status: self.status,
            headers: self.headers,
            body,
        })
    }

    fn bytes(self) -> Result<Response<Vec<u8>>, Error> {
        Ok(Response {
            status: self.status,
            headers: self.headers,
            body: self.body,
        })
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
    auth: connector_client::Auth,
    http: reqwest::Client,
}

impl Client {
    /// A client for `base_url` (e.g. [`DEFAULT_BASE_URL`]) sending `auth` with every request.
    pub fn new(base_url: impl Into<String>, auth: connector_client::Auth) -> Self {
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
            connector_client::Auth::Basic {
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

    /// A request to `url`, for the operation methods.
    #[doc(hidden)]
    pub fn request(&self, method: reqwest::Method, url: String) -> Request<'_> {
        Request {
            client: self,
            builder: self.http.request(method, url),
            query: Vec::new(),
        }
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
    pub fn list_hooks(
        &self,
        owner: &str,
        repo: &str,
    ) -> impl std::future::Future<
        Output = Result<Response<Vec<crate::models::WebhookCreationResponse>>, Error>,
    > + '_ {
        self.request(
                reqwest::Method::GET,
                {
                    let owner = crate::client::path_value(owner);
                    let repo = crate::client::path_value(repo);
                    format!("{}/repos/{owner}/{repo}/hooks", self.base_url)
                },
            )
            .send(&[])
            .json()
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
    pub fn webhook_trigger(
        &self,
        owner: &str,
        repo: &str,
        body: &crate::models::WebhookRequestBody,
    ) -> impl std::future::Future<
        Output = Result<Response<crate::models::WebhookCreationResponse>, Error>,
    > + '_ {
        self.request(
                reqwest::Method::POST,
                {
                    let owner = crate::client::path_value(owner);
                    let repo = crate::client::path_value(repo);
                    format!("{}/repos/{owner}/{repo}/hooks", self.base_url)
                },
            )
            .json(Some(body))
            .send(&[])
            .json()
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
    pub fn delete_trigger(
        &self,
        owner: &str,
        repo: &str,
        hook_id: &str,
    ) -> impl std::future::Future<Output = Result<Response<()>, Error>> + '_ {
        self.request(
                reqwest::Method::DELETE,
                {
                    let owner = crate::client::path_value(owner);
                    let repo = crate::client::path_value(repo);
                    let hook_id = crate::client::path_value(hook_id);
                    format!("{}/repos/{owner}/{repo}/hooks/{hook_id}", self.base_url)
                },
            )
            .send(&[])
            .unit()
    }
}
