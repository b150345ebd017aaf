//! Outbound requests to the third-party API: a [`RequestSpec`] plus [`Auth`], sent with the
//! retry policy Logic Apps uses by default.

use std::time::{Duration, SystemTime};

use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use url::Url;

use std::sync::Arc;

use crate::redact::redact_url;
use crate::{Auth, RequestSpec};

/// When and how often subscribe and unsubscribe requests are retried.
///
/// The default mirrors Logic Apps' default policy: exponential intervals that scale by 7.5 s,
/// four retries, each interval bounded to 5–45 s, on 408, 429, 5xx and connection errors,
/// honouring `Retry-After` (clamped to the same bounds).
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    retries: u32,
    base_interval: Duration,
    min_interval: Duration,
    max_interval: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::logic_apps_default()
    }
}

impl RetryPolicy {
    /// Logic Apps' default: 4 retries, exponential from 7.5 s, bounded to 5–45 s, with jitter.
    pub fn logic_apps_default() -> Self {
        RetryPolicy {
            retries: 4,
            base_interval: Duration::from_millis(7500),
            min_interval: Duration::from_secs(5),
            max_interval: Duration::from_secs(45),
            jitter: true,
        }
    }

    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy::logic_apps_default().with_retries(0)
    }

    /// How many retries after the first attempt.
    pub fn with_retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// The first interval; each further one doubles.
    pub fn with_base_interval(mut self, interval: Duration) -> Self {
        self.base_interval = interval;
        self
    }

    /// Lower bound of every interval (also for `Retry-After`).
    pub fn with_min_interval(mut self, interval: Duration) -> Self {
        self.min_interval = interval;
        self
    }

    /// Upper bound of every interval (also for `Retry-After`).
    pub fn with_max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// Randomise intervals by ±20 % so many clients do not retry in lockstep.
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Retries after the first attempt.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// Upper bound of every interval.
    pub fn max_interval(&self) -> Duration {
        self.max_interval
    }

    /// The wait before retry number `retry` (1-based), given the server's `Retry-After`.
    pub fn interval(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let wanted = match retry_after {
            Some(after) => after,
            None => {
                let factor = 2u32.saturating_pow(retry.saturating_sub(1));
                let interval = self.base_interval.saturating_mul(factor);
                if self.jitter {
                    // try_from_secs_f64 instead of mul_f64: the latter panics on overflow,
                    // which a large retry count would reach.
                    let scaled = interval.as_secs_f64() * rand::thread_rng().gen_range(0.8..1.2);
                    Duration::try_from_secs_f64(scaled).unwrap_or(self.max_interval)
                } else {
                    interval
                }
            }
        };
        let low = self.min_interval.min(self.max_interval);
        wanted.clamp(low, self.max_interval)
    }
}

/// Whether a status is worth retrying (408, 429, 5xx).
pub(crate) fn retryable_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..=599).contains(&status)
}

/// Parse `Retry-After`: delay-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The answer to an outbound request.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
    /// The URL the request went to (base for a relative `Location`).
    pub url: Url,
}

/// Why an outbound request produced no answer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SendError {
    #[error("invalid request URL {url:?}: {reason}")]
    Url { url: String, reason: String },
    #[error("{0}")]
    Transport(String),
    /// The request was sent but no answer came (timeout, reset, cut body): the API may have
    /// acted. Only [`Outbound::send_once_sent`] returns it; `retry` is the retry number of
    /// the lost attempt (0 for the first).
    #[error("outcome unknown: {reason}")]
    OutcomeUnknown { reason: String, retry: u32 },
}

/// Resolve a spec URL: absolute as is, otherwise appended to the connection's base URL
/// (string concatenation, so a base with a path like `https://host/api/v3` keeps its path).
pub(crate) fn resolve_url(
    base_url: &str,
    spec_url: &str,
    query: &[(String, String)],
) -> Result<Url, SendError> {
    let joined = if spec_url.starts_with("http://") || spec_url.starts_with("https://") {
        spec_url.to_owned()
    } else {
        let path = spec_url.trim_start_matches('/');
        format!("{}/{}", base_url.trim_end_matches('/'), path)
    };
    let mut url = Url::parse(&joined).map_err(|e| SendError::Url {
        url: redact_url(&joined),
        reason: e.to_string(),
    })?;
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in query {
            pairs.append_pair(k, v);
        }
    }
    Ok(url)
}

