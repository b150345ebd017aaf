//! `trigger new` from GitHub's documented samples: the spec written is read by `check` as the
//! GitHub webhook sample's trigger, a second trigger appends without changing the first, and
//! bad input is refused with an error naming the file and pointer, writing nothing.

use connector_gen::check::{self, CheckArgs, Format};
use connector_gen::trigger_new::{Answer, Error, TriggerDefinition};
use connector_gen::Generator;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn github(file: &str) -> PathBuf {
    root().join("tests/fixtures/trigger_new/github").join(file)
}

const LOCATION: &str = "https://api.github.com/repos/octocat/Hello-World/hooks/12345678";

fn pull_request_trigger() -> TriggerDefinition {
    TriggerDefinition::new(
        "OnPullRequest",
        "When a pull request is opened or code is pushed",
        "POST https://api.github.com/repos/{owner}/{repo}/hooks",
        github("create-hook.json"),
        Answer::new(201, Some(github("create-hook-answer.json"))).with_header("Location", LOCATION),
        vec![github("push.json"), github("pull_request.json")],
    )
    .with_callback("/config/url")
    .with_security(connector_gen::trigger_new::Security::Basic)
    .with_title("GitHub Webhooks")
}

fn org_push_trigger() -> TriggerDefinition {
    TriggerDefinition::new(
        "OnOrgPush",
        "When code is pushed to any repository of an organisation",
        "POST https://api.github.com/orgs/{org}/hooks",
        github("create-hook.json"),
        Answer::new(201, Some(github("create-org-hook-answer.json"))).with_header(
            "Location",
            "https://api.github.com/orgs/octo-org/hooks/12345679",
        ),
        vec![github("push.json")],
    )
    .with_callback("/config/url")
    .with_security(connector_gen::trigger_new::Security::Basic)
}

/// `check --format json` of `spec`, parsed.
fn check_json(spec: &Path) -> Value {
    let args = CheckArgs {
        format: Format::Json,
        strict: false,
        callback_field: None,
        specs: vec![spec.to_path_buf()],
    };
    let mut out = Vec::new();
    assert_eq!(check::run(&args, &mut out), 0);
    serde_json::from_slice(&out).unwrap()
}

/// The parts of a reported trigger that say how it works, without the names chosen for it.
fn behaviour(trigger: &Value) -> Value {
    let unsubscribe = &trigger["unsubscribe"];
    let path = unsubscribe["path"].as_str().unwrap().to_ascii_lowercase();
    json!({
        "kind": trigger["kind"],
        "batch": trigger["batch"],
        "callback_pointer": trigger["callback_pointer"],
        "unsubscribe": {
            "path": path,
            "id_from": unsubscribe["id_from"],
            "from_subscribe": unsubscribe["from_subscribe"],
            "fixed": unsubscribe["fixed"],
            "parameters": unsubscribe["parameters"],
        }
    })
}

#[test]
fn github_samples_give_the_sample_connectors_trigger() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("github.swagger.json");
    let built = pull_request_trigger().write_to(&spec).unwrap();
    assert!(built.warnings.is_empty(), "{:?}", built.warnings);

    let ours = check_json(&spec);
    assert_eq!(ours["ok"], true);
    assert_eq!(ours["warnings"], json!([]));
    let sample =
        check_json(&root().join("../../samples/github-webhook/github-webhook.swagger.json"));
    assert_eq!(
        behaviour(&ours["triggers"][0]),
        behaviour(&sample["triggers"][0])
    );
    assert_eq!(ours["triggers"][0]["callback_pointer"], "/config/url");
    assert_eq!(ours["triggers"][0]["unsubscribe"]["id_from"], "/id");

    // The Power Platform shape, by the keys a connector author looks for.
    let doc = &built.spec;
    let item = &doc["paths"]["/repos/{owner}/{repo}/hooks"];
    assert_eq!(
        item["x-ms-notification-content"]["schema"]["$ref"],
        "#/definitions/OnPullRequestNotification"
    );
    assert_eq!(item["post"]["x-ms-trigger"], "single");
    assert_eq!(
        item["post"]["responses"]["201"]["headers"]["Location"]["type"],
        "string"
    );
    let url =
        &doc["definitions"]["OnPullRequestRequest"]["properties"]["config"]["properties"]["url"];
    assert_eq!(url["x-ms-notification-url"], true);
    assert_eq!(url["x-ms-visibility"], "internal");
    let delete = &doc["paths"]["/repos/{owner}/{repo}/hooks/{hook_id}"]["delete"];
    assert_eq!(delete["x-ms-visibility"], "internal");
    assert_eq!(doc["securityDefinitions"]["basic_auth"]["type"], "basic");
    assert_eq!(doc["security"], json!([{"basic_auth": []}]));
    // Shared shapes are named once: every user object is one definition.
    let defs = doc["definitions"].as_object().unwrap();
    assert_eq!(
        defs["User"]["required"],
        json!(["login", "id", "type", "html_url"])
    );
    let notification = &defs["OnPullRequestNotification"];
    assert_eq!(
        notification["properties"]["sender"]["$ref"],
        "#/definitions/User"
    );
    assert_eq!(
        notification["properties"]["pull_request"]["properties"]["user"]["$ref"],
        "#/definitions/User"
    );
    assert_eq!(notification["required"], json!(["repository", "sender"]));

    // Deterministic: the same inputs write the same bytes.
    let again = pull_request_trigger().build(None).unwrap();
    assert_eq!(again.text, std::fs::read_to_string(&spec).unwrap());

    let generated = Generator::from_path(&spec).unwrap().generate().unwrap();
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
}

