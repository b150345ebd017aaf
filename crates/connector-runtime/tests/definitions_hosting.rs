//! Logic Apps HttpWebhook definitions in the shapes of the reference's and the webhook
//! connector doc's examples, hosted over loopback against the mock API: the requests the mock
//! receives are what Logic Apps sends. Also retry schedules, `limit.timeout`, concurrency and
//! whole workflow files.

mod support;

use std::time::{Duration, Instant};

use connector_runtime::definition::workflow::{is_workflow, Workflow};
use connector_runtime::testing::{eventually, MockApi, RecordedRequest};
use connector_runtime::{
    DefinitionOptions, Error, HttpWebhookDefinition, SubscriptionState, WaitOutcome,
    WebhookTrigger, OPERATION_NAME_HEADER, TRACKING_ID_HEADER,
};
use serde_json::{json, Value};
use support::*;

/// A fixture with its example endpoint `from` (a URL prefix) replaced by the mock's `to`.
fn fixture(name: &str, from: &str, api: &MockApi, to: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/logic-apps/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text.replace(from, &format!("{}{to}", api.base_url()))).unwrap()
}

fn query_pairs(request: &RecordedRequest) -> Vec<(String, String)> {
    url::Url::parse(&format!("http://x{}", request.path))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// JavaScript's `encodeURIComponent`, written out independently of the runtime's.
fn encode_uri_component(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn path_only(request: &RecordedRequest) -> &str {
    request.path.split('?').next().unwrap()
}

#[tokio::test]
async fn websub_trigger_with_empty_authentication() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let value = fixture(
        "websub-trigger.json",
        "https://pubsubhubbub.appspot.com/subscribe",
        &api,
        "/subscribe",
    );
    let hook = HttpWebhookDefinition::from_value(value)
        .unwrap()
        .with_name("myAppSpotTrigger");
    assert!(hook.warnings().is_empty(), "{:?}", hook.warnings());
    host.register(&hook, hook.connection(), |_| async { Ok(()) })
        .unwrap();
    let id = host.enable(&hook).await.unwrap();
    let callback = host.callback_url(&id);
    let topic = "https://pubsubhubbub.appspot.com/articleCategories/technology";

    let subscribe = &api.requests_to("POST", "/subscribe")[0];
    assert_eq!(subscribe.path, "/subscribe");
    assert_eq!(subscribe.header("content-type"), Some("application/json"));
    assert_eq!(subscribe.header("authorization"), None);
    assert_eq!(
        subscribe.json(),
        json!({"hub.callback": callback, "hub.mode": "subscribe", "hub.topic": topic})
    );

    host.disable(&id).await.unwrap();
    let unsubscribe = &api.requests_to("POST", "/subscribe")[1];
    let endpoint = format!("{}/callbacks/", host.public_url().trim_end_matches('/'));
    assert_eq!(
        unsubscribe.json(),
        json!({"hub.callback": format!("{endpoint}{callback}"), "hub.mode": "unsubscribe", "hub.topic": topic})
    );
    assert_eq!(unsubscribe.header(TRACKING_ID_HEADER), Some(id.as_str()));
    host.shutdown().await;
}

fn template_options() -> DefinitionOptions {
    DefinitionOptions::new()
        .with_parameter("tenant", json!("t-1"))
        .with_parameter("password", json!("s3cret"))
        .with_parameter("key", json!("k-1"))
}

#[tokio::test]
async fn generic_trigger_template_sends_every_part() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let value = fixture("trigger-template.json", "https://api.contoso.com", &api, "");
    let hook = HttpWebhookDefinition::from_value_with(&value, &template_options())
        .unwrap()
        .with_name("orders");
    // The one field the runtime ignores is reported, with its pointer.
    let warnings: Vec<&str> = hook.warnings().iter().map(|w| w.pointer.as_str()).collect();
    assert_eq!(warnings, ["/operationOptions"]);
    host.register_with(
        &hook,
        hook.connection(),
        hook.trigger_options(),
        |_| async { Ok(()) },
    )
    .unwrap();
    let id = host.enable(&hook).await.unwrap();
    let callback = host.callback_url(&id);

    let subscribe = &api.requests_to("POST", "/subscribe")[0];
    assert_eq!(path_only(subscribe), "/subscribe");
    assert_eq!(
        query_pairs(subscribe),
        [
            ("api-version".to_owned(), "2024-01-01".to_owned()),
            ("notify".to_owned(), encode_uri_component(&callback)),
        ]
    );
    assert_eq!(subscribe.header("content-type"), Some("application/json"));
    assert_eq!(subscribe.header("x-client"), Some("orders"));
    assert_eq!(
        subscribe.header("authorization"),
        Some("Basic Y29udG9zbzpzM2NyZXQ=")
    );
    assert_eq!(
        subscribe.json(),
        json!({"callbackUrl": callback, "events": ["order.created", "order.paid"],
               "tenant": "t-1", "note": "@mention stays literal"})
    );

    host.disable(&id).await.unwrap();
    let unsubscribe = &api.requests_to("POST", "/unsubscribe")[0];
    assert_eq!(
        query_pairs(unsubscribe),
        [("api-version".to_owned(), "2024-01-01".to_owned())]
    );
    assert_eq!(unsubscribe.header("x-client"), Some("contoso"));
    assert_eq!(unsubscribe.header("authorization"), Some("SharedKey k-1"));
    assert_eq!(unsubscribe.header(OPERATION_NAME_HEADER), Some("orders"));
    assert_eq!(unsubscribe.json(), json!({"callbackUrl": callback}));
    assert!(api.hooks().is_empty());
    host.shutdown().await;
}

