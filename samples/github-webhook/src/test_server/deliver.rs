//! Posting an event to a hook's callback URL the way GitHub's "hookshot" does.

use rand::RngCore;
use serde_json::Value;

use super::signature::signature_256;
use super::state::{Delivery, Hook};
use super::Shared;

/// Deliver `event` with `payload` to `hook` once, record the outcome and return it.
///
/// Headers are GitHub's: `X-GitHub-Event`, `X-GitHub-Delivery` (a fresh GUID),
/// `X-GitHub-Hook-ID`, and `X-Hub-Signature-256` when the hook has a secret. The signature is
/// computed over exactly the bytes sent, so a receiver must verify the raw body.
pub(crate) async fn deliver(
    shared: &Shared,
    hook: &Hook,
    event: &str,
    payload: &Value,
) -> Delivery {
    let guid = new_guid();
    // A `Value` always serialises; the fallback only keeps this function total.
    let body = serde_json::to_vec(payload).unwrap_or_default();
    let mut request = shared
        .client
        .post(&hook.config.url)
        .header("content-type", "application/json")
        .header("user-agent", "GitHub-Hookshot/connector-gen-test")
        .header("x-github-event", event)
        .header("x-github-delivery", &guid)
        .header("x-github-hook-id", hook.id.to_string())
        .header("x-github-hook-installation-target-type", "repository");
    if let Some(secret) = &hook.config.secret {
        request = request.header("x-hub-signature-256", signature_256(secret, &body));
    }
    let (status, error) = match request.body(body).send().await {
        Ok(response) => (Some(response.status().as_u16()), None),
        Err(err) => (None, Some(err.to_string())),
    };
    let delivery = Delivery {
        guid,
        hook_id: hook.id,
        event: event.to_owned(),
        url: hook.config.url.clone(),
        status,
        error,
    };
    tracing::debug!(?delivery, "delivered");
    shared.record(delivery.clone());
    delivery
}

/// A random version-4 GUID, the format of `X-GitHub-Delivery`.
fn new_guid() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_look_like_uuid_v4() {
        let guid = new_guid();
        assert_eq!(guid.len(), 36);
        assert_eq!(guid.as_bytes()[14], b'4');
        assert_ne!(guid, new_guid());
    }
}
