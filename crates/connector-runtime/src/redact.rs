//! Keep secrets out of logs: query values that carry tokens and credentials are replaced.

use url::Url;

/// Query parameter names whose values never reach a log line.
const SECRET_PARAMS: &[&str] = &[
    "sig",
    "code",
    "token",
    "access_token",
    "api_key",
    "apikey",
    "key",
    "secret",
    "password",
    "sv",
    "se",
    "sp",
];

fn is_secret_param(name: &str) -> bool {
    SECRET_PARAMS.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// `url` with user info removed and secret query values replaced by `<redacted>`.
/// Unparseable text is cut at the first `?`.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = Url::parse(url) else {
        return match url.split_once('?') {
            Some((head, _)) => format!("{head}?<redacted>"),
            None => url.to_owned(),
        };
    };
    if !parsed.username().is_empty() {
        let _ = parsed.set_username("redacted");
    }
    if parsed.password().is_some() {
        let _ = parsed.set_password(None);
    }
    if parsed.query().is_some() {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                // A value may itself be a URL carrying a token (a callback URL passed as a
                // query parameter), so values mentioning `sig=` go too.
                let v = if is_secret_param(&k) || v.contains("sig=") {
                    "<redacted>".to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

/// Header names whose values never reach a log line.
pub fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "authorization"
        || name == "proxy-authorization"
        || name == "cookie"
        || name == "set-cookie"
        || name.contains("token")
        || name.contains("secret")
        || name.contains("signature")
        || name.contains("api-key")
        || name.contains("apikey")
}

/// JSON object keys whose values never reach a page or an API answer.
fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    is_secret_param(&key) || is_secret_header(&key) || key.contains("password")
}

/// `value` with secret-named fields replaced by `"<redacted>"` and every string carrying a
/// callback token (`sig=`) redacted, at any depth. A callback body can echo the hook's own
/// configuration (GitHub's `ping` carries the callback URL and the hook secret's field).
pub fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if is_secret_key(key) && !value.is_object() && !value.is_array() {
                    *value = serde_json::Value::String("<redacted>".into());
                } else {
                    redact_json(value);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        serde_json::Value::String(text) if contains_sig(text) => *text = redact_text(text),
        _ => {}
    }
}

fn contains_sig(text: &str) -> bool {
    text.to_ascii_lowercase().contains("sig=")
}

/// `text` with the value after every `sig=` replaced by `<redacted>`, for text that is not a
/// single URL (a form body, a log message quoting a URL).
pub fn redact_text(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    let mut search = 0;
    while let Some(found) = lower[search..].find("sig=") {
        let value_start = search + found + 4;
        // Only a parameter named exactly `sig` (not `xsig=`).
        let at_boundary = search + found == 0
            || matches!(
                lower.as_bytes()[search + found - 1],
                b'?' | b'&' | b';' | b' ' | b'"'
            );
        let value_end = lower[value_start..]
            .find(|c: char| matches!(c, '&' | '"' | '\'' | '<' | '>') || c.is_whitespace())
            .map_or(lower.len(), |end| value_start + end);
        if at_boundary {
            out.push_str(&text[rest..value_start]);
            out.push_str("<redacted>");
            rest = value_end;
        }
        search = value_end.max(value_start);
    }
    out.push_str(&text[rest..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sig_is_redacted() {
        let out = redact_url("https://h/callbacks/s1?sig=abc&x=1");
        assert!(!out.contains("abc"), "{out}");
        assert!(out.contains("x=1"));
        assert!(!redact_url("not a url?sig=abc").contains("abc"));
        let nested = redact_url("https://api/subscribe?cb=https%3A%2F%2Fme%2Fcb%3Fsig%3Dabc&n=1");
        assert!(!nested.contains("abc"), "{nested}");
        assert!(nested.contains("n=1"));
        assert!(!redact_url("https://u:p@h/").contains(":p@"));
    }

    #[test]
    fn bodies_lose_their_secrets() {
        let mut body = serde_json::json!({
            "hook": {"config": {"url": "https://h/callbacks/s1?sig=abc", "secret": "hush"}},
            "text": "see https://h/cb?x=1&sig=abc and more",
            "list": [{"api_key": "k1"}],
            "unrelated": "design=good"
        });
        redact_json(&mut body);
        let text = body.to_string();
        assert!(
            !text.contains("abc") && !text.contains("hush") && !text.contains("k1"),
            "{text}"
        );
        assert!(text.contains("design=good"));
        assert_eq!(
            redact_text("payload=1&sig=abc&n=2"),
            "payload=1&sig=<redacted>&n=2"
        );
    }

    #[test]
    fn auth_headers_are_secret() {
        assert!(is_secret_header("Authorization"));
        assert!(is_secret_header("X-Hub-Signature-256"));
        assert!(!is_secret_header("content-type"));
    }
}
