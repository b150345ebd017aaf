//! `waits`: many pending webhook-action waits — resident memory, and the time from a callback
//! to the resumed waiter.
//!
//! The host runs in a fresh child process of the bench binary (`measure waits`), so its RSS is
//! its own; the mock API (which records every request) runs in the parent.

use std::process::Stdio;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use connector_runtime::testing::MockApi;
use connector_runtime::Host;
use serde_json::{json, Value};
use tokio::sync::{mpsc, Semaphore};

use super::{current_binary, round2, Outcome};
use crate::crash::host::{definition, fast_retry_policy};
use crate::crash::ApiStyle;
use crate::load::{post_request, Connection};
use crate::memory::{live_heap_bytes, peak_rss_kib, rss_kib, trim_heap};
use crate::stats::Latency;
use crate::{Error, Result};

/// Settings of a waits run.
#[derive(Debug, Clone, Copy)]
pub struct WaitsConfig {
    /// Waits started and left pending.
    pub waits: usize,
    /// Of those, how many get their callback (and are timed).
    pub resumed: usize,
    /// `start_wait` calls in flight at once.
    pub concurrency: usize,
}

impl Default for WaitsConfig {
    fn default() -> Self {
        WaitsConfig {
            waits: 100_000,
            resumed: 10_000,
            concurrency: 64,
        }
    }
}

