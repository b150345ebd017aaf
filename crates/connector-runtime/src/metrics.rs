//! Prometheus metrics of one host, served at `/metrics` on the admin listener.
//!
//! Counters and the handler latency histogram are updated where things happen (receive,
//! dispatch, subscribe, unsubscribe); queue depth and subscriptions per state are read from
//! the store at scrape time, so they are right across restarts and replicas.

use std::time::Duration;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::store::history::{AttemptOperation, AttemptOutcome, StoreCounts};
use crate::store::SubscriptionState;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: u16,
}

/// What happened to a delivery.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub(crate) enum DeliveryEvent {
    /// Written to the inbox.
    stored,
    /// The handler succeeded.
    handled,
    /// The handler failed for good.
    failed,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    event: DeliveryEvent,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AttemptLabels {
    operation: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: &'static str,
}

/// The host's metrics and the registry that renders them.
pub(crate) struct Metrics {
    registry: Registry,
    callbacks: Family<StatusLabels, Counter>,
    deliveries: Family<DeliveryLabels, Counter>,
    handler_seconds: Histogram,
    queue_depth: Gauge,
    failed_stored: Gauge,
    subscriptions: Family<StateLabels, Gauge>,
    attempts: Family<AttemptLabels, Counter>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("connector");
        let callbacks = Family::<StatusLabels, Counter>::default();
        registry.register(
            "callbacks",
            "Callbacks received, by the HTTP status answered",
            callbacks.clone(),
        );
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        registry.register(
            "deliveries",
            "Deliveries stored in the inbox, handled, and failed for good",
            deliveries.clone(),
        );
        // 1 ms … ~16 s: handlers range from a log line to a slow downstream call.
        let handler_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 15));
        registry.register(
            "handler_duration_seconds",
            "Time of one handler attempt",
            handler_seconds.clone(),
        );
        let queue_depth = Gauge::default();
        registry.register(
            "queue_depth",
            "Inbox rows waiting for their handler",
            queue_depth.clone(),
        );
        let failed_stored = Gauge::default();
        registry.register(
            "deliveries_failed_stored",
            "Inbox rows whose handler gave up, waiting for a requeue",
            failed_stored.clone(),
        );
        let subscriptions = Family::<StateLabels, Gauge>::default();
        registry.register(
            "subscriptions",
            "Stored subscriptions by state",
            subscriptions.clone(),
        );
        let attempts = Family::<AttemptLabels, Counter>::default();
        registry.register(
            "subscription_attempts",
            "Subscribe and unsubscribe requests by outcome",
            attempts.clone(),
        );
        Metrics {
            registry,
            callbacks,
            deliveries,
            handler_seconds,
            queue_depth,
            failed_stored,
            subscriptions,
            attempts,
        }
    }

    /// A callback was answered with `status`.
    pub fn callback_answered(&self, status: u16) {
        self.callbacks.get_or_create(&StatusLabels { status }).inc();
    }

    /// Deliveries stored, handled or failed for good.
    pub fn delivery(&self, event: DeliveryEvent) {
        self.deliveries
            .get_or_create(&DeliveryLabels { event })
            .inc();
    }

    /// One handler attempt took `elapsed`.
    pub fn handler_ran(&self, elapsed: Duration) {
        self.handler_seconds.observe(elapsed.as_secs_f64());
    }

    /// A subscribe or unsubscribe request ended with `outcome`.
    pub fn attempt(&self, operation: AttemptOperation, outcome: AttemptOutcome) {
        self.attempts
            .get_or_create(&AttemptLabels {
                operation: operation.as_str(),
                outcome: outcome.as_str(),
            })
            .inc();
    }

    /// The OpenMetrics text, with the gauges set from `counts` first.
    pub fn render(&self, counts: &StoreCounts) -> Result<String, std::fmt::Error> {
        self.queue_depth
            .set(i64::try_from(counts.pending_deliveries).unwrap_or(i64::MAX));
        self.failed_stored
            .set(i64::try_from(counts.failed_deliveries).unwrap_or(i64::MAX));
        for state in ALL_STATES {
            let count = counts
                .subscriptions
                .iter()
                .find(|(s, _)| s == state)
                .map_or(0, |(_, n)| *n);
            self.subscriptions
                .get_or_create(&StateLabels {
                    state: state.as_str(),
                })
                .set(i64::try_from(count).unwrap_or(i64::MAX));
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// Every state, so a state with no subscriptions reports 0 rather than disappearing.
const ALL_STATES: &[SubscriptionState] = &[
    SubscriptionState::Subscribing,
    SubscriptionState::Active,
    SubscriptionState::Unsubscribing,
    SubscriptionState::Gone,
    SubscriptionState::Failed,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_family() {
        let metrics = Metrics::new();
        metrics.callback_answered(202);
        metrics.delivery(DeliveryEvent::stored);
        metrics.handler_ran(Duration::from_millis(3));
        metrics.attempt(AttemptOperation::Subscribe, AttemptOutcome::Ok);
        let counts = StoreCounts {
            pending_deliveries: 4,
            failed_deliveries: 1,
            subscriptions: vec![(SubscriptionState::Active, 2)],
        };
        let text = metrics.render(&counts).unwrap();
        assert!(
            text.contains("connector_callbacks_total{status=\"202\"} 1"),
            "{text}"
        );
        assert!(text.contains("connector_deliveries_total{event=\"stored\"} 1"));
        assert!(text.contains("connector_handler_duration_seconds_count 1"));
        assert!(text.contains("connector_queue_depth 4"));
        assert!(text.contains("connector_subscriptions{state=\"active\"} 2"));
        assert!(text.contains("connector_subscriptions{state=\"gone\"} 0"));
        assert!(text.contains(
            "connector_subscription_attempts_total{operation=\"subscribe\",outcome=\"ok\"} 1"
        ));
    }
}
