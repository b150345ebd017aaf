//! `ingest` and `ingest-durable`: concurrent senders on loopback posting GitHub-signed
//! notifications to a trigger with a no-op handler, and the same load, in the same run, against
//! a bare axum handler that answers 202.
//!
//! `ingest` keeps the runtime's inbox in an in-memory SQLite database, so it measures the
//! receive path (token, signature, parse, insert, queue, dispatch); `ingest-durable` keeps it in
//! a SQLite file with `synchronous=FULL`, and every 202 is sent only after the delivery's
//! commit reached the disk.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use connector_runtime::testing::postgres::TestCluster;
use connector_runtime::testing::MockApi;
use connector_runtime::verify::{sign, CallbackSigner};
use connector_runtime::{Host, SignatureCheck, TriggerOptions};
use serde_json::json;

use super::{round2, Outcome};
use crate::crash::host::definition;
use crate::crash::ApiStyle;
use crate::load::{self, post_request, LoadConfig, LoadResult, RequestFn};
use crate::{Error, Result};

const SECRET: &[u8] = b"benchmark webhook secret";
const SIGNING_KEY: &[u8] = b"ingest-benchmark-key";

/// Settings of an ingest run.
#[derive(Debug, Clone, Copy)]
pub struct IngestConfig {
    /// Concurrent senders.
    pub concurrency: usize,
    /// Unmeasured time before each measured window.
    pub warmup: Duration,
    /// Measured time per target and round.
    pub duration: Duration,
    /// Rounds; each runs bare axum, then the runtime, and the figures are summed.
    pub rounds: usize,
    /// Keep the inbox in a SQLite file (`synchronous=FULL`) instead of memory.
    pub durable: bool,
    /// Handler runs in flight (`TriggerOptions::with_concurrency`); `None` keeps the
    /// runtime's default.
    pub handler_concurrency: Option<usize>,
    /// Also measure the runtime on a throwaway PostgreSQL server (`synchronous_commit = on`)
    /// with this many replicas in this process, senders spread round-robin over them.
    pub postgres_replicas: Option<usize>,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            concurrency: 64,
            warmup: Duration::from_secs(1),
            duration: Duration::from_secs(5),
            rounds: 2,
            durable: false,
            handler_concurrency: None,
            postgres_replicas: None,
        }
    }
}

/// Bodies shaped like a GitHub push delivery, with their signatures, made before timing.
fn signed_bodies(count: usize) -> Vec<(Vec<u8>, String)> {
    (0..count)
        .map(|i| {
            let body = json!({
                "ref": "refs/heads/main",
                "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
                "after": format!("{:040x}", i),
                "repository": {"id": 1296269, "full_name": "octocat/Hello-World", "private": false},
                "pusher": {"name": "octocat", "email": "octocat@github.com"},
                "commits": [{"id": format!("{:040x}", i), "message": "Update README", "distinct": true}],
                "seq": i,
            })
            .to_string()
            .into_bytes();
            let signature = sign::github(SECRET, &body);
            (body, signature)
        })
        .collect()
}

/// Request `n` of the load: a fresh delivery id each time (the runtime dedupes on it).
fn request_fn(host_header: String, path: String, bodies: Arc<Vec<(Vec<u8>, String)>>) -> RequestFn {
    let next = Arc::new(AtomicU64::new(0));
    Arc::new(move |_| {
        let n = next.fetch_add(1, Ordering::Relaxed);
        let (body, signature) = &bodies[(n as usize) % bodies.len()];
        let delivery = format!("bench-{n}");
        post_request(
            &host_header,
            &path,
            &[
                ("content-type", "application/json"),
                ("user-agent", "GitHub-Hookshot/bench"),
                ("x-github-event", "push"),
                ("x-github-delivery", &delivery),
                ("x-hub-signature-256", signature),
            ],
            body,
        )
    })
}

