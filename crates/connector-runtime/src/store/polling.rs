//! What the store keeps for a polling trigger: its cursor (the next poll's request, which
//! carries the trigger state), a version that every change bumps, when to poll next, and the
//! poll lease that keeps one poller per subscription across processes sharing a store.

use crate::{RequestSpec, SubscriptionId};

use super::{NewDelivery, StoreError, StoreResult};

/// One polling subscription's durable cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct PollState {
    /// The subscription (its [`super::SubscriptionRecord`] holds trigger name, state, intent).
    pub subscription: SubscriptionId,
    /// The next poll's request, URL absolute: the first request until the API sends a
    /// `Location`, then the last `Location` (with its trigger state); while a long answer's
    /// pages are read in chunks, the next page.
    pub next_request: RequestSpec,
    /// While a long answer's pages are read in chunks: the request to go to after its last
    /// page (the answer's `Location`). `None` otherwise.
    pub after_pages: Option<RequestSpec>,
    /// Bumped by every change; [`PollCommit::expected_version`] must match it, so a stale
    /// poller can never move the state backwards.
    pub version: i64,
    /// The trigger's interval (ms) when the API sends no `Retry-After`.
    pub interval_ms: i64,
    /// When the next poll is due (ms since the Unix epoch).
    pub next_poll_ms: i64,
    /// The host instance holding the poll lease, if any.
    pub lease_owner: Option<String>,
    /// Until when the lease holds (ms since the Unix epoch).
    pub lease_until_ms: i64,
}

impl PollState {
    /// A fresh cursor at version 1, due at `next_poll_ms`, with no lease.
    pub fn new(
        subscription: SubscriptionId,
        first_request: RequestSpec,
        interval_ms: i64,
        next_poll_ms: i64,
    ) -> Self {
        PollState {
            subscription,
            next_request: first_request,
            after_pages: None,
            version: 1,
            interval_ms,
            next_poll_ms,
            lease_owner: None,
            lease_until_ms: 0,
        }
    }
}

/// One finished poll, stored atomically: the items go to the inbox and the cursor advances
/// in the same transaction, or nothing happens.
#[derive(Debug, Clone)]
pub struct PollCommit {
    /// The subscription.
    pub subscription: SubscriptionId,
    /// The version the poller read; the commit is refused when the stored one differs.
    pub expected_version: i64,
    /// The lease holder committing; it keeps the lease until [`Self::lease_until_ms`].
    pub owner: String,
    /// The next poll's request.
    pub next_request: RequestSpec,
    /// The request after the last page, while pages remain ([`PollState::after_pages`]).
    pub after_pages: Option<RequestSpec>,
    /// When the next poll is due.
    pub next_poll_ms: i64,
    /// The lease's new end.
    pub lease_until_ms: i64,
    /// The items, one inbox row each (deduplicated by delivery id = item id).
    pub items: Vec<NewDelivery>,
}

/// What [`super::Store::commit_poll`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollCommitOutcome {
    /// Stored: the cursor's new version and the inbox rows inserted, as
    /// `(index into PollCommit::items, row id)`; duplicates are left out.
    Committed {
        /// The new version.
        version: i64,
        /// Inserted rows.
        inserted: Vec<(usize, i64)>,
    },
    /// The stored version (or the cursor itself) is gone: another poller, an update or a
    /// disable got there first. Nothing was stored.
    Stale,
}

/// A cursor row as a backend reads it: subscription id, next request (JSON), version,
/// interval, next poll, lease owner, lease end, request after the pages (JSON).
pub(super) type RawPollState = (
    String,
    String,
    i64,
    i64,
    i64,
    Option<String>,
    i64,
    Option<String>,
);

/// A cursor row validated into a [`PollState`], so the backends agree on what it means.
pub(super) fn validate(
    (id, request, version, interval_ms, next_poll_ms, lease_owner, lease_until_ms, after_pages): RawPollState,
) -> StoreResult<PollState> {
    let subscription = SubscriptionId::parse(&id)
        .ok_or_else(|| StoreError::Corrupt(format!("poll state: id {id:?}")))?;
    let next_request = serde_json::from_str::<RequestSpec>(&request)
        .map_err(|e| StoreError::Corrupt(format!("poll state of {subscription}: request: {e}")))?;
    let after_pages = after_pages
        .map(|text| serde_json::from_str::<RequestSpec>(&text))
        .transpose()
        .map_err(|e| {
            StoreError::Corrupt(format!("poll state of {subscription}: after pages: {e}"))
        })?;
    Ok(PollState {
        subscription,
        next_request,
        after_pages,
        version,
        interval_ms,
        next_poll_ms,
        lease_owner,
        lease_until_ms,
    })
}

/// A request as the JSON text the cursor table holds.
pub(super) fn request_json(request: &RequestSpec) -> StoreResult<String> {
    serde_json::to_string(request).map_err(|e| StoreError::Database(e.to_string()))
}

/// [`request_json`] of an optional request (`after_pages`).
pub(super) fn optional_request_json(request: Option<&RequestSpec>) -> StoreResult<Option<String>> {
    request.map(request_json).transpose()
}
