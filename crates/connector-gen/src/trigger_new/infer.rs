//! Schema inference from JSON samples: the schema a careful human would write by reading them.
//!
//! Each sample is observed into a [`Shape`]; shapes of several samples (and of the elements of
//! one array) are merged: integers widen to numbers, `null` makes a shape nullable without
//! changing its type, a property missing from some objects is optional (required = present in
//! every object observed at that place), string formats survive only when every sample has the
//! same one, and enums are never guessed. [`Shape::to_schema`] renders Swagger 2.0.

use heck::ToTitleCase;
use indexmap::IndexMap;
use serde_json::{json, Map, Value};

/// A string format recognised in samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 3339 date and time, `2026-01-01T12:00:00Z`.
    DateTime,
    /// RFC 3339 full date, `2026-01-01`.
    Date,
    /// An absolute URI, `https://example.com/x`.
    Uri,
    /// An e-mail address.
    Email,
    /// A UUID, `8-4-4-4-12` hex digits.
    Uuid,
}

impl Format {
    /// The Swagger `format` keyword value.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::Date => "date",
            Format::Uri => "uri",
            Format::Email => "email",
            Format::Uuid => "uuid",
        }
    }

    /// The format every well-formed value of this kind has, if `text` has one.
    pub fn of(text: &str) -> Option<Format> {
        if is_date_time(text) {
            Some(Format::DateTime)
        } else if is_date(text) {
            Some(Format::Date)
        } else if is_uuid(text) {
            Some(Format::Uuid)
        } else if is_email(text) {
            Some(Format::Email)
        } else if is_uri(text) {
            Some(Format::Uri)
        } else {
            None
        }
    }
}

/// What the samples say about one place in a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The type.
    pub kind: Kind,
    /// Some sample had `null` here.
    pub nullable: bool,
}

/// The type part of a [`Shape`].
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Only `null`s (or the items of empty arrays) were seen: nothing to say.
    Unknown,
    /// `true` / `false`.
    Boolean,
    /// Numbers without a fraction or exponent.
    Integer,
    /// Any number, when at least one had a fraction or exponent.
    Number,
    /// Strings, with the format all of them share.
    String(Option<Format>),
    /// Arrays, with the merged shape of every element.
    Array(Box<Shape>),
    /// Objects.
    Object(ObjectShape),
    /// The samples disagree (a string here, an object there): any JSON value.
    Mixed,
}

/// The properties of the objects seen at one place.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObjectShape {
    /// How many objects were observed here.
    pub seen: usize,
    /// Property → (how many of those objects had it, its merged shape), in first-seen order.
    pub properties: IndexMap<String, (usize, Shape)>,
}

