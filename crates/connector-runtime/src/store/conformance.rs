//! The [`Store`] contract as executable checks, run unchanged against every backend.
//!
//! Each check takes a fresh, empty store and panics (it is test code) when the store breaks
//! the contract. A backend's test calls [`run_all`] with a function that makes fresh stores,
//! and [`schema_too_new_is_refused`] with a function that opens a database whose recorded
//! schema version was set to a given number:
//!
//! ```ignore
//! #[tokio::test]
//! async fn sqlite_conforms() {
//!     let dir = tempfile::tempdir().unwrap();
//!     let counter = std::sync::atomic::AtomicUsize::new(0);
//!     conformance::run_all(|| async {
//!         let n = counter.fetch_add(1, Ordering::SeqCst);
//!         Arc::new(SqliteStore::open(dir.path().join(format!("{n}.db"))).unwrap()) as Arc<dyn Store>
//!     })
//!     .await;
//! }
//! ```

mod history;

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::{
    now_ms, DeliveryState, InsertOutcome, Lease, NewDelivery, PollCommit, PollCommitOutcome,
    PollState, Store, StoreError, StoreResult, SubscriptionKind, SubscriptionRecord,
    SubscriptionState, WaitOutcome,
};
use crate::{RequestSpec, SubscriptionId};

/// A lease long enough not to run out during a check.
const LONG: Duration = Duration::from_secs(600);
/// A lease that runs out before [`outlive`] returns.
const SHORT: Duration = Duration::from_millis(1);

/// Wait until a [`SHORT`] lease has surely expired (store clocks have ms resolution).
async fn outlive() {
    tokio::time::sleep(Duration::from_millis(30)).await;
}

