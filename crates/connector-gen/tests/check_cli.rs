//! `connector-gen check` as a user runs it: the real binary, real spec files, exit codes,
//! text and JSON output.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn connector_gen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connector-gen"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// `tests/corpus/<rel>` in the repository; the test fails when it is missing.
fn corpus(rel: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus")
        .join(rel);
    assert!(path.exists(), "{} is missing", path.display());
    path
}

fn specs_in(dir: &Path) -> Vec<String> {
    let mut specs: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path().join("apiDefinition.swagger.json"))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    specs.sort();
    specs
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn write_temp(dir: &tempfile::TempDir, name: &str, contents: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    path.display().to_string()
}

#[test]
fn power_platform_corpus_is_all_ok_with_callback_pointers() {
    let dir = corpus("power-platform");
    let specs = specs_in(&dir);
    let mut args = vec!["check", "--format", "json"];
    args.extend(specs.iter().map(String::as_str));
    let output = connector_gen(&args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let reports = json_lines(&output);
    assert_eq!(reports.len(), 40);
    for report in &reports {
        assert_eq!(report["ok"], true, "{report}");
        assert!(report["actions"].as_u64().unwrap() > 0);
        assert!(report["errors"].as_array().unwrap().is_empty());
        for trigger in report["triggers"].as_array().unwrap() {
            assert!(trigger["batch"].is_boolean());
            assert!(trigger.get("notification_type").is_some());
            assert!(trigger.get("unsubscribe").is_some());
            if trigger["kind"] == "webhook" {
                assert!(
                    trigger["callback_pointer"].is_string(),
                    "{}: {trigger}",
                    report["spec"]
                );
            } else {
                assert_eq!(trigger["kind"], "polling");
            }
        }
    }
}

#[test]
fn quirks_are_repaired_and_reported_and_the_broken_one_fails() {
    let dir = corpus("quirks");
    let specs = specs_in(&dir);
    let mut args = vec!["check", "--format", "json"];
    args.extend(specs.iter().map(String::as_str));
    let output = connector_gen(&args);
    assert_eq!(output.status.code(), Some(1), "one spec failed");
    let reports = json_lines(&output);
    assert_eq!(reports.len(), 5);
    for report in &reports {
        let spec = report["spec"].as_str().unwrap();
        if spec.contains("broken-giphy") {
            assert_eq!(report["ok"], false);
            let error = &report["errors"][0];
            assert_eq!(
                (error["line"].as_u64(), error["column"].as_u64()),
                (Some(810), Some(13))
            );
            assert!(error["pointer"].as_str().unwrap().starts_with("/paths/"));
        } else {
            assert_eq!(report["ok"], true, "{report}");
            let warnings = report["warnings"].as_array().unwrap();
            assert!(!warnings.is_empty(), "{spec}: a warning per repair");
            assert!(warnings
                .iter()
                .all(|w| w["pointer"].is_string() && w["message"].is_string()));
        }
    }

    // The text format names file:line:col for the broken one.
    let text = connector_gen(&["check", &specs[1]]);
    assert_eq!(text.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.starts_with(&format!("FAIL {}:810:13: ", specs[1])),
        "{stdout}"
    );

    // --strict refuses the four repairable ones too.
    let mut strict = vec!["check", "--strict", "--format", "json"];
    strict.extend(specs.iter().map(String::as_str));
    let strict = connector_gen(&strict);
    assert_eq!(strict.status.code(), Some(1));
    let reports = json_lines(&strict);
    assert!(reports.iter().all(|r| r["ok"] == false), "{reports:?}");
    assert!(reports
        .iter()
        .all(|r| !r["errors"].as_array().unwrap().is_empty()));
}

#[test]
fn github_rest_api_checks_ok() {
    let spec = corpus("github/api.github.com.json");
    let output = connector_gen(&["check", &spec.display().to_string()]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("ok   "), "{stdout}");
    assert!(stdout.contains("\"GitHub v3 REST API\""), "{stdout}");
}

const HOOKS: &str = r##"{
  "swagger": "2.0",
  "info": {"title": "Hooks", "version": "1"},
  "paths": {
    "/hooks": {
      "x-ms-notification-content": {"schema": {"$ref": "#/definitions/Event"}},
      "post": {
        "operationId": "CreateHook", "x-ms-trigger": "single",
        "parameters": [{"name": "body", "in": "body", "schema": {"type": "object", "properties": {
          "config": {"type": "object", "properties": {"url": {"type": "string", "x-ms-notification-url": true}}}}}}],
        "responses": {"201": {"description": "ok", "schema": {"type": "object", "properties": {"id": {"type": "integer"}}}}}
      }
    },
    "/hooks/{id}": {"delete": {"operationId": "DeleteHook",
      "parameters": [{"name": "id", "in": "path", "required": true, "type": "integer"}],
      "responses": {"204": {"description": "gone"}}}},
    "/items": {"get": {"operationId": "ListItems", "responses": {"200": {"description": "ok"}}}}
  },
  "definitions": {"Event": {"type": "object"}},
}"##;

