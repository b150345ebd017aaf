//! The run-history half of the contract: filtered listings paged by cursor, requeue, the
//! attempt and audit logs, and the counts behind the metrics.
//!
//! ok: like the rest of [`super`], these are test checks behind the `testing` feature: an
//! `expect` or `panic!` here is a failed assertion about the store under test, never input.

use std::sync::Arc;

use super::{claim, delivery, insert, LONG};
use crate::store::history::{
    AttemptOperation, AttemptOutcome, AttemptRecord, AuditRecord, Cursor, DeliveryQuery, ListQuery,
    Page, RequeueTarget, SubscriptionQuery,
};
use crate::store::{
    now_ms, DeliveryState, Store, SubscriptionKind, SubscriptionRecord, SubscriptionState,
};
use crate::SubscriptionId;

/// Every run-history check, each on a fresh store from `make` (called by `run_all`).
pub(super) async fn run_history<F, Fut>(make: &F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Arc<dyn Store>>,
{
    deliveries_filter_and_page_newest_first(make().await).await;
    subscriptions_filter_and_page_newest_first(make().await).await;
    failed_rows_are_requeued_unleased(make().await).await;
    attempts_and_audit_are_logged_and_filtered(make().await).await;
    counts_report_queue_depth_and_states(make().await).await;
}

async fn subscription(store: &Arc<dyn Store>, trigger: &str, created_ms: i64) -> SubscriptionId {
    let mut record = SubscriptionRecord::new(
        SubscriptionId::generate(),
        trigger,
        SubscriptionKind::Trigger,
    );
    record.state = SubscriptionState::Active;
    record.created_ms = created_ms;
    store.put_subscription(&record).await.expect("put");
    record.id
}

/// Follow `next` cursors from the first page; every row id, in listing order.
async fn all_pages<T, Fut>(
    page_of: impl Fn(Option<Cursor>) -> Fut,
    id_of: impl Fn(&T) -> String,
) -> Vec<String>
where
    Fut: std::future::Future<Output = Page<T>>,
{
    let mut ids = Vec::new();
    let mut cursor = None;
    for _ in 0..100 {
        let page = page_of(cursor.take()).await;
        ids.extend(page.items.iter().map(&id_of));
        match page.next {
            Some(next) => cursor = Some(next),
            None => return ids,
        }
    }
    panic!("paging never ended");
}

fn deliveries(list: ListQuery<DeliveryState>) -> DeliveryQuery {
    DeliveryQuery {
        list,
        with_body: false,
    }
}

/// Deliveries list newest first, filter by trigger, subscription, state and time, and page
/// by cursor without repeating or skipping a row.
pub async fn deliveries_filter_and_page_newest_first(store: Arc<dyn Store>) {
    let a = subscription(&store, "trigger-a", 1).await;
    let b = subscription(&store, "trigger-b", 2).await;
    let mut of_a = Vec::new();
    for n in 0..5 {
        of_a.push(insert(&store, delivery(&a, Some(&format!("a{n}")))).await);
    }
    for n in 0..3 {
        insert(&store, delivery(&b, Some(&format!("b{n}")))).await;
    }
    store
        .record_failure(of_a[1], "boom", true)
        .await
        .expect("fail");
    store
        .record_failure(of_a[3], "boom", true)
        .await
        .expect("fail");
    store.mark_delivered(of_a[0]).await.expect("done");

    let all = store
        .list_deliveries(&deliveries(ListQuery::default()))
        .await
        .expect("list");
    assert_eq!(all.items.len(), 8);
    assert!(
        all.items.windows(2).all(|w| w[0].id > w[1].id),
        "newest first"
    );
    assert!(
        all.items.iter().all(|d| d.body.is_none()),
        "bodies only on request"
    );
    assert_eq!(all.next, None);
    let count = |list: ListQuery<DeliveryState>| {
        let store = store.clone();
        async move {
            store
                .list_deliveries(&deliveries(list))
                .await
                .expect("list")
                .items
                .len()
        }
    };
    let trigger = |name: &str| ListQuery {
        trigger: Some(name.to_owned()),
        ..ListQuery::default()
    };
    assert_eq!(count(trigger("trigger-a")).await, 5);
    assert_eq!(count(trigger("trigger-b")).await, 3);
    assert_eq!(count(trigger("nope")).await, 0);
    let state = |state| ListQuery {
        state: Some(state),
        ..ListQuery::default()
    };
    assert_eq!(count(state(DeliveryState::Failed)).await, 2);
    assert_eq!(count(state(DeliveryState::Done)).await, 1);
    assert_eq!(count(state(DeliveryState::Pending)).await, 5);
    let failed_of_a = ListQuery {
        trigger: Some("trigger-a".into()),
        subscription: Some(a.clone()),
        state: Some(DeliveryState::Failed),
        ..ListQuery::default()
    };
    let failed = store
        .list_deliveries(&deliveries(failed_of_a))
        .await
        .expect("list");
    let ids: Vec<i64> = failed.items.iter().map(|d| d.id).collect();
    assert_eq!(ids, vec![of_a[3], of_a[1]]);
    assert_eq!(failed.items[0].last_error.as_deref(), Some("boom"));
    assert_eq!(failed.items[0].attempts, 1);
    assert_eq!(failed.items[0].trigger.as_deref(), Some("trigger-a"));
    assert_eq!(
        count(ListQuery {
            subscription: Some(b.clone()),
            ..ListQuery::default()
        })
        .await,
        3
    );
    let now = now_ms();
    let window = |since, until| ListQuery {
        since_ms: since,
        until_ms: until,
        ..ListQuery::default()
    };
    assert_eq!(
        count(window(Some(now - 600_000), Some(now + 600_000))).await,
        8
    );
    assert_eq!(count(window(Some(now + 600_000), None)).await, 0);
    assert_eq!(count(window(None, Some(0))).await, 0);

    let paged = all_pages(
        |after| {
            let store = store.clone();
            async move {
                store
                    .list_deliveries(&deliveries(ListQuery {
                        after,
                        limit: 3,
                        ..ListQuery::default()
                    }))
                    .await
                    .expect("page")
            }
        },
        |d| d.id.to_string(),
    )
    .await;
    let expected: Vec<String> = all.items.iter().map(|d| d.id.to_string()).collect();
    assert_eq!(paged, expected);

    let one = store
        .delivery(of_a[2], true)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(one.body.as_deref(), Some(&b"{\"n\":1}"[..]));
    assert_eq!(one.delivery_id.as_deref(), Some("a2"));
    assert_eq!(one.headers[0].0, "content-type");
    assert!(store
        .delivery(i64::MAX, true)
        .await
        .expect("read")
        .is_none());
    let with_bodies = store
        .list_deliveries(&DeliveryQuery {
            list: ListQuery::default(),
            with_body: true,
        })
        .await
        .expect("list");
    assert!(with_bodies.items.iter().all(|d| d.body.is_some()));
}

/// Subscriptions list newest first with their last callback, filter and page.
pub async fn subscriptions_filter_and_page_newest_first(store: Arc<dyn Store>) {
    let old = subscription(&store, "trigger-a", 1_000).await;
    let same_time = subscription(&store, "trigger-a", 2_000).await;
    let same_time_too = subscription(&store, "trigger-b", 2_000).await;
    let mut wait = SubscriptionRecord::new(
        SubscriptionId::generate(),
        "action-x",
        SubscriptionKind::Action,
    );
    wait.state = SubscriptionState::Active;
    wait.created_ms = 3_000;
    wait.deadline_ms = Some(now_ms() + 60_000);
    store.put_subscription(&wait).await.expect("put");
    insert(&store, delivery(&old, Some("d"))).await;

    let list = |f: &dyn Fn(&mut SubscriptionQuery)| {
        let mut query = SubscriptionQuery::default();
        f(&mut query);
        let store = store.clone();
        async move { store.list_subscriptions(&query).await.expect("list") }
    };
    let everything = list(&|_| {}).await;
    assert_eq!(everything.items.len(), 4);
    assert_eq!(everything.items[0].record.id, wait.id, "newest first");
    assert_eq!(everything.items[3].record.id, old);
    assert!(everything.items[3].last_callback_ms.is_some());
    assert!(everything.items[0].last_callback_ms.is_none());
    let of_a = list(&|q| q.list.trigger = Some("trigger-a".into())).await;
    assert_eq!(of_a.items.len(), 2);
    let waits = list(&|q| q.kind = Some(SubscriptionKind::Action)).await;
    assert_eq!(waits.items.len(), 1);
    assert_eq!(waits.items[0].record.deadline_ms, wait.deadline_ms);
    let gone = list(&|q| q.list.state = Some(SubscriptionState::Gone)).await;
    assert!(gone.items.is_empty());
    let one = list(&|q| q.list.subscription = Some(same_time.clone())).await;
    assert_eq!(one.items.len(), 1);
    let created = list(&|q| {
        q.list.since_ms = Some(2_000);
        q.list.until_ms = Some(3_000);
    })
    .await;
    assert_eq!(created.items.len(), 2);

    // Two rows share a creation time: the cursor tells them apart.
    let paged = all_pages(
        |after| {
            let store = store.clone();
            async move {
                let mut query = SubscriptionQuery::default();
                query.list.after = after;
                query.list.limit = 1;
                store.list_subscriptions(&query).await.expect("page")
            }
        },
        |e| e.record.id.to_string(),
    )
    .await;
    let expected: Vec<String> = everything
        .items
        .iter()
        .map(|e| e.record.id.to_string())
        .collect();
    assert_eq!(paged, expected);
    assert!(paged.contains(&same_time_too.to_string()));
}

/// Requeue turns failed rows (only) back to pending, unleased, so any host can claim them.
pub async fn failed_rows_are_requeued_unleased(store: Arc<dyn Store>) {
    let sub = subscription(&store, "trigger-a", 1).await;
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(insert(&store, delivery(&sub, Some(&format!("r{n}")))).await);
    }
    assert_eq!(claim(&store, "host-a", LONG, 10).await.len(), 4);
    for id in &ids[..3] {
        store.record_failure(*id, "boom", true).await.expect("fail");
    }
    store.mark_delivered(ids[3]).await.expect("done");

    let one = store
        .requeue_failed(&RequeueTarget::Delivery(ids[0]))
        .await
        .expect("requeue");
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].id, ids[0]);
    assert_eq!(one[0].state, DeliveryState::Pending);
    let done = store
        .requeue_failed(&RequeueTarget::Delivery(ids[3]))
        .await
        .expect("requeue");
    assert!(done.is_empty(), "a handled row is not requeued");
    let rest = store
        .requeue_failed(&RequeueTarget::Subscription(sub.clone()))
        .await
        .expect("requeue");
    let rest: Vec<i64> = rest.iter().map(|d| d.id).collect();
    assert_eq!(rest, vec![ids[1], ids[2]]);
    // Unleased: another host claims them at once.
    let claimed = claim(&store, "host-b", LONG, 10).await;
    assert_eq!(claimed, ids[..3].to_vec());
    let again = store
        .requeue_failed(&RequeueTarget::Subscription(sub))
        .await
        .expect("requeue");
    assert!(again.is_empty());
}

