//! Durable state: each subscription's state machine and the inbox of received callbacks.
//!
//! [`Store`] is the seam for other backends (a PostgreSQL store for several replicas can
//! implement it); [`SqliteStore`] is the embedded default.

#[cfg(feature = "postgres")]
mod postgres;
mod rows;
mod sqlite;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

#[cfg(feature = "postgres")]
pub use postgres::{
    redact_database_url, PostgresOptions, PostgresStore, SCHEMA_VERSION as POSTGRES_SCHEMA_VERSION,
};
pub use sqlite::{Durability, SqliteStore};

use crate::trigger::HookListRoute;
use crate::{RequestSpec, SubscriptionId, UnsubscribeRoute};

/// Result alias of store operations.
pub type StoreResult<T> = std::result::Result<T, StoreError>;

/// A store failure.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The database reported an error.
    #[error("store: {0}")]
    Database(String),
    /// A stored row cannot be read back (e.g. an unknown state name).
    #[error("store: corrupt row: {0}")]
    Corrupt(String),
    /// The store's worker is gone (the host is shutting down).
    #[error("store: closed")]
    Closed,
    /// The database cannot be reached right now (connection refused or lost, server shutting
    /// down, pool exhausted). Worth retrying later; callbacks are answered 503.
    #[error("store: database unavailable: {0}")]
    Unavailable(String),
    /// The database cannot be opened at all at start (wrong URL, unreachable host, refused
    /// credentials). `url` is the address given, without its password.
    #[error("store: cannot connect to {url}: {reason}")]
    Connect {
        /// The database URL, password removed.
        url: String,
        /// Why.
        reason: String,
    },
    /// The database was migrated by a newer binary: this one refuses to touch it.
    #[error(
        "store: the database schema is version {found}, newer than this binary's {supported}; \
         upgrade the binary"
    )]
    SchemaTooNew {
        /// The version recorded in the database.
        found: i64,
        /// The newest version this binary knows.
        supported: i64,
    },
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError::Database(error.to_string())
    }
}

/// Where a subscription stands with the third-party API.
///
/// `subscribing → active → unsubscribing → gone`, or `failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionState {
    /// The subscribe request is (or was, before a crash) in flight; its answer is not recorded.
    Subscribing,
    /// The API accepted the subscription.
    Active,
    /// The unsubscribe request is pending or being retried.
    Unsubscribing,
    /// The API no longer holds the subscription (or never will be asked to drop an unmanaged one).
    Gone,
    /// Subscribe failed, or its outcome could not be known.
    Failed,
}

impl SubscriptionState {
    /// Stable text form used in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionState::Subscribing => "subscribing",
            SubscriptionState::Active => "active",
            SubscriptionState::Unsubscribing => "unsubscribing",
            SubscriptionState::Gone => "gone",
            SubscriptionState::Failed => "failed",
        }
    }

    /// `gone` or `failed`: nothing more will happen to it.
    pub fn is_terminal(self) -> bool {
        matches!(self, SubscriptionState::Gone | SubscriptionState::Failed)
    }

    /// Parse the text form.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "subscribing" => SubscriptionState::Subscribing,
            "active" => SubscriptionState::Active,
            "unsubscribing" => SubscriptionState::Unsubscribing,
            "gone" => SubscriptionState::Gone,
            "failed" => SubscriptionState::Failed,
            _ => return None,
        })
    }
}

impl std::fmt::Display for SubscriptionState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the user wants for a subscription (the state says what the API has).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Receive callbacks.
    Enabled,
    /// Stopped by `disable`; callbacks get 410.
    Disabled,
    /// Removed by `delete` (or a finished action wait); callbacks get 410.
    Deleted,
}

impl Intent {
    /// Stable text form used in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Enabled => "enabled",
            Intent::Disabled => "disabled",
            Intent::Deleted => "deleted",
        }
    }

    /// Parse the text form.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "enabled" => Intent::Enabled,
            "disabled" => Intent::Disabled,
            "deleted" => Intent::Deleted,
            _ => return None,
        })
    }
}

/// Whether a subscription feeds a trigger handler or one webhook action wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionKind {
    /// Every callback runs the registered handler.
    Trigger,
    /// The first callback completes a `wait_for_callback`.
    Action,
}

