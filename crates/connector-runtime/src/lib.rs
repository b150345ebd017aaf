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

// Modules in data-path order (enable → subscribe → store → receive → verify → persist →
// dispatch → unsubscribe); each concern is one type that owns its state.

// Setup: `HostBuilder` starts a host; `Host` is the facade over `runtime::HostInner`, which
// holds the owners below; registrations by trigger name; typed handlers behind a type-erased
// layer.
pub mod builder;
pub mod host;
mod runtime;

pub mod registry;

mod handler;

// Hosted triggers: the same host methods for webhook and polling triggers.
pub mod hosted;

// enable: the trigger API (register/enable/disable/update/delete/resume); `Subscriptions`
// owns the live-subscription cache and the subscription locks (store leases).
pub mod lifecycle;

mod subscriptions;

// subscribe: what to send (typed triggers, workflow JSON definitions, auth) and `Outbound`,
// which sends it with retries. `trigger`, `auth` and `polling_trigger` are connector-client's,
// re-exported below.
pub mod definition;

pub mod http_client;

// store: the `Store` contract, `SqliteStore`, the conformance suite.
pub mod store;

// receive: the callback endpoint and its answers (`receive::rejection`), headers kept for the
// handler.
mod receive;

mod headers;

// verify: callback URL tokens and inbound signatures.
pub mod verify;

// persist happens in `receive` through `store` (deduplicated, leased to the receiving host).
// dispatch: per-trigger queues and `dispatch::inbox::Inbox` (claims, done-marks); webhook
// action waits (`Waits`: waits and deadlines) and their API (`PendingWait`).
mod dispatch;

mod waits;

pub mod action;

// unsubscribe: by `Location` or route in `lifecycle`, or by listing the API's hooks.
mod lookup;

// Polling triggers: `Pollers` owns the pollers' table and deadline queue (`poll_table`, one
// timer per host through `deadline_timer`); `polling` sends, commits and dispatches polls.
mod deadline_timer;
mod poll_table;
mod pollers;
mod polling;
#[cfg(feature = "testing")]
pub mod polling_api;

// Operators: the admin listener (run history API and pages, actions) and its metrics;
// triggers kept as data so a disabled subscription can be enabled from there.
mod admin;
mod metrics;
mod replay;

// Support.
pub mod error;
mod ids;
pub mod redact;
#[cfg(feature = "testing")]
pub mod testing;
mod tls;

// The compile-time contract lives in connector-client so generated crates need not depend on
// the runtime; re-exported here at the paths it always had.
pub use connector_client::{auth, polling as polling_trigger, trigger};

pub use action::PendingWait;
pub use auth::Auth;
pub use builder::HostBuilder;
pub use connector_client::{PollingTrigger, DEFAULT_POLL_INTERVAL};
pub use definition::{
    DefinitionError, DefinitionOptions, HttpWebhookDefinition, WebhookAuthentication,
    WebhookRequest,
};
pub use error::{Error, Result};
pub use host::Host;
pub use hosted::{HostedTrigger, Polling, Webhook};
pub use http_client::{BearerTokenSource, RequestProfile, RetryPolicy};
pub use ids::SubscriptionId;
pub use lifecycle::{ResumeReport, OPERATION_NAME_HEADER, TRACKING_ID_HEADER};
pub use pollers::{PollStats, PollingOptions};
pub use registry::{Connection, HandlerError, TriggerOptions};
pub use store::{
    Durability, HookLookup, Lease, PollState, SqliteStore, Store, StoreError, SubscriptionRecord,
    SubscriptionState, WaitOutcome,
};
#[cfg(feature = "postgres")]
pub use store::{PostgresOptions, PostgresStore};
pub use trigger::{
    set_pointer, Callback, HookListRoute, ReceiveOnlyTrigger, RequestSpec, TriggerError,
    UnsubscribeRoute, WebhookTrigger,
};
pub use verify::{CallbackSigner, SignatureCheck};