/// Where each attempt of a request gets its bearer token, e.g. a definition's
/// `ActiveDirectoryOAuth` token cache.
#[async_trait::async_trait]
pub trait BearerTokenSource: Send + Sync + std::fmt::Debug {
    /// A valid token, or why there is none (never a secret).
    async fn bearer_token(&self) -> Result<String, String>;
}

/// What a request needs besides a static [`Auth`]: an HTTP client of its own (one that
/// presents a client certificate), a bearer token source and a retry policy, each replacing
/// the host's.
#[derive(Debug, Clone, Default)]
pub struct RequestProfile {
    /// The HTTP client to send with instead of the host's.
    pub client: Option<reqwest::Client>,
    /// Where to get a bearer token for each attempt.
    pub token: Option<Arc<dyn BearerTokenSource>>,
    /// The retry policy instead of the host's.
    pub retry: Option<RetryPolicy>,
}

/// Sends requests with retries. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Outbound {
    client: reqwest::Client,
    policy: RetryPolicy,
    /// Where each attempt gets its bearer token (a definition's ActiveDirectoryOAuth).
    token: Option<Arc<dyn BearerTokenSource>>,
}

impl Outbound {
    pub fn new(client: reqwest::Client, policy: RetryPolicy) -> Self {
        Outbound {
            client,
            policy,
            token: None,
        }
    }

    /// This sender with a connection's request profile: its HTTP client (client
    /// certificate), token source and retry policy replace the host's.
    pub fn for_profile(&self, profile: Option<&RequestProfile>) -> Outbound {
        let Some(profile) = profile else {
            return self.clone();
        };
        Outbound {
            client: profile
                .client
                .clone()
                .unwrap_or_else(|| self.client.clone()),
            policy: profile.retry.clone().unwrap_or_else(|| self.policy.clone()),
            token: profile.token.clone().or_else(|| self.token.clone()),
        }
    }

    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// Send `spec` (URL resolved against `base_url`) with `auth` and `extra_headers`, retrying
    /// per the policy. Returns the last answer whatever its status; errors only when no answer
    /// came at all. For idempotent requests (unsubscribe): every transport error is retried.
    pub async fn send(
        &self,
        spec: &RequestSpec,
        base_url: &str,
        auth: &Auth,
        extra_headers: &[(String, String)],
    ) -> Result<Answer, SendError> {
        self.send_from(spec, base_url, auth, extra_headers, 0, true)
            .await
    }

    /// Like [`Outbound::send`] for non-idempotent requests (subscribe), starting at retry
    /// number `first_retry`: connection failures (the request never left) and retryable
    /// statuses (the server answered, so it did not act) are retried, but any other transport
    /// error returns [`SendError::OutcomeUnknown`] at once, since sending again could make
    /// the API act twice.
    pub async fn send_once_sent(
        &self,
        spec: &RequestSpec,
        base_url: &str,
        auth: &Auth,
        first_retry: u32,
    ) -> Result<Answer, SendError> {
        self.send_from(spec, base_url, auth, &[], first_retry, false)
            .await
    }

