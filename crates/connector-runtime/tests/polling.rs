//! Polling triggers over loopback against an API implementing Logic Apps' polling contract:
//! state in `Location`, `Retry-After`, 202 / 200, pages, faults, restarts.

mod support;

use std::time::Duration;

use connector_runtime::polling_api::{
    AnswerShape, EventsTrigger, LatestSummary, LatestTrigger, PolledEvent, PollingApi,
};
use connector_runtime::testing::eventually;
use connector_runtime::{
    Callback, Host, PollingOptions, RetryPolicy, SubscriptionId, SubscriptionState, TriggerOptions,
};
use support::{connection, db_path, forwarding, register_polled, PolledItems, KEY};

fn options() -> PollingOptions {
    PollingOptions::default().with_start_spread(Duration::from_millis(20))
}

async fn host(store: &str, policy: RetryPolicy, client_timeout: Duration) -> Host {
    Host::builder()
        .with_sqlite(store)
        .with_signing_key(KEY.to_vec())
        .with_retry_policy(policy)
        .with_http_client(
            reqwest::Client::builder()
                .timeout(client_timeout)
                .build()
                .unwrap(),
        )
        .with_instance_id("test-host")
        .with_polling(options())
        .build()
        .await
        .unwrap()
}

/// Retries a few ms apart, but `Retry-After` (at most 2 s) honoured.
fn quick_policy() -> RetryPolicy {
    RetryPolicy::logic_apps_default()
        .with_base_interval(Duration::from_millis(20))
        .with_min_interval(Duration::from_millis(10))
        .with_max_interval(Duration::from_secs(2))
}

async fn take(receiver: &mut PolledItems, count: usize) -> Vec<Callback<PolledEvent>> {
    let mut out = Vec::new();
    while out.len() < count {
        match tokio::time::timeout(Duration::from_secs(10), receiver.recv()).await {
            Ok(Some(callback)) => out.push(callback),
            _ => panic!("only {} of {count} items arrived", out.len()),
        }
    }
    // Handlers run concurrently, so arrival order is not the API's order.
    out.sort_by_key(|c| c.body.id);
    out
}

/// No further item arrives within a few poll intervals.
async fn assert_quiet(receiver: &mut PolledItems) {
    if let Ok(Some(extra)) = tokio::time::timeout(Duration::from_millis(400), receiver.recv()).await
    {
        panic!("unexpected extra item {:?}", extra.body);
    }
}

/// The stored cursor is the API's `Location` after event `last`, with no pages left to read.
async fn assert_cursor_after(host: &Host, id: &SubscriptionId, last: u64) {
    let stored = host.store().poll_state(id).await.unwrap().unwrap();
    assert_eq!(stored.after_pages, None, "no pages left to read");
    assert!(
        stored
            .next_request
            .url
            .ends_with(&format!("triggerState={last}")),
        "{}",
        stored.next_request.url
    );
}

/// Polls have started and the API handed out its starting state.
async fn started(api: &PollingApi) {
    assert!(
        eventually(Duration::from_secs(5), || api
            .polls()
            .iter()
            .any(|p| p.state.is_some()))
        .await,
        "the poller reached its starting state"
    );
}

#[tokio::test]
async fn batch_items_arrive_once_each_with_state_from_location_and_pages() {
    let api = PollingApi::start(AnswerShape::Pages { page_size: 2 })
        .await
        .unwrap();
    api.add_events(3); // before enabling: not "new" for the trigger
    let host = host(":memory:", quick_policy(), Duration::from_secs(5)).await;
    let trigger = EventsTrigger::new("created");
    let mut received = register_polled(&host, &trigger, &api);
    let id = host.enable(&trigger).await.unwrap();
    started(&api).await;
    let ids = api.add_events(5);
    let items = take(&mut received, 5).await;
    assert_eq!(items.iter().map(|c| c.body.id).collect::<Vec<_>>(), ids);
    assert_eq!(items[0].status_code, 200);
    assert_eq!(items[0].body.data.target_path, "/Shared/file-4.txt");
    assert!(
        items[0].header("location").is_some(),
        "the poll answer's headers"
    );
    assert_quiet(&mut received).await;

    let polls = api.polls();
    assert_eq!(polls[0].state, None, "the first poll carries no state");
    assert_eq!(polls[0].status, 202);
    assert!(
        polls.iter().any(|p| p.path.contains("page=2")),
        "the third page was fetched within the poll: {:?}",
        polls.iter().map(|p| &p.path).collect::<Vec<_>>()
    );
    assert!(
        polls.iter().skip(1).all(|p| p.state >= Some(3)),
        "every later poll starts from the API's starting state"
    );
    let states: Vec<u64> = polls.iter().filter_map(|p| p.state).collect();
    assert!(
        states.windows(2).all(|w| w[0] <= w[1]),
        "the state never goes backwards: {states:?}"
    );
    assert_cursor_after(&host, &id, 8).await;

    host.disable(&id).await.unwrap();
    let record = host.subscription(&id).await.unwrap().unwrap();
    assert_eq!(record.state, SubscriptionState::Gone);
    assert_eq!(host.active_pollers(), 0);
    let before = api.polls().len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(api.polls().len() <= before + 1, "polling stopped");
    host.shutdown().await;
}

