//! Rust identifiers from arbitrary spec text: case conversion through heck, keyword escaping, and
//! collision handling through [`NameAllocator`].
//!
//! Specs name things freely (`+1`, `@odata.type`, `Open` next to `open`, two schemas titled
//! alike); generated code needs identifiers that are valid, idiomatic and unique in their scope.

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

/// A `PascalCase` type or variant name; `prefix` goes before names that would start with a digit.
pub fn pascal(text: &str, prefix: &str) -> String {
    let mut name = words(text).to_pascal_case();
    if name.is_empty() {
        name = prefix.to_owned();
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("{prefix}{name}");
    }
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

/// A `snake_case` field, argument or method name; keywords get a trailing `_` (works everywhere,
/// unlike `r#self`).
pub fn snake(text: &str) -> String {
    let mut name = words(text).to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("n{name}");
    }
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

/// Hands out unique names within one scope: the first claimant keeps the name, later ones get a
/// numeric suffix (`Open`, `Open2`).
#[derive(Debug, Default, Clone)]
pub struct NameAllocator {
    used: BTreeSet<String>,
}

impl NameAllocator {
    /// An allocator where `reserved` names are never handed out.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            used: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
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
        (2usize..)
            .map(|n| format!("{stem}{separator}{n}"))
            .find(|name| !is_keyword(name) && self.used.insert(name.clone()))
            .unwrap_or_default()
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

/// A Rust string literal for `text` (Debug formatting of `str` is valid literal syntax).
pub fn string_literal(text: &str) -> String {
    format!("{text:?}")
}

/// Doc comment lines (without the `///`) from spec prose, safe for rustdoc and clippy: no code
/// fences that would become doc tests, no intra-doc links, no raw HTML, no trailing blanks.
pub fn doc_lines(parts: &[Option<&str>]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    for text in parts.iter().flatten() {
        let text = text.trim();
        if text.is_empty() || seen.iter().any(|s| s == text) {
            continue;
        }
        seen.push(text.to_owned());
        if !lines.is_empty() {
            lines.push(String::new());
        }
        let mut previous_blank = false;
        for raw in text.lines() {
            let line = sanitise_doc_line(raw);
            if line.is_empty() {
                if !previous_blank {
                    lines.push(String::new());
                }
                previous_blank = true;
            } else {
                lines.push(line);
                previous_blank = false;
            }
        }
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
    }
    lines
}

fn sanitise_doc_line(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.trim_end().chars() {
        match c {
            '\t' => out.push_str("    "),
            // Markdown escapes keep brackets and tags literal (no broken links, no raw HTML).
            '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    // A fence would open a code block (a doc test candidate); inline code is fine.
    let out = out.replace("```", "'''");
    // Leading indentation of 4+ spaces would make a code block (a doc test candidate).
    let trimmed = out.trim_start();
    if out.len() - trimmed.len() >= 4 {
        return trimmed.to_owned();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_and_digits_become_valid_identifiers() {
        assert_eq!(pascal("+1", "V"), "Plus1");
        assert_eq!(pascal("-1", "V"), "Minus1");
        assert_eq!(pascal("2fa", "V"), "V2fa");
        assert_eq!(snake("@odata.type"), "odata_type");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(pascal("self", "T"), "Self_");
        assert_eq!(snake(""), "value");
    }

    #[test]
    fn collisions_get_numeric_suffixes() {
        let mut names = NameAllocator::with_reserved(&["Option"]);
        assert_eq!(names.claim("Open"), "Open");
        assert_eq!(names.claim("Open"), "Open2");
        assert_eq!(names.claim("Option"), "Option2");
        assert_eq!(names.claim("V1"), "V1");
        assert_eq!(names.claim("V1"), "V1_2");
    }

    #[test]
    fn doc_text_is_neutralised() {
        let lines = doc_lines(&[Some(
            "See [docs](x) for <b>\n```rust\nfn x() {}\n```\n\n\n  \tend  ",
        )]);
        assert_eq!(lines[0], "See \\[docs\\](x) for \\<b\\>");
        assert!(lines.iter().all(|l| !l.contains("```")));
        assert_eq!(lines.iter().filter(|l| l.is_empty()).count(), 1);
        assert_eq!(lines.last().map(String::as_str), Some("end"));
    }
}
