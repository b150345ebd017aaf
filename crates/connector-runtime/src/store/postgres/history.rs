//! The run-history half of [`PostgresStore`]: migration 3 (the attempt and audit tables, the
//! inbox's `trigger` column and the indexes the filtered listings need) and the listing
//! queries.
//!
//! Listings are newest first by row id, so a page is a backward index range scan that stops
//! after `limit + 1` rows: the primary key with no filter, the small partial indexes for
//! pending and failed rows (failed ones also by subscription and by trigger),
//! `(subscription_id, id)` and `(trigger, id)` for those filters.
//! A time range is narrowed to an id range first (see [`PostgresStore::id_bounds`]), so an
//! old window does not walk every newer row.

use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use super::{
    corrupt, describe, read_delivery, read_subscription, PostgresStore, RETURNED_DELIVERY_COLUMNS,
    SUBSCRIPTION_COLUMNS,
};
use crate::store::history::{
    AttemptOperation, AttemptOutcome, AttemptRecord, AuditRecord, Cursor, DeliveryEntry,
    DeliveryQuery, ListQuery, Page, RequeueTarget, StoreCounts, SubscriptionEntry,
    SubscriptionQuery,
};
use crate::store::rows::validate_delivery;
use crate::store::{DeliveryState, StoreResult, StoredDelivery, SubscriptionState};
use crate::SubscriptionId;

/// Migration 3, as SQLite's: the inbox's `trigger` column (copied from the subscription at
/// insert, so trigger filters need no join), the attempt and audit logs, an index per filter.
pub(super) const MIGRATION_3: &str = "
ALTER TABLE inbox ADD COLUMN trigger TEXT;
UPDATE inbox SET trigger = s.trigger FROM subscriptions s WHERE s.id = inbox.subscription_id;
CREATE TABLE attempts (
    id BIGSERIAL PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    trigger TEXT NOT NULL,
    operation TEXT NOT NULL,
    outcome TEXT NOT NULL,
    status INTEGER,
    error TEXT,
    at_ms BIGINT NOT NULL
);
CREATE INDEX attempts_subscription ON attempts (subscription_id, id);
CREATE INDEX attempts_trigger ON attempts (trigger, id);
CREATE TABLE audit (
    id BIGSERIAL PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    token_name TEXT NOT NULL,
    action TEXT NOT NULL,
    subscription_id TEXT,
    delivery_id BIGINT,
    detail TEXT NOT NULL
);
CREATE INDEX audit_subscription ON audit (subscription_id, id);
CREATE INDEX inbox_failed ON inbox (id) WHERE state = 2;
-- Failed rows are few, so these cost little; without them a subscription's newest failures
-- are searched for among every subscription's.
CREATE INDEX inbox_failed_subscription ON inbox (subscription_id, id) WHERE state = 2;
CREATE INDEX inbox_failed_trigger ON inbox (trigger, id) WHERE state = 2;
CREATE INDEX inbox_subscription ON inbox (subscription_id, id);
CREATE INDEX inbox_trigger ON inbox (trigger, id);
CREATE INDEX inbox_received ON inbox (received_ms);
CREATE INDEX subscriptions_created ON subscriptions (created_ms, id);
CREATE INDEX subscriptions_trigger ON subscriptions (trigger, created_ms, id);
";

/// The inbox's integer code for a state.
fn state_code(state: DeliveryState) -> i16 {
    match state {
        DeliveryState::Pending => 0,
        DeliveryState::Done => 1,
        DeliveryState::Failed => 2,
    }
}

type Param = Box<dyn ToSql + Sync + Send>;

/// A `WHERE` clause under construction, with its bound values.
#[derive(Default)]
struct Filter {
    clauses: Vec<String>,
    values: Vec<Param>,
}

impl Filter {
    /// Bind a value; its placeholder.
    fn bind(&mut self, value: impl ToSql + Sync + Send + 'static) -> String {
        self.values.push(Box::new(value));
        format!("${}", self.values.len())
    }

    /// `column <op> value`.
    fn compare(&mut self, column: &str, op: &str, value: impl ToSql + Sync + Send + 'static) {
        let placeholder = self.bind(value);
        self.clauses.push(format!("{column} {op} {placeholder}"));
    }

    /// `column = value` when there is a value.
    fn eq(&mut self, column: &str, value: Option<impl ToSql + Sync + Send + 'static>) {
        if let Some(value) = value {
            self.compare(column, "=", value);
        }
    }

