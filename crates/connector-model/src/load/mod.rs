//! Bytes → JSON value, repairing what can be repaired (one warning per repair).
//!
//! JSON goes through our own lenient parser ([`json`]) so every repair has a line, column and
//! pointer; anything that does not start with `{` or `[` is read as YAML.

pub mod json;
pub mod text;
mod yaml;

use crate::diagnostics::{Diagnostic, Diagnostics, Error, Result};

/// Parses JSON or YAML bytes into a value; repairs are added to `diags` as warnings.
pub fn parse(name: &str, bytes: &[u8], diags: &mut Diagnostics) -> Result<serde_json::Value> {
    let (text, repairs) = text::decode(bytes);
    let index = json::LineIndex::new(&text);
    let start = text.trim_start();
    // JSON, possibly behind a comment (which the JSON parser removes with a warning).
    let is_json =
        start.starts_with(['{', '[']) || start.starts_with("//") || start.starts_with("/*");
    if is_json {
        match json::parse(&text, repairs, &index) {
            Ok((value, found)) => {
                for d in found {
                    diags.push(d);
                }
                Ok(value)
            }
            Err(e) => {
                let (line, column) = index.position(e.offset);
                Err(Error::Parse {
                    file: name.to_string(),
                    line,
                    column,
                    pointer: e.pointer,
                    message: e.message,
                })
            }
        }
    } else {
        // YAML has no pointer-aware parser here: decoding repairs are reported by position.
        for repair in &repairs {
            let (line, column) = index.position(repair.offset);
            diags.push(Diagnostic::warning("", repair.message()).with_position(line, column));
        }
        yaml::parse(&text, diags).map_err(|e| Error::Parse {
            file: name.to_string(),
            line: e.line,
            column: e.column,
            pointer: String::new(),
            message: e.message,
        })
    }
}
