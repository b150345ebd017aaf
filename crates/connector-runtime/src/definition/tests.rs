//! Unit tests of single definitions; hosting over loopback is in tests/definitions_*.rs.

use super::*;
use crate::Auth;
use serde_json::json;

fn sample() -> HttpWebhookDefinition {
    HttpWebhookDefinition::from_value(json!({
        "type": "HttpWebhook",
        "inputs": {
            "subscribe": {
                "method": "post",
                "uri": "https://api.example.com/subscribe?cb=@{listCallbackUrl()}",
                "headers": {"X-Callback": "@listCallbackUrl()", "X-Count": 3},
                "queries": {"mode": "subscribe", "n": 2},
                "body": {"callbackUrl": "@listCallbackUrl()", "note": "to @{listCallbackUrl()} now", "n": [1, "@listCallbackUrl()"]},
                "authentication": {"type": "Basic", "username": "u", "password": "p"}
            },
            "unsubscribe": {
                "method": "DELETE",
                "url": "https://api.example.com/unsubscribe",
                "authentication": {"type": "Raw", "value": "Key abc"}
            }
        }
    }))
    .unwrap()
}

#[test]
fn callback_url_expressions_are_substituted() {
    let spec = sample().subscribe_request("https://me/cb?sig=x").unwrap();
    assert_eq!(spec.method, "POST");
    assert_eq!(
        spec.url,
        "https://api.example.com/subscribe?cb=https://me/cb?sig=x"
    );
    assert_eq!(
        spec.query,
        vec![
            ("mode".to_owned(), "subscribe".to_owned()),
            ("n".to_owned(), "2".to_owned())
        ]
    );
    assert_eq!(
        spec.headers,
        vec![
            ("X-Callback".to_owned(), "https://me/cb?sig=x".to_owned()),
            ("X-Count".to_owned(), "3".to_owned())
        ]
    );
    assert_eq!(
        spec.body,
        Some(
            json!({"callbackUrl": "https://me/cb?sig=x", "note": "to https://me/cb?sig=x now", "n": [1, "https://me/cb?sig=x"]})
        )
    );
}

#[test]
fn authentication_maps_to_auth_and_is_redacted() {
    let definition = sample();
    let connection = definition.connection();
    assert_eq!(
        connection.auth,
        Auth::Basic {
            username: "u".into(),
            password: "p".into()
        }
    );
    assert_eq!(
        connection.unsubscribe_auth,
        Some(Auth::Header {
            name: "Authorization".into(),
            value: "Key abc".into()
        })
    );
    assert_eq!(connection, definition.connection());
    let printed = format!("{definition:?} {connection:?}");
    assert!(!printed.contains("Key abc"), "{printed}");
    assert!(!printed.contains("\"p\""), "{printed}");
    let unsubscribe = definition.unsubscribe_request("https://me/cb").unwrap();
    assert_eq!(unsubscribe.url, "https://api.example.com/unsubscribe");
    assert!(unsubscribe.headers.is_empty());
}

#[test]
fn empty_authentication_means_none_and_type_is_case_insensitive() {
    let definition = HttpWebhookDefinition::from_value(json!({
        "type": "httpwebhook",
        "inputs": {"subscribe": {"method": "POST", "uri": "https://hub/subscribe",
                                 "authentication": {}}}
    }))
    .unwrap();
    assert!(matches!(
        definition.subscribe().authentication(),
        WebhookAuthentication::None
    ));
    assert!(definition.warnings().is_empty());
}

#[test]
fn unknown_fields_are_warnings_or_strict_errors() {
    let value = json!({
        "type": "HttpWebhook",
        "inputs": {"subscribe": {"method": "POST", "uri": "https://a/s", "cookie": "x"}},
        "trackedProperties": {"a": "b"}
    });
    let lenient = HttpWebhookDefinition::from_value(value.clone()).unwrap();
    let pointers: Vec<&str> = lenient
        .warnings()
        .iter()
        .map(|w| w.pointer.as_str())
        .collect();
    assert_eq!(pointers, ["/inputs/subscribe/cookie", "/trackedProperties"]);
    let strict =
        HttpWebhookDefinition::from_value_with(&value, &DefinitionOptions::new().strict(true))
            .unwrap_err();
    assert_eq!(strict.errors().len(), 2);
}

#[test]
fn parameters_come_from_the_application_then_defaults() {
    let value = json!({
        "type": "HttpWebhook",
        "inputs": {"subscribe": {"method": "POST", "uri": "@{parameters('base')}/subscribe",
            "authentication": {"type": "Raw", "value": "@concat('Key ', parameters('key'))"},
            "body": {"who": "@workflow().name"}}}
    });
    let missing = HttpWebhookDefinition::from_value(value.clone()).unwrap_err();
    assert_eq!(missing.errors()[0].pointer, "/inputs/subscribe/uri");
    let options = DefinitionOptions::new()
        .with_parameter("base", json!("https://api.example.com"))
        .with_parameter("key", json!("k1"));
    let definition = HttpWebhookDefinition::from_value_with(&value, &options)
        .unwrap()
        .with_name("hook");
    let spec = definition
        .subscribe_request("https://me/callbacks/x")
        .unwrap();
    assert_eq!(spec.url, "https://api.example.com/subscribe");
    assert_eq!(spec.body, Some(json!({"who": "hook"})));
    assert_eq!(
        definition.connection().auth,
        Auth::Header {
            name: "Authorization".into(),
            value: "Key k1".into()
        }
    );
}

#[test]
fn concurrency_limit_and_operation_options() {
    let definition = HttpWebhookDefinition::from_value(json!({
        "type": "HttpWebhook",
        "inputs": {"subscribe": {"method": "POST", "uri": "https://a/s"}},
        "runtimeConfiguration": {"concurrency": {"runs": 2, "maximumWaitingRuns": 10}},
        "limit": {"timeout": "PT2M"}
    }))
    .unwrap();
    assert_eq!(
        definition.concurrency(),
        Some(Concurrency {
            runs: 2,
            maximum_waiting_runs: Some(10)
        })
    );
    let options = definition.trigger_options();
    assert_eq!((options.concurrency, options.queue_capacity), (2, 10));
    assert_eq!(definition.timeout(), Some(Duration::from_secs(120)));
    let single = HttpWebhookDefinition::from_value(json!({
        "type": "HttpWebhook",
        "inputs": {"subscribe": {"method": "POST", "uri": "https://a/s"}},
        "operationOptions": "SingleInstance"
    }))
    .unwrap();
    assert_eq!(single.concurrency().unwrap().runs, 1);
    let bad = HttpWebhookDefinition::from_value(json!({
        "type": "HttpWebhook",
        "inputs": {"subscribe": {"method": "POST", "uri": "https://a/s"}},
        "runtimeConfiguration": {"concurrency": {"runs": 101}},
        "operationOptions": "Sometimes"
    }))
    .unwrap_err();
    let pointers: Vec<String> = bad.errors().into_iter().map(|d| d.pointer).collect();
    assert_eq!(
        pointers,
        [
            "/runtimeConfiguration/concurrency/runs",
            "/operationOptions"
        ]
    );
}