    async fn send_from(
        &self,
        spec: &RequestSpec,
        base_url: &str,
        auth: &Auth,
        extra_headers: &[(String, String)],
        first_retry: u32,
        idempotent: bool,
    ) -> Result<Answer, SendError> {
        let url = resolve_url(base_url, &spec.url, &spec.query)?;
        let method = reqwest::Method::from_bytes(spec.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| SendError::Url {
                url: redact_url(url.as_str()),
                reason: format!("invalid method {:?}", spec.method),
            })?;
        let mut retry = first_retry;
        loop {
            let mut request = self.client.request(method.clone(), url.clone());
            for (name, value) in spec.headers.iter().chain(extra_headers) {
                request = request.header(name.as_str(), value.as_str());
            }
            if let Some(body) = &spec.body {
                request = request.json(body);
            }
            request = match &self.token {
                // Per attempt: the source reuses its token until shortly before it expires.
                Some(source) => {
                    let token = source.bearer_token().await.map_err(|e| {
                        SendError::Transport(format!("cannot get an access token: {e}"))
                    })?;
                    request.bearer_auth(token)
                }
                None => auth.apply(request),
            };
            let outcome = request.send().await;
            let (retry_after, reason) = match outcome {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let headers = response.headers().clone();
                    if !retryable_status(status) || retry >= self.policy.retries {
                        let body = response.text().await.unwrap_or_default();
                        tracing::debug!(status, attempt = retry + 1, "answer");
                        return Ok(Answer {
                            status,
                            headers,
                            body,
                            url,
                        });
                    }
                    (
                        retry_after(&headers, SystemTime::now()),
                        format!("status {status}"),
                    )
                }
                Err(error) => {
                    // reqwest errors may quote the URL; print only its kind.
                    let reason = describe(&error);
                    if !idempotent && !error.is_connect() {
                        return Err(SendError::OutcomeUnknown { reason, retry });
                    }
                    if retry >= self.policy.retries {
                        return Err(SendError::Transport(reason));
                    }
                    (None, reason)
                }
            };
            retry += 1;
            let wait = self.policy.interval(retry, retry_after);
            tracing::info!(retry, ?wait, %reason, "retrying");
            tokio::time::sleep(wait).await;
        }
    }
}

fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_connect() {
        "connection failed"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_request() {
        "request failed"
    } else if error.is_body() {
        "body error"
    } else {
        "transport error"
    };
    let without_url = error.to_string();
    let without_url = match error.url() {
        Some(url) => without_url.replace(url.as_str(), &redact_url(url.as_str())),
        None => without_url,
    };
    format!("{kind}: {without_url}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_is_bounded_and_exponential() {
        let policy = RetryPolicy::logic_apps_default().with_jitter(false);
        assert_eq!(policy.interval(1, None), Duration::from_millis(7500));
        assert_eq!(policy.interval(2, None), Duration::from_secs(15));
        assert_eq!(policy.interval(3, None), Duration::from_secs(30));
        assert_eq!(policy.interval(4, None), Duration::from_secs(45));
        assert_eq!(policy.interval(30, None), Duration::from_secs(45));
        assert_eq!(
            policy.interval(1, Some(Duration::from_secs(1))),
            Duration::from_secs(5)
        );
        assert_eq!(
            policy.interval(1, Some(Duration::from_secs(600))),
            Duration::from_secs(45)
        );
        assert_eq!(
            policy.interval(1, Some(Duration::from_secs(9))),
            Duration::from_secs(9)
        );
    }

    #[test]
    fn huge_retry_counts_and_odd_bounds_do_not_panic() {
        let policy = RetryPolicy::logic_apps_default()
            .with_max_interval(Duration::MAX)
            .with_min_interval(Duration::from_secs(100));
        assert!(policy.interval(200, None) >= Duration::from_secs(100));
        let inverted = RetryPolicy::logic_apps_default()
            .with_min_interval(Duration::from_secs(60))
            .with_max_interval(Duration::from_secs(1));
        assert_eq!(inverted.interval(1, None), Duration::from_secs(1));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::now();
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(120));
        headers.insert(RETRY_AFTER, later.parse().unwrap());
        let parsed = retry_after(&headers, now).unwrap();
        assert!(parsed <= Duration::from_secs(120) && parsed >= Duration::from_secs(118));
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn relative_urls_keep_the_base_path() {
        let url = resolve_url(
            "https://h/api/v3/",
            "/repos/o/r/hooks",
            &[("a".into(), "b c".into())],
        )
        .unwrap();
        assert_eq!(url.as_str(), "https://h/api/v3/repos/o/r/hooks?a=b+c");
        let url = resolve_url("https://ignored", "https://other/x", &[]).unwrap();
        assert_eq!(url.as_str(), "https://other/x");
    }
}
