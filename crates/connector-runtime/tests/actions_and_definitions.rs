//! Webhook actions (success, cancel, timeout, restart) and spec-less `HttpWebhook`
//! definitions used as trigger and as action.

mod support;

use std::time::Duration;

use connector_runtime::testing::{eventually, post_callback, MockApi, MockTrigger};
use connector_runtime::{
    Auth, Error, Host, HttpWebhookDefinition, SubscriptionState, OPERATION_NAME_HEADER,
    TRACKING_ID_HEADER,
};
use serde_json::json;
use support::*;

async fn deliver_when_subscribed(api: &MockApi, body: Vec<u8>) -> u16 {
    assert!(eventually(Duration::from_secs(10), || api.hooks().len() == 1).await);
    let hook = api.hooks().remove(0);
    api.deliver(&hook, &body, &[]).await.unwrap()
}

#[tokio::test]
async fn action_success_returns_the_callback_and_unsubscribes() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let action = MockTrigger::new("approval");
    let connection = connection(&api.base_url());
    let waiting = {
        let host = host.clone();
        let action = action.clone();
        tokio::spawn(async move {
            host.wait_for_callback(
                &action,
                &connection,
                Duration::from_secs(30),
                std::future::pending(),
            )
            .await
        })
    };
    assert_eq!(deliver_when_subscribed(&api, event(5)).await, 202);
    let callback = waiting.await.unwrap().unwrap();
    assert_eq!(callback.body.seq, 5);
    assert_eq!(callback.status_code, 202);
    assert!(api.hooks().is_empty());
    let delete = &api.requests_to("DELETE", "/hooks/")[0];
    assert_eq!(delete.header(OPERATION_NAME_HEADER), Some("approval"));
    assert!(delete.header(TRACKING_ID_HEADER).is_some());
    // A second callback finds the wait over.
    let url = api.requests_to("POST", "/hooks")[0].json()["config"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(post_callback(&url, &event(6), &[]).await.unwrap(), 410);
    host.shutdown().await;
}

#[tokio::test]
async fn action_cancel_and_timeout_unsubscribe_and_say_which() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let action = MockTrigger::new("approval");
    let connection = connection(&api.base_url());

    let cancelled = host
        .wait_for_callback(
            &action,
            &connection,
            Duration::from_secs(30),
            tokio::time::sleep(Duration::from_millis(50)),
        )
        .await;
    assert!(
        matches!(cancelled, Err(Error::WaitCancelled(_))),
        "{cancelled:?}"
    );
    assert!(api.hooks().is_empty());

    let timed_out = host
        .wait_for_callback(
            &action,
            &connection,
            Duration::from_millis(100),
            std::future::pending(),
        )
        .await;
    let Err(Error::WaitTimedOut(id)) = timed_out else {
        panic!("expected a timeout, got {timed_out:?}");
    };
    assert!(api.hooks().is_empty());
    assert_eq!(api.requests_to("DELETE", "/hooks/").len(), 2);
    let record = host.subscription(&id).await.unwrap().unwrap();
    assert_eq!(
        record.outcome,
        Some(connector_runtime::WaitOutcome::TimedOut)
    );
    assert_eq!(record.state, SubscriptionState::Gone);
    assert_eq!(
        post_callback(&host.callback_url(&id), &event(1), &[])
            .await
            .unwrap(),
        410
    );
    host.shutdown().await;
}

#[tokio::test]
async fn a_pending_wait_survives_a_restart() {
    let api = MockApi::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let action = MockTrigger::new("approval");
    let connection = connection(&api.base_url());

    let first = host_with(&path).await;
    let addr = first.local_addr();
    let pending = first
        .start_wait(&action, &connection, Duration::from_secs(60))
        .await
        .unwrap();
    let id = pending.id().clone();
    drop(pending);
    first.shutdown().await;
    drop(first);

    let second = Host::builder()
        .with_bind(addr)
        .with_sqlite(&path)
        .with_signing_key(KEY.to_vec())
        .with_retry_policy(fast_policy())
        .build()
        .await
        .unwrap();
    second
        .register_action(&action, connection.clone(), Default::default())
        .unwrap();
    let report = second.resume().await.unwrap();
    assert_eq!(report.waits_pending, 1);
    // The callback arrives while nobody waits: it is stored and the hook removed.
    assert_eq!(deliver_when_subscribed(&api, event(11)).await, 202);
    assert!(eventually(Duration::from_secs(10), || api.hooks().is_empty()).await);
    let rejoined = second.rejoin_wait(&action, &connection, &id).await.unwrap();
    let callback = rejoined.wait(std::future::pending()).await.unwrap();
    assert_eq!(callback.body.seq, 11);
    second.shutdown().await;
}

