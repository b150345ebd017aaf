//! The parent side of the crash test: mock API, senders, kill loop, final comparison.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use connector_runtime::store::{DeliveryState, Intent};
use connector_runtime::testing::postgres::TestCluster;
use connector_runtime::testing::MockApi;
use connector_runtime::{PostgresStore, SqliteStore, Store, SubscriptionState};
use rand::{Rng, RngCore, SeedableRng};
use serde::Serialize;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};

use super::host::HostStore;
use super::{subscription_of, ApiStyle, DELIVERY_HEADER};
use crate::{Error, Result};

/// How long a host may take to print `READY`.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the last host may take to settle.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Where the hosts of a crash run keep their state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashStore {
    /// One host process on a SQLite file (the default).
    Sqlite,
    /// `replicas` host processes on one throwaway PostgreSQL server (a fresh database), each
    /// with its own port and a stable instance id, the same signing key and public URL.
    Postgres {
        /// Host processes at once.
        replicas: usize,
    },
}

impl CrashStore {
    /// Host processes at once.
    pub fn replicas(self) -> usize {
        match self {
            CrashStore::Sqlite => 1,
            CrashStore::Postgres { replicas } => replicas.max(1),
        }
    }

    /// `sqlite` or `postgres`.
    pub fn as_str(self) -> &'static str {
        match self {
            CrashStore::Sqlite => "sqlite",
            CrashStore::Postgres { .. } => "postgres",
        }
    }
}

/// Settings of one crash run.
#[derive(Debug, Clone)]
pub struct CrashConfig {
    binary: PathBuf,
    cycles: usize,
    style: ApiStyle,
    seed: u64,
    max_run: Duration,
    senders: usize,
    target_active: usize,
    store: CrashStore,
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
            store: CrashStore::Sqlite,
        }
    }

    /// Kill-and-restart cycles of the run.
    pub fn cycles(&self) -> usize {
        self.cycles
    }

    /// Seed of the kill moments.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Run the hosts on this store (default: one host on a SQLite file).
    pub fn with_store(mut self, store: CrashStore) -> Self {
        self.store = store;
        self
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

    /// Concurrent notification senders (default 2). Each notification goes to the next
    /// replica in turn, whichever replica created the hook.
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
    /// Extra handler runs (a delivery id handled more than once): redeliveries whose handler
    /// had already run.
    pub duplicates: usize,
    /// Inbox rows queued again for their handlers by the hosts' `resume` (summed over the
    /// `READY` lines): rows a kill left unhandled or unmarked.
    pub redelivered_on_resume: usize,
    /// Handler attempts beyond the first over the handled inbox rows, as the store counts
    /// them: rows taken over from another process's expired lease (the handler never fails
    /// here, so nothing else adds attempts).
    pub store_extra_attempts: u64,
    /// Subscriptions still between states (or active but disabled) when the last hosts gave
    /// up settling (after 90 s): 0 unless the runtime left one stuck.
    pub unsettled: usize,
    /// The first 20 of them, with their state and last error.
    pub unsettled_records: Vec<serde_json::Value>,
    /// Inbox rows still pending when the last hosts settled, unchanged for 5 s: rows the
    /// runtime will not hand to the handler any more (their notifications count as lost when
    /// they were answered 2xx).
    pub stranded: usize,
    /// Of the stranded rows (the first 100), those whose handler never ran: accepted ones
    /// are among `lost`.
    pub stranded_unhandled: usize,
    /// Of the `lost` notifications, those whose inbox row is among the stranded rows (the
    /// first 100): stored, answered 2xx, and left pending for good.
    pub lost_stranded: usize,
    /// The first 100 stranded rows, with their subscription's state.
    pub stranded_rows: Vec<serde_json::Value>,
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
    /// Notifications answered 2xx, by the replica that answered (index = replica).
    pub accepted_by_replica: Vec<usize>,
    /// API style of the run.
    pub style: &'static str,
    /// `sqlite` or `postgres`.
    pub store: &'static str,
    /// Host processes at once.
    pub replicas: usize,
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

/// Pick `count` distinct free loopback ports (bind to 0, read them, release them together).
fn free_ports(count: usize) -> Result<Vec<u16>> {
    let listeners = (0..count)
        .map(|_| {
            std::net::TcpListener::bind("127.0.0.1:0")
                .map_err(|e| Error::io("bind a probe socket", e))
        })
        .collect::<Result<Vec<_>>>()?;
    listeners
        .iter()
        .map(|listener| {
            listener
                .local_addr()
                .map(|addr| addr.port())
                .map_err(|e| Error::io("read the probe socket", e))
        })
        .collect()
}

/// The files of a single SQLite host (the polling crash test's).
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

/// One free loopback port.
pub(super) fn free_port() -> Result<u16> {
    free_ports(1)?
        .pop()
        .ok_or_else(|| Error::Child("no free port".into()))
}

/// Start a single host on the SQLite file of `paths` with `mode` arguments.
pub(super) fn spawn_sqlite_host(
    config: &CrashConfig,
    paths: &Paths,
    api: &str,
    port: u16,
    key: &str,
    mode: &[&str],
) -> Result<Spawned> {
    let shared = Shared {
        store: HostStore::Sqlite(paths.db.clone()),
        handled: paths.handled.clone(),
        api: api.to_owned(),
        key: key.to_owned(),
        public_url: None,
    };
    let replica = Replica {
        port,
        instance_id: None,
        log: paths.log.clone(),
    };
    spawn_host(config, &shared, &replica, mode)
}

/// What the single-host kill loop saw.
pub(super) struct Kills {
    /// Cycles whose host was killed before it printed `READY`.
    pub(super) killed_while_starting: usize,
    /// `orphaned` summed over the `READY` lines.
    pub(super) orphans_reported: usize,
}

/// Start a single SQLite host `config.cycles` times with `mode` arguments and SIGKILL each at
/// a random moment (a fifth of them during start-up), seeded by `config.seed`.
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
    let mut ready = ReadyTally::default();
    let max_run_ms = u64::try_from(config.max_run.as_millis()).unwrap_or(u64::MAX);
    for _ in 0..config.cycles {
        let mut spawned = spawn_sqlite_host(config, paths, api, port, key, mode)?;
        if rng.gen_bool(0.2) {
            // Kill during start-up: store open, register, resume.
            kills.killed_while_starting += 1;
            tokio::time::sleep(Duration::from_millis(rng.gen_range(0..30))).await;
        } else {
            let line = wait_for_line(&mut spawned, &["READY"], READY_TIMEOUT, &paths.log).await?;
            ready.add(&line);
            tokio::time::sleep(Duration::from_millis(rng.gen_range(10..max_run_ms.max(11)))).await;
        }
        kill(&mut spawned).await?;
    }
    kills.orphans_reported = ready.orphaned;
    Ok(kills)
}

