//! The embedded SQLite store.
//!
//! rusqlite is synchronous, so one dedicated thread owns the connection. Every call becomes a
//! job on a channel; the thread takes all jobs waiting at that moment and runs them in one
//! transaction (group commit). Under load many inbox inserts share one commit — and one fsync —
//! which is what makes thousands of durable writes per second possible, while a lone call still
//! commits immediately.

mod history;
mod polling;

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Row};
use tokio::sync::oneshot;

use super::history::{
    AttemptOutcome, AttemptRecord, AuditRecord, DeliveryEntry, DeliveryQuery, ListQuery, Page,
    RequeueTarget, StoreCounts, SubscriptionEntry, SubscriptionQuery,
};
use super::rows::{corrupt, encode_json, validate_delivery, RawDelivery, RawSubscription};
use super::{
    InsertOutcome, NewDelivery, PollCommit, PollCommitOutcome, PollState, StoreError, StoreResult,
    StoredDelivery, SubscriptionRecord, WaitOutcome,
};
use crate::SubscriptionId;

/// Most jobs one transaction takes, so a flood cannot starve the commit.
const MAX_BATCH: usize = 1024;

/// How hard commits are pushed to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous=FULL`: a commit survives power loss (one fsync per group commit).
    #[default]
    Full,
    /// `synchronous=NORMAL`: a commit survives a process crash; the last commits may be lost
    /// on power loss. Faster on slow disks.
    Normal,
}

/// Runs against the connection inside the batch transaction; returns what to do once the
/// commit's outcome is known.
type Completion = Box<dyn FnOnce(StoreResult<()>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> Completion + Send>;

/// SQLite store (WAL mode) behind a dedicated writer thread with group commit.
pub struct SqliteStore {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

/// Version 1: the schema from before versioning (the `lookup` column included; files made
/// before it get the column in [`migrate_to_1`]).
const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS subscriptions (
    id TEXT PRIMARY KEY,
    trigger TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    intent TEXT NOT NULL,
    location TEXT,
    unsubscribe TEXT,
    lookup TEXT,
    subscribe_status INTEGER,
    subscribe_body TEXT,
    deadline_ms INTEGER,
    outcome TEXT,
    last_error TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS inbox (
    id INTEGER PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    delivery_id TEXT,
    received_ms INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    state INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS inbox_dedupe ON inbox(subscription_id, delivery_id);
CREATE INDEX IF NOT EXISTS inbox_pending ON inbox(id) WHERE state = 0;
";

/// Version 2: what several processes share moves into the store — inbox leases, subscription
/// locks and deadline claims.
const SCHEMA_V2: &str = "
ALTER TABLE inbox ADD COLUMN lease_owner TEXT;
ALTER TABLE inbox ADD COLUMN lease_until_ms INTEGER;
ALTER TABLE subscriptions ADD COLUMN deadline_owner TEXT;
ALTER TABLE subscriptions ADD COLUMN deadline_until_ms INTEGER;
CREATE TABLE subscription_locks (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    until_ms INTEGER NOT NULL
);
CREATE INDEX subscriptions_due ON subscriptions(deadline_ms)
    WHERE outcome IS NULL AND kind = 'action';
CREATE INDEX subscriptions_finished ON subscriptions(updated_ms)
    WHERE state IN ('gone', 'failed');
";

/// The newest schema version this binary knows. Migrations are numbered 1..=this; version 3
/// adds the run history (attempt and audit logs, trigger column), version 4 polling triggers'
/// cursors ([`polling::SCHEMA`]), version 5 the request after a chunked poll's pages
/// ([`polling::MIGRATION_5`]).
const SCHEMA_VERSION: u32 = 5;

impl SqliteStore {
    /// The newest schema version this binary knows (recorded in the `schema_version` table);
    /// a database with a newer one is refused with [`StoreError::SchemaTooNew`].
    pub const SCHEMA_VERSION: u32 = SCHEMA_VERSION;

    /// Open (or create) the database file at `path`, with [`Durability::Full`].
    pub fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        Self::open_with(path, Durability::Full)
    }

    /// Open (or create) the database file at `path` with the given durability.
    pub fn open_with(path: impl AsRef<Path>, durability: Durability) -> StoreResult<Self> {
        let conn = Connection::open(path.as_ref())?;
        Self::start(conn, durability)
    }

    /// A private in-memory database, for tests.
    pub fn in_memory() -> StoreResult<Self> {
        Self::start(Connection::open_in_memory()?, Durability::Normal)
    }

    fn start(conn: Connection, durability: Durability) -> StoreResult<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // `journal_mode` answers with a row, so it is queried rather than executed.
        let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
        let sync = match durability {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        };
        conn.execute_batch(&format!("PRAGMA synchronous={sync};"))?;
        migrate(&conn)?;
        let (jobs, receiver) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("connector-runtime-sqlite".into())
            .spawn(move || writer_loop(conn, receiver))
            .map_err(|e| StoreError::Database(format!("cannot start the store thread: {e}")))?;
        Ok(SqliteStore { jobs })
    }

    /// Run `work` on the writer thread inside the next group commit; the result is returned
    /// once the commit succeeded.
    async fn call<R, F>(&self, work: F) -> StoreResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<R> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let outcome = work(conn);
            Box::new(move |commit: StoreResult<()>| {
                let result = match (outcome, commit) {
                    (Err(e), _) => Err(e),
                    (Ok(_), Err(e)) => Err(e),
                    (Ok(value), Ok(())) => Ok(value),
                };
                // The caller may have gone away (cancelled request); nothing to do then.
                let _ = reply.send(result);
            })
        });
        self.jobs.send(job).map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }
}

