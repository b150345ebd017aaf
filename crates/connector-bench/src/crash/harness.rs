//! The parent side of the crash test: mock API, senders, kill loop, final comparison.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use connector_runtime::store::Intent;
use connector_runtime::testing::MockApi;
use connector_runtime::{SqliteStore, Store, SubscriptionState};
use rand::{Rng, RngCore, SeedableRng};
use serde::Serialize;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};

use super::{subscription_of, ApiStyle, DELIVERY_HEADER};
use crate::{Error, Result};

/// How long a host may take to print `READY`.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the last host may take to settle.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Settings of one crash run.
#[derive(Debug, Clone)]
pub struct CrashConfig {
    pub(super) binary: PathBuf,
    pub(super) cycles: usize,
    pub(super) style: ApiStyle,
    pub(super) seed: u64,
    pub(super) max_run: Duration,
    senders: usize,
    target_active: usize,
}

impl CrashConfig {
    /// A run of 10 cycles against a callback-style API, starting hosts with `binary`
    /// (the `connector-bench` executable), with a random seed.
    pub fn new(binary: impl Into<PathBuf>) -> Self {
        CrashConfig {
            binary: binary.into(),
            cycles: 10,
            style: ApiStyle::Callback,
            seed: rand::thread_rng().next_u64(),
            max_run: Duration::from_millis(400),
            senders: 2,
            target_active: 3,
        }
    }

    /// Kill and restart the host this many times.
    pub fn with_cycles(mut self, cycles: usize) -> Self {
        self.cycles = cycles;
        self
    }

    /// How the mock API removes hooks.
    pub fn with_style(mut self, style: ApiStyle) -> Self {
        self.style = style;
        self
    }

    /// Seed of the kill moments (printed in the report, to replay a run).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Longest time a host lives after `READY` before it is killed.
    pub fn with_max_run(mut self, max_run: Duration) -> Self {
        self.max_run = max_run.max(Duration::from_millis(20));
        self
    }

    /// Concurrent notification senders.
    pub fn with_senders(mut self, senders: usize) -> Self {
        self.senders = senders.max(1);
        self
    }
}

/// What a crash run found.
#[derive(Debug, Clone, Serialize)]
pub struct CrashReport {
    /// Kill-and-restart cycles.
    pub cycles: usize,
    /// Hooks live at the mock whose subscription is not active in the store.
    pub orphans: usize,
    /// Of the orphans, those whose subscription the runtime marked failed with an unknown
    /// subscribe outcome (reported in `ResumeReport::orphaned`, not silent).
    pub orphans_reported: usize,
    /// Active subscriptions in the store without a hook at the mock.
    pub missing: usize,
    /// Notifications answered 2xx that never reached the handler.
    pub lost: usize,
    /// Extra handler runs (a delivery id handled more than once).
    pub duplicates: usize,
    /// Notifications answered 2xx.
    pub accepted: usize,
    /// Notifications sent, by answer (`"refused"` when no host was listening).
    pub answers: BTreeMap<String, u64>,
    /// Handler runs logged.
    pub handled: usize,
    /// Hooks live at the mock at the end.
    pub hooks: usize,
    /// Active subscriptions in the store at the end.
    pub active: usize,
    /// Subscribe requests the mock received.
    pub subscribes: usize,
    /// Cycles whose host was killed before it printed `READY`.
    pub killed_while_starting: usize,
    /// Subscribes whose answer a kill lost, as the next hosts' `resume` reported them
    /// (`ResumeReport::orphaned`, summed over the `READY` lines): each a hook the runtime had
    /// to clean up, or could not.
    pub answers_lost_to_kills: usize,
    /// API style of the run.
    pub style: &'static str,
    /// Seed of the kill moments.
    pub seed: u64,
    /// Wall time of the whole run.
    pub elapsed_ms: u64,
}

impl CrashReport {
    /// `cycles, orphans, lost, duplicates` and their values, as the issue asks.
    pub fn summary(&self) -> String {
        format!(
            "cycles, orphans, lost, duplicates\n{}, {}, {}, {}",
            self.cycles, self.orphans, self.lost, self.duplicates
        )
    }
}

/// Pick a free loopback port (bind to 0, read it, release it).
pub(super) fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| Error::io("bind a probe socket", e))?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::io("read the probe socket", e))?
        .port();
    Ok(port)
}

pub(super) struct Paths {
    pub(super) db: PathBuf,
    pub(super) handled: PathBuf,
    pub(super) log: PathBuf,
}

impl Paths {
    pub(super) fn in_dir(dir: &Path) -> Self {
        Paths {
            db: dir.join("crash.db"),
            handled: dir.join("handled.log"),
            log: dir.join("host.log"),
        }
    }
}

pub(super) struct Spawned {
    pub(super) child: Child,
    lines: tokio::io::Lines<BufReader<ChildStdout>>,
}

