//! `connector-gen check`: load specs and report the connector model and diagnostics.