fn writer_loop(conn: Connection, receiver: mpsc::Receiver<Job>) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // Cached statements: parsing `BEGIN`/`COMMIT` anew for every group costs more than
        // a small group's inserts.
        let begun = run_cached(&conn, "BEGIN IMMEDIATE");
        if let Err(error) = begun {
            tracing::error!(%error, "store: cannot begin a transaction");
            // Run nothing; every caller learns the error.
            for job in batch {
                drop(job);
            }
            continue;
        }
        let completions: Vec<Completion> = batch.into_iter().map(|job| job(&conn)).collect();
        let committed = run_cached(&conn, "COMMIT");
        if committed.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for complete in completions {
            complete(committed.clone());
        }
    }
}

/// Bring the database to [`SCHEMA_VERSION`] in one transaction: apply each numbered migration
/// past the recorded version, or refuse a database a newer binary migrated. A file from
/// before versioning (no `schema_version` table) is version 0.
fn migrate(conn: &Connection) -> StoreResult<()> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let migrated = apply_migrations(conn);
    match migrated {
        Ok(()) => conn.execute_batch("COMMIT")?,
        Err(_) => {
            let _ = conn.execute_batch("ROLLBACK");
        }
    }
    migrated
}

fn apply_migrations(conn: &Connection) -> StoreResult<()> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);")?;
    let found: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_version",
        [],
        |row| row.get(0),
    )?;
    let found = u32::try_from(found).map_err(|_| corrupt(format!("schema version {found}")))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found < 1 {
        migrate_to_1(conn)?;
    }
    if found < 2 {
        conn.execute_batch(SCHEMA_V2)?;
    }
    if found < 3 {
        history::migrate_to_3(conn)?;
    }
    if found < 4 {
        conn.execute_batch(polling::SCHEMA)?;
    }
    if found < 5 {
        conn.execute_batch(polling::MIGRATION_5)?;
    }
    if found < SCHEMA_VERSION {
        conn.execute("DELETE FROM schema_version", [])?;
        conn.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            [SCHEMA_VERSION],
        )?;
    }
    Ok(())
}

