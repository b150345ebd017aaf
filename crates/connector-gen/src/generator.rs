//! The [`Generator`] builder: spec in, crate files out.

use crate::context::{self, Settings};
use crate::error::{Error, Result};
use crate::typespace::Warning;
use crate::{format, render, write};
use connector_model::{LoadOptions, Loaded};
use heck::ToKebabCase;
use std::path::{Component, Path, PathBuf};

/// Where generated crates get `connector-runtime` from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDep {
    /// A path dependency (a checkout of this workspace).
    Path(PathBuf),
    /// A registry version requirement, e.g. `"0.1"`.
    Version(String),
}

impl RuntimeDep {
    /// The runtime crate of the workspace this generator was built in.
    pub fn workspace() -> Self {
        RuntimeDep::Path(normalise(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../connector-runtime"),
        ))
    }

    fn toml(&self) -> String {
        match self {
            RuntimeDep::Path(path) => {
                format!(
                    "{{ path = {} }}",
                    context::toml_string(&path.to_string_lossy())
                )
            }
            RuntimeDep::Version(version) => context::toml_string(version),
        }
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
    runtime: RuntimeDep,
}

impl Generator {
    /// A generator for an already loaded spec.
    pub fn new(loaded: Loaded) -> Self {
        Generator {
            loaded,
            crate_name: None,
            templates_dir: None,
            runtime: RuntimeDep::workspace(),
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

    /// Where the generated crate gets `connector-runtime` (default: this workspace's copy).
    pub fn with_runtime(mut self, runtime: RuntimeDep) -> Self {
        self.runtime = runtime;
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
            runtime_dependency: self.runtime.toml(),
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

    /// Generate and write the crate into `dir` (created if needed; files are overwritten).
    pub fn generate_to(&self, dir: impl AsRef<Path>) -> Result<GeneratedCrate> {
        let generated = self.generate()?;
        write::write(dir.as_ref(), &generated.files)?;
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
    fn runtime_dependency_is_a_toml_value() {
        assert_eq!(RuntimeDep::Version("0.1".into()).toml(), "\"0.1\"");
        assert_eq!(
            RuntimeDep::Path("/x/y".into()).toml(),
            "{ path = \"/x/y\" }"
        );
        assert!(RuntimeDep::workspace()
            .toml()
            .contains("crates/connector-runtime"));
    }
}