pub(super) fn spawn_host(
    config: &CrashConfig,
    paths: &Paths,
    api: &str,
    port: u16,
    key: &str,
    mode: &[&str],
) -> Result<Spawned> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&paths.log)
        .map_err(|e| Error::io("open the host log", e))?;
    let mut child = Command::new(&config.binary)
        .arg("host")
        .arg("--db")
        .arg(&paths.db)
        .arg("--api")
        .arg(api)
        .arg("--port")
        .arg(port.to_string())
        .arg("--handled")
        .arg(&paths.handled)
        .arg("--key")
        .arg(key)
        .arg("--style")
        .arg(config.style.as_str())
        .args(mode)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| Error::io(format!("start {}", config.binary.display()), e))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| Error::Child("no stdout pipe".into()))?;
    Ok(Spawned {
        child,
        lines: BufReader::new(stdout).lines(),
    })
}

pub(super) fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

/// Read stdout lines until one starts with one of `prefixes`; returns that line.
/// `orphaned` of a host's `READY {json}` line (0 when absent).
fn reported_orphans(line: &str) -> usize {
    line.strip_prefix("READY")
        .and_then(|json| serde_json::from_str::<serde_json::Value>(json.trim()).ok())
        .and_then(|ready| ready.get("orphaned")?.as_u64())
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0)
}

pub(super) async fn wait_for_line(
    spawned: &mut Spawned,
    prefixes: &[&str],
    timeout: Duration,
    log: &Path,
) -> Result<String> {
    let read = async {
        while let Ok(Some(line)) = spawned.lines.next_line().await {
            if prefixes.iter().any(|p| line.starts_with(p)) {
                return Ok(line);
            }
        }
        Err(Error::Child(format!(
            "host exited before printing {prefixes:?}; its log ends with:\n{}",
            log_tail(log)
        )))
    };
    match tokio::time::timeout(timeout, read).await {
        Ok(outcome) => outcome,
        Err(_) => Err(Error::Child(format!(
            "host printed none of {prefixes:?} within {timeout:?}; its log ends with:\n{}",
            log_tail(log)
        ))),
    }
}

#[derive(Default)]
struct SenderTally {
    accepted: Mutex<HashSet<u64>>,
    answers: Mutex<BTreeMap<String, u64>>,
}

impl SenderTally {
    fn count(&self, answer: String) {
        *self
            .answers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(answer)
            .or_insert(0) += 1;
    }
}

