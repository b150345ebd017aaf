//! The GitHub push webhook, end to end: the spec in this directory, the connector crate
//! generated from it, the runtime hosting its trigger, and a GitHub-compatible test server so
//! the whole loop runs on one machine with no network.
#![deny(missing_docs)]

pub mod test_server;

pub use test_server::{TestGitHub, TestGitHubHandle};
