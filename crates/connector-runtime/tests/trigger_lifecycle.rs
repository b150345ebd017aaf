//! Trigger lifecycle against the recording mock API over 127.0.0.1: enable, receive, disable,
//! restart on the same SQLite file, retries, unmanaged subscriptions, update.

mod support;

use std::time::Duration;

use connector_runtime::testing::{eventually, Hook, MockApi, MockTrigger};
use connector_runtime::{
    Error, Host, SubscriptionId, SubscriptionState, OPERATION_NAME_HEADER, TRACKING_ID_HEADER,
};
use support::*;

#[tokio::test]
async fn enable_receive_disable() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let trigger = MockTrigger::new("on_push");
    let mut received = register_forwarding(&host, &trigger, &api.base_url());

    let id = host.enable(&trigger).await.unwrap();
    let hooks = api.hooks();
    assert_eq!(hooks.len(), 1, "exactly one hook");
    assert_eq!(
        hooks[0].callback_url.as_deref(),
        Some(host.callback_url(&id).as_str())
    );
    let subscribe = &api.requests_to("POST", "/hooks")[0];
    assert_eq!(subscribe.header("authorization"), Some("Bearer api-token"));
    let record = host.subscription(&id).await.unwrap().unwrap();
    assert_eq!(record.state, SubscriptionState::Active);
    assert_eq!(
        record.location.as_deref(),
        Some(format!("{}/hooks/1", api.base_url()).as_str())
    );
    assert_eq!(record.subscribe_status, Some(201));

    let status = api.deliver(&hooks[0], &event(7), &[]).await.unwrap();
    assert_eq!(status, 202);
    let callback = next(&mut received).await;
    assert_eq!(callback.body.seq, 7);
    assert_eq!(callback.body.kind, "push");
    assert_eq!(callback.status_code, 202);
    assert_eq!(callback.header("content-type"), Some("application/json"));

    host.disable(&id).await.unwrap();
    let deletes = api.requests_to("DELETE", "/hooks/1");
    assert_eq!(deletes.len(), 1);
    assert_eq!(deletes[0].header(TRACKING_ID_HEADER), Some(id.as_str()));
    assert_eq!(deletes[0].header(OPERATION_NAME_HEADER), Some("on_push"));
    assert_eq!(deletes[0].header("authorization"), Some("Bearer api-token"));
    assert!(api.hooks().is_empty());
    assert_eq!(
        host.subscription(&id).await.unwrap().unwrap().state,
        SubscriptionState::Gone
    );
    // Disabled: the sender is told the subscription is gone.
    assert_eq!(api.deliver(&hooks[0], &event(8), &[]).await.unwrap(), 410);
    host.shutdown().await;
}

#[tokio::test]
async fn restart_on_the_same_file_keeps_receiving_and_still_deletes() {
    let api = MockApi::start().await.unwrap();
    api.absolute_location(true);
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let trigger = MockTrigger::new("on_push");

    let first = host_with(&path).await;
    let addr = first.local_addr();
    let _unused = register_forwarding(&first, &trigger, &api.base_url());
    let id = first.enable(&trigger).await.unwrap();
    first.shutdown().await;
    drop(first);

    // Same address, same store file, a rotated key that keeps the old one valid.
    let second = Host::builder()
        .with_bind(addr)
        .with_sqlite(&path)
        .with_signing_key(b"rotated-key".to_vec())
        .with_previous_signing_key(KEY.to_vec())
        .with_retry_policy(fast_policy())
        .build()
        .await
        .unwrap();
    let mut received = register_forwarding(&second, &trigger, &api.base_url());
    let report = second.resume().await.unwrap();
    assert_eq!(report.active, 1);
    assert!(report.orphaned.is_empty());

    let hook = api.hooks().remove(0);
    assert_eq!(api.deliver(&hook, &event(1), &[]).await.unwrap(), 202);
    assert_eq!(next(&mut received).await.body.seq, 1);

    second.disable(&id).await.unwrap();
    let deletes = api.requests_to("DELETE", "/hooks/");
    assert_eq!(deletes.len(), 1);
    assert_eq!(deletes[0].header(TRACKING_ID_HEADER), Some(id.as_str()));
    assert!(api.hooks().is_empty());
    second.shutdown().await;
}

