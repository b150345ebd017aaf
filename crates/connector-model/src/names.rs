//! Rust identifiers from spec names: the one set of naming rules for the whole generator (the
//! model's operation and parameter names, and every type, field, variant, method and argument
//! name `connector-gen` emits).
//!
//! Specs name things freely (`Get-Item.v2`, `2ndStep`, `type`, `+1`, `@odata.type`, `café`,
//! `Open` next to `open`); generated code needs identifiers that are valid in any position,
//! idiomatic, and unique in their scope. The rules:
//!
//! - words are split by heck; every character that is not ASCII alphanumeric is a word break,
//!   except `+` (spelt `plus`) and a leading `-` before a digit (spelt `minus`), which carry
//!   meaning in wire names like GitHub's `+1` / `-1` reactions;
//! - a name that would start with a digit gets a letter prefix (`n` / the caller's prefix);
//! - a name left empty (`""`, `$`, `名前`) is the caller's fallback;
//! - keywords get a trailing `_` (raw identifiers cannot spell `self`, `Self`, `super` or
//!   `crate`);
//! - [`NameAllocator`] resolves collisions after conversion deterministically, in claim order,
//!   with numeric suffixes (`foo_bar`, `foo_bar2`).
//!
//! **Hygiene contract.** A name made here never starts with `_` (heck drops leading
//! underscores and the prefixes are letters), never is `self`/`Self`/`super`/`crate` or any
//! other keyword, and snake_case names never contain an uppercase letter. Generated code keeps
//! its own names where these cannot reach: template locals start with `_`, helpers are called
//! by path (`crate::client::...`), and names that must share a scope with spec names (methods,
//! prelude types in the models module) are reserved in the allocator before spec names claim.

use heck::{ToPascalCase, ToSnakeCase};
use std::collections::BTreeSet;

/// Keywords that cannot be plain identifiers (strict and reserved, all editions up to 2024).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "union",
];

/// Whether `name` is a Rust keyword (including reserved and weak ones that bite in practice).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Spell out the symbols that carry meaning in wire names (GitHub's `+1`/`-1` reactions) and turn
/// every other non-alphanumeric character into a word break.
fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        match c {
            '+' => out.push_str(" plus "),
            '-' if first && chars.peek().is_some_and(|d| d.is_ascii_digit()) => {
                out.push_str(" minus ")
            }
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
        first = false;
    }
    out
}

/// A `PascalCase` type or variant name, e.g. `webhook-push response` → `WebhookPushResponse`,
/// `+1` → `Plus1`; `prefix` goes before names that would start with a digit (`2fa` → `V2fa`
/// with prefix `V`) and is the whole name when nothing is left (`$` → `V`).
pub fn pascal(text: &str, prefix: &str) -> String {
    let mut name = words(text).to_pascal_case();
    if name.is_empty() {
        name = words(prefix).to_pascal_case();
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("{prefix}{name}");
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'T');
    }
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

