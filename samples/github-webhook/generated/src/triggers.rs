//! Webhook triggers of GitHub Webhook: one type per trigger, implementing
//! `connector_client::WebhookTrigger` so the runtime can subscribe, receive and unsubscribe.
/// Triggers when a PUSH event occurs
///
/// Creates a Github webhook
///
/// Webhook trigger webhook-trigger (single): subscribes with POST /repos/{owner}/{repo}/hooks.
#[derive(Debug, Clone)]
pub struct WebhookTrigger {
    /// Name of the owner of targetted repository
    pub owner: String,
    /// Name of the repository
    pub repo: String,
    /// This is the request body of the Webhook
    ///
    /// The subscribe request body; the callback URL is added by the runtime.
    pub body: crate::models::WebhookTriggerBody,
}

impl WebhookTrigger {
    /// The trigger with its required subscribe parameters; optional ones start empty.
    pub fn new(
        owner: String,
        repo: String,
        body: crate::models::WebhookTriggerBody,
    ) -> Self {
        Self { owner, repo, body }
    }
}

impl connector_client::WebhookTrigger for WebhookTrigger {
    type Notification = crate::models::WebhookPushResponse;
    fn name(&self) -> &str {
        "webhook-trigger"
    }

    fn subscribe_request(
        &self,
        callback_url: &str,
    ) -> Result<connector_client::RequestSpec, connector_client::TriggerError> {
        let mut body = serde_json::to_value(&self.body)?;
        connector_client::set_pointer(
            &mut body,
            "/config/url",
            serde_json::Value::String(callback_url.to_owned()),
        )?;
        Ok(connector_client::RequestSpec {
            method: "POST".to_owned(),
            url: {
                let owner = crate::client::path_value(&self.owner);
                let repo = crate::client::path_value(&self.repo);
                format!("/repos/{owner}/{repo}/hooks")
            },
            query: Vec::new(),
            headers: Vec::new(),
            body: Some(body),
        })
    }

    fn unsubscribe_route(&self) -> Option<connector_client::UnsubscribeRoute> {
        Some(connector_client::UnsubscribeRoute {
            method: "DELETE".to_owned(),
            path: {
                let owner = crate::client::path_value(&self.owner);
                let repo = crate::client::path_value(&self.repo);
                format!("/repos/{owner}/{repo}/hooks/{{hook_Id}}")
            },
            id_param: Some("hook_Id".to_owned()),
            id_from: Some("/id".to_owned()),
            id_query: None,
            query: Vec::new(),
            headers: Vec::new(),
        })
    }

    fn list_route(&self) -> Option<connector_client::HookListRoute> {
        Some(connector_client::HookListRoute {
            method: "GET".to_owned(),
            path: {
                let owner = crate::client::path_value(&self.owner);
                let repo = crate::client::path_value(&self.repo);
                format!("/repos/{owner}/{repo}/hooks")
            },
            query: Vec::new(),
            headers: Vec::new(),
            items_from: None,
            callback_from: "/config/url".to_owned(),
            id_from: Some("/id".to_owned()),
            url_from: Some("/url".to_owned()),
        })
    }
}
