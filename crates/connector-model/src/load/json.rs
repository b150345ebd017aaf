//! A small, lenient JSON parser that knows where it is.
//!
//! `serde_json` stops at the first flaw and cannot say which duplicate key it silently
//! overwrote, so specs are parsed here instead. Every repair (trailing comma, raw control
//! character in a string, duplicate key, comment, bad escape) is reported with its line, column
//! and the JSON pointer of the value it touched. Anything else is an error at line:column.

use super::text::TextRepair;
use crate::diagnostics::{escape_token, Diagnostic};
use serde_json::{Map, Number, Value};
use std::collections::VecDeque;

/// Nesting deeper than this is refused: real specs stay far below it, and every later step
/// walks the tree recursively.
pub const MAX_DEPTH: usize = 128;

/// A parse failure at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset in the text.
    pub offset: usize,
    /// Pointer of the value being parsed.
    pub pointer: String,
    /// What was expected.
    pub message: String,
}

/// Maps byte offsets to 1-based line and column (column counted in characters).
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text`.
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, line_starts }
    }

    /// Line and column of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        (line + 1, column + 1)
    }
}

/// Parses `text` as JSON, repairing what is safe to repair. `text_repairs` (from decoding) are
/// attributed to the pointer of the string they fall in and reported alongside.
pub fn parse(
    text: &str,
    text_repairs: Vec<TextRepair>,
    index: &LineIndex<'_>,
) -> Result<(Value, Vec<Diagnostic>), SyntaxError> {
    // Repairs of the whole text (a byte-order mark, UTF-16) belong to the document, not to the
    // first value they happen to precede.
    let (whole, located): (Vec<TextRepair>, Vec<TextRepair>) = text_repairs
        .into_iter()
        .partition(TextRepair::is_whole_text);
    let mut parser = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        path: Vec::new(),
        pending: located.into(),
        index,
        diagnostics: whole
            .iter()
            .map(|r| Diagnostic::warning("", r.message()).with_position(1, 1))
            .collect(),
    };
    parser.skip_whitespace();
    let value = parser.value(0)?;
    parser.skip_whitespace();
    if parser.pos < parser.bytes.len() {
        return Err(parser.error("unexpected text after the end of the document"));
    }
    parser.flush_pending(usize::MAX);
    Ok((value, parser.diagnostics))
}

struct Parser<'t, 'i> {
    bytes: &'t [u8],
    text: &'t str,
    pos: usize,
    /// Escaped reference tokens of the value being parsed.
    path: Vec<String>,
    /// Decoding repairs not yet attributed to a value.
    pending: VecDeque<TextRepair>,
    index: &'i LineIndex<'t>,
    diagnostics: Vec<Diagnostic>,
}

impl Parser<'_, '_> {
    fn pointer(&self) -> String {
        let mut out = String::new();
        for token in &self.path {
            out.push('/');
            out.push_str(token);
        }
        out
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset: self.pos,
            pointer: self.pointer(),
            message: message.into(),
        }
    }

    fn warn_at(&mut self, offset: usize, message: impl Into<String>) {
        let (line, column) = self.index.position(offset);
        let diagnostic = Diagnostic::warning(self.pointer(), message).with_position(line, column);
        self.diagnostics.push(diagnostic);
    }

    /// Reports decoding repairs that start before `end`, at the current pointer. Several bad
    /// runs inside one string are one repair of that string.
    fn flush_pending(&mut self, end: usize) {
        let mut due = Vec::new();
        while self.pending.front().is_some_and(|r| r.offset < end) {
            due.extend(self.pending.pop_front());
        }
        if end == usize::MAX {
            for repair in due {
                self.warn_at(repair.offset, repair.message());
            }
        } else if let Some(first) = due.first() {
            let offset = first.offset;
            let message = TextRepair::merged_message(&due);
            self.warn_at(offset, message);
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/') => {
                    let start = self.pos;
                    match self.bytes.get(self.pos + 1) {
                        Some(b'/') => {
                            while !matches!(self.peek(), None | Some(b'\n')) {
                                self.pos += 1;
                            }
                        }
                        Some(b'*') => {
                            self.pos += 2;
                            while self.pos < self.bytes.len()
                                && !self.bytes[self.pos..].starts_with(b"*/")
                            {
                                self.pos += 1;
                            }
                            self.pos = (self.pos + 2).min(self.bytes.len());
                        }
                        _ => return,
                    }
                    self.warn_at(start, "comment removed");
                }
                _ => return,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        match self.peek() {
            None => Err(self.error("unexpected end of file: expected a value")),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let start = self.pos;
                let s = self.string()?;
                self.flush_pending(self.pos.max(start + 1));
                Ok(Value::String(s))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(_) => Err(self.error(format!("expected a value, found {}", self.describe_here()))),
        }
    }

    fn describe_here(&self) -> String {
        match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) if c.is_control() => format!("control character U+{:04X}", u32::from(c)),
            Some(c) => format!("'{c}'"),
            None => "end of file".to_string(),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error(format!("expected a value, found {}", self.describe_here())))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.pos += 1; // '{'
        let mut map = Map::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error(format!(
                    "expected a member name in double quotes, found {}",
                    self.describe_here()
                )));
            }
            let key_start = self.pos;
            let key = self.string()?;
            self.path.push(escape_token(&key));
            self.flush_pending(self.pos);
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                let e = self.error(format!(
                    "expected ':' after member name, found {}",
                    self.describe_here()
                ));
                return Err(e);
            }
            self.pos += 1;
            self.skip_whitespace();
            let value = self.value(depth + 1)?;
            if map.contains_key(&key) {
                self.warn_at(
                    key_start,
                    format!("duplicate key \"{key}\": the last value wins"),
                );
            }
            map.insert(key, value);
            self.path.pop();
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b'}') {
                        self.warn_at(comma, "trailing comma removed");
                        self.pos += 1;
                        return Ok(Value::Object(map));
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                _ => {
                    return Err(self.error(format!(
                        "expected ',' or '}}' after an object member, found {}",
                        self.describe_here()
                    )))
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.path.push(items.len().to_string());
            self.skip_whitespace();
            let value = self.value(depth + 1)?;
            items.push(value);
            self.path.pop();
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b']') {
                        self.warn_at(comma, "trailing comma removed");
                        self.pos += 1;
                        return Ok(Value::Array(items));
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => {
                    return Err(self.error(format!(
                        "expected ',' or ']' after an array item, found {}",
                        self.describe_here()
                    )))
                }
            }
        }
    }

    /// Parses a string starting at the opening quote; leaves `pos` after the closing quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut control_chars = 0usize;
        let mut first_control = 0usize;
        let mut bad_escapes = 0usize;
        let mut first_bad_escape = 0usize;
        loop {
            // Copy the plain run up to the next quote, backslash or control character.
            let run_start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            if let Some(run) = self.text.get(run_start..self.pos) {
                out.push_str(run);
            }
            match self.peek() {
                None => {
                    self.pos = start;
                    return Err(self.error("unterminated string"));
                }
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    let escape_at = self.pos;
                    self.pos += 1;
                    match self.escape()? {
                        Some(c) => out.push(c),
                        None => {
                            if bad_escapes == 0 {
                                first_bad_escape = escape_at;
                            }
                            bad_escapes += 1;
                            // Keep the character after the backslash literally.
                            if let Some(c) =
                                self.text.get(self.pos..).and_then(|s| s.chars().next())
                            {
                                out.push(c);
                                self.pos += c.len_utf8();
                            }
                        }
                    }
                }
                Some(b) => {
                    if control_chars == 0 {
                        first_control = self.pos;
                    }
                    control_chars += 1;
                    out.push(char::from(b));
                    self.pos += 1;
                }
            }
        }
        if control_chars > 0 {
            self.warn_at(
                first_control,
                format!("{control_chars} raw control character(s) inside a string accepted as if escaped"),
            );
        }
        if bad_escapes > 0 {
            self.warn_at(
                first_bad_escape,
                format!("{bad_escapes} invalid escape(s) inside a string kept literally"),
            );
        }
        Ok(out)
    }

    /// After a backslash: the escaped character, or `None` for an escape JSON does not know.
    fn escape(&mut self) -> Result<Option<char>, SyntaxError> {
        let c = match self.peek() {
            None => return Err(self.error("unterminated string")),
            Some(c) => c,
        };
        let simple = match c {
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            _ => None,
        };
        if let Some(ch) = simple {
            self.pos += 1;
            return Ok(Some(ch));
        }
        if c != b'u' {
            return Ok(None);
        }
        let Some(high) = self.hex4(self.pos + 1) else {
            return Ok(None);
        };
        self.pos += 5;
        if (0xD800..0xDC00).contains(&high) {
            if self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
                if let Some(low) = self.hex4(self.pos + 2) {
                    if (0xDC00..0xE000).contains(&low) {
                        self.pos += 6;
                        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                        return Ok(Some(
                            char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
                        ));
                    }
                }
            }
            return Ok(Some(char::REPLACEMENT_CHARACTER));
        }
        Ok(Some(
            char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER),
        ))
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes.get(at..at + 4)?;
        let text = std::str::from_utf8(digits).ok()?;
        u32::from_str_radix(text, 16).ok()
    }

    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        if self.pos == int_start {
            return Err(self.error("expected digits in a number"));
        }
        let mut is_float = false;
        if self.peek() == Some(b'.') {
            is_float = true;
            self.pos += 1;
            let frac_start = self.pos;
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
            if self.pos == frac_start {
                return Err(self.error("expected digits after the decimal point"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            is_float = true;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            let exp_start = self.pos;
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
            if self.pos == exp_start {
                return Err(self.error("expected digits in the exponent"));
            }
        }
        let literal = self.text.get(start..self.pos).unwrap_or("0");
        if !is_float {
            if let Ok(n) = literal.parse::<i64>() {
                return Ok(Value::Number(n.into()));
            }
            if let Ok(n) = literal.parse::<u64>() {
                return Ok(Value::Number(n.into()));
            }
        }
        match literal.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => Ok(Value::Number(n)),
            None => {
                // Only a magnitude beyond f64 gets here (the grammar was checked above).
                self.warn_at(
                    start,
                    format!("number {literal} is out of range: read as null"),
                );
                Ok(Value::Null)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse_str(text: &str) -> Result<(Value, Vec<Diagnostic>), SyntaxError> {
        let index = LineIndex::new(text);
        parse(text, Vec::new(), &index)
    }

    #[test]
    fn plain_json_parses_without_diagnostics() {
        let (value, diags) = parse_str(
            r#"{"a": [1, -2.5, 1e3, true, false, null, "x\u00e9\ud83d\ude00\n"], "b": {}}"#,
        )
        .unwrap();
        assert_eq!(
            value,
            json!({"a": [1, -2.5, 1000.0, true, false, null, "xé😀\n"], "b": {}})
        );
        assert!(diags.is_empty());
    }

    #[test]
    fn trailing_commas_are_removed_with_a_warning_each() {
        let (value, diags) = parse_str("{\n \"a\": [1, 2,],\n \"b\": 1,\n}").unwrap();
        assert_eq!(value, json!({"a": [1, 2], "b": 1}));
        assert_eq!(diags.len(), 2);
        assert_eq!(diags[0].pointer, "/a");
        assert_eq!((diags[0].line, diags[0].column), (Some(2), Some(12)));
        assert!(diags[1].message.contains("trailing comma"));
    }

    #[test]
    fn duplicate_key_keeps_last_and_names_pointer() {
        let (value, diags) = parse_str(r#"{"x": {"d": 1, "d": 2}}"#).unwrap();
        assert_eq!(value, json!({"x": {"d": 2}}));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].pointer, "/x/d");
        assert!(diags[0].message.contains("duplicate key"));
    }

    #[test]
    fn raw_control_characters_in_strings_are_kept() {
        let (value, diags) = parse_str("{\"a\": \"line1\nline2\tz\"}").unwrap();
        assert_eq!(value, json!({"a": "line1\nline2\tz"}));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].pointer, "/a");
    }

    #[test]
    fn missing_comma_is_an_error_with_position() {
        let text = "{\n  \"a\": 1\n  \"b\": 2\n}";
        let err = parse_str(text).unwrap_err();
        let (line, column) = LineIndex::new(text).position(err.offset);
        assert_eq!((line, column), (3, 3));
        assert!(err.message.contains("expected ','"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = "[".repeat(10_000);
        let err = parse_str(&text).unwrap_err();
        assert!(err.message.contains("nesting"));
    }

    #[test]
    fn truncated_inputs_are_errors() {
        for text in [
            "", "{", "{\"a\"", "{\"a\":", "[1,", "\"abc", "tru", "-", "1.", "1e",
        ] {
            assert!(parse_str(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn escaped_pointer_tokens() {
        let (_, diags) = parse_str(r#"{"paths": {"/a~b": {"k": 1, "k": 2}}}"#).unwrap();
        assert_eq!(diags[0].pointer, "/paths/~1a~0b/k");
    }
}
