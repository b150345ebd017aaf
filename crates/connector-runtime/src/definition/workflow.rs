//! Whole Logic Apps workflow files: the exported `{"definition": {...}, "parameters": {...}}`
//! (also inside an ARM resource's `properties`) or a bare workflow definition with its
//! `$schema`. Their `HttpWebhook` triggers and actions (nested ones in scopes, conditions,
//! switches and loops included) are loaded by name, ready to register; every other trigger and
//! action is listed as skipped.
//!
//! Parameter values: the application's ([`DefinitionOptions::with_parameter`]), else the
//! file's `parameters.<name>.value`, else the definition's `defaultValue`.

use serde_json::{Map, Value};

use super::diagnostics::child_pointer;
use super::{
    DefinitionError, DefinitionOptions, Diagnostic, HttpWebhookDefinition, LoadContext, Role,
};

/// What `workflow().name` answers when neither the application nor the file names the
/// workflow.
pub const DEFAULT_WORKFLOW_NAME: &str = "workflow";

/// A trigger or action of another type, which the runtime does not host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Its name.
    pub name: String,
    /// Its JSON pointer.
    pub pointer: String,
    /// Its `type`.
    pub kind: String,
}

/// A loaded workflow's HttpWebhook triggers and actions.
#[derive(Debug, Clone)]
pub struct Workflow {
    triggers: Vec<HttpWebhookDefinition>,
    actions: Vec<HttpWebhookDefinition>,
    skipped: Vec<Skipped>,
    warnings: Vec<Diagnostic>,
}

/// Whether `value` looks like a workflow file rather than a single definition or a spec:
/// it has `definition.triggers` / `definition.actions`, or `triggers` / `actions` beside a
/// `$schema` naming the workflow definition schema.
pub fn is_workflow(value: &Value) -> bool {
    let has_parts = |v: &Value| v.get("triggers").is_some() || v.get("actions").is_some();
    let definition = value
        .get("properties")
        .and_then(|p| p.get("definition"))
        .or_else(|| value.get("definition"));
    if definition.is_some_and(has_parts) {
        return true;
    }
    let schema = value
        .get("$schema")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    has_parts(value) && schema.contains("workflowdefinition")
}

impl Workflow {
    /// Parse a workflow file.
    pub fn from_json(text: &str, options: &DefinitionOptions) -> Result<Self, DefinitionError> {
        let value: Value = serde_json::from_str(text)?;
        Self::from_value(&value, options)
    }

    /// Load a workflow from JSON.
    pub fn from_value(value: &Value, options: &DefinitionOptions) -> Result<Self, DefinitionError> {
        let mut context = LoadContext::new(options);
        if context.workflow_name.is_empty() {
            context.workflow_name = DEFAULT_WORKFLOW_NAME.to_owned();
        }
        let (root, root_pointer) = match value.get("properties") {
            Some(properties) if properties.get("definition").is_some() => {
                (properties, "/properties".to_owned())
            }
            _ => (value, String::new()),
        };
        let (definition, pointer, file_parameters) = match root.get("definition") {
            Some(definition) => (
                definition,
                format!("{root_pointer}/definition"),
                root.get("parameters"),
            ),
            None => (root, root_pointer.clone(), None),
        };
        // The file's values first, then the definition's defaults fill in the rest.
        if let Some(values) = file_parameters.and_then(Value::as_object) {
            for (name, entry) in values {
                if let Some(value) = entry.get("value") {
                    context
                        .parameters
                        .entry(name.clone())
                        .or_insert_with(|| value.clone());
                }
            }
        }
        if let Some(declarations) = definition.get("parameters") {
            context.declare_parameters(declarations, &format!("{pointer}/parameters"));
        }
        let mut workflow = Workflow {
            triggers: Vec::new(),
            actions: Vec::new(),
            skipped: Vec::new(),
            warnings: Vec::new(),
        };
        if !definition.is_object() {
            context.diagnostics.error(&pointer, "must be an object");
        }
        if let Some(triggers) = definition.get("triggers") {
            let at = format!("{pointer}/triggers");
            for (name, trigger, at) in entries(triggers, &at, &mut context) {
                workflow.load(name, trigger, at, Role::Trigger, &mut context);
            }
        }
        if let Some(actions) = definition.get("actions") {
            workflow.load_actions(actions, &format!("{pointer}/actions"), &mut context);
        }
        if context.diagnostics.has_errors() {
            return Err(DefinitionError::Invalid(context.diagnostics.into_vec()));
        }
        let warnings = context.diagnostics.into_vec();
        for definition in workflow
            .triggers
            .iter_mut()
            .chain(workflow.actions.iter_mut())
        {
            definition.take_warnings(&warnings);
        }
        workflow.warnings = warnings;
        Ok(workflow)
    }

