//! Spec text inside generated source: string literals and doc comments. (Identifiers come from
//! `connector_model::names`, the generator's one set of naming rules.)

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
