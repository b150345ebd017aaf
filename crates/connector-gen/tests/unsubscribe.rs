//! The generated `unsubscribe_route()` fills every DELETE placeholder but the subscription id:
//! from the trigger's fields, or with the value the model fixed; a route it cannot complete
//! is not generated.

use connector_gen::{ClientDep, Generator};
use connector_model::{load_bytes, LoadOptions};
use serde_json::{json, Value};
use std::path::Path;

fn triggers_rs(spec: &Value) -> String {
    let bytes = serde_json::to_vec(spec).unwrap();
    let loaded = load_bytes("fixture.json", &bytes, &LoadOptions::new()).unwrap();
    generated_triggers(Generator::new(loaded))
}

fn generated_triggers(generator: Generator) -> String {
    generator
        .with_client(ClientDep::Version("0.1".into()))
        .generate()
        .unwrap()
        .file("src/triggers.rs")
        .unwrap()
        .to_string()
}

/// The `unsubscribe_route` functions of a generated `triggers.rs`, without whitespace.
fn routes(source: &str) -> Vec<String> {
    source
        .split("fn unsubscribe_route")
        .skip(1)
        .map(|rest| {
            let body = rest.split("\n    }\n").next().unwrap();
            body.split_whitespace().collect::<String>()
        })
        .collect()
}

fn subscribe(operation_id: &str, parameters: Value) -> Value {
    let mut parameters = parameters.as_array().cloned().unwrap_or_default();
    parameters.push(
        json!({"name": "body", "in": "body", "schema": {"type": "object", "properties": {
        "callbackUrl": {"type": "string", "x-ms-notification-url": true}}}}),
    );
    json!({
        "x-ms-notification-content": {"schema": {"type": "object"}},
        "post": {"operationId": operation_id, "x-ms-trigger": "single", "parameters": parameters,
            "responses": {"201": {"description": "ok", "schema": {"type": "object", "properties": {
                "id": {"type": "string"}}}}}}
    })
}

fn delete(parameters: &[(&str, &str)]) -> Value {
    let parameters: Vec<Value> = parameters
        .iter()
        .map(|(name, location)| json!({"name": name, "in": location, "required": true, "type": "string"}))
        .collect();
    json!({"delete": {"operationId": "Unsubscribe", "parameters": parameters,
        "responses": {"200": {"description": "ok"}}}})
}

