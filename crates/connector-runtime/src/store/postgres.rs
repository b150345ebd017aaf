//! The PostgreSQL store (cargo feature `postgres`): several replicas share one database.
//!
//! tokio-postgres speaks the protocol asynchronously and pipelines; deadpool-postgres keeps a
//! small pool of its connections with a statement cache each. Every call is one short
//! statement (or one short transaction) on a pooled connection: no transaction or row lock
//! is held between calls, so nothing a replica holds outlives a crash of that replica.
//!
//! Inbox inserts are batched like SQLite's group commit: callbacks arriving together become
//! one multi-row `INSERT … ON CONFLICT DO NOTHING` (one commit, one WAL flush), with up to
//! [`PostgresOptions::insert_lanes`] batches in flight at once so round trips overlap.
//! Each caller hears back only after the statement that holds its row committed.
//!
//! The schema is versioned: migrations run at start in one transaction under an advisory
//! lock, so replicas starting together migrate once; a database migrated by a newer binary is
//! refused with [`StoreError::SchemaTooNew`]. Versions are numbered as SQLite's: 1 the inbox,
//! subscriptions, leases and locks (2 is empty: SQLite's version 2 is part of 1 here), 3 the
//! run history (`postgres/history.rs`), 4 polling cursors (`postgres/polling.rs`).

mod history;
mod polling;

use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{
    GenericClient, Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod, Runtime,
};
use tokio::sync::{broadcast, mpsc, oneshot, Semaphore};
use tokio_postgres::{AsyncMessage, NoTls, Row};

use super::history::{
    AttemptOutcome, AttemptRecord, AuditRecord, DeliveryEntry, DeliveryQuery, ListQuery, Page,
    RequeueTarget, StoreCounts, SubscriptionEntry, SubscriptionQuery,
};
use super::rows::{corrupt, encode_json, validate_delivery, RawDelivery, RawSubscription};
use super::{
    now_ms, InsertOutcome, NewDelivery, PollCommit, PollCommitOutcome, PollState, StoreError,
    StoreResult, StoredDelivery, SubscriptionChange, SubscriptionRecord, WaitOutcome,
};
use crate::SubscriptionId;

/// Most callbacks one insert statement takes.
const MAX_INSERT_BATCH: usize = 512;

/// Callbacks waiting for an insert lane; senders wait beyond this (back-pressure).
const INSERT_QUEUE: usize = 8192;

/// The advisory lock key migrations run under (`"connrt01"` as bytes), so replicas starting
/// together take turns.
const MIGRATION_LOCK: i64 = 0x636f_6e6e_7274_3031;

/// Schema migrations, oldest first; version `n` is `MIGRATIONS[n - 1]`. Append only: a
/// released migration never changes.
const MIGRATIONS: &[&str] = &[
    // 1: subscriptions and the inbox, as SQLite has them; times are ms since the Unix epoch.
    "CREATE TABLE subscriptions (
        id TEXT PRIMARY KEY,
        trigger TEXT NOT NULL,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        intent TEXT NOT NULL,
        location TEXT,
        unsubscribe TEXT,
        lookup TEXT,
        subscribe_status BIGINT,
        subscribe_body TEXT,
        deadline_ms BIGINT,
        outcome TEXT,
        last_error TEXT,
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL
    );
    CREATE TABLE inbox (
        id BIGSERIAL PRIMARY KEY,
        subscription_id TEXT NOT NULL,
        delivery_id TEXT,
        received_ms BIGINT NOT NULL,
        headers TEXT NOT NULL,
        body BYTEA NOT NULL,
        state SMALLINT NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    CREATE UNIQUE INDEX inbox_dedupe ON inbox (subscription_id, delivery_id);
    CREATE INDEX inbox_pending ON inbox (id) WHERE state = 0;
    -- What one process holds for a while is a lease: an owner and an expiry on the
    -- database's clock (every replica agrees on it).
    ALTER TABLE inbox ADD COLUMN lease_owner TEXT, ADD COLUMN lease_until_ms BIGINT;
    ALTER TABLE subscriptions ADD COLUMN deadline_owner TEXT,
        ADD COLUMN deadline_until_ms BIGINT;
    CREATE TABLE subscription_locks (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        until_ms BIGINT NOT NULL
    );
    CREATE INDEX subscriptions_due ON subscriptions (deadline_ms)
        WHERE outcome IS NULL AND kind = 'action';
    CREATE INDEX subscriptions_finished ON subscriptions (updated_ms)
        WHERE state IN ('gone', 'failed');
    -- Every replica caches the live subscriptions; a change made by one is announced to all
    -- (delivered at commit) so they refresh their copy.
    CREATE FUNCTION connector_subscription_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('connector_subscriptions', NEW.id);
        RETURN NULL;
    END $$;
    CREATE TRIGGER subscriptions_inserted AFTER INSERT ON subscriptions
        FOR EACH ROW EXECUTE FUNCTION connector_subscription_changed();
    CREATE TRIGGER subscriptions_changed AFTER UPDATE ON subscriptions
        FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state
            OR OLD.intent IS DISTINCT FROM NEW.intent
            OR OLD.outcome IS DISTINCT FROM NEW.outcome)
        EXECUTE FUNCTION connector_subscription_changed();",
    // 2: nothing. Version 1 already holds what SQLite's version 2 added (leases, locks,
    // deadline claims); the number is kept so both backends count their versions alike.
    "SELECT 1",
    // 3: the run history (attempt and audit logs, the inbox's trigger column, indexes).
    history::MIGRATION_3,
    // 4: polling triggers' cursors.
    polling::MIGRATION_4,
    // 5: the request after a chunked poll's pages.
    polling::MIGRATION_5,
];