/// Attempts and audit entries come back newest first, filtered and paged.
pub async fn attempts_and_audit_are_logged_and_filtered(store: Arc<dyn Store>) {
    let a = subscription(&store, "trigger-a", 1).await;
    let b = subscription(&store, "trigger-b", 2).await;
    let attempt = |sub: &SubscriptionId, trigger: &str, operation, outcome, status| AttemptRecord {
        id: 0,
        subscription: sub.clone(),
        trigger: trigger.to_owned(),
        operation,
        outcome,
        status,
        error: (outcome != AttemptOutcome::Ok).then(|| "refused".to_owned()),
        at_ms: now_ms(),
    };
    for record in [
        attempt(
            &a,
            "trigger-a",
            AttemptOperation::Subscribe,
            AttemptOutcome::Ok,
            Some(201),
        ),
        attempt(
            &a,
            "trigger-a",
            AttemptOperation::Unsubscribe,
            AttemptOutcome::Rejected,
            Some(503),
        ),
        attempt(
            &a,
            "trigger-a",
            AttemptOperation::Unsubscribe,
            AttemptOutcome::Unreachable,
            None,
        ),
        attempt(
            &b,
            "trigger-b",
            AttemptOperation::Subscribe,
            AttemptOutcome::Ok,
            Some(201),
        ),
    ] {
        store.record_attempt(&record).await.expect("record");
    }
    let attempts = |list: ListQuery<AttemptOutcome>| {
        let store = store.clone();
        async move { store.list_attempts(&list).await.expect("list") }
    };
    let of_a = attempts(ListQuery {
        subscription: Some(a.clone()),
        ..ListQuery::default()
    })
    .await;
    assert_eq!(of_a.items.len(), 3);
    assert_eq!(
        of_a.items[0].outcome,
        AttemptOutcome::Unreachable,
        "newest first"
    );
    assert_eq!(of_a.items[2].status, Some(201));
    let rejected = attempts(ListQuery {
        state: Some(AttemptOutcome::Rejected),
        ..ListQuery::default()
    })
    .await;
    assert_eq!(rejected.items.len(), 1);
    assert_eq!(rejected.items[0].status, Some(503));
    assert_eq!(rejected.items[0].operation, AttemptOperation::Unsubscribe);
    let of_b = attempts(ListQuery {
        trigger: Some("trigger-b".into()),
        ..ListQuery::default()
    })
    .await;
    assert_eq!(of_b.items.len(), 1);
    let paged = all_pages(
        |after| {
            attempts(ListQuery {
                after,
                limit: 1,
                ..ListQuery::default()
            })
        },
        |r| r.id.to_string(),
    )
    .await;
    assert_eq!(paged.len(), 4);

    for (action, sub, delivery) in [("requeue", &a, Some(7)), ("disable", &b, None)] {
        store
            .record_audit(&AuditRecord {
                id: 0,
                at_ms: now_ms(),
                token_name: "ops".into(),
                action: action.into(),
                subscription: Some(sub.clone()),
                delivery,
                detail: "done".into(),
            })
            .await
            .expect("audit");
    }
    let audit = |list: ListQuery<String>| {
        let store = store.clone();
        async move { store.list_audit(&list).await.expect("list") }
    };
    let all = audit(ListQuery::default()).await;
    assert_eq!(all.items.len(), 2);
    assert_eq!(all.items[0].action, "disable");
    assert_eq!(all.items[1].delivery, Some(7));
    assert_eq!(all.items[1].token_name, "ops");
    let requeues = audit(ListQuery {
        state: Some("requeue".into()),
        ..ListQuery::default()
    })
    .await;
    assert_eq!(requeues.items.len(), 1);
    let of_b = audit(ListQuery {
        trigger: Some("trigger-b".into()),
        ..ListQuery::default()
    })
    .await;
    assert_eq!(of_b.items.len(), 1);
    assert_eq!(of_b.items[0].subscription.as_ref(), Some(&b));
}

/// Pending and failed rows and subscriptions per state, as the metrics read them.
pub async fn counts_report_queue_depth_and_states(store: Arc<dyn Store>) {
    let sub = subscription(&store, "trigger-a", 1).await;
    let mut gone = SubscriptionRecord::new(
        SubscriptionId::generate(),
        "trigger-a",
        SubscriptionKind::Trigger,
    );
    gone.state = SubscriptionState::Gone;
    store.put_subscription(&gone).await.expect("put");
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(insert(&store, delivery(&sub, Some(&format!("c{n}")))).await);
    }
    store.mark_delivered(ids[0]).await.expect("done");
    store
        .record_failure(ids[1], "boom", true)
        .await
        .expect("fail");
    let counts = store.counts().await.expect("counts");
    assert_eq!(counts.pending_deliveries, 2);
    assert_eq!(counts.failed_deliveries, 1);
    assert_eq!(
        counts.subscriptions,
        vec![(SubscriptionState::Active, 1), (SubscriptionState::Gone, 1)]
    );
}
