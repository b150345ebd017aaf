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
    fn auth_headers_are_secret() {
        assert!(is_secret_header("Authorization"));
        assert!(is_secret_header("X-Hub-Signature-256"));
        assert!(!is_secret_header("content-type"));
    }
}
