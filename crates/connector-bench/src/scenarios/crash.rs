//! `crash`: the crash test at benchmark size (100 cycles per API style by default).

use serde_json::json;

use super::{current_binary, Outcome};
use crate::crash::harness::{self, CrashConfig};
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

/// Run `cycles` kill-and-restart cycles for each style.
pub async fn run(cycles: usize, styles: &[ApiStyle], seed: Option<u64>) -> Result<Outcome> {
    let binary = current_binary()?;
    let mut figures = serde_json::Map::new();
    let mut text = String::new();
    for style in styles {
        let mut config = CrashConfig::new(&binary)
            .with_cycles(cycles)
            .with_style(*style);
        if let Some(seed) = seed {
            config = config.with_seed(seed);
        }
        let report = harness::run(&config).await?;
        text.push_str(&format!(
            "crash ({} API, seed {}):\n{}\n  accepted {}, handled {}, orphans reported by the runtime {}, \
             missing hooks {}, killed while starting {}, subscribe answers lost to kills {}, {:.1} s\n",
            style.as_str(),
            report.seed,
            report.summary(),
            report.accepted,
            report.handled,
            report.orphans_reported,
            report.missing,
            report.killed_while_starting,
            report.answers_lost_to_kills,
            report.elapsed_ms as f64 / 1000.0
        ));
        figures.insert(style.as_str().to_owned(), json!(report));
    }
    Ok(Outcome {
        figures: serde_json::Value::Object(figures),
        text,
    })
}