/// The channel subscription changes are announced on.
const CHANGES_CHANNEL: &str = "connector_subscriptions";

/// Longest pause between attempts to re-open the change listener.
const LISTEN_RETRY_MAX: Duration = Duration::from_secs(5);

/// The newest schema version this binary knows.
const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The database's clock in ms since the Unix epoch: lease expiries are written and compared
/// on it, so replicas whose clocks differ still agree on when a lease ran out.
const DB_NOW_MS: &str = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

/// A lease length as the bigint milliseconds the SQL adds to [`DB_NOW_MS`].
fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// One statement for a batch of callbacks (or a poll's items). Ids are drawn in arrival
/// order before the insert (the CTE is materialised, so `nextval` runs once per row), which
/// lets the answer say, for each callback by its position, under which id it was stored or
/// that it was a duplicate — also for a duplicate within the same batch (the first one wins).
///
/// The receive time is the statement's start on the database clock, never below the newest
/// row's (as SQLite keeps it), so receive times follow ids closely enough for the history's
/// time filters to become id ranges (see `history::id_bounds`). The trigger is copied from
/// the subscription so history filters by trigger need no join.
const INSERT_BATCH: &str = "
WITH input AS MATERIALIZED (
    SELECT nextval('inbox_id_seq') AS id, t.n, t.sub, t.did, t.headers, t.body, t.owner,
        t.lease_ms
    FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::bigint[])
        WITH ORDINALITY AS t(sub, did, headers, body, owner, lease_ms, n)
    ORDER BY t.n
), received AS MATERIALIZED (
    SELECT GREATEST((extract(epoch FROM statement_timestamp()) * 1000)::bigint,
        COALESCE((SELECT received_ms FROM inbox ORDER BY id DESC LIMIT 1), 0)) AS ms
), inserted AS (
    INSERT INTO inbox (id, subscription_id, delivery_id, received_ms, headers, body,
        lease_owner, lease_until_ms, trigger)
    SELECT input.id, input.sub, input.did, received.ms, input.headers, input.body, input.owner,
        CASE WHEN input.owner IS NULL THEN NULL
            ELSE (extract(epoch FROM clock_timestamp()) * 1000)::bigint + input.lease_ms END,
        (SELECT s.trigger FROM subscriptions s WHERE s.id = input.sub)
    FROM input CROSS JOIN received ORDER BY input.n
    ON CONFLICT (subscription_id, delivery_id) DO NOTHING
    RETURNING id
)
SELECT input.n, input.id, inserted.id IS NOT NULL
FROM input LEFT JOIN inserted ON inserted.id = input.id";

const SUBSCRIPTION_COLUMNS: &str = "id, trigger, kind, state, intent, location, unsubscribe, \
    subscribe_status, subscribe_body, deadline_ms, outcome, last_error, created_ms, updated_ms, lookup";

const DELIVERY_COLUMNS: &str = "id, subscription_id, delivery_id, headers, body, attempts, state";

/// [`DELIVERY_COLUMNS`] where another table in the statement also has an `id`.
const RETURNED_DELIVERY_COLUMNS: &str = "inbox.id, inbox.subscription_id, inbox.delivery_id, \
    inbox.headers, inbox.body, inbox.attempts, inbox.state";

/// Connection pool settings of a [`PostgresStore`].
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    /// Most connections this replica opens (default 16). Every replica opens its own, so keep
    /// `replicas × pool_size` under the server's `max_connections`.
    pub pool_size: usize,
    /// How long to wait for a connection, to connect, or for a free pooled connection before
    /// a call fails as [`StoreError::Unavailable`] (default 5 s).
    pub timeout: Duration,
    /// Inbox insert batches in flight at once (default 4).
    pub insert_lanes: usize,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            pool_size: 16,
            timeout: Duration::from_secs(5),
            insert_lanes: 4,
        }
    }
}

impl PostgresOptions {
    /// Most connections this replica opens.
    pub fn with_pool_size(mut self, size: usize) -> Self {
        self.pool_size = size.max(1);
        self
    }

