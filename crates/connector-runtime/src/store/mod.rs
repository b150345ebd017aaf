//! Durable state: each subscription's state machine and the inbox of received callbacks.
//!
//! [`Store`] is the seam for other backends (a PostgreSQL store for several replicas can
//! implement it); [`SqliteStore`] is the embedded default.

#[cfg(feature = "testing")]
pub mod conformance;
pub mod history;
mod polling;
#[cfg(feature = "postgres")]
mod postgres;
mod rows;
mod sqlite;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

pub use history::{
    AttemptOperation, AttemptOutcome, AttemptRecord, AuditRecord, Cursor, CursorError,
    DeliveryEntry, DeliveryQuery, ListQuery, Page, RequeueTarget, StoreCounts, SubscriptionEntry,
    SubscriptionQuery,
};
pub use polling::{PollCommit, PollCommitOutcome, PollState};
#[cfg(feature = "postgres")]
pub use postgres::{redact_database_url, PostgresOptions, PostgresStore};
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
    /// The database was migrated by a newer version of the runtime: this binary does not know
    /// its schema and refuses to touch it (run the newer binary, or restore a backup).
    #[error(
        "store: the database has schema version {found}, newer than the {supported} this \
         binary supports"
    )]
    SchemaTooNew {
        /// The version recorded in the database.
        found: u32,
        /// The newest version this binary knows.
        supported: u32,
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

/// How a webhook action wait ended. Set once per wait ([`Store::complete_wait`]): the first of
/// callback, cancel and deadline wins, across every process sharing the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitOutcome {
    /// Its callback arrived (and is stored in the inbox).
    Completed,
    /// The caller cancelled it.
    Cancelled,
    /// The deadline passed first.
    TimedOut,
    /// It never started waiting: the subscribe failed or its outcome is unknown.
    Failed,
}

impl WaitOutcome {
    /// Stable text form used in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            WaitOutcome::Completed => "completed",
            WaitOutcome::Cancelled => "cancelled",
            WaitOutcome::TimedOut => "timed_out",
            WaitOutcome::Failed => "failed",
        }
    }

    /// Parse the text form.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "completed" => WaitOutcome::Completed,
            "cancelled" => WaitOutcome::Cancelled,
            "timed_out" => WaitOutcome::TimedOut,
            "failed" => WaitOutcome::Failed,
            _ => return None,
        })
    }
}

impl std::fmt::Display for WaitOutcome {
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
    /// Actions: how the wait ended; triggers: [`WaitOutcome::Failed`] after a subscribe whose
    /// outcome was unknown, else unused. Once set, [`Store::put_subscription`] keeps it.
    pub outcome: Option<WaitOutcome>,
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
    /// Lease the new row to this owner at once: the receiving process dispatches it itself,
    /// so no other process claims it meanwhile. `None`: claimable by anyone.
    pub lease: Option<Lease>,
}

/// A claim on an inbox row (or a deadline) by one live host process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// Who holds it: the host's instance id (see `HostBuilder::with_instance_id`).
    pub owner: Arc<str>,
    /// How long it holds without renewal, from the moment the store writes it.
    pub duration: Duration,
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
            lease: None,
        }
    }

    /// Lease the row to `lease.owner` as it is stored.
    pub fn with_lease(mut self, lease: Lease) -> Self {
        self.lease = Some(lease);
        self
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Not yet handled successfully.
    Pending,
    /// The handler returned `Ok` (or the action wait took it).
    Done,
    /// The handler kept failing; kept for inspection.
    Failed,
}

impl DeliveryState {
    /// Stable text form used by the admin API.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Done => "done",
            DeliveryState::Failed => "failed",
        }
    }

    /// Parse the text form.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(DeliveryState::Pending),
            "done" => Some(DeliveryState::Done),
            "failed" => Some(DeliveryState::Failed),
            _ => None,
        }
    }
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