/// A host started again on the same store file and address (the callback URLs stay valid).
async fn restarted(path: &str, addr: std::net::SocketAddr) -> Host {
    Host::builder()
        .with_bind(addr)
        .with_sqlite(path)
        .with_signing_key(KEY.to_vec())
        .with_retry_policy(fast_policy())
        .build()
        .await
        .unwrap()
}

/// A host on `path` with `trigger` enabled and one delivery (`seq`, `delivery`) acknowledged
/// (202) but never handled: its handler never finishes, so the row is never marked done.
async fn host_with_unhandled_delivery(
    api: &MockApi,
    path: &str,
    trigger: &MockTrigger,
    seq: u64,
    delivery: &str,
) -> (Host, SubscriptionId, Hook) {
    let host = host_with(path).await;
    host.register(trigger, connection(&api.base_url()), |_| async {
        std::future::pending::<()>().await;
        Ok(())
    })
    .unwrap();
    let id = host.enable(trigger).await.unwrap();
    let hook = api.hooks().remove(0);
    assert_eq!(
        api.deliver(&hook, &event(seq), &[("x-github-delivery", delivery)])
            .await
            .unwrap(),
        202
    );
    (host, id, hook)
}

#[tokio::test]
async fn pending_deliveries_are_redelivered_after_a_restart() {
    let api = MockApi::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let trigger = MockTrigger::new("on_push");

    let (first, _, hook) = host_with_unhandled_delivery(&api, &path, &trigger, 42, "d-42").await;
    let addr = first.local_addr();
    first.shutdown().await;
    drop(first);

    let second = restarted(&path, addr).await;
    let mut received = register_forwarding(&second, &trigger, &api.base_url());
    let report = second.resume().await.unwrap();
    assert_eq!(report.redelivered, 1);
    let callback = next(&mut received).await;
    assert_eq!(callback.body.seq, 42);
    assert_eq!(callback.header("x-github-delivery"), Some("d-42"));
    // The sender retrying the same delivery after the restart is not dispatched again.
    assert_eq!(
        api.deliver(&hook, &event(42), &[("x-github-delivery", "d-42")])
            .await
            .unwrap(),
        200
    );
    second.shutdown().await;
}

/// Found by the 3-replica PostgreSQL crash run: a notification acknowledged (202) whose
/// subscription is disabled before its handler ran is still handled after a restart, although
/// the subscription is no longer live.
#[tokio::test]
async fn an_acknowledged_delivery_of_a_disabled_subscription_is_handled_after_a_restart() {
    let api = MockApi::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let trigger = MockTrigger::new("on_push");

    let (first, id, _) = host_with_unhandled_delivery(&api, &path, &trigger, 7, "d-7").await;
    let addr = first.local_addr();
    first.disable(&id).await.unwrap();
    assert_eq!(
        first.subscription(&id).await.unwrap().unwrap().state,
        SubscriptionState::Gone
    );
    first.shutdown().await;
    drop(first);

    let second = restarted(&path, addr).await;
    let mut received = register_forwarding(&second, &trigger, &api.base_url());
    let report = second.resume().await.unwrap();
    assert_eq!(report.redelivered, 1, "{report:?}");
    assert_eq!(next(&mut received).await.body.seq, 7);
    second.shutdown().await;
}