/// Every check of the contract, each on a fresh store from `make`.
pub async fn run_all<F, Fut>(make: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Arc<dyn Store>>,
{
    subscriptions_round_trip(make().await).await;
    an_outcome_survives_a_stale_put(make().await).await;
    inserts_dedupe_by_subscription_and_delivery_id(make().await).await;
    claims_are_exclusive_between_owners(make().await).await;
    an_inserted_lease_keeps_others_away(make().await).await;
    an_expired_lease_is_reclaimed_and_counted(make().await).await;
    renewed_leases_hold(make().await).await;
    done_and_failed_rows_leave_the_claims(make().await).await;
    subscription_locks_are_exclusive_and_expire(make().await).await;
    a_wait_completes_exactly_once(make().await).await;
    due_deadlines_are_claimed_exactly_once(make().await).await;
    pruning_is_bounded(make().await).await;
    finished_subscriptions_are_pruned(make().await).await;
    history::run_history(&make).await;
    poll_commits_need_the_lease_and_the_version(make().await).await;
}

fn record(kind: SubscriptionKind) -> SubscriptionRecord {
    SubscriptionRecord::new(SubscriptionId::generate(), "on_event", kind)
}

fn delivery(subscription: &SubscriptionId, id: Option<&str>) -> NewDelivery {
    NewDelivery::new(
        subscription.clone(),
        id.map(str::to_owned),
        &[("content-type".to_owned(), "application/json".to_owned())],
        &b"{\"n\":1}"[..],
    )
}

async fn insert(store: &Arc<dyn Store>, delivery: NewDelivery) -> i64 {
    match store.insert_delivery(delivery).await.expect("insert") {
        InsertOutcome::Inserted(id) => id,
        InsertOutcome::Duplicate => panic!("a fresh delivery was taken for a duplicate"),
    }
}

async fn insert_rows(store: &Arc<dyn Store>, count: usize) -> (SubscriptionId, Vec<i64>) {
    let subscription = SubscriptionId::generate();
    let mut ids = Vec::new();
    for n in 0..count {
        ids.push(insert(store, delivery(&subscription, Some(&format!("d{n}")))).await);
    }
    (subscription, ids)
}

async fn claim(store: &Arc<dyn Store>, owner: &str, lease: Duration, limit: usize) -> Vec<i64> {
    store
        .claim_deliveries(owner, lease, 0, limit)
        .await
        .expect("claim")
        .into_iter()
        .map(|row| row.id)
        .collect()
}

/// A record written is read back as written, alone and in the list.
pub async fn subscriptions_round_trip(store: Arc<dyn Store>) {
    let mut trigger = record(SubscriptionKind::Trigger);
    trigger.state = SubscriptionState::Active;
    trigger.location = Some("https://api.example/hooks/1".to_owned());
    trigger.unsubscribe = Some(RequestSpec {
        method: "DELETE".to_owned(),
        url: "https://api.example/hooks/1".to_owned(),
        ..RequestSpec::default()
    });
    trigger.subscribe_status = Some(201);
    trigger.subscribe_body = Some("{\"id\":1}".to_owned());
    store.put_subscription(&trigger).await.expect("put");
    let mut action = record(SubscriptionKind::Action);
    action.created_ms = trigger.created_ms + 1;
    action.deadline_ms = Some(now_ms() + 60_000);
    store.put_subscription(&action).await.expect("put");

    let read = store.subscription(&trigger.id).await.expect("get");
    assert_eq!(read.as_ref(), Some(&trigger));
    assert_eq!(
        store
            .subscription(&SubscriptionId::generate())
            .await
            .expect("get"),
        None
    );
    trigger.state = SubscriptionState::Gone;
    store.put_subscription(&trigger).await.expect("replace");
    let all = store.subscriptions().await.expect("list");
    assert_eq!(
        all,
        vec![trigger, action],
        "oldest first, replaced in place"
    );
}

/// `put_subscription` never undoes an outcome `complete_wait` set.
pub async fn an_outcome_survives_a_stale_put(store: Arc<dyn Store>) {
    let stale = record(SubscriptionKind::Action);
    store.put_subscription(&stale).await.expect("put");
    assert!(store
        .complete_wait(&stale.id, WaitOutcome::TimedOut)
        .await
        .expect("complete"));
    store.put_subscription(&stale).await.expect("stale put");
    let read = store.subscription(&stale.id).await.expect("get");
    assert_eq!(read.and_then(|r| r.outcome), Some(WaitOutcome::TimedOut));
}

/// (subscription, delivery id) is stored once; deliveries without an id always are.
pub async fn inserts_dedupe_by_subscription_and_delivery_id(store: Arc<dyn Store>) {
    let a = SubscriptionId::generate();
    let b = SubscriptionId::generate();
    insert(&store, delivery(&a, Some("x"))).await;
    assert_eq!(
        store
            .insert_delivery(delivery(&a, Some("x")))
            .await
            .expect("insert"),
        InsertOutcome::Duplicate
    );
    insert(&store, delivery(&b, Some("x"))).await;
    insert(&store, delivery(&a, None)).await;
    insert(&store, delivery(&a, None)).await;
    let rows = store.deliveries_of(&a).await.expect("rows");
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].delivery_id.as_deref(), Some("x"));
    assert_eq!(rows[0].body, b"{\"n\":1}");
    assert_eq!(
        rows[0].headers,
        vec![("content-type".to_owned(), "application/json".to_owned())]
    );
    assert!(rows
        .iter()
        .all(|r| r.state == DeliveryState::Pending && r.attempts == 0));
}