/// Parent side: start the mock, run the host child, report.
pub async fn run(config: WaitsConfig) -> Result<Outcome> {
    let mock = MockApi::start()
        .await
        .map_err(|e| Error::io("start the mock API", e))?;
    let binary = current_binary()?;
    let child = tokio::process::Command::new(&binary)
        .args(["measure", "waits", "--api", &mock.base_url()])
        .args(["--waits", &config.waits.to_string()])
        .args(["--resumed", &config.resumed.to_string()])
        .args(["--concurrency", &config.concurrency.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| Error::io("run the waits child", e))?;
    if !child.status.success() {
        return Err(Error::Child(format!(
            "waits child failed: {}",
            child.status
        )));
    }
    let stdout = String::from_utf8_lossy(&child.stdout);
    let line = stdout
        .lines()
        .last()
        .ok_or_else(|| Error::Child("waits child printed nothing".into()))?;
    let figures: Value = serde_json::from_str(line)?;
    let get = |pointer: &str| {
        figures
            .pointer(pointer)
            .and_then(Value::as_f64)
            .unwrap_or(0.0)
    };
    let text = format!(
        "waits: {} pending webhook-action waits\n  \
         RSS {:.1} MB with all waiting (host idle {:.1} MB; {:.0} bytes per wait; peak {:.1} MB; target ≤ 100 MB)\n  \
         after malloc_trim: RSS {:.1} MB; live heap {:.1} MB ({:.0} bytes per wait)\n  \
         started in {:.1} s ({:.0} waits/s)\n  \
         callback → resumed waiter (wait() returned, unsubscribe included), {} callbacks: p50 {} µs, p99 {} µs\n  \
         callback → 202: p50 {} µs, p99 {} µs\n",
        config.waits,
        get("/rss_waiting_kib") / 1024.0,
        get("/rss_idle_kib") / 1024.0,
        get("/bytes_per_wait"),
        get("/peak_rss_kib") / 1024.0,
        get("/rss_waiting_trimmed_kib") / 1024.0,
        get("/heap_waiting_bytes") / 1048576.0,
        get("/heap_bytes_per_wait"),
        get("/start_s"),
        get("/started_per_s"),
        get("/resume/count"),
        get("/resume/p50_us"),
        get("/resume/p99_us"),
        get("/answer/p50_us"),
        get("/answer/p99_us"),
    );
    Ok(Outcome { figures, text })
}

fn micros_since(base: Instant) -> u64 {
    u64::try_from(base.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// Child side (`measure waits`): start the waits, measure, print one JSON line.
pub async fn measure(api: &str, config: WaitsConfig) -> Result<Value> {
    let rss_start = rss_kib().unwrap_or(0);
    let dir = tempfile::tempdir().map_err(|e| Error::io("create a temporary directory", e))?;
    let host = Host::builder()
        .with_sqlite(dir.path().join("waits.db"))
        .with_signing_key(b"waits-benchmark-key".to_vec())
        .with_retry_policy(fast_retry_policy())
        .build()
        .await?;
    let action = Arc::new(definition(api, ApiStyle::Location)?.with_name("approval"));
    let connection = Arc::new(action.connection());
    let rss_idle = rss_kib().unwrap_or(0);
    let heap_idle = live_heap_bytes().unwrap_or(0);

    // Only the waits that will be resumed keep their URL and send time, so the harness's own
    // bookkeeping stays out of the RSS figure: an evenly spread sample, one slot each.
    let step = (config.waits / config.resumed.max(1)).max(1);
    let slot_of = move |index: usize| (index.checked_rem(step) == Some(0)).then_some(index / step);
    let slots_used = config.waits.div_ceil(step).min(config.resumed);
    let base = Instant::now();
    let sent_at: Arc<Vec<AtomicU64>> =
        Arc::new((0..slots_used).map(|_| AtomicU64::new(0)).collect());
    let urls: Arc<Mutex<Vec<Option<String>>>> = Arc::new(Mutex::new(vec![None; slots_used]));
    let failures = Arc::new(AtomicUsize::new(0));
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<(bool, u64)>();
    let slots = Arc::new(Semaphore::new(config.concurrency.max(1)));
    let started = Instant::now();
    for index in 0..config.waits {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            break;
        };
        let host = host.clone();
        let action = action.clone();
        let connection = connection.clone();
        let sent_at = sent_at.clone();
        let urls = urls.clone();
        let failures = failures.clone();
        let done = done_tx.clone();
        tokio::spawn(async move {
            // Boxed: the subscribe future is ~2.8 KB, and an unboxed one would stay inside
            // the state of a task that awaits the wait afterwards.
            let pending = match Box::pin(host.start_wait(
                action.as_ref(),
                &connection,
                Duration::from_secs(3600),
            ))
            .await
            {
                Ok(pending) => pending,
                Err(_) => {
                    failures.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            };
            let slot = slot_of(index).filter(|slot| *slot < slots_used);
            if let Some(slot) = slot {
                urls.lock().unwrap_or_else(|p| p.into_inner())[slot] = Some(pending.callback_url());
            }
            drop(permit);
            // The waiter a workflow engine would keep: a task holding only the wait.
            tokio::spawn(async move {
                let outcome = pending.wait(std::future::pending()).await;
                let resumed = micros_since(base);
                let sent = slot.map_or(0, |slot| sent_at[slot].load(Ordering::Relaxed));
                let _ = done.send((outcome.is_ok(), resumed.saturating_sub(sent)));
            });
        });
    }
    // Every start_wait has returned once all slots are free again.
    let all = u32::try_from(config.concurrency.max(1)).unwrap_or(u32::MAX);
    let _all_started = slots.acquire_many(all).await;
    let start_s = started.elapsed().as_secs_f64();
    // Let the allocator and the store's writer settle before reading RSS.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_waiting = rss_kib().unwrap_or(0);
    let heap_waiting = live_heap_bytes().unwrap_or(0);
    trim_heap();
    let rss_trimmed = rss_kib().unwrap_or(0);
    let started_ok = config.waits - failures.load(Ordering::Relaxed);

    // Resume the sample: post each one's callback and time it.
    let chosen: Vec<(usize, String)> = {
        let mut urls = urls.lock().unwrap_or_else(|p| p.into_inner());
        urls.iter_mut()
            .enumerate()
            .filter_map(|(slot, url)| url.take().map(|u| (slot, u)))
            .collect()
    };
    let public = host.public_url().to_owned();
    let addr = host.local_addr();
    let chosen = Arc::new(chosen);
    let cursor = Arc::new(AtomicUsize::new(0));
    let answer_samples = Arc::new(Mutex::new(Vec::new()));
    let mut posters = Vec::new();
    for _ in 0..16 {
        let chosen = chosen.clone();
        let cursor = cursor.clone();
        let sent_at = sent_at.clone();
        let public = public.clone();
        let answers = answer_samples.clone();
        posters.push(tokio::spawn(async move {
            let mut connection = Connection::open(addr).await.ok();
            let mut mine = Vec::new();
            loop {
                let next = cursor.fetch_add(1, Ordering::Relaxed);
                let Some((slot, url)) = chosen.get(next) else {
                    break;
                };
                let path = url.strip_prefix(&public).unwrap_or(url);
                let request = post_request(
                    &addr.to_string(),
                    path,
                    &[("content-type", "application/json")],
                    br#"{"approved": true}"#,
                );
                let t0 = micros_since(base);
                sent_at[*slot].store(t0, Ordering::Relaxed);
                let answer = match connection.as_mut() {
                    Some(open) => open.exchange(&request).await,
                    None => Err(std::io::ErrorKind::NotConnected.into()),
                };
                match answer {
                    Ok(answer) if answer.status == 202 => {
                        mine.push(micros_since(base).saturating_sub(t0));
                        if answer.close {
                            connection = Connection::open(addr).await.ok();
                        }
                    }
                    _ => connection = Connection::open(addr).await.ok(),
                }
            }
            answers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend(mine);
        }));
    }
    for poster in posters {
        let _ = poster.await;
    }
    let mut answers =
        std::mem::take(&mut *answer_samples.lock().unwrap_or_else(|p| p.into_inner()));
    let expected = answers.len();
    let mut resumed = Vec::with_capacity(expected);
    let mut failed_waits = 0usize;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while resumed.len() + failed_waits < expected {
        match tokio::time::timeout_at(deadline, done_rx.recv()).await {
            Ok(Some((true, micros))) => resumed.push(micros),
            Ok(Some((false, _))) => failed_waits += 1,
            _ => break,
        }
    }
    let peak = peak_rss_kib().unwrap_or(0);
    host.shutdown().await;
    let per_wait = if started_ok > 0 {
        (rss_waiting.saturating_sub(rss_idle) as f64 * 1024.0) / started_ok as f64
    } else {
        0.0
    };
    Ok(json!({
        "waits": config.waits,
        "started": started_ok,
        "start_s": round2(start_s),
        "started_per_s": round2(started_ok as f64 / start_s.max(f64::EPSILON)),
        "rss_start_kib": rss_start,
        "rss_idle_kib": rss_idle,
        "rss_waiting_kib": rss_waiting,
        "rss_waiting_trimmed_kib": rss_trimmed,
        "heap_idle_bytes": heap_idle,
        "heap_waiting_bytes": heap_waiting,
        "heap_bytes_per_wait": round2(heap_waiting.saturating_sub(heap_idle) as f64 / started_ok.max(1) as f64),
        "peak_rss_kib": peak,
        "bytes_per_wait": round2(per_wait),
        "resume": Latency::from_samples(&mut resumed),
        "answer": Latency::from_samples(&mut answers),
        "callbacks_answered_202": expected,
        "waits_failed": failed_waits,
        "target_rss_kib": 100 * 1024,
    }))
}
