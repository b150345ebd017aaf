//! `github-webhook-sample demo`: the whole loop on loopback, against the test server.
//!
//! Start the GitHub-compatible test server and the runtime (SQLite file in a temporary
//! directory), enable the generated trigger for `octo/hello`, handle GitHub's `ping`, simulate
//! pushes and handle each typed notification, disable the trigger, and check that no hook is
//! left. Each [`Step`] is reported as it happens and collected in a [`Transcript`].

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use connector_runtime::{Auth, RetryPolicy};
use rand::RngCore;

use crate::error::{Error, Result};
use crate::notice::{Notice, PingNotice, PushNotice};
use crate::session::{Session, SessionConfig, Subscribed, Unsubscribed};
use crate::test_server::{SimulatedPush, TestGitHub};

/// What to run the demo with.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    owner: String,
    repo: String,
    pushes: Vec<SimulatedPush>,
    timeout: Duration,
    admin_token: String,
    keep: bool,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            owner: "octo".to_owned(),
            repo: "hello".to_owned(),
            pushes: vec![
                SimulatedPush::new("main", "octocat")
                    .with_commit("Add a greeting to the README")
                    .with_commit("Fix a typo in the greeting"),
                SimulatedPush::new("main", "hubot").with_commit("Release 0.2.0"),
            ],
            timeout: Duration::from_secs(15),
            admin_token: {
                let mut token = [0u8; 16];
                rand::thread_rng().fill_bytes(&mut token);
                hex::encode(token)
            },
            keep: false,
        }
    }
}

impl DemoOptions {
    /// `octo/hello`, two pushes to `main`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Watch this repository instead.
    pub fn with_repository(mut self, owner: impl Into<String>, repo: impl Into<String>) -> Self {
        self.owner = owner.into();
        self.repo = repo.into();
        self
    }

    /// Log in to the run-history page with this token (default: a random one, printed).
    pub fn with_admin_token(mut self, token: impl Into<String>) -> Self {
        self.admin_token = token.into();
        self
    }

    /// After the pushes, keep the runtime and its run-history page up until Ctrl-C, then
    /// unsubscribe as usual.
    pub fn with_keep(mut self, keep: bool) -> Self {
        self.keep = keep;
        self
    }

    /// Simulate these pushes instead, in order.
    pub fn with_pushes(mut self, pushes: Vec<SimulatedPush>) -> Self {
        self.pushes = pushes;
        self
    }

    /// How long to wait for each notification.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// One thing the demo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The test server is listening.
    TestServer {
        /// Its base URL.
        base_url: String,
        /// The user name it accepts (with a token).
        username: String,
    },
    /// The runtime is listening for callbacks.
    Runtime {
        /// Its public URL.
        public_url: String,
        /// The SQLite file holding subscriptions and deliveries.
        store: PathBuf,
    },
    /// The trigger was enabled: the hook exists.
    Subscribed(Subscribed),
    /// The handler received GitHub's `ping`.
    Ping(PingNotice),
    /// The handler received a typed push notification.
    Push(PushNotice),
    /// The runtime's run-history page is up.
    RunHistory {
        /// Its address.
        url: String,
        /// The admin token to log in with (the demo's own, random unless given).
        token: String,
        /// Whether the demo waits for Ctrl-C before unsubscribing.
        kept: bool,
    },
    /// The trigger was disabled: the hook was deleted.
    Unsubscribed {
        /// What the runtime reported.
        unsubscribed: Unsubscribed,
        /// The status the test server answered the DELETE with.
        status: Option<u16>,
    },
    /// Hooks left afterwards.
    HooksLeft {
        /// How many.
        count: usize,
        /// Counted where: `on the test server`, or `of ours on owner/repo` for a live run.
        scope: String,
    },
}

/// Every step of one demo run, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    /// The steps.
    pub steps: Vec<Step>,
}

impl Transcript {
    /// The push notifications handled, in order.
    pub fn pushes(&self) -> Vec<&PushNotice> {
        self.steps
            .iter()
            .filter_map(|s| match s {
                Step::Push(push) => Some(push),
                _ => None,
            })
            .collect()
    }
}

