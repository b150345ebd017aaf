//! The connector model: actions with Rust names, triggers with callback pointers and
//! unsubscribe routes, from Swagger 2.0, OpenAPI 3.0 callbacks and 3.1 webhooks, JSON or YAML.

use connector_model::{
    load_bytes, LoadOptions, Loaded, Method, ParameterLocation, TriggerKind, UnsubscribeParameter,
    UnsubscribeValue, Visibility,
};
use openapiv3::ReferenceOr;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn load_with(spec: &Value, opts: &LoadOptions) -> Loaded {
    let bytes = serde_json::to_vec(spec).unwrap();
    load_bytes("fixture.json", &bytes, opts).unwrap()
}

fn load(spec: &Value) -> Loaded {
    load_with(spec, &LoadOptions::new())
}

/// A GitHub-like webhook connector: subscribe body `$ref` → `allOf` → `config.url` marked.
fn github_like() -> Value {
    json!({
        "swagger": "2.0",
        "info": {"title": "Hooks", "version": "1"},
        "host": "api.example.com",
        "definitions": {
            "HookBase": {"type": "object", "properties": {"events": {"type": "array", "items": {"type": "string"}}}},
            "HookRequest": {"allOf": [
                {"$ref": "#/definitions/HookBase"},
                {"type": "object", "properties": {"config": {"$ref": "#/definitions/HookConfig"}}}
            ]},
            "HookConfig": {"type": "object", "properties": {
                "url": {"type": "string", "x-ms-notification-url": true, "x-ms-visibility": "internal"},
                "secret": {"type": "string"}
            }},
            "Hook": {"type": "object", "properties": {"hook_id": {"type": "integer"}, "name": {"type": "string"}}},
            "PushEvent": {"type": "object", "properties": {"ref": {"type": "string"}}}
        },
        "paths": {
            "/repos/{owner}/{repo}/hooks": {
                "x-ms-notification-content": {"description": "push", "schema": {"$ref": "#/definitions/PushEvent"}},
                "post": {
                    "operationId": "Create-Hook.v2",
                    "summary": "When a push happens",
                    "x-ms-trigger": "single",
                    "x-ms-visibility": "important",
                    "parameters": [
                        {"name": "owner", "in": "path", "required": true, "type": "string"},
                        {"name": "repo", "in": "path", "required": true, "type": "string"},
                        {"name": "body", "in": "body", "schema": {"$ref": "#/definitions/HookRequest"}}
                    ],
                    "responses": {"201": {"description": "created", "schema": {"$ref": "#/definitions/Hook"}}}
                }
            },
            "/repos/{owner}/{repo}/hooks/{hook_Id}": {
                "delete": {
                    "operationId": "DeleteHook",
                    "parameters": [
                        {"name": "owner", "in": "path", "required": true, "type": "string"},
                        {"name": "repo", "in": "path", "required": true, "type": "string"},
                        {"name": "hook_Id", "in": "path", "required": true, "type": "integer"}
                    ],
                    "responses": {"204": {"description": "gone"}}
                }
            },
            "/2nd/step": {"get": {"operationId": "2ndStep", "responses": {"default": {"description": "x"}}}},
            "/type": {"get": {"operationId": "type", "responses": {"default": {"description": "x"}}}},
            "/dup": {
                "get": {"operationId": "Get-Item.v2", "responses": {"default": {"description": "x"}}},
                "put": {"operationId": "Get-Item.v2", "responses": {"default": {"description": "x"}}},
                "patch": {"responses": {"default": {"description": "x"}}}
            }
        }
    })
}

#[test]
fn actions_have_unique_valid_rust_names() {
    let loaded = load(&github_like());
    let names: Vec<(&str, &str)> = loaded
        .connector
        .actions
        .iter()
        .map(|a| (a.operation_id.as_str(), a.rust_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("Create-Hook.v2", "create_hook_v2"),
            ("DeleteHook", "delete_hook"),
            ("2ndStep", "n2nd_step"),
            ("type", "type_"),
            ("Get-Item.v2", "get_item_v2"),
            ("Get-Item.v2", "get_item_v2_2"),
            ("patch_dup", "patch_dup"),
        ]
    );
    let warnings: Vec<&str> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("also used at /paths/~1dup/get")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("no operationId")),
        "{warnings:?}"
    );
    let create = &loaded.connector.actions[0];
    assert_eq!(create.method, Method::Post);
    assert_eq!(
        create.pointer,
        "/paths/~1repos~1{owner}~1{repo}~1hooks/post"
    );
    assert_eq!(create.visibility, Visibility::Important);
    assert_eq!(create.summary.as_deref(), Some("When a push happens"));
}

