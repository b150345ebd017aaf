//! Reading what the user gives: JSON sample files, URL templates, `Name: value` headers, JSON
//! pointers into samples; and the typed errors of `trigger new`.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// Why a trigger could not be defined. Nothing is written when any of these happens.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A sample or spec file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A sample is not JSON.
    #[error("{path}:{line}:{column}: not JSON: {message}")]
    NotJson {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's explanation.
        message: String,
    },
    /// A pointer names nothing in the sample it points into.
    #[error("{path}: the {role} pointer `{pointer}` is not in this sample")]
    PointerNotInSample {
        /// The sample file.
        path: PathBuf,
        /// What the pointer is for (`callback`, `unsubscribe id`).
        role: &'static str,
        /// The pointer.
        pointer: String,
    },
    /// The callback field exists but holds no string (a URL goes there).
    #[error("{path}: the callback field `{pointer}` holds {found}, not a URL string")]
    CallbackNotString {
        /// The subscribe body sample.
        path: PathBuf,
        /// The pointer.
        pointer: String,
        /// What the sample has there.
        found: String,
    },
    /// No callback pointer was given and the body has no single URL-looking field.
    #[error(
        "{path}: give the callback field with --callback POINTER: the body has {}",
        describe_candidates(.candidates)
    )]
    CallbackUnknown {
        /// The subscribe body sample.
        path: PathBuf,
        /// The URL-looking fields found.
        candidates: Vec<String>,
    },
    /// A URL template is malformed.
    #[error("URL template `{template}`, column {column}: {message}")]
    UrlTemplate {
        /// The template.
        template: String,
        /// 1-based column of the fault.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A request line is not `METHOD URL`.
    #[error("`{text}`: expected `METHOD URL`, e.g. `POST https://api.example.com/hooks`")]
    RequestLine {
        /// What was given.
        text: String,
    },
    /// A header is not `Name: value`.
    #[error("`{text}`: expected a header as `Name: value`")]
    Header {
        /// What was given.
        text: String,
    },
    /// No notification sample.
    #[error("at least one notification sample is needed")]
    NoNotifications,
    /// Some notification samples are arrays (batch) and some are not.
    #[error(
        "{path}: notification samples disagree: {} is {}, this one is not",
        .first.display(),
        if *.first_is_batch { "an array (batch)" } else { "a single object" }
    )]
    MixedBatch {
        /// The sample that disagrees with the first.
        path: PathBuf,
        /// The first sample.
        first: PathBuf,
        /// Whether the first sample is an array.
        first_is_batch: bool,
    },
    /// The unsubscribe request cannot be told.
    #[error("{0}")]
    Unsubscribe(String),
    /// A trigger name that cannot be an operationId.
    #[error(
        "invalid trigger name {0:?}: use letters, digits, '-' and '_', starting with a letter"
    )]
    Name(String),
    /// The existing spec cannot take the trigger.
    #[error("{spec}: {message}")]
    Spec {
        /// The existing spec file.
        spec: PathBuf,
        /// Why.
        message: String,
    },
    /// The trigger's names clash with what the existing spec has.
    #[error("{spec}: {what} already exists; choose another trigger name (--name) or spec")]
    Clash {
        /// The existing spec file.
        spec: PathBuf,
        /// The clashing name: `operationId X`, `POST /path`, `definition Y`.
        what: String,
    },
    /// The written spec would not be read back as intended.
    #[error("the spec written would not be read as intended: {0}")]
    NotRecognised(String),
    /// The written spec does not load.
    #[error(transparent)]
    Load(#[from] connector_model::Error),
    /// Writing the spec failed.
    #[error("{path}: {source}")]
    Write {
        /// The spec file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

fn describe_candidates(candidates: &[String]) -> String {
    if candidates.is_empty() {
        "no URL-looking field".to_string()
    } else {
        format!("several URL-looking fields ({})", candidates.join(", "))
    }
}

/// Result of `trigger new`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Reads a JSON sample; a syntax error names the file, line and column.
pub fn read_json(path: &Path) -> Result<Value> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_json(path, &bytes)
}

/// Parses JSON bytes read from `path` (a UTF-8 byte order mark is allowed).
pub fn parse_json(path: &Path, bytes: &[u8]) -> Result<Value> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    serde_json::from_slice(bytes).map_err(|e| Error::NotJson {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// The value at `pointer` in `sample` (read from `path`), or [`Error::PointerNotInSample`].
pub fn at_pointer<'v>(
    sample: &'v Value,
    pointer: &str,
    path: &Path,
    role: &'static str,
) -> Result<&'v Value> {
    let found = if pointer.is_empty() || pointer.starts_with('/') {
        sample.pointer(pointer)
    } else {
        None
    };
    found.ok_or_else(|| Error::PointerNotInSample {
        path: path.to_path_buf(),
        role,
        pointer: pointer.to_string(),
    })
}

/// `METHOD URL` → (upper-case method, URL template).
pub fn request_line(text: &str) -> Result<(String, String)> {
    let mut parts = text.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(url), None) if method.chars().all(|c| c.is_ascii_alphabetic()) => {
            Ok((method.to_ascii_uppercase(), url.to_string()))
        }
        _ => Err(Error::RequestLine {
            text: text.to_string(),
        }),
    }
}

/// `Name: value` → (name, value).
pub fn header(text: &str) -> Result<(String, String)> {
    match text.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() && !name.contains(' ') => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(Error::Header {
            text: text.to_string(),
        }),
    }
}

