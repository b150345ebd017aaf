//! `$ref` rewriting: Swagger 2.0 locations (`#/definitions/X`) become their 3.0 locations
//! (`#/components/schemas/X`), and references that lead nowhere are caught before they reach
//! code that would have to follow them.

use super::schema::Dialect;
use serde_json::{Map, Value};

/// Rewrites and checks references of one source document.
pub struct RefRewriter<'a> {
    dialect: Dialect,
    root: &'a Value,
}

/// Prefixes that move between 2.0 and 3.0.
const MOVES: [(&str, &str); 3] = [
    ("#/definitions/", "#/components/schemas/"),
    ("#/parameters/", "#/components/parameters/"),
    ("#/responses/", "#/components/responses/"),
];

impl<'a> RefRewriter<'a> {
    /// A rewriter for the source document `root` written in `dialect`.
    pub fn new(dialect: Dialect, root: &'a Value) -> Self {
        RefRewriter { dialect, root }
    }

    /// The 3.0 form of a schema reference, or why it cannot be followed.
    pub fn schema_ref(&self, r: &str) -> Result<String, String> {
        if !r.starts_with('#') {
            return Err(format!("external reference `{r}` is not supported"));
        }
        // A percent-encoded reference (`#/definitions/My%20Model`) is rewritten decoded, so that
        // later steps can look its target up by name.
        let decoded;
        let r = if self.root.pointer(r.trim_start_matches('#')).is_some() || r == "#" {
            r
        } else {
            match percent_decode(r) {
                Some(d) if resolve_local(self.root, &d).is_some() => {
                    decoded = d;
                    decoded.as_str()
                }
                _ => return Err(format!("reference `{r}` points at nothing")),
            }
        };
        match self.dialect {
            Dialect::Swagger2 => {
                if r.starts_with("#/definitions/") {
                    Ok(self.rewrite_any_ref(r))
                } else {
                    Err(format!("reference `{r}` does not point into `definitions`"))
                }
            }
            Dialect::OpenApi30 | Dialect::OpenApi31 => {
                if r == "#" {
                    Err("reference to the whole document".to_string())
                } else {
                    Ok(r.to_string())
                }
            }
        }
    }

    /// The 3.0 form of any reference (prefix moved for 2.0; unchanged otherwise).
    pub fn rewrite_any_ref(&self, r: &str) -> String {
        if self.dialect == Dialect::Swagger2 {
            for (from, to) in MOVES {
                if let Some(rest) = r.strip_prefix(from) {
                    return format!("{to}{rest}");
                }
            }
        }
        r.to_string()
    }

    /// A copy of an extension value with every `$ref` inside moved to its 3.0 location, so
    /// references inside `x-` extensions resolve against the normalised document too.
    pub fn rewrite_in_extension(&self, v: &Value) -> Value {
        if self.dialect != Dialect::Swagger2 {
            return v.clone();
        }
        match v {
            Value::Object(map) => {
                let out: Map<String, Value> = map
                    .iter()
                    .map(|(k, v)| match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => {
                            (k.clone(), Value::String(self.rewrite_any_ref(r)))
                        }
                        _ => (k.clone(), self.rewrite_in_extension(v)),
                    })
                    .collect();
                Value::Object(out)
            }
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.rewrite_in_extension(v)).collect())
            }
            other => other.clone(),
        }
    }

    /// The node a local reference points at in the source document.
    pub fn resolve(&self, r: &str) -> Option<&'a Value> {
        resolve_local(self.root, r)
    }
}

/// Follows a local reference (`#/a/b`) in `root`, trying it percent-decoded when the raw form
/// does not resolve.
pub fn resolve_local<'v>(root: &'v Value, r: &str) -> Option<&'v Value> {
    let fragment = r.strip_prefix('#')?;
    if fragment.is_empty() {
        return Some(root);
    }
    root.pointer(fragment)
        .or_else(|| percent_decode(fragment).and_then(|d| root.pointer(&d)))
}

fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return None;
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn swagger2_definitions_move_to_components() {
        let root = json!({"definitions": {"A B": {}, "Pet": {"properties": {"id": {}}}}});
        let refs = RefRewriter::new(Dialect::Swagger2, &root);
        assert_eq!(
            refs.schema_ref("#/definitions/Pet").unwrap(),
            "#/components/schemas/Pet"
        );
        assert_eq!(
            refs.schema_ref("#/definitions/Pet/properties/id").unwrap(),
            "#/components/schemas/Pet/properties/id"
        );
        assert_eq!(
            refs.schema_ref("#/definitions/A%20B").unwrap(),
            "#/components/schemas/A B"
        );
        assert!(refs.schema_ref("#/definitions/Missing").is_err());
        assert!(refs.schema_ref("other.json#/definitions/Pet").is_err());
    }

    #[test]
    fn refs_inside_extensions_are_rewritten() {
        let root = json!({});
        let refs = RefRewriter::new(Dialect::Swagger2, &root);
        let ext = json!({"schema": {"items": {"$ref": "#/definitions/X"}}});
        assert_eq!(
            refs.rewrite_in_extension(&ext),
            json!({"schema": {"items": {"$ref": "#/components/schemas/X"}}})
        );
    }
}
