//! Request and response types of Charles Universe.
//!
//! Types implement `Serialize` when a request sends them and `Deserialize` when an answer or a
//! notification carries them (types nothing uses implement both): serde code is most of what a
//! generated crate takes to build.
/// A person/create event with the relevant resource and sibling resources attached.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, Default)]
pub struct PersonCreateEvent {
    #[serde(default)]
    pub person: PersonCreateEventPerson,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize, Default)]
pub struct PersonCreateEventPerson {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub updated_at: String,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub middle_name: String,
    #[serde(default)]
    pub last_name: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SetupWebhookRequest {
    /// Trigger Event
    pub event: SetupWebhookRequestEvent,
    /// Callback URI
    ///
    /// Url new events will be pushed to.
    #[serde(default)]
    pub callback_uri: String,
}

/// Trigger Event
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SetupWebhookRequestEvent {
    /// The value api/people/*/create.
    ApiPeopleCreate,
    /// A value this version of the spec does not know.
    Other(String),
}

impl SetupWebhookRequestEvent {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::ApiPeopleCreate => "api/people/*/create",
            Self::Other(value) => value,
        }
    }
}

impl From<&str> for SetupWebhookRequestEvent {
    fn from(value: &str) -> Self {
        match value {
            "api/people/*/create" => Self::ApiPeopleCreate,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for SetupWebhookRequestEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for SetupWebhookRequestEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for SetupWebhookRequestEvent {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from(value.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SetupWebhookPersonCreateRequest {
    /// Trigger Event
    #[serde(default)]
    pub event: String,
    /// Callback URI
    ///
    /// Url new events will be pushed to.
    #[serde(default)]
    pub callback_uri: String,
}

/// The spec's defaults; fields without one are empty.
impl Default for SetupWebhookPersonCreateRequest {
    fn default() -> Self {
        Self {
            event: "api/people/*/create".to_owned(),
            callback_uri: Default::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SetupWebhookBody {
    /// Trigger Event
    pub event: SetupWebhookRequestEvent,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SetupWebhookPersonCreateBody {
    /// Trigger Event
    #[serde(default)]
    pub event: String,
}

/// The spec's defaults; fields without one are empty.
impl Default for SetupWebhookPersonCreateBody {
    fn default() -> Self {
        Self {
            event: "api/people/*/create".to_owned(),
        }
    }
}
