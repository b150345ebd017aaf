//! The crash test for polling triggers (`--style polling`).
//!
//! The parent runs a [`PollingApi`] whose event stream grows every few milliseconds; the
//! child host (`connector-bench host --style polling`) polls it with two batch triggers (paths
//! `/a` and `/b`, 20 ms interval, items deduplicated by event id) and appends `path id` per
//! handled item to a file. The parent kills the host with SIGKILL at random moments, then lets
//! a last host poll until both cursors reach the API's last event and the inbox is drained.
//!
//! Checked: every event after a poller's first stored state was handled (lost = 0); extra
//! handler runs are counted; the trigger state the runtime sends never goes below one it sent
//! before (the cursor never moves backwards).

use std::collections::{BTreeMap, HashMap};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use connector_runtime::polling_api::{AnswerShape, EventsTrigger, PolledEvent, PollingApi};
use connector_runtime::store::Intent;
use connector_runtime::{
    Auth, Callback, Connection, HandlerError, Host, PollingOptions, SubscriptionState,
    TriggerOptions,
};
use rand::RngCore;
use serde::Serialize;
use serde_json::json;

use super::harness::{
    free_port, kill_cycles, log_tail, spawn_sqlite_host, wait_for_line, CrashConfig, Paths,
};
use super::host::{fast_retry_policy, HostArgs, HostMode, HostStore};
use crate::{Error, Result};

/// The pollers' paths (one trigger name each: `crash-poll-{path}`).
const PATHS: [&str; 2] = ["a", "b"];
/// How long the last host may take to catch up.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(90);

/// What a polling crash run found.
#[derive(Debug, Clone, Serialize)]
pub struct PollingCrashReport {
    /// Kill-and-restart cycles.
    pub cycles: usize,
    /// Events the API created.
    pub events: u64,
    /// `(poller, event)` pairs that had to be handled: every event after the poller's first
    /// stored state.
    pub expected: usize,
    /// Of those, never handled.
    pub lost: usize,
    /// Extra handler runs (an event handled more than once by the same poller).
    pub duplicates: usize,
    /// Handler runs logged.
    pub handled: usize,
    /// Polls whose trigger state was below one the runtime had sent before for that poller.
    pub state_regressions: usize,
    /// Polls the API answered.
    pub polls: usize,
    /// Cycles whose host was killed before it printed `READY`.
    pub killed_while_starting: usize,
    /// Seed of the kill moments.
    pub seed: u64,
    /// Wall time of the whole run.
    pub elapsed_ms: u64,
}

impl PollingCrashReport {
    /// `cycles, lost, duplicates, state regressions` and their values.
    pub fn summary(&self) -> String {
        format!(
            "cycles, lost, duplicates, state regressions\n{}, {}, {}, {}",
            self.cycles, self.lost, self.duplicates, self.state_regressions
        )
    }
}

