//! Receiving callbacks: every refusal code with nothing stored or dispatched, deduplication by
//! delivery id, inbound signatures, batch triggers.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use connector_runtime::testing::{post_callback, MockApi, MockTrigger};
use connector_runtime::verify::sign;
use connector_runtime::{Host, SignatureCheck, SubscriptionId, TriggerOptions};
use support::*;
use tokio::sync::{mpsc, Notify};

const GITHUB_SECRET: &[u8] = b"hook secret";

/// Counts handler runs; stored inbox rows are read from the store.
struct Counting {
    runs: Arc<AtomicUsize>,
    seen: mpsc::UnboundedReceiver<u64>,
}

fn register_counting(
    host: &Host,
    trigger: &MockTrigger,
    base_url: &str,
    options: TriggerOptions,
) -> Counting {
    let runs = Arc::new(AtomicUsize::new(0));
    let (sender, seen) = mpsc::unbounded_channel();
    let counter = runs.clone();
    host.register_with(trigger, connection(base_url), options, move |callback| {
        counter.fetch_add(1, Ordering::SeqCst);
        let _ = sender.send(callback.body.seq);
        async { Ok(()) }
    })
    .unwrap();
    Counting { runs, seen }
}

async fn rows(host: &Host, id: &SubscriptionId) -> usize {
    host.store().deliveries_of(id).await.unwrap().len()
}

#[tokio::test]
async fn every_refusal_stores_and_dispatches_nothing() {
    let api = MockApi::start().await.unwrap();
    let host = Host::builder()
        .with_sqlite(":memory:")
        .with_signing_key(KEY.to_vec())
        .with_retry_policy(fast_policy())
        .with_body_limit(1024)
        .build()
        .await
        .unwrap();
    let trigger = MockTrigger::new("signed");
    let mut counting = register_counting(
        &host,
        &trigger,
        &api.base_url(),
        TriggerOptions::default().with_signature(SignatureCheck::github(GITHUB_SECRET.to_vec())),
    );
    let id = host.enable(&trigger).await.unwrap();
    let url = host.callback_url(&id);
    let body = event(1);
    let good_sig = sign::github(GITHUB_SECRET, &body);
    let signed = [("x-hub-signature-256", good_sig.as_str())];

    // 401: bad token, truncated token, no token.
    let bad_token = format!("{}x", &url[..url.len() - 1]);
    assert_eq!(
        post_callback(&bad_token, &body, &signed).await.unwrap(),
        401
    );
    assert_eq!(
        post_callback(&url[..url.len() - 5], &body, &signed)
            .await
            .unwrap(),
        401
    );
    let no_token = url.split('?').next().unwrap();
    assert_eq!(post_callback(no_token, &body, &signed).await.unwrap(), 401);
    // 401: bad inbound signature, missing signature.
    let wrong_sig = sign::github(b"other secret", &body);
    assert_eq!(
        post_callback(&url, &body, &[("x-hub-signature-256", &wrong_sig)])
            .await
            .unwrap(),
        401
    );
    assert_eq!(post_callback(&url, &body, &[]).await.unwrap(), 401);
    // 404: a correctly signed URL for a subscription that does not exist.
    let unknown = host.callback_url(&SubscriptionId::generate());
    assert_eq!(post_callback(&unknown, &body, &signed).await.unwrap(), 404);
    // 400: signed, but not a notification.
    let junk = br#"{"kind": 5}"#;
    let junk_sig = sign::github(GITHUB_SECRET, junk);
    assert_eq!(
        post_callback(&url, junk, &[("x-hub-signature-256", &junk_sig)])
            .await
            .unwrap(),
        400
    );
    // 413: over the limit.
    let big = vec![b' '; 2048];
    let big_sig = sign::github(GITHUB_SECRET, &big);
    assert_eq!(
        post_callback(&url, &big, &[("x-hub-signature-256", &big_sig)])
            .await
            .unwrap(),
        413
    );
    // 415: not JSON.
    assert_eq!(
        post_callback(
            &url,
            &body,
            &[
                ("content-type", "text/plain"),
                ("x-hub-signature-256", &good_sig)
            ]
        )
        .await
        .unwrap(),
        415
    );
    assert_eq!(rows(&host, &id).await, 0, "no refused callback was stored");

    // The good one is accepted and dispatched.
    assert_eq!(post_callback(&url, &body, &signed).await.unwrap(), 202);
    assert_eq!(counting.seen.recv().await, Some(1));
    assert_eq!(counting.runs.load(Ordering::SeqCst), 1);

    // 410: disabled.
    host.disable(&id).await.unwrap();
    assert_eq!(post_callback(&url, &body, &signed).await.unwrap(), 410);
    assert_eq!(rows(&host, &id).await, 1);
    assert_eq!(counting.runs.load(Ordering::SeqCst), 1);
    host.shutdown().await;
}

