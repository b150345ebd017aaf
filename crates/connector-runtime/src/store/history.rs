//! What the run history reads and writes: paged, filtered listings of subscriptions and
//! deliveries, the subscribe / unsubscribe attempt log and the admin audit log.
//!
//! Every listing is newest first and paged by an opaque [`Cursor`]: the position after the last
//! row of a page, so a page stays stable while new rows arrive at the top.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;

use super::{DeliveryState, SubscriptionKind, SubscriptionRecord, SubscriptionState};
use crate::SubscriptionId;

/// Largest page a listing returns, whatever the caller asks for.
pub const MAX_PAGE: usize = 500;
/// Page size when the caller does not say.
pub const DEFAULT_PAGE: usize = 50;

/// Where the next page starts: the sort key and id of the last row of the previous page.
///
/// Encoded as URL-safe base64 so callers treat it as opaque; [`Cursor::decode`] refuses
/// anything [`Cursor::encode`] could not have made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The sort key of the last row (row id, or creation time for subscriptions).
    pub key: i64,
    /// Tie-breaker for equal keys (the subscription id; empty for row-id orders).
    pub id: String,
}

/// A cursor that is not one this runtime made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid cursor: {0}")]
pub struct CursorError(&'static str);

impl Cursor {
    /// A cursor after the row with this row id.
    pub fn after_row(id: i64) -> Self {
        Cursor {
            key: id,
            id: String::new(),
        }
    }

    /// The opaque text form.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("v1:{}:{}", self.key, self.id))
    }

    /// Parse the text form.
    pub fn decode(text: &str) -> Result<Self, CursorError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.as_bytes())
            .map_err(|_| CursorError("not base64"))?;
        let text = String::from_utf8(bytes).map_err(|_| CursorError("not text"))?;
        let rest = text
            .strip_prefix("v1:")
            .ok_or(CursorError("unknown version"))?;
        let (key, id) = rest.split_once(':').ok_or(CursorError("malformed"))?;
        let key = key.parse().map_err(|_| CursorError("malformed key"))?;
        if !id.is_empty() && SubscriptionId::parse(id).is_none() {
            return Err(CursorError("malformed id"));
        }
        Ok(Cursor {
            key,
            id: id.to_owned(),
        })
    }
}

/// Filters shared by every listing. `state` is the listing's own state type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery<S> {
    /// Only rows of this trigger (or action) name.
    pub trigger: Option<String>,
    /// Only rows of this subscription.
    pub subscription: Option<SubscriptionId>,
    /// Only rows in this state.
    pub state: Option<S>,
    /// Only rows at or after this time (ms since the Unix epoch).
    pub since_ms: Option<i64>,
    /// Only rows before this time (ms since the Unix epoch).
    pub until_ms: Option<i64>,
    /// Continue after this cursor.
    pub after: Option<Cursor>,
    /// Page size (clamped to 1..=[`MAX_PAGE`]).
    pub limit: usize,
}

impl<S> Default for ListQuery<S> {
    fn default() -> Self {
        ListQuery {
            trigger: None,
            subscription: None,
            state: None,
            since_ms: None,
            until_ms: None,
            after: None,
            limit: DEFAULT_PAGE,
        }
    }
}

impl<S> ListQuery<S> {
    /// The page size to use.
    pub fn page_size(&self) -> usize {
        self.limit.clamp(1, MAX_PAGE)
    }

    /// The same filters with another state type (the cursor and page size are kept).
    pub fn with_state<T>(self, state: Option<T>) -> ListQuery<T> {
        ListQuery {
            trigger: self.trigger,
            subscription: self.subscription,
            state,
            since_ms: self.since_ms,
            until_ms: self.until_ms,
            after: self.after,
            limit: self.limit,
        }
    }
}

/// Listing subscriptions (and, with `kind = Action`, pending webhook-action waits).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscriptionQuery {
    /// The shared filters; the time range applies to the creation time.
    pub list: ListQuery<SubscriptionState>,
    /// Only triggers or only actions.
    pub kind: Option<SubscriptionKind>,
}

/// Listing deliveries; the time range applies to the receive time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryQuery {
    /// The shared filters.
    pub list: ListQuery<DeliveryState>,
    /// Include each row's body.
    pub with_body: bool,
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The rows, newest first.
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// Cut `rows` (fetched with one row more than the page size) into a page, the cursor made
    /// from the last row kept.
    pub fn from_rows(mut rows: Vec<T>, page_size: usize, cursor_of: impl Fn(&T) -> Cursor) -> Self {
        let more = rows.len() > page_size;
        rows.truncate(page_size);
        let next = if more {
            rows.last().map(cursor_of)
        } else {
            None
        };
        Page { items: rows, next }
    }
}

/// A subscription as the history lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionEntry {
    /// The stored record.
    pub record: SubscriptionRecord,
    /// When its newest callback was received (ms since the Unix epoch).
    pub last_callback_ms: Option<i64>,
}

