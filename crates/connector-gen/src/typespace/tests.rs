use super::*;
use serde_json::json;

fn space(schemas: Value) -> (Vec<TypeDef>, Vec<Warning>) {
    TypeSpace::new(&json!({"components": {"schemas": schemas}})).finish()
}

fn def<'a>(defs: &'a [TypeDef], name: &str) -> &'a TypeDef {
    defs.iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no type {name}"))
}

#[test]
fn objects_become_structs_with_optional_fields() {
    let (defs, _) = space(
        json!({"pet": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer", "format": "int32"},
            "type": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}}
        }}}),
    );
    let TypeKind::Struct { fields, .. } = &def(&defs, "Pet").kind else {
        panic!()
    };
    assert_eq!(fields[0].ty, Ty::I32);
    assert_eq!(fields[1].ident, "type_");
    assert_eq!(fields[1].ty, Ty::String.optional());
    assert_eq!(fields[2].ty.render(""), "Option<Vec<String>>");
    assert!(def(&defs, "Pet").default);
}

#[test]
fn string_enums_keep_unknown_values_and_colliding_cases() {
    let (defs, _) =
        space(json!({"state": {"type": "string", "enum": ["open", "Open", "other", "+1"]}}));
    let TypeKind::StringEnum { variants, other } = &def(&defs, "State").kind else {
        panic!()
    };
    let idents: Vec<&str> = variants.iter().map(|v| v.ident.as_str()).collect();
    assert_eq!(idents, ["Open", "Open2", "Other", "Plus1"]);
    assert_eq!(other, "OtherValue");
}

#[test]
fn recursion_is_boxed_and_all_of_is_merged() {
    let (defs, _) = space(json!({
        "node": {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/node"}}},
        "base": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
        "derived": {"allOf": [{"$ref": "#/components/schemas/base"}, {"properties": {"b": {"type": "boolean"}}}]}
    }));
    let TypeKind::Struct { fields, .. } = &def(&defs, "Node").kind else {
        panic!()
    };
    assert_eq!(fields[0].ty.render(""), "Option<Box<Node>>");
    let TypeKind::Struct { fields, .. } = &def(&defs, "Derived").kind else {
        panic!()
    };
    assert_eq!(
        fields.iter().map(|f| f.wire.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert!(fields[0].required);
}

#[test]
fn unions_are_untagged_when_distinguishable_else_value() {
    let (defs, _) = space(json!({
        "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "either": {"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}},
                             {"type": "object", "properties": {"b": {"type": "string"}}}]}
    }));
    let TypeKind::Untagged { variants } = &def(&defs, "Id").kind else {
        panic!()
    };
    assert_eq!(variants[0], ("Integer".to_owned(), Ty::I64));
    assert_eq!(variants[1], ("String".to_owned(), Ty::String));
    assert!(matches!(
        def(&defs, "Either").kind,
        TypeKind::Alias(Ty::Value)
    ));
}

#[test]
fn maps_dynamic_schemas_binary_and_self_aliases() {
    let (defs, _) = space(json!({
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "dynamic": {"type": "object", "x-ms-dynamic-schema": {"operationId": "x"}, "properties": {"a": {}}},
        "file": {"type": "string", "format": "binary"},
        "list": {"type": "array", "items": {"$ref": "#/components/schemas/list"}}
    }));
    assert!(matches!(&def(&defs, "Labels").kind, TypeKind::Alias(Ty::Map(v)) if **v == Ty::String));
    assert!(matches!(
        def(&defs, "Dynamic").kind,
        TypeKind::Alias(Ty::Value)
    ));
    assert!(matches!(
        def(&defs, "File").kind,
        TypeKind::Alias(Ty::Bytes)
    ));
    assert!(matches!(
        def(&defs, "List").kind,
        TypeKind::Alias(Ty::Value)
    ));
}

#[test]
fn identical_inline_schemas_share_one_type() {
    let mut space = TypeSpace::new(&json!({}));
    let schema = json!({"type": "string", "enum": ["asc", "desc"]});
    let a = space.lower(&schema, "ListDirection");
    let b = space.lower(&schema, "OtherDirection");
    assert_eq!(a, b);
    assert_eq!(space.finish().0.len(), 1);
}

