//! The PostgreSQL store against a real throwaway server: schema versioning (migrations under
//! an advisory lock, a newer schema refused), batched inserts with dedupe, bad URLs named
//! without their password, and a database that goes away mid-run and comes back.

mod support;

use std::sync::Arc;
use std::time::Duration;

use connector_runtime::store::{
    DeliveryQuery, DeliveryState, InsertOutcome, ListQuery, NewDelivery, PostgresStore, StoreError,
    SubscriptionChange, SubscriptionKind, SubscriptionRecord,
};
use connector_runtime::testing::postgres::TestCluster;
use connector_runtime::testing::{MockApi, MockTrigger};
use connector_runtime::{Error, Host, Store, SubscriptionId};
use support::*;

fn cluster() -> TestCluster {
    TestCluster::start().expect("a throwaway PostgreSQL server (initdb + pg_ctl) starts")
}

fn delivery(sub: &SubscriptionId, id: Option<&str>) -> NewDelivery {
    NewDelivery::new(
        sub.clone(),
        id.map(str::to_owned),
        &[("content-type".into(), "application/json".into())],
        &b"{}"[..],
    )
}

#[tokio::test]
async fn replicas_starting_together_migrate_once_and_a_newer_schema_is_refused() {
    let cluster = cluster();
    let url = cluster.url();
    let starts = (0..4).map(|_| {
        let url = url.clone();
        tokio::spawn(async move { PostgresStore::connect(&url).await })
    });
    for start in starts {
        start.await.unwrap().expect("every replica starts");
    }
    assert_eq!(
        cluster.sql("SELECT version FROM schema_version").unwrap(),
        PostgresStore::SCHEMA_VERSION.to_string()
    );

    cluster
        .sql("UPDATE schema_version SET version = version + 1")
        .unwrap();
    let refused = PostgresStore::connect(&url).await.unwrap_err();
    assert!(
        matches!(refused, StoreError::SchemaTooNew { found, supported } if found == supported + 1),
        "{refused}"
    );
    // Refused without touching anything.
    assert_eq!(
        cluster.sql("SELECT count(*) FROM schema_version").unwrap(),
        "1"
    );
}

#[tokio::test]
async fn a_version_1_database_with_rows_is_migrated_to_the_history_and_polling_schema() {
    let cluster = cluster();
    let url = cluster.create_database("old").unwrap();
    assert_eq!(
        PostgresStore::SCHEMA_VERSION,
        5,
        "numbered as SQLite's versions"
    );
    // Version 1 as the first PostgreSQL release left it: today's schema without what
    // versions 3 to 5 add, holding a subscription and two callbacks.
    drop(PostgresStore::connect(&url).await.unwrap());
    cluster
        .sql_in(
            "old",
            "DROP TABLE attempts, audit, poll_state; \
             DROP INDEX inbox_failed, inbox_failed_subscription, inbox_subscription, \
               inbox_received, subscriptions_created, subscriptions_trigger; \
             ALTER TABLE inbox DROP COLUMN trigger; \
             UPDATE schema_version SET version = 1; \
             INSERT INTO subscriptions (id, trigger, kind, state, intent, created_ms, updated_ms) \
               VALUES ('s-old', 'on_push', 'trigger', 'active', 'enabled', 1, 1); \
             INSERT INTO inbox (subscription_id, delivery_id, received_ms, headers, body, state) \
               VALUES ('s-old', 'd1', 10, '[]', '\\x7b7d', 1), \
                      ('s-old', 'd2', 20, '[]', '\\x7b7d', 2)",
        )
        .unwrap();
    let store = PostgresStore::connect(&url).await.expect("migrated");
    assert_eq!(
        cluster
            .sql_in("old", "SELECT version FROM schema_version")
            .unwrap(),
        "5"
    );
    let query = DeliveryQuery {
        list: ListQuery {
            trigger: Some("on_push".to_owned()),
            ..ListQuery::default()
        },
        with_body: true,
    };
    let rows = store.list_deliveries(&query).await.unwrap();
    let ids: Vec<_> = rows.items.iter().map(|d| d.delivery_id.clone()).collect();
    assert_eq!(ids, [Some("d2".to_owned()), Some("d1".to_owned())]);
    assert_eq!(rows.items[0].state, DeliveryState::Failed);
    assert_eq!(rows.items[0].body.as_deref(), Some(&b"{}"[..]));
    assert_eq!(store.counts().await.unwrap().failed_deliveries, 1);
    assert!(store.poll_states().await.unwrap().is_empty());
}

