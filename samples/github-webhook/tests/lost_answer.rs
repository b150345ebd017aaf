//! A subscribe whose answer was lost: the host died after GitHub created the hook but before
//! the store recorded its `Location`. On restart the runtime lists the repository's hooks
//! through the generated trigger's list route (`GET /repos/{owner}/{repo}/hooks`, paged by 30
//! like GitHub), finds the hook carrying the subscription's callback URL, and deletes it
//! through the generated unsubscribe route. Everything real but GitHub: the generated crate,
//! the runtime on a SQLite file, the test GitHub over loopback.

use std::time::Duration;

use connector_runtime::store::{HookLookup, SubscriptionKind, SubscriptionRecord};
use connector_runtime::{
    Auth, Connection, Host, SubscriptionId, SubscriptionState, WebhookTrigger,
};
use github_webhook_connector::models::WebhookTriggerBody;
use github_webhook_sample::TestGitHub;
use serde_json::json;

const SIGNING_KEY: &[u8] = b"lost-answer-test-signing-key-0001";

fn trigger() -> github_webhook_connector::triggers::WebhookTrigger {
    github_webhook_connector::triggers::WebhookTrigger::new(
        "octo".into(),
        "hello".into(),
        WebhookTriggerBody::default(),
    )
}

async fn host(store: &std::path::Path) -> Host {
    Host::builder()
        .with_sqlite(store)
        .with_signing_key(SIGNING_KEY.to_vec())
        .with_sweep_interval(Duration::from_millis(50))
        // No second look for late hooks: this test counts the list requests of the cleanup.
        .with_late_hook_window(Duration::ZERO)
        .build()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_hook_whose_answer_was_lost_is_found_on_a_later_page_and_deleted() {
    let github = TestGitHub::new().start().await.unwrap();
    let auth = Auth::Basic {
        username: github.username().to_owned(),
        password: github.token().to_owned(),
    };
    let trigger = trigger();
    let list = trigger.list_route().expect("the spec lists hooks");
    assert_eq!(list.path, "/repos/octo/hello/hooks");
    assert_eq!(list.callback_from, "/config/url");

    // What the crash left: a `subscribing` record with no unsubscribe request, only the lookup
    // the runtime stores before sending the subscribe.
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("runtime.db");
    let id = SubscriptionId::generate();
    {
        let first = host(&store).await;
        let mut record =
            SubscriptionRecord::new(id.clone(), trigger.name(), SubscriptionKind::Trigger);
        record.lookup = Some(HookLookup {
            list,
            unsubscribe: trigger.unsubscribe_route(),
        });
        first.store().put_subscription(&record).await.unwrap();
        first.shutdown().await;
    }
    let host = host(&store).await;
    // 31 other hooks on the repository first, so ours is on page 2; then the one the lost
    // subscribe created, pointing at this host's callback URL for the subscription.
    let client = reqwest::Client::new();
    let create = |url: String| {
        client
            .post(format!("{}/repos/octo/hello/hooks", github.base_url()))
            .basic_auth(github.username(), Some(github.token()))
            .json(&json!({"name": "web", "events": ["push"], "config": {"url": url, "content_type": "json"}}))
            .send()
    };
    for n in 0..31 {
        let status = create(format!("http://127.0.0.1:9/elsewhere/{n}"))
            .await
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), 201);
    }
    let status = create(host.callback_url(&id)).await.unwrap().status();
    assert_eq!(status.as_u16(), 201);

    host.register(
        &trigger,
        Connection::new(github.base_url(), auth),
        |_callback| async { Ok(()) },
    )
    .unwrap();
    let report = host.resume().await.unwrap();
    assert_eq!(report.orphaned, vec![id.clone()]);

    let mut state = None;
    for _ in 0..200 {
        state = host.subscription(&id).await.unwrap().map(|r| r.state);
        if state == Some(SubscriptionState::Gone) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(state, Some(SubscriptionState::Gone));
    let hooks = github.hooks();
    assert_eq!(hooks.len(), 31, "only the lost subscribe's hook is deleted");
    assert!(hooks
        .iter()
        .all(|h| h.config.url.starts_with("http://127.0.0.1:9/elsewhere/")));
    let requests = github.requests();
    let pages = requests
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/repos/octo/hello/hooks"))
        .count();
    assert_eq!(pages, 2, "followed Link: rel=\"next\" to page 2");
    assert!(requests
        .iter()
        .any(|r| r.method == "DELETE" && r.path == "/repos/octo/hello/hooks/32"));
    host.shutdown().await;
    github.shutdown().await;
}
