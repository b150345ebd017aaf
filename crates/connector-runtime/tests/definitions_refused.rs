//! Definitions the runtime refuses: each with its JSON pointer and a reason, and nothing sent.

mod support;

use connector_runtime::definition::workflow::Workflow;
use connector_runtime::testing::MockApi;
use connector_runtime::{DefinitionOptions, Error, HttpWebhookDefinition, TriggerError};
use serde_json::{json, Value};
use support::*;

/// A definition whose subscribe request is `subscribe` merged over a valid one.
fn with_subscribe(api: &MockApi, subscribe: Value) -> Value {
    let mut base = json!({"method": "POST", "uri": format!("{}/subscribe", api.base_url()),
                          "body": {"callbackUrl": "@listCallbackUrl()"}});
    if let (Value::Object(base), Value::Object(extra)) = (&mut base, subscribe) {
        base.extend(extra);
    }
    json!({"type": "HttpWebhook", "inputs": {"subscribe": base}})
}

#[tokio::test]
async fn refused_inputs_name_their_pointer_and_send_nothing() {
    let api = MockApi::start().await.unwrap();
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "unknown expression function",
            with_subscribe(&api, json!({"body": {"run": "@{triggerBody()?['id']}"}})),
            "/inputs/subscribe/body/run",
            "triggerBody",
        ),
        (
            "unbalanced @{",
            with_subscribe(
                &api,
                json!({"uri": format!("{}/subscribe?cb=@{{listCallbackUrl()", api.base_url())}),
            ),
            "/inputs/subscribe/uri",
            "unbalanced `@{`",
        ),
        (
            "relative URI",
            with_subscribe(&api, json!({"uri": "/subscribe"})),
            "/inputs/subscribe/uri",
            "absolute http(s) URL",
        ),
        (
            "bad ISO 8601 duration",
            with_subscribe(
                &api,
                json!({"retryPolicy": {"type": "fixed", "count": 2, "interval": "10 seconds"}}),
            ),
            "/inputs/subscribe/retryPolicy/interval",
            "ISO 8601",
        ),
        (
            "retry interval below Logic Apps' bound",
            with_subscribe(
                &api,
                json!({"retryPolicy": {"type": "exponential", "count": 2, "interval": "PT1S"}}),
            ),
            "/inputs/subscribe/retryPolicy/interval",
            "bounds",
        ),
        (
            "unknown authentication type",
            with_subscribe(
                &api,
                json!({"authentication": {"type": "Digest", "value": "x"}}),
            ),
            "/inputs/subscribe/authentication/type",
            "unknown authentication type `Digest`",
        ),
        (
            "ManagedServiceIdentity",
            with_subscribe(
                &api,
                json!({"authentication": {"type": "ManagedServiceIdentity",
                                           "audience": "https://management.azure.com/"}}),
            ),
            "/inputs/subscribe/authentication/type",
            "outside Azure",
        ),
        (
            "a workflow() property only Azure knows",
            with_subscribe(&api, json!({"body": {"run": "@{workflow().run.name}"}})),
            "/inputs/subscribe/body/run",
            "workflow().run",
        ),
        (
            "an undeclared parameter",
            with_subscribe(&api, json!({"headers": {"x-key": "@parameters('key')"}})),
            "/inputs/subscribe/headers/x-key",
            "parameter `key`",
        ),
        (
            "a PFX that is not one",
            with_subscribe(
                &api,
                json!({"authentication": {"type": "ClientCertificate", "pfx": "bm90IGEgcGZ4",
                                           "password": "p"}}),
            ),
            "/inputs/subscribe/authentication/pfx",
            "PKCS #12",
        ),
        (
            "a bad limit.timeout",
            {
                let mut value = with_subscribe(&api, json!({}));
                value["limit"] = json!({"timeout": "1h"});
                value
            },
            "/limit/timeout",
            "ISO 8601",
        ),
    ];
    for (case, value, pointer, reason) in cases {
        let error = HttpWebhookDefinition::from_value(value).unwrap_err();
        let errors = error.errors();
        assert!(
            errors
                .iter()
                .any(|e| e.pointer == pointer && e.message.contains(reason)),
            "{case}: expected {pointer} ({reason}), got {errors:?}"
        );
        assert!(error.to_string().contains(pointer), "{case}: {error}");
    }
    assert!(api.requests().is_empty());
}

#[tokio::test]
async fn secrets_never_reach_errors_or_debug_output() {
    let api = MockApi::start().await.unwrap();
    let value = with_subscribe(
        &api,
        json!({"authentication": {"type": "Basic", "username": "u", "password": "hunter2"},
               "unknownField": true}),
    );
    let strict =
        HttpWebhookDefinition::from_value_with(&value, &DefinitionOptions::new().strict(true))
            .unwrap_err();
    assert!(!format!("{strict} {strict:?}").contains("hunter2"));
    let lenient = HttpWebhookDefinition::from_value(value).unwrap();
    assert!(!format!("{lenient:?} {:?}", lenient.connection()).contains("hunter2"));
}

#[tokio::test]
async fn an_expression_failing_at_subscribe_sends_nothing() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let value = with_subscribe(
        &api,
        json!({"body": {"short": "@substring(listCallbackUrl(), 0, 5000)"}}),
    );
    let hook = HttpWebhookDefinition::from_value(value).unwrap();
    host.register(&hook, hook.connection(), |_| async { Ok(()) })
        .unwrap();
    let error = host.enable(&hook).await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Trigger(TriggerError::Expression { pointer, .. })
                if pointer == "/inputs/subscribe/body/short"
        ),
        "{error:?}"
    );
    assert!(api.requests().is_empty());
    host.shutdown().await;
}

#[test]
fn workflow_errors_point_into_the_file() {
    let workflow = json!({"definition": {
        "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
        "triggers": {"hook": {"type": "HttpWebhook", "inputs": {"subscribe": {
            "method": "POST", "uri": "https://api.example.com/s",
            "body": {"x": "@{actions('a').outputs}"}}}}}}});
    let error = Workflow::from_value(&workflow, &DefinitionOptions::new()).unwrap_err();
    let errors = error.errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].pointer,
        "/definition/triggers/hook/inputs/subscribe/body/x"
    );
    assert!(errors[0].message.contains("`actions`"), "{errors:?}");
}