#[test]
fn webhook_trigger_finds_callback_through_ref_and_all_of_and_its_unsubscribe_route() {
    let loaded = load(&github_like());
    assert_eq!(loaded.connector.triggers.len(), 1);
    let trigger = &loaded.connector.triggers[0];
    assert_eq!(trigger.operation_id, "Create-Hook.v2");
    assert_eq!(trigger.action, Some(0));
    assert_eq!(trigger.kind, TriggerKind::Webhook);
    assert!(!trigger.batch);
    assert_eq!(trigger.callback_pointer.as_deref(), Some("/config/url"));
    assert_eq!(trigger.notification_type.as_deref(), Some("PushEvent"));
    assert!(matches!(
        &trigger.notification_schema,
        Some(ReferenceOr::Reference { reference }) if reference == "#/components/schemas/PushEvent"
    ));
    let unsubscribe = trigger.unsubscribe.as_ref().unwrap();
    assert_eq!(unsubscribe.operation_id, "DeleteHook");
    assert_eq!(unsubscribe.action, 1);
    assert_eq!(unsubscribe.id_param.as_deref(), Some("hook_Id"));
    assert_eq!(
        unsubscribe.id_from.as_deref(),
        Some("/hook_id"),
        "matched ignoring case and `_`"
    );
    assert_eq!(
        unsubscribe.from_subscribe,
        pairs(&[("owner", "owner"), ("repo", "repo")])
    );
    assert!(unsubscribe.fixed.is_empty());
}

fn pairs(items: &[(&str, &str)]) -> BTreeMap<String, String> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Two event subscriptions and the DELETE shared by both (3E Events' shape): the event kind
/// is a literal in the subscribe path and a parameter in the DELETE path.
fn event_kinds(delete_path: &str, delete_params: Value) -> Value {
    let subscribe = |kind: &str| {
        json!({
            "x-ms-notification-content": {"schema": {"type": "object"}},
            "post": {"operationId": format!("On{kind}"), "x-ms-trigger": "single",
                "parameters": [{"name": "body", "in": "body", "schema": {"type": "object", "properties": {
                    "callbackUrl": {"type": "string", "x-ms-notification-url": true}}}}],
                "responses": {"201": {"description": "ok", "schema": {"type": "object", "properties": {
                    "id": {"type": "string"}, "eventType": {"type": "string"}}}}}}
        })
    };
    let mut paths = serde_json::Map::new();
    paths.insert(
        "/v1/subscriptions/event/dataobject".into(),
        subscribe("DataObject"),
    );
    paths.insert(
        "/v1/subscriptions/event/matter_created".into(),
        subscribe("MatterCreated"),
    );
    paths.insert(
        delete_path.into(),
        json!({"delete": {"operationId": "DeleteSubscription", "parameters": delete_params,
            "responses": {"200": {"description": "ok"}}}}),
    );
    paths.insert(
        "/v1/template/job/{jobId}".into(),
        json!({"delete": {"operationId": "CompleteJob", "parameters": [
            {"name": "jobId", "in": "path", "required": true, "type": "string"}],
            "responses": {"200": {"description": "ok"}}}}),
    );
    json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": paths})
}

fn path_params(names: &[&str]) -> Value {
    names
        .iter()
        .map(|n| json!({"name": n, "in": "path", "required": true, "type": "string"}))
        .collect()
}

#[test]
fn a_delete_placeholder_facing_a_literal_subscribe_segment_is_fixed_and_the_other_is_the_id() {
    let loaded = load(&event_kinds(
        "/v1/subscriptions/{subscriptionId}/event/{type}",
        path_params(&["subscriptionId", "type"]),
    ));
    let routes: Vec<_> = loaded
        .connector
        .triggers
        .iter()
        .map(|t| t.unsubscribe.clone().unwrap())
        .collect();
    for (route, kind) in routes.iter().zip(["dataobject", "matter_created"]) {
        assert_eq!(route.operation_id, "DeleteSubscription");
        assert_eq!(route.id_param.as_deref(), Some("subscriptionId"));
        assert_eq!(route.id_from.as_deref(), Some("/id"));
        assert_eq!(route.fixed, pairs(&[("type", kind)]));
        assert!(route.from_subscribe.is_empty());
    }
    assert!(
        loaded
            .diagnostics
            .iter()
            .all(|d| !d.message.contains("unsubscribe")),
        "{:?}",
        loaded.diagnostics
    );
}

#[test]
fn when_either_placeholder_could_be_taken_out_the_one_named_like_an_id_is() {
    // Taking out either placeholder lines the paths up; `{eventType}` even names an answer
    // field, but `{subscriptionId}` is named like an id.
    let loaded = load(&event_kinds(
        "/v1/subscriptions/event/{eventType}/{subscriptionId}",
        path_params(&["eventType", "subscriptionId"]),
    ));
    let route = loaded.connector.triggers[0].unsubscribe.clone().unwrap();
    assert_eq!(route.id_param.as_deref(), Some("subscriptionId"));
    assert_eq!(route.fixed, pairs(&[("eventType", "dataobject")]));
}

#[test]
fn a_placeholder_nothing_fills_drops_the_route_with_a_warning_at_the_delete() {
    let loaded = load(&event_kinds(
        "/v1/subscriptions/{tenant}/{subscriptionId}/event/{type}",
        path_params(&["tenant", "subscriptionId", "type"]),
    ));
    for trigger in &loaded.connector.triggers {
        assert!(trigger.unsubscribe.is_none(), "{trigger:?}");
    }
    let pointer = "/paths/~1v1~1subscriptions~1{tenant}~1{subscriptionId}~1event~1{type}/delete";
    let warnings: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.pointer == pointer)
        .collect();
    assert_eq!(
        warnings.len(),
        2,
        "one per trigger: {:?}",
        loaded.diagnostics
    );
    assert!(
        warnings[0].message.contains("{tenant}") && warnings[0].message.contains("{type}"),
        "{}",
        warnings[0].message
    );
}

