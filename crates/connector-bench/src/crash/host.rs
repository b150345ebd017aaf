//! The host child process of the crash test (`connector-bench host …`).
//!
//! It prints `READY {…}` once resumed and serving, and in settle mode `SETTLED {…}` once
//! nothing is left to reconcile. Everything else goes to stderr.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use connector_runtime::store::{Intent, SubscriptionRecord};
use connector_runtime::{
    Callback, HandlerError, HookListRoute, Host, HttpWebhookDefinition, RetryPolicy,
    SubscriptionId, SubscriptionState, TriggerOptions,
};
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::{ApiStyle, DELIVERY_HEADER, TRIGGER_NAME};
use crate::{Error, Result};

/// What the host does after resuming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostMode {
    /// Enable and disable subscriptions until killed, keeping about `target` active.
    Churn {
        /// Active subscriptions to aim for.
        target: usize,
    },
    /// Wait until every subscription is settled and every stored delivery handled (or left
    /// pending, unchanged, for 5 s: stranded, and counted in the line), print `SETTLED`, and
    /// exit; give up after `timeout`.
    Settle {
        /// How long to wait at most.
        timeout: Duration,
    },
}

/// Where the host keeps its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostStore {
    /// A SQLite file (one host process per file).
    Sqlite(PathBuf),
    /// A PostgreSQL database (URL), shared by every replica.
    Postgres(String),
}

/// The host's settings (its command line).
#[derive(Debug, Clone)]
pub struct HostArgs {
    /// The store.
    pub store: HostStore,
    /// This replica's instance id among the processes sharing the store, stable across its
    /// restarts (`None`: the runtime's default).
    pub instance_id: Option<String>,
    /// Public base URL put in callback URLs, the same on every replica (`None`:
    /// `http://127.0.0.1:{port}`).
    pub public_url: Option<String>,
    /// Base URL of the mock API.
    pub api: String,
    /// Port to serve callbacks on (fixed, so callback URLs survive restarts).
    pub port: u16,
    /// File the handler appends delivery ids to.
    pub handled: PathBuf,
    /// Signing key of the callback URL tokens (fixed across restarts).
    pub key: String,
    /// How the mock API removes hooks.
    pub style: ApiStyle,
    /// Churn or settle.
    pub mode: HostMode,
    /// Polling style, settle mode: settle once every cursor reached this trigger state.
    pub until_state: Option<u64>,
}

/// The spec-less trigger the crash host registers, for `api` in `style`.
pub fn definition(api: &str, style: ApiStyle) -> Result<HttpWebhookDefinition> {
    let api = api.trim_end_matches('/');
    let inputs = match style {
        ApiStyle::Callback => json!({
            "subscribe": {"method": "POST", "uri": format!("{api}/subscribe"),
                          "body": {"callback": "@listCallbackUrl()"}},
            "unsubscribe": {"method": "POST", "uri": format!("{api}/unsubscribe"),
                            "body": {"callback": "@listCallbackUrl()"}},
        }),
        ApiStyle::Location | ApiStyle::Listed | ApiStyle::Polling => json!({
            "subscribe": {"method": "POST", "uri": format!("{api}/hooks"),
                          "body": {"events": ["push"], "config": {"url": "@listCallbackUrl()"}}},
        }),
    };
    let definition =
        HttpWebhookDefinition::from_value(json!({"type": "HttpWebhook", "inputs": inputs}))
            .map_err(|e| Error::Invalid(e.to_string()))?;
    let definition = definition.with_name(TRIGGER_NAME);
    Ok(match style {
        ApiStyle::Listed => definition.with_list_route(HookListRoute {
            method: "GET".into(),
            path: format!("{api}/hooks"),
            callback_from: "/config/url".into(),
            url_from: Some("/url".into()),
            ..HookListRoute::default()
        }),
        ApiStyle::Callback | ApiStyle::Location | ApiStyle::Polling => definition,
    })
}

