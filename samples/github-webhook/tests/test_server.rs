//! The GitHub-compatible test server, driven over real loopback HTTP like a client would.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use github_webhook_sample::test_server::{
    signature_256, SimulatedPush, TestGitHub, TestGitHubHandle,
};
use serde_json::{json, Value};
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(10);

/// One request the receiver got.
struct Received {
    headers: HeaderMap,
    body: Bytes,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A callback receiver on loopback that records every POST and answers 202.
async fn receiver() -> (String, mpsc::UnboundedReceiver<Received>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(Received { headers, body });
                StatusCode::ACCEPTED
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .unwrap()
        .unwrap()
}

async fn create_hook(
    github: &TestGitHubHandle,
    owner: &str,
    repo: &str,
    body: Value,
) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/repos/{owner}/{repo}/hooks", github.base_url()))
        .basic_auth(github.username(), Some(github.token()))
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn hook_body(url: &str, secret: Option<&str>) -> Value {
    let mut config = json!({"url": url, "content_type": "json"});
    if let Some(secret) = secret {
        config["secret"] = json!(secret);
    }
    json!({"name": "web", "active": true, "events": ["push"], "config": config})
}

#[tokio::test]
async fn hooks_endpoints_require_basic_auth() {
    let github = TestGitHub::new().start().await.unwrap();
    let client = reqwest::Client::new();
    let url = format!("{}/repos/octo/hello/hooks", github.base_url());

    let anonymous = client
        .post(&url)
        .json(&hook_body("http://127.0.0.1:1/x", None))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        anonymous.json::<Value>().await.unwrap()["message"],
        "Requires authentication"
    );