/// Headers are stored with each delivery: a request whose headers together pass the limit is
/// answered 431 and nothing is stored, even a correctly signed one. One 200 KB header used to
/// be accepted (hyper allows ~400 KB).
#[tokio::test]
async fn oversized_headers_are_refused_with_431() {
    let api = MockApi::start().await.unwrap();
    let host = Host::builder()
        .with_sqlite(":memory:")
        .with_signing_key(KEY.to_vec())
        .with_retry_policy(fast_policy())
        .build()
        .await
        .unwrap();
    let trigger = MockTrigger::new("headers");
    let mut counting =
        register_counting(&host, &trigger, &api.base_url(), TriggerOptions::default());
    let id = host.enable(&trigger).await.unwrap();
    let url = host.callback_url(&id);
    let body = event(1);
    let huge = "x".repeat(200 * 1024);
    assert_eq!(
        post_callback(&url, &body, &[("x-padding", &huge)])
            .await
            .unwrap(),
        431
    );
    // Many small headers count together.
    let medium = "y".repeat(1024);
    let names: Vec<String> = (0..20).map(|n| format!("x-pad-{n}")).collect();
    let many: Vec<(&str, &str)> = names
        .iter()
        .map(|n| (n.as_str(), medium.as_str()))
        .collect();
    assert_eq!(post_callback(&url, &body, &many).await.unwrap(), 431);
    assert_eq!(rows(&host, &id).await, 0, "nothing stored");
    // Under the default 16 KiB: accepted.
    assert_eq!(post_callback(&url, &body, &many[..10]).await.unwrap(), 202);
    assert_eq!(counting.seen.recv().await, Some(1));
    host.shutdown().await;

    // The limit is configurable.
    let small = Host::builder()
        .with_sqlite(":memory:")
        .with_signing_key(KEY.to_vec())
        .with_header_limit(512)
        .build()
        .await
        .unwrap();
    let _counting = register_counting(&small, &trigger, &api.base_url(), TriggerOptions::default());
    let id = small.enable(&trigger).await.unwrap();
    let url = small.callback_url(&id);
    assert_eq!(
        post_callback(&url, &body, &[("x-padding", &medium)])
            .await
            .unwrap(),
        431
    );
    assert_eq!(post_callback(&url, &body, &[]).await.unwrap(), 202);
    small.shutdown().await;
}

#[tokio::test]
async fn a_full_queue_answers_429_with_retry_after_and_stores_nothing() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let trigger = MockTrigger::new("slow");
    let started = Arc::new(Notify::new());
    let release = Arc::new(Notify::new());
    let (started2, release2) = (started.clone(), release.clone());
    let (sender, mut done) = mpsc::unbounded_channel();
    host.register_with(
        &trigger,
        connection(&api.base_url()),
        TriggerOptions::default()
            .with_queue_capacity(1)
            .with_concurrency(1),
        move |callback| {
            let (started, release, sender) = (started2.clone(), release2.clone(), sender.clone());
            async move {
                started.notify_one();
                release.notified().await;
                let _ = sender.send(callback.body.seq);
                Ok(())
            }
        },
    )
    .unwrap();
    let id = host.enable(&trigger).await.unwrap();
    let url = host.callback_url(&id);

    assert_eq!(post_callback(&url, &event(1), &[]).await.unwrap(), 202);
    started.notified().await; // the handler holds the only slot
    assert_eq!(post_callback(&url, &event(2), &[]).await.unwrap(), 202); // waits in the queue
    let response = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json")
        .body(event(3))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers().get("retry-after").unwrap(), "1");
    assert_eq!(
        rows(&host, &id).await,
        2,
        "the refused delivery was not stored"
    );

    release.notify_one();
    assert_eq!(done.recv().await, Some(1));
    started.notified().await;
    release.notify_one();
    assert_eq!(done.recv().await, Some(2));
    host.shutdown().await;
}

#[tokio::test]
async fn a_repeated_delivery_id_is_dispatched_once() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let trigger = MockTrigger::new("dedupe");
    let mut counting = register_counting(
        &host,
        &trigger,
        &api.base_url(),
        TriggerOptions::default().with_concurrency(1),
    );
    let id = host.enable(&trigger).await.unwrap();
    let url = host.callback_url(&id);
    let first = [("x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")];
    assert_eq!(post_callback(&url, &event(1), &first).await.unwrap(), 202);
    assert_eq!(post_callback(&url, &event(1), &first).await.unwrap(), 200);
    assert_eq!(post_callback(&url, &event(1), &first).await.unwrap(), 200);
    // A later, different delivery: once it is handled, the duplicates would have been too.
    assert_eq!(
        post_callback(&url, &event(2), &[("x-github-delivery", "other")])
            .await
            .unwrap(),
        202
    );
    assert_eq!(counting.seen.recv().await, Some(1));
    assert_eq!(counting.seen.recv().await, Some(2));
    assert_eq!(counting.runs.load(Ordering::SeqCst), 2);
    assert_eq!(rows(&host, &id).await, 2);
    host.shutdown().await;
}