/// One host process as it is restarted: what stays the same across its lives.
struct Replica {
    port: u16,
    /// `--instance-id` (PostgreSQL replicas), stable across restarts so a restarted replica
    /// takes its own leases back; `None` keeps the runtime's default.
    instance_id: Option<String>,
    /// Its stderr, appended to by each of its lives.
    log: PathBuf,
}

/// What every host process shares.
struct Shared {
    store: HostStore,
    handled: PathBuf,
    api: String,
    key: String,
    /// `--public-url`, the same on every replica (`None`: the host's own address).
    public_url: Option<String>,
}

pub(super) struct Spawned {
    pub(super) child: Child,
    lines: tokio::io::Lines<BufReader<ChildStdout>>,
}

fn spawn_host(
    config: &CrashConfig,
    shared: &Shared,
    replica: &Replica,
    mode: &[&str],
) -> Result<Spawned> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&replica.log)
        .map_err(|e| Error::io("open the host log", e))?;
    let mut command = Command::new(&config.binary);
    command.arg("host");
    match &shared.store {
        HostStore::Sqlite(db) => command.arg("--db").arg(db),
        HostStore::Postgres(url) => command.arg("--postgres").arg(url),
    };
    if let Some(id) = &replica.instance_id {
        command.arg("--instance-id").arg(id);
    }
    if let Some(url) = &shared.public_url {
        command.arg("--public-url").arg(url);
    }
    let mut child = command
        .arg("--api")
        .arg(&shared.api)
        .arg("--port")
        .arg(replica.port.to_string())
        .arg("--handled")
        .arg(&shared.handled)
        .arg("--key")
        .arg(&shared.key)
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