#[tokio::test]
async fn a_single_trigger_gets_whole_answers() {
    let api = PollingApi::start(AnswerShape::Single).await.unwrap();
    let host = host(":memory:", quick_policy(), Duration::from_secs(5)).await;
    let (handler, mut received) = forwarding::<LatestSummary>();
    host.register_with(
        &LatestTrigger,
        connection(&api.base_url()),
        TriggerOptions::default(),
        handler,
    )
    .unwrap();
    host.enable(&LatestTrigger).await.unwrap();
    started(&api).await;
    api.add_events(3);
    let first = tokio::time::timeout(Duration::from_secs(5), received.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.body.count, 3);
    assert_eq!(first.body.latest.id, 3);
    api.add_events(1);
    let second = tokio::time::timeout(Duration::from_secs(5), received.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((second.body.count, second.body.latest.id), (1, 4));
    host.shutdown().await;
}

#[tokio::test]
async fn too_many_requests_waits_for_retry_after_then_503_retries_and_nothing_is_lost() {
    let api = PollingApi::start(AnswerShape::Array).await.unwrap();
    let host = host(":memory:", quick_policy(), Duration::from_secs(5)).await;
    let trigger = EventsTrigger::new("created");
    let mut received = register_polled(&host, &trigger, &api);
    host.enable(&trigger).await.unwrap();
    started(&api).await;
    api.fail_next(1, 429, Some(1));
    api.fail_next(2, 503, None);
    let ids = api.add_events(2);
    let items = take(&mut received, 2).await;
    assert_eq!(items.iter().map(|c| c.body.id).collect::<Vec<_>>(), ids);
    let polls = api.polls();
    let throttled = polls.iter().position(|p| p.status == 429).unwrap();
    let after = &polls[throttled + 1];
    let waited = after.at - polls[throttled].at;
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After: 1 honoured, waited {waited:?}"
    );
    assert_eq!(after.status, 503);
    assert_eq!(polls[throttled + 2].status, 503);
    assert_eq!(
        polls[throttled + 3].state,
        polls[throttled].state,
        "retries poll the same state"
    );
    assert_quiet(&mut received).await;
    host.shutdown().await;
}

#[tokio::test]
async fn a_timed_out_poll_is_retried_from_the_same_state() {
    let api = PollingApi::start(AnswerShape::Array).await.unwrap();
    let host = host(":memory:", quick_policy(), Duration::from_millis(300)).await;
    let trigger = EventsTrigger::new("created");
    let mut received = register_polled(&host, &trigger, &api);
    host.enable(&trigger).await.unwrap();
    started(&api).await;
    api.delay_next(1, Duration::from_secs(1));
    let ids = api.add_events(3);
    let items = take(&mut received, 3).await;
    assert_eq!(items.iter().map(|c| c.body.id).collect::<Vec<_>>(), ids);
    assert_quiet(&mut received).await;
    host.shutdown().await;
}

