//! Admin actions over loopback: requeue one or all failed deliveries, disable and enable a
//! subscription through the host's lifecycle, retry a stuck unsubscribe now — each recorded
//! in the audit log under the token's name and shown in the subscription's history.

mod support;

use std::sync::atomic::Ordering;

use serde_json::Value;
use support::admin::*;

async fn action(fixture: &AdminFixture, path: &str, token: &str) -> Value {
    let (status, body) = fixture.post(path, Some(token)).await;
    assert_eq!(status, 200, "POST {path}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn requeue_disable_enable_and_retry_are_done_and_audited() {
    let fixture = AdminFixture::start().await;
    let id = fixture.subscription_with_deliveries(3).await;
    fixture.until_all(&id, "failed", 3).await;
    let rows = fixture
        .json(&format!("/api/deliveries?subscription={id}"))
        .await;
    let oldest = rows["items"][2]["id"].as_i64().unwrap();

    // One failed delivery back to the handler, which now succeeds.
    fixture.failing.store(false, Ordering::SeqCst);
    let requeued = action(
        &fixture,
        &format!("/api/deliveries/{oldest}/requeue"),
        CI_TOKEN,
    )
    .await;
    assert_eq!(requeued["requeued"], 1);
    fixture.until_all(&id, "done", 1).await;
    let row = fixture.json(&format!("/api/deliveries/{oldest}")).await;
    assert_eq!(row["state"], "done");
    assert_eq!(row["attempts"], 2);
    let (status, body) = fixture
        .post(
            &format!("/api/deliveries/{oldest}/requeue"),
            Some(OPS_TOKEN),
        )
        .await;
    assert_eq!(status, 409, "only failed deliveries are requeued: {body}");

    // The rest of the subscription's failures at once.
    let requeued = action(
        &fixture,
        &format!("/api/subscriptions/{id}/requeue-failed"),
        OPS_TOKEN,
    )
    .await;
    assert_eq!(requeued["requeued"], 2);
    fixture.until_all(&id, "done", 3).await;

    // Disable: unsubscribed at the API, callbacks refused.
    let disabled = action(
        &fixture,
        &format!("/api/subscriptions/{id}/disable"),
        OPS_TOKEN,
    )
    .await;
    assert_eq!(disabled["subscription"]["state"], "gone");
    assert_eq!(disabled["subscription"]["intent"], "disabled");
    assert!(fixture.api.hooks().is_empty());
    let (status, _) = fixture
        .post(&format!("/api/subscriptions/{id}/disable"), Some(OPS_TOKEN))
        .await;
    assert_eq!(status, 409);

    // Enable: subscribed again under the same id, callbacks flow again.
    let enabled = action(
        &fixture,
        &format!("/api/subscriptions/{id}/enable"),
        OPS_TOKEN,
    )
    .await;
    assert_eq!(enabled["subscription"]["state"], "active");
    assert_eq!(enabled["subscription"]["intent"], "enabled");
    let hooks = fixture.api.hooks();
    assert_eq!(hooks.len(), 1);
    let status = fixture
        .api
        .deliver(&hooks[0], br#"{"kind":"push","seq":9}"#, &[])
        .await
        .unwrap();
    assert_eq!(status, 202);
    fixture.until_all(&id, "done", 4).await;

    // An unsubscribe the API keeps refusing stays pending; retried now once the API recovers.
    fixture.api.fail_next_unsubscribes(1000, 503);
    let stuck = action(
        &fixture,
        &format!("/api/subscriptions/{id}/disable"),
        OPS_TOKEN,
    )
    .await;
    assert_eq!(stuck["subscription"]["state"], "unsubscribing");
    assert!(stuck["error"].as_str().unwrap().contains("503"), "{stuck}");
    fixture.api.fail_next_unsubscribes(0, 503);
    let retried = action(
        &fixture,
        &format!("/api/subscriptions/{id}/retry-unsubscribe"),
        CI_TOKEN,
    )
    .await;
    assert_eq!(retried["subscription"]["state"], "gone");
    let (status, _) = fixture
        .post(
            &format!("/api/subscriptions/{id}/retry-unsubscribe"),
            Some(OPS_TOKEN),
        )
        .await;
    assert_eq!(status, 409);

    // Every action, newest first, with the name of the token that asked.
    let audit = fixture.json(&format!("/api/audit?subscription={id}")).await;
    let entries: Vec<(String, String)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["token_name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("retry_unsubscribe", "ci"),
        ("disable", "ops"),
        ("enable", "ops"),
        ("disable", "ops"),
        ("requeue_failed", "ops"),
        ("requeue", "ci"),
    ]
    .iter()
    .map(|(a, t)| (a.to_string(), t.to_string()))
    .collect();
    assert_eq!(entries, expected);
    let only_requeues = fixture.json("/api/audit?state=requeue").await;
    assert_eq!(only_requeues["items"].as_array().unwrap().len(), 1);

    // The attempt log has the refused unsubscribes with their status.
    let refused = fixture
        .json(&format!("/api/attempts?subscription={id}&state=rejected"))
        .await;
    let refused = refused["items"].as_array().unwrap();
    assert!(!refused.is_empty());
    assert!(refused
        .iter()
        .all(|a| a["operation"] == "unsubscribe" && a["status"] == 503));
    let all = fixture
        .json(&format!("/api/attempts?subscription={id}"))
        .await;
    let operations: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["operation"].as_str().unwrap())
        .collect();
    assert_eq!(operations.iter().filter(|o| **o == "subscribe").count(), 2);

    let metrics = fixture.get("/metrics", Some(OPS_TOKEN)).await.1;
    assert!(
        metrics.contains("connector_deliveries_total{event=\"handled\"} 4"),
        "{metrics}"
    );
    assert!(metrics.contains(
        "connector_subscription_attempts_total{operation=\"unsubscribe\",outcome=\"rejected\"}"
    ));
}