/// Retries fast, so a test's cycles are short; bounded like the default.
pub fn fast_retry_policy() -> RetryPolicy {
    RetryPolicy::logic_apps_default()
        .with_retries(3)
        .with_base_interval(Duration::from_millis(20))
        .with_min_interval(Duration::from_millis(10))
        .with_max_interval(Duration::from_millis(100))
}

/// Append one line per handled notification. One `write` per line on an `O_APPEND` file, so a
/// SIGKILL never leaves half a line, and lines of concurrent handlers never interleave.
fn log_handled(file: &File, callback: &Callback<Value>) -> std::result::Result<(), HandlerError> {
    let id = callback.header(DELIVERY_HEADER).unwrap_or("-");
    let mut writer = file;
    writer
        .write_all(format!("{id}\n").as_bytes())
        .map_err(HandlerError::new)
}

/// Run the host until killed (churn) or settled.
pub async fn run(args: HostArgs) -> Result<()> {
    if args.style == ApiStyle::Polling {
        return super::polling::run_host(args).await;
    }
    let bind = SocketAddr::from(([127, 0, 0, 1], args.port));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .map_err(|e| Error::Http(e.to_string()))?;
    let mut builder = Host::builder()
        .with_bind(bind)
        .with_signing_key(args.key.as_bytes().to_vec())
        .with_retry_policy(fast_retry_policy())
        .with_http_client(client)
        .with_sweep_interval(Duration::from_millis(100));
    builder = match &args.store {
        HostStore::Sqlite(path) => builder.with_sqlite(path),
        HostStore::Postgres(url) => builder.with_postgres(url.clone()),
    };
    if let Some(id) = &args.instance_id {
        builder = builder.with_instance_id(id.clone());
    }
    if let Some(url) = &args.public_url {
        builder = builder.with_public_url(url.clone());
    }
    let host = builder.build().await?;
    let handled = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&args.handled)
        .map_err(|e| Error::io(format!("open {}", args.handled.display()), e))?;
    let handled = Arc::new(handled);
    let trigger = definition(&args.api, args.style)?;
    let options = TriggerOptions::default()
        .with_concurrency(8)
        .with_retry_backoff(Duration::from_millis(10));
    host.register_with(&trigger, trigger.connection(), options, move |callback| {
        let handled = handled.clone();
        async move { log_handled(&handled, &callback) }
    })?;
    let report = host.resume().await?;
    println!(
        "READY {}",
        json!({
            "active": report.active,
            "orphaned": report.orphaned.len(),
            "unsubscribes_retried": report.unsubscribes_retried,
            "redelivered": report.redelivered,
        })
    );
    match args.mode {
        HostMode::Churn { target } => churn(host, trigger, target).await,
        HostMode::Settle { timeout } => settle(host, timeout).await,
    }
}

async fn churn(host: Host, trigger: HttpWebhookDefinition, target: usize) -> Result<()> {
    let live: Vec<SubscriptionId> = host
        .subscriptions()
        .await?
        .into_iter()
        .filter(|r| r.state == SubscriptionState::Active && r.intent == Intent::Enabled)
        .map(|r| r.id)
        .collect();
    let live = Arc::new(Mutex::new(live));
    let trigger = Arc::new(trigger);
    // Two workers, so enables and disables overlap as they do in a real deployment.
    for _ in 0..2 {
        let host = host.clone();
        let live = live.clone();
        let trigger = trigger.clone();
        tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::from_entropy();
            loop {
                let victim = {
                    let mut ids = live.lock().unwrap_or_else(|p| p.into_inner());
                    if ids.len() >= target.max(1) || (!ids.is_empty() && rng.gen_bool(0.4)) {
                        let index = rng.gen_range(0..ids.len());
                        Some(ids.swap_remove(index))
                    } else {
                        None
                    }
                };
                match victim {
                    Some(id) => {
                        if let Err(error) = host.disable(&id).await {
                            eprintln!("disable {id}: {error}");
                        }
                    }
                    None => match host.enable(trigger.as_ref()).await {
                        Ok(id) => live.lock().unwrap_or_else(|p| p.into_inner()).push(id),
                        Err(error) => eprintln!("enable: {error}"),
                    },
                }
                let pause = rng.gen_range(0..10);
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
        });
    }
    std::future::pending::<()>().await;
    Ok(())
}