#[tokio::test]
async fn a_404_on_the_state_url_fails_the_subscription_and_keeps_the_answer() {
    let api = PollingApi::start(AnswerShape::Array).await.unwrap();
    let host = host(":memory:", quick_policy(), Duration::from_secs(5)).await;
    let trigger = EventsTrigger::new("created");
    let _received = register_polled(&host, &trigger, &api);
    let id = host.enable(&trigger).await.unwrap();
    started(&api).await;
    api.expire_states(true);
    let failed = eventually(Duration::from_secs(5), || host.active_pollers() == 0).await;
    assert!(failed, "polling stopped");
    let record = host.subscription(&id).await.unwrap().unwrap();
    assert_eq!(record.state, SubscriptionState::Failed);
    assert_eq!(record.subscribe_status, Some(404));
    assert_eq!(
        record.subscribe_body.as_deref(),
        Some("trigger state expired")
    );
    assert!(record.last_error.unwrap().contains("404"));
    let count = api.polls().len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(api.polls().len(), count, "no poll after the failure");
    host.shutdown().await;
}

#[tokio::test]
async fn after_a_restart_polling_resumes_from_the_stored_state() {
    let dir = tempfile::tempdir().unwrap();
    let store = db_path(dir.path());
    let api = PollingApi::start(AnswerShape::Pages { page_size: 10 })
        .await
        .unwrap();
    let trigger = EventsTrigger::new("created");
    let id = {
        let host = host(&store, quick_policy(), Duration::from_secs(5)).await;
        let mut received = register_polled(&host, &trigger, &api);
        let id = host.enable(&trigger).await.unwrap();
        started(&api).await;
        api.add_events(2);
        take(&mut received, 2).await;
        host.shutdown().await;
        id
    };
    // Events while no host runs.
    let missed = api.add_events(3);
    let polls_before = api.polls().len();
    let host = host(&store, quick_policy(), Duration::from_secs(5)).await;
    let mut received = register_polled(&host, &trigger, &api);
    let report = host.resume().await.unwrap();
    assert_eq!(report.pollers, 1);
    let items = take(&mut received, 3).await;
    assert_eq!(items.iter().map(|c| c.body.id).collect::<Vec<_>>(), missed);
    let first_after = &api.polls()[polls_before];
    assert_eq!(first_after.state, Some(2), "resumed from the stored state");
    assert_quiet(&mut received).await;
    assert_eq!(
        host.subscription(&id).await.unwrap().unwrap().state,
        SubscriptionState::Active
    );
    host.shutdown().await;
}

#[tokio::test]
async fn update_starts_over_from_the_new_first_request() {
    let api = PollingApi::start(AnswerShape::Array).await.unwrap();
    let host = host(":memory:", quick_policy(), Duration::from_secs(5)).await;
    let trigger = EventsTrigger::new("created");
    let _received = register_polled(&host, &trigger, &api);
    let id = host.enable(&trigger).await.unwrap();
    started(&api).await;
    host.update(&id, &trigger.clone().with_path("/other"))
        .await
        .unwrap();
    assert!(
        eventually(Duration::from_secs(5), || api
            .polls()
            .iter()
            .any(|p| p.path.starts_with("/other?triggerState")))
        .await
    );
    let stored = host.store().poll_state(&id).await.unwrap().unwrap();
    assert!(stored.next_request.url.contains("/other"));
    host.shutdown().await;
}

#[tokio::test]
async fn two_hosts_on_one_store_poll_each_subscription_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = db_path(dir.path());
    let api = PollingApi::start(AnswerShape::Array).await.unwrap();
    let trigger = EventsTrigger::new("created");
    let first = host(&store, quick_policy(), Duration::from_secs(5)).await;
    let mut first_items = register_polled(&first, &trigger, &api);
    first.enable(&trigger).await.unwrap();
    started(&api).await;
    let second = Host::builder()
        .with_sqlite(&store)
        .with_signing_key(KEY.to_vec())
        .with_instance_id("other-host")
        .with_polling(options())
        .build()
        .await
        .unwrap();
    let mut second_items = register_polled(&second, &trigger, &api);
    second.resume().await.unwrap();
    let ids = api.add_events(4);
    let items = take(&mut first_items, 4).await;
    assert_eq!(items.iter().map(|c| c.body.id).collect::<Vec<_>>(), ids);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        second_items.try_recv().is_err(),
        "the other host never polled: the lease is held"
    );
    let polls = api.polls();
    let window: Vec<_> = polls.iter().rev().take(8).collect();
    let span = window[0].at - window[window.len() - 1].at;
    assert!(
        span >= Duration::from_millis(500),
        "one poller at the 100 ms interval, not two: 8 polls in {span:?}"
    );
    second.shutdown().await;
    first.shutdown().await;
}

