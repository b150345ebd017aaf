//! Schemas → Rust types.
//!
//! Works on schemas as JSON values (the normalised OpenAPI 3.0 document serialised once), which
//! keeps `x-` extensions and makes merging (`allOf`), structural dedupe and trigger-body surgery
//! plain value operations. Every schema becomes a [`Ty`]; objects, string enums and unions become
//! named [`TypeDef`]s. Anything unsupported degrades to `serde_json::Value` with a warning.
//!
//! Post-passes make the set valid Rust: alias cycles are broken, recursive containment is boxed
//! ([`recursion`]) and `Default` is derived where every field allows it.

mod recursion;
mod schema;

use crate::literals::doc_lines;
use connector_model::names::{pascal, snake, NameAllocator};
use indexmap::IndexMap;
use schema::{json_class, merge_all_of, Class};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Type names the models module never hands out: they would shadow the prelude or names the
/// generated modules use unqualified.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "ToString",
    "ToOwned",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Debug",
    "Hash",
    "Self",
    "Unpin",
];

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ty {
    /// `()`: no content.
    Unit,
    /// `String`.
    String,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// `Vec<u8>`: binary content.
    Bytes,
    /// `serde_json::Value`: anything we do not (or cannot) type.
    Value,
    /// A generated type in the models module.
    Named(String),
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>` (sorted, so serialisation is deterministic).
    Map(Box<Ty>),
    /// `Option<T>`.
    Option(Box<Ty>),
    /// `Box<T>`: breaks recursive containment.
    Boxed(Box<Ty>),
}

impl Ty {
    /// The type as Rust source; `models` is the path prefix of generated types (`""` inside the
    /// models module, `"crate::models::"` elsewhere).
    pub fn render(&self, models: &str) -> String {
        match self {
            Ty::Unit => "()".to_owned(),
            Ty::String => "String".to_owned(),
            Ty::I32 => "i32".to_owned(),
            Ty::I64 => "i64".to_owned(),
            Ty::F64 => "f64".to_owned(),
            Ty::Bool => "bool".to_owned(),
            Ty::Bytes => "Vec<u8>".to_owned(),
            Ty::Value => "serde_json::Value".to_owned(),
            Ty::Named(name) => format!("{models}{name}"),
            Ty::Vec(inner) => format!("Vec<{}>", inner.render(models)),
            Ty::Map(inner) => format!(
                "std::collections::BTreeMap<String, {}>",
                inner.render(models)
            ),
            Ty::Option(inner) => format!("Option<{}>", inner.render(models)),
            Ty::Boxed(inner) => format!("Box<{}>", inner.render(models)),
        }
    }

    /// `Option<T>` for `T`, leaving an `Option` as it is.
    pub fn optional(self) -> Ty {
        match self {
            Ty::Option(_) => self,
            other => Ty::Option(Box::new(other)),
        }
    }

    /// The type inside an `Option`, or the type itself.
    pub fn without_option(&self) -> &Ty {
        match self {
            Ty::Option(inner) => inner,
            other => other,
        }
    }
}

/// One field of a generated struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust identifier.
    pub ident: String,
    /// Name on the wire.
    pub wire: String,
    /// Field type, `Option` already applied for optional fields.
    pub ty: Ty,
    /// Whether the schema lists the property as required.
    pub required: bool,
    /// Doc lines.
    pub doc: Vec<String>,
    /// The schema's `default`, if any (`Default` of the struct starts from it).
    pub default: Option<Value>,
}

/// One value of a string enum.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Variant identifier.
    pub ident: String,
    /// The wire string.
    pub wire: String,
}

/// What a named type is.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A struct; `additional` is a flattened map of extra properties.
    Struct {
        /// Declared properties, in spec order.
        fields: Vec<Field>,
        /// `(ident, value type)` of the `additionalProperties` map, when typed.
        additional: Option<(String, Ty)>,
    },
    /// A string enum that keeps unknown values in `other`.
    StringEnum {
        /// Known values.
        variants: Vec<Variant>,
        /// Name of the catch-all `Other(String)` variant.
        other: String,
    },
    /// An untagged union (`oneOf` / `anyOf` whose members are told apart by JSON type, or,
    /// among objects, by their required properties), in the order serde tries them: the most
    /// specific first.
    Untagged {
        /// `(variant ident, type)`.
        variants: Vec<(String, Ty)>,
    },
    /// A discriminated union (`oneOf` / `anyOf` with a `discriminator`): the property's value
    /// picks the member; values the spec does not list are kept as JSON in `other`.
    Tagged {
        /// The discriminator property.
        property: String,
        /// `(variant ident, type)`, index-aligned with `tags`.
        variants: Vec<(String, Ty)>,
        /// The discriminator values of each variant (the first is written when the member
        /// type does not carry the property itself); empty when another member took them.
        tags: Vec<Vec<String>>,
        /// Name of the catch-all variant.
        other: String,
    },
    /// `type Name = Ty;`
    Alias(Ty),
}

/// A named type in the models module.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Type name.
    pub name: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// The definition.
    pub kind: TypeKind,
    /// Whether the type implements `Default` (structs derive it when every field allows it).
    pub default: bool,
    /// Required fields must be present to deserialise (no lenient `default`): the struct is a
    /// member of an untagged union told apart by its required properties.
    pub strict: bool,
    /// Implements `Serialize`: some request sends it (or nothing uses it at all).
    pub serialize: bool,
    /// Implements `Deserialize`: some answer or notification carries it (or nothing uses it).
    pub deserialize: bool,
}

/// A degradation worth telling the user about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where (a type name or operation).
    pub context: String,
    /// What happened.
    pub message: String,
}

/// The growing set of generated types for one spec.
pub struct TypeSpace {
    schemas: IndexMap<String, Value>,
    names: NameAllocator,
    component_names: BTreeMap<String, String>,
    defs: IndexMap<String, Option<TypeDef>>,
    shapes: HashMap<String, Ty>,
    warnings: Vec<Warning>,
    /// Structs told apart by required properties in some untagged union.
    strict: BTreeSet<String>,
    /// Types requests send and answers carry, by name: serde impls are generated only for the
    /// directions a type travels in (serde derives are most of a generated crate's build time).
    sent: BTreeSet<String>,
    received: BTreeSet<String>,
}

impl TypeSpace {
    /// A type space over `components.schemas` of `openapi`; every component gets its name now
    /// (components have priority over inline types) and is defined in declaration order.
    pub fn new(openapi: &Value) -> Self {
        let schemas: IndexMap<String, Value> = openapi
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let mut names = NameAllocator::with_reserved(RESERVED_TYPE_NAMES);
        let component_names = schemas
            .keys()
            .map(|key| (key.clone(), names.claim(&pascal(key, "T"))))
            .collect();
        let mut space = TypeSpace {
            schemas,
            names,
            component_names,
            defs: IndexMap::new(),
            shapes: HashMap::new(),
            warnings: Vec::new(),
            strict: BTreeSet::new(),
            sent: BTreeSet::new(),
            received: BTreeSet::new(),
        };
        let keys: Vec<String> = space.schemas.keys().cloned().collect();
        for key in keys {
            space.define_component(&key);
        }
        space
    }

    /// The Rust type for a schema used in an operation or trigger; inline objects, enums and
    /// unions become named types called after `hint`.
    pub fn lower(&mut self, schema: &Value, hint: &str) -> Ty {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return self.ref_ty(reference, hint);
        }
        if !schema::may_be_named(schema) {
            let (ty, nullable) = self.build_plain(schema, hint);
            return if nullable { ty.optional() } else { ty };
        }
        let key = schema.to_string();
        if let Some(ty) = self.shapes.get(&key) {
            return ty.clone();
        }
        let name = self.names.claim(&pascal(hint, "T"));
        self.defs.insert(name.clone(), None);
        let (built, nullable) = self.build(schema, &name);
        let ty = match built {
            Built::Kind(kind) => {
                let doc = schema_doc(schema);
                self.defs.insert(
                    name.clone(),
                    Some(TypeDef {
                        name: name.clone(),
                        doc,
                        kind,
                        default: false,
                        strict: false,
                        serialize: true,
                        deserialize: true,
                    }),
                );
                Ty::Named(name)
            }
            Built::Ty(ty) => {
                self.defs.shift_remove(&name);
                self.names.release(&name);
                ty
            }
        };
        let ty = if nullable { ty.optional() } else { ty };
        self.shapes.insert(key, ty.clone());
        ty
    }

    /// [`TypeSpace::lower`] for a type a request sends (body, parameters).
    pub fn lower_sent(&mut self, schema: &Value, hint: &str) -> Ty {
        let ty = self.lower(schema, hint);
        mentioned(&ty, &mut self.sent);
        ty
    }

    /// [`TypeSpace::lower`] for a type an answer or notification carries.
    pub fn lower_received(&mut self, schema: &Value, hint: &str) -> Ty {
        let ty = self.lower(schema, hint);
        mentioned(&ty, &mut self.received);
        ty
    }

    /// Resolve `$ref`s (to components) until a concrete schema, with `allOf` merged.
    pub fn resolve(&self, schema: &Value) -> Option<Value> {
        let mut current = schema.clone();
        for _ in 0..32 {
            if let Some(reference) = current.get("$ref").and_then(Value::as_str) {
                current = self.component_schema(reference)?.clone();
                continue;
            }
            if current.get("allOf").is_some() {
                return merge_all_of(&current, &|r| self.component_schema(r).cloned());
            }
            return Some(current);
        }
        None
    }

    /// A copy of `schema` with the property at JSON `pointer` removed (and no longer required),
    /// resolving references along the way; `None` when the pointer does not name a property.
    pub fn without_property(&self, schema: &Value, pointer: &str) -> Option<Value> {
        let tokens: Vec<String> = pointer
            .strip_prefix('/')?
            .split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        self.strip(schema, &tokens)
    }

    fn strip(&self, schema: &Value, tokens: &[String]) -> Option<Value> {
        let (first, rest) = tokens.split_first()?;
        let mut resolved = self.resolve(schema)?;
        let object = resolved.as_object_mut()?;
        let properties = object.get_mut("properties")?.as_object_mut()?;
        if rest.is_empty() {
            properties.shift_remove(first)?;
            if let Some(Value::Array(required)) = object.get_mut("required") {
                required.retain(|r| r.as_str() != Some(first));
            }
        } else {
            let child = properties.get(first)?;
            let stripped = self.strip(child, rest)?;
            properties.insert(first.clone(), stripped);
        }
        Some(resolved)
    }

    /// The struct fields of a named type, if it is a struct.
    pub fn struct_fields(&self, ty: &Ty) -> Option<&[Field]> {
        let Ty::Named(name) = ty else { return None };
        match self.defs.get(name)?.as_ref()?.kind {
            TypeKind::Struct { ref fields, .. } => Some(fields),
            _ => None,
        }
    }

    /// Whether `ty` is a string enum (cheap to pass by value, serialises as a string).
    pub fn is_string_enum(&self, ty: &Ty) -> bool {
        let Ty::Named(name) = ty else { return false };
        matches!(
            self.defs
                .get(name)
                .and_then(Option::as_ref)
                .map(|d| &d.kind),
            Some(TypeKind::StringEnum { .. })
        )
    }

    /// Record a warning.
    pub fn warn(&mut self, context: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            context: context.to_owned(),
            message: message.into(),
        });
    }

    /// Finish: break alias cycles, box recursion, decide `Default`; types in creation order.
    pub fn finish(self) -> (Vec<TypeDef>, Vec<Warning>) {
        let mut defs: Vec<TypeDef> = self.defs.into_values().flatten().collect();
        for def in &mut defs {
            def.strict = self.strict.contains(&def.name);
        }
        directions(&mut defs, &self.sent, &self.received);
        let mut warnings = self.warnings;
        for name in recursion::break_alias_cycles(&mut defs) {
            warnings.push(Warning {
                context: name,
                message: "alias refers to itself; typed as serde_json::Value".to_owned(),
            });
        }
        recursion::box_recursive_fields(&mut defs);
        recursion::decide_defaults(&mut defs);
        (defs, warnings)
    }

    fn component_schema(&self, reference: &str) -> Option<&Value> {
        let key = reference.strip_prefix("#/components/schemas/")?;
        let key = key.replace("~1", "/").replace("~0", "~");
        self.schemas.get(&key)
    }

    fn ref_ty(&mut self, reference: &str, context: &str) -> Ty {
        let key = reference
            .strip_prefix("#/components/schemas/")
            .map(|k| k.replace("~1", "/").replace("~0", "~"));
        match key.and_then(|k| self.component_names.get(&k).cloned().map(|n| (k, n))) {
            Some((key, name)) => {
                let nullable = self
                    .schemas
                    .get(&key)
                    .and_then(|s| s.get("nullable"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if nullable {
                    Ty::Option(Box::new(Ty::Named(name)))
                } else {
                    Ty::Named(name)
                }
            }
            None => {
                self.warn(
                    context,
                    format!("unresolved $ref {reference}; typed as serde_json::Value"),
                );
                Ty::Value
            }
        }
    }

    fn define_component(&mut self, key: &str) {
        let (Some(schema), Some(name)) = (
            self.schemas.get(key).cloned(),
            self.component_names.get(key).cloned(),
        ) else {
            return;
        };
        self.defs.insert(name.clone(), None);
        // The component's own nullability is applied where it is referenced (see `ref_ty`).
        let (built, _nullable) = self.build(&schema, &name);
        let kind = match built {
            Built::Kind(kind) => kind,
            Built::Ty(Ty::Named(target)) if target == name => TypeKind::Alias(Ty::Value),
            Built::Ty(ty) => TypeKind::Alias(ty),
        };
        let doc = schema_doc(&schema);
        self.defs.insert(
            name.clone(),
            Some(TypeDef {
                name,
                doc,
                kind,
                default: false,
                strict: false,
                serialize: true,
                deserialize: true,
            }),
        );
    }

    /// Build the definition of a schema that is being named `name`.
    fn build(&mut self, schema: &Value, name: &str) -> (Built, bool) {
        let nullable = is_nullable(schema);
        if schema::is_dynamic(schema) {
            return (Built::Ty(Ty::Value), nullable);
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return (Built::Ty(self.ref_ty(reference, name)), nullable);
        }
        if schema.get("allOf").is_some() {
            return match merge_all_of(schema, &|r| self.component_schema(r).cloned()) {
                Some(merged) => {
                    let (built, inner_nullable) = self.build(&merged, name);
                    (built, nullable || inner_nullable)
                }
                None => {
                    self.warn(
                        name,
                        "allOf mixes incompatible members; typed as serde_json::Value",
                    );
                    (Built::Ty(Ty::Value), nullable)
                }
            };
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = schema.get(key) {
                let (built, member_null) = self.union(members, name, schema.get("discriminator"));
                return (built, nullable || member_null);
            }
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            let has_null = values.iter().any(Value::is_null);
            let is_string = matches!(
                schema.get("type").and_then(Value::as_str),
                None | Some("string")
            );
            if is_string
                && !strings.is_empty()
                && strings.len() + usize::from(has_null) == values.len()
            {
                return (Built::Kind(string_enum(&strings)), nullable || has_null);
            }
        }
        let kind = schema::type_name(schema);
        if kind == Some("object") {
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                if !properties.is_empty() {
                    return (
                        Built::Kind(self.build_struct(schema, properties, name)),
                        nullable,
                    );
                }
            }
        }
        let (ty, nullable) = self.build_plain(schema, name);
        (Built::Ty(ty), nullable)
    }

    /// Types that need no definition of their own: scalars, arrays, maps.
    fn build_plain(&mut self, schema: &Value, hint: &str) -> (Ty, bool) {
        let nullable = is_nullable(schema);
        if schema::is_dynamic(schema) {
            return (Ty::Value, nullable);
        }
        let ty = match schema::type_name(schema) {
            Some("object") => match schema.get("additionalProperties") {
                Some(Value::Object(ap)) if !ap.is_empty() => Ty::Map(Box::new(
                    self.lower(&Value::Object(ap.clone()), &format!("{hint}Value")),
                )),
                Some(Value::Object(_)) | Some(Value::Bool(true)) => Ty::Map(Box::new(Ty::Value)),
                _ => Ty::Value,
            },
            Some("array") => match schema.get("items") {
                Some(items) if items.is_object() => {
                    Ty::Vec(Box::new(self.lower(items, &format!("{hint}Item"))))
                }
                _ => Ty::Vec(Box::new(Ty::Value)),
            },
            Some("string") => match schema.get("format").and_then(Value::as_str) {
                Some("binary") => Ty::Bytes,
                _ => Ty::String,
            },
            Some("file") => Ty::Bytes,
            Some("integer") => match schema.get("format").and_then(Value::as_str) {
                Some("int32") => Ty::I32,
                _ => Ty::I64,
            },
            Some("number") => Ty::F64,
            Some("boolean") => Ty::Bool,
            Some("null") | None => Ty::Value,
            Some(other) => {
                self.warn(
                    hint,
                    format!("unsupported type {other:?}; typed as serde_json::Value"),
                );
                Ty::Value
            }
        };
        (ty, nullable)
    }

    fn build_struct(
        &mut self,
        schema: &Value,
        properties: &Map<String, Value>,
        name: &str,
    ) -> TypeKind {
        let required: BTreeSet<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut idents = NameAllocator::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (wire, property) in properties {
            let ident = idents.claim(&snake(wire, "value"));
            let hint = format!("{name}{}", pascal(wire, "Field"));
            let ty = self.lower(property, &hint);
            let is_required = required.contains(wire.as_str());
            let ty = if is_required { ty } else { ty.optional() };
            fields.push(Field {
                ident,
                wire: wire.clone(),
                ty,
                required: is_required,
                doc: schema_doc(property),
                default: property.get("default").cloned(),
            });
        }
        let additional = match schema.get("additionalProperties") {
            Some(Value::Object(ap)) if !ap.is_empty() => {
                let value = self.lower(&Value::Object(ap.clone()), &format!("{name}Value"));
                Some((idents.claim("additional_properties"), value))
            }
            _ => None,
        };
        TypeKind::Struct { fields, additional }
    }

    /// `oneOf` / `anyOf`: a tagged enum when a discriminator picks the member, an untagged enum
    /// when members differ in JSON type or (objects) in required properties, else `Value`.
    fn union(
        &mut self,
        members: &[Value],
        name: &str,
        discriminator: Option<&Value>,
    ) -> (Built, bool) {
        let is_null = |m: &Value| m.get("type").and_then(Value::as_str) == Some("null");
        let has_null = members.iter().any(is_null);
        let members: Vec<&Value> = members.iter().filter(|m| !is_null(m)).collect();
        match members.as_slice() {
            [] => return (Built::Ty(Ty::Value), has_null),
            [only] => {
                let (built, nullable) = self.build(only, name);
                return (built, has_null || nullable);
            }
            _ => {}
        }
        if let Some(kind) = discriminator.and_then(|d| self.tagged(&members, name, d)) {
            return (Built::Kind(kind), has_null);
        }
        let lookup = |r: &str| self.component_schema(r).cloned();
        let mut classes: Vec<(Class, &Value)> = members
            .iter()
            .map(|m| (json_class(m, &lookup), *m))
            .collect();
        if classes.iter().any(|(c, _)| *c == Class::Any) {
            return (Built::Ty(Ty::Value), has_null);
        }
        // Objects may repeat when their required properties tell them apart; other classes not.
        let mut required: Vec<Option<BTreeSet<String>>> = Vec::with_capacity(classes.len());
        for (class, member) in &classes {
            required.push(match class {
                Class::Object => Some(self.required_properties(member)),
                _ => None,
            });
        }
        let scalars: Vec<Class> = classes
            .iter()
            .map(|(c, _)| *c)
            .filter(|c| *c != Class::Object)
            .collect();
        let objects: Vec<&BTreeSet<String>> = required.iter().flatten().collect();
        let scalars_distinct = scalars.iter().collect::<BTreeSet<_>>().len() == scalars.len();
        let objects_distinct =
            objects.len() < 2 || objects.iter().collect::<BTreeSet<_>>().len() == objects.len();
        if !scalars_distinct || !objects_distinct {
            // Members serde cannot tell apart by shape: keep the raw JSON.
            return (Built::Ty(Ty::Value), has_null);
        }
        let strict = objects.len() > 1;
        let mut keyed: Vec<(Class, std::cmp::Reverse<usize>, &Value)> = classes
            .drain(..)
            .zip(&required)
            .map(|((class, member), req)| {
                (
                    class,
                    std::cmp::Reverse(req.as_ref().map_or(0, BTreeSet::len)),
                    member,
                )
            })
            .collect();
        // Stable: most required properties first among objects, spec order otherwise.
        keyed.sort_by_key(|(class, specificity, _)| (*class, *specificity));
        let mut idents = NameAllocator::default();
        let mut variants = Vec::with_capacity(keyed.len());
        let mut nullable_member = false;
        for (index, (class, _, member)) in keyed.into_iter().enumerate() {
            let hint = if strict && class == Class::Object {
                format!("{name}{}{}", class.label(), index + 1)
            } else {
                format!("{name}{}", class.label())
            };
            let ty = self.lower(member, &hint);
            // A nullable member makes the union nullable; `null` must not pick a variant.
            let ty = match ty {
                Ty::Option(inner) => {
                    nullable_member = true;
                    *inner
                }
                ty => ty,
            };
            if strict && class == Class::Object {
                if let Ty::Named(n) = &ty {
                    self.strict.insert(n.clone());
                }
            }
            let label = match ty.without_option() {
                Ty::Named(n) => n.clone(),
                _ => class.label().to_owned(),
            };
            variants.push((idents.claim(&label), ty));
        }
        (
            Built::Kind(TypeKind::Untagged { variants }),
            has_null || nullable_member,
        )
    }

    /// The properties an object member requires (after `$ref` and `allOf`).
    fn required_properties(&self, member: &Value) -> BTreeSet<String> {
        self.resolve(member)
            .and_then(|s| s.get("required").cloned())
            .and_then(|r| r.as_array().cloned())
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A discriminated union, when every member is a `$ref` to an object component: each
    /// member's discriminator values come from `mapping`, else (OpenAPI's implicit mapping) the
    /// component's name. `None` otherwise (the caller falls back to shape).
    fn tagged(
        &mut self,
        members: &[&Value],
        name: &str,
        discriminator: &Value,
    ) -> Option<TypeKind> {
        let property = discriminator.get("propertyName")?.as_str()?.to_owned();
        let mapping: Vec<(String, String)> = discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(tag, target)| Some((tag.clone(), target.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        let lookup = |r: &str| self.component_schema(r).cloned();
        let mut refs = Vec::with_capacity(members.len());
        for member in members {
            let reference = member.get("$ref")?.as_str()?;
            let key = reference.strip_prefix("#/components/schemas/")?;
            if json_class(member, &lookup) != Class::Object {
                return None;
            }
            refs.push((
                reference.to_owned(),
                key.replace("~1", "/").replace("~0", "~"),
            ));
        }
        let mut idents = NameAllocator::default();
        let mut seen = BTreeSet::new();
        let mut variants = Vec::with_capacity(refs.len());
        let mut tags = Vec::with_capacity(refs.len());
        for (reference, key) in &refs {
            let mut own: Vec<String> = mapping
                .iter()
                .filter(|(_, target)| target == reference || target == key)
                .map(|(tag, _)| tag.clone())
                .collect();
            if own.is_empty() {
                own.push(key.clone());
            }
            // A value two members claim picks the first.
            own.retain(|tag| seen.insert(tag.clone()));
            let ty = match self.ref_ty(reference, name) {
                Ty::Option(inner) => *inner,
                ty => ty,
            };
            let label = match &ty {
                Ty::Named(n) => n.clone(),
                _ => pascal(key, "V"),
            };
            variants.push((idents.claim(&label), ty));
            tags.push(own);
        }
        let other = ["Other", "OtherValue", "Unknown", "UnknownValue"]
            .into_iter()
            .find(|n| !idents.is_taken(n))
            .map(str::to_owned)
            .unwrap_or_else(|| idents.claim("Other"));
        Some(TypeKind::Tagged {
            property,
            variants,
            tags,
            other,
        })
    }
}

/// Every named type `ty` mentions.
fn mentioned(ty: &Ty, out: &mut BTreeSet<String>) {
    match ty {
        Ty::Named(name) => {
            out.insert(name.clone());
        }
        Ty::Option(inner) | Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) => {
            mentioned(inner, out)
        }
        _ => {}
    }
}

/// Every named type a definition contains.
fn contained(def: &TypeDef) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            fields.iter().for_each(|f| mentioned(&f.ty, &mut out));
            if let Some((_, ty)) = additional {
                mentioned(ty, &mut out);
            }
        }
        TypeKind::Untagged { variants } | TypeKind::Tagged { variants, .. } => {
            variants.iter().for_each(|(_, ty)| mentioned(ty, &mut out))
        }
        TypeKind::Alias(ty) => mentioned(ty, &mut out),
        TypeKind::StringEnum { .. } => {}
    }
    out
}

/// Which serde directions each type needs: what `sent` and `received` roots reach. A type no
/// operation or trigger reaches keeps both (it is there for the user to use freely).
fn directions(defs: &mut [TypeDef], sent: &BTreeSet<String>, received: &BTreeSet<String>) {
    let edges: BTreeMap<String, BTreeSet<String>> = defs
        .iter()
        .map(|d| (d.name.clone(), contained(d)))
        .collect();
    let closure = |roots: &BTreeSet<String>| {
        let mut seen = roots.clone();
        let mut stack: Vec<String> = roots.iter().cloned().collect();
        while let Some(name) = stack.pop() {
            for next in edges.get(&name).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let (sent_reach, received_reach) = (closure(sent), closure(received));
    // Unused types get both, and so does everything they contain.
    let unused: BTreeSet<String> = defs
        .iter()
        .map(|d| d.name.clone())
        .filter(|n| !sent_reach.contains(n) && !received_reach.contains(n))
        .collect();
    let sent = closure(&sent.union(&unused).cloned().collect());
    let received = closure(&received.union(&unused).cloned().collect());
    for def in defs.iter_mut() {
        def.serialize = sent.contains(&def.name);
        def.deserialize = received.contains(&def.name);
    }
}

enum Built {
    Kind(TypeKind),
    Ty(Ty),
}

fn is_nullable(schema: &Value) -> bool {
    schema
        .get("nullable")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

fn string_enum(values: &[&str]) -> TypeKind {
    let mut idents = NameAllocator::default();
    let mut seen = BTreeSet::new();
    let variants: Vec<Variant> = values
        .iter()
        .filter(|v| seen.insert(**v))
        .map(|v| Variant {
            ident: idents.claim(&pascal(v, "V")),
            wire: (*v).to_owned(),
        })
        .collect();
    let other = ["Other", "OtherValue", "Unknown", "UnknownValue"]
        .into_iter()
        .find(|n| !idents.is_taken(n))
        .map(str::to_owned)
        .unwrap_or_else(|| idents.claim("Other"));
    TypeKind::StringEnum { variants, other }
}

pub use recursion::has_default;

/// Which named types implement `Default`, by name.
pub fn recursion_defaults(defs: &[TypeDef]) -> BTreeMap<String, bool> {
    defs.iter().map(|d| (d.name.clone(), d.default)).collect()
}

/// Doc lines of a schema: title, description, `x-ms-summary`.
pub fn schema_doc(schema: &Value) -> Vec<String> {
    let text = |key: &str| schema.get(key).and_then(Value::as_str);
    doc_lines(&[text("title"), text("x-ms-summary"), text("description")])
}

#[cfg(test)]
mod tests;