impl ObjectShape {
    /// Properties present in every object seen, in property order.
    pub fn required(&self) -> Vec<&str> {
        self.properties
            .iter()
            .filter(|(_, (count, _))| *count == self.seen)
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

impl Shape {
    /// The shape of one sample value.
    pub fn observe(value: &Value) -> Shape {
        let kind = match value {
            Value::Null => {
                return Shape {
                    kind: Kind::Unknown,
                    nullable: true,
                }
            }
            Value::Bool(_) => Kind::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => Kind::Integer,
            Value::Number(_) => Kind::Number,
            Value::String(s) => Kind::String(Format::of(s)),
            Value::Array(items) => Kind::Array(Box::new(Shape::observe_all(items))),
            Value::Object(map) => Kind::Object(ObjectShape {
                seen: 1,
                properties: map
                    .iter()
                    .map(|(k, v)| (k.clone(), (1, Shape::observe(v))))
                    .collect(),
            }),
        };
        Shape {
            kind,
            nullable: false,
        }
    }

    /// The merged shape of several samples of the same thing (array elements, notifications).
    pub fn observe_all<'v>(values: impl IntoIterator<Item = &'v Value>) -> Shape {
        values
            .into_iter()
            .map(Shape::observe)
            .fold(Shape::unknown(), Shape::merge)
    }

    /// Nothing observed yet: the neutral element of [`Shape::merge`].
    pub fn unknown() -> Shape {
        Shape {
            kind: Kind::Unknown,
            nullable: false,
        }
    }

    /// The shape that admits what both admit.
    pub fn merge(self, other: Shape) -> Shape {
        let nullable = self.nullable || other.nullable;
        let kind = match (self.kind, other.kind) {
            (Kind::Unknown, k) | (k, Kind::Unknown) => k,
            (Kind::Boolean, Kind::Boolean) => Kind::Boolean,
            (Kind::Integer, Kind::Integer) => Kind::Integer,
            (Kind::Integer | Kind::Number, Kind::Integer | Kind::Number) => Kind::Number,
            (Kind::String(a), Kind::String(b)) => Kind::String(if a == b { a } else { None }),
            (Kind::Array(a), Kind::Array(b)) => Kind::Array(Box::new(a.merge(*b))),
            (Kind::Object(a), Kind::Object(b)) => Kind::Object(a.merge(b)),
            _ => Kind::Mixed,
        };
        Shape { kind, nullable }
    }

    /// The Swagger 2.0 schema, every object inline; `name` (a property name, when this shape is
    /// one) gives the `x-ms-summary`.
    pub fn to_schema(&self, name: Option<&str>) -> Value {
        self.render(name, &mut |_, _| None)
    }

    /// The Swagger 2.0 schema; `refs` may replace any nested object by a `$ref` (it gets the
    /// object shape and the property name it appears under).
    pub fn render(
        &self,
        name: Option<&str>,
        refs: &mut dyn FnMut(&ObjectShape, Option<&str>) -> Option<String>,
    ) -> Value {
        let mut out = Map::new();
        match &self.kind {
            Kind::Object(object) => {
                if let Some(reference) = refs(object, name) {
                    out.insert("$ref".into(), json!(reference));
                    // `x-nullable` beside `$ref` is the Power Platform idiom; the loader keeps
                    // it by wrapping the reference. A summary there would be ignored.
                    if self.nullable {
                        out.insert("x-nullable".into(), json!(true));
                    }
                    return Value::Object(out);
                }
                out.insert("type".into(), json!("object"));
            }
            Kind::Unknown | Kind::Mixed => {}
            Kind::Boolean => {
                out.insert("type".into(), json!("boolean"));
            }
            Kind::Integer => {
                out.insert("type".into(), json!("integer"));
                // Ids and counts outgrow 32 bits; a sample's small value says nothing about that.
                out.insert("format".into(), json!("int64"));
            }
            Kind::Number => {
                out.insert("type".into(), json!("number"));
                out.insert("format".into(), json!("double"));
            }
            Kind::String(format) => {
                out.insert("type".into(), json!("string"));
                if let Some(format) = format {
                    out.insert("format".into(), json!(format.as_str()));
                }
            }
            Kind::Array(_) => {
                out.insert("type".into(), json!("array"));
            }
        }
        if self.kind == Kind::Mixed {
            out.insert(
                "description".into(),
                json!("Any JSON value: the samples disagree on its type"),
            );
        }
        if self.nullable {
            out.insert("x-nullable".into(), json!(true));
        }
        if let Some(name) = name {
            out.insert("x-ms-summary".into(), json!(summary(name)));
        }
        match &self.kind {
            Kind::Array(items) => {
                // The item is named (for a shared definition) but not summarised: the
                // array's own summary is the one shown.
                let mut item = items.render(singular(name).as_deref(), refs);
                if let Some(item) = item.as_object_mut() {
                    item.remove("x-ms-summary");
                }
                out.insert("items".into(), item);
            }
            Kind::Object(object) => object.render_into(&mut out, refs),
            _ => {}
        }
        Value::Object(out)
    }
}

impl ObjectShape {
    fn merge(mut self, other: ObjectShape) -> ObjectShape {
        self.seen += other.seen;
        for (name, (count, shape)) in other.properties {
            match self.properties.get_mut(&name) {
                Some((mine, existing)) => {
                    *mine += count;
                    let taken = std::mem::replace(existing, Shape::unknown());
                    *existing = taken.merge(shape);
                }
                None => {
                    self.properties.insert(name, (count, shape));
                }
            }
        }
        self
    }

    /// `required` and `properties` of this object's schema.
    pub fn render_into(
        &self,
        out: &mut Map<String, Value>,
        refs: &mut dyn FnMut(&ObjectShape, Option<&str>) -> Option<String>,
    ) {
        let required = self.required();
        if !required.is_empty() {
            out.insert("required".into(), json!(required));
        }
        let properties: Map<String, Value> = self
            .properties
            .iter()
            .map(|(name, (_, shape))| (name.clone(), shape.render(Some(name), refs)))
            .collect();
        out.insert("properties".into(), Value::Object(properties));
    }

