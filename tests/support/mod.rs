//! Helpers of the tests that generate crates into a workspace of their own and build or run
//! them with cargo (`generate_compile.rs`, `trigger_new_github.rs`).

mod gen_check;

pub use gen_check::{gen_check_cargo, root};

use connector_gen::{ClientDep, Generator};
use std::path::{Path, PathBuf};

/// Generate `specs` as `(crate name, spec)` into a fresh workspace at `dir`, with `extra`
/// `(member dir, Cargo.toml, main.rs)` binary crates.
pub fn workspace(dir: &Path, specs: &[(String, PathBuf)], extra: &[(&str, String, String)]) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut members = Vec::new();
    for (name, spec) in specs {
        let generated = Generator::from_path(spec)
            .unwrap_or_else(|e| panic!("{}: {e}", spec.display()))
            .with_crate_name(name)
            .with_client(ClientDep::Path(root().join("crates/connector-client")))
            .generate_to(dir.join(name))
            .unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
        for warning in &generated.warnings {
            eprintln!("{name}: warning: {}: {}", warning.context, warning.message);
        }
        members.push(format!("{name:?}"));
    }
    for (member, manifest, main) in extra {
        std::fs::create_dir_all(dir.join(member).join("src")).unwrap();
        std::fs::write(dir.join(member).join("Cargo.toml"), manifest).unwrap();
        std::fs::write(dir.join(member).join("src/main.rs"), main).unwrap();
        members.push(format!("{member:?}"));
    }
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

/// Run cargo in `dir` against the shared generated-code target dir, warnings denied, with
/// `envs` set; returns its standard output.
pub fn cargo(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> String {
    let output = gen_check_cargo()
        .args(args)
        .current_dir(dir)
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo {} failed in {}:\n{}\n{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
