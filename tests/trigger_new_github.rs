//! `connector-gen trigger new` end to end, from GitHub's documented samples (the fixtures of
//! crates/connector-gen/tests/fixtures/trigger_new/github): the spec it writes generates a
//! crate that compiles with warnings denied; hosted by the runtime against the sample's
//! GitHub-compatible test server, that crate's trigger subscribes, receives a typed
//! `pull_request` notification over loopback and deletes the hook on disable. A second trigger
//! appended to the spec generates too, and leaves the first as `check` reported it.

mod support;

use connector_gen::trigger_new::{Answer, Security, TriggerDefinition};
use github_webhook_sample::test_server::TestGitHub;
use std::path::PathBuf;
use support::{cargo, root, workspace};

fn fixture(file: &str) -> PathBuf {
    root()
        .join("crates/connector-gen/tests/fixtures/trigger_new/github")
        .join(file)
}

fn pull_request_trigger() -> TriggerDefinition {
    TriggerDefinition::new(
        "OnPullRequest",
        "When a pull request is opened or code is pushed",
        "POST https://api.github.com/repos/{owner}/{repo}/hooks",
        fixture("create-hook.json"),
        Answer::new(201, Some(fixture("create-hook-answer.json"))).with_header(
            "Location",
            "https://api.github.com/repos/octocat/Hello-World/hooks/12345678",
        ),
        vec![fixture("push.json"), fixture("pull_request.json")],
    )
    .with_callback("/config/url")
    .with_security(Security::Basic)
    .with_title("GitHub Webhooks")
}

fn org_push_trigger() -> TriggerDefinition {
    TriggerDefinition::new(
        "OnOrgPush",
        "When code is pushed to any repository of an organisation",
        "POST https://api.github.com/orgs/{org}/hooks",
        fixture("create-hook.json"),
        Answer::new(201, Some(fixture("create-org-hook-answer.json"))).with_header(
            "Location",
            "https://api.github.com/orgs/octo-org/hooks/12345679",
        ),
        vec![fixture("push.json")],
    )
    .with_callback("/config/url")
    .with_security(Security::Basic)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trigger_from_github_samples_compiles_receives_a_pull_request_and_deletes_the_hook() {
    let specs = root().join("target/gen-tests/trigger-new-specs");
    std::fs::create_dir_all(&specs).unwrap();
    let one = specs.join("github.swagger.json");
    let two = specs.join("github-two.swagger.json");
    let _ = std::fs::remove_file(&one);
    let _ = std::fs::remove_file(&two);
    pull_request_trigger().write_to(&one).unwrap();
    std::fs::copy(&one, &two).unwrap();
    org_push_trigger().write_to(&two).unwrap();

    let manifest = format!(
        r#"[package]
name = "trigger-new-roundtrip"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
trigger-new-github = {{ path = "../trigger-new-github" }}
connector-runtime = {{ path = {runtime:?} }}
reqwest = {{ version = "0.12", default-features = false, features = ["json", "rustls-tls"] }}
serde_json = "1"
tokio = {{ version = "1", features = ["full"] }}
"#,
        runtime = root().join("crates/connector-runtime")
    );
    let main =
        std::fs::read_to_string(root().join("tests/fixtures/trigger_new_roundtrip.rs")).unwrap();
    let dir = root().join("target/gen-tests/trigger-new");
    workspace(
        &dir,
        &[
            ("trigger-new-github".to_owned(), one),
            ("trigger-new-github-two".to_owned(), two),
        ],
        &[("trigger-new-roundtrip", manifest, main)],
    );

    let github = TestGitHub::new().start().await.unwrap();
    let envs = [
        ("TEST_GITHUB_URL", github.base_url().to_owned()),
        ("TEST_GITHUB_USER", github.username().to_owned()),
        ("TEST_GITHUB_TOKEN", github.token().to_owned()),
        (
            "PULL_REQUEST_PAYLOAD",
            fixture("pull_request.json").display().to_string(),
        ),
    ];
    // Cargo blocks; the test server keeps serving on the other worker.
    let output = tokio::task::spawn_blocking(move || {
        let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // Both generated crates (one trigger, two triggers) and the runner, warnings denied.
        cargo(&dir, &["clippy", "--workspace", "--quiet"], &[]);
        cargo(
            &dir,
            &["run", "--quiet", "-p", "trigger-new-roundtrip"],
            &envs,
        )
    })
    .await
    .unwrap();
    eprintln!("{output}");
    assert!(output.contains("trigger-new roundtrip ok"), "{output}");
    assert!(
        output.contains(
            "received: pull_request #2 \"Update the README with new information.\" by hubot"
        ),
        "{output}"
    );

    // What the server saw: the hook created, the pull_request delivered to it and accepted,
    // the hook deleted at its Location.
    let requests = github.requests();
    let line = |method: &str, path: &str| {
        requests
            .iter()
            .find(|r| r.method == method && r.path == path)
            .map(|r| r.status)
    };
    assert_eq!(
        line("POST", "/repos/octo/hello/hooks"),
        Some(201),
        "{requests:?}"
    );
    assert_eq!(
        line("DELETE", "/repos/octo/hello/hooks/1"),
        Some(204),
        "{requests:?}"
    );
    assert!(github.hooks().is_empty(), "no hook is left behind");
    let delivered = github
        .deliveries()
        .into_iter()
        .find(|d| d.event == "pull_request")
        .unwrap();
    assert!(delivered.succeeded(), "{delivered:?}");
    github.shutdown().await;
}