/// Version 1: create the tables, or bring a file from before versioning up to them (the
/// `lookup` column was added then without a version).
fn migrate_to_1(conn: &Connection) -> StoreResult<()> {
    conn.execute_batch(SCHEMA_V1)?;
    let has_lookup: bool = conn.query_row(
        "SELECT COUNT(*) FROM pragma_table_info('subscriptions') WHERE name = 'lookup'",
        [],
        |row| row.get::<_, i64>(0).map(|n| n > 0),
    )?;
    if !has_lookup {
        conn.execute_batch("ALTER TABLE subscriptions ADD COLUMN lookup TEXT;")?;
    }
    Ok(())
}

/// Run a statement without parameters or rows through the statement cache.
fn run_cached(conn: &Connection, sql: &str) -> StoreResult<()> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}

/// `now` plus `duration`, in ms since the Unix epoch.
fn until(now: i64, duration: Duration) -> i64 {
    now.saturating_add(i64::try_from(duration.as_millis()).unwrap_or(i64::MAX))
}

fn read_subscription(row: &Row<'_>) -> rusqlite::Result<RawSubscription> {
    Ok(RawSubscription {
        id: row.get(0)?,
        trigger: row.get(1)?,
        kind: row.get(2)?,
        state: row.get(3)?,
        intent: row.get(4)?,
        location: row.get(5)?,
        unsubscribe: row.get(6)?,
        subscribe_status: row.get(7)?,
        subscribe_body: row.get(8)?,
        deadline_ms: row.get(9)?,
        outcome: row.get(10)?,
        last_error: row.get(11)?,
        created_ms: row.get(12)?,
        updated_ms: row.get(13)?,
        lookup: row.get(14)?,
    })
}

const SUBSCRIPTION_COLUMNS: &str = "id, trigger, kind, state, intent, location, unsubscribe, \
    subscribe_status, subscribe_body, deadline_ms, outcome, last_error, created_ms, updated_ms, lookup";

const DELIVERY_COLUMNS: &str = "id, subscription_id, delivery_id, headers, body, attempts, state";

fn read_delivery(row: &Row<'_>) -> rusqlite::Result<RawDelivery> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
    ))
}

/// Append one inbox row (leased when the delivery asks), deduplicated by (subscription,
/// delivery id); `None` for a duplicate. Shared by callbacks and polls.
pub(super) fn insert_inbox_row(
    conn: &Connection,
    delivery: &NewDelivery,
    now: i64,
) -> StoreResult<Option<i64>> {
    let (lease_owner, lease_until) = match &delivery.lease {
        Some(lease) => (Some(&*lease.owner), Some(until(now, lease.duration))),
        None => (None, None),
    };
    let changed = conn
        .prepare_cached(
            // The trigger is copied from the subscription so history filters by trigger need
            // no join (one primary-key probe per insert). Receive times never go below the
            // newest row's (one probe of the last rowid), so they grow with the id even if the
            // clock steps back, and a time range is an id range (see `history::id_bounds`).
            "INSERT INTO inbox (subscription_id, delivery_id, received_ms, headers, body, \
             lease_owner, lease_until_ms, trigger) VALUES (?1, ?2, \
             MAX(?3, IFNULL((SELECT received_ms FROM inbox ORDER BY id DESC LIMIT 1), 0)), \
             ?4, ?5, ?6, ?7, (SELECT trigger FROM subscriptions WHERE id = ?1)) \
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            delivery.subscription.as_str(),
            delivery.delivery_id,
            now,
            delivery.headers_json,
            &delivery.body[..],
            lease_owner,
            lease_until,
        ])?;
    Ok((changed > 0).then(|| conn.last_insert_rowid()))
}

