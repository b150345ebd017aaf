//! Measures what connector-gen and connector-runtime promise: no orphaned hooks, no lost
//! notification, safe on hostile input, fast.
//!
//! - [`crash`]: a runtime host as a child process ([`crash::host`]) killed with SIGKILL at random
//!   moments while subscriptions churn and notifications arrive, and the harness that drives it
//!   and counts orphans, lost and duplicate deliveries ([`crash::harness`]).
//! - [`fault_proxy`]: a TCP proxy in front of the mock third-party API that injects faults the
//!   mock cannot (connection resets, answers slower than the client's timeout) plus statuses.
//! - [`scenarios`]: the `connector-bench` scenarios (`generate`, `ingest`, `ingest-durable`,
//!   `waits`, `churn`, `crash`), each returning its figures as JSON.
//! - [`load`], [`stats`], [`memory`], [`cpu`]: the load generator, latency percentiles, RSS and
//!   CPU-time readings.
#![deny(missing_docs)]

pub mod cpu;
pub mod crash;
pub mod error;
pub mod fault_proxy;
pub mod load;
pub mod memory;
pub mod scenarios;
pub mod stats;

pub use error::{Error, Result};