#[test]
fn a_literal_event_kind_is_written_into_the_path_and_the_id_stays_open() {
    let spec = json!({
        "swagger": "2.0", "info": {"title": "Events", "version": "1"}, "host": "api.example.com",
        "paths": {
            "/v1/subscriptions/event/dataobject": subscribe("OnDataObject", json!([])),
            "/v1/subscriptions/event/a+b": subscribe("OnSpaced", json!([])),
            "/v1/subscriptions/{subscriptionId}/event/{type}":
                delete(&[("subscriptionId", "path"), ("type", "path")])
        }
    });
    let routes = routes(&triggers_rs(&spec));
    assert_eq!(routes.len(), 2, "{routes:?}");
    assert!(
        routes[0]
            .contains(r#"path:"/v1/subscriptions/{subscriptionId}/event/dataobject".to_owned(),"#)
            && routes[0].contains(r#"id_param:Some("subscriptionId".to_owned()),"#)
            && routes[0].contains(r#"id_from:Some("/id".to_owned()),"#),
        "{}",
        routes[0]
    );
    // A value that needs encoding goes through `path_value`; the id's braces stay literal.
    assert!(
        routes[1].contains(
            r#"path:{lettype_=crate::client::path_value("a+b");format!("/v1/subscriptions/{{subscriptionId}}/event/{type_}")},"#
        ),
        "{}",
        routes[1]
    );
}

#[test]
fn placeholders_take_the_trigger_fields_including_renamed_and_query_ones() {
    let spec = json!({
        "swagger": "2.0", "info": {"title": "Hooks", "version": "1"}, "host": "api.example.com",
        "paths": {
            "/accounts/{AccountId}/hooks": subscribe("OnHook", json!([
                {"name": "AccountId", "in": "path", "required": true, "type": "string"},
                {"name": "region", "in": "query", "required": true, "type": "string"}
            ])),
            "/accounts/{accountId}/hooks/{region}/{hookId}":
                delete(&[("accountId", "path"), ("region", "path"), ("hookId", "path")])
        }
    });
    let source = triggers_rs(&spec);
    let routes = routes(&source);
    assert_eq!(routes.len(), 1, "{source}");
    assert!(
        routes[0].contains(
            r#"path:{letaccount_id=crate::client::path_value(&self.account_id);letregion=crate::client::path_value(&self.region);format!("/accounts/{account_id}/hooks/{region}/{{hookId}}")},"#
        ),
        "{}",
        routes[0]
    );
}

#[test]
fn a_route_the_model_cannot_complete_is_not_generated() {
    let spec = json!({
        "swagger": "2.0", "info": {"title": "Dialogs", "version": "1"}, "host": "api.example.com",
        "paths": {
            "/dialogs": subscribe("OnDialog", json!([])),
            "/dialogs/{tenantId}/{id}": delete(&[("tenantId", "path"), ("id", "path")])
        }
    });
    let source = triggers_rs(&spec);
    assert!(source.contains("impl connector_client::WebhookTrigger for OnDialogTrigger"));
    assert!(routes(&source).is_empty(), "{source}");
}

#[test]
fn three_e_events_unsubscribes_by_subscription_id() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/power-platform/3e-events/apiDefinition.swagger.json");
    let source = generated_triggers(Generator::from_path(&spec).unwrap());
    let routes = routes(&source);
    assert_eq!(routes.len(), 11);
    assert!(routes.iter().all(|r| r.contains("{subscriptionId}")
        && r.contains(r#"id_param:Some("subscriptionId".to_owned())"#)
        && !r.contains("{type}")));
    assert!(routes.iter().any(|r| r.contains(
        r#"path:"/v1/subscriptions/{subscriptionId}/event/matter_created".to_owned(),"#
    )));
}

#[test]
fn required_delete_query_and_headers_come_from_the_trigger_fields_or_are_fixed() {
    let mut delete = delete(&[
        ("subscriptionId", "path"),
        ("tenantId", "query"),
        ("X-Region", "header"),
    ]);
    let params = delete["delete"]["parameters"].as_array_mut().unwrap();
    params.push(
        json!({"name": "api-version", "in": "query", "type": "string",
        "x-ms-visibility": "internal", "default": "2024-01"}),
    );
    let spec = json!({
        "swagger": "2.0", "info": {"title": "Tenants", "version": "1"}, "host": "api.example.com",
        "paths": {
            "/subscriptions": subscribe("OnTenantEvent", json!([
                {"name": "tenant_id", "in": "query", "required": true, "type": "string"},
                {"name": "x-region", "in": "header", "required": true, "type": "string"}
            ])),
            "/subscriptions/{subscriptionId}": delete
        }
    });
    let source = triggers_rs(&spec);
    let routes = routes(&source);
    assert_eq!(routes.len(), 1, "{source}");
    let route = &routes[0];
    for expected in [
        r#"crate::client::push_query(&mutquery,"tenantId",&self.tenant_id,true);"#,
        r#"query.push(("api-version".to_owned(),"2024-01".to_owned()));"#,
        r#"headers.push(("X-Region".to_owned(),crate::client::header_value(&self.x_region)));"#,
        r#"query,headers,"#,
    ] {
        assert!(route.contains(expected), "{expected} not in {route}");
    }
}

#[test]
fn a_route_without_query_or_headers_sends_none() {
    let spec = json!({
        "swagger": "2.0", "info": {"title": "Hooks", "version": "1"}, "host": "api.example.com",
        "paths": {
            "/hooks": subscribe("OnHook", json!([])),
            "/hooks/{id}": delete(&[("id", "path")])
        }
    });
    let routes = routes(&triggers_rs(&spec));
    assert_eq!(routes.len(), 1);
    assert!(
        routes[0].contains("query:Vec::new(),headers:Vec::new(),"),
        "{}",
        routes[0]
    );
}

/// `DELETE /Unsubscribe?id=…` (tpcportal in the corpus): no path placeholder for the id, a
/// required query parameter named like one takes it; the runtime appends it once the answer
/// gives the id, so the route is not sent before (it would go without the id).
#[test]
fn a_required_id_query_parameter_takes_the_subscription_id() {
    let spec = json!({
        "swagger": "2.0", "info": {"title": "Portal", "version": "1"}, "host": "api.example.com",
        "paths": {
            "/Flow/v1/SubscribeLogin": subscribe("OnLogin", json!([])),
            "/Flow/v1/Unsubscribe": delete(&[("id", "query")])
        }
    });
    let bytes = serde_json::to_vec(&spec).unwrap();
    let loaded = load_bytes("fixture.json", &bytes, &LoadOptions::new()).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let source = generated_triggers(Generator::new(loaded));
    let routes = routes(&source);
    assert_eq!(routes.len(), 1, "{source}");
    assert!(
        routes[0].contains(r#"id_param:None,id_from:Some("/id".to_owned()),id_query:Some("id".to_owned()),query:Vec::new(),"#),
        "{}",
        routes[0]
    );
}
