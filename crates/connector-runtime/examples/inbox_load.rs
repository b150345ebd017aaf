//! Rough throughput check of the durable receive path (run with `--release`):
//! `cargo run --release -p connector-runtime --features testing --example inbox_load -- 20000 64`
//! (callbacks, concurrent senders, optional number of webhook action waits). Prints
//! store-only and end-to-end HTTP rates, and the memory a pending wait costs.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use connector_runtime::store::{Durability, NewDelivery, SqliteStore, Store};
use connector_runtime::testing::{MockApi, MockTrigger};
use connector_runtime::{Auth, Connection, Host, SubscriptionId, TriggerOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let total: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let senders: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(64);
    let waits: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let dir = tempfile::tempdir()?;

    // 1. Store only: concurrent inserts through the group-commit writer.
    for durability in [Durability::Full, Durability::Normal] {
        let file = dir.path().join(format!("store-only-{durability:?}.db"));
        let store = Arc::new(SqliteStore::open_with(file, durability)?);
        let sub = SubscriptionId::generate();
        let started = Instant::now();
        let mut tasks = Vec::new();
        for worker in 0..senders {
            let store = store.clone();
            let sub = sub.clone();
            tasks.push(tokio::spawn(async move {
                for i in (worker..total).step_by(senders) {
                    let delivery = NewDelivery::new(
                        sub.clone(),
                        Some(format!("d{i}")),
                        &[("content-type".into(), "application/json".into())],
                        &br#"{"kind":"push","seq":1}"#[..],
                    );
                    store.insert_delivery(delivery).await.expect("insert");
                }
            }));
        }
        for task in tasks {
            task.await?;
        }
        let elapsed = started.elapsed();
        println!(
            "store only ({durability:?}): {total} durable inserts in {:.2?} = {:.0}/s",
            elapsed,
            total as f64 / elapsed.as_secs_f64()
        );
    }

    // 2. End to end: HTTP POST → token → parse → inbox → 202 → handler.
    let api = MockApi::start().await?;
    let host = Host::builder()
        .with_sqlite(dir.path().join("host.db"))
        .with_signing_key(b"load".to_vec())
        .build()
        .await?;
    let handled = Arc::new(AtomicUsize::new(0));
    let counter = handled.clone();
    let trigger = MockTrigger::new("load");
    host.register_with(
        &trigger,
        Connection::new(api.base_url(), Auth::None),
        TriggerOptions::default().with_queue_capacity(100_000),
        move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
            async { Ok(()) }
        },
    )?;
    let id = host.enable(&trigger).await?;
    let url = host.callback_url(&id);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(senders)
        .build()?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..senders {
        let client = client.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let mut refused = 0usize;
            for i in (worker..total).step_by(senders) {
                let status = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-github-delivery", format!("d{i}"))
                    .body(format!(r#"{{"kind":"push","seq":{i}}}"#))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                if status != 202 {
                    refused += 1;
                }
            }
            refused
        }));
    }
    let mut refused = 0;
    for task in tasks {
        refused += task.await?;
    }
    let elapsed = started.elapsed();
    println!(
        "end to end: {total} callbacks ({refused} not 202) in {:.2?} = {:.0}/s",
        elapsed,
        total as f64 / elapsed.as_secs_f64()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while handled.load(Ordering::Relaxed) < total - refused && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!("handled: {}", handled.load(Ordering::Relaxed));

    // 3. Pending webhook action waits: memory per wait once subscribed.
    if waits > 0 {
        let action = MockTrigger::new("wait");
        let connection = Connection::new(api.base_url(), Auth::None);
        let before = resident_kib();
        let mut pending = Vec::with_capacity(waits);
        for _ in 0..waits {
            pending.push(
                host.start_wait(&action, &connection, Duration::from_secs(3600))
                    .await?,
            );
        }
        let after = resident_kib();
        println!(
            "{waits} pending waits: +{} KiB resident = {:.0} bytes per wait (incl. the mock's hooks)",
            after.saturating_sub(before),
            (after.saturating_sub(before) as f64 * 1024.0) / waits as f64
        );
        drop(pending);
    }
    host.shutdown().await;
    Ok(())
}

/// Resident set size from /proc (0 where unavailable).
fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