#[tokio::test]
async fn standard_webhooks_signatures_and_ids() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let key = b"standard webhooks key".to_vec();
    let secret = format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(&key)
    );
    let trigger = MockTrigger::new("standard");
    let mut counting = register_counting(
        &host,
        &trigger,
        &api.base_url(),
        TriggerOptions::default()
            .with_concurrency(1)
            .with_signature(SignatureCheck::standard_webhooks(&secret).unwrap()),
    );
    let id = host.enable(&trigger).await.unwrap();
    let url = host.callback_url(&id);
    let body = event(9);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let ts = now.to_string();
    let sig = sign::standard_webhooks(&key, "msg_1", now, &body);
    let headers = |sig: &str, ts: &str| {
        vec![
            ("webhook-id".to_owned(), "msg_1".to_owned()),
            ("webhook-timestamp".to_owned(), ts.to_owned()),
            ("webhook-signature".to_owned(), sig.to_owned()),
        ]
    };
    let send = |h: Vec<(String, String)>| {
        let url = url.clone();
        let body = body.clone();
        async move {
            let refs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            post_callback(&url, &body, &refs).await.unwrap()
        }
    };
    assert_eq!(send(headers("v1,", &ts)).await, 401);
    assert_eq!(send(headers(&sig[..sig.len() - 3], &ts)).await, 401);
    let stale = (now - 3600).to_string();
    let stale_sig = sign::standard_webhooks(&key, "msg_1", now - 3600, &body);
    assert_eq!(send(headers(&stale_sig, &stale)).await, 401);
    assert_eq!(rows(&host, &id).await, 0);
    assert_eq!(send(headers(&sig, &ts)).await, 202);
    assert_eq!(send(headers(&sig, &ts)).await, 200, "same webhook-id");
    assert_eq!(counting.seen.recv().await, Some(9));
    assert_eq!(rows(&host, &id).await, 1);
    host.shutdown().await;
}

#[tokio::test]
async fn batch_bodies_run_the_handler_per_item() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let trigger = MockTrigger::new("batch").batch();
    let mut received = register_forwarding(&host, &trigger, &api.base_url());
    let id = host.enable(&trigger).await.unwrap();
    let body = br#"[{"kind": "push", "seq": 1}, {"kind": "push", "seq": 2}]"#;
    assert_eq!(
        post_callback(&host.callback_url(&id), body, &[])
            .await
            .unwrap(),
        202
    );
    let mut seqs = vec![
        next(&mut received).await.body.seq,
        next(&mut received).await.body.seq,
    ];
    seqs.sort();
    assert_eq!(seqs, vec![1, 2]);
    // A single object is not a batch.
    assert_eq!(
        post_callback(&host.callback_url(&id), &event(3), &[])
            .await
            .unwrap(),
        400
    );
    host.shutdown().await;
}