#[tokio::test]
async fn concurrency_runs_and_waiting_runs_answer_429_beyond() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let value = fixture("trigger-template.json", "https://api.contoso.com", &api, "");
    let hook = HttpWebhookDefinition::from_value_with(&value, &template_options())
        .unwrap()
        .with_name("orders-busy");
    let (started, mut started_rx) = tokio::sync::mpsc::unbounded_channel();
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let gate = release.clone();
    host.register_definition(&hook, move |_| {
        let started = started.clone();
        let gate = gate.clone();
        async move {
            let _ = started.send(());
            gate.notified().await;
            Ok(())
        }
    })
    .unwrap();
    let id = host.enable(&hook).await.unwrap();
    let url = host.callback_url(&id);
    let post = |n: u32| {
        let url = url.clone();
        async move {
            connector_runtime::testing::post_callback(
                &url,
                format!("{{\"n\": {n}}}").as_bytes(),
                &[],
            )
            .await
            .unwrap()
        }
    };
    // One run at once, one waiting: the third callback is refused with 429.
    assert_eq!(post(1).await, 202);
    tokio::time::timeout(Duration::from_secs(10), started_rx.recv())
        .await
        .unwrap();
    assert_eq!(post(2).await, 202);
    assert_eq!(post(3).await, 429);
    release.notify_waiters();
    release.notify_one();
    host.shutdown().await;
}

