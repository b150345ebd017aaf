//! `connector-gen generate SPEC` (and the bare `connector-gen SPEC` shorthand).

use crate::error::Result;
use crate::generator::{ClientDep, Generator};
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
    /// Depend on connector-client by path (its crate directory, `crates/connector-client` in a
    /// checkout) instead of by registry version.
    #[arg(long, conflicts_with_all = ["client_version", "runtime_path"])]
    pub client_path: Option<PathBuf>,
    /// Depend on this registry version of connector-client (default: the generator's version).
    #[arg(long, alias = "runtime-version", conflicts_with = "runtime_path")]
    pub client_version: Option<String>,
    /// Former flag: a checkout's `crates/connector-runtime`; its sibling `connector-client` is
    /// used, as `--client-path` would.
    #[arg(long, hide = true)]
    pub runtime_path: Option<PathBuf>,
    /// Write into a non-empty directory that connector-gen did not generate.
    #[arg(long)]
    pub force: bool,
}

impl GenerateArgs {
    /// The `connector-client` dependency these flags ask for.
    fn client(&self) -> ClientDep {
        if let Some(path) = &self.client_path {
            ClientDep::Path(path.clone())
        } else if let Some(runtime) = &self.runtime_path {
            ClientDep::Path(runtime.with_file_name("connector-client"))
        } else if let Some(version) = &self.client_version {
            ClientDep::Version(version.clone())
        } else {
            ClientDep::default()
        }
    }
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
    if args.runtime_path.is_some() {
        eprintln!("warning: --runtime-path is deprecated; generated crates depend on connector-client: use --client-path");
    }
    generator = generator.with_client(args.client()).with_force(args.force);
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
