//! Outside the workspace, as a user would: `cargo install` the generator into a temporary root,
//! run it in an unrelated directory on a copy of the GitHub webhook sample spec, and build the
//! crate it writes. The crate asks for `connector-client` by version (it is not on crates.io
//! yet), so the build uses the `[patch.crates-io]` override the generated README documents.
//!
//! Installing and building run cargo as the other generated-crate tests do
//! (`support/gen_check.rs`), so the dependencies common to them build once; `--debug` skips
//! optimisation.

#[path = "support/gen_check.rs"]
mod gen_check;

use gen_check::{gen_check_cargo as cargo, root};
use std::process::Command;

fn run(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn installed_generator_writes_a_crate_that_builds_in_an_unrelated_directory() {
    let scratch = tempfile::tempdir().unwrap();
    let install = scratch.path().join("install");
    run(cargo()
        .args([
            "install",
            "--debug",
            "--locked",
            "--offline",
            "--quiet",
            "--path",
        ])
        .arg(root().join("crates/connector-gen"))
        .arg("--root")
        .arg(&install));
    let binary = install.join("bin/connector-gen");

    // The spec and the output live far from the checkout; the generator runs from there.
    let elsewhere = scratch.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::copy(
        root().join("samples/github-webhook/github-webhook.swagger.json"),
        elsewhere.join("github-webhook.swagger.json"),
    )
    .unwrap();
    run(Command::new(&binary)
        .args([
            "generate",
            "github-webhook.swagger.json",
            "-o",
            "app/github-webhook-connector",
            "--name",
            "github-webhook-connector",
        ])
        .current_dir(&elsewhere));
    let generated = elsewhere.join("app/github-webhook-connector");
    let manifest = std::fs::read_to_string(generated.join("Cargo.toml")).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        manifest.contains(&format!("connector-client = \"{version}\"")),
        "{manifest}"
    );
    assert!(!manifest.contains(root().to_str().unwrap()), "{manifest}");
    assert!(
        std::fs::read_to_string(generated.join("README.md"))
            .unwrap()
            .contains("[patch.crates-io]"),
        "the README documents the override"
    );

    let app = elsewhere.join("app");
    std::fs::write(
        app.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [\"github-webhook-connector\"]\n\n\
             [patch.crates-io]\nconnector-client = {{ path = {:?} }}\n",
            root().join("crates/connector-client")
        ),
    )
    .unwrap();
    // The workspace's lock: the same dependency versions, and no registry access needed.
    std::fs::copy(root().join("Cargo.lock"), app.join("Cargo.lock")).unwrap();
    run(cargo()
        .args(["build", "--offline", "--quiet"])
        .current_dir(&app));

    // Generating again over its own output is fine; over someone else's directory it is not.
    run(Command::new(&binary)
        .args([
            "generate",
            "github-webhook.swagger.json",
            "--name",
            "github-webhook-connector",
        ])
        .args(["-o", "app/github-webhook-connector"])
        .current_dir(&elsewhere));
    let refused = Command::new(&binary)
        .args(["generate", "github-webhook.swagger.json", "-o", "app"])
        .current_dir(&elsewhere)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        app.join("Cargo.lock").is_file() && !app.join("src").exists(),
        "nothing of the user's was touched"
    );
}