/// Run the demo, calling `on_step` as each step completes.
pub async fn run_demo(options: DemoOptions, mut on_step: impl FnMut(&Step)) -> Result<Transcript> {
    let mut transcript = Transcript::default();
    let mut record = |step: Step| {
        on_step(&step);
        transcript.steps.push(step);
    };

    let github = TestGitHub::new().start().await?;
    record(Step::TestServer {
        base_url: github.base_url().to_owned(),
        username: github.username().to_owned(),
    });

    let dir = tempfile::tempdir()?;
    let store = dir.path().join("runtime.db");
    let auth = Auth::Basic {
        username: github.username().to_owned(),
        password: github.token().to_owned(),
    };
    // Nothing on loopback should need retrying; fail fast if it does.
    let retry = RetryPolicy::none();
    let config = SessionConfig::new(
        github.base_url(),
        auth,
        &options.owner,
        &options.repo,
        &store,
    )
    .with_retry_policy(retry)
    .with_admin(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        options.admin_token.clone(),
    );
    let mut session = Session::start(config).await?;
    record(Step::Runtime {
        public_url: session.public_url().to_owned(),
        store,
    });
    record(Step::Subscribed(session.subscribed().clone()));

    match session.next_notice(options.timeout, "the ping").await? {
        Notice::Ping(ping) => record(Step::Ping(ping)),
        other => return Err(unexpected("the ping", &other)),
    }

    for push in &options.pushes {
        let outcome = github
            .simulate_push(&options.owner, &options.repo, push)
            .await?;
        if let Some(failed) = outcome.deliveries.iter().find(|d| !d.succeeded()) {
            return Err(Error::Unexpected {
                expected: "the runtime to accept the push delivery".to_owned(),
                got: format!("{:?} {:?}", failed.status, failed.error),
            });
        }
        match session
            .next_notice(options.timeout, "a push notification")
            .await?
        {
            Notice::Push(notice) => record(Step::Push(notice)),
            other => return Err(unexpected("a push notification", &other)),
        }
    }

    if let Some(url) = session.run_history_url() {
        record(Step::RunHistory {
            url,
            token: options.admin_token.clone(),
            kept: options.keep,
        });
    }
    if options.keep {
        tokio::signal::ctrl_c().await?;
    }

    let unsubscribed = session.stop().await?;
    let location_path = unsubscribed
        .request
        .strip_prefix("DELETE ")
        .and_then(|url| url.strip_prefix(github.base_url()))
        .unwrap_or_default()
        .to_owned();
    let status = github
        .requests()
        .iter()
        .rev()
        .find(|r| r.method == "DELETE" && r.path == location_path)
        .map(|r| r.status);
    record(Step::Unsubscribed {
        unsubscribed,
        status,
    });
    record(Step::HooksLeft {
        count: github.hooks().len(),
        scope: "on the test server".to_owned(),
    });
    github.shutdown().await;
    Ok(transcript)
}

fn unexpected(expected: &str, got: &Notice) -> Error {
    Error::Unexpected {
        expected: expected.to_owned(),
        got: format!("{got:?}"),
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::TestServer { base_url, username } => write!(
                f,
                "{:<13} test GitHub at {base_url} (basic auth: {username} + token)",
                "[server]"
            ),
            Step::Runtime { public_url, store } => write!(
                f,
                "{:<13} runtime callbacks at {public_url}, subscriptions in {}",
                "[runtime]",
                store.display()
            ),
            Step::Subscribed(subscribed) => write!(
                f,
                "{:<13} {} -> {}, Location: {}",
                "[subscribe]", subscribed.request, subscribed.status, subscribed.location
            ),
            Step::Ping(ping) => {
                write!(f, "{:<13} handled: ", "[ping]")?;
                match ping.hook_id {
                    Some(id) => write!(f, "hook {id} is live")?,
                    None => write!(f, "the hook is live")?,
                }
                write!(f, " (\"{}\")", ping.zen)
            }
            Step::Push(push) => {
                let count = push.commits.len();
                write!(
                    f,
                    "{:<13} {} {}, pushed by {}, {count} commit{}:",
                    "[push]",
                    push.repository,
                    push.branch,
                    push.pusher,
                    if count == 1 { "" } else { "s" }
                )?;
                for message in &push.commits {
                    write!(f, "\n{:<13}   - {message}", "")?;
                }
                Ok(())
            }
            Step::RunHistory { url, token, kept } => {
                write!(
                    f,
                    "{:<13} run history at {url} (log in with token {token})",
                    "[history]"
                )?;
                if *kept {
                    write!(f, "; serving it until Ctrl-C")?;
                }
                Ok(())
            }
            Step::Unsubscribed {
                unsubscribed,
                status,
            } => {
                write!(f, "{:<13} {}", "[unsubscribe]", unsubscribed.request)?;
                if let Some(status) = status {
                    write!(f, " -> {status}")?;
                }
                write!(f, " (subscription {})", unsubscribed.state)
            }
            Step::HooksLeft { count, scope } => {
                write!(f, "{:<13} {count} {scope}", "[hooks left]")
            }
        }
    }
}