    let wrong = client
        .get(&url)
        .basic_auth(github.username(), Some("not-the-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        wrong.json::<Value>().await.unwrap()["message"],
        "Bad credentials"
    );

    let right = client
        .get(&url)
        .basic_auth(github.username(), Some(github.token()))
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    assert!(github.hooks().is_empty());
}

#[tokio::test]
async fn create_answers_201_with_location_then_pings_signed() {
    let github = TestGitHub::new().start().await.unwrap();
    let (callback, mut received) = receiver().await;

    let response = create_hook(
        &github,
        "octo",
        "hello",
        hook_body(&callback, Some("s3cret")),
    )
    .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let hook: Value = response.json().await.unwrap();
    let id = hook["id"].as_u64().unwrap();
    assert_eq!(
        location,
        format!("{}/repos/octo/hello/hooks/{id}", github.base_url())
    );
    assert_eq!(
        hook["config"]["secret"], "********",
        "the secret is never echoed"
    );
    assert_eq!(github.hooks().len(), 1);
    assert_eq!(github.hooks()[0].config.secret.as_deref(), Some("s3cret"));

    let ping = next(&mut received).await;
    assert_eq!(ping.header("x-github-event"), Some("ping"));
    assert_eq!(ping.header("x-github-delivery").map(str::len), Some(36));
    assert_eq!(
        ping.header("x-github-hook-id"),
        Some(id.to_string().as_str())
    );
    assert_eq!(ping.header("content-type"), Some("application/json"));
    assert_eq!(
        ping.header("x-hub-signature-256"),
        Some(signature_256("s3cret", &ping.body).as_str()),
        "signed over the raw body with the hook's secret"
    );
    let body = ping.json();
    assert_eq!(body["hook_id"], id);
    assert!(body["zen"].is_string());
    assert_eq!(body["repository"]["full_name"], "octo/hello");

    let deliveries = github.wait_for_deliveries(1, WAIT).await.unwrap();
    assert_eq!(deliveries[0].event, "ping");
    assert_eq!(deliveries[0].status, Some(202));
}

#[tokio::test]
async fn push_is_delivered_to_the_repositorys_push_hooks_only() {
    let github = TestGitHub::new().start().await.unwrap();
    let (hello_url, mut hello) = receiver().await;
    let (other_url, mut other) = receiver().await;
    assert_eq!(
        create_hook(&github, "octo", "hello", hook_body(&hello_url, Some("k")))
            .await
            .status(),
        201
    );
    assert_eq!(
        create_hook(&github, "octo", "other", hook_body(&other_url, None))
            .await
            .status(),
        201
    );
    assert_eq!(
        next(&mut hello).await.header("x-github-event"),
        Some("ping")
    );
    let other_ping = next(&mut other).await;
    assert_eq!(
        other_ping.header("x-hub-signature-256"),
        None,
        "no secret, no signature"
    );

    let push = SimulatedPush::new("main", "octocat")
        .with_commit("Fix typo")
        .with_commit("Add README");
    let first = github.simulate_push("octo", "hello", &push).await.unwrap();
    assert_eq!(first.deliveries.len(), 1);
    assert_eq!(first.deliveries[0].status, Some(202));

    let delivery = next(&mut hello).await;
    assert_eq!(delivery.header("x-github-event"), Some("push"));
    assert_eq!(
        delivery.header("x-hub-signature-256"),
        Some(signature_256("k", &delivery.body).as_str())
    );
    let body = delivery.json();
    assert_eq!(body["ref"], "refs/heads/main");
    assert_eq!(body["before"], first.before.as_str());
    assert_eq!(body["after"], first.after.as_str());
    assert_eq!(body["pusher"]["name"], "octocat");
    assert_eq!(body["commits"][0]["message"], "Fix typo");
    assert_eq!(body["commits"][1]["message"], "Add README");
    assert_eq!(body["commits"][1]["author"]["username"], "octocat");

    // The next push continues from where the first left the branch.
    let second = github
        .simulate_push(
            "octo",
            "hello",
            &SimulatedPush::new("main", "hubot").with_commit("Bump"),
        )
        .await
        .unwrap();
    assert_eq!(second.before, first.after);
    assert_eq!(next(&mut hello).await.json()["pusher"]["name"], "hubot");
    assert!(other.try_recv().is_err(), "octo/other got no push");
}

#[tokio::test]
async fn delete_answers_204_then_404() {
    let github = TestGitHub::new().start().await.unwrap();
    let (callback, _received) = receiver().await;
    let response = create_hook(&github, "octo", "hello", hook_body(&callback, None)).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let client = reqwest::Client::new();
    let delete = |url: String| {
        client
            .delete(url)
            .basic_auth(github.username(), Some(github.token()))
            .send()
    };

    // The hook belongs to octo/hello: another repository's path does not reach it.
    let elsewhere = location.replace("/octo/hello/", "/octo/other/");
    assert_eq!(delete(elsewhere).await.unwrap().status(), 404);
    assert_eq!(
        delete(format!("{}/repos/octo/hello/hooks/abc", github.base_url()))
            .await
            .unwrap()
            .status(),
        404
    );

    assert_eq!(delete(location.clone()).await.unwrap().status(), 204);
    assert!(github.hooks().is_empty());
    let again = delete(location).await.unwrap();
    assert_eq!(again.status(), 404);
    assert_eq!(again.json::<Value>().await.unwrap()["message"], "Not Found");

    let deletes: Vec<u16> = github
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.status)
        .collect();
    assert_eq!(
        deletes,
        [404, 404, 204, 404],
        "the request log shows every DELETE"
    );
}

#[tokio::test]
async fn invalid_hooks_are_refused_with_422() {
    let github = TestGitHub::new().start().await.unwrap();
    let no_url = create_hook(
        &github,
        "octo",
        "hello",
        json!({"config": {"content_type": "json"}}),
    )
    .await;
    assert_eq!(no_url.status(), 422);
    let form = create_hook(
        &github,
        "octo",
        "hello",
        json!({"config": {"url": "http://127.0.0.1:1/x"}}),
    )
    .await;
    assert_eq!(
        form.status(),
        422,
        "GitHub's default content type `form` is not delivered here"
    );
    let not_json = reqwest::Client::new()
        .post(format!("{}/repos/octo/hello/hooks", github.base_url()))
        .basic_auth(github.username(), Some(github.token()))
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    assert!(github.hooks().is_empty());
}

#[tokio::test]
async fn a_failed_delivery_is_recorded_not_fatal() {
    let github = TestGitHub::new().start().await.unwrap();
    // Port 1 on loopback: nothing listens, the connection is refused.
    let response = create_hook(
        &github,
        "octo",
        "hello",
        hook_body("http://127.0.0.1:1/x", None),
    )
    .await;
    assert_eq!(response.status(), 201);
    let deliveries = github.wait_for_deliveries(1, WAIT).await.unwrap();
    assert_eq!(deliveries[0].status, None);
    assert!(deliveries[0].error.is_some());
    assert!(!deliveries[0].succeeded());
}
