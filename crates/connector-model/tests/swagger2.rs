//! Swagger 2.0 → OpenAPI 3.0, one small fixture per conversion feature. The normalised document
//! is inspected as JSON (what `openapiv3` serialises), so each test reads like the 3.0 a human
//! would have written.

use connector_model::{load_bytes, LoadOptions, Loaded, SecurityScheme};
use serde_json::{json, Value};

fn load(spec: Value) -> Loaded {
    let bytes = serde_json::to_vec(&spec).unwrap();
    load_bytes("fixture.json", &bytes, &LoadOptions::new()).unwrap()
}

fn doc(loaded: &Loaded) -> Value {
    serde_json::to_value(&loaded.openapi).unwrap()
}

fn swagger(extra: Value) -> Value {
    let mut base = json!({
        "swagger": "2.0",
        "info": {"title": "Fixture", "version": "1.0"},
        "paths": {}
    });
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

fn warnings(loaded: &Loaded) -> Vec<String> {
    loaded
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.pointer, d.message))
        .collect()
}

#[test]
fn host_base_path_and_schemes_become_servers() {
    let loaded = load(swagger(json!({
        "host": "api.example.com", "basePath": "/v2/", "schemes": ["https", "http"]
    })));
    assert_eq!(
        doc(&loaded)["servers"],
        json!([{"url": "https://api.example.com/v2"}, {"url": "http://api.example.com/v2"}])
    );
    assert_eq!(loaded.connector.base_url, "https://api.example.com/v2");

    let relative = load(swagger(json!({"basePath": "/api"})));
    assert_eq!(doc(&relative)["servers"], json!([{"url": "/api"}]));
    let defaulted = load(swagger(json!({"host": "h.example"})));
    assert_eq!(
        doc(&defaulted)["servers"],
        json!([{"url": "https://h.example"}])
    );
}

#[test]
fn definitions_become_component_schemas_and_every_ref_is_rewritten() {
    let loaded = load(swagger(json!({
        "definitions": {
            "Pet": {"type": "object", "properties": {
                "owner": {"$ref": "#/definitions/Person"},
                "tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}}
            }},
            "Person": {"allOf": [{"$ref": "#/definitions/Tag"}, {"type": "object"}]},
            "Tag": {"type": "string"}
        },
        "paths": {"/pets": {
            "x-ms-notification-content": {"schema": {"$ref": "#/definitions/Pet"}},
            "post": {"operationId": "AddPet", "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}}}}
        }}
    })));
    let d = doc(&loaded);
    let schemas = &d["components"]["schemas"];
    assert_eq!(
        schemas["Pet"]["properties"]["owner"],
        json!({"$ref": "#/components/schemas/Person"})
    );
    assert_eq!(
        schemas["Pet"]["properties"]["tags"]["items"],
        json!({"$ref": "#/components/schemas/Tag"})
    );
    assert_eq!(
        schemas["Person"]["allOf"][0],
        json!({"$ref": "#/components/schemas/Tag"})
    );
    assert_eq!(
        d["paths"]["/pets"]["post"]["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Pet"})
    );
    assert_eq!(
        d["paths"]["/pets"]["x-ms-notification-content"]["schema"],
        json!({"$ref": "#/components/schemas/Pet"})
    );
    assert!(!d.to_string().contains("#/definitions/"));
    assert!(loaded.diagnostics.is_empty(), "{:?}", warnings(&loaded));
}

#[test]
fn global_parameters_and_responses_become_components() {
    let loaded = load(swagger(json!({
        "parameters": {
            "Top": {"name": "$top", "in": "query", "type": "integer"},
            "Body": {"name": "body", "in": "body", "schema": {"type": "object"}}
        },
        "responses": {"NotFound": {"description": "missing", "schema": {"type": "string"}}},
        "paths": {"/items": {"post": {
            "parameters": [{"$ref": "#/parameters/Top"}, {"$ref": "#/parameters/Body"}],
            "responses": {"404": {"$ref": "#/responses/NotFound"}}
        }}}
    })));
    let d = doc(&loaded);
    assert_eq!(
        d["components"]["parameters"]["Top"]["schema"],
        json!({"type": "integer"})
    );
    assert!(
        d["components"]["parameters"].get("Body").is_none(),
        "body has no 3.0 component form"
    );
    assert_eq!(
        d["components"]["responses"]["NotFound"]["description"],
        "missing"
    );
    let op = &d["paths"]["/items"]["post"];
    assert_eq!(
        op["parameters"],
        json!([{"$ref": "#/components/parameters/Top"}])
    );
    assert_eq!(
        op["requestBody"]["content"]["application/json"]["schema"],
        json!({"type": "object"})
    );
    assert_eq!(
        op["responses"]["404"],
        json!({"$ref": "#/components/responses/NotFound"})
    );
    // The model resolves the references.
    let action = &loaded.connector.actions[0];
    assert_eq!(action.parameters[0].name, "$top");
    assert_eq!(action.parameters[0].rust_name, "top");
    assert_eq!(action.responses[0].description.as_deref(), Some("missing"));
}

