//! The run-history half of [`SqliteStore`]: the attempt and audit tables, the indexes the
//! filtered listings need, and the listing queries.
//!
//! Listings are newest first by row id (inbox ids grow in receive order), so a page is an index
//! range scan that stops after `limit + 1` rows. The scan is steered to the narrowest index for
//! the filter (`INDEXED BY`): pending and failed rows have small partial indexes, subscription
//! and trigger filters their own `(…, id)` indexes.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

use super::{corrupt, read_subscription, validate_delivery, SqliteStore, SUBSCRIPTION_COLUMNS};
use crate::store::history::{
    AttemptOperation, AttemptOutcome, AttemptRecord, AuditRecord, Cursor, DeliveryEntry,
    DeliveryQuery, ListQuery, Page, RequeueTarget, StoreCounts, SubscriptionEntry,
    SubscriptionQuery,
};
use crate::store::{DeliveryState, StoreResult, StoredDelivery, SubscriptionState};
use crate::SubscriptionId;

/// Version 3: the run history — the inbox's `trigger` column (filled from the subscriptions,
/// so trigger filters need no join), the attempt and audit logs, and an index per filter.
const SCHEMA_V3: &str = "
ALTER TABLE inbox ADD COLUMN trigger TEXT;
UPDATE inbox SET trigger = (SELECT s.trigger FROM subscriptions s WHERE s.id = inbox.subscription_id);
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    trigger TEXT NOT NULL,
    operation TEXT NOT NULL,
    outcome TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    at_ms INTEGER NOT NULL
);
CREATE INDEX attempts_subscription ON attempts(subscription_id, id);
CREATE INDEX attempts_trigger ON attempts(trigger, id);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    token_name TEXT NOT NULL,
    action TEXT NOT NULL,
    subscription_id TEXT,
    delivery_id INTEGER,
    detail TEXT NOT NULL
);
CREATE INDEX audit_subscription ON audit(subscription_id, id);
CREATE INDEX inbox_failed ON inbox(id) WHERE state = 2;
CREATE INDEX inbox_failed_subscription ON inbox(subscription_id, id) WHERE state = 2;
CREATE INDEX inbox_failed_trigger ON inbox(trigger, id) WHERE state = 2;
CREATE INDEX inbox_subscription ON inbox(subscription_id, id);
CREATE INDEX inbox_trigger ON inbox(trigger, id);
CREATE INDEX inbox_received ON inbox(received_ms);
CREATE INDEX subscriptions_created ON subscriptions(created_ms, id);
CREATE INDEX subscriptions_trigger ON subscriptions(trigger, created_ms, id);
";

/// Apply [`SCHEMA_V3`] (inside the migration transaction).
pub(super) fn migrate_to_3(conn: &Connection) -> StoreResult<()> {
    conn.execute_batch(SCHEMA_V3)?;
    Ok(())
}

/// The inbox's integer code for a state.
pub(super) fn state_code(state: DeliveryState) -> i64 {
    match state {
        DeliveryState::Pending => 0,
        DeliveryState::Done => 1,
        DeliveryState::Failed => 2,
    }
}

