//! What the handler makes of each callback: the typed notification, reduced to what a user
//! reads (repository, branch, pusher, commit messages).
//!
//! GitHub sends two kinds of delivery to this trigger: one `ping` right after the hook is
//! created, then a `push` per push. Both parse as the generated `WebhookPushResponse` (every
//! field of it is optional); the `X-GitHub-Event` header says which one arrived.

use connector_runtime::Callback;
use github_webhook_connector::models::WebhookPushResponse;

/// One callback as the sample's handler understood it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// GitHub's `ping`: the hook works.
    Ping(PingNotice),
    /// A push to the repository.
    Push(PushNotice),
    /// Any other event the hook was subscribed to.
    Other {
        /// `X-GitHub-Event`.
        event: String,
        /// `X-GitHub-Delivery`.
        delivery: String,
    },
}

/// The `ping` delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PingNotice {
    /// Id of the hook that was pinged.
    pub hook_id: Option<i64>,
    /// GitHub's zen line.
    pub zen: String,
    /// `X-GitHub-Delivery`.
    pub delivery: String,
}

/// A `push` delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushNotice {
    /// `owner/name`.
    pub repository: String,
    /// Branch name (`ref` without `refs/heads/`; other refs as they are).
    pub branch: String,
    /// Who pushed.
    pub pusher: String,
    /// Commit messages, oldest first.
    pub commits: Vec<String>,
    /// Head of the branch after the push.
    pub after: String,
    /// `X-GitHub-Delivery`.
    pub delivery: String,
}

impl Notice {
    /// Read a callback: the event header picks the kind, the typed body fills it in.
    pub fn from_callback(callback: &Callback<WebhookPushResponse>) -> Self {
        let delivery = callback
            .header("x-github-delivery")
            .unwrap_or_default()
            .to_owned();
        let body = &callback.body;
        match callback.header("x-github-event").unwrap_or_default() {
            "ping" => Notice::Ping(PingNotice {
                hook_id: body.hook_id,
                zen: body.zen.clone().unwrap_or_default(),
                delivery,
            }),
            "push" => Notice::Push(PushNotice::from_body(body, delivery)),
            other => Notice::Other {
                event: other.to_owned(),
                delivery,
            },
        }
    }
}

impl PushNotice {
    fn from_body(body: &WebhookPushResponse, delivery: String) -> Self {
        let git_ref = body.ref_.clone().unwrap_or_default();
        let branch = git_ref
            .strip_prefix("refs/heads/")
            .map(str::to_owned)
            .unwrap_or(git_ref);
        let repository = body
            .repository
            .as_ref()
            .and_then(|r| r.full_name.clone().or_else(|| r.name.clone()))
            .unwrap_or_default();
        // `pusher.name` is what git pushed as; fall back to the sender's login.
        let pusher = body
            .pusher
            .as_ref()
            .and_then(|p| p.name.clone())
            .or_else(|| body.sender.as_ref().and_then(|s| s.login.clone()))
            .unwrap_or_default();
        let commits = body
            .commits
            .iter()
            .flatten()
            .map(|c| c.message.clone().unwrap_or_default())
            .collect();
        PushNotice {
            repository,
            branch,
            pusher,
            commits,
            after: body.after.clone().unwrap_or_default(),
            delivery,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn callback(event: &str, body: serde_json::Value) -> Callback<WebhookPushResponse> {
        Callback {
            headers: vec![
                ("x-github-event".into(), event.into()),
                ("x-github-delivery".into(), "d-1".into()),
            ],
            body: serde_json::from_value(body).unwrap(),
            status_code: 202,
        }
    }

    #[test]
    fn ping_and_push_parse_as_the_same_generated_type() {
        let ping = callback(
            "ping",
            json!({"zen": "Speak like a human.", "hook_id": 7, "hook": {}}),
        );
        assert_eq!(
            Notice::from_callback(&ping),
            Notice::Ping(PingNotice {
                hook_id: Some(7),
                zen: "Speak like a human.".into(),
                delivery: "d-1".into()
            })
        );
        let push = callback(
            "push",
            json!({
                "ref": "refs/heads/main", "after": "abc",
                "repository": {"full_name": "octo/hello"},
                "pusher": {"name": "octocat"},
                "commits": [{"message": "one"}, {"message": "two"}],
            }),
        );
        let Notice::Push(push) = Notice::from_callback(&push) else {
            panic!("expected a push");
        };
        assert_eq!(push.repository, "octo/hello");
        assert_eq!(push.branch, "main");
        assert_eq!(push.pusher, "octocat");
        assert_eq!(push.commits, ["one", "two"]);
    }

    #[test]
    fn tags_keep_their_full_ref() {
        let push = callback("push", json!({"ref": "refs/tags/v1"}));
        let Notice::Push(push) = Notice::from_callback(&push) else {
            panic!("expected a push");
        };
        assert_eq!(push.branch, "refs/tags/v1");
    }
}
