//! Post-passes that make a set of type definitions valid Rust: recursive containment gets a
//! `Box`, aliases that contain themselves become `serde_json::Value`, and `Default` is derived
//! only where every required field has one.

use super::{Ty, TypeDef, TypeKind};
use std::collections::{BTreeMap, BTreeSet};

/// Named types `ty` holds by value (not behind `Vec`, map or `Box`).
fn by_value(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::Named(name) => out.push(name.clone()),
        Ty::Option(inner) => by_value(inner, out),
        _ => {}
    }
}

/// Every named type `ty` mentions.
fn mentioned(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::Named(name) => out.push(name.clone()),
        Ty::Option(inner) | Ty::Vec(inner) | Ty::Map(inner) | Ty::Boxed(inner) => {
            mentioned(inner, out)
        }
        _ => {}
    }
}

/// Aliases whose target reaches the alias again through other aliases (`type A = Vec<A>`) are
/// illegal in Rust; they become `serde_json::Value`. Returns their names.
pub fn break_alias_cycles(defs: &mut [TypeDef]) -> Vec<String> {
    let aliases: BTreeMap<String, Vec<String>> = defs
        .iter()
        .filter_map(|d| match &d.kind {
            TypeKind::Alias(ty) => {
                let mut targets = Vec::new();
                mentioned(ty, &mut targets);
                Some((d.name.clone(), targets))
            }
            _ => None,
        })
        .collect();
    let mut broken = Vec::new();
    for start in aliases.keys() {
        let mut stack: Vec<&String> = vec![start];
        let mut seen = BTreeSet::new();
        let mut cyclic = false;
        while let Some(name) = stack.pop() {
            for next in aliases.get(name).into_iter().flatten() {
                if next == start {
                    cyclic = true;
                } else if aliases.contains_key(next) && seen.insert(next) {
                    stack.push(next);
                }
            }
        }
        if cyclic {
            broken.push(start.clone());
        }
    }
    for def in defs.iter_mut() {
        if broken.contains(&def.name) {
            def.kind = TypeKind::Alias(Ty::Value);
        }
    }
    broken
}

/// Strongly connected components of the by-value containment graph (Tarjan, iterative order
/// is irrelevant: only membership is used). Returns the component id of each type.
fn components(graph: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, usize> {
    struct State<'a> {
        graph: &'a BTreeMap<String, Vec<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        on_stack: BTreeSet<&'a str>,
        stack: Vec<&'a str>,
        next: usize,
        component: BTreeMap<String, usize>,
        count: usize,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a str) {
        state.index.insert(node, state.next);
        state.low.insert(node, state.next);
        state.next += 1;
        state.stack.push(node);
        state.on_stack.insert(node);
        let graph = state.graph;
        for next in graph.get(node).into_iter().flatten() {
            let next = next.as_str();
            if !graph.contains_key(next) {
                continue;
            }
            if !state.index.contains_key(next) {
                visit(state, next);
                let low = state.low[next].min(state.low[node]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.index[next].min(state.low[node]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                state.component.insert(member.to_owned(), state.count);
                if member == node {
                    break;
                }
            }
            state.count += 1;
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        on_stack: BTreeSet::new(),
        stack: Vec::new(),
        next: 0,
        component: BTreeMap::new(),
        count: 0,
    };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.component
}

fn containment(defs: &[TypeDef]) -> BTreeMap<String, Vec<String>> {
    defs.iter()
        .map(|d| {
            let mut out = Vec::new();
            match &d.kind {
                TypeKind::Struct { fields, additional } => {
                    fields.iter().for_each(|f| by_value(&f.ty, &mut out));
                    if let Some((_, ty)) = additional {
                        by_value(ty, &mut out);
                    }
                }
                TypeKind::Untagged { variants } | TypeKind::Tagged { variants, .. } => {
                    variants.iter().for_each(|(_, ty)| by_value(ty, &mut out))
                }
                TypeKind::Alias(ty) => by_value(ty, &mut out),
                TypeKind::StringEnum { .. } => {}
            }
            (d.name.clone(), out)
        })
        .collect()
}

/// Box every by-value edge that stays inside a cycle, from structs and unions (every cycle
/// passes through one: pure alias cycles are gone by now).
pub fn box_recursive_fields(defs: &mut [TypeDef]) {
    let graph = containment(defs);
    let component = components(&graph);
    let self_loops: BTreeSet<&String> = graph
        .iter()
        .filter(|(name, targets)| targets.contains(name))
        .map(|(name, _)| name)
        .collect();
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    for id in component.values() {
        *sizes.entry(*id).or_default() += 1;
    }
    let recursive = |owner: &str, target: &str| -> bool {
        match (component.get(owner), component.get(target)) {
            (Some(a), Some(b)) if a == b => {
                sizes.get(a).copied().unwrap_or(0) > 1
                    || self_loops.iter().any(|s| s.as_str() == owner)
            }
            _ => false,
        }
    };
    let box_ty = |owner: &str, ty: &mut Ty| {
        let target = match ty.without_option() {
            Ty::Named(name) => name.clone(),
            _ => return,
        };
        if !recursive(owner, &target) {
            return;
        }
        let boxed = Ty::Boxed(Box::new(Ty::Named(target)));
        *ty = match ty {
            Ty::Option(_) => Ty::Option(Box::new(boxed)),
            _ => boxed,
        };
    };
    for def in defs.iter_mut() {
        let owner = def.name.clone();
        match &mut def.kind {
            TypeKind::Struct { fields, .. } => {
                fields.iter_mut().for_each(|f| box_ty(&owner, &mut f.ty))
            }
            TypeKind::Untagged { variants } | TypeKind::Tagged { variants, .. } => {
                variants.iter_mut().for_each(|(_, ty)| box_ty(&owner, ty))
            }
            _ => {}
        }
    }
}

/// Structs derive `Default` when every field type has one (greatest fixpoint, so mutually
/// recursive optional structs qualify); enums and unions never do.
pub fn decide_defaults(defs: &mut [TypeDef]) {
    let mut default: BTreeMap<String, bool> = defs
        .iter()
        .map(|d| {
            (
                d.name.clone(),
                matches!(d.kind, TypeKind::Struct { .. } | TypeKind::Alias(_)),
            )
        })
        .collect();
    loop {
        let mut changed = false;
        for def in defs.iter() {
            if !default.get(&def.name).copied().unwrap_or(false) {
                continue;
            }
            let ok = match &def.kind {
                TypeKind::Struct { fields, additional } => {
                    fields.iter().all(|f| has_default(&f.ty, &default))
                        && additional
                            .as_ref()
                            .is_none_or(|(_, ty)| has_default(ty, &default))
                }
                TypeKind::Alias(ty) => has_default(ty, &default),
                _ => false,
            };
            if !ok {
                default.insert(def.name.clone(), false);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for def in defs.iter_mut() {
        def.default = default.get(&def.name).copied().unwrap_or(false);
    }
}

/// Whether `ty` implements `Default`, given what is known of named types.
pub fn has_default(ty: &Ty, named: &BTreeMap<String, bool>) -> bool {
    match ty {
        Ty::Named(name) => named.get(name).copied().unwrap_or(false),
        // A required `Box<Self>` would recurse forever in `Default::default()`.
        Ty::Boxed(_) => false,
        _ => true,
    }
}