#[tokio::test]
async fn failing_handlers_are_retried_then_kept_as_failed() {
    use connector_runtime::store::DeliveryState;
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let trigger = MockTrigger::new("flaky");
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = attempts.clone();
    host.register_with(
        &trigger,
        connection(&api.base_url()),
        TriggerOptions::default()
            .with_max_attempts(3)
            .with_retry_backoff(Duration::from_millis(5)),
        move |callback| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                if callback.body.seq == 1 && n < 1 {
                    Err("first attempt fails".into())
                } else if callback.body.seq == 2 {
                    Err(connector_runtime::HandlerError::new("always fails"))
                } else {
                    Ok(())
                }
            }
        },
    )
    .unwrap();
    let id = host.enable(&trigger).await.unwrap();
    let url = host.callback_url(&id);
    assert_eq!(post_callback(&url, &event(1), &[]).await.unwrap(), 202);
    let store = host.store();
    let mut settled = false;
    for _ in 0..500 {
        let rows = store.deliveries_of(&id).await.unwrap();
        if rows.len() == 1 && rows[0].state == DeliveryState::Done {
            assert_eq!(rows[0].attempts, 2);
            settled = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(settled, "retried to success");
    assert_eq!(post_callback(&url, &event(2), &[]).await.unwrap(), 202);
    let mut failed = false;
    for _ in 0..500 {
        let rows = store.deliveries_of(&id).await.unwrap();
        if rows.len() == 2 && rows[1].state == DeliveryState::Failed {
            assert_eq!(rows[1].attempts, 3);
            failed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(failed, "kept as failed after the attempt limit");
    host.shutdown().await;
}

#[tokio::test]
async fn github_form_encoded_deliveries_are_verified_on_the_raw_body_and_unwrapped() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let trigger = MockTrigger::new("form");
    let mut counting = register_counting(
        &host,
        &trigger,
        &api.base_url(),
        TriggerOptions::default().with_signature(SignatureCheck::github(GITHUB_SECRET.to_vec())),
    );
    let id = host.enable(&trigger).await.unwrap();
    let json = String::from_utf8(event(4)).unwrap();
    let form: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &json)
        .finish();
    let sig = sign::github(GITHUB_SECRET, form.as_bytes());
    let headers = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("x-hub-signature-256", sig.as_str()),
    ];
    let url = host.callback_url(&id);
    assert_eq!(
        post_callback(&url, form.as_bytes(), &headers)
            .await
            .unwrap(),
        202
    );
    assert_eq!(counting.seen.recv().await, Some(4));
    // GitHub's ping right after hook creation, which this notification type cannot parse, is
    // acknowledged, not stored or dispatched (nor refused with 400).
    let ping = br#"{"zen": "Keep it logically awesome.", "hook_id": 1}"#;
    let ping_sig = sign::github(GITHUB_SECRET, ping);
    let ping_headers = [
        ("x-github-event", "ping"),
        ("x-hub-signature-256", ping_sig.as_str()),
    ];
    assert_eq!(post_callback(&url, ping, &ping_headers).await.unwrap(), 200);
    let stored = host.store().deliveries_of(&id).await.unwrap();
    assert_eq!(stored.len(), 1, "the ping was not stored");
    assert_eq!(
        stored[0].body,
        json.as_bytes(),
        "the inbox keeps the JSON payload"
    );
    host.shutdown().await;
}

#[tokio::test]
async fn a_panicking_handler_fails_its_attempt_and_is_retried() {
    use connector_runtime::store::DeliveryState;
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let trigger = MockTrigger::new("panicky");
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = attempts.clone();
    host.register_with(
        &trigger,
        connection(&api.base_url()),
        TriggerOptions::default().with_retry_backoff(Duration::from_millis(5)),
        move |_callback| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                assert!(n > 0, "the first attempt panics");
                Ok(())
            }
        },
    )
    .unwrap();
    let id = host.enable(&trigger).await.unwrap();
    let url = host.callback_url(&id);
    assert_eq!(post_callback(&url, &event(1), &[]).await.unwrap(), 202);
    let store = host.store();
    let mut settled = None;
    for _ in 0..500 {
        let rows = store.deliveries_of(&id).await.unwrap();
        if rows.len() == 1 && rows[0].state == DeliveryState::Done {
            settled = Some(rows[0].clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let row = settled.expect("handled on the second attempt");
    assert_eq!(row.attempts, 2);
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    host.shutdown().await;
}

#[tokio::test]
async fn every_handled_delivery_is_marked_done_once() {
    use connector_runtime::store::DeliveryState;
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let trigger = MockTrigger::new("many");
    let mut counting =
        register_counting(&host, &trigger, &api.base_url(), TriggerOptions::default());
    let id = host.enable(&trigger).await.unwrap();
    let url = host.callback_url(&id);
    let total = 40u64;
    let mut posts = Vec::new();
    for seq in 0..total {
        let url = url.clone();
        posts.push(tokio::spawn(async move {
            let delivery = format!("d-{seq}");
            post_callback(&url, &event(seq), &[("x-github-delivery", &delivery)]).await
        }));
    }
    for post in posts {
        assert_eq!(post.await.unwrap().unwrap(), 202);
    }
    let mut seen = Vec::new();
    while seen.len() < total as usize {
        seen.push(counting.seen.recv().await.unwrap());
    }
    seen.sort_unstable();
    assert_eq!(seen, (0..total).collect::<Vec<_>>());
    // Done-marks are written in batches after the handlers return.
    let store = host.store();
    let mut all_done = false;
    for _ in 0..500 {
        if store.pending_deliveries(0, 100).await.unwrap().is_empty() {
            all_done = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(all_done, "every handled row is marked done");
    let rows = store.deliveries_of(&id).await.unwrap();
    assert_eq!(rows.len(), total as usize);
    assert!(rows
        .iter()
        .all(|row| row.state == DeliveryState::Done && row.attempts == 1));
    host.shutdown().await;
}
