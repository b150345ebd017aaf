//! `connector-gen SPEC` and `connector-gen generate SPEC ...` write the same crate.

use std::path::PathBuf;
use std::process::Command;

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/github-webhook/github-webhook.swagger.json")
}

fn read_crate(dir: &std::path::Path) -> Vec<(String, String)> {
    [
        "Cargo.toml",
        "README.md",
        "src/lib.rs",
        "src/models.rs",
        "src/client.rs",
        "src/triggers.rs",
    ]
    .iter()
    .map(|f| {
        (
            f.to_string(),
            std::fs::read_to_string(dir.join(f)).unwrap_or_else(|_| panic!("missing {f}")),
        )
    })
    .collect()
}

#[test]
fn shorthand_and_generate_subcommand_write_the_same_crate() {
    let out = tempfile::tempdir().unwrap();
    let short = Command::new(env!("CARGO_BIN_EXE_connector-gen"))
        .arg(sample())
        .args(["--name", "hooks", "--runtime-version", "0.1", "-o"])
        .arg(out.path().join("a"))
        .output()
        .unwrap();
    assert!(
        short.status.success(),
        "{}",
        String::from_utf8_lossy(&short.stderr)
    );
    let long = Command::new(env!("CARGO_BIN_EXE_connector-gen"))
        .arg("generate")
        .arg(sample())
        .args(["--name", "hooks", "--client-version", "0.1", "--output"])
        .arg(out.path().join("b"))
        .output()
        .unwrap();
    assert!(
        long.status.success(),
        "{}",
        String::from_utf8_lossy(&long.stderr)
    );
    let a = read_crate(&out.path().join("a"));
    assert_eq!(a, read_crate(&out.path().join("b")));
    // `--runtime-version` (the short form above) is the former name of `--client-version`.
    assert!(a[0].1.contains("name = \"hooks\"") && a[0].1.contains("connector-client = \"0.1\""));
}

#[test]
fn default_output_is_the_crate_name_in_the_working_directory() {
    let cwd = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_connector-gen"))
        .arg(sample())
        .current_dir(cwd.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(cwd.path().join("github-webhook/src/triggers.rs").is_file());
}

#[test]
fn a_spec_that_cannot_load_fails_without_output() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("broken.json");
    std::fs::write(&spec, "{\"swagger\": \"2.0\", \"paths\": {").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_connector-gen"))
        .arg(&spec)
        .args(["-o"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("broken.json"));
    assert!(!dir.path().join("out").exists());
}

fn generate_into(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_connector-gen"))
        .arg("generate")
        .arg(sample())
        .args(["--name", "hooks", "-o"])
        .arg(dir)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn a_directory_it_did_not_generate_is_refused_unless_forced_and_stale_files_go() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("crate");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();

    let refused = generate_into(&dir, &[]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert!(!dir.join("Cargo.toml").exists(), "nothing written");

    let forced = generate_into(&dir, &["--force"]);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    let manifest = std::fs::read_to_string(dir.join(".connector-gen-manifest")).unwrap();
    assert!(manifest.contains("\nsrc/triggers.rs\n"), "{manifest}");

    // A file an earlier generation wrote that this one does not: removed on regeneration,
    // while the user's own file stays.
    std::fs::create_dir_all(dir.join("src/gone")).unwrap();
    std::fs::write(dir.join("src/gone/old.rs"), "// old").unwrap();
    std::fs::write(
        dir.join(".connector-gen-manifest"),
        format!("{manifest}src/gone/old.rs\n"),
    )
    .unwrap();
    let again = generate_into(&dir, &[]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(!dir.join("src/gone").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );
}
