//! Signatures: the `sig` token of our own callback URLs, and inbound sender signatures
//! (GitHub `X-Hub-Signature-256`, Standard Webhooks).
//!
//! Every comparison checks the length first and then compares in constant time (`subtle`), so
//! neither a wrong length nor a wrong byte leaks through timing, and malformed input is an
//! error, never a panic.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return [0u8; 32],
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Length check, then constant-time comparison.
fn same_bytes(expected: &[u8], given: &[u8]) -> bool {
    expected.len() == given.len() && bool::from(expected.ct_eq(given))
}

/// Signs and checks the `sig` query token of callback URLs: `base64url(HMAC-SHA256(key, id))`.
///
/// After a key rotation the previous key stays valid, so callback URLs registered with third
/// parties before the rotation keep working.
#[derive(Clone)]
pub struct CallbackSigner {
    current: Vec<u8>,
    previous: Option<Vec<u8>>,
}

impl std::fmt::Debug for CallbackSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallbackSigner(<redacted>)")
    }
}

impl CallbackSigner {
    /// A signer with the current key.
    pub fn new(key: impl Into<Vec<u8>>) -> Self {
        CallbackSigner {
            current: key.into(),
            previous: None,
        }
    }

    /// Also accept tokens made with `key` (the key before a rotation).
    pub fn with_previous(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.previous = Some(key.into());
        self
    }

    /// The token for `id`, made with the current key.
    pub fn token(&self, id: &str) -> String {
        URL_SAFE_NO_PAD.encode(hmac_sha256(&self.current, &[id.as_bytes()]))
    }

    /// Whether `token` is valid for `id` under the current or the previous key.
    pub fn verify(&self, id: &str, token: &str) -> bool {
        let Ok(given) = URL_SAFE_NO_PAD.decode(token.as_bytes()) else {
            return false;
        };
        let current = same_bytes(&hmac_sha256(&self.current, &[id.as_bytes()]), &given);
        let previous = self
            .previous
            .as_ref()
            .is_some_and(|key| same_bytes(&hmac_sha256(key, &[id.as_bytes()]), &given));
        current | previous
    }
}

/// Why an inbound signature was refused (the sender gets 401 either way).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// A required header is absent.
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    /// A header is present but malformed.
    #[error("malformed header {0}")]
    Malformed(&'static str),
    /// The timestamp lies outside the tolerance window.
    #[error("timestamp outside the tolerance window")]
    Stale,
    /// No signature matched.
    #[error("signature mismatch")]
    Mismatch,
}