impl SubscriptionKind {
    /// Stable text form used in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionKind::Trigger => "trigger",
            SubscriptionKind::Action => "action",
        }
    }

    /// Parse the text form.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "trigger" => SubscriptionKind::Trigger,
            "action" => SubscriptionKind::Action,
            _ => return None,
        })
    }
}

/// One subscription as stored. Holds no secrets: the auth for unsubscribing comes from the
/// connection registered under [`SubscriptionRecord::trigger`].
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionRecord {
    /// Primary key; also the callback URL's last segment.
    pub id: SubscriptionId,
    /// Name of the registered trigger (or action) this subscription belongs to.
    pub trigger: String,
    /// Trigger or action.
    pub kind: SubscriptionKind,
    /// Where it stands with the API.
    pub state: SubscriptionState,
    /// What the user wants.
    pub intent: Intent,
    /// The `Location` header of the subscribe answer, resolved to an absolute URL.
    pub location: Option<String>,
    /// The request that removes the subscription, computed at subscribe time (before the request
    /// when it does not depend on the answer, so an orphan can be cleaned up after a crash).
    /// `None` once subscribed means unmanaged: the API gave no way to unsubscribe.
    pub unsubscribe: Option<RequestSpec>,
    /// How to find the hook at the API by its callback URL when [`Self::unsubscribe`] is not
    /// known (the subscribe answer was lost, or gave no way to unsubscribe). Stored before the
    /// subscribe request is sent.
    pub lookup: Option<HookLookup>,
    /// HTTP status of the subscribe answer.
    pub subscribe_status: Option<u16>,
    /// Body of the subscribe answer.
    pub subscribe_body: Option<String>,
    /// Actions: when the wait times out (ms since the Unix epoch).
    pub deadline_ms: Option<i64>,
    /// Actions: how the wait ended (`completed`, `cancelled`, `timed_out`); triggers: unused.
    pub outcome: Option<String>,
    /// The last error met (subscribe, unsubscribe, crash recovery).
    pub last_error: Option<String>,
    /// Creation time, ms since the Unix epoch.
    pub created_ms: i64,
    /// Last change, ms since the Unix epoch.
    pub updated_ms: i64,
}

impl SubscriptionRecord {
    /// A new record in state `subscribing`.
    pub fn new(id: SubscriptionId, trigger: &str, kind: SubscriptionKind) -> Self {
        let now = now_ms();
        SubscriptionRecord {
            id,
            trigger: trigger.to_owned(),
            kind,
            state: SubscriptionState::Subscribing,
            intent: Intent::Enabled,
            location: None,
            unsubscribe: None,
            lookup: None,
            subscribe_status: None,
            subscribe_body: None,
            deadline_ms: None,
            outcome: None,
            last_error: None,
            created_ms: now,
            updated_ms: now,
        }
    }
}

/// A trigger's [`HookListRoute`] and [`UnsubscribeRoute`] as stored with a subscription: enough
/// to list the API's hooks, pick the one carrying the subscription's callback URL and remove it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookLookup {
    /// The list request (its path relative to the connection base URL, as the trigger gave it).
    pub list: HookListRoute,
    /// The route that removes one listed hook by its id, if the trigger has one.
    #[serde(default)]
    pub unsubscribe: Option<UnsubscribeRoute>,
}

/// A callback to append to the inbox.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    /// The subscription it arrived on.
    pub subscription: SubscriptionId,
    /// The sender's delivery id (`X-GitHub-Delivery`, `webhook-id`), if any: the dedupe key.
    pub delivery_id: Option<String>,
    /// Request headers as a JSON array of `[name, value]` pairs, lower-case names, in arrival
    /// order. The receive path serialises them once, straight from the request; stores keep
    /// the text as it is and [`StoredDelivery::headers`] is it read back.
    pub headers_json: String,
    /// The raw body, shared with the dispatcher rather than copied.
    pub body: Bytes,
}