/// Two owners never hold the same row; an owner's own rows stay claimable by it.
pub async fn claims_are_exclusive_between_owners(store: Arc<dyn Store>) {
    let (_, ids) = insert_rows(&store, 10).await;
    let first = claim(&store, "a", LONG, 6).await;
    assert_eq!(first, ids[..6], "oldest first");
    let second = claim(&store, "b", LONG, 100).await;
    assert_eq!(second, ids[6..], "only rows nobody holds");
    assert!(claim(&store, "c", LONG, 100).await.is_empty());
    assert_eq!(claim(&store, "a", LONG, 100).await, first, "own leases");
    let after = store
        .claim_deliveries("a", LONG, ids[2], 2)
        .await
        .expect("claim")
        .into_iter()
        .map(|row| row.id)
        .collect::<Vec<_>>();
    assert_eq!(after, ids[3..5], "paged by id");
    // Concurrent claimers split the rows between them.
    let (_, more) = insert_rows(&store, 40).await;
    let (x, y) = tokio::join!(claim(&store, "x", LONG, 25), claim(&store, "y", LONG, 25));
    let x: BTreeSet<i64> = x.into_iter().collect();
    let y: BTreeSet<i64> = y.into_iter().collect();
    assert!(x.is_disjoint(&y), "a row went to two owners");
    let union: BTreeSet<i64> = x.union(&y).copied().collect();
    assert_eq!(union, more.into_iter().collect());
}

/// A row inserted with a lease is its receiver's until the lease runs out.
pub async fn an_inserted_lease_keeps_others_away(store: Arc<dyn Store>) {
    let subscription = SubscriptionId::generate();
    let lease = |duration| Lease {
        owner: Arc::from("receiver"),
        duration,
    };
    let held = insert(
        &store,
        delivery(&subscription, Some("1")).with_lease(lease(LONG)),
    )
    .await;
    let brief = insert(
        &store,
        delivery(&subscription, Some("2")).with_lease(lease(SHORT)),
    )
    .await;
    outlive().await;
    assert_eq!(claim(&store, "other", LONG, 10).await, vec![brief]);
    assert_eq!(claim(&store, "receiver", LONG, 10).await, vec![held]);
}

/// A lease that ran out makes the row claimable again, and the redelivery is counted.
pub async fn an_expired_lease_is_reclaimed_and_counted(store: Arc<dyn Store>) {
    let (subscription, ids) = insert_rows(&store, 2).await;
    assert_eq!(claim(&store, "dead", SHORT, 10).await, ids);
    outlive().await;
    let taken = store
        .claim_deliveries("alive", LONG, 0, 10)
        .await
        .expect("claim");
    assert_eq!(taken.iter().map(|r| r.id).collect::<Vec<_>>(), ids);
    assert!(taken.iter().all(|r| r.attempts == 1), "{taken:?}");
    assert!(claim(&store, "dead", LONG, 10).await.is_empty());
    let rows = store.deliveries_of(&subscription).await.expect("rows");
    assert!(rows.iter().all(|r| r.attempts == 1));
}

/// Renewing keeps a lease past its first expiry; only the owner's own leases are renewed.
pub async fn renewed_leases_hold(store: Arc<dyn Store>) {
    let (_, ids) = insert_rows(&store, 2).await;
    assert_eq!(
        claim(&store, "a", Duration::from_millis(200), 1).await,
        ids[..1]
    );
    assert_eq!(claim(&store, "b", SHORT, 1).await.len(), 1);
    assert_eq!(
        store
            .renew_deliveries("a", &ids, LONG)
            .await
            .expect("renew"),
        1,
        "b's row is not a's to renew"
    );
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(
        claim(&store, "c", LONG, 10).await,
        ids[1..],
        "a's row holds"
    );
}

/// Rows marked done or failed for good leave the claims; a failure to retry stays leased.
pub async fn done_and_failed_rows_leave_the_claims(store: Arc<dyn Store>) {
    let (subscription, ids) = insert_rows(&store, 5).await;
    assert_eq!(claim(&store, "a", SHORT, 10).await, ids);
    store.mark_delivered(ids[0]).await.expect("done");
    store.mark_delivered_many(&ids[1..3]).await.expect("done");
    store
        .record_failure(ids[3], "boom", true)
        .await
        .expect("fail");
    store
        .record_failure(ids[4], "again", false)
        .await
        .expect("fail");
    outlive().await;
    let rows = store
        .claim_deliveries("b", LONG, 0, 10)
        .await
        .expect("claim");
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), ids[4..]);
    let states: Vec<DeliveryState> = store
        .deliveries_of(&subscription)
        .await
        .expect("rows")
        .iter()
        .map(|r| r.state)
        .collect();
    assert_eq!(
        states,
        [
            DeliveryState::Done,
            DeliveryState::Done,
            DeliveryState::Done,
            DeliveryState::Failed,
            DeliveryState::Pending
        ]
    );
    let pending = store.pending_deliveries(0, 10).await.expect("pending");
    assert_eq!(pending.iter().map(|r| r.id).collect::<Vec<_>>(), ids[4..]);
}