#[async_trait::async_trait]
impl super::Store for SqliteStore {
    async fn put_subscription(&self, record: &SubscriptionRecord) -> StoreResult<()> {
        let record = record.clone();
        let unsubscribe = encode_json(record.unsubscribe.as_ref())?;
        let lookup = encode_json(record.lookup.as_ref())?;
        self.call(move |conn| {
            // An upsert rather than a replace: the lease columns stay, and an outcome already
            // set stays (another process may have decided it since this record was read).
            conn.prepare_cached(&format!(
                "INSERT INTO subscriptions ({SUBSCRIPTION_COLUMNS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) \
                 ON CONFLICT (id) DO UPDATE SET trigger = excluded.trigger, \
                 kind = excluded.kind, state = excluded.state, intent = excluded.intent, \
                 location = excluded.location, unsubscribe = excluded.unsubscribe, \
                 subscribe_status = excluded.subscribe_status, \
                 subscribe_body = excluded.subscribe_body, deadline_ms = excluded.deadline_ms, \
                 outcome = COALESCE(subscriptions.outcome, excluded.outcome), \
                 last_error = excluded.last_error, created_ms = excluded.created_ms, \
                 updated_ms = excluded.updated_ms, lookup = excluded.lookup"
            ))?
            .execute(params![
                record.id.as_str(),
                record.trigger,
                record.kind.as_str(),
                record.state.as_str(),
                record.intent.as_str(),
                record.location,
                unsubscribe,
                record.subscribe_status.map(i64::from),
                record.subscribe_body,
                record.deadline_ms,
                record.outcome.map(WaitOutcome::as_str),
                record.last_error,
                record.created_ms,
                record.updated_ms,
                lookup,
            ])?;
            Ok(())
        })
        .await
    }

    async fn subscription(&self, id: &SubscriptionId) -> StoreResult<Option<SubscriptionRecord>> {
        let id = id.clone();
        self.call(move |conn| {
            let raw = conn
                .prepare_cached(&format!(
                    "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = ?1"
                ))?
                .query_row([id.as_str()], read_subscription)
                .optional()?;
            raw.map(RawSubscription::validate).transpose()
        })
        .await
    }