/// A `WHERE` clause under construction, with its bound values.
#[derive(Default)]
struct Filter {
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Filter {
    /// `column = value`.
    fn eq(&mut self, column: &str, value: Option<impl Into<Value>>) {
        if let Some(value) = value {
            self.values.push(value.into());
            self.clauses
                .push(format!("{column} = ?{}", self.values.len()));
        }
    }

    /// A fixed clause without values (e.g. a state literal a partial index can match).
    fn raw(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    /// `since <= column < until`.
    fn time<S>(&mut self, column: &str, query: &ListQuery<S>) {
        if let Some(since) = query.since_ms {
            self.values.push(since.into());
            self.clauses
                .push(format!("{column} >= ?{}", self.values.len()));
        }
        if let Some(until) = query.until_ms {
            self.values.push(until.into());
            self.clauses
                .push(format!("{column} < ?{}", self.values.len()));
        }
    }

    /// Rows after the cursor in a newest-first row-id order.
    fn before_row(&mut self, column: &str, after: Option<&Cursor>) {
        if let Some(cursor) = after {
            self.values.push(cursor.key.into());
            self.clauses
                .push(format!("{column} < ?{}", self.values.len()));
        }
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// Bind `LIMIT page + 1` (one extra row tells whether another page follows) and return
    /// the `LIMIT` clause.
    fn limit(&mut self, page: usize) -> String {
        self.values
            .push(i64::try_from(page + 1).unwrap_or(i64::MAX).into());
        format!("LIMIT ?{}", self.values.len())
    }
}

/// Run a listing and cut it into a page.
fn page_of<T>(
    conn: &Connection,
    sql: &str,
    values: Vec<Value>,
    page: usize,
    read: impl Fn(&Row<'_>) -> StoreResult<T>,
    cursor_of: impl Fn(&T) -> Cursor,
) -> StoreResult<Page<T>> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query(params_from_iter(values))?;
    let mut items = Vec::new();
    while let Some(row) = rows.next()? {
        items.push(read(row)?);
    }
    Ok(Page::from_rows(items, page, cursor_of))
}

const ENTRY_COLUMNS: &str = "id, subscription_id, trigger, delivery_id, received_ms, state, \
    attempts, last_error, headers";

fn read_entry(row: &Row<'_>) -> StoreResult<DeliveryEntry> {
    let id: i64 = row.get(0)?;
    let subscription: String = row.get(1)?;
    let subscription = SubscriptionId::parse(&subscription)
        .ok_or_else(|| corrupt(format!("inbox row {id}: subscription {subscription:?}")))?;
    let state = match row.get::<_, i64>(5)? {
        0 => DeliveryState::Pending,
        1 => DeliveryState::Done,
        2 => DeliveryState::Failed,
        other => return Err(corrupt(format!("inbox row {id}: state {other}"))),
    };
    let headers: String = row.get(8)?;
    let headers = serde_json::from_str(&headers)
        .map_err(|e| corrupt(format!("inbox row {id}: headers: {e}")))?;
    Ok(DeliveryEntry {
        id,
        subscription,
        trigger: row.get(2)?,
        delivery_id: row.get(3)?,
        received_ms: row.get(4)?,
        state,
        attempts: u32::try_from(row.get::<_, i64>(6)?).unwrap_or(u32::MAX),
        last_error: row.get(7)?,
        headers,
        body: row.get(9)?,
    })
}

/// The first row id received at or after `ms`, through `inbox_received` (one index probe).
fn first_id_at(conn: &Connection, ms: i64) -> StoreResult<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM inbox INDEXED BY inbox_received WHERE received_ms >= ?1 \
             ORDER BY received_ms, id LIMIT 1",
        )?
        .query_row([ms], |row| row.get(0))
        .optional()?)
}

/// A time range as an id range: receive times grow with the id (the insert keeps them
/// monotonic), so `[since, until)` is `[first id at since, first id at until)`, and a listing
/// walks only that slice of whichever index it uses. `None` when nothing is in range.
fn id_bounds<S>(
    conn: &Connection,
    list: &ListQuery<S>,
    filter: &mut Filter,
) -> StoreResult<Option<()>> {
    if let Some(since) = list.since_ms {
        match first_id_at(conn, since)? {
            Some(low) => filter.raw(format!("id >= {low}")),
            None => return Ok(None),
        }
    }
    if let Some(until) = list.until_ms {
        if let Some(high) = first_id_at(conn, until)? {
            filter.raw(format!("id < {high}"));
        }
    }
    Ok(Some(()))
}

