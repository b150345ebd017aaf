//! Fault injection on subscribe and on unsubscribe: 5xx, 429 with Retry-After, answers slower
//! than the client's timeout (the API acting late, or answering late), and connection resets
//! (before the API saw the request, or after it acted). For each, once transient and once
//! persistent (more failures than the retry policy allows), against a `Location` API and a
//! callback-URL API. The runtime must converge: one live hook per active subscription while
//! enabled, none after disable, nothing left in `subscribing`/`unsubscribing`.
//!
//! Every case runs a real host on a SQLite file and the recording mock behind the fault proxy.

use std::time::{Duration, Instant};

use connector_bench::crash::host::definition;
use connector_bench::crash::{subscription_of, ApiStyle};
use connector_bench::fault_proxy::{Fault, FaultProxy, Rule};
use connector_runtime::store::Intent;
use connector_runtime::testing::MockApi;
use connector_runtime::{Host, RetryPolicy, SubscriptionState};

/// The runtime's client gives up after this long. Long enough that a request the fault proxy
/// does not delay still answers in time on a loaded 2-core machine (at 300 ms, load ≈ 10 made
/// plain requests time out and the case never converged).
const CLIENT_TIMEOUT: Duration = Duration::from_millis(800);
/// "Slow" answers take this long (well past the client's timeout).
const SLOW: Duration = Duration::from_millis(1_800);
/// How long the end state must hold to count (longer than any delayed request in flight).
const STABLE_FOR: Duration = Duration::from_millis(2_200);
/// How long a case may take to converge.
const CONVERGE_WITHIN: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Subscribe,
    Unsubscribe,
}

#[derive(Debug, Clone)]
struct Case {
    style: ApiStyle,
    op: Op,
    fault: Fault,
    /// Faulty answers in a row; more than the retry policy's 4 attempts means persistent.
    times: u32,
}

impl Case {
    fn name(&self) -> String {
        format!(
            "{:?} {} {:?} ×{}",
            self.op,
            self.style.as_str(),
            self.fault,
            self.times
        )
    }

    fn rule(&self) -> Rule {
        let (method, path) = match (self.style, self.op) {
            (ApiStyle::Location | ApiStyle::Listed, Op::Subscribe) => ("POST", "/hooks"),
            (ApiStyle::Location | ApiStyle::Listed, Op::Unsubscribe) => ("DELETE", "/hooks/"),
            (ApiStyle::Callback, Op::Subscribe) => ("POST", "/subscribe"),
            (ApiStyle::Callback, Op::Unsubscribe) => ("POST", "/unsubscribe"),
            (ApiStyle::Polling, _) => unreachable!("the fault matrix covers webhook styles"),
        };
        Rule::new(method, path, self.fault.clone(), self.times)
    }

    /// A transient error answer must not fail `enable`. Timeouts and resets leave the outcome
    /// unknown to the client, so for them only convergence is required.
    fn must_succeed(&self) -> bool {
        self.times < 4 && matches!(self.fault, Fault::Status { .. })
    }
}

fn faults() -> Vec<Fault> {
    vec![
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        Fault::Status {
            status: 500,
            retry_after: None,
        },
        Fault::Status {
            status: 429,
            retry_after: Some("1".into()),
        },
        Fault::DelayRequest(SLOW),
        Fault::DelayResponse(SLOW),
        Fault::ResetBeforeForward,
        Fault::ResetAfterForward,
    ]
}

/// A subscribe answer lost (the API may have acted) on an API whose unsubscribe request is
/// only known from that answer (`Location`) and whose hooks cannot be listed: the runtime must
/// not POST again, so it cannot converge to "one hook, one active subscription". See
/// `location_unknown_subscribe_outcome`. (With a list route, `ApiStyle::Listed`, the runtime
/// finds and removes the hook, subscribes again, and converges.)
fn location_unknown_outcome(case: &Case) -> bool {
    case.style == ApiStyle::Location
        && case.op == Op::Subscribe
        && matches!(
            case.fault,
            Fault::DelayRequest(_) | Fault::DelayResponse(_) | Fault::ResetAfterForward
        )
}

/// Cases the runtime does not pass (see `known_runtime_limits_request_delayed_past_cleanup`):
/// a callback-URL API whose subscribe request is held in transit past the cleanup. (A
/// listable API passes: the runtime keeps listing for late hooks.)
fn known_limit(case: &Case) -> bool {
    case.style == ApiStyle::Callback
        && case.op == Op::Subscribe
        && matches!(case.fault, Fault::DelayRequest(_))
}

