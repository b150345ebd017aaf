//! Emitted Rust is parsed with syn and printed with prettyplease before anything is written, so
//! a template bug is an error naming the template and the spec, never a broken crate on disk.

use crate::error::{Error, Result};

/// Parse and pretty-print `text`, rendered by `template` for `spec`.
pub fn rust(text: &str, template: &str, spec: &str) -> Result<String> {
    match syn::parse_file(text) {
        Ok(file) => Ok(space_items(&prettyplease::unparse(&file))),
        Err(error) => {
            let start = error.span().start();
            let line = start.line.max(1);
            let lines: Vec<&str> = text.lines().collect();
            let from = line.saturating_sub(3);
            let excerpt = lines
                .iter()
                .enumerate()
                .skip(from)
                .take(5)
                .map(|(i, l)| format!("{:>6} | {l}", i + 1))
                .collect::<Vec<_>>()
                .join("\n");
            Err(Error::InvalidRust {
                template: template.to_owned(),
                spec: spec.to_owned(),
                line,
                column: start.column + 1,
                message: error.to_string(),
                excerpt,
            })
        }
    }
}

/// prettyplease puts items back to back; a blank line after each item (top level and in
/// `impl` blocks) reads better. Generated code has no multi-line string literals, so a line
/// that is only a closing brace always ends an item or block.
fn space_items(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let next = lines.get(i + 1).map(|l| l.trim_start());
        let closes_item = *line == "}"
            || *line == "    }"
            || (line.starts_with("pub type ")
                || line.starts_with("pub use ")
                || line.starts_with("pub const ")
                || line.starts_with("use "))
                && line.ends_with(';');
        if closes_item && next.is_some_and(|n| !n.starts_with('}') && !n.is_empty()) {
            let both_uses =
                line.starts_with("pub use ") && next.is_some_and(|n| n.starts_with("pub use "));
            if !both_uses {
                out.push('\n');
            }
        }
    }
    out
}

/// Normalise a non-Rust text file: no trailing blanks, blank runs collapsed, one final newline.
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn invalid_rust_names_template_spec_and_line() {
        let error = super::rust(
            "pub struct A {}\npub struct {\n",
            "models.rs.tera",
            "spec.json",
        )
        .unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("models.rs.tera") && message.contains("spec.json"),
            "{message}"
        );
        assert!(message.contains("line 2"), "{message}");
    }

    #[test]
    fn text_is_normalised() {
        assert_eq!(super::text("\n\na  \n\n\n\nb\n\n"), "a\n\nb\n");
    }
}
