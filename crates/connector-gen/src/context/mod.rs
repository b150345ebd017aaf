//! The data templates render: everything about a spec, pre-digested into names, Rust type
//! strings and small flags, so templates stay about layout.

mod client;
mod defaults;
mod params;
mod polling;
mod triggers;

use crate::literals::{doc_lines, string_literal};
use crate::typespace::{recursion_defaults, Ty, TypeDef, TypeKind, TypeSpace, Warning};
use connector_model::Loaded;
use serde::Serialize;
use serde_json::Value;

pub use client::{ActionContext, ErrorContext, SecurityContext};
pub use polling::PollingTriggerContext;
pub use triggers::{ReceiveOnlyContext, TriggerContext};

/// Path prefix of generated types outside the models module.
pub const MODELS: &str = "crate::models::";

/// Everything the templates see.
#[derive(Debug, Serialize)]
pub struct CrateContext {
    /// Cargo package name.
    pub crate_name: String,
    /// The crate as a Rust path segment (`-` → `_`).
    pub crate_ident: String,
    /// `info.title`.
    pub title: String,
    /// `info.description` as doc lines.
    pub description: Vec<String>,
    /// `info.description` flattened to one line (README, Cargo.toml).
    pub summary: String,
    /// TOML string literal of [`CrateContext::summary`] (or the title).
    pub cargo_description: String,
    /// `info.version`.
    pub spec_version: String,
    /// Spec file name (no directories, so output does not depend on where the spec lies).
    pub spec: String,
    /// The `connector-client` dependency value for Cargo.toml.
    pub client_dependency: String,
    /// Rust literal of the spec's base URL.
    pub base_url: String,
    /// The spec's base URL as written.
    pub base_url_text: String,
    /// Named model types.
    pub types: Vec<TypeContext>,
    /// Client methods.
    pub actions: Vec<ActionContext>,
    /// The crate's typed error bodies (`ErrorBody` variants).
    pub errors: Vec<ErrorContext>,
    /// Security scheme constructors.
    pub security: Vec<SecurityContext>,
    /// Webhook triggers with a subscribe operation.
    pub triggers: Vec<TriggerContext>,
    /// Webhook triggers without one (3.0 callbacks / 3.1 webhooks): notification types only.
    pub receive_only: Vec<ReceiveOnlyContext>,
    /// Polling triggers: `(poll method, action method, summary)`.
    pub polling: Vec<PollingContext>,
    /// Polling triggers as types for `connector-runtime`.
    pub polling_triggers: Vec<PollingTriggerContext>,
    /// `connector-gen` version.
    pub generator_version: String,
}

/// A polling trigger, for the README.
#[derive(Debug, Serialize)]
pub struct PollingContext {
    /// The `poll_*` client method.
    pub method: String,
    /// What it is.
    pub summary: String,
}

/// One named model type.
#[derive(Debug, Serialize)]
pub struct TypeContext {
    /// Type name.
    pub name: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// `struct`, `enum`, `untagged` or `alias`.
    pub kind: &'static str,
    /// Derive `Default` (structs).
    pub default: bool,
    /// Implement `Default` by hand instead, giving fields their schema defaults.
    pub impl_default: bool,
    /// Implement `Serialize` (some request sends the type).
    pub serialize: bool,
    /// Implement `Deserialize` (some answer carries the type).
    pub deserialize: bool,
    /// Implement `Deserialize` by `#[derive]` (structs with a flattened field) rather than by
    /// the template's own `visit_map`.
    pub derive_deserialize: bool,
    /// Indexes of `fields` in the byte order of their wire names (for `connector_client::de`).
    pub fields_by_name: Vec<usize>,
    /// Rust literal of the type's name (serde's struct name).
    pub name_literal: String,
    /// Rust literal of what a hand-written visitor expects (`struct Name`).
    pub expecting: String,
    /// Struct fields.
    pub fields: Vec<FieldContext>,
    /// String enum values.
    pub variants: Vec<VariantContext>,
    /// The catch-all variant of a string enum.
    pub other: String,
    /// Union members (untagged and tagged).
    pub members: Vec<MemberContext>,
    /// Rust literal of a tagged union's discriminator property.
    pub tag: String,
    /// Target of an alias.
    pub alias: String,
}