fn list_deliveries(conn: &Connection, query: &DeliveryQuery) -> StoreResult<Page<DeliveryEntry>> {
    let list = &query.list;
    let mut filter = Filter::default();
    if id_bounds(conn, list, &mut filter)?.is_none() {
        return Ok(Page {
            items: Vec::new(),
            next: None,
        });
    }
    // The narrowest index for the filter; partial indexes need the state as a literal.
    let index = match list.state {
        Some(DeliveryState::Pending) => "inbox_pending",
        // Failed rows of one subscription or trigger: its own partial index, so a page reads
        // its rows only, not every newer failed row of the others.
        Some(DeliveryState::Failed) if list.subscription.is_some() => "inbox_failed_subscription",
        Some(DeliveryState::Failed) if list.trigger.is_some() => "inbox_failed_trigger",
        Some(DeliveryState::Failed) => "inbox_failed",
        _ if list.subscription.is_some() => "inbox_subscription",
        _ if list.trigger.is_some() => "inbox_trigger",
        _ => "",
    };
    if let Some(state) = list.state {
        filter.raw(format!("state = {}", state_code(state)));
    }
    filter.eq(
        "subscription_id",
        list.subscription.as_ref().map(|s| s.as_str().to_owned()),
    );
    filter.eq("trigger", list.trigger.clone());
    filter.time("received_ms", list);
    filter.before_row("id", list.after.as_ref());
    let page = list.page_size();
    let limit = filter.limit(page);
    let indexed = if index.is_empty() {
        String::new()
    } else {
        format!("INDEXED BY {index}")
    };
    let body = if query.with_body { "body" } else { "NULL" };
    let sql = format!(
        "SELECT {ENTRY_COLUMNS}, {body} FROM inbox {indexed} {} ORDER BY id DESC {limit}",
        filter.sql()
    );
    page_of(conn, &sql, filter.values, page, read_entry, |row| {
        Cursor::after_row(row.id)
    })
}

fn list_subscriptions(
    conn: &Connection,
    query: &SubscriptionQuery,
) -> StoreResult<Page<SubscriptionEntry>> {
    let list = &query.list;
    let mut filter = Filter::default();
    filter.eq("trigger", list.trigger.clone());
    filter.eq(
        "id",
        list.subscription.as_ref().map(|s| s.as_str().to_owned()),
    );
    filter.eq("state", list.state.map(|s| s.as_str().to_owned()));
    filter.eq("kind", query.kind.map(|k| k.as_str().to_owned()));
    filter.time("created_ms", list);
    if let Some(cursor) = &list.after {
        filter.values.push(cursor.key.into());
        let key = filter.values.len();
        filter.values.push(cursor.id.clone().into());
        filter.raw(format!(
            "(created_ms < ?{key} OR (created_ms = ?{key} AND id < ?{}))",
            key + 1
        ));
    }
    let page = list.page_size();
    let limit = filter.limit(page);
    // The subquery walks `inbox_subscription` backwards: one index probe per row listed.
    let sql = format!(
        "SELECT {SUBSCRIPTION_COLUMNS}, (SELECT received_ms FROM inbox \
         WHERE inbox.subscription_id = subscriptions.id ORDER BY inbox.id DESC LIMIT 1) \
         FROM subscriptions {} ORDER BY created_ms DESC, id DESC {limit}",
        filter.sql()
    );
    page_of(
        conn,
        &sql,
        filter.values,
        page,
        |row| {
            let record = read_subscription(row)?.validate()?;
            Ok(SubscriptionEntry {
                record,
                last_callback_ms: row.get(15)?,
            })
        },
        |entry| Cursor {
            key: entry.record.created_ms,
            id: entry.record.id.as_str().to_owned(),
        },
    )
}

fn delivery(conn: &Connection, id: i64, with_body: bool) -> StoreResult<Option<DeliveryEntry>> {
    let body = if with_body { "body" } else { "NULL" };
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS}, {body} FROM inbox WHERE id = ?1"
    ))?;
    let mut rows = statement.query([id])?;
    match rows.next()? {
        Some(row) => read_entry(row).map(Some),
        None => Ok(None),
    }
}

fn requeue_failed(conn: &Connection, target: &RequeueTarget) -> StoreResult<Vec<StoredDelivery>> {
    let (clause, value): (&str, Value) = match target {
        RequeueTarget::Delivery(id) => ("id = ?1", (*id).into()),
        RequeueTarget::Subscription(sub) => {
            ("subscription_id = ?1", sub.as_str().to_owned().into())
        }
    };
    let mut rows = Vec::new();
    {
        let mut statement = conn.prepare_cached(&format!(
            "SELECT {} FROM inbox WHERE state = 2 AND {clause} ORDER BY id",
            super::DELIVERY_COLUMNS
        ))?;
        let found = statement.query_map([&value], super::read_delivery)?;
        for row in found {
            rows.push(validate_delivery(row?)?);
        }
    }
    // Unleased, so whichever host redelivers next claims it.
    let mut update = conn.prepare_cached(
        "UPDATE inbox SET state = 0, lease_owner = NULL, lease_until_ms = NULL WHERE id = ?1",
    )?;
    for row in &mut rows {
        update.execute([row.id])?;
        row.state = DeliveryState::Pending;
    }
    Ok(rows)
}

