//! The HTTP client of WorkSpan: one async method per operation.
use connector_client::Auth;

/// The base URL the spec declares (may be relative or empty for specs that leave it to the host).
pub const DEFAULT_BASE_URL: &str = "https://api.workspan.com";

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

/// A connection to WorkSpan.
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

    /// A client sending `Authorization: Bearer <token>` (security scheme `workspan_auth`).
    pub fn with_workspan_auth(
        base_url: impl Into<String>,
        token: impl Into<String>,
    ) -> Self {
        Self::new(
            base_url,
            Auth::Bearer {
                token: token.into(),
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

    /// Subscribe to WorkSpan Collaboration Events
    ///
    /// Subscribe to various collaboration events such as creates and updates on membership, tasks and comments to drive and enhance communication with your internal and partner network.
    ///
    /// POST /event/v1/subscriber
    pub async fn subscribe(
        &self,
        body: &crate::models::SubscribeRequest,
    ) -> Result<Response<crate::models::SubscribeResp>, Error> {
        let url = format!("{}/event/v1/subscriber", self.base_url);
        let mut request = self.http.request(reqwest::Method::POST, url);
        request = request.json(body);
        self.execute(request).await?.json()
    }

    /// Get schema of collaboration event
    ///
    /// Get the schema of the WorkSpan Collaboration event
    ///
    /// GET /event/v1/metadata/event/{event}
    ///
    /// Parameters:
    ///
    /// - event: Name of event
    pub async fn get_event_schema(
        &self,
        event: &str,
    ) -> Result<Response<crate::models::GetEventSchemaResponse>, Error> {
        let url = {
            let event = path_value(event);
            format!("{}/event/v1/metadata/event/{event}", self.base_url)
        };
        let request = self.http.request(reqwest::Method::GET, url);
        self.execute(request).await?.json()
    }

    /// Get list of events
    ///
    /// Get a list of WorkSpan Collaboration events
    ///
    /// GET /event/v1/metadata/event
    pub async fn get_event_list(
        &self,
    ) -> Result<Response<crate::models::GetEventListResponse>, Error> {
        let url = format!("{}/event/v1/metadata/event", self.base_url);
        let request = self.http.request(reqwest::Method::GET, url);
        self.execute(request).await?.json()
    }

    /// Read subscriber information
    ///
    /// Read details of subscription
    ///
    /// GET /event/v1/subscriber/{subscriber_id}
    ///
    /// Parameters:
    ///
    /// - subscriber_id: subscriber id assigened by WorkSpan
    pub async fn read_subscriber(
        &self,
        subscriber_id: &str,
    ) -> Result<Response<crate::models::EventSubscribeInfo>, Error> {
        let url = {
            let subscriber_id = path_value(subscriber_id);
            format!("{}/event/v1/subscriber/{subscriber_id}", self.base_url)
        };
        let request = self.http.request(reqwest::Method::GET, url);
        self.execute(request).await?.json()
    }

    /// Delete subscriber
    ///
    /// DELETE /event/v1/subscriber/{subscriber_id}
    ///
    /// Parameters:
    ///
    /// - subscriber_id: ID of the subscriber that needs to be deleted
    pub async fn delete_subscriber(
        &self,
        subscriber_id: &str,
    ) -> Result<Response<()>, Error> {
        let url = {
            let subscriber_id = path_value(subscriber_id);
            format!("{}/event/v1/subscriber/{subscriber_id}", self.base_url)
        };
        let request = self.http.request(reqwest::Method::DELETE, url);
        self.execute(request).await?.unit()
    }

    /// Get list of integrations
    ///
    /// GET /event/v1/metadata/integration
    pub async fn get_integration_list(
        &self,
    ) -> Result<Response<crate::models::GetIntegrationListResponse>, Error> {
        let url = format!("{}/event/v1/metadata/integration", self.base_url);
        let request = self.http.request(reqwest::Method::GET, url);
        self.execute(request).await?.json()
    }

    /// Subscribe to WorkSpan Object Events
    ///
    /// Subscribe to various object events such as creates and updates on Opportunities to increase the visibility of your partner influence
    ///
    /// POST /event/v1/subscriber/object_integration_event
    pub async fn subscribe_object_event(
        &self,
        body: &crate::models::SubscribeObjectEventRequest,
    ) -> Result<Response<crate::models::SubscribeResp>, Error> {
        let url = format!(
            "{}/event/v1/subscriber/object_integration_event", self.base_url
        );
        let mut request = self.http.request(reqwest::Method::POST, url);
        request = request.json(body);
        self.execute(request).await?.json()
    }

    /// Submit Referral to Microsoft Partner Center from WorkSpan
    ///
    /// This trigger is fired when WorkSpan user asks to submit opportunity to Microsoft Partner Center
    ///
    /// POST /event/v1/subscriber/submit_to_partner_center
    pub async fn submit_to_partner_center_object_event(
        &self,
        body: &crate::models::SubmitToPartnerCenterObjectEventRequest,
    ) -> Result<Response<crate::models::SubscribeResp>, Error> {
        let url = format!(
            "{}/event/v1/subscriber/submit_to_partner_center", self.base_url
        );
        let mut request = self.http.request(reqwest::Method::POST, url);
        request = request.json(body);
        self.execute(request).await?.json()
    }

    /// Get schema of object event
    ///
    /// Get the schema of the WorkSpan Object event
    ///
    /// GET /event/v1/metadata/integration/{integration_id}
    ///
    /// Parameters:
    ///
    /// - integration_id: Integration Id of Object Event Integration
    pub async fn get_object_event_schema(
        &self,
        integration_id: &str,
    ) -> Result<Response<crate::models::GetEventSchemaResponse>, Error> {
        let url = {
            let integration_id = path_value(integration_id);
            format!("{}/event/v1/metadata/integration/{integration_id}", self.base_url)
        };
        let request = self.http.request(reqwest::Method::GET, url);
        self.execute(request).await?.json()
    }

    /// Bulk Load Opportunities (data in body)
    ///
    /// Upload input data as a request body to your integration. Allowed formats are .csv and .json
    ///
    /// POST /bulk/v1/bulkload_opportunity
    ///
    /// Parameters:
    ///
    /// - integration_id: Integration Id of CRM intergation configured in WorkSpan
    /// - content_type: Content type of data. Allowed formats are .csv and .json
    /// - column_delimiter: column delimiter (used if content_type is csv)
    /// - content_type_2: Content type of data. text/csv or application/json.
    pub async fn bulkload_opportunity(
        &self,
        integration_id: &str,
        content_type: Option<crate::models::BulkloadOpportunityContentType>,
        column_delimiter: Option<&str>,
        content_type_2: Option<crate::models::BulkloadOpportunityContentType2>,
        body: Option<&serde_json::Value>,
    ) -> Result<Response<crate::models::BulkloadOpportunityResponse>, Error> {
        let url = format!("{}/bulk/v1/bulkload_opportunity", self.base_url);
        let mut request = self.http.request(reqwest::Method::POST, url);
        let mut query: Vec<(String, String)> = Vec::new();
        push_query(&mut query, "integration_id", integration_id, true);
        if let Some(value) = content_type {
            push_query(&mut query, "content_type", &value, true);
        }
        if let Some(value) = column_delimiter {
            push_query(&mut query, "column_delimiter", value, true);
        }
        request = request.query(&query);
        if let Some(value) = content_type_2 {
            request = request.header("Content-Type", header_value(&value));
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        self.execute(request).await?.json()
    }

    /// Bulk Load Opportunities (attachment)
    ///
    /// Upload an input file to your integration. Allowed formats are .xlsx, .json and .csv
    ///
    /// POST /bulk/v1/bulkload_opportunity/file
    ///
    /// Parameters:
    ///
    /// - integration_id: Integration Id of CRM intergation, that is configured in WorkSpan
    /// - content_type: Content type of data. Allowed formats are .csv .xlsx and .json
    /// - has_header_row: Does excel file has header row?
    pub async fn bulkload_opportunity_file_attachment(
        &self,
        integration_id: &str,
        body: crate::models::BulkloadOpportunityFileAttachmentRequest,
        content_type: Option<
            crate::models::BulkloadOpportunityFileAttachmentContentType,
        >,
        has_header_row: Option<bool>,
    ) -> Result<Response<crate::models::BulkloadOpportunityResponse>, Error> {
        let url = format!("{}/bulk/v1/bulkload_opportunity/file", self.base_url);
        let mut request = self.http.request(reqwest::Method::POST, url);
        let mut query: Vec<(String, String)> = Vec::new();
        push_query(&mut query, "integration_id", integration_id, true);
        if let Some(value) = content_type {
            push_query(&mut query, "content_type", &value, true);
        }
        if let Some(value) = has_header_row {
            push_query(&mut query, "has_header_row", &value, true);
        }
        request = request.query(&query);
        let mut form = reqwest::multipart::Form::new();
        {
            let value = body.file;
            form = form
                .part("file", reqwest::multipart::Part::bytes(value).file_name("file"));
        }
        request = request.multipart(form);
        self.execute(request).await?.json()
    }

    /// Bulk Load Data (data in body)
    ///
    /// Upload input data as a request body to your integration. Allowed formats are .csv and .json
    ///
    /// POST /bulk/v1/bulkload
    ///
    /// Parameters:
    ///
    /// - integration_id: Integration Id of CRM intergation configured in WorkSpan
    /// - data_format: Format of data. Allowed formats are csv and json
    /// - column_delimiter: column delimiter (used if content_type is csv)
    /// - content_type: Content type of data. text/csv or application/json.
    pub async fn bulkload_data(
        &self,
        integration_id: &str,
        data_format: Option<crate::models::BulkloadDataDataFormat>,
        column_delimiter: Option<&str>,
        content_type: Option<crate::models::BulkloadOpportunityContentType2>,
        body: Option<&serde_json::Value>,
    ) -> Result<Response<crate::models::BulkloadResponse>, Error> {
        let url = format!("{}/bulk/v1/bulkload", self.base_url);
        let mut request = self.http.request(reqwest::Method::POST, url);
        let mut query: Vec<(String, String)> = Vec::new();
        push_query(&mut query, "integration_id", integration_id, true);
        if let Some(value) = data_format {
            push_query(&mut query, "data_format", &value, true);
        }
        if let Some(value) = column_delimiter {
            push_query(&mut query, "column_delimiter", value, true);
        }
        request = request.query(&query);
        if let Some(value) = content_type {
            request = request.header("Content-Type", header_value(&value));
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        self.execute(request).await?.json()
    }

    /// Bulk Load Data (attachment)
    ///
    /// Upload an input file to your integration. Allowed formats are .xlsx, .json and .csv
    ///
    /// POST /bulk/v1/bulkload/file
    ///
    /// Parameters:
    ///
    /// - integration_id: Integration Id of CRM intergation, that is configured in WorkSpan
    /// - data_format: Format data. Allowed formats are .csv .xlsx and .json
    pub async fn bulkload_data_file_attachment(
        &self,
        integration_id: &str,
        body: crate::models::BulkloadOpportunityFileAttachmentRequest,
        data_format: Option<crate::models::BulkloadOpportunityFileAttachmentContentType>,
    ) -> Result<Response<crate::models::BulkloadResponse>, Error> {
        let url = format!("{}/bulk/v1/bulkload/file", self.base_url);
        let mut request = self.http.request(reqwest::Method::POST, url);
        let mut query: Vec<(String, String)> = Vec::new();
        push_query(&mut query, "integration_id", integration_id, true);
        if let Some(value) = data_format {
            push_query(&mut query, "data_format", &value, true);
        }
        request = request.query(&query);
        let mut form = reqwest::multipart::Form::new();
        {
            let value = body.file;
            form = form
                .part("file", reqwest::multipart::Part::bytes(value).file_name("file"));
        }
        request = request.multipart(form);
        self.execute(request).await?.json()
    }

    /// Get the status of the bulkload operation
    ///
    /// Get status of bulkload operation
    ///
    /// GET /bulk/v1/status/{integration_id}
    ///
    /// Parameters:
    ///
    /// - integration_id: Integration Id
    /// - execution_id: Execution ID of an integration execution which is returned from bulk API
    /// - include_errors: Include errors in the response if there are any errors
    /// - max_errors: Maximum number of errors to return back in the response
    pub async fn get_bulkload_status(
        &self,
        integration_id: &str,
        execution_id: &str,
        include_errors: Option<bool>,
        max_errors: Option<f64>,
    ) -> Result<Response<crate::models::BulkloadStatusResponse>, Error> {
        let url = {
            let integration_id = path_value(integration_id);
            format!("{}/bulk/v1/status/{integration_id}", self.base_url)
        };
        let mut request = self.http.request(reqwest::Method::GET, url);
        let mut query: Vec<(String, String)> = Vec::new();
        push_query(&mut query, "execution_id", execution_id, true);
        if let Some(value) = include_errors {
            push_query(&mut query, "include_errors", &value, true);
        }
        if let Some(value) = max_errors {
            push_query(&mut query, "max_errors", &value, true);
        }
        request = request.query(&query);
        self.execute(request).await?.json()
    }

    /// Get external ID for WorkSpan ID
    ///
    /// Get the  external application’s primary unique identifier
    ///
    /// GET /app/v1/object/{object_id}/external_id
    ///
    /// Parameters:
    ///
    /// - object_id: Object ID of WorkSpan Object (long ID)
    pub async fn get_external_id(
        &self,
        object_id: &str,
    ) -> Result<Response<crate::models::GetExternalIdResponse>, Error> {
        let url = {
            let object_id = path_value(object_id);
            format!("{}/app/v1/object/{object_id}/external_id", self.base_url)
        };
        let request = self.http.request(reqwest::Method::GET, url);
        self.execute(request).await?.json()
    }

    /// Connect an external ID to a WorkSpan ID
    ///
    /// Update WorkSpan Object with external application’s primary unique identifier
    ///
    /// PATCH /app/v1/object/{object_id}/external_id
    ///
    /// Parameters:
    ///
    /// - object_id: Object ID of WorkSpan Object (long ID)
    pub async fn update_external_id(
        &self,
        object_id: &str,
        body: Option<&crate::models::ConnectExternalIdRequest>,
    ) -> Result<Response<crate::models::ExternalIdResponse>, Error> {
        let url = {
            let object_id = path_value(object_id);
            format!("{}/app/v1/object/{object_id}/external_id", self.base_url)
        };
        let mut request = self.http.request(reqwest::Method::PATCH, url);
        if let Some(body) = body {
            request = request.json(body);
        }
        self.execute(request).await?.json()
    }

    /// Add Audit information to WorkSpan Object
    ///
    /// Add Audit information to WorkSpanObject
    ///
    /// PATCH /app/v1/object/{object_id}/audit
    ///
    /// Parameters:
    ///
    /// - object_id: Object ID (long ID) of WorkSpan object to be updated with integration status
    pub async fn object_audit(
        &self,
        object_id: &str,
        body: &crate::models::AuditRequest,
    ) -> Result<Response<crate::models::AuditResponse>, Error> {
        let url = {
            let object_id = path_value(object_id);
            format!("{}/app/v1/object/{object_id}/audit", self.base_url)
        };
        let mut request = self.http.request(reqwest::Method::PATCH, url);
        request = request.json(body);
        self.execute(request).await?.json()
    }

    /// Get list of reports
    ///
    /// List reports
    ///
    /// POST /report/v1/list
    pub async fn get_report_list(
        &self,
        body: Option<&crate::models::GetReportListRequest>,
    ) -> Result<Response<crate::models::GetReportListResponse>, Error> {
        let url = format!("{}/report/v1/list", self.base_url);
        let mut request = self.http.request(reqwest::Method::POST, url);
        if let Some(body) = body {
            request = request.json(body);
        }
        self.execute(request).await?.json()
    }

    /// Read report data
    ///
    /// POST /report/v1/{reportId}/data
    ///
    /// Parameters:
    ///
    /// - report_id: Report Id
    pub async fn get_report_data(
        &self,
        report_id: i64,
        body: Option<&crate::models::ReportDataRequest>,
    ) -> Result<Response<crate::models::ReportDataResponse>, Error> {
        let url = {
            let report_id = path_value(&report_id);
            format!("{}/report/v1/{report_id}/data", self.base_url)
        };
        let mut request = self.http.request(reqwest::Method::POST, url);
        if let Some(body) = body {
            request = request.json(body);
        }
        self.execute(request).await?.json()
    }
}