/// One owner at a time holds a subscription's lock, even before the subscription is stored;
/// the holder renews by locking again; an expired lock is free.
pub async fn subscription_locks_are_exclusive_and_expire(store: Arc<dyn Store>) {
    let id = SubscriptionId::generate();
    let lock = |owner: &'static str, ttl| {
        let store = store.clone();
        let id = id.clone();
        async move {
            store
                .try_lock_subscription(&id, owner, ttl)
                .await
                .expect("lock")
        }
    };
    assert!(lock("a", LONG).await);
    assert!(!lock("b", LONG).await);
    assert!(lock("a", LONG).await, "the holder renews");
    store.unlock_subscription(&id, "b").await.expect("unlock");
    assert!(!lock("b", LONG).await, "only the holder unlocks");
    store.unlock_subscription(&id, "a").await.expect("unlock");
    assert!(lock("b", SHORT).await);
    outlive().await;
    assert!(lock("c", LONG).await, "an expired lock is free");
    assert!(!lock("b", LONG).await);
    // Two owners racing for a free lock: exactly one gets it.
    let other = SubscriptionId::generate();
    let race = |owner: &'static str| {
        let store = store.clone();
        let id = other.clone();
        async move {
            store
                .try_lock_subscription(&id, owner, LONG)
                .await
                .expect("lock")
        }
    };
    let (x, y) = tokio::join!(race("x"), race("y"));
    assert!(x ^ y, "x: {x}, y: {y}");
}

/// The first outcome wins; later ones and unknown ids lose.
pub async fn a_wait_completes_exactly_once(store: Arc<dyn Store>) {
    let wait = record(SubscriptionKind::Action);
    store.put_subscription(&wait).await.expect("put");
    let complete = |outcome| {
        let store = store.clone();
        let id = wait.id.clone();
        async move { store.complete_wait(&id, outcome).await.expect("complete") }
    };
    let (callback, deadline, cancel) = tokio::join!(
        complete(WaitOutcome::Completed),
        complete(WaitOutcome::TimedOut),
        complete(WaitOutcome::Cancelled)
    );
    let winners: Vec<WaitOutcome> = [
        (callback, WaitOutcome::Completed),
        (deadline, WaitOutcome::TimedOut),
        (cancel, WaitOutcome::Cancelled),
    ]
    .into_iter()
    .filter(|(won, _)| *won)
    .map(|(_, outcome)| outcome)
    .collect();
    assert_eq!(winners.len(), 1, "{winners:?}");
    let read = store.subscription(&wait.id).await.expect("get");
    assert_eq!(read.and_then(|r| r.outcome), winners.first().copied());
    assert!(!complete(WaitOutcome::Completed).await);
    assert!(!store
        .complete_wait(&SubscriptionId::generate(), WaitOutcome::Completed)
        .await
        .expect("complete"));
}

