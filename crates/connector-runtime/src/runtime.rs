//! What a running host is made of: one owner per concern, held together. The public facade
//! over it is [`crate::Host`]; the callback endpoint ([`crate::receive`]) and the operations
//! (trigger lifecycle, action waits) work on it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use crate::dispatch::inbox::Inbox;
use crate::http_client::Outbound;
use crate::registry::Registration;
use crate::store::Store;
use crate::subscriptions::Subscriptions;
use crate::verify::CallbackSigner;
use crate::waits::Waits;
use crate::SubscriptionId;

pub(crate) struct HostInner {
    pub public_url: String,
    pub local_addr: SocketAddr,
    pub store: Arc<dyn Store>,
    pub signer: CallbackSigner,
    pub outbound: Outbound,
    pub body_limit: usize,
    pub header_limit: usize,
    pub busy_retry_after: Duration,
    pub registry: RwLock<HashMap<String, Arc<Registration>>>,
    /// Subscription cache and locks.
    pub subscriptions: Arc<Subscriptions>,
    /// Pending action waits and their deadlines.
    pub waits: Arc<Waits>,
    /// Claims on inbox rows: leases, in-flight rows, done-marks.
    pub inbox: Arc<Inbox>,
    pub server: axum_server::Handle<SocketAddr>,
    pub server_task: Mutex<Option<tokio::task::JoinHandle<()>>>,
    pub shutdown: tokio::sync::watch::Sender<bool>,
    pub sweep_interval: Duration,
    pub inbox_retention: Duration,
    /// Set by the first `resume`; registrations after it redeliver their pending rows at once.
    pub resumed: std::sync::atomic::AtomicBool,
    /// See [`HostBuilder::with_late_hook_window`].
    pub late_hook_window: Duration,
    /// Subscriptions whose subscribe answer was lost → until when to look for late hooks.
    pub late_hook_watch: Mutex<HashMap<SubscriptionId, tokio::time::Instant>>,
}

impl HostInner {
    pub fn callback_url(&self, id: &SubscriptionId) -> String {
        format!(
            "{}/callbacks/{}?sig={}",
            self.public_url,
            id,
            self.signer.token(id.as_str())
        )
    }

    pub fn registration(&self, name: &str) -> Option<Arc<Registration>> {
        self.registry.read().ok()?.get(name).cloned()
    }

    pub fn is_shut_down(&self) -> bool {
        *self.shutdown.borrow()
    }
}
