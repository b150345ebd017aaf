//! The GitHub webhook sample end to end: spec → generated crate → runtime → test GitHub.
//!
//! Everything is real except GitHub itself: the runtime host with a SQLite file, HTTP over
//! loopback on ephemeral ports, the checked-in crate connector-gen generated from
//! `samples/github-webhook/github-webhook.swagger.json`.

use std::time::Duration;

use github_webhook_sample::test_server::{signature_256, SimulatedPush, TestGitHub};
use github_webhook_sample::{
    run_demo, Auth, DemoOptions, Notice, Session, SessionConfig, Step, TestGitHubHandle, Transcript,
};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(15);

/// The step kinds in order, so the sequence reads at a glance in a failure message.
fn kinds(transcript: &Transcript) -> Vec<&'static str> {
    transcript
        .steps
        .iter()
        .map(|step| match step {
            Step::TestServer { .. } => "server",
            Step::Runtime { .. } => "runtime",
            Step::Subscribed(_) => "subscribe",
            Step::Ping(_) => "ping",
            Step::Push(_) => "push",
            Step::RunHistory { .. } => "history",
            Step::Unsubscribed { .. } => "unsubscribe",
            Step::HooksLeft { .. } => "hooks left",
        })
        .collect()
}

#[tokio::test]
async fn demo_subscribes_handles_ping_and_two_pushes_then_deletes_the_hook() {
    let mut printed = Vec::new();
    let transcript = run_demo(DemoOptions::new(), |step| printed.push(step.to_string()))
        .await
        .unwrap();

    assert_eq!(
        kinds(&transcript),
        [
            "server",
            "runtime",
            "subscribe",
            "ping",
            "push",
            "push",
            "history",
            "unsubscribe",
            "hooks left"
        ]
    );
    let Step::TestServer { base_url, .. } = &transcript.steps[0] else {
        unreachable!()
    };

    let Step::Subscribed(subscribed) = &transcript.steps[2] else {
        unreachable!()
    };
    assert_eq!(subscribed.request, "POST /repos/octo/hello/hooks");
    assert_eq!(subscribed.status, 201);
    assert_eq!(
        subscribed.location,
        format!("{base_url}/repos/octo/hello/hooks/1")
    );

    let Step::Ping(ping) = &transcript.steps[3] else {
        unreachable!()
    };
    assert_eq!(ping.hook_id, Some(1));
    assert!(!ping.zen.is_empty());

    let pushes = transcript.pushes();
    assert_eq!(pushes[0].repository, "octo/hello");
    assert_eq!(pushes[0].branch, "main");
    assert_eq!(pushes[0].pusher, "octocat");
    assert_eq!(
        pushes[0].commits,
        ["Add a greeting to the README", "Fix a typo in the greeting"]
    );
    assert_eq!(pushes[1].pusher, "hubot");
    assert_eq!(pushes[1].commits, ["Release 0.2.0"]);
    assert_ne!(pushes[0].delivery, pushes[1].delivery);

    let Step::RunHistory { url, kept, .. } = &transcript.steps[6] else {
        unreachable!()
    };
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(!kept);

    let Step::Unsubscribed {
        unsubscribed,
        status,
    } = &transcript.steps[7]
    else {
        unreachable!()
    };
    assert_eq!(
        unsubscribed.request,
        format!("DELETE {}", subscribed.location)
    );
    assert_eq!(
        *status,
        Some(204),
        "the test server answered the DELETE with 204"
    );
    assert_eq!(unsubscribed.state, "gone");
    assert_eq!(
        unsubscribed.hooks_left, 0,
        "GET .../hooks lists none of ours"
    );
    assert_eq!(
        transcript.steps[8],
        Step::HooksLeft {
            count: 0,
            scope: "on the test server".into()
        }
    );

    // What the user sees: one line per step (pushes add one line per commit).
    let output = printed.join("\n");
    for expected in [
        "POST /repos/octo/hello/hooks -> 201",
        "[ping]",
        "run history at http://127.0.0.1:",
        "octo/hello main, pushed by octocat, 2 commits:",
        "- Release 0.2.0",
        "/repos/octo/hello/hooks/1 -> 204",
        "[hooks left]  0 on the test server",
    ] {
        assert!(
            output.contains(expected),
            "{expected:?} missing from:\n{output}"
        );
    }
}

#[tokio::test]
async fn forged_deliveries_are_refused_with_401_and_never_reach_the_handler() {
    let github = TestGitHub::new().start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let auth = basic_auth(&github);
    let config = SessionConfig::new(
        github.base_url(),
        auth,
        "octo",
        "hello",
        dir.path().join("runtime.db"),
    )
    .with_secret("the-real-secret");
    let mut session = Session::start(config).await.unwrap();
    assert!(matches!(
        session.next_notice(WAIT, "ping").await.unwrap(),
        Notice::Ping(_)
    ));

    // The hook GitHub holds: its callback URL (with the runtime's own `sig` token) and secret.
    let hooks = github.hooks();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].config.secret.as_deref(), Some("the-real-secret"));
    let callback = hooks[0].config.url.clone();

    let forged = serde_json::to_vec(&json!({
        "ref": "refs/heads/main",
        "repository": {"full_name": "octo/hello"},
        "pusher": {"name": "mallory"},
        "commits": [{"message": "forged"}],
    }))
    .unwrap();
    let client = reqwest::Client::new();
    let send = |signature: Option<String>, delivery: &str| {
        let mut request = client
            .post(&callback)
            .header("content-type", "application/json")
            .header("x-github-event", "push")
            .header("x-github-delivery", delivery)
            .body(forged.clone());
        if let Some(signature) = signature {
            request = request.header("x-hub-signature-256", signature);
        }
        request.send()
    };
    let wrong_secret = send(Some(signature_256("a-guessed-secret", &forged)), "forged-1")
        .await
        .unwrap();
    assert_eq!(wrong_secret.status(), 401);
    let other_body = send(Some(signature_256("the-real-secret", b"{}")), "forged-2")
        .await
        .unwrap();
    assert_eq!(
        other_body.status(),
        401,
        "a signature of another body does not carry over"
    );
    let unsigned = send(None, "forged-3").await.unwrap();
    assert_eq!(unsigned.status(), 401);

    // A genuine push on the same callback URL goes through, and it is the handler's next
    // notification: none of the forged ones got there before it.
    let outcome = github
        .simulate_push(
            "octo",
            "hello",
            &SimulatedPush::new("main", "octocat").with_commit("genuine"),
        )
        .await
        .unwrap();
    assert!(
        outcome.deliveries[0].succeeded(),
        "{:?}",
        outcome.deliveries
    );
    match session.next_notice(WAIT, "the genuine push").await.unwrap() {
        Notice::Push(push) => {
            assert_eq!(push.commits, ["genuine"]);
            assert_eq!(push.pusher, "octocat");
        }
        other => panic!("expected the genuine push, got {other:?}"),
    }
    assert!(session.pending_notices().is_empty());

    let unsubscribed = session.stop().await.unwrap();
    assert_eq!(unsubscribed.hooks_left, 0);
    assert!(github.hooks().is_empty());
    github.shutdown().await;
}

fn basic_auth(github: &TestGitHubHandle) -> Auth {
    Auth::Basic {
        username: github.username().to_owned(),
        password: github.token().to_owned(),
    }
}
