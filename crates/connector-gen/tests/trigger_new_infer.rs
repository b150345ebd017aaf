//! Schema inference of `trigger new`: what a careful human would write from the samples.

use connector_gen::trigger_new::infer::{Format, Kind, Shape};
use serde_json::{json, Value};

fn schema(samples: &[Value]) -> Value {
    Shape::observe_all(samples).to_schema(None)
}

#[test]
fn array_items_are_merged_across_elements_and_samples() {
    let merged = schema(&[
        json!({"labels": [{"id": 1, "name": "bug"}, {"id": 2, "name": "docs", "color": "f29513"}]}),
        json!({"labels": [{"id": 3, "name": "ui", "weight": 0.5}]}),
    ]);
    let items = &merged["properties"]["labels"]["items"];
    assert_eq!(items["type"], "object");
    assert_eq!(items["required"], json!(["id", "name"]));
    let names: Vec<&String> = items["properties"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["id", "name", "color", "weight"]);
    assert_eq!(items["properties"]["weight"]["type"], "number");
    // The item is not summarised; the array is.
    assert!(items.get("x-ms-summary").is_none());
    assert_eq!(merged["properties"]["labels"]["x-ms-summary"], "Labels");
}

#[test]
fn optional_is_missing_somewhere_and_nullable_is_null_somewhere() {
    let merged = schema(&[
        json!({"closed_at": null, "merged": true, "title": "a", "draft": false}),
        json!({"closed_at": "2026-01-15T18:21:09Z", "title": "b"}),
    ]);
    assert_eq!(merged["required"], json!(["closed_at", "title"]));
    let closed = &merged["properties"]["closed_at"];
    assert_eq!(closed["type"], "string");
    assert_eq!(closed["format"], "date-time");
    assert_eq!(closed["x-nullable"], true);
    let merged_flag = &merged["properties"]["merged"];
    assert_eq!(merged_flag["type"], "boolean");
    assert!(
        merged_flag.get("x-nullable").is_none(),
        "optional, not nullable"
    );
    // Only ever null: no type to claim.
    let only_null = schema(&[json!({"base_ref": null})]);
    assert_eq!(
        only_null["properties"]["base_ref"],
        json!({"x-nullable": true, "x-ms-summary": "Base Ref"})
    );
}

#[test]
fn formats_are_recognised_and_kept_only_when_every_sample_agrees() {
    let merged = schema(&[json!({
        "at": "2026-01-15T10:21:09-08:00",
        "day": "2026-01-15",
        "link": "https://github.com/octocat",
        "mail": "octocat@github.com",
        "guid": "9f8e3c2a-1b4d-4e6f-8a9b-0c1d2e3f4a5b",
        "plain": "refs/heads/main",
        "varies": "2026-01-15"
    })]);
    let format = |name: &str| merged["properties"][name].get("format").cloned();
    assert_eq!(format("at"), Some(json!("date-time")));
    assert_eq!(format("day"), Some(json!("date")));
    assert_eq!(format("link"), Some(json!("uri")));
    assert_eq!(format("mail"), Some(json!("email")));
    assert_eq!(format("guid"), Some(json!("uuid")));
    assert_eq!(format("plain"), None);
    let disagree = schema(&[json!({"varies": "2026-01-15"}), json!({"varies": "soon"})]);
    assert!(disagree["properties"]["varies"].get("format").is_none());
    assert_eq!(Format::of("2026-02-30T00:00:00Z"), Some(Format::DateTime));
}

#[test]
fn enums_are_never_guessed() {
    let merged = schema(&[
        json!({"state": "open"}),
        json!({"state": "closed"}),
        json!({"state": "open"}),
    ]);
    assert_eq!(
        merged["properties"]["state"],
        json!({"type": "string", "x-ms-summary": "State"})
    );
}

#[test]
fn integers_widen_to_numbers_and_disagreeing_types_become_any() {
    let merged = schema(&[
        json!({"count": 1, "amount": 1, "id": 12345678901_i64, "odd": "x"}),
        json!({"count": 2, "amount": 2.5, "id": 1, "odd": {"a": 1}}),
    ]);
    assert_eq!(merged["properties"]["count"]["type"], "integer");
    assert_eq!(merged["properties"]["count"]["format"], "int64");
    assert_eq!(merged["properties"]["amount"]["type"], "number");
    assert_eq!(merged["properties"]["id"]["type"], "integer");
    assert!(merged["properties"]["odd"].get("type").is_none());
    assert!(matches!(Shape::observe(&json!(1e3)).kind, Kind::Number));
}

#[test]
fn an_object_in_one_sample_and_absent_in_another_is_an_optional_object() {
    let merged = schema(&[
        json!({"action": "opened", "pull_request": {"number": 2, "user": {"login": "hubot"}}}),
        json!({"action": "closed"}),
    ]);
    assert_eq!(merged["required"], json!(["action"]));
    let pull = &merged["properties"]["pull_request"];
    assert_eq!(pull["type"], "object");
    assert_eq!(pull["x-ms-summary"], "Pull Request");
    // Inside, presence is counted among the objects that were there.
    assert_eq!(pull["required"], json!(["number", "user"]));
    assert_eq!(pull["properties"]["user"]["required"], json!(["login"]));
}

#[test]
fn an_array_seen_only_empty_has_items_of_any_type_until_a_sample_fills_it() {
    let empty = schema(&[json!({"added": []})]);
    assert_eq!(empty["properties"]["added"]["items"], json!({}));
    let filled = schema(&[json!({"added": []}), json!({"added": ["README.md"]})]);
    assert_eq!(
        filled["properties"]["added"]["items"],
        json!({"type": "string"})
    );
}