    /// Connect, checkout and statement timeout (at least 1 s for statements: no statement
    /// of the store runs longer, so none holds a row lock longer either).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// PostgreSQL store shared by any number of replicas.
pub struct PostgresStore {
    pool: Pool,
    inserts: mpsc::Sender<InsertJob>,
    changes: broadcast::Sender<SubscriptionChange>,
    /// The change listener; stopped with the store.
    listener: tokio::task::JoinHandle<()>,
    /// The database URL without its password, for messages.
    url: String,
    /// How far a row's receive time may lag one with a smaller id, plus slack: the
    /// session's `statement_timeout` + 1 s (see `history::id_bounds`).
    receive_margin_ms: i64,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("url", &self.url)
            .finish()
    }
}

struct InsertJob {
    delivery: NewDelivery,
    reply: oneshot::Sender<StoreResult<InsertOutcome>>,
}

impl PostgresStore {
    /// The newest schema version this binary knows (recorded in the `schema_version` table);
    /// a database with a newer one is refused with [`StoreError::SchemaTooNew`].
    pub const SCHEMA_VERSION: u32 = SCHEMA_VERSION;

    /// Connect with default [`PostgresOptions`] and bring the schema up to date.
    ///
    /// `url` is a libpq-style URL (`postgres://user:password@host:port/database`, a Unix
    /// socket directory as a percent-encoded host) or a `key=value` connection string.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_with(url, PostgresOptions::default()).await
    }

    /// Connect with the given options and bring the schema up to date. A URL that does not
    /// parse, a server that cannot be reached or refuses the login fail with
    /// [`StoreError::Connect`] naming the URL without its password.
    pub async fn connect_with(url: &str, options: PostgresOptions) -> StoreResult<Self> {
        let shown = redact_database_url(url);
        let connect_error = |reason: String| StoreError::Connect {
            url: shown.clone(),
            reason,
        };
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| connect_error(describe(&e)))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(options.timeout);
        }
        if config.get_application_name().is_none() {
            config.application_name("connector-runtime");
        }
        // Every session gets the statement timeout: no statement outlives it, which bounds
        // how far receive times can run behind ids (the history's time filters rely on it).
        let statement_timeout = millis(options.timeout.max(Duration::from_secs(1)));
        let session = format!("-c statement_timeout={statement_timeout}");
        let session = match config.get_options() {
            Some(given) if !given.trim().is_empty() => format!("{given} {session}"),
            _ => session,
        };
        config.options(&session);
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                // A closed connection is noticed without a round trip; one that died silently
                // fails its next statement, which is answered 503 and the pool drops it.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(options.timeout))
            .create_timeout(Some(options.timeout))
            .recycle_timeout(Some(options.timeout))
            .build()
            .map_err(|e| connect_error(e.to_string()))?;
        let mut client = pool
            .get()
            .await
            .map_err(|e| connect_error(describe_pool(&e)))?;
        migrate(&mut client).await?;
        drop(client);

        let (inserts, jobs) = mpsc::channel(INSERT_QUEUE);
        let lanes = Arc::new(Semaphore::new(options.insert_lanes.max(1)));
        tokio::spawn(insert_loop(pool.clone(), jobs, lanes));
        let (changes, _) = broadcast::channel(CHANGE_BACKLOG);
        let listener = tokio::spawn(listen_loop(config, changes.clone()));
        Ok(PostgresStore {
            pool,
            inserts,
            changes,
            listener,
            url: shown,
            receive_margin_ms: statement_timeout.saturating_add(1000),
        })
    }

    /// The database URL without its password.
    pub fn url(&self) -> &str {
        &self.url
    }

    async fn client(&self) -> StoreResult<Object> {
        self.pool.get().await.map_err(pool_error)
    }

    /// Run one cached statement that returns no rows; how many rows it changed.
    async fn execute(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> StoreResult<u64> {
        let client = self.client().await?;
        let statement = client.prepare_cached(sql).await.map_err(classify)?;
        client.execute(&statement, params).await.map_err(classify)
    }

    /// Run one cached query.
    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> StoreResult<Vec<Row>> {
        let client = self.client().await?;
        let statement = client.prepare_cached(sql).await.map_err(classify)?;
        client.query(&statement, params).await.map_err(classify)
    }

    async fn deliveries(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> StoreResult<Vec<StoredDelivery>> {
        self.query(sql, params)
            .await?
            .iter()
            .map(|row| read_delivery(row).and_then(validate_delivery))
            .collect()
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

/// Changes a slow reader may lag behind before it is told to reload everything.
const CHANGE_BACKLOG: usize = 4096;

/// Keep a `LISTEN` connection open (re-opening it when it breaks) and forward every
/// announced subscription change. After each (re)connect, [`SubscriptionChange::Unknown`]
/// tells readers that changes made while nobody listened were missed.
async fn listen_loop(
    config: tokio_postgres::Config,
    changes: broadcast::Sender<SubscriptionChange>,
) {
    let mut pause = Duration::from_millis(50);
    loop {
        match config.connect(NoTls).await {
            Ok((client, mut connection)) => {
                let forward = changes.clone();
                let messages = tokio::spawn(async move {
                    while let Some(Ok(message)) =
                        std::future::poll_fn(|cx| connection.poll_message(cx)).await
                    {
                        if let AsyncMessage::Notification(note) = message {
                            if let Some(id) = SubscriptionId::parse(note.payload()) {
                                let _ = forward.send(SubscriptionChange::Changed(id));
                            }
                        }
                    }
                });
                match client
                    .batch_execute(&format!("LISTEN {CHANGES_CHANNEL}"))
                    .await
                {
                    Ok(()) => {
                        pause = Duration::from_millis(50);
                        let _ = changes.send(SubscriptionChange::Unknown);
                    }
                    Err(error) => {
                        tracing::warn!(error = %describe(&error), "store: cannot listen for changes")
                    }
                }
                // Runs until the connection breaks (or the store is dropped).
                let _ = messages.await;
                drop(client);
            }
            Err(error) => {
                tracing::warn!(error = %describe(&error), "store: change listener cannot connect");
            }
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(LISTEN_RETRY_MAX);
    }
}

/// Apply the migrations this database lacks, in one transaction under the migration lock.
async fn migrate(client: &mut Object) -> StoreResult<()> {
    let transaction = client.transaction().await.map_err(classify)?;
    // Building an index over a large inbox may take longer than the sessions' statement
    // timeout, and so may waiting for another replica doing it: this transaction alone goes
    // without.
    transaction
        .batch_execute("SET LOCAL statement_timeout = 0")
        .await
        .map_err(classify)?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(classify)?;
    transaction
        .batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
        .await
        .map_err(classify)?;
    let recorded: Option<i64> = transaction
        .query_one("SELECT max(version) FROM schema_version", &[])
        .await
        .and_then(|row| row.try_get(0))
        .map_err(classify)?;
    let found = u32::try_from(recorded.unwrap_or(0).max(0)).unwrap_or(u32::MAX);
    if found > SCHEMA_VERSION {
        // Dropping the transaction rolls it back (and releases the lock).
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let applied = usize::try_from(found).unwrap_or(0);
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
        transaction.batch_execute(migration).await.map_err(|e| {
            StoreError::Database(format!("migration {} failed: {}", index + 1, describe(&e)))
        })?;
    }
    if found < SCHEMA_VERSION {
        transaction
            .batch_execute("DELETE FROM schema_version")
            .await
            .map_err(classify)?;
        transaction
            .execute(
                "INSERT INTO schema_version (version) VALUES ($1)",
                &[&i64::from(SCHEMA_VERSION)],
            )
            .await
            .map_err(classify)?;
        tracing::info!(from = found, to = SCHEMA_VERSION, "store: schema migrated");
    }
    transaction.commit().await.map_err(classify)
}

/// Gather callbacks into batches; each batch waits for a free lane, so callbacks arriving
/// while every lane is busy join the next batch (group commit).
async fn insert_loop(pool: Pool, mut jobs: mpsc::Receiver<InsertJob>, lanes: Arc<Semaphore>) {
    let mut batch = Vec::with_capacity(MAX_INSERT_BATCH);
    loop {
        let Ok(lane) = lanes.clone().acquire_owned().await else {
            return;
        };
        if jobs.recv_many(&mut batch, MAX_INSERT_BATCH).await == 0 {
            // Every sender is gone: the store was dropped.
            return;
        }
        let pool = pool.clone();
        let taken = std::mem::replace(&mut batch, Vec::with_capacity(MAX_INSERT_BATCH));
        tokio::spawn(async move {
            insert_batch(&pool, taken).await;
            drop(lane);
        });
    }
}

async fn insert_batch(pool: &Pool, batch: Vec<InsertJob>) {
    match run_insert_batch(pool, &batch).await {
        Ok(outcomes) => {
            for (job, outcome) in batch.into_iter().zip(outcomes) {
                // The caller may have gone away (sender hung up); the row stays stored.
                let _ = job.reply.send(Ok(outcome));
            }
        }
        Err(error) => {
            for job in batch {
                let _ = job.reply.send(Err(error.clone()));
            }
        }
    }
}

async fn run_insert_batch(pool: &Pool, batch: &[InsertJob]) -> StoreResult<Vec<InsertOutcome>> {
    let client = pool.get().await.map_err(pool_error)?;
    let deliveries: Vec<&NewDelivery> = batch.iter().map(|job| &job.delivery).collect();
    insert_rows(&client, &deliveries).await
}

/// Insert `deliveries` with [`INSERT_BATCH`] on `client` (a pooled connection, or the
/// transaction of a poll's commit); for each, in order, its row id or that it was a duplicate.
async fn insert_rows<C: GenericClient>(
    client: &C,
    deliveries: &[&NewDelivery],
) -> StoreResult<Vec<InsertOutcome>> {
    let statement = client
        .prepare_cached(INSERT_BATCH)
        .await
        .map_err(classify)?;
    let subscriptions: Vec<&str> = deliveries
        .iter()
        .map(|delivery| delivery.subscription.as_str())
        .collect();
    let delivery_ids: Vec<Option<&str>> = deliveries
        .iter()
        .map(|delivery| delivery.delivery_id.as_deref())
        .collect();
    let headers: Vec<&str> = deliveries
        .iter()
        .map(|delivery| delivery.headers_json.as_str())
        .collect();
    let bodies: Vec<&[u8]> = deliveries
        .iter()
        .map(|delivery| &delivery.body[..])
        .collect();
    let owners: Vec<Option<&str>> = deliveries
        .iter()
        .map(|delivery| delivery.lease.as_ref().map(|lease| &*lease.owner))
        .collect();
    let lease_ms: Vec<Option<i64>> = deliveries
        .iter()
        .map(|delivery| delivery.lease.as_ref().map(|lease| millis(lease.duration)))
        .collect();
    let rows = client
        .query(
            &statement,
            &[
                &subscriptions,
                &delivery_ids,
                &headers,
                &bodies,
                &owners,
                &lease_ms,
            ],
        )
        .await
        .map_err(classify)?;
    let mut outcomes: Vec<Option<InsertOutcome>> = vec![None; deliveries.len()];
    for row in rows {
        let position: i64 = row.try_get(0).map_err(classify)?;
        let id: i64 = row.try_get(1).map_err(classify)?;
        let inserted: bool = row.try_get(2).map_err(classify)?;
        let slot = usize::try_from(position - 1)
            .ok()
            .and_then(|index| outcomes.get_mut(index))
            .ok_or_else(|| corrupt(format!("insert answered for position {position}")))?;
        *slot = Some(if inserted {
            InsertOutcome::Inserted(id)
        } else {
            InsertOutcome::Duplicate
        });
    }
    outcomes
        .into_iter()
        .map(|outcome| outcome.ok_or_else(|| corrupt("insert answered for fewer rows than sent")))
        .collect()
}

fn read_subscription(row: &Row) -> StoreResult<RawSubscription> {
    let read = || -> Result<RawSubscription, tokio_postgres::Error> {
        Ok(RawSubscription {
            id: row.try_get(0)?,
            trigger: row.try_get(1)?,
            kind: row.try_get(2)?,
            state: row.try_get(3)?,
            intent: row.try_get(4)?,
            location: row.try_get(5)?,
            unsubscribe: row.try_get(6)?,
            subscribe_status: row.try_get(7)?,
            subscribe_body: row.try_get(8)?,
            deadline_ms: row.try_get(9)?,
            outcome: row.try_get(10)?,
            last_error: row.try_get(11)?,
            created_ms: row.try_get(12)?,
            updated_ms: row.try_get(13)?,
            lookup: row.try_get(14)?,
        })
    };
    read().map_err(|e| corrupt(describe(&e)))
}

fn read_delivery(row: &Row) -> StoreResult<RawDelivery> {
    let read = || -> Result<RawDelivery, tokio_postgres::Error> {
        Ok((
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
            row.try_get(3)?,
            row.try_get(4)?,
            i64::from(row.try_get::<_, i32>(5)?),
            i64::from(row.try_get::<_, i16>(6)?),
        ))
    };
    read().map_err(|e| corrupt(describe(&e)))
}

/// A tokio-postgres error as text: the server's own message when there is one (its
/// `Display` alone says only "db error").
fn describe(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{}: {} ({})", db.severity(), db.message(), db.code().code()),
        None => {
            let mut text = error.to_string();
            if let Some(source) = std::error::Error::source(error) {
                text = format!("{text}: {source}");
            }
            text
        }
    }
}

fn describe_pool(error: &PoolError) -> String {
    match error {
        PoolError::Backend(error) => describe(error),
        PoolError::Timeout(_) => "timed out waiting for a connection".to_owned(),
        other => other.to_string(),
    }
}

/// Whether an error means the server cannot be reached right now, as opposed to a statement
/// it refused.
fn is_unavailable(error: &tokio_postgres::Error) -> bool {
    if error.is_closed() {
        return true;
    }
    match error.code() {
        // Connection exceptions (08…), operator intervention such as a shutdown (57P…),
        // too many connections, and a server starting up or in recovery.
        Some(code) => {
            let code = code.code();
            code.starts_with("08") || code.starts_with("57P") || code == "53300"
        }
        // No SQLSTATE: the connection failed or broke (I/O, timeout), not the statement.
        None => {
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                if cause.is::<std::io::Error>() {
                    return true;
                }
                source = cause.source();
            }
            let text = error.to_string();
            text.starts_with("error connecting")
                || text.starts_with("timeout")
                || text.starts_with("error communicating")
        }
    }
}

fn classify(error: tokio_postgres::Error) -> StoreError {
    if is_unavailable(&error) {
        StoreError::Unavailable(describe(&error))
    } else {
        StoreError::Database(describe(&error))
    }
}

fn pool_error(error: PoolError) -> StoreError {
    match error {
        PoolError::Backend(error) => classify(error),
        PoolError::Closed => StoreError::Closed,
        other => StoreError::Unavailable(describe_pool(&other)),
    }
}

/// A database URL or `key=value` connection string with its password removed, for messages.
pub fn redact_database_url(url: &str) -> String {
    let trimmed = url.trim();
    if trimmed.starts_with("postgres://") || trimmed.starts_with("postgresql://") {
        let Ok(mut parsed) = url::Url::parse(trimmed) else {
            // Unparseable (a bad port, say): cut the password out of the user info by hand
            // and drop the query, which may carry one too.
            let (scheme, rest) = trimmed.split_once("://").unwrap_or(("postgres", trimmed));
            let rest = rest.split('?').next().unwrap_or("");
            return match rest.rsplit_once('@') {
                Some((user_info, host)) => {
                    let user = user_info.split(':').next().unwrap_or("");
                    format!("{scheme}://{user}@{host}")
                }
                None => format!("{scheme}://{rest}"),
            };
        };
        if parsed.password().is_some() {
            let _ = parsed.set_password(None);
        }
        if parsed.query().is_some() {
            let pairs: Vec<(String, String)> = parsed
                .query_pairs()
                .map(|(name, value)| {
                    let value = if name.eq_ignore_ascii_case("password") {
                        "<redacted>".to_owned()
                    } else {
                        value.into_owned()
                    };
                    (name.into_owned(), value)
                })
                .collect();
            parsed.query_pairs_mut().clear().extend_pairs(pairs);
        }
        return parsed.to_string();
    }
    // `key=value` pairs separated by spaces; a quoted value may hold spaces.
    let mut shown = Vec::new();
    let mut rest = trimmed;
    while let Some((key, after)) = rest.split_once('=') {
        // Text before the last space is junk without `=`; only the word before `=` is the key.
        let key = key.split_whitespace().last().unwrap_or("");
        let after = after.trim_start();
        let (value, next) = if let Some(quoted) = after.strip_prefix('\'') {
            let end = quoted.find('\'').map_or(quoted.len(), |at| at + 1);
            let (value, next) = after.split_at((end + 1).min(after.len()));
            (value, next)
        } else {
            after.split_at(after.find(' ').unwrap_or(after.len()))
        };
        if key.eq_ignore_ascii_case("password") {
            shown.push(format!("{key}=<redacted>"));
        } else {
            shown.push(format!("{key}={value}"));
        }
        rest = next;
    }
    shown.join(" ")
}

#[async_trait::async_trait]
impl super::Store for PostgresStore {
    async fn put_subscription(&self, record: &SubscriptionRecord) -> StoreResult<()> {
        let unsubscribe = encode_json(record.unsubscribe.as_ref())?;
        let lookup = encode_json(record.lookup.as_ref())?;
        self.execute(
            &format!(
                "INSERT INTO subscriptions ({SUBSCRIPTION_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                 ON CONFLICT (id) DO UPDATE SET trigger = EXCLUDED.trigger, \
                 kind = EXCLUDED.kind, state = EXCLUDED.state, intent = EXCLUDED.intent, \
                 location = EXCLUDED.location, unsubscribe = EXCLUDED.unsubscribe, \
                 subscribe_status = EXCLUDED.subscribe_status, \
                 subscribe_body = EXCLUDED.subscribe_body, deadline_ms = EXCLUDED.deadline_ms, \
                 outcome = COALESCE(subscriptions.outcome, EXCLUDED.outcome), \
                 last_error = EXCLUDED.last_error, \
                 created_ms = EXCLUDED.created_ms, updated_ms = EXCLUDED.updated_ms, \
                 lookup = EXCLUDED.lookup"
            ),
            &[
                &record.id.as_str(),
                &record.trigger,
                &record.kind.as_str(),
                &record.state.as_str(),
                &record.intent.as_str(),
                &record.location,
                &unsubscribe,
                &record.subscribe_status.map(i64::from),
                &record.subscribe_body,
                &record.deadline_ms,
                &record.outcome.map(WaitOutcome::as_str),
                &record.last_error,
                &record.created_ms,
                &record.updated_ms,
                &lookup,
            ],
        )
        .await?;
        Ok(())
    }

    async fn subscription(&self, id: &SubscriptionId) -> StoreResult<Option<SubscriptionRecord>> {
        let rows = self
            .query(
                &format!("SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = $1"),
                &[&id.as_str()],
            )
            .await?;
        rows.first()
            .map(|row| read_subscription(row).and_then(RawSubscription::validate))
            .transpose()
    }

    async fn subscriptions(&self) -> StoreResult<Vec<SubscriptionRecord>> {
        self.query(
            &format!("SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions ORDER BY created_ms, id"),
            &[],
        )
        .await?
        .iter()
        .map(|row| read_subscription(row).and_then(RawSubscription::validate))
        .collect()
    }

    async fn insert_delivery(&self, delivery: NewDelivery) -> StoreResult<InsertOutcome> {
        let (reply, answer) = oneshot::channel();
        self.inserts
            .send(InsertJob { delivery, reply })
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    async fn mark_delivered(&self, id: i64) -> StoreResult<()> {
        self.mark_delivered_many(&[id]).await
    }

    async fn mark_delivered_many(&self, ids: &[i64]) -> StoreResult<()> {
        self.execute(
            "UPDATE inbox SET state = 1, attempts = attempts + 1, lease_owner = NULL, \
             lease_until_ms = NULL WHERE id = ANY($1)",
            &[&ids],
        )
        .await?;
        Ok(())
    }

    async fn record_failure(&self, id: i64, error: &str, give_up: bool) -> StoreResult<()> {
        self.execute(
            "UPDATE inbox SET attempts = attempts + 1, last_error = $2, \
             state = CASE WHEN $3 THEN 2 ELSE state END, \
             lease_owner = CASE WHEN $3 THEN NULL ELSE lease_owner END, \
             lease_until_ms = CASE WHEN $3 THEN NULL ELSE lease_until_ms END WHERE id = $1",
            &[&id, &error, &give_up],
        )
        .await?;
        Ok(())
    }

    async fn pending_deliveries(
        &self,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<StoredDelivery>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.deliveries(
            &format!(
                "SELECT {DELIVERY_COLUMNS} FROM inbox WHERE state = 0 AND id > $1 \
                 ORDER BY id LIMIT $2"
            ),
            &[&after, &limit],
        )
        .await
    }

    async fn prune_finished_subscriptions(
        &self,
        before_ms: i64,
        limit: usize,
    ) -> StoreResult<usize> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // One statement: the inbox rows, attempt-log rows, poll cursor and lock of each
        // finished subscription go with it. Data-modifying CTEs run whether or not they are
        // referenced.
        let deleted = self
            .execute(
                "WITH doomed AS (SELECT id FROM subscriptions \
                   WHERE state IN ('gone', 'failed') AND updated_ms < $1 \
                   ORDER BY updated_ms LIMIT $2 FOR UPDATE SKIP LOCKED), \
                 rows AS (DELETE FROM inbox WHERE subscription_id IN (SELECT id FROM doomed)), \
                 locks AS (DELETE FROM subscription_locks WHERE id IN (SELECT id FROM doomed)), \
                 attempt_rows AS (DELETE FROM attempts WHERE subscription_id IN (SELECT id FROM doomed)), \
                 poll_cursors AS (DELETE FROM poll_state WHERE subscription_id IN (SELECT id FROM doomed)) \
                 DELETE FROM subscriptions WHERE id IN (SELECT id FROM doomed)",
                &[&before_ms, &limit],
            )
            .await?;
        Ok(usize::try_from(deleted).unwrap_or(usize::MAX))
    }

    async fn claim_deliveries(
        &self,
        owner: &str,
        lease: Duration,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<StoredDelivery>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // SKIP LOCKED: replicas claiming at the same moment take different rows instead of
        // queueing behind each other's row locks, which last only this statement.
        let mut rows = self
            .deliveries(
                &format!(
                    "WITH picked AS (SELECT id, \
                       (lease_owner IS NOT NULL AND lease_until_ms <= {DB_NOW_MS}) AS taken_over \
                       FROM inbox WHERE state = 0 AND id > $2 \
                       AND (lease_owner IS NULL OR lease_owner = $1 \
                            OR lease_until_ms <= {DB_NOW_MS}) \
                       ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) \
                     UPDATE inbox SET attempts = attempts + picked.taken_over::int, \
                       lease_owner = $1, lease_until_ms = {DB_NOW_MS} + $3 \
                     FROM picked WHERE inbox.id = picked.id \
                     RETURNING {RETURNED_DELIVERY_COLUMNS}"
                ),
                &[&owner, &after, &millis(lease), &limit],
            )
            .await?;
        rows.sort_by_key(|row| row.id);
        Ok(rows)
    }

    async fn renew_deliveries(
        &self,
        owner: &str,
        ids: &[i64],
        lease: Duration,
    ) -> StoreResult<usize> {
        let renewed = self
            .execute(
                &format!(
                    "UPDATE inbox SET lease_until_ms = {DB_NOW_MS} + $3 \
                     WHERE id = ANY($2) AND lease_owner = $1 AND state = 0"
                ),
                &[&owner, &ids, &millis(lease)],
            )
            .await?;
        Ok(usize::try_from(renewed).unwrap_or(usize::MAX))
    }

    async fn try_lock_subscription(
        &self,
        id: &SubscriptionId,
        owner: &str,
        ttl: Duration,
    ) -> StoreResult<bool> {
        // The upsert is atomic: of two replicas racing for a free lock, one inserts and the
        // other finds the row and its condition false.
        let changed = self
            .execute(
                &format!(
                    "INSERT INTO subscription_locks (id, owner, until_ms) \
                     VALUES ($1, $2, {DB_NOW_MS} + $3) \
                     ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner, \
                     until_ms = EXCLUDED.until_ms \
                     WHERE subscription_locks.owner = EXCLUDED.owner \
                     OR subscription_locks.until_ms <= {DB_NOW_MS}"
                ),
                &[&id.as_str(), &owner, &millis(ttl)],
            )
            .await?;
        Ok(changed > 0)
    }

    async fn unlock_subscription(&self, id: &SubscriptionId, owner: &str) -> StoreResult<()> {
        self.execute(
            "DELETE FROM subscription_locks WHERE id = $1 AND owner = $2",
            &[&id.as_str(), &owner],
        )
        .await?;
        Ok(())
    }

    async fn complete_wait(&self, id: &SubscriptionId, outcome: WaitOutcome) -> StoreResult<bool> {
        // A racing second UPDATE waits for the first to commit, then re-checks
        // `outcome IS NULL` on the new row version: exactly one wins.
        let changed = self
            .execute(
                "UPDATE subscriptions SET outcome = $2, updated_ms = $3 \
                 WHERE id = $1 AND outcome IS NULL",
                &[&id.as_str(), &outcome.as_str(), &now_ms()],
            )
            .await?;
        Ok(changed > 0)
    }

    async fn claim_due_deadlines(
        &self,
        now_ms: i64,
        owner: &str,
        lease: Duration,
        limit: usize,
    ) -> StoreResult<Vec<SubscriptionId>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self
            .query(
                &format!(
                    "WITH picked AS (SELECT id FROM subscriptions \
                       WHERE outcome IS NULL AND kind = 'action' AND deadline_ms <= $1 \
                       AND (deadline_owner IS NULL OR deadline_owner = $2 \
                            OR deadline_until_ms <= {DB_NOW_MS}) \
                       ORDER BY deadline_ms LIMIT $4 FOR UPDATE SKIP LOCKED) \
                     UPDATE subscriptions SET deadline_owner = $2, \
                       deadline_until_ms = {DB_NOW_MS} + $3 \
                     FROM picked WHERE subscriptions.id = picked.id \
                     RETURNING subscriptions.id, subscriptions.deadline_ms"
                ),
                &[&now_ms, &owner, &millis(lease), &limit],
            )
            .await?;
        let mut due = Vec::with_capacity(rows.len());
        for row in rows {
            let text: String = row.try_get(0).map_err(classify)?;
            let deadline: Option<i64> = row.try_get(1).map_err(classify)?;
            let id = SubscriptionId::parse(&text)
                .ok_or_else(|| corrupt(format!("subscription id {text:?}")))?;
            due.push((deadline, id));
        }
        due.sort();
        Ok(due.into_iter().map(|(_, id)| id).collect())
    }

    async fn deliveries_of(&self, id: &SubscriptionId) -> StoreResult<Vec<StoredDelivery>> {
        self.deliveries(
            &format!("SELECT {DELIVERY_COLUMNS} FROM inbox WHERE subscription_id = $1 ORDER BY id"),
            &[&id.as_str()],
        )
        .await
    }

    fn subscription_changes(&self) -> Option<broadcast::Receiver<SubscriptionChange>> {
        Some(self.changes.subscribe())
    }

    async fn prune_delivered(&self, before_ms: i64, limit: usize) -> StoreResult<usize> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // Oldest handled rows sit at the lowest ids, so the scan stops early; SKIP LOCKED lets
        // replicas prune side by side without waiting on each other.
        let deleted = self
            .execute(
                "DELETE FROM inbox WHERE id IN (SELECT id FROM inbox \
                 WHERE state = 1 AND received_ms < $1 ORDER BY id LIMIT $2 \
                 FOR UPDATE SKIP LOCKED)",
                &[&before_ms, &limit],
            )
            .await?;
        Ok(usize::try_from(deleted).unwrap_or(usize::MAX))
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

    async fn put_poll_state(&self, state: &PollState) -> StoreResult<()> {
        self.polling_put(state).await
    }

    async fn poll_state(&self, id: &SubscriptionId) -> StoreResult<Option<PollState>> {
        self.polling_get(id).await
    }

    async fn poll_states(&self) -> StoreResult<Vec<PollState>> {
        self.polling_all().await
    }

    async fn claim_poll_lease(
        &self,
        id: &SubscriptionId,
        owner: &str,
        now_ms: i64,
        until_ms: i64,
    ) -> StoreResult<Option<PollState>> {
        self.polling_claim(id, owner, now_ms, until_ms).await
    }

    async fn commit_poll(&self, commit: PollCommit) -> StoreResult<PollCommitOutcome> {
        self.polling_commit(commit).await
    }

    async fn delete_poll_state(&self, id: &SubscriptionId) -> StoreResult<()> {
        self.polling_delete(id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact_database_url("postgres://app:s3cret@db.example:5432/hooks"),
            "postgres://app@db.example:5432/hooks"
        );
        assert_eq!(
            redact_database_url("postgresql://app@db/hooks?sslmode=disable&password=s3cret"),
            "postgresql://app@db/hooks?sslmode=disable&password=%3Credacted%3E"
        );
        assert_eq!(
            redact_database_url("host=db user=app password='s3 cret' dbname=hooks"),
            "host=db user=app password=<redacted> dbname=hooks"
        );
        assert_eq!(
            redact_database_url("host=db password=s3cret"),
            "host=db password=<redacted>"
        );
        assert_eq!(
            redact_database_url("postgres://a:s3cret@db:port/x?password=s3cret"),
            "postgres://a@db:port/x"
        );
        assert!(!redact_database_url("host=db junk password=s3cret").contains("s3cret"));
    }
}
