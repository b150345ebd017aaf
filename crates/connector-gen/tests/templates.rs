//! `--templates DIR` overrides built-in templates by name, and a template that renders invalid
//! Rust is an error naming the template and the spec, with nothing written.

use connector_gen::{ClientDep, Error, Generator};
use std::path::PathBuf;

fn sample() -> Generator {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/github-webhook/github-webhook.swagger.json");
    Generator::from_path(spec)
        .unwrap()
        .with_client(ClientDep::Version("0.1".into()))
}

#[test]
fn a_template_directory_overrides_by_name() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("README.md.tera"),
        "# {{ crate_name }} has {{ actions | length }} operations\n",
    )
    .unwrap();
    let generated = sample()
        .with_crate_name("hooks")
        .with_templates_dir(templates.path())
        .generate()
        .unwrap();
    assert_eq!(
        generated.file("README.md"),
        Some("# hooks has 3 operations\n")
    );
    // The others stay built in.
    assert!(generated
        .file("src/client.rs")
        .unwrap()
        .contains("pub struct Client"));
}

#[test]
fn invalid_rust_from_a_template_is_an_error_and_writes_nothing() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("lib.rs.tera"),
        "pub mod client;\npub fn broken( {\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("crate");
    let error = sample()
        .with_templates_dir(templates.path())
        .generate_to(&target)
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidRust { ref template, line: 2, .. } if template == "lib.rs.tera"),
        "{error}"
    );
    assert!(
        error.to_string().contains("github-webhook.swagger.json"),
        "{error}"
    );
    assert!(!target.exists());
}

#[test]
fn a_template_syntax_error_names_the_template() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("models.rs.tera"),
        "{% for t in types %}",
    )
    .unwrap();
    let error = sample()
        .generate()
        .map(|_| ())
        .and(
            sample()
                .with_templates_dir(templates.path())
                .generate()
                .map(|_| ()),
        )
        .unwrap_err();
    assert!(
        matches!(error, Error::Template { ref template, .. } if template == "models.rs.tera"),
        "{error}"
    );
}

#[test]
fn crate_names_are_validated() {
    let error = sample()
        .with_crate_name("not a name")
        .generate()
        .unwrap_err();
    assert!(matches!(error, Error::CrateName(_)));
}
