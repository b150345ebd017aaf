//! The `github-webhook-sample` binary as a user runs it.

use std::process::Command;

fn sample() -> Command {
    Command::new(env!("CARGO_BIN_EXE_github-webhook-sample"))
}

#[test]
fn demo_exits_0_and_shows_the_whole_loop() {
    let output = sample().arg("demo").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    let position = |needle: &str| {
        lines
            .iter()
            .position(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} missing from:\n{stdout}"))
    };
    // In this order: subscribe, ping, two typed pushes, the DELETE, no hook left.
    let order = [
        position("[subscribe]   POST /repos/octo/hello/hooks -> 201"),
        position("[ping]        handled: hook 1 is live"),
        position("[push]        octo/hello main, pushed by octocat, 2 commits:"),
        position("[push]        octo/hello main, pushed by hubot, 1 commit:"),
        position("[unsubscribe] DELETE http://127.0.0.1:"),
        position("[hooks left]  0 on the test server"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{stdout}");
    assert!(stdout.contains("/repos/octo/hello/hooks/1 -> 204 (subscription gone)"));
    assert!(stdout.contains("  - Fix a typo in the greeting"));
}

#[test]
fn run_without_a_token_says_what_is_missing_and_exits_1() {
    let output = sample()
        .args([
            "run",
            "--owner",
            "o",
            "--repo",
            "r",
            "--public-url",
            "https://example.invalid",
        ])
        .args(["--listen", "127.0.0.1:0", "--pushes", "1"])
        .env_remove("GITHUB_TOKEN")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("GITHUB_TOKEN"));
}