/// Durable storage behind the host, shared by every host process (replica) that uses it.
///
/// Implementations must make every completed call durable before returning (the host answers
/// 202 only after `insert_delivery` returns), and each call atomic.
///
/// **Owners and leases.** What one process holds for a while — an inbox row it dispatches, a
/// subscription it changes, a deadline it fires — is a lease: an `owner` (the host's instance
/// id, one live process at a time) and an expiry written by the store (`now + duration`, on the
/// store's clock). A lease held by the *same* owner counts as the caller's own (a process
/// restarted under the same instance id takes its leases back at once); a lease whose expiry
/// passed counts as free (its owner died). No call holds a transaction or row lock beyond
/// its own return, so nothing is locked while a handler or an HTTP request runs.
///
/// `store::conformance` (feature `testing`) checks an implementation against this contract.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Insert or replace a subscription record. An outcome already set (see
    /// [`Store::complete_wait`]) is kept, whatever `record.outcome` says: a stale copy must not
    /// undo another process's decision.
    async fn put_subscription(&self, record: &SubscriptionRecord) -> StoreResult<()>;
    /// One subscription record.
    async fn subscription(&self, id: &SubscriptionId) -> StoreResult<Option<SubscriptionRecord>>;
    /// All subscription records, oldest first.
    async fn subscriptions(&self) -> StoreResult<Vec<SubscriptionRecord>>;
    /// Append a callback to the inbox, deduplicated by (subscription, delivery id); leased to
    /// [`NewDelivery::lease`] when given.
    async fn insert_delivery(&self, delivery: NewDelivery) -> StoreResult<InsertOutcome>;
    /// The handler succeeded for this row; its lease is cleared.
    async fn mark_delivered(&self, id: i64) -> StoreResult<()>;
    /// The handler succeeded for each of these rows: one durable write for all of them (the
    /// dispatcher coalesces done-marks). Default: [`Store::mark_delivered`] for each.
    async fn mark_delivered_many(&self, ids: &[i64]) -> StoreResult<()> {
        for id in ids {
            self.mark_delivered(*id).await?;
        }
        Ok(())
    }
    /// Count one failed handler attempt; `give_up` marks the row failed for good and clears its
    /// lease (otherwise the lease stays: the owner retries).
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
    /// epoch); returns how many went. Their delivery ids no longer dedupe.
    async fn prune_delivered(&self, before_ms: i64, limit: usize) -> StoreResult<usize>;

    /// Delete up to `limit` finished subscriptions (state `gone` or `failed`) last changed
    /// before `before_ms`, with every inbox row, attempt-log row, poll cursor and lock they still
    /// have; returns how many subscriptions went. Their callbacks then get 404 instead of 410.
    async fn prune_finished_subscriptions(
        &self,
        before_ms: i64,
        limit: usize,
    ) -> StoreResult<usize>;

    /// Claim up to `limit` pending inbox rows with id greater than `after`, oldest first, that
    /// no live owner holds: never leased, leased by `owner` itself, or whose lease expired.
    /// Each returned row is leased to `owner` for `lease`. A row taken over from an expired
    /// lease counts one more attempt (its earlier owner may have run the handler before it
    /// died), so redeliveries show in [`StoredDelivery::attempts`]. Page with `after` = the
    /// last id returned.
    async fn claim_deliveries(
        &self,
        owner: &str,
        lease: Duration,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<StoredDelivery>>;

    /// Extend `owner`'s leases on these pending rows to `now + lease` (the live owner's
    /// heartbeat); rows leased by someone else or no longer pending are left alone. Returns
    /// how many were extended.
    async fn renew_deliveries(
        &self,
        owner: &str,
        ids: &[i64],
        lease: Duration,
    ) -> StoreResult<usize>;

    /// Take the cluster-wide lock of subscription `id` (which need not be stored yet) for
    /// `ttl`: `true` when it was free, expired or already `owner`'s (then its expiry moves
    /// to `now + ttl`, so holders renew by calling again); `false` when another live owner
    /// holds it.
    async fn try_lock_subscription(
        &self,
        id: &SubscriptionId,
        owner: &str,
        ttl: Duration,
    ) -> StoreResult<bool>;

    /// Release `owner`'s lock of subscription `id` (no-op when someone else holds it).
    async fn unlock_subscription(&self, id: &SubscriptionId, owner: &str) -> StoreResult<()>;

    /// Set the outcome of wait `id` if none is set yet; `true` when this call set it (won),
    /// `false` when another outcome was there first or there is no such subscription.
    async fn complete_wait(&self, id: &SubscriptionId, outcome: WaitOutcome) -> StoreResult<bool>;

    /// Claim up to `limit` action waits whose deadline is at or before `now_ms` and that have
    /// no outcome, unless another live owner claimed them: each is leased to `owner` for
    /// `lease`, so exactly one process fires it (by [`Store::complete_wait`]); if that process
    /// dies first, another claims it once the lease expires.
    async fn claim_due_deadlines(
        &self,
        now_ms: i64,
        owner: &str,
        lease: Duration,
        limit: usize,
    ) -> StoreResult<Vec<SubscriptionId>>;

    // Run history (see [`history`]): what the admin surface lists and changes.

    /// A page of subscriptions, newest first, with the time of each one's last callback.
    async fn list_subscriptions(
        &self,
        query: &SubscriptionQuery,
    ) -> StoreResult<Page<SubscriptionEntry>>;
    /// A page of inbox rows, newest first.
    async fn list_deliveries(&self, query: &DeliveryQuery) -> StoreResult<Page<DeliveryEntry>>;
    /// One inbox row, its body included when `with_body`.
    async fn delivery(&self, id: i64, with_body: bool) -> StoreResult<Option<DeliveryEntry>>;
    /// Turn failed rows back to pending; returns the rows requeued, for the dispatcher.
    async fn requeue_failed(&self, target: &RequeueTarget) -> StoreResult<Vec<StoredDelivery>>;
    /// Append a subscribe / unsubscribe attempt to the attempt log.
    async fn record_attempt(&self, attempt: &AttemptRecord) -> StoreResult<()>;
    /// A page of the attempt log, newest first; the state filter is the outcome.
    async fn list_attempts(
        &self,
        query: &ListQuery<AttemptOutcome>,
    ) -> StoreResult<Page<AttemptRecord>>;
    /// Append an admin action to the audit log.
    async fn record_audit(&self, entry: &AuditRecord) -> StoreResult<()>;
    /// A page of the audit log, newest first; the state filter is the action name.
    async fn list_audit(&self, query: &ListQuery<String>) -> StoreResult<Page<AuditRecord>>;
    /// Pending and failed inbox rows and subscriptions per state (for metrics).
    async fn counts(&self) -> StoreResult<StoreCounts>;
    // Polling triggers (see `polling.rs`): one cursor per polling subscription.

    /// Insert or replace a polling subscription's cursor.
    async fn put_poll_state(&self, state: &PollState) -> StoreResult<()>;
    /// One cursor.
    async fn poll_state(&self, id: &SubscriptionId) -> StoreResult<Option<PollState>>;
    /// Every cursor (resume).
    async fn poll_states(&self) -> StoreResult<Vec<PollState>>;
    /// Take (or extend) the poll lease for `owner` until `until_ms` when it is free, expired
    /// at `now_ms`, or already `owner`'s; returns the cursor as stored when taken, `None` when
    /// another holder's lease is live (or there is no cursor).
    async fn claim_poll_lease(
        &self,
        id: &SubscriptionId,
        owner: &str,
        now_ms: i64,
        until_ms: i64,
    ) -> StoreResult<Option<PollState>>;
    /// Store a poll's items in the inbox (deduplicated and leased like
    /// [`Store::insert_delivery`]) and advance the cursor, in one transaction, only if the
    /// stored version is `commit.expected_version` and `commit.owner` holds the poll lease;
    /// otherwise store nothing and answer [`PollCommitOutcome::Stale`].
    async fn commit_poll(&self, commit: PollCommit) -> StoreResult<PollCommitOutcome>;
    /// Remove a cursor (disable, delete): a poll in flight then commits nothing.
    async fn delete_poll_state(&self, id: &SubscriptionId) -> StoreResult<()>;
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
