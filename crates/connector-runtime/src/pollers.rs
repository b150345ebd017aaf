//! The owner of a host's pollers: the table of polling subscriptions with its deadline
//! queue, the poll settings, the registered triggers' answer shapes, the concurrency limit and
//! the poll counters. The polls themselves are in [`crate::polling`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use rand::Rng;
use tokio::sync::{Notify, Semaphore};

use crate::poll_table::{DuePoll, PollTable};
use crate::store::{now_ms, PollState};
use crate::SubscriptionId;

/// How the host runs polling triggers.
#[derive(Debug, Clone)]
pub struct PollingOptions {
    pub(crate) lease_ttl: Duration,
    max_concurrent_polls: usize,
    start_spread: Duration,
    interval: Option<Duration>,
}

impl Default for PollingOptions {
    fn default() -> Self {
        PollingOptions {
            lease_ttl: Duration::from_secs(60),
            max_concurrent_polls: 256,
            start_spread: Duration::from_secs(1),
            interval: None,
        }
    }
}

impl PollingOptions {
    /// How long a poll lease lasts without renewal (default 60 s): after a process dies,
    /// another one on the same store takes its pollers over after at most this long.
    pub fn with_lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = ttl.max(Duration::from_millis(100));
        self
    }

    /// Polls in flight at once (default 256).
    pub fn with_max_concurrent_polls(mut self, polls: usize) -> Self {
        self.max_concurrent_polls = polls.max(1);
        self
    }

    /// The window new and resumed pollers' first polls are spread over, at most their
    /// interval (default 1 s), so a thousand pollers do not fire in the same millisecond.
    pub fn with_start_spread(mut self, spread: Duration) -> Self {
        self.start_spread = spread;
        self
    }

    /// Poll every trigger at this interval instead of its own (tests, benchmarks).
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = Some(interval);
        self
    }
}

/// Counters of this host's polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PollStats {
    /// Polls sent.
    pub polls: u64,
    /// Items stored in the inbox (duplicates left out).
    pub items: u64,
    /// Scheduling lag (poll sent − poll due), median, ms.
    pub lag_p50_ms: u64,
    /// Scheduling lag, 99th percentile, ms.
    pub lag_p99_ms: u64,
    /// Scheduling lag, largest, ms.
    pub lag_max_ms: u64,
}

/// Lag histogram: 1 ms buckets up to this, then one overflow bucket.
const LAG_BUCKETS: usize = 2000;

pub(crate) struct LagHistogram {
    buckets: Vec<AtomicU64>,
    pub(crate) max: AtomicU64,
}

impl LagHistogram {
    pub(crate) fn new() -> Self {
        LagHistogram {
            buckets: (0..=LAG_BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            max: AtomicU64::new(0),
        }
    }

    pub(crate) fn record(&self, lag_ms: u64) {
        let index = usize::try_from(lag_ms)
            .unwrap_or(LAG_BUCKETS)
            .min(LAG_BUCKETS);
        if let Some(bucket) = self.buckets.get(index) {
            bucket.fetch_add(1, Ordering::Relaxed);
        }
        self.max.fetch_max(lag_ms, Ordering::Relaxed);
    }

    pub(crate) fn reset(&self) {
        for bucket in &self.buckets {
            bucket.store(0, Ordering::Relaxed);
        }
        self.max.store(0, Ordering::Relaxed);
    }

    pub(crate) fn quantile(&self, q: f64) -> u64 {
        let counts: Vec<u64> = self
            .buckets
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect();
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return 0;
        }
        let rank = ((total as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (lag, count) in counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return lag as u64;
            }
        }
        LAG_BUCKETS as u64
    }
}

/// How a registered polling trigger's answers are read.
#[derive(Debug, Clone)]
pub(crate) struct PollShape {
    pub(crate) batch: bool,
    pub(crate) items_from: Option<String>,
    pub(crate) item_id: Option<String>,
    pub(crate) next_link: Option<String>,
}

/// The host's pollers: the table, its timer's wake-up, the concurrency limit and counters.
pub(crate) struct Pollers {
    pub(crate) table: Mutex<PollTable>,
    pub(crate) changed: Arc<Notify>,
    pub(crate) options: PollingOptions,
    /// This host's instance id: the holder of its poll leases.
    pub(crate) owner: Arc<str>,
    pub(crate) permits: Arc<Semaphore>,
    pub(crate) shapes: RwLock<HashMap<String, Arc<PollShape>>>,
    pub(crate) polls: AtomicU64,
    pub(crate) items: AtomicU64,
    pub(crate) lag: LagHistogram,
}

impl Pollers {
    pub(crate) fn new(options: PollingOptions, owner: Arc<str>) -> Self {
        Pollers {
            owner,
            table: Mutex::new(PollTable::default()),
            changed: Arc::new(Notify::new()),
            permits: Arc::new(Semaphore::new(options.max_concurrent_polls)),
            options,
            shapes: RwLock::new(HashMap::new()),
            polls: AtomicU64::new(0),
            items: AtomicU64::new(0),
            lag: LagHistogram::new(),
        }
    }

    pub(crate) fn shape(&self, trigger: &str) -> Option<Arc<PollShape>> {
        self.shapes.read().ok()?.get(trigger).cloned()
    }

    pub(crate) fn is_polling_trigger(&self, trigger: &str) -> bool {
        self.shape(trigger).is_some()
    }

    /// A first poll time: now plus a random share of the start spread (at most `interval`).
    pub(crate) fn spread_start(&self, not_before_ms: i64, interval_ms: i64) -> i64 {
        let spread = millis(self.options.start_spread).min(interval_ms).max(1);
        not_before_ms.max(now_ms()) + rand::thread_rng().gen_range(0..spread)
    }

    pub(crate) fn schedule(&self, id: SubscriptionId, trigger: Arc<str>, due_ms: i64) {
        let earliest = match self.table.lock() {
            Ok(mut table) => table.insert(id, trigger, None, due_ms).1,
            Err(_) => false,
        };
        if earliest {
            self.changed.notify_one();
        }
    }

    pub(crate) fn rearm(
        &self,
        poll: &DuePoll,
        due_ms: i64,
        cursor: Option<PollState>,
        failures: u32,
    ) {
        let earliest = match self.table.lock() {
            Ok(mut table) => table.rearm(&poll.id, poll.generation, due_ms, cursor, failures),
            Err(_) => None,
        };
        if earliest == Some(true) {
            self.changed.notify_one();
        }
    }

    /// Whether this host has a poller for `id`.
    pub(crate) fn contains(&self, id: &SubscriptionId) -> bool {
        self.table.lock().map(|t| t.contains(id)).unwrap_or(false)
    }

    pub(crate) fn remove(&self, id: &SubscriptionId) -> bool {
        self.table.lock().map(|mut t| t.remove(id)).unwrap_or(false)
    }

    pub(crate) fn interval_ms(&self, state: &PollState) -> i64 {
        match self.options.interval {
            Some(interval) => millis(interval),
            None => state.interval_ms,
        }
        .max(1)
    }
}

pub(crate) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lag_quantiles_read_the_histogram() {
        let lag = LagHistogram::new();
        for ms in 0..100 {
            lag.record(ms);
        }
        lag.record(5000);
        assert_eq!(lag.quantile(0.5), 50);
        assert_eq!(lag.quantile(0.99), 99);
        assert_eq!(lag.quantile(1.0), LAG_BUCKETS as u64);
        assert_eq!(lag.max.load(Ordering::Relaxed), 5000);
    }
}
