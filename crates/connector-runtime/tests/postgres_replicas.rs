//! Several replicas (hosts in this process, each with its own listener) on one real
//! PostgreSQL database: any replica accepts any subscription's callbacks, dedupe happens in
//! the database, a change made on one replica holds on the others, a dead replica's rows are
//! redelivered by another, a wait started on one replica is completed through another, and
//! deadlines fire exactly once across the cluster.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use connector_runtime::store::DeliveryState;
use connector_runtime::testing::postgres::TestCluster;
use connector_runtime::testing::{eventually, post_callback, MockApi, MockTrigger};
use connector_runtime::{Error, Host, SubscriptionState, TriggerOptions};
use support::*;

fn cluster() -> TestCluster {
    TestCluster::start().expect("a throwaway PostgreSQL server (initdb + pg_ctl) starts")
}

async fn replica(url: &str, name: &str) -> Host {
    replica_with(url, name, Duration::from_secs(30)).await
}

/// Replicas "a", "b" and "c" on one database.
async fn three_replicas(url: &str) -> [Host; 3] {
    [
        replica(url, "a").await,
        replica(url, "b").await,
        replica(url, "c").await,
    ]
}

async fn replica_with(url: &str, name: &str, lease: Duration) -> Host {
    Host::builder()
        .with_postgres(url)
        .with_instance_id(name)
        .with_signing_key(KEY.to_vec())
        .with_retry_policy(fast_policy())
        .with_sweep_interval(Duration::from_millis(50))
        .with_delivery_lease(lease)
        .build()
        .await
        .expect("replica starts")
}

fn with_delivery_id(seq: u64) -> (Vec<u8>, String) {
    (event(seq), format!("delivery-{seq}"))
}

