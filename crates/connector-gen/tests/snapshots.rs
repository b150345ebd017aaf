//! Snapshot tests of generated crates: two corpus specs are compared file by file with
//! `tests/snapshots/<name>/`; GitHub's REST spec (too big to keep) is compared by a summary.
//! `UPDATE_SNAPSHOTS=1 cargo test -p connector-gen` rewrites them. The GitHub webhook sample's
//! snapshot is the crate checked in at `samples/github-webhook/generated/` (one copy, kept
//! fresh by that sample's own `UPDATE_GENERATED=1` test).

use connector_gen::{ClientDep, GeneratedCrate, Generator};
use std::path::{Path, PathBuf};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/corpus/<relative>` in the repository; the test fails when it is missing.
fn corpus(relative: &str) -> PathBuf {
    let path = manifest_dir().join("../../tests/corpus").join(relative);
    assert!(path.exists(), "{} is missing", path.display());
    path
}

fn generate(spec: &Path, name: &str) -> GeneratedCrate {
    Generator::from_path(spec)
        .unwrap()
        .with_crate_name(name)
        // A registry version keeps the snapshot free of machine paths.
        .with_client(ClientDep::Version("0.1".into()))
        .generate()
        .unwrap()
}

fn updating() -> bool {
    std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1")
}

fn assert_snapshot(name: &str, generated: &GeneratedCrate) {
    let dir = manifest_dir().join("tests/snapshots").join(name);
    if updating() {
        let _ = std::fs::remove_dir_all(&dir);
        connector_gen::write::write(&dir, &generated.files).unwrap();
        return;
    }
    assert_matches_dir(name, &dir, generated);
}

fn assert_matches_dir(name: &str, dir: &Path, generated: &GeneratedCrate) {
    for (path, text) in &generated.files {
        let expected = std::fs::read_to_string(dir.join(path)).unwrap_or_else(|_| {
            panic!(
                "missing snapshot {}/{}; run with UPDATE_SNAPSHOTS=1 (the sample: UPDATE_GENERATED=1)",
                name,
                path.display()
            )
        });
        if expected != *text {
            let line = expected
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{name}/{} differs from its snapshot at line {}:\n  expected: {:?}\n  actual:   {:?}\n(UPDATE_SNAPSHOTS=1 rewrites snapshots; the sample: UPDATE_GENERATED=1)",
                path.display(),
                line + 1,
                expected.lines().nth(line),
                text.lines().nth(line)
            );
        }
    }
}

#[test]
fn github_webhook_sample_matches_snapshot() {
    let sample = manifest_dir().join("../../samples/github-webhook");
    let generated = Generator::from_path(sample.join("github-webhook.swagger.json"))
        .unwrap()
        .with_crate_name("github-webhook-connector")
        // The relative path the checked-in sample crate uses.
        .with_client(ClientDep::Path("../../../crates/connector-client".into()))
        .generate()
        .unwrap();
    assert_matches_dir("github-webhook", &sample.join("generated"), &generated);
}

#[test]
fn charles_universe_matches_snapshot() {
    let spec = corpus("power-platform/charles-universe/apiDefinition.swagger.json");
    assert_snapshot("charles-universe", &generate(&spec, "charles-universe"));
}

#[test]
fn workspan_form_data_spec_matches_snapshot() {
    let spec = corpus("power-platform/workspan/apiDefinition.swagger.json");
    assert_snapshot("workspan", &generate(&spec, "workspan"));
}

/// Line counts and item counts per file, and a hash of everything: cheap to keep, and any
/// change to the GitHub crate shows up here.
fn summary(generated: &GeneratedCrate) -> String {
    let mut out = String::new();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (path, text) in &generated.files {
        let items = text
            .lines()
            .filter(|l| {
                l.starts_with("pub struct ")
                    || l.starts_with("pub enum ")
                    || l.starts_with("pub type ")
            })
            .count();
        let methods = text
            .lines()
            .filter(|l| l.trim_start().starts_with("pub async fn "))
            .count();
        out.push_str(&format!(
            "{}: {} lines, {} types, {} async methods\n",
            path.display(),
            text.lines().count(),
            items,
            methods
        ));
        for byte in text.bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    out.push_str(&format!("fnv1a64: {hash:016x}\n"));
    out
}

#[test]
fn github_rest_crate_matches_summary() {
    let spec = corpus("github/api.github.com.json");
    let generated = generate(&spec, "github-rest");
    let path = manifest_dir().join("tests/snapshots/github-rest.summary.txt");
    let actual = summary(&generated);
    if updating() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected =
        std::fs::read_to_string(&path).expect("missing summary; run with UPDATE_SNAPSHOTS=1");
    assert_eq!(
        expected, actual,
        "GitHub REST crate changed (UPDATE_SNAPSHOTS=1 rewrites)"
    );
}

#[test]
fn generation_is_deterministic() {
    let sample = manifest_dir().join("../../samples/github-webhook/github-webhook.swagger.json");
    let specs = [
        sample,
        corpus("github/api.github.com.json"),
        corpus("power-platform/mobili-stotele/apiDefinition.swagger.json"),
    ];
    for spec in specs {
        let first = generate(&spec, "determinism");
        let second = generate(&spec, "determinism");
        assert_eq!(
            first.files,
            second.files,
            "{} generated differently twice",
            spec.display()
        );
    }
}
