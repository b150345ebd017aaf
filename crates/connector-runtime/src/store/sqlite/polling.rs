//! SQLite side of polling triggers: the `poll_state` table and the statements behind the
//! store's polling methods, run on the store's writer thread.

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::store::polling::{optional_request_json, request_json, validate, RawPollState};
use crate::store::{now_ms, PollCommit, PollCommitOutcome, PollState, StoreResult};
use crate::SubscriptionId;

/// Version 4: the cursor table; inbox rows of a poll reference `subscription_id` like
/// callbacks do.
pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS poll_state (
    subscription_id TEXT PRIMARY KEY,
    next_request TEXT NOT NULL,
    version INTEGER NOT NULL,
    interval_ms INTEGER NOT NULL,
    next_poll_ms INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until_ms INTEGER NOT NULL DEFAULT 0
);
";

/// Version 5: where a poll goes after the pages it reads in chunks ([`PollState::after_pages`]).
pub(super) const MIGRATION_5: &str = "ALTER TABLE poll_state ADD COLUMN after_pages TEXT;";

const COLUMNS: &str = "subscription_id, next_request, version, interval_ms, next_poll_ms, \
                       lease_owner, lease_until_ms, after_pages";

fn read(row: &Row<'_>) -> rusqlite::Result<RawPollState> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
    ))
}

pub(super) fn put(conn: &Connection, state: &PollState) -> StoreResult<()> {
    conn.prepare_cached(&format!(
        "INSERT OR REPLACE INTO poll_state ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    ))?
    .execute(params![
        state.subscription.as_str(),
        request_json(&state.next_request)?,
        state.version,
        state.interval_ms,
        state.next_poll_ms,
        state.lease_owner,
        state.lease_until_ms,
        optional_request_json(state.after_pages.as_ref())?,
    ])?;
    Ok(())
}

pub(super) fn get(conn: &Connection, id: &SubscriptionId) -> StoreResult<Option<PollState>> {
    let raw = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM poll_state WHERE subscription_id = ?1"
        ))?
        .query_row([id.as_str()], read)
        .optional()?;
    raw.map(validate).transpose()
}

pub(super) fn all(conn: &Connection) -> StoreResult<Vec<PollState>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM poll_state ORDER BY subscription_id"
    ))?;
    let rows = statement.query_map([], read)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(validate(row?)?);
    }
    Ok(out)
}

pub(super) fn claim(
    conn: &Connection,
    id: &SubscriptionId,
    owner: &str,
    now: i64,
    until: i64,
) -> StoreResult<Option<PollState>> {
    let taken = conn
        .prepare_cached(
            "UPDATE poll_state SET lease_owner = ?2, lease_until_ms = ?4 \
             WHERE subscription_id = ?1 \
             AND (lease_owner IS NULL OR lease_owner = ?2 OR lease_until_ms < ?3)",
        )?
        .execute(params![id.as_str(), owner, now, until])?;
    if taken == 0 {
        return Ok(None);
    }
    get(conn, id)
}

pub(super) fn delete(conn: &Connection, id: &SubscriptionId) -> StoreResult<()> {
    conn.prepare_cached("DELETE FROM poll_state WHERE subscription_id = ?1")?
        .execute([id.as_str()])?;
    Ok(())
}

/// The commit runs inside the writer's group transaction, so it gets a savepoint of its own:
/// either the cursor advances and every item is in the inbox, or neither.
pub(super) fn commit(conn: &Connection, commit: &PollCommit) -> StoreResult<PollCommitOutcome> {
    conn.prepare_cached("SAVEPOINT poll_commit")?.execute([])?;
    match commit_inside(conn, commit) {
        Ok(outcome) => {
            conn.prepare_cached("RELEASE poll_commit")?.execute([])?;
            Ok(outcome)
        }
        Err(error) => {
            // Undo this commit's statements only; other jobs of the group are unaffected.
            let _ = conn.execute_batch("ROLLBACK TO poll_commit; RELEASE poll_commit;");
            Err(error)
        }
    }
}

fn commit_inside(conn: &Connection, commit: &PollCommit) -> StoreResult<PollCommitOutcome> {
    let advanced = conn
        .prepare_cached(
            "UPDATE poll_state SET next_request = ?3, version = version + 1, next_poll_ms = ?4, \
             lease_until_ms = ?5, after_pages = ?7 \
             WHERE subscription_id = ?1 AND version = ?2 AND lease_owner = ?6",
        )?
        .execute(params![
            commit.subscription.as_str(),
            commit.expected_version,
            request_json(&commit.next_request)?,
            commit.next_poll_ms,
            commit.lease_until_ms,
            commit.owner,
            optional_request_json(commit.after_pages.as_ref())?,
        ])?;
    if advanced == 0 {
        return Ok(PollCommitOutcome::Stale);
    }
    let received = now_ms();
    let mut inserted = Vec::new();
    for (index, item) in commit.items.iter().enumerate() {
        if let Some(row) = super::insert_inbox_row(conn, item, received)? {
            inserted.push((index, row));
        }
    }
    Ok(PollCommitOutcome::Committed {
        version: commit.expected_version + 1,
        inserted,
    })
}
