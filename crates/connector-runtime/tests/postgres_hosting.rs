//! Polling triggers and the admin surface on a real PostgreSQL database: two replicas
//! polling one subscription make one poller (and the survivor takes over when the other
//! stops), and the admin listings, actions and metrics read the PostgreSQL run history.

mod support;

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use connector_runtime::polling_api::{AnswerShape, EventsTrigger, PollingApi};
use connector_runtime::testing::eventually;
use connector_runtime::testing::postgres::TestCluster;
use connector_runtime::{Host, PollingOptions};
use support::admin::*;
use support::{fast_policy, register_polled, PolledItems, KEY};

fn cluster() -> TestCluster {
    TestCluster::start().expect("a throwaway PostgreSQL server (initdb + pg_ctl) starts")
}

async fn polling_replica(url: &str, name: &str) -> Host {
    Host::builder()
        .with_postgres(url)
        .with_instance_id(name)
        .with_signing_key(KEY.to_vec())
        .with_retry_policy(fast_policy())
        // A poll in flight when its host shuts down may still store items, leased to that
        // host: another replica redelivers them once this lease runs out.
        .with_delivery_lease(Duration::from_secs(1))
        .with_polling(
            PollingOptions::default()
                .with_start_spread(Duration::from_millis(20))
                .with_lease_ttl(Duration::from_millis(800)),
        )
        .build()
        .await
        .expect("replica starts")
}

/// What arrived on one replica within `wait`: item id → how many times.
async fn drain(receiver: &mut PolledItems, wait: Duration) -> BTreeMap<u64, usize> {
    tokio::time::sleep(wait).await;
    let mut seen = BTreeMap::new();
    while let Ok(callback) = receiver.try_recv() {
        *seen.entry(callback.body.id).or_insert(0) += 1;
    }
    seen
}

fn once_each(ids: &[u64]) -> BTreeMap<u64, usize> {
    ids.iter().map(|id| (*id, 1)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_polling_one_subscription_make_one_poller() {
    let cluster = cluster();
    let url = cluster.url();
    let api = PollingApi::start(AnswerShape::Array).await.unwrap();
    let trigger = EventsTrigger::new("created");
    let a = polling_replica(&url, "a").await;
    let b = polling_replica(&url, "b").await;
    let mut from_a = register_polled(&a, &trigger, &api);
    let mut from_b = register_polled(&b, &trigger, &api);
    a.resume().await.unwrap();
    b.resume().await.unwrap();
    // Enabled on `a` after `b` resumed: `b` hears of it through the store's change
    // announcements and runs a poller too; the poll lease lets only one of them poll.
    let id = a.enable(&trigger).await.unwrap();
    assert!(
        eventually(Duration::from_secs(5), || api
            .polls()
            .iter()
            .any(|p| p.state.is_some()))
        .await,
        "the poller reached its starting state"
    );
    let c = polling_replica(&url, "c").await;
    register_polled(&c, &trigger, &api);
    let report = c.resume().await.unwrap();
    assert_eq!(
        report.pollers, 1,
        "a replica resumed later runs the poller too"
    );
    c.shutdown().await;

    let ids = api.add_events(4);
    let wait = Duration::from_millis(1500);
    let (on_a, on_b) = (
        drain(&mut from_a, wait).await,
        drain(&mut from_b, Duration::ZERO).await,
    );
    let (poller, mut survivor_items, survivor) = if on_b.is_empty() {
        assert_eq!(on_a, once_each(&ids), "each item once, on one replica");
        (&a, from_b, &b)
    } else {
        assert_eq!(on_b, once_each(&ids), "each item once, on one replica");
        assert!(on_a.is_empty(), "{on_a:?} also on the other replica");
        (&b, from_a, &a)
    };
    let polls = api.polls();
    let window: Vec<_> = polls.iter().rev().take(8).collect();
    let span = window[0].at - window[window.len() - 1].at;
    assert!(
        span >= Duration::from_millis(500),
        "one poller at the 100 ms interval, not two: 8 polls in {span:?}"
    );

    // The replica that polled stops; the other takes the lease over once it runs out and
    // carries on from the stored cursor: nothing lost, nothing twice.
    poller.shutdown().await;
    let polls_before = api.polls().len();
    let more = api.add_events(3);
    let seen = drain(&mut survivor_items, Duration::from_secs(4)).await;
    assert_eq!(
        seen,
        once_each(&more),
        "the survivor polls on from the stored state (it runs {} pollers; {} polls since)",
        survivor.active_pollers(),
        api.polls().len() - polls_before
    );

    // Disabled on one replica: every replica stops its poller.
    let d = polling_replica(&url, "d").await;
    register_polled(&d, &trigger, &api);
    assert_eq!(d.resume().await.unwrap().pollers, 1);
    survivor.disable(&id).await.unwrap();
    assert!(
        eventually(Duration::from_secs(5), || d.active_pollers() == 0
            && survivor.active_pollers() == 0)
        .await,
        "a disable on one replica stops the pollers of all"
    );
    d.shutdown().await;
    survivor.shutdown().await;
}

#[tokio::test]
async fn admin_listings_and_actions_read_the_postgres_history() {
    let cluster = cluster();
    let fixture = AdminFixture::start_with(admin_builder().with_postgres(cluster.url())).await;
    let first = fixture.subscription_with_deliveries(3).await;
    let second = fixture.subscription_with_deliveries(2).await;
    fixture.until_all(&first, "failed", 3).await;
    fixture.until_all(&second, "failed", 2).await;

    let subscriptions = fixture.json("/api/subscriptions?trigger=orders").await;
    let items = subscriptions["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], second.as_str(), "newest first");
    assert!(items[0]["last_callback_ms"].as_i64().is_some());

    // Two per page over five failed rows: 2 + 2 + 1, newest first, no row twice.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = "/api/deliveries?trigger=orders&state=failed&limit=2".to_owned();
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = fixture.json(&path).await;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_i64().unwrap());
            assert_eq!(item["last_error"], "downstream said no");
        }
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "{seen:?}");
    let now = connector_runtime::store::now_ms();
    let recent = fixture
        .json(&format!(
            "/api/deliveries?since={}&until={}",
            now - 60_000,
            now + 60_000
        ))
        .await;
    assert_eq!(recent["items"].as_array().unwrap().len(), 5);
    let future = fixture
        .json(&format!("/api/deliveries?since={}", now + 60_000))
        .await;
    assert!(future["items"].as_array().unwrap().is_empty());
    let attempts = fixture.json("/api/attempts?trigger=orders&state=ok").await;
    assert_eq!(attempts["items"].as_array().unwrap().len(), 2);

    // A requeue through the admin API runs the handler again and is audited.
    fixture.failing.store(false, Ordering::SeqCst);
    let (status, body) = fixture
        .post(
            &format!("/api/subscriptions/{first}/requeue-failed"),
            Some(OPS_TOKEN),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    fixture.until_all(&first, "done", 3).await;
    let audit = fixture.json("/api/audit?state=requeue_failed").await;
    let entries = audit["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["subscription"], first.as_str());

    let metrics = fixture.get("/metrics", Some(OPS_TOKEN)).await.1;
    for family in [
        "connector_deliveries_failed_stored 2",
        "connector_subscriptions{state=\"active\"} 2",
    ] {
        assert!(metrics.contains(family), "{family} missing from {metrics}");
    }
    fixture.host.shutdown().await;
}