    fn load(
        &mut self,
        name: String,
        value: &Value,
        pointer: String,
        role: Role,
        context: &mut LoadContext<'_>,
    ) {
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !kind.eq_ignore_ascii_case("HttpWebhook") {
            self.skipped.push(Skipped {
                name,
                pointer,
                kind: kind.to_owned(),
            });
            return;
        }
        if let Some(definition) = HttpWebhookDefinition::read(value, &pointer, &name, role, context)
        {
            match role {
                Role::Trigger => self.triggers.push(definition),
                Role::Action | Role::Either => self.actions.push(definition),
            }
        }
    }

    /// Actions, and the actions nested in scopes, conditions, switches and loops.
    fn load_actions(&mut self, actions: &Value, pointer: &str, context: &mut LoadContext<'_>) {
        for (name, action, at) in entries(actions, pointer, context) {
            let nested: Vec<(&Value, String)> = [
                action.get("actions").map(|a| (a, format!("{at}/actions"))),
                action
                    .get("else")
                    .and_then(|e| e.get("actions"))
                    .map(|a| (a, format!("{at}/else/actions"))),
                action
                    .get("default")
                    .and_then(|e| e.get("actions"))
                    .map(|a| (a, format!("{at}/default/actions"))),
            ]
            .into_iter()
            .flatten()
            .chain(
                action
                    .get("cases")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flat_map(Map::iter)
                    .filter_map(|(case, body)| {
                        body.get("actions").map(|a| {
                            (
                                a,
                                format!("{}/actions", child_pointer(&format!("{at}/cases"), case)),
                            )
                        })
                    }),
            )
            .collect();
            self.load(name, action, at, Role::Action, context);
            for (actions, at) in nested {
                self.load_actions(actions, &at, context);
            }
        }
    }

    /// The HttpWebhook triggers, in file order.
    pub fn triggers(&self) -> &[HttpWebhookDefinition] {
        &self.triggers
    }

    /// The HttpWebhook actions, in file order (nested ones after their container).
    pub fn actions(&self) -> &[HttpWebhookDefinition] {
        &self.actions
    }

    /// The HttpWebhook trigger named `name`.
    pub fn trigger(&self, name: &str) -> Option<&HttpWebhookDefinition> {
        self.triggers.iter().find(|t| t.name == name)
    }

    /// The HttpWebhook action named `name`.
    pub fn action(&self, name: &str) -> Option<&HttpWebhookDefinition> {
        self.actions.iter().find(|a| a.name == name)
    }

    /// Triggers and actions of other types, which the runtime does not host.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// Every warning (fields the runtime ignores), with pointers into the file.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

/// The `name → object` entries of `triggers` / `actions`.
fn entries<'v>(
    value: &'v Value,
    pointer: &str,
    context: &mut LoadContext<'_>,
) -> Vec<(String, &'v Value, String)> {
    match value.as_object() {
        Some(map) => map
            .iter()
            .map(|(name, v)| (name.clone(), v, child_pointer(pointer, name)))
            .collect(),
        None => {
            context.diagnostics.error(pointer, "must be an object");
            Vec::new()
        }
    }
}
