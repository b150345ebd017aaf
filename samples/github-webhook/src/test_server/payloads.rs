//! JSON bodies in GitHub's shapes: the hook resource, and `ping` / `push` event payloads.
//!
//! Only the fields a client plausibly reads are produced; names and nesting follow GitHub's
//! REST and webhook documentation so a client written against this server works against GitHub.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::clock::now_rfc3339;
use super::state::Hook;

/// A push to simulate: who pushed which commit messages to which branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulatedPush {
    /// Branch name without `refs/heads/`, e.g. `main`.
    pub branch: String,
    /// Login of the pusher (also the commits' author and the event's sender).
    pub pusher: String,
    /// Commit messages, oldest first.
    pub commits: Vec<String>,
}

impl SimulatedPush {
    /// A push of no commits yet to `branch` by `pusher`.
    pub fn new(branch: impl Into<String>, pusher: impl Into<String>) -> Self {
        Self {
            branch: branch.into(),
            pusher: pusher.into(),
            commits: Vec::new(),
        }
    }

    /// Add a commit with this message.
    pub fn with_commit(mut self, message: impl Into<String>) -> Self {
        self.commits.push(message.into());
        self
    }
}

/// What a simulated push did: the ref moved from `before` to `after`, and these deliveries went out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushOutcome {
    /// Head of the branch before the push.
    pub before: String,
    /// Head of the branch after the push.
    pub after: String,
    /// One delivery per hook of the repository that receives `push`, in hook id order.
    pub deliveries: Vec<super::state::Delivery>,
}

/// The all-zero SHA GitHub uses for "no commit" (a branch created or deleted by the push).
pub const ZERO_SHA: &str = "0000000000000000000000000000000000000000";

/// The hook resource as `POST`/`GET .../hooks` return it. The secret is masked, as on GitHub.
pub(crate) fn hook_json(base_url: &str, hook: &Hook) -> Value {
    let hook_url = hook_url(base_url, &hook.owner, &hook.repo, hook.id);
    let mut config = json!({
        "content_type": hook.config.content_type,
        "insecure_ssl": hook.config.insecure_ssl,
        "url": hook.config.url,
    });
    if hook.config.secret.is_some() {
        config["secret"] = json!("********");
    }
    json!({
        "type": "Repository",
        "id": hook.id,
        "name": hook.name,
        "active": hook.active,
        "events": hook.events,
        "config": config,
        "updated_at": hook.created_at,
        "created_at": hook.created_at,
        "url": hook_url,
        "test_url": format!("{hook_url}/test"),
        "ping_url": format!("{hook_url}/pings"),
        "deliveries_url": format!("{hook_url}/deliveries"),
        "last_response": {"code": null, "status": "unused", "message": null},
    })
}

/// `{base}/repos/{owner}/{repo}/hooks/{id}`: the hook's URL and the `Location` of its 201.
pub(crate) fn hook_url(base_url: &str, owner: &str, repo: &str, id: u64) -> String {
    format!("{base_url}/repos/{owner}/{repo}/hooks/{id}")
}

/// The `ping` event GitHub sends right after a hook is created.
pub(crate) fn ping_json(base_url: &str, hook: &Hook, sender: &str) -> Value {
    const ZEN: [&str; 5] = [
        "Design for failure.",
        "Keep it logically awesome.",
        "Speak like a human.",
        "Practicality beats purity.",
        "Anything added dilutes everything else.",
    ];
    let zen = ZEN[(hook.id % ZEN.len() as u64) as usize];
    json!({
        "zen": zen,
        "hook_id": hook.id,
        "hook": hook_json(base_url, hook),
        "repository": repository_json(base_url, &hook.owner, &hook.repo),
        "sender": user_json(base_url, sender),
    })
}

