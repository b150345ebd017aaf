//! The contract between generated connector crates and the runtime for polling triggers.
//!
//! An `x-ms-trigger` operation without a notification URL is polled (Logic Apps' polling
//! trigger contract for custom APIs): the runtime sends [`PollingTrigger::first_request`];
//! **200** with data is new data (one item for `single`, one per array element for `batch`),
//! **202** is no new data; a `Location` header on either answer is where the next poll goes
//! (it carries the trigger state), `Retry-After` says when, otherwise
//! [`PollingTrigger::interval`] applies.
//!
//! Depends only on the plain request types, so generated code can implement it without the
//! host.

use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::{RequestSpec, TriggerError};

/// The poll interval when the spec's `x-ms-trigger-metadata` gives none: three minutes, the
/// recurrence Power Automate gives custom connectors' polling triggers.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(180);

/// A polling trigger as generated code describes it.
pub trait PollingTrigger: Send + Sync + 'static {
    /// One item: the whole answer body for `single`, one array element for `batch`.
    type Item: DeserializeOwned + Send + 'static;

    /// Stable name stored with each subscription (the poll operation id).
    fn name(&self) -> &str;

    /// `x-ms-trigger: batch`: the answer holds an array of items, one handler run per item.
    fn batch(&self) -> bool {
        false
    }

    /// The first poll's request (no trigger state yet).
    fn first_request(&self) -> Result<RequestSpec, TriggerError>;

    /// How long to wait between polls when the API sends no `Retry-After`.
    fn interval(&self) -> Duration {
        DEFAULT_POLL_INTERVAL
    }

    /// JSON pointer to the items array in a `batch` answer. When `None`: the body itself when
    /// it is an array, else its `value` property.
    fn items_from(&self) -> Option<&str> {
        None
    }

    /// JSON pointer inside one item to its id (`x-ms-trigger-metadata` or a per-trigger key):
    /// items with an id already stored for the subscription are not delivered again (within
    /// the host's inbox retention). `None`: no de-duplication.
    fn item_id(&self) -> Option<&str> {
        None
    }

    /// JSON pointer to the next page's URL in an answer (`x-ms-pageable`'s `nextLinkName`,
    /// e.g. `/nextLink`): pages are followed within one poll. `None`: answers are one page.
    fn next_link(&self) -> Option<&str> {
        None
    }
}
