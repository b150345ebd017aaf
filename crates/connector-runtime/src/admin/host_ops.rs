//! What the admin actions ask of the host, beyond its public API.

use crate::error::{Error, Result};
use crate::store::{SubscriptionKind, SubscriptionState};
use crate::{Host, SubscriptionId};

impl Host {
    /// Registered trigger and action names.
    pub(crate) fn registered(&self) -> Vec<(String, SubscriptionKind)> {
        match self.inner.registry.read() {
            Ok(registry) => registry
                .iter()
                .map(|(name, registration)| {
                    let kind = if registration.dispatch.is_some() {
                        SubscriptionKind::Trigger
                    } else {
                        SubscriptionKind::Action
                    };
                    (name.clone(), kind)
                })
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Hand requeued (pending again) inbox rows to their triggers' dispatchers. The
    /// redelivery scan queues every pending row not already queued, so rows requeued by
    /// several operators at once are still queued once each.
    pub(crate) async fn queue_again(&self) {
        if let Err(error) = self.inner.redeliver().await {
            tracing::warn!(%error, "cannot queue requeued deliveries; the next start will");
        }
    }

    /// Send a pending unsubscribe now instead of at the next sweep.
    pub(crate) async fn retry_unsubscribe_now(&self, id: &SubscriptionId) -> Result<()> {
        let _lock = self.inner.lock_subscription(id).await;
        let mut record = self.inner.load(id).await?;
        if record.state != SubscriptionState::Unsubscribing {
            return Err(Error::invalid_state(
                id,
                record.state,
                "retry the unsubscribe",
            ));
        }
        self.inner.unsubscribe_locked(&mut record).await
    }

    /// Subscribe a disabled subscription again under the same id (so its callback URL stays).
    pub(crate) async fn enable_again(&self, id: &SubscriptionId) -> Result<()> {
        let record = self.inner.load(id).await?;
        Err(Error::invalid_state(
            id,
            record.intent.as_str(),
            "enable again (re-subscribing needs the trigger's parameters: call Host::enable)",
        ))
    }
}
