//! The GitHub push webhook, end to end: the spec in this directory, the connector crate
//! generated from it (`generated/`, package `github-webhook-connector`), the runtime hosting
//! its trigger, and a GitHub-compatible test server so the whole loop runs on one machine
//! with no network.
//!
//! - [`demo::run_demo`]: the offline loop the `demo` command runs (and the tests assert).
//! - [`live::run_live`]: the same against real GitHub.
//! - [`session::Session`]: one trigger subscription from enable to disable, shared by both.
//! - [`test_server`]: the GitHub-compatible server.
#![deny(missing_docs)]

pub mod demo;
pub mod error;
pub mod live;
pub mod notice;
pub mod session;
pub mod test_server;

pub use connector_runtime::Auth;
pub use demo::{run_demo, DemoOptions, Step, Transcript};
pub use error::{Error, Result};
pub use notice::{Notice, PingNotice, PushNotice};
pub use session::{Session, SessionConfig, Subscribed, Unsubscribed};
pub use test_server::{TestGitHub, TestGitHubHandle};