/// Due deadlines go to one owner each; ended waits, future deadlines and triggers are never
/// claimed; a claim whose owner died is taken over once it expires.
pub async fn due_deadlines_are_claimed_exactly_once(store: Arc<dyn Store>) {
    let now = now_ms();
    let mut due = BTreeSet::new();
    for n in 0..30 {
        let mut wait = record(SubscriptionKind::Action);
        wait.deadline_ms = Some(now - 1000 + n);
        store.put_subscription(&wait).await.expect("put");
        due.insert(wait.id.to_string());
    }
    let mut later = record(SubscriptionKind::Action);
    later.deadline_ms = Some(now + 600_000);
    store.put_subscription(&later).await.expect("put");
    let mut ended = record(SubscriptionKind::Action);
    ended.deadline_ms = Some(now - 5000);
    ended.outcome = Some(WaitOutcome::Completed);
    store.put_subscription(&ended).await.expect("put");
    let mut trigger = record(SubscriptionKind::Trigger);
    trigger.deadline_ms = Some(now - 5000);
    store.put_subscription(&trigger).await.expect("put");

    let claim = |owner: &'static str, lease| {
        let store = store.clone();
        async move {
            store
                .claim_due_deadlines(now, owner, lease, 20)
                .await
                .expect("claim")
                .into_iter()
                .map(|id| id.to_string())
                .collect::<BTreeSet<String>>()
        }
    };
    let (a, b) = tokio::join!(claim("a", LONG), claim("b", LONG));
    assert!(a.is_disjoint(&b), "a deadline went to two owners");
    let mut claimed: BTreeSet<String> = a.union(&b).cloned().collect();
    if claimed.len() < due.len() {
        // Each call takes at most 20: the rest come with the next call.
        claimed.extend(claim("b", LONG).await);
    }
    assert_eq!(claimed, due);
    assert!(claim("c", LONG).await.is_empty(), "all held by live owners");

    // Firing: complete_wait ends them; an owner dying before it fires loses them on expiry.
    let mut fired = 0;
    for id in &a {
        let id = SubscriptionId::parse(id).expect("stored ids parse");
        if store
            .complete_wait(&id, WaitOutcome::TimedOut)
            .await
            .expect("complete")
        {
            fired += 1;
        }
    }
    assert_eq!(fired, a.len());
    let mut fresh = record(SubscriptionKind::Action);
    fresh.deadline_ms = Some(now - 1);
    store.put_subscription(&fresh).await.expect("put");
    let dead = store
        .claim_due_deadlines(now, "dead", SHORT, 100)
        .await
        .expect("claim");
    assert_eq!(dead, vec![fresh.id.clone()]);
    outlive().await;
    let again: BTreeSet<String> = claim("a", LONG).await;
    assert!(again.contains(fresh.id.as_str()), "taken over after expiry");
    assert!(
        again.iter().all(|id| !a.contains(id)),
        "fired deadlines are not claimed again"
    );
}

/// Pruning deletes at most `limit` handled rows per call and never a pending or failed one.
pub async fn pruning_is_bounded(store: Arc<dyn Store>) {
    let (subscription, ids) = insert_rows(&store, 12).await;
    store.mark_delivered_many(&ids[..10]).await.expect("done");
    store
        .record_failure(ids[10], "boom", true)
        .await
        .expect("fail");
    assert_eq!(
        store.prune_delivered(0, 100).await.expect("prune"),
        0,
        "too recent"
    );
    let future = now_ms() + 1000;
    assert_eq!(store.prune_delivered(future, 4).await.expect("prune"), 4);
    assert_eq!(store.prune_delivered(future, 4).await.expect("prune"), 4);
    assert_eq!(store.prune_delivered(future, 4).await.expect("prune"), 2);
    assert_eq!(store.prune_delivered(future, 4).await.expect("prune"), 0);
    let left = store.deliveries_of(&subscription).await.expect("rows");
    assert_eq!(left.iter().map(|r| r.id).collect::<Vec<_>>(), ids[10..]);
    insert(&store, delivery(&subscription, Some("d0"))).await;
}

