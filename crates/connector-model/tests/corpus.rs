//! Acceptance against the real specs in tests/corpus: every real spec loads, every webhook trigger has a
//! callback pointer, the quirks are repaired (or refused under --strict), the GitHub API loads.

use connector_model::{load_path, LoadOptions, TriggerKind};
use std::path::{Path, PathBuf};

/// `tests/corpus/<rel>` in the repository; the test fails when it is missing.
fn corpus(rel: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus")
        .join(rel);
    assert!(path.exists(), "{} is missing", path.display());
    path
}

fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path().join("apiDefinition.swagger.json"))
        .filter(|p| p.exists())
        .collect();
    specs.sort();
    specs
}

#[test]
fn every_power_platform_spec_loads_and_every_webhook_has_a_callback_pointer() {
    let dir = corpus("power-platform");
    let specs = specs_in(&dir);
    assert_eq!(specs.len(), 40);
    let mut webhooks = 0;
    for spec in specs {
        let loaded = load_path(&spec, &LoadOptions::new())
            .unwrap_or_else(|e| panic!("{} failed: {e}", spec.display()));
        assert!(!loaded.connector.actions.is_empty(), "{}", spec.display());
        for trigger in &loaded.connector.triggers {
            if trigger.kind == TriggerKind::Webhook {
                webhooks += 1;
                assert!(
                    trigger.callback_pointer.is_some() || trigger.callback_parameter.is_some(),
                    "{}: {} has no callback pointer",
                    spec.display(),
                    trigger.operation_id
                );
            }
        }
    }
    assert!(webhooks > 100, "only {webhooks} webhook triggers");
}

/// The bug this guards against: the 3E Events DELETE
/// `/v1/subscriptions/{subscriptionId}/event/{type}` read with `type` as the id, leaving
/// `{subscriptionId}` to be sent literally.
#[test]
fn three_e_events_unsubscribes_by_subscription_id_with_the_event_type_fixed() {
    let spec = corpus("power-platform/3e-events/apiDefinition.swagger.json");
    let loaded = load_path(&spec, &LoadOptions::new()).unwrap();
    let webhooks: Vec<_> = loaded
        .connector
        .triggers
        .iter()
        .filter(|t| t.kind == TriggerKind::Webhook)
        .collect();
    assert_eq!(webhooks.len(), 11);
    for trigger in webhooks {
        let subscribe = &loaded.connector.actions[trigger.action.unwrap()];
        let kind = subscribe.path.rsplit('/').next().unwrap();
        let route = trigger.unsubscribe.as_ref().unwrap();
        assert_eq!(route.operation_id, "DeleteSubscription");
        assert_eq!(
            route.path,
            "/v1/subscriptions/{subscriptionId}/event/{type}"
        );
        assert_eq!(route.id_param.as_deref(), Some("subscriptionId"));
        assert_eq!(route.id_from.as_deref(), Some("/id"));
        assert_eq!(
            route.fixed.get("type").map(String::as_str),
            Some(kind),
            "{}",
            trigger.operation_id
        );
        assert!(route.from_subscribe.is_empty());
    }
}

/// Across the corpus, no route leaves a placeholder that nothing fills: each is the id, taken
/// from the subscribe request, or fixed.
#[test]
fn every_unsubscribe_placeholder_but_the_id_has_a_value() {
    let dir = corpus("power-platform");
    let mut routes = 0;
    for spec in specs_in(&dir) {
        let loaded = load_path(&spec, &LoadOptions::new()).unwrap();
        for trigger in &loaded.connector.triggers {
            let Some(route) = &trigger.unsubscribe else {
                continue;
            };
            routes += 1;
            let subscribe = &loaded.connector.actions[trigger.action.unwrap()];
            for name in placeholders(&route.path) {
                let by_subscribe = route
                    .from_subscribe
                    .get(name)
                    .is_some_and(|source| subscribe.parameters.iter().any(|p| &p.name == source));
                assert!(
                    route.id_param.as_deref() == Some(name)
                        || by_subscribe
                        || route.fixed.contains_key(name),
                    "{}: {} leaves {{{name}}} open in {}",
                    spec.display(),
                    trigger.operation_id,
                    route.path
                );
            }
        }
    }
    assert!(routes > 100, "only {routes} unsubscribe routes");
}

