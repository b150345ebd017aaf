//! Acceptance against the shared corpus: every real spec loads, every webhook trigger has a
//! callback pointer, the quirks are repaired (or refused under --strict), the GitHub API loads.

use connector_model::{load_path, LoadOptions, TriggerKind};
use std::path::{Path, PathBuf};

fn shared(rel: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join("../shared")
        .join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("note: {} is absent; test skipped", path.display());
        None
    }
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
    let Some(dir) = shared("corpus/power-platform") else {
        return;
    };
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