#[test]
fn trigger_body_loses_the_callback_property() {
    let space = TypeSpace::new(&json!({"components": {"schemas": {
    "hook": {"type": "object", "required": ["config"], "properties": {
        "events": {"type": "array", "items": {"type": "string"}},
        "config": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}, "secret": {"type": "string"}}}
    }}}}}));
    let stripped = space
        .without_property(&json!({"$ref": "#/components/schemas/hook"}), "/config/url")
        .unwrap();
    assert_eq!(stripped.pointer("/properties/config/properties/url"), None);
    assert_eq!(
        stripped.pointer("/properties/config/required"),
        Some(&json!([]))
    );
    assert!(space
        .without_property(&json!({"$ref": "#/components/schemas/hook"}), "/nope")
        .is_none());
}

#[test]
fn a_nullable_union_member_makes_the_union_optional() {
    let mut space = TypeSpace::new(&json!({}));
    let ty = space.lower(
        &json!({"oneOf": [{"type": "integer", "nullable": true}, {"type": "string"}]}),
        "Value",
    );
    assert_eq!(ty.render(""), "Option<Value>");
    let (defs, _) = space.finish();
    let TypeKind::Untagged { variants } = &def(&defs, "Value").kind else {
        panic!()
    };
    assert_eq!(variants[0].1, Ty::I64);
}

#[test]
fn discriminated_unions_become_tagged_enums_with_mapped_and_implicit_values() {
    let (defs, _) = space(json!({
        "Cat": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
        "Dog": {"type": "object", "properties": {"barks": {"type": "boolean"}}},
        "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind",
                                  "mapping": {"cat": "#/components/schemas/Cat", "kitten": "Cat"}}}
    }));
    let TypeKind::Tagged {
        property,
        variants,
        tags,
        other,
    } = &def(&defs, "Pet").kind
    else {
        panic!("{:?}", def(&defs, "Pet").kind)
    };
    assert_eq!(property, "kind");
    let idents: Vec<&str> = variants.iter().map(|(i, _)| i.as_str()).collect();
    assert_eq!(idents, ["Cat", "Dog"]);
    assert_eq!(tags, &[vec!["cat", "kitten"], vec!["Dog"]]);
    assert_eq!(other, "Other");
}

#[test]
fn object_unions_are_told_apart_by_required_properties_most_specific_first() {
    let (defs, _) = space(json!({
        "Point": {"type": "object", "properties": {"label": {"type": "string"}}},
        "Circle": {"type": "object", "required": ["radius"], "properties": {"radius": {"type": "number"}}},
        "Rect": {"type": "object", "required": ["w", "h"], "properties": {"w": {"type": "number"}, "h": {"type": "number"}}},
        "Shape": {"anyOf": [{"$ref": "#/components/schemas/Point"}, {"$ref": "#/components/schemas/Circle"},
                            {"type": "string"}, {"$ref": "#/components/schemas/Rect"}]},
        "Same": {"oneOf": [{"$ref": "#/components/schemas/Point"}, {"$ref": "#/components/schemas/Point"}]}
    }));
    let TypeKind::Untagged { variants } = &def(&defs, "Shape").kind else {
        panic!("{:?}", def(&defs, "Shape").kind)
    };
    let idents: Vec<&str> = variants.iter().map(|(i, _)| i.as_str()).collect();
    assert_eq!(idents, ["String", "Rect", "Circle", "Point"]);
    // Members that require the same properties cannot be told apart: raw JSON.
    assert!(matches!(
        def(&defs, "Same").kind,
        TypeKind::Alias(Ty::Value)
    ));
    // Required fields of the members must really be present to pick them.
    assert!(def(&defs, "Rect").strict && def(&defs, "Circle").strict);
}

#[test]
fn serde_impls_follow_the_directions_types_travel() {
    let mut space = TypeSpace::new(&json!({"components": {"schemas": {
        "In": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Shared"}}},
        "Out": {"type": "object", "properties": {"y": {"$ref": "#/components/schemas/Shared"}}},
        "Shared": {"type": "object", "properties": {"z": {"type": "string"}}},
        "Unused": {"type": "object", "properties": {"w": {"$ref": "#/components/schemas/Out"}}}
    }}}));
    space.lower_sent(&json!({"$ref": "#/components/schemas/In"}), "Body");
    space.lower_received(&json!({"$ref": "#/components/schemas/Out"}), "Answer");
    let (defs, _) = space.finish();
    let directions = |name: &str| (def(&defs, name).serialize, def(&defs, name).deserialize);
    assert_eq!(directions("In"), (true, false));
    assert_eq!(directions("Shared"), (true, true));
    // Out is received, and also contained by a type nothing uses (which gets both).
    assert_eq!(directions("Out"), (true, true));
    assert_eq!(directions("Unused"), (true, true));
}