async fn post(host: &Host, id: &connector_runtime::SubscriptionId, seq: u64) -> u16 {
    let (body, delivery) = with_delivery_id(seq);
    post_callback(
        &host.callback_url(id),
        &body,
        &[("x-github-delivery", delivery.as_str())],
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn any_replica_accepts_any_subscription_and_the_database_dedupes() {
    let cluster = cluster();
    let api = MockApi::start().await.unwrap();
    let url = cluster.url();
    let hosts = three_replicas(&url).await;
    let trigger = MockTrigger::new("on_push");
    let runs = Arc::new(AtomicUsize::new(0));
    let (seen, mut seen_rx) = tokio::sync::mpsc::unbounded_channel();
    for host in &hosts {
        let runs = runs.clone();
        let seen = seen.clone();
        host.register(&trigger, connection(&api.base_url()), move |callback| {
            runs.fetch_add(1, Ordering::SeqCst);
            let _ = seen.send(callback.body.seq);
            async { Ok(()) }
        })
        .unwrap();
        host.resume().await.unwrap();
    }
    let [a, b, c] = &hosts;
    let id = a.enable(&trigger).await.unwrap();

    assert_eq!(post(a, &id, 1).await, 202);
    assert_eq!(
        post(b, &id, 1).await,
        200,
        "the same delivery again, on another replica"
    );
    assert_eq!(post(c, &id, 2).await, 202);
    assert_eq!(post(b, &id, 3).await, 202);
    assert_eq!(post(c, &id, 3).await, 200);
    let mut handled = Vec::new();
    for _ in 0..3 {
        let seq = tokio::time::timeout(Duration::from_secs(10), seen_rx.recv())
            .await
            .expect("handled within 10 s")
            .unwrap();
        handled.push(seq);
    }
    handled.sort_unstable();
    assert_eq!(handled, vec![1, 2, 3]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(runs.load(Ordering::SeqCst), 3, "each delivery handled once");
    assert_eq!(a.store().deliveries_of(&id).await.unwrap().len(), 3);
    for host in &hosts {
        host.shutdown().await;
    }
}

#[tokio::test]
async fn enabled_on_one_replica_disabled_on_another_and_unsubscribed_once() {
    let cluster = cluster();
    let api = MockApi::start().await.unwrap();
    let url = cluster.url();
    let hosts = three_replicas(&url).await;
    let trigger = MockTrigger::new("on_push");
    for host in &hosts {
        let _received = register_forwarding(host, &trigger, &api.base_url());
        host.resume().await.unwrap();
    }
    let [a, b, c] = &hosts;
    let id = a.enable(&trigger).await.unwrap();
    assert_eq!(api.hooks().len(), 1);
    // B has never seen it, yet accepts its callbacks.
    assert_eq!(post(b, &id, 1).await, 202);

    // Disabled from two other replicas at once: one unsubscribe request in all.
    let (left, right) = tokio::join!(b.disable(&id), c.disable(&id));
    left.unwrap();
    right.unwrap();
    assert!(api.hooks().is_empty());
    assert_eq!(api.requests_to("DELETE", "/hooks").len(), 1);
    let record = a.subscription(&id).await.unwrap().unwrap();
    assert_eq!(record.state, SubscriptionState::Gone);
    // A follows the change made elsewhere: its callbacks are refused too.
    let mut status = 0;
    for _ in 0..100 {
        status = post(a, &id, 2).await;
        if status == 410 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        status, 410,
        "A refuses callbacks of a subscription disabled on B"
    );
    for host in &hosts {
        host.shutdown().await;
    }
}

/// A replica that dies with a handler running loses its lease; once it expires another
/// replica's `resume` claims the row and runs it again (at least once, counted).
#[tokio::test]
async fn a_dead_replicas_deliveries_are_redelivered_by_another() {
    let cluster = cluster();
    let api = MockApi::start().await.unwrap();
    let url = cluster.url();
    let lease = Duration::from_millis(500);
    let a = replica_with(&url, "a", lease).await;
    let trigger = MockTrigger::new("on_push");
    // A's handler never finishes.
    let started = Arc::new(tokio::sync::Notify::new());
    let begun = started.clone();
    a.register_with(
        &trigger,
        connection(&api.base_url()),
        TriggerOptions::default(),
        move |_callback| {
            begun.notify_one();
            std::future::pending()
        },
    )
    .unwrap();
    a.resume().await.unwrap();
    let id = a.enable(&trigger).await.unwrap();
    assert_eq!(post(&a, &id, 1).await, 202);
    tokio::time::timeout(Duration::from_secs(10), started.notified())
        .await
        .expect("A's handler started");
    a.shutdown().await;
    drop(a);

    let b = replica_with(&url, "b", lease).await;
    let mut received = register_forwarding(&b, &trigger, &api.base_url());
    tokio::time::sleep(lease * 2).await;
    let report = b.resume().await.unwrap();
    assert_eq!(report.redelivered, 1, "{report:?}");
    assert_eq!(next(&mut received).await.body.seq, 1);
    let store = b.store();
    for _ in 0..500 {
        let rows = store.deliveries_of(&id).await.unwrap();
        if rows.iter().all(|r| r.state == DeliveryState::Done) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let rows = store.deliveries_of(&id).await.unwrap();
    assert_eq!(rows[0].state, DeliveryState::Done);
    assert!(
        rows[0].attempts >= 2,
        "the takeover is counted: {:?}",
        rows[0]
    );
    b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_started_on_one_replica_completes_through_another() {
    let cluster = cluster();
    let api = MockApi::start().await.unwrap();
    let url = cluster.url();
    let a = replica(&url, "a").await;
    let b = replica(&url, "b").await;
    let action = MockTrigger::new("approval");
    let connection = connection(&api.base_url());
    b.register_action(&action, connection.clone(), Default::default())
        .unwrap();
    let pending = a
        .start_wait(&action, &connection, Duration::from_secs(60))
        .await
        .unwrap();
    let id = pending.id().clone();
    let waiting = tokio::spawn(pending.wait(std::future::pending()));
    // The third party calls the URL it was given; the load balancer sends it to B.
    assert_eq!(post(&b, &id, 7).await, 202);
    let callback = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("A's waiter resumes within 10 s, not at its deadline")
        .unwrap()
        .unwrap();
    assert_eq!(callback.body.seq, 7);
    assert!(eventually(Duration::from_secs(10), || api.hooks().is_empty()).await);
    a.shutdown().await;
    b.shutdown().await;
}

/// 1,000 waits spread over three replicas, all past their deadline: each times out exactly
/// once, and each hook is removed by exactly one unsubscribe request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_fire_exactly_once_across_three_replicas() {
    const WAITS: usize = 1000;
    let cluster = cluster();
    let api = MockApi::start().await.unwrap();
    let url = cluster.url();
    let hosts = three_replicas(&url).await;
    let action = MockTrigger::new("approval");
    let connection = connection(&api.base_url());
    for host in &hosts {
        host.register_action(&action, connection.clone(), Default::default())
            .unwrap();
    }
    let mut waiting = Vec::new();
    for n in 0..WAITS {
        let host = &hosts[n % hosts.len()];
        let pending = host
            .start_wait(&action, &connection, Duration::from_millis(1500))
            .await
            .unwrap();
        waiting.push(tokio::spawn(pending.wait(std::future::pending())));
    }
    let mut timed_out = 0;
    for wait in waiting {
        let ended = tokio::time::timeout(Duration::from_secs(30), wait)
            .await
            .expect("every wait ends within 30 s")
            .unwrap();
        match ended {
            Err(Error::WaitTimedOut(_)) => timed_out += 1,
            other => panic!("expected a timeout, got {other:?}"),
        }
    }
    assert_eq!(timed_out, WAITS);
    assert!(eventually(Duration::from_secs(20), || api.hooks().is_empty()).await);
    assert_eq!(api.requests_to("DELETE", "/hooks").len(), WAITS);
    let records = hosts[0].subscriptions().await.unwrap();
    assert_eq!(records.len(), WAITS);
    assert!(records
        .iter()
        .all(|r| r.outcome == Some(connector_runtime::store::WaitOutcome::TimedOut)));
    for host in &hosts {
        host.shutdown().await;
    }
}
