//! What the admin actions ask of the host, beyond its public API.

use crate::error::{Error, Result};
use crate::store::{Intent, SubscriptionKind, SubscriptionState};
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

    /// Hand requeued (pending again, unleased) inbox rows to their triggers' dispatchers. The
    /// redelivery scan claims every pending row nobody holds, so rows requeued by several
    /// operators at once are still queued once each.
    pub(crate) async fn queue_again(&self) {
        if let Err(error) = self.inner.redeliver().await {
            tracing::warn!(%error, "cannot queue requeued deliveries; the next sweep will");
        }
    }

    /// Send a pending unsubscribe now instead of at the next sweep.
    pub(crate) async fn retry_unsubscribe_now(&self, id: &SubscriptionId) -> Result<()> {
        let _lock = self.inner.subscriptions.lock(id).await?;
        let mut record = self.inner.subscriptions.load(id).await?;
        if record.state != SubscriptionState::Unsubscribing {
            return Err(Error::invalid_state(
                id,
                record.state,
                "retry the unsubscribe",
            ));
        }
        self.inner.unsubscribe_locked(&mut record).await
    }

    /// Subscribe a disabled subscription again under the same id (so its callback URL stays),
    /// with the trigger it subscribed with in this process.
    pub(crate) async fn enable_again(&self, id: &SubscriptionId) -> Result<()> {
        let _lock = self.inner.subscriptions.lock(id).await?;
        let mut record = self.inner.subscriptions.load(id).await?;
        if record.intent != Intent::Disabled || record.kind != SubscriptionKind::Trigger {
            return Err(Error::invalid_state(id, record.intent.as_str(), "enable"));
        }
        if !record.state.is_terminal() {
            return Err(Error::invalid_state(
                id,
                format!("{} (its unsubscribe is still pending)", record.state),
                "enable",
            ));
        }
        let Some(trigger) = self.inner.replays.get(id) else {
            return Err(Error::invalid_state(
                id,
                "disabled before this process started (its trigger's parameters are not kept)",
                "enable from the admin surface; call Host::enable",
            ));
        };
        let registration = self
            .inner
            .registration(&record.trigger)
            .filter(|registration| registration.dispatch.is_some())
            .ok_or_else(|| Error::NotRegistered(record.trigger.clone()))?;
        record.intent = Intent::Enabled;
        self.inner
            .subscribe(&mut record, trigger.as_ref(), &registration.connection)
            .await
    }
}
