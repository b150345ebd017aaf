//! `crash`: the crash test at benchmark size (100 cycles per API style by default), on one
//! host with SQLite or on several replicas sharing a throwaway PostgreSQL server.

use serde_json::json;

use super::{current_binary, Outcome};
use crate::crash::harness::{self, CrashConfig, CrashStore};
use crate::crash::polling;
use crate::crash::ApiStyle;
use crate::Result;

/// Run `cycles` kill-and-restart cycles of a host polling two triggers.
pub async fn run_polling(cycles: usize, seed: Option<u64>) -> Result<Outcome> {
    let mut config = CrashConfig::new(current_binary()?)
        .with_cycles(cycles)
        .with_style(ApiStyle::Polling);
    if let Some(seed) = seed {
        config = config.with_seed(seed);
    }
    let report = polling::run(&config).await?;
    let text = format!(
        "crash (polling, seed {}):\n{}\n  events {}, expected deliveries {}, handled {}, polls {}, \
         killed while starting {}, {:.1} s\n",
        report.seed,
        report.summary(),
        report.events,
        report.expected,
        report.handled,
        report.polls,
        report.killed_while_starting,
        report.elapsed_ms as f64 / 1000.0
    );
    Ok(Outcome {
        figures: json!({ "polling": report }),
        text,
    })
}

/// Settings of the `crash` scenario.
#[derive(Debug, Clone)]
pub struct CrashSettings {
    /// Kill-and-restart cycles per style.
    pub cycles: usize,
    /// API styles, run one after the other.
    pub styles: Vec<ApiStyle>,
    /// Seed of the kill moments (random when `None`).
    pub seed: Option<u64>,
    /// SQLite (one host) or PostgreSQL replicas.
    pub store: CrashStore,
    /// Concurrent notification senders (`None`: the harness's default).
    pub senders: Option<usize>,
}

/// Run `cycles` kill-and-restart cycles for each style.
pub async fn run(settings: &CrashSettings) -> Result<Outcome> {
    let binary = current_binary()?;
    let mut figures = serde_json::Map::new();
    let mut text = String::new();
    for style in &settings.styles {
        let mut config = CrashConfig::new(&binary)
            .with_cycles(settings.cycles)
            .with_style(*style)
            .with_store(settings.store);
        if let Some(seed) = settings.seed {
            config = config.with_seed(seed);
        }
        if let Some(senders) = settings.senders {
            config = config.with_senders(senders);
        }
        let report = harness::run(&config).await?;
        let store = match settings.store {
            CrashStore::Sqlite => String::new(),
            CrashStore::Postgres { .. } => format!(
                ", PostgreSQL, {} replicas, accepted by replica {:?}",
                report.replicas, report.accepted_by_replica
            ),
        };
        text.push_str(&format!(
            "crash ({} API{store}, seed {}):\n{}\n  accepted {}, handled {}, orphans reported by the runtime {}, \
             missing hooks {}, killed while starting {}, subscribe answers lost to kills {}, \
             redelivered on resume {}, store extra attempts {}, stranded rows {} ({} never handled), unsettled subscriptions {}, {:.1} s\n",
            style.as_str(),
            report.seed,
            report.summary(),
            report.accepted,
            report.handled,
            report.orphans_reported,
            report.missing,
            report.killed_while_starting,
            report.answers_lost_to_kills,
            report.redelivered_on_resume,
            report.store_extra_attempts,
            report.stranded,
            report.stranded_unhandled,
            report.unsettled,
            report.elapsed_ms as f64 / 1000.0
        ));
        figures.insert(style.as_str().to_owned(), json!(report));
    }
    Ok(Outcome {
        figures: serde_json::Value::Object(figures),
        text,
    })
}