    /// This object's own schema (no summary or nullability: those belong to where it is used),
    /// nested objects inline: equal structures give equal values.
    pub fn structure(&self) -> Value {
        let mut out = Map::new();
        out.insert("type".into(), json!("object"));
        self.render_into(&mut out, &mut |_, _| None);
        Value::Object(out)
    }
}

/// `x-ms-summary` of a field: its name in Title Case, with well-known acronyms upper case
/// (`html_url` → `HTML URL`, `createdAt` → `Created At`).
pub fn summary(name: &str) -> String {
    const ACRONYMS: [&str; 10] = [
        "id", "url", "uri", "html", "api", "sha", "ssl", "json", "http", "ip",
    ];
    name.to_title_case()
        .split(' ')
        .map(|word| {
            if ACRONYMS.contains(&word.to_ascii_lowercase().as_str()) {
                word.to_ascii_uppercase()
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The name of one item of a list called `name`: `commits` → `commit`, `entries` → `entry`.
pub fn singular(name: Option<&str>) -> Option<String> {
    let name = name?;
    Some(if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if name.ends_with("ss") || name.ends_with("us") {
        name.to_string()
    } else if let Some(stem) = name.strip_suffix('s') {
        stem.to_string()
    } else {
        name.to_string()
    })
}

fn digits(text: &str, range: std::ops::Range<usize>) -> bool {
    text.get(range)
        .is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && digits(text, 0..4)
        && b[4] == b'-'
        && digits(text, 5..7)
        && b[7] == b'-'
        && digits(text, 8..10)
        && (1..=12).contains(&text[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&text[8..10].parse::<u8>().unwrap_or(0))
}

/// RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
fn is_date_time(text: &str) -> bool {
    let (Some(date), Some(rest)) = (text.get(..10), text.get(10..)) else {
        return false;
    };
    if !is_date(date) || !matches!(rest.as_bytes().first(), Some(b'T' | b't' | b' ')) {
        return false;
    }
    let time = &rest[1..];
    let b = time.as_bytes();
    if b.len() < 8 || !digits(time, 0..2) || b[2] != b':' || !digits(time, 3..5) || b[5] != b':' {
        return false;
    }
    if !digits(time, 6..8) {
        return false;
    }
    let mut zone = &time[8..];
    if let Some(fraction) = zone.strip_prefix('.') {
        let end = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        if end == 0 {
            return false;
        }
        zone = &fraction[end..];
    }
    match zone.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', ..] => {
            zone.len() == 6
                && digits(zone, 1..3)
                && zone.as_bytes()[3] == b':'
                && digits(zone, 4..6)
        }
        _ => false,
    }
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.contains(|c: char| c.is_whitespace() || c == '/' || c == ':')
}

/// An absolute URI with an authority (`scheme://host…`): what "URL-looking" means here.
pub fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !rest.starts_with('/')
        && !text.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_recognised_strictly() {
        assert_eq!(Format::of("2026-11-30T23:18:51Z"), Some(Format::DateTime));
        assert_eq!(
            Format::of("2026-11-30T23:18:51.123+01:00"),
            Some(Format::DateTime)
        );
        assert_eq!(Format::of("2026-11-30"), Some(Format::Date));
        // Not ASCII where the zone's colon goes: no format, and no slicing inside a character.
        assert_eq!(Format::of("2026-11-30T23:18:51+12\u{e9}x"), None);
        assert_eq!(Format::of("2026-13-30"), None);
        assert_eq!(Format::of("https://x.io/a"), Some(Format::Uri));
        assert_eq!(
            Format::of("octo@users.noreply.github.com"),
            Some(Format::Email)
        );
        assert_eq!(
            Format::of("9f8e3c2a-1b4d-4e6f-8a9b-0c1d2e3f4a5b"),
            Some(Format::Uuid)
        );
        for plain in ["refs/heads/main", "web", "2026", "a@b", "http://", "12:00"] {
            assert_eq!(Format::of(plain), None, "{plain}");
        }
    }

    #[test]
    fn summaries_are_title_case_with_acronyms() {
        assert_eq!(summary("html_url"), "HTML URL");
        assert_eq!(summary("createdAt"), "Created At");
        assert_eq!(summary("full_name"), "Full Name");
        assert_eq!(summary("hook_id"), "Hook ID");
    }

    #[test]
    fn singulars() {
        assert_eq!(singular(Some("commits")).as_deref(), Some("commit"));
        assert_eq!(singular(Some("entries")).as_deref(), Some("entry"));
        assert_eq!(singular(Some("address")).as_deref(), Some("address"));
        assert_eq!(singular(None), None);
    }
}