async fn start_bare_axum() -> Result<std::net::SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Error::io("bind the bare axum server", e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::io("read the bare axum address", e))?;
    // Reads the body, like the runtime must, and answers 202.
    let router = Router::new().route(
        "/callbacks/{id}",
        post(|_body: Bytes| async { StatusCode::ACCEPTED }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(addr)
}

/// What every safe receiver does before answering, and no more: check the callback URL's token,
/// check the sender's signature, parse the JSON. The runtime's own cost is what it adds on top
/// (store, queue, dispatch, done-mark).
#[derive(Clone)]
struct VerifyState {
    signer: CallbackSigner,
    check: SignatureCheck,
}

#[derive(serde::Deserialize)]
struct SigQuery {
    sig: Option<String>,
}

async fn verify_only(
    State(state): State<Arc<VerifyState>>,
    Path(id): Path<String>,
    Query(query): Query<SigQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let token_ok = query
        .sig
        .as_deref()
        .is_some_and(|sig| state.signer.verify(&id, sig));
    if !token_ok {
        return StatusCode::UNAUTHORIZED;
    }
    let lookup = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if state
        .check
        .verify(lookup, &body, std::time::SystemTime::now())
        .is_err()
    {
        return StatusCode::UNAUTHORIZED;
    }
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(_) => StatusCode::ACCEPTED,
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

async fn start_verifying_axum() -> Result<std::net::SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Error::io("bind the verifying axum server", e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::io("read the verifying axum address", e))?;
    let state = Arc::new(VerifyState {
        signer: CallbackSigner::new(SIGNING_KEY.to_vec()),
        check: SignatureCheck::github(SECRET.to_vec()),
    });
    let router = Router::new()
        .route("/callbacks/{id}", post(verify_only))
        .with_state(state);
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok(addr)
}

#[derive(Default)]
struct Totals {
    ok: u64,
    requests: u64,
    seconds: f64,
    p50: Vec<u64>,
    p99: Vec<u64>,
    statuses: std::collections::BTreeMap<String, u64>,
    /// Process CPU time over the measured windows; `None` once any window could not read it.
    cpu_ns: Option<u64>,
}

impl Totals {
    fn add(&mut self, result: &LoadResult, seconds: f64) {
        let first = self.p50.is_empty();
        self.cpu_ns = match (first, self.cpu_ns, result.cpu_ns) {
            (true, _, window) => window,
            (false, Some(sum), Some(window)) => Some(sum + window),
            _ => None,
        };
        self.ok += result.ok;
        self.requests += result.requests;
        self.seconds += seconds;
        self.p50.push(result.latency.p50_us);
        self.p99.push(result.latency.p99_us);
        for (status, count) in &result.statuses {
            *self.statuses.entry(status.clone()).or_insert(0) += count;
        }
    }

    fn rate(&self) -> f64 {
        if self.seconds > 0.0 {
            self.ok as f64 / self.seconds
        } else {
            0.0
        }
    }

    /// Process CPU time per answer in µs (server and load generator together): under
    /// saturation the request rate is the cores divided by this, and unlike the rate it
    /// hardly changes when other work shares the machine.
    fn cpu_us_per_request(&self) -> Option<f64> {
        let cpu = self.cpu_ns?;
        (self.requests > 0).then(|| cpu as f64 / 1000.0 / self.requests as f64)
    }

    fn cpu_text(&self) -> String {
        match self.cpu_us_per_request() {
            Some(us) => format!("{us:.1} µs CPU/req"),
            None => "CPU n/a".to_owned(),
        }
    }

    /// The worst round's percentile (the conservative figure).
    fn worst(values: &[u64]) -> u64 {
        values.iter().copied().max().unwrap_or(0)
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "rate_per_s": round2(self.rate()),
            "p50_us": Self::worst(&self.p50),
            "p99_us": Self::worst(&self.p99),
            "answers": self.requests,
            "statuses": self.statuses,
            "cpu_us_per_request": self.cpu_us_per_request().map(round2),
        })
    }
}