/// Finished subscriptions past the retention go with their rows, a bounded batch at a time;
/// live ones stay.
pub async fn finished_subscriptions_are_pruned(store: Arc<dyn Store>) {
    let mut finished = Vec::new();
    for state in [
        SubscriptionState::Gone,
        SubscriptionState::Failed,
        SubscriptionState::Gone,
    ] {
        let mut gone = record(SubscriptionKind::Trigger);
        gone.state = state;
        store.put_subscription(&gone).await.expect("put");
        insert(&store, delivery(&gone.id, Some("1"))).await;
        store
            .record_attempt(&super::AttemptRecord {
                id: 0,
                subscription: gone.id.clone(),
                trigger: gone.trigger.clone(),
                operation: super::AttemptOperation::Unsubscribe,
                outcome: super::AttemptOutcome::Ok,
                status: Some(200),
                error: None,
                at_ms: now_ms(),
            })
            .await
            .expect("record attempt");
        finished.push(gone);
    }
    let mut live = record(SubscriptionKind::Trigger);
    live.state = SubscriptionState::Active;
    store.put_subscription(&live).await.expect("put");
    insert(&store, delivery(&live.id, Some("1"))).await;

    assert_eq!(
        store
            .prune_finished_subscriptions(0, 10)
            .await
            .expect("prune"),
        0,
        "too recent"
    );
    let future = now_ms() + 1000;
    assert_eq!(
        store
            .prune_finished_subscriptions(future, 2)
            .await
            .expect("prune"),
        2
    );
    assert_eq!(
        store
            .prune_finished_subscriptions(future, 2)
            .await
            .expect("prune"),
        1
    );
    for gone in &finished {
        assert_eq!(store.subscription(&gone.id).await.expect("get"), None);
        assert!(store
            .deliveries_of(&gone.id)
            .await
            .expect("rows")
            .is_empty());
        let attempts = store
            .list_attempts(&super::ListQuery {
                subscription: Some(gone.id.clone()),
                ..Default::default()
            })
            .await
            .expect("attempts");
        assert!(
            attempts.items.is_empty(),
            "attempts of a pruned subscription"
        );
    }
    assert!(store.subscription(&live.id).await.expect("get").is_some());
    assert_eq!(store.deliveries_of(&live.id).await.expect("rows").len(), 1);
}

fn poll_request(url: &str) -> RequestSpec {
    RequestSpec {
        method: "GET".into(),
        url: url.into(),
        ..RequestSpec::default()
    }
}

fn poll_commit(
    id: &SubscriptionId,
    version: i64,
    owner: &str,
    url: &str,
    items: &[&str],
) -> PollCommit {
    PollCommit {
        subscription: id.clone(),
        expected_version: version,
        owner: owner.into(),
        next_request: poll_request(url),
        after_pages: None,
        next_poll_ms: 10,
        lease_until_ms: 100,
        items: items.iter().map(|item| delivery(id, Some(item))).collect(),
    }
}

