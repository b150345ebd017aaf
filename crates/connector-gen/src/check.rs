//! `connector-gen check`: load specs and report the connector model and diagnostics.
//!
//! Text output is one line per spec followed by its diagnostics, indented; JSON output is one
//! object per line. The exit code is 0 when every spec loaded (warnings allowed), 1 when any
//! failed; usage errors (2) are clap's.

use connector_model::{load_path, Connector, Diagnostic, LoadOptions, Severity, TriggerKind};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// One readable line per spec, then its diagnostics.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Arguments of `check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Refuse specs that need any repair (BOM, trailing comma, bad bytes, duplicate key, ...).
    #[arg(long)]
    pub strict: bool,
    /// JSON pointer inside the subscribe body where the callback URL goes (e.g. `/config/url`),
    /// overriding what the spec says.
    #[arg(long = "callback-field", value_name = "POINTER", value_parser = parse_pointer)]
    pub callback_field: Option<String>,
    /// Spec files (Swagger 2.0 or OpenAPI 3.x, JSON or YAML), or Logic Apps workflow files.
    #[arg(required = true, value_name = "SPEC")]
    pub specs: Vec<PathBuf>,
}

/// A JSON pointer is empty or starts with `/`.
fn parse_pointer(s: &str) -> Result<String, String> {
    if s.is_empty() || s.starts_with('/') {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not a JSON pointer (it must be empty or start with `/`)"
        ))
    }
}

/// The report of one spec: what `--format json` prints as one line.
#[derive(Debug, Clone, Serialize)]
pub struct SpecReport {
    /// The spec path as given.
    pub spec: String,
    /// True when the spec loaded.
    pub ok: bool,
    /// `info.title`, when loaded.
    pub title: Option<String>,
    /// Number of actions.
    pub actions: usize,
    /// The triggers.
    pub triggers: Vec<TriggerReport>,
    /// Repairs and degradations.
    pub warnings: Vec<WarningReport>,
    /// Why the spec failed to load.
    pub errors: Vec<ErrorReport>,
}

/// One trigger in a [`SpecReport`].
#[derive(Debug, Clone, Serialize)]
pub struct TriggerReport {
    /// Subscribe (or poll) operation id.
    pub operation_id: String,
    /// `webhook` or `polling`.
    pub kind: TriggerKind,
    /// One run per array item.
    pub batch: bool,
    /// Where the callback URL goes in the subscribe body.
    pub callback_pointer: Option<String>,
    /// Name of the notification type.
    pub notification_type: Option<String>,
    /// The query/header parameter taking the callback URL, for the rare specs that put it there
    /// (omitted from JSON when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_parameter: Option<String>,
    /// The unsubscribe route, if one was found.
    pub unsubscribe: Option<UnsubscribeReport>,
    /// The operation listing the API's hooks, if one was found (omitted from JSON when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<connector_model::HookList>,
    /// Nothing to subscribe: the provider is told the callback URL by hand (3.1 `webhooks`,
    /// 3.0 callbacks no request carries). Omitted from JSON when false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub receive_only: bool,
}

/// The unsubscribe route of a [`TriggerReport`].
#[derive(Debug, Clone, Serialize)]
pub struct UnsubscribeReport {
    /// operationId of the DELETE.
    pub operation_id: String,
    /// Pointer into the subscribe response giving the id.
    pub id_from: Option<String>,
    /// Path template of the DELETE.
    pub path: String,
    /// The placeholder taking the subscription id.
    pub id_param: Option<String>,
    /// Placeholders filled from subscribe parameters: placeholder → parameter.
    pub from_subscribe: std::collections::BTreeMap<String, String>,
    /// Placeholders the spec fixes: placeholder → text.
    pub fixed: std::collections::BTreeMap<String, String>,
    /// Query and header parameters sent with the DELETE.
    pub parameters: Vec<connector_model::UnsubscribeParameter>,
}

/// A warning in a [`SpecReport`].
#[derive(Debug, Clone, Serialize)]
pub struct WarningReport {
    /// JSON pointer.
    pub pointer: String,
    /// What happened.
    pub message: String,
}

/// An error in a [`SpecReport`].
#[derive(Debug, Clone, Serialize)]
pub struct ErrorReport {
    /// JSON pointer.
    pub pointer: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What was wrong.
    pub message: String,
}