#[tokio::test]
async fn first_polls_are_spread_rather_than_fired_in_the_same_millisecond() {
    let api = PollingApi::start(AnswerShape::Array).await.unwrap();
    let host = Host::builder()
        .with_sqlite(":memory:")
        .with_signing_key(KEY.to_vec())
        .with_polling(PollingOptions::default().with_start_spread(Duration::from_secs(1)))
        .build()
        .await
        .unwrap();
    let trigger = EventsTrigger::new("created").with_interval(Duration::from_secs(60));
    let _received = register_polled(&host, &trigger, &api);
    for n in 0..100 {
        host.enable(&trigger.clone().with_path(format!("/f{n}")))
            .await
            .unwrap();
    }
    assert!(eventually(Duration::from_secs(5), || api.polls().len() == 100).await);
    let polls = api.polls();
    let first = polls.iter().map(|p| p.at).min().unwrap();
    let mut millis: Vec<u128> = polls.iter().map(|p| (p.at - first).as_millis()).collect();
    millis.sort_unstable();
    millis.dedup();
    assert!(
        millis.len() >= 50,
        "100 first polls over a 1 s spread fall in {} distinct milliseconds",
        millis.len()
    );
    assert!(
        polls.iter().all(|p| p.state.is_none()),
        "first polls carry no state"
    );
    host.shutdown().await;
}

#[tokio::test]
async fn a_backlog_of_more_pages_than_one_poll_reads_arrives_in_chunks_and_none_twice() {
    let api = PollingApi::start(AnswerShape::Pages { page_size: 1 })
        .await
        .unwrap();
    let host = host(":memory:", quick_policy(), Duration::from_secs(5)).await;
    let trigger = EventsTrigger::new("created").with_interval(Duration::from_millis(300));
    let mut received = register_polled(&host, &trigger, &api);
    let id = host.enable(&trigger).await.unwrap();
    started(&api).await;
    // 2,500 pages of one item: one poll reads 1,000, so three chunks. Every item arrives once,
    // and the state moves to the answer's Location only after the last page.
    let ids = api.add_events(2_500);
    let items = take(&mut received, 2_500).await;
    assert_eq!(items.iter().map(|c| c.body.id).collect::<Vec<_>>(), ids);
    assert_quiet(&mut received).await;
    assert_cursor_after(&host, &id, ids.last().copied().unwrap_or_default()).await;
    let states: Vec<u64> = api.polls().iter().filter_map(|p| p.state).collect();
    assert!(
        states.windows(2).all(|w| w[0] <= w[1]),
        "the state never goes backwards"
    );
    host.shutdown().await;
}

#[tokio::test]
async fn a_next_link_cycle_ends_the_answer_and_polling_moves_on() {
    let api = PollingApi::start(AnswerShape::Pages { page_size: 2 })
        .await
        .unwrap();
    api.cyclic_pages(true);
    let host = host(":memory:", quick_policy(), Duration::from_secs(5)).await;
    let trigger = EventsTrigger::new("created").with_interval(Duration::from_millis(200));
    let mut received = register_polled(&host, &trigger, &api);
    let id = host.enable(&trigger).await.unwrap();
    started(&api).await;
    // Three pages, the last linking back to the first: each item once, and the cursor
    // reaches the answer's Location instead of reading the cycle in chunks forever.
    let ids = api.add_events(5);
    let items = take(&mut received, 5).await;
    assert_eq!(items.iter().map(|c| c.body.id).collect::<Vec<_>>(), ids);
    assert_quiet(&mut received).await;
    assert_cursor_after(&host, &id, ids.last().copied().unwrap_or_default()).await;
    let pages = api
        .polls()
        .iter()
        .filter(|p| p.path.contains("page="))
        .count();
    assert!(
        pages < 20,
        "the cycle was not followed on: {pages} page requests"
    );
    let record = host.subscription(&id).await.unwrap().unwrap();
    assert!(
        record
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("nextLink")),
        "the operator sees why: {:?}",
        record.last_error
    );
    host.shutdown().await;
}
