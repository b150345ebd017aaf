//! Hosts webhook triggers and webhook actions durably:
//! enable → subscribe → store → receive → verify → persist → dispatch → unsubscribe.
//!
//! ```no_run
//! use connector_runtime::{Auth, Connection, Host, HttpWebhookDefinition};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let host = Host::builder()
//!     .with_public_url("https://hooks.example.com")
//!     .with_bind("0.0.0.0:8080".parse()?)
//!     .with_sqlite("runtime.db")
//!     .with_signing_key(b"a long random secret".to_vec())
//!     .build()
//!     .await?;
//! let hook = HttpWebhookDefinition::from_json(r#"{"type": "HttpWebhook", "inputs": {
//!     "subscribe": {"method": "POST", "uri": "https://api.example.com/hooks",
//!                   "body": {"url": "@listCallbackUrl()"}}}}"#)?;
//! host.register(&hook, hook.connection(), |callback| async move {
//!     println!("got {}", callback.body);
//!     Ok(())
//! })?;
//! host.resume().await?; // after a restart: re-attach, redeliver, retry unsubscribes
//! let id = host.enable(&hook).await?;
//! // ... later
//! host.disable(&id).await?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub mod action;
pub mod auth;
pub mod definition;
mod dispatch;
mod done_marks;
pub mod error;
mod headers;
pub mod host;
pub mod http_client;
mod ids;
pub mod lifecycle;
mod lookup;
mod receive;
pub mod redact;
pub mod registry;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod tls;
pub mod trigger;
pub mod verify;
mod wait_table;

pub use action::PendingWait;
pub use auth::Auth;
pub use definition::{HttpWebhookDefinition, WebhookAuthentication, WebhookRequest};
pub use error::{Error, Result};
pub use host::{Host, HostBuilder};
pub use http_client::RetryPolicy;
pub use ids::SubscriptionId;
pub use lifecycle::{ResumeReport, OPERATION_NAME_HEADER, TRACKING_ID_HEADER};
pub use registry::{Connection, HandlerError, TriggerOptions};
pub use store::{
    Durability, HookLookup, SqliteStore, Store, SubscriptionRecord, SubscriptionState,
};
#[cfg(feature = "postgres")]
pub use store::{PostgresOptions, PostgresStore};
pub use trigger::{
    set_pointer, Callback, HookListRoute, RequestSpec, TriggerError, UnsubscribeRoute,
    WebhookTrigger,
};
pub use verify::{CallbackSigner, SignatureCheck};