#[tokio::test]
async fn subscribe_retries_503_then_succeeds_and_unsubscribe_retries_500() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let trigger = MockTrigger::new("on_push");
    let _received = register_forwarding(&host, &trigger, &api.base_url());

    api.fail_next_subscribes(2, 503);
    let id = host.enable(&trigger).await.unwrap();
    assert_eq!(api.requests_to("POST", "/hooks").len(), 3);
    assert_eq!(
        host.subscription(&id).await.unwrap().unwrap().state,
        SubscriptionState::Active
    );

    api.fail_next_unsubscribes(2, 500);
    host.disable(&id).await.unwrap();
    assert_eq!(api.requests_to("DELETE", "/hooks/").len(), 3);
    assert!(api.hooks().is_empty());
    assert_eq!(
        host.subscription(&id).await.unwrap().unwrap().state,
        SubscriptionState::Gone
    );
    host.shutdown().await;
}

#[tokio::test]
async fn retry_after_is_honoured_and_clamped_and_4xx_is_not_retried() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let trigger = MockTrigger::new("on_push");
    let _received = register_forwarding(&host, &trigger, &api.base_url());

    // Retry-After of an hour is clamped to the policy's 50 ms maximum.
    api.fail_next_subscribes(1, 429);
    api.retry_after(Some("3600"));
    host.enable(&trigger).await.unwrap();
    assert_eq!(api.requests_to("POST", "/hooks").len(), 2);

    api.fail_next_subscribes(1, 400);
    let error = host.enable(&trigger).await.unwrap_err();
    assert!(
        matches!(error, Error::SubscribeRejected { status: 400, .. }),
        "{error}"
    );
    assert_eq!(api.requests_to("POST", "/hooks").len(), 3);

    // Retries run out: the answer is reported and the subscription marked failed.
    api.fail_next_subscribes(10, 503);
    let error = host.enable(&trigger).await.unwrap_err();
    assert!(
        matches!(error, Error::SubscribeRejected { status: 503, .. }),
        "{error}"
    );
    assert_eq!(api.requests_to("POST", "/hooks").len(), 3 + 5);
    host.shutdown().await;
}

