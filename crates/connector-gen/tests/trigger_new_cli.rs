//! `connector-gen trigger new` on the command line: writes the spec the library call writes,
//! appends to an existing one, and fails with exit status 1, a message naming the file and
//! pointer, and nothing written.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/trigger_new/github")
        .join(file)
}

fn trigger_new(extra: &[&str], output: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connector-gen"))
        .args(["trigger", "new", "--name", "OnPullRequest"])
        .args([
            "--summary",
            "When a pull request is opened or code is pushed",
        ])
        .args([
            "--subscribe",
            "POST https://api.github.com/repos/{owner}/{repo}/hooks",
        ])
        .arg("--body")
        .arg(fixture("create-hook.json"))
        .args(["--answer-status", "201", "--answer-header"])
        .arg("Location: https://api.github.com/repos/octocat/Hello-World/hooks/12345678")
        .arg("--answer")
        .arg(fixture("create-hook-answer.json"))
        .arg("--notification")
        .arg(fixture("push.json"))
        .arg("--notification")
        .arg(fixture("pull_request.json"))
        .args(["--security", "basic", "--title", "GitHub Webhooks"])
        .args(extra)
        .arg("-o")
        .arg(output)
        .output()
        .unwrap()
}

#[test]
fn the_command_writes_the_library_spec_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("github.swagger.json");

    let bad = trigger_new(&["--callback", "/config/callback_url"], &spec);
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("create-hook.json") && stderr.contains("/config/callback_url"),
        "{stderr}"
    );
    assert!(!spec.exists(), "nothing written");

    let ok = trigger_new(&["--callback", "/config/url"], &spec);
    let stderr = String::from_utf8_lossy(&ok.stderr);
    assert!(ok.status.success(), "{stderr}");
    assert!(stderr.contains("wrote trigger OnPullRequest"), "{stderr}");
    let library = connector_gen::trigger_new::TriggerDefinition::new(
        "OnPullRequest",
        "When a pull request is opened or code is pushed",
        "POST https://api.github.com/repos/{owner}/{repo}/hooks",
        fixture("create-hook.json"),
        connector_gen::trigger_new::Answer::new(201, Some(fixture("create-hook-answer.json")))
            .with_header(
                "Location",
                "https://api.github.com/repos/octocat/Hello-World/hooks/12345678",
            ),
        vec![fixture("push.json"), fixture("pull_request.json")],
    )
    .with_callback("/config/url")
    .with_security(connector_gen::trigger_new::Security::Basic)
    .with_title("GitHub Webhooks")
    .build(None)
    .unwrap();
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), library.text);

    // Without --callback: the body's only URL is taken, with a warning; appending the same
    // trigger name is refused and leaves the file alone.
    let again = trigger_new(&[], &spec);
    assert_eq!(again.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("operationId OnPullRequest already exists"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), library.text);

    let other = dir.path().join("other.swagger.json");
    let guessed = trigger_new(&[], &other);
    let stderr = String::from_utf8_lossy(&guessed.stderr);
    assert!(guessed.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: ") && stderr.contains("`/config/url`"),
        "{stderr}"
    );
}