#[test]
fn a_required_subscribe_query_parameter_and_an_internal_default_fill_delete_placeholders() {
    let spec = json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "paths": {
            "/hooks": {
                "x-ms-notification-content": {"schema": {"type": "object"}},
                "post": {"operationId": "OnPush", "x-ms-trigger": "single",
                    "parameters": [
                        {"name": "project", "in": "query", "required": true, "type": "string"},
                        {"name": "body", "in": "body", "schema": {"type": "object", "properties": {
                            "callbackUrl": {"type": "string", "x-ms-notification-url": true}}}}],
                    "responses": {"200": {"description": "ok", "schema": {"type": "object", "properties": {
                        "hookId": {"type": "string"}}}}}}
            },
            "/hooks/{api}/{project}/{hookId}": {"delete": {"operationId": "RemoveHook", "parameters": [
                {"name": "api", "in": "path", "required": true, "type": "string",
                    "x-ms-visibility": "internal", "default": "v2"},
                {"name": "project", "in": "path", "required": true, "type": "string"},
                {"name": "hookId", "in": "path", "required": true, "type": "string"}],
                "responses": {"200": {"description": "ok"}}}}
        }
    });
    let loaded = load(&spec);
    let route = loaded.connector.triggers[0].unsubscribe.clone().unwrap();
    assert_eq!(route.id_param.as_deref(), Some("hookId"));
    assert_eq!(route.id_from.as_deref(), Some("/hookId"));
    assert_eq!(route.fixed, pairs(&[("api", "v2")]));
    assert_eq!(route.from_subscribe, pairs(&[("project", "project")]));
}

#[test]
fn callback_field_option_overrides_the_spec() {
    let opts = LoadOptions::new().with_callback_field(Some("/target".into()));
    let loaded = load_with(&github_like(), &opts);
    assert_eq!(
        loaded.connector.triggers[0].callback_pointer.as_deref(),
        Some("/target")
    );
}

#[test]
fn without_a_marker_an_obvious_name_is_used_with_a_warning() {
    let spec = json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "paths": {
            "/subscriptions": {
                "x-ms-notification-content": {"schema": {"type": "object"}},
                "post": {
                    "operationId": "Subscribe", "x-ms-trigger": "single",
                    "parameters": [{"name": "body", "in": "body", "schema": {"type": "object", "properties": {
                        "event": {"type": "string"},
                        "webhook": {"type": "object", "properties": {"url": {"type": "string"}}}
                    }}}],
                    "responses": {"200": {"description": "ok", "schema": {"type": "object", "properties": {
                        "subscriptionId": {"type": "string"}}}}}
                }
            },
            "/subscriptions/other/{id}": {"delete": {"operationId": "Far", "parameters": [
                {"name": "id", "in": "path", "required": true, "type": "string"}], "responses": {"200": {"description": "ok"}}}},
            "/subscriptions/{id}": {"delete": {"operationId": "Unsubscribe", "parameters": [
                {"name": "id", "in": "path", "required": true, "type": "string"}], "responses": {"200": {"description": "ok"}}}}
        }
    });
    let loaded = load(&spec);
    let trigger = &loaded.connector.triggers[0];
    assert_eq!(trigger.callback_pointer.as_deref(), Some("/webhook/url"));
    assert!(loaded
        .diagnostics
        .iter()
        .any(|d| d.pointer == "/paths/~1subscriptions/post"
            && d.message.contains("--callback-field")));
    assert_eq!(
        trigger.notification_type.as_deref(),
        Some("SubscribeNotification")
    );
    let unsubscribe = trigger.unsubscribe.as_ref().unwrap();
    assert_eq!(
        unsubscribe.operation_id, "Unsubscribe",
        "same path plus one {{id}} segment wins"
    );
    assert_eq!(
        unsubscribe.id_from.as_deref(),
        Some("/subscriptionId"),
        "an …Id field"
    );
}