fn read_attempt(row: &Row<'_>) -> StoreResult<AttemptRecord> {
    let id: i64 = row.get(0)?;
    let subscription: String = row.get(1)?;
    let operation: String = row.get(3)?;
    let outcome: String = row.get(4)?;
    Ok(AttemptRecord {
        id,
        subscription: SubscriptionId::parse(&subscription)
            .ok_or_else(|| corrupt(format!("attempt {id}: subscription {subscription:?}")))?,
        trigger: row.get(2)?,
        operation: AttemptOperation::parse(&operation)
            .ok_or_else(|| corrupt(format!("attempt {id}: operation {operation:?}")))?,
        outcome: AttemptOutcome::parse(&outcome)
            .ok_or_else(|| corrupt(format!("attempt {id}: outcome {outcome:?}")))?,
        status: row
            .get::<_, Option<i64>>(5)?
            .and_then(|s| u16::try_from(s).ok()),
        error: row.get(6)?,
        at_ms: row.get(7)?,
    })
}

fn list_attempts(
    conn: &Connection,
    query: &ListQuery<AttemptOutcome>,
) -> StoreResult<Page<AttemptRecord>> {
    let mut filter = Filter::default();
    filter.eq(
        "subscription_id",
        query.subscription.as_ref().map(|s| s.as_str().to_owned()),
    );
    filter.eq("trigger", query.trigger.clone());
    filter.eq("outcome", query.state.map(|s| s.as_str().to_owned()));
    filter.time("at_ms", query);
    filter.before_row("id", query.after.as_ref());
    let page = query.page_size();
    let limit = filter.limit(page);
    let sql = format!(
        "SELECT id, subscription_id, trigger, operation, outcome, status, error, at_ms \
         FROM attempts {} ORDER BY id DESC {limit}",
        filter.sql()
    );
    page_of(conn, &sql, filter.values, page, read_attempt, |row| {
        Cursor::after_row(row.id)
    })
}

fn read_audit(row: &Row<'_>) -> StoreResult<AuditRecord> {
    let id: i64 = row.get(0)?;
    let subscription: Option<String> = row.get(4)?;
    let subscription = match subscription {
        Some(text) => Some(
            SubscriptionId::parse(&text)
                .ok_or_else(|| corrupt(format!("audit {id}: subscription {text:?}")))?,
        ),
        None => None,
    };
    Ok(AuditRecord {
        id,
        at_ms: row.get(1)?,
        token_name: row.get(2)?,
        action: row.get(3)?,
        subscription,
        delivery: row.get(5)?,
        detail: row.get(6)?,
    })
}

fn list_audit(conn: &Connection, query: &ListQuery<String>) -> StoreResult<Page<AuditRecord>> {
    let mut filter = Filter::default();
    filter.eq(
        "subscription_id",
        query.subscription.as_ref().map(|s| s.as_str().to_owned()),
    );
    if let Some(trigger) = &query.trigger {
        filter.values.push(trigger.clone().into());
        filter.raw(format!(
            "subscription_id IN (SELECT id FROM subscriptions WHERE trigger = ?{})",
            filter.values.len()
        ));
    }
    filter.eq("action", query.state.clone());
    filter.time("at_ms", query);
    filter.before_row("id", query.after.as_ref());
    let page = query.page_size();
    let limit = filter.limit(page);
    let sql = format!(
        "SELECT id, at_ms, token_name, action, subscription_id, delivery_id, detail \
         FROM audit {} ORDER BY id DESC {limit}",
        filter.sql()
    );
    page_of(conn, &sql, filter.values, page, read_audit, |row| {
        Cursor::after_row(row.id)
    })
}

