//! Hosts webhook triggers and webhook actions durably:
//! enable → subscribe → store → receive → verify → persist → dispatch → unsubscribe.
#![deny(missing_docs)]

pub mod auth;
pub mod trigger;

pub use auth::Auth;
pub use trigger::{set_pointer, Callback, RequestSpec, TriggerError, UnsubscribeRoute, WebhookTrigger};
