//! Load any connector spec — Swagger 2.0, OpenAPI 3.0 or 3.1, JSON or YAML, strict or not — and
//! turn it into one typed [`Connector`] model.
//!
//! The data path is one-directional and each step is a module:
//! [`load`] (bytes → repaired JSON value) → [`normalise`] (2.0/3.1 → `openapiv3::OpenAPI`) →
//! [`build`] (OpenAPI → [`Connector`]). [`diagnostics`] carries warnings and errors through all three.
//!
//! CONTRACT (agreed between crates; implementation may grow, these names must not change):
//! `load_path`, `load_bytes`, `LoadOptions::{new, with_strict, with_callback_field}`,
//! `Loaded { openapi, connector, diagnostics, source }`, `Diagnostic`, `Severity`, `Error`, `Result`.
#![deny(missing_docs)]

pub mod model;

pub use model::*;