/// Run the bare-axum baseline and the runtime under the same load, `rounds` times.
pub async fn run(config: IngestConfig) -> Result<Outcome> {
    let mock = MockApi::start()
        .await
        .map_err(|e| Error::io("start the mock API", e))?;
    let dir = tempfile::tempdir().map_err(|e| Error::io("create a temporary directory", e))?;
    let store = if config.durable {
        dir.path().join("ingest.db")
    } else {
        ":memory:".into()
    };
    let host = Host::builder()
        .with_sqlite(store)
        .with_signing_key(SIGNING_KEY.to_vec())
        .build()
        .await?;
    let trigger = definition(&mock.base_url(), ApiStyle::Location)?;
    let path = serve_trigger(std::slice::from_ref(&host), &trigger, &config).await?;
    // The PostgreSQL replicas share one database and the signing key, so one callback URL
    // (one subscription, enabled on the first) is good on every replica.
    let postgres = match config.postgres_replicas {
        Some(replicas) => Some(PostgresTarget::start(replicas.max(1), &trigger, &config).await?),
        None => None,
    };
    let bare = start_bare_axum().await?;
    let verifying = start_verifying_axum().await?;
    let bodies = Arc::new(signed_bodies(256));
    let runtime_requests = request_fn(host.local_addr().to_string(), path.clone(), bodies.clone());
    let postgres_requests = postgres.as_ref().map(|target| {
        request_fn(
            target.addrs[0].to_string(),
            target.path.clone(),
            bodies.clone(),
        )
    });
    let bare_requests = request_fn(bare.to_string(), path.clone(), bodies.clone());
    let verify_requests = request_fn(verifying.to_string(), path, bodies);

    let mut bare_totals = Totals::default();
    let mut verify_totals = Totals::default();
    let mut runtime_totals = Totals::default();
    let mut postgres_totals = Totals::default();
    let seconds = config.duration.as_secs_f64();
    for _ in 0..config.rounds.max(1) {
        let load = |addr| LoadConfig {
            addrs: vec![addr],
            server_pids: Vec::new(),
            concurrency: config.concurrency,
            warmup: config.warmup,
            duration: config.duration,
        };
        let result = load::run(load(bare), bare_requests.clone()).await;
        bare_totals.add(&result, seconds);
        let result = load::run(load(verifying), verify_requests.clone()).await;
        verify_totals.add(&result, seconds);
        let result = load::run(load(host.local_addr()), runtime_requests.clone()).await;
        runtime_totals.add(&result, seconds);
        if let (Some(target), Some(requests)) = (&postgres, &postgres_requests) {
            let mut config = load(target.addrs[0]);
            config.addrs = target.addrs.clone();
            // The database server's CPU counts as the runtime's: it does the durable work.
            config.server_pids = target.cluster.server_pid().into_iter().collect();
            let result = load::run(config, requests.clone()).await;
            postgres_totals.add(&result, seconds);
        }
    }
    host.shutdown().await;
    if let Some(target) = &postgres {
        for replica in &target.hosts {
            replica.shutdown().await;
        }
    }

    let ratio_to = |baseline: &Totals| {
        if baseline.rate() > 0.0 {
            runtime_totals.rate() / baseline.rate()
        } else {
            0.0
        }
    };
    // The same comparison by CPU time per request: what the rate ratio is on an idle machine.
    let cpu_ratio_to = |baseline: &Totals| match (
        baseline.cpu_us_per_request(),
        runtime_totals.cpu_us_per_request(),
    ) {
        (Some(base), Some(runtime)) if runtime > 0.0 => Some(base / runtime),
        _ => None,
    };
    let cpu_ratio = cpu_ratio_to(&bare_totals);
    let cpu_ratio_verify = cpu_ratio_to(&verify_totals);
    let ratio = ratio_to(&bare_totals);
    let ratio_verify = ratio_to(&verify_totals);
    let name = if config.durable {
        "ingest-durable"
    } else {
        "ingest"
    };
    let store_kind = if config.durable {
        "SQLite file, synchronous=FULL"
    } else {
        "in-memory SQLite"
    };
    let postgres_json = postgres.as_ref().map(|target| {
        json!({
            "replicas": target.hosts.len(),
            "store": "PostgreSQL, synchronous_commit=on, fsync=on, Unix socket; CPU includes the server's",
            "runtime": postgres_totals.json(),
            "ratio_to_sqlite": round2(if runtime_totals.rate() > 0.0 {
                postgres_totals.rate() / runtime_totals.rate()
            } else {
                0.0
            }),
        })
    });
    let postgres_text = postgres.as_ref().map_or_else(String::new, |target| {
        format!(
            "  PostgreSQL ({} replica(s)): {:.0} req/s, p50 {} µs, p99 {} µs, {} (server's CPU \
             included), answers {:?}\n",
            target.hosts.len(),
            postgres_totals.rate(),
            Totals::worst(&postgres_totals.p50),
            Totals::worst(&postgres_totals.p99),
            postgres_totals.cpu_text(),
            postgres_totals.statuses,
        )
    });
    let figures = json!({
        "postgres": postgres_json,
        "scenario": name,
        "store": store_kind,
        "concurrency": config.concurrency,
        "handler_concurrency": config.handler_concurrency,
        "duration_s": seconds,
        "rounds": config.rounds,
        "bare_axum": bare_totals.json(),
        "verifying_axum": verify_totals.json(),
        "runtime": runtime_totals.json(),
        "ratio": round2(ratio),
        "ratio_to_verifying": round2(ratio_verify),
        "cpu_ratio": cpu_ratio.map(round2),
        "cpu_ratio_to_verifying": cpu_ratio_verify.map(round2),
        "target": if config.durable { json!({"rate_per_s": 10000}) } else { json!({"ratio": 0.7}) },
    });
    let text = format!(
        "{name} ({store_kind}; {} senders, {} × {:.0} s per target):\n  \
         bare axum:      {:.0} req/s, p50 {} µs, p99 {} µs, {}\n  \
         verifying axum: {:.0} req/s, p50 {} µs, p99 {} µs, {} (token + signature + JSON parse)\n  \
         runtime:        {:.0} req/s, p50 {} µs, p99 {} µs, {}, answers {:?}\n  \
         ratio runtime/bare: {:.2}; runtime/verifying: {:.2}\n  \
         by CPU per request: runtime/bare {}; runtime/verifying {}\n",
        config.concurrency,
        config.rounds,
        seconds,
        bare_totals.rate(),
        Totals::worst(&bare_totals.p50),
        Totals::worst(&bare_totals.p99),
        bare_totals.cpu_text(),
        verify_totals.rate(),
        Totals::worst(&verify_totals.p50),
        Totals::worst(&verify_totals.p99),
        verify_totals.cpu_text(),
        runtime_totals.rate(),
        Totals::worst(&runtime_totals.p50),
        Totals::worst(&runtime_totals.p99),
        runtime_totals.cpu_text(),
        runtime_totals.statuses,
        ratio,
        ratio_verify,
        ratio_text(cpu_ratio),
        ratio_text(cpu_ratio_verify),
    ) + &postgres_text;
    Ok(Outcome { figures, text })
}