    /// A fixed clause (e.g. a state literal a partial index can match).
    fn raw(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    /// `since <= column < until`.
    fn time<S>(&mut self, column: &str, query: &ListQuery<S>) {
        if let Some(since) = query.since_ms {
            self.compare(column, ">=", since);
        }
        if let Some(until) = query.until_ms {
            self.compare(column, "<", until);
        }
    }

    /// Rows after the cursor in a newest-first row-id order.
    fn before_row(&mut self, after: Option<&Cursor>) {
        if let Some(cursor) = after {
            self.compare("id", "<", cursor.key);
        }
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    /// `LIMIT page + 1` (one extra row tells whether another page follows).
    fn limit(&mut self, page: usize) -> String {
        let placeholder = self.bind(i64::try_from(page + 1).unwrap_or(i64::MAX));
        format!("LIMIT {placeholder}")
    }

    fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.values
            .iter()
            .map(|value| value.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }
}

/// Read a column, a type mismatch being a corrupt row.
fn get<'a, T: tokio_postgres::types::FromSql<'a>>(row: &'a Row, index: usize) -> StoreResult<T> {
    row.try_get(index).map_err(|e| corrupt(describe(&e)))
}

const ENTRY_COLUMNS: &str = "id, subscription_id, trigger, delivery_id, received_ms, state, \
    attempts, last_error, headers";

fn read_entry(row: &Row) -> StoreResult<DeliveryEntry> {
    let id: i64 = get(row, 0)?;
    let subscription: String = get(row, 1)?;
    let subscription = SubscriptionId::parse(&subscription)
        .ok_or_else(|| corrupt(format!("inbox row {id}: subscription {subscription:?}")))?;
    let state = match get::<i16>(row, 5)? {
        0 => DeliveryState::Pending,
        1 => DeliveryState::Done,
        2 => DeliveryState::Failed,
        other => return Err(corrupt(format!("inbox row {id}: state {other}"))),
    };
    let headers: String = get(row, 8)?;
    let headers = serde_json::from_str(&headers)
        .map_err(|e| corrupt(format!("inbox row {id}: headers: {e}")))?;
    Ok(DeliveryEntry {
        id,
        subscription,
        trigger: get(row, 2)?,
        delivery_id: get(row, 3)?,
        received_ms: get(row, 4)?,
        state,
        attempts: u32::try_from(get::<i32>(row, 6)?).unwrap_or(u32::MAX),
        last_error: get(row, 7)?,
        headers,
        body: get(row, 9)?,
    })
}

fn read_attempt(row: &Row) -> StoreResult<AttemptRecord> {
    let id: i64 = get(row, 0)?;
    let subscription: String = get(row, 1)?;
    let operation: String = get(row, 3)?;
    let outcome: String = get(row, 4)?;
    Ok(AttemptRecord {
        id,
        subscription: SubscriptionId::parse(&subscription)
            .ok_or_else(|| corrupt(format!("attempt {id}: subscription {subscription:?}")))?,
        trigger: get(row, 2)?,
        operation: AttemptOperation::parse(&operation)
            .ok_or_else(|| corrupt(format!("attempt {id}: operation {operation:?}")))?,
        outcome: AttemptOutcome::parse(&outcome)
            .ok_or_else(|| corrupt(format!("attempt {id}: outcome {outcome:?}")))?,
        status: get::<Option<i32>>(row, 5)?.and_then(|s| u16::try_from(s).ok()),
        error: get(row, 6)?,
        at_ms: get(row, 7)?,
    })
}

fn read_audit(row: &Row) -> StoreResult<AuditRecord> {
    let id: i64 = get(row, 0)?;
    let subscription = match get::<Option<String>>(row, 4)? {
        Some(text) => Some(
            SubscriptionId::parse(&text)
                .ok_or_else(|| corrupt(format!("audit {id}: subscription {text:?}")))?,
        ),
        None => None,
    };
    Ok(AuditRecord {
        id,
        at_ms: get(row, 1)?,
        token_name: get(row, 2)?,
        action: get(row, 3)?,
        subscription,
        delivery: get(row, 5)?,
        detail: get(row, 6)?,
    })
}

impl PostgresStore {
    /// Run a listing and cut it into a page.
    async fn page_of<T>(
        &self,
        sql: &str,
        filter: &Filter,
        page: usize,
        read: impl Fn(&Row) -> StoreResult<T>,
        cursor_of: impl Fn(&T) -> Cursor,
    ) -> StoreResult<Page<T>> {
        let rows = self.query(sql, &filter.params()).await?;
        let items = rows.iter().map(read).collect::<StoreResult<Vec<T>>>()?;
        Ok(Page::from_rows(items, page, cursor_of))
    }

    /// The id of one row whose receive time matches `clause` (`received_ms < $1 ORDER BY
    /// received_ms DESC`, say): one probe of `inbox_received`.
    async fn id_received(&self, clause: &str, ms: i64) -> StoreResult<Option<i64>> {
        let rows = self
            .query(
                &format!("SELECT id FROM inbox WHERE {clause} LIMIT 1"),
                &[&ms],
            )
            .await?;
        rows.first().map(|row| get(row, 0)).transpose()
    }

    /// Narrow a receive-time range to an id range the listing scans (the exact time filter
    /// still applies on top).
    ///
    /// Ids are drawn from a sequence while the inserting statement runs; its receive time is
    /// the statement's start on the database clock (never below the newest row's), and no
    /// statement outlives the session's `statement_timeout`. So a row drawn after another has
    /// a receive time at most that timeout lower, and with `M` = timeout + slack: every row
    /// received at or after `since` has a larger id than any row received before
    /// `since - M`, and every row received before `until` a smaller id than any row received
    /// at or after `until + M`. One such row on each side, found in `inbox_received`, bounds
    /// the scan.
    async fn id_bounds<S>(&self, list: &ListQuery<S>, filter: &mut Filter) -> StoreResult<()> {
        let margin = self.receive_margin_ms;
        if let Some(since) = list.since_ms {
            let below = self
                .id_received(
                    "received_ms < $1 ORDER BY received_ms DESC",
                    since.saturating_sub(margin),
                )
                .await?;
            if let Some(low) = below {
                filter.compare("id", ">", low);
            }
        }
        if let Some(until) = list.until_ms {
            let above = self
                .id_received(
                    "received_ms >= $1 ORDER BY received_ms",
                    until.saturating_add(margin),
                )
                .await?;
            if let Some(high) = above {
                filter.compare("id", "<", high);
            }
        }
        Ok(())
    }

    pub(super) async fn history_list_deliveries(
        &self,
        query: &DeliveryQuery,
    ) -> StoreResult<Page<DeliveryEntry>> {
        let list = &query.list;
        let mut filter = Filter::default();
        self.id_bounds(list, &mut filter).await?;
        // A literal, so the partial indexes `inbox_pending` and `inbox_failed` match.
        if let Some(state) = list.state {
            filter.raw(format!("state = {}", state_code(state)));
        }
        filter.eq(
            "subscription_id",
            list.subscription.as_ref().map(|s| s.as_str().to_owned()),
        );
        filter.eq("trigger", list.trigger.clone());
        filter.time("received_ms", list);
        filter.before_row(list.after.as_ref());
        let page = list.page_size();
        let limit = filter.limit(page);
        let body = if query.with_body {
            "body"
        } else {
            "NULL::bytea"
        };
        let sql = format!(
            "SELECT {ENTRY_COLUMNS}, {body} FROM inbox {} ORDER BY id DESC {limit}",
            filter.sql()
        );
        self.page_of(&sql, &filter, page, read_entry, |row| {
            Cursor::after_row(row.id)
        })
        .await
    }

    pub(super) async fn history_list_subscriptions(
        &self,
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
            // A row comparison: one range bound on `(created_ms, id)` (and on
            // `(trigger, created_ms, id)` under a trigger filter).
            let key = filter.bind(cursor.key);
            let id = filter.bind(cursor.id.clone());
            filter.raw(format!("(created_ms, id) < ({key}, {id})"));
        }
        let page = list.page_size();
        let limit = filter.limit(page);
        // The subquery walks `inbox_subscription` backwards: one probe per row listed.
        let sql = format!(
            "SELECT {SUBSCRIPTION_COLUMNS}, (SELECT received_ms FROM inbox \
             WHERE inbox.subscription_id = subscriptions.id ORDER BY inbox.id DESC LIMIT 1) \
             FROM subscriptions {} ORDER BY created_ms DESC, id DESC {limit}",
            filter.sql()
        );
        self.page_of(
            &sql,
            &filter,
            page,
            |row| {
                let record = read_subscription(row)?.validate()?;
                Ok(SubscriptionEntry {
                    record,
                    last_callback_ms: get(row, 15)?,
                })
            },
            |entry| Cursor {
                key: entry.record.created_ms,
                id: entry.record.id.as_str().to_owned(),
            },
        )
        .await
    }

    pub(super) async fn history_delivery(
        &self,
        id: i64,
        with_body: bool,
    ) -> StoreResult<Option<DeliveryEntry>> {
        let body = if with_body { "body" } else { "NULL::bytea" };
        let rows = self
            .query(
                &format!("SELECT {ENTRY_COLUMNS}, {body} FROM inbox WHERE id = $1"),
                &[&id],
            )
            .await?;
        rows.first().map(read_entry).transpose()
    }

    pub(super) async fn history_requeue_failed(
        &self,
        target: &RequeueTarget,
    ) -> StoreResult<Vec<StoredDelivery>> {
        // One statement; unleased, so whichever host redelivers next claims them.
        let update = |clause: &str| {
            format!(
                "UPDATE inbox SET state = 0, lease_owner = NULL, lease_until_ms = NULL \
                 WHERE state = 2 AND {clause} RETURNING {RETURNED_DELIVERY_COLUMNS}"
            )
        };
        let rows = match target {
            RequeueTarget::Delivery(id) => self.query(&update("id = $1"), &[id]).await?,
            RequeueTarget::Subscription(sub) => {
                self.query(&update("subscription_id = $1"), &[&sub.as_str()])
                    .await?
            }
        };
        let mut requeued = rows
            .iter()
            .map(|row| read_delivery(row).and_then(validate_delivery))
            .collect::<StoreResult<Vec<_>>>()?;
        requeued.sort_by_key(|row| row.id);
        Ok(requeued)
    }

    pub(super) async fn history_record_attempt(&self, attempt: &AttemptRecord) -> StoreResult<()> {
        self.execute(
            "INSERT INTO attempts (subscription_id, trigger, operation, outcome, status, \
             error, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &attempt.subscription.as_str(),
                &attempt.trigger,
                &attempt.operation.as_str(),
                &attempt.outcome.as_str(),
                &attempt.status.map(i32::from),
                &attempt.error,
                &attempt.at_ms,
            ],
        )
        .await?;
        Ok(())
    }

