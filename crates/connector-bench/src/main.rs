//! `connector-bench SCENARIO [--json]`: generate, ingest, ingest-durable, waits, polling, churn,
//! crash, admin-list.
//!
//! Hidden subcommands run the children the scenarios start: `host` (the crash test's runtime
//! host) and `measure` (one measurement in a fresh process, for per-measurement peak RSS).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use connector_bench::crash::harness::CrashStore;
use connector_bench::crash::host::{self, HostArgs, HostMode, HostStore};
use connector_bench::crash::ApiStyle;
use connector_bench::scenarios::polling::PollingConfig;
use connector_bench::scenarios::{
    self, admin_list::AdminListConfig, churn::ChurnConfig, crash::CrashSettings, generate,
    ingest::IngestConfig, waits::WaitsConfig, Outcome,
};
use connector_bench::Result;

#[derive(Parser)]
#[command(
    name = "connector-bench",
    about = "Benchmarks of connector-gen and connector-runtime"
)]
struct Cli {
    /// Print one JSON object with the figures instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Wall time and peak RSS of generating from the GitHub spec and the largest corpus spec.
    Generate {
        /// Specs to generate from (default: tests/corpus/github/api.github.com.json and the
        /// largest corpus spec).
        specs: Vec<PathBuf>,
        /// Fresh processes per measurement (the median is reported).
        #[arg(long, default_value_t = 3)]
        repeat: usize,
    },
    /// Signed notifications to a no-op trigger vs a bare axum handler (in-memory inbox).
    Ingest(IngestCli),
    /// The same with the persist-before-ack inbox in a SQLite file (synchronous=FULL).
    IngestDurable(IngestCli),
    /// Pending webhook-action waits: RSS and callback-to-resumed-waiter latency.
    Waits {
        /// Waits left pending.
        #[arg(long, default_value_t = 100_000)]
        waits: usize,
        /// Of those, how many are resumed by a callback (and timed).
        #[arg(long, default_value_t = 10_000)]
        resumed: usize,
        /// start_wait calls in flight at once.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
    },
    /// Active polling triggers against a loopback API: polls/s, scheduling lag, RSS.
    Polling {
        /// Active pollers.
        #[arg(long, default_value_t = 10_000)]
        pollers: usize,
        /// Their interval, ms.
        #[arg(long, default_value_t = 1000)]
        interval_ms: u64,
        /// Measured seconds.
        #[arg(long, default_value_t = 20.0)]
        seconds: f64,
    },
    /// Enable + disable pairs against the loopback mock API.
    Churn {
        /// Pairs.
        #[arg(long, default_value_t = 10_000)]
        pairs: usize,
        /// Pairs in flight at once.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
    },
    /// SIGKILL the host at random moments; count orphans, lost and duplicate deliveries.
    Crash {
        /// Kill-and-restart cycles per API style.
        #[arg(long, default_value_t = 100)]
        cycles: usize,
        /// API styles: callback, location, listed, or all.
        #[arg(long, default_value = "all")]
        style: String,
        /// Seed of the kill moments.
        #[arg(long)]
        seed: Option<u64>,
        /// Crash polling triggers instead of webhooks (`--style` and `--store` are then
        /// ignored: one host on a SQLite file).
        #[arg(long)]
        polling: bool,
        /// `sqlite` (default): one host on a SQLite file; `postgres`: `--replicas` hosts on
        /// one throwaway PostgreSQL server, each cycle killing a random one.
        #[arg(long, default_value = "sqlite")]
        store: String,
        /// Host processes on the PostgreSQL store (with `--store postgres`).
        #[arg(long, default_value_t = 3)]
        replicas: usize,
        /// Concurrent notification senders, spread round-robin over the replicas (default 2,
        /// or 2 per replica with `--store postgres`).
        #[arg(long)]
        senders: Option<usize>,
    },
    /// Filtered run-history pages over a large inbox (SQLite file).
    AdminList {
        /// Inbox rows to fill.
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
        /// Timed calls per listing.
        #[arg(long, default_value_t = 200)]
        repeat: usize,
    },
    /// (internal) The crash test's host process.
    #[command(hide = true)]
    Host(HostCli),
    /// (internal) One measurement in a fresh process.
    #[command(hide = true, subcommand)]
    Measure(MeasureCli),
}

#[derive(Args)]
struct IngestCli {
    /// Concurrent senders (one keep-alive connection each).
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Measured seconds per target and round.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Unmeasured warm-up seconds before each window.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Rounds (bare axum, then runtime, each round).
    #[arg(long, default_value_t = 2)]
    rounds: usize,
    /// Handler runs in flight per trigger (default: the runtime's default).
    #[arg(long)]
    handler_concurrency: Option<usize>,
    /// `postgres`: also run the runtime on a throwaway PostgreSQL server (next to SQLite, in
    /// the same run); `sqlite` (default): SQLite only.
    #[arg(long, default_value = "sqlite")]
    store: String,
    /// Runtime replicas on the PostgreSQL store (with `--store postgres`).
    #[arg(long, default_value_t = 1)]
    replicas: usize,
}