/// One struct field.
#[derive(Debug, Serialize)]
pub struct FieldContext {
    /// Identifier.
    pub ident: String,
    /// Rust type.
    pub ty: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// Contents of `#[serde(...)]`, empty for none.
    pub serde: String,
    /// Expression of the field's schema default, empty for none (`Default::default()`).
    pub default: String,
    /// Rust literal of the wire name (empty for the flattened additional properties).
    pub wire: String,
    /// An absent field deserialises as `Default::default()` (`#[serde(default)]`).
    pub absent_is_default: bool,
}

/// One string enum value.
#[derive(Debug, Serialize)]
pub struct VariantContext {
    /// Variant identifier.
    pub ident: String,
    /// Rust literal of the wire value.
    pub wire: String,
    /// Doc line.
    pub doc: String,
}

/// One union member.
#[derive(Debug, Serialize)]
pub struct MemberContext {
    /// Variant identifier.
    pub ident: String,
    /// Rust type.
    pub ty: String,
    /// Tagged unions: Rust literals of the discriminator values that pick this member.
    pub tags: Vec<String>,
    /// Tagged unions: Rust literal of the value written when the member lacks the property.
    pub tag: String,
}

/// Inputs that are not in the spec.
pub struct Settings<'a> {
    /// Cargo package name.
    pub crate_name: &'a str,
    /// The `connector-client` dependency value for Cargo.toml.
    pub client_dependency: String,
}

/// Build the context for `loaded`; returns it with the warnings of type lowering.
pub fn build(loaded: &Loaded, settings: &Settings<'_>) -> (CrateContext, Vec<Warning>) {
    // Serialising the normalised document once lets type lowering work on plain JSON.
    let openapi = serde_json::to_value(&loaded.openapi).unwrap_or(Value::Null);
    let mut space = TypeSpace::new(&openapi);
    let connector = &loaded.connector;
    let (mut actions, errors) = client::actions(connector, &mut space);
    let (triggers, receive_only) = triggers::triggers(connector, &mut space);
    let polling = client::add_polls(connector, &mut actions);
    let polling_triggers = polling::polling_triggers(connector, &openapi, &mut space);
    let security = client::security(connector, &actions);
    let (defs, warnings) = space.finish();
    let defaults = recursion_defaults(&defs);
    let enums: std::collections::BTreeSet<String> = defs
        .iter()
        .filter(|d| matches!(d.kind, TypeKind::StringEnum { .. }))
        .map(|d| d.name.clone())
        .collect();
    let types = defs
        .iter()
        .map(|d| type_context(d, &defaults, &enums))
        .collect();
    let summary = one_line(connector.description.as_deref().unwrap_or_default());
    let cargo_description = if summary.is_empty() {
        format!("Typed client for {}", connector.title)
    } else {
        summary.clone()
    };
    let context = CrateContext {
        crate_name: settings.crate_name.to_owned(),
        crate_ident: settings.crate_name.replace('-', "_"),
        title: one_line(&connector.title),
        description: doc_lines(&[connector.description.as_deref()]),
        summary,
        cargo_description: toml_string(&truncate(&cargo_description, 200)),
        spec_version: connector.version.clone(),
        // The file name only: generated output must not depend on where the spec lies.
        spec: std::path::Path::new(&loaded.source)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| loaded.source.clone()),
        client_dependency: settings.client_dependency.clone(),
        base_url: string_literal(&connector.base_url),
        base_url_text: connector.base_url.clone(),
        types,
        actions,
        errors,
        security,
        triggers,
        receive_only,
        polling,
        polling_triggers,
        generator_version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    (context, warnings)
}

