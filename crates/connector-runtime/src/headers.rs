//! A delivery's request headers on their way to the handler.
//!
//! The handler API takes headers as owned `(name, value)` string pairs. Building those costs
//! two allocations per header, so the live path keeps the request's own header map (whose
//! values share hyper's read buffer) and builds the pairs only when a handler runs; the store
//! gets them serialised once, straight from the map.

use axum::http::HeaderMap;
use serde::ser::{Serialize, Serializer};

/// Request headers of one delivery.
#[derive(Debug, Clone)]
pub(crate) enum DeliveryHeaders {
    /// As received (live path).
    Received(HeaderMap),
    /// As read back from the inbox (redelivery).
    Stored(Vec<(String, String)>),
}

impl DeliveryHeaders {
    /// The pairs a handler gets: lower-case names in arrival order; values that are not
    /// visible ASCII are left out (as they are from the store).
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        match self {
            DeliveryHeaders::Received(map) => received_pairs(map)
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect(),
            DeliveryHeaders::Stored(pairs) => pairs.clone(),
        }
    }
}

/// The headers of `map` that have a text value, in arrival order.
fn received_pairs(map: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    map.iter()
        .filter_map(|(name, value)| value.to_str().ok().map(|v| (name.as_str(), v)))
}

/// The inbox's JSON form of `map` (`[[name, value], …]`), written without building pairs.
pub(crate) fn headers_json(map: &HeaderMap) -> String {
    struct AsPairs<'a>(&'a HeaderMap);
    impl Serialize for AsPairs<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_seq(received_pairs(self.0))
        }
    }
    // Strings always serialise; the fallback only keeps this total.
    serde_json::to_string(&AsPairs(map)).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn sample() -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert("content-type", HeaderValue::from_static("application/json"));
        map.append("x-multi", HeaderValue::from_static("a"));
        map.append("x-multi", HeaderValue::from_static("b \"quoted\""));
        map.insert(
            "x-binary",
            HeaderValue::from_bytes(b"caf\xe9").expect("opaque bytes are a valid value"),
        );
        map
    }

    #[test]
    fn json_is_what_the_pairs_serialise_to() {
        let map = sample();
        let pairs = DeliveryHeaders::Received(map.clone()).to_pairs();
        assert_eq!(
            pairs,
            vec![
                ("content-type".to_owned(), "application/json".to_owned()),
                ("x-multi".to_owned(), "a".to_owned()),
                ("x-multi".to_owned(), "b \"quoted\"".to_owned()),
            ]
        );
        assert_eq!(
            headers_json(&map),
            crate::store::headers_to_json(&pairs),
            "the store reads back exactly what a live handler saw"
        );
        let read_back: Vec<(String, String)> =
            serde_json::from_str(&headers_json(&map)).expect("valid JSON");
        assert_eq!(DeliveryHeaders::Stored(read_back).to_pairs(), pairs);
    }
}