#[tokio::test]
async fn a_deadline_survives_a_restart() {
    let api = MockApi::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let action = MockTrigger::new("approval");
    let connection = connection(&api.base_url());

    let first = host_with(&path).await;
    let ended_early = first
        .start_wait(&action, &connection, Duration::from_secs(3600))
        .await
        .unwrap();
    let pending = first
        .start_wait(&action, &connection, Duration::from_millis(1500))
        .await
        .unwrap();
    let id = pending.id().clone();
    drop(pending);
    // A wait cancelled long before its deadline is finished, its deadline dropped.
    let cancelled = ended_early.wait(std::future::ready(())).await;
    assert!(
        matches!(cancelled, Err(Error::WaitCancelled(_))),
        "{cancelled:?}"
    );
    first.shutdown().await;
    drop(first);
    // Shutting down leaves the stored wait subscribed, for the next host to pick up.
    assert_eq!(api.hooks().len(), 1);

    // The next host queues the stored deadline again (or, on a slow machine, finds it
    // passed), times the wait out and unsubscribes.
    let second = host_with(&path).await;
    second
        .register_action(&action, connection.clone(), Default::default())
        .unwrap();
    let report = second.resume().await.unwrap();
    assert!(report.waits_pending <= 1);
    assert!(eventually(Duration::from_secs(20), || api.hooks().is_empty()).await);
    let rejoined = second.rejoin_wait(&action, &connection, &id).await.unwrap();
    let outcome = rejoined.wait(std::future::pending()).await;
    assert!(
        matches!(outcome, Err(Error::WaitTimedOut(_))),
        "{outcome:?}"
    );
    let record = second.subscription(&id).await.unwrap().unwrap();
    assert_eq!(
        record.outcome,
        Some(connector_runtime::WaitOutcome::TimedOut)
    );
    second.shutdown().await;
}

fn definition(api: &MockApi, name: &str) -> HttpWebhookDefinition {
    HttpWebhookDefinition::from_value(json!({
        "type": "HttpWebhook",
        "inputs": {
            "subscribe": {
                "method": "POST",
                "uri": format!("{}/subscribe", api.base_url()),
                "headers": {"x-callback": "@{listCallbackUrl()}"},
                "body": {"callbackUrl": "@listCallbackUrl()", "note": "call @{listCallbackUrl()}"},
                "authentication": {"type": "Basic", "username": "user", "password": "pass"}
            },
            "unsubscribe": {
                "method": "POST",
                "url": format!("{}/unsubscribe", api.base_url()),
                "body": {"callbackUrl": "@listCallbackUrl()"},
                "authentication": {"type": "Raw", "value": "Key unsub"}
            }
        }
    }))
    .unwrap()
    .with_name(name)
}

#[tokio::test]
async fn a_definition_works_as_a_trigger() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let hook = definition(&api, "definition-trigger");
    let (sender, mut received) = tokio::sync::mpsc::unbounded_channel();
    host.register(&hook, hook.connection(), move |callback| {
        let sender = sender.clone();
        async move {
            let _ = sender.send(callback.body);
            Ok(())
        }
    })
    .unwrap();
    let id = host.enable(&hook).await.unwrap();
    let callback_url = host.callback_url(&id);
    let subscribe = &api.requests_to("POST", "/subscribe")[0];
    assert_eq!(subscribe.json()["callbackUrl"], json!(callback_url));
    assert_eq!(
        subscribe.json()["note"],
        json!(format!("call {callback_url}"))
    );
    assert_eq!(subscribe.header("x-callback"), Some(callback_url.as_str()));
    assert_eq!(
        subscribe.header("authorization"),
        Some("Basic dXNlcjpwYXNz")
    );

    let hooks = api.hooks();
    assert_eq!(hooks.len(), 1);
    let body = br#"{"anything": [1, 2, 3]}"#;
    assert_eq!(api.deliver(&hooks[0], body, &[]).await.unwrap(), 202);
    let received_body = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(received_body, json!({"anything": [1, 2, 3]}));

    host.disable(&id).await.unwrap();
    let unsubscribe = &api.requests_to("POST", "/unsubscribe")[0];
    assert_eq!(unsubscribe.json()["callbackUrl"], json!(callback_url));
    assert_eq!(unsubscribe.header("authorization"), Some("Key unsub"));
    assert_eq!(unsubscribe.header(TRACKING_ID_HEADER), Some(id.as_str()));
    assert_eq!(
        unsubscribe.header(OPERATION_NAME_HEADER),
        Some("definition-trigger")
    );
    assert!(api.hooks().is_empty());
    host.shutdown().await;
}

#[tokio::test]
async fn a_definition_works_as_an_action() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let hook = definition(&api, "definition-action");
    let waiting = {
        let host = host.clone();
        let hook = hook.clone();
        tokio::spawn(async move {
            host.wait_for_callback(
                &hook,
                &hook.connection(),
                Duration::from_secs(30),
                std::future::pending(),
            )
            .await
        })
    };
    assert_eq!(
        deliver_when_subscribed(&api, br#"{"approved": true}"#.to_vec()).await,
        202
    );
    let callback = waiting.await.unwrap().unwrap();
    assert_eq!(callback.body, json!({"approved": true}));
    assert!(api.hooks().is_empty());
    assert_eq!(api.requests_to("POST", "/unsubscribe").len(), 1);

    // Bearer authentication is accepted too.
    let bearer: connector_runtime::WebhookAuthentication =
        serde_json::from_value(json!({"type": "Bearer", "token": "t"})).unwrap();
    assert_eq!(bearer.to_auth(), Auth::Bearer { token: "t".into() });
    host.shutdown().await;
}
