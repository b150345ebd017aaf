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
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WebhookCreationResponse {
    /// Hook id
    pub id: Option<i64>,
    /// API URL of the hook
    pub url: Option<String>,
    /// POST here to send a ping delivery
    pub ping_url: Option<String>,
    pub name: Option<String>,
    pub active: Option<bool>,
    pub events: Option<Vec<String>>,
    pub config: Option<WebhookCreationResponseConfig>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

impl<'de> serde::Deserialize<'de> for WebhookCreationResponse {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &[
            "id",
            "url",
            "ping_url",
            "name",
            "active",
            "events",
            "config",
            "created_at",
            "updated_at",
        ];
        const BY_NAME: &[usize] = &[4, 6, 7, 5, 0, 3, 2, 8, 1];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::WebhookCreationResponse;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct WebhookCreationResponse")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = (None, None, None, None, None, None, None, None, None);
                let mut keys = connector_client::de::Keys::new(FIELDS, BY_NAME);
                while let Some(key) = keys.next(&mut map)? {
                    match key {
                        Some(0) => connector_client::de::value(&mut map, &mut values.0),
                        Some(1) => connector_client::de::value(&mut map, &mut values.1),
                        Some(2) => connector_client::de::value(&mut map, &mut values.2),
                        Some(3) => connector_client::de::value(&mut map, &mut values.3),
                        Some(4) => connector_client::de::value(&mut map, &mut values.4),
                        Some(5) => connector_client::de::value(&mut map, &mut values.5),
                        Some(6) => connector_client::de::value(&mut map, &mut values.6),
                        Some(7) => connector_client::de::value(&mut map, &mut values.7),
                        Some(8) => connector_client::de::value(&mut map, &mut values.8),
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::WebhookCreationResponse {
                    id: values.0.unwrap_or_default(),
                    url: values.1.unwrap_or_default(),
                    ping_url: values.2.unwrap_or_default(),
                    name: values.3.unwrap_or_default(),
                    active: values.4.unwrap_or_default(),
                    events: values.5.unwrap_or_default(),
                    config: values.6.unwrap_or_default(),
                    created_at: values.7.unwrap_or_default(),
                    updated_at: values.8.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("WebhookCreationResponse", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct WebhookCreationResponseConfig {
    pub url: Option<String>,
    pub content_type: Option<String>,
}

impl<'de> serde::Deserialize<'de> for WebhookCreationResponseConfig {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["url", "content_type"];
        const BY_NAME: &[usize] = &[1, 0];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::WebhookCreationResponseConfig;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct WebhookCreationResponseConfig")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = (None, None);
                let mut keys = connector_client::de::Keys::new(FIELDS, BY_NAME);
                while let Some(key) = keys.next(&mut map)? {
                    match key {
                        Some(0) => connector_client::de::value(&mut map, &mut values.0),
                        Some(1) => connector_client::de::value(&mut map, &mut values.1),
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::WebhookCreationResponseConfig {
                    url: values.0.unwrap_or_default(),
                    content_type: values.1.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("WebhookCreationResponseConfig", FIELDS, Fields)
    }
}

/// A push notification. Every field is optional so the 'ping' delivery GitHub sends right after subscribing (zen, hook_id, repository, sender) parses as the same type; tell them apart by the X-GitHub-Event header.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WebhookPushResponse {
    /// Ref
    ///
    /// The full git ref that was pushed, e.g. refs/heads/main
    pub ref_: Option<String>,
    /// Before
    ///
    /// SHA of the most recent commit on ref before the push
    pub before: Option<String>,
    /// After
    ///
    /// SHA of the most recent commit on ref after the push
    pub after: Option<String>,
    /// Compare URL
    ///
    /// URL comparing the before and after commits
    pub compare: Option<String>,
    /// Whether the push created the ref
    pub created: Option<bool>,
    /// Whether the push deleted the ref
    pub deleted: Option<bool>,
    /// Whether the push was a force push
    pub forced: Option<bool>,
    pub repository: Option<Repository>,
    pub pusher: Option<Pusher>,
    pub sender: Option<Sender>,
    /// Commits
    ///
    /// The pushed commits, oldest first
    pub commits: Option<Vec<Commit>>,
    pub head_commit: Option<Commit>,
    /// Ping deliveries only: a random piece of GitHub zen
    pub zen: Option<String>,
    /// Ping deliveries only: the id of the hook that was pinged
    pub hook_id: Option<i64>,
}

impl<'de> serde::Deserialize<'de> for WebhookPushResponse {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &[
            "ref",
            "before",
            "after",
            "compare",
            "created",
            "deleted",
            "forced",
            "repository",
            "pusher",
            "sender",
            "commits",
            "head_commit",
            "zen",
            "hook_id",
        ];
        const BY_NAME: &[usize] = &[2, 1, 10, 3, 4, 5, 6, 11, 13, 8, 0, 7, 9, 12];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::WebhookPushResponse;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct WebhookPushResponse")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = (
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                );
                let mut keys = connector_client::de::Keys::new(FIELDS, BY_NAME);
                while let Some(key) = keys.next(&mut map)? {
                    match key {
                        Some(0) => connector_client::de::value(&mut map, &mut values.0),
                        Some(1) => connector_client::de::value(&mut map, &mut values.1),
                        Some(2) => connector_client::de::value(&mut map, &mut values.2),
                        Some(3) => connector_client::de::value(&mut map, &mut values.3),
                        Some(4) => connector_client::de::value(&mut map, &mut values.4),
                        Some(5) => connector_client::de::value(&mut map, &mut values.5),
                        Some(6) => connector_client::de::value(&mut map, &mut values.6),
                        Some(7) => connector_client::de::value(&mut map, &mut values.7),
                        Some(8) => connector_client::de::value(&mut map, &mut values.8),
                        Some(9) => connector_client::de::value(&mut map, &mut values.9),
                        Some(10) => connector_client::de::value(&mut map, &mut values.10),
                        Some(11) => connector_client::de::value(&mut map, &mut values.11),
                        Some(12) => connector_client::de::value(&mut map, &mut values.12),
                        Some(13) => connector_client::de::value(&mut map, &mut values.13),
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::WebhookPushResponse {
                    ref_: values.0.unwrap_or_default(),
                    before: values.1.unwrap_or_default(),
                    after: values.2.unwrap_or_default(),
                    compare: values.3.unwrap_or_default(),
                    created: values.4.unwrap_or_default(),
                    deleted: values.5.unwrap_or_default(),
                    forced: values.6.unwrap_or_default(),
                    repository: values.7.unwrap_or_default(),
                    pusher: values.8.unwrap_or_default(),
                    sender: values.9.unwrap_or_default(),
                    commits: values.10.unwrap_or_default(),
                    head_commit: values.11.unwrap_or_default(),
                    zen: values.12.unwrap_or_default(),
                    hook_id: values.13.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("WebhookPushResponse", FIELDS, Fields)
    }
}

/// The repository the event happened in
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Repository {
    pub id: Option<i64>,
    /// Repository name
    pub name: Option<String>,
    /// Repository
    ///
    /// owner/name
    pub full_name: Option<String>,
    /// Repository URL
    pub html_url: Option<String>,
    pub default_branch: Option<String>,
}

impl<'de> serde::Deserialize<'de> for Repository {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &[
            "id",
            "name",
            "full_name",
            "html_url",
            "default_branch",
        ];
        const BY_NAME: &[usize] = &[4, 2, 3, 0, 1];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::Repository;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct Repository")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = (None, None, None, None, None);
                let mut keys = connector_client::de::Keys::new(FIELDS, BY_NAME);
                while let Some(key) = keys.next(&mut map)? {
                    match key {
                        Some(0) => connector_client::de::value(&mut map, &mut values.0),
                        Some(1) => connector_client::de::value(&mut map, &mut values.1),
                        Some(2) => connector_client::de::value(&mut map, &mut values.2),
                        Some(3) => connector_client::de::value(&mut map, &mut values.3),
                        Some(4) => connector_client::de::value(&mut map, &mut values.4),
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::Repository {
                    id: values.0.unwrap_or_default(),
                    name: values.1.unwrap_or_default(),
                    full_name: values.2.unwrap_or_default(),
                    html_url: values.3.unwrap_or_default(),
                    default_branch: values.4.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("Repository", FIELDS, Fields)
    }
}

/// The user who pushed
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pusher {
    /// Pusher name
    pub name: Option<String>,
    /// Pusher email
    pub email: Option<String>,
}

impl<'de> serde::Deserialize<'de> for Pusher {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["name", "email"];
        const BY_NAME: &[usize] = &[1, 0];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::Pusher;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct Pusher")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = (None, None);
                let mut keys = connector_client::de::Keys::new(FIELDS, BY_NAME);
                while let Some(key) = keys.next(&mut map)? {
                    match key {
                        Some(0) => connector_client::de::value(&mut map, &mut values.0),
                        Some(1) => connector_client::de::value(&mut map, &mut values.1),
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::Pusher {
                    name: values.0.unwrap_or_default(),
                    email: values.1.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("Pusher", FIELDS, Fields)
    }
}

/// The GitHub account that triggered the event
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sender {
    /// Sender login
    pub login: Option<String>,
    pub id: Option<i64>,
    pub html_url: Option<String>,
}

impl<'de> serde::Deserialize<'de> for Sender {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["login", "id", "html_url"];
        const BY_NAME: &[usize] = &[2, 1, 0];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::Sender;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct Sender")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = (None, None, None);
                let mut keys = connector_client::de::Keys::new(FIELDS, BY_NAME);
                while let Some(key) = keys.next(&mut map)? {
                    match key {
                        Some(0) => connector_client::de::value(&mut map, &mut values.0),
                        Some(1) => connector_client::de::value(&mut map, &mut values.1),
                        Some(2) => connector_client::de::value(&mut map, &mut values.2),
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::Sender {
                    login: values.0.unwrap_or_default(),
                    id: values.1.unwrap_or_default(),
                    html_url: values.2.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("Sender", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Commit {
    /// Commit id
    ///
    /// Commit SHA
    pub id: Option<String>,
    /// Commit message
    pub message: Option<String>,
    pub timestamp: Option<String>,
    /// Commit URL
    ///
    /// URL of the commit
    pub url: Option<String>,
    pub author: Option<CommitAuthor>,
}

impl<'de> serde::Deserialize<'de> for Commit {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["id", "message", "timestamp", "url", "author"];
        const BY_NAME: &[usize] = &[4, 0, 1, 2, 3];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::Commit;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct Commit")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = (None, None, None, None, None);
                let mut keys = connector_client::de::Keys::new(FIELDS, BY_NAME);
                while let Some(key) = keys.next(&mut map)? {
                    match key {
                        Some(0) => connector_client::de::value(&mut map, &mut values.0),
                        Some(1) => connector_client::de::value(&mut map, &mut values.1),
                        Some(2) => connector_client::de::value(&mut map, &mut values.2),
                        Some(3) => connector_client::de::value(&mut map, &mut values.3),
                        Some(4) => connector_client::de::value(&mut map, &mut values.4),
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::Commit {
                    id: values.0.unwrap_or_default(),
                    message: values.1.unwrap_or_default(),
                    timestamp: values.2.unwrap_or_default(),
                    url: values.3.unwrap_or_default(),
                    author: values.4.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("Commit", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CommitAuthor {
    /// Author name
    pub name: Option<String>,
    pub email: Option<String>,
    pub username: Option<String>,
}

impl<'de> serde::Deserialize<'de> for CommitAuthor {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["name", "email", "username"];
        const BY_NAME: &[usize] = &[1, 0, 2];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::CommitAuthor;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct CommitAuthor")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = (None, None, None);
                let mut keys = connector_client::de::Keys::new(FIELDS, BY_NAME);
                while let Some(key) = keys.next(&mut map)? {
                    match key {
                        Some(0) => connector_client::de::value(&mut map, &mut values.0),
                        Some(1) => connector_client::de::value(&mut map, &mut values.1),
                        Some(2) => connector_client::de::value(&mut map, &mut values.2),
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::CommitAuthor {
                    name: values.0.unwrap_or_default(),
                    email: values.1.unwrap_or_default(),
                    username: values.2.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("CommitAuthor", FIELDS, Fields)
    }
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