fn type_context(
    def: &TypeDef,
    defaults: &std::collections::BTreeMap<String, bool>,
    enums: &std::collections::BTreeSet<String>,
) -> TypeContext {
    let mut context = TypeContext {
        name: def.name.clone(),
        doc: def.doc.clone(),
        kind: "alias",
        default: def.default,
        impl_default: false,
        serialize: def.serialize,
        deserialize: def.deserialize,
        derive_deserialize: false,
        fields_by_name: Vec::new(),
        name_literal: string_literal(&def.name),
        expecting: string_literal(&format!("struct {}", def.name)),
        fields: Vec::new(),
        variants: Vec::new(),
        other: String::new(),
        members: Vec::new(),
        tag: String::new(),
        alias: String::new(),
    };
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            context.kind = "struct";
            context.fields = fields
                .iter()
                .map(|f| {
                    let mut serde = Vec::new();
                    if f.ident != f.wire {
                        serde.push(format!("rename = {}", string_literal(&f.wire)));
                    }
                    // Servers omit "required" fields more often than specs admit.
                    let absent_is_default = !f.required
                        || (!def.strict && crate::typespace::has_default(&f.ty, defaults));
                    if absent_is_default {
                        serde.push("default".to_owned());
                    }
                    if !f.required {
                        serde.push("skip_serializing_if = \"Option::is_none\"".to_owned());
                    }
                    FieldContext {
                        ident: f.ident.clone(),
                        ty: f.ty.render(""),
                        doc: f.doc.clone(),
                        serde: serde.join(", "),
                        wire: string_literal(&f.wire),
                        absent_is_default,
                        default: f
                            .default
                            .as_ref()
                            .and_then(|value| defaults::default_expr(&f.ty, value, enums))
                            .unwrap_or_default(),
                    }
                })
                .collect();
            if let Some((ident, ty)) = additional {
                context.fields.push(FieldContext {
                    ident: ident.clone(),
                    ty: Ty::Map(Box::new(ty.clone())).render(""),
                    doc: vec!["Properties not declared by the schema.".to_owned()],
                    serde: "flatten".to_owned(),
                    default: String::new(),
                    wire: String::new(),
                    absent_is_default: true,
                });
            }
            let mut by_name: Vec<(usize, &str)> = fields
                .iter()
                .enumerate()
                .map(|(index, f)| (index, f.wire.as_str()))
                .collect();
            by_name.sort_by(|a, b| a.1.as_bytes().cmp(b.1.as_bytes()));
            context.fields_by_name = by_name.into_iter().map(|(index, _)| index).collect();
            // The derive only where a field is flattened; elsewhere the template writes a lean
            // `visit_map` on `connector_client::de` (see there why).
            context.derive_deserialize = def.deserialize && additional.is_some();
            context.impl_default =
                def.default && context.fields.iter().any(|f| !f.default.is_empty());
        }
        TypeKind::StringEnum { variants, other } => {
            context.kind = "enum";
            context.variants = variants
                .iter()
                .map(|v| VariantContext {
                    ident: v.ident.clone(),
                    wire: string_literal(&v.wire),
                    doc: match doc_lines(&[Some(&v.wire)]).join(" ") {
                        doc if doc.is_empty() => "The empty value.".to_owned(),
                        doc => format!("The value {doc}."),
                    },
                })
                .collect();
            context.other = other.clone();
        }
        TypeKind::Untagged { variants } => {
            context.kind = "untagged";
            context.members = variants
                .iter()
                .map(|(ident, ty)| MemberContext {
                    ident: ident.clone(),
                    ty: ty.render(""),
                    tags: Vec::new(),
                    tag: String::new(),
                })
                .collect();
        }
        TypeKind::Tagged {
            property,
            variants,
            tags,
            other,
        } => {
            context.kind = "tagged";
            context.tag = string_literal(property);
            context.other = other.clone();
            context.members = variants
                .iter()
                .zip(tags)
                .map(|((ident, ty), tags)| MemberContext {
                    ident: ident.clone(),
                    ty: ty.render(""),
                    tags: tags.iter().map(|t| string_literal(t)).collect(),
                    tag: string_literal(tags.first().map_or(ident.as_str(), String::as_str)),
                })
                .collect();
        }
        TypeKind::Alias(ty) => context.alias = ty.render(""),
    }
    context
}

/// Collapse whitespace to single spaces (for one-line contexts).
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((index, _)) => format!("{}...", &text[..index]),
        None => text.to_owned(),
    }
}

/// A TOML basic string (JSON string escapes are valid TOML).
pub fn toml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}
