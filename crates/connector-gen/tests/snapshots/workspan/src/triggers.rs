//! Webhook triggers of WorkSpan: one type per trigger, implementing
//! `connector_client::WebhookTrigger` so the runtime can subscribe, receive and unsubscribe.
/// Subscribe to WorkSpan Collaboration Events
///
/// Subscribe to various collaboration events such as creates and updates on membership, tasks and comments to drive and enhance communication with your internal and partner network.
///
/// Webhook trigger Subscribe (single): subscribes with POST /event/v1/subscriber.
#[derive(Debug, Clone)]
pub struct SubscribeTrigger {
    /// Subscribe Request
    ///
    /// The subscribe request body; the callback URL is added by the runtime.
    pub body: crate::models::SubscribeBody,
}

impl SubscribeTrigger {
    /// The trigger with its required subscribe parameters; optional ones start empty.
    pub fn new(body: crate::models::SubscribeBody) -> Self {
        Self { body }
    }
}

impl connector_client::WebhookTrigger for SubscribeTrigger {
    type Notification = crate::models::EventPayload;
    fn name(&self) -> &str {
        "Subscribe"
    }

    fn subscribe_request(
        &self,
        callback_url: &str,
    ) -> Result<connector_client::RequestSpec, connector_client::TriggerError> {
        let mut body = serde_json::to_value(&self.body)?;
        connector_client::set_pointer(
            &mut body,
            "/webhook_settings/callback_url",
            serde_json::Value::String(callback_url.to_owned()),
        )?;
        Ok(connector_client::RequestSpec {
            method: "POST".to_owned(),
            url: "/event/v1/subscriber".to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Some(body),
        })
    }

    fn unsubscribe_route(&self) -> Option<connector_client::UnsubscribeRoute> {
        Some(connector_client::UnsubscribeRoute {
            method: "DELETE".to_owned(),
            path: "/event/v1/subscriber/{subscriber_id}".to_owned(),
            id_param: Some("subscriber_id".to_owned()),
            id_from: Some("/subscriber_id".to_owned()),
            id_query: None,
            query: Vec::new(),
            headers: Vec::new(),
        })
    }
}

/// Subscribe to WorkSpan Object Events
///
/// Subscribe to various object events such as creates and updates on Opportunities to increase the visibility of your partner influence
///
/// Webhook trigger SubscribeObjectEvent (single): subscribes with POST /event/v1/subscriber/object_integration_event.
#[derive(Debug, Clone)]
pub struct SubscribeObjectEventTrigger {
    /// Subscribe Request
    ///
    /// The subscribe request body; the callback URL is added by the runtime.
    pub body: crate::models::SubscribeObjectEventBody,
}

impl SubscribeObjectEventTrigger {
    /// The trigger with its required subscribe parameters; optional ones start empty.
    pub fn new(body: crate::models::SubscribeObjectEventBody) -> Self {
        Self { body }
    }
}

impl connector_client::WebhookTrigger for SubscribeObjectEventTrigger {
    type Notification = crate::models::WsobjectEventPayload;
    fn name(&self) -> &str {
        "SubscribeObjectEvent"
    }

    fn subscribe_request(
        &self,
        callback_url: &str,
    ) -> Result<connector_client::RequestSpec, connector_client::TriggerError> {
        let mut body = serde_json::to_value(&self.body)?;
        connector_client::set_pointer(
            &mut body,
            "/webhook_settings/callback_url",
            serde_json::Value::String(callback_url.to_owned()),
        )?;
        Ok(connector_client::RequestSpec {
            method: "POST".to_owned(),
            url: "/event/v1/subscriber/object_integration_event".to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Some(body),
        })
    }

    fn unsubscribe_route(&self) -> Option<connector_client::UnsubscribeRoute> {
        Some(connector_client::UnsubscribeRoute {
            method: "DELETE".to_owned(),
            path: "/event/v1/subscriber/{subscriber_id}".to_owned(),
            id_param: Some("subscriber_id".to_owned()),
            id_from: Some("/subscriber_id".to_owned()),
            id_query: None,
            query: Vec::new(),
            headers: Vec::new(),
        })
    }
}

/// Submit Referral to Microsoft Partner Center from WorkSpan
///
/// This trigger is fired when WorkSpan user asks to submit opportunity to Microsoft Partner Center
///
/// Webhook trigger SubmitToPartnerCenterObjectEvent (single): subscribes with POST /event/v1/subscriber/submit_to_partner_center.
#[derive(Debug, Clone)]
pub struct SubmitToPartnerCenterObjectEventTrigger {
    /// Subscribe Request
    ///
    /// The subscribe request body; the callback URL is added by the runtime.
    pub body: crate::models::SubmitToPartnerCenterObjectEventBody,
}

impl SubmitToPartnerCenterObjectEventTrigger {
    /// The trigger with its required subscribe parameters; optional ones start empty.
    pub fn new(body: crate::models::SubmitToPartnerCenterObjectEventBody) -> Self {
        Self { body }
    }
}

impl connector_client::WebhookTrigger for SubmitToPartnerCenterObjectEventTrigger {
    type Notification = crate::models::WsobjectEventPayload;
    fn name(&self) -> &str {
        "SubmitToPartnerCenterObjectEvent"
    }

    fn subscribe_request(
        &self,
        callback_url: &str,
    ) -> Result<connector_client::RequestSpec, connector_client::TriggerError> {
        let mut body = serde_json::to_value(&self.body)?;
        connector_client::set_pointer(
            &mut body,
            "/webhook_settings/callback_url",
            serde_json::Value::String(callback_url.to_owned()),
        )?;
        Ok(connector_client::RequestSpec {
            method: "POST".to_owned(),
            url: "/event/v1/subscriber/submit_to_partner_center".to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Some(body),
        })
    }

    fn unsubscribe_route(&self) -> Option<connector_client::UnsubscribeRoute> {
        Some(connector_client::UnsubscribeRoute {
            method: "DELETE".to_owned(),
            path: "/event/v1/subscriber/{subscriber_id}".to_owned(),
            id_param: Some("subscriber_id".to_owned()),
            id_from: Some("/subscriber_id".to_owned()),
            id_query: None,
            query: Vec::new(),
            headers: Vec::new(),
        })
    }
}