#[derive(Args)]
struct HostCli {
    /// SQLite file.
    #[arg(
        long,
        required_unless_present = "postgres",
        conflicts_with = "postgres"
    )]
    db: Option<PathBuf>,
    /// PostgreSQL URL (shared by the replicas).
    #[arg(long)]
    postgres: Option<String>,
    /// Instance id among the replicas sharing the store.
    #[arg(long)]
    instance_id: Option<String>,
    /// Public base URL of the callback URLs (the same on every replica).
    #[arg(long)]
    public_url: Option<String>,
    #[arg(long)]
    api: String,
    #[arg(long)]
    port: u16,
    #[arg(long)]
    handled: PathBuf,
    #[arg(long)]
    key: String,
    #[arg(long, default_value = "callback")]
    style: String,
    /// Churn, keeping about this many subscriptions active.
    #[arg(long, conflicts_with = "settle_timeout_ms")]
    churn_target: Option<usize>,
    /// Settle and exit, waiting at most this long.
    #[arg(long)]
    settle_timeout_ms: Option<u64>,
    /// Polling style, settle mode: until every cursor reached this trigger state.
    #[arg(long)]
    until_state: Option<u64>,
}

#[derive(Subcommand)]
enum MeasureCli {
    /// Serve the mock API for this many seconds (to profile a `measure waits` child by hand).
    Mock {
        #[arg(long, default_value_t = 600)]
        seconds: u64,
    },
    Generate {
        #[arg(long)]
        step: String,
        #[arg(long)]
        spec: PathBuf,
    },
    Polling {
        #[arg(long)]
        api: String,
        #[arg(long)]
        pollers: usize,
        #[arg(long)]
        interval_ms: u64,
        #[arg(long)]
        seconds: f64,
    },
    Waits {
        #[arg(long)]
        api: String,
        #[arg(long)]
        waits: usize,
        #[arg(long)]
        resumed: usize,
        #[arg(long)]
        concurrency: usize,
    },
}

fn ingest_config(cli: &IngestCli, durable: bool) -> Result<IngestConfig> {
    let postgres_replicas = match cli.store.as_str() {
        "sqlite" => None,
        "postgres" => Some(cli.replicas.max(1)),
        other => {
            return Err(connector_bench::Error::Invalid(format!(
                "--store {other:?}: expected sqlite or postgres"
            )))
        }
    };
    Ok(IngestConfig {
        concurrency: cli.concurrency,
        warmup: Duration::from_secs_f64(cli.warmup.max(0.0)),
        duration: Duration::from_secs_f64(cli.seconds.max(0.1)),
        rounds: cli.rounds,
        durable,
        handler_concurrency: cli.handler_concurrency,
        postgres_replicas,
    })
}

fn polling_config(pollers: usize, interval_ms: u64, seconds: f64) -> PollingConfig {
    PollingConfig {
        pollers,
        interval: Duration::from_millis(interval_ms.max(1)),
        window: Duration::from_secs_f64(seconds.max(0.1)),
    }
}

fn styles(text: &str) -> Result<Vec<ApiStyle>> {
    if text == "all" {
        Ok(vec![
            ApiStyle::Callback,
            ApiStyle::Location,
            ApiStyle::Listed,
        ])
    } else {
        Ok(vec![text.parse()?])
    }
}

fn print(outcome: &Outcome, json: bool) {
    if json {
        println!("{}", outcome.figures);
    } else {
        print!("{}", outcome.text);
        println!(
            "  ({} cores, load average {:.2})",
            scenarios::cores(),
            scenarios::load_average().unwrap_or(0.0)
        );
    }
}

/// Add the machine to the figures, so every JSON result says where it was measured.
fn with_machine(mut outcome: Outcome) -> Outcome {
    if let serde_json::Value::Object(map) = &mut outcome.figures {
        map.insert("cores".into(), scenarios::cores().into());
        map.insert(
            "load_average".into(),
            scenarios::load_average().unwrap_or(0.0).into(),
        );
    }
    outcome
}

