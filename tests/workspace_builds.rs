//! The workspace's own layout is what the README promises.
#[test]
fn readme_names_the_ci_test_command() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    let command = "cargo test --workspace --locked";
    assert!(readme.contains(command) && ci.contains(command));
}
