//! What an operator can change: requeue failed deliveries, disable / enable a subscription,
//! retry a stuck unsubscribe now. Every action, done or refused by the runtime, is written to
//! the audit log with the name of the token that asked.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;

use super::api::{delivery_id, subscription_id, SubscriptionView};
use super::auth::Operator;
use super::rejection::{AdminResult, Rejection};
use super::AdminState;
use crate::store::history::{AuditRecord, RequeueTarget};
use crate::store::{now_ms, DeliveryState, SubscriptionState};
use crate::SubscriptionId;

/// The action names the audit log uses.
pub(crate) const ACTIONS: &[&str] = &[
    "requeue",
    "requeue_failed",
    "disable",
    "enable",
    "retry_unsubscribe",
];

/// What an action did.
#[derive(Debug, Serialize)]
pub(crate) struct ActionResult {
    pub action: &'static str,
    /// Deliveries turned back to pending (requeue actions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requeued: Option<usize>,
    /// The subscription afterwards (subscription actions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription: Option<SubscriptionView>,
    /// The runtime's error, when the action was tried and failed (e.g. the API refused the
    /// unsubscribe again); the action is still recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl AdminState {
    async fn audit(
        &self,
        operator: &Operator,
        action: &'static str,
        subscription: Option<&SubscriptionId>,
        delivery: Option<i64>,
        detail: String,
    ) -> AdminResult<()> {
        tracing::info!(token = %operator.0, action, subscription = ?subscription.map(|s| s.as_str()), ?delivery, %detail, "admin action");
        let entry = AuditRecord {
            id: 0,
            at_ms: now_ms(),
            token_name: operator.0.clone(),
            action: action.to_owned(),
            subscription: subscription.cloned(),
            delivery,
            detail,
        };
        Ok(self.store().record_audit(&entry).await?)
    }

    /// Turn failed rows back to pending and hand them to the dispatcher.
    async fn requeue(&self, target: &RequeueTarget) -> AdminResult<usize> {
        let rows = self.store().requeue_failed(target).await?;
        let count = rows.len();
        if count > 0 {
            self.host.queue_again().await;
        }
        Ok(count)
    }

    /// A subscription action's answer: the view afterwards and the runtime's error, recorded.
    async fn finish(
        &self,
        operator: &Operator,
        action: &'static str,
        id: &SubscriptionId,
        outcome: crate::Result<()>,
    ) -> AdminResult<Json<ActionResult>> {
        let error = match outcome {
            Ok(()) => None,
            // Nothing was tried: refused, without an audit entry.
            Err(
                error @ (crate::Error::InvalidState { .. } | crate::Error::UnknownSubscription(_)),
            ) => return Err(error.into()),
            Err(error) => Some(crate::redact::redact_text(&error.to_string())),
        };
        let view = self.subscription_view(id).await?;
        let detail = match &error {
            Some(error) => format!("failed: {error}; now {}", view.state),
            None => format!("now {}", view.state),
        };
        self.audit(operator, action, Some(id), None, detail).await?;
        Ok(Json(ActionResult {
            action,
            requeued: None,
            subscription: Some(view),
            error,
        }))
    }
}

pub(crate) async fn requeue_delivery(
    State(state): State<Arc<AdminState>>,
    operator: Operator,
    Path(id): Path<String>,
) -> AdminResult<Json<ActionResult>> {
    let id = delivery_id(&id)?;
    let row = state.delivery_view(id, false).await?;
    if row.state != DeliveryState::Failed {
        return Err(Rejection::Conflict(format!(
            "delivery {id} is {}; only failed deliveries are requeued",
            row.state.as_str()
        )));
    }
    let requeued = state.requeue(&RequeueTarget::Delivery(id)).await?;
    state
        .audit(
            &operator,
            "requeue",
            Some(&row.subscription),
            Some(id),
            format!("requeued {requeued}"),
        )
        .await?;
    Ok(Json(ActionResult {
        action: "requeue",
        requeued: Some(requeued),
        subscription: None,
        error: None,
    }))
}

pub(crate) async fn requeue_subscription(
    State(state): State<Arc<AdminState>>,
    operator: Operator,
    Path(id): Path<String>,
) -> AdminResult<Json<ActionResult>> {
    let id = subscription_id(&id)?;
    state.subscription_view(&id).await?;
    let requeued = state
        .requeue(&RequeueTarget::Subscription(id.clone()))
        .await?;
    state
        .audit(
            &operator,
            "requeue_failed",
            Some(&id),
            None,
            format!("requeued {requeued}"),
        )
        .await?;
    Ok(Json(ActionResult {
        action: "requeue_failed",
        requeued: Some(requeued),
        subscription: None,
        error: None,
    }))
}

pub(crate) async fn disable(
    State(state): State<Arc<AdminState>>,
    operator: Operator,
    Path(id): Path<String>,
) -> AdminResult<Json<ActionResult>> {
    let id = subscription_id(&id)?;
    let before = state.subscription_view(&id).await?;
    if before.intent != "enabled" {
        return Err(Rejection::Conflict(format!(
            "subscription {id} is already {}",
            before.intent
        )));
    }
    let outcome = state.host.disable(&id).await;
    state.finish(&operator, "disable", &id, outcome).await
}

pub(crate) async fn enable(
    State(state): State<Arc<AdminState>>,
    operator: Operator,
    Path(id): Path<String>,
) -> AdminResult<Json<ActionResult>> {
    let id = subscription_id(&id)?;
    let before = state.subscription_view(&id).await?;
    if before.intent == "enabled" {
        return Err(Rejection::Conflict(format!(
            "subscription {id} is already enabled"
        )));
    }
    let outcome = state.host.enable_again(&id).await;
    state.finish(&operator, "enable", &id, outcome).await
}

pub(crate) async fn retry_unsubscribe(
    State(state): State<Arc<AdminState>>,
    operator: Operator,
    Path(id): Path<String>,
) -> AdminResult<Json<ActionResult>> {
    let id = subscription_id(&id)?;
    let before = state.subscription_view(&id).await?;
    if before.state != SubscriptionState::Unsubscribing {
        return Err(Rejection::Conflict(format!(
            "subscription {id} is {}; only a pending unsubscribe is retried",
            before.state
        )));
    }
    let outcome = state.host.retry_unsubscribe_now(&id).await;
    state
        .finish(&operator, "retry_unsubscribe", &id, outcome)
        .await
}
