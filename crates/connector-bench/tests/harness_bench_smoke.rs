//! The in-process benchmark scenarios at toy size, so they cannot rot: churn leaves nothing at
//! the API, and every signed notification under concurrent load is answered 202 by the
//! runtime and the baselines alike. Figures are not checked here (speed belongs to the
//! benchmark runs recorded in BENCHMARKS.md).

use std::time::Duration;

use connector_bench::scenarios::churn::{self, ChurnConfig};
use connector_bench::scenarios::ingest::{self, IngestConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn churn_leaves_no_hook_and_no_unfinished_record() {
    let outcome = churn::run(ChurnConfig {
        pairs: 60,
        concurrency: 4,
    })
    .await
    .unwrap();
    let figures = &outcome.figures;
    assert_eq!(figures["errors"], 0, "{figures}");
    assert_eq!(figures["orphans"], 0, "{figures}");
    assert_eq!(figures["not_gone"], 0, "{figures}");
    assert_eq!(figures["enable"]["count"], 60, "{figures}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn durable_ingest_answers_every_signed_notification_with_202() {
    let outcome = ingest::run(IngestConfig {
        concurrency: 8,
        warmup: Duration::from_millis(50),
        duration: Duration::from_millis(300),
        rounds: 1,
        durable: true,
        handler_concurrency: None,
        // Two replicas on a throwaway PostgreSQL server, next to SQLite.
        postgres_replicas: Some(2),
    })
    .await
    .unwrap();
    let figures = &outcome.figures;
    for target in ["bare_axum", "verifying_axum", "runtime", "postgres"] {
        let answers = if target == "postgres" {
            &figures[target]["runtime"]
        } else {
            &figures[target]
        };
        let statuses = answers["statuses"].as_object().unwrap();
        assert!(statuses.get("202").is_some(), "{target}: {figures}");
        assert_eq!(
            statuses.len(),
            1,
            "{target} answered more than 202: {figures}"
        );
    }
}