#[tokio::test]
async fn action_with_limit_completes_or_times_out_and_unsubscribes() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let value = fixture(
        "action-with-limit.json",
        "https://approvals.contoso.com",
        &api,
        "",
    );
    // PT1H, run 36 000 times faster: 100 ms.
    let options = DefinitionOptions::new()
        .with_parameter("order", json!("A-7"))
        .with_time_scale(36_000);
    let action = HttpWebhookDefinition::from_value_with(&value, &options)
        .unwrap()
        .with_name("Wait_for_approval");
    assert_eq!(action.timeout(), Some(Duration::from_millis(100)));
    // `runAfter: {}` is part of every action and says nothing to ignore.
    assert!(action.warnings().is_empty(), "{:?}", action.warnings());

    let timed_out = host
        .wait_for_definition(&action, std::future::pending())
        .await;
    let Err(Error::WaitTimedOut(id)) = timed_out else {
        panic!("expected a timeout, got {timed_out:?}");
    };
    let callback = host.callback_url(&id);
    let subscribe = &api.requests_to("POST", "/subscribe")[0];
    assert_eq!(
        subscribe.json(),
        json!({"callbackUrl": callback, "message": "Approve order A-7?"})
    );
    let unsubscribe = &api.requests_to("POST", "/unsubscribe")[0];
    assert_eq!(unsubscribe.json(), json!({"callbackUrl": callback}));
    let record = host.subscription(&id).await.unwrap().unwrap();
    assert_eq!(record.outcome, Some(WaitOutcome::TimedOut));
    assert_eq!(record.state, SubscriptionState::Gone);

    // Without the time scale the same action waits for its callback.
    let action = HttpWebhookDefinition::from_value_with(
        &value,
        &DefinitionOptions::new().with_parameter("order", json!("A-8")),
    )
    .unwrap()
    .with_name("Wait_for_approval_2");
    assert_eq!(action.wait_timeout(), Duration::from_secs(3600));
    let waiting = {
        let host = host.clone();
        let action = action.clone();
        tokio::spawn(async move {
            host.wait_for_definition(&action, std::future::pending())
                .await
        })
    };
    assert!(eventually(Duration::from_secs(10), || api.hooks().len() == 1).await);
    let hook = api.hooks().remove(0);
    assert_eq!(
        api.deliver(&hook, br#"{"approved": true}"#, &[])
            .await
            .unwrap(),
        202
    );
    let callback = waiting.await.unwrap().unwrap();
    assert_eq!(callback.body, json!({"approved": true}));
    assert_eq!(api.requests_to("POST", "/unsubscribe").len(), 2);
    host.shutdown().await;
}

/// The retry schedule a definition's `retryPolicy` gives, against a mock answering 503:
/// the number of attempts and the gaps between them.
async fn schedule(policy: Value, failures: u32) -> (usize, Vec<Duration>, Result<(), Error>) {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    api.fail_next_subscribes(failures, 503);
    let value = json!({"type": "HttpWebhook", "inputs": {"subscribe": {
        "method": "POST", "uri": format!("{}/subscribe", api.base_url()),
        "body": {"callbackUrl": "@listCallbackUrl()"}, "retryPolicy": policy}}});
    // Intervals run 100 times faster: PT10S is 100 ms.
    let options = DefinitionOptions::new().with_time_scale(100);
    let hook = HttpWebhookDefinition::from_value_with(&value, &options).unwrap();
    host.register(&hook, hook.connection(), |_| async { Ok(()) })
        .unwrap();
    let outcome = host.enable(&hook).await.map(|_| ());
    let times: Vec<Instant> = api
        .requests_to("POST", "/subscribe")
        .iter()
        .map(|r| r.received_at)
        .collect();
    let gaps = times.windows(2).map(|w| w[1] - w[0]).collect();
    host.shutdown().await;
    (times.len(), gaps, outcome)
}

#[tokio::test]
async fn retry_policies_produce_their_schedules() {
    let (attempts, _, outcome) = schedule(json!({"type": "none"}), 1).await;
    assert_eq!(attempts, 1);
    assert!(matches!(
        outcome,
        Err(Error::SubscribeRejected { status: 503, .. })
    ));

    let (attempts, gaps, outcome) =
        schedule(json!({"type": "fixed", "count": 2, "interval": "PT10S"}), 5).await;
    assert_eq!(attempts, 3, "1 attempt + 2 retries");
    assert!(outcome.is_err());
    for gap in &gaps {
        assert!(*gap >= Duration::from_millis(95), "{gaps:?}");
        assert!(*gap < Duration::from_secs(2), "{gaps:?}");
    }

    // Exponential: retry n waits within [interval·2ⁿ⁻², interval·2ⁿ⁻¹], at least the minimum.
    let (attempts, gaps, outcome) = schedule(
        json!({"type": "exponential", "count": 3, "interval": "PT10S",
               "minimumInterval": "PT5S", "maximumInterval": "PT1H"}),
        3,
    )
    .await;
    assert_eq!(attempts, 4);
    assert!(outcome.is_ok(), "the fourth attempt succeeds: {outcome:?}");
    let lower = [50u64, 100, 200];
    for (gap, low) in gaps.iter().zip(lower) {
        assert!(*gap >= Duration::from_millis(low - 5), "{gaps:?}");
    }
    assert!(gaps[2] > gaps[0], "intervals grow: {gaps:?}");
}

