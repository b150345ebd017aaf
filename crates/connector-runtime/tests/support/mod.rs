//! Shared setup for the integration tests: a host on 127.0.0.1 with fast retries, and a
//! handler that forwards callbacks to a channel.
#![allow(dead_code)]

pub mod admin;

use std::path::Path;
use std::time::Duration;

use connector_runtime::polling_api::{EventsTrigger, PolledEvent, PollingApi};
use connector_runtime::testing::{MockEvent, MockTrigger};
use connector_runtime::{
    Auth, Callback, Connection, HandlerError, Host, RetryPolicy, TriggerOptions,
};
use tokio::sync::mpsc;

pub const KEY: &[u8] = b"test-signing-key";

/// Logic Apps' policy shape with millisecond intervals, so retries are quick in tests.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy::logic_apps_default()
        .with_base_interval(Duration::from_millis(10))
        .with_min_interval(Duration::from_millis(5))
        .with_max_interval(Duration::from_millis(50))
}

pub async fn host_with(store: &str) -> Host {
    Host::builder()
        .with_sqlite(store)
        .with_signing_key(KEY.to_vec())
        .with_retry_policy(fast_policy())
        .with_sweep_interval(Duration::from_millis(50))
        .build()
        .await
        .expect("host starts")
}

pub async fn memory_host() -> Host {
    host_with(":memory:").await
}

pub fn db_path(dir: &Path) -> String {
    dir.join("runtime.db").to_string_lossy().into_owned()
}

pub fn connection(base_url: &str) -> Connection {
    Connection::new(
        base_url,
        Auth::Bearer {
            token: "api-token".into(),
        },
    )
}

pub type Received = mpsc::UnboundedReceiver<Callback<MockEvent>>;

/// What a forwarding handler's call returns: done at once.
pub type Forwarded = std::future::Ready<Result<(), HandlerError>>;

/// A handler that forwards every callback to a channel, and the channel's receiving end.
pub fn forwarding<T: Send + 'static>() -> (
    impl Fn(Callback<T>) -> Forwarded + Send + Sync + 'static,
    mpsc::UnboundedReceiver<Callback<T>>,
) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let handler = move |callback| {
        let _ = sender.send(callback);
        std::future::ready(Ok(()))
    };
    (handler, receiver)
}

/// Register `trigger` with a handler that forwards every callback to the returned channel.
pub fn register_forwarding(host: &Host, trigger: &MockTrigger, base_url: &str) -> Received {
    let (handler, receiver) = forwarding();
    host.register(trigger, connection(base_url), handler)
        .expect("register");
    receiver
}

/// Callbacks of a polling trigger, forwarded as they arrive.
pub type PolledItems = mpsc::UnboundedReceiver<Callback<PolledEvent>>;

/// Register `trigger`, a polling trigger against `api`, forwarding its items to a channel.
pub fn register_polled(host: &Host, trigger: &EventsTrigger, api: &PollingApi) -> PolledItems {
    let (handler, receiver) = forwarding();
    host.register_with(
        trigger,
        connection(&api.base_url()),
        TriggerOptions::default(),
        handler,
    )
    .expect("register");
    receiver
}

pub async fn next(received: &mut Received) -> Callback<MockEvent> {
    tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("a callback within 10 s")
        .expect("channel open")
}

pub fn event(seq: u64) -> Vec<u8> {
    serde_json::to_vec(&MockEvent {
        kind: "push".into(),
        seq,
    })
    .unwrap()
}
