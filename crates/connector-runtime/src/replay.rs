//! A subscription's trigger as data, kept in memory so an operator can enable a disabled
//! subscription again from the admin surface without the trigger object the program passed to
//! [`crate::Host::enable`].
//!
//! Kept in memory only, never in the store: a subscribe request can carry a secret (GitHub's
//! hook secret sits in its body), and the store holds none. So after a restart a disabled
//! subscription is enabled again by the program (`Host::enable` with its trigger), not from the
//! admin surface.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::trigger::{HookListRoute, RequestSpec, TriggerError, UnsubscribeRoute, WebhookTrigger};
use crate::SubscriptionId;

/// What [`crate::lifecycle`] asks of a trigger, captured for one subscription.
pub(crate) struct ReplayTrigger {
    name: String,
    batch: bool,
    subscribe: RequestSpec,
    unsubscribe: Option<RequestSpec>,
    route: Option<UnsubscribeRoute>,
    list: Option<HookListRoute>,
}

impl std::fmt::Debug for ReplayTrigger {
    // The requests may carry secrets; the name is enough to tell one apart.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplayTrigger")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl ReplayTrigger {
    /// Capture `trigger` as it subscribes with `callback_url`.
    pub fn capture<T: WebhookTrigger>(
        trigger: &T,
        callback_url: &str,
    ) -> Result<Self, TriggerError> {
        Ok(ReplayTrigger {
            name: trigger.name().to_owned(),
            batch: trigger.batch(),
            subscribe: trigger.subscribe_request(callback_url)?,
            unsubscribe: trigger.unsubscribe_request(callback_url),
            route: trigger.unsubscribe_route(),
            list: trigger.list_route(),
        })
    }
}

impl WebhookTrigger for ReplayTrigger {
    /// Never parsed: the subscription's registration parses its callbacks.
    type Notification = serde_json::Value;

    fn name(&self) -> &str {
        &self.name
    }

    fn batch(&self) -> bool {
        self.batch
    }

    fn subscribe_request(&self, _callback_url: &str) -> Result<RequestSpec, TriggerError> {
        // Same id and signing key, so the callback URL is the one captured.
        Ok(self.subscribe.clone())
    }

    fn unsubscribe_route(&self) -> Option<UnsubscribeRoute> {
        self.route.clone()
    }

    fn list_route(&self) -> Option<HookListRoute> {
        self.list.clone()
    }

    fn unsubscribe_request(&self, _callback_url: &str) -> Option<RequestSpec> {
        self.unsubscribe.clone()
    }
}

/// The captured triggers of this process's trigger subscriptions.
#[derive(Default)]
pub(crate) struct ReplayTable(Mutex<HashMap<SubscriptionId, Arc<ReplayTrigger>>>);

impl ReplayTable {
    pub fn keep(&self, id: &SubscriptionId, trigger: ReplayTrigger) {
        if let Ok(mut table) = self.0.lock() {
            table.insert(id.clone(), Arc::new(trigger));
        }
    }

    pub fn get(&self, id: &SubscriptionId) -> Option<Arc<ReplayTrigger>> {
        self.0.lock().ok()?.get(id).cloned()
    }

    /// Forget a deleted subscription's trigger.
    pub fn forget(&self, id: &SubscriptionId) {
        if let Ok(mut table) = self.0.lock() {
            table.remove(id);
        }
    }
}