fn all_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for style in [ApiStyle::Location, ApiStyle::Listed, ApiStyle::Callback] {
        for op in [Op::Subscribe, Op::Unsubscribe] {
            for fault in faults() {
                for times in [1, 10] {
                    cases.push(Case {
                        style,
                        op,
                        fault: fault.clone(),
                        times,
                    });
                }
            }
        }
    }
    cases
}

struct Rig {
    mock: MockApi,
    proxy: FaultProxy,
    host: Host,
    _dir: tempfile::TempDir,
}

async fn rig(style: ApiStyle) -> (Rig, connector_runtime::HttpWebhookDefinition) {
    let mock = MockApi::start().await.unwrap();
    let proxy = FaultProxy::start(mock.addr()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::builder()
        .timeout(CLIENT_TIMEOUT)
        .build()
        .unwrap();
    let policy = RetryPolicy::logic_apps_default()
        .with_retries(3)
        .with_base_interval(Duration::from_millis(20))
        .with_min_interval(Duration::from_millis(10))
        .with_max_interval(Duration::from_millis(100));
    let host = Host::builder()
        .with_sqlite(dir.path().join("faults.db"))
        .with_signing_key(b"fault-test-key".to_vec())
        .with_retry_policy(policy)
        .with_http_client(client)
        .with_sweep_interval(Duration::from_millis(100))
        .build()
        .await
        .unwrap();
    let trigger = definition(&proxy.base_url(), style).unwrap();
    host.register(&trigger, trigger.connection(), |_callback| async { Ok(()) })
        .unwrap();
    host.resume().await.unwrap();
    (
        Rig {
            mock,
            proxy,
            host,
            _dir: dir,
        },
        trigger,
    )
}

/// Hooks at the mock vs active subscriptions in the store, as sorted subscription ids; and
/// how many subscriptions are still between states.
async fn snapshot(rig: &Rig) -> (Vec<String>, Vec<String>, usize) {
    let records = rig.host.subscriptions().await.unwrap();
    let unsettled = records
        .iter()
        .filter(|r| match r.state {
            SubscriptionState::Subscribing | SubscriptionState::Unsubscribing => true,
            SubscriptionState::Active => r.intent != Intent::Enabled,
            SubscriptionState::Gone | SubscriptionState::Failed => false,
        })
        .count();
    let mut active: Vec<String> = records
        .iter()
        .filter(|r| r.state == SubscriptionState::Active && r.intent == Intent::Enabled)
        .map(|r| r.id.to_string())
        .collect();
    let mut hooks: Vec<String> = rig
        .mock
        .hooks()
        .iter()
        .map(|h| {
            h.callback_url
                .as_deref()
                .and_then(subscription_of)
                .unwrap_or("<no callback>")
                .to_owned()
        })
        .collect();
    active.sort();
    hooks.sort();
    (hooks, active, unsettled)
}

/// Wait until hooks equal active subscriptions (one hook each) with nothing unsettled, and
/// that holds for `STABLE_FOR`.
async fn converge(rig: &Rig) -> Result<(), String> {
    let deadline = Instant::now() + CONVERGE_WITHIN;
    let mut stable_since: Option<Instant> = None;
    loop {
        let (hooks, active, unsettled) = snapshot(rig).await;
        let good = hooks == active && unsettled == 0;
        match (good, stable_since) {
            (true, Some(since)) if since.elapsed() >= STABLE_FOR => return Ok(()),
            (true, None) => stable_since = Some(Instant::now()),
            (true, Some(_)) => {}
            (false, _) => stable_since = None,
        }
        if Instant::now() > deadline {
            return Err(format!(
                "not converged: hooks {hooks:?}, active {active:?}, unsettled {unsettled}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Run one case; `Err` describes how it failed.
async fn run_case(case: Case) -> Result<(), String> {
    let (rig, trigger) = rig(case.style).await;
    if case.op == Op::Subscribe {
        rig.proxy.inject(case.rule());
    }
    let enabled = rig.host.enable(&trigger).await;
    if case.op == Op::Subscribe && case.must_succeed() && enabled.is_err() {
        return Err(format!(
            "a transient error answer failed enable: {enabled:?}"
        ));
    }
    if case.op == Op::Unsubscribe && enabled.is_err() {
        return Err(format!("enable failed without a fault: {enabled:?}"));
    }
    converge(&rig)
        .await
        .map_err(|e| format!("after enable: {e}"))?;
    if let Ok(id) = enabled {
        if rig.mock.hooks().len() != 1 {
            return Err(format!("enabled, but {} hooks", rig.mock.hooks().len()));
        }
        if case.op == Op::Unsubscribe {
            rig.proxy.inject(case.rule());
        }
        // A persistent fault may fail the call; the sweeper must finish the job.
        let _ = rig.host.disable(&id).await;
        converge(&rig)
            .await
            .map_err(|e| format!("after disable: {e}"))?;
        if !rig.mock.hooks().is_empty() {
            return Err(format!(
                "disabled, but hooks remain: {:?}",
                rig.mock.hooks()
            ));
        }
    }
    if rig.proxy.injected() == 0 {
        return Err("the fault was never injected".into());
    }
    Ok(())
}

async fn run_cases(cases: Vec<Case>) -> Vec<(String, Result<(), String>)> {
    let handles: Vec<_> = cases
        .into_iter()
        .map(|case| {
            let name = case.name();
            (name, tokio::spawn(run_case(case)))
        })
        .collect();
    let mut outcomes = Vec::new();
    for (name, handle) in handles {
        let outcome = match handle.await {
            Ok(outcome) => outcome,
            Err(join) => Err(format!("panicked: {join}")),
        };
        outcomes.push((name, outcome));
    }
    outcomes
}

fn report(outcomes: &[(String, Result<(), String>)]) -> usize {
    let mut failures = 0;
    for (name, outcome) in outcomes {
        match outcome {
            Ok(()) => println!("ok    {name}"),
            Err(why) => {
                failures += 1;
                println!("FAIL  {name}: {why}");
            }
        }
    }
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_converges_under_subscribe_and_unsubscribe_faults() {
    let cases: Vec<Case> = all_cases()
        .into_iter()
        .filter(|c| !known_limit(c) && !location_unknown_outcome(c))
        .collect();
    let outcomes = run_cases(cases).await;
    let failures = report(&outcomes);
    assert_eq!(failures, 0, "{failures} fault cases did not converge");
}

/// One `Location`-API case whose subscribe answers are lost: the hook's `Location` would only
/// come in the lost answer, so the runtime may not POST again (each POST could create a hook)
/// nor clean up. Expected: `enable` fails, the subscription is `failed`, and at most one hook
/// was created. That one hook (when the API did act) is an unavoidable orphan without listing
/// the API's hooks; the runtime's warning names the subscription.
async fn run_location_unknown_case(case: Case) -> Result<(), String> {
    let (rig, trigger) = rig(case.style).await;
    rig.proxy.inject(case.rule());
    let enabled = rig.host.enable(&trigger).await;
    if enabled.is_ok() {
        return Err("enable succeeded though every subscribe answer was lost".into());
    }
    // Let a delayed request reach the API.
    tokio::time::sleep(SLOW + STABLE_FOR).await;
    let records = rig.host.subscriptions().await.unwrap();
    if records.len() != 1 || records[0].state != SubscriptionState::Failed {
        let states: Vec<_> = records.iter().map(|r| r.state).collect();
        return Err(format!("expected one failed subscription, got {states:?}"));
    }
    let hooks = rig.mock.hooks().len();
    if hooks > 1 {
        return Err(format!("the subscribe was sent again: {hooks} hooks"));
    }
    if rig.proxy.injected() != 1 {
        return Err(format!(
            "{} faults injected, expected 1",
            rig.proxy.injected()
        ));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn location_unknown_subscribe_outcome_is_not_retried_and_is_reported() {
    let handles: Vec<_> = all_cases()
        .into_iter()
        .filter(location_unknown_outcome)
        .map(|case| (case.name(), tokio::spawn(run_location_unknown_case(case))))
        .collect();
    let mut outcomes = Vec::new();
    for (name, handle) in handles {
        let outcome = handle
            .await
            .unwrap_or_else(|join| Err(format!("panicked: {join}")));
        outcomes.push((name, outcome));
    }
    let failures = report(&outcomes);
    assert_eq!(failures, 0, "{failures} unknown-outcome cases misbehaved");
}

/// A subscribe request held in transit past the client's timeout on a callback-URL API: the
/// runtime sends the (known) unsubscribe request and subscribes again, but the held request
/// reaches the API after that cleanup and creates a second hook for the same callback URL
/// (after the last attempt, up to one orphan per held attempt). Nothing the client can do
/// about a request it can no longer see on such an API: its unsubscribe removes by callback
/// URL, the live hook included. (With a list route the runtime keeps listing for a while after
/// a lost answer and removes hooks other than the live one: `ApiStyle::Listed` passes.)
/// Fails by design; run with `cargo test -p connector-bench --test harness_faults -- --ignored`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "known limit: a subscribe delayed in transit reaches the API after the cleanup"]
async fn known_runtime_limits_request_delayed_past_cleanup() {
    let cases: Vec<Case> = all_cases().into_iter().filter(known_limit).collect();
    let outcomes = run_cases(cases).await;
    let failures = report(&outcomes);
    assert_eq!(failures, 0, "{failures} fault cases did not converge");
}