#[tokio::test]
async fn concurrent_inserts_are_batched_and_deduplicated_by_the_database() {
    let cluster = cluster();
    let store = Arc::new(PostgresStore::connect(&cluster.url()).await.unwrap());
    let sub = SubscriptionId::generate();
    let other = SubscriptionId::generate();
    // 300 callbacks at once: 100 delivery ids sent twice (often in the same batch), the same
    // ids on another subscription, and 50 without an id (never deduplicated).
    let mut tasks = Vec::new();
    for round in 0..2 {
        for i in 0..100 {
            let store = store.clone();
            let sub = sub.clone();
            let _ = round;
            tasks.push(tokio::spawn(async move {
                store
                    .insert_delivery(delivery(&sub, Some(&format!("d{i}"))))
                    .await
            }));
        }
    }
    for i in 0..100 {
        let store = store.clone();
        let other = other.clone();
        tasks.push(tokio::spawn(async move {
            store
                .insert_delivery(delivery(&other, Some(&format!("d{i}"))))
                .await
        }));
    }
    for _ in 0..50 {
        let store = store.clone();
        let sub = sub.clone();
        tasks.push(tokio::spawn(async move {
            store.insert_delivery(delivery(&sub, None)).await
        }));
    }
    let mut inserted = Vec::new();
    let mut duplicates = 0;
    for task in tasks {
        match task.await.unwrap().unwrap() {
            InsertOutcome::Inserted(id) => inserted.push(id),
            InsertOutcome::Duplicate => duplicates += 1,
        }
    }
    assert_eq!((inserted.len(), duplicates), (250, 100));
    inserted.sort_unstable();
    inserted.dedup();
    assert_eq!(
        inserted.len(),
        250,
        "every stored callback has its own row id"
    );
    assert_eq!(store.deliveries_of(&sub).await.unwrap().len(), 150);
    assert_eq!(store.deliveries_of(&other).await.unwrap().len(), 100);
    assert_eq!(store.pending_deliveries(0, 1000).await.unwrap().len(), 250);

    store.mark_delivered_many(&inserted[..10]).await.unwrap();
    assert_eq!(store.pending_deliveries(0, 1000).await.unwrap().len(), 240);
    assert_eq!(store.prune_delivered(i64::MAX, 4).await.unwrap(), 4);
    assert_eq!(store.prune_delivered(i64::MAX, 100).await.unwrap(), 6);

    let mut record = SubscriptionRecord::new(sub.clone(), "on_push", SubscriptionKind::Trigger);
    store.put_subscription(&record).await.unwrap();
    record.location = Some("https://api/hooks/1".into());
    store.put_subscription(&record).await.unwrap();
    let read = store.subscription(&sub).await.unwrap().unwrap();
    assert_eq!(read, record);
    assert_eq!(store.subscriptions().await.unwrap(), vec![record]);
}

/// A change made through one replica's store is announced to every replica, so their caches
/// follow; a listener that lost its connection says it may have missed changes.
#[tokio::test]
async fn subscription_changes_are_announced_to_every_replica() {
    let cluster = cluster();
    let a = PostgresStore::connect(&cluster.url()).await.unwrap();
    let b = PostgresStore::connect(&cluster.url()).await.unwrap();
    let mut heard = b.subscription_changes().unwrap();
    // The listener announces it is (re)connected before anything else.
    assert_eq!(next_change(&mut heard).await, SubscriptionChange::Unknown);
    let id = SubscriptionId::generate();
    let mut record = SubscriptionRecord::new(id.clone(), "on_push", SubscriptionKind::Trigger);
    a.put_subscription(&record).await.unwrap();
    assert_eq!(
        next_change(&mut heard).await,
        SubscriptionChange::Changed(id.clone())
    );
    // Only state, intent and outcome changes are announced.
    record.last_error = Some("noise".into());
    a.put_subscription(&record).await.unwrap();
    record.state = connector_runtime::SubscriptionState::Active;
    a.put_subscription(&record).await.unwrap();
    assert_eq!(
        next_change(&mut heard).await,
        SubscriptionChange::Changed(id)
    );

    cluster.stop().unwrap();
    cluster.restart().unwrap();
    assert_eq!(next_change(&mut heard).await, SubscriptionChange::Unknown);
}