/// SIGKILL a host and reap it. tokio's `start_kill` is SIGKILL on Unix: no destructor, no
/// flush, no shutdown.
async fn kill(spawned: &mut Spawned) -> Result<()> {
    spawned
        .child
        .start_kill()
        .map_err(|e| Error::io("kill the host", e))?;
    spawned
        .child
        .wait()
        .await
        .map_err(|e| Error::io("reap the host", e))?;
    Ok(())
}

pub(super) fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

/// What the hosts' `READY {json}` lines reported, summed.
#[derive(Default)]
struct ReadyTally {
    /// `orphaned`: subscribes whose answer a kill lost.
    orphaned: usize,
    /// `redelivered`: inbox rows queued again by `resume`.
    redelivered: usize,
}

impl ReadyTally {
    fn add(&mut self, line: &str) {
        let ready = line
            .strip_prefix("READY")
            .and_then(|json| serde_json::from_str::<serde_json::Value>(json.trim()).ok());
        let figure = |name: &str| {
            ready
                .as_ref()
                .and_then(|ready| ready.get(name)?.as_u64())
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(0)
        };
        self.orphaned += figure("orphaned");
        self.redelivered += figure("redelivered");
    }
}

/// Read stdout lines until one starts with one of `prefixes`; returns that line.
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
    accepted_by_replica: Mutex<Vec<usize>>,
}

impl SenderTally {
    fn new(replicas: usize) -> Self {
        SenderTally {
            accepted_by_replica: Mutex::new(vec![0; replicas]),
            ..SenderTally::default()
        }
    }

    fn count(&self, answer: String) {
        *self
            .answers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(answer)
            .or_insert(0) += 1;
    }

    fn accept(&self, n: u64, replica: usize) {
        self.accepted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(n);
        if let Some(count) = self
            .accepted_by_replica
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_mut(replica)
        {
            *count += 1;
        }
    }
}

/// Where the senders post: callback URLs start with `public`; notification `n` goes to
/// `replicas[n % len]` instead, like a load balancer that is not sticky.
struct Targets {
    public: String,
    replicas: Vec<String>,
}

impl Targets {
    /// The replica notification `n` goes to, and the URL to post it at.
    fn route(&self, callback_url: &str, n: u64) -> (usize, String) {
        let count = u64::try_from(self.replicas.len().max(1)).unwrap_or(1);
        let index = usize::try_from(n % count).unwrap_or(0);
        match (
            callback_url.strip_prefix(&self.public),
            self.replicas.get(index),
        ) {
            (Some(rest), Some(base)) => (index, format!("{base}{rest}")),
            _ => (index, callback_url.to_owned()),
        }
    }
}

/// Post numbered notifications to random live hooks' callback URLs, spread round-robin over
/// the replicas, until `stop`.
async fn send_notifications(
    mock: Arc<MockApi>,
    targets: Arc<Targets>,
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
        let n = next.fetch_add(1, Ordering::Relaxed);
        let (replica, url) = targets.route(&urls[rng.gen_range(0..urls.len())], n);
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
                    tally.accept(n, replica);
                }
                tally.count(status.as_u16().to_string());
            }
            Err(error) if error.is_connect() => tally.count("refused".into()),
            Err(_) => tally.count("error".into()),
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// The store of the run: a SQLite file in `dir`, or a fresh database on a throwaway
/// PostgreSQL server (returned too: it lives until the end state is read).
async fn open_backend(
    config: &CrashConfig,
    dir: &Path,
) -> Result<(HostStore, Option<TestCluster>)> {
    match config.store {
        CrashStore::Sqlite => Ok((HostStore::Sqlite(dir.join("crash.db")), None)),
        CrashStore::Postgres { .. } => {
            let started = tokio::task::spawn_blocking(|| {
                let cluster = TestCluster::start()?;
                let url = cluster.create_database("crash")?;
                Ok::<_, connector_runtime::testing::postgres::ClusterError>((cluster, url))
            })
            .await
            .map_err(|e| Error::Child(format!("PostgreSQL start task: {e}")))?
            .map_err(|e| Error::Invalid(e.to_string()))?;
            let (cluster, url) = started;
            Ok((HostStore::Postgres(url), Some(cluster)))
        }
    }
}