/// The full text of the one-line error summary, kept for the text format.
struct Checked {
    report: SpecReport,
    diagnostics: Vec<Diagnostic>,
    error_summary: Option<String>,
}

fn check_one(path: &Path, opts: &LoadOptions) -> Checked {
    let spec = path.display().to_string();
    match load_path(path, opts) {
        Ok(loaded) => Checked {
            report: SpecReport {
                spec,
                ok: true,
                title: Some(loaded.connector.title.clone()),
                actions: loaded.connector.actions.len(),
                triggers: trigger_reports(&loaded.connector),
                warnings: loaded
                    .diagnostics
                    .iter()
                    .map(|d| WarningReport {
                        pointer: d.pointer.clone(),
                        message: d.message.clone(),
                    })
                    .collect(),
                errors: Vec::new(),
            },
            diagnostics: loaded.diagnostics,
            error_summary: None,
        },
        Err(error) => {
            let diagnostics = error.diagnostics();
            Checked {
                report: SpecReport {
                    spec,
                    ok: false,
                    title: None,
                    actions: 0,
                    triggers: Vec::new(),
                    warnings: Vec::new(),
                    errors: diagnostics
                        .iter()
                        .map(|d| ErrorReport {
                            pointer: d.pointer.clone(),
                            line: d.line,
                            column: d.column,
                            message: d.message.clone(),
                        })
                        .collect(),
                },
                diagnostics,
                error_summary: Some(error.to_string()),
            }
        }
    }
}

/// Each trigger of `connector` as `check` reports it.
pub fn trigger_reports(connector: &Connector) -> Vec<TriggerReport> {
    connector
        .triggers
        .iter()
        .map(|t| TriggerReport {
            operation_id: t.operation_id.clone(),
            kind: t.kind,
            batch: t.batch,
            callback_pointer: t.callback_pointer.clone(),
            notification_type: t.notification_type.clone(),
            callback_parameter: t.callback_parameter.clone(),
            receive_only: t.is_receive_only(),
            unsubscribe: t.unsubscribe.as_ref().map(|u| UnsubscribeReport {
                operation_id: u.operation_id.clone(),
                id_from: u.id_from.clone(),
                path: u.path.clone(),
                id_param: u.id_param.clone(),
                from_subscribe: u.from_subscribe.clone(),
                fixed: u.fixed.clone(),
                parameters: u.parameters.clone(),
            }),
            list: t.list.clone(),
        })
        .collect()
}

/// Checks every spec, writing the report to `out`; returns the exit code (0 or 1).
pub fn run(args: &CheckArgs, out: &mut dyn Write) -> i32 {
    let opts = LoadOptions::new()
        .with_strict(args.strict)
        .with_callback_field(args.callback_field.clone());
    let mut failed = false;
    for path in &args.specs {
        if let Some(report) = crate::check_workflow::check(path, args.strict) {
            failed |= !report.ok;
            let _ = match args.format {
                Format::Json => crate::check_workflow::write_json(&report, out),
                Format::Text => crate::check_workflow::write_text(&report, out),
            };
            continue;
        }
        let checked = check_one(path, &opts);
        failed |= !checked.report.ok;
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = match args.format {
            Format::Json => write_json(&checked.report, out),
            Format::Text => write_text(&checked, out),
        };
    }
    i32::from(failed)
}

fn write_json(report: &SpecReport, out: &mut dyn Write) -> std::io::Result<()> {
    let line = serde_json::to_string(report).map_err(std::io::Error::other)?;
    writeln!(out, "{line}")
}

