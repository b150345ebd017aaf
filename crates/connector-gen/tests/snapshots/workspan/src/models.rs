//! Request and response types of WorkSpan.
//!
//! Types implement `Serialize` when a request sends them and `Deserialize` when an answer or a
//! notification carries them (types nothing uses implement both): serde code is most of what a
//! generated crate takes to build.
/// Payload of event - schema is fetched dynamically
pub type EventPayload = serde_json::Value;

pub type Field = String;

pub type Eventfilter = String;

/// Payload of event - schema is fetched dynamically
pub type WsobjectEventPayload = serde_json::Value;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SubscribeResp {
    /// subscriber_id
    pub subscriber_id: Option<String>,
}

impl<'de> serde::Deserialize<'de> for SubscribeResp {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["subscriber_id"];
        const BY_NAME: &[usize] = &[0];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::SubscribeResp;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct SubscribeResp")
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
                Ok(self::SubscribeResp {
                    subscriber_id: values.0.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("SubscribeResp", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventSubscribeInfo {
    /// subscriber_id
    pub subscriber_id: Option<String>,
    /// Name assigned to the webhook
    pub name: Option<String>,
    /// Object Ids for which webhook is registered
    pub objectids: Option<Vec<String>>,
    /// Events for which webhook is registered
    pub event: Option<Vec<String>>,
    /// Filters for events
    pub filters: Option<String>,
    /// Integration id used for object events
    pub integraion_id: Option<String>,
    /// Should be 'webhook' for webhook
    pub subscriber_type: Option<String>,
}

impl<'de> serde::Deserialize<'de> for EventSubscribeInfo {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &[
            "subscriber_id",
            "name",
            "objectids",
            "event",
            "filters",
            "integraion_id",
            "subscriber_type",
        ];
        const BY_NAME: &[usize] = &[3, 4, 5, 1, 2, 0, 6];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::EventSubscribeInfo;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct EventSubscribeInfo")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = (None, None, None, None, None, None, None);
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
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::EventSubscribeInfo {
                    subscriber_id: values.0.unwrap_or_default(),
                    name: values.1.unwrap_or_default(),
                    objectids: values.2.unwrap_or_default(),
                    event: values.3.unwrap_or_default(),
                    filters: values.4.unwrap_or_default(),
                    integraion_id: values.5.unwrap_or_default(),
                    subscriber_type: values.6.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("EventSubscribeInfo", FIELDS, Fields)
    }
}

/// The spec's defaults; fields without one are empty.
impl Default for EventSubscribeInfo {
    fn default() -> Self {
        Self {
            subscriber_id: Default::default(),
            name: Default::default(),
            objectids: Default::default(),
            event: Default::default(),
            filters: Default::default(),
            integraion_id: Default::default(),
            subscriber_type: Some("webhook".to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct BulkloadOpportunityResponse {
    /// Integration Id
    pub integration_id: Option<String>,
    /// Execution Id
    pub execution_id: Option<String>,
    /// Creation time
    pub created_at: Option<String>,
}

impl<'de> serde::Deserialize<'de> for BulkloadOpportunityResponse {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["integration_id", "execution_id", "created_at"];
        const BY_NAME: &[usize] = &[2, 1, 0];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::BulkloadOpportunityResponse;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct BulkloadOpportunityResponse")
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
                Ok(self::BulkloadOpportunityResponse {
                    integration_id: values.0.unwrap_or_default(),
                    execution_id: values.1.unwrap_or_default(),
                    created_at: values.2.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("BulkloadOpportunityResponse", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct BulkloadResponse {
    /// Integration Id
    pub integration_id: Option<String>,
    /// Execution Id
    pub execution_id: Option<String>,
    /// Data Format
    pub data_format: Option<String>,
    /// Creation time
    pub created_at: Option<String>,
}

impl<'de> serde::Deserialize<'de> for BulkloadResponse {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &[
            "integration_id",
            "execution_id",
            "data_format",
            "created_at",
        ];
        const BY_NAME: &[usize] = &[3, 2, 1, 0];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::BulkloadResponse;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct BulkloadResponse")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = (None, None, None, None);
                let mut keys = connector_client::de::Keys::new(FIELDS, BY_NAME);
                while let Some(key) = keys.next(&mut map)? {
                    match key {
                        Some(0) => connector_client::de::value(&mut map, &mut values.0),
                        Some(1) => connector_client::de::value(&mut map, &mut values.1),
                        Some(2) => connector_client::de::value(&mut map, &mut values.2),
                        Some(3) => connector_client::de::value(&mut map, &mut values.3),
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::BulkloadResponse {
                    integration_id: values.0.unwrap_or_default(),
                    execution_id: values.1.unwrap_or_default(),
                    data_format: values.2.unwrap_or_default(),
                    created_at: values.3.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("BulkloadResponse", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct BulkloadStatusResponse {
    /// Integration ID
    pub integration_id: Option<String>,
    /// Execution ID
    pub execution_id: Option<String>,
    /// Status of execution
    pub status: Option<BulkloadStatusResponseStatus>,
    /// Number of records that were processed successfully
    pub succcess_count: Option<f64>,
    /// Number of records with errors
    pub error_count: Option<f64>,
    /// Number of records received
    pub input_count: Option<f64>,
    /// Number of records skipped
    pub skip_count: Option<f64>,
    /// Timestamp of starting execution
    pub started_at: Option<String>,
    /// Timestamp of completing execution
    pub completed_at: Option<String>,
    /// Flag which indicates whether errors will be returned in the response if any
    pub include_errors: Option<bool>,
    pub errors: Option<Vec<BulkloadStatusResponseErrorsItem>>,
}

impl<'de> serde::Deserialize<'de> for BulkloadStatusResponse {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &[
            "integration_id",
            "execution_id",
            "status",
            "succcess_count",
            "error_count",
            "input_count",
            "skip_count",
            "started_at",
            "completed_at",
            "include_errors",
            "errors",
        ];
        const BY_NAME: &[usize] = &[8, 4, 10, 1, 9, 5, 0, 6, 7, 2, 3];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::BulkloadStatusResponse;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct BulkloadStatusResponse")
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
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::BulkloadStatusResponse {
                    integration_id: values.0.unwrap_or_default(),
                    execution_id: values.1.unwrap_or_default(),
                    status: values.2.unwrap_or_default(),
                    succcess_count: values.3.unwrap_or_default(),
                    error_count: values.4.unwrap_or_default(),
                    input_count: values.5.unwrap_or_default(),
                    skip_count: values.6.unwrap_or_default(),
                    started_at: values.7.unwrap_or_default(),
                    completed_at: values.8.unwrap_or_default(),
                    include_errors: values.9.unwrap_or_default(),
                    errors: values.10.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("BulkloadStatusResponse", FIELDS, Fields)
    }
}

/// Status of execution
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BulkloadStatusResponseStatus {
    /// The value running.
    Running,
    /// The value completed.
    Completed,
    /// A value this version of the spec does not know.
    Other(String),
}

impl BulkloadStatusResponseStatus {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Other(value) => value,
        }
    }
}

impl From<&str> for BulkloadStatusResponseStatus {
    fn from(value: &str) -> Self {
        match value {
            "running" => Self::Running,
            "completed" => Self::Completed,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for BulkloadStatusResponseStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for BulkloadStatusResponseStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for BulkloadStatusResponseStatus {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from(value.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct BulkloadStatusResponseErrorsItem {
    /// Error message
    pub message: Option<String>,
    /// ID of the record which failed
    pub id: Option<String>,
    /// The data row which failed
    pub data_row: Option<String>,
}

impl<'de> serde::Deserialize<'de> for BulkloadStatusResponseErrorsItem {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["message", "id", "data_row"];
        const BY_NAME: &[usize] = &[2, 1, 0];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::BulkloadStatusResponseErrorsItem;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct BulkloadStatusResponseErrorsItem")
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
                Ok(self::BulkloadStatusResponseErrorsItem {
                    message: values.0.unwrap_or_default(),
                    id: values.1.unwrap_or_default(),
                    data_row: values.2.unwrap_or_default(),
                })
            }
        }
        deserializer
            .deserialize_struct("BulkloadStatusResponseErrorsItem", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExternalIdResponse {
    /// ID from external system (e.g. CRM)
    pub external_id: Option<String>,
    /// WorkSpan Object ID (long ID)
    pub object_id: Option<String>,
    /// WorkSpan field name where the external_id from an external system is stored
    pub field_name: Option<String>,
}

impl<'de> serde::Deserialize<'de> for ExternalIdResponse {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["external_id", "object_id", "field_name"];
        const BY_NAME: &[usize] = &[0, 2, 1];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::ExternalIdResponse;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct ExternalIdResponse")
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
                Ok(self::ExternalIdResponse {
                    external_id: values.0.unwrap_or_default(),
                    object_id: values.1.unwrap_or_default(),
                    field_name: values.2.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("ExternalIdResponse", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct GetExternalIdResponse {
    /// Object ID of WorkSpan Object (long ID)
    pub object_id: Option<String>,
    pub external_ids: Option<Vec<GetExternalIdResponseExternalIdsItem>>,
}

impl<'de> serde::Deserialize<'de> for GetExternalIdResponse {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["object_id", "external_ids"];
        const BY_NAME: &[usize] = &[1, 0];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::GetExternalIdResponse;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct GetExternalIdResponse")
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
                Ok(self::GetExternalIdResponse {
                    object_id: values.0.unwrap_or_default(),
                    external_ids: values.1.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("GetExternalIdResponse", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct GetExternalIdResponseExternalIdsItem {
    /// WorkSpan field name where the external_id from an external system is stored
    pub field_name: Option<String>,
    /// ID from external system (e.g. CRM)
    pub external_id: Option<String>,
}

impl<'de> serde::Deserialize<'de> for GetExternalIdResponseExternalIdsItem {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["field_name", "external_id"];
        const BY_NAME: &[usize] = &[1, 0];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::GetExternalIdResponseExternalIdsItem;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct GetExternalIdResponseExternalIdsItem")
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
                Ok(self::GetExternalIdResponseExternalIdsItem {
                    field_name: values.0.unwrap_or_default(),
                    external_id: values.1.unwrap_or_default(),
                })
            }
        }
        deserializer
            .deserialize_struct("GetExternalIdResponseExternalIdsItem", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, Default)]
pub struct ConnectExternalIdRequest {
    /// Field name of external ID in WorkSpan. If empty, default field name of external id field will be used. Default field names are: opportunity object: 'sales_details.crm_opportunity_id'; Accound object: 'account_info.external_account_id'
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_name: Option<String>,
    /// ID from external system (ex. CRM)
    #[serde(default)]
    pub external_id: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditRequest {
    /// Field name of Audit Field in WorkSpan.
    pub field_name: AuditRequestFieldName,
    /// Integration Id (long ID) of related integration
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_id: Option<String>,
    /// ID from external system (example. CRM Id)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Code representing status of audit request.
    pub status_code: AuditRequestStatusCode,
    /// Additional information for recording in audit log
    #[serde(default)]
    pub message: String,
}

/// Field name of Audit Field in WorkSpan.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AuditRequestFieldName {
    /// The value partner_center.integration_status.
    PartnerCenterIntegrationStatus,
    /// A value this version of the spec does not know.
    Other(String),
}

impl AuditRequestFieldName {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::PartnerCenterIntegrationStatus => "partner_center.integration_status",
            Self::Other(value) => value,
        }
    }
}

impl From<&str> for AuditRequestFieldName {
    fn from(value: &str) -> Self {
        match value {
            "partner_center.integration_status" => Self::PartnerCenterIntegrationStatus,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for AuditRequestFieldName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for AuditRequestFieldName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for AuditRequestFieldName {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from(value.as_str()))
    }
}

/// Code representing status of audit request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AuditRequestStatusCode {
    /// The value SCHEDULED.
    Scheduled,
    /// The value CREATE_FAILED.
    CreateFailed,
    /// The value UPDATE_FAILED.
    UpdateFailed,
    /// The value LINKED.
    Linked,
    /// A value this version of the spec does not know.
    Other(String),
}

impl AuditRequestStatusCode {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Scheduled => "SCHEDULED",
            Self::CreateFailed => "CREATE_FAILED",
            Self::UpdateFailed => "UPDATE_FAILED",
            Self::Linked => "LINKED",
            Self::Other(value) => value,
        }
    }
}

impl From<&str> for AuditRequestStatusCode {
    fn from(value: &str) -> Self {
        match value {
            "SCHEDULED" => Self::Scheduled,
            "CREATE_FAILED" => Self::CreateFailed,
            "UPDATE_FAILED" => Self::UpdateFailed,
            "LINKED" => Self::Linked,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for AuditRequestStatusCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for AuditRequestStatusCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for AuditRequestStatusCode {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from(value.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuditResponse {
    /// WorkSpan Object ID (long ID) that was updated
    pub object_id: Option<String>,
    /// Name of WorkSpan field that was updated
    pub field_name: Option<String>,
    /// Updates status
    pub status_code: Option<String>,
}

impl<'de> serde::Deserialize<'de> for AuditResponse {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["object_id", "field_name", "status_code"];
        const BY_NAME: &[usize] = &[1, 0, 2];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::AuditResponse;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct AuditResponse")
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
                Ok(self::AuditResponse {
                    object_id: values.0.unwrap_or_default(),
                    field_name: values.1.unwrap_or_default(),
                    status_code: values.2.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("AuditResponse", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, Default)]
pub struct ReportListRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<ReportPageDto>,
}

impl<'de> serde::Deserialize<'de> for ReportListRequest {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["page"];
        const BY_NAME: &[usize] = &[0];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::ReportListRequest;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct ReportListRequest")
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
                Ok(self::ReportListRequest {
                    page: values.0.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("ReportListRequest", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PageDto {
    #[serde(default)]
    pub number: i64,
    #[serde(default)]
    pub size: i64,
}

impl<'de> serde::Deserialize<'de> for PageDto {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["number", "size"];
        const BY_NAME: &[usize] = &[0, 1];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::PageDto;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct PageDto")
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
                Ok(self::PageDto {
                    number: values.0.unwrap_or_default(),
                    size: values.1.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("PageDto", FIELDS, Fields)
    }
}

/// The spec's defaults; fields without one are empty.
impl Default for PageDto {
    fn default() -> Self {
        Self {
            number: Default::default(),
            size: 500,
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, Default)]
pub struct ReportListResponse {
    #[serde(rename = "endOfList", default, skip_serializing_if = "Option::is_none")]
    pub end_of_list: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<ReportBaseDto>>,
}

impl<'de> serde::Deserialize<'de> for ReportListResponse {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["endOfList", "results"];
        const BY_NAME: &[usize] = &[0, 1];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::ReportListResponse;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct ReportListResponse")
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
                Ok(self::ReportListResponse {
                    end_of_list: values.0.unwrap_or_default(),
                    results: values.1.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("ReportListResponse", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, Default)]
pub struct PersonBaseDto {
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl<'de> serde::Deserialize<'de> for PersonBaseDto {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["id", "name"];
        const BY_NAME: &[usize] = &[0, 1];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::PersonBaseDto;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct PersonBaseDto")
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
                Ok(self::PersonBaseDto {
                    id: values.0.unwrap_or_default(),
                    name: values.1.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("PersonBaseDto", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, Default)]
pub struct ReportBaseDto {
    #[serde(rename = "createdAt", default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(rename = "createdBy", default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<PersonBaseDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub id: i64,
    #[serde(rename = "modifiedAt", default, skip_serializing_if = "Option::is_none")]
    pub modified_at: Option<String>,
    #[serde(rename = "modifiedBy", default, skip_serializing_if = "Option::is_none")]
    pub modified_by: Option<PersonBaseDto>,
    #[serde(default)]
    pub name: String,
    #[serde(rename = "reportStatus", default, skip_serializing_if = "Option::is_none")]
    pub report_status: Option<ReportBaseDtoReportStatus>,
}

impl<'de> serde::Deserialize<'de> for ReportBaseDto {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &[
            "createdAt",
            "createdBy",
            "description",
            "id",
            "modifiedAt",
            "modifiedBy",
            "name",
            "reportStatus",
        ];
        const BY_NAME: &[usize] = &[0, 1, 2, 3, 4, 5, 6, 7];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::ReportBaseDto;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct ReportBaseDto")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = (None, None, None, None, None, None, None, None);
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
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::ReportBaseDto {
                    created_at: values.0.unwrap_or_default(),
                    created_by: values.1.unwrap_or_default(),
                    description: values.2.unwrap_or_default(),
                    id: values.3.unwrap_or_default(),
                    modified_at: values.4.unwrap_or_default(),
                    modified_by: values.5.unwrap_or_default(),
                    name: values.6.unwrap_or_default(),
                    report_status: values.7.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("ReportBaseDto", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReportBaseDtoReportStatus {
    /// The value DRAFT.
    Draft,
    /// The value PUBLISHED.
    Published,
    /// A value this version of the spec does not know.
    Other(String),
}

impl ReportBaseDtoReportStatus {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Draft => "DRAFT",
            Self::Published => "PUBLISHED",
            Self::Other(value) => value,
        }
    }
}

impl From<&str> for ReportBaseDtoReportStatus {
    fn from(value: &str) -> Self {
        match value {
            "DRAFT" => Self::Draft,
            "PUBLISHED" => Self::Published,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for ReportBaseDtoReportStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ReportBaseDtoReportStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ReportBaseDtoReportStatus {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from(value.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReportPageDto {
    #[serde(default)]
    pub number: i64,
    #[serde(default)]
    pub size: i64,
}

impl<'de> serde::Deserialize<'de> for ReportPageDto {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["number", "size"];
        const BY_NAME: &[usize] = &[0, 1];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::ReportPageDto;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct ReportPageDto")
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
                Ok(self::ReportPageDto {
                    number: values.0.unwrap_or_default(),
                    size: values.1.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("ReportPageDto", FIELDS, Fields)
    }
}

/// The spec's defaults; fields without one are empty.
impl Default for ReportPageDto {
    fn default() -> Self {
        Self {
            number: Default::default(),
            size: 500,
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, Default)]
pub struct ReportDataRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<ReportFilterContainer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<ReportPageDto>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportDataResponse {
    pub end_of_list: Option<bool>,
    pub results: Option<Vec<std::collections::BTreeMap<String, serde_json::Value>>>,
    pub version: Option<i64>,
}

impl<'de> serde::Deserialize<'de> for ReportDataResponse {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["endOfList", "results", "version"];
        const BY_NAME: &[usize] = &[0, 1, 2];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::ReportDataResponse;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct ReportDataResponse")
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
                Ok(self::ReportDataResponse {
                    end_of_list: values.0.unwrap_or_default(),
                    results: values.1.unwrap_or_default(),
                    version: values.2.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("ReportDataResponse", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, Default)]
pub struct ReportFieldFilter {
    #[serde(rename = "colId", default, skip_serializing_if = "Option::is_none")]
    pub col_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<ReportFilter>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<ReportFieldFilterType>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReportFieldFilterType {
    /// The value TEXT.
    Text,
    /// The value TEXT_REPEATED.
    TextRepeated,
    /// The value TEXT_PG_ARRAY.
    TextPgArray,
    /// The value BOOLEAN.
    Boolean,
    /// The value NUMBER.
    Number,
    /// The value DECIMAL.
    Decimal,
    /// The value DATE.
    Date,
    /// The value DATE_OFFSET.
    DateOffset,
    /// The value DATE_TIME.
    DateTime,
    /// The value DATE_TIME_OFFSET.
    DateTimeOffset,
    /// The value CURRENCY.
    Currency,
    /// A value this version of the spec does not know.
    Other(String),
}

impl ReportFieldFilterType {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Text => "TEXT",
            Self::TextRepeated => "TEXT_REPEATED",
            Self::TextPgArray => "TEXT_PG_ARRAY",
            Self::Boolean => "BOOLEAN",
            Self::Number => "NUMBER",
            Self::Decimal => "DECIMAL",
            Self::Date => "DATE",
            Self::DateOffset => "DATE_OFFSET",
            Self::DateTime => "DATE_TIME",
            Self::DateTimeOffset => "DATE_TIME_OFFSET",
            Self::Currency => "CURRENCY",
            Self::Other(value) => value,
        }
    }
}

impl From<&str> for ReportFieldFilterType {
    fn from(value: &str) -> Self {
        match value {
            "TEXT" => Self::Text,
            "TEXT_REPEATED" => Self::TextRepeated,
            "TEXT_PG_ARRAY" => Self::TextPgArray,
            "BOOLEAN" => Self::Boolean,
            "NUMBER" => Self::Number,
            "DECIMAL" => Self::Decimal,
            "DATE" => Self::Date,
            "DATE_OFFSET" => Self::DateOffset,
            "DATE_TIME" => Self::DateTime,
            "DATE_TIME_OFFSET" => Self::DateTimeOffset,
            "CURRENCY" => Self::Currency,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for ReportFieldFilterType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ReportFieldFilterType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ReportFieldFilterType {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from(value.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, Default)]
pub struct ReportFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negate: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<ReportFilterOp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReportFilterOp {
    /// The value EQUAL_TO.
    EqualTo,
    /// The value IS_EMPTY.
    IsEmpty,
    /// The value CONTAIN.
    Contain,
    /// The value START_WITH.
    StartWith,
    /// The value END_WITH.
    EndWith,
    /// The value IN.
    In,
    /// The value GREATER_THAN.
    GreaterThan,
    /// The value LESS_THAN.
    LessThan,
    /// The value GREATER_THAN_OR_EQUAL_TO.
    GreaterThanOrEqualTo,
    /// The value LESS_THAN_OR_EQUAL_TO.
    LessThanOrEqualTo,
    /// The value BETWEEN.
    Between,
    /// The value OFFSET.
    Offset,
    /// A value this version of the spec does not know.
    Other(String),
}

impl ReportFilterOp {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::EqualTo => "EQUAL_TO",
            Self::IsEmpty => "IS_EMPTY",
            Self::Contain => "CONTAIN",
            Self::StartWith => "START_WITH",
            Self::EndWith => "END_WITH",
            Self::In => "IN",
            Self::GreaterThan => "GREATER_THAN",
            Self::LessThan => "LESS_THAN",
            Self::GreaterThanOrEqualTo => "GREATER_THAN_OR_EQUAL_TO",
            Self::LessThanOrEqualTo => "LESS_THAN_OR_EQUAL_TO",
            Self::Between => "BETWEEN",
            Self::Offset => "OFFSET",
            Self::Other(value) => value,
        }
    }
}

impl From<&str> for ReportFilterOp {
    fn from(value: &str) -> Self {
        match value {
            "EQUAL_TO" => Self::EqualTo,
            "IS_EMPTY" => Self::IsEmpty,
            "CONTAIN" => Self::Contain,
            "START_WITH" => Self::StartWith,
            "END_WITH" => Self::EndWith,
            "IN" => Self::In,
            "GREATER_THAN" => Self::GreaterThan,
            "LESS_THAN" => Self::LessThan,
            "GREATER_THAN_OR_EQUAL_TO" => Self::GreaterThanOrEqualTo,
            "LESS_THAN_OR_EQUAL_TO" => Self::LessThanOrEqualTo,
            "BETWEEN" => Self::Between,
            "OFFSET" => Self::Offset,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for ReportFilterOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ReportFilterOp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ReportFilterOp {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from(value.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, Default)]
pub struct ReportFilterContainer {
    #[serde(rename = "fieldFilters", default, skip_serializing_if = "Option::is_none")]
    pub field_filters: Option<Vec<ReportFieldFilter>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<ReportFilterContainerOp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReportFilterContainerOp {
    /// The value AND.
    And,
    /// The value OR.
    Or,
    /// A value this version of the spec does not know.
    Other(String),
}

impl ReportFilterContainerOp {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::And => "AND",
            Self::Or => "OR",
            Self::Other(value) => value,
        }
    }
}

impl From<&str> for ReportFilterContainerOp {
    fn from(value: &str) -> Self {
        match value {
            "AND" => Self::And,
            "OR" => Self::Or,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for ReportFilterContainerOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ReportFilterContainerOp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ReportFilterContainerOp {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from(value.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SubscribeRequest {
    #[serde(default)]
    pub webhook_settings: SubscribeRequestWebhookSettings,
    /// Event Name
    #[serde(default)]
    pub event: String,
    /// Subscriber Name
    ///
    /// Name assigned to the webhook
    #[serde(default)]
    pub name: String,
    /// WorkSpan Object Id
    ///
    /// Object Ids for which webhook is registered
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_ids: Option<Vec<String>>,
    /// Filter example:
    ///  (stage in \[ "closed", "won", "lost" \]) AND (sales_details.partner = "P1")
    ///
    /// Filters for events
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<String>,
    /// Should be 'webhook' for webhook
    #[serde(default)]
    pub subscriber_type: String,
}

/// The spec's defaults; fields without one are empty.
impl Default for SubscribeRequest {
    fn default() -> Self {
        Self {
            webhook_settings: Default::default(),
            event: Default::default(),
            name: Default::default(),
            object_ids: Default::default(),
            filters: Default::default(),
            subscriber_type: "webhook".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, Default)]
pub struct SubscribeRequestWebhookSettings {
    /// Callback URL of Webhook
    ///
    /// Callback URL
    #[serde(default)]
    pub callback_url: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct GetEventSchemaResponse {
    pub schema: Option<serde_json::Value>,
}

impl<'de> serde::Deserialize<'de> for GetEventSchemaResponse {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["schema"];
        const BY_NAME: &[usize] = &[0];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::GetEventSchemaResponse;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct GetEventSchemaResponse")
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
                Ok(self::GetEventSchemaResponse {
                    schema: values.0.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("GetEventSchemaResponse", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct GetEventListResponse {
    pub events: Option<Vec<GetEventListResponseEventsItem>>,
}

impl<'de> serde::Deserialize<'de> for GetEventListResponse {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["events"];
        const BY_NAME: &[usize] = &[0];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::GetEventListResponse;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct GetEventListResponse")
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
                Ok(self::GetEventListResponse {
                    events: values.0.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("GetEventListResponse", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct GetEventListResponseEventsItem {
    pub description: Option<String>,
    pub name: Option<String>,
}

impl<'de> serde::Deserialize<'de> for GetEventListResponseEventsItem {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["description", "name"];
        const BY_NAME: &[usize] = &[0, 1];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::GetEventListResponseEventsItem;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct GetEventListResponseEventsItem")
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
                Ok(self::GetEventListResponseEventsItem {
                    description: values.0.unwrap_or_default(),
                    name: values.1.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("GetEventListResponseEventsItem", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct GetIntegrationListResponse {
    pub integrations: Option<Vec<GetIntegrationListResponseIntegrationsItem>>,
}

impl<'de> serde::Deserialize<'de> for GetIntegrationListResponse {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["integrations"];
        const BY_NAME: &[usize] = &[0];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::GetIntegrationListResponse;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct GetIntegrationListResponse")
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
                Ok(self::GetIntegrationListResponse {
                    integrations: values.0.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("GetIntegrationListResponse", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct GetIntegrationListResponseIntegrationsItem {
    pub integration_id: Option<String>,
    pub integration_type: Option<String>,
    pub description: Option<String>,
    pub name: Option<String>,
}

impl<'de> serde::Deserialize<'de> for GetIntegrationListResponseIntegrationsItem {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &[
            "integration_id",
            "integration_type",
            "description",
            "name",
        ];
        const BY_NAME: &[usize] = &[2, 0, 1, 3];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::GetIntegrationListResponseIntegrationsItem;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct GetIntegrationListResponseIntegrationsItem")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = (None, None, None, None);
                let mut keys = connector_client::de::Keys::new(FIELDS, BY_NAME);
                while let Some(key) = keys.next(&mut map)? {
                    match key {
                        Some(0) => connector_client::de::value(&mut map, &mut values.0),
                        Some(1) => connector_client::de::value(&mut map, &mut values.1),
                        Some(2) => connector_client::de::value(&mut map, &mut values.2),
                        Some(3) => connector_client::de::value(&mut map, &mut values.3),
                        _ => connector_client::de::skip(&mut map),
                    }?;
                }
                Ok(self::GetIntegrationListResponseIntegrationsItem {
                    integration_id: values.0.unwrap_or_default(),
                    integration_type: values.1.unwrap_or_default(),
                    description: values.2.unwrap_or_default(),
                    name: values.3.unwrap_or_default(),
                })
            }
        }
        deserializer
            .deserialize_struct(
                "GetIntegrationListResponseIntegrationsItem",
                FIELDS,
                Fields,
            )
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SubscribeObjectEventRequest {
    /// Should be 'webhook' for webhook
    #[serde(default)]
    pub subscriber_type: String,
    /// Subscribe to Object Events
    #[serde(default)]
    pub event: Vec<SubscribeObjectEventRequestEventItem>,
    /// Name of event subscriber
    #[serde(default)]
    pub name: String,
    /// Select Integration configured in WorkSpan
    #[serde(default)]
    pub integration_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_ids: Option<Vec<String>>,
    /// Filter example:
    ///  (stage in \[ "closed", "won", "lost" \]) AND (sales_details.partner = "P1")
    ///
    /// Filters for events
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<String>,
    #[serde(default)]
    pub webhook_settings: SubscribeObjectEventRequestWebhookSettings,
}

/// The spec's defaults; fields without one are empty.
impl Default for SubscribeObjectEventRequest {
    fn default() -> Self {
        Self {
            subscriber_type: "webhook".to_owned(),
            event: Default::default(),
            name: Default::default(),
            integration_id: Default::default(),
            object_ids: Default::default(),
            filters: Default::default(),
            webhook_settings: Default::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SubscribeObjectEventRequestEventItem {
    /// The value object.all.
    ObjectAll,
    /// The value object.create.
    ObjectCreate,
    /// The value object.update.
    ObjectUpdate,
    /// The value object.delete.
    ObjectDelete,
    /// The value object.stage_change.
    ObjectStageChange,
    /// The value object.partner_center_referral_submit.
    ObjectPartnerCenterReferralSubmit,
    /// The value report.submit.
    ReportSubmit,
    /// A value this version of the spec does not know.
    Other(String),
}

impl SubscribeObjectEventRequestEventItem {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::ObjectAll => "object.all",
            Self::ObjectCreate => "object.create",
            Self::ObjectUpdate => "object.update",
            Self::ObjectDelete => "object.delete",
            Self::ObjectStageChange => "object.stage_change",
            Self::ObjectPartnerCenterReferralSubmit => {
                "object.partner_center_referral_submit"
            }
            Self::ReportSubmit => "report.submit",
            Self::Other(value) => value,
        }
    }
}

impl From<&str> for SubscribeObjectEventRequestEventItem {
    fn from(value: &str) -> Self {
        match value {
            "object.all" => Self::ObjectAll,
            "object.create" => Self::ObjectCreate,
            "object.update" => Self::ObjectUpdate,
            "object.delete" => Self::ObjectDelete,
            "object.stage_change" => Self::ObjectStageChange,
            "object.partner_center_referral_submit" => {
                Self::ObjectPartnerCenterReferralSubmit
            }
            "report.submit" => Self::ReportSubmit,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for SubscribeObjectEventRequestEventItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for SubscribeObjectEventRequestEventItem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for SubscribeObjectEventRequestEventItem {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from(value.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, Default)]
pub struct SubscribeObjectEventRequestWebhookSettings {
    /// Callback URL of Webhook
    ///
    /// Callback URL
    #[serde(default)]
    pub callback_url: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SubmitToPartnerCenterObjectEventRequest {
    /// Should be 'webhook' for webhook
    #[serde(default)]
    pub subscriber_type: String,
    /// Submit to partner center event
    #[serde(default)]
    pub event: String,
    /// Name of event subscriber
    #[serde(default)]
    pub name: String,
    /// Select Integration configured in WorkSpan
    #[serde(default)]
    pub integration_id: String,
    #[serde(default)]
    pub webhook_settings: SubscribeObjectEventRequestWebhookSettings,
}

/// The spec's defaults; fields without one are empty.
impl Default for SubmitToPartnerCenterObjectEventRequest {
    fn default() -> Self {
        Self {
            subscriber_type: "webhook".to_owned(),
            event: "object.partner_center_referral_submit".to_owned(),
            name: Default::default(),
            integration_id: Default::default(),
            webhook_settings: Default::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BulkloadOpportunityContentType {
    /// The value csv.
    Csv,
    /// The value json.
    Json,
    /// A value this version of the spec does not know.
    Other(String),
}

impl BulkloadOpportunityContentType {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Other(value) => value,
        }
    }
}

impl From<&str> for BulkloadOpportunityContentType {
    fn from(value: &str) -> Self {
        match value {
            "csv" => Self::Csv,
            "json" => Self::Json,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for BulkloadOpportunityContentType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for BulkloadOpportunityContentType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for BulkloadOpportunityContentType {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from(value.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BulkloadOpportunityContentType2 {
    /// The value text/csv.
    TextCsv,
    /// The value application/json.
    ApplicationJson,
    /// A value this version of the spec does not know.
    Other(String),
}

impl BulkloadOpportunityContentType2 {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::TextCsv => "text/csv",
            Self::ApplicationJson => "application/json",
            Self::Other(value) => value,
        }
    }
}

impl From<&str> for BulkloadOpportunityContentType2 {
    fn from(value: &str) -> Self {
        match value {
            "text/csv" => Self::TextCsv,
            "application/json" => Self::ApplicationJson,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for BulkloadOpportunityContentType2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for BulkloadOpportunityContentType2 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for BulkloadOpportunityContentType2 {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from(value.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BulkloadOpportunityFileAttachmentContentType {
    /// The value xlsx.
    Xlsx,
    /// The value csv.
    Csv,
    /// The value json.
    Json,
    /// A value this version of the spec does not know.
    Other(String),
}

impl BulkloadOpportunityFileAttachmentContentType {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Other(value) => value,
        }
    }
}

impl From<&str> for BulkloadOpportunityFileAttachmentContentType {
    fn from(value: &str) -> Self {
        match value {
            "xlsx" => Self::Xlsx,
            "csv" => Self::Csv,
            "json" => Self::Json,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for BulkloadOpportunityFileAttachmentContentType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for BulkloadOpportunityFileAttachmentContentType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for BulkloadOpportunityFileAttachmentContentType {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from(value.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, Default)]
pub struct BulkloadOpportunityFileAttachmentRequest {
    /// file to upload
    #[serde(default)]
    pub file: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BulkloadDataDataFormat {
    /// The value json.
    Json,
    /// The value csv.
    Csv,
    /// A value this version of the spec does not know.
    Other(String),
}

impl BulkloadDataDataFormat {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
            Self::Other(value) => value,
        }
    }
}

impl From<&str> for BulkloadDataDataFormat {
    fn from(value: &str) -> Self {
        match value {
            "json" => Self::Json,
            "csv" => Self::Csv,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for BulkloadDataDataFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for BulkloadDataDataFormat {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for BulkloadDataDataFormat {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::from(value.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, Default)]
pub struct GetReportListRequest {
    /// page
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<GetReportListRequestPage>,
}

/// page
#[derive(Debug, Clone, PartialEq, serde::Serialize, Default)]
pub struct GetReportListRequestPage {
    /// number
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<i32>,
    /// size
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct GetReportListResponse {
    /// id
    pub id: Option<String>,
    /// name
    pub name: Option<String>,
}

impl<'de> serde::Deserialize<'de> for GetReportListResponse {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["id", "name"];
        const BY_NAME: &[usize] = &[0, 1];
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = self::GetReportListResponse;
            fn expecting(
                &self,
                formatter: &mut std::fmt::Formatter<'_>,
            ) -> std::fmt::Result {
                formatter.write_str("struct GetReportListResponse")
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
                Ok(self::GetReportListResponse {
                    id: values.0.unwrap_or_default(),
                    name: values.1.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("GetReportListResponse", FIELDS, Fields)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SubscribeBody {
    #[serde(default)]
    pub webhook_settings: serde_json::Value,
    /// Event Name
    #[serde(default)]
    pub event: String,
    /// Subscriber Name
    ///
    /// Name assigned to the webhook
    #[serde(default)]
    pub name: String,
    /// WorkSpan Object Id
    ///
    /// Object Ids for which webhook is registered
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_ids: Option<Vec<String>>,
    /// Filter example:
    ///  (stage in \[ "closed", "won", "lost" \]) AND (sales_details.partner = "P1")
    ///
    /// Filters for events
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<String>,
    /// Should be 'webhook' for webhook
    #[serde(default)]
    pub subscriber_type: String,
}

/// The spec's defaults; fields without one are empty.
impl Default for SubscribeBody {
    fn default() -> Self {
        Self {
            webhook_settings: Default::default(),
            event: Default::default(),
            name: Default::default(),
            object_ids: Default::default(),
            filters: Default::default(),
            subscriber_type: "webhook".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SubscribeObjectEventBody {
    /// Should be 'webhook' for webhook
    #[serde(default)]
    pub subscriber_type: String,
    /// Subscribe to Object Events
    #[serde(default)]
    pub event: Vec<SubscribeObjectEventRequestEventItem>,
    /// Name of event subscriber
    #[serde(default)]
    pub name: String,
    /// Select Integration configured in WorkSpan
    #[serde(default)]
    pub integration_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_ids: Option<Vec<String>>,
    /// Filter example:
    ///  (stage in \[ "closed", "won", "lost" \]) AND (sales_details.partner = "P1")
    ///
    /// Filters for events
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<String>,
    #[serde(default)]
    pub webhook_settings: serde_json::Value,
}

/// The spec's defaults; fields without one are empty.
impl Default for SubscribeObjectEventBody {
    fn default() -> Self {
        Self {
            subscriber_type: "webhook".to_owned(),
            event: Default::default(),
            name: Default::default(),
            integration_id: Default::default(),
            object_ids: Default::default(),
            filters: Default::default(),
            webhook_settings: Default::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SubmitToPartnerCenterObjectEventBody {
    /// Should be 'webhook' for webhook
    #[serde(default)]
    pub subscriber_type: String,
    /// Submit to partner center event
    #[serde(default)]
    pub event: String,
    /// Name of event subscriber
    #[serde(default)]
    pub name: String,
    /// Select Integration configured in WorkSpan
    #[serde(default)]
    pub integration_id: String,
    #[serde(default)]
    pub webhook_settings: serde_json::Value,
}

/// The spec's defaults; fields without one are empty.
impl Default for SubmitToPartnerCenterObjectEventBody {
    fn default() -> Self {
        Self {
            subscriber_type: "webhook".to_owned(),
            event: "object.partner_center_referral_submit".to_owned(),
            name: Default::default(),
            integration_id: Default::default(),
            webhook_settings: Default::default(),
        }
    }
}
