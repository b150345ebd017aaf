//! `connector-gen check` on a Logic Apps workflow file: its HttpWebhook triggers and actions,
//! what the runtime skips, and diagnostics with JSON pointers, in the style of spec reports.
//!
//! A file is taken for a workflow when it is JSON with `definition.triggers` /
//! `definition.actions`, or `triggers` / `actions` beside a workflow definition `$schema`
//! ([`connector_runtime::definition::workflow::is_workflow`]); anything else is a spec.

use std::io::Write;
use std::path::Path;

use connector_runtime::definition::workflow::{is_workflow, Workflow};
use connector_runtime::definition::{Diagnostic, Severity};
use connector_runtime::{DefinitionOptions, HttpWebhookDefinition, WebhookTrigger};
use serde::Serialize;

/// The report of one workflow file: what `--format json` prints as one line.
#[derive(Debug, Clone, Serialize)]
pub struct WorkflowReport {
    /// The file path as given.
    pub spec: String,
    /// Always `workflow` (spec reports have no `kind`).
    pub kind: &'static str,
    /// True when every HttpWebhook trigger and action loaded.
    pub ok: bool,
    /// HttpWebhook triggers.
    pub triggers: Vec<WebhookReport>,
    /// HttpWebhook actions (nested ones included).
    pub actions: Vec<WebhookReport>,
    /// Triggers and actions of other types: `name (type)`.
    pub skipped: Vec<String>,
    /// Warnings and errors with their pointers.
    pub diagnostics: Vec<Diagnostic>,
}

/// One HttpWebhook trigger or action.
#[derive(Debug, Clone, Serialize)]
pub struct WebhookReport {
    /// Its name in the workflow.
    pub name: String,
    /// Its JSON pointer.
    pub pointer: String,
    /// Subscribe method.
    pub subscribe: String,
    /// Unsubscribe method, when the definition has one (else `Location`).
    pub unsubscribe: Option<String>,
    /// Subscribe authentication type.
    pub authentication: String,
    /// `limit.timeout` in seconds (actions).
    pub timeout_seconds: Option<u64>,
    /// `runtimeConfiguration.concurrency.runs` (triggers).
    pub concurrency: Option<usize>,
}

fn webhook_report(definition: &HttpWebhookDefinition) -> WebhookReport {
    WebhookReport {
        name: definition.name().to_owned(),
        pointer: definition.pointer().to_owned(),
        subscribe: definition.subscribe().method().to_owned(),
        unsubscribe: definition.unsubscribe().map(|u| u.method().to_owned()),
        authentication: definition
            .subscribe()
            .authentication()
            .type_name()
            .to_owned(),
        timeout_seconds: definition.timeout().map(|t| t.as_secs()),
        concurrency: definition.concurrency().map(|c| c.runs),
    }
}

/// Check `path` as a workflow when it is one; `None` when it is not (a spec).
pub fn check(path: &Path, strict: bool) -> Option<WorkflowReport> {
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    if !is_workflow(&value) {
        return None;
    }
    let spec = path.display().to_string();
    let options = DefinitionOptions::new().strict(strict);
    Some(match Workflow::from_value(&value, &options) {
        Ok(workflow) => WorkflowReport {
            spec,
            kind: "workflow",
            ok: true,
            triggers: workflow.triggers().iter().map(webhook_report).collect(),
            actions: workflow.actions().iter().map(webhook_report).collect(),
            skipped: workflow
                .skipped()
                .iter()
                .map(|s| format!("{} ({})", s.name, s.kind))
                .collect(),
            diagnostics: workflow.warnings().to_vec(),
        },
        Err(error) => WorkflowReport {
            spec,
            kind: "workflow",
            ok: false,
            triggers: Vec::new(),
            actions: Vec::new(),
            skipped: Vec::new(),
            diagnostics: error.diagnostics(),
        },
    })
}

fn webhook_text(w: &WebhookReport) -> String {
    let mut parts = vec![format!("subscribe {}", w.subscribe)];
    parts.push(match &w.unsubscribe {
        Some(method) => format!("unsubscribe {method}"),
        None => "unsubscribe by Location".to_owned(),
    });
    if w.authentication != "None" {
        parts.push(format!("auth {}", w.authentication));
    }
    if let Some(runs) = w.concurrency {
        parts.push(format!("{runs} runs at once"));
    }
    if let Some(seconds) = w.timeout_seconds {
        parts.push(format!("timeout {seconds} s"));
    }
    format!("{} ({})", w.name, parts.join(", "))
}

/// Write the report as text, one summary line then details and diagnostics, indented.
pub fn write_text(report: &WorkflowReport, out: &mut dyn Write) -> std::io::Result<()> {
    if report.ok {
        writeln!(
            out,
            "ok   {}  workflow  {} HttpWebhook trigger(s), {} HttpWebhook action(s), {} skipped",
            report.spec,
            report.triggers.len(),
            report.actions.len(),
            report.skipped.len()
        )?;
        for trigger in &report.triggers {
            writeln!(out, "     trigger {}", webhook_text(trigger))?;
        }
        for action in &report.actions {
            writeln!(out, "     action {}", webhook_text(action))?;
        }
        if !report.skipped.is_empty() {
            writeln!(out, "     skipped: {}", report.skipped.join(", "))?;
        }
    } else {
        let errors = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        writeln!(
            out,
            "FAIL {}: workflow refused ({errors} error(s))",
            report.spec
        )?;
    }
    for d in &report.diagnostics {
        let what = match d.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        writeln!(out, "     {what}: {}: {}", d.pointer, d.message)?;
    }
    Ok(())
}

/// Write the report as one JSON line.
pub fn write_json(report: &WorkflowReport, out: &mut dyn Write) -> std::io::Result<()> {
    let line = serde_json::to_string(report).map_err(std::io::Error::other)?;
    writeln!(out, "{line}")
}
