//! Rust identifiers from spec names.
//!
//! Operation ids and parameter names are arbitrary strings (`Get-Item.v2`, `2ndStep`, `type`).
//! Every name produced here is a valid identifier in any position: keywords get a trailing `_`
//! (raw identifiers cannot spell `self`, `Self`, `super` or `crate`), a leading digit gets a
//! letter prefix, and [`UniqueNames`] makes them unique with `_2`, `_3`, ... suffixes.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::HashSet;

/// Every Rust keyword, strict, reserved and contextual ones that cannot be plain identifiers.
const KEYWORDS: [&str; 53] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union",
];

/// True when `name` is a Rust keyword.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Replaces every character that cannot appear in an ASCII identifier by a word break.
fn ascii_words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// A snake_case identifier for `raw`, e.g. `Get-Item.v2` → `get_item_v2`, `2ndStep` →
/// `n2nd_step`, `type` → `type_`. Empty or symbol-only input gives `fallback`.
pub fn snake_case_ident(raw: &str, fallback: &str) -> String {
    let mut name = ascii_words(raw).to_snake_case();
    if name.is_empty() {
        name = fallback.to_snake_case();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

/// An UpperCamelCase identifier for `raw`, e.g. `webhook-push response` → `WebhookPushResponse`,
/// `2ndStep` → `N2ndStep`, `self` → `Self_`.
pub fn upper_camel_ident(raw: &str, fallback: &str) -> String {
    let mut name = ascii_words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = fallback.to_upper_camel_case();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'N');
    }
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

/// Hands out names unique within one scope, suffixing `_2`, `_3`, ... on collision.
#[derive(Debug, Default, Clone)]
pub struct UniqueNames {
    used: HashSet<String>,
}

impl UniqueNames {
    /// An empty scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserves a name without suffixing (e.g. names the generated code already uses).
    pub fn reserve(&mut self, name: &str) {
        self.used.insert(name.to_string());
    }

    /// `base` if free, else the first free `base_N` (N ≥ 2); the result is reserved.
    pub fn unique(&mut self, base: &str) -> String {
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        let mut n = 2usize;
        loop {
            let candidate = format!("{base}_{n}");
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_identifier(s: &str) -> bool {
        let mut chars = s.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !is_keyword(s)
    }

    #[test]
    fn awkward_operation_ids_become_identifiers() {
        assert_eq!(snake_case_ident("Get-Item.v2", "op"), "get_item_v2");
        assert_eq!(snake_case_ident("2ndStep", "op"), "n2nd_step");
        assert_eq!(snake_case_ident("type", "op"), "type_");
        assert_eq!(snake_case_ident("Self", "op"), "self_");
        assert_eq!(
            snake_case_ident("When-Content-Added", "op"),
            "when_content_added"
        );
        assert_eq!(
            snake_case_ident("WebHookRegistrations_Post", "op"),
            "web_hook_registrations_post"
        );
        assert_eq!(snake_case_ident("$$$", "op"), "op");
        assert_eq!(snake_case_ident("café", "op"), "caf");
        assert_eq!(upper_camel_ident("webhook push", "T"), "WebhookPush");
        assert_eq!(upper_camel_ident("2ndStep", "T"), "N2ndStep");
        assert_eq!(upper_camel_ident("self", "T"), "Self_");
    }

    #[test]
    fn names_are_unique_in_a_scope() {
        let mut names = UniqueNames::new();
        assert_eq!(names.unique("get_item"), "get_item");
        assert_eq!(names.unique("get_item"), "get_item_2");
        names.reserve("get_item_3");
        assert_eq!(names.unique("get_item"), "get_item_4");
    }

    #[test]
    fn every_output_is_an_identifier() {
        for raw in [
            "",
            "_",
            "__",
            "1",
            "a b",
            "for",
            "Ünïcödé",
            "x-ms-foo",
            "A.B.C",
            "9lives",
            "async",
        ] {
            let s = snake_case_ident(raw, "fallback");
            assert!(is_identifier(&s), "{raw:?} -> {s:?}");
            let c = upper_camel_ident(raw, "Fallback");
            assert!(is_identifier(&c), "{raw:?} -> {c:?}");
        }
    }
}