/// The `push` event for `push` onto `before`; returns the payload and the new head.
pub(crate) fn push_json(
    base_url: &str,
    owner: &str,
    repo: &str,
    before: &str,
    push: &SimulatedPush,
) -> (Value, String) {
    let html = format!("{base_url}/{owner}/{repo}");
    let timestamp = now_rfc3339();
    let author = json!({
        "name": push.pusher,
        "email": noreply_email(&push.pusher),
        "username": push.pusher,
    });
    let mut parent = before.to_owned();
    let mut commits = Vec::with_capacity(push.commits.len());
    for message in &push.commits {
        let id = commit_sha(&parent, message);
        commits.push(json!({
            "id": id,
            "tree_id": commit_sha(&id, "tree"),
            "distinct": true,
            "message": message,
            "timestamp": timestamp,
            "url": format!("{html}/commit/{id}"),
            "author": author,
            "committer": author,
            "added": [],
            "removed": [],
            "modified": [],
        }));
        parent = id;
    }
    let after = parent;
    let payload = json!({
        "ref": format!("refs/heads/{}", push.branch),
        "before": before,
        "after": after,
        "repository": repository_json(base_url, owner, repo),
        "pusher": {"name": push.pusher, "email": noreply_email(&push.pusher)},
        "sender": user_json(base_url, &push.pusher),
        "created": before == ZERO_SHA,
        "deleted": false,
        "forced": false,
        "base_ref": null,
        "compare": format!("{html}/compare/{}...{}", short(before), short(&after)),
        "commits": commits,
        "head_commit": commits.last().cloned().unwrap_or(Value::Null),
    });
    (payload, after)
}

fn repository_json(base_url: &str, owner: &str, repo: &str) -> Value {
    json!({
        "id": stable_id(&format!("{owner}/{repo}")),
        "name": repo,
        "full_name": format!("{owner}/{repo}"),
        "private": false,
        "owner": user_json(base_url, owner),
        "html_url": format!("{base_url}/{owner}/{repo}"),
        "url": format!("{base_url}/repos/{owner}/{repo}"),
        "default_branch": "main",
    })
}

fn user_json(base_url: &str, login: &str) -> Value {
    json!({
        "login": login,
        "id": stable_id(login),
        "type": "User",
        "html_url": format!("{base_url}/{login}"),
    })
}

fn noreply_email(login: &str) -> String {
    format!("{login}@users.noreply.github.com")
}

/// The head of a branch nobody has pushed to yet: every repository "exists" with some history.
pub(crate) fn initial_head(owner: &str, repo: &str) -> String {
    commit_sha(&format!("{owner}/{repo}"), "Initial commit")
}

/// A deterministic 40-hex "SHA" so repeated runs print the same commit ids.
fn commit_sha(parent: &str, message: &str) -> String {
    let digest = Sha256::new()
        .chain_update(parent.as_bytes())
        .chain_update([0])
        .chain_update(message.as_bytes())
        .finalize();
    hex::encode(&digest[..20])
}

/// A deterministic positive id for a name (repository and user ids are stable on GitHub too).
fn stable_id(name: &str) -> u64 {
    let digest = Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 4];
    bytes.copy_from_slice(&digest[..4]);
    u64::from(u32::from_be_bytes(bytes))
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_chains_commits_from_before_to_after() {
        let push = SimulatedPush::new("main", "octocat")
            .with_commit("one")
            .with_commit("two");
        let (payload, after) = push_json("http://h", "octo", "hello", ZERO_SHA, &push);
        assert_eq!(payload["ref"], "refs/heads/main");
        assert_eq!(payload["created"], true);
        assert_eq!(payload["commits"][1]["id"], after.as_str());
        assert_eq!(payload["head_commit"]["message"], "two");
        assert_eq!(payload["repository"]["full_name"], "octo/hello");
        assert_eq!(after.len(), 40);
        let (again, _) = push_json("http://h", "octo", "hello", ZERO_SHA, &push);
        assert_eq!(
            again["after"], payload["after"],
            "commit ids are deterministic"
        );
    }
}
