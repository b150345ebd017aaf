//! The polling half of [`PostgresStore`]: migrations 4 and 5 (the `poll_state` cursor table) and
//! the statements behind the store's polling methods. Each is one statement, except a poll's
//! commit: one short transaction that advances the cursor and stores the items together.

use tokio_postgres::Row;

use super::{classify, corrupt, describe, insert_rows, PostgresStore};
use crate::store::polling::{optional_request_json, request_json, validate, RawPollState};
use crate::store::{InsertOutcome, PollCommit, PollCommitOutcome, PollState, StoreResult};
use crate::SubscriptionId;

/// Migration 4, as SQLite's: one cursor per polling subscription; a poll's inbox rows
/// reference `subscription_id` like callbacks do.
pub(super) const MIGRATION_4: &str = "
CREATE TABLE poll_state (
    subscription_id TEXT PRIMARY KEY,
    next_request TEXT NOT NULL,
    version BIGINT NOT NULL,
    interval_ms BIGINT NOT NULL,
    next_poll_ms BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until_ms BIGINT NOT NULL DEFAULT 0
);
";

/// Migration 5, as SQLite's: where a poll goes after the pages it reads in chunks.
pub(super) const MIGRATION_5: &str = "ALTER TABLE poll_state ADD COLUMN after_pages TEXT";

const COLUMNS: &str = "subscription_id, next_request, version, interval_ms, next_poll_ms, \
                       lease_owner, lease_until_ms, after_pages";

fn read(row: &Row) -> StoreResult<PollState> {
    let raw = || -> Result<RawPollState, tokio_postgres::Error> {
        Ok((
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
            row.try_get(3)?,
            row.try_get(4)?,
            row.try_get(5)?,
            row.try_get(6)?,
            row.try_get(7)?,
        ))
    };
    validate(raw().map_err(|e| corrupt(describe(&e)))?)
}

impl PostgresStore {
    pub(super) async fn polling_put(&self, state: &PollState) -> StoreResult<()> {
        self.execute(
            &format!(
                "INSERT INTO poll_state ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (subscription_id) DO UPDATE SET \
                 next_request = EXCLUDED.next_request, version = EXCLUDED.version, \
                 interval_ms = EXCLUDED.interval_ms, next_poll_ms = EXCLUDED.next_poll_ms, \
                 lease_owner = EXCLUDED.lease_owner, lease_until_ms = EXCLUDED.lease_until_ms, \
                 after_pages = EXCLUDED.after_pages"
            ),
            &[
                &state.subscription.as_str(),
                &request_json(&state.next_request)?,
                &state.version,
                &state.interval_ms,
                &state.next_poll_ms,
                &state.lease_owner,
                &state.lease_until_ms,
                &optional_request_json(state.after_pages.as_ref())?,
            ],
        )
        .await?;
        Ok(())
    }

    pub(super) async fn polling_get(&self, id: &SubscriptionId) -> StoreResult<Option<PollState>> {
        let rows = self
            .query(
                &format!("SELECT {COLUMNS} FROM poll_state WHERE subscription_id = $1"),
                &[&id.as_str()],
            )
            .await?;
        rows.first().map(read).transpose()
    }

    pub(super) async fn polling_all(&self) -> StoreResult<Vec<PollState>> {
        self.query(
            &format!("SELECT {COLUMNS} FROM poll_state ORDER BY subscription_id"),
            &[],
        )
        .await?
        .iter()
        .map(read)
        .collect()
    }

    /// One conditional update: of two replicas claiming a free lease at once, the second
    /// waits for the first's row lock (this statement only), re-checks and finds it held.
    pub(super) async fn polling_claim(
        &self,
        id: &SubscriptionId,
        owner: &str,
        now_ms: i64,
        until_ms: i64,
    ) -> StoreResult<Option<PollState>> {
        let rows = self
            .query(
                &format!(
                    "UPDATE poll_state SET lease_owner = $2, lease_until_ms = $4 \
                     WHERE subscription_id = $1 \
                     AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until_ms < $3) \
                     RETURNING {COLUMNS}"
                ),
                &[&id.as_str(), &owner, &now_ms, &until_ms],
            )
            .await?;
        rows.first().map(read).transpose()
    }

    pub(super) async fn polling_delete(&self, id: &SubscriptionId) -> StoreResult<()> {
        self.execute(
            "DELETE FROM poll_state WHERE subscription_id = $1",
            &[&id.as_str()],
        )
        .await?;
        Ok(())
    }

    /// Advance the cursor (if the version and the lease match) and insert the items through
    /// the callbacks' insert statement, in one transaction: the cursor's row lock is held
    /// only for these two statements, never while a handler or a poll runs.
    pub(super) async fn polling_commit(
        &self,
        commit: PollCommit,
    ) -> StoreResult<PollCommitOutcome> {
        let mut client = self.client().await?;
        let transaction = client.transaction().await.map_err(classify)?;
        let advance = transaction
            .prepare_cached(
                "UPDATE poll_state SET next_request = $3, version = version + 1, \
                 next_poll_ms = $4, lease_until_ms = $5, after_pages = $7 \
                 WHERE subscription_id = $1 AND version = $2 AND lease_owner = $6 \
                 RETURNING version",
            )
            .await
            .map_err(classify)?;
        let advanced = transaction
            .query(
                &advance,
                &[
                    &commit.subscription.as_str(),
                    &commit.expected_version,
                    &request_json(&commit.next_request)?,
                    &commit.next_poll_ms,
                    &commit.lease_until_ms,
                    &commit.owner,
                    &optional_request_json(commit.after_pages.as_ref())?,
                ],
            )
            .await
            .map_err(classify)?;
        let Some(row) = advanced.first() else {
            // Nothing changed; dropping the transaction rolls it back.
            return Ok(PollCommitOutcome::Stale);
        };
        let version: i64 = row.try_get(0).map_err(|e| corrupt(describe(&e)))?;
        let items: Vec<_> = commit.items.iter().collect();
        let outcomes = if items.is_empty() {
            Vec::new()
        } else {
            insert_rows(&transaction, &items).await?
        };
        transaction.commit().await.map_err(classify)?;
        let inserted = outcomes
            .into_iter()
            .enumerate()
            .filter_map(|(index, outcome)| match outcome {
                InsertOutcome::Inserted(row) => Some((index, row)),
                InsertOutcome::Duplicate => None,
            })
            .collect();
        Ok(PollCommitOutcome::Committed { version, inserted })
    }
}