#[test]
fn security_definitions_become_security_schemes() {
    let loaded = load(swagger(json!({
        "securityDefinitions": {
            "basic": {"type": "basic"},
            "key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
            "qkey": {"type": "apiKey", "in": "query", "name": "api_key"},
            "oauth": {"type": "oauth2", "flow": "accessCode",
                      "authorizationUrl": "https://a.example/auth", "tokenUrl": "https://a.example/token",
                      "scopes": {"read": "Read"}}
        }
    })));
    let schemes = &doc(&loaded)["components"]["securitySchemes"];
    assert_eq!(schemes["basic"], json!({"type": "http", "scheme": "basic"}));
    assert_eq!(
        schemes["key"],
        json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"})
    );
    assert_eq!(
        schemes["oauth"]["flows"]["authorizationCode"]["tokenUrl"],
        "https://a.example/token"
    );
    assert_eq!(
        loaded.connector.security,
        vec![
            SecurityScheme::Basic {
                name: "basic".into()
            },
            SecurityScheme::ApiKeyHeader {
                name: "key".into(),
                header: "X-Api-Key".into()
            },
            SecurityScheme::ApiKeyQuery {
                name: "qkey".into(),
                param: "api_key".into()
            },
            SecurityScheme::Bearer {
                name: "oauth".into()
            },
        ]
    );
}

#[test]
fn body_parameter_becomes_request_body_per_consumed_media_type() {
    let loaded = load(swagger(json!({
        "consumes": ["application/json", "text/json"],
        "paths": {"/hooks": {"post": {
            "parameters": [{"name": "hook", "in": "body", "required": true, "description": "The hook",
                            "x-ms-summary": "Hook", "schema": {"type": "object"}}],
            "responses": {"201": {"description": "created"}}
        }}}
    })));
    let body = &doc(&loaded)["paths"]["/hooks"]["post"]["requestBody"];
    assert_eq!(body["required"], true);
    assert_eq!(body["description"], "The hook");
    assert_eq!(body["x-ms-summary"], "Hook");
    assert_eq!(body["x-body-name"], "hook");
    let types: Vec<&String> = body["content"].as_object().unwrap().keys().collect();
    assert_eq!(types, ["application/json", "text/json"]);
    let request = loaded.connector.actions[0].request_body.as_ref().unwrap();
    assert!(request.required);
    assert_eq!(request.content.len(), 2);
}

#[test]
fn form_data_becomes_urlencoded_object_body() {
    let loaded = load(swagger(json!({
        "paths": {"/login": {"post": {
            "consumes": ["application/x-www-form-urlencoded"],
            "parameters": [
                {"name": "user", "in": "formData", "type": "string", "required": true, "x-ms-summary": "User"},
                {"name": "age", "in": "formData", "type": "integer"}
            ],
            "responses": {"200": {"description": "ok"}}
        }}}
    })));
    let body = &doc(&loaded)["paths"]["/login"]["post"]["requestBody"];
    let schema = &body["content"]["application/x-www-form-urlencoded"]["schema"];
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["required"], json!(["user"]));
    assert_eq!(
        schema["properties"]["user"],
        json!({"type": "string", "x-ms-summary": "User"})
    );
    assert_eq!(schema["properties"]["age"], json!({"type": "integer"}));
    assert_eq!(body["required"], true);
}

#[test]
fn form_data_with_a_file_becomes_multipart_with_binary() {
    let loaded = load(swagger(json!({
        "paths": {"/upload": {"post": {
            "consumes": ["application/x-www-form-urlencoded", "multipart/form-data"],
            "parameters": [
                {"name": "file", "in": "formData", "type": "file", "required": true},
                {"name": "note", "in": "formData", "type": "string"}
            ],
            "responses": {"200": {"description": "ok"}}
        }}}
    })));
    let content = &doc(&loaded)["paths"]["/upload"]["post"]["requestBody"]["content"];
    let types: Vec<&String> = content.as_object().unwrap().keys().collect();
    assert_eq!(
        types,
        ["multipart/form-data"],
        "files only travel in multipart"
    );
    assert_eq!(
        content["multipart/form-data"]["schema"]["properties"]["file"],
        json!({"type": "string", "format": "binary"})
    );
}