/// A poll's items and its cursor move together, only for the lease holder at the version it
/// read: a stale poller stores nothing and never moves the cursor back; item ids dedupe.
pub async fn poll_commits_need_the_lease_and_the_version(store: Arc<dyn Store>) {
    let id = SubscriptionId::generate();
    let first = PollState::new(id.clone(), poll_request("http://a/first"), 1000, 0);
    store.put_poll_state(&first).await.expect("put");
    assert_eq!(store.poll_state(&id).await.expect("get"), Some(first));
    let stale = |outcome: PollCommitOutcome| assert_eq!(outcome, PollCommitOutcome::Stale);
    // Nobody holds the lease yet.
    stale(
        store
            .commit_poll(poll_commit(&id, 1, "a", "http://a/s1", &["x"]))
            .await
            .expect("commit"),
    );
    let claimed = store
        .claim_poll_lease(&id, "a", 0, 50)
        .await
        .expect("claim");
    assert_eq!(claimed.and_then(|c| c.lease_owner).as_deref(), Some("a"));
    assert_eq!(
        store
            .claim_poll_lease(&id, "b", 10, 60)
            .await
            .expect("claim"),
        None,
        "held"
    );
    let outcome = store
        .commit_poll(poll_commit(&id, 1, "a", "http://a/s1", &["x", "y"]))
        .await
        .expect("commit");
    let PollCommitOutcome::Committed { version, inserted } = outcome else {
        panic!("the holder's commit at the stored version was refused");
    };
    assert_eq!(version, 2);
    assert_eq!(
        inserted.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        vec![0, 1]
    );
    // An old version moves nothing back and stores nothing.
    stale(
        store
            .commit_poll(poll_commit(&id, 1, "a", "http://a/old", &["z"]))
            .await
            .expect("commit"),
    );
    let state = store.poll_state(&id).await.expect("get").expect("cursor");
    assert_eq!(
        (state.version, state.next_request.url.as_str()),
        (2, "http://a/s1")
    );
    assert_eq!(store.deliveries_of(&id).await.expect("rows").len(), 2);
    // Items already stored (same id) are left out.
    let outcome = store
        .commit_poll(poll_commit(&id, 2, "a", "http://a/s2", &["y", "w"]))
        .await
        .expect("commit");
    assert!(
        matches!(outcome, PollCommitOutcome::Committed { version: 3, ref inserted } if inserted.len() == 1 && inserted[0].0 == 1),
        "{outcome:?}"
    );
    // An expired lease is taken over; the old holder's commit is then refused.
    let taken = store
        .claim_poll_lease(&id, "b", 1000, 2000)
        .await
        .expect("claim");
    assert_eq!(taken.map(|t| t.version), Some(3));
    stale(
        store
            .commit_poll(poll_commit(&id, 3, "a", "http://a/s3", &[]))
            .await
            .expect("commit"),
    );
    // While an answer's pages are read in chunks, the request after its last page is kept
    // beside the next page; the commit of the last chunk clears it.
    let mut chunk = poll_commit(&id, 3, "b", "http://a/page-2", &["p"]);
    chunk.after_pages = Some(poll_request("http://a/s4"));
    let outcome = store.commit_poll(chunk).await.expect("commit");
    assert!(
        matches!(outcome, PollCommitOutcome::Committed { version: 4, .. }),
        "{outcome:?}"
    );
    let state = store.poll_state(&id).await.expect("get").expect("cursor");
    assert_eq!(
        (
            state.next_request.url.as_str(),
            state.after_pages.as_ref().map(|r| r.url.as_str())
        ),
        ("http://a/page-2", Some("http://a/s4"))
    );
    let outcome = store
        .commit_poll(poll_commit(&id, 4, "b", "http://a/s4", &[]))
        .await
        .expect("commit");
    assert!(
        matches!(outcome, PollCommitOutcome::Committed { version: 5, .. }),
        "{outcome:?}"
    );
    let state = store.poll_state(&id).await.expect("get").expect("cursor");
    assert_eq!(state.after_pages, None);
    assert_eq!(store.poll_states().await.expect("all").len(), 1);
    store.delete_poll_state(&id).await.expect("delete");
    stale(
        store
            .commit_poll(poll_commit(&id, 3, "b", "http://a/s3", &["v"]))
            .await
            .expect("commit"),
    );
    assert!(store.poll_states().await.expect("all").is_empty());
    assert_eq!(store.deliveries_of(&id).await.expect("rows").len(), 4);
}

/// A database whose recorded schema version is newer than the backend supports is refused
/// with [`StoreError::SchemaTooNew`]. `open_at_version(v)` makes a database, records schema
/// version `v` in it and opens it again.
pub async fn schema_too_new_is_refused<F, Fut, T>(supported: u32, open_at_version: F)
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = StoreResult<T>>,
{
    assert!(
        open_at_version(supported).await.is_ok(),
        "the supported version opens"
    );
    match open_at_version(supported + 1).await {
        Err(StoreError::SchemaTooNew {
            found,
            supported: s,
        }) => {
            assert_eq!((found, s), (supported + 1, supported));
        }
        Err(other) => panic!("expected SchemaTooNew, got {other}"),
        Ok(_) => panic!("a database from a newer binary was opened"),
    }
}