#[tokio::test]
async fn unsubscribe_left_pending_is_retried_in_the_background_and_after_restart() {
    let api = MockApi::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let trigger = MockTrigger::new("on_push");
    let first = host_with(&path).await;
    let _received = register_forwarding(&first, &trigger, &api.base_url());
    let id = first.enable(&trigger).await.unwrap();

    api.fail_next_unsubscribes(1000, 500);
    let error = first.disable(&id).await.unwrap_err();
    assert!(
        matches!(error, Error::UnsubscribeRejected { status: 500, .. }),
        "{error}"
    );
    let record = first.subscription(&id).await.unwrap().unwrap();
    assert_eq!(record.state, SubscriptionState::Unsubscribing);
    first.shutdown().await;
    drop(first);

    api.fail_next_unsubscribes(0, 500);
    let second = host_with(&path).await;
    let _received = register_forwarding(&second, &trigger, &api.base_url());
    let report = second.resume().await.unwrap();
    assert_eq!(report.unsubscribes_retried, 1);
    assert!(eventually(Duration::from_secs(10), || api.hooks().is_empty()).await);
    let store = second.store();
    let mut gone = false;
    for _ in 0..500 {
        if store.subscription(&id).await.unwrap().unwrap().state == SubscriptionState::Gone {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(gone);
    second.shutdown().await;
}

#[tokio::test]
async fn without_location_the_route_is_used_and_without_either_it_is_unmanaged() {
    let api = MockApi::start().await.unwrap();
    api.omit_location(true);
    let host = memory_host().await;

    let routed = MockTrigger::new("routed").with_unsubscribe_route();
    let _r1 = register_forwarding(&host, &routed, &api.base_url());
    let id = host.enable(&routed).await.unwrap();
    let record = host.subscription(&id).await.unwrap().unwrap();
    assert_eq!(record.location, None);
    assert_eq!(
        record.unsubscribe.as_ref().unwrap().url,
        format!("{}/hooks/1", api.base_url())
    );
    host.delete(&id).await.unwrap();
    assert_eq!(api.requests_to("DELETE", "/hooks/1").len(), 1);
    assert!(api.hooks().is_empty());

    let bare = MockTrigger::new("bare");
    let _r2 = register_forwarding(&host, &bare, &api.base_url());
    let id = host.enable(&bare).await.unwrap();
    let record = host.subscription(&id).await.unwrap().unwrap();
    assert_eq!(record.state, SubscriptionState::Active);
    assert!(record.unsubscribe.is_none(), "unmanaged");
    assert!(record.last_error.unwrap().contains("unmanaged"));
    host.disable(&id).await.unwrap();
    assert_eq!(
        api.requests_to("DELETE", "/").len(),
        1,
        "nothing sent for the unmanaged one"
    );
    assert_eq!(
        host.subscription(&id).await.unwrap().unwrap().state,
        SubscriptionState::Gone
    );
    host.shutdown().await;
}

#[tokio::test]
async fn the_route_sends_its_query_and_headers_with_the_delete() {
    let api = MockApi::start().await.unwrap();
    api.omit_location(true);
    let host = memory_host().await;
    let routed = MockTrigger::new("routed")
        .with_unsubscribe_query("tenantId", "acme corp")
        .with_unsubscribe_header("X-Tenant", "acme");
    let _r = register_forwarding(&host, &routed, &api.base_url());
    let id = host.enable(&routed).await.unwrap();
    host.delete(&id).await.unwrap();
    let deletes = api.requests_to("DELETE", "/hooks/1");
    assert_eq!(deletes.len(), 1);
    assert_eq!(deletes[0].path, "/hooks/1?tenantId=acme+corp");
    assert_eq!(deletes[0].header("x-tenant"), Some("acme"));
    assert!(api.hooks().is_empty());
    host.shutdown().await;
}

#[tokio::test]
async fn update_replaces_the_hook_under_the_same_callback_url() {
    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let trigger = MockTrigger::new("on_push");
    let mut received = register_forwarding(&host, &trigger, &api.base_url());
    let id = host.enable(&trigger).await.unwrap();
    host.update(&id, &trigger.clone().with_events(&["push", "issues"]))
        .await
        .unwrap();
    let hooks = api.hooks();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].id, 2);
    assert_eq!(
        hooks[0].body["events"],
        serde_json::json!(["push", "issues"])
    );
    assert_eq!(
        hooks[0].callback_url.as_deref(),
        Some(host.callback_url(&id).as_str())
    );
    assert_eq!(api.requests_to("DELETE", "/hooks/1").len(), 1);
    assert_eq!(api.deliver(&hooks[0], &event(3), &[]).await.unwrap(), 202);
    assert_eq!(next(&mut received).await.body.seq, 3);
    host.shutdown().await;
}

#[tokio::test]
async fn a_subscribe_whose_answer_was_never_recorded_is_reported_and_cleaned_up() {
    use connector_runtime::store::{SubscriptionKind, SubscriptionRecord};
    use connector_runtime::{RequestSpec, SubscriptionId};

    let api = MockApi::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let trigger = MockTrigger::new("on_push");
    // What a crash between sending the subscribe and storing its answer leaves behind: a
    // `subscribing` record whose cleanup request was known beforehand.
    let id = SubscriptionId::generate();
    {
        let host = host_with(&path).await;
        let mut record = SubscriptionRecord::new(id.clone(), "on_push", SubscriptionKind::Trigger);
        record.unsubscribe = Some(RequestSpec {
            method: "DELETE".into(),
            url: format!("{}/hooks/77", api.base_url()),
            ..RequestSpec::default()
        });
        host.store().put_subscription(&record).await.unwrap();
        host.shutdown().await;
    }
    let host = host_with(&path).await;
    let _received = register_forwarding(&host, &trigger, &api.base_url());
    let report = host.resume().await.unwrap();
    assert_eq!(report.orphaned, vec![id.clone()]);
    assert!(
        eventually(Duration::from_secs(10), || api
            .requests_to("DELETE", "/hooks/77")
            .len()
            == 1)
        .await
    );
    host.shutdown().await;
}

