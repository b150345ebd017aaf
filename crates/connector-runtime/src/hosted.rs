//! One set of host methods for every kind of trigger: `register`, `register_with`, `enable`
//! and `update` take a webhook trigger ([`crate::WebhookTrigger`]) or a polling trigger
//! ([`crate::PollingTrigger`]) alike, with the same handler signature (`Callback<T>`).
//!
//! [`HostedTrigger`] is implemented for both through a marker type parameter ([`Webhook`],
//! [`Polling`]), which the compiler infers from the trigger's type, so `host.enable(&trigger)`
//! needs no annotation. A type implementing both trigger traits would be ambiguous; generated
//! types implement one.

use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::handler::HandlerFn;
use crate::host::Host;
use crate::registry::{Connection, TriggerOptions};
use crate::{PollingTrigger, SubscriptionId, WebhookTrigger};

/// Marker: the trigger is a webhook (subscribe with a callback URL).
#[derive(Debug, Clone, Copy)]
pub enum Webhook {}

/// Marker: the trigger is polled.
#[derive(Debug, Clone, Copy)]
pub enum Polling {}

/// A typed handler with its type erased, as the host stores it. Only the host makes them.
#[doc(hidden)]
pub struct ErasedHandler(pub(crate) HandlerFn);

impl std::fmt::Debug for ErasedHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ErasedHandler")
    }
}

/// A trigger the host can run: a webhook trigger or a polling trigger (see the module docs).
#[async_trait::async_trait]
pub trait HostedTrigger<Kind>: Send + Sync + 'static {
    /// What one handler run receives: a notification, or one polled item.
    type Body: DeserializeOwned + Send + 'static;

    /// The status code handlers see: 202 for a webhook callback (the host answered it), 200
    /// for a polled item (the API's answer).
    #[doc(hidden)]
    fn status_code() -> u16;

    /// Register under the trigger's name.
    #[doc(hidden)]
    fn install(
        &self,
        host: &Host,
        connection: Connection,
        options: TriggerOptions,
        handler: ErasedHandler,
    ) -> Result<()>;

    /// Start a subscription (subscribe, or start polling).
    #[doc(hidden)]
    async fn start(&self, host: &Host) -> Result<SubscriptionId>;

    /// Replace a subscription's parameters.
    #[doc(hidden)]
    async fn restart(&self, host: &Host, id: &SubscriptionId) -> Result<()>;
}

#[async_trait::async_trait]
impl<T: WebhookTrigger> HostedTrigger<Webhook> for T {
    type Body = T::Notification;

    fn status_code() -> u16 {
        202
    }

    fn install(
        &self,
        host: &Host,
        connection: Connection,
        options: TriggerOptions,
        handler: ErasedHandler,
    ) -> Result<()> {
        host.install_webhook(self, connection, options, handler.0)
    }

    async fn start(&self, host: &Host) -> Result<SubscriptionId> {
        host.enable_webhook(self).await
    }

    async fn restart(&self, host: &Host, id: &SubscriptionId) -> Result<()> {
        host.update_webhook(id, self).await
    }
}

#[async_trait::async_trait]
impl<T: PollingTrigger> HostedTrigger<Polling> for T {
    type Body = T::Item;

    fn status_code() -> u16 {
        200
    }

    fn install(
        &self,
        host: &Host,
        connection: Connection,
        options: TriggerOptions,
        handler: ErasedHandler,
    ) -> Result<()> {
        host.install_polling(self, connection, options, handler.0)
    }

    async fn start(&self, host: &Host) -> Result<SubscriptionId> {
        host.enable_polling(self).await
    }

    async fn restart(&self, host: &Host, id: &SubscriptionId) -> Result<()> {
        host.update_polling(id, self).await
    }
}