#[test]
fn a_delete_that_speaks_of_hooks_is_chosen_and_any_delete_for_a_lonely_subscribe() {
    let spec = json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "paths": {
            "/hooks/events/created": {
                "x-ms-notification-content": {"schema": {"type": "object"}},
                "post": {"operationId": "OnCreated", "x-ms-trigger": "single",
                    "parameters": [{"name": "body", "in": "body", "schema": {"type": "object", "properties": {
                        "callbackUrl": {"type": "string", "x-ms-notification-url": true}}}}],
                    "responses": {"200": {"description": "ok", "schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}}
            },
            "/other/{id}": {"delete": {"operationId": "Unrelated", "parameters": [
                {"name": "id", "in": "path", "required": true, "type": "string"}], "responses": {"200": {"description": "ok"}}}},
            "/hooks/{hookId}": {"delete": {"operationId": "RemoveHook", "parameters": [
                {"name": "hookId", "in": "path", "required": true, "type": "string"}], "responses": {"200": {"description": "ok"}}}},
            "/lonely": {
                "x-ms-notification-content": {"schema": {"type": "object"}},
                "post": {"operationId": "OnLonely", "x-ms-trigger": "single",
                    "parameters": [{"name": "body", "in": "body", "schema": {"type": "object", "properties": {
                        "notificationUrl": {"type": "string"}}}}],
                    "responses": {"200": {"description": "ok"}}}
            }
        }
    });
    let loaded = load(&spec);
    let created = &loaded.connector.triggers[0];
    assert_eq!(created.callback_pointer.as_deref(), Some("/callbackUrl"));
    let route = created.unsubscribe.as_ref().unwrap();
    assert_eq!(route.operation_id, "RemoveHook");
    assert_eq!(route.id_param.as_deref(), Some("hookId"));
    assert_eq!(route.id_from.as_deref(), Some("/id"));
    let lonely = &loaded.connector.triggers[1];
    assert_eq!(lonely.callback_pointer.as_deref(), Some("/notificationUrl"));
    // Nothing lines up with `/lonely`; the one DELETE about hooks is the best guess, never
    // the unrelated `/other/{id}`.
    assert_eq!(
        lonely.unsubscribe.as_ref().unwrap().operation_id,
        "RemoveHook"
    );
}

fn webhook_post(operation_id: &str) -> Value {
    json!({
        "x-ms-notification-content": {"schema": {"type": "object"}},
        "post": {"operationId": operation_id, "x-ms-trigger": "single",
            "parameters": [
                {"name": "tenant_id", "in": "query", "required": true, "type": "string"},
                {"name": "body", "in": "body", "schema": {"type": "object", "properties": {
                    "callbackUrl": {"type": "string", "x-ms-notification-url": true}}}}],
            "responses": {"201": {"description": "ok", "schema": {"type": "object", "properties": {
                "id": {"type": "string"}}}}}}
    })
}

fn plain_delete(operation_id: &str, summary: &str, path: &[&str]) -> Value {
    json!({"delete": {"operationId": operation_id, "summary": summary,
        "parameters": path_params(path), "responses": {"200": {"description": "ok"}}}})
}

/// Shopranos' shape: the only DELETEs sharing the first segment remove carts and products.
#[test]
fn an_unrelated_delete_sharing_only_the_first_segment_is_not_chosen() {
    let spec = json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "paths": {
            "/api/webhook/register/product/created": webhook_post("ProductCreated"),
            "/api/Cart/{token}/Items/{productVariantId}":
                plain_delete("Cart_DELETE_RemoveFromCart", "Cart Remove Product", &["token", "productVariantId"]),
            "/api/Products/{id}": plain_delete("Products_DELETE_Delete", "Product Delete", &["id"]),
            "/api/settings": plain_delete("ClearSettings", "Reset", &[])
        }
    });
    let loaded = load(&spec);
    assert!(loaded.connector.triggers[0].unsubscribe.is_none());
    assert!(
        !loaded
            .diagnostics
            .iter()
            .any(|d| d.message.contains("unsubscribe")),
        "{:?}",
        loaded.diagnostics
    );
}

