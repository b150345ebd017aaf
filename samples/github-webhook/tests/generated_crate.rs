//! The connector crate in `generated/` is what connector-gen makes of the spec today, and the
//! Swagger 2.0 spec and its OpenAPI 3.0 twin describe the same connector.
//!
//! After changing the spec or the generator, refresh the checked-in crate with
//! `UPDATE_GENERATED=1 cargo test -p github-webhook-sample --test generated_crate`.

use std::path::{Path, PathBuf};

use connector_gen::{ClientDep, GeneratedCrate, Generator};
use connector_model::{LoadOptions, Loaded, SecurityScheme, TriggerKind};

/// Spec paths relative to the workspace root: the generated files name their source, and that
/// text must not depend on where the test runs from.
const SWAGGER: &str = "samples/github-webhook/github-webhook.swagger.json";
const OPENAPI: &str = "samples/github-webhook/github-webhook.openapi.yaml";
const CRATE_NAME: &str = "github-webhook-connector";
/// From `samples/github-webhook/generated/` to the client crate.
const CLIENT_PATH: &str = "../../../crates/connector-client";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn generated_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("generated")
}

fn load(spec: &str) -> Loaded {
    let bytes = std::fs::read(workspace_root().join(spec)).unwrap();
    connector_model::load_bytes(spec, &bytes, &LoadOptions::new()).unwrap()
}

fn generate(spec: &str) -> GeneratedCrate {
    Generator::new(load(spec))
        .with_crate_name(CRATE_NAME)
        .with_client(ClientDep::Path(PathBuf::from(CLIENT_PATH)))
        .generate()
        .unwrap()
}

#[test]
fn checked_in_crate_is_what_the_generator_makes_today() {
    let generated = generate(SWAGGER);
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    let dir = generated_dir();
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        for (path, text) in &generated.files {
            let target = dir.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, text).unwrap();
        }
    }
    let mut stale = Vec::new();
    for (path, text) in &generated.files {
        let on_disk = std::fs::read_to_string(dir.join(path)).unwrap_or_default();
        if &on_disk != text {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "samples/github-webhook/generated is out of date ({}); run \
         `UPDATE_GENERATED=1 cargo test -p github-webhook-sample --test generated_crate` \
         and commit the result",
        stale.join(", ")
    );
}

#[test]
fn openapi_twin_generates_the_same_crate() {
    let from_swagger = generate(SWAGGER);
    let from_openapi = generate(OPENAPI);
    let names = |c: &GeneratedCrate| c.files.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&from_swagger), names(&from_openapi));
    for ((path, swagger), (_, openapi)) in from_swagger.files.iter().zip(&from_openapi.files) {
        // Only the text naming the source file (by path or by file name) may differ.
        let neutral = |text: &str, spec: &str| {
            let file_name = spec.rsplit('/').next().unwrap_or(spec);
            text.replace(spec, "SPEC").replace(file_name, "SPEC")
        };
        assert_eq!(
            neutral(swagger, SWAGGER),
            neutral(openapi, OPENAPI),
            "{} differs between the twins",
            path.display()
        );
    }
}

/// The shape the Power Automate seed walks its reader through, checked on both inputs.
#[test]
fn both_specs_describe_the_seeds_github_webhook() {
    for spec in [SWAGGER, OPENAPI] {
        let loaded = load(spec);
        assert!(
            loaded.diagnostics.is_empty(),
            "{spec}: {:?}",
            loaded.diagnostics
        );
        let connector = &loaded.connector;
        assert_eq!(connector.base_url, "https://api.github.com", "{spec}");
        assert!(
            matches!(
                connector.security.as_slice(),
                [SecurityScheme::Basic { .. }]
            ),
            "{spec}"
        );

        let [trigger] = connector.triggers.as_slice() else {
            panic!("{spec}: expected one trigger, got {:?}", connector.triggers);
        };
        assert_eq!(trigger.operation_id, "webhook-trigger");
        assert_eq!(trigger.kind, TriggerKind::Webhook);
        assert!(!trigger.batch, "x-ms-trigger: single");
        assert_eq!(
            trigger.notification_type.as_deref(),
            Some("WebhookPushResponse")
        );
        assert_eq!(trigger.callback_pointer.as_deref(), Some("/config/url"));
        let unsubscribe = trigger.unsubscribe.as_ref().unwrap();
        assert_eq!(unsubscribe.operation_id, "DeleteTrigger");
        assert_eq!(unsubscribe.path, "/repos/{owner}/{repo}/hooks/{hook_Id}");
        assert_eq!(unsubscribe.id_param.as_deref(), Some("hook_Id"));

        let subscribe = &connector.actions[trigger.action.unwrap()];
        assert_eq!(subscribe.path, "/repos/{owner}/{repo}/hooks");
        let created = subscribe
            .responses
            .iter()
            .find(|r| r.status == "201")
            .unwrap();
        assert!(
            created
                .headers
                .iter()
                .any(|h| h.eq_ignore_ascii_case("location")),
            "{spec}"
        );
    }
}
