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

pub mod build;
pub mod diagnostics;
pub mod load;
pub mod model;
pub mod names;
pub mod normalise;

pub use diagnostics::{Diagnostic, Error, Result, Severity};
pub use model::*;

use std::path::Path;

/// How to load a spec.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    strict: bool,
    callback_field: Option<String>,
}

impl LoadOptions {
    /// Lenient loading, callback pointers found from the spec.
    pub fn new() -> Self {
        Self::default()
    }

    /// When `true`, every repair the lenient loader would make is an error instead.
    pub fn with_strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Overrides the callback pointer of every webhook trigger (`--callback-field`).
    pub fn with_callback_field(mut self, pointer: Option<String>) -> Self {
        self.callback_field = pointer;
        self
    }

    /// Whether repairs are errors.
    pub fn strict(&self) -> bool {
        self.strict
    }

    /// The callback pointer override, if any.
    pub fn callback_field(&self) -> Option<&str> {
        self.callback_field.as_deref()
    }
}

/// A loaded spec.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// File name or display name.
    pub source: String,
    /// The normalised OpenAPI 3.0 document; every `x-` extension is kept where it stood.
    pub openapi: openapiv3::OpenAPI,
    /// The connector model built from it.
    pub connector: Connector,
    /// Warnings: repairs and degradations, in the order they were made.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and loads the spec at `path`.
pub fn load_path(path: &Path, opts: &LoadOptions) -> Result<Loaded> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    load_bytes(&path.display().to_string(), &bytes, opts)
}

/// Stack for the loading thread: every step walks the document recursively (nesting is capped
/// at [`load::json::MAX_DEPTH`]), and `openapiv3`'s deserialisers use deep stacks per level.
/// The deepest accepted document needs under 8 MiB in a debug build (2 MiB overflows); this
/// leaves a wide margin, and is only reserved address space until used.
const LOADER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Loads a spec from bytes; `name` is used in messages.
///
/// Loading runs on its own thread with a large stack, so that no input — however deeply nested
/// — can overflow the caller's stack, and a bug in a dependency cannot take the caller down:
/// a panic while loading becomes [`Error::Invalid`].
pub fn load_bytes(name: &str, bytes: &[u8], opts: &LoadOptions) -> Result<Loaded> {
    let outcome = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("connector-model-load".into())
            .stack_size(LOADER_STACK_BYTES)
            .spawn_scoped(scope, || load_on_this_thread(name, bytes, opts))
            .map(|handle| handle.join())
    });
    match outcome {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => Err(Error::Invalid {
            file: name.to_string(),
            pointer: String::new(),
            message: format!("internal error while loading: {}", panic_message(&panic)),
        }),
        // No thread could be started: load on this one.
        Err(_) => load_on_this_thread(name, bytes, opts),
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

fn load_on_this_thread(name: &str, bytes: &[u8], opts: &LoadOptions) -> Result<Loaded> {
    let mut diagnostics = diagnostics::Diagnostics::new();
    let value = load::parse(name, bytes, &mut diagnostics)?;
    if opts.strict() && !diagnostics.is_empty() {
        return Err(Error::Strict {
            file: name.to_string(),
            repairs: diagnostics
                .into_vec()
                .into_iter()
                .map(|mut d| {
                    d.message = format!("{} [repair refused: --strict]", d.message);
                    d.with_severity(Severity::Error)
                })
                .collect(),
        });
    }
    let openapi = normalise::normalise(name, value, &mut diagnostics)?;
    let connector = build::build(&openapi, opts, &mut diagnostics);
    Ok(Loaded {
        source: name.to_string(),
        openapi,
        connector,
        diagnostics: diagnostics.into_vec(),
    })
}