/// Almabase's and ForceManager's shape: the webhook DELETE lives under another path than the
/// subscribe, next to DELETEs of business objects that share more of the path.
#[test]
fn the_delete_about_hooks_beats_ones_sharing_more_of_the_path() {
    let spec = json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "paths": {
            "/v1/accounts/hooks/insert": webhook_post("OnAccount"),
            "/v1/accounts/{id}": plain_delete("DeleteAccount", "Delete an Account", &["id"]),
            "/v1/accounts/{record_id}/emails/{email_id}":
                plain_delete("DeleteEmail", "Delete an email", &["record_id", "email_id"]),
            "/v1/webhooks/{webhook_id}/": plain_delete("DeleteWebhook", "Delete webhook", &["webhook_id"]),
            "/v1/teardown": plain_delete("Teardown", "Delete a subscription", &[])
        }
    });
    let loaded = load(&spec);
    let route = loaded.connector.triggers[0].unsubscribe.clone().unwrap();
    assert_eq!(route.operation_id, "DeleteWebhook");
    assert_eq!(route.id_param.as_deref(), Some("webhook_id"));
}

/// The same path plus an id beats a sibling and a DELETE that only speaks of hooks; a sibling
/// (last literal segment a `{param}`) beats a DELETE that only speaks of hooks.
#[test]
fn structure_beats_names_when_choosing_the_delete() {
    let spec = |extra: &[(&str, Value)]| {
        let mut paths = serde_json::Map::new();
        paths.insert(
            "/triggers/task-state-changed".into(),
            webhook_post("OnTask"),
        );
        paths.insert(
            "/admin/hooks/{hookId}".into(),
            plain_delete("RemoveAnyHook", "Delete a webhook", &["hookId"]),
        );
        paths.insert(
            "/triggers/{triggerId}".into(),
            plain_delete("DeleteTrigger", "Delete Trigger", &["triggerId"]),
        );
        for (path, item) in extra {
            paths.insert((*path).into(), item.clone());
        }
        json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": paths})
    };
    let chosen = |spec: &Value| {
        load(spec).connector.triggers[0]
            .unsubscribe
            .clone()
            .unwrap()
            .operation_id
    };
    assert_eq!(chosen(&spec(&[])), "DeleteTrigger");
    let exact = (
        "/triggers/task-state-changed/{id}",
        plain_delete("StopTask", "Stop", &["id"]),
    );
    assert_eq!(chosen(&spec(&[exact])), "StopTask");
}

/// 3E Events' shape: the DELETE wants a required `tenantId` query parameter.
#[test]
fn required_delete_query_and_header_parameters_are_filled_or_warned_about() {
    let mut delete = plain_delete(
        "DeleteSubscription",
        "Delete a subscription",
        &["subscriptionId", "type"],
    );
    let params = delete["delete"]["parameters"].as_array_mut().unwrap();
    params.push(json!({"name": "tenantId", "in": "query", "required": true, "type": "string"}));
    params.push(
        json!({"name": "api-version", "in": "query", "type": "string",
        "x-ms-visibility": "internal", "default": "2024-01"}),
    );
    params.push(json!({"name": "X-Region", "in": "header", "required": true, "type": "string"}));
    params.push(json!({"name": "verbose", "in": "query", "type": "boolean"}));
    let spec = json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "paths": {
            "/v1/subscriptions/event/dataobject": webhook_post("OnDataObject"),
            "/v1/subscriptions/{subscriptionId}/event/{type}": delete
        }
    });
    let loaded = load(&spec);
    let route = loaded.connector.triggers[0].unsubscribe.clone().unwrap();
    assert_eq!(route.id_param.as_deref(), Some("subscriptionId"));
    assert_eq!(
        route.parameters,
        [
            UnsubscribeParameter {
                name: "tenantId".into(),
                location: ParameterLocation::Query,
                value: UnsubscribeValue::FromSubscribe("tenant_id".into()),
            },
            UnsubscribeParameter {
                name: "api-version".into(),
                location: ParameterLocation::Query,
                value: UnsubscribeValue::Fixed("2024-01".into()),
            },
        ]
    );
    let warning = loaded
        .diagnostics
        .iter()
        .find(|d| d.message.contains("X-Region"))
        .expect("a warning for the header nothing gives");
    assert!(
        warning.message.contains("DeleteSubscription"),
        "{warning:?}"
    );
    assert!(warning.pointer.contains("subscriptionId"), "{warning:?}");
}

