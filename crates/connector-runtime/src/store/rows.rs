//! Rows as the backends read them, validated into records in one place, so SQLite and
//! PostgreSQL agree on what a stored row means.

use serde::Serialize;

use super::{
    DeliveryState, HookLookup, Intent, StoreError, StoreResult, StoredDelivery, SubscriptionKind,
    SubscriptionRecord, SubscriptionState, WaitOutcome,
};
use crate::{RequestSpec, SubscriptionId};

/// A JSON column's text (`None` stays NULL).
pub(super) fn encode_json<T: Serialize>(value: Option<&T>) -> StoreResult<Option<String>> {
    value
        .map(|v| serde_json::to_string(v).map_err(|e| StoreError::Database(e.to_string())))
        .transpose()
}

pub(super) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// A subscription row as a backend returns it, before the text columns are validated.
pub(super) struct RawSubscription {
    pub(super) id: String,
    pub(super) trigger: String,
    pub(super) kind: String,
    pub(super) state: String,
    pub(super) intent: String,
    pub(super) location: Option<String>,
    pub(super) unsubscribe: Option<String>,
    pub(super) subscribe_status: Option<i64>,
    pub(super) subscribe_body: Option<String>,
    pub(super) deadline_ms: Option<i64>,
    pub(super) outcome: Option<String>,
    pub(super) last_error: Option<String>,
    pub(super) created_ms: i64,
    pub(super) updated_ms: i64,
    pub(super) lookup: Option<String>,
}

impl RawSubscription {
    pub(super) fn validate(self) -> StoreResult<SubscriptionRecord> {
        let id =
            SubscriptionId::parse(&self.id).ok_or_else(|| corrupt(format!("id {:?}", self.id)))?;
        let kind = SubscriptionKind::parse(&self.kind)
            .ok_or_else(|| corrupt(format!("kind {:?} of {id}", self.kind)))?;
        let state = SubscriptionState::parse(&self.state)
            .ok_or_else(|| corrupt(format!("state {:?} of {id}", self.state)))?;
        let intent = Intent::parse(&self.intent)
            .ok_or_else(|| corrupt(format!("intent {:?} of {id}", self.intent)))?;
        let unsubscribe = match self.unsubscribe {
            Some(text) => Some(
                serde_json::from_str::<RequestSpec>(&text)
                    .map_err(|e| corrupt(format!("unsubscribe of {id}: {e}")))?,
            ),
            None => None,
        };
        let outcome = match self.outcome {
            Some(text) => Some(
                WaitOutcome::parse(&text)
                    .ok_or_else(|| corrupt(format!("outcome {text:?} of {id}")))?,
            ),
            None => None,
        };
        let lookup = match self.lookup {
            Some(text) => Some(
                serde_json::from_str::<HookLookup>(&text)
                    .map_err(|e| corrupt(format!("lookup of {id}: {e}")))?,
            ),
            None => None,
        };
        Ok(SubscriptionRecord {
            id,
            trigger: self.trigger,
            kind,
            state,
            intent,
            location: self.location,
            unsubscribe,
            lookup,
            subscribe_status: self.subscribe_status.and_then(|s| u16::try_from(s).ok()),
            subscribe_body: self.subscribe_body,
            deadline_ms: self.deadline_ms,
            outcome,
            last_error: self.last_error,
            created_ms: self.created_ms,
            updated_ms: self.updated_ms,
        })
    }
}

/// An inbox row as a backend returns it: id, subscription, delivery id, headers, body, attempts, state.
pub(super) type RawDelivery = (i64, String, Option<String>, String, Vec<u8>, i64, i64);

pub(super) fn validate_delivery(
    (id, subscription, delivery_id, headers, body, attempts, state): RawDelivery,
) -> StoreResult<StoredDelivery> {
    let subscription = SubscriptionId::parse(&subscription)
        .ok_or_else(|| corrupt(format!("inbox row {id}: subscription {subscription:?}")))?;
    let headers: Vec<(String, String)> = serde_json::from_str(&headers)
        .map_err(|e| corrupt(format!("inbox row {id}: headers: {e}")))?;
    let state = match state {
        0 => DeliveryState::Pending,
        1 => DeliveryState::Done,
        2 => DeliveryState::Failed,
        other => return Err(corrupt(format!("inbox row {id}: state {other}"))),
    };
    Ok(StoredDelivery {
        id,
        subscription,
        delivery_id,
        headers,
        body,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        state,
    })
}