#[test]
fn text_output_is_one_line_per_spec_plus_indented_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_temp(&dir, "hooks.json", HOOKS.as_bytes());
    let output = connector_gen(&["check", &spec]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "ok   {spec}  \"Hooks\"  3 actions, 1 trigger (webhook single, callback /config/url, unsubscribe DeleteHook)"
        )
    );
    assert_eq!(lines[1], "     warning: 19:47: trailing comma removed");
    assert_eq!(lines.len(), 2);
}

#[test]
fn json_output_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_temp(&dir, "hooks.json", HOOKS.as_bytes());
    let output = connector_gen(&[
        "check",
        "--format",
        "json",
        "--callback-field",
        "/target",
        &spec,
    ]);
    assert_eq!(output.status.code(), Some(0));
    let reports = json_lines(&output);
    assert_eq!(
        reports,
        [serde_json::json!({
            "spec": spec,
            "ok": true,
            "title": "Hooks",
            "actions": 3,
            "triggers": [{
                "operation_id": "CreateHook",
                "kind": "webhook",
                "batch": false,
                "callback_pointer": "/target",
                "notification_type": "Event",
                "unsubscribe": {
                    "operation_id": "DeleteHook",
                    "id_from": "/id",
                    "path": "/hooks/{id}",
                    "id_param": "id",
                    "from_subscribe": {},
                    "fixed": {},
                    "parameters": []
                }
            }],
            "warnings": [{"pointer": "", "message": "trailing comma removed"}],
            "errors": []
        })]
    );
}

#[test]
fn missing_and_garbage_files_fail_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = write_temp(
        &dir,
        "garbage.json",
        b"{\"swagger\": \"2.0\", \x00\xff\xfe garbage",
    );
    let missing = dir.path().join("missing.json").display().to_string();
    let output = connector_gen(&["check", "--format", "json", &garbage, &missing]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let reports = json_lines(&output);
    assert_eq!(reports.len(), 2);
    assert!(reports
        .iter()
        .all(|r| r["ok"] == false && !r["errors"].as_array().unwrap().is_empty()));
    assert_eq!(reports[0]["errors"][0]["line"], 1);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_temp(&dir, "hooks.json", HOOKS.as_bytes());
    assert_eq!(connector_gen(&["check"]).status.code(), Some(2), "no spec");
    assert_eq!(
        connector_gen(&["check", "--format", "xml", &spec])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        connector_gen(&["check", "--callback-field", "config/url", &spec])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        connector_gen(&["check", "--bogus", &spec]).status.code(),
        Some(2)
    );
}

#[test]
fn a_logic_apps_workflow_file_is_checked_like_a_spec() {
    let workflow = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../connector-runtime/tests/fixtures/logic-apps/workflow.json")
        .display()
        .to_string();
    let output = connector_gen(&["check", &workflow]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("workflow  1 HttpWebhook trigger(s), 1 HttpWebhook action(s), 2 skipped"),
        "{text}"
    );
    assert!(
        text.contains("trigger When_an_order_is_created (subscribe POST, unsubscribe POST)"),
        "{text}"
    );
    assert!(
        text.contains(
            "action Wait_for_approval (subscribe POST, unsubscribe POST, timeout 3600 s)"
        ),
        "{text}"
    );
    assert!(
        text.contains("skipped: Compose (Compose), Scope (Scope)"),
        "{text}"
    );

    // A refused definition fails the check with its pointer, in JSON too.
    let dir = tempfile::tempdir().unwrap();
    let bad = write_temp(
        &dir,
        "bad-workflow.json",
        br#"{"definition": {"triggers": {"hook": {"type": "HttpWebhook", "inputs": {
            "subscribe": {"method": "POST", "uri": "/relative",
                          "authentication": {"type": "ManagedServiceIdentity"}}}}}}}"#,
    );
    let output = connector_gen(&["check", "--format", "json", &bad]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report = &json_lines(&output)[0];
    assert_eq!(report["kind"], "workflow");
    assert_eq!(report["ok"], false);
    let pointers: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        [
            "/definition/triggers/hook/inputs/subscribe/uri",
            "/definition/triggers/hook/inputs/subscribe/authentication/type"
        ]
    );
}