/// POST a hook to the mock as the API would have created it, callback URL `callback`.
async fn create_hook_at(api: &MockApi, callback: &str) {
    let status = reqwest::Client::new()
        .post(format!("{}/hooks", api.base_url()))
        .json(&serde_json::json!({"events": ["push"], "config": {"url": callback}}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 201);
}

#[tokio::test]
async fn a_hook_whose_location_was_never_recorded_is_found_by_listing_and_removed() {
    use connector_runtime::store::{HookLookup, SubscriptionKind, SubscriptionRecord};
    use connector_runtime::testing::mock_list_route;
    use connector_runtime::SubscriptionId;

    let api = MockApi::start().await.unwrap();
    // One hook per page, so finding ours takes following `Link: rel="next"`.
    api.list_page_size(1);
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let trigger = MockTrigger::new("on_push").with_list_route();
    // What a crash between the API creating the hook and the store recording its `Location`
    // leaves behind: a `subscribing` record with no unsubscribe request, only the list route.
    let id = SubscriptionId::generate();
    {
        let host = host_with(&path).await;
        let mut record = SubscriptionRecord::new(id.clone(), "on_push", SubscriptionKind::Trigger);
        record.lookup = Some(HookLookup {
            list: mock_list_route(),
            unsubscribe: None,
        });
        host.store().put_subscription(&record).await.unwrap();
        host.shutdown().await;
    }
    let host = host_with(&path).await;
    // Someone else's hook first, then ours, then another subscription's of this host.
    create_hook_at(&api, "https://elsewhere.example/hook").await;
    create_hook_at(&api, &host.callback_url(&id)).await;
    let other = SubscriptionId::generate();
    create_hook_at(&api, &host.callback_url(&other)).await;
    let _received = register_forwarding(&host, &trigger, &api.base_url());
    let report = host.resume().await.unwrap();
    assert_eq!(report.orphaned, vec![id.clone()]);
    assert!(
        eventually(Duration::from_secs(10), || api
            .requests_to("DELETE", "/hooks/2")
            .len()
            == 1)
        .await
    );
    let left: Vec<u64> = api.hooks().iter().map(|h| h.id).collect();
    assert_eq!(left, vec![1, 3], "only this subscription's hook is removed");
    assert!(
        api.requests_to("GET", "/hooks").len() >= 2,
        "pages followed"
    );
    let delete = &api.requests_to("DELETE", "/hooks/2")[0];
    assert_eq!(delete.header(TRACKING_ID_HEADER), Some(id.as_str()));
    assert_eq!(delete.header("authorization"), Some("Bearer api-token"));
    assert!(reaches_state(&host, &id, SubscriptionState::Gone).await);
    host.shutdown().await;
}

/// Wait (up to 10 s) until `id` is stored in `state`.
async fn reaches_state(
    host: &Host,
    id: &connector_runtime::SubscriptionId,
    state: SubscriptionState,
) -> bool {
    for _ in 0..200 {
        let record = host.subscription(id).await.unwrap();
        if record.is_some_and(|r| r.state == state) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn a_subscription_without_location_is_disabled_by_listing() {
    let api = MockApi::start().await.unwrap();
    api.omit_location(true);
    let host = memory_host().await;
    let trigger = MockTrigger::new("on_push").with_list_route();
    let _received = register_forwarding(&host, &trigger, &api.base_url());
    let id = host.enable(&trigger).await.unwrap();
    let record = host.subscription(&id).await.unwrap().unwrap();
    assert_eq!(record.state, SubscriptionState::Active);
    assert!(record.unsubscribe.is_none() && record.lookup.is_some());
    assert_eq!(record.last_error, None, "managed by listing, not unmanaged");
    create_hook_at(&api, "https://elsewhere.example/hook").await;

    host.disable(&id).await.unwrap();
    assert_eq!(api.requests_to("DELETE", "/hooks/1").len(), 1);
    let left: Vec<u64> = api.hooks().iter().map(|h| h.id).collect();
    assert_eq!(left, vec![2]);
    assert_eq!(
        host.subscription(&id).await.unwrap().unwrap().state,
        SubscriptionState::Gone
    );
    host.shutdown().await;
}

#[tokio::test]
async fn tls_serves_callbacks() {
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).unwrap();
    let host = Host::builder()
        .with_sqlite(":memory:")
        .with_signing_key(KEY.to_vec())
        .with_tls(&cert_path, &key_path)
        .build()
        .await
        .unwrap();
    let port = host.local_addr().port();
    assert!(host.public_url().starts_with("https://"));
    let root = reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(root)
        .resolve("localhost", host.local_addr())
        .build()
        .unwrap();
    let id = connector_runtime::SubscriptionId::generate();
    let url = host
        .callback_url(&id)
        .replace(&format!("127.0.0.1:{port}"), &format!("localhost:{port}"));
    let status = client.post(url).body("{}").send().await.unwrap().status();
    assert_eq!(
        status.as_u16(),
        404,
        "TLS handshake done, unknown subscription"
    );
    host.shutdown().await;
}

/// Captures everything logged on this thread (the test runtime is single-threaded, so every
/// task of the host logs here).
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn spans_cover_subscribe_callback_unsubscribe_without_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let api = MockApi::start().await.unwrap();
    let host = memory_host().await;
    let trigger = MockTrigger::new("on_push");
    let mut received = register_forwarding(&host, &trigger, &api.base_url());
    let id = host.enable(&trigger).await.unwrap();
    let hook = api.hooks().remove(0);
    api.deliver(
        &hook,
        &event(1),
        &[("authorization", "Bearer sender-secret")],
    )
    .await
    .unwrap();
    next(&mut received).await;
    // A refused callback is logged too, and its token must not appear either.
    let bad = format!("{}/callbacks/{}?sig=not-the-token", host.public_url(), id);
    connector_runtime::testing::post_callback(&bad, &event(2), &[])
        .await
        .unwrap();
    host.disable(&id).await.unwrap();
    host.shutdown().await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for span in ["subscribe", "callback", "unsubscribe"] {
        assert!(
            logs.contains(&format!("{span}{{")),
            "no {span} span in:\n{logs}"
        );
    }
    let token = host
        .callback_url(&id)
        .split("sig=")
        .nth(1)
        .unwrap()
        .to_owned();
    for secret in [
        token.as_str(),
        "api-token",
        "sender-secret",
        "not-the-token",
    ] {
        assert!(
            !logs.contains(secret),
            "{secret} leaked into the logs:\n{logs}"
        );
    }
}

#[tokio::test]
async fn a_trigger_registered_after_resume_gets_its_pending_deliveries() {
    let api = MockApi::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let trigger = MockTrigger::new("late");

    let first = host_with(&path).await;
    let addr = first.local_addr();
    first
        .register(&trigger, connection(&api.base_url()), |_| async {
            std::future::pending::<()>().await;
            Ok(())
        })
        .unwrap();
    first.enable(&trigger).await.unwrap();
    let hook = api.hooks().remove(0);
    assert_eq!(api.deliver(&hook, &event(5), &[]).await.unwrap(), 202);
    first.shutdown().await;
    drop(first);

    let second = restarted(&path, addr).await;
    let report = second.resume().await.unwrap();
    assert_eq!(report.unregistered, vec!["late".to_owned()]);
    assert_eq!(report.redelivered, 0);
    // Until the trigger is registered, senders are asked to come back later.
    assert_eq!(api.deliver(&hook, &event(6), &[]).await.unwrap(), 503);
    let mut received = register_forwarding(&second, &trigger, &api.base_url());
    assert_eq!(next(&mut received).await.body.seq, 5);
    second.shutdown().await;
}
