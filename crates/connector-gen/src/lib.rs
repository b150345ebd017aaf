//! Generate typed Rust connector crates from connector specs.
//!
//! The data path is one module per step: [`connector_model`] loads the spec →
//! [`typespace`] turns schemas into Rust types → [`context`] digests actions, triggers and
//! types for the templates → [`render`] fills the tera templates → [`format`] parses (syn) and
//! pretty-prints each Rust file → [`write`] puts the crate on disk. [`Generator`] drives it.
#![deny(missing_docs)]

pub mod check;
pub mod check_workflow;
pub mod cli;
pub mod context;
pub mod error;
pub mod format;
pub mod generator;
pub mod literals;
pub mod render;
pub mod trigger_new;
pub mod typespace;
pub mod write;

pub use error::{Error, Result};
pub use generator::{ClientDep, GeneratedCrate, Generator};
pub use typespace::Warning;
