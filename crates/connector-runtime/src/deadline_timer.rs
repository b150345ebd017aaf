//! One timer task per deadline queue of a host: it sleeps until the queue's earliest deadline
//! (or until woken because an earlier one was queued), lets the queue fire what is due, and
//! stops at shutdown or when the host is dropped. Many deadlines cost one task, not one each.

use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::{watch, Notify};

use crate::runtime::HostInner;
use crate::store::now_ms;

/// Fires the due entries of a queue and returns its next deadline (ms since the Unix epoch).
pub(crate) type FireDue = fn(&Arc<HostInner>) -> Option<i64>;

/// Start a timer for one queue. `changed` is notified whenever a deadline earlier than the
/// current earliest is queued. The task holds the host weakly.
pub(crate) fn spawn_deadline_timer(inner: &Arc<HostInner>, changed: Arc<Notify>, fire: FireDue) {
    let weak = Arc::downgrade(inner);
    let shutdown = inner.shutdown.subscribe();
    tokio::spawn(run(weak, changed, shutdown, fire));
}

async fn run(
    weak: Weak<HostInner>,
    changed: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
    fire: FireDue,
) {
    loop {
        // Registered before the queue is read, so an earlier deadline queued meanwhile wakes
        // this loop instead of waiting behind the sleep below.
        let notified = changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let next = {
            let Some(inner) = weak.upgrade() else {
                return;
            };
            if inner.is_shut_down() {
                return;
            }
            fire(&inner)
        };
        let sleep = async {
            match next {
                Some(deadline) => {
                    let millis = u64::try_from(deadline.saturating_sub(now_ms())).unwrap_or(0);
                    tokio::time::sleep(Duration::from_millis(millis.max(1))).await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = &mut notified => {}
            _ = sleep => {}
            stopped = shutdown.changed() => {
                // An error means the host is gone.
                if stopped.is_err() {
                    return;
                }
            }
        }
    }
}