fn placeholders(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

#[test]
fn the_four_repairable_quirks_load_with_a_warning_naming_each_repair() {
    let dir = corpus("quirks");
    let expected = [
        ("bom-microsoft-bookings", "byte-order mark"),
        ("duplicate-keys-rainbird", "duplicate key"),
        ("latin1-yelp", "Windows-1252"),
        (
            "trailing-commas-cireson-service-manager-portal",
            "trailing comma",
        ),
    ];
    for (name, repair) in expected {
        let spec = dir.join(name).join("apiDefinition.swagger.json");
        let loaded =
            load_path(&spec, &LoadOptions::new()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let repairs: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.message.contains(repair))
            .collect();
        assert!(
            !repairs.is_empty(),
            "{name}: no warning about {repair}: {:?}",
            loaded.diagnostics
        );
        assert!(
            repairs
                .iter()
                .all(|d| d.line.is_some() && d.column.is_some()),
            "{name}"
        );
        // Under --strict the same repairs are errors.
        let strict = load_path(&spec, &LoadOptions::new().with_strict(true)).unwrap_err();
        assert!(
            strict
                .diagnostics()
                .iter()
                .any(|d| d.message.contains(repair)),
            "{name}: {strict}"
        );
    }
    let duplicates = load_path(
        &dir.join("duplicate-keys-rainbird/apiDefinition.swagger.json"),
        &LoadOptions::new(),
    )
    .unwrap();
    assert_eq!(
        duplicates.diagnostics[0].pointer,
        "/paths/~1{sessionID}~1response/post/responses/200/description"
    );
}

#[test]
fn the_broken_quirk_fails_with_file_line_and_column() {
    let dir = corpus("quirks/broken-giphy");
    let spec = dir.join("apiDefinition.swagger.json");
    let error = load_path(&spec, &LoadOptions::new()).unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("{}:810:13: ", spec.display())),
        "{text}"
    );
    let diagnostics = error.diagnostics();
    assert_eq!(
        (diagnostics[0].line, diagnostics[0].column),
        (Some(810), Some(13))
    );
}

#[test]
fn the_github_rest_api_loads() {
    let spec = corpus("github/api.github.com.json");
    let loaded = load_path(&spec, &LoadOptions::new()).unwrap();
    assert_eq!(loaded.connector.title, "GitHub v3 REST API");
    assert!(loaded.connector.actions.len() > 700);
    let names: std::collections::HashSet<&str> = loaded
        .connector
        .actions
        .iter()
        .map(|a| a.rust_name.as_str())
        .collect();
    assert_eq!(
        names.len(),
        loaded.connector.actions.len(),
        "rust names are unique"
    );
}

/// The DELETE chosen for unsubscribing is the webhook one, not a business object's that
/// shares more of the path (ForceManager once would have deleted an Account by hook id), and
/// none when the spec has none (Shopranos: only carts, products and the like).
#[test]
fn unsubscribe_deletes_are_about_webhooks() {
    let chosen = |name: &str| -> Vec<Option<String>> {
        let spec = corpus(&format!("power-platform/{name}/apiDefinition.swagger.json"));
        let loaded = load_path(&spec, &LoadOptions::new()).unwrap();
        loaded
            .connector
            .triggers
            .iter()
            .filter(|t| t.kind == TriggerKind::Webhook)
            .map(|t| t.unsubscribe.as_ref().map(|u| u.operation_id.clone()))
            .collect()
    };
    let all = |name: &str, expected: Option<&str>| {
        let ops = chosen(name);
        assert!(!ops.is_empty(), "{name}");
        for op in ops {
            assert_eq!(op.as_deref(), expected, "{name}");
        }
    };
    all("almabase", Some("DeleteWebhook"));
    all("forcemanager-crm", Some("DeleteWebhook"));
    all("processstreet", Some("DeleteTrigger"));
    all("shopranos", None);
}
