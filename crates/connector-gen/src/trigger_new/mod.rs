//! `connector-gen trigger new`: define a webhook trigger from example payloads.
//!
//! The Power Automate way of defining a webhook trigger without writing OpenAPI: a sample
//! *create webhook* request, its sample answer, the request field that receives the callback
//! URL, and sample notifications. From them [`TriggerDefinition::build`] infers the schemas
//! ([`infer`]) and writes a Swagger 2.0 spec in the Power Platform shape ([`spec`]), new or
//! appended to an existing spec, then loads the result with connector-model to prove it is
//! read back as the trigger that was meant.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use connector_gen::trigger_new::{Answer, Security, TriggerDefinition};
//! let definition = TriggerDefinition::new(
//!     "OnPullRequest",
//!     "When a pull request is opened",
//!     "POST https://api.github.com/repos/{owner}/{repo}/hooks",
//!     "create-hook.json",
//!     Answer::new(201, Some("create-hook-answer.json".into()))
//!         .with_header("Location", "https://api.github.com/repos/octocat/hello/hooks/1"),
//!     vec!["push.json".into(), "pull_request.json".into()],
//! )
//! .with_callback("/config/url")
//! .with_security(Security::Basic);
//! let built = definition.build(None)?;
//! std::fs::write("github.swagger.json", &built.text)?;
//! # Ok(())
//! # }
//! ```

pub mod args;
pub mod infer;
pub mod input;
pub mod spec;

pub use input::{Error, Result};

use std::path::{Path, PathBuf};

/// How the API authenticates the subscribe and unsubscribe requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Security {
    /// HTTP basic: user name and password (or personal access token).
    Basic,
    /// An API key in this header.
    ApiKeyHeader(String),
    /// An API key in this query parameter.
    ApiKeyQuery(String),
    /// A bearer token in `Authorization`, written the Power Platform way: an API key header
    /// named `Authorization` whose value is `Bearer <token>`.
    Bearer,
}

/// The sample answer to the subscribe request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Its HTTP status, e.g. 201.
    pub status: u16,
    /// Its headers worth describing, e.g. `Location`.
    pub headers: Vec<(String, String)>,
    /// Its JSON body, if it has one.
    pub body: Option<PathBuf>,
}

impl Answer {
    /// An answer with this status and body sample.
    pub fn new(status: u16, body: Option<PathBuf>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// Add a header the answer carries.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The `Location` header, if the answer has one.
    pub fn location(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("location"))
            .map(|(_, value)| value.as_str())
    }
}

/// The request that removes a subscription, for an API whose subscribe answer has no
/// `Location`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubscribeRequest {
    /// `DELETE https://api.example.com/subscriptions/{subscriptionId}`.
    pub request: String,
    /// Pointer into the subscribe answer body giving the subscription id.
    pub id_pointer: String,
}

/// Everything `trigger new` needs; the library form of the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerDefinition {
    /// operationId of the subscribe operation (letters, digits, `-`, `_`).
    pub name: String,
    /// What the trigger does, as the user reads it.
    pub summary: String,
    /// `POST https://api.example.com/repos/{owner}/{repo}/hooks`.
    pub subscribe: String,
    /// Sample subscribe request body.
    pub subscribe_body: PathBuf,
    /// Sample subscribe answer.
    pub answer: Answer,
    /// Pointer into the body where the callback URL goes; `None`: the body's only URL field.
    pub callback: Option<String>,
    /// Sample notifications (an array sample means `x-ms-trigger: batch`).
    pub notifications: Vec<PathBuf>,
    /// How to unsubscribe when the answer has no `Location`.
    pub unsubscribe: Option<UnsubscribeRequest>,
    /// Security of the API, if any.
    pub security: Option<Security>,
    /// `info.title` of a new spec (default: the API host).
    pub title: Option<String>,
}

impl TriggerDefinition {
    /// A definition from its required inputs.
    pub fn new(
        name: impl Into<String>,
        summary: impl Into<String>,
        subscribe: impl Into<String>,
        subscribe_body: impl Into<PathBuf>,
        answer: Answer,
        notifications: Vec<PathBuf>,
    ) -> Self {
        Self {
            name: name.into(),
            summary: summary.into(),
            subscribe: subscribe.into(),
            subscribe_body: subscribe_body.into(),
            answer,
            callback: None,
            notifications,
            unsubscribe: None,
            security: None,
            title: None,
        }
    }

    /// The callback field as a JSON pointer into the body sample.
    pub fn with_callback(mut self, pointer: impl Into<String>) -> Self {
        self.callback = Some(pointer.into());
        self
    }

    /// The unsubscribe request and the pointer into the answer giving its id.
    pub fn with_unsubscribe(
        mut self,
        request: impl Into<String>,
        id_pointer: impl Into<String>,
    ) -> Self {
        self.unsubscribe = Some(UnsubscribeRequest {
            request: request.into(),
            id_pointer: id_pointer.into(),
        });
        self
    }

    /// The API's security.
    pub fn with_security(mut self, security: Security) -> Self {
        self.security = Some(security);
        self
    }

    /// `info.title` of a new spec.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The spec with this trigger: new, or `existing` (its path and text) with the trigger
    /// appended. Reads the samples; writes nothing.
    pub fn build(&self, existing: Option<(&Path, &[u8])>) -> Result<Built> {
        spec::build(self, existing)
    }

    /// Build and write to `path`: appended when `path` exists, new otherwise. Nothing is
    /// written on error.
    pub fn write_to(&self, path: &Path) -> Result<Built> {
        let existing = match std::fs::read(path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(Error::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        let built = self.build(existing.as_deref().map(|bytes| (path, bytes)))?;
        std::fs::write(path, &built.text).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(built)
    }
}

/// A spec with the new trigger.
#[derive(Debug, Clone)]
pub struct Built {
    /// The whole spec.
    pub spec: serde_json::Value,
    /// The spec as written: pretty JSON with a final newline.
    pub text: String,
    /// Guesses made, to tell the user (e.g. the callback field picked by its value).
    pub warnings: Vec<String>,
}
