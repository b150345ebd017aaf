//! Subscription ids: random, URL-safe, and the key of every stored row.

use std::sync::Arc;

use rand::RngCore;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Identifies one subscription (trigger) or one pending wait (action). It is the last path
/// segment of the callback URL and the value of `x-ms-client-tracking-id`.
///
/// Shared text: a pending wait's id sits in several host tables and in the caller's wait, and
/// with many thousands of waits one allocation per id instead of one per copy matters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubscriptionId(Arc<str>);

impl SubscriptionId {
    /// A fresh id: `s` followed by 32 hex digits (128 random bits).
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        SubscriptionId(Arc::from(format!("s{}", hex::encode(bytes))))
    }

    /// Wrap an id read from a URL or the store. Returns `None` unless it looks like an id the
    /// runtime could have issued (1–64 characters of `[A-Za-z0-9_-]`), so arbitrary path text
    /// never reaches the store or the logs.
    pub fn parse(text: &str) -> Option<Self> {
        let valid = !text.is_empty()
            && text.len() <= 64
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        valid.then(|| SubscriptionId(Arc::from(text)))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for SubscriptionId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SubscriptionId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| SubscriptionId(Arc::from(text)))
    }
}

impl std::fmt::Display for SubscriptionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_parse_back() {
        let id = SubscriptionId::generate();
        assert_eq!(SubscriptionId::parse(id.as_str()), Some(id));
    }

    #[test]
    fn path_tricks_are_refused() {
        assert_eq!(SubscriptionId::parse("../etc"), None);
        assert_eq!(SubscriptionId::parse(""), None);
        assert_eq!(SubscriptionId::parse(&"a".repeat(65)), None);
    }
}