#[test]
fn polling_batch_triggers_and_parameter_markers() {
    let spec = json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "definitions": {"File": {"type": "object"}},
        "paths": {
            "/poll": {"get": {"operationId": "PollFiles", "x-ms-trigger": "batch",
                "responses": {"200": {"description": "ok", "schema": {"type": "array", "items": {"$ref": "#/definitions/File"}}}}}},
            "/subscribe": {"post": {"operationId": "ByQuery", "x-ms-trigger": "single",
                "parameters": [{"name": "hook", "in": "query", "type": "string", "x-ms-notification-url": true}],
                "responses": {"200": {"description": "ok"}}}},
            "/raw": {"post": {"operationId": "RawUrl", "x-ms-trigger": "single",
                "parameters": [{"name": "url", "in": "body", "schema": {"type": "string", "x-ms-notification-url": true}}],
                "responses": {"200": {"description": "ok"}}}}
        }
    });
    let loaded = load(&spec);
    let triggers = &loaded.connector.triggers;
    assert_eq!(triggers[0].kind, TriggerKind::Polling);
    assert!(triggers[0].batch);
    assert_eq!(
        triggers[0].notification_type.as_deref(),
        Some("PollFilesNotification")
    );
    assert!(triggers[0].notification_schema.is_some());
    assert!(triggers[0].callback_pointer.is_none());
    assert_eq!(triggers[1].kind, TriggerKind::Webhook);
    assert_eq!(triggers[1].callback_parameter.as_deref(), Some("hook"));
    assert_eq!(triggers[1].callback_pointer, None);
    assert_eq!(
        triggers[2].callback_pointer.as_deref(),
        Some(""),
        "the body itself is the URL"
    );
}

#[test]
fn openapi_30_callbacks_become_webhook_triggers() {
    let spec = json!({
        "openapi": "3.0.3",
        "info": {"title": "Cb", "version": "1"},
        "paths": {"/subscriptions": {"post": {
            "operationId": "subscribe",
            "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                "callbackUrl": {"type": "string", "format": "uri"}}}}}},
            "responses": {"201": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"id": {"type": "string"}}}}}}},
            "callbacks": {"onEvent": {"{$request.body#/callbackUrl}": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}}},
                "responses": {"200": {"description": "ok"}}
            }}}}
        }},
        "/subscriptions/{id}": {"delete": {"operationId": "unsubscribe",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "gone"}}}}},
        "components": {"schemas": {"Event": {"type": "object"}}}
    });
    let loaded = load(&spec);
    assert_eq!(loaded.connector.actions.len(), 2);
    let trigger = &loaded.connector.triggers[0];
    assert_eq!(trigger.kind, TriggerKind::Webhook);
    assert_eq!(trigger.operation_id, "subscribe");
    assert_eq!(trigger.rust_name, "subscribe_on_event");
    assert_eq!(trigger.callback_pointer.as_deref(), Some("/callbackUrl"));
    assert_eq!(trigger.notification_type.as_deref(), Some("Event"));
    assert_eq!(
        trigger.unsubscribe.as_ref().unwrap().id_from.as_deref(),
        Some("/id")
    );
}

/// Callbacks whose URL no request carries (a literal, a provider-side variable) and 3.1
/// webhooks are receive-only: no subscribe action, the user registers the URL by hand.
#[test]
fn callbacks_no_request_carries_and_31_webhooks_are_receive_only() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let opts = LoadOptions::new();
    let payments =
        connector_model::load_path(&fixtures.join("payment-callbacks.openapi30.json"), &opts)
            .unwrap();
    let triggers = &payments.connector.triggers;
    let ids: Vec<&str> = triggers.iter().map(|t| t.operation_id.as_str()).collect();
    assert_eq!(ids, ["paymentSettled", "createPayment.paymentFailed"]);
    assert!(triggers.iter().all(|t| t.is_receive_only()
        && t.notification_type.as_deref() == Some("PaymentEvent")
        && t.callback_pointer.is_none()
        && t.unsubscribe.is_none()));
    let pets =
        connector_model::load_path(&fixtures.join("pet-events.openapi31.yaml"), &opts).unwrap();
    assert_eq!(pets.connector.triggers.len(), 2);
    assert!(pets.connector.triggers.iter().all(|t| t.is_receive_only()));
    assert_eq!(
        pets.connector.triggers[0].notification_type.as_deref(),
        Some("PetEvent")
    );
    // A callback whose URL the subscribe request carries is not receive-only.
    let subscribed = load(&json!({
        "openapi": "3.0.3", "info": {"title": "Cb", "version": "1"},
        "paths": {"/subscriptions": {"post": {"operationId": "subscribe",
            "requestBody": {"content": {"application/json": {"schema": {"type": "object",
                "properties": {"callbackUrl": {"type": "string"}}}}}},
            "responses": {"201": {"description": "ok"}},
            "callbacks": {"onEvent": {"{$request.body#/callbackUrl}": {"post": {
                "responses": {"200": {"description": "ok"}}}}}}}}}
    }));
    assert!(!subscribed.connector.triggers[0].is_receive_only());
}

