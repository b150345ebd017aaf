//! Generated crates compile and work.
//!
//! A representative subset of specs (the GitHub webhook sample, GitHub's REST spec, corpus
//! specs with formData, batch triggers, odd ids and a repaired quirk) is generated into one
//! workspace under `target/gen-tests/`, then `cargo clippy` (which includes `cargo check`) runs
//! with warnings denied. Builds share `target/gen-check` and a copy of the workspace's Cargo.lock, so
//! dependencies build once and match the workspace. A second test runs the generated GitHub
//! webhook client and trigger against a mock GitHub over loopback HTTP, and a generated
//! `x-ms-trigger: batch` trigger hosted by the runtime (one handler run per array item), and the
//! generator fixtures: hostile names round-trip their JSON, unions round-trip each variant and
//! described error statuses come back typed.
//! `scripts/compile-corpus.sh` does the same for the whole corpus.

mod support;

use std::path::PathBuf;
use support::{cargo, root, workspace};

/// `tests/corpus/<relative>`; the test fails when it is missing.
fn corpus(relative: &str) -> PathBuf {
    let path = root().join("tests/corpus").join(relative);
    assert!(path.exists(), "{} is missing", path.display());
    path
}

fn sample_spec() -> PathBuf {
    root().join("samples/github-webhook/github-webhook.swagger.json")
}

/// The generator fixtures of `tests/fixtures/`, as `(crate name, spec)`: every Rust keyword and
/// every identifier the templates use as parameter, property, operation and schema names;
/// discriminated and required-property unions with error statuses described by schemas; a 3.1
/// spec with webhooks and no operations.
fn fixture_specs() -> Vec<(String, PathBuf)> {
    [
        ("hostile-names-connector", "hostile-names.swagger.json"),
        ("unions-errors-connector", "unions-errors.openapi.json"),
        ("webhooks-only-connector", "webhooks-only.openapi.json"),
    ]
    .into_iter()
    .map(|(name, file)| (name.to_owned(), root().join("tests/fixtures").join(file)))
    .collect()
}

#[test]
fn representative_generated_crates_pass_check_and_clippy() {
    let mut specs = vec![
        ("gen-github-webhook".to_owned(), sample_spec()),
        (
            "gen-batch-events".to_owned(),
            root().join("tests/fixtures/batch-events.swagger.json"),
        ),
        // Receive-only triggers: OpenAPI 3.1 webhooks, 3.0 callbacks no request carries.
        (
            "gen-pet-events".to_owned(),
            root().join("tests/fixtures/pet-events.openapi31.yaml"),
        ),
        (
            "gen-payment-callbacks".to_owned(),
            root().join("tests/fixtures/payment-callbacks.openapi30.json"),
        ),
    ];
    specs.extend(fixture_specs());
    for (name, relative) in [
        ("gen-github-rest", "github/api.github.com.json"),
        (
            "gen-workspan",
            "power-platform/workspan/apiDefinition.swagger.json",
        ),
        (
            "gen-mobili-stotele",
            "power-platform/mobili-stotele/apiDefinition.swagger.json",
        ),
        (
            "gen-egnyte",
            "power-platform/egnyte/apiDefinition.swagger.json",
        ),
        (
            "gen-latin1-yelp",
            "quirks/latin1-yelp/apiDefinition.swagger.json",
        ),
    ] {
        specs.push((name.to_owned(), corpus(relative)));
    }
    let dir = root().join("target/gen-tests/compile");
    workspace(&dir, &specs, &[]);
    // clippy runs every rustc check too, so with warnings denied one clippy pass proves both
    // `cargo check -D warnings` and clippy, at half the CI time (scripts/compile-corpus.sh
    // runs them separately).
    cargo(&dir, &["clippy", "--workspace", "--quiet"], &[]);
}