/// Run the polling crash test and compare the end state.
pub async fn run(config: &CrashConfig) -> Result<PollingCrashReport> {
    let started = Instant::now();
    let dir = tempfile::tempdir().map_err(|e| Error::io("create a temporary directory", e))?;
    let paths = Paths::in_dir(dir.path());
    let api = Arc::new(
        PollingApi::start(AnswerShape::Pages { page_size: 5 })
            .await
            .map_err(|e| Error::io("start the polling API", e))?,
    );
    let port = free_port()?;
    let mut key_bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key_bytes);
    let key = hex::encode(key_bytes);

    let stop = Arc::new(AtomicBool::new(false));
    let producer = {
        let api = api.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                api.add_events(1);
                tokio::time::sleep(Duration::from_millis(3)).await;
            }
        })
    };
    let kills = kill_cycles(config, &paths, &api.base_url(), port, &key, &[]).await?;
    stop.store(true, Ordering::Relaxed);
    let _ = producer.await;
    let last = api.add_events(1).last().copied().unwrap_or(0);

    let settle_timeout = SETTLE_TIMEOUT.as_millis().to_string();
    let until = last.to_string();
    let mut settler = spawn_sqlite_host(
        config,
        &paths,
        &api.base_url(),
        port,
        &key,
        &[
            "--settle-timeout-ms",
            &settle_timeout,
            "--until-state",
            &until,
        ],
    )?;
    let line = wait_for_line(
        &mut settler,
        &["SETTLED", "UNSETTLED"],
        SETTLE_TIMEOUT + Duration::from_secs(30),
        &paths.log,
    )
    .await?;
    let _ = settler.child.wait().await;
    if line.starts_with("UNSETTLED") {
        return Err(Error::Child(format!(
            "{line}; host log ends with:\n{}",
            log_tail(&paths.log)
        )));
    }

    let handled_text = std::fs::read_to_string(&paths.handled).unwrap_or_default();
    let mut handled: HashMap<(String, u64), usize> = HashMap::new();
    for line in handled_text.lines() {
        if let Some((path, id)) = line.split_once(' ') {
            if let Ok(id) = id.parse::<u64>() {
                *handled.entry((path.to_owned(), id)).or_insert(0) += 1;
            }
        }
    }
    let polls = api.polls();
    let mut first_state: BTreeMap<&str, u64> = BTreeMap::new();
    let mut highest: BTreeMap<&str, u64> = BTreeMap::new();
    let mut state_regressions = 0;
    for poll in &polls {
        let Some(path) = PATHS
            .iter()
            .find(|p| poll.path.starts_with(&format!("/{p}?")))
        else {
            continue;
        };
        let Some(state) = poll.state else {
            continue;
        };
        let first = first_state.entry(path).or_insert(state);
        *first = (*first).min(state);
        let high = highest.entry(path).or_insert(state);
        if state < *high {
            state_regressions += 1;
        }
        *high = (*high).max(state);
    }
    let mut expected = 0;
    let mut lost = 0;
    for (path, first) in &first_state {
        for id in (first + 1)..=last {
            expected += 1;
            if !handled.contains_key(&((*path).to_owned(), id)) {
                lost += 1;
            }
        }
    }
    let handled_runs: usize = handled.values().sum();
    Ok(PollingCrashReport {
        cycles: config.cycles(),
        events: last,
        expected,
        lost,
        duplicates: handled_runs - handled.len(),
        handled: handled_runs,
        state_regressions,
        polls: polls.len(),
        killed_while_starting: kills.killed_while_starting,
        seed: config.seed(),
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}

/// One line per handled item (`path id`), one `write` each on an `O_APPEND` file, so a SIGKILL
/// never leaves half a line.
fn log_handled(
    file: &File,
    path: &str,
    callback: &Callback<PolledEvent>,
) -> std::result::Result<(), HandlerError> {
    let mut writer = file;
    writer
        .write_all(format!("{path} {}\n", callback.body.id).as_bytes())
        .map_err(HandlerError::new)
}

/// The child host of the polling crash test.
pub async fn run_host(args: HostArgs) -> Result<()> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .map_err(|e| Error::Http(e.to_string()))?;
    let builder = Host::builder().with_bind(SocketAddr::from(([127, 0, 0, 1], args.port)));
    let builder = match &args.store {
        HostStore::Sqlite(path) => builder.with_sqlite(path),
        HostStore::Postgres(url) => builder.with_postgres(url.clone()),
    };
    let host = builder
        .with_signing_key(args.key.as_bytes().to_vec())
        .with_retry_policy(fast_retry_policy())
        .with_http_client(client)
        .with_polling(
            // One SQLite file, one process: the default instance id is the same across
            // restarts, so a restarted host takes its poll leases back at once.
            PollingOptions::default()
                .with_interval(Duration::from_millis(20))
                .with_start_spread(Duration::from_millis(5)),
        )
        .build()
        .await?;
    let handled = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&args.handled)
        .map_err(|e| Error::io(format!("open {}", args.handled.display()), e))?;
    let handled = Arc::new(handled);
    let connection = Connection::new(&args.api, Auth::None);
    let options = TriggerOptions::default()
        .with_concurrency(8)
        .with_retry_backoff(Duration::from_millis(10));
    let triggers: Vec<EventsTrigger> = PATHS
        .iter()
        .map(|path| EventsTrigger::new(format!("crash-poll-{path}")).with_path(format!("/{path}")))
        .collect();
    for (path, trigger) in PATHS.iter().zip(&triggers) {
        let handled = handled.clone();
        host.register_with(
            trigger,
            connection.clone(),
            options.clone(),
            move |callback| {
                let handled = handled.clone();
                async move { log_handled(&handled, path, &callback) }
            },
        )?;
    }
    let report = host.resume().await?;
    let records = host.subscriptions().await?;
    for trigger in &triggers {
        let live = records.iter().any(|r| {
            r.trigger == connector_runtime::PollingTrigger::name(trigger)
                && r.state == SubscriptionState::Active
                && r.intent == Intent::Enabled
        });
        if !live {
            host.enable(trigger).await?;
        }
    }
    println!("READY {}", json!({"pollers": report.pollers}));
    match args.mode {
        HostMode::Churn { .. } => std::future::pending::<Result<()>>().await,
        HostMode::Settle { timeout } => settle(host, timeout, args.until_state.unwrap_or(0)).await,
    }
}

/// The `triggerState` of a stored next request.
fn stored_state(url: &str) -> Option<u64> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("triggerState="))
        .and_then(|v| v.parse().ok())
}

async fn settle(host: Host, timeout: Duration, until: u64) -> Result<()> {
    let started = Instant::now();
    loop {
        let states = host.store().poll_states().await?;
        let behind = PATHS.len().saturating_sub(
            states
                .iter()
                .filter(|s| stored_state(&s.next_request.url).is_some_and(|n| n >= until))
                .count(),
        );
        let pending = host.store().pending_deliveries(0, 1).await?.len();
        if behind == 0 && pending == 0 {
            println!(
                "SETTLED {}",
                json!({"settle_ms": started.elapsed().as_millis() as u64})
            );
            host.shutdown().await;
            return Ok(());
        }
        if started.elapsed() > timeout {
            println!(
                "UNSETTLED {}",
                json!({"pollers_behind": behind, "pending_deliveries": pending})
            );
            host.shutdown().await;
            return Err(Error::Child(format!(
                "not settled after {timeout:?}: {behind} pollers behind, {pending} deliveries"
            )));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