/// Post numbered notifications to random live hooks' callback URLs until `stop`.
async fn send_notifications(
    mock: Arc<MockApi>,
    next: Arc<AtomicU64>,
    tally: Arc<SenderTally>,
    stop: Arc<AtomicBool>,
) {
    let Ok(client) = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
    else {
        return;
    };
    let mut rng = rand::rngs::StdRng::from_entropy();
    while !stop.load(Ordering::Relaxed) {
        let urls: Vec<String> = mock
            .hooks()
            .into_iter()
            .filter_map(|hook| hook.callback_url)
            .collect();
        if urls.is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        }
        let url = &urls[rng.gen_range(0..urls.len())];
        let n = next.fetch_add(1, Ordering::Relaxed);
        let sent = client
            .post(url)
            .header("content-type", "application/json")
            .header(DELIVERY_HEADER, format!("d{n}"))
            .body(format!("{{\"seq\":{n}}}"))
            .send()
            .await;
        match sent {
            Ok(response) => {
                let status = response.status();
                if status.is_success() {
                    tally
                        .accepted
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(n);
                }
                tally.count(status.as_u16().to_string());
            }
            Err(error) if error.is_connect() => tally.count("refused".into()),
            Err(_) => tally.count("error".into()),
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// What the kill loop saw.
pub(super) struct Kills {
    /// Cycles whose host was killed before it printed `READY`.
    pub(super) killed_while_starting: usize,
    /// `orphaned` summed over the `READY` lines.
    pub(super) orphans_reported: usize,
}

/// Start a host `config.cycles` times with `mode` arguments and SIGKILL each at a random
/// moment (a fifth of them during start-up), seeded by `config.seed`.
pub(super) async fn kill_cycles(
    config: &CrashConfig,
    paths: &Paths,
    api: &str,
    port: u16,
    key: &str,
    mode: &[&str],
) -> Result<Kills> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(config.seed);
    let mut kills = Kills {
        killed_while_starting: 0,
        orphans_reported: 0,
    };
    let max_run_ms = u64::try_from(config.max_run.as_millis()).unwrap_or(u64::MAX);
    for _ in 0..config.cycles {
        let mut spawned = spawn_host(config, paths, api, port, key, mode)?;
        if rng.gen_bool(0.2) {
            // Kill during start-up: store open, register, resume.
            kills.killed_while_starting += 1;
            tokio::time::sleep(Duration::from_millis(rng.gen_range(0..30))).await;
        } else {
            let ready = wait_for_line(&mut spawned, &["READY"], READY_TIMEOUT, &paths.log).await?;
            kills.orphans_reported += reported_orphans(&ready);
            tokio::time::sleep(Duration::from_millis(rng.gen_range(10..max_run_ms.max(11)))).await;
        }
        // tokio's `start_kill` is SIGKILL on Unix: no destructor, no flush, no shutdown.
        spawned
            .child
            .start_kill()
            .map_err(|e| Error::io("kill the host", e))?;
        spawned
            .child
            .wait()
            .await
            .map_err(|e| Error::io("reap the host", e))?;
    }
    Ok(kills)
}

/// Run the crash test and compare the end state.
pub async fn run(config: &CrashConfig) -> Result<CrashReport> {
    let started = Instant::now();
    let dir = tempfile::tempdir().map_err(|e| Error::io("create a temporary directory", e))?;
    let paths = Paths::in_dir(dir.path());
    let mock = Arc::new(
        MockApi::start()
            .await
            .map_err(|e| Error::io("start the mock API", e))?,
    );
    // A short delay at the API widens the window in which a kill lands mid-request.
    mock.delay(Duration::from_millis(2));
    let api = mock.base_url();
    let port = free_port()?;
    let mut key_bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key_bytes);
    let key = hex::encode(key_bytes);

    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(SenderTally::default());
    let next = Arc::new(AtomicU64::new(0));
    let senders: Vec<_> = (0..config.senders)
        .map(|_| {
            tokio::spawn(send_notifications(
                mock.clone(),
                next.clone(),
                tally.clone(),
                stop.clone(),
            ))
        })
        .collect();

    let churn = [
        "--churn-target".to_owned(),
        config.target_active.to_string(),
    ];
    let churn: Vec<&str> = churn.iter().map(String::as_str).collect();
    let kills = kill_cycles(config, &paths, &api, port, &key, &churn).await?;
    stop.store(true, Ordering::Relaxed);
    for sender in senders {
        let _ = sender.await;
    }

    let settle_timeout = SETTLE_TIMEOUT.as_millis().to_string();
    let mut settler = spawn_host(
        config,
        &paths,
        &api,
        port,
        &key,
        &["--settle-timeout-ms", &settle_timeout],
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

    let store = SqliteStore::open(&paths.db)?;
    let records = store.subscriptions().await?;
    drop(store);
    let active: HashSet<String> = records
        .iter()
        .filter(|r| r.state == SubscriptionState::Active && r.intent == Intent::Enabled)
        .map(|r| r.id.to_string())
        .collect();
    let unknown_outcome: HashSet<String> = records
        .iter()
        .filter(|r| r.state == SubscriptionState::Failed)
        .map(|r| r.id.to_string())
        .collect();
    let hooks = mock.hooks();
    let hook_subscriptions: Vec<Option<String>> = hooks
        .iter()
        .map(|h| {
            h.callback_url
                .as_deref()
                .and_then(subscription_of)
                .map(str::to_owned)
        })
        .collect();
    let orphan_subscriptions: Vec<&Option<String>> = hook_subscriptions
        .iter()
        .filter(|s| !s.as_ref().is_some_and(|s| active.contains(s)))
        .collect();
    let orphans_reported = orphan_subscriptions
        .iter()
        .filter(|s| s.as_ref().is_some_and(|s| unknown_outcome.contains(s)))
        .count();
    let live: HashSet<&str> = hook_subscriptions
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let missing = active
        .iter()
        .filter(|id| !live.contains(id.as_str()))
        .count();

    let handled_text = std::fs::read_to_string(&paths.handled).unwrap_or_default();
    let mut handled: HashMap<&str, usize> = HashMap::new();
    for line in handled_text.lines() {
        *handled.entry(line).or_insert(0) += 1;
    }
    let handled_runs: usize = handled.values().sum();
    let accepted = tally
        .accepted
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let lost = accepted
        .iter()
        .filter(|n| !handled.contains_key(format!("d{n}").as_str()))
        .count();
    let answers = tally
        .answers
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let subscribes = mock
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && (r.path == "/subscribe" || r.path == "/hooks"))
        .count();

    Ok(CrashReport {
        cycles: config.cycles,
        orphans: orphan_subscriptions.len(),
        orphans_reported,
        missing,
        lost,
        duplicates: handled_runs - handled.len(),
        accepted: accepted.len(),
        answers,
        handled: handled_runs,
        hooks: hooks.len(),
        active: active.len(),
        subscribes,
        killed_while_starting: kills.killed_while_starting,
        answers_lost_to_kills: kills.orphans_reported,
        style: config.style.as_str(),
        seed: config.seed,
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}