#[tokio::test]
async fn a_whole_workflow_gives_its_webhooks_by_name() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let path = format!(
        "{}/tests/fixtures/logic-apps/workflow.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    assert!(is_workflow(&serde_json::from_str(&text).unwrap()));
    let options = DefinitionOptions::new()
        .with_parameter("api", json!(api.base_url()))
        .with_workflow_name("orders-flow");
    let workflow = Workflow::from_json(&text, &options).unwrap();
    let skipped: Vec<(&str, &str)> = workflow
        .skipped()
        .iter()
        .map(|s| (s.name.as_str(), s.kind.as_str()))
        .collect();
    assert_eq!(skipped, [("Compose", "Compose"), ("Scope", "Scope")]);
    let trigger = workflow.trigger("When_an_order_is_created").unwrap();
    let action = workflow.action("Wait_for_approval").unwrap();
    assert_eq!(
        action.pointer(),
        "/definition/actions/Scope/actions/Wait_for_approval"
    );
    assert_eq!(action.timeout(), Some(Duration::from_secs(3600)));

    host.register(trigger, trigger.connection(), |_| async { Ok(()) })
        .unwrap();
    let id = host.enable(trigger).await.unwrap();
    let subscribe = &api.requests_to("POST", "/subscribe")[0];
    assert_eq!(
        subscribe.json(),
        json!({"callbackUrl": host.callback_url(&id), "events": ["order.created"]})
    );
    // The file's parameter value wins over the definition's default.
    let spec = action.subscribe_request("https://me/callbacks/x").unwrap();
    assert_eq!(
        spec.body,
        Some(json!({"callbackUrl": "https://me/callbacks/x", "order": "42"}))
    );
    host.disable(&id).await.unwrap();
    assert!(api.hooks().is_empty());
    host.shutdown().await;
}

#[tokio::test]
async fn the_unsubscribe_retry_policy_is_its_own() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let value = json!({"type": "HttpWebhook", "inputs": {
        "subscribe": {"method": "POST", "uri": format!("{}/subscribe", api.base_url()),
                      "body": {"callbackUrl": "@listCallbackUrl()"},
                      "retryPolicy": {"type": "none"}},
        "unsubscribe": {"method": "POST", "uri": format!("{}/unsubscribe", api.base_url()),
                        "body": {"callbackUrl": "@listCallbackUrl()"},
                        "retryPolicy": {"type": "fixed", "count": 2, "interval": "PT10S"}}}});
    let options = DefinitionOptions::new().with_time_scale(100);
    let hook = HttpWebhookDefinition::from_value_with(&value, &options)
        .unwrap()
        .with_name("own-unsubscribe-policy");
    host.register_definition(&hook, |_| async { Ok(()) })
        .unwrap();
    let id = host.enable(&hook).await.unwrap();
    api.fail_next_unsubscribes(2, 503);
    host.disable(&id).await.unwrap();
    let unsubscribes = api.requests_to("POST", "/unsubscribe");
    assert_eq!(unsubscribes.len(), 3, "two 503s, then removed");
    for pair in unsubscribes.windows(2) {
        assert!(pair[1].received_at - pair[0].received_at >= Duration::from_millis(95));
    }
    assert!(api.hooks().is_empty());
    host.shutdown().await;
}