#[test]
fn generated_client_and_trigger_round_trip_over_http() {
    let runtime = root().join("crates/connector-runtime");
    let manifest = format!(
        r#"[package]
name = "roundtrip"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
github-webhook-connector = {{ path = "../github-webhook-connector" }}
connector-runtime = {{ path = {runtime:?} }}
axum = "0.8"
reqwest = {{ version = "0.12", default-features = false, features = ["json", "rustls-tls"] }}
serde_json = "1"
tokio = {{ version = "1", features = ["full"] }}
"#
    );
    let main =
        std::fs::read_to_string(root().join("tests/fixtures/generated_roundtrip.rs")).unwrap();
    let batch_manifest = manifest
        .replace("name = \"roundtrip\"", "name = \"batch-roundtrip\"")
        .replace(
            "github-webhook-connector = { path = \"../github-webhook-connector\" }",
            "batch-events-connector = { path = \"../batch-events-connector\" }",
        );
    let batch_main =
        std::fs::read_to_string(root().join("tests/fixtures/generated_batch_roundtrip.rs"))
            .unwrap();
    let hostile_manifest = manifest
        .replace("name = \"roundtrip\"", "name = \"hostile-roundtrip\"")
        .replace(
            "github-webhook-connector = { path = \"../github-webhook-connector\" }",
            "hostile-names-connector = { path = \"../hostile-names-connector\" }\n\
             unions-errors-connector = { path = \"../unions-errors-connector\" }\n\
             webhooks-only-connector = { path = \"../webhooks-only-connector\" }",
        );
    // The program reads the fixture spec next to it; in the generated workspace it is elsewhere.
    let hostile_main = std::fs::read_to_string(root().join("tests/fixtures/generated_hostile.rs"))
        .unwrap()
        .replace(
            "include_str!(\"hostile-names.swagger.json\")",
            &format!(
                "include_str!({:?})",
                root().join("tests/fixtures/hostile-names.swagger.json")
            ),
        );
    let dir = root().join("target/gen-tests/roundtrip");
    let mut specs = vec![
        ("github-webhook-connector".to_owned(), sample_spec()),
        (
            "batch-events-connector".to_owned(),
            root().join("tests/fixtures/batch-events.swagger.json"),
        ),
    ];
    specs.extend(fixture_specs());
    workspace(
        &dir,
        &specs,
        &[
            ("roundtrip", manifest, main),
            ("batch-roundtrip", batch_manifest, batch_main),
            ("hostile-roundtrip", hostile_manifest, hostile_main),
        ],
    );
    cargo(&dir, &["run", "--quiet", "-p", "roundtrip"], &[]);
    // x-ms-trigger: batch, hosted by the runtime: one handler run per array item.
    cargo(&dir, &["run", "--quiet", "-p", "batch-roundtrip"], &[]);
    // Hostile names, unions and typed errors against a mock API.
    cargo(&dir, &["run", "--quiet", "-p", "hostile-roundtrip"], &[]);
}

#[test]
fn generated_polling_triggers_are_hosted_by_the_runtime() {
    let runtime = root().join("crates/connector-runtime");
    let manifest = format!(
        r#"[package]
name = "polling-roundtrip"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
egnyte-connector = {{ path = "../egnyte-connector" }}
polling-events-connector = {{ path = "../polling-events-connector" }}
connector-runtime = {{ path = {runtime:?}, features = ["testing"] }}
tokio = {{ version = "1", features = ["full"] }}
"#
    );
    let main =
        std::fs::read_to_string(root().join("tests/fixtures/generated_polling_roundtrip.rs"))
            .unwrap();
    let dir = root().join("target/gen-tests/polling");
    workspace(
        &dir,
        &[
            (
                "egnyte-connector".to_owned(),
                root().join("tests/corpus/power-platform/egnyte/apiDefinition.swagger.json"),
            ),
            (
                "polling-events-connector".to_owned(),
                root().join("tests/fixtures/polling-events.swagger.json"),
            ),
        ],
        &[("polling-roundtrip", manifest, main)],
    );
    // Warnings denied for the generated crates and the program using them.
    cargo(&dir, &["clippy", "--workspace", "--quiet"], &[]);
    cargo(&dir, &["run", "--quiet", "-p", "polling-roundtrip"], &[]);
}