fn write_text(checked: &Checked, out: &mut dyn Write) -> std::io::Result<()> {
    let report = &checked.report;
    match &checked.error_summary {
        // The error names the file (with line:column when known).
        Some(summary) => writeln!(out, "FAIL {summary}")?,
        None => writeln!(
            out,
            "ok   {}  {:?}  {}",
            report.spec,
            report.title.as_deref().unwrap_or_default(),
            summary_text(report)
        )?,
    }
    // A single error is already on the FAIL line.
    let repeat = checked.error_summary.is_none() || checked.diagnostics.len() > 1;
    for d in checked.diagnostics.iter().filter(|_| repeat) {
        let what = match d.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        let mut line = format!("     {what}: ");
        if let (Some(l), Some(c)) = (d.line, d.column) {
            line.push_str(&format!("{l}:{c}: "));
        }
        if !d.pointer.is_empty() {
            line.push_str(&d.pointer);
            line.push_str(": ");
        }
        line.push_str(&d.message);
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// `3 actions, 1 trigger (webhook single, callback /config/url, unsubscribe DeleteTrigger)`;
/// with several triggers, counts instead of details.
fn summary_text(report: &SpecReport) -> String {
    let mut text = format!(
        "{}, {}",
        plural(report.actions, "action"),
        plural(report.triggers.len(), "trigger")
    );
    match report.triggers.as_slice() {
        [] => {}
        [t] => text.push_str(&format!(" ({})", trigger_text(t))),
        many => {
            let webhooks: Vec<&TriggerReport> = many
                .iter()
                .filter(|t| t.kind == TriggerKind::Webhook && !t.receive_only)
                .collect();
            let receive_only = many.iter().filter(|t| t.receive_only).count();
            let polling = many.len() - webhooks.len() - receive_only;
            let with_callback = webhooks
                .iter()
                .filter(|t| t.callback_pointer.is_some())
                .count();
            let with_unsubscribe = webhooks.iter().filter(|t| t.unsubscribe.is_some()).count();
            let mut parts = Vec::new();
            if !webhooks.is_empty() {
                parts.push(format!(
                    "{} webhook, {with_callback} with callback, {with_unsubscribe} with unsubscribe",
                    webhooks.len()
                ));
            }
            if receive_only > 0 {
                parts.push(format!("{receive_only} receive-only"));
            }
            if polling > 0 {
                parts.push(format!("{polling} polling"));
            }
            text.push_str(&format!(" ({})", parts.join("; ")));
        }
    }
    text
}

fn trigger_text(t: &TriggerReport) -> String {
    let kind = match t.kind {
        TriggerKind::Webhook => "webhook",
        TriggerKind::Polling => "polling",
    };
    let mode = if t.batch { "batch" } else { "single" };
    let mut parts = vec![format!("{kind} {mode}")];
    if t.receive_only {
        parts.push("receive-only (register the callback URL with the provider)".to_string());
    } else if t.kind == TriggerKind::Webhook {
        match (&t.callback_pointer, &t.callback_parameter) {
            (Some(p), _) if p.is_empty() => parts.push("callback is the body".to_string()),
            (Some(p), _) => parts.push(format!("callback {p}")),
            (None, Some(param)) => parts.push(format!("callback in parameter {param}")),
            (None, None) => parts.push("no callback field".to_string()),
        }
        match &t.unsubscribe {
            Some(u) => parts.push(format!("unsubscribe {}", u.operation_id)),
            None => parts.push("no unsubscribe route".to_string()),
        }
        if let Some(list) = &t.list {
            parts.push(format!("list {}", list.operation_id));
        }
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_are_validated() {
        assert!(parse_pointer("/config/url").is_ok());
        assert!(parse_pointer("").is_ok());
        assert!(parse_pointer("config/url").is_err());
    }

    #[test]
    fn one_trigger_is_described_in_the_summary() {
        let report = SpecReport {
            spec: "s.json".into(),
            ok: true,
            title: Some("T".into()),
            actions: 3,
            triggers: vec![TriggerReport {
                operation_id: "CreateHook".into(),
                kind: TriggerKind::Webhook,
                batch: false,
                callback_pointer: Some("/config/url".into()),
                notification_type: None,
                callback_parameter: None,
                receive_only: false,
                unsubscribe: Some(UnsubscribeReport {
                    operation_id: "DeleteHook".into(),
                    id_from: Some("/id".into()),
                    path: "/hooks/{id}".into(),
                    id_param: Some("id".into()),
                    from_subscribe: Default::default(),
                    fixed: Default::default(),
                    parameters: Vec::new(),
                }),
                list: None,
            }],
            warnings: Vec::new(),
            errors: Vec::new(),
        };
        assert_eq!(
            summary_text(&report),
            "3 actions, 1 trigger (webhook single, callback /config/url, unsubscribe DeleteHook)"
        );
    }
}