/// Run the crash test and compare the end state.
///
/// With one host (SQLite), each cycle starts the host and kills it with SIGKILL, during
/// start-up (20 %) or 10 ms to `max_run` after `READY`. With several replicas the same cycle
/// starts the replica that is down while the others serve, and after the pause kills a random
/// replica (possibly the one just started), so one replica is always being killed and
/// restarted while the rest keep receiving.
pub async fn run(config: &CrashConfig) -> Result<CrashReport> {
    let started = Instant::now();
    let dir = tempfile::tempdir().map_err(|e| Error::io("create a temporary directory", e))?;
    // Declared first, dropped last: the server outlives every host and the final read.
    let (store, _cluster) = open_backend(config, dir.path()).await?;
    let replica_count = config.store.replicas();
    let postgres = matches!(config.store, CrashStore::Postgres { .. });
    let replicas: Vec<Replica> = free_ports(replica_count)?
        .into_iter()
        .enumerate()
        .map(|(index, port)| Replica {
            port,
            instance_id: postgres.then(|| format!("replica-{index}")),
            log: if replica_count == 1 {
                dir.path().join("host.log")
            } else {
                dir.path().join(format!("host-{index}.log"))
            },
        })
        .collect();
    let mock = Arc::new(
        MockApi::start()
            .await
            .map_err(|e| Error::io("start the mock API", e))?,
    );
    // A short delay at the API widens the window in which a kill lands mid-request.
    mock.delay(Duration::from_millis(2));
    let mut key_bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key_bytes);
    let bases: Vec<String> = replicas
        .iter()
        .map(|r| format!("http://127.0.0.1:{}", r.port))
        .collect();
    let public = bases.first().cloned().unwrap_or_default();
    let shared = Shared {
        store,
        handled: dir.path().join("handled.log"),
        api: mock.base_url(),
        key: hex::encode(key_bytes),
        // One host keeps its own address; replicas share the first one's, as they would
        // share a load balancer's.
        public_url: (replica_count > 1).then(|| public.clone()),
    };
    let targets = Arc::new(Targets {
        public,
        replicas: bases,
    });

    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(SenderTally::new(replica_count));
    let next = Arc::new(AtomicU64::new(0));
    let senders: Vec<_> = (0..config.senders)
        .map(|_| {
            tokio::spawn(send_notifications(
                mock.clone(),
                targets.clone(),
                next.clone(),
                tally.clone(),
                stop.clone(),
            ))
        })
        .collect();

    let mut rng = rand::rngs::StdRng::seed_from_u64(config.seed);
    let churn = [
        "--churn-target".to_owned(),
        config.target_active.to_string(),
    ];
    let churn: Vec<&str> = churn.iter().map(String::as_str).collect();
    let mut killed_while_starting = 0;
    let mut ready = ReadyTally::default();
    let max_run_ms = u64::try_from(config.max_run.as_millis()).unwrap_or(u64::MAX);
    // Every replica but the first is up before the first cycle; `down` is the one that is not.
    let mut running: Vec<Option<Spawned>> = (0..replica_count).map(|_| None).collect();
    for (replica, slot) in replicas.iter().zip(running.iter_mut()).skip(1) {
        let mut spawned = spawn_host(config, &shared, replica, &churn)?;
        let line = wait_for_line(&mut spawned, &["READY"], READY_TIMEOUT, &replica.log).await?;
        ready.add(&line);
        *slot = Some(spawned);
    }
    let mut down = 0;
    for _ in 0..config.cycles {
        let mut spawned = spawn_host(config, &shared, &replicas[down], &churn)?;
        if rng.gen_bool(0.2) {
            // Kill during start-up: store open, register, resume.
            killed_while_starting += 1;
            tokio::time::sleep(Duration::from_millis(rng.gen_range(0..30))).await;
            kill(&mut spawned).await?;
            continue;
        }
        let line =
            wait_for_line(&mut spawned, &["READY"], READY_TIMEOUT, &replicas[down].log).await?;
        ready.add(&line);
        running[down] = Some(spawned);
        tokio::time::sleep(Duration::from_millis(rng.gen_range(10..max_run_ms.max(11)))).await;
        let victim = if replica_count == 1 {
            0
        } else {
            rng.gen_range(0..replica_count)
        };
        if let Some(mut spawned) = running[victim].take() {
            kill(&mut spawned).await?;
        }
        down = victim;
    }
    stop.store(true, Ordering::Relaxed);
    for sender in senders {
        let _ = sender.await;
    }
    // Replicas still churning are killed too: the settlers must be the only hosts.
    for slot in running.iter_mut() {
        if let Some(mut spawned) = slot.take() {
            kill(&mut spawned).await?;
        }
    }

    // Every replica settles (each takes its own leases back at once), together.
    let settle_timeout = SETTLE_TIMEOUT.as_millis().to_string();
    let mut settlers = replicas
        .iter()
        .map(|replica| {
            spawn_host(
                config,
                &shared,
                replica,
                &["--settle-timeout-ms", &settle_timeout],
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let mut stranded = 0;
    let mut stranded_rows = Vec::new();
    let mut unsettled = 0;
    let mut unsettled_records = Vec::new();
    for (settler, replica) in settlers.iter_mut().zip(&replicas) {
        let wait = SETTLE_TIMEOUT + Duration::from_secs(30);
        let line = wait_for_line(settler, &["READY"], wait, &replica.log).await?;
        ready.add(&line);
        let line = wait_for_line(settler, &["SETTLED", "UNSETTLED"], wait, &replica.log).await?;
        let _ = settler.child.wait().await;
        if let Some(settled) = line
            .strip_prefix("SETTLED")
            .and_then(|json| serde_json::from_str::<serde_json::Value>(json.trim()).ok())
        {
            let count = settled
                .get("stranded")
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(0);
            // Every settler sees the same shared inbox: keep the largest reading.
            if count > stranded {
                stranded = count;
                stranded_rows = settled
                    .get("stranded_rows")
                    .and_then(serde_json::Value::as_array)
                    .cloned()
                    .unwrap_or_default();
            }
        }
        if let Some(json) = line.strip_prefix("UNSETTLED") {
            // Reported, not fatal: the rest of the end state is still worth comparing.
            eprintln!(
                "crash harness: a host did not settle: {}; its log ends with:\n{}",
                json.trim(),
                log_tail(&replica.log)
            );
            let stuck = serde_json::from_str::<serde_json::Value>(json.trim()).ok();
            let count = stuck
                .as_ref()
                .and_then(|s| s.get("unsettled")?.as_u64())
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(1)
                .max(1);
            if count > unsettled {
                unsettled = count;
                unsettled_records = stuck
                    .as_ref()
                    .and_then(|s| s.get("unsettled_records")?.as_array().cloned())
                    .unwrap_or_default();
            }
        }
    }

    let store: Box<dyn Store> = match &shared.store {
        HostStore::Sqlite(db) => Box::new(SqliteStore::open(db)?),
        HostStore::Postgres(url) => Box::new(PostgresStore::connect(url).await?),
    };
    let records = store.subscriptions().await?;
    let mut store_extra_attempts = 0u64;
    for record in &records {
        for row in store.deliveries_of(&record.id).await? {
            if row.state == DeliveryState::Done {
                store_extra_attempts += u64::from(row.attempts.saturating_sub(1));
            }
        }
    }
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

    let handled_text = std::fs::read_to_string(&shared.handled).unwrap_or_default();
    let mut handled: HashMap<&str, usize> = HashMap::new();
    for line in handled_text.lines() {
        *handled.entry(line).or_insert(0) += 1;
    }
    let handled_runs: usize = handled.values().sum();
    let stranded_unhandled = stranded_rows
        .iter()
        .filter_map(|row| row.get("delivery")?.as_str())
        .filter(|id| !handled.contains_key(id))
        .count();
    let accepted = tally
        .accepted
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let stranded_ids: HashSet<&str> = stranded_rows
        .iter()
        .filter_map(|row| row.get("delivery")?.as_str())
        .collect();
    let lost_ids: Vec<String> = accepted
        .iter()
        .map(|n| format!("d{n}"))
        .filter(|id| !handled.contains_key(id.as_str()))
        .collect();
    let lost = lost_ids.len();
    let lost_stranded = lost_ids
        .iter()
        .filter(|id| stranded_ids.contains(id.as_str()))
        .count();
    let answers = tally
        .answers
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let accepted_by_replica = tally
        .accepted_by_replica
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
        redelivered_on_resume: ready.redelivered,
        store_extra_attempts,
        unsettled,
        unsettled_records,
        stranded,
        stranded_unhandled,
        lost_stranded,
        stranded_rows,
        accepted: accepted.len(),
        answers,
        handled: handled_runs,
        hooks: hooks.len(),
        active: active.len(),
        subscribes,
        killed_while_starting,
        answers_lost_to_kills: ready.orphaned,
        accepted_by_replica,
        style: config.style.as_str(),
        store: config.store.as_str(),
        replicas: replica_count,
        seed: config.seed,
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}
