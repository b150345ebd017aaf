//! Bounded property test of the spec loader and the generator behind it (the CI companion of
//! the cargo-fuzz targets in `fuzz/`).
//!
//! Random mutations of small real specs — bytes changed, truncated, values replaced, object
//! keys renamed to hostile names (keywords, digits, emoji, empty, punctuation) — must never make
//! loading panic, and whatever loads must generate: the emitted Rust parses (the generator's
//! own syn pass) and the output is the same on a second run.

use std::path::Path;
use std::sync::OnceLock;

use connector_gen::Generator;
use connector_model::{load_bytes, Error, LoadOptions};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Small specs of different shapes, so a case stays fast in a debug build.
const SAMPLES: [&str; 3] = [
    "power-platform/lawlift/apiDefinition.swagger.json",
    "power-platform/annature/apiDefinition.swagger.json",
    "power-platform/truedialog-sms/apiDefinition.swagger.json",
];

/// Names a spec may use for anything: each is a trap for identifier generation.
const HOSTILE_NAMES: [&str; 16] = [
    "type",
    "self",
    "Self",
    "crate",
    "r#fn",
    "1st",
    "",
    "a-b.c/d",
    "🙂",
    "__",
    "_",
    "None",
    "Result",
    "mod",
    "x\"y",
    "ünïcode",
];

/// A small webhook spec written inline beside the real ones, so shrinking finds short cases.
fn inline_spec() -> Vec<u8> {
    serde_json::to_vec_pretty(&json!({
        "swagger": "2.0",
        "info": {"title": "Inline Hooks", "version": "1"},
        "host": "api.example.com",
        "basePath": "/v1",
        "definitions": {"Event": {"type": "object", "properties": {
            "id": {"type": "string"},
            "kind": {"type": "string", "enum": ["created", "deleted"]},
            "when": {"type": "string", "format": "date-time"}}}},
        "paths": {
            "/hooks": {
                "x-ms-notification-content": {"schema": {"$ref": "#/definitions/Event"}},
                "post": {"operationId": "OnEvent", "x-ms-trigger": "single",
                    "parameters": [{"name": "body", "in": "body", "schema": {"type": "object",
                        "properties": {"url": {"type": "string", "x-ms-notification-url": true}}}}],
                    "responses": {"201": {"description": "created"}}}
            },
            "/hooks/{id}": {"delete": {"operationId": "DeleteHook",
                "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
                "responses": {"204": {"description": "gone"}}}},
            "/items": {"get": {"operationId": "ListItems",
                "parameters": [{"name": "top", "in": "query", "type": "integer"}],
                "responses": {"200": {"description": "ok", "schema": {"type": "array",
                    "items": {"$ref": "#/definitions/Event"}}}}}}
        }
    }))
    .unwrap_or_default()
}

fn samples() -> &'static Vec<Vec<u8>> {
    static SPECS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SPECS.get_or_init(|| {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus");
        let mut specs = vec![inline_spec()];
        specs.extend(SAMPLES.iter().map(|rel| {
            let path = corpus.join(rel);
            std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        }));
        specs
    })
}

/// Cases per property: 16 in CI; `HARNESS_PROP_CASES` raises it for a longer local hunt.
fn cases() -> u32 {
    std::env::var("HARNESS_PROP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16)
}

/// Load (lenient and strict) and, when the lenient load succeeds, generate twice.
fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    for strict in [false, true] {
        let options = LoadOptions::new().with_strict(strict);
        match load_bytes("mutant.json", bytes, &options) {
            // Strict loading accepts a subset of what lenient loading accepts, and that was
            // generated from already.
            Ok(_) if strict => {}
            Ok(loaded) => {
                let generator = Generator::new(loaded);
                let first = generator.generate();
                let first = match first {
                    Ok(generated) => generated,
                    Err(error) => {
                        return Err(TestCaseError::fail(format!(
                            "loaded (strict: {strict}) but did not generate: {error}"
                        )))
                    }
                };
                let second = generator
                    .generate()
                    .map_err(|e| TestCaseError::fail(format!("second run failed: {e}")))?;
                prop_assert_eq!(
                    &first.files,
                    &second.files,
                    "generation is not deterministic"
                );
            }
            Err(Error::Invalid { message, .. }) => {
                prop_assert!(
                    !message.starts_with("internal error"),
                    "the loader panicked: {}",
                    message
                );
            }
            Err(_) => {}
        }
    }
    Ok(())
}

/// Every object member of a value, as (parent pointer, key).
fn members(value: &Value, at: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                out.push((at.clone(), key.clone()));
                let escaped = key.replace('~', "~0").replace('/', "~1");
                members(child, format!("{at}/{escaped}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                members(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn replacement(kind: u8, n: i64, name: &str) -> Value {
    match kind % 10 {
        0 => Value::Null,
        1 => json!(n),
        2 => json!(name),
        3 => json!([]),
        4 => json!({}),
        5 => json!({"type": "object", "properties": {name: {"type": "string"}}}),
        6 => json!({"type": "string", "enum": [name, "", "1", "a b"]}),
        7 => json!({"$ref": format!("#/definitions/{name}")}),
        8 => json!({"name": name, "in": "query", "type": "string"}),
        _ => json!({"allOf": [{"type": "object"}, {"$ref": "#/definitions/Event"}]}),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn byte_mutations_load_or_fail_cleanly_and_generate(
        which in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let mut bytes = which.get(samples()).clone();
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len()));
        }
        check(&bytes)?;
    }

    #[test]
    fn renamed_keys_and_replaced_values_generate(
        which in any::<prop::sample::Index>(),
        edits in prop::collection::vec(
            (any::<prop::sample::Index>(), any::<u8>(), any::<i64>(), any::<prop::sample::Index>(), any::<bool>()),
            1..5),
    ) {
        let mut value: Value = serde_json::from_slice(which.get::<Vec<u8>>(samples())).unwrap_or(Value::Null);
        for (at, kind, n, name, rename) in edits {
            let mut all = Vec::new();
            members(&value, String::new(), &mut all);
            if all.is_empty() {
                break;
            }
            let (parent, key) = at.get(&all).clone();
            let name = *name.get(&HOSTILE_NAMES);
            let Some(Value::Object(map)) = value.pointer_mut(&parent) else {
                continue;
            };
            if rename {
                if let Some(child) = map.shift_remove(&key) {
                    map.insert(name.to_owned(), child);
                }
            } else if let Some(child) = map.get_mut(&key) {
                *child = replacement(kind, n, name);
            }
        }
        check(&serde_json::to_vec(&value).unwrap_or_default())?;
    }
}
