//! The workspace's own layout is what the README promises.
#[test]
fn readme_names_the_ci_test_command() {
    let read = |path: &str| {
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
            .unwrap()
    };
    // The README's test command is `scripts/test.sh` (it installs PostgreSQL and Chromium when
    // missing); CI runs the same script, and the script runs the workspace tests.
    let command = "scripts/test.sh";
    assert!(
        read("README.md").contains(command),
        "README.md names no {command}"
    );
    assert!(
        read(".ci/run").contains(command),
        ".ci/run runs no {command}"
    );
    let tests = "cargo test --workspace --locked";
    assert!(read(command).contains(tests), "{command} runs no `{tests}`");
}
