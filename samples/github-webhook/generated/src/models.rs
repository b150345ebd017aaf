//! Request and response types of GitHub Webhook.
//!
//! Types implement `Serialize` when a request sends them and `Deserialize` when an answer or a
//! notification carries them (types nothing uses implement both): serde code is most of what a
//! generated crate takes to build.
/// Body of POST /repos/{owner}/{repo}/hooks
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WebhookRequestBody {
    /// Must be 'web' for a webhook
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether GitHub delivers notifications to the hook
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Events
    ///
    /// The events the hook is triggered for
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<String>>,
    /// Where and how GitHub delivers notifications
    #[serde(default)]
    pub config: WebhookRequestBodyConfig,
}

/// The spec's defaults; fields without one are empty.
impl Default for WebhookRequestBody {
    fn default() -> Self {
        Self {
            name: Some("web".to_owned()),
            active: Some(true),
            events: Some(Vec::from(["push".to_owned()])),
            config: Default::default(),
        }
    }
}

/// Where and how GitHub delivers notifications
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WebhookRequestBodyConfig {
    /// The callback URL GitHub posts notifications to
    #[serde(default)]
    pub url: String,
    /// Media type of the notification body
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Secret
    ///
    /// Key GitHub signs each notification with (X-Hub-Signature-256: HMAC-SHA256 of the body)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// '0' verifies the TLS certificate of the callback URL, '1' does not
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insecure_ssl: Option<String>,
}

/// The spec's defaults; fields without one are empty.
impl Default for WebhookRequestBodyConfig {
    fn default() -> Self {
        Self {
            url: Default::default(),
            content_type: Some("json".to_owned()),
            secret: Default::default(),
            insecure_ssl: Some("0".to_owned()),
        }
    }
}

/// The hook GitHub created
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Default)]
pub struct WebhookCreationResponse {
    /// Hook id
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// API URL of the hook
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// POST here to send a ping delivery
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ping_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<WebhookCreationResponseConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize, Default)]
pub struct WebhookCreationResponseConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

/// A push notification. Every field is optional so the 'ping' delivery GitHub sends right after subscribing (zen, hook_id, repository, sender) parses as the same type; tell them apart by the X-GitHub-Event header.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Default)]
pub struct WebhookPushResponse {
    /// Ref
    ///
    /// The full git ref that was pushed, e.g. refs/heads/main
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub ref_: Option<String>,
    /// Before
    ///
    /// SHA of the most recent commit on ref before the push
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// After
    ///
    /// SHA of the most recent commit on ref after the push
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Compare URL
    ///
    /// URL comparing the before and after commits
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<String>,
    /// Whether the push created the ref
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<bool>,
    /// Whether the push deleted the ref
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// Whether the push was a force push
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forced: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<Repository>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pusher: Option<Pusher>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Sender>,
    /// Commits
    ///
    /// The pushed commits, oldest first
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commits: Option<Vec<Commit>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_commit: Option<Commit>,
    /// Ping deliveries only: a random piece of GitHub zen
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zen: Option<String>,
    /// Ping deliveries only: the id of the hook that was pinged
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hook_id: Option<i64>,
}

/// The repository the event happened in
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Default)]
pub struct Repository {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Repository name
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Repository
    ///
    /// owner/name
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// Repository URL
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_branch: Option<String>,
}

/// The user who pushed
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Default)]
pub struct Pusher {
    /// Pusher name
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Pusher email
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The GitHub account that triggered the event
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Default)]
pub struct Sender {
    /// Sender login
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize, Default)]
pub struct Commit {
    /// Commit id
    ///
    /// Commit SHA
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Commit message
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// Commit URL
    ///
    /// URL of the commit
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<CommitAuthor>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize, Default)]
pub struct CommitAuthor {
    /// Author name
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// Body of POST /repos/{owner}/{repo}/hooks
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WebhookTriggerBody {
    /// Must be 'web' for a webhook
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether GitHub delivers notifications to the hook
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Events
    ///
    /// The events the hook is triggered for
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<String>>,
    /// Where and how GitHub delivers notifications
    #[serde(default)]
    pub config: WebhookTriggerBodyConfig,
}

/// The spec's defaults; fields without one are empty.
impl Default for WebhookTriggerBody {
    fn default() -> Self {
        Self {
            name: Some("web".to_owned()),
            active: Some(true),
            events: Some(Vec::from(["push".to_owned()])),
            config: Default::default(),
        }
    }
}

/// Where and how GitHub delivers notifications
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WebhookTriggerBodyConfig {
    /// Media type of the notification body
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Secret
    ///
    /// Key GitHub signs each notification with (X-Hub-Signature-256: HMAC-SHA256 of the body)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// '0' verifies the TLS certificate of the callback URL, '1' does not
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insecure_ssl: Option<String>,
}

/// The spec's defaults; fields without one are empty.
impl Default for WebhookTriggerBodyConfig {
    fn default() -> Self {
        Self {
            content_type: Some("json".to_owned()),
            secret: Default::default(),
            insecure_ssl: Some("0".to_owned()),
        }
    }
}
