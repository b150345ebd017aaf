//! The [`Generator`] builder: spec in, crate files out.

use crate::context::{self, Settings};
use crate::error::{Error, Result};
use crate::typespace::Warning;
use crate::{format, render, write};
use connector_model::{LoadOptions, Loaded};
use heck::ToKebabCase;
use std::path::{Component, Path, PathBuf};

/// Where generated crates get `connector-client` (the traits and types generated code names)
/// from. The runtime is the hosting application's dependency, never the generated crate's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientDep {
    /// A path dependency: the `crates/connector-client` directory of a checkout.
    Path(PathBuf),
    /// A registry version requirement, e.g. `"0.1"`.
    Version(String),
}

impl ClientDep {
    /// The registry version this generator was released with (the default): a generated crate
    /// then builds anywhere once `connector-client` is published, and before that with a
    /// `[patch.crates-io]` entry (the generated README shows it) or [`ClientDep::Path`].
    pub fn published() -> Self {
        ClientDep::Version(env!("CARGO_PKG_VERSION").to_owned())
    }

    /// The client crate of the checkout this generator was built in (tests, local work).
    pub fn workspace() -> Self {
        ClientDep::Path(normalise(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../connector-client"),
        ))
    }

    fn toml(&self) -> String {
        match self {
            ClientDep::Path(path) => {
                format!(
                    "{{ path = {} }}",
                    context::toml_string(&path.to_string_lossy())
                )
            }
            ClientDep::Version(version) => context::toml_string(version),
        }
    }
}

impl Default for ClientDep {
    fn default() -> Self {
        ClientDep::published()
    }
}

/// Lexically resolve `.` and `..` (the target may not exist yet, so no canonicalize).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The files of a generated crate, in memory.
#[derive(Debug, Clone)]
pub struct GeneratedCrate {
    /// Cargo package name.
    pub name: String,
    /// `(path relative to the crate root, contents)`, in a fixed order.
    pub files: Vec<(PathBuf, String)>,
    /// Degradations (types that fell back to `serde_json::Value`, skipped parameters, ...).
    pub warnings: Vec<Warning>,
}

impl GeneratedCrate {
    /// Contents of the file at `path`, if generated.
    pub fn file(&self, path: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(p, _)| p == Path::new(path))
            .map(|(_, text)| text.as_str())
    }
}

/// Generates a typed Rust crate from a loaded spec.
///
/// ```no_run
/// # fn main() -> connector_gen::Result<()> {
/// connector_gen::Generator::from_path("api.swagger.json")?
///     .with_crate_name("my-connector")
///     .generate_to("my-connector")?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Generator {
    loaded: Loaded,
    crate_name: Option<String>,
    templates_dir: Option<PathBuf>,
    client: ClientDep,
    force: bool,
}

impl Generator {
    /// A generator for an already loaded spec.
    pub fn new(loaded: Loaded) -> Self {
        Generator {
            loaded,
            crate_name: None,
            templates_dir: None,
            client: ClientDep::default(),
            force: false,
        }
    }

    /// Load the spec at `path` (leniently, repairing what can be repaired).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        Ok(Self::new(connector_model::load_path(
            path.as_ref(),
            &LoadOptions::new(),
        )?))
    }

    /// The Cargo package name (default: the spec title in kebab case).
    pub fn with_crate_name(mut self, name: impl Into<String>) -> Self {
        self.crate_name = Some(name.into());
        self
    }

    /// A directory whose `*.tera` files override built-in templates of the same name.
    pub fn with_templates_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.templates_dir = Some(dir.into());
        self
    }

    /// Where the generated crate gets `connector-client` (default: [`ClientDep::published`]).
    pub fn with_client(mut self, client: ClientDep) -> Self {
        self.client = client;
        self
    }

    /// Let [`Generator::generate_to`] write into a non-empty directory that an earlier
    /// generation did not make (default: refused with [`Error::NotGenerated`]).
    pub fn with_force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// The loaded spec.
    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }

    /// The package name that will be used.
    pub fn crate_name(&self) -> String {
        self.crate_name
            .clone()
            .unwrap_or_else(|| default_crate_name(&self.loaded.connector.title))
    }

    /// Generate the crate in memory: rendered, parsed and formatted.
    pub fn generate(&self) -> Result<GeneratedCrate> {
        let name = self.crate_name();
        if !valid_crate_name(&name) {
            return Err(Error::CrateName(name));
        }
        let settings = Settings {
            crate_name: &name,
            client_dependency: self.client.toml(),
        };
        let (context, warnings) = context::build(&self.loaded, &settings);
        let rendered =
            render::render(&context, self.templates_dir.as_deref(), &self.loaded.source)?;
        let files = rendered
            .into_iter()
            .map(|file| {
                let text = if file.output.extension().is_some_and(|e| e == "rs") {
                    format::rust(&file.text, file.template, &self.loaded.source)?
                } else {
                    format::text(&file.text)
                };
                Ok((file.output, text))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(GeneratedCrate {
            name,
            files,
            warnings,
        })
    }

    /// Generate and write the crate into `dir` (created if needed), with a manifest of the
    /// files written. An earlier generation there is replaced, and its files that this one no
    /// longer has are removed; any other non-empty directory is refused unless
    /// [`Generator::with_force`].
    pub fn generate_to(&self, dir: impl AsRef<Path>) -> Result<GeneratedCrate> {
        let generated = self.generate()?;
        write::write_generated(dir.as_ref(), &generated.files, self.force)?;
        Ok(generated)
    }
}

/// `GitHub v3 REST API` → `github-v3-rest-api`.
pub fn default_crate_name(title: &str) -> String {
    let name: String = title
        .replace("GitHub", "Github")
        .to_kebab_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let name = name.trim_matches('-').to_owned();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name,
        Some(_) => format!("connector-{name}"),
        None => "connector".to_owned(),
    }
}

fn valid_crate_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_come_from_titles() {
        assert_eq!(
            default_crate_name("GitHub v3 REST API"),
            "github-v3-rest-api"
        );
        assert_eq!(default_crate_name("3E Events"), "connector-3e-events");
        assert_eq!(default_crate_name("!!!"), "connector");
        assert!(!valid_crate_name("a b"));
    }

    #[test]
    fn client_dependency_is_a_toml_value() {
        assert_eq!(ClientDep::Version("0.1".into()).toml(), "\"0.1\"");
        assert_eq!(ClientDep::Path("/x/y".into()).toml(), "{ path = \"/x/y\" }");
        assert!(ClientDep::workspace()
            .toml()
            .ends_with("crates/connector-client\" }"));
        assert_eq!(
            ClientDep::default().toml(),
            format!("\"{}\"", env!("CARGO_PKG_VERSION"))
        );
    }
}
