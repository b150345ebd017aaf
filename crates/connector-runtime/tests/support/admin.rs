//! A host with the admin listener on, one trigger whose handler fails on demand, and an HTTP
//! client for the admin API.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use connector_runtime::testing::{MockApi, MockTrigger};
use connector_runtime::{HandlerError, Host, HostBuilder, SubscriptionId, TriggerOptions};
use serde_json::Value;

use super::{connection, fast_policy, KEY};

pub const OPS_TOKEN: &str = "ops-token-5f1c9e";
pub const CI_TOKEN: &str = "ci-token-8a2d47";
/// Secrets the deliveries carry, which no admin answer may show.
pub const API_SECRET: &str = "api-secret-31337";
pub const API_KEY: &str = "api-key-value-4242";
pub const HOOK_SECRET: &str = "hook-secret-0xfeed";

pub struct AdminFixture {
    pub api: MockApi,
    pub host: Host,
    pub admin: String,
    pub client: reqwest::Client,
    /// While true the handler fails.
    pub failing: Arc<AtomicBool>,
    pub trigger: MockTrigger,
}

/// The builder every admin test uses: fast retries, admin on an ephemeral port, two tokens.
pub fn admin_builder() -> HostBuilder {
    Host::builder()
        .with_sqlite(":memory:")
        .with_signing_key(KEY.to_vec())
        .with_retry_policy(fast_policy())
        .with_admin_bind("127.0.0.1:0".parse().unwrap())
        .with_admin_token("ops", OPS_TOKEN)
        .with_admin_token("ci", CI_TOKEN)
}

impl AdminFixture {
    pub async fn start() -> Self {
        Self::start_with(admin_builder()).await
    }

    /// The fixture on a host from `builder` (e.g. [`admin_builder`] on another store).
    pub async fn start_with(builder: HostBuilder) -> Self {
        let api = MockApi::start().await.unwrap();
        let host = builder.build().await.unwrap();
        let admin = format!("http://{}", host.admin_addr().expect("admin listener on"));
        let failing = Arc::new(AtomicBool::new(true));
        let trigger = MockTrigger::new("orders");
        let fail = failing.clone();
        host.register_with(
            &trigger,
            connection(&api.base_url()),
            TriggerOptions::default()
                .with_max_attempts(1)
                .with_retry_backoff(Duration::from_millis(1)),
            move |_callback| {
                let fail = fail.load(Ordering::SeqCst);
                async move {
                    if fail {
                        Err(HandlerError::new("downstream said no"))
                    } else {
                        Ok(())
                    }
                }
            },
        )
        .unwrap();
        host.resume().await.unwrap();
        AdminFixture {
            api,
            host,
            admin,
            client: reqwest::Client::new(),
            failing,
            trigger,
        }
    }

    /// Subscribe and deliver `count` callbacks carrying secrets; returns the subscription.
    pub async fn subscription_with_deliveries(&self, count: u64) -> SubscriptionId {
        let id = self.host.enable(&self.trigger).await.unwrap();
        let hook = self.api.hooks().into_iter().last().unwrap();
        let callback = self.host.callback_url(&id);
        for seq in 0..count {
            let body = serde_json::json!({
                "kind": "push",
                "seq": seq,
                "hook": {"config": {"url": callback, "secret": HOOK_SECRET}},
            });
            let delivery = format!("delivery-{id}-{seq}");
            let status = self
                .api
                .deliver(
                    &hook,
                    body.to_string().as_bytes(),
                    &[
                        ("authorization", &format!("Bearer {API_SECRET}")),
                        ("x-api-key", API_KEY),
                        ("x-github-delivery", &delivery),
                    ],
                )
                .await
                .unwrap();
            assert_eq!(status, 202);
        }
        id
    }

    /// The callback token of a subscription (the `sig` value), which must never be shown.
    pub fn sig(&self, id: &SubscriptionId) -> String {
        let url = self.host.callback_url(id);
        url.split("sig=").nth(1).unwrap().to_owned()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, String) {
        let mut request = self.client.get(format!("{}{path}", self.admin));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    pub async fn post(&self, path: &str, token: Option<&str>) -> (u16, String) {
        let mut request = self.client.post(format!("{}{path}", self.admin));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// GET as `ops`, expecting 200 and JSON.
    pub async fn json(&self, path: &str) -> Value {
        let (status, text) = self.get(path, Some(OPS_TOKEN)).await;
        assert_eq!(status, 200, "GET {path}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// Wait until every delivery of `id` is in `state`.
    pub async fn until_all(&self, id: &SubscriptionId, state: &str, count: usize) {
        for _ in 0..500 {
            let page = self
                .json(&format!("/api/deliveries?subscription={id}&state={state}"))
                .await;
            if page["items"].as_array().unwrap().len() == count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("deliveries of {id} never all {state}");
    }

    /// Assert no secret appears in `text`.
    pub fn assert_no_secret(&self, ids: &[&SubscriptionId], what: &str, text: &str) {
        let mut secrets = vec![
            String::from_utf8_lossy(KEY).into_owned(),
            API_SECRET.to_owned(),
            API_KEY.to_owned(),
            HOOK_SECRET.to_owned(),
            OPS_TOKEN.to_owned(),
            CI_TOKEN.to_owned(),
            "api-token".to_owned(),
        ];
        secrets.extend(ids.iter().map(|id| self.sig(id)));
        for secret in secrets {
            assert!(
                !text.contains(&secret),
                "{what} shows the secret {secret:?}: {text}"
            );
        }
    }
}