/// The default Standard Webhooks tolerance: five minutes either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Inbound signature check configured per trigger.
#[derive(Clone, Default)]
pub enum SignatureCheck {
    /// Accept any body (the callback URL's `sig` token still applies).
    #[default]
    None,
    /// GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`.
    GitHub {
        /// The webhook secret configured on the hook.
        secret: Vec<u8>,
    },
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`
    /// over `{id}.{timestamp}.{body}`.
    StandardWebhooks {
        /// The decoded signing key.
        key: Vec<u8>,
        /// How far the timestamp may be from now, either way.
        tolerance: Duration,
    },
}

impl std::fmt::Debug for SignatureCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignatureCheck::None => f.write_str("SignatureCheck::None"),
            SignatureCheck::GitHub { .. } => f.write_str("SignatureCheck::GitHub(<redacted>)"),
            SignatureCheck::StandardWebhooks { tolerance, .. } => {
                write!(
                    f,
                    "SignatureCheck::StandardWebhooks(<redacted>, {tolerance:?})"
                )
            }
        }
    }
}

/// A Standard Webhooks secret that is not `whsec_<base64>` (or plain base64).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a Standard Webhooks secret is base64, optionally prefixed with whsec_")]
pub struct InvalidSecret;

impl SignatureCheck {
    /// GitHub `X-Hub-Signature-256` with the hook's secret.
    pub fn github(secret: impl Into<Vec<u8>>) -> Self {
        SignatureCheck::GitHub {
            secret: secret.into(),
        }
    }

    /// Standard Webhooks with a `whsec_…` secret and the default five-minute tolerance.
    pub fn standard_webhooks(secret: &str) -> Result<Self, InvalidSecret> {
        let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
        let key = STANDARD
            .decode(encoded.as_bytes())
            .map_err(|_| InvalidSecret)?;
        if key.is_empty() {
            return Err(InvalidSecret);
        }
        Ok(SignatureCheck::StandardWebhooks {
            key,
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// Change the Standard Webhooks tolerance window (no effect on other checks).
    pub fn with_tolerance(mut self, window: Duration) -> Self {
        if let SignatureCheck::StandardWebhooks { tolerance, .. } = &mut self {
            *tolerance = window;
        }
        self
    }

    /// Check `body` against the headers. `header` looks a header up case-insensitively.
    pub fn verify<'h>(
        &self,
        header: impl Fn(&str) -> Option<&'h str>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), SignatureError> {
        match self {
            SignatureCheck::None => Ok(()),
            SignatureCheck::GitHub { secret } => verify_github(secret, header, body),
            SignatureCheck::StandardWebhooks { key, tolerance } => {
                verify_standard(key, *tolerance, header, body, now)
            }
        }
    }
}

fn verify_github<'h>(
    secret: &[u8],
    header: impl Fn(&str) -> Option<&'h str>,
    body: &[u8],
) -> Result<(), SignatureError> {
    const NAME: &str = "x-hub-signature-256";
    let value = header(NAME).ok_or(SignatureError::MissingHeader(NAME))?;
    let hex_digest = value
        .trim()
        .strip_prefix("sha256=")
        .ok_or(SignatureError::Malformed(NAME))?;
    let given = hex::decode(hex_digest).map_err(|_| SignatureError::Malformed(NAME))?;
    if same_bytes(&hmac_sha256(secret, &[body]), &given) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

fn verify_standard<'h>(
    key: &[u8],
    tolerance: Duration,
    header: impl Fn(&str) -> Option<&'h str>,
    body: &[u8],
    now: SystemTime,
) -> Result<(), SignatureError> {
    let id = header("webhook-id").ok_or(SignatureError::MissingHeader("webhook-id"))?;
    let timestamp =
        header("webhook-timestamp").ok_or(SignatureError::MissingHeader("webhook-timestamp"))?;
    let signatures =
        header("webhook-signature").ok_or(SignatureError::MissingHeader("webhook-signature"))?;
    let seconds: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::Malformed("webhook-timestamp"))?;
    let now_seconds = now
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let skew = now_seconds.abs_diff(seconds);
    if skew > tolerance.as_secs() {
        return Err(SignatureError::Stale);
    }
    let expected = hmac_sha256(
        key,
        &[id.as_bytes(), b".", timestamp.as_bytes(), b".", body],
    );
    // The header holds space-separated `version,signature` pairs; any `v1` match is enough.
    // Entries of other versions, empty signatures and bad base64 never match.
    let mut matched = false;
    for entry in signatures.split(' ').filter(|e| !e.is_empty()) {
        let Some((version, encoded)) = entry.split_once(',') else {
            continue;
        };
        if version != "v1" || encoded.is_empty() {
            continue;
        }
        if let Ok(given) = STANDARD.decode(encoded.as_bytes()) {
            matched |= same_bytes(&expected, &given);
        }
    }
    if matched {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Helpers to produce signatures the way senders do (tests, mocks and samples use them).
pub mod sign {
    use super::*;

    /// `sha256=<hex>` as GitHub puts in `X-Hub-Signature-256`.
    pub fn github(secret: &[u8], body: &[u8]) -> String {
        format!("sha256={}", hex::encode(hmac_sha256(secret, &[body])))
    }

    /// `v1,<base64>` as a Standard Webhooks sender puts in `webhook-signature`.
    pub fn standard_webhooks(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
        let ts = timestamp.to_string();
        let mac = hmac_sha256(key, &[id.as_bytes(), b".", ts.as_bytes(), b".", body]);
        format!("v1,{}", STANDARD.encode(mac))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
        }
    }

    #[test]
    fn callback_tokens_survive_a_key_rotation() {
        let old = CallbackSigner::new(b"old-key".to_vec());
        let token = old.token("s1");
        let rotated = CallbackSigner::new(b"new-key".to_vec()).with_previous(b"old-key".to_vec());
        assert!(rotated.verify("s1", &token));
        assert!(rotated.verify("s1", &rotated.token("s1")));
        assert!(!rotated.verify("s2", &token));
        assert!(!CallbackSigner::new(b"new-key".to_vec()).verify("s1", &token));
    }

    #[test]
    fn callback_tokens_refuse_truncation_and_garbage() {
        let signer = CallbackSigner::new(b"k".to_vec());
        let token = signer.token("s1");
        assert!(!signer.verify("s1", &token[..token.len() - 2]));
        assert!(!signer.verify("s1", ""));
        assert!(!signer.verify("s1", "%%%"));
    }

    #[test]
    fn github_signature_round_trip() {
        let check = SignatureCheck::github(b"It's a Secret to Everybody".to_vec());
        let body = b"Hello, World!";
        let sig = sign::github(b"It's a Secret to Everybody", body);
        // The example from GitHub's documentation.
        assert_eq!(
            sig,
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
        let now = SystemTime::now();
        assert_eq!(
            check.verify(lookup(&[("X-Hub-Signature-256", &sig)]), body, now),
            Ok(())
        );
        assert_eq!(
            check.verify(lookup(&[("X-Hub-Signature-256", &sig)]), b"other", now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            check.verify(lookup(&[("X-Hub-Signature-256", "sha256=")]), body, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            check.verify(lookup(&[("X-Hub-Signature-256", "sha1=abc")]), body, now),
            Err(SignatureError::Malformed("x-hub-signature-256"))
        );
        assert_eq!(
            check.verify(lookup(&[]), body, now),
            Err(SignatureError::MissingHeader("x-hub-signature-256"))
        );
    }

    #[test]
    fn standard_webhooks_accepts_good_and_rejects_broken_signatures() {
        let key = b"standard-key".to_vec();
        let secret = format!("whsec_{}", STANDARD.encode(&key));
        let check = SignatureCheck::standard_webhooks(&secret).unwrap();
        let now = SystemTime::now();
        let ts = now.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
        let ts_text = ts.to_string();
        let body = br#"{"type":"x"}"#;
        let good = sign::standard_webhooks(&key, "msg_1", ts, body);
        let verify = |sig: &str, ts: &str| {
            check.verify(
                lookup(&[
                    ("webhook-id", "msg_1"),
                    ("webhook-timestamp", ts),
                    ("webhook-signature", sig),
                ]),
                body,
                now,
            )
        };
        assert_eq!(verify(&good, &ts_text), Ok(()));
        assert_eq!(verify(&format!("v1,bogus {good}"), &ts_text), Ok(()));
        assert_eq!(verify("v1,", &ts_text), Err(SignatureError::Mismatch));
        assert_eq!(verify("v1", &ts_text), Err(SignatureError::Mismatch));
        assert_eq!(
            verify(&good[..good.len() - 4], &ts_text),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(verify(&good[..5], &ts_text), Err(SignatureError::Mismatch));
        assert_eq!(
            verify(&good.replace("v1,", "v2,"), &ts_text),
            Err(SignatureError::Mismatch)
        );
        let stale = (ts - 3600).to_string();
        assert_eq!(verify(&good, &stale), Err(SignatureError::Stale));
        assert_eq!(
            verify(&good, "soon"),
            Err(SignatureError::Malformed("webhook-timestamp"))
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_headers_never_panic_or_verify(
            sig in ".{0,120}",
            ts in ".{0,24}",
            id in ".{0,40}",
            token in ".{0,80}",
        ) {
            let check = SignatureCheck::standard_webhooks("whsec_c2VjcmV0").unwrap();
            let headers = [
                ("webhook-id", id.as_str()),
                ("webhook-timestamp", ts.as_str()),
                ("webhook-signature", sig.as_str()),
                ("x-hub-signature-256", sig.as_str()),
            ];
            let body: &[u8] = b"{}";
            proptest::prop_assert!(check.verify(lookup(&headers), body, SystemTime::now()).is_err());
            let github = SignatureCheck::github(b"secret".to_vec());
            proptest::prop_assert!(github.verify(lookup(&headers), body, SystemTime::now()).is_err());
            proptest::prop_assert!(!CallbackSigner::new(b"k".to_vec()).verify(&id, &token));
        }
    }

    #[test]
    fn standard_webhooks_secret_must_be_base64() {
        assert_eq!(
            SignatureCheck::standard_webhooks("whsec_!!!").err(),
            Some(InvalidSecret)
        );
        assert_eq!(
            SignatureCheck::standard_webhooks("whsec_").err(),
            Some(InvalidSecret)
        );
    }
}
