//! Request and response types of Charles Universe.
//!
//! Types implement `Serialize` when a request sends them and `Deserialize` when an answer or a
//! notification carries them (types nothing uses implement both): serde code is most of what a
//! generated crate takes to build.
/// A person/create event with the relevant resource and sibling resources attached.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonCreateEvent {
    pub person: PersonCreateEventPerson,
}

impl<'de> serde::Deserialize<'de> for PersonCreateEvent {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["person"];
        const BY_NAME: &[usize] = &[0];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::PersonCreateEvent;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct PersonCreateEvent")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = (None,);
                let mut keys = connector_client::de::Keys::new(FIELDS, BY_NAME);
                while let Some(key) = keys.next(&mut map)? {
                    match key {
                        Some(0) => connector_client::de::value(&mut map, &mut values.0),
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::PersonCreateEvent {
                    person: values.0.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("PersonCreateEvent", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonCreateEventPerson {
    pub id: String,
    pub updated_at: String,
    pub created_at: String,
    pub first_name: String,
    pub middle_name: String,
    pub last_name: String,
}

impl<'de> serde::Deserialize<'de> for PersonCreateEventPerson {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &[
            "id",
            "updated_at",
            "created_at",
            "first_name",
            "middle_name",
            "last_name",
        ];
        const BY_NAME: &[usize] = &[2, 3, 0, 5, 4, 1];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::PersonCreateEventPerson;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct PersonCreateEventPerson")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = (None, None, None, None, None, None);
                let mut keys = connector_client::de::Keys::new(FIELDS, BY_NAME);
                while let Some(key) = keys.next(&mut map)? {
                    match key {
                        Some(0) => connector_client::de::value(&mut map, &mut values.0),
                        Some(1) => connector_client::de::value(&mut map, &mut values.1),
                        Some(2) => connector_client::de::value(&mut map, &mut values.2),
                        Some(3) => connector_client::de::value(&mut map, &mut values.3),
                        Some(4) => connector_client::de::value(&mut map, &mut values.4),
                        Some(5) => connector_client::de::value(&mut map, &mut values.5),
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::PersonCreateEventPerson {
                    id: values.0.unwrap_or_default(),
                    updated_at: values.1.unwrap_or_default(),
                    created_at: values.2.unwrap_or_default(),
                    first_name: values.3.unwrap_or_default(),
                    middle_name: values.4.unwrap_or_default(),
                    last_name: values.5.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("PersonCreateEventPerson", FIELDS, Fields)
    }
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