#[test]
fn a_second_trigger_appends_and_leaves_the_first_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("github.swagger.json");
    pull_request_trigger().write_to(&spec).unwrap();
    let before_text = std::fs::read_to_string(&spec).unwrap();
    let before: Value = serde_json::from_str(&before_text).unwrap();
    let first = check_json(&spec)["triggers"][0].clone();

    org_push_trigger().write_to(&spec).unwrap();
    let after: Value = serde_json::from_str(&std::fs::read_to_string(&spec).unwrap()).unwrap();
    let report = check_json(&spec);
    assert_eq!(report["warnings"], json!([]));
    assert_eq!(report["triggers"].as_array().unwrap().len(), 2);
    assert_eq!(
        report["triggers"][0], first,
        "the first trigger reads as before"
    );
    assert_eq!(report["triggers"][1]["callback_pointer"], "/config/url");
    assert_eq!(
        report["triggers"][1]["unsubscribe"]["path"],
        "/orgs/{org}/hooks/{hook_id}"
    );
    // Everything that was there is still there, the same.
    for section in ["paths", "definitions", "securityDefinitions"] {
        for (key, value) in before[section].as_object().unwrap() {
            assert_eq!(&after[section][key], value, "{section} {key}");
        }
    }
    for key in ["swagger", "info", "host", "basePath", "schemes", "security"] {
        assert_eq!(after[key], before[key], "{key}");
    }
    // Shapes of the second trigger whose names were taken get its name in front.
    assert!(after["definitions"]["OnOrgPushCommit"].is_object());

    let generated = Generator::from_path(&spec).unwrap().generate().unwrap();
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);

    // Appending the same trigger again is refused, and the file stays as it was.
    let text = std::fs::read_to_string(&spec).unwrap();
    let error = org_push_trigger().write_to(&spec).unwrap_err();
    assert!(
        matches!(&error, Error::Clash { what, .. } if what == "operationId OnOrgPush"),
        "{error}"
    );
    assert!(error.to_string().contains("github.swagger.json"), "{error}");
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), text);
}

