//! The shared half of the `Deserialize` impls that generated crates write for their structs.
//!
//! `#[derive(serde::Deserialize)]` writes, for every struct, a field-identifier enum with its own
//! visitor (`visit_str`, `visit_bytes`, `visit_u64`), a `visit_seq` and a `visit_map`: about
//! eight lines of code per field, all type- and borrow-checked in the generated crate. On
//! GitHub's REST description that was three quarters of `cargo check`. A generated struct writes
//! only its `visit_map` (one match arm per field); the key lookup, the missing-field rule and
//! the error texts are here, compiled once.
//!
//! The behaviour is the derive's, for what generated structs use: keys matched by wire name,
//! unknown keys skipped, a missing field defaulted when it has `#[serde(default)]`, `None` when
//! it is an `Option`, else the `missing field` error. Two differences: a struct is read from a
//! map only (the derive also accepts a sequence, which no JSON API sends for an object), and a
//! repeated key keeps its last value (the derive refuses it; `serde_json::Value` keeps the last).

use serde::de::{DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess, Visitor};
use std::fmt;

/// Reads a struct's keys as indexes of its fields (wire names, in declaration order); `None`
/// for a key the struct does not declare. Borrows the key when the format can and never
/// allocates. A key is first compared with the field after the one found last, so an object
/// whose keys come in the schema's order (as servers usually write them) costs one comparison a
/// key; any other key is a binary search of the names (`by_name`: the indexes of `fields` in
/// the byte order of their names, which the generator writes beside them).
#[derive(Debug, Clone)]
pub struct Keys {
    fields: &'static [&'static str],
    by_name: &'static [usize],
    next: usize,
}

impl Keys {
    /// Keys of a struct whose fields' wire names are `fields`, sorted by `by_name`.
    pub fn new(fields: &'static [&'static str], by_name: &'static [usize]) -> Self {
        Self {
            fields,
            by_name,
            next: 0,
        }
    }

    /// The next key: `None` at the end of the map, `Some(None)` for an undeclared key.
    pub fn next<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
    ) -> Result<Option<Option<usize>>, A::Error> {
        let key = map.next_key_seed(FieldIndex { keys: self })?;
        if let Some(Some(index)) = key {
            self.next = index + 1;
        }
        Ok(key)
    }

    fn find(&self, key: &[u8]) -> Option<usize> {
        if self
            .fields
            .get(self.next)
            .is_some_and(|name| name.as_bytes() == key)
        {
            return Some(self.next);
        }
        let fields = self.fields;
        self.by_name
            .binary_search_by(|index| {
                fields
                    .get(*index)
                    .map_or(std::cmp::Ordering::Greater, |name| name.as_bytes().cmp(key))
            })
            .ok()
            .and_then(|at| self.by_name.get(at))
            .copied()
    }
}

/// One key, looked up in its struct's [`Keys`].
struct FieldIndex<'a> {
    keys: &'a Keys,
}

impl<'de> DeserializeSeed<'de> for FieldIndex<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldIndex<'_> {
    type Value = Option<usize>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a field name")
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.keys.find(key.as_bytes()))
    }

    fn visit_bytes<E: Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        Ok(self.keys.find(key))
    }

    // Formats that number fields (the derive accepts these too).
    fn visit_u64<E: Error>(self, index: u64) -> Result<Self::Value, E> {
        Ok(usize::try_from(index)
            .ok()
            .filter(|index| *index < self.keys.fields.len()))
    }
}

/// The next map value into a field's slot (a repeated key keeps the last value).
pub fn value<'de, A, T>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: serde::Deserialize<'de>,
{
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skip the value of a key the struct does not declare.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// A field without `#[serde(default)]`: its value, `None` if it is an `Option` that was absent,
/// else the `missing field` error (as the derive: an absent `Option` is not an error).
pub fn required<'de, T, E>(value: Option<T>, name: &'static str) -> Result<T, E>
where
    T: serde::Deserialize<'de>,
    E: Error,
{
    match value {
        Some(value) => Ok(value),
        None => T::deserialize(Missing(name, std::marker::PhantomData)),
    }
}

/// What an absent field deserialises from: `None` for an `Option`, else `missing field`.
struct Missing<E>(&'static str, std::marker::PhantomData<E>);

impl<'de, E: Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct written as generated crates write theirs.
    #[derive(Debug, PartialEq)]
    struct Sample {
        id: i64,
        name: String,
        note: Option<String>,
        tags: Vec<String>,
    }

    impl<'de> serde::Deserialize<'de> for Sample {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            const FIELDS: &[&str] = &["id", "full-name", "note", "tags"];
            const BY_NAME: &[usize] = &[1, 0, 2, 3];
            struct Fields;
            impl<'de> Visitor<'de> for Fields {
                type Value = Sample;
                fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                    formatter.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                    let mut values = (None, None, None, None);
                    let mut keys = Keys::new(FIELDS, BY_NAME);
                    while let Some(key) = keys.next(&mut map)? {
                        match key {
                            Some(0) => value(&mut map, &mut values.0),
                            Some(1) => value(&mut map, &mut values.1),
                            Some(2) => value(&mut map, &mut values.2),
                            Some(3) => value(&mut map, &mut values.3),
                            _ => skip(&mut map),
                        }?;
                    }
                    Ok(Sample {
                        id: required(values.0, "id")?,
                        name: required(values.1, "full-name")?,
                        note: required(values.2, "note")?,
                        tags: values.3.unwrap_or_default(),
                    })
                }
            }
            deserializer.deserialize_struct("Sample", FIELDS, Fields)
        }
    }

    #[test]
    fn fields_are_read_by_wire_name_and_unknown_keys_skipped() {
        let sample: Sample = serde_json::from_str(
            r#"{"extra": {"deep": [1, 2]}, "full-name": "a", "id": 7, "tags": ["x"]}"#,
        )
        .unwrap();
        assert_eq!(
            sample,
            Sample {
                id: 7,
                name: "a".into(),
                note: None,
                tags: vec!["x".into()]
            }
        );
    }

    #[test]
    fn keys_out_of_order_and_repeated_are_found() {
        let sample: Sample = serde_json::from_str(
            r#"{"tags": ["x"], "id": 1, "tags": ["y"], "full-name": "z", "id": 2}"#,
        )
        .unwrap();
        assert_eq!((sample.id, sample.name.as_str()), (2, "z"));
        assert_eq!(sample.tags, vec!["y".to_owned()]);
    }

    #[test]
    fn a_missing_required_field_is_named_and_an_absent_option_is_none() {
        let error = serde_json::from_str::<Sample>(r#"{"id": 1}"#).unwrap_err();
        assert!(
            error.to_string().contains("missing field `full-name`"),
            "{error}"
        );
        let sample: Sample = serde_json::from_str(r#"{"id": 1, "full-name": "b"}"#).unwrap();
        assert_eq!(sample.note, None);
        assert!(sample.tags.is_empty());
    }

    #[test]
    fn a_wrong_type_says_where_and_a_non_object_is_refused() {
        let error = serde_json::from_str::<Sample>(r#"{"id": "seven"}"#).unwrap_err();
        assert!(error.to_string().contains("invalid type"), "{error}");
        assert!(serde_json::from_str::<Sample>("[1]").is_err());
        let from_value: Sample =
            serde_json::from_value(serde_json::json!({"id": 2, "full-name": "c"})).unwrap();
        assert_eq!(from_value.id, 2);
    }
}