/// One query parameter of a URL template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParam {
    /// Its name.
    pub name: String,
    /// `{placeholder}` value: a parameter the user fills; else the literal value sent always.
    pub value: QueryValue,
}

/// The value of a [`QueryParam`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryValue {
    /// `?name={placeholder}`: a required parameter named after the placeholder.
    Placeholder(String),
    /// `?api-version=2.0`: fixed text.
    Literal(String),
}

/// A parsed URL template: `https://api.github.com/repos/{owner}/{repo}/hooks?x=1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTemplate {
    /// `https`, when the template is absolute.
    pub scheme: Option<String>,
    /// `api.github.com`, when the template is absolute.
    pub host: Option<String>,
    /// `/repos/{owner}/{repo}/hooks`.
    pub path: String,
    /// Placeholders of the path, in order, each once.
    pub path_params: Vec<String>,
    /// Query parameters, in order.
    pub query: Vec<QueryParam>,
}

impl UrlTemplate {
    /// Parses a template; braces must balance and enclose a name, and only the path and the
    /// query values may hold placeholders.
    pub fn parse(template: &str) -> Result<UrlTemplate> {
        let fault = |column: usize, message: &str| Error::UrlTemplate {
            template: template.to_string(),
            column,
            message: message.to_string(),
        };
        let mut open: Option<usize> = None;
        for (i, c) in template.char_indices() {
            match (c, open) {
                ('{', Some(start)) => {
                    return Err(fault(start + 1, "`{` is not closed before the next `{`"))
                }
                ('{', None) => open = Some(i),
                ('}', None) => return Err(fault(i + 1, "`}` closes no placeholder")),
                ('}', Some(start)) => {
                    let name = &template[start + 1..i];
                    if name.is_empty()
                        || !name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                    {
                        return Err(fault(
                            start + 1,
                            "a placeholder must be a name of letters, digits, `_`, `-` or `.`",
                        ));
                    }
                    open = None;
                }
                _ => {}
            }
        }
        if let Some(start) = open {
            return Err(fault(start + 1, "`{` is never closed"));
        }
        let (scheme, rest) = match template.split_once("://") {
            Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
            None => (None, template),
        };
        let (host, rest) = match scheme {
            Some(_) => {
                let end = rest.find(['/', '?']).unwrap_or(rest.len());
                (Some(rest[..end].to_string()), &rest[end..])
            }
            None => (None, rest),
        };
        if host
            .as_deref()
            .is_some_and(|h| h.is_empty() || h.contains('{'))
        {
            return Err(fault(
                template.len() - rest.len(),
                "the host must be given literally",
            ));
        }
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        if !path.starts_with('/') {
            return Err(fault(
                template.len() - rest.len() + 1,
                "expected an absolute URL (`https://host/path`) or a path starting with `/`",
            ));
        }
        let path = path.split('#').next().unwrap_or(path);
        let mut path_params: Vec<String> = Vec::new();
        for name in placeholders(path) {
            if !path_params.contains(&name) {
                path_params.push(name);
            }
        }
        let query = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                let value = match value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
                    Some(inner) => QueryValue::Placeholder(inner.to_string()),
                    None => QueryValue::Literal(value.to_string()),
                };
                QueryParam {
                    name: name.to_string(),
                    value,
                }
            })
            .collect();
        Ok(UrlTemplate {
            scheme,
            host,
            path: path.to_string(),
            path_params,
            query,
        })
    }
}

/// The names between braces in `text`, in order (balanced braces assumed).
fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push(rest[open + 1..open + close].to_string());
        rest = &rest[open + close + 1..];
    }
    out
}

/// The path of a `Location` value: absolute (`https://host/a/b?x`) or relative (`/a/b`).
pub fn location_path(location: &str) -> &str {
    let rest = match location.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => location,
    };
    rest.split(['?', '#']).next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_give_host_path_and_parameters() {
        let t = UrlTemplate::parse(
            "https://api.github.com/repos/{owner}/{repo}/hooks?api-version=2&team={team}",
        )
        .unwrap();
        assert_eq!(t.host.as_deref(), Some("api.github.com"));
        assert_eq!(t.path, "/repos/{owner}/{repo}/hooks");
        assert_eq!(t.path_params, ["owner", "repo"]);
        assert_eq!(
            t.query,
            [
                QueryParam {
                    name: "api-version".into(),
                    value: QueryValue::Literal("2".into())
                },
                QueryParam {
                    name: "team".into(),
                    value: QueryValue::Placeholder("team".into())
                }
            ]
        );
        assert_eq!(UrlTemplate::parse("/hooks").unwrap().host, None);
    }

    #[test]
    fn unbalanced_braces_are_refused_with_a_column() {
        for (template, column) in [
            ("https://x.io/repos/{owner/hooks", 20),
            ("https://x.io/repos/owner}/hooks", 25),
            ("https://x.io/{a{b}}", 14),
            ("https://x.io/{}", 14),
        ] {
            match UrlTemplate::parse(template) {
                Err(Error::UrlTemplate { column: c, .. }) => assert_eq!(c, column, "{template}"),
                other => panic!("{template}: {other:?}"),
            }
        }
    }

    #[test]
    fn location_paths() {
        assert_eq!(
            location_path("https://api.github.com/repos/o/r/hooks/1?x=1"),
            "/repos/o/r/hooks/1"
        );
        assert_eq!(location_path("/hooks/7"), "/hooks/7");
        assert_eq!(location_path("https://h"), "");
    }
}
