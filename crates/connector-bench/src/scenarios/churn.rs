//! `churn`: enable + disable, many times, against the loopback mock API — wall time.
//!
//! Each pair is two subscribe-side store writes, the subscribe request, three unsubscribe-side
//! store writes and the DELETE, all on a SQLite file with `synchronous=FULL`. Pairs run on
//! `concurrency` workers so the store's group commit can share fsyncs between them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use connector_runtime::testing::MockApi;
use connector_runtime::{Host, SubscriptionState};
use serde_json::json;

use super::{round2, Outcome};
use crate::crash::host::{definition, fast_retry_policy};
use crate::crash::ApiStyle;
use crate::stats::Latency;
use crate::{Error, Result};

/// Settings of a churn run.
#[derive(Debug, Clone, Copy)]
pub struct ChurnConfig {
    /// Enable + disable pairs.
    pub pairs: usize,
    /// Workers running pairs at once.
    pub concurrency: usize,
}

impl Default for ChurnConfig {
    fn default() -> Self {
        ChurnConfig {
            pairs: 10_000,
            concurrency: 16,
        }
    }
}

#[derive(Default)]
struct Samples {
    enable: Vec<u64>,
    disable: Vec<u64>,
    errors: usize,
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// Run the churn and check that nothing was left behind at the API.
pub async fn run(config: ChurnConfig) -> Result<Outcome> {
    let mock = MockApi::start()
        .await
        .map_err(|e| Error::io("start the mock API", e))?;
    let dir = tempfile::tempdir().map_err(|e| Error::io("create a temporary directory", e))?;
    let host = Host::builder()
        .with_sqlite(dir.path().join("churn.db"))
        .with_signing_key(b"churn-benchmark-key".to_vec())
        .with_retry_policy(fast_retry_policy())
        .build()
        .await?;
    let trigger = Arc::new(definition(&mock.base_url(), ApiStyle::Location)?);
    host.register(trigger.as_ref(), trigger.connection(), |_callback| async {
        Ok(())
    })?;
    host.resume().await?;

    let next = Arc::new(AtomicUsize::new(0));
    let samples = Arc::new(Mutex::new(Samples::default()));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..config.concurrency.max(1) {
        let host = host.clone();
        let trigger = trigger.clone();
        let next = next.clone();
        let samples = samples.clone();
        workers.push(tokio::spawn(async move {
            let mut mine = Samples::default();
            while next.fetch_add(1, Ordering::Relaxed) < config.pairs {
                let t0 = Instant::now();
                let id = match host.enable(trigger.as_ref()).await {
                    Ok(id) => id,
                    Err(_) => {
                        mine.errors += 1;
                        continue;
                    }
                };
                let t1 = Instant::now();
                if host.disable(&id).await.is_err() {
                    mine.errors += 1;
                }
                mine.enable.push(micros(t1 - t0));
                mine.disable.push(micros(t1.elapsed()));
            }
            let mut all = samples.lock().unwrap_or_else(|p| p.into_inner());
            all.enable.extend(mine.enable);
            all.disable.extend(mine.disable);
            all.errors += mine.errors;
        }));
    }
    for worker in workers {
        let _ = worker.await;
    }
    let wall = started.elapsed();

    let records = host.subscriptions().await?;
    let not_gone = records
        .iter()
        .filter(|r| r.state != SubscriptionState::Gone)
        .count();
    let orphans = mock.hooks().len();
    host.shutdown().await;
    let mut all = samples.lock().unwrap_or_else(|p| p.into_inner());
    let enable = Latency::from_samples(&mut all.enable);
    let disable = Latency::from_samples(&mut all.disable);
    let wall_s = wall.as_secs_f64();
    let figures = json!({
        "pairs": config.pairs,
        "concurrency": config.concurrency,
        "wall_s": round2(wall_s),
        "pairs_per_s": round2(config.pairs as f64 / wall_s),
        "enable": enable,
        "disable": disable,
        "errors": all.errors,
        "orphans": orphans,
        "not_gone": not_gone,
        "target_s": 10.0,
    });
    let text = format!(
        "churn: {} enable+disable pairs, {} workers: {:.2} s ({:.0} pairs/s; target ≤ 10 s)\n  \
         enable p50 {} µs p99 {} µs; disable p50 {} µs p99 {} µs; errors {}, hooks left {}, \
         records not gone {}\n",
        config.pairs,
        config.concurrency,
        wall_s,
        config.pairs as f64 / wall_s,
        enable.p50_us,
        enable.p99_us,
        disable.p50_us,
        disable.p99_us,
        all.errors,
        orphans,
        not_gone
    );
    Ok(Outcome { figures, text })
}
