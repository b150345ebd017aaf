//! Whatever the file holds, loading never panics: random byte mutations and truncations of
//! real specs, and random structural mutations (any node replaced by any value) of them.
//!
//! `load_bytes` turns a panic on its loading thread into `Error::Invalid` with an
//! "internal error" message, so the property checked is that this never happens.

use connector_model::{load_bytes, Error, LoadOptions};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::OnceLock;

/// A few real specs of different shapes (small ones, so each case runs fast in debug builds).
const SAMPLES: [&str; 5] = [
    "power-platform/lawlift/apiDefinition.swagger.json",
    "power-platform/annature/apiDefinition.swagger.json",
    "power-platform/truedialog-sms/apiDefinition.swagger.json",
    "power-platform/companyconnect/apiDefinition.swagger.json",
    "quirks/trailing-commas-cireson-service-manager-portal/apiDefinition.swagger.json",
];

/// An inline spec beside the real ones: small, so shrinking finds short counterexamples.
fn inline_spec() -> Vec<u8> {
    serde_json::to_vec_pretty(&json!({
        "swagger": "2.0",
        "info": {"title": "Inline", "version": "1"},
        "host": "example.com",
        "definitions": {"Node": {"type": "object", "properties": {
            "next": {"$ref": "#/definitions/Node"},
            "url": {"type": "string", "x-ms-notification-url": true}}}},
        "parameters": {"Top": {"name": "top", "in": "query", "type": "integer"}},
        "paths": {
            "/hooks": {
                "x-ms-notification-content": {"schema": {"$ref": "#/definitions/Node"}},
                "post": {"operationId": "Sub", "x-ms-trigger": "single",
                    "parameters": [{"$ref": "#/parameters/Top"},
                                   {"name": "body", "in": "body", "schema": {"$ref": "#/definitions/Node"}}],
                    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Node"}}}}
            },
            "/hooks/{id}": {"delete": {"operationId": "Unsub",
                "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
                "responses": {"default": {"description": "x"}}}},
            "/files": {"post": {"consumes": ["multipart/form-data"],
                "parameters": [{"name": "f", "in": "formData", "type": "file"},
                               {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"},
                                "collectionFormat": "multi"}],
                "responses": {"200": {"description": "ok"}}}}
        }
    }))
    .unwrap()
}

fn samples() -> &'static Vec<Vec<u8>> {
    static SAMPLES_BYTES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SAMPLES_BYTES.get_or_init(|| {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus");
        let mut out = vec![inline_spec()];
        out.extend(SAMPLES.iter().map(|rel| {
            let path = corpus.join(rel);
            std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        }));
        out
    })
}

fn assert_no_internal_error(bytes: &[u8]) {
    for strict in [false, true] {
        let opts = LoadOptions::new().with_strict(strict);
        if let Err(Error::Invalid { message, .. }) = load_bytes("mutant.json", bytes, &opts) {
            assert!(!message.starts_with("internal error"), "{message}");
        }
    }
}

/// Every pointer of a value, for picking nodes to mutate.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(child, p, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(child, p, out);
            }
        }
        _ => {}
    }
}

fn replacement(kind: u8, n: i64) -> Value {
    match kind % 12 {
        0 => Value::Null,
        1 => json!(n),
        2 => json!(-1.5),
        3 => json!("string"),
        4 => json!([]),
        5 => json!({}),
        6 => json!(true),
        7 => json!({"$ref": "#/definitions/Nowhere"}),
        8 => json!({"$ref": "#/definitions/Node"}),
        9 => json!({"type": ["string", "null", "integer"], "items": [1]}),
        10 => json!([{"$ref": 5}, {"name": 1, "in": "body"}]),
        _ => json!({"x-ms-notification-url": "true", "allOf": [{"allOf": {}}]}),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn byte_mutations_and_truncations_never_panic(
        which in any::<prop::sample::Index>(),
        mutations in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let specs = samples();
        let mut bytes = which.get(specs).clone();
        for (at, byte) in mutations {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len()));
        }
        assert_no_internal_error(&bytes);
    }

    #[test]
    fn structural_mutations_never_panic(
        which in any::<prop::sample::Index>(),
        mutations in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), any::<i64>()), 1..6),
    ) {
        let specs = samples();
        let spec: &Vec<u8> = which.get(specs);
        let mut diags = connector_model::diagnostics::Diagnostics::new();
        let mut value = connector_model::load::parse("spec", spec, &mut diags).unwrap_or(Value::Null);
        for (at, kind, n) in mutations {
            let mut all = Vec::new();
            pointers(&value, String::new(), &mut all);
            if all.is_empty() {
                break;
            }
            let pointer = at.get(&all).clone();
            if let Some(node) = value.pointer_mut(&pointer) {
                *node = replacement(kind, n);
            }
        }
        assert_no_internal_error(&serde_json::to_vec(&value).unwrap());
    }
}

#[test]
fn pathological_inputs_do_not_panic() {
    let deep_schema = {
        let mut s = json!({"type": "string"});
        for _ in 0..60 {
            s = json!({"type": "object", "properties": {"a": s}});
        }
        s
    };
    let cases: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\xEF\xBB\xBF".to_vec(),
        b"\xFF\xFE".to_vec(),
        b"{".repeat(100_000),
        b"[".repeat(100_000),
        b"- - - - - - - - - -".to_vec(),
        b"a: &a [*a, *a, *a]".to_vec(),
        b"{\"swagger\": \"2.0\", \"paths\": {\"/a\": {\"get\": null}}}".to_vec(),
        serde_json::to_vec(&json!({"swagger": "2.0", "info": {}, "definitions": {"D": deep_schema}, "paths": {}})).unwrap(),
        serde_json::to_vec(&json!({"openapi": "3.0.0", "info": {"title": 1, "version": 2}, "paths": {"/a": {
            "get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}, "callbacks": {"c": {"$ref": "#/components/callbacks/c"}}},
            "parameters": [{"$ref": "#/components/parameters/P"}]}},
            "components": {"parameters": {"P": {"$ref": "#/components/parameters/P"}},
                           "callbacks": {"c": {"$ref": "#/components/callbacks/c"}},
                           "schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}}})).unwrap(),
    ];
    for bytes in cases {
        assert_no_internal_error(&bytes);
    }
}

#[test]
fn the_deepest_nesting_the_parser_accepts_loads() {
    // `items` nests one JSON level per schema level: the worst case for recursive steps.
    let mut schema = json!({"type": "string"});
    for _ in 0..(connector_model::load::json::MAX_DEPTH - 8) {
        schema = json!({"type": "array", "items": schema});
    }
    let spec = json!({"swagger": "2.0", "info": {"title": "deep", "version": "1"},
        "paths": {"/a": {"post": {"operationId": "A",
            "parameters": [{"name": "body", "in": "body", "schema": schema}],
            "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Deep"}}}}}},
        "definitions": {"Deep": schema}});
    let bytes = serde_json::to_vec(&spec).unwrap();
    let loaded = load_bytes("deep.json", &bytes, &LoadOptions::new()).unwrap();
    assert_eq!(loaded.connector.actions.len(), 1);
}