/// Pending inbox rows that have not moved for this long, with every subscription settled,
/// are stranded: nothing in the runtime will hand them to the handler any more.
const STRANDED_AFTER: Duration = Duration::from_secs(5);

/// The first 100 pending rows with their subscription's state, for the record.
async fn pending_rows(host: &Host, records: &[SubscriptionRecord]) -> Result<Vec<Value>> {
    Ok(host
        .store()
        .pending_deliveries(0, 100)
        .await?
        .into_iter()
        .map(|row| {
            let subscription = records.iter().find(|r| r.id == row.subscription);
            json!({
                "row": row.id,
                "delivery": row.delivery_id,
                "attempts": row.attempts,
                "subscription": row.subscription.to_string(),
                "state": subscription.map(|r| r.state.as_str()),
                "intent": subscription.map(|r| format!("{:?}", r.intent)),
            })
        })
        .collect())
}

async fn settle(host: Host, timeout: Duration) -> Result<()> {
    let started = Instant::now();
    // Pending rows, and since when that count has not changed.
    let mut last_pending = (usize::MAX, Instant::now());
    loop {
        let records = host.subscriptions().await?;
        let unsettled = records
            .iter()
            .filter(|r| match r.state {
                SubscriptionState::Subscribing | SubscriptionState::Unsubscribing => true,
                SubscriptionState::Active => r.intent != Intent::Enabled,
                SubscriptionState::Gone | SubscriptionState::Failed => false,
            })
            .count();
        let pending = host.store().pending_deliveries(0, 100_000).await?.len();
        if pending != last_pending.0 {
            last_pending = (pending, Instant::now());
        }
        // Rows that stay pending are not waited for forever: they are reported (and the
        // harness counts their accepted notifications as lost).
        let stranded = pending > 0 && last_pending.1.elapsed() >= STRANDED_AFTER;
        if unsettled == 0 && (pending == 0 || stranded) {
            let active = records
                .iter()
                .filter(|r| r.state == SubscriptionState::Active)
                .count();
            let rows = if stranded {
                pending_rows(&host, &records).await?
            } else {
                Vec::new()
            };
            println!(
                "SETTLED {}",
                json!({"subscriptions": records.len(), "active": active,
                       "stranded": pending, "stranded_rows": rows,
                       "settle_ms": started.elapsed().as_millis() as u64})
            );
            host.shutdown().await;
            return Ok(());
        }
        if started.elapsed() > timeout {
            let rows = pending_rows(&host, &records).await?;
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                .unwrap_or(0);
            let stuck: Vec<Value> = records
                .iter()
                .filter(|r| match r.state {
                    SubscriptionState::Subscribing | SubscriptionState::Unsubscribing => true,
                    SubscriptionState::Active => r.intent != Intent::Enabled,
                    SubscriptionState::Gone | SubscriptionState::Failed => false,
                })
                .take(20)
                .map(|r| {
                    json!({
                        "subscription": r.id.to_string(),
                        "state": r.state.as_str(),
                        "intent": format!("{:?}", r.intent),
                        "location": r.location,
                        "unsubscribe_known": r.unsubscribe.is_some(),
                        "lookup_known": r.lookup.is_some(),
                        "subscribe_status": r.subscribe_status,
                        "last_error": r.last_error,
                        "unchanged_ms": now_ms.saturating_sub(r.updated_ms),
                    })
                })
                .collect();
            println!(
                "UNSETTLED {}",
                json!({"unsettled": unsettled, "unsettled_records": stuck,
                       "pending_deliveries": pending, "pending_rows": rows})
            );
            host.shutdown().await;
            return Err(Error::Child(format!(
                "not settled after {timeout:?}: {unsettled} subscriptions, {pending} deliveries"
            )));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
