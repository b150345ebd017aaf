//! Webhook triggers of Charles Universe: one type per trigger, implementing
//! `connector_client::WebhookTrigger` so the runtime can subscribe, receive and unsubscribe.
/// Create Arbitrary Event Triggers
///
/// Create arbitrary event triggers, based on Charles Documentation.
///
/// Webhook trigger SetupWebhook (single): subscribes with POST /api/v0/webhooks/incoming/power_automate/events/webhook.
#[derive(Debug, Clone)]
pub struct SetupWebhookTrigger {
    /// The subscribe request body; the callback URL is added by the runtime.
    pub body: crate::models::SetupWebhookBody,
}

impl SetupWebhookTrigger {
    /// The trigger with its required subscribe parameters; optional ones start empty.
    pub fn new(body: crate::models::SetupWebhookBody) -> Self {
        Self { body }
    }
}

impl connector_client::WebhookTrigger for SetupWebhookTrigger {
    type Notification = serde_json::Value;
    fn name(&self) -> &str {
        "SetupWebhook"
    }

    fn subscribe_request(
        &self,
        callback_url: &str,
    ) -> Result<connector_client::RequestSpec, connector_client::TriggerError> {
        let mut body = serde_json::to_value(&self.body)?;
        connector_client::set_pointer(
            &mut body,
            "/callback_uri",
            serde_json::Value::String(callback_url.to_owned()),
        )?;
        Ok(connector_client::RequestSpec {
            method: "POST".to_owned(),
            url: "/api/v0/webhooks/incoming/power_automate/events/webhook".to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Some(body),
        })
    }

    fn unsubscribe_route(&self) -> Option<connector_client::UnsubscribeRoute> {
        Some(connector_client::UnsubscribeRoute {
            method: "DELETE".to_owned(),
            path: "/api/v0/webhooks/{webhookId}".to_owned(),
            id_param: Some("webhookId".to_owned()),
            id_from: None,
            id_query: None,
            query: Vec::new(),
            headers: Vec::new(),
        })
    }
}

/// Person Created
///
/// Triggers when a person is created.
///
/// Webhook trigger SetupWebhookPersonCreate (single): subscribes with POST /api/v0/webhooks/incoming/power_automate/person_create/webhook.
#[derive(Debug, Clone)]
pub struct SetupWebhookPersonCreateTrigger {
    /// The subscribe request body; the callback URL is added by the runtime.
    pub body: crate::models::SetupWebhookPersonCreateBody,
}

impl SetupWebhookPersonCreateTrigger {
    /// The trigger with its required subscribe parameters; optional ones start empty.
    pub fn new(body: crate::models::SetupWebhookPersonCreateBody) -> Self {
        Self { body }
    }
}

impl connector_client::WebhookTrigger for SetupWebhookPersonCreateTrigger {
    type Notification = crate::models::PersonCreateEvent;
    fn name(&self) -> &str {
        "SetupWebhookPersonCreate"
    }

    fn subscribe_request(
        &self,
        callback_url: &str,
    ) -> Result<connector_client::RequestSpec, connector_client::TriggerError> {
        let mut body = serde_json::to_value(&self.body)?;
        connector_client::set_pointer(
            &mut body,
            "/callback_uri",
            serde_json::Value::String(callback_url.to_owned()),
        )?;
        Ok(connector_client::RequestSpec {
            method: "POST".to_owned(),
            url: "/api/v0/webhooks/incoming/power_automate/person_create/webhook"
                .to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Some(body),
        })
    }

    fn unsubscribe_route(&self) -> Option<connector_client::UnsubscribeRoute> {
        Some(connector_client::UnsubscribeRoute {
            method: "DELETE".to_owned(),
            path: "/api/v0/webhooks/{webhookId}".to_owned(),
            id_param: Some("webhookId".to_owned()),
            id_from: None,
            id_query: None,
            query: Vec::new(),
            headers: Vec::new(),
        })
    }
}
