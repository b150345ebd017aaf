//! Generate typed Rust connector crates from connector specs.
#![deny(missing_docs)]

pub mod check;