#[test]
fn clashes_on_path_and_definition_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("github.swagger.json");
    pull_request_trigger().write_to(&spec).unwrap();
    let mut same_path = org_push_trigger();
    same_path.subscribe = "POST https://api.github.com/repos/{owner}/{repo}/hooks".into();
    same_path.answer = Answer::new(201, None).with_header("Location", LOCATION);
    let error = same_path
        .build(Some((&spec, &std::fs::read(&spec).unwrap())))
        .unwrap_err();
    assert!(
        matches!(&error, Error::Clash { what, .. } if what == "POST /repos/{owner}/{repo}/hooks"),
        "{error}"
    );
    // The same trigger name in another spelling: its operations are taken.
    let mut same_name = org_push_trigger();
    same_name.name = "on-pull-request".into();
    let error = same_name
        .build(Some((&spec, &std::fs::read(&spec).unwrap())))
        .unwrap_err();
    assert!(
        matches!(&error, Error::Clash { what, .. } if what == "operationId DeleteOnPullRequestSubscription"),
        "{error}"
    );
    // A hand-written definition with the name the trigger's request schema would take.
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&spec).unwrap()).unwrap();
    doc["definitions"]["OnOrgPushRequest"] = json!({"type": "object"});
    let text = serde_json::to_vec(&doc).unwrap();
    let error = org_push_trigger().build(Some((&spec, &text))).unwrap_err();
    assert!(
        matches!(&error, Error::Clash { what, .. } if what == "definition OnOrgPushRequest"),
        "{error}"
    );
    let mut other_host = org_push_trigger();
    other_host.subscribe = "POST https://api.example.com/orgs/{org}/hooks".into();
    let error = other_host
        .build(Some((&spec, &std::fs::read(&spec).unwrap())))
        .unwrap_err();
    assert!(error.to_string().contains("api.example.com"), "{error}");
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_array_sample_means_batch_and_an_answer_without_location_needs_an_unsubscribe_request() {
    let dir = tempfile::tempdir().unwrap();
    let body = write(
        dir.path(),
        "body.json",
        r#"{"notificationUrl": "https://example.com/cb", "kind": "order"}"#,
    );
    let answer = write(
        dir.path(),
        "answer.json",
        r#"{"subscriptionId": "s-1", "expires": "2026-02-01"}"#,
    );
    let events = write(
        dir.path(),
        "events.json",
        r#"[{"id": "e1", "amount": 1.5}, {"id": "e2", "amount": 2, "note": null}]"#,
    );
    let definition = TriggerDefinition::new(
        "OnEvents",
        "When events happen",
        "POST https://api.example.com/v1/subscriptions?api-version=2",
        &body,
        Answer::new(201, Some(answer.clone())),
        vec![events.clone()],
    );
    // Without Location and without an unsubscribe request: refused.
    let error = definition.build(None).unwrap_err();
    assert!(matches!(error, Error::Unsubscribe(_)), "{error}");
    assert!(error.to_string().contains("--unsubscribe"), "{error}");

    let definition = definition
        .with_unsubscribe(
            "DELETE https://api.example.com/v1/subscriptions/{subscriptionId}",
            "/subscriptionId",
        )
        .with_security(connector_gen::trigger_new::Security::ApiKeyHeader(
            "X-Api-Key".into(),
        ));
    let built = definition.build(None).unwrap();
    // The only URL in the body is taken as the callback field, with a warning.
    assert_eq!(built.warnings.len(), 1, "{:?}", built.warnings);
    assert!(
        built.warnings[0].contains("/notificationUrl"),
        "{:?}",
        built.warnings
    );
    let item = &built.spec["paths"]["/v1/subscriptions"];
    assert_eq!(item["post"]["x-ms-trigger"], "batch");
    assert_eq!(item["x-ms-notification-content"]["schema"]["type"], "array");
    let query = &item["post"]["parameters"][0];
    assert_eq!(query["name"], "api-version");
    assert_eq!(query["default"], "2");
    assert_eq!(
        built.spec["definitions"]["OnEventsNotification"]["properties"]["amount"]["type"],
        "number"
    );
    assert_eq!(
        built.spec["securityDefinitions"]["api_key"],
        json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"})
    );
    let spec = write(dir.path(), "events.swagger.json", &built.text);
    let report = check_json(&spec);
    let trigger = &report["triggers"][0];
    assert_eq!(trigger["batch"], true);
    assert_eq!(trigger["callback_pointer"], "/notificationUrl");
    assert_eq!(trigger["unsubscribe"]["id_from"], "/subscriptionId");
    assert_eq!(
        trigger["unsubscribe"]["path"],
        "/v1/subscriptions/{subscriptionId}"
    );

    // An id pointer the answer lacks: refused, naming the answer file and pointer.
    let error = TriggerDefinition::new(
        "OnEvents",
        "When events happen",
        "POST https://api.example.com/v1/subscriptions",
        &body,
        Answer::new(201, Some(answer.clone())),
        vec![events],
    )
    .with_unsubscribe(
        "DELETE https://api.example.com/v1/subscriptions/{subscriptionId}",
        "/data/id",
    )
    .build(None)
    .unwrap_err();
    assert!(
        matches!(
            error,
            Error::PointerNotInSample {
                role: "unsubscribe id",
                ..
            }
        ),
        "{error}"
    );
    let text = error.to_string();
    assert!(
        text.contains("answer.json") && text.contains("/data/id"),
        "{text}"
    );
}

#[test]
fn bad_input_is_refused_with_file_and_pointer_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("out.swagger.json");

    // A callback pointer that is not in the body sample.
    let error = pull_request_trigger()
        .with_callback("/config/callback")
        .write_to(&spec)
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::PointerNotInSample {
                role: "callback",
                ..
            }
        ),
        "{error}"
    );
    let text = error.to_string();
    assert!(
        text.contains("create-hook.json") && text.contains("/config/callback"),
        "{text}"
    );
    assert!(!spec.exists());

    // A sample that is not JSON: file, line and column.
    let broken = write(
        dir.path(),
        "push.json",
        "{\n  \"ref\": \"refs/heads/main\",\n  \"after\": \n}\n",
    );
    let mut definition = pull_request_trigger();
    definition.notifications = vec![broken];
    let error = definition.write_to(&spec).unwrap_err();
    assert!(
        matches!(
            error,
            Error::NotJson {
                line: 4,
                column: 1,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("push.json:4:1"), "{error}");
    assert!(!spec.exists());

    // A URL template with unbalanced braces.
    let mut definition = pull_request_trigger();
    definition.subscribe = "POST https://api.github.com/repos/{owner/{repo}/hooks".into();
    let error = definition.write_to(&spec).unwrap_err();
    assert!(
        matches!(error, Error::UrlTemplate { column: 30, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("{owner/{repo}"), "{error}");
    assert!(!spec.exists());

    // Notification samples that disagree on batch.
    let mut definition = pull_request_trigger();
    definition
        .notifications
        .push(write(dir.path(), "many.json", "[{}]"));
    assert!(matches!(
        definition.write_to(&spec),
        Err(Error::MixedBatch { .. })
    ));

    // No callback pointer and several URLs in the body.
    let body = write(
        dir.path(),
        "body.json",
        r#"{"a": "https://x.io/1", "b": {"c": "https://x.io/2"}}"#,
    );
    let mut definition = pull_request_trigger();
    definition.subscribe_body = body;
    definition.callback = None;
    let error = definition.write_to(&spec).unwrap_err();
    assert!(error.to_string().contains("/a, /b/c"), "{error}");
    assert!(!spec.exists());
}