    pub(super) async fn history_list_attempts(
        &self,
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
        filter.before_row(query.after.as_ref());
        let page = query.page_size();
        let limit = filter.limit(page);
        let sql = format!(
            "SELECT id, subscription_id, trigger, operation, outcome, status, error, at_ms \
             FROM attempts {} ORDER BY id DESC {limit}",
            filter.sql()
        );
        self.page_of(&sql, &filter, page, read_attempt, |row| {
            Cursor::after_row(row.id)
        })
        .await
    }

    pub(super) async fn history_record_audit(&self, entry: &AuditRecord) -> StoreResult<()> {
        self.execute(
            "INSERT INTO audit (at_ms, token_name, action, subscription_id, delivery_id, \
             detail) VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &entry.at_ms,
                &entry.token_name,
                &entry.action,
                &entry.subscription.as_ref().map(SubscriptionId::as_str),
                &entry.delivery,
                &entry.detail,
            ],
        )
        .await?;
        Ok(())
    }

    pub(super) async fn history_list_audit(
        &self,
        query: &ListQuery<String>,
    ) -> StoreResult<Page<AuditRecord>> {
        let mut filter = Filter::default();
        filter.eq(
            "subscription_id",
            query.subscription.as_ref().map(|s| s.as_str().to_owned()),
        );
        if let Some(trigger) = &query.trigger {
            let placeholder = filter.bind(trigger.clone());
            filter.raw(format!(
                "subscription_id IN (SELECT id FROM subscriptions WHERE trigger = {placeholder})"
            ));
        }
        filter.eq("action", query.state.clone());
        filter.time("at_ms", query);
        filter.before_row(query.after.as_ref());
        let page = query.page_size();
        let limit = filter.limit(page);
        let sql = format!(
            "SELECT id, at_ms, token_name, action, subscription_id, delivery_id, detail \
             FROM audit {} ORDER BY id DESC {limit}",
            filter.sql()
        );
        self.page_of(&sql, &filter, page, read_audit, |row| {
            Cursor::after_row(row.id)
        })
        .await
    }

    pub(super) async fn history_counts(&self) -> StoreResult<StoreCounts> {
        // Both inbox counts walk a partial index, so they stay cheap however many rows are
        // done; one round trip for all three.
        let rows = self
            .query(
                "SELECT 'inbox:pending', count(*) FROM inbox WHERE state = 0 \
                 UNION ALL SELECT 'inbox:failed', count(*) FROM inbox WHERE state = 2 \
                 UNION ALL SELECT state, count(*) FROM subscriptions GROUP BY state",
                &[],
            )
            .await?;
        let mut counts = StoreCounts::default();
        for row in &rows {
            let name: String = get(row, 0)?;
            let count = u64::try_from(get::<i64>(row, 1)?).unwrap_or(0);
            match name.as_str() {
                "inbox:pending" => counts.pending_deliveries = count,
                "inbox:failed" => counts.failed_deliveries = count,
                state => {
                    let state = SubscriptionState::parse(state)
                        .ok_or_else(|| corrupt(format!("subscription state {state:?}")))?;
                    counts.subscriptions.push((state, count));
                }
            }
        }
        counts.subscriptions.sort_by_key(|(state, _)| *state as u8);
        Ok(counts)
    }
}