/// A `snake_case` field, argument, method or module name, e.g. `Get-Item.v2` → `get_item_v2`,
/// `2ndStep` → `n2nd_step`, `type` → `type_`, `@odata.type` → `odata_type`; `fallback` when
/// nothing is left (`""`, `$$$`).
pub fn snake(text: &str, fallback: &str) -> String {
    let mut name = words(text).to_snake_case();
    if name.is_empty() {
        name = words(fallback).to_snake_case();
    }
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

/// Hands out unique names within one scope: the first claimant keeps the name, later ones get a
/// numeric suffix (`Open`, `Open2`; `v1`, `v1_2`).
#[derive(Debug, Default, Clone)]
pub struct NameAllocator {
    used: BTreeSet<String>,
}

impl NameAllocator {
    /// An empty scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// An allocator where `reserved` names are never handed out.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            used: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Never hand out `name` (e.g. a name the generated code already uses in this scope).
    pub fn reserve(&mut self, name: &str) {
        self.used.insert(name.to_owned());
    }

    /// Claim `candidate`, or the first free `candidate2`, `candidate3`, ...
    pub fn claim(&mut self, candidate: &str) -> String {
        if self.used.insert(candidate.to_owned()) {
            return candidate.to_owned();
        }
        // A trailing `_` (escaped keyword) reads badly before a digit: `type_2` -> `type2`.
        let stem = candidate.trim_end_matches('_');
        let separator = if stem.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        let mut n = 2usize;
        loop {
            let name = format!("{stem}{separator}{n}");
            if !is_keyword(&name) && self.used.insert(name.clone()) {
                return name;
            }
            n += 1;
        }
    }

    /// Give back a name that turned out not to be needed.
    pub fn release(&mut self, name: &str) {
        self.used.remove(name);
    }

    /// Whether `name` is taken.
    pub fn is_taken(&self, name: &str) -> bool {
        self.used.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_identifier(s: &str) -> bool {
        let mut chars = s.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !is_keyword(s)
    }

    #[test]
    fn awkward_names_become_identifiers() {
        assert_eq!(snake("Get-Item.v2", "op"), "get_item_v2");
        assert_eq!(snake("2ndStep", "op"), "n2nd_step");
        assert_eq!(snake("type", "op"), "type_");
        assert_eq!(snake("Self", "op"), "self_");
        assert_eq!(snake("When-Content-Added", "op"), "when_content_added");
        assert_eq!(
            snake("WebHookRegistrations_Post", "op"),
            "web_hook_registrations_post"
        );
        assert_eq!(snake("$$$", "op"), "op");
        assert_eq!(snake("café", "op"), "caf");
        assert_eq!(snake("@odata.type", "value"), "odata_type");
        assert_eq!(snake("", "value"), "value");
        assert_eq!(snake("名前", "value"), "value");
        assert_eq!(snake("+1", "value"), "plus_1");
        assert_eq!(snake("-1", "value"), "minus_1");
        assert_eq!(pascal("webhook push", "T"), "WebhookPush");
        assert_eq!(pascal("2ndStep", "N"), "N2ndStep");
        assert_eq!(pascal("self", "T"), "Self_");
        assert_eq!(pascal("+1", "V"), "Plus1");
        assert_eq!(pascal("-1", "V"), "Minus1");
        assert_eq!(pascal("2fa", "V"), "V2fa");
        assert_eq!(pascal("", "V"), "V");
        assert_eq!(pascal("", ""), "T");
    }

    #[test]
    fn collisions_get_numeric_suffixes_in_claim_order() {
        let mut names = NameAllocator::with_reserved(&["Option"]);
        assert_eq!(names.claim("Open"), "Open");
        assert_eq!(names.claim("Open"), "Open2");
        assert_eq!(names.claim("Option"), "Option2");
        assert_eq!(names.claim("V1"), "V1");
        assert_eq!(names.claim("V1"), "V1_2");
        names.reserve("get_item3");
        assert_eq!(names.claim("get_item"), "get_item");
        assert_eq!(names.claim("get_item"), "get_item2");
        assert_eq!(names.claim("get_item"), "get_item4");
        assert_eq!(names.claim("type_"), "type_");
        assert_eq!(names.claim("type_"), "type2");
        let mut case = NameAllocator::new();
        let claimed: Vec<String> = ["foo-bar", "foo_bar", "FooBar", "fooBar"]
            .iter()
            .map(|raw| case.claim(&snake(raw, "value")))
            .collect();
        assert_eq!(claimed, ["foo_bar", "foo_bar2", "foo_bar3", "foo_bar4"]);
    }

    #[test]
    fn every_output_is_an_identifier_that_never_starts_with_an_underscore() {
        for raw in [
            "",
            "_",
            "__",
            "_query",
            "1",
            "a b",
            "for",
            "Ünïcödé",
            "x-ms-foo",
            "A.B.C",
            "9lives",
            "async",
            "$",
            "@",
            "+1",
            "-1",
            "名前",
            "self",
            "Self",
            "super",
            "crate",
            "__private",
        ] {
            for s in [snake(raw, "fallback"), snake(raw, "")] {
                assert!(is_identifier(&s), "{raw:?} -> {s:?}");
                assert_eq!(s, s.to_lowercase(), "{raw:?} -> {s:?}");
            }
            for c in [pascal(raw, "Fallback"), pascal(raw, "")] {
                assert!(is_identifier(&c), "{raw:?} -> {c:?}");
            }
        }
    }
}
