//! The host facade: a running [`Host`] over the `HostInner` that holds one owner per
//! concern (built by [`crate::HostBuilder`]). The trigger and action operations are in
//! `lifecycle` and `action`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Result;
use crate::runtime::HostInner;
use crate::store::{Store, SubscriptionRecord};
use crate::SubscriptionId;

/// A running webhook host. Cheap to clone; all clones drive the same host.
#[derive(Clone)]
pub struct Host {
    pub(crate) inner: Arc<HostInner>,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("local_addr", &self.inner.local_addr)
            .field("public_url", &self.inner.public_url)
            .finish()
    }
}

impl Host {
    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.local_addr
    }

    /// The admin listener's address, when [`crate::HostBuilder::with_admin_bind`] turned it on.
    pub fn admin_addr(&self) -> Option<SocketAddr> {
        self.inner.admin_addr.get().copied()
    }

    /// The public base URL (no trailing slash).
    pub fn public_url(&self) -> &str {
        &self.inner.public_url
    }

    /// The callback URL for a subscription: `{public}/callbacks/{id}?sig={token}`.
    pub fn callback_url(&self, id: &SubscriptionId) -> String {
        self.inner.callback_url(id)
    }

    /// The store behind this host.
    pub fn store(&self) -> Arc<dyn Store> {
        self.inner.store.clone()
    }

    /// One subscription's stored record.
    pub async fn subscription(&self, id: &SubscriptionId) -> Result<Option<SubscriptionRecord>> {
        Ok(self.inner.store.subscription(id).await?)
    }

    /// Every stored subscription, oldest first.
    pub async fn subscriptions(&self) -> Result<Vec<SubscriptionRecord>> {
        Ok(self.inner.store.subscriptions().await?)
    }

    /// Stop accepting callbacks and background work. Stored state stays as it is: subscriptions
    /// stay subscribed, so a host started later on the same store continues.
    pub async fn shutdown(&self) {
        let _ = self.inner.shutdown.send(true);
        self.inner.inbox.stop_renewing();
        self.inner
            .server
            .graceful_shutdown(Some(Duration::from_secs(1)));
        // Wake every pending action wait so callers are not left hanging.
        drop(self.inner.waits.drain());
        // Wait for the server to let go of its listener, so a restart can bind the same port.
        let task = self
            .inner
            .server_task
            .lock()
            .ok()
            .and_then(|mut t| t.take());
        if let Some(task) = task {
            let _ = task.await;
        }
        // Handlers that finished have their rows marked done before shutdown returns, so a
        // host started later on the same store does not deliver them again.
        self.inner.inbox.flush().await;
    }
}
