//! `connector-gen generate SPEC` (and the bare `connector-gen SPEC` shorthand).

use crate::error::Result;
use crate::generator::{Generator, RuntimeDep};
use std::path::PathBuf;

/// Arguments of `generate`.
#[derive(Debug, Clone, clap::Args)]
pub struct GenerateArgs {
    /// The connector spec (Swagger 2.0 or OpenAPI 3.x, JSON or YAML).
    pub spec: PathBuf,
    /// Output directory (default: ./<crate-name>).
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// Cargo package name (default: the spec title in kebab case).
    #[arg(long)]
    pub name: Option<String>,
    /// Directory of `*.tera` files overriding built-in templates by name.
    #[arg(long)]
    pub templates: Option<PathBuf>,
    /// Depend on connector-runtime by path.
    #[arg(long, conflicts_with = "runtime_version")]
    pub runtime_path: Option<PathBuf>,
    /// Depend on connector-runtime by registry version.
    #[arg(long)]
    pub runtime_version: Option<String>,
}

/// Run `generate`: write the crate and report where, with any warnings, on stderr.
pub fn run(args: &GenerateArgs) -> Result<PathBuf> {
    let mut generator = Generator::from_path(&args.spec)?;
    for diagnostic in &generator.loaded().diagnostics {
        eprintln!(
            "warning: {}: {} ({})",
            args.spec.display(),
            diagnostic.message,
            diagnostic.pointer
        );
    }
    if let Some(name) = &args.name {
        generator = generator.with_crate_name(name);
    }
    if let Some(dir) = &args.templates {
        generator = generator.with_templates_dir(dir);
    }
    if let Some(path) = &args.runtime_path {
        generator = generator.with_runtime(RuntimeDep::Path(path.clone()));
    } else if let Some(version) = &args.runtime_version {
        generator = generator.with_runtime(RuntimeDep::Version(version.clone()));
    }
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(generator.crate_name()));
    let generated = generator.generate_to(&output)?;
    for warning in &generated.warnings {
        eprintln!("warning: {}: {}", warning.context, warning.message);
    }
    eprintln!(
        "generated crate {} ({} files) in {}",
        generated.name,
        generated.files.len(),
        output.display()
    );
    Ok(output)
}
