//! Credentials a connection sends with every request (generated clients and the runtime share it).

use serde::{Deserialize, Serialize};

/// How requests to the third-party API authenticate.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Auth {
    /// No credentials.
    #[default]
    None,
    /// HTTP basic.
    Basic {
        /// User name.
        username: String,
        /// Password or personal access token.
        password: String,
    },
    /// `Authorization: Bearer <token>` (also OAuth2 access tokens).
    Bearer {
        /// The token.
        token: String,
    },
    /// A raw header, e.g. an API key header.
    Header {
        /// Header name.
        name: String,
        /// Header value.
        value: String,
    },
    /// An API key in the query string.
    Query {
        /// Parameter name.
        name: String,
        /// Parameter value.
        value: String,
    },
}

impl std::fmt::Debug for Auth {
    // Secrets never reach logs, even through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::None => f.write_str("Auth::None"),
            Auth::Basic { username, .. } => write!(f, "Auth::Basic({username}, <redacted>)"),
            Auth::Bearer { .. } => f.write_str("Auth::Bearer(<redacted>)"),
            Auth::Header { name, .. } => write!(f, "Auth::Header({name}: <redacted>)"),
            Auth::Query { name, .. } => write!(f, "Auth::Query({name}=<redacted>)"),
        }
    }
}

impl Auth {
    /// Apply these credentials to a reqwest request.
    pub fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Auth::None => request,
            Auth::Basic { username, password } => request.basic_auth(username, Some(password)),
            Auth::Bearer { token } => request.bearer_auth(token),
            Auth::Header { name, value } => request.header(name.as_str(), value.as_str()),
            Auth::Query { name, value } => request.query(&[(name, value)]),
        }
    }
}
