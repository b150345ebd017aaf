//! The crash test: a runtime host in a child process, killed with SIGKILL at random moments.
//!
//! [`host`] is the child (`connector-bench host …`): it opens the store (a SQLite file, or a
//! PostgreSQL database shared with other replicas), registers one spec-less webhook trigger
//! against the mock API, resumes, serves on a fixed port, churns subscriptions
//! (enable/disable) and appends every handled notification's delivery id to a file.
//! [`harness`] is the parent: it runs the mock API and the notification senders (round-robin
//! over the replicas), kills and restarts the host (or a random replica), lets the last hosts
//! settle, and then compares the mock's live hooks with the store's active subscriptions and
//! the handled ids with the accepted ones.

pub mod harness;
pub mod host;
pub mod polling;

/// Header carrying the sender's delivery id (the runtime dedupes on it; the handler logs it).
pub const DELIVERY_HEADER: &str = "x-delivery-id";

/// Name the crash trigger's subscriptions are stored under.
pub const TRIGGER_NAME: &str = "crash-hook";

/// How the mock API removes hooks, which decides whether a crash mid-subscribe can orphan one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiStyle {
    /// Logic Apps style: `POST /subscribe` and `POST /unsubscribe`, both carrying the callback
    /// URL. The unsubscribe request is known before subscribing, so the runtime can always
    /// clean up.
    Callback,
    /// REST style: `POST /hooks` answers `Location: /hooks/{id}`, removed with `DELETE`. A
    /// crash after the API created the hook but before the runtime stored the `Location`
    /// leaves a hook the runtime cannot name.
    Location,
    /// GitHub style: the `Location` API, whose hooks the trigger can also list
    /// (`GET /hooks`, each with its callback URL and its own URL), so the runtime finds and
    /// removes a hook whose answer was lost.
    Listed,
    /// Not webhooks: polling triggers against an API following the polling contract (see
    /// [`polling`]).
    Polling,
}

impl ApiStyle {
    /// The command-line spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiStyle::Callback => "callback",
            ApiStyle::Location => "location",
            ApiStyle::Listed => "listed",
            ApiStyle::Polling => "polling",
        }
    }
}

impl std::str::FromStr for ApiStyle {
    type Err = crate::Error;

    fn from_str(text: &str) -> crate::Result<Self> {
        match text {
            "callback" => Ok(ApiStyle::Callback),
            "location" => Ok(ApiStyle::Location),
            "listed" => Ok(ApiStyle::Listed),
            "polling" => Ok(ApiStyle::Polling),
            other => Err(crate::Error::Invalid(format!(
                "unknown API style {other:?} (callback, location, listed or polling)"
            ))),
        }
    }
}

/// The subscription id inside a callback URL `…/callbacks/{id}?sig=…`.
pub fn subscription_of(callback_url: &str) -> Option<&str> {
    let (_, rest) = callback_url.split_once("/callbacks/")?;
    Some(rest.split(['?', '/']).next().unwrap_or(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_ids_come_from_callback_urls() {
        assert_eq!(
            subscription_of("http://127.0.0.1:9/callbacks/sabc?sig=x"),
            Some("sabc")
        );
        assert_eq!(subscription_of("http://h/other"), None);
    }
}