#[test]
fn openapi_31_keeps_compatible_parts_and_webhooks() {
    let spec = json!({
        "openapi": "3.1.0",
        "info": {"title": "New", "version": "1"},
        "paths": {"/things": {"get": {"operationId": "list", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}},
        "webhooks": {"newThing": {"post": {
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
            "responses": {"200": {"description": "ok"}}
        }}},
        "components": {"schemas": {"Thing": {
            "type": "object",
            "properties": {
                "name": {"type": ["string", "null"]},
                "kind": {"const": "thing"},
                "size": {"type": "integer", "exclusiveMinimum": 0, "examples": [3]},
                "parts": {"type": "array", "prefixItems": [{"type": "string"}]}
            }
        }}}
    });
    let loaded = load(&spec);
    let d = serde_json::to_value(&loaded.openapi).unwrap();
    let props = &d["components"]["schemas"]["Thing"]["properties"];
    assert_eq!(props["name"], json!({"type": "string", "nullable": true}));
    assert_eq!(props["kind"], json!({"enum": ["thing"]}));
    assert_eq!(
        props["size"],
        json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "example": 3})
    );
    assert!(loaded
        .diagnostics
        .iter()
        .any(|d| d.pointer.ends_with("/parts/prefixItems") && d.message.contains("dropped")));
    assert_eq!(loaded.openapi.openapi, "3.0.3");
    let webhook = &loaded.connector.triggers[0];
    assert_eq!(webhook.kind, TriggerKind::Webhook);
    assert_eq!(webhook.action, None);
    assert_eq!(webhook.notification_type.as_deref(), Some("Thing"));
}

#[test]
fn yaml_specs_load_like_json() {
    let yaml = "swagger: '2.0'\ninfo:\n  title: Yaml\n  version: '1'\npaths:\n  /a:\n    get:\n      operationId: GetA\n      responses:\n        200:\n          description: ok\n";
    let loaded = load_bytes("spec.yaml", yaml.as_bytes(), &LoadOptions::new()).unwrap();
    assert_eq!(loaded.connector.title, "Yaml");
    assert_eq!(loaded.connector.actions[0].responses[0].status, "200");
    let broken = load_bytes(
        "bad.yaml",
        b"swagger: '2.0'\ninfo: [unclosed\n",
        &LoadOptions::new(),
    )
    .unwrap_err();
    let diagnostics = broken.diagnostics();
    assert!(diagnostics[0].line.is_some(), "{broken}");
    // The parser's position reaches the diagnostic: a tab where indentation is expected.
    let tabbed = load_bytes(
        "tab.yaml",
        b"swagger: '2.0'\ninfo:\n  title: t\n\tversion: '1'\n",
        &LoadOptions::new(),
    )
    .unwrap_err();
    let at = &tabbed.diagnostics()[0];
    assert_eq!((at.line, at.column), (Some(4), Some(1)), "{tabbed}");
    assert!(tabbed.to_string().starts_with("tab.yaml:4:1: "), "{tabbed}");
}

#[test]
fn strict_turns_repairs_into_errors() {
    let text =
        b"{\"swagger\": \"2.0\", \"info\": {\"title\": \"t\", \"version\": \"1\",}, \"paths\": {}}";
    let lenient = load_bytes("s.json", text, &LoadOptions::new()).unwrap();
    assert_eq!(lenient.diagnostics.len(), 1);
    assert!(lenient.diagnostics[0].message.contains("trailing comma"));
    let strict = load_bytes("s.json", text, &LoadOptions::new().with_strict(true)).unwrap_err();
    let errors = strict.diagnostics();
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].line, errors[0].column), (Some(1), Some(57)));
    assert!(strict.to_string().contains("--strict"));
}

#[test]
fn not_a_spec_is_an_error_not_a_panic() {
    for text in [
        "[1, 2]",
        "\"text\"",
        "{\"swagger\": \"1.2\"}",
        "{\"hello\": 1}",
        "{\"openapi\": 4}",
    ] {
        assert!(
            load_bytes("x.json", text.as_bytes(), &LoadOptions::new()).is_err(),
            "{text}"
        );
    }
}

#[test]
fn a_get_with_notification_content_but_no_url_marker_is_polled() {
    let spec = json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "definitions": {"My Item": {"type": "object"}},
        "paths": {"/items/new": {
            "x-ms-notification-content": {"schema": {"$ref": "#/definitions/My%20Item"}},
            "get": {"operationId": "OnNewItems", "x-ms-trigger": "batch",
                "responses": {"200": {"description": "ok", "schema": {"type": "array",
                    "items": {"$ref": "#/definitions/My%20Item"}}}}}
        }}
    });
    let loaded = load(&spec);
    let trigger = &loaded.connector.triggers[0];
    assert_eq!(trigger.kind, TriggerKind::Polling);
    assert!(trigger.batch);
    let d = serde_json::to_value(&loaded.openapi).unwrap();
    assert_eq!(
        d["paths"]["/items/new"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["items"],
        json!({"$ref": "#/components/schemas/My Item"}),
        "percent-encoded references are decoded so they resolve by name"
    );
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
}