async fn dispatch(cli: Cli) -> Result<()> {
    let outcome = match cli.command {
        Command::Generate { specs, repeat } => {
            let specs = if specs.is_empty() {
                generate::default_specs()
            } else {
                specs
            };
            tokio::task::spawn_blocking(move || generate::run(&specs, repeat))
                .await
                .map_err(|e| connector_bench::Error::Child(e.to_string()))??
        }
        Command::Ingest(args) => scenarios::ingest::run(ingest_config(&args, false)?).await?,
        Command::IngestDurable(args) => scenarios::ingest::run(ingest_config(&args, true)?).await?,
        Command::Waits {
            waits,
            resumed,
            concurrency,
        } => {
            scenarios::waits::run(WaitsConfig {
                waits,
                resumed,
                concurrency,
            })
            .await?
        }
        Command::Polling {
            pollers,
            interval_ms,
            seconds,
        } => scenarios::polling::run(polling_config(pollers, interval_ms, seconds)).await?,
        Command::Churn { pairs, concurrency } => {
            scenarios::churn::run(ChurnConfig { pairs, concurrency }).await?
        }
        Command::AdminList { rows, repeat } => {
            scenarios::admin_list::run(AdminListConfig { rows, repeat }).await?
        }
        Command::Crash {
            cycles,
            seed,
            polling: true,
            ..
        } => scenarios::crash::run_polling(cycles, seed).await?,
        Command::Crash {
            cycles,
            style,
            seed,
            polling: false,
            store,
            replicas,
            senders,
        } => {
            let store = match store.as_str() {
                "sqlite" => CrashStore::Sqlite,
                "postgres" => CrashStore::Postgres {
                    replicas: replicas.max(1),
                },
                other => {
                    return Err(connector_bench::Error::Invalid(format!(
                        "--store {other:?}: expected sqlite or postgres"
                    )))
                }
            };
            let senders = match (senders, store) {
                (Some(senders), _) => Some(senders),
                (None, CrashStore::Sqlite) => None,
                (None, CrashStore::Postgres { replicas }) => Some(2 * replicas),
            };
            scenarios::crash::run(&CrashSettings {
                cycles,
                styles: styles(&style)?,
                seed,
                store,
                senders,
            })
            .await?
        }
        Command::Host(args) => {
            let mode = match (args.churn_target, args.settle_timeout_ms) {
                (_, Some(ms)) => HostMode::Settle {
                    timeout: Duration::from_millis(ms),
                },
                (target, None) => HostMode::Churn {
                    target: target.unwrap_or(3),
                },
            };
            let store = match (args.db, args.postgres) {
                (_, Some(url)) => HostStore::Postgres(url),
                (Some(db), None) => HostStore::Sqlite(db),
                (None, None) => {
                    return Err(connector_bench::Error::Invalid(
                        "host: --db or --postgres is required".into(),
                    ))
                }
            };
            return host::run(HostArgs {
                store,
                instance_id: args.instance_id,
                public_url: args.public_url,
                api: args.api,
                port: args.port,
                handled: args.handled,
                key: args.key,
                style: args.style.parse()?,
                mode,
                until_state: args.until_state,
            })
            .await;
        }
        Command::Measure(MeasureCli::Mock { seconds }) => {
            let mock = connector_runtime::testing::MockApi::start()
                .await
                .map_err(|e| connector_bench::Error::io("start the mock API", e))?;
            println!("{}", mock.base_url());
            tokio::time::sleep(Duration::from_secs(seconds)).await;
            return Ok(());
        }
        Command::Measure(MeasureCli::Generate { step, spec }) => {
            let figures = generate::measure(step.parse()?, &spec)?;
            println!("{figures}");
            return Ok(());
        }
        Command::Measure(MeasureCli::Polling {
            api,
            pollers,
            interval_ms,
            seconds,
        }) => {
            let figures =
                scenarios::polling::measure(&api, polling_config(pollers, interval_ms, seconds))
                    .await?;
            println!("{figures}");
            return Ok(());
        }
        Command::Measure(MeasureCli::Waits {
            api,
            waits,
            resumed,
            concurrency,
        }) => {
            let figures = scenarios::waits::measure(
                &api,
                WaitsConfig {
                    waits,
                    resumed,
                    concurrency,
                },
            )
            .await?;
            println!("{figures}");
            return Ok(());
        }
    };
    print(&with_machine(outcome), cli.json);
    Ok(())
}

/// With `--features mimalloc` the whole binary (the baselines, the runtime under test and the
/// load generator alike) allocates with mimalloc. The runtime's receive path makes many small
/// allocations that are freed on another thread (request task → SQLite writer thread →
/// dispatcher), where glibc's malloc spends about a fifth of the `ingest` CPU time; a
/// deployment's binary can choose its allocator the same way. Not the default, because the
/// `waits` scenario reads glibc's own heap statistics (`mallinfo2`, `malloc_trim`), which say
/// nothing under another allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("connector-bench: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("connector-bench: {error}");
            ExitCode::FAILURE
        }
    }
}