#[test]
fn produces_becomes_response_content_and_operation_overrides_global() {
    let loaded = load(swagger(json!({
        "produces": ["application/json"],
        "paths": {
            "/a": {"get": {"responses": {"200": {"description": "ok", "schema": {"type": "string"},
                                                  "examples": {"application/json": "hello"}}}}},
            "/b": {"get": {"produces": ["text/plain", "text/csv"],
                           "responses": {"200": {"description": "ok", "schema": {"type": "string"}}}}},
            "/file": {"get": {"responses": {"200": {"description": "ok", "schema": {"type": "file"}}}}}
        }
    })));
    let d = doc(&loaded);
    assert_eq!(
        d["paths"]["/a"]["get"]["responses"]["200"]["content"],
        json!({"application/json": {"schema": {"type": "string"}, "example": "hello"}})
    );
    let b: Vec<&String> = d["paths"]["/b"]["get"]["responses"]["200"]["content"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(b, ["text/plain", "text/csv"]);
    assert_eq!(
        d["paths"]["/file"]["get"]["responses"]["200"]["content"],
        json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
    );
}

#[test]
fn collection_format_becomes_style_and_explode() {
    let param = |name: &str, format: Option<&str>, location: &str| {
        let mut p =
            json!({"name": name, "in": location, "type": "array", "items": {"type": "string"}});
        if let Some(f) = format {
            p["collectionFormat"] = json!(f);
        }
        if location == "path" {
            p["required"] = json!(true);
        }
        p
    };
    let loaded = load(swagger(json!({
        "paths": {"/x/{ids}": {"get": {
            "parameters": [
                param("csv", None, "query"),
                param("multi", Some("multi"), "query"),
                param("ssv", Some("ssv"), "query"),
                param("pipes", Some("pipes"), "query"),
                param("tsv", Some("tsv"), "query"),
                param("ids", Some("csv"), "path"),
                param("X-Ids", Some("csv"), "header")
            ],
            "responses": {"200": {"description": "ok"}}
        }}}
    })));
    let params = &doc(&loaded)["paths"]["/x/{ids}"]["get"]["parameters"];
    let style = |i: usize| (params[i]["style"].clone(), params[i]["explode"].clone());
    assert_eq!(style(0), (json!("form"), json!(false)));
    assert_eq!(style(1), (json!("form"), json!(true)));
    assert_eq!(style(2), (json!("spaceDelimited"), json!(false)));
    assert_eq!(style(3), (json!("pipeDelimited"), json!(false)));
    assert_eq!(style(4), (json!("form"), json!(false)));
    assert_eq!(style(5), (json!("simple"), json!(false)));
    assert_eq!(style(6), (json!("simple"), json!(false)));
    assert!(warnings(&loaded).iter().any(|w| w.contains("tsv")));
    let explode: Vec<bool> = loaded.connector.actions[0]
        .parameters
        .iter()
        .map(|p| p.explode)
        .collect();
    assert_eq!(explode, [false, true, false, false, false, false, false]);
}

#[test]
fn x_nullable_becomes_nullable_even_next_to_a_ref() {
    let loaded = load(swagger(json!({
        "definitions": {
            "Thing": {"type": "object", "properties": {
                "name": {"type": "string", "x-nullable": true},
                "other": {"$ref": "#/definitions/Other", "x-nullable": true}
            }},
            "Other": {"type": "integer"}
        }
    })));
    let props = &doc(&loaded)["components"]["schemas"]["Thing"]["properties"];
    assert_eq!(props["name"]["nullable"], true);
    assert_eq!(
        props["name"]["x-nullable"], true,
        "the extension stays where it stood"
    );
    assert_eq!(props["other"]["nullable"], true);
    assert_eq!(
        props["other"]["allOf"],
        json!([{"$ref": "#/components/schemas/Other"}])
    );
}

#[test]
fn path_level_parameters_are_merged_into_operations() {
    let loaded = load(swagger(json!({
        "paths": {"/repos/{owner}/{repo}": {
            "parameters": [
                {"name": "owner", "in": "path", "required": true, "type": "string"},
                {"name": "repo", "in": "path", "required": true, "type": "string", "description": "shared"}
            ],
            "get": {
                "parameters": [{"name": "repo", "in": "path", "required": true, "type": "string", "description": "own"}],
                "responses": {"200": {"description": "ok"}}
            },
            "delete": {"responses": {"204": {"description": "gone"}}}
        }}
    })));
    let d = doc(&loaded);
    let item = &d["paths"]["/repos/{owner}/{repo}"];
    assert!(item.get("parameters").is_none(), "merged into operations");
    let get: Vec<(&str, &str)> = item["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["description"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(get, [("owner", ""), ("repo", "own")]);
    assert_eq!(item["delete"]["parameters"].as_array().unwrap().len(), 2);
}

#[test]
fn default_responses_are_kept() {
    let loaded = load(swagger(json!({
        "paths": {"/only-default": {"get": {
            "responses": {"default": {"description": "anything", "schema": {"type": "object"}}}
        }}}
    })));
    let responses = &doc(&loaded)["paths"]["/only-default"]["get"]["responses"];
    assert_eq!(responses["default"]["description"], "anything");
    let model = &loaded.connector.actions[0].responses;
    assert_eq!(model.len(), 1);
    assert_eq!(model[0].status, "default");
    assert!(model[0].content[0].schema.is_some());
}

#[test]
fn every_extension_stays_where_it_stood() {
    let loaded = load(swagger(json!({
        "x-ms-connector-metadata": [{"propertyName": "Website"}],
        "paths": {"/hook": {
            "x-ms-notification-content": {"description": "Event", "schema": {"type": "object"}},
            "x-path-note": 1,
            "post": {
                "x-ms-trigger": "single",
                "x-ms-visibility": "important",
                "parameters": [{"name": "q", "in": "query", "type": "string",
                                "x-ms-dynamic-values": {"operationId": "List"}}],
                "responses": {"200": {"description": "ok", "x-ms-summary": "OK",
                                      "schema": {"type": "object", "x-ms-dynamic-schema": {"operationId": "S"}}}}
            }
        }}
    })));
    let d = doc(&loaded);
    assert_eq!(
        d["x-ms-connector-metadata"],
        json!([{"propertyName": "Website"}])
    );
    let item = &d["paths"]["/hook"];
    assert_eq!(item["x-ms-notification-content"]["description"], "Event");
    assert_eq!(item["x-path-note"], 1);
    assert_eq!(item["post"]["x-ms-trigger"], "single");
    assert_eq!(
        item["post"]["parameters"][0]["x-ms-dynamic-values"]["operationId"],
        "List"
    );
    assert_eq!(item["post"]["responses"]["200"]["x-ms-summary"], "OK");
    assert_eq!(
        item["post"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["x-ms-dynamic-schema"],
        json!({"operationId": "S"})
    );
    // The typed document keeps the path item's extensions too.
    let typed = loaded.openapi.paths.paths["/hook"].as_item().unwrap();
    assert!(typed.extensions.contains_key("x-ms-notification-content"));
}

#[test]
fn broken_references_and_odd_schemas_degrade_with_warnings() {
    let loaded = load(swagger(json!({
        "definitions": {
            "Node": {"type": "object", "properties": {
                "children": {"type": "array", "items": {"$ref": "#/definitions/Node"}},
                "ghost": {"$ref": "#/definitions/Missing", "description": "gone"},
                "either": {"type": ["string", "null"]},
                "many": {"type": ["string", "integer"]},
                "flag": {"type": "boolean", "required": true},
                "bad": {"type": "string", "minLength": -3, "maxLength": "10"}
            }}
        },
        "paths": {"/n": {"get": {
            "parameters": [{"$ref": "#/parameters/Nope"}],
            "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Node"}}}
        }}}
    })));
    let node = &doc(&loaded)["components"]["schemas"]["Node"];
    assert_eq!(node["properties"]["ghost"], json!({"description": "gone"}));
    assert_eq!(
        node["properties"]["either"],
        json!({"type": "string", "nullable": true})
    );
    assert_eq!(node["properties"]["many"], json!({}));
    assert_eq!(node["required"], json!(["flag"]));
    assert_eq!(
        node["properties"]["bad"],
        json!({"type": "string", "maxLength": 10})
    );
    let w = warnings(&loaded);
    assert!(
        w.iter()
            .any(|w| w.starts_with("/definitions/Node/properties/ghost/$ref")),
        "{w:?}"
    );
    assert!(w.iter().any(|w| w.contains("#/parameters/Nope")), "{w:?}");
    assert!(w.iter().any(|w| w.contains("minLength")), "{w:?}");
    assert_eq!(loaded.connector.actions.len(), 1);
}