impl NewDelivery {
    /// A delivery from header pairs (serialised here) and a body.
    pub fn new(
        subscription: SubscriptionId,
        delivery_id: Option<String>,
        headers: &[(String, String)],
        body: impl Into<Bytes>,
    ) -> Self {
        NewDelivery {
            subscription,
            delivery_id,
            headers_json: headers_to_json(headers),
            body: body.into(),
        }
    }
}

/// Header pairs as the JSON text [`NewDelivery::headers_json`] holds.
pub fn headers_to_json<N, V>(headers: &[(N, V)]) -> String
where
    N: Serialize,
    V: Serialize,
{
    // A slice of string pairs always serialises; the fallback only keeps this total.
    serde_json::to_string(headers).unwrap_or_else(|_| "[]".to_owned())
}

/// A stored inbox row.
#[derive(Debug, Clone)]
pub struct StoredDelivery {
    /// Row id (monotonic).
    pub id: i64,
    /// The subscription it arrived on.
    pub subscription: SubscriptionId,
    /// The sender's delivery id, if any.
    pub delivery_id: Option<String>,
    /// Request headers.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
    /// Handler attempts so far.
    pub attempts: u32,
    /// Processing state.
    pub state: DeliveryState,
}

/// Processing state of an inbox row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    /// Not yet handled successfully.
    Pending,
    /// The handler returned `Ok` (or the action wait took it).
    Done,
    /// The handler kept failing; kept for inspection.
    Failed,
}

/// Result of appending to the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertOutcome {
    /// Stored under this row id.
    Inserted(i64),
    /// A row with the same subscription and delivery id exists: not stored again.
    Duplicate,
}

/// A subscription record changed in the store, announced to every process sharing it
/// ([`Store::subscription_changes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscriptionChange {
    /// This record's state, intent or outcome changed (or it was created).
    Changed(SubscriptionId),
    /// Changes may have been missed (the announcement channel was re-opened or a reader fell
    /// behind): reload every record of interest.
    Unknown,
}

/// Durable storage behind the host.
///
/// Implementations must make every completed call durable before returning (the host answers
/// 202 only after `insert_delivery` returns).
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Insert or replace a subscription record.
    async fn put_subscription(&self, record: &SubscriptionRecord) -> StoreResult<()>;
    /// One subscription record.
    async fn subscription(&self, id: &SubscriptionId) -> StoreResult<Option<SubscriptionRecord>>;
    /// All subscription records, oldest first.
    async fn subscriptions(&self) -> StoreResult<Vec<SubscriptionRecord>>;
    /// Append a callback to the inbox, deduplicated by (subscription, delivery id).
    async fn insert_delivery(&self, delivery: NewDelivery) -> StoreResult<InsertOutcome>;
    /// The handler succeeded for this row.
    async fn mark_delivered(&self, id: i64) -> StoreResult<()>;
    /// The handler succeeded for each of these rows: one durable write for all of them (the
    /// dispatcher coalesces done-marks). Default: [`Store::mark_delivered`] for each.
    async fn mark_delivered_many(&self, ids: &[i64]) -> StoreResult<()> {
        for id in ids {
            self.mark_delivered(*id).await?;
        }
        Ok(())
    }
    /// Count one failed handler attempt; `give_up` marks the row failed for good.
    async fn record_failure(&self, id: i64, error: &str, give_up: bool) -> StoreResult<()>;
    /// Pending rows with id greater than `after`, oldest first, at most `limit`.
    async fn pending_deliveries(
        &self,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<StoredDelivery>>;
    /// All rows of one subscription, oldest first (actions read their result here).
    async fn deliveries_of(&self, id: &SubscriptionId) -> StoreResult<Vec<StoredDelivery>>;
    /// Announcements of subscription records changed by any process sharing the store (this
    /// one included), so caches follow changes made elsewhere. `None` (the default): only
    /// this process writes the store, so there is nothing to hear.
    fn subscription_changes(&self) -> Option<tokio::sync::broadcast::Receiver<SubscriptionChange>> {
        None
    }
    /// Delete up to `limit` handled rows received before `before_ms` (ms since the Unix
    /// epoch); returns how many went. Their delivery ids no longer dedupe. Default: keep all.
    async fn prune_delivered(&self, before_ms: i64, limit: usize) -> StoreResult<usize> {
        let _ = (before_ms, limit);
        Ok(0)
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