/// An inbox row as the history lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryEntry {
    /// Row id.
    pub id: i64,
    /// The subscription it arrived on.
    pub subscription: SubscriptionId,
    /// The trigger of that subscription (`None` for rows stored before the column existed
    /// whose subscription is gone).
    pub trigger: Option<String>,
    /// The sender's delivery id.
    pub delivery_id: Option<String>,
    /// When it was received (ms since the Unix epoch).
    pub received_ms: i64,
    /// Processing state.
    pub state: DeliveryState,
    /// Handler attempts so far.
    pub attempts: u32,
    /// The last handler error.
    pub last_error: Option<String>,
    /// Request headers as stored (unredacted: the admin surface redacts them).
    pub headers: Vec<(String, String)>,
    /// The raw body, when asked for.
    pub body: Option<Vec<u8>>,
}

/// Which failed deliveries to requeue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequeueTarget {
    /// One row.
    Delivery(i64),
    /// Every failed row of one subscription.
    Subscription(SubscriptionId),
}

/// `subscribe` or `unsubscribe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOperation {
    /// A subscribe request.
    Subscribe,
    /// An unsubscribe request (including removal by listing the API's hooks).
    Unsubscribe,
}

impl AttemptOperation {
    /// Stable text form used in the store and in metrics labels.
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptOperation::Subscribe => "subscribe",
            AttemptOperation::Unsubscribe => "unsubscribe",
        }
    }

    /// Parse the text form.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "subscribe" => Some(AttemptOperation::Subscribe),
            "unsubscribe" => Some(AttemptOperation::Unsubscribe),
            _ => None,
        }
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// The API accepted it.
    Ok,
    /// The API answered with an error status.
    Rejected,
    /// No answer: connection failure, timeout, or an answer lost in transit.
    Unreachable,
}

impl AttemptOutcome {
    /// Stable text form used in the store, the API filter and metrics labels.
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptOutcome::Ok => "ok",
            AttemptOutcome::Rejected => "rejected",
            AttemptOutcome::Unreachable => "unreachable",
        }
    }

    /// Parse the text form.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ok" => Some(AttemptOutcome::Ok),
            "rejected" => Some(AttemptOutcome::Rejected),
            "unreachable" => Some(AttemptOutcome::Unreachable),
            _ => None,
        }
    }
}

/// One subscribe or unsubscribe attempt, as recorded by the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    /// Row id (0 before it is stored).
    pub id: i64,
    /// The subscription.
    pub subscription: SubscriptionId,
    /// Its trigger name.
    pub trigger: String,
    /// Subscribe or unsubscribe.
    pub operation: AttemptOperation,
    /// How it ended.
    pub outcome: AttemptOutcome,
    /// The answer's status code, if one came.
    pub status: Option<u16>,
    /// What went wrong (secrets removed), if anything.
    pub error: Option<String>,
    /// When (ms since the Unix epoch).
    pub at_ms: i64,
}

/// One admin action, as recorded in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Row id (0 before it is stored).
    pub id: i64,
    /// When (ms since the Unix epoch).
    pub at_ms: i64,
    /// The name of the admin token used (never the token).
    pub token_name: String,
    /// What was done: `requeue`, `requeue_failed`, `disable`, `enable`, `retry_unsubscribe`.
    pub action: String,
    /// The subscription it concerned.
    pub subscription: Option<SubscriptionId>,
    /// The delivery row it concerned.
    pub delivery: Option<i64>,
    /// The result in a few words (`requeued 3`, an error message).
    pub detail: String,
}

/// Row counts the metrics report at scrape time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreCounts {
    /// Inbox rows waiting for a handler (the queue depth across triggers).
    pub pending_deliveries: u64,
    /// Inbox rows the handler gave up on.
    pub failed_deliveries: u64,
    /// Subscriptions per state, in state order.
    pub subscriptions: Vec<(SubscriptionState, u64)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_junk() {
        let cursor = Cursor {
            key: 1_700_000_000_000,
            id: "s0123abc".into(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
        assert_eq!(
            Cursor::decode(&Cursor::after_row(42).encode()),
            Ok(Cursor::after_row(42))
        );
        assert!(Cursor::decode("%%%").is_err());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode("v2:1:")).is_err());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode("v1:x:")).is_err());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode("v1:1:../x")).is_err());
    }

    #[test]
    fn pages_know_whether_more_follow() {
        let page = Page::from_rows(vec![5, 4, 3], 2, |row| Cursor::after_row(*row));
        assert_eq!(page.items, vec![5, 4]);
        assert_eq!(page.next, Some(Cursor::after_row(4)));
        let last = Page::from_rows(vec![2, 1], 2, |row| Cursor::after_row(*row));
        assert_eq!(last.next, None);
    }
}