#[test]
fn the_sample_spec_and_its_openapi_yaml_twin_give_the_same_model() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/github-webhook");
    let (json_spec, yaml_spec) = (
        dir.join("github-webhook.swagger.json"),
        dir.join("github-webhook.openapi.yaml"),
    );
    let opts = LoadOptions::new();
    let from_json = connector_model::load_path(&json_spec, &opts)
        .unwrap()
        .connector;
    let from_yaml = connector_model::load_path(&yaml_spec, &opts)
        .unwrap()
        .connector;
    let summary = |c: &connector_model::Connector| {
        let actions: Vec<_> = c
            .actions
            .iter()
            .map(|a| {
                (
                    a.operation_id.clone(),
                    a.rust_name.clone(),
                    a.method,
                    a.path.clone(),
                )
            })
            .collect();
        let triggers: Vec<_> = c
            .triggers
            .iter()
            .map(|t| {
                (
                    t.operation_id.clone(),
                    t.kind,
                    t.callback_pointer.clone(),
                    t.notification_type.clone(),
                    t.unsubscribe.clone(),
                )
            })
            .collect();
        (c.title.clone(), c.base_url.clone(), actions, triggers)
    };
    assert_eq!(summary(&from_json), summary(&from_yaml));
    assert_eq!(
        from_json.triggers[0].callback_pointer.as_deref(),
        Some("/config/url")
    );
}

/// [`github_like`] plus a list operation on the subscribe path answering `{"value": [hook]}`,
/// each hook carrying `config.url` (where the subscribe body puts the callback) and a `hook_id`.
fn github_like_with_list(list: Value) -> Value {
    let mut spec = github_like();
    spec["definitions"]["ListedHook"] = json!({"type": "object", "properties": {
        "hook_id": {"type": "integer"},
        "url": {"type": "string"},
        "config": {"$ref": "#/definitions/HookConfig"}
    }});
    spec["paths"]["/repos/{owner}/{repo}/hooks"]["get"] = list;
    spec
}

fn list_operation(parameters: Value, answer: Value) -> Value {
    json!({
        "operationId": "ListHooks",
        "parameters": parameters,
        "responses": {"200": {"description": "hooks", "schema": answer}}
    })
}

fn path_parameters() -> Value {
    json!([
        {"name": "owner", "in": "path", "required": true, "type": "string"},
        {"name": "repo", "in": "path", "required": true, "type": "string"},
        {"name": "per_page", "in": "query", "type": "integer"}
    ])
}

#[test]
fn the_get_on_the_subscribe_path_is_the_triggers_list_operation() {
    let answer = json!({"type": "object", "properties": {"value": {
        "type": "array", "items": {"$ref": "#/definitions/ListedHook"}}}});
    let loaded = load(&github_like_with_list(list_operation(
        path_parameters(),
        answer,
    )));
    let list = loaded.connector.triggers[0]
        .list
        .as_ref()
        .expect("a list operation");
    assert_eq!(list.operation_id, "ListHooks");
    assert_eq!(list.path, "/repos/{owner}/{repo}/hooks");
    assert_eq!(
        list.from_subscribe,
        BTreeMap::from([
            ("owner".to_string(), "owner".to_string()),
            ("repo".to_string(), "repo".to_string())
        ])
    );
    assert_eq!(list.items_from.as_deref(), Some("/value"));
    assert_eq!(list.callback_from, "/config/url");
    assert_eq!(
        list.id_from.as_deref(),
        Some("/hook_id"),
        "named like the DELETE's id"
    );
    assert_eq!(list.url_from.as_deref(), Some("/url"));
}

#[test]
fn a_get_that_cannot_be_trusted_to_list_hooks_is_not_used() {
    let array = json!({"type": "array", "items": {"$ref": "#/definitions/ListedHook"}});
    // A required query parameter nothing in the subscribe request gives.
    let mut parameters = path_parameters();
    parameters[2]["required"] = json!(true);
    let loaded = load(&github_like_with_list(list_operation(
        parameters,
        array.clone(),
    )));
    assert_eq!(loaded.connector.triggers[0].list, None);
    // Items without a field where the subscribe body puts the callback URL.
    let loaded = load(&github_like_with_list(list_operation(
        path_parameters(),
        json!({"type": "array", "items": {"$ref": "#/definitions/Hook"}}),
    )));
    assert_eq!(loaded.connector.triggers[0].list, None);
    // An answer that is not a list.
    let loaded = load(&github_like_with_list(list_operation(
        path_parameters(),
        json!({"$ref": "#/definitions/ListedHook"}),
    )));
    assert_eq!(loaded.connector.triggers[0].list, None);
    // The array answer itself is fine.
    let loaded = load(&github_like_with_list(list_operation(
        path_parameters(),
        array,
    )));
    let list = loaded.connector.triggers[0]
        .list
        .as_ref()
        .expect("a list operation");
    assert_eq!(list.items_from, None);
}