fn counts(conn: &Connection) -> StoreResult<StoreCounts> {
    // Both counts walk a partial index, so they stay cheap however many rows are done.
    let pending: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM inbox INDEXED BY inbox_pending WHERE state = 0")?
        .query_row([], |row| row.get(0))?;
    let failed: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM inbox INDEXED BY inbox_failed WHERE state = 2")?
        .query_row([], |row| row.get(0))?;
    let mut statement =
        conn.prepare_cached("SELECT state, COUNT(*) FROM subscriptions GROUP BY state")?;
    let mut rows = statement.query([])?;
    let mut subscriptions = Vec::new();
    while let Some(row) = rows.next()? {
        let state: String = row.get(0)?;
        let count: i64 = row.get(1)?;
        let state = SubscriptionState::parse(&state)
            .ok_or_else(|| corrupt(format!("subscription state {state:?}")))?;
        subscriptions.push((state, u64::try_from(count).unwrap_or(0)));
    }
    subscriptions.sort_by_key(|(state, _)| *state as u8);
    Ok(StoreCounts {
        pending_deliveries: u64::try_from(pending).unwrap_or(0),
        failed_deliveries: u64::try_from(failed).unwrap_or(0),
        subscriptions,
    })
}

impl SqliteStore {
    pub(super) async fn history_list_subscriptions(
        &self,
        query: &SubscriptionQuery,
    ) -> StoreResult<Page<SubscriptionEntry>> {
        let query = query.clone();
        self.call(move |conn| list_subscriptions(conn, &query))
            .await
    }

    pub(super) async fn history_list_deliveries(
        &self,
        query: &DeliveryQuery,
    ) -> StoreResult<Page<DeliveryEntry>> {
        let query = query.clone();
        self.call(move |conn| list_deliveries(conn, &query)).await
    }

    pub(super) async fn history_delivery(
        &self,
        id: i64,
        with_body: bool,
    ) -> StoreResult<Option<DeliveryEntry>> {
        self.call(move |conn| delivery(conn, id, with_body)).await
    }

    pub(super) async fn history_requeue_failed(
        &self,
        target: &RequeueTarget,
    ) -> StoreResult<Vec<StoredDelivery>> {
        let target = target.clone();
        self.call(move |conn| requeue_failed(conn, &target)).await
    }

    pub(super) async fn history_record_attempt(&self, attempt: &AttemptRecord) -> StoreResult<()> {
        let attempt = attempt.clone();
        self.call(move |conn| {
            conn.prepare_cached(
                "INSERT INTO attempts (subscription_id, trigger, operation, outcome, status, \
                 error, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                attempt.subscription.as_str(),
                attempt.trigger,
                attempt.operation.as_str(),
                attempt.outcome.as_str(),
                attempt.status.map(i64::from),
                attempt.error,
                attempt.at_ms,
            ])?;
            Ok(())
        })
        .await
    }

    pub(super) async fn history_list_attempts(
        &self,
        query: &ListQuery<AttemptOutcome>,
    ) -> StoreResult<Page<AttemptRecord>> {
        let query = query.clone();
        self.call(move |conn| list_attempts(conn, &query)).await
    }

    pub(super) async fn history_record_audit(&self, entry: &AuditRecord) -> StoreResult<()> {
        let entry = entry.clone();
        self.call(move |conn| {
            conn.prepare_cached(
                "INSERT INTO audit (at_ms, token_name, action, subscription_id, delivery_id, \
                 detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                entry.at_ms,
                entry.token_name,
                entry.action,
                entry.subscription.as_ref().map(|s| s.as_str().to_owned()),
                entry.delivery,
                entry.detail,
            ])?;
            Ok(())
        })
        .await
    }

    pub(super) async fn history_list_audit(
        &self,
        query: &ListQuery<String>,
    ) -> StoreResult<Page<AuditRecord>> {
        let query = query.clone();
        self.call(move |conn| list_audit(conn, &query)).await
    }

    pub(super) async fn history_counts(&self) -> StoreResult<StoreCounts> {
        self.call(counts).await
    }
}