async fn next_change(
    heard: &mut tokio::sync::broadcast::Receiver<SubscriptionChange>,
) -> SubscriptionChange {
    tokio::time::timeout(Duration::from_secs(20), heard.recv())
        .await
        .expect("a change within 20 s")
        .expect("channel open")
}

#[tokio::test]
async fn a_bad_database_url_fails_the_build_naming_it_without_its_password() {
    let cluster = cluster();
    // Nothing listens on this socket directory.
    let unreachable = "postgres://app:hunter2@%2Fnonexistent%2Fsocket:5432/hooks";
    // A reachable server, but a database that does not exist.
    let wrong_database = cluster
        .url_for("no_such_db")
        .replace("postgres@", "postgres:hunter2@");
    for url in [
        unreachable.to_owned(),
        wrong_database,
        "postgres://app:hunter2@localhost:notaport/x".to_owned(),
    ] {
        let error = Host::builder()
            .with_postgres_options(
                &url,
                connector_runtime::PostgresOptions::default().with_timeout(Duration::from_secs(2)),
            )
            .with_signing_key(KEY.to_vec())
            .build()
            .await
            .unwrap_err();
        let text = error.to_string();
        let Error::Store(StoreError::Connect { url: shown, .. }) = &error else {
            panic!("expected a connect error for {url}, got {error:?}");
        };
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!format!("{error:?}").contains("hunter2"), "{error:?}");
        assert!(
            shown.starts_with("postgres://app@") || shown.starts_with("postgres://postgres@"),
            "{shown}"
        );
        assert!(text.contains(shown.as_str()), "{text}");
    }
}

/// 202 is answered only after the row committed; while the database is down callbacks get 503
/// with Retry-After and nothing is acknowledged; once it is back, callbacks are accepted again
/// and everything acknowledged reaches the handler.
#[tokio::test]
async fn the_database_going_away_answers_503_and_recovers() {
    let cluster = cluster();
    let api = MockApi::start().await.unwrap();
    let host = Host::builder()
        .with_postgres_options(
            cluster.url(),
            connector_runtime::PostgresOptions::default().with_timeout(Duration::from_secs(1)),
        )
        .with_signing_key(KEY.to_vec())
        .with_retry_policy(fast_policy())
        .with_sweep_interval(Duration::from_millis(50))
        .build()
        .await
        .unwrap();
    let trigger = MockTrigger::new("on_push");
    let mut received = register_forwarding(&host, &trigger, &api.base_url());
    host.resume().await.unwrap();
    let id = host.enable(&trigger).await.unwrap();
    let url = host.callback_url(&id);
    let client = reqwest::Client::new();
    let post = |seq: u64| {
        let request = client
            .post(&url)
            .header("content-type", "application/json")
            .header("x-github-delivery", format!("d{seq}"))
            .body(event(seq));
        async move { request.send().await.unwrap() }
    };

    assert_eq!(post(1).await.status(), 202);
    assert_eq!(next(&mut received).await.body.seq, 1);
    // Its done-mark is written in the background; stopping the database before that commit
    // would (rightly) leave it pending for redelivery, which is not what this test is about.
    assert!(
        handled(&host, &id, 1).await,
        "the first callback is marked handled"
    );

    cluster.stop().unwrap();
    let refused = post(2).await;
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().get("retry-after").is_some());

    cluster.restart().unwrap();
    // The pool drops its dead connections and connects again.
    let mut status = 0;
    for _ in 0..50 {
        status = post(2).await.status().as_u16();
        if status == 202 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, 202, "accepted again once the database is back");
    assert_eq!(next(&mut received).await.body.seq, 2);
    assert_eq!(
        post(2).await.status(),
        200,
        "deduplicated after the restart"
    );

    // Exactly the acknowledged callbacks are stored.
    let rows = host.store().deliveries_of(&id).await.unwrap();
    let ids: Vec<_> = rows.iter().filter_map(|r| r.delivery_id.clone()).collect();
    assert_eq!(ids, vec!["d1".to_owned(), "d2".to_owned()]);
    assert!(
        handled(&host, &id, 2).await,
        "both rows marked handled: {:?}",
        host.store().deliveries_of(&id).await
    );
    host.shutdown().await;
}

/// Whether `count` rows of the subscription are marked handled within 5 s.
async fn handled(host: &Host, id: &SubscriptionId, count: usize) -> bool {
    for _ in 0..500 {
        let rows = host.store().deliveries_of(id).await.unwrap_or_default();
        if rows
            .iter()
            .filter(|r| r.state == DeliveryState::Done)
            .count()
            == count
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}