    async fn subscriptions(&self) -> StoreResult<Vec<SubscriptionRecord>> {
        self.call(|conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions ORDER BY created_ms, id"
            ))?;
            let rows = statement.query_map([], read_subscription)?;
            let mut records = Vec::new();
            for row in rows {
                records.push(row?.validate()?);
            }
            Ok(records)
        })
        .await
    }

    async fn insert_delivery(&self, delivery: NewDelivery) -> StoreResult<InsertOutcome> {
        self.call(move |conn| {
            Ok(match insert_inbox_row(conn, &delivery, super::now_ms())? {
                Some(id) => InsertOutcome::Inserted(id),
                None => InsertOutcome::Duplicate,
            })
        })
        .await
    }

    async fn mark_delivered(&self, id: i64) -> StoreResult<()> {
        self.call(move |conn| {
            conn.prepare_cached(
                "UPDATE inbox SET state = 1, attempts = attempts + 1, lease_owner = NULL, \
                 lease_until_ms = NULL WHERE id = ?1",
            )?
            .execute([id])?;
            Ok(())
        })
        .await
    }

    async fn mark_delivered_many(&self, ids: &[i64]) -> StoreResult<()> {
        let ids = ids.to_vec();
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(
                "UPDATE inbox SET state = 1, attempts = attempts + 1, lease_owner = NULL, \
                 lease_until_ms = NULL WHERE id = ?1",
            )?;
            for id in ids {
                statement.execute([id])?;
            }
            Ok(())
        })
        .await
    }

    async fn record_failure(&self, id: i64, error: &str, give_up: bool) -> StoreResult<()> {
        let error = error.to_owned();
        self.call(move |conn| {
            conn.prepare_cached(
                "UPDATE inbox SET attempts = attempts + 1, last_error = ?2, \
                 state = CASE WHEN ?3 THEN 2 ELSE state END, \
                 lease_owner = CASE WHEN ?3 THEN NULL ELSE lease_owner END, \
                 lease_until_ms = CASE WHEN ?3 THEN NULL ELSE lease_until_ms END WHERE id = ?1",
            )?
            .execute(params![id, error, give_up])?;
            Ok(())
        })
        .await
    }

    async fn pending_deliveries(
        &self,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<StoredDelivery>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {DELIVERY_COLUMNS} FROM inbox WHERE state = 0 AND id > ?1 ORDER BY id LIMIT ?2"
            ))?;
            let rows = statement.query_map(params![after, limit], read_delivery)?;
            let mut out = Vec::new();
            for row in rows {
                out.push(validate_delivery(row?)?);
            }
            Ok(out)
        })
        .await
    }

    async fn prune_delivered(&self, before_ms: i64, limit: usize) -> StoreResult<usize> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.call(move |conn| {
            // Rows are appended in time order, so the oldest handled rows sit at the lowest
            // ids: the scan stops early instead of walking the whole table.
            let deleted = conn
                .prepare_cached(
                    "DELETE FROM inbox WHERE id IN (SELECT id FROM inbox \
                     WHERE state = 1 AND received_ms < ?1 ORDER BY id LIMIT ?2)",
                )?
                .execute(params![before_ms, limit])?;
            Ok(deleted)
        })
        .await
    }

    async fn list_subscriptions(
        &self,
        query: &SubscriptionQuery,
    ) -> StoreResult<Page<SubscriptionEntry>> {
        self.history_list_subscriptions(query).await
    }

    async fn list_deliveries(&self, query: &DeliveryQuery) -> StoreResult<Page<DeliveryEntry>> {
        self.history_list_deliveries(query).await
    }

    async fn delivery(&self, id: i64, with_body: bool) -> StoreResult<Option<DeliveryEntry>> {
        self.history_delivery(id, with_body).await
    }

    async fn requeue_failed(&self, target: &RequeueTarget) -> StoreResult<Vec<StoredDelivery>> {
        self.history_requeue_failed(target).await
    }

    async fn record_attempt(&self, attempt: &AttemptRecord) -> StoreResult<()> {
        self.history_record_attempt(attempt).await
    }

    async fn list_attempts(
        &self,
        query: &ListQuery<AttemptOutcome>,
    ) -> StoreResult<Page<AttemptRecord>> {
        self.history_list_attempts(query).await
    }

    async fn record_audit(&self, entry: &AuditRecord) -> StoreResult<()> {
        self.history_record_audit(entry).await
    }

    async fn list_audit(&self, query: &ListQuery<String>) -> StoreResult<Page<AuditRecord>> {
        self.history_list_audit(query).await
    }

    async fn counts(&self) -> StoreResult<StoreCounts> {
        self.history_counts().await
    }

    async fn prune_finished_subscriptions(
        &self,
        before_ms: i64,
        limit: usize,
    ) -> StoreResult<usize> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.call(move |conn| {
            let ids: Vec<String> = conn
                .prepare_cached(
                    "SELECT id FROM subscriptions WHERE state IN ('gone', 'failed') \
                     AND updated_ms < ?1 ORDER BY updated_ms LIMIT ?2",
                )?
                .query_map(params![before_ms, limit], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in &ids {
                conn.prepare_cached("DELETE FROM inbox WHERE subscription_id = ?1")?
                    .execute([id])?;
                conn.prepare_cached("DELETE FROM subscription_locks WHERE id = ?1")?
                    .execute([id])?;
                conn.prepare_cached("DELETE FROM attempts WHERE subscription_id = ?1")?
                    .execute([id])?;
                conn.prepare_cached("DELETE FROM poll_state WHERE subscription_id = ?1")?
                    .execute([id])?;
                conn.prepare_cached("DELETE FROM subscriptions WHERE id = ?1")?
                    .execute([id])?;
            }
            Ok(ids.len())
        })
        .await
    }

    async fn claim_deliveries(
        &self,
        owner: &str,
        lease: Duration,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<StoredDelivery>> {
        let owner = owner.to_owned();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.call(move |conn| {
            let now = super::now_ms();
            let mut statement = conn.prepare_cached(&format!(
                "UPDATE inbox SET \
                 attempts = attempts + (lease_owner IS NOT NULL AND lease_until_ms <= ?3), \
                 lease_owner = ?1, lease_until_ms = ?4 \
                 WHERE id IN (SELECT id FROM inbox WHERE state = 0 AND id > ?2 \
                   AND (lease_owner IS NULL OR lease_owner = ?1 OR lease_until_ms <= ?3) \
                   ORDER BY id LIMIT ?5) \
                 RETURNING {DELIVERY_COLUMNS}"
            ))?;
            let rows = statement.query_map(
                params![owner, after, now, until(now, lease), limit],
                read_delivery,
            )?;
            let mut out = Vec::new();
            for row in rows {
                out.push(validate_delivery(row?)?);
            }
            out.sort_by_key(|row| row.id);
            Ok(out)
        })
        .await
    }

    async fn renew_deliveries(
        &self,
        owner: &str,
        ids: &[i64],
        lease: Duration,
    ) -> StoreResult<usize> {
        let owner = owner.to_owned();
        let ids = ids.to_vec();
        self.call(move |conn| {
            let lease_until = until(super::now_ms(), lease);
            let mut statement = conn.prepare_cached(
                "UPDATE inbox SET lease_until_ms = ?1 \
                 WHERE id = ?2 AND lease_owner = ?3 AND state = 0",
            )?;
            let mut renewed = 0;
            for id in ids {
                renewed += statement.execute(params![lease_until, id, owner])?;
            }
            Ok(renewed)
        })
        .await
    }

    async fn try_lock_subscription(
        &self,
        id: &SubscriptionId,
        owner: &str,
        ttl: Duration,
    ) -> StoreResult<bool> {
        let id = id.clone();
        let owner = owner.to_owned();
        self.call(move |conn| {
            let now = super::now_ms();
            let changed = conn
                .prepare_cached(
                    "INSERT INTO subscription_locks (id, owner, until_ms) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, \
                     until_ms = excluded.until_ms \
                     WHERE subscription_locks.owner = excluded.owner \
                     OR subscription_locks.until_ms <= ?4",
                )?
                .execute(params![id.as_str(), owner, until(now, ttl), now])?;
            Ok(changed > 0)
        })
        .await
    }

    async fn unlock_subscription(&self, id: &SubscriptionId, owner: &str) -> StoreResult<()> {
        let id = id.clone();
        let owner = owner.to_owned();
        self.call(move |conn| {
            conn.prepare_cached("DELETE FROM subscription_locks WHERE id = ?1 AND owner = ?2")?
                .execute(params![id.as_str(), owner])?;
            Ok(())
        })
        .await
    }

    async fn complete_wait(&self, id: &SubscriptionId, outcome: WaitOutcome) -> StoreResult<bool> {
        let id = id.clone();
        self.call(move |conn| {
            let changed = conn
                .prepare_cached(
                    "UPDATE subscriptions SET outcome = ?2, updated_ms = ?3 \
                     WHERE id = ?1 AND outcome IS NULL",
                )?
                .execute(params![id.as_str(), outcome.as_str(), super::now_ms()])?;
            Ok(changed > 0)
        })
        .await
    }

    async fn claim_due_deadlines(
        &self,
        now_ms: i64,
        owner: &str,
        lease: Duration,
        limit: usize,
    ) -> StoreResult<Vec<SubscriptionId>> {
        let owner = owner.to_owned();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.call(move |conn| {
            let now = super::now_ms();
            let mut statement = conn.prepare_cached(
                "UPDATE subscriptions SET deadline_owner = ?2, deadline_until_ms = ?4 \
                 WHERE id IN (SELECT id FROM subscriptions \
                   WHERE outcome IS NULL AND kind = 'action' AND deadline_ms <= ?1 \
                   AND (deadline_owner IS NULL OR deadline_owner = ?2 \
                        OR deadline_until_ms <= ?3) \
                   ORDER BY deadline_ms LIMIT ?5) \
                 RETURNING id",
            )?;
            let rows = statement.query_map(
                params![now_ms, owner, now, until(now, lease), limit],
                |row| row.get::<_, String>(0),
            )?;
            let mut out = Vec::new();
            for row in rows {
                let text = row?;
                out.push(
                    SubscriptionId::parse(&text)
                        .ok_or_else(|| corrupt(format!("subscription id {text:?}")))?,
                );
            }
            Ok(out)
        })
        .await
    }

    async fn deliveries_of(&self, id: &SubscriptionId) -> StoreResult<Vec<StoredDelivery>> {
        let id = id.clone();
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {DELIVERY_COLUMNS} FROM inbox WHERE subscription_id = ?1 ORDER BY id"
            ))?;
            let rows = statement.query_map([id.as_str()], read_delivery)?;
            let mut out = Vec::new();
            for row in rows {
                out.push(validate_delivery(row?)?);
            }
            Ok(out)
        })
        .await
    }

    async fn put_poll_state(&self, state: &PollState) -> StoreResult<()> {
        let state = state.clone();
        self.call(move |conn| polling::put(conn, &state)).await
    }

    async fn poll_state(&self, id: &SubscriptionId) -> StoreResult<Option<PollState>> {
        let id = id.clone();
        self.call(move |conn| polling::get(conn, &id)).await
    }

    async fn poll_states(&self) -> StoreResult<Vec<PollState>> {
        self.call(polling::all).await
    }

    async fn claim_poll_lease(
        &self,
        id: &SubscriptionId,
        owner: &str,
        now_ms: i64,
        until_ms: i64,
    ) -> StoreResult<Option<PollState>> {
        let (id, owner) = (id.clone(), owner.to_owned());
        self.call(move |conn| polling::claim(conn, &id, &owner, now_ms, until_ms))
            .await
    }

    async fn commit_poll(&self, commit: PollCommit) -> StoreResult<PollCommitOutcome> {
        self.call(move |conn| polling::commit(conn, &commit)).await
    }

    async fn delete_poll_state(&self, id: &SubscriptionId) -> StoreResult<()> {
        let id = id.clone();
        self.call(move |conn| polling::delete(conn, &id)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{DeliveryState, HookLookup, Store, SubscriptionKind, SubscriptionState};
    use crate::RequestSpec;

    fn delivery(sub: &SubscriptionId, id: Option<&str>) -> NewDelivery {
        NewDelivery::new(
            sub.clone(),
            id.map(str::to_owned),
            &[("content-type".into(), "application/json".into())],
            &b"{}"[..],
        )
    }

    #[tokio::test]
    async fn subscriptions_round_trip_through_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let id = SubscriptionId::generate();
        {
            let store = SqliteStore::open(&path).unwrap();
            let mut record =
                SubscriptionRecord::new(id.clone(), "on_push", SubscriptionKind::Trigger);
            record.state = SubscriptionState::Active;
            record.location = Some("https://api/hooks/1".into());
            record.unsubscribe = Some(RequestSpec {
                method: "DELETE".into(),
                url: "https://api/hooks/1".into(),
                ..RequestSpec::default()
            });
            store.put_subscription(&record).await.unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let read = store.subscription(&id).await.unwrap().unwrap();
        assert_eq!(read.state, SubscriptionState::Active);
        assert_eq!(read.unsubscribe.unwrap().url, "https://api/hooks/1");
        assert_eq!(store.subscriptions().await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_store_made_before_the_lookup_column_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(&SCHEMA_V1.replace("    lookup TEXT,\n", ""))
                .unwrap();
            conn.execute(
                "INSERT INTO subscriptions (id, trigger, kind, state, intent, created_ms, \
                 updated_ms) VALUES (?1, 't', 'trigger', 'active', 'enabled', 1, 1)",
                [SubscriptionId::generate().as_str()],
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let old = store.subscriptions().await.unwrap();
        assert_eq!(old.len(), 1);
        assert_eq!(old[0].lookup, None);
        let mut record = old[0].clone();
        record.lookup = Some(HookLookup {
            list: crate::HookListRoute {
                method: "GET".into(),
                path: "/hooks".into(),
                callback_from: "/config/url".into(),
                ..Default::default()
            },
            unsubscribe: None,
        });
        store.put_subscription(&record).await.unwrap();
        drop(store);
        let store = SqliteStore::open(&path).unwrap();
        let read = store.subscription(&record.id).await.unwrap().unwrap();
        assert_eq!(read.lookup, record.lookup);
    }

    #[tokio::test]
    async fn a_version_4_store_with_a_poll_cursor_is_migrated_to_chunked_pages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v4.db");
        let id = SubscriptionId::generate();
        let request = RequestSpec {
            method: "GET".into(),
            url: "https://api/poll?triggerState=3".into(),
            ..RequestSpec::default()
        };
        {
            let store = SqliteStore::open(&path).unwrap();
            let state = PollState::new(id.clone(), request.clone(), 1000, 5);
            store.put_poll_state(&state).await.unwrap();
        }
        {
            // Version 4 as it was: no `after_pages` column.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "ALTER TABLE poll_state DROP COLUMN after_pages; \
                 UPDATE schema_version SET version = 4;",
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let read = store.poll_state(&id).await.unwrap().unwrap();
        assert_eq!((read.next_request, read.after_pages), (request, None));
        drop(store);
        let conn = Connection::open(&path).unwrap();
        let version: u32 = conn
            .query_row("SELECT version FROM schema_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    #[tokio::test]
    async fn inbox_dedupes_by_delivery_id_and_tracks_state() {
        let store = SqliteStore::in_memory().unwrap();
        let sub = SubscriptionId::generate();
        let first = store
            .insert_delivery(delivery(&sub, Some("d1")))
            .await
            .unwrap();
        let again = store
            .insert_delivery(delivery(&sub, Some("d1")))
            .await
            .unwrap();
        let anonymous1 = store.insert_delivery(delivery(&sub, None)).await.unwrap();
        let anonymous2 = store.insert_delivery(delivery(&sub, None)).await.unwrap();
        assert!(matches!(first, InsertOutcome::Inserted(_)));
        assert_eq!(again, InsertOutcome::Duplicate);
        assert!(matches!(anonymous1, InsertOutcome::Inserted(_)));
        assert!(matches!(anonymous2, InsertOutcome::Inserted(_)));
        let InsertOutcome::Inserted(first_id) = first else {
            unreachable!()
        };
        store.mark_delivered(first_id).await.unwrap();
        let pending = store.pending_deliveries(0, 10).await.unwrap();
        assert_eq!(pending.len(), 2);
        store
            .record_failure(pending[0].id, "boom", true)
            .await
            .unwrap();
        assert_eq!(store.pending_deliveries(0, 10).await.unwrap().len(), 1);
        let all = store.deliveries_of(&sub).await.unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].state, DeliveryState::Done);
        assert_eq!(all[1].state, DeliveryState::Failed);
        // Only handled rows are pruned; pending and failed ones stay.
        assert_eq!(store.prune_delivered(0, 10).await.unwrap(), 0);
        assert_eq!(store.prune_delivered(i64::MAX, 10).await.unwrap(), 1);
        assert_eq!(store.deliveries_of(&sub).await.unwrap().len(), 2);
        let again = store
            .insert_delivery(delivery(&sub, Some("d1")))
            .await
            .unwrap();
        assert!(
            matches!(again, InsertOutcome::Inserted(_)),
            "pruned ids no longer dedupe"
        );
    }

    #[tokio::test]
    async fn concurrent_inserts_share_commits() {
        let store = std::sync::Arc::new(SqliteStore::in_memory().unwrap());
        let sub = SubscriptionId::generate();
        let mut tasks = Vec::new();
        for i in 0..200 {
            let store = store.clone();
            let sub = sub.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .insert_delivery(delivery(&sub, Some(&format!("d{i}"))))
                    .await
            }));
        }
        for task in tasks {
            assert!(matches!(
                task.await.unwrap().unwrap(),
                InsertOutcome::Inserted(_)
            ));
        }
        assert_eq!(store.pending_deliveries(0, 1000).await.unwrap().len(), 200);
    }
}
