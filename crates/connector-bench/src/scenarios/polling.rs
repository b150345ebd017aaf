//! `polling`: many active polling triggers against a loopback API — achieved polls per
//! second, scheduling lag (poll sent − poll due) and RSS.
//!
//! The API (a [`PollingApi`] answering `202` with the same state: the steady state of a quiet
//! trigger) runs in this process; the host runs in a fresh child (`measure polling`), so the
//! RSS figure is the runtime's alone. The child enables the pollers (each on its own path),
//! lets one interval pass, starts its counters over and measures a window.

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use connector_runtime::polling_api::{AnswerShape, EventsTrigger, PolledEvent, PollingApi};
use connector_runtime::{
    Auth, Callback, Connection, Durability, HandlerError, Host, PollingOptions, TriggerOptions,
};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use super::{current_binary, round2, Outcome};
use crate::memory::{peak_rss_kib, rss_kib};
use crate::{Error, Result};

/// Settings of a polling run.
#[derive(Debug, Clone, Copy)]
pub struct PollingConfig {
    /// Active pollers.
    pub pollers: usize,
    /// Their interval.
    pub interval: Duration,
    /// The measured window.
    pub window: Duration,
}

/// Run the child and report.
pub async fn run(config: PollingConfig) -> Result<Outcome> {
    let api = PollingApi::start(AnswerShape::Array)
        .await
        .map_err(|e| Error::io("start the polling API", e))?;
    api.record(false);
    let binary = current_binary()?;
    let child = tokio::process::Command::new(&binary)
        .args(["measure", "polling", "--api", &api.base_url()])
        .args(["--pollers", &config.pollers.to_string()])
        .args(["--interval-ms", &config.interval.as_millis().to_string()])
        .args(["--seconds", &config.window.as_secs_f64().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| Error::io("run the polling child", e))?;
    if !child.status.success() {
        return Err(Error::Child(format!(
            "polling child failed: {}",
            child.status
        )));
    }
    let stdout = String::from_utf8_lossy(&child.stdout);
    let line = stdout
        .lines()
        .last()
        .ok_or_else(|| Error::Child("polling child printed nothing".into()))?;
    let mut figures: Value = serde_json::from_str(line)?;
    if let Some(map) = figures.as_object_mut() {
        map.insert("api_served".into(), json!(api.served()));
    }
    let get = |pointer: &str| {
        figures
            .pointer(pointer)
            .and_then(Value::as_f64)
            .unwrap_or(0.0)
    };
    let text = format!(
        "polling: {} active pollers, {} ms interval, {:.0} s window\n  \
         achieved {:.0} polls/s of {:.0} due ({:.2}×)\n  \
         scheduling lag: p50 {} ms, p99 {} ms, max {} ms (target p99 ≤ 100 ms)\n  \
         RSS {:.1} MB (host idle {:.1} MB, peak {:.1} MB; target ≤ 100 MB); CPU {:.0} % of one core\n  \
         enabled in {:.1} s\n",
        config.pollers,
        config.interval.as_millis(),
        config.window.as_secs_f64(),
        get("/polls_per_s"),
        get("/due_per_s"),
        get("/achieved_ratio"),
        get("/lag_p50_ms"),
        get("/lag_p99_ms"),
        get("/lag_max_ms"),
        get("/rss_kib") / 1024.0,
        get("/rss_idle_kib") / 1024.0,
        get("/peak_rss_kib") / 1024.0,
        get("/cpu_percent"),
        get("/enable_s"),
    );
    Ok(Outcome { figures, text })
}

/// Child side (`measure polling`): enable the pollers, measure a window, print one JSON line.
pub async fn measure(api: &str, config: PollingConfig) -> Result<Value> {
    let dir = tempfile::tempdir().map_err(|e| Error::io("create a temporary directory", e))?;
    let host = Host::builder()
        // Survives a process crash; the figure is about scheduling, not fsync.
        .with_sqlite_durability(dir.path().join("polling.db"), Durability::Normal)
        .with_signing_key(b"polling-benchmark-key".to_vec())
        .with_polling(PollingOptions::default().with_start_spread(config.interval))
        .build()
        .await?;
    let rss_idle = rss_kib().unwrap_or(0);
    let trigger = EventsTrigger::new("bench-poll").with_interval(config.interval);
    host.register_with(
        &trigger,
        Connection::new(api, Auth::None),
        TriggerOptions::default(),
        |_: Callback<PolledEvent>| async { Ok::<(), HandlerError>(()) },
    )?;
    let started = Instant::now();
    // Enables overlap so the store's group commit shares their writes.
    let slots = Arc::new(Semaphore::new(64));
    let mut tasks = Vec::with_capacity(config.pollers);
    for index in 0..config.pollers {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            break;
        };
        let host = host.clone();
        let trigger = trigger.clone().with_path(format!("/p{index}"));
        tasks.push(tokio::spawn(async move {
            let enabled = host.enable(&trigger).await;
            drop(permit);
            enabled
        }));
    }
    for task in tasks {
        task.await
            .map_err(|e| Error::Child(format!("enable task: {e}")))??;
    }
    let enable_s = started.elapsed().as_secs_f64();
    // One interval (and a little) so every poller has polled once and the enable burst is over.
    tokio::time::sleep(config.interval + Duration::from_millis(500)).await;
    host.reset_poll_stats();
    let cpu_start = crate::cpu::process_cpu_ns().unwrap_or(0);
    let window_start = Instant::now();
    tokio::time::sleep(config.window).await;
    let elapsed = window_start.elapsed().as_secs_f64();
    let cpu = crate::cpu::process_cpu_ns()
        .unwrap_or(0)
        .saturating_sub(cpu_start);
    let stats = host.poll_stats();
    let rss = rss_kib().unwrap_or(0);
    let due_per_s = config.pollers as f64 / config.interval.as_secs_f64().max(0.001);
    let polls_per_s = stats.polls as f64 / elapsed.max(0.001);
    let figures = json!({
        "pollers": config.pollers,
        "active": host.active_pollers(),
        "interval_ms": config.interval.as_millis() as u64,
        "window_s": round2(elapsed),
        "polls": stats.polls,
        "polls_per_s": round2(polls_per_s),
        "due_per_s": round2(due_per_s),
        "achieved_ratio": round2(polls_per_s / due_per_s.max(0.001)),
        "lag_p50_ms": stats.lag_p50_ms,
        "lag_p99_ms": stats.lag_p99_ms,
        "lag_max_ms": stats.lag_max_ms,
        "rss_kib": rss,
        "rss_idle_kib": rss_idle,
        "peak_rss_kib": peak_rss_kib().unwrap_or(0),
        "cpu_percent": round2(cpu as f64 / 1e7 / elapsed.max(0.001)),
        "enable_s": round2(enable_s),
    });
    host.shutdown().await;
    Ok(figures)
}
