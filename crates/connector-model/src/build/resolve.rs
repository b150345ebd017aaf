//! Following `#/components/...` references inside the normalised document, with a hop limit so
//! reference cycles cannot hang the builder.

use crate::diagnostics::unescape_token;
use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema, SchemaKind, Type};

/// More hops than this means a cycle (`A` → `B` → `A`).
const MAX_HOPS: usize = 16;

/// Resolves references against one document.
#[derive(Clone, Copy)]
pub struct Resolver<'a> {
    api: &'a OpenAPI,
}

/// A schema or a reference, borrowed, whether it was boxed or not.
#[derive(Clone, Copy)]
pub enum SchemaRef<'a> {
    /// `$ref`.
    Reference(&'a str),
    /// Inline schema.
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Reference(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Reference(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

impl<'a> Resolver<'a> {
    /// A resolver for `api`.
    pub fn new(api: &'a OpenAPI) -> Self {
        Resolver { api }
    }

    /// The parameter a reference leads to.
    pub fn parameter(&self, mut p: &'a ReferenceOr<Parameter>) -> Option<&'a Parameter> {
        for _ in 0..MAX_HOPS {
            match p {
                ReferenceOr::Item(item) => return Some(item),
                ReferenceOr::Reference { reference } => {
                    let name = component_name(reference, "parameters")?;
                    p = self.api.components.as_ref()?.parameters.get(&name)?;
                }
            }
        }
        None
    }

    /// The request body a reference leads to.
    pub fn request_body(&self, mut b: &'a ReferenceOr<RequestBody>) -> Option<&'a RequestBody> {
        for _ in 0..MAX_HOPS {
            match b {
                ReferenceOr::Item(item) => return Some(item),
                ReferenceOr::Reference { reference } => {
                    let name = component_name(reference, "requestBodies")?;
                    b = self.api.components.as_ref()?.request_bodies.get(&name)?;
                }
            }
        }
        None
    }

    /// The response a reference leads to.
    pub fn response(&self, mut r: &'a ReferenceOr<Response>) -> Option<&'a Response> {
        for _ in 0..MAX_HOPS {
            match r {
                ReferenceOr::Item(item) => return Some(item),
                ReferenceOr::Reference { reference } => {
                    let name = component_name(reference, "responses")?;
                    r = self.api.components.as_ref()?.responses.get(&name)?;
                }
            }
        }
        None
    }

    /// The schema a reference leads to (through `components/schemas`, including pointers into
    /// a component such as `#/components/schemas/A/properties/b`).
    pub fn schema(&self, mut s: SchemaRef<'a>) -> Option<&'a Schema> {
        for _ in 0..MAX_HOPS {
            match s {
                SchemaRef::Item(item) => return Some(item),
                SchemaRef::Reference(reference) => s = self.schema_pointer(reference)?,
            }
        }
        None
    }

    fn schema_pointer(&self, reference: &str) -> Option<SchemaRef<'a>> {
        let rest = reference.strip_prefix("#/components/schemas/")?;
        let mut tokens = rest.split('/').map(unescape_token);
        let name = tokens.next()?;
        let mut current: SchemaRef<'a> = self.api.components.as_ref()?.schemas.get(&name)?.into();
        let tokens: Vec<String> = tokens.collect();
        let mut i = 0;
        while i < tokens.len() {
            let schema = match current {
                SchemaRef::Item(s) => s,
                // Pointers through another reference: resolve it first (bounded by the caller).
                SchemaRef::Reference(r) => match self.schema_pointer(r)? {
                    SchemaRef::Item(s) => s,
                    SchemaRef::Reference(_) => return None,
                },
            };
            let token = tokens[i].as_str();
            let next = tokens.get(i + 1).map(String::as_str);
            current = match (&schema.schema_kind, token, next) {
                (SchemaKind::Type(Type::Object(o)), "properties", Some(n)) => {
                    i += 1;
                    o.properties.get(n)?.into()
                }
                (SchemaKind::Any(a), "properties", Some(n)) => {
                    i += 1;
                    a.properties.get(n)?.into()
                }
                (SchemaKind::Type(Type::Array(a)), "items", _) => a.items.as_ref()?.into(),
                (SchemaKind::Any(a), "items", _) => a.items.as_ref()?.into(),
                (SchemaKind::AllOf { all_of: list }, "allOf", Some(n))
                | (SchemaKind::AnyOf { any_of: list }, "anyOf", Some(n))
                | (SchemaKind::OneOf { one_of: list }, "oneOf", Some(n)) => {
                    i += 1;
                    list.get(n.parse::<usize>().ok()?)?.into()
                }
                _ => return None,
            };
            i += 1;
        }
        Some(current)
    }
}

/// `Name` from `#/components/{section}/Name`.
fn component_name(reference: &str, section: &str) -> Option<String> {
    let rest = reference
        .strip_prefix("#/components/")?
        .strip_prefix(section)?
        .strip_prefix('/')?;
    if rest.contains('/') {
        return None;
    }
    Some(unescape_token(rest))
}

/// The last token of a schema reference, e.g. `WebhookPushResponse`.
pub fn reference_name(reference: &str) -> Option<String> {
    let rest = reference.strip_prefix("#/components/schemas/")?;
    if rest.contains('/') {
        return None;
    }
    Some(unescape_token(rest))
}