/// Register the no-op trigger on every host, resume them, enable one subscription on the
/// first; the callback path (the same on every host sharing the signing key).
async fn serve_trigger(
    hosts: &[Host],
    trigger: &connector_runtime::HttpWebhookDefinition,
    config: &IngestConfig,
) -> Result<String> {
    let mut options = TriggerOptions::default()
        .with_signature(SignatureCheck::github(SECRET.to_vec()))
        .with_queue_capacity(4096);
    if let Some(concurrency) = config.handler_concurrency {
        options = options.with_concurrency(concurrency);
    }
    for host in hosts {
        host.register_with(
            trigger,
            trigger.connection(),
            options.clone(),
            |_callback| async { Ok(()) },
        )?;
        host.resume().await?;
    }
    let first = hosts
        .first()
        .ok_or_else(|| Error::Invalid("no host to enable the trigger on".into()))?;
    let id = first.enable(trigger).await?;
    let callback = first.callback_url(&id);
    callback
        .strip_prefix(first.public_url())
        .map(str::to_owned)
        .ok_or_else(|| Error::Invalid(format!("unexpected callback URL {callback}")))
}

/// Replicas of the runtime on one throwaway PostgreSQL server.
struct PostgresTarget {
    // Dropped last: the hosts' pools close before the server goes.
    hosts: Vec<Host>,
    addrs: Vec<std::net::SocketAddr>,
    path: String,
    cluster: TestCluster,
}

impl PostgresTarget {
    async fn start(
        replicas: usize,
        trigger: &connector_runtime::HttpWebhookDefinition,
        config: &IngestConfig,
    ) -> Result<Self> {
        let cluster = tokio::task::spawn_blocking(TestCluster::start)
            .await
            .map_err(|e| Error::Invalid(format!("PostgreSQL start task: {e}")))?
            .map_err(|e| Error::Invalid(e.to_string()))?;
        let mut hosts = Vec::with_capacity(replicas);
        for _ in 0..replicas {
            hosts.push(
                Host::builder()
                    .with_postgres(cluster.url())
                    .with_signing_key(SIGNING_KEY.to_vec())
                    .build()
                    .await?,
            );
        }
        let path = serve_trigger(&hosts, trigger, config).await?;
        Ok(PostgresTarget {
            addrs: hosts.iter().map(Host::local_addr).collect(),
            hosts,
            path,
            cluster,
        })
    }
}

fn ratio_text(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "n/a".to_owned(), |r| format!("{r:.2}"))
}
